"""The Chinese plausibility model used to rank repairs: numbers, cut-off endings, paired marks, symbols."""

from __future__ import annotations

import codecs
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalize.encoding import _cjkscore, _holes


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
    numbered = _cjkscore.PAIR_BONUS + _cjkscore.NUMBER_PAIR_BONUS
    assert _cjkscore.pairing_bonus("国办发〔2019〕") == numbered
    # the document number in the form GB/T 9704 prescribes, in either script: 〔year〕number号
    for text in ("国办发〔2019〕5号", "國辦發〔2019〕5號"):
        assert _cjkscore.pairing_bonus(text) == numbered + _cjkscore.DOCUMENT_NUMBER_BONUS
    assert _cjkscore.pairing_bonus("（2019）5号") == numbered  # round brackets: not the prescribed form
    assert _cjkscore.pairing_bonus("〔19〕5号") == numbered  # the year not in full
    assert _cjkscore.pairing_bonus("【2019】") == _cjkscore.PAIR_BONUS  # 【】 head text, not numbers
    assert _cjkscore.pairing_bonus("没有括号") == 0.0


def test_bigram_model_prefers_running_text() -> None:
    from normalize.encoding import _bigram

    # what follows what across words and punctuation, which the word model cannot say
    assert _bigram.cost("、", "有害信息") < _bigram.cost("嚣", "有害信息")
    assert _bigram.cost("七", "责）（") < _bigram.cost("＿", "责）（")
    # fullwidth digits count as ASCII digits (plus the rarity of the form), a run of digits as one number
    rarer = _bigram.RARER_FORM["１"] + _bigram.RARER_FORM["２"]
    assert _bigram.cost("１２月") == pytest.approx(_bigram.cost("12月") + rarer)
    assert _bigram.cost("2019年") == pytest.approx(_bigram.cost("7年"))
    # regional quote and bracket forms are folded: the model does not choose between them
    assert _bigram.cost("「好」") == pytest.approx(_bigram.cost("“好”"))
    assert _bigram.cost("〔2019〕") == pytest.approx(_bigram.cost("（2019）"))
    # traditional text is scored as its simplified form
    assert _bigram.cost("國家") == pytest.approx(_bigram.cost("国家"))


def test_end_model_knows_which_characters_end_a_line() -> None:
    from normalize.encoding import _bigram

    bound = -math.log(1 - _bigram.LINE_END_IS_TEXT_END)
    # sentence and clause ends are cheap at a line end; a comma, an enumeration comma or the first
    # character of a word is not, but costs at most the bound (the line may be hard-wrapped)
    for ending in ("。", "：", "；", "）", "？", "!"):
        assert _bigram.end_cost("意见" + ending) < 0 < _bigram.end_cost("意见，")
    assert 0 < _bigram.end_cost("意见、") <= bound
    assert _bigram.end_cost("政府") < _bigram.end_cost("政府，")
    assert _bigram.end_cost("") == 0.0
    # ASCII sentence punctuation counts as its fullwidth form
    assert _bigram.end_cost("吗?") == pytest.approx(_bigram.end_cost("吗？"))


def test_rarer_forms_cost_more_in_the_bigram_model() -> None:
    from normalize.encoding import _bigram

    assert _bigram.cost("村】", "农业") > _bigram.cost("村）", "农业")
    assert _bigram.cost("密’", "严") > _bigram.cost("密”", "严")
    assert _bigram.cost("第５次") > _bigram.cost("第5次")


def test_unpaired_closing_marks() -> None:
    from normalize.encoding import _cjkscore

    assert _cjkscore.unpaired_closers("农业农村】、发展") == 1
    assert _cjkscore.unpaired_closers("【新华社】电") == 0
    # an opening mark earlier in the line (outside the scored text) closes it
    opened = _cjkscore.open_marks("（负责部门：农业农村部、")
    assert opened == {"（": 1}
    assert _cjkscore.unpaired_closers("发展改革委）", opened) == 0
    assert _cjkscore.pairing_bonus("发展改革委）", opened) == _cjkscore.PAIR_BONUS
    assert _cjkscore.pairing_bonus("发展改革委）") == 0.0
    assert _cjkscore.open_marks("（一）“二”") == {"（": 0, "“": 0}


def test_rare_marks_cost_more_than_common_punctuation() -> None:
    from normalize.encoding import _cjkscore

    for rare in "】〗’『":
        assert _cjkscore.char_class_cost(rare) > _cjkscore.char_class_cost("（")
        assert _cjkscore.char_class_cost(rare) > _cjkscore.char_class_cost("；")


