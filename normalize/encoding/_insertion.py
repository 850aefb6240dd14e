"""The most plausible place and value of a dropped user-defined GBK pair, without scoring every one.

:func:`._mojibake._with_dropped_pair` asks which of the 1,894 user-defined GBK pairs, inserted at
which position of a misaligned GB18030 run, gives the cheapest text under :func:`._cjkscore.cost`
(a later stage often drops the private-use character such a pair decodes to).  Asked naively, that
is 1,894 decodings of the whole run per position and a segmentation of the whole run for each of
the thousands that decode without a private-use character: two thirds of the time spent on GB18030
read as Big5.  :func:`best_insertion` gives the same answer with far less work:

* A pair inserted where a character starts decodes to a private-use character itself: such a
  position is not tried (bar the pairs that decode otherwise alone: none of the user-defined ones).
  Inside a two-byte character (its lead byte ``L`` pending), the pair ``p0 p1`` reads as the
  character ``L p0``, then either the ASCII character ``p1`` and the rest of the run read from the
  old trail byte, or the character ``p1 t`` (``t`` the old trail byte) and the rest read as
  before.  So a candidate text is ``X + c1 + c2 + Y``: ``c1`` depends on ``p0`` only, ``c2`` on
  ``p1`` only, ``X`` and ``Y`` are shared by every pair at the position, and no candidate needs a
  decoding of its own.  Any other shape (a pending four-byte sequence, a pair byte the decoder
  rejects) is decoded and scored as the naive loop does.
* The segmentation cost of ``X + c1 + c2 + Y`` is the smaller of ``L(c1) + R(c2)`` (a segment ends
  between ``c1`` and ``c2``: ``L`` extends the forward costs of ``X``, ``R`` the backward costs of
  ``Y``) and the cheapest segmentation with a dictionary word holding ``c1 c2``, looked up among the
  few words that can.  Computed on the pieces (each simplified and with its digits folded apart)
  and without the penalties for doubled punctuation (never negative), it is a lower bound of
  :func:`._cjkscore.cost`, and usually equal to it.
* Candidates are then scored with the true :func:`._cjkscore.cost`, in increasing order of their
  bound, until the bound exceeds the best true cost found (plus :data:`TOL`): every candidate that
  could be the least, or tie with it, has been scored, so the answer is the naive loop's, ties
  going to the first in its order.  (OpenCC converts some phrases as a whole: were one to straddle
  two pieces, a bound could be off.  No such case occurs in the evaluation's texts.)
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .. import _memo
from . import _cjkscore

CODEC = "gb18030"
TOL = 1e-6
"""Slack (nats) for float rounding between a bound summed from pieces and the cost of the whole."""
_PUA_RE = re.compile("[\ue000-\uf8ff]")
_TRAIL = frozenset((*range(0x40, 0x7F), *range(0x80, 0xFF)))
"""Bytes that end a two-byte GB18030 character."""
_LEAD = range(0x81, 0xFF)
_NONE = float("inf")


def best_insertion(
    base: bytes,
    pairs: Sequence[bytes],
    left: str,
    right: str,
    charge: Callable[[int], None] | None = None,
    per_position: int = 0,
    per_score: int = 0,
) -> tuple[int, bytes] | None:
    """(position, pair) such that ``base[:position] + pair + base[position:]`` decodes strictly as
    GB18030 without private-use characters and ``cost(left + text + right)`` is least (the first
    in position-then-``pairs`` order among equal costs); None if no insertion decodes so.

    ``charge`` is called as the naive loop charges its budget: ``per_position`` for each
    position, and ``per_score`` for each insertion that decodes (each one the naive loop scores)."""
    shapes = _shapes(pairs)
    search = _Search(pairs, shapes, left, right)
    dec = codecs.getincrementaldecoder(CODEC)()
    heads: list[str] = []
    broken = False  # the bytes before the position fail to decode or hold a private-use character
    for pos in range(1, len(base)):
        if charge is not None:
            charge(per_position)
        if not broken:
            try:
                got = dec.decode(base[pos - 1 : pos])
            except UnicodeDecodeError:
                broken = True
            else:
                heads.append(got)
                broken = _PUA_RE.search(got) is not None
        if broken:
            continue
        pending = dec.getstate()[0]
        head = "".join(heads)
        if len(pending) == 1 and pending[0] in _LEAD and base[pos] in _TRAIL:
            n = search.inside(pos, head, pending[0], base)
        elif pending:  # a four-byte character, or a byte the decoder keeps: decode each pair
            n = search.naive(pos, head, pending, base, range(len(pairs)))
        else:  # a character starts here: the pair is a character of its own
            n = search.naive(pos, head, b"", base, shapes.whole)
        if n and charge is not None:
            charge(per_score * n)
    return search.answer()


@dataclass(slots=True)
class _Shapes:
    """The pairs by first byte, their second bytes split by what the decoder makes of them."""

    by_first: dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]
    """p0 -> (second bytes that lead a character, ASCII ones, others), each in the pairs' order."""
    index: dict[tuple[int, int], int]
    """(p0, p1) -> index in the pairs."""
    whole: list[int]
    """The pairs that alone decode to something other than a private-use character."""


