"""Hostile and broken input: bounded time and memory, clear errors, nothing lost, nothing overwritten.

The adversarial cases are built by tests/data/hostile/corpus.py (small ones are files there; a 50 MB
line, a sparse 200 MB file, a FIFO and symbolic links are made at run time).  Each test here fails
without the code it guards (each was checked by breaking that code).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from normalize import _limits, _read, _record, _textstage, _watchdog, _worker, process, process_bytes
from normalize._document import Article, Document
from normalize._limits import LimitExceeded, Limits
from normalize.archive import Archive
from normalize.cli import main
from normalize.cli import run as run_cli
from normalize.pipeline import Options

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
HOSTILE = Path(__file__).parent / "data" / "hostile"
NEWSPAPER = SEEDS / "004_6a710c285c953a38.txt"  # four articles: four records

_spec = importlib.util.spec_from_file_location("hostile_corpus", HOSTILE / "corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    return Path(corpus.build(base / "in", base / "outside"))


def _report(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in report["inputs"]}


# --- the whole corpus through the command -------------------------------------------------------------


def test_every_hostile_case_is_reported_and_the_run_stays_within_1_gb(hostile: Path, tmp_path: Path) -> None:
    """All cases in one folder, with worker processes: each gives its clear message or a record, the
    counts add up, no secret outside the folder is read, and no process passes 1 GB or 120 s."""
    report = tmp_path / "report.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    command = [sys.executable, "-c", "import sys; from normalize.cli import main; sys.exit(main())"]
    proc = subprocess.run(
        [*command, str(hostile), "-o", str(tmp_path / "out"), "--jobs", "2", "--report", str(report), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.monotonic() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    data = _report(report)
    entries = _by_name(data)
    assert sorted(entries) == sorted(corpus.EXPECTED)  # every input accounted for, once
    for name, expected in corpus.EXPECTED.items():
        entry = entries[name]
        if name == "unreadable.txt" and ROOT:  # root reads it anyway; covered by another test
            continue
        if expected:
            assert entry["outcome"] == "failed", name
            assert expected in entry["error"], (name, entry["error"])
            assert f"normalize: {name}: " in proc.stderr  # each message names its file
        else:
            assert entry["outcome"] in ("ok", "degraded") and entry["records"] >= 1, (name, entry)
    totals = data["summary"]
    assert totals["ok"] + totals["degraded"] + totals["failed"] == totals["inputs"] == len(corpus.EXPECTED)
    assert totals["limits_hit"] == {"input_bytes": 2, "line_chars": 3, "html_depth": 1}
    assert all(b"secret" not in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert not any("secret" in p.name for p in (tmp_path / "out").rglob("*"))
    assert max(peak_kb, before) < 1024 * 1024, f"peak RSS {peak_kb} KB"
    assert wall < 120, f"{wall:.0f} s"


# --- input limits -------------------------------------------------------------------------------------


def test_a_200_mb_file_is_refused_from_its_size_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(200_000_000)
    reads: list[int] = []
    real_read = os.read

    def counted_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counted_read)
    result = process(huge)
    assert result.error == (
        "the file is 200,000,000 bytes, over the limit of 33,554,432 bytes (--max-input-size) (read)"
    )
    assert result.limit == "input_bytes" and not result.read and result.source == b""
    assert reads == []  # not one byte read
    raised = process(huge, options=Options(limits=Limits(input_bytes=300_000_000)))
    assert raised.limit is None and raised.error is not None and "binary" in raised.error  # read, then judged
    assert sum(reads) > 200_000_000


def test_a_file_growing_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grows.txt"
    path.write_bytes(b"x" * 100)
    real_fstat = os.fstat
    with pytest.raises(LimitExceeded, match="grew while it was read"), open(path, "ab") as fh:

        def fstat_then_grow(fd: int) -> os.stat_result:
            st = real_fstat(fd)
            fh.write(b"y" * 100)
            fh.flush()
            return st

        try:
            os.fstat = fstat_then_grow
            _read.read_bounded(path, 150)
        finally:
            os.fstat = real_fstat


def test_a_50_mb_single_line_finishes_fast_with_the_line_limit(hostile: Path) -> None:
    """Even with the size limit raised past it, the line limit refuses it before any stage that is
    superlinear in a line's length (it took minutes and gigabytes)."""
    start = time.process_time()
    result = process(hostile / "one_line_50mb.txt", options=Options(limits=Limits(input_bytes=64 * 2**20)))
    assert time.process_time() - start < 10
    assert result.error == (
        "line 1 is 16,666,667 characters, over the limit of 100,000 characters (--max-line-length) (decode)"
    )
    assert result.limit == "line_chars" and result.read and len(result.source) == 50_000_001


