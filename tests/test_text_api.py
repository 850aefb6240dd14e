"""The public API of normalize.text: detection, language tags, options, versions, seeds."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from normalize._edits import replay
from normalize.text import (
    TextOptions,
    converter_versions,
    detect_script,
    normalize_body,
    normalize_field,
    output_language,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PINYIN_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]?[)）]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("数据是基础性和战略性资源", "zh-Hans"),
        ("數據是基礎性和戰略性資源", "zh-Hant"),
        ("發展數字經濟，发展数字经济", "mixed"),
        ("山西", "zh-Hans"),  # shared characters only: valid Simplified
        ("BME 2019", "none"),
        ("", "none"),
    ],
)
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("script", "tag"),
    [
        ("zh-Hans", "zh-Hans"),
        ("zh-Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant-TW"),
        ("zh-HK", "zh-Hant-HK"),
        ("keep", "zh"),
    ],
)
def test_output_language(script: str, tag: str) -> None:
    assert output_language(TextOptions(script=script)) == tag


def test_options_are_frozen_and_checked() -> None:
    opts = TextOptions()
    with pytest.raises(FrozenInstanceError):
        opts.script = "zh-Hant"  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown script"):
        TextOptions(script="zh-CN")


def test_converter_versions() -> None:
    versions = converter_versions()
    assert set(versions) == {"opencc", "pypinyin"}
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in versions.values())


def test_rules_can_be_turned_off() -> None:
    text = "\u3000\u3000優(yōu)化,数据"
    off = TextOptions(script="keep", whitespace=False, pinyin=False, punctuation=False, paragraphs=False)
    assert normalize_body(text, "articleBody", off) == (text, [])
    out, _ = normalize_body(text, "articleBody")
    assert out == "优化，数据"


def test_steps_run_in_order_and_offsets_refer_to_each_steps_input() -> None:
    text = "\u3000\u3000山西省著力優(yōu)化大數(shù)據(jù)產(chǎn)業(yè),布局"
    out, changes = normalize_body(text, "articleBody")
    steps = [c.step for c in changes]
    assert steps == sorted(steps, key=["whitespace", "pinyin", "script", "punctuation", "paragraphs"].index)
    assert replay(text, changes, "articleBody") == out
    pin = [c for c in changes if c.step == "pinyin"]
    # offsets are into the text after the whitespace step (indent removed)
    assert (pin[0].start, pin[0].end, pin[0].before) == (6, 11, "(yōu)")
    script = [c for c in changes if c.step == "script"]
    assert all(len(c.before) == len(c.after) for c in script)
    assert all(c.kind == "script.t2s" for c in script)
    assert len(script) > 1  # one change per run of characters, not one for the whole text


def test_field_keeps_headline_separator_but_body_prose_does_not() -> None:
    title = "加快传统产业数字化转型 山西数字经济蓄势发力"
    assert normalize_field(title, "headline")[0] == title
    prose = "全省5G基站建设开通率位列全国第一方阵，在用数据中心设计机架数年均增长率远高于全国平均 水平。"
    assert normalize_body(prose, "articleBody")[0] == prose.replace(" ", "")


def _seed(name: str) -> str:
    path = next(SEEDS.glob(f"{name}_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {name} not present")
    return path.read_text(encoding="utf-8", errors="replace")


def test_seed_003_traditional_with_pinyin() -> None:
    text = _seed("003")
    out, changes = normalize_body(text, "articleBody")
    assert replay(text, changes, "articleBody") == out
    assert not PINYIN_RE.search(out)
    assert detect_script(out) == "zh-Hans"
    removed = [c for c in changes if c.kind == "pinyin.removed" and c.applied]
    assert len(removed) > 400
    assert "（吕梁）" in out  # a place name in parentheses is not a reading
    assert "大数据产业" in out


def test_seed_004_page_break_rejoined_and_brackets_fullwidth() -> None:
    text = _seed("004")
    out, changes = normalize_body(text, "articleBody")
    assert replay(text, changes, "articleBody") == out
    assert "同比增长17.9%。软件业营收首次突破万亿元大关" in out
    assert "成熟度模型（DCMM）贯标" in out
    assert "\n\n" not in out
    joins = [c for c in changes if c.kind == "paragraph.joined"]
    assert any(c.applied for c in joins)
    assert any(not c.applied for c in joins)  # the pull quote seam is only flagged


def test_seed_001_ascii_punctuation() -> None:
    text = _seed("001")
    out, _ = normalize_body(text, "articleBody")
    assert "数字经济，“点燃”山西经济发展新动能" in out
    assert "规划（2019-2023年）；" in out
    assert "华为山西（吕梁）大数据中心" in out


PARAS = [
    "全省今年将新建改建农村公路三千公里，重点解决偏远山区群众出行难的问题。省交通运输厅表示，各地要加快项目前期工作。",
    "据介绍，去年全省农村公路建设完成投资一百二十亿元，新增通硬化路的建制村二百多个。",
    "市文化部门近日组织专家对辖区内的文物保护单位进行了安全检查，发现问题及时整改。",
]


@pytest.mark.parametrize("width", [30, 32, 36])
def test_hard_wrapped_lines_shorter_than_a_paragraph_rule_are_joined(width: int) -> None:
    """A text copied from a fixed-width page is cut every ``width`` characters; a line of that width
    is part of a paragraph however short the width (a paragraph alone would need 40 characters)."""
    wrapped = "\n".join(p[k : k + width] for p in PARAS for k in range(0, len(p), width))
    out, changes = normalize_body(wrapped, "articleBody")
    assert out == "\n".join(PARAS)
    assert replay(wrapped, changes, "articleBody") == out


LONG_PARAS = [
    "今年以来，全市围绕优化营商环境出台了一系列政策措施，涉及市场准入、行政审批、融资服务和人才引进等"
    "多个方面，企业办事时间平均缩短一半以上，群众满意度明显提高。",
    "与此同时，各区县结合自身实际，探索建立重点项目全程代办制度，由专人负责协调用地、环评和施工许可等"
    "事项，确保项目早落地、早开工、早见效。",
    "下一步，有关部门将继续深化改革，加快推进数字政府建设，推动更多政务服务事项实现网上办理和跨区域"
    "通办，让数据多跑路、群众少跑腿。",
]


@pytest.mark.parametrize("indent", [2, 4])
def test_a_wrapped_paragraphs_first_line_is_shorter_by_its_indent(indent: int) -> None:
    """A page indents a paragraph's first line (two ideographic spaces, four spaces) and wraps it with
    the indent counted; the reader strips the indent, so that line is shorter than the wrap."""
    width, paras = 34, [a + b for a, b in zip(LONG_PARAS, PARAS, strict=True)]  # most lines full
    lines = []
    for p in paras:
        first = width - indent
        lines += [p[:first], *(p[k : k + width] for k in range(first, len(p), width))]
    out, _ = normalize_body("\n".join(lines), "articleBody")
    assert out == "\n".join(paras)


def test_short_lines_of_varied_length_are_not_taken_for_a_wrap() -> None:
    """Without a wrap width, a short line that ends mid-sentence stays apart (a heading, a label)."""
    text = "\n".join(
        ["全省农村公路建设全面提速三千公里工程开工", PARAS[1], "各地积极推进农村公路养护改革和", PARAS[2]]
    )
    out, _ = normalize_body(text, "articleBody")
    assert out == text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("各地要加快项目前期工作", "，确保按期开工。"),  # a break before a comma
        ("这是第一年的成绩", "。今年还要继续努力。"),
        ("他说：“这是我们共同的目标。", "”会议随后结束。"),  # a closing quote after a full stop
        ("会议审议了《条例草案", "》等文件。"),
    ],
)
def test_a_line_that_opens_with_a_closing_or_clause_mark_continues(a: str, b: str) -> None:
    out, changes = normalize_body(a + "\n" + b, "articleBody")
    assert out == a + b
    assert [c.kind for c in changes if c.applied] == ["paragraph.joined"]


def test_a_year_apostrophe_may_open_a_paragraph() -> None:
    text = PARAS[0] + "\n" + "’９７中国旅游年是一次国家级的宣传促销活动。"
    out, _ = normalize_body(text, "articleBody")
    assert out == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我們(men)的優(yōu)化", "我們的優化"),  # a neutral tone in an annotated text
        ("這個(ge)問題(tí)", "這個問題"),  # 个 has no neutral reading listed: its letters are a reading
        ("他們(m\nen)說(shuō)", "他們說"),  # cut by a hard wrap
        ("我們(men)的優化", "我們(men)的優化"),  # no toned annotation: the text is not annotated
        ("東西(men)說(shuō)", "東西(men)說"),  # not a reading of 西
    ],
)
def test_toneless_readings_in_an_annotated_text(text: str, expected: str) -> None:
    from normalize.text._pinyin import remove_pinyin

    out, changes = remove_pinyin(text, "articleBody")
    assert out == expected
    assert replay(text, changes, "articleBody") == out


def test_a_continuing_line_that_repeats_the_text_is_no_pull_quote() -> None:
    """A pull quote is a sentence of its own: a line that opens with a comma continues the one before
    even when its words occur elsewhere in the body."""
    a, b = "省交通运输厅要求各地要加快项目前期工作", "，确保按期开工。"
    text = "\n".join([a, b, "会议强调，各项工程要确保按期开工。"])
    out, changes = normalize_body(text, "articleBody")
    assert out.split("\n")[0] == a + b
    assert next(c.applied for c in changes if c.kind == "paragraph.joined")


def test_a_law_repeating_its_terms_is_no_pull_quote() -> None:
    """A law names the same organ again and again: a line that repeats its words but is no sentence of
    its own (it runs on past the line) continues the one before."""
    a = "第七条县级以上地方人民政府负责管理地震工作的部门，在本级人民政府的统一领导下和上级"
    b = "地震行政主管部门的指导下，负责管理地震工作的部门，接受国务院地震行政主管部门"
    c = "的业务指导。国务院地震行政主管部门和县级以上地方人民政府负责管理地震工作的部门应当加强监测。"
    text = "\n".join([a, b, c])
    out, _ = normalize_body(text, "articleBody")
    assert out == a + b + c


def test_a_pull_quote_set_into_a_sentence_is_only_flagged() -> None:
    """One sentence of the article set again between two parts of a sentence: the seam is flagged."""
    a = "据介绍，去年全省农村公路建设完成投资一百二十亿元，新增通硬化路的建制村二百多个，"
    quote = "农村公路是群众脱贫致富的希望之路。"
    c = "有效改善了群众出行条件。省交通运输厅表示，农村公路是群众脱贫致富的希望之路。"
    out, changes = normalize_body("\n".join([a, quote, c]), "articleBody")
    assert out.split("\n")[0] == a
    flagged = [ch for ch in changes if ch.kind == "paragraph.joined" and not ch.applied]
    assert flagged and "pull quote" in flagged[0].note


def test_a_number_cut_by_a_hard_wrap_is_joined() -> None:
    """Digits on both sides of a break are ambiguous (``17`` / ``9%``), unless the line before is as
    long as the text's wrap: then the wrap cut the number."""
    para = (
        "本报讯全市共有耕地八十七万亩，人均耕地仅一点二八亩，随着经济的发展，"  # 34 characters
        "耕地面积还在逐年减少。全市去年完成旧城改造１０万平方米，新建住宅２"  # ends in a digit
        "３００多套，城市面貌焕然一新，群众的居住条件得到了明显的改善和提高，"
        "全市上下对今后的发展充满信心。"
    )
    width = 34
    cut = [para[k : k + width] for k in range(0, len(para), width)]
    assert [len(line) for line in cut[:3]] == [width] * 3
    assert cut[1][-1].isdigit() and cut[2][0].isdigit()  # the wrap cut a number
    out, _ = normalize_body("\n".join(cut), "articleBody")
    assert out == para


