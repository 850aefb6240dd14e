"""Memos: what the stages remember from one document to the next, and how a process forgets it.

The stages memoize pure functions of small values (a character's encodings, a word's cost, a
paragraph's folded view) and the model tables build their groups as characters are first met
(:mod:`normalize.encoding._tablefile`).  None of it changes a result: a memo emptied is filled again
with the same values.  But a process that runs for long (``--jobs 1`` over a big corpus, a Dask
worker) keeps growing: the memos fill, are emptied when full, fill again, and the heap they leave
behind is not given back.  Measured over the 100,000-document bench corpus in one process, the
resident size rose from 255 MB at 10,000 documents to 298 MB at 100,000, with no live object growing.

So every memo is registered here (:func:`memo`, :func:`cache`, :func:`lru_cache`)
and :func:`renew` empties them all at once, then hands the freed heap back to the system
(``malloc_trim`` where the C library has it).  :func:`normalize._worker.run_batch` renews every
:data:`normalize._worker.RENEW_EVERY` documents, in whichever process it runs; a pool's workers are
also replaced every so often (:class:`normalize._worker.Pool`), which a Dask worker or the command's
own process is not.

What is loaded once and needed by every document (a converter, a model, a compiled schema, the
tables themselves) is not a memo: it stays, under :func:`functools.cache`.
"""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class _Memo(Protocol):
    def __len__(self) -> int: ...
    def clear(self) -> None: ...


M = TypeVar("M", bound=_Memo)

_MEMOS: list[_Memo | functools._lru_cache_wrapper[Any]] = []
"""Every registered memo: a dict (or another container) or a functools cache."""


def memo(table: M) -> M:
    """Register ``table`` (a dict, a set …: emptied by its ``clear``) as a memo; returns it."""
    _MEMOS.append(table)
    return table


def cache(fn: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
    """:func:`functools.cache`, registered: for a function of values met in documents (a character,
    a line), whose memo grows with what the process meets."""
    wrapped = functools.cache(fn)
    _MEMOS.append(wrapped)
    return wrapped


def lru_cache(maxsize: int) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """:func:`functools.lru_cache`, registered."""

    def decorate(fn: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        wrapped = functools.lru_cache(maxsize=maxsize)(fn)
        _MEMOS.append(wrapped)
        return wrapped

    return decorate


def sizes() -> list[int]:
    """The number of entries of each registered memo, in the order registered (for tests and tools)."""
    wrapper = functools._lru_cache_wrapper
    return [m.cache_info().currsize if isinstance(m, wrapper) else len(m) for m in _MEMOS]


def renew() -> None:
    """Empty every memo, collect, and give the freed heap back to the system."""
    for m in _MEMOS:
        if isinstance(m, functools._lru_cache_wrapper):
            m.cache_clear()
        else:
            m.clear()
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim`` (returns the free heap's pages), or None where the C library has none."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # TypeError: Windows loads no library by None
        return None
