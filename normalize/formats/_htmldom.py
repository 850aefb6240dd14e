"""A web page as a tree, and the tree as a sequence of text segments.

The page is parsed with lxml's HTML parser (it repairs what browsers repair: unclosed tags,
``<html>`` inside a wrapper element, tables without ``<tbody>``).  What a reader never sees is
removed first: scripts, styles, comments, form controls, embedded objects and elements hidden by
``display:none``/``hidden``.

The visible text is then cut into *segments* the way a browser lays it out: every block-level
element and every ``<br>`` ends a segment.  A segment remembers the element whose box holds it
(its *owner*), how much of it is link text and whether it is a heading, which is what the
main-text scoring works on (see :mod:`._htmlmain`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeAlias

import lxml.etree
from lxml.etree import _Element

from .. import _limits
from .._document import NormalizeError

Element: TypeAlias = _Element

# elements that lay out as boxes: text on either side of them is a different line
BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details"),
        *("dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html"),
        *("legend", "li", "main", "marquee", "menu", "nav", "ol", "p", "pre", "section", "summary"),
        *("table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    )
)
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# never shown as text (or shown as a widget, not as part of the page's prose)
_DROP = (
    *("script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "object", "embed"),
    *("applet", "canvas", "select", "option", "button", "input", "textarea", "map", "area", "audio"),
    *("video", "source", "track", "link", "meta", "base", "head", "title", "datalist"),
)
_INVISIBLE = "|".join(f"//{t}" for t in _DROP) + "|//*[@hidden]|//*[@type='hidden']"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_DECL = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000]+")
_NONSPACE = re.compile(r"\S")


def parse(text: str) -> Element:
    """The page's element tree (lxml refuses a str carrying an XML encoding declaration: drop it).

    Plain ``lxml.etree`` elements: the ``lxml.html`` element classes cost a Python call per node.
    """
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    try:
        root = lxml.etree.HTML(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NormalizeError(f"unreadable HTML: {exc}", stage="parse") from exc
    if root is None:
        raise NormalizeError("unreadable HTML: no elements", stage="parse")
    _check_depth(root)
    return root


PARSER_DEPTH = 255
"""libxml2's HTML parser silently drops what is nested deeper than this: such a page is refused, not
read as whatever survived the cut."""


def _check_depth(root: Element) -> None:
    limit = _limits.current().html_depth
    if not limit:
        return
    ceiling = min(limit, PARSER_DEPTH)
    deepest = 0
    stack = [(root, 1)]
    while stack:  # iterative: a page nested 100,000 deep must not exhaust Python's recursion
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest >= ceiling:
            raise _limits.exceeded(
                "html_depth", ceiling, deepest, what="the page nests elements", stage="parse"
            )
        stack.extend((child, depth + 1) for child in el)


_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def elements(root: Element, xpath: str) -> list[Element]:
    """The elements an XPath expression selects (typed: lxml's result type is a union)."""
    found = root.xpath(xpath)
    return [el for el in found if isinstance(el, Element)] if isinstance(found, list) else []


def text_of(el: Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str | None) -> str | None:
    """``text`` without the control characters lxml refuses to set as an element's text (the parser
    read them from the page; they carry nothing, and the text stage would remove them anyway)."""
    return _XML_UNSAFE.sub("", text) if text else text


def remove(el: Element) -> None:
    """Take ``el`` out of the tree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        # the parser may have left control characters in the text it joins (lxml refuses to set them)
        prev = el.getprevious()
        if prev is not None:
            prev.tail = _xml_safe((prev.tail or "") + tail)
        else:
            parent.text = _xml_safe((parent.text or "") + tail)
    parent.remove(el)


def strip_invisible(root: Element) -> None:
    """Remove non-text elements and elements hidden by ``hidden``/``display:none``."""
    junk = elements(root, _INVISIBLE)
    junk += [el for el in elements(root, "//*[@style]") if _HIDDEN_STYLE.search(el.get("style", ""))]
    for el in junk:
        remove(el)


def bracket_ruby(root: Element) -> None:
    """Write each ruby annotation (``<rt>``) in brackets where the page gives none (``<rp>``): read as
    text, ``<ruby>優<rt>yōu</rt></ruby>化`` is ``優(yōu)化``, the form the text stage's pinyin rule knows
    (its readings are removed there, each a recorded change), not ``優yōu化``, which nothing can tell
    apart from the text.  A page that gives ``<rp>(</rp>`` reads so already."""
    for rt in elements(root, "//ruby/rt[not(preceding-sibling::*[1][self::rp])]"):
        annotation = text_of(rt).strip()
        if not annotation:
            continue
        for child in list(rt):
            rt.remove(child)
        rt.text = f"({annotation})"


@dataclass(slots=True)
class Segment:
    """One line of visible text and where it sits in the page."""

    text: str
    owner: Element
    """The nearest block-level element around the text."""
    chars: int
    """Non-whitespace characters."""
    link_chars: int
    """Non-whitespace characters inside ``<a href>``."""
    heading: bool = False


def squash(text: str) -> str:
    """Collapse layout whitespace (the page's line breaks inside a paragraph, indents) to one space,
    or to nothing where a line break of the source stands between two wide characters (CSS Text 3,
    segment break transformation: ``关于印发`` / ``通知`` render as ``关于印发通知``)."""
    return collapse(text).strip()


def collapse(text: str) -> str:
    """:func:`squash` without the strip."""
    if "\n" not in text and "\r" not in text:
        return _SPACES.sub(" ", text)
    return _SPACES.sub(_collapsed, text)


def _collapsed(m: re.Match[str]) -> str:
    run = m.group()
    if "\n" not in run and "\r" not in run:
        return " "
    s, e = m.span()
    text = m.string
    return "" if s and e < len(text) and _wide(text[s - 1]) and _wide(text[e]) else " "


def _wide(ch: str) -> bool:
    """East Asian wide, fullwidth or halfwidth, and not Hangul (whose words are written apart)."""
    if unicodedata.east_asian_width(ch) not in ("W", "F", "H"):
        return False
    return not ("\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f" or "\uac00" <= ch <= "\ud7ff")


def nonspace(text: str) -> int:
    return len(_NONSPACE.findall(text))


def segments(root: Element) -> list[Segment]:
    """The visible text of ``root`` cut into lines at block boundaries and ``<br>``."""
    out: list[Segment] = []
    parts: list[str] = []
    links = 0
    stack: list[Element] = [root]
    in_link = 0

    def flush() -> None:
        nonlocal links
        text = squash("".join(parts))
        if text:
            owner = stack[-1]
            chars = len(text) - text.count(" ")
            out.append(Segment(text, owner, chars, min(links, chars), owner.tag in HEADINGS))
        parts.clear()
        links = 0

    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                stack.append(el)
            elif tag == "br":
                if stack[-1].tag in HEADINGS:
                    parts.append("\n")  # a heading is one line: its <br> wraps it (squash joins)
                elif parts:
                    flush()
            elif tag == "a" and el.get("href") is not None:
                in_link += 1
            text = el.text
        else:
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                if len(stack) > 1:
                    stack.pop()
            elif tag == "a" and in_link and el.get("href") is not None:
                in_link -= 1
            text = el.tail if el is not root else None
        if text:
            parts.append(text)
            if in_link:
                links += nonspace(text)
    if parts:
        flush()
    return out
