"""Choosing a document's format: every format's sniff answers at most its ceiling, and the formats that
cannot beat the best answer so far are not asked, with the same choice as asking them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize import formats
from normalize.formats import Format

REPO = Path(__file__).resolve().parents[1]
FOUND = [*(REPO / "seeds").rglob("*"), *(REPO / "tests" / "data").rglob("*")]
TEXT_FILES = sorted(p for p in FOUND if p.suffix in (".txt", ".md"))
MADE = [
    "---\ntitle: 标题\ndate: 2024-01-02\n---\n<div><p>正文内容</p></div>\n",
    "---\n不是键值\n---\n正文\n",
    "<!DOCTYPE html><html><head><title>标题</title></head>"
    "<body><article><p>正文。</p></article></body></html>",
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>a</title></item></channel></rss>",
    "## 政策标题：关于印发某某办法的通知\n\n## 发文机关：国务院办公厅\n\n## 正文：\n\n各省人民政府：\n",
    "# 一个标题\n\n## 第二节\n\n正文内容，没有别的标记。\n\n- 一项\n- 两项\n",
    "国务院办公厅关于印发某某方案的通知\n国办发〔2024〕1号\n各省、自治区、直辖市人民政府：\n现将方案印发给你们。\n",
    '{"title": "不是文档", "body": "<p>x</p>"}',
    "",
    "   \n",
    "plain ascii words only\n",
]


def _texts() -> list[str]:
    return [p.read_bytes().decode("utf-8", errors="replace") for p in TEXT_FILES] + MADE


def _asking_all(text: str) -> tuple[str, float]:
    """The choice by asking every format, the later registered winning a tie."""
    best: tuple[str, float] | None = None
    for fmt in formats.formats():
        score = fmt.sniff(text)
        if best is None or score >= best[1]:
            best = (fmt.name, score)
    assert best is not None
    return best


def test_the_corpus_is_there() -> None:
    assert len(TEXT_FILES) >= 30
    chosen = {formats.sniff(t)[0].name for t in _texts()}
    assert {"plaintext", "policy", "frontmatter", "html", "feed", "markdown"} <= chosen


@pytest.mark.parametrize("fmt", formats.formats(), ids=lambda f: f.name)
def test_no_format_answers_above_its_ceiling(fmt: Format) -> None:
    assert formats.ceiling(fmt) < 1.0  # every built-in format says its ceiling
    scores = [fmt.sniff(t) for t in _texts()]
    assert max(scores) <= formats.ceiling(fmt)
    assert max(scores) > 0.0


def test_the_choice_is_the_one_of_asking_every_format() -> None:
    for text in _texts():
        fmt, score = formats.sniff(text)
        assert (fmt.name, score) == _asking_all(text)


@given(st.text(alphabet=st.sampled_from("-#<>:：\n 一二三国务院通知〔〕号title:html<p>"), max_size=200))
def test_the_choice_is_the_same_on_made_up_text(text: str) -> None:
    fmt, score = formats.sniff(text)
    assert (fmt.name, score) == _asking_all(text)
    for f in formats.formats():
        assert f.sniff(text) <= formats.ceiling(f)


class _Plugin:
    def __init__(self, name: str, answer: float, ceiling: float | None = None) -> None:
        self.name = name
        self.answer = answer
        self.asked = 0
        if ceiling is not None:
            self.ceiling = ceiling

    def sniff(self, text: str) -> float:
        self.asked += 1
        return self.answer

    def parse(self, doc: object) -> None:
        raise NotImplementedError


def test_a_format_that_cannot_win_is_not_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    low = _Plugin("low", 0.5, ceiling=0.5)
    unbounded = _Plugin("unbounded", 0.1)  # says no ceiling: always asked
    tying = _Plugin("tying", 0.97, ceiling=0.97)  # registered after front matter: wins the tie
    monkeypatch.setattr(formats, "_REGISTRY", [*formats.formats(), low, unbounded])
    front = MADE[0]
    assert formats.sniff(front)[0].name == "frontmatter"
    assert (low.asked, unbounded.asked) == (0, 1)
    assert formats.sniff("一段没有任何标记的普通文字，足够长的中文内容在这里出现了。")[0].name == "low"
    assert low.asked == 1
    monkeypatch.setattr(formats, "_REGISTRY", [*formats.formats(), tying])
    assert formats.sniff(front) == (tying, 0.97)
