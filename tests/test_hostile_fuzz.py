"""Fuzzing with hypothesis: bytes -> records, and each format parser, on generated hostile input.

The properties (what "never crashes" means here):

* nothing escapes but our own typed errors: :func:`normalize.process_bytes` returns a result, whose
  error (if any) is a message, never ``internal error`` (a bug); a format parser raises nothing but
  :class:`~normalize.NormalizeError`;
* every record validates, or is quarantined with its reasons (never passed off as valid);
* canonical bytes are stable: parsing a record's bytes and writing them again gives the same bytes,
  and normalizing the same bytes twice gives the same records.

The strategies build documents in the layouts the tool reads (front matter, web pages, plain text,
policy templates) and damage them the ways real ones are damaged (wrong encodings, control bytes,
truncation, hostile YAML and markup), plus raw bytes.  The budget is small here (the "ci" profile of
tests/conftest.py: derandomized, the same examples every run); ``nox -s fuzz`` explores more, and
``nox -s atheris`` runs the coverage-guided harness fuzz/atheris_records.py for millions of inputs.
Counterexamples found are pinned with ``@example``.
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from normalize import NormalizeError, formats, process_bytes
from normalize._canonical import canonical_bytes
from normalize._document import Document
from normalize._limits import Limits
from normalize.pipeline import Options, Result
from normalize.validate import validate_record

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PUNCT = st.sampled_from(list("，。、；：？！“”‘’（）《》【】—…·　 \t"))
ODD = st.sampled_from(
    list("\x00\x01\x07\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\ufffd\u200b\ud7ff\U0001f600&<>#;:-|*`'\"\\")
)
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
CHUNK = st.text(st.one_of(HAN, HAN, HAN, PUNCT, ASCII, ODD), max_size=60)
LINE = st.one_of(
    CHUNK,
    st.sampled_from(
        [
            "首页 > 国内新闻 > 正文",
            "原标题：国务院部署稳就业工作",
            "责任编辑：刘万里",
            "相关阅读：",
            "（记者 王海荣）",
            "新华社北京3月4日电",
            "2021年03月04日 08:00 来源：人民日报",
            "## 政策标题：关于做好有关工作的通知",
            "## 政策来源：国务院办公厅",
            "## 政策内容：",
            "国办发〔2021〕12号",
            "各省、自治区、直辖市人民政府：",
            "第一条　为了做好工作，制定本办法。",
            "附件：1. 有关名单",
            "国务院办公厅",
            "2021年3月4日",
            "（此件公开发布）",
            "---",
            "",
            "　　",
        ]
    ),
)
SENTENCE = st.lists(st.text(HAN, min_size=4, max_size=20), min_size=1, max_size=4).map(
    lambda xs: "，".join(xs) + "。"
)
PROSE = st.lists(SENTENCE, min_size=1, max_size=5).map("".join)
"""A paragraph of Chinese prose (what the formats look for as an article's text)."""
TEXT = st.lists(st.one_of(LINE, PROSE), max_size=25).map("\n".join)

YAML_VALUE = st.one_of(
    CHUNK,
    st.sampled_from(
        [
            "2021-13-45",
            "Mon, 22 Mar 2021 02:23:38 GMT",
            "2021-03-04 08:00:00+08:00",
            "0000-00-00",
            "[1, 2, 3]",
            "{name: 新华社}",
            "!!python/object/apply:os.system ['true']",
            "&a [*a]",
            "*nothing",
            "'unclosed",
            "|\n  多行\n  文本",
            "null",
            "~",
            "7",
            "-1e400",
            "../../../../etc/passwd",
            "https://example.com/a?b=c#d",
            "file:///etc/passwd",
            "yes",
        ]
    ),
)
YAML_KEY = st.sampled_from(
    [
        "title",
        "categories",
        "category",
        "author",
        "date",
        "thumbnail",
        "url",
        "tags",
        "keywords",
        "id",
        "slug",
        "headimg",
        "comments",
        "source",
        "x",
    ]
)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(YAML_KEY, YAML_VALUE), max_size=8))
    head = "".join(f"{k}: {v}\n" for k, v in pairs)
    body = draw(
        st.one_of(TEXT, html_fragment(), st.lists(PROSE.map("<p>{}</p>".format), max_size=6).map("".join))
    )
    close = draw(st.sampled_from(["---\n", "---\n", "---\n", "", "...\n"]))
    return f"---\n{head}{close}{body}"


_TAGS = "p div span a b h1 h2 br table tr td script style title meta article ul li img iframe svg noscript"
TAG = st.sampled_from((*_TAGS.split(" "), "head", "body", "html", "section"))
ENTITY = st.sampled_from(
    ["&amp;", "&lt;", "&gt;", "&nbsp;", "&#x4e2d;", "&#20013;", "&#0;", "&#xD800;", "&bogus;"]
)
ATTR = st.sampled_from(
    (
        "",
        ' class="content"',
        ' style="display:none"',
        " hidden",
        ' href="javascript:x"',
        ' property="og:title"',
        ' content="国务院部署"',
        ' name="author" content="王海荣"',
        ' id="article"',
        ' charset="gbk"',
    )
)


