"""Web pages out of WARC crawl archives (ISO 28500), the way corpus builders receive web data.

A WARC file is a container: one file holds thousands of captures.  :func:`pages` streams the HTTP
responses of HTML and plain-text pages out of it (``.warc`` or ``.warc.gz``, read with warcio), one at a
time, each with what the archive says of it: the target URI and the capture date.  Memory stays bounded
by the largest page, not the file.  Content and transfer encodings (gzip, chunked) are undone by warcio;
the page bytes are otherwise as served, so encoding detection sees what a browser saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

WARC_SUFFIXES = (".warc", ".warc.gz")
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True, slots=True)
class Page:
    """One captured page."""

    data: bytes
    name: str
    """``<name of the WARC file>/<record number>.html``: unique within a run, stable across runs, and
    a file name for its records (``-o`` writes them into a folder named after the WARC file)."""
    url: str
    """The WARC-Target-URI."""
    captured: str
    """The WARC-Date (ISO 8601, UTC)."""
    content_type: str


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


class WarcError(Exception):
    """The WARC file cannot be read on (not a WARC file, or damaged): the message says where."""


def pages(path: Path, name: str | None = None, *, max_bytes: int | None = None) -> Iterator[Page]:
    """The HTML and text responses of the WARC file at ``path`` (status 2xx), in file order; ``name``:
    the file's name as an input (default: its file name).

    A page larger than ``max_bytes`` is skipped (its payload is never read whole).  Raises
    :class:`WarcError` where the file cannot be read on (the pages before it were yielded)."""
    try:
        yield from _pages(path, name or path.name, max_bytes)
    except WarcError:
        raise
    except Exception as exc:  # warcio's ArchiveLoadFailed, zlib and gzip errors, a truncated file
        raise WarcError(f"unreadable WARC file: {type(exc).__name__}: {exc}") from exc


def count(path: Path) -> int:
    """How many pages :func:`pages` will yield (for the progress bar; 1 if the file is unreadable, as
    it is then one failed input)."""
    try:
        return sum(1 for _ in pages(path))
    except WarcError:
        return 1


def _pages(path: Path, name: str, max_bytes: int | None) -> Iterator[Page]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for n, record in enumerate(ArchiveIterator(fh), 1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode() or ""
            ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
            if not status.startswith("2") or ctype not in _PAGE_TYPES:
                continue
            stream = record.content_stream()
            data = stream.read(max_bytes + 1) if max_bytes is not None else stream.read()
            if max_bytes is not None and len(data) > max_bytes:
                continue
            yield Page(
                data=data,
                name=f"{name}/{n:06d}{'.txt' if ctype == 'text/plain' else '.html'}",
                url=record.rec_headers.get_header("WARC-Target-URI") or "",
                captured=record.rec_headers.get_header("WARC-Date") or "",
                content_type=ctype,
            )
