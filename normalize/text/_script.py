"""Script rule: convert Simplified/Traditional with OpenCC's phrase-level configs.

Detection comes first: ``t2s`` run over the text marks traditional characters (those it
changes), ``s2t`` marks simplified ones.  Conversion then depends on what the text is:

* already in the target script (no markers of the other script): nothing is run;
* mostly in the other script: the whole text is converted phrase by phrase (``t2s``, or
  ``tw2s`` / ``hk2s`` when the text detectably uses Taiwan or Hong Kong variants;
  ``s2t`` / ``s2tw`` / ``s2hk`` for Traditional targets), confidence 0.95; with plain
  ``t2s``, characters it keeps but ``tw2s`` would change (``著力``) are flagged;
* mostly in the target script with a few characters of the other: only characters that
  are the *one* counterpart of a character of the target script (``內``->``内``: t2s and
  s2t map them onto each other) are converted; other marked characters (``乾``, ``著``,
  ``於``... valid in both scripts in some words) are only flagged (``applied=False``).

The converted text is diffed against the input character by character (OpenCC keeps
lengths in nearly every case), and each run of consecutive changed characters is one
edit.  A line whose length changes is diffed with :mod:`difflib` instead.  A whole-text
conversion logs one change per line (its first converted character to its last); a
partial one, a character per change, each with its own confidence.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from itertools import compress, count
from operator import ne

from .. import _memo
from .._document import Change
from .._edits import apply_changes
from ..encoding import _tablefile
from ._chars import has_han, is_han

STEP = "script"
_TO_TRADITIONAL = {"zh-Hant": "s2t", "zh-TW": "s2tw", "zh-HK": "s2hk"}
MIXED_RATIO = 0.2
"""The minority script must have at least this share of the majority's markers for ``mixed``."""


@cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


def convert(config: str, text: str) -> str:
    """``text`` converted with the OpenCC config ``config`` (converters are cached).  A text that holds
    no character of a key ``t2s`` converts (the shipped ``t2s-witnesses`` table) is its own ``t2s``,
    without a call: nearly every line and body of a simplified document (a call costs 10 µs and
    30 ns a character; script detection, the layout rules' view and the text stage each make one).
    Likewise for ``t2tw`` and ``t2hk`` (:data:`_WITNESSED`), which every traditional text converted to
    simplified is given to see whose variants it uses: a text in Taiwan's standard is its own ``t2tw``."""
    if config in _WITNESSED and not _tablefile.witnesses_of(config).search(text):
        return text
    out: str = _converter(config).convert(text)  # type: ignore[attr-defined]
    return out


_WITNESSED = frozenset(("t2s", *_tablefile.REGIONAL_WITNESSED))
"""The configs whose shipped witnesses (:func:`._tablefile.witnesses_of`) spare :func:`convert` the call."""


@_memo.cache
def char_convert(config: str, ch: str) -> str:
    return convert(config, ch)


@_memo.cache
def char_variants(ch: str) -> tuple[str, ...]:
    """``ch`` with its simplified and traditional forms (single characters only)."""
    forms = [ch]
    for config in ("t2s", "s2t", "tw2s", "hk2s"):
        f = char_convert(config, ch)
        if len(f) == 1 and f not in forms:
            forms.append(f)
    return tuple(forms)


def _runs(text: str, converted: str) -> list[tuple[int, int, str]]:
    """Edits turning ``text`` into the equal-length ``converted``: one per run of changed characters."""
    if text == converted:
        return []
    # the positions that differ, found at C speed (a text in the target script has few of them)
    pos = list(compress(count(), map(ne, text, converted)))
    runs: list[tuple[int, int, str]] = []
    start = prev = pos[0]
    for p in pos[1:]:
        if p != prev + 1:
            runs.append((start, prev + 1, converted[start : prev + 1]))
            start = p
        prev = p
    runs.append((start, prev + 1, converted[start : prev + 1]))
    return runs


def _line_runs(text: str, converted: str) -> list[tuple[int, int, str]]:
    if len(text) == len(converted):
        return _runs(text, converted)
    sm = difflib.SequenceMatcher(None, text, converted, autojunk=False)
    return [(a0, a1, converted[b0:b1]) for op, a0, a1, b0, b1 in sm.get_opcodes() if op != "equal"]