@st.composite
def html_fragment(draw: st.DrawFn, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 5))
        if kind <= 1 or depth > 4:
            parts.append(draw(st.one_of(CHUNK, PROSE)))
        elif kind == 2:
            parts.append(draw(ENTITY))
        elif kind == 3:
            tag, attr = draw(TAG), draw(ATTR)
            inner = draw(html_fragment(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>"]))
            parts.append(f"<{tag}{attr}>{inner}{close}")
        elif kind == 4:
            parts.append("<div>" * draw(st.integers(0, 300)))
        else:
            parts.append(draw(st.sampled_from(["<!-- x", "-->", "<![CDATA[", "<?xml version='1.0'?>", "<"])))
    return "".join(parts)


@st.composite
def web_page(draw: st.DrawFn) -> str:
    title = draw(CHUNK)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{draw(html_fragment())}</body></html>"
    )


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-32", "hz", "latin-1"]


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    """A document in one of the layouts, in some encoding, then maybe damaged."""
    text = draw(st.one_of(TEXT, front_matter(), web_page(), html_fragment()))
    enc = draw(st.sampled_from(ENCODINGS))
    errors = ["replace", "ignore"] + (["surrogatepass"] if enc.startswith("utf") else [])
    data = text.encode(enc, errors=draw(st.sampled_from(errors)))
    if draw(st.booleans()):  # a second part in another encoding (mixed files)
        data += draw(TEXT).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    damage = draw(st.integers(0, 4))
    if damage == 1 and data:  # truncated anywhere
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == 2 and data:  # bytes flipped
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    elif damage == 3:  # NULs sprinkled
        data = data.replace(b"\xe3", b"\x00\xe3")
    return data


ANY_BYTES = st.one_of(encoded(), encoded(), encoded(), st.binary(max_size=400))

EXPLORE = os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci"


def budget(n: int) -> int:
    """``n`` examples in the suite; 20 times more when exploring (``nox -s fuzz``)."""
    return n * 20 if EXPLORE else n


HOSTILE = Path(__file__).parent / "data" / "hostile"
PROMO_AT_THE_TOP = (
    '---\ntitle: 上海\n---\n<div><img src="x.png"><span>扫描二维码，下载新闻客户端</span></div>\n'
)
"""Found by fuzz/atheris_records.py (KNOWN_BUGS): a promo block is the root of the parsed body."""

FUZZ_OPTIONS = Options(limits=Limits(repair_budget=2_000, line_chars=2_000, html_chars=20_000))
"""Small limits: the fuzzer's documents are small, and the limits' paths are exercised too."""


KNOWN_BUGS: dict[str, tuple[str, ...]] = {}
"""Bugs found by these properties in code owned elsewhere, reported, each pinned by a strict xfail
test below (so its fix is noticed): the properties set them aside to find the next one.  Each is
recognised by a line of its traceback."""


def known_bug(trace: str) -> str | None:
    return next((name for name, lines in KNOWN_BUGS.items() if all(ln in trace for ln in lines)), None)


def check_result(result: Result) -> None:
    """The properties every result must have (see the module docstring)."""
    if result.error is not None:
        assert isinstance(result.error, str) and result.error
        if result.traceback and known_bug(result.traceback):
            return  # reported; caught and told as an error, which is all the driver can do
        assert not result.error.startswith("internal error"), result.error + "\n" + (result.traceback or "")
        assert result.records == []
        assert result.outcome == "failed"
    for rec in result.records:
        assert validate_record(rec.data) == [], rec.id
        assert rec.errors == []
        assert canonical_bytes(json.loads(rec.bytes)) == rec.bytes
    for rec in result.quarantined:
        assert rec.errors, "a quarantined record says why"
        assert validate_record(json.loads(rec.bytes)) != []
    assert result.outcome in ("ok", "degraded", "failed")


@settings(max_examples=budget(120), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ANY_BYTES, st.sampled_from([None, "frontmatter", "plaintext", "policy", "html", "markdown", "feed"]))
@example(
    b"0\n0\n0\n\x7f\n\xe8\xae\xb0\xe8\x80\x85\xe6\xb5\xb7\xe4\xb8\x80\n0", None
)  # one record of two invalid
@example(b"---\ntitle: \xe4\xb8\x80\n---\n", None)  # its only record invalid
@example(PROMO_AT_THE_TOP.encode(), None)  # a bug
@example(b"---\ntitle: \xe4\xb8\x80\ntags: 0001-1-1 0:00:00-0:00\n---\n", None)  # tags read as a date: a bug
def test_property_bytes_to_records_never_crash(data: bytes, forced: str | None) -> None:
    options = Options(format=forced, limits=FUZZ_OPTIONS.limits)
    result = process_bytes(data, "fuzz.txt", options)
    check_result(result)


@pytest.mark.parametrize(
    ("name", "records"),
    [("invalid_one_of_two.txt", 2), ("invalid_fm_no_body.md", 1), ("invalid_policy_no_name.txt", 1)],
)
def test_real_invalid_records_are_kept(name: str, records: int) -> None:
    """Inputs the fuzzer found whose records fail the schemas (a bare ``原标题：`` line the furniture
    rules leave in a body, a front matter without a body, a policy without a title): every record is
    kept, valid or quarantined, each quarantined one with its reasons; none is dropped.  (The first
    held a DEL in a headline until the text stage removed control characters.)"""
    result = process_bytes((HOSTILE / name).read_bytes(), name)
    check_result(result)
    assert len(result.records) + len(result.quarantined) == records
    assert result.quarantined, "still invalid? then this input no longer tests the quarantine"


@settings(max_examples=budget(25), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ANY_BYTES)
def test_property_same_bytes_same_records(data: bytes) -> None:
    one = process_bytes(data, "fuzz.txt", FUZZ_OPTIONS)
    two = process_bytes(data, "fuzz.txt", FUZZ_OPTIONS)
    assert [r.bytes for r in one.records] == [r.bytes for r in two.records]
    assert [r.bytes for r in one.quarantined] == [r.bytes for r in two.quarantined]
    assert (one.error, one.warnings) == (two.error, two.warnings)


@pytest.mark.parametrize("name", ["frontmatter", "plaintext", "policy", "html", "markdown", "feed"])
@settings(max_examples=budget(60), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=st.one_of(TEXT, front_matter(), web_page(), html_fragment(), st.text(max_size=300)))
@example(text="\x1f<SCRIPT></SCRIPT>0")  # a control character in the text an element's removal joins
@example(text="---\n0:\n---")  # a key YAML reads as a number: python-frontmatter wants string keys
@example(text="---\n::\n---\n<HTML></0")  # lxml's fragment parser asserts it finds one <body>
def test_property_each_parser_raises_only_our_errors(name: str, text: str) -> None:
    fmt = formats.get(name)
    assert 0.0 <= fmt.sniff(text) <= 1.0
    doc = Document(source=text.encode("utf-8", "surrogatepass"), name="fuzz.txt", text=text)
    try:
        fmt.parse(doc)
    except NormalizeError as exc:
        assert str(exc)
        return
    except Exception:
        if known_bug(traceback.format_exc()):
            reject()
        raise
    assert isinstance(doc.articles, list)


def test_front_matter_categories_not_a_list() -> None:
    text = "---\ncategories: 7\n---\n<p>国务院常务会议部署进一步做好稳就业工作。</p>\n"
    doc = Document(source=text.encode(), name="x.md", text=text)
    formats.get("frontmatter").parse(doc)
    assert doc.articles[0].fields["articleSection"] == ["7"]


def test_front_matter_promo_block_at_the_top() -> None:
    """Found by fuzz/atheris_records.py: the body's promo block is the root of the parsed fragment."""
    text = PROMO_AT_THE_TOP
    doc = Document(source=text.encode(), name="x.md", text=text)
    formats.get("frontmatter").parse(doc)
    assert doc.articles[0].blocks == []  # the promo went; nothing was left
    assert "x.png" not in str(doc.articles[0].fields)


def test_html_control_character_in_a_text_node() -> None:
    text = "0<META>\x1f"
    with pytest.raises(NormalizeError):  # no main text: said as such, not a crash in lxml
        formats.get("html").parse(Document(source=text.encode(), name="x.html", text=text))


@pytest.mark.parametrize("tail", ["\x07尾巴", "\x00\x1f尾巴"])
def test_front_matter_comment_with_a_control_character_after_it(tail: str) -> None:
    """Found by fuzz/atheris_records.py: lxml refused the text after a removed comment (a control
    character the parser had kept), and the document failed with an internal error."""
    text = f"---\ntitle: 上海\n---\n<p>正文</p><!-- 注释 -->{tail}<p>第二段。</p>\n"
    doc = Document(source=text.encode(), name="x.md", text=text)
    formats.get("frontmatter").parse(doc)
    blocks = [b.text for b in doc.articles[0].blocks]  # (lxml reads a NUL as U+FFFD)
    assert blocks[0] == "正文" and blocks[1].endswith("尾巴") and blocks[2] == "第二段。"


def test_strategies_reach_every_layout() -> None:
    """The generated documents are not all refused at the door: each layout yields records.  A check
    of the strategies, not a search: derandomized under every profile ("explore" too)."""
    seen: dict[str, int] = {}

    @settings(max_examples=150, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    @given(ANY_BYTES)
    def collect(data: bytes) -> None:
        result = process_bytes(data, "fuzz.txt", FUZZ_OPTIONS)
        if result.records and result.document is not None:
            seen[result.document.format] = seen.get(result.document.format, 0) + 1

    collect()
    assert {"frontmatter", "plaintext", "html"} <= set(seen), seen
