"""Punctuation rule (GB/T 15834): ASCII ``, ; : ? ! ( )`` -> ``，；：？！（）`` in Chinese text.

"Chinese context" means a Han character or CJK punctuation next to the mark, skipping
spaces:

* ``, ; : ? !`` convert when the character before *or* after them is Chinese.  Between
  digits (``1,000``, ``3:30``) or Latin text (``AI, 5G``) they stay.
* ``( )`` convert as a pair (both or neither, matched within a line): when the
  character before ``(`` is Chinese, when the content holds a Han character, or when
  ``(`` starts a line / follows a space and the character after ``)`` is Chinese.  So
  ``数据管理能力成熟度模型(DCMM)贯标`` -> ``（DCMM）`` while ``f(x)`` stays.  In a mixed
  pair (``（…)``) the ASCII half is converted.
* ``...`` (three or six dots) -> ``……`` after a Chinese character (``punct.ellipsis``).
* URLs, e-mail addresses and HTML character references (``&nbsp;``) are left untouched; spaces
  around a converted mark are absorbed into its change (full-width marks carry their own spacing).
* A line of Latin text is not Chinese text, whatever Chinese it quotes: a line with at least
  :data:`LATIN_WORDS_PER_HAN` Latin words per Han character (``held in Beijing (北京) on Monday,
  drew 300 delegates``, an English abstract of a policy document) keeps its punctuation.
* A ``?`` right between two Han characters (or a Han character and ``，。、；：``, which no question mark
  stands before), in a text that writes no other ASCII punctuation next to Chinese and not after a
  question particle (``吗呢么吧``), is flagged, not converted: it is
  what an encoder writes for a character its codec lacks (a Big5 copy of ``烏鶇`` reads ``烏?``),
  and a question mark made of it would be invented (``punct.unclear``, unapplied).
"""

from __future__ import annotations

import re

from .._document import Change
from .._edits import apply_changes
from ._chars import HTML_REFERENCE, han_count, is_chinese, is_han

