"""The unit of work of every way of running the pipeline: a batch of inputs -> their results.

:func:`run_batch` is the one function that runs documents, whether in this process
(``--jobs 1``), in a process pool, or later as a Dask task: its inputs and outputs are
plain picklable values, it knows nothing of the command line, and its results are
slimmed (:func:`slim`) so that they cross process boundaries cheaply.  :func:`warm` loads
what every document may need once per process (a pool's initializer calls it).

The rest runs batches in parallel and gives the results back in input order:
:class:`Window` is the bounded reorder buffer, :func:`ordered_results` the scheduler.

Every document runs under the watchdog (:func:`normalize._watchdog.guard`: its CPU time and memory
limits), in whichever process runs it, so one document past a limit fails alone and the batch goes
on.  Should a worker process die anyway (native code that aborts, the system's OOM killer), the
scheduler replaces the pool and retries the documents of the batches that were lost one at a time,
alone, so that only the document that kills a worker fails (:func:`ordered_results`).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.util
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Generic, TypeVar

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - not on Windows
    _fcntl = None  # type: ignore[assignment]

from . import _memo, _read, _recache, _watchdog
from ._document import Document
from .pipeline import Options, RecordOut, Result, process, process_bytes, unread


@dataclass(frozen=True, slots=True)
class PathItem:
    """A file to normalize; its name is relative to ``root``."""

    path: Path
    root: Path
    problem: str | None = None
    """Why the file cannot be read as a document (found while listing the inputs: a FIFO, a link
    leading outside the input folder …); its result is then that failure, and nothing is read."""

    def size(self) -> int:
        if self.problem is not None:
            return 0
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True, slots=True)
class BytesItem:
    """Bytes already in memory (from an archive, a queue, a data frame), with the name to give them."""

    data: bytes
    name: str
    url: str = ""
    """Where the bytes were fetched from (a page out of a crawl archive)."""
    captured: str = ""
    """When (ISO 8601)."""

    def size(self) -> int:
        return len(self.data)


Item = PathItem | BytesItem


_warm = False


_SAMPLE = (
    "## 政策标题：关于做好有关工作的通知\n## 政策内容：\n"
    + "各省、自治区、直辖市人民政府：".encode().decode("gb18030", errors="replace")
    + "\n现将有关事项通知如下。\n"
).encode()
"""A small document with a damaged line: normalizing it loads and compiles what the stages need."""


def warm() -> None:
    """Load what every document may need, once per process: the model tables, then whatever a
    small sample document makes the stages load (converters, compiled patterns, the validator).

    All of it is cached by its loaders, so this only moves the cost: to a pool worker's start (its
    initializer), instead of into whichever document first needs it (whose time would then look
    like that document's own).  It changes no result.
    """
    global _warm
    if _warm:
        return
    from .encoding import _bigram, _cjkscore

    _cjkscore._tables()
    _cjkscore._prefix_costs()
    _bigram._tables()
    process_bytes(_SAMPLE, "warm.txt")
    _warm = True


def init_worker() -> None:
    """A pool worker's initializer: :func:`warm`, mark the process as a pool worker (which may be
    given a hard CPU backstop, :data:`BACKSTOP`: the pool replaces a worker that dies), and keep the
    patterns it compiles for later processes (:mod:`normalize._recache`) when it ends."""
    global _pool_worker
    _pool_worker = True
    warm()
    # a worker ends without exit handlers (os._exit): what it compiled is kept by a finalizer
    multiprocessing.util.Finalize(None, _recache.save, exitpriority=1)


_pool_worker = False

BACKSTOP = 2.0
"""A pool worker stuck in native code (where the CPU timer cannot interrupt it) is killed by the
system after this many times the document's CPU limit, plus :data:`BACKSTOP_GRACE` (RLIMIT_CPU);
the scheduler then fails that document alone.  Never in the command's own process (``--jobs 1``)."""
BACKSTOP_GRACE = 5.0
"""Seconds of CPU time added to the backstop (:data:`BACKSTOP`)."""


