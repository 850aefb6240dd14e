"""Source formats: plug-ins behind one small interface, chosen by sniffing content.

A format is any object with a ``name``, a ``sniff(text) -> float`` that says how
sure it is (0 to 1) that ``text`` is in this format, and a ``parse(doc)`` that
fills ``doc.fields`` and ``doc.articles`` (and logs changes), raising
:class:`~normalize.NormalizeError` when the text cannot be parsed.
"""

from __future__ import annotations

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


def sniff(text: str) -> tuple[Format, float]:
    """The format most sure of ``text``, with its score."""
    best: tuple[Format, float] | None = None
    for fmt in formats():
        score = fmt.sniff(text)
        if best is None or score >= best[1]:
            best = (fmt, score)
    assert best is not None
    return best


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
