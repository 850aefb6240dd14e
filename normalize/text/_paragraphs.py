"""Paragraph rule: rejoin paragraphs that a page or column break split mid-sentence.

A body is paragraphs separated by ``\\n``.  The break after paragraph A is removed
(``paragraph.joined``) only when all of these hold:

* A is a real text paragraph: at least :data:`MIN_LENGTH` characters (a heading, byline
  or list title is short) with clause punctuation in it, or a shorter one in which a
  sentence already ended (``三是制定行动方案。按照`` -- a heading holds no full stop
  followed by more text), or that the break cut inside a word (:func:`cuts_word`:
  ``一味溺爱孩`` / ``子或否定孩子``) or inside a bracket or quote B closes
  (``（记者王阿`` / ``敏）``) -- a page break early in a paragraph leaves a short part;
* A ends mid-sentence: its last character is a Han character, a digit, a letter or an
  in-sentence mark (``，、“《（`` ...), not sentence-final punctuation (``。！？…；：”）``...);
* the next paragraph B continues it: it starts with a Han character, a digit or a
  lowercase letter, does not start with a list marker (``一是``, ``二、``, ``（一）``,
  ``1.``, ``第三条`` ...), and is not itself heading-like (short without final punctuation).

A hard-wrapped text (copied from a fixed-width page: most of its lines share one length,
:func:`_wrap_width`, measured on the lines as the page laid them out, reading annotations and all:
:class:`Layout`) is cut every 30 to 40 characters: a line of that width that ends
mid-sentence is part of a paragraph however short it is (a paragraph's first line, its indent
stripped, is as long less the indent; a body's first line, whose head the page's reader may have
lifted (a dateline), when a full line follows it), and so is a line after it however short.  And a B that
starts with a mark no paragraph starts with (``，。：）》”`` ...: a break fell right before it)
continues A whatever A ends with (``…目标。`` / ``”会议随后结束``).  Where the source sets its
paragraphs apart (blank lines, indents), a bare line break after a line the wrap cut is inside a
paragraph even right after a full stop; the wrap is then also measured on the source's own lines, with
what the parser lifted off them (a dateline).  Where the source turns a page (a form feed, a jump line
or page number the parser took out), a line that stops mid-sentence goes on after it however short it
is.  The text stage tells all three (:class:`SourceLines`).

A join is also only flagged when the next paragraph is one sentence that repeats text found
elsewhere in the body (most of its Han 4-grams occur twice): a pull quote set into the sentence by the
page layout, which the page parser should remove; joining would glue it into the text.
A pull quote is a sentence of its own: one that opens with ``，`` or ``）`` is not, nor one whose text
across the break occurs elsewhere too (the break cut a phrase the body repeats: :func:`_seam_repeated`).

Joins where the seam is ambiguous -- digit against digit (``17`` / ``9%``) or letter
against letter (a word may need a space) -- are only flagged (``applied=False``), except digits
after a line as long as the text's hard wrap: the wrap cut the number (``19`` / ``97年``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .. import _memo
from .._document import Change
from .._edits import OffsetMap, apply_changes
from ._chars import is_han

STEP = "paragraphs"
KIND = "paragraph.joined"
MIN_LENGTH = 40
HEADING_MAX = 30
_FINAL = frozenset("。！？…；：”’）》」』】〕.!?;:\"')]—")
_CLAUSE = frozenset("，。；：！？、")
_SENTENCE_END = frozenset("。！？")
_OPEN_MID = frozenset("，、“‘《（(［[「『【〔")
_CN_NUM = "一二三四五六七八九十百零〇两"
_LIST_RE = re.compile(
    f"(?:[{_CN_NUM}]+[、是要]|第[{_CN_NUM}\\d]+[章节条款部分篇项、]|\\d+(?:[.．](?!\\d)|[、)）])|[（(][{_CN_NUM}\\d]+[）)]"
    f"|[①-⑳⑴-⒇⒈-⒛]|(?:首先|其次|再次|最后|此外)[，,])"
)


@dataclass(frozen=True, slots=True)
class SourceLines:
    """What the source text shows of a body's line breaks (offsets into the body the stage is given)."""

    inside: frozenset[int] = frozenset()
    """Breaks inside a paragraph: bare line breaks where the source sets its paragraphs apart (blank
    lines, indents)."""
    cut: Mapping[int, bool] | None = None
    """Whether the source line before each break was cut by the source's hard wrap, measured on the
    source's own lines (with what the parser lifted off them: a dateline, a reporter's name); None if
    they show no wrap."""
    pages: frozenset[int] = frozenset()
    """Breaks where the source turns a page: a form feed, or page furniture the parser took out
    (``（下转第6版）``, ``— 6 —``)."""


