"""Regression tests for bugs found by review: the change log on the decoded text replays and undoes
exactly, change-log strings survive canonical form, short byte strings are not believed UTF-8 blindly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalize import Change, pipeline, process, process_bytes
from normalize._canonical import canonical_bytes, clean_string, escape, is_canonical, unescape
from normalize._document import Document
from normalize._edits import _steps, replay, undo
from normalize.encoding import detect

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p
    for folder in (REPO / "seeds", REPO / "tests/data/news", REPO / "tests/data/policy")
    for p in folder.iterdir()
    if p.suffix != ".json"
)


def _decoded(data: bytes) -> str:
    """The decoded source text: what changes on target ``text`` start from (as ``normalize explain``)."""
    doc = Document(source=data, name="x")
    pipeline.detect(doc)
    pipeline.decode(doc)
    return doc.text


def _check_text_log(source: str, changes: list[Change]) -> None:
    """Each step's changes on ``text`` are disjoint and quote the text they replace; the log replays
    and undoes to the decoded source exactly."""
    text = source
    for step, group in _steps([c for c in changes if c.target == "text"]):
        pos = 0
        for c in sorted(group, key=lambda c: (c.start, c.end)):
            assert pos <= c.start <= c.end <= len(text), (step, c)
            assert text[c.start : c.end] == c.before, (step, c)
            pos = c.end
        text = replay(text, group, "text")
    assert replay(source, changes, "text") == text
    assert undo(text, changes, "text") == source


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_text_changes_of_a_step_do_not_overlap_and_replay(path: Path) -> None:
    result = process(path, path.parent)
    if result.error is not None:  # the sources that must fail (binary, empty, English ...) log no parse
        assert not result.records
        return
    source = _decoded(path.read_bytes())
    for rec in result.records:
        _check_text_log(source, [Change.from_dict(c) for c in rec.data["wasGeneratedBy"]["changes"]])


def test_nested_page_furniture_is_removed_once() -> None:
    (rec,) = process(REPO / "seeds/000_c91ed2cc67f6cad2.txt", REPO / "seeds").records
    removed = [
        (c["start"], c["end"])
        for c in rec.data["wasGeneratedBy"]["changes"]
        if c["target"] == "text" and c["kind"] == "boilerplate.removed"
    ]
    assert len(removed) == len(set(removed))
    dropped = [c for c in rec.data["wasGeneratedBy"]["changes"] if c["kind"] == "metadata.dropped"]
    assert [(c["start"], c["end"], c["before"], c["after"]) for c in dropped] == [(0, 0, "", "")]
    assert "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png" in dropped[0]["note"]


# --- short UTF-8 is weighed against the legacy readings ----------------------------------------------


def _top_two_character_words(n: int) -> list[str]:
    import jieba

    rows = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, *_ = line.split()
            if len(word) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                rows.append((-int(freq), word))
    return [w for _f, w in sorted(rows)[:n]]


def test_common_words_in_gb18030_that_are_valid_utf8_are_read_as_gb18030() -> None:
    words = _top_two_character_words(1000)
    chance = [w for w in words if _valid_utf8(w.encode("gb18030"))]
    assert len(chance) >= 20  # 学习 -> ѧϰ, 一一 -> һһ ...
    sure = detect(("政府工作报告指出，今年经济社会发展的主要预期目标已经确定。" * 3).encode()).confidence
    for word in chance:
        det = detect(word.encode("gb18030"))
        assert det.encoding == "gb18030", (word, det)
        assert det.confidence < sure
    for word in words:
        assert detect(word.encode()).encoding == "utf-8", word


_OTHER_SCRIPTS = (
    *("café", "naïve résumé", "Straße", "août", "İran", "lunedì", "afarština"),
    *("Привет", "αβγ", "Καλημέρα κόσμε"),
)


@pytest.mark.parametrize("text", _OTHER_SCRIPTS)
def test_short_utf8_in_other_scripts_stays_utf8(text: str) -> None:
    """A letter inside a word of its own script is no stray letter: the legacy readings of these bytes
    (one or two Chinese characters amid Latin, Greek or Cyrillic letters) do not outbid it."""
    assert detect(text.encode()).encoding == "utf-8"


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- the change log keeps the source's exact characters through canonical form --------------------------


@example("cafe\u0301 \uf951 \u212b\r\n\\u{301} \\\\")
@example("\u1100\u1161 \u0b47\u0b3e")  # conjoining jamo; an Oriya vowel sign that composes with class 0
@given(st.text())
def test_escape_is_canonical_and_undone(text: str) -> None:
    escaped = escape(text)
    assert clean_string(escaped) == escaped
    assert unescape(escaped) == text


@example("cafe\u0301")
@example("\uf951\r")
@example("a\rb")
@given(st.text(st.sampled_from("a\r\n\u0301\uf951\u212b\u00e9e\u1100\u1161中")) | st.text())
def test_is_canonical_is_what_canonical_form_leaves_alone(text: str) -> None:
    assert is_canonical(text) == (clean_string(text) == text)


def test_a_crlf_non_nfc_source_keeps_its_characters_in_the_record() -> None:
    """Front matter lifted with its CRLF line ends, a decomposed é and a compatibility ideograph: the record
    is canonical (NFC, LF), and its change log still undoes to the decoded source and replays."""
    text = (REPO / "tests/data/news/fm_person_iso.md").read_text(encoding="utf-8")
    text = text.replace("\n", "\r\n").replace("title: ", "title: cafe\u0301 \uf951 ", 1)
    data = text.encode("utf-8")
    (rec,) = process_bytes(data, "crlf.md").records
    assert rec.bytes == canonical_bytes(rec.data) and "\r" not in rec.bytes.decode("utf-8")
    changes = [Change.from_dict(c) for c in rec.data["wasGeneratedBy"]["changes"]]
    front = next(c for c in changes if c.note == "front matter")
    assert "\r\n" in front.before and "cafe\u0301 \uf951" in front.before
    _check_text_log(_decoded(data), changes)
    headline = [c for c in changes if c.target == "headline"]
    assert undo(rec.data["headline"], headline, "headline").startswith("cafe\u0301 \uf951 ")


@pytest.mark.parametrize("name", ["蔡慧?", "蔡慧？", ""])
@pytest.mark.parametrize("layout", ["frontmatter", "plaintext"])
def test_an_editor_line_without_a_readable_name_is_still_furniture(name: str, layout: str) -> None:
    """Found at 100,000 generated documents: ``責任編輯：蔡慧?`` (a character lost on the way to
    Big5) stayed in the body, and the schema quarantined the record.  The line goes; nobody is
    credited with the unreadable name."""
    body = "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况。全市已完成老旧小区改造一百二十个。"
    if layout == "frontmatter":
        text = f"---\ntitle: 城市更新\n---\n<p>{body}</p>\n<p>责任编辑：{name}</p>\n"
    else:
        text = f"城市更新\n\n{body}\n\n责任编辑：{name}\n"
    res = process_bytes(text.encode(), f"doc.{'md' if layout == 'frontmatter' else 'txt'}")
    assert res.ok and res.records, res.error
    rec = res.records[0].data
    assert "责任编辑" not in rec["articleBody"] and "editor" not in rec


def test_valid_utf8_holding_many_replacement_characters_is_text() -> None:
    """Found at 100,000 generated documents: GB18030 read as Big5 (lost bytes became U+FFFD) and saved
    as UTF-8 holds U+FFFD as characters; over a tenth of them made the file 'binary'.  Only U+FFFD
    the decoder itself put in count against a guess."""
    damaged = (
        "\ufffd\ufffd猓賤ㄛ屧刓庈宎皺\ufffd堀\ufffd\ufffd\ufffd\ufffd\ufffd恅隴珨れ蚰﹝輪爛\ufffd瞨皈\ufffd庈"
    )
    assert damaged.count("\ufffd") * 5 > len(damaged)
    text = "城市更新\n\n" + damaged + "\n\n市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况。\n"
    res = process_bytes(text.encode("utf-8"), "doc.txt")
    assert res.records, res.error
    assert not (res.error or "").startswith("binary file")


@pytest.mark.parametrize("label", ["責任編輯：", "責(zé)任(rèn)編(biān)輯(jí)：", "责任编辑:", "責編:"])
def test_an_unreadable_editor_line_goes_in_either_script(label: str) -> None:
    body = "市政府昨天召開新聞發布會，介紹今年城市更新工作的進展情況。全市已完成老舊小區改造一百二十個。"
    res = process_bytes(f"城市更新\n\n{body}\n\n{label}蔡慧?\n".encode(), "doc.txt")
    assert res.ok and res.records, res.error
    rec = res.records[0].data
    assert "編輯" not in rec["articleBody"] and "编辑" not in rec["articleBody"] and "editor" not in rec
