"""Rebuild bytes from mojibake and decode them with the right codec, inferring lost bytes.

Mojibake is text whose bytes were decoded with the wrong codec (the *reader*).
Encoding the text with the reader gives the original bytes back, except where
the reader replaced an invalid byte with U+FFFD: such a *hole* is one unknown
byte (Python's CJK and UTF-8 decoders replace one byte per error).  All holes of
a run are filled jointly by a beam search: every candidate byte must decode
strictly with the right codec, must be one the reader would itself have
rejected (the reader turned it into U+FFFD), and the fillings are ranked by how
plausible the decoded text is under :mod:`._cjkscore`, with context on both sides.

The search is the hot loop of mojibake repair (a line is searched under several codec pairs and
passes, each lost byte with up to 126 values after up to a dozen states), so nothing in it is done
twice: the first character of each value is decoded from per-codec tables of byte pairs, the rest of
the known bytes once per lost byte, and a value's cost after a state is put together from parts
kept per piece and per context (:mod:`._incremental`); the costs and choices are those of scoring
every text whole.
"""

from __future__ import annotations

import array
import bisect
import codecs
import heapq
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from .. import _memo
from . import _bigram, _cjkscore, _context, _incremental, _tablefile
from ._insertion import best_insertion as best_insertion  # for :mod:`._mojibake` (a dropped GBK pair)

HOLE = -1
BEAM = 12
"""States kept per hole in the beam search."""
OPEN_BEAM = 256
"""States kept when a hole decoded nothing yet (its character continues into the next hole):
such states all cost the same so far, and cutting them to BEAM would drop values at random."""
HEAD = 10
"""Characters of each newly decoded piece scored per candidate (the rest is shared by most candidates)."""
LOOK = 4
"""Characters of the already decoded text used as context for a new piece."""
SCRIPT_PENALTY = 4.0
"""Cost (nats) of a character written in the other script than the known text around it."""
BIGRAM_WEIGHT = 1.0
"""Weight of the character bigram model (:mod:`._bigram`) next to the word model when ranking the
values of lost bytes (1.0 measured best of 0, 0.5, 1 and 2 on the synthetic set of ``eval/encoding.py``)."""
TRADITIONAL_BIGRAM_WEIGHT = 0.5
"""The same in traditional text: the bigram model is counted from mainland news of 1998, and on the
(mostly Taiwanese) traditional samples it made choices worse at 1.0 (205 -> 193 of 300 exact against
0); at 0.5, with the end-of-line model and brackets paired over the line, 116 against 113 of 150
whole sentences and 98 against 98 of 150 random cuts."""


def bigram_weight(script: int | None) -> float:
    """The bigram model's weight for text of ``script`` (1 traditional, -1 simplified, 0/None unknown)."""
    return TRADITIONAL_BIGRAM_WEIGHT if script == 1 else BIGRAM_WEIGHT


ALTERNATIVES = 3
"""Runner-up decodings kept in :attr:`Solved.alternatives`."""
NO_RIVAL = 20.0
"""Margin reported for a hole when no other value survives the search."""
SURE = 5.0
"""Margin (nats) from which a lost byte counts as known: a character more than half of whose bytes
were lost is restored only if each of them has at least this margin (``新加□`` can only be ``坡``),
else it stays U+FFFD while the rest of its run is read (``2018□□9月``: ``年``, ``］`` and ``日``
are 0.2 nats apart)."""


@dataclass(slots=True)
class Solved:
    text: str
    margins: list[float]
    """Per filled hole: cost gap (nats) between the chosen byte and the best alternative."""
    alternatives: tuple[str, ...] = ()
    """The next best decodings (at most ALTERNATIVES), best first: for choices made jointly with
    a neighbouring run."""
    lost: int = 0
    """U+FFFD left in ``text`` for characters whose bytes were (mostly) lost (:func:`_keeping_lost`)."""
    doubted: str = ""
    """``text`` with U+FFFD (one per byte) for each character the context model is not sure of
    (:func:`_rerank`, :data:`THIN`), or "" if there is none.  ``text`` keeps the best reading, by
    which the caller judges the repair as a whole; what it writes is this."""


@_memo.cache
def _encode_char(ch: str, codec: str) -> bytes | None:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        return None


def reencode(text: str, reader: str) -> list[int] | None:
    """The bytes ``reader`` decoded into ``text``, HOLE for each U+FFFD; None if impossible."""
    out: list[int] = []
    for ch in text:
        if ch == "\ufffd":
            out.append(HOLE)
            continue
        b = _encode_char(ch, reader)
        if b is None:
            return None
        out.extend(b)
    return out


@cache
def _duplicates(reader: str) -> dict[str, bytes]:
    """Characters that ``reader`` decodes from two byte sequences, mapped to the one its encoder does
    not produce (Big5-HKSCS and cp950 have a dozen: box drawing at F9xx and A2xx, 十 at A2CC and A451 ...).
    The readers of :mod:`._mojibake` are shipped (:func:`._tablebuild.codec_duplicates` takes 50 ms a
    codec); another is worked out here."""
    if reader in ("utf-8", "gb18030") or codecs.lookup(reader).name in ("latin-1", "iso8859-1"):
        return {}
    table = _tablefile.load(_tablefile.DUPLICATES)
    if f"{reader}.chars" in table.raw:
        pairs = (n.to_bytes(2, "big") for n in table.ints(f"{reader}.bytes"))
        return dict(zip(table.text(f"{reader}.chars"), pairs, strict=True))
    from ._tablebuild import codec_duplicates

    return codec_duplicates(reader)


MAX_VARIANTS = 8
"""Most byte readings tried for a text holding characters with two byte sequences."""


def reencodings(text: str, reader: str) -> list[list[int]]:
    """Every byte sequence ``reader`` may have decoded into ``text`` (HOLE for U+FFFD): the encoder's
    own first, then those using the other sequence of a character that has two (at most MAX_VARIANTS).
    Memoized for short texts (a line's runs are re-encoded for every hypothesis with the same reader,
    three read by GB18030, by the whole-line reading and again run by run): callers must not change
    the lists."""
    if len(text) > _cjkscore.MEMO_MAX_LEN:
        return _reencodings(text, reader)
    return _short_reencodings(text, reader)


@_memo.lru_cache(maxsize=_cjkscore.MEMO_SIZE)
def _short_reencodings(text: str, reader: str) -> list[list[int]]:
    return _reencodings(text, reader)


def _reencodings(text: str, reader: str) -> list[list[int]]:
    first = reencode(text, reader)
    if first is None:
        return []
    dups = _duplicates(reader)
    at = [i for i, ch in enumerate(text) if ch in dups]
    if not at:
        return [first]
    out = [first]
    for chosen in _swaps(text, at):
        seq: list[int] = []
        for i, ch in enumerate(text):
            if i in chosen:
                seq.extend(dups[ch])
            elif ch == "\ufffd":
                seq.append(HOLE)
            else:
                seq.extend(_encode_char(ch, reader) or b"")
        out.append(seq)
    return out


def _swaps(text: str, at: list[int]) -> Iterator[frozenset[int]]:
    """The positions of ``at`` (characters with two byte sequences) to write with their other sequence,
    for each reading after the encoder's own, at most :data:`MAX_VARIANTS` - 1: first by character
    (every occurrence of a character alike: a line's ``╮`` come from the same bytes, and there
    position by position, the first three ``╮`` of five were tried with A2A1 and the last two never:
    ``信息、`` read as Big5 and repaired came back ``信嚣``, U+E34F, five times in a line of five), then
    by position."""
    chars = list(dict.fromkeys(text[i] for i in at))
    seen: set[frozenset[int]] = set()
    masks = (
        frozenset(i for k, ch in enumerate(chars) if mask >> k & 1 for i in at if text[i] == ch)
        for mask in range(1, 1 << len(chars))
    )
    singles = (frozenset(at[k] for k in range(len(at)) if mask >> k & 1) for mask in range(1, 1 << len(at)))
    for chosen in itertools.chain(masks, singles):
        if chosen not in seen:
            seen.add(chosen)
            yield chosen
            if len(seen) == MAX_VARIANTS - 1:
                return


def _candidates(codec: str) -> range:
    if codec == "utf-8":
        return range(0x80, 0xF5)
    return range(0x81, 0xFF)  # a lost lead byte (the decoders resynchronise on the next byte)


@cache
def _s2t() -> object:
    import opencc

    return opencc.OpenCC("s2t")