class Layout:
    """A body's lines as its source laid them out, for the hard wrap (:func:`_wrap_width`) to be
    measured on: the text as the first step of the stage left it (whitespace normalized), and the
    edits every step made, to find where a line of the text a step is given ended there; and what the
    source itself shows of the breaks (:class:`SourceLines`), which is taken first where it knows.

    A page annotated with readings is wrapped with them in (``經(jīng)濟`` / ``體(tǐ)制``, a reading
    cut too: ``轉(zhuǎ`` / ``n)變``): once the readings go, its lines are of every length and show no
    wrap, and every paragraph stayed cut into its lines."""

    __slots__ = ("_edits", "_ends", "_first", "_first_edits", "_maps", "_origin", "_source")

    def __init__(self, source: SourceLines | None = None) -> None:
        self._source = source
        self._origin: str | None = None
        self._first_edits: list[tuple[int, int, str]] = []
        self._first: OffsetMap | None = None  # from the first step's text back to the stage's input
        self._edits: list[list[tuple[int, int, str]]] = []
        self._maps: list[OffsetMap] = []
        self._ends: dict[int, bool] | None = None

    def saw(self, text: str, changes: list[Change]) -> None:
        """A step ran: ``text`` is what it made, ``changes`` what it did (offsets into what it was given)."""
        edits = [(c.start, c.end, c.after) for c in changes if c.applied]
        if self._origin is None:
            self._origin = text
            self._first_edits = edits
        elif edits:
            self._edits.append(edits)

    def input_cuts(self) -> frozenset[int]:
        """Before the first step: the offsets of the breaks of the stage's input after lines the source's
        hard wrap cut (as its own lines show it); empty after, or if the source shows no wrap."""
        source = self._source
        if self._origin is not None or source is None or not source.cut:
            return frozenset()
        return frozenset(at for at, cut in source.cut.items() if cut)

    def cut(self, text: str) -> list[tuple[bool, bool, bool]] | None:
        """For each line break of ``text`` (a later step's input): whether the line before it was cut by
        the source's hard wrap (as the source's own lines show it, :class:`SourceLines`, or as the first
        step's text does, :func:`_cut_ends`), whether the source shows the break inside a paragraph, and
        whether a page turns there; None if the source shows none of these."""
        if self._origin is None:
            return None
        if self._ends is None:
            self._ends = _cut_ends(self._origin.split("\n"))
        source = self._source
        if not self._ends and (source is None or not (source.cut or source.pages)):
            return None
        self._maps += [OffsetMap(e) for e in self._edits[len(self._maps) :]]
        if source is not None and self._first is None:
            self._first = OffsetMap(self._first_edits)
        out: list[tuple[bool, bool, bool]] = []
        at = text.find("\n")
        while at >= 0:
            o = at
            for m in reversed(self._maps):
                o = m.to_old(o)
            full = self._ends.get(o, False)
            inside = page = False
            if source is not None and self._first is not None:
                r = self._first.to_old(o)
                if source.cut is not None and source.cut.get(r):
                    full = True
                inside = full and r in source.inside
                page = r in source.pages
            out.append((full, inside, page))
            at = text.find("\n", at + 1)
        return out


