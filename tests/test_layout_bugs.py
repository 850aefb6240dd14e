"""Layout bugs found by the benchmark corpus: newspaper page lines and multi-line headlines, articles with
no text of their own, official-document titles over a hard-wrapped body.

Every document is written here from generic parts (a paper, a date, headlines, bylines, paragraphs), in
the layouts newspapers and GB/T 9704 documents use.
"""

from __future__ import annotations

from typing import Any

import pytest

from normalize import process_bytes, validate_record
from normalize.formats import _gongwen as gw
from normalize.formats import _newsmeta as nm
from normalize.text._script import convert

P1 = (
    "全省今年将新建改建农村公路三千公里，重点解决偏远山区群众出行难的问题。"
    "省交通运输厅表示，各地要加快项目前期工作，确保按期开工。"
)
P2 = "据介绍，去年全省农村公路建设完成投资一百二十亿元，新增通硬化路的建制村二百多个。"
P3 = "市文化部门近日组织专家对辖区内的文物保护单位进行了安全检查，发现问题及时整改。"
P4 = "检查组要求各单位落实安全责任，完善消防设施，加强日常巡查，确保文物安全。"
H1 = "全省农村公路建设全面提速"
H2 = "文物安全检查工作扎实开展"


def _records(text: str, name: str = "page.txt") -> list[dict[str, Any]]:
    result = process_bytes(text.encode("utf-8"), name)
    assert result.error is None, result.error
    for rec in result.records:
        assert validate_record(rec.data) == []
    return [r.data for r in result.records]


def _page(masthead: str) -> str:
    return "\n\n".join([masthead, H1, "本报记者 王海荣", P1, P2, H2, "本报讯 " + P3, P4]) + "\n"


# --- A. newspaper pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("masthead", "fields"),
    [
        (
            "江城日报　2021年03月14日　第6版",
            {"printSection": "第6版", "datePublished": "2021-03-14", "publisher": "江城日报"},
        ),
        (
            "江城日报　2021年03月14日　星期日　第6版",
            {"printSection": "第6版", "datePublished": "2021-03-14", "publisher": "江城日报"},
        ),
        (
            "江城晚报　2021年3月14日　第06版：要闻",
            {"printSection": "第06版：要闻", "datePublished": "2021-03-14", "publisher": "江城晚报"},
        ),
        ("第6版：要闻", {"printSection": "第6版：要闻"}),
        ("江城日报（2021年3月14日　星期日）", {"datePublished": "2021-03-14", "publisher": "江城日报"}),
    ],
)
def test_masthead_is_page_metadata(masthead: str, fields: dict[str, str]) -> None:
    recs = _records(_page(masthead))
    assert [r["headline"] for r in recs] == [H1, H2]
    for rec in recs:
        assert masthead not in rec["articleBody"]
        assert rec.get("printSection") == fields.get("printSection")
        assert rec.get("datePublished") == fields.get("datePublished")
        assert rec.get("publisher", {}).get("name") == fields.get("publisher")
    lifted = [c for c in recs[0]["wasGeneratedBy"]["changes"] if c.get("note") == "page line"]
    assert [c["before"] for c in lifted] == [masthead]


def test_masthead_in_traditional_script() -> None:
    page = convert("s2t", _page("江城日报　2021年03月14日　星期日　第6版"))
    recs = _records(page)
    assert len(recs) == 2
    assert recs[0]["printSection"] == "第6版"
    assert recs[0]["datePublished"] == "2021-03-14"
    assert recs[0]["publisher"]["name"] == "江城日报"  # the text stage converts the script of values too


@pytest.mark.parametrize(
    "line",
    [
        "2021年3月14日",  # a date line
        "江城日报",
        "（下转第6版）",  # a jump line
        "— 6 —",
        "本报讯 第6版刊登了读者来信",
        "江城日报社举办第6届读书节",
    ],
)
def test_not_a_page_line(line: str) -> None:
    assert nm.page_line(line) is None


