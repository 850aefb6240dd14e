"""Chinese text normalization: whitespace, pinyin annotations, script, punctuation, paragraphs.

Pure functions over strings.  Each returns ``(new_text, changes)``; every
:class:`~normalize._document.Change` carries the caller's ``target``, the rule's
``step`` and offsets into that step's input, so :func:`normalize._edits.replay`
over the changes reproduces the output.  Steps run in this order:

1. ``whitespace`` -- line breaks, NFC, indentation, NBSP, stray spaces (:mod:`._whitespace`)
2. ``pinyin`` -- reading annotations such as ``優(yōu)`` (:mod:`._pinyin`)
3. ``script`` -- OpenCC Simplified/Traditional conversion (:mod:`._script`)
4. ``punctuation`` -- ASCII marks in Chinese context to full width (:mod:`._punctuation`); for the
   zh-TW and zh-HK targets, ``“”`` / ``‘’`` to ``「」`` / ``『』`` (step ``quotes``, :mod:`._quotes`)
5. ``paragraphs`` -- bodies only: rejoin paragraphs split mid-sentence (:mod:`._paragraphs`)
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from functools import cache

from .._document import Change
from .._edits import OffsetMap
from .._resources import installed_version
from ._options import SCRIPTS, TextOptions, output_language
from ._paragraphs import Layout, SourceLines, join_paragraphs, source_cuts
from ._pinyin import pinyin_version, remove_pinyin
from ._punctuation import fullwidth_punctuation
from ._quotes import convert_quotes
from ._script import convert_script, detect_script, same_article
from ._whitespace import join_lines, normalize_whitespace

DEFAULTS = TextOptions()


def normalize_field(
    text: str, target: str, options: TextOptions = DEFAULTS, *, lines: str = "join"
) -> tuple[str, list[Change]]:
    """Normalize a short field (headline, name, category): whitespace, pinyin, script, punctuation.

    Single spaces between Han characters are kept (deliberate separators in titles).  ``lines``: what
    becomes of the field's line breaks, first (:func:`._whitespace.join_lines`): ``join`` (a title: one
    line, wrapped), ``apart`` (names: a break parts two of them, and becomes a space) or ``keep`` (a
    field of several lines, such as a document's note of its attachments).
    """
    if lines == "keep" or not options.whitespace:
        return _run(text, target, options, body=False)
    joined, changes = join_lines(text, target, apart=lines == "apart")
    out, more = _run(joined, target, options, body=False)
    return out, changes + more


def normalize_body(
    text: str, target: str, options: TextOptions = DEFAULTS, *, source: SourceLines | None = None
) -> tuple[str, list[Change]]:
    """Normalize an article body (paragraphs separated by ``\\n``): all field rules,
    blank-line and stray-space removal, and paragraph re-joining.  ``source``: what the source text
    shows of the body's line breaks (where its hard wrap cut, which breaks are inside a paragraph)."""
    return _run(text, target, options, body=True, source=source)


MAX_PASSES = 3
"""The steps run again on their own output until it no longer changes (at most this many passes).

A later step can give an earlier one new context: re-joining two lines puts a bracket pair on one
line (``（?A`` / ``0:)``), and a bracket absorbing the space before it puts an annotation right after
a character (``据 (yōu)（jù）`` -> ``据（yōu）（jù）``).  Running to a fixed point makes the stage
idempotent: normalizing normalized text changes nothing.  Almost every text is fixed after the second
pass, which changes nothing; the third is a bound, not a norm."""


def _run(
    text: str, target: str, options: TextOptions, *, body: bool, source: SourceLines | None = None
) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    last = len(_STEPS) - 1
    layout = Layout(source) if body else None
    for _ in range(MAX_PASSES):
        text, made, last = _pass(text, target, options, body, last, layout)
        changes = _joined(changes, _unflagged(changes, made))
        if not any(c.applied for c in made):
            break
    return text, changes


def _unflagged(changes: list[Change], made: list[Change]) -> list[Change]:
    """A pass's changes ``made`` without the flags that ``changes`` (the passes before) already raise: a
    text flagged again by a later pass is flagged once (the flags counted only when the pass raised one)."""
    if all(c.applied for c in made):
        return made
    seen = Counter(_flag_key(c) for c in changes if not c.applied)
    fresh: list[Change] = []
    for c in made:
        if not c.applied and seen[_flag_key(c)] > 0:
            seen[_flag_key(c)] -= 1
            continue
        fresh.append(c)
    return fresh


def _joined(changes: list[Change], fresh: list[Change]) -> list[Change]:
    """``changes`` followed by a new pass's ``fresh`` ones.  A log is replayed step by step, a step
    being a run of changes with the same ``step`` (:func:`normalize._edits.replay`): when the new pass
    starts with the step the log ends with (only the paragraphs changed in between), its changes are
    taken into that run, in the run's own coordinates; a flag of the run that a new change settles
    goes."""
    if not changes or not fresh or fresh[0].step != changes[-1].step:
        return changes + fresh
    step = fresh[0].step
    k = next((i for i, c in enumerate(fresh) if c.step != step), len(fresh))
    j = len(changes)
    while j > 0 and changes[j - 1].step == step:
        j -= 1
    run = changes[j:]
    done = [(c.start, c.end) for c in run if c.applied]
    back = OffsetMap([(c.start, c.end, c.after) for c in run if c.applied])
    moved: list[Change] = []
    for c in fresh[:k]:
        s, e = back.to_old(c.start), back.to_old(c.end)
        if any((s < de and ds < e) or (s, e) == (ds, de) for ds, de in done):
            return changes + fresh  # it works on what the run wrote: cannot be one step (never seen)
        moved.append(dataclasses.replace(c, start=s, end=e))
    settled = {(c.start, c.end) for c in moved if c.applied}
    kept = [c for c in run if c.applied or (c.start, c.end) not in settled]
    merged = sorted([*kept, *moved], key=lambda c: (c.start, c.end))
    return changes[:j] + merged + fresh[k:]


def _flag_key(c: Change) -> tuple[str, str]:
    """What makes two flags the same flag across passes (offsets move; bracket widths and the script
    of the note's character change)."""
    return (c.kind, unicodedata.normalize("NFKC", c.before))


def _step_whitespace(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    if not options.whitespace:
        return text, []
    wrapped = layout.input_cuts() if layout is not None else frozenset()
    return normalize_whitespace(text, target, body=body, wrapped=wrapped)


def _step_pinyin(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    return remove_pinyin(text, target) if options.pinyin else (text, [])


def _step_script(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    return convert_script(text, target, options.script) if options.script != "keep" else (text, [])


def _step_punctuation(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    return (
        fullwidth_punctuation(text, target, ellipsis=options.ellipsis) if options.punctuation else (text, [])
    )


def _step_quotes(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    return convert_quotes(text, target, options.script) if options.punctuation else (text, [])


def _step_paragraphs(
    text: str, target: str, options: TextOptions, body: bool, layout: Layout | None
) -> tuple[str, list[Change]]:
    return join_paragraphs(text, target, layout) if body and options.paragraphs else (text, [])


_STEPS = (_step_whitespace, _step_pinyin, _step_script, _step_punctuation, _step_quotes, _step_paragraphs)
"""The steps of a pass, in order (the module docstring)."""


def _pass(
    text: str, target: str, options: TextOptions, body: bool, until: int, layout: Layout | None = None
) -> tuple[str, list[Change], int]:
    """One pass of the steps over ``text``: its text, its changes and the index of the last step that
    applied one (-1 if none did).  ``until``: the index of the last step that applied a change in the
    pass before.  The steps after it then saw the text this pass starts from and changed nothing: while
    this pass changes nothing either, they would see it again, and they are not run (the flags they
    would raise again are the ones the pass before raised, which :func:`_run` drops)."""
    changes: list[Change] = []
    last = -1
    for i, step in enumerate(_STEPS):
        if i > until and last < 0:
            break
        text, made = step(text, target, options, body, layout)
        if layout is not None:
            layout.saw(text, made)
        changes.extend(made)
        if any(c.applied for c in made):
            last = i
    return text, changes, last


@cache
def converter_versions() -> dict[str, str]:
    """Versions of the libraries the text rules use: ``{"opencc": ..., "pypinyin": ...}``."""
    out: dict[str, str] = {}
    if opencc := installed_version("opencc"):  # a hard dependency
        out["opencc"] = opencc
    out["pypinyin"] = pinyin_version()  # the release the shipped readings were taken from
    return out


__all__ = [
    "DEFAULTS",
    "SCRIPTS",
    "SourceLines",
    "TextOptions",
    "converter_versions",
    "detect_script",
    "normalize_body",
    "normalize_field",
    "output_language",
    "same_article",
    "source_cuts",
]
