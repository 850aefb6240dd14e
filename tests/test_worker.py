"""The worker and ``--jobs``: same bytes for any number of jobs, a bounded reorder buffer, batches."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import pickle
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from normalize import _worker
from normalize.cli import main
from normalize.pipeline import Options, RecordOut, Result, process

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _corpus(where: Path, copies: int = 2) -> Path:
    """A slow document first (every line UTF-8 read as GB18030), then quick ones (seed copies)."""
    where.mkdir()
    seeds = sorted(SEEDS.iterdir())
    lines = [ln for ln in seeds[1].read_text(encoding="utf-8").splitlines() if len(ln) > 20]
    slow = "\n".join(ln.encode("utf-8").decode("gb18030", errors="replace") for ln in lines[:40])
    (where / "a_slow.txt").write_text("政策标题\n" + slow + "\n", encoding="utf-8")
    for i in range(copies):
        for seed in seeds:
            data = seed.read_bytes().rstrip(b"\n") + f"\n\n\u7b2c{i}\u53f7\u3002\n".encode()
            (where / f"b{i:03d}_{seed.name}").write_bytes(data)
    return where


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("jobs") / "in")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_jobs_2_same_bytes_as_jobs_1(corpus: Path, tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        assert main([str(corpus), "-o", str(tmp_path / f"out{jobs}"), "--jobs", jobs, "-q"]) in (0, 1)
        assert main([str(corpus), "--jsonl", str(tmp_path / f"{jobs}.jsonl"), "--jobs", jobs, "-q"]) in (0, 1)
    one, two = _tree(tmp_path / "out1"), _tree(tmp_path / "out2")
    assert len(one) >= 10 and one == two
    stream = (tmp_path / "1.jsonl").read_bytes()
    assert stream.count(b"\n") >= 10 and stream == (tmp_path / "2.jsonl").read_bytes()
    assert stream.startswith(b'{"@context"') and b"a_slow.txt" in stream.split(b"\n", 1)[0]


def test_negative_jobs_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(SEEDS), "-o", str(out), "--jobs", "-1"]) == 2
    assert "--jobs" in capsys.readouterr().err
    assert not out.exists()  # rejected before any work


def test_default_jobs_follow_cpu_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert _worker.default_jobs() == 3


def test_the_default_starts_a_worker_per_sixteen_documents_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    per = _worker.DOCS_PER_STARTED_WORKER
    counts = (1, per, per + 1, 2 * per, 3 * per + 1, 1000)
    assert [_worker.jobs_for(0, n) for n in counts] == [1, 1, 2, 2, 4, 4]
    assert [_worker.jobs_for(2, n) for n in (1, 2, 3, 1000)] == [1, 2, 2, 2]  # asked for: as asked


def test_a_few_documents_run_in_the_command_s_own_process_unless_workers_are_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    real = _worker.Pool

    def pool(jobs: int) -> _worker.Pool:
        started.append(jobs)
        return real(jobs)

    monkeypatch.setattr(_worker, "Pool", pool)
    monkeypatch.setattr(_worker, "default_jobs", lambda: 2)
    assert main([str(SEEDS), "-o", str(tmp_path / "default"), "-q"]) == 0
    assert started == []  # five documents: no worker started
    assert main([str(SEEDS), "-o", str(tmp_path / "two"), "-q", "--jobs", "2"]) == 0
    assert started == [2]

    def written(out: Path) -> dict[Path, bytes]:
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    assert written(tmp_path / "default") == written(tmp_path / "two") != {}


def test_run_batch_results_are_slim_and_picklable() -> None:
    items: list[_worker.Item] = [_worker.PathItem(p, SEEDS) for p in sorted(SEEDS.iterdir())[:2]]
    items.append(_worker.BytesItem(b"", "empty.txt"))
    results = pickle.loads(pickle.dumps(_worker.run_batch(items, Options())))
    assert [r.name for r in results] == [p.name for p in sorted(SEEDS.iterdir())[:2]] + ["empty.txt"]
    assert all(r.records for r in results[:2]) and results[2].error
    assert all(r.document is not None and r.document.text == "" and not r.document.articles for r in results)


def test_slim_results_keep_the_record_bytes_ids_and_change_counts_only() -> None:
    seeds = sorted(SEEDS.iterdir())
    full = [process(p, SEEDS) for p in seeds]
    slimmed = pickle.loads(
        pickle.dumps(_worker.run_batch([_worker.PathItem(p, SEEDS) for p in seeds], Options()))
    )
    for whole, slim in zip(full, slimmed, strict=True):
        assert [r.bytes for r in slim.records] == [r.bytes for r in whole.records]
        for a, b in zip(whole.records, slim.records, strict=True):
            counts = a.data["wasGeneratedBy"]["changeCounts"]
            assert counts and b.data == {"id": a.id, "wasGeneratedBy": {"changeCounts": counts}}
        assert whole.document is not None and whole.document.converters  # what slim leaves behind
        assert slim.document is not None and not slim.document.converters
        assert (slim.document.format, slim.document.detection) == (
            whole.document.format,
            whole.document.detection,
        )
    bad = Result(
        name="x.txt", source=b"x", quarantined=[RecordOut(id="i", data={"a": 1}, bytes=b"{}", filename="x")]
    )
    assert _worker.slim(bad).quarantined[0].data == {"a": 1}  # --jsonl writes it beside its errors


def test_batches_close_at_count_and_size() -> None:
    most = _worker.MAX_BATCH
    small = [_worker.BytesItem(b"x" * 10, f"s{i}") for i in range(2 * most + 4)]
    assert [len(b) for b in _worker.batches(small)] == [most, most, 4]
    big = _worker.BytesItem(b"x" * _worker.BATCH_BYTES, "big")
    assert [len(b) for b in _worker.batches([small[0], big, small[1], small[2]])] == [2, 2]


def test_a_batch_counts_its_source_bytes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's window reads a batch's bytes as batches() counted them: an input's size (a
    stat for a file) is asked once, however often the scheduler looks at a batch waiting for room."""
    asked: list[str] = []
    real = _worker.BytesItem.size

    def size(self: _worker.BytesItem) -> int:
        asked.append(self.name)
        return real(self)

    monkeypatch.setattr(_worker.BytesItem, "size", size)
    items = [_worker.BytesItem(b"x" * (i + 1), f"s{i}") for i in range(5)]
    (batch,) = _worker.batches(items)
    assert [_worker.source_bytes(batch) for _ in range(3)] == [15, 15, 15]
    assert asked == [it.name for it in items]
    assert _worker.source_bytes(list(items)) == 15  # a batch made otherwise: asked of its items


