"""Mojibake repair on decoded text: Latin kinds via ftfy, CJK kinds by re-encoding and scoring.

A fast pre-check (:func:`suspicious_lines`, a few C-level regex scans) skips
clean text.  On a suspicious line:

1. Latin kinds (UTF-8 read as latin-1/cp1252, once or twice) are left to
   ``ftfy.fix_encoding`` (never ``fix_text``, whose defaults rewrite Chinese
   punctuation).
2. CJK kinds: each run of non-ASCII characters is re-encoded with the codec
   that produced it (the *reader*) and decoded with the right one, inferring
   the bytes that became U+FFFD (:mod:`._holes`): UTF-8 read as GB18030, Big5
   read as GB18030, GB18030 read as Big5, and misaligned GB18030 (a byte lost
   at a chunk boundary, anchored at the ``?``/U+FFFD that replaced it).  Lost
   bytes are ranked by the word model (jieba's dictionary) and a character
   bigram model of running text (:mod:`._bigram`); on a line re-read as a
   whole, runs with lost bytes are read again with the repaired text on both
   sides, and neighbouring ones are chosen together.  A repair is accepted
   only if the Chinese plausibility model scores it better than the original
   by a clear margin, and it is kept in its original script.
3. What cannot be repaired with confidence (``锟斤拷``, runs of U+FFFD, mojibake
   that no hypothesis explains) is flagged: ``applied=False``, text unchanged.

The search has a per-document budget in work units (:data:`UNITS`, the limit in
:class:`normalize._limits.Limits`): past it, the suspicious lines not yet searched are flagged
``mojibake.unsearched`` instead, unless ftfy's linear pass alone repairs them (UTF-8 read as a
Latin codec: no search needed).  Units, not seconds, so the same text gives the same changes on any
machine, however loaded.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from .. import _limits
from .._document import Change
from .._edits import apply_edits, common_ends, edited_around
from ..text._pinyin import remove_pinyin
from . import _bigram, _cjkscore, _context, _detect, _holes, _legacylatin, _tablefile

STEP = "mojibake"
MIN_GAIN = 20.0
"""Minimum cost improvement (nats) for a CJK repair."""
MIN_GAIN_RATIO = 0.25
"""... and as a share of the original run's cost."""
MAX_COST_PER_CHAR = 9.0
"""A repair must itself read as plausible Chinese (mean nats per character)."""
CONTEXT = 6

_CONT = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
"""What UTF-8 continuation bytes 80-BF become in latin-1 / cp1252."""
_LATIN_ONE = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u04ff\u2500-\u257f\u0192\u00ac\u221a\u2248\u25ca"
_LATIN_RE = re.compile(f"[{_LATIN_ONE}]|[\u00d7\u00f7][{_CONT}]")
"""Characters that UTF-8 lead bytes become in the single-byte codecs ftfy knows (a pre-check only).
``×`` and ``÷`` (bytes D7, F7) count only when a continuation byte follows: as signs between
digits or Han characters (``480毫米×140毫米``) they are common in clean documents."""
_ODD = (
    "\ufffd\ue000-\uf8ff\u3040-\u30ff\u0370-\u052f\u2500-\u257f\u3100-\u312f\ua000-\ua4cf\uac00-\ud7af"
    "\ufe50-\ufe6f"
)
"""Characters seldom seen in Chinese text that mojibake is full of: U+FFFD, private use, kana, Greek and
Cyrillic, box drawing, Bopomofo (GB18030's ``，：！（）`` read as Big5: ``ㄛㄩㄐㄗㄘ``), Yi, Hangul, and
the small form variants (its ``、。·`` read as Big5: ``﹜﹝﹞``; a line of Han characters with only
those marks had no other sign of damage)."""
_ODD_RE = re.compile(f"[{_ODD}]")
_GARBAGE_RE = re.compile("(?:锟斤拷|锟拷|斤拷)+")
_RUN_RE = re.compile(r"[^\x00-\x7f]+")
_FFFD_RUN_RE = re.compile("\ufffd+")
_GLUED_RUN_RE = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]|[\x40-\x7e](?=[^\x00-\x7f]))*")
"""A run of non-ASCII characters, single ASCII bytes 0x40-0x7E between them included (trail bytes
of Big5 and GBK)."""
_GLUED_GB_RUN_RE = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]|[0-9\x40-\x7e](?=[^\x00-\x7f]))*")
"""The same with single digits too: the second and fourth bytes of a four-byte GB18030 character."""
_ANCHOR_RE = re.compile("[?\ufffd]")
_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if not chr(c).isalnum()}


TRIGGER_GAP = 2
"""Characters at most between the rare Han characters of a trigger (three of them)."""
_HAN_BMP = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
"""The blocks of :func:`._cjkscore.rare_han_class`."""


@cache
def _first_re() -> re.Pattern[str]:
    """Every character a trigger of :func:`suspicious_lines` starts with, as one class: searching for
    a class alone runs at C speed (about 500 MB/s of Chinese text), where the triggers as one pattern
    of alternatives ran at 45.  The rare Han characters' class is written once (compiling it is what
    costs: thousands of ranges)."""
    rare = _cjkscore.rare_han_class()[1:-1]
    return re.compile(f"[{_LATIN_ONE}\u00d7\u00f7{_ODD}锟斤{rare}]")


def _rare(ch: str) -> bool:
    """Whether ``ch`` is in :func:`._cjkscore.rare_han_class`."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _HAN_BMP) and ch not in _cjkscore.common_chars()


def _rare_run(text: str, at: int, n: int) -> bool:
    """Whether ``n`` rare Han characters follow one another from ``at`` (a rare one), each at most
    :data:`TRIGGER_GAP` characters after the one before, on one line."""
    if n == 1:
        return True
    for k in range(at + 1, min(at + TRIGGER_GAP + 2, len(text))):
        ch = text[k]
        if ch == "\n":
            return False
        if _rare(ch) and _rare_run(text, k, n - 1):
            return True
    return False


def _triggers_at(text: str, at: int) -> bool:
    """Whether a sign of mojibake starts at ``at``: a character that UTF-8 lead bytes become in a
    Western codec (:data:`_LATIN_RE`), an odd character (:data:`_ODD`), ``锟斤拷``, or three rare Han
    characters close together."""
    if _LATIN_RE.match(text, at) or _ODD_RE.match(text, at) or _GARBAGE_RE.match(text, at):
        return True
    return _rare(text[at]) and _rare_run(text, at, 3)


def suspicious_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that may hold mojibake; empty for clean text (fast path).  Only the
    characters a sign of mojibake can start with are looked at (:func:`_first_re`)."""
    spans: list[tuple[int, int]] = []
    first = _first_re()
    pos = 0
    start = end = -1  # the line of the last sign: its bounds are found once, however many signs it holds
    readings: list[tuple[int, int]] | None = None  # the text's pinyin readings, when first asked
    while (m := first.search(text, pos)) is not None:
        at = m.start()
        if not _triggers_at(text, at):
            pos = at + 1
            continue
        if at >= end:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
        if _LATIN_RE.match(text, at) and not _ODD_RE.match(text, at):
            if readings is None:
                readings = _pinyin_readings(text)
            past = _reading_end(readings, at)
            if past > at:
                pos = past
                continue
        spans.append((start, end))
        pos = end
    return spans


def _reading_end(spans: list[tuple[int, int]], at: int) -> int:
    """The end of the span of ``spans`` (in order, not overlapping) that holds ``at``, else -1: by
    bisection, as a line may hold thousands of readings."""
    k = bisect.bisect_right(spans, at, key=lambda span: span[0]) - 1
    return spans[k][1] if k >= 0 and at < spans[k][1] else -1


def _pinyin_readings(text: str) -> list[tuple[int, int]]:
    """Spans of ``text``, in order, that are pinyin readings of the character before them (``優(yōu)``),
    as the text stage removes them (:func:`..text._pinyin.remove_pinyin`, which reads a reading cut by a
    hard wrap too: ``關(g`` / ``uān)於``).  Their toned vowels are Latin letters that UTF-8 lead bytes
    become, but a reading in parentheses after a Han character is no sign of mojibake: a lead byte read
    as Latin is followed by continuation bytes, not by ASCII letters."""
    _, changes = remove_pinyin(text, "text")
    return [(c.start, c.end) for c in changes if c.applied]


@dataclass(slots=True)
class _Fix:
    start: int
    end: int
    after: str
    kind: str
    confidence: float
    gain: float
    note: str = ""
    raw_context: bool = False
    """Searched between the raw neighbours of its span (:func:`_second_look` searches it again)."""
    written: str = ""
    """``after`` as written: with U+FFFD (one per byte) for the characters the search is not sure of
    (:attr:`._holes.Solved.doubted`); empty when it is sure of all.  The line is judged on ``after``."""
    inferred: bool = False
    """Lost bytes were inferred (searched) for it: when that was between raw neighbours,
    :func:`_second_look` searches it again in the repaired line."""


