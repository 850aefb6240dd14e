"""normalize: messy Chinese news and policy documents → clean, canonical JSON-LD records.

Library use::

    from normalize import process
    result = process(Path("seeds/000.txt"))
    for record in result.records:
        print(record.id, record.data["headline"])
"""

from ._document import Article, Block, Change, Detection, Document, NormalizeError
from ._version import __version__
from .pipeline import Options, RecordOut, Result, process, process_bytes, process_document
from .validate import validate_file, validate_record

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
