"""The same document in either script, with or without pinyin annotations and with either colon width,
gives the same record.

Each layout's document is built here from generic parts (no seed strings), then rendered in simplified
script and in traditional script (OpenCC ``s2t`` and ``s2tw``), with the characters of its layout
markers annotated with their reading (``原標(biāo)題(tí)``, as seed 003 annotates) or not, and with
full-width or ASCII colons after the markers.  Once the text stage has converted everything to zh-Hans,
every field of the records must be the same; only provenance (sha256, change log, source script) may
differ.  The change log must still point at the document's own text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from normalize import Result, process_bytes
from normalize.formats._view import view
from normalize.text._chars import ZERO_WIDTH
from normalize.text._pinyin import remove_pinyin
from normalize.text._script import convert

PLAINTEXT = """首页 > 国内新闻 > 正文

多地出台措施稳定就业

原标题：多地推出稳就业新举措
本报记者 李明 王芳
来源：人民日报

今年以来，多地出台稳定就业的措施，支持企业吸纳高校毕业生。
据介绍，相关补贴将在六月底前发放到位，覆盖面进一步扩大。
各地还将开展专项招聘活动，帮助求职者尽快找到合适岗位。
责任编辑：张伟
相关阅读：
多地发布就业补贴新政
"""

FRONTMATTER = """---
title: 多地出台措施稳定就业
categories:
 - 财经
 - 新浪财经－国内
author: 新浪财经
date: Tue, 17 Aug 2021 23:39:14 GMT
---

<div>
<p>　　原标题：多地推出稳就业新举措</p>
<p>　　来源：人民日报</p>
<p>　　今年以来，多地出台稳定就业的措施，支持企业吸纳高校毕业生。</p>
<p>　　据介绍，相关补贴将在六月底前发放到位，覆盖面进一步扩大。</p>
<p>　　本报记者 张伟</p>
<div class="clearfix appendQr_wrap"><div class="appendQr_normal"><img src="https://example.com/qr.png"></div>
<div class="appendQr_normal_txt">海量资讯、精准解读，尽在新浪财经APP</div></div>
<p class="article-editor">责任编辑：刘洋</p>
</div>
"""

POLICY = """# -*- coding: utf-8 -*-

## 政策标题：
关于做好春季农业生产工作的通知

## 政策来源：
江河省农业农村厅

