"""Inputs and outputs through fsspec: URLs and globs as sources, whole-object writes.

Why a module of its own: the local executor reads paths with :mod:`normalize._read`, which knows nothing
of object storage, and :mod:`normalize._worker` runs :class:`~normalize._worker.PathItem` and
:class:`~normalize._worker.BytesItem` only.  Here a source may also be a URL (``s3://bucket/corpus/``,
``file:///data/**/*.txt``, ``memory://…``): it is listed on the client into :class:`UrlItem` values
(name, URL, size: no bytes), and a worker turns a batch of them into ``BytesItem`` values with one
concurrent read (:func:`materialize`) just before running it.  A document therefore travels as a few
dozen bytes through the scheduler, and its bytes go straight from storage to the worker that runs it.

A URL source is named and ordered exactly as the same tree on a local disk would be
(:func:`normalize._read.walk`): names relative to the directory given (or to the fixed part of a glob),
hidden files and folders and known non-documents skipped (unless named themselves), sorted by path
components; so a corpus gives the same records whether it is read from a folder or from a bucket.

fsspec is imported lazily: the core install does not need it (the ``dask`` extra brings it).
"""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _read, _worker
from ._limits import DEFAULT, Limits, exceeded
from ._select import ALL, Selection
from ._worker import BytesItem, Item, PathItem
from .pipeline import Options, Result

StorageOptions = Mapping[str, Mapping[str, Any]]
"""fsspec keyword arguments per protocol, e.g. ``{"s3": {"endpoint_url": "http://127.0.0.1:9000"}}``.
Unset, fsspec's own configuration applies (``FSSPEC_S3_ENDPOINT_URL`` …, ``~/.config/fsspec``)."""

_MAGIC = ("*", "?", "[")


def is_url(source: str | Path) -> bool:
    """Whether ``source`` names a location through fsspec (``scheme://…``) rather than a local path."""
    return isinstance(source, str) and "://" in source and len(source.split("://", 1)[0]) > 1


