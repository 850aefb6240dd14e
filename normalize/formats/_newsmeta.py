"""Metadata and boilerplate lines of Chinese news copy.

News pages and newspaper copy wrap the article in a small set of conventional
lines: a breadcrumb (``首页 > 国内 > 正文``), ``原标题：``, ``来源：``, bylines
(``本报记者 某某``, ``（记者 某某）``, a closing ``（某某）``), datelines
(``本报讯``, ``【某某报讯】``), ``责任编辑：`` and related-reading tails.  This
module recognises them so that parsers can lift them into fields instead of
leaving them in the body.  Everything here is keyed on those conventions, not
on any particular document.

The rules match on the :mod:`view <._view>` of a line (simplified script,
pinyin annotations removed, one colon), so ``原標(biāo)題(tí):`` is ``原标题：``;
what they return (values, offsets) is taken from the line as given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .. import _memo
from ._view import View, view
from ._view import fold as _fold

# The most common Chinese surnames (single and double), used to tell a closing
# byline such as "（王小明）" from other short parenthesised text.
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_SURNAMES_2 = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "端木",
    "西门",
    "南宫",
    "独孤",
}

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACES = " \u3000"
# a name in a byline: 2-5 characters, or a two-character name letter-spaced to the width of three (李　明)
_NAME = rf"(?:[{_HAN}·]{{2,5}}|[{_HAN}][{_SPACES}]{{1,3}}[{_HAN}])"
_SEP = r"[ \u3000、，,]+"
_COLON = r"\s*[:：]\s*"

# job titles that introduce reporters in bylines, longest first
_REPORTER_TITLES = (
    "本报首席记者",
    "本报特约记者",
    "本报实习生",
    "本报通讯员",
    "本报记者",
    "首席记者",
    "特约记者",
    "见习记者",
    "实习记者",
    "实习生",
    "通讯员",
    "新华社记者",
    "中新社记者",
    "央视记者",
    "记者",
    "撰稿",
    "文",
    "作者",
)
_TITLE_ALT = "|".join(map(re.escape, _REPORTER_TITLES))
_TITLE = re.compile(rf"(?P<title>{_TITLE_ALT})(?:[:：](?P<rest>.*))?")
_TITLE_GLUED = re.compile(rf"(?P<title>{_TITLE_ALT})(?P<rest>[{_HAN}·]{{2,5}})")
# what may close a byline line after the names: where the report was filed, or that the names took photos
_BYLINE_TAIL = re.compile(rf"(?:[{_HAN}]{{2,8}})?(?:报道|摄影|摄)")

BREADCRUMB = re.compile(
    r"^\s*(?:(?:您的|您现在的|当前|所在)?位置\s*[:：]\s*[^>＞›»→/|｜:：]{1,12}?|首页|主页|网站首页)"
    r"\s*(>|＞|›|»|/|>>|→)\s*.+$"
)
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|＞|›|»|→|/)\s*")
NAV_LINE = re.compile(r"^\s*(?:首页|主页|网站首页)(?:\s*[|｜]\s*[^|｜]{1,12}){2,}\s*$")
"""A site's menu or a breadcrumb set with bars (``首页 | 新闻中心 | 正文``): page furniture, whose parts
are not sections the text is filed under with certainty (a menu lists them all)."""
ORIGINAL_TITLE = re.compile(rf"^\s*原标题{_COLON}(?P<v>.+?)\s*$")
SOURCE = re.compile(rf"^\s*(?:来源|稿源|来自|消息来源|文章来源|本文来源){_COLON}(?P<v>[^\s].{{0,40}}?)\s*$")
EDITOR = re.compile(
    rf"^\s*[（(【\[]?\s*(?P<title>责任编辑|责编|编辑|审核|审校|校对|监制|值班编辑){_COLON}"
    rf"(?P<v>[{_HAN}·A-Za-z \u3000]{{2,30}}?)\s*(?:[A-Z]{{1,4}}\d{{2,6}})?\s*[）)】\]]?\s*$"
)
EDITOR_LABEL = re.compile(rf"^\s*[（(【\[]?\s*(?:责任编辑|责编){_COLON}")
"""The label alone (:data:`EDITOR` also reads the name)."""
_MARKS = "□■●◆◇▲△○◎☆★"
_OPENERS = "（(【["
_CLOSERS = "）)】]"


def _bracketed(f: str) -> tuple[int, int] | None:
    r"""Where the inside of ``f`` is: after the white space, marks (:data:`_MARKS`) and one opening bracket
    it may open with, before the one closing bracket and white space it may end with; None if that holds
    a line feed.  The span of ``in`` where ``\s*[MARKS]*\s*[OPENERS]?\s*(?P<in>.*?)\s*[CLOSERS]?\s*``
    matches all of ``f`` (and None where it does not), found from both ends: a lazy group against the end
    of a line tries every length: 12 µs on a line of 96 characters (0.3 µs for the patterns tried
    before it), for every line the rules look at."""
    n = len(f)
    i = 0
    while i < n and f[i].isspace():
        i += 1
    while i < n and f[i] in _MARKS:
        i += 1
    while i < n and f[i].isspace():
        i += 1
    if i < n and f[i] in _OPENERS:
        i += 1
    while i < n and f[i].isspace():
        i += 1
    j = n
    while j > i and f[j - 1].isspace():
        j -= 1
    if j > i and f[j - 1] in _CLOSERS:
        j -= 1
        while j > i and f[j - 1].isspace():
            j -= 1
    if "\n" in f[i:j]:
        return None
    return i, j


# a credit of the words or the pictures set with a slash: ``文/图 某某``, ``文/本报记者 某某``, ``图／某某``
_SLASH_CREDIT = re.compile(
    rf"\s*[{_MARKS}]*\s*(?P<t>文\s*[/／·]\s*图|图\s*[/／·]\s*文|文|图|摄影|摄)"
    r"(?:\s*[/／:：]\s*|\s+)(?P<rest>\S.*?)\s*"
)
# ``本报北京3月14日电``: where and when the paper's own report was filed
_FILED = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DATELINE = re.compile(
    rf"^\s*(?P<v>(?P<d>【[^】]{{1,15}}讯】|本报讯|本刊讯|[{_HAN}]{{2,8}}(?:报|网|社|台)讯"
    rf"|本报[{_HAN}]{{1,12}}?{_FILED}月{_FILED}日电)"
    rf"(?:\s*[（(](?P<who>[^）)]{{1,30}})[）)])?)\s*"
)
PAREN_DATELINE = re.compile(
    rf"^\s*[（(〔【\[]\s*(?P<v>"
    rf"(?P<wire>[{_HAN}]{{2,6}}?(?:记者|特派员)[{_HAN}、·]{{2,24}}?{_FILED}日(?:专)?电)"
    rf"|(?P<t>[{_HAN}]{{0,6}}?(?:记者|特派员))\s*(?P<who>[{_HAN}·、 \u3000]{{2,24}}?)\s*[／/]\s*"
    rf"[{_HAN}]{{0,10}}?(?:报导|报道))"
    rf"\s*[）)〕】\]]\s*"
)
"""A dateline in brackets opening the text, as Taiwan's papers set it: a wire's
(``（中央社記者王小明台北13日電）``: the name runs into the place, so no author is taken from it) or a
paper's own (``〔記者王小明／台北報導〕``, ``（記者王小明、李大華／綜合報導）``)."""
CLOSING_BYLINE = re.compile(
    rf"(?P<pre>[。！？”」』…\.!?])\s*[（(]\s*(?:(?P<title>{_TITLE_ALT})\s*[:：]?\s*)?"
    rf"(?P<v>{_NAME}(?:{_SEP}{_NAME}){{0,3}})\s*[）)]\s*$"
)
END_MARK = re.compile(r"\s*[（(]\s*完\s*[）)]\s*$")
RELATED = re.compile(
    r"^\s*(相关阅读|相关新闻|相关链接|延伸阅读|推荐阅读|热点推荐|热门推荐|更多阅读|相关报道)\s*[:：]?\s*$|"
    r"^\s*(相关阅读|相关新闻|相关链接|延伸阅读|推荐阅读|相关报道)\s*[:：]"
)
PROMO = re.compile(
    r"(扫描?二维码|扫码|长按识别|关注.{0,12}(公众号|微信|微博|客户端)|下载.{0,10}(APP|App|客户端)|"
    r"尽在.{0,10}(APP|App|客户端)|点击(进入|查看|下载)|欢迎(关注|订阅)|版权(所有|声明)|未经授权.{0,10}(转载|使用)|"
    r"^分享到[:：]|^(打印|关闭|收藏)(本页|窗口)?$)"
)
MEDIA_NAME = re.compile(
    rf"[{_HAN}A-Za-z0-9·]{{1,12}}(?:报|网|社|台|刊|新闻|在线|客户端|频道|杂志|电视台|广播电台|通讯社|新闻网)"
)
"""The name of a paper, site or station (an information line gives it unlabelled after the date)."""
PHOTO_CREDIT = re.compile(rf"^\s*(?:图片来源|图片提供|图源|摄影|供图|图片)\s*{_COLON}[^。！？]{{1,30}}$")
"""Who made or gave the picture a copy leaves out (``图片来源：某某办公室 提供``, ``摄影：张三``)."""
DATETIME_LINE = re.compile(
    r"^\s*(?:发布时间|发布日期|时间|日期|发表时间)?\s*[:：]?\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?\s*(?P<rest>.*)$"
)
# A newspaper page's masthead or page line (``人民日报　2021年03月14日　星期日　第06版：要闻``): the paper,
# the issue date and its weekday, the page (``第6版``, ``第A3版``, ``A3版``) and the page's name, any of
# them set apart by spaces, the part after the paper sometimes in parentheses.
_PAPER = rf"[{_HAN}]{{1,12}}报(?:[{_HAN}]{{1,4}}版)?"
_ISSUE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
_WEEKDAY = r"[（(]?(?:星期|礼拜|周)[一二三四五六日天][）)]?"
_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_PAGE_NO = (
    rf"(?:第\s*[{_LETTER}]?\s*(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})\s*版|[{_LETTER}]\d{{1,2}}\s*版)"
)
PAGE_LINE = re.compile(
    rf"^(?:(?P<paper>{_PAPER})[{_SPACES}]*)?(?P<open>[（(][{_SPACES}]*)?"
    rf"(?:(?P<date>{_ISSUE})[{_SPACES}]*)?(?P<weekday>{_WEEKDAY}[{_SPACES}]*)?"
    rf"(?P<page>{_PAGE_NO}(?:[{_SPACES}]*[:：][{_SPACES}]*[{_HAN}·、]{{1,12}}|[{_SPACES}]+[{_HAN}]{{2,8}})?)?"
    rf"[{_SPACES}]*(?(open)[）)])[{_SPACES}]*$"
)

