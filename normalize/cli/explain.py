"""``normalize explain RECORD``: show the text behind a record with every change highlighted.

RECORD is a record file (``.jsonld``), a JSON Lines file of records (``.jsonl``,
``-`` = stdin; every record is explained unless ``--record N|ID`` picks one), a
record file inside the archive, or an archive id (an object id, or a record id,
looked up in ``--archive DIR``, default ``archive/``).

Field changes (script, pinyin, punctuation, whitespace, paragraphs ...) are
undone from the record alone, so the text as parsed is shown with each change
marked on it.  With the source file the decoded source text is shown too, with
what parsing lifted, removed or moved.  The source is ``--source FILE``, or else
found, and checked against the recorded sha256, in the record's own archive
object, by its recorded file name under ``--root``, beside the record and in the
current folder, and in the archive; when it is nowhere, the message lists every
place looked in.  Under each table of changes, the flagged ones (not applied) are
listed with their notes: why each was flagged, and what the tool would have
written.  Exit 1 when a record cannot be read or its change log does not
replay, 2 on a usage error (a missing record, archive or id, ``--field`` naming a
field with no changes, ``--record`` out of range).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .._document import Change
from .._edits import map_to_origin, replay, undo
from . import UsageError
from .archive import add_archive_option, did_you_mean, open_archive

_PROG = "normalize explain"

STYLES = {
    "metadata": "bold cyan",
    "boilerplate": "red strike",
    "pullquote": "red strike",
    "fragment": "blue underline",
    "article": "blue underline",
    "mojibake": "bold magenta",
    "pinyin": "red strike",
    "script": "green",
    "punct": "yellow",
    "space": "dim reverse",
    "indent": "dim reverse",
    "paragraph": "reverse",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "record",
        metavar="RECORD",
        help="a record file (.jsonld), a JSON Lines file of records (.jsonl, - = stdin), "
        "or an archive object or record id (looked up in --archive)",
    )
    parser.add_argument(
        "--record",
        dest="pick",
        metavar="N|ID",
        help="explain only this record of a .jsonl file or archive object: its number (1 = the first) or id",
    )
    parser.add_argument("--source", type=Path, help="the source file (default: found by its recorded name)")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="folder the source's name is relative to"
    )
    add_archive_option(parser)
    parser.add_argument("--field", help="show only this target (e.g. articleBody, headline, text)")
    parser.add_argument("--width", type=int, default=None, help="output width")


@dataclass(frozen=True)
class _Item:
    """One record to explain and where it came from."""

    label: str
    """Where the record was read: a file, ``FILE line N``, ``ID records/001.jsonld``."""
    data: Any
    beside: Path | None
    """The folder of the record's file (its source may sit next to it)."""
    object_dir: Path | None
    """The archive object the record belongs to (its source is in the same object)."""


def _style(kind: str, applied: bool) -> str:
    if not applied:
        return "bold yellow underline"
    return STYLES.get(kind.split(".")[0], "bold")


