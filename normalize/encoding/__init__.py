"""Encoding detection, decoding and mojibake repair for Chinese text.

The pipeline calls exactly three functions:

- :func:`detect` (bytes -> :class:`~normalize._document.Detection`),
- :func:`decode` (bytes + detection -> text and byte-level changes),
- :func:`repair` (text -> repaired text and the mojibake changes; its search has a budget, past
  which the lines left are flagged :data:`UNSEARCHED`; C1 controls it reads as Windows-1252 are
  :data:`C1_KIND`).
"""

from __future__ import annotations

from ._decode import decode
from ._detect import detect
from ._labels import codec_for_label
from ._mojibake import C1_KIND, UNSEARCHED, repair

__all__ = ["C1_KIND", "UNSEARCHED", "codec_for_label", "decode", "detect", "repair"]