def repair(text: str, *, budget: int | None = _limits.REPAIR_BUDGET) -> tuple[str, list[Change]]:
    """Repair mojibake in ``text``; returns the new text and the changes (offsets into ``text``).

    Clean text is returned unchanged with no changes.  Spans that look damaged but cannot
    be restored with confidence are reported with ``applied=False``.  ``budget``: the work units
    (:data:`UNITS`) the search may spend on ``text`` (None: no limit); the line being searched when
    it runs out and every suspicious line after it are flagged :data:`UNSEARCHED` instead.
    """
    if text.isascii():
        return text, []
    changes: list[Change] = []
    lines = suspicious_lines(text)
    if not lines:
        c1 = c1_controls(text, [])
        return (apply_edits(text, [(c.start, c.end, c.after) for c in c1]), c1) if c1 else (text, [])
    token = _METER.set(None if budget is None else _Meter(budget))
    clean = apply_edits(text, [(s, e, "") for s, e in lines])
    doc_token = _holes.DOCUMENT_PAIRS.set(_holes.document_pairs(clean))
    ends_token = _bigram.LINE_ENDS.set(_bigram.line_end_share(m.group() for m in _LINE_RE.finditer(clean)))
    try:
        for i, (ls, le) in enumerate(lines):
            try:
                _charge(UNITS["line"])
                sibling_token = _bigram.SIBLING_END.set(_sibling_end(text, lines, i))
                searched_token = _SEARCHED.set({})
                readers = line_readers(text[ls:le])
                readers_token = _READERS.set(readers)
                try:
                    got = _repair_line(text[ls:le], ls)
                    wider = _contradicted(text[ls:le], ls, got, readers)
                    if wider:
                        # the statistics said the narrower reader; the text around a character the two
                        # readers place apart says the wider: both are tried, the narrower first
                        _READERS.set(readers | wider)
                        first_token = _NARROWER_FIRST.set(readers)
                        try:
                            got = _repair_line(text[ls:le], ls)
                        finally:
                            _NARROWER_FIRST.reset(first_token)
                    changes.extend(got)
                finally:
                    _READERS.reset(readers_token)
                    _SEARCHED.reset(searched_token)
                    _bigram.SIBLING_END.reset(sibling_token)
            except _Spent:
                _METER.set(None)  # what is left is bounded: ftfy's linear pass, or a flag
                for s, e in lines[i:]:
                    changes.extend(_cheap_line(text[s:e], s) or _unsearched(text, [(s, e)], budget))
                break
    finally:
        _METER.reset(token)
        _holes.DOCUMENT_PAIRS.reset(doc_token)
        _bigram.LINE_ENDS.reset(ends_token)
    _flag_end_guess(text, changes)
    c1 = c1_controls(text, changes)
    if c1:
        changes = sorted([*changes, *c1], key=lambda c: (c.start, c.end))
    if not any(c.applied for c in changes):
        return text, changes
    out: list[str] = []
    pos = 0
    for c in changes:
        if not c.applied:
            continue
        out.append(text[pos : c.start])
        out.append(c.after)
        pos = c.end
    out.append(text[pos:])
    return "".join(out), changes


_LINE_RE = re.compile("[^\n]+")


C1_KIND = "mojibake.cp1252-as-latin1"
_C1_RE = re.compile("[\x80-\x9f]")


def c1_controls(text: str, changes: list[Change]) -> list[Change]:
    """The C1 control characters of ``text`` outside ``changes`` that Windows-1252 reads as a character
    (``\x93`` ``\x94`` -> ``“`` ``”``, ``\x85`` -> ``…``), as repairs: bytes of Windows-1252 text read
    as Latin-1, the Latin-1 of the web's pages (ftfy's ``fix_c1_controls``).  A C1 control is no text:
    there is no other reading of it to weigh.  The five bytes Windows-1252 leaves undefined stay (the
    text stage removes them)."""
    if text.isascii() or _C1_RE.search(text) is None:
        return []
    covered = [(c.start, c.end) for c in changes]
    out: list[Change] = []
    for m in _C1_RE.finditer(text):
        i = m.start()
        if any(s <= i < e for s, e in covered):
            continue
        try:
            ch = m.group().encode("latin-1").decode("cp1252")
        except UnicodeDecodeError:
            continue
        note = f"U+{ord(m.group()):04X} is a C1 control; byte {ord(m.group()):02X} of Windows-1252 is {ch}"
        out.append(Change(C1_KIND, "text", i, i + 1, m.group(), ch, STEP, 0.9, True, note))
    return out


def _sibling_end(text: str, lines: list[tuple[int, int]], i: int) -> str:
    """The punctuation mark that the lines next to the suspicious line ``lines[i]`` of ``text`` (blank
    lines skipped) both end with; empty if either is suspicious too, or they end otherwise."""
    ls, le = lines[i]
    p_end = ls
    while p_end and text[p_end - 1].isspace():
        p_end -= 1
    p_start = text.rfind("\n", 0, p_end) + 1
    n_start = le
    while n_start < len(text) and text[n_start].isspace():
        n_start += 1
    n_end = text.find("\n", n_start)
    n_end = len(text) if n_end < 0 else n_end
    prev, nxt = text[p_start:p_end].rstrip(), text[n_start:n_end].rstrip()
    if not prev or not nxt or prev[-1] != nxt[-1] or not unicodedata.category(prev[-1]).startswith("P"):
        return ""
    # a neighbour is itself suspicious (the lines are in order: only the adjacent ones can be)
    if (i and lines[i - 1][1] > p_start) or (i + 1 < len(lines) and lines[i + 1][0] < n_end):
        return ""
    return prev[-1]


def _flag_end_guess(text: str, changes: list[Change]) -> None:
    """Flag the repair that ends ``text`` when it restored the character of a final U+FFFD: a lost byte
    with nothing after it.  The character is chosen by what precedes it alone, and by how lines end;
    but a text may also stop anywhere (a cut snippet, a truncated field), and there ``、`` reads
    ``。`` and ``打造`` reads ``打通`` by wide margins that mean nothing.  The reading stays, and a
    :data:`GUESSED_END` flag (``applied=False``) names it, so a user knows where to look: at most one
    flag per text.  Inside a text a line end is followed by a line break, which the reader saw: only
    the end of the whole text is exposed.

    The flag also says when the final U+FFFD may have hidden more than the byte restored: at the end
    of its input a GB18030 decoder (Python's, iconv's, WHATWG's) turns an unfinished four-byte
    sequence, a lead byte, a digit and perhaps one more byte, into a single U+FFFD: UTF-8 ``。1``
    (E3 80 82 31) at the end of a file reads ``銆�``, and the ``1`` is gone with the ``82`` the repair
    restores (only when the restored byte may lead: 0x81-0xFE)."""
    if not text.endswith("\ufffd"):
        return
    end = len(text)
    last = next((c for c in changes if c.applied and c.end == end), None)
    if last is None or not last.after or last.after.endswith("\ufffd"):
        return
    why = (
        f"the text ends in a lost byte: the last character of this repair, {last.after[-1]!r}, was chosen"
        " by what precedes it alone, and the text may have been cut there"
    )
    codec = _GB18030_READ.get(last.kind)
    try:
        byte = last.after[-1].encode(codec)[-1] if codec else 0
    except UnicodeEncodeError:
        byte = 0
    if 0x81 <= byte <= 0xFE:
        why += (
            f"; the final U+FFFD, read as the byte {byte:02X}, may also have hidden a digit and one more"
            " byte after it (a GB18030 decoder swallows them at the end of its input)"
        )
    changes.append(
        Change(GUESSED_END, "text", last.start, last.end, last.before, last.before, STEP, 0.5, False, why)
    )
    changes.sort(key=lambda c: c.start)


# --- the budget ---------------------------------------------------------------------------------------

UNSURE = "mojibake.unsure"
"""Kind of the flag on a repaired span that keeps U+FFFD: characters whose bytes were lost and that
the models cannot restore with confidence (a wrong character that reads well is worse than a gap)."""
GUESSED_END = "mojibake.guessed-end"
"""Kind of the flag on a repair that restored the last character of a text from its final lost byte: with
nothing after it, the character is a guess (:func:`_flag_end_guess`)."""
UNSEARCHED = "mojibake.unsearched"
"""Kind of the flag on a suspicious line left unsearched because the document's budget was spent."""
UNITS: dict[str, int] = {
    "line": 1500,
    "search": 50,
    "lost_byte": 50,
    "candidate": 1,
    "model": 1,
    "insertion": 200,
}
"""Work units the search is charged, before the work is done: per suspicious line searched (ftfy, the
re-encodings, the scans), per byte sequence searched for lost bytes (:func:`._holes.solve`) plus per
lost byte in it and per candidate it scores (a state of its beam times a value of the lost byte, counted
by the search itself after each byte: how many there are is known only once the beam is pruned), per
evaluation of the plausibility model made here, and per position tried for a dropped private-use pair
(1,894 candidate decodings).  The weights are least-squares fits of CPU time on damaged documents (one
unit is about 10 µs here; see :data:`normalize._limits.REPAIR_BUDGET`); a candidate costs about 20 µs,
and without its term a line with many lost bytes ran 4.6 s on a budget meant for about 1 s."""


class _Spent(Exception):
    """The document's budget is spent: the line being searched is abandoned."""


@dataclass(slots=True)
class _Meter:
    limit: int
    spent: int = 0


_METER: ContextVar[_Meter | None] = ContextVar("normalize_mojibake_meter", default=None)
"""The budget of the :func:`repair` call in progress.  A context variable rather than a parameter of
every reader below: the search is a deep tree of small functions, and it stays thread-safe."""


def _charge(units: int) -> None:
    """Spend ``units`` of the current budget; raises :class:`_Spent` when it would go past it."""
    meter = _METER.get()
    if meter is None:
        return
    meter.spent += units
    if meter.spent > meter.limit:
        raise _Spent


def _cheap_line(line: str, offset: int) -> list[Change]:
    """After the budget is spent: the repair of a line that a Latin reading explains (UTF-8 by ftfy, or
    GBK / Big5 by :mod:`._legacylatin`: linear passes, no search), or nothing."""
    latin = _latin(line, offset)
    return _legacy_latin(line, offset, latin) or ([] if latin is None else [latin])


def _unsearched(text: str, lines: list[tuple[int, int]], budget: int | None) -> list[Change]:
    note = f"not searched: the document's mojibake search budget ({budget} units) was spent"
    return [Change(UNSEARCHED, "text", s, e, text[s:e], text[s:e], STEP, 0.5, False, note) for s, e in lines]


def _score(text: str) -> float:
    """:func:`._cjkscore.cost`, charged to the budget."""
    _charge(UNITS["model"])
    return _cjkscore.cost(text)