def run_batch(items: Sequence[Item], options: Options) -> list[Result]:
    """Normalize ``items``; one slimmed :class:`Result` per item, in order.  Never raises for a bad
    document (its result carries the error), also past a limit: each runs under the watchdog.
    Every :data:`RENEW_EVERY` documents run in this process, its memos are renewed first."""
    results = []
    for item in items:
        _renew_when_due()
        try:
            results.append(slim(_run(item, options)))
        finally:
            _finished()
    return results


RENEW_EVERY = 2_500
"""Documents a process runs between two renewals of its memos (:func:`normalize._memo.renew`: the
memos and the model tables' built groups are emptied, the freed heap given back).  A process that
never renews keeps growing: over the bench corpus in one process, 248 MB at 5,000 documents, 265 MB
at 12,500, 298 MB at 100,000, with no live object growing (heap left behind by memos filled and
emptied).  The peak is set by how far the memos grow between two renewals: over the first 20,000
documents of the 100,000-document bench corpus in one process (the compiled build, two hash seeds),
renewed every 5,000 documents the peak resident size was 290 and 291 MiB, every 2,500 documents 272
and 273 MiB, in the same CPU time (88.7 and 95.1 s against 87.8 and 96.8 s: the memos refill within a
few hundred documents).  Over all 100,000 (hash seed 0), 325 and 308 MiB (286 MiB once the
word-prefix table held no string per key): the heap a renewal cannot give back (long-lived entries
pin the allocator's arenas) still grows, by an amount that differs from run to run (the bench's
command process, renewing every 5,000: 297 MiB).  The same in the command's own process
(``--jobs 1``), a pool's workers (replaced only every :data:`DOCS_PER_WORKER`) and a Dask worker."""

_ran = 0
"""Documents run in this process since its memos were last renewed."""
_running = 0
"""Documents being run in this process now (several when threads call :func:`run_batch`)."""
_renewing = threading.Lock()


YOUNG_GENERATION = 200_000
"""Container objects allocated (net) between two collections of the cyclic garbage collector's
youngest generation in a process that runs documents (Python's default: 700).  The pipeline allocates
millions of short-lived tuples, lists and dicts a document, nearly all freed by their reference
counts; at 700 the collector ran 1,205 young and 10 full collections over the 1,000 bench documents,
4.4% of the time (timed by ``gc.callbacks``; each full one walks every memo), at 50,000 three young
ones, one of the middle generation and no full one: 0.8%.  Over 3,000 documents that held more
mojibake searches, 50,000 still gave 34 young collections, 4.9% of the time: the lost-byte search
holds tens of thousands of candidates of a hole at once, and a collection that falls then walks them
all (30 ms), only to see them freed by their counts a moment later.  At 100,000: 8 (1.9%); at 200,000:
one (0.3%), with the same peak RSS (253 MB).  What the collector finds meanwhile (cycles) waits a
little longer: bounded, and little (the memos' renewal collects too).  Set for the process when it
first runs a document and kept (put back after each document, the young generation was collected at
once, every document: 1.3% of the time), never lowered (a higher setting of the caller's stays)."""


def _raise_young_generation() -> None:
    """Raise the collector's youngest threshold to :data:`YOUNG_GENERATION` (if lower)."""
    young, *older = gc.get_threshold()
    if young < YOUNG_GENERATION:
        gc.set_threshold(YOUNG_GENERATION, *older)


def _renew_when_due() -> None:
    """Renew the memos if :data:`RENEW_EVERY` documents ran since the last time, and no other
    document is being run (a thread's document must not see its memos emptied halfway: the renewal
    then waits for a moment when none is), and count the document about to run."""
    global _ran, _running
    with _renewing:
        if _ran >= RENEW_EVERY and not _running:
            _memo.renew()
            _ran = 0
        if not _ran:
            _raise_young_generation()
        _ran += 1
        _running += 1