@_memo.lru_cache(maxsize=64)
def _marks(text: str, config: str) -> int:
    """How many characters of ``text`` OpenCC's ``config`` (``t2s``: traditional markers, ``s2t``:
    simplified ones) would change.  Cached: script detection and conversion ask about the same text,
    and the text stage's passes to a fixed point ask again (an OpenCC pass over a body costs about
    0.03 ms per 1,000 characters); each count is taken only when the answer depends on it."""
    return _changed(text, _converted(text, config))


@_memo.lru_cache(maxsize=4)
def _converted(text: str, config: str) -> str:
    """:func:`convert`, the last few answers kept: the text whose markers were counted is the text
    then converted (a body's ``t2s`` run once, not twice)."""
    return convert(config, text)


def _changed(text: str, converted: str) -> int:
    """How many characters of ``text`` the conversion to ``converted`` changes (:func:`_edits`' total)."""
    if text == converted:  # the common answer, found at memcmp speed
        return 0
    if len(text) == len(converted):
        return sum(map(ne, text, converted))
    return sum(e - s for s, e, _ in _edits(text, converted))


def _edits(text: str, converted: str) -> list[tuple[int, int, str]]:
    if len(text) == len(converted):
        return _runs(text, converted)
    out: list[tuple[int, int, str]] = []
    offset = 0
    lines, clines = text.split("\n"), converted.split("\n")
    if len(lines) != len(clines):
        return _line_runs(text, converted)
    for line, cline in zip(lines, clines, strict=True):
        out.extend((offset + s, offset + e, r) for s, e, r in _line_runs(line, cline))
        offset += len(line) + 1
    return out


def detect_script(text: str, *more: str) -> str:
    """``zh-Hans``, ``zh-Hant``, ``mixed`` or ``none`` (no Han characters) of ``text`` and ``more``
    taken together (as if joined by line feeds: no conversion crosses a line; each part's counts are
    cached, so a body asked about again, alone, costs nothing).

    Text holding only characters shared by both scripts counts as ``zh-Hans``.
    """
    parts = [t for t in (text, *more) if has_han(t)]
    if not parts:
        return "none"
    at_least = sum(map(_t2s_at_least, parts))
    at_most = sum(map(_s2t_at_most, parts)) if at_least else None
    if at_most is not None and at_most < MIXED_RATIO * at_least:
        return "zh-Hant"  # too few simplified markers to be mixed, whatever the numbers: no count
    trad = sum(_marks(t, "t2s") for t in parts)
    if not trad:
        return "zh-Hans"
    if at_most is None:
        at_most = sum(map(_s2t_at_most, parts))
    if at_most < MIXED_RATIO * trad:
        return "zh-Hant"
    return _classify(trad, sum(_marks(t, "s2t") for t in parts))


@_memo.lru_cache(maxsize=16)
def _s2t_at_most(text: str) -> int:
    """A bound on :func:`_marks` of ``text`` under ``s2t``, without OpenCC: its characters that ``s2t``
    may change (the shipped ``s2t-changeable`` table).  A traditional text holds a few (``台``, ``面``:
    changed in some phrases), against hundreds of traditional markers; counted by OpenCC, its
    simplified markers were a quarter of the pipeline's OpenCC time.  The last few counts are kept: the
    script of an article is detected, then converted: over the bench corpus, 29% of the characters
    counted had been counted just before."""
    return _tablefile.s2t_changeable().count(text)


@_memo.lru_cache(maxsize=16)
def _t2s_at_least(text: str) -> int:
    """A bound from below on :func:`_marks` of ``text`` under ``t2s``, without OpenCC: its characters
    that ``t2s`` changes wherever they stand (the shipped ``t2s-certain`` table; 0 if the table does
    not hold for the installed OpenCC).  In a traditional text nearly every traditional marker is
    one (4,691 of 4,752 in the longest of the bench corpus)."""
    if not _tablefile.t2s_witnesses().search(text):
        return 0  # a text t2s leaves alone (most of them): the table is not even loaded
    certain = _tablefile.t2s_certain()
    return certain.count(text) if certain.valid else 0


def _classify(trad: int, simp: int) -> str:
    if trad == 0:
        return "zh-Hans"
    if simp == 0:
        return "zh-Hant"
    if min(trad, simp) >= MIXED_RATIO * max(trad, simp):
        return "mixed"
    return "zh-Hant" if trad > simp else "zh-Hans"


