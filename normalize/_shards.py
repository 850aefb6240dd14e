"""Sharded record output: one shard per task batch, and a manifest listing them.

Why shards: at scale the records should go from the workers straight to storage, not through the one
client.  Each task writes the records of its batch as one shard (JSON Lines: the canonical record bytes,
exactly what ``--jsonl`` writes; or Parquet, one row per record), and the client writes
``manifest.json`` at the end, from the small receipts the tasks send back.

Why these names: a shard's name is derived from its batch's inputs only: the batch's position in the
input order, then a digest of the tool version, the options, and each document's name and source sha256
(``part-000012-3fa9c0d41be27a55.jsonl``; its invalid records, if any, beside it in
``part-000012-3fa9c0d41be27a55.invalid.jsonl``).  The same input therefore gives the same names and bytes,
whichever worker ran which batch and in whatever order, and a task that runs twice (its worker died after
writing, the scheduler ran it again) writes the same bytes to the same name: nothing is duplicated,
nothing is lost (:func:`normalize._fsio.write_whole` makes each write all-or-nothing).  Only shards the
manifest lists belong to the output; concatenated in its order they are byte for byte the ``--jsonl``
output of the local executor.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ._fsio import StorageOptions, filesystem, write_whole
from ._version import __version__
from .pipeline import Options, RecordOut, Result

FORMATS = {"jsonl": "jsonl", "parquet": "parquet"}
"""Shard format -> file extension."""
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
PARQUET_COLUMNS = (
    "source_name",
    "position",
    "record_id",
    "type",
    "headline",
    "date_published",
    "record",
)
"""One Parquet row per record; ``record`` is its canonical JSON text (the JSON Lines line without its
newline), so either format gives back the same bytes."""


@dataclass(frozen=True, slots=True)
class ShardInfo:
    """A written shard, as the manifest lists it."""

    name: str
    documents: int
    records: int
    failed: int
    quarantined: int
    bytes: int
    sha256: str
    invalid: str | None = None
    """The shard's quarantine file (JSON Lines, :func:`quarantine_line`), when a record was invalid."""
    invalid_sha256: str | None = None


def fingerprint(options: Options) -> str:
    """What, besides the documents, decides the records' bytes: the tool version and the options."""
    return hashlib.sha256(f"normalize {__version__}\n{options!r}".encode()).hexdigest()


def shard_stem(seq: int, results: Sequence[Result], fp: str, part: int | None = None) -> str:
    """The name (without extension) of batch ``seq``'s shard, from its inputs (see the module
    docstring); ``part``: the document's place in a batch that was split (run one document a task
    after its task kept failing)."""
    h = hashlib.sha256(fp.encode())
    for r in results:
        h.update(f"\n{r.name}\0{r.sha256}".encode())
    split = "" if part is None else f".{part:03d}"
    return f"part-{seq:06d}{split}-{h.hexdigest()[:16]}"


