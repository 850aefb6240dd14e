"""News fixtures (front matter + HTML, plain text, newspaper pages) against expected fields kept as data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalize import process
from normalize.encoding import _euctw
from normalize.formats import _newsmeta as nm

DATA = Path(__file__).parent / "data" / "news"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def _body(rec: dict[str, Any]) -> str:
    return str(rec.get("articleBody") or rec.get("text") or "")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    want = EXPECTED[name]
    if want.get("encoding") == "euc-tw" and not _euctw.available():
        pytest.skip("the C library's iconv has no EUC-TW here")
    result = process(DATA / name)
    if "error" in want:
        assert result.error is not None and want["error"] in result.error
        assert result.records == []
        assert result.source == (DATA / name).read_bytes()  # the bytes are kept for the archive
        return
    assert result.error is None, result.error
    assert len(result.records) == len(want["records"])
    for rec_out, exp in zip(result.records, want["records"], strict=True):
        rec = rec_out.data
        if "encoding" in want:
            assert rec["wasDerivedFrom"]["detectedEncoding"] == want["encoding"]
        body = _body(rec)
        for key, value in exp.items():
            if key == "body_starts":
                assert body.startswith(value), body[:80]
            elif key == "body_has":
                for s in value:
                    assert s in body
            elif key == "body_lacks":
                for s in value:
                    assert s not in body, s
            elif key == "absent":
                for k in value:
                    assert k not in rec, k
            else:
                assert rec.get(key) == value, key


def test_newspaper_split_is_logged() -> None:
    result = process(DATA / "pt_newspaper.txt")
    kinds = [c["kind"] for r in result.records for c in r.data["wasGeneratedBy"]["changes"]]
    assert kinds.count("article.split") == 2
    assert "metadata.lifted" in kinds


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        # two roles in one byline
        ("本报记者 王海荣 通讯员 李明", [("王海荣", "本报记者"), ("李明", "通讯员")]),
        # a two-character name letter-spaced to the width of three
        ("本报记者 李　明", [("李明", "本报记者")]),
        # a surname outside the common list: the title set apart before it says it is a name
        ("本报记者 毋晓蕾", [("毋晓蕾", "本报记者")]),
        # where the report was filed, or that the names took the photos
        ("本报记者 王海荣 北京报道", [("王海荣", "本报记者")]),
        ("记者 王海荣 摄", [("王海荣", "记者")]),
        # an invisible character the text stage removes anyway (here inside the title)
        ("本报\u200b记者 王海荣", [("王海荣", "本报\u200b记者")]),
        # traditional script and pinyin annotations: values are taken as written
        ("本報(bào)記者 王海榮", [("王海榮", "本報(bào)記者")]),
        ("记者手记", None),
        ("本报记者 调查发现问题", None),
    ],
)
def test_byline_line(line: str, authors: list[tuple[str, str]] | None) -> None:
    info = nm.classify_line(line)
    if authors is None:
        assert info is None or info.kind != "reporter"
        return
    assert info is not None and info.kind == "reporter"
    assert [(a["name"], a["jobTitle"]) for a in info.fields["author"]] == authors


@pytest.mark.parametrize(
    ("line", "kind", "fields"),
    [
        ("原標(biāo)題(tí):數字經濟", "original-title", {"alternativeHeadline": "數字經濟"}),
        ("首頁(yè) > 國內新聞 > 正文", "breadcrumb", {"articleSection": ["國內新聞"]}),
        ("責(zé)任編輯:張偉", "editor", {"editor": [{"name": "張偉", "jobTitle": "責(zé)任編輯"}]}),
        ("來(lái)源(yuán)：人民日報", "source", {"sourcePublisher": "人民日報"}),
        ("责任编辑：李　明", "editor", {"editor": [{"name": "李明", "jobTitle": "责任编辑"}]}),
        # a date with the paper or site it appeared in, unlabelled
        (
            "2018年09月12日 14:32 中時電子報",
            "datetime",
            {"date": "2018-09-12T14:32:00", "sourcePublisher": "中時電子報"},
        ),
        ("2018-09-12　新华网", "datetime", {"date": "2018-09-12", "sourcePublisher": "新华网"}),
        # the page's font-size tool at the end of an information line
        ("发布时间：2021-03-04 10:00 【字体：大 中 小】【打印】", "info", {"date": "2021-03-04T10:00:00"}),
        (
            "来源：人民网 作者：李四 [字号 大 中 小]",
            "info",
            {"sourcePublisher": "人民网", "author": [{"name": "李四", "jobTitle": "作者"}]},
        ),
        ("圖片來源：丁守中辦公室 提供", "photo credit", {}),
        ("圖(tú)片(piàn)來(lái)源(yuán):中央社", "photo credit", {}),  # annotated, half-width colon
        (
            "2018年09月12日 14:32 中(zhōng)時(shí)報(bào)",
            "datetime",
            {"date": "2018-09-12T14:32:00", "sourcePublisher": "中(zhōng)時(shí)報(bào)"},
        ),
        (
            "來(lái)源(yuán):人民網 作者:李四 【字號：大 中 小】",
            "info",
            {"sourcePublisher": "人民網", "author": [{"name": "李四", "jobTitle": "作者"}]},
        ),
        # a date the page got wrong is not taken (no day of the calendar, no time of day); the line is
        # what it is all the same
        ("发布时间：2024-02-30 10:00　来源：市政府办公室", "info", {"sourcePublisher": "市政府办公室"}),
        ("2023-04-31　新华网", "datetime", {"sourcePublisher": "新华网"}),
        ("2023年02月29日 10:00", "datetime", {}),
        ("2024年02月29日 24:30", "datetime", {}),
        ("2024年02月29日 23:30", "datetime", {"date": "2024-02-29T23:30:00"}),
    ],
)
def test_marker_lines_whatever_the_script(line: str, kind: str, fields: dict[str, Any]) -> None:
    info = nm.classify_line(line)
    assert info is not None and info.kind == kind
    assert info.fields == fields


def test_a_line_found_plain_is_not_classified_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout rules ask about the same line from several places: a line that is no metadata is
    remembered (only those: a found LineInfo is the caller's to change), and the answers stay the same."""
    calls: list[str] = []
    real = nm._classify
    monkeypatch.setattr(nm, "_classify", lambda s: (calls.append(s), real(s))[1])
    nm._NOT_META.clear()
    plain, meta = "  各地加快推进产业数字化转型。 ", "责任编辑：李　明"
    for _ in range(3):
        assert nm.classify_line(plain) is None
        info = nm.classify_line(meta)
        assert info is not None and info.kind == "editor"
    assert calls == [plain.strip(), meta, meta, meta]


