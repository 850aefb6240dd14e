"""The tables derived from OpenCC (``hk-variants``, ``t2s-witnesses``, ``s2t-changeable``) answer as
OpenCC does: a text the witnesses say ``t2s`` leaves alone is left alone, ``s2t`` changes no more of a
text's characters than the changeable ones it holds, and a table derived from another OpenCC release
is not trusted."""

from __future__ import annotations

from operator import ne

import opencc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalize.encoding import _cjkscore, _holes, _tablebuild, _tablefile
from normalize.text import _script

_T2S = opencc.OpenCC("t2s")

_CJK = [*range(0x2E80, 0xD800), *range(0xF900, 0x10000), *range(0x20000, 0x32000)]


def test_every_character_t2s_changes_is_a_witness() -> None:
    chars = set(_tablefile.load(_tablefile.WITNESSES).text("chars"))
    assert len(chars) > 4000
    changed = {chr(cp) for cp in _CJK if _T2S.convert(chr(cp)) != chr(cp)}
    assert changed <= chars
    assert "覆" not in changed and "覆" in chars  # 回覆 -> 回复: a phrase's, not a character's


def test_every_phrase_t2s_changes_holds_a_witness() -> None:
    witnesses = _tablefile.t2s_witnesses()
    phrases = [
        (key, values[0])
        for name in _tablebuild.opencc_dicts(_tablebuild.WITNESSED)
        for key, values in _tablebuild.opencc_entries(name)
        if len(key) > 1
    ]
    assert len(phrases) > 300
    for key, first in phrases:
        if first != key:
            assert witnesses.search(key), key
    assert _script.convert("t2s", "请回覆，深沈") == _T2S.convert("请回覆，深沈") == "请回复，深沉"


_ALPHABET = "回覆答复毛坏坯乾燥於是干燥关于中文國語漢字發展，。 \n𠀀𠁞丽丸乁憑藉慰藉深沈沉aZ1"


@pytest.mark.parametrize("config", _tablefile.REGIONAL_WITNESSED)
def test_every_key_a_regional_config_changes_holds_a_witness(config: str) -> None:
    witnesses = _tablefile.witnesses_of(config)
    assert witnesses.valid
    changed = [
        key
        for name in _tablebuild.opencc_dicts(config)
        for key, values in _tablebuild.opencc_entries(name)
        if values and values[0] != key
    ]
    assert len(changed) > 300
    assert all(witnesses.search(key) for key in changed)
    converter = opencc.OpenCC(config)
    every = {chr(cp) for cp in _CJK if converter.convert(chr(cp)) != chr(cp)}
    assert every and all(witnesses.search(ch) for ch in every)


_REGIONAL = "說為著裡台溫衛戶稅脫悅峯着爲衆裏僞啓綫中文國語，。 \n"


@given(st.text(alphabet=_REGIONAL, max_size=40), st.sampled_from(_tablefile.REGIONAL_WITNESSED))
@example("為眾裡著說", "t2tw")
@example("爲衆裏着説", "t2hk")
def test_convert_regional_is_opencc(text: str, config: str) -> None:
    """A text without a witness is returned uncalled; every text comes back as OpenCC converts it."""
    assert _script.convert(config, text) == opencc.OpenCC(config).convert(text)


def test_a_taiwan_text_is_told_with_one_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _script._converter
    monkeypatch.setattr(_script, "_converter", lambda cfg: (calls.append(cfg), real(cfg))[1])
    assert _script._variants("為了眾人，台灣的說法") == "tw2s"  # t2hk changes 說: Taiwan's, not Hong Kong's
    assert calls == ["t2hk"]


@given(st.text(alphabet=_ALPHABET, max_size=40))
@example("")
@example("憑藉")
@example("中文，中文")
def test_convert_t2s_is_opencc(text: str) -> None:
    assert _script.convert("t2s", text) == _T2S.convert(text)


@given(st.text(alphabet=_ALPHABET, max_size=40))
@example("乾隆皇帝")
@example("中文")
def test_the_models_t2s_is_opencc(text: str) -> None:
    """The scoring models' memoized ``t2s`` (:func:`._cjkscore.to_simplified`) skips OpenCC by the same
    table: the same text either way."""
    _cjkscore._SIMPLIFIED.clear()
    assert _cjkscore.to_simplified(text) == _T2S.convert(text)
    assert _cjkscore.to_simplified(text) == _T2S.convert(text)  # again, from the memo if it was kept


_PHRASES = sorted(
    key
    for name in _tablebuild.opencc_dicts("t2s")
    for key, _values in _tablebuild.opencc_entries(name)
    if len(key) > 1
)


@given(
    st.lists(st.sampled_from([*_PHRASES, *"國語發展乾於著干后面台後麵臺一上不"]), max_size=4).map("".join),
    st.sampled_from(["", "國", "乾", "中"]),
)
@example("乾隆", "")
@example("乾", "隆")
def test_a_short_piece_converted_by_character_is_opencc(text: str, more: str) -> None:
    """Every key of ``t2s`` longer than one character, in short pieces with others and cut anywhere: the
    models' conversion is OpenCC's, whether the piece went character by character or not."""
    for piece in {text + more, more + text, text[1:], text[:-1], text[: _cjkscore.CHARWISE_LEN]}:
        _cjkscore._SIMPLIFIED.clear()
        assert _cjkscore.to_simplified(piece) == _T2S.convert(piece), piece


