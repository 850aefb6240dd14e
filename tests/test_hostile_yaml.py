"""Front matter from hostile or broken YAML: refused or degraded with a clear message, never run,
never hung (tests/data/hostile/yaml_*)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from normalize import process
from normalize.formats import _yaml

DATA = Path(__file__).parent / "data" / "hostile"


def test_alias_bomb_is_refused_before_it_expands() -> None:
    start = time.perf_counter()
    result = process(DATA / "yaml_bomb.md")
    assert result.error == "front matter expands to more than 100,000 values (YAML aliases): refused (parse)"
    assert result.records == []
    assert result.source == (DATA / "yaml_bomb.md").read_bytes()  # kept for the archive
    assert time.perf_counter() - start < 30  # expanded, it would take minutes and gigabytes


def test_expanded_size_counts_aliases_without_expanding() -> None:
    import yaml

    node = yaml.compose("a: &a [1, 2, 3]\nb: [*a, *a]\n")
    # mapping 1 + key a 1 + [1,2,3] 4 + key b 1 + [*a, *a] (1 + 4 + 4) = 16
    assert _yaml.expanded_size(node, 1000) == 16
    assert _yaml.expanded_size(node, 10) == 11  # stops counting past the limit
    data, dups = _yaml.load("a: &a [1, 2, 3]\nb: [*a, *a]\n", max_nodes=16)
    assert data == {"a": [1, 2, 3], "b": [[1, 2, 3], [1, 2, 3]]} and dups == []
    with pytest.raises(_yaml.FrontMatterError):
        _yaml.load("a: &a [1, 2, 3]\nb: [*a, *a]\n", max_nodes=15)


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    result = process(DATA / "yaml_python_tag.md")
    assert result.error is not None
    assert result.error.startswith("invalid YAML front matter: could not determine a constructor")
    assert "line 2" in result.error
    assert not Path("/tmp/normalize-pwned").exists()


def test_impossible_date_and_duplicate_key_degrade_with_warnings() -> None:
    result = process(DATA / "yaml_impossible_date.md")
    assert result.error is None
    (rec,) = result.records
    assert rec.data["headline"] == "国务院常务会议部署稳就业工作"  # YAML's rule: the last value
    assert "datePublished" not in rec.data  # never guessed
    assert result.warnings == [
        "front matter key 'title' (line 4) given twice; the last value is used",
        "front matter date '2021-13-45' is not a date; left out",
    ]


def test_real_timestamps_still_load_as_dates() -> None:
    data, _ = _yaml.load("date: 2021-03-04 08:00:00+08:00\nday: 2021-03-04\n")
    assert data["date"].isoformat() == "2021-03-04T08:00:00+08:00"
    assert data["day"].isoformat() == "2021-03-04"


def test_unclosed_front_matter_says_so() -> None:
    result = process(DATA / "yaml_unclosed.md")
    assert result.error == "front matter is never closed (no '---' line after it) (parse)"


def test_non_text_title_is_left_out_with_a_warning() -> None:
    result = process(DATA / "yaml_title_list.md")
    (rec,) = result.records
    assert "headline" not in rec.data
    assert result.warnings == ["front matter title is not text (list); left out"]


@pytest.mark.parametrize(
    ("value", "keywords"),
    [
        ("2021-01-01 10:00:00", ["2021-01-01 10:00:00"]),
        ("2021", ["2021"]),
        ("[城市, 2021]", ["城市", "2021"]),
    ],
)
def test_tags_that_yaml_reads_as_one_date_or_number_become_one_keyword(
    tmp_path: Path, value: str, keywords: list[str]
) -> None:
    path = tmp_path / "doc.md"
    body = "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况。全市已完成老旧小区改造一百二十个。"
    path.write_text(f"---\ntitle: 城市更新\ntags: {value}\n---\n{body}\n", encoding="utf-8")
    result = process(path)
    assert result.ok, result.error
    assert result.records[0].data["keywords"] == keywords


@pytest.mark.parametrize(
    "date",
    [
        "Mon, 20 Jan 99999999999999999999 10:00:00 +0000",  # an RFC 2822 year past any C long (atheris)
        "0001-01-01T00:00:00+05:00",  # in range, but not once taken to UTC
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_dates_out_of_range_degrade(date: str) -> None:
    from normalize import process_bytes

    raw = f"---\ntitle: 国务院常务会议\ndate: '{date}'\n---\n<p>这是一段新闻正文内容，用于测试日期。</p>\n"
    result = process_bytes(raw.encode(), "doc.md")
    assert result.error is None
    (rec,) = result.records
    assert "datePublished" not in rec.data
    assert any(date in w and "is not a date" in w for w in result.warnings)


def test_front_matter_end_is_python_frontmatters_boundary() -> None:
    """The format writes python-frontmatter's boundary pattern itself (not to import the library for
    documents of other formats): it must stay the library's."""
    from frontmatter.default_handlers import YAMLHandler

    from normalize.formats import _yaml, frontmatter

    ours, theirs = frontmatter._FM_END["---"], YAMLHandler.FM_BOUNDARY
    assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)
    ours, theirs = frontmatter._FM_END["+++"], _yaml._TomlHandler.FM_BOUNDARY  # TOML's (Hugo)
    assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)
