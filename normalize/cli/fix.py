"""``normalize fix [FILE]``: repair mojibake in UTF-8 text, line for line.

Reads FILE (standard input by default), writes the repaired text to standard
output with the same number of lines; ``--explain`` prints the changes
(repairs and flagged spans) as a JSON array instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..encoding import repair


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="UTF-8 text file (default: stdin)")
    parser.add_argument(
        "--explain", action="store_true", help="print the changes as JSON instead of the text"
    )


def _read(path: Path | None) -> str:
    if path is None:
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    else:
        data = path.read_bytes()
    return data.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    name = str(args.file) if args.file else "<stdin>"
    try:
        text = _read(args.file)
    except OSError as exc:
        print(f"normalize fix: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    # repair works on lines (a repair never crosses a line break), so the line count is kept
    fixed, changes = repair(text)
    if args.explain:
        print(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=1))
        return 0
    if fixed.count("\n") != text.count("\n"):  # pragma: no cover - defensive
        print(f"normalize fix: {name}: internal error: line count changed", file=sys.stderr)
        return 1
    sys.stdout.write(fixed)
    sys.stdout.flush()
    return 0
