"""The crash-safe OCFL writer: stage outside the root, install by one rename, replace inventories atomically.

What holds after a SIGKILL at any instant (archive.md §5.2):

* Nothing inside the storage root is ever written in place.  Everything is built under the work directory
  (``<parent>/.<root name>.work/``, same filesystem, outside the root) and moved in with ``rename``.
* **Create** = build the whole object in ``stage/``, ``makedirs`` the bucket, ``rename`` the object root
  into place (the rename fails if the object exists).
* **Update** = stage ``vN+1/`` *and* the new root inventory and sidecar, then ``rename(vN+1)`` (the commit
  point, and a compare-and-swap: it fails if another writer made ``vN+1``), then ``os.replace`` the root
  inventory and then its sidecar.
* Before each commit the writer records an *intent* (object id + path) under ``intents/<token>/``, and
  removes it after.  :func:`recover` (run when a writer starts) finds intents of writers that are gone and
  rolls their objects forward: it installs the inventory of the newest version directory as the root
  inventory when the root one lags or its sidecar does not match, and prunes the empty bucket a killed
  create may leave.  A version directory is either wholly present (it arrived by rename) or absent.
* Writers take the object's stripe ``flock`` (see :mod:`._lock`) and re-check the root sidecar just before
  the commit; readers take no lock.
* Durability (``durable=True``): the staged object and the intent are on disk before the rename, the
  rename before the intent goes.  On Linux the intent is written first, and each of the two barriers is
  one ``syncfs`` of the root's filesystem (:func:`sync_filesystem`), where an fsync of every staged file
  and directory, of the intent and of the directories up to the root took ~18: measured on ext4, 3.8-4.0
  ms an object against 1.3-1.6 ms (the same as no sync at all on that disk).  Elsewhere, the fsyncs (the
  intent written and fsynced after the staged object is).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from ._inventory import (
    OBJECT_NAMASTE,
    OBJECT_NAMASTE_TEXT,
    Inventory,
    InventoryError,
    sidecar_bytes,
    sidecar_matches,
    vname,
)
from ._lock import WriterToken, dead_tokens, flocked, object_lock_path

_VDIR = re.compile(r"v([1-9][0-9]*)")


class ConflictError(RuntimeError):
    """Another writer changed the object between read and commit (the caller retries)."""


@dataclass(frozen=True)
class StagedFile:
    """One file of a new version: its logical path, content path (ASCII) and bytes."""

    logical: str
    content: str
    data: bytes

    @cached_property
    def sha512(self) -> str:
        """The digest of :attr:`data` (computed once: a commit asks for it several times a file)."""
        return hashlib.sha512(self.data).hexdigest()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def write_file(path: Path, data: bytes, *, durable: bool) -> None:
    """Write a new file (never an existing one in the root), optionally fsynced."""
    with open(path, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """fsync a directory so renames into it survive power loss."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(top: Path) -> None:
    for dirpath, _dirs, _files in os.walk(top, topdown=False):
        fsync_dir(Path(dirpath))


@cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` (Linux 2.6.39+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


def can_sync_filesystem() -> bool:
    """Whether :func:`sync_filesystem` is available here."""
    return _syncfs() is not None


def sync_filesystem(path: Path) -> None:
    """Flush every file and directory of the filesystem holding ``path`` to disk (``syncfs``): one
    barrier for a whole staged object, where fsyncing its files and directories one by one waits for
    one journal commit each.  Raises OSError when it fails (Linux 5.8+ reports write-back errors)."""
    fn = _syncfs()
    if fn is None:
        raise OSError(f"{path}: syncfs is not available on this system")
    fd = os.open(path, os.O_RDONLY)
    try:
        if fn(fd) != 0:
            import ctypes

            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)


def version_dirs(objdir: Path) -> list[int]:
    """Version numbers present as directories in an object root, ascending."""
    try:
        names = os.listdir(objdir)
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for n in names if (m := _VDIR.fullmatch(n)))


def read_inventory(objdir: Path) -> tuple[Inventory, bytes]:
    """The authoritative inventory of an object and the sidecar bytes it was checked against.

    The root inventory is used when its sidecar matches and no newer version directory exists; otherwise
    the newest version directory's inventory (complete, since it arrived by rename) is used.  This is
    what readers see during the few syscalls of an update's inventory swap, or after a crash in it.
    """
    try:
        raw = (objdir / "inventory.json").read_bytes()
        side = (objdir / "inventory.json.sha512").read_bytes()
    except FileNotFoundError:
        raw, side = b"", b""
    if raw and sidecar_matches(raw, side):
        inv = Inventory.from_bytes(raw)
        if not (objdir / vname(inv.head + 1)).exists():
            return inv, side
    versions = version_dirs(objdir)
    if not versions:
        raise InventoryError(f"{objdir}: no valid inventory")
    vdir = objdir / vname(versions[-1])
    raw = (vdir / "inventory.json").read_bytes()
    vside = (vdir / "inventory.json.sha512").read_bytes()
    if not sidecar_matches(raw, vside):
        raise InventoryError(f"{vdir}: inventory does not match its sidecar")
    return Inventory.from_bytes(raw), side


class Writer:
    """Writes objects into one storage root.  One per process; holds a :class:`WriterToken`."""

    def __init__(self, root: Path, workdir: Path, *, durable: bool = True) -> None:
        self.root = root
        self.workdir = workdir
        self.durable = durable
        self.token = WriterToken(workdir)
        self.stage = workdir / "stage" / self.token.name
        self.intents = workdir / "intents" / self.token.name
        self.stage.mkdir(parents=True, exist_ok=True)
        self.intents.mkdir(parents=True, exist_ok=True)
        self._n = 0
        self.syncfs = durable and can_sync_filesystem()
        """Whether durability comes from one ``syncfs`` per barrier (else: an fsync per file and folder)."""
        self.on_recovered: Callable[[str], None] | None = None
        self.fault: Callable[[str], None] | None = None
        """Test hook: called with a step name at each crash-relevant point."""

    def close(self) -> None:
        """Remove this writer's staging area and release its token.

        Intents left by a commit that failed midway stay for the next writer's :meth:`recover`.
        """
        shutil.rmtree(self.stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.intents.rmdir()
        self.token.close()

    @property
    def _each(self) -> bool:
        """Whether each staged file is fsynced as it is written (durable, without ``syncfs``)."""
        return self.durable and not self.syncfs

    def _step(self, name: str) -> None:
        if self.fault is not None:
            self.fault(name)

    def _new_stage(self) -> Path:
        self._n += 1
        path = self.stage / str(self._n)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir()
        return path

    @contextlib.contextmanager
    def locked(self, object_id: str) -> Iterator[None]:
        """Hold the object's stripe lock."""
        with flocked(object_lock_path(self.workdir, object_id)):
            yield

    @contextlib.contextmanager
    def _intent(self, object_id: str, objpath: str, *, durable: bool) -> Iterator[None]:
        """Record that ``object_id`` is being committed (``durable``: fsynced at once, else by the
        barrier that follows), for :meth:`recover` should this process die before the end."""
        name = hashlib.sha256(object_id.encode("utf-8")).hexdigest() + ".json"
        path = self.intents / name
        write_file(path, json.dumps({"id": object_id, "path": objpath}).encode("utf-8"), durable=durable)
        try:
            yield
        except ConflictError:
            path.unlink()  # nothing was committed
            raise
        # any other exception leaves the intent for recovery
        path.unlink()

    def _place(self, base: Path, files: list[StagedFile], new: dict[str, tuple[str, str]]) -> None:
        """Write the content files whose digest is new into ``base`` (a staged version directory)."""
        written: set[str] = set()
        for f in files:
            if f.sha512 in new and f.sha512 not in written:
                target = base / f.content
                target.parent.mkdir(parents=True, exist_ok=True)
                write_file(target, f.data, durable=self._each)
                written.add(f.sha512)

    def commit(
        self,
        object_id: str,
        objpath: str,
        base: Inventory | None,
        base_sidecar: bytes,
        files: list[StagedFile],
        *,
        message: str,
        user: dict[str, str],
    ) -> Inventory:
        """Write a new version of ``object_id`` (the first when ``base`` is None) with ``files`` as its state.

        Must be called under :meth:`locked`.  Raises :class:`ConflictError` if the object changed since
        ``base`` was read.  Returns the new inventory.
        """
        inv = base if base is not None else Inventory.new(object_id)
        n = inv.head + 1
        state = {f.logical: f.sha512 for f in files}
        new: dict[str, tuple[str, str]] = {}
        for f in files:
            if not inv.has_digest(f.sha512) and f.sha512 not in new:
                new[f.sha512] = (f"{vname(n)}/content/{f.content}", f.sha256)
        new_inv = inv.add_version(state, new, message=message, user=user)
        inv_bytes = new_inv.to_bytes()
        side = sidecar_bytes(inv_bytes)

        # on Linux the intent goes first: the staged object's barrier makes both durable
        with self._intent(object_id, objpath, durable=False) if self.syncfs else contextlib.nullcontext():
            objdir = self.root / objpath
            stage = self._new_stage()
            each = self._each
            if base is None:
                obj_stage = stage / "object"
                vdir = obj_stage / vname(n)
                vdir.mkdir(parents=True)
                write_file(obj_stage / OBJECT_NAMASTE, OBJECT_NAMASTE_TEXT.encode("ascii"), durable=each)
                write_file(obj_stage / "inventory.json", inv_bytes, durable=each)
                write_file(obj_stage / "inventory.json.sha512", side, durable=each)
            else:
                vdir = stage / vname(n)
                vdir.mkdir()
                write_file(stage / "inventory.json", inv_bytes, durable=each)
                write_file(stage / "inventory.json.sha512", side, durable=each)
            self._place(vdir / "content", files, new)
            write_file(vdir / "inventory.json", inv_bytes, durable=each)
            write_file(vdir / "inventory.json.sha512", side, durable=each)
            if self.syncfs:
                sync_filesystem(stage)
            elif self.durable:
                _fsync_tree(stage)
            self._step("staged")

            with (
                contextlib.nullcontext()
                if self.syncfs
                else self._intent(object_id, objpath, durable=self.durable)
            ):
                self._step("intent")
                if base is None:
                    objdir.parent.mkdir(parents=True, exist_ok=True)
                    self._step("bucket")
                    try:
                        os.rename(stage / "object", objdir)
                    except OSError as exc:  # exists (not empty): someone else created it
                        shutil.rmtree(stage, ignore_errors=True)
                        raise ConflictError(f"{object_id}: object appeared concurrently") from exc
                    self._step("renamed")
                else:
                    try:
                        current = (objdir / "inventory.json.sha512").read_bytes()
                    except FileNotFoundError:
                        current = b""
                    if current != base_sidecar:
                        shutil.rmtree(stage, ignore_errors=True)
                        raise ConflictError(f"{object_id}: inventory changed underneath")
                    try:
                        os.rename(vdir, objdir / vname(n))
                    except OSError as exc:
                        shutil.rmtree(stage, ignore_errors=True)
                        raise ConflictError(f"{object_id}: {vname(n)} exists already") from exc
                    self._step("renamed")
                    os.replace(stage / "inventory.json", objdir / "inventory.json")
                    self._step("inventory")
                    os.replace(stage / "inventory.json.sha512", objdir / "inventory.json.sha512")
                    self._step("sidecar")
                if self.syncfs:
                    sync_filesystem(objdir)
                elif self.durable:
                    fsync_dir(objdir)
                    fsync_dir(objdir.parent)
                    if base is None:  # makedirs may have created the bucket: make its entry durable too
                        for d in objdir.parent.parents:
                            fsync_dir(d)
                            if d == self.root:
                                break
            shutil.rmtree(stage, ignore_errors=True)
            self._step("done")
            return new_inv

    # -- recovery -------------------------------------------------------------------------------------

    def roll_forward(self, objdir: Path) -> bool:
        """Make an object's root inventory that of its newest version directory; True if it changed.

        Call under the object's lock.  Also prunes empty directories left between the bucket and the root.
        """
        if not objdir.exists():
            self._prune(objdir.parent)
            return False
        versions = version_dirs(objdir)
        if not versions:
            return False
        newest = objdir / vname(versions[-1])
        want = (newest / "inventory.json").read_bytes()
        try:
            have = (objdir / "inventory.json").read_bytes()
            side = (objdir / "inventory.json.sha512").read_bytes()
        except FileNotFoundError:
            have, side = b"", b""
        if have == want and sidecar_matches(have, side):
            return False
        stage = self._new_stage()
        write_file(stage / "inventory.json", want, durable=self.durable)
        write_file(stage / "inventory.json.sha512", sidecar_bytes(want), durable=self.durable)
        os.replace(stage / "inventory.json", objdir / "inventory.json")
        os.replace(stage / "inventory.json.sha512", objdir / "inventory.json.sha512")
        if self.durable:
            fsync_dir(objdir)
        shutil.rmtree(stage, ignore_errors=True)
        return True

    def _prune(self, d: Path) -> None:
        root = self.root.resolve()
        while d.resolve() != root and root in d.resolve().parents:
            try:
                d.rmdir()
            except OSError:
                return
            d = d.parent

    def recover(self) -> list[str]:
        """Finish or undo the work of writers that are gone; returns the ids of the objects touched."""
        touched: list[str] = []
        for name, _fd in dead_tokens(self.workdir):
            if name == self.token.name:
                continue
            idir = self.workdir / "intents" / name
            if idir.is_dir():
                for intent in sorted(idir.iterdir()):
                    try:
                        data = json.loads(intent.read_text(encoding="utf-8"))
                        object_id, objpath = str(data["id"]), str(data["path"])
                    except (ValueError, KeyError, OSError):
                        intent.unlink(missing_ok=True)
                        continue
                    with self.locked(object_id):
                        self.roll_forward(self.root / objpath)
                    touched.append(object_id)
                    if self.on_recovered is not None:
                        self.on_recovered(object_id)
                    intent.unlink(missing_ok=True)
            shutil.rmtree(idir, ignore_errors=True)
            shutil.rmtree(self.workdir / "stage" / name, ignore_errors=True)
        return touched
