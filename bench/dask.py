"""Dask executor benchmark: docs/s on 1 and 2 workers, per-task overhead, and a 100-node projection.

    python bench/dask.py                       # 300 documents (seed 0), 1 and 2 workers, 2 repeats
    python bench/dask.py --docs 100 --repeat 1 # quicker
    python bench/dask.py --corpus DIR          # an existing corpus (bench/corpus.py N DIR --seed S -q)

What is measured, and why this way:

* **Throughput**: a LocalCluster of 1, then 2 worker processes (one thread each: the pipeline is
  CPU-bound Python), started and warmed before timing (:class:`normalize._dask.WarmPlugin`); each run
  is ``DaskRun(corpus, shards=file://TMP)``, i.e. workers read the documents and write JSON Lines shards,
  the client only gets receipts: the path meant for scale.  Wall time is from the first submit to the
  manifest written; the median over the repeats is reported, with the machine's load average (it is
  shared: a load above its cores makes the two-worker figure pessimistic).
* **Per-task overhead**: what a task costs beyond its documents' own processing (time inside
  ``_worker.run_batch``) and its reading and writing (shown apart): the median gap on a worker between
  one task's end and the next one's start (the scheduler's dispatch: a round trip, deserialization),
  both taken inside the task on the worker, plus the task wrapper's own time.  The median, because a gap
  at the end of a run is a worker with nothing left to do, not a cost per task.  Given in ms per task and
  as a share of the documents' work.
* **Scheduler capacity**: the same cluster runs 2,000 no-op tasks, and the CPU time of the scheduler's
  event-loop thread they cost gives the tasks/s one scheduler sustains on this CPU (not their wall
  time: with two workers that is bound by round-trip latency, which a large cluster overlaps).
  Dask's best-practices page gives 200 µs to 1 ms of overhead per task.
* **Client cost**: the time the client's driver loop spends per task (submitting, collecting,
  reordering; ``RunStats.client_s``), which bounds the tasks/s one client feeds.
* **Archive ingest**: the results of 60 documents ingested by one process into a fresh archive
  (durable): the rate of client-side ingest, the only archive mode across hosts.
* **Contention**: the documents' wall time over their CPU time inside the task (1.0: the worker had its
  core to itself; the machine is shared, so more means other processes took CPU, which no executor can
  give back).
* **Utilization and tail**: the documents' work over workers x wall time, and the share of the wall time
  at the end when a worker has nothing left to do: the corpus has a heavy tail (a few documents take
  10-20 s in the mojibake search), so on a small corpus one slow document decides the 2-worker time.
* **Projection** to ``--nodes`` nodes of ``--cores`` cores: demand = nodes x cores x the measured
  one-worker rate (a long run, where tails do not count); each possible limit is turned into docs/s and
  the smallest named: the scheduler (tasks/s x docs per task), the client loop, S3 request
  rates (AWS documents 5,500 GET and 3,500 PUT per second per prefix: one GET per document, one PUT per
  shard), and archive ingest through one client.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# this file is bench/dask.py: with bench/ first on sys.path (as for any script), `import dask` would import it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
TARGET_SPEEDUP, TARGET_OVERHEAD = 1.7, 0.05
S3_GET_PER_PREFIX, S3_PUT_PER_PREFIX = 5500, 3500


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _noop(i: int) -> int:
    return i


def _corpus(n: int, seed: int, where: Path) -> Path:
    subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), str(n), str(where), "--seed", str(seed), "-q"], check=True
    )
    for p in where.rglob("*"):  # read once, so every run starts from the same warm page cache
        if p.is_file():
            p.read_bytes()
    return where


def _overhead(stats: Any, workers: int) -> dict[str, float]:
    """Where the workers' time went in one run (see the module docstring)."""
    by_worker: dict[str, list[Any]] = defaultdict(list)
    for t in stats.tasks:
        by_worker[t.worker].append(t)
    gaps = [
        b.start - a.end
        for ts in by_worker.values()
        for a, b in zip(
            sorted(ts, key=lambda t: t.start), sorted(ts, key=lambda t: t.start)[1:], strict=False
        )
    ]
    work = sum(t.work_s for t in stats.tasks)
    io = sum(t.read_s + t.write_s for t in stats.tasks)
    n = len(stats.tasks) or 1
    in_task = sum(t.end - t.start - t.work_s - t.read_s - t.write_s for t in stats.tasks) / n
    per_task = (statistics.median(gaps) if gaps else 0.0) + in_task
    end = max(t.end for t in stats.tasks)
    first_idle = min(max(t.end for t in ts) for ts in by_worker.values())
    return {
        "tasks": len(stats.tasks),
        "docs_per_task": sum(t.shard.documents for t in stats.tasks if t.shard is not None) / n,
        "utilization": work / (workers * stats.wall_s),
        "tail": (end - first_idle) / stats.wall_s if len(by_worker) == workers else 1.0,
        "per_task_ms": per_task * 1000,
        "share": per_task * n / work if work else float("nan"),
        "io_share": io / work if work else float("nan"),
        "client_ms": stats.client_s / n * 1000,
        "contention": work / max(1e-9, sum(t.cpu_s for t in stats.tasks)),
        "docs_per_cpu_s": sum(t.shard.documents for t in stats.tasks if t.shard is not None)
        / max(1e-9, sum(t.cpu_s for t in stats.tasks)),
    }


