"""Plain-text copies of printed pages: what the source's own lines say about where a paragraph goes on.

A copy out of a fixed-width page is cut every ``width`` characters.  Where the page sets its
paragraphs apart with blank lines, a bare line break after a line the wrap cut is inside a paragraph,
even right after a full stop; and a line the parser took a dateline or a byline off was still as long as
the wrap on the page.  Where a page turns (a form feed, a jump line, a page number), a line that stops
mid-sentence goes on after it however short it is.
"""

from __future__ import annotations

import pytest

from normalize import process_bytes

PARAS = [
    "本报讯近年来，河南省清丰县有三千多名农村党员通过订阅报刊，掌握了一门至两门实用技术。其中"
    "有一千八百名农村党员已成了“报发户”，年均收入在万元以上。为了提高农村党员的致富本领，"
    "县委把引导农村党员订阅报纸杂志作为了解致富信息的一个重要窗口来抓。",
    "各乡镇都成立了读报用报活动领导小组，制定了报刊传阅制度。全县五百一十四个行政村中除建立阅览室"
    "外，还在村里人口集中的地方建起了阅报栏，指定专人定期更换，群众读报用报的积极性普遍提高。",
    "各级党组织结合农村特点，在“读”和“用”上下功夫。许多村党支部在用活阅报栏的同时，举办了多种"
    "形式的读报用报座谈会、讲用会，一批读报用报致富的专业村、专业户脱颖而出，全村面貌焕然一新。",
]


def _wrapped(paras: list[str], width: int, sep: str) -> str:
    return sep.join("\n".join(p[k : k + width] for k in range(0, len(p), width)) for p in paras)


def _body(text: str) -> str:
    res = process_bytes(text.encode(), "page.txt")
    assert res.ok and len(res.records) == 1, res.error
    body: str = res.records[0].data["articleBody"]
    return body


WIDTH = PARAS[0].index("。") + 1
"""A wrap that ends the first line right after the first full stop, mid-paragraph."""


def test_a_line_cut_right_after_a_full_stop_goes_on_where_the_page_sets_paragraphs_apart() -> None:
    assert 30 <= WIDTH <= 50
    page = "农村党员读报用报成风\n\n" + _wrapped(PARAS, WIDTH, "\n\n") + "\n"
    body = _body(page)
    assert body.split("\n") == [p.removeprefix("本报讯") for p in PARAS]


def test_without_blank_lines_a_line_cut_after_a_full_stop_stays_a_paragraph_end() -> None:
    """Where the page marks no paragraph, a full line ending a sentence may end a paragraph: it stays."""
    page = "农村党员读报用报成风\n\n" + _wrapped(PARAS, WIDTH, "\n") + "\n"
    body = _body(page)
    assert body.split("\n")[0] == PARAS[0][:WIDTH].removeprefix("本报讯")
    assert "".join(body.split("\n")) == "".join(p.removeprefix("本报讯") for p in PARAS)


def test_a_line_a_dateline_was_taken_off_was_as_long_as_the_wrap() -> None:
    """``本报讯…`` opening the second paragraph: the parser lifts it, and the line it leaves is shorter
    than the wrap; on the page it was as long, so the wrap cut it."""
    width = 34
    paras = [PARAS[1], "本报讯" + PARAS[2]]
    page = "农村党员读报用报成风\n\n" + _wrapped(paras, width, "\n\n") + "\n"
    res = process_bytes(page.encode(), "page.txt")
    (rec,) = res.records
    assert rec.data["articleBody"].split("\n") == [PARAS[1], PARAS[2]]
    assert rec.data["dateline"] == "本报讯"


def test_a_decimal_number_opening_a_line_is_no_list_marker() -> None:
    """``３８．２万人`` after a line the wrap cut: a number with a decimal point, not ``３８．`` item."""
    para = "全国农村科技人员中，种植业科技人员二百零四点五万人，牧业科技人员３８．２万人，林业科技人员" * 2
    width = para.index("３８．２")
    page = "农村科技人员队伍壮大\n\n" + _wrapped([para + "。", PARAS[1]], width, "\n\n") + "\n"
    assert _body(page).split("\n")[0] == para + "。"


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_closing_byline_cut_by_the_wrap_is_lifted(cut: int) -> None:
    """``…逐步解决。（邹建军`` / ``）``: the wrap cut the byline closing the last paragraph."""
    last = PARAS[1] + "（邹建军）"
    width = len(last) - cut  # the last line holds the last ``cut`` characters of the byline
    page = "农村党员读报用报成风\n\n" + _wrapped([PARAS[2], last], width, "\n\n") + "\n"
    res = process_bytes(page.encode(), "page.txt")
    (rec,) = res.records
    assert rec.data["articleBody"].endswith("积极性普遍提高。")
    assert [a["name"] for a in rec.data["author"]] == ["邹建军"]


def test_a_dateline_opening_the_third_paragraph_is_found_however_many_lines_come_before() -> None:
    """The first paragraphs may open with the dateline; a paragraph the wrap cut into lines is one."""
    width = 30
    paras = ["记者日前从有关部门获悉。", PARAS[1], "本报讯" + PARAS[2]]
    page = "农村党员读报用报成风\n\n" + _wrapped(paras, width, "\n\n") + "\n"
    (rec,) = process_bytes(page.encode(), "page.txt").records
    assert rec.data["dateline"] == "本报讯"


@pytest.mark.parametrize(
    "turn", ["\n\n（下转第6版）\n\n", "\n\n— 6 —\n\n", "\n\f\n"], ids=["jump", "number", "ff"]
)
def test_a_short_line_before_a_page_turn_goes_on_after_it(turn: str) -> None:
    """A page turned early in a paragraph leaves a short line that stops mid-sentence
    (``…全国人民`` / ``沉浸在…``): the page furniture between shows the page turn, so the line goes on
    however short it is (a heading would end the paragraph)."""
    head = "新春佳节来临之际，全国人民"
    rest = "沉浸在节日的喜悦之中。各地举办了丰富多彩的文化活动，群众踊跃参加，节日气氛浓厚。"
    page = "新春佳节喜洋洋\n\n" + head + turn + rest + "\n\n" + PARAS[1] + "\n"
    assert _body(page).split("\n") == [head + rest, PARAS[1]]


def test_a_heading_before_a_page_turn_stays_apart() -> None:
    """A page turn after a line that ends a paragraph (here, a heading over a new one) joins nothing."""
    page = "新春佳节喜洋洋\n\n" + PARAS[1] + "\n\n— 6 —\n\n" + "一、活动安排\n\n" + PARAS[2] + "\n"
    assert "一、活动安排" in _body(page).split("\n")


def test_a_short_line_a_wrap_cut_is_prose_for_the_spaces_in_it() -> None:
    """A decree's article cut by a hard wrap (``第一条　…`` on a line shorter than prose is taken to be):
    its ideographic space is judged as in the unwrapped article (kept, flagged as a paragraph lead),
    not kept as one ASCII space like a heading's."""
    from normalize.text import SourceLines, normalize_body

    article = "第一条　为了加强对献血工作的管理，保证医疗临床用血需要和安全，保障献血者身体健康，制定本法。"
    width = 30
    lines = [article[k : k + width] for k in range(0, len(article), width)]
    text = "\n".join(lines)
    cuts = {len(line) + sum(len(x) + 1 for x in lines[:i]): True for i, line in enumerate(lines[:-1])}
    wrapped, _ = normalize_body(text, "text", source=SourceLines(cut=cuts))
    unwrapped, _ = normalize_body(article, "text")
    assert wrapped == unwrapped == article