def test_batches_shrink_towards_the_end_when_the_total_is_known() -> None:
    """Guided self-scheduling: full batches while plenty remain, then each at most the remaining
    documents over TAIL_SHARE x workers, down to single documents; every item once, in order."""
    most, share = _worker.MAX_BATCH, _worker.TAIL_SHARE
    items = [_worker.BytesItem(b"x", f"s{i}") for i in range(1000)]
    for workers in (1, 2, 4):
        sizes = [len(b) for b in _worker.batches(items, total=len(items), workers=workers)]
        assert sum(sizes) == len(items)
        assert sizes[0] == most and sizes[-1] == 1
        assert sizes == sorted(sizes, reverse=True)  # never larger again
        left = len(items)
        for n in sizes:
            assert n == max(1, min(most, -(-left // (share * workers))))
            left -= n
    # a count that fell short (files added since): the rest go one by one; one too high: no harm
    assert [len(b) for b in _worker.batches(items[:10], total=6, workers=2)] == [2, 1, 1, 1, 1, 1, 1, 1, 1]
    assert [len(b) for b in _worker.batches(items[:5], total=50, workers=2)] == [5]
    names = [
        it.name
        for b in _worker.batches(items, total=len(items), workers=2)
        for it in b
        if isinstance(it, _worker.BytesItem)
    ]
    assert names == [it.name for it in items]


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe sizes are a Linux feature")
def test_a_pools_result_pipe_holds_a_whole_batchs_results() -> None:
    """The pipe the workers send their results through is widened from the system's 64 KB, so a
    worker hands a batch's results over in one write (RESULT_PIPE_BYTES)."""
    pool = _worker.Pool(1)
    try:
        writer = pool.executor._result_queue._writer  # type: ignore[attr-defined]
        size = fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ)
        assert pool.executor.submit(_worker.run_batch, [], Options()).result(timeout=60) == []
    finally:
        pool.shutdown()
    assert size >= _worker.RESULT_PIPE_BYTES > 64 * 1024


# --- the reorder buffer -----------------------------------------------------------------------------


def test_window_releases_in_order_and_never_holds_more_than_its_bound() -> None:
    rng = random.Random(3)
    for bound in (1, 3, 8):
        window: _worker.Window[int] = _worker.Window(bound)
        out: list[int] = []
        admitted: list[tuple[int, int]] = []  # (first, n) not yet completed
        total = 200
        given = 0
        while len(out) < total:
            # admit as much as fits, in batches of 1 to 3
            while given < total and window.room > 0:
                n = min(rng.randint(1, 3), window.room, total - given)
                admitted.append((window.admit(n), n))
                given += n
            assert given - len(out) <= bound  # in flight or waiting: admitted, not yet released
            first, n = admitted.pop(rng.randrange(len(admitted)))  # any completion order
            window.complete(first, list(range(first, first + n)))
            assert window.held <= bound
            out.extend(window.ready())
        assert out == list(range(total))
        assert window.high_water <= bound
        with pytest.raises(OverflowError):
            window.admit(bound + 1)


def test_window_rejects_unknown_and_repeated_completions() -> None:
    window: _worker.Window[str] = _worker.Window(4)
    first = window.admit(2)
    window.complete(first, ["a"])
    with pytest.raises(ValueError):
        window.complete(first, ["a"])
    with pytest.raises(ValueError):
        window.complete(first + 2, ["c"])


def _slow_first(
    started: list[str], when_slow_done: list[int]
) -> Callable[[Sequence[_worker.Item], Options], list[Result]]:
    """A stand-in for run_batch: a result named after each item; the item "0" takes 0.3 s, and how
    many items had started by the time it was done goes to ``when_slow_done``."""

    def fake_batch(items: Sequence[_worker.Item], options: Options) -> list[Result]:
        names = [it.name for it in items if isinstance(it, _worker.BytesItem)]
        started.extend(names)
        if "0" in names:
            time.sleep(0.3)
            when_slow_done.append(len(started))
        return [Result(name=n, source=b"") for n in names]

    return fake_batch


def test_scheduler_keeps_order_and_bound_behind_a_slow_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first document is slow: the others complete first and wait in the buffer, never more than
    its bound, and everything comes out in input order."""
    started: list[str] = []
    when_slow_done: list[int] = []
    monkeypatch.setattr(_worker, "run_batch", _slow_first(started, when_slow_done))
    items = [_worker.BytesItem(b"x", str(i)) for i in range(60)]
    window: _worker.Window[Result] = _worker.Window(6)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = _worker.ordered_results(
            items, Options(), pool, 2, window=window, batch=lambda xs: _worker.batches(xs, max_items=2)
        )
        names = [r.name for r in results]
    assert names == [str(i) for i in range(60)]
    assert window.high_water == 6  # the buffer filled up behind the slow document ...
    assert when_slow_done[0] <= 6  # ... and nothing more was submitted until it was done


def test_window_bounds_the_source_bytes_in_flight_and_lets_a_bigger_batch_go_alone() -> None:
    window: _worker.Window[int] = _worker.Window(100, max_bytes=1000)
    a = window.admit(2, 600)
    assert window.fits(1, 400) and not window.fits(1, 401)
    with pytest.raises(OverflowError, match="bytes do not fit"):
        window.admit(1, 401)
    b = window.admit(1, 400)
    window.complete(b, [3])  # done before the first batch: held, and its bytes still count
    assert list(window.ready()) == [] and not window.fits(1, 1)
    window.complete(a, [1, 2])
    assert list(window.ready()) == [1, 2, 3]
    assert window.fits(1, 5000)  # empty: a batch larger than the window goes, alone
    c = window.admit(1, 5000)
    assert window.room == 99 and not window.fits(1, 1)
    window.complete(c, [4])
    assert list(window.ready()) == [4] and window.fits(2, 1000)
    assert window.high_water_bytes == 5000


def test_scheduler_keeps_the_source_bytes_in_flight_under_the_windows_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large documents behind a slow one: the window fills up by bytes long before it would by number,
    and nothing more is submitted until the slow one is done."""
    started: list[str] = []
    when_slow_done: list[int] = []
    monkeypatch.setattr(_worker, "run_batch", _slow_first(started, when_slow_done))
    items = [_worker.BytesItem(b"x" * 1000, str(i)) for i in range(40)]
    window: _worker.Window[Result] = _worker.Window(1000, max_bytes=5000)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = _worker.ordered_results(
            items, Options(), pool, 2, window=window, batch=lambda xs: _worker.batches(xs, max_items=1)
        )
        names = [r.name for r in results]
    assert names == [str(i) for i in range(40)]
    assert window.high_water_bytes == 5000 and window.high_water == 5
    assert when_slow_done[0] <= 5


def test_the_default_window_counts_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a window given, the scheduler's own bounds the source bytes in flight per job
    (WINDOW_BYTES_PER_JOB), well before its bound in documents: large documents behind a slow one."""
    made: list[_worker.Window[Result]] = []

    class Recorded(_worker.Window[Result]):
        def __init__(self, bound: int, max_bytes: int | None = None) -> None:
            super().__init__(bound, max_bytes)
            made.append(self)

    monkeypatch.setattr(_worker, "Window", Recorded)
    monkeypatch.setattr(_worker, "run_batch", _slow_first([], []))
    big = _worker.BATCH_BYTES  # each a batch of its own
    items = [_worker.BytesItem(b"x" * big, str(i)) for i in range(30)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        got = [r.name for r in _worker.ordered_results(items, Options(), pool, 2)]
    assert got == [str(i) for i in range(30)]
    (window,) = made
    assert window.bound == 2 * _worker.WINDOW_PER_JOB and window.max_bytes == 2 * _worker.WINDOW_BYTES_PER_JOB
    assert window.high_water_bytes == window.max_bytes  # filled by bytes behind the slow document ...
    assert window.high_water == window.max_bytes // big < window.bound  # ... not by number


def test_a_dead_worker_fails_its_documents_not_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def dying(items: Sequence[_worker.Item], options: Options) -> list[Result]:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(_worker, "run_batch", dying)
    items = [_worker.BytesItem(b"abc", f"d{i}") for i in range(3)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(_worker.ordered_results(items, Options(), pool, 2))
    assert [r.name for r in results] == ["d0", "d1", "d2"]
    assert all(r.error and "worker killed" in r.error and r.source == b"abc" for r in results)


@pytest.mark.parametrize("server", [True, False], ids=["fork server", "no fork server"])
def test_pools_are_rotated_and_the_results_do_not_change(
    server: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every few documents per worker the pool is replaced by a fresh one (a worker's caches grow over
    a long run): the batches in flight on the old pool complete, and the results are those of one
    process, in order; also where the system has no fork server (the platform's default method)."""
    if not server:
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    texts = [
        f"第{i}号文件：关于做好第{i}项工作的通知。\n\n各单位：\n\n现将有关事项通知如下。".encode()
        for i in range(24)
    ]
    items = [_worker.BytesItem(t, f"{i}.txt") for i, t in enumerate(texts)]
    pool = _worker.Pool(2, docs_per_worker=3)
    try:
        results = list(
            _worker.ordered_results(
                items,
                Options(),
                pool.executor,
                2,
                batch=lambda xs: _worker.batches(xs, max_items=2),
                restart=pool.restart,
                rotate=pool.rotate,
            )
        )
    finally:
        pool.shutdown()
    assert pool.rotations >= 2 and pool.restarts == 0
    assert (pool._later is not None) == server  # the fork server's context, where there is one
    alone = _worker.run_batch(items, Options())
    assert [r.name for r in results] == [f"{i}.txt" for i in range(24)]
    assert [[rec.bytes for rec in r.records] for r in results] == [
        [rec.bytes for rec in r.records] for r in alone
    ]
