"""The :class:`Archive`: one OCFL 1.1 storage root of normalized documents, for writing and reading."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .._version import __version__
from ._ids import KeyError_, derive_id
from ._index import Entry, Index, _object_dirs
from ._inventory import ROOT_NAMASTE, ROOT_NAMASTE_TEXT, Inventory, InventoryError, vnum
from ._layout import DESCRIPTION, EXTENSION, Layout
from ._reader import (
    Diff,
    PathDiff,
    Record,
    Source,
    VersionInfo,
    json_field_changes,
    state_changes,
    version_info,
)
from ._writer import ConflictError, StagedFile, Writer, read_inventory, write_file

_ASCII_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,120}")
_ASCII_EXT = re.compile(r"\.[A-Za-z0-9]{1,12}")
TOOL = "normalize"


class RecordLike(Protocol):
    """What :meth:`Archive.ingest` needs of a record (``normalize.pipeline.RecordOut``; a quarantined
    one also has ``errors``, read with ``getattr``)."""

    id: str
    bytes: bytes


class ResultLike(Protocol):
    """What :meth:`Archive.ingest` needs of a pipeline result (``normalize.pipeline.Result``)."""

    name: str
    source: bytes
    error: str | None

    @property
    def records(self) -> Sequence[RecordLike]: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    @property
    def fields(self) -> Mapping[str, Any]: ...


class ArchiveError(Exception):
    """A user-facing archive problem (not an archive, unknown object or version, …)."""


@dataclass(frozen=True)
class IngestOutcome:
    """What :meth:`Archive.ingest` did."""

    status: str
    """``created``, ``updated`` or ``unchanged``."""
    object_id: str
    version: int
    message: str


def workdir_for(root: Path) -> Path:
    """The work directory of a storage root: ``<parent>/.<root name>.work`` (same filesystem, outside)."""
    root = root.resolve()
    return root.parent / f".{root.name}.work"


def _content_name(filename: str) -> str:
    """An ASCII content file name for a source file name (the logical path keeps the original)."""
    if _ASCII_NAME.fullmatch(filename):
        return filename
    ext = os.path.splitext(filename)[1]
    return "source" + (ext if _ASCII_EXT.fullmatch(ext) else "")


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


class Archive:
    """An OCFL 1.1 storage root holding one object per source document.

    Each object's logical content (every version):

    * ``source/<original file name>`` — the exact source bytes, never altered;
    * ``records/001.jsonld``, ``records/002.jsonld``, … — the canonical records made from it (none when the
      document failed);
    * ``invalid/001.jsonld`` … — records that failed validation (quarantined: kept, never among the
      records; :meth:`records`, exports and ``verify`` read ``records/`` only);
    * ``provenance.json`` — ``status`` (``ok``/``failed``/``invalid``), ``error``, ``warnings``,
      ``invalid`` (path, record id, sha256 and schema errors of each quarantined record), ``source``
      (``name`` relative to the ingest root, ``path``, ``size``, ``sha256``), ``key`` (how the id was
      derived), ``records`` (path, record id, sha256 each) and ``tool`` (name, version).

    Version ``created`` times, messages and the user live in the inventory only.  Use :meth:`open`.
    """

    def __init__(self, root: Path, layout: Layout, *, durable: bool = True) -> None:
        self.root = root
        self.layout = layout
        self.workdir = workdir_for(root)
        self.durable = durable
        self.user = {"name": f"{TOOL} {__version__}", "address": "urn:normalize:tool"}
        self._writer: Writer | None = None
        self._index: Index | None = None

    # -- opening --------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], create: bool = False, *, durable: bool = True) -> Archive:
        """Open the storage root at ``path``; with ``create=True`` make it first if it does not exist.

        ``durable=False`` skips fsync (still safe against killed processes, not against power loss).
        Raises :class:`ArchiveError` if ``path`` is not an OCFL storage root.
        """
        root = Path(path)
        if not (root / ROOT_NAMASTE).is_file():
            if not create:
                raise ArchiveError(f"{root}: not an OCFL storage root (no {ROOT_NAMASTE})")
            if root.exists() and any(root.iterdir()):
                raise ArchiveError(f"{root}: exists, is not empty and is not an OCFL storage root")
            cls._initialize(root)
        try:
            layout_decl = json.loads((root / "ocfl_layout.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"{root}: cannot read ocfl_layout.json: {exc}") from exc
        if layout_decl.get("extension") != EXTENSION:
            raise ArchiveError(f"{root}: layout {layout_decl.get('extension')!r} is not supported")
        return cls(root, Layout.load(root), durable=durable)

    @staticmethod
    def _initialize(root: Path) -> None:
        """Build a new root beside ``root`` and rename it into place (so two processes may race here)."""
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = root.parent / f".{root.name}.init-{os.getpid()}-{os.urandom(4).hex()}"
        ext = tmp / "extensions" / EXTENSION
        ext.mkdir(parents=True)
        write_file(ext / "config.json", _json_bytes(Layout().config()), durable=True)
        decl = {"extension": EXTENSION, "description": DESCRIPTION}
        write_file(tmp / "ocfl_layout.json", _json_bytes(decl), durable=True)
        write_file(tmp / ROOT_NAMASTE, ROOT_NAMASTE_TEXT.encode("ascii"), durable=True)
        try:
            os.rename(tmp, root)  # replaces an empty directory; fails if another process got there first
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (root / ROOT_NAMASTE).is_file():
                raise

    def close(self) -> None:
        """Release the writer token and the index connection."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index(self) -> Index:
        """The derived SQLite index (built on first use)."""
        if self._index is None:
            self._index = Index(self.root, self.workdir / "index.sqlite")
            if self._index.empty():
                self._index.rebuild()
        return self._index

    @property
    def writer(self) -> Writer:
        """This process's writer; created on first use, after recovering what dead writers left."""
        if self._writer is None:
            self._writer = Writer(self.root, self.workdir, durable=self.durable)
            self._writer.on_recovered = self._reindex_id
            self._writer.recover()
        return self._writer

    def _reindex_id(self, object_id: str) -> None:
        path = self.layout.object_path(object_id)
        self.index.put_path(path)
        self.index.mark_bucket(path)

    def recover(self) -> list[str]:
        """Roll forward what killed writers left (runs automatically before the first write)."""
        return self.writer.recover()

    # -- writing --------------------------------------------------------------------------------------

    def object_path(self, object_id: str) -> Path:
        """The object root directory of ``object_id`` (whether or not it exists)."""
        return self.root / self.layout.object_path(object_id)

    def object_id_for(self, result: ResultLike, key: str = "path") -> tuple[str, str, str]:
        """``(object id, key used, note)`` of ``result`` by ``key`` (``path``, ``url`` or
        ``field:NAME``, see :mod:`normalize.archive._ids`).  A document lacking the keyed value is
        keyed by path instead, and ``note`` says so (it is "" otherwise): callers show it, so the
        fallback is never silent.  Raises :class:`ArchiveError` for an unknown key or no path."""
        try:
            return derive_id(key, result.name, result.fields), key, ""
        except KeyError_ as exc:
            if key == "path":
                raise ArchiveError(f"{result.name or '?'}: {exc}") from exc
            object_id = derive_id("path", result.name, result.fields)
            return object_id, "path", f"{exc}; keyed by path instead: {object_id}"
        except ValueError as exc:
            raise ArchiveError(str(exc)) from exc

    def ingest(self, result: ResultLike, *, object_id: str | None = None, key: str = "path") -> IngestOutcome:
        """Archive one pipeline result as a new object or a new version of its object.

        The id is ``object_id`` if given (``key`` then names how it was derived), else derived by
        ``key`` (:meth:`object_id_for`; a document lacking the keyed value falls back to ``path``).
        Nothing is written when the source bytes, records, error and warnings equal the head's (the
        software versions alone, normalize's or a converter's, do not make a new version).  A failed
        document is archived with its error; records that failed validation (``result.quarantined``)
        are kept in ``invalid/`` with their errors, and the provenance status is then ``invalid``.
        """
        note = ""
        used_key = key
        if object_id is None:
            object_id, used_key, note = self.object_id_for(result, key)
            if note:
                note = f" ({note})"
        files, provenance = self._files(result, used_key, object_id)
        objpath = self.layout.object_path(object_id)
        w = self.writer
        for _attempt in range(5):
            with w.locked(object_id):
                outcome = self._ingest_locked(object_id, objpath, files, provenance)
                if outcome is None:
                    continue
            if outcome.status != "unchanged":
                self.index.put_path(objpath)
                self.index.mark_bucket(objpath)
            return IngestOutcome(outcome.status, outcome.object_id, outcome.version, outcome.message + note)
        raise ArchiveError(f"{object_id}: gave up after repeated concurrent changes")

    def _files(self, result: ResultLike, key: str, object_id: str) -> tuple[list[StagedFile], dict[str, Any]]:
        filename = result.name.replace("\\", "/").rsplit("/", 1)[-1] or "source"
        src = StagedFile(f"source/{filename}", f"source/{_content_name(filename)}", bytes(result.source))
        files = [src]
        recs: list[dict[str, Any]] = []
        for i, rec in enumerate(result.records, 1):
            path = f"records/{i:03d}.jsonld"
            files.append(StagedFile(path, path, bytes(rec.bytes)))
            recs.append({"path": path, "id": rec.id, "sha256": hashlib.sha256(rec.bytes).hexdigest()})
        invalid: list[dict[str, Any]] = []
        for i, rec in enumerate(getattr(result, "quarantined", ()), 1):
            path = f"invalid/{i:03d}.jsonld"
            files.append(StagedFile(path, path, bytes(rec.bytes)))
            sha = hashlib.sha256(rec.bytes).hexdigest()
            invalid.append({"path": path, "id": rec.id, "sha256": sha, "errors": list(rec.errors)})
        key_value = (
            result.name
            if key == "path"
            else str(
                result.fields.get("url") if key == "url" else result.fields.get(key.removeprefix("field:"))
            )
        )
        provenance: dict[str, Any] = {
            "status": "invalid" if invalid else "failed" if result.error else "ok",
            "error": result.error,
            "warnings": list(result.warnings),
            "source": {"name": result.name, "path": src.logical, "size": len(src.data), "sha256": src.sha256},
            "key": {"kind": key, "value": key_value, "id": object_id},
            "records": recs,
            "tool": {"name": TOOL, "version": __version__},
        }
        if invalid:
            provenance["invalid"] = invalid
        files.append(StagedFile("provenance.json", "provenance.json", _json_bytes(provenance)))
        return files, provenance

    def _ingest_locked(
        self, object_id: str, objpath: str, files: list[StagedFile], provenance: dict[str, Any]
    ) -> IngestOutcome | None:
        objdir = self.root / objpath
        w = self.writer
        if not objdir.exists():
            message = f"ingest {provenance['source']['name']}"
            if provenance["error"]:
                message += f" (failed: {provenance['error']})"
            try:
                inv = w.commit(object_id, objpath, None, b"", files, message=message, user=self.user)
            except ConflictError:
                return None
            return IngestOutcome("created", object_id, inv.head, message)
        try:
            base, side = read_inventory(objdir)
        except (InventoryError, OSError) as exc:
            raise ArchiveError(f"{object_id}: cannot read the object: {exc}") from exc
        if base.id != object_id:
            raise ArchiveError(f"{objdir}: holds {base.id!r}, not {object_id!r}")
        if w.roll_forward(objdir):
            return None  # it lagged behind a killed writer's commit; re-read
        head = base.version(base.head)
        new_state = {f.logical: f.sha512 for f in files}
        old_prov = self._head_provenance(objdir, base)
        if new_state == head.state or self._same_but_versions(objdir, base, files, old_prov, provenance):
            return IngestOutcome("unchanged", object_id, base.head, "unchanged")
        message = _why(head.state, new_state, old_prov, provenance)
        try:
            inv = w.commit(object_id, objpath, base, side, files, message=message, user=self.user)
        except ConflictError:
            return None
        return IngestOutcome("updated", object_id, inv.head, message)

    def _same_but_versions(
        self,
        objdir: Path,
        inv: Inventory,
        files: list[StagedFile],
        old_prov: Mapping[str, Any],
        prov: Mapping[str, Any],
    ) -> bool:
        """Whether ``files`` differ from the head only in the software versions they name.

        A record names the versions of normalize and of the converters it ran (lxml, OpenCC ...), and
        the provenance names normalize's.  A re-run under a newer release of any of them that writes
        the same records otherwise has nothing new to record: the head's records stay, and still say
        truly what made them.  Records whose bytes differ are read back only here, so an unchanged
        re-run costs no parsing.
        """
        state = inv.version(inv.head).state
        if {f.logical for f in files} != state.keys():
            return False
        for f in files:
            if f.logical == "provenance.json" or state[f.logical] == f.sha512:
                continue
            if not f.logical.startswith(("records/", "invalid/")):
                return False
            try:
                old = (objdir / inv.content_path(state[f.logical])).read_bytes()
                if _versionless(json.loads(old)) != _versionless(json.loads(f.data)):
                    return False
            except (OSError, ValueError):
                return False
        return _versionless_provenance(old_prov) == _versionless_provenance(prov)

    def _head_provenance(self, objdir: Path, inv: Inventory) -> dict[str, Any]:
        digest = inv.version(inv.head).state.get("provenance.json")
        if digest is None:
            return {}
        try:
            data = json.loads((objdir / inv.content_path(digest)).read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # -- reading --------------------------------------------------------------------------------------

    def _inventory(self, object_id: str) -> tuple[Path, Inventory]:
        objdir = self.object_path(object_id)
        if not objdir.is_dir():
            raise ArchiveError(f"no object {object_id!r} in {self.root}")
        try:
            inv, _ = read_inventory(objdir)
        except (InventoryError, OSError) as exc:
            raise ArchiveError(f"{object_id}: cannot read the inventory: {exc}") from exc
        return objdir, inv

    def _version(self, inv: Inventory, version: int | str | None) -> int:
        if version is None or version == "head":
            return inv.head
        try:
            n = version if isinstance(version, int) else vnum(version)
        except ValueError as exc:
            raise ArchiveError(str(exc)) from exc
        if not 1 <= n <= inv.head:
            raise ArchiveError(f"{inv.id}: no version v{n} (head is v{inv.head})")
        return n

    def ids(self, prefix: str | None = None) -> list[str]:
        """All object ids (from the index, refreshed for buckets changed on disk), sorted."""
        self.index.refresh()
        return [e.id for e in self.index.entries(prefix)]

    def entries(self, prefix: str | None = None) -> list[Entry]:
        """Index entries (id, path, head, created, source name, status, record count), sorted by id."""
        self.index.refresh()
        return self.index.entries(prefix)

    def __contains__(self, object_id: object) -> bool:
        return isinstance(object_id, str) and (self.object_path(object_id) / "inventory.json").exists()

    def resolve(self, object_id: str, version: int | str | None = None) -> int:
        """The number of ``version`` (``3``, ``"v3"``, ``"head"``/None) of an object; checks it exists."""
        return self._version(self._inventory(object_id)[1], version)

    def head(self, object_id: str) -> int:
        """The head version number of an object."""
        return self._inventory(object_id)[1].head

    def records(self, object_id: str, version: int | str | None = None) -> list[Record]:
        """The records of an object at ``version`` (``3``, ``"v3"``; default: head), in order."""
        objdir, inv = self._inventory(object_id)
        return self._records(objdir, inv, self._version(inv, version))

    def _records(self, objdir: Path, inv: Inventory, n: int) -> list[Record]:
        v = inv.version(n)
        out: list[Record] = []
        for path in sorted(p for p in v.state if p.startswith("records/")):
            digest = v.state[path]
            raw = (objdir / inv.content_path(digest)).read_bytes()
            out.append(Record(inv.id, n, v.created, path, json.loads(raw), raw, digest))
        return out

    def source(self, object_id: str, version: int | str | None = None) -> Source:
        """The exact source bytes of an object at ``version`` (default: head)."""
        objdir, inv = self._inventory(object_id)
        n = self._version(inv, version)
        state = inv.version(n).state
        path = next(p for p in sorted(state) if p.startswith("source/"))
        data = (objdir / inv.content_path(state[path])).read_bytes()
        return Source(inv.id, n, path, data, state[path])

    def provenance(self, object_id: str, version: int | str | None = None) -> dict[str, Any]:
        """The parsed ``provenance.json`` of an object at ``version`` (default: head)."""
        objdir, inv = self._inventory(object_id)
        n = self._version(inv, version)
        digest = inv.version(n).state.get("provenance.json")
        if digest is None:
            return {}
        data = json.loads((objdir / inv.content_path(digest)).read_bytes())
        return data if isinstance(data, dict) else {}

    def file(self, object_id: str, logical_path: str, version: int | str | None = None) -> bytes:
        """Any logical file of an object at ``version`` (default: head)."""
        objdir, inv = self._inventory(object_id)
        state = inv.version(self._version(inv, version)).state
        if logical_path not in state:
            raise ArchiveError(f"{object_id}: no {logical_path!r}")
        return (objdir / inv.content_path(state[logical_path])).read_bytes()

    def history(self, object_id: str) -> list[VersionInfo]:
        """Every version of an object, oldest first, with what changed in each (from the inventory only)."""
        _, inv = self._inventory(object_id)
        return [version_info(inv, v) for v in inv.versions()]

    def diff(self, object_id: str, a: int | str, b: int | str) -> Diff:
        """What differs between versions ``a`` and ``b``: paths, and top-level fields of JSON files."""
        objdir, inv = self._inventory(object_id)
        na, nb = self._version(inv, a), self._version(inv, b)
        va, vb = inv.version(na), inv.version(nb)
        added, removed, modified = state_changes(va.state, vb.state)
        paths: list[PathDiff] = []

        def read(state: dict[str, str], p: str) -> bytes | None:
            return (objdir / inv.content_path(state[p])).read_bytes() if p in state else None

        for change, group in (("modified", modified), ("added", added), ("removed", removed)):
            for p in group:
                fields = []
                if p.endswith((".json", ".jsonld")):
                    fields = json_field_changes(read(va.state, p), read(vb.state, p))
                paths.append(PathDiff(p, change, fields))
        paths.sort(key=lambda d: d.path)
        return Diff(inv.id, version_info(inv, va), version_info(inv, vb), paths)

    def iter_records(self, prefix: str | None = None) -> Iterator[Record]:
        """Stream the head records of every object (sorted by object id), one object at a time."""
        for entry in self.entries(prefix):
            objdir = self.root / entry.path
            try:
                inv, _ = read_inventory(objdir)
            except (InventoryError, OSError):
                continue
            yield from self._records(objdir, inv, inv.head)

    def iter_objects(self) -> Iterator[Path]:
        """Walk the storage root for object directories (no index)."""
        yield from _object_dirs(self.root)

    # -- derived outputs ------------------------------------------------------------------------------

    def reindex(self) -> int:
        """Rebuild the SQLite index from the storage root; returns the object count."""
        return self.index.rebuild()

    def export_jsonl(self, out: str | os.PathLike[str], prefix: str | None = None) -> int:
        """Write every head record as one JSON line (see :mod:`._export`); returns the count."""
        from ._export import export_jsonl

        return export_jsonl(self, Path(out), prefix)

    def export_parquet(self, out: str | os.PathLike[str], prefix: str | None = None) -> int:
        """Write every head record as one Parquet row (see :mod:`._export`); returns the count."""
        from ._export import export_parquet

        return export_parquet(self, Path(out), prefix)

    def verify(self, *, records: bool = True, ids: Sequence[str] | None = None) -> Any:
        """Validate every object (or ``ids``) with ocfl-py and every head record against the schemas."""
        from ._verify import verify_root

        paths = None if ids is None else [self.object_path(i) for i in ids]
        return verify_root(self.root, objects=paths, records=records)


def _without(value: Any, key: str) -> Any:
    """``value`` without ``key`` if it is a mapping; each item so if it is a list; else itself."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without(v, key) for v in value]
    return value


def _versionless(record: Any) -> Any:
    """A record without the software versions its activity names (``wasGeneratedBy``)."""
    if not isinstance(record, dict) or not isinstance(record.get("wasGeneratedBy"), dict):
        return record
    act = dict(record["wasGeneratedBy"])
    for key in ("wasAssociatedWith", "converter"):
        act[key] = _without(act.get(key), "softwareVersion")
    return {**record, "wasGeneratedBy": act}


def _versionless_provenance(prov: Mapping[str, Any]) -> dict[str, Any]:
    """A provenance without the tool's version and the records' digests (their bytes hold versions)."""
    out = {k: v for k, v in prov.items() if k != "tool"}
    for key in ("records", "invalid"):
        out[key] = _without(out.get(key), "sha256")
    return out


def _why(
    old: dict[str, str], new: dict[str, str], old_prov: Mapping[str, Any], prov: Mapping[str, Any]
) -> str:
    """A version message naming what changed, e.g. ``records changed (normalize 0.1.0 -> 0.2.0)``."""
    reasons: list[str] = []
    old_src = {p: d for p, d in old.items() if p.startswith("source/")}
    new_src = {p: d for p, d in new.items() if p.startswith("source/")}
    if sorted(old_src.values()) != sorted(new_src.values()):
        reasons.append("source changed")
    else:
        was_name = (
            old_prov.get("source", {}).get("name") if isinstance(old_prov.get("source"), dict) else None
        )
        now_name = prov["source"]["name"]
        if was_name and was_name != now_name:
            reasons.append(f"source moved: {was_name} -> {now_name}")
        elif old_src.keys() != new_src.keys():
            reasons.append("source renamed")
    if {p: d for p, d in old.items() if p.startswith("invalid/")} != {
        p: d for p, d in new.items() if p.startswith("invalid/")
    }:
        reasons.append("quarantined records changed")
    old_rec = {p: d for p, d in old.items() if p.startswith("records/")}
    new_rec = {p: d for p, d in new.items() if p.startswith("records/")}
    if old_rec != new_rec:
        if len(old_rec) != len(new_rec):
            reasons.append(f"records changed ({len(old_rec)} -> {len(new_rec)})")
        else:
            reasons.append("records changed")
    was, now = old_prov.get("error"), prov.get("error")
    if was and not now:
        reasons.append("now parses")
    elif now and not was:
        reasons.append(f"now fails: {now}")
    elif was != now:
        reasons.append(f"error changed: {now}")
    if old_prov.get("warnings") != prov.get("warnings"):
        reasons.append("warnings changed")
    if not reasons:
        reasons.append("provenance changed")
    msg = "; ".join(reasons)
    old_v = old_prov.get("tool", {}).get("version") if isinstance(old_prov.get("tool"), dict) else None
    new_v = prov["tool"]["version"]
    if old_v and old_v != new_v:
        msg += f" ({TOOL} {old_v} -> {new_v})"
    return msg
