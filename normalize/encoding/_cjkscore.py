"""A small Chinese plausibility model: how natural a string is as Chinese text.

The model is jieba's word-frequency dictionary (``dict.txt``, 349k words with
counts, shipped inside the jieba package).  The cost of a string is the cost of
its cheapest segmentation into dictionary words (``-log P(word)``), with single
characters priced by their frequency inside words plus a penalty, so that text
made of real words is cheap and a run of unrelated rare characters (typical
mojibake) is expensive.  Traditional text is converted with OpenCC ``t2s``
before scoring (the dictionary is simplified).  The counts come from tables that
:mod:`._tablebuild` counted from the dictionary when the package was built
(``normalize/data/cjk-*.tbl``, read by :mod:`._tablefile`): loaded lazily, once per
process, the word prefixes only for text cut inside a word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from .. import _memo
from . import _tablefile

MAX_WORD = 4
"""Longest dictionary word tried in the segmentation (longer words add little)."""
SINGLE_PENALTY = 2.5
"""Extra cost (nats) of a character that is not part of a dictionary word."""
UNKNOWN_HAN = 16.0
"""Cost of a Han character that the dictionary never uses."""
OTHER_COST = {
    "ascii": 3.0,  # letters, digits, ASCII punctuation
    "space": 1.0,
    "punct": 3.0,  # common CJK punctuation
    "symbol": 12.0,  # other symbols and letters (rarer in Chinese text than any common character)
    "odd": 14.0,  # kana, hangul, greek, cyrillic, box drawing, bopomofo, yi ... in Chinese text
    "bad": 18.0,  # private use, U+FFFD, controls
}
COMMON_PUNCT = frozenset(
    "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·　．％＋－＝／～０１２３４５６７８９"
)
PUNCT_COST = {"，": 2.0, "。": 2.3, "、": 3.0, "“": 3.0, "”": 3.0, "：": 3.2, "；": 3.5, "（": 3.3, "）": 3.3}
"""The most frequent punctuation, a little cheaper than the rest.  (〔〕 are common too: official
documents write the year of a document number in them, GB/T 9704.)"""
RARE_PUNCT_COST = {
    **dict.fromkeys("‘’", 7.9),
    **dict.fromkeys("『』", 6.7),
    **dict.fromkeys("【】", 6.8),
    **dict.fromkeys("〖〗", 9.0),
}
"""Marks much rarer in running text than the punctuation above, priced apart (the same scale: ``，``
2.0 plus the log frequency ratio to ``，`` in the People's Daily corpus of :mod:`._bigram`: 74,921 ，
to 205 ’ and 698 』; lenticular brackets, absent there, at a tenth of the round ones; white ones
rarer still).  A character read from the wrong bytes often lands on one of them (the row A1 of
GB2312 is all punctuation), so they must not be cheaper than the words they replace."""
DOC_SYMBOLS = frozenset("×÷±°‰≤≥℃№§")
"""Symbols that documents use in running text (measures, formulas); other symbols are rare in Chinese text."""
COMMON_SIZE = 3500
"""How many of the most frequent simplified characters count as common."""
NUMBER = "#"
"""Stand-in for a run of ASCII digits: it takes part in words like a Chinese numeral (the numerals
are listed in :data:`._tablebuild.NUMERALS`)."""
MAX_PREFIX = 4
"""Longest word prefix that may end a text cut in the middle of a word."""
PREFIX_PENALTY = 1.0
"""Extra cost (nats) of ending a text on an unfinished word."""
_DIGITS_RE = re.compile("[0-9]+")
_DOUBLE_PUNCT_RE = re.compile("[，。、；：？！][，。、；：]|[，。、；：][？！]")
"""Two pause/stop marks in a row (``！。``, ``，、``): Chinese typography does not write them."""
DOUBLE_PUNCT = 4.0
"""Extra cost (nats) of each such pair."""
_BARE_SENTENCE_RE = re.compile("[。！？][#A-Za-z]{1,6}[。！？]")
"""A "sentence" of nothing but a number or a few letters between two stops (``。1994。``)."""
BARE_SENTENCE = 4.0
"""Extra cost (nats) of each such sentence."""


@cache
def _tables() -> tuple[_tablefile.GroupedTable, dict[str, float]]:
    """(word -> cost for words of 2..MAX_WORD chars, char -> single-character cost).

    The word table also holds number words (``#月``, ``第#``: a digit run next to a character
    that the dictionary pairs with Chinese numerals).  Its dicts are built per first character
    (:class:`._tablefile.GroupedTable`); a cost is computed once per distinct count."""
    table = _tablefile.load(_tablefile.WORDS)
    table.params(max_word=MAX_WORD, number=NUMBER)
    log_total = math.log(table.ints("total")[0])
    words = _tablefile.GroupedTable(table, lambda f: log_total - math.log(f))
    ccost = char_costs(dict(zip(table.text("chars"), table.ints("char_counts"), strict=True)))
    ccost[NUMBER] = OTHER_COST["ascii"]
    return words, ccost


def char_costs(chars: Mapping[str, int]) -> dict[str, float]:
    """Single-character cost from each character's count inside dictionary words."""
    char_total = math.log(sum(chars.values()))
    return {c: char_total - math.log(f) + SINGLE_PENALTY for c, f in chars.items()}


