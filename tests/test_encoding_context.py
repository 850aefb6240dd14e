"""The context model (libime's word trigram model via KenLM) and how the repair uses it: re-ranking
the characters a lost byte can make, and leaving U+FFFD, flagged, where it is not sure."""

from __future__ import annotations

import codecs
import hashlib
import warnings

import pytest

from normalize._document import Change
from normalize.encoding import _context, _holes, repair
from normalize.encoding._mojibake import GUESSED_END


def _doubts(changes: list[Change]) -> list[Change]:
    """The flags of ``changes`` other than the one on a character restored at the very end of a text
    (which every text ending in a lost byte carries: :data:`GUESSED_END`)."""
    return [c for c in changes if not c.applied and c.kind != GUESSED_END]


def test_shipped_model_is_the_recorded_file() -> None:
    data = _context.MODEL_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == _context.MODEL_SHA256
    notice = _context.MODEL_FILE.with_name("zh_CN.lm.LICENSE").read_text(encoding="utf-8")
    assert _context.MODEL_SHA256 in notice and "LGPL-2.1+" in notice
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notice


def test_model_loads_and_prefers_running_text() -> None:
    assert _context.available()
    # a word the split must keep whole: scoring 一个 as a word beats 三 个, 两 个
    assert _context.cost("我是一个在热闹里长大的孩子") < _context.cost("我是三个在热闹里长大的孩子")
    assert _context.cost("国务院关于印发通知") < _context.cost("国务院关于印发通如")


def test_traditional_text_is_scored_as_simplified() -> None:
    simplified = _context.cost("我是一个在热闹里长大的孩子")
    assert _context.cost("我是一個在熱鬧裡長大的孩子") == pytest.approx(simplified)


def test_text_without_han_or_numbers_costs_nothing() -> None:
    assert _context.cost("Yes, -- OK!") == 0.0
    assert _context.cost("2019, 12/31 -- OK") > 0.0  # numbers are words to the model


def test_a_lost_byte_is_chosen_in_context() -> None:
    """要减少数量 with the last byte of 量 lost: 数里, 数重 are possible readings; in context the model
    is sure, and the repair is applied without a flag."""
    bad = "要减少数量".encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == "要减少数量"
    assert [c.kind for c in changes if not c.applied] == [GUESSED_END]  # it ends the text


@pytest.mark.parametrize("source", ["今天11点40分开会", "會議於11點40分開始"])
def test_a_character_between_numbers_is_judged_with_them(source: str) -> None:
    """点 of 11点40 loses its last byte (a GB18030 reader takes it and the digit after it for the
    start of a four-byte character): the model reads the numbers as they are said (十一点四十), so a
    character with only digits beside it is judged in context, not by its frequency alone."""
    bad = source.encode().decode("gb18030", "replace")
    assert "\ufffd40" in bad
    fixed, changes = repair(bad)
    assert fixed == source
    assert _doubts(changes) == []


def test_an_unsure_character_stays_lost_and_is_flagged() -> None:
    """至 and 自 read equally well before a date: the character stays U+FFFD (one per byte), the rest
    of the line is repaired, and the span carries an unapplied mojibake.unsure change."""
    bad = "自2019年12月31日起施行".encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == "\ufffd" * 3 + "2019年12月31日起施行"
    (flag,) = [c for c in changes if not c.applied]
    assert flag.kind == "mojibake.unsure" and flag.start == 0 and bad[flag.start : flag.end] == flag.before
    assert "U+FFFD" in flag.note


def test_rerank_margin_below_thin_marks_the_byte_doubtful() -> None:
    """_holes.solve reports the doubted reading beside the best one: the caller judges the repair on
    the best reading and writes the doubted one."""
    seq = _holes.reencode("自2019".encode().decode("gb18030", "replace"), "gb18030")
    assert seq is not None
    solved = _holes.solve(seq, "utf-8", "", "年12月", reader="gb18030", after="年".encode("gb18030"))
    assert solved is not None
    assert solved.text[0] in "自至" and solved.doubted == "\ufffd" * 3 + "2019"
    assert min(solved.margins) < _holes.THIN


