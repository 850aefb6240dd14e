"""The mojibake search's per-document budget: past it, lines are flagged, not searched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalize import _limits
from normalize.cli import main
from normalize.encoding import UNSEARCHED, _mojibake, repair
from normalize.pipeline import Options, process_bytes

DATA = json.loads((Path(__file__).parent / "data" / "encoding" / "repair.json").read_text(encoding="utf-8"))
LINES = [
    "国务院办公厅关于印发全国深化放管服改革优化营商环境电视电话会议重点任务分工方案的通知",
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "经国务院同意，现将分工方案印发给你们，请结合实际认真贯彻落实。",
]
BAD = [ln.encode("utf-8").decode("gb18030", errors="replace") for ln in LINES]
TEXT = "\n".join(["标题", *BAD, "完"])


def _units(line: str) -> int:
    """The units the search of ``line`` alone spends."""
    meter = _mojibake._Meter(10**12)
    token = _mojibake._METER.set(meter)
    try:
        _mojibake._charge(_mojibake.UNITS["line"])
        _mojibake._repair_line(line, 0)
    finally:
        _mojibake._METER.reset(token)
    return meter.spent


def test_over_budget_lines_are_flagged_not_searched() -> None:
    free, free_changes = repair(TEXT, budget=None)
    repaired = free.splitlines()[1:4]
    assert repaired[0] == LINES[0] and all(a != b for a, b in zip(repaired, BAD, strict=True))
    budget = _units(BAD[0])  # enough for the first damaged line only
    fixed, changes = repair(TEXT, budget=budget)
    assert fixed.splitlines()[1:4] == [repaired[0], BAD[1], BAD[2]]
    flagged = [c for c in changes if c.kind == UNSEARCHED]
    assert [c.before for c in flagged] == BAD[1:]
    assert all(not c.applied and c.after == c.before and str(budget) in c.note for c in flagged)
    for c in flagged:
        assert TEXT[c.start : c.end] == c.before
    # the line searched within the budget is repaired exactly as with no limit
    assert [c for c in changes if c.kind != UNSEARCHED] == [
        c for c in free_changes if c.start < len(BAD[0]) + 3
    ]


def test_a_zero_budget_searches_nothing() -> None:
    fixed, changes = repair(TEXT, budget=0)
    assert fixed == TEXT
    assert [c.before for c in changes] == BAD and {c.kind for c in changes} == {UNSEARCHED}


def test_under_the_budget_nothing_changes() -> None:
    cases: list[Any] = [c["input"] for c in DATA["repair"] + DATA["flagged"]] + [DATA["seed_003"]["input"]]
    cases += DATA["unchanged"] + [TEXT]
    for text in cases:
        assert repair(text) == repair(text, budget=None)


def test_the_slowest_test_case_is_well_under_the_default() -> None:
    # the costliest damaged case (58,000 units: 54 characters, most of their bytes lost); the default
    # leaves it a wide margin
    worst = max(_units(c["input"]) for c in DATA["repair"] + DATA["flagged"] if "\n" not in c["input"])
    assert worst * 2 < _limits.REPAIR_BUDGET


def test_the_pipeline_warns_and_records_the_flags() -> None:
    data = TEXT.encode("utf-8")
    result = process_bytes(data, "budget.txt", Options(limits=_limits.Limits(repair_budget=1)))
    assert result.document is not None
    assert any("budget" in w and "1 units" in w and "--repair-budget" in w for w in result.warnings)
    kinds = [c.kind for c in result.document.changes if c.step == "mojibake"]
    assert kinds == [UNSEARCHED] * 3
    assert "jieba" not in result.document.converters  # no model looked at those lines
    unlimited = process_bytes(data, "budget.txt", Options(limits=_limits.Limits(repair_budget=None)))
    assert not any("budget" in w for w in unlimited.warnings)


def test_limits_reject_a_negative_budget() -> None:
    with pytest.raises(ValueError):
        _limits.Limits(repair_budget=-1)


def test_cli_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "doc.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert main([str(src), "--repair-budget", "-5", "-o", str(tmp_path / "x")]) == 2
    assert "--repair-budget" in capsys.readouterr().err
    out = tmp_path / "out.jsonl"
    main([str(src), "--repair-budget", "1", "--jsonl", str(out), "-q"])
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        activity = record["wasGeneratedBy"]
        assert any("budget" in w for w in activity["warning"])
        assert any(c["kind"] == UNSEARCHED and not c["applied"] for c in activity["changes"])
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "units" in capsys.readouterr().out


def test_the_lost_byte_search_is_charged_per_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    # the beam's candidates are counted by the search itself: without that charge a line with many
    # lost bytes ran four times the budget (4.6 s on a budget meant for about 1 s)
    lost = [c["input"] for c in DATA["repair"] if "\ufffd" in c["input"] and "\n" not in c["input"]]
    charged = [_units(line) for line in lost]
    monkeypatch.setitem(_mojibake.UNITS, "candidate", 0)
    uncharged = [_units(line) for line in lost]
    assert all(a >= b for a, b in zip(charged, uncharged, strict=True))
    assert sum(charged) > sum(uncharged) * 1.5


def test_after_the_budget_a_latin_line_is_still_repaired() -> None:
    # ftfy's pass is linear: a later line of UTF-8 read as Latin-1 needs no search, so it is repaired
    latin = LINES[1].encode("utf-8").decode("latin-1")
    text = "\n".join([BAD[0], latin, BAD[2]])
    fixed, changes = repair(text, budget=0)
    assert fixed.splitlines() == [BAD[0], LINES[1], BAD[2]]
    assert [c.kind for c in changes] == [UNSEARCHED, "mojibake.utf8-as-latin1", UNSEARCHED]
    assert [c.applied for c in changes] == [False, True, False]


def test_candidates_ranked_but_not_scored_are_charged_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from normalize.encoding import _holes

    # both bytes of a character lost: thousands of pairs are ranked, only SCORED_PER_HOLE scored
    text = "国务院关于进一步加强知识产权保护工作的通知"
    data = text.encode("gb18030")
    seq: list[int] = [_holes.HOLE if i in (6, 7) else b for i, b in enumerate(data)]
    ranked: list[int] = []
    real = _holes._likeliest

    def likeliest(passing: list[Any]) -> list[Any]:
        ranked.append(sum(len(opts) for *_state, opts in passing))
        return real(passing)

    monkeypatch.setattr(_holes, "_likeliest", likeliest)
    charged: list[int] = []
    assert _holes.solve(seq, "gb18030", "", "", charge=charged.append) is not None
    assert ranked and ranked[-1] > 20 * _holes.SCORED_PER_HOLE
    assert charged[-1] >= ranked[-1]


# GB18030 read as Big5 (cp950): a line of the bench corpus whose second pass over its runs
# (_whole_line) asks a search again with the same arguments
ASKED_TWICE = (
    "\u3121\u3127\ufffd\u6381\u754b\ufffd\u77b3\u5564\u90d4\u8a62\u8586\ufffd\u5e87\u5231\u774a\u773c"
    "\u9a1b\ufffd\ufffd\ufffd\ufffd\ufffd\u5319\u677b\u598f\u9664\u8247\u821c\u7e10\u6147\ufffdr\u311b"
    "\u6791\u5824\u8cf8\u597b\u6274\u777f\ufffd\ufffd\u8198"
)


class _NoMemo:
    """Stands for :data:`_mojibake._SEARCHED` with no memo of the line's searches."""

    def get(self) -> None:
        return None

    def set(self, value: object) -> None:
        return None

    def reset(self, token: object) -> None:
        return None