_SHAPES: dict[tuple[bytes, ...], _Shapes] = _memo.memo({})


def _shapes(pairs: Sequence[bytes]) -> _Shapes:
    key = tuple(pairs)
    got = _SHAPES.get(key)
    if got is not None:
        return got
    seconds: dict[int, list[int]] = {}
    index: dict[tuple[int, int], int] = {}
    whole: list[int] = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValueError(f"not a byte pair: {pair!r}")
        seconds.setdefault(pair[0], []).append(pair[1])
        index.setdefault((pair[0], pair[1]), i)
        alone = _decode(pair)
        if alone is not None and not _PUA_RE.search(alone):
            whole.append(i)
    by_first = {
        p0: (
            tuple(p1 for p1 in p1s if p1 in _LEAD),
            tuple(p1 for p1 in p1s if p1 < 0x80),
            tuple(p1 for p1 in p1s if p1 not in _LEAD and p1 >= 0x80),
        )
        for p0, p1s in seconds.items()
    }
    if len(_SHAPES) >= 8:
        _SHAPES.clear()
    got = _SHAPES[key] = _Shapes(by_first, index, whole)
    return got


def _decode(data: bytes) -> str | None:
    try:
        return data.decode(CODEC)
    except UnicodeDecodeError:
        return None


_TWO: dict[tuple[int, int], str] = _memo.memo({})


def _two(lead: int, trail: int) -> str:
    """The two-byte character ``lead trail`` (every lead 81-FE and trail of :data:`_TRAIL` decodes)."""
    got = _TWO.get((lead, trail))
    if got is None:
        got = _TWO[(lead, trail)] = bytes((lead, trail)).decode(CODEC)
    return got


@dataclass(slots=True)
class _Group:
    """The insertions at one position that share ``X`` and ``Y``: their bounds and texts."""

    pos: int
    floor: float
    """The least bound of the group."""
    extra: float
    """The digits' cost of ``X`` and ``Y``, part of every bound."""
    firsts: list[tuple[int, str, float, tuple[int, ...]]]
    """(p0, c1, L(c1), the second bytes to pair it with, cheapest R first)."""
    seconds: dict[int, tuple[str, float]]
    """p1 -> (c2, R(c2))."""
    crossing: dict[tuple[int, int], float]
    """(p0, p1) -> cheapest segmentation with a word holding ``c1 c2``."""
    head: str
    tail: str


