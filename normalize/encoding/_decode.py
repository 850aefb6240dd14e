"""Decode source bytes per a :class:`Detection`, logging every byte dropped or replaced."""

from __future__ import annotations

import bisect
import codecs
import threading

from .._document import Change, Detection
from ._detect import BOMS, strip_controls

_ERRORS = "normalize-record"
_local = threading.local()


def _record(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    log: list[tuple[int, int]] | None = getattr(_local, "log", None)
    if log is not None:
        log.append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error(_ERRORS, _record)


def _hex(b: bytes) -> str:
    return "".join(f"\\x{x:02x}" for x in b)


def _decode_logged(data: bytes, codec: str) -> tuple[str, list[tuple[int, int]]]:
    _local.log = []
    try:
        try:
            text = data.decode(codec, errors=_ERRORS)
        except LookupError:
            text = data.decode("utf-8", errors=_ERRORS)
        spans: list[tuple[int, int]] = _local.log
    finally:
        _local.log = None
    return text, spans


def _uses_controls(codec: str) -> bool:
    return codec.replace("_", "-").startswith(("utf-16", "utf-32"))


def decode(data: bytes, detection: Detection) -> tuple[str, list[Change]]:
    """Decode ``data`` as ``detection`` says (per region for mixed files); never raises on bad bytes.

    Returns the text and the byte-level changes (target ``bytes``, step ``decode``): a stripped
    byte-order mark (``bom.stripped``), stray C0 control bytes (``control.stripped``) and bytes
    that could not be decoded and became U+FFFD (``decode.replaced``, flagged in the note).
    """
    changes: list[Change] = []
    regions = detection.regions or [(0, len(data), detection.encoding)]
    parts: list[str] = []
    for r_start, r_end, codec in regions:
        chunk = data[r_start:r_end]
        offset = r_start
        if r_start == 0:
            for bom, _codec in BOMS:
                if chunk.startswith(bom):
                    changes.append(Change("bom.stripped", "bytes", 0, len(bom), _hex(bom), "", step="decode"))
                    chunk = chunk[len(bom) :]
                    offset = len(bom)
                    codec = {"utf-8-sig": "utf-8"}.get(codec, codec)
                    if codec in ("utf-16", "utf-32"):
                        codec = _BOM_CODEC[bom]
                    break
        removed: list[tuple[int, int]] = []
        if not _uses_controls(codec):
            clean, removed = strip_controls(chunk)
            for s, e in removed:
                changes.append(
                    Change(
                        "control.stripped",
                        "bytes",
                        offset + s,
                        offset + e,
                        _hex(chunk[s:e]),
                        "",
                        step="decode",
                    )
                )
            chunk = clean
        text, bad = _decode_logged(chunk, codec)
        if bad:
            starts = [s for s, _e in removed]
            cum: list[int] = []
            total = 0
            for s, e in removed:
                total += e - s
                cum.append(total)

            def to_source(
                pos: int, starts: list[int] = starts, cum: list[int] = cum, base: int = offset
            ) -> int:
                # position in the stripped chunk -> position in the source bytes
                src = pos
                i = 0
                while True:
                    i = bisect.bisect_right(starts, src)
                    shifted = pos + (cum[i - 1] if i else 0)
                    if shifted == src:
                        return base + src
                    src = shifted

            for s, e in bad:
                a, b = to_source(s), to_source(e - 1) + 1
                changes.append(
                    Change(
                        "decode.replaced",
                        "bytes",
                        a,
                        b,
                        _hex(chunk[s:e]),
                        "\ufffd",
                        step="decode",
                        confidence=1.0,
                        note=f"flagged: not valid {codec}",
                    )
                )
        parts.append(text)
    changes.sort(key=lambda c: c.start)
    return "".join(parts), changes


_BOM_CODEC = {
    b"\xff\xfe\x00\x00": "utf-32-le",
    b"\x00\x00\xfe\xff": "utf-32-be",
    b"\xff\xfe": "utf-16-le",
    b"\xfe\xff": "utf-16-be",
    b"\xef\xbb\xbf": "utf-8",
}