# An information line of a web copy: labelled values side by side (``2021-03-04 10:00　来源：人民网
# 作者：李四``, ``作者：张三　来源：新华社``, ``发布时间：2021年03月04日　浏览次数：1234``).  What each label
# gives (an empty name: a counter or a tool of the page, read past).
_INFO_FIELDS = {
    **dict.fromkeys(("作者", "记者", "撰文", "撰稿", "执笔", "通讯员"), "author"),
    **dict.fromkeys(("来源", "稿源", "来自", "文章来源", "本文来源", "消息来源", "出处"), "source"),
    **dict.fromkeys(("编辑", "责任编辑", "责编", "审核", "审校", "校对", "监制", "值班编辑"), "editor"),
    **dict.fromkeys(("发布时间", "发布日期", "发表时间", "发表日期", "时间", "日期"), "date"),
    **dict.fromkeys(("更新时间", "浏览次数", "阅读次数", "点击数", "点击量", "浏览量", "阅读量"), ""),
    **dict.fromkeys(("访问量", "浏览", "阅读", "点击", "字号", "字体"), ""),
}
_INFO_LABEL = re.compile(
    r"(?P<label>" + "|".join(sorted(map(re.escape, _INFO_FIELDS), key=len, reverse=True)) + r")\s*[:：]\s*"
)
_INFO_SEP = " \t\u3000|｜/／【】[]"
INFO_MAX = 100
"""Longest information line."""
# A page's tools set on a line of their own: ``【字号：大 中 小】``, ``【打印】【关闭】``,
# ``打印本页 关闭窗口``, ``上一篇：…`` / ``下一篇：…`` (links to the site's other texts).
TOOLBAR = re.compile(
    r"^(?:[【\[]?\s*(?:字号|字体)\s*[:：]?\s*(?:[大中小]|默认|\s)+[】\]]?\s*"
    r"|(?:[【\[]?\s*(?:打印|关闭|收藏|纠错|分享|返回顶部|打印本页|关闭窗口|保存|推荐|复制链接|加入收藏)\s*[】\]]?[\s|｜]*)+$"
    r"|(?:上一篇|下一篇|上一条|下一条|上一页|下一页)\s*[:：])"
)

