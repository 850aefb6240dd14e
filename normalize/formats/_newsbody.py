"""Turn the blocks of one news article into body blocks plus lifted fields.

Shared by the front-matter (HTML) and plain-text parsers: metadata lines
become fields, boilerplate lines are dropped, and every removal is logged as
a change against ``Document.text``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from .._document import Article, Block, Change, Document, lifted, noted
from . import _newsmeta as nm

_META_KINDS = {"breadcrumb", "original-title", "source", "editor", "reporter", "datetime", "info"}

_MARKUP = r"(?:\s|<[^<>]*>|&#?\w{1,10};)*"
"""What may stand between two characters of a block's text in the HTML source: space, tags, entities."""
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]*>")


def log_removal(doc: Document, block: Block, kind: str, note: str = "", text: str | None = None) -> Change:
    """Log the removal of ``block`` (or of ``text``, a part of it) from the body as a parse change.

    A block read from the text carries its span.  A block read from markup does not: its span is
    found in the text, never where this step already removed or lifted something (the same words
    may be removed twice, or stand in the front matter too), so the changes of the step stay
    disjoint and the log replays.  A block that is no span of the text at all is logged as a note
    (no offsets, no ``before``) rather than as a span it is not.
    """
    before = block.text if text is None else text
    start, end = block.start, block.end
    if start < 0:
        span = _locate(doc, before)
        if span is None:
            change = noted(0, f"{note}: {before}" if note else before, kind=kind)
            doc.log(change)
            return change
        start, end = span
        before = doc.text[start:end]
    change = lifted(start, end, before, note, kind=kind)
    doc.log(change)
    return change


def _locate(doc: Document, wanted: str) -> tuple[int, int] | None:
    """The first span of ``doc.text`` holding ``wanted`` that no parse change of the text covers yet:
    literally, or else as HTML source whose text (tags dropped, entities read, spaces ignored) it is."""
    taken = [(c.start, c.end) for c in doc.changes if c.target == "text" and c.step == "parse"]

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    at = doc.text.find(wanted)
    while at >= 0:
        if free(at, at + len(wanted)):
            return at, at + len(wanted)
        at = doc.text.find(wanted, at + 1)
    chars = _SPACE.sub("", wanted)
    if not chars:
        return None
    pattern = re.compile(_MARKUP.join(f"(?:{re.escape(ch)}|&#?\\w{{1,10}};)" for ch in chars))
    for m in pattern.finditer(doc.text):
        text = _SPACE.sub("", html.unescape(_TAG.sub("", m.group(0))))
        if text == chars and free(*m.span()):
            return m.span()
    return None


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


def clean_article(
    doc: Document,
    article: Article,
    blocks: list[Block],
    wrapped: Callable[[Block, Block], bool] | None = None,
) -> None:
    """Lift metadata lines and drop boilerplate from ``blocks`` into ``article``.  ``wrapped``: whether
    a hard wrap cut a block's line and the next block is the rest of it (a long ``原标题：`` line of a
    copy cut at a fixed width goes on in the lines under it, a pinyin annotation cut with it)."""
    kept: list[Block] = []
    tail_cut = False
    k = 0
    while k < len(blocks):
        block = blocks[k]
        k += 1
        if tail_cut:
            log_removal(doc, block, "boilerplate.removed", "related-reading tail")
            continue
        info = nm.classify_line(block.text)
        run = [block]
        if info is not None and info.kind in _META_KINDS and wrapped is not None:
            longer = _wrapped_run(blocks, k - 1, wrapped)
            whole = nm.classify_line("".join(b.text for b in longer)) if len(longer) > 1 else None
            if whole is not None and whole.kind == info.kind:
                info, run = whole, longer
                k += len(run) - 1
        if info is not None and info.kind in _META_KINDS:
            fields = dict(info.fields)
            if "date" in fields:
                date = fields.pop("date")
                if kept:  # a date line inside the body is body text, not metadata
                    kept += run
                    continue
                fields["datePublished"] = date
            merge_fields(article.fields, fields)
            for b in run:
                log_removal(doc, b, "metadata.lifted", info.kind)
            continue
        if info is not None and info.kind == "related":
            tail_cut = True
            log_removal(doc, block, "boilerplate.removed", "related-reading tail")
            continue
        if info is not None:  # promo, end mark
            log_removal(doc, block, "boilerplate.removed", info.kind)
            continue
        kept.append(block)
    _lift_prefixes(doc, article, kept, wrapped)
    _cut_end_mark(doc, kept)
    _lift_closing_byline(doc, article, kept, wrapped)
    article.blocks = kept


