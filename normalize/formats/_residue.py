"""What a page leaves in text that is no page: its tags and its character references.

Text copied out of a page's source, or exported by a tool that escaped it for HTML, keeps tags
(``<br>``, ``<p>``, ``<strong>``) and character references (``&ldquo;你好&rdquo;&nbsp;``).  In a document
the formats read as text (plain text, an official document) they are no text of their own:

* :func:`strip_tags`: a tag of HTML's own elements goes (step ``markup``, ``markup.removed``); one that
  ends a line or a block (``<br>``, ``<p>``, ``</div>`` ...) becomes a line break.  Only tags of the
  elements HTML defines are taken (``<政策>`` or ``<1>`` is text); a document holding ``<script>`` or
  ``<style>`` is left alone (their content is no text either, and is past a tag's reach).
* :func:`unescape`: each reference stands for one character, which HTML defines
  (:func:`html.unescape`: the HTML5 table of names, numeric references with the HTML5 repairs of the C1
  range); only complete references are read (the final ``;`` given), and a name HTML does not define,
  or a number that is no character (``&#0;``, a surrogate), stays as written (step ``entities``).

The text formats (plain text, policy) call :func:`clean` first thing; the html and front matter
formats parse their markup (a Markdown body renders its own), and data (JSON, a feed) is no document.
"""

from __future__ import annotations

import html
import re

from .._document import Change, Document
from .._edits import apply_changes
from ..text._chars import HTML_REFERENCE
from . import _htmldom as dom

STEP = "entities"
KIND = "html.entity"
MARKUP_STEP = "markup"
MARKUP_KIND = "markup.removed"
_REF = re.compile(HTML_REFERENCE)
_BREAKING = sorted({*dom.BLOCK_TAGS, "br"} - {"body", "html", "frame", "frameset"})
"""Elements whose tag ends a line of the text (a block, or ``<br>``)."""
_INLINE = [
    *("a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "img", "ins", "kbd", "mark"),
    *("q", "s", "small", "span", "strike", "strong", "sub", "sup", "u"),
]
_TAG = re.compile(rf"</?({'|'.join(_BREAKING + _INLINE)})(?:\s[^<>]*)?/?>", re.I)
_UNREACHABLE = re.compile(r"<(?:script|style)\b", re.I)


def strip_tags(text: str) -> tuple[str, list[Change]]:
    """``text`` without the tags of HTML's elements (see the module docstring), and the changes."""
    if "<" not in text or _UNREACHABLE.search(text):
        return text, []
    changes: list[Change] = []
    for m in _TAG.finditer(text):
        name = m.group(1).lower()
        after = "\n" if name in _BREAKING else ""
        note = f"a tag of HTML ({'ends a line' if after else 'inline'}) in a document that is no HTML"
        changes.append(
            Change(MARKUP_KIND, "text", m.start(), m.end(), m.group(), after, MARKUP_STEP, 0.95, True, note)
        )
    return (apply_changes(text, changes), changes) if changes else (text, changes)


def unescape(text: str) -> tuple[str, list[Change]]:
    """``text`` with its HTML character references read (see the module docstring), and the changes."""
    if "&" not in text:
        return text, []
    changes: list[Change] = []
    for m in _REF.finditer(text):
        ref = m.group()
        ch = html.unescape(ref)
        if ch == ref or "\ufffd" in ch:
            continue
        note = f"the HTML character reference {ref} is {ch!r}"
        changes.append(Change(KIND, "text", m.start(), m.end(), ref, ch, STEP, 0.95, True, note))
    return (apply_changes(text, changes), changes) if changes else (text, changes)


def clean(doc: Document) -> None:
    """Take the tags, then read the character references, of ``doc.text`` (logged, steps ``markup``
    and ``entities``)."""
    text, tags = strip_tags(doc.text)
    text, references = unescape(text)
    if tags or references:
        doc.log(*tags, *references)
        doc.text = text
