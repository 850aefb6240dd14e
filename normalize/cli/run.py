"""``normalize PATH...``: run the pipeline over files and directories.

Records go to ``-o DIR`` (one ``.jsonld`` per record), to ``--jsonl FILE``
(``-`` for stdout) or, by default, into the OCFL archive (``--archive DIR``,
default ``archive/``).  Documents are processed by ``--jobs`` worker processes (one per core by
default; ``--jobs 1``: in this process), streamed: memory does not grow with the corpus, and the
output is the same, byte for byte, whatever the number of jobs (:mod:`normalize._worker`).

What the command promises, and where it keeps each promise:

* **usage errors before any work** (exit 2, no traceback): options and their combinations, the
  output (an existing folder that is not an archive), the inputs (missing, none found, two inputs
  that would share an archive object) are all checked before the first document is read;
* **nothing lost**: every input found ends in the summary and in ``--report`` as ``ok``,
  ``degraded`` or ``failed`` (the three add up to the inputs); a record that fails validation is
  kept apart from the valid ones (:class:`_DirSink`, :class:`_JsonlSink`, the archive's
  ``invalid/``), never passed off as valid;
* **nothing overwritten**: distinct inputs never share an archive object (:class:`_ArchiveSink`),
  and a document that failed on a resource limit (time, memory: they depend on the machine) never
  replaces the archived version of the same source bytes;
* **bounded work**: the limits of :mod:`normalize._limits`, one option each.

Exit codes: 0 every input ok or degraded; 1 some input failed (or was not archived) or some record
was quarantined as invalid, or an internal error; 2 a usage error, nothing done.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .. import _limits, _read, _warc, _watchdog, _worker, formats
from .._limits import Limits
from .._select import Selection
from ..pipeline import Options, RecordOut, Result
from ..text import TextOptions
from . import _scale, add_search_and_size_limits, count_arg, size_arg, whole_number

SCRIPTS = ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep")
_KEY = re.compile(r"path|url|field:[A-Za-z0-9_.-]+")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        type=_scale.source,
        metavar="PATH",
        help="files or directories (recursive); with --executor dask also fsspec URLs and globs",
    )
    out = parser.add_mutually_exclusive_group()
    _scale.configure(parser, out)
    out.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="write one .jsonld file per record into DIR (invalid records into DIR/_invalid/)",
    )
    out.add_argument(
        "--jsonl",
        metavar="FILE",
        help="stream records as JSON lines to FILE ('-' = stdout; invalid records to FILE.invalid.jsonl)",
    )
    out.add_argument(
        "--archive",
        type=_scale.source,
        metavar="DIR",
        help="ingest into the OCFL archive at DIR (the default, with DIR = archive/)",
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="archive only: do not fsync what is ingested (about twice as fast to ingest; safe if the "
        "command is killed, not if the machine loses power: for bulk loads that can be run again)",
    )
    parser.add_argument(
        "--key",
        type=_key,
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
        "--format", choices=formats.names(), help="force the source format instead of sniffing it"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help=(
            f"worker processes (default 0: one per core, at most one per {_worker.DOCS_PER_STARTED_WORKER} "
            "documents; 1 = no worker processes; same output for any N)"
        ),
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="write a JSON report: per input its outcome, records, warnings, error and the limit it hit",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of internal errors (bugs; please report)"
    )
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show every warning as it comes, and every failure in the summary",
    )
    files = parser.add_argument_group("which files of a folder are inputs (globs; exclusion first)")
    files.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help=(
            "read only the files matching GLOB (repeatable or comma-separated; '*.html' at any depth, "
            "'news/**/*.txt' from the folder given). Files named on the command line are always read"
        ),
    )
    files.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files and folders matching GLOB (decided before --include; e.g. '*.json,drafts/')",
    )
    limits = parser.add_argument_group("limits per document (0 = no limit; docs/limits.md)")
    add_search_and_size_limits(
        limits,
        budget_help=(
            f"work units the mojibake search may spend (default {_limits.REPAIR_BUDGET:,}, about 1 s; "
            "a unit is about one evaluation of the Chinese plausibility model). Past it, "
            "the lines not yet searched are flagged mojibake.unsearched and the document gets a warning"
        ),
        size_help="refuse larger files without reading them (default 32M; K, M, G = 1024-based)",
    )
    limits.add_argument(
        "--max-line-length",
        type=count_arg,
        default=_limits.LINE_CHARS,
        metavar="CHARS",
        help=f"refuse a document with a longer line of text (default {_limits.LINE_CHARS:,} characters)",
    )
    limits.add_argument(
        "--max-html-size",
        type=count_arg,
        default=_limits.HTML_CHARS,
        metavar="CHARS",
        help=f"refuse a larger HTML page (default {_limits.HTML_CHARS:,} characters)",
    )
    limits.add_argument(
        "--max-html-depth",
        type=count_arg,
        default=_limits.HTML_DEPTH,
        metavar="LEVELS",
        help=f"refuse an HTML page nested deeper (default {_limits.HTML_DEPTH}, the parser's own ceiling)",
    )
    limits.add_argument(
        "--time-limit",
        type=_seconds_arg,
        default=_limits.CPU_SECONDS,
        metavar="SECONDS",
        help=f"CPU time a document may take; past it, it fails (default {_limits.CPU_SECONDS:g})",
    )
    limits.add_argument(
        "--memory-limit",
        type=size_arg,
        default=_limits.MEMORY_BYTES,
        metavar="SIZE",
        help="memory a document may add to its process; past it, it fails (default 768M)",
    )


def _key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not path, url or field:NAME")
    return value


def _jobs(value: str) -> int:
    n = whole_number(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = one per core), not {n}")
    return n


def _seconds_arg(value: str) -> float | None:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not n >= 0 or n == float("inf"):
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = no limit), not {value}")
    return n or None


class Usage(Exception):
    """A problem with the command as given, found before any work: exit 2, no traceback."""


SHOWN = 10
"""Failures and warnings listed in the summary (all of them with ``--verbose``)."""


@dataclass
class Summary:
    """What the run did, input by input: the outcomes add up to :attr:`documents`."""

    documents: int = 0
    records: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)
    warnings: int = 0
    archive: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    quarantined: int = 0
    limits: Counter[str] = field(default_factory=Counter)
    """Inputs per limit hit (``input_bytes``, ``cpu_seconds`` …)."""
    sink_warnings: list[str] = field(default_factory=list)
    """Warnings the sink gives about the result it is writing (taken by :meth:`add`)."""
    warned: list[tuple[str, str]] = field(default_factory=list)
    """The first :data:`SHOWN` warnings, with their input's name (the summary shows them)."""

    def add(
        self, result: Result, sink_errors: list[str] | None = None, *, path: Path | str | None = None
    ) -> dict[str, Any]:
        """Count ``result`` (after the sink wrote it: ``sink_errors`` are its failures there, e.g. not
        archived, already in :attr:`failed`); returns its report entry (``path``: the input's)."""
        warnings = list(result.warnings) + self.sink_warnings
        self.sink_warnings = []
        errors = ([result.error] if result.error else []) + list(sink_errors or [])
        outcome = "failed" if errors else "degraded" if warnings or result.quarantined else "ok"
        self.documents += 1
        self.outcomes[outcome] += 1
        self.records += len(result.records)
        self.quarantined += len(result.quarantined)
        self.warnings += len(warnings)
        self.warned += [(result.name, w) for w in warnings[: max(0, SHOWN - len(self.warned))]]
        if result.limit:
            self.limits[result.limit] += 1
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
        return {
            "name": result.name,
            "path": None if path is None else str(path),
            "outcome": outcome,
            "records": len(result.records),
            "quarantined": [
                {"record": r.position, "id": r.id, "errors": r.errors} for r in result.quarantined
            ],
            "warnings": warnings,
            "error": "; ".join(errors) or None,
            "limit": result.limit,
        }

    def totals(self) -> dict[str, Any]:
        return {
            "inputs": self.documents,
            **{o: self.outcomes[o] for o in ("ok", "degraded", "failed")},
            "records": self.records,
            "quarantined": self.quarantined,
            "warnings": self.warnings,
            "limits_hit": dict(sorted(self.limits.items())),
            "archive": dict(sorted(self.archive.items())),
        }


