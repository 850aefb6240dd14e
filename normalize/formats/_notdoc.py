"""Text that is no document of any format: data (JSON) and markup that is not a web page (XML feeds).

Such files sit beside documents in what users collect (a crawl's sidecar ``.json``, a site's RSS
feed).  Read as plain text, they would become records whose headline is ``<?xml version="1.0"?>``
and whose body is markup; :func:`kind` names what they are, so that the plain-text plug-in leaves
them alone and the error says why.  Whole web pages are the ``html`` plug-in's: it claims them
before plain text is asked.
"""

from __future__ import annotations

import json
import re

from .. import _memo

SAMPLE = 4000
"""Characters looked at."""
MARKUP_SHARE = 0.3
"""Share of the sample's visible characters inside tags from which text opening with a tag is markup."""

_TAG = re.compile(r"<[!?/]?[A-Za-z][^<>]{0,2000}>|<!--.*?-->", re.S)
_ROOT = re.compile(r"\s*<([A-Za-z][\w:.-]*)")
_PROLOG = re.compile(r"(?:\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>))+", re.S | re.I)
"""What comes before the root: declarations, comments, a doctype (with its internal subset)."""
_FEEDS = {"rss": "an RSS feed", "feed": "an Atom feed", "rdf:rdf": "an RSS 1.0 (RDF) feed"}


@_memo.lru_cache(maxsize=2)
def kind(text: str) -> str | None:
    """What ``text`` is if it is no document (``"JSON data"``, ``"XML (an RSS feed)"``), else None.
    The last answers are kept: the plain text, html and feed sniffers each ask about the same text."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")) and _is_json(stripped):
        return "JSON data"
    if not stripped.startswith("<"):
        return None
    sample = stripped[:SAMPLE]
    prolog = _PROLOG.match(sample)  # declaration, comments, doctype: what comes before the root
    root = _ROOT.match(sample, prolog.end() if prolog else 0)
    name = root.group(1).lower() if root else ""
    if name == "html":
        return None  # a web page: the html plug-in's
    if name in _FEEDS:  # a feed is known by its root, however much text its items hold
        return f"XML ({_FEEDS[name]})"
    visible = len(re.sub(r"\s", "", sample))
    inside = sum(len(re.sub(r"\s", "", m.group(0))) for m in _TAG.finditer(sample))
    if not visible or inside < MARKUP_SHARE * visible:
        return None
    return f"XML (root element <{name}>)" if name and stripped.startswith("<?xml") else "markup"


def _is_json(stripped: str) -> bool:
    """JSON or JSON Lines."""
    try:
        json.loads(stripped)
        return True
    except ValueError:
        first = stripped.split("\n", 1)[0]
        try:
            json.loads(first)
            return True
        except ValueError:
            return False
