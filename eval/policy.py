"""Measure the policy parser on real gov.cn documents (../shared/external/corpus-policy).

Each ``.txt`` there has a ``.json`` beside it with the gold ``title``,
``issuing_organ`` and ``doc_number``.  The text goes through the policy format's
``sniff`` and ``parse`` (via a :class:`Document`), and title, issuing organ(s)
and 发文字号 are compared with the gold after normalising what does not change
meaning: whitespace, bracket variants (``[]``/``()``/``〔〕``), the state prefix
``中华人民共和国`` of a national organ, and the list separator of joint organs.
A 令 number written out (``中华人民共和国国务院令第707号``) matches the gold's
abbreviation (``国令第707号``) when the number is the same and the gold's code
is an in-order abbreviation of the written organ.

Run ``python eval/policy.py`` (``-v`` lists every document); exit status 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "external" / "corpus-policy"
sys.path.insert(0, str(REPO))

_WS = re.compile(r"[\s\u3000\u00a0]+")
_STATE = "中华人民共和国"


def _norm(s: str) -> str:
    s = _WS.sub("", s)
    return s.translate(str.maketrans("[［(（【", "〔〔〔〔〔")).translate(
        str.maketrans("]］)）】", "〕〕〕〕〕")
    )


def _organs(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[、，,\s]+", str(value or ""))
    return sorted(_norm(x).removeprefix(_STATE) for x in items if _norm(x))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _same_identifier(ours: str, gold: str) -> bool:
    a, b = _norm(ours).removeprefix(_STATE), _norm(gold).removeprefix(_STATE)
    if a == b:
        return True
    ma, mb = re.fullmatch(r"(.+)令第(\d+)号", a), re.fullmatch(r"(.+)令第(\d+)号", b)
    return bool(ma and mb and ma[2] == mb[2] and _subsequence(mb[1], ma[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus} not found")
        return 0
    from normalize._document import Document, NormalizeError
    from normalize.formats import policy

    golds = sorted(args.corpus.rglob("*.json"))
    golds = [g for g in golds if g.with_suffix(".txt").exists()]
    if not golds:
        print(f"skipped: no .txt/.json pairs under {args.corpus}")
        return 0
    counts = {"title": 0, "organ": 0, "number": 0, "all": 0, "date": 0, "addressee": 0, "sniffed": 0}
    misses: list[str] = []
    for gp in golds:
        gold = json.loads(gp.read_text(encoding="utf-8"))
        raw = gp.with_suffix(".txt").read_bytes()
        doc = Document(source=raw, name=gp.with_suffix(".txt").name, text=raw.decode("utf-8"))
        score = policy.FORMAT.sniff(doc.text)
        counts["sniffed"] += score > 0.3
        try:
            policy.FORMAT.parse(doc)
            f = doc.articles[0].fields
        except NormalizeError as exc:
            misses.append(f"{gp.stem}: error {exc}")
            continue
        ok_t = _norm(f.get("name", "")) == _norm(gold["title"])
        ok_o = _organs(f.get("legislationPassedBy")) == _organs(gold["issuing_organ"])
        ok_n = _same_identifier(f.get("legislationIdentifier", ""), gold["doc_number"])
        counts["title"] += ok_t
        counts["organ"] += ok_o
        counts["number"] += ok_n
        counts["all"] += ok_t and ok_o and ok_n
        counts["date"] += bool(f.get("legislationDate"))
        counts["addressee"] += bool(f.get("addressee"))
        if not ok_t:
            misses.append(f"{gp.stem}: title {f.get('name')!r} != {gold['title']!r}")
        if not ok_o:
            misses.append(f"{gp.stem}: organ {f.get('legislationPassedBy')!r} != {gold['issuing_organ']!r}")
        if not ok_n:
            misses.append(f"{gp.stem}: number {f.get('legislationIdentifier')!r} != {gold['doc_number']!r}")
        if args.verbose:
            print(
                f"{gp.stem}  sniff={score:.2f}  {f.get('legislationType')}  {f.get('legislationDate')}  "
                f"{f.get('name')}  {f.get('legislationPassedBy')}  {f.get('legislationIdentifier')}  "
                f"addressee={len(f.get('addressee') or [])} attachments={len(f.get('attachments') or [])} "
                f"forwarded={[x['name'] for x in f.get('forwarded') or []]}"
            )
    n = len(golds)
    print(f"policy corpus: {n} documents ({args.corpus})")
    labels = [
        ("sniffed", "sniffed as policy (>0.3)"),
        ("title", "title"),
        ("organ", "issuing organ(s)"),
        ("number", "发文字号"),
        ("all", "all three right"),
        ("date", "成文日期 found"),
        ("addressee", "主送机关 found"),
    ]
    for key, label in labels:
        print(f"  {label:<26} {counts[key]:>3}/{n}  {100 * counts[key] / n:5.1f}%")
    if misses:
        print("misses:")
        for line in misses:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