def test_closing_byline_letter_spaced() -> None:
    text = "相关补贴将在六月底前发放到位。（记者 李　明）"
    found = nm.closing_byline(text)
    assert found is not None
    at, authors = found
    assert text[at:] == "（记者 李　明）"
    assert authors == [{"name": "李明", "jobTitle": "记者"}]


TW_PARAS = [
    "行政院今天召開記者會表示，將持續加強各項防疫措施，並呼籲民眾配合政府的各項規定，共同守護社區安全。",
    "衛生福利部指出，目前疫苗接種率已超過八成，但仍需要注意個人衛生，勤洗手、戴口罩，減少群聚活動。",
]


def _tw_record(opening: str, fmt: str) -> dict[str, Any]:
    from normalize import process_bytes
    from normalize.pipeline import Options
    from normalize.text import TextOptions

    first = opening + TW_PARAS[0]
    if fmt == "html":
        body = "".join(f"<p>{p}</p>" for p in (first, TW_PARAS[1]))
        head = "<head><title>防疫措施持續加強_某某新聞網</title></head>"
        data = f"<html>{head}<body><h1>防疫措施持續加強</h1>{body}</body></html>"
    else:
        data = "\n\n".join(["防疫措施持續加強", first, TW_PARAS[1]]) + "\n"
    name = f"page.{'html' if fmt == 'html' else 'txt'}"
    res = process_bytes(data.encode("utf-8"), name, Options(text=TextOptions(script="keep")))
    assert res.ok, res.error
    return res.records[0].data


