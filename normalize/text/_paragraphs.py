"""Paragraph rule: rejoin paragraphs that a page or column break split mid-sentence.

A body is paragraphs separated by ``\\n``.  The break after paragraph A is removed
(``paragraph.joined``) only when all of these hold:

* A is a real text paragraph: at least :data:`MIN_LENGTH` characters (a heading, byline
  or list title is short) with clause punctuation in it, or a shorter one in which a
  sentence already ended (``三是制定行动方案。按照`` -- a heading holds no full stop
  followed by more text);
* A ends mid-sentence: its last character is a Han character, a digit, a letter or an
  in-sentence mark (``，、“《（`` ...), not sentence-final punctuation (``。！？…；：”）``...);
* the next paragraph B continues it: it starts with a Han character, a digit or a
  lowercase letter, does not start with a list marker (``一是``, ``二、``, ``（一）``,
  ``1.``, ``第三条`` ...), and is not itself heading-like (short without final punctuation).

A hard-wrapped text (copied from a fixed-width page: most of its lines share one length,
:func:`_wrap_width`) is cut every 30 to 40 characters: a line of that width that ends
mid-sentence is part of a paragraph however short it is (a paragraph's first line, its indent
stripped, is as long less the indent; a body's first line, whose head the page's reader may have
lifted (a dateline), when a full line follows it), and so is a line after it however short.  And a B that
starts with a mark no paragraph starts with (``，。：）》”`` ...: a break fell right before it)
continues A whatever A ends with (``…目标。`` / ``”会议随后结束``).

A join is also only flagged when the next paragraph is one sentence that repeats text found
elsewhere in the body (most of its Han 4-grams occur twice): a pull quote set into the sentence by the
page layout, which the page parser should remove; joining would glue it into the text.
A pull quote is a sentence of its own: one that opens with ``，`` or ``）`` is not.

Joins where the seam is ambiguous -- digit against digit (``17`` / ``9%``) or letter
against letter (a word may need a space) -- are only flagged (``applied=False``), except digits
after a line as long as the text's hard wrap: the wrap cut the number (``19`` / ``97年``).
"""

from __future__ import annotations

import re
from collections import Counter

from .. import _memo
from .._document import Change
from .._edits import apply_changes
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
    f"(?:[{_CN_NUM}]+[、是要]|第[{_CN_NUM}\\d]+[章节条款部分篇项、]|\\d+[.．、)）]|[（(][{_CN_NUM}\\d]+[）)]"
    f"|[①-⑳⑴-⒇⒈-⒛]|(?:首先|其次|再次|最后|此外)[，,])"
)


def join_paragraphs(text: str, target: str) -> tuple[str, list[Change]]:
    """Remove page/column breaks inside sentences (see the module docstring)."""
    if "\n" not in text:
        return text, []
    paras = text.split("\n")
    width = _wrap_width(paras)
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
        full = width is not None and (
            width - len(para) in WRAPPED_SHORT_BY
            # the first line may have lost its head to the page's reader (a dateline: 本报北京3月14日电):
            # it was cut by the wrap all the same when a full line follows it
            or (i == 0 and len(nxt) == width and not _LIST_RE.match(para))
        )
        verdict = _verdict(current, nxt, full)
        if verdict is not None and verdict[1] and nxt[0] not in _CONTINUING and _repeated(nxt, text):
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


def _verdict(a: str, b: str, full: bool = False) -> tuple[float, bool, str] | None:
    """Whether the break between ``a`` (the paragraph so far) and ``b`` is inside a sentence (see the
    module docstring); ``full``: the last line of ``a`` is as long as the text's hard wrap
    (:func:`_wrap_width`), so it was cut where it ends, whatever its length."""
    if not a or not b:
        return None
    last, first = a[-1], b[0]
    if first in _CONTINUING:
        return 0.9, True, ""
    long_text = full or (len(a) >= MIN_LENGTH and any(c in _CLAUSE for c in a))
    if not long_text and not any(c in _SENTENCE_END for c in a[:-1]):
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
    lengths = Counter(n for p in paras if (n := len(p)) >= WRAP_MIN)
    if not lengths:
        return None
    width, lines = max(lengths.items(), key=lambda kv: (kv[1], kv[0]))
    longer = sum(k for n, k in lengths.items() if n > width)
    return width if lines >= WRAP_LINES and lines >= 4 * longer else None


REPEAT_GRAM = 4
_CLOSERS = "”’」』）)"
REPEAT_SHARE = 0.5


def _repeated(para: str, body: str) -> bool:
    """Whether ``para`` is one sentence most of whose Han 4-grams occur elsewhere in ``body`` too
    (a pull quote repeats a sentence of the article, set apart from it by the layout; a paragraph of
    several sentences, or one cut off mid-sentence, is none, however often a law repeats its terms)."""
    if sum(para.count(c) for c in _SENTENCE_END) > 1 or para.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END:
        return False
    han = "".join(c for c in para if is_han(c))
    grams = {han[i : i + REPEAT_GRAM] for i in range(len(han) - REPEAT_GRAM + 1)}
    if len(grams) < 3:
        return False
    seen = _gram_counts(body)
    found = sum(1 for g in grams if seen[g] >= 2)
    return found >= REPEAT_SHARE * len(grams)


@_memo.lru_cache(maxsize=1)
def _gram_counts(body: str) -> Counter[str]:
    """How often each REPEAT_GRAM-character string occurs in ``body`` (overlaps counted), counted
    once per text: a page of many short lines asks for every one of them."""
    n = REPEAT_GRAM
    return Counter([body[i : i + n] for i in range(len(body) - n + 1)])  # a list counts faster
