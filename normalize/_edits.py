"""Apply, replay and map text edits.

Text steps produce non-overlapping edits ``(start, end, replacement)`` against
their input string.  :func:`apply_edits` applies them; :class:`OffsetMap` maps
offsets of the output back to the input, so a change made late in the pipeline
can be shown at its place in the source text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from ._document import Change


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits given in input coordinates."""
    out: list[str] = []
    pos = 0
    for start, end, repl in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError(f"overlapping edit at {start}")
        out.append(text[pos:start])
        out.append(repl)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def edited_around(text: str, edits: Iterable[tuple[int, int, str]], start: int, end: int) -> tuple[str, str]:
    """``text[:start]`` and ``text[end:]`` with the non-overlapping ``edits`` (input coordinates) that lie
    wholly on either side applied: the neighbourhood of a span as edited, for judging the span in it."""
    before: list[str] = []
    after: list[str] = []
    pos = 0
    rest = []
    for s, e, repl in sorted(edits, key=lambda x: (x[0], x[1])):
        if e <= start:
            before += [text[pos:s], repl]
            pos = e
        elif s >= end:
            rest.append((s, e, repl))
    before.append(text[pos:start])
    pos = end
    for s, e, repl in rest:
        after += [text[pos:s], repl]
        pos = e
    after.append(text[pos:])
    return "".join(before), "".join(after)


def common_ends(a: str, b: str) -> tuple[int, int]:
    """(length of the common prefix, length of the common suffix not overlapping it) of two strings:
    the region ``a[p : len(a) - q]`` -> ``b[p : len(b) - q]`` is what changed."""
    p = 0
    n = min(len(a), len(b))
    while p < n and a[p] == b[p]:
        p += 1
    q = 0
    while q < n - p and a[-1 - q] == b[-1 - q]:
        q += 1
    return p, q


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """Apply the applied changes of one step (all in the same input coordinates)."""
    return apply_edits(text, [(c.start, c.end, c.after) for c in changes if c.applied])


def replay(text: str, changes: Sequence[Change], target: str) -> str:
    """Replay every applied change of ``target`` step by step, from ``text``.

    Consecutive changes with the same ``step`` form one step.
    """
    for _step, group in _steps([c for c in changes if c.target == target]):
        text = apply_changes(text, group)
    return text


def _steps(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    out: list[tuple[str, list[Change]]] = []
    for c in changes:
        if out and out[-1][0] == c.step:
            out[-1][1].append(c)
        else:
            out.append((c.step, [c]))
    return out


class OffsetMap:
    """Maps offsets in an edited text back to offsets in the text before the edits."""

    def __init__(self, edits: Iterable[tuple[int, int, str]]) -> None:
        self._new_starts: list[int] = []
        self._rows: list[tuple[int, int, int, int]] = []  # new_start, new_end, old_start, old_end
        shift = 0
        for start, end, repl in sorted(edits, key=lambda e: (e[0], e[1])):
            new_start = start + shift
            new_end = new_start + len(repl)
            self._new_starts.append(new_start)
            self._rows.append((new_start, new_end, start, end))
            shift += len(repl) - (end - start)

    def to_old(self, offset: int) -> int:
        i = bisect_right(self._new_starts, offset) - 1
        if i < 0:
            return offset
        new_start, new_end, old_start, old_end = self._rows[i]
        if offset < new_end:  # inside a replacement: map to its start
            return old_start
        if offset == new_end and new_end == new_start:
            return old_end
        return old_end + (offset - new_end)


def map_to_origin(changes: Sequence[Change], target: str) -> list[tuple[Change, int, int]]:
    """Each change of ``target`` with its span mapped into the target's original text."""
    steps = _steps([c for c in changes if c.target == target])
    maps: list[OffsetMap] = []
    out: list[tuple[Change, int, int]] = []
    for _step, group in steps:
        for c in group:
            s, e = c.start, c.end
            for m in reversed(maps):
                s, e = m.to_old(s), m.to_old(e)
            out.append((c, s, max(s, e)))
        maps.append(OffsetMap([(c.start, c.end, c.after) for c in group if c.applied]))
    return out


def undo(final: str, changes: Sequence[Change], target: str) -> str:
    """The text of ``target`` before any of ``changes``, rebuilt from its final form.

    The inverse of :func:`replay`: each applied change is undone, last step first.
    """
    text = final
    for _step, group in reversed(_steps([c for c in changes if c.target == target])):
        edits = []
        shift = 0
        for c in sorted((c for c in group if c.applied), key=lambda c: (c.start, c.end)):
            new_start = c.start + shift
            edits.append((new_start, new_start + len(c.after), c.before))
            shift += len(c.after) - (c.end - c.start)
        text = apply_edits(text, edits)
    return text
