"""HTML character references left in text that is no HTML: ``&ldquo;你好&rdquo;&nbsp;`` -> ``“你好” ``.

Text copied out of a page's source, or exported by a tool that escaped it for HTML, keeps the page's
character references.  In a document without markup they are no text of their own: each stands for
one character, which HTML defines (:func:`html.unescape`, the HTML5 table of names, numeric references
with the HTML5 repairs of the C1 range).  A document that holds markup (a tag anywhere), or that opens
with front matter (its body, HTML or Markdown, resolves its own references when it is rendered), is
left alone: there ``&lt;`` is part of what the markup means.  Only complete references are read (the
final ``;`` given); a name HTML does not define stays as written, and so does a number that is no
character (``&#0;``, a surrogate).
"""

from __future__ import annotations

import html
import re

from .._document import Change
from .._edits import apply_changes

STEP = "entities"
KIND = "html.entity"
_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_FRONT_MATTER = re.compile(r"\A\ufeff?\s*(?:---|\+\+\+)[ \t]*\r?\n")


def unescape(text: str) -> tuple[str, list[Change]]:
    """``text`` with its HTML character references read (see the module docstring), and the changes."""
    if "&" not in text or _MARKUP.search(text) or _FRONT_MATTER.match(text):
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