def _finished() -> None:
    global _running
    with _renewing:
        _running -= 1


def _run(item: Item, options: Options) -> Result:
    try:
        backstop = (
            BACKSTOP * options.limits.cpu_seconds + BACKSTOP_GRACE
            if _pool_worker and options.limits.cpu_seconds
            else None
        )
        with _watchdog.guard(options.limits), _watchdog.cpu_backstop(backstop):
            if isinstance(item, BytesItem):
                return process_bytes(item.data, item.name, options, url=item.url, captured=item.captured)
            if item.problem is not None:
                return unread(item.path, item.root, item.problem)
            return process(item.path, item.root, options)
    except _watchdog.DocumentTimeout:  # fired between the pipeline's end and the disarm: still over
        _watchdog.acknowledge()
        seconds = options.limits.cpu_seconds
        result = failed(item, f"time limit hit: more than {seconds:g} s of CPU time (--time-limit)", options)
        result.limit = "cpu_seconds"
        return result
    except MemoryError:
        result = failed(item, "memory limit hit (--memory-limit)", options)
        result.limit = "memory_bytes"
        return result


def slim(result: Result) -> Result:
    """What of ``result`` the command needs, to cross a process boundary cheaply: the document only
    as its name, detection and format (not its text, articles or change log), and each valid record
    as its bytes, with only its id and change counts left of its data (:func:`slim_record`).  A
    quarantined record keeps its data (``--jsonl`` writes it into the line that carries its errors).

    Pickled, a bench document's result was 44 KB, 16 of them the records' data as nested dicts and
    lists: pickling and unpickling those took 0.43 ms a document, 3% of the pipeline's own time,
    spent by the worker and by the command's process while the workers wait on it."""
    result.document = slim_document(result.document)
    result.records = [slim_record(rec) for rec in result.records]
    return result


def slim_document(doc: Document | None) -> Document | None:
    """``doc`` as its name, detection and format (what the run's summary counts)."""
    if doc is None:
        return None
    return Document(source=b"", name=doc.name, detection=doc.detection, format=doc.format)


def slim_record(rec: RecordOut) -> RecordOut:
    """``rec`` with only its id and change counts left of its data (what the run's summary counts);
    its bytes, the record itself, stay whole."""
    generated = rec.data.get("wasGeneratedBy")
    counts = generated.get("changeCounts", []) if isinstance(generated, dict) else []
    data = {"id": rec.id, "wasGeneratedBy": {"changeCounts": counts}}
    return RecordOut(
        id=rec.id, data=data, bytes=rec.bytes, filename=rec.filename, errors=rec.errors, position=rec.position
    )


def failed(item: Item, message: str, options: Options | None = None, *, died: bool = False) -> Result:
    """The result of an item that did not finish (its worker died, or a limit was hit outside the
    pipeline): the source bytes are kept when they can be read within the input size limit, so the
    failure can still be archived."""
    if isinstance(item, BytesItem):
        return Result(name=item.name, source=item.data, error=message, died=died)
    name = _read.name_of(item.path, item.root)
    if item.problem is not None:
        return Result(name=name, source=b"", error=item.problem, read=False)
    limits = (options or Options()).limits
    try:
        data = _read.read_bounded(item.path, limits.input_bytes)
    except Exception:
        return Result(name=name, source=b"", error=message, read=False)
    return Result(name=name, source=data, error=message, died=died)


# --- batches ----------------------------------------------------------------------------------------

