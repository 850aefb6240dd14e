"""Verification: every object with ocfl-py's validator (independent of our writer), the storage root's own
rules, and every head record against the JSON Schemas.

ocfl-py validates object by object here, because its storage-root validation reports success even when
objects inside are invalid.  ``verify_path`` accepts a storage root or a single object directory.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._inventory import ROOT_NAMASTE, ROOT_NAMASTE_TEXT
from ._layout import EXTENSION, Layout


@dataclass
class ObjectReport:
    """The verdict on one object (or on the storage root itself, with ``object_id`` empty)."""

    path: str
    object_id: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "object"
    """``object``, or ``root`` for the storage root's own checks."""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Report:
    """The verdicts of one verification run."""

    objects: list[ObjectReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.objects)

    @property
    def errors(self) -> int:
        return sum(len(o.errors) for o in self.objects)

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.objects)

    def failed(self) -> list[ObjectReport]:
        return [o for o in self.objects if not o.ok]


def _ocfl_validate(path: Path) -> tuple[list[str], list[str]]:
    try:
        from ocfl.validator import Validator
    except ImportError:  # pragma: no cover - ocfl-py is a test/eval dependency
        return ["ocfl-py is not installed (pip install 'normalize[test]'): cannot validate"], []
    v = Validator(check_digests=True, log_warnings=True)
    try:
        v.validate_object(str(path))
    except Exception as exc:  # a broken object can make the validator itself fail
        return [f"validator failed: {type(exc).__name__}: {exc}"], []
    messages: list[str] = list(v.log.messages)
    errors = [m for m in messages if m.startswith("[E")]
    warnings = [m for m in messages if not m.startswith("[E")]
    if errors == [] and v.log.num_errors:
        errors = [m for c, m in v.log.codes.items() if c.startswith("E")]
    return errors, warnings


def _check_records(path: Path, report: ObjectReport) -> None:
    """Validate the head records of an object written by us (it has ``provenance.json``)."""
    from ..validate import validate_record

    try:
        inv = json.loads((path / "inventory.json").read_bytes())
        state = inv["versions"][inv["head"]]["state"]
        manifest = inv["manifest"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # structure errors are ocfl-py's to report
    logical = {p: d for d, ps in state.items() for p in ps}
    if "provenance.json" not in logical:
        return  # not one of ours: no records to check
    for lpath in sorted(p for p in logical if p.startswith("records/")):
        try:
            data = json.loads((path / manifest[logical[lpath]][0]).read_bytes())
        except (OSError, ValueError, KeyError) as exc:
            report.errors.append(f"{lpath}: cannot read: {exc}")
            continue
        for msg in validate_record(data):
            report.errors.append(f"{lpath}: {msg}")


def verify_object(path: Path, *, records: bool = True) -> ObjectReport:
    """Validate one object directory with ocfl-py (digests checked, warnings kept) and its records."""
    report = ObjectReport(str(path))
    with contextlib.suppress(OSError, ValueError, AttributeError):
        report.object_id = str(json.loads((path / "inventory.json").read_bytes()).get("id", ""))
    report.errors, report.warnings = _ocfl_validate(path)
    if records and report.ok:
        _check_records(path, report)
    return report


def _walk(root: Path, rootrep: ObjectReport) -> Iterable[Path]:
    """Object roots under a storage root; notes stray files and empty directories in the hierarchy."""
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if d == root:
            dirnames[:] = sorted(n for n in dirnames if n != "extensions")
            continue
        if any(f.startswith("0=ocfl_object_") for f in filenames):
            dirnames.clear()
            yield d
            continue
        dirnames.sort()
        if filenames:
            rootrep.errors.append(f"[E072] files outside any object: {d.relative_to(root)}/{filenames[0]}")
        if not filenames and not dirnames:
            rootrep.errors.append(f"[E073] empty directory: {d.relative_to(root)}")


def verify_root(
    root: Path, *, objects: Sequence[Path] | None = None, records: bool = True, progress: Any = None
) -> Report:
    """Verify a storage root: its declaration and layout, then each object (or just ``objects``).

    Each object must also sit where the layout puts its id.  ``progress`` (optional) is called once per
    object with its report.
    """
    report = Report()
    rootrep = ObjectReport(str(root), kind="root")
    report.objects.append(rootrep)
    try:
        if (root / ROOT_NAMASTE).read_text(encoding="ascii") != ROOT_NAMASTE_TEXT:
            rootrep.errors.append(f"[E080] {ROOT_NAMASTE} has wrong content")
    except (OSError, UnicodeDecodeError):
        rootrep.errors.append(f"[E069] no {ROOT_NAMASTE}")
    layout: Layout | None = None
    try:
        decl = json.loads((root / "ocfl_layout.json").read_text(encoding="utf-8"))
        if decl.get("extension") == EXTENSION:
            layout = Layout.load(root)
        else:
            rootrep.warnings.append(f"layout {decl.get('extension')!r} not checked")
    except (OSError, ValueError, AttributeError) as exc:
        rootrep.warnings.append(f"no readable ocfl_layout.json ({exc}); object paths not checked")
    todo = list(objects) if objects is not None else list(_walk(root, rootrep))
    for objdir in todo:
        if not objdir.exists():
            rep = ObjectReport(str(objdir), errors=["object directory does not exist"])
        else:
            rep = verify_object(objdir, records=records)
            if layout is not None and rep.object_id:
                want = root / layout.object_path(rep.object_id)
                if want.resolve() != objdir.resolve():
                    rep.errors.append(f"object {rep.object_id!r} is not at its layout path {want}")
        report.objects.append(rep)
        if progress is not None:
            progress(rep)
    return report


def verify_path(path: Path, *, records: bool = True, progress: Any = None) -> Report:
    """Verify ``path``: a storage root (has ``0=ocfl_1.*``) or else a single object directory."""
    if any(path.glob("0=ocfl_1.*")):
        return verify_root(path, records=records, progress=progress)
    report = Report([verify_object(path, records=records)])
    if progress is not None:
        progress(report.objects[0])
    return report
