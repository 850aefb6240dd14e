"""``normalize validate PATH...``: check record files against the JSON Schemas.

Files (``.jsonld``, or ``.jsonl`` with a record per line) and directories of
them; every invalid record is reported with its file and the failing field.
Exit 1 when any record is invalid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from ..validate import validate_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="record files or directories")
    parser.add_argument("-q", "--quiet", action="store_true", help="report only invalid records")


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in (".jsonld", ".jsonl"))
        else:
            out.append(p)
    return out


def run(args: argparse.Namespace) -> int:
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"normalize validate: {p}: no such file or directory", markup=False)
    if missing:
        return 2
    files = _files(args.paths)
    if not files:
        err.print("normalize validate: no .jsonld or .jsonl files found", markup=False)
        return 1
    bad = 0
    for f in files:
        problems = validate_file(f)
        if problems:
            bad += 1
            for msg in problems:
                print(f"{f}: {msg}", file=sys.stderr)
    if not args.quiet:
        out.print(f"{len(files) - bad} valid, {bad} invalid ({len(files)} files)")
    return 1 if bad else 0
