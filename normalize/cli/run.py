"""``normalize PATH...``: run the pipeline over files and directories.

Records go to ``-o DIR`` (one ``.jsonld`` per record), to ``--jsonl FILE``
(``-`` for stdout) or, by default, into the OCFL archive (``--archive DIR``,
default ``archive/``).  Documents are processed by ``--jobs`` worker processes (one per core by
default; ``--jobs 1``: in this process), streamed: memory does not grow with the corpus, and the
output is the same, byte for byte, whatever the number of jobs (:mod:`normalize._worker`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .. import _read, _worker
from .._limits import REPAIR_BUDGET, Limits
from ..pipeline import Options, Result
from ..text import TextOptions

SCRIPTS = ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files or directories (recursive)"
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument(
        "-o", "--output", type=Path, metavar="DIR", help="write one .jsonld file per record into DIR"
    )
    out.add_argument("--jsonl", metavar="FILE", help="stream records as JSON lines to FILE ('-' = stdout)")
    out.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="ingest into the OCFL archive at DIR (the default, with DIR = archive/)",
    )
    parser.add_argument(
        "--key",
        default="path",
        metavar="KEY",
        help="archive object ids from: path (default), url, or field:NAME (a front-matter field)",
    )
    parser.add_argument(
        "--script",
        choices=SCRIPTS,
        default="zh-Hans",
        help="target script of the records' text (default zh-Hans; keep = no conversion)",
    )
    parser.add_argument(
        "--format",
        choices=("frontmatter", "plaintext", "policy"),
        help="force the source format instead of sniffing it",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="worker processes (default: one per core; 1 = no worker processes; same output for any N)",
    )
    parser.add_argument(
        "--repair-budget",
        type=_budget,
        default=REPAIR_BUDGET,
        metavar="UNITS",
        help=(
            f"work units the mojibake search may spend per document (default {REPAIR_BUDGET}, about 1 s; "
            "a unit is about one evaluation of the Chinese plausibility model; 0 = no limit). Past it, "
            "the lines not yet searched are flagged mojibake.unsearched and the document gets a warning"
        ),
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


def _jobs(value: str) -> int:
    n = _int(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = one per core), not {n}")
    return n


def _budget(value: str) -> int | None:
    n = _int(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = no limit), not {n}")
    return n or None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None


@dataclass
class Summary:
    documents: int = 0
    records: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)
    warnings: int = 0
    archive: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        self.documents += 1
        self.records += len(result.records)
        self.warnings += len(result.warnings)
        doc = result.document
        if result.error:
            self.failed.append((result.name, result.error))
        if doc is not None:
            if doc.format:
                self.formats[doc.format] += 1
            if doc.detection:
                self.encodings[doc.detection.encoding] += 1
        for rec in result.records:
            for c in rec.data["wasGeneratedBy"]["changeCounts"]:
                self.changes[c["kind"]] += c["count"]


def _items(paths: list[Path]) -> Iterator[_worker.Item]:
    return (_worker.PathItem(p, root) for p, root in _read.iter_sources(paths))


def _results(
    paths: list[Path], options: Options, pool: ProcessPoolExecutor | None, jobs: int
) -> Iterator[Result]:
    """Every input's result, in input order: in this process without a pool, else from the pool's
    workers as they complete, put back in order (:func:`normalize._worker.ordered_results`)."""
    if pool is None:
        for batch in _worker.batches(_items(paths)):
            yield from _worker.run_batch(batch, options)
        return
    yield from _worker.ordered_results(_items(paths), options, pool, jobs)


def _start_pool(jobs: int) -> ProcessPoolExecutor | None:
    """A pool of ``jobs`` workers, each warmed once by its initializer (None for one job).  Its
    processes are started here, before the progress bar starts its thread: a process forked while
    another thread runs may inherit a lock that thread held."""
    if jobs == 1:
        return None
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker.warm)
    pool.submit(_worker.warm)  # with fork, the first submit starts every worker
    return pool


def _count(paths: list[Path]) -> int:
    return sum(1 for _ in _read.iter_sources(paths))


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            err.print(f"normalize: {p}: no such file or directory")
        return 2
    options = Options(
        text=TextOptions(script=args.script),
        format=args.format,
        limits=Limits(repair_budget=args.repair_budget),
    )
    jobs = args.jobs or _worker.default_jobs()
    sink = _open_sink(args, err)
    if sink is None:
        return 2
    summary = Summary()
    total = _count(args.paths)
    show_progress = not args.quiet and err.is_terminal and total > 1
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    )
    jobs = max(1, min(jobs, total))  # no more workers than documents
    pool = _start_pool(jobs)
    try:
        with progress:
            task = progress.add_task("normalizing", total=total)
            for result in _results(args.paths, options, pool, jobs):
                summary.add(result)
                if result.error:
                    print(f"normalize: {result.name}: {result.error}", file=sys.stderr, flush=True)
                sink.write(result, summary)
                progress.advance(task)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        sink.close()
    if not args.quiet:
        _print_summary(err, summary, sink.describe())
    return 1 if summary.failed else 0


class _Sink:
    def write(self, result: Result, summary: Summary) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return ""


class _DirSink(_Sink):
    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: set[str] = set()
        out.mkdir(parents=True, exist_ok=True)

    def write(self, result: Result, summary: Summary) -> None:
        for rec in result.records:
            name = rec.filename
            if name in self.written:  # two sources with the same stem (a.txt, a.md): keep both
                name = name.removesuffix(".jsonld") + f".{result.sha256[:8]}.jsonld"
            self.written.add(name)
            path = self.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(rec.bytes)
            os.replace(tmp, path)

    def describe(self) -> str:
        return f"records written to {self.out}/"


class _JsonlSink(_Sink):
    def __init__(self, name: str) -> None:
        self.name = name
        self.fh: IO[bytes] = sys.stdout.buffer if name == "-" else open(name, "wb")  # noqa: SIM115

    def write(self, result: Result, summary: Summary) -> None:
        for rec in result.records:
            self.fh.write(rec.bytes)
        self.fh.flush()

    def close(self) -> None:
        if self.name != "-":
            self.fh.close()

    def describe(self) -> str:
        return "" if self.name == "-" else f"records written to {self.name}"


class _ArchiveSink(_Sink):
    def __init__(self, root: Path, key: str) -> None:
        from ..archive import Archive

        self.root = root
        self.key = key
        self.archive = Archive.open(root, create=True)

    def write(self, result: Result, summary: Summary) -> None:
        from ..archive import ArchiveError, LockTimeout

        try:
            outcome = self.archive.ingest(result, key=self.key)
        except (ArchiveError, LockTimeout, OSError) as exc:
            summary.failed.append((result.name, f"not archived: {exc}"))
            print(f"normalize: {result.name}: not archived: {exc}", file=sys.stderr, flush=True)
            return
        summary.archive[outcome.status] += 1

    def close(self) -> None:
        close = getattr(self.archive, "close", None)
        if callable(close):
            close()

    def describe(self) -> str:
        return f"archive {self.root}/"


def _open_sink(args: argparse.Namespace, err: Console) -> _Sink | None:
    try:
        if args.output is not None:
            return _DirSink(args.output)
        if args.jsonl is not None:
            return _JsonlSink(args.jsonl)
        return _ArchiveSink(args.archive or Path("archive"), args.key)
    except OSError as exc:
        err.print(f"normalize: cannot open output: {exc}", markup=False)
        return None
    except ValueError as exc:
        err.print(f"normalize: {exc}", markup=False)
        return None


def _print_summary(err: Console, s: Summary, where: str) -> None:
    table = Table(title="normalize summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("documents", str(s.documents))
    table.add_row("records", str(s.records))
    table.add_row("formats", _fmt(s.formats))
    table.add_row("encodings", _fmt(s.encodings))
    table.add_row("changes", _fmt(s.changes, 8))
    table.add_row("warnings", str(s.warnings))
    if s.archive:
        table.add_row("archive", _fmt(s.archive))
    table.add_row("failures", str(len(s.failed)) + "".join(f"\n{n}: {e}" for n, e in s.failed[:10]))
    if where:
        table.add_row("output", where)
    err.print(table)


def _fmt(counter: Counter[str], most: int = 6) -> str:
    items = counter.most_common(most)
    rest = len(counter) - len(items)
    return ", ".join(f"{k} {v}" for k, v in items) + (f", … (+{rest} kinds)" if rest > 0 else "") or "-"
