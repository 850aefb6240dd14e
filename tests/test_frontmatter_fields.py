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


_MARKDOWN = """---
title: 关于推进城市更新的通知
---
# 关于推进城市更新的通知

市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况，
全市已完成老旧小区改造一百二十个。

**改造内容**包括加装电梯、[管网更新](http://example.com/a)等。

- 加装电梯四十部
- 更新管网三十公里

| 区 | 小区数 |
|---|---|
| 东城 | 12 |

![现场照片](http://example.com/p.png)
"""


def test_a_markdown_body_keeps_its_paragraphs_and_loses_its_syntax() -> None:
    result = process_bytes(_MARKDOWN.encode(), "post.md")
    assert result.ok, result.error
    body = result.records[0].data["articleBody"]
    assert body.split("\n") == [
        "市政府昨天召开新闻发布会，介绍今年城市更新工作的进展情况，全市已完成老旧小区改造一百二十个。",
        "改造内容包括加装电梯、管网更新等。",
        "加装电梯四十部",
        "更新管网三十公里",
        "区\t小区数",
        "东城\t12",
    ]
    assert result.document is not None and "markdown-it-py" in result.document.converters
    lifted = [c for c in result.document.changes if c.note == "headline repeated"]
    assert [c.before for c in lifted] == ["关于推进城市更新的通知"]


def test_an_html_body_is_not_read_as_markdown() -> None:
    page = (
        "---\ntitle: 通知\n---\n<p>第一段 *不是* 强调，也要足够长才算是正文的内容。</p>\n\n"
        "    <p>缩进的第二段落也要足够长才行。</p>\n"  # Markdown would make it a code block
    )
    result = process_bytes(page.encode(), "post.md")
    body = result.records[0].data["articleBody"]
    assert "*不是*" in body and "缩进的第二段落" in body
    assert result.document is not None and "markdown-it-py" not in result.document.converters


def test_hugos_toml_front_matter() -> None:
    page = (
        '+++\ntitle = "关于印发通知"\ndate = 2023-05-01T10:00:00+08:00\n'
        'authors = ["张三"]\ntags = ["经济"]\n+++\n\n'
        "正文内容在这里，继续说明有关的情况和要求，\n并且要足够长才行。\n"
    )
    result = process_bytes(page.encode(), "post.md")
    assert result.ok and result.document is not None and result.document.format == "frontmatter"
    rec = result.records[0].data
    assert rec["headline"] == "关于印发通知" and rec["datePublished"] == "2023-05-01T02:00:00Z"
    assert rec["author"] == [{"type": "Person", "name": "张三"}] and rec["keywords"] == ["经济"]
    assert rec["articleBody"] == "正文内容在这里，继续说明有关的情况和要求，并且要足够长才行。"
    lifted = result.document.changes[0]
    assert (
        lifted.note == "front matter"
        and lifted.before.startswith("+++")
        and lifted.before.endswith("+++\n\n")
    )


@pytest.mark.parametrize(
    ("page", "why"),
    [
        (
            '+++\ntitle = "a"\ntitle = "b"\n+++\n正文。\n',
            "invalid TOML front matter: Cannot overwrite a value",
        ),
        ('+++\ntitle = "x"\n正文没有结束\n', "front matter is never closed (no '+++' line after it)"),
        ("+++\na = " + "[" * 5000 + "]" * 5000 + "\n+++\n正文\n", "front matter is nested too deeply"),
    ],
)
def test_broken_toml_front_matter_says_why(page: str, why: str) -> None:
    result = process_bytes(page.encode(), "post.md")
    assert not result.ok and result.error is not None and result.error.startswith(why)


@pytest.mark.parametrize("front", ["", "- a list\n- not a mapping"])
def test_a_front_matter_without_fields_still_gives_the_body(front: str) -> None:
    page = f"---\n{front}\n---\n{_BODY}".replace("---\n\n---", "---\n---")
    result = process_bytes(page.encode(), "post.md")
    assert result.records and "正文内容在这里" in result.records[0].data["articleBody"]
    assert any("front matter holds no fields" in w for w in result.warnings)


def test_a_title_longer_than_the_schema_allows_is_cut_and_logged_not_quarantined() -> None:
    """A feed of short posts gives each post whole as its title: the record keeps its text, the
    headline is cut at the schema's length and the cut-off part is in the log."""
    title = "这是一条很长的微博内容，" * 24  # 288 characters
    result = process_bytes(f"---\ntitle: {title}\n---\n{_BODY}".encode(), "post.md")
    assert result.ok and not result.quarantined
    rec = result.records[0].data
    assert rec["headline"] == title[:200]
    (cut,) = [c for c in rec["wasGeneratedBy"]["changes"] if c["kind"] == "field.cut"]
    assert (cut["target"], cut["start"], cut["end"], cut["before"]) == ("headline", 200, 288, title[200:])


def test_a_promo_block_with_a_picture_goes_and_a_paragraph_with_one_stays() -> None:
    """A block holding a picture is dropped when its text is short and reads as a promotion (or it has
    none); a paragraph with a picture in it stays."""
    body = (
        '<div><img src="/qr.png"><p>扫码关注本报微信公众号</p></div>\n'
        '<p><img src="/photo.jpg">正文内容在这里，继续说明有关的情况和要求，并且要足够长才行。</p>\n'
        '<p><img src="/logo.png"></p>\n'
        "<p>第二段也是正文，说明执行中的有关要求，由各地结合实际情况认真组织实施。</p>\n"
    )
    result = process_bytes(f"---\ntitle: 关于印发通知\n---\n{body}".encode(), "post.md")
    (record,) = result.records
    text = record.data["articleBody"]
    assert "扫码关注" not in text and "正文内容在这里" in text
    removed = [c for c in record.data["wasGeneratedBy"]["changes"] if c["kind"] == "boilerplate.removed"]
    assert [c["note"] for c in removed if "扫码" in c["before"]] == ["promo block"]
