"""The unit of work of every way of running the pipeline: a batch of inputs -> their results.

:func:`run_batch` is the one function that runs documents, whether in this process
(``--jobs 1``), in a process pool, or later as a Dask task: its inputs and outputs are
plain picklable values, it knows nothing of the command line, and its results are
slimmed (:func:`slim`) so that they cross process boundaries cheaply.  :func:`warm` loads
what every document may need once per process (a pool's initializer calls it).

The rest runs batches in parallel and gives the results back in input order:
:class:`Window` is the bounded reorder buffer, :func:`ordered_results` the scheduler.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from .pipeline import Options, Result, process, process_bytes


@dataclass(frozen=True, slots=True)
class PathItem:
    """A file to normalize; its name is relative to ``root``."""

    path: Path
    root: Path

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True, slots=True)
class BytesItem:
    """Bytes already in memory (from an archive, a queue, a data frame), with the name to give them."""

    data: bytes
    name: str

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


def run_batch(items: Sequence[Item], options: Options) -> list[Result]:
    """Normalize ``items``; one slimmed :class:`Result` per item, in order.  Never raises for a bad
    document (its result carries the error)."""
    return [slim(_run(item, options)) for item in items]


def _run(item: Item, options: Options) -> Result:
    if isinstance(item, BytesItem):
        return process_bytes(item.data, item.name, options)
    return process(item.path, item.root, options)


def slim(result: Result) -> Result:
    """Drop what only the pipeline needed of the document (its text and parsed articles): results
    cross process boundaries, and the summary needs only the format, detection and changes."""
    doc = result.document
    if doc is not None:
        doc.text = ""
        doc.articles = []
    return result


def failed(item: Item, message: str) -> Result:
    """The result of an item whose batch did not come back (its worker died): the source bytes are
    kept when they can be read, so the failure can still be archived."""
    if isinstance(item, BytesItem):
        return Result(name=item.name, source=item.data, error=message)
    try:
        data = item.path.read_bytes()
    except OSError:
        data = b""
    try:
        name = item.path.resolve().relative_to(item.root.resolve()).as_posix()
    except ValueError:
        name = item.path.name
    return Result(name=name, source=data, error=message)


# --- batches ----------------------------------------------------------------------------------------

MAX_BATCH = 8
"""Most documents in one batch."""
BATCH_BYTES = 32 * 1024
"""A batch closes once its sources reach this size: small documents are batched (less overhead per
document), a large one goes alone (it does not hold smaller ones back)."""


def batches(
    items: Iterable[Item], max_items: int = MAX_BATCH, max_bytes: int = BATCH_BYTES
) -> Iterator[list[Item]]:
    """``items`` in consecutive batches of 1 to ``max_items``, each closed at ``max_bytes`` of source."""
    batch: list[Item] = []
    size = 0
    for item in items:
        batch.append(item)
        size += item.size()
        if len(batch) >= max_items or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --- the reorder buffer -----------------------------------------------------------------------------

T = TypeVar("T")


class Window(Generic[T]):
    """A bounded reorder buffer: results come back in any order and leave in input order.

    Each document is admitted with a sequence number before it is submitted; it counts against
    ``bound`` from then until it is released in order, so at most ``bound`` documents are in flight
    or waiting behind a slower one, whatever the completion order (memory stays bounded).
    """

    def __init__(self, bound: int) -> None:
        if bound < 1:
            raise ValueError("bound must be >= 1")
        self.bound = bound
        self._admitted = 0
        self._released = 0
        self._held: dict[int, T] = {}
        self.high_water = 0
        """The most documents ever admitted and not yet released."""

    @property
    def room(self) -> int:
        """How many more documents may be admitted now."""
        return self.bound - (self._admitted - self._released)

    @property
    def held(self) -> int:
        """Documents completed but waiting for an earlier one."""
        return len(self._held)

    def admit(self, n: int) -> int:
        """Admit ``n`` documents; returns the sequence number of the first."""
        if n > self.room:
            raise OverflowError(f"{n} documents do not fit: {self.room} of {self.bound} free")
        first = self._admitted
        self._admitted += n
        self.high_water = max(self.high_water, self._admitted - self._released)
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
            self._released += 1
            yield result


# --- the scheduler ----------------------------------------------------------------------------------

WINDOW_PER_JOB = 4 * MAX_BATCH
"""Documents in flight or waiting per worker: four full batches, enough to keep a worker busy behind a
document that is many times slower than the rest."""


def ordered_results(
    items: Iterable[Item],
    options: Options,
    pool: Executor,
    jobs: int,
    *,
    window: Window[Result] | None = None,
    batch: Callable[[Iterable[Item]], Iterator[list[Item]]] = batches,
) -> Iterator[Result]:
    """Run ``items`` in batches on ``pool``, taking results as they complete, and yield them in input
    order (the same order and bytes as running them one by one).  At most ``window.bound``
    documents (default ``jobs`` x :data:`WINDOW_PER_JOB`) are in flight or waiting at any time.  A
    batch whose worker died gives one failed result per document."""
    window = window if window is not None else Window(jobs * WINDOW_PER_JOB)
    pending: dict[Future[list[Result]], tuple[int, list[Item]]] = {}
    todo = batch(items)
    nxt = next(todo, None)
    while nxt is not None or pending:
        while nxt is not None and window.room >= len(nxt):
            first = window.admit(len(nxt))
            try:
                pending[pool.submit(run_batch, nxt, options)] = (first, nxt)
            except RuntimeError as exc:  # the pool is broken (a worker died) or shut down
                window.complete(first, [failed(it, _died(exc)) for it in nxt])
            nxt = next(todo, None)
        if nxt is not None and not pending and window.room == window.bound:
            raise ValueError(f"a batch of {len(nxt)} does not fit a window of {window.bound}")
        done, _ = wait(pending, return_when=FIRST_COMPLETED) if pending else (set(), set())
        for fut in sorted(done, key=lambda f: pending[f][0]):
            first, got = pending.pop(fut)
            try:
                results = fut.result()
            except Exception as exc:  # the worker died (killed, out of memory): report, go on
                results = [failed(it, _died(exc)) for it in got]
            window.complete(first, results)
        yield from window.ready()


def _died(exc: BaseException) -> str:
    return f"internal error, please report: worker failed: {type(exc).__name__}: {exc}"