MAX_BATCH = 32
"""Most documents in one batch."""
BATCH_BYTES = 128 * 1024
"""A batch closes once its sources reach this size: small documents are batched (less overhead per
document), a large one goes alone (it does not hold smaller ones back).

Each batch is a round trip between the command's process and a worker (the worker waits for its next
batch, wakes up, sends its results back, and the command's threads wake up to take them).  On 1,000
bench documents with two workers, batches of at most 8 documents or 32 KB (about 220 batches) cost
3,980-5,637 context switches and 5.50-5.64 s of CPU time; at most 32 documents or 128 KB, with the
results' pipe widened (:data:`RESULT_PIPE_BYTES`), 1,472-1,675 and 4.73-4.98 s.  Alternating with
``--jobs 1`` (six rounds), ``--jobs 2`` went from 1.69x to 1.78x.  The end of a run does not wait on
one big batch: the batches shrink as the remaining documents run out (:func:`batches`, ``total``)."""
TAIL_SHARE = 2
"""With the number of documents known (``total`` of :func:`batches`), no batch holds more than the
remaining documents divided by this many times the workers (guided self-scheduling): batches shrink
towards the end of a run, so the workers run out of work together rather than one of them finishing a
whole batch alone."""


class Batch(list[Item]):
    """Consecutive items (:func:`batches`) with their source bytes, counted once as they were batched
    (:func:`source_bytes` reads them here instead of asking every item again)."""

    nbytes = 0


def batches(
    items: Iterable[Item],
    max_items: int = MAX_BATCH,
    max_bytes: int = BATCH_BYTES,
    *,
    total: int | None = None,
    workers: int = 1,
) -> Iterator[Batch]:
    """``items`` in consecutive batches of 1 to ``max_items``, each closed at ``max_bytes`` of source;
    given how many items there are (``total``: a count taken beforehand, which may be off if the
    inputs changed since) and the ``workers`` that run them, each batch also holds at most the
    remaining items over :data:`TAIL_SHARE` x ``workers`` (at least one).  Each batch is a
    :class:`Batch`: a list that also knows its source bytes."""
    batch = Batch()
    left = total
    most = max_items if left is None else _share(left, max_items, workers)
    for item in items:
        batch.append(item)
        batch.nbytes += item.size()
        if len(batch) >= most or batch.nbytes >= max_bytes:
            yield batch
            if left is not None:
                left -= len(batch)
                most = _share(left, max_items, workers)
            batch = Batch()
    if batch:
        yield batch


