"""Encoding labels -> the Python codec we decode with (WHATWG-style folding)."""

from __future__ import annotations

import codecs

from . import _euctw  # noqa: F401  (registers the euc-tw codec, which codecs.lookup then finds)

# The GB family is decoded with gb18030 (a superset of gb2312 and gbk), Big5 with big5hkscs
# (a superset of big5; cp950 is the fallback for Microsoft's extensions), as the WHATWG
# Encoding Standard does: the narrower codecs fail on real files.
_FOLD = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "euc_cn": "gb18030",
    "hz": "hz",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
    "utf_8": "utf-8",
    "utf_8_sig": "utf-8",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
    "utf_32": "utf-32",
    "utf_32_le": "utf-32-le",
    "utf_32_be": "utf-32-be",
    "ascii": "utf-8",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "cp1252": "cp1252",
}

_ALIASES = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "csgb2312": "gb2312",
    "chinese": "gb2312",
    "iso-ir-58": "gb2312",
    "x-euc-cn": "gb2312",
    "euc-cn": "gb2312",
    "x-x-big5": "big5",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5",
    "csbig5": "big5",
    "hz-gb-2312": "hz",
    "us-ascii": "ascii",
    "iso-8859-1": "latin_1",
    "windows-1252": "cp1252",
    "unicode-1-1-utf-8": "utf_8",
    "utf8": "utf_8",
}


def codec_for_label(label: str) -> str | None:
    """The codec to decode a declared ``label`` with, or None if Python has no such codec.

    >>> codec_for_label("GB2312"), codec_for_label("big5"), codec_for_label("x-gbk")
    ('gb18030', 'big5hkscs', 'gb18030')
    """
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    norm = name.replace("-", "_")
    return _FOLD.get(norm, name)
