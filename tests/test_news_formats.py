"""News fixtures (front matter + HTML, plain text, newspaper pages) against expected fields kept as data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalize import process
from normalize.encoding import _euctw

DATA = Path(__file__).parent / "data" / "news"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def _body(rec: dict[str, Any]) -> str:
    return str(rec.get("articleBody") or rec.get("text") or "")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    want = EXPECTED[name]
    if want.get("encoding") == "euc-tw" and not _euctw.available():
        pytest.skip("the C library's iconv has no EUC-TW here")
    result = process(DATA / name)
    if "error" in want:
        assert result.error is not None and want["error"] in result.error
        assert result.records == []
        assert result.source == (DATA / name).read_bytes()  # the bytes are kept for the archive
        return
    assert result.error is None, result.error
    assert len(result.records) == len(want["records"])
    for rec_out, exp in zip(result.records, want["records"], strict=True):
        rec = rec_out.data
        if "encoding" in want:
            assert rec["wasDerivedFrom"]["detectedEncoding"] == want["encoding"]
        body = _body(rec)
        for key, value in exp.items():
            if key == "body_starts":
                assert body.startswith(value), body[:80]
            elif key == "body_has":
                for s in value:
                    assert s in body
            elif key == "body_lacks":
                for s in value:
                    assert s not in body, s
            elif key == "absent":
                for k in value:
                    assert k not in rec, k
            else:
                assert rec.get(key) == value, key


def test_newspaper_split_is_logged() -> None:
    result = process(DATA / "pt_newspaper.txt")
    kinds = [c["kind"] for r in result.records for c in r.data["wasGeneratedBy"]["changes"]]
    assert kinds.count("article.split") == 2
    assert "metadata.lifted" in kinds