def _repair_line(line: str, offset: int) -> list[Change]:
    latin = _latin(line, offset)
    legacy = _legacy_latin(line, offset, latin)
    if legacy:
        return legacy
    if latin is not None:
        return [latin]
    found: list[_Fix] = []
    if not _mostly_lost(line):
        found += _whole_line(line)
        found += _misaligned(line)
        for m in _RUN_RE.finditer(line):
            for s, e in _pieces(line, m.start(), m.end()):
                fix = _best_transcode(line, s, e)
                if fix is not None:
                    found.append(fix)
    options: list[_Fix] = []
    for fix in found:
        if _zhuyin_reading(line, fix.start, fix.end):
            continue  # a reading in zhuyin, not mojibake
        trimmed = _without_private_edges(line, fix)
        if trimmed is not None:
            options.append(trimmed)
    fixes: list[_Fix] = []
    taken: list[tuple[int, int]] = []
    for fix in sorted(options, key=lambda f: -f.gain):
        if all(fix.end <= a or fix.start >= b for a, b in taken):
            fixes.append(fix)
            taken.append((fix.start, fix.end))
    fixes.sort(key=lambda f: f.start)
    fixes = _same_kind_followups(line, fixes, taken)
    looked = _second_look(line, fixes)
    taken = [(f.start, f.end) for f in fixes]
    likeliest: list[str] = []  # by fix: its best reading, where what it writes keeps U+FFFD instead
    for i, f in enumerate(fixes):
        best = f.after
        if i in looked:
            f.after, best = looked[i]
        else:
            f.after = f.written or f.after
        likeliest.append(best)
    changes = [
        Change(
            f.kind,
            "text",
            offset + f.start,
            offset + f.end,
            line[f.start : f.end],
            f.after,
            step=STEP,
            confidence=f.confidence,
            note=f.note + _kept_lost_note(f.after),
        )
        for f in fixes
    ]
    for f, best in zip(fixes, likeliest, strict=True):
        lost = f.after.count("\ufffd")
        if lost:
            seg = line[f.start : f.end]
            why = (
                f"{lost} U+FFFD kept in the repair of this span: bytes of the character(s) there were"
                " lost, and no reading of them is sure enough to restore" + _likeliest_note(f.after, best)
            )
            changes.append(
                Change(
                    UNSURE,
                    "text",
                    offset + f.start,
                    offset + f.end,
                    seg,
                    seg,
                    STEP,
                    0.5,
                    False,
                    why,
                )
            )
    for s, e, why in _flags(line, taken):
        seg = line[s:e]
        changes.append(
            Change("mojibake.unrecoverable", "text", offset + s, offset + e, seg, seg, STEP, 0.9, False, why)
        )
    changes.sort(key=lambda c: c.start)
    return changes


_PRIVATE = "\ue000-\uf8ff\U000f0000-\U0010ffff"
"""Private-use code points (a regex class body): what a codec maps its user-defined byte pairs to
(GB18030's A140-A7FE, AAA1-AFFE, F8A1-FEFE ...), no character of any text."""
_PRIVATE_RE = re.compile(f"[{_PRIVATE}]")
_ALL_PRIVATE_RE = re.compile(f"[{_PRIVATE}]+")


def _without_private_edges(line: str, fix: _Fix) -> _Fix | None:
    """``fix`` without the characters at either edge of its span that its reading turns into
    private-use characters (None if nothing else is left to change): the span was drawn too wide, over
    characters that were right as they stood.  A paragraph's indent ``\u3000\u3000`` before GB18030
    text read as Big5 (``\u3000\u3000壽衾蕾偶``) is Big5's A140 twice, which GB18030 reads as its
    user-defined U+E4C6: a search over the whole run wrote ``\ue4c6\ue4c6关于立案``, an invented
    character in place of a true one.  An edge is trimmed only where the reading splits there: the
    characters cut off, encoded by the reader of one of the fix's hypotheses and decoded by its codec,
    give exactly the private-use characters ``after`` begins (ends) with."""
    if not _PRIVATE_RE.search(fix.after):
        return fix
    seg = line[fix.start : fix.end]
    for kind, reader, true in HYPOTHESES:
        if kind != fix.kind:
            continue
        head, made_head = _private_edge(seg, fix.after, reader, true, front=True)
        tail, made_tail = _private_edge(seg[head:], fix.after[len(made_head) :], reader, true, front=False)
        if not head and not tail:
            continue
        cut = len(fix.after) - len(made_tail)
        after = fix.after[len(made_head) : cut]
        written = fix.written
        if written:
            if not (written.startswith(made_head) and written.endswith(made_tail)):
                continue
            written = written[len(made_head) : len(written) - len(made_tail)]
        start, end = fix.start + head, fix.end - tail
        if start >= end or after == line[start:end]:
            return None
        fix.start, fix.end, fix.after, fix.written = start, end, after, written
        return fix
    return fix


def _private_edge(seg: str, after: str, reader: str, true: str, *, front: bool) -> tuple[int, str]:
    """How many characters at the front (else the back) of ``seg`` ``reader`` and ``true`` read as
    nothing but private-use characters that ``after`` begins (ends) with, and those characters."""
    best = (0, "")
    for n in range(1, len(seg) + 1):
        part = seg[:n] if front else seg[-n:]
        try:
            made = part.encode(reader).decode(true)
        except (UnicodeError, LookupError):
            break
        fits = after.startswith(made) if front else after.endswith(made)
        if not fits or not _ALL_PRIVATE_RE.fullmatch(made):
            break
        best = (n, made)
    return best


_ZHUYIN_SYLLABLE_RE = re.compile(
    "\u02d9?[\u3105-\u3119]?[\u3127-\u3129]?[\u311a-\u3126]?[\u02ca\u02c7\u02cb]?"
)
"""One syllable in zhuyin (Bopomofo): a light-tone dot, an initial, a medial, a final, a tone mark."""
_BOPOMOFO_RE = re.compile("[\u3105-\u3129]")
_BEFORE_READING_RE = re.compile(r"(?:<[^<>]*>|[ (（\[【])*\Z")
"""What may stand between a character and its reading: brackets, spaces, tags (``<rt>``)."""


