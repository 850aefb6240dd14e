"""``--executor dask``: the same records on a Dask cluster, sources and shards through fsspec.

Needs the ``dask`` extra (skipped without it) and, for the S3 test, moto (its server on 127.0.0.1, a
random port).  Clusters are kept small (two single-threaded worker processes) and each test runs a few
documents, so that each stays well under a minute on a shared two-core machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")
pytest.importorskip("fsspec", reason="the dask extra is not installed (pip install -e '.[dask]')")

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from normalize import _dask, _fsio, _shards, _worker
from normalize.archive import Archive
from normalize.cli import main
from normalize.pipeline import Options, Result

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _corpus(where: Path, copies: int = 1) -> Path:
    """The seeds, ``copies`` times, each copy a little different (so no two sources are equal)."""
    where.mkdir(parents=True)
    for i in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            data = seed.read_bytes().rstrip(b"\n") + f"\n\n\u7b2c{i}\u53f7\u3002\n".encode()
            (where / f"c{i}_{seed.name}").write_bytes(data)
    return where


def _reference(corpus: Path, tmp: Path) -> bytes:
    """The local executor's records, as ``normalize DIR --jsonl FILE --jobs 1`` writes them."""
    out = tmp / "reference.jsonl"
    assert main([str(corpus), "--jsonl", str(out), "--jobs", "1", "-q"]) == 0
    data = out.read_bytes()
    assert data.count(b"\n") >= 5
    return data


def _records(results: list[Result]) -> bytes:
    return b"".join(rec.bytes for r in results for rec in r.records)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


# --- without a cluster --------------------------------------------------------------------------------


