"""Quotes for Taiwan and Hong Kong: ``“”`` -> ``「」``, ``‘’`` -> ``『』`` (normalize.text._quotes)."""

from __future__ import annotations

import pytest

from normalize._edits import replay, undo
from normalize.text import TextOptions, normalize_body, normalize_field
from normalize.text._quotes import convert_quotes


@pytest.mark.parametrize("script", ["zh-TW", "zh-HK"])
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("他說：“你好。”", "他說：「你好。」"),  # Han inside
        ("“AI”技術", "「AI」技術"),  # Han after the closing mark
        ("所謂‘數字’經濟", "所謂『數字』經濟"),
        ("“他說‘不’。”", "「他說『不』。」"),  # nested: inner single quotes, second level
        ("“他說“不”。”", "「他說『不』。」"),  # nested double quotes become the second level too
        ("「他說“不”。」", "「他說『不』。」"),  # inside corner brackets already there: second level
        ("他說“OK”，", "他說「OK」，"),  # Chinese on both sides
        ("第一段“甲”\n第二段“乙”", "第一段「甲」\n第二段「乙」"),
    ],
)
def test_converts_paired_quotes_in_chinese_context(script: str, before: str, after: str) -> None:
    text, changes = convert_quotes(before, "articleBody", script)
    assert text == after
    assert changes and all(c.step == "quotes" and c.kind == "punct.quotes" for c in changes)
    assert all(c.target == "articleBody" and c.end - c.start == 1 for c in changes)
    assert [before[c.start] for c in changes] == [c.before for c in changes]
    assert replay(before, changes, "articleBody") == after
    assert undo(after, changes, "articleBody") == before


@pytest.mark.parametrize(
    "text",
    [
        "He said “OK” and left.",  # not Chinese context
        "他說“你好",  # never closed on this line (a quotation over several paragraphs)
        "你好”他說",  # a closing mark alone
        "“開始\n結束”",  # a pair split across lines is not a pair
        "don’t stop 中文",  # an apostrophe
        "“甲‘乙”丙’",  # crossed marks: which pairs were meant is a guess
        "「已經是」『直角引號』",
    ],
)
def test_leaves_unpaired_or_non_chinese_quotes(text: str) -> None:
    assert convert_quotes(text, "articleBody", "zh-TW") == (text, [])


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant", "keep"])
def test_only_for_taiwan_and_hong_kong(script: str) -> None:
    assert convert_quotes("他說：“你好。”", "articleBody", script) == ("他說：“你好。”", [])


def test_one_change_per_mark_with_offsets_into_the_input() -> None:
    text, changes = convert_quotes("甲“乙”丙‘丁’", "headline", "zh-HK")
    assert text == "甲「乙」丙『丁』"
    assert [(c.start, c.before, c.after) for c in changes] == [
        (1, "“", "「"),
        (3, "”", "」"),
        (5, "‘", "『"),
        (7, "’", "』"),
    ]


def test_idempotent() -> None:
    once, _ = convert_quotes("他說：“‘甲’乙”", "articleBody", "zh-TW")
    assert convert_quotes(once, "articleBody", "zh-TW") == (once, [])


# The rule is wired into normalize/text/__init__.py (``_pass``, after the punctuation rule) by the lead:
# these two go green then, and are meant to fail before it.


def test_normalize_body_zh_tw_uses_corner_brackets() -> None:
    text, changes = normalize_body(
        "他说：“你好。”\n所谓‘数字’经济", "articleBody", TextOptions(script="zh-TW")
    )
    assert text == "他說：「你好。」\n所謂『數字』經濟"
    quotes = [c for c in changes if c.step == "quotes"]
    assert [c.after for c in quotes] == ["「", "」", "『", "』"]
    assert replay(undo(text, changes, "articleBody"), changes, "articleBody") == text


def test_normalize_field_zh_hk_and_not_zh_hans() -> None:
    assert normalize_field("“数字”经济", "headline", TextOptions(script="zh-HK"))[0] == "「數字」經濟"
    assert normalize_field("“数字”经济", "headline", TextOptions(script="zh-Hans"))[0] == "“数字”经济"
    no_punct = TextOptions(script="zh-TW", punctuation=False)  # the quotes rule is part of punctuation
    assert normalize_field("“数字”经济", "headline", no_punct)[0] == "“數字”經濟"
