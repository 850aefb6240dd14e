"""``normalize fix [FILE]``: repair mojibake in text, line for line.

Reads FILE (standard input by default), writes the repaired text to standard
output as UTF-8 with the same number of lines; ``--explain`` prints the changes
(repairs and flagged spans) as a JSON array instead.  Input that is not UTF-8
(a GB18030 or Big5 file, UTF-16 ...) is detected and decoded as what it is, and
the command says so on standard error; it is never read as broken UTF-8.

The search is bounded as in the pipeline (``--repair-budget``, the same default): a file with more
damaged lines than the budget covers gets the first ones repaired and the rest left as they were, and
the command says how many on standard error (``--repair-budget 0``: no bound).  So is the input
(``--max-input-size``, the pipeline's default): a larger file or standard input is refused, exit 1,
before it is read whole.
"""

from __future__ import annotations

import argparse
import io
import json
import stat
import sys
from pathlib import Path
from typing import IO

from .. import _limits, _read
from ..encoding import UNSEARCHED, decode, detect, repair
from . import add_search_and_size_limits


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="text file (default: stdin; not UTF-8: detected and decoded)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the changes as JSON instead of the text"
    )
    add_search_and_size_limits(
        parser,
        budget_help=(
            f"work units the mojibake search may spend on the file (default {_limits.REPAIR_BUDGET:,}, "
            "about 1 s, as for a document of the pipeline; 0 = no limit). Past it, the damaged lines not "
            "yet searched are left as they were, flagged mojibake.unsearched, and a warning says how many"
        ),
        size_help="refuse a larger input, file or stdin (default 32M as in the pipeline; K, M, G; 0 = none)",
    )


def _input(path: Path | None, max_bytes: int | None) -> bytes:
    """The bytes of ``path`` (standard input when None; a pipe too: ``fix <(iconv …)``), at most
    ``max_bytes`` of them: raises :class:`~normalize._limits.LimitExceeded` past it (a regular file:
    from its size, before reading)."""
    if path is None:
        if not hasattr(sys.stdin, "buffer"):  # replaced by a text stream (tests)
            return _bounded(io.BytesIO(sys.stdin.read().encode()), "standard input", max_bytes)
        return _bounded(sys.stdin.buffer, "standard input", max_bytes)
    if stat.S_ISREG(path.stat().st_mode):
        return _read.read_bounded(path, max_bytes)  # refused from its size, as the pipeline does
    with path.open("rb") as fh:
        return _bounded(fh, "the file", max_bytes)


def _bounded(fh: IO[bytes], what: str, max_bytes: int | None) -> bytes:
    data = fh.read(-1 if max_bytes is None else max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise _limits.LimitExceeded(
            f"{what} is over the limit of {max_bytes:,} bytes ({_limits.OPTIONS['input_bytes']})",
            limit="input_bytes",
            stage="read",
        )
    return data


def _decoded(data: bytes, name: str) -> str:
    """The text of ``data``: UTF-8 when it is, else what detection finds (said on stderr)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detection = detect(data)
    text, _changes = decode(data, detection)
    if detection.encoding != "utf-8":
        print(
            f"normalize fix: {name}: not UTF-8; read as {detection.encoding} "
            f"(confidence {detection.confidence:.2f}); the output is UTF-8",
            file=sys.stderr,
        )
    return text


def run(args: argparse.Namespace) -> int:
    name = str(args.file) if args.file else "<stdin>"
    try:
        data = _input(args.file, args.max_input_size)
    except OSError as exc:
        print(f"normalize fix: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except _limits.LimitExceeded as exc:
        print(f"normalize fix: {name}: {exc}", file=sys.stderr)
        return 1
    text = _decoded(data, name)
    # repair works on lines (a repair never crosses a line break), so the line count is kept
    fixed, changes = repair(text, budget=args.repair_budget)
    unsearched = sum(1 for c in changes if c.kind == UNSEARCHED)
    if unsearched:
        print(
            f"normalize fix: {name}: mojibake search budget spent ({args.repair_budget:,} units): "
            f"{unsearched:,} damaged-looking line(s) left as they were, not searched "
            f"(flagged {UNSEARCHED} in --explain); --repair-budget 0 searches them all",
            file=sys.stderr,
        )
    if args.explain:
        print(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=1))
        return 0
    if fixed.count("\n") != text.count("\n"):  # pragma: no cover - defensive
        print(f"normalize fix: {name}: internal error: line count changed", file=sys.stderr)
        return 1
    sys.stdout.write(fixed)
    sys.stdout.flush()
    return 0