def test_url_sources_are_named_and_ordered_as_paths(tmp_path: Path) -> None:
    """A folder read through fsspec gives the same documents, names and order as read from disk:
    hidden files and known non-documents skipped, sorted by path component ("a/…" before "a-b/…")."""
    root = tmp_path / "in"
    for rel in (
        "a-b/x.txt",
        "a/x.txt",
        "a/z.md",
        "b.txt",
        ".hidden/y.txt",
        "a/.h.txt",
        "r.jsonld",
        "Thumbs.db",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    local = [(_fsio.item_name(it), it.size()) for it in _fsio.iter_items([root])]
    assert [n for n, _ in local] == ["a/x.txt", "a/z.md", "a-b/x.txt", "b.txt"]
    assert [(it.name, it.size()) for it in _fsio.iter_items([f"file://{root}"])] == local
    assert [it.name for it in _fsio.iter_items([f"file://{root}/*/x.txt"])] == ["a/x.txt", "a-b/x.txt"]
    assert [it.name for it in _fsio.iter_items([f"file://{root}/b.txt"])] == ["b.txt"]
    named = [_fsio.item_name(it) for it in _fsio.iter_items([root / "r.jsonld"])]  # named: an input
    assert [it.name for it in _fsio.iter_items([f"file://{root}/r.jsonld"])] == named == ["r.jsonld"]
    with pytest.raises(FileNotFoundError):
        list(_fsio.iter_items([f"file://{root}/nothing/*.txt"]))
    # memory:// lives in this process only: its documents are read here and travel as bytes
    import fsspec

    mem = fsspec.filesystem("memory")
    for p in sorted(root.rglob("*")):
        if p.is_file():
            mem.pipe_file(f"/t-urls/{p.relative_to(root).as_posix()}", p.read_bytes())
    items = list(_fsio.iter_items(["memory://t-urls"]))
    assert all(isinstance(it, _worker.BytesItem) for it in items)
    assert [(_fsio.item_name(it), it.size()) for it in items] == local


def test_shards_named_by_their_inputs_written_whole(tmp_path: Path) -> None:
    """A task run twice (a retry) writes the same bytes under the same name; other inputs, another name;
    the Parquet shard holds the same records; no temporary file is left behind."""
    corpus = _corpus(tmp_path / "in")
    items = list(_fsio.iter_items([corpus]))[:3]
    out = f"file://{tmp_path}/out"
    plan = _dask.Plan(Options(), shards=out, fingerprint=_shards.fingerprint(Options()))
    first = _dask.run_task(4, items, plan)
    assert first.shard is not None
    path = tmp_path / "out" / first.shard.name
    data = path.read_bytes()
    again = _dask.run_task(4, items, plan)
    assert again.shard == first.shard and path.read_bytes() == data
    assert first.shard.name.startswith("part-000004-") and first.shard.documents == 3
    assert hashlib.sha256(data).hexdigest() == first.shard.sha256
    assert data == b"".join(
        r.bytes for b in [_worker.run_batch(items, Options())] for x in b for r in x.records
    )
    assert all(isinstance(r, _dask.Receipt) and r.source == b"" for r in first.results)
    other = _dask.run_task(4, items[:2], plan)
    assert other.shard is not None and other.shard.name != first.shard.name
    scripted = _dask.run_task(4, items, _dask.Plan(Options(), shards=out, fingerprint="another"))
    assert scripted.shard is not None and scripted.shard.name != first.shard.name
    pq = _dask.run_task(4, items, _dask.Plan(Options(), shards=out, shard_format="parquet", fingerprint="f"))
    assert pq.shard is not None and pq.shard.name.endswith(".parquet")
    manifest = _shards.Manifest("parquet", "f", shards=[pq.shard])
    manifest.write(out)
    assert b"".join(_shards.iter_records(out)) == data
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")) == []


def test_shard_write_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that dies midway leaves the previous shard whole (and no temporary file): a reader never
    sees part of a shard, and the retried task's write replaces it."""
    from fsspec.implementations.local import LocalFileSystem

    out = f"file://{tmp_path}/out"
    _shards.write(out, "part-000000-x.jsonl", b"old whole shard\n")
    real = LocalFileSystem.pipe_file

    def dies_midway(self: Any, path: str, value: bytes, **kwargs: Any) -> None:
        real(self, path, value[:3], **kwargs)
        raise OSError("killed")

    monkeypatch.setattr(LocalFileSystem, "pipe_file", dies_midway)
    with pytest.raises(OSError, match="killed"):
        _shards.write(out, "part-000000-x.jsonl", b"new whole shard\n")
    assert [p.read_bytes() for p in (tmp_path / "out").iterdir()] == [b"old whole shard\n"]
    monkeypatch.undo()
    _shards.write(out, "part-000000-x.jsonl", b"new whole shard\n")
    assert [p.read_bytes() for p in (tmp_path / "out").iterdir()] == [b"new whole shard\n"]


def test_workers_ingest_and_receipts_count(tmp_path: Path) -> None:
    """A task that ingests (as a worker does, called here directly) sends receipts that the command's sink
    counts; a second run of the same batch (a retry) changes nothing in the archive."""
    from collections import Counter

    items = list(_fsio.iter_items([_corpus(tmp_path / "in")]))[:2]
    root = tmp_path / "arc"
    Archive.open(root, create=True).close()
    plan = _dask.Plan(Options(), archive=str(root))
    first = _dask.run_task(0, items, plan)
    again = _dask.run_task(0, items, plan)
    assert [r.archived for r in first.results if isinstance(r, _dask.Receipt)] == ["created", "created"]
    assert [r.archived for r in again.results if isinstance(r, _dask.Receipt)] == ["unchanged", "unchanged"]

    from normalize.cli.run import Summary

    sink, summary = _dask.ReceiptSink("archive"), Summary()
    broken = _dask.receipt(first.results[0])
    broken.archive_errors = ["not archived: disk full"]
    for r in [*first.results, *again.results, broken]:
        sink.write(r, summary)
    assert summary.archive == Counter(created=2, unchanged=2)
    assert summary.failed == [(broken.name, "not archived: disk full")]
    with Archive.open(root) as arc:
        assert [len(arc.history(i)) for i in arc.ids()] == [1, 1]


def test_archive_on_object_storage_is_refused(tmp_path: Path) -> None:
    """OCFL needs atomic rename and file locks: an s3:// (or memory://) archive is refused, up front."""
    for target in ("s3://bucket/archive", "memory://archive"):
        with pytest.raises(_fsio.ArchiveTargetError, match="atomic rename"):
            _dask.DaskRun([str(SEEDS)], archive=target, ingest="workers")
        with pytest.raises(_fsio.ArchiveTargetError, match="object storage"):
            _fsio.archive_path(target)
    assert _fsio.archive_path(f"file://{tmp_path}/arc") == tmp_path / "arc"


# --- on a LocalCluster of two workers -------------------------------------------------------------------


def test_two_workers_same_records_as_local_executor(client: Client, tmp_path: Path) -> None:
    """Records back to the client, sharded JSON Lines (file:// and memory://), and an archive the workers
    ingest: each byte-identical to the local executor, with warm workers and counts that add up."""
    corpus = _corpus(tmp_path / "in")
    reference = _reference(corpus, tmp_path)
    local = [r for b in _worker.batches(_worker.PathItem(p, r) for p, r in _iter(corpus)) for r in _run(b)]

    results, stats = _dask.run([str(corpus)], client=client, max_items=2)
    assert _records(results) == reference
    assert [(r.name, [x.filename for x in r.records]) for r in results] == [
        (r.name, [x.filename for x in r.records]) for r in local
    ]
    assert len(stats.tasks) == 3 and len({t.worker for t in stats.tasks}) == 2  # both workers ran tasks
    assert all(client.run(lambda: _worker._warm).values())  # the plugin warmed every worker

    out = f"file://{tmp_path}/shards"
    receipts, _ = _dask.run([f"file://{corpus}"], client=client, shards=out, max_items=2)
    assert b"".join(_shards.iter_records(out)) == reference
    manifest = _shards.read_manifest(out)
    assert (manifest["documents"], manifest["records"], manifest["failed"]) == (5, reference.count(b"\n"), 0)
    assert [s["documents"] for s in manifest["shards"]] == [2, 2, 1]
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == sorted(
        [_shards.MANIFEST] + [s["name"] for s in manifest["shards"]]
    )
    assert [r.name for r in receipts] == [r.name for r in local]
    assert all(isinstance(r, _dask.Receipt) and r.shard for r in receipts)

    import fsspec

    mem = fsspec.filesystem("memory")
    for p in sorted(corpus.iterdir()):
        mem.pipe_file(f"/t-two/in/{p.name}", p.read_bytes())
    _dask.run(["memory://t-two/in"], client=client, shards="memory://t-two/out", max_items=2)
    assert b"".join(_shards.iter_records("memory://t-two/out")) == reference
    assert _shards.read_manifest("memory://t-two/out")["shards"] == manifest["shards"]  # same names

    assert main([str(corpus), "--archive", str(tmp_path / "arc1"), "--jobs", "1", "-q"]) == 0
    receipts, _ = _dask.run([str(corpus)], client=client, archive=tmp_path / "arc2", ingest="workers")
    assert [r.archived for r in receipts if isinstance(r, _dask.Receipt)] == ["created"] * 5
    assert _archive_content(tmp_path / "arc2") == _archive_content(tmp_path / "arc1")


def test_results_with_records_are_bounded_by_bytes_receipts_are_not(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's reorder window counts the source bytes of the batches in flight when the results
    carry their records (here squeezed to one batch at a time: still the same records, in order),
    and only documents when receipts come back."""
    made: list[_worker.Window[Result]] = []

    class Recorded(_worker.Window[Result]):
        def __init__(self, bound: int, max_bytes: int | None = None) -> None:
            super().__init__(bound, max_bytes)
            made.append(self)

    corpus = _corpus(tmp_path / "in")
    reference = _reference(corpus, tmp_path)
    monkeypatch.setattr(_worker, "Window", Recorded)
    monkeypatch.setattr(_worker, "WINDOW_BYTES_PER_JOB", 1)
    results, _ = _dask.run([str(corpus)], client=client, max_items=2)
    assert _records(results) == reference
    (window,) = made
    assert window.max_bytes == 2  # two single-threaded workers
    sizes = [sum(p.stat().st_size for p in batch) for batch in _pairs(sorted(corpus.iterdir()))]
    assert window.high_water_bytes == max(sizes) and window.high_water <= 2  # one batch at a time
    _dask.run([str(corpus)], client=client, shards=f"file://{tmp_path}/shards", max_items=2)
    assert made[1].max_bytes is None


def _pairs(paths: list[Path]) -> list[list[Path]]:
    return [paths[i : i + 2] for i in range(0, len(paths), 2)]


def _iter(corpus: Path) -> Iterator[tuple[Path, Path]]:
    from normalize import _read

    return _read.iter_sources([corpus])


def _run(batch: list[_worker.Item]) -> list[Result]:
    return _worker.run_batch(batch, Options())


def _archive_content(root: Path) -> dict[str, Any]:
    with Archive.open(root) as arc:
        return {i: ([r.raw for r in arc.records(i)], arc.source(i).data) for i in arc.ids()}


def test_worker_killed_mid_run_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL one worker process while it runs a task: the scheduler gives its tasks to the other worker
    (and to the restarted one, warmed again); every document is in exactly one shard, with the local
    executor's bytes, and the counts add up."""
    corpus = _corpus(tmp_path / "in", copies=2)
    reference = _reference(corpus, tmp_path)
    out = f"file://{tmp_path}/shards"
    got: list[Result] = []
    errors: list[BaseException] = []
    with _dask.DaskRun([str(corpus)], workers=2, shards=out, max_items=1) as run:

        def consume() -> None:
            try:
                got.extend(run.results())
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=consume)
        thread.start()
        victim, deadline = None, time.monotonic() + 30
        while victim is None and time.monotonic() < deadline:
            busy = run.client.run(lambda dask_worker: (os.getpid(), len(dask_worker.state.executing)))
            victim = next((pid for pid, n in busy.values() if n), None)
            time.sleep(0.02)
        assert victim is not None, "no task was seen running"
        os.kill(victim, signal.SIGKILL)
        killed_at = len(got)
        thread.join(timeout=120)
        assert not thread.is_alive() and not errors
        run.client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed one
        pids_after = {pid for pid, _ in run.client.run(lambda: (os.getpid(), 0)).values()}
        assert all(run.client.run(lambda: _worker._warm).values())  # the restarted one too
    assert killed_at < 10 and victim not in pids_after and len(pids_after) == 2
    assert len(got) == 10 and [r.name for r in got] == sorted(p.name for p in corpus.iterdir())
    assert run.stats.failed_tasks == 0 and not any(r.error for r in got)
    manifest = _shards.read_manifest(out)
    assert (manifest["documents"], manifest["records"], manifest["failed"]) == (10, reference.count(b"\n"), 0)
    assert len(manifest["shards"]) == 10  # one shard per batch (one document each)
    assert b"".join(_shards.iter_records(out)) == reference
    listed = {s["name"] for s in manifest["shards"]}
    assert {p.name for p in (tmp_path / "shards").iterdir() if not p.name.startswith(".")} == listed | {
        _shards.MANIFEST
    }


class _Poison(WorkerPlugin):
    """Makes every batch holding a document named ``*poison*`` kill its worker process, as a crash in
    native code would (set up again on each restarted worker)."""

    name = "test-poison"

    def setup(self, worker: Any) -> None:
        real = _worker.run_batch

        def run_batch(items: Any, options: Options) -> list[Result]:
            if any(isinstance(it, _worker.PathItem) and "poison" in it.path.name for it in items):
                os._exit(1)
            return real(items, options)

        _worker.run_batch = run_batch


def test_poison_document_fails_alone(tmp_path: Path) -> None:
    """A document that kills every worker that runs it: its batch fails (the scheduler allows no worker
    death here), is split, its other documents get their records, and it alone fails, in its own shard."""
    import dask

    corpus = _corpus(tmp_path / "in")
    reference = _reference(corpus, tmp_path)
    (corpus / "c0_poison.txt").write_bytes((SEEDS / sorted(os.listdir(SEEDS))[0]).read_bytes())
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
        )
    client = Client(cluster)
    try:
        client.register_plugin(_Poison())
        out = f"file://{tmp_path}/shards"
        results, stats = _dask.run([str(corpus)], client=client, shards=out, max_items=3)
    finally:
        client.close()
        cluster.close()
    assert [r.name for r in results] == sorted(p.name for p in corpus.iterdir())
    assert [r.name for r in results if r.error] == ["c0_poison.txt"]
    assert "died while normalizing this document, alone" in (results[-1].error or "")
    assert stats.failed_tasks >= 2  # the batch, then the document alone
    assert b"".join(_shards.iter_records(out)) == reference
    manifest = _shards.read_manifest(out)
    assert (manifest["documents"], manifest["failed"]) == (6, 1)
    assert [f["name"] for f in manifest["failures"]] == ["c0_poison.txt"]
    assert [s["name"][:15] for s in manifest["shards"]][-3:] == [
        "part-000001.000",
        "part-000001.001",
        "part-000001.002",
    ]


