"""Which files of a folder are inputs: ``--include`` / ``--exclude`` glob patterns.

The conventions are ruff's and black's, with globs (as ruff's ``exclude``) rather than regular
expressions (as black's):

* A pattern without a ``/`` matches a name at any depth: ``*.json`` any JSON file, ``drafts`` any
  file or folder called ``drafts``.
* A pattern with a ``/`` matches the path relative to the input folder given, from its start:
  ``2019/*.html`` the HTML files directly in ``2019/``; ``**`` stands for any number of folders
  (``**/raw/*.txt``); a trailing ``/`` matches folders only.
* ``*`` and ``?`` never cross a ``/``; ``[abc]`` and ``[!abc]`` are character classes.
* Exclusion is decided first: an excluded folder is not walked at all.  Then, when any ``--include``
  is given, a file is an input only if it matches one of them.
* A file named on the command line is read whatever the patterns say (black's rule: the user chose
  it); the patterns choose among the files found by walking a folder.

Patterns are compiled once, to one regular expression per kind; a :class:`Selection` is a small
frozen value, pickled as it is to pool workers and Dask tasks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["ALL", "Selection"]


def _translate(pattern: str) -> str:
    """The regular expression (without anchors) for one glob ``pattern`` over a relative POSIX path."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:  # an unclosed bracket is a literal one
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("(?!/)[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(anchored path patterns, name patterns) as two alternations; None where there are none."""
    anchored: list[str] = []
    names: list[str] = []
    for raw in patterns:
        p = raw.strip()
        dirs_only = p.endswith("/")
        p = p.strip("/")
        if not p:
            continue
        rx = _translate(p) + ("/" if dirs_only else "/?")
        (anchored if "/" in p else names).append(rx)
    a = re.compile("(?:" + "|".join(anchored) + r")\Z") if anchored else None
    m = re.compile("(?:" + "|".join(names) + r")\Z") if names else None
    return a, m


def _split(values: Iterable[str]) -> tuple[str, ...]:
    """Patterns from repeated options, each possibly a comma-separated list (as ruff's)."""
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


@dataclass(frozen=True)
class Selection:
    """``include`` / ``exclude`` glob patterns (see the module docstring); empty ones select all."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _inc: tuple[re.Pattern[str] | None, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)
    _exc: tuple[re.Pattern[str] | None, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "include", _split(self.include))
        object.__setattr__(self, "exclude", _split(self.exclude))
        for p in self.include + self.exclude:
            try:
                re.compile(_translate(p.strip("/")))
            except re.error as exc:
                raise ValueError(f"bad glob pattern {p!r}: {exc}") from None
        object.__setattr__(self, "_inc", _compile(self.include))
        object.__setattr__(self, "_exc", _compile(self.exclude))

    def __reduce__(self) -> tuple[type[Selection], tuple[tuple[str, ...], tuple[str, ...]]]:
        return (Selection, (self.include, self.exclude))

    @property
    def everything(self) -> bool:
        return not self.include and not self.exclude

    def excludes_dir(self, rel: str) -> bool:
        """Whether the folder at ``rel`` (relative to the input folder, POSIX) is not walked."""
        return _matches(self._exc, rel + "/")

    def wants(self, rel: str) -> bool:
        """Whether the file at ``rel`` (relative to the input folder, POSIX) is an input.  Its
        folders are checked too (a file found by listing a whole tree, as fsspec does)."""
        parts = rel.split("/")
        return not any(self.excludes_dir("/".join(parts[:i])) for i in range(1, len(parts))) and (
            self.wants_file(rel)
        )

    def wants_file(self, rel: str) -> bool:
        """:meth:`wants`, its folders taken as already walked (not excluded)."""
        if _matches(self._exc, rel):
            return False
        return not self.include or _matches(self._inc, rel)


def _matches(compiled: tuple[re.Pattern[str] | None, re.Pattern[str] | None], rel: str) -> bool:
    anchored, names = compiled
    if anchored is not None and anchored.match(rel):
        return True
    if names is None:
        return False
    name = rel.rstrip("/").rsplit("/", 1)[-1] + ("/" if rel.endswith("/") else "")
    return names.match(name) is not None


ALL = Selection()
"""Every file (no patterns)."""