# Page furniture that a copy of a printed page keeps between two parts of a sentence: a jump line
# (``（下转第6版）``, ``（上接第一版）``, ``（转A3版）``, ``（接上页）``), and a page number set alone on
# its line (``— 7 —``, as GB/T 9704 sets it under an official document's text; ``第7页 共12页``).
_JUMP_TO = (
    rf"(?:第[{_SPACES}]*)?[{_LETTER}]?[{_SPACES}]*"
    rf"(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})[{_SPACES}]*(?:版|页|面)"
)
JUMP_LINE = re.compile(
    rf"^[（(][{_SPACES}]*(?:(?:下|上|紧)?(?:转|接|续)(?:自|至|见)?[{_SPACES}]*{_JUMP_TO}|(?:转|接|续)(?:下|上|前)(?:页|版))"
    rf"[{_SPACES}]*[）)]$"
)
_DASH = "—–‒―－-"
FOLIO_LINE = re.compile(
    rf"^(?:[{_DASH}]{{1,2}}[{_SPACES}]*\d{{1,4}}[{_SPACES}]*[{_DASH}]{{1,2}}"
    rf"|第[{_SPACES}]*\d{{1,4}}[{_SPACES}]*页(?:[{_SPACES}]*[，,/]?[{_SPACES}]*共[{_SPACES}]*\d{{1,4}}[{_SPACES}]*页)?)$"
)

