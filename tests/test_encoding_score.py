"""The Chinese plausibility model used to rank repairs: numbers, cut-off endings, paired marks, symbols."""

from __future__ import annotations

import pytest

from normalize.encoding import _cjkscore


@pytest.mark.parametrize(
    ("good", "bad"),
    [
        ("12月31日", "12有31日"),  # digits pair with the characters that go with numerals
        ("共3个", "共3有"),
        ("真恩愛呀！」", "真恩愛呀！。"),  # two stop marks in a row are not written
        ("安全的产品", "安全∧产品"),  # a math symbol is rarer than any common character
    ],
)
def test_plausible_reading_is_cheaper(good: str, bad: str) -> None:
    assert _cjkscore.cost(good) < _cjkscore.cost(bad)


def test_digits_keep_their_per_character_price() -> None:
    # a digit run next to nothing number-like costs what its characters cost
    assert _cjkscore.cost("2019") == pytest.approx(4 * _cjkscore.OTHER_COST["ascii"])
    assert _cjkscore.cost("a#b") == pytest.approx(3 * _cjkscore.OTHER_COST["ascii"])  # "#" is not a digit


def test_open_end_allows_a_word_cut_in_the_middle() -> None:
    closed = _cjkscore.cost("工作的执")
    opened = _cjkscore.cost("工作的执", open_end=True)
    assert opened < closed
    # never dearer than the closed reading
    for text in ("的", "发展具有十分重要的", "abc", "12月"):
        assert _cjkscore.cost(text, open_end=True) <= _cjkscore.cost(text) + 1e-9


def test_pairing_bonus_counts_only_matched_closers() -> None:
    assert _cjkscore.pairing_bonus("「好」") == _cjkscore.PAIR_BONUS
    assert _cjkscore.pairing_bonus("好」") == 0.0
    both = 3 * _cjkscore.PAIR_BONUS + 2 * _cjkscore.NUMBER_PAIR_BONUS
    assert _cjkscore.pairing_bonus("（一）“二”〔三〕") == both
    assert _cjkscore.pairing_bonus("（主任）“二”") == 2 * _cjkscore.PAIR_BONUS  # quotes: no number bonus
    assert _cjkscore.pairing_bonus("国办发〔2019〕5号") == _cjkscore.PAIR_BONUS + _cjkscore.NUMBER_PAIR_BONUS
    assert _cjkscore.pairing_bonus("【2019】") == _cjkscore.PAIR_BONUS  # 【】 head text, not numbers
    assert _cjkscore.pairing_bonus("没有括号") == 0.0


def test_bigram_model_prefers_running_text() -> None:
    from normalize.encoding import _bigram

    # what follows what across words and punctuation, which the word model cannot say
    assert _bigram.cost("、", "有害信息") < _bigram.cost("嚣", "有害信息")
    assert _bigram.cost("七", "责）（") < _bigram.cost("＿", "责）（")
    # fullwidth digits count as ASCII digits, a run of digits as one number
    assert _bigram.cost("１２月") == pytest.approx(_bigram.cost("12月"))
    assert _bigram.cost("2019年") == pytest.approx(_bigram.cost("7年"))
    # regional quote and bracket forms are folded: the model does not choose between them
    assert _bigram.cost("「好」") == pytest.approx(_bigram.cost("“好”"))
    assert _bigram.cost("〔2019〕") == pytest.approx(_bigram.cost("（2019）"))
    # traditional text is scored as its simplified form
    assert _bigram.cost("國家") == pytest.approx(_bigram.cost("国家"))


def test_repeat_bonus_counts_repeated_han_only() -> None:
    from normalize.encoding import _holes

    assert _holes._repeat_bonus("政府和政府") == pytest.approx(2 * _holes.REPEAT_BONUS)
    assert _holes._repeat_bonus("aa，，") == 0.0
    assert _holes._repeat_bonus("各不相同") == 0.0
