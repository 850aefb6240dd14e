"""GBK/GB18030 and Big5 text read as Latin-1 or Windows-1252: ``ÖÐÎÄ`` -> ``中文``.

The most common Chinese mojibake on the web: a page in a double-byte Chinese encoding decoded by
a program that assumed ISO-8859-1 or Windows-1252.  Nothing is lost: Latin-1 maps every byte to a
character, and browsers decoding "windows-1252" map its five undefined bytes (81 8D 8F 90 9D) to
the C1 controls of the same value.  So one table undoes both readings (:func:`web_bytes`): a
character below U+0100 is its own byte, a Windows-1252 letter or sign (``€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž
‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ``) is the byte it stands for.

A double-byte character is a lead byte 81-FE and a trail byte 40-7E or 80-FE; read as Latin, a
trail byte 40-7E is an ASCII letter or sign glued to the character before it.  So a candidate run
is a sequence of *pairs* (:data:`_PAIRS_RE`): a high character, then a high character or one of
those ASCII characters (GB18030's four-byte forms, high-digit-high-digit, are pairs too).  Each
run is re-encoded and decoded strictly with each Chinese codec; a reading is kept only when the
Chinese plausibility model (:mod:`._cjkscore`) prefers it to the Latin text by a clear margin and
it reads as Chinese itself.  Western European text stays as it is: ``Müller`` re-read as GBK is
``M黮ler``, a rare character that costs more than the letters it would replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _cjkscore

_CP1252_SPECIALS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
"""The Windows-1252 characters of bytes 80-9F (the five undefined bytes are missing)."""
_SPECIAL_BYTE = {ch: ch.encode("cp1252")[0] for ch in _CP1252_SPECIALS}
_HIGH = f"\u0080-\u00ff{_CP1252_SPECIALS}"
_PAIRS_RE = re.compile(f"(?:[{_HIGH}][0-9][{_HIGH}][0-9]|[{_HIGH}][{_HIGH}\x40-\x7e])+")
"""Runs of what double-byte characters become in a Latin reading (lead byte, then trail byte)."""
_TRIGGER_RE = re.compile(f"[{_HIGH}][{_HIGH}\x40-\x7e][{_HIGH}]")
"""A cheap pre-check: a high character, a possible trail byte and another high character."""

_CJK_PUNCT_RE = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65—…‘’“”·]")
"""CJK and full-width punctuation (what a double-byte reading between two Latin letters may be)."""
READERS: tuple[tuple[str, str], ...] = (("gb18030", "gbk"), ("big5hkscs", "big5"))
"""(codec tried, name used in the change kind)."""
MIN_GAIN = 12.0
"""Minimum improvement (nats) of the line for a Latin reading to be undone."""
MIN_GAIN_PER_PAIR = 2.0
"""... and per character restored: short runs must be clearly better too."""
MAX_COST_PER_CHAR = 9.0
"""A reading must itself read as plausible Chinese (mean nats per character)."""
WEAK_SLACK = 2.0
"""How much worse (nats) than its Latin text a run may read and still be re-read with its line's codec."""


def web_bytes(text: str) -> bytes | None:
    """The bytes that a Latin-1 / Windows-1252 reader turned into ``text`` (None: not such text)."""
    out = bytearray()
    for ch in text:
        cp = ord(ch)
        if cp < 0x100:
            out.append(cp)
        else:
            b = _SPECIAL_BYTE.get(ch)
            if b is None:
                return None
            out.append(b)
    return bytes(out)


def may_hold(line: str) -> bool:
    """Whether ``line`` may hold a Latin reading of double-byte Chinese (fast pre-check)."""
    return not line.isascii() and _TRIGGER_RE.search(line) is not None


@dataclass(frozen=True, slots=True)
class Reading:
    """One run of a line re-read: ``line[start:end]`` becomes ``after``."""

    start: int
    end: int
    after: str
    kind: str
    gain: float
    confidence: float


