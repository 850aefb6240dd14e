"""Hypothesis properties of the text stage: fixed point, idempotence, replayable change log."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalize._document import Change
from normalize._edits import _steps, replay
from normalize.text import TextOptions, normalize_body, normalize_field

# common Simplified characters that every script converter leaves alone
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理府研质亿省市"
)
CLEAN_HAN = "".join(dict.fromkeys(HAN))
CLAUSE = "，、"
FINAL = "。！？"
OTHER = "0123456789"


@st.composite
def sentences(draw: st.DrawFn, final: bool = True) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        chunk = draw(st.text(st.sampled_from(CLEAN_HAN + OTHER), min_size=1, max_size=12))
        wrap = draw(st.sampled_from(["", "“”", "《》", "（）"]))
        if wrap and chunk[0] not in OTHER:
            chunk = (
                draw(st.text(st.sampled_from(CLEAN_HAN), min_size=1, max_size=3)) + wrap[0] + chunk + wrap[1]
            )
        parts.append(chunk)
    s = "".join(p + draw(st.sampled_from(CLAUSE)) for p in parts[:-1]) + parts[-1]
    if s[0] in OTHER:
        s = draw(st.sampled_from(CLEAN_HAN)) + s
    return s + (draw(st.sampled_from(FINAL)) if final else "")


paragraphs = st.lists(sentences(), min_size=1, max_size=4).map("".join)
clean_bodies = st.lists(paragraphs, min_size=1, max_size=5).map("\n".join)
clean_fields = st.one_of(sentences(final=False), sentences())

MESSY = (
    CLEAN_HAN
    + "數據產業優發展著乾內"
    + "，。、；：？！（）“”《》"
    + ",.;:?!()"
    + "  \u00a0\u3000\t\r\n"
    + "abcAZ019"
    + "\u200b"
)
annotation = st.sampled_from(["(yōu)", "(shù)", "（jù）", "(BME)", "(2019-2023年)", "(a)", "(mā)", "..."])
messy = st.lists(st.one_of(st.text(st.sampled_from(MESSY), max_size=20), annotation), max_size=12).map(
    "".join
)

SETTINGS = settings(max_examples=max(150, settings().max_examples))
"""150 examples a property in CI (the "ci" profile of conftest.py); more when exploring."""


@SETTINGS
@given(clean_bodies)
def test_clean_body_is_a_fixed_point(text: str) -> None:
    out, changes = normalize_body(text, "articleBody")
    assert out == text
    assert [c for c in changes if c.applied] == []


@SETTINGS
@given(clean_fields)
def test_clean_field_is_a_fixed_point(text: str) -> None:
    out, changes = normalize_field(text, "headline")
    assert out == text
    assert [c for c in changes if c.applied] == []


@SETTINGS
@given(messy, st.sampled_from(["zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep"]))
# found by hypothesis: a line that was long enough for prose only before a space was removed
@example("00000一\u3000一00000000000000000000000000; （jù）", "zh-Hans")
# found by hypothesis: re-joined lines put a bracket pair on one line (the stage now runs to a fixed point)
@example("（?A\n0:)", "zh-Hans")
def test_body_is_idempotent_and_replayable(text: str, script: str) -> None:
    options = TextOptions(script=script)
    once, changes = normalize_body(text, "articleBody", options)
    assert replay(text, changes, "articleBody") == once
    twice, again = normalize_body(once, "articleBody", options)
    assert twice == once
    assert [c for c in again if c.applied] == []


@SETTINGS
@given(messy, st.sampled_from(["zh-Hans", "zh-Hant", "keep"]))
# found by hypothesis: the bracket absorbing a space put an annotation right after a character
@example("据 (yōu)（jù）", "zh-Hans")
def test_field_is_idempotent_and_replayable(text: str, script: str) -> None:
    options = TextOptions(script=script)
    once, changes = normalize_field(text, "headline", options)
    assert replay(text, changes, "headline") == once
    twice, again = normalize_field(once, "headline", options)
    assert twice == once
    assert [c for c in again if c.applied] == []


@SETTINGS
@given(messy)
@example("?一一一一三\r一000000000000(2019-2023年)?一一一一三\r一:")  # paragraphs ran twice in a row
@example("經濟屋簷下的數據中心")  # a line's joined t2s change spanned the flagged 簷
def test_changes_of_a_step_do_not_overlap(text: str) -> None:
    _, changes = normalize_body(text, "articleBody")
    assert {c.step for c in changes} <= {"whitespace", "pinyin", "script", "punctuation", "paragraphs"}
    for _step, group in _steps(changes):  # one run of a step (the stage runs to a fixed point)
        spans = sorted((c.start, c.end) for c in group)
        for (_, e1), (s2, _) in pairwise(spans):
            assert e1 <= s2


@pytest.mark.parametrize(
    ("text", "out"),
    [("（?A\n0:)", "（？A0：）"), ("据 (yōu)（jù）", "据（yōu）")],
)
def test_later_steps_context_is_seen_in_one_call(text: str, out: str) -> None:
    """What a later step makes (joined lines, absorbed spaces) is normalized in the same call."""
    normalize = normalize_body if "\n" in text else normalize_field
    assert normalize(text, "t")[0] == out


def test_a_span_flagged_in_two_passes_is_flagged_once() -> None:
    # 據(yōu) is not a reading of 據: flagged in the first pass as (yōu), in the second as （yōu）
    out, changes = normalize_field("優(yóu)化 據(yōu)", "headline")
    assert out == "优化 据（yōu）"
    flags = [c for c in changes if not c.applied]
    assert [(c.kind, c.before) for c in flags] == [("pinyin.removed", "(yōu)")]


def test_a_step_that_runs_again_next_pass_is_logged_as_one_step() -> None:
    """Pass 1 joins the break at 6, pass 2 (nothing else changing) the one that stood at 38 before
    pass 1: its offset, 37 in pass 2's text, goes into the run as 38, and the log still replays."""
    from normalize import Change
    from normalize._edits import apply_changes, replay
    from normalize.text import _joined

    source = "甲" * 6 + "\n" + "乙" * 31 + "\n" + "丙" * 3
    first = [Change("paragraph.joined", "articleBody", 6, 7, "\n", "", "paragraphs", 0.9)]
    middle = apply_changes(source, first)
    second = [Change("paragraph.joined", "articleBody", 37, 38, "\n", "", "paragraphs", 0.9)]
    final = apply_changes(middle, second)
    log = _joined(first, second)
    assert [(c.start, c.end) for c in log] == [(6, 7), (38, 39)]
    assert replay(source, log, "articleBody") == final == "甲" * 6 + "乙" * 31 + "丙" * 3
    # without the merge, the two runs read as one step, in the first run's coordinates: wrong
    assert replay(source, first + second, "articleBody") != final


