"""``--executor dask``: the same pipeline on a Dask cluster (``dask.distributed``).

Why Dask and why this shape: the unit of work is already :func:`normalize._worker.run_batch`, a plain
function over a picklable batch; a Dask task runs exactly that, so the records are the same bytes as with
the local executor, and the cluster engine (scheduling, retries, worker restarts, elastic clusters,
dashboards) is Dask's, not ours.  What this module adds is only what the pipeline needs around it:

* **batches as tasks**: one task per batch of :func:`normalize._worker.batches` (up to 32 documents or
  128 KB of source), so the scheduler's cost per task (about a millisecond) is spread over several
  documents; a document travels as its path or URL, and is read by the worker that runs it;
* **warm workers**: :class:`WarmPlugin` loads the model tables once per worker process
  (:func:`normalize._worker.warm`), also on a worker that joins or is restarted later;
* **input order, bounded memory**: results are put back in input order by the same bounded reorder buffer
  as the process pool (:class:`normalize._worker.Window`), so the client holds a bounded number of
  documents, and a run's output is independent of timing;
* **outputs**: records come back to the client (for ``-o``, ``--jsonl``, or the archive ingested by the
  client), or each task writes its batch as one shard on fsspec storage and sends back only a
  :class:`Receipt` (:mod:`normalize._shards`), or each task ingests its batch into an archive on the
  client's host (the archive's per-object locks make concurrent writers safe);
* **failures**: a worker that dies mid-task is Dask's to handle: the scheduler gives its tasks to other
  workers (``distributed.scheduler.allowed-failures``, 3 by default) and runs a task that raised again
  (``retries``).  Nothing is written twice differently: a shard's name and bytes depend on its inputs
  only, and each write is all-or-nothing.  A task that still fails makes its documents *suspects*, as
  in the local executor (:func:`normalize._worker.ordered_results`): each runs again as a task of its
  own, alone on the cluster (Dask blames a worker's death on every task queued there, not only on the
  one running), so only a document that keeps killing its worker fails; the counts always add up.
  (Shards of a split batch are named ``part-SEQ.K-…``: one per document.)

Use :class:`DaskRun` (``normalize SRC... --executor dask`` does).  This module needs the ``dask`` extra.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

try:
    from distributed import Client, Future, KilledWorker, LocalCluster, as_completed, get_worker
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("the dask executor needs the dask extra: pip install 'normalize[dask]'") from exc

from . import _shards, _worker
from ._fsio import (
    AnyItem,
    ArchiveTargetError,
    StorageOptions,
    absolute,
    archive_path,
    failed,
    filesystem,
    is_process_local,
    iter_items,
    location,
    materialize,
)
from ._select import ALL, Selection
from .pipeline import Options, RecordOut, Result

log = logging.getLogger(__name__)

RECEIPT_WINDOW_PER_WORKER = 8 * _worker.WINDOW_PER_JOB
"""Documents in flight or waiting per worker thread when only receipts come back: they are small, so the
window can be wide enough that one slow document does not leave the other workers without tasks."""

INGEST = ("client", "workers")
"""Who ingests into the archive: the client (anywhere) or the workers (same host as the archive)."""


# --- on the workers ---------------------------------------------------------------------------------


class WarmPlugin(WorkerPlugin):
    """Loads the model tables once per worker process, before it runs any task: Dask runs ``setup`` on
    every worker of the cluster when the plugin is registered, and on each worker that joins later (a
    restarted one too), so no document's time includes loading them."""

    name = "normalize-warm"

    def setup(self, worker: Any) -> None:
        _worker.warm()