## 政策内容：
江农发〔2021〕12号
关于做好春季农业生产工作的通知
各市、县（区）农业农村局，厅属各单位：
为切实做好春季农业生产工作，确保粮食稳定增产，现就有关事项通知如下：
一、提高思想认识。各地要把春季农业生产摆在突出位置，及早安排部署。
二、强化技术指导。组织农技人员深入田间地头，开展技术服务。
三、加强物资保障。做好种子、化肥等农资供应，保障春耕需要。
附件：1.春季农业生产技术要点
2.春耕物资供应情况表
江河省农业农村厅
2021年3月1日
（此件公开发布）
附件1
春季农业生产技术要点
一、适时播种。根据气温变化，合理安排播种时间。
二、科学施肥。推广测土配方施肥技术。
附件2
春耕物资供应情况表
种子供应充足，化肥价格总体平稳。
抄送：农业农村部办公厅，省人民政府办公厅。
江河省农业农村厅办公室　　2021年3月2日印发
"""

PAGE = """<html><head><title>多地出台措施稳定就业</title></head><body>
<div class="main"><h1>多地出台措施稳定就业</h1>
<p>今年以来，多地出台稳定就业的措施，支持企业吸纳高校毕业生。</p>
<p>据介绍，相关补贴将在六月底前发放到位，覆盖面进一步扩大。</p>
<p>各地还将开展专项招聘活动，帮助求职者尽快找到合适岗位。</p>
<p>举报电话：12377</p>
<p>版权所有 某某新闻网</p>
</div></body></html>
"""

DOCUMENTS = {
    "plaintext.txt": PLAINTEXT,
    "frontmatter.md": FRONTMATTER,
    "policy.txt": POLICY,
    "page.html": PAGE,
}

# the layout markers of the documents (what their rules look for)
MARKERS = (
    "首页",
    "正文",
    "原标题",
    "本报记者",
    "来源",
    "责任编辑",
    "相关阅读",
    "政策标题",
    "政策来源",
    "政策内容",
    "附件",
    "抄送",
    "印发",
    "各单位",
    "举报电话",
    "版权所有",
)
PROVENANCE = ("id", "wasDerivedFrom", "wasGeneratedBy", "sourceScript", "isPartOf")


def annotated(word: str) -> str:
    """``word`` with the reading of each character after it, as seed 003 writes it (``標(biāo)題(tí)``)."""
    out = "".join(f"{ch}({pinyin(convert('t2s', ch), style=Style.TONE)[0][0]})" for ch in word)
    assert remove_pinyin(out, "x")[0] == word, "the text stage must take these annotations out"
    return out


def render(src: str, script: str, annotate: bool, colon: str) -> str:
    """``src`` in ``script`` (``zh-Hans`` or an OpenCC config), its markers annotated or not and
    followed by ``colon``."""
    text = src if script == "zh-Hans" else convert(script, src)
    for marker in MARKERS:
        written = marker if script == "zh-Hans" else convert(script, marker)
        if colon != "：":
            text = text.replace(written + "：", written + colon)
        if annotate:
            text = text.replace(written, annotated(written))
    return text


@cache
def run(name: str, script: str, annotate: bool, colon: str) -> Result:
    text = render(DOCUMENTS[name], script, annotate, colon)
    return process_bytes(text.encode("utf-8"), name)


def fields(result: Result) -> list[dict[str, Any]]:
    assert result.error is None, result.error
    return [{k: v for k, v in r.data.items() if k not in PROVENANCE} for r in result.records]


VARIANTS = [
    (script, annotate, colon)
    for script in ("zh-Hans", "s2t", "s2tw")
    for annotate in (False, True)
    for colon in ("：", ":")
    if (script, annotate, colon) != ("zh-Hans", False, "：")
]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize(("script", "annotate", "colon"), VARIANTS)
def test_same_record_in_either_script(name: str, script: str, annotate: bool, colon: str) -> None:
    base = fields(run(name, "zh-Hans", False, "："))
    assert fields(run(name, script, annotate, colon)) == base


def test_the_simplified_records_are_right() -> None:
    """What the twins are compared with: every marker understood."""
    (news,) = fields(run("plaintext.txt", "zh-Hans", False, "："))
    assert news["headline"] == "多地出台措施稳定就业"
    assert news["alternativeHeadline"] == "多地推出稳就业新举措"
    assert news["articleSection"] == ["国内新闻"]
    assert [a["name"] for a in news["author"]] == ["李明", "王芳"]
    assert news["editor"] == [{"type": "Person", "name": "张伟", "jobTitle": "责任编辑"}]
    assert news["isBasedOn"]["publisher"]["name"] == "人民日报"
    assert news["articleBody"].startswith("今年以来") and news["articleBody"].endswith("合适岗位。")

    (fm,) = fields(run("frontmatter.md", "zh-Hans", False, "："))
    assert fm["author"] == [{"type": "Person", "name": "张伟", "jobTitle": "本报记者"}]
    assert fm["editor"][0]["name"] == "刘洋"
    assert fm["isBasedOn"]["publisher"]["name"] == "人民日报"
    assert fm["articleBody"].endswith("进一步扩大。")

    (law,) = fields(run("policy.txt", "zh-Hans", False, "："))
    assert law["name"] == "关于做好春季农业生产工作的通知"
    assert law["legislationIdentifier"] == "江农发〔2021〕12号"
    assert law["publisher"]["name"] == "江河省农业农村厅"
    assert law["addressee"] == ["各市、县（区）农业农村局", "厅属各单位"]
    assert law["legislationPassedBy"] == [{"type": "GovernmentOrganization", "name": "江河省农业农村厅"}]
    assert law["legislationDate"] == "2021-03-01"
    assert law["ccRecipient"] == ["农业农村部办公厅", "省人民政府办公厅"]
    assert [p["name"] for p in law["hasPart"]] == ["春季农业生产技术要点", "春耕物资供应情况表"]
    assert [o["marker"] for o in law["outline"]] == ["一、", "二、", "三、", "一、", "二、"]
    assert law["disclosure"] == "此件公开发布"

    (page,) = fields(run("page.html", "zh-Hans", False, "："))
    assert page["headline"] == "多地出台措施稳定就业"
    assert page["articleBody"].startswith("今年以来") and page["articleBody"].endswith("合适岗位。")


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_changes_point_at_the_documents_own_text(name: str) -> None:
    """Spans found on the view are reported in the text as written (traditional, annotated)."""
    result = run(name, "s2t", True, ":")
    doc = result.document
    assert doc is not None
    changes = doc.changes + [c for a in doc.articles for c in a.changes]
    lifted = [c for c in changes if c.target == "text" and c.step == "parse"]
    assert lifted
    for c in lifted:
        if c.end > c.start:
            assert doc.text[c.start : c.end] == c.before, c
    assert any("(" in c.before for c in lifted), "an annotated marker line is logged as written"


def test_view_maps_back_to_the_original() -> None:
    text = "原標(biāo)題(tí):數據\n首頁(yè) > 國內"
    v = view(text)
    assert v.text == "原标题：数据\n首页 > 国内"
    k = v.text.index("数据")
    assert v.source(0, 3) == "原標(biāo)題(tí)"
    assert v.source(k, k + 2) == "數據"
    assert v.restore("首页") == "首頁(yè)"
    assert v.restore("〔国内〕") == "〔國內〕"  # characters the rule made up itself stay
    assert view("国办发〔2019〕5号").restore("国办发〔2019〕5号") == "国办发〔2019〕5号"


@given(st.text(alphabet="原標題数據發展關於：: \n(biāo)(tí)(shù)(guān)\u200b", max_size=80))
def test_view_offsets_hold(text: str) -> None:
    v = view(text)
    assert v.source(0, len(v.text)) == text[v.at(0) :]
    assert view(text[: v.at(0)]).text == ""  # only what the view drops comes before its first character
    starts = [v.at(i) for i in range(len(v.text) + 1)]
    assert starts == sorted(starts) and starts[-1] == len(text)
    for i in range(len(v.text)):  # each character of the view stands for the original character at its offset
        assert v.text[i] == view(text[v.at(i)]).text
        assert view(v.restore(v.text[i:] + "〔")).text == v.text[i:] + "〔"  # restored, it reads the same


@given(st.text(alphabet="原標題数據 \n(biāo)" + ZERO_WIDTH, max_size=40))
@example("數據\u2060中文")
@example("\ufeff數據")
def test_the_view_holds_no_invisible_character(text: str) -> None:
    """Each invisible character the text stage removes is dropped, whichever it is (each is looked for
    before the pattern runs), and the view still maps back to the text's own offsets."""
    v = view(text)
    assert not any(ch in v.text for ch in ZERO_WIDTH)
    assert len(v.text) == len(text) - sum(map(text.count, ZERO_WIDTH)) - (
        len(text) - len(remove_pinyin(text, "v")[0])
    )
    assert all(text[v.at(i)] not in ZERO_WIDTH for i in range(len(v.text)))