def _every_step_each_pass(text: str, options: TextOptions, body: bool) -> tuple[str, list[Change]]:
    """The stage as it ran before it skipped steps: every step in every pass."""
    from normalize import text as stage

    changes: list[Change] = []
    if not body and options.whitespace:  # a field's line breaks are joined first (normalize_field)
        text, changes = stage.join_lines(text, "t")
    layout = stage.Layout() if body else None
    for _ in range(stage.MAX_PASSES):
        made: list[Change] = []
        for step in stage._STEPS:
            text, got = step(text, "t", options, body, layout)
            if layout is not None:
                layout.saw(text, got)
            made.extend(got)
        seen = Counter(stage._flag_key(c) for c in changes if not c.applied)
        fresh = []
        for c in made:
            if not c.applied and seen[stage._flag_key(c)] > 0:
                seen[stage._flag_key(c)] -= 1
                continue
            fresh.append(c)
        changes = stage._joined(changes, fresh)
        if not any(c.applied for c in made):
            break
    return text, changes


@SETTINGS
@given(messy, st.sampled_from(["zh-Hans", "zh-Hant", "zh-TW", "keep"]), st.booleans())
@example("（?A\n0:)", "zh-Hans", True)
@example("据 (yōu)（jù）", "zh-Hans", False)
@example("優(yóu)化 據(yōu)", "zh-Hans", False)
def test_a_pass_skips_only_steps_that_would_change_nothing(text: str, script: str, body: bool) -> None:
    """A pass after the first stops after the last step that changed the text in the pass before, when it
    changed nothing itself: the same text and log as running every step."""
    options = TextOptions(script=script)
    normalize = normalize_body if body else normalize_field
    assert normalize(text, "t", options) == _every_step_each_pass(text, options, body)


@given(
    st.text(alphabet="中文，。abc\n\r \u3000\u00a0\t\u200b\u2028\x0c\x85e\u0301", max_size=40),
    st.booleans(),
    st.sampled_from([frozenset(), frozenset({2})]),
)
@example("中文\n\n中文", True, frozenset())
@example("中文\n", True, frozenset())
@example("\n中文", False, frozenset())
@example("中文\u2028中文", True, frozenset())
@example("中文\u00a0中文", False, frozenset())
@example("中文", True, frozenset())
def test_the_whitespace_rule_passes_plain_lines_by_unchanged(
    text: str, body: bool, wrapped: frozenset[int]
) -> None:
    """A text the first look calls plain lines is one the whole rule would leave as it is."""
    from normalize.text import _whitespace

    ruled = _whitespace._rule(text, "text", [], body, wrapped)
    if _whitespace._plain_lines(text):
        assert ruled == (text, [])
    assert (
        _whitespace.normalize_whitespace(text, "text", body=body, wrapped=wrapped)[0]
        == (
            _whitespace._rule(
                text,
                "text",
                [
                    c
                    for c in _whitespace._nfc_changes(text, "text")
                    if c.before.strip(_whitespace._SPACE_CHARS)
                ],
                body,
                wrapped,
            )[0]
        )
    )
