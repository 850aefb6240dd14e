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


_KEYWORDS = frozenset({"@context", "@id", "@type", "@value", "@language", "@list"})
"""JSON-LD keywords a record may use; any other ``@`` key is ignored by expansion, so it is a drop."""


def dropped_properties(record: dict[str, Any]) -> list[str]:
    """Keys of ``record`` (at any depth) whose property does not survive JSON-LD expansion.

    Each object of the record is compared with the node it expands to (walking both in step), not
    with every IRI of the expanded record: a property dropped in one object (``editor/0/jobTitle:
    null``) must be reported even when the same property survives in another (``author/0/jobTitle``).
    """
    expanded = expand(record)
    missing: set[str] = set()
    _compare(record, expanded[0] if expanded else {}, missing)
    return sorted(missing)


def _compare(obj: dict[str, Any], node: dict[str, Any], missing: set[str]) -> None:
    """Report into ``missing`` the keys of ``obj`` absent from ``node``, its expanded form; recurse."""
    for key, value in obj.items():
        if key.startswith("@"):
            if key not in _KEYWORDS:
                missing.add(key)
            continue
        iri = _iri(key)
        if iri.startswith("@"):  # an alias of a keyword ("id", "type"): not a property
            continue
        if iri not in node:
            missing.add(key)
            continue
        _compare_values(value, node[iri], missing)


def _compare_values(value: Any, expanded: Any, missing: set[str]) -> None:
    """Pair the values of one property with their expanded forms and compare the objects among them.

    Expansion keeps the order of values, drops ``null`` ones, flattens nested arrays and wraps an
    ``@list`` container's values in one list object; undoing that on both sides pairs them one to one.
    Should some value expand to nothing (so the counts differ), each object is checked against every
    expanded node of the property: a lost value is not a lost property.
    """
    values = [v for v in _flat(value) if v is not None]
    nodes = _flat_expanded(expanded)
    objects = [(i, v) for i, v in enumerate(values) if isinstance(v, dict)]
    if not objects:
        return
    if len(values) == len(nodes):
        for i, v in objects:
            _compare(v, nodes[i] if isinstance(nodes[i], dict) else {}, missing)
        return
    union: dict[str, Any] = {}
    for n in nodes:
        if isinstance(n, dict):
            for k, vs in n.items():
                union.setdefault(k, []).extend(vs if isinstance(vs, list) else [vs])
    for _i, v in objects:
        _compare(v, union, missing)


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def _flat_expanded(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat_expanded(v)]
    if isinstance(value, dict) and "@list" in value:
        return _flat_expanded(value["@list"])
    return [value]


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


def to_nquads(record: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (URDNA2015) of the record, as N-Quads."""
    nq: str = jsonld.normalize(
        copy.deepcopy(record),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader},
    )
    return nq