@dataclass(frozen=True)
class Plan:
    """What a task does with its batch besides normalizing it (the same for every task of a run)."""

    options: Options
    storage: dict[str, dict[str, Any]] = field(default_factory=dict)
    shards: str | None = None
    """fsspec URL of the shard folder, or None: records come back to the client."""
    shard_format: str = "jsonl"
    shards_on_workers: bool = True
    """False for a process-local filesystem (``memory://``): the task returns the shard's files."""
    archive: str | None = None
    """Archive root the workers ingest into (on the client's host), or None."""
    key: str = "path"
    durable: bool = True
    """Whether the archive fsyncs what the workers ingest (``--no-fsync``: not)."""
    fingerprint: str = ""

    @property
    def receipts(self) -> bool:
        """Whether results come back as receipts (the records went to shards or to the archive)."""
        return self.shards is not None or self.archive is not None


@dataclass
class TaskOut:
    """What a task sends back: its results (or receipts), its shard, and where its time went."""

    seq: int
    results: list[Result]
    shard: _shards.ShardInfo | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    """The shard's files, for the client to write (``shards_on_workers`` false, or a failed task)."""
    worker: str = ""
    start: float = 0.0
    """Wall-clock time the task function started / ended, on the worker."""
    end: float = 0.0
    read_s: float = 0.0
    work_s: float = 0.0
    """Time in :func:`normalize._worker.run_batch`: the documents' own processing."""
    cpu_s: float = 0.0
    """CPU time of that processing (``work_s`` well above it: the worker had to share its core)."""
    write_s: float = 0.0


@dataclass
class Receipt(Result):
    """A result whose records the worker wrote: what the command's summary and report need and no more
    (record ids, positions, change counts and errors; format, encoding, warnings, error, limit), plus
    where the records went and what the archive did with them."""

    source_sha256: str = ""
    shard: str | None = None
    archived: str | None = None
    """``created`` / ``updated`` / ``unchanged`` / ``kept`` / ``not read`` when a worker ingested it."""
    archive_errors: list[str] = field(default_factory=list)
    sink_warnings: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return self.source_sha256


def _stub(rec: RecordOut) -> RecordOut:
    return dataclasses.replace(_worker.slim_record(rec), bytes=b"")


def receipt(result: Result, shard: str | None = None) -> Receipt:
    stub = _worker.slim_document(result.document)
    return Receipt(
        name=result.name,
        source=b"",
        records=[_stub(r) for r in result.records],
        error=result.error,
        warnings=list(result.warnings),
        document=stub,
        quarantined=[_stub(r) for r in result.quarantined],
        limit=result.limit,
        read=result.read,
        traceback=result.traceback,
        source_sha256=result.sha256,
        shard=shard,
    )


def run_task(seq: int, batch: Sequence[AnyItem], plan: Plan, part: int | None = None) -> TaskOut:
    """The Dask task: read the batch, :func:`normalize._worker.run_batch` it, then write its shard or
    ingest it as the plan says.  Raises only for storage errors (the scheduler retries those)."""
    start, t0 = time.time(), time.perf_counter()
    ready = materialize(batch, plan.storage, plan.options.limits)
    t1, cpu = time.perf_counter(), time.thread_time()
    done = iter(_worker.run_batch([r for r in ready if not isinstance(r, Result)], plan.options))
    results = [r if isinstance(r, Result) else next(done) for r in ready]
    t2, cpu = time.perf_counter(), time.thread_time() - cpu
    out = TaskOut(
        seq, results, worker=_worker_address(), start=start, read_s=t1 - t0, work_s=t2 - t1, cpu_s=cpu
    )
    if plan.shards is not None:
        out.shard, files = _shards.build(seq, results, plan.shard_format, plan.fingerprint, part)
        if plan.shards_on_workers:
            for name, data in files:
                _shards.write(plan.shards, name, data, plan.storage)
        else:
            out.files = files
    if plan.receipts:
        out.results = [receipt(r, out.shard.name if out.shard else None) for r in results]
    if plan.archive is not None:
        _ingest(plan.archive, plan.key, results, out.results, durable=plan.durable)
    out.write_s = time.perf_counter() - t2
    out.end = time.time()
    return out


