"""Records: schema validation with field-naming errors, canonical bytes, offline JSON-LD without drops."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalize import jsonld, process, validate_record
from normalize._canonical import canonical_bytes

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@cache
def seed_records() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SEEDS.iterdir()):
        out += [r.data for r in process(path, SEEDS).records]
    return out


def news() -> dict[str, Any]:
    return copy.deepcopy(next(r for r in seed_records() if r["type"] == "NewsArticle"))


def policy() -> dict[str, Any]:
    return copy.deepcopy(next(r for r in seed_records() if r["type"] == "Legislation"))


def test_seed_records_are_valid_and_expand_without_drops() -> None:
    recs = seed_records()
    assert len(recs) == 8
    for rec in recs:
        assert validate_record(rec) == []
        assert jsonld.dropped_properties(rec) == []
        expanded = jsonld.expand(rec)
        assert expanded and "http://schema.org/inLanguage" in expanded[0]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.__setitem__("articleBody", "原标题：某某\n正文"), "articleBody"),
        (lambda r: r.__setitem__("datePublished", "Mon, 22 Mar 2021 02:23:38 GMT"), "datePublished"),
        (lambda r: r.__setitem__("headlnie", "typo"), "headlnie"),
        (lambda r: r.__setitem__("inLanguage", "chinese"), "inLanguage"),
        (lambda r: r.__setitem__("id", "urn:other:1"), "id"),
        (lambda r: r["author"][0].__setitem__("name", ""), "author"),
        (lambda r: r["wasDerivedFrom"].__setitem__("sha256", "xyz"), "sha256"),
        (lambda r: r["wasGeneratedBy"]["changes"][0].__setitem__("start", -1), "start"),
        (lambda r: r.__setitem__("articleBody", "正文\u0007含控制字符"), "articleBody"),
        (lambda r: r.pop("wasDerivedFrom"), "wasDerivedFrom"),
        (lambda r: r.__setitem__("datePublished", "2021-13-01T00:00:00Z"), "datePublished"),
        (lambda r: r.__setitem__("url", "not a uri"), "url"),
    ],
)
def test_bad_news_record_names_the_field(mutate: Any, field: str) -> None:
    rec = news()
    mutate(rec)
    problems = validate_record(rec)
    assert problems, field
    assert any(field in p for p in problems), problems


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.__setitem__("legislationDate", "2022-02-30"), "legislationDate"),
        (lambda r: r.__setitem__("legislationIdentifier", "第五号"), "legislationIdentifier"),
        (lambda r: r.pop("name"), "name"),
        (lambda r: r["legislationPassedBy"][0].__setitem__("type", "Person"), "legislationPassedBy"),
    ],
)
def test_bad_policy_record_names_the_field(mutate: Any, field: str) -> None:
    rec = policy()
    mutate(rec)
    problems = validate_record(rec)
    assert any(field in p for p in problems), problems


def test_not_an_object() -> None:
    assert validate_record([1, 2]) == ["$: a record must be a JSON object"]


def test_canonical_bytes_are_jcs_nfc_lf() -> None:
    rec = {"b": "e\u0301", "a": 1.0, "c": "x\r\ny"}
    out = canonical_bytes(rec)
    assert out == '{"a":1,"b":"é","c":"x\\ny"}\n'.encode()
    assert json.loads(out) == {"a": 1, "b": "\u00e9", "c": "x\ny"}


def test_record_ids_are_stable_and_distinct() -> None:
    recs = seed_records()
    ids = [r["id"] for r in recs]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("urn:normalize:record:") for i in ids)
    page = [r for r in recs if r.get("position")]
    assert [r["position"] for r in page] == [1, 2, 3, 4]
    assert len({r["isPartOf"] for r in page}) == 1


def test_provenance() -> None:
    for rec in seed_records():
        src = rec["wasDerivedFrom"]
        data = (SEEDS / src["fileName"]).read_bytes()
        assert src["byteLength"] == len(data)
        import hashlib

        assert src["sha256"] == hashlib.sha256(data).hexdigest()
        assert src["detectedEncoding"] == "utf-8"
        act = rec["wasGeneratedBy"]
        assert act["wasAssociatedWith"]["name"] == "normalize"
        names = {c["name"] for c in act["converter"]}
        assert "opencc" in names
        counted = sum(c["count"] for c in act["changeCounts"])
        assert counted == len(act["changes"])


def test_jsonld_loader_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert jsonld.expand(news())  # our own context: served locally
    rec = news()
    rec["@context"] = "https://schema.org/"
    with pytest.raises(Exception) as info:  # any other context is refused, not fetched
        jsonld.expand(rec)
    assert not isinstance(info.value, AssertionError)
    assert "schema.org" in str(info.value)
