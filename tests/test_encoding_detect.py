"""Encoding detection and decoding: crafted fixtures per encoding, controls, mixed files, real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalize.encoding import _euctw, codec_for_label, decode, detect

DATA = Path(__file__).parent / "data" / "encoding"
EXTERNAL = Path(__file__).resolve().parents[1].parent / "shared" / "external"
CASES: list[dict[str, Any]] = json.loads((DATA / "detect.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_detect_and_decode(case: dict[str, Any]) -> None:
    data = case["text"].encode(case["encoding"])
    det = detect(data)
    assert det.encoding == case["expect"], det.evidence
    assert 0.0 <= det.confidence <= 1.0
    assert det.evidence
    assert det.encoding not in ("gb2312", "gbk", "big5")
    if "declared" in case:
        assert det.declared == case["declared"]
    text, _changes = decode(data, det)
    assert text == case["text"]


def test_labels_fold_like_whatwg() -> None:
    assert codec_for_label("GB2312") == "gb18030"
    assert codec_for_label("x-gbk") == "gb18030"
    assert codec_for_label("big5") == "big5hkscs"
    # EUC-TW has no Python codec: decoded through the C library's iconv where it has one
    assert codec_for_label("euc-tw") == ("euc-tw" if _euctw.available() else None)


def test_bom_is_stripped_and_logged() -> None:
    data = "\ufeff中文".encode()
    text, changes = decode(data, detect(data))
    assert text == "中文"
    assert [c.kind for c in changes] == ["bom.stripped"]


def test_control_bytes_stripped_and_logged() -> None:
    src = "繁體中文的句子，包含控制字元。".encode("big5")
    data = src[:4] + b"\x06\x08" + src[4:] + b"\x01"
    det = detect(data)
    assert det.encoding == "big5hkscs"
    assert det.evidence[0] == "control-bytes:3"
    text, changes = decode(data, det)
    assert text == "繁體中文的句子，包含控制字元。"
    assert [(c.kind, c.start, c.end) for c in changes] == [
        ("control.stripped", 4, 6),
        ("control.stripped", len(data) - 1, len(data)),
    ]


def test_bad_bytes_become_fffd_and_are_logged() -> None:
    data = "中文".encode() + b"\xff" + "测试".encode()
    det = detect(data)
    text, changes = decode(data, det)
    assert "\ufffd" in text
    bad = [c for c in changes if c.kind == "decode.replaced"]
    assert bad and data[bad[0].start : bad[0].end] == b"\xff"


def test_mixed_file_gets_regions() -> None:
    gb = "第一行是简体中文，用国标编码保存。\n".encode("gb18030") * 5
    utf8 = "这一行却是UTF-8编码的中文广告。\n".encode()
    data = gb + utf8 + gb
    det = detect(data)
    assert det.encoding == "gb18030"
    assert {r[2] for r in det.regions} == {"gb18030", "utf-8"}
    text, changes = decode(data, det)
    assert "这一行却是UTF-8编码的中文广告。" in text
    assert "\ufffd" not in text and not changes


def test_utf8_file_with_one_gb_line() -> None:
    utf8 = "正文使用UTF-8编码，这是正常的一行。\n".encode() * 5
    gb = "这一行混入了国标编码的文字。\n".encode("gb18030")
    det = detect(utf8 + gb + utf8)
    assert det.encoding == "utf-8"
    assert any(r[2] == "gb18030" for r in det.regions)
    text, _ = decode(utf8 + gb + utf8, det)
    assert "这一行混入了国标编码的文字。" in text


def test_empty() -> None:
    assert detect(b"").confidence == 0.0


def _external_cases() -> list[tuple[Path, str]]:
    folders = {"gb18030-chinese": "gb18030", "big5-chinese": "big5hkscs", "utf-8-chinese": "utf-8"}
    out: list[tuple[Path, str]] = []
    for name, enc in folders.items():
        d = EXTERNAL / "chardet" / "tests" / name
        if d.is_dir():
            out += [(p, enc) for p in sorted(d.iterdir())]
    return out


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="../shared/external not present")
def test_external_real_files() -> None:
    cases = _external_cases()
    if not cases:
        pytest.skip("chardet test files not present")
    right = 0
    for path, enc in cases:
        data = path.read_bytes()
        want = data.decode(enc, errors="replace")
        text, _ = decode(data, detect(data))
        right += text.replace("\ufeff", "") == "".join(ch for ch in want if ch >= " " or ch in "\t\n\r\f")
    assert right >= len(cases) - 1


@pytest.mark.skipif(not _euctw.available(), reason="the C library's iconv has no EUC-TW here")
def test_euc_tw_through_iconv() -> None:
    text = "中華民國教育部公布常用國字標準字體表，共收錄四千八百零八字。"
    data = text.encode("euc-tw")
    assert data[:2] == b"\xc4\xe3"  # CNS 11643 plane 1, as EUC-TW writes it
    assert data.decode("euc-tw") == text
    det = detect(data)
    assert det.encoding == "euc-tw", det.evidence
    assert decode(data, det)[0] == text
    assert codec_for_label("EUC-TW") == "euc-tw"
    # an invalid byte: strict decoding names its offset, "replace" keeps everything around it
    bad = data[:4] + b"\xff" + data[4:]
    with pytest.raises(UnicodeDecodeError) as err:
        bad.decode("euc-tw")
    assert err.value.start == 4
    assert bad.decode("euc-tw", "replace") == text[:2] + "\ufffd" + text[2:]
    # the same text in GB18030 and Big5 is still read as what it is
    assert detect(text.encode("gb18030")).encoding == "gb18030"
    assert detect(text.encode("big5hkscs")).encoding in ("big5hkscs", "cp950")
