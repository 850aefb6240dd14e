"""The archive's safeguards, each shown to matter: fsync ordering (durability), the per-object lock, and the
writer's re-check of the root inventory just before a commit.

Every test here fails when the safeguard it names is removed (``write_file`` without fsync, ``fsync_dir`` a
no-op, ``Writer.locked`` a no-op, the ``inventory changed underneath`` check disabled).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ocfl.validator import Validator

from normalize.archive import Archive, _writer
from normalize.archive._lock import flocked as real_flocked
from normalize.archive._writer import ConflictError, Writer
from normalize.pipeline import RecordOut, Result

OID = "urn:normalize:path:news/a.txt"


def doc(body: str, source: bytes = b"source", name: str = "news/a.txt") -> Result:
    data = {"type": "NewsArticle", "headline": "标题", "articleBody": body}
    raw = (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return Result(name, source, [RecordOut(f"urn:r:{body}", data, raw, "r.jsonld")])


def ocfl_py(objdir: Path) -> list[str]:
    v = Validator(check_digests=True, log_warnings=True)
    v.validate_object(str(objdir))
    return list(v.log.messages)


def bodies(arc: Archive, oid: str = OID) -> list[str]:
    """The record body of each version, v1..head."""
    return [arc.records(oid, n)[0].data["articleBody"] for n in range(1, arc.head(oid) + 1)]


# -- durability ---------------------------------------------------------------------------------------


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


def _tree(top: str) -> list[str]:
    """``top`` and everything under it (real paths)."""
    if not os.path.isdir(top):
        return [top]
    out = []
    for dirpath, dirs, files in os.walk(top):
        out.append(dirpath)
        out += [os.path.join(dirpath, f) for f in files]
        out += [os.path.join(dirpath, d) for d in dirs if os.path.islink(os.path.join(dirpath, d))]
    return out


@dataclass
class Syscalls:
    """The fsync / rename / mkdir calls of a run, in order (paths resolved at the time of the call)."""

    events: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)
    syncfs: int = 0

    def fsynced(self, lo: int = 0, hi: int | None = None) -> set[str]:
        return {e[1] for e in self.events[lo:hi] if e[0] == "fsync"}

    def returned(self) -> None:
        """Mark the point where an ingest returned: what it wrote must be durable by then."""
        self.events.append(("returned", "", "", ()))

    def install(self, monkeypatch: pytest.MonkeyPatch, top: Path | None = None) -> None:
        """Record the calls; ``top``: a folder holding the archive and its work folder, whose every file
        and folder a ``syncfs`` (:func:`normalize.archive._writer.sync_filesystem`) counts as fsynced."""
        real_fsync, real_rename, real_replace, real_mkdir = os.fsync, os.rename, os.replace, os.mkdir
        real_syncfs = _writer.sync_filesystem

        def syncfs(path: Path) -> None:
            assert top is not None, "a syncfs with no top folder to record"
            self.events += [("fsync", p, "", ()) for p in _tree(_real(top))]
            self.syncfs += 1
            real_syncfs(path)

        def fsync(fd: Any) -> None:
            n = fd if isinstance(fd, int) else fd.fileno()
            self.events.append(("fsync", os.readlink(f"/proc/self/fd/{n}"), "", ()))
            real_fsync(fd)

        def mover(kind: str, real: Callable[..., None]) -> Callable[..., None]:
            def move(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
                s = _real(src)
                moved = tuple(_tree(s))
                real(src, dst, *args, **kwargs)  # raises before recording when it fails
                self.events.append((kind, s, _real(dst), moved))

            return move

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            real_mkdir(path, *args, **kwargs)
            self.events.append(("mkdir", _real(path), _real(path), ()))

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "rename", mover("rename", real_rename))
        monkeypatch.setattr(os, "replace", mover("replace", real_replace))
        monkeypatch.setattr(os, "mkdir", mkdir)
        monkeypatch.setattr(_writer, "sync_filesystem", syncfs)


def durability_problems(calls: Syscalls, root: Path) -> list[str]:
    """What a power loss could lose: checked against the recorded sequence, in order.

    * every file and directory a rename publishes into the root was fsynced *before* that rename (data
      first, then the name that makes it visible);
    * every directory that gains an entry in the root (rename or mkdir) is fsynced after it, before the
      ingest returns (the next ``returned`` mark);
    * before a rename publishes anything, an intent (``intents/<writer>/*.json`` of the work folder) was
      fsynced since the last ingest returned, for recovery to find should the process die.
    """
    top = _real(root) + os.sep
    problems = []
    marks = [i for i, e in enumerate(calls.events) if e[0] == "returned"]
    for i, (kind, _src, dst, moved) in enumerate(calls.events):
        if kind in ("fsync", "returned") or not dst.startswith(top):
            continue
        if kind == "rename":
            since = max((m for m in marks if m < i), default=0)
            if not any(f"{os.sep}intents{os.sep}" in p for p in calls.fsynced(since, i)):
                problems.append(f"{kind} {dst}: no intent fsynced before")
        if kind != "mkdir":
            before = calls.fsynced(0, i)
            problems += [f"{kind} {dst}: {p} not fsynced before" for p in moved if p not in before]
        parent = os.path.dirname(dst)
        if parent not in calls.fsynced(i + 1, next((m for m in marks if m > i), None)):
            problems.append(f"{kind} {dst}: directory {parent} not fsynced after")
    return problems


def _snapshot(root: Path) -> set[str]:
    return set(_tree(_real(root)))


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_every_published_file_and_directory_is_fsynced_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncfs: bool
) -> None:
    """Both ways to durability: a ``syncfs`` per barrier (Linux), and an fsync of every file and folder
    (elsewhere, or where the call is missing)."""
    if syncfs and not _writer.can_sync_filesystem():
        pytest.fail("syncfs is missing: this test runs on Linux")
    if not syncfs:
        monkeypatch.setattr(_writer, "can_sync_filesystem", lambda: False)
    with Archive.open(tmp_path / "archive", create=True) as arc:
        arc.writer  # noqa: B018  (token and work dirs exist before recording)
        assert arc.writer.syncfs == syncfs
        calls = Syscalls()
        calls.install(monkeypatch, tmp_path)
        before = _snapshot(arc.root)

        def ingest(res: Result) -> int:
            version = arc.ingest(res).version
            calls.returned()
            return version

        ingest(doc("one"))  # create: a new bucket, an object renamed into it
        ingest(doc("two", b"source 2"))  # update: v2 renamed in, inventory and sidecar replaced
        ingest(doc("one", name="b.txt"))  # a second object, a second new bucket
        assert list(arc.writer.stage.iterdir()) == []  # each commit cleans its staging

        # a commit that dies after its rename leaves the root inventory behind (and what it wrote is made
        # durable by the next ingest): that ingest rolls it forward (os.replace of both inventory files)
        # before writing v4
        def die(step: str) -> None:
            if step == "renamed":
                raise RuntimeError("killed")

        arc.writer.fault = die
        with pytest.raises(RuntimeError, match="killed"):
            arc.ingest(doc("three", b"source 3"))
        arc.writer.fault = None
        assert json.loads((arc.object_path(OID) / "inventory.json").read_bytes())["head"] == "v2"
        assert ingest(doc("four", b"source 4")) == 4
        assert bodies(arc) == ["one", "two", "three", "four"]

        kinds = [e[0] for e in calls.events]
        assert (kinds.count("replace"), kinds.count("rename"), kinds.count("returned")) == (6, 5, 4)
        assert durability_problems(calls, arc.root) == []
        # two barriers a commit (the staged object, then its rename): four commits, and the one killed
        # between them
        assert calls.syncfs == (9 if syncfs else 0)
        # nothing new in the root arrived other than through a checked rename or mkdir
        arrived = {p for e in calls.events if e[0] not in ("fsync", "returned") for p in (e[2], *e[3])}
        published = {
            p.replace(e[1], e[2], 1) for e in calls.events if e[0] in ("rename", "replace") for p in e[3]
        }
        assert _snapshot(arc.root) - before <= arrived | published
        assert ocfl_py(arc.object_path(OID)) == []


def test_durable_false_skips_fsync_and_the_checker_notices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive.open(tmp_path / "archive", create=True, durable=False) as arc:
        arc.writer  # noqa: B018
        calls = Syscalls()
        calls.install(monkeypatch, tmp_path)
        arc.ingest(doc("one"))
        arc.ingest(doc("two", b"source 2"))
        assert bodies(arc) == ["one", "two"]
    assert calls.fsynced() == set() and calls.syncfs == 0
    problems = durability_problems(calls, tmp_path / "archive")
    assert any("inventory.json not fsynced before" in p for p in problems)
    assert any("not fsynced after" in p for p in problems)


@pytest.mark.parametrize(
    ("step", "head"), [("staged", 2), ("intent", 2), ("renamed", 3), ("inventory", 3), ("sidecar", 3)]
)
def test_readers_never_see_a_partial_version(tmp_path: Path, step: str, head: int) -> None:
    """A commit that dies at ``step``: a reader (no lock, no recovery) sees v2 or all of v3, never a mix."""
    with Archive.open(tmp_path / "archive", create=True, durable=False) as arc:
        arc.ingest(doc("one"))
        arc.ingest(doc("two", b"source 2"))

        def die(s: str) -> None:
            if s == step:
                raise RuntimeError("killed")

        arc.writer.fault = die
        with pytest.raises(RuntimeError, match="killed"):
            arc.ingest(doc("three", b"source 3"))
        with Archive.open(arc.root) as reader:
            assert reader.head(OID) == head
            assert bodies(reader) == ["one", "two", "three"][:head]
            assert reader.source(OID).data == [b"source", b"source 2", b"source 3"][head - 1]
            assert [v.version for v in reader.history(OID)] == list(range(1, head + 1))
        # the writer's next ingest first rolls the object forward, then builds on what is there
        arc.writer.fault = None
        assert arc.ingest(doc("four", b"source 4")).version == head + 1
        assert bodies(arc)[-1] == "four"
        assert ocfl_py(arc.object_path(OID)) == []


# -- the per-object lock and the re-check before commit -------------------------------------------------


class Interleaving:
    """Two writers (A and B, one thread each, own ``Archive`` and writer token) updating one object.

    A reads the head and stages its version under the object's lock, then waits until B has either asked
    for the lock (the lock then keeps B out until A's commit is done) or staged a version of its own (no
    lock kept it out).  B, once staged, waits for A's commit.  ``log`` records who did what, in order.
    """

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.log: list[str] = []
        self.conflicts: list[str] = []
        self.leftover: dict[str, list[str]] = {}
        self.a_staged = threading.Event()
        self.b_arrived = threading.Event()
        self.b_staged = threading.Event()
        self.a_done = threading.Event()
        self.arcs = {name: Archive.open(root, durable=False) for name in "AB"}
        for name, arc in self.arcs.items():
            arc.writer.fault = self._hook(name)

        @contextlib.contextmanager
        def flocked(path: Path, **kwargs: Any) -> Iterator[int]:
            if threading.current_thread().name == "B":
                self.log.append("B:lock")
                self.b_arrived.set()
            with real_flocked(path, **kwargs) as fd:
                yield fd

        monkeypatch.setattr(_writer, "flocked", flocked)
        real_commit = Writer.commit

        def commit(w: Writer, *args: Any, **kwargs: Any) -> Any:
            try:
                return real_commit(w, *args, **kwargs)
            except ConflictError as exc:
                self.conflicts.append(f"{threading.current_thread().name}: {exc}")
                raise

        monkeypatch.setattr(Writer, "commit", commit)

    def _hook(self, name: str) -> Callable[[str], None]:
        def step(s: str) -> None:
            if s not in ("staged", "done"):
                return
            self.log.append(f"{name}:{s}")
            if name == "A" and s == "staged" and not self.a_staged.is_set():
                self.a_staged.set()
                assert self.b_arrived.wait(10), "B never got going"
                self.b_staged.wait(0.3)  # a lock that does not keep B out gets the chance to show it
            elif name == "A" and s == "done":
                self.a_done.set()
            elif name == "B" and s == "staged":
                self.b_staged.set()
                self.b_arrived.set()
                assert self.a_done.wait(10), "A never committed"

        return step

    def run(self, a: Result, b: Result) -> tuple[Any, Any]:
        """Both ingests, each in its own thread (which also closes that writer's archive: SQLite)."""
        results: dict[str, Any] = {}

        def ingest(name: str, res: Result) -> None:
            arc = self.arcs[name]
            try:
                if name == "B":
                    assert self.a_staged.wait(10), "A never staged"
                results[name] = arc.ingest(res)
                self.leftover[name] = os.listdir(arc.writer.stage)  # conflicts clean their staging too
            except BaseException as exc:
                results[name] = exc
            finally:
                arc.close()

        threads = [threading.Thread(target=ingest, args=(n, r), name=n) for n, r in (("B", b), ("A", a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for name in "AB":
            if isinstance(results.get(name), BaseException):
                raise results[name]
        return results["A"], results["B"]


@contextlib.contextmanager
def no_lock(self: Writer, object_id: str) -> Iterator[None]:
    """``Writer.locked`` with the lock bypassed."""
    yield


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    with Archive.open(tmp_path / "archive", create=True, durable=False) as arc:
        assert arc.ingest(doc("v1")).version == 1
    yield tmp_path / "archive"


def test_lock_serializes_two_concurrent_updates(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Interleaving(root, monkeypatch)
    a, b = run.run(doc("from A", b"A"), doc("from B", b"B"))
    # B asked for the lock while A held it, and got it only after A's commit: it read A's version as its
    # base and committed on the first try
    assert run.log == ["A:staged", "B:lock", "A:done", "B:staged", "B:done"]
    assert run.conflicts == []
    assert run.leftover == {"A": [], "B": []}
    assert (a.status, a.version, b.status, b.version) == ("updated", 2, "updated", 3)
    with Archive.open(root) as arc:
        assert bodies(arc) == ["v1", "from A", "from B"]
        assert [arc.source(OID, n).data for n in (1, 2, 3)] == [b"source", b"A", b"B"]
        assert ocfl_py(arc.object_path(OID)) == []


def test_without_the_lock_the_recheck_turns_the_race_into_a_retry(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Writer, "locked", no_lock)
    run = Interleaving(root, monkeypatch)
    a, b = run.run(doc("from A", b"A"), doc("from B", b"B"))
    # both read v1; A committed v2 while B was staged on v1; B's re-check of the root inventory saw it
    assert run.log == ["A:staged", "B:staged", "A:done", "B:staged", "B:done"]
    assert run.conflicts == [f"B: {OID}: inventory changed underneath"]
    assert run.leftover == {"A": [], "B": []}
    assert (a.version, b.version) == (2, 3)
    with Archive.open(root) as arc:
        assert bodies(arc) == ["v1", "from A", "from B"]
        assert arc.history(OID)[2].message == "source changed; records changed"
        assert ocfl_py(arc.object_path(OID)) == []


def test_without_the_lock_two_creates_race_and_the_loser_retries_as_an_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "archive"
    Archive.open(root, create=True).close()
    monkeypatch.setattr(Writer, "locked", no_lock)
    run = Interleaving(root, monkeypatch)
    a, b = run.run(doc("from A", b"A"), doc("from B", b"B"))
    # the rename of a whole object onto an existing one fails: B's create becomes a conflict, its retry
    # an update on top of A's object (into the bucket A made)
    assert run.log == ["A:staged", "B:staged", "A:done", "B:staged", "B:done"]
    assert run.conflicts == [f"B: {OID}: object appeared concurrently"]
    assert run.leftover == {"A": [], "B": []}
    assert (a.status, a.version, b.status, b.version) == ("created", 1, "updated", 2)
    with Archive.open(root) as arc:
        assert bodies(arc) == ["from A", "from B"]
        assert ocfl_py(arc.object_path(OID)) == []


def test_recheck_catches_an_inventory_replaced_without_a_new_version(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename of ``vN+1`` is a compare-and-swap only against writers that add ``vN+1``; an object
    replaced underneath at the same head (a copy or ``git pull`` of another clone's history) leaves no
    ``vN+1``: only the re-check of the root sidecar stops B from writing v2 on a v1 that is gone."""
    other = tmp_path / "other"
    with Archive.open(other, create=True, durable=False) as o:
        o.ingest(doc("their v1", b"their source"))  # same id, a different v1
    theirs = other / o.layout.object_path(OID)

    monkeypatch.setattr(Writer, "locked", no_lock)
    swapped: list[str] = []
    with Archive.open(root, durable=False) as arc:
        objdir = arc.object_path(OID)

        def swap(step: str) -> None:
            if step == "intent" and not swapped:
                swapped.append(step)
                shutil.rmtree(objdir)
                shutil.copytree(theirs, objdir)

        arc.writer.fault = swap
        out = arc.ingest(doc("mine", b"my source"))
        assert swapped
        assert (out.status, out.version) == ("updated", 2)
        # v2 was built on the v1 now on disk (theirs): nothing points at content that is not there
        assert bodies(arc) == ["their v1", "mine"]
        assert arc.source(OID, 1).data == b"their source"
        assert ocfl_py(objdir) == []
