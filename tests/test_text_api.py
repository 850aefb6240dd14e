"""The public API of normalize.text: detection, language tags, options, versions, seeds."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from normalize._edits import replay
from normalize.text import (
    TextOptions,
    converter_versions,
    detect_script,
    normalize_body,
    normalize_field,
    output_language,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PINYIN_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]?[)）]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("数据是基础性和战略性资源", "zh-Hans"),
        ("數據是基礎性和戰略性資源", "zh-Hant"),
        ("發展數字經濟，发展数字经济", "mixed"),
        ("山西", "zh-Hans"),  # shared characters only: valid Simplified
        ("BME 2019", "none"),
        ("", "none"),
    ],
)
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("script", "tag"),
    [
        ("zh-Hans", "zh-Hans"),
        ("zh-Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant-TW"),
        ("zh-HK", "zh-Hant-HK"),
        ("keep", "zh"),
    ],
)
def test_output_language(script: str, tag: str) -> None:
    assert output_language(TextOptions(script=script)) == tag


def test_options_are_frozen_and_checked() -> None:
    opts = TextOptions()
    with pytest.raises(FrozenInstanceError):
        opts.script = "zh-Hant"  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown script"):
        TextOptions(script="zh-CN")


def test_converter_versions() -> None:
    versions = converter_versions()
    assert set(versions) == {"opencc", "pypinyin"}
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in versions.values())


def test_rules_can_be_turned_off() -> None:
    text = "\u3000\u3000優(yōu)化,数据"
    off = TextOptions(script="keep", whitespace=False, pinyin=False, punctuation=False, paragraphs=False)
    assert normalize_body(text, "articleBody", off) == (text, [])
    out, _ = normalize_body(text, "articleBody")
    assert out == "优化，数据"


def test_steps_run_in_order_and_offsets_refer_to_each_steps_input() -> None:
    text = "\u3000\u3000山西省著力優(yōu)化大數(shù)據(jù)產(chǎn)業(yè),布局"
    out, changes = normalize_body(text, "articleBody")
    steps = [c.step for c in changes]
    assert steps == sorted(steps, key=["whitespace", "pinyin", "script", "punctuation", "paragraphs"].index)
    assert replay(text, changes, "articleBody") == out
    pin = [c for c in changes if c.step == "pinyin"]
    # offsets are into the text after the whitespace step (indent removed)
    assert (pin[0].start, pin[0].end, pin[0].before) == (6, 11, "(yōu)")
    script = [c for c in changes if c.step == "script"]
    assert all(len(c.before) == len(c.after) for c in script)
    assert all(c.kind == "script.t2s" for c in script)
    assert len(script) > 1  # one change per run of characters, not one for the whole text


def test_field_keeps_headline_separator_but_body_prose_does_not() -> None:
    title = "加快传统产业数字化转型 山西数字经济蓄势发力"
    assert normalize_field(title, "headline")[0] == title
    prose = "全省5G基站建设开通率位列全国第一方阵，在用数据中心设计机架数年均增长率远高于全国平均 水平。"
    assert normalize_body(prose, "articleBody")[0] == prose.replace(" ", "")


def _seed(name: str) -> str:
    path = next(SEEDS.glob(f"{name}_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {name} not present")
    return path.read_text(encoding="utf-8", errors="replace")


def test_seed_003_traditional_with_pinyin() -> None:
    text = _seed("003")
    out, changes = normalize_body(text, "articleBody")
    assert replay(text, changes, "articleBody") == out
    assert not PINYIN_RE.search(out)
    assert detect_script(out) == "zh-Hans"
    removed = [c for c in changes if c.kind == "pinyin.removed" and c.applied]
    assert len(removed) > 400
    assert "（吕梁）" in out  # a place name in parentheses is not a reading
    assert "大数据产业" in out


def test_seed_004_page_break_rejoined_and_brackets_fullwidth() -> None:
    text = _seed("004")
    out, changes = normalize_body(text, "articleBody")
    assert replay(text, changes, "articleBody") == out
    assert "同比增长17.9%。软件业营收首次突破万亿元大关" in out
    assert "成熟度模型（DCMM）贯标" in out
    assert "\n\n" not in out
    joins = [c for c in changes if c.kind == "paragraph.joined"]
    assert any(c.applied for c in joins)
    assert any(not c.applied for c in joins)  # the pull quote seam is only flagged


def test_seed_001_ascii_punctuation() -> None:
    text = _seed("001")
    out, _ = normalize_body(text, "articleBody")
    assert "数字经济，“点燃”山西经济发展新动能" in out
    assert "规划（2019-2023年）；" in out
    assert "华为山西（吕梁）大数据中心" in out
