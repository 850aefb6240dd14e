"""Metadata and boilerplate lines of Chinese news copy.

News pages and newspaper copy wrap the article in a small set of conventional
lines: a breadcrumb (``首页 > 国内 > 正文``), ``原标题：``, ``来源：``, bylines
(``本报记者 某某``, ``（记者 某某）``, a closing ``（某某）``), datelines
(``本报讯``, ``【某某报讯】``), ``责任编辑：`` and related-reading tails.  This
module recognises them so that parsers can lift them into fields instead of
leaving them in the body.  Everything here is keyed on those conventions, not
on any particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import opencc

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
    "劉陳楊黃趙吳孫馬鄭梁謝韓馮鄧蘇魏呂蔣葉鍾譚陸範賈夏韋錢嚴覃湯溫顏龔鄒賀顧龐聶於"
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
    "歐陽",
    "司馬",
    "諸葛",
}

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME = rf"[{_HAN}·]{{2,5}}"
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

BREADCRUMB = re.compile(r"^\s*(首页|主页|网站首页|当前位置[:：]?\s*首页?)\s*(>|＞|›|»|/|>>|→)\s*.+$")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|＞|›|»|→|/)\s*")
ORIGINAL_TITLE = re.compile(rf"^\s*原标题{_COLON}(?P<v>.+?)\s*$")
SOURCE = re.compile(rf"^\s*(?:来源|稿源|来自|消息来源|文章来源|本文来源){_COLON}(?P<v>[^\s].{{0,40}}?)\s*$")
EDITOR = re.compile(
    rf"^\s*[（(【\[]?\s*(?P<title>责任编辑|责编|编辑|审核|审校|校对|监制|值班编辑){_COLON}"
    rf"(?P<v>[{_HAN}·A-Za-z ]{{2,30}}?)\s*(?:[A-Z]{{1,4}}\d{{2,6}})?\s*[）)】\]]?\s*$"
)
REPORTER_LINE = re.compile(
    rf"^\s*[（(【\[]?\s*(?P<title>{_TITLE_ALT})\s*[:：]?\s*(?P<v>{_NAME}(?:{_SEP}{_NAME})*)\s*[）)】\]]?\s*$"
)
DATELINE = re.compile(
    rf"^\s*(?P<v>(?:【[^】]{{1,15}}讯】|本报讯|本刊讯|[{_HAN}]{{2,8}}(?:报|网|社|台)讯)"
    rf"(?:\s*[（(](?P<who>[^）)]{{1,30}})[）)])?)\s*"
)
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
DATETIME_LINE = re.compile(
    r"^\s*(?:发布时间|发布日期|时间|日期|发表时间)?\s*[:：]?\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?\s*(?P<rest>.*)$"
)


@cache
def _t2s() -> Any:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """``text`` in simplified script for matching the conventions above.

    Copies in traditional script use the same conventions (``原標題``, ``本報記者``).
    OpenCC's t2s keeps the length in nearly all cases, so match offsets in the
    folded text are offsets in ``text``; when it does not, ``text`` is returned.
    """
    if text.isascii():
        return text
    folded: str = _t2s().convert(text)
    return folded if len(folded) == len(text) else text


def _group(m: re.Match[str], original: str, name: str) -> str:
    """A named group of a match made on ``fold(original)``, taken from ``original``."""
    return original[m.start(name) : m.end(name)]


def is_person_name(text: str) -> bool:
    """True when ``text`` looks like a Chinese personal name (surname + 1-2 characters)."""
    t = fold(text).replace("·", "")
    if not 2 <= len(t) <= 4 or not re.fullmatch(f"[{_HAN}]+", t):
        return False
    if t[:2] in _SURNAMES_2:
        return len(t) >= 3
    return t[0] in _SURNAMES_1 and len(t) <= 3


def split_names(text: str) -> list[str]:
    return [n for n in re.split(_SEP, text.strip()) if n]


@dataclass
class LineInfo:
    """What a line of news copy is, when it is not body text."""

    kind: str
    """``breadcrumb``, ``original-title``, ``source``, ``editor``, ``reporter``, ``related``,
    ``promo``, ``datetime`` or ``end-mark``."""
    fields: dict[str, Any] = field(default_factory=dict)


def classify_line(line: str) -> LineInfo | None:
    """Classify a whole line (or paragraph) that is metadata or boilerplate, else None."""
    s = line.strip()
    if not s:
        return None
    f = fold(s)
    if BREADCRUMB.match(f):
        parts = [p for p in _CRUMB_SPLIT.split(s) if p]
        sections = [p for p in parts[1:] if fold(p) not in ("正文", "详情", "内容", "文章")]
        return LineInfo("breadcrumb", {"articleSection": sections})
    if m := ORIGINAL_TITLE.match(f):
        return LineInfo("original-title", {"alternativeHeadline": _group(m, s, "v")})
    if m := SOURCE.match(f):
        return LineInfo("source", {"sourcePublisher": _group(m, s, "v")})
    if m := EDITOR.match(f):
        names = split_names(_group(m, s, "v"))
        title = _group(m, s, "title")
        return LineInfo("editor", {"editor": [{"name": n, "jobTitle": title} for n in names]})
    if m := REPORTER_LINE.match(f):
        names = split_names(_group(m, s, "v"))
        if names and all(is_person_name(n) for n in names):
            title = _group(m, s, "title")
            return LineInfo("reporter", {"author": [{"name": n, "jobTitle": title} for n in names]})
    if RELATED.match(f):
        return LineInfo("related")
    if len(s) <= 40 and PROMO.search(f):
        return LineInfo("promo")
    if END_MARK.fullmatch(f):
        return LineInfo("end-mark")
    if (m := DATETIME_LINE.match(f)) and len(s) <= 60:
        rest = _group(m, s, "rest").strip()
        extra: dict[str, Any] = {"date": _iso_from_match(m)}
        if rest:
            sm = SOURCE.match(fold(rest))
            if not sm:
                return None
            extra["sourcePublisher"] = _group(sm, rest, "v")
        return LineInfo("datetime", extra)
    return None


def _iso_from_match(m: re.Match[str]) -> str:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if m["H"] is not None:
        return f"{y:04d}-{mo:02d}-{d:02d}T{int(m['H']):02d}:{int(m['M']):02d}:{int(m['S'] or 0):02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}"


_REPORTER_PREFIX = re.compile(
    rf"^\s*(?P<title>{_TITLE_ALT})\s*(?P<v>{_NAME}(?:{_SEP}{_NAME})*)\s*(?:报道|摄影|摄)?\s*[\n ]"
)


def reporter_prefix(text: str) -> tuple[int, list[dict[str, str]]] | None:
    """A byline at the start of a paragraph: ``本报记者 某某 报道`` not standing alone.

    Returns the length of the prefix and the authors.
    """
    m = _REPORTER_PREFIX.match(fold(text))
    if not m:
        return None
    names = split_names(_group(m, text, "v"))
    if not names or not all(is_person_name(n) for n in names):
        return None
    return m.end(), [{"name": n, "jobTitle": _group(m, text, "title")} for n in names]


def dateline_prefix(text: str) -> tuple[int, str, list[dict[str, str]]] | None:
    """A dateline opening a paragraph (``本报讯``, ``【深圳商报讯】（首席记者 王海荣）``).

    Returns the prefix length, the dateline and any reporters named in it.
    """
    m = DATELINE.match(fold(text))
    if not m:
        return None
    authors: list[dict[str, str]] = []
    if m["who"]:
        who = _group(m, text, "who")
        rm = REPORTER_LINE.match(fold(f"（{who}）"))
        if not rm:
            return None
        inner = f"（{who}）"
        authors = [
            {"name": n, "jobTitle": _group(rm, inner, "title")} for n in split_names(_group(rm, inner, "v"))
        ]
        dateline = text[m.start("v") : m.start("who") - 1].strip()
    else:
        dateline = _group(m, text, "v")
    return m.end(), dateline, authors


def closing_byline(paragraph: str) -> tuple[int, list[dict[str, str]]] | None:
    """A byline closing the last paragraph: ``…。（某某）`` or ``…。(记者 某某 某某)``.

    Returns the offset where the byline starts and the authors.  Only names that
    look like personal names are accepted, so ``（完）`` or ``（共186天）`` are not bylines.
    """
    m = CLOSING_BYLINE.search(fold(paragraph))
    if not m:
        return None
    names = split_names(_group(m, paragraph, "v"))
    if not names or not all(is_person_name(n) for n in names):
        return None
    title = _group(m, paragraph, "title") if m["title"] else ""
    authors = [{"name": n, "jobTitle": title} if title else {"name": n} for n in names]
    return m.start("pre") + 1, authors