@_memo.cache
def _script(ch: str) -> int:
    """1 for a traditional-only character, -1 for a simplified-only one, 0 for either."""
    if _cjkscore.to_simplified(ch) != ch:
        return 1
    alone = _tablefile.s2t_alone()
    if alone.valid:
        return -1 if alone.search(ch) else 0
    conv = _s2t()
    trad: str = conv.convert(ch)  # type: ignore[attr-defined]
    return -1 if trad != ch else 0


def script_of(text: str) -> int:
    """1 if ``text`` is mostly traditional-only characters, -1 if simplified-only, else 0."""
    return _script_of(text)


def _script_of(text: str) -> int:
    votes = sum(char_script(ch) for ch in text if ch >= "\u2e80")
    return (votes > 0) - (votes < 0)


_SCRIPTS: dict[str, int] = _memo.memo({})
"""Memo of :func:`_script` (a plain dict: read for every character of every piece scored)."""


def _script_cost(piece: str, script: int) -> float:
    if script == 0:
        return 0.0
    other = -script
    n = 0
    for ch in piece:
        if ch >= "\u2e80" and char_script(ch) == other:
            n += 1
    return SCRIPT_PENALTY * n


def char_script(ch: str) -> int:
    """:func:`_script` of ``ch`` (1 traditional-only, -1 simplified-only, 0 either), through the memo
    :data:`_SCRIPTS`."""
    got = _SCRIPTS.get(ch)
    if got is None:
        got = _SCRIPTS[ch] = _script(ch)
    return got


@cache
def decoder(codec: str) -> codecs._IncrementalDecoder:
    """The incremental decoder class of ``codec`` (looked up once: the lookup costs as much as a
    decoding of a few bytes)."""
    return codecs.getincrementaldecoder(codec)


_SHORT: dict[tuple[str, bytes, bool], tuple[str, int] | None] = _memo.memo({})
"""Memo of :func:`_decode_piece` for a few bytes (the reader's questions: the same ones many times)."""


def _decode_piece(codec: str, data: bytes, final: bool) -> tuple[str, int] | None:
    """Strictly decode ``data``; (text, number of trailing bytes of an unfinished character)."""
    short = len(data) <= 4
    if short and (codec, data, final) in _SHORT:
        return _SHORT[(codec, data, final)]
    dec = decoder(codec)()
    got: tuple[str, int] | None
    try:
        got = (dec.decode(data, final), len(dec.getstate()[0]))
    except UnicodeDecodeError:
        got = None
    if short:
        if len(_SHORT) >= _cjkscore.MEMO_SIZE:
            _SHORT.clear()
        _SHORT[(codec, data, final)] = got
    return got


_STARTS: dict[tuple[str, bytes], tuple[str, bytes] | None] = _memo.memo({})
"""(codec, a few bytes) -> (their text, the bytes of an unfinished character at the end) decoded
incrementally, or None if they cannot decode: the first characters of a piece (shared by many holes)."""


def _start(codec: str, data: bytes) -> tuple[str, bytes] | None:
    key = (codec, data)
    if key in _STARTS:
        return _STARTS[key]
    dec = decoder(codec)()
    got: tuple[str, bytes] | None
    try:
        got = (dec.decode(data, False), dec.getstate()[0])
    except UnicodeDecodeError:
        got = None
    if len(_STARTS) >= _cjkscore.MEMO_SIZE:
        _STARTS.clear()
    _STARTS[key] = got
    return got


ERROR, BOTH, FIRST, OTHER = 1, 2, 3, 4
"""What a codec makes of two bytes (:func:`_pair_class`): an error; characters using both bytes;
a character of the first byte alone, the second starting the next; anything else (a longer
character begun)."""
_PAIR_CLASSES: dict[str, bytearray] = {}
"""codec -> the class of each byte pair (index ``a << 8 | b``; 0 = not yet asked): 64 kB a codec,
shipped whole for the codecs of :data:`._tablefile.PAIR_CODECS`, else filled as pairs are met; never
emptied."""
_PAIR_CHARS: dict[str, array.array[int]] = {}
"""codec -> the character of each byte pair of class BOTH or FIRST that makes one (its code point + 1;
0 = not yet asked, :data:`_SEVERAL` = two characters): 256 kB a codec, shipped as the classes are, else
filled as pairs are met; never emptied (a search for a character both of whose bytes were lost meets
some 24,000 pairs at once)."""
_SEVERAL = 0xFFFFFFFF
_PAIR_TEXTS: dict[tuple[str, int], str] = _memo.memo({})
"""(codec, ``a << 8 | b``) -> the text of a pair of class BOTH or FIRST that makes two characters
(ASCII ``ab``; a bounded memo)."""


_NO_CLASSES = bytearray()


def _pair_classes(codec: str) -> bytearray:
    """The table of :func:`_pair_class` for ``codec`` (0 where not yet known): the shipped one of a
    codec of :data:`._tablefile.PAIR_CODECS` (:func:`_shipped_pairs`), else filled as pairs are met."""
    classes = _PAIR_CLASSES.get(codec)
    if classes is None:
        shipped = _shipped_pairs(codec)
        classes = _PAIR_CLASSES[codec] = shipped[0] if shipped else bytearray(1 << 16)
        if shipped and codec not in _PAIR_CHARS:
            _PAIR_CHARS[codec] = shipped[1]
    return classes


def _pair_class(codec: str, a: int, b: int) -> int:
    """The class of the bytes ``a b`` under ``codec`` (decoded once per codec and pair)."""
    classes = _pair_classes(codec)
    i = a << 8 | b
    got = classes[i]
    if not got:
        got = classes[i] = pair_class_of(codec, a, b)
    return got


def pair_class_of(codec: str, a: int, b: int) -> int:
    """The class of the bytes ``a b`` under ``codec``, decoded (what :func:`_pair_class` tables)."""
    start = _start(codec, bytes((a, b)))
    if start is None:
        return ERROR
    if start[0] and not start[1]:
        return BOTH
    if start[0] and start[1] == bytes((b,)):
        return FIRST
    return OTHER


def pair_char_of(codec: str, a: int, b: int) -> int:
    """What :func:`_pair_text` tables for the bytes ``a b`` of class BOTH or FIRST under ``codec``: the
    code point of the one character they make + 1, or :data:`_SEVERAL` when they make two."""
    start = _start(codec, bytes((a, b)))
    assert start is not None
    return ord(start[0]) + 1 if len(start[0]) == 1 else _SEVERAL


PAIRS_STEP = 251
"""Every so many byte pairs of a shipped table (a prime: 262 pairs with every trail byte among them) are
decoded again when it is loaded: a Python whose codec maps one of them otherwise than the one the
tables were built with fills its own tables as pairs are met."""


def _shipped_pairs(codec: str) -> tuple[bytearray, array.array[int]] | None:
    """The shipped classes and characters of ``codec``'s byte pairs (:data:`._tablefile.PAIRS`), or None
    (another codec, no table, or one this Python's codec disagrees with).  Filling them as pairs were met
    took some 1.7 µs a pair, 60 ms over the 1,000 bench documents in every process (a search for a
    character both of whose bytes were lost meets thousands of pairs at once)."""
    if codec not in _tablefile.PAIR_CODECS:
        return None
    try:
        table = _pairs_table()
        classes = bytearray(iter(table.ints(f"{codec}.classes")))  # the values (an array's buffer: its bytes)
        chars = table.ints(f"{codec}.chars")
    except (_tablefile.TableError, KeyError, ValueError):
        return None
    if len(classes) != 1 << 16 or len(chars) != 1 << 16:
        return None
    for i in range(0, 1 << 16, PAIRS_STEP):
        a, b = i >> 8, i & 0xFF
        cls = pair_class_of(codec, a, b)
        if classes[i] != cls or (cls in (BOTH, FIRST) and chars[i] != pair_char_of(codec, a, b)):
            return None
    return classes, chars


def _pairs_table() -> _tablefile.Table:
    """The shipped byte pairs, read for each codec when it is first met (not kept: 1.5 MB)."""
    return _tablefile.load(_tablefile.PAIRS)