def convert_script(text: str, target: str, script: str) -> tuple[str, list[Change]]:
    """Convert ``text`` to ``script`` (``zh-Hans``/``zh-Hant``/``zh-TW``/``zh-HK``; ``keep`` = no-op)."""
    if script == "keep" or not has_han(text):
        return text, []
    if script == "zh-Hans":
        at_least = _t2s_at_least(text)
        at_most = _s2t_at_most(text) if at_least else None
        if at_most is not None and at_least > at_most:
            full = True  # more traditional markers than there can be simplified ones: no count
        else:
            trad = _marks(text, "t2s")
            if trad == 0:
                return text, []
            if at_most is None:
                at_most = _s2t_at_most(text)
            full = trad > at_most or trad > _marks(text, "s2t")
        config = _regional(text) if full else "t2s"
        back = "s2t"
    else:
        simp = _marks(text, "s2t")
        if simp == 0:
            return text, []
        trad = _marks(text, "t2s")
        full = simp >= trad
        config = _TO_TRADITIONAL[script]
        back = "t2s"
    converted = _target_text(text, config, back)
    usage = _by_usage(text, converted) if full and script == "zh-Hans" else {}
    for i, (ch, _margin) in usage.items():
        converted = converted[:i] + ch + converted[i + 1 :]
    kind = f"script.{config}"
    flags = [] if not (full and config == "t2s") else _variant_flags(text, converted, target, kind)
    flags = [c for c in flags if c.start not in usage]
    joined = _line_edits(text, converted) if full else None
    if joined is not None:
        pieces = _apart_in_lines(text, converted, joined, usage, {*usage, *(c.start for c in flags)})
    else:
        pieces = _split_at(_edits(text, converted), usage)
        if full:
            pieces = _by_line(text, pieces, {*usage, *(c.start for c in flags)})
    changes: list[Change] = []
    for s, e, repl in pieces:
        before = text[s:e]
        if s in usage and e == s + 1:
            note = f"{before} read as {repl} in context (word model, bigrams: margin {usage[s][1]:.1f} nats)"
            changes.append(Change(kind, target, s, e, before, repl, STEP, 0.9, True, note))
        elif full:
            changes.append(Change(kind, target, s, e, before, repl, STEP, 0.95))
        else:
            _gated(changes, kind, target, s, before, repl, config, back)
    if flags:
        changes.extend(flags)
        changes.sort(key=lambda c: (c.start, c.end))
    return apply_changes(text, changes), changes


BY_USAGE = {"著": "著着"}
"""Traditional characters that stand for two simplified ones by usage (cases as data): Taiwan's
standard writes ``著`` for the particle ``着`` (``沿著``, ``著手``) as well as for ``著`` (``原著``,
``顯著``), and OpenCC converts it one way or the other by a list of phrases (``tw2s``: all to ``着``
but ``著名``, ``名著`` ...; ``t2s``: none).  The models choose in context (:func:`_by_usage`)."""
USAGE_MARGIN = 6.0
"""How much more plausible (nats) one reading must be, by the word model and the character bigrams
together, each preferring it, for it to settle the reading (``信誉卓著``: jieba's dictionary holds the
misprint ``信誉卓着``, the bigrams of People's Daily hold ``卓著``: the models disagree, OpenCC's
reading stands)."""
USAGE_WINDOW = 4
"""Characters of context each side."""
_BY_USAGE_RE = re.compile(f"[{''.join(BY_USAGE)}]")


def _by_usage(text: str, converted: str) -> dict[int, tuple[str, float]]:
    """Where the word model settles the reading of a :data:`BY_USAGE` character of ``text`` (same length as
    ``converted``, OpenCC's reading): index -> (the reading more plausible in context by
    :data:`USAGE_MARGIN` or more, the margin).  Elsewhere OpenCC's reading stands."""
    if len(text) != len(converted) or not _BY_USAGE_RE.search(text):
        return {}
    from ..encoding import _bigram, _cjkscore  # the models: loaded only for a text that needs them

    out: dict[int, tuple[str, float]] = {}
    for m in _BY_USAGE_RE.finditer(text):
        i = m.start()
        left = converted[max(0, i - USAGE_WINDOW) : i]
        right = converted[i + 1 : i + 1 + USAGE_WINDOW]
        options = BY_USAGE[m.group()]
        words = [_cjkscore.cost(left + c + right) for c in options]
        pairs = [_bigram.cost(left + c + right) for c in options]
        k = min(range(len(options)), key=lambda j: words[j] + pairs[j])
        agree = all(words[k] < words[j] and pairs[k] < pairs[j] for j in range(len(options)) if j != k)
        margin = min(words[j] + pairs[j] for j in range(len(options)) if j != k) - words[k] - pairs[k]
        if agree and margin >= USAGE_MARGIN:
            out[i] = (options[k], margin)
    return out


