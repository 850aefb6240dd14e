"""One page's visible lines around its main text, turned into one article.

:mod:`._htmlmain` finds the run of lines that is the text.  Around and inside it: the headline
(:mod:`._htmltitle`), the information line under it (date, source, byline: :mod:`._htmlbyline`),
link lists and notices left inside the text, bylines at its end, labels of link boxes.  Lines that
are metadata become fields; furniture goes; every removal is logged.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from .._document import Article, Block, Change, Document, lifted, noted
from . import _htmldom as dom
from . import _htmlmain as hm
from . import _htmlmeta as hmeta
from . import _newsbody
from . import _newsmeta as nm
from ._htmlbyline import (
    LineFacts,
    bare_date,
    box_names,
    byline_box,
    closing_report,
    dated_only,
    dedupe,
    is_info_line,
    photo_credit,
    read_line,
    signature,
    wire_dateline,
)
from ._htmltitle import breadcrumb, matches, title_part
from ._view import view

# markup left in the text by a CMS that escaped it twice (seen as text after one decoding)
_LEFT_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,500})?/?>")
_LEFT_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,7}|#[xX][0-9a-fA-F]{2,6});")
_BARE_LABEL = re.compile(
    r"(?:作者|作　者|来源|來源|编辑|編輯|责任编辑|記者|记者|发布时间|發布時間|日期)\s*[:：]\s*$"
)
# lines schemas/news-article.schema.json forbids in a body
_FORBIDDEN = re.compile(r"\s*(原标题[:：]|责任编辑[:：]|相关阅读[:：]?\s*$|首页\s*[>＞])")
_PROSE_LINE = re.compile(r"[，。！？；][^，。！？；]*[。！？”」』]\s*$|[。！？]")
NOTE_MAX = 200
SHORT_TITLE = 24
"""Longest line without a full stop that :meth:`Page._text_line` takes for a title, not text."""
_FULL_STOP = re.compile(r"[。.]\s*[”」』）)]?\s*$|[。][^。]")
TAIL_WINDOW = 6
"""How many lines after the main text are read for bylines."""
HEADLINE_MAX = 60
"""Longest line :meth:`Page._headline_above` takes for a headline."""
HEADLINE_SKIP = 3
"""Lines (information lines, the writer's name) it looks past between the headline and the text."""
BYLINE_REACH = 3
"""Lines under the headline in which a line that is only a name is the writer's."""
HEAD_LINES = 6
"""Lines of the text's run searched for its first sentence when the run takes the page's head in."""
HEAD_WINDOW = 25
"""How many lines before the main text are searched for its headline and breadcrumb.  Portal
templates of the 2000s set the headline and its information line, then a block of promos and short
linked headlines (18 on a sohu page of 2004), then the text; 15 missed them."""


class Page:
    """One page's lines with the main-text run ``[first, last]``, turned into one article."""

    def __init__(
        self,
        doc: Document,
        art: Article,
        meta: hmeta.PageMeta,
        segs: list[dom.Segment],
        first: int,
        last: int,
    ) -> None:
        self.doc, self.art, self.meta, self.segs = doc, art, meta, segs
        self.first, self.last = first, last
        self.facts: list[LineFacts] = []
        self.own_date: tuple[str, str] | None = None
        """A line at the head of the text that is a date and nothing else, and the date: the
        text's own date (a report's ``2003年5月`` under its byline), see :meth:`_own_date`."""
        self.after_text: list[LineFacts] = []
        """Facts of 'posted at' lines in and right after the text (:meth:`_tail_zone`), also in
        ``facts``: they give the time of a day dated above the text, and yield to it on another day."""

    def build(self) -> None:
        headline_at = self._headline()
        body_from = self._head_zone(headline_at)
        self._tail_zone()
        blocks = self._related(self._info_lines(self._blocks(body_from)))
        _newsbody.clean_article(self.doc, self.art, blocks)
        self._forbidden_lines()
        while self.art.blocks and self.art.blocks[-1].kind == "h":  # a heading at the end heads nothing
            drop(self.doc, self.art.blocks.pop(), "boilerplate.removed", "trailing heading")
        self._signature()
        self._fields(self.art.fields)
        self._own_date(self.art.fields)
        self._section(headline_at)
        self._note(
            "main-text.extracted",
            f"main text: lines {body_from + 1}-{self.last + 1} of {len(self.segs)} visible lines",
        )

    def _read(self, i: int) -> LineFacts:
        """The facts of line ``i``; a bare label (``作者：`` in one table cell, the name in the next)
        is read with the line after it."""
        text = self.segs[i].text
        if _BARE_LABEL.search(text) and i + 1 < len(self.segs):
            text = f"{text} {self.segs[i + 1].text}"
        facts = read_line(text)
        if not facts.authors and byline_box(self.segs[i]):
            facts.authors += [{"name": n} for n in box_names(text)]
        return facts

    def _head_zone(self, headline_at: int | None) -> int:
        """Read the information lines around the headline; lift those inside the main text.

        Returns where the body starts.  The zone runs from the headline to the first sentence of
        the text (without a headline: the few lines before the main text); a short line carrying
        labelled facts just above the headline belongs to it too (some templates put it there).
        """
        if headline_at is not None:
            for i in range(max(0, headline_at - 3), headline_at):
                facts = self._read(i)
                text = self.segs[i].text
                labelled = facts.authors or facts.source or facts.timed or dated_only(text)
                if labelled and is_info_line(text, facts):
                    self.facts.append(facts)
        start = headline_at + 1 if headline_at is not None else max(0, self.first - 4)
        prose_at = next(
            (i for i in range(max(start, self.first), self.last + 1) if self._text_line(self.segs[i])),
            self.first,
        )
        body_from = max(self.first, start)
        for i in range(start, prose_at):
            seg = self.segs[i]
            if i >= self.first and self.own_date is None and (bare := bare_date(seg.text)):
                self.own_date = (seg.text, bare)
            facts = self._read(i)
            if facts.empty and self._byline_slot(i, start) and (names := self._signed(seg)):
                facts.authors += [{"name": n} for n in names]
            if facts.empty:
                linked = seg.link_chars > hm.LINK_DENSE * seg.chars
                if i >= body_from and self._repeats_headline(seg):
                    self._lift(seg, "headline repeated")
                    body_from = i + 1
                elif i >= body_from and (
                    linked or nm.classify_line(seg.text) or _BARE_LABEL.search(seg.text)
                ):
                    body_from = i + 1
                continue
            self.facts.append(facts)
            if i >= body_from and is_info_line(seg.text, facts):
                self._lift(seg, "information line")
                body_from = i + 1
        return body_from

    @staticmethod
    def _text_line(seg: dom.Segment) -> bool:
        """A line of the text proper: prose that is not an information line (``Posted on
        September 10th, 2005`` has a comma but is no sentence), nor a short line without a full stop
        (a headline that asks or exclaims, ``谁来为无序拆房“埋单”？``: a page without ``<title>``
        and headings leaves it among the lines before the information line)."""
        if not hm.is_prose(seg) or (seg.chars <= 80 and is_info_line(seg.text)):
            return False
        return seg.chars > SHORT_TITLE or _FULL_STOP.search(seg.text) is not None

    def _tail_zone(self) -> None:
        """Bylines and editor lines right after the text, and a "posted at" date there (blogs)."""
        for i in range(self.last + 1, min(len(self.segs), self.last + TAIL_WINDOW + 1)):
            facts = self._read(i)
            if facts.posted and i + 1 < len(self.segs) and self._text_line(self.segs[i + 1]):
                break  # who posted what follows (a reader's comment under the text): not this text's
            if facts.authors or facts.editors or (facts.date and facts.posted):
                self.facts.append(facts)
                self.after_text.append(facts)

    # --- headline ---------------------------------------------------------------------------------

    def _headline(self) -> int | None:
        """Find the headline line near the start of the main text; set ``headline``; its index."""
        candidates = [c for c in (*self.meta.titles, self.meta.page_title) if c]
        lo, hi = max(0, self.first - HEAD_WINDOW), min(self.last, self.first + 5)
        best: tuple[int, int] | None = None
        for i in range(lo, hi + 1):
            seg = self.segs[i]
            if seg.chars < 2 or seg.chars > 80 or seg.link_chars > hm.LINK_DENSE * seg.chars:
                continue
            if seg.chars < 4 and not matches(seg.text, candidates):
                continue
            if hm.is_prose(seg) and i >= self.first and not matches(seg.text, candidates):
                continue
            rank = (2 if matches(seg.text, candidates) else 0) + (1 if seg.heading else 0)
            if rank == 0:
                continue
            if best is None or rank > best[0] or (rank == best[0] and i > best[1] and i <= self.first):
                best = (rank, i)
        if best is not None and (best[0] >= 2 or self.segs[best[1]].owner.tag == "h1"):
            i = best[1]
            self.art.fields["headline"] = self.segs[i].text
            if i >= self.first:
                for j in range(self.first, i + 1):
                    self._lift(self.segs[j], "headline" if j == i else "above the headline")
                self.first = i + 1
            return i
        title = next((c for c in self.meta.titles if c), "")
        part = title_part(self.meta.page_title)
        # a <title> that stands on the page as a line of its own (linked, in a list of the issue's
        # stories) is the article's; one that does not is the site's, or a CMS word (显示)
        stands = bool(part) and any(seg.text == part for seg in self.segs)
        at = self._headline_above() if not title and not stands else None
        if at is not None:
            self.art.fields["headline"] = as_headline(self.segs[at].text)
            if at >= self.first:  # the text finder took the head of the page in
                for j in range(self.first, at + 1):
                    self._lift(self.segs[j], "headline" if j == at else "above the headline")
                self.first = at + 1
            elif self.segs[self.first].text == self.segs[at].text and self.first < self.last:
                self._lift(self.segs[self.first], "headline repeated")  # set again over the text
                self.first += 1
            return at
        title = title or part
        if title:
            self.art.fields["headline"] = title
        return None

    def _headline_above(self) -> int | None:
        """The headline of a page whose ``<title>`` gives none that stands on the page (a site's
        name, a greeting, a CMS word, nothing): how article templates are laid out, the short line
        standing right above the text, or above the information line or the writer's name over it,
        under furniture (links, a breadcrumb) rather than under text.  Looked for above the run the
        text finder chose, then above its first sentence (the run may take the head of the page in:
        then the topmost line of that head, or the heading it opens with).  A line that is a link, a
        sentence, a label or a date is no headline."""
        at = self._candidate(self.first - 1, 0)
        if at is not None:
            return at
        head = self.segs[self.first]
        if (
            head.heading
            and self.first < self.last
            and self._candidate(self.first, self.first, skip=False) is not None
        ):
            return self.first  # the run opens with a heading: the text's own title
        prose = next(
            (
                k
                for k in range(self.first, min(self.last, self.first + HEAD_LINES) + 1)
                if self._text_line(self.segs[k]) and as_headline(self.segs[k].text) == self.segs[k].text
            ),
            None,
        )
        if prose is None or prose == self.first:
            return None
        at = self._candidate(prose - 1, self.first)
        while (
            at is not None and at > self.first and self._candidate(at - 1, self.first, skip=False) == at - 1
        ):
            at -= 1  # the head of the text: its first line is the headline (then a byline, an organ)
        if at is not None and at > self.first:
            up = self._candidate(at - 1, self.first)  # set above the information line too, in full
            if up is not None and up < at and self.segs[at].text in self.segs[up].text:
                at = up
        return at

    def _candidate(self, i: int, floor: int, *, skip: bool = True) -> int | None:
        """Line ``i``, or the line above the information lines and name that end at ``i``, if it can
        be a headline; not below ``floor``."""
        for _ in range(HEADLINE_SKIP if skip else 0):
            if i < floor:
                return None
            seg = self.segs[i]
            facts = read_line(seg.text)
            if (not facts.empty and is_info_line(seg.text, facts)) or dated_only(seg.text) or _name_line(seg):
                i -= 1
                continue
            break
        if i < floor:
            return None
        seg = self.segs[i]
        text = as_headline(seg.text)
        labelled = text != seg.text  # ``主题：`` says what the line is: a question may be a title
        linked_title = seg.heading and seg.link_chars >= 0.9 * seg.chars  # a post's title, linked
        if not 2 <= len(text) <= HEADLINE_MAX or (seg.link_chars and not linked_title):
            return None
        if not labelled and (self._text_line(seg) or _FULL_STOP.search(text)):
            return None
        if breadcrumb(text) or nm.classify_line(text) or not read_line(text).empty or dated_only(text):
            return None
        if _BARE_LABEL.search(text):
            return None
        if i > 0 and hm.is_prose(self.segs[i - 1]) and not self.segs[i - 1].link_chars:
            return None  # under a paragraph: a subheading of something, not the page's headline
        return i

    # --- body -------------------------------------------------------------------------------------

    def _blocks(self, body_from: int) -> list[Block]:
        blocks: list[Block] = []
        for seg in self.segs[body_from : self.last + 1]:
            if seg.link_chars > hm.LINK_DENSE * seg.chars and not hm.is_prose(seg):
                drop(self.doc, Block(seg.text), "boilerplate.removed", "link list")
                continue
            if hm.is_notice(seg):
                # a counter line may still say when the text was posted: 发表于 DATE (阅读:3727)
                if (facts := read_line(seg.text)).date and facts.posted:
                    self.facts.append(facts)
                    self.after_text.append(facts)
                drop(self.doc, Block(seg.text), "boilerplate.removed", "site notice")
                continue
            text = self._unmark(seg.text)
            if text:
                blocks.append(Block(text, "h" if seg.heading else "p"))
        return blocks

    def _info_lines(self, blocks: list[Block]) -> list[Block]:
        """Lift information lines among the first and last lines of the text, and a closing
        ``（某某 上海报道）`` byline."""
        ends = {*range(min(3, len(blocks))), *range(max(0, len(blocks) - 3), len(blocks))}
        kept: list[Block] = []
        for i, block in enumerate(blocks):
            if i in ends:
                facts = read_line(block.text)
                if is_info_line(block.text, facts) and (facts.authors or facts.editors or facts.source):
                    self.facts.append(facts)
                    drop(self.doc, block, "metadata.lifted", "information line")
                    continue
            kept.append(block)
        for i, block in enumerate(kept[:3]):
            if wire := wire_dateline(block.text):
                end, dateline, authors = wire
                self.facts.append(LineFacts(authors=authors))
                self.art.fields.setdefault("dateline", dateline)
                drop(self.doc, Block(block.text[:end]), "metadata.lifted", "dateline")
                kept[i] = Block(block.text[end:].strip(), block.kind)
                break
        if kept and (found := closing_report(kept[-1].text)):
            at, authors = found
            self.facts.append(LineFacts(authors=authors))
            drop(self.doc, Block(kept[-1].text[at:]), "metadata.lifted", "closing byline")
            kept[-1] = Block(kept[-1].text[:at].rstrip(), kept[-1].kind)
        return kept

    def _related(self, blocks: list[Block]) -> list[Block]:
        """A ``相关阅读``/``推荐阅读`` label inside the text heads a link box, whose links are gone
        by now: drop the label and the bare titles under it; the text resumes at the next sentence.
        (In plain text such a label starts the tail; in a page the links tell where the box ends.)"""
        kept: list[Block] = []
        skipping = False
        for block in blocks:
            if nm.RELATED.match(nm.fold(block.text)) and len(block.text) <= 40:
                skipping = True
                drop(self.doc, block, "boilerplate.removed", "related-reading label")
                continue
            if skipping and not _PROSE_LINE.search(block.text):
                drop(self.doc, block, "boilerplate.removed", "related-reading item")
                continue
            skipping = False
            kept.append(block)
        return kept

    def _note(self, kind: str, note: str) -> None:
        layout_note(self.doc, kind, note)

    def _signature(self) -> None:
        """A last line that is only a name: ``（某某）`` set apart from the text, or a signature."""
        names = signature(self.art.blocks[-1].text) if self.art.blocks else []
        if names:
            _newsbody.merge_fields(self.art.fields, {"author": [{"name": n} for n in names]})
            drop(self.doc, self.art.blocks.pop(), "metadata.lifted", "closing byline")

    def _forbidden_lines(self) -> None:
        """Drop what is left of the boilerplate lines a news record may not hold (an empty
        ``责任编辑：``, a breadcrumb in the text); the other parsers never leave them either."""
        kept = []
        for block in self.art.blocks:
            if _FORBIDDEN.match(nm.fold(block.text)):
                drop(self.doc, block, "boilerplate.removed", "label without a value")
            else:
                kept.append(block)
        self.art.blocks = kept

    def _repeats_headline(self, seg: dom.Segment) -> bool:
        """A line under the headline that sets it again, whole or its part after the writer's name
        (``茉莉：我是怎样……`` over ``我是怎样……``)."""
        headline = str(self.art.fields.get("headline", ""))
        return seg.chars >= 4 and bool(headline) and not self._text_line(seg) and seg.text.strip() in headline

    def _byline_slot(self, i: int, start: int) -> bool:
        """Whether line ``i`` stands where a writer's name goes: the first lines under the headline,
        past an information line that names nobody and the headline set again (``茉莉：我是怎样……``
        over ``我是怎样……`` and ``茉莉``), while no writer is known yet."""
        if any(f.authors for f in self.facts) or i - start > BYLINE_REACH:
            return False
        between = self.segs[start:i]
        return len(between) <= 1 or all(
            self._repeats_headline(seg) or not read_line(seg.text).empty for seg in between
        )

    def _signed(self, seg: dom.Segment) -> list[str]:
        """The names of a line holding only names under the headline: the writers (``胡平``,
        ``赵延东、风笑天``), when each looks like a personal name, or a single one the headline opens
        with (``茉莉：我是怎样……``)."""
        text = seg.text.strip()
        if seg.link_chars or not re.fullmatch(
            r"[\u3400-\u9fff·]{2,5}(?:[、，,\s]+[\u3400-\u9fff·]{2,5}){0,3}", text
        ):
            return []
        names = [n for n in re.split(r"[、，,\s]+", text) if n]
        if all(nm.is_person_name(n) for n in names):
            return names
        headline = str(self.art.fields.get("headline", ""))
        if len(names) == 1 and headline.startswith((f"{text}：", f"{text}:")):
            return names
        return []

    def _unmark(self, text: str) -> str:
        return unmark(self.doc, text)

    def _lift(self, seg: dom.Segment, note: str) -> None:
        drop(self.doc, Block(seg.text), "metadata.lifted", note)

    # --- fields -----------------------------------------------------------------------------------

    def _fields(self, f: dict[str, Any]) -> None:
        """Date, authors, editors and source: machine-readable first, then the page's own lines."""
        lifted_date = f.pop("datePublished", None)
        dates = [*self.meta.dates]
        after_ids = {id(x) for x in self.after_text}
        before = [x.date for x in self.facts if x.date and id(x) not in after_ids]
        days = {d[:10] for d in before}
        # a 'posted at' time after the text gives the time of a day dated above it; on another day
        # it dates something else (a reader's comment, the next post)
        after = [x.date for x in self.after_text if x.date and (not days or x.date[:10] in days)]
        dates += [d for d in (*before, *after) if "T" in d]
        dates += [d for d in (*before, *after) if "T" not in d]
        if isinstance(lifted_date, str):
            dates.append(lifted_date)
        if dates:
            f["datePublished"] = dates[0]
        authors: list[dict[str, str]] = []
        for x in self.facts:
            authors += x.authors
        authors += [{"name": a} for a in self.meta.authors]
        have = {a["name"] for a in f.get("author", [])} if isinstance(f.get("author"), list) else set()
        extra = [a for a in authors if a["name"] not in have]
        if extra:
            _newsbody.merge_fields(f, {"author": dedupe(extra)})
        if not f.get("author"):  # a photo story credits its photographer (``某某/摄`` in a caption)
            captions = (b.text for b in self.art.blocks if len(b.text) <= 200)
            shot = next((n for t in captions if (n := photo_credit(t))), None)
            if shot:
                f["author"] = [{"name": shot, "jobTitle": "摄影"}]
        editors = [e for x in self.facts for e in x.editors]
        if editors:
            _newsbody.merge_fields(f, {"editor": dedupe(editors)})
        person = f.get("sourcePublisher")
        if isinstance(person, str) and nm.is_person_name(person) and not hmeta.ORG_LIKE.search(person):
            # ``来源：某某`` naming a person: the writer, not a publication
            f.pop("sourcePublisher")
            _newsbody.merge_fields(f, {"author": [{"name": person}]})
        source = next((x.source for x in self.facts if x.source), "") or self.meta.source
        if source and "sourcePublisher" not in f and source != self.meta.publisher:
            f["sourcePublisher"] = source

    def _own_date(self, f: dict[str, Any]) -> None:
        """A bare date line at the head of the text dates the text itself.  Before the page's own
        date it is when the text was written (a report or an essay posted later: ``dateCreated``);
        on a page that gives no other date it is the only date there is.  Either way the line is
        lifted; a later or equal date is left as it stands."""
        if self.own_date is None:
            return
        line, own = self.own_date
        published = f.get("datePublished")
        if isinstance(published, str) and published[: len(own)] <= own:
            return  # the same day (or month), or after the page's date: nothing to tell apart
        f["dateCreated" if published else "datePublished"] = own
        for k, block in enumerate(self.art.blocks[:3]):
            if block.text.strip() == line.strip():
                drop(self.doc, self.art.blocks.pop(k), "metadata.lifted", "the text's own date")
                break

    def _section(self, headline_at: int | None) -> None:
        sections = list(self.meta.sections)
        end = headline_at if headline_at is not None else self.first
        for seg in self.segs[max(0, end - HEAD_WINDOW) : end]:
            found = breadcrumb(seg.text)
            if found:
                sections = sections or found
                break
        if sections:
            _newsbody.merge_fields(self.art.fields, {"articleSection": sections})


_SUBJECT = re.compile(r"^\s*(?:主题|标题|题目|帖子主题|文章标题|Subject|Title)\s*[:：]\s*", re.I)


def as_headline(line: str) -> str:
    """A headline line without the label a forum or a CMS puts before it (``主题：``, ``標題：``)."""
    v = view(line)  # either script, pinyin readings dropped (``主(zhǔ)題(tí)：``)
    m = _SUBJECT.match(v.text)
    return line[v.at(m.end()) :].strip() if m else line


def _name_line(seg: dom.Segment) -> bool:
    """A line that is a name and nothing else (the writer's, often linked to their column)."""
    name = seg.text.strip()
    return bool(re.fullmatch(r"[\u3400-\u9fff·]{2,5}", name)) and (nm.is_person_name(name) or seg.chars <= 4)


def layout_note(doc: Document, kind: str, note: str) -> None:
    """A layout note on the page (zero width: the decision is said, no span of the text changes)."""
    doc.log(Change(kind=kind, target="layout", step="layout", start=0, end=0, before="", after="", note=note))


def unmark(doc: Document, text: str) -> str:
    """Remove markup that survived one decoding (double-escaped tags and entities)."""
    if "&" in text and _LEFT_ENTITY.search(text):
        text = htmllib.unescape(text)
    if "<" in text and _LEFT_TAG.search(text):
        names = sorted({m.group(0).strip("</>").split()[0].lower() for m in _LEFT_TAG.finditer(text)})
        layout_note(
            doc,
            "markup.removed",
            f"tags escaped twice by the page's CMS removed from the text: {', '.join(names)}",
        )
        text = dom.squash(_LEFT_TAG.sub(" ", text))
    return text


def drop(doc: Document, block: Block, kind: str, note: str) -> None:
    """Log a removal: at the line's span of the source when it stands there literally (and no
    other change of this step covers it), else as a note naming it.  Text read from markup seldom
    stands literally in the source; it is not searched for among the tags (costly on big pages)."""
    text = block.text
    taken = [(c.start, c.end) for c in doc.changes if c.target == "text" and c.step == "parse"]
    at = doc.text.find(text) if text else -1
    while at >= 0:
        end = at + len(text)
        if not any(a < end and at < b for a, b in taken):
            doc.log(lifted(at, end, text, note, kind=kind))
            return
        at = doc.text.find(text, at + 1)
    doc.log(noted(0, f"{note}: {_clip(text)}", kind=kind))


def _clip(text: str) -> str:
    return text if len(text) <= NOTE_MAX else text[:NOTE_MAX] + "…"
