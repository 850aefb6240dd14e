"""Crawl archives (WARC) as input: each HTML page is a document, with its target URI and capture date."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from normalize import _warc
from normalize.cli import main
from normalize.validate import validate_record

PAGE = (
    "<html><head><meta charset=gbk><title>国务院部署稳就业工作_新闻</title></head><body>"
    "<h1>国务院部署稳就业工作</h1><p>国务院常务会议部署进一步做好稳就业工作，要求各地区各部门狠抓落实。</p>"
    "<p>会议指出，就业是最大的民生，必须把稳就业摆在更加突出的位置。</p></body></html>"
)


def write_warc(path: Path, records: list[tuple[str, bytes, str, str]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for url, body, ctype, status in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    write_warc(
        folder / "crawl.warc.gz",
        [
            ("http://news.example.cn/a.html", PAGE.encode("gbk"), "text/html; charset=gbk", "200 OK"),
            ("http://news.example.cn/logo.png", b"\x89PNG\r\n\x1a\n", "image/png", "200 OK"),
            ("http://news.example.cn/gone", b"<html><p>404</p></html>", "text/html", "404 Not Found"),
            (
                "http://news.example.cn/b.html",
                PAGE.replace("稳就业", "保民生").encode(),
                "text/html",
                "200 OK",
            ),
        ],
    )
    return folder


def test_pages_are_the_html_responses(crawl: Path) -> None:
    pages = list(_warc.pages(crawl / "crawl.warc.gz"))
    assert [p.url for p in pages] == ["http://news.example.cn/a.html", "http://news.example.cn/b.html"]
    assert [p.name for p in pages] == ["crawl.warc.gz/000001.html", "crawl.warc.gz/000004.html"]
    assert pages[0].data == PAGE.encode("gbk")  # as served: detection sees what a browser saw
    assert all(p.captured.endswith("Z") for p in pages)
    assert _warc.count(crawl / "crawl.warc.gz") == 2


def test_each_page_becomes_a_record_with_where_and_when(crawl: Path, tmp_path: Path) -> None:
    assert main([str(crawl), "-o", str(tmp_path / "out"), "--jobs", "1", "-q"]) == 0
    files = sorted((tmp_path / "out" / "crawl.warc.gz").glob("*.jsonld"))
    assert [f.name for f in files] == ["000001.jsonld", "000004.jsonld"]
    rec = json.loads(files[0].read_text(encoding="utf-8"))
    assert validate_record(rec) == []
    assert rec["headline"] == "国务院部署稳就业工作"
    assert rec["url"] == "http://news.example.cn/a.html"
    src = rec["wasDerivedFrom"]
    assert (src["url"], src["sourceFormat"], src["detectedEncoding"]) == (
        "http://news.example.cn/a.html",
        "html",
        "gb18030",
    )
    assert src["capturedAt"].endswith("Z") and src["fileName"] == "crawl.warc.gz/000001.html"


def test_jobs_2_gives_the_same_records(crawl: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main([str(crawl), "--jsonl", str(one), "--jobs", "1", "-q"]) == 0
    assert main([str(crawl), "--jsonl", str(two), "--jobs", "2", "-q"]) == 0
    assert one.read_bytes() == two.read_bytes() and one.read_bytes().count(b"\n") == 2


def test_a_damaged_warc_is_one_clear_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.warc").write_bytes(b"not a warc file")
    (tmp_path / "in" / "ok.html").write_text(PAGE, encoding="utf-8")
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "1", "-q"]) == 1
    assert "bad.warc: unreadable WARC file: ArchiveLoadFailed" in capsys.readouterr().err
    assert (tmp_path / "out" / "ok.jsonld").is_file()  # the batch went on