def _ingest(
    root: str, key: str, results: Sequence[Result], receipts: Sequence[Result], *, durable: bool = True
) -> None:
    """Ingest ``results`` as the command's archive sink does (the same sink, run here: one archive
    policy), noting on each receipt what the archive did.  The sink is opened for the batch and closed
    after it: its SQLite connection belongs to the thread that opened it."""
    from .cli.run import Summary, _ArchiveSink

    notes = [rec for rec in receipts if isinstance(rec, Receipt)]
    try:
        sink = _ArchiveSink(Path(root), key, durable=durable)
    except Exception as exc:  # the archive cannot be opened: these inputs are not archived
        for rec in notes:
            rec.archive_errors = [f"not archived: {exc}"]
        return
    try:
        for result, rec in zip(results, notes, strict=True):
            summary = Summary()
            sink.write(result, summary)
            rec.archived = next(iter(summary.archive), None)
            rec.archive_errors = [e for _, e in summary.failed]
            rec.sink_warnings = list(summary.sink_warnings)
    finally:
        sink.close()


def _worker_address() -> str:
    try:
        return str(get_worker().address)
    except ValueError:  # not on a worker (called directly)
        return ""


def _probe(path: str) -> tuple[str, str | None]:
    """(host name, content of ``path`` or None): can this worker see the archive the client made?"""
    try:
        content: str | None = Path(path).read_text(encoding="utf-8")
    except OSError:
        content = None
    return socket.gethostname(), content


# --- on the client ----------------------------------------------------------------------------------


class SummaryLike(Protocol):
    """What :class:`ReceiptSink` updates of the command's summary (``normalize.cli.run.Summary``)."""

    @property
    def failed(self) -> list[tuple[str, str]]: ...
    @property
    def archive(self) -> Any: ...
    @property
    def sink_warnings(self) -> list[str]: ...


class ReceiptSink:
    """The command's sink when the workers stored the records: it passes on what they did (archive
    outcomes, failures to store, warnings) as the command's own sinks report theirs, writes nothing."""

    def __init__(self, where: str) -> None:
        self.where = where

    def write(self, result: Result, summary: SummaryLike) -> None:
        if not isinstance(result, Receipt):
            return
        if result.archived:
            summary.archive[result.archived] += 1
        summary.sink_warnings.extend(result.sink_warnings)
        for error in result.archive_errors:
            summary.failed.append((result.name, error))
            print(f"normalize: {result.name}: {error}", file=sys.stderr, flush=True)

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return self.where


@dataclass
class RunStats:
    """Where the time of a run went: one :class:`TaskOut` (without its results) per task."""

    tasks: list[TaskOut] = field(default_factory=list)
    failed_tasks: int = 0
    """Tasks that failed for good (their batches were split, or their document failed)."""
    wall_s: float = 0.0
    client_s: float = 0.0
    """Time the client spent on its own work (submitting, collecting, reordering, writing what workers
    could not), not waiting for tasks nor in the caller's hands: its cost per task bounds a run's tasks/s."""


@dataclass
class _Pending:
    seq: int
    first: int
    """Sequence number (in the reorder window) of the task's first document."""
    batch: list[AnyItem]
    part: int | None
    """The document's place in its batch, for a task of one document after its batch failed."""
    alone: bool
    """Run with nothing else in flight: a failure can only be this document's."""
    future: Future[TaskOut]


