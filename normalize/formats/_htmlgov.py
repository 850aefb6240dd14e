"""Official documents published as web pages: the disclosure table and the document under it.

Chinese government sites publish each document on a page of its own, and the page carries the
document's entry in the site's catalogue of disclosed information (政府信息公开目录, required of
every organ by the 政府信息公开条例 and laid out by the national guidelines for government
websites): a table of labelled cells — 索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号,
发布日期, on some sites 有效性 and 主题词.  Each site's CMS words the labels its own way (发布机构,
生成日期, 文号, 名称 ...), spaces them to align (``索 引 号``), and puts the value after a colon in
the same cell or in the next cell.

A page whose lines hold such a table is an official document, not a news story: the text under it
is read by :mod:`._gongwen` like the policy format's (title, 发文字号, outline, signature, 成文日期,
attachments), and the table gives what the text does not say — the 发布日期 always (only the site
knows when it published), and the title, number, organ and date when the copy drops them.  Where
the two disagree the document's own lines win, and the disagreement is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .._document import Article, Block, Document, noted
from . import _gongwen as gw
from . import _htmldom as dom
from . import _htmlmain as hm
from ._htmlmeta import PageMeta, machine_date
from ._htmlpage import drop, layout_note, unmark
from ._view import view

# label (simplified script, no spaces) -> what the cell holds
_LABELS: dict[str, str] = {
    **dict.fromkeys(("索引号", "索取号", "索引编号", "信息索引号"), "index"),
    **dict.fromkeys(
        ("主题分类", "分类", "信息分类", "主题类别", "组配分类", "体裁分类", "所属主题"), "topic"
    ),
    **dict.fromkeys(("主题词", "关键词"), "keywords"),
    **dict.fromkeys(
        ("发文机关", "发布机构", "发文单位", "发布机关", "制发机关", "发文机构", "发布单位", "发文部门"),
        "organ",
    ),
    **dict.fromkeys(("成文日期", "生成日期", "发文日期", "制发日期", "印发日期", "成文时间"), "created"),
    **dict.fromkeys(("标题", "名称", "信息名称", "文件名称", "公文标题"), "name"),
    **dict.fromkeys(("发文字号", "文号", "发文号", "文件编号", "文件字号"), "number"),
    **dict.fromkeys(("发布日期", "公开日期", "发布时间", "公开时间"), "published"),
    **dict.fromkeys(("有效性", "时效性", "效力状态"), "validity"),
}
_LABEL_MAX = max(len(k) for k in _LABELS)
LABEL_SPAN = 8 * _LABEL_MAX
"""Characters of a cell searched for its label's colon: the label spaced out (``标      题``) or with
pinyin readings (``發(fā)文(wén)字(zì)號(hào)``)."""
_STRONG = ("index", "number", "created")
"""Keys only a catalogue entry has: a news page's information line has a 发布时间 and a 来源, never
an 索引号, a 发文字号 or a 成文日期 as labels."""
MIN_KEYS = 3
"""Distinct labels a table needs (one of them strong)."""
TABLE_GAP = 3
"""Lines without a label that end a table (a cell left empty, a row of icons)."""
SCAN = 400
"""Lines of a page searched for the table (it stands above or below the text, never deep in a
long comment thread)."""
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_COLON = re.compile(r"[:：]")
TITLE_LINES = 6
"""Most lines a title is wrapped over in a page (a centred title broken by hand)."""
_NAMES = {
    "index": "索引号",
    "topic": "主题分类",
    "keywords": "主题词",
    "organ": "发文机关",
    "created": "成文日期",
    "name": "标题",
    "number": "发文字号",
    "published": "发布日期",
    "validity": "有效性",
}
_FORCE = {
    **dict.fromkeys(("有效", "现行有效", "现行", "生效", "继续有效"), "InForce"),
    **dict.fromkeys(("失效", "废止", "已废止", "已失效", "全部失效"), "NotInForce"),
    **dict.fromkeys(("部分失效", "部分有效"), "PartiallyInForce"),
}
"""有效性 as sites word it -> schema.org's legislationLegalForce (an unknown wording is left out)."""


@dataclass
class Table:
    """The disclosure table of a page: values by key, and where it stands."""

    values: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    """The page's own wording of each label (for the log)."""
    first: int = 0
    last: int = 0


def _label(text: str) -> tuple[str, str, str] | None:
    """``(key, label, value)`` for a cell that is a label (``发文字号：`` / ``发文字号：国发〔2019〕5号``)."""
    head = text[:LABEL_SPAN]
    m = _COLON.search(head)
    label_part = head[: m.start()] if m else text
    if len(label_part) > LABEL_SPAN:
        return None
    label = _SPACES.sub("", view(label_part).text)  # either script, pinyin readings dropped
    key = _LABELS.get(label)
    if key is None:
        return None
    value = text[m.end() :].strip() if m else ""
    return key, label_part.strip(), value


