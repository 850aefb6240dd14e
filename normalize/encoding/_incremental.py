"""The models' costs of a short context followed by a decoded piece, from parts kept per piece.

The lost-byte search (:func:`._holes.solve`) scores every value of a lost byte after every state
of its beam: ``cost(ctx + piece)`` for a dozen contexts (the last characters decoded so far) times
dozens of pieces (what each value decodes to, with the known bytes up to the next lost one).  The
pieces of one lost byte differ in their first character and share the rest, and each piece meets
every context.  Scoring each text whole repeats most of that work (about 50 µs a text); here the
cost of ``ctx + piece`` is put together from parts computed once:

* the word model (:func:`._cjkscore.cost`): the cheapest segmentation of each end of a piece (kept
  per end, so a piece that shares its end with one seen before costs one step), the forward costs
  of the context, the few dictionary words that straddle the two, and the doubled-punctuation
  penalties only where either side has the marks;
* the bigram model (:func:`._bigram.cost`): the sum inside the piece (kept per end) and the one
  pair across the junction.

These are exact rewritings of the segmentation and of the sum, valid when the context and the
piece are prepared apart as they are together: OpenCC converts ``ctx + piece`` to the conversions
of the two (no phrase straddles them; :func:`joins` checks it on the text itself: it never failed
on the evaluation's texts) and no run of digits straddles them (otherwise the text is scored whole).
The record of a short piece is also put together from its first character's and the rest's, on
the same assumption, checked the same way.  The sums are added in another order than the whole
text's, so a cost may differ from the whole text's in its last bits (1e-15 relative), never more.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from .. import _memo
from . import _bigram, _cjkscore

_INF = math.inf
_PUNCT = frozenset("，。、；：")
"""The marks whose presence makes :func:`._cjkscore.cost` look for doubled punctuation."""
_ASCII_DIGITS = frozenset("0123456789")
_RARER = frozenset(_bigram.RARER_FORM)


@dataclass(slots=True)
class _Context:
    """What is kept of a context: its prepared form, forward costs and straddling words."""

    text: str
    simple: str
    """OpenCC t2s of the context."""
    prepared: str
    extra: float
    forward: list[float]
    """forward[i]: cheapest segmentation of prepared[:i] (no penalties)."""
    straddling: list[tuple[int, str, dict[str, float]]]
    """(start, the context from there, the words that may start there) for the starts of words
    that may go on past the context's end (at most MAX_WORD - 1 characters before it)."""
    punct: bool
    normed: str
    """The context as the bigram model normalizes it."""
    prev: int
    """The code point the bigram model conditions a following piece on (START for no context)."""
    pens: float
    """The doubled-punctuation penalties of the context alone (0 without the marks that make the
    model look for them)."""
    pens_all: float
    """... and those it has in any case."""
    heads: tuple[str, ...]
    """The context from each start of :attr:`straddling`: a word straddles into a piece only if the
    head and the piece's first character are a word prefix (:func:`corrections`)."""
    numbers: bool
    """A number (NUMBER) ends the context: number words are not in the prefix table."""
    digit_end: bool
    """The context ends with a digit (a following digit would join its run)."""


@dataclass(slots=True)
class _Piece:
    """What is kept of a piece: its prepared form and the costs of its ends."""

    text: str
    simple: str
    prepared: str
    extra: float
    punct: bool
    normed: str
    rarer: float
    """Extra cost of the rarer forms of marks in the piece (:data:`._bigram.RARER_FORM`)."""
    digit_start: bool
    """The piece starts with a digit (a digit before it would join its run)."""
    composable: bool
    """A single character that can start a composed record (no digit, no NUMBER, one character
    however normalized); for a longer piece, whether its record was composed."""


