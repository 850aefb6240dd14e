"""Every limit of the tool, in one place.

A limit bounds the work one input may cost, so that no document can stall a batch or take the
machine's memory.  There are two kinds, and the difference matters for reproducibility:

* **input limits** are counted on the input itself (bytes, characters, nesting, deterministic work
  units): the same input gives the same outcome everywhere.  They are checked *before* the work they
  protect, so a refused input costs next to nothing (a file over the size limit is never read).
  The mojibake budget is the one input limit that degrades instead of refusing: past it the
  remaining lines are flagged, deterministically.
* **resource limits** (CPU seconds, memory) are the watchdog (:mod:`normalize._watchdog`): a backstop
  for what input limits cannot foresee.  They depend on the machine, so they never change a record:
  a document that hits one *fails* (it is reported with the limit it hit, and its source is still
  archived); it is never cut short into a different record.

Each default below says what it was calibrated against; docs/limits.md has the whole table.  A
limit of ``None`` means no limit (``0`` on the command line).  The command line sets them all
(``normalize --help``); a library caller passes :class:`Limits` in ``Options.limits``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, fields

from ._document import NormalizeError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

REPAIR_BUDGET = 150_000
"""Default work units of the mojibake search per document (:attr:`Limits.repair_budget`).

How each step of the search is charged: :data:`normalize.encoding._mojibake.UNITS` (one unit is
about one evaluation of the Chinese plausibility model, or one candidate of the lost-byte search).
150,000 units is about 1 s of search on the reference machine (2 shared cores, CPython 3.11).

First fit (per line, per searched sequence and per lost byte only): on 200 policy documents damaged
with every CJK kind, a unit took 9.3 to 12.7 µs (median 10.2 µs), but the lost-byte search's beam
was not charged by what it scored, and one bench document (a page of GB18030 read as Big5 with dozens
of lost bytes on one line) ran 4.6 s inside a 100,000-unit budget.  The search now charges each
candidate it scores: on the 24 damaged documents of the 200-document bench corpus (``bench/corpus.py
200``, seed 0) a unit took 0.3 to 7.2 µs (6.0 µs over all of them; the cheap end is lines ftfy
repairs at once), the most expensive document spending 624,000 units in 4.5 s.  At 4.7 to 7.2 µs a
unit on the documents that reach it, 150,000 units is 0.7 to 1.1 s.  The tests' cases and the seeds
are far below it.

Charged by candidates alone, some lines still ran far past that: the search scores each distinct piece
of text a lost byte's values make (about 16 µs each) and decodes every value after each unfinished
character, and a line of 128 lost bytes (1,500 bench documents, seed 0) spent 3.8 s inside 142,000
units before it was abandoned and flagged.  Those are charged too (``PIECE_UNITS`` and
``DECODES_PER_UNIT`` of :mod:`normalize.encoding._holes`): over the same documents the costliest
line now runs 1.0 s (search time 18.6 -> 12.8 s), and the costliest single-line case of
tests/data/encoding/repair.json costs 58,000 units (0.23 s).  No case of ``eval/encoding.py`` comes
near it (its table is unchanged)."""

INPUT_BYTES = 32 * MiB
"""Default size limit of one input file (:attr:`Limits.input_bytes`).

The 676 real documents of ../shared/external (news pages, gov.cn policies, saved web pages) are at
most 883 KB (median 28 KB); 32 MiB is 37 times the largest.  Past it a file is refused from its
``stat`` size, without being read: a text document that big is a dump, a log or a mistake, and the
pipeline's memory grows with the decoded text (tens of times the source at the text stages)."""

LINE_CHARS = 100_000
"""Default limit on the longest line of the decoded text, in characters (:attr:`Limits.line_chars`).

The longest line of the real corpus is 64,699 bytes (a minified web page); the longest real
paragraph is a few thousand characters.  Several text stages cost more than linearly in the length
of one line (measured here: the text stage takes 1.0 s on a 100,000-character line, 3.8 s on
200,000, about 95 s on 1,000,000), so an 18 MB file without a line break took minutes and gigabytes.
The check is one linear scan before any of them runs.  HTML is exempt: its lines are markup, which
the HTML parser (a C library, linear) reads; its own limits are :attr:`Limits.html_chars` and
:attr:`Limits.html_depth`, and the lines of text it yields are checked again after parsing."""

HTML_CHARS = 5_000_000
"""Default limit on the size of an HTML page, in decoded characters (:attr:`Limits.html_chars`).

The largest real page of the corpus is 883 KB; pages with inline images or scripts reach a few MB.
The page tree is walked in Python, element by element, after lxml parses it: 5 million characters
bounds that walk to a few seconds."""

HTML_DEPTH = 255
"""Default limit on element nesting in an HTML page (:attr:`Limits.html_depth`).

255 is the HTML parser's own ceiling: libxml2 (through lxml) silently drops whatever is nested
deeper (measured: text at depth 300 is gone from the tree), so a deeper page must be reported, not
read as if it were whole.  Real pages nest 20 to 40 deep."""

CPU_SECONDS = 60.0
"""Default CPU time one document may take, in seconds (:attr:`Limits.cpu_seconds`).

CPU time, not wall time: a loaded machine does not make documents fail.  The slowest real document
takes about 2 s (the mojibake budget bounds the slowest stage); 60 s is a watchdog for what the input
limits do not foresee, not a performance target."""

