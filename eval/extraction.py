"""Main-text, date and author extraction from whole web pages, ours against the peers.

Corpus: ../shared/external/chinese-web-content-extraction (69 Chinese pages with hand-made gold main
text, author and date; 49 CleanEval-era GB2312/GBK pages, 20 modern UTF-8 ones).  Pages are numbered
1..69 in file-name order: the odd ones are the development set, the even ones are held out (a large
gap between the two means over-fitting).

Systems:

* ``ours``: :func:`normalize.process_bytes` on the raw bytes, as a user would run it (the ``html``
  format is sniffed), with ``--script keep`` so that the text is compared in the page's own script;
* ``trafilatura (bytes)``: ``trafilatura.bare_extraction`` on the raw bytes (it decodes itself);
* ``trafilatura (decoded)``, ``readability``, ``justext``: on text pre-decoded the way browsers do
  (strict UTF-8, else the declared label mapped WHATWG-style: gb2312/gbk → gb18030, big5 → big5hkscs).

Metrics: bag-of-characters precision/recall/F1 over non-whitespace code points (no word boundaries
in Chinese), mean and median; pages under F1 0.5 (and how many of those have an empty gold); dates
right (the day agrees with the gold as far as the gold goes: ``1998-3`` needs 1998-03; a UTC value,
given when the page states a zone, must equal the gold's local time to the minute under some zone
offset); authors right, lenient (every gold name, whitespace removed, is among the system's
authors, or among its editors when it names no author: the gold credits whoever the page credits)
and strict (authors only); fabricated dates/authors (given where the gold is UNKNOWN/empty and not
found in the page's text); records containing markup (ours only); CPU time per page (process time:
the machine is shared, wall time is noise).  A page that is an official document gives ours a
Legislation record: its date is the document's own, the 成文日期 (``legislationDate``; GB/T 9704
names it the document's date), else the site's ``datePublished``; its author the issuing organ
(``legislationPassedBy``); its text the body without title, number, signature and date lines,
like a news record's without headline and byline.

Run ``python eval/extraction.py`` (``-v`` lists every page); exit status 0, also when the corpus
is absent (then it says so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "external" / "chinese-web-content-extraction"
sys.path.insert(0, str(REPO))

_WS = re.compile(r"\s+")
_MARKUP = re.compile(
    r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?![^<>\s]*@)[^<>]*>|&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)
"""A tag or a character reference left in a value; an address in angle brackets (``某某 <a@b.cn>``, as
mail headers write one) is text, not a tag."""
_UNKNOWN = {"", "UNKNOWN", "UNKNWON", "NONE", "NULL"}
_WHATWG = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs", "utf8": "utf-8"}
_DECL = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)


# --- gold and metric ----------------------------------------------------------------------------------


DATE_ERRATA: dict[str, tuple[str, str]] = {
    "05e98007": (
        "2005-07-05",
        "the page dates it `发布日期： 7/5/2005 9:23:57 PM` (month/day/year) and the text opens "
        "`【看中国2005年07月03日报道】`; the gold read day/month (2005-5-7)",
    ),
    "35687fb1": (
        "2005-09-10",
        "the post's own line is `Saturday, September 10th, 2005 10:56 am`; the gold's 2006-12-27 is "
        "the site banner's clock (`2006年12月27日（京港台时间）`): the day the page was saved",
    ),
    "d5bced5e": (
        "2011-06-17",
        "a Wikipedia article: its JSON-LD says datePublished 2011-06-17 (dateModified 2022); the "
        "gold's 2020-04-17 is the date of a maintenance notice on it (`(2020年4月17日)`)",
    ),
}
"""Gold dates that contradict the page itself, with the evidence; the tables give dates right
against the gold as published and, in brackets, against the gold with these corrected (for every
system alike)."""


@dataclass
class Page:
    number: int
    """1-based position in file-name order (odd = development, even = held out)."""
    path: Path
    gold_text: str
    gold_authors: list[str]
    gold_date: tuple[int, ...] | None
    """(year[, month[, day]]) as far as the gold gives it; None when UNKNOWN/empty."""
    fixed_date: tuple[int, ...] | None = None
    """The gold date corrected (:data:`DATE_ERRATA`), else the gold's."""


