"""Find the main text of a web page: the subtree whose text is most like prose and least like links.

How pages are made gives the signal.  An article is written in sentences: long runs of text with
sentence punctuation (``，。！？；、``), few of them links.  Page furniture is the opposite:
navigation and related-reading lists are mostly links, and labels, buttons and footers are short
text without sentence punctuation.  So each segment of visible text gets a weight (positive for
prose, negative for link text and unpunctuated labels), and the main text is the element whose
subtree has the largest total weight: a subtree holding the article and a sidebar pays for the
sidebar's links, a subtree holding half the article misses the other half.  Nothing here depends on
one site's template: no class names of particular sites, only layout and text statistics.

Within that element, segments that are still mostly links are dropped; elements marked as
furniture by their class or id (share bars, comment boxes, related lists ...) are removed before
scoring unless they hold most of the page's prose (a wrapper misnamed ``share-wrap``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text._pinyin import remove_pinyin
from . import _htmlbyline as hb
from . import _htmldom as dom
from ._view import view

# sentence punctuation: what prose has and labels, menus and link lists do not
_PUNCT = re.compile(r"[，。！？；、,;!?]|\.(?:\s|$)")
# class/id tokens of page furniture (generic words of web templates, not any one site's names)
FURNITURE = re.compile(
    r"(?:^|[-_\s])(share|sharing|social|qr|qrcode|ad|ads|advert|advertisement|banner|promo|recommend|"
    r"related|relate|comment|comments|reply|footer|foot|copyright|toolbar|breadcrumb|crumbs?|nav|navbar|"
    r"menu|sidebar|side|subscribe|hot|rank|login|search|pager|pagination|tags?|keywords?|"
    r"print|font|fontsize|disclaimer|statement)(?:[-_\s\d]|$)",
    re.I,
)
_FURNITURE_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search")
_FURNITURE_TAGS = ("nav", "aside", "footer")
LINK_DENSE = 0.5
CORE_SHARE = 0.75


# what site footers and legal notices say (copyright, licences, reporting hotlines): not the article.
# The strong forms never occur in an article's own sentences; the weak ones (著作权, 侵权, a reporting
# hotline: a report on fakes "opens" one, a footer labels it, 举报电话：) can, so they mark only short lines.
NOTICE = re.compile(
    r"版权所有|(?:不得|禁止|严禁|请勿).{0,6}转载|未经.{0,12}(?:许可|授权|同意).{0,12}(?:转载|使用|复制|镜像)|"
    r"ICP\s*[备证]|Copyright|All Rights Reserved|©",
    re.I,
)
_WEAK_NOTICE = re.compile(
    r"版权声明|免责声明|著作权|侵权|许可证|举报中心|举报专区|举报(?:电话|邮箱)\s*[:：]|联系我们|关于我们|网站地图"
)
# page-view counters and bare addresses: what a page says about itself, not the article
_COUNTER = re.compile(
    r"(?:阅读|点击|浏览|访问)(?:次数|量|数)?\s*[:：(（]?\s*\d+|已被(?:阅读|浏览|点击)\s*\d+\s*次"
)
_URL = re.compile(r"(?:https?://|www\.|/)[\w./?=&%#:~+-]{6,}")


def is_notice(seg: dom.Segment) -> bool:
    """A copyright or legal notice, a page counter, a line that is mostly an address (the notices read
    in either script, readings aside: ``版權所有``, ``舉(jǔ)報(bào)電話:``)."""
    text = view(seg.text).text
    if NOTICE.search(text):
        return True
    if seg.chars <= 60 and (_WEAK_NOTICE.search(text) or _COUNTER.search(text)):
        return True
    return sum(len(m.group(0)) for m in _URL.finditer(seg.text)) > 0.5 * seg.chars


def is_prose(seg: dom.Segment) -> bool:
    """A line written in sentences, not mostly links."""
    own = seg.chars - seg.link_chars
    return own >= 8 and seg.link_chars <= LINK_DENSE * seg.chars and _PUNCT.search(seg.text) is not None


def weight(seg: dom.Segment) -> float:
    """What a segment says about its subtree: + prose characters, - link text and bare labels."""
    own = seg.chars - seg.link_chars
    if is_notice(seg):
        return -float(seg.chars)
    if is_prose(seg):
        return own - seg.link_chars
    return -0.5 * own - seg.link_chars


_MARKED = "//*[@class or @id or @role]|//nav|//aside|//footer"


def _marked(el: dom.Element) -> bool:
    if el.tag in _FURNITURE_TAGS or (el.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(marks.strip()) and FURNITURE.search(marks) is not None


def drop_furniture(root: dom.Element) -> list[tuple[dom.Element, str]]:
    """Remove elements marked as furniture (class/id/role/tag) unless they hold most of the prose.

    "Most of the prose" is counted in sentence punctuation: a wrapper named ``share-wrap`` around
    the whole article is kept.  Returns what was removed (element tag and class/id, text) for the log.
    """
    body = root.find("body")
    total = len(_PUNCT.findall(dom.text_of(body if body is not None else root)))
    removed: list[tuple[dom.Element, str]] = []
    gone: set[dom.Element] = set()
    for el in dom.elements(root, _MARKED):
        if el.tag not in dom.BLOCK_TAGS or el.tag in ("html", "body"):
            continue  # a marked inline element (a footnote marker, a term's gloss) is part of its line
        if not _marked(el) or any(a in gone for a in el.iterancestors()):
            continue
        text = dom.text_of(el)
        if total and len(_PUNCT.findall(text)) > 0.5 * total:
            continue
        removed.append((el, dom.squash(text)))
        gone.add(el)
    # the credits of a page of several posts (``post-footer``) are where one post ends: kept
    credits = {k for k, (_el, text) in enumerate(removed) if is_credit(text)}
    if len(credits) >= 2:
        removed = [r for k, r in enumerate(removed) if k not in credits]
    for el, _text in removed:
        dom.remove(el)
    return removed


@dataclass
class Main:
    """The main-text element and its segments in page order."""

    element: dom.Element
    segments: list[dom.Segment]
    before: list[dom.Segment]
    """Segments of the page before the main element (headline, datelines often sit there)."""
    after: list[dom.Segment]


# the header of a reader's comment under a post: a reply marker, then when (and who):
# ``# re: <title> 2004-12-27 12:53 <name>``, ``回复：… 2005-3-1 10:02``
COMMENT_HEAD = re.compile(
    r"^\s*#?\s*(?:re|RE|Re|回复|回覆)\s*[:：].{0,80}?(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r".{0,6}?\d{1,2}\s*[:：]\s*\d{2}"
)


def find(segs: list[dom.Segment]) -> Main | None:
    """The run of consecutive segments with the largest total weight (Kadane), with its context.

    Readers' comments follow the post they comment on: once a comment header (:data:`COMMENT_HEAD`:
    a reply marker with a date and time, not a link) has appeared, the article is over.  So the run
    is looked for before the first comment header, and in the whole page only if nothing before it
    weighs anything: a long comment must not outweigh a short post."""
    head = next(
        (
            i
            for i, seg in enumerate(segs)
            if seg.link_chars <= LINK_DENSE * seg.chars and COMMENT_HEAD.search(seg.text)
        ),
        None,
    )
    first, last = _heaviest(segs[:head] if head is not None else segs)
    if head is not None and last < first:
        first, last = _heaviest(segs)
    if last < first:
        return None
    post = _first_post(segs[:head] if head is not None else segs)
    if post is not None:
        first, last = post
    first, last = _within_container(segs, first, last)
    if post is not None:  # the other posts may share the container: they are not this text
        first, last = max(first, post[0]), min(last, post[1])
    return Main(segs[first].owner, segs[first : last + 1], segs[:first], segs[last + 1 :])


CREDIT_CHARS = 120
"""Longest line read as a post's credit (who posted it and when): a credit is a short line."""
_POSTED_HINT = re.compile(r"张贴|張貼|发表|發表|发布|發布|[Pp]osted|\bby\b")
_NEAR = 3
"""Segments at most between a credit and the prose of its post (a print link, a counter, a signature);
farther, the credit may be another's (a reader's comment under an article) and nothing is decided."""
_WINDOW = 8
"""Segments looked at on each side of the first and the last credit for the prose of a post."""


