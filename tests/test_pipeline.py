"""Pipeline behaviour beyond the seeds: options, forced formats, failures that must not stop a batch."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from normalize import Options, _textstage, process, process_bytes
from normalize.text import TextOptions

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_traditional_target() -> None:
    (rec,) = process(
        SEEDS / "000_c91ed2cc67f6cad2.txt", options=Options(text=TextOptions(script="zh-TW"))
    ).records
    assert rec.data["inLanguage"] == "zh-Hant-TW"
    s2t = opencc.OpenCC("s2tw")
    assert rec.data["headline"] == s2t.convert("加快传统产业数字化转型 山西数字经济蓄势发力")
    assert rec.data["sourceScript"] == "zh-Hans"


def test_keep_script_changes_no_character() -> None:
    (rec,) = process(
        SEEDS / "003_2871a930a72c2b46.txt", options=Options(text=TextOptions(script="keep"))
    ).records
    kinds = {c["kind"] for c in rec.data["wasGeneratedBy"]["changes"]}
    assert not any(k.startswith("script.") for k in kinds)
    assert "數據" in rec.data["articleBody"]


def test_forced_format() -> None:
    data = (SEEDS / "002_47229b3d7ba3992e.txt").read_bytes()
    forced = process_bytes(data, "x.txt", Options(format="plaintext"))
    assert forced.error is None
    assert forced.records[0].data["type"] == "NewsArticle"
    assert forced.records[0].data["wasDerivedFrom"]["sourceFormat"] == "plaintext"
    assert process_bytes(data, "x.txt").records[0].data["type"] == "Legislation"


def test_internal_error_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(doc: object, options: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(_textstage, "run", boom)
    result = process(SEEDS / "001_aed26c047e03e6c7.txt")
    assert result.error == "internal error, please report: RuntimeError: kaput"
    assert result.records == [] and result.source == (SEEDS / "001_aed26c047e03e6c7.txt").read_bytes()


def test_unreadable_path_is_an_error(tmp_path: Path) -> None:
    result = process(tmp_path / "nope.txt")
    assert result.error is not None and result.error.startswith("cannot read")


def test_template_with_missing_section_degrades_with_warning() -> None:
    text = (
        "## 政策标题：\n关于开展试点工作的通知\n\n## 政策内容：\n各区县：\n"
        "为推进试点工作，现将有关事项通知如下。\n\n某某市人民政府\n2023年3月1日\n"
    )
    result = process_bytes(text.encode(), "t.txt")
    assert result.error is None
    assert any("政策来源" in w for w in result.warnings)
    (rec,) = result.records
    assert rec.data["name"] == "关于开展试点工作的通知"
    assert "publisher" not in rec.data
