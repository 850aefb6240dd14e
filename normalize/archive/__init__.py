"""The versioned archive: an OCFL 1.1 storage root with each document's source bytes and records.

Writing (the pipeline calls this)::

    from normalize.archive import Archive
    with Archive.open("archive", create=True) as arc:
        outcome = arc.ingest(result)            # created | updated | unchanged

Reading::

    arc = Archive.open("archive")
    for object_id in arc.ids(): ...
    arc.records(object_id)                      # head records (list of Record: .data, .raw, .version, …)
    arc.records(object_id, "v1")                # any version
    arc.source(object_id).data                  # exact source bytes
    arc.history(object_id)                      # [VersionInfo(version, created, message, added, …)]
    arc.diff(object_id, "v1", "v2")             # Diff(paths=[PathDiff(path, change, fields)])
    for rec in arc.iter_records(): ...          # stream every head record
    arc.export_jsonl("records.jsonl"); arc.export_parquet("records.parquet")
    arc.verify(); arc.reindex()

See docs/archive.md for the on-disk layout, ids, crash safety and concurrency.
"""

from ._archive import Archive, ArchiveError, IngestOutcome, RecordLike, ResultLike, workdir_for
from ._ids import derive_id, make_id
from ._index import Entry
from ._lock import LockTimeout
from ._reader import Diff, FieldChange, PathDiff, Record, Source, VersionInfo
from ._verify import ObjectReport, Report, verify_object, verify_path, verify_root

__all__ = [
    "Archive",
    "ArchiveError",
    "Diff",
    "Entry",
    "FieldChange",
    "IngestOutcome",
    "LockTimeout",
    "ObjectReport",
    "PathDiff",
    "Record",
    "RecordLike",
    "Report",
    "ResultLike",
    "Source",
    "VersionInfo",
    "derive_id",
    "make_id",
    "verify_object",
    "verify_path",
    "verify_root",
    "workdir_for",
]
