"""The text as the layout rules read it: one spelling of every marker, whatever the copy looks like.

The conventions of a layout (``原标题：``, ``本报记者``, ``## 政策标题：``, ``发文机关``, ``抄送：`` …) are
the same in every copy, but a copy may be in traditional script (``原標題``, ``本報記者``), carry pinyin
readings after its characters (``原標(biāo)題(tí)``, like seed 003) and use ASCII or full-width colons.
The rules are written once, in simplified script with full-width colons, and match on a :class:`View`
of the text in which

* the pinyin annotations that the text stage's rule (:mod:`normalize.text._pinyin`) would remove are
  deleted (they are readings of the character before them, never text of their own), and so are the
  invisible characters it removes (zero-width space, word joiner, stray BOM);
* the script is folded to simplified: OpenCC ``t2s`` phrase by phrase when that keeps the length (so
  ``批覆`` reads ``批复``), character by character otherwise, and Hong Kong variants (``衞``) folded too;
* ASCII and other colons are folded to the full-width ``：``.

Folding keeps every character in place and deleting annotations only removes text, so the view keeps
a map to the original offsets.  Whatever a rule finds is reported in the *original* text: the spans of
blocks and lifted lines (and so the change log's offsets) and the values lifted into fields, which keep
the document's own characters and annotations.  The text stage later removes those annotations and
converts the script of the values as it does for the body, and logs it.  (The one value taken from the
view itself is the 发文字号, a code kept in one canonical form: see ``_gongwen.normalize_identifier``.)
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from functools import cache
from typing import Final

from .. import _memo
from ..encoding import _tablefile
from ..text._chars import ZERO_WIDTH
from ..text._pinyin import remove_pinyin
from ..text._script import char_convert, convert

COLON = "："
_COLONS = {ord(c): COLON for c in ":\ufe13\ufe30\ufe55"}  # ASCII, vertical and small colon forms
_CJK_START = 0x2E80
_INVISIBLE = re.compile(f"[{ZERO_WIDTH}]+")


class View:
    """``text`` is what the rules match on; ``original`` is what was given.  Read-only (``Final``: a
    plain class, not a frozen dataclass, whose generated ``__init__`` is Python even in the compiled
    build and sets each field through ``object.__setattr__``: 0.4% of the pipeline's time)."""

    __slots__ = ("cuts", "original", "shifts", "text")

    def __init__(
        self, original: str, text: str, cuts: tuple[int, ...] = (), shifts: tuple[int, ...] = ()
    ) -> None:
        self.original: Final = original
        self.text: Final = text
        self.cuts: Final = cuts
        """The view offsets at which text was deleted, in order (empty when nothing was)."""
        self.shifts: Final = shifts
        """How much had been deleted up to and including each cut."""

    def __repr__(self) -> str:
        return f"View({self.original!r}, {self.text!r}, {self.cuts!r}, {self.shifts!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, View):
            return NotImplemented
        return (self.original, self.text, self.cuts, self.shifts) == (
            other.original,
            other.text,
            other.cuts,
            other.shifts,
        )

    def __hash__(self) -> int:
        return hash((self.original, self.text, self.cuts, self.shifts))

    def at(self, i: int) -> int:
        """The original offset of view offset ``i``.

        An annotation deleted after view character ``i - 1`` lies before ``at(i)``: a span of the view
        mapped with :meth:`span` takes the annotations of its characters with it.
        """
        k = bisect_right(self.cuts, i)
        return i + self.shifts[k - 1] if k else i

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.at(start), self.at(end)

    def source(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``."""
        s, e = self.span(start, end)
        return self.original[s:e]

    def group(self, m: re.Match[str], name: int | str = 0) -> str:
        """The original text behind a group of a match made on :attr:`text` (``""`` if it took no part)."""
        if m.start(name) < 0:
            return ""
        return self.source(m.start(name), m.end(name))

    def restore(self, value: str) -> str:
        """``value``, made by a rule out of :attr:`text` (joined lines, spaces dropped, brackets made
        uniform …), in the original's spelling.

        Every character of ``value`` that comes from the view is replaced by the original behind it
        (with its annotation); characters the rule put in itself (a bracket, a separator) stay.  The
        characters are found in order: a substring of the view directly, anything else by aligning it
        with the view (:class:`difflib.SequenceMatcher`).
        """
        if self.text == self.original or not value:
            return value
        k = self.text.find(value)
        if k >= 0:
            return self.source(k, k + len(value))
        out: list[str] = []
        sm = difflib.SequenceMatcher(None, value, self.text, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                out.append(self.source(j1, j2))
            elif op != "insert":  # "delete"/"replace": characters of the value the view lacks
                out.append(value[i1:i2])
        return "".join(out)


def view(text: str) -> View:
    """The view of ``text`` (cached: rules look at the same lines and paragraphs several times).  Lines
    are kept by the thousand; paragraphs up to :data:`PARAGRAPH_MEMO_LEN` only the last
    :data:`PARAGRAPH_MEMO_SIZE` (those of the document at hand); longer texts (a document, the blocks
    of one joined) are not kept: 8,192 of them held a worker's memory growing past 340 MB over 30,000
    documents."""
    n = len(text)
    if n <= VIEW_MEMO_LEN:
        return _view_line(text)
    return _view_paragraph(text) if n <= PARAGRAPH_MEMO_LEN else _view(text)


VIEW_MEMO_LEN = 400
"""Longest text whose view is cached with the lines'."""
PARAGRAPH_MEMO_LEN = 4000
PARAGRAPH_MEMO_SIZE = 64
"""Paragraphs (longer than a line, up to :data:`PARAGRAPH_MEMO_LEN` characters) whose views are kept:
at most 1-2 MB (two strings of 4,000 characters each).  On the 1,000 bench documents, 2,658 views of
798 such paragraphs were made."""


@_memo.lru_cache(maxsize=8192)
def _view_line(text: str) -> View:
    return _view(text)


@_memo.lru_cache(maxsize=PARAGRAPH_MEMO_SIZE)
def _view_paragraph(text: str) -> View:
    return _view(text)


def _view(text: str) -> View:
    spans = _deletions(text)
    if not spans:
        return View(text, fold(text))
    pieces: list[str] = []
    cuts: list[int] = []
    shifts: list[int] = []
    pos = deleted = 0
    for s, e in spans:
        pieces.append(text[pos:s])
        deleted += e - s
        cuts.append(e - deleted)
        shifts.append(deleted)
        pos = e
    pieces.append(text[pos:])
    return View(text, fold("".join(pieces)), tuple(cuts), tuple(shifts))


def _deletions(text: str) -> list[tuple[int, int]]:
    """Spans of what the text stage removes as no text of its own: pinyin annotations (``(yōu)`` after
    ``優``) and invisible characters; in order, not overlapping."""
    spans = [(m.start(), m.end()) for m in _INVISIBLE.finditer(text)] if _has_invisible(text) else []
    if "(" in text or "（" in text:
        _, changes = remove_pinyin(text, "view")
        spans += [(c.start, c.end) for c in changes if c.applied]
        spans.sort()
    return spans


def _has_invisible(text: str) -> bool:
    """Whether ``text`` holds an invisible character: one substring search per character (at memchr
    speed), where the regex steps through the text (15 times slower on a line of Chinese text)."""
    return any(ch in text for ch in ZERO_WIDTH)


def fold(text: str) -> str:
    """``text`` in simplified script with full-width colons, character for character (same length)."""
    if text.isascii():
        return text.translate(_COLONS)
    if len(text) <= FOLD_MEMO_LEN:
        got = _FOLDED.get(text)
        if got is None:
            if len(_FOLDED) >= FOLD_MEMO_SIZE:
                _FOLDED.clear()
            got = _FOLDED[text] = _fold_text(text)
        return got
    return _fold_text(text)


FOLD_MEMO_LEN = 200
FOLD_MEMO_SIZE = 8192
_FOLDED: dict[str, str] = _memo.memo({})
"""Memo of :func:`fold` for lines (the rules fold the same lines many times; an OpenCC call costs
about 10 µs)."""


def _fold_text(text: str) -> str:
    if not _foldable().search(text):  # nothing t2s would convert, no variant: at most a colon
        return _colons(text)
    folded = convert("t2s", text)
    if len(folded) != len(text):  # a phrase changed length somewhere: fold line by line, then by character
        folded = "\n".join(_fold_line(line) for line in text.split("\n"))
    if _has_variant(folded):
        return folded.translate(_FOLD)
    return _colons(folded)


def _colons(text: str) -> str:
    """``text`` with its colons full-width (the common case: no variant to fold, perhaps a colon)."""
    for colon in _COLON_CHARS:
        if colon in text:
            text = text.replace(colon, COLON)
    return text


_COLON_CHARS = "".join(map(chr, _COLONS))


def _has_variant(text: str) -> bool:
    """Whether ``text`` holds a Hong Kong variant that :data:`_FOLD` folds (the shipped ``hk-variants``
    table: every character OpenCC's ``hk2s`` turns into another, 5,126 of them).  A search at C speed,
    where ``str.translate`` with a dict looks every character up (50 ns each: a tenth of the layout
    rules' time was spent there)."""
    return _variants().search(text)


@cache
def _variants() -> _tablefile.CharClass:
    return _tablefile.CharClass(_tablefile.VARIANTS, opencc=True)


@cache
def _foldable() -> _tablefile.CharClass:
    """The characters of a key ``t2s`` converts (``t2s-witnesses``) and the variants :data:`_FOLD` folds,
    in one class: a line of neither (most lines of a simplified text) is looked at once, not twice."""
    return _tablefile.CharClass(_tablefile.WITNESSES, _tablefile.VARIANTS, opencc=True)


def _fold_line(line: str) -> str:
    folded = convert("t2s", line)
    if len(folded) == len(line):
        return folded
    return "".join(_char(ch) for ch in line)


def _char(ch: str) -> str:
    out = char_convert("t2s", ch)
    return out if len(out) == 1 else ch


class _FoldTable(dict[int, str]):
    """Colons, and the characters ``t2s`` keeps that are Hong Kong variants of a simplified one
    (``衞``): a ``str.translate`` table filled as characters are first met (``__missing__``), so a
    text costs one C-level pass, never a set of its characters."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        out = _COLONS.get(cp) or (_hk(ch) if cp >= _CJK_START else ch)
        self[cp] = out
        return out


_FOLD = _memo.memo(_FoldTable())


@_memo.cache
def _hk(ch: str) -> str:
    out = char_convert("hk2s", ch)
    return out if len(out) == 1 else ch
