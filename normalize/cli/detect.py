"""``normalize detect FILE...``: the encoding of each file, its confidence and the evidence.

Prints a table (rich) or, with ``--json``, one JSON array with an object per file
(``path``, ``encoding``, ``confidence``, ``evidence``, ``declared``, ``regions``).
Exit 1 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..encoding import detect


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to examine")
    parser.add_argument("--json", action="store_true", help="print one JSON array instead of a table")


def run(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    failed = 0
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"normalize detect: {path}: {exc.strerror or exc}", file=sys.stderr)
            failed += 1
            continue
        det = detect(data)
        results.append(
            {
                "path": str(path),
                "encoding": det.encoding,
                "confidence": det.confidence,
                "evidence": list(det.evidence),
                "declared": det.declared,
                "regions": [list(r) for r in det.regions],
            }
        )
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        table = Table("file", "encoding", "confidence", "evidence")
        for r in results:
            enc = r["encoding"] + (f" (+{len(r['regions'])} regions)" if r["regions"] else "")
            table.add_row(r["path"], enc, f"{r['confidence']:.2f}", ", ".join(r["evidence"]))
        Console(highlight=False).print(table)
    return 1 if failed else 0
