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

# Confidence is calibrated when evidence orders it: a BOM, a long text, a verified declaration are sure;
# a few bytes that read as Chinese in two codecs are not.  The candidates' confidence comes from the cost
# margin between the best and the second-best reading (_detect._confidence), so the hard inputs are
# short byte strings whose GB18030 and Big5 readings are both common characters.
AMBIGUOUS = {
    "4 bytes": "刚刚".encode("gb18030"),  # Big5: 試試
    "10 bytes": "刚刚的暗暗".encode("gb18030"),  # Big5: 試試腔做做
}
_LONG_SIMPLIFIED = "政府工作报告指出，今年经济社会发展的主要预期目标是国内生产总值增长百分之五左右。" * 3
_LONG_TRADITIONAL = "政府工作報告指出，今年經濟社會發展的主要預期目標是國內生產總值增長百分之五左右。" * 3
EASY = {
    "bom": "\ufeff刚刚".encode(),
    "long utf-8": _LONG_SIMPLIFIED.encode(),
    "long gb18030": _LONG_SIMPLIFIED.encode("gb18030"),
    "long big5": _LONG_TRADITIONAL.encode("big5"),
    "declared gbk": ('<meta charset="gbk">' + _LONG_SIMPLIFIED).encode("gb18030"),
}


def _hard_ceiling() -> float:
    return max(detect(data).confidence for data in AMBIGUOUS.values())


def test_confidence_orders_easy_above_ambiguous() -> None:
    easy = {name: detect(data) for name, data in EASY.items()}
    hard = {name: detect(data) for name, data in AMBIGUOUS.items()}
    assert {n: d.encoding for n, d in easy.items()} == {
        "bom": "utf-8-sig",
        "long utf-8": "utf-8",
        "long gb18030": "gb18030",
        "long big5": "big5hkscs",
        "declared gbk": "gb18030",
    }
    assert {n: d.encoding for n, d in hard.items()} == {"4 bytes": "gb18030", "10 bytes": "gb18030"}
    assert all(d.evidence[0].startswith("strict:") and "big5hkscs" in d.evidence[0] for d in hard.values())
    assert min(d.confidence for d in easy.values()) >= 0.95
    assert max(d.confidence for d in hard.values()) < 0.9
    # more of the same evidence, more confidence
    assert hard["4 bytes"].confidence < hard["10 bytes"].confidence < easy["long gb18030"].confidence


def test_confidence_grows_with_the_text_behind_ambiguous_bytes() -> None:
    start = AMBIGUOUS["4 bytes"]
    longer = start + "，今年经济社会发展的主要预期目标已经确定。".encode("gb18030")
    assert detect(start).confidence < detect(longer).confidence
    assert detect(longer).encoding == "gb18030"


def test_a_four_byte_file_valid_as_utf8_by_chance_is_not_sure() -> None:
    data = "学习".encode("gb18030")
    assert data.decode("utf-8") == "\u0467\u03f0"
    assert detect(data).confidence < detect(EASY["long utf-8"]).confidence


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_detect_and_decode(case: dict[str, Any]) -> None:
    data = case["text"].encode(case["encoding"])
    det = detect(data)
    assert det.encoding == case["expect"], det.evidence
    # every fixture is decided by clear evidence: surer than bytes that read well in two codecs
    assert _hard_ceiling() < det.confidence <= 1.0
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


def test_a_decisive_lead_on_the_first_bytes_settles_the_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Big5 file also decodes strictly as GB18030, where it reads as garbage: the readings are
    scored on the first SETTLE_BYTES only, and the detection is the one the whole sample gives."""
    import math

    from normalize.encoding import _detect

    text = "政府工作報告指出，今年經濟社會發展的主要預期目標是：國內生產總值增長百分之六左右。\n" * 80
    data = text.encode("big5")
    assert len(data) > _detect.SAMPLE_BYTES
    seen: list[int] = []
    real = _detect.score

    def spy(sample: bytes, codec: str) -> float:
        seen.append(len(sample))
        return real(sample, codec)

    monkeypatch.setattr(_detect, "score", spy)
    settled = detect(data)
    assert len(seen) == 2 and max(seen) <= _detect.SETTLE_BYTES
    seen.clear()
    monkeypatch.setattr(_detect, "SETTLED", math.inf)  # never settled: the whole sample
    full = detect(data)
    assert len(seen) == 4 and max(seen) > _detect.SETTLE_BYTES
    assert settled.encoding == full.encoding == "big5hkscs"
    assert (settled.confidence, settled.evidence) == (full.confidence, full.evidence)
