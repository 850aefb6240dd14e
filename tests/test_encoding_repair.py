"""Mojibake repair: cases per kind, must-not-change text, flags, the seed 003 span, properties."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalize import Change
from normalize._edits import apply_changes
from normalize.encoding import _cjkscore, _holes, _mojibake, repair

DATA = json.loads((Path(__file__).parent / "data" / "encoding" / "repair.json").read_text(encoding="utf-8"))
EXTERNAL = Path(__file__).resolve().parents[1].parent / "shared" / "external"


@pytest.mark.parametrize("case", DATA["repair"], ids=[c["kind"] for c in DATA["repair"]])
def test_repair_kind(case: dict[str, Any]) -> None:
    fixed, changes = repair(case["input"])
    assert fixed == case["expected"]
    # a character that cannot be restored with confidence stays U+FFFD, and its span is flagged
    unsure = [c for c in changes if c.kind == "mojibake.unsure"]
    assert len(unsure) == case.get("unsure", 0) and not any(c.applied for c in unsure)
    applied = [c for c in changes if c.applied]
    assert applied and {c.kind for c in applied} == {case["kind"]}
    for c in applied:
        assert c.target == "text" and c.step == "mojibake"
        assert case["input"][c.start : c.end] == c.before
        # applied means more likely right than wrong; a reading inferred from text is never certain
        assert 0.5 < c.confidence < 1.0


_LONG = "政府工作報告指出，今年經濟社會發展的主要預期目標是國內生產總值增長百分之五左右。"


def _only_repair(text: str) -> Change:
    _fixed, changes = repair(text)
    (change,) = [c for c in changes if c.kind != "mojibake.guessed-end"]
    assert change.applied
    return change


def test_repair_confidence_orders_sure_above_ambiguous() -> None:
    """Confidence grows with the evidence (the cost gain of the repair) and is capped by the weakest
    margin of any byte that had to be inferred: a long line re-read byte for byte is surer than three
    characters re-read, which are surer than a line whose last byte was lost and had to be guessed."""
    long_line = _only_repair(_LONG.encode("big5").decode("gb18030"))
    short_line = _only_repair("報告書".encode("big5").decode("gb18030"))
    lost_byte = _only_repair("要减少数量".encode().decode("gb18030", "replace"))
    assert long_line.after == _LONG and short_line.after == "報告書" and lost_byte.after == "要减少数量"
    assert "inferred" not in long_line.note + short_line.note and "inferred" in lost_byte.note
    assert lost_byte.confidence < short_line.confidence < long_line.confidence
    assert long_line.confidence >= 0.95 and lost_byte.confidence < 0.9


def test_lossless_utf8_repair_is_surer_than_one_that_inferred_a_byte() -> None:
    whole = _only_repair("推进智慧城市建设".encode().decode("gb18030", "replace"))
    guessed = _only_repair("要减少数量".encode().decode("gb18030", "replace"))
    assert whole.after == "推进智慧城市建设" and guessed.after == "要减少数量"
    assert guessed.confidence < whole.confidence


def test_lossy_latin_repair_is_less_sure_than_a_lossless_one() -> None:
    """ftfy 6 reports its lossy fixes as 'transcode' steps: a repair that lost characters is the
    ``-lossy`` kind, at a lower confidence."""
    clean = "政府工作报告指出，今年经济社会发展的主要预期目标是国内生产总值增长百分之五左右。"
    lossless = _only_repair(clean.encode().decode("latin-1"))
    lossy = _only_repair(clean.encode().decode("cp1252", "replace"))  # 0x81 0x8D 0x8F 0x90 0x9D lost
    assert lossless.after == clean and "\ufffd" in lossy.after
    assert lossy.kind.endswith("-lossy")
    assert lossy.confidence < lossless.confidence


@pytest.mark.parametrize("text", DATA["unchanged"])
def test_clean_text_unchanged(text: str) -> None:
    assert repair(text) == (text, [])


@pytest.mark.parametrize("case", DATA["flagged"], ids=lambda c: c["input"][:6])
def test_unrecoverable_is_flagged_not_changed(case: dict[str, Any]) -> None:
    fixed, changes = repair(case["input"])
    assert fixed == case["input"]
    assert changes and all(not c.applied and c.kind == case["kind"] for c in changes)
    assert all(c.before == c.after for c in changes)


def test_seed_003_misaligned_gbk() -> None:
    seed = DATA["seed_003"]
    fixed, changes = repair(seed["input"])
    [change] = [c for c in changes if c.applied]
    assert change.kind == "mojibake.misaligned-gb18030"
    assert change.before == seed["span"]
    assert change.after == seed["expected"]
    assert fixed == seed["input"].replace(seed["span"], seed["expected"])


def test_changes_replay() -> None:
    text = "第一行正常。\n" + "国务院办公厅关于印发通知".encode().decode("gb18030", "replace") + "\n第三行。"
    fixed, changes = repair(text)
    assert fixed.count("\n") == text.count("\n")
    assert "国务院办公厅关于印发通知" in fixed
    assert apply_changes(text, [c for c in changes if c.applied]) == fixed


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PUNCT = st.sampled_from(list("，。、；：？！“”（）《》 0123456789abcXYZ\n"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_CJK, _PUNCT), min_size=1, max_size=60).map("".join))
def test_repair_idempotent(text: str) -> None:
    once, _ = repair(text)
    twice, changes = repair(once)
    assert twice == once
    assert not any(c.applied for c in changes)


def _clean_lines() -> list[str]:
    lines: list[str] = []
    for p in sorted((EXTERNAL / "corpus-policy").rglob("*.txt"))[:20]:
        lines += [ln for ln in p.read_text(encoding="utf-8").splitlines() if len(ln) >= 10]
    return lines


@pytest.mark.skipif(not (EXTERNAL / "corpus-policy").is_dir(), reason="../shared/external not present")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_real_clean_text_is_a_fixed_point(data: st.DataObject) -> None:
    lines = _clean_lines()
    line = data.draw(st.sampled_from(lines))
    start = data.draw(st.integers(0, max(0, len(line) - 10)))
    size = data.draw(st.integers(10, 200))
    text = line[start : start + size]
    fixed, changes = repair(text)
    assert fixed == text
    assert not any(c.applied for c in changes)


def test_a_lost_byte_is_only_one_the_reader_would_have_lost() -> None:
    """The reader's own verdict bounds each lost byte: GB18030 reads 9D E3 as 濄, so a 9D followed by
    E3 was not lost, however the bytes after E3 read (a later U+FFFD is another byte's).  Without
    the bound, 即退 (E9 80 80, both 80s lost before 。) became 即逝 (E9 80 9D)."""
    assert not _holes._rejects("gb18030", 0x9D, b"\xe3\x80\x82", False)
    assert _holes._rejects("gb18030", 0x80, b"\xe3\x80\x82", False)  # 80 is never read
    assert _holes._rejects("gb18030", 0x9D, b"\x0a", False)  # a lead byte before a newline is lost
    for source in ("实行增值税即征即退。鉴于国家政策", "實行增值稅即征即退。鑒於國家政策"):
        bad = source.encode().decode("gb18030", "replace")
        assert "\ufffd\ufffd" in bad
        assert repair(bad)[0] == source


@pytest.mark.parametrize(
    "s",
    [
        "別哭了，乖。」 br / 「嗚嗚嗚嗚…人家不要。」",
        "我說過，別哭了，乖。」 br / 「好嗎？」",
        "別哭了，乖。」 ",
        "你是不知道，真的太棒了。」 br /",
    ],
)
def test_a_closing_quote_before_a_space_is_not_made_an_opening_bracket(s: str) -> None:
    """UTF-8 read as GB18030 loses a byte of ``」`` (E3 80 8D) after ``。``; ``〔`` (E3 80 94) reads
    as well to the models, but a mark that opens nothing, a space after it, is no reading: the quote
    is restored or the gap flagged, never ``〔``."""
    from normalize.encoding import _cjkscore

    bad = s.encode("utf-8").decode("gb18030", errors="replace")
    fixed, changes = repair(bad)
    assert "〔" not in fixed
    assert fixed == s or any(not c.applied for c in changes)
    assert _cjkscore.dangling_openers("乖。〔", " br") == 1
    assert _cjkscore.dangling_openers("乖。〔") == 0  # at the end: a text may be cut there
    assert _cjkscore.dangling_openers("他說：「好") == 0


@pytest.mark.parametrize("reader", ["cp950", "big5hkscs"])
def test_a_line_whose_only_marks_are_read_as_small_forms_is_repaired(reader: str) -> None:
    """GB18030's ``、`` and ``。`` read as Big5 are the small form variants ``﹜`` and ``﹝``; its Han
    characters become other valid, mostly common ones.  A line with no comma, colon or bracket (those
    become Bopomofo) had no other sign of damage and was left as it was."""
    source = "开、执行公开、管理公开、服务公开、结果公开。做"
    bad = source.encode("gb18030").decode(reader)
    assert "﹜" in bad and "\ufffd" not in bad
    fixed, changes = repair(bad)
    assert fixed == source
    assert [c.kind for c in changes] == ["mojibake.gb18030-as-big5"]


_SAFETY = (
    "个别地方政府领导“安全第一”的思想树得不牢，没有摆正发展经济与安全生产的关系；部分煤矿企业在煤炭"
    "市场趋于好转的情况下，不顾安全生产条件盲目扩大生产。目前，4起事故的直接责任人和负有领导责任的"
    "有关人员已经受到党纪政纪处分，触犯法律的已经移送司法机关依法处理。"
)


def _big5(readers: frozenset[str]) -> set[str]:
    return set(readers) & {"big5hkscs", "cp950"}


def test_the_big5_reader_a_line_shows() -> None:
    by_cp950 = _SAFETY.encode("gb18030").decode("cp950", "replace")
    assert _big5(_mojibake.line_readers(by_cp950)) == {"cp950"}  # U+FFFD inside runs of Chinese: 企 C6F3
    by_hkscs = _SAFETY.encode("gb18030").decode("big5hkscs", "replace")
    assert _big5(_mojibake.line_readers(by_hkscs)) == {"big5hkscs"}  # characters cp950 has no bytes for
    # U+FFFD only where ASCII begins (a lead byte before a digit): either reader may have read it
    at_ascii = "本報訊\ufffd1月20日電"
    assert _big5(_mojibake.line_readers(at_ascii)) == {"big5hkscs", "cp950"}
    assert _big5(_mojibake.line_readers("國務院" + "\ufffd國" * 2)) == {"big5hkscs", "cp950"}  # two: too few
    # but a pair of U+FFFD: one whole pair cp950 rejects and big5hkscs reads (三, C8FD in GB18030)
    by_cp950 = "市探索“三项试点”工作".encode("gb18030").decode("cp950", "replace")
    assert "\ufffd\ufffd" in by_cp950
    assert _big5(_mojibake.line_readers(by_cp950)) == {"cp950"}
    assert _big5(_mojibake.line_readers("國務院" + "\ufffd\ufffd\ufffd國")) == {"cp950"}  # a run of three


def test_the_big5_readers_differ_and_the_context_model_says_which_read_the_line() -> None:
    """GB18030's ``前`` (C7B0) read by ``cp950`` is ``ヶ``; so is ``球`` (C7F2) read by ``big5hkscs``.  A line
    with nothing else to tell the two readers apart was re-read as ``big5hkscs`` read it (the first
    reader tried; the search's models put ``坝前`` and ``坝球`` 1.3 nats apart): the context model now
    weighs the readings where they differ in Han characters."""
    source = "立，并发挥了重要作用，坝前135米水位蓄水4"
    bad = source.encode("gb18030").decode("cp950")
    assert "ヶ" in bad and "球".encode("gb18030").decode("big5hkscs") == "ヶ"
    fixed, changes = repair(bad)
    assert fixed == source
    assert {c.kind for c in changes} == {"mojibake.gb18030-as-big5"}
    gain = _mojibake._context_gain("作用，坝球135米水位", "作用，坝前135米水位")
    assert gain > 3.0 and _mojibake._context_gain("作用，坝前135米水位", "作用，坝球135米水位") == -gain
    assert _mojibake._context_gain("坝前", "坝前") == 0.0
    assert _mojibake._context_gain("坝前", "坝前了") == 0.0  # not two readings of one line


@pytest.mark.parametrize(
    "source",
    [
        "各区新设全职岗位，确保群众权益，然后去七个社区走访人员。",
        "本区新设的服务中心将全面保障群众权益，确保各区居民都能及时办理业务。",
    ],
)
def test_a_line_given_to_cp950_is_read_by_big5hkscs_when_the_context_says_so(source: str) -> None:
    """GB18030 read by ``big5hkscs``: ``人``, ``全``, ``确``, ``群``, ``权`` are pairs it rejects, and a line
    with three U+FFFD inside runs of Chinese is one ``cp950`` read, nearly always (:func:`line_readers`).
    Read by ``cp950`` alone, ``Е`` (``区``, C7F8, to ``big5hkscs``) is C7B2, ``遣``: ``各遣新设``, and
    nothing flagged it.  The context model prefers ``区`` there, so the line is read with both readers,
    ``cp950``'s first: ``big5hkscs``'s reading wins by more than SURE."""
    bad = source.encode("gb18030").decode("big5hkscs", "replace")
    assert _big5(_mojibake.line_readers(bad)) == {"cp950"}
    assert "Е".encode("cp950").decode("gb18030") == "遣"
    fixed, _changes = repair(bad)
    assert "遣" not in fixed
    assert fixed == source


def test_a_line_cp950_read_stays_cp950s_when_the_context_agrees() -> None:
    """The same kind of line read by ``cp950``: its ``Е`` is ``遣`` (C7B2), which the context model
    prefers to ``big5hkscs``'s ``区`` there: nothing contradicts the reader, the line is read once."""
    source = "国务院决定派遣工作组，确保群众权益，然后去七个社区走访人员。"
    bad = source.encode("gb18030").decode("cp950", "replace")
    assert "Е" in bad and _big5(_mojibake.line_readers(bad)) == {"cp950"}
    fixed, changes = repair(bad)
    assert fixed == source
    assert _mojibake._contradicted(bad, 0, changes, _mojibake.line_readers(bad)) == frozenset()


def test_readings_of_a_span_are_ranked_by_their_best_text_and_written_with_their_doubts() -> None:
    """UTF-8 read by GBK: 个 (E4B8AA) lost its last byte.  The reading under GB18030's rejections was
    sure of ``一一`` (a value GBK rejects there is the only one GB18030 does); the reading under GBK's
    reads ``一个`` better but not surely.  Ranked by the doubted text (U+FFFD scores badly), the sure
    wrong one won; ranked by what each reads, the right reading wins, written with its doubt."""
    source = "没有，一个兴盛了几年的网站到现在还没找到盈利模式，我想永远也找不到"
    fixed, changes = repair(source.encode().decode("gbk", "replace"))
    assert "一一" not in fixed
    assert fixed == source.replace("个", "\ufffd" * 3)
    assert [c.kind for c in changes if not c.applied] == ["mojibake.unsure"]


def test_an_unsure_flag_names_the_likeliest_reading_and_leaves_the_text_alone() -> None:
    """UTF-8 read by GB18030: the last byte of ``手`` (E6898B) paired with the space after it and was
    lost.  ``手`` leads ``才`` by 2.8 nats before a space (no right context), under SURE: the text keeps
    U+FFFD, and the flag names the reading a reviewer should check first."""
    source = "中我紧握你的手 应该一起走"
    bad = source.encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == source.replace("手", "\ufffd" * 3)
    (flag,) = [c for c in changes if not c.applied]
    assert flag.kind == "mojibake.unsure" and flag.after == flag.before
    assert flag.note.endswith("; the likeliest reading (not applied): …紧握你的[手]")


LOTTERY = (
    "几天前，和朋友去大统华买东西，出来的时候不知道哪根筋动了一下，想起买649了，于是，拿起笔认真的涂了几下，"
    "想了几个特别意思的数字。"
)
"""GB18030 read by ``cp950``: ``去`` and ``买`` each lost a byte.  Each run's own search, its lost bytes
re-ranked by the context model, reads ``去``, not surely; its runner-up reads ``偉`` (GBK's traditional
``偉``, 82A5, in a simplified line) and ``想起路``."""


def test_a_pair_of_runs_is_ranked_with_the_context_model_too() -> None:
    """Ranked by the search's models alone, the runner-up pair (``偉大统华`` … ``想起路649``: ``伟大`` is
    a strong word) beat the runs' own readings by more than JOINT_MARGIN and was written, unflagged.
    With the context model, which chose those lost bytes, neither reading is sure: both stay U+FFFD."""
    fixed, changes = repair(LOTTERY.encode("gb18030").decode("cp950", "replace"))
    assert "偉" not in fixed and "想起路" not in fixed
    assert fixed == LOTTERY.replace("去", "\ufffd\ufffd").replace("起买", "起\ufffd\ufffd")
    assert [c.kind for c in changes if not c.applied] == ["mojibake.unsure"]


def test_a_character_of_the_other_script_that_a_pair_brings_in_is_not_written(monkeypatch: Any) -> None:
    """Without the context model in the pair's ranking (a runner-up that it cannot judge: one differing
    in signs), the pair's margin alone decides, and it is wide; ``偉`` is of the other script than the
    runs, and is not sure whatever the margin."""
    monkeypatch.setattr(_mojibake, "_han_for_han", lambda a, b: False)
    fixed, changes = repair(LOTTERY.encode("gb18030").decode("cp950", "replace"))
    assert "偉" not in fixed and "和朋友\ufffd\ufffd大统华" in fixed
    assert "mojibake.unsure" in [c.kind for c in changes if not c.applied]


def test_a_lost_byte_restored_in_the_other_script_is_not_written() -> None:
    """GB18030 read by ``cp950``: ``担`` lost its first byte, and the search filled it with 86, GBK's
    traditional ``單``, by 4.5 nats (the script penalty is a cost, not a bar): ``其他人的單未成年人``,
    unflagged.  A line is written in one script; ``單`` stays U+FFFD and the span is flagged."""
    source = (
        "本办法所称子女，是指婚生子女、非婚生子女、继子女、养子女。"
        "父母之外的其他人担任未成年人的监护人的，比照本办法规定执行。"
    )
    fixed, changes = repair(source.encode("gb18030").decode("cp950", "replace"))
    assert "單" not in fixed and "其他人的\ufffd\ufffd未成年人" in fixed
    assert [c.kind for c in changes if not c.applied] == ["mojibake.unsure"]
    assert _holes.char_script("單") == 1 and _holes.char_script("担") == -1 and _holes.char_script("的") == 0


def test_every_occurrence_of_a_character_with_two_byte_sequences_is_tried_with_the_other() -> None:
    """GB18030 read by Big5-HKSCS, one byte out of phase: each ``息、`` (CFA2 A1A2) became ``欐╮``
    (C5CF A2A1), five times in the line.  ``╮`` is also F9FB, the sequence Big5-HKSCS's encoder writes;
    trying the other sequence position by position, within eight readings, reached only the first
    three: the last two ``息、`` came back ``嚣`` and U+E34F (F9 FB A2 read by GB18030), sure of it."""
    source = (
        "（一）公安部门有关户籍人口基本信息、户成员关系信息、出入境证件信息、相关出国人员信息、"
        "户籍人口死亡标识等信息；（二）卫生健康部门有"
    )
    bad = source.encode("gb18030").decode("big5hkscs", "replace")
    assert bad.count("╮") + bad.count("╯") == 5 and "╮".encode("big5hkscs") == b"\xf9\xfb"
    fixed, _changes = repair(bad)
    assert fixed == source
    readings = _holes.reencodings("欐╮ㄠ欐╯ㄠ欐╮ㄠ欐╮ㄠ欐╮", "big5hkscs")
    assert any(bytes(r).count(b"\xa2\xa1") == 4 for r in readings)  # every ╮ as A2A1, in one reading


def test_the_likeliest_note_names_only_what_the_search_read() -> None:
    note = _mojibake._likeliest_note
    assert note("我的\ufffd\ufffd\ufffd好", "我的手好") == "; the likeliest reading (not applied): …我的[手]"
    two = note("\ufffd\ufffd\ufffd的\ufffd\ufffd\ufffd", "我的手")
    assert two == "; the likeliest reading (not applied): …[我], …我的[手]"
    assert note("2018\ufffd\ufffd9月", "2018\ufffd\ufffd9月") == ""  # most of its bytes lost: no reading
    assert note("我的\ufffd\ufffd\ufffd好", "") == ""
    assert note("我的\ufffd\ufffd\ufffd好", "你的手好") == ""  # not the same reading


def test_a_repair_searched_between_raw_neighbours_is_searched_again_in_the_repaired_line() -> None:
    """GB18030 read by cp950: ``16日至18`` lost two bytes (C8, C1: cp950 rejects the pairs they lead).
    Between the raw neighbours (``4爛4堎16``, ``18�掁``) the reading under big5hkscs's rejections was
    sure of ``16囌州18``; searched again between ``2004年4月16`` and ``18日，曾培炎``, and compared as the
    search ranks readings (``囌`` is traditional in a simplified line), ``日至`` under cp950's wins, unsure
    of ``至`` (it stays U+FFFD, flagged) but not of ``日``."""
    source = "情况的函2004年4月16日至18日，曾培炎副总理率国务院有关部门负责同志赴辽宁省出席"
    fixed, changes = repair(source.encode("gb18030").decode("cp950", "replace"))
    assert "囌" not in fixed
    assert fixed in (source, source.replace("至", "\ufffd\ufffd"))
    assert fixed == source or any(c.kind == "mojibake.unsure" for c in changes)


def test_the_gb_reader_a_line_shows() -> None:
    source = "这样的一个技术，我在读大学的时候学了这个专业。"
    by_gbk = source.encode("utf-8").decode("gbk", "replace")
    by_gb18030 = source.encode("utf-8").decode("gb18030", "replace")
    assert _mojibake.line_readers(by_gbk) & {"gb18030", "gbk"} == {"gbk"}
    assert _mojibake.line_readers(by_gb18030) & {"gb18030", "gbk"} == {
        "gb18030"
    }  # \ue045: a user-defined pair
    assert _mojibake.line_readers("中文") == {"gb18030", "gbk", "big5hkscs", "cp950"}
    for bad in (by_gbk, by_gb18030):
        fixed, changes = repair(bad)
        # searched under GB18030 rejections alone, the GBK line read 这样的一一技最，我在耻大学: sure of each
        assert fixed == source or (
            fixed.replace("\ufffd" * 3, "术") == source and any(c.kind == "mojibake.unsure" for c in changes)
        )


def test_a_line_read_by_cp950_is_not_read_back_as_if_by_big5hkscs() -> None:
    """Searched under both Big5 readers, the reading under ``big5hkscs`` won here with wrong characters
    (``安全扇产``, ``煤矿莢业``, ``责單人``): a pair it decodes cannot be a lost one under it, so the
    search filled the U+FFFD with other characters.  The line shows it was read by ``cp950``."""
    fixed, changes = repair(_SAFETY.encode("gb18030").decode("cp950", "replace"))
    assert fixed == _SAFETY
    assert {c.kind for c in changes} == {"mojibake.gb18030-as-big5"}


@pytest.mark.parametrize(
    "source",
    [
        "齐、昌吉、石河子高新技术产业开发区建设国家自主创新示范区的请示（国科发高〔2018〕",
        "通称为“中文”，在马来西亚及新加坡通称为“华语”等（由此衍生华语的定义问题）[注 1]。",
    ],
)
def test_a_whole_line_takes_the_better_big5_reader(source: str) -> None:
    """Re-read as a whole, a line that ``cp950`` read passed under ``big5hkscs`` too, with other
    characters (``开发瓢``, ``新加荅``): the first codec pair that passed was taken.  Now the best."""
    fixed, changes = repair(source.encode("gb18030").decode("cp950", "replace"))
    assert fixed == source
    assert any("whole line re-read" in c.note for c in changes)


def test_codec_pairs_that_differ_in_a_sign_alone_keep_their_order() -> None:
    """Big5 text read as GB18030 is written back with ``big5hkscs`` or ``cp950``; A1E3 is ``∼`` to the
    first and ``～`` to the second, and the models like ``～`` better by more than ``_holes.SURE``.  Which
    sign a codec maps a pair to is not the text's to tell: the first pair stands."""
    source = "小青來了∼小青來見白娘娘了∼∼∼小青裡面裝的是之前Nicolas的硬碟∼西班牙馬德里3大博物館聯手改造"
    fixed, changes = repair(source.encode("big5hkscs").decode("gb18030", "replace"))
    assert fixed == source
    assert all("whole line re-read" in c.note for c in changes)


@pytest.mark.parametrize(
    "source",
    [
        "加强舆论引导，总结推广好经验，宣传表彰先进典型，营造加快推进农业现代化的良好氛围。",
        "新时代中国特色社会主义思想，全面贯彻党的十九大和十九届二中、三中全会精神。",
    ],
)
def test_utf8_read_as_gbk_is_repaired(source: str) -> None:
    """Windows' and Python's GBK (cp936) has no characters for the pairs of GB18030's user-defined
    areas and no four-byte sequences: reading UTF-8 it loses more bytes than a GB18030 reader, and a
    search that took the lost values for ones GB18030 rejects could not find them (``舆耺``, ``三一全会
    精瀞``, applied unflagged).  GBK is a reader of its own."""
    bad = source.encode("utf-8").decode("gbk", "replace")
    assert bad != source.encode("utf-8").decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == source
    assert {c.kind for c in changes if c.applied} == {"mojibake.utf8-as-gb18030"}


@pytest.mark.parametrize(
    "clean", ["他說﹐這是真的﹒我們走吧﹗", "（一）﹝附件﹞管理辦法﹔", "小型標點﹏﹋﹌與正文"]
)
def test_small_form_marks_in_clean_text_are_kept(clean: str) -> None:
    """Small form marks are a reason to look at a line, not to change it."""
    assert repair(clean) == (clean, [])


def test_a_final_mark_chosen_by_a_tie_is_flagged() -> None:
    """GB18030 read as Big5, its last byte lost: ``。`` (A1A3) and ``”`` (A1B1) end lines alike, and the
    models lead by 0.3 nats: the mark stays U+FFFD, flagged, and the rest of the line is repaired."""
    source = "今天是星期日，我们不去滑雪了，爬山去喽。"
    bad = source.encode("gb18030").decode("big5hkscs", "replace")
    assert bad.endswith("\ufffd")
    fixed, changes = repair(bad)
    assert fixed == source[:-1] + "\ufffd\ufffd"
    assert [c.kind for c in changes if not c.applied] == ["mojibake.unsure"]


def test_runs_between_numbers_are_searched_again_among_their_repaired_neighbours() -> None:
    """UTF-8 read as GB18030: each character before a digit lost its last byte, and each short run
    between the digits was first searched between its neighbours as read (``1鏈�1鏃ヨ`` around the
    ``月`` of ``1月1日``), where the models could not tell ``月`` from ``有``; searched again in the line
    as repaired, every character is restored and nothing is left flagged."""
    source = "除另有规定外，上述政策凡未注明具体期限的，执行期限为2019年1月1日至2023年12月31日。"
    bad = source.encode("utf-8").decode("gb18030", "replace")
    assert bad.count("\ufffd") >= 5
    fixed, changes = repair(bad)
    assert fixed == source
    assert [c.kind for c in changes if not c.applied] == ["mojibake.guessed-end"]  # 。 ends the text


def test_a_line_dense_with_dates_is_not_taken_for_one_that_lost_most_bytes() -> None:
    """A GB18030 reader of UTF-8 loses a byte only where a run of non-ASCII text ends: a line of dates
    loses one in nearly every run, as many as a Big5 reader of UTF-8 loses (nothing to restore there),
    but the runs are repaired; a U+FFFD inside a run still marks a line read beyond repair."""
    source = "执行期限为2019年1月1日至2023年12月31日。"
    bad = source.encode("utf-8").decode("gb18030", "replace")
    assert bad.count("\ufffd") * 10 >= 3 * sum(1 for ch in bad if ord(ch) >= 0x80)
    fixed, changes = repair(bad)
    assert "2019年1月1日至2023年12月31日" in fixed
    assert any(c.applied for c in changes)
    assert _mojibake._mostly_lost(source.encode("gb18030").decode("utf-8", "replace"))
    assert _mojibake._mostly_lost(source.encode("utf-8").decode("big5hkscs", "replace"))


_POLICY = [
    "关于深化农村集体经营性建设用地入市试点工作的指导意见",
    "各省、自治区、直辖市自然资源主管部门：",
    "为稳妥推进农村集体经营性建设用地入市试点工作，现提出以下意见。",
    "一、农村集体经营性建设用地入市，应当符合国土空间规划和用途管制要求。",
    "二、农村集体经济组织是集体经营性建设用地入市的实施主体，应当依法履行民主决策程序。",
    "三、集体经营性建设用地使用权出让、出租，应当签订书面合同，载明土地界址、面积、用途和期限。",
    "七、试点地区应当建立集体经营性建设用地基准地价体系，定期向社会公布。",
]


def _misaligned_at(line: str, k: int) -> str:
    """``line`` written in GB18030 and read in two chunks split at byte ``k`` (inside a character)."""
    data = line.encode("gb18030")
    return data[:k].decode("gb18030", "replace") + data[k:].decode("gb18030", "replace")


def test_a_document_repeats_its_terms() -> None:
    """A misaligned read lost the first byte of ``性`` in ``经营性建设用地``: alone, the line keeps it
    U+FFFD (flagged); in its document, whose clean lines repeat the term, the search's cache of the
    document's pairs of characters restores it."""
    line = _POLICY[3]
    bad = _misaligned_at(line, 17)
    alone, changes = repair(bad)
    assert "\ufffd" in alone and any(not c.applied for c in changes)
    doc = [*_POLICY[:3], bad, *_POLICY[4:]]
    fixed, changes = repair("\n".join(doc))
    assert fixed == "\n".join(_POLICY)
    assert all(c.applied for c in changes)
    # the term must be in the clean lines: without them, the gap stays
    fixed, _ = repair("\n".join([_POLICY[1], bad]))
    assert "\ufffd" in fixed


def test_line_ends_of_a_document_set_the_end_model() -> None:
    """A document whose lines end where sentences do (none with ``，`` or ``、``) makes a line-final
    comma dearer than the default; one that ends lines with commas (hard-wrapped) makes it cheaper."""
    from normalize.encoding import _bigram

    assert _bigram.line_end_share([]) == _bigram.LINE_END_IS_TEXT_END
    unwrapped = _bigram.line_end_share(["句子在这里结束。"] * 40)
    wrapped = _bigram.line_end_share(["一行写到这里，"] * 5 + ["句子在这里结束。"] * 35)
    assert wrapped < _bigram.LINE_END_IS_TEXT_END < unwrapped < 1.0
    default = _bigram.end_cost("机构，")
    token = _bigram.LINE_ENDS.set(unwrapped)
    try:
        assert _bigram.end_cost("机构，") > default > 0
        assert _bigram.end_cost("机构。") < 0
    finally:
        _bigram.LINE_ENDS.reset(token)


@cache
def _reference_trigger() -> re.Pattern[str]:
    """The triggers of ``suspicious_lines`` as the one pattern of alternatives they were written as."""
    rare = _cjkscore.rare_han_class()
    return re.compile(
        f"{_mojibake._LATIN_RE.pattern}|[{_mojibake._ODD}]|{_mojibake._GARBAGE_RE.pattern}"
        f"|(?:{rare}[^\\n]{{0,2}}?){{3}}"
    )


def _reference_lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    last_end = -1
    for m in _reference_trigger().finditer(text):
        if m.start() < last_end:
            continue
        s = text.rfind("\n", 0, m.start()) + 1
        e = text.find("\n", m.start())
        e = len(text) if e < 0 else e
        spans.append((s, e))
        last_end = e
    return spans


def _some_rare() -> str:
    common = _cjkscore.common_chars()
    rare = [chr(cp) for cp in range(0x4E00, 0x4F00) if chr(cp) not in common][:6]
    return "".join([*rare, "\u3400", "\ufa10"])


_TRIGGER_ALPHABET = "的是了中国人，。 a1\n" + "ÖÐÎÄ×÷\x80\x9f¬√ㄛ﹜\ufffd\ue000锟斤拷"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_suspicious_lines_finds_what_the_pattern_of_alternatives_found(data: st.DataObject) -> None:
    """The scan for signs of mojibake looks only where one can start, and finds the lines that the
    triggers written as one pattern of alternatives find (three rare Han characters at most two
    apart, odd and Western characters, 锟斤拷), in either script."""
    # with odd and Western characters, and with rare and common Han characters only (the chains)
    alphabet = data.draw(st.sampled_from([_TRIGGER_ALPHABET, "的是了中国人，。 a1\n們這"]))
    text = data.draw(st.text(alphabet=alphabet + _some_rare(), max_size=80))
    assert _mojibake.suspicious_lines(text) == _reference_lines(text)


def test_suspicious_lines_on_real_text() -> None:
    rare = _some_rare()
    text = "\n".join(
        [
            "国务院关于印发通知的决定。",
            f"{rare[0]}a{rare[1]}，{rare[2]}",  # three rare ones, gaps of one
            f"{rare[0]}ab{rare[1]}abc{rare[2]}",  # a gap of three: none
            "政府工作報告指出，今年經濟社會發展",
            "ÖÐÎÄ",
            "480毫米×140毫米",
            "锟斤拷锟斤拷",
        ]
    )
    lines = [text[s:e] for s, e in _mojibake.suspicious_lines(text)]
    assert lines == [f"{rare[0]}a{rare[1]}，{rare[2]}", "ÖÐÎÄ", "锟斤拷锟斤拷"]
    assert _mojibake.suspicious_lines(text) == _reference_lines(text)


def test_pinyin_readings_are_no_sign_of_mojibake() -> None:
    """A toned vowel of a reading in parentheses after its Han character (``農(nóng)``) is a Latin letter
    that a UTF-8 lead byte becomes in Latin-1, but no mojibake: the line is not suspicious.  Signs
    elsewhere on the line still count, and so does a syllable that is not a reading of the character
    before it (the text stage keeps and flags those) or that follows no Han character."""
    clean = "請農(nóng)民給鄉政府打分\n本報(bào)北京１月２１日訊(xùn)記(jì)者報道\n優(yōu)(yōu)化"
    # hard wraps inside a reading, and between a character and its reading
    clean += "\n國務院關(g\nuān)於印發\n通知的決定關\n(guān)於"
    assert _mojibake.suspicious_lines(clean) == []
    lines = [
        "中(zhōng)文 ÖÐÎÄ",  # a reading, and mojibake after it
        "中(zhóng)文",  # zhong with the second tone: not a reading of 中
        "a(nóng)b",  # after no Han character
    ]
    text = clean + "\n" + "\n".join(lines)
    assert [text[s:e] for s, e in _mojibake.suspicious_lines(text)] == lines


def test_whole_line_reading_rules_out_a_hypothesis_before_searching(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that no reading can give (here four lost bytes and nothing else: more than are searched)
    rules the hypothesis out for the whole line before any run of it is searched: the run of UTF-8 read
    as GB18030 before it, with one lost byte, is not searched in vain."""
    searched: list[tuple[str, str]] = []
    real = _mojibake._solve

    def spy(seq: list[int], reader: str, true: str, *args: Any, **kwargs: Any) -> Any:
        searched.append((reader, true))
        return real(seq, reader, true, *args, **kwargs)

    monkeypatch.setattr(_mojibake, "_solve", spy)
    damaged = "这是一个测试的句子".encode().decode("gb18030", "replace")
    assert "\ufffd" in damaged
    assert _mojibake._whole_line(damaged + " x \ufffd\ufffd\ufffd\ufffd") == []
    assert searched == []


def test_pinyin_readings_are_read_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The readings are found once for the whole text, and each line's bounds once however many signs
    it holds: a line of thousands of readings costs one pass, not one per reading (hostile input)."""
    calls: list[int] = []
    real = _mojibake._pinyin_readings

    def spy(text: str) -> list[tuple[int, int]]:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(_mojibake, "_pinyin_readings", spy)
    text = "\n".join(["優(yōu)化農(nóng)民"] * 200) + "\n" + "優(yōu)化" * 2000
    assert _mojibake.suspicious_lines(text) == []
    assert calls == [len(text)]


def test_a_document_of_pinyin_readings_spends_no_search_budget() -> None:
    """A clean document annotated throughout is left as it is, with no change and no flag, however small
    the search budget: its lines are not searched (they were, and a long one spent the whole budget and
    flagged its remaining lines unsearched)."""
    text = "\n".join(["現任泰華藝(yì)術(shù)協會會(huì)長的林耀，每每看到自己畫(huà)室裏(lǐ)的學生。"] * 50)
    assert _mojibake.repair(text, budget=1) == (text, [])


def test_scores_at_an_open_end_are_kept_per_line_end_share() -> None:
    """The search's memos of piece costs at a line end hold the end model's cost, which depends on the
    document's line ends: a document repaired after another must not get the other's costs."""
    from normalize.encoding import _bigram

    got = []
    for share, sibling in ((0.5, ""), (0.99, ""), (0.5, ""), (0.5, "，")):
        token = _bigram.LINE_ENDS.set(share)
        sibling_token = _bigram.SIBLING_END.set(sibling)
        try:
            scored = _holes._scored("构，", 0, True)
            assert scored is not None
            got.append(scored[0])
        finally:
            _bigram.SIBLING_END.reset(sibling_token)
            _bigram.LINE_ENDS.reset(token)
    assert got[0] < got[1]
    assert got[0] == got[2]
    assert got[3] < got[0]


def test_a_line_between_two_that_end_alike_may_end_so() -> None:
    """The items of a list end alike: a line whose neighbours both end with ``；`` (blank lines between
    them skipped) gets that mark's bonus at its end; not when a neighbour is damaged too, or they differ."""
    text = "（一）子女教育信息；\n\nBAD\n（三）住房租金信息；\n（四）其他。"
    bad = (text.index("BAD"), text.index("BAD") + 3)
    assert _mojibake._sibling_end(text, [bad], 0) == "；"
    assert _mojibake._sibling_end(text, [bad, (bad[1] + 1, bad[1] + 11)], 0) == ""
    other = text.replace("（三）住房租金信息；", "（三）住房租金信息。")
    assert _mojibake._sibling_end(other, [bad], 0) == ""
    assert _mojibake._sibling_end("BAD\n下一行；", [(0, 3)], 0) == ""


@pytest.mark.parametrize(
    ("sentence", "neighbours"),
    [
        ("会议指出，要进一步加强对重点行业的5G。", False),
        ("记者了解到，该市已经建成了全省最大的PDA。", True),
    ],
)
def test_runs_chosen_together_at_a_line_end_are_judged_as_ending_it(sentence: str, neighbours: bool) -> None:
    """Two damaged runs close together are re-chosen together (``_joint``); when their window ends the
    line, the end-of-line model judges it as the search did (without it, ``、`` read on after ``5G``
    and ``PDA`` and beat ``。``: a doubted gap).  UTF-8 read as GB18030 loses the last byte of ``。``."""
    bad = sentence.encode("utf-8").decode("gb18030", errors="replace")
    assert "\ufffd" in bad[-2:]
    around = ["国务院办公厅近日印发通知，要求各地做好相关工作。", "专家认为，这一政策将有助于稳定市场预期。"]
    text = "\n".join([around[0], bad, around[1]]) if neighbours else bad
    fixed, changes = repair(text)
    assert (fixed.split("\n")[1] if neighbours else fixed) == sentence
    # alone, the text ends in the lost byte: its last character is flagged as a guess, and only that
    assert [c.kind for c in changes if not c.applied] == ([] if neighbours else ["mojibake.guessed-end"])


def _repeat_bonus_reference(text: str, context: str, doc: frozenset[str]) -> float:
    """:func:`_holes._repeat_bonus` as its docstring says it, counted plainly."""
    han = [ch for ch in text if _cjkscore.is_han(ch)]
    pairs = [text[i : i + 2] for i in range(len(text) - 1) if all(map(_cjkscore.is_han, text[i : i + 2]))]
    again = 0
    for p in set(pairs):
        n = pairs.count(p)
        in_line = n - 1 + min(n, context.count(p))
        again += in_line if in_line else p in doc
    return _holes.REPEAT_BONUS * (len(han) - len(set(han))) + _holes.REPEAT_PAIR_BONUS * again


@given(
    st.text(st.sampled_from("国务院国务办公厅a1，"), max_size=30),
    st.text(st.sampled_from("国务院办公a，"), max_size=20),
    st.frozensets(st.sampled_from(["国务", "务院", "办公", "公厅"])),
)
def test_repeat_bonus_counts_what_repeats(text: str, context: str, doc: frozenset[str]) -> None:
    token = _holes.DOCUMENT_PAIRS.set(doc)
    try:
        assert _holes._repeat_bonus(text, context) == _repeat_bonus_reference(text, context, doc)
    finally:
        _holes.DOCUMENT_PAIRS.reset(token)


# --- private-use characters at the edges of a repair ------------------------------------------------

# a paragraph's indent; Big5 (cp950) writes it A140 A140, and GB18030 reads that as U+E4C6 twice
_INDENT = "\u3000\u3000"
_BODY = "关于立案，规定根据刑事诉讼法的有关规定"
_READ_AS_BIG5 = _BODY.encode("gb18030").decode("cp950")


def _fix(line: str, start: int, end: int, after: str, written: str = "") -> Any:
    return _mojibake._Fix(start, end, after, "mojibake.gb18030-as-big5", 0.9, 100.0, "", written=written)


def test_private_edges_trimmed_keep_the_true_characters() -> None:
    line = "<p>" + _INDENT + _READ_AS_BIG5 + "</p>"
    start, end = 3, 3 + len(_INDENT + _READ_AS_BIG5)
    assert (_INDENT + _READ_AS_BIG5).encode("cp950").decode("gb18030").startswith("\ue4c6\ue4c6")
    fix = _mojibake._without_private_edges(line, _fix(line, start, end, "\ue4c6\ue4c6" + _BODY))
    assert fix is not None
    assert (fix.start, fix.end, fix.after) == (start + 2, end, _BODY)
    assert line[fix.start : fix.end] == _READ_AS_BIG5


def test_private_edges_trimmed_at_the_end_and_in_what_is_written() -> None:
    line = _READ_AS_BIG5 + _INDENT
    written = _BODY[:-1] + "\ufffd\ufffd" + "\ue4c6\ue4c6"
    fix = _mojibake._without_private_edges(line, _fix(line, 0, len(line), _BODY + "\ue4c6\ue4c6", written))
    assert fix is not None
    assert (fix.start, fix.end, fix.after, fix.written) == (0, len(_READ_AS_BIG5), _BODY, written[:-2])


def test_private_edges_left_where_the_reading_does_not_split_there() -> None:
    # the private-use character is not what the edge characters read as: the fix stays whole
    line = _INDENT + _READ_AS_BIG5
    fix = _mojibake._without_private_edges(line, _fix(line, 0, len(line), "\ue000\ue4c6" + _BODY))
    assert fix is not None and (fix.start, fix.end) == (0, len(line))
    # one inside the text is the reading's own (a user-defined character of the source), not an edge
    inner = _BODY[:3] + "\ue4c6" + _BODY[3:]
    fix = _mojibake._without_private_edges(_READ_AS_BIG5, _fix(_READ_AS_BIG5, 0, len(_READ_AS_BIG5), inner))
    assert fix is not None and fix.after == inner
    # the written text must agree: a written text that does not begin with them keeps the fix whole
    fix = _mojibake._without_private_edges(line, _fix(line, 0, len(line), "\ue4c6\ue4c6" + _BODY, _BODY))
    assert fix is not None and (fix.start, fix.after) == (0, "\ue4c6\ue4c6" + _BODY)


def test_private_edges_only_nothing_left_to_change() -> None:
    assert _mojibake._without_private_edges(_INDENT, _fix(_INDENT, 0, 2, "\ue4c6\ue4c6")) is None


def test_repair_never_writes_an_indent_as_private_use() -> None:
    # a line of the bench corpus (bench/corpus.py, seed 0, document 9195): GB18030 text read as Big5
    # with lost bytes after an indent left as it was; the search over the whole run read the indent
    # too, and wrote U+E4C6 twice in its place
    line = (
        "<p>\u3000\u3000壽衾蕾偶ㄛ寞隅跦擂倢岈咂冾楊衄壽寞隅枑堤ㄛ鼠假儂壽婓彶善�佸鬄麮嬦滿募竺鯤腕鰷鄘"
        "１蛻縳奼併羌憿滓鬷菙桫祳朴掃屎腕麶橦麜橨瘣薷椅佸鬄麮嬦滿��佸鬄麮嬦瘓玴疚城祥�壽祥蕾偶燴蚕祥"
        "夔傖蕾ㄛ楷堤▲籵眭蕾偶抎◎奀ㄛ茼絞蔚衄壽痐隴茼蜆蕾偶腔第"
    )
    fixed, changes = repair(line + "\n")
    assert "\ue4c6" not in fixed and fixed.startswith("<p>\u3000\u3000关于立案，规定根据")
    applied = [c for c in changes if c.applied]
    assert applied and all(not re.search("[\ue000-\uf8ff]", c.after) for c in applied)


# --- text in another script is not mojibake ------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "韩国综艺节目 음악캠프 和 무릎팍도사 在中国也有很多观众。",  # Hangul syllables
        "网友留言：ㅋㅋㅋㅋ 太好笑了",  # Hangul letters
        "语言：English | Русский | 日本語",  # Cyrillic
        "主演：キム・ジョングク，第一集今晚播出。",  # katakana with its middle dot and long mark
        "组织结构图如下：\n┌──────────┴──────────┐\n│    办公室    │",  # a chart drawn in line characters
    ],
)
def test_foreign_script_runs_are_not_flagged(line: str) -> None:
    fixed, changes = repair(line + "\n")
    assert fixed == line + "\n" and changes == []


def test_mixed_scripts_of_a_wrong_codec_still_flagged() -> None:
    # GB18030 read as EUC-KR (no codec pair of the repair): Hangul and Hanja scattered together
    line = "中华人民共和国国务院办公厅关于印发通知".encode("gb18030").decode("euc_kr", errors="replace")
    assert re.search("[\uac00-\ud7a3]", line) and re.search("[\u4e00-\u9fff]", line)
    fixed, changes = repair(line + "\n")
    assert fixed == line + "\n"
    assert [c.kind for c in changes] == ["mojibake.unrecoverable"] and not changes[0].applied
    # and a run of Bopomofo alone is GB18030's fullwidth digits read as Big5, not Taiwanese phonetics
    assert not _mojibake._ONE_SCRIPT_RE.fullmatch("１９９４".encode("gb18030").decode("cp950"))


# --- readings in zhuyin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["床(ㄔㄨㄤˊ)前明月光，疑是地上霜。", "<ruby>床<rt>ㄔㄨㄤˊ</rt></ruby>前明月光", "光（ㄍㄨㄤ）明"],
)
def test_a_reading_in_zhuyin_is_neither_repaired_nor_flagged(line: str) -> None:
    # ㄔㄨㄤˊ is also what GB18030's ％９５＝ reads as in Big5: alone after the character it reads, a reading
    assert "％９５＝".encode("gb18030").decode("cp950") == "ㄔㄨㄤˊ"
    assert repair(line + "\n") == (line + "\n", [])


def test_fullwidth_signs_read_as_big5_are_still_repaired() -> None:
    # the same syllable in a line read by the wrong codec throughout, and digits that are no one syllable
    fixed, _ = repair("比例为(％９５＝)".encode("gb18030").decode("cp950") + "\n")
    assert fixed == "比例为(％９５＝)\n"
    fixed, _ = repair("增长了１９９４年".encode("gb18030").decode("cp950") + "\n")
    assert fixed == "增长了１９９４年\n"
