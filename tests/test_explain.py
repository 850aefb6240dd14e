"""The change log is replayable, and ``normalize explain`` shows it on the text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalize import Change, Options, process
from normalize._edits import replay, undo
from normalize.cli import main
from normalize.cli.explain import _final_text
from normalize.text import TextOptions

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


NOT_FIELDS = {"bytes", "text", "layout"}
AS_PARSED = Options(
    text=TextOptions(script="keep", whitespace=False, pinyin=False, punctuation=False, paragraphs=False)
)
"""No text rule runs: the records hold every field as parsed, the texts the change logs start from."""


@cache
def _records(path: Path, script: str) -> list[dict[str, Any]]:
    options = AS_PARSED if script == "as parsed" else Options(text=TextOptions(script=script))
    result = process(path, SEEDS, options)
    assert result.error is None, result.error
    return [r.data for r in result.records]


@pytest.mark.parametrize("script", ["zh-Hans", "zh-TW"])
@pytest.mark.parametrize("path", sorted(SEEDS.iterdir()), ids=lambda p: p.name[:3])
def test_every_field_change_undoes_and_replays(path: Path, script: str) -> None:
    """For each field a text rule changed: undo(final) is exactly the field as parsed (taken from a run
    with no text rule) and replay(as parsed) is exactly the final field."""
    finals = _records(path, script)
    parsed = _records(path, "as parsed")
    assert len(finals) == len(parsed)
    for rec, before in zip(finals, parsed, strict=True):
        assert {c["target"] for c in before["wasGeneratedBy"]["changes"]} <= NOT_FIELDS
        changes = [Change.from_dict(c) for c in rec["wasGeneratedBy"]["changes"]]
        tripped = 0
        for target in sorted({c.target for c in changes} - NOT_FIELDS):
            final = _final_text(rec, target)
            assert final is not None, target  # every target names a string of the record
            original = _final_text(before, target)
            assert original is not None, target
            assert undo(final, changes, target) == original, target
            assert replay(original, changes, target) == final, target
            tripped += original != final
        if script == "zh-Hans" and path.name.startswith("002"):
            assert tripped == 0  # already simplified, full-width and clean: no field changes at all
        else:  # the round trip is not vacuous: some field of every record changed
            assert tripped > 0, (path.name, rec["id"])


def test_every_change_target_names_a_string_of_the_record() -> None:
    (rec,) = _records(SEEDS / "002_47229b3d7ba3992e.txt", "zh-TW")
    targets = {c["target"] for c in rec["wasGeneratedBy"]["changes"]} - NOT_FIELDS
    assert "name" in targets and "hasPart/0/text" in targets
    assert [t for t in sorted(targets) if _final_text(rec, t) is None] == []


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
    # the headline panel shows the headline as parsed: its source form, traditional, with the annotations
    lines = shown.splitlines()
    at = next(i for i, line in enumerate(lines) if "headline: as parsed" in line)
    assert lines[at + 1].strip("│ ") == "山西省著力優(yōu)化大數(shù)據(jù)產(chǎn)業(yè)空間布局"
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


def test_explain_lists_the_flagged_changes_with_their_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flagged change's ``after`` is its ``before``: the table alone does not say why the span was
    flagged, nor what the tool would have written.  Under the table each flagged change is listed with
    its note: here a lost character, and the reading the search found likeliest for it."""
    damaged = ("中一、我紧握你的手 应该一起走。\n").encode().decode("gb18030", "replace")
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text(
        "国务院办公厅关于做好有关工作的通知\n\n各省、自治区、直辖市人民政府：\n"
        + damaged
        + "\n经国务院同意，现就有关事项通知如下。\n\n国务院办公厅\n2024年1月5日\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main([str(src.parent), "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["explain", str(out / "a.jsonld"), "--root", str(src.parent), "--width", "200"]) == 0
    text = capsys.readouterr().out
    assert "flagged, not applied (1): check these spans against the source" in text
    flags = text.split("check these spans against the source", 1)[1]
    assert flags.count("mojibake.unsure:") == 1
    squeezed = "".join(flags.split())  # the console wraps long notes
    assert ";thelikeliestreading(notapplied):…紧握你的[手]" in squeezed