def test_own_date_line_wins_over_the_page_date() -> None:
    page = "\n\n".join(["江城日报　2021年03月14日　第6版", H1, "2021年03月13日", "本报讯 " + P1, P2]) + "\n"
    (rec,) = _records(page)
    assert rec["datePublished"] == "2021-03-13"
    assert rec["printSection"] == "第6版"


def _wrap(p: str) -> str:
    """A paragraph copied out of a fixed-width layout: lines cut at 30 characters."""
    return "\n".join(p[k : k + 30] for k in range(0, len(p), 30))


WRAPPED = "全省农村公路建设全面提速三千公里新建改建工程陆续开工建设第一批项目"  # wider than a line


def test_headline_wrapped_over_two_lines_at_the_top() -> None:
    top = "\n".join([WRAPPED[:30], WRAPPED[30:]])
    page = "\n\n".join([top, "本报记者 王海荣", _wrap(P1), _wrap(P2), H2, _wrap("本报讯 " + P3)])
    recs = _records(page + "\n")
    assert [r["headline"] for r in recs] == [WRAPPED, H2]


def test_headline_wrapped_in_a_hard_wrapped_page() -> None:
    wrapped = "\n".join([WRAPPED[:30], WRAPPED[30:]])
    page = "\n\n".join([H2, _wrap("本报讯 " + P4), wrapped, "本报记者 王海荣", _wrap(P1), _wrap(P2)])
    recs = _records(page + "\n")
    assert [r["headline"] for r in recs] == [H2, WRAPPED]
    assert WRAPPED[:10] not in recs[0]["articleBody"]


@pytest.mark.parametrize("annotated", [False, True])
def test_original_title_line_wrapped_in_a_hard_wrapped_page(annotated: bool) -> None:
    """A 原标题 line longer than the page's width goes on in the line under it (in an annotated copy
    the wrap may cut a reading: ``續(x`` / ``ù)開``): the whole line is the original title, and none of
    it is left in the body."""
    original = convert("s2t", "原标题：" + WRAPPED + "正式启动")
    if annotated:
        at = original.index("續") + 1
        original = original[:at] + "(xù)" + original[at:]
    lines = [original[k : k + 30] for k in range(0, len(original), 30)]
    assert len(lines) == 2 and (not annotated or lines[0].endswith("(x"))
    body = [convert("s2t", p) for p in (P1, P2)]
    page = "\n".join([convert("s2t", H1), "本報記者 王海榮", *lines, *map(_wrap, body)]) + "\n"
    (rec,) = _records(page)
    assert rec["isBasedOn"]["headline"] == WRAPPED + "正式启动"
    assert rec["articleBody"] == P1 + "\n" + P2


def test_kicker_above_the_title_is_set_apart() -> None:
    kicker = "坚持以人民为中心的发展思想"
    page = "\n\n".join([H2, "本报讯 " + P4, "\n".join([kicker, H1]), "本报记者 王海荣", P1, P2]) + "\n"
    recs = _records(page)
    assert recs[1]["headline"] == f"{kicker} {H1}"


def test_column_label_opening_the_page() -> None:
    page = "\n\n".join(["要闻速递", H1, "本报记者 王海荣", P1, H2, "本报讯 " + P3]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]
    assert recs[0]["articleSection"] == ["要闻速递"]


def test_article_with_no_text_does_not_reject_its_siblings() -> None:
    """A headline and byline with nothing under them (the copy was cut) are no record; the others stand."""
    cut = ["乡村振兴项目集中签约", "本报记者 李明"]
    page = "\n\n".join([H1, "本报记者 王海荣", P1, *cut, H2, "本报讯 " + P3])
    result = process_bytes((page + "\n").encode("utf-8"), "page.txt")
    assert result.error is None, result.error
    assert [r.data["headline"] for r in result.records] == [H1, H2]
    assert any("乡村振兴项目集中签约" in w for w in result.warnings)
    kinds = [c["kind"] for r in result.records for c in r.data["wasGeneratedBy"]["changes"]]
    assert "article.unplaced" in kinds


