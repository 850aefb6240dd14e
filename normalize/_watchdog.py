"""The per-document watchdog: CPU time and memory, enforced in the process that runs the document.

Why here and this way: a worker must survive any one document, and so must the command itself with
``--jobs 1``, where the documents run in its own process.  Killing a worker from outside would lose
its whole batch and its warm state; instead the limits are enforced *inside* the process, as
exceptions the pipeline turns into a failed :class:`~normalize.pipeline.Result` for that document
alone, and the batch goes on.

* **CPU time**: ``setitimer(ITIMER_PROF)`` counts the process's CPU time (not wall time: a loaded
  machine does not fail documents) and delivers ``SIGPROF`` when the document's allowance is spent;
  the handler raises :class:`DocumentTimeout`.  Python runs signal handlers in the main thread,
  between bytecodes, so a long call into C (one regular expression over a huge line, the HTML
  parser) is interrupted only when it returns: the input limits (size, line length, HTML size)
  exist to keep every such call short.  :class:`DocumentTimeout` derives from
  :class:`BaseException` so that no ``except Exception`` inside a stage swallows it; and should
  anything swallow it anyway, the timer fires again every :data:`REFIRE` seconds until the pipeline
  acknowledges it (:func:`acknowledge`).
* **Memory**: ``RLIMIT_AS`` is lowered to the address space the process holds before the document
  plus the document's allowance, and restored afterwards; an allocation past it fails and Python
  raises :class:`MemoryError`, which the pipeline reports as this limit.  Code that does not turn a
  failed allocation into an exception (Rust aborts) can still end the process: a pool worker is then
  replaced and its documents retried one by one (:func:`normalize._worker.ordered_results`).

Where they cannot be enforced, nothing is: not on Windows (no ``setitimer``, no ``RLIMIT_AS``); no
memory limit on macOS (``RLIMIT_AS`` is accepted there but not enforced) nor where
``/proc/self/statm`` is missing; no CPU limit outside the main thread (signal handlers can only be
installed there).  :func:`unsupported` says which, and the command prints it once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from ._limits import Limits

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

REFIRE = 0.5
"""Seconds of CPU time between repeated timeouts, should the first one be swallowed by a stage."""


class DocumentTimeout(BaseException):
    """The document spent its CPU time (:attr:`Limits.cpu_seconds`).

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that ``except Exception`` clauses
    inside the stages let it through to the pipeline's driver."""

    limit = "cpu_seconds"


class _State:
    """The document being watched in this process (at most one: documents run one at a time)."""

    def __init__(self) -> None:
        self.armed = False
        self.acknowledged = False
        self.seconds = 0.0
        self.memory_bytes = 0
        """The memory allowance in force (0: none), to tell a limit hit from the machine running out."""


_state = _State()


def _on_sigprof(signum: int, frame: FrameType | None) -> None:
    if _state.armed and not _state.acknowledged:
        raise DocumentTimeout(f"CPU time limit of {_state.seconds:g} s reached")


def acknowledge() -> None:
    """The timeout was caught and handled (stop re-firing it)."""
    _state.acknowledged = True


def cpu_supported() -> bool:
    """Whether a CPU limit can be enforced here and now (a main thread of a POSIX process)."""
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGPROF")
        and threading.current_thread() is threading.main_thread()
    )


def memory_supported() -> bool:
    """Whether a memory limit can be enforced here (Linux-like: ``RLIMIT_AS`` and ``/proc``)."""
    return _rlimit_as() and _address_space() is not None


def _rlimit_as() -> bool:
    """Whether ``RLIMIT_AS`` bounds the address space here (not on macOS, which ignores it)."""
    return resource is not None and hasattr(resource, "RLIMIT_AS") and sys.platform != "darwin"


def unsupported(limits: Limits) -> list[str]:
    """The resource limits set in ``limits`` that this process cannot enforce, with why."""
    out: list[str] = []
    if limits.cpu_seconds and not cpu_supported():
        out.append("--time-limit is not enforced here (needs setitimer in the main thread: POSIX only)")
    if limits.memory_bytes and not memory_supported():
        out.append("--memory-limit is not enforced here (needs RLIMIT_AS and /proc: Linux only)")
    return out


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _address_space() -> int | None:
    """The process's current address space (virtual size) in bytes, from ``/proc/self/statm``."""
    try:  # unbuffered: one open, read and close (a buffered file adds fstat, ioctl and lseek)
        fd = os.open("/proc/self/statm", os.O_RDONLY)
        try:
            pages = int(os.read(fd, 256).split()[0])
        finally:
            os.close(fd)
    except (OSError, ValueError, IndexError):
        return None
    return pages * _PAGE


@contextlib.contextmanager
def guard(limits: Limits) -> Iterator[None]:
    """Watch one document: arm its CPU timer and memory bound on entry, disarm both on exit.

    Raises :class:`DocumentTimeout` (CPU) or lets :class:`MemoryError` through (memory) from inside
    the block; limits this process cannot enforce are skipped (see :func:`unsupported`)."""
    timer = bool(limits.cpu_seconds) and cpu_supported()
    # the address space is read once a document: it is also what tells whether /proc is there
    now = _address_space() if limits.memory_bytes and _rlimit_as() else None
    old_handler = None
    old_as: tuple[int, int] | None = None
    if now is not None:
        assert limits.memory_bytes is not None
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        bound = now + limits.memory_bytes
        if hard != resource.RLIM_INFINITY:
            bound = min(bound, hard)
        if soft == resource.RLIM_INFINITY or bound < soft:
            old_as = (soft, hard)
            resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
            _state.memory_bytes = limits.memory_bytes
    if timer:
        assert limits.cpu_seconds is not None
        old_handler = signal.signal(signal.SIGPROF, _on_sigprof)
        _state.seconds = limits.cpu_seconds
        _state.acknowledged = False
        _state.armed = True
        signal.setitimer(signal.ITIMER_PROF, limits.cpu_seconds, REFIRE)
    try:
        yield
    finally:
        if timer:
            _state.armed = False  # first: a SIGPROF arriving now does nothing
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, old_handler)
        if old_as is not None:
            resource.setrlimit(resource.RLIMIT_AS, old_as)
            _state.memory_bytes = 0


def memory_allowance() -> int:
    """The memory allowance of the document being watched, in bytes (0: no memory limit in force)."""
    return _state.memory_bytes


@contextlib.contextmanager
def cpu_backstop(seconds: float | None) -> Iterator[None]:
    """Let the system kill this process (SIGXCPU, through RLIMIT_CPU) if it spends ``seconds`` more
    CPU time inside the block: the last resort against native code that the CPU timer cannot
    interrupt.  For pool workers only, whose death the scheduler survives; None: nothing is set."""
    if not seconds or resource is None or not hasattr(resource, "RLIMIT_CPU"):
        yield
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    bound = int(used.ru_utime + used.ru_stime + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (bound, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