def _runs(corpus: Path, tmp: Path, w: int, repeat: int) -> tuple[list[float], list[dict[str, float]], float]:
    """``repeat`` timed runs on a fresh cluster of ``w`` workers, then its no-op task rate."""
    from distributed import Client, LocalCluster, wait

    from normalize import _dask

    cluster = LocalCluster(
        n_workers=w, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    client = Client(cluster)
    rates, overheads = [], []
    try:
        for r in range(repeat):
            with _dask.DaskRun([str(corpus)], client=client, shards=f"file://{tmp}/shards-{w}-{r}") as run:
                for _ in run.results():
                    pass
            rates.append(run.total / run.stats.wall_s)
            overheads.append(_overhead(run.stats, w))
            print(
                f"  {w} worker(s), repeat {r + 1}: {run.total} docs in {run.stats.wall_s:.1f} s = "
                f"{rates[-1]:.2f} docs/s, utilization {overheads[-1]['utilization']:.0%} (load {_load()})",
                flush=True,
            )
        before = client.run_on_scheduler(time.thread_time)  # the scheduler's event-loop thread
        wait(client.map(_noop, range(2000), pure=False))
        noop = 2000 / (client.run_on_scheduler(time.thread_time) - before)
    finally:
        client.close()
        cluster.close()
    return rates, overheads, noop


def _ingest_rate(corpus: Path, tmp: Path, n: int = 60) -> float:
    """Documents per second one process ingests into a fresh (durable) archive: the client's rate."""
    from normalize import _worker
    from normalize.archive import Archive
    from normalize.pipeline import Options

    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))[:n]
    results = _worker.run_batch([_worker.PathItem(p, corpus) for p in files], Options())
    t0 = time.perf_counter()
    with Archive.open(tmp / "archive", create=True) as arc:
        for res in results:
            arc.ingest(res)
    return len(results) / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300, help="corpus size (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", type=Path, help="use this corpus instead of generating one")
    ap.add_argument("--workers", default="1,2", help="cluster sizes to run (default 1,2)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--nodes", type=int, default=100, help="projection: nodes (default 100)")
    ap.add_argument("--cores", type=int, default=16, help="projection: cores per node (default 16)")
    args = ap.parse_args()

    print(f"load average at start: {_load()} ({os.cpu_count()} cores)")
    sizes = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = args.corpus or _corpus(args.docs, args.seed, tmp / "corpus")
        total = sum(1 for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
        rates, overheads, noop = {}, {}, {}
        for w in sizes:
            rates[w], overheads[w], noop[w] = _runs(corpus, tmp, w, args.repeat)
        ingest = _ingest_rate(corpus, tmp)
    print(f"\nload average at end: {_load()}\n")

    med = {w: statistics.median(v) for w, v in rates.items()}
    om = {w: {k: statistics.median(d[k] for d in v) for k in v[0]} for w, v in overheads.items()}
    print(f"#### Dask executor on {total} documents (median of {args.repeat})\n")
    print(
        "| workers | docs/s | × 1 worker | utilization | tail | contention | tasks | docs/task "
        "| per-task overhead ms | overhead / work | read+write / work | client ms/task | scheduler tasks/s |"
    )
    print("|---|" + "---:|" * 12)
    for w in sizes:
        o = om[w]
        ratio = med[w] / med[1] if 1 in med else float("nan")
        print(
            f"| {w} | {med[w]:.2f} | {ratio:.2f} | {o['utilization']:.0%} | {o['tail']:.0%} "
            f"| {o['contention']:.2f} "
            f"| {o['tasks']:.0f} | {o['docs_per_task']:.1f} | {o['per_task_ms']:.1f} | {o['share']:.1%} "
            f"| {o['io_share']:.1%} | {o['client_ms']:.2f} | {noop[w]:,.0f} |"
        )
    print(
        "\nutilization: the documents' work / (workers × wall time); tail: share of the wall time at the end "
        "with a worker idle for good (one slow document still running)."
    )

    per_worker = med[1] if 1 in med else med[sizes[0]] / sizes[0]
    share = statistics.median(o["share"] for o in om.values())
    docs_per_task = statistics.median(o["docs_per_task"] for o in om.values())
    client_ms = statistics.median(o["client_ms"] for o in om.values())
    demand = args.nodes * args.cores * per_worker
    limits = {
        "workers: nodes × cores × docs/s of one worker": demand,
        "scheduler: tasks/s (its CPU per task) × docs/task": max(noop.values()) * docs_per_task,
        "client loop: docs/task ÷ client time per task": docs_per_task / (client_ms / 1000),
        "S3 GET, one prefix: 5,500/s, one per document": float(S3_GET_PER_PREFIX),
        "S3 PUT, one prefix: 3,500/s, one per shard": S3_PUT_PER_PREFIX * docs_per_task,
        "archive: client ingest, one process": ingest,
    }
    print(f"\n#### Projection: {args.nodes} nodes × {args.cores} cores\n")
    print("| limit | docs/s |")
    print("|---|---:|")
    for name, value in limits.items():
        print(f"| {name} | {value:,.0f} |")
    sharded = min((v, k) for k, v in limits.items() if not k.startswith("archive"))
    archived = min((v, k) for k, v in limits.items())
    print(f"\nsharded output: {sharded[0]:,.0f} docs/s, bound by {sharded[1]}")
    print(f"archive output: {archived[0]:,.0f} docs/s, bound by {archived[1]}")

    print("\n#### Targets\n")
    if 1 in med and 2 in med:
        speedup = med[2] / med[1]
        verdict = "PASS" if speedup >= TARGET_SPEEDUP else "FAIL"
        print(f"- 2 workers ≥ {TARGET_SPEEDUP}× 1 worker: {speedup:.2f}× {verdict} (wall clock)")
        cpu_speedup = 2 * om[2]["docs_per_cpu_s"] / om[1]["docs_per_cpu_s"]
        verdict = "PASS" if cpu_speedup >= TARGET_SPEEDUP else "FAIL"
        print(
            f"  with a core each (documents per CPU-second, × 2): {cpu_speedup:.2f}× {verdict}; the workers "
            f"got {1 / om[1]['contention']:.2f} core alone and {2 / om[2]['contention']:.2f} cores together "
            "(the rest went to other processes)"
        )
    verdict = "PASS" if share < TARGET_OVERHEAD else "FAIL"
    print(f"- per-task overhead < {TARGET_OVERHEAD:.0%} of the documents' work: {share:.1%} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
