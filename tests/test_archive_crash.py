"""Crash safety, concurrency and locks: SIGKILLed and concurrent ingest processes into one storage root."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ocfl.validator import Validator  # a hard dependency: a broken install must fail, not skip

import normalize
from normalize.archive import Archive, LockTimeout, verify_root, workdir_for
from normalize.archive._lock import flocked, object_lock_path
from normalize.pipeline import Result

WORKER = r"""
import hashlib, json, os, signal, sys
from dataclasses import dataclass, field
from typing import Any

@dataclass
class Rec:
    id: str
    data: dict
    bytes: bytes
    filename: str = "r.jsonld"

@dataclass
class Res:
    name: str
    source: bytes
    records: list
    error: Any = None
    warnings: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)

from normalize.archive import Archive

root, tag, count, objects = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
die_at = sys.argv[5] if len(sys.argv) > 5 else ""
arc = Archive.open(root, create=True)
w = arc.writer  # recovery of earlier crashes happens here
if die_at:
    step, nth = die_at.split(":")
    seen = {"n": 0}
    def fault(name):
        if name == step:
            seen["n"] += 1
            if seen["n"] == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)
    w.fault = fault
print("ready", flush=True)
for i in range(count):
    body = f"{tag} body {i}"
    data = {"type": "NewsArticle", "articleBody": body}
    raw = (json.dumps(data, sort_keys=True) + "\n").encode()
    src = (f"{tag} source {i} ".encode() * 50)
    recs = [Rec(f"urn:t:{i}", data, raw)] + ([Rec(f"urn:t:{i}b", data, raw + b" ")] if i % 3 == 0 else [])
    out = arc.ingest(Res(f"d/{i % objects:02d}.txt", src, recs))
    print(json.dumps({"id": out.object_id, "v": out.version, "status": out.status,
                      "sha": hashlib.sha256(src).hexdigest()}), flush=True)
