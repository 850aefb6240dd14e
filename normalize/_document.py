"""The value every pipeline stage works on, and the change log it carries.

A :class:`Document` holds the source bytes, the decoded text, the parsed
articles (fields and body blocks) and an ordered log of :class:`Change`.

Offsets in a change are code-point offsets into the text of its *target*
(``"bytes"`` for byte offsets into the source, ``"text"`` for the decoded
text, or a record property such as ``"articleBody"``/``"headline"``) as that
text was immediately *before* the change's step ran.  Changes of one step do
not overlap, so replaying the log step by step reproduces the output (see
:func:`normalize._edits.replay`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, dataclass_transform

from ._canonical import escape, is_canonical, unescape

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)
def _read_only(cls: type[_T]) -> type[_T]:
    """A slotted dataclass that the type checker holds frozen (see :class:`Change`)."""
    return dataclass(slots=True)(cls)


@_read_only
class Change:
    """One recorded change (or, with ``applied=False``, one flagged span).

    Read-only: the type checker holds it frozen (``mypy --strict`` rejects an assignment to a field);
    at run time it is not, since a frozen dataclass sets each field through ``object.__setattr__``
    and a document makes about 120 changes (2.2 µs each frozen, 0.24 µs not: about 1% of the
    pipeline's time).  Being unfrozen it is also unhashable (``eq`` without ``frozen``)."""

    kind: str
    """What was done, dotted: ``mojibake.utf8-as-gb18030``, ``pinyin.removed``,
    ``boilerplate.removed``, ``metadata.lifted``, ``script.t2s`` ..."""
    target: str
    """Which text the offsets refer to: ``bytes``, ``text`` or a record property."""
    start: int
    end: int
    before: str
    after: str
    step: str = ""
    """The pipeline step that made the change (``decode``, ``mojibake``, ``parse`` ...)."""
    confidence: float = 1.0
    applied: bool = True
    """False when the span is only flagged (not sure enough to change it)."""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The change as a record holds it.

        ``before``/``after`` quote the text exactly; when canonical form (NFC, LF) would alter either,
        both are written escaped and the change is marked ``escaped`` (see :mod:`normalize._canonical`),
        so that the canonical record still undoes to the source and replays.
        """
        before, after = self.before, self.after
        escaped = not (is_canonical(before) and is_canonical(after))
        if escaped:
            before, after = escape(before), escape(after)
        d: dict[str, Any] = {
            "kind": self.kind,
            "target": self.target,
            "step": self.step,
            "start": self.start,
            "end": self.end,
            "before": before,
            "after": after,
            "confidence": self.confidence,
            "applied": self.applied,
        }
        if escaped:
            d["escaped"] = True
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        """The change :meth:`as_dict` wrote (escaped strings read back exactly)."""
        read = unescape if d.get("escaped") else str
        return cls(
            kind=d["kind"],
            target=d["target"],
            start=int(d["start"]),
            end=int(d["end"]),
            before=read(d["before"]),
            after=read(d["after"]),
            step=d.get("step", ""),
            confidence=float(d.get("confidence", 1.0)),
            applied=bool(d.get("applied", True)),
            note=d.get("note", ""),
        )


@dataclass(slots=True)
class Detection:
    """How the source bytes were identified."""

    encoding: str
    """A codec name Python accepts (``utf-8``, ``gb18030``, ``big5hkscs`` ...)."""
    confidence: float
    evidence: list[str] = field(default_factory=list)
    """What the decision rests on, in order (``bom``, ``declaration:gbk`` ...)."""
    declared: str | None = None
    regions: list[tuple[int, int, str]] = field(default_factory=list)
    """For mixed files: (byte start, byte end, encoding) per region."""


@dataclass(slots=True)
class Block:
    """One body block (paragraph, heading, ...) with its place in ``Document.text``."""

    text: str
    kind: str = "p"
    """``p`` paragraph, ``h`` sub-heading, ``quote`` pull quote, ``list`` ..."""
    start: int = -1
    end: int = -1


@dataclass(slots=True)
class Article:
    """One article (or policy document) found in a source; becomes one record."""

    fields: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(slots=True)
class Document:
    """Everything known about one source file as it moves through the pipeline."""

    source: bytes
    name: str
    """The source file's name relative to the ingest root (POSIX separators)."""
    path: Path | None = None
    detection: Detection | None = None
    text: str = ""
    format: str = ""
    """The sniffed source format: ``frontmatter``, ``plaintext`` or ``policy``."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Document-level fields shared by every article (front matter, template sections)."""
    articles: list[Article] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    """Document-level changes (decode, mojibake, parse), shared by every article."""
    warnings: list[str] = field(default_factory=list)
    converters: dict[str, str] = field(default_factory=dict)
    """Libraries that did work on this document: name -> version."""
    source_url: str = ""
    """Where the bytes were fetched from, when a crawl archive says so (WARC-Target-URI)."""
    captured: str = ""
    """When they were fetched (WARC-Date, ISO 8601 UTC)."""

    def log(self, *changes: Change) -> None:
        self.changes.extend(changes)


class NormalizeError(Exception):
    """A per-document failure with a message meant for users (no traceback)."""

    def __init__(self, message: str, *, stage: str = "") -> None:
        super().__init__(message)
        self.stage = stage


def lifted(
    start: int,
    end: int,
    before: str,
    note: str = "",
    *,
    kind: str = "metadata.lifted",
    confidence: float = 1.0,
) -> Change:
    """A parse-step change on the decoded text: a span lifted into a field or dropped from the body."""
    return Change(
        kind=kind,
        target="text",
        step="parse",
        start=start,
        end=end,
        before=before,
        after="",
        confidence=confidence,
        note=note,
    )


def noted(at: int, note: str, *, kind: str) -> Change:
    """A parse-step note on the decoded text: something parsing dropped that is no span of the text.

    A front-matter value judged wrong (a promo image as thumbnail) was lifted with the whole front
    matter; a block read from markup may not stand in the text as such.  Quoting it in ``before``
    over a span it is not (``0``–``0``) would make the log undo to a text that never was, so the
    change is empty (zero width at ``at``, no ``before``/``after``: replay and undo pass over it) and
    what was dropped is said in ``note``.
    """
    return Change(kind=kind, target="text", step="parse", start=at, end=at, before="", after="", note=note)
