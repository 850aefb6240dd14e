"""Plain-text news copied from web or newspaper pages.

A web copy is one article: an optional breadcrumb, a title line, metadata lines
(``原标题``, ``来源``, bylines), the paragraphs and a ``相关阅读`` tail.

A newspaper page holds several articles.  How such pages are made gives the
cues used here:

* an article opens with a headline followed by a byline line (``本报记者 某某``)
  or by a paragraph opening with a dateline (``本报讯``, ``【某某报讯】``);
* the page opens with its masthead or page line (``某某日报　2021年03月14日　第6版``, ``第6版：要闻``):
  no article, but where and when the articles under it were printed (``publisher``,
  ``datePublished``, ``printSection``);
* a headline may be set on two or three lines (wrapped in a fixed-width copy, or a kicker above the
  title): heading lines one right under the other, the last followed by the byline or dateline;
* a short label right above such a headline names a column or sidebar
  (``articleSection``/``printSection``) for the articles under it;
* an article in a sidebar closes with a byline in parentheses (``（某某）``);
  text after it that does not open a new article continues an earlier article
  whose end had not been reached (the page layout moved it);
* a pull quote is one short sentence repeating the article's own words, set
  between paragraphs or inside a sentence; it is removed;
* a fragment that starts mid-sentence (an unbalanced closing quote, leading
  ``、``) continues the paragraph that ends mid-sentence; layout may have put it
  elsewhere on the page, and it is moved back.

An article needs text of its own: a part of the page that turns out to hold none (only a headline
or a byline) is not made a record of its own; it is logged and reported, and the other articles
stand.

Every split, move and removal is logged against ``Document.text``.  The rules read each
line through its :mod:`view <._view>` (simplified script, pinyin annotations removed, one
colon), so a copy in traditional script or annotated like ``原標(biāo)題(tí)`` is cut the same
way as its simplified twin; blocks and fields keep the text as given.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate, islice, pairwise

from .._document import Article, Block, Change, Document, NormalizeError, lifted
from . import _newsbody, _notdoc, _residue
from . import _newsmeta as nm
from ._view import view

_FINAL = "。！？；：…”’」』）)!?;.》"
_HAN = re.compile(r"[\u3400-\u9fff]")
_ORPHAN_START = re.compile(r"^[、，。；：！？”’」』）)]")


def _lines(text: str) -> list[Block]:
    blocks: list[Block] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        stripped = line.strip(" \t\u3000\u00a0")
        if stripped:
            lead = len(line) - len(line.lstrip(" \t\u3000\u00a0"))
            blocks.append(Block(stripped, "p", pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return blocks


_CLOSERS = "”’」』"


def is_heading(text: str) -> bool:
    """A short line that does not end a sentence (inside closing quotes or not): a headline, sub-heading
    or label."""
    text = view(text).text
    ends = text.rstrip(_CLOSERS) or text
    return len(text) <= 40 and not ends.endswith(tuple("。！？；：!?;:，,")) and "。" not in text[:-1]


def _headline(text: str) -> bool:
    """A line in the place of a headline: a heading, or one short question or exclamation of one clause
    (``外国人怎么过年？``), which a headline may be and a sub-heading or label is not (words quoted
    from someone, ``…呀！”``, are no headline)."""
    if is_heading(text):
        return True
    t = view(text).text.rstrip("？！?!")
    return len(t) < len(view(text).text) and len(t) <= 40 and not re.search("[。！？；!?;，,]", t)


def _dangling(text: str) -> bool:
    text = view(text).text
    return len(text) > 40 and not text.endswith(tuple(_FINAL))


def _orphan(text: str) -> bool:
    text = view(text).text
    if _ORPHAN_START.match(text):
        return True
    close, open_ = text.find("”"), text.find("“")
    return close >= 0 and (open_ < 0 or close < open_)


_LABEL = 10
"""A column label is at most this long; a line above a headline that is longer is part of the headline."""
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_BRACKETED = re.compile(r"^[（(【\[].*[）)】\]]$")


def _adjacent(text: str, upper: Block, lower: Block) -> bool:
    """Is ``lower`` on the line right under ``upper`` (no blank line, no page break between)?"""
    return len(_BREAKS.findall(text, upper.end, lower.start)) == 1


def _headline_part(text: str) -> bool:
    """Can this line be an upper line of a headline set on several lines?

    A heading line longer than a column label that is no marker line (byline, date, page line …) and
    no note in brackets (``（下转第6版）``)."""
    t = view(text).text
    return (
        is_heading(text)
        and len(t) > _LABEL
        and bool(_HAN.search(t))
        and not _BRACKETED.match(t)
        and nm.classify_line(text) is None
        and nm.page_line(text) is None
    )


def _cue(blocks: list[Block], k: int) -> bool:
    """Does block ``k`` open an article's text under its headline (byline, dateline, date or source)?"""
    if k >= len(blocks):
        return False
    info = nm.classify_line(blocks[k].text)
    if info is not None:
        return info.kind in ("reporter", "datetime", "source", "original-title", "info")
    return nm.dateline_prefix(blocks[k].text) is not None


