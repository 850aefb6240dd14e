"""Tabs and control characters in what users' files hold: the records stay valid and say what was done.

A table copied from a page keeps its tabs in the body (the schema's ``Text`` allows them) and loses
them in a title (``Line`` does not); C0/C1 control characters are no text and are removed, except a C1
control that Windows-1252 reads as a character (text of that code page read as Latin-1), which is
read so.  Before, each of these put the record in quarantine."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize._edits import replay
from normalize.encoding import C1_KIND, repair
from normalize.pipeline import process_bytes
from normalize.text import normalize_body, normalize_field

_HEAD = "国务院办公厅关于\t印发通知\n\n各省、自治区、直辖市人民政府：\n\n"
_BODY = "现将有关事项通知如下，请认真贯彻执行。{}\n\n各地区要结合实际，认真组织实施，确保各项工作落到实处。\n"


def _one_record(text: str, encoding: str = "utf-8") -> dict[str, object]:
    result = process_bytes((_HEAD + _BODY.format(text)).encode(encoding), "notice.txt")
    assert result.ok, (result.error, [q.errors for q in result.quarantined])
    (record,) = result.records
    data: dict[str, object] = record.data
    return data


def test_a_table_keeps_its_tabs_in_the_body_and_the_title_gets_a_space() -> None:
    data = _one_record("\n\n地区\t数量\t金额\n北京\t3\t500万元")
    assert data["name"] == "国务院办公厅关于 印发通知"
    assert "地区\t数量\t金额\n北京\t3\t500万元" in str(data["text"])


def test_control_characters_in_utf16_text_are_removed() -> None:
    # the decoder strips C0 control bytes of byte-oriented encodings; in UTF-16 they are characters
    data = _one_record("控制\x07字符\x1b在此。", "utf-16")
    assert "控制字符在此。" in str(data["text"])


def test_c1_controls_read_as_windows_1252_and_the_undefined_removed() -> None:
    data = _one_record("他说\x93你好\x94，然后\x85再\x81见。")
    assert "他说“你好”，然后…再见。" in str(data["text"])


def test_the_c1_repair_leaves_clean_text_and_repaired_spans_alone() -> None:
    assert repair("中文“引号”和…省略") == ("中文“引号”和…省略", [])
    # UTF-8 read as Latin-1 holds C1 controls too: the line's own repair reads them, not this one
    fixed, changes = repair("关于印发通知".encode().decode("latin-1"))
    assert fixed == "关于印发通知" and C1_KIND not in {c.kind for c in changes}
    fixed, changes = repair("一\x81二")
    assert fixed == "一\x81二" and changes == []  # undefined in Windows-1252: nothing to read


_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What the schema's ``Text`` forbids (tab and line feed allowed)."""
_LINE_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_MESSY = "中文数据，。“”\u3000 \t\n\r\x00\x07\x1b\x7f\x81\x85\x93\x9f\u200ba1"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_MESSY, max_size=40))
def test_no_control_character_survives_the_text_stage(text: str) -> None:
    body, changes = normalize_body(text, "articleBody")
    assert not _TEXT_CONTROLS.search(body)
    assert replay(text, changes, "articleBody") == body
    field, changes = normalize_field(text, "headline")
    assert not _LINE_CONTROLS.search(field)
    assert replay(text, changes, "headline") == field
    again, more = normalize_field(field, "headline")
    assert again == field and not [c for c in more if c.applied]


_FM_BODY = "<p>正文内容在这里，继续说明有关的情况和要求，并且要足够长才行。</p>\n"


def test_a_title_over_two_lines_in_front_matter_is_one_line() -> None:
    page = "---\ntitle: |\n  关于印发\n  通知的说明\n---\n" + _FM_BODY
    result = process_bytes(page.encode(), "notice.md")
    assert result.ok, (result.error, [q.errors for q in result.quarantined])
    assert result.records[0].data["headline"] == "关于印发通知的说明"
    kinds = {c["kind"] for c in result.records[0].data["wasGeneratedBy"]["changes"]}
    assert "newline.joined" in kinds


def test_a_name_field_over_two_lines_keeps_two_names_apart() -> None:
    page = '---\ntitle: 关于印发通知\nauthor: "张三\\n李四"\n---\n' + _FM_BODY
    result = process_bytes(page.encode(), "notice.md")
    assert result.ok, (result.error, [q.errors for q in result.quarantined])
    assert "张三 李四" in str(result.records[0].data)


def test_a_note_of_attachments_keeps_its_lines() -> None:
    out, changes = normalize_field("附件：1.名单\n2.方案", "attachmentNote", lines="keep")
    assert out == "附件：1.名单\n2.方案" and not [c for c in changes if c.applied]