def _results(
    entries: Iterator[_read.Entry], options: Options, pool: _worker.Pool | None, jobs: int, total: int
) -> Iterator[tuple[Result, Path]]:
    """Every input's result with its path, in input order: in this process one by one without a
    pool, else from the pool's workers in batches as they complete, put back in order
    (:func:`normalize._worker.ordered_results`; the batches shrink towards the ``total``-th input); a
    pool whose worker dies is replaced."""
    paths: deque[Path] = deque()  # the paths of the inputs in flight (bounded by the window)

    def items() -> Iterator[_worker.Item]:
        for e in entries:
            if e.problem is None and _warc.is_warc(e.path):  # a crawl archive: one input per page
                yield from _warc_items(e, options, paths)
                continue
            paths.append(e.path)
            yield _worker.PathItem(e.path, e.root, e.problem)

    if pool is None:
        for item in items():
            for result in _worker.run_batch([item], options):
                yield result, paths.popleft()
        return
    results = _worker.ordered_results(
        items(),
        options,
        pool.executor,
        jobs,
        batch=partial(_worker.batches, total=total, workers=jobs),
        restart=pool.restart,
        rotate=pool.rotate,
    )
    for result in results:
        yield result, paths.popleft()


def _warc_items(entry: _read.Entry, options: Options, paths: deque[Path]) -> Iterator[_worker.Item]:
    """The pages of a WARC file as inputs, each with its target URI and capture date; a file that
    cannot be read on becomes one failed input naming why."""
    try:
        for page in _warc.pages(entry.path, entry.name, max_bytes=options.limits.input_bytes):
            paths.append(entry.path)
            yield _worker.BytesItem(page.data, page.name, url=page.url, captured=page.captured)
    except _warc.WarcError as exc:
        paths.append(entry.path)
        yield _worker.PathItem(entry.path, entry.root, str(exc))


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        return _run(args, err)
    except Usage as exc:
        err.print(f"normalize: {exc}", markup=False)
        return 2
    except Exception as exc:  # a bug outside any document: say so plainly; the traceback on demand
        if args.debug:
            err.print(traceback.format_exc(), markup=False)
        hint = "" if args.debug else " (run with --debug for the traceback)"
        err.print(
            f"normalize: internal error, please report: {type(exc).__name__}: {exc}{hint}", markup=False
        )
        return 1


