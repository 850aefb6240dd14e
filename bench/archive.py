"""Benchmark the OCFL archive: ingest docs/s and per-object cost by size, re-ingest, ``archive ls``, reindex.

    python bench/archive.py                      # sizes 1000,10000 (a few minutes on 2 cores)
    python bench/archive.py --sizes 1000,10000,100000
    python bench/archive.py --no-fsync           # durable=False (safe against kills, not power loss)

Documents are generated (no pipeline run), shaped like real ones: a ~3 KB UTF-8 source and one ~3 KB
canonical record; every fifth document yields two records.  Per-object cost is reported for the first and
the last tenth of each run: flat (last ≈ first) is the target.  ``ls`` is timed through the real CLI
(``normalize archive ls``, output to /dev/null) and in-process from the index.  A sample of 200 objects
is validated with ocfl-py (0 errors, 0 warnings expected).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from normalize.archive import Archive
from normalize.pipeline import RecordOut, Result

PARAGRAPH = "近年来，各地加快推进产业数字化转型，推动数字经济与实体经济深度融合。"


def make_doc(i: int, revision: int = 0) -> Result:
    body = f"第{i}号文件（修订{revision}）。" + PARAGRAPH * 30
    source = f"标题：测试文档 {i}\n来源：生成\n\n{body}\n".encode()
    recs: list[RecordOut] = []
    for k in range(2 if i % 5 == 0 else 1):
        data = {"type": "NewsArticle", "headline": f"测试文档 {i}-{k}", "articleBody": body}
        raw = (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
        recs.append(
            RecordOut(
                f"urn:bench:{hashlib.sha256(raw).hexdigest()[:16]}", data, raw, f"{len(recs) + 1}.jsonld"
            )
        )
    return Result(f"gen/{i // 1000:03d}/{i:06d}.txt", source, recs)


def run_size(n: int, workdir: Path, durable: bool) -> dict[str, Any]:
    root = workdir / f"archive-{n}"
    arc = Archive.open(root, create=True, durable=durable)
    per: list[float] = []
    t0 = time.perf_counter()
    for i in range(n):
        doc = make_doc(i)
        t = time.perf_counter()
        out = arc.ingest(doc)
        per.append(time.perf_counter() - t)
        assert out.status == "created", out
    ingest = time.perf_counter() - t0
    tenth = max(n // 10, 1)
    first, last = statistics.median(per[:tenth]), statistics.median(per[-tenth:])

    sample = range(0, n, max(n // 1000, 1))
    t = time.perf_counter()
    for i in sample:
        assert arc.ingest(make_doc(i)).status == "unchanged"
    unchanged = (time.perf_counter() - t) / len(sample)
    upd = range(0, n, max(n // 200, 1))
    t = time.perf_counter()
    for i in upd:
        assert arc.ingest(make_doc(i, revision=1)).status == "updated"
    update = (time.perf_counter() - t) / len(upd)
    arc.close()

    t = time.perf_counter()
    with open("/dev/null", "w") as devnull:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from normalize.cli import main; sys.exit(main(sys.argv[1:]))",
                "archive",
                "ls",
                "--archive",
                str(root),
            ],
            stdout=devnull,
            check=True,
        )
    ls_cli = time.perf_counter() - t
    arc = Archive.open(root)
    t = time.perf_counter()
    entries = arc.entries()
    ls_api = time.perf_counter() - t
    assert len(entries) == n
    t = time.perf_counter()
    arc.reindex()
    reindex = time.perf_counter() - t

    from ocfl.validator import Validator

    paths = [root / e.path for e in entries[:: max(n // 200, 1)]]
    t = time.perf_counter()
    problems = 0
    for p in paths:
        v = Validator(check_digests=True, log_warnings=True)
        v.validate_object(str(p))
        problems += len(v.log.messages)
    validate = (time.perf_counter() - t) / len(paths)
    arc.close()
    du = sum(f.stat().st_blocks * 512 for f in root.rglob("*")) / n
    return {
        "n": n,
        "ingest_s": ingest,
        "docs_s": n / ingest,
        "first_ms": first * 1e3,
        "last_ms": last * 1e3,
        "unchanged_ms": unchanged * 1e3,
        "update_ms": update * 1e3,
        "ls_cli_s": ls_cli,
        "ls_api_s": ls_api,
        "reindex_s": reindex,
        "validate_ms": validate * 1e3,
        "ocfl_py_messages": problems,
        "disk_kb": du / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated document counts")
    ap.add_argument("--no-fsync", action="store_true", help="durable=False")
    ap.add_argument("--dir", type=Path, help="where to build the archives (default: a temp dir, removed)")
    ap.add_argument("--keep", action="store_true", help="keep the archives")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    base = args.dir or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    con = Console(width=220)
    rows = []
    try:
        for n in sizes:
            con.print(f"[dim]ingesting {n} documents…[/]")
            rows.append(run_size(n, base, durable=not args.no_fsync))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    table = Table(title=f"archive benchmark ({'no fsync' if args.no_fsync else 'fsync'})")
    cols = [
        ("docs", "n", "{:,}"),
        ("ingest s", "ingest_s", "{:.1f}"),
        ("docs/s", "docs_s", "{:.0f}"),
        ("ms/obj first 10%", "first_ms", "{:.2f}"),
        ("ms/obj last 10%", "last_ms", "{:.2f}"),
        ("ms unchanged", "unchanged_ms", "{:.2f}"),
        ("ms update", "update_ms", "{:.2f}"),
        ("ls CLI s", "ls_cli_s", "{:.2f}"),
        ("ls API s", "ls_api_s", "{:.3f}"),
        ("reindex s", "reindex_s", "{:.1f}"),
        ("ocfl-py ms/obj", "validate_ms", "{:.1f}"),
        ("ocfl-py msgs", "ocfl_py_messages", "{}"),
        ("disk KB/obj", "disk_kb", "{:.0f}"),
    ]
    for title, _, _ in cols:
        table.add_column(title, justify="right")
    for r in rows:
        table.add_row(*(fmt.format(r[key]) for _, key, fmt in cols))
    con.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
