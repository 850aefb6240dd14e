"""Repair-text stage: script, pinyin annotations, punctuation, whitespace, paragraphs.

Every string field of every article and every body goes through
:mod:`normalize.text`; each change is logged with the record property it
touched as its target (``headline``, ``author/0/name``, ``articleBody`` ...).
"""

from __future__ import annotations

from typing import Any

from . import text as textrules
from ._document import Article, Block, Change, Document

# fields holding one line of text, a list of lines, or a list of objects with a "name"
_LINE_FIELDS = (
    "headline",
    "alternativeHeadline",
    "isBasedOnHeadline",
    "printSection",
    "dateline",
    "publisher",
    "sourcePublisher",
    "name",
    "legislationType",
    "attachmentNote",
    "disclosure",
    "urgency",
    "securityClass",
    "copyNumber",
    "issuerBanner",
    "issuingOffice",
)
_LIST_FIELDS = ("articleSection", "keywords", "addressee", "ccRecipient")
_PERSON_FIELDS = ("author", "editor", "legislationPassedBy", "signatory")


# internal field -> where its value sits in the record (change targets name record paths)
_RECORD_PATH = {
    "isBasedOnHeadline": "isBasedOn/headline",
    "sourcePublisher": "isBasedOn/publisher/name",
    "publisher": "publisher/name",
    "issuingOffice": "issuingOffice/name",
    "attachments": "hasPart",
    "forwarded": "forwards",
}


_SOURCE_TARGETS = frozenset({"bytes", "text", "layout"})
"""Change targets that name texts of the source, not record properties (see docs/records.md)."""


def _path(key: str) -> str:
    return _RECORD_PATH.get(key, key)


def change_target(path: str) -> str:
    """The change target of the record property at ``path``: the path itself, unless it spells a
    target of the source (a ``Legislation``'s body is the property ``text``, and ``text`` is the decoded
    source): then the path as a JSON Pointer, ``/text``, so that each log replays on its own text."""
    return f"/{path}" if path in _SOURCE_TARGETS else path


def body_target(article: Article) -> str:
    """The record property holding the body of ``article``."""
    return "text" if article.fields.get("type") == "Legislation" else "articleBody"


def run(doc: Document, options: textrules.TextOptions) -> None:
    """Normalize every article of ``doc`` in place."""
    for article in doc.articles:
        _article(article, options)
    doc.converters.update(textrules.converter_versions())


def _field(article: Article, value: str, target: str, options: textrules.TextOptions) -> str:
    new, changes = textrules.normalize_field(value, change_target(target), options)
    article.changes.extend(changes)
    return new


def _article(article: Article, options: textrules.TextOptions) -> None:
    f = article.fields
    main = (article.body, *(str(f.get(k, "")) for k in ("headline", "name")))
    f["sourceScript"] = textrules.detect_script(*main)
    with textrules.same_article(*main):
        _texts(article, options)


def _texts(article: Article, options: textrules.TextOptions) -> None:
    f = article.fields
    for key in _LINE_FIELDS:
        if isinstance(f.get(key), str):
            f[key] = _field(article, f[key], _path(key), options)
    for key in _LIST_FIELDS:
        if isinstance(f.get(key), list):
            f[key] = [_field(article, v, f"{key}/{i}", options) for i, v in enumerate(f[key])]
    for key in _PERSON_FIELDS:
        if isinstance(f.get(key), list):
            f[key] = [_person(article, p, f"{key}/{i}", options) for i, p in enumerate(f[key])]
    for key in ("attachments", "outline", "forwarded"):
        if isinstance(f.get(key), list):
            f[key] = [_obj(article, item, f"{_path(key)}/{i}", options) for i, item in enumerate(f[key])]
    target = body_target(article)
    body = article.body
    if body:
        new, changes = textrules.normalize_body(body, change_target(target), options)
        article.changes.extend(changes)
        article.blocks = [Block(t, "p") for t in new.split("\n")]


def _person(article: Article, person: Any, target: str, options: textrules.TextOptions) -> Any:
    """Normalize one person or organ, given as a plain name or as an object with a ``name``.

    The record always holds people and organs as objects (``{type, name}``, see
    :func:`normalize._record._people`), so a plain name's changes target ``…/name``:
    a change target must name a string of the record, or the log cannot be replayed on it.
    """
    if isinstance(person, str):
        return _field(article, person, f"{target}/name", options)
    if isinstance(person, dict):
        return {
            k: (_field(article, v, f"{target}/{k}", options) if isinstance(v, str) else v)
            for k, v in person.items()
        }
    return person


def _obj(article: Article, item: Any, target: str, options: textrules.TextOptions) -> Any:
    if not isinstance(item, dict):
        return item
    out: dict[str, Any] = {}
    for k, v in item.items():
        if k == "text" and isinstance(v, str):
            new, changes = textrules.normalize_body(v, f"{target}/{k}", options)
            article.changes.extend(changes)
            out[k] = new
        elif isinstance(v, str) and k in ("name", "title", "legislationType", "label"):
            out[k] = _field(article, v, f"{target}/{'name' if k == 'title' else k}", options)
        elif isinstance(v, list) and k == "legislationPassedBy":
            out[k] = [_person(article, p, f"{target}/{k}/{i}", options) for i, p in enumerate(v)]
        else:
            out[k] = v
    return out


__all__ = ["Change", "body_target", "change_target", "run"]