def build(
    seq: int, results: Sequence[Result], fmt: str, fp: str, part: int | None = None
) -> tuple[ShardInfo, list[tuple[str, bytes]]]:
    """The shard of ``results``: its manifest entry, and the files to write (the shard, and its
    quarantine file when a record was invalid).  Deterministic: no times, no hosts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown shard format {fmt!r}: one of {', '.join(FORMATS)}")
    stem = shard_stem(seq, results, fp, part)
    name = f"{stem}.{FORMATS[fmt]}"
    data = b"".join(rec.bytes for r in results for rec in r.records) if fmt == "jsonl" else _parquet(results)
    files = [(name, data)]
    invalid = b"".join(quarantine_line(r, rec) for r in results for rec in r.quarantined)
    if invalid:
        files.append((f"{stem}.invalid.jsonl", invalid))
    shard = ShardInfo(
        name=name,
        documents=len(results),
        records=sum(len(r.records) for r in results),
        failed=sum(1 for r in results if r.error),
        quarantined=sum(len(r.quarantined) for r in results),
        bytes=len(data),
        sha256=_sha256(data),
        invalid=files[1][0] if invalid else None,
        invalid_sha256=_sha256(invalid) if invalid else None,
    )
    return shard, files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def quarantine_line(result: Result, rec: RecordOut) -> bytes:
    """A quarantined record as one JSON line, as ``--jsonl`` writes it in ``FILE.invalid.jsonl``
    (``normalize.cli.run.quarantine_line``): not a record, so no reader mistakes it for one."""
    line = {"quarantined": True, "source": result.name, "errors": rec.errors, "record": rec.data}
    return (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _parquet(results: Sequence[Result]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows: dict[str, list[Any]] = {c: [] for c in PARQUET_COLUMNS}
    for r in results:
        for position, rec in enumerate(r.records, 1):
            data = rec.data
            headline = data.get("headline", data.get("name"))
            published = data.get("datePublished")
            rows["source_name"].append(r.name)
            rows["position"].append(rec.position or position)
            rows["record_id"].append(rec.id)
            rows["type"].append(data.get("type"))
            rows["headline"].append(headline if isinstance(headline, str) else None)
            rows["date_published"].append(published if isinstance(published, str) else None)
            rows["record"].append(rec.bytes.decode("utf-8").removesuffix("\n"))
    schema = pa.schema([(c, pa.int32() if c == "position" else pa.string()) for c in PARQUET_COLUMNS])
    buf = io.BytesIO()
    pq.write_table(pa.table(rows, schema=schema), buf, compression="zstd")
    return buf.getvalue()


def write(url: str, name: str, data: bytes, storage_options: StorageOptions | None = None) -> None:
    fs, root = filesystem(url, storage_options)
    write_whole(fs, f"{root.rstrip('/')}/{name}", data)


@dataclass
class Manifest:
    """``manifest.json``: the shards in input order, the totals, and every failed document."""

    format: str
    options: str
    """:func:`fingerprint` of the run."""
    shards: list[ShardInfo] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(document name, error), in input order: a failed document has no record, so it is named here."""

    def to_bytes(self) -> bytes:
        doc = {
            "manifest": MANIFEST_VERSION,
            "tool": {"name": "normalize", "version": __version__},
            "format": self.format,
            "options": self.options,
            "documents": sum(s.documents for s in self.shards),
            "records": sum(s.records for s in self.shards),
            "failed": sum(s.failed for s in self.shards),
            "quarantined": sum(s.quarantined for s in self.shards),
            "shards": [asdict(s) for s in self.shards],
            "failures": [{"name": n, "error": e} for n, e in self.failures],
        }
        return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")

    def write(self, url: str, storage_options: StorageOptions | None = None) -> None:
        write(url, MANIFEST, self.to_bytes(), storage_options)


def read_manifest(url: str, storage_options: StorageOptions | None = None) -> dict[str, Any]:
    fs, root = filesystem(url, storage_options)
    doc: dict[str, Any] = json.loads(fs.cat_file(f"{root.rstrip('/')}/{MANIFEST}"))
    return doc


def iter_records(url: str, storage_options: StorageOptions | None = None) -> Iterator[bytes]:
    """Every record of the sharded output at ``url`` (canonical bytes, newline included), in input
    order; each shard is checked against the manifest's sha256 first (:class:`ValueError` if it differs)."""
    manifest = read_manifest(url, storage_options)
    fs, root = filesystem(url, storage_options)
    for shard in manifest["shards"]:
        data = bytes(fs.cat_file(f"{root.rstrip('/')}/{shard['name']}"))
        if hashlib.sha256(data).hexdigest() != shard["sha256"]:
            raise ValueError(f"{shard['name']}: content differs from the manifest's sha256")
        if manifest["format"] == "jsonl":
            yield from data.splitlines(keepends=True)
        else:
            import pyarrow.parquet as pq

            for text in pq.read_table(io.BytesIO(data), columns=["record"]).column("record").to_pylist():
                yield text.encode("utf-8") + b"\n"