@cache
def _prefix_costs() -> _tablefile.SortedTable:
    """Cost of each prefix (1..MAX_PREFIX chars) of the dictionary words (a text cut inside a word)."""
    table = _tablefile.load(_tablefile.PREFIXES)
    table.params(max_prefix=MAX_PREFIX)
    log_total = math.log(table.ints("total")[0])
    return _tablefile.SortedTable(table, lambda f: log_total - math.log(f) + PREFIX_PENALTY)


@cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _convert() -> Callable[[str], str]:
    """OpenCC t2s as a function.  The converter's own ``convert`` is a Python wrapper around the C++
    one that costs as much again as the conversion of a short text (3.5 µs of 6.5); its base class's
    method is called directly when it gives the same result, else the wrapper."""
    conv: Any = _t2s()
    wrapper: Callable[[str], str] = conv.convert
    raw = getattr(type(conv).__mro__[1], "convert", None)
    if raw is None:
        return wrapper

    def direct(text: str) -> str:
        data = text.encode()
        out: str = raw(conv, data, len(data))
        return out

    try:
        same = all(direct(t) == wrapper(t) for t in ("", "後來", "乾隆皇帝著作", "a1０國"))
    except Exception:  # another binding: keep the documented wrapper
        same = False
    return direct if same else wrapper


MEMO_SIZE = 1 << 13
"""Entries kept in each memo of this module and of :mod:`._bigram` (then it is emptied and refilled):
the lost-byte search scores the same short strings over and over (each hypothesis, each pass over a
line, each state of the beam), and a memo hit costs a dict lookup where the model costs microseconds
per character.  A memo holds at most MEMO_SIZE strings of at most MEMO_MAX_LEN characters (a few MB),
so memory stays flat however long the run."""
MEMO_MAX_LEN = 256
"""Longest text memoized: longer texts (whole documents scored by detection) are rarely scored twice."""
_SIMPLIFIED: dict[str, str] = _memo.memo({})


def to_simplified(text: str) -> str:
    """OpenCC t2s (a no-op on simplified text); memoized for short texts (an OpenCC call costs ~10 µs).
    A text without a character of a key ``t2s`` converts (:func:`._tablefile.t2s_witnesses`) is its
    own ``t2s``: returned without a call, and not memoized (the search costs about what a memo miss
    does; the lost-byte search asks for tens of thousands of such short pieces, each once or twice)."""
    out = _SIMPLIFIED.get(text)
    if out is not None:
        return out
    if not _tablefile.t2s_witnesses().search(text):
        return text
    if len(text) <= CHARWISE_LEN and not _tablefile.t2s_phrase_starts().search(text[:-1]):
        new = "".join(map(char_simplified, text))
    else:
        new = _convert()(text)
    if len(text) <= MEMO_MAX_LEN:
        if len(_SIMPLIFIED) >= MEMO_SIZE:
            _SIMPLIFIED.clear()
        _SIMPLIFIED[text] = new
    return new


CHARWISE_LEN = 8
"""Longest text :func:`to_simplified` converts character by character when no key of OpenCC ``t2s``
longer than one character can start in it (:func:`._tablefile.t2s_phrase_starts`): the same result
without a call (an OpenCC call costs about 6.5 µs; the lost-byte search converts tens of thousands of
pieces of three characters, 94% of them without such a start)."""
_CHAR_SIMPLIFIED: dict[str, str] = _memo.memo({})


