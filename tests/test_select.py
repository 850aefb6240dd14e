"""Choosing the files of a folder: --include / --exclude globs, and what the run says about them
(-v/--verbose, warnings shown, "+N more")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import _read
from normalize._select import Selection
from normalize.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FM = "---\ntitle: 标题{i}\ndate: 2021-13-45\n---\n<p>这是一段新闻正文内容，用于测试警告的显示。</p>\n"


@pytest.mark.parametrize(
    ("include", "exclude", "path", "wanted"),
    [
        ((), (), "a/b/c.txt", True),
        (("*.txt",), (), "c.txt", True),
        (("*.txt",), (), "a/b/c.txt", True),  # no "/": a name at any depth
        (("*.txt",), (), "a/b/c.md", False),
        (("a/*.txt",), (), "a/c.txt", True),  # with "/": from the folder given
        (("a/*.txt",), (), "x/a/c.txt", False),
        (("a/*.txt",), (), "a/b/c.txt", False),  # * never crosses a /
        (("**/b/*.txt",), (), "a/b/c.txt", True),
        (("**/b/*.txt",), (), "b/c.txt", True),  # ** is zero or more folders
        (("a/**",), (), "a/b/c/d.txt", True),
        (("c.t?t",), (), "c.txt", True),
        (("[!c].txt",), (), "c.txt", False),
        (("[!c].txt",), (), "d.txt", True),
        (("*.txt,*.md",), (), "a/x.md", True),  # comma-separated, as ruff
        ((), ("drafts",), "drafts/x.txt", False),  # an excluded folder's files
        ((), ("drafts",), "a/drafts/x.txt", False),
        ((), ("drafts/",), "drafts", True),  # trailing /: folders only
        ((), ("drafts/",), "a/drafts/x.txt", False),
        ((), ("*.json",), "a/x.json", False),
        ((), ("*.json",), "a/x.jsonl", True),
        (("*.txt",), ("old_*",), "old_1.txt", False),  # exclusion first
        (("*.txt",), ("a/b",), "a/b/c.txt", False),
        (("*.txt",), ("a/b",), "a/bc/c.txt", True),
    ],
)
def test_glob_semantics(include: tuple[str, ...], exclude: tuple[str, ...], path: str, wanted: bool) -> None:
    assert Selection(include, exclude).wants(path) is wanted


def test_bad_pattern_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="bad glob"):
        Selection(("[z-a].txt",))
    assert main([str(SEEDS), "-o", str(tmp_path / "o"), "--include", "[z-a].txt"]) == 2
    assert "--include/--exclude: bad glob pattern" in capsys.readouterr().err


def _tree(root: Path) -> None:
    for rel in ("news/2019/a.txt", "news/2019/b.html", "news/drafts/c.txt", "policy/d.txt", "policy/d.json"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")


def test_walk_prunes_and_selects(tmp_path: Path) -> None:
    _tree(tmp_path)

    def names(sel: Selection) -> list[str]:
        return [e.name for e in _read.walk([tmp_path], sel)]

    assert names(Selection()) == [
        "news/2019/a.txt",
        "news/2019/b.html",
        "news/drafts/c.txt",
        "policy/d.json",
        "policy/d.txt",
    ]
    assert names(Selection(("*.txt",), ("drafts/",))) == ["news/2019/a.txt", "policy/d.txt"]
    assert names(Selection((), ("news",))) == ["policy/d.json", "policy/d.txt"]
    assert names(Selection(("news/**/*.html",))) == ["news/2019/b.html"]
    # a file named on the command line is read whatever the patterns say
    assert [e.name for e in _read.walk([tmp_path / "policy" / "d.json"], Selection((), ("*.json",)))] == [
        "d.json"
    ]


def test_fsspec_listing_selects_too() -> None:
    fsspec = pytest.importorskip("fsspec", reason="the dask extra (fsspec) is not installed")
    from normalize import _fsio

    fs = fsspec.filesystem("memory")
    for rel in ("a/x.txt", "a/y.json", "a/drafts/z.txt"):
        fs.pipe(f"/t-select/{rel}", "正文".encode())
    try:
        items = list(_fsio.iter_items(["memory://t-select"], select=Selection((), ("*.json", "drafts/"))))
        assert [_fsio.item_name(i) for i in items] == ["a/x.txt"]
    finally:
        fs.rm("/t-select", recursive=True)


def test_cli_include_exclude(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "keep").mkdir(parents=True)
    (src / "drafts").mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (src / "keep" / "a.txt").write_bytes(seed.read_bytes())
    (src / "drafts" / "b.txt").write_bytes(seed.read_bytes())
    (src / "keep" / "c.json").write_text('{"a": 1}', encoding="utf-8")
    report = tmp_path / "r.json"
    assert main([str(src), "-o", str(tmp_path / "o"), "-q", "--exclude", "drafts/", "--include", "*.txt",
                 "--report", str(report)]) == 0  # fmt: skip
    assert [e["name"] for e in json.loads(report.read_text())["inputs"]] == ["keep/a.txt"]


def test_cli_nothing_chosen_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SEEDS), "-o", str(tmp_path / "o"), "--include", "*.nope"]) == 2
    assert "--include/--exclude chose none" in capsys.readouterr().err


def _warning_docs(root: Path, n: int) -> None:
    root.mkdir()
    for i in range(n):
        (root / f"d{i:02}.md").write_text(FM.format(i=i), encoding="utf-8")


def test_warnings_are_shown_with_more(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _warning_docs(tmp_path / "in", 13)
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert "d00.md: front matter date '2021-13-45' is not a date; left out" in err
    assert "d09.md" in err and "d10.md" not in err  # ten shown, then how many are not
    assert "+3 more (-v shows them all)" in err


def test_verbose_shows_every_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _warning_docs(tmp_path / "in", 13)
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-j", "1", "-v"]) == 0
    err = capsys.readouterr().err
    for i in range(13):
        assert f"normalize: d{i:02}.md: warning: front matter date" in err
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "o2"), "-q", "-v"]) == 2  # exclusive


def test_long_failure_list_says_how_many_more(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(14):
        (src / f"e{i:02}.txt").write_bytes(b"")
    assert main([str(src), "-o", str(tmp_path / "o"), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "+4 more (-v shows them all)" in err
    assert main([str(src), "-o", str(tmp_path / "o"), "-j", "1", "-v"]) == 1
    summary = capsys.readouterr().err.split("normalize summary", 1)[1]
    assert "e13.txt: empty file" in summary and "more" not in summary
