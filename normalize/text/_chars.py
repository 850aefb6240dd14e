"""Character classes shared by the text rules (Han, CJK punctuation, spaces)."""

from __future__ import annotations

import re

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""Han ideographs (a regex class body): CJK Unified Ideographs, extensions A-H, compatibility, 〇."""

STRICT_PUNCT = (
    "。，、；：？！（）《》〈〉【】「」『』〔〕〖〗〘〙～｡｢｣､"  # CJK and full-width punctuation
    "＂＃＄％＆＇＊＋－／＜＝＞＠［＼］＾＿｀｛｜｝"
)
"""Punctuation that only occurs in CJK text (full-width forms); a space next to one is never wanted."""

SHARED_PUNCT = "“”‘’…—–·"
"""Punctuation used in Chinese text but shared with Western typography."""

CJK_PUNCT = STRICT_PUNCT + SHARED_PUNCT

HSPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
"""Horizontal white space (a regex class body)."""

ZERO_WIDTH = "\u200b\u2060\ufeff"
"""Invisible characters removed from text (zero-width space, word joiner, stray BOM)."""

HTML_REFERENCE = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
"""An HTML character reference, complete (``&nbsp;``, ``&#8220;``, ``&#x201D;``): a regex."""

CONTROLS = "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
"""Control characters that are no text (C0 but tab and the line ends, DEL, C1): removed from text.  The
decoder strips C0 bytes of byte-oriented encodings; these come through UTF-16/32, numeric character
references, or a C1 character the mojibake repair could not read as Windows-1252."""

KANA = "\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fd\u30fe\u31f0-\u31ff"
"""Japanese kana (a regex class body): hiragana and katakana with their iteration marks, the small
katakana extension; not the middle dot ``・`` and the long mark ``ー``, which Chinese text borrows."""

_HAN_RE = re.compile(f"[{HAN}]")
_KANA_RE = re.compile(f"[{KANA}]")
_HAN_RUN_RE = re.compile(f"[{HAN}]+")
_STRICT = frozenset(STRICT_PUNCT)
_CJK_PUNCT = frozenset(CJK_PUNCT)


def is_han(ch: str) -> bool:
    """True for one Han ideograph."""
    return bool(ch) and _HAN_RE.fullmatch(ch) is not None


def is_strict_punct(ch: str) -> bool:
    return ch in _STRICT


def is_cjk_punct(ch: str) -> bool:
    return ch in _CJK_PUNCT


def is_chinese(ch: str) -> bool:
    """A Han character or CJK punctuation: what makes "Chinese context"."""
    return bool(ch) and (ch in _CJK_PUNCT or _HAN_RE.fullmatch(ch) is not None)


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def han_runs(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _HAN_RUN_RE.finditer(text)]


def kana_share(text: str, least: int) -> float:
    """Kana over kana and Han characters in ``text``, when it holds at least ``least`` kana; 0.0 when
    fewer (then Han characters are not counted: a text without kana costs one scan)."""
    kana = len(_KANA_RE.findall(text))
    if kana < least:
        return 0.0
    return kana / (kana + han_count(text))


def han_count(text: str) -> int:
    """The Han characters of ``text``."""
    return len(_HAN_RE.findall(text))
