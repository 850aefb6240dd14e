"""The ``normalize`` command line: a thin layer over the library.

``normalize PATH... [-o DIR | --jsonl - | --archive DIR]`` runs the pipeline;
other sub-commands are named first (``normalize validate out/``).  Each
sub-command is a module with ``configure(parser)`` and ``run(args) -> int``.
Exit codes: 0 all good, 1 some inputs failed, 2 usage error (a missing input too),
141 when the reader of stdout went away (``normalize archive ls | head``), as for a
process killed by SIGPIPE.

Output meant to be copied or grepped (tables of ids and paths) is printed as a
rich table only on a terminal; into a pipe or file it is plain tab-separated
lines (:func:`write_rows`), one row per line, nothing cut.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection, Iterable, Sequence
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

from .._version import __version__, build

# sub-command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("normalize.cli.run", "normalize files or directories into records (the default)"),
    "validate": ("normalize.cli.validate", "validate record files against the JSON Schemas"),
    "detect": ("normalize.cli.detect", "detect the encoding of files"),
    "fix": ("normalize.cli.fix", "repair mojibake in UTF-8 text, line for line"),
    "explain": ("normalize.cli.explain", "show a record's source text with each change highlighted"),
    "archive": ("normalize.cli.archive", "read, verify and export the OCFL archive"),
}


class UsageError(Exception):
    """Wrong arguments: exit code 2, no traceback."""


def whole_number(value: str) -> int:
    """An argument that must be a whole number (argparse ``type``)."""
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None


def add_search_and_size_limits(
    group: argparse._ActionsContainer, *, budget_help: str, size_help: str
) -> None:
    """``--repair-budget`` and ``--max-input-size``, the limits ``run`` and ``fix`` share (with their
    defaults from :mod:`normalize._limits`; each command says in its help what they bound there)."""
    from .. import _limits

    group.add_argument(
        "--repair-budget", type=count_arg, default=_limits.REPAIR_BUDGET, metavar="UNITS", help=budget_help
    )
    group.add_argument(
        "--max-input-size", type=size_arg, default=_limits.INPUT_BYTES, metavar="SIZE", help=size_help
    )


def size_arg(value: str) -> int | None:
    """A size in bytes (argparse ``type``): ``32M``, ``1G`` … (1024-based), where 0 means no limit (None)."""
    from .._limits import parse_size

    try:
        return parse_size(value) or None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def count_arg(value: str) -> int | None:
    """A limit given as a count (argparse ``type``): >= 0, where 0 means no limit (None)."""
    n = whole_number(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = no limit), not {n}")
    return n or None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(command: str, *, explicit: bool = True) -> argparse.ArgumentParser:
    """The parser of one sub-command.

    Its ``prog`` is the command as the user typed it (``normalize run`` when ``run`` was named,
    ``normalize`` when it was implied), so the usage line in ``--help`` and in error messages is one
    that can be pasted back and works.
    """
    prog = "normalize" if command == "run" and not explicit else f"normalize {command}"
    parser = _Parser(prog=prog, description=COMMANDS[command][1])
    if command == "run":
        parser.add_argument("--version", action="version", version=f"normalize {__version__} ({build()})")
        parser.epilog = "other commands: " + ", ".join(c for c in COMMANDS if c != "run")
    _load(command).configure(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``normalize`` with ``argv`` (default: the process's arguments); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command, explicit = "run", False
    _route_rich_broken_pipes()
    try:
        if args and args[0] in COMMANDS:
            command, explicit = args.pop(0), True
        elif args and args[0] in ("-h", "--help"):
            _print_overview()
            sys.stdout.flush()
            return 0
        parser = build_parser(command, explicit=explicit)
        ns = parser.parse_args(args)
        rc: int = _load(command).run(ns)
        sys.stdout.flush()  # inside the try: a reader gone by now is a broken pipe, not a traceback
        return rc
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        _discard_stdout()
        return 141
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> NoReturn:
    """The ``normalize`` console script: :func:`main`, then the end of the process without the
    interpreter's teardown, as mypy ends its own (``--fast-exit``): freeing the model tables and memos
    object by object took 0.14 s after a run over 1,000 documents, and 0.06 s of the 0.35 s a run on
    one document takes.  Everything the command writes is closed by then (its outputs are closed in
    ``finally`` blocks, stdout and stderr are flushed here, ``logging``'s handlers shut down as its exit
    handler would); where something else may still need the interpreter's ending (a thread or a child
    process still alive, an exception out of :func:`main`), the process ends the ordinary way."""
    rc = main()
    import threading

    from .. import _recache

    _recache.save()  # an exit handler: os._exit below runs none

    mp = sys.modules.get("multiprocessing")
    if threading.active_count() > 1 or (mp is not None and mp.active_children()):
        sys.exit(rc)
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.shutdown()  # what its exit handler does: flush and close the handlers
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away after main's own flush; or closed
        sys.exit(rc)
    os._exit(rc)


def _raise_broken_pipe(console: Console) -> None:
    raise BrokenPipeError(32, "Broken pipe")


def _route_rich_broken_pipes() -> None:
    """Make rich report a broken pipe by raising :class:`BrokenPipeError`, like any other write.

    rich handles it itself (``Console.on_broken_pipe``: stdout to /dev/null, then ``SystemExit(1)``), so
    ``| head`` would end with exit 1 or 141 depending on whether rich or ``print`` hit the closed pipe
    first.  Routed through :func:`main`'s handler, it is always 141.
    """
    from rich.console import Console

    Console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign,assignment]


def _discard_stdout() -> None:
    """Point stdout at /dev/null after its reader went away (``| head``).

    Python flushes stdout once more at exit; with the pipe closed that flush fails again and prints
    ``Exception ignored ... BrokenPipeError``.  Redirecting the descriptor makes that last flush a no-op
    (the pattern the Python documentation gives for SIGPIPE).
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a non-file object (tests): nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether ``stream`` (default: stdout) is a terminal, i.e. whether a rich table may be printed.

    Anything else (a pipe, a file, a test's capture) gets plain lines that tools can cut and grep.
    """
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_rows(rows: Iterable[Sequence[object]], stream: IO[str] | None = None) -> None:
    """Write ``rows`` as tab-separated lines, one row per line, no header and nothing truncated.

    A tab or line break inside a value is written as ``\\t`` / ``\\n`` / ``\\r`` so that each row stays
    one line with a fixed number of fields (``cut -f1`` gives the ids).  Backslashes are left alone: ids
    and paths are printed to be copied, and those never hold a tab or a line break in practice.
    """
    out = sys.stdout if stream is None else stream
    out.write("".join("\t".join(str(v).translate(_ESCAPES) for v in row) + "\n" for row in rows))


_SQUEEZED = 8
"""Narrowest width a wrapping column is squeezed to before a table gives up and prints plain rows."""


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str | Text]],
    *,
    keep: Collection[int],
    console: Console,
    **table_options: Any,
) -> None:
    """Print a rich table whose ``keep`` columns (ids, paths: what users copy) are never cut.

    Those columns do not wrap; the others fold to make room.  When even that cannot fit the terminal
    (the kept values alone are wider), the rows are printed plain (:func:`write_rows`) rather than
    cropped, since a cut id is worse than an unaligned one.
    """
    from rich.cells import cell_len
    from rich.table import Table

    def width(i: int) -> int:
        return max([cell_len(headers[i])] + [cell_len(str(r[i])) for r in rows])

    needed = sum(width(i) if i in keep else min(width(i), _SQUEEZED) for i in range(len(headers)))
    # cell padding (one space each side), plus the borders of a boxed table
    needed += 2 * len(headers) if table_options.get("box", True) is None else 3 * len(headers) + 1
    if needed > console.width:
        write_rows(([str(v) for v in row] for row in rows), console.file)
        return
    table = Table(**table_options)
    for i, header in enumerate(headers):
        if i in keep:
            table.add_column(header, no_wrap=True)
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_overview() -> None:
    print(f"normalize {__version__}: Chinese documents -> canonical JSON-LD records in an OCFL archive\n")
    print("usage: normalize PATH... [-o DIR | --jsonl - | --archive DIR]")
    print("       normalize COMMAND ...\n\ncommands:")
    for name, (_mod, help_) in COMMANDS.items():
        print(f"  {name:<10} {help_}")
    print("\n'normalize COMMAND --help' for a command's options.")