def test_page_of_headlines_only_fails_cleanly() -> None:
    result = process_bytes(f"{H1}\n\n本报记者 王海荣\n".encode(), "page.txt")
    assert result.error is not None and "no article text" in result.error


def test_dateline_with_place_and_date_opens_an_article() -> None:
    page = "\n\n".join([H1, "本报记者 王海荣", P1, H2, "本报江城3月14日电 " + P3, P4]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]
    assert recs[1]["dateline"] == "本报江城3月14日电"
    assert recs[1]["articleBody"].startswith(P3[:10])


def test_fragment_that_starts_and_ends_mid_sentence() -> None:
    """A paragraph that both continues and breaks off a sentence is not moved after itself."""
    tail = "，并要求各地在年底前全部完成整改任务同时建立长效管理机制防止问题反弹以及其他有关的安排"
    page = "\n\n".join([H1, "本报记者 王海荣", P1, tail]) + "\n"
    (rec,) = _records(page)
    assert tail[1:20] in rec["articleBody"]


BREAKS = ["（下转第6版）", "（上接第一版）", "（转A3版）", "（接上页）", "— 6 —", "- 12 -", "第7页 共12页"]


@pytest.mark.parametrize("furniture", BREAKS)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_page_break_furniture_inside_a_sentence(furniture: str, script: str) -> None:
    """A page break cut a paragraph of the first article and left its jump line or page number
    between the two parts: the furniture is removed (logged in that article's record only) and the
    sentence is whole again (the text stage rejoins it, as it does a bare page break)."""
    cut = P1.index("前期") + 1  # inside a word
    parts = [H1, "本报记者 王海荣", P1[:cut], furniture, P1[cut:], P2, H2, "本报讯 " + P3, P4]
    page = "\n\n".join(parts) + "\n"
    if script == "zh-Hant":
        page, furniture = convert("s2t", page), convert("s2t", furniture)
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]  # the text stage writes simplified script
    assert recs[0]["articleBody"] == P1 + "\n" + P2
    changes = [r["wasGeneratedBy"]["changes"] for r in recs]
    removed = [[(c["before"], c["note"]) for c in cs if c["kind"] == "boilerplate.removed"] for cs in changes]
    assert removed == [[(furniture, nm.page_furniture(furniture))], []]


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("（下转第6版）", "jump line"),
        ("（下轉第16版）", "jump line"),
        ("(上接第1版)", "jump line"),
        ("（转下页）", "jump line"),
        ("— 7 —", "page number"),
        ("－12－", "page number"),
        ("第 3 页", "page number"),
        ("（一）", None),
        ("（完）", None),
        ("第6版", None),  # a page line: lifted as page metadata instead
        ("— 新华社", None),
        ("2021年3月14日", None),
        ("（下转第6版）的说法不对", None),
        ("共7页", None),
    ],
)
def test_page_furniture_lines(line: str, what: str | None) -> None:
    assert nm.page_furniture(line) == what


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("作者：张三　来源：新华社", {"author": ["张三"], "publisher": "新华社"}),
        ("来源：新华社　作者：张三", {"author": ["张三"], "publisher": "新华社"}),
        (
            "2021-03-04 10:00　来源：人民网　作者：李四",
            {"author": ["李四"], "publisher": "人民网", "datePublished": "2021-03-04T10:00:00"},
        ),
        ("发布时间：2021年03月04日　浏览次数：1234", {"datePublished": "2021-03-04"}),
        ("来源：江城日报　　发布时间：2021-03-04", {"publisher": "江城日报", "datePublished": "2021-03-04"}),
        (
            "時間：2021-03-04 來源：市政府辦公室 編輯：王五",
            {"publisher": "市政府办公室", "datePublished": "2021-03-04"},
        ),
    ],
)
def test_information_line_of_a_web_copy(line: str, fields: dict[str, Any]) -> None:
    """Labelled values side by side under a headline: each value to its field, the line out of the body
    (a source no longer runs on into the next label: ``新华社 作者：张三``)."""
    page = "\n\n".join([H1, line, P1, P2]) + "\n"
    (rec,) = _records(page)
    assert rec["articleBody"] == P1 + "\n" + P2
    assert [a["name"] for a in rec.get("author", [])] == fields.get("author", [])
    assert rec.get("isBasedOn", {}).get("publisher", {}).get("name") == fields.get("publisher")
    assert rec.get("datePublished") == fields.get("datePublished")


