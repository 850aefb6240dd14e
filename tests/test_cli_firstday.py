"""A user's first day: the command line says what happened, where it looked, and never cuts an id.

The records and the archive come from the committed ``archive/`` (the seeds' archive), copied, so these
tests need no pipeline run except where the pipeline itself is the subject.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import normalize
from normalize.archive import Archive
from normalize.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
ID_003 = "urn:normalize:path:003_2871a930a72c2b46.txt"
ID_004 = "urn:normalize:path:004_6a710c285c953a38.txt"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Terminal(io.StringIO):
    """Stands in for a terminal: rich prints tables to it, and the CLI takes it for one."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``archive/`` (a copy of the seeds' archive), ``out/`` (its head records, one ``.jsonld`` each, named as
    ``normalize seeds/ -o out/`` names them) and ``all.jsonl`` (the same records as JSON lines)."""
    top = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "archive", top / "archive")
    out = top / "out"
    out.mkdir()
    lines: list[bytes] = []
    with Archive.open(top / "archive") as arc:
        for object_id in arc.ids():
            records = arc.records(object_id)
            stem = Path(object_id.rsplit(":", 1)[1]).stem
            for n, rec in enumerate(records, 1):
                name = f"{stem}-{n}.jsonld" if len(records) > 1 else f"{stem}.jsonld"
                (out / name).write_bytes(rec.raw)
                lines.append(rec.raw)
    (top / "all.jsonl").write_bytes(b"".join(lines))
    return top


def _terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """stdout as an 80-column terminal (set in the test body: pytest's capture resets sys.stdout after
    fixtures are set up)."""
    tty = _Terminal()
    monkeypatch.setattr(sys, "stdout", tty)
    monkeypatch.setenv("COLUMNS", "80")
    return tty


def _shown(tty: _Terminal) -> str:
    return _ANSI.sub("", tty.getvalue())


# -- 1. explain ---------------------------------------------------------------------------------------


def test_explain_names_every_place_it_looked(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    record = site / "out" / "001_aed26c047e03e6c7.jsonld"
    assert main(["explain", str(record), "--archive", "no-archive"]) == 0
    err = capsys.readouterr().err
    assert "source file 001_aed26c047e03e6c7.txt not found" in err
    assert f"{site / 'out' / '001_aed26c047e03e6c7.txt'} (beside the record" in err
    assert "001_aed26c047e03e6c7.txt (under --root ." in err
    assert "the archive no-archive (no such directory)" in err
    assert "--source FILE" in err


def test_explain_finds_the_source_in_the_archive(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's own example: records in out/, sources only in the archive (by name and sha256)."""
    record = site / "out" / "001_aed26c047e03e6c7.jsonld"
    assert main(["explain", str(record), "--archive", str(site / "archive"), "--width", "120"]) == 0
    cap = capsys.readouterr()
    assert "source text: " in cap.out and "source/001_aed26c047e03e6c7.txt" in cap.out
    assert "not found" not in cap.err