def test_long_lines_in_html_markup_are_left_to_the_parser_and_its_text_is_checked() -> None:
    page = corpus.HEAD + corpus.PARA.replace("<p>", '<p class="x">') * 3000 + "</body></html>"
    assert "\n" not in page and len(page) > 150_000  # one line of markup: a minified page
    result = process_bytes(page.encode(), "minified.html")
    assert result.error is None and result.records
    long_text = corpus.HEAD + "<p>" + corpus.SENTENCE * 3000 + "</p></body></html>"
    refused = process_bytes(long_text.encode(), "long.html")
    assert refused.limit == "line_chars" and "a paragraph of article 1 has a line of" in (refused.error or "")


def test_html_size_limit() -> None:
    page = (corpus.HEAD + corpus.PARA * 200 + "</body></html>").encode()
    result = process_bytes(page, "page.html", Options(limits=Limits(html_chars=5000)))
    assert result.limit == "html_chars"
    assert result.error is not None and "over the limit of 5,000 characters (--max-html-size)" in result.error
    assert process_bytes(page, "page.html").records


def test_limits_reach_format_plugins_through_current() -> None:
    seen: list[Limits] = []

    class Spy:
        name = "spy"

        def sniff(self, text: str) -> float:
            return 1.0

        def parse(self, doc: Document) -> None:
            seen.append(_limits.current())
            doc.articles = [Article()]

    from normalize import formats

    formats.register(Spy())
    try:
        limits = Limits(html_depth=7)
        process_bytes("国务院通知\n".encode(), "x.txt", Options(format="spy", limits=limits))
    finally:
        formats._REGISTRY.pop()
    assert seen == [limits]
    assert _limits.current() == _limits.DEFAULT


def test_long_line_counts_lines_as_the_whitespace_stage_does() -> None:
    assert _limits.long_line("ab\r\ncdef\rx", 3) == (2, 4)
    assert _limits.long_line("ab\rcd\u2028ef\x85gh", 2) is None  # CR, U+2028, NEL end lines too
    assert _limits.long_line("abc", 2) == (1, 3) and _limits.long_line("abc", 3) is None
    assert _limits.long_line("a\n" * 5 + "b" * 7, 6) == (6, 7)


def test_limit_values_are_checked_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for bad in (["--max-input-size", "lots"], ["--time-limit", "-1"], ["--max-line-length", "1.5"]):
        assert main([str(SEEDS), "-o", str(tmp_path / "o"), *bad]) == 2
        assert bad[0] in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    assert _limits.parse_size("1.5G") == 1_610_612_736 and _limits.parse_size("32M") == 33_554_432


# --- files that are not documents -------------------------------------------------------------------


def test_a_fifo_given_by_name_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(process(fifo)), daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "blocked opening a FIFO"
    assert out[0].error == "a FIFO (named pipe), not a regular file; not read" and not out[0].read


def test_links_outside_the_folder_are_not_read_and_links_inside_keep_their_names(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "real.txt").write_text("正文", encoding="utf-8")
    (root / "alias.txt").symlink_to(root / "real.txt")
    (root / "sub" / "up").symlink_to(root)  # a loop
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    entries = {e.name: e.problem for e in _read.walk([root])}
    assert entries["real.txt"] is None and entries["alias.txt"] is None  # two inputs, two names
    assert entries["leak.txt"] is not None and "outside the input folder" in entries["leak.txt"]
    assert entries["sub/up"] is not None and "symbolic link to a directory" in entries["sub/up"]
    assert len(entries) == 4  # the loop is not followed
    assert [p.name for p, _ in _read.iter_sources([root])] == ["alias.txt", "real.txt"]


