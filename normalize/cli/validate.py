"""``normalize validate PATH...``: check record files against the JSON Schemas.

Files (``.jsonld``, or ``.jsonl`` with a record per line) and directories of
them; every invalid record is reported on stderr as one ``file: problem`` line
(``file: line N: problem`` in a ``.jsonl``), never wrapped or cut, and the
summary counts records, not files: a ``.jsonl`` of 8 records is 8 records.
Exit 1 when any record is invalid (or a file cannot be read), 2 when a path
does not exist.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from ..validate import validate_record
from . import is_terminal


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


def _check(path: Path) -> tuple[int, int, list[str]]:
    """``(records, invalid records, problems)`` of one file; ``records`` is -1 when it cannot be read.

    The same checks and messages as :func:`normalize.validate.validate_file`, which only returns the
    messages: counting records needs the verdict of each one (a ``.jsonl`` line that is not JSON is an
    invalid record).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return -1, 0, [f"cannot read: {exc}"]
    if path.suffix == ".jsonl":
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    else:
        lines = [(0, text)]
    bad = 0
    problems: list[str] = []
    for n, line in lines:
        try:
            found = validate_record(json.loads(line))
        except json.JSONDecodeError as exc:
            found = [f"not JSON: {exc}"]
        if found:
            bad += 1
            problems += [f"line {n}: {m}" if n else m for m in found]
    return len(lines), bad, problems


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"normalize validate: {p}: no such file or directory", markup=False)
    if missing:
        return 2
    files = _files(args.paths)
    if not files:
        looked = ", ".join(str(p) for p in args.paths)
        err.print(f"normalize validate: no .jsonld or .jsonl files found in {looked}", markup=False)
        return 1
    records = bad = unreadable = 0
    for f in files:
        n, invalid, problems = _check(f)
        if n < 0:
            unreadable += 1
        else:
            records += n
            bad += invalid
        for msg in problems:
            print(f"{f}: {msg}", file=sys.stderr)
    if not args.quiet:
        counts = f"{_plural(records, 'record')} in {_plural(len(files), 'file')}"
        counts += f", {unreadable} unreadable" if unreadable else ""
        summary = f"{records - bad} valid, {bad} invalid ({counts})"
        if is_terminal():
            Console(highlight=False, soft_wrap=True).print(
                summary, style="red" if bad or unreadable else "green"
            )
        else:
            print(summary)
    return 1 if bad or unreadable else 0
