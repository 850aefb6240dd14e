"""Repair-text stage: script, pinyin annotations, punctuation, whitespace, paragraphs.

Every string field of every article and every body goes through
:mod:`normalize.text`; each change is logged with the record property it
touched as its target (``headline``, ``author/0/name``, ``articleBody`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from . import _resources
from . import text as textrules
from ._document import Article, Block, Change, Document
from .formats._newsmeta import FURNITURE_KINDS

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
    pages = _page_spans(doc)
    breaks = [_breaks(doc.text, article.blocks, pages) for article in doc.articles]
    cuts = textrules.source_cuts([b.lines for b in breaks])
    # a source sets its paragraphs apart when the lines its wrap did not cut (paragraph ends) are
    # mostly followed by a blank line or an indent: an official document without blank lines between
    # its paragraphs may have some around its title or signature
    apart = sum(b.apart for b in breaks)
    bare = sum(1 for b, cut in zip(breaks, cuts, strict=True) if cut for at in b.inside if not cut.get(at))
    marked = apart >= max(APART_MIN, bare)
    for article, b, cut in zip(doc.articles, breaks, cuts, strict=True):
        source = textrules.SourceLines(b.inside if marked else frozenset(), cut, b.pages)
        _article(article, options, source)
    doc.converters.update(textrules.converter_versions())


_TEXT_FIELDS = frozenset({"attachmentNote"})
"""Fields of :data:`_LINE_FIELDS` that may hold several lines (the schema's ``Text``, not ``Line``)."""
_NAME_FIELDS = frozenset({"publisher", "sourcePublisher", "issuingOffice", "addressee", "ccRecipient"})
"""Fields of :data:`_LINE_FIELDS` and :data:`_LIST_FIELDS` that name organs (as people's names do): a
line break in one parts two names, and becomes a space."""


def _lines(key: str) -> str:
    return "keep" if key in _TEXT_FIELDS else "apart" if key in _NAME_FIELDS else "join"


def _field(
    article: Article, value: str, target: str, options: textrules.TextOptions, lines: str = "join"
) -> str:
    new, changes = textrules.normalize_field(value, change_target(target), options, lines=lines)
    article.changes.extend(changes)
    return new


def _article(article: Article, options: textrules.TextOptions, source: textrules.SourceLines) -> None:
    f = article.fields
    main = (article.body, *(str(f.get(k, "")) for k in ("headline", "name")))
    f["sourceScript"] = textrules.detect_script(*main)
    with textrules.same_article(*main):
        _texts(article, options, source)
    _cut_to_schema(article)


def _cut_to_schema(article: Article) -> None:
    """A headline (a document's name) longer than the schema allows is cut to its length, the rest
    logged (``field.cut``, with the text cut off): the record keeps its text, instead of being
    quarantined for a title that holds a whole post (a feed of short posts gives each post as its
    title)."""
    for key, limit in _max_lengths().get(str(article.fields.get("type")), {}).items():
        value = article.fields.get(key)
        if isinstance(value, str) and len(value) > limit:
            note = f"{len(value)} characters, more than the schema's {limit}: the rest cut off"
            target = change_target(_path(key))
            article.changes.append(
                Change("field.cut", target, limit, len(value), value[limit:], "", "limits", 1.0, True, note)
            )
            article.fields[key] = value[:limit]


@cache
def _max_lengths() -> dict[str, dict[str, int]]:
    """The longest headline of a NewsArticle and name of a Legislation, as the schemas say."""
    news = _resources.load_json("news-article.schema.json")["properties"]["headline"]["maxLength"]
    law = _resources.load_json("legislation.schema.json")["properties"]["name"]["maxLength"]
    return {"NewsArticle": {"headline": int(news)}, "Legislation": {"name": int(law)}}


def _texts(article: Article, options: textrules.TextOptions, source: textrules.SourceLines) -> None:
    f = article.fields
    for key in _LINE_FIELDS:
        if isinstance(f.get(key), str):
            f[key] = _field(article, f[key], _path(key), options, _lines(key))
    for key in _LIST_FIELDS:
        if isinstance(f.get(key), list):
            f[key] = [_field(article, v, f"{key}/{i}", options, _lines(key)) for i, v in enumerate(f[key])]
    for key in _PERSON_FIELDS:
        if isinstance(f.get(key), list):
            f[key] = [_person(article, p, f"{key}/{i}", options) for i, p in enumerate(f[key])]
    for key in ("attachments", "outline", "forwarded"):
        if isinstance(f.get(key), list):
            f[key] = [_obj(article, item, f"{_path(key)}/{i}", options) for i, item in enumerate(f[key])]
    target = body_target(article)
    body = article.body
    if body:
        new, changes = textrules.normalize_body(body, change_target(target), options, source=source)
        article.changes.extend(changes)
        article.blocks = [Block(t, "p") for t in new.split("\n")]


_BARE_BREAK = re.compile("[ \t\u3000\u00a0]*\r?\n")
"""What separates two lines of one paragraph: a line break, with no blank line or indent after it."""
_SPACE = "[ \t\u3000\u00a0]"
_APART = re.compile(f"{_SPACE}*(?:\r?\n{_SPACE}*){{2,}}|{_SPACE}*\r?\n{_SPACE}+")
"""What sets paragraphs apart in a source that marks them: a blank line, or an indent."""
APART_MIN = 1
"""How many breaks of a document's bodies must be blank lines or indents (and at least as many as the bare
line breaks after lines its hard wrap did not cut) for a bare line break after a line it cut to be taken
as inside a paragraph: one, on a page of two paragraphs."""


@dataclass(frozen=True, slots=True)
class _Breaks:
    inside: frozenset[int]
    """Offsets (in the body) of the breaks that were a bare line break in the source."""
    apart: int
    """How many breaks were a blank line or an indent."""
    lines: dict[int, int]
    """Offset of a break -> the length of the source line before it, as the page set it."""
    pages: frozenset[int]
    """Offsets of the breaks where the source turns a page."""


def _only_furniture(source: str, start: int, end: int, pages: Sequence[tuple[int, int]]) -> bool:
    """Whether ``source[start:end]`` holds nothing but white space, form feeds and page furniture."""
    rest = source[start:end]
    for s, e in sorted(pages, reverse=True):
        if start <= s and e <= end:
            rest = rest[: s - start] + rest[e - start :]
    return not rest.strip(" \t\r\n\f\u3000\u00a0")


_FORM_FEED = re.compile(r"\s*\f\s*")


def _page_spans(doc: Document) -> list[tuple[int, int]]:
    """Where ``doc.text`` turns a page: a form feed, or page furniture the parser took out."""
    spans = [(m.start(), m.end()) for m in re.finditer("\f", doc.text)]
    for c in (*doc.changes, *(c for a in doc.articles for c in a.changes)):
        if c.target == "text" and c.kind == "boilerplate.removed" and c.note in FURNITURE_KINDS:
            spans.append((c.start, c.end))
    return spans


def _breaks(source: str, blocks: list[Block], pages: Sequence[tuple[int, int]] = ()) -> _Breaks:
    """What the ``source`` text shows of the breaks of a body (its ``blocks`` joined by line breaks):
    which were a bare line break, how many a blank line or an indent (in a source that sets its
    paragraphs apart so, :data:`APART_MIN`, a bare line break is inside a paragraph), and how long the
    source line before each was (where its hard wrap cut it: a line the parser took a dateline off is as
    long as the wrap all the same), and which turned a page (``pages``: :func:`_page_spans`).  Blocks that
    do not say where they are in the source (HTML, a block the parser put together) count for none of
    these."""
    inside: set[int] = set()
    turns: set[int] = set()
    lines: dict[int, int] = {}
    apart = 0
    offset = -1
    for prev, nxt in pairwise(blocks):
        offset += len(prev.text) + 1
        if _FORM_FEED.fullmatch(prev.text) or _FORM_FEED.fullmatch(nxt.text):
            turns.add(offset)  # a parser that keeps a form feed as a line of its own
            continue
        if prev.start < 0 or nxt.start < prev.end or prev.end - prev.start != len(prev.text):
            continue
        gap = source[prev.end : nxt.start]
        if "\f" in gap or any(prev.end <= s and e <= nxt.start for s, e in pages):
            if _only_furniture(source, prev.end, nxt.start, pages):
                turns.add(offset)
            continue
        if _BARE_BREAK.fullmatch(gap):
            inside.add(offset)
        elif _APART.fullmatch(gap):
            apart += 1
        else:
            continue  # the break holds something the parser took out (a page break, a lifted line)
        lines[offset] = prev.end - (source.rfind("\n", 0, prev.start) + 1)
    return _Breaks(frozenset(inside), apart, lines, frozenset(turns))


def _person(article: Article, person: Any, target: str, options: textrules.TextOptions) -> Any:
    """Normalize one person or organ, given as a plain name or as an object with a ``name``.

    The record always holds people and organs as objects (``{type, name}``, see
    :func:`normalize._record._people`), so a plain name's changes target ``…/name``:
    a change target must name a string of the record, or the log cannot be replayed on it.
    """
    if isinstance(person, str):
        return _field(article, person, f"{target}/name", options, "apart")
    if isinstance(person, dict):
        return {
            k: (_field(article, v, f"{target}/{k}", options, "apart") if isinstance(v, str) else v)
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
