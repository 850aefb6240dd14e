"""Safeguards that nothing else pins down: JSON-LD drops are reported, the pipeline repairs mojibake in
every format, canonical records are NFC, and records from the peers' real documents expand cleanly."""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalize import Change, jsonld, process, process_bytes, validate_record
from normalize._canonical import canonical_bytes
from normalize._edits import replay, undo

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@cache
def _seed_records(name: str) -> list[dict[str, Any]]:
    result = process(SEEDS / name, SEEDS)
    assert result.error is None, result.error
    return [r.data for r in result.records]


def _seed(name: str) -> dict[str, Any]:
    return copy.deepcopy(_seed_records(name)[0])


# --- JSON-LD: what expansion would silently drop is reported -----------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.iterdir()), ids=lambda n: n[:3])
def test_seed_records_drop_nothing(name: str) -> None:
    recs = _seed_records(name)
    assert recs
    for rec in recs:
        assert jsonld.dropped_properties(rec) == []


def test_dropped_properties_are_reported_at_any_depth() -> None:
    rec = _seed("000_c91ed2cc67f6cad2.txt")
    rec["@comment"] = "not a JSON-LD keyword: expansion ignores it"
    rec["page views"] = 12  # no IRI can be made of a term with a space
    rec["wasDerivedFrom"]["@note"] = "nested, in an object"
    rec["wasGeneratedBy"]["changes"][0]["@why"] = "nested, in a list of objects"
    rec["wasDerivedFrom"]["declaredEncoding"] = None  # a null value: the property is dropped
    assert jsonld.dropped_properties(rec) == ["@comment", "@note", "@why", "declaredEncoding", "page views"]
    # a term that is not in the context but maps through @vocab (schema.org) survives: not reported
    rec2 = _seed("000_c91ed2cc67f6cad2.txt")
    rec2["wordCount"] = 3
    assert jsonld.dropped_properties(rec2) == []
    assert "http://schema.org/wordCount" in jsonld.expand(rec2)[0]


def test_a_drop_is_reported_even_if_the_property_survives_elsewhere() -> None:
    rec = _seed("000_c91ed2cc67f6cad2.txt")
    assert rec["author"][0]["jobTitle"] == "本报记者"
    rec["editor"][0]["jobTitle"] = None  # dropped here; author/0/jobTitle survives
    assert "http://schema.org/jobTitle" not in json.dumps(jsonld.expand(rec)[0]["http://schema.org/editor"])
    assert jsonld.dropped_properties(rec) == ["jobTitle"]


# --- the pipeline repairs mojibake in every format ---------------------------------------------------

_WINDOWS_1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _as_cp1252(data: bytes) -> str:
    """Bytes read as windows-1252 the way browsers do (the five undefined bytes become C1 controls)."""
    return "".join(chr(b) if b in _WINDOWS_1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data)


_FM_LINE = "今年以来，全市新建五十个社区服务中心，方便居民就近办理业务。"
_PT_LINE = "据介绍，相关补贴将在六月底前发放到位，惠及两万多家小微企业。"
_PO_LINE = "各地要加强组织领导，明确责任分工，确保各项措施落到实处。"


def _frontmatter(bad: str) -> str:
    return (
        "---\ntitle: 全市新建五十个社区服务中心\ncategories:\n  - 社会\nauthor: 王海荣\n"
        'date: 2023-05-01T09:30:00+08:00\n---\n<div class="article">\n'
        "<p>市民政局日前公布了今年社区建设的进展情况。</p>\n"
        f"<p>{bad}</p>\n<p>下一步，将继续推进老旧小区改造工作。</p>\n</div>\n"
    )


def _plaintext(bad: str) -> str:
    return (
        "当前位置：首页 > 财经 > 正文\n\n多地出台措施稳就业\n\n2023-05-01 10:20 来源：人民日报\n\n"
        "　　今年以来，多地出台稳就业措施，支持企业吸纳高校毕业生。\n\n"
        f"　　{bad}\n\n　　下一步，各地将继续加大政策支持力度。（记者 李明）\n"
    )


def _policy(bad: str) -> str:
    return (
        "## 政策标题：\n关于做好春季安全生产工作的通知\n\n## 政策来源：\n某某市人民政府办公室\n\n"
        "## 政策内容：\n各区县人民政府，市政府各部门：\n\n为做好春季安全生产工作，现将有关事项通知如下。\n"
        f"{bad}\n请各单位认真贯彻执行。\n\n某某市人民政府办公室\n2023年3月1日\n"
    )


