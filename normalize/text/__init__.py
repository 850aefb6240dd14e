"""Chinese text normalization: whitespace, pinyin annotations, script, punctuation, paragraphs.

Pure functions over strings.  Each returns ``(new_text, changes)``; every
:class:`~normalize._document.Change` carries the caller's ``target``, the rule's
``step`` and offsets into that step's input, so :func:`normalize._edits.replay`
over the changes reproduces the output.  Steps run in this order:

1. ``whitespace`` -- line breaks, NFC, indentation, NBSP, stray spaces (:mod:`._whitespace`)
2. ``pinyin`` -- reading annotations such as ``優(yōu)`` (:mod:`._pinyin`)
3. ``script`` -- OpenCC Simplified/Traditional conversion (:mod:`._script`)
4. ``punctuation`` -- ASCII marks in Chinese context to full width (:mod:`._punctuation`)
5. ``paragraphs`` -- bodies only: rejoin paragraphs split mid-sentence (:mod:`._paragraphs`)
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from .._document import Change
from ._options import SCRIPTS, TextOptions, output_language
from ._paragraphs import join_paragraphs
from ._pinyin import remove_pinyin
from ._punctuation import fullwidth_punctuation
from ._script import convert_script, detect_script
from ._whitespace import normalize_whitespace

DEFAULTS = TextOptions()


def normalize_field(text: str, target: str, options: TextOptions = DEFAULTS) -> tuple[str, list[Change]]:
    """Normalize a short field (headline, name, category): whitespace, pinyin, script, punctuation.

    Single spaces between Han characters are kept (deliberate separators in titles).
    """
    return _run(text, target, options, body=False)


def normalize_body(text: str, target: str, options: TextOptions = DEFAULTS) -> tuple[str, list[Change]]:
    """Normalize an article body (paragraphs separated by ``\\n``): all field rules,
    blank-line and stray-space removal, and paragraph re-joining."""
    return _run(text, target, options, body=True)


def _run(text: str, target: str, options: TextOptions, *, body: bool) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    if options.whitespace:
        text, c = normalize_whitespace(text, target, body=body)
        changes.extend(c)
    if options.pinyin:
        text, c = remove_pinyin(text, target)
        changes.extend(c)
    if options.script != "keep":
        text, c = convert_script(text, target, options.script)
        changes.extend(c)
    if options.punctuation:
        text, c = fullwidth_punctuation(text, target, ellipsis=options.ellipsis)
        changes.extend(c)
    if body and options.paragraphs:
        text, c = join_paragraphs(text, target)
        changes.extend(c)
    return text, changes


@cache
def converter_versions() -> dict[str, str]:
    """Versions of the libraries the text rules use: ``{"opencc": ..., "pypinyin": ...}``."""
    out: dict[str, str] = {}
    for name in ("opencc", "pypinyin"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - both are hard dependencies
            continue
    return out


__all__ = [
    "DEFAULTS",
    "SCRIPTS",
    "TextOptions",
    "converter_versions",
    "detect_script",
    "normalize_body",
    "normalize_field",
    "output_language",
]