def _share(left: int, max_items: int, workers: int) -> int:
    """The largest batch when ``left`` items remain (:data:`TAIL_SHARE`)."""
    return max(1, min(max_items, -(-left // (TAIL_SHARE * max(1, workers)))))


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


DOCS_PER_STARTED_WORKER = 16
"""Documents a run needs for each worker it starts by default (:func:`jobs_for`).  A worker's start (a
fork, then :func:`warm`: 80-100 ms here) pays off only if it takes over more work than that.  Measured
on the bench machine over the first documents of the bench corpus (the default command against
``--jobs 1``, medians of 4): 2 documents 177 / 118 ms, 8: 210 / 198, 16: 229 / 216, 24: 242 / 253,
32: 285 / 306."""


def jobs_for(asked: int, documents: int) -> int:
    """How many processes run ``documents``: ``asked`` (never more than the documents), or with 0 (the
    default) one per core (:func:`default_jobs`), but no more than one per
    :data:`DOCS_PER_STARTED_WORKER` documents: a pre-commit run over a few files runs them in its own
    process, as ``--jobs 1`` would, sooner than two workers would start."""
    if asked:
        return max(1, min(asked, documents))
    return max(1, min(default_jobs(), -(-documents // DOCS_PER_STARTED_WORKER)))


# --- the reorder buffer -----------------------------------------------------------------------------

T = TypeVar("T")


class Window(Generic[T]):
    """A bounded reorder buffer: results come back in any order and leave in input order.

    Each document is admitted with a sequence number before it is submitted; it counts against
    ``bound`` from then until it is released in order, so at most ``bound`` documents are in flight
    or waiting behind a slower one, whatever the completion order (memory stays bounded).  With
    ``max_bytes``, a batch's source bytes count too, until its last document is released: at most
    ``max_bytes`` are in flight or waiting, or a single batch larger than that, alone.
    """

    def __init__(self, bound: int, max_bytes: int | None = None) -> None:
        if bound < 1:
            raise ValueError("bound must be >= 1")
        self.bound = bound
        self.max_bytes = max_bytes
        self._admitted = 0
        self._released = 0
        self._held: dict[int, T] = {}
        self._bytes = 0
        self._batch_bytes: dict[int, int] = {}
        """The source bytes of each batch admitted with a size, by the sequence number of its last
        document (they leave the window with it)."""
        self.high_water = 0
        """The most documents ever admitted and not yet released."""
        self.high_water_bytes = 0
        """The most source bytes ever admitted and not yet released."""

    @property
    def room(self) -> int:
        """How many more documents may be admitted now."""
        return self.bound - (self._admitted - self._released)

    @property
    def held(self) -> int:
        """Documents completed but waiting for an earlier one."""
        return len(self._held)

    def fits(self, n: int, size: int = 0) -> bool:
        """Whether ``n`` documents of ``size`` source bytes may be admitted now: there is room for as
        many documents and, with ``max_bytes``, for their bytes, or the window is empty."""
        if n > self.room:
            return False
        return (
            self.max_bytes is None or self._bytes + size <= self.max_bytes or self._admitted == self._released
        )

    def admit(self, n: int, size: int = 0) -> int:
        """Admit ``n`` documents of ``size`` source bytes in all; returns the sequence number of the
        first."""
        if n > self.room:
            raise OverflowError(f"{n} documents do not fit: {self.room} of {self.bound} free")
        if not self.fits(n, size):
            raise OverflowError(f"{size} bytes do not fit: {self._bytes} of {self.max_bytes} taken")
        first = self._admitted
        self._admitted += n
        if size and n:
            self._bytes += size
            self._batch_bytes[first + n - 1] = size
        self.high_water = max(self.high_water, self._admitted - self._released)
        self.high_water_bytes = max(self.high_water_bytes, self._bytes)
        return first

    def complete(self, first: int, results: Sequence[T]) -> None:
        """The results of the documents admitted from ``first`` on."""
        for k, result in enumerate(results, first):
            if not self._released <= k < self._admitted or k in self._held:
                raise ValueError(f"document {k} was not admitted or is already complete")
            self._held[k] = result

    def ready(self) -> Iterator[T]:
        """Release the results that are next in order."""
        while self._released in self._held:
            result = self._held.pop(self._released)
            self._bytes -= self._batch_bytes.pop(self._released, 0)
            self._released += 1
            yield result


# --- the scheduler ----------------------------------------------------------------------------------

WINDOW_PER_JOB = 4 * MAX_BATCH
"""Documents in flight or waiting per worker: four full batches, enough to keep a worker busy behind a
document that is many times slower than the rest."""
WINDOW_BYTES_PER_JOB = 8 * BATCH_BYTES
"""Source bytes in flight or waiting per worker (a batch larger than the whole window goes alone).
A result held in the command's process takes about 4.4 times its source (the source and its records,
:data:`RESULT_PIPE_BYTES`): with two workers, at most 2 MB of sources and some 9 MB of results, also
when the documents are large (counted in documents only, the window could hold 256 documents of up to
the input size limit each).  About 120 bench documents (8.8 KB each on average), near
:data:`WINDOW_PER_JOB`."""


def ordered_results(
    items: Iterable[Item],
    options: Options,
    pool: Executor,
    jobs: int,
    *,
    window: Window[Result] | None = None,
    batch: Callable[[Iterable[Item]], Iterator[list[Item]]] = batches,
    restart: Callable[[], Executor] | None = None,
    rotate: Callable[[int], Executor | None] | None = None,
) -> Iterator[Result]:
    """Run ``items`` in batches on ``pool``, taking results as they complete, and yield them in input
    order (the same order and bytes as running them one by one).  At most ``window.bound``
    documents (default ``jobs`` x :data:`WINDOW_PER_JOB`) and ``window.max_bytes`` of source (default
    ``jobs`` x :data:`WINDOW_BYTES_PER_JOB`) are in flight or waiting at any time.

    A batch whose worker died: without ``restart``, one failed result per document.  With
    ``restart`` (a function that replaces the broken pool and returns the new one), the documents of
    every batch the death took down are *suspects*: once nothing else is in flight, each runs alone,
    one at a time, so a document that kills its worker again is known for certain and fails alone
    (:func:`_killed`); the others get their normal results.

    ``rotate``: told how many documents were submitted to the current pool after each submission;
    when it returns a new pool, the next batches go there, while those in flight on the old one
    complete (:meth:`Pool.rotate`)."""
    window = window if window is not None else Window(jobs * WINDOW_PER_JOB, jobs * WINDOW_BYTES_PER_JOB)
    # future -> (first sequence number, items, pool generation, run alone?)
    pending: dict[Future[list[Result]], tuple[int, list[Item], int, bool]] = {}
    suspects: deque[tuple[int, Item]] = deque()
    generation = 0
    submitted = 0  # documents given to the current pool
    todo = batch(items)
    nxt = next(todo, None)

    def replace(gen: int) -> None:
        nonlocal pool, generation
        if gen == generation and restart is not None:  # the first news of this pool's death
            pool = restart()
            generation += 1

    while nxt is not None or pending or suspects:
        if suspects:
            if not pending:  # alone: nothing else in flight can be blamed for a death
                seq, item = suspects.popleft()
                try:
                    pending[pool.submit(run_batch, [item], options)] = (seq, [item], generation, True)
                except RuntimeError as exc:
                    window.complete(seq, [failed(item, _died(exc), options)])
                    replace(generation)
        else:
            while nxt is not None and window.fits(len(nxt), size := source_bytes(nxt)):
                first = window.admit(len(nxt), size)
                try:
                    pending[pool.submit(run_batch, nxt, options)] = (first, nxt, generation, False)
                    submitted += len(nxt)
                except RuntimeError as exc:  # the pool is broken (a worker died) or shut down
                    if restart is None:
                        window.complete(first, [failed(it, _died(exc), options) for it in nxt])
                    else:
                        suspects.extend(enumerate(nxt, first))
                        replace(generation)
                nxt = next(todo, None)
                if rotate is not None and (fresh := rotate(submitted)) is not None:
                    pool, generation, submitted = fresh, generation + 1, 0
            if nxt is not None and not pending and not suspects and window.room == window.bound:
                raise ValueError(f"a batch of {len(nxt)} does not fit a window of {window.bound}")
        done, _ = wait(pending, return_when=FIRST_COMPLETED) if pending else (set(), set())
        for fut in sorted(done, key=lambda f: pending[f][0]):
            first, got, gen, alone = pending.pop(fut)
            try:
                results = fut.result()
            except Exception as exc:  # the worker died (killed, out of memory, crashed)
                if restart is None:
                    results = [failed(it, _died(exc), options) for it in got]
                elif alone:
                    results = [failed(got[0], _killed(exc), options, died=True)]
                    replace(gen)
                else:
                    suspects.extend(enumerate(got, first))
                    replace(gen)
                    continue
            window.complete(first, results)
        yield from window.ready()


def source_bytes(batch: Sequence[Item]) -> int:
    """The source bytes of ``batch`` (what a :class:`Window` with ``max_bytes`` counts): as counted
    by :func:`batches`, or asked of each item for a batch made otherwise."""
    return batch.nbytes if isinstance(batch, Batch) else sum(item.size() for item in batch)


def _died(exc: BaseException) -> str:
    return f"internal error, please report: worker failed: {type(exc).__name__}: {exc}"


def _killed(exc: BaseException) -> str:
    return (
        "the worker process died while normalizing this document, alone (crashed, killed by the system, "
        f"or stuck in native code past the time limit's backstop): {type(exc).__name__}"
    )


DOCS_PER_WORKER = 20_000
"""Documents a pool's worker is given before the pool is replaced by a fresh one (:meth:`Pool.rotate`).
A worker bounds its memos itself, as every process that runs documents does (:data:`RENEW_EVERY`);
the replacement is a backstop for what no memo holds (a library's own caches, a heap the renewal's
trim cannot give back).  It costs a pool's start and warm-up: on 10,000 bench documents (2 workers)
the default command took 120.2 and 128.5 s replaced every 2,000 documents, and 117.6 and 117.2 s
never replaced; every 20,000, the cost is a tenth of that.  Before the memos were renewed, a worker
grew to 338 MB over 100,000 documents, and was replaced every 2,000."""


RESULT_PIPE_BYTES = 1 << 20
"""Buffer of the pipe that carries a pool's results to the command (:func:`widened`).  Pickled, a
batch's results take 3.4 KB per KB of source (the records' bytes, with their change logs; over 300
bench documents, a full batch's 453 KB in the median, 586 KB at most).  A pipe holds 64 KB by default
on Linux: a worker sending a batch's results stopped until the command's thread had read most of
them, and was woken again to send the rest.  1 MB is the most an unprivileged process may ask for by
default (``/proc/sys/fs/pipe-max-size``); a larger result still goes through, in parts."""


def widened(pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """``pool``, its result pipe's buffer set to :data:`RESULT_PIPE_BYTES` where the system allows it
    (Linux; elsewhere, or refused, the pipe stays as it is: only the speed differs).  The pipe is the
    executor's own (``_result_queue``): looked up defensively, and left alone if it is not there."""
    setsize = getattr(_fcntl, "F_SETPIPE_SZ", None) if _fcntl is not None else None
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if setsize is not None and writer is not None:
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            _fcntl.fcntl(writer.fileno(), setsize, RESULT_PIPE_BYTES)
    return pool


class Pool:
    """A process pool that can be replaced when one of its workers dies (``restart`` of
    :func:`ordered_results`), and that is replaced by a fresh one every :data:`DOCS_PER_WORKER`
    documents per worker (``rotate``), so that a long run's memory stays bounded.  Its workers are
    warmed once each (:func:`init_worker`)."""

    def __init__(self, jobs: int, docs_per_worker: int = DOCS_PER_WORKER) -> None:
        self.jobs = jobs
        self.restarts = 0
        self.rotations = 0
        self.docs_per_pool = docs_per_worker * jobs
        self._later: ForkServerContext | None = None  # of the pools started while the run is going
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = widened(ProcessPoolExecutor(max_workers=self.jobs, initializer=init_worker))
        pool.submit(warm)  # with fork, the first submit starts every worker
        return pool

    def rotate(self, submitted: int) -> Executor | None:
        """A fresh pool once ``submitted`` documents reached the pool's share, else None; the old
        pool's batches in flight complete.  The fresh pool's workers are started by a fork server
        (a clean process started for it), never forked from this one while other threads (the
        progress bar) run: a child forked then may inherit a lock one of them held."""
        if submitted < self.docs_per_pool:
            return None
        old = self.executor
        self.executor = self._fresh()
        old.shutdown(wait=False)  # no new work; what it has runs to its end
        self.rotations += 1
        return self.executor

    def _fresh(self) -> ProcessPoolExecutor:
        """A pool started while the run is going: its workers come from a fork server (where the
        system has none, Windows, from the platform's default start method, which forks nothing)."""
        if "forkserver" not in multiprocessing.get_all_start_methods():
            return widened(ProcessPoolExecutor(max_workers=self.jobs, initializer=init_worker))
        if self._later is None:
            self._later = multiprocessing.get_context("forkserver")
            self._later.set_forkserver_preload(["normalize._worker"])
        return widened(
            ProcessPoolExecutor(max_workers=self.jobs, mp_context=self._later, initializer=init_worker)
        )

    def restart(self) -> Executor:
        """Shut the broken pool down and start a new one."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        self.executor = self._start()
        return self.executor

    def shutdown(self) -> None:
        self.executor.shutdown(cancel_futures=True)
