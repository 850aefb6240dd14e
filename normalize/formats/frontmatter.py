"""YAML (or Hugo's TOML) front matter + HTML body (feed archives such as RSSHub → Hexo/Jekyll posts),
or a Markdown body (posts written for Jekyll, Hexo, Hugo: rendered to HTML by markdown-it-py first).

The front matter gives title, date (RFC 2822, ISO, or written the Chinese way), categories, authors (often
the feed's name, not a person) and a thumbnail (sometimes only the promo image
of the page).  The HTML body is cut into blocks with lxml; comments, styles,
scripts, iframes and promo blocks (an image beside "scan the QR code / get the
app" text) go, and the conventional news lines (``原标题``, ``来源``, bylines,
``责任编辑``) become fields.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

import lxml.etree
import lxml.html

from .._document import Article, Block, Document, NormalizeError, lifted, noted
from . import _htmldom as dom
from . import _newsbody
from . import _newsmeta as nm
from ._htmlmeta import machine_date
from ._view import view

_FM_START = re.compile(r"\A\ufeff?(?:[ \t]*\r?\n)*(?P<d>---|\+\+\+)[ \t]*\r?\n")
"""The opening delimiter line: ``---`` for YAML, ``+++`` for TOML (Hugo)."""
_FM_END = {"---": re.compile(r"^-{3,}\s*$", re.M), "+++": re.compile(r"^\+{3,}\s*$", re.M)}
"""python-frontmatter's own delimiter lines (``YAMLHandler.FM_BOUNDARY``, and ours for TOML, written
here so that a document of another format need not import it), so that the front matter ends where
it says."""
_KEY_LINE = {"---": re.compile(r"^\s*\w+\s*:", re.M), "+++": re.compile(r"^\s*[\w\"-]+\s*=", re.M)}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "select", "svg", "template")
_DROPPED: Any = lxml.etree.XPath("|".join(f"//{t}" for t in _DROP_TAGS))
_COMMENTS: Any = lxml.etree.XPath("//comment()")
_IMAGES: Any = lxml.etree.XPath(".//img/@src")
"""The body's searches, compiled once: ``element.xpath`` parses its expression at every call (the search
for a block's images, made for every block, took 8 µs a block, 2.2 µs compiled once).  Typed ``Any``, as
the results of ``element.xpath`` are to the stubs."""
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "header",
    "footer",
    "dl",
    "dt",
    "dd",
    "center",
    "main",
    "aside",
    "nav",
    "br",
    "hr",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# class/id tokens of page furniture around an article (share bars, ads, QR promos, comment boxes ...)
_FURNITURE = re.compile(
    r"(^|[-_ ])(share|sharing|social|qr|qrcode|appendqr|ad|ads|advert|banner|promo|recommend|related|comment|"
    r"comments|footer|copyright|toolbar|breadcrumb|nav|sidebar|subscribe|hot|rank)([-_ ]|$)",
    re.I,
)
_IMAGE_KEYS = ("thumbnail", "headimg", "image", "cover", "banner")
_URL_KEYS = ("url", "link", "permalink", "source_url", "original_url", "canonical")
_FEED_SEP = re.compile(r"\s+[-|–—]\s+|\s*[|｜]\s*")


class FrontMatterFormat:
    name = "frontmatter"
    ceiling = 0.97  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        m = _FM_START.match(text)
        if not m:
            return 0.0
        delimiter = m["d"]
        end = text.find("\n" + delimiter, m.end() - 1)
        return 0.97 if end > 0 and _KEY_LINE[delimiter].search(text, m.end(), end) else 0.5

    def parse(self, doc: Document) -> None:
        from . import _yaml  # YAML and python-frontmatter: some 20 ms of import, for this format only

        try:
            opening = _FM_START.match(doc.text)
            post, duplicates = _yaml.split(doc.text, toml=opening is not None and opening["d"] == "+++")
        except _yaml.FrontMatterError as exc:
            raise NormalizeError(str(exc), stage="parse") from exc
        if not isinstance(post.metadata, dict) or not post.metadata:
            start = _FM_START.match(doc.text)
            if start and not _FM_END[start["d"]].search(doc.text, start.end()):
                raise NormalizeError(
                    f"front matter is never closed (no '{start['d']}' line after it)", stage="parse"
                )
            doc.warnings.append("front matter holds no fields (empty, or not a mapping): the body read alone")
        meta: dict[str, Any] = dict(post.metadata) if isinstance(post.metadata, dict) else {}
        for dup in duplicates:
            doc.warnings.append(f"front matter key {dup} given twice; the last value is used")
        doc.fields.update({k: _plain(v) for k, v in meta.items()})
        body_at = _body_start(doc.text)
        doc.log(lifted(0, body_at, doc.text[:body_at], "front matter"))
        art = Article(fields={"type": "NewsArticle"})
        self._front_fields(doc, art, meta)
        body = post.content
        if body.strip() and not _HTML_BLOCK.search(body):  # a Markdown body (Jekyll, Hexo, Hugo posts)
            body = markdown_html(body)
            doc.converters["markdown-it-py"] = markdown_version()
        blocks, promo_images = self.html_blocks(doc, body)
        headline = art.fields.get("headline")
        if blocks and blocks[0].kind == "h" and headline and view(blocks[0].text).text == view(headline).text:
            _newsbody.log_removal(doc, blocks.pop(0), "metadata.lifted", "headline repeated")
        image = art.fields.get("image")
        if image and image in promo_images:
            # the value was lifted with the front matter (the change above): this is a note on it,
            # not a second span of the text
            art.fields.pop("image")
            doc.log(
                noted(
                    0,
                    f"thumbnail is the page's promo image, not the article's: {image}",
                    kind="metadata.dropped",
                )
            )
        _newsbody.clean_article(doc, art, blocks)
        alt = art.fields.get("alternativeHeadline")
        if alt and view(alt).text == view(art.fields.get("headline") or "").text:  # same title, any script
            art.fields.pop("alternativeHeadline")
            art.fields["isBasedOnHeadline"] = alt
        if not art.blocks:
            art.warnings.append("the HTML body holds no article text")
        doc.articles.append(art)
        doc.converters["lxml"] = ".".join(map(str, lxml.etree.LXML_VERSION[:3]))
        doc.converters["python-frontmatter"] = _yaml.VERSION

    def _front_fields(self, doc: Document, art: Article, meta: dict[str, Any]) -> None:
        f = art.fields
        title = meta.get("title")
        if isinstance(title, int | float) and not isinstance(title, bool):  # `title: 2024` is text too
            title = str(title)
        if isinstance(title, str) and title.strip():
            f["headline"] = title.strip()
        elif title is not None:
            doc.warnings.append(f"front matter title is not text ({type(title).__name__}); left out")
        date_key = next((k for k in _DATE_KEYS if k in meta), None)
        if date_key is not None:
            iso = iso_datetime(meta[date_key])
            if iso:
                f["datePublished"] = iso
            else:
                doc.warnings.append(f"front matter {date_key} {meta[date_key]!r} is not a date; left out")
        cats = meta.get("categories") or meta.get("category") or []
        if isinstance(cats, list):
            cats = [str(c) for c in cats if c]
        elif isinstance(cats, str | int | float) and not isinstance(cats, bool):  # `categories: 7`
            cats = [str(cats)]
        else:
            doc.warnings.append(f"front matter categories are not text ({type(cats).__name__}); left out")
            cats = []
        publisher = None
        people: list[dict[str, str]] = []
        for a in names_of(meta.get("author", meta.get("authors"))):
            if nm.is_person_name(a):
                if a not in (p["name"] for p in people):
                    people.append({"name": a})
            elif publisher is None:  # a feed or site name: "站点 - 站点－栏目"
                publisher = _FEED_SEP.split(a)[0]
                f["publisher"] = publisher
        if people:
            f["author"] = people
        sections: list[str] = []
        for c in cats:
            parts = _FEED_SEP.split(c.strip())
            if publisher and len(parts) > 1 and parts[0] == publisher:
                parts = parts[1:]
            for p in parts:
                if p and p not in sections and p != publisher:
                    sections.append(p)
        if sections:
            f["articleSection"] = sections
        tags = meta.get("tags") or meta.get("keywords")
        if tags:
            # a list, or one value YAML may have read as a date or a number (tags: 2021-01-01)
            values = tags if isinstance(tags, list | tuple) else [] if isinstance(tags, dict) else [tags]
            if isinstance(tags, str):  # written by hand: "经济, 政策, 改革"
                values = [t.strip() for t in _TAG_SEP.split(tags) if t.strip()]
            keywords = [str(t) for t in values if t is not None and not isinstance(t, dict | list)]
            if keywords:
                f["keywords"] = keywords
        for key in _IMAGE_KEYS:
            if isinstance(meta.get(key), str) and meta[key].startswith(("http://", "https://")):
                f["image"] = meta[key]
                break
        for key in _URL_KEYS:
            if isinstance(meta.get(key), str) and meta[key].startswith(("http://", "https://")):
                f["url"] = meta[key]
                break

    def html_blocks(self, doc: Document, html: str) -> tuple[list[Block], set[str]]:
        """The blocks of an HTML body (furniture and promo blocks dropped, logged), and the promo
        images met (also for the Markdown format, which renders its text to HTML)."""
        if not html.strip():
            return [], set()
        try:
            parsed = lxml.html.fragment_fromstring(html, create_parent="div")
        except (lxml.etree.ParserError, ValueError, AssertionError) as exc:  # lxml asserts one <body>
            raise NormalizeError(f"unreadable HTML body: {exc}", stage="parse") from exc
        # a body of one element comes back as that element: wrapped, so that every element of the body
        # (a promo block included) has a parent and can be dropped
        root = lxml.html.Element("div")
        root.append(parsed)
        for comment in _COMMENTS(root):
            dom.remove(comment)  # keeps its tail; the control characters lxml refuses to set go
        for el in _DROPPED(root):
            if not _attached(el, root):  # inside one dropped already: its text was logged with it
                continue
            text = el.text_content().strip() if el.tag != "style" else ""
            if text:
                _newsbody.log_removal(doc, Block(text), "boilerplate.removed", f"<{el.tag}>")
            dom.remove(el)
        promo_images: set[str] = set()
        for el in list(root.iterdescendants("div", "section", "p", "aside", "ul", "span")):
            if not _attached(el, root):
                continue
            marks = f"{el.get('class', '')} {el.get('id', '')}"
            if _FURNITURE.search(marks):
                text = " ".join(el.text_content().split())
                promo_images.update(str(s) for s in _IMAGES(el))
                if text:
                    _newsbody.log_removal(
                        doc, Block(text), "boilerplate.removed", f"page furniture ({marks.strip()})"
                    )
                dom.remove(el)
        for el in list(root.iterdescendants("div", "section", "p", "aside")):
            if not _attached(el, root):
                continue
            imgs = _IMAGES(el)
            if not imgs:
                continue
            text = " ".join(el.text_content().split())
            if len(text) <= 60 and (not text or nm.PROMO.search(view(text).text)):
                promo_images.update(str(s) for s in imgs)
                if text:
                    _newsbody.log_removal(doc, Block(text), "boilerplate.removed", "promo block")
                dom.remove(el)
        blocks: list[Block] = []
        _walk(root, blocks)
        return blocks, promo_images


def _body_start(text: str) -> int:
    """Where the body starts in ``text``: after the closing delimiter line and the space after it.

    Found in the text itself: python-frontmatter hands the body back with its line ends changed
    (CRLF -> LF), so searching the text for the body finds nothing in a CRLF file, and the front
    matter would be logged as lifted from nowhere.
    """
    start = _FM_START.match(text)
    end = _FM_END[start["d"]].search(text, start.end()) if start else None
    if end is None:
        return 0
    at = end.end()
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _attached(el: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    """Whether ``el`` is still in the tree under ``root``.

    Removing (:func:`._htmldom.remove`, as lxml's ``drop_tree``) detaches only the element dropped: its
    descendants keep their parent, so an element
    inside a dropped one still has a parent, and checking ``getparent()`` would log (and remove) its
    text a second time.
    """
    while el is not root:
        parent = el.getparent()
        if parent is None:
            return False
        el = parent
    return True


def _walk(el: lxml.html.HtmlElement, out: list[Block]) -> None:
    if el.tag == "tr":  # a row of a table: one line, its cells apart by tabs (a body may hold them)
        cells = [_squash(c.text_content()) for c in el if c.tag in ("td", "th")]
        if any(cells):
            out.append(Block("\t".join(cells)))
        return
    children = [c for c in el if isinstance(c.tag, str)]
    if not any(c.tag in _BLOCK_TAGS for c in children):
        text = _squash(el.text_content())
        if text:
            kind = "h" if el.tag in _HEADINGS else "p"
            out.append(Block(text, kind))
        return
    if el.text and el.text.strip():
        out.append(Block(_squash(el.text)))
    for c in children:
        if c.tag in _BLOCK_TAGS:
            _walk(c, out)
        else:
            t = _squash(c.text_content())
            if t:
                out.append(Block(t))
        if c.tail and c.tail.strip():
            out.append(Block(_squash(c.tail)))


_HTML_BLOCK = re.compile(
    r"<(?:p|div|h[1-6]|table|tr|td|ul|ol|li|section|article|blockquote|pre|center|figure|header|main)\b", re.I
)
"""A block element: the body is HTML.  A body without one is Markdown (which may hold inline HTML, an
``<img>`` or a ``<br>``): it is rendered to HTML first, with its paragraphs, lists and headings."""


def markdown_html(text: str) -> str:
    """``text`` as CommonMark renders it (tables and strikethrough too), its inline HTML kept."""
    from markdown_it import MarkdownIt  # imported for a Markdown body only

    return str(MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text))


def markdown_version() -> str:
    from importlib.metadata import version

    return version("markdown-it-py")


def _squash(text: str) -> str:
    return dom.collapse(text).strip(" \u3000")


_DATE_KEYS = ("date", "publishDate", "pubDate", "published", "pubdate", "publish_date")
"""Where front matter gives the date of publication (Jekyll and Hexo ``date``, Hugo ``publishDate``,
feeds ``pubDate``), the first found."""
_TAG_SEP = re.compile(r"[,，、;；|]")


def names_of(value: Any) -> list[str]:
    """The names an ``author`` value gives: a name, a list of names, or objects with a ``name``
    (``{name: 张三, email: …}``)."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            out.append(name.strip())
    return out


def iso_datetime(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif isinstance(value, str):
        s = value.strip()
        try:
            d = email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError, OverflowError):  # a year past any C long
            try:
                d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
            except ValueError:  # written the Chinese way: 2023年5月1日 10:30, 2023/05/01
                return machine_date(s)
    else:
        return None
    if d.tzinfo is None:
        return d.replace(microsecond=0).isoformat()
    try:
        d = d.astimezone(dt.UTC)
    except OverflowError:  # year 1 or 9999 pushed past the range by its offset
        return None
    return d.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


FORMAT = FrontMatterFormat()