def protocol_of(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else "file"


def filesystem(url: str, storage_options: StorageOptions | None = None) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` (cached by fsspec, so cheap to ask again) and its path in it."""
    import fsspec

    options = dict((storage_options or {}).get(protocol_of(url), {}))
    fs, path = fsspec.core.url_to_fs(url, **options)
    return fs, path


def is_process_local(fs: Any) -> bool:
    """A filesystem that lives in one process's memory (``memory://``): a worker process sees its own
    empty copy, so what is listed or written there must travel through the client."""
    from fsspec.implementations.memory import MemoryFileSystem

    return isinstance(fs, MemoryFileSystem)


@dataclass(frozen=True, slots=True)
class UrlItem:
    """A document on fsspec storage, read by the worker that runs it."""

    url: str
    """Full URL (with protocol)."""
    name: str
    """Relative to the directory (or the fixed part of the glob) it was listed from, as for a path."""
    nbytes: int

    def size(self) -> int:
        return self.nbytes


AnyItem = Item | UrlItem


def iter_items(
    sources: Iterable[str | Path], storage_options: StorageOptions | None = None, select: Selection = ALL
) -> Iterator[AnyItem]:
    """Every input under ``sources`` in input order: local paths as the local executor walks them
    (:func:`normalize._read.walk`, with what cannot be read and why), URLs listed through fsspec.  A URL on a
    process-local filesystem is read here (a worker could not see it).  Raises
    :class:`FileNotFoundError` for a source that names nothing.  ``select``: ``--include`` and
    ``--exclude``, for the files found in a folder or by a glob."""
    for source in sources:
        if not is_url(source):
            for e in _read.walk([Path(source)], select):  # also what cannot be read, as the local executor
                yield PathItem(e.path, e.root, e.problem)
            continue
        url = str(source)
        fs, _ = filesystem(url, storage_options)
        local = is_process_local(fs)
        for item in _list_url(url, storage_options, select):
            yield BytesItem(bytes(fs.cat_file(filesystem(item.url)[1])), item.name) if local else item


def _list_url(url: str, storage_options: StorageOptions | None, select: Selection = ALL) -> list[UrlItem]:
    fs, path = filesystem(url, storage_options)
    path = path.rstrip("/") or path
    parts = path.split("/")
    if any(m in path for m in _MAGIC):
        fixed = next(i for i, part in enumerate(parts) if any(m in part for m in _MAGIC))
        root = "/".join(parts[:fixed])
        found: dict[str, Any] = {}
        for match, info in sorted(fs.glob(path, detail=True).items()):
            if info.get("type") == "directory":  # a matched folder is walked, as a folder argument is
                found.update(fs.find(match, detail=True))
            else:
                found[match] = info
    elif fs.isdir(path):
        root, found = path, fs.find(path, detail=True)
    elif fs.isfile(path):  # named itself: an input, whatever its name (as a path given is)
        root, found = posixpath.dirname(path), {path: fs.info(path)}
    else:
        raise FileNotFoundError(url)
    named = len(found) == 1 and path in found
    items = []
    for full, info in found.items():
        rel = _relative(full, root)
        if rel is None or info.get("type", "file") != "file":
            continue
        if not named and (_skipped(rel) or not select.wants(rel)):
            continue
        items.append(UrlItem(fs.unstrip_protocol(full), rel, int(info.get("size") or 0)))
    if not items and any(m in path for m in _MAGIC):
        raise FileNotFoundError(f"{url}: matches no file")
    items.sort(key=lambda it: tuple(it.name.split("/")))  # as Path objects sort: by component
    return items


def _relative(full: str, root: str) -> str | None:
    full, root = full.rstrip("/"), root.rstrip("/")
    if not root:
        return full.lstrip("/") or None
    if not full.startswith(root + "/"):
        return None
    return full[len(root) + 1 :]


def _skipped(rel: str) -> bool:
    """The files :func:`normalize._read.iter_sources` skips: hidden ones, and known non-documents."""
    parts = rel.split("/")
    name = parts[-1]
    suffix = posixpath.splitext(name)[1]
    return (
        any(p.startswith(".") for p in parts)
        or name in _read._SKIP_NAMES
        or (suffix in _read._SKIP_SUFFIXES and suffix != name)
    )


def materialize(
    batch: Sequence[AnyItem], storage_options: StorageOptions | None, limits: Limits = DEFAULT
) -> list[Item | Result]:
    """``batch`` with each :class:`UrlItem` read into a :class:`BytesItem` (the reads of one batch run
    concurrently on an asynchronous filesystem such as S3).  As for a local file
    (:func:`normalize.pipeline.process`), one over :attr:`Limits.input_bytes` is not read (its listed
    size says so) and one that cannot be read becomes a failed :class:`Result` with ``read=False``."""
    out: list[Item | Result | None] = [None if isinstance(it, UrlItem) else it for it in batch]
    wanted: dict[int, tuple[Any, list[tuple[int, str]]]] = {}
    for k, item in enumerate(batch):
        if not isinstance(item, UrlItem):
            continue
        if limits.input_bytes is not None and item.nbytes > limits.input_bytes:
            out[k] = _too_big(item, item.nbytes, limits, "the file is")
            continue
        fs, path = filesystem(item.url, storage_options)
        wanted.setdefault(id(fs), (fs, []))[1].append((k, path))
    for fs, paths in wanted.values():
        for (k, _), data in zip(paths, _cat_all(fs, [p for _, p in paths]), strict=True):
            item = batch[k]
            assert isinstance(item, UrlItem)
            if isinstance(data, BaseException):
                out[k] = Result(name=item.name, source=b"", error=f"cannot read: {_reason(data)}", read=False)
            elif limits.input_bytes is not None and len(data) > limits.input_bytes:
                out[k] = _too_big(item, len(data), limits, "the file grew while it was listed, to")
            else:
                out[k] = BytesItem(data, item.name)
    return [r for r in out if r is not None]  # every slot is filled by now


def _too_big(item: UrlItem, size: int, limits: Limits, what: str) -> Result:
    exc = exceeded("input_bytes", limits.input_bytes, size, what=what, stage="read")
    return Result(name=item.name, source=b"", error=f"{exc} ({exc.stage})", limit=exc.limit, read=False)


def _cat_all(fs: Any, paths: list[str]) -> list[bytes | BaseException]:
    """Each file's bytes or the exception reading it; concurrent requests on an asynchronous filesystem.
    (Not ``fs.cat(paths)``: it expands glob characters, which a real file name may contain.)"""
    if getattr(fs, "async_impl", False):
        import asyncio

        from fsspec.asyn import sync

        async def gather() -> list[bytes | BaseException]:
            got: list[bytes | BaseException] = await asyncio.gather(
                *(fs._cat_file(p) for p in paths), return_exceptions=True
            )
            return got

        return [d if isinstance(d, BaseException) else bytes(d) for d in sync(fs.loop, gather)]
    out: list[bytes | BaseException] = []
    for p in paths:
        try:
            out.append(bytes(fs.cat_file(p)))
        except Exception as exc:  # reported on the document
            out.append(exc)
    return out


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def failed(item: AnyItem, message: str, options: Options, storage_options: StorageOptions | None) -> Result:
    """The result of an input whose task did not come back, as :func:`normalize._worker.failed` gives
    for a path or bytes: its bytes kept when they can be read within the input size limit (so the
    failure can still be archived), else ``read=False``."""
    if not isinstance(item, UrlItem):
        return _worker.failed(item, message, options)
    limit = options.limits.input_bytes
    try:
        if limit is not None and item.nbytes > limit:
            raise ValueError("too big to keep")
        fs, path = filesystem(item.url, storage_options)
        data = bytes(fs.cat_file(path))
        if limit is not None and len(data) > limit:
            raise ValueError("too big to keep")
    except Exception:  # best effort: the document is reported failed either way
        return Result(name=item.name, source=b"", error=message, read=False)
    return Result(name=item.name, source=data, error=message)


def absolute(item: AnyItem) -> AnyItem:
    """``item`` with an absolute path, for a worker whose working directory is not the client's."""
    if isinstance(item, PathItem) and not item.path.is_absolute():
        return PathItem(item.path.absolute(), item.root.absolute(), item.problem)
    return item


def item_name(item: AnyItem) -> str:
    """The name a record of ``item`` carries (``fileName``), without reading it."""
    if isinstance(item, PathItem):
        return _read.name_of(item.path, item.root)
    return item.name


def location(item: AnyItem) -> str:
    """Where ``item`` is: its local path or its URL (for the command's report)."""
    if isinstance(item, UrlItem):
        return item.url
    if isinstance(item, PathItem):
        return str(item.path)
    return item.name


# --- writing ----------------------------------------------------------------------------------------


def write_whole(fs: Any, path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` so that a reader sees all of it or nothing.

    On a filesystem with rename (local, or one mounted on every worker) the bytes go to a hidden temporary
    name in the same folder, then are renamed over ``path``; on object storage one ``PUT`` is already
    all-or-nothing (fsspec sends up to its block size, 50 MB for S3, as a single request).  A second write
    of the same bytes (a retried task) is then harmless: readers see either copy, whole."""
    parent = posixpath.dirname(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    if _has_rename(fs):
        tmp = posixpath.join(parent, f".{posixpath.basename(path)}.{uuid.uuid4().hex}.tmp")
        try:
            fs.pipe_file(tmp, data)
            fs.mv(tmp, path)
        except BaseException:
            if fs.exists(tmp):
                fs.rm_file(tmp)
            raise
    else:
        fs.pipe_file(path, data)


def _has_rename(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


# --- the archive's storage --------------------------------------------------------------------------


class ArchiveTargetError(ValueError):
    """The archive cannot live where it was asked to (object storage, or workers that cannot share it)."""


def archive_path(target: str | Path) -> Path:
    """The local directory of an archive target, or :class:`ArchiveTargetError` for object storage.

    Why refused: an OCFL commit here is made safe by a rename (the new version directory and inventory
    appear all at once, :mod:`normalize.archive._writer`), by per-object ``flock`` locks between
    writers, and by a SQLite index in WAL mode; object stores (S3, GCS, Azure) have none of the three,
    so a crash or two writers could leave an object half-written with no way to tell.
    """
    if not is_url(target):
        return Path(target)
    url = str(target)
    if protocol_of(url) in ("file", "local"):
        return Path(filesystem(url)[1])
    raise ArchiveTargetError(
        f"{url}: the OCFL archive must be on a POSIX filesystem (a path), not on {protocol_of(url)}:// "
        "object storage: its commits rely on atomic rename, file locks and a SQLite index, which object "
        "storage does not offer. Write the records as shards there instead (--shards URL), or archive to "
        "a local or shared directory."
    )
