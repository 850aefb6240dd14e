"""What a page leaves in a document read as text (plain text, an official document): its tags go, its
character references are read; in HTML and front matter they are the parser's; the punctuation rule
never turns a reference's ``;`` into ``；``."""

from __future__ import annotations

from normalize._edits import replay
from normalize.formats._residue import strip_tags
from normalize.formats._residue import unescape as unescape_entities
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


def test_tags_of_html_elements_go_and_block_tags_end_a_line() -> None:
    text = "现将通知如下：<br>请<strong>认真</strong>执行<a href='x'>各项</a>规定。<p>第二段</p>"
    out, changes = strip_tags(text)
    assert out == "现将通知如下：\n请认真执行各项规定。\n第二段\n"
    assert replay(text, changes, "text") == out and {c.step for c in changes} == {"markup"}
    for text in ("第二段内容<政策>在这里，1<2，x>3", "<script>var a=1;</script><p>正文</p>"):
        assert strip_tags(text) == (text, [])  # no HTML element; a script's content is past reach


def test_front_matter_keeps_its_markup_for_its_parser() -> None:
    page = "---\ntitle: 通知\n---\n<p>他说&lt;b&gt;不是标签，这是一段足够长的正文内容，用来测试。</p>\n"
    result = process_bytes(page.encode(), "post.md")
    assert "他说<b>不是标签" in str(result.records[0].data["articleBody"])


def test_json_data_with_markup_is_still_no_document() -> None:
    data = '{"title": "标题", "content_html": "<p style=\\"x\\">正文</p><br>"}'
    result = process_bytes(data.encode(), "data.json")
    assert result.error is not None and "not a document" in result.error


def test_a_plain_text_copy_with_tags() -> None:
    page = (
        "关于印发通知\n\n现将有关事项通知如下：<br>请认真贯彻执行各项要求和规定。<p>第二段，继续说明。</p>\n"
    )
    result = process_bytes(page.encode(), "notice.txt")
    body = str(result.records[0].data.get("text") or result.records[0].data.get("articleBody"))
    assert "<" not in body and "请认真贯彻执行各项要求和规定。" in body


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