def _zhuyin_reading(line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` is a reading in zhuyin: one zhuyin syllable right after
    a Han character (``床(ㄔㄨㄤˊ)``, ``<ruby>床<rt>ㄔㄨㄤˊ</rt>``), the way Taiwanese texts annotate a
    character.  GB18030's fullwidth signs read as Big5 are Bopomofo too (``％９５＝`` -> ``ㄔㄨㄤˊ``), so
    such a syllable alone reads as mojibake to the models; but a reading is one syllable per character,
    and a run of fullwidth signs is seldom exactly one well-formed syllable."""
    seg = line[start:end]
    if len(seg) > 5 or not _ZHUYIN_SYLLABLE_RE.fullmatch(seg) or not _BOPOMOFO_RE.search(seg):
        return False
    gap = _BEFORE_READING_RE.search(line, 0, start)
    at = gap.start() if gap else start
    return at > 0 and _cjkscore.is_han(line[at - 1])


SHOWN_BEFORE = 4
"""Characters of the repaired text shown before each likeliest reading in an unsure flag's note."""


def _likeliest_note(written: str, best: str) -> str:
    """The readings the search found likeliest for the U+FFFD that ``written`` keeps (``best``: the
    same text with them read), for a flag's note: a reader who checks the span against the source
    starts from them (``…紧握你的[手]``).  Not applied, and not offered where the search had no reading
    of its own (a character most of whose bytes were lost): "" then."""
    if not best or best == written or "\ufffd" in best:
        return ""
    guesses: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, written, best, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or set(written[i1:i2]) != {"\ufffd"}:
            return ""  # not the same reading with U+FFFD in it: nothing to name
        guesses.append(f"…{best[max(0, j1 - SHOWN_BEFORE) : j1]}[{best[j1:j2]}]")
    return "; the likeliest reading (not applied): " + ", ".join(guesses) if guesses else ""


def _kept_lost_note(after: str) -> str:
    n = after.count("\ufffd")
    return f"; {n} U+FFFD kept (one per byte) where bytes were lost and no reading is sure" if n else ""


# --- Chinese double-byte text read as Latin-1 / Windows-1252 ----------------------------------------------


def _legacy_latin(line: str, offset: int, latin: Change | None) -> list[Change]:
    """GBK/GB18030 or Big5 read as Latin-1 / Windows-1252 (``ÖÐÎÄ``), re-read (:mod:`._legacylatin`): taken
    only when it reads clearly better than ftfy's UTF-8 reading of the same line, if ftfy has one."""
    if not _legacylatin.may_hold(line):
        return []
    rival = None
    if latin is not None:
        s, e = latin.start - offset, latin.end - offset
        rival = line[:s] + latin.after + line[e:]
    return [
        Change(
            r.kind,
            "text",
            offset + r.start,
            offset + r.end,
            line[r.start : r.end],
            r.after,
            STEP,
            r.confidence,
        )
        for r in _legacylatin.readings(line, rival)
    ]


# --- Latin kinds: ftfy ----------------------------------------------------------------------------


def _latin(line: str, offset: int) -> Change | None:
    if not _LATIN_RE.search(line):
        return None
    import ftfy
    from ftfy.badness import is_bad

    if not is_bad(line):
        return None

    fixed, steps = ftfy.fix_encoding_and_explain(line)
    if fixed == line:
        return None
    a, b = common_ends(line, fixed)
    encodes = [name for op, name in (steps or []) if op == "encode"]
    if len(encodes) > 1:
        kind = "mojibake.utf8-double"
    elif encodes:
        kind = "mojibake.utf8-as-latin1" if encodes[0] == "latin-1" else "mojibake.utf8-as-cp1252"
    else:
        kind = "mojibake.utf8-as-cp1252"
    # ftfy 6 reports its lossy fixes as "transcode" steps (earlier versions as "apply"): whatever the
    # step, a fix that replaced lost bytes with U+FFFD or guessed a byte is less sure
    lossy = any(name in ("replace_lossy_sequences", "restore_byte_a0") for _op, name in (steps or []))
    note = "ftfy.fix_encoding: " + ", ".join(f"{op} {name}" for op, name in (steps or []))
    return Change(
        kind + ("-lossy" if lossy else ""),
        "text",
        offset + a,
        offset + len(line) - b,
        line[a : len(line) - b],
        fixed[a : len(fixed) - b],
        step=STEP,
        confidence=0.8 if lossy else 0.98,
        note=note,
    )


# --- CJK kinds --------------------------------------------------------------------------------------

# (kind, reader codec, true codec)
HYPOTHESES: tuple[tuple[str, str, str], ...] = (
    ("mojibake.utf8-as-gb18030", "gb18030", "utf-8"),
    ("mojibake.utf8-as-gb18030", "gbk", "utf-8"),
    ("mojibake.big5-as-gb18030", "gb18030", "big5hkscs"),
    ("mojibake.big5-as-gb18030", "gb18030", "cp950"),
    ("mojibake.gb18030-as-big5", "big5hkscs", "gb18030"),
    ("mojibake.gb18030-as-big5", "cp950", "gb18030"),
)
_ALL_READERS = frozenset(r for family in _tablefile.READER_FAMILIES for r in family)
_READERS: ContextVar[frozenset[str]] = ContextVar("normalize_readers", default=_ALL_READERS)
"""The decoders of :data:`._tablefile.READER_FAMILIES` that may have read the line being repaired
(:func:`line_readers`)."""
SHOWN_BY_LOST = 3
"""U+FFFD between two other non-ASCII characters of a line that holds no character only the wider
decoder of a family decodes, from which the line was read by the narrower (:func:`line_readers`)."""
LOST_PAIR = 2
"""A run of exactly this many U+FFFD inside a run of Chinese shows the narrower reader alone: a whole
pair it rejects (``cp950`` turns GB18030's ``三``, C8FD, into two U+FFFD; ``big5hkscs`` reads it).  On
6,000 sentences and cut snippets of ``eval/encoding.py``'s pool (GB18030 text, no character of the
wider's), lines shown by :data:`SHOWN_BY_LOST` or by such a run: ``cp950`` 2,766 -> 2,913,
``big5hkscs`` 34 -> 39; UTF-8 read by ``gbk`` 6,673 -> 6,696 of 8,000, by ``gb18030`` 53 -> 53."""
_INNER_FFFD_RE = re.compile("(?<=[^\x00-\x7f\ufffd])\ufffd+(?=[^\x00-\x7f\ufffd])")


def line_readers(line: str) -> frozenset[str]:
    """The decoders of each family of :data:`._tablefile.READER_FAMILIES` (``big5hkscs``/``cp950``,
    ``gb18030``/``gbk``) that may have read ``line``.  The wider decodes byte pairs that the narrower
    turns into U+FFFD (``big5hkscs``: Hong Kong characters, kana, accented letters; ``gb18030``: the
    user-defined areas, into the Private Use Area; the shipped ``{wider}-only`` tables); a line
    holding one of those characters was not read by the narrower.  A U+FFFD where a run of ASCII
    begins or ends says nothing of the reader (a lead byte before a digit: both reject the pair); one
    inside a run of Chinese does: the narrower rejects the pairs the wider reads there.  Measured on
    3,000 sentences of ``eval/encoding.py``'s pool per reader, lines with :data:`SHOWN_BY_LOST` or more
    such U+FFFD and none of the wider's characters: GB18030 text read by ``cp950`` 1,177, by
    ``big5hkscs`` 8; UTF-8 read by ``gbk`` 2,400 (simplified) and 2,000 (traditional), by ``gb18030``
    30 and 14.  Such a line was read by the narrower; otherwise either may have: both are searched,
    and the better reading is taken (the wrong one can win, and with confidence: a value the narrower
    rejects can be the only one the wider does, ``一个技术`` read ``一一技最``, ``企业`` read ``莢业``).
    The U+FFFD are odds, not proof: where the context model contradicts the narrower's reading of a
    character the two place apart, the line is read again with both (:func:`_contradicted`)."""
    inner = 0
    if "\ufffd" in line:
        runs = [len(m.group()) for m in _INNER_FFFD_RE.finditer(line)]
        inner = SHOWN_BY_LOST if LOST_PAIR in runs else sum(runs)
    out: set[str] = set()
    for wide, narrow in _tablefile.READER_FAMILIES:
        if _tablefile.only_decoded_by(wide).search(line):
            out.add(wide)
        elif inner >= SHOWN_BY_LOST:
            out.add(narrow)
        else:
            out.update((wide, narrow))
    return frozenset(out)


def _hypotheses() -> tuple[tuple[str, str, str], ...]:
    """:data:`HYPOTHESES` less those whose reader did not read the line (:func:`line_readers`), those
    of the readers in :data:`_NARROWER_FIRST` first (a later reading of the whole line must read it clearly
    better: :func:`_whole_line`)."""
    readers = _READERS.get()
    first = _NARROWER_FIRST.get()
    if readers == _ALL_READERS and not first:
        return HYPOTHESES
    kept = [h for h in HYPOTHESES if h[1] not in _ALL_READERS or h[1] in readers]
    return tuple(sorted(kept, key=lambda h: h[1] not in first) if first else kept)


_NARROWER_FIRST: ContextVar[frozenset[str]] = ContextVar("normalize_first_readers", default=frozenset())
"""Readers whose hypotheses :func:`_hypotheses` puts first: those :func:`line_readers` chose, when
:func:`_contradicted` has the wider readers of their families tried too."""

CONTRADICTION = _holes.SURE
"""Nats by which the context model must prefer, around one character, the reading the wider reader of
a family gives it over the narrower's, before a line :func:`line_readers` gave to the narrower is read
again with both (:func:`_contradicted`).  Only a trigger: which reading is taken is then
:func:`_whole_line`'s decision (the narrower's first, the wider's taken only if it reads the whole line
better by :data:`._holes.SURE`, the context model included).  On 600 cut snippets and 600 sentences of
each Big5 kind of ``eval/encoding.py`` (``--per 600``) the retry changed one line, for the better, at
this value as at twice it; three sentences written for the test came right only at this value."""


def _contradicted(line: str, offset: int, changes: list[Change], readers: frozenset[str]) -> frozenset[str]:
    """The wider readers to try as well on ``line``, repaired (``changes``) by the narrower reader of
    their family alone because of the U+FFFD in it (:func:`line_readers`): those for which the line
    holds a character the two readers place at different bytes (the kana and Cyrillic letters of Big5's
    C6A1-C8FE: GB18030's ``区``, C7F8, is ``Е`` to ``big5hkscs``, and ``Е`` is C7B2, ``遣``, to
    ``cp950``), and where the context model prefers the wider's reading of it, in the line as repaired,
    by :data:`CONTRADICTION`.  A line Big5-HKSCS read can hold three inner U+FFFD too (8 of 3,000
    sentences, :func:`line_readers`), and read by ``cp950`` alone it came out ``各遣新设`` for ``各区新设``,
    unflagged."""
    narrowed = {n: w for w, n in _tablefile.READER_FAMILIES if n in readers and w not in readers}
    if not narrowed or not _context.available():
        return frozenset()
    applied = [c for c in changes if c.applied]
    fixed = apply_edits(line, [(c.start - offset, c.end - offset, c.after) for c in applied])
    out: set[str] = set()
    shift = 0  # where each change's text begins in ``fixed``
    for c in applied:
        at = c.start - offset + shift
        shift += len(c.after) - (c.end - c.start)
        for narrow, wide in narrowed.items():
            if wide in out:
                continue
            true = next((t for k, r, t in HYPOTHESES if k == c.kind and r == narrow), None)
            if true is None:
                continue
            for i, read, other in _placed_apart(c.before, narrow, wide, true):
                # where the narrower's reading of it stands in the repaired text (about i into it)
                pos = c.after.find(read, max(0, i - 2 * CONTEXT))
                if pos < 0:
                    continue
                p = at + pos
                lo, hi = max(0, p - _context.WINDOW), p + 1 + _context.WINDOW
                swapped = fixed[lo:p] + other + fixed[p + 1 : hi]
                _charge(2 * _holes.RERANK_UNITS)
                if _context.cost(fixed[lo:hi]) - _context.cost(swapped) > CONTRADICTION:
                    out.add(wide)
                    break
    return frozenset(out)


def _placed_apart(text: str, narrow: str, wide: str, true: str) -> Iterator[tuple[int, str, str]]:
    """(position, the narrower's reading, the wider's reading) of each character of ``text`` (mojibake
    read by ``narrow``) that the two readers place at different bytes, read in ``true``, where both
    readings are single Han characters (the context model reads Han characters only)."""
    for i, ch in enumerate(text):
        if ch.isascii() or ch == "\ufffd":
            continue
        ours = _holes._encode_char(ch, narrow)
        theirs = _holes._encode_char(ch, wide)
        if ours is None or theirs is None or ours == theirs:
            continue
        try:
            read, other = ours.decode(true), theirs.decode(true)
        except UnicodeDecodeError:
            continue
        if (
            len(read) == len(other) == 1
            and read != other
            and _cjkscore.is_han(read)
            and _cjkscore.is_han(other)
        ):
            yield i, read, other


def _mostly_lost(line: str) -> bool:
    """Nearly every byte became U+FFFD (UTF-8 read as Big5, GB18030 read as UTF-8): nothing to restore."""
    n = line.count("\ufffd")
    # those readers lose a third to nine tenths of the characters; the repairable kinds lose a few,
    # and a GB18030 reader of UTF-8 loses them only where a run of non-ASCII ends (a lead byte before
    # ASCII or the line end), which a line dense with dates and numbers has many of
    return (
        n >= 3
        and n * 10 >= 3 * sum(1 for ch in line if ord(ch) >= 0x80)
        and _FFFD_INSIDE_RE.search(line) is not None
    )


_FFFD_INSIDE_RE = re.compile("\ufffd+[^\x00-\x7f\ufffd]")
"""U+FFFD inside a run of non-ASCII characters."""


LOSSLESS: tuple[tuple[str, str, str], ...] = (
    ("mojibake.big5-as-gb18030", "gb18030", "big5hkscs"),
    ("mojibake.big5-as-gb18030", "gb18030", "cp950"),
)
"""Codec pairs where the wrong decode loses no byte, so a whole line can be re-read."""
_GB18030_READ = {
    **{
        kind: true
        for kind, reader, true in HYPOTHESES
        if reader == "gb18030" and (kind, reader, true) not in LOSSLESS
    },
    "mojibake.misaligned-gb18030": "gb18030",
}
"""The repairs of text read by a GB18030 decoder that loses bytes, with the codec the text was written in
(:func:`_flag_end_guess`)."""
SHORT_RUN = 2
"""Runs of at most this many characters (between digits or spaces) say little on their own."""
SHORT_RUN_SLACK = 2.0
"""How much worse (nats) such a run may read on its own and still follow a line re-read as a whole."""
LINE_BONUS = 1000.0
"""Priority of a whole-line repair over repairs of its single runs."""


def _whole_line(line: str) -> list[_Fix]:
    """A line read with the wrong codec as a whole: every non-ASCII run is re-read with the same codec
    pair (inferring lost bytes where the pair is lossy); accepted when the line as a whole gains clearly
    and no run gets worse.  This catches short runs (one or two characters between numbers or spaces)
    that are too short to be judged alone.

    When the right codec is double-byte, a single ASCII letter or sign (0x40-0x7E) between two runs
    is read with them: it may be the trail byte of a character whose lead byte ended the first run
    (a reader that went out of step leaves such bytes standing alone, ``…鮋Z…`` for ``語``); for
    GB18030 a single digit too (four-byte characters: NBSP is 81 30 84 31).

    Every codec pair is tried and the line's best reading taken: the two Big5 readers both decode
    most pairs, some to different characters (C6F3, GB18030's ``企``, is ``わ`` to ``cp950`` and ``き``
    to ``big5hkscs``), and a line ``cp950`` read, re-read as ``big5hkscs`` would have, still gains
    enough to pass (``经营莢业``, ``自治瓢``): the first pair that passed was taken.  A later pair must
    read the line better by :data:`._holes.SURE` nats, and in a Han character: the order is the prior
    (``big5hkscs`` first, as browsers read Big5), and which sign a codec maps a pair to is the codec's
    choice, not the text's (A1E3 is ``∼`` to ``big5hkscs``, ``～`` to ``cp950``: the models, which
    know ``～`` better, preferred it by more than that)."""
    plain = list(_RUN_RE.finditer(line))
    if len(plain) < 2:
        return []
    big5_runs = list(_GLUED_RUN_RE.finditer(line))
    glued = {"big5hkscs": big5_runs, "cp950": big5_runs, "gb18030": list(_GLUED_GB_RUN_RE.finditer(line))}
    best: tuple[float, list[_Fix], str] | None = None
    for kind, reader, true in _hypotheses():
        runs = glued.get(true, plain)
        readings = [_holes.reencodings(m.group(0), reader) for m in runs]
        hyp = (kind, reader, true)
        # a run that no reading can give fails the line: found before any run is searched
        if not all(_may_read(seqs, hyp) for seqs in readings):
            continue
        known = "".join(_first_reading(seqs, true) for seqs in readings)
        script = _holes.script_of(known) or None  # runs with lost bytes follow the others
        news: list[str] = []
        writtens: list[str] = []
        run_margins: list[list[float]] = []
        for m, seqs in zip(runs, readings, strict=True):
            s, e = m.span()
            left, right = line[max(0, s - CONTEXT) : s], line[e : e + CONTEXT]
            got = _read_run(seqs, hyp, left, right, e == len(line), script, line[:s])
            if got is None:
                break
            news.append(got[0])
            run_margins.append(got[1])
            writtens.append(got[3])
        else:
            # second pass: runs with lost bytes again, now with the repaired text on both sides
            alts: dict[int, tuple[str, ...]] = {}
            for k, (m, seqs) in enumerate(zip(runs, readings, strict=True)):
                if _holes.HOLE not in seqs[0]:
                    continue
                before = "".join(_spliced(line, runs, news, 0, m.start()))
                rest = "".join(_spliced(line, runs, news, m.end(), len(line)))
                got = _read_run(
                    seqs,
                    hyp,
                    before[-CONTEXT:],
                    rest[:CONTEXT],
                    m.end() == len(line),
                    script,
                    before,
                    rest,
                )
                if got is not None:
                    news[k], run_margins[k], alts[k], writtens[k] = got
            _joint(line, runs, news, writtens, alts, script, hyp[2])
            margins = [x for ms in run_margins for x in ms]
            parts: list[str] = []
            pos = 0
            for m, new in zip(runs, news, strict=True):
                parts += [line[pos : m.start()], new]
                pos = m.end()
            parts.append(line[pos:])
            fixed = "".join(parts)
            gain = _accept(line, fixed, "", "")
            if gain is None:
                continue
            fixes: list[_Fix] = []
            for m, new, written in zip(runs, news, writtens, strict=True):
                s, e = m.span()
                # judged among the other runs as re-read: would this one read better left as it was?
                left = "".join(_spliced(line, runs, news, 0, s))[-CONTEXT:]
                right = "".join(_spliced(line, runs, news, e, len(line)))[:CONTEXT]
                run_gain = _score(left + m.group(0) + right) - _score(left + new + right)
                # one wrong codec read the whole line: a run too short to be judged alone follows the
                # line unless it clearly gets worse
                if run_gain < (-SHORT_RUN_SLACK if e - s <= SHORT_RUN else 0.0):
                    break
                if new == m.group(0):
                    continue
                note = f"whole line re-read; line gain {gain:.1f} nats, run gain {run_gain:.1f}"
                conf = _margin_conf(gain, margins)
                fixes.append(_Fix(s, e, new, kind, conf, LINE_BONUS + run_gain, note, written=written))
            else:
                if best is None or (
                    _han_differ(best[2], fixed)
                    and gain + _context_gain(best[2], fixed) > best[0] + _holes.SURE
                ):
                    best = (gain, fixes, fixed)
    return [] if best is None else best[1]


def _context_gain(a: str, b: str) -> float:
    """How much better (nats) the context model of :mod:`._context` reads ``b`` than ``a``, two
    readings of one line of the same length, over a window of :data:`._context.WINDOW` characters
    around each stretch of Han characters they differ in (0 where they differ in length, or without
    the model).  The search's models weigh characters and short words: between ``坝前135米`` and
    ``坝球135米`` (GB18030 ``前`` read by ``cp950``, or ``球`` by ``big5hkscs``: both ``ヶ``) they
    were 1.3 nats apart."""
    if len(a) != len(b) or not _context.available():
        return 0.0
    w = _context.WINDOW
    diff = [
        i
        for i, (x, y) in enumerate(zip(a, b, strict=True))
        if x != y and (_cjkscore.is_han(x) or _cjkscore.is_han(y))
    ]
    stretches: list[list[int]] = []  # [first, last] differing position, windows that overlap joined
    for i in diff:
        if stretches and i - stretches[-1][1] <= 2 * w:
            stretches[-1][1] = i
        else:
            stretches.append([i, i])
    total = 0.0
    for start, end in stretches:
        lo, hi = max(0, start - w), end + w + 1
        # charged as the re-ranking of a lost byte charges a window it scores, per window's worth
        _charge(2 * _holes.RERANK_UNITS * max(1, (hi - lo) // (2 * w + 1)))
        total += _context.cost(a[lo:hi]) - _context.cost(b[lo:hi])
    return total


def _han_for_han(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` have the same length and differ only in Han characters (each differing
    position Han in both): where one reads a Han character and the other a sign, the context model,
    which reads Han words only, scores a shorter stretch, not a likelier one."""
    return len(a) == len(b) and all(
        x == y or (_cjkscore.is_han(x) and _cjkscore.is_han(y)) for x, y in zip(a, b, strict=True)
    )


def _han_differ(a: str, b: str) -> bool:
    """Whether two readings of a line differ in a Han character (or in length)."""
    return len(a) != len(b) or any(
        x != y and (_cjkscore.is_han(x) or _cjkscore.is_han(y)) for x, y in zip(a, b, strict=True)
    )


def _same_kind_followups(line: str, fixes: list[_Fix], taken: list[tuple[int, int]]) -> list[_Fix]:
    """Leftover runs in a line already repaired with one codec pair (short runs between ASCII, too
    short to be judged alone) are repaired with the same pair when that makes them clearly more
    plausible."""
    kinds = {f.kind for f in fixes}
    if len(kinds) != 1 or not fixes or sum(f.gain for f in fixes) < FOLLOW_MIN_LINE_GAIN:
        return fixes
    kind = kinds.pop()
    pairs = [(r, t) for k, r, t in _hypotheses() if k == kind]
    extra: list[_Fix] = []
    for m in _RUN_RE.finditer(line):
        s, e = m.span()
        seg = m.group(0)
        if not all(e <= a or s >= b for a, b in taken):
            continue
        # a run of common characters may be clean text next to the damage: it must gain more
        need = FOLLOW_MIN_GAIN * len(seg) * (1 if _suspect_short(seg) else 2)
        # judged in the line as repaired so far (the raw neighbours are mojibake: ``1鏈�1鏃ヨ`` says
        # nothing of the ``月`` between the digits of ``1月1日``)
        before, rest = _repaired_around(line, sorted(fixes + extra, key=lambda f: f.start), s, e)
        left, right = before[-CONTEXT:], rest[:CONTEXT]
        seen = line[e : e + CONTEXT]
        for reader, true, seq in ((r, t, q) for r, t in pairs for q in _holes.reencodings(seg, r)):
            if seq.count(_holes.HOLE) > max(1, len(seq) // 6):
                continue
            solved = _solve(seq, reader, true, left, right, e == len(line), before=before, seen=seen)
            if solved is None or solved.text == seg:
                continue
            after = solved.text
            gain = _score(left + seg + right) - _score(left + after + right)
            if gain >= need and _common_share(after) >= _common_share(seg):
                conf = 0.7 if not solved.margins else min(0.7, _margin_conf(gain, solved.margins))
                note = "same codec pair as the rest of the line"
                fix = _Fix(s, e, after, kind, conf, 0.0, note, raw_context=True, written=solved.doubted)
                trimmed = _without_private_edges(line, fix)
                if trimmed is not None:
                    extra.append(trimmed)
                break
    return sorted(fixes + extra, key=lambda f: f.start)


def _second_look(line: str, fixes: list[_Fix]) -> dict[int, tuple[str, str]]:
    """Search again, in the line as repaired, the lost bytes of each repair that inferred some
    (:attr:`_Fix.inferred`) or keeps characters it is not sure of (:attr:`_Fix.written`): each run was
    first searched between its raw neighbours, which are mojibake when they are damaged too
    (``1鏈�1鏃ヨ`` around the ``月`` of ``1月1日``), and there a wrong reader's sure reading can beat the
    right reader's (GB18030 read by ``cp950``: ``16囌州18`` under ``big5hkscs``'s rejections, ``16日至18``
    under ``cp950``'s).  The readings are compared as the search ranks them (the script of the line
    counts: ``囌`` is traditional in a simplified line, which the word model alone does not see).
    Returns, by index in ``fixes``, the text to write instead (the new search's best reading under the
    same hypothesis, with U+FFFD where it is not sure either) and that best reading."""
    out: dict[int, tuple[str, str]] = {}
    for i, f in enumerate(fixes):
        seg = line[f.start : f.end]
        if not f.raw_context or not (f.written or f.inferred):
            continue
        before, rest = _repaired_around(line, fixes[:i] + fixes[i + 1 :], f.start, f.end)
        left, right = before[-CONTEXT:], rest[:CONTEXT]
        if left == line[max(0, f.start - CONTEXT) : f.start] and right == line[f.end : f.end + CONTEXT]:
            continue  # nothing repaired next to it
        script = _holes.script_of(before + rest)
        best: tuple[float, str, str] | None = None
        for _kind, reader, true in (h for h in _hypotheses() if h[0] == f.kind and h not in LOSSLESS):
            for seq in _holes.reencodings(seg, reader):
                if _holes.HOLE not in seq or seq.count(_holes.HOLE) > max(2, len(seq) // 6):
                    continue
                solved = _solve(
                    seq,
                    reader,
                    true,
                    left,
                    right,
                    f.end == len(line),
                    before=before,
                    context=rest,
                    seen=line[f.end : f.end + CONTEXT],
                )
                if solved is None:
                    continue
                _charge(UNITS["model"])
                c = _holes.ranking_cost(left + solved.text + right, script)
                if best is None or c < best[0]:
                    best = (c, solved.doubted or solved.text, solved.text)
        if best is not None:
            out[i] = best[1:]
    return out


def _repaired_around(line: str, fixes: list[_Fix], s: int, e: int) -> tuple[str, str]:
    """``line[:s]`` and ``line[e:]`` with ``fixes`` (none overlapping ``s:e``) applied."""
    return edited_around(line, ((f.start, f.end, f.after) for f in fixes), s, e)


FOLLOW_MIN_LINE_GAIN = 40.0
"""Total gain (nats) of a line's repairs before its leftover runs are read with the same codec pair."""
FOLLOW_MIN_GAIN = 2.0
"""Minimum gain (nats per character of the run) for such a leftover run (twice that if the run is made
of common characters only)."""