def test_repeat_bonus_counts_repeated_han_only() -> None:
    from normalize.encoding import _holes

    # 政 and 府 once more each, and the pair 政府 once more
    expected = 2 * _holes.REPEAT_BONUS + _holes.REPEAT_PAIR_BONUS
    assert _holes._repeat_bonus("政府和政府") == pytest.approx(expected)
    assert _holes._repeat_bonus("aa，，") == 0.0
    assert _holes._repeat_bonus("各不相同") == 0.0


def test_repeat_bonus_counts_pairs_seen_again_in_the_line() -> None:
    from normalize.encoding import _holes

    context = "国务院专利行政部门管理专利工作"
    with_pair = _holes._repeat_bonus("加强专利代理", context)
    without = _holes._repeat_bonus("加强权利代理", context)
    # 专利 once more in the line (and 专 is no repeat inside the run itself)
    assert with_pair - without == pytest.approx(_holes.REPEAT_PAIR_BONUS)
    assert _holes._repeat_bonus("加强权利代理", "") == 0.0


def test_a_character_whose_bytes_are_lost_is_not_made_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from normalize.encoding import _holes

    # 年 (C4 EA) between digits, both bytes lost: the models only guess (］, 日, 年 ...); it stays lost
    seq = [*b"2018", _holes.HOLE, _holes.HOLE, *b"9"]
    solved = _holes.solve(seq, "gb18030", "", "月6日", reader="big5hkscs")
    assert solved is not None and solved.text == "2018\ufffd\ufffd9" and solved.lost == 2
    with monkeypatch.context() as m:
        m.setattr(_holes, "_keeping_lost", lambda *a: None)
        guessed = _holes.solve(seq, "gb18030", "", "月6日", reader="big5hkscs")
        assert guessed is not None and guessed.lost == 0 and min(guessed.margins) < _holes.SURE
    # one byte lost of two: restored
    one = [*b"2018", 0xC4, _holes.HOLE, *b"9"]
    solved = _holes.solve(one, "gb18030", "", "月6日")
    assert solved is not None and solved.text == "2018年9" and solved.lost == 0
    # a lost byte with no rival (the reader turns only 80 into U+FFFD) counts as known
    data = b"\xe4\xb8\x80"
    assert _holes._keeping_lost(data, set(), [1, 2], (0xB8, 0x80), "utf-8") is None
    assert _holes._keeping_lost(data, {2}, [1, 2], (0xB8, 0x80), "utf-8") is None
    assert _holes._keeping_lost(data, {1, 2}, [1, 2], (0xB8, 0x80), "utf-8") == "\ufffd" * 3


def test_free_cost_ranks_common_text_before_rare() -> None:
    from normalize.encoding import _bigram

    assert _bigram.free_cost("的发展") < _bigram.free_cost("釕鑭發")
    assert _bigram.free_cost("") == 0.0
    assert _bigram.free_cost("中国") == _bigram.free_cost("中國")  # scored as simplified


_PIECE_CHARS = (
    "中国人民共和发展经济的了是在"  # simplified, plain
    "國華說學體會經們發這從個來對時過還應當與為門開關長東車書馬乾幹髮麵裡臺灣"  # t2s witnesses
    "0123456789０１２３４５６７８９"  # digits, run together by the model
    "「」『』【】〔〕（）()?!,;:，。、“”‘’ abcXYZａｂ・ーあア\ufffd\U00020000\U0002a6d6"
)


def _phrase_starts(n: int) -> str:
    from normalize.encoding import _tablefile

    starts = _tablefile.t2s_phrase_starts()
    found = "".join(chr(cp) for cp in range(0x4E00, 0xA000) if starts.search(chr(cp)))
    return found[:: max(1, len(found) // n)]


@given(st.data())
@example(None)
def test_free_cost_of_three_is_free_cost_of_the_first_three(data: st.DataObject | None) -> None:
    """The search's fast path gives the same float as free_cost of the piece's first three characters,
    for every kind of character: plain, converted alone or with the next (a t2s phrase), digits (a run of
    them is one), folded marks, beyond the BMP; asked before and after free_cost (memos either way)."""
    from normalize.encoding import _bigram

    chars = _PIECE_CHARS + _phrase_starts(60)
    if data is None:  # every pair of kinds at least once, deterministically
        pieces = [a + b + c for a in chars[::7] for b in chars[::5] for c in "发國1"]
        pieces += list(chars) + [a + b for a in chars[::3] for b in chars[::4]] + ["", "國華說學"]
        # t2s phrases that OpenCC converts otherwise than character by character, first or after one
        phrases = ["乾元", "彷彿", "復甦", "憑藉", "張昇", "哪吒", "傢俱"]
        assert any(
            _bigram.free_cost(w) != _bigram.free_cost("".join(map(_cjkscore.char_simplified, w)))
            for w in phrases
        )
        pieces += [w + c for w in phrases for c in "发國1"] + [c + w for w in phrases for c in "发國1"]
    else:
        pieces = data.draw(st.lists(st.text(st.sampled_from(chars), max_size=5), min_size=1, max_size=50))
    for k, piece in enumerate(pieces):
        if k % 2:
            fast = _bigram.free_cost_of_three(piece)
            assert fast == _bigram.free_cost(piece[:3]), piece
        else:
            slow = _bigram.free_cost(piece[:3])
            assert _bigram.free_cost_of_three(piece) == slow, piece


@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, math.inf]), max_size=80), st.integers(0, 60))
def test_smallest_are_the_first_of_the_sorted_indices(values: list[float], n: int) -> None:
    want = sorted(sorted(range(len(values)), key=values.__getitem__)[:n])
    assert _holes._smallest(values, n) == want


