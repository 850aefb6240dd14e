"""RSS and Atom feeds: one article per item that holds text, its fields from the item's own elements,
its HTML cut into blocks as a web body is; no entity is expanded and nothing fetched."""

from __future__ import annotations

from normalize.pipeline import process_bytes

PARA = "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况。全市已完成老旧小区改造一百二十个。"

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>城市新闻</title>
<item><title>城市更新取得进展</title><link>http://example.cn/a.html</link>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0800</pubDate><dc:creator>李明</dc:creator><category>城建</category>
<description>摘要</description>
<content:encoded><![CDATA[<p>{PARA}</p><p>来源：新华网</p><p>{PARA}</p><p>责任编辑：王五</p>]]></content:encoded></item>
<item><title>只有标题</title><link>http://example.cn/b.html</link></item>
<item><title>纯文本的条目</title><description>{PARA}
第二段内容在这里。</description></item>
</channel></rss>
"""


def test_an_rss_feed_gives_an_article_per_item_with_text() -> None:
    res = process_bytes(RSS.encode(), "feed.xml")
    assert res.ok and res.document is not None and res.document.format == "feed"
    assert len(res.records) == 2
    first, second = (r.data for r in res.records)
    assert first["headline"] == "城市更新取得进展" and first["url"] == "http://example.cn/a.html"
    assert first["datePublished"] == "2026-11-30T00:00:00Z"
    assert first["author"] == [{"type": "Person", "name": "李明"}] and first["articleSection"] == ["城建"]
    assert first["articleBody"] == f"{PARA}\n{PARA}"  # the source and editor lines lifted, not text
    assert first["editor"][0]["name"] == "王五"
    assert second["headline"] == "纯文本的条目" and second["articleBody"] == f"{PARA}\n第二段内容在这里。"
    assert any("1 of 3 feed item(s) hold no text" in w for w in res.warnings)


def test_an_atom_feed() -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>博客</title>'
        '<entry><title>新年快乐</title><link rel="alternate" href="http://example.cn/1.html"/>'
        "<published>2005-02-01T19:45:25+08:00</published><author><name>张三</name></author>"
        f'<content type="html">&lt;p&gt;{PARA}&lt;/p&gt;</content></entry></feed>'
    )
    (rec,) = process_bytes(atom.encode(), "atom.xml").records
    assert rec.data["headline"] == "新年快乐" and rec.data["url"] == "http://example.cn/1.html"
    assert rec.data["datePublished"] == "2005-02-01T11:45:25Z"
    assert rec.data["author"] == [{"type": "Person", "name": "张三"}]
    assert rec.data["articleBody"] == PARA


def test_entities_are_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "哈哈哈哈哈哈哈哈">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<rss><channel><item><title>标题</title><description>{PARA}&c;&x;</description></item></channel></rss>"
    )
    res = process_bytes(bomb.encode(), "bomb.xml")
    (rec,) = res.records
    assert "哈哈" not in rec.data["articleBody"] and "root:" not in rec.data["articleBody"]


def test_a_feed_of_titles_only_says_why_it_gives_no_record() -> None:
    feed = "<rss><channel><item><title>只有标题</title></item></channel></rss>"
    res = process_bytes(feed.encode(), "feed.xml")
    assert not res.records and res.error is not None and "no feed item holds text" in res.error