def _suspect_short(seg: str) -> bool:
    rare = _cjkscore.common_chars()
    return any(_ODD_RE.match(ch) or (ch not in rare and ch not in _cjkscore.COMMON_PUNCT) for ch in seg)


def _pieces(line: str, s: int, e: int) -> list[tuple[int, int]]:
    """A run to try as a whole, then its parts between clean CJK punctuation (if the run is mixed)."""
    out = [(s, e)]
    cuts = [i for i in range(s, e) if line[i] in _cjkscore.COMMON_PUNCT]
    if cuts:
        prev = s
        for c in [*cuts, e]:
            if c - prev >= 2:
                out.append((prev, c))
            prev = c + 1
    return out


def _common_share(text: str) -> float:
    common = _cjkscore.common_chars()
    cjk = [ch for ch in text if ord(ch) >= 0x80]
    return sum(1 for ch in cjk if ch in common or ch in _cjkscore.COMMON_PUNCT) / len(cjk) if cjk else 0.0


def _suspect(seg: str) -> bool:
    return bool(_ODD_RE.search(seg) or _cjkscore.rare_pair_re().search(seg))


_FIRST = frozenset((0,))


def _after(right: str, reader: str) -> bytes:
    """The first bytes the reader saw after a run (a line end if nothing follows on the line)."""
    seq = _holes.reencode(right[:3] or "\n", reader) or []
    out = bytearray()
    for b in seq:
        if b == _holes.HOLE:
            break
        out.append(b)
    return bytes(out)


