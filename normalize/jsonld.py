"""JSON-LD processing of records, offline: the context is served from ``schemas/``.

``expand(record)`` expands a record with pyld using a local document loader
(no network); ``dropped_properties(record)`` lists keys that expansion would
silently drop (a record must have none).
"""

from __future__ import annotations

import copy
from typing import Any

from pyld import jsonld

from ._resources import CONTEXT_URL, context


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url == CONTEXT_URL:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context(),
        }
    raise jsonld.JsonLdError(
        f"offline: refusing to load {url}", "jsonld.LoadDocumentError", code="loading document failed"
    )


def expand(record: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = jsonld.expand(copy.deepcopy(record), {"documentLoader": _loader})
    return result


def dropped_properties(record: dict[str, Any]) -> list[str]:
    """Keys of ``record`` (at any depth) whose property does not survive JSON-LD expansion."""
    expanded = expand(record)
    present: set[str] = set()
    _collect_iris(expanded, present)
    missing = []
    for key in _keys(record):
        if key in ("@context", "id", "type") or key.startswith("@"):
            if key.startswith("@") and key not in (
                "@context",
                "@id",
                "@type",
                "@value",
                "@language",
                "@list",
            ):
                missing.append(key)
            continue
        if _iri(key) not in present:
            missing.append(key)
    return sorted(set(missing))


def _iri(key: str) -> str:
    ctx = context()["@context"]
    term = ctx.get(key)
    iri = term.get("@id") if isinstance(term, dict) else term if isinstance(term, str) else None
    if iri is None:
        iri = key if ":" in key else ctx["@vocab"] + key
    prefix, _, local = iri.partition(":")
    if prefix in ctx and isinstance(ctx[prefix], str) and not local.startswith("//"):
        iri = ctx[prefix] + local
    return str(iri)


def _collect_iris(value: Any, out: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            _collect_iris(v, out)
    elif isinstance(value, list):
        for v in value:
            _collect_iris(v, out)


def _keys(value: Any) -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            out += _keys(v)
    elif isinstance(value, list):
        for v in value:
            out += _keys(v)
    return out


def to_nquads(record: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (URDNA2015) of the record, as N-Quads."""
    nq: str = jsonld.normalize(
        copy.deepcopy(record),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader},
    )
    return nq
