"""Front matter as people write it by hand or as site generators write it: dates the Chinese way,
several authors, authors as objects, tags as one comma-separated string, Hugo's ``publishDate``."""

from __future__ import annotations

from typing import Any

import pytest

from normalize.pipeline import process_bytes

_BODY = "<p>正文内容在这里，继续说明有关的情况和要求，并且要足够长才行。第二句话也在这里。</p>\n"


def _record(front: str) -> dict[str, Any]:
    result = process_bytes(f"---\n{front}\n---\n{_BODY}".encode(), "post.md")
    assert result.ok, (result.error, [q.errors for q in result.quarantined])
    (record,) = result.records
    data: dict[str, Any] = record.data
    return data


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023年5月1日 10:30", "2023-05-01T10:30:00"),
        ("2023/05/01 10:30:00", "2023-05-01T10:30:00"),
        ("2023.5.1", "2023-05-01"),
        ('"2023-05-01 10:30"', "2023-05-01T10:30:00"),
        ("2023-05-01T10:30:00+08:00", "2023-05-01T02:30:00Z"),
    ],
)
def test_a_date_written_the_chinese_way(value: str, iso: str) -> None:
    assert _record(f"title: 关于印发通知\ndate: {value}")["datePublished"] == iso


def test_a_date_that_is_no_date_is_left_out_not_guessed() -> None:
    result = process_bytes(f"---\ntitle: 关于印发通知\ndate: 1682928000\n---\n{_BODY}".encode(), "post.md")
    assert "datePublished" not in result.records[0].data
    assert any("is not a date" in w for w in result.warnings)


def test_hugos_publish_date() -> None:
    assert _record("title: 关于印发通知\npublishDate: 2023-05-01")["datePublished"] == "2023-05-01"


@pytest.mark.parametrize(
    "front",
    [
        "author: [张三, 李四]",
        "authors:\n  - 张三\n  - 李四",
        "author:\n  - name: 张三\n    email: zs@example.com\n  - name: 李四",
    ],
)
def test_several_authors(front: str) -> None:
    rec = _record(f"title: 关于印发通知\n{front}")
    assert [a["name"] for a in rec["author"]] == ["张三", "李四"]


def test_an_author_object_and_a_site_among_the_authors() -> None:
    rec = _record("title: 关于印发通知\nauthor: [{name: 张三}, 新华网]")
    assert [a["name"] for a in rec["author"]] == ["张三"]
    assert rec["publisher"]["name"] == "新华网"


def test_tags_written_as_one_string() -> None:
    assert _record("title: 关于印发通知\ntags: 经济, 政策、改革")["keywords"] == ["经济", "政策", "改革"]
    assert _record("title: 关于印发通知\ntags: [经济, 政策]")["keywords"] == ["经济", "政策"]
