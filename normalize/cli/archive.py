"""``normalize archive``: read, verify and export the OCFL archive.

Sub-commands (``--archive DIR`` or ``-r DIR``, default ``archive/``, before or after the sub-command,
as rocfl takes ``-r ROOT``)::

    normalize archive ls [PREFIX]                 ids, head version, date, status, source name
                                                  (PREFIX: an id prefix, or a bare path / source name prefix)
    normalize archive show ID [--version vN] [--source]
    normalize archive log ID                      every version: date, message, changed paths
    normalize archive diff ID vA vB               the records' differences, field by field
    normalize archive export --format jsonl|parquet OUT
    normalize archive verify [PATH...] [--no-records] [--changed]
    normalize archive reindex
    normalize archive recover

``verify`` checks every object with ocfl-py (digests, warnings) and every head record against the JSON
Schemas; PATH may be a storage root or single object directories.  ``--changed`` verifies only the objects
touched in git's staged changes (for the pre-commit hook).  Exit 0 when all is well, 1 when something is
invalid or an id is unknown (the closest ids are suggested), 2 on a usage error, a missing archive among
them (the message names the path looked at).

``ls`` and ``log`` print a table / coloured lines on a terminal and plain tab-separated rows into a pipe.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from . import UsageError, is_terminal, print_table, write_rows

if TYPE_CHECKING:
    from ..archive import Archive, Entry

_PROG = "normalize archive"
DEFAULT_ROOT = Path("archive")


def add_archive_option(parser: argparse.ArgumentParser, default: Any = DEFAULT_ROOT) -> None:
    """``--archive DIR`` / ``-r DIR``: the storage root (also used by ``normalize explain``)."""
    parser.add_argument(
        "-r",
        "--archive",
        type=Path,
        default=default,
        metavar="DIR",
        help="the storage root (default archive/)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the archive sub-commands.

    ``--archive`` is accepted both before the sub-command (``normalize archive -r DIR ls``) and after it.
    The sub-commands' copy has no default (``SUPPRESS``), so that it only overrides the value given
    before the sub-command when it is itself given: argparse copies every attribute a sub-parser sets.
    """
    add_archive_option(parser)
    common = argparse.ArgumentParser(add_help=False)
    add_archive_option(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("ls", parents=[common], help="list objects")
    p.add_argument(
        "prefix", nargs="?", help="only ids starting with this (or whose path or source name starts with it)"
    )
    p.add_argument("--ids", action="store_true", help="print ids only")
    p = sub.add_parser("show", parents=[common], help="show an object's records at a version")
    p.add_argument("id")
    p.add_argument("--version", help="vN (default: head)")
    p.add_argument("--source", action="store_true", help="write the exact source bytes to stdout instead")
    p = sub.add_parser("log", parents=[common], help="an object's version history")
    p.add_argument("id")
    p = sub.add_parser("diff", parents=[common], help="differences between two versions of an object")
    p.add_argument("id")
    p.add_argument("a", metavar="vA")
    p.add_argument("b", metavar="vB")
    p = sub.add_parser("export", parents=[common], help="export head records as JSON Lines or Parquet")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    p.add_argument("out", type=Path, metavar="OUT", help="output file (- = stdout, jsonl only)")
    p.add_argument("--prefix", help="only ids starting with this")
    p = sub.add_parser("verify", parents=[common], help="validate objects (ocfl-py) and records (schemas)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="storage roots or object dirs")
    p.add_argument("--no-records", action="store_true", help="skip the record schema check")
    p.add_argument("--changed", action="store_true", help="only objects in git's staged changes")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    sub.add_parser("reindex", parents=[common], help="rebuild the SQLite index from the storage root")
    sub.add_parser("recover", parents=[common], help="finish or undo what killed writers left")


def _err(msg: str) -> None:
    print(f"{_PROG}: {msg}", file=sys.stderr)


def open_archive(root: Path, prog: str = _PROG) -> Archive:
    """Open the storage root ``root`` for reading, or raise :class:`UsageError` naming the path.

    A missing or foreign directory is an input error (exit 2), the same for every command, with the
    path that was looked at and how to choose another.
    """
    from ..archive import Archive, ArchiveError

    if not root.exists():
        raise UsageError(f"{prog}: {root}: no such directory (the archive; --archive DIR to choose another)")
    try:
        return Archive.open(root)
    except ArchiveError as exc:
        raise UsageError(f"{prog}: {exc} (--archive DIR to choose another)") from exc


def _id_value(object_id: str) -> str:
    """The value part of ``urn:normalize:<kind>:<value>`` (the path for path-keyed ids)."""
    parts = object_id.split(":", 3)
    return parts[3] if len(parts) == 4 and parts[:2] == ["urn", "normalize"] else object_id


def matches(entry: Entry, prefix: str) -> bool:
    """Whether ``entry`` is selected by ``prefix``: a prefix of its id, of its id's value (the path of
    ``urn:normalize:path:news/a.txt``) or of its source name (with or without folders)."""
    name = entry.name
    return (
        entry.id.startswith(prefix)
        or _id_value(entry.id).startswith(prefix)
        or name.startswith(prefix)
        or name.rsplit("/", 1)[-1].startswith(prefix)
    )


def suggest(entries: list[Entry], query: str, n: int = 5) -> list[Entry]:
    """The objects a mistyped or partial id most likely meant: prefix and substring matches of ids,
    paths and source names first, then the closest spellings (difflib)."""
    q = query.casefold()
    hits = [e for e in entries if matches(e, query)]
    hits += [e for e in entries if e not in hits and (q in e.id.casefold() or q in e.name.casefold())]
    if not hits:  # nothing contains the query: the closest spellings of paths and names (the shared
        # ``urn:normalize:path:`` prefix would make every full id look alike)
        keys: dict[str, Entry] = {}
        for e in entries:
            keys.setdefault(_id_value(e.id), e)
            if e.name:
                keys.setdefault(e.name, e)
        for key in difflib.get_close_matches(_id_value(query), list(keys), n=n, cutoff=0.75):
            if keys[key] not in hits:
                hits.append(keys[key])
    return hits[:n]


def did_you_mean(entries: list[Entry], query: str) -> str:
    """`` (did you mean …?)`` with the suggested ids and their source names, or nothing."""
    hits = suggest(entries, query)
    if not hits:
        return ""
    return "; did you mean:\n" + "\n".join(f"  {e.id}  (source {e.name})" for e in hits)


def run(args: argparse.Namespace) -> int:
    """Run one archive sub-command."""
    from ..archive import ArchiveError, LockTimeout

    action: str = args.action
    try:
        if action == "verify":
            return _verify(args)
        if action == "export" and args.format == "parquet" and str(args.out) == "-":
            _err("export: parquet needs a file, not stdout")
            return 2
        arc = open_archive(args.archive)
        try:
            handler = {
                "ls": _ls,
                "show": _show,
                "log": _log,
                "diff": _diff,
                "export": _export,
                "reindex": _reindex,
                "recover": _recover,
            }[action]
            try:
                return handler(arc, args)
            except ArchiveError:
                object_id = getattr(args, "id", None)
                if object_id is not None and object_id not in arc:
                    _err(f"no object {object_id!r} in {arc.root}{did_you_mean(arc.entries(), object_id)}")
                    return 1
                raise
        finally:
            arc.close()
    except (ArchiveError, LockTimeout) as exc:
        _err(str(exc))
        return 1
    except BrokenPipeError:
        raise  # stdout's reader left (`| head`): normalize.cli.main ends quietly
    except OSError as exc:
        _err(f"{exc.filename or args.archive}: {exc.strerror or exc}")
        return 1


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _ls(arc: Any, args: argparse.Namespace) -> int:
    prefix: str | None = args.prefix
    if prefix and prefix.startswith("urn:"):
        entries = arc.entries(prefix)
    else:  # a bare path or name: ids are matched on their value, and source names too
        entries = [e for e in arc.entries() if not prefix or matches(e, prefix)]
    out = sys.stdout
    if args.ids:
        out.write("".join(e.id + "\n" for e in entries))
        return 0
    if not is_terminal() or len(entries) > 2000:
        write_rows((e.id, f"v{e.head}", e.created, e.status, e.records, e.name) for e in entries)
        return 0
    # on a terminal the source column is left out when every name is already its id's path (the default
    # --key path), so that the ids, which must never be cut, fit more terminals; the plain rows keep it
    headers: tuple[str, ...] = ("id", "head", "created", "status", "records", "source")
    named = any(e.name != _id_value(e.id) for e in entries)
    rows = [
        (
            e.id,
            f"v{e.head}",
            e.created,
            Text(e.status, style="red" if e.status == "failed" else ""),
            str(e.records),
            *([e.name] if named else []),
        )
        for e in entries
    ]
    con = _console()
    print_table(headers if named else headers[:-1], rows, keep={0, 5}, console=con, box=None)
    con.print(f"{len(entries)} objects", style="dim")
    return 0


def _show(arc: Any, args: argparse.Namespace) -> int:
    if args.source:
        src = arc.source(args.id, args.version)
        sys.stdout.buffer.write(src.data)
        return 0
    prov = arc.provenance(args.id, args.version)
    records = arc.records(args.id, args.version)
    history = arc.history(args.id)
    n = arc.resolve(args.id, args.version)
    info = history[n - 1]
    con = _console()
    con.print(Text.assemble((args.id, "bold"), f"  v{n} of v{len(history)}  {info.created}  {info.message}"))
    src = prov.get("source", {})
    size, sha = src.get("size", "?"), src.get("sha256", "?")
    con.print(Text(f"source: {src.get('name', '?')} ({size} bytes, sha256 {sha})"))
    status = prov.get("status", "?")
    con.print(Text(f"status: {status}", style="red" if status == "failed" else "green"))
    if prov.get("error"):
        con.print(Text(f"error: {prov['error']}", style="red"))
    for w in prov.get("warnings", []):
        con.print(Text(f"warning: {w}", style="yellow"))
    tool = prov.get("tool", {})
    con.print(f"tool: {tool.get('name', '?')} {tool.get('version', '?')}", style="dim")
    for rec in records:
        con.print(Text(f"\n{rec.path}", style="bold"))
        print(json.dumps(rec.data, ensure_ascii=False, indent=2))
    return 0


def _log(arc: Any, args: argparse.Namespace) -> int:
    history = arc.history(args.id)
    if not is_terminal():
        # one row per changed path (version, date, change, path, message): `grep records/001` lists the
        # versions that touched a file, with why
        rows: list[tuple[str, ...]] = []
        for v in reversed(history):
            changed = (
                [("+", p) for p in v.added] + [("~", p) for p in v.modified] + [("-", p) for p in v.removed]
            )
            for mark, path in changed or [("", "")]:
                rows.append((f"v{v.version}", v.created, mark, path, v.message))
        write_rows(rows)
        return 0
    con = _console()
    for v in reversed(history):
        con.print(Text.assemble((f"v{v.version}", "bold yellow"), f"  {v.created}  ", (v.message, "bold")))
        user = v.user.get("name", "")
        if user:
            con.print(f"    by {user}", style="dim")
        for p in v.added:
            con.print(Text(f"    + {p}", style="green"))
        for p in v.modified:
            con.print(Text(f"    ~ {p}", style="yellow"))
        for p in v.removed:
            con.print(Text(f"    - {p}", style="red"))
    return 0


def _value_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines() or [""]
    return json.dumps(value, ensure_ascii=False, indent=2).splitlines()


def _diff(arc: Any, args: argparse.Namespace) -> int:
    d = arc.diff(args.id, args.a, args.b)
    con = _console()
    con.print(Text.assemble((d.object_id, "bold"), f"  v{d.a.version} → v{d.b.version}"))
    con.print(f"  v{d.a.version} {d.a.created}  {d.a.message}", style="dim")
    con.print(f"  v{d.b.version} {d.b.created}  {d.b.message}", style="dim")
    if d.empty:
        con.print("no differences")
        return 0
    for pd in d.paths:
        mark = {"added": ("+", "green"), "removed": ("-", "red"), "modified": ("~", "yellow")}[pd.change]
        con.print(Text(f"\n{mark[0]} {pd.path} ({pd.change})", style=f"bold {mark[1]}"))
        for fc in pd.fields:
            con.print(Text(f"  {fc.field}:", style="bold"))
            before, after = _value_lines(fc.before), _value_lines(fc.after)
            for line in difflib.unified_diff(before, after, lineterm="", n=1):
                if line.startswith(("---", "+++")):
                    continue
                style = (
                    "green"
                    if line[:1] == "+"
                    else "red"
                    if line[:1] == "-"
                    else "cyan"
                    if line[:2] == "@@"
                    else ""
                )
                con.print(Text("    " + line, style=style))
    return 0


def _export(arc: Any, args: argparse.Namespace) -> int:
    t = time.perf_counter()
    if args.format == "jsonl":
        n = arc.export_jsonl(args.out, args.prefix)
    else:
        n = arc.export_parquet(args.out, args.prefix)
    if str(args.out) != "-":
        print(f"{n} records → {args.out} ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return 0


def _reindex(arc: Any, args: argparse.Namespace) -> int:
    t = time.perf_counter()
    n = arc.reindex()
    print(f"indexed {n} objects in {time.perf_counter() - t:.2f} s")
    return 0


def _recover(arc: Any, args: argparse.Namespace) -> int:
    touched = arc.recover()
    print(f"recovered {len(touched)} objects" if touched else "nothing to recover")
    return 0


def _changed_objects(root: Path) -> list[Path]:
    """Object roots under ``root`` touched by git's staged changes."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True, cwd=root
        ).stdout.strip()
        names = (
            subprocess.run(
                ["git", "diff", "--cached", "--name-only", "-z", "--", str(root.resolve())],
                capture_output=True,
                check=True,
                cwd=top,
            )
            .stdout.decode("utf-8", "surrogateescape")
            .split("\0")
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    rootr = root.resolve()
    found: set[Path] = set()
    for name in filter(None, names):
        p = (Path(top) / name).resolve()
        for d in [p.parent, *p.parent.parents]:
            if d == rootr or rootr not in d.parents:
                break
            if any(d.glob("0=ocfl_object_*")):
                found.add(d)
                break
    return sorted(found)


def _verify(args: argparse.Namespace) -> int:
    from ..archive import verify_path, verify_root

    con = _console()
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    paths: list[Path] = args.paths or [args.archive]
    records = not args.no_records
    bad = 0
    total = 0
    for path in paths:
        if not path.exists():
            what = "archive" if path == args.archive else "path to verify"
            _err(f"{path}: no such directory (the {what}; --archive DIR to choose another)")
            return 2
        if args.changed:
            if any(path.glob("0=ocfl_1.*")):
                from ..archive import Archive

                with Archive.open(path) as arc:
                    arc.recover()
            report = verify_root(path, objects=_changed_objects(path), records=records)
        else:
            report = verify_path(path, records=records)
        for rep in report.objects:
            total += rep.kind == "object"
            if rep.ok and not rep.warnings:
                continue
            if not rep.ok:
                bad += 1
            label = rep.object_id or rep.path
            for e in rep.errors:
                err.print(Text(f"{label}: {e}", style="red"))
            if not args.quiet:
                for w in rep.warnings:
                    err.print(Text(f"{label}: {w}", style="yellow"))
    if not args.quiet or bad:
        style = "red" if bad else "green"
        con.print(Text(f"{total} objects checked, {bad} invalid", style=style))
    return 1 if bad else 0
