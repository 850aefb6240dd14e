"""The headline and the section a page gives its article.

A page's ``<title>`` is the headline with the site (and often the section) appended —
``标题_栏目_网站``, ``标题 - 网站``, ``网站 | 标题`` — and the headline itself is shown above the text,
usually as the first heading.  The headline line is the one that agrees with a title candidate
(``og:title``, JSON-LD, ``<title>``); the section comes from a breadcrumb (``当前位置：首页 > 国内``).
"""

from __future__ import annotations

import re

from . import _newsmeta as nm

_TITLE_SEP = re.compile(r"\s*(?:[_|｜]+|--+|—+|\s-\s|－)\s*")
_SITE_LIKE = re.compile(
    r"(网|網|网站|在线|在線|频道|頻道|日报|日報|晚报|晚報|新闻|新聞|电台|電台|门户|門戶)$|\.(com|cn|net)"
)
_CRUMB_LEAD = re.compile(
    r"^\s*(?:当前位置|您的位置|您现在的位置|您当前的位置|您所在的位置|所在位置|位置)\s*[:：]?\s*"
)
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|＞|›|»|→|/|\\)\s*")
_NOT_SECTION = (
    *("首页", "主页", "网站首页", "正文", "详情", "内容", "文章", "正文内容", "当前位置", "您的位置"),
)


def _norm(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", nm.fold(text)).lower()


def matches(text: str, candidates: list[str]) -> bool:
    """``text`` is the headline some title candidate gives (whole, its article part, or the title's
    first part)."""
    t = _norm(text)
    if len(t) < 2:
        return False
    for c in candidates:
        n = _norm(c)
        if t == n or t == _norm(title_part(c)):  # a short title too: a person's name, ``金锺国 - 维基百科``
            return True
        if len(t) >= 4 and ((n.startswith(t) and len(t) >= 0.4 * len(n)) or (t in n and len(t) >= 8)):
            return True
    return False


def title_part(title: str) -> str:
    """The article's part of a ``<title>`` (``标题_栏目_网站``): the longest part, when parts are split."""
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if not parts:
        return ""
    head = parts[0]
    if len(parts) > 1 and _SITE_LIKE.search(head) and len(parts[1]) > len(head):
        head = parts[1]
    return head.strip()


def breadcrumb(text: str) -> list[str]:
    lead = _CRUMB_LEAD.match(text)
    body = text[lead.end() :] if lead else text
    if not lead and not nm.BREADCRUMB.match(nm.fold(text)):
        return []
    parts = [p.strip() for p in _CRUMB_SEP.split(body) if p.strip()]
    if len(parts) == 1 and lead:
        parts = body.split()
    out = [p for p in parts if p not in _NOT_SECTION and len(p) <= 20]
    return out[:5]