MEMORY_BYTES = 768 * MiB
"""Default memory one document may add to its process (:attr:`Limits.memory_bytes`).

A worker holds about 200 MB before a document (the models and tables); with 768 MiB on top, no
process of a run passes 1 GB.  The document is charged with the address space it adds (RLIMIT_AS,
see :mod:`normalize._watchdog`), which is at least what it makes resident."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits applied to each document (``normalize.pipeline.Options.limits``).

    Every field may be ``None``: no limit.  The names are those a report gives as the limit hit
    (``limit`` in ``--report``), and :data:`OPTIONS` gives each one's command-line option."""

    repair_budget: int | None = REPAIR_BUDGET
    """Work units the mojibake search may spend on one document.  Past it, the suspicious lines not
    yet searched are flagged (``mojibake.unsearched``, not applied) and the document gets a warning
    naming the budget; nothing else changes."""
    input_bytes: int | None = INPUT_BYTES
    """Largest input file, in bytes; a bigger one is refused without being read."""
    line_chars: int | None = LINE_CHARS
    """Longest line of the decoded text (not HTML), in characters; a document with a longer line
    is refused before the text stages."""
    html_chars: int | None = HTML_CHARS
    """Largest HTML page, in decoded characters (checked by the html format)."""
    html_depth: int | None = HTML_DEPTH
    """Deepest element nesting of an HTML page (checked by the html format)."""
    cpu_seconds: float | None = CPU_SECONDS
    """CPU time one document may take (the watchdog; only where it can be enforced)."""
    memory_bytes: int | None = MEMORY_BYTES
    """Memory one document may add to its process (the watchdog; only where it can be enforced)."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value < 0:
                raise ValueError(f"{f.name} must be >= 0 or None, not {value}")

    def exceeded(self, name: str, actual: int | float, *, what: str = "", stage: str = "") -> LimitExceeded:
        """The error for an input past the limit ``name``: what was found, the limit, its option."""
        return exceeded(name, getattr(self, name), actual, what=what, stage=stage)


def exceeded(
    name: str, limit: int | float | None, actual: int | float, *, what: str = "", stage: str = ""
) -> LimitExceeded:
    """The error for ``actual`` past the limit ``name`` set to ``limit``, e.g. ``the file is
    200,000,000 bytes, over the limit of 33,554,432 bytes (--max-input-size)``."""
    unit = UNITS[name]
    found = f"{what} " if what else ""
    return LimitExceeded(
        f"{found}{_n(actual)} {unit}, over the limit of {_n(limit)} {unit} ({OPTIONS[name]})",
        limit=name,
        stage=stage,
    )


OPTIONS = {
    "repair_budget": "--repair-budget",
    "input_bytes": "--max-input-size",
    "line_chars": "--max-line-length",
    "html_chars": "--max-html-size",
    "html_depth": "--max-html-depth",
    "cpu_seconds": "--time-limit",
    "memory_bytes": "--memory-limit",
}
"""The command-line option that sets each limit (named in every message about a limit)."""

UNITS = {
    "repair_budget": "units",
    "input_bytes": "bytes",
    "line_chars": "characters",
    "html_chars": "characters",
    "html_depth": "levels",
    "cpu_seconds": "s of CPU time",
    "memory_bytes": "bytes",
}


def _n(value: int | float | None) -> str:
    if value is None:
        return "no limit"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


class LimitExceeded(NormalizeError):
    """An input past one of its limits: the document is refused (or fails) with this message.

    ``limit`` is the name of the :class:`Limits` field, reported per input by ``--report``."""

    def __init__(self, message: str, *, limit: str, stage: str = "") -> None:
        super().__init__(message, stage=stage)
        self.limit = limit


DEFAULT = Limits()

_CURRENT: ContextVar[Limits] = ContextVar("normalize_limits", default=DEFAULT)


def current() -> Limits:
    """The limits of the document being normalized (for format plug-ins, which get only the
    document: ``_limits.current().html_depth``)."""
    return _CURRENT.get()


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` :func:`current` for the duration (set by the pipeline around each document)."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def long_line(text: str, limit: int) -> tuple[int, int] | None:
    """``(line number, length)`` of the first line of ``text`` longer than ``limit`` characters, or
    None.  Lines end where :meth:`str.splitlines` ends them (``\\n``, ``\\r\\n``, ``\\r``, U+2028
    …), as the whitespace stage ends them.

    C-level work only (a text no longer than the limit is not even split): it runs before anything
    else looks at the text, so a 50 MB line is measured in milliseconds."""
    if len(text) <= limit:
        return None
    lines = text.splitlines()
    if max(map(len, lines), default=0) <= limit:
        return None
    return next((i, len(line)) for i, line in enumerate(lines, 1) if len(line) > limit)


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", re.I)
_SCALE = {"": 1, "k": KiB, "m": MiB, "g": GiB, "t": 1024 * GiB}


def parse_size(value: str) -> int:
    """Bytes from ``"32M"``, ``"1.5G"``, ``"500k"``, ``"1048576"`` (K, M, G, T are powers of 1024).

    Raises :class:`ValueError` with a message meant for the user."""
    m = _SIZE.fullmatch(value)
    if not m:
        raise ValueError(f"not a size: {value!r} (a number of bytes, or with K, M or G: 32M, 1.5G)")
    return int(float(m.group(1)) * _SCALE[m.group(2).lower()])
