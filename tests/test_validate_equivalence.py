"""The compiled validator (jsonschema-rs) gives jsonschema's verdict on real and deliberately broken records.

``validate_record`` lets jsonschema-rs decide and asks jsonschema only for the messages of an invalid
record, so the two must agree on every verdict.  The corpus: every record the pipeline makes from seeds/
and tests/data/{news,policy}/, and broken copies of each, made by mutations that name what they break and
where the message must point.  Mutation values that depend on the schema (required lists, ``maxLength``
limits, the boilerplate pattern of ``articleBody``) are read from schemas/, so they follow it.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from normalize import process
from normalize._resources import SCHEMA_BASE, SCHEMA_FILES, load_json
from normalize.validate import _compiled, validate_record

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "seeds", REPO / "tests" / "data" / "news", REPO / "tests" / "data" / "policy"]
NEWS, LEG = "NewsArticle", "Legislation"
BOTH = frozenset({NEWS, LEG})
PER_KIND = 2  # broken copies per record and kind, rotating through its variants (~800 records, ~8 s)

Path_ = tuple[str | int, ...]


@cache
def reference() -> Draft202012Validator:
    """jsonschema as ``validate_record`` used it before: draft 2020-12, formats checked, refs offline."""
    resources = [(SCHEMA_BASE + name, Resource.from_contents(load_json(name))) for name in SCHEMA_FILES]
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator(
        load_json("record.schema.json"), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def good_records() -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for folder in SOURCES:
        for path in sorted(folder.iterdir()):
            if path.suffix != ".json":  # expected.json files are not inputs
                out += [r.data for r in process(path, folder).records]
    return tuple(out)


# --- mutations ----------------------------------------------------------------------------------------


REMOVE = object()


@dataclass(frozen=True)
class Mutation:
    """Set (or, with ``value=REMOVE``, delete) the value at ``path``; ``value`` may be a function of the
    old value (then the path must exist).  Applies only to records of ``types`` whose parent exists."""

    kind: str
    path: Path_
    value: Any
    types: frozenset[str] = BOTH
    valid: bool = False  # the expected verdict: only the at-limit twins stay valid

    @property
    def label(self) -> str:
        """Unique per mutation: the ``variants`` check below counts by it."""
        where = "/".join(map(str, self.path))
        what = " removed" if self.value is REMOVE else f"={self.value!r:.60}"
        return f"{self.kind} {where}{what} ({'|'.join(sorted(self.types))})"

    def apply(self, rec: dict[str, Any]) -> dict[str, Any] | None:
        if rec["type"] not in self.types:
            return None
        out = copy.deepcopy(rec)
        parent: Any = out
        try:
            for key in self.path[:-1]:
                parent = parent[key]
            last: Any = self.path[-1]
            if isinstance(parent, list) and not (isinstance(last, int) and last < len(parent)):
                return None
            if not isinstance(parent, list | dict):
                return None
            if self.value is REMOVE:
                del parent[last]
            elif callable(self.value):
                parent[last] = self.value(parent[last])
            else:
                parent[last] = self.value
        except (KeyError, IndexError, TypeError):
            return None
        return out

    @property
    def error_path(self) -> str:
        """The JSON path a message must name: the field, or its parent for a missing or unknown one."""
        removed = self.value is REMOVE or self.kind == "unknown-property"
        path = self.path[:-1] if removed else self.path
        return "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" if p.isalnum() else f"['{p}']" for p in path
        )


@dataclass(frozen=True)
class Around:
    """A new value made from the old one: text put before and after it (a boilerplate line, a control)."""

    before: str = ""
    after: str = ""

    def __call__(self, old: str) -> str:
        return self.before + old + self.after


def _schema(name: str, *pointer: str) -> Any:
    node = load_json(name)
    for key in pointer:
        node = node[key]
    return node


def _long(limit: int) -> str:
    return "长" * limit


def _mutations() -> list[Mutation]:
    m: list[Mutation] = []
    common_required = _schema("defs.schema.json", "$defs", "Common", "required")
    for types, schema in ((NEWS, "news-article.schema.json"), (LEG, "legislation.schema.json")):
        for name in dict.fromkeys(common_required + _schema(schema, "required")):
            m.append(Mutation("required-removed", (name,), REMOVE, frozenset({types})))
    m += [
        Mutation("required-removed", ("wasDerivedFrom", "sha256"), REMOVE),
        Mutation("required-removed", ("wasGeneratedBy", "changes"), REMOVE),
        Mutation("required-removed", ("wasGeneratedBy", "changes", 0, "before"), REMOVE),
        Mutation("required-removed", ("author", 0, "name"), REMOVE, frozenset({NEWS})),
        Mutation("required-removed", ("legislationPassedBy", 0, "type"), REMOVE, frozenset({LEG})),
    ]
    m += [
        Mutation("wrong-type", ("characterCount",), "1200"),
        Mutation("wrong-type", ("position",), 1.5),
        Mutation("wrong-type", ("inLanguage",), ["zh-Hans"]),
        Mutation("wrong-type", ("wasDerivedFrom", "byteLength"), "9897"),
        Mutation("wrong-type", ("headline",), 12, frozenset({NEWS})),
        Mutation("wrong-type", ("articleSection",), "财经", frozenset({NEWS})),
        Mutation("wrong-type", ("name",), 12, frozenset({LEG})),
        Mutation("wrong-type", ("addressee",), "各省、自治区、直辖市人民政府", frozenset({LEG})),
    ]
    # maxLength beside a $ref (the $ref's own keywords must not hide it), and the twin exactly at the limit
    for types, path, limit in (
        (NEWS, ("headline",), _schema("news-article.schema.json", "properties", "headline", "maxLength")),
        (LEG, ("name",), _schema("legislation.schema.json", "properties", "name", "maxLength")),
        (
            LEG,
            ("legislationType",),
            _schema("legislation.schema.json", "properties", "legislationType", "maxLength"),
        ),
        (
            NEWS,
            ("author", 0, "name"),
            _schema("defs.schema.json", "$defs", "Person", "properties", "name", "maxLength"),
        ),
        (
            NEWS,
            ("publisher", "name"),
            _schema("defs.schema.json", "$defs", "Organization", "properties", "name", "maxLength"),
        ),
        (
            LEG,
            ("publisher", "name"),
            _schema("defs.schema.json", "$defs", "Organization", "properties", "name", "maxLength"),
        ),
    ):
        m.append(Mutation("maxLength-beside-ref", path, _long(limit + 1), frozenset({types})))
        m.append(Mutation("maxLength-at-limit", path, _long(limit), frozenset({types}), valid=True))
    m += [
        Mutation("impossible-date", ("datePublished",), "2021-02-30", frozenset({NEWS})),
        Mutation("impossible-date", ("datePublished",), "2021-13-01", frozenset({NEWS})),
        Mutation("impossible-date", ("datePublished",), "2021-02-30T08:00:00Z", frozenset({NEWS})),
        Mutation("impossible-date", ("datePublished",), "2021-13-01T08:00:00+08:00", frozenset({NEWS})),
        Mutation("impossible-date", ("legislationDate",), "2021-02-30", frozenset({LEG})),
        Mutation("impossible-date", ("legislationDate",), "2021-13-01", frozenset({LEG})),
        Mutation("impossible-date", ("hasPart", 0, "legislationDate"), "2019-02-29", frozenset({LEG})),
    ]
    m += [
        Mutation("bad-uri", ("url",), "not a uri"),
        Mutation("bad-uri", ("url",), "http://例子.中国/新闻"),  # an IRI, not a URI
        Mutation("bad-uri", ("url",), "https://example.com/a|b"),
        Mutation("bad-uri", ("image",), "http://exa mple.com/a.png", frozenset({NEWS})),
        Mutation("bad-uri", ("image",), "//img.example.com/a.png", frozenset({NEWS})),  # a relative reference
    ]
    body_not = _schema("news-article.schema.json", "properties", "articleBody", "not", "pattern")
    lines = [
        "原标题：山西数字经济蓄势发力",
        "原标题:x",
        "责任编辑：张三 SF014",
        "相关阅读",
        "相关阅读：",
        "首页 > 国内新闻 > 正文",
    ]
    lines += ["首页＞新闻", "\u3000原标题：x"]
    for line in lines:
        assert re.search(body_not, line), f"the schema's boilerplate rule no longer forbids {line!r}"
        m.append(
            Mutation("boilerplate-body", ("articleBody",), Around(before=line + "\n"), frozenset({NEWS}))
        )
    m.append(Mutation("boilerplate-body", ("articleBody",), Around(after="\n相关阅读"), frozenset({NEWS})))
    m += [
        Mutation("unknown-property", ("foo",), 1),
        Mutation("unknown-property", ("wasGeneratedBy", "startedAtTime"), "2024-01-01T00:00:00Z"),
        Mutation("unknown-property", ("wasDerivedFrom", "path"), "/tmp/x.txt"),
        Mutation("unknown-property", ("wasGeneratedBy", "changes", 0, "reason"), "x"),
        Mutation(
            "unknown-property", ("headline",), "一个标题", frozenset({LEG})
        ),  # news field on a Legislation
        Mutation("unknown-property", ("name",), "一个名称", frozenset({NEWS})),
        Mutation("unknown-property", ("author", 0, "email"), "a@example.com", frozenset({NEWS})),
        Mutation("unknown-property", ("isBasedOn", "url"), "https://example.com/", frozenset({NEWS})),
        Mutation("unknown-property", ("legislationPassedBy", 0, "id"), "x", frozenset({LEG})),
        Mutation("unknown-property", ("hasPart", 0, "foo"), "x", frozenset({LEG})),
    ]
    m += [
        Mutation("empty-string", ("headline",), "", frozenset({NEWS})),
        Mutation("empty-string", ("articleBody",), "", frozenset({NEWS})),
        Mutation("empty-string", ("alternativeHeadline",), "", frozenset({NEWS})),
        Mutation("empty-string", ("articleSection", 0), "", frozenset({NEWS})),
        Mutation("empty-string", ("author", 0, "name"), "", frozenset({NEWS})),
        Mutation("empty-string", ("name",), "", frozenset({LEG})),
        Mutation("empty-string", ("text",), "", frozenset({LEG})),
        Mutation("empty-string", ("legislationType",), "", frozenset({LEG})),
        Mutation("empty-string", ("wasDerivedFrom", "fileName"), ""),
        Mutation("empty-string", ("wasGeneratedBy", "changes", 0, "target"), ""),
        Mutation("empty-string", ("wasGeneratedBy", "wasAssociatedWith", "softwareVersion"), ""),
    ]
    m += [
        Mutation("bad-enum", ("type",), "Article"),
        Mutation("bad-enum", ("@context",), "https://schema.org"),
        Mutation("bad-enum", ("sourceScript",), "zh-CN"),
        Mutation("bad-enum", ("wasDerivedFrom", "sourceFormat"), "docx"),
        Mutation("bad-enum", ("wasDerivedFrom", "type"), "prov:Agent"),
        Mutation("bad-enum", ("publisher", "type"), "Company"),
        Mutation("bad-enum", ("legislationPassedBy", 0, "type"), "Organization", frozenset({LEG})),
    ]
    m += [
        Mutation("nested-wrong-type", ("author",), {"type": "Person", "name": "张三"}, frozenset({NEWS})),
        Mutation("nested-wrong-type", ("author", 0), "张三", frozenset({NEWS})),
        Mutation("nested-wrong-type", ("author", 0, "jobTitle"), ["记者"], frozenset({NEWS})),
        Mutation("nested-wrong-type", ("author", 0, "type"), "Organization", frozenset({NEWS})),
        Mutation("nested-wrong-type", ("wasGeneratedBy",), "normalize 0.1.0"),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "changes"), {}),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "changes", 0, "start"), "3"),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "changes", 0, "applied"), "yes"),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "changes", 0, "confidence"), "1"),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "converter", 0), "opencc 1.4.2"),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "wasAssociatedWith"), ["normalize"]),
        Mutation("nested-wrong-type", ("wasGeneratedBy", "changeCounts", 0, "count"), 1.5),
        Mutation("nested-wrong-type", ("legislationPassedBy", 0), "国务院", frozenset({LEG})),
    ]
    m += [
        Mutation("control-char", ("headline",), "标题\t测试", frozenset({NEWS})),
        Mutation("control-char", ("articleBody",), Around(after="\x0b"), frozenset({NEWS})),
        Mutation("control-char", ("text",), Around(after="\x00"), frozenset({LEG})),
        Mutation("control-char", ("name",), "通知\r", frozenset({LEG})),
    ]
    return m


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    invalid: Counter[str] = field(default_factory=Counter)
    valid: Counter[str] = field(default_factory=Counter)
    variants: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _copies() -> Iterator[tuple[Mutation | None, dict[str, Any], dict[str, Any]]]:
    """(mutation, good record, its copy): each good record, then ``PER_KIND`` broken copies of it per
    kind; a variant no record reached is then applied to the first record it fits, so each runs once."""
    mutations = _mutations()
    kinds = list(dict.fromkeys(mu.kind for mu in mutations))
    done: set[str] = set()
    for i, rec in enumerate(good_records()):
        yield None, rec, rec
        for kind in kinds:
            fits = [(mu, out) for mu in mutations if mu.kind == kind and (out := mu.apply(rec)) is not None]
            for j in range(min(PER_KIND, len(fits))):
                mu, out = fits[(i * PER_KIND + j) % len(fits)]
                done.add(mu.label)
                yield mu, rec, out
    for mu in mutations:
        if mu.label not in done:
            for rec in good_records():
                if (out := mu.apply(rec)) is not None:
                    yield mu, rec, out
                    break


@cache
def outcome() -> Outcome:
    res = Outcome()
    compiled = _compiled()
    for mu, good, rec in _copies():
        kind = mu.kind if mu else "good"
        what = f"{good['wasDerivedFrom']['fileName']}#{good.get('position', 1)} {mu.label if mu else 'good'}"
        ref_valid = reference().is_valid(rec)
        rs_valid = compiled.is_valid(rec)
        messages = validate_record(rec)
        (res.valid if ref_valid else res.invalid)[kind] += 1
        if mu:
            res.variants.add(mu.label)
        if rs_valid != ref_valid:
            res.problems.append(f"{what}: jsonschema says valid={ref_valid}, jsonschema-rs valid={rs_valid}")
        if (messages == []) != ref_valid:
            res.problems.append(f"{what}: jsonschema says valid={ref_valid}, validate_record gave {messages}")
        if ref_valid != (mu.valid if mu else True):
            res.problems.append(
                f"{what}: expected valid={mu.valid if mu else True}, jsonschema says {ref_valid}"
            )
        if not ref_valid and mu and not any(msg.split(": ", 1)[0] == mu.error_path for msg in messages):
            res.problems.append(f"{what}: no message names {mu.error_path}: {messages}")
    return res


def test_every_verdict_is_the_same() -> None:
    res = outcome()
    summary = ", ".join(
        f"{k}: {res.invalid[k]} invalid/{res.valid[k]} valid" for k in res.invalid | res.valid
    )
    print(f"\n{sum(res.invalid.values()) + sum(res.valid.values())} records — {summary}")
    assert not res.problems, "\n".join(res.problems[:30])


def test_every_mutation_breaks_something() -> None:
    """Every kind made invalid records (else it tests nothing), every variant ran on some record."""
    res = outcome()
    assert res.valid["good"] >= 30 and res.invalid["good"] == 0
    kinds = {mu.kind for mu in _mutations()}
    for kind in kinds - {"maxLength-at-limit"}:
        assert res.invalid[kind] >= 1 and res.valid[kind] == 0, kind
    assert res.valid["maxLength-at-limit"] >= 1 and res.invalid["maxLength-at-limit"] == 0
    labels = [mu.label for mu in _mutations()]
    assert len(set(labels)) == len(labels) and set(labels) <= res.variants


# --- where the two validators differ, by design -------------------------------------------------------


def _news() -> dict[str, Any]:
    return copy.deepcopy(next(r for r in good_records() if r["type"] == NEWS))


def _leg() -> dict[str, Any]:
    return copy.deepcopy(next(r for r in good_records() if r["type"] == LEG))


# (field, value, record kind, jsonschema-rs says valid, jsonschema says valid).  jsonschema matches
# patterns with Python's re: ``$`` also matches before a final newline, ``\d`` is any Unicode digit, ``\s``
# lacks U+FEFF but has NEL and U+001C-U+001F.  jsonschema-rs follows ECMA-262, as JSON Schema specifies.
# Its date-time takes a leap second on any day, its date the year 0000 (RFC 3339 allows it, Python not).
KNOWN_DIFFERENCES = [
    ("headline", "标题\n", NEWS, False, True),
    ("inLanguage", "zh\n", NEWS, False, True),
    ("headline", "\ufeff", NEWS, False, True),
    ("legislationIdentifier", "国办发〔２０１９〕５号", LEG, False, True),
    ("datePublished", "2021-01-01T23:59:60Z", NEWS, True, False),
    ("datePublished", "0000-01-01", NEWS, True, False),
]


@pytest.mark.parametrize(("name", "value", "kind", "rs_valid", "py_valid"), KNOWN_DIFFERENCES)
def test_known_differences(name: str, value: str, kind: str, rs_valid: bool, py_valid: bool) -> None:
    """Pinned, so that a change in either library shows here; ``validate_record`` follows jsonschema-rs,
    and where jsonschema finds nothing wrong it reports jsonschema-rs's own message for the field."""
    rec = _news() if kind == NEWS else _leg()
    rec[name] = value
    assert (_compiled().is_valid(rec), reference().is_valid(rec)) == (rs_valid, py_valid)
    messages = validate_record(rec)
    if rs_valid:
        assert messages == []
    else:
        assert [m.split(": ", 1)[0] for m in messages] == [f"$.{name}"]


