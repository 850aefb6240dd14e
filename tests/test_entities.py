"""HTML character references left in a document without markup are read; in markup they are left to
the markup's parser, and the punctuation rule never turns their ``;`` into ``；``."""

from __future__ import annotations

from normalize._edits import replay
from normalize.encoding import unescape_entities
from normalize.pipeline import process_bytes
from normalize.text import normalize_body


def test_references_in_text_without_markup_are_read() -> None:
    text = "他说&ldquo;你好&rdquo;&nbsp;然后&hellip;&#8220;数字&#x201D;&amp;符号"
    out, changes = unescape_entities(text)
    assert out == "他说“你好”\u00a0然后…“数字”&符号"
    assert replay(text, changes, "text") == out
    assert {c.kind for c in changes} == {"html.entity"} and all(c.step == "entities" for c in changes)


def test_what_is_no_reference_stays() -> None:
    for text in (
        "没有分号&nbsp 的引用",
        "未知的&bogus;名字",
        "不是字符&#0;和&#xD800;",
        "A&B公司",
        "&amp;ldquo;",
    ):
        out, changes = unescape_entities(text)
        assert (out, changes) == (text, []) or text == "&amp;ldquo;"
    assert unescape_entities("&amp;ldquo;")[0] == "&ldquo;"  # one reading, as a browser makes


def test_text_with_markup_or_front_matter_is_left_to_its_parser() -> None:
    for text in ("<p>&lt;b&gt;不是标签</p>", "第一行<br>第二行&nbsp;", "---\ntitle: 标题\n---\n&lt;正文&gt;"):
        assert unescape_entities(text) == (text, [])


def test_a_plain_text_document_with_references() -> None:
    page = (
        "关于印发通知\n\n各省、自治区、直辖市人民政府：\n\n"
        "现将有关事项通知如下&nbsp;，他说&ldquo;你好&rdquo;，请认真执行。\n"
    )
    result = process_bytes(page.encode(), "notice.txt")
    assert result.ok
    body = str(result.records[0].data.get("text") or result.records[0].data.get("articleBody"))
    assert "现将有关事项通知如下，他说“你好”，请认真执行。" in body


def test_the_punctuation_rule_leaves_a_reference_whole() -> None:
    out, _ = normalize_body("第一行<br>现将有关事项通知如下&nbsp;，请认真执行&#8220;。", "articleBody")
    assert "&nbsp;" in out and "&#8220;" in out and "；" not in out