@pytest.mark.parametrize(
    "line",
    [
        "【字号：大 中 小】",
        "字体：大 中 小",
        "【打印】【关闭】",
        "打印本页 关闭窗口",
        "上一篇：全省文物安全检查工作会议召开",
    ],
)
def test_page_tools_are_not_text(line: str) -> None:
    page = "\n\n".join([H1, "本报记者 王海荣", P1, line, P2]) + "\n"
    (rec,) = _records(page)
    assert rec["articleBody"] == P1 + "\n" + P2


@pytest.mark.parametrize(
    "line",
    [
        "据新华社电　作者认为：这是一个好办法。",
        "时间就是金钱：效率就是生命。",
        "来源：群众的来信说明了问题。",
    ],
)
def test_prose_with_a_label_word_stays_text(line: str) -> None:
    assert nm.classify_line(line) is None or nm.classify_line(line).kind not in ("info", "toolbar")


@pytest.mark.parametrize("sep", ["\n", "\n\n"])
def test_closing_byline_on_a_line_of_its_own(sep: str) -> None:
    """``（某某）`` under the text's last sentence (a wrap or the layout set it apart) credits the writer."""
    page = "\n\n".join([H1, "本报讯 " + P1, P2]) + sep + "（王海荣）\n"
    (rec,) = _records(page)
    assert rec["articleBody"] == P1 + "\n" + P2
    assert [a["name"] for a in rec["author"]] == ["王海荣"]


def test_a_bracketed_note_closing_the_text_is_no_byline() -> None:
    page = "\n\n".join([H1, "本报讯 " + P1, P2, "（完）"]) + "\n"
    (rec,) = _records(page)
    assert "author" not in rec
    page = "\n\n".join([H1, "本报讯 " + P1, P2, "（共186天）"]) + "\n"
    (rec,) = _records(page)
    assert "author" not in rec and rec["articleBody"].endswith("（共186天）")


@pytest.mark.parametrize(
    "info",
    [
        "2021-03-13 10:00　来源：江城日报　作者：李四",
        "2021-03-13 10:00　来源：江城日报",
        "作者：李四　来源：江城日报",
    ],
)
def test_headline_over_an_information_line_opens_an_article(info: str) -> None:
    """A page of web copies: each headline has its information line under it, no reporter line."""
    page = "\n\n".join([H1, "本报记者 王海荣", P1, P2, H2, info, P3, P4]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]
    assert recs[1]["articleBody"] == P3 + "\n" + P4
    assert recs[1]["isBasedOn"]["publisher"]["name"] == "江城日报"


def test_heading_over_a_date_alone_opens_no_article() -> None:
    """A date line alone under a heading-like line is no sign of a new article (a dated section)."""
    page = "\n\n".join([H1, "本报记者 王海荣", P1, H2, "2021年3月13日", P3]) + "\n"
    assert len(_records(page)) == 1


def test_wrapped_first_line_after_a_dateline_is_joined() -> None:
    """The dateline lifted from a hard-wrapped paragraph's first line leaves that line shorter than the
    wrap; the full line under it shows it was cut all the same."""
    para = P1 + P2
    page = "\n\n".join([H1, _wrap("本报江城3月14日电 " + para), _wrap(P3 + P4)]) + "\n"
    (rec,) = _records(page)
    assert rec["dateline"] == "本报江城3月14日电"
    assert rec["articleBody"] == para + "\n" + P3 + P4