INFERRED_CAP = 0.85
"""Highest confidence of a repair that inferred a lost byte: however clear its margin, a byte read
from context is less sure than one read from the text."""


def _margin_conf(gain: float, margins: list[float]) -> float:
    conf = min(0.99, 0.6 + gain / 100.0)
    if margins:
        weakest = min(margins)
        conf = min(conf, 0.5 + min(weakest, 10.0) / 20.0, INFERRED_CAP)
    return round(conf, 3)


def _one_per_char(text: str) -> str:
    """``text`` as a repair is judged on: a run of U+FFFD (one per lost byte, in what was read and in
    what a repair writes for a character it is not sure of) as one, a character lost (``��話`` is not
    ``槓杠`` because a lost double-byte character costs twice what a made-up one does)."""
    return _FFFD_RUN_RE.sub("\ufffd", text) if "\ufffd\ufffd" in text else text


def _accept(orig: str, new: str, left: str, right: str) -> float | None:
    """The gain (nats) if ``new`` is clearly more plausible than ``orig`` in context, else None."""
    if not new or new == orig:
        return None
    c_orig = _score(left + orig + right)
    c_new = _score(left + new + right)
    gain = c_orig - c_new
    if gain < MIN_GAIN or gain < MIN_GAIN_RATIO * (c_orig - _score(left + right)):
        return None
    # it must itself read as Chinese: what it could not restore (U+FFFD) is no reading of its own
    read = new.replace("\ufffd", "")
    if not read or _score(read) / len(read) > MAX_COST_PER_CHAR:
        return None
    return gain


def _spliced(line: str, runs: list[re.Match[str]], news: list[str], start: int, end: int) -> list[str]:
    """The pieces of ``line[start:end]`` with every run inside replaced by its reading in ``news``."""
    parts: list[str] = []
    pos = start
    for m, new in zip(runs, news, strict=True):
        if m.start() < start or m.end() > end:
            continue
        parts += [line[pos : m.start()], new]
        pos = m.end()
    parts.append(line[pos:end])
    return parts


JOINT_GAP = 12
"""Most characters between two runs with lost bytes whose readings are chosen together."""
JOINT_MARGIN = _holes.THIN
"""How much better (nats) the readings of two runs chosen together must read than the runs' own best
readings: where the pair chosen by a thinner margin differs from them, those characters are not sure
(U+FFFD, flagged), as a lost byte whose value leads by less than :data:`._holes.THIN` is not.  The
runs' own margins do not cover what the pair decides: ``看報。 br / 分手後`` became ``看報〔 br /``,
unflagged."""


