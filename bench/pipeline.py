"""Pipeline benchmark: documents/s, MB/s and per-document cost as the corpus grows.

Builds a corpus of distinct documents from the seeds (each copy varied so no
two inputs are equal), runs ``normalize.process`` over it one document at a
time, and prints a table.  Flat per-document cost and flat memory are the
targets (streaming: nothing accumulates across documents).

    python bench/pipeline.py [--sizes 100,1000] [--out DIR]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from normalize import process

REPO = Path(__file__).resolve().parents[1]


def make_corpus(n: int, where: Path) -> list[Path]:
    seeds = sorted((REPO / "seeds").iterdir())
    paths = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        data = seed.read_bytes()
        # vary each copy: a distinct number in the last paragraph keeps every document unique
        data = data.rstrip(b"\n") + f"\n\n\u7b2c{i}\u53f7\u3002\n".encode()
        p = where / f"{i:06d}_{seed.name}"
        p.write_bytes(data)
        paths.append(p)
    return paths


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, tmp: Path) -> dict[str, float]:
    corpus = tmp / f"c{n}"
    corpus.mkdir()
    paths = make_corpus(n, corpus)
    size = sum(p.stat().st_size for p in paths)
    per_doc: list[float] = []
    records = 0
    failures = 0
    start = time.perf_counter()
    for p in paths:
        t = time.perf_counter()
        r = process(p, corpus)
        per_doc.append(time.perf_counter() - t)
        records += len(r.records)
        failures += r.error is not None
    total = time.perf_counter() - start
    return {
        "docs": n,
        "records": records,
        "failures": failures,
        "seconds": total,
        "docs_per_s": n / total,
        "mb_per_s": size / total / 1e6,
        "ms_median": statistics.median(per_doc) * 1000,
        "ms_p90": sorted(per_doc)[int(len(per_doc) * 0.9)] * 1000,
        "rss_mb": rss_mb(),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    console = Console(width=140)
    # warm up: load dictionaries and converters once, outside the timings
    process(sorted((REPO / "seeds").iterdir())[3])
    table = Table(title="normalize pipeline (1 process, documents from seeds/)")
    for col in (
        "docs",
        "records",
        "failures",
        "seconds",
        "docs/s",
        "MB/s",
        "ms/doc median",
        "ms/doc p90",
        "max RSS MB",
    ):
        table.add_column(col, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            r = run(n, Path(tmp))
            table.add_row(
                str(n),
                str(r["records"]),
                str(r["failures"]),
                f"{r['seconds']:.1f}",
                f"{r['docs_per_s']:.1f}",
                f"{r['mb_per_s']:.2f}",
                f"{r['ms_median']:.1f}",
                f"{r['ms_p90']:.1f}",
                f"{r['rss_mb']:.0f}",
            )
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