@pytest.mark.parametrize(
    ("crumb", "sections"),
    [
        ("您的位置：首页 > 新闻 > 正文", ["新闻"]),
        ("位置：首页 → 国内新闻 → 正文", ["国内新闻"]),
        ("当前位置：新闻中心 > 国内新闻", ["国内新闻"]),
        ("首页 | 新闻中心 | 正文", None),  # bars: a menu or a path, no section taken
        ("首页 | 新闻 | 图片 | 视频 | 论坛", None),
    ],
)
def test_breadcrumb_and_menu_lines_above_the_headline(crumb: str, sections: list[str] | None) -> None:
    """A path or a menu over the headline is page furniture, never the headline."""
    page = "\n\n".join([crumb, H1, "本报记者 王海荣", P1, P2]) + "\n"
    (rec,) = _records(page)
    assert rec["headline"] == H1
    assert rec["articleBody"] == P1 + "\n" + P2
    assert rec.get("articleSection") == sections


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        ("文/图 张三", [("张三", "文/图")]),
        ("文/本报记者 张三", [("张三", "本报记者")]),
        ("图／李四", [("李四", "图")]),
        ("□ 本报记者 张三 通讯员 李四", [("张三", "本报记者"), ("李四", "通讯员")]),
        ("■本报记者 张三", [("张三", "本报记者")]),
    ],
)
def test_bylines_set_with_a_slash_or_a_mark(line: str, credits: list[tuple[str, str]]) -> None:
    page = "\n\n".join([H1, line, P1, P2]) + "\n"
    (rec,) = _records(page)
    assert rec["articleBody"] == P1 + "\n" + P2
    assert [(a["name"], a["jobTitle"]) for a in rec["author"]] == credits


@pytest.mark.parametrize("line", ["文章来源于网络", "图片来源：新华社", "文/图 由本报编辑部整理提供"])
def test_credit_like_lines_that_name_nobody_are_no_bylines(line: str) -> None:
    info = nm.classify_line(line)
    assert info is None or info.kind != "reporter"


@pytest.mark.parametrize(
    "close",
    [
        lambda p: [p + "（王海荣）"],  # the byline closing the last paragraph
        lambda p: [p, "（王海荣）"],  # on a line of its own
        lambda p: [p, "（完）"],
    ],
)
def test_article_closed_above_a_headline_with_no_cue_under_it(close: Any) -> None:
    """A page of articles that open with no byline or dateline: the one above was closed (its byline,
    an end mark), so the headline under it opens the next."""
    page = "\n\n".join([H1, P1, *close(P2), H2, P3, P4]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]
    assert recs[0]["articleBody"] == P1 + "\n" + P2
    assert recs[1]["articleBody"] == P3 + "\n" + P4


def test_sub_heading_inside_an_article_opens_none() -> None:
    page = "\n\n".join([H1, "本报记者 王海荣", P1, P2, H2, P3, P4]) + "\n"
    (rec,) = _records(page)
    assert H2 in rec["articleBody"]


# --- B. official documents --------------------------------------------------------------------------------

BODY = (
    "为进一步加强全省农村公路建设管理，提高工程质量和投资效益，根据国家有关规定，结合我省实际，"
    "现将有关事项通知如下。各地要高度重视农村公路建设工作，加强组织领导，落实工作责任，"
    "确保各项任务按期完成。请各地于每季度末将工作进展情况报送省交通运输厅。"
)


def _official(title_lines: list[str], number: bool, width: int = 36) -> str:
    """A raw official document with no 主送机关, its body hard-wrapped at ``width`` characters."""
    wrapped = [BODY[k : k + width] for k in range(0, len(BODY), width)]
    head = ["江交发〔2021〕12号", ""] if number else []
    signature = ["江城省交通运输厅", "2021年3月14日"]
    return "\n".join([*head, *title_lines, "", *wrapped, "", "", *signature, ""])