arc.close()
print("finished", flush=True)
"""


def _env() -> dict[str, str]:
    """Child processes import the ``normalize`` this process imported (under mutmut: the mutated copy)."""
    here = str(Path(normalize.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (here, os.environ.get("PYTHONPATH"))))}


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    path = tmp_path / "worker.py"
    path.write_text(WORKER)
    return path


def _start(worker: Path, root: Path, tag: str, count: int, objects: int, die_at: str = "") -> Any:
    args = [sys.executable, str(worker), str(root), tag, str(count), str(objects)]
    if die_at:
        args.append(die_at)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    return proc


def _done(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        if line.startswith("{") and line.endswith("}"):
            out.append(json.loads(line))
    return out


def _ocfl_py_errors(objdir: Path) -> list[str]:
    v = Validator(check_digests=True, log_warnings=True)
    v.validate_object(str(objdir))
    return list(v.log.messages)


def _check_root(root: Path, done: list[dict[str, Any]]) -> Archive:
    """Reopen (recover), then: ocfl-py valid, root rules hold, every reported ingest is there."""
    arc = Archive.open(root)
    arc.recover()
    report = verify_root(root, records=False)
    assert report.ok, [(o.path, o.errors) for o in report.failed()]
    assert len(report.objects) - 1 == len(list(arc.iter_objects()))  # ocfl-py ran on every object
    assert report.warnings == 0
    for objdir in arc.iter_objects():
        # no partial version: version dirs are exactly v1..head
        inv = json.loads((objdir / "inventory.json").read_bytes())
        n = int(inv["head"][1:])
        assert sorted(p.name for p in objdir.glob("v*")) == sorted(f"v{i}" for i in range(1, n + 1))
    for d in done:
        src = arc.source(d["id"], d["v"])
        assert hashlib.sha256(src.data).hexdigest() == d["sha"]
    # the dead writers' staging and intents are gone
    work = workdir_for(root)
    live = {arc.writer.token.name}
    for sub in ("stage", "intents"):
        assert {p.name for p in (work / sub).iterdir()} <= live
    return arc


def test_sigkill_at_random_moments(worker: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    rng = random.Random(1234)
    done: list[dict[str, Any]] = []
    killed_mid = 0
    for trial in range(24):
        proc = _start(worker, root, f"t{trial}", 400, 12)
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        assert "finished" not in out
        got = _done(out)
        killed_mid += bool(got)
        done += got
        arc = _check_root(root, done)
        arc.close()
    assert killed_mid >= 10  # most kills landed in the middle of ingesting
    assert len(done) > 24


STEPS_UPDATE = ["staged", "intent", "renamed", "inventory", "sidecar", "done"]
STEPS_CREATE = ["staged", "intent", "bucket", "renamed", "done"]


@pytest.mark.parametrize("step", sorted(set(STEPS_CREATE + STEPS_UPDATE)))
def test_sigkill_at_each_commit_step(worker: Path, tmp_path: Path, step: str) -> None:
    root = tmp_path / "archive"
    # d/00 is created by ingest 0 (1st commit) and updated by ingest 2 (3rd commit, 1st update)
    for update in (False, True):
        if step not in (STEPS_UPDATE if update else STEPS_CREATE):
            continue
        expect_head = 2 if update else 1
        nth = 1 if step in ("inventory", "sidecar") or not update else 3
        if root.exists():
            import shutil

            shutil.rmtree(root)
            shutil.rmtree(workdir_for(root), ignore_errors=True)
        proc = _start(worker, root, "x", 4, 2, die_at=f"{step}:{nth}")
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        done = _done(out)
        assert len(done) == (2 if update else 0)
        arc = _check_root(root, done)
        oid = "urn:normalize:path:d/00.txt"
        committed = step in ("renamed", "inventory", "sidecar", "done")
        if committed:
            assert arc.head(oid) == expect_head
        elif expect_head == 1:
            assert oid not in arc
        else:
            assert arc.head(oid) == expect_head - 1
        assert arc.ids() == sorted(arc.ids())  # index readable after recovery
        if committed:
            assert oid in arc.ids()
        # and writable: the next version lands on the recovered head
        head = expect_head if committed else expect_head - 1
        nxt = arc.ingest(Result("d/00.txt", b"after recovery", []))
        assert (nxt.object_id, nxt.version) == (oid, head + 1)
        assert _ocfl_py_errors(arc.object_path(oid)) == []
        arc.close()


def test_two_concurrent_ingests_lose_no_version(worker: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    Archive.open(root, create=True).close()
    procs = [_start(worker, root, tag, 60, 15) for tag in ("alpha", "beta")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "finished" in out
    done = [d for out, _ in outs for d in _done(out)]
    arc = _check_root(root, done)
    per_object: dict[str, list[int]] = {}
    for d in done:
        if d["status"] != "unchanged":
            per_object.setdefault(d["id"], []).append(d["v"])
    assert len(per_object) == 15
    for oid, versions in per_object.items():
        # every reported version exists, none was reported twice, and the head counts them all
        assert sorted(versions) == list(range(1, len(versions) + 1)), (oid, versions)
        assert arc.head(oid) == len(versions)
    assert len(arc.ids()) == 15
    arc.close()


def test_stale_lock_of_killed_process_is_reclaimed(tmp_path: Path) -> None:
    work = tmp_path / ".archive.work"
    lock = object_lock_path(work, "urn:x:1")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from normalize.archive._lock import flocked\n"
            "with flocked(Path(sys.argv[1])):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(LockTimeout, match=f"pid {holder.pid}"), flocked(lock, timeout=0.2):
        pass
    holder.kill()
    holder.wait()
    t = time.monotonic()
    with flocked(lock, timeout=5):
        assert lock.read_text().strip() == str(os.getpid())
    assert time.monotonic() - t < 1


def test_thousand_documents_validate(tmp_path: Path) -> None:
    """A 1,000-document generated archive: ocfl-py reports 0 errors and 0 warnings on every object."""
    from normalize.pipeline import RecordOut

    with Archive.open(tmp_path / "archive", create=True, durable=False) as arc:
        for i in range(1000):
            raw = json.dumps({"type": "NewsArticle", "articleBody": f"正文 {i}"}, ensure_ascii=False).encode()
            res = Result(
                f"gen/{i:05d}.txt",
                f"来源 {i}".encode() * 40,
                [RecordOut(f"urn:r:{i}", {}, raw + b"\n", "1.jsonld")],
            )
            arc.ingest(res)
        assert len(arc.ids()) == 1000
        bad = [d for d in arc.iter_objects() if _ocfl_py_errors(d)]
        assert bad == []
