"""Pipeline benchmark: ``normalize`` as a user runs it, side by side with the peer pipeline, on a corpus.

    python bench/pipeline.py                                # 1,000 documents, 5 repeats
    python bench/pipeline.py --quick                        # 200 documents, 1 repeat (checks the harness)
    python bench/pipeline.py --sizes 1000,10000,100000 --cache ~/.cache/normalize-bench --out run.md

A corpus tool is judged on a corpus, so the documents come from ``bench/corpus.py`` (real People's Daily
text in the three layouts, in every supported encoding, with traditional script, pinyin, mojibake and
broken paragraphs mixed in; its docstring gives the shares).  Each corpus is generated once per size into
a temporary directory (or reused from ``--cache DIR``) and read once before timing, so every command
starts from the same warm page cache.

What is measured, and why this way:

* **Throughput** (at the first size): the ``normalize`` command in a fresh process, exactly as typed by a
  user (``-o DIR --jobs 1``, ``--jsonl FILE --jobs 1``, ``--archive DIR --jobs 1``, ``-o DIR`` with the
  default jobs, ``-o DIR --jobs 2``), and the peer (``bench/peer.py``: chardet → ftfy → OpenCC →
  trafilatura → json, one process over the same files; and ``--jobs 2``, the same in a two-process pool,
  to show what a second process gives on this machine to a pipeline that does no more).  Wall time
  includes start-up, once per run, for both.  The machine is shared and its speed drifts, so absolute
  figures are only indicative: what counts are ratios between runs made close together.  Each repeat runs
  every command once, the two runs of each targeted ratio one right after the other, in an order that
  is reversed from one repeat to the next (:data:`FIRST_ORDER`); the ratios are taken within the repeat,
  and the tables give medians over the repeats.
* **Peak RSS** of each run: ``ru_maxrss`` of the command's process from ``os.wait4``, the largest resident
  set of that process and of every worker it waited for, i.e. the peak of the largest single process.
  The command is started and waited for by a small launcher process (:data:`_LAUNCHER`), not by this
  harness: on Linux a process's ``ru_maxrss`` starts from the peak of the address space it was forked
  (or vforked) from, so a command started by the harness itself reported the harness's own peak when
  that was larger (seen: 299 MB for ``--jobs 1`` and the default command on 10,000 documents, after the
  harness had generated that corpus in-process; the same command alone, 263 MB; the peer, 55 MB alone,
  342 MB when started from a 342 MB process).
* **Stages** (in-process, first size): the stage functions of ``normalize.pipeline`` called in the order
  ``process_document`` calls them, each timed per document; ``canonical_record`` is timed inside
  ``build_records`` by wrapping it, so build/validate excludes it.  Lazy loads (dictionaries, models) are
  charged to the document that triggers them, as in a real run; the slowest five documents are timed a
  second time so that a one-off load can be told from a slow path.
* **Cold start** (median of 5 fresh processes): ``normalize detect`` on a small GB18030 file and
  ``normalize ONE_SMALL_DOC -o DIR``, with the bare interpreter and the peer on the same document for
  scale.
* **Scaling** (every size): ``-o DIR --jobs 1``, the default command and the peer; per-document cost is
  wall time / documents, compared with the first size (corpus ``N`` is the first ``N`` documents of any
  larger one: the same kind of mix, not the same documents).  That ratio moves with the machine's speed
  between runs minutes apart, and with the documents: a tenth of the corpus differs from another by the
  few documents with a long mojibake search it happens to hold (run alone, the last 1,000 of the 10,000
  documents took 1.07-1.20x the time of the first 1,000).  So from :data:`DRIFT_FROM` documents on, one
  more ``--jobs 1`` run is given the corpus with a probe (its first hundredth) given again before each
  stretch of it and after the last (:func:`probe_inputs`; up to ten stretches, each at least ten
  times the probe, :func:`stretches`): the same documents timed at several points of one long run, a
  straight line fitted through them (:func:`drift_of`; one point alone moves with the
  machine: the same documents, alone in one process, took 0.86-1.20 times as much CPU time at the end of
  a run as at its start, from one run of the same code to the next).  That run is made side by side
  with the peer given the same inputs (:meth:`Runner.beside`: both started together, one core each), so
  that the machine's speed over those minutes is measured too: the peer keeps no state from one
  document to the next, and its own figure is the machine's.  Each copy's time is also split into the
  time the process spent on a core and waiting in a run queue for one (the launcher's trace,
  :data:`_LAUNCHER`): a copy slowed by waiting was the machine's doing.  The two runs' wall times give
  the single-process ratio at that size at one and the same machine speed (the sequential repeats at
  10,000 documents and more are one each, minutes apart).  But the peer is other work, which the
  machine slows down differently (at 100,000 documents it drifted 1.01, 0.90 and 0.95 in three runs,
  ours beside it 1.10, 0.88 and 1.10).  So from :data:`CONTROL_FROM` documents on, the drift run is
  made a second time, beside fresh ``--jobs 1`` processes that run the probe alone, one after another,
  on the other core (:meth:`Runner.control`): the same documents and code, from nothing every time, so
  their times follow the machine only; each copy's time on a core in the long run is compared with
  the CPU time of the fresh runs that overlapped it.  The flatness target is judged on ours over
  theirs there (:class:`Control`), on ours over the peer's below it.

* **Where the outputs go**: every run writes into a new folder of its own, and a size's outputs are
  deleted together when its runs are done (:class:`Runner`): on ext4, files created just after thousands
  were deleted cost the kernel several times more (1.3-2.0 s against 0.4 s for ``-o DIR --jobs 1`` on
  1,000 documents, in the command's own process), a cost of the harness, not of the command, which fell
  on whichever run came next.  The folder is a temporary one, or one under ``--scratch DIR`` (a tmpfs
  leaves the disk out altogether); the report names its file system.

The targets of the speed issue are checked in a last table.  Nothing is appended to bench/RESULTS.md;
``--out FILE`` writes the same tables as Markdown for pasting there.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is not a package: its modules import each other by path)

PEER = "peer (chardet → ftfy → OpenCC → trafilatura)"
PEER2 = "peer --jobs 2"
OURS = {
    "-o DIR --jobs 1": ["-o", "{out}", "--jobs", "1"],
    "--jsonl FILE --jobs 1": ["--jsonl", "{out}.jsonl", "--jobs", "1"],
    "--archive DIR --jobs 1": ["--archive", "{out}/archive", "--jobs", "1"],
    "-o DIR (default jobs)": ["-o", "{out}"],
    "-o DIR --jobs 2": ["-o", "{out}", "--jobs", "2"],
}
SINGLE, DEFAULT, JOBS2 = "-o DIR --jobs 1", "-o DIR (default jobs)", "-o DIR --jobs 2"
FIRST_ORDER = [PEER2, JOBS2, SINGLE, PEER, DEFAULT, "--jsonl FILE --jobs 1", "--archive DIR --jobs 1"]
"""The commands run on the first corpus, in the order of a repeat (the next repeat runs them backwards):
the runs whose ratios are targets are neighbours (``--jobs 2`` and ``--jobs 1``, ``--jobs 1`` and the
peer, the peer and the default command), so the machine's speed, which drifts by a quarter within a
minute here, changes little between the two runs of a ratio, and neither run of a pair always goes first."""
REPEAT = 5
"""Repeats of every command at the first size, by default (``--repeat``).  The ratios the targets judge
are medians over them, and one repeat's ratio strays far: ``--jobs 2`` over ``--jobs 1`` ranged over
1.51-1.92 within one run of nine repeats (median 1.78); over the pipeline code of e8f5e3d on, the medians
of runs of three repeats were 1.79, 1.65 and 1.71, those of five and nine repeats 1.85, 1.77, 1.78, 1.84
and 1.77.  A repeat of the seven commands takes about half a minute at 1,000 documents."""
LATER_ORDER = [PEER, SINGLE, DEFAULT]
"""The same for the larger corpora (the scaling table: ``--jobs 1`` over the peer, and the default
command over ``--jobs 1``, the two workers' gain where their start-up weighs less)."""
STAGES = (
    "detect",
    "decode",
    "repair_mojibake",
    "sniff+parse",
    "text stage",
    "extract",
    "build/validate",
    "canonical bytes",
)
# the speed issue's targets
TARGET_SINGLE, TARGET_JOBS2, TARGET_DEFAULT = 1.0, 1.7, 1.7
TARGET_COLD_S, TARGET_RSS_MB, TARGET_SLOWEST_S = 0.5, 300.0, 2.0
TARGET_FLAT = 1.15  # per-document cost at the largest size / at the first: "flat" allows 15% (noise)


# --- tables, printed with rich and written as Markdown ------------------------------------------------


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    def rich(self) -> Table:
        table = Table(
            title=self.title, title_justify="left", caption=self.note or None, caption_justify="left"
        )
        for i, col in enumerate(self.columns):
            table.add_column(col, justify="left" if i == 0 else "right", overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table

    def markdown(self) -> str:
        out = [f"#### {self.title}", "", "| " + " | ".join(self.columns) + " |"]
        out.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|")
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in self.rows]
        if self.note:
            out += ["", self.note]
        return "\n".join(out) + "\n"


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def med(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- running commands ---------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    rss_mb: float
    returncode: int
    failures: int
    cpu: float = 0.0
    """CPU seconds (user + system) of the command and of the worker processes it waited for."""


_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The children's environment: as installed by pip, a package's modules are byte-compiled; with
``PYTHONDONTWRITEBYTECODE`` set (this machine sets it) an editable install would compile its sources
in every fresh process (about 0.1 s of normalize's start-up), a cost no installed copy pays."""


_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[3:])
trace = None if sys.argv[2] == "-" else open(sys.argv[2], "w")
while True:
    pid, status, usage = os.wait4(child.pid, 0 if trace is None else os.WNOHANG)
    if pid:
        break
    ran = waited = 0
    try:
        for task in os.listdir(f"/proc/{child.pid}/task"):
            with open(f"/proc/{child.pid}/task/{task}/schedstat") as f:
                a, b, _ = f.read().split()
            ran, waited = ran + int(a), waited + int(b)
        trace.write(f"{time.time()!r} {ran} {waited}\\n")
    except (OSError, ValueError):
        pass
    time.sleep(TRACE_EVERY)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    out.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu!r}")
"""
"""Runs a command (``sys.argv[3:]``) and writes its wall time, ``ru_maxrss`` (KB), exit code and CPU
time (user + system, of the command and the workers it waited for) to the file ``sys.argv[1]``: a
process this small as the command's parent keeps the harness's own peak out of the command's (see the
module's docstring); its own start-up is outside the time measured.  Unless ``sys.argv[2]`` is ``-``,
it also writes there, every :data:`TRACE_EVERY` seconds, a line ``TIME RAN WAITED``: the wall clock
(``time.time()``, the clock of the files' modification times), and the nanoseconds the command's
process (all its threads, not its workers) has spent on a core and waiting in a run queue for one
(``/proc/PID/task/*/schedstat``, Linux; elsewhere nothing is written): how much of a stretch of
wall time was the command's own work, and how much it stood ready while something else ran."""

TRACE_EVERY = 0.02
"""Seconds between two lines of a command's trace (:data:`_LAUNCHER`)."""


FIRST_RUN = "first run: ONE_DOC, no pattern cache"
"""The cold-start row of a run without the compiled-pattern cache (``NORMALIZE_CACHE_DIR=off``)."""


def run_command(
    argv: list[str], log: Path, env: dict[str, str] | None = None, trace: Path | None = None
) -> Run:
    """Run ``argv`` to completion (through :data:`_LAUNCHER`): wall time, peak RSS (of the command's
    process or its largest waited-for worker), exit code and the number of documents it reported as
    failed (``prog: NAME: cause`` lines)."""
    measured = log.with_suffix(".run")
    with open(os.devnull, "wb") as devnull, log.open("wb") as err:
        script = _LAUNCHER.replace("TRACE_EVERY", repr(TRACE_EVERY))
        launcher = [sys.executable, "-c", script, str(measured), str(trace or "-"), *argv]
        child = {**_ENV, **(env or {})}
        subprocess.run(launcher, stdout=devnull, stderr=err, cwd=log.parent, env=child, check=False)
    text = log.read_text(encoding="utf-8", errors="replace")
    try:
        seconds_text, maxrss_kb, code, cpu_text = measured.read_text().split()
    except (OSError, ValueError):
        raise SystemExit(f"{' '.join(argv)}: the launcher failed:\n{text[-2000:]}") from None
    returncode = int(code)
    failures = sum(
        1 for ln in text.splitlines() if ln.startswith(("normalize: ", "peer: ")) and ln.count(": ") >= 2
    )
    rss_mb = int(maxrss_kb) / 1024  # kilobytes on Linux
    if returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited with {returncode}:\n{text[-2000:]}")
    return Run(float(seconds_text), rss_mb, returncode, failures, cpu=float(cpu_text))


def normalize_exe() -> str:
    """The ``normalize`` console script of the interpreter running this harness (nox's or the venv's)."""
    beside = Path(sys.executable).with_name("normalize")
    found = str(beside) if beside.exists() else shutil.which("normalize")
    if not found:
        raise SystemExit("the normalize command is not installed (pip install -e .)")
    return found


class Runner:
    """Builds the command lines and runs each in a folder of its own under ``scratch``, kept until
    :meth:`clear` (why: "Where the outputs go" in this module's docstring; on ext4 the kernel walks past
    the inodes freed recently, ``recently_deleted``, when it creates a file).  A size's outputs take
    about 1 GB at 1,000 documents and 5 repeats, about 2.5 GB a run at 100,000 documents."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.exe = normalize_exe()
        self._runs = 0

    def argv(self, label: str, paths: list[Path], out: Path) -> list[str]:
        if label in (PEER, PEER2):
            jobs = ["--jobs", "2"] if label == PEER2 else []
            return [sys.executable, str(BENCH / "peer.py"), *map(str, paths), "-o", str(out), *jobs]
        return [self.exe, *map(str, paths), *(a.format(out=out) for a in OURS[label])]

    def run(self, label: str, paths: list[Path]) -> Run:
        folder = self._folder()
        return run_command(self.argv(label, paths, folder / "out"), folder / "stderr.log")

    def beside(self, root: Path) -> Beside | None:
        """``-o DIR --jobs 1`` and the peer, started together, each over the corpus ``root`` with the
        probe given again before each stretch of it and after the last (:func:`probe_inputs`;
        :class:`Beside`; None when the corpus does not allow it)."""
        inputs = probe_inputs(root, self.scratch / "probes")
        if not inputs:
            return None
        ours, peer = self._folder(), self._folder()
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [
                pool.submit(
                    run_command, self.argv(label, inputs, f / "out"), f / "stderr.log", None, f / "trace"
                )
                for label, f in ((SINGLE, ours), (PEER, peer))
            ]
            done = [r.result() for r in runs]
        shutil.rmtree(self.scratch / "probes", ignore_errors=True)
        windows = probe_windows(ours / "out"), probe_windows(peer / "out", PEER_SUFFIX)
        return Beside(
            done[0],
            done[1],
            lengths(windows[0]),
            lengths(windows[1]),
            usage_in(read_trace(ours / "trace"), windows[0]),
            usage_in(read_trace(peer / "trace"), windows[1]),
        )

    def control(self, root: Path) -> Control | None:
        """``-o DIR --jobs 1`` over the same inputs as :meth:`beside`, and beside it, on the other
        core, the probe alone in a fresh ``--jobs 1`` process after another until that run ends
        (:class:`Control`; None when the corpus does not allow it).  Each fresh process writes
        ``--jsonl`` (one file, deleted after its run: thousands of record files created and deleted
        beside the long run would change what creating a file costs it)."""
        inputs = probe_inputs(root, self.scratch / "probes")
        if not inputs:
            return None
        ours = self._folder()
        fresh: list[tuple[float, float, float]] = []
        with ThreadPoolExecutor(max_workers=1) as pool:
            long_run = pool.submit(
                run_command,
                self.argv(SINGLE, inputs, ours / "out"),
                ours / "stderr.log",
                None,
                ours / "trace",
            )
            while not long_run.done():
                folder = self._folder()
                out = folder / "out.jsonl"
                argv = [self.exe, str(inputs[0]), "--jsonl", str(out), "--jobs", "1"]
                run = run_command(argv, folder / "stderr.log")
                end = time.time()
                out.unlink(missing_ok=True)
                fresh.append((end - run.seconds, end, run.cpu))  # (run_command stops on a crash)
            done = long_run.result()
        shutil.rmtree(self.scratch / "probes", ignore_errors=True)
        windows = probe_windows(ours / "out")
        usage = usage_in(read_trace(ours / "trace"), windows)
        return Control(done, None if usage is None else usage[0], reference_spans(windows, fresh))

    def _folder(self) -> Path:
        self._runs += 1
        folder = self.scratch / "runs" / f"{self._runs:04d}"
        folder.mkdir(parents=True)
        return folder

    def clear(self) -> None:
        """Delete the outputs of every run so far."""
        shutil.rmtree(self.scratch / "runs", ignore_errors=True)


DRIFT_FROM = 10_000
"""Corpus size from which the drift of the per-document cost within a run is measured
(:meth:`Runner.beside`): a probe then holds at least 100 documents."""
PEER_SUFFIX = ".json"
"""The suffix of the peer's records (``bench/peer.py``: one file per document, named as ours are)."""
CONTROL_FROM = 100_000
"""Corpus size from which the drift run is also made beside fresh processes running the probe
(:meth:`Runner.control`), and the flatness target judged on that: the probe then holds 1,000 documents,
and the start-up each fresh run includes weighs little beside them (:class:`Control`)."""
STRETCHES = 10
"""The most stretches a drift run cuts the corpus into (:func:`probe_inputs`)."""


@dataclass
class Beside:
    """``-o DIR --jobs 1`` and the peer run at the same time over the same inputs: the corpus with the
    probe given again before each stretch and after the last (:meth:`Runner.beside`)."""

    ours: Run
    peer: Run
    spans: list[float] | None
    """Ours: the seconds each probe took, in run order (:func:`probe_windows`)."""
    peer_spans: list[float] | None
    """The same of the peer, which keeps nothing from one document to the next."""
    usage: tuple[list[float], list[float]] | None = None
    """Ours: over each copy of the probe, the seconds the command's process spent on a core, and
    waiting in a run queue for one while something else ran (:func:`usage_in`; None untraced)."""
    peer_usage: tuple[list[float], list[float]] | None = None
    """The same of the peer."""

    def ratio(self) -> float:
        """Our docs/s over the peer's, both at the machine's speed of the same minutes."""
        return self.peer.seconds / self.ours.seconds

    @property
    def drift(self) -> float | None:
        """Ours: the probe's time at the end of the run over its time at the start (:func:`drift_of`)."""
        return drift_of(self.spans)

    @property
    def peer_drift(self) -> float | None:
        """The same of the peer: the machine's drift over those minutes."""
        return drift_of(self.peer_spans)

    @property
    def cpu_drift(self) -> float | None:
        """Ours: :attr:`drift` in the time spent on a core (a run queue's wait left out)."""
        return None if self.usage is None else drift_of(self.usage[0])

    @property
    def peer_cpu_drift(self) -> float | None:
        return None if self.peer_usage is None else drift_of(self.peer_usage[0])

    def relative_drift(self) -> float | None:
        """Our drift over the peer's: what of it is ours, not the machine's (None without both)."""
        return over(self.drift, self.peer_drift)


@dataclass
class Control:
    """``-o DIR --jobs 1`` over the drift run's inputs, with the probe run alone in fresh processes
    beside it (:meth:`Runner.control`).  A fresh process has run nothing before the probe, so its
    time follows the machine only: over each copy of the probe in the long run, the mean time of the
    fresh runs that overlapped it is the machine's figure for that copy, for the same documents and
    the same code (the peer, :class:`Beside`, is other work, which the machine may slow down
    differently).  Tried by hand, in CPU time, with the first 1,000 documents of the 100,000-document
    corpus as the probe, timed in one process before and after every 11,000 documents of the rest
    (the compiled build): each copy took 0.99-1.08 times the mean of the fresh runs beside it (0.99,
    1.08, 0.99, 1.02, 1.00, 0.99, 1.04, 1.04, 1.02, 1.03), while the copies themselves took 3.73-4.42 s
    (the machine's speed moving by a tenth within minutes); over 30,000 documents, a copy every 5,000:
    0.97-1.05, in no order.  Made by this harness over the 100,000-document corpus (the probe's
    copies 11,000 documents apart), four times: the copies after the first took 0.92-1.09, 0.96-1.07,
    0.96-1.05 and 0.95-1.17 times the fresh runs' CPU time (ours over theirs 0.89, 1.01, 0.98 and
    1.06; beside the peer in the last two runs, 1.02 and 1.00).  A fresh run's CPU time includes the
    command's start-up (about 0.15 s), nothing beside a probe of 1,000 documents (4-6 s), but a large
    share of one of 100: over the 10,000-document corpus the copies took 0.52-0.79 times the fresh
    runs' (:data:`CONTROL_FROM`)."""

    ours: Run
    spans: list[float] | None
    """The seconds the long run spent on a core over each copy of the probe, in run order
    (:func:`usage_in`: the launcher's trace over :func:`probe_windows`)."""
    reference: list[float] | None
    """For each copy, the mean seconds of the fresh runs of the probe that overlapped it
    (:func:`reference_spans`)."""

    @property
    def drift(self) -> float | None:
        """The long run's drift (:func:`drift_of`)."""
        return drift_of(self.spans)

    @property
    def reference_drift(self) -> float | None:
        """The fresh processes' drift over the same minutes: the machine's."""
        return drift_of(self.reference)

    def relative_drift(self) -> float | None:
        """The long run's drift over the fresh processes': what of it the run itself accumulated."""
        return over(self.drift, self.reference_drift)


def over(ours: float | None, reference: float | None) -> float | None:
    """Our drift over a reference's (None without both)."""
    return None if ours is None or not reference else ours / reference


def reference_spans(
    windows: list[tuple[float, float]] | None, fresh: list[tuple[float, float, float]]
) -> list[float] | None:
    """For each of ``windows`` (a copy's start and end), the mean CPU time of the ``fresh`` runs
    (start, end, CPU seconds) that overlapped it; None without windows or when one has no run beside
    it."""
    if windows is None:
        return None
    means = []
    for start, end in windows:
        near = [cpu for a, b, cpu in fresh if a < end and b > start]
        if not near:
            return None
        means.append(sum(near) / len(near))
    return means


def probe_inputs(root: Path, scratch: Path) -> list[Path] | None:
    """The inputs of a drift run over the corpus ``root``: its folders in run order, cut into
    stretches (:func:`stretches`), with the probe before each stretch and after the last; None if the
    corpus is under :data:`DRIFT_FROM` documents, cannot be cut into two stretches or more, or a file
    lies directly in ``root``.

    The probe is the corpus's first hundredth (at least 100 documents), copied (hard links where the
    file system allows) once per stretch and once more under ``scratch``: copy ``k`` as
    ``pKK/pKK/NAME``, given as the folder ``pKK``, so that each copy's records land in a folder ``pKK``
    of their own, apart from the corpus's and from each other's (:func:`probe_windows`).  The same
    documents are timed at several points of one run: their mix cannot make the drift, and one slow
    minute of the machine moves one point, not the figure (:func:`drift_of`)."""
    files = corpus_files(root)
    folders = sorted({path.relative_to(top).parts[0] for path, top in files})
    probe = [path for path, _ in files[: max(100, len(files) // 100)]]
    cuts = min(stretches(len(files), len(probe)), len(folders))
    if len(files) < DRIFT_FROM or cuts < 2 or any(path.parent == top for path, top in files):
        return None
    shutil.rmtree(scratch, ignore_errors=True)
    inputs: list[Path] = []
    for k in range(cuts + 1):
        name = f"p{k:02d}"
        (scratch / name / name).mkdir(parents=True)
        for path in probe:
            copy = scratch / name / name / path.name
            try:
                os.link(path, copy)
            except OSError:
                shutil.copyfile(path, copy)
        inputs.append(scratch / name)
        start, end = len(folders) * k // cuts, len(folders) * (k + 1) // cuts
        inputs += [root / f for f in folders[start:end]] if k < cuts else []
    return inputs


def stretches(docs: int, probe: int) -> int:
    """Into how many stretches a drift run cuts a corpus of ``docs`` documents, given a probe of
    ``probe`` documents: at most :data:`STRETCHES`, each at least ten times the probe (the copies add
    at most a tenth to the run).  The copies need not be further apart than the memos live
    (:data:`normalize._worker.RENEW_EVERY`): timed in one process over 10,000 documents cut into ten
    (the compiled build, four runs in two pairs side by side), the copy just after the first renewal
    took 0.32-0.36 s against 0.28-0.31 s for the one before it, and the copies just after the later
    renewals took 0.29-0.42 s against 0.28-0.41 s for the ones before them (in one run copies 7 to 9,
    the first of them just after a renewal, took 0.39-0.42 s, and the last, also just after one,
    0.30 s).  Cut into three instead, so that a renewal fell between every two copies, three warm
    points were left, and one of them thrown off moved the line (bench/RESULTS.md, 2026-12-05: 0.32 s,
    then 0.49 s twice)."""
    return min(STRETCHES, docs // (10 * probe))


def probe_windows(out: Path, suffix: str = ".jsonld") -> list[tuple[float, float]] | None:
    """Of a drift run's ``-o OUT`` (:func:`probe_inputs`): when each copy of the probe began and ended,
    in run order, from the records' modification times (written one by one, in input order; seconds
    of the wall clock): from the first record of copy ``k`` (``OUT/pKK/``) to its last.  None unless
    every copy wrote the same records, at least two, and there are three copies or more.  ``suffix``:
    the records' (the peer's are ``.json``)."""
    windows, names = [], None
    for k in range(STRETCHES + 1):
        if not (out / f"p{k:02d}").is_dir():
            break
        times = {p.name: p.stat().st_mtime_ns for p in (out / f"p{k:02d}").glob(f"*{suffix}")}
        if len(times) < 2 or (names is not None and set(times) != names):
            return None
        names = set(times)
        windows.append((min(times.values()) / 1e9, max(times.values()) / 1e9))
    return windows if len(windows) >= 3 else None


def lengths(windows: list[tuple[float, float]] | None) -> list[float] | None:
    """How long each of ``windows`` (start, end) lasted."""
    return None if windows is None else [end - start for start, end in windows]


def read_trace(path: Path) -> list[tuple[float, float, float]]:
    """A command's trace (:data:`_LAUNCHER`) as ``(wall clock, seconds on a core, seconds waiting for
    one)``, in order; empty where none was written."""
    rows = []
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            with contextlib.suppress(ValueError):
                at, ran, waited = line.split()
                rows.append((float(at), int(ran) / 1e9, int(waited) / 1e9))
    return rows


def usage_in(
    trace: list[tuple[float, float, float]], windows: list[tuple[float, float]] | None
) -> tuple[list[float], list[float]] | None:
    """Over each of ``windows`` (:func:`probe_windows`), the seconds the traced process spent on a core
    and waiting in a run queue (:func:`read_trace`; linear between two lines of the trace); None
    without windows, or where the trace does not cover them."""
    if not windows or len(trace) < 2 or windows[0][0] < trace[0][0] or windows[-1][1] > trace[-1][0]:
        return None
    times = [row[0] for row in trace]

    def at(t: float, col: int) -> float:
        i = min(max(bisect.bisect_left(times, t), 1), len(trace) - 1)
        (t0, *a), (t1, *b) = trace[i - 1], trace[i]
        share = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
        return a[col] + share * (b[col] - a[col])

    ran = [at(end, 0) - at(start, 0) for start, end in windows]
    waited = [at(end, 1) - at(start, 1) for start, end in windows]
    return ran, waited


def drift_of(spans: list[float] | None) -> float | None:
    """The probe's time at the end of a run over its time at the start, read off a straight line
    fitted to the times of its copies after the first (the first runs cold: the tables' groups and
    the memos are built during it): the Theil-Sen line (the median of the slopes between every two
    points), which one or two points thrown off by a slow minute of the machine do not move much.
    Alone over the same 10,000 documents and their tenth again, single spans of ours drifted 0.86 to
    1.20 in CPU time, from one run to the next of the same code."""
    if not spans or len(spans) < 3:
        return None
    points = list(enumerate(spans))[1:]
    slope = statistics.median(
        (b - a) / (j - i) for n, (i, a) in enumerate(points) for j, b in points[n + 1 :]
    )
    middle = statistics.median(y - slope * x for x, y in points)
    first, last = middle + slope * points[0][0], middle + slope * points[-1][0]
    return last / first if first > 0 else None


@dataclass
class Measured:
    """Every repeat of every command on one corpus."""

    docs: int
    bytes: int
    runs: dict[str, list[Run]]
    beside: Beside | None = None
    """``--jobs 1`` and the peer side by side, the probe timed through the run (:meth:`Runner.beside`);
    None under :data:`DRIFT_FROM` documents."""
    control: Control | None = None
    """``--jobs 1`` with fresh processes running the probe beside it (:meth:`Runner.control`); None
    under :data:`CONTROL_FROM` documents."""

    def rate(self, label: str) -> list[float]:
        return [self.docs / r.seconds for r in self.runs[label]]

    def failures(self, label: str) -> set[int]:
        return {r.failures for r in self.runs[label]}

    def inconsistent(self, *labels: str) -> bool:
        """Did these normalize runs fail different numbers of documents?  Then they did not do the same
        work (the tree changed under the benchmark, or a worker crashed) and their ratios mean nothing."""
        counts = set().union(*(self.failures(label) for label in labels if label not in (PEER, PEER2)))
        return len(counts) > 1

    def cpu_ratio(self, label: str, to: str) -> list[float]:
        """Per-repeat ratio of the CPU time ``label`` spent to what ``to`` spent (the same documents)."""
        return [a.cpu / b.cpu for a, b in zip(self.runs[label], self.runs[to], strict=True) if b.cpu]

    def cores(self, label: str) -> list[float]:
        """Per-repeat CPU time over wall time: how many cores the command kept busy."""
        return [r.cpu / r.seconds for r in self.runs[label] if r.seconds]

    def ratio(self, label: str, to: str) -> list[float]:
        """Per-repeat ratio of docs/s: runs made close together are compared with each other only."""
        return [b.seconds / a.seconds for a, b in zip(self.runs[label], self.runs[to], strict=True)]


def measure(runner: Runner, root: Path, labels: list[str], repeat: int, progress: Console) -> Measured:
    """Every command of ``labels`` ``repeat`` times: in that order, then backwards, and so on
    (:data:`FIRST_ORDER`)."""
    files = [p for p, _ in corpus_files(root)]
    runs: dict[str, list[Run]] = {label: [] for label in labels}
    for rep in range(repeat):
        order = labels if rep % 2 == 0 else labels[::-1]
        for label in order:
            progress.log(f"{len(files):,} docs · {label} · repeat {rep + 1}/{repeat}")
            runs[label].append(runner.run(label, [root]))
    return Measured(len(files), sum(p.stat().st_size for p in files), runs)


def corpus_files(root: Path) -> list[tuple[Path, Path]]:
    from normalize import _read

    return list(_read.iter_sources([root]))


# --- corpora ------------------------------------------------------------------------------------------


def ensure_corpus(n: int, seed: int, base: Path, progress: Console) -> Path:
    """The corpus of ``n`` documents: from the cache when it holds a complete one of this generator."""
    root = base / f"corpus-s{seed}-n{n}-{corpus.fingerprint()}"
    marker = root / ".complete"
    if marker.exists():
        progress.log(f"corpus of {n:,} documents from {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
        progress.log(f"generating {n:,} documents into {root} …")
        t = time.perf_counter()
        corpus.write_corpus(n, root, seed)
        marker.write_text("ok\n")
        progress.log(f"generated in {time.perf_counter() - t:.0f} s")
    for path, _ in corpus_files(root):  # warm the page cache: every command then reads from memory
        path.read_bytes()
    return root


# --- in-process stages --------------------------------------------------------------------------------


@dataclass
class DocTiming:
    name: str
    seconds: float
    stages: dict[str, float]
    error: str | None


def time_stages(path: Path, root: Path) -> DocTiming:
    """One document through the stages of ``normalize.pipeline``, in ``process_document``'s order."""
    from normalize import _extract, _read, _textstage
    from normalize import pipeline as P

    times: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    canon = [0.0]
    original: Callable[..., Any] = getattr(P, "canonical_record")  # noqa: B009

    def timed_canonical(record: dict[str, Any], **options: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(record, **options)
        finally:
            canon[0] += time.perf_counter() - t

    doc = _read.read(path, root)
    options = P.Options()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("detect", lambda: P.detect(doc)),
        ("decode", lambda: P.decode(doc)),
        ("repair_mojibake", lambda: P.repair_mojibake(doc)),
        ("sniff+parse", lambda: P.parse(doc, P.sniff(doc, options.format))),
        ("text stage", lambda: _textstage.run(doc, options.text)),
        ("extract", lambda: _extract.run(doc)),
        ("build/validate", lambda: P.build_records(doc, options)),
    ]
    error = None
    setattr(P, "canonical_record", timed_canonical)  # noqa: B010  (build_records looks it up at call time)
    try:
        for stage, step in steps:
            t = time.perf_counter()
            try:
                step()
            except Exception as exc:  # NormalizeError, or a bug: either ends this document, as in a run
                error = f"{stage}: {type(exc).__name__}: {exc}"
            times[stage] += time.perf_counter() - t
            if error:
                break
    finally:
        setattr(P, "canonical_record", original)  # noqa: B010
    times["build/validate"] -= canon[0]
    times["canonical bytes"] = canon[0]
    return DocTiming(doc.name, sum(times.values()), times, error)


def _short(text: str | None, limit: int = 110) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def stage_sections(
    root: Path, limit: int, cli_ms: float, progress: Console
) -> tuple[list[Section], float | None]:
    """The per-stage table and the slowest documents; also the slowest document's seconds (None when
    every document failed: then the stages measured nothing)."""
    files = corpus_files(root)[:limit]
    manifest = corpus.read_manifest(root)
    progress.log(f"stages in-process over {len(files):,} documents …")
    timings = [time_stages(path, base) for path, base in files]
    totals = [t.seconds for t in timings]
    grand = sum(totals)
    stage = Section(
        f"Stages, in-process ({len(timings):,} documents, ms per document)",
        ["stage", "mean", "median", "p99", "max", "share"],
    )
    for name in STAGES:
        values = [t.stages[name] * 1e3 for t in timings]
        share = sum(values) / 1e3 / grand if grand else 0.0
        row = [fmt(statistics.fmean(values), 2), fmt(med(values), 2), fmt(percentile(values, 0.99), 1)]
        stage.rows.append([name, *row, fmt(max(values), 1), f"{100 * share:.0f}%"])
    ms = [x * 1e3 for x in totals]
    stage.rows.append(
        [
            "total",
            fmt(statistics.fmean(ms), 2),
            fmt(med(ms), 2),
            fmt(percentile(ms, 0.99), 1),
            fmt(max(ms), 1),
            "",
        ]
    )
    failed = [t for t in timings if t.error]
    stage.note = f"The CLI (-o DIR --jobs 1) took {cli_ms:,.1f} ms per document in this run. "
    stage.note += f"{len(failed)} of {len(timings)} documents failed in-process" + (
        "; first: " + "; ".join(f"{t.name} ({_short(t.error)})" for t in failed[:3]) if failed else ""
    )
    slow = Section(
        "Slowest 5 documents (in-process)",
        ["document", "layout", "encoding", "script", "damage", "KB", "ms", "slowest stage", "ms again"],
    )
    by_name = {p.relative_to(base).as_posix(): (p, base) for p, base in files}
    for t in sorted(timings, key=lambda t: t.seconds, reverse=True)[:5]:
        info = manifest.get(t.name, {})
        damage = [*info.get("mojibake", [])] + [
            k for k in ("pinyin", "halfwidth", "hard_wrap", "page_breaks", "crlf") if info.get(k)
        ]
        top = max(t.stages, key=lambda k: t.stages[k])
        again = time_stages(*by_name[t.name]).seconds
        slow.rows.append(
            [
                t.name,
                str(info.get("layout", "?")),
                str(info.get("encoding", "?")),
                str(info.get("script", "?")),
                ", ".join(damage) or "-",
                fmt(info.get("bytes", 0) / 1024),
                fmt(t.seconds * 1e3, 0),
                f"{top} {fmt(t.stages[top] * 1e3, 0)}",
                fmt(again * 1e3, 0),
            ]
        )
    slow.note = "'ms again': the same document timed a second time in the same process (warm caches)."
    return [stage, slow], max(totals) if len(failed) < len(timings) else None


# --- cold start ---------------------------------------------------------------------------------------


def cold_start(runner: Runner, root: Path, work: Path, progress: Console) -> tuple[Section, float]:
    """Fresh-process start-up: median of 5 runs each; the slower of the two normalize medians."""
    small_gb = work / "small.gb18030.txt"
    text = "".join(corpus.pools().paragraphs[:3])[:300]
    small_gb.write_bytes(text.encode("gb18030"))
    manifest = corpus.read_manifest(root)
    plain = [
        r
        for r in manifest.values()
        if r["layout"] == "web"
        and r["encoding"] == "utf-8"
        and r["script"] == "zh-Hans"
        and not r["mojibake"]
    ]
    one = root / min(plain or manifest.values(), key=lambda r: r["bytes"])["name"]
    cases: list[tuple[str, list[str]]] = [
        ("python -c pass (interpreter floor)", [sys.executable, "-c", "pass"]),
        (f"normalize detect ({small_gb.stat().st_size} B GB18030)", [runner.exe, "detect", str(small_gb)]),
        (f"normalize ONE_DOC -o DIR ({one.stat().st_size / 1024:.1f} KB)", []),
        ("peer ONE_DOC -o DIR", []),
        (FIRST_RUN, [runner.exe, str(one), "-o", str(work / "first-run"), "--jobs", "1", "-q"]),
    ]
    section = Section("Cold start (fresh process, 5 runs)", ["command", "median s", "min s", "max s"])
    medians: dict[str, float] = {}
    for label, argv in cases:
        progress.log(f"cold start · {label}")
        seconds = []
        for k in range(6):  # the first run warms the byte-code cache and the page cache, untimed
            if argv:
                env = {"NORMALIZE_CACHE_DIR": "off"} if label == FIRST_RUN else None
                took = run_command(argv, work / "cold.log", env).seconds
            else:
                took = runner.run(PEER if label.startswith("peer") else SINGLE, [one]).seconds
            if k:
                seconds.append(took)
        medians[label] = med(seconds)
        section.rows.append([label, fmt(med(seconds), 3), fmt(min(seconds), 3), fmt(max(seconds), 3)])
    worst = max(v for k, v in medians.items() if k.startswith("normalize"))
    section.note = (
        "ONE_DOC is the smallest plain UTF-8 web copy of the corpus, run with --jobs 1. "
        f"'{FIRST_RUN}': as a machine's very first run, before the compiled patterns are cached "
        "(normalize/_recache.py; like Python's byte-code cache, not counted in the target)."
    )
    return section, worst


# --- the report ---------------------------------------------------------------------------------------


def throughput_section(m: Measured, repeat: int) -> Section:
    section = Section(
        f"Throughput on {m.docs:,} documents ({m.bytes / 1e6:.1f} MB), median of {repeat}",
        ["command", "docs/s", "MB/s", "× peer", "docs/s min–max", "peak RSS MB", "failed docs"],
    )
    for label in [PEER, PEER2, *OURS]:
        if label not in m.runs:
            continue
        rates = m.rate(label)
        ratio = "1.00" if label == PEER else fmt(med(m.ratio(label, PEER)), 2)
        section.rows.append(
            [
                label if label in (PEER, PEER2) else f"normalize {label}",
                fmt(med(rates)),
                fmt(med(rates) * m.bytes / m.docs / 1e6, 2),
                ratio,
                f"{fmt(min(rates))}–{fmt(max(rates))}",
                fmt(max(r.rss_mb for r in m.runs[label]), 0),
                str(max(r.failures for r in m.runs[label])),
            ]
        )
    section.note = (
        "Wall time of the whole command, start-up included. '× peer': docs/s over the peer's in the same "
        "repeat, median over repeats. Failed docs: documents the command reported as failed (most in a run)."
    )
    if m.inconsistent(*OURS):
        section.note += (
            " WARNING: the normalize runs failed different numbers of documents, so they did not do the same "
            "work (code changed during the run?); do not compare these rows."
        )
    return section


def peak_rss(m: Measured, label: str) -> float:
    return max(r.rss_mb for r in m.runs[label])


def scaling_section(results: list[Measured]) -> Section:
    section = Section(
        "Scaling (per-document cost = wall time / documents)",
        [
            "docs",
            "MB",
            "--jobs 1 docs/s",
            "ms/doc",
            "cost vs first",
            "probe at the end / at the start: ours, the peer's, ours over the peer's",
            "default docs/s",
            "peer docs/s",
            "--jobs 1 × peer",
            "--jobs 1 × peer, side by side",
            "probe at the end / at the start beside fresh processes running it: ours, theirs, ours over",
            "peak RSS MB (--jobs 1 / default)",
        ],
    )
    base = None
    for m in results:
        cost = 1e3 / med(m.rate(SINGLE))
        base = base or cost
        b = m.beside
        section.rows.append(
            [
                f"{m.docs:,}",
                fmt(m.bytes / 1e6),
                fmt(med(m.rate(SINGLE))),
                fmt(cost, 2),
                fmt(cost / base, 2),
                "-" if b is None else _drifts(b),
                fmt(med(m.rate(DEFAULT))),
                fmt(med(m.rate(PEER))),
                fmt(med(m.ratio(SINGLE, PEER)), 2),
                "-" if b is None else fmt(b.ratio(), 2),
                "-" if m.control is None else _drifts(m.control),
                f"{fmt(peak_rss(m, SINGLE), 0)} / {fmt(peak_rss(m, DEFAULT), 0)}",
            ]
        )
    return section


def _drifts(run: Beside | Control) -> str:
    """A drift run's figures: ours, the reference's (the peer's or the fresh processes'), ours over."""
    reference = run.peer_drift if isinstance(run, Beside) else run.reference_drift
    return ", ".join("?" if x is None else fmt(x, 2) for x in (run.drift, reference, run.relative_drift()))


def _usage(b: Beside) -> str:
    """What of each copy's time was spent on a core, and waiting for one (:attr:`Beside.usage`)."""
    text = ""
    for who, usage, drift in (("ours", b.usage, b.cpu_drift), ("the peer's", b.peer_usage, b.peer_cpu_drift)):
        if usage is not None:
            text += (
                f"; {who} on a core: {_spans(usage[0])}, waiting for one: {_spans(usage[1])}, "
                f"drift on a core {'?' if drift is None else fmt(drift, 2)}"
            )
    return text


def _spans(spans: list[float] | None) -> str:
    return "?" if spans is None else " ".join(fmt(x, 2) for x in spans)


def spread(ratios: list[float]) -> str:
    """`` (repeats LOW-HIGH)`` for more than one repeat: how far the repeats of a ratio stray from their
    median on this machine (``--jobs 2`` / ``--jobs 1`` of the same build: medians of 1.49 to 1.87 in
    eight runs within an hour and a quarter)."""
    return f" (repeats {min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""


def targets_section(results: list[Measured], cold: float | None, slowest: float | None) -> Section:
    first, last = results[0], results[-1]
    section = Section("Targets of the speed issue", ["target", "measured", "status"])

    def row(name: str, value: float | None, ok: bool | None, text: str, valid: bool = True) -> None:
        status = "-" if ok is None else ("PASS" if ok else "FAIL")
        if not valid:
            status = "INVALID (runs failed different documents)"
        section.rows.append([name, text if value is not None else "not measured", status])

    single = med(first.ratio(SINGLE, PEER))
    row("single process ≥ 1.0× peer docs/s", single, single >= TARGET_SINGLE, f"{single:.2f}×")
    jobs2 = med(first.ratio(JOBS2, SINGLE))
    ok = not first.inconsistent(JOBS2, SINGLE)
    text = f"{jobs2:.2f}×{spread(first.ratio(JOBS2, SINGLE))}"
    from normalize._worker import default_jobs

    if len(results) > 1 and default_jobs() == 2:  # the default command runs two workers here
        at_scale = med(last.ratio(DEFAULT, SINGLE))
        text += (
            f" at {first.docs:,} docs (the status); at {last.docs:,} docs, where the start-up of "
            f"the workers weighs less, the default command (2 workers): {at_scale:.2f}×"
        )
    if PEER2 in first.runs:
        text += (
            f"; the peer's own --jobs 2 over its one process, in the same repeats: "
            f"{med(first.ratio(PEER2, PEER)):.2f}×{spread(first.ratio(PEER2, PEER))}"
        )
    if first.cpu_ratio(JOBS2, SINGLE):
        text += (
            f"; CPU time of --jobs 2 over --jobs 1's {med(first.cpu_ratio(JOBS2, SINGLE)):.2f}, "
            f"cores kept busy {med(first.cores(JOBS2)):.2f} (--jobs 1: {med(first.cores(SINGLE)):.2f})"
        )
    row("--jobs 2 ≥ 1.7× --jobs 1", jobs2, jobs2 >= TARGET_JOBS2, text, ok)
    default = med(first.ratio(DEFAULT, PEER))
    ok = not first.inconsistent(DEFAULT, SINGLE)
    row("default command ≥ 1.7× peer", default, default >= TARGET_DEFAULT, f"{default:.2f}×", ok)
    row("cold start ≤ 0.5 s", cold, None if cold is None else cold <= TARGET_COLD_S, f"{cold or 0:.3f} s")
    rss = max(r.rss_mb for label in (SINGLE, DEFAULT) for r in last.runs[label])
    at_scale = last.docs >= 100_000
    row(
        "peak RSS ≤ 300 MB per process at 100k docs",
        rss,
        (rss <= TARGET_RSS_MB) if at_scale else None,
        f"{rss:.0f} MB at {last.docs:,} docs" + ("" if at_scale else " (run --sizes …,100000 to check)"),
    )
    beside, control = last.beside, last.control
    measured = []  # (ours over the reference, copies timed, what it is): the first judges
    if control is not None and (over_fresh := control.relative_drift()) is not None:
        text = (
            f"that of fresh processes running the probe beside it (ours, theirs, ours over: "
            f"{_drifts(control)}; its seconds, ours: {_spans(control.spans)}; theirs: "
            f"{_spans(control.reference)})"
        )
        measured.append((over_fresh, control.spans, text))
    if beside is not None and (over_peer := beside.relative_drift()) is not None:
        text = (
            f"the peer's beside it (ours, the peer's, ours over: {_drifts(beside)}; its seconds, ours: "
            f"{_spans(beside.spans)}; the peer's: {_spans(beside.peer_spans)})" + _usage(beside)
        )
        measured.append((over_peer, beside.spans, text))
    if beside is not None:
        side = beside.ratio()
        row(
            f"single process ≥ 1.0× peer docs/s at {last.docs:,} docs, side by side",
            side,
            side >= TARGET_SINGLE,
            f"{side:.2f}× (one run each, started together)",
            not last.inconsistent(SINGLE),
        )
    if len(results) > 1:
        flat = (1 / med(last.rate(SINGLE))) / (1 / med(first.rate(SINGLE)))
        drift, within = None, ""
        if measured:
            drift, copies, _ = measured[0]
            within = (
                f"; a probe (the first hundredth, timed {len(copies or [])} times through a "
                f"{last.docs:,}-document run) at the end over at the start, on the line fitted "
                f"through its times: {drift:.2f}× " + "; and ".join(text for _, _, text in measured)
            )
        row(
            f"per-document cost flat {first.docs:,} → {last.docs:,}",
            flat,
            (drift if drift is not None else flat) <= TARGET_FLAT,
            f"{flat:.2f}× across runs{within} (flat: ≤ {TARGET_FLAT})",
            all(not m.inconsistent(SINGLE) for m in results),
        )
    else:
        row("per-document cost flat 1k → 100k", None, None, "")
    row(
        "slowest document ≤ 2 s",
        slowest,
        None if slowest is None else slowest <= TARGET_SLOWEST_S,
        f"{slowest or 0:.2f} s",
    )
    return section


def file_system(path: Path) -> str:
    """The type of the file system ``path`` is on (``ext4``, ``tmpfs`` …), from ``/proc/mounts``; "?"
    where there is none."""
    best, kind = "", "?"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    where = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) < 3 or len(fields[1]) <= len(best):
            continue
        if where == fields[1] or where.startswith(fields[1].rstrip("/") + "/"):
            best, kind = fields[1], fields[2]
    return kind


def machine(scratch: Path) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " (uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    from importlib.metadata import version

    from normalize._version import build

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at start",
        "python": platform.python_version(),
        "normalize": f"{version('normalize')}, commit {commit}, {build()} build",
        "command": "python bench/pipeline.py " + " ".join(sys.argv[1:]),
        "outputs": f"{scratch} ({file_system(scratch)})",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=REPEAT,
        help=f"runs of every command at the first size (default {REPEAT})",
    )
    ap.add_argument(
        "--repeat-larger",
        type=int,
        default=1,
        help="runs of every command at each larger size (default 1: at 100,000 documents a run of the "
        "peer takes some 9 minutes)",
    )
    ap.add_argument("--quick", action="store_true", help="200 documents, 1 repeat: checks the harness works")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--cache", type=Path, help="keep generated corpora in DIR and reuse them")
    ap.add_argument(
        "--stage-docs", type=int, default=1000, help="documents timed stage by stage (default 1000)"
    )
    ap.add_argument("--out", type=Path, help="also write the tables as Markdown to FILE")
    ap.add_argument(
        "--scratch",
        type=Path,
        help="folder the commands write their outputs in (default: a temporary folder); its file system "
        "is named in the report, see 'Where the outputs go' above",
    )
    args = ap.parse_args(argv)
    sizes = [200] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    repeat = 1 if args.quick else max(1, args.repeat)
    console = Console(width=160)
    progress = Console(stderr=True, style="dim")
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-outputs-", dir=args.scratch)) if args.scratch else work
    info = machine(scratch)
    cache = args.cache or work / "corpora"
    cache.mkdir(parents=True, exist_ok=True)
    runner = Runner(scratch)
    sections: list[Section] = []
    try:
        results: list[Measured] = []
        cold = slowest = None
        for k, n in enumerate(sizes):
            root = ensure_corpus(n, args.seed, cache, progress)
            labels = FIRST_ORDER if k == 0 else LATER_ORDER
            times = repeat if k == 0 else max(1, args.repeat_larger)  # --quick: one size
            results.append(measure(runner, root, labels, times, progress))
            if n >= DRIFT_FROM:
                progress.log(f"{n:,} docs · {SINGLE} beside the peer, a probe through the run (drift)")
                results[-1].beside = runner.beside(root)
            if n >= CONTROL_FROM:
                progress.log(f"{n:,} docs · {SINGLE} beside fresh processes running the probe (drift)")
                results[-1].control = runner.control(root)
            runner.clear()
            if k == 0:
                sections.append(throughput_section(results[0], repeat))
                cli_ms = 1e3 / med(results[0].rate(SINGLE))
                staged, slowest = stage_sections(root, args.stage_docs, cli_ms, progress)
                sections += staged
                cold_section, cold = cold_start(runner, root, work, progress)
                sections.append(cold_section)
        sections.append(scaling_section(results))
        sections.append(targets_section(results, cold, slowest))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    console.print("[bold]normalize pipeline benchmark[/]  " + "  ".join(f"{k}: {v}" for k, v in info.items()))
    for section in sections:
        console.print(section.rich())
    if args.out:
        head = "\n".join(f"- {k}: {v}" for k, v in info.items())
        args.out.write_text(head + "\n\n" + "\n".join(s.markdown() for s in sections), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