def _run(args: argparse.Namespace, err: Console) -> int:
    options = _check(args)
    dask_run = _scale.start(args, options)  # None unless --executor dask (its cluster starts here)
    try:
        return _run_with(args, err, options, dask_run)
    finally:
        if dask_run is not None:
            dask_run.close()


def _run_with(
    args: argparse.Namespace, err: Console, options: Options, dask_run: _scale.DaskRun | None
) -> int:
    total = dask_run.total if dask_run is not None else _survey(args)
    notes = _watchdog.unsupported(options.limits)
    report = _Report(args.report) if args.report else None
    try:
        sink = dask_run.sink if dask_run is not None and dask_run.sink else _open_sink(args)
    except Usage:
        if report is not None:
            report.discard()
        raise
    if not args.quiet:
        for note in notes:
            err.print(f"normalize: note: {note}", markup=False)
    summary = Summary()
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
    jobs = _worker.jobs_for(args.jobs, total)
    # the pool's processes start before the progress bar starts its thread: a process forked while
    # another thread runs may inherit a lock that thread held
    pool = _worker.Pool(jobs) if jobs > 1 and dask_run is None else None
    try:
        with progress:
            task = progress.add_task("normalizing", total=total)
            pairs = (
                dask_run.pairs()
                if dask_run is not None
                else _results(_inputs(args), options, pool, jobs, total)
            )
            for result, path in pairs:
                before = len(summary.failed)
                sink.write(result, summary)
                sink_errors = [e for _, e in summary.failed[before:]]
                entry = summary.add(result, sink_errors, path=path)
                _tell(result, args.debug, entry["warnings"] if args.verbose else [])
                if report is not None:
                    report.add(entry)
                progress.advance(task)
    finally:
        if pool is not None:
            pool.shutdown()
        sink.close()
    if report is not None:
        report.close(summary.totals())
    if not args.quiet:
        _print_summary(err, summary, sink.describe(), args.verbose, args.report)
    return 1 if summary.outcomes["failed"] or summary.quarantined else 0


