"""What a web page says about itself in machine-readable form: ``<meta>``, JSON-LD, microdata, links.

Read before the invisible parts of the page are stripped.  The names are the conventions pages
follow, not any one site's: Open Graph (``og:title``, ``article:published_time``), JSON-LD
(schema.org ``NewsArticle``), microdata (``itemprop``), Dublin Core (``dc.date``), Highwire
(``citation_*``, used by journals) and the meta tags Chinese government sites carry under the
national site guidelines (``ArticleTitle``, ``PubDate``, ``ContentSource``, ``ColumnName``,
``SiteName``).  Values are read, never guessed; a date is kept only when it parses as a date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import _htmldom as dom
from . import _newsmeta as nm

_TAG = re.compile(r"<[^<>]{0,2000}>")
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publishtime",
    "publish_time",
    "pub_date",
    "og:release_date",
    "release_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "sailthru.date",
    "parsely-pub-date",
    "weibo:article:create_at",
)
_AUTHOR_KEYS = (
    *("author", "article:author", "byl", "dc.creator", "dcterms.creator"),
    *("citation_author", "citation_authors"),
)
_TITLE_KEYS = ("og:title", "twitter:title", "articletitle", "citation_title", "dc.title", "headline")
_SECTION_KEYS = ("article:section", "columnname")
_PUBLISHER_KEYS = ("og:site_name", "sitename", "application-name", "citation_publisher")
_SOURCE_KEYS = ("contentsource", "source")
_ARTICLE_TYPES = (
    *("Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle"),
    *("Report", "ScholarlyArticle", "TechArticle", "OpinionNewsArticle"),
)
# names of organisations, not of people: a site or paper given as "author"
ORG_LIKE = re.compile(
    r"(网|報|报|社|台|刊|站|频道|頻道|中心|集团|集團|公司|部|局|厅|廳|委员会|委員會|政府|办公室|辦公室|"
    r"网络|網絡|科技|软件|軟件|"
    r"大学|大學|学院|學院|研究院|协会|協會|杂志|雜誌|日报|晚报|周刊|新闻|新聞|在线|在線|时报|時報|传媒|傳媒)$|"
    r"出版社|https?://|www\.|\.(com|cn|net|org)\b|Team|Inc\b|Ltd\b|Corp|Publish|Press\b|Media\b|News\b|Group\b",
    re.I,
)


@dataclass
class PageMeta:
    """Machine-readable facts of one page (each list in order of trust)."""

    titles: list[str] = field(default_factory=list)
    page_title: str = ""
    """The ``<title>`` element."""
    dates: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    source: str = ""
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    url: str = ""


def clean(value: Any) -> str:
    """A meta value as text: tags some CMSs leave in titles removed, whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    if "&" in value:
        value = html.unescape(value)  # entities escaped twice
    if "<" in value:
        value = _TAG.sub(" ", value)
    return dom.squash(value)


def read(root: dom.Element) -> PageMeta:
    meta = PageMeta()
    named: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or ""
        key = key.lower()
        value = clean(el.get("content"))
        if key and value:
            named.setdefault(key.strip(), []).append(value)
    for obj in _json_ld(root):
        _from_json_ld(meta, obj)
    _from_microdata(meta, root)
    for key in _TITLE_KEYS:
        meta.titles += named.get(key, [])
    for key in _DATE_KEYS:
        meta.dates += [d for d in map(machine_date, named.get(key, [])) if d]
    for key in _AUTHOR_KEYS:
        for value in named.get(key, []):
            meta.authors += [a for a in re.split(r"\s*[,;，；、]\s*", value) if person_like(a)]
    for key in _SECTION_KEYS:
        meta.sections += [s for s in named.get(key, []) if len(s) <= 20]
    for key in _PUBLISHER_KEYS:
        if not meta.publisher and named.get(key):
            meta.publisher = named[key][0][:80]
    for key in _SOURCE_KEYS:
        values = [re.sub(r"^(来源|來源)\s*[:：]\s*", "", v) for v in named.get(key, [])]
        values = [v for v in values if v and len(v) <= 40]
        if not meta.source and values:
            meta.source = values[0]
    if named.get("keywords"):
        meta.keywords = [k for k in re.split(r"\s*[,，;；、]\s*", named["keywords"][0]) if k][:20]
    title = root.find(".//title")
    if title is not None:
        meta.page_title = clean(dom.text_of(title))
    meta.url = meta.url or _canonical(root, named)
    meta.titles = _unique(meta.titles)
    meta.dates = _unique(meta.dates)
    meta.authors = _unique(meta.authors)
    meta.sections = _unique(meta.sections)
    return meta


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def person_like(name: str) -> bool:
    """A byline value that can be a person (or a pen name): not a site, paper, office or URL."""
    name = name.strip()
    return (
        2 <= len(name) <= 30
        and not ORG_LIKE.search(name)
        and not _NOT_NAME.search(name)
        and not re.fullmatch(r"[\W\d_A-Z]+\d*", name)
        and not _furniture(name)
    )