def test_after_a_line_the_wrap_cut_the_next_goes_on_whatever_it_starts_with() -> None:
    """A wrap cuts before any character: an opening quote, a percent sign, a bracket."""
    lines = [
        "全市新开工面积增速明显加快，由三月份增长了七点四",  # 24 characters each
        "％，上升到十一月份增长十点零％，其中住宅开工面积",
        "“稳中有升”，商业营业用房和办公楼开工面积有所下",
        "降，市场供求关系总体上趋于平衡。",
    ]
    assert len({len(line) for line in lines[:3]}) == 1
    out, _ = normalize_body("\n".join(lines), "articleBody")
    assert out == "".join(lines)


def test_a_list_heading_opening_a_wrapped_body_stays_apart() -> None:
    """A body's first line is taken for a line the wrap cut when a full line follows it, unless it is a
    heading of a list (``一、总体要求``)."""
    width, para = 34, LONG_PARAS[0] + PARAS[0]
    lines = ["一、总体要求", *(para[k : k + width] for k in range(0, len(para), width))]
    out, _ = normalize_body("\n".join(lines), "articleBody")
    assert out == "一、总体要求\n" + para


ANNOTATED = {
    "zh-Hant": [
        "目前我國經(jīng)濟(jì)體(tǐ)制正在由傳(chuán)統(tǒng)的計(jì)劃(huà)經濟向市場(chǎng)經濟"
        "轉(zhuǎn)變(biàn)，經濟增長(zhǎng)方式由粗放型向集約(yuē)型轉變。培育和完善商品市場，"
        "促進(jìn)商品的合理流動，是實(shí)現(xiàn)這(zhè)兩個(gè)轉變的重要內(nèi)容。",
        "廣(guǎng)東(dōng)商品市場發(fā)育較(jiào)早，發展得比較成熟。經過(guò)十多年的建設(shè)，"
        "湧(yǒng)現了一大批不同檔次、不同功能的批發、零售商品市場，各種(zhǒng)新型的專(zhuān)賣(mài)店"
        "也有了長(cháng)足的發(fā)展。",
    ],
    "zh-Hans": [
        "目前我国经(jīng)济(jì)体(tǐ)制正在由传(chuán)统(tǒng)的计(jì)划(huà)经济向市场(chǎng)经济"
        "转(zhuǎn)变(biàn)，经济增长(zhǎng)方式由粗放型向集约(yuē)型转变。培育和完善商品市场，"
        "促进(jìn)商品的合理流动，是实(shí)现(xiàn)这(zhè)两个(gè)转变的重要内(nèi)容。",
        "广(guǎng)东(dōng)商品市场发(fā)育较(jiào)早，发展得比较成熟。经过(guò)十多年的建设(shè)，"
        "涌(yǒng)现了一大批不同档次、不同功能的批发、零售商品市场，各种(zhǒng)新型的专(zhuān)卖(mài)店"
        "也有了长(cháng)足的发(fā)展。",
    ],
}