def is_credit(text: str) -> bool:
    """Whether ``text`` credits a post: who posted it and when, to the minute (``由某某张贴 @
    2005-06-14 03:25:55``, ``发布时间 2005/05/17 22:11:42 by 某某``)."""
    if len(text) > CREDIT_CHARS:
        return False
    if "(" in text or "（" in text:  # readings after its characters: 張(zhāng)貼(tiē)
        text = remove_pinyin(text, "credit")[0]
    if not _POSTED_HINT.search(text):
        return False
    facts = hb.read_line(text)
    return facts.posted and facts.timed and bool(facts.authors)


def _first_post(segs: list[dom.Segment]) -> tuple[int, int] | None:
    """(first, last) of the first post of a page of several (a blog's front page, a board's thread),
    or None.

    Every post of such a page is credited alike, with who posted it and when: under the post (a
    footer) or over it (a header).  Which it is shows at the ends: a footer has a post's prose
    right above the first credit and none under the last; a header the other way round.  The page's
    text is its first post, as on a page of one (the others have pages of their own, or are the
    replies): the heaviest run of the page would join posts, or choose a long later one."""
    credits = [i for i, seg in enumerate(segs) if is_credit(seg.text)]  # often with links: 共 3 篇评论
    if len(credits) < 2:
        return None
    c0, c1, cn = credits[0], credits[1], credits[-1]
    above = sum(max(weight(s), 0.0) for s in segs[max(0, c0 - _WINDOW) : c0])
    below = sum(max(weight(s), 0.0) for s in segs[cn + 1 : cn + 1 + _WINDOW])
    f, e = _heaviest(segs[:c0])
    if above > below:
        if e < f:
            return None
        # footers: the first post ends with the first credit, right under its prose; a credit farther
        # down (under a heading, a form) is a reader's over a comment, and the text ends before it
        return (f, c0) if c0 - e <= _NEAR else (f, e)
    # headers: the first post starts with the first credit, right above its prose, and outweighs
    # what comes before (else the credits are readers' over their comments under the text)
    g, m = _heaviest(segs[c0 + 1 : c1])
    if m < g or g >= _NEAR or _weight(segs, c0 + 1 + g, c0 + 1 + m) <= _weight(segs, f, e):
        return None
    return c0, c0 + 1 + m


