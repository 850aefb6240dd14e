"""A derived SQLite index of the storage root, for fast ``ls`` and lookups.

It lives in the work directory (``<parent>/.<root name>.work/index.sqlite``), is never the source of truth
and is never committed: :meth:`Index.rebuild` recreates it from the inventories at any time.  Writers update
it after each commit.  Objects added behind its back (``git pull``, a copy) are noticed by :meth:`refresh`,
which compares each bucket directory's mtime with the one recorded and rescans only changed buckets.  New
versions of existing objects arriving that way need ``normalize archive reindex``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ._inventory import InventoryError
from ._writer import read_inventory

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, head INTEGER NOT NULL, created TEXT NOT NULL,
    name TEXT NOT NULL, status TEXT NOT NULL, records INTEGER NOT NULL, bucket TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_bucket ON objects(bucket);
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Entry:
    """One object as the index knows it."""

    id: str
    path: str
    head: int
    created: str
    name: str
    status: str
    records: int


def entry_for(root: Path, path: str) -> Entry | None:
    """Read an object's index entry from its inventory and head ``provenance.json``; None if unreadable."""
    objdir = root / path
    try:
        inv, _ = read_inventory(objdir)
        version = inv.version(inv.head)
        name, status = "", "?"
        digest = version.state.get("provenance.json")
        if digest is not None:
            prov = json.loads((objdir / inv.content_path(digest)).read_bytes())
            name = str(prov.get("source", {}).get("name", ""))
            status = str(prov.get("status", "?"))
        records = sum(1 for p in version.state if p.startswith("records/"))
        return Entry(inv.id, path, inv.head, version.created, name, status, records)
    except (OSError, InventoryError, KeyError, ValueError):
        return None


def _object_dirs(top: Path) -> Iterator[Path]:
    """Object roots under ``top`` (directories holding a ``0=ocfl_object_*`` file)."""
    for dirpath, dirnames, filenames in os.walk(top):
        if any(f.startswith("0=ocfl_object_") for f in filenames):
            dirnames.clear()
            yield Path(dirpath)
        elif dirpath == str(top):
            dirnames[:] = [d for d in dirnames if d != "extensions"]


class Index:
    """The SQLite index of one storage root."""

    def __init__(self, root: Path, db: Path) -> None:
        self.root = root
        self.db = db
        db.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(db, timeout=60, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def _bucket(self, path: str) -> str:
        return path.split("/", 1)[0] if "/" in path else ""

    def put(self, entry: Entry) -> None:
        """Insert or replace one object's entry."""
        self.conn.execute(
            "INSERT OR REPLACE INTO objects VALUES (?,?,?,?,?,?,?,?)",
            (
                entry.id,
                entry.path,
                entry.head,
                entry.created,
                entry.name,
                entry.status,
                entry.records,
                self._bucket(entry.path),
            ),
        )

    def put_path(self, path: str) -> None:
        """Re-read one object from disk into the index (or drop it if gone)."""
        entry = entry_for(self.root, path)
        if entry is None:
            self.conn.execute("DELETE FROM objects WHERE path = ?", (path,))
        else:
            self.put(entry)

    def empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM buckets LIMIT 1").fetchone() is None and (
            self.conn.execute("SELECT 1 FROM objects LIMIT 1").fetchone() is None
        )

    def _buckets_on_disk(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with os.scandir(self.root) as it:
            for e in it:
                if e.is_dir() and e.name != "extensions":
                    out[e.name] = e.stat().st_mtime_ns
        return out

    def _scan_bucket(self, name: str) -> None:
        self.conn.execute("DELETE FROM objects WHERE bucket = ?", (name,))
        for objdir in _object_dirs(self.root / name):
            entry = entry_for(self.root, objdir.relative_to(self.root).as_posix())
            if entry is not None:
                self.put(entry)

    def rebuild(self) -> int:
        """Recreate the index from the storage root; returns the number of objects."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM objects")
            self.conn.execute("DELETE FROM buckets")
            for name, mtime in sorted(self._buckets_on_disk().items()):
                self._scan_bucket(name)
                self.conn.execute("INSERT INTO buckets VALUES (?,?)", (name, mtime))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        row = self.conn.execute("SELECT count(*) FROM objects").fetchone()
        return int(row[0])

    def refresh(self) -> None:
        """Rescan the buckets whose directory changed since they were indexed (cheap when none did)."""
        disk = self._buckets_on_disk()
        known = dict(self.conn.execute("SELECT name, mtime_ns FROM buckets").fetchall())
        changed = [b for b, m in disk.items() if known.get(b) != m]
        gone = [b for b in known if b not in disk]
        if not changed and not gone:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for b in gone:
                self.conn.execute("DELETE FROM objects WHERE bucket = ?", (b,))
                self.conn.execute("DELETE FROM buckets WHERE name = ?", (b,))
            for b in changed:
                self._scan_bucket(b)
                self.conn.execute("INSERT OR REPLACE INTO buckets VALUES (?,?)", (b, disk[b]))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def mark_bucket(self, path: str) -> None:
        """Record the current mtime of ``path``'s bucket (after this process changed it)."""
        b = self._bucket(path)
        try:
            mtime = (self.root / b).stat().st_mtime_ns
        except FileNotFoundError:
            return
        self.conn.execute("INSERT OR REPLACE INTO buckets VALUES (?,?)", (b, mtime))

    def entries(self, prefix: str | None = None) -> list[Entry]:
        """All entries, sorted by id (those starting with ``prefix`` if given)."""
        if prefix:
            rows = self.conn.execute(
                "SELECT id, path, head, created, name, status, records FROM objects "
                "WHERE id >= ? AND id < ? ORDER BY id",
                (prefix, prefix + "\U0010ffff"),
            ).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT id, path, head, created, name, status, records FROM objects ORDER BY id"
            ).fetchall()
        return [Entry(*r) for r in rows]

    def get(self, object_id: str) -> Entry | None:
        """The entry of one object, if indexed."""
        row = self.conn.execute(
            "SELECT id, path, head, created, name, status, records FROM objects WHERE id = ?", (object_id,)
        ).fetchone()
        return Entry(*row) if row else None