@pytest.mark.parametrize("script", sorted(ANNOTATED))
@pytest.mark.parametrize("width", [30, 38])
def test_an_annotated_page_is_wrapped_with_its_readings_in(script: str, width: int) -> None:
    """A page annotated with readings is wrapped with them counted, and a reading may be cut too
    (``轉(zhuǎ`` / ``n)變``): once the readings go, its lines are of every length, and the wrap is
    measured on the lines as the page laid them out."""
    paras = ANNOTATED[script]
    wrapped = "\n".join(p[k : k + width] for p in paras for k in range(0, len(p), width))
    lines = wrapped.split("\n")
    assert len({len(x) for x in lines[:-1]}) <= 2  # one width (and the short last lines)
    from normalize.text._paragraphs import _wrap_width
    from normalize.text._pinyin import remove_pinyin

    assert _wrap_width(remove_pinyin(wrapped, "articleBody")[0].split("\n")) is None  # no wrap shows
    out, changes = normalize_body(wrapped, "articleBody")
    assert out == normalize_body("\n".join(paras), "articleBody")[0]
    assert out.count("\n") == 1
    assert replay(wrapped, changes, "articleBody") == out


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("中国城市独生子女人格发展现状调查发现，一味溺爱孩", "子或否定孩子都不利于孩子心理健康成长。"),
        ("中國城市獨生子女人格發展現狀調查發現，一味溺愛孩", "子或否定孩子都不利於孩子心理健康成長。"),
        ("１月６日，芝加哥一位名叫理", "查德·锡德的科学家宣称将进行克隆人试验。"),
        ("新华社郑州一月十九日电（记者王阿", "敏）河南省第九届人民代表大会第一次会议今天开幕。"),
        ("他对老大娘说：“这些钱", "给您先添补眼前生活，其他困难再说。”"),
    ],
    ids=["simplified", "traditional", "a-name", "open-bracket", "open-quote"],
)
def test_a_page_break_inside_a_word_is_joined_after_a_short_line(a: str, b: str) -> None:
    """A page break early in a paragraph leaves a short first part, which may be a heading; but a
    heading does not end in the middle of a word that the text under it finishes (``溺爱孩`` / ``子``),
    nor inside a bracket or quote that the text under it closes."""
    out, changes = normalize_body(a + "\n" + b, "articleBody")
    assert out == normalize_body(a + b, "articleBody")[0]
    assert [c.applied for c in changes if c.kind == "paragraph.joined"] == [True]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("印尼盾汇率缘何狂跌不止", "一次，班长交给小许一封寄往家乡的信。"),
        ("全省农村公路建设全面提速", "据介绍，去年全省农村公路建设完成投资一百二十亿元。"),
        ("雪落在黄河石上", "校园里顷刻间恢复了以往的宁静。"),
        ("图片新闻（一）", "据介绍（详见下图）今年全省农村公路建设进展顺利。"),
    ],
    ids=["question", "news", "poem", "brackets-closed"],
)
def test_a_heading_over_text_is_not_taken_for_a_cut_word(a: str, b: str) -> None:
    out, _ = normalize_body(a + "\n" + b, "articleBody")
    assert out == a + "\n" + b


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [
        (  # a phrase the body repeats: the text across the break recurs too
            "第五条各级人民政府采取措施广泛宣传献血的意义，普及献血的科学知识，开展预防和控制经血液途",
            "径传播的疾病的教育。",
            "第六条医疗机构应当采取措施，防止经血液途径传播的疾病的扩散。",
        ),
        (  # a word cut: the line after begins with the end of a word the line before began
            "泰国金融危机的直接原因是国际货币投机商的冲击，因此各国政府和金融监管当局必须加强合作，才能有效地防",
            "范国际货币投机行为。",
            "专家指出，国际货币投机行为对发展中国家的危害极大。",
        ),
    ],
    ids=["phrase-repeated", "word-cut"],
)
def test_a_repeated_sentence_after_a_break_inside_a_phrase_is_no_pull_quote(a: str, b: str, c: str) -> None:
    """A short sentence after a break recurs in the body (``径传播的疾病的教育。``, ``范国际货币投机行为。``),
    but the break fell inside a phrase the body repeats (``经血液途`` / ``径``) or inside a word (``有效地防``
    / ``范``): a pull quote is set between two lines at random, and the text across its edge is found
    nowhere else and forms no word."""
    out, changes = normalize_body("\n".join([a, b, c]), "articleBody")
    assert out == a + b + "\n" + c
    assert not [ch for ch in changes if ch.kind == "paragraph.joined" and not ch.applied]


