"""Pinyin-annotation rule: ``優(yōu)化`` -> ``優化``.

Some copies carry a reading in parentheses after a character.  An annotation is
removed only when the parenthesized text is ONE lowercase pinyin syllable with a
tone (tone mark ``yōu``, or tone number ``you1`` / ``yo1u``; ``ü`` also written ``v``
or ``u:``) and that syllable is a reading of the Han character just before it in
pypinyin's heteronym dictionary (the character, its simplified and its traditional
forms are all looked up; the readings are shipped as a table built from pypinyin's data,
``normalize/data/pinyin.tbl``: pypinyin is never imported at run time).  A syllable that is
valid pinyin but not a reading of that character is only flagged (``applied=False``).  An
annotation repeated right after another (``優(yōu)(yōu)``) belongs to the same character.
Capitals (``(BME)``, ``(A4)``), digits and Han text never match.  A toneless syllable
(``們(men)``, ``這個(ge)``: the neutral tone has no mark) is removed only in a text where toned
annotations were removed (then it is the same annotation; elsewhere ``(a)`` or ``(de)`` may be
words), and only when its letters are a reading of the character before it.
"""

from __future__ import annotations

import array
import bisect
import itertools
import re
import unicodedata
from functools import cache

from .. import _memo
from .._document import Change
from .._edits import apply_changes
from ._chars import is_han

STEP = "pinyin"
KIND = "pinyin.removed"

_LETTERS = "a-z\u00e0-\u024f\u1e00-\u1eff\u0300-\u036f:"
_SYLLABLE_RE = re.compile(f"[{_LETTERS}]{{1,7}}[0-5]?[{_LETTERS}]{{0,5}}")
# a hard wrap may fall anywhere in an annotated line, inside the annotation too: ``關(g`` / ``uān)於``;
# a title's lines are joined before this rule sees them, the wrap inside a reading then a space (``(x uǎn)``)
_WRAP = "[ \t\u3000]*\r?\n[ \t\u3000]*"
_INSIDE = f"{_WRAP}|[ \t]{{1,2}}"
_ANNOTATION_RE = re.compile(f"[(（]([{_LETTERS}0-5]{{0,12}})(?:{_INSIDE})?([{_LETTERS}0-5]{{0,12}})[)）]")
# an annotation at the start of a line belongs to the character that ends the line before (``關`` /
# ``(guān)於``): a line of text never opens with a reading
_OWNER_BEFORE_WRAP_RE = re.compile(f"(\\S){_WRAP}\\Z")
_SPACES = " \t\u3000\r\n"
_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}


def remove_pinyin(text: str, target: str) -> tuple[str, list[Change]]:
    """Remove pinyin annotations that are readings of the character before them."""
    if "(" not in text and "（" not in text:
        return text, []
    changes: list[Change] = []
    neutral: list[Change] = []  # toneless readings: removed only if toned ones show the text is annotated
    owner, owner_end = "", -1  # the character of the last annotation and where that annotation ended
    for m in _ANNOTATION_RE.finditer(text):
        a, b = m.span()
        written = m.group(1) + m.group(2)
        if not _SYLLABLE_RE.fullmatch(written):
            continue
        wrapped = a > 0 and text[a - 1] in _SPACES and _OWNER_BEFORE_WRAP_RE.search(text, max(0, a - 8), a)
        if a > 0 and is_han(text[a - 1]):
            ch = text[a - 1]
        elif wrapped and is_han(wrapped.group(1)):
            ch = wrapped.group(1)
        elif a == owner_end:  # a repeated annotation: 優(yōu)(yōu)
            ch = owner
        else:
            continue
        syllable = parse_syllable(written)
        if syllable is None:
            toneless = reading_of(written)  # a neutral tone is written without a mark
            if toneless is not None and any(base == toneless[0] for base, _ in char_readings(ch)):
                owner, owner_end = ch, b
                neutral.append(Change(KIND, target, a, b, m.group(), "", STEP, 0.9, True, NEUTRAL_NOTE))
            continue
        if syllable[0] not in _valid_bases():
            continue
        owner, owner_end = ch, b
        readings = char_readings(ch)
        if syllable in readings:
            changes.append(Change(KIND, target, a, b, m.group(), "", STEP, 1.0))
        elif any(base == syllable[0] for base, _ in readings):
            note = f"tone differs from every reading of {ch}"
            changes.append(Change(KIND, target, a, b, m.group(), m.group(), STEP, 0.5, False, note))
        else:
            note = f"valid pinyin but not a reading of {ch}"
            changes.append(Change(KIND, target, a, b, m.group(), m.group(), STEP, 0.3, False, note))
    if neutral and any(c.applied for c in changes):
        changes = sorted([*changes, *neutral], key=lambda c: c.start)
    return apply_changes(text, changes), changes