def _joint(
    line: str,
    runs: list[re.Match[str]],
    news: list[str],
    writtens: list[str],
    alts: dict[int, tuple[str, ...]],
    script: int | None,
    true: str,
) -> None:
    """Re-choose the readings of neighbouring runs with lost bytes together (in place, ``writtens``
    too: each reading as written, see :attr:`_Fix.written`), so that what one run opens the next can
    close (``〔1994〕``: each bracket alone loses to ``。``).  The pairs are ranked by the search's
    models and, where they differ from the runs' own readings in Han characters only, by the context
    model too (:func:`_context_gain`), which chose those readings' lost bytes (:func:`._holes._rerank`):
    ranked without it, the runner-up ``和朋友偉大统华…想起路649`` of GB18030 read by ``cp950`` beat
    the re-ranked ``和朋友去大统华…想起买649`` by more than :data:`JOINT_MARGIN`.  A character of the
    other script than the runs' that the pair brings in is not sure (U+FFFD, flagged) whatever the
    margin (:data:`._holes.OTHER_SCRIPT_THIN`)."""
    lossy = sorted(alts)
    written_in = _holes.script_of("".join(news))  # as read, not from their bytes (see _holes._other_script)

    def near(k: int, j: int) -> bool:
        return 0 <= j < len(lossy) and abs(runs[lossy[j]].start() - runs[lossy[k]].start()) <= 2 * JOINT_GAP

    for i, (k1, k2) in enumerate(itertools.pairwise(lossy)):
        m1, m2 = runs[k1], runs[k2]
        if m2.start() - m1.end() > JOINT_GAP or not (alts[k1] or alts[k2]):
            continue
        # the window reaches the runs before and after the pair: their readings are context
        a = max(0, (runs[lossy[i - 1]] if near(i, i - 1) else m1).start() - CONTEXT)
        b = min(len(line), (runs[lossy[i + 2]] if near(i + 1, i + 2) else m2).end() + CONTEXT)
        at_end = b == len(line)  # the window ends the line: judged with the end-of-line model, as searched
        windows: dict[tuple[str, str], str] = {}
        for t1 in (news[k1], *alts[k1]):
            for t2 in (news[k2], *alts[k2]):
                trial = list(news)
                trial[k1], trial[k2] = t1, t2
                windows.setdefault((t1, t2), _window(line, runs, trial, a, b, m1.start(), m2.end()))
        base = windows[(news[k1], news[k2])]
        costs: dict[tuple[str, str], float] = {}
        for pair, window in windows.items():
            _charge(2 * UNITS["model"])  # the word and the bigram model
            cost = _holes.ranking_cost(window, script, at_end, line_end=at_end)
            if window != base and _han_for_han(base, window):
                cost -= _context_gain(base, window)  # as each run's own lost bytes were re-ranked
            costs[pair] = cost
        (t1, t2), c = min(costs.items(), key=lambda kv: kv[1])
        margin = costs[(news[k1], news[k2])] - c
        w1 = writtens[k1] if t1 == news[k1] else ""
        w2 = writtens[k2] if t2 == news[k2] else ""
        if margin < JOINT_MARGIN:
            w1 = _doubt(t1, w1 or t1, news[k1], true)
            w2 = _doubt(t2, w2 or t2, news[k2], true)
        elif written_in:  # a character of the other script that the pair brings in is not sure either
            w1 = _doubt(t1, w1 or t1, news[k1], true, -written_in)
            w2 = _doubt(t2, w2 or t2, news[k2], true, -written_in)
        news[k1], news[k2] = t1, t2
        writtens[k1], writtens[k2] = (w1 if w1 != t1 else ""), (w2 if w2 != t2 else "")


def _window(line: str, runs: list[re.Match[str]], news: list[str], a: int, b: int, s: int, e: int) -> str:
    """``line[a:b]`` with every run read as in ``news``, around the span ``s:e`` (a pair of runs): a run
    that the window's edge cuts is read too and cut as many characters from the span (left as
    mojibake, ``彂銆�2016`` hid from the pair the ``〔`` that its ``〕`` closes)."""
    a0 = min([a, *(m.start() for m in runs if m.start() < a < m.end())])
    b0 = max([b, *(m.end() for m in runs if m.start() < b < m.end())])
    before = "".join(_spliced(line, runs, news, a0, s))
    after = "".join(_spliced(line, runs, news, e, b0))
    inner = "".join(_spliced(line, runs, news, s, e))
    return before[max(0, len(before) - (s - a)) :] + inner + after[: b - e]


def _doubt(text: str, written: str, rival: str, codec: str, script: int = 0) -> str:
    """``written`` (``text``, a reading of a run, as written: U+FFFD for what the search was not sure
    of) with U+FFFD also where ``text`` differs from ``rival`` (another reading of the run, nearly as
    good): those characters are not sure either (one U+FFFD per byte of the character, as for a
    doubted lost byte).  With ``script`` (1 traditional, -1 simplified), only the differing characters
    written in that script are (:data:`._holes.OTHER_SCRIPT_THIN`)."""
    if text == rival:
        return written
    doubted = _doubted_chars(text, written, codec)
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, text, rival, autojunk=False).get_opcodes():
        if op != "equal":
            doubted.update(i for i in range(i1, i2) if not script or _holes.char_script(text[i]) == script)
    return "".join(
        "\ufffd" * len(ch.encode(codec, "replace")) if i in doubted else ch for i, ch in enumerate(text)
    )


def _doubted_chars(text: str, written: str, codec: str) -> set[int]:
    """The characters of ``text`` that ``written`` (``text`` with U+FFFD, one per byte, for some of
    its characters) leaves out."""
    out: set[int] = set()
    j = 0
    for i, ch in enumerate(text):
        if written.startswith(ch, j):
            j += 1
        else:
            out.add(i)
            j += len(ch.encode(codec, "replace"))
    return out


def _first_reading(seqs: list[list[int]], codec: str) -> str:
    """The first byte reading of a run with no lost byte that decodes in ``codec``, as text ("" if none)."""
    for seq in seqs:
        if _holes.HOLE not in seq:
            try:
                return bytes(seq).decode(codec)
            except UnicodeDecodeError:
                continue
    return ""


def _may_read(seqs: list[list[int]], hyp: tuple[str, str, str]) -> bool:
    """Whether :func:`_read_run` may read the run at all: some sequence decodes, or has lost bytes it
    would search (whether the search finds a reading is known only by searching)."""
    for seq in seqs:
        if _holes.HOLE in seq:
            if _searchable(seq, hyp):
                return True
        elif _detect.decodes(bytes(seq), hyp[2]):
            return True
    return False


