"""The paragraph rules of hard-wrapped and page-broken copies hold for the same page in either script,
annotated with pinyin readings (``經(jīng)濟``), and with half-width punctuation.

Each test builds a page in a variant, then the same page as the rule sees it undamaged (unwrapped,
without the page turn, with the break where it belongs), and requires the same records: whatever the
variant does to the text, the rule must undo the damage alone.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from normalize import process_bytes
from normalize.text import normalize_body

VARIANTS = ["simplified", "traditional+pinyin", "halfwidth"]
_HALF = str.maketrans("，。：；！？（）“”", ',.:;!?()""')


@cache
def _s2tw() -> Any:
    import opencc

    return opencc.OpenCC("s2tw")


def styled(text: str, variant: str) -> str:
    """``text`` (simplified, full-width marks) as ``variant`` writes it: converted to Taiwan's standard
    with a reading after every character the conversion changed, or with half-width marks."""
    if variant == "halfwidth":
        return text.translate(_HALF)
    if variant == "simplified":
        return text
    from pypinyin import Style, lazy_pinyin

    converted: str = _s2tw().convert(text)
    assert len(converted) == len(text)
    readings = lazy_pinyin(text, style=Style.TONE, errors=lambda s: list(s))
    assert len(readings) == len(text)
    return "".join(
        b + (f"({r})" if a != b and "\u4e00" <= a <= "\u9fff" else "")
        for a, b, r in zip(text, converted, readings, strict=True)
    )


def wrap(para: str, width: int) -> str:
    return "\n".join(para[k : k + width] for k in range(0, len(para), width))


def records(page: str) -> list[dict[str, Any]]:
    res = process_bytes(page.encode(), "page.txt")
    assert res.ok, res.error
    return [
        {k: v for k, v in r.data.items() if k not in ("id", "wasGeneratedBy", "wasDerivedFrom")}
        for r in res.records
    ]


HEAD = "农村党员读报用报成风"
PARAS = [
    "近年来，河南省清丰县有三千多名农村党员通过订阅报刊，掌握了一门至两门实用技术。其中有一千八百"
    "名农村党员已成了“报发户”，年均收入在万元以上。为了提高农村党员的致富本领，县委把引导农村党员"
    "订阅报纸杂志作为了解致富信息的一个重要窗口来抓。",
    "各乡镇都成立了读报用报活动领导小组，制定了报刊传阅制度。全县五百一十四个行政村中除建立阅览室"
    "外，还在村里人口集中的地方建起了阅报栏，指定专人定期更换，群众读报用报的积极性普遍提高。",
]


def _page(paras: list[str], variant: str, width: int | None = None, dateline: str = "") -> str:
    body = [
        styled(dateline, variant) + styled(p, variant) if i == 0 else styled(p, variant)
        for i, p in enumerate(paras)
    ]
    if width:
        body = [wrap(p, width) for p in body]
    return styled(HEAD, variant) + "\n\n" + "\n\n".join(body) + "\n"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("width", [31, 33, 36])
def test_a_wrapped_page_with_blank_lines_reads_as_the_page_unwrapped(variant: str, width: int) -> None:
    """Hard wrap, blank lines between paragraphs, a dateline taken off the first line: the same records
    as the page unwrapped (a line cut after a full stop goes on; the wrap is measured on the page's own
    lines, readings and dateline included)."""
    wrapped = records(_page(PARAS, variant, width, "本报讯"))
    assert wrapped == records(_page(PARAS, variant, None, "本报讯"))
    assert len(wrapped[0]["articleBody"].split("\n")) == len(PARAS)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_line_cut_right_after_a_full_stop_goes_on(variant: str) -> None:
    para = styled(PARAS[0], variant)
    stop = "." if variant == "halfwidth" else "。"
    width = para.index(stop) + 1  # the first line ends right after the first full stop
    assert records(_page(PARAS, variant, width)) == records(_page(PARAS, variant))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    "turn", ["\n\n（下转第6版）\n\n", "\n\n— 6 —\n\n", "\n\f\n"], ids=["jump", "number", "ff"]
)
def test_a_short_line_before_a_page_turn_goes_on(variant: str, turn: str) -> None:
    head, rest = (
        "新春佳节来临之际，全国人民",
        "沉浸在节日的喜悦之中。各地举办了丰富多彩的文化活动，节日气氛浓厚。",
    )
    page = (
        styled(HEAD, variant) + "\n\n" + styled(head, variant) + styled(turn, variant) + styled(rest, variant)
    )
    page += "\n\n" + styled(PARAS[1], variant) + "\n"
    assert records(page) == records(_page([head + rest, PARAS[1]], variant))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("cut", [1, 3])
def test_a_closing_byline_cut_by_the_wrap_is_lifted(variant: str, cut: int) -> None:
    last = styled(PARAS[1] + "（邹建军）", variant)
    width = len(last) - cut
    page = (
        styled(HEAD, variant) + "\n\n" + wrap(styled(PARAS[0], variant), width) + "\n\n" + wrap(last, width)
    )
    (rec,) = records(page + "\n")
    assert [a["name"] for a in rec["author"]] == ["邹建军"]
    assert "邹" not in rec["articleBody"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    ("a", "b", "rest"),
    [
        (  # a phrase the body repeats, cut by the break
            "第五条各级人民政府采取措施广泛宣传献血的意义，普及献血的科学知识，开展预防和控制经血液途",
            "径传播的疾病的教育。",
            "第六条医疗机构应当采取措施，防止经血液途径传播的疾病的扩散。",
        ),
        (  # a word cut by the break
            "泰国金融危机的直接原因是国际货币投机商的冲击，因此各国政府和金融监管当局必须加强合作，才能有效地防",
            "范国际货币投机行为。",
            "专家指出，国际货币投机行为对发展中国家的危害极大。",
        ),
        (  # a page break early in a paragraph, inside a word
            "中国城市独生子女人格发展现状调查发现，一味溺爱孩",
            "子或否定孩子都不利于孩子心理健康成长。",
            "只有在民主型家庭中，才有利于孩子健康人格的形成。",
        ),
        (  # inside a bracket the next line closes
            "新华社郑州一月十九日电（记者王阿",
            "敏）河南省第九届人民代表大会第一次会议今天开幕。",
            "会议听取了省政府工作报告。",
        ),
    ],
    ids=["phrase-repeated", "word-cut", "short-word-cut", "open-bracket"],
)
def test_a_break_inside_a_sentence_is_joined(variant: str, a: str, b: str, rest: str) -> None:
    """The body rules of the paragraph step: the same text with the break where it belongs."""
    broken, changes = normalize_body("\n".join(styled(x, variant) for x in (a, b, rest)), "articleBody")
    whole, _ = normalize_body(styled(a + b, variant) + "\n" + styled(rest, variant), "articleBody")
    assert broken == whole
    assert not [c for c in changes if c.kind == "paragraph.joined" and not c.applied]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_short_tail_of_a_wrapped_paragraph_is_no_pull_quote(variant: str) -> None:
    """The last words of a wrapped paragraph on a line of their own repeat the text's words: no pull quote."""
    head = "亚洲的金融波动表明，单一资本市场易受国际资本流动的冲击，一个市场的波动又会波及其他市场。"
    mid = "专家分析认为，投资管理者力求业绩不低于市场平均水平，在大市下跌时又不得不止蚀出货，从而加剧了"
    para = styled(head + mid, variant)
    tail = styled("市场的波动幅度。", variant)
    other = styled("各国应当加强金融监管合作，共同防范国际货币投机行为。", variant)
    width = next(w for w in range(24, 48) if len(para) % w == 0 and len(para) // w >= 3)
    lines = [para[k : k + width] for k in range(0, len(para), width)]  # all full: the tail starts a line
    out, changes = normalize_body("\n".join([*lines, tail, other]), "articleBody")
    whole, _ = normalize_body(para + tail + "\n" + other, "articleBody")
    assert out == whole
    assert not [c for c in changes if c.kind == "paragraph.joined" and not c.applied]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中馬(mǎ)之間(jiān)有著(zhe)很好的關係。", "中马之间有着很好的关系。"),  # annotated
        ("外文原著(zhù)，叢書文庫，無不齊備。", "外文原著，丛书文库，无不齐备。"),
        ("接著,十五大又強調了這一點,", "接着，十五大又强调了这一点，"),  # half-width marks
    ],
    ids=["pinyin-zhe", "pinyin-zhu", "halfwidth"],
)
def test_zhu_or_zhe_is_read_in_context_in_annotated_and_halfwidth_copies(text: str, expected: str) -> None:
    assert normalize_body(text, "articleBody")[0] == expected