MOJIBAKE_DOCS = [
    pytest.param(
        _frontmatter,
        _FM_LINE,
        _FM_LINE.encode().decode("gb18030", "replace"),
        "mojibake.utf8-as-gb18030",
        "frontmatter",
        id="frontmatter-utf8-as-gb18030",
    ),
    pytest.param(
        _plaintext,
        _PT_LINE,
        _as_cp1252(_PT_LINE.encode()),
        "mojibake.utf8-as-cp1252",
        "plaintext",
        id="plaintext-utf8-as-cp1252",
    ),
    pytest.param(
        _policy,
        _PO_LINE,
        _PO_LINE.encode("gb18030").decode("big5", "replace"),
        "mojibake.gb18030-as-big5",
        "policy",
        id="policy-gb18030-as-big5",
    ),
]


@pytest.mark.parametrize(("build", "line", "bad", "kind", "fmt"), MOJIBAKE_DOCS)
def test_pipeline_repairs_a_mojibake_line(
    build: Callable[[str], str], line: str, bad: str, kind: str, fmt: str
) -> None:
    assert line not in bad and bad != line
    result = process_bytes(build(bad).encode("utf-8"), f"doc.{fmt}.txt")
    assert result.error is None, result.error
    (rec,) = result.records
    data = rec.data
    assert data["wasDerivedFrom"]["sourceFormat"] == fmt
    body = data.get("articleBody") or data["text"]
    assert line in body.split("\n")
    assert bad not in body
    moj = [c for c in data["wasGeneratedBy"]["changes"] if c["step"] == "mojibake"]
    assert [(c["kind"], c["target"], c["applied"]) for c in moj] == [(kind, "text", True)]
    (change,) = moj
    assert change["before"] in bad and change["after"] in line
    assert bad.replace(change["before"], change["after"]) == line
    assert 0.5 < change["confidence"] < 1.0


# --- canonical form: NFC -----------------------------------------------------------------------------

_DECOMPOSED = "cafe\u0301"  # e + COMBINING ACUTE ACCENT
_COMPAT_HAN = "\uf951"  # CJK COMPATIBILITY IDEOGRAPH-F951, canonically U+964B 陋
_ANGSTROM = "\u212b"  # ANGSTROM SIGN, canonically U+00C5 Å


def test_canonical_bytes_are_nfc_but_not_nfkc() -> None:
    rec = {
        "name": f"{_DECOMPOSED} {_COMPAT_HAN} 10{_ANGSTROM}",
        _DECOMPOSED: [{"deep": "\u1100\u1161"}],  # keys too, at any depth; conjoining jamo compose to 가
        "fullwidth": "ＡＢＣ１２３",  # compatibility forms that only NFKC would fold: kept
    }
    out = canonical_bytes(rec)
    assert out.endswith(b"}\n")
    text = out.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert json.loads(text) == {
        "name": "caf\u00e9 \u964b 10\u00c5",
        "caf\u00e9": [{"deep": "\uac00"}],
        "fullwidth": "ＡＢＣ１２３",
    }


def _nfc_document() -> bytes:
    body = f"今年以来，咖啡馆（{_DECOMPOSED}）在全市新开了一百多家，不少店名用了兼容汉字{_COMPAT_HAN}。"
    return _plaintext(body).encode("utf-8")


def test_a_non_nfc_document_gives_nfc_records() -> None:
    # the file name reaches the record without passing through the text rules
    name = f"{_DECOMPOSED}/{_COMPAT_HAN}.txt"
    result = process_bytes(_nfc_document(), name)
    assert result.error is None, result.error
    (rec,) = result.records
    text = rec.bytes.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert rec.data["wasDerivedFrom"]["fileName"] == "caf\u00e9/\u964b.txt"
    assert "咖啡馆（caf\u00e9）" in rec.data["articleBody"] and "兼容汉字\u964b。" in rec.data["articleBody"]
    assert rec.bytes == canonical_bytes(rec.data)


def test_nfc_changes_still_undo_and_replay_in_the_record() -> None:
    (rec,) = process_bytes(_nfc_document(), "nfc.txt").records
    changes = [Change.from_dict(c) for c in rec.data["wasGeneratedBy"]["changes"]]
    nfc = [c for c in changes if c.kind == "nfc"]
    assert len(nfc) == 2 and all(c.before != c.after for c in nfc)
    final = rec.data["articleBody"]
    original = undo(final, changes, "articleBody")
    assert _DECOMPOSED in original and _COMPAT_HAN in original
    assert replay(original, changes, "articleBody") == final


# --- the peers' real documents (../shared/external) --------------------------------------------------


def test_real_documents_give_valid_records_without_drops(external: Path) -> None:
    paths = sorted((external / "corpus-news-frontmatter").glob("*.md"))[:3]
    paths += sorted((external / "corpus-policy").rglob("*.txt"))[:4]
    if not paths:
        pytest.skip("no front-matter or policy corpus under ../shared/external")
    for path in paths:
        result = process(path, path.parent)
        assert result.error is None, (path.name, result.error)
        assert result.records, path.name
        for rec in result.records:
            assert validate_record(rec.data) == [], path.name
            assert jsonld.dropped_properties(rec.data) == [], path.name
