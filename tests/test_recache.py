"""Compiled patterns kept across processes (normalize._recache): the same patterns, never a failed run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from normalize import _recache, process

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

pytestmark = pytest.mark.skipif(not _recache._usable(), reason="not CPython's re engine")


def _run(args: list[str], cache: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NORMALIZE_CACHE_DIR": str(cache)}
    code = "import sys; from normalize.cli import entry; sys.argv[0] = 'normalize'; entry()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_pattern_of_the_pipeline_made_from_its_entry_is_the_pattern_re_compiles() -> None:
    texts = "\n".join(process(p, SEEDS).document.text for p in sorted(SEEDS.iterdir()))  # type: ignore[union-attr]
    texts += "\n" + "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(SEEDS.iterdir()))
    lines = sorted(set(texts.splitlines()))
    keys = [k for k in list(re._cache) if isinstance(k, tuple) and k[0] is str]  # type: ignore[attr-defined]
    assert len(keys) > 100  # the pipeline's patterns, compiled while the seeds ran
    for _, pattern, flags in keys:
        made = _recache.pattern_of(_recache.compiled(pattern, flags))
        fresh = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (
            fresh.pattern,
            fresh.flags,
            fresh.groups,
            fresh.groupindex,
        )
        for line in lines:
            a, b = made.search(line), fresh.search(line)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (pattern, line)


def test_a_second_run_starts_with_the_patterns_compiled_and_writes_the_same_records(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _run([str(SEEDS), "-o", str(tmp_path / "cold"), "-q", "--jobs", "1"], "off", tmp_path)
    assert cold.returncode == 0, cold.stderr
    assert not cache.exists()
    first = _run([str(SEEDS), "-o", str(tmp_path / "first"), "-q", "--jobs", "1"], cache, tmp_path)
    assert first.returncode == 0, first.stderr
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("re-") and len(_recache._read(files[0])) > 100
    stamp = files[0].stat().st_mtime_ns
    again = _run([str(SEEDS), "-o", str(tmp_path / "again"), "-q", "--jobs", "1"], cache, tmp_path)
    assert again.returncode == 0, again.stderr
    assert files[0].stat().st_mtime_ns == stamp  # nothing new was compiled: the file is not rewritten
    assert _outputs(tmp_path / "cold") == _outputs(tmp_path / "first") == _outputs(tmp_path / "again")
    count = "import re, normalize, normalize._recache as r; print(len(re._cache))"
    env = {**os.environ, "NORMALIZE_CACHE_DIR": str(cache)}
    warm = subprocess.run([sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True)
    env["NORMALIZE_CACHE_DIR"] = "off"
    none = subprocess.run([sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True)
    assert int(warm.stdout) > 100 + int(none.stdout)


def test_a_damaged_or_foreign_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert (
        _run(
            [str(SEEDS / sorted(os.listdir(SEEDS))[0]), "-o", str(tmp_path / "a"), "-q"], cache, tmp_path
        ).returncode
        == 0
    )
    (path,) = cache.iterdir()
    good = path.read_bytes()
    assert _recache._read(path)
    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0x20  # one flipped bit inside the code lists: the checksum refuses them
    for content in (bytes(damaged), good[: len(good) // 3], b"not a cache", good.replace(b"3.", b"9.", 1)):
        path.write_bytes(content)
        assert _recache._read(path) == []
        run = _run([str(SEEDS), "-o", str(tmp_path / "b"), "-q", "--jobs", "1"], cache, tmp_path)
        assert run.returncode == 0, run.stderr
        assert len(_recache._read(path)) > 100  # written anew


def test_a_cache_that_cannot_be_written_or_found_fails_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = _run([str(SEEDS), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"], blocker / "cache", tmp_path)
    assert run.returncode == 0 and not run.stderr, run.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "NORMALIZE_CACHE_DIR")}
    code = "import normalize._recache as r, normalize; print(r.cache_dir())"
    homeless = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert homeless.stdout.strip()  # the home directory from the password database, or None: no failure


def test_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for off in ("off", "0", ""):
        monkeypatch.setenv("NORMALIZE_CACHE_DIR", off)
        assert _recache.cache_dir() is None and _recache._path() is None
    monkeypatch.delenv("NORMALIZE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _recache.cache_dir() == tmp_path / "normalize"