def test_without_the_model_the_search_stands_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    _context._model.cache_clear()
    monkeypatch.setattr(_context, "MODEL_FILE", _context.MODEL_FILE.with_name("missing.lm"))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert not _context.available()
        assert any("missing.lm" in str(w.message) for w in caught)
        bad = "要减少数量".encode().decode("gb18030", "replace")
        fixed, changes = repair(bad)
        assert fixed == "要减少数量"  # the search's own choice
        assert not [c for c in changes if c.kind == "mojibake.unsure"]
    finally:
        _context._model.cache_clear()  # loaded again, from the real file, by the next caller


def test_the_last_character_of_a_cut_text_needs_a_wider_margin() -> None:
    """A text cut inside a sentence: its last character is judged from one side only (和适应世 and
    和适应是 both read), so it must lead by THIN_AT_END; 数量 at the end of 要减少数量 does."""
    assert _holes.THIN_AT_END > _holes.THIN
    bad = "我们要从国情和适应世".encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == "我们要从国情和适应" + "\ufffd" * 3
    assert [c.kind for c in changes if not c.applied] == ["mojibake.unsure"]
    assert repair("要减少数量".encode().decode("gb18030", "replace"))[0] == "要减少数量"


def _chars_losing_a_byte(source: str) -> list[str]:
    """The characters not Han of ``source`` one of whose UTF-8 bytes a GB18030 reader loses."""
    lost: list[int] = []

    def note(err: UnicodeError) -> tuple[str, int]:
        assert isinstance(err, UnicodeDecodeError)
        lost.extend(range(err.start, err.end))
        return "\ufffd", err.end

    codecs.register_error("test-note-lost", note)
    data = source.encode()
    data.decode("gb18030", "test-note-lost")
    out, at = [], 0
    for ch in source:
        size = len(ch.encode())
        if not "\u4e00" <= ch <= "\u9fff" and any(at <= k < at + size for k in lost):
            out.append(ch)
        at += size
    return out


@pytest.mark.parametrize(
    ("source", "at"),
    [
        ("统计范围（门诊、住院）。3.日间手术占比", 11),  # 。 or 、 before a digit: one byte apart
        ("立法院今（12/30）审议草案", 4),  # （ or ， before digits
        ("立法院今（12/30）審議草案", 4),  # the same in traditional script
    ],
)
def test_a_punctuation_mark_of_thin_margin_stays_lost_and_is_flagged(source: str, at: int) -> None:
    """The lost last byte of a punctuation mark, where the models barely prefer one reading (they
    know little of what stands next to digits): U+FFFD and a flag, not a guess (without the rule
    these read 住院）、3. and 今，12/30）)."""
    assert source[at] in _chars_losing_a_byte(source)
    bad = source.encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed == source[:at] + "\ufffd" * 3 + source[at + 1 :]
    (flag,) = _doubts(changes)
    assert flag.kind == "mojibake.unsure" and bad[flag.start : flag.end] == flag.before


@pytest.mark.parametrize(
    ("source", "lost"),
    [
        ("国务院关于印发《通知》的决定", "《"),
        ("關於《規定》的說明，請查收", "》"),
        ("请遵守《办法》第三条。", "《》。"),
    ],
)
def test_a_punctuation_mark_the_models_are_sure_of_is_restored(source: str, lost: str) -> None:
    """Book title marks one of whose bytes was lost: their pairing makes the models sure."""
    bad = source.encode().decode("gb18030", "replace")
    assert _chars_losing_a_byte(source) == list(lost)
    fixed, changes = repair(bad)
    assert fixed == source
    assert not _doubts(changes)