TW_BODY = "他一清早就冒著嚴寒趕到臺北車站。"  # Taiwan's standard (臺, and 冒著)
HK_BODY = "他一清早就冒着嚴寒趕到車站。"  # Hong Kong's (冒着)


@pytest.mark.parametrize(
    ("body", "expected"), [(TW_BODY, "腭骨手术获成功"), (HK_BODY, "颚骨手术获成功")], ids=["tw", "hk"]
)
def test_a_field_is_written_to_its_articles_regional_standard(body: str, expected: str) -> None:
    """A headline is too short to show which region's standard it follows; its article shows it.
    ``顎`` is 腭 in Taiwan's standard, 颚 in Hong Kong's and OpenCC's general one."""
    from normalize.text import same_article

    headline = "顎骨手術獲成功"
    assert normalize_body(body, "articleBody")[0].startswith("他一清早就冒着严寒赶到")
    with same_article(body, headline):
        out, changes = normalize_field(headline, "headline")
    assert out == expected
    assert not [c for c in changes if not c.applied]  # no flag: the article settles it
    alone, _ = normalize_field(headline, "headline")  # outside an article, the general form
    assert alone == "颚骨手术获成功"


def test_a_records_headline_follows_its_bodys_regional_standard() -> None:
    """Through the pipeline: the text stage runs an article's fields inside :func:`same_article`."""
    from normalize import process_bytes

    doc = f"---\ntitle: 顎骨手術獲成功\n---\n\n<p>{TW_BODY}</p>\n<p>{TW_BODY}</p>\n"
    (rec,) = process_bytes(doc.encode(), "tw.md").records
    assert rec.data["headline"] == "腭骨手术获成功"