@given(st.binary(max_size=2), st.integers(0, 255), st.binary(max_size=4), st.integers(1, 7))
def test_ending_is_the_last_bytes_of_the_whole(head: bytes, v: int, tail: bytes, n: int) -> None:
    whole = head + bytes((v,)) + tail
    if n <= len(whole):
        assert _holes._ending(head, v, tail, n) == whole[len(whole) - n :]


def test_likeliest_keeps_the_cheapest_candidates_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_holes, "SCORED_PER_HOLE", 2)
    passing = [(v, ("", b""), c, [(v, "x", b"")]) for v, c in enumerate([3.0, 1.0, 2.5, 0.5])]
    assert [c[1] for c in _holes._likeliest(passing)] == [1, 3]
    passing = [(0, ("", b""), 0.0, [(v, "x", b"") for v in range(4)])]
    assert [c[1] for c in _holes._likeliest(passing)] == [0, 1]  # equal prices: in their order


def test_likeliest_ranks_as_each_candidate_priced_alone() -> None:
    # states that share the context's last character and unfinished bytes share the pieces' prices;
    # states with another last character do not; states may share their list of values or not
    from normalize.encoding import _bigram

    states = [("中华人民共和", 0.0), ("我们的", 0.7), ("加强", 0.2), ("全体人民的", 1.5), ("国家的", 0.7)]
    pieces = ["", *(chr(0x4E00 + 37 * v) + "发展" for v in range(1, 120))]
    shared = [(v, p, b"") for v, p in enumerate(pieces)]
    passing = [
        (i, (ctx, b""), c, shared if i % 2 else [(v, p, b"") for v, p in enumerate(pieces) if v % 3])
        for i, (ctx, c) in enumerate(states)
    ]
    cands = [(i, v, p, pend, gkey, c) for i, gkey, c, opts in passing for v, p, pend in opts]

    def alone(n: int) -> tuple[float, int]:
        _i, _v, piece, _pend, (ctx, _head), c = cands[n]
        if piece:
            c += _bigram.AfterCosts(ctx[-1:]).of(piece[0]) + _bigram.free_cost(piece[: _holes.QUICK])
        return c, n

    want = sorted(sorted(range(len(cands)), key=alone)[: _holes.SCORED_PER_HOLE])
    got = _holes._likeliest(passing)
    assert got == [cands[n] for n in want]
    assert len({c[0] for c in got}) > 2  # more than two states' candidates made it


def test_scoring_only_the_likeliest_candidates_finds_the_same_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    # both bytes of one character lost (thousands of candidate pairs: kept as U+FFFD either way),
    # and lost lead bytes (restored)
    text = "国务院关于进一步加强知识产权保护工作的通知"
    data = text.encode("gb18030")
    for lost in ([6, 7], [2, 12], [20]):
        seq: list[int] = [_holes.HOLE if i in lost else b for i, b in enumerate(data)]
        pruned = _holes.solve(seq[:30], "gb18030", "", text[15:])
        monkeypatch.setattr(_holes, "SCORED_PER_HOLE", 10**6)
        full = _holes.solve(seq[:30], "gb18030", "", text[15:])
        monkeypatch.undo()
        assert pruned is not None and full is not None
        assert pruned.text == full.text
        assert pruned.margins == full.margins
        assert pruned.text == (text[:3] + "\ufffd\ufffd" + text[4:15] if lost == [6, 7] else text[:15])


