"""Policy documents: the ``## 政策标题：`` template, or the raw text of an official document.

The template wraps an official document in three sections (``## 政策标题：``,
``## 政策来源：`` — the site that published it — and ``## 政策内容：``); its
first line may be an Emacs-style encoding declaration (``# -*- coding: utf-8 -*-``).
The document itself, with or without the template, is read by
:mod:`._gongwen`.  Every header, declaration and lifted metadata line is logged
against ``Document.text``.  Headers are matched on the text's :mod:`view <._view>`, so
the template written in traditional script (``## 政策標題：``), with pinyin annotations or
an ASCII colon is the same template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._document import Article, Block, Document, NormalizeError, lifted
from . import _gongwen as gw
from . import _residue
from ._view import view

_CODING = re.compile(
    r"^[ \t]*#?[ \t]*-\*-[ \t]*(?:en)?coding[ \t]*[:=][ \t]*[-\w.]+[ \t]*-\*-[ \t]*(?:\r?\n|$)"
)
_HEADER = re.compile(r"^[ \t]*#{1,6}[ \t]*政策(?P<key>标题|来源|内容)[ \t]*[:：]?[ \t]*", re.M)
_KEYS = {"标题": "title", "来源": "source", "内容": "content"}
_NAMES = {"title": "政策标题", "source": "政策来源", "content": "政策内容"}


@dataclass(slots=True)
class _Section:
    header_start: int
    header_end: int
    start: int
    end: int


def _sections(text: str) -> dict[str, _Section]:
    """The template's sections, with offsets into ``text`` (headers matched on its view)."""
    found: dict[str, _Section] = {}
    v = view(text)
    matches = list(_HEADER.finditer(v.text))
    for n, m in enumerate(matches):
        end = v.at(matches[n + 1].start()) if n + 1 < len(matches) else len(text)
        key = _KEYS[m["key"]]
        if key not in found:
            found[key] = _Section(v.at(m.start()), v.at(m.end()), v.at(m.end()), end)
    return found


def sniff_score(text: str) -> float:
    """How sure we are that ``text`` is a policy document (template 0.95, raw document 0–0.9)."""
    head = text[:3000]
    # the template's headers are Markdown headings: no "#", no template (a view only folds and deletes)
    if "#" in head and (
        len(_sections(head)) >= 2 or re.search(r"^[ \t]*#{1,6}[ \t]*政策标题", view(head).text, re.M)
    ):
        return 0.95
    ls = gw.lines(text, 0, min(len(text), 4000), limit=12)
    if not ls:
        return 0.0
    score = 0.0
    texts = [ln.text for ln in ls]
    decree = gw._DECREE_HEAD.match(re.sub(r"\s", "", texts[0]))
    if decree and (decree["num"] or (len(texts) > 1 and gw._DECREE_NUM.match(re.sub(r"\s", "", texts[1])))):
        score += 0.5
    doc_no = next((k for k, t in enumerate(texts[:8]) if gw._doc_number_prefix(t)), None)
    if doc_no is not None:
        score += 0.4
    addr = next((k for k, t in enumerate(texts[:9]) if gw.addressee_like(t)), None)
    if addr is not None and addr > 0:
        score += 0.25
    limit = min(x for x in (doc_no, addr, 5) if x is not None)
    run = [t for t in texts[:limit] if gw._title_like(t)][:5]
    if gw.document_type(gw.join_title(run)) or gw.title_lines(run):
        score += 0.2
    if _signed(text[max(0, len(text) - 6000) :]):
        score += 0.15
    if score < 0.3:
        return min(score, 0.2)
    return min(0.9, score + 0.1)


def _signed(tail: str) -> bool:
    """Whether a line of ``tail`` is a date under a line naming an organ (the 落款 of a document).
    Only a line with 日 can be a date (:data:`._gongwen.DATE_LINE`; it is the same character in
    either script): the others are not viewed (a view costs a script conversion)."""
    before = ""
    for raw in tail.splitlines():
        line = raw.strip(gw._SPACE)
        if not line:
            continue
        if before and "日" in line and gw.parse_date(view(line).text) and gw.organ_like(view(before).text):
            return True
        before = line
    return False