@pytest.mark.parametrize(
    "source",
    [
        "根据中发〔1994〕8号文件和国办发〔1996〕2号文件的规定执行。",
        "根據中發〔1994〕8號文件和國辦發〔1996〕2號文件的規定執行。",
        # the 〔 ends a long run: the pair's window must read it, not cut it as mojibake (彂銆�2016)
        "国务院关于印发《通知》（国发〔2016〕82号）的决定",
        "國務院關於印發《通知》（國發〔2016〕82號）的決定",
    ],
)
def test_document_numbers_are_restored_and_a_sure_full_stop_stays(source: str) -> None:
    """Each bracket of a document number lost a byte before a digit.  The form GB/T 9704 prescribes
    (〔year〕number号) decides them (the models alone weigh 。1994、8号 within a nat: they would stay
    U+FFFD); and a bracket's doubted reading 。 (its own best, replaced by 〕 when the pair was
    chosen) must not mark the sure 。 that ends the line."""
    bad = source.encode().decode("gb18030", "replace")
    assert bad.count("\ufffd") >= 4
    fixed, changes = repair(bad)
    assert fixed == source
    assert not [c for c in changes if not c.applied and c.kind == "mojibake.unsure"]


@pytest.mark.parametrize(
    "source",
    [
        "我沒告訴同學分手的事，我一個人到圖書館看報。 br / 分手後的第一個星期，我過著",
        "我没告诉同学分手的事，我一个人到图书馆看报。 br / 分手后的第一个星期，我过着",
    ],
)
def test_a_pair_of_runs_chosen_by_a_thin_margin_is_flagged(source: str) -> None:
    """Two runs with lost bytes are read together (so that what one opens the other may close): where
    the pair read best differs from the runs' own readings by less than the margin a lost byte
    needs, those characters stay U+FFFD, flagged (the 。 before ' br /' had become 〔, unflagged)."""
    at = source.index("。")
    bad = source.encode().decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert fixed[:at] == source[:at] and fixed[at : at + 4] == "\ufffd" * 3 + " "
    assert "〔" not in fixed
    assert [c for c in changes if not c.applied and c.kind == "mojibake.unsure"]


def test_doubts_on_one_reading_add_up() -> None:
    """A run's reading already written with a doubted character gains another doubt (from a pair of
    runs read together) without losing the first: each stays U+FFFD, one per byte."""
    from normalize.encoding import _mojibake

    written = "\ufffd" * 3 + "报〔"
    assert _mojibake._doubt("看报〔", written, "看报。", "utf-8") == "\ufffd" * 3 + "报" + "\ufffd" * 3
    assert _mojibake._doubt("看报〔", written, "看报〔", "utf-8") == written  # the same reading
    assert _mojibake._doubt("〔1〕", "〔1〕", "（1）", "gb18030") == "\ufffd\ufffd1\ufffd\ufffd"


def test_a_repair_is_written_with_its_own_doubts() -> None:
    """Doubts belong to the repair whose search had them: the same run read between raw neighbours
    (``8鏈�11鏃ヨ``, unsure of ``月``) and again in the repaired line (sure) is written as the
    repair chosen reads it, not with the other search's gap."""
    source = "2003年5月13日，一名工人遇难。8月11日至8月18日，又发生两起事故。"
    fixed, changes = repair(source.encode("utf-8").decode("gb18030", "replace"))
    assert fixed == source
    assert not _doubts(changes)


def test_an_open_end_scores_the_last_character_as_the_start_of_a_word() -> None:
    """A text cut after 政 of 政府: scored as written, a character that ends a word there beats it;
    with ``open_end`` each character is also scored as the beginning of its likeliest words."""
    cut = "本办法由县级以上人民政"
    assert _context.cost(cut, open_end=True) < _context.cost(cut)
    assert _context.cost(cut, open_end=True) < _context.cost("本办法由县级以上人民攻", open_end=True)
    assert _context.cost("国务院关于印发通知", open_end=True) <= _context.cost("国务院关于印发通知")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # 政 begins 政府: restored, without a flag (scored as written, it led by too little)
        ("本办法由县级以上人民政", "本办法由县级以上人民政"),
        # 实 begins 实力; as written, 资本家 reads better: left lost and flagged, not made 家
        ("不断增强资本实", "不断增强资本\ufffd\ufffd\ufffd"),
    ],
)
def test_a_text_cut_inside_a_word_ends_right_or_flagged(source: str, expected: str) -> None:
    fixed, changes = repair(source.encode().decode("gb18030", "replace"))
    assert fixed == expected
    assert bool(_doubts(changes)) == ("\ufffd" in expected)