_CONTEXTS: dict[str, _Context] = _memo.memo({})
_PIECES: dict[str, _Piece] = _memo.memo({})
_CLOSED: dict[str, float] = _memo.memo({})
"""Prepared text -> its cheapest segmentation (no penalties): every end of a piece is kept."""
_PREFIXED: dict[str, float] = _memo.memo({})
"""Prepared text -> its cheapest segmentation ending in a word prefix of at most MAX_PREFIX
characters (the text cut inside a word: :func:`._cjkscore.cost` with ``open_end``); inf if none."""
_INNER: dict[str, float] = _memo.memo({})
"""Normalized text -> the bigram costs of its pairs (each character after the first)."""
_PAIRS: dict[tuple[int, int], float] = _memo.memo({})
"""(previous, next) code points -> -log P(next | previous) under the bigram model."""
_JOINS: dict[tuple[str, str], bool] = _memo.memo({})
"""(context, piece) -> whether the two are prepared together as apart."""


def _context(ctx: str) -> _Context:
    got = _CONTEXTS.get(ctx)
    if got is not None:
        return got
    simple = _cjkscore.to_simplified(ctx)
    prepared, extra = _cjkscore.prepare(ctx)
    n = len(prepared)
    forward = [0.0] + [_INF] * n
    for i in range(n):
        base = forward[i]
        v = base + _cjkscore.unit_cost(prepared[i])
        if v < forward[i + 1]:
            forward[i + 1] = v
        words = _cjkscore.words_from(prepared[i])
        for j in range(i + 2, min(n, i + _cjkscore.MAX_WORD) + 1):
            wc = words.get(prepared[i:j]) if words else None
            if wc is not None and base + wc < forward[j]:
                forward[j] = base + wc
    straddling: list[tuple[int, str, dict[str, float]]] = []
    heads: list[str] = []
    for start in range(max(0, n - _cjkscore.MAX_WORD + 1), n):
        words = _cjkscore.words_from(prepared[start])
        if words:
            head = prepared[start:]
            straddling.append((start, head, words))
            heads.append(head)
    punct = not _PUNCT.isdisjoint(prepared)
    normed = _bigram._norm(simple)
    got = _Context(
        ctx,
        simple,
        prepared,
        extra,
        forward,
        straddling,
        punct,
        normed,
        ord(normed[-1]) if normed else ord(_bigram.START),
        _pens(prepared) if punct else 0.0,
        _pens(prepared),
        tuple(heads),
        _cjkscore.NUMBER in prepared[-_cjkscore.MAX_WORD + 1 :],
        bool(simple) and simple[-1].translate(_bigram._FOLD) in _ASCII_DIGITS,
    )
    if len(_CONTEXTS) >= _cjkscore.MEMO_SIZE // 4:
        _CONTEXTS.clear()
    _CONTEXTS[ctx] = got
    return got


COMPOSE = 16
"""Longest piece whose record is put together from its first character's and the rest's."""


def _piece(text: str) -> _Piece:
    got = _PIECES.get(text)
    if got is not None:
        return got
    if 1 < len(text) <= COMPOSE:
        first = _piece(text[0])
        if first.composable:
            # the pieces of a lost byte differ in their first character: the rest is kept.  That
            # OpenCC converts the two apart is assumed here and checked with the context (_joins).
            rest = _piece(text[1:])
            got = _Piece(
                text,
                first.simple + rest.simple,
                first.prepared + rest.prepared,
                rest.extra,
                first.punct or rest.punct,
                first.normed + rest.normed,
                first.rarer + rest.rarer,
                False,
                True,
            )
            if len(_PIECES) >= _cjkscore.MEMO_SIZE:
                _PIECES.clear()
            _PIECES[text] = got
            return got
    simple = _cjkscore.to_simplified(text)
    prepared, extra = _cjkscore.prepare(text)
    rarer = 0.0
    if not _RARER.isdisjoint(text):
        rarer = sum(_bigram.RARER_FORM.get(ch, 0.0) for ch in text)
    got = _Piece(
        text,
        simple,
        prepared,
        extra,
        not _PUNCT.isdisjoint(prepared),
        _bigram._norm(simple),
        rarer,
        bool(simple) and simple[0].translate(_bigram._FOLD) in _ASCII_DIGITS,
        len(text) == 1 and len(simple) == 1 and prepared == simple and _composable(simple),
    )
    if len(_PIECES) >= _cjkscore.MEMO_SIZE:
        _PIECES.clear()
    _PIECES[text] = got
    return got


