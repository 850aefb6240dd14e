"""The real pipeline into the archive: the five seeds archive, validate and re-ingest as unchanged."""

from __future__ import annotations

from pathlib import Path

import ocfl.validator  # noqa: F401  (a hard dependency: a broken install must fail, not skip)

from normalize.archive import Archive
from normalize.pipeline import process

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_seeds_archive_validates_and_is_idempotent(tmp_path: Path) -> None:
    files = sorted(p for p in SEEDS.iterdir() if p.is_file())
    assert len(files) == 5
    with Archive.open(tmp_path / "archive", create=True) as arc:
        first = [arc.ingest(process(p, SEEDS)) for p in files]
        assert [o.status for o in first] == ["created"] * 5
        for p, out in zip(files, first, strict=True):
            assert arc.source(out.object_id).data == p.read_bytes()
        report = arc.verify(records=True)
        assert report.ok, [(o.path, o.errors) for o in report.failed()]
        assert report.warnings == 0
        again = [arc.ingest(process(p, SEEDS)) for p in files]
        assert [o.status for o in again] == ["unchanged"] * 5
        assert all(arc.head(o.object_id) == 1 for o in again)
