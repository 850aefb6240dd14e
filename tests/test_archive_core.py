"""The OCFL archive: ids, layout, ingest/idempotence/history/diff, reading, index, exports, verify, CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from ocfl import validator as ocfl_validator  # a hard dependency: a broken install must fail, not skip

from normalize.archive import Archive, ArchiveError, derive_id, make_id, workdir_for
from normalize.archive._layout import Layout, percent_encode
from normalize.cli import main
from normalize.pipeline import RecordOut, Result


def rec(body: str, headline: str = "标题") -> RecordOut:
    data = {"type": "NewsArticle", "headline": headline, "articleBody": body}
    raw = (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
    return RecordOut(
        id=f"urn:test:{hashlib.sha256(raw).hexdigest()[:8]}", data=data, bytes=raw, filename="r.jsonld"
    )


def ocfl_py(objdir: Path) -> list[str]:
    v = ocfl_validator.Validator(check_digests=True, log_warnings=True)
    v.validate_object(str(objdir))
    return list(v.log.messages)


def assert_all_valid(arc: Archive) -> int:
    n = 0
    for objdir in arc.iter_objects():
        assert ocfl_py(objdir) == [], objdir
        n += 1
    return n


@pytest.fixture
def arc(tmp_path: Path) -> Any:
    a = Archive.open(tmp_path / "archive", create=True)
    yield a
    a.close()


# -- ids and layout -----------------------------------------------------------------------------------

ID_CASES = [
    ("path", "news/a.txt", {}, "urn:normalize:path:news/a.txt"),
    (
        "path",
        "新闻/原文.txt",
        {},
        "urn:normalize:path-sha256:" + hashlib.sha256("新闻/原文.txt".encode()).hexdigest()[:32],
    ),
    ("path", "a b.txt", {}, "urn:normalize:path-sha256:" + hashlib.sha256(b"a b.txt").hexdigest()[:32]),
    (
        "url",
        "x.txt",
        {"url": " https://e.org/a?b=1 "},
        "urn:normalize:url-sha256:" + hashlib.sha256(b"https://e.org/a?b=1").hexdigest()[:32],
    ),
    ("field:docid", "x.txt", {"docid": "GB-2024-01"}, "urn:normalize:field-docid:GB-2024-01"),
]


@pytest.mark.parametrize(("key", "name", "fields", "expected"), ID_CASES)
def test_derive_id(key: str, name: str, fields: dict[str, Any], expected: str) -> None:
    oid = derive_id(key, name, fields)
    assert oid == expected
    assert oid.isascii() and len(percent_encode(oid)) <= 100


def test_long_path_is_hashed_and_short() -> None:
    oid = make_id("path", "a/" * 60 + "b.txt")
    assert oid.startswith("urn:normalize:path-sha256:")
    assert len(percent_encode(oid)) <= 100


def test_missing_key_values_raise() -> None:
    with pytest.raises(ValueError, match="url"):
        derive_id("url", "a.txt", {})
    with pytest.raises(ValueError, match="unknown id key"):
        derive_id("title", "a.txt", {})


def test_layout_matches_ocfl_py() -> None:
    from ocfl.layout_0003_hash_and_id_n_tuple import _id_to_path

    for oid in ["urn:normalize:path:news/a.txt", "urn:x:原文", "urn:" + "y" * 120]:
        assert Layout().object_path(oid) == _id_to_path(oid, "sha256", 3, 1)


def test_root_declares_layout(arc: Archive) -> None:
    root = arc.root
    assert (root / "0=ocfl_1.1").read_text() == "ocfl_1.1\n"
    assert json.loads((root / "ocfl_layout.json").read_text())["extension"] == (
        "0003-hash-and-id-n-tuple-storage-layout"
    )
    cfg = json.loads((root / "extensions/0003-hash-and-id-n-tuple-storage-layout/config.json").read_text())
    assert (cfg["digestAlgorithm"], cfg["tupleSize"], cfg["numberOfTuples"]) == ("sha256", 3, 1)
    assert workdir_for(root) == root.parent / ".archive.work"
    with pytest.raises(ArchiveError, match="not an OCFL storage root"):
        Archive.open(root.parent / "nothing")


# -- ingest -------------------------------------------------------------------------------------------


def test_ingest_idempotent_and_two_versions(arc: Archive) -> None:
    doc = Result("news/a.txt", b"source one", [rec("body one")])
    first = arc.ingest(doc)
    assert (first.status, first.version) == ("created", 1)
    again = arc.ingest(Result("news/a.txt", b"source one", [rec("body one")]))
    assert (again.status, again.version) == ("unchanged", 1)
    assert arc.head(first.object_id) == 1

    changed = arc.ingest(Result("news/a.txt", b"source two", [rec("body one"), rec("body two")]))
    assert (changed.status, changed.version) == ("updated", 2)
    assert changed.message == "source changed; records changed (1 -> 2)"
    assert arc.ingest(Result("news/a.txt", b"source two", [rec("body one"), rec("body two")])).status == (
        "unchanged"
    )

    oid = first.object_id
    assert arc.source(oid, 1).data == b"source one"
    assert arc.source(oid).data == b"source two"
    assert [r.data["articleBody"] for r in arc.records(oid, "v1")] == ["body one"]
    assert [r.data["articleBody"] for r in arc.records(oid)] == ["body one", "body two"]

    hist = arc.history(oid)
    assert [h.version for h in hist] == [1, 2]
    assert hist[1].added == ["records/002.jsonld"]
    assert hist[1].modified == ["provenance.json", "source/a.txt"]
    d = arc.diff(oid, "v1", "v2")
    assert {(p.path, p.change) for p in d.paths} == {
        ("provenance.json", "modified"),
        ("records/002.jsonld", "added"),
        ("source/a.txt", "modified"),
    }
    assert arc.diff(oid, 2, 2).empty
    assert assert_all_valid(arc) == 1


def test_only_record_change_with_new_tool_version(arc: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    from normalize._version import __version__ as before
    from normalize.archive import _archive

    oid = arc.ingest(Result("p.txt", b"s", [rec("old")])).object_id
    monkeypatch.setattr(_archive, "__version__", "9.9.9")
    # same output, newer tool: nothing new to record
    assert arc.ingest(Result("p.txt", b"s", [rec("old")])).status == "unchanged"
    out = arc.ingest(Result("p.txt", b"s", [rec("new")]))
    assert out.status == "updated"
    assert out.message == f"records changed (normalize {before} -> 9.9.9)"
    assert arc.provenance(oid)["tool"]["version"] == "9.9.9"
    assert arc.source(oid, 1).data == arc.source(oid, 2).data == b"s"
    # the source was not stored twice
    objdir = arc.object_path(oid)
    assert not (objdir / "v2/content/source").exists()
    assert ocfl_py(objdir) == []


def made_by(body: str, lxml: str, normalize: str = "0.1.0") -> RecordOut:
    """A record whose activity names the software versions that made it."""
    data = {
        "type": "NewsArticle",
        "articleBody": body,
        "wasGeneratedBy": {
            "type": "prov:Activity",
            "wasAssociatedWith": {
                "type": "SoftwareApplication",
                "name": "normalize",
                "softwareVersion": normalize,
            },
            "converter": [{"type": "SoftwareApplication", "name": "lxml", "softwareVersion": lxml}],
        },
    }
    raw = (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
    return RecordOut(id="urn:test:made-by", data=data, bytes=raw, filename="r.jsonld")


def test_a_new_release_of_a_converter_alone_makes_no_new_version(arc: Archive) -> None:
    # a fresh install picks up lxml 6.2.0: the re-run's records name it, and are otherwise the same
    oid = arc.ingest(Result("p.txt", b"s", [made_by("正文", "6.1.3")])).object_id
    for lxml, normalize in (("6.2.0", "0.1.0"), ("6.2.0", "0.2.0")):
        again = arc.ingest(Result("p.txt", b"s", [made_by("正文", lxml, normalize)]))
        assert (again.status, again.version) == ("unchanged", 1)
    # the head keeps the record as it was made, naming what truly made it
    assert arc.records(oid)[0].data["wasGeneratedBy"]["converter"][0]["softwareVersion"] == "6.1.3"
    # a record that changed besides its versions is a new version, with the versions it names
    out = arc.ingest(Result("p.txt", b"s", [made_by("新正文", "6.2.0")]))
    assert (out.status, out.version, out.message) == ("updated", 2, "records changed")
    assert arc.records(oid)[0].data["wasGeneratedBy"]["converter"][0]["softwareVersion"] == "6.2.0"
    # and so is a new record beside one that differs only in its versions
    two = arc.ingest(Result("p.txt", b"s", [made_by("新正文", "6.2.1"), made_by("附件", "6.2.1")]))
    assert (two.status, two.message) == ("updated", "records changed (1 -> 2)")
    assert ocfl_py(arc.object_path(oid)) == []


def test_identical_files_are_stored_once(arc: Archive) -> None:
    out = arc.ingest(Result("twice.txt", b"s", [rec("same"), rec("same")]))
    objdir = arc.object_path(out.object_id)
    assert sorted(p.name for p in (objdir / "v1/content/records").iterdir()) == ["001.jsonld"]
    assert [r.path for r in arc.records(out.object_id)] == ["records/001.jsonld", "records/002.jsonld"]
    assert ocfl_py(objdir) == []


def test_failed_document_is_archived(arc: Archive) -> None:
    raw = "政策标题：损坏\xff".encode("utf-8", "surrogateescape") + b"\xfe\xff"
    out = arc.ingest(Result("政策/坏文件.txt", raw, [], error="unknown layout (sniff)", warnings=["w1"]))
    assert out.status == "created" and "failed" in out.message
    assert arc.source(out.object_id).data == raw
    assert arc.source(out.object_id).filename == "坏文件.txt"
    prov = arc.provenance(out.object_id)
    assert prov["status"] == "failed" and prov["error"] == "unknown layout (sniff)"
    assert prov["warnings"] == ["w1"]
    assert prov["source"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert arc.records(out.object_id) == []
    objdir = arc.object_path(out.object_id)
    # content paths stay ASCII, the logical path keeps the original name
    inv = json.loads((objdir / "inventory.json").read_text())
    assert all(p.isascii() for ps in inv["manifest"].values() for p in ps)
    assert "source/坏文件.txt" in [p for ps in inv["versions"]["v1"]["state"].values() for p in ps]
    assert ocfl_py(objdir) == []
    fixed = arc.ingest(Result("政策/坏文件.txt", raw, [rec("now parsed")]))
    assert fixed.status == "updated" and "now parses" in fixed.message


def test_key_by_url_and_fallback(arc: Archive) -> None:
    a = arc.ingest(Result("a.txt", b"x", [rec("a")], fields={"url": "https://e.org/1"}), key="url")
    b = arc.ingest(Result("moved/a.txt", b"x", [rec("a")], fields={"url": "https://e.org/1"}), key="url")
    assert (
        a.object_id == b.object_id
        and b.status == "updated"
        and b.message == "source moved: a.txt -> moved/a.txt"
    )
    c = arc.ingest(Result("c.txt", b"y", []), key="url")
    assert c.object_id == "urn:normalize:path:c.txt" and "keyed by path" in c.message
    explicit = arc.ingest(Result("d.txt", b"z", []), object_id="urn:x:given")
    assert explicit.object_id == "urn:x:given" and "urn:x:given" in arc


def test_index_and_ids(arc: Archive) -> None:
    for i in range(30):
        arc.ingest(Result(f"d/{i:02d}.txt", f"s{i}".encode(), [rec(f"b{i}")]))
    assert arc.ids() == sorted(f"urn:normalize:path:d/{i:02d}.txt" for i in range(30))
    assert len(arc.ids("urn:normalize:path:d/1")) == 10
    e = arc.entries()[0]
    assert (e.head, e.status, e.records, e.name) == (1, "ok", 1, "d/00.txt")
    # the index is derived: delete it and it comes back identical
    arc.close()
    (workdir_for(arc.root) / "index.sqlite").unlink()
    again = Archive.open(arc.root)
    assert len(again.ids()) == 30
    # an object that appears behind the index's back (git pull) is noticed by bucket mtime
    other = Archive.open(arc.root)
    other.ingest(Result("new.txt", b"n", []))
    other.close()
    assert "urn:normalize:path:new.txt" in again.ids()
    again.close()


def test_iter_records_and_exports(arc: Archive, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    arc.ingest(Result("a.txt", b"a", [rec("A1"), rec("A2")]))
    arc.ingest(Result("b.txt", b"b", [rec("B1", headline="标题B")]))
    arc.ingest(Result("c.txt", b"c", [], error="bad"))
    bodies = [r.data["articleBody"] for r in arc.iter_records()]
    assert bodies == ["A1", "A2", "B1"]
    n = arc.export_jsonl(tmp_path / "out.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert n == 3 and [x["record"]["articleBody"] for x in lines] == bodies
    assert lines[0]["object_id"] == "urn:normalize:path:a.txt" and lines[0]["version"] == "v1"
    assert arc.export_parquet(tmp_path / "out.parquet") == 3
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 3
    assert table.column("headline").to_pylist() == ["标题", "标题", "标题B"]
    assert json.loads(table.column("record").to_pylist()[2])["articleBody"] == "B1"


def test_verify_detects_tampering_and_bad_records(arc: Archive) -> None:
    out = arc.ingest(Result("a.txt", b"original", [rec("A")]))
    assert arc.verify(records=False).ok
    # fake records do not follow the real schema: the record check must say so, naming the field
    report = arc.verify(records=True)
    assert not report.ok
    assert any("records/001.jsonld" in e for o in report.failed() for e in o.errors)
    # flip one content byte: ocfl-py's digest check must catch it
    src = arc.object_path(out.object_id) / "v1/content/source/a.txt"
    src.chmod(0o644)
    src.write_bytes(b"0riginal")
    report = arc.verify(records=False)
    assert not report.ok
    assert any("E092" in e or "E093" in e for o in report.failed() for e in o.errors)


def test_verify_root_level_problems(arc: Archive) -> None:
    arc.ingest(Result("a.txt", b"a", []))
    (arc.root / "abc").mkdir()
    (arc.root / "abc" / "stray.txt").write_text("x")
    (arc.root / "fff").mkdir()
    report = arc.verify(records=False)
    errors = report.objects[0].errors
    assert any("E072" in e for e in errors) and any("E073" in e for e in errors)


def test_misplaced_object_is_reported(arc: Archive) -> None:
    out = arc.ingest(Result("a.txt", b"a", []))
    src = arc.object_path(out.object_id)
    dst = arc.root / "000" / src.name
    dst.parent.mkdir()
    src.rename(dst)
    src.parent.rmdir()
    report = arc.verify(records=False)
    assert any("layout path" in e for o in report.failed() for e in o.errors)


# -- CLI ----------------------------------------------------------------------------------------------


def test_cli_log_diff_show_ls(arc: Archive, capsys: pytest.CaptureFixture[str]) -> None:
    arc.ingest(Result("news/a.txt", b"one", [rec("第一版正文")]))
    arc.ingest(Result("news/a.txt", b"one", [rec("第二版正文")]))
    root = str(arc.root)
    oid = "urn:normalize:path:news/a.txt"
    assert main(["archive", "log", oid, "--archive", root]) == 0
    out = capsys.readouterr().out
    assert "v2" in out and "records changed" in out and "v1" in out and "ingest news/a.txt" in out
    assert main(["archive", "diff", oid, "v1", "v2", "--archive", root]) == 0
    out = capsys.readouterr().out
    assert "records/001.jsonld" in out and "-第一版正文" in out and "+第二版正文" in out
    assert main(["archive", "show", oid, "--version", "v1", "--archive", root]) == 0
    assert "第一版正文" in capsys.readouterr().out
    assert main(["archive", "ls", "--archive", root]) == 0
    assert oid in capsys.readouterr().out
    assert main(["archive", "show", oid, "--version", "v7", "--archive", root]) == 1
    assert "no version v7" in capsys.readouterr().err
    assert main(["archive", "log", "urn:nope", "--archive", root]) == 1
    assert main(["archive", "ls", "--archive", root + "/missing"]) == 2  # a missing archive: input error
    assert main(["archive", "verify", "--no-records", "--archive", root]) == 0
    assert main(["archive", "reindex", "--archive", root]) == 0
    assert "indexed 1 objects" in capsys.readouterr().out


def test_cli_export(arc: Archive, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    def with_id(body: str, rid: str, headline: str = "标题") -> RecordOut:
        r = rec(body, headline)
        data = {**r.data, "id": rid, "datePublished": "2024-05-01"}
        raw = (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
        return RecordOut(id=rid, data=data, bytes=raw, filename="r.jsonld")

    a = arc.ingest(Result("a.txt", b"a", [with_id("A", "urn:r:a1"), rec("A2", headline="第二")]))
    b = arc.ingest(Result("sub/b.txt", b"b", [rec("B")]))
    arc.ingest(Result("b.txt", b"b2", [rec("B")]))
    arc.ingest(Result("sub/b.txt", b"b3", [with_id("B3", "urn:r:b3")]))  # v2: the export holds the head
    arc.ingest(Result("c.txt", b"c", [], error="bad"))  # no records, no row
    out = tmp_path / "x.parquet"
    assert main(["archive", "export", "--format", "parquet", str(out), "--archive", str(arc.root)]) == 0
    table = pq.read_table(out)
    assert table.column_names == [
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
    ]
    assert all(str(t) == "string" for t in table.schema.types)
    rows = table.to_pylist()
    got = [(r["object_id"], r["version"], r["path"], r["source_name"], r["headline"]) for r in rows]
    assert got == [
        (a.object_id, "v1", "records/001.jsonld", "a.txt", "标题"),
        (a.object_id, "v1", "records/002.jsonld", "a.txt", "第二"),
        ("urn:normalize:path:b.txt", "v1", "records/001.jsonld", "b.txt", "标题"),
        (b.object_id, "v2", "records/001.jsonld", "sub/b.txt", "标题"),
    ]
    assert [json.loads(r["record"])["articleBody"] for r in rows] == ["A", "A2", "B", "B3"]
    assert [r["type"] for r in rows] == ["NewsArticle"] * 4
    assert [r["record_id"] for r in rows] == ["urn:r:a1", None, None, "urn:r:b3"]
    assert [r["date_published"] for r in rows] == ["2024-05-01", None, None, "2024-05-01"]
    assert [r["created"] for r in rows] == [arc.records(r["object_id"])[0].created for r in rows]


def test_cli_verify_changed_objects_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    root = repo / "archive"
    with Archive.open(root, create=True) as a:
        a.ingest(Result("a.txt", b"a", []))
        b = a.ingest(Result("b.txt", b"b", []))
    subprocess.run(
        ["git", "add", "archive/" + a.layout.object_path("urn:normalize:path:a.txt")], cwd=repo, check=True
    )
    assert main(["archive", "verify", "--changed", "--no-records", "--archive", str(root)]) == 0
    assert "1 objects checked, 0 invalid" in capsys.readouterr().out
    # break b and stage it: now the hook must fail on b
    sidecar = a.object_path(b.object_id) / "inventory.json.sha512"
    sidecar.write_text("0" * 128 + " inventory.json\n")
    subprocess.run(["git", "add", "archive"], cwd=repo, check=True)
    assert main(["archive", "verify", "--changed", "--no-records", "--archive", str(root)]) == 1
    assert "2 objects checked, 1 invalid" in capsys.readouterr().out