def test_unreadable_file_is_a_clear_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "locked.txt").write_text(corpus.SENTENCE, encoding="utf-8")
    (src / "locked.txt").chmod(0)
    if ROOT:  # root reads anything: make the open fail as it would for anyone else
        real_open = os.open

        def deny(path: Any, flags: int, *args: Any) -> int:
            if str(path).endswith("locked.txt"):
                raise PermissionError(13, "Permission denied")
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", deny)
    shutil_copy(NEWSPAPER, src / "news.txt")
    report = tmp_path / "r.json"
    assert main([str(src), "-o", str(tmp_path / "out"), "--jobs", "1", "-q", "--report", str(report)]) == 1
    entries = _by_name(_report(report))
    assert entries["locked.txt"]["error"] == "cannot read: Permission denied"
    assert entries["news.txt"]["records"] == 4


def shutil_copy(src: Path, dst: Path) -> None:
    dst.write_bytes(src.read_bytes())


# --- the watchdog -------------------------------------------------------------------------------------


def _busy_for(name: str) -> Any:
    """A text stage that never ends for the document ``name`` and swallows what it can on the way."""
    real = _textstage.run

    def run(doc: Document, options: Any) -> None:
        if doc.name == name:
            while True:
                with contextlib.suppress(Exception):  # a careless stage: the timeout gets through
                    sum(range(10_000))
        real(doc, options)

    return run


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_time_limit_fails_one_document_and_the_batch_goes_on(
    jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil_copy(NEWSPAPER, src / "a_stuck.txt")
    shutil_copy(NEWSPAPER, src / "b_fine.txt")
    monkeypatch.setattr(_textstage, "run", _busy_for("a_stuck.txt"))
    report = tmp_path / "r.json"
    args = [
        str(src),
        "-o",
        str(tmp_path / "out"),
        "--time-limit",
        "1",
        "--jobs",
        jobs,
        "--report",
        str(report),
    ]
    assert main([*args, "-q"]) == 1
    entries = _by_name(_report(report))
    assert entries["a_stuck.txt"]["limit"] == "cpu_seconds"
    assert entries["a_stuck.txt"]["error"] == "time limit hit: more than 1 s of CPU time (--time-limit)"
    assert entries["b_fine.txt"]["outcome"] == "ok" and entries["b_fine.txt"]["records"] == 4
    assert "a_stuck.txt: time limit hit" in capsys.readouterr().err


def test_time_limit_on_real_work_in_a_worker(tmp_path: Path) -> None:
    """No monkeypatching: ten lines just under the line limit cost seconds each in the text stage."""
    src = tmp_path / "in"
    src.mkdir()
    text = NEWSPAPER.read_text(encoding="utf-8").replace("\n", " ")
    line = (text * (99_000 // len(text) + 1))[:99_000]
    (src / "a_slow.txt").write_text((line + "\n") * 10, encoding="utf-8")
    shutil_copy(NEWSPAPER, src / "b_fine.txt")
    report = tmp_path / "r.json"
    start = time.process_time()
    rc = main(
        [
            str(src),
            "-o",
            str(tmp_path / "o"),
            "--time-limit",
            "2",
            "--jobs",
            "2",
            "-q",
            "--report",
            str(report),
        ]
    )
    assert rc == 1
    entries = _by_name(_report(report))
    assert entries["a_slow.txt"]["limit"] == "cpu_seconds"
    assert entries["b_fine.txt"]["records"] == 4
    assert time.process_time() - start < 10  # this process only waited


def _hog_for(name: str) -> Any:
    real = _textstage.run

    def run(doc: Document, options: Any) -> None:
        if doc.name == name:
            hoard = [bytearray(64 * 2**20) for _ in range(64)]  # 4 GB, 64 MB at a time
            del hoard
        real(doc, options)

    return run


@pytest.mark.skipif(not _watchdog.memory_supported(), reason="no RLIMIT_AS here")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_memory_limit_fails_one_document_and_the_batch_goes_on(
    jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil_copy(NEWSPAPER, src / "a_hog.txt")
    shutil_copy(NEWSPAPER, src / "b_fine.txt")
    monkeypatch.setattr(_textstage, "run", _hog_for("a_hog.txt"))
    report = tmp_path / "r.json"
    before = resource.getrlimit(resource.RLIMIT_AS)
    args = [
        str(src),
        "-o",
        str(tmp_path / "o"),
        "--memory-limit",
        "256M",
        "--jobs",
        jobs,
        "--report",
        str(report),
    ]
    assert main([*args, "-q"]) == 1
    entries = _by_name(_report(report))
    assert entries["a_hog.txt"]["limit"] == "memory_bytes"
    assert entries["a_hog.txt"]["error"] == (
        "memory limit hit: the document needed more than 268,435,456 bytes (--memory-limit)"
    )
    assert entries["b_fine.txt"]["records"] == 4
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # restored


def _die_for(name: str) -> Any:
    real = _textstage.run

    def run(doc: Document, options: Any) -> None:
        if doc.name == name:
            os.kill(os.getpid(), signal.SIGKILL)
        real(doc, options)

    return run


def test_a_worker_that_dies_fails_only_its_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool is replaced and the documents of the lost batch are retried alone: only the one that
    kills its worker again fails."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        shutil_copy(NEWSPAPER, src / f"d{i}.txt")
    monkeypatch.setattr(_textstage, "run", _die_for("d2.txt"))
    report = tmp_path / "r.json"
    assert main([str(src), "-o", str(tmp_path / "o"), "--jobs", "2", "-q", "--report", str(report)]) == 1
    entries = _by_name(_report(report))
    assert [n for n, e in entries.items() if e["outcome"] == "failed"] == ["d2.txt"]
    assert entries["d2.txt"]["error"].startswith("the worker process died while normalizing this document")
    assert all(entries[f"d{i}.txt"]["records"] == 4 for i in (0, 1, 3, 4, 5))


def test_a_worker_death_never_replaces_the_archived_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like a time or memory limit, a dead worker may be the machine's doing (the system killed it):
    an unchanged source keeps its good head."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        shutil_copy(NEWSPAPER, src / f"d{i}.txt")
    arc = tmp_path / "arc"
    assert main([str(src), "--archive", str(arc), "--jobs", "2", "-q"]) == 0
    monkeypatch.setattr(_textstage, "run", _die_for("d1.txt"))
    report = tmp_path / "r.json"
    assert main([str(src), "--archive", str(arc), "--jobs", "2", "-q", "--report", str(report)]) == 1
    entry = _by_name(_report(report))["d1.txt"]
    assert entry["outcome"] == "failed" and "kept the head" in entry["warnings"][-1]
    with Archive.open(arc) as a:
        assert all(a.head(oid) == 1 and a.provenance(oid)["status"] == "ok" for oid in a.ids())


def test_native_code_stuck_past_the_timer_is_killed_by_the_backstop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long call into C that checks no signals cannot be interrupted by the timer's handler: the
    worker's RLIMIT_CPU ends it, and the scheduler fails that document alone."""
    import hashlib
    from concurrent.futures import ProcessPoolExecutor

    real = _textstage.run

    def stuck(doc: Document, options: Any) -> None:
        if doc.name == "stuck.txt":
            hashlib.pbkdf2_hmac("sha256", b"p", b"s", 10**8)  # ~25 s in one C call, no signal checks
        real(doc, options)

    monkeypatch.setattr(_textstage, "run", stuck)
    monkeypatch.setattr(_worker, "BACKSTOP_GRACE", 1.0)
    items: list[_worker.Item] = [
        _worker.BytesItem(NEWSPAPER.read_bytes(), name) for name in ("a.txt", "stuck.txt", "c.txt")
    ]
    options = Options(limits=Limits(cpu_seconds=0.5))
    pools: list[ProcessPoolExecutor] = []

    def start() -> ProcessPoolExecutor:
        pools.append(ProcessPoolExecutor(2, initializer=_worker.init_worker))
        return pools[-1]

    try:
        results = list(_worker.ordered_results(items, options, start(), 2, restart=start))
    finally:
        for p in pools:
            p.shutdown(cancel_futures=True)
    assert [r.name for r in results] == ["a.txt", "stuck.txt", "c.txt"]
    assert results[0].records and results[2].records
    assert results[1].error is not None and results[1].error.startswith("the worker process died")
    assert results[1].source == NEWSPAPER.read_bytes()  # kept, to be archived as failed


def test_the_watchdog_restores_what_it_changed() -> None:
    before_as = resource.getrlimit(resource.RLIMIT_AS)
    before_handler = signal.getsignal(signal.SIGPROF)
    with (
        pytest.raises(_watchdog.DocumentTimeout),
        _watchdog.guard(Limits(cpu_seconds=0.2, memory_bytes=2**30)),
    ):
        while True:
            pass
    assert resource.getrlimit(resource.RLIMIT_AS) == before_as
    assert signal.getsignal(signal.SIGPROF) == before_handler
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert _watchdog.memory_allowance() == 0


def test_unsupported_limits_are_named() -> None:
    notes: list[str] = []
    t = threading.Thread(target=lambda: notes.extend(_watchdog.unsupported(Limits())))
    t.start()
    t.join()
    assert notes and notes[0].startswith("--time-limit is not enforced here")


# --- nothing lost: invalid records are quarantined, not dropped --------------------------------------


def _break_record(position: int) -> Any:
    """Make the record at ``position`` invalid (no headline, an articleBody of the wrong type)."""
    real = _record.build

    def build(doc: Document, article: Article, i: int, *, language: str) -> dict[str, Any]:
        data = real(doc, article, i, language=language)
        if i == position or position == 0:
            data["articleBody"] = 42
        return data

    return build


def test_one_invalid_record_does_not_take_the_others_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_record, "build", _break_record(2))
    result = process(NEWSPAPER)
    assert result.error is None and result.outcome == "degraded"
    assert [r.position for r in result.records] == [1, 3, 4]
    (bad,) = result.quarantined
    assert bad.position == 2 and bad.errors and "articleBody" in bad.errors[0]
    assert any(w.startswith("record 2 is invalid: ") for w in result.warnings)


def test_a_document_without_a_valid_record_fails_and_keeps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_record, "build", _break_record(0))
    result = process(NEWSPAPER)
    assert result.records == [] and len(result.quarantined) == 4
    assert result.error is not None and result.error.startswith("record 1 is invalid: ")
    assert "(and 3 more invalid records); quarantined (validate)" in result.error


def test_quarantine_in_a_folder_is_apart_and_never_counted_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_record, "build", _break_record(2))
    out = tmp_path / "out"
    assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 1
    assert "004_6a710c285c953a38.txt: record 2 is invalid, quarantined: " in capsys.readouterr().err
    assert sorted(p.name for p in out.glob("*.jsonld")) == [
        f"004_6a710c285c953a38-{i}.jsonld" for i in (1, 3, 4)
    ]
    bad = out / "_invalid" / "004_6a710c285c953a38-2.jsonld"
    errors = json.loads((out / "_invalid" / "004_6a710c285c953a38-2.errors.json").read_text(encoding="utf-8"))
    assert json.loads(bad.read_bytes())["articleBody"] == 42
    assert errors["source"] == "004_6a710c285c953a38.txt" and errors["record"] == 2 and errors["errors"]
    monkeypatch.undo()
    assert main(["validate", str(out)]) == 1
    assert "3 valid, 1 invalid" in capsys.readouterr().out


def test_quarantine_in_jsonl_is_a_separate_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_record, "build", _break_record(2))
    out = tmp_path / "r.jsonl"
    assert main([str(NEWSPAPER), "--jsonl", str(out), "--jobs", "1", "-q"]) == 1
    assert len(out.read_bytes().splitlines()) == 3
    (line,) = (tmp_path / "r.jsonl.invalid.jsonl").read_bytes().splitlines()
    marked = json.loads(line)
    assert marked["quarantined"] is True and marked["record"]["articleBody"] == 42 and marked["errors"]
    monkeypatch.undo()
    assert main([str(NEWSPAPER), "--jsonl", str(out), "--jobs", "1", "-q"]) == 0
    assert not (tmp_path / "r.jsonl.invalid.jsonl").exists()  # a stale quarantine is not left behind


