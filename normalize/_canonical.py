"""Canonical record bytes: NFC text, LF line ends, RFC 8785 (JCS) + a final newline.

Canonical form rewrites strings (NFC, CR/CRLF -> LF), but a change log must quote the text it
changed exactly, or it neither undoes to the source nor replays: the ``before`` of an ``nfc`` change
*is* the non-NFC text, the ``before`` of a ``newline.crlf`` change *is* ``\\r\\n``.  So the strings of a
change that canonical form would alter are written escaped (:func:`escape`: ``\\u{301}`` for the
characters it would alter, ``\\\\`` for a backslash, the change marked ``escaped``), which canonical
form leaves alone; :meth:`normalize._document.Change.from_dict` reads them back exactly.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import orjson
import rfc8785


def clean_string(value: str) -> str:
    """``value`` in canonical form: NFC, CR/CRLF turned into LF."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", value)


def clean_value(value: Any) -> Any:
    """NFC every string and turn CR/CRLF into LF, recursively; a float with an integral value becomes
    the int JCS writes for it (``1.0`` is ``1`` in JCS: the same bytes, and the JSON encoder's fast path
    in :func:`jcs` stays open)."""
    if isinstance(value, str):
        return clean_string(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if type(value) is float and value.is_integer() and abs(value) < _EXACT:
        return int(value)
    return value


_EXACT = 2**53
"""Integers up to this are exact in a double (JCS refuses larger ones)."""


def canonical_bytes(record: dict[str, Any], *, clean: bool = True) -> bytes:
    """The one byte form of a record: JCS of the NFC'd record plus ``\\n``.  ``clean=False``: the
    record is already :func:`clean_value`'d."""
    return jcs(clean_value(record) if clean else record) + b"\n"


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False
)
_NOT_ES6_NUMBER = r"-?(?:[0-9]+\.0|[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|[0-9]{16,})(?:[,\]}]|\Z)"
_NOT_ES6 = re.compile(r"[:\[,]" + _NOT_ES6_NUMBER)
"""Where Python may have written a number that ECMAScript (hence JCS) writes otherwise: a float with
an integral value (``1.0``, JCS ``1``), an exponent (``1e-05``, JCS ``0.00001``), or an integer too
long to be exact in a double (JCS refuses it), as a whole token: after ``:``, ``[`` or ``,`` and
before ``,``, ``]`` or ``}`` (a hex id such as ``…:40e169b…`` is none).  Searched over the whole
text, strings included: a string that looks so only sends the record down the slow path.  A text
that is one number is :data:`_NOT_ES6_ALONE`'s (kept apart: an ``\\A`` alternative in this pattern
halves the speed of the search)."""
_NOT_ES6_ALONE = re.compile(_NOT_ES6_NUMBER)
""":data:`_NOT_ES6` at the start of the text (matched there only): the value is a number."""
_NOT_ASTRAL_LEAD = bytes(b for b in range(256) if not 0xF0 <= b <= 0xF4)
"""Every byte but the UTF-8 lead bytes of a character outside the BMP: only such a character can make
UTF-16 key order (JCS) differ from code point order (Python's ``sort_keys``)."""


