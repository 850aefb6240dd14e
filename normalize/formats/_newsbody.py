"""Turn the blocks of one news article into body blocks plus lifted fields.

Shared by the front-matter (HTML) and plain-text parsers: metadata lines
become fields, boilerplate lines are dropped, and every removal is logged as
a change against ``Document.text``.
"""

from __future__ import annotations

from typing import Any

from .._document import Article, Block, Change, Document, lifted
from . import _newsmeta as nm

_META_KINDS = {"breadcrumb", "original-title", "source", "editor", "reporter", "datetime"}


def log_removal(doc: Document, block: Block, kind: str, note: str = "", text: str | None = None) -> Change:
    before = block.text if text is None else text
    start, end = block.start, block.end
    if start < 0:  # no exact span known (e.g. text from markup): locate it if it is literal
        found = doc.text.find(before)
        start, end = (found, found + len(before)) if found >= 0 else (0, 0)
    change = lifted(start, end, before, note, kind=kind)
    doc.log(change)
    return change


def merge_fields(fields: dict[str, Any], new: dict[str, Any]) -> None:
    """Add lifted fields: lists extend, first value of a scalar wins."""
    for key, value in new.items():
        if isinstance(value, list):
            fields.setdefault(key, [])
            for v in value:
                if v not in fields[key]:
                    fields[key].append(v)
        elif key not in fields:
            fields[key] = value


def clean_article(doc: Document, article: Article, blocks: list[Block]) -> None:
    """Lift metadata lines and drop boilerplate from ``blocks`` into ``article``."""
    kept: list[Block] = []
    tail_cut = False
    for block in blocks:
        if tail_cut:
            log_removal(doc, block, "boilerplate.removed", "related-reading tail")
            continue
        info = nm.classify_line(block.text)
        if info is not None and info.kind in _META_KINDS:
            fields = dict(info.fields)
            if "date" in fields:
                date = fields.pop("date")
                if kept:  # a date line inside the body is body text, not metadata
                    kept.append(block)
                    continue
                fields["datePublished"] = date
            merge_fields(article.fields, fields)
            log_removal(doc, block, "metadata.lifted", info.kind)
            continue
        if info is not None and info.kind == "related":
            tail_cut = True
            log_removal(doc, block, "boilerplate.removed", "related-reading tail")
            continue
        if info is not None:  # promo, end mark
            log_removal(doc, block, "boilerplate.removed", info.kind)
            continue
        kept.append(block)
    _lift_prefixes(doc, article, kept)
    _lift_closing_byline(doc, article, kept)
    article.blocks = kept


def _lift_prefixes(doc: Document, article: Article, blocks: list[Block]) -> None:
    """Datelines and bylines opening the first paragraphs."""
    for i, block in enumerate(blocks[:3]):
        if found := nm.dateline_prefix(block.text):
            end, dateline, authors = found
            merge_fields(article.fields, {"dateline": dateline, "author": authors})
            _cut_prefix(doc, blocks, i, end, "dateline")
            return
        if found2 := nm.reporter_prefix(block.text):
            end, authors = found2
            merge_fields(article.fields, {"author": authors})
            _cut_prefix(doc, blocks, i, end, "reporter")
            return


def _cut_prefix(doc: Document, blocks: list[Block], i: int, end: int, note: str) -> None:
    block = blocks[i]
    prefix = block.text[:end]
    start = block.start
    doc.log(lifted(start if start >= 0 else 0, (start + end) if start >= 0 else 0, prefix, note))
    rest = block.text[end:].lstrip()
    shift = len(block.text) - len(rest)
    blocks[i] = Block(rest, block.kind, block.start + shift if block.start >= 0 else -1, block.end)


def _lift_closing_byline(doc: Document, article: Article, blocks: list[Block]) -> None:
    if not blocks:
        return
    last = blocks[-1]
    found = nm.closing_byline(last.text)
    if not found:
        return
    at, authors = found
    cut = last.text[at:]
    merge_fields(article.fields, {"author": authors})
    start = last.start + at if last.start >= 0 else -1
    doc.log(lifted(max(start, 0), (start + len(cut)) if start >= 0 else 0, cut, "closing byline"))
    blocks[-1] = Block(
        last.text[:at].rstrip(), last.kind, last.start, last.start + at if last.start >= 0 else -1
    )
