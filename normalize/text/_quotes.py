"""Quotation marks rule for Traditional Chinese targets: ``“”`` -> ``「」`` and ``‘’`` -> ``『』``.

Taiwan and Hong Kong set quotations in corner brackets (``「…」``, and ``『…』`` inside them), while
Simplified text, and OpenCC's conversion of it, keeps the curly quotes.  With ``--script zh-TW`` or
``zh-HK`` the records should follow the target's convention, so this rule converts, and logs each
converted mark as a :class:`~normalize._document.Change` with step ``quotes`` (kind ``punct.quotes``).

It never guesses (the toolkit does not "fix" correct text):

* only **paired** marks convert: ``“`` matched with the next ``”`` on the same line, ``‘`` with ``’``,
  properly nested (corner brackets already in the text take part in the nesting).  A quote left open at
  the end of a line (a quotation running over several paragraphs), a closing mark with no opening one
  and an apostrophe (``don’t``) stay as they are; a line whose marks cross (``“a‘b”c’``) is left whole;
* only in **Chinese context**: the quoted text holds a Han character, or the first non-space character
  before the opening mark or after the closing one is Han or CJK-only punctuation (``，。「」…``).  So
  ``他说“好”`` and ``“AI”技术`` convert while ``“OK”`` in an English sentence stays;
* a ``“”`` pair inside another quotation (an enclosing ``“”`` or ``「」`` pair) becomes ``『』``, the
  second level, so nesting reads ``「…『…』…」`` as the convention wants; ``‘’`` always becomes ``『』``.

Other targets (``zh-Hans``, ``zh-Hant``, ``keep``) are returned unchanged.
"""

from __future__ import annotations

from .._document import Change
from .._edits import apply_changes
from ._chars import is_han, is_strict_punct

STEP = "quotes"
KIND = "punct.quotes"
TARGETS = frozenset({"zh-TW", "zh-HK"})
"""The scripts whose convention is corner brackets."""

_OPEN = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_CORNER = {"“": ("「", "」"), "‘": ("『", "』")}
_NESTED = ("『", "』")


def convert_quotes(text: str, target: str, script: str) -> tuple[str, list[Change]]:
    """Convert paired curly quotes in Chinese context to corner brackets for ``zh-TW`` / ``zh-HK``.

    Returns the new text and one change per converted mark (offsets into ``text``); see the module
    docstring for which marks convert.
    """
    if script not in TARGETS or not any(q in text for q in "“‘"):
        return text, []
    changes: list[Change] = []
    offset = 0
    for line in text.split("\n"):
        for pos, mark in _line_marks(line):
            changes.append(Change(KIND, target, offset + pos, offset + pos + 1, line[pos], mark, STEP))
        offset += len(line) + 1
    changes.sort(key=lambda c: c.start)
    return apply_changes(text, changes), changes


def _line_marks(line: str) -> list[tuple[int, str]]:
    """``(position, corner mark)`` for each curly quote to convert in one line."""
    stack: list[int] = []  # positions of the open marks (curly or corner)
    pairs: list[tuple[int, int, list[int]]] = []  # (open, close, the open marks enclosing the pair)
    for i, ch in enumerate(line):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE:
            if stack and line[stack[-1]] == _CLOSE[ch]:
                start = stack.pop()
                pairs.append((start, i, list(stack)))
            elif ch == "’":  # an apostrophe (or a stray closing mark): not a quotation
                continue
            elif _CLOSE[ch] in (line[j] for j in stack):
                return []  # crossed marks: which pairs were meant is a guess, so change nothing
    closed = {start for start, _end, _enclosing in pairs}
    out: list[tuple[int, str]] = []
    for start, end, enclosing in pairs:
        mark = line[start]
        if mark not in _CORNER or not _chinese_context(line, start, end):
            continue
        nested = mark == "“" and any(j in closed and line[j] in "“「" for j in enclosing)
        opening, closing = _NESTED if nested else _CORNER[mark]
        out += [(start, opening), (end, closing)]
    return out


def _chinese_context(line: str, start: int, end: int) -> bool:
    """Whether the pair ``line[start]`` … ``line[end]`` quotes Chinese text (see the module docstring)."""
    if any(is_han(ch) for ch in line[start + 1 : end]):
        return True
    before = line[:start].rstrip(" \t\u3000")
    after = line[end + 1 :].lstrip(" \t\u3000")
    return any(bool(ch) and (is_han(ch) or is_strict_punct(ch)) for ch in (before[-1:], after[:1]))