@pytest.mark.parametrize("fmt", ["plaintext", "html"])
def test_taiwan_bracketed_datelines_open_the_text(fmt: str) -> None:
    """Taiwan's papers open the text with the dateline in brackets: a wire's (the reporter's name
    runs into the place: no author is taken from it) or the paper's own (name／place, reporters)."""
    rec = _tw_record("（中央社記者王小明台北13日電）", fmt)
    assert rec["articleBody"].startswith("行政院今天")
    assert "author" not in rec
    if fmt == "plaintext":
        assert rec["dateline"] == "中央社記者王小明台北13日電"
    rec = _tw_record("〔記者王小明、李大華／綜合報導〕", fmt)
    assert rec["articleBody"].startswith("行政院今天")
    assert [a["name"] for a in rec["author"]] == ["王小明", "李大華"]
    rec = _tw_record("(記(jì)者(zhě)王小明/台北報導)", fmt)  # half-width, pinyin readings
    assert rec["articleBody"].startswith("行政院今天")
    assert [a["name"] for a in rec["author"]] == ["王小明"]
    rec = _tw_record("（二）關於記者／報導的規定：", fmt)  # an outline number, not a dateline
    assert rec["articleBody"].startswith("（二）關於記者")


@given(
    st.lists(st.text(alphabet="新华社记者报道。", min_size=0, max_size=30), min_size=2, max_size=6),
    st.data(),
    st.sampled_from([0.0, 0.25, 0.5, 0.6, 0.75, 1.0]),
)
def test_pull_quote_share_found_in_place_is_the_joined_others(
    texts: list[str], data: st.DataObject, share: float
) -> None:
    from normalize.formats import plaintext

    i = data.draw(st.integers(0, len(texts) - 1))
    others = "\n".join(x for j, x in enumerate(texts) if j != i)
    joined = "\n".join(texts)
    start = sum(len(x) + 1 for x in texts[:i])
    expected = plaintext._overlap(texts[i], others) >= share
    assert plaintext._repeats_apart(texts[i], joined, start, share) is expected


@pytest.mark.parametrize("unlabelled", ["2018年09月12日 14:32 某某某", "2018-09-12 他说的话很长"])
def test_a_date_with_an_unlabelled_name_that_names_no_paper_is_no_date_line(unlabelled: str) -> None:
    assert nm.classify_line(unlabelled) is None


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_a_web_copy_under_the_pages_title(script: str) -> None:
    """A copy of a page: the page's title (with the site's name), the headline again, a picture's
    credit, the date with the paper, the text."""
    from normalize.pipeline import process_bytes

    page = (
        "丁守中公布教育政策 扩大私幼学费补助年龄下修 - 中时电子报\n"
        "丁守中公布教育政策 扩大私幼学费补助年龄下修\n"
        "图片来源:丁守中办公室 提供\n"
        "2018年09月12日 14:32 中时电子报\n"
        "国民党台北市长候选人丁守中今日召开教育政策记者会，表示目前当务之急就是公幼数量不足。\n"
    )
    if script == "traditional":  # the same copy from a Taiwan page, half-width colon and all
        page = (
            page.replace("公布教育政策 扩大私幼学费补助年龄下修", "公佈教育政策 擴大私幼學費補助年齡下修")
            .replace("图片来源", "圖片來源")
            .replace("中时电子报", "中時電子報")
        )
    rec = process_bytes(page.encode(), "copy.txt").records[0].data
    assert rec["headline"] == "丁守中公布教育政策 扩大私幼学费补助年龄下修"
    assert rec["datePublished"] == "2018-09-12T14:32:00"
    assert rec["isBasedOn"]["publisher"]["name"] == "中时电子报"  # in the record's script
    assert (
        rec["articleBody"]
        == "国民党台北市长候选人丁守中今日召开教育政策记者会，表示目前当务之急就是公幼数量不足。"
    )


_BRACKETED_SPEC = re.compile(r"\s*[□■●◆◇▲△○◎☆★]*\s*[（(【\[]?\s*(?P<in>.*?)\s*[）)】\]]?\s*")
"""What :func:`normalize.formats._newsmeta._bracketed` finds, as the pattern it replaces."""


@given(st.text(alphabet="□●★ \u3000\t\n（(【[）)】]记者王文", max_size=24))
@example("（记者 王文）")
@example("★ 【记者王文】 ")
@example("( )")
@example(" \n ")
@example("记者\n王文")
@example("）)")
def test_the_inside_of_a_bracketed_line_is_the_patterns(f: str) -> None:
    m = _BRACKETED_SPEC.fullmatch(f)
    assert nm._bracketed(f) == (None if m is None else m.span("in"))


def test_a_page_line_with_no_day_of_the_calendar_is_none() -> None:
    assert nm.page_line("某某日报　2021年03月14日　第6版") == {
        "datePublished": "2021-03-14",
        "publisher": "某某日报",
        "printSection": "第6版",
    }
    assert nm.page_line("某某日报　2021年02月30日　星期二") is None