@pytest.mark.parametrize(
    "lines",
    [
        ["江城省交通运输厅关于加强农村公路建设管理的通知"],
        ["江城省交通运输厅关于加强农村公路", "建设管理的通知"],
        ["江城省交通运输厅关于印发", "《江城省农村公路建设管理办法》", "的通知"],
    ],
)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("number", [True, False])
def test_title_over_a_hard_wrapped_body(lines: list[str], script: str, number: bool) -> None:
    text = _official(lines, number)
    if script == "zh-Hant":
        text = convert("s2t", text)
    result = process_bytes(text.encode("utf-8"), "doc.txt")
    assert result.error is None, result.error
    (rec,) = [r.data for r in result.records]
    assert rec["name"] == "".join(lines)
    assert rec["legislationType"] == "通知"
    assert rec["text"].startswith(BODY[:10])
    assert rec.get("legislationIdentifier") == ("江交发〔2021〕12号" if number else None)
    assert rec["legislationDate"] == "2021-03-14"


@pytest.mark.parametrize("furniture", ["— 2 —", "（下转第2版）"])
def test_page_number_between_lines_of_an_official_document(furniture: str) -> None:
    """GB/T 9704 sets a page number (``— 2 —``) under each page's text; a copy of the pages keeps it
    between two lines of the body.  It is no text of the document: removed and logged."""
    text = _official(["江城省交通运输厅关于加强农村公路建设管理的通知"], True, width=42)
    cut = text.index(BODY[42:46])  # the start of the body's second line
    text = text[:cut] + furniture + "\n" + text[cut:]
    result = process_bytes(text.encode("utf-8"), "doc.txt")
    assert result.error is None, result.error
    (rec,) = [r.data for r in result.records]
    assert validate_record(rec) == []
    assert furniture not in rec["text"]
    assert rec["text"].startswith(BODY[:60])  # the hard-wrapped lines joined across it
    removed = [c for c in rec["wasGeneratedBy"]["changes"] if c["kind"] == "boilerplate.removed"]
    assert [(c["before"], c["note"]) for c in removed] == [(furniture, nm.page_furniture(furniture))]


def test_title_lines_read_by_their_form() -> None:
    body = [BODY[k : k + 36] for k in range(0, 108, 36)]
    assert gw.title_lines(["某某厅关于加强农村公路建设管理的通知", *body]) == 1
    assert gw.title_lines(["某某厅关于印发某某管理办法", "的通知", *body]) == 2
    assert gw.title_lines(body) == 0


def test_kinds_of_organ_sharing_one_head_are_one_addressee() -> None:
    assert gw.split_list("各市、县（区）人民政府，省政府各委、办、厅、局") == [
        "各市、县（区）人民政府",
        "省政府各委、办、厅、局",
    ]


def test_question_or_exclamation_as_headline() -> None:
    """A headline may be one short question or exclamation; it opens an article like any other."""
    web = "\n\n".join(["外国人怎么过年？", "2021-03-14 10:00:00 来源：江城日报", P1, P2]) + "\n"
    (rec,) = _records(web)
    assert rec["headline"] == "外国人怎么过年？"
    assert rec["articleBody"].startswith(P1[:10])
    page = "\n\n".join([H1, "本报记者 王海荣", P1, "驾驶证岂可买卖！", "本报讯 " + P3, P4]) + "\n"
    assert [r["headline"] for r in _records(page)] == [H1, "驾驶证岂可买卖！"]


def test_quoted_exclamation_closing_a_paragraph_is_no_headline() -> None:
    """Words quoted from someone end the paragraph (``…呀！”``); the dateline under them opens a
    paragraph of the same article, not a new article under a headline."""
    said = "“党和政府的诚心加上老百姓的诚意，该能办成多少事呀！”"
    page = "\n\n".join([H1, "本报记者 王海荣", P1, _wrap(P2) + "\n" + said, "本报江城3月14日电 " + P3]) + "\n"
    (rec,) = _records(page)
    assert said in rec["articleBody"]


