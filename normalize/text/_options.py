"""Options of the text rules and the language tag they produce."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep"]
SCRIPTS: tuple[str, ...] = ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep")

_LANGUAGE = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "zh-TW": "zh-Hant-TW", "zh-HK": "zh-Hant-HK"}


@dataclass(frozen=True)
class TextOptions:
    """Which text rules run, and the target script.

    ``script`` is the output script: ``zh-Hans`` (default, Simplified), ``zh-Hant``
    (Traditional, OpenCC standard forms), ``zh-TW`` / ``zh-HK`` (regional Traditional
    variants) or ``keep`` (no script conversion).  Each boolean turns one rule off.
    """

    script: str = "zh-Hans"
    whitespace: bool = True
    pinyin: bool = True
    punctuation: bool = True
    ellipsis: bool = True
    """Turn ``...`` into ``……`` in Chinese context (part of the punctuation rule)."""
    paragraphs: bool = True

    def __post_init__(self) -> None:
        if self.script not in SCRIPTS:
            raise ValueError(f"unknown script {self.script!r} (expected one of {', '.join(SCRIPTS)})")


def output_language(options: TextOptions) -> str:
    """The BCP 47 tag of text produced with ``options`` (for ``inLanguage``).

    ``zh-Hans`` / ``zh-Hant`` / ``zh-Hant-TW`` / ``zh-Hant-HK``; with ``script="keep"``
    the script is whatever the source used, so only ``zh`` can be claimed.
    """
    return _LANGUAGE.get(options.script, "zh")
