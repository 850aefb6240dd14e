"""RSS and Atom feeds: one article per item (RSSHub's full-text feeds, a blog's feed, a site's channel).

A feed is how much news arrives: an RSS 2.0 ``<channel>`` of ``<item>``s, an Atom ``<feed>`` of
``<entry>``s, an RSS 1.0 ``<rdf:RDF>``.  Each item gives its title, link, date, authors and categories
in elements of its own, and its text as HTML (``content:encoded``, Atom ``content``, else
``description``/``summary``), which is cut into blocks as a front matter post's HTML body is
(:meth:`.frontmatter.FrontMatterFormat.html_blocks`: furniture, promo blocks and the news lines
``来源``, ``责任编辑`` … handled alike).  An item with no text of its own (a title, a link) is no record:
the feed says so in a warning.

The XML is read by lxml with no entity expansion and no network: a feed is data from anywhere.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree

from .._document import Article, Block, Document, NormalizeError
from . import _newsbody, _notdoc
from . import _newsmeta as nm

_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
)
_TAG = re.compile(r"<[A-Za-z/!]")
_DATE_TAGS = ("pubDate", "published", "issued", "date", "updated", "modified")
_TEXT_TAGS = ("encoded", "content", "description", "summary")
"""Where an item's text is, the fullest first (``content:encoded``: the whole text; ``description``: often
a summary)."""


class FeedFormat:
    name = "feed"
    ceiling = 0.99  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        what = _notdoc.kind(text) or ""
        return 0.99 if what.endswith("feed)") else 0.0

    def parse(self, doc: Document) -> None:
        from .frontmatter import FORMAT as FRONTMATTER
        from .frontmatter import iso_datetime, names_of

        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", doc.text.lstrip("\ufeff"), count=1)
        try:
            root = lxml.etree.fromstring(text.encode("utf-8"), _PARSER)
        except lxml.etree.XMLSyntaxError as exc:
            raise NormalizeError(f"unreadable feed: {exc}", stage="parse") from exc
        if root is None:
            raise NormalizeError("unreadable feed: no root element", stage="parse")
        items = [el for el in root.iter() if isinstance(el.tag, str) and _local(el.tag) in ("item", "entry")]
        if not items:
            raise NormalizeError("the feed holds no items", stage="parse")
        empty = 0
        for item in items:
            fields: dict[str, Any] = {"type": "NewsArticle"}
            title = _child_text(item, "title")
            if title:
                fields["headline"] = " ".join(title.split())
            link = _link(item)
            if link:
                fields["url"] = link
            date = next((d for t in _DATE_TAGS if (d := iso_datetime(_child_text(item, t) or ""))), None)
            if date:
                fields["datePublished"] = date
            people = [n for el in _children(item, "author", "creator") for n in names_of(_person(el))]
            authors = [{"name": n} for n in dict.fromkeys(people) if nm.is_person_name(n)]
            if authors:
                fields["author"] = authors
            sections = [
                s for el in _children(item, "category") if (s := (el.get("term") or el.text or "").strip())
            ]
            if sections:
                fields["articleSection"] = list(dict.fromkeys(sections))
            body = next((t for name in _TEXT_TAGS if (t := _child_text(item, name))), "")
            art = Article(fields=fields)
            if _TAG.search(body):
                blocks, _promo = FRONTMATTER.html_blocks(doc, body)
            else:
                blocks = [Block(" ".join(line.split())) for line in body.splitlines() if line.strip()]
            _newsbody.clean_article(doc, art, blocks)
            if not art.blocks:
                empty += 1
                continue
            doc.articles.append(art)
        if empty:
            doc.warnings.append(f"{empty} of {len(items)} feed item(s) hold no text of their own: no record")
        if not doc.articles:
            raise NormalizeError("no feed item holds text of its own (titles and links only)", stage="parse")
        doc.converters["lxml"] = ".".join(map(str, lxml.etree.LXML_VERSION[:3]))


def _local(tag: str) -> str:
    """The element's name without its namespace (``{http://purl.org/rss/1.0/modules/content/}encoded``)."""
    return tag.rsplit("}", 1)[-1]


def _children(item: lxml.etree._Element, *names: str) -> list[lxml.etree._Element]:
    return [el for el in item if isinstance(el.tag, str) and _local(el.tag) in names]


def _child_text(item: lxml.etree._Element, name: str) -> str | None:
    for el in _children(item, name):
        value = "".join(str(t) for t in el.itertext()).strip()
        if value:
            return value
    return None


def _link(item: lxml.etree._Element) -> str | None:
    for el in _children(item, "link"):
        href = (el.get("href") or el.text or "").strip()
        if href.startswith(("http://", "https://")) and el.get("rel", "alternate") == "alternate":
            return href
    return None


def _person(el: lxml.etree._Element) -> str | dict[str, str]:
    """An ``<author>``: Atom's ``<name>`` inside it, or its text (RSS: ``mail@example.com (某某)``)."""
    name = _child_text(el, "name")
    if name:
        return {"name": name}
    text = (el.text or "").strip()
    m = re.fullmatch(r"\S+@\S+\s*\((.+)\)", text)
    return m.group(1).strip() if m else text


FORMAT = FeedFormat()
