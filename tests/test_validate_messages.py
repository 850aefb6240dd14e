"""An invalid record's messages name the rule that failed and where, not just the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from normalize import process
from normalize.validate import validate_record

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def news() -> dict[str, Any]:
    data: dict[str, Any] = process(SEEDS / "001_aed26c047e03e6c7.txt").records[0].data
    return data


def test_boilerplate_line_is_named_with_its_line(news: dict[str, Any]) -> None:
    rec = dict(news, articleBody="全省5G基站建设加快推进。\n首页 > 国内新闻 > 正文\n正文")
    (msg,) = validate_record(rec)
    assert msg.startswith("$.articleBody: boilerplate line '首页 >' at line 2 (the schema forbids /")


def test_a_control_character_is_pointed_at(news: dict[str, Any]) -> None:
    (msg,) = validate_record(dict(news, headline="标题\x01后"))
    assert msg == (
        "$.headline: '标题\\x01后' is not one line of clean text (names, titles)"
        " (control character U+0001 at 2)"
    )


def test_too_long_says_how_long(news: dict[str, Any]) -> None:
    (msg,) = validate_record(dict(news, headline="长" * 250))
    assert msg.startswith("$.headline: is 250 characters long, more than 200 ('长长长")


def test_a_body_may_hold_the_tabs_of_a_table_and_a_title_may_not(news: dict[str, Any]) -> None:
    body = "各地报送情况如下。\n地区\t数量\t金额\n北京\t3\t500万元"
    assert validate_record(dict(news, articleBody=body)) == []
    (msg,) = validate_record(dict(news, headline="标题\t后"))
    assert msg.endswith("(control character U+0009 at 2)")


def test_the_control_pointed_at_in_a_body_is_not_its_tab(news: dict[str, Any]) -> None:
    (msg,) = validate_record(dict(news, articleBody="地区\t数量\n北京\x07上海"))
    assert msg.endswith("(control character U+0007 at 8)")
