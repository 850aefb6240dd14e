"""Derived exports of the head records: JSON Lines and Parquet (for DuckDB, pandas, Polars).

Both stream object by object (Parquet in row groups of ``BATCH`` rows), so memory stays flat however large
the archive.  One row per record: ``object_id``, ``version`` (``v3``), ``created`` (of that version),
``path`` (logical path in the object), ``record_id``, ``type``, ``headline`` (``headline`` or ``name``),
``date_published``, ``source_name``, and ``record`` — the record itself (JSON Lines: an object; Parquet: its
canonical JSON text, queryable with DuckDB's ``json_extract``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._archive import Archive

BATCH = 2000
COLUMNS = (
    "object_id",
    "version",
    "created",
    "path",
    "record_id",
    "type",
    "headline",
    "date_published",
    "source_name",
    "record",
)


def _rows(archive: Archive, prefix: str | None) -> Iterator[dict[str, Any]]:
    names = {e.id: e.name for e in archive.entries(prefix)}
    for rec in archive.iter_records(prefix):
        data = rec.data
        headline = data.get("headline", data.get("name"))
        yield {
            "object_id": rec.object_id,
            "version": f"v{rec.version}",
            "created": rec.created,
            "path": rec.path,
            "record_id": data.get("id"),
            "type": data.get("type"),
            "headline": headline if isinstance(headline, str) else None,
            "date_published": data.get("datePublished")
            if isinstance(data.get("datePublished"), str)
            else None,
            "source_name": names.get(rec.object_id, ""),
            "record": data,
        }


def _atomic_target(out: Path) -> Path:
    return out.with_name(f".{out.name}.{os.getpid()}.tmp")


def export_jsonl(archive: Archive, out: Path, prefix: str | None = None) -> int:
    """Write one JSON line per head record to ``out`` (``-`` = stdout); returns the number written."""
    import sys

    n = 0
    if str(out) == "-":
        for row in _rows(archive, prefix):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n
    tmp = _atomic_target(out)
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in _rows(archive, prefix):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, out)
    return n


def export_parquet(archive: Archive, out: Path, prefix: str | None = None) -> int:
    """Write one Parquet row per head record to ``out``; returns the number written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    tmp = _atomic_target(out)
    n = 0
    batch: list[dict[str, Any]] = []

    def flush(writer: Any) -> None:
        cols = {c: [r[c] for r in batch] for c in COLUMNS}
        cols["record"] = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in cols["record"]]
        writer.write_table(pa.table(cols, schema=schema))
        batch.clear()

    writer = pq.ParquetWriter(str(tmp), schema, compression="zstd")
    try:
        for row in _rows(archive, prefix):
            batch.append(row)
            n += 1
            if len(batch) >= BATCH:
                flush(writer)
        if batch or n == 0:
            flush(writer)
    finally:
        writer.close()
    os.replace(tmp, out)
    return n