def test_views_of_one_text_are_equal_values() -> None:
    from normalize.formats import _view

    text = "原標(biāo)題\u200b:數據"
    a, b = _view._view(text), _view._view(text)
    assert a is not b and a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert a != _view._view(text + "。") and a != text
    assert (a.original, a.text, a.cuts, a.shifts) == (text, "原标题：数据", (2, 3), (6, 7))


def test_paragraph_views_are_kept_but_not_whole_documents() -> None:
    from normalize.formats import _view

    paragraph = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：" * 20  # 580 characters
    assert _view.VIEW_MEMO_LEN < len(paragraph) <= _view.PARAGRAPH_MEMO_LEN
    assert _view.view(paragraph) is _view.view(paragraph)
    document = paragraph * 10  # past PARAGRAPH_MEMO_LEN: made again each time, never held
    assert len(document) > _view.PARAGRAPH_MEMO_LEN
    assert _view.view(document) is not _view.view(document)
    assert _view.view(document).text == _view.view(document).text


_VARIANTS_AND_COLONS = "衞衹枱粧糭敍潀𠁞𠌥" + "：:\ufe13\ufe30\ufe55" + "卫只台妆粽叙𠀀"


@given(st.text(alphabet=_VARIANTS_AND_COLONS + "原標題数據發展關於國內乾隆 \n中文", max_size=60))
@example("衞生：10:30")
@example("數據:中文")
@example("中文")
def test_fold_equals_folding_every_character(text: str) -> None:
    """The search for a variant before ``str.translate`` changes nothing: the text folds as if every
    character went through the fold table."""
    from normalize.formats import _view

    every = _view.convert("t2s", text)
    if len(every) != len(text):
        every = "\n".join(_view._fold_line(line) for line in text.split("\n"))
    assert _view._fold_text(text) == every.translate(_view._FOLD)


def test_the_variants_folded_are_those_hk2s_changes() -> None:
    """Each Hong Kong variant ``t2s`` keeps is folded (``衞`` -> ``卫``), and the variant search finds
    exactly the shipped table's characters (the table against OpenCC: tests/test_tables.py)."""
    from normalize.encoding import _tablefile
    from normalize.formats import _view

    assert view("衞生：衹有").text == "卫生：只有"
    chars = _tablefile.load(_tablefile.VARIANTS).text("chars")
    assert len(chars) > 5000 and any(ch > "\uffff" for ch in chars)
    assert all(_view._has_variant(f"中文{ch}中文") for ch in chars)
    others = (chr(cp) for cp in [*range(0x2E80, 0xA000), *range(0x20000, 0x21000)])
    assert not any(_view._has_variant(f"中文{ch}𠀀") for ch in others if ch not in chars)


def test_a_class_of_two_tables_finds_the_characters_of_either() -> None:
    """The fold's first look (a t2s witness or a variant, in one class) finds exactly what the two
    searches it spares would: every character of either table, and no other."""
    from normalize.encoding import _tablefile
    from normalize.formats import _view

    either = set(_tablefile.load(_tablefile.WITNESSES).text("chars"))
    either |= set(_tablefile.load(_tablefile.VARIANTS).text("chars"))
    assert _view._foldable().valid and len(either) > 5000
    for ch in [*either, *map(chr, [*range(0x2E80, 0xA000), *range(0x20000, 0x21000)])]:
        text = f"中文{ch}：𠀀"
        assert _view._foldable().search(text) is (ch in either), ch
        assert _view._foldable().search(text) is (
            _tablefile.t2s_witnesses().search(text) or _view._has_variant(text)
        )