def _check(args: argparse.Namespace) -> Options:
    """The options, checked before any work (raises :class:`Usage`)."""
    if args.key is not None and (args.output is not None or args.jsonl is not None):
        raise Usage(
            f"--key {args.key} applies to the archive only, not to {'-o' if args.output else '--jsonl'}"
        )
    if args.no_fsync and (args.output is not None or args.jsonl is not None):
        raise Usage(f"--no-fsync applies to the archive only, not to {'-o' if args.output else '--jsonl'}")
    if args.report is not None and args.report.is_dir():
        raise Usage(f"--report {args.report}: is a directory (give a file name)")
    if args.jsonl not in (None, "-") and Path(args.jsonl).is_dir():
        raise Usage(f"--jsonl {args.jsonl}: is a directory (give a file name)")
    if args.output is not None and args.output.exists() and not args.output.is_dir():
        raise Usage(f"-o {args.output}: exists and is not a directory")
    _scale.check(args)
    missing = [p for p in args.paths if isinstance(p, Path) and not os.path.lexists(p)]
    if missing:
        raise Usage("; ".join(f"{p}: no such file or directory" for p in missing))
    try:
        limits = Limits(
            repair_budget=args.repair_budget,
            input_bytes=args.max_input_size,
            line_chars=args.max_line_length,
            html_chars=args.max_html_size,
            html_depth=args.max_html_depth,
            cpu_seconds=args.time_limit,
            memory_bytes=args.memory_limit,
        )
    except ValueError as exc:
        raise Usage(str(exc)) from None
    try:
        args.select = Selection(tuple(args.include), tuple(args.exclude))
    except ValueError as exc:
        raise Usage(f"--include/--exclude: {exc}") from None
    return Options(text=TextOptions(script=args.script), format=args.format, limits=limits)


def _outputs(args: argparse.Namespace) -> list[Path]:
    """Where this run writes (absolute): never inputs, even inside an input folder (``normalize .``
    with the default ``archive/``, ``--jsonl`` or ``--report`` written into the folder read)."""
    out: list[Path] = []
    if args.output is not None:
        out.append(args.output)
    elif args.jsonl is not None and args.jsonl != "-":
        out += [Path(args.jsonl), Path(f"{args.jsonl}.invalid.jsonl")]
    elif args.jsonl is None:
        out.append(Path(str(args.archive or "archive")))
    if args.report is not None:
        out.append(args.report)
    return [p.absolute() for p in out]


def _inputs(args: argparse.Namespace) -> Iterator[_read.Entry]:
    """The inputs under the paths given (:func:`normalize._read.walk`), less this run's outputs."""
    outputs = _outputs(args)
    for entry in _read.walk(args.paths, args.select):
        where = entry.path.absolute()
        if not any(where == o or where.is_relative_to(o) for o in outputs):
            yield entry


def _survey(args: argparse.Namespace) -> int:
    """Count the inputs (a first walk: nothing is read) and, for the archive keyed by path, refuse
    two inputs that would share an object before any work (raises :class:`Usage`)."""
    by_path = args.output is None and args.jsonl is None and (args.key or "path") == "path"
    if by_path:  # the archive's modules cost some 20 ms of import: not for -o or --jsonl
        from ..archive._ids import derive_id
    seen: dict[str, Path] = {}
    total = 0
    for entry in _inputs(args):
        if entry.problem is None and _warc.is_warc(entry.path):
            total += _warc.count(entry.path)
            continue
        total += 1
        if not by_path:
            continue
        try:
            object_id = derive_id("path", entry.name, {})
        except ValueError:
            continue
        other = seen.setdefault(object_id, entry.path)
        if other != entry.path:
            raise Usage(
                f"{other} and {entry.path} would both be archived as {object_id} (the same name, "
                f"{entry.name!r}, relative to their input folders) and one would overwrite the other. "
                "Give their common parent folder instead, or archive them in separate runs or archives"
            )
    if total == 0:
        looked = ", ".join(str(p) for p in args.paths)
        chosen = "" if args.select.everything else "; --include/--exclude chose none"
        raise Usage(f"no input files in {looked} (hidden files and *.jsonld are not inputs{chosen})")
    return total