# --- S3 (moto's server on 127.0.0.1) -------------------------------------------------------------------


@pytest.fixture()
def s3() -> Iterator[dict[str, dict[str, Any]]]:
    pytest.importorskip("moto.server", reason="moto is not installed (pip install 'moto[server]')")
    pytest.importorskip("s3fs", reason="the dask extra is not installed (pip install -e '.[dask]')")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    options = {
        "s3": {
            "endpoint_url": f"http://{host}:{port}",
            "key": "testing",
            "secret": "testing",
            "client_kwargs": {"region_name": "eu-west-1"},  # given, so that nothing asks the network for it
            "skip_instance_cache": True,
        }
    }
    try:
        yield options
    finally:
        server.stop()


def test_s3_in_and_out(client: Client, s3: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """Sources listed and read from s3:// by the workers, Parquet shards and the manifest written there:
    the same records as the local executor on the same files."""
    import s3fs

    corpus = _corpus(tmp_path / "in")
    reference = _reference(corpus, tmp_path)
    fs = s3fs.S3FileSystem(**s3["s3"])
    fs.mkdir("corpus")
    for p in sorted(corpus.iterdir()):
        fs.pipe_file(f"corpus/in/{p.name}", p.read_bytes())
    fs.pipe_file("corpus/in/.hidden", b"not a document")
    out = "s3://corpus/out"
    receipts, stats = _dask.run(
        ["s3://corpus/in/"],
        client=client,
        shards=out,
        shard_format="parquet",
        storage_options=s3,
        max_items=2,
    )
    assert [r.name for r in receipts] == sorted(p.name for p in corpus.iterdir())
    assert b"".join(_shards.iter_records(out, s3)) == reference
    manifest = json.loads(fs.cat_file("corpus/out/manifest.json"))
    assert manifest["documents"] == 5 and manifest["records"] == reference.count(b"\n")
    assert sorted(fs.ls("corpus/out", detail=False)) == sorted(
        f"corpus/out/{n}" for n in [_shards.MANIFEST] + [s["name"] for s in manifest["shards"]]
    )
    assert all(t.worker for t in stats.tasks)  # read and written by the workers, not here


# --- the command line ----------------------------------------------------------------------------------


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``normalize DIR --executor dask``: the local executor's bytes; URL inputs, --shards and an archive on
    object storage refused where they cannot work (exit 2, before any work)."""
    from normalize.cli import build_parser

    if "--executor" not in build_parser("run").format_help():
        pytest.skip("--executor is not wired into normalize/cli/run.py yet")
    corpus = _corpus(tmp_path / "in")
    reference = _reference(corpus, tmp_path)
    out = tmp_path / "dask.jsonl"
    assert main([str(corpus), "--executor", "dask", "--jobs", "2", "--jsonl", str(out), "-q"]) == 0
    assert out.read_bytes() == reference
    shards = f"file://{tmp_path}/shards"
    assert main([f"file://{corpus}", "--executor", "dask", "--jobs", "2", "--shards", shards, "-q"]) == 0
    assert b"".join(_shards.iter_records(shards)) == reference
    capsys.readouterr()
    assert main([str(corpus), "--executor", "dask", "--archive", "s3://bucket/archive", "-q"]) == 2
    assert main([f"file://{corpus}", "-o", str(tmp_path / "o"), "-q"]) == 2
    assert main([str(corpus), "--shards", shards, "-q"]) == 2
    err = capsys.readouterr().err
    assert "object storage" in err and "need --executor dask" in err
    assert not (tmp_path / "o").exists()