def _wrapped_run(blocks: list[Block], i: int, wrapped: Callable[[Block, Block], bool]) -> list[Block]:
    """Block ``i`` with the blocks that go on with its line after hard wraps (not lines of their own)."""
    run = [blocks[i]]
    while i + len(run) < len(blocks):
        nxt = blocks[i + len(run)]
        if not wrapped(run[-1], nxt) or nm.classify_line(nxt.text) is not None:
            break
        run.append(nxt)
    return run


PREFIXED = 3
"""How many of a body's first paragraphs may open with its dateline or byline."""


def _lift_prefixes(
    doc: Document,
    article: Article,
    blocks: list[Block],
    wrapped: Callable[[Block, Block], bool] | None = None,
) -> None:
    """Datelines and bylines opening the first paragraphs (:data:`PREFIXED`; the lines a hard wrap cut a
    paragraph into are one paragraph: ``wrapped``, as for :func:`clean_article`)."""
    opened = 0
    for i, block in enumerate(blocks):
        if i and wrapped is not None and wrapped(blocks[i - 1], block):
            continue
        opened += 1
        if opened > PREFIXED:
            return
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
    log_removal(
        doc,
        Block(prefix, start=block.start, end=block.start + end if block.start >= 0 else -1),
        "metadata.lifted",
        note,
    )
    rest = block.text[end:].lstrip()
    shift = len(block.text) - len(rest)
    blocks[i] = Block(rest, block.kind, block.start + shift if block.start >= 0 else -1, block.end)


def _cut_end_mark(doc: Document, blocks: list[Block]) -> None:
    """The end mark closing the last paragraph (``…。（完）``): boilerplate, as on a line of its own."""
    if blocks and (m := nm.END_MARK.search(blocks[-1].text)) is not None and m.start() > 0:
        _cut_tail(doc, blocks, m.start(), "boilerplate.removed", "end-mark")


def _lift_closing_byline(
    doc: Document,
    article: Article,
    blocks: list[Block],
    wrapped: Callable[[Block, Block], bool] | None = None,
) -> None:
    if not blocks:
        return
    last = blocks[-1]
    found = nm.closing_byline(last.text)
    if not found and wrapped is not None and len(blocks) > 1 and wrapped(blocks[-2], last):
        # cut by a hard wrap: ``…逐步解决。（邹建军`` / ``）``
        across = nm.closing_byline(blocks[-2].text + last.text)
        if across is not None and across[0] < len(blocks[-2].text):
            merge_fields(article.fields, {"author": across[1]})
            blocks.pop()
            _cut_tail(doc, blocks, across[0], "metadata.lifted", "closing byline")
            log_removal(doc, last, "metadata.lifted", "closing byline")
            return
    if not found and len(blocks) > 1 and (before := blocks[-2].text.rstrip()[-1:]):
        # set on a line of its own under the text's last sentence: ``…。`` / ``（某某）``
        alone = nm.closing_byline(before + last.text.strip())
        if alone is not None and alone[0] == 1:
            merge_fields(article.fields, {"author": alone[1]})
            log_removal(doc, last, "metadata.lifted", "closing byline")
            blocks.pop()
            return
    if not found:
        return
    at, authors = found
    merge_fields(article.fields, {"author": authors})
    _cut_tail(doc, blocks, at, "metadata.lifted", "closing byline")


def _cut_tail(doc: Document, blocks: list[Block], at: int, kind: str, note: str) -> None:
    """Log the removal of the last block's text from ``at`` on, and keep the rest of the block."""
    last = blocks[-1]
    start = last.start + at if last.start >= 0 else -1
    cut = last.text[at:]
    log_removal(doc, Block(cut, start=start, end=start + len(cut) if start >= 0 else -1), kind, note)
    blocks[-1] = Block(
        last.text[:at].rstrip(), last.kind, last.start, last.start + at if last.start >= 0 else -1
    )
