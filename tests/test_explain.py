"""The change log is replayable, and ``normalize explain`` shows it on the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import Change, process
from normalize._edits import replay, undo
from normalize.cli import main
from normalize.cli.explain import _final_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize("path", sorted(SEEDS.iterdir()), ids=lambda p: p.name[:3])
def test_every_field_change_undoes_and_replays(path: Path) -> None:
    for rec in process(path, SEEDS).records:
        changes = [Change.from_dict(c) for c in rec.data["wasGeneratedBy"]["changes"]]
        targets = {c.target for c in changes} - {"bytes", "text", "layout"}
        for target in targets:
            final = _final_text(rec.data, target)
            assert final is not None, target
            original = undo(final, changes, target)
            assert replay(original, changes, target) == final


def test_field_changes_name_record_paths() -> None:
    (rec,) = process(SEEDS / "000_c91ed2cc67f6cad2.txt", SEEDS).records
    targets = {c["target"] for c in rec.data["wasGeneratedBy"]["changes"]}
    assert "articleSection/1" in targets  # 国內 -> 国内 in a category
    assert all(_final_text(rec.data, t) is not None for t in targets - {"bytes", "text", "layout"})


def test_undo_gives_the_text_as_parsed() -> None:
    (rec,) = process(SEEDS / "001_aed26c047e03e6c7.txt", SEEDS).records
    changes = [Change.from_dict(c) for c in rec.data["wasGeneratedBy"]["changes"]]
    original = undo(rec.data["articleBody"], changes, "articleBody")
    assert "华为山西(吕梁)大数据中心揭牌," in original  # ASCII punctuation as in the source
    assert "华为山西（吕梁）大数据中心揭牌，" in rec.data["articleBody"]


def test_explain_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(SEEDS / "003_2871a930a72c2b46.txt"), "-o", str(out), "-q"]) == 0
    (path,) = out.glob("*.jsonld")
    assert main(["explain", str(path), "--root", str(SEEDS), "--width", "200"]) == 0
    shown = capsys.readouterr().out
    assert "articleBody: as parsed" in shown
    assert "優(yōu)化" in shown or "優(yōu)" in shown  # the source form, with the annotation marked
    assert "pinyin.removed" in shown
    assert "source text:" in shown and "mojibake" in shown


def test_explain_rejects_a_wrong_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(SEEDS / "000_c91ed2cc67f6cad2.txt"), "-o", str(out), "-q"]) == 0
    (path,) = out.glob("*.jsonld")
    other = SEEDS / "001_aed26c047e03e6c7.txt"
    assert main(["explain", str(path), "--source", str(other)]) == 1
    assert "sha256 differs" in capsys.readouterr().err


def test_explain_not_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.jsonld"
    bad.write_text(json.dumps({"a": 1}), encoding="utf-8")
    assert main(["explain", str(bad)]) == 1
    assert "not a normalize record" in capsys.readouterr().err
