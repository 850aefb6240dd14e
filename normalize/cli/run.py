"""``normalize PATH...``: run the pipeline over files and directories.

Records go to ``-o DIR`` (one ``.jsonld`` per record), to ``--jsonl FILE``
(``-`` for stdout) or, by default, into the OCFL archive (``--archive DIR``,
default ``archive/``).  Documents are processed one at a time (or by
``--jobs`` worker processes), streamed: memory does not grow with the corpus.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .. import _read
from ..pipeline import Options, Result, process
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
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = one per core)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


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


def _work(item: tuple[Path, Path, Options]) -> Result:
    path, root, options = item
    result = process(path, root, options)
    result.document = _slim(result)
    return result


def _slim(result: Result) -> Any:
    """Keep only what the summary needs of the document (results cross process boundaries)."""
    doc = result.document
    if doc is None:
        return None
    doc.text = ""
    doc.articles = []
    return doc


def _results(paths: list[Path], options: Options, jobs: int) -> Iterator[Result]:
    items = ((p, root, options) for p, root in _read.iter_sources(paths))
    if jobs == 1:
        for item in items:
            yield _work(item)
        return
    window = max(2, jobs * 4)  # bounded: never more than `window` documents in flight
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[Result]] = []
        for item in items:
            pending.append(pool.submit(_work, item))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


def _count(paths: list[Path]) -> int:
    return sum(1 for _ in _read.iter_sources(paths))


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            err.print(f"normalize: {p}: no such file or directory")
        return 2
    options = Options(text=TextOptions(script=args.script), format=args.format)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
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
    try:
        with progress:
            task = progress.add_task("normalizing", total=total)
            for result in _results(args.paths, options, jobs):
                summary.add(result)
                if result.error:
                    print(f"normalize: {result.name}: {result.error}", file=sys.stderr, flush=True)
                sink.write(result, summary)
                progress.advance(task)
    finally:
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