def _furniture(name: str) -> bool:
    """A label of the page's furniture (``推荐阅读``, ``相关新闻``, ``分享到``, ``点击查看``): a link box
    or a promo that follows a byline in the markup is not a person."""
    folded = nm.fold(name)
    return bool(nm.RELATED.match(folded) or nm.PROMO.search(folded))


# markup debris (``size="20"``), addresses and numbers are not names
_NOT_NAME = re.compile(r"[=<>\"'{}\[\]@/\\:：;；]|^\d|^[A-Z]_\d")


def _canonical(root: dom.Element, named: dict[str, list[str]]) -> str:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    for value in named.get("og:url", []) + named.get("url", []):
        if value.startswith(("http://", "https://")) and " " not in value:
            return value
    return ""


def _json_ld(root: dom.Element) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                out.append(item)
    return out


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    return [str(x) for x in (t if isinstance(t, list) else [t]) if x]


def _from_json_ld(meta: PageMeta, obj: dict[str, Any]) -> None:
    if not any(t in _ARTICLE_TYPES for t in _types(obj)):
        return
    for key in ("headline", "name"):
        if clean(obj.get(key)):
            meta.titles.insert(0, clean(obj.get(key)))
            break
    date = machine_date(clean(obj.get("datePublished")) or clean(obj.get("dateCreated")))
    if date:
        meta.dates.insert(0, date)
    authors = obj.get("author")
    for a in authors if isinstance(authors, list) else [authors]:
        if isinstance(a, dict) and "Organization" not in " ".join(_types(a)):
            name = clean(a.get("name"))
        else:
            name = clean(a) if isinstance(a, str) else ""
        if name and person_like(name):
            meta.authors.append(name)
    pub = obj.get("publisher")
    if isinstance(pub, dict) and clean(pub.get("name")) and not meta.publisher:
        meta.publisher = clean(pub.get("name"))[:80]
    section = obj.get("articleSection")
    for s in section if isinstance(section, list) else [section]:
        if clean(s) and len(clean(s)) <= 20:
            meta.sections.append(clean(s))
    url = obj.get("url") or obj.get("mainEntityOfPage")
    url = url.get("@id") if isinstance(url, dict) else url
    if isinstance(url, str) and url.startswith(("http://", "https://")) and not meta.url:
        meta.url = url.strip()


def _from_microdata(meta: PageMeta, root: dom.Element) -> None:
    marked = dom.elements(root, "//*[@itemprop='datePublished' or @itemprop='author' or @pubdate]")
    for el in (e for e in marked if e.get("itemprop") != "author"):
        value = el.get("content") or el.get("datetime") or dom.text_of(el)
        date = machine_date(clean(value))
        if date:
            meta.dates.append(date)
    for el in (e for e in marked if e.get("itemprop") == "author"):
        if el.tag == "meta":
            continue
        names = dom.elements(el, ".//*[@itemprop='name']")
        value = clean(dom.text_of(names[0] if names else el))
        if person_like(value):
            meta.authors.append(value)


_ISO = re.compile(
    r"^\s*(?P<y>(?:19|20)\d\d)(?:(?P<s>[-/.年])(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?|(?P<m8>\d\d)(?P<d8>\d\d))"
    r"(?:(?:[T\s]+|-)(?P<H>\d{1,2})[:：](?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?\s*"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2}|GMT|UTC)?\s*$",
    re.I,
)


def machine_date(value: str) -> str | None:
    """An ISO 8601 date or date-time from a machine-readable value; UTC ``Z`` when a zone is given.

    ``2022-02-06T12:48:06+00:00`` → ``2022-02-06T12:48:06Z``; ``2022-02-11 09:52`` →
    ``2022-02-11T09:52:00`` (no zone given: left as written); ``2022-02-13`` → ``2022-02-13``.
    """
    m = _ISO.match(value or "")
    if not m:
        return _rfc2822(value)
    return iso(m["y"], m["m"] or m["m8"], m["d"] or m["d8"], m["H"], m["M"], m["S"], m["tz"])


def iso(
    y: str,
    mo: str,
    d: str,
    hh: str | None = None,
    mm: str | None = None,
    ss: str | None = None,
    tz: str | None = None,
) -> str | None:
    """Checked ISO form of date parts (None when they do not make a real date)."""
    try:
        day = dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if hh is None or mm is None:
        return day.isoformat()
    try:
        t = dt.datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss or 0))
    except ValueError:
        return day.isoformat()
    if not tz:
        return t.isoformat()
    tz = tz.upper()
    offset = dt.timedelta(0)
    if tz[0] in "+-":
        digits = tz[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if tz[0] == "-" else offset
    utc = t.replace(tzinfo=dt.timezone(offset)).astimezone(dt.UTC)
    return utc.replace(tzinfo=None).isoformat() + "Z"


def _rfc2822(value: str) -> str | None:
    """``Sun, 13 Feb 2022 07:00:00 GMT`` (HTTP and feed dates, found in some meta tags)."""
    if not value or not re.match(r"^\s*(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s", value):
        return None
    try:
        t = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if t.tzinfo is None:
        return t.replace(microsecond=0).isoformat()
    return t.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