def load(corpus: Path) -> list[Page]:
    pages = []
    for n, path in enumerate(sorted((corpus / "original").glob("*.html")), 1):

        def gold(sub: str, stem: str = path.stem) -> str:
            p = corpus / sub / f"{stem}.txt"
            return p.read_text(encoding="utf-8-sig", errors="replace").strip() if p.exists() else ""

        author = gold("author")
        names = [] if author.upper() in _UNKNOWN else author.split()
        given = _gold_date(gold("date"))
        erratum = DATE_ERRATA.get(path.stem[:8])
        fixed = _gold_date(erratum[0]) if erratum and given else given
        pages.append(Page(n, path, gold("cleaned"), names, given, fixed))
    return pages


def _gold_date(text: str) -> tuple[int, ...] | None:
    """(year[, month[, day[, hour, minute]]]) as far as the gold gives them."""
    m = re.match(r"\s*((?:19|20)\d\d)(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:\s+(\d{1,2})[-:](\d{2}))?", text)
    return tuple(int(g) for g in m.groups() if g) if m else None


def bag(text: str) -> Counter[str]:
    return Counter(_WS.sub("", text))


def prf(ours: str, gold: str) -> tuple[float, float, float]:
    a, b = bag(ours), bag(gold)
    if not a and not b:
        return 1.0, 1.0, 1.0
    overlap = sum((a & b).values())
    p = overlap / sum(a.values()) if a else 0.0
    r = overlap / sum(b.values()) if b else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def date_right(ours: str | None, gold: tuple[int, ...]) -> bool:
    """The day agrees with the gold as far as the gold goes (a month alone, ``1996-03``, agrees
    only with a gold that gives no day).  A UTC value (``Z``: the page gave a
    zone) is right when some zone offset turns it into the gold's local day, and the gold's local
    time to the minute when the gold has one."""
    if not ours:
        return False
    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}))?)?", ours)
    if not m:
        return False
    if m[3] is None:  # a month alone (a magazine's month issue): right only against a month alone
        return len(gold) == 2 and (int(m[1]), int(m[2])) == gold
    day = tuple(int(g) for g in m.groups()[:3])
    if not ours.endswith("Z") or m[4] is None:
        return day[: min(len(gold), 3)] == gold[:3]
    utc = dt.datetime(day[0], day[1], day[2], int(m[4]), int(m[5]))
    for k in range(-24, 29):  # offsets -12:00 .. +14:00 in half hours
        local = utc + dt.timedelta(minutes=30 * k)
        if (local.year, local.month, local.day, local.hour, local.minute)[: len(gold)] == gold:
            return True
    return False


def authors_right(ours: list[str], gold: list[str]) -> bool:
    have = {_WS.sub("", a) for a in ours}
    return bool(gold) and all(_WS.sub("", g) in have for g in gold)


def credited_right(out: Output, gold: list[str]) -> bool:
    """Lenient: the gold names are our authors, or our editors when we name no author (the gold
    calls whoever the page credits the author; a page crediting only ``编辑：某某`` gives that name)."""
    return authors_right(out.authors or out.editors, gold)


def _date_on_page(date: str, text: str) -> bool:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", date)
    if not m:
        return False
    y, mo, d = (int(g) for g in m.groups())
    pat = rf"{y}\s*[-/.年]\s*0?{mo}\s*[-/.月]\s*0?{d}(?!\d)"
    return re.search(pat, text) is not None


