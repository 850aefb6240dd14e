"""The fast JCS path (Python's C JSON encoder, checked) gives exactly the bytes of ``rfc8785``."""

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
