"""Source formats: plug-ins behind one small interface, chosen by sniffing content.

A format is any object with a ``name``, a ``sniff(text) -> float`` that says how
sure it is (0 to 1) that ``text`` is in this format, and a ``parse(doc)`` that
fills ``doc.fields`` and ``doc.articles`` (and logs changes), raising
:class:`~normalize.NormalizeError` when the text cannot be parsed.  It may also say the
most its ``sniff`` ever answers (``ceiling``, 1.0 if it does not): a format that cannot
beat the best answer so far is then not asked (:func:`sniff`).
"""

from __future__ import annotations

import math
from typing import Protocol

from .._document import Document


class Format(Protocol):
    name: str

    def sniff(self, text: str) -> float: ...

    def parse(self, doc: Document) -> None: ...


_REGISTRY: list[Format] = []


def register(fmt: Format) -> Format:
    """Add a format plug-in (later registrations win ties)."""
    _REGISTRY.append(fmt)
    return fmt


def formats() -> list[Format]:
    if not _REGISTRY:
        _load_builtin()
    return list(_REGISTRY)


def names() -> list[str]:
    """The names of the formats, built in and registered (``--format``'s choices)."""
    return sorted(fmt.name for fmt in formats())


def get(name: str) -> Format:
    for fmt in formats():
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def not_a_document(text: str) -> str | None:
    """What ``text`` is when it is no document of any format (JSON data, an XML feed), else None."""
    from ._notdoc import kind

    return kind(text)


def ceiling(fmt: Format) -> float:
    """The most ``fmt.sniff`` ever answers: its ``ceiling`` attribute, 1.0 for a format without one."""
    return float(getattr(fmt, "ceiling", 1.0))


def sniff(text: str) -> tuple[Format, float]:
    """The format most sure of ``text``, with its score; of formats equally sure, the one registered
    last.  The formats are asked in order of their :func:`ceiling`, and once the best score so far is
    above a format's ceiling, neither it nor any after it can win or tie: they are not asked (a raw
    policy document's sniff views a dozen lines and looks for a signature, work wasted on a page whose
    front matter scored 0.97)."""
    registered = formats()
    best, best_at = -math.inf, -1
    for at in sorted(range(len(registered)), key=lambda i: -ceiling(registered[i])):
        if ceiling(registered[at]) < best:
            break
        score = registered[at].sniff(text)
        if score > best or (score == best and at > best_at):
            best, best_at = score, at
    return registered[best_at], best


def _load_builtin() -> None:
    from .feed import FORMAT as FEED
    from .frontmatter import FORMAT as FRONTMATTER
    from .html import FORMAT as HTML
    from .markdown import FORMAT as MARKDOWN
    from .plaintext import FORMAT as PLAINTEXT
    from .policy import FORMAT as POLICY

    # plaintext first: it is the fallback and loses ties.
    register(PLAINTEXT)
    register(MARKDOWN)
    register(POLICY)
    register(FRONTMATTER)
    register(HTML)
    register(FEED)
