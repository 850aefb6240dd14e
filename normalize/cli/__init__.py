"""The ``normalize`` command line: a thin layer over the library.

``normalize PATH... [-o DIR | --jsonl - | --archive DIR]`` runs the pipeline;
other sub-commands are named first (``normalize validate out/``).  Each
sub-command is a module with ``configure(parser)`` and ``run(args) -> int``.
Exit codes: 0 all good, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from .._version import __version__

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(command: str) -> argparse.ArgumentParser:
    prog = "normalize" if command == "run" else f"normalize {command}"
    parser = _Parser(prog=prog, description=COMMANDS[command][1])
    if command == "run":
        parser.add_argument("--version", action="version", version=f"normalize {__version__}")
        parser.epilog = "other commands: " + ", ".join(c for c in COMMANDS if c != "run")
    _load(command).configure(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = "run"
    if args and args[0] in COMMANDS:
        command = args.pop(0)
    elif args and args[0] in ("-h", "--help"):
        _print_overview()
        return 0
    try:
        parser = build_parser(command)
        ns = parser.parse_args(args)
        rc: int = _load(command).run(ns)
        return rc
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _print_overview() -> None:
    print(f"normalize {__version__}: Chinese documents -> canonical JSON-LD records in an OCFL archive\n")
    print("usage: normalize PATH... [-o DIR | --jsonl - | --archive DIR]")
    print("       normalize COMMAND ...\n\ncommands:")
    for name, (_mod, help_) in COMMANDS.items():
        print(f"  {name:<10} {help_}")
    print("\n'normalize COMMAND --help' for a command's options.")