def _headline_top(text: str, blocks: list[Block], i: int, lo: int) -> int:
    """The first line of the headline whose last line is ``blocks[i]`` (not above ``blocks[lo]``)."""
    top = i
    while top - 1 >= lo and i - top < 2 and _headline_part(blocks[top - 1].text):
        if not _adjacent(text, blocks[top - 1], blocks[top]):
            break
        top -= 1
    return top


def _headline_lines(text: str, blocks: list[Block], i: int) -> int:
    """How many lines from ``blocks[i]`` on make the headline: more than one when the lines stand one
    right under the other, the upper ones are headline parts and the last is followed by the byline,
    dateline or another line that opens the text under a headline."""
    for n in (3, 2):
        run = blocks[i : i + n]
        if (
            len(run) == n
            and all(_headline_part(b.text) for b in run[:-1])
            and _headline(run[-1].text)
            and nm.classify_line(run[-1].text) is None
            and all(_adjacent(text, a, b) for a, b in pairwise(run))
            and _cue(blocks, i + n)
        ):
            return n
    return 1


def _join_headline(lines: list[Block], width: int) -> str:
    """The headline set on ``lines``.  A line cut at the ``width`` of a hard-wrapped copy (as long as the
    longest line of the page) runs on into the next; a kicker above the title is set apart by a space."""
    out = lines[0].text
    for upper, lower in pairwise(lines):
        wrapped = width <= 80 and len(upper.text) >= width - 2
        latin = out[-1:].isascii() and out[-1:].isalnum() and lower.text[:1].isascii()
        out += (" " if latin or not wrapped else "") + lower.text
    return out


def _opens_article(blocks: list[Block], i: int) -> bool:
    """Is block ``i`` a headline followed by a byline line, an information line (a date with where
    the text came from, or labelled values: ``2021-03-13 10:00　来源：江城日报　作者：李四``) or a
    dateline paragraph?"""
    if i + 1 >= len(blocks) or not _headline(blocks[i].text) or nm.classify_line(blocks[i].text):
        return False
    nxt = blocks[i + 1].text
    info = nm.classify_line(nxt)
    if info is not None and (
        info.kind in ("reporter", "info") or (info.kind == "datetime" and "sourcePublisher" in info.fields)
    ):
        return True
    if nm.dateline_prefix(nxt) is not None:
        return True
    # no cue under it, but the text above it was closed (``…。（某某）``, ``（完）``), and the text under
    # it runs to a finished sentence (a part that breaks off is a fragment of an article, moved)
    return _closed(blocks, i) and info is None and not _headline(nxt) and _finished(blocks, i + 1)