def test_quarantine_in_the_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_record, "build", _break_record(2))
    arc = tmp_path / "arc"
    assert main([str(NEWSPAPER), "--archive", str(arc), "--jobs", "1", "-q"]) == 1
    assert main([str(NEWSPAPER), "--archive", str(arc), "--jobs", "1", "-q"]) == 1  # same again
    with Archive.open(arc) as a:
        (oid,) = a.ids()
        assert a.head(oid) == 1  # the re-run changed nothing
        prov = a.provenance(oid)
        assert prov["status"] == "invalid"
        assert [r["path"] for r in prov["records"]] == [
            "records/001.jsonld",
            "records/002.jsonld",
            "records/003.jsonld",
        ]
        (bad,) = prov["invalid"]
        assert bad["path"] == "invalid/001.jsonld" and bad["errors"]
        assert json.loads(a.file(oid, "invalid/001.jsonld"))["articleBody"] == 42
        assert len(a.records(oid)) == 3  # readers see the valid records only
        assert a.verify().ok


# --- nothing overwritten ------------------------------------------------------------------------------


def _two_roots(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir()
    b.mkdir()
    shutil_copy(SEEDS / "001_aed26c047e03e6c7.txt", a / "doc.txt")
    shutil_copy(SEEDS / "002_47229b3d7ba3992e.txt", b / "doc.txt")
    return a, b


def test_same_names_under_two_roots_are_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _two_roots(tmp_path)
    monkeypatch.setattr(_worker, "run_batch", lambda *a: pytest.fail("work started"))
    arc = tmp_path / "arc"
    for args in ([str(a), str(b)], [str(a / "doc.txt"), str(b / "doc.txt")]):
        assert main([*args, "--archive", str(arc), "--jobs", "1"]) == 2
        err = capsys.readouterr().err
        assert (
            f"{a / 'doc.txt'} and {b / 'doc.txt'} would both be archived as urn:normalize:path:doc.txt" in err
        )
        assert "Traceback" not in err
    assert not arc.exists()


def test_same_names_under_two_roots_both_kept_in_a_folder(tmp_path: Path) -> None:
    a, b = _two_roots(tmp_path)
    out = tmp_path / "out"
    assert main([str(a), str(b), "-o", str(out), "--jobs", "1", "-q"]) == 0
    second = f"doc.{hashlib.sha256((b / 'doc.txt').read_bytes()).hexdigest()[:8]}.jsonld"
    assert sorted(p.name for p in out.glob("*.jsonld")) == sorted(["doc.jsonld", second])
    assert (
        json.loads((out / "doc.jsonld").read_bytes())["wasDerivedFrom"]["byteLength"]
        == (a / "doc.txt").stat().st_size
    )


def test_same_stems_in_one_folder_both_kept_and_names_held_only_along_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One input folder: two sources of one stem in a folder both get a record, and the names the
    run remembers to tell them apart are only those of the folders on the current source's path."""
    src = tmp_path / "in"
    for where, seed in [("x/a.txt", 1), ("x/a.md", 2), ("x/sub/c.txt", 3), ("x/z.txt", 4), ("y/b.txt", 0)]:
        (src / where).parent.mkdir(parents=True, exist_ok=True)
        shutil_copy(sorted(SEEDS.iterdir())[seed], src / where)
    held: list[list[str]] = []
    enter = run_cli._DirSink._enter

    def spy(self: run_cli._DirSink, source: str) -> None:
        enter(self, source)
        held.append(sorted(self.written))

    monkeypatch.setattr(run_cli._DirSink, "_enter", spy)
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "--jobs", "1", "-q"]) == 0
    second = f"a.{hashlib.sha256((src / 'x/a.txt').read_bytes()).hexdigest()[:8]}.jsonld"
    assert sorted(p.name for p in (out / "x").glob("a*.jsonld")) == sorted(["a.jsonld", second])
    assert held == [["x/"], ["x/"], ["x/", "x/sub/"], ["x/"], ["y/"]]