_REPORTER_PREFIX = re.compile(
    rf"^\s*(?P<title>{_TITLE_ALT})\s*(?P<v>{_NAME}(?:{_SEP}{_NAME})*)\s*(?:报道|摄影|摄)?\s*[\n ]"
)


def fold(text: str) -> str:
    """``text`` in simplified script with full-width colons, character for character: offsets in it
    are offsets in ``text``.  Pinyin annotations stay; the rules above match on the full
    :func:`view <._view.view>` of a line, which also removes them and maps offsets back."""
    return _fold(text)


def is_person_name(text: str) -> bool:
    """True when ``text`` looks like a Chinese personal name (surname + 1-2 characters), in any script."""
    return _person(view(text).text)


def _person(t: str) -> bool:
    t = t.replace("·", "")
    if not 2 <= len(t) <= 4 or not re.fullmatch(f"[{_HAN}]+", t):
        return False
    if t[:2] in _SURNAMES_2:
        return len(t) >= 3
    return t[0] in _SURNAMES_1 and len(t) <= 3


def split_names(text: str) -> list[str]:
    return [n for n in re.split(_SEP, text.strip()) if n]


_TOKEN = re.compile(r"[^ \u3000、，,]+")


def _tokens(v: View, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the pieces of ``v.text[start:end]`` between separators (spaces, 、，)."""
    return [m.span() for m in _TOKEN.finditer(v.text, start, end)]


def _spaced(v: View, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The pieces of a list of names, a letter-spaced name (``李　明``) as one piece.

    A two-character name is often set to the width of a three-character one with a space between its
    characters: two single characters apart only by spaces are one name.
    """
    groups: list[list[tuple[int, int]]] = []
    i = 0
    while i < len(spans):
        a, b = spans[i]
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if b - a == 1 and nxt and nxt[1] - nxt[0] == 1 and not v.text[b : nxt[0]].strip(_SPACES):
            groups.append([spans[i], nxt])
            i += 2
            continue
        groups.append([spans[i]])
        i += 1
    return groups


def _names(v: View, spans: list[tuple[int, int]], *, vouched: bool) -> list[str] | None:
    """The names in ``spans`` (pieces of a byline), in the original text, or None if any piece is no name.

    A name must look like a personal name (:func:`is_person_name`) unless ``vouched``: a reporter title
    set apart before it (``本报记者 某某``) already says it is one, whatever the surname.
    """
    out: list[str] = []
    for group in _spaced(v, spans):
        name = "".join(v.text[a:b] for a, b in group)
        if not re.fullmatch(f"[{_HAN}·]{{2,5}}", name):
            return None
        if not _person(name) and not (vouched and 2 <= len(name.replace("·", "")) <= 4):
            return None
        out.append("".join(v.source(a, b) for a, b in group))
    return out


def _byline(v: View, start: int, end: int) -> list[dict[str, str]] | None:
    """The reporters of a byline that is all of ``v.text[start:end]``, else None.

    A byline is one or more titles, each followed by its names (``本报记者 王海荣 通讯员 李明``,
    ``记者：某某``, ``记者某某``), and may close with where it was filed (``北京报道``) or ``摄``.
    """
    first = _TOKEN.search(v.text, start, end)
    if first is None or not (_TITLE.fullmatch(first[0]) or _TITLE_GLUED.fullmatch(first[0])):
        return None  # a byline opens with a title (the loop below would stop there, having split it all)
    spans = _tokens(v, start, end)
    if spans and len(spans) > 1 and _BYLINE_TAIL.fullmatch(v.text[spans[-1][0] : spans[-1][1]]):
        spans = spans[:-1]
    groups: list[tuple[tuple[int, int], bool, list[tuple[int, int]]]] = []  # title, set apart, names
    for a, b in spans:
        t = v.text[a:b]
        if m := _TITLE.fullmatch(t):
            rest = (a + m.start("rest"), b) if m["rest"] else None
            groups.append(((a, a + m.end("title")), True, [rest] if rest else []))
        elif (g := _TITLE_GLUED.fullmatch(t)) and (not groups or not _person(t)):
            groups.append(((a, a + g.end("title")), False, [(a + g.start("rest"), b)]))
        elif groups and re.fullmatch(f"[{_HAN}·]{{1,5}}", t):
            groups[-1][2].append((a, b))
        else:
            return None
    authors: list[dict[str, str]] = []
    for (ta, tb), apart, name_spans in groups:
        title = v.text[ta:tb]
        names = _names(v, name_spans, vouched=apart and title != "文") if name_spans else None
        if not names:
            return None
        authors += [{"name": n, "jobTitle": v.source(ta, tb)} for n in names]
    return authors or None


def _slash_credit(v: View, m: re.Match[str]) -> list[dict[str, str]] | None:
    """The people a slash credit names: a byline after the slash (``文/本报记者 某某``), or names (the
    slash vouches for them: ``文/图 某某``)."""
    a, b = m.start("rest"), m.end("rest")
    authors = _byline(v, a, b)
    if authors is None:
        names = _names(v, _tokens(v, a, b), vouched=True)
        authors = [{"name": n, "jobTitle": v.group(m, "t")} for n in names] if names else None
    return authors


@dataclass
class LineInfo:
    """What a line of news copy is, when it is not body text."""

    kind: str
    """``breadcrumb``, ``original-title``, ``source``, ``editor``, ``reporter``, ``related``,
    ``promo``, ``datetime`` or ``end-mark``."""
    fields: dict[str, Any] = field(default_factory=dict)


_NOT_META: dict[str, None] = _memo.memo({})
"""Lines :func:`classify_line` found to be neither metadata nor boilerplate (the layout rules ask
about the same line from several places: 39,319 calls for 27,375 lines on the bench corpus)."""
NOT_META_KEPT = 2048
"""Most lines kept in :data:`_NOT_META` (then it is emptied), each of at most :data:`NOT_META_LEN`
characters."""
NOT_META_LEN = 1000


def classify_line(line: str) -> LineInfo | None:
    """Classify a whole line (or paragraph) that is metadata or boilerplate, else None.

    Values are taken from ``line`` as given (script, annotations and all)."""
    s = line.strip()
    if not s or s in _NOT_META:
        return None
    info = _classify(s)
    if info is None and len(s) <= NOT_META_LEN:
        if len(_NOT_META) >= NOT_META_KEPT:
            _NOT_META.clear()
        _NOT_META[s] = None
    return info


def _classify(s: str) -> LineInfo | None:
    v = view(s)
    f = v.text
    if BREADCRUMB.match(f):
        pieces = _crumbs(v)
        sections = [v.source(a, b) for a, b in pieces[1:] if f[a:b] not in ("正文", "详情", "内容", "文章")]
        return LineInfo("breadcrumb", {"articleSection": sections})
    if m := ORIGINAL_TITLE.match(f):
        return LineInfo("original-title", {"alternativeHeadline": v.group(m, "v")})
    if info := _info_line(v):
        return info
    if TOOLBAR.match(f):
        return LineInfo("toolbar")
    if m := SOURCE.match(f):
        return LineInfo("source", {"sourcePublisher": v.group(m, "v")})
    if m := EDITOR.match(f):
        spaced = _spaced(v, _tokens(v, m.start("v"), m.end("v")))
        names = ["".join(v.source(a, b) for a, b in piece) for piece in spaced]
        title = v.group(m, "title")
        return LineInfo("editor", {"editor": [{"name": n, "jobTitle": title} for n in names]})
    if EDITOR_LABEL.match(f) and len(f) <= 40:
        # 责任编辑： with what reads as no name (蔡慧?: a character lost on the way): the line is page
        # furniture all the same (the schema forbids it in a body); nobody is credited
        return LineInfo("editor")
    if (inner := _bracketed(f)) and (authors := _byline(v, *inner)):
        return LineInfo("reporter", {"author": authors})
    if (credit := _SLASH_CREDIT.fullmatch(f)) and (authors := _slash_credit(v, credit)):
        return LineInfo("reporter", {"author": authors})
    if NAV_LINE.match(f):
        return LineInfo("toolbar")
    if RELATED.match(f):
        return LineInfo("related")
    if len(f) <= 40 and PROMO.search(f):
        return LineInfo("promo")
    if END_MARK.fullmatch(f):
        return LineInfo("end-mark")
    if (m := DATETIME_LINE.match(f)) and len(f) <= 60:
        rest = v.group(m, "rest").strip()
        extra: dict[str, Any] = {}
        if (date := _iso_from_match(m)) is not None:
            extra["date"] = date
        if rest:
            rv = view(rest)
            if sm := SOURCE.match(rv.text):
                extra["sourcePublisher"] = rv.group(sm, "v")
            elif MEDIA_NAME.fullmatch(rv.text):  # 2018年09月12日 14:32 中时电子报: where it appeared
                extra["sourcePublisher"] = rest
            else:
                return None
        return LineInfo("datetime", extra)
    if PHOTO_CREDIT.match(f) and len(f) <= 40:
        return LineInfo("photo credit")
    return None


_TOOL_TAIL = re.compile(r"[【\[]\s*(?:字号|字体|打印|关闭|收藏|分享|纠错|评论|推荐)")
"""Where the page's tools begin at the end of an information line."""


def _info_line(v: View) -> LineInfo | None:
    """An information line (:data:`_INFO_FIELDS`): two labelled values or more, or a date with one; each
    value short; nothing else on the line.  A name that reads as none is not credited (the line is
    page furniture all the same)."""
    f = v.text
    if len(f) > INFO_MAX or ("：" not in f and ":" not in f):
        return None
    if (tool := _TOOL_TAIL.search(f)) is not None:
        f = f[: tool.start()]  # the page's tools after the facts (【字号 大 中 小】): no value of theirs
    labels = [m for m in _INFO_LABEL.finditer(f) if m.start() == 0 or f[m.start() - 1] in _INFO_SEP]
    if not labels:
        return None
    fields: dict[str, Any] = {}
    head = f[: labels[0].start()].strip(_INFO_SEP)
    if head:
        dm = DATETIME_LINE.match(head)
        if dm is None or dm["rest"].strip():
            return None
        if (date := _iso_from_match(dm)) is not None:
            fields["date"] = date
    elif len(labels) < 2 and tool is None:  # one labelled value with the page's tools: a line of facts
        return None
    for i, m in enumerate(labels):
        a, b = m.end(), labels[i + 1].start() if i + 1 < len(labels) else len(f)
        while b > a and f[b - 1] in _INFO_SEP:
            b -= 1
        if b - a > 40:
            return None
        kind = _INFO_FIELDS[m["label"]]
        if kind == "date":
            dm = DATETIME_LINE.match(f[a:b])
            if dm is None or dm["rest"].strip():
                return None
            if (date := _iso_from_match(dm)) is not None:
                fields.setdefault("date", date)
        elif kind == "source" and a < b:
            fields["sourcePublisher"] = v.source(a, b)
        elif kind in ("author", "editor"):
            names = [v.source(x, y) for x, y in _name_spans(v, a, b)]
            if names:
                credits = [{"name": n, "jobTitle": v.source(m.start("label"), m.end("label"))} for n in names]
                fields.setdefault(kind, []).extend(credits)
    if head and len(labels) == 1 and _INFO_FIELDS[labels[0]["label"]] == "source":
        return LineInfo("datetime", fields)  # a date and where the text came from: a date line
    return LineInfo("info", fields)


def _name_spans(v: View, a: int, b: int) -> list[tuple[int, int]]:
    """The pieces of ``v.text[a:b]`` (:func:`_tokens`) when every one reads as a personal name, else none."""
    spans = _tokens(v, a, b)
    return spans if all(re.fullmatch(rf"[{_HAN}·]{{2,5}}", v.text[x:y]) for x, y in spans) else []


def page_line(line: str) -> dict[str, str] | None:
    """The fields of a newspaper page's masthead or page line, else None.

    A copy of a newspaper page opens with the line that heads the printed page: the paper, the issue
    date (often with its weekday) and the page with its name (``某某日报　2021年03月14日　第6版``,
    ``第06版：要闻``).  It is no article: it says where and when every article under it was printed:
    ``publisher`` (the paper), ``datePublished`` (the issue date) and ``printSection`` (the page, as
    written).  A line is one when it names the page, or the paper and its date, or the date with its
    weekday; a date alone is a date line (:func:`classify_line`).  Values are taken as written.
    """
    s = line.strip(" \t\u3000\u00a0")
    if not s or len(s) > 60:
        return None
    v = view(s)
    m = PAGE_LINE.match(v.text)
    if not m or not (m["page"] or (m["date"] and (m["paper"] or m["weekday"]))):
        return None
    out: dict[str, str] = {}
    if m["date"]:
        try:
            out["datePublished"] = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
        except ValueError:  # no day of the calendar: no masthead
            return None
    if m["paper"]:
        out["publisher"] = v.group(m, "paper")
    if m["page"]:
        out["printSection"] = v.group(m, "page").strip(_SPACES)
    return out


def page_furniture(line: str) -> str | None:
    """What kind of page furniture ``line`` is (``jump line``, ``page number``), else None.

    A page or column break of a printed page may fall inside a sentence; a copy of the page keeps
    what the layout set there: the line that sends the reader to the page where the article goes on,
    or the page's number.  It is no text of the article (the sentence runs on across it)."""
    s = line.strip(" \t\u3000\u00a0")
    return furniture_in_view(view(s).text) if s and len(s) <= FURNITURE_MAX else None


FURNITURE_MAX = 30
"""Longest line taken for page furniture."""
JUMP, FOLIO = FURNITURE_KINDS = ("jump line", "page number")
"""What :func:`page_furniture` names (and the notes of its removals)."""


def furniture_in_view(t: str) -> str | None:
    """:func:`page_furniture` of a line already viewed (stripped, simplified, readings removed)."""
    if len(t) > FURNITURE_MAX:
        return None
    if JUMP_LINE.match(t):
        return JUMP
    if FOLIO_LINE.match(t):
        return FOLIO
    return None


def _crumbs(v: View) -> list[tuple[int, int]]:
    """Spans of the parts of a breadcrumb line (``首页 > 国内新闻 > 正文``)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _CRUMB_SPLIT.finditer(v.text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(v.text):
        out.append((pos, len(v.text)))
    return out


def _iso_from_match(m: re.Match[str]) -> str | None:
    """The date (and time) of a match of :data:`DATETIME_LINE` in ISO 8601; None when it is no day of the
    calendar or no time of day (``2024-02-30``, ``25:61``): a date the page got wrong is not taken (nor
    guessed), the line it stands on is still what it is."""
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    try:
        if m["H"] is not None:
            return dt.datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0)).isoformat()
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def reporter_prefix(text: str) -> tuple[int, list[dict[str, str]]] | None:
    """A byline at the start of a paragraph: ``本报记者 某某 报道`` not standing alone.

    Returns the length of the prefix in ``text`` and the authors.
    """
    v = view(text)
    m = _REPORTER_PREFIX.match(v.text)
    if not m:
        return None
    names = _names(v, _tokens(v, m.start("v"), m.end("v")), vouched=False)
    if not names:
        return None
    return v.at(m.end()), [{"name": n, "jobTitle": v.group(m, "title")} for n in names]


def dateline_prefix(text: str) -> tuple[int, str, list[dict[str, str]]] | None:
    """A dateline opening a paragraph (``本报讯``, ``【深圳商报讯】（首席记者 王海荣）``).

    Returns the prefix length in ``text``, the dateline and any reporters named in it.  Brackets after
    the dateline that name no reporters open the text itself (``本报讯 （二）关于…``).
    """
    v = view(text)
    m = DATELINE.match(v.text)
    if not m:
        return paren_dateline(text)
    if m["who"]:
        found = _byline(v, m.start("who"), m.end("who"))
        if found:
            return v.at(m.end()), v.group(m, "d").strip(), found
        end = m.end("d") + len(v.text[m.end("d") :]) - len(v.text[m.end("d") :].lstrip())
        return v.at(end), v.group(m, "d").strip(), []
    return v.at(m.end()), v.group(m, "d").strip(), []


def paren_dateline(text: str) -> tuple[int, str, list[dict[str, str]]] | None:
    """A bracketed dateline opening a paragraph (:data:`PAREN_DATELINE`): prefix length, the
    dateline, the reporters it names (none for a wire's, whose names run into the place)."""
    v = view(text)
    m = PAREN_DATELINE.match(v.text)
    if not m:
        return None
    authors: list[dict[str, str]] = []
    if m["who"] is not None:
        names = _names(v, _tokens(v, m.start("who"), m.end("who")), vouched=True)
        if not names:
            return None
        authors = [{"name": n, "jobTitle": v.group(m, "t")} for n in names]
    return v.at(m.end()), v.group(m, "v").strip(), authors


def closing_byline(paragraph: str) -> tuple[int, list[dict[str, str]]] | None:
    """A byline closing the last paragraph: ``…。（某某）`` or ``…。(记者 某某 某某)``.

    Returns the offset in ``paragraph`` where the byline starts and the authors.  Names must look
    like personal names unless a title is set apart before them, so ``（完）`` or ``（共186天）``
    are not bylines.
    """
    v = view(paragraph)
    m = CLOSING_BYLINE.search(v.text)
    if not m:
        return None
    apart = bool(m["title"]) and m["title"] != "文" and m.start("v") > m.end("title")
    names = _names(v, _tokens(v, m.start("v"), m.end("v")), vouched=apart)
    if not names:
        return None
    title = v.group(m, "title")
    authors = [{"name": n, "jobTitle": title} if title else {"name": n} for n in names]
    return v.at(m.start("pre") + 1), authors