def _composable(ch: str) -> bool:
    folded = ch.translate(_bigram._FOLD)
    return (
        len(folded) == 1
        and folded not in _ASCII_DIGITS
        and ch != _cjkscore.NUMBER
        and folded != _bigram.NUMBER
    )


def _pens(s: str) -> float:
    """The doubled-punctuation penalties :func:`._cjkscore.cost` adds to the prepared text ``s``."""
    total = _cjkscore.DOUBLE_PUNCT * len(_cjkscore._DOUBLE_PUNCT_RE.findall(s))
    return total + _cjkscore.BARE_SENTENCE * len(_cjkscore._BARE_SENTENCE_RE.findall(s))


def _joins(c: _Context, p: _Piece) -> bool:
    """Whether ``c.text + p.text`` is prepared (for both models) as the two apart."""
    key = (c.text, p.text)
    got = _JOINS.get(key)
    if got is None:
        got = not (c.digit_end and p.digit_start)
        if got:
            got = _cjkscore.to_simplified(c.text + p.text) == c.simple + p.simple
        if len(_JOINS) >= _cjkscore.MEMO_SIZE:
            _JOINS.clear()
        _JOINS[key] = got
    return got


def _closed(y: str) -> float:
    """The cheapest segmentation of the prepared text ``y`` (kept for each of its ends)."""
    got = _CLOSED.get(y)
    if got is not None:
        return got
    j = 1
    while j < len(y) and y[j:] not in _CLOSED:
        j += 1
    if len(_CLOSED) >= _cjkscore.MEMO_SIZE:
        _CLOSED.clear()
        j = len(y)
    _CLOSED[""] = 0.0
    for i in range(j - 1, -1, -1):
        ch = y[i]
        best = _cjkscore.unit_cost(ch) + _closed_at(y, i + 1)
        words = _cjkscore.words_from(ch)
        if words:
            for k in range(i + 2, min(len(y), i + _cjkscore.MAX_WORD) + 1):
                wc = words.get(y[i:k])
                if wc is not None:
                    v = wc + _closed_at(y, k)
                    if v < best:
                        best = v
        _CLOSED[y[i:]] = best
    got = _CLOSED.get(y)
    return _closed(y) if got is None else got


def _closed_at(y: str, i: int) -> float:
    got = _CLOSED.get(y[i:])
    return _closed(y[i:]) if got is None else got


def _prefixed(y: str) -> float:
    """The cheapest segmentation of ``y`` whose last segment is a word prefix of at most MAX_PREFIX
    characters (kept for each of its ends); inf if there is none."""
    got = _PREFIXED.get(y)
    if got is not None:
        return got
    j = 1
    while j < len(y) and y[j:] not in _PREFIXED:
        j += 1
    if len(_PREFIXED) >= _cjkscore.MEMO_SIZE:
        _PREFIXED.clear()
        j = len(y)
    prefixes = _cjkscore._prefix_costs()
    for i in range(j - 1, -1, -1):
        rest = len(y) - i
        best = _INF
        if rest <= _cjkscore.MAX_PREFIX:
            pc = prefixes.get(y[i:])
            if pc is not None:
                best = pc
        if rest > 1:  # a character or a word first, the prefix after it
            ch = y[i]
            v = _cjkscore.unit_cost(ch) + _prefixed_at(y, i + 1)
            if v < best:
                best = v
            words = _cjkscore.words_from(ch)
            if words:
                for k in range(i + 2, min(len(y) - 1, i + _cjkscore.MAX_WORD) + 1):
                    wc = words.get(y[i:k])
                    if wc is not None:
                        v = wc + _prefixed_at(y, k)
                        if v < best:
                            best = v
        _PREFIXED[y[i:]] = best
    got = _PREFIXED.get(y)
    return _prefixed(y) if got is None else got


def _prefixed_at(y: str, i: int) -> float:
    got = _PREFIXED.get(y[i:])
    return _prefixed(y[i:]) if got is None else got