NEUTRAL_NOTE = "a reading without a tone mark (the neutral tone) in a text whose other readings carry one"


@_memo.lru_cache(maxsize=4096)
def parse_syllable(s: str) -> tuple[str, int] | None:
    """``(toneless base with v for ü, tone 1-5)`` of a toned pinyin syllable, else None.

    >>> parse_syllable("yōu"), parse_syllable("lv4"), parse_syllable("yo1u"), parse_syllable("de")
    (('you', 1), ('lv', 4), ('you', 1), None)
    """
    if s != s.lower():
        return None
    d = unicodedata.normalize("NFD", s.replace("u:", "ü"))
    marks = [_TONE_MARKS[c] for c in d if c in _TONE_MARKS]
    digits = [c for c in d if c.isdigit()]
    letters = "".join(c for c in d if c not in _TONE_MARKS and not c.isdigit())
    letters = unicodedata.normalize("NFC", letters).replace("ü", "v")
    if not letters.isascii() or not letters.isalpha():
        return None
    if marks and not digits and len(marks) == 1:
        return letters, marks[0]
    if digits and not marks and len(digits) == 1:
        tone = int(digits[0])
        return letters, 5 if tone == 0 else tone
    return None


class _Readings:
    """The shipped pinyin table, compact: the characters' code points in order (an array searched by
    bisection) and their readings in one text, cut at each line's offset when asked (loaded, 3.5 MB
    against 10 MB as a dict of 42,000 characters and a list of their readings; each character's
    readings are asked once, :func:`char_readings` keeps them)."""

    __slots__ = ("_codes", "_starts", "_text", "bases")

    def __init__(self) -> None:
        from ..encoding import _tablefile

        t = _tablefile.load(_tablefile.PINYIN)
        self._codes = array.array("I", map(ord, t.text("chars")))
        self._text = t.text("readings")
        lines = self._text.split("\n")  # where each character's line starts, and the end of the last
        self._starts = array.array("I", [0, *itertools.accumulate(len(line) + 1 for line in lines)])
        self.bases = frozenset(t.text("bases").split())

    def of(self, ch: str) -> str | None:
        """The readings of ``ch`` as pypinyin writes them (``líng,yuán``), None if it has none."""
        code = ord(ch)
        i = bisect.bisect_left(self._codes, code)
        if i == len(self._codes) or self._codes[i] != code:
            return None
        return self._line(i)

    def items(self) -> dict[int, str]:
        """Every code point with its readings (for tests and tools)."""
        return {code: self._line(i) for i, code in enumerate(self._codes)}

    def _line(self, i: int) -> str:
        return self._text[self._starts[i] : self._starts[i + 1] - 1]


@cache
def _table() -> _Readings:
    """The shipped pinyin table (loaded on first use)."""
    return _Readings()


def _valid_bases() -> frozenset[str]:
    """Every toneless syllable of pypinyin's readings (``you``, ``lv`` ...)."""
    return _table().bases


def reading_of(r: str) -> tuple[str, int] | None:
    """``(base, tone)`` of one reading as pypinyin writes it (``yōu``; a neutral tone without a mark)."""
    parsed = parse_syllable(r)
    if parsed is None and r.isascii() and r.isalpha():  # a neutral-tone reading is written without a mark
        return r.replace("ü", "v"), 5
    return parsed


def _readings_of(form: str) -> str:
    return _table().of(form) or ""


@_memo.cache
def char_readings(ch: str) -> frozenset[tuple[str, int]]:
    """Readings ``(base, tone)`` of ``ch`` and of its simplified and traditional forms."""
    from ._script import char_variants

    out: set[tuple[str, int]] = set()
    if not is_han(ch):
        return frozenset()
    for form in char_variants(ch):
        for r in _readings_of(form).split(","):
            parsed = reading_of(r) if r else None
            if parsed:
                out.add(parsed)
    return frozenset(out)


def pinyin_version() -> str:
    """The pypinyin release the shipped readings were taken from."""
    from ..encoding import _tablefile

    return str(_tablefile.header(_tablefile.PINYIN)["sources"]["pypinyin"]["version"])