def _check(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or "wasGeneratedBy" not in data:
        raise ValueError("not a normalize record (no wasGeneratedBy)")
    return data


def _object_dir_of(path: Path) -> Path | None:
    """The OCFL object a file inside an archive belongs to (None outside any object)."""
    for parent in path.resolve().parents:
        if any(parent.glob("0=ocfl_object_*")):
            return parent
        if (parent / "0=ocfl_1.1").exists():  # reached the storage root: not inside an object
            return None
    return None


def _parse(text: str, label: str, jsonl: bool) -> list[tuple[str, Any]]:
    """The records of a file's text: one JSON document, or one per line (JSON Lines)."""
    if not jsonl:
        try:
            return [(label, json.loads(text))]
        except json.JSONDecodeError:
            if len([line for line in text.splitlines() if line.strip()]) < 2:
                raise
    out: list[tuple[str, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                out.append((f"{label} line {n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {n}: not JSON: {exc}") from exc
    return out


def _load_items(args: argparse.Namespace) -> list[_Item]:
    """Every record RECORD names: from stdin, a file, or the archive (raises :class:`UsageError` when it
    names nothing, listing where it looked, :class:`ValueError` when a file holds no JSON)."""
    arg: str = args.record
    if arg == "-":
        # one JSON document (even pretty-printed) or JSON Lines, as `normalize ... --jsonl -` writes them
        return [_Item(lab, d, None, None) for lab, d in _parse(sys.stdin.read(), "stdin", jsonl=False)]
    path = Path(arg)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        jsonl = path.suffix in (".jsonl", ".ndjson")
        objdir = _object_dir_of(path)
        return [_Item(lab, d, path.parent, objdir) for lab, d in _parse(text, str(path), jsonl)]
    if path.is_dir():
        raise UsageError(f"{_PROG}: {arg}: is a directory (give a record file, a .jsonl file or an id)")
    if arg.startswith("urn:"):
        return _archive_items(arg, args.archive)
    hint = ""
    if (args.archive / "0=ocfl_1.1").is_file():  # perhaps a bare name of an archived document
        try:
            with open_archive(args.archive, _PROG) as arc:
                hint = did_you_mean(arc.entries(), arg)
        except UsageError:
            pass
    raise UsageError(
        f"{_PROG}: {arg}: no such file ({path.resolve()}), and not an archive id (urn:normalize:…){hint}"
    )


def _archive_items(object_id: str, root: Path) -> list[_Item]:
    """The records of an archive object (an object id), or the one record with a record id."""
    with open_archive(root, _PROG) as arc:
        if object_id in arc:
            objdir = arc.object_path(object_id)
            return [
                _Item(f"{object_id} {r.path} (v{r.version})", r.data, None, objdir)
                for r in arc.records(object_id)
            ]
        if object_id.startswith("urn:normalize:record:"):  # no index of record ids: look in each object
            for entry in arc.entries():
                prov = arc.provenance(entry.id)
                if any(r.get("id") == object_id for r in prov.get("records", [])):
                    objdir = arc.object_path(entry.id)
                    return [
                        _Item(f"{entry.id} {r.path} (v{r.version})", r.data, None, objdir)
                        for r in arc.records(entry.id)
                        if r.data.get("id") == object_id
                    ]
        hint = did_you_mean(arc.entries(), object_id)
        raise UsageError(f"{_PROG}: no object or record {object_id!r} in archive {root}{hint}")


def _pick(items: list[_Item], pick: str | None, what: str) -> list[_Item]:
    """The records ``--record`` selects (all without it)."""
    if pick is None:
        return items
    if pick.isdigit():
        n = int(pick)
        if not 1 <= n <= len(items):
            raise UsageError(
                f"{_PROG}: --record {pick}: {what} holds {len(items)} record(s), numbered 1-{len(items)}"
            )
        return [items[n - 1]]
    chosen = [i for i in items if isinstance(i.data, dict) and i.data.get("id") == pick]
    if not chosen:
        ids = [str(i.data.get("id")) for i in items if isinstance(i.data, dict)]
        shown = "\n".join(f"  {n}: {rid}" for n, rid in enumerate(ids[:20], 1))
        raise UsageError(f"{_PROG}: --record {pick}: no record with that id in {what}; its records:\n{shown}")
    return chosen


def _fields(rec: dict[str, Any]) -> set[str]:
    """The ``--field`` values that show something for ``rec``: the targets of its changes (``text`` for
    the source-text view, which also shows the layout changes)."""
    out: set[str] = set()
    for c in rec["wasGeneratedBy"]["changes"]:
        target = str(c["target"])
        if target != "bytes":
            out.add("text" if target == "layout" else target)
    return out


def _final_text(rec: dict[str, Any], target: str) -> str | None:
    value: Any = rec
    for part in target.removeprefix("/").split("/"):  # "/text": a record path spelt as a JSON Pointer
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            if part == "attachments":
                part = "hasPart"
            value = value.get(part)
        else:
            return None
    return value if isinstance(value, str) else None


def _sha256_is(path: Path, sha: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha
    except OSError:
        return False


def _object_sources(objdir: Path) -> Iterator[Path]:
    """The source files an archive object holds, newest version first, each content file once."""
    from ..archive._inventory import InventoryError
    from ..archive._writer import read_inventory

    try:
        inv, _ = read_inventory(objdir)
    except (OSError, InventoryError):
        return
    seen: set[str] = set()
    for n in range(inv.head, 0, -1):
        for logical, digest in sorted(inv.version(n).state.items()):
            if logical.startswith("source/") and digest not in seen:
                seen.add(digest)
                yield objdir / inv.content_path(digest)


def _find_source(rec: dict[str, Any], item: _Item, args: argparse.Namespace) -> tuple[Path | None, list[str]]:
    """The record's source file (checked against its sha256) and, when not found, every place looked in.

    Looked in, in order: the record's own archive object; ``NAME`` under ``--root``, beside the record
    and in the current folder; the objects of ``--archive`` whose source has that name.
    """
    if args.source is not None:
        source: Path = args.source
        return source, []
    src = rec["wasDerivedFrom"]
    name, sha = str(src["fileName"]), str(src["sha256"])
    looked: list[str] = []
    if item.object_dir is not None:
        for cand in _object_sources(item.object_dir):
            if _sha256_is(cand, sha):
                return cand, []
        looked.append(f"the record's archive object {item.object_dir} (no source with that sha256)")
    bases = [(args.root, f"under --root {args.root}")]
    if item.beside is not None:
        bases.append((item.beside, "beside the record"))
    bases.append((Path("."), "the current folder"))
    seen: set[Path] = set()
    for base, where in bases:
        cand = base / name
        if cand.resolve() in seen:
            continue
        seen.add(cand.resolve())
        if not cand.is_file():
            looked.append(f"{cand} ({where}: no such file)")
        elif _sha256_is(cand, sha):
            return cand, []
        else:
            looked.append(f"{cand} ({where}: a different file, its sha256 differs)")
    root: Path = args.archive
    if not (root / "0=ocfl_1.1").is_file():
        looked.append(
            f"the archive {root} ({'not an OCFL storage root' if root.exists() else 'no such directory'})"
        )
        return None, looked
    base = name.rsplit("/", 1)[-1]
    try:
        with open_archive(root, _PROG) as arc:
            same = [e for e in arc.entries() if e.name == name or e.name.rsplit("/", 1)[-1] == base]
            for entry in same:
                for cand in _object_sources(arc.object_path(entry.id)):
                    if _sha256_is(cand, sha):
                        return cand, []
    except UsageError as exc:  # a root we cannot read: say so among the places looked in
        looked.append(f"the archive {root} ({str(exc).removeprefix(_PROG + ': ')})")
        return None, looked
    held = (
        f"its object(s) {', '.join(e.id for e in same)} hold another version"
        if same
        else f"no object with source {base}"
    )
    looked.append(f"the archive {root} ({held})")
    return None, looked


def _render(text: str, spans: list[tuple[Change, int, int]]) -> Text:
    out = Text(text)
    for c, s, e in spans:
        if e > s:
            out.stylize(_style(c.kind, c.applied), s, e)
    return out


def _print_changes(console: Console, changes: list[Change]) -> None:
    """The table of ``changes``, then each flagged one (not applied) with its note in full: why it is
    flagged, and what the tool would have written (a mojibake flag names the likeliest reading), for
    whoever checks the span against the source."""
    console.print(_table(changes))
    flagged = [c for c in changes if not c.applied]
    if flagged:
        console.print(f"flagged, not applied ({len(flagged)}): check these spans against the source")
        for c in flagged[:FLAGS_SHOWN]:
            console.print(Text(f"  {c.start}-{c.end} {c.kind}: {c.note or '(no note)'}"))
        if len(flagged) > FLAGS_SHOWN:
            console.print(f"  … {len(flagged) - FLAGS_SHOWN} more")


FLAGS_SHOWN = 50
"""Flagged changes listed with their notes under a table of changes."""


def _table(changes: list[Change], limit: int = 200) -> Table:
    table = Table(show_lines=False, expand=False)
    for col in ("kind", "at", "before", "after", "conf"):
        table.add_column(col)
    for c in changes[:limit]:
        flag = "" if c.applied else " (flagged)"
        table.add_row(
            c.kind + flag,
            f"{c.start}-{c.end}",
            repr(c.before[:40]),
            repr(c.after[:40]),
            f"{c.confidence:.2f}",
        )
    if len(changes) > limit:
        table.add_row(f"… {len(changes) - limit} more", "", "", "", "")
    return table


def run(args: argparse.Namespace) -> int:
    console = Console(width=args.width, highlight=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        items = _pick(_load_items(args), args.pick, args.record)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{_PROG}: {args.record}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{_PROG}: {args.record}: {exc}", file=sys.stderr)
        return 1
    status = 0
    records: list[tuple[_Item, dict[str, Any]]] = []
    for item in items:
        try:
            records.append((item, _check(item.data)))
        except ValueError as exc:
            print(f"{_PROG}: {item.label}: {exc}", file=sys.stderr)
            status = 1
    if args.field is not None and records:
        known = set().union(*(_fields(rec) for _item, rec in records))
        if args.field not in known:
            where = records[0][0].label if len(records) == 1 else f"any of the {len(records)} records"
            raise UsageError(
                f"{_PROG}: --field {args.field}: no changes to that field in {where}; "
                f"fields with changes: {', '.join(sorted(known)) or 'none'}"
            )
    for n, (item, rec) in enumerate(records):
        if len(records) > 1:
            if n:
                console.print()
            console.print(Rule(f"{n + 1}/{len(records)}", align="left"))
            console.print(Text(item.label, style="dim"), soft_wrap=True)
        status = max(status, _explain(console, err, rec, item, args))
    return status


def _explain(
    console: Console, err: Console, rec: dict[str, Any], item: _Item, args: argparse.Namespace
) -> int:
    """Show one record: each field as parsed with its changes marked, then the source text view."""
    changes = [Change.from_dict(c) for c in rec["wasGeneratedBy"]["changes"]]
    by_target: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_target[c.target].append(c)
    src = rec["wasDerivedFrom"]
    # soft_wrap: ids and paths are never broken by inserted line breaks (the terminal wraps them, a copy
    # gives them whole)
    console.print(
        Text(str(rec.get("headline") or rec.get("name") or rec["id"]), style="bold"), soft_wrap=True
    )
    console.print(
        Text(
            f"{rec['id']}\nsource {src['fileName']} ({src['byteLength']} bytes, {src['detectedEncoding']}, "
            f"{src['sourceFormat']}); {len(changes)} changes"
        ),
        soft_wrap=True,
    )
    status = 0
    for target, group in by_target.items():
        if args.field and target != args.field:
            continue
        if target in ("text", "layout", "bytes"):
            continue
        final = _final_text(rec, target)
        if final is None:
            continue
        original = undo(final, group, target)
        if replay(original, group, target) != final:
            err.print(f"{_PROG}: {target}: the change log does not replay to the record's text", markup=False)
            status = 1
        console.print(
            Panel(
                _render(original, map_to_origin(group, target)),
                title=f"{target}: as parsed",
                title_align="left",
            )
        )
        _print_changes(console, group)
    text_changes = by_target.get("text", []) + by_target.get("layout", [])
    if text_changes and (not args.field or args.field == "text"):
        status = max(status, _source_view(console, err, rec, item, args, text_changes))
    return status


def _source_view(
    console: Console,
    err: Console,
    rec: dict[str, Any],
    item: _Item,
    args: argparse.Namespace,
    changes: list[Change],
) -> int:
    path, looked = _find_source(rec, item, args)
    if path is None:
        name = rec["wasDerivedFrom"]["fileName"]
        places = "".join(f"\n  {p}" for p in looked)
        err.print(
            f"{_PROG}: source file {name} not found; looked in:{places}\n"
            "give it with --source FILE (or --root DIR, --archive DIR); source-text view skipped",
            markup=False,
        )
        return 0
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{_PROG}: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if hashlib.sha256(data).hexdigest() != rec["wasDerivedFrom"]["sha256"]:
        print(f"{_PROG}: {path}: not the record's source (sha256 differs)", file=sys.stderr)
        return 1
    from .. import pipeline
    from .._document import Document

    doc = Document(source=data, name=str(rec["wasDerivedFrom"]["fileName"]))
    pipeline.detect(doc)
    pipeline.decode(doc)
    pipeline.repair_mojibake(doc)
    moj = [c for c in changes if c.step == "mojibake"]
    spans: list[tuple[Change, int, int]] = []
    shift = 0
    for c in sorted(moj, key=lambda c: c.start):  # mojibake spans moved into repaired-text coordinates
        spans.append((c, c.start + shift, c.start + shift + len(c.after if c.applied else c.before)))
        if c.applied:
            shift += len(c.after) - (c.end - c.start)
    spans += [(c, c.start, c.end) for c in changes if c.step != "mojibake"]
    console.print(Text(f"source text: {path}", style="bold"), soft_wrap=True)  # in full: a panel title is cut
    text, title = doc.text, "source text"
    if rec.get("position") and spans:  # one article of a page: show its part of the page
        lo = max(0, min(s for _c, s, _e in spans) - 80)
        hi = min(len(text), max(e for _c, _s, e in spans) + 80)
        text = text[lo:hi]
        spans = [(c, s - lo, e - lo) for c, s, e in spans]
        title += f" (characters {lo}-{hi}, the part of the page this article comes from)"
    console.print(Panel(_render(text, spans), title=title, title_align="left"))
    _print_changes(console, [c for c in changes if c.kind != "article.split"])
    return 0