def _by_line(text: str, edits: list[tuple[int, int, str]], apart: set[int]) -> list[tuple[int, int, str]]:
    """``edits`` of a whole-text conversion joined line by line: one edit from a line's first converted
    character to its last, the unchanged characters between them in both its texts (a traditional
    paragraph is one change, not one per character: the log stays readable and the record small).
    A position of ``apart`` stays out of every joined edit (changes of a step never overlap): a reading
    settled by the word model is an edit of its own, with its note; a flagged character (unchanged) is
    where a joined edit ends and the next begins."""
    out: list[tuple[int, int, str]] = []
    for s, e, repl in edits:
        if out and s not in apart and out[-1][0] not in apart:
            start, end, prev = out[-1]
            gap = text[end:s]
            if "\n" not in gap and not any(i in apart for i in range(end, s)):
                out[-1] = (start, e, prev + gap + repl)
                continue
        out.append((s, e, repl))
    return out


def _apart_in_lines(
    text: str,
    converted: str,
    joined: list[tuple[int, int, str]],
    usage: dict[int, tuple[str, float]],
    apart: set[int],
) -> list[tuple[int, int, str]]:
    """:func:`_by_line` of :func:`_split_at` of :func:`_edits`, from the lines' edits ``joined``
    (:func:`_line_edits`): only a line whose edit holds a position of ``apart`` is listed run by run
    and joined again around it (no edit crosses a line feed, so a line is joined alone as it is in the
    whole text).  A traditional body read in context (``著``) or flagged in a few places has hundreds
    of lines whose runs were listed, cut and joined one by one, to give back their lines' edits."""
    if not apart:
        return joined
    marks = sorted(apart)
    out: list[tuple[int, int, str]] = []
    for a, b, repl in joined:
        k = bisect.bisect_left(marks, a)
        if k < len(marks) and marks[k] < b:
            runs = [(a + s, a + e, r) for s, e, r in _runs(text[a:b], converted[a:b])]
            out.extend(_by_line(text, _split_at(runs, usage), apart))
        else:
            out.append((a, b, repl))
    return out


def _line_edits(text: str, converted: str) -> list[tuple[int, int, str]] | None:
    """:func:`_by_line` of :func:`_edits` with nothing kept apart, for a ``converted`` of the same length
    whose line feeds stand where those of ``text`` do (else None): each line's edit runs from its first
    changed character to its last, found from both ends of the line (a traditional body changes
    nearly every line near both ends), where the runs were listed character by character and joined."""
    if len(text) != len(converted):
        return None
    out: list[tuple[int, int, str]] = []
    n = len(text)
    start = 0
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        elif converted[end] != "\n":
            return None
        if text[start:end] != converted[start:end]:
            a = start
            while text[a] == converted[a]:
                a += 1
            b = end - 1
            while text[b] == converted[b]:
                b -= 1
            out.append((a, b + 1, converted[a : b + 1]))
        start = end + 1
    return out


def _split_at(
    edits: list[tuple[int, int, str]], at: dict[int, tuple[str, float]]
) -> list[tuple[int, int, str]]:
    """``edits`` with each one that holds a character of ``at`` cut so that it is an edit of its own."""
    if not at:
        return edits
    out: list[tuple[int, int, str]] = []
    for s, e, repl in edits:
        cuts = sorted(i for i in at if s <= i < e) if len(repl) == e - s else []
        pos = s
        for i in cuts:
            if i > pos:
                out.append((pos, i, repl[pos - s : i - s]))
            out.append((i, i + 1, repl[i - s]))
            pos = i + 1
        if pos < e:
            out.append((pos, e, repl[pos - s :]))
    return out


def _target_text(text: str, config: str, back: str) -> str:
    """``text`` converted with ``config``.

    For Traditional targets the text is first made wholly Simplified, so that OpenCC's
    phrases match the same way on every run (``长几`` -> ``長几``, and ``長几`` stays);
    characters that were already Traditional are kept as they are.
    """
    if back != "t2s":
        return _converted(text, config)
    base = convert("t2s", text)
    converted = convert(config, base)
    if not len(text) == len(base) == len(converted):
        return convert(config, text)
    return "".join(c if a == b else a for a, b, c in zip(text, base, converted, strict=True))


