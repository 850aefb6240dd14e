"""Elements of a Chinese official document (公文), read from its plain text.

GB/T 9704-2012 lays a document out in a fixed order, and copies on the web keep
that order even when the typography is lost:

* 版头: urgency / security lines, an issuing-organ banner (``…文件``), the
  发文字号 (``国办发〔2019〕5号``), or for a decree (令) the line ``…令`` and
  ``第N号``;
* 主体: the title (often wrapped over two or three lines, sometimes
  letter-spaced), the 主送机关 line ending in ``：``, the 正文 with its outline
  (``一、`` / ``（一）`` / ``1.`` / ``（1）``), the 附件说明 (``附件：…``), the
  signature (one or more organ names, several for joint issuance) directly
  above the 成文日期, then 附注 in parentheses (``（此件公开发布）``);
* after the signature: the attachments (``附件1`` …), or the documents the
  notice 印发/转发/批转 (each with its own title, addressee, signature and date);
* 版记: ``抄送：`` and the ``…印发`` line.

:func:`read` finds these elements in a span of text and reports every line it
lifts out of the body, with offsets into that text, so the caller can log them.

The rules read each line through its :mod:`view <._view>` (simplified script,
pinyin annotations removed, one colon): a document in traditional script
(``發文機關``, ``抄送：``) is read like its simplified twin.  Offsets, body lines
and field values are the document's own text: each value is made on the view
and then restored to the spelling of the lines it was read from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .._document import Article, Change
from ..text._pinyin import remove_pinyin
from ._newsmeta import furniture_in_view
from ._view import view

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = " \t\u3000\u00a0\u2002\u2003\u200b"
_ENTITY = re.compile(r"&[A-Za-z]{1,8};?")

# 文种 (《党政机关公文处理工作条例》 Art. 8) and the kinds of documents that are
# issued as attachments (plans, regulations ...).  Longest match wins.
STATUTORY_TYPES = (
    "决议",
    "决定",
    "命令",
    "令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
)
_OTHER_TYPES = (
    "行动计划",
    "实施方案",
    "工作方案",
    "行动方案",
    "试点方案",
    "实施细则",
    "条例",
    "规定",
    "办法",
    "细则",
    "规则",
    "规划",
    "计划",
    "方案",
    "预案",
    "纲要",
    "章程",
    "标准",
    "指南",
    "清单",
    "目录",
    "答复",
    "要点",
    "名单",
    "制度",
)
_TYPES = sorted(set(STATUTORY_TYPES + _OTHER_TYPES), key=len, reverse=True)
_TRAILING_PAREN = re.compile(r"[（(][^（()）]{1,20}[）)]$")

_OPEN = re.escape("〔[［(（【")
_CLOSE = re.escape("〕]］)）】")
DOC_NUMBER = re.compile(
    rf"^(?P<code>[{_HAN}A-Za-z]{{1,16}})\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]"
    rf"\s*(?P<num>第?\s*\d{{1,5}}\s*号)"
)
_DECREE_HEAD = re.compile(
    rf"^(?P<org>[{_HAN}]{{2,30}}令)\s*(?P<num>第\s*[\d〇零一二三四五六七八九十百]+\s*号)?$"
)
_DECREE_NUM = re.compile(r"^第\s*[\d〇零一二三四五六七八九十百]+\s*号$")
_SIGNATORY = re.compile(
    rf"^(?P<title>[{_HAN}]{{0,10}}?(?:总理|主席|部长|省长|市长|主任|局长|书记|厅长|县长|区长))"
    rf"[{_SPACE}]+(?P<name>[{_HAN}·]{{2,5}})$"
)

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "０": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_Y = r"\d{4}|[〇○零Ｏ０一二三四五六七八九]{4}"
_MD = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
DATE_LINE = re.compile(rf"^(?P<y>{_Y})\s*年\s*(?P<m>{_MD})\s*月\s*(?P<d>{_MD})\s*日$")
_PAREN_DATE = re.compile(
    rf"^[（(](?P<org>[^（()）\d]*?)[{_SPACE}]*(?P<date>(?:{_Y})\s*年.{{1,8}}日)[^（()）]*[）)]$"
)

_OUTLINE = (
    (1, re.compile(r"^(?P<m>[一二三四五六七八九十百]{1,4}、)")),
    (2, re.compile(r"^(?P<m>[（(][一二三四五六七八九十百]{1,4}[）)])")),
    (3, re.compile(r"^(?P<m>\d{1,3}[.．、])(?![\d.．])")),
    (4, re.compile(r"^(?P<m>[（(]\d{1,3}[）)])")),
    (1, re.compile(r"^(?P<m>第[一二三四五六七八九十百]{1,4}章)")),
    (2, re.compile(r"^(?P<m>第[一二三四五六七八九十百]{1,4}节)")),
)
_ATTACHMENT_NOTE = re.compile(
    r"^附\s*件?\s*(?:(?:\d{1,2}|[一二三四五六七八九十]{1,2})?\s*[:：]|(?=\d{1,2}[.．、]\S))(?P<rest>.*)$"
)
_ATTACHMENT_LABEL = re.compile(r"^附\s*件?\s*(?P<n>\d{1,2}|[一二三四五六七八九十]{1,2})?\s*[:：.．]?$")
_NOTE_ITEM = re.compile(r"^(?P<n>\d{1,2})[.．、]\s*(?P<name>.+)$")
_SECTION_NO = re.compile(rf"^\d{{1,2}}(?:[.．]\d{{1,2}})*[{_SPACE}]")
_PAREN_NOTE = re.compile(r"^[（(][^（()）]{1,40}[）)]$")
_DISCLOSURE = re.compile(r"此件|公开|印发|发至|不公开")
_CC = re.compile(r"^抄\s*送\s*[:：](?P<v>.+)$")
_PRINTED = re.compile(
    rf"^(?P<office>[{_HAN}]{{2,40}}?)[{_SPACE}]+(?P<date>(?:{_Y})\s*年.{{1,8}}日)\s*印\s*发$"
)
_URGENCY = re.compile(r"^(特急|加急|特提|平急)$")
_SECURITY = re.compile(r"^(绝密|机密|秘密)(?:[★\s].*)?$")
_SIGNER = re.compile(r"签\s*发\s*人\s*[:：]\s*(?P<v>.+)$")
_BANNER = re.compile(rf"^[{_HAN}、{_SPACE}]{{2,60}}文件$")
_COPY_NO = re.compile(r"^\d{6}$")
_ORGAN_END = (
    "院",
    "府",
    "厅",
    "局",
    "部",
    "委",
    "办",
    "会",
    "室",
    "署",
    "行",
    "社",
    "组",
    "处",
    "所",
    "司",
    "队",
    "团",
    "校",
    "馆",
    "站",
    "关",
    "中心",
    "公司",
    "集团",
    "军区",
    "中央",
    "机关",
    "管委会",
)
# an ASCII "?" between two Han characters is no question mark: it is what an encoder writes for a
# character its codec lacks (a Big5 copy of 烏鶇 reads 烏?), and a title may hold one
_LOST_CHAR = r"(?<=[\u3400-\u9fff])\?(?=[\u3400-\u9fff])"
_SENTENCE = re.compile(rf"[。；！？!]|(?!{_LOST_CHAR})\?")
_TITLE_ORGAN = re.compile(r"^(?P<org>.+?)(?:关于|转发|批转|印发|对(?=[^外]))")
_FORWARD_VERB = re.compile(r"(转发|批转|印发)")
# a level of government or a place named without its organ (各省, 自治区, 县（市、区）, 河北省) in an
# addressee list; an item that opens with one and goes on names its organ (直辖市 + 人民政府)
_PLACE = re.compile(
    rf"[{_HAN}]{{0,12}}?(?:省|自治区|直辖市|计划单列市|市|自治州|州|盟|自治县|县|旗|区|乡|镇|街道)"
    r"(?:[（(][^（()）]*[）)])?"
)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: what the rules read, and where the line sits."""

    text: str
    """The line's view (simplified script, annotations removed, one colon)."""
    start: int
    end: int
    raw: str = ""
    """The line as written, ``text[start:end]`` of the text it was read from."""