def _finished(blocks: list[Block], k: int) -> bool:
    """Whether the text from block ``k`` to the next headline-like line (or the page's end) ends with
    a finished sentence, a closing byline or an end mark."""
    j = k
    while j + 1 < len(blocks) and not _headline(blocks[j + 1].text):
        j += 1
    last = view(blocks[j].text).text.rstrip()
    return last.endswith(("。", "！", "？", "”", "）", ")", "」")) or _closed(blocks, j + 1)


def _closed(blocks: list[Block], i: int) -> bool:
    """Whether the blocks before block ``i`` end an article: a closing byline (at the end of the last
    paragraph, or on a line of its own under it) or an end mark (``（完）``)."""
    if i < 1:
        return False
    last = blocks[i - 1].text
    if nm.closing_byline(last) or nm.END_MARK.search(view(last).text):
        return True
    before = blocks[i - 2].text.rstrip()[-1:] if i >= 2 else ""
    alone = nm.closing_byline(before + last.strip()) if before else None
    return alone is not None and alone[0] == 1


@dataclass
class _Chunk:
    start: int
    end: int  # exclusive
    opens: bool
    section: str | None = None


def _chunks(text: str, blocks: list[Block]) -> list[_Chunk]:
    """Cut the page at article openings and after closing bylines."""
    cuts: list[_Chunk] = []
    cur = _Chunk(0, 0, True)
    i = 0
    section: str | None = None
    while i < len(blocks):
        if i > cur.start and _opens_article(blocks, i):
            top = _headline_top(text, blocks, i, cur.start)
            label_i = top - 1
            # a short label right above the headline names the column for what follows
            label = view(blocks[label_i].text).text if label_i >= 0 else ""
            above = blocks[cur.start : top]
            if not above or (cur.opens and all(nm.classify_line(b.text) is not None for b in above)):
                # nothing above the headline in this part, or only metadata lines (breadcrumb, date)
                # that go with it: the article starts here
                cur.opens = True
            elif (
                label_i >= cur.start
                and is_heading(label)
                and len(label) <= _LABEL
                and nm.classify_line(label) is None
                and not _closed(blocks, top)  # the byline closing the article above: no label
            ):
                section = blocks[label_i].text
                cur.end = label_i
                cuts.append(cur)
                cuts.append(_Chunk(label_i, top, False, section="\x00label"))
                cur = _Chunk(top, top, True, section=section)
            else:
                cur.end = top
                cuts.append(cur)
                cur = _Chunk(top, top, True, section=section)
        elif (
            i > cur.start
            and cur.opens
            and cur.section is not None
            and nm.closing_byline(blocks[i - 1].text)
            and not _opens_article(blocks, i)
        ):
            # the sidebar article ended with its byline; what follows is not a new article
            cur.end = i
            cuts.append(cur)
            section = None
            cur = _Chunk(i, i, False)
        i += 1
    cur.end = len(blocks)
    cuts.append(cur)
    return [c for c in cuts if c.end > c.start]


def _overlap(text: str, others: str, n: int = 6) -> float:
    grams = _grams(text, n)
    if not grams:
        return 0.0
    return sum(g in others for g in grams) / len(grams)