def word_cost(ctx: str, text: str, open_end: bool = False) -> float:
    """:func:`._cjkscore.cost` of ``ctx + text`` (``ctx``: a short context, at most a few characters)."""
    c = _context(ctx)
    p = _piece(text)
    y = p.prepared
    if not c.prepared or not y or not _joins(c, p):
        return _cjkscore.cost(ctx + text, open_end=open_end)
    x = c.prepared
    n = len(x)
    fx = c.forward
    if len(y) < _cjkscore.MAX_WORD:
        return _extended(c, p, open_end)
    closed = fx[n] + _closed(y)
    prefixed = fx[n] + _prefixed(y) if open_end else _INF
    for start, head, words in c.straddling:
        for inside in range(1, _cjkscore.MAX_WORD - len(head) + 1):  # characters of the word in the piece
            wc = words.get(head + y[:inside])
            if wc is None:
                continue
            base = fx[start] + wc
            v = base + _closed_at(y, inside)
            if v < closed:
                closed = v
            if open_end and inside < len(y):
                v = base + _prefixed(y[inside:])
                if v < prefixed:
                    prefixed = v
    total = closed
    if c.punct or p.punct:
        s = x + y
        total += _cjkscore.DOUBLE_PUNCT * len(_cjkscore._DOUBLE_PUNCT_RE.findall(s))
        total += _cjkscore.BARE_SENTENCE * len(_cjkscore._BARE_SENTENCE_RE.findall(s))
    if prefixed < total:
        total = prefixed
    return total + (c.extra + p.extra)


def extended(c: _Context, p: _Piece, open_end: bool) -> float:
    """:func:`._cjkscore.cost` of ``c + p`` for a short piece (fewer than MAX_WORD characters), given
    that they join (:func:`joins`)."""
    if len(p.prepared) == 1 and open_end:
        return _one_at_end(c, p)
    return _extended(c, p, open_end)


def _one_at_end(c: _Context, p: _Piece) -> float:
    """:func:`_extended` of a piece of one character at an open end, with no loop: the segmentation
    ends with the character alone, or with a word from the context's last characters; or the text
    ends in a word prefix that starts at the character or in the context's last characters."""
    x = c.prepared
    ch = p.prepared
    n = len(x)
    fx = c.forward
    closed = fx[n] + _cjkscore.unit_cost(ch)
    for start, head, words in c.straddling:
        wc = words.get(head + ch)
        if wc is not None and fx[start] + wc < closed:
            closed = fx[start] + wc
    total = closed
    if c.punct or p.punct:
        total += _pens(x + ch)
    prefixes = _cjkscore._prefix_costs()
    for i in range(max(0, n + 1 - _cjkscore.MAX_PREFIX), n + 1):
        pc = prefixes.get(x[i:] + ch)
        if pc is not None and fx[i] + pc < total:
            total = fx[i] + pc
    return total + (c.extra + p.extra)


def _extended(c: _Context, p: _Piece, open_end: bool) -> float:
    """:func:`word_cost` of a short piece: the context's forward costs continued over the piece, the
    very sums the whole text gives (no word starts before the last MAX_WORD - 1 characters of the
    context and ends in the piece that the continuation does not try)."""
    s = c.prepared + p.prepared
    n = len(s)
    best = c.forward + [_INF] * len(p.prepared)
    for i in range(max(0, len(c.prepared) - _cjkscore.MAX_WORD + 1), n):
        base = best[i]
        ch = s[i]
        v = base + _cjkscore.unit_cost(ch)
        if v < best[i + 1]:
            best[i + 1] = v
        words = _cjkscore.words_from(ch)
        if words:
            for j in range(i + 2, min(n, i + _cjkscore.MAX_WORD) + 1):
                wc = words.get(s[i:j])
                if wc is not None:
                    v = base + wc
                    if v < best[j]:
                        best[j] = v
    total = best[n]
    if c.punct or p.punct:
        total += _cjkscore.DOUBLE_PUNCT * len(_cjkscore._DOUBLE_PUNCT_RE.findall(s))
        total += _cjkscore.BARE_SENTENCE * len(_cjkscore._BARE_SENTENCE_RE.findall(s))
    if open_end:
        prefixes = _cjkscore._prefix_costs()
        for i in range(max(0, n - _cjkscore.MAX_PREFIX), n):
            pc = prefixes.get(s[i:])
            if pc is not None and best[i] + pc < total:
                total = best[i] + pc
    return total + (c.extra + p.extra)