@dataclass(slots=True)
class Lift:
    """A span taken out of the body into a field."""

    start: int
    end: int
    before: str
    note: str
    kind: str = "metadata.lifted"


@dataclass(slots=True)
class Gongwen:
    """What :func:`read` found."""

    fields: dict[str, Any] = field(default_factory=dict)
    body: list[tuple[Line, str]] = field(default_factory=list)
    """The 正文 lines with their block kind (``p``, ``h`` heading, ``note``)."""
    lifted: list[Lift] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origin: dict[str, list[Line]] = field(default_factory=dict)
    """For each field (a path: ``name``, ``attachments/0/name``, ``outline/3``), the lines its value was
    read from; :func:`read` restores every value to the spelling of those lines before returning."""


def lines(text: str, start: int = 0, end: int | None = None, limit: int | None = None) -> list[Line]:
    """The non-blank lines of ``text[start:end]`` (offsets into ``text``), each with its view; the
    first ``limit`` of them only, when given (a view costs a script conversion).

    A pinyin annotation that a hard wrap cut (``關(g`` / ``uān)於``) or parted from its character
    (``關`` / ``(guān)於``) is left out of both lines' views, as the text stage removes it."""
    end = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    raws = text[start:end].splitlines(keepends=True)
    cut_head = 0  # characters at the start of this line that belong to an annotation of the line before
    for k, raw in enumerate(raws):
        body = raw.rstrip("\r\n")
        stripped = body.strip(_SPACE)
        head, cut_head = cut_head, 0
        if stripped:
            if limit is not None and len(out) == limit:
                break
            lead = len(body) - len(body.lstrip(_SPACE))
            tail = 0
            if k + 1 < len(raws) and raw.endswith("\n"):
                tail, cut_head = _wrapped(stripped, raws[k + 1].rstrip("\r\n").lstrip(_SPACE))
            seen = stripped[head : len(stripped) - tail] if head or tail else stripped
            out.append(Line(view(seen).text, pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw)
    return out


def _wrapped(line: str, following: str) -> tuple[int, int]:
    """(characters at the end of ``line``, characters at the start of ``following``) of a pinyin
    annotation that the line break between them cut or parted from its character; (0, 0) if none."""
    tail, head = line[-14:], following[:16]
    if "(" not in tail + head and "（" not in tail + head:
        return 0, 0
    _, changes = remove_pinyin(f"{tail}\n{head}", "view")
    for c in changes:
        if c.applied and c.start <= len(tail) + 1 and c.end > len(tail) + 1:
            return max(0, len(tail) - c.start), c.end - len(tail) - 1
    return 0, 0


def _cn_number(s: str) -> int | None:
    """``23`` / ``二十三`` / ``十`` -> int (0 < n < 100)."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGIT.get(tens, -1) if tens else 1
        o = _CN_DIGIT.get(ones, -1) if ones else 0
        return None if t < 0 or o < 0 else t * 10 + o
    return _CN_DIGIT.get(s) if len(s) == 1 else None


def parse_date(text: str) -> str | None:
    """ISO date for a line holding only a date (Arabic or Chinese numerals), else None."""
    m = DATE_LINE.match(re.sub(f"[{_SPACE}]", "", text))
    if not m:
        return None
    y = m["y"]
    year = int(y) if y.isdigit() else int("".join(str(_CN_DIGIT[c]) for c in y))
    month, day = _cn_number(m["m"]), _cn_number(m["d"])
    if month is None or day is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _unspace(line: str) -> str:
    """One title line without letter-spacing; a space between two words (organs) stays single."""
    pieces = [p for p in re.split(f"[{_SPACE}]+", line.strip(_SPACE)) if p]
    if len(pieces) > 1 and sum(len(p) == 1 for p in pieces) * 2 >= len(pieces):
        return "".join(pieces)
    out = pieces[0] if pieces else ""
    for p in pieces[1:]:
        latin = out[-1].isascii() and p[0].isascii()
        out += " " + p if latin or (len(p) >= 2 and len(out) >= 2) else p
    return out


def join_title(parts: list[str]) -> str:
    """Join wrapped title lines; drop letter-spacing (``实 施 意 见``), keep one space between words."""
    out = ""
    for raw in parts:
        p = _unspace(raw)
        if out and out[-1].isascii() and out[-1].isalnum() and p[:1].isascii() and p[:1].isalnum():
            out += " "
        out += p
    return out.strip()


def document_type(title: str) -> str | None:
    """The 文种 at the end of a title (``…的通知`` -> ``通知``); compounds of a statutory 文种
    collapse to it (``指导意见`` -> ``意见``, ``复函`` -> ``函``)."""
    t = title.strip()
    while True:
        m = _TRAILING_PAREN.search(t)
        if not m or m.start() == 0:
            break
        t = t[: m.start()].rstrip()
    for kind in _TYPES:
        if t.endswith(kind):
            for base in sorted(STATUTORY_TYPES, key=len, reverse=True):
                if kind.endswith(base):
                    if base == "令" and kind != "令":
                        continue
                    return base
            return kind
    if t.endswith("复函"):
        return "函"
    return None


def normalize_identifier(raw: str) -> str:
    """发文字号 in its canonical form: brackets 〔〕, no spaces, simplified script, no pinyin annotations.

    An identifier is a code to look a document up by, not text to read: ``國辦發[2019]5號`` and
    ``国办发〔2019〕5号`` name the same document, so a copy in either script gives the same identifier
    (the schema's pattern is written that way too); the change is logged like the brackets'.
    """
    s = view(re.sub(f"[{_SPACE}]", "", raw)).text
    m = DOC_NUMBER.match(s)
    if not m:
        return s
    return f"{m['code']}〔{m['year']}〕{m['num']}" + s[m.end() :]


def is_doc_number(text: str) -> bool:
    m = DOC_NUMBER.match(re.sub(f"[{_SPACE}]", "", text))
    return bool(m) and re.sub(f"[{_SPACE}]", "", text)[m.end() :] == "" if m else False


def _doc_number_prefix(text: str) -> tuple[str, str] | None:
    """(identifier, rest) when ``text`` opens with a 发文字号 (a 签发人 may follow on the line)."""
    compact = text.strip(_SPACE)
    m = DOC_NUMBER.match(compact)
    if not m:
        return None
    rest = compact[m.end() :].strip(_SPACE)
    if rest and not _SIGNER.match(rest):
        return None
    return compact[: m.end()], rest


def split_list(text: str) -> list[str]:
    """Split an addressee / cc line on 、，；, outside parentheses.

    A 、 may also join levels of government before one head: ``各省、自治区、直辖市人民政府`` names the
    people's governments of all three, one addressee, not ``各省`` + ``自治区`` + ``直辖市人民政府``.
    So items that only name a level or a place (``各省``, ``市``, ``县（市、区）``, ``河北省``) stay with
    the item after them when that item is a level or place with its organ (``直辖市人民政府``); items
    that no such head follows (``北京市、天津市``) are left as they are.
    """
    runs: list[list[str]] = [[]]  # items joined by 、; a ，or ； starts a new run
    depth, cur = 0, ""
    for ch in text + "，":
        if ch in "（(〔[《":
            depth += 1
        elif ch in "）)〕]》":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;":
            if cur.strip(_SPACE):
                runs[-1].append(cur.strip(_SPACE))
            cur = ""
            if ch != "、":
                runs.append([])
        else:
            cur += ch
    items: list[str] = []
    for run in runs:
        levels: list[str] = []
        for item in _kinds_joined(run):
            if _PLACE.fullmatch(item):
                levels.append(item)
                continue
            head = _PLACE.match(item)
            if levels and head and head.end() < len(item):
                items.append("、".join([*levels, item]))
            else:
                items.extend([*levels, item])
            levels = []
        items.extend(levels)
    return items


def _kinds_joined(run: list[str]) -> list[str]:
    """Items of a 、 run with the kinds of organ that share one head put back together:
    ``省政府各委、办、厅、局`` names the commissions, offices, departments and bureaus of the provincial
    government, one addressee; a single character is no addressee of its own (a level of government,
    ``各省、市、自治区人民政府``, is left to :func:`split_list`'s rule for those)."""
    out: list[str] = []
    for item in run:
        if out and len(item) == 1 and not _PLACE.fullmatch(item):
            out[-1] += "、" + item
        else:
            out.append(item)
    return out


def _squash(text: str) -> str:
    return re.sub(f"[{_SPACE}]", "", text)


def _clean_organ(text: str) -> str:
    return _ENTITY.sub(" ", text).strip(_SPACE)


def organ_like(text: str) -> bool:
    t = _clean_organ(text)
    if not 2 <= len(t) <= 40 or _SENTENCE.search(t) or re.search(r"[，,：:“”《》\d]", t):
        return False
    if any(rx.match(t) for _, rx in _OUTLINE) or parse_date(t):
        return False
    return bool(re.fullmatch(rf"[{_HAN}、（）(){_SPACE}]+", t))


def _ends_organ(text: str) -> bool:
    return text.endswith(_ORGAN_END)


def split_organs(lines_: list[str]) -> list[str]:
    """Organ names from signature lines: several per line (spaces, 、) or one wrapped line."""
    organs: list[str] = []
    carry = ""
    for raw in lines_:
        t = _clean_organ(raw)
        pieces = [p for p in re.split(f"[{_SPACE}、]+", t) if p]
        if len(pieces) > 1 and all(len(p) >= 2 for p in pieces):
            if carry:
                pieces[0] = carry + pieces[0]
                carry = ""
            organs.extend(pieces[:-1])
            last = pieces[-1]
        else:
            last = carry + "".join(pieces)
            carry = ""
        if _ends_organ(last) or raw is lines_[-1]:
            organs.append(last)
        else:
            carry = last
    if carry:
        organs.append(carry)
    return organs


def title_organs(title: str) -> list[str]:
    """Issuing organs named at the head of a title (``国务院办公厅关于…`` -> [国务院办公厅])."""
    m = _TITLE_ORGAN.match(title)
    if not m:
        return []
    pieces = [p for p in re.split(f"[{_SPACE}、]+", m["org"]) if p]
    if pieces and all(_ends_organ(p) and len(p) >= 2 for p in pieces):
        return pieces
    return []


def _addressee(text: str) -> list[str] | None:
    t = text.strip(_SPACE)
    if not t.endswith(("：", ":")) or len(t) > 400:
        return None
    core = t[:-1]
    if not core or _SENTENCE.search(core) or re.search("[：:“”《]", core):
        return None
    return split_list(core)


_ADDRESSED = ("单位", "部门", "机构")
"""How an addressee that names no organ of its own ends (``各有关单位``, ``市直有关部门``)."""


def addressee_like(text: str) -> bool:
    """Whether ``text`` is a 主送机关 line that names organs (``各省、自治区人民政府，…：``), not any
    line ending in a colon (``相关阅读：``, ``主要内容如下：``): one of its items addresses ``各``
    (every) organ of a kind, or ends as an organ or a unit does."""
    items = _addressee(text)
    return bool(items) and any(
        it.startswith("各") or _ends_organ(it) or it.endswith(_ADDRESSED) for it in items or ()
    )


def _title_like(text: str) -> bool:
    t = text.strip(_SPACE)
    if len(t) > 50 or _SENTENCE.search(t) or re.search("[：:]", t):
        return False
    if t.startswith(("（", "(")) or t.count("）") + t.count(")") > t.count("（") + t.count("("):
        return False
    if parse_date(t) or any(rx.match(t) for _, rx in _OUTLINE):
        return False
    if _SECTION_NO.match(t) or re.sub(f"[{_SPACE}]", "", t) in ("目录", "目次"):
        return False
    return not _doc_number_prefix(t)


_TITLE_PUNCT = re.compile(rf"[，,。；;：:！？!]|(?!{_LOST_CHAR})\?")
_TITLE_LINES = 3


def title_lines(texts: list[str]) -> int:
    """How many of ``texts`` (views of the lines at the head of a document) make its title, read by
    the title's own form; 0 when no title ends among them.

    GB/T 9704 sets the title (标题) on one to three lines, ending with the 文种 (``…的通知``) and with
    no punctuation but the 书名号 of a quoted name, 、 and brackets; the 正文 begins on the next line.
    When nothing else ends the title (no 发文字号 or 主送机关 under it) and the body's lines are as
    short as a title's (a hard-wrapped copy), the title is the longest such run of lines that ends
    with a 文种.
    """
    for k in range(min(_TITLE_LINES, len(texts)), 0, -1):
        head = texts[:k]
        if not any(_TITLE_PUNCT.search(t) for t in head) and document_type(join_title(head)):
            return k
    return 0


_RUN_IN = 60
"""A heading longer than this is the lead sentence of a run-in item, not a heading of its own."""


def outline_entry(text: str) -> dict[str, Any] | None:
    """``{"level", "marker", "title"}`` for a line opening with an outline marker.

    Every numbered item is part of the document's outline, whether it is a heading (``一、总体要求``,
    ``（一）指导思想。…``) or a paragraph that opens with its number (``一、对深化商事制度改革成效显著
    …的市（地、州、盟），优先纳入…。``).  The title is the heading, i.e. the text up to the first
    sentence end; for a run-in item whose lead sentence is longer than a heading, its opening clause.
    """
    for level, rx in _OUTLINE:
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end() :].strip(_SPACE)
        cut = re.search("[。；]", rest)
        head = rest[: cut.start()] if cut else rest.rstrip("：:")
        if len(head) > _RUN_IN and (clause := re.search("[，：:]", head)):
            head = head[: clause.start()]
        if not head:
            return None
        return {"level": level, "marker": m["m"], "title": _unspace(head)}
    return None


@dataclass(slots=True)
class _Close:
    sign_from: int
    date_at: int
    organs: list[str]
    date: str


def _find_close(ls: list[Line], lo: int, hi: int, need_organ: bool) -> _Close | None:
    """The first signature (organ lines) + 成文日期 line in ``ls[lo:hi]``."""
    for j in range(lo, hi):
        iso = parse_date(ls[j].text)
        if not iso:
            continue
        k = j
        while k - 1 >= lo and j - (k - 1) <= 3 and organ_like(ls[k - 1].text):
            k -= 1
        if k == j and need_organ:
            continue
        return _Close(k, j, split_organs([ls[i].text for i in range(k, j)]), iso)
    return None


def _lift(g: Gongwen, ln: Line, note: str) -> None:
    g.lifted.append(Lift(ln.start, ln.end, ln.raw, note))


def _lift_span(g: Gongwen, text: str, first: Line, last: Line, note: str) -> None:
    g.lifted.append(Lift(first.start, last.end, text[first.start : last.end], note))


def read(text: str, start: int = 0, end: int | None = None) -> Gongwen:
    """Find the official-document elements in ``text[start:end]``.

    Fields use the record's keys (``name``, ``legislationType``,
    ``legislationIdentifier``, ``legislationPassedBy``, ``legislationDate``,
    ``addressee``, ``attachmentNote``, ``attachments``, ``outline``,
    ``disclosure``, ``forwarded`` …); a key is absent when the element is not
    found.  Offsets are into ``text``.
    """
    g = Gongwen()
    ls = []
    for ln in lines(text, start, end):
        what = furniture_in_view(ln.text)  # a page break's jump line or page number: no part of the text
        if what is None:
            ls.append(ln)
        else:
            g.lifted.append(Lift(ln.start, ln.end, ln.raw, what, "boilerplate.removed"))
    if not ls:
        return g
    f = g.fields
    i = 0
    # 版头: urgency, security, copy number, banner, 签发人
    while i < len(ls) and i < 6:
        t = ls[i].text
        if _URGENCY.match(t):
            key, value = "urgency", t
        elif _SECURITY.match(t):
            key, value = "securityClass", t
        elif _COPY_NO.match(t):
            key, value = "copyNumber", t
        elif _BANNER.match(t) and _ends_organ(join_title([t[:-2]])) and "关于" not in t:
            key, value = "issuerBanner", join_title([t[:-2]])
        else:
            break
        f[key] = value
        g.origin[key] = [ls[i]]
        _lift(g, ls[i], key)
        i += 1
    decree = _read_decree(g, ls, i)
    i = decree if decree is not None else _read_head(g, ls, i)
    body_from = i
    close = _find_close(ls, body_from, len(ls), need_organ=True) or _find_close(
        ls, body_from, len(ls), need_organ=False
    )
    body_to = close.sign_from if close else len(ls)
    # 版记 at the very end
    tail = len(ls)
    while tail - 1 > (close.date_at if close else body_from) and (
        _CC.match(ls[tail - 1].text) or _PRINTED.match(ls[tail - 1].text)
    ):
        tail -= 1
    for ln in ls[tail:]:
        m = _CC.match(ln.text)
        if m:
            f["ccRecipient"] = split_list(m["v"].rstrip("。."))
            g.origin["ccRecipient"] = [ln]
            _lift(g, ln, "ccRecipient")
        else:
            p = _PRINTED.match(ln.text)
            assert p is not None
            f["issuingOffice"] = p["office"]
            g.origin["issuingOffice"] = [ln]
            if parse_date(p["date"]):
                f["printingDate"] = parse_date(p["date"])
            _lift(g, ln, "issuingOffice")
    if close is None:
        body_to = tail
    # 附件说明 at the end of the body
    note_at = None
    for j in range(body_from, body_to):
        if _ATTACHMENT_NOTE.match(ls[j].text) and all(
            _NOTE_ITEM.match(ls[k].text) or (len(ls[k].text) <= 60 and not _SENTENCE.search(ls[k].text[:-1]))
            for k in range(j + 1, body_to)
        ):
            note_at = j
            break
    note_names: list[str] = []
    if note_at is not None:
        note_lines = ls[note_at:body_to]
        f["attachmentNote"] = "\n".join(ln.raw for ln in note_lines)
        for k, ln in enumerate(note_lines):
            _lift(g, ln, "attachmentNote")
            t = ln.text
            if k == 0:
                t = _ATTACHMENT_NOTE.match(t)["rest"].strip(_SPACE)  # type: ignore[index]
            m = _NOTE_ITEM.match(t)
            name = (m["name"] if m else t).strip(_SPACE)
            if name:
                note_names.append(name)
        body_to = note_at
    outline: list[dict[str, Any]] = []
    for ln in ls[body_from:body_to]:
        entry = outline_entry(ln.text)
        if entry:
            g.origin[f"outline/{len(outline)}"] = [ln]
            outline.append(entry)
        kind = "h" if entry and not re.search("[。；]", ln.text.rstrip("。")) else "p"
        g.body.append((ln, kind))
    after = len(ls) if close is None else close.date_at + 1
    if close is not None:
        if decree is None:
            if close.organs:
                f["legislationPassedBy"] = close.organs
                g.origin["legislationPassedBy"] = ls[close.sign_from : close.date_at]
            f["legislationDate"] = close.date
        for k in range(close.sign_from, close.date_at):
            _lift(g, ls[k], "legislationPassedBy")
        _lift(g, ls[close.date_at], "legislationDate")
        while after < tail and _PAREN_NOTE.match(ls[after].text):
            t = ls[after].text
            if _DISCLOSURE.search(t) and "disclosure" not in f:
                f["disclosure"] = t[1:-1].strip(_SPACE)
                g.origin["disclosure"] = [ls[after]]
                _lift(g, ls[after], "disclosure")
            else:
                g.body.append((ls[after], "note"))
            after += 1
    if "legislationPassedBy" not in f and f.get("name"):
        organs = title_organs(f["name"])
        if organs:
            f["legislationPassedBy"] = organs
            g.origin["legislationPassedBy"] = g.origin["name"]
    if "legislationPassedBy" not in f and f.get("issuerBanner"):
        f["legislationPassedBy"] = split_organs([f["issuerBanner"]])
        g.origin["legislationPassedBy"] = g.origin["issuerBanner"]
    parts = _read_parts(
        g,
        text,
        ls[after:tail],
        (note_names, ls[note_at:body_to] if note_at is not None else []),
        split_titles=bool(_FORWARD_VERB.search(f.get("name") or "")),
    )
    if parts:
        f["attachments"] = [p for p, _ in parts]
        for n, (_, sub) in enumerate(parts, 1):
            for o, ln in sub:
                g.origin[f"outline/{len(outline)}"] = [ln]
                outline.append({**o, "attachment": n})
    if outline:
        f["outline"] = outline
    forwarded = _forwarded(g, parts)
    if forwarded:
        f["forwarded"] = forwarded
    _restore(g)
    return g


def _restore(g: Gongwen) -> None:
    """Every value registered in ``g.origin`` in the spelling of the lines it was read from."""
    for path, source in g.origin.items():
        *parents, key = path.split("/")
        holder: Any = g.fields
        for step in parents:
            holder = holder[int(step)] if isinstance(holder, list) else holder.get(step)
            if holder is None:
                break
        if holder is None:
            continue
        if isinstance(holder, list):
            holder[int(key)] = _respell(holder[int(key)], source)
        elif key in holder:
            holder[key] = _respell(holder[key], source)


def _respell(value: Any, source: list[Line]) -> Any:
    """``value`` (a string, or the strings in a list or dict) in the spelling of ``source``."""
    v = view("\n".join(ln.raw for ln in source))
    if isinstance(value, str):
        return v.restore(value)
    if isinstance(value, list):
        return [_respell(x, source) for x in value]
    if isinstance(value, dict):
        return {k: _respell(x, source) for k, x in value.items()}
    return value


def _read_head(g: Gongwen, ls: list[Line], i: int) -> int:
    """Title, 发文字号 and 主送机关 at the top; returns the index of the first body line."""
    f = g.fields
    if i < len(ls) and (dn := _doc_number_prefix(ls[i].text)):
        _set_identifier(g, ls[i], dn)
        i += 1
    title: list[Line] = []
    while i < len(ls) and len(title) < 5 and _title_like(ls[i].text):
        title.append(ls[i])
        i += 1
    nxt = ls[i].text if i < len(ls) else ""
    dn = _doc_number_prefix(nxt) if nxt else None
    if title and not dn and _addressee(nxt) is None and (k := title_lines([ln.text for ln in title])):
        # no 发文字号 or 主送机关 ends the title: it ends with its 文种, the body's lines follow
        i -= len(title) - k
        title = title[:k]
        nxt = ls[i].text if i < len(ls) else ""
    joined = join_title([ln.text for ln in title])
    if title and (dn or _addressee(nxt) is not None or document_type(joined)):
        f["name"] = joined
        g.origin["name"] = title
        kind = document_type(joined)
        if kind:
            f["legislationType"] = kind
            g.origin["legislationType"] = title
        for ln in title:
            _lift(g, ln, "name")
    else:
        i -= len(title)
    if dn and "legislationIdentifier" not in f:
        _set_identifier(g, ls[i], dn)
        i += 1
    if i < len(ls):
        addr = _addressee(ls[i].text)
        if addr:
            f["addressee"] = addr
            g.origin["addressee"] = [ls[i]]
            _lift(g, ls[i], "addressee")
            i += 1
    return i


def _set_identifier(g: Gongwen, ln: Line, dn: tuple[str, str]) -> None:
    raw, rest = dn
    _identifier(g, view(ln.raw).restore(raw))
    if rest:
        m = _SIGNER.match(rest)
        if m:
            g.fields["signatory"] = [s for s in re.split(f"[{_SPACE}、，,]+", m["v"]) if s]
            g.origin["signatory"] = [ln]
    _lift(g, ln, "legislationIdentifier")


def _identifier(g: Gongwen, written: str) -> None:
    """Set the 发文字号 in canonical form, noting the form it was written in when that differs."""
    canonical = normalize_identifier(written)
    g.fields["legislationIdentifier"] = canonical
    if canonical != written:
        g.fields.setdefault("identifierNormalized", []).append({"before": written, "after": canonical})


def _read_decree(g: Gongwen, ls: list[Line], i: int) -> int | None:
    """A decree (令): ``…令`` / ``第N号`` / promulgation text / signatory / date / the regulation."""
    if i >= len(ls):
        return None
    m = _DECREE_HEAD.match(re.sub(f"[{_SPACE}]", "", ls[i].text))
    if not m:
        return None
    head = [ls[i]]
    num = m["num"]
    if not num and i + 1 < len(ls) and _DECREE_NUM.match(re.sub(f"[{_SPACE}]", "", ls[i + 1].text)):
        num = re.sub(f"[{_SPACE}]", "", ls[i + 1].text)
        head.append(ls[i + 1])
    if not num:
        return None
    f = g.fields
    organ = m["org"][:-1]
    ident = m["org"] + re.sub(f"[{_SPACE}]", "", num)
    _identifier(g, view("\n".join(ln.raw for ln in head)).restore(ident))
    f["legislationPassedBy"] = [organ]
    g.origin["legislationPassedBy"] = head
    for ln in head:
        _lift(g, ln, "legislationIdentifier")
    j = i + len(head)
    # promulgation text up to the signatory + date
    k = j
    while k < len(ls) and not parse_date(ls[k].text):
        k += 1
    if k >= len(ls):
        return j
    sig_at = k - 1 if k - 1 >= j and _SIGNATORY.match(ls[k - 1].text) else k
    if sig_at < k:
        sm = _SIGNATORY.match(ls[sig_at].text)
        assert sm is not None
        f["signatory"] = [{"name": sm["name"], "jobTitle": sm["title"]}]
        g.origin["signatory"] = [ls[sig_at]]
        _lift(g, ls[sig_at], "signatory")
    f["legislationDate"] = parse_date(ls[k].text)
    _lift(g, ls[k], "legislationDate")
    promulgation = ls[j:sig_at]
    k += 1
    title: list[Line] = []
    while k < len(ls) and len(title) < 4 and _title_like(ls[k].text):
        title.append(ls[k])
        k += 1
    if title:
        name = join_title([ln.text for ln in title])
        f["name"] = name
        g.origin["name"] = title
        kind = document_type(name)
        if kind:
            f["legislationType"] = kind
            g.origin["legislationType"] = title
        for ln in title:
            _lift(g, ln, "name")
    g.body.extend((ln, "p") for ln in promulgation)
    return k


def _title_run(body: list[Line], k: int) -> int:
    """Number of title lines starting at ``body[k]`` that name a document (0 if none)."""
    n = 0
    while k + n < len(body) and n < 3 and _title_like(body[k + n].text):
        n += 1
    if not n or k + n >= len(body) or _title_like(body[k + n].text):
        return 0
    return n if document_type(join_title([ln.text for ln in body[k : k + n]])) else 0


def _split_on_titles(group: tuple[Line | None, list[Line]]) -> list[tuple[Line | None, list[Line]]]:
    """Split a part where a new document title follows a finished paragraph (several documents
    印发 together without attachment labels)."""
    label, body = group
    pieces: list[tuple[Line | None, list[Line]]] = [(label, [])]
    k = 0
    while k < len(body):
        if k > 0 and body[k - 1].text.endswith("。") and pieces[-1][1] and _title_run(body, k):
            pieces.append((None, []))
        pieces[-1][1].append(body[k])
        k += 1
    return pieces


_Part = tuple[dict[str, Any], list[tuple[dict[str, Any], Line]]]
"""An attachment or forwarded document, with its outline entries and the line of each."""


def _read_parts(
    g: Gongwen, text: str, ls: list[Line], note: tuple[list[str], list[Line]], split_titles: bool = False
) -> list[_Part]:
    """Attachments / forwarded documents after the signature, one dict per part; ``note`` holds
    the names the 附件说明 gives and its lines."""
    note_names, note_lines = note
    groups: list[tuple[Line | None, list[Line]]] = []
    closed = False
    for ln in ls:
        if _ATTACHMENT_LABEL.match(ln.text):
            groups.append((ln, []))
            closed = False
            continue
        if not groups or (closed and not _PAREN_NOTE.match(ln.text)):
            groups.append((None, []))
            closed = False
        groups[-1][1].append(ln)
        cur = groups[-1][1]
        if parse_date(ln.text) and len(cur) >= 3 and organ_like(cur[-2].text):
            closed = True
    if split_titles:
        groups = [piece for grp in groups for piece in _split_on_titles(grp)]
    out: list[_Part] = []
    for n, (label, body) in enumerate(groups):
        part: dict[str, Any] = {}
        at = f"attachments/{len(out)}"
        lm = _ATTACHMENT_LABEL.match(label.text) if label is not None else None
        if label is not None:
            part["label"] = label.raw
        note_name = None
        if label is not None:
            num = _cn_number(lm["n"]) if lm and lm["n"] else (1 if len(note_names) == 1 else None)
            if num and 0 < num <= len(note_names):
                note_name = note_names[num - 1]
        elif not any(lbl for lbl, _ in groups) and n < len(note_names):
            note_name = note_names[n]
        k = 0
        named = False
        title: list[Line] = []
        while k < len(body) and len(title) < 4 and _title_like(body[k].text):
            title.append(body[k])
            k += 1
            joined = join_title([ln.text for ln in title])
            if note_name is not None and _squash(joined) == _squash(note_name):
                named = True
                break
            if (
                note_name is None
                and document_type(joined)
                and k < len(body)
                and not _title_like(body[k].text)
            ):
                break
        if title and not named and k < len(body) and _title_like(body[k].text):
            title = []  # a run of short lines (a table, a list), not a title
            k = 0
        if title:
            part["name"] = join_title([ln.text for ln in title])
            g.origin[f"{at}/name"] = g.origin[f"{at}/legislationType"] = title
        elif note_name:
            part["name"] = note_name
            g.origin[f"{at}/name"] = g.origin[f"{at}/legislationType"] = note_lines
        if part.get("name"):
            kind = document_type(part["name"])
            if kind:
                part["legislationType"] = kind
        rest = body[k:]
        if rest:
            pm = _PAREN_DATE.match(rest[0].text)
            if pm and pm["org"].strip(_SPACE):
                part["legislationPassedBy"] = split_organs([pm["org"]])
                g.origin[f"{at}/legislationPassedBy"] = rest[:1]
            if pm and parse_date(pm["date"]):
                part["legislationDate"] = parse_date(pm["date"])
        close = _find_close(rest, 0, len(rest), need_organ=True)
        if close and close.organs and "legislationPassedBy" not in part:
            part["legislationPassedBy"] = close.organs
            g.origin[f"{at}/legislationPassedBy"] = rest[close.sign_from : close.date_at]
        if close:
            part["legislationDate"] = close.date
        part["text"] = "\n".join(ln.raw for ln in rest)
        sub = [(e, ln) for ln in rest if (e := outline_entry(ln.text))]
        first = label or (body[0] if body else None)
        last = body[-1] if body else label
        if first is not None and last is not None:
            _lift_span(g, text, first, last, f"attachments/{len(out)}")
        out.append((part, sub))
    return out


def _forwarded(g: Gongwen, parts: list[_Part]) -> list[dict[str, Any]]:
    """Documents this one 印发/转发/批转, named in its title and matched to the parts after it."""
    name = g.fields.get("name") or ""
    m = _FORWARD_VERB.search(name)
    if not m:
        return []
    out: list[dict[str, Any]] = []
    quoted = re.findall(r"《([^《》]+)》", name[m.end() :])
    organs_in_title: list[str] = []
    if m[1] in ("转发", "批转"):
        om = re.match(r"(?P<org>.+?)(?:关于|《)", name[m.end() :])
        if om:
            organs_in_title = [p for p in re.split("[、]", om["org"]) if p]
    title_lines = g.origin.get("name", [])
    labelled = [(n, p) for n, (p, _) in enumerate(parts) if "label" not in p]
    candidates = labelled or [(n, p) for n, (p, _) in enumerate(parts)]
    if candidates:
        for n, p in candidates if m[1] == "印发" or len(quoted) > 1 else candidates[:1]:
            if not p.get("name"):
                continue
            at = f"forwarded/{len(out)}"
            item: dict[str, Any] = {"name": p["name"]}
            g.origin[f"{at}/name"] = g.origin[f"attachments/{n}/name"]
            organs = p.get("legislationPassedBy") or organs_in_title
            if organs:
                item["legislationPassedBy"] = list(organs)
                g.origin[f"{at}/legislationPassedBy"] = g.origin.get(
                    f"attachments/{n}/legislationPassedBy", title_lines
                )
            out.append(item)
    elif quoted:
        for q in quoted:
            item = {"name": q}
            g.origin[f"forwarded/{len(out)}"] = title_lines
            if organs_in_title:
                item["legislationPassedBy"] = organs_in_title
            out.append(item)
    return out


def fill(art: Article, g: Gongwen) -> list[Lift]:
    """Put what :func:`read` found into ``art``'s fields and warnings (a title the
    article already has stays when the document repeats none); the lines it lifted, in order, for
    the caller to log (their offsets are into the text that was read)."""
    f = art.fields
    tmpl_name = f.get("name")
    for key, value in g.fields.items():
        if key == "identifierNormalized":
            for item in value:
                art.changes.append(
                    Change(
                        kind="identifier.normalized",
                        target="legislationIdentifier",
                        step="parse",
                        start=0,
                        end=len(item["before"]),
                        before=item["before"],
                        after=item["after"],
                        note="canonical form: 〔〕, no spaces, simplified script",
                    )
                )
            continue
        f[key] = value
    if tmpl_name and not g.fields.get("name"):
        f["name"] = tmpl_name
    art.warnings.extend(g.warnings)
    return sorted(g.lifted, key=lambda x: x.start)
