"""Rebuild bytes from mojibake and decode them with the right codec, inferring lost bytes.

Mojibake is text whose bytes were decoded with the wrong codec (the *reader*).
Encoding the text with the reader gives the original bytes back, except where
the reader replaced an invalid byte with U+FFFD: such a *hole* is one unknown
byte (Python's CJK and UTF-8 decoders replace one byte per error).  Holes are
filled one by one, left to right, with the byte that makes the surrounding
text most plausible under :mod:`._cjkscore`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import _cjkscore

HOLE = -1
PLACEHOLDER = 0xFF
"""A byte that no supported codec accepts: an unfilled hole decodes to exactly one U+FFFD."""
WINDOW = 9
"""Bytes after a hole decoded to score a candidate."""


@dataclass(slots=True)
class Solved:
    text: str
    margins: list[float]
    """Per filled hole: cost gap (nats) between the chosen byte and the runner-up."""


@cache
def _encode_char(ch: str, codec: str) -> bytes | None:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        return None


def reencode(text: str, reader: str) -> list[int] | None:
    """The bytes ``reader`` decoded into ``text``, HOLE for each U+FFFD; None if impossible."""
    out: list[int] = []
    for ch in text:
        if ch == "\ufffd":
            out.append(HOLE)
            continue
        b = _encode_char(ch, reader)
        if b is None:
            return None
        out.extend(b)
    return out


def _candidates(codec: str) -> range:
    if codec == "utf-8":
        return range(0x80, 0xF5)
    return range(0x81, 0xFF)  # a lost lead byte (the decoders resynchronise on the next byte)


def solve(seq: list[int], codec: str, left: str = "", right: str = "") -> Solved | None:
    """Decode ``seq`` (bytes with HOLEs) with ``codec``, filling each hole; None if it cannot decode.

    ``left``/``right`` are context strings used only for scoring.
    """
    buf = bytearray(PLACEHOLDER if b == HOLE else b for b in seq)
    holes = [i for i, b in enumerate(seq) if b == HOLE]
    margins: list[float] = []
    for h in holes:
        lo = max(0, h - 6)
        hi = min(len(buf), h + WINDOW)
        p0 = len(bytes(buf[:lo]).decode(codec, errors="replace"))
        start = max(0, p0 - 2)
        ranked: list[tuple[int, float, int]] = []
        tail_ctx = right if hi == len(buf) else ""
        head_ctx = left[-4:] if lo == 0 else ""
        for v in _candidates(codec):
            buf[h] = v
            text = bytes(buf[:hi]).decode(codec, errors="replace")
            bad = text.count("\ufffd", start)
            if bad > 2:
                continue
            piece = head_ctx + text[start:] + tail_ctx[:3]
            ranked.append((bad, _cjkscore.cost(piece), v))
        if not ranked:
            return None
        ranked.sort()
        best = ranked[0]
        second = next((r for r in ranked[1:] if r[0] == best[0]), None)
        margins.append((second[1] - best[1]) if second else 20.0)
        buf[h] = best[2]
    try:
        text = bytes(buf).decode(codec)
    except UnicodeDecodeError:
        return None
    return Solved(text, margins)
