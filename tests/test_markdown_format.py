"""Markdown without front matter: sniffed by its headings, rendered, its heading the headline, its news
lines fields; the policy template (Markdown headings too) stays the policy format's, and a plain text
copy stays plain text."""

from __future__ import annotations

from normalize.formats import sniff
from normalize.pipeline import process_bytes

NOTE = """# 关于推进城市更新的通知

市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况，
全市已完成老旧小区改造一百二十个。

## 一、改造内容

**改造内容**包括加装电梯、[管网更新](http://example.com/a)等。

- 加装电梯四十部
- 更新管网三十公里

责任编辑：张三
"""


def test_a_markdown_note_is_read_as_markdown() -> None:
    result = process_bytes(NOTE.encode(), "note.md")
    assert result.ok and result.document is not None and result.document.format == "markdown"
    rec = result.records[0].data
    assert rec["headline"] == "关于推进城市更新的通知"
    assert rec["articleBody"].split("\n") == [
        "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况，全市已完成老旧小区改造一百二十个。",
        "一、改造内容",
        "改造内容包括加装电梯、管网更新等。",
        "加装电梯四十部",
        "更新管网三十公里",
    ]
    assert rec["editor"] == [{"type": "Person", "name": "张三", "jobTitle": "责任编辑"}]
    assert rec["wasDerivedFrom"]["sourceFormat"] == "markdown"


def test_what_is_not_markdown_is_not_sniffed_as_it() -> None:
    template = (
        "## 政策标题：关于印发通知的通知\n## 政策来源：国务院\n## 政策内容：\n各省人民政府：现将通知如下。\n"
    )
    assert sniff(template)[0].name == "policy"
    copy = "关于推进城市更新的通知\n\n#城市更新# 市政府昨天召开新闻发布会。\n- 加装电梯四十部\n"
    assert sniff(copy)[0].name == "plaintext"
    assert sniff("# 只有一个标题\n\n正文内容在这里，没有别的标记。\n")[0].name == "plaintext"