def decode_like_browser(raw: bytes) -> str:
    """What the research note calls pre-decoded: strict UTF-8, else the declared label, WHATWG-mapped."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _DECL.search(raw[:4096])
    label = m.group(1).decode("ascii").lower() if m else "gb18030"
    codec = _WHATWG.get(label, label)
    try:
        return raw.decode(codec, errors="replace")
    except LookupError:
        return raw.decode("gb18030", errors="replace")


# --- systems -------------------------------------------------------------------------------------------


@dataclass
class Output:
    text: str = ""
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    markup: bool = False
    error: str = ""


def ours(raw: bytes, name: str) -> Output:
    from normalize import process_bytes
    from normalize.pipeline import Options
    from normalize.text import TextOptions

    res = process_bytes(raw, name, Options(text=TextOptions(script="keep")))
    if not res.ok:
        return Output(error=res.error or "")
    out = Output()
    texts = []
    for rec in res.records:
        d = rec.data
        texts.append(d.get("articleBody") or d.get("text") or "")
        out.date = out.date or d.get("legislationDate") or d.get("dateCreated") or d.get("datePublished")
        credited = [*d.get("author", []), *d.get("legislationPassedBy", [])]
        out.authors += [a.get("name", "") for a in credited if isinstance(a, dict)]
        out.editors += [a.get("name", "") for a in d.get("editor", []) if isinstance(a, dict)]
        out.markup = out.markup or any(_MARKUP.search(s) for s in _strings(d, skip="wasGeneratedBy"))
    out.text = "\n".join(texts)
    return out


def _strings(value: Any, skip: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k != skip for s in _strings(v, skip)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, skip)]
    return []


def _trafilatura(data: bytes | str) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(data, with_metadata=True)
    if doc is None:
        return Output()
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    authors = [a.strip() for a in re.split(r"[;,]", d.get("author") or "") if a.strip()]
    return Output(d.get("text") or "", d.get("date"), authors)


def trafilatura_bytes(raw: bytes, name: str) -> Output:
    return _trafilatura(raw)


def trafilatura_decoded(raw: bytes, name: str) -> Output:
    return _trafilatura(decode_like_browser(raw))


def readability(raw: bytes, name: str) -> Output:
    import lxml.html
    from readability import Document  # type: ignore[import-untyped]

    html = Document(decode_like_browser(raw)).summary(html_partial=True)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return Output("\n".join(t for t in root.itertext()))


def justext_(raw: bytes, name: str) -> Output:
    import justext  # type: ignore[import-untyped]

    paras = justext.justext(
        decode_like_browser(raw), frozenset(), stopwords_low=0, stopwords_high=0, length_low=10
    )
    return Output("\n".join(p.text for p in paras if not p.is_boilerplate))


SYSTEMS: dict[str, Callable[[bytes, str], Output]] = {
    "ours": ours,
    "trafilatura (bytes)": trafilatura_bytes,
    "trafilatura (decoded)": trafilatura_decoded,
    "readability (decoded)": readability,
    "justext (decoded)": justext_,
}
_HAS_META = {"ours", "trafilatura (bytes)", "trafilatura (decoded)"}


# --- report --------------------------------------------------------------------------------------------


@dataclass
class Scores:
    f1: list[float] = field(default_factory=list)
    p: list[float] = field(default_factory=list)
    r: list[float] = field(default_factory=list)
    low: int = 0
    low_empty_gold: int = 0
    dates: int = 0
    dates_fixed: int = 0
    date_golds: int = 0
    authors: int = 0
    authors_strict: int = 0
    author_golds: int = 0
    fab_dates: int = 0
    fab_authors: int = 0
    markup: int = 0
    errors: int = 0
    seconds: float = 0.0


def _score(s: Scores, page: Page, out: Output, page_text: str, seconds: float) -> float:
    p, r, f = prf(out.text, page.gold_text)
    s.p.append(p)
    s.r.append(r)
    s.f1.append(f)
    s.seconds += seconds
    s.errors += bool(out.error)
    s.markup += out.markup
    if f < 0.5:
        s.low += 1
        s.low_empty_gold += not _WS.sub("", page.gold_text)
    if page.gold_date:
        s.date_golds += 1
        s.dates += date_right(out.date, page.gold_date)
        s.dates_fixed += date_right(out.date, page.fixed_date or page.gold_date)
    elif out.date and not _date_on_page(out.date, page_text):
        s.fab_dates += 1
    if page.gold_authors:
        s.author_golds += 1
        s.authors += credited_right(out, page.gold_authors)
        s.authors_strict += authors_right(out.authors, page.gold_authors)
    else:
        s.fab_authors += sum(1 for a in out.authors if _WS.sub("", a) not in _WS.sub("", page_text))
    return f


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _row(name: str, s: Scores, meta: bool) -> str:
    n = len(s.f1)
    med = statistics.median(s.f1) if s.f1 else 0.0
    low = f"{s.low} ({s.low_empty_gold} empty gold)" if s.low_empty_gold else str(s.low)
    dates = f"{s.dates}/{s.date_golds} ({s.dates_fixed})" if meta else "-"
    authors = f"{s.authors} ({s.authors_strict})/{s.author_golds}" if meta else "-"
    fab = f"{s.fab_dates}/{s.fab_authors}" if meta else "-"
    ms = 1000 * s.seconds / n if n else 0.0
    return (
        f"| {name} | {mean(s.p):.3f} | {mean(s.r):.3f} | {mean(s.f1):.3f} ({med:.3f}) | {low} | "
        f"{dates} | {authors} | {fab} | {ms:.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every page (ours)")
    ap.add_argument("--only", default="", help="comma-separated system names (default: all)")
    ap.add_argument("--set", choices=("all", "dev", "held-out"), default="all", help="pages to run")
    ap.add_argument(
        "--sweep",
        action="store_true",
        help="also run every file of ../shared/external and count the records holding markup",
    )
    args = ap.parse_args(argv)
    if args.sweep:
        sweep(EXTERNAL)
    if not (args.corpus / "original").is_dir():
        print(f"skipped: {args.corpus} not found")
        return 0
    pages = load(args.corpus)
    if args.set != "all":
        pages = [p for p in pages if (p.number % 2 == 1) == (args.set == "dev")]
    systems = {k: v for k, v in SYSTEMS.items() if not args.only or k.split(" ")[0] in args.only.split(",")}
    table: dict[str, dict[str, Scores]] = {k: {"dev": Scores(), "held-out": Scores()} for k in systems}
    for page in pages:
        raw = page.path.read_bytes()
        page_text = decode_like_browser(raw)
        part = "dev" if page.number % 2 else "held-out"
        for name, run in systems.items():
            t0 = time.process_time()
            try:
                out = run(raw, page.path.name)
            except Exception as exc:  # a peer crashing on a page scores 0 there
                out = Output(error=f"{type(exc).__name__}: {exc}")
            f = _score(table[name][part], page, out, page_text, time.process_time() - t0)
            if args.verbose and name == "ours":
                print(
                    f"{page.number:2d} {page.path.stem[:8]} F1 {f:.3f} date {out.date} gold {page.gold_date} "
                    f"authors {out.authors} editors {out.editors} gold {page.gold_authors} {out.error}"
                )
    header = (
        "| system | P | R | F1 mean (median) | F1<0.5 | dates right (gold corrected) | "
        "authors right (strict) | fabricated date/author | CPU ms/page |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    sets = (("all pages", ("dev", "held-out")), ("dev (odd)", ("dev",)), ("held-out (even)", ("held-out",)))
    for label, parts in sets:
        merged = {k: _merge([v[p] for p in parts]) for k, v in table.items()}
        if not any(s.f1 for s in merged.values()):
            continue
        print(f"\n{label}: {len(next(iter(merged.values())).f1)} pages\n{header}")
        for name, s in merged.items():
            print(_row(name, s, name in _HAS_META))
    if "ours" in table:
        s = _merge(list(table["ours"].values()))
        print(f"\nours: {s.markup} records with markup, {s.errors} pages failed")
    print("\ngold dates corrected (in brackets above):")
    for stem, (date, why) in DATE_ERRATA.items():
        print(f"- {stem}: {date} — {why}")
    return 0


EXTERNAL = REPO.parent / "shared" / "external"
SWEEP_MAX_BYTES = 4_000_000


def sweep(root: Path) -> None:
    """Every file under ``root`` (the peers' test files, the policy corpus, the 69 pages ...) through
    :func:`normalize.process_bytes`: how many records (valid or quarantined) hold markup, and which."""
    from normalize import process_bytes

    if not root.is_dir():
        print(f"sweep skipped: {root} not found")
        return
    files = records = 0
    found: list[str] = []
    t0 = time.process_time()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.stat().st_size <= SWEEP_MAX_BYTES):
        files += 1
        res = process_bytes(path.read_bytes(), path.name)
        for rec in res.records + res.quarantined:
            records += 1
            hits = [
                m.group(0) for v in _strings(rec.data, skip="wasGeneratedBy") for m in _MARKUP.finditer(v)
            ]
            if hits:
                found.append(f"{path.relative_to(root)}: {hits[0]!r}")
    print(
        f"\nsweep of {root}: {files} files, {records} records, {len(found)} with markup "
        f"({time.process_time() - t0:.0f} s CPU)"
    )
    for line in found:
        print(f"- {line}")


def _merge(parts: list[Scores]) -> Scores:
    out = Scores()
    for s in parts:
        for k, v in vars(s).items():
            cur = getattr(out, k)
            setattr(out, k, cur + v)
    return out


if __name__ == "__main__":
    sys.exit(main())
