"""The tables derived from OpenCC (``hk-variants``, ``t2s-witnesses``) answer as OpenCC does: a text the
witnesses say ``t2s`` leaves alone is left alone, and a table derived from another OpenCC release is
not trusted."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalize.encoding import _cjkscore, _tablebuild, _tablefile
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


def test_characters_beyond_the_bmp_are_found() -> None:
    chars = _tablefile.load(_tablefile.WITNESSES).text("chars")
    astral = [ch for ch in chars if ch > "\uffff"]
    assert astral
    witnesses = _tablefile.t2s_witnesses()
    assert all(witnesses.search(f"中文{ch}") for ch in astral[:200])
    assert not witnesses.search("中文𠀀")  # beyond the BMP, and no witness
