"""Read stage: files and directories into documents, streaming, within bounds.

Why this is careful: the input is whatever a user points the tool at, and reading it must neither
hang, nor exhaust memory, nor read what the user did not point at.

* Every file under an input folder is accounted for (:func:`walk`): a regular file is an input;
  anything that cannot be one (a FIFO, a socket, a device, a symbolic link to a directory or to
  something outside the folder, a broken link, a folder that cannot be listed) is yielded too, with
  the reason, so that the run reports it instead of skipping it in silence.  Hidden files and folders
  and known non-documents (``.DS_Store``, ``*.jsonld`` …) are not inputs and are skipped.
* A symbolic link to a file inside the folder is read and named by the link's own path; one that
  leads outside the folder is never read (it would copy e.g. ``/etc/passwd`` into the archive).
  Symbolic links to directories are not followed (loops, and the same files under two names).
  A path given on the command line is the user's choice: it is followed.
* :func:`read` opens without blocking (a FIFO given by name is refused, not waited on), checks
  that the file is a regular one and that its size is within :attr:`Limits.input_bytes` *before*
  reading, and never reads more than that (a file growing meanwhile is refused too).
* Names are relative to the input folder *as given*, without resolving symbolic links: two links
  to one file are two inputs with two names, never one name for two inputs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ._document import Document, NormalizeError
from ._limits import DEFAULT, Limits, exceeded
from ._select import ALL, Selection

# files that are never documents
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_SKIP_SUFFIXES = {".jsonld", ".pyc"}


class NotReadable(NormalizeError):
    """An input that is not a file the tool may read (its message says what it is instead)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One input found under the paths given: a file to read, or something that cannot be one."""

    path: Path
    root: Path
    """What :attr:`name` is relative to: the folder given, or a given file's parent."""
    problem: str | None = None
    """Why this entry cannot be read as a document (None: it is a file to read)."""

    @property
    def name(self) -> str:
        return name_of(self.path, self.root)


def name_of(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root``, POSIX separators, symbolic links not resolved."""
    if root is None:
        return path.name
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.name


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def walk(paths: Iterable[Path], select: Selection = ALL) -> Iterator[Entry]:
    """Every input under ``paths``, sorted by path components within each path given, lazily.

    A directory is walked recursively, its files and folders chosen by ``select`` (``--include``,
    ``--exclude``); a file given is an input whatever ``select`` says, its own root's child.  Missing
    paths raise :class:`FileNotFoundError`.  See the module docstring for what is yielded with a
    problem."""
    for path in paths:
        if path.is_dir():
            yield from _walk_dir(path, path, path.resolve(), select)
        elif os.path.lexists(path):
            yield Entry(path, path.parent)  # even a FIFO: read() refuses it with its reason
        else:
            raise FileNotFoundError(str(path))


def _walk_dir(folder: Path, root: Path, real_root: Path, select: Selection) -> Iterator[Entry]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Entry(folder, root, f"cannot list this folder: {exc.strerror or exc}")
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        path = folder / e.name
        if not select.everything:
            rel = name_of(path, root)
            is_dir = e.is_dir(follow_symlinks=False)
            if select.excludes_dir(rel) if is_dir else not select.wants_file(rel):
                continue
        try:
            if e.is_symlink():
                problem = _link_problem(path, real_root)
                if problem == "":  # a link to a file inside the folder: an input
                    if e.name not in _SKIP_NAMES and path.suffix not in _SKIP_SUFFIXES:
                        yield Entry(path, root)
                elif problem is not None:
                    yield Entry(path, root, problem)
                continue
            if e.is_dir(follow_symlinks=False):
                yield from _walk_dir(path, root, real_root, select)
                continue
            if e.name in _SKIP_NAMES or path.suffix in _SKIP_SUFFIXES:
                continue
            mode = e.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield Entry(path, root, f"cannot inspect: {exc.strerror or exc}")
            continue
        if stat.S_ISREG(mode):
            yield Entry(path, root)
        else:
            yield Entry(path, root, f"{_kind(mode)}, not a regular file; not read")


def _link_problem(link: Path, real_root: Path) -> str | None:
    """Why the symbolic link ``link`` is not an input ("" when it is: a file inside the folder)."""
    target = os.readlink(link)
    try:
        real = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"broken symbolic link (to {target}); not read"
    if real.is_dir():
        return f"symbolic link to a directory ({target}); not followed (give the directory as an input)"
    if not real.is_relative_to(real_root):
        return f"symbolic link to {real}, outside the input folder; not read"
    if not real.is_file():
        return f"symbolic link to {_kind(real.stat().st_mode)} ({target}); not read"
    return ""


def iter_sources(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Each readable source file under ``paths`` with the root its name is relative to, sorted,
    lazily (:func:`walk` without the entries that cannot be read)."""
    for entry in walk(paths):
        if entry.problem is None:
            yield entry.path, entry.root


def read_bounded(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    Raises :class:`NotReadable` for anything but a regular file (opened without blocking, so a FIFO
    is refused rather than waited on), :class:`~normalize._limits.LimitExceeded` for a file over
    ``max_bytes`` (from its size, before reading; or when it grew past it while being read), and
    :class:`OSError` when it cannot be opened or read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable(f"{_kind(st.st_mode)}, not a regular file; not read", stage="read")
        if max_bytes is not None and st.st_size > max_bytes:
            raise exceeded("input_bytes", max_bytes, st.st_size, what="the file is", stage="read")
        chunks: list[bytes] = []
        size = 0
        cap = -1 if max_bytes is None else max_bytes + 1
        while cap < 0 or size < cap:
            chunk = os.read(fd, 1 << 20 if cap < 0 else min(1 << 20, cap - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            what = "the file grew while it was read, to more than"
            raise exceeded("input_bytes", max_bytes, max_bytes, what=what, stage="read")
    finally:
        os.close(fd)
    return b"".join(chunks)


def read(path: Path, root: Path | None = None, *, limits: Limits = DEFAULT) -> Document:
    """A document holding the exact bytes of ``path``; its name is relative to ``root`` (default:
    its folder).  Raises as :func:`read_bounded` does."""
    data = read_bounded(path, limits.input_bytes)
    root = root if root is not None else path.parent
    return Document(source=data, name=name_of(path, root), path=path)