def _searchable(seq: list[int], hyp: tuple[str, str, str]) -> bool:
    """Whether :func:`_read_run` searches the lost bytes of ``seq`` (few enough; the pair loses bytes)."""
    return hyp not in LOSSLESS and seq.count(_holes.HOLE) <= max(1, len(seq) // 6)


def _read_run(
    seqs: list[list[int]],
    hyp: tuple[str, str, str],
    left: str,
    right: str,
    open_end: bool,
    script: int | None,
    before: str,
    context: str = "",
) -> tuple[str, list[float], tuple[str, ...], str] | None:
    """The best reading of one run (its byte sequences ``seqs``) under ``hyp``: (text, hole margins,
    runner-up readings, the text as written: see :attr:`_Fix.written`); ``before``: the line before
    the run."""
    _kind, reader, true = hyp
    best: tuple[float, str, list[float], tuple[str, ...], str] | None = None
    for seq in seqs:
        alternatives: tuple[str, ...] = ()
        written = ""
        if _holes.HOLE not in seq:
            try:
                text, run_margins = bytes(seq).decode(true), []
            except UnicodeDecodeError:
                continue
        else:
            if not _searchable(seq, hyp):
                continue
            solved = _solve(seq, reader, true, left, right, open_end, script, before, context)
            if solved is None:
                continue
            text, run_margins, written = solved.text, solved.margins, solved.doubted
            alternatives = tuple(t for t in solved.alternatives if "\ufffd" not in t)
        c = _score(left + text + right) if len(seqs) > 1 else 0.0
        if best is None or c < best[0]:
            best = (c, text, run_margins, alternatives, written)
    return None if best is None else best[1:]


def _solve(
    seq: list[int],
    reader: str,
    true: str,
    left: str,
    right: str,
    open_end: bool,
    script: int | None = None,
    before: str | None = None,
    context: str = "",
    free: frozenset[int] = frozenset(),
    *,
    seen: str | None = None,
) -> _holes.Solved | None:
    """Fill the holes of ``seq`` (read by ``reader``, written in ``true``); None if nothing sensible.
    ``before``: the line before the run (default ``left``); ``seen``: the text after the run as the
    reader made it (default ``right``, which may be repaired); the rest as :func:`._holes.solve`.
    A search asked again for the same line (:data:`_SEARCHED`) is answered from the first, its cost
    charged to the budget again."""
    searched = _SEARCHED.get()
    key = (tuple(seq), reader, true, left, right, open_end, script, before, context, free, seen)
    if searched is not None and key in searched:
        units, solved = searched[key]
        _charge(units)
        return solved
    meter = _METER.get()
    spent = meter.spent if meter is not None else 0
    _charge_search(seq)
    solved = _holes.solve(
        seq,
        true,
        left,
        right,
        reader=reader,
        after=_after(right if seen is None else seen, reader),
        free=free,
        open_end=open_end,
        script=script,
        before=before,
        context=context,
        charge=_charge_candidates,
    )
    if solved is not None and solved.text.count("\ufffd") > solved.lost:
        solved = None
    if searched is not None:
        searched[key] = ((meter.spent - spent) if meter is not None else 0, solved)
    return solved


_SEARCHED: ContextVar[dict[tuple[object, ...], tuple[int, _holes.Solved | None]] | None] = ContextVar(
    "normalize_mojibake_searched", default=None
)
"""The searches made for the line being repaired (:func:`_solve`'s arguments -> the units they cost
and their answer).  The passes over a line ask some of them again with the same arguments (the
second pass of :func:`_whole_line` where the runs around did not change, a line read again with
wider readers): a line of 72 bytes with 11 lost ones was searched twice, 0.49 s and again 0.11 s.  Kept
for one line, whose document-wide models (:data:`._holes.DOCUMENT_PAIRS`, :data:`._bigram.LINE_ENDS`,
:data:`._bigram.SIBLING_END`) are fixed while it is repaired."""


def _charge_candidates(n: int) -> None:
    _charge(UNITS["candidate"] * n)


def _charge_search(seq: list[int]) -> None:
    _charge(UNITS["search"] + UNITS["lost_byte"] * seq.count(_holes.HOLE))


def _readings(seg: str) -> list[tuple[tuple[str, str, str], list[int]]]:
    """(hypothesis, bytes) for every hypothesis and every byte sequence its reader may have decoded."""
    return [(hyp, seq) for hyp in _hypotheses() for seq in _holes.reencodings(seg, hyp[1])]


def _best_transcode(line: str, s: int, e: int) -> _Fix | None:
    seg = line[s:e]
    if len(seg) < 2 or not _suspect(seg):
        return None
    left, right = line[max(0, s - CONTEXT) : s], line[e : e + CONTEXT]
    best: tuple[float, float, str, str, list[float], str] | None = None
    for (kind, reader, true), seq in _readings(seg):
        if seq.count(_holes.HOLE) > max(2, len(seq) // 6):
            continue
        if _holes.HOLE not in seq:
            try:
                quick = bytes(seq).decode(true)
            except UnicodeDecodeError:
                continue
            if _common_share(quick) < _common_share(seg) + 0.2:
                continue
        solved = _solve(seq, reader, true, left, right, e == len(line), before=line[:s], context=line[e:])
        if solved is None:
            continue
        if _cjkscore.to_simplified(solved.text) == _cjkscore.to_simplified(seg):
            continue
        gain = _accept(_one_per_char(seg), _one_per_char(solved.doubted or solved.text), left, right)
        if gain is None:
            continue
        # readings are ranked by what they read, not by what they write: a reading unsure of one
        # character (written as U+FFFD, which scores badly) must not lose to a worse one that is sure
        # of a wrong character (UTF-8 read by GBK: 一个 lost a byte, and GB18030's rejections leave
        # 一一 alone, surely)
        rank: float | None = gain
        if solved.doubted:
            rank = _accept(_one_per_char(seg), _one_per_char(solved.text), left, right)
        if rank is not None and (best is None or rank > best[0]):
            best = (rank, gain, kind, solved.text, solved.margins, solved.doubted)
    if best is None:
        return None
    _rank, gain, kind, after, margins, written = best
    note = f"gain {gain:.1f} nats"
    if margins:
        note += f"; {len(margins)} lost byte(s) inferred, weakest margin {min(margins):.1f}"
    conf = _margin_conf(gain, margins)
    return _Fix(
        s, e, after, kind, conf, gain, note, raw_context=True, written=written, inferred=bool(margins)
    )


def _misaligned(line: str) -> list[_Fix]:
    """Misaligned GB18030: a lead byte lost (``?``/U+FFFD) and the following text read one byte off."""
    fixes: list[_Fix] = []
    if not _suspect(line):
        return fixes
    pos = 0
    for m in _ANCHOR_RE.finditer(line):
        a = m.start()
        if a < pos:
            continue
        fix = _misaligned_at(line, a)
        if fix is not None:
            fixes.append(fix)
            pos = fix.end
    return fixes


def _misaligned_at(line: str, a: int) -> _Fix | None:
    j = a + 1
    # fullwidth punctuation may have been narrowed after the damage (NFKC / width folding)
    while j < len(line) and j - a <= 2 and line[j] in _FULLWIDTH:
        j += 1
    m = _RUN_RE.match(line, j)
    if m is None:
        return None
    end = m.end()
    if end - j < 2 or "\ufffd" in line[j : end - 1]:
        return None
    seg_variants = _width_variants(line[a + 1 : end])
    if not _suspect(line[a:end]):
        return None
    left = line[max(0, a - CONTEXT) : a]
    best: tuple[float, str, int, list[float], str] | None = None
    trail_opts = [end]
    if end < len(line) and 0x40 <= ord(line[end]) <= 0x7E:
        trail_opts.append(end + 1)  # the ASCII byte that ended the run may be the last trail byte
    for stop in trail_opts:
        right = line[stop : stop + CONTEXT]
        orig = line[a:stop]
        judged = _one_per_char(orig[1:] if orig[0] == "\ufffd" else orig)
        for seg in seg_variants:
            seq = _holes.reencode(seg + line[end:stop], "gb18030")
            if seq is None:
                continue
            for cand in _with_dropped_pair([_holes.HOLE, *seq], seg, left, right):
                solved = _solve(
                    cand,
                    "gb18030",
                    "gb18030",
                    left,
                    right,
                    stop == len(line),
                    before=line[:a],
                    context=line[stop:],
                    free=_FIRST,
                )
                if solved is None:
                    continue
                # judged as it would be written (:func:`_one_per_char`), against the text after the
                # anchor: a U+FFFD anchor stands for lost bytes in either reading (a lead byte here;
                # a whole character if the text after it is clean, as a lossy decode leaves it), and
                # its cost is no evidence for this one
                gain = _accept(judged, _one_per_char(solved.doubted or solved.text), left, right)
                if gain is not None and len(cand) > len(seq) + 1:
                    gain -= INSERT_PENALTY
                if gain is not None and (best is None or gain > best[0]):
                    best = (gain, solved.text, stop, solved.margins, solved.doubted)
    if best is None:
        return None
    gain, after, stop, margins, written = best
    note = f"gain {gain:.1f} nats; lost lead byte inferred (margin {margins[0]:.1f})"
    conf = _margin_conf(gain, margins)
    return _Fix(a, stop, after, "mojibake.misaligned-gb18030", conf, gain, note, written=written)


INSERT_PENALTY = 4.0
"""Cost (nats) of assuming that a user-defined (private-use) character was dropped after decoding."""
_USER_DEFINED = [
    bytes((lead, trail))
    for lead, trails in (
        *((lead, range(0xA1, 0xFF)) for lead in range(0xAA, 0xB0)),
        *((lead, range(0xA1, 0xFF)) for lead in range(0xF8, 0xFF)),
        *((lead, [*range(0x40, 0x7F), *range(0x80, 0xA1)]) for lead in range(0xA1, 0xA8)),
    )
    for trail in trails
]


def _with_dropped_pair(seq: list[int], seg: str, left: str, right: str) -> list[list[int]]:
    """``seq`` and, for a short run without private-use characters, ``seq`` with the most plausible
    user-defined GBK pair re-inserted (a later stage often drops the private-use character
    such a pair decodes to)."""
    out = [seq]
    if len(seg) > 12 or any(0xE000 <= ord(c) <= 0xF8FF for c in seg):
        return out
    _charge_search(seq)
    first = _holes.solve(
        seq,
        "gb18030",
        left,
        right,
        reader="gb18030",
        after=_after(right, "gb18030"),
        free=_FIRST,
        charge=_charge_candidates,
    )
    if first is None:
        return out
    lead = first.text.encode("gb18030")[:1]
    base = bytes(lead) + bytes(b for b in seq[1:] if b >= 0)
    if len(base) != len(seq):
        return out
    # every position and pair, as if each were decoded and scored (and charged so), by bounds
    found = _holes.best_insertion(
        base, _USER_DEFINED, left[-3:], right[:3], _charge, UNITS["insertion"], UNITS["model"]
    )
    if found is not None:
        pos, pair = found
        out.append([_holes.HOLE, *seq[1:pos], *pair, *seq[pos:]])
    return out


def _width_variants(seg: str) -> list[str]:
    """``seg`` and, if it starts with ASCII punctuation, the fullwidth forms of that punctuation."""
    k = 0
    while k < len(seg) and seg[k] in _FULLWIDTH:
        k += 1
    if k == 0:
        return [seg]
    return [seg, "".join(_FULLWIDTH[c] for c in seg[:k]) + seg[k:]]


# --- flags ------------------------------------------------------------------------------------------


def _flags(line: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken) and all(e <= a or s >= b for a, b, _w in found)

    for m in _GARBAGE_RE.finditer(line):
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), "U+FFFD encoded as UTF-8 and read as GBK: the bytes are lost"))
    for m in _FFFD_RUN_RE.finditer(line):
        s, e = _extend_rare(line, m.start(), m.end())
        if free(s, e):
            found.append((s, e, "replacement characters: the original bytes are lost"))
    for m in _RUN_RE.finditer(line):
        seg = m.group(0)
        if (
            len(seg) >= 4
            and free(m.start(), m.end())
            and _looks_garbled(seg)
            and not _zhuyin_reading(line, m.start(), m.end())
        ):
            found.append((m.start(), m.end(), "reads as mojibake; no codec pair explains it"))
    found.sort()
    return found


def _extend_rare(line: str, s: int, e: int) -> tuple[int, int]:
    """Widen a U+FFFD run over the neighbouring characters that are garbled too (rare or odd)."""
    common = _cjkscore.common_chars()

    def garbled(ch: str) -> bool:
        return ord(ch) >= 0x80 and ch not in common and ch not in _cjkscore.COMMON_PUNCT

    while s > 0 and (garbled(line[s - 1]) or (line[s - 1] == "\ufffd")):
        s -= 1
    while e < len(line) and (garbled(line[e]) or line[e] == "\ufffd"):
        e += 1
    return s, e


_ONE_SCRIPT_RE = re.compile(
    "[\u3131-\u318e\uac00-\ud7a3]+|[\u0400-\u052f]+|[\u0370-\u03ff]+|[\u30a1-\u30ff]+|[\u3041-\u309f\u30fc]+"
    "|[\u2190-\u21ff\u2500-\u259f]+"
)
"""A run in one writing system other than Han alone: Hangul (syllables and letters), Cyrillic, Greek,
katakana (with its middle dot and long mark), hiragana; or a drawing of box lines, blocks and arrows.
Text in another language is written in its own script throughout (``박명수의``, ``ㅋㅋ``,
``Русский``, ``キム・ジョングク``), and a chart drawn in a page (``┌───┬───┐``) in line characters
alone; a Chinese text decoded by the wrong codec scatters each pair of bytes over the other codec's
whole table, Han characters, symbols and foreign letters together (``鍥藉姟闄㈠姙鍏厖``,
``ㄠㄨㄨㄣ爛ㄨ堎``).  Bopomofo is not among them: GB18030's fullwidth digits and marks read as Big5
are Bopomofo alone (``１９９４`` -> ``ㄠㄨㄨㄣ``)."""


def _looks_garbled(seg: str) -> bool:
    """Whether the non-ASCII run ``seg``, which no codec pair repaired, reads as mojibake: enough odd
    characters (:data:`_ODD`), not all of one foreign script (:data:`_ONE_SCRIPT_RE`), and implausible
    as Chinese."""
    odd = len(_ODD_RE.findall(seg))
    if odd * 4 < len(seg) or _ONE_SCRIPT_RE.fullmatch(seg):
        return False
    _charge(UNITS["model"])
    return _cjkscore.cost_per_char(seg) > 11.0
