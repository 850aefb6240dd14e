"""Extract-metadata stage: settle fields that depend on the whole article.

Parsers lift what the text states; this stage only normalises it (dates to
ISO 8601, people deduplicated, a headline equal to the original title folded)
and never guesses a value the source does not give.
"""

from __future__ import annotations

from . import text as textrules
from ._document import Document


def language(options: textrules.TextOptions) -> str:
    """The BCP 47 tag of the records' text."""
    return textrules.output_language(options)


def run(doc: Document) -> Document:
    for article in doc.articles:
        f = article.fields
        for key in ("author", "editor"):
            people = f.get(key)
            if isinstance(people, list):
                seen: list[str] = []
                unique: list[dict[str, str]] = []
                for p in people:
                    name = p.get("name") if isinstance(p, dict) else p
                    if not name:
                        continue
                    if name in seen:  # keep the fuller entry (with a job title) of the same person
                        i = seen.index(name)
                        if isinstance(p, dict) and p.get("jobTitle") and not unique[i].get("jobTitle"):
                            unique[i] = p
                        continue
                    seen.append(name)
                    unique.append(p if isinstance(p, dict) else {"name": p})
                f[key] = unique
        if f.get("alternativeHeadline") and f.get("alternativeHeadline") == f.get("headline"):
            f["isBasedOnHeadline"] = f.pop("alternativeHeadline")
        if not article.body.strip():
            article.warnings.append("empty body")
    return doc