STEP = "punctuation"
UNCLEAR = "punct.unclear"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CANDIDATE_RE = re.compile(r"[,;:?!()（）]|\.{3}(?:\.{3})?")
LATIN_WORDS_PER_HAN = 3
"""Latin words (two letters or more) per Han character from which a line is Latin text (see the module
docstring).  A Chinese line that names things in English (``数据管理能力成熟度模型(DCMM)贯标``, ``使用
Python的pandas库读取CSV文件``) has far fewer; an English sentence that glosses a name in Chinese
(``said Li Wei (李伟), a spokesman``) has tens per character."""
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_PROTECTED_RE = re.compile(
    r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|www\.[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
    rf"|{HTML_REFERENCE}"
)


def fullwidth_punctuation(text: str, target: str, *, ellipsis: bool = True) -> tuple[str, list[Change]]:
    """Convert ASCII punctuation in Chinese context to full-width forms (see the module docstring)."""
    if not any(c in text for c in ",;:?!()."):
        return text, []
    protected = [m.span() for m in _PROTECTED_RE.finditer(text)] + _latin_lines(text)
    cands = [m for m in _CANDIDATE_RE.finditer(text) if not _inside(m.start(), protected)]
    if not cands:
        return text, []
    convert: dict[int, str] = {}  # position of a single-char mark -> full-width form
    lost = _lost_characters(text, cands)
    while True:  # a converted mark is Chinese context for its neighbours: iterate to a fixed point
        known = len(convert)
        _pairs(text, cands, convert)
        _marks(text, cands, convert, ellipsis, lost)
        if len(convert) == known:
            break
    changes: list[Change] = []
    for m in cands:
        a, b = m.span()
        mark = m.group()
        if mark[0] == ".":
            if a in convert:
                changes.append(Change("punct.ellipsis", target, a, b, mark, "……", STEP))
        elif a in convert and mark in _FULL:
            s, e = _absorb_spaces(text, a, b)
            changes.append(Change("punct.fullwidth", target, s, e, text[s:e], _FULL[mark], STEP))
        elif a in lost:
            note = "'?' after a Han character, before one or a clause mark: a character an encoder lacked?"
            changes.append(Change(UNCLEAR, target, a, b, mark, mark, STEP, 0.5, False, note))
    changes = _drop_overlaps(changes)
    return apply_changes(text, changes), changes


def _latin_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the lines of ``text`` that are Latin text (:data:`LATIN_WORDS_PER_HAN`)."""
    if not _LATIN_WORD_RE.search(text):
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        words = len(_LATIN_WORD_RE.findall(line))
        if words and words >= LATIN_WORDS_PER_HAN * han_count(line):
            spans.append((start, end))
        start = end + 1
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _prev(text: str, i: int) -> tuple[int, str]:
    """The first non-space character before position ``i`` (index, char); ("" at line start)."""
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] == "\n":
        return j, ""
    return j, text[j]


def _next(text: str, i: int) -> tuple[int, str]:
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    if j >= len(text) or text[j] == "\n":
        return j, ""
    return j, text[j]


def _is_chinese_at(text: str, j: int, ch: str, convert: dict[int, str]) -> bool:
    return bool(ch) and (is_chinese(ch) or j in convert)


def _chinese_before(text: str, i: int, convert: dict[int, str]) -> bool:
    j, ch = _prev(text, i)
    return _is_chinese_at(text, j, ch, convert)


def _chinese_after(text: str, i: int, convert: dict[int, str]) -> bool:
    j, ch = _next(text, i)
    return _is_chinese_at(text, j, ch, convert)


def _between_digits(text: str, a: int, b: int) -> bool:
    return a > 0 and b < len(text) and text[a - 1].isdigit() and text[b].isdigit()


def _marks(
    text: str, cands: list[re.Match[str]], convert: dict[int, str], ellipsis: bool, lost: set[int]
) -> None:
    for m in cands:
        a, b = m.span()
        mark = m.group()
        if a in convert:
            continue
        if mark[0] == ".":
            if ellipsis and _chinese_before(text, a, convert):
                convert.update(dict.fromkeys(range(a, b), "……"))
            continue
        if mark not in ",;:?!" or _between_digits(text, a, b):
            continue
        if a in lost:
            continue
        if _chinese_before(text, a, convert) or _chinese_after(text, b, convert):
            convert[a] = _FULL[mark]


_QUESTION_PARTICLES = frozenset("吗嗎呢么麼嘛吧啊呀哪谁誰何")
_HALF_WIDTH_CONTEXT = re.compile(r"[\u3400-\u9fff][,;!:]|[,;!:][\u3400-\u9fff]")


_CLAUSE_MARKS = frozenset("，。、；：")
"""Marks no question mark stands right before (``字表?基?；``: two characters the encoder lacked)."""


def _lost_characters(text: str, cands: list[re.Match[str]]) -> set[int]:
    """Where a ``?`` may stand for a character an encoder lacked (see the module docstring): after a Han
    character and before another or a clause mark (:data:`_CLAUSE_MARKS`), not after a question
    particle, in a text that does not write ASCII punctuation next to Chinese otherwise."""
    at = {
        a
        for m in cands
        if m.group() == "?"
        and 0 < (a := m.start()) < len(text) - 1
        and is_han(text[a - 1])
        and (is_han(text[a + 1]) or text[a + 1] in _CLAUSE_MARKS)
        and text[a - 1] not in _QUESTION_PARTICLES
    }
    return at if at and _HALF_WIDTH_CONTEXT.search(text) is None else set()


def _pairs(text: str, cands: list[re.Match[str]], convert: dict[int, str]) -> None:
    """Match brackets per line; mark the ASCII ones of Chinese-context pairs for conversion."""
    stack: list[int] = []
    line_end = -1
    for m in cands:
        a = m.start()
        ch = m.group()
        if ch not in "()（）":
            continue
        if a > line_end:  # a new line: unmatched openers of the previous one stay as they are
            stack.clear()
            nl = text.find("\n", a)
            line_end = len(text) if nl < 0 else nl
        if ch in "(（":
            stack.append(a)
            continue
        if not stack:
            continue
        o = stack.pop()
        opener = text[o]
        if opener == "（" and ch == "）":
            continue
        if opener == "（" or ch == "）":  # a mixed pair: the full-width half is the context
            if opener == "(":
                convert[o] = "（"
            if ch == ")":
                convert[a] = "）"
            continue
        inner = text[o + 1 : a]
        jb, before = _prev(text, o)
        ja, after = _next(text, a + 1)
        glued = o > 0 and text[o - 1] not in " \n"
        chinese = (
            _is_chinese_at(text, jb, before, convert)
            or any(is_han(c) for c in inner)
            or (not glued and _is_chinese_at(text, ja, after, convert))
        )
        if chinese:
            convert[o] = "（"
            convert[a] = "）"


def _absorb_spaces(text: str, a: int, b: int) -> tuple[int, int]:
    """Widen ``[a, b)`` over the spaces on both sides (a full-width mark carries its own spacing)."""
    s, e = a, b
    while s > 0 and text[s - 1] == " ":
        s -= 1
    while e < len(text) and text[e] == " ":
        e += 1
    return s, e


def _drop_overlaps(changes: list[Change]) -> list[Change]:
    out: list[Change] = []
    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        if out and c.start < out[-1].end:
            # two marks claimed the same spaces: give them to the earlier mark
            cut = out[-1].end - c.start
            c = Change(c.kind, c.target, out[-1].end, c.end, c.before[cut:], c.after, c.step)
            if c.start > c.end:
                continue
        out.append(c)
    return out