def test_a_last_character_that_lost_two_bytes_must_lead_as_one_that_lost_one() -> None:
    """考 (E8 80 83) at the end of a text read as GB18030 lost two bytes: the search chose 者 by 4.3 nats,
    less than THIN_AT_END, and a character not re-ranked alone was trusted on that."""
    fixed, changes = repair("把三项制度推进情况纳入法治政府建设考".encode().decode("gb18030", "replace"))
    assert fixed == "把三项制度推进情况纳入法治政府建设" + "\ufffd" * 3
    (flag,) = [c for c in changes if not c.applied]
    assert flag.kind == "mojibake.unsure"


def test_a_han_character_chosen_by_less_than_thin_han_stays_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-ranking's threshold for a Han character decides: 在 of 控制在 (UTF-8 read as GB18030, its
    last byte lost before the digits) leads by between 5 and 7 nats in this line; restored at 5, left
    U+FFFD and flagged at the shipped 7."""
    source = "全年新增建设用地规模控制在300公顷以内，确保耕地保有量不减少。"
    bad = source.encode("utf-8").decode("gb18030", "replace")
    fixed, changes = repair(bad)
    assert "控制\ufffd\ufffd\ufffd300" in fixed and _doubts(changes)
    monkeypatch.setattr(_holes, "THIN_HAN", 5.0)
    monkeypatch.setattr(_holes, "_CONTEXT_COSTS", {})
    fixed, changes = repair(bad)
    assert fixed == source
    assert not _doubts(changes)


@pytest.mark.parametrize(
    ("source", "noted"),
    [
        ("对未按要求整改到位的地区进行通报。", True),  # 82 may lead a four-byte sequence: 。1 reads the same
        ("市场监管、发展改革、", True),  # a cut text: 、 reads 。 (E3 80 81 / 82) by the end model
        ("各项工作要做到统一", False),  # 一 (E4 B8 80) ends in 80, which leads nothing
    ],
)
def test_a_character_restored_from_a_final_lost_byte_is_flagged(source: str, noted: bool) -> None:
    """Nothing after a text's final lost byte tells its rivals apart, and the text may have been cut
    there: the reading stays, flagged, and the flag says when the U+FFFD may have hidden a digit."""
    bad = source.encode().decode("gb18030", "replace")
    assert bad.endswith("\ufffd")
    assert bad == (source + "1").encode().decode("gb18030", "replace") or not noted
    fixed, changes = repair(bad)
    assert fixed[:-1] == source[:-1] and fixed[-1] != "\ufffd"
    applied, flag = changes
    assert applied.applied and (applied.start, applied.end) == (0, len(bad))
    assert not flag.applied and flag.kind == GUESSED_END
    assert (flag.start, flag.end, flag.before, flag.after) == (0, len(bad), bad, bad)
    assert repr(fixed[-1]) in flag.note
    assert ("may also have hidden a digit" in flag.note) == noted


def test_a_lost_byte_before_a_line_break_is_not_flagged_as_an_end() -> None:
    """Inside a text the reader saw the line break after a lost byte: that is not the end of the text."""
    source = "对未按要求整改到位的地区进行通报。"
    bad = source.encode().decode("gb18030", "replace")
    fixed, changes = repair(bad + "\n")
    assert fixed == source + "\n"
    assert [c.kind for c in changes if not c.applied] == []


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("于2017年", "于二〇一七年"),
        ("坝前135米", "坝前一百三十五米"),
        ("打造100个", "打造一百个"),
        ("8月11日", "八月十一日"),
        ("第1005号", "第一千零五号"),
        ("共10人", "共十人"),
        ("编号0231", "编号〇二三一"),
    ],
)
def test_numbers_are_scored_as_they_are_said(written: str, said: str) -> None:
    """The context model knows numbers as words (text typed as pinyin): a character next to a number
    is judged with it, not as the end of a run of Han characters."""
    if not _context.available():
        pytest.fail("the context model ships with the package")
    assert _context.cost(written) == pytest.approx(_context.cost(said))