def test_dateline_followed_by_a_bracketed_number() -> None:
    page = "\n\n".join([H1, "本报记者 王海荣", P1, H2, "本报讯 （二）" + P3, P4]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1, H2]
    assert recs[1]["dateline"] == "本报讯"
    assert recs[1]["articleBody"].startswith("（二）")


def test_a_part_that_breaks_off_after_a_closed_article_is_a_fragment() -> None:
    """A heading and text after a closed article, the text breaking off mid-sentence: a fragment of an
    article the layout moved (its rest is elsewhere), not an article of its own."""
    cut = "检查组要求各单位落实安全责任，完善消防设施，加强日常巡查，对发现的各类隐患要逐一登记建档并限期"
    page = "\n\n".join([H1, P1, P2 + "（王海荣）", H2, P3, cut]) + "\n"
    recs = _records(page)
    assert [r["headline"] for r in recs] == [H1]


@pytest.mark.parametrize(
    ("end", "authors"), [("（完）", []), ("(完)", []), ("（记者 张三）（完）", ["张三"])]
)
def test_end_mark_closing_the_last_paragraph(end: str, authors: list[str]) -> None:
    """``…。（完）`` (a wire copy's end) is boilerplate at the end of the last paragraph too."""
    page = "\n\n".join([H1, "本报讯 " + P1, P2 + end]) + "\n"
    (rec,) = _records(page)
    assert rec["articleBody"] == P1 + "\n" + P2
    assert [a["name"] for a in rec.get("author", [])] == authors


def _traditional_annotated(text: str) -> str:
    """``text`` as a traditional copy with pinyin readings after some characters and half-width
    punctuation, as such copies come (the rules must read it as they read the simplified one)."""
    t = convert("s2t", text)
    for ch, reading in (("來", "lái"), ("報", "bào"), ("轉", "zhuǎn"), ("記", "jì")):
        t = t.replace(ch, f"{ch}({reading})", 1)
    return t.replace("：", ":").replace("（", "(").replace("）", ")").replace("，", ",")


@pytest.mark.parametrize(
    "lines",
    [
        ["2021-03-13 10:00　来源：江城日报　作者：李四"],  # an information line
        ["文／本报记者 张三"],  # a slash byline
        ["您的位置：首页 > 新闻 > 正文"],  # a breadcrumb (over the headline: set first below)
    ],
)
def test_new_line_rules_in_a_traditional_annotated_half_width_copy(lines: list[str]) -> None:
    first = lines[0].startswith("您的位置")
    parts = [*lines, H1] if first else [H1, *lines]
    page = "\n\n".join([*parts, P1, P2]) + "\n"
    plain, copy = _records(page), _records(_traditional_annotated(page))
    assert len(plain) == len(copy) == 1
    for key in ("headline", "articleBody", "author", "articleSection", "datePublished"):
        assert copy[0].get(key) == plain[0].get(key), key
    assert convert("s2t", lines[0])[:2] not in copy[0]["articleBody"]


def test_page_furniture_and_closed_articles_in_a_traditional_annotated_half_width_copy() -> None:
    page = (
        "\n\n".join(
            [
                H1,
                "本报记者 王海荣",
                P1[:30],
                "（下转第6版）",
                P1[30:],
                P2 + "（王海荣）",
                H2,
                P3,
                P4 + "（李明）",
            ]
        )
        + "\n"
    )
    plain, copy = _records(page), _records(_traditional_annotated(page))
    assert [r["headline"] for r in copy] == [r["headline"] for r in plain] == [H1, H2]
    assert [r["articleBody"] for r in copy] == [r["articleBody"] for r in plain]
    assert [[a["name"] for a in r["author"]] for r in copy] == [["王海荣"], ["李明"]]
