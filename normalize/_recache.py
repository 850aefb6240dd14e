"""Compiled regular expressions kept across processes, as Python keeps compiled modules (``.pyc``).

Python compiles a pattern again in every process, and a character class over a range of code points
costs a step per code point (``re``'s charset optimizer is pure Python): ``[\\u3400-\\u9fff]`` takes
2-3 ms to compile, and the pipeline compiles about 250 patterns, most of them with such classes.  On
the bench machine that was 0.22 s of the 0.57 s that ``normalize`` took on one small document, and it
is paid again by every pool worker started later, every Dask worker and every pre-commit run.

So the compiled form of each pattern (the code list that ``re`` hands to ``_sre``) is written once to a
cache file when a process that compiled new patterns exits (:func:`save`), and put into ``re``'s own
cache when ``normalize`` is imported (:func:`load`): ``re.compile`` then finds each pattern compiled.
The file is keyed by the interpreter's exact version and the ``_sre`` engine's magic number, and
checksummed (a damaged file is ignored: ``_sre`` does not check every code list it is given); any other
interpreter, or one whose ``re`` lacks these internals, compiles as usual.  Nothing here changes what a
pattern matches: the code is the one the same interpreter's compiler produced for the same pattern and
flags (``tests/test_recache.py``).

Where: ``$NORMALIZE_CACHE_DIR``, else ``$XDG_CACHE_HOME/normalize``, else ``~/.cache/normalize``;
``NORMALIZE_CACHE_DIR=off`` (or an unwritable folder) keeps nothing.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any

try:
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - an interpreter without CPython's engine
    _sre = _compiler = _parser = None

MAX_ENTRIES = 2_000
"""Most patterns kept in the file (``re``'s own cache holds 512; the rest are compiled as usual)."""

_FORMAT = 1
_loaded: set[tuple[str, int]] = set()
_armed = False


VERSIONS = ((3, 11), (3, 12), (3, 13))
"""Pythons whose ``re._compiler.compile`` hands ``_sre.compile`` what :func:`pattern_of` does (read in
their sources); any other compiles its patterns as usual."""


def _usable() -> bool:
    return (
        _sre is not None
        and sys.version_info[:2] in VERSIONS
        and sys.implementation.name == "cpython"
        and isinstance(getattr(re, "_cache", None), dict)
        and hasattr(_compiler, "_code")
        and hasattr(_parser, "parse")
    )


def cache_dir() -> Path | None:
    """The folder of the cache file (None: keep nothing)."""
    given = os.environ.get("NORMALIZE_CACHE_DIR")
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0", "no") else Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        base = Path(xdg) if xdg else Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no home directory to be found
        return None
    return base / "normalize"


def _path() -> Path | None:
    folder = cache_dir()
    if folder is None or _sre is None:
        return None
    return folder / f"re-{sys.implementation.cache_tag}-{_sre.MAGIC}.marshal"


def _stamp() -> str:
    return f"{_FORMAT} {sys.version} {_sre.MAGIC} {_sre.CODESIZE}"


Entry = tuple[str, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""(pattern, flags asked, flags of the compiled pattern, code, groups, group index, index group)."""


def compiled(pattern: str, flags: int) -> Entry:
    """What ``re`` compiles ``pattern`` with ``flags`` into, as data (CPython's ``re._compiler``)."""
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    final = flags | p.state.flags
    return (pattern, flags, final, [int(c) for c in code], p.state.groups - 1, groupindex, tuple(indexgroup))


def pattern_of(entry: Entry) -> re.Pattern[str]:
    """The pattern object ``entry`` describes (ValueError or RuntimeError where ``_sre`` finds its code
    invalid; it does not look at everything, hence :func:`_read`'s checksum)."""
    pattern, _flags, final, code, groups, groupindex, indexgroup = entry
    made: re.Pattern[str] = _sre.compile(pattern, final, code, groups, groupindex, indexgroup)
    return made


def _valid(entry: Any) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 7
        and isinstance(entry[0], str)
        and all(isinstance(entry[k], int) for k in (1, 2, 4))
        and isinstance(entry[3], list)
        and isinstance(entry[5], dict)
        and isinstance(entry[6], tuple)
    )


def _read(path: Path) -> list[Entry]:
    """The well-formed entries of the cache file at ``path``: none if it is missing, from another
    interpreter, or damaged (its checksum: ``_sre`` does not check every code list it is given, and a
    damaged one could crash the process)."""
    try:
        data = marshal.loads(path.read_bytes())
        if not (isinstance(data, tuple) and len(data) == 3 and data[0] == _stamp()):
            return []
        _, digest, payload = data
        if not isinstance(payload, bytes) or hashlib.blake2b(payload).digest() != digest:
            return []
        entries = marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return []
    return [e for e in entries if _valid(e)] if isinstance(entries, list) else []


def load() -> int:
    """Put the cached patterns into ``re``'s cache (once a process; after a fork the child has them
    already) and arrange for new ones to be saved at exit.  Returns how many were put; never raises."""
    global _armed
    if _armed or not _usable():
        return 0
    _armed = True
    path = _path()
    if path is None:
        return 0
    atexit.register(save)
    entries = _read(path)
    if not entries:
        return 0
    cache: dict[Any, Any] = re._cache  # type: ignore[attr-defined]
    room = getattr(re, "_MAXCACHE", 512) - len(cache)
    put = 0
    _loaded.update((e[0], e[1]) for e in entries)
    for entry in entries:
        if put >= room:
            break
        key = (str, entry[0], entry[1])
        if key in cache:
            continue
        try:
            cache[key] = pattern_of(entry)
        except (ValueError, RuntimeError, TypeError):
            continue
        put += 1
    return put


def save() -> None:
    """Write the cache file anew if this process compiled patterns the file lacks (the file's own
    entries are kept first).  Never raises: a cache that cannot be written is simply not kept."""
    path = _path()
    if path is None or not _usable():
        return
    cache: dict[Any, Any] = re._cache  # type: ignore[attr-defined]
    new = [
        (key[1], key[2])
        for key in list(cache)
        if isinstance(key, tuple) and len(key) == 3 and key[0] is str and (key[1], key[2]) not in _loaded
    ]
    if not new:
        return
    try:
        entries = _read(path)
        have = {(e[0], e[1]) for e in entries}
        kept = len(entries)
        for pattern, flags in new:
            if (pattern, flags) not in have and len(entries) < MAX_ENTRIES:
                entries.append(compiled(pattern, flags))
                have.add((pattern, flags))
        _loaded.update(have)
        if len(entries) == kept:  # another process wrote them meanwhile, or the file is full
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        payload = marshal.dumps(entries)
        tmp.write_bytes(marshal.dumps((_stamp(), hashlib.blake2b(payload).digest(), payload)))
        os.replace(tmp, path)
    except Exception:  # a cache is an accelerator: it must never fail a run
        return
