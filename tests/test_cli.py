"""The command line: run, validate, exit codes, clear errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normalize.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
NEWS = Path(__file__).parent / "data" / "news"


def test_seeds_to_dir_twice_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(SEEDS), "-o", str(out), "-q"]) == 0
    files = sorted(out.rglob("*.jsonld"))
    assert len(files) == 8
    assert sum(1 for f in files if f.name.startswith("004_")) == 4
    first = {f.name: f.read_bytes() for f in files}
    assert main([str(SEEDS), "-o", str(out), "-q"]) == 0
    assert {f.name: f.read_bytes() for f in sorted(out.rglob("*.jsonld"))} == first
    assert main(["validate", str(out)]) == 0
    assert "8 valid, 0 invalid" in capsys.readouterr().out


def test_jsonl_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main([str(SEEDS / "000_c91ed2cc67f6cad2.txt"), "--jsonl", "-", "-q"]) == 0
    lines = capsysbinary.readouterr().out.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["type"] == "NewsArticle"


def test_failures_reported_others_processed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("binary.png", "empty.txt", "fm_bad_yaml.md", "pt_web.txt"):
        shutil.copy(NEWS / name, src / name)
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "binary.png: binary file (PNG image)" in err
    assert "empty.txt: empty file" in err
    assert "fm_bad_yaml.md: invalid YAML front matter" in err
    assert "Traceback" not in err
    assert [f.name for f in out.rglob("*.jsonld")] == ["pt_web.jsonld"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["--no-such-flag", str(SEEDS)]) == 2
    assert main([str(SEEDS / "missing.txt"), "-o", "x"]) == 2
    err = capsys.readouterr().err
    assert "missing.txt: no such file or directory" in err
    assert "Traceback" not in err


def test_validate_reports_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(SEEDS / "000_c91ed2cc67f6cad2.txt"), "-o", str(out), "-q"]) == 0
    (rec_path,) = out.glob("*.jsonld")
    rec = json.loads(rec_path.read_text(encoding="utf-8"))
    rec["datePublished"] = "yesterday"
    bad = out / "bad.jsonld"
    bad.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    (out / "broken.jsonld").write_text("{not json", encoding="utf-8")
    assert main(["validate", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonld: $.datePublished" in err
    assert "broken.jsonld: not JSON" in err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in ("validate", "detect", "fix", "explain", "archive"):
        assert cmd in out


_ENTRY = (
    "import atexit, sys, threading, time\n"
    "from normalize.cli import entry\n"
    "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
    "if sys.argv[1] == 'thread':  # outlives main on one document (about 0.3 s)\n"
    "    threading.Thread(target=time.sleep, args=(2.0,)).start()\n"
    "sys.argv[1:] = sys.argv[2:]\n"
    "entry()\n"
)


@pytest.mark.parametrize("pool", [False, True], ids=["one process", "pool"])
def test_the_console_script_ends_without_teardown_and_loses_nothing(tmp_path: Path, pool: bool) -> None:
    """``normalize`` (:func:`normalize.cli.entry`) ends with ``os._exit`` once :func:`main` returned:
    the exit handlers the interpreter's teardown would run do not run (the proof it was skipped), and
    every output is complete: the JSONL file, the report, the summary on stderr."""
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    jobs = ["--jobs", "2"] if pool else ["--jobs", "1"]
    argv = [str(SEEDS), "--jsonl", str(out), "--report", str(report), *jobs]
    proc = subprocess.run(
        [sys.executable, "-c", _ENTRY, "-", *argv], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "atexit ran" not in proc.stderr
    assert "normalize summary" in proc.stderr and proc.stderr.rstrip().endswith("┘")
    assert len(out.read_bytes().splitlines()) == 8
    assert json.loads(report.read_text())["summary"]["records"] == 8


def test_the_console_script_ends_the_ordinary_way_while_a_thread_runs(tmp_path: Path) -> None:
    """A thread still running when :func:`main` returns (not the command's own: a caller's) is left to
    the interpreter's ending, which waits for it and runs the exit handlers."""
    argv = [str(SEEDS / "000_c91ed2cc67f6cad2.txt"), "--jsonl", str(tmp_path / "out.jsonl"), "-q"]
    proc = subprocess.run(
        [sys.executable, "-c", _ENTRY, "thread", *argv], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "atexit ran" in proc.stderr
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 1


def test_the_console_script_is_entry() -> None:
    """The installed ``normalize`` runs :func:`normalize.cli.entry` (pyproject's ``[project.scripts]``)."""
    text = (REPO / "pyproject.toml").read_text()
    assert 'normalize = "normalize.cli:entry"' in text