@pytest.mark.parametrize("codec", ["gb18030", "big5", "utf-8"])
def test_pair_texts_are_what_the_codec_makes_of_the_pair(codec: str) -> None:
    """The table of byte pairs' characters (a code point each; two ASCII characters apart) answers as the
    codec does, asked twice."""
    seen = 0
    for _ in range(2):
        for a in range(256):
            for b in range(0, 256, 3):
                cls = _holes._pair_class(codec, a, b)
                if cls not in (_holes.BOTH, _holes.FIRST):
                    continue
                seen += 1
                dec = codecs.getincrementaldecoder(codec)()
                want = dec.decode(bytes((a, b)), False)
                assert _holes._pair_text(codec, a << 8 | b) == want
    assert seen > 2000


def test_pieces_memoized_value_by_value_are_those_decoded_afresh() -> None:
    """A hole's pieces for one list of values and then for others (a second reader allows nearly the
    same values) are what decoding each list afresh gives: the same values, pieces and pending bytes,
    in the list's order."""
    from normalize import _memo

    data = "国务院关于进一步加强知识产权保护工作的通知".encode("gb18030")
    every = list(range(0x81, 0xFF))
    lists = [every, every[::3], every[1::2], list(reversed(every[:40])), every]
    cases = [(b"", data[1:9]), (data[:1], data[2:9]), (b"", b""), (data[:1], b"")]
    nonempty = 0
    for head, tail in cases:
        for last in (False, True):
            _memo.renew()
            got = [_holes._pieces("gb18030", head, values, tail, last, "右") for values in lists]
            fresh = []
            for values in lists:
                _memo.renew()
                fresh.append(_holes._pieces("gb18030", head, values, tail, last, "右"))
            assert got == fresh
            nonempty += bool(got[0]) and len(got[1]) < len(got[0])
    assert nonempty >= 4


def test_a_window_priced_in_one_document_is_priced_afresh_in_the_next() -> None:
    """The context ranking of a lost byte's window counts the pairs the document's clean lines hold:
    its memo must not carry one document's price into the next (a record then depended on which
    documents its process had normalized before)."""
    from normalize import _memo

    window = "加强知识产权保护"
    plain: frozenset[str] = frozenset()
    known = frozenset({"知识", "产权"})

    def priced(pairs: frozenset[str]) -> float:
        token = _holes.DOCUMENT_PAIRS.set(pairs)
        try:
            return _holes._ranked_in_context(window, 0)
        finally:
            _holes.DOCUMENT_PAIRS.reset(token)

    alone = {}
    for pairs in (plain, known):
        _memo.renew()
        alone[pairs] = priced(pairs)
    assert alone[known] < alone[plain]  # the document's own terms make the window likelier
    for order in ((plain, known), (known, plain)):
        _memo.renew()
        assert [priced(pairs) for pairs in order] == [alone[pairs] for pairs in order]


def test_one_character_free_costs_are_the_models_and_kept_across_renewals() -> None:
    from normalize import _memo
    from normalize.encoding import _bigram

    # simplified, traditional (OpenCC converts it first), digits (folded to one number), fullwidth
    # forms, punctuation, Latin, a character the model never saw, one beyond the BMP (not tabled)
    chars = "的国國们們5５Ａa，,「」。\u4dff\U00020001"
    first = [_bigram.free_cost(ch) for ch in chars]
    assert first == [_bigram._free_cost(ch) for ch in chars]
    assert all(c > 0 for c in first)
    assert first[1] == first[2]  # 国 and 國 are one character to the model
    assert first[1] < _bigram.free_cost("\u4dff")
    _memo.renew()
    assert [_bigram.free_cost(ch) for ch in chars] == first
    assert _bigram.free_cost("的国") == _bigram._free_cost("的国")  # longer texts: the memo


_PIECE_CHARS = "的国國们們发發后後乾干著着5５12Ａa，,「」『』〔〕（）()?!:。\u4dff\U00020001#"


def _free_cost_whole(text: str) -> float:
    """:func:`._bigram.free_cost` as the model defines it: the text simplified and normalized whole."""
    from normalize.encoding import _bigram

    s = _bigram._norm(_cjkscore.to_simplified(text))
    if not s:
        return 0.0
    tables = _bigram._tables()
    first = ord(s[0])
    return -math.log(tables[1].get(first, tables[2])) + _bigram._chain(tables, first, s[1:])


@given(st.text(alphabet=_PIECE_CHARS, max_size=10))
@example("的国")
@example("後來")  # a phrase OpenCC converts: normalized whole
@example("12国")  # a run of digits is one number
@example("")
def test_a_short_texts_free_cost_put_together_by_character_is_the_whole_texts(text: str) -> None:
    """The cost of a short piece (the lost-byte search ranks tens of thousands) is put together from its
    characters' normal forms when each is its own (no t2s key, no digit): to the last bit the cost of the
    text normalized whole."""
    from normalize.encoding import _bigram

    assert _bigram._free_cost(text) == _free_cost_whole(text)
