"""The text rules against crafted cases kept as data (tests/data/text/*.json).

Each case gives an input, the expected output, optionally the kinds of the recorded
changes (in order) and which of them are only flagged.  Cases whose expected output
equals the input are the must-not-change cases.  Every case also checks that replaying
the recorded changes on the input reproduces the output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalize._edits import replay
from normalize.text import TextOptions, normalize_body, normalize_field

DATA = Path(__file__).resolve().parent / "data" / "text"
RULES = ("whitespace", "pinyin", "script", "punctuation", "paragraphs", "fields")
FLAG_CEILING = 0.5
"""A change is applied when its rule is more sure than not; a flagged span is at most even odds."""


def _cases() -> list[Any]:
    out = []
    for rule in RULES:
        doc = json.loads((DATA / f"{rule}.json").read_text(encoding="utf-8"))
        assert doc["rule"] == rule
        for case in doc["cases"]:
            out.append(pytest.param(rule, case, id=f"{rule}: {case['name']}"))
    return out


def _options(rule: str, case: dict[str, Any]) -> TextOptions:
    """Only the rule under test runs (all of them for ``fields``)."""
    every = rule == "fields"
    script = case.get("script", "zh-Hans") if rule in ("script", "fields") else "keep"
    return TextOptions(
        script=script,
        whitespace=every or rule == "whitespace",
        pinyin=every or rule == "pinyin",
        punctuation=every or rule == "punctuation",
        paragraphs=every or rule == "paragraphs",
    )


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_case(rule: str, case: dict[str, Any]) -> None:
    fn = normalize_body if case["mode"] == "body" else normalize_field
    out, changes = fn(case["input"], "t", _options(rule, case))
    assert out == case["expected"]
    assert replay(case["input"], changes, "t") == out
    if "kinds" in case:
        assert [c.kind for c in changes] == case["kinds"]
    if "spans" in case:
        assert [[c.start, c.end, c.before, c.after] for c in changes] == case["spans"]
    flagged = [c.kind for c in changes if not c.applied]
    assert flagged == case.get("flagged", [])
    for c in changes:
        assert c.target == "t"
        # calibrated: a rule applies what it is sure of and only flags what it is not
        assert (FLAG_CEILING < c.confidence <= 1.0) if c.applied else (0.0 < c.confidence <= FLAG_CEILING)
        if not c.applied:
            assert c.after == c.before
    if case["expected"] == case["input"]:
        assert all(not c.applied for c in changes)


def test_case_files_hold_must_not_change_cases() -> None:
    for rule in RULES[:-1]:
        doc = json.loads((DATA / f"{rule}.json").read_text(encoding="utf-8"))
        assert any(c["input"] == c["expected"] for c in doc["cases"]), rule
