"""Build-record stage: one JSON-LD record (schema.org vocabulary) per article.

News become ``NewsArticle``; official documents ``Legislation`` (GB/T 9704
elements mapped as in docs/records.md).  Every record carries its provenance:
the source entity (sha256, byte length, file name, encoding and confidence,
format) and the activity (tool and converter versions, every change).
Run-specific values (times, hosts) never enter a record, so the same input
gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from . import _memo
from ._document import Article, Change, Document
from ._resources import CONTEXT_URL
from ._textstage import body_target
from ._version import __version__


def source_id(doc: Document) -> str:
    return f"urn:sha256:{hashlib.sha256(doc.source).hexdigest()}"


def record_id(doc: Document, position: int) -> str:
    return f"urn:normalize:record:{hashlib.sha256(doc.source).hexdigest()}:{position}"


def _people(values: Any, person_type: str = "Person") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for v in values or []:
        p = {"name": v} if isinstance(v, str) else dict(v)
        if not p.get("name"):
            continue
        item: dict[str, Any] = {"type": person_type, "name": p["name"]}
        if p.get("jobTitle") and person_type == "Person":
            item["jobTitle"] = p["jobTitle"]
        if item not in out:
            out.append(item)
    return out


def build(doc: Document, article: Article, position: int, *, language: str) -> dict[str, Any]:
    """The record for ``article`` (the ``position``-th of ``doc``), before canonicalisation."""
    f = article.fields
    legislation = f.get("type") == "Legislation"
    body = article.body
    rec: dict[str, Any] = {
        "@context": CONTEXT_URL,
        "id": record_id(doc, position),
        "type": "Legislation" if legislation else "NewsArticle",
        "inLanguage": language,
    }
    if legislation:
        _legislation(rec, f)
    else:
        _news(rec, f)
    for key in ("datePublished", "url"):
        if f.get(key):
            rec[key] = f[key]
    if "url" not in rec and doc.source_url:  # a captured page without a canonical link of its own
        rec["url"] = doc.source_url
    if f.get("publisher"):
        rec["publisher"] = {"type": "Organization", "name": f["publisher"]}
    if f.get("sourceScript"):
        rec["sourceScript"] = f["sourceScript"]
    if body.strip():
        rec[body_target(article)] = body
        rec["characterCount"] = sum(map(len, body.split()))  # the characters not whitespace
    if len(doc.articles) > 1:
        rec["position"] = position
        rec["isPartOf"] = source_id(doc)
    rec["wasDerivedFrom"] = _source(doc)
    rec["wasGeneratedBy"] = _activity(doc, article)
    return rec


def _news(rec: dict[str, Any], f: dict[str, Any]) -> None:
    for key in ("headline", "alternativeHeadline", "dateline", "dateCreated", "printSection", "image"):
        if f.get(key):
            rec[key] = f[key]
    for key in ("articleSection", "keywords"):
        if f.get(key):
            rec[key] = list(f[key])
    for key in ("author", "editor"):
        people = _people(f.get(key))
        if people:
            rec[key] = people
    based: dict[str, Any] = {"type": "NewsArticle"}
    original = f.get("alternativeHeadline") or f.get("isBasedOnHeadline")
    if original:
        based["headline"] = original
    if f.get("sourcePublisher"):
        based["publisher"] = {"type": "NewsMediaOrganization", "name": f["sourcePublisher"]}
    if len(based) > 1:
        rec["isBasedOn"] = based


def _legislation(rec: dict[str, Any], f: dict[str, Any]) -> None:
    for key in (
        "name",
        "legislationType",
        "legislationIdentifier",
        "legislationDate",
        "attachmentNote",
        "disclosure",
        "printingDate",
        "urgency",
        "securityClass",
        "copyNumber",
        "issuerBanner",
        "legislationLegalForce",
    ):
        if f.get(key):
            rec[key] = f[key]
    if f.get("catalogueIndex"):
        rec["identifier"] = [{"type": "PropertyValue", "propertyID": "索引号", "value": f["catalogueIndex"]}]
    if f.get("ccRecipient"):
        rec["ccRecipient"] = list(f["ccRecipient"])
    if f.get("issuingOffice"):
        rec["issuingOffice"] = {"type": "GovernmentOrganization", "name": f["issuingOffice"]}
    signatory = _people(f.get("signatory"))
    if signatory:
        rec["signatory"] = signatory
    organs = _people(f.get("legislationPassedBy"), "GovernmentOrganization")
    if organs:
        rec["legislationPassedBy"] = organs
    if f.get("addressee"):
        rec["addressee"] = list(f["addressee"])
    if f.get("outline"):
        rec["outline"] = [
            {"level": int(o["level"]), "marker": o["marker"], "name": o.get("title") or o.get("name") or ""}
            for o in f["outline"]
        ]
    if f.get("forwarded"):
        fw = []
        for item in f["forwarded"]:
            entry: dict[str, Any] = {"type": "Legislation", "name": item["name"]}
            organs = _people(item.get("legislationPassedBy"), "GovernmentOrganization")
            if organs:
                entry["legislationPassedBy"] = organs
            fw.append(entry)
        rec["forwards"] = fw
    parts = []
    for i, att in enumerate(f.get("attachments") or [], 1):
        part: dict[str, Any] = {"type": "Legislation", "position": i}
        for key in ("name", "legislationType", "label", "legislationDate"):
            if att.get(key):
                part[key] = att[key]
        organs = _people(att.get("legislationPassedBy"), "GovernmentOrganization")
        if organs:
            part["legislationPassedBy"] = organs
        if att.get("text"):
            part["text"] = att["text"]
        parts.append(part)
    if parts:
        rec["hasPart"] = parts


def _source(doc: Document) -> dict[str, Any]:
    det = doc.detection
    src: dict[str, Any] = {
        "id": source_id(doc),
        "type": "prov:Entity",
        "sha256": hashlib.sha256(doc.source).hexdigest(),
        "byteLength": len(doc.source),
        "fileName": doc.name,
        "detectedEncoding": det.encoding if det else "unknown",
        "encodingConfidence": _number(round(det.confidence, 4)) if det else 0,
        "sourceFormat": doc.format,
    }
    if doc.source_url:
        src["url"] = doc.source_url
    if doc.captured:
        src["capturedAt"] = doc.captured
    if det:
        if det.declared:
            src["declaredEncoding"] = det.declared
        if det.evidence:
            src["encodingEvidence"] = list(det.evidence)
        if det.regions:
            src["encodingRegions"] = [
                {"start": s, "end": e, "detectedEncoding": enc} for s, e, enc in det.regions
            ]
    return src


def _activity(doc: Document, article: Article) -> dict[str, Any]:
    changes: list[Change] = doc.changes + article.changes
    counts = Counter(c.kind for c in changes)
    act: dict[str, Any] = {
        "type": "prov:Activity",
        "wasAssociatedWith": {
            "type": "SoftwareApplication",
            "name": "normalize",
            "softwareVersion": __version__,
        },
        "converter": [
            {"type": "SoftwareApplication", "name": name, "softwareVersion": version}
            for name, version in sorted(doc.converters.items())
            if version
        ],
        "changes": [_change(c) for c in changes],
        "changeCounts": [{"kind": k, "count": n} for k, n in sorted(counts.items())],
    }
    warnings = doc.warnings + article.warnings
    if warnings:
        act["warning"] = list(warnings)
    return act


def _change(c: Change) -> dict[str, Any]:
    d = c.as_dict()
    d["confidence"] = _written_confidence(d["confidence"])
    return d


@_memo.lru_cache(maxsize=4096)
def _written_confidence(conf: float) -> float | int:
    """A confidence as a record writes it (rounded to four places, an integral one as an int); memoized:
    a document's ~120 changes share a handful of confidences, and the rounding costs more than a lookup."""
    return _number(round(float(conf), 4))


def _number(x: float) -> float | int:
    """``x``, an integral value as the int JCS writes for it (``1.0`` is ``1`` in the record's bytes)."""
    return int(x) if x.is_integer() else x