def readings(line: str, rival: str | None = None) -> list[Reading]:
    """The runs of ``line`` that are a Latin reading of GBK/GB18030 or Big5, re-read; empty when the
    line is better as it is, or as ``rival`` (another repair of it, e.g. ftfy's UTF-8 reading).

    One line came through one wrong decoder, so the codec is chosen for the line: the one whose clear
    readings (runs that become plausible Chinese, each better than the Latin text) gain most.  With the
    codec known, the line's other runs are re-read too unless they read clearly worse: a run of one or two
    characters between digits or spaces (``13ÒÚ`` -> ``13亿``, ``¡¢`` -> ``、``) says too little on its
    own, but it went through the same decoder."""
    runs = [m for m in _PAIRS_RE.finditer(line) if len(m.group()) >= 2]
    if not runs:
        return []
    best: list[Reading] = []
    best_gain = 0.0
    for codec, name in READERS:
        read = [_read_run(line, m.start(), m.end(), codec, name) for m in runs]
        clear = [r for r in read if r is not None and r.gain > 0 and _reads_as_chinese(r.after)]
        total = sum(r.gain for r in clear)
        restored = sum(len(r.after) for r in clear)
        if clear and total >= MIN_GAIN and total >= MIN_GAIN_PER_PAIR * restored and total > best_gain:
            best = [r for r in read if r is not None and r.gain >= -WEAK_SLACK]
            # with the line's codec known, one character between Latin letters went through it too
            # (``WLANµÄSD`` -> ``WLAN的SD``): taken when it reads clearly better than the Latin text
            for m, r in zip(runs, read, strict=True):
                if r is None and _inside_word(line, m.start(), m.end()):
                    got = _read_run(line, m.start(), m.end(), codec, name, inside_word=True)
                    if got is not None and got.gain >= MIN_GAIN_PER_PAIR:
                        best.append(got)
            best.sort(key=lambda r: r.start)
            best_gain = total
    if best and rival is not None and rival != line:
        mine = _cjkscore.cost(_applied(line, best))
        if _cjkscore.cost(rival) - mine < MIN_GAIN:  # not clearly better than the other repair
            return []
    return best


def _reads_as_chinese(text: str) -> bool:
    return any(_cjkscore.is_han(ch) for ch in text) and _cjkscore.cost(text) / len(text) <= MAX_COST_PER_CHAR


def _applied(line: str, found: list[Reading]) -> str:
    parts: list[str] = []
    pos = 0
    for r in found:
        parts += [line[pos : r.start], r.after]
        pos = r.end
    parts.append(line[pos:])
    return "".join(parts)


def _inside_word(line: str, s: int, e: int) -> bool:
    """Whether ``line[s:e]`` stands between two letters, the first ASCII (H|Ã´|tel, s|í|núk)."""
    return line[s - 1 : s].isascii() and line[s - 1 : s].isalpha() and line[e : e + 1].isalpha()


def _read_run(
    line: str,
    s: int,
    e: int,
    codec: str,
    name: str,
    *,
    inside_word: bool = False,
) -> Reading | None:
    """``line[s:e]`` re-read with ``codec`` (None when its bytes are not valid there), with its gain in
    context (negative when it reads worse than the Latin text).  One character inside a Latin word is
    not read unless ``inside_word`` (the line's codec is known)."""
    run = line[s:e]
    data = web_bytes(run)
    if data is None:
        return None
    try:
        new = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if not inside_word and len(new) == 1 and _inside_word(line, s, e) and not _CJK_PUNCT_RE.match(new):
        # one character inside a Latin word (H|Ã´|tel, s|í|núk): a Latin reading, not Chinese; but no
        # Latin word holds full-width punctuation (VoIP|¡¢|IM: 、, N|£®|P: ．)
        return None
    left, right = line[max(0, s - 4) : s], line[e : e + 4]
    gain = _cjkscore.cost(left + run + right) - _cjkscore.cost(left + new + right)
    reader = "cp1252" if any(ch in _SPECIAL_BYTE for ch in run) else "latin1"
    confidence = round(min(0.99, max(0.5, 0.6 + gain / (40.0 * len(new)))), 3)
    return Reading(s, e, new, f"mojibake.{name}-as-{reader}", gain, confidence)