def _weight(segs: list[dom.Segment], first: int, last: int) -> float:
    return sum(weight(s) for s in segs[first : last + 1]) if first <= last else 0.0


def _heaviest(segs: list[dom.Segment]) -> tuple[int, int]:
    """(first, last) of the run of consecutive segments with the largest total weight; last < first
    when no run weighs anything."""
    best, best_range = 0.0, (0, -1)
    run, start = 0.0, 0
    for i, seg in enumerate(segs):
        if run <= 0:
            run, start = 0.0, i
        run += weight(seg)
        if run > best:
            best, best_range = run, (start, i)
    return best_range


def _within_container(segs: list[dom.Segment], first: int, last: int) -> tuple[int, int]:
    """Narrow the run to the element holding most of its prose, then widen it inside that element.

    A run can leak out of the article into a neighbouring box that also has sentences (a footer's
    copyright notice, a legal statement): those are in a different subtree.  The container is the
    lowest ancestor of the heaviest segment holding ``CORE_SHARE`` of the run's positive weight.
    Lines next to the run inside the container that are not link lists (a document's signature and
    date, the article's own title and dateline) belong to it; metadata among them is lifted later.
    """
    run = segs[first : last + 1]
    weights = [max(weight(s), 0.0) for s in run]
    total = sum(weights)
    heaviest = run[max(range(len(run)), key=weights.__getitem__)]
    # every element above a positive segment of the run, with the weight it holds
    held: dict[dom.Element, float] = {}
    for seg, w in zip(run, weights, strict=True):
        if w > 0:
            for anc in (seg.owner, *seg.owner.iterancestors()):
                held[anc] = held.get(anc, 0.0) + w
    container = heaviest.owner
    start = heaviest.owner
    parent = start.getparent()
    if parent is not None and any(
        w > 0 and not _inside(s.owner, start) for s, w in zip(run, weights, strict=True)
    ):
        start = parent  # one paragraph that outweighs the others around it is not the article
    for anc in (start, *start.iterancestors()):
        container = anc
        if held.get(anc, 0.0) >= CORE_SHARE * total:
            break
    keep = [i for i in range(first, last + 1) if _inside(segs[i].owner, container)]
    first, last = keep[0], keep[-1]
    while first > 0 and _joins(segs[first - 1], container):
        first -= 1
    while last + 1 < len(segs) and _joins(segs[last + 1], container):
        last += 1
    return first, last


def _joins(seg: dom.Segment, container: dom.Element) -> bool:
    return _inside(seg.owner, container) and seg.link_chars <= LINK_DENSE * seg.chars


def _inside(el: dom.Element, anc: dom.Element) -> bool:
    return el is anc or _within(el, anc)


def _depth(el: dom.Element) -> int:
    return sum(1 for _ in el.iterancestors())


def _within(el: dom.Element, anc: dom.Element) -> bool:
    return any(a is anc for a in el.iterancestors())