def _pair_text(codec: str, i: int) -> str:
    """The text of the byte pair ``i`` (``a << 8 | b``) of class BOTH or FIRST."""
    chars = _PAIR_CHARS.get(codec)
    if chars is None:
        _pair_classes(codec)  # the shipped tables, if any
        chars = _PAIR_CHARS.get(codec)
        if chars is None:
            chars = _PAIR_CHARS[codec] = array.array("I", bytes(4 << 16))
    cp = chars[i]
    if cp and cp != _SEVERAL:
        return chr(cp - 1)
    got = _PAIR_TEXTS.get((codec, i)) if cp else None
    if got is None:
        start = _start(codec, bytes((i >> 8, i & 0xFF)))
        assert start is not None
        got = start[0]
        if len(got) == 1:
            chars[i] = ord(got) + 1
            return got
        chars[i] = _SEVERAL
        if len(_PAIR_TEXTS) >= _cjkscore.MEMO_SIZE:
            _PAIR_TEXTS.clear()
        _PAIR_TEXTS[(codec, i)] = got
    return got


def _boundary(codec: str, head: bytes, tail: bytes) -> tuple[str, int] | None:
    """Decode ``head`` and as few bytes of ``tail`` as end a character: (text, how many bytes of
    ``tail`` it used); None if they cannot decode; (``""``, -1) if no character ends within the first
    three bytes of ``tail`` (decode the whole).  ``head + tail`` decodes as that text followed by
    the rest of ``tail`` decoded on its own (the codecs are stateless between characters)."""
    if len(head) == 1 and tail:  # a byte pair: from the table
        a, b = head[0], tail[0]
        cls = _pair_class(codec, a, b)
        if cls == ERROR:
            return None
        if cls == BOTH:
            return _pair_text(codec, a << 8 | b), 1
        if cls == FIRST:
            return _pair_text(codec, a << 8 | b), 0
    elif len(head) == 2:  # the rest of a character and the value: a whole pair, or an error
        a, b = head[0], head[1]
        cls = _pair_class(codec, a, b)
        if cls == ERROR:
            return None
        if cls == BOTH:
            return _pair_text(codec, a << 8 | b), 0
    for k in range(min(1, len(tail)), min(len(tail), 3) + 1):
        got = _start(codec, head + tail[:k])
        if got is None:
            return None
        text, pend = got
        if len(pend) <= k:
            return text, k - len(pend)
    return "", -1


_REJECTS: dict[tuple[str, int, bytes, bool], bool] = _memo.memo({})


def _reader_rejects(reader: str, v: int, following: bytes, at_end: bool) -> bool:
    """Whether ``reader``, starting a character at byte ``v`` followed by ``following``, emits U+FFFD
    (memoized: a few thousand distinct questions, asked for every hole and every state of the beam)."""
    key = (reader, v, following, at_end)
    got = _REJECTS.get(key)
    if got is None:
        if len(_REJECTS) >= _cjkscore.MEMO_SIZE:
            _REJECTS.clear()
        got = _REJECTS[key] = _rejects(reader, v, following, at_end)
    return got


def _rejects(reader: str, v: int, following: bytes, at_end: bool) -> bool:
    # the first character(s) from a memo of short byte strings, the rest on its own
    first = _boundary(reader, bytes((v,)), following)
    if first is None:
        return True
    text, used = first
    if used >= 0 and text:
        return False  # ``v`` begins a character the reader reads: what follows it is another's
    dec = decoder(reader)()
    try:
        text = dec.decode(bytes((v,)) + following, at_end)
    except UnicodeDecodeError as err:
        return err.start == 0  # else a character from ``v`` was read, and a later byte is rejected
    # a decoded character means the reader would have read ``v`` fine; nothing decoded yet
    # (still incomplete after the known bytes) cannot be ruled out
    return not text


def _allowed(seq: list[int], h: int, codec: str, reader: str | None, after: bytes, at_end: bool) -> list[int]:
    cands = list(_candidates(codec))
    if reader is None:
        return cands
    following = bytearray()
    k = h + 1
    while k < len(seq) and seq[k] != HOLE and len(following) < 3:
        following.append(seq[k])
        k += 1
    stops_at_hole = k < len(seq) and seq[k] == HOLE and len(following) < 3
    if k >= len(seq) and len(following) < 3:
        following += after[: 3 - len(following)]
    end = at_end and k >= len(seq) and not stops_at_hole
    key = (codec, reader, bytes(following), end)
    got = _ALLOWED.get(key)
    if got is None:
        if len(_ALLOWED) >= _cjkscore.MEMO_SIZE:
            _ALLOWED.clear()
        got = _ALLOWED[key] = [v for v in cands if _rejects(reader, v, key[2], end)]
    return got


_ALLOWED: dict[tuple[str, str, bytes, bool], list[int]] = _memo.memo({})
"""The values a hole may take, by (codec, reader, the bytes that follow, at the end), memoized
(callers must not change the lists)."""


REPEAT_BONUS = 1.0
"""Cost (nats) saved per Han character that occurs more than once in the run (a text repeats its words)."""
REPEAT_PAIR_BONUS = 2.0
"""Cost (nats) saved per further occurrence of a pair of Han characters of the run, in the run or in
the rest of the line (a cache model in the sense of Kuhn and De Mori: a document repeats its terms,
``专利代理`` three times in one article of regulations; the 1998 news corpus and the dictionary know
``权利`` better).  Measured on the whole-sentence set of ``eval/encoding.py``, misaligned GB18030:
113 of 150 exact without it, 116 at 1, 2 and 3, 117 at 5 (no change on the other kinds)."""


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""The code points of :func:`._cjkscore.is_han`, as a regex class."""
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_PAIR_RE = re.compile(f"(?=([{_HAN}][{_HAN}]))")


DOCUMENT_PAIRS: ContextVar[frozenset[str]] = ContextVar("normalize_document_pairs", default=frozenset())
"""The pairs of Han characters of the document's clean lines (set by :func:`._mojibake.repair`)."""


def _doc_again(pairs: Iterable[str], context: str) -> int:
    """How many of ``pairs`` the line does not repeat but the document's clean lines hold."""
    doc = DOCUMENT_PAIRS.get()
    if not doc:
        return 0
    return sum(1 for p in pairs if p in doc and p not in context)


DOCUMENT_CACHE_CHARS = 200_000
"""How much of a document's clean text the cache of :data:`DOCUMENT_PAIRS` reads (its memory stays
bounded however long the document: at most this many pairs)."""


def document_pairs(text: str) -> frozenset[str]:
    """The pairs of Han characters of the first :data:`DOCUMENT_CACHE_CHARS` characters of ``text``."""
    return frozenset(_HAN_PAIR_RE.findall(text, 0, DOCUMENT_CACHE_CHARS))


def _repeat_bonus(text: str, context: str = "") -> float:
    """Bonus (nats) for what ``text`` (a run as read) repeats of itself and of ``context`` (the line
    around it): Han characters seen more than once in ``text``, and pairs of Han characters seen
    again in ``text`` or in ``context``, or else in the document's clean lines (:data:`DOCUMENT_PAIRS`,
    once)."""
    chars = _HAN_RE.findall(text)
    bonus = REPEAT_BONUS * (len(chars) - len(set(chars)))
    found = _HAN_PAIR_RE.findall(text)
    pairs = set(found)
    doc = DOCUMENT_PAIRS.get()
    again = 0
    if len(pairs) == len(found):  # each pair once (nearly always): seen again only if ``context`` holds it
        for p in pairs:
            again += 1 if p in context else p in doc
        return bonus + REPEAT_PAIR_BONUS * again
    for p, n in Counter(found).items():
        in_line = n - 1 + min(n, context.count(p))
        again += in_line if in_line else p in doc
    return bonus + REPEAT_PAIR_BONUS * again


