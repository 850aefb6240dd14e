"""The repository's own archive/ is current: re-running the README's main command writes no new version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from normalize.archive import Archive
from normalize.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_committed_archive_is_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed = REPO / "archive"
    assert (committed / "0=ocfl_1.1").is_file()
    root = tmp_path / "archive"
    shutil.copytree(committed, root)
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert main([str(REPO / "seeds"), "--archive", str(root), "-q"]) == 0
    after = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before  # not one byte written: no new version anywhere
    with Archive.open(root) as arc:
        ids = list(arc.ids())
        # one object per seed, keyed by its file name (a history of several versions is fine)
        assert sorted(ids) == sorted(f"urn:normalize:path:{p.name}" for p in (REPO / "seeds").iterdir())
        report = arc.verify(records=True)
        assert report.ok and report.warnings == 0
