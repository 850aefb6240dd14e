"""Official documents published as web pages: the disclosure table read, the document under it
read like the policy format's, a Legislation record out.

The pages are written here in the shapes government CMSs produce: label and value in separate
table cells with letter-spaced labels and a title wrapped by hand (a provincial site), label and
value in one cell after a colon in traditional script (a copy re-encoded in Big5), the table
below the text; and the pages that must stay news: an information line with 发布时间 and 来源, a
table without a single catalogue-only label.
"""

from __future__ import annotations

from typing import Any

from normalize import process_bytes, validate_record
from normalize.jsonld import dropped_properties
from normalize.pipeline import Options
from normalize.text import TextOptions

BODY = [
    "为加强水资源保护，根据有关法律法规，现就有关事项通知如下：",
    "一、各地要严格落实取水许可制度，加强取水计量监管，确保用水总量控制在规定范围内。",
    "二、各有关部门要按照职责分工，密切配合，认真做好水资源保护各项工作。",
]
TITLE = "某某省人民政府关于加强水资源保护工作的通知"


def _cells(rows: list[tuple[str, str]], *, split: bool = True) -> str:
    if split:
        return "<table>" + "".join(f"<tr><td>{k}：</td><td>{v}</td></tr>" for k, v in rows) + "</table>"
    return "<ul>" + "".join(f"<li>{k}：{v}</li>" for k, v in rows) + "</ul>"


def _gov_page(
    rows: list[tuple[str, str]],
    *,
    title_lines: tuple[str, ...] = ("某某省人民政府关于加强", "水资源保护工作的通知"),
    number: str = "某政发〔2021〕12号",
    organ: str = "某某省人民政府",
    date: str = "2021年3月5日",
    split: bool = True,
    table_after: bool = False,
    body: list[str] | None = None,
) -> bytes:
    table = _cells(rows, split=split)
    text = (
        "".join(f"<p>{t}</p>" for t in title_lines)
        + f"<p>{number}</p>"
        + "<p>各市（州）人民政府，省政府各厅委、各直属机构：</p>"
        + "".join(f"<p>{p}</p>" for p in (body or BODY))
        + f"<p>{organ}</p><p>{date}</p>"
    )
    nav = "<div><a href='/'>首页</a> &gt; <a href='/zc'>政府信息公开</a></div>"
    foot = "<div>主办单位：某某省人民政府办公厅 网站标识码 1234567890</div>"
    inner = f"{text}{table}" if table_after else f"{table}{text}"
    return (
        f"<html><head><title>{TITLE}</title><meta charset='utf-8'></head>"
        f"<body>{nav}{inner}{foot}</body></html>"
    ).encode()


ROWS = [
    ("索 引 号", "000014349/2021-00012"),
    ("主题分类", "水利\\水资源"),
    ("发文机关", "某某省人民政府"),
    ("成文日期", "2021年03月05日"),
    ("标　　题", TITLE),
    ("发文字号", "某政发〔2021〕12号"),
    ("发布日期", "2021年03月08日"),
    ("有 效 性", "有效"),
]


def _record(data: bytes, name: str = "page.html") -> tuple[dict[str, Any], list[str]]:
    res = process_bytes(data, name, Options(text=TextOptions(script="keep")))
    assert res.ok, res.error
    assert res.document is not None and res.document.format == "html"
    assert len(res.records) == 1
    rec = res.records[0].data
    assert validate_record(rec) == [], validate_record(rec)
    return rec, res.warnings


def test_a_disclosure_page_becomes_a_legislation_record() -> None:
    rec, _ = _record(_gov_page(ROWS))
    assert rec["type"] == "Legislation"
    assert rec["name"] == TITLE
    assert rec["legislationType"] == "通知"
    assert rec["legislationIdentifier"] == "某政发〔2021〕12号"
    assert [o["name"] for o in rec["legislationPassedBy"]] == ["某某省人民政府"]
    assert rec["legislationDate"] == "2021-03-05"  # the 成文日期: the document's date
    assert rec["datePublished"] == "2021-03-08"  # the 发布日期: only the site knows it
    assert rec["addressee"] == ["各市（州）人民政府", "省政府各厅委", "各直属机构"]
    text = rec["text"]
    assert text.startswith(BODY[0]) and text.endswith(BODY[-1])
    for furniture in ("索", "发文机关", "发布日期", "首页", "主办单位", TITLE, "某政发", "2021年3月5日"):
        assert furniture not in text, furniture
    assert rec["identifier"] == [
        {"type": "PropertyValue", "propertyID": "索引号", "value": "000014349/2021-00012"}
    ]
    assert rec["legislationLegalForce"] == "InForce"
    assert dropped_properties(rec) == []
    notes = [c.get("note", "") for c in rec["wasGeneratedBy"]["changes"]]
    assert any(n.startswith("information-disclosure table") and "成文日期" in n for n in notes)