def _pair(prev: int, cp: int) -> float:
    got = _PAIRS.get((prev, cp))
    if got is None:
        if len(_PAIRS) >= _cjkscore.MEMO_SIZE:
            _PAIRS.clear()
        got = _PAIRS[(prev, cp)] = -math.log(_bigram._prob(_bigram._tables(), prev, cp))
    return got


def _inner(y: str) -> float:
    """The bigram costs of the pairs of the normalized text ``y`` (kept for each of its ends)."""
    got = _INNER.get(y)
    if got is not None:
        return got
    j = 1
    while j < len(y) and y[j:] not in _INNER:
        j += 1
    if len(_INNER) >= _cjkscore.MEMO_SIZE:
        _INNER.clear()
        j = len(y)
    if j == len(y):
        j = len(y) - 1
        value = _INNER[y[j:]] = 0.0
    elif j < len(y):
        after = _INNER.get(y[j:])  # (None only if another thread emptied the memo meanwhile)
        value = _inner(y[j:]) if after is None else after
    else:
        value = 0.0
    for i in range(j - 1, -1, -1):
        value = _INNER[y[i:]] = _pair(ord(y[i]), ord(y[i + 1])) + value
    return value


def bigram_cost(text: str, before: str) -> float:
    """:func:`._bigram.cost` of ``text`` after ``before`` (a short context)."""
    c = _context(before)
    p = _piece(text)
    if not c.normed or not p.normed or not _joins(c, p):
        return _bigram.cost(text, before)
    y = p.normed
    return p.rarer + (_pair(ord(c.normed[-1]), ord(y[0])) + _inner(y))


def joins(ctx: str, text: str) -> bool:
    """Whether OpenCC converts ``ctx + text`` as the two apart (and no digit run straddles them)."""
    return _joins(_context(ctx), _piece(text))


# --- a piece after many contexts --------------------------------------------------------------------
#
# For :func:`._holes.solve`, which meets the same piece after a dozen contexts: the cost of ``ctx +
# piece`` less that of ``ctx`` is the piece's own segmentation cost (:func:`closed`) and digits, plus
# the bigram costs inside the piece (:func:`inner`), all kept per piece, plus the one bigram pair
# across the junction (:func:`across`), plus corrections that are rarely needed (:func:`corrections`,
# :func:`junction`): a dictionary word straddling the junction (only when the context's end and the
# piece's first character begin a word) and doubled-punctuation penalties (only when either side has
# the marks).  Whether the two join (:func:`joins`) is checked by the caller for the candidates it
# keeps.

Context = _Context
Piece = _Piece


def context(ctx: str) -> _Context:
    """What is kept of the context ``ctx`` (a few characters)."""
    return _context(ctx)


def piece(text: str) -> _Piece | None:
    """What is kept of a piece that :func:`junction` can score (None: score it whole)."""
    got = _piece(text)
    return got if got.prepared and got.normed else None


def closed(p: _Piece) -> float:
    """The cheapest segmentation of the piece alone, without penalties."""
    return _closed(p.prepared)


def inner(p: _Piece) -> float:
    """The bigram costs inside the piece (of each character after its first)."""
    return _inner(p.normed)


def across(c: _Context, p: _Piece) -> float:
    """The bigram cost of the piece's first character after the context."""
    return _pair(c.prev, ord(p.normed[0]))


STRADDLE = 1
"""Correction needed (:func:`corrections`): a dictionary word may straddle the junction."""
PENALTIES = 2
"""Correction needed: doubled-punctuation penalties (either side has the marks they look for)."""
CROSSING = 4
"""... and a penalty may straddle the junction (both sides have such marks at it)."""
_MARKS = frozenset("，。、；：？！" + _cjkscore.NUMBER + string.ascii_letters)
"""The characters a doubled-punctuation or bare-sentence match can hold on either side of a junction."""