def source_cuts(bodies: Sequence[Mapping[int, int]]) -> list[dict[int, bool] | None]:
    """For the bodies of one source whose source lines are known (per body: break offset -> the length
    of the source line before it, as the page set it), whether the source's hard wrap cut each line
    (a page's wrap, measured on all its lines: :func:`_wrap_width`); None for every body if the lines
    show no wrap."""
    width = _wrap_width_of(n for lines in bodies for n in lines.values())
    if width is None:
        return [None] * len(bodies)
    return [{at: width - n in WRAPPED_SHORT_BY for at, n in lines.items()} for lines in bodies]


def _cut_ends(lines: list[str]) -> dict[int, bool]:
    """The offset of each line break of the text ``lines`` make and whether the line before it was cut
    by the text's hard wrap (:func:`_wrap_width`): as long as the wrap, or shorter by an indent the
    reader stripped, or the first line when a full line follows it (its head may have been lifted: a
    dateline); empty if the text shows no wrap."""
    width = _wrap_width(lines)
    if width is None:
        return {}
    ends: dict[int, bool] = {}
    offset = 0
    for i, line in enumerate(lines[:-1]):
        offset += len(line)
        ends[offset] = _full(width, i, line, lines[i + 1])
        offset += 1
    return ends


def _full(width: int, i: int, line: str, nxt: str) -> bool:
    """Whether ``line`` (the ``i``-th of a text wrapped at ``width``, ``nxt`` the one after it) was cut
    where it ends (:func:`_cut_ends`)."""
    if width - len(line) in WRAPPED_SHORT_BY:
        return True
    return i == 0 and len(nxt) == width and not _LIST_RE.match(line)


def join_paragraphs(text: str, target: str, layout: Layout | None = None) -> tuple[str, list[Change]]:
    """Remove page/column breaks inside sentences (see the module docstring).  ``layout``: the lines
    as the source laid them out, where the hard wrap is measured (default: ``text``'s own)."""
    if "\n" not in text:
        return text, []
    paras = text.split("\n")
    cut = layout.cut(text) if layout is not None else None
    width = _wrap_width(paras) if cut is None else None
    changes: list[Change] = []
    offset = 0
    current = ""  # the paragraph being built (after earlier joins)
    for i, para in enumerate(paras[:-1]):
        current = (
            current + para
            if current and changes and changes[-1].applied and changes[-1].start == offset - 1
            else para
        )
        offset += len(para)
        nxt = paras[i + 1]
        if cut is not None:
            full, inside, page = cut[i]
        else:
            full, inside, page = width is not None and _full(width, i, para, nxt), False, False
        verdict = _verdict(current, nxt, full, inside, page)
        if (
            verdict is not None
            and verdict[1]
            and not inside
            and nxt[0] not in _CONTINUING
            and _repeated(nxt, text)
            and not _seam_repeated(current, nxt, text)
            and not cuts_word(current, nxt)
        ):
            verdict = (0.3, False, "the next paragraph repeats text found elsewhere (a pull quote?)")
        if verdict is not None:
            conf, applied, note = verdict
            changes.append(
                Change(
                    KIND, target, offset, offset + 1, "\n", "" if applied else "\n", STEP, conf, applied, note
                )
            )
        offset += 1
    return apply_changes(text, changes), changes