def test_a_table_in_traditional_script_with_values_after_the_colon() -> None:
    rows = [
        ("索引號", "000014349/2021-00012"),
        ("發文機關", "某某省人民政府"),
        ("成文日期", "2021-03-05"),
        ("發文字號", "某政發[2021]12號"),
        ("發佈日期", "2021-03-09"),
        ("有效性", "已廢止"),
    ]
    page = _gov_page(
        rows, split=False, number="", title_lines=("某某省人民政府關於加強水資源保護工作的通知",)
    )
    rec, _ = _record(page)
    assert rec["type"] == "Legislation"
    assert rec["name"] == "某某省人民政府關於加強水資源保護工作的通知"
    # the document's copy has no 发文字号 line: the table's, in its canonical form
    assert rec["legislationIdentifier"] == "某政发〔2021〕12号"
    assert rec["legislationDate"] == "2021-03-05"
    assert rec["datePublished"] == "2021-03-09"
    assert rec["legislationLegalForce"] == "NotInForce"


def test_a_table_below_the_text() -> None:
    rec, _ = _record(_gov_page(ROWS, table_after=True))
    assert rec["type"] == "Legislation"
    assert rec["legislationIdentifier"] == "某政发〔2021〕12号"
    assert rec["datePublished"] == "2021-03-08"
    assert "索引号" not in rec["text"].replace(" ", "")


def test_the_documents_own_lines_win_over_the_table_with_a_warning() -> None:
    rows = [r if r[0] != "成文日期" else ("成文日期", "2021年03月04日") for r in ROWS]
    rec, warnings = _record(_gov_page(rows))
    assert rec["legislationDate"] == "2021-03-05"
    assert any("成文日期" in w and "2021-03-04" in w for w in warnings), warnings


def test_the_table_fills_what_the_copy_drops() -> None:
    """A copy without title lines, number, signature and date: all from the table."""
    page = _gov_page(ROWS, title_lines=(), number="", organ="", date="")
    rec, _ = _record(page)
    assert rec["name"] == TITLE and rec["legislationType"] == "通知"
    assert rec["legislationIdentifier"] == "某政发〔2021〕12号"
    assert [o["name"] for o in rec["legislationPassedBy"]] == ["某某省人民政府"]
    assert rec["legislationDate"] == "2021-03-05"


def test_a_news_information_line_is_no_disclosure_table() -> None:
    rows = [("发布时间", "2021-03-08 10:00"), ("来源", "某某日报"), ("作者", "张三"), ("浏览次数", "120")]
    rec, _ = _record(_gov_page(rows))
    assert rec["type"] == "NewsArticle"


def test_a_table_without_a_catalogue_label_stays_news() -> None:
    """发布日期, 标题, 发文机关 appear on news pages of government sites too; without 索引号, 发文字号
    or 成文日期 the page is not a catalogue entry."""
    rows = [("标题", TITLE), ("发布机构", "某某省人民政府"), ("发布日期", "2021年03月08日")]
    rec, _ = _record(_gov_page(rows))
    assert rec["type"] == "NewsArticle"


def test_labels_scattered_over_a_page_are_no_table() -> None:
    """A 发布时间 in the information line, a 文号 mentioned far below: not a catalogue entry."""
    filler = "".join(f"<div>相关链接{k}</div>" for k in range(6))
    rows = f"<div>索引号：000014349/2021-00012</div>{filler}<div>成文日期：2021年03月05日</div>{filler}"
    page = (
        f"<html><head><title>{TITLE}</title></head><body>{rows}<div>发布日期：2021年03月08日</div>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</body></html>"
    ).encode()
    rec, _ = _record(page)
    assert rec["type"] == "NewsArticle"


def test_a_table_with_pinyin_readings_and_half_width_colons() -> None:
    rows = [
        ("索(suǒ)引(yǐn)號(hào)", "000014349/2021-00012"),
        ("發(fā)文(wén)機(jī)關(guān)", "某某省人民政府"),
        ("成(chéng)文(wén)日(rì)期(qī)", "2021年03月05日"),
        ("發(fā)文(wén)字(zì)號(hào)", "某政發[2021]12號"),
        ("有(yǒu)效(xiào)性(xìng)", "有效"),
    ]
    table = "<table>" + "".join(f"<tr><td>{k}:</td><td>{v}</td></tr>" for k, v in rows) + "</table>"
    page = _gov_page([], number="", title_lines=("某某省人民政府關於加強水資源保護工作的通知",))
    page = page.replace(b"<table></table>", table.encode())
    rec, _ = _record(page)
    assert rec["type"] == "Legislation"
    assert rec["legislationIdentifier"] == "某政发〔2021〕12号"
    assert rec["legislationDate"] == "2021-03-05"
    assert rec["legislationLegalForce"] == "InForce"
