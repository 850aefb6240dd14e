"""Files that are no document of any format (JSON data, XML other than a feed) are reported as such,
never turned into records whose text is markup; text that merely opens with an angle bracket is
still text.  A feed is named by what it is, and read by the feed format (tests/test_feed_format.py)."""

from __future__ import annotations

import pytest

from normalize import process_bytes
from normalize.formats import not_a_document

PARAS = "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况。全市已完成老旧小区改造一百二十个。"

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>城市新闻</title><link>http://example.cn/</link>
<item><title>城市更新取得进展</title><description>{PARAS * 8}</description>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0800</pubDate></item></channel></rss>
"""
ATOM = f"""<!--
Source: http://example.cn/feed
-->
<feed xmlns="http://www.w3.org/2005/Atom"><title>博客</title><entry><title>城市更新</title>
<content type="html">{PARAS * 8}</content></entry></feed>
"""
ATOM_HTML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<?xml-stylesheet href="http://www.blogger.com/styles/atom.css" type="text/css"?>\n'
    '<feed xmlns="http://purl.org/atom/ns#" version="0.3"><title>随机部落格</title>'
    + "".join(
        f'<entry><title>第{i}篇</title><link href="http://example.cn/{i}.html"/><content type="text/html">'
        f"<![CDATA[<div><p>{PARAS}</p><br /><p>{PARAS}</p></div>]]></content></entry>"
        for i in range(6)
    )
    + "</feed>"
)
"""A blog's Atom feed whose entries quote their HTML: tag-dense enough to pass for a page."""
RDF = f"""<?xml version="1.0" encoding="GB2312"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><item><title>{PARAS}</title></item></rdf:RDF>
"""


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (RSS, "XML (an RSS feed)"),
        (ATOM, "XML (an Atom feed)"),
        (ATOM_HTML, "XML (an Atom feed)"),
        (RDF, "XML (an RSS 1.0 (RDF) feed)"),
        ('{"title": "城市更新", "body": "' + PARAS + '"}', "JSON data"),
        ('{"title": "城市更新"}\n{"title": "老旧小区"}\n', "JSON data"),
        # a crawl's sidecar: the page's HTML in a string, tags dense enough to pass for a page
        (
            '{"url": "http://example.cn/a.html", "content_html": "<html><head><title>城市更新</title>'
            "</head><body>"
            + "".join(f'<div class=\\"p\\"><p>{PARAS}</p></div>' for _ in range(12))
            + '</body></html>"}',
            "JSON data",
        ),
        (
            '<?xml version="1.0"?><metadata><title>城市更新</title><note>说明</note><k>值</k></metadata>',
            "XML (root element <metadata>)",
        ),
    ],
)
def test_data_and_feeds_are_named_and_never_read_as_pages_or_text(text: str, what: str) -> None:
    assert not_a_document(text) == what
    res = process_bytes(text.encode("utf-8"), "feed.xml")
    if what.endswith("feed)"):  # the feed format's: an article per item that holds text, or why none
        assert res.document is not None and res.document.format == "feed"
        assert res.records or (res.error is not None and "no feed item holds text" in res.error)
        return
    assert not res.records and not res.quarantined and res.error is not None
    assert res.error.startswith(f"not a document: {what}")


def test_an_xhtml_page_is_still_a_page() -> None:
    page = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>城市更新</title></head><body><h1>城市更新</h1><p>{PARAS}</p><p>{PARAS}</p></body></html>"
    )
    assert not_a_document(page) is None
    res = process_bytes(page.encode(), "page.xhtml")
    assert res.ok and res.document is not None and res.document.format == "html"


def test_text_that_opens_with_a_bracket_is_text() -> None:
    text = f"<<城市更新>>读后感\n\n{PARAS}\n\n{PARAS}\n"
    assert not_a_document(text) is None
    res = process_bytes(text.encode(), "note.txt")
    assert res.ok and res.records


# --- Japanese is not Chinese --------------------------------------------------------------------------

JAPANESE = (
    "東京の天気\n\n東京都の天気は晴れです。今日は日曜日で、多くの人が公園に集まっています。"
    "桜の花が満開で、家族連れが写真を撮っていました。気象庁によると、明日は雨が降る見込みです。\n"
)


_PAGE = "<html><head><title>天気</title></head><body><p>{}</p></body></html>"


@pytest.mark.parametrize("wrap", ["{}", _PAGE])
def test_japanese_text_is_refused_not_converted(wrap: str) -> None:
    result = process_bytes(wrap.format(JAPANESE).encode("utf-8"), "tokyo.txt")
    assert result.records == [] and result.error is not None
    assert result.error.startswith("not Chinese: Japanese text (kana are ")
    assert result.source == wrap.format(JAPANESE).encode("utf-8")  # kept for the archive, as read


def test_chinese_quoting_japanese_is_still_chinese() -> None:
    # a Chinese article that quotes Japanese titles: a few kana among many Han characters
    text = (
        "新片上映\n\n" + "这部名为《君の名は。》的动画电影在国内上映后，票房表现十分出色，观众评价很高。" * 6
    )
    result = process_bytes(text.encode("utf-8"), "film.txt")
    assert result.error is None and result.records
    # a short text with few Han characters: its kana are a large share, but too few to decide by
    short = "访日札记\n\n导游说：ありがとうございます。我们点头回礼，继续前行。\n"
    result = process_bytes(short.encode("utf-8"), "note.txt")
    assert result.error is None and result.records
