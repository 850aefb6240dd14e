"""Whole web pages (saved HTML from any site, legacy table layouts or modern templates).

A page is mostly not the article: navigation, link lists, share bars, QR promos, footers.  The
page is parsed into a tree, what a reader never sees is removed, and the visible text is cut into
lines; the main text is the run of lines most like prose and least like links, kept inside the
element that holds it (:mod:`._htmlmain`).  Around it the page names the article: the headline
(``og:title``, JSON-LD, an ``<h1>`` that agrees with ``<title>``), its date and byline in the
information line under the headline or in meta tags (:mod:`._htmlmeta`, :mod:`._htmlbyline`),
the section in a breadcrumb, the site in ``og:site_name``, the address in ``<link
rel=canonical>``.  Those become fields; the conventional lines of Chinese news inside the text
(``原标题``, ``责任编辑``, closing bylines, ``相关阅读`` tails) are lifted as for the other news
formats (:mod:`._newsbody`).  A government page that publishes an official document, known by its
catalogue table (索引号, 发文字号, 成文日期 …), is read as that document instead (:mod:`._htmlgov`):
a Legislation.  The text keeps no markup: entities are decoded once by the parser,
and tags escaped twice by a broken CMS (``&lt;p&gt;``) are removed and logged.
"""

from __future__ import annotations

import re

import lxml.etree

from .._document import Article, Document, NormalizeError, noted
from . import _htmldom as dom
from . import _htmlmeta as hmeta
from . import _notdoc

_HTML_START = re.compile(
    r"\A(?:\ufeff|\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_TAGS = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_STRUCTURE = ("<head", "<body", "<title", "<meta", "<div", "<table", "<p>", "<p ", "<br")
_FRONT_MATTER = re.compile(r"\A\ufeff?\s*(?:---|\+\+\+)[ \t]*\r?\n")


class HtmlFormat:
    name = "html"
    ceiling = 0.98  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        """0.98 for a document that opens as HTML; graded by tag density for fragments."""
        if _FRONT_MATTER.match(text):
            return 0.0
        if _HTML_START.match(text):
            return 0.98
        opening = text.lstrip("\ufeff \t\r\n")[:1]
        if opening in ("{", "[") and _notdoc.kind(text):
            return 0.0  # JSON data, however much markup its strings hold (a crawl's sidecar)
        if opening == "<" and (what := _notdoc.kind(text)) and what.startswith("XML"):
            return 0.0  # a feed or other XML (however much HTML its items quote): no page
        head = text[:20000]
        tags = _TAGS.findall(head)
        if len(tags) < 8:
            return 0.0
        lowered = head.lower()
        structure = sum(1 for s in _STRUCTURE if s in lowered)
        markup = sum(len(m.group(0)) for m in _TAGS.finditer(head)) / max(1, len(head))
        if "<html" in lowered and ("<body" in lowered or "<head" in lowered):
            return 0.96
        if structure >= 3 and (len(tags) >= 30 or markup >= 0.15):
            return 0.9
        return 0.5 if markup >= 0.1 and structure >= 2 else 0.0

    def parse(self, doc: Document) -> None:
        # the page readers compile many patterns (50 ms): a process given no web page never loads them
        from . import _htmlgov as hgov
        from . import _htmlmain as hm
        from ._htmlpage import NOTE_MAX, Page

        root = dom.parse(doc.text)
        meta = hmeta.read(root)
        dom.strip_invisible(root)
        dom.bracket_ruby(root)
        for el, text in hm.drop_furniture(root):
            if text:
                marks = " ".join(x for x in (el.tag, el.get("class"), el.get("id")) if x)
                note = f"page furniture ({marks})"
                clipped = text if len(text) <= NOTE_MAX else text[:NOTE_MAX] + "…"
                doc.log(noted(0, f"{note}: {clipped}", kind="boilerplate.removed"))
        segs = dom.segments(root)
        main = hm.find(segs)
        if main is None:
            raise NormalizeError("no main text found in the page", stage="parse")
        first = len(main.before)
        last = first + len(main.segments) - 1
        table = hgov.read(segs)
        official = hgov.legislation(doc, meta, segs, first, last, table) if table else None
        if official is not None:
            art = official
        else:
            art = Article(fields={"type": "NewsArticle"})
            Page(doc, art, meta, segs, first, last).build()
        if meta.url:
            art.fields["url"] = meta.url
        if meta.publisher:
            art.fields["publisher"] = meta.publisher
        if not art.blocks:
            raise NormalizeError("no main text found in the page", stage="parse")
        doc.articles.append(art)
        doc.converters["lxml"] = ".".join(map(str, lxml.etree.LXML_VERSION[:3]))


FORMAT = HtmlFormat()
