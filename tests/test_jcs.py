"""The fast JCS path (a compiled JSON encoder, checked) gives exactly the bytes of ``rfc8785``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rfc8785
from hypothesis import example, given
from hypothesis import strategies as st

from normalize import process
from normalize._canonical import jcs

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

_keys = st.text(st.characters(codec="utf-8"), max_size=4)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec="utf-8"), max_size=12)
    | st.sampled_from(["\ud800", "a\udfffb", "\x7f", "\u2028", "\x00\x1f", "𠀀", "\uff01"])
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


def _same(value: Any) -> None:
    try:
        want = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        try:
            jcs(value)
        except rfc8785.CanonicalizationError as got:
            assert type(got) is type(exc)
            return
        raise AssertionError(f"rfc8785 refused {value!r} ({exc}) but jcs did not") from None
    assert jcs(value) == want


@given(_values)
@example({"𠀀": 1, "\uff01": 2, "a": [1.0, 1e-05, 1e21, 0.1, -0.0, 2**53, 2**53 - 1]})
@example({"x": ":1.0,"})  # a string that looks like a Python-only number
@example([float("nan")])
@example(0.0)
@example(-2.0)
@example({"k": "\ud800"})
def test_jcs_is_rfc8785(value: Any) -> None:
    _same(value)


def test_seed_records_through_both() -> None:
    n = 0
    for path in sorted(SEEDS.iterdir()):
        for rec in process(path).records:
            assert jcs(rec.data) + b"\n" == rec.bytes == rfc8785.dumps(rec.data) + b"\n"
            n += 1
    assert n >= 5


_nfc_or_not = st.lists(
    st.sampled_from(
        ["a", "中", "\r", "\r\n", "e\u0301", "\u212b", "\u0301", '"', "\\", "\x00", "𠀀", "\uff01"]
    ),
    max_size=6,
).map("".join)
_records = st.recursive(
    _nfc_or_not | st.integers(-5, 5) | st.sampled_from([0.5, 1.0, 0.95, -0.0]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_nfc_or_not, inner, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(_nfc_or_not, _records, max_size=4))
@example({"a": "e\u0301"})
@example({"e\u0301": 1})
@example({"a": "x\r\ny"})
@example({"a": '"\u0301'})
@example({"c": 1.0})
def test_canonical_record_is_clean_value_then_jcs(record: dict[str, Any]) -> None:
    from normalize._canonical import canonical_bytes, canonical_record, clean_value

    data, raw = canonical_record(record)
    assert raw == canonical_bytes(record) == rfc8785.dumps(clean_value(record)) + b"\n"
    assert rfc8785.dumps(data) == rfc8785.dumps(clean_value(record))


def test_the_seeds_records_take_the_fast_path(monkeypatch: Any) -> None:
    # hex ids (``…:40e169b…``) and confidences of 1 once sent every record through pure-Python rfc8785
    from normalize import _canonical

    def slow(value: Any) -> bytes:
        raise AssertionError("rfc8785 used")

    monkeypatch.setattr(_canonical.rfc8785, "dumps", slow)
    n = 0
    for path in sorted(SEEDS.iterdir()):
        for rec in process(path).records:
            assert rec.bytes.endswith(b"\n")
            n += 1
    assert n >= 5


@given(_values)
@example({"a": [1.0, 1e-05, 1e21, 2**60, -0.0, 5e-324, 1e-07, 1e16]})
@example({"x": ":1.0,"})
def test_the_quick_test_never_misses_a_number_jcs_writes_otherwise(value: Any) -> None:
    from normalize._canonical import _ENCODER, _NOT_ES6, _encoded, _maybe_not_es6

    try:
        text = _ENCODER.encode(value)
        out = text.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return  # NaN, a lone surrogate: rfc8785's path anyway
    fast = _encoded(value)
    assert fast is not None
    for written in (out, fast):
        if _NOT_ES6.search(written.decode("utf-8")):
            assert _maybe_not_es6(written)
    assert not _maybe_not_es6(_ENCODER.encode({"confidence": 0.95, "end": 41}).encode())


_no_floats = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.text(st.characters(codec="utf-8"), max_size=12)
    | st.sampled_from(["\x7f", "\u2028", "\x00\x1f\x08\x0c\t\n\r", '"\\/', "𠀀", "\uff01"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4) | st.tuples(inner),
    max_leaves=20,
)


@given(_no_floats)
@example({"b": 1, "a": {"𠀀": None, "\uff01": [True, False]}})
@example([2**63, -(2**63) - 1])
def test_the_compiled_encoder_writes_what_the_standard_one_writes(value: Any) -> None:
    """Byte for byte, for every JSON value without floats (floats: :func:`_same` above)."""
    from normalize._canonical import _ENCODER, _encoded

    assert _encoded(value) == _ENCODER.encode(value).encode("utf-8")


def test_what_the_standard_encoder_refuses_is_refused() -> None:
    """orjson writes NaN as ``null`` and a dataclass or a date as an object or a string; the standard
    encoder refuses them, and so does :func:`jcs`."""
    import dataclasses
    import datetime

    import pytest

    from normalize._canonical import _encoded

    @dataclasses.dataclass
    class Point:
        x: int

    for value in ([float("nan")], {"v": float("inf")}, [Point(1)], {"d": datetime.date(2020, 1, 2)}):
        assert _encoded(value) is None
        with pytest.raises((rfc8785.CanonicalizationError, TypeError, ValueError)):
            jcs(value)
    assert _encoded([None]) == b"[null]"