@pytest.mark.parametrize("value", ["标题\x00", "a\x01b", "\x1f", "标题\x85"])
def test_a_line_with_one_control_character_is_invalid(value: str) -> None:
    rec = _news()
    rec["headline"] = value  # Line's \\S once let one control character through (both validators)
    assert not _compiled().is_valid(rec) and not reference().is_valid(rec)


@pytest.mark.parametrize("value", ["2021-13-01T10:00:00", "2021-02-32T10:00:00", "2021-02-03T24:00:00"])
def test_a_local_date_time_out_of_range_is_invalid(value: str) -> None:
    rec = _news()
    rec["datePublished"] = value
    assert not _compiled().is_valid(rec) and not reference().is_valid(rec)


def test_a_value_json_has_no_type_for_is_left_to_jsonschema() -> None:
    rec = _news()
    rec["keywords"] = {"a set"}  # jsonschema-rs cannot convert it (ValueError); jsonschema can say why
    assert validate_record(rec) == ["$.keywords: {'a set'} is not of type 'array'"]


def test_importing_and_validating_a_good_record_do_not_import_jsonschema() -> None:
    code = (
        "import sys, json\n"
        "import normalize.validate as v\n"
        "names = ('jsonschema', 'jsonschema_rs')\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.split('.')[0] in names)\n"
        "print(json.dumps(loaded()))\n"
        "assert v.validate_record(json.loads(sys.stdin.read())) == []\n"
        "print(json.dumps(loaded()))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(_news()), capture_output=True, text=True, check=True
    )
    at_import, after_good = (json.loads(line) for line in run.stdout.splitlines())
    assert at_import == []
    assert "jsonschema_rs" in after_good and "jsonschema" not in after_good