def test_the_short_tail_of_a_wrapped_paragraph_is_no_pull_quote() -> None:
    """The last few words of a paragraph, on the line the wrap left them (``市场的波动幅度。``), may well
    repeat the text's words; a pull quote is a sentence set apart to catch the eye, not a tail."""
    head = "亚洲的金融波动表明，单一资本市场易受国际资本流动的冲击，一个市场的波动又会波及其他市场。"
    mid = "专家分析认为，投资管理者力求业绩不低于市场平均水平，在大市下跌时又不得不止蚀出货，从而加剧了"
    para = head + mid
    width = 30
    text = para + "市场的波动幅度。"
    assert len(para) % width == 0
    lines = [text[k : k + width] for k in range(0, len(text), width)]
    other = "各国应当加强金融监管合作，共同防范国际货币投机行为。"
    out, changes = normalize_body("\n".join([*lines, other]), "articleBody")
    assert out == text + "\n" + other
    assert not [c for c in changes if c.kind == "paragraph.joined" and not c.applied]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("外文原著，叢書文庫，無不齊備。", "外文原著，丛书文库，无不齐备。"),  # tw2s would make it 原着
        ("研究工作的專著《哥德巴赫猜想》", "研究工作的专著《哥德巴赫猜想》"),
        ("中馬之間有著很好的關係。", "中马之间有着很好的关系。"),  # t2s would keep 有著
        ("接著，十五大又強調了這一點。", "接着，十五大又强调了这一点。"),
        ("項工作需要著力加以推進。", "项工作需要着力加以推进。"),
        ("貢獻卓著。臨近新世紀，", "贡献卓著。临近新世纪，"),
    ],
    ids=["yuanzhu", "zhuanzhu", "youzhe", "jiezhe", "zhuoli", "zhuozhu"],
)
@pytest.mark.parametrize(
    "region", ["", "臺北報道："], ids=["no-region", "taiwan"]
)  # no regional evidence (t2s), Taiwan's (tw2s)
def test_zhu_or_zhe_is_read_in_context(text: str, expected: str, region: str) -> None:
    """Taiwan's standard writes 著 for the particle 着 too: the word model and the character bigrams,
    agreeing, choose the simplified reading in context, whichever way OpenCC's phrase lists go."""
    out, changes = normalize_body(region + text, "articleBody")
    assert out == normalize_body(region, "articleBody")[0] + expected
    assert not [c for c in changes if not c.applied and "著" in c.before]


def test_zhu_is_left_to_opencc_where_the_models_disagree() -> None:
    """``信譽卓著``: jieba's dictionary holds the misprint 信誉卓着, People's Daily's bigrams hold 卓著: no
    reading is settled, OpenCC's stands (t2s keeps 著, and flags it)."""
    out, changes = normalize_body("厚、信譽卓著的農村金融機構", "articleBody")
    assert out == "厚、信誉卓著的农村金融机构"
    assert [c.note for c in changes if not c.applied] == ["as a Taiwan variant: 着"]