def test_a_short_piece_without_a_phrase_start_costs_no_call_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = _cjkscore._convert()
    monkeypatch.setattr(_cjkscore, "_convert", lambda: lambda text: (calls.append(text), real(text))[1])
    _cjkscore._SIMPLIFIED.clear()
    _cjkscore._CHAR_SIMPLIFIED.clear()
    assert _cjkscore.to_simplified("國語經") == "国语经" and calls == ["國", "語", "經"]
    assert _cjkscore.to_simplified("經國") == "经国" and calls == ["國", "語", "經"]  # each character once
    # 乾 starts a key (乾隆): the piece goes to OpenCC whole, unless 乾 ends it
    assert _cjkscore.to_simplified("乾隆學") == "乾隆学" and calls[3:] == ["乾隆學"]
    assert _cjkscore.to_simplified("學乾") == "学干" and calls[4:] == ["學", "乾"]


def test_the_models_t2s_calls_opencc_only_with_a_witness(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _cjkscore._convert()
    monkeypatch.setattr(_cjkscore, "_convert", lambda: lambda t: (calls.append(t), real(t))[1])
    _cjkscore._SIMPLIFIED.clear()
    assert _cjkscore.to_simplified("关于印发通知") == "关于印发通知"
    assert _cjkscore.to_simplified("關於印發通知") == "关于印发通知"
    assert calls == ["關於印發通知"]


def test_a_table_of_another_opencc_release_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    trusted = _tablefile.CharClass(_tablefile.WITNESSES, opencc=True)
    assert trusted.valid and not trusted.search("中文") and trusted.search("中國")
    monkeypatch.setattr(_tablefile, "_opencc_version", lambda: "0.0.1")
    other = _tablefile.CharClass(_tablefile.WITNESSES, opencc=True)
    assert not other.valid and other.search("中文") and other.search("")
    both = _tablefile.CharClass(_tablefile.WITNESSES, _tablefile.VARIANTS, opencc=True)
    assert not both.valid and both.search("中文")  # tables of several: trusted only if every one is


def test_characters_beyond_the_bmp_are_found() -> None:
    chars = _tablefile.load(_tablefile.WITNESSES).text("chars")
    astral = [ch for ch in chars if ch > "\uffff"]
    assert astral
    witnesses = _tablefile.t2s_witnesses()
    assert all(witnesses.search(f"中文{ch}") for ch in astral[:200])
    assert not witnesses.search("中文𠀀")  # beyond the BMP, and no witness


_S2T = opencc.OpenCC("s2t")
_BOTH_SCRIPTS = "发面面条台台风干干杯后後里裡只隻么麼了瞭历歷历史歷史于於国國中文，。 \n𠀀𠁞aZ1"


def test_every_character_s2t_changes_is_changeable() -> None:
    changeable = _tablefile.s2t_changeable()
    assert changeable.valid
    changed = [chr(cp) for cp in _CJK if _S2T.convert(chr(cp)) != chr(cp)]
    assert len(changed) > 2000
    assert all(changeable.count(ch) == 1 for ch in changed)
    assert changeable.count("面") == 1 and _S2T.convert("面") == "面"  # 面条 -> 麵條: a phrase's
    assert changeable.count("中文，。a") == 0


@given(st.text(alphabet=_BOTH_SCRIPTS, max_size=60))
@example("面条与台风后的干杯")
@example("歷史發展面臨")
def test_s2t_changes_no_more_than_the_changeable_characters(text: str) -> None:
    changed = _script._marks(text, "s2t")
    assert changed == sum(map(ne, text, _S2T.convert(text))) or len(text) != len(_S2T.convert(text))
    assert changed <= _script._s2t_at_most(text)


@given(st.lists(st.text(alphabet=_BOTH_SCRIPTS, max_size=60), min_size=1, max_size=3))
@example(["歷史發展面臨新的機遇，台灣" * 3])
@example(["历史发展面临新的机遇。", "歷史"])
def test_script_detection_as_counted_by_opencc(parts: list[str]) -> None:
    """The bound spares OpenCC's count of simplified markers; the answer is the one the counts give."""
    han = [t for t in parts if _script.has_han(t)]
    trad = sum(_script._marks(t, "t2s") for t in han)
    simp = sum(_script._marks(t, "s2t") for t in han)
    expected = "none" if not han else _script._classify(trad, simp if trad else 0)
    assert _script.detect_script(*parts) == expected


def test_a_traditional_text_is_told_without_counting_its_markers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = _script.convert
    monkeypatch.setattr(_script, "convert", lambda cfg, text: (calls.append(cfg), real(cfg, text))[1])
    text = "國務院關於進一步加強歷史文化遺產保護工作的通知，各地區、各部門要認真貫徹執行。臺灣"
    assert _script.detect_script(text + "甲") == "zh-Hant"
    assert calls == []  # neither count made: 25 characters t2s changes wherever they stand, 0 s2t may
    assert _script.detect_script("历史" + text[:4]) == "mixed" and calls == ["t2s", "s2t"]
    calls.clear()
    assert _script.convert_script(text + "乙", "text", "zh-Hans")[0].startswith("国务院关于进一步加强历史")
    assert "s2t" not in calls


def test_every_certain_character_is_changed_by_t2s_alone() -> None:
    certain = _tablefile.load(_tablefile.CERTAIN).text("chars")
    assert len(certain) > 4000
    assert all(_T2S.convert(ch) != ch for ch in certain)
    assert "乾" not in certain and _T2S.convert("乾") == "干"  # 乾隆 keeps it: not changed everywhere
    assert "國" in certain and "中" not in certain


@given(st.text(alphabet=_ALPHABET + _BOTH_SCRIPTS, max_size=60))
@example("乾隆乾燥於是")
@example("歷史發展面臨")
def test_t2s_changes_at_least_the_certain_characters(text: str) -> None:
    assert _script._t2s_at_least(text) <= _script._marks(text, "t2s")


def test_the_certain_characters_are_not_counted_with_another_opencc(monkeypatch: pytest.MonkeyPatch) -> None:
    _tablefile.t2s_certain.cache_clear()
    _script._t2s_at_least.cache_clear()  # the last counts are kept: a process has one OpenCC
    monkeypatch.setattr(_tablefile, "_opencc_version", lambda: "0.0.1")
    try:
        assert _script._t2s_at_least("國務院") == 0
    finally:
        monkeypatch.undo()
        _tablefile.t2s_certain.cache_clear()
        _script._t2s_at_least.cache_clear()
    assert _script._t2s_at_least("國務院") == 2


@given(st.text(alphabet="國語发展\n a", max_size=30), st.data())
def test_a_whole_conversions_edits_by_line_are_its_runs_joined(text: str, data: st.DataObject) -> None:
    """Found from both ends of each line, the edits are those of the runs of changed characters joined line
    by line; None when a line feed of the text is not one in the conversion (the runs then cross it)."""
    converted = "".join(data.draw(st.sampled_from([ch, "国", "\n", "b"])) for ch in text)
    got = _script._line_edits(text, converted)
    moved = any(a == "\n" != b for a, b in zip(text, converted, strict=True))
    assert (got is None) is moved
    if got is not None:
        assert got == _script._by_line(text, _script._edits(text, converted), set())
    assert _script._line_edits(text, converted + "b") is None


def test_a_traditional_body_is_one_change_a_line() -> None:
    assert _script._line_edits("國語a語\n中文\n發達中", "国语a语\n中文\n发达中") == [
        (0, 4, "国语a语"),
        (8, 10, "发达"),
    ]
    text = "國語的發展\n歷史"
    _out, changes = _script.convert_script(text, "text", "zh-Hans")
    assert [(c.start, c.end, c.before, c.after) for c in changes] == [
        (0, 4, "國語的發", "国语的发"),
        (6, 7, "歷", "历"),
    ]


def _script_by_opencc(ch: str) -> int:
    """The mojibake search's script of one character as OpenCC's converters tell it (the definition)."""
    if _T2S.convert(ch) != ch:
        return 1
    return -1 if _S2T.convert(ch) != ch else 0


def test_the_characters_s2t_changes_alone_are_the_table() -> None:
    alone = _tablefile.s2t_alone()
    assert alone.valid
    table = _tablefile.load(_tablefile.ALONE).text("chars")
    assert table == "".join(sorted(table)) and len(table) > 4000
    changed = "".join(chr(cp) for cp in _CJK if _S2T.convert(chr(cp)) != chr(cp))
    assert changed and all(alone.search(ch) for ch in changed)
    assert not any(alone.search(chr(cp)) for cp in _CJK if chr(cp) not in changed)
    assert alone.search("发") and not alone.search("面")  # 面 changes only in a phrase (面条 -> 麵條)


def test_the_mojibake_searchs_script_of_a_character_is_opencc_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """Told from the shipped tables without loading ``s2t`` (0.07-0.1 s a process); with another OpenCC
    release, by ``s2t`` itself: the same answers."""
    chars = [chr(cp) for cp in _CJK[::7]] + list(_BOTH_SCRIPTS)
    expected = [_script_by_opencc(ch) for ch in chars]
    assert {-1, 0, 1} <= set(expected)
    _holes._s2t.cache_clear()
    _holes._script.cache_clear()
    assert [_holes._script(ch) for ch in chars] == expected
    assert _holes._s2t.cache_info().misses == 0
    _holes._script.cache_clear()
    _tablefile.s2t_alone.cache_clear()
    monkeypatch.setattr(_tablefile, "_opencc_version", lambda: "0.0.1")
    try:
        assert not _tablefile.s2t_alone().valid
        assert [_holes._script(ch) for ch in chars] == expected
        assert _holes._s2t.cache_info().misses == 1
    finally:
        monkeypatch.undo()
        _holes._script.cache_clear()
        _tablefile.s2t_alone.cache_clear()