def solve(
    seq: list[int],
    codec: str,
    left: str = "",
    right: str = "",
    *,
    reader: str | None = None,
    after: bytes = b"",
    at_end: bool = False,
    free: frozenset[int] = frozenset(),
    open_end: bool = False,
    script: int | None = None,
    before: str | None = None,
    context: str = "",
    charge: Callable[[int], None] | None = None,
) -> Solved | None:
    """Decode ``seq`` (bytes with HOLEs) with ``codec``, filling every hole; None if it cannot decode.

    ``left``/``right`` are context strings used only for scoring; ``before`` is the whole line
    before the run (default ``left``), for pairing brackets and quotes.  With ``reader``, a hole
    may only take a byte that ``reader`` would have replaced by U+FFFD, given the bytes that
    follow it (``after``: the bytes after ``seq``; ``at_end``: nothing follows); holes whose
    index is in ``free`` (e.g. a byte lost before reading) are not constrained.  ``open_end``: the
    run ends the line (its text may stop inside a word; its last character is judged by
    :func:`._bigram.end_cost`).  ``context``: the rest of the line after the run, for what the run
    repeats (:func:`_repeat_bonus`).  A character most of whose bytes were lost is not made up:
    it stays U+FFFD (:func:`_keeping_lost`, :attr:`Solved.lost`).  ``charge``: called with the number
    of candidates scored after each lost byte (a budget: it may raise to stop the search).
    """
    holes = [i for i, b in enumerate(seq) if b == HOLE]
    data = bytes(0 if b == HOLE else b for b in seq)
    if not holes:
        try:
            return Solved(data.decode(codec), [])
        except UnicodeDecodeError:
            return None
    first = _decode_piece(codec, data[: holes[0]], False)
    if first is None:
        return None
    text0, pend0 = first
    # a state: (cost, filled values, decoded text, bytes of an unfinished character at its end)
    beam: list[tuple[float, tuple[int, ...], str, bytes]] = [
        (0.0, (), left + text0, data[holes[0] - pend0 : holes[0]])
    ]
    known = bytes(b for b in seq if b != HOLE).decode(codec, errors="ignore")
    if script is None:
        script = _script_of(left + known + right)
    allowed_at: list[list[int]] = []
    for k, h in enumerate(holes):
        last = k == len(holes) - 1
        nxt = len(data) if last else holes[k + 1]
        allowed = _allowed(seq, h, codec, None if h in free else reader, after, at_end)
        allowed_at.append(allowed)
        which = tuple(allowed)  # the key of the lists of _pieces, made once for the hole's states
        tail = data[h + 1 : nxt]
        # the hole before, when adjacent, could not be checked against the reader: its following
        # byte was unknown.  Check the pair now.
        pair_reader = reader if k > 0 and holes[k - 1] == h - 1 and holes[k - 1] not in free else None
        pair_end = at_end and last and len(tail) < 2
        pair_tail = tail[:2]
        # whether the reader rejects the bytes after a whole character ``prev v``: then it rejects
        # ``prev`` followed by ``v`` and those bytes if and only if they fail on their own
        tail_fails = pair_reader is not None and _decode_piece(pair_reader, pair_tail, pair_end) is None
        classes = _pair_classes(pair_reader) if pair_reader else _NO_CLASSES
        # (cost, order, index of the state in the beam, value, its piece with ``right`` if last,
        # pending bytes, whether the cost was put together assuming the context and piece join)
        grown: list[tuple[float, int, int, int, str, bytes, bool]] = []
        decided = last  # whether some candidate decoded a character (so costs differ)
        decodes: dict[bytes, list[tuple[int, str, bytes]]] = {}
        parts: dict[str, _Scored | None] = {}  # the pieces' own parts, computed when first paired
        mode = last and open_end
        scores = _piece_scores(mode, script)
        bw = bigram_weight(script)
        # states that end in the same context and the same unfinished bytes give each value the same
        # cost apart from their own: it is worked out once per such group (and only for the values
        # the reader lets through for some state of it)
        groups: dict[
            tuple[str, bytes], tuple[dict[int, tuple[float, bool]], _incremental._Context, dict[str, float]]
        ] = {}
        # the candidates the reader lets through, state by state: (state, its group, its cost, the
        # values with their pieces and pending bytes)
        passing: list[tuple[int, tuple[str, bytes], float, list[tuple[int, str, bytes]]]] = []
        found = 0
        for i, (c0, vals, text, head) in enumerate(beam):
            opts = decodes.get(head)
            if opts is None:
                opts = decodes[head] = _pieces(codec, head, allowed, tail, last, right, which)
            if pair_reader:
                opts = _let_through(
                    pair_reader, classes, vals[-1] if vals else 0, opts, tail_fails, pair_tail, pair_end
                )
            if not opts:
                continue
            found += len(opts)
            if not decided:
                decided = any(piece for _v, piece, _pend in opts)
            passing.append((i, (text[-LOOK:], head), c0, opts))
        # (state, value, piece, pending bytes, group, cost so far) of the candidates scored
        cands: list[tuple[int, int, str, bytes, tuple[str, bytes], float]]
        if found > SCORED_PER_HOLE and decided:
            cands = _likeliest(passing)
        else:
            cands = [
                (i, v, piece, pend, gkey, c0) for i, gkey, c0, opts in passing for v, piece, pend in opts
            ]
        for i, v, piece, pend, gkey, _q in cands:
            group = groups.get(gkey)
            if group is None:
                memo = scores.get(gkey[0])
                if memo is None:
                    memo = scores[gkey[0]] = {}
                group = groups[gkey] = ({}, _incremental.context(gkey[0]), memo)
            costs_of, cx, memo = group
            got = costs_of.get(v)
            if got is None:
                got = costs_of[v] = _cost_after(gkey[0], cx, piece, parts, memo, script, mode, bw)
            grown.append((beam[i][0] + got[0], len(grown), i, v, piece, pend, got[1]))
        if charge is not None:
            # every candidate (ranked, if not scored), and the work behind them: each piece scored, each
            # value decoded
            charge(found + PIECE_UNITS * len(parts) + len(decodes) * len(allowed) // DECODES_PER_UNIT)
        if not grown:
            return None
        grown.sort()
        keep = BEAM if decided else OPEN_BEAM
        _verify(grown, keep, beam, script, mode)
        beam = [
            (c, (*beam[i][1], v), beam[i][2] + piece, pend) for c, _n, i, v, piece, pend, _a in grown[:keep]
        ]
    # brackets and quotes are paired over the whole run, beyond the scoring window: a closing mark
    # may close an opening one earlier in the line; one that closes nothing is odd, and so is an
    # opening one with a space after it
    start = len(left)
    line_before = left if before is None else before
    opened = _cjkscore.open_marks(line_before)
    around = line_before + right + context
    beam = sorted(
        (
            (
                c
                - _cjkscore.pairing_bonus(t[start:], opened)
                + _cjkscore.UNPAIRED_CLOSER * _cjkscore.unpaired_closers(t[start:], opened)
                + _cjkscore.DANGLING_OPENER * _cjkscore.dangling_openers(t[start:], right + context)
                - _repeat_bonus(t[start:], around),
                v,
                t,
                b,
            )
            for c, v, t, b in beam
        ),
        key=lambda s: s[0],
    )
    best_cost, best_vals, _t, _b = beam[0]
    margins: list[float] = []
    for k in range(len(holes)):
        rivals = [s[0] - best_cost for s in beam[1:] if s[1][k] != best_vals[k]]
        margins.append(min(rivals) if rivals else NO_RIVAL)
    best = _decoded(data, holes, best_vals, codec)
    if best is None:
        return None
    doubtful: set[int] = set()
    if _context.available():
        best_vals, margins, doubtful = _rerank(
            data,
            holes,
            best_vals,
            margins,
            allowed_at,
            codec,
            left,
            right,
            script,
            around,
            charge,
            open_end,
            free,
        )
        best = _decoded(data, holes, best_vals, codec)
        if best is None:
            return None
    if open_end and not right and best and _ends_unsure(best[-1], data, holes, margins, codec):
        doubtful = {*doubtful, holes[-1]}
    doubtful |= _thin_symbols(data, holes, best_vals, margins, codec, open_end and not right, free)
    doubtful |= _other_script(data, holes, best_vals, margins, codec, best)
    unsure = {h for h, m in zip(holes, margins, strict=True) if m < SURE}
    kept = _keeping_lost(data, unsure, holes, best_vals, codec)
    if kept is not None:
        return Solved(kept, margins, (), kept.count("\ufffd"))
    doubted = _keeping_lost(data, set(), holes, best_vals, codec, doubtful)
    alternatives: list[str] = []
    for _c, vals, _t, _b in beam[1:]:
        alt = _decoded(data, holes, vals, codec)
        if alt is not None and alt != best and alt not in alternatives:
            alternatives.append(alt)
            if len(alternatives) == ALTERNATIVES:
                break
    return Solved(best, margins, tuple(alternatives), 0, doubted or "")


SCORED_PER_HOLE = 48
"""Candidates of a hole scored by the full models; when the reader lets more through, the likeliest
by the cost so far and the bigram model on their piece alone (:func:`_likeliest`) are."""
QUICK = 3
"""Characters of a piece priced by :func:`._bigram.free_cost` for :func:`_likeliest` (which asks
:func:`._bigram.free_cost_of_three`: the same cost of the first three)."""


def _let_through(
    reader: str,
    classes: bytearray,
    prev: int,
    opts: list[tuple[int, str, bytes]],
    tail_fails: bool,
    tail: bytes,
    at_end: bool,
) -> list[tuple[int, str, bytes]]:
    """The values of ``opts`` that ``reader`` would have replaced by U+FFFD after the lost byte ``prev``
    (:func:`_reader_rejects`, its common case inline: ``prev v`` one whole character; ``tail``: the
    bytes after the hole, ``tail_fails``: whether the reader rejects them on their own)."""
    row = prev << 8
    kept: list[tuple[int, str, bytes]] = []
    for opt in opts:
        v = opt[0]
        cls = classes[row | v] or _pair_class(reader, prev, v)
        if cls == ERROR:
            pass
        elif cls == BOTH:
            if not tail_fails:
                continue
        elif not _reader_rejects(reader, prev, bytes((v,)) + tail, at_end):
            continue
        kept.append(opt)
    return kept


def _likeliest(
    passing: list[tuple[int, tuple[str, bytes], float, list[tuple[int, str, bytes]]]],
) -> list[tuple[int, int, str, bytes, tuple[str, bytes], float]]:
    """The :data:`SCORED_PER_HOLE` candidates of ``passing`` (state by state: the state, its group,
    its cost and its values) that are cheapest by their state's cost, the bigram cost of the start of
    their piece and of its first character after the context, in their order (ties by their order),
    as (state, value, piece, pending bytes, group, cost so far).  The piece's part of the cost depends
    only on the context's last character, the state's unfinished bytes and the value, so states that
    share those share it (a beam holds many such states), and states that share their list of values
    too share the list of those parts: a candidate costs one addition until it is chosen."""
    afters: dict[str, _bigram.AfterCosts] = {}  # called as a method: a native call when compiled
    prices: dict[tuple[str, bytes], dict[int, float]] = {}
    lists: dict[tuple[str, int], list[float]] = {}
    quick: list[float] = []
    for _i, (ctx, head), c0, opts in passing:
        last = ctx[-1:]
        key = (last, id(opts))  # every list of values is alive until the end of the call
        parts = lists.get(key)
        if parts is None:
            of = prices.get((last, head))
            if of is None:
                of = prices[last, head] = {}
            after = afters.get(last)
            if after is None:
                after = afters[last] = _bigram.AfterCosts(last)
            parts = lists[key] = []
            for v, piece, _pend in opts:
                q = 0.0
                if piece:
                    got = of.get(v)
                    if got is None:
                        got = of[v] = after.of(piece[0]) + _bigram.free_cost_of_three(piece)
                    q = got
                parts.append(q)
        quick += [c0 + q for q in parts]
    order = _smallest(quick, SCORED_PER_HOLE)
    out: list[tuple[int, int, str, bytes, tuple[str, bytes], float]] = []
    it = iter(order)
    n = next(it, None)
    base = 0
    for i, gkey, c0, opts in passing:
        end = base + len(opts)
        while n is not None and n < end:
            v, piece, pend = opts[n - base]
            out.append((i, v, piece, pend, gkey, c0))
            n = next(it, None)
        if n is None:
            break
        base = end
    return out


def _smallest(values: list[float], n: int) -> list[int]:
    """The indices of the ``n`` smallest of ``values`` in index order; of equal values, the first
    (``sorted(range(len(values)), key=values.__getitem__)[:n]``, sorted: the same indices, without
    sorting the thousands of candidates of a hole whose character lost both its bytes)."""
    if len(values) <= n:
        return list(range(len(values)))
    if n <= 0:
        return []
    bound = heapq.nsmallest(n, values)[-1]
    below: list[int] = []
    ties: list[int] = []
    for k, q in enumerate(values):
        if q < bound:
            below.append(k)
        elif q == bound:
            ties.append(k)
    below += ties[: n - len(below)]
    below.sort()
    return below


def _cost_after(
    ctx: str,
    cx: _incremental._Context,
    piece: str,
    parts: dict[str, _Scored | None],
    memo: dict[str, float],
    script: int,
    mode: bool,
    bw: float,
) -> tuple[float, bool]:
    """The cost of ``piece`` after the context ``ctx`` (``cx``: its :func:`._incremental.context`),
    and whether it was put together from parts (assuming the context and the piece join; see
    :func:`_verify`): from the piece's context-free part (``parts``, per piece) and what the context
    adds (the bigram across, corrections of the word model), or scored whole (``memo``, per context)."""
    if piece in parts:
        sc = parts[piece]
    else:
        sc = parts[piece] = _scored(piece, script, mode)
    if sc is not None and _incremental.digits_apart(cx, sc[1]):
        # the piece's own costs, the bigram across, corrections if any (see _incremental)
        a, pc, own, closed_p, prefixed_p = sc
        c = a + bw * _incremental.across(cx, pc)
        if closed_p < 0:  # a short piece at an open end: continue the context's costs
            c += _incremental.extended(cx, pc, True) - _cjkscore.cost(ctx)
        else:
            need = _incremental.corrections(cx, pc)
            if need and mode:
                c += _incremental.open_junction(cx, pc, closed_p, prefixed_p, need) - own - pc.extra
            elif need:
                c += _incremental.junction(cx, pc, closed_p, need)
        return c, True
    whole = memo.get(piece)
    if whole is None:
        whole = memo[piece] = _piece_cost(ctx, piece, mode, script)
        _SCORED[0] += 1
    return whole, False


_Scored = tuple[float, _incremental.Piece, float, float, float]
"""What is kept of a piece for :func:`solve`: the part of its cost that does not depend on the
context (word model, digits, script, bigram inside, the rest of a long piece), its record, its own
segmentation cost, and of that (at an open end) the cheapest closed and the cheapest ending in a
word prefix; -1 for both when the word model has to be run with each context (a short piece at an
open end: its last word prefix may start in the context)."""
_SCORED_PIECES: dict[tuple[str, int, bool, tuple[float, str] | None], _Scored | None] = _memo.memo({})


def _scored(piece: str, script: int, open_last: bool) -> _Scored | None:
    """The context-free part of :func:`_piece_cost` of ``piece``; None when the piece is scored whole
    with each context (empty, nothing of it left after preparing, or at an open end too short to
    tell where the last word prefix starts, or without anything but spaces)."""
    # at an open end the cost holds the end model's, which depends on the document's line ends
    key = (piece, script, open_last, _bigram.end_model_state() if open_last else None)
    if key in _SCORED_PIECES:
        return _SCORED_PIECES[key]
    head = piece[:HEAD]
    got: _Scored | None = None
    bw = bigram_weight(script)
    if open_last:
        pc = _incremental.piece(piece)
        if pc is not None and piece.rstrip():
            ends = _incremental.open_costs(pc)
            own = 0.0 if ends is None else min(ends)
            a = own + pc.extra + _script_cost(head, script)
            a += bw * (pc.rarer + _incremental.inner(pc) + _bigram.end_cost(piece))
            # a piece shorter than the longest word prefix: its word cost is found with each context
            got = (a, pc, own, *ends) if ends is not None else (a - pc.extra, pc, 0.0, -1.0, -1.0)
    else:
        pc = _incremental.piece(head)
        if pc is not None:
            own = _incremental.closed(pc)
            a = own + pc.extra + _script_cost(head, script)
            a += bw * (pc.rarer + _incremental.inner(pc))
            if len(piece) > HEAD:
                rest = piece[HEAD - LOOK :]
                a += _cjkscore.cost(rest) - _cjkscore.cost(rest[:LOOK])
            got = (a, pc, own, own, math.inf)
    if len(_SCORED_PIECES) >= _cjkscore.MEMO_SIZE // 4:
        _SCORED_PIECES.clear()
    _SCORED_PIECES[key] = got
    return got


def _verify(
    grown: list[tuple[float, int, int, int, str, bytes, bool]],
    keep: int,
    beam: list[tuple[float, tuple[int, ...], str, bytes]],
    script: int,
    open_last: bool,
) -> None:
    """Make sure the ``keep`` best of ``grown`` (sorted) have their true costs: a cost put together
    from parts assumed that OpenCC converts the context and the piece as apart; where it does not
    (a phrase straddling them; never seen in practice), the text is scored whole and the order
    redone."""
    while True:
        redone = False
        for k in range(min(keep, len(grown))):
            c, n, i, v, piece, pend, assumed = grown[k]
            if not assumed:
                continue
            ctx = beam[i][2][-LOOK:]
            if not _incremental.joins(ctx, piece if open_last else piece[:HEAD]):
                c = beam[i][0] + _piece_cost(ctx, piece, open_last, script)
                redone = True
            grown[k] = (c, n, i, v, piece, pend, False)
        if not redone:
            return
        grown.sort()


_SCORES: dict[tuple[bool, int, tuple[float, str] | None], dict[str, dict[str, float]]] = _memo.memo({})
"""Memo of :func:`_piece_cost`: (open end, script, the end model's state at an open end) -> context ->
piece -> cost.  The same run is searched many times (each codec pair, each pass over the line, each
rival reading of a neighbour), and within a search most states of the beam share their context, so
most pieces are scored before."""
_SCORED = [0]
"""Entries in :data:`_SCORES` (it is emptied when they reach 4 * MEMO_SIZE)."""


def _piece_scores(open_last: bool, script: int) -> dict[str, dict[str, float]]:
    if _SCORED[0] >= 4 * _cjkscore.MEMO_SIZE:
        _SCORES.clear()
        _SCORED[0] = 0
    key = (open_last, script, _bigram.end_model_state() if open_last else None)  # see _scored
    got = _SCORES.get(key)
    if got is None:
        got = _SCORES[key] = {}
    return got


def _piece_cost(ctx: str, piece: str, open_last: bool, script: int) -> float:
    """Cost of a newly decoded ``piece`` after the context ``ctx`` (the last LOOK characters decoded):
    the word model on the first HEAD characters (the rest of a long piece is shared by most candidates
    and priced on its own), the bigram model, the script; ``open_last``: the piece ends the line (it
    includes the right context), judged whole, with the end-of-line model.  The models' costs of
    ``ctx + piece`` are put together from parts kept per context and per piece (:mod:`._incremental`)."""
    bw = bigram_weight(script)
    base = _cjkscore.cost(ctx)
    if open_last:
        # the run ends the line: nothing follows to judge its last character by but which
        # characters end lines
        c = _incremental.word_cost(ctx, piece, True) - base + _script_cost(piece[:HEAD], script)
        if bw:
            # the last character of a piece that joins its context is the piece's own
            joined = piece.rstrip() and _incremental.joins(ctx, piece)
            end = _bigram.end_cost(piece if joined else ctx + piece)
            c += bw * (_incremental.bigram_cost(piece, ctx) + end)
        return c
    head = piece[:HEAD]
    c = _incremental.word_cost(ctx, head) - base + _script_cost(head, script)
    c += bw * _incremental.bigram_cost(head, ctx) if bw else 0.0
    if len(piece) > HEAD:
        rest = piece[HEAD - LOOK :]
        c += _cjkscore.cost(rest) - _cjkscore.cost(rest[:LOOK])
    return c


class _Values:
    """What :func:`_pieces` worked out for one hole's bytes: each value's entry (None: it does not
    decode), the tail decoded from a character boundary on, and the lists it gave (by the allowed
    values, at most :data:`LISTS_KEPT`)."""

    __slots__ = ("entries", "lists", "rests")

    def __init__(self) -> None:
        self.entries: dict[int, tuple[int, str, bytes] | None] = {}
        self.rests: dict[int, tuple[str, int] | None] = {}
        self.lists: dict[tuple[int, ...], list[tuple[int, str, bytes]]] = {}


_PIECES: dict[tuple[str, bytes, bytes, bool, str], _Values] = _memo.memo({})


def _pieces(
    codec: str,
    head: bytes,
    allowed: list[int],
    tail: bytes,
    last: bool,
    right: str,
    which: tuple[int, ...] | None = None,
) -> list[tuple[int, str, bytes]]:
    """(value, decoded piece, bytes of an unfinished character at its end) for each allowed value of a
    hole between ``head`` (the unfinished character before it) and ``tail`` (the known bytes up to the
    next hole) that decodes strictly; ``right`` is appended to the piece of the last hole.  Memoized:
    the same bytes are decoded for every state of the beam and in every search of the same run, and
    value by value, since the searches of a run by two readers allow it nearly the same values.
    ``which``: ``tuple(allowed)``, if the caller has it."""
    key = (codec, head, tail, last, right if last else "")
    values = _PIECES.get(key)
    if values is None:
        if len(_PIECES) >= PIECES_KEPT:
            _PIECES.clear()
        values = _PIECES[key] = _Values()
    if which is None:
        which = tuple(allowed)
    got = values.lists.get(which)
    if got is not None:
        return got
    entries = values.entries
    missing = [v for v in allowed if v not in entries]
    if missing:
        _decode_values(codec, head, missing, tail, last, right, values)
    got = [e for v in allowed if (e := entries[v]) is not None]
    if len(values.lists) >= LISTS_KEPT:
        values.lists.clear()
    values.lists[which] = got
    return got


LISTS_KEPT = 4
"""Lists of :func:`_pieces` kept for one hole's bytes (one for each reader's allowed values)."""


def _decode_values(
    codec: str, head: bytes, allowed: list[int], tail: bytes, last: bool, right: str, values: _Values
) -> None:
    """Fill ``values.entries`` for ``allowed`` (see :func:`_pieces`)."""
    entries = values.entries
    rests = values.rests  # the tail from a character boundary on, decoded
    classes = _pair_classes(codec)
    t0 = tail[0] if tail else -1
    for v in allowed:
        text = ""
        used = ASK  # until the pair tables answer
        if not head and t0 >= 0:  # _boundary of a byte pair, inline (the common case)
            i = v << 8 | t0
            cls = classes[i] or _pair_class(codec, v, t0)
            if cls == ERROR:
                entries[v] = None
                continue
            if cls in (BOTH, FIRST):
                text = _pair_text(codec, i)
                used = 1 if cls == BOTH else 0
        elif len(head) == 1:  # _boundary of a whole pair, inline (the second of two lost bytes)
            i = head[0] << 8 | v
            cls = classes[i] or _pair_class(codec, head[0], v)
            if cls == ERROR:
                entries[v] = None
                continue
            if cls == BOTH:
                text = _pair_text(codec, i)
                used = 0
        if used == ASK:
            first = _boundary(codec, head + bytes((v,)), tail)
            if first is None:
                entries[v] = None
                continue
            text, used = first
        if used < 0:
            dec = _decode_piece(codec, head + bytes((v,)) + tail, last)
        else:
            if used not in rests:
                rests[used] = _decode_piece(codec, tail[used:], last)
            rest = rests[used]
            dec = None if rest is None else (text + rest[0], rest[1])
        if dec is None:
            entries[v] = None
            continue
        piece, pend = dec
        entries[v] = (v, piece + right if last else piece, _ending(head, v, tail, pend) if pend else b"")


ASK = -2
"""In :func:`_decode_values`: the bytes a value's first character takes of the tail are not known from
the pair tables (:func:`_boundary` is asked; it answers -1 for a character that does not end soon)."""


def _ending(head: bytes, v: int, tail: bytes, n: int) -> bytes:
    """The last ``n`` bytes of ``head``, the byte ``v`` and ``tail`` (an unfinished character's), made
    only for a value that leaves one."""
    if n <= len(tail):
        return tail[len(tail) - n :]
    chunk = head + bytes((v,)) + tail
    return chunk[len(chunk) - n :]


PIECES_KEPT = 512
"""Entries of the memo of :func:`_pieces` (each holds the decoded pieces of every value of a hole,
each as long as the rest of the run: kept for the searches of the same run, which come together)."""


def _thin_symbols(
    data: bytes,
    holes: list[int],
    vals: tuple[int, ...],
    margins: list[float],
    codec: str,
    open_end: bool,
    free: frozenset[int] = frozenset(),
) -> set[int]:
    """The lost bytes that stand alone (their neighbours known) in a character that is not Han
    (punctuation, a symbol) and lead their rivals by less than :data:`THIN` (:data:`THIN_FREE` for a
    byte of ``free``, which no reader constrained): such a character is
    not trusted either, as a Han one re-ranked in context is not (:func:`_rerank`).  The models know
    little of what stands next to digits and Latin letters: ``（12/30）`` and ``，12/30）``,
    ``住院）。3.`` and ``住院）、3.`` read alike.  The last character of an open-ended text is
    :func:`_ends_unsure`'s to judge (a line's final ``。`` and ``、`` differ by one byte, and the
    end model, not this margin, tells them apart)."""
    if all(m >= THIN_FREE for m in margins):
        return set()
    lost = set(holes)
    margin_at = dict(zip(holes, margins, strict=True))
    buf = _filled(data, holes, vals)
    out: set[int] = set()
    for start, end, piece in _char_spans(buf, codec):
        if not (open_end and end == len(buf)) and not _cjkscore.is_han(piece[0]):
            for k in range(start, end):
                if k in lost and k - 1 not in lost and k + 1 not in lost and margin_at[k] < _thin(k, free):
                    out.add(k)
    return out


OTHER_SCRIPT_THIN = 6 * SURE
"""Margin (nats) under which a character restored from lost bytes is not trusted when it is written in the
other script than its run as read (a traditional-only ``單`` in a simplified run, a simplified-only
one in a traditional run): it stays U+FFFD and the repair around it is flagged.  A document is
written in one script; the search only charges such a character :data:`SCRIPT_PENALTY`, and on
GB18030 text read as Big5 by ``cp950`` (whose holes let through GBK's traditional characters)
``其他人担任`` came back ``其他人的單``, unflagged.  Measured on fresh sets of ``eval/encoding.py``'s
lost-byte kinds (600 cut snippets and 600 whole sentences each, eight kinds): on simplified runs it
turned 1 of the 10 wrong repairs of ``cp950`` into a flagged gap at 8 or 15 nats and 2 at 30, on
traditional runs none, and at none of them did a kind lose an exact repair: a restored character of
the other script is right so seldom that only a nearly rival-less choice is trusted.  A pair of runs
chosen together (``._mojibake._joint``) brings in no such character unflagged at any margin."""


def _other_script(
    data: bytes, holes: list[int], vals: tuple[int, ...], margins: list[float], codec: str, text: str
) -> set[int]:
    """The lost bytes of each character written in the other script than ``text`` (the run as read:
    ``data`` filled with ``vals`` and decoded; the script the search assumed is guessed from bytes not
    yet read and from the run's neighbours, mojibake themselves when the run is misaligned or first
    searched between raw neighbours) that one of them led by less than :data:`OTHER_SCRIPT_THIN`
    (:func:`_rerank`'s margin where it re-ranked the byte)."""
    if all(m >= OTHER_SCRIPT_THIN for m in margins):
        return set()
    script = _script_of(text)
    if not script or not any(char_script(ch) == -script for ch in text if ch >= "\u2e80"):
        return set()
    margin_at = dict(zip(holes, margins, strict=True))
    out: set[int] = set()
    for start, end, piece in _char_spans(_filled(data, holes, vals), codec):
        hit = [k for k in range(start, end) if k in margin_at]
        if hit and char_script(piece[0]) == -script and min(margin_at[k] for k in hit) < OTHER_SCRIPT_THIN:
            out.update(hit)
    return out


def _char_spans(buf: bytes | bytearray, codec: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each character ``codec`` decodes from ``buf``, byte by byte."""
    dec = codecs.getincrementaldecoder(codec)()
    start = 0
    for i in range(len(buf)):
        piece = dec.decode(buf[i : i + 1])
        if piece:
            yield start, i + 1, piece
            start = i + 1


def _keeping_lost(
    data: bytes,
    lost: set[int],
    holes: list[int],
    vals: tuple[int, ...],
    codec: str,
    doubtful: set[int] | frozenset[int] = frozenset(),
) -> str | None:
    """The filled ``data`` decoded with U+FFFD (one per byte) for each character more than half of
    whose bytes are ``lost``, all of whose bytes are ``holes`` and one of them ``lost``, or one of
    whose bytes is ``doubtful``; None if there is no such character.  Such a character would be made
    up by the models, not restored (``\ufffd\ufffd`` for both bytes of one double-byte character): it
    stays lost, and the rest of the run is read.  ``lost``: the holes whose value the search is not sure of
    (margin below SURE; the byte 80, the one value a GB18030 reader of UTF-8 turns into U+FFFD
    mid-text, has no rival).  A character all of whose bytes were lost is restored only when the
    search is sure of every one of them: a sure second byte does not vouch for an unsure first."""
    if not lost and not doubtful:
        return None
    out: list[str] = []
    made_up = False
    gone = set(holes)
    for start, end, piece in _char_spans(_filled(data, holes, vals), codec):
        n = sum(1 for k in range(start, end) if k in lost)
        whole = all(k in gone for k in range(start, end))
        if 2 * n > end - start or (n and whole) or any(k in doubtful for k in range(start, end)):
            made_up = True
            piece = "\ufffd" * (end - start)
        out.append(piece)
    return "".join(out) if made_up else None


def _filled(data: bytes, holes: list[int], vals: tuple[int, ...]) -> bytearray:
    """``data`` with each hole set to its value."""
    buf = bytearray(data)
    for h, v in zip(holes, vals, strict=True):
        buf[h] = v
    return buf


def _decoded(data: bytes, holes: list[int], vals: tuple[int, ...], codec: str) -> str | None:
    try:
        return bytes(_filled(data, holes, vals)).decode(codec)
    except UnicodeDecodeError:
        return None


def ranking_cost(
    text: str, script: int | None = None, open_end: bool = False, *, line_end: bool = False
) -> float:
    """How the search ranks a decoded text: word model, bigram model, script of the text around
    (``script`` as :func:`script_of` gives it; None: no preference), paired brackets and quotes,
    repeated characters; ``open_end``: the text was cut after it (the word model lets it end inside
    a word); ``line_end``: a line ends after it (the bigram model's end-of-line cost is added, as the
    search adds it to a piece that ends the line)."""
    bw = bigram_weight(script)
    return (
        _cjkscore.cost(text, open_end=open_end)
        + (bw * (_bigram.cost(text) + (_bigram.end_cost(text) if line_end else 0.0)) if bw else 0.0)
        + _script_cost(text, script or 0)
        - _cjkscore.pairing_bonus(text)
        - _repeat_bonus(text)
    )


THIN_AT_END = 2 * SURE
"""The same for the last character of a text that ends there, with nothing after it to judge by (a
text cut in the middle of a sentence: ``和适应世`` and ``和适应是`` both read).  Not more: a line of a
document that ends without a mark (a title: ``…分工方案的通知``) is judged so too, and there the last
character ends a word far more often than a cut leaves one begun (``知`` of ``通知`` led by 12.2 nats).
On the cut snippets of ``eval/encoding.py`` the last characters chosen by 10 to 14 nats were 31 right
and 4 wrong."""
PIECE_UNITS = 2
"""What :func:`solve` charges the budget per distinct piece it scores after a lost byte, in candidates
(a piece scored costs about 16 µs, a candidate of the beam about 0.5 to 8 µs: least squares over the
1,539 searches of the 66 costliest lines of 1,500 bench documents).  Charged by candidates alone, a
line of 128 lost bytes ran 3.8 s on a budget meant for about 1 s, and was then flagged anyway."""
DECODES_PER_UNIT = 4
"""Values of a lost byte decoded (for each unfinished character before it) per unit charged (about
2 µs each)."""
RERANK_UNITS = 3
"""What :func:`_rerank` charges the budget per value it scores, in candidates of the search (a value
scored in context costs about 30 µs, three times a candidate of the beam)."""
ENDING_DOUBT = 0.0
"""End-of-line cost (:func:`._bigram.end_cost`) from which the character a text ends with is one that
seldom ends a line (``，``, ``、``, ``「``): restored from a lost byte at the very end of a text, it
must lead by :data:`THIN_AT_END`, as a Han character there must.  The search's models weigh ``构，``
against ``构：`` inside a text, where the comma is common; at a line end the colon of ``各直属机构：``
is, and the end model's evidence is bounded (a wrapped line may end anywhere): on the whole-sentence
set of ``eval/encoding.py`` (UTF-8 read as GB18030) 5 of 12 wrong repairs were a line-final ``：``
made ``，``."""


ENDING_TIE = 1.0
"""Margin (nats) under which the mark a text ends with, restored from its last lost byte, is a coin toss
whatever mark it is: ``。`` against ``”`` (A1A3, A1B1 in GB18030) or ``；`` against ``！`` led by 0.3
nats on the whole-sentence set of GB18030 read as Big5.  Over the five lost-byte kinds of
``eval/encoding.py`` (150 cut snippets and 150 whole sentences each), the texts that this flags
were 8 right and 6 wrong; at 2 nats, 22 right and 6 wrong."""


def _ends_unsure(last: str, data: bytes, holes: list[int], margins: list[float], codec: str) -> bool:
    """Whether the last character of a text, restored from its last lost byte, seldom ends a line and
    was chosen by a thin margin (:data:`ENDING_DOUBT`), or was chosen by a tie (:data:`ENDING_TIE`);
    a Han one, whether any of its lost bytes led by less than :data:`THIN_AT_END` (one that lost a
    single byte was re-ranked, and its margin is the re-ranking's; one that lost more, the search's:
    ``考`` of ``…建设考`` lost two of its three bytes in UTF-8 read as GB18030, and ``者`` led by 4.3)."""
    enc = _encode_char(last, codec)
    if enc is None:
        return False
    start = len(data) - len(enc)
    if holes[-1] < start:
        return False  # the last lost byte is not in the last character
    if _cjkscore.is_han(last):
        if not _context.available():
            return False  # the search's ranking stands, unflagged (see _context)
        return min(m for h, m in zip(holes, margins, strict=True) if h >= start) < THIN_AT_END
    if margins[-1] < ENDING_TIE:
        return True
    return margins[-1] < THIN_AT_END and _bigram.end_cost(last) > ENDING_DOUBT


THIN = SURE
"""Margin (nats) under which a restored punctuation mark or symbol is not trusted (:func:`_thin_symbols`):
it stays U+FFFD and the repair around it is flagged (a wrong character that reads well is worse than a
visible gap)."""
THIN_HAN = 7.0
"""The same for a Han character chosen by the re-ranking (:func:`_rerank`).  Measured on the five
lost-byte kinds of ``eval/encoding.py`` (cut snippets and whole sentences), re-ranked lost bytes that a
reader constrained: of those chosen by 5 to 7 nats, 15 of 45 were wrong; from 7 to 10 nats, 2 of 61;
from 10 on, 5 of 482.  Raised from 5 to 7 nats, it turned 6 wrong repairs and 4 right ones of those
sets into flagged gaps (and 6 right ones of 306 damaged lines of ``seeds/``, where none was wrong)."""
THIN_FREE = 8.0
"""The same for a lost byte that no reader constrained (``free``: the lead byte lost before a
misaligned GB18030 run was read): any of 126 values may fill it, against the few dozen a reader
leaves a byte it rejected, so a wrong character that reads well is likelier.  Measured on the
whole-sentence sets of ``eval/encoding.py`` (misaligned GB18030, one byte lost and more): of the
repairs whose lost lead byte led by 5 to 8 nats, 7 of 27 were wrong; of those from 8 nats on, 3 of 192."""


def _thin(hole: int, free: frozenset[int], han: bool = False) -> float:
    """The margin under which the value of ``hole`` is not trusted (``han``: it makes a Han character)."""
    return THIN_FREE if hole in free else THIN_HAN if han else THIN


def _rerank(
    data: bytes,
    holes: list[int],
    vals: tuple[int, ...],
    margins: list[float],
    allowed_at: list[list[int]],
    codec: str,
    left: str,
    right: str,
    script: int,
    around: str,
    charge: Callable[[int], None] | None,
    open_end: bool = False,
    free: frozenset[int] = frozenset(),
) -> tuple[tuple[int, ...], list[float], set[int]]:
    """Choose again, one lost byte at a time and with the others as the search chose them, the value
    of each lost byte that stands alone (its neighbours known) and makes a Han character, among the
    values that make another Han character in its place, by the context model of :mod:`._context`
    over the text around it next to the search's own ranking; returns the values, the margins (the
    re-ranking's for the bytes it re-ranked) and the bytes whose margin is thin (:data:`THIN`;
    :data:`THIN_FREE` for a byte of ``free``, which no reader constrained).
    ``around``: the rest of the line, for the pairs of characters a candidate repeats from it (the
    cache model of :data:`REPEAT_PAIR_BONUS`).  ``open_end``: the run ends the text; its last character
    is judged from one side only and must lead by :data:`THIN_AT_END`.
    Digits and punctuation stay the search's to judge (the context model knows only words)."""
    chosen = list(vals)
    margins = list(margins)
    doubtful: set[int] = set()
    lost = set(holes)
    filled = _filled(data, holes, vals)
    try:
        chars = list(bytes(filled).decode(codec))
    except UnicodeDecodeError:
        return vals, margins, doubtful
    ends: list[int] = []  # byte offset after each character
    at = 0
    for ch in chars:
        at += len(_encode_char(ch, codec) or b"")
        ends.append(at)
    if at != len(filled):  # a character without a unique encoding: spans unknown
        return vals, margins, doubtful
    for k, h in enumerate(holes):
        if h - 1 in lost or h + 1 in lost:
            continue  # part of a run of lost bytes: chosen jointly by the search
        c = bisect.bisect_right(ends, h)  # the character whose bytes hold the lost one
        if not _cjkscore.is_han(chars[c]):
            continue
        bs = ends[c - 1] if c else 0
        be = ends[c]
        options: list[tuple[int, str]] = []
        for v in allowed_at[k]:
            filled[h] = v
            got = _decode_piece(codec, bytes(filled[bs:be]), True)
            if got is not None and len(got[0]) == 1 and _cjkscore.is_han(got[0][0]):
                options.append((v, got[0]))
        filled[h] = chosen[k]
        if len(options) < 2:
            continue
        if charge is not None:
            charge(RERANK_UNITS * len(options))
        before = (left + "".join(chars[max(0, c - _context.WINDOW) : c]))[-_context.WINDOW :]
        after = ("".join(chars[c + 1 : c + 1 + _context.WINDOW]) + right)[: _context.WINDOW]
        at_end = open_end and not right and c == len(chars) - 1
        alone = not (_in_context(before[-1:]) or _in_context(after[:1]))
        scored = sorted(
            (
                _ranked_in_context(before + ch + after, script, at_end, alone)
                - REPEAT_PAIR_BONUS
                * (
                    around.count(before[-1:] + ch)
                    + around.count(ch + after[:1])
                    + _doc_again([before[-1:] + ch, ch + after[:1]], around)
                ),
                v,
                ch,
            )
            for v, ch in options
        )
        (c0, v0, ch0), (c1, _v1, _ch1) = scored[0], scored[1]
        chosen[k] = filled[h] = v0
        chars[c] = ch0
        margins[k] = c1 - c0
        if c1 - c0 < (THIN_AT_END if at_end else _thin(h, free, han=True)):
            doubtful.add(h)
    return tuple(chosen), margins, doubtful


def _in_context(ch: str) -> bool:
    """Whether the context model reads the neighbour ``ch`` of a re-ranked character: a Han character,
    or an ASCII digit (read as the number it is part of: ``11点40`` as ``十一点四十``)."""
    return bool(ch) and (_cjkscore.is_han(ch) or "0" <= ch <= "9")


_CONTEXT_COSTS: dict[tuple[str, int, bool, bool, frozenset[str]], float] = _memo.memo({})
"""Memo of :func:`_ranked_in_context` (a run is searched again with each codec pair and pass), by the
document's pairs too (:data:`DOCUMENT_PAIRS`: :func:`ranking_cost` counts a pair of the window that the
document's clean lines hold).  Without them in the key, a window priced in one document kept its price
in the next: a record depended on which documents its process had normalized before (a margin of
27.2 nats in one run of 10,000 documents, 25.2 in another and alone)."""


CONTEXT_WEIGHT = 1.0
"""Weight of the context model next to the search's own ranking (:func:`ranking_cost`) in
:func:`_rerank`: the trigram model knows Han words only; digits, punctuation and the script are
the search's models' to judge.  Measured against 1.5 for simplified text (fresh sets of
``eval/encoding.py``'s kinds, 600 cut snippets and 600 whole sentences each, six kinds): 1.5 restored
1.5 to 3.0 points more of every cut set and 0.1 to 2.3 more of every sentence set, and made 25 wrong
repairs of 7,200 against 22; on the eval's own sets, one more wrong repair of 150 misaligned runs
(``时间啦`` -> ``时间来``, by 16.7 nats: the model's taste for common words, not a thin margin).  2.0
made 32; in traditional text 1.5 made 8 of 600 in each set of UTF-8 read by GBK, against 4 and 5;
0.7 was worse everywhere."""


def _ranked_in_context(window: str, script: int, open_end: bool = False, alone: bool = False) -> float:
    """:func:`ranking_cost` of ``window`` and the context model's cost of it; ``open_end``: the text
    was cut after it (its last character may begin a word: both models score it so)."""
    key = (window, script, open_end, alone, DOCUMENT_PAIRS.get())
    got = _CONTEXT_COSTS.get(key)
    if got is None:
        got = ranking_cost(window, script, open_end)
        if not alone:
            got += CONTEXT_WEIGHT * _context.cost(window, open_end=open_end)
        if len(_CONTEXT_COSTS) >= _cjkscore.MEMO_SIZE:
            _CONTEXT_COSTS.clear()
        _CONTEXT_COSTS[key] = got
    return got
