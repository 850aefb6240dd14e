"""The five sample documents: records right in substance (titles, dates, people, organs, clean bodies)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import opencc

from normalize import Result, process

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BOILERPLATE = re.compile(r"原标题[:：]|责任编辑|相关阅读|首页\s*>|来源[:：]|本报记者|海量资讯|二维码|-\*-")
PINYIN = re.compile(r"[（(][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[）)]|[（(][a-zü]{1,6}[1-5][）)]")


@cache
def run(prefix: str) -> Result:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return process(path, SEEDS)


def records(prefix: str) -> list[dict[str, Any]]:
    result = run(prefix)
    assert result.error is None, result.error
    return [r.data for r in result.records]


def body(rec: dict[str, Any]) -> str:
    return str(rec.get("articleBody") or rec.get("text") or "")


def test_every_body_is_clean() -> None:
    t2s = opencc.OpenCC("t2s")
    for prefix in ("000", "001", "002", "003", "004"):
        for rec in records(prefix):
            b = body(rec)
            assert b, prefix
            assert not BOILERPLATE.search(b), (prefix, BOILERPLATE.search(b))
            assert not PINYIN.search(b), (prefix, PINYIN.search(b))
            assert t2s.convert(b) == b, f"{prefix}: traditional characters left"
            assert "\n\n" not in b and "\u3000" not in b


def test_000_frontmatter_news() -> None:
    (rec,) = records("000")
    assert rec["type"] == "NewsArticle"
    assert rec["headline"] == "加快传统产业数字化转型 山西数字经济蓄势发力"
    assert rec["alternativeHeadline"] == "山西数字经济蓄势发力"
    assert rec["datePublished"] == "2021-03-22T02:23:38Z"
    assert rec["author"] == [{"type": "Person", "name": "刘瑞强", "jobTitle": "本报记者"}]
    assert rec["editor"] == [{"type": "Person", "name": "张正君", "jobTitle": "责任编辑"}]
    assert rec["publisher"] == {"type": "Organization", "name": "新浪财经"}
    assert rec["isBasedOn"]["publisher"]["name"] == "山西日报"
    assert "image" not in rec  # the thumbnail is the QR promo image
    assert rec["articleSection"][0] == "金融"
    assert body(rec).startswith("全省5G基站建设开通率位列全国第一方阵")
    assert body(rec).endswith("助力企业加快发展。")
    assert rec["wasDerivedFrom"]["sourceFormat"] == "frontmatter"


def test_001_plaintext_web_copy() -> None:
    (rec,) = records("001")
    assert rec["headline"] == "数字经济，“点燃”山西经济发展新动能"
    assert rec["author"] == [{"type": "Person", "name": "齐泽萍"}]
    assert rec["articleSection"] == ["国内新闻"]
    assert "datePublished" not in rec  # the page gives no date: none is invented
    b = body(rec)
    assert b.startswith("2018年8月18日，华为山西（吕梁）大数据中心揭牌")
    assert b.endswith("保障无线电安全。")
    assert "(2019-2023年)" not in b and "（2019-2023年）" in b
    assert "打好优化营商环境" not in b


def test_002_policy_template() -> None:
    (rec,) = records("002")
    assert rec["type"] == "Legislation"
    assert rec["name"] == "关于印发《山西省数字企业发展2022年行动计划》的通知"
    assert rec["legislationType"] == "通知"
    assert rec["legislationPassedBy"] == [{"type": "GovernmentOrganization", "name": "山西省工业和信息化厅"}]
    assert rec["legislationDate"] == "2022-02-28"
    assert rec["addressee"] == ["山西综改区管委会", "各市工信局", "有关市大数据局", "各相关单位"]
    (part,) = rec["hasPart"]
    assert part["name"] == "山西省数字企业发展2022年行动计划"
    assert part["legislationType"] == "行动计划"
    assert "\n一、指导思想\n" in part["text"]  # the first heading, on a line of its own
    assert body(rec).startswith("为深入贯彻省第十二次党代会精神")
    assert "山西省工业和信息化厅\n2022年2月28日" not in body(rec)
    assert rec["wasDerivedFrom"]["sourceFormat"] == "policy"


def test_003_traditional_with_pinyin() -> None:
    (rec,) = records("003")
    # annotations gone, simplified as the body is written: to Taiwan's standard, where 著力 is 着力
    assert rec["headline"] == opencc.OpenCC("tw2s").convert("山西省著力優化大數據產業空間布局")
    assert rec["headline"] == "山西省着力优化大数据产业空间布局"
    assert rec["sourceScript"] == "zh-Hant"
    assert rec["inLanguage"] == "zh-Hans"
    b = body(rec)
    assert b.startswith("数据是基础性和战略性资源，促进大数据发展应用，事关山西未来。")
    kinds = {c["kind"] for c in rec["wasGeneratedBy"]["changes"]}
    assert "pinyin.removed" in kinds
    assert any(k.startswith("script.") for k in kinds)
    # the misaligned double-byte run is repaired or, at the least, flagged — never left silently
    assert "笆奈濉" not in b or any(
        c["kind"].startswith("mojibake") and not c["applied"] for c in rec["wasGeneratedBy"]["changes"]
    )


def test_004_newspaper_page() -> None:
    recs = records("004")
    heads = [r["headline"] for r in recs]
    assert heads == [
        "山东：数字经济发展全面提升",
        "浙江发布实施意见 支持信息服务业稳进提质",
        "紧抓企业、项目、链条、集群四个发力点 广西推动工业扩量提质",
        "成都政企代表团在德国签约多个项目 总金额4.5亿元",
    ]
    assert [[a["name"] for a in r["author"]] for r in recs] == [
        ["诸玲珍"],
        ["张琪玮"],
        ["张琪玮"],
        ["吴丽琳"],
    ]
    assert [r.get("printSection") for r in recs] == [None, "省市传真", "省市传真", "省市传真"]
    main = body(recs[0])
    # fragments the layout moved are stitched back; page-broken paragraphs rejoined
    assert "打造一批“有产业、有市场、有平台、有总部”的特色数字经济园区。" in main
    assert "软件业营收首次突破万亿元大关，同比增长19.2%，高于全国8个百分点" in main
    assert "按照数字强省建设" in main
    assert "等20项大数据创新成果" in main
    assert main.index("四是实施数字赋能专项行动") < main.index("五是成立数字经济发展基金")
    # pull quotes are gone, and so are the sidebar's articles
    assert "\n2022年，山东统筹推进" not in main
    assert "浙江" not in main and "成都政企" not in main
    for r in recs[1:]:
        assert r["dateline"] == "本报讯"
        assert "本报讯" not in body(r)
        assert not re.search(r"[（(][\u4e00-\u9fff]{2,4}[）)]$", body(r))


def test_records_are_deterministic() -> None:
    for path in sorted(SEEDS.iterdir()):
        a = process(path, SEEDS)
        b = process(path, SEEDS)
        assert [r.bytes for r in a.records] == [r.bytes for r in b.records]
        assert all(r.bytes.endswith(b"\n") and b"\r" not in r.bytes for r in a.records)