def canonical_record(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """``record`` in canonical form (:func:`clean_value`) and its bytes (:func:`canonical_bytes`).

    The fast way for the common case: the record is written once by the compiled encoder
    (:func:`_encoded`); if that text is NFC and holds no carriage return, so does every string in it
    (a ``"`` composes with nothing, so normalization never reaches across one), nothing needs
    cleaning, and the text is the JCS bytes as :func:`jcs` checks them.  Otherwise the record is
    cleaned and written the slow way."""
    out = _encoded(record)
    if out is not None:
        text = out.decode("utf-8")
        if "\\r" not in text and unicodedata.is_normalized("NFC", text):
            return record, _checked(record, text, out) + b"\n"
    clean = clean_value(record)
    return clean, jcs(clean) + b"\n"


_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
"""Sorted keys, and no value serialized that Python's JSON encoder would refuse (a dataclass, a date;
a subclass of ``str``, ``int``, ``dict`` or ``list`` is left to it too)."""


def _encoded(value: Any) -> bytes | None:
    """``value`` as :data:`_ENCODER` writes it, UTF-8 encoded, or None where it would not write it.

    Written by orjson, six times faster on the records' long change logs than the C encoder of the
    standard library and byte for byte the same for JSON values with string keys (tests/test_jcs.py
    holds them equal), but for floats, which it writes as JCS does more often (``0.00001``, not
    ``1e-05``) and :func:`_checked` sends to ``rfc8785`` whenever either could differ from JCS.  orjson
    writes NaN and infinities as ``null`` where the standard encoder refuses them: a text with a
    ``null`` is written again by the standard encoder, which decides."""
    try:
        out = orjson.dumps(value, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: a key that is not a string, an int past 64 bits, …
        out = None
    if out is None or b"null" in out:
        try:
            return _ENCODER.encode(value).encode("utf-8")
        except (ValueError, TypeError, UnicodeEncodeError):
            return None
    return out


def _checked(value: Any, text: str, out: bytes) -> bytes:
    """The encoder's ``text`` of ``value`` (``out``: its UTF-8 bytes) as JCS bytes, or rfc8785's where
    they would differ."""
    if (_maybe_not_es6(out) and _NOT_ES6.search(text)) or _NOT_ES6_ALONE.match(text):
        return bytes(rfc8785.dumps(value))
    if out.translate(None, _NOT_ASTRAL_LEAD):
        return bytes(rfc8785.dumps(value))
    return out


_POINT_ZERO = re.compile(rb"\.0(?:[,\]}]|\Z)")
_SIGNED_EXPONENT = re.compile(rb"e[-+][0-9]")
_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")


def _maybe_not_es6(out: bytes) -> bool:
    """Whether the UTF-8 bytes ``out`` of :data:`_ENCODER`'s text may hold a match of :data:`_NOT_ES6`:
    each of its forms holds ``.0`` before a ``,``, ``]``, ``}`` or the end, or an exponent, or sixteen
    digits in a row.  The encoder writes floats with ``float.__repr__``, whose exponent is always ``e``
    and signed (``1e-05``, ``1e+16``), so the pattern's other exponent forms never come from it.  These
    patterns start with a literal, which the search finds at C speed, where :data:`_NOT_ES6` is tried
    at every position (0.1 ms against 0.75 ms for a record of 35,000 characters)."""
    if _POINT_ZERO.search(out) or _SIGNED_EXPONENT.search(out):
        return True
    return b"0" * 16 in out.translate(_ZERO_DIGITS)


def jcs(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value with string keys: :func:`rfc8785.dumps`, the same bytes.

    A compiled JSON encoder (:func:`_encoded`) writes what JCS writes (the same escapes, sorted keys,
    shortest round-trip floats) except for the few forms :data:`_NOT_ES6` and :data:`_NOT_ASTRAL_LEAD`
    find, and for what it cannot encode (NaN, a lone surrogate); then, and only then, the pure-Python
    ``rfc8785`` is used.  It is over 100 times faster on the records' long change logs
    (tests/test_jcs.py holds them equal)."""
    out = _encoded(value)
    if out is None:
        return bytes(rfc8785.dumps(value))
    return _checked(value, out.decode("utf-8"), out)


def _unstable(ch: str) -> bool:
    """Whether canonical form may alter ``ch`` or merge it with its neighbour: CR, a character that is
    not NFC by itself (U+F951, U+212B), a combining mark, or a Hangul vowel/final jamo (these compose
    with the syllable before them although their combining class is 0)."""
    return (
        ch == "\r"
        or unicodedata.combining(ch) != 0
        or "\u1160" <= ch <= "\u11ff"
        or not unicodedata.is_normalized("NFC", ch)
    )


def escape(value: str) -> str:
    """``value`` in a form canonical form leaves as it is, undone by :func:`unescape`.

    A backslash becomes ``\\\\`` and each unstable character ``\\u{HEX}`` (the closing brace composes
    with nothing); the rest, in practice nearly all of a Chinese text, stays readable.  Should the
    characters left as they are still compose across an escape (some ccc-0 vowel signs of Indic
    scripts do), every non-ASCII character is escaped instead, which is always stable.
    """
    out = "".join(f"\\u{{{ord(ch):X}}}" if _unstable(ch) else "\\\\" if ch == "\\" else ch for ch in value)
    if clean_string(out) != out:
        out = "".join(
            ch if " " <= ch <= "~" and ch != "\\" else "\\\\" if ch == "\\" else f"\\u{{{ord(ch):X}}}"
            for ch in value
        )
    return out


_ESCAPE = re.compile(r"\\(?:(\\)|u\{([0-9A-F]{1,6})\})")


def unescape(value: str) -> str:
    """The string :func:`escape` was given."""
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) else chr(int(m.group(2), 16)), value)


def is_canonical(value: str) -> bool:
    """Whether canonical form leaves ``value`` as it is (:func:`clean_string`: no carriage return, and
    NFC, which ``is_normalized`` tells without building the normalized copy)."""
    return "\r" not in value and (value.isascii() or unicodedata.is_normalized("NFC", value))