def _with_url(path: Path, url: str, title: str) -> None:
    body = "<p>　　国务院常务会议部署进一步做好稳就业工作，要求各地区各部门狠抓落实。</p>\n"
    path.write_text(f"---\ntitle: {title}\nurl: {url}\n---\n{body}", encoding="utf-8")


def test_a_url_shared_by_two_inputs_is_refused_naming_both_and_reruns_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _with_url(src / "a.md", "https://example.com/news/1", "国务院部署稳就业工作")
    _with_url(src / "b.md", "https://example.com/news/1", "另一篇文章的标题")
    _with_url(src / "c.md", "https://example.com/news/2", "第三篇文章的标题")
    arc = tmp_path / "arc"
    for _ in range(3):
        assert main([str(src), "--archive", str(arc), "--key", "url", "--jobs", "1", "-q"]) == 1
        err = capsys.readouterr().err
        assert "b.md: not archived: urn:normalize:url-sha256:" in err
        assert "is already the object of a.md in this run (url 'https://example.com/news/1' in both)" in err
    with Archive.open(arc) as a:
        assert len(a.ids()) == 2
        assert all(a.head(i) == 1 for i in a.ids())  # no swapping heads
        assert {a.provenance(i)["source"]["name"] for i in a.ids()} == {"a.md", "c.md"}


