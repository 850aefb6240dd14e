"""The command line's part of ``--executor dask``: its options, their checks, and starting the run.

Why a module apart from :mod:`normalize.cli.run`: so that the main command needs only a few lines to
offer the Dask executor (see :func:`configure` and :func:`start`), and so that nothing here imports Dask
unless it is asked for (the core install does not have it).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .._fsio import ArchiveTargetError, archive_path, is_url, item_name
from ..pipeline import Options

if TYPE_CHECKING:
    from .._dask import DaskRun

__all__ = ["DaskRun", "archive_dir", "check", "configure", "source", "start"]

EXECUTORS = ("local", "dask")


def source(value: str) -> str | Path:
    """An input (or archive) argument: a URL stays a string (``Path`` would fold its ``//``)."""
    return value if is_url(value) else Path(value)


def configure(parser: argparse.ArgumentParser, out: argparse._MutuallyExclusiveGroup) -> None:
    """Add the executor's options; ``out`` is the group of the record sinks (``-o``, ``--jsonl`` …)."""
    out.add_argument(
        "--shards",
        metavar="URL",
        help=(
            "with --executor dask: each task writes its records as one shard in the folder URL (a path or "
            "an fsspec URL such as s3://bucket/out), listed with the totals in URL/manifest.json"
        ),
    )
    parser.add_argument(
        "--shard-format", choices=("jsonl", "parquet"), default="jsonl", help="format of --shards (jsonl)"
    )
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help=(
            "local (default): --jobs processes on this machine; dask: Dask tasks, on --scheduler or on a "
            "local cluster of --jobs workers (pip install 'normalize[dask]'); inputs may then be fsspec "
            "URLs and globs (s3://bucket/corpus/, file:///data/*/*.txt)"
        ),
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: a running Dask scheduler (tcp://host:8786)",
    )
    parser.add_argument(
        "--ingest",
        choices=("client", "workers"),
        default="client",
        help="with --executor dask, into the archive: who ingests (workers: only on this host; --key path)",
    )


def check(args: argparse.Namespace) -> None:
    """Options that need the Dask executor, given without it (raises ``Usage``)."""
    from .run import Usage

    if args.executor == "dask":
        return
    urls = [str(p) for p in args.paths if not isinstance(p, Path)]
    given = [
        name
        for name, value in (
            ("--shards", args.shards),
            ("--scheduler", args.scheduler),
            ("URL inputs (" + ", ".join(urls) + ")", urls),
        )
        if value
    ]
    if args.ingest != "client":
        given.append("--ingest workers")
    if given:
        raise Usage(f"{' and '.join(given)}: need --executor dask")


def archive_dir(value: str | Path | None) -> Path:
    """The archive's directory; an archive on object storage is refused (raises ``Usage``)."""
    from .run import Usage

    try:
        return archive_path(value if value is not None else "archive")
    except ArchiveTargetError as exc:
        raise Usage(f"--archive: {exc}") from None


def start(args: argparse.Namespace, options: Options) -> DaskRun | None:
    """The Dask run the arguments ask for (None for the local executor): inputs listed, cluster started
    (before the progress bar starts its thread), and, for the archive keyed by path, two inputs that
    would share an object refused before any work, as for the local executor.  Raises ``Usage``."""
    from .run import Usage

    if args.executor != "dask":
        return None
    try:
        from .._dask import DaskRun
    except ImportError as exc:
        raise Usage(str(exc)) from None
    to_archive = args.output is None and args.jsonl is None and args.shards is None
    try:
        run = DaskRun(
            args.paths,
            options,
            scheduler=args.scheduler,
            workers=args.jobs or None,
            shards=args.shards,
            shard_format=args.shard_format,
            archive=archive_dir(args.archive) if to_archive else None,
            ingest=args.ingest,
            key=args.key or "path",
            durable=not args.no_fsync,
            select=args.select,
        )
    except (ValueError, FileNotFoundError) as exc:
        raise Usage(str(exc)) from None
    except OSError as exc:  # the scheduler cannot be reached (or the local cluster cannot start)
        where = f"--scheduler {args.scheduler}" if args.scheduler else "the local Dask cluster"
        raise Usage(f"{where}: {exc}") from None
    try:
        if run.total == 0:
            raise Usage(f"no input files in {', '.join(map(str, args.paths))}")
        if to_archive and (args.key or "path") == "path":
            _distinct_ids(run)
    except BaseException:
        run.close()
        raise
    return run


def _distinct_ids(run: DaskRun) -> None:
    """Two inputs archived by path as one object (the same name under two input folders): refused."""
    from ..archive._ids import derive_id
    from .run import Usage

    seen: dict[str, str] = {}
    for item in run.items:
        name = item_name(item)
        try:
            object_id = derive_id("path", name, {})
        except ValueError:
            continue
        where = str(getattr(item, "url", getattr(item, "path", name)))
        other = seen.setdefault(object_id, where)
        if other != where:
            raise Usage(
                f"{other} and {where} would both be archived as {object_id} (the same name, {name!r}, "
                "relative to their input folders); give their common parent instead, or separate runs"
            )
