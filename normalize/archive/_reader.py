"""Read-side value types and helpers: versions, records, differences between versions.

Reading takes no lock.  It trusts the root inventory when its sidecar matches and no newer version directory
exists, else the newest version directory's inventory (see :func:`._writer.read_inventory`), so a reader
never sees a partial version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._inventory import Inventory, Version


@dataclass(frozen=True)
class VersionInfo:
    """One version of an object, as :meth:`Archive.history` reports it."""

    version: int
    created: str
    message: str
    user: dict[str, str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    """Logical paths changed relative to the previous version."""

    @property
    def name(self) -> str:
        return f"v{self.version}"


@dataclass(frozen=True)
class Record:
    """One archived record: the parsed JSON-LD, its exact bytes and where it came from."""

    object_id: str
    version: int
    created: str
    path: str
    """Logical path inside the object (``records/001.jsonld``)."""
    data: dict[str, Any]
    raw: bytes
    sha512: str


@dataclass(frozen=True)
class Source:
    """An object's source document at one version: exact bytes and its logical path."""

    object_id: str
    version: int
    path: str
    """``source/<original file name>``."""
    data: bytes
    sha512: str

    @property
    def filename(self) -> str:
        return self.path.removeprefix("source/")


@dataclass(frozen=True)
class FieldChange:
    """One top-level field of a record that differs between two versions."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class PathDiff:
    """One logical path that differs between two versions."""

    path: str
    change: str
    """``added``, ``removed`` or ``modified``."""
    fields: list[FieldChange] = field(default_factory=list)
    """For JSON files (records, provenance): the top-level fields that changed."""


@dataclass(frozen=True)
class Diff:
    """The difference between two versions of one object."""

    object_id: str
    a: VersionInfo
    b: VersionInfo
    paths: list[PathDiff]

    @property
    def empty(self) -> bool:
        return not self.paths


def state_changes(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(added, removed, modified) logical paths between two states."""
    added = sorted(p for p in new if p not in old)
    removed = sorted(p for p in old if p not in new)
    modified = sorted(p for p in new if p in old and old[p] != new[p])
    return added, removed, modified


def version_info(inv: Inventory, v: Version) -> VersionInfo:
    """A :class:`VersionInfo` with the paths changed since the previous version."""
    prev = inv.version(v.number - 1).state if v.number > 1 else {}
    added, removed, modified = state_changes(prev, v.state)
    return VersionInfo(v.number, v.created, v.message, v.user, added, removed, modified)


def json_field_changes(before: bytes | None, after: bytes | None) -> list[FieldChange]:
    """Top-level fields that differ between two JSON objects (missing side = ``None``)."""
    try:
        a = json.loads(before) if before is not None else {}
        b = json.loads(after) if after is not None else {}
    except ValueError:
        return []
    if not isinstance(a, dict) or not isinstance(b, dict):
        return [FieldChange("$", a, b)] if a != b else []
    keys = list(dict.fromkeys([*a.keys(), *b.keys()]))
    return [FieldChange(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]