def test_explain_a_record_inside_the_archive(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (record,) = (site / "archive").glob("*/*001_aed26c047e03e6c7*/v1/content/records/001.jsonld")
    assert main(["explain", str(record), "--archive", str(site / "missing"), "--width", "120"]) == 0
    cap = capsys.readouterr()
    assert "source text: " in cap.out  # found in the record's own object, whatever --archive says
    assert "not found" not in cap.err


def test_explain_an_archive_id(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arc = str(site / "archive")
    assert main(["explain", ID_004, "--archive", arc, "--width", "120"]) == 0
    out = capsys.readouterr().out
    assert all(f"{n}/4" in out for n in range(1, 5))
    assert out.count("source text: ") == 4
    with Archive.open(site / "archive") as a:
        second, third = (r.data["id"] for r in a.records(ID_004)[1:3])
    assert main(["explain", ID_004, "-r", arc, "--record", "2", "--width", "120"]) == 0
    out = capsys.readouterr().out
    assert second in out and "/4" not in out
    assert out.count("source text: ") == 1
    # a record id is found too (in the object whose provenance lists it)
    assert main(["explain", third, "-r", arc, "--width", "120"]) == 0
    out = capsys.readouterr().out
    assert third in out and second not in out


def test_explain_jsonl_each_record_or_one(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = str(site / "all.jsonl")
    assert main(["explain", jsonl, "--archive", str(site / "archive"), "--width", "120"]) == 0
    out = capsys.readouterr().out
    assert "1/8" in out and "8/8" in out and f"{jsonl} line 8" in out
    rid = json.loads((site / "all.jsonl").read_text(encoding="utf-8").splitlines()[2])["id"]
    for pick in ("3", rid):
        assert main(["explain", jsonl, "--record", pick, "--archive", str(site / "archive")]) == 0
        out = capsys.readouterr().out
        assert rid in out and "1/8" not in out
    assert main(["explain", jsonl, "--record", "9"]) == 2
    assert "holds 8 record(s), numbered 1-8" in capsys.readouterr().err


def test_explain_reads_stdin(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``normalize seeds/ --jsonl - | normalize explain - --record 2``."""
    monkeypatch.setattr(sys, "stdin", io.StringIO((site / "all.jsonl").read_text(encoding="utf-8")))
    assert main(["explain", "-", "--record", "2", "--archive", str(site / "archive")]) == 0
    out = capsys.readouterr().out
    assert "urn:normalize:record:2c7ccaf7" in out and "source text: " in out


def test_explain_unknown_field_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = site / "out" / "001_aed26c047e03e6c7.jsonld"
    assert main(["explain", str(record), "--field", "nope"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""  # no header printed before the error
    assert "--field nope" in cap.err
    assert "fields with changes: articleBody, headline, isBasedOn/headline, text" in cap.err


def test_explain_missing_inputs_say_where_they_looked(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(tmp_path / "nope.jsonld")]) == 2
    assert f"{tmp_path / 'nope.jsonld'}: no such file" in capsys.readouterr().err
    assert main(["explain", ID_004, "--archive", str(tmp_path / "nowhere")]) == 2
    assert f"{tmp_path / 'nowhere'}: no such directory" in capsys.readouterr().err
    assert main(["explain", "urn:normalize:path:004_6a710c285c953a39.txt", "-r", str(site / "archive")]) == 2
    err = capsys.readouterr().err
    assert "no object or record" in err and ID_004 in err  # the closest id is suggested


# -- 2. tables: nothing cut on a terminal, plain rows into a pipe -------------------------------------------


def test_archive_ls_never_cuts_an_id_on_a_terminal(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    assert main(["archive", "ls", "--archive", str(site / "archive")]) == 0
    shown = _shown(terminal)
    assert "…" not in shown
    with Archive.open(site / "archive") as arc:
        ids = arc.ids()
    assert len(ids) == 5
    assert all(object_id in shown for object_id in ids)


def test_detect_never_cuts_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    long = tmp_path / ("a-rather-long-file-name-that-users-copy-" * 2 + ".txt")
    long.write_bytes((SEEDS / "000_c91ed2cc67f6cad2.txt").read_bytes())
    assert main(["detect", str(long), str(SEEDS / "002_47229b3d7ba3992e.txt")]) == 0
    shown = _shown(terminal)
    assert "…" not in shown
    assert str(long) in shown.replace("\n", "") or str(long) in shown


def test_detect_into_a_pipe_prints_plain_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = tmp_path / ("a-rather-long-file-name-that-users-copy-" * 3 + ".txt")
    long.write_bytes((SEEDS / "000_c91ed2cc67f6cad2.txt").read_bytes())
    seed = SEEDS / "002_47229b3d7ba3992e.txt"
    assert main(["detect", str(long), str(seed)]) == 0
    out = capsys.readouterr().out
    assert not set(out) & set("│┃━─┏└…")
    rows = [line.split("\t") for line in out.splitlines()]
    assert [r[0] for r in rows] == [str(long), str(seed)]
    assert rows[1][1:] == ["utf-8", "0.99", "declaration:utf-8 -> utf-8, verified:strict"]


def test_archive_ls_and_log_into_a_pipe(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arc = str(site / "archive")
    assert main(["archive", "ls", "--archive", arc]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5 and all(len(r) == 6 for r in rows)
    assert rows[3][0] == ID_003 and rows[3][5] == "003_2871a930a72c2b46.txt"
    assert main(["archive", "log", ID_003, "--archive", arc]) == 0
    out = capsys.readouterr().out
    rows = [line.split("\t") for line in out.splitlines()]
    assert all(len(r) == 5 for r in rows)
    assert [rows[-1][0], *rows[-1][2:4]] == ["v1", "+", "source/003_2871a930a72c2b46.txt"]
    assert {r[0] for r in rows if r[3] == "records/001.jsonld"} == {f"v{n}" for n in range(1, 9)}


# -- 3. validate counts records ------------------------------------------------------------------------


def test_validate_counts_records_and_files(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(site / "all.jsonl")]) == 0
    assert capsys.readouterr().out.strip() == "8 valid, 0 invalid (8 records in 1 file)"
    lines = (site / "all.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], "{not json", lines[1]]) + "\n", encoding="utf-8")
    assert main(["validate", str(bad), str(site / "out")]) == 1
    cap = capsys.readouterr()
    assert cap.out.strip() == "10 valid, 1 invalid (11 records in 9 files)"
    assert f"{bad}: line 2: not JSON" in cap.err


# -- 4. archive: options anywhere, bare prefixes, suggestions, exit codes, broken pipes ---------------


@pytest.mark.parametrize(
    "argv",
    [
        ["archive", "--archive", "{root}", "ls"],
        ["archive", "-r", "{root}", "ls"],
        ["archive", "ls", "-r", "{root}"],
        ["archive", "ls", "--archive", "{root}"],
    ],
    ids=["--archive first", "-r first", "-r after", "--archive after"],
)
def test_archive_option_before_or_after(
    site: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([a.format(root=site / "archive") for a in argv]) == 0
    assert ID_003 in capsys.readouterr().out


def test_archive_option_after_wins_over_before(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["archive", "-r", str(tmp_path / "other"), "ls", "-r", str(site / "archive")]) == 0
    assert ID_003 in capsys.readouterr().out


@pytest.mark.parametrize("prefix", ["003_2871", "003_2871a930a72c2b46.txt", "urn:normalize:path:003"])
def test_archive_ls_bare_prefix(site: Path, prefix: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "ls", prefix, "-r", str(site / "archive"), "--ids"]) == 0
    assert capsys.readouterr().out == ID_003 + "\n"


def test_archive_show_suggests_the_id(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "show", "003_2871a930a72c2b46.txt", "-r", str(site / "archive")]) == 1
    err = capsys.readouterr().err
    assert "no object '003_2871a930a72c2b46.txt'" in err and "did you mean" in err and ID_003 in err
    assert (
        main(["archive", "log", "urn:normalize:path:003_2871a930a72c2b47.txt", "-r", str(site / "archive")])
        == 1
    )
    assert ID_003 in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["ls"],
        ["show", ID_003],
        ["log", ID_003],
        ["diff", ID_003, "v1", "v2"],
        ["export", "-"],
        ["verify"],
        ["reindex"],
    ],
    ids=lambda a: a[0],
)
def test_missing_archive_is_exit_2_naming_the_path(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-archive"
    assert main(["archive", *argv, "--archive", str(missing)]) == 2
    assert f"{missing}: no such directory" in capsys.readouterr().err
    assert not missing.exists()


def test_broken_pipe_is_quiet(site: Path) -> None:
    """``normalize archive show ID | head -1``: the reader leaves early; no traceback, no 'Broken pipe'."""
    code = "import sys; from normalize.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "archive", "show", ID_003, "-r", str(site / "archive")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(ID_003.encode())
    proc.stdout.close()  # the output (~260 kB) is far more than a pipe holds: the writer will see EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


# -- 5. the library and the parser -------------------------------------------------------------------------


def test_process_accepts_str_and_pathlike(tmp_path: Path) -> None:
    """``process("seeds/x.txt")``: the library takes ``str | os.PathLike`` like the standard library does.

    (Fixed in normalize/pipeline.py by converting ``path``/``root`` with ``Path()`` first.)
    """
    seed = SEEDS / "000_c91ed2cc67f6cad2.txt"
    by_path = normalize.process(seed, SEEDS)
    by_str = normalize.process(str(seed), str(SEEDS))
    assert by_str.error is None
    assert [r.bytes for r in by_str.records] == [r.bytes for r in by_path.records]
    assert normalize.process(str(seed)).records[0].data["wasDerivedFrom"]["fileName"] == seed.name


def test_dir_lists_the_api() -> None:
    listed = dir(normalize)
    for name in normalize.__all__:
        assert name in listed
    assert "process" in listed and "validate_record" in listed and "__version__" in listed


def test_run_help_shows_a_usage_that_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith("usage: normalize run [-h]") and "PATH [PATH ...]" in usage
    out = tmp_path / "out"
    assert main(["run", str(SEEDS / "000_c91ed2cc67f6cad2.txt"), "-o", str(out), "-q"]) == 0
    assert main(["run", "--no-such-flag", str(SEEDS)]) == 2
    assert "normalize run: error:" in capsys.readouterr().err
    assert main(["--help"]) == 0
    overview = capsys.readouterr().out
    assert "usage: normalize PATH... [-o DIR | --jsonl - | --archive DIR]" in overview
    assert "normalize COMMAND ..." in overview
    with pytest.raises(SystemExit):
        main(["x", "--help"])
    assert capsys.readouterr().out.startswith("usage: normalize [-h]")  # implied run: its usage omits it