def test_key_url_without_a_url_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.json"
    arc = tmp_path / "arc"
    assert main([str(NEWSPAPER), "--archive", str(arc), "--key", "url", "-q", "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert (
        "004_6a710c285c953a38.txt: no url in the document (needed for --key url); keyed by path instead"
        in err
    )
    (entry,) = _report(report)["inputs"]
    assert entry["outcome"] == "degraded" and "keyed by path instead" in entry["warnings"][-1]


def test_a_resource_failure_never_replaces_the_archived_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time and memory depend on the machine: a document that timed out keeps its good head."""
    arc = tmp_path / "arc"
    assert main([str(NEWSPAPER), "--archive", str(arc), "--jobs", "1", "-q"]) == 0
    monkeypatch.setattr(_textstage, "run", _busy_for(NEWSPAPER.name))
    report = tmp_path / "r.json"
    args = [
        str(NEWSPAPER),
        "--archive",
        str(arc),
        "--time-limit",
        "0.5",
        "--jobs",
        "1",
        "-q",
        "--report",
        str(report),
    ]
    assert main(args) == 1
    (entry,) = _report(report)["inputs"]
    assert entry["limit"] == "cpu_seconds" and "kept the head" in entry["warnings"][-1]
    with Archive.open(arc) as a:
        (oid,) = a.ids()
        assert a.head(oid) == 1 and a.provenance(oid)["status"] == "ok"


def test_path_traversal_in_front_matter_stays_inside_the_archive(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    src = HOSTILE / "fm_path_traversal.md"
    for key in ("path", "url", "field:slug", "field:id"):
        assert main([str(src), "--archive", str(arc), "--key", key, "--jobs", "1", "-q"]) == 0
    inside = arc.resolve()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(inside) or ".arc.work" in str(p) for p in written)
    assert not Path("/tmp/normalize-pwned").exists() and not Path("/tmp/normalize-pwned.html").exists()
    with Archive.open(arc) as a:
        assert len(a.ids()) == 4
        assert all("/.." not in i and not i.endswith(":..") for i in a.ids())


# --- clear errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", "bogus"], "argument --key: 'bogus' is not path, url or field:NAME"),
        (["--key", "url", "-o", "OUT"], "--key url applies to the archive only, not to -o"),
        (["--key", "path", "--jsonl", "OUT"], "--key path applies to the archive only, not to --jsonl"),
        (["--no-fsync", "-o", "OUT"], "--no-fsync applies to the archive only, not to -o"),
    ],
)
def test_option_errors_exit_2_before_any_work(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_worker, "run_batch", lambda *a: pytest.fail("work started"))
    assert main([str(SEEDS), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no archive, no output


def test_archive_on_a_folder_that_is_not_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    assert main([str(SEEDS), "--archive", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"--archive: {folder}: exists, is not empty and is not an OCFL storage root" in err
    assert "Traceback" not in err
    assert [p.name for p in folder.iterdir()] == ["cat.jpg"]


def test_an_empty_folder_says_no_input_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".hidden.txt").write_text("x", encoding="utf-8")
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 2
    assert "no input files in" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback_of_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(doc: Document, options: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(_textstage, "run", bug)
    args = [str(NEWSPAPER), "-o", str(tmp_path / "o"), "--jobs", "1", "-q"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "internal error, please report: RuntimeError: a bug" in err and "Traceback" not in err
    assert main([*args, "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and 'raise RuntimeError("a bug")' in err


def test_outputs_inside_the_input_folder_are_never_read_as_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, args in enumerate((["--jsonl", "out.jsonl"], ["-o", "o"], [], [])):
        folder = tmp_path / str(min(i, 2))  # the last two: the same folder, with its archive/ in it
        folder.mkdir(exist_ok=True)
        monkeypatch.chdir(folder)
        shutil_copy(NEWSPAPER, folder / "news.txt")
        assert main([".", "--jobs", "1", "-q", "--report", "r.json", *args]) == 0, args
        assert [e["name"] for e in _report(folder / "r.json")["inputs"]] == ["news.txt"]


def test_report_accounts_for_every_input(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("bin_image.png", "yaml_title_list.md", "yaml_unclosed.md"):
        shutil_copy(HOSTILE / name, src / name)
    shutil_copy(SEEDS / "001_aed26c047e03e6c7.txt", src / "ok.txt")
    os.mkfifo(src / "pipe.txt")
    report = tmp_path / "r.json"
    assert (
        main([str(src), "--archive", str(tmp_path / "arc"), "--jobs", "1", "-q", "--report", str(report)])
        == 1
    )
    data = _report(report)
    outcomes = {e["name"]: e["outcome"] for e in data["inputs"]}
    assert outcomes == {
        "bin_image.png": "failed",
        "ok.txt": "ok",
        "pipe.txt": "failed",
        "yaml_title_list.md": "degraded",
        "yaml_unclosed.md": "failed",
    }
    assert data["summary"] | {"archive": None} == {
        "inputs": 5,
        "ok": 1,
        "degraded": 1,
        "failed": 3,
        "records": 2,
        "quarantined": 0,
        "warnings": 1,
        "limits_hit": {},
        "archive": None,
    }
    assert data["summary"]["archive"] == {"created": 4, "not read": 1}  # the failures' sources too
    entry = _by_name(data)["pipe.txt"]
    assert set(entry) == {"name", "path", "outcome", "records", "quarantined", "warnings", "error", "limit"}
    assert entry["path"] == str(src / "pipe.txt")


def test_html_depth_limit_below_the_parsers_ceiling() -> None:
    page = (
        "<html><body>"
        + "<div>" * 40
        + "<p>国务院常务会议部署稳就业工作。</p>"
        + "</div>" * 40
        + "</body></html>"
    )
    refused = process_bytes(page.encode(), "deep.html", Options(limits=Limits(html_depth=30)))
    assert refused.error is not None and "(--max-html-depth)" in refused.error
    assert "over the limit of 30 levels" in refused.error
    read = process_bytes(page.encode(), "deep.html", Options(limits=Limits(html_depth=0)))
    assert read.error is None or "max-html-depth" not in read.error


def test_a_rerun_leaves_no_stale_copy_on_the_other_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 0
    record = out / "004_6a710c285c953a38-2.jsonld"
    assert record.exists()
    with monkeypatch.context() as m:  # record 2 is invalid in the second run: only its quarantined copy
        m.setattr(_record, "build", _break_record(2))
        assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 1
    assert not record.exists() and (out / "_invalid" / record.name).exists()
    assert main(["validate", str(out)]) == 1
    # valid again in a third run: the quarantined copy and its errors go
    assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 0
    assert record.exists()
    assert sorted(p.name for p in (out / "_invalid").iterdir()) == []
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0


def test_a_first_run_into_a_fresh_folder_removes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stale copies exist only where an earlier run wrote: into a fresh folder the sink tries no removal
    (one failed unlink per record, before), and run again it does."""
    import os

    unlinked: list[str] = []
    real = os.unlink
    monkeypatch.setattr(run_cli.os, "unlink", lambda p: (unlinked.append(os.fspath(p)), real(p))[1])
    out = tmp_path / "out"
    assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 0
    assert unlinked == []
    (out / "_invalid").mkdir()
    assert main([str(NEWSPAPER), "-o", str(out), "--jobs", "1", "-q"]) == 0
    assert unlinked and all("_invalid" in p for p in unlinked)


def test_no_fsync_ingests_the_same_archive_without_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from normalize.archive import _writer

    calls: list[object] = []  # fsyncs, and the syncfs barriers that stand for them on Linux
    real = os.fsync
    real_syncfs = _writer.sync_filesystem
    monkeypatch.setattr(_writer.os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    monkeypatch.setattr(_writer, "sync_filesystem", lambda p: (calls.append(p), real_syncfs(p))[1])
    digests = {}
    for name, extra in (("durable", []), ("fast", ["--no-fsync"])):
        arc = tmp_path / name
        Archive.open(arc, create=True).close()  # the root itself is always written durably
        calls.clear()
        assert main([str(SEEDS), "--archive", str(arc), "--jobs", "1", "-q", *extra]) == 0
        assert (len(calls) > 0) == (name == "durable")
        with Archive.open(arc) as a:
            assert a.verify().ok
            digests[name] = {i: a.head(i) for i in a.ids()}
    assert digests["durable"] == digests["fast"] and len(digests["fast"]) == 5
