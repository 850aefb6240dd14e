"""The information line of a web article: dates, sources, bylines as pages show them.

Between a page's headline and its text (and sometimes right after the text) sits a line such as
``2005年03月21日 11:21 来源：理财周刊 作者：尹娟`` or ``发布时间：2022-02-13 04:22:18 来源：云南日报``,
``光明日报记者 王建宏 张文攀``, ``由某某张贴 @ 2005-06-14 03:25:55``.  This module reads such lines:
the date (as written, no zone: pages rarely say which) and the labelled values.  Only people
named in a byline become authors: a value of ``来源`` is a publisher unless it is a personal name,
reporters' names must look like names (:func:`._newsmeta.is_person_name`), and values of
``作者`` may be pen names but not organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text._pinyin import remove_pinyin
from . import _htmldom as dom
from . import _htmlmeta as hmeta
from . import _newsmeta as nm
from ._view import view

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９：／－", "0123456789:/-")
DATE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:[\s,]*(?:星期[一二三四五六日天]|周[一二三四五六日天]|[（(]星期?[一二三四五六日天][)）])?[\s,]*"
    r"(?P<ap>上午|下午|晚上|早上|中午)?\s*(?P<H>\d{1,2})\s*[:：时時]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?"
    r"(?!\d))?"
)
# labels whose value follows a colon
_LABELS = {
    "作者": "author",
    "作　者": "author",
    "撰文": "author",
    "撰稿": "author",
    "文章作者": "author",
    "执笔人": "author",
    "执笔": "author",
    "執筆": "author",
    "发布者": "author",
    "發布者": "author",
    "发表者": "author",
    "發表者": "author",
    "发帖人": "author",
    "楼主": "author",
    "发信人": "author",
    "发表人": "author",
    "發表人": "author",
    "发帖者": "author",
    "贴主": "author",
    "發信人": "author",
    "樓主": "author",
    "记者": "reporter",
    "記者": "reporter",
    "责任编辑": "editor",
    "責任編輯": "editor",
    "责编": "editor",
    "編輯": "editor",
    "编辑": "editor",
    "来源": "source",
    "來源": "source",
    "稿源": "source",
    "出处": "source",
    "出處": "source",
    "文章来源": "source",
    "信息来源": "source",
}
_LABEL = re.compile(
    r"(?P<label>" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_TITLES = r"首席记者|特约记者|见习记者|实习记者|实习生|记者|記者|通讯员|通訊員"
# ``本报记者 某某 某某``, ``□本报记者某某``, ``记者 某某 通讯员 某某``: names stop at the next title
_FILED_FROM = r"(?:发自|發自)"
_REPORTER = re.compile(
    rf"(?:^|(?<=[^\w·]))(?:[{_HAN}·]{{0,12}}?)(?P<t>{_TITLES})"
    rf"\s*[:：]?\s*(?P<names>(?!{_TITLES})(?:(?!{_FILED_FROM})[{_HAN}·]){{2,5}}"
    rf"(?:[\s、，,]+(?!{_TITLES})(?:(?!{_FILED_FROM})[{_HAN}·]){{2,5}})*)(?P<filed>{_FILED_FROM})?"
)
"""A reporter credit: ``本报记者 某某 某某``, ``新华日报·交汇点记者 某某``, ``本报记者某某发自北京`` (the
name between the title and ``发自`` is a name whatever its surname)."""
# ``编辑 某某`` standing alone (no colon): an editor credit
_EDITOR_BARE = re.compile(
    rf"^\s*[（(【\[]?\s*(?P<t>责任编辑|责编|编辑)\s+(?P<v>[{_HAN}·]{{2,5}})\s*[）)】\]]?\s*$"
)
_WEN = re.compile(
    rf"(?:^|(?<=\s))[文图圖]\s*[/|｜丨]\s*(?P<v>[{_HAN}·]{{2,5}})|(?P<w>[{_HAN}·]{{2,5}})\s*[/|｜丨]\s*文(?:$|\s)"
)
# a photo credit: ``某某/摄``, ``记者 某某 摄``
PHOTO = re.compile(
    rf"(?:^|[\s（(])(?:(?:记者|記者|摄影|攝影)\s*)?(?P<v>[{_HAN}·]{{2,4}})\s*/?\s*(?:摄|攝)(?:$|[\s）)])"
)
_POSTED_BY = re.compile(
    r"由\s*(?P<v>[^\s@]{2,16}?)\s*(?:张贴|張貼|发表|發表|发布|發布|于\s*(?=(?:19|20)\d\d))"
    r"|[Pp]osted by\s+(?P<e>[\w.-]{2,30})"
    r"|(?:发布时间|發布時間|发表时间|發表時間)[^a-zA-Z]{6,40}?\sby\s+(?P<b>[^\s〓|｜]{2,20})"
)
"""Who posted: ``由某某张贴``, ``本贴由某某于2005年8月12日…发表`` (a name, then when), ``Posted by x``,
and the post footers of forum boards, ``发布时间 2005/05/17 22:11:42 by 某某``."""
_POSTED = re.compile(
    r"张贴|張貼|发表于|發表於|发布于|發布於|发表时间|發表時間|发布时间|發布時間|[Pp]osted"
    r"|由\S{2,16}?于\s*(?:19|20)\d\d"
)
_VALUE_END = re.compile(
    r"\s{2,}|\s*[|｜丨/：:，,]\s*|\s+(?=\d)|\s*[（(【\[\]】）)]|\s+(?=\S{1,8}[:：])"
    r"|\s*(?=出自|出處|摘自|选自|選自|转自|轉自|来自|來自|发自|發自)"
    r"|\s+(?=(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|回复|回覆|人气|人氣)\s*[（(:：\d])"
)
"""Where a labelled value ends: wide spaces, a separator, a number, a bracket, the next label, a
word that says where the text comes from, glued to the name (``作者：某某出自《…》``), or a counter
after it (``作者:zboygirl 阅读(1660) 评论(5)``)."""
# ``某某 发表于 2005-9-15 11:46:00`` (forums), ``[ 某某 ]`` beside a date (portal information lines)
_NAME_POSTED = re.compile(r"^\s*(?P<v>[^\s:：]{2,20})\s+(?:发表于|發表於|发表时间|發表時間)")
_BRACKETED = re.compile(rf"[\[【]\s*(?P<v>[{_HAN}·]{{2,5}})\s*[\]】]")
# month/day/year with AM/PM: the en-US form (ASP pages); without AM/PM the order is unknown
_US_DATE = re.compile(
    r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d\d)\s+"
    r"(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?\s*(?P<ap>AM|PM)",
    re.I,
)
# ``September 10th, 2005 10:56 am`` (English blog templates)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_EN_DATE = re.compile(
    r"\b(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d\d)(?:,?\s+(?:at\s+)?(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?\s*(?P<ap>am|pm)?)?",
    re.I,
)
# a closing byline naming where the reporter filed from: ``…。（某某 上海报道）``
_CLOSING_REPORT = re.compile(
    rf"(?P<pre>[。！？”」』…!?])\s*[（(]\s*(?:(?P<t>[{_HAN}]{{0,4}}?(?:记者|記者))\s*)?"
    rf"(?P<names>[{_HAN}·]{{2,5}}(?:[\s、，,]+[{_HAN}·]{{2,5}}){{0,3}}?)"
    rf"(?(t)(?:\s*[{_HAN}]{{0,8}}?(?:报道|報道|电|電))?|\s*[{_HAN}]{{0,8}}?(?:报道|報道|电|電))\s*[）)]\s*$"
)
"""A closing byline: ``…。（某某 上海报道）``, ``…。（记者 某某）``, ``…。（总台记者 某某）`` (with a reporter
title the place and ``报道`` may be left out)."""


# a magazine issue credited under the text: ``——《北京之春》1996年3月号``, ``（原载《读书》2003年5月号）``:
# the source and a month, the only date the page gives (no day is made up)
_ISSUE_CREDIT = re.compile(
    r"^\s*[（(]?\s*(?:——|—|--)?\s*(?:原载|原載|载于|載於|转载自|轉載自|摘自|选自|選自|刊于|刊於)?\s*"
    r"《(?P<src>[^《》]{1,30})》\s*(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月号\s*[）)]?\s*$"
)


_NOT_TEXT = re.compile(r"[=<>\"{}]")


@dataclass
class LineFacts:
    """What one information line says."""

    date: str | None = None
    timed: bool = False
    authors: list[dict[str, str]] = field(default_factory=list)
    editors: list[dict[str, str]] = field(default_factory=list)
    source: str = ""
    posted: bool = False
    """The line says the date is when the text was posted (``发表于``, ``张贴``)."""

    @property
    def empty(self) -> bool:
        return not (self.date or self.authors or self.editors or self.source)


_CLOCK = re.compile(
    r"(?:访问统计|訪問統計|访问量|訪問量|浏览次数|瀏覽次數|浏览|瀏覽|点击数|點擊數|阅读数|閱讀數|人气|人氣"
    r"|当前时间|當前時間|现在时间|現在時間|今天是|今日|最后登录|最後登錄|上次登录|上次登錄)[^\d]{0,6}$"
)
"""A label whose date is the page's clock, a visit counter or a login, not the text's: ``访问统计：
2005年08月30日 13:22``, ``今天是2022年2月13日``."""


def _article_date(t: str) -> re.Match[str] | None:
    """The first date of the line that no clock or counter label (:data:`_CLOCK`) claims."""
    for m in DATE.finditer(t):
        if not _CLOCK.search(t[max(0, m.start() - 12) : m.start()]):
            return m
    return None


def dated_only(text: str) -> bool:
    """A line that is a date and little else (a counter, a weekday: ``2004-12-10 阅读10544次``)."""
    t = nm.fold(text.translate(_FULLWIDTH_DIGITS))
    m = _article_date(t)
    return m is not None and len(_HAN_CHAR.findall(t[: m.start()] + t[m.end() :])) <= DATED_ONLY_REST


_BARE_DATE = re.compile(
    r"^\s*(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>[12]\d|3[01]|0?[1-9])\s*日)?\s*$"
)


def bare_date(text: str) -> str | None:
    """The date of a line that is a date written out and nothing else (``2003年5月``,
    ``2003年5月6日``; no clock time, no label), as ISO (``2003-05``, ``2003-05-06``), else None."""
    m = _BARE_DATE.match(view(text.translate(_FULLWIDTH_DIGITS)).text)
    if m is None:
        return None
    if m["d"] is None:
        return f"{m['y']}-{int(m['m']):02d}"
    return hmeta.iso(m["y"], m["m"], m["d"])


DATED_ONLY_REST = 4
"""Most Han characters besides the date on a line that :func:`dated_only` calls a bare date."""
_HAN_CHAR = re.compile(f"[{_HAN}]")


def read_line(text: str) -> LineFacts:
    """The date and the labelled values of an information line.  Pinyin readings after its
    characters (``作者：張(zhāng)三(sān)``) are read past, as the text stage removes them: the
    values are taken without them (the line itself is logged as it was written)."""
    facts = LineFacts()
    if "(" in text or "（" in text:
        text = remove_pinyin(text, "byline")[0]
    t = nm.fold(text.translate(_FULLWIDTH_DIGITS))
    if m := _article_date(t):
        hour = m["H"]
        if hour is not None and m["ap"] in ("下午", "晚上") and int(hour) < 12:
            hour = str(int(hour) + 12)
        facts.date = hmeta.iso(m["y"], m["m"], m["d"], hour, m["M"], m["S"])
    elif m := _EN_DATE.search(t):
        hour = m["H"]
        if hour is not None and m["ap"] and m["ap"].lower() == "pm" and int(hour) < 12:
            hour = str(int(hour) + 12)
        month = str(_MONTHS.index(m["mon"][:3].lower()) + 1)
        facts.date = hmeta.iso(m["y"], month, m["d"], hour, m["M"], m["S"])
    elif m := _US_DATE.search(t):
        hour = str(int(m["H"]) % 12 + (12 if m["ap"].upper() == "PM" else 0))
        facts.date = hmeta.iso(m["y"], m["m"], m["d"], hour, m["M"], m["S"])
    elif m := _ISSUE_CREDIT.match(t):
        facts.date = f"{m['y']}-{int(m['m']):02d}"
        facts.source = text[m.start("src") : m.end("src")]
    facts.timed = facts.date is not None and "T" in facts.date
    facts.posted = _POSTED.search(t) is not None
    labels = list(_LABEL.finditer(t))
    for i, lm in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(t)
        raw = text[lm.end() : end]
        cut = _VALUE_END.search(raw)
        value = (raw[: cut.start()] if cut else raw).strip(" 　:：,，;；")
        value = DATE.sub("", value).strip()
        if not value:
            continue
        _assign(facts, _LABELS[t[lm.start("label") : lm.end("label")]], value, lm["label"])
    if not facts.authors:
        for rm in _REPORTER.finditer(t):
            names = []
            found = re.split(r"[\s、，,]+", text[rm.start("names") : rm.end("names")])
            vouched = rm["filed"] is not None and len(found) == 1  # title, one name, 发自: nothing else
            for name in found:
                if not (nm.is_person_name(name) or (vouched and 2 <= len(name) <= 4)):
                    break
                names.append(name)
            facts.authors += [{"name": n, "jobTitle": text[rm.start("t") : rm.end("t")]} for n in names]
    if not facts.editors and (em := _EDITOR_BARE.match(t)) and nm.is_person_name(em["v"]):
        facts.editors.append({"name": text[em.start("v") : em.end("v")], "jobTitle": em["t"]})
    if not facts.authors and (wm := _WEN.search(t)):
        group = "v" if wm["v"] else "w"
        if nm.is_person_name(wm[group]):
            facts.authors.append({"name": text[wm.start(group) : wm.end(group)]})
    if not facts.authors and (pm := _POSTED_BY.search(t)):
        group = next(g for g in ("v", "e", "b") if pm[g])
        name = text[pm.start(group) : pm.end(group)].strip()  # as written, not as folded
        if hmeta.person_like(name):
            facts.authors.append({"name": name})
    if not facts.authors and (pm := _NAME_POSTED.match(t)) and _handle(pm["v"]):
        facts.authors.append({"name": text[pm.start("v") : pm.end("v")]})
    if not facts.authors and facts.date:
        for bm in _BRACKETED.finditer(t):
            if nm.is_person_name(bm["v"]):
                facts.authors.append({"name": text[bm.start("v") : bm.end("v")]})
    return facts


# a wire dateline opening the text: ``新华社北京2月13日电（记者 某某、某某）``,
# ``央广网北京2月13日消息（记者 某某）``
_WIRE = re.compile(
    rf"^\s*(?P<v>[{_HAN}A-Za-z]{{2,14}}?(?:\d{{1,2}}月\d{{1,2}}日)?(?:电|電|消息|讯|訊))\s*"
    rf"[（(](?P<who>[^（()）]{{2,40}})[）)]\s*"
)
# class/id words of byline boxes, in English and in the pinyin Chinese templates use
BYLINE_MARK = re.compile(
    r"(?:^|[-_\s])(author|authors|byline|writer|reporter|zuozhe|zz|editor|bianji|zrbj)(?:[-_\s\d]|$)", re.I
)


def wire_dateline(text: str) -> tuple[int, str, list[dict[str, str]]] | None:
    """A wire or web dateline with reporters opening a paragraph: prefix length, dateline, authors."""
    m = _WIRE.match(nm.fold(text))
    if not m:
        return nm.paren_dateline(text)
    who = text[m.start("who") : m.end("who")]
    authors = [a for a in read_line(who).authors if nm.is_person_name(a["name"])]
    if not authors and (v := _VOUCHED.fullmatch(nm.fold(who))):
        # the whole parenthesis is a reporter title and names: a name there need not start with a
        # Han surname (格桑边觉, 阿不都热合曼)
        names = re.split(r"[\s、，,]+", who[v.start("names") : v.end("names")].strip())
        authors = [{"name": n, "jobTitle": who[v.start("t") : v.end("t")]} for n in names if n]
    if not authors:
        return None
    return m.end(), text[m.start("v") : m.end("v")], authors


_VOUCHED = re.compile(
    rf"\s*(?P<t>{_TITLES})\s*[:：]?\s*(?P<names>[{_HAN}·]{{2,6}}(?:[\s、，,]+[{_HAN}·]{{2,6}}){{0,3}})\s*"
)
"""A parenthesis that is only a reporter title and names (``记者 格桑边觉``)."""


def _handle(name: str) -> bool:
    """A forum user name (anything name-like but the words that refer to the text itself)."""
    return hmeta.person_like(name) and not re.match(r"(本|此|该|該|原|文章|帖子|回复|回復)", name)


def photo_credit(text: str) -> str | None:
    """The photographer named in a caption credit (``某某/摄``), if the name looks like a name."""
    m = PHOTO.search(nm.fold(text))
    return text[m.start("v") : m.end("v")] if m and nm.is_person_name(m["v"]) else None


def closing_report(paragraph: str) -> tuple[int, list[dict[str, str]]] | None:
    """``…。（某某 上海报道）`` closing the text: where the byline starts, and the reporters."""
    m = _CLOSING_REPORT.search(nm.fold(paragraph))
    if not m:
        return None
    names = [n for n in re.split(r"[\s、，,]+", paragraph[m.start("names") : m.end("names")]) if n]
    if not names or not all(nm.is_person_name(n) for n in names):
        return None
    title = paragraph[m.start("t") : m.end("t")] if m["t"] else ""
    return m.start("pre") + 1, [{"name": n, "jobTitle": title} if title else {"name": n} for n in names]


def _assign(facts: LineFacts, kind: str, value: str, label: str) -> None:
    names = [n for n in re.split(r"[\s、，,;；]+", value) if n]
    if kind == "source":
        if not hmeta.person_like(names[0]) and _NOT_TEXT.search(names[0]):
            return
        if len(names) == 1 and nm.is_person_name(names[0]) and not hmeta.ORG_LIKE.search(names[0]):
            facts.authors.append({"name": names[0]})
        elif not facts.source and 2 <= len(names[0]) <= 40:
            facts.source = names[0]
    elif kind == "editor":
        facts.editors += [{"name": n, "jobTitle": label} for n in names if hmeta.person_like(n)][:4]
    elif kind == "reporter":
        facts.authors += [{"name": n, "jobTitle": label} for n in names if nm.is_person_name(n)][:6]
    else:
        people = names if all(nm.is_person_name(n) for n in names) else [value]
        facts.authors += [{"name": n} for n in people if hmeta.person_like(n)][:6]


def is_info_line(text: str, facts: LineFacts | None = None) -> bool:
    """A short line that is only date, source and byline (nothing else worth keeping as text)."""
    facts = facts or read_line(text)
    return len(text) <= 120 and not facts.empty and not re.search(r"[。！？]", text)


# a last line that is only a name: ``（某某）``, ``（记者 某某）``, or a signature ``某某``
_SIGNATURE = re.compile(
    rf"^\s*(?:[（(]\s*(?:(?:记者|通讯员|作者|文)\s*[:：]?\s*)?(?P<v>[{_HAN}·]{{2,5}}(?:[\s、，,]+[{_HAN}·]{{2,5}}){{0,3}})"
    rf"\s*[）)]|(?P<w>[{_HAN}·]{{2,4}}))\s*$"
)


def signature(text: str) -> list[str]:
    """The people a name-only last line names (all must look like personal names), else []."""
    m = _SIGNATURE.match(nm.fold(text))
    if not m:
        return []
    group = "v" if m["v"] else "w"
    names = [n for n in re.split(r"[\s、，,]+", text[m.start(group) : m.end(group)]) if n]
    return names if names and all(nm.is_person_name(n) for n in names) else []


def byline_box(seg: dom.Segment) -> bool:
    """The line sits in an element named as a byline (``class="author"``, ``id="zuozhe"``)."""
    el: dom.Element | None = seg.owner
    for _ in range(3):
        if el is None:
            return False
        marks = " ".join(el.get(a) or "" for a in ("class", "id", "itemprop", "rel"))
        if marks.strip() and BYLINE_MARK.search(marks):
            return True
        el = el.getparent()
    return False


def box_names(text: str) -> list[str]:
    """The names in a byline box that has no label: one to four personal or pen names."""
    names = [n for n in re.split(r"[\s、，,;；]+", text.strip()) if n]
    if not 1 <= len(names) <= 4 or not all(hmeta.person_like(n) and len(n) <= 12 for n in names):
        return []
    return names


def dedupe(people: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for p in people:
        name = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", p["name"].strip())
        if name and name not in seen:
            seen[name] = {**p, "name": name}
    return list(seen.values())