def read(segs: list[dom.Segment]) -> Table | None:
    """The first disclosure table among the page's lines, if it has one."""
    table = Table()
    i, n = 0, min(len(segs), SCAN)
    while i < n:
        found = _label(segs[i].text) if segs[i].chars <= 200 else None
        if found is None:
            if table.values and i - table.last > TABLE_GAP:
                if len(table.values) >= MIN_KEYS:
                    break  # the table ended
                table = Table()  # labels scattered over the page are no table
            i += 1
            continue
        key, label, value = found
        at = i
        if not value and i + 1 < len(segs) and _label(segs[i + 1].text) is None:
            value = segs[i + 1].text.strip()  # the value in the next cell
            i += 1
        if value and key not in table.values:
            if not table.values:
                table.first = at
            table.values[key] = value
            table.labels[key] = label
            table.last = i
        elif table.values and key in table.values and len(table.values) >= MIN_KEYS:
            break  # the table again (a print copy of it): the first is enough
        i += 1
    if len(table.values) < MIN_KEYS or not any(k in table.values for k in _STRONG):
        return None
    return table


def day(value: str) -> str | None:
    """An ISO day from a table's date cell (``2022年01月27日``, ``二〇二二年一月二十七日``,
    ``2022-01-27``, ``2022/1/27 10:00``)."""
    value = value.strip()
    got = gw.parse_date(value) or machine_date(value)
    return got[:10] if got and len(got) >= 10 else None


def legislation(
    doc: Document, meta: PageMeta, segs: list[dom.Segment], first: int, last: int, table: Table
) -> Article | None:
    """The page's main text ``segs[first:last + 1]`` read as an official document, the table
    filling in; None when no document text is there (the caller reads the page as news)."""
    if first <= table.first <= last:  # the text finder took the table in: the text is beside it
        if table.first - first <= last - table.last:
            first = table.last + 1
        else:
            last = table.first - 1
        if first > last:
            return None
    start = _title_start(segs, first, last, table)
    kept: list[dom.Segment] = []
    dropped: list[dom.Segment] = []
    for seg in segs[start : last + 1]:
        furniture = seg.link_chars > hm.LINK_DENSE * seg.chars and not hm.is_prose(seg)
        (dropped if furniture or hm.is_notice(seg) else kept).append(seg)
    if not gw.read("\n".join(seg.text for seg in kept)).body:
        return None  # decided before anything is logged: the news reading logs its own way
    for seg in dropped:
        drop(doc, Block(seg.text), "boilerplate.removed", "link list or notice")
    g = gw.read("\n".join(t for seg in kept if (t := unmark(doc, seg.text))))
    art = Article(fields={"type": "Legislation"})
    for lift in gw.fill(art, g):
        drop(doc, Block(lift.before), lift.kind, lift.note)
    art.blocks = [Block(ln.raw, kind) for ln, kind in g.body]
    _from_table(art, table)
    published = day(table.values.get("published", ""))
    stamped = [d for d in meta.dates if not published or d[:10] == published]
    if stamped or published:
        art.fields["datePublished"] = stamped[0] if stamped else published
    labels = "、".join(table.labels[k] for k in table.values)
    doc.log(
        noted(
            0,
            f"information-disclosure table (lines {table.first + 1}-{table.last + 1}): {labels}",
            kind="metadata.lifted",
        )
    )
    layout_note(
        doc,
        "main-text.extracted",
        f"main text: lines {start + 1}-{last + 1} of {len(segs)} visible lines, read as an official document",
    )
    return art


def _title_start(segs: list[dom.Segment], first: int, last: int, table: Table) -> int:
    """Where the document starts: at the lines that spell the table's title when they stand just
    above or at the start of the main text (a wrapped title is short lines the text finder leaves
    out; a copy of the table may stand between), else where the main text starts."""
    name = _SPACES.sub("", table.values.get("name", ""))
    if not name:
        return first
    lo = max(first - TITLE_LINES, table.last + 1 if table.last < first else 0)
    for i in range(min(first + 3, last), lo - 1, -1):  # the nearest to the text first
        if i > 0 and (cell := _label(segs[i - 1].text)) is not None and not cell[2]:
            continue  # the value cell of a label (the table's 标题 repeated below the first)
        joined = ""
        for j in range(i, min(i + TITLE_LINES, last + 1)):
            joined += _SPACES.sub("", segs[j].text)
            if not name.startswith(joined):
                break
            if joined == name:
                return min(i, first)
    return first


def _from_table(art: Article, table: Table) -> None:
    """Fill what the document's lines did not give from the table; a disagreement is a warning."""
    f, v = art.fields, table.values
    said: list[tuple[str, str, object]] = []
    if v.get("name") and len(v["name"]) <= 300:
        said.append(("name", "name", v["name"]))
    if v.get("number"):
        number = gw.normalize_identifier(v["number"])
        if gw.is_doc_number(number):
            said.append(("number", "legislationIdentifier", number))
    if v.get("organ"):
        organs = gw.split_organs([v["organ"]])
        if organs and all(gw.organ_like(o) for o in organs):
            said.append(("organ", "legislationPassedBy", organs))
    if (created := day(v.get("created", ""))) is not None:
        said.append(("created", "legislationDate", created))
    index = _SPACES.sub("", v.get("index", ""))
    if index and len(index) <= 100:
        f["catalogueIndex"] = index
    force = _FORCE.get(_SPACES.sub("", view(v.get("validity", "")).text))
    if force:
        f["legislationLegalForce"] = force
    for key, field_name, value in said:
        have = f.get(field_name)
        if not have:
            f[field_name] = value
            if field_name == "name" and not f.get("legislationType"):
                kind = gw.document_type(str(value))
                if kind:
                    f["legislationType"] = kind
        elif _SPACES.sub("", str(have)) != _SPACES.sub("", str(value)):
            art.warnings.append(
                f"the page's {_NAMES[key]} ({value}) differs from the document's ({have}); "
                "the document's kept"
            )
