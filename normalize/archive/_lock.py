"""Locks in the work directory: per-object ``fcntl.flock`` stripes and per-writer liveness tokens.

``flock`` locks belong to the open file; the kernel drops them when the holding process dies, however it
dies.  So a lock left by a killed writer is never stale: the next writer simply gets it ("process gone →
lock reclaimed").  Lock files are kept (deleting a lock file races with a waiter), so there are at most
4,096 stripe files: objects are locked by the first three hex digits of sha256(id), the same bucket the
layout uses.  Two objects in one stripe only serialize each other; that is harmless.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path


class LockTimeout(TimeoutError):
    """Another live process held the lock for longer than the timeout."""


def _holder(fd: int) -> str:
    try:
        data = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return "?"
    return data or "?"


@contextlib.contextmanager
def flocked(path: Path, *, timeout: float = 60.0) -> Iterator[int]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed); yields the open descriptor.

    Waits up to ``timeout`` seconds for a live holder; raises :class:`LockTimeout` naming its pid.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path}: held by pid {_holder(fd)}") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield fd
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def object_lock_path(workdir: Path, object_id: str) -> Path:
    """The stripe lock file guarding ``object_id``."""
    stripe = hashlib.sha256(object_id.encode("utf-8")).hexdigest()[:3]
    return workdir / "locks" / f"{stripe}.lock"


class WriterToken:
    """A live writer's identity: holds ``flock`` on ``writers/<token>.lock`` for the writer's lifetime.

    Its staging area (``stage/<token>/``) and intents (``intents/<token>/``) belong to it; recovery may
    clean those of a token whose lock it can take (the owner is gone).
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        lockdir = workdir / "writers"
        lockdir.mkdir(parents=True, exist_ok=True)
        while True:
            self.name = f"{os.getpid()}-{os.urandom(6).hex()}"
            self.path = lockdir / f"{self.name}.lock"
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            # A concurrent recovery may have taken and unlinked the file between open and flock.
            try:
                same = os.stat(self.path).st_ino == os.fstat(self.fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(self.fd)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode("ascii"), 0)

    def close(self) -> None:
        """Release the token (its directories must already be empty or gone)."""
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self.fd)
            self.fd = -1


def dead_tokens(workdir: Path) -> Iterator[tuple[str, int]]:
    """Tokens whose owner is gone, each yielded while this process holds its lock (fd given)."""
    lockdir = workdir / "writers"
    names: set[str] = set()
    for sub in ("writers", "stage", "intents"):
        d = workdir / sub
        if d.is_dir():
            names.update(p.name.removesuffix(".lock") for p in d.iterdir())
    for name in sorted(names):
        path = lockdir / f"{name}.lock"
        lockdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer
            yield name, fd
            with contextlib.suppress(OSError):
                path.unlink()
        finally:
            os.close(fd)