def _variant_flags(text: str, converted: str, target: str, kind: str) -> list[Change]:
    """Characters ``t2s`` kept but ``tw2s`` reads otherwise (``著力`` -> ``着力``): flagged only,
    since without regional evidence either reading may be right (``土著``)."""
    alt = convert("tw2s", text)
    if len(alt) != len(text) or len(converted) != len(text):
        return []
    # where the readings differ, found at C speed (a few places in a body), then those t2s kept
    return [
        Change(kind, target, i, i + 1, text[i], text[i], STEP, 0.5, False, f"as a Taiwan variant: {alt[i]}")
        for i in compress(count(), map(ne, converted, alt))
        if text[i] == converted[i]
    ]


def _gated(
    changes: list[Change], kind: str, target: str, start: int, before: str, repl: str, config: str, back: str
) -> None:
    """Convert only characters that map one-to-one onto a character of the target script."""
    if len(before) != len(repl):
        changes.append(
            Change(
                kind,
                target,
                start,
                start + len(before),
                before,
                before,
                STEP,
                0.4,
                False,
                f"OpenCC suggests {repl}",
            )
        )
        return
    run: list[tuple[int, str, str, bool]] = []
    for i, (a, b) in enumerate(zip(before, repl, strict=True)):
        alone = char_convert(config, a)
        if alone == a:  # converted only inside some phrase: a character valid in both scripts
            continue
        sure = is_han(a) and alone == b and char_convert(back, b) == a
        run.append((start + i, a, b, sure))
    i = 0
    while i < len(run):
        j = i
        while j < len(run) and run[j][3] == run[i][3] and run[j][0] == run[i][0] + (j - i):
            j += 1
        s, e = run[i][0], run[j - 1][0] + 1
        b = "".join(r[1] for r in run[i:j])
        a = "".join(r[2] for r in run[i:j])
        if run[i][3]:
            changes.append(Change(kind, target, s, e, b, a, STEP, 0.9, True, "minority-script character"))
        else:
            changes.append(
                Change(
                    kind,
                    target,
                    s,
                    e,
                    b,
                    b,
                    STEP,
                    0.4,
                    False,
                    f"OpenCC suggests {a}; valid in both scripts in some words",
                )
            )
        i = j


def _regional(text: str) -> str:
    """``tw2s`` / ``hk2s`` when the text detectably uses Taiwan / Hong Kong variants, else ``t2s``.  A text
    that shows no variants of its own (a headline: ``亮著`` reads ``亮着`` in Taiwan's standard, ``顯著``
    everywhere) is written as the rest of its article (:func:`same_article`)."""
    own = _variants(text)
    if own is None:
        article = _ARTICLE.get()
        own = article.variants() if article is not None else None
    return own or "t2s"


def _variants(text: str) -> str | None:
    """``tw2s`` / ``hk2s`` when ``text`` uses Taiwan / Hong Kong variants (the standard forms of the other
    region would change it), ``t2s`` when it mixes both, None when it shows neither."""
    tw = _changes(text, convert("t2tw", text))
    hk = _changes(text, convert("t2hk", text))
    if not tw and hk:
        return "tw2s"
    if not hk and tw:
        return "hk2s"
    return "t2s" if tw else None


def _changes(text: str, converted: str) -> bool:
    """Whether the conversion to ``converted`` changes a character of ``text`` (a conversion that only
    inserts changes none)."""
    if converted == text:
        return False
    return len(converted) == len(text) or any(e > s for s, e, _ in _edits(text, converted))


class _Article:
    """The texts of one article, whose regional variants (:func:`_variants`) are found when first asked."""

    __slots__ = ("_found", "_texts")

    def __init__(self, texts: tuple[str, ...]) -> None:
        self._texts = texts
        self._found: tuple[str | None] | None = None

    def variants(self) -> str | None:
        if self._found is None:
            self._found = (_variants("\n".join(t for t in self._texts if t)),)
        return self._found[0]


_ARTICLE: ContextVar[_Article | None] = ContextVar("normalize_article", default=None)


@contextmanager
def same_article(*texts: str) -> Iterator[None]:
    """Within the block, a text converted to Simplified that shows no regional variants of its own takes
    those of the article that ``texts`` (its body, headline ...) make up: an article is written to one
    region's standard, and its fields are too short to show it."""
    token = _ARTICLE.set(_Article(texts))
    try:
        yield
    finally:
        _ARTICLE.reset(token)