def test_a_search_asked_again_for_a_line_is_made_once_and_charged_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from normalize.encoding import _holes

    searches: list[tuple[object, ...]] = []  # each search's arguments (not its budget callback)
    units: list[int] = []
    real_solve, real_charge = _holes.solve, _mojibake._charge

    def solve(seq: list[int], *args: Any, **kwargs: Any) -> Any:
        searches.append((tuple(seq), *args, *sorted((k, v) for k, v in kwargs.items() if k != "charge")))
        return real_solve(seq, *args, **kwargs)

    def charge(n: int) -> None:
        units.append(n)
        real_charge(n)

    monkeypatch.setattr(_holes, "solve", solve)
    monkeypatch.setattr(_mojibake, "_charge", charge)
    text = "另一行正常的文字。\n" + ASKED_TWICE + "\n"
    kept = repair(text, budget=10**9)
    kept_searches, kept_units = list(searches), sum(units)
    searches.clear()
    units.clear()
    monkeypatch.setattr(_mojibake, "_SEARCHED", _NoMemo())
    again = repair(text, budget=10**9)
    assert len(searches) > len(set(searches))  # without the memo, a search is made twice ...
    assert len(kept_searches) == len(set(kept_searches))  # ... with it, once
    assert kept == again
    assert "塔利班最高領導人" in kept[0]
    assert kept_units == sum(units)  # the budget sees the same spending
