"""normalize: messy Chinese news and policy documents → clean, canonical JSON-LD records.

Library use::

    from normalize import process
    result = process(Path("seeds/000.txt"))
    for record in result.records:
        print(record.id, record.data["headline"])

The pipeline's names are imported lazily, so ``normalize.archive`` (and the
``normalize archive`` commands) start without loading the text-processing
dictionaries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _recache

_recache.load()  # before any module of the package compiles its patterns

from ._document import Article, Block, Change, Detection, Document, NormalizeError  # noqa: E402
from ._version import __version__  # noqa: E402

if TYPE_CHECKING:
    from .pipeline import Options, RecordOut, Result, process, process_bytes, process_document
    from .validate import validate_file, validate_record

_LAZY = {
    "Options": "pipeline",
    "RecordOut": "pipeline",
    "Result": "pipeline",
    "process": "pipeline",
    "process_bytes": "pipeline",
    "process_document": "pipeline",
    "validate_file": "validate",
    "validate_record": "validate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'normalize' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API and the module's own names.

    The pipeline's names are loaded lazily (:func:`__getattr__`), so they are not module globals until
    first used; without this, ``dir(normalize)`` and tab completion would not show ``process``.
    """
    return sorted(set(__all__) | set(globals()))


__all__ = [
    "Article",
    "Block",
    "Change",
    "Detection",
    "Document",
    "NormalizeError",
    "Options",
    "RecordOut",
    "Result",
    "__version__",
    "process",
    "process_bytes",
    "process_document",
    "validate_file",
    "validate_record",
]