def corrections(c: _Context, p: _Piece) -> int:
    """What ``c + p`` needs beyond the piece's own costs (:data:`STRADDLE`, :data:`PENALTIES`,
    :data:`CROSSING`; 0 for nothing, the common case).  A word that straddles begins with the
    context's end and the piece's first character: a word prefix (``cjk-prefixes`` holds every
    prefix of every dictionary word, but not of the number words, hence the NUMBER cases).  (The
    digits are :func:`digits_apart`.)"""
    need = 0
    first = p.prepared[0]
    if c.numbers or first == _cjkscore.NUMBER:
        need = STRADDLE
    else:
        prefixes = _cjkscore._prefix_costs()
        for head in c.heads:
            if head + first in prefixes:
                need = STRADDLE
                break
    if c.punct or p.punct:
        need |= PENALTIES
        if c.prepared[-1:] in _MARKS and first in _MARKS:
            need |= CROSSING
    return need


def digits_apart(c: _Context, p: _Piece) -> bool:
    """Whether no run of digits goes on from the context into the piece."""
    return not (c.digit_end and p.digit_start)


def junction(c: _Context, p: _Piece, closed_p: float, need: int) -> float:
    """The word model's correction for ``c + p`` beyond ``closed_p`` (:func:`closed`), as
    :func:`corrections` says it needs: a straddling word cheaper than the segmentation cut at the
    junction, and the change in doubled-punctuation penalties."""
    x, y = c.prepared, p.prepared
    adj = 0.0
    if need & CROSSING:
        adj = _pens(x + y) - c.pens
    elif need & PENALTIES:
        # no match straddles: the whole has the matches of both (the context's own are in its cost
        # when it has the marks that make the model look; otherwise the piece's marks make it look)
        adj = _pens_of(p) + (0.0 if c.punct else c.pens_all)
    if need & STRADDLE:
        fx = c.forward
        cut = fx[len(x)] + closed_p
        best = cut
        for start, head, words in c.straddling:
            for inside in range(1, min(len(y), _cjkscore.MAX_WORD - len(head)) + 1):
                wc = words.get(head + y[:inside])
                if wc is not None:
                    v = fx[start] + wc + _closed_at(y, inside)
                    if v < best:
                        best = v
        adj += best - cut
    return adj


_PENS: dict[str, float] = _memo.memo({})


def _pens_of(p: _Piece) -> float:
    """:func:`_pens` of the piece alone (whether or not it has the marks that make the model look)."""
    got = _PENS.get(p.prepared)
    if got is None:
        if len(_PENS) >= _cjkscore.MEMO_SIZE:
            _PENS.clear()
        got = _PENS[p.prepared] = _pens(p.prepared)
    return got


def open_costs(p: _Piece) -> tuple[float, float] | None:
    """For a piece that ends the line: its cheapest segmentation closed, and ending in a word prefix
    (:func:`._cjkscore.cost` with ``open_end``, without penalties); None when a prefix could start
    before the piece (it is shorter than the longest prefix)."""
    if len(p.prepared) < _cjkscore.MAX_PREFIX:
        return None
    return _closed(p.prepared), _prefixed(p.prepared)


def open_junction(c: _Context, p: _Piece, closed_p: float, prefixed_p: float, need: int) -> float:
    """The word model's cost of ``c + p`` with an open end less that of ``c`` (:func:`open_costs` of the
    piece: ``closed_p``, ``prefixed_p``), with the corrections :func:`corrections` says it needs."""
    x, y = c.prepared, p.prepared
    fx = c.forward
    cut = fx[len(x)]
    closed = cut + closed_p
    prefixed = cut + prefixed_p
    if need & STRADDLE:
        for start, head, words in c.straddling:
            for inside in range(1, min(len(y), _cjkscore.MAX_WORD - len(head)) + 1):
                wc = words.get(head + y[:inside])
                if wc is not None:
                    base = fx[start] + wc
                    v = base + _closed_at(y, inside)
                    if v < closed:
                        closed = v
                    if inside < len(y):
                        v = base + _prefixed(y[inside:])
                        if v < prefixed:
                            prefixed = v
    total = closed
    if need & CROSSING:
        total += _pens(x + y)
    elif need & PENALTIES:
        total += c.pens_all + _pens_of(p)
    if prefixed < total:
        total = prefixed
    return total - cut - c.pens + p.extra