def _verdict(
    a: str, b: str, full: bool = False, inside: bool = False, page: bool = False
) -> tuple[float, bool, str] | None:
    """Whether the break between ``a`` (the paragraph so far) and ``b`` is inside a sentence (see the
    module docstring); ``full``: the last line of ``a`` is as long as the text's hard wrap
    (:func:`_wrap_width`), so it was cut where it ends, whatever its length; ``inside``: and the source
    shows the break inside a paragraph, so the wrap cut it even after a full stop; ``page``: the source
    turns a page there, so a line that stops mid-sentence goes on after it however short it is."""
    if not a or not b:
        return None
    last, first = a[-1], b[0]
    if first in _CONTINUING:
        return 0.9, True, ""
    if inside:  # even before a list marker: the source shows no paragraph starting there
        return 0.9, True, ""
    if (
        page
        and (is_han(last) or last.isalnum() or last in _OPEN_MID)
        and (is_han(first) or first.isalnum())
        and not _LIST_RE.match(b)
    ):
        return 0.85, True, ""
    # each mark looked for at C speed (a paragraph joined so far is searched at every break after it)
    long_text = full or (len(a) >= MIN_LENGTH and any(c in a for c in _CLAUSE))
    if (
        not long_text
        and not any(a.find(c, 0, len(a) - 1) >= 0 for c in _SENTENCE_END)
        and not _closes(a, b)
        and not cuts_word(a, b)
    ):
        return None
    if last in _FINAL:
        return None
    if not (is_han(last) or last.isalnum() or last in _OPEN_MID):
        return None
    if not (full or is_han(first) or first.isdigit() or (first.isascii() and first.islower())):
        return None  # after a line the wrap cut, the next goes on whatever it starts with (％, “)
    if _LIST_RE.match(b):
        return None
    if not full and len(b) <= HEADING_MAX and b[-1] not in _FINAL:
        return None
    if last.isdigit() and first.isdigit() and not full:  # a wrap cuts a number anywhere
        return 0.4, False, "digits on both sides of the break"
    if last.isascii() and last.isalpha() and first.isascii() and first.isalpha():
        return 0.4, False, "letters on both sides of the break (a space may be needed)"
    if is_han(last) and is_han(first):
        return 0.9, True, ""
    return 0.8, True, ""


_CONTINUING = frozenset("，、；：。！？）)］]》」』】〕”")
"""Marks that no paragraph starts with (clause and sentence marks, closing brackets and quotes): a
line that does continues the paragraph before it, whatever that ends with (``…。`` / ``”``).  Not
``’``: it is also the apostrophe of a year (``’97``), which may open a paragraph."""
WRAP_MIN = 16
"""Shortest line length taken for a hard wrap's width (:func:`_wrap_width`)."""
WRAP_LINES = 3
"""Lines that must share the width of a hard wrap."""
WRAPPED_SHORT_BY = frozenset((0, 2, 4))
"""How much shorter than the wrap's width a line it cut may be: not at all, or by a paragraph's indent
(two ideographic spaces, or four spaces), which the page's reader strips from the first line."""


def _wrap_width(paras: list[str]) -> int | None:
    """The width the text was hard-wrapped at, if it was: the length that most of its lines of at
    least :data:`WRAP_MIN` characters share (at least :data:`WRAP_LINES` of them, and four times as
    many as are longer: a wrap leaves no line longer than its width, bar a few it did not cut).
    A text copied from a fixed-width page is cut every 30 to 40 characters, mid-word and mid-sentence;
    a line of that width is a part of a paragraph however short the width is."""
    return _wrap_width_of(len(p) for p in paras)


def _wrap_width_of(lengths: Iterable[int]) -> int | None:
    """:func:`_wrap_width` of lines of these lengths."""
    counts = Counter(n for n in lengths if n >= WRAP_MIN)
    if not counts:
        return None
    width, lines = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    longer = sum(k for n, k in counts.items() if n > width)
    return width if lines >= WRAP_LINES and lines >= 4 * longer else None


REPEAT_GRAM = 4
_CLOSERS = "”’」』）)"
REPEAT_SHARE = 0.5
PULL_QUOTE_GRAMS = 8
"""Fewest Han 4-grams of a pull quote (eleven Han characters): a page sets a sentence apart to catch the
eye, not a tail of a few words (``市场的波动幅度。``, the rest of a line a hard wrap cut, whose words the
text may well repeat)."""


