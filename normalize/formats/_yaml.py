"""Front matter YAML, loaded safely and within bounds.

Front matter comes from whatever a user scraped, so it is read as data and nothing else:

* safe loading only (no ``!!python/...`` tags: they are refused by the constructor);
* aliases are allowed, but the document they expand to is measured on the node graph *before*
  anything is built from it: a "billion laughs" of 1.6 KB expands to 10⁹ nodes and is refused in
  microseconds, instead of filling the machine's memory when the values are copied;
* timestamps stay text when they are not real dates (``2021-13-45``): the format's own date parser
  then reports them, instead of YAML raising deep inside construction;
* duplicate keys are reported (YAML keeps the last one silently).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

import frontmatter as fm
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

MAX_NODES = 100_000
"""Default bound on the values a front matter may expand to (a real one has tens)."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (much faster), the pure-Python one otherwise."""


class FrontMatterError(ValueError):
    """The front matter cannot be loaded (its message says why and where)."""


class _BoundedLoader(_Loader):  # type: ignore[misc]
    duplicates: list[str]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    line = key_node.start_mark.line + 1
                    self.duplicates.append(f"{key_node.value!r} (line {line})")
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            stamp: dt.date = self.construct_yaml_timestamp(node)
        except ValueError:  # 2021-13-45 looks like a timestamp but is no date: keep the text
            return self.construct_scalar(node)
        return stamp


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedLoader.construct_lenient_timestamp)


def expanded_size(node: yaml.Node, limit: int) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (counted with memoization over
    the shared nodes, so a bomb is measured without being expanded); stops counting past ``limit``."""
    return _size(node, limit, {})


def _size(n: yaml.Node, limit: int, memo: dict[int, int]) -> int:
    """:func:`expanded_size` (``memo``: the sizes of the nodes met, by id).  A module function, not a
    closure: a closure that calls itself is a reference cycle, left to the cyclic collector."""
    key = id(n)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # a node reached again while it is being counted: a cycle, refused
    if isinstance(n, yaml.MappingNode):
        total = 1 + sum(_size(k, limit, memo) + _size(v, limit, memo) for k, v in n.value)
    elif isinstance(n, yaml.SequenceNode):
        total = 1 + sum(_size(v, limit, memo) for v in n.value)
    else:
        total = 1
    memo[key] = min(total, limit + 1)
    return memo[key]


def load(text: str, *, max_nodes: int = MAX_NODES) -> tuple[Any, list[str]]:
    """The data of one YAML document and the duplicate keys found in it.

    Raises :class:`FrontMatterError` for a document that expands past ``max_nodes`` nodes, and
    ``yaml.YAMLError`` for one that is not valid (safe) YAML."""
    loader = _BoundedLoader(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        n = expanded_size(node, max_nodes)
        if n > max_nodes:
            raise FrontMatterError(
                f"front matter expands to more than {max_nodes:,} values (YAML aliases): refused"
            )
        data = loader.construct_document(node)
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    finally:
        loader.dispose()
    return data, loader.duplicates


class _Handler(YAMLHandler):
    """python-frontmatter's YAML handler, loading through :func:`load` (safe, bounded)."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[str] = []

    def load(self, fm: str, **kwargs: object) -> Any:
        data, self.duplicates = load(fm)
        if isinstance(data, dict):
            # a key YAML reads as a number or a date (2021: ...) is still a key: python-frontmatter
            # passes the mapping as keyword arguments, which must be strings
            return {k if isinstance(k, str) else str(k): v for k, v in data.items()}
        return data if data is not None else {}


class _TomlHandler(BaseHandler):
    """TOML front matter between ``+++`` lines (Hugo), read by the standard library's ``tomllib`` (TOML
    has no aliases to expand, and a key given twice is an error of the document)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return tomllib.loads(fm)
        except tomllib.TOMLDecodeError as exc:
            raise FrontMatterError(f"invalid TOML front matter: {exc}") from exc
        except RecursionError:
            raise FrontMatterError("front matter is nested too deeply") from None


def split(text: str, *, toml: bool = False) -> tuple[fm.Post, list[str]]:
    """A front-matter document read by python-frontmatter (its metadata loaded by :func:`load`, or by
    ``tomllib`` when ``toml``: between ``+++`` lines) and the duplicate keys of its front matter.  Raises
    :class:`FrontMatterError` for front matter that is not valid YAML or TOML (saying where) or that
    :func:`load` refuses."""
    if toml:  # the front matter opens with +++
        return fm.loads(text, handler=_TomlHandler()), []
    handler = _Handler()
    try:
        post = fm.loads(text, handler=handler)
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"invalid YAML front matter: {_reason(exc)}") from exc
    return post, handler.duplicates


def _reason(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else str(problem)


VERSION = getattr(fm, "__version__", "") or "1"
"""python-frontmatter's version, as the records name it."""