def char_simplified(ch: str) -> str:
    """OpenCC ``t2s`` of the character ``ch`` alone (memoized)."""
    out = _CHAR_SIMPLIFIED.get(ch)
    if out is None:
        out = _CHAR_SIMPLIFIED[ch] = _convert()(ch)
    return out


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Han character (CJK unified ideographs, extensions, compatibility)."""
    return _is_han(ord(ch))


def _is_han(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3134F or 0xF900 <= cp <= 0xFAFF
    )


@_memo.cache
def char_class_cost(ch: str) -> float:
    """Cost of a non-dictionary character by its class."""
    cp = ord(ch)
    if ch == "\u3000":
        return OTHER_COST["punct"] + 1.0
    if ch in " \t\n\r\f":
        return OTHER_COST["space"]
    if ch in "\u00a0\u202f\u2002\u2003\u2009":  # no-break and typographic spaces of web pages
        return OTHER_COST["space"] + 2.0
    if cp < 0x80:
        return OTHER_COST["ascii"] if cp >= 0x20 else OTHER_COST["bad"]
    if ch in PUNCT_COST:
        return PUNCT_COST[ch]
    if ch in RARE_PUNCT_COST:
        return RARE_PUNCT_COST[ch]
    if ch in COMMON_PUNCT:
        return OTHER_COST["punct"] + 0.5
    if ch in DOC_SYMBOLS:
        return OTHER_COST["punct"] + 2.0
    if _is_han(cp):
        return UNKNOWN_HAN
    if 0xE000 <= cp <= 0xF8FF or cp == 0xFFFD or cp >= 0xF0000 or 0x80 <= cp < 0xA0:
        return OTHER_COST["bad"]
    if (
        0x3040 <= cp <= 0x30FF  # kana
        or 0xAC00 <= cp <= 0xD7AF  # hangul
        or 0x1100 <= cp <= 0x11FF
        or 0x3130 <= cp <= 0x318F
        or 0x0370 <= cp <= 0x052F  # greek, cyrillic
        or 0x2500 <= cp <= 0x259F  # box drawing, blocks
        or 0x3100 <= cp <= 0x312F  # bopomofo
        or 0xA000 <= cp <= 0xA4CF  # yi
        or 0xFE30 <= cp <= 0xFE4F  # vertical forms
        or 0x2E80 <= cp <= 0x2FDF  # radicals
        or 0x3200 <= cp <= 0x33FF  # enclosed / squared
        or 0x00C0 <= cp <= 0x024F  # accented latin in Chinese text
    ):
        return OTHER_COST["odd"]
    cat = unicodedata.category(ch)
    if cat.startswith("P") or cat == "Nd":
        return OTHER_COST["punct"] + 2.0
    return OTHER_COST["symbol"]


_COSTS: dict[str, float] = _memo.memo({})
_OPEN_COSTS: dict[str, float] = _memo.memo({})


def cost(text: str, *, simplify: bool = True, open_end: bool = False) -> float:
    """Total cost (nats) of ``text`` under the model: lower is more plausible Chinese.

    ASCII characters are priced per character (a run of digits also pairs with the
    characters that go with numbers: ``12月``); the Han parts by the cheapest word
    segmentation (dynamic programming over words of up to ``MAX_WORD`` characters).
    With ``open_end`` the text may stop inside a word (it was cut there): its last
    characters may be the beginning of a dictionary word.  Memoized (:data:`MEMO_SIZE`): the
    value is a pure function of the arguments, so a memo hit returns the very same float.
    """
    if not simplify or len(text) > MEMO_MAX_LEN:
        return _cost(text, simplify, open_end)
    memo = _OPEN_COSTS if open_end else _COSTS
    c = memo.get(text)
    if c is None:
        c = _cost(text, True, open_end)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[text] = c
    return c


def prepare(text: str, simplify: bool = True) -> tuple[str, float]:
    """The string the segmentation of :func:`cost` runs on (simplified, each run of digits one
    NUMBER) and the cost of the digits beyond the first of each run: for callers that segment
    pieces of a text apart (:mod:`._insertion`)."""
    s = to_simplified(text) if simplify else text
    if NUMBER in s or _DIGITS_RE.search(s):
        digits = sum(len(m) for m in _DIGITS_RE.findall(s))
        s = _DIGITS_RE.sub(NUMBER, s.replace(NUMBER, "*"))  # a literal "#" is priced as other ASCII
        return s, OTHER_COST["ascii"] * (digits - s.count(NUMBER))
    return s, 0.0


def unit_cost(ch: str) -> float:
    """The cost of ``ch`` (of a prepared string) as a segment of its own."""
    c = _tables()[1].get(ch)
    return char_class_cost(ch) if c is None else c


def words_from(ch: str) -> dict[str, float]:
    """The words (2..MAX_WORD characters, with their costs) that the segmentation may start at
    ``ch``: none when ``ch`` costs UNKNOWN_HAN or more on its own, as in :func:`cost`."""
    if unit_cost(ch) >= UNKNOWN_HAN:
        return {}
    words = _tables()[0]
    got = words.loaded.get(ch)
    return words.group(ch) if got is None else got


_BY_SECOND: dict[str, dict[str, list[tuple[str, float]]]] = _memo.memo({})


def words_by_second(ch: str) -> dict[str, list[tuple[str, float]]]:
    """:func:`words_from` ``ch`` by their second character (for callers that look for the words
    that straddle two pieces of a text; built once per character, like the word groups)."""
    got = _BY_SECOND.get(ch)
    if got is None:
        got = {}
        for word, wc in words_from(ch).items():
            got.setdefault(word[1], []).append((word, wc))
        if len(_BY_SECOND) >= MEMO_SIZE // 32:  # an index of whole word groups: kept small
            _BY_SECOND.clear()
        _BY_SECOND[ch] = got
    return got


def _cost(text: str, simplify: bool, open_end: bool) -> float:
    if not text:
        return 0.0
    words, ccost = _tables()
    groups = words.loaded  # the words by their first character, built as characters are met
    s, extra = prepare(text, simplify)
    n = len(s)
    best = [0.0] + [math.inf] * n
    for i in range(n):
        base = best[i]
        ch = s[i]
        c1 = ccost.get(ch)
        if c1 is None:
            c1 = char_class_cost(ch)
        v = base + c1
        if v < best[i + 1]:
            best[i + 1] = v
        if c1 < UNKNOWN_HAN:
            wcost = groups.get(ch)
            if wcost is None:
                wcost = words.group(ch)
            if wcost:  # some word starts with ch
                for j in range(i + 2, min(n, i + MAX_WORD) + 1):
                    wc = wcost.get(s[i:j])
                    if wc is not None:
                        v = base + wc
                        if v < best[j]:
                            best[j] = v
    total = best[n]
    if "，" in s or "。" in s or "、" in s or "；" in s or "：" in s:
        total += DOUBLE_PUNCT * len(_DOUBLE_PUNCT_RE.findall(s))
        total += BARE_SENTENCE * len(_BARE_SENTENCE_RE.findall(s))
    if open_end:
        pcost = _prefix_costs()
        for i in range(max(0, n - MAX_PREFIX), n):
            pc = pcost.get(s[i:])
            if pc is not None and best[i] + pc < total:
                total = best[i] + pc
    return total + extra


PAIRS = dict(zip("」』）》〉】〕”’", "「『（《〈【〔“‘", strict=True))
"""Closing mark -> its opening mark."""
PAIR_BONUS = 2.0
"""Cost (nats) saved by a closing mark that closes an opening mark earlier in the same text."""


NUMBER_PAIR_BONUS = 3.0
"""Further bonus for brackets around a number alone: list labels ``（七）``, ``(3)`` and the year of a
document number ``〔2019〕`` (GB/T 9704)."""
_NUMBER_PAIR_RE = re.compile("[（(〔［\\[]([0-9]{1,4}|[一二三四五六七八九十]{1,3})[）)〕］\\]]")
DOCUMENT_NUMBER_BONUS = 5.0
"""Further bonus for a document number in the form GB/T 9704-2012 prescribes (7.2.4: the year in full
in hexagonal brackets, then the serial number and 号): ``〔1994〕8号``.  The standard fixes the form,
so a reading that makes one leads as a known byte does (:data:`._holes.SURE`); the models alone
weigh ``〔1994〕8号`` against ``。1994、8号`` within a nat."""
_DOCUMENT_NUMBER_RE = re.compile("〔(?:19|20)[0-9]{2}〕[0-9]{1,5}[号號]")


def open_marks(text: str) -> dict[str, int]:
    """The opening brackets and quotes that ``text`` leaves open (mark -> how many)."""
    return _closers(text, None)[2]


def _closers(text: str, opened: dict[str, int] | None) -> tuple[int, int, dict[str, int]]:
    """(closing marks of ``text`` that close an opening mark before them, those that close nothing,
    the opening marks left open); ``opened``: marks left open by the text before."""
    openers = set(PAIRS.values())
    depth = dict(opened or {})
    matched = unpaired = 0
    for ch in text:
        if ch in openers:
            depth[ch] = depth.get(ch, 0) + 1
        elif ch in PAIRS:
            o = PAIRS[ch]
            if depth.get(o, 0) > 0:
                depth[o] -= 1
                matched += 1
            else:
                unpaired += 1
    return matched, unpaired, depth


def pairing_bonus(text: str, opened: dict[str, int] | None = None) -> float:
    """Bonus (nats) for the closing brackets and quotes of ``text`` that match an opening one before
    them (in ``text`` or, with ``opened`` from :func:`open_marks`, in the text before it)."""
    if not any(ch in PAIRS for ch in text):
        return 0.0
    numbered = NUMBER_PAIR_BONUS * len(_NUMBER_PAIR_RE.findall(text))
    numbered += DOCUMENT_NUMBER_BONUS * len(_DOCUMENT_NUMBER_RE.findall(text))
    return PAIR_BONUS * _closers(text, opened)[0] + numbered


UNPAIRED_CLOSER = 1.5
"""Cost (nats) of a closing bracket or quote with no opening mark before it in the same line."""


def unpaired_closers(text: str, opened: dict[str, int] | None = None) -> int:
    """How many closing brackets and quotes of ``text`` close nothing (``opened`` as for
    :func:`pairing_bonus`)."""
    if not any(ch in PAIRS for ch in text):
        return 0
    return _closers(text, opened)[1]


DANGLING_OPENER = 2.0
"""Cost (nats) of an opening bracket or quote followed by a space: a mark opens the text after it
(``乖。〔 br /`` for ``乖。」 br /``, the models knowing the two marks alike)."""
_OPENERS = frozenset(PAIRS.values())


def dangling_openers(text: str, after: str = "") -> int:
    """How many opening brackets and quotes of ``text`` are followed by a space (``after``: what
    follows ``text``); one at the very end is not counted (a text may be cut there)."""
    if not any(ch in _OPENERS for ch in text):
        return 0
    rest = text + after[:1]
    return sum(
        1 for i, ch in enumerate(text) if ch in _OPENERS and rest[i + 1 : i + 2] in (" ", "\t", "\u3000")
    )


def cost_per_char(text: str) -> float:
    """Mean cost per character (see :func:`cost`); 0 for empty text."""
    return cost(text) / len(text) if text else 0.0


@cache
def common_chars() -> frozenset[str]:
    """The most frequent simplified characters and their traditional forms (COMMON_SIZE of them, counted
    by :func:`._tablebuild.common_chars`: no word table is loaded for them)."""
    table = _tablefile.load(_tablefile.COMMON)
    table.params(common_size=COMMON_SIZE)
    return frozenset(table.text("chars"))


HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
"""The BMP blocks of Han characters that :func:`rare_han_class` covers."""


@cache
def rare_han_class() -> str:
    """A regex character class of the Han characters (BMP) that are not common."""
    common = sorted(map(ord, common_chars()))
    parts: list[str] = []
    for lo, hi in HAN_BLOCKS:
        start = lo  # the first code point of the current run of rare ones
        for cp in (*(c for c in common if lo <= c <= hi), hi + 1):
            if cp > start:
                parts.append(f"\\u{start:04x}-\\u{cp - 1:04x}" if cp - 1 > start else f"\\u{start:04x}")
            start = cp + 1
    return "[" + "".join(parts) + "]"


@cache
def rare_pair_re() -> re.Pattern[str]:
    """Two rare Han characters at most two characters apart (a cheap mojibake pre-check)."""
    rc = rare_han_class()
    return re.compile(f"(?:{rc}[^\\n]{{0,2}}?){{2}}")  # the class once: compiling it is what costs
