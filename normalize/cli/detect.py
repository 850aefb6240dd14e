"""``normalize detect FILE...``: the encoding of each file, its confidence and the evidence.

On a terminal, a table (rich) whose file column is never cut (a long path folds onto
the next line, the other columns give way first); into a pipe or file, one plain line
per file: ``path<TAB>encoding<TAB>confidence<TAB>evidence`` (evidence comma-separated),
so ``normalize detect *.txt | grep gb18030 | cut -f1`` works.  With ``--json``, one JSON
array with an object per file (``path``, ``encoding``, ``confidence``, ``evidence``,
``declared``, ``regions``).  Exit 1 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..encoding import detect
from . import is_terminal, print_table, write_rows


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
    elif not is_terminal():
        write_rows(
            (r["path"], _encoding(r), f"{r['confidence']:.2f}", ", ".join(r["evidence"])) for r in results
        )
    else:
        rows = [
            (r["path"], _encoding(r), f"{r['confidence']:.2f}", ", ".join(r["evidence"])) for r in results
        ]
        print_table(
            ("file", "encoding", "conf", "evidence"), rows, keep={0, 1}, console=Console(highlight=False)
        )
    return 1 if failed else 0


def _encoding(r: dict[str, Any]) -> str:
    return str(r["encoding"]) + (f" (+{len(r['regions'])} regions)" if r["regions"] else "")