def _tell(result: Result, debug: bool, warnings: list[str]) -> None:
    """One stderr line per problem, naming the input: its failure, each quarantined record, each of
    ``warnings`` (``--verbose``)."""
    for w in warnings:
        print(f"normalize: {result.name}: warning: {w}", file=sys.stderr, flush=True)
    if result.error:
        print(f"normalize: {result.name}: {result.error}", file=sys.stderr, flush=True)
        if debug and result.traceback:
            print(result.traceback, file=sys.stderr, flush=True)
    elif result.quarantined:
        for rec in result.quarantined:
            print(
                f"normalize: {result.name}: record {rec.position} is invalid, quarantined: "
                + "; ".join(rec.errors[:3]),
                file=sys.stderr,
                flush=True,
            )


class _Report:
    """``--report FILE``: one entry per input as it completes (memory does not grow with the corpus),
    then the totals; written beside FILE and renamed into place at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            self.fh: IO[str] = open(self.tmp, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise Usage(f"--report {path}: cannot write: {exc.strerror or exc}") from None
        self.fh.write('{"inputs": [')
        self.n = 0

    def add(self, entry: dict[str, Any]) -> None:
        self.fh.write(("\n  " if self.n == 0 else ",\n  ") + json.dumps(entry, ensure_ascii=False))
        self.n += 1

    def discard(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)

    def close(self, totals: dict[str, Any]) -> None:
        self.fh.write('\n],\n"summary": ' + json.dumps(totals, ensure_ascii=False) + "}\n")
        self.fh.close()
        os.replace(self.tmp, self.path)


# --- sinks ------------------------------------------------------------------------------------------


class _Sink:
    """Where records go.  :meth:`write` reports a failure to store an input by appending ``(name,
    message)`` to ``summary.failed`` (and printing it), a warning by appending to
    ``summary.sink_warnings``."""

    def write(self, result: Result, summary: Summary) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return ""


class _DirSink(_Sink):
    """``-o DIR``: valid records in DIR; each quarantined record in ``DIR/_invalid/`` under the name
    it would have had, with ``NAME.errors.json`` beside it (``normalize validate DIR`` counts it
    invalid, as it is).  Run again into the same folder, a record lands on one side only: the copy an
    earlier run left on the other side is removed."""

    QUARANTINE = "_invalid"

    def __init__(self, out: Path, scoped: bool = False) -> None:
        self.out = out
        self.scoped = scoped
        self.written: dict[str, set[str]] = {}
        """The names this run wrote, by the folder of their source (a record is named after its
        source, in its source's folder).  ``scoped`` (one input folder, walked depth first): only the
        folders on the current source's path are kept, since no later source is in a folder the walk
        has left, so the names held follow the widest folder, not the length of the run."""
        self._here: set[str] = set()
        try:
            out.mkdir(parents=True, exist_ok=True)
            # what an earlier run may have left: nothing to remove (:meth:`_drop`) from a folder that
            # was empty, or from a quarantine folder that did not exist, when this run began
            with os.scandir(out) as entries:
                self._stale_valid = any(entries)
        except OSError as exc:
            raise Usage(f"-o {out}: cannot create: {exc.strerror or exc}") from None
        self._stale_invalid = self._stale_valid and (out / self.QUARANTINE).is_dir()
        self._root = os.fspath(out)

    def write(self, result: Result, summary: Summary) -> None:
        self._enter(result.name)
        for rec in result.records:
            name = self._put(rec.filename, rec.bytes, result)
            # a re-run into the same folder: this record was quarantined before, and is valid now
            if self._stale_invalid:
                self._drop(f"{self.QUARANTINE}/{name}", f"{self.QUARANTINE}/{self._errors_name(name)}")
        for rec in result.quarantined:
            name = self._put(f"{self.QUARANTINE}/{rec.filename}", rec.bytes, result)
            errors = {"source": result.name, "record": rec.position, "id": rec.id, "errors": rec.errors}
            body = (json.dumps(errors, ensure_ascii=False, indent=1) + "\n").encode()
            self._atomic(os.path.join(self._root, self._errors_name(name)), body)
            # ... and the other way: an earlier run's valid copy would stand for what is now invalid
            if self._stale_valid:
                self._drop(name.removeprefix(f"{self.QUARANTINE}/"))

    def _enter(self, source: str) -> None:
        """Make the names written from the folder of ``source`` the ones :meth:`_put` and :meth:`_drop`
        look at (forgetting, ``scoped``, the folders the walk has left)."""
        folder = source.rsplit("/", 1)[0] + "/" if "/" in source else ""
        if self.scoped:
            for left in [f for f in self.written if not folder.startswith(f)]:
                del self.written[left]
        self._here = self.written.setdefault(folder, set())

    @staticmethod
    def _errors_name(name: str) -> str:
        return name.removesuffix(".jsonld") + ".errors.json"

    def _drop(self, *names: str) -> None:
        """Remove what an earlier run left under ``names`` (not written by this run)."""
        for name in names:
            if name not in self._here:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self._root, name))

    def _put(self, name: str, data: bytes, result: Result) -> str:
        if name in self._here:  # two sources with the same stem (a.txt, a.md): keep both
            name = name.removesuffix(".jsonld") + f".{result.sha256[:8]}.jsonld"
        self._here.add(name)
        self._atomic(os.path.join(self._root, name), data)
        return name

    @staticmethod
    def _atomic(path: str, data: bytes) -> None:
        """Write ``data`` to ``path`` through a temporary file beside it (its folder made when
        missing), so that ``path`` never holds part of a record."""
        folder, base = os.path.split(path)
        tmp = os.path.join(folder, f".{base}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)

    def describe(self) -> str:
        return f"records written to {self.out}/"


def quarantine_line(result: Result, rec: RecordOut) -> bytes:
    """A quarantined record as one JSON line: ``{"quarantined": true, "errors": [...], "source":
    NAME, "record": {...}}`` (not a record: ``normalize validate`` counts it invalid)."""
    line = {"quarantined": True, "source": result.name, "errors": rec.errors, "record": rec.data}
    return (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode()


class _JsonlSink(_Sink):
    """``--jsonl FILE``: valid records in FILE, quarantined ones (:func:`quarantine_line`) in
    ``FILE.invalid.jsonl``, created when the first one comes (a stale one from an earlier run is
    removed).  ``--jsonl -``: both on stdout, the quarantined ones marked so."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.invalid_name = f"{name}.invalid.jsonl"
        self.invalid: IO[bytes] | None = None
        self.quarantined = 0
        try:
            self.fh: IO[bytes] = sys.stdout.buffer if name == "-" else open(name, "wb")  # noqa: SIM115
            if name != "-" and os.path.exists(self.invalid_name):
                os.remove(self.invalid_name)
        except OSError as exc:
            raise Usage(f"--jsonl {name}: cannot write: {exc.strerror or exc}") from None

    def write(self, result: Result, summary: Summary) -> None:
        for rec in result.records:
            self.fh.write(rec.bytes)
        for rec in result.quarantined:
            if self.name == "-":
                self.fh.write(quarantine_line(result, rec))
            else:
                if self.invalid is None:
                    self.invalid = open(self.invalid_name, "wb")  # noqa: SIM115
                self.invalid.write(quarantine_line(result, rec))
            self.quarantined += 1
        self.fh.flush()

    def close(self) -> None:
        if self.name != "-":
            self.fh.close()
        if self.invalid is not None:
            self.invalid.close()

    def describe(self) -> str:
        if self.name == "-":
            return ""
        extra = f" (invalid records: {self.invalid_name})" if self.quarantined else ""
        return f"records written to {self.name}{extra}"


class _ArchiveSink(_Sink):
    """The archive.  Distinct inputs never share an object: two inputs of this run whose ids are the
    same (``--key url`` / ``field:NAME``: the same value in two documents) are found here, and the
    second is refused with both names (by path they are refused before any work, :func:`_survey`).
    A document that failed on a resource limit (time or memory, which depend on the machine), or whose
    worker died on it, does not replace the archived version of the same source bytes: re-running
    never changes the head of an object whose source did not change.  An input that was not read has
    nothing to archive."""

    TRANSIENT = ("cpu_seconds", "memory_bytes")

    def __init__(self, root: Path, key: str, *, durable: bool = True) -> None:
        from ..archive import Archive, ArchiveError

        self.root = root
        self.key = key
        self.ids: dict[str, str] = {}
        """Object id -> the name of the input of this run that took it."""
        try:
            self.archive = Archive.open(root, create=True, durable=durable)
        except ArchiveError as exc:
            raise Usage(f"--archive: {exc}") from None
        except OSError as exc:
            raise Usage(f"--archive {root}: {exc.strerror or exc}") from None

    def write(self, result: Result, summary: Summary) -> None:
        from ..archive import ArchiveError, LockTimeout

        if not result.read:
            summary.archive["not read"] += 1
            return
        try:
            object_id, used, note = self.archive.object_id_for(result, self.key)
            if note:
                summary.sink_warnings.append(note)
                print(f"normalize: {result.name}: {note}", file=sys.stderr, flush=True)
            other = self.ids.setdefault(object_id, result.name)
            if other != result.name:
                value = self._value(result, used)
                raise ArchiveError(
                    f"{object_id} is already the object of {other} in this run ({used} {value!r} in both);"
                    " two different inputs never share an object"
                )
            if (result.limit in self.TRANSIENT or result.died) and self._same_source(object_id, result):
                summary.archive["kept"] += 1
                summary.sink_warnings.append(f"archive: kept the head of {object_id} (same source)")
                return
            outcome = self.archive.ingest(result, object_id=object_id, key=used)
        except (ArchiveError, LockTimeout, OSError) as exc:
            summary.failed.append((result.name, f"not archived: {exc}"))
            print(f"normalize: {result.name}: not archived: {exc}", file=sys.stderr, flush=True)
            return
        summary.archive[outcome.status] += 1

    @staticmethod
    def _value(result: Result, key: str) -> str:
        return str(
            result.fields.get("url") if key == "url" else result.fields.get(key.removeprefix("field:"))
        )

    def _same_source(self, object_id: str, result: Result) -> bool:
        if object_id not in self.archive:
            return False
        try:
            prov = self.archive.provenance(object_id)
        except Exception:
            return False
        source = prov.get("source")
        return isinstance(source, dict) and source.get("sha256") == result.sha256

    def close(self) -> None:
        self.archive.close()

    def describe(self) -> str:
        return f"archive {self.root}/"


def _open_sink(args: argparse.Namespace) -> _Sink:
    if args.output is not None:
        return _DirSink(args.output, scoped=len(args.paths) == 1)
    if args.jsonl is not None:
        return _JsonlSink(args.jsonl)
    return _ArchiveSink(_scale.archive_dir(args.archive), args.key or "path", durable=not args.no_fsync)


def _print_summary(err: Console, s: Summary, where: str, verbose: bool, report: Path | None) -> None:
    table = Table(title="normalize summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    o = s.outcomes
    table.add_row("documents", f"{s.documents}: {o['ok']} ok, {o['degraded']} degraded, {o['failed']} failed")
    table.add_row(
        "records", str(s.records) + (f" (+{s.quarantined} quarantined as invalid)" if s.quarantined else "")
    )
    table.add_row("formats", _fmt(s.formats))
    table.add_row("encodings", _fmt(s.encodings))
    table.add_row("changes", _fmt(s.changes, 8))
    more = f"all in {report}" if report is not None else "-v shows them all"
    warned = [] if verbose else s.warned  # -v printed each as it came
    table.add_row("warnings", _listed(s.warnings, warned, more if not verbose else "shown above"))
    if s.limits:
        table.add_row(
            "limits hit", ", ".join(f"{_limits.OPTIONS[k]} {v}" for k, v in sorted(s.limits.items()))
        )
    if s.archive:
        table.add_row("archive", _fmt(s.archive))
    failed = s.failed if verbose else s.failed[:SHOWN]
    table.add_row("failures", _listed(len(s.failed), failed, more))
    if where:
        table.add_row("output", where)
    err.print(table)


def _listed(count: int, shown: list[tuple[str, str]], more: str) -> str:
    """``count``, then the (input name, message) pairs ``shown``, and how many are not."""
    rest = count - len(shown)
    tail = f"\n… +{rest} more ({more})" if rest > 0 else ""
    return str(count) + "".join(f"\n{n}: {m}" for n, m in shown) + tail


def _fmt(counter: Counter[str], most: int = 6) -> str:
    items = counter.most_common(most)
    rest = len(counter) - len(items)
    return ", ".join(f"{k} {v}" for k, v in items) + (f", … (+{rest} kinds)" if rest > 0 else "") or "-"