@dataclass(slots=True)
class _Search:
    """The state of one :func:`best_insertion`: the candidates scored and the groups still bounded."""

    pairs: Sequence[bytes]
    shapes: _Shapes
    left: str
    right: str
    scored: dict[tuple[int, int], float] = field(default_factory=dict)
    """(position, index of the pair) -> true cost of the candidate."""
    groups: list[_Group] = field(default_factory=list)
    forward: tuple[str, list[float]] = ("", [0.0])
    """The last prepared ``left + X`` and its forward costs (extended as the position moves on)."""
    backward: dict[str, float] = field(default_factory=dict)
    """Cheapest segmentation of each prepared end of text met (shared by the positions)."""

    def score(self, pos: int, i: int, text: str) -> float:
        got = self.scored.get((pos, i))
        if got is None:
            got = self.scored[(pos, i)] = _cjkscore.cost(self.left + text + self.right)
        return got

    def naive(self, pos: int, head: str, pending: bytes, base: bytes, which: Iterable[int]) -> int:
        """Decode and score the insertions of the pairs ``which`` one by one; how many decode."""
        n = 0
        for i in which:
            text = _decode(pending + self.pairs[i] + base[pos:])
            if text is None or _PUA_RE.search(text):
                continue
            n += 1
            self.score(pos, i, head + text)
        return n

    def inside(self, pos: int, head: str, lead: int, base: bytes) -> int:
        """Bound the insertions inside the two-byte character ``lead base[pos]`` (decoding the few
        odd ones); how many decode."""
        trail = base[pos]
        rest = _decode(base[pos + 1 :])  # after c1 + (p1 trail)
        if rest is not None and _PUA_RE.search(rest):
            rest = None
        shifted = _decode(base[pos:])  # after c1 + ASCII p1: the old trail byte starts a character
        if shifted is not None and _PUA_RE.search(shifted):
            shifted = None
        n = 0
        leads: list[tuple[int, str, tuple[int, ...]]] = []
        asciis: list[tuple[int, str, tuple[int, ...]]] = []
        index = self.shapes.index
        for p0, (lead_p1s, ascii_p1s, odd_p1s) in self.shapes.by_first.items():
            if p0 not in _TRAIL:  # ``lead p0`` is no two-byte character: decode each pair
                p1s = (*lead_p1s, *ascii_p1s, *odd_p1s)
                n += self.naive(pos, head, bytes((lead,)), base, [index[(p0, p1)] for p1 in p1s])
                continue
            if odd_p1s:  # a second byte the decoder rejects or keeps (80, FF)
                n += self.naive(pos, head, bytes((lead,)), base, [index[(p0, p1)] for p1 in odd_p1s])
            c1 = _two(lead, p0)
            if _PUA_RE.search(c1):
                continue
            if rest is not None and lead_p1s:
                leads.append((p0, c1, lead_p1s))
            if shifted is not None and ascii_p1s:
                asciis.append((p0, c1, ascii_p1s))
        if leads:
            assert rest is not None
            seconds = {p1: c2 for p1 in _LEAD if not _PUA_RE.search(c2 := _two(p1, trail))}
            n += self._group(pos, head, rest, leads, seconds)
        if asciis:
            assert shifted is not None
            n += self._group(pos, head, shifted, asciis, {p1: chr(p1) for p1 in range(0x80)})
        return n

    def _group(
        self,
        pos: int,
        head: str,
        tail: str,
        firsts: list[tuple[int, str, tuple[int, ...]]],
        seconds: dict[int, str],
    ) -> int:
        """Bound the candidates ``head + c1 + c2 + tail`` (``firsts``: p0, c1 and the second bytes it
        pairs with; ``seconds``: p1 -> c2 for those that decode); how many there are."""
        x, fx = self._forward(self.left + head)
        y, ey = _cjkscore.prepare(tail + self.right)
        ends = self._backward(y)
        n = 0
        ups: dict[int, tuple[str, float]] = {}
        for p1, c2 in seconds.items():
            m2 = _cjkscore.to_simplified(c2)
            if len(m2) == 1:
                ups[p1] = (c2, _right_cost(m2, y, ends))
        ranked = sorted(ups, key=lambda p1: ups[p1][1])
        # the second bytes of a first byte, usable and ranked: the pairs share a few such lists
        shared: dict[tuple[int, ...], tuple[list[int], tuple[int, ...]]] = {}
        kept: list[tuple[int, str, float, tuple[int, ...]]] = []
        for p0, c1, p1s in firsts:
            got = shared.get(p1s)
            if got is None:
                mine = frozenset(p1s)
                got = shared[p1s] = (
                    [p1 for p1 in p1s if p1 in seconds],
                    tuple(p1 for p1 in ranked if p1 in mine),
                )
            usable, order = got
            n += len(usable)
            m1 = _cjkscore.to_simplified(c1)
            odd = usable if len(m1) != 1 else [p1 for p1 in usable if p1 not in ups]
            for p1 in odd:  # a character that t2s makes two: score it whole
                self.score(pos, self.shapes.index[(p0, p1)], head + c1 + seconds[p1] + tail)
            if len(m1) == 1 and order:
                kept.append((p0, c1, _left_cost(m1, x, fx), order))
        if not kept:
            return n
        crossing = _crossing(x, fx, y, ends, kept, ups)
        extra = _cjkscore.prepare(self.left + head)[1] + ey
        floor = min(lc + ups[order[0]][1] for _p0, _c1, lc, order in kept)
        if crossing:
            floor = min(floor, *crossing.values())
        self.groups.append(_Group(pos, floor + extra, extra, kept, ups, crossing, head, tail))
        return n

    def _forward(self, text: str) -> tuple[str, list[float]]:
        """The prepared ``text`` and its forward costs (cheapest segmentation of each prefix), extending
        those of the previous position's text when it is a prefix of this one."""
        s = _cjkscore.prepare(text)[0]
        old, best = self.forward
        if s.startswith(old) and len(old) >= 4:
            start = len(old) - 4  # sources whose words may reach past the old end
            best = best + [_NONE] * (len(s) - len(old))
        else:
            start, best = 0, [0.0] + [_NONE] * len(s)
        _relax(s, best, start)
        self.forward = (s, best)
        return s, best

    def _backward(self, y: str) -> list[float]:
        """The cheapest segmentation of ``y[t:]`` for t = 0..MAX_WORD-1 (from the shared memo)."""
        memo = self.backward
        j = 0
        while j < len(y) and y[j:] not in memo:
            j += 1
        memo.setdefault("", 0.0)
        for i in range(j - 1, -1, -1):
            ch = y[i]
            best = _cjkscore.unit_cost(ch) + memo[y[i + 1 :]]
            words = _cjkscore.words_from(ch)
            if words:
                for k in range(i + 2, min(len(y), i + _cjkscore.MAX_WORD) + 1):
                    wc = words.get(y[i:k])
                    if wc is not None and wc + memo[y[k:]] < best:
                        best = wc + memo[y[k:]]
            memo[y[i:]] = best
        return [memo[y[t:]] for t in range(min(len(y), _cjkscore.MAX_WORD - 1) + 1)]

    def answer(self) -> tuple[int, bytes] | None:
        """Score the bounded candidates that may beat the best scored one; the best."""
        best = min(self.scored.values(), default=_NONE)
        for g in sorted(self.groups, key=lambda g: g.floor):
            if g.floor > best + TOL:
                break
            for p0, c1, lc, order in g.firsts:
                for p1 in order:
                    c2, rc = g.seconds[p1]
                    if lc + rc + g.extra > best + TOL:
                        break
                    i = self.shapes.index[(p0, p1)]
                    best = min(best, self.score(g.pos, i, g.head + c1 + c2 + g.tail))
            firsts = {p0: c1 for p0, c1, _lc, _o in g.firsts}
            for (p0, p1), cc in g.crossing.items():
                if cc + g.extra <= best + TOL:
                    text = g.head + firsts[p0] + g.seconds[p1][0] + g.tail
                    best = min(best, self.score(g.pos, self.shapes.index[(p0, p1)], text))
        if not self.scored:
            return None
        _c, (pos, i) = min((c, key) for key, c in self.scored.items())
        return pos, self.pairs[i]