def _remove_pull_quotes(doc: Document, blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    texts = [view(b.text).text for b in blocks]
    joined = ""  # every block's text joined by line feeds, and where each starts (made when first asked)
    starts: list[int] = []
    for i, b in enumerate(blocks):
        t = texts[i]
        single_sentence = t.count("。") <= 1 and t.endswith(("。", "！", "？")) and len(t) <= 120
        after_heading = i > 0 and (blocks[i - 1].kind == "h" or is_heading(blocks[i - 1].text))
        if i >= 2 and single_sentence and not after_heading:
            if "\n" in t:
                others = "\n".join(x for j, x in enumerate(texts) if j != i)
                repeats = _overlap(t, others) >= PULL_QUOTE_SHARE
            else:
                if not starts:
                    joined = "\n".join(texts)
                    starts = list(accumulate((len(x) + 1 for x in texts[:-1]), initial=0))
                repeats = _repeats_apart(t, joined, starts[i])
            if repeats:
                _newsbody.log_removal(doc, b, "pullquote.removed", "repeats the article's own words")
                continue
        out.append(b)
    return out


PULL_QUOTE_SHARE = 0.6
"""Share of a short one-sentence block's 6-grams that the article's other blocks hold, from which the
block is a pull quote (the page repeats its words to catch the eye)."""


def _grams(text: str, n: int = 6) -> list[str]:
    return [text[i : i + n] for i in range(max(0, len(text) - n + 1))]


def _repeats_apart(text: str, joined: str, start: int, share: float = PULL_QUOTE_SHARE, n: int = 6) -> bool:
    """Whether :func:`_overlap` of ``text`` (one line: no line feed), found at ``start`` in ``joined`` (every
    block joined by line feeds), with the other blocks is at least ``share``.  A gram of the line occurs in
    the others joined exactly when it occurs in ``joined`` before the line or after it (no gram holds the
    line feeds between blocks), so only the line's own grams are looked up (at C speed), and only until
    the share is reached or out of reach: counting every gram of every block took about 3% of the
    pipeline's time (compiled), for a test most lines fail by their first few grams."""
    total = len(text) - n + 1
    if total <= 0:
        return share <= 0.0
    end = start + len(text)
    known: dict[str, bool] = {}
    hits = misses = 0
    for k in range(total):
        g = text[k : k + n]
        got = known.get(g)
        if got is None:
            got = known[g] = joined.find(g, 0, start) >= 0 or joined.find(g, end) >= 0
        if got:
            hits += 1
            if hits / total >= share:
                return True
        else:
            misses += 1
            if (total - misses) / total < share:
                return False
    return hits / total >= share


def _stitch(doc: Document, blocks: list[Block]) -> list[Block]:
    """Move a fragment that starts mid-sentence after the paragraph that ends mid-sentence."""
    for _ in range(4):
        orphan_i = next(
            (
                i
                for i, b in enumerate(blocks)
                if i > 0 and _orphan(b.text) and not _dangling(blocks[i - 1].text)
            ),
            None,
        )
        if orphan_i is None:
            return blocks
        dangling_i = next(
            (
                i
                for i, b in enumerate(blocks)
                if _dangling(b.text)
                and i not in (orphan_i - 1, orphan_i)
                and (i + 1 == len(blocks) or _orphan(blocks[i + 1].text) is False)
                and (
                    i + 1 == len(blocks)
                    or is_heading(blocks[i + 1].text)
                    or not _continues(blocks[i + 1].text)
                )
            ),
            None,
        )
        if dangling_i is None:
            return blocks
        # the fragment runs until the next heading or the end
        end = orphan_i + 1
        while end < len(blocks) and end != dangling_i and not is_heading(blocks[end].text):
            end += 1
        run = blocks[orphan_i:end]
        rest = blocks[:orphan_i] + blocks[end:]
        at = rest.index(blocks[dangling_i]) + 1
        moved = " / ".join(b.text[:12] for b in run)
        first = run[0]
        doc.log(
            Change(
                kind="fragment.moved",
                target="layout",
                step="layout",
                start=first.start,
                end=run[-1].end,
                before=doc.text[first.start : run[-1].end],
                after="",
                note=f"moved after block ending {blocks[dangling_i].text[-12:]!r}: {moved}",
                confidence=0.8,
            )
        )
        blocks = rest[:at] + run + rest[at:]
    return blocks


def _continues(text: str) -> bool:
    text = view(text).text
    return bool(_HAN.match(text[:1])) and not is_heading(text)


class PlainTextFormat:
    name = "plaintext"
    ceiling = 0.3  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        if _notdoc.kind(text):  # JSON data, an XML feed: no text of a page
            return 0.0
        sample = text[:4000]
        han = sum(1 for _ in islice(_HAN.finditer(sample), 10))
        return 0.3 if han >= 10 else (0.1 if sample.strip() else 0.0)

    def parse(self, doc: Document) -> None:
        _residue.clean(doc)  # a page's tags and character references left in the copy
        blocks = _lines(doc.text)
        if not blocks:
            raise NormalizeError("no text", stage="parse")
        width = max(len(b.text) for b in blocks)  # of the lines as cut, annotations and all
        blocks, pages, furniture = _page_lines(doc, blocks)
        chunks = _chunks(doc.text, blocks)
        articles: list[tuple[Article, list[Block], bool]] = []  # article, blocks, closed by byline
        pending: list[Change] = []
        for chunk in chunks:
            part = blocks[chunk.start : chunk.end]
            if chunk.section == "\x00label":
                pending += [lifted(b.start, b.end, b.text, "section label") for b in part]
                continue
            if chunk.opens or not articles:
                art = Article(fields={"type": "NewsArticle"}, changes=pending)
                pending = []
                if chunk.section:
                    art.fields["articleSection"] = [chunk.section]
                    art.fields["printSection"] = chunk.section
                if articles:
                    art.changes.append(
                        Change(
                            kind="article.split",
                            target="layout",
                            step="layout",
                            start=part[0].start,
                            end=part[0].start,
                            before="",
                            after="",
                            note=f"article {len(articles) + 1} starts here",
                        )
                    )
                articles.append((art, list(part), False))
            else:
                # continuation of the last article not closed by its own byline
                host = next(
                    (a for a in reversed(articles) if not a[0].fields.get("printSection")), articles[0]
                )
                host[1].extend(part)
                host[0].changes.append(
                    _layout_change(doc, part, "fragment.attached", "continues an earlier article")
                )
        unplaced: list[Change] = []  # the log of parts that hold no article text
        owners = _furniture_owners(furniture, [part for _art, part, _closed in articles])
        for n, (art, part, _closed) in enumerate(articles):
            mark = len(doc.changes)
            for b, what in owners.pop(n, []):  # the furniture inside its text is the record's to log
                _newsbody.log_removal(doc, b, "boilerplate.removed", what)
            self._article(doc, art, part, width)
            # changes made while parsing one article belong to that article's record
            art.changes[:0] = doc.changes[mark:]
            del doc.changes[mark:]
            if not any(b.text.strip() for b in art.blocks):
                unplaced += _unplaced(doc, art, part)
                continue
            for at, fields in pages:  # the page line above the article says where it was printed
                if at < part[0].start:
                    for key, value in fields.items():
                        art.fields.setdefault(key, value)
            art.changes[:0] = unplaced
            unplaced = []
            doc.articles.append(art)
        for b, what in owners.pop(-1, []):  # before the first article: the page's
            _newsbody.log_removal(doc, b, "boilerplate.removed", what)
        if not doc.articles:
            raise NormalizeError("no article text found", stage="parse")
        doc.articles[-1].changes.extend(unplaced)

    def _article(self, doc: Document, art: Article, part: list[Block], width: int) -> None:
        # leading metadata (breadcrumb, date lines) may precede the headline
        i = 0
        lead: list[Block] = []
        while i < len(part) and nm.classify_line(part[i].text) is not None:
            lead.append(part[i])
            i += 1
        if i < len(part) and _headline(part[i].text):
            lines = part[i : i + _headline_lines(doc.text, part, i)]
            art.fields["headline"] = _join_headline(lines, width)
            for b in lines:
                doc.log(lifted(b.start, b.end, b.text, "headline"))
            i += len(lines)
            if i < len(part) and (proper := _repeated_title(art.fields["headline"], part[i].text)):
                # the page's title (with the site's name) over the article's own headline
                art.fields["headline"] = proper
                doc.log(lifted(part[i].start, part[i].end, part[i].text, "headline repeated"))
                i += 1
        else:
            art.warnings.append("no headline line found")
        body = [Block(b.text, "h" if is_heading(b.text) else "p", b.start, b.end) for b in part[i:]]
        body = _remove_pull_quotes(doc, body)
        body = _stitch(doc, body)
        _newsbody.clean_article(
            doc, art, lead + body, lambda a, b: len(a.text) >= width and _adjacent(doc.text, a, b)
        )
        alt = art.fields.get("alternativeHeadline")
        if alt and view(alt).text == view(art.fields.get("headline") or "").text:
            art.fields.pop("alternativeHeadline")
            art.fields["isBasedOnHeadline"] = alt


_SITE_SUFFIX = re.compile(r"[ \t\u3000]*[-_|｜—–][ \t\u3000]*\S.{0,24}")
"""What a page's title adds to the headline: the site's or the section's name (`` - 中时电子报``)."""


def _repeated_title(headline: str, line: str) -> str | None:
    """``line`` when it repeats ``headline`` (in either script, readings aside), or is ``headline``
    without the site's name a page's title adds to it; else None."""
    title, own = view(headline).text.strip(), view(line).text.strip()
    if not own:
        return None
    if own == title or (title.startswith(own) and _SITE_SUFFIX.fullmatch(title, len(own))):
        return line.strip()
    return None


def _page_lines(
    doc: Document, blocks: list[Block]
) -> tuple[list[Block], list[tuple[int, dict[str, str]]], list[tuple[Block, str]]]:
    """Lift the page's masthead and page lines: the blocks left, and where each page line stood with
    its fields (they hold for the articles under it), and the page furniture taken out with what it
    is (a jump line, a page number: :func:`._newsmeta.page_furniture`; it stands between two parts of
    a text, and the text stage rejoins a sentence that the page break cut)."""
    kept: list[Block] = []
    pages: list[tuple[int, dict[str, str]]] = []
    furniture: list[tuple[Block, str]] = []
    for b in blocks:
        what = nm.page_furniture(b.text)
        if what is not None:
            furniture.append((b, what))
            continue
        fields = nm.page_line(b.text)
        if fields is None:
            kept.append(b)
            continue
        doc.log(lifted(b.start, b.end, b.text, "page line"))
        pages.append((b.start, fields))
    return kept, pages, furniture


def _furniture_owners(
    furniture: list[tuple[Block, str]], parts: list[list[Block]]
) -> dict[int, list[tuple[Block, str]]]:
    """The page furniture by the part whose block stands last before it (-1: none does)."""
    starts = sorted((b.start, n) for n, part in enumerate(parts) for b in part)
    keys = [start for start, _n in starts]
    owners: dict[int, list[tuple[Block, str]]] = {}
    for b, what in furniture:
        k = bisect.bisect_left(keys, b.start) - 1
        owners.setdefault(starts[k][1] if k >= 0 else -1, []).append((b, what))
    return owners


def _unplaced(doc: Document, art: Article, part: list[Block]) -> list[Change]:
    """The log of a part of the page that holds no article text (only a headline, a byline …): it is
    no record of its own; what was lifted from it stays in the log of a neighbouring article."""
    what = art.fields.get("headline") or part[0].text
    doc.warnings.append(f"no article text under {what!r}: not made a record of its own")
    note = "no article text of its own (a headline or metadata only): no record"
    return [*art.changes, _layout_change(doc, part, "article.unplaced", note)]


def _layout_change(doc: Document, part: list[Block], kind: str, note: str) -> Change:
    """A layout decision about a part of the page (its blocks, as they stand in the text)."""
    start, end = part[0].start, part[-1].end
    return Change(
        kind=kind,
        target="layout",
        step="layout",
        start=start,
        end=end,
        before=doc.text[start:end],
        after="",
        note=note,
        confidence=0.8,
    )


FORMAT = PlainTextFormat()