class PolicyFormat:
    """The policy format plug-in."""

    name = "policy"
    ceiling = 0.95  # the most sniff() answers: see normalize.formats.sniff

    def sniff(self, text: str) -> float:
        """0.95 for the template, a graded score for a raw official document, ≤ 0.2 otherwise."""
        return sniff_score(text)

    def parse(self, doc: Document) -> None:
        """Fill ``doc.fields`` and append one Legislation article to ``doc.articles``."""
        _residue.clean(doc)  # a page's tags and character references left in the copy
        text = doc.text
        pos = 0
        m = _CODING.match(text)
        if m:
            doc.log(lifted(0, m.end(), text[: m.end()], kind="encoding-declaration.removed"))
            pos = m.end()
        sections = _sections(text)
        art = Article(fields={"type": "Legislation"})
        if sections:
            start, end = self._template(doc, art, sections)
        else:
            start, end = pos, len(text)
        g = gw.read(text, start, end)
        if not g.body and not g.fields.get("attachments") and not g.fields.get("name"):
            if art.fields.get("name"):
                doc.warnings.append("policy document has a title but no text")
            else:
                raise NormalizeError("no official-document text found", stage="parse")
        if "name" not in art.fields and not any(
            k in g.fields for k in ("name", "legislationIdentifier", "legislationPassedBy", "addressee")
        ):
            doc.warnings.append("no official-document elements (title, 发文字号, organ, addressee) found")
        self._fill(art, g)
        title = doc.fields.get("templateTitle")
        if title and not art.fields.get("name"):  # the document repeats no title: the template's
            art.fields["name"] = title
            kind = gw.document_type(view(title).text)
            if kind and not art.fields.get("legislationType"):
                art.fields["legislationType"] = view(title).restore(kind)
        doc.articles.append(art)

    def _template(self, doc: Document, art: Article, sections: dict[str, _Section]) -> tuple[int, int]:
        text = doc.text
        for key, sec in sorted(sections.items(), key=lambda kv: kv[1].header_start):
            doc.log(
                lifted(
                    sec.header_start,
                    sec.header_end,
                    text[sec.header_start : sec.header_end],
                    _NAMES[key],
                    kind="template.removed",
                )
            )
        missing = [_NAMES[k] for k in ("title", "source", "content") if k not in sections]
        values: dict[str, str] = {}
        for key in ("title", "source"):
            found = sections.get(key)
            if found is None:
                continue
            ls = gw.lines(text, found.start, found.end)
            if not ls:
                missing.append(_NAMES[key] + "（空）")
                continue
            values[key] = (
                view("\n".join(ln.raw for ln in ls)).restore(gw.join_title([ln.text for ln in ls]))
                if key == "title"
                else " ".join(ln.raw for ln in ls)
            )
            for ln in ls:
                doc.log(lifted(ln.start, ln.end, ln.raw, "templateTitle" if key == "title" else "publisher"))
        if "title" in values:
            doc.fields["templateTitle"] = values["title"]
        if "source" in values:
            doc.fields["publisher"] = values["source"]
            art.fields["publisher"] = values["source"]
        content = sections.get("content")
        if content is None or not gw.lines(text, content.start, content.end, limit=1):
            if "title" not in values:
                raise NormalizeError(
                    "policy template has no usable section: missing " + "、".join(missing or ["政策内容"]),
                    stage="parse",
                )
            if content is not None:
                missing.append("政策内容（空）")
            art.fields["name"] = values["title"]
            kind = gw.document_type(view(values["title"]).text)
            if kind:
                art.fields["legislationType"] = view(values["title"]).restore(kind)
        if missing:
            doc.warnings.append("policy template: missing section " + "、".join(missing))
        if content is None:
            return len(text), len(text)
        return content.start, content.end

    def _fill(self, art: Article, g: gw.Gongwen) -> None:
        for lift in gw.fill(art, g):
            art.changes.append(lifted(lift.start, lift.end, lift.before, lift.note, kind=lift.kind))
        art.blocks = [Block(ln.raw, kind, ln.start, ln.end) for ln, kind in g.body]


FORMAT = PolicyFormat()