def _relax(s: str, best: list[float], start: int) -> None:
    """Forward costs: ``best[j]`` = cheapest segmentation of ``s[:j]``, final for j <= start on entry."""
    n = len(s)
    for i in range(start, n):
        base = best[i]
        ch = s[i]
        v = base + _cjkscore.unit_cost(ch)
        if v < best[i + 1]:
            best[i + 1] = v
        words = _cjkscore.words_from(ch)
        if words:
            for j in range(i + 2, min(n, i + _cjkscore.MAX_WORD) + 1):
                wc = words.get(s[i:j])
                if wc is not None and base + wc < best[j]:
                    best[j] = base + wc


def _left_cost(m1: str, x: str, fx: list[float]) -> float:
    """Cheapest segmentation of ``x + m1`` ending at ``m1`` (``fx``: forward costs of ``x``)."""
    n = len(x)
    best = fx[n] + _cjkscore.unit_cost(m1)
    for a in range(1, min(n, _cjkscore.MAX_WORD - 1) + 1):
        wc = _cjkscore.words_from(x[n - a]).get(x[n - a :] + m1)
        if wc is not None and fx[n - a] + wc < best:
            best = fx[n - a] + wc
    return best


def _right_cost(m2: str, y: str, ends: list[float]) -> float:
    """Cheapest segmentation of ``m2 + y`` (``ends[t]``: that of ``y[t:]``)."""
    best = _cjkscore.unit_cost(m2) + ends[0]
    words = _cjkscore.words_from(m2)
    if words:
        for t in range(1, len(ends)):
            wc = words.get(m2 + y[:t])
            if wc is not None and wc + ends[t] < best:
                best = wc + ends[t]
    return best