class DaskRun:
    """One ``--executor dask`` run: list the sources, start (or connect to) a cluster, and stream the
    results back in input order with :meth:`results`.

    ``scheduler``: address of a running scheduler; without it a :class:`~distributed.LocalCluster` of
    ``workers`` processes (default: one per core), one thread each, is started and closed with the run.
    ``client``: an existing client to use instead (neither started nor closed here).
    ``shards``: fsspec URL of a folder; each task writes its batch's records there as one shard
    (``shard_format`` ``jsonl`` or ``parquet``), the client writes ``manifest.json`` once every batch is
    done, and :meth:`results` yields :class:`Receipt` values.  ``archive`` with ``ingest="workers"``: the
    workers ingest into that archive (on the client's host: its locks and index are same-host; ``key``
    ``path`` only, whose ids the command checks are distinct before any work; ``durable=False``: without
    fsync, as ``--no-fsync``); with ``ingest="client"`` the archive is only checked here, the caller
    ingests the results.  ``storage_options``: fsspec options per protocol, for inputs and shards.
    ``max_items`` and ``max_bytes`` size the batches (one task each); ``window_per_worker`` bounds the
    documents in flight or waiting per worker thread (default :data:`normalize._worker.WINDOW_PER_JOB`,
    or :data:`RECEIPT_WINDOW_PER_WORKER` when only receipts come back); ``retries``: how often a task
    that raised (a storage error) is run again.

    Raises :class:`ArchiveTargetError` or :class:`ValueError` for a target it cannot write, and
    :class:`FileNotFoundError` for a source that names nothing, before any work starts.
    """

    def __init__(
        self,
        sources: Sequence[str | Path],
        options: Options | None = None,
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        client: Client | None = None,
        shards: str | None = None,
        shard_format: str = "jsonl",
        archive: str | Path | None = None,
        ingest: str = "client",
        key: str = "path",
        durable: bool = True,
        storage_options: StorageOptions | None = None,
        max_items: int = _worker.MAX_BATCH,
        max_bytes: int = _worker.BATCH_BYTES,
        window_per_worker: int | None = None,
        retries: int = 2,
        select: Selection = ALL,
    ) -> None:
        options = options or Options()
        if shard_format not in _shards.FORMATS:
            raise ValueError(f"unknown shard format {shard_format!r}: one of {', '.join(_shards.FORMATS)}")
        if ingest not in INGEST:
            raise ValueError(f"ingest must be one of {', '.join(INGEST)}, not {ingest!r}")
        if shards is not None and archive is not None:
            raise ValueError("records go either to shards or to an archive, not both")
        root = archive_path(archive) if archive is not None else None
        if root is not None and ingest == "workers" and key != "path":
            raise ValueError(
                f"--key {key}: two inputs could share an object unnoticed when the workers ingest; "
                "let the client ingest (the default)"
            )
        storage = {p: dict(o) for p, o in (storage_options or {}).items()}
        shards_on_workers = True
        if shards is not None:
            fs, _ = filesystem(shards, storage)
            shards_on_workers = not is_process_local(fs)
        self.items: list[AnyItem] = list(iter_items(sources, storage, select))
        self.total = len(self.items)
        self.max_items, self.max_bytes = max_items, max_bytes
        self.retries = retries
        self.stats = RunStats()
        self.plan = Plan(
            options=options,
            storage=storage,
            shards=shards.rstrip("/") if shards is not None else None,
            shard_format=shard_format,
            shards_on_workers=shards_on_workers,
            archive=str(root.absolute()) if root is not None and ingest == "workers" else None,
            key=key,
            durable=durable,
            fingerprint=_shards.fingerprint(options),
        )
        self.window_per_worker = window_per_worker or (
            RECEIPT_WINDOW_PER_WORKER if self.plan.receipts else _worker.WINDOW_PER_JOB
        )
        self._token = uuid.uuid4().hex[:12]
        self._cluster: LocalCluster | None = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif scheduler is not None:
            self.client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or _worker.default_jobs(),
                threads_per_worker=1,  # the pipeline is CPU-bound Python: one document per process
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be another cluster's
                silence_logs=logging.ERROR,
            )
            self.client = Client(self._cluster)
        try:
            self.client.register_plugin(WarmPlugin(), name=WarmPlugin.name)
            if self.plan.archive is not None:
                self._prepare_archive(Path(self.plan.archive))
        except BaseException:
            self.close()
            raise
        self.sink: ReceiptSink | None = None
        """None: the results carry their records, for the caller's own sink; else the sink to use."""
        if self.plan.shards is not None:
            self.sink = ReceiptSink(f"shards {self.plan.shards}/ ({_shards.MANIFEST})")
        elif self.plan.archive is not None:
            self.sink = ReceiptSink(f"archive {self.plan.archive}/ (ingested by the workers)")

    def _prepare_archive(self, root: Path) -> None:
        """Create the archive here, then check that every worker sees this very directory on this host:
        its locks (``flock``) and its SQLite index (WAL) are only safe between processes of one host."""
        from .archive import Archive, workdir_for

        Archive.open(root, create=True).close()
        probe = workdir_for(root) / f"dask-probe-{uuid.uuid4().hex}"
        probe.parent.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        probe.write_text(token, encoding="utf-8")
        try:
            seen = cast(dict[str, tuple[str, str | None]], self.client.run(_probe, str(probe)))
        finally:
            probe.unlink(missing_ok=True)
        here = socket.gethostname()
        for address, (host, content) in sorted(seen.items()):
            if content != token or host != here:
                why = "does not see it" if content != token else f"runs on another host ({host})"
                raise ArchiveTargetError(
                    f"{root}: worker {address} {why}: workers may ingest only into an archive on their own "
                    "host (its file locks and SQLite index are same-host only); let the client ingest"
                )

    # -- running -----------------------------------------------------------------------------------

    def pairs(self) -> Iterator[tuple[Result, str]]:
        """:meth:`results` with each input's location (its path or URL), for the command's report."""
        return zip(self.results(), (location(it) for it in self.items), strict=False)

    def results(self) -> Iterator[Result]:
        """Every input's result (a :class:`Receipt` when the records went to shards or to the archive),
        in input order.  Writes the shards' manifest after the last one.  Stopped early, it cancels the
        tasks still queued."""
        t0 = time.perf_counter()
        client, plan = self.client, self.plan
        nthreads = sum(client.nthreads().values()) or 1
        # results that carry their records are also bounded by their sources' bytes; receipts are small
        window: _worker.Window[Result] = _worker.Window(
            max(nthreads * self.window_per_worker, self.max_items),
            None if plan.receipts else nthreads * _worker.WINDOW_BYTES_PER_JOB,
        )
        manifest = _shards.Manifest(plan.shard_format, plan.fingerprint)
        shards: dict[tuple[int, int], _shards.ShardInfo] = {}
        # batches() only asks items for size(), which a UrlItem has too
        todo = enumerate(
            _worker.batches(cast(list[_worker.Item], self.items), self.max_items, self.max_bytes)
        )
        pending: dict[Any, _Pending] = {}
        suspects: deque[tuple[int, int, AnyItem, int | None]] = deque()
        """(seq, window number, item, part) of each document of a task that failed for good."""
        # results are fetched from the workers in the background, concurrently: the loop never waits
        # on one worker's round trip while others have finished
        done = as_completed(with_results=True, raise_errors=False)

        def submit(seq: int, first: int, batch: list[AnyItem], part: int | None, alone: bool) -> None:
            suffix = ("" if part is None else f".{part}") + ("-alone" if alone else "")
            fut = client.submit(
                run_task,
                seq,
                [absolute(it) for it in batch],
                plan,
                part,
                key=f"normalize-batch-{self._token}-{seq}{suffix}",
                retries=self.retries,
                pure=False,
            )
            pending[fut.key] = _Pending(seq, first, batch, part, alone, fut)
            done.add(fut)

        nxt = next(todo, None)
        mark = time.perf_counter()
        try:
            while nxt is not None or pending or suspects:
                if suspects:  # one at a time, alone: a worker's death can then be blamed on it only
                    if not pending:
                        seq, first, item, part = suspects.popleft()
                        submit(seq, first, [item], part, True)
                else:
                    while nxt is not None and window.fits(len(nxt[1]), size := _worker.source_bytes(nxt[1])):
                        seq, batch = nxt
                        submit(seq, window.admit(len(batch), size), cast(list[AnyItem], batch), None, False)
                        nxt = next(todo, None)
                self.stats.client_s += time.perf_counter() - mark
                fut, value = next(done)
                mark = time.perf_counter()
                task = pending.pop(fut.key)
                out = self._collect(task, fut.status, value)
                if out is None:  # failed for good, not alone: its documents are suspects
                    split = len(task.batch) > 1
                    suspects.extend(
                        (task.seq, task.first + k, item, k if split else task.part)
                        for k, item in enumerate(task.batch)
                    )
                    continue
                if out.shard is not None:
                    shards[(task.seq, -1 if task.part is None else task.part)] = out.shard
                window.complete(task.first, out.results)
                for result in window.ready():
                    if result.error:
                        manifest.failures.append((result.name, result.error))
                    self.stats.client_s += time.perf_counter() - mark
                    yield result
                    mark = time.perf_counter()
        finally:  # stopped early, or an error: leave no task running for nobody
            if pending:
                client.cancel([p.future for p in pending.values()])
        if plan.shards is not None:
            manifest.shards = [shards[k] for k in sorted(shards)]
            manifest.write(plan.shards, plan.storage)
        self.stats.client_s += time.perf_counter() - mark
        self.stats.wall_s = time.perf_counter() - t0

    def _collect(self, task: _Pending, status: str, value: Any) -> TaskOut | None:
        """The task's output (``value``: its result, or for an erred task the exception's ``(type,
        exception, traceback)``).  A task that failed for good (its workers kept dying, or storage kept
        failing): None, unless it ran alone; then its document fails, with, under shards, its shard
        written here, so that every input is in exactly one shard and the counts add up."""
        plan = self.plan
        task.future.release()
        if status == "finished":
            out: TaskOut = value
        else:
            self.stats.failed_tasks += 1
            if not task.alone:
                return None
            exc = value[1] if isinstance(value, tuple) else value
            message = _worker._killed(exc) if isinstance(exc, KilledWorker) else _worker._died(exc)
            results = [failed(task.batch[0], message, plan.options, plan.storage)]
            out = TaskOut(task.seq, results)
            if plan.shards is not None:
                out.shard, out.files = _shards.build(
                    task.seq, results, plan.shard_format, plan.fingerprint, task.part
                )
            if plan.receipts:
                out.results = [receipt(r, out.shard.name if out.shard else None) for r in results]
            if plan.archive is not None:  # the archive is on this host: ingest the failure here
                _ingest(plan.archive, plan.key, results, out.results)
        if plan.shards is not None:
            for name, data in out.files:
                _shards.write(plan.shards, name, data, plan.storage)
        out.files = []
        self.stats.tasks.append(
            TaskOut(
                out.seq,
                [],
                shard=out.shard,
                worker=out.worker,
                start=out.start,
                end=out.end,
                read_s=out.read_s,
                work_s=out.work_s,
                cpu_s=out.cpu_s,
                write_s=out.write_s,
            )
        )
        return out

    # -- closing -----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the client and the local cluster this run started (nothing it was given)."""
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run(
    sources: Sequence[str | Path], options: Options | None = None, **kwargs: Any
) -> tuple[list[Result], RunStats]:
    """Run ``sources`` to completion (see :class:`DaskRun` for the keyword arguments): every result, in
    input order, and the run's timing."""
    with DaskRun(sources, options, **kwargs) as dask_run:
        return list(dask_run.results()), dask_run.stats


__all__ = [
    "ArchiveTargetError",
    "DaskRun",
    "Plan",
    "Receipt",
    "ReceiptSink",
    "RunStats",
    "TaskOut",
    "WarmPlugin",
    "run",
    "run_task",
]
