"""Read stage: files and directories into documents, streaming."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ._document import Document

# files that are never documents
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_SKIP_SUFFIXES = {".jsonld", ".pyc"}


def iter_sources(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Each source file under ``paths`` with the root its name is relative to, sorted, lazily.

    A directory is walked recursively (hidden files and folders skipped); a file
    is its own root's child.  Missing paths raise :class:`FileNotFoundError`.
    """
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if p.is_file() and p.name not in _SKIP_NAMES and p.suffix not in _SKIP_SUFFIXES:
                    yield p, path
        elif path.is_file():
            yield path, path.parent
        else:
            raise FileNotFoundError(str(path))


def read(path: Path, root: Path | None = None) -> Document:
    """A document holding the exact bytes of ``path``; its name is relative to ``root``."""
    data = path.read_bytes()
    root = root if root is not None else path.parent
    try:
        name = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        name = path.name
    return Document(source=data, name=name, path=path)