def _crossing(
    x: str,
    fx: list[float],
    y: str,
    ends: list[float],
    firsts: list[tuple[int, str, float, tuple[int, ...]]],
    seconds: dict[int, tuple[str, float]],
) -> dict[tuple[int, int], float]:
    """(p0, p1) -> cheapest segmentation of ``x + m1 + m2 + y`` in which a word holds ``m1 m2``, for
    the pairs that some dictionary word allows (the others are absent)."""
    by_char: dict[str, list[int]] = {}
    for p1, (c2, _rc) in seconds.items():
        by_char.setdefault(_cjkscore.to_simplified(c2), []).append(p1)
    n = len(x)
    out: dict[tuple[int, int], float] = {}

    def found(p0: int, allowed: frozenset[int], word: str, wc: float, a: int) -> None:
        # ``word`` starts ``a`` characters before m1 and holds m1 m2, then ``after``
        after = word[a + 2 :]
        if len(after) >= len(ends) or not y.startswith(after):
            return
        c = fx[n - a] + wc + ends[len(after)]
        for p1 in by_char.get(word[a + 1], ()):
            if p1 in allowed and c < out.get((p0, p1), _NONE):
                out[(p0, p1)] = c

    for p0, c1, _lc, order in firsts:
        m1 = _cjkscore.to_simplified(c1)
        allowed = frozenset(order)
        at_m1 = _cjkscore.words_by_second(m1)
        for m2 in at_m1.keys() & by_char.keys():
            for word, wc in at_m1[m2]:
                found(p0, allowed, word, wc, 0)
        if n >= 1:
            for word, wc in _cjkscore.words_by_second(x[n - 1]).get(m1, ()):
                if len(word) >= 3:
                    found(p0, allowed, word, wc, 1)
        if n >= 2:
            for word, wc in _cjkscore.words_by_second(x[n - 2]).get(x[n - 1], ()):
                if len(word) == 4 and word[2] == m1:
                    found(p0, allowed, word, wc, 2)
    return out