def _repeated(para: str, body: str) -> bool:
    """Whether ``para`` is one sentence most of whose Han 4-grams occur elsewhere in ``body`` too
    (a pull quote repeats a sentence of the article, set apart from it by the layout; a paragraph of
    several sentences, or one cut off mid-sentence, is none, however often a law repeats its terms)."""
    if sum(para.count(c) for c in _SENTENCE_END) > 1 or para.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END:
        return False
    han = "".join(c for c in para if is_han(c))
    grams = {han[i : i + REPEAT_GRAM] for i in range(len(han) - REPEAT_GRAM + 1)}
    if len(grams) < PULL_QUOTE_GRAMS:
        return False
    seen = _gram_counts(body)
    found = sum(1 for g in grams if seen[g] >= 2)
    return found >= REPEAT_SHARE * len(grams)


_PAIRS = {"（": "）", "(": ")", "“": "”", "《": "》", "【": "】", "「": "」", "『": "』", "〔": "〕"}


def _closes(a: str, b: str) -> bool:
    """Whether ``b`` closes a bracket or quote that ``a`` leaves open (``（记者王阿`` / ``敏）河南省…``): the
    break fell inside it, and a heading leaves none open."""
    for opener, closer in _PAIRS.items():
        if a.count(opener) > a.count(closer):
            at = b.find(closer)
            if at >= 0 and opener not in b[:at]:
                return True
    return False


CUT_GAIN = 5.0
"""How much more plausible (nats, by the word model) the four characters on each side of a break read
joined than apart for the break to cut a word (:func:`cuts_word`).  Measured on the breaks left in the
bench corpus's records: 0 to 2.3 after a heading, 5.7 to 17.7 for most page breaks inside a word
(``一味溺爱孩`` / ``子或否定孩子``: 10.8)."""


def cuts_word(a: str, b: str) -> bool:
    """Whether the break between ``a`` and ``b`` (Han characters on both sides) cuts a word: the text
    across it reads far better joined (:data:`CUT_GAIN`).  A heading, or a pull quote set between two
    lines, meets the text after it at random."""
    if not (a and b and is_han(a[-1]) and is_han(b[0])):
        return False
    from ..encoding import _cjkscore  # the word model: loaded only for a break that needs it

    x, y = a[-4:], b[:4]
    return _cjkscore.cost(x) + _cjkscore.cost(y) - _cjkscore.cost(x + y) >= CUT_GAIN


SEAM_GRAMS = 2
"""How many of the three 4-grams across a break must occur elsewhere in the body for the text on its two
sides to be one sentence the body says again (:func:`_seam_repeated`)."""


def _seam_repeated(before: str, after: str, body: str) -> bool:
    """Whether the text across the break between ``before`` and ``after`` occurs elsewhere in ``body``
    (:data:`SEAM_GRAMS` of its three 4-grams): the break cut a phrase the body repeats (a law names its
    terms again and again: ``经血液途`` / ``径传播的疾病``), so ``after`` goes on from ``before``.  A pull
    quote is set between two lines at random: the text across each of its edges is found nowhere else."""
    seam = before[-(REPEAT_GRAM - 1) :] + after[: REPEAT_GRAM - 1]
    if len(seam) < 2 * (REPEAT_GRAM - 1):
        return False
    seen = _gram_counts(body)
    return sum(1 for i in range(REPEAT_GRAM - 1) if seen[seam[i : i + REPEAT_GRAM]]) >= SEAM_GRAMS


@_memo.lru_cache(maxsize=1)
def _gram_counts(body: str) -> Counter[str]:
    """How often each REPEAT_GRAM-character string occurs in ``body`` (overlaps counted), counted
    once per text: a page of many short lines asks for every one of them."""
    n = REPEAT_GRAM
    return Counter([body[i : i + n] for i in range(len(body) - n + 1)])  # a list counts faster
