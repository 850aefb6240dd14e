"""Canonical record bytes: NFC text, LF line ends, RFC 8785 (JCS) + a final newline."""

from __future__ import annotations

import unicodedata
from typing import Any

import rfc8785


def clean_value(value: Any) -> Any:
    """NFC every string and turn CR/CRLF into LF, recursively."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """The one byte form of a record: JCS of the NFC'd record plus ``\\n``."""
    out: bytes = rfc8785.dumps(clean_value(record))
    return out + b"\n"
