"""``normalize detect`` and ``normalize fix`` through the CLI dispatcher."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from normalize.cli import main


def test_detect_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gb = tmp_path / "gb.txt"
    gb.write_bytes("国务院关于印发通知的通知".encode("gb18030"))
    u = tmp_path / "u.txt"
    u.write_text("中文", encoding="utf-8")
    amb = tmp_path / "amb.txt"
    amb.write_bytes("刚刚".encode("gb18030"))  # as Big5: 試試 -- both readings are common words
    assert main(["detect", "--json", str(gb), str(u), str(amb)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == 3
    assert out[0]["path"] == str(gb) and out[0]["encoding"] == "gb18030"
    assert out[1]["encoding"] == "utf-8"
    assert out[2]["encoding"] == "gb18030"
    for obj in out:
        assert isinstance(obj["confidence"], float) and isinstance(obj["evidence"], list)
    # calibrated: a 12-character title and valid UTF-8 are sure; 4 bytes that read well as Big5 are not
    assert out[2]["confidence"] < 0.9 <= min(out[0]["confidence"], out[1]["confidence"]) <= 1.0


def test_detect_table_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    u = tmp_path / "u.txt"
    u.write_text("中文", encoding="utf-8")
    assert main(["detect", str(u), str(tmp_path / "missing.txt")]) == 1
    cap = capsys.readouterr()
    assert "utf-8" in cap.out
    assert "normalize detect:" in cap.err and "missing.txt" in cap.err


def test_detect_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect"]) == 2


def test_fix_keeps_line_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = "国务院办公厅关于印发通知".encode().decode("gb18030", "replace")
    src = tmp_path / "in.txt"
    src.write_text(f"第一行\n{bad}\n\n最后一行", encoding="utf-8")
    assert main(["fix", str(src)]) == 0
    out = capsys.readouterr().out
    assert out.split("\n") == ["第一行", "国务院办公厅关于印发通知", "", "最后一行"]


def test_fix_stdin_and_explain(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bad = "中文".encode().decode("latin-1") + "\n锟斤拷\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bad.encode("utf-8")), encoding="utf-8"))
    assert main(["fix", "--explain"]) == 0
    changes = json.loads(capsys.readouterr().out)
    kinds = {(c["kind"], c["applied"]) for c in changes}
    assert ("mojibake.utf8-as-latin1", True) in kinds
    assert ("mojibake.unrecoverable", False) in kinds


def test_fix_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt" in capsys.readouterr().err


def test_fix_past_its_budget_says_how_many_lines_it_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file with more damaged lines than the search's budget covers: the first are repaired, the rest
    left as they were, and stderr says how many and how to lift the bound; ``--repair-budget 0`` repairs
    them all."""
    lines = [f"国务院办公厅关于印发第{n}号通知".encode().decode("gb18030", "replace") for n in range(12)]
    src = tmp_path / "in.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["fix", "--repair-budget", "5000", str(src)]) == 0
    cap = capsys.readouterr()
    out = cap.out.splitlines()
    assert len(out) == 12
    kept = sum(1 for a, b in zip(out, lines, strict=True) if a == b)
    assert 0 < kept < 12 and out[0] == "国务院办公厅关于印发第0号通知"
    assert f"{src}: mojibake search budget spent (5,000 units): {kept} damaged-looking line(s)" in cap.err
    assert "--repair-budget 0" in cap.err
    assert main(["fix", "--repair-budget", "0", str(src)]) == 0
    cap = capsys.readouterr()
    assert cap.out.splitlines() == [f"国务院办公厅关于印发第{n}号通知" for n in range(12)]
    assert cap.err == ""
    assert main(["fix", "--repair-budget", "-1", str(src)]) == 2


def test_fix_refuses_an_input_over_its_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``fix`` bounds its input as the pipeline does (``--max-input-size``, default 32M): a larger file
    is refused from its size, before it is read; standard input and a pipe named as the file, once they
    have given more than the limit; ``0`` lifts it."""
    bad = "国务院办公厅关于印发通知".encode().decode("gb18030", "replace") + "\n"
    src = tmp_path / "in.txt"
    src.write_text(bad * 40, encoding="utf-8")
    size = src.stat().st_size
    assert main(["fix", "--max-input-size", "1K", str(src)]) == 1
    cap = capsys.readouterr()
    assert cap.out == ""
    assert f"{src}: the file is {size:,} bytes, over the limit of 1,024 bytes (--max-input-size)" in cap.err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(src.read_bytes()), encoding="utf-8"))
    assert main(["fix", "--max-input-size", "1K"]) == 1
    assert (
        "<stdin>: standard input is over the limit of 1,024 bytes (--max-input-size)"
        in capsys.readouterr().err
    )
    assert main(["fix", "--max-input-size", "0", "--repair-budget", "0", str(src)]) == 0
    assert capsys.readouterr().out == "国务院办公厅关于印发通知\n" * 40
    if Path("/dev/fd").is_dir():  # a pipe named as the file (``fix <(iconv …)``) is read, bounded
        r, w = os.pipe()
        os.write(w, src.read_bytes())
        os.close(w)
        try:
            assert main(["fix", "--max-input-size", "1K", f"/dev/fd/{r}"]) == 1
        finally:
            os.close(r)
        assert "the file is over the limit of 1,024 bytes" in capsys.readouterr().err
