"""Rebuild bytes from mojibake and decode them with the right codec, inferring lost bytes.

Mojibake is text whose bytes were decoded with the wrong codec (the *reader*).
Encoding the text with the reader gives the original bytes back, except where
the reader replaced an invalid byte with U+FFFD: such a *hole* is one unknown
byte (Python's CJK and UTF-8 decoders replace one byte per error).  All holes of
a run are filled jointly by a beam search: every candidate byte must decode
strictly with the right codec, must be one the reader would itself have
rejected (the reader turned it into U+FFFD), and the fillings are ranked by how
plausible the decoded text is under :mod:`._cjkscore`, with context on both sides.
"""

from __future__ import annotations

import codecs
import itertools
from dataclasses import dataclass
from functools import cache

from . import _bigram, _cjkscore, _tablefile

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


@cache
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
    own first, then those using the other sequence of a character that has two (at most MAX_VARIANTS)."""
    first = reencode(text, reader)
    if first is None:
        return []
    dups = _duplicates(reader)
    at = [i for i, ch in enumerate(text) if ch in dups]
    if not at:
        return [first]
    out = [first]
    combos = range(1, min(1 << len(at), MAX_VARIANTS))
    for mask in combos:
        chosen = {at[k] for k in range(len(at)) if mask >> k & 1}
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


def _candidates(codec: str) -> range:
    if codec == "utf-8":
        return range(0x80, 0xF5)
    return range(0x81, 0xFF)  # a lost lead byte (the decoders resynchronise on the next byte)


@cache
def _s2t() -> object:
    import opencc

    return opencc.OpenCC("s2t")


@cache
def _script(ch: str) -> int:
    """1 for a traditional-only character, -1 for a simplified-only one, 0 for either."""
    if _cjkscore.to_simplified(ch) != ch:
        return 1
    conv = _s2t()
    trad: str = conv.convert(ch)  # type: ignore[attr-defined]
    return -1 if trad != ch else 0


def script_of(text: str) -> int:
    """1 if ``text`` is mostly traditional-only characters, -1 if simplified-only, else 0."""
    return _script_of(text)


def _script_of(text: str) -> int:
    votes = sum(_script(ch) for ch in text if ord(ch) >= 0x2E80)
    return (votes > 0) - (votes < 0)


def _script_cost(piece: str, script: int) -> float:
    if script == 0:
        return 0.0
    return SCRIPT_PENALTY * sum(1 for ch in piece if ord(ch) >= 0x2E80 and _script(ch) == -script)


def _decode_piece(codec: str, data: bytes, final: bool) -> tuple[str, int] | None:
    """Strictly decode ``data``; (text, number of trailing bytes of an unfinished character)."""
    dec = codecs.getincrementaldecoder(codec)()
    try:
        text = dec.decode(data, final)
    except UnicodeDecodeError:
        return None
    pending = dec.getstate()[0]
    return text, len(pending)


def _reader_rejects(reader: str, v: int, following: bytes, at_end: bool) -> bool:
    """Whether ``reader``, starting a character at byte ``v`` followed by ``following``, emits U+FFFD."""
    dec = codecs.getincrementaldecoder(reader)()
    try:
        text = dec.decode(bytes((v,)) + following, at_end)
    except UnicodeDecodeError:
        return True
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
    return [v for v in cands if _reader_rejects(reader, v, bytes(following), end)]


REPEAT_BONUS = 1.0
"""Cost (nats) saved per Han character that occurs more than once in the run (a text repeats its words)."""
REPEAT_PAIR_BONUS = 2.0
"""Cost (nats) saved per further occurrence of a pair of Han characters of the run, in the run or in
the rest of the line (a cache model in the sense of Kuhn and De Mori: a document repeats its terms,
``专利代理`` three times in one article of regulations; the 1998 news corpus and the dictionary know
``权利`` better).  Measured on the whole-sentence set of ``eval/encoding.py``, misaligned GB18030:
113 of 150 exact without it, 116 at 1, 2 and 3, 117 at 5 (no change on the other kinds)."""


def _repeat_bonus(text: str, context: str = "") -> float:
    """Bonus (nats) for what ``text`` (a run as read) repeats of itself and of ``context`` (the line
    around it): Han characters seen more than once in ``text``, and pairs of Han characters seen
    again in ``text`` or in ``context``."""
    seen: dict[str, int] = {}
    for ch in text:
        if _cjkscore.is_han(ch):
            seen[ch] = seen.get(ch, 0) + 1
    bonus = REPEAT_BONUS * sum(n - 1 for n in seen.values())
    pairs: dict[str, int] = {}
    for a, b in itertools.pairwise(text):
        if _cjkscore.is_han(a) and _cjkscore.is_han(b):
            pairs[a + b] = pairs.get(a + b, 0) + 1
    again = sum(n - 1 + min(n, context.count(p)) for p, n in pairs.items())
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
    it stays U+FFFD (:func:`_keeping_lost`, :attr:`Solved.lost`).
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
    shared: dict[str, float] = {}
    known = bytes(b for b in seq if b != HOLE).decode(codec, errors="ignore")
    if script is None:
        script = _script_of(left + known + right)
    bw = bigram_weight(script)
    for k, h in enumerate(holes):
        last = k == len(holes) - 1
        nxt = len(data) if last else holes[k + 1]
        allowed = _allowed(seq, h, codec, None if h in free else reader, after, at_end)
        tail = data[h + 1 : nxt]
        # the hole before, when adjacent, could not be checked against the reader: its following
        # byte was unknown.  Check the pair now.
        pair_reader = reader if k > 0 and holes[k - 1] == h - 1 and holes[k - 1] not in free else None
        pair_end = at_end and last and len(tail) < 2
        grown: list[tuple[float, tuple[int, ...], str, bytes]] = []
        decided = last  # whether some candidate decoded a character (so costs differ)
        for c0, vals, text, head in beam:
            ctx = text[-LOOK:]
            base = _cjkscore.cost(ctx)
            for v in allowed:
                following = bytes((v,)) + tail[:2]
                if pair_reader and not _reader_rejects(pair_reader, vals[-1], following, pair_end):
                    continue
                chunk = head + bytes((v,)) + tail
                got = _decode_piece(codec, chunk, last)
                if got is None:
                    continue
                piece, pend = got
                decided = decided or bool(piece)
                if last:
                    piece += right
                if last and open_end:
                    # the run ends the line: nothing follows to judge its last character by but
                    # which characters end lines
                    c = _cjkscore.cost(ctx + piece, open_end=True) - base + _script_cost(piece[:HEAD], script)
                    c += bw * (_bigram.cost(piece, ctx) + _bigram.end_cost(ctx + piece)) if bw else 0.0
                    grown.append((c0 + c, (*vals, v), text + piece, b""))
                    continue
                c = _cjkscore.cost(ctx + piece[:HEAD]) - base + _script_cost(piece[:HEAD], script)
                c += bw * _bigram.cost(piece[:HEAD], ctx) if bw else 0.0
                rest = piece[HEAD - LOOK :]
                if len(piece) > HEAD:
                    rc = shared.get(rest)
                    if rc is None:
                        rc = _cjkscore.cost(rest) - _cjkscore.cost(rest[:LOOK])
                        shared[rest] = rc
                    c += rc
                grown.append((c0 + c, (*vals, v), text + piece, chunk[len(chunk) - pend :] if pend else b""))
        if not grown:
            return None
        grown.sort(key=lambda s: s[0])
        beam = grown[: BEAM if decided else OPEN_BEAM]
    # brackets and quotes are paired over the whole run, beyond the scoring window: a closing mark
    # may close an opening one earlier in the line; one that closes nothing is odd
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
    unsure = {h for h, m in zip(holes, margins, strict=True) if m < SURE}
    kept = _keeping_lost(data, unsure, holes, best_vals, codec)
    if kept is not None:
        return Solved(kept, margins, (), kept.count("\ufffd"))
    alternatives: list[str] = []
    for _c, vals, _t, _b in beam[1:]:
        alt = _decoded(data, holes, vals, codec)
        if alt is not None and alt != best and alt not in alternatives:
            alternatives.append(alt)
            if len(alternatives) == ALTERNATIVES:
                break
    return Solved(best, margins, tuple(alternatives))


def _keeping_lost(
    data: bytes, lost: set[int], holes: list[int], vals: tuple[int, ...], codec: str
) -> str | None:
    """The filled ``data`` decoded with U+FFFD (one per byte) for each character more than half of
    whose bytes are ``lost``; None if there is no such character.  Such a character would be made up
    by the models, not restored (``\ufffd\ufffd`` for both bytes of one double-byte character):
    it stays lost, and the rest of the run is read.  ``lost``: the holes whose value the search is
    not sure of (margin below SURE; the byte 80, the one value a GB18030 reader of UTF-8 turns into
    U+FFFD mid-text, has no rival)."""
    if not lost:
        return None
    buf = _filled(data, holes, vals)
    dec = codecs.getincrementaldecoder(codec)()
    out: list[str] = []
    start = 0
    made_up = False
    for i in range(len(buf)):
        piece = dec.decode(buf[i : i + 1])
        if piece:
            n = sum(1 for k in range(start, i + 1) if k in lost)
            if 2 * n > i + 1 - start:
                made_up = True
                piece = "\ufffd" * (i + 1 - start)
            out.append(piece)
            start = i + 1
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


def ranking_cost(text: str, script: int | None = None) -> float:
    """How the search ranks a decoded text: word model, bigram model, script of the text around
    (``script`` as :func:`script_of` gives it; None: no preference), paired brackets and quotes,
    repeated characters."""
    bw = bigram_weight(script)
    return (
        _cjkscore.cost(text)
        + (bw * _bigram.cost(text) if bw else 0.0)
        + _script_cost(text, script or 0)
        - _cjkscore.pairing_bonus(text)
        - _repeat_bonus(text)
    )
