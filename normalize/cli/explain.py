"""``normalize explain RECORD``: show the text behind a record with every change highlighted.

Field changes (script, pinyin, punctuation, whitespace, paragraphs ...) are
undone from the record alone, so the text as parsed is shown with each change
marked on it.  With the source file (``--source``, or found beside the record
or under ``--root`` by its recorded file name, and checked against the recorded
sha256), the decoded source text is shown too, with what parsing lifted,
removed or moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .._document import Change
from .._edits import map_to_origin, replay, undo

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
    parser.add_argument("record", type=Path, help="a record file (.jsonld)")
    parser.add_argument("--source", type=Path, help="the source file (default: found by its recorded name)")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="folder the source's name is relative to"
    )
    parser.add_argument("--field", help="show only this target (e.g. articleBody, headline, text)")
    parser.add_argument("--width", type=int, default=None, help="output width")


def _style(kind: str, applied: bool) -> str:
    if not applied:
        return "bold yellow underline"
    return STYLES.get(kind.split(".")[0], "bold")


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "wasGeneratedBy" not in data:
        raise ValueError("not a normalize record (no wasGeneratedBy)")
    return data


def _final_text(rec: dict[str, Any], target: str) -> str | None:
    value: Any = rec
    for part in target.split("/"):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            if part == "attachments":
                part = "hasPart"
            value = value.get(part)
        else:
            return None
    return value if isinstance(value, str) else None


def _find_source(rec: dict[str, Any], args: argparse.Namespace) -> Path | None:
    if args.source is not None:
        source: Path = args.source
        return source
    name = str(rec["wasDerivedFrom"]["fileName"])
    bases: list[Path] = [args.root, args.record.parent, Path(".")]
    for base in bases:
        cand = base / name
        if cand.is_file():
            return cand
    return None


def _render(text: str, spans: list[tuple[Change, int, int]]) -> Text:
    out = Text(text)
    for c, s, e in spans:
        if e > s:
            out.stylize(_style(c.kind, c.applied), s, e)
    return out


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
    err = Console(stderr=True, highlight=False)
    try:
        rec = _load(args.record)
    except (OSError, ValueError) as exc:
        print(f"normalize explain: {args.record}: {exc}", file=sys.stderr)
        return 1
    changes = [Change.from_dict(c) for c in rec["wasGeneratedBy"]["changes"]]
    by_target: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_target[c.target].append(c)
    src = rec["wasDerivedFrom"]
    console.print(f"[bold]{rec.get('headline') or rec.get('name') or rec['id']}[/bold]")
    console.print(
        f"{rec['id']}\nsource {src['fileName']} ({src['byteLength']} bytes, {src['detectedEncoding']}, "
        f"{src['sourceFormat']}); {len(changes)} changes"
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
            err.print(f"normalize explain: {target}: the change log does not replay to the record's text")
            status = 1
        console.print(
            Panel(
                _render(original, map_to_origin(group, target)),
                title=f"{target}: as parsed",
                title_align="left",
            )
        )
        console.print(_table(group))
    text_changes = by_target.get("text", []) + by_target.get("layout", [])
    if text_changes and (not args.field or args.field == "text"):
        status = max(status, _source_view(console, err, rec, args, text_changes))
    return status


def _source_view(
    console: Console, err: Console, rec: dict[str, Any], args: argparse.Namespace, changes: list[Change]
) -> int:
    path = _find_source(rec, args)
    if path is None:
        console.print("[dim]source file not found (use --source) — source-text view skipped[/dim]")
        return 0
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != rec["wasDerivedFrom"]["sha256"]:
        print(f"normalize explain: {path}: not the record's source (sha256 differs)", file=sys.stderr)
        return 1
    from .. import pipeline
    from .._document import Document

    doc = Document(source=data, name=path.name)
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
    text, title = doc.text, f"source text: {path}"
    if rec.get("position") and spans:  # one article of a page: show its part of the page
        lo = max(0, min(s for _c, s, _e in spans) - 80)
        hi = min(len(text), max(e for _c, _s, e in spans) + 80)
        text = text[lo:hi]
        spans = [(c, s - lo, e - lo) for c, s, e in spans]
        title += f" (characters {lo}-{hi}, the part of the page this article comes from)"
    console.print(Panel(_render(text, spans), title=title, title_align="left"))
    console.print(_table([c for c in changes if c.kind != "article.split"]))
    return 0
