"""Validate records against the JSON Schemas in ``schemas/`` (draft 2020-12, formats checked).

Two validators read the same schema files (the single source of truth), for two jobs:

* the verdict comes from jsonschema-rs, a compiled validator built once per process (the pipeline
  validates every record it builds): 55-150 times faster than the pure-Python jsonschema, which
  interprets the schemas on every call (~10 ms a record, 60 ms and more for a long one);
* the messages of an invalid record come from jsonschema, as before: it descends into ``anyOf``/``if``
  failures down to each leaf that failed (``$.datePublished: 'yesterday' is not a 'date'``), where
  jsonschema-rs says only that none matched.  It is imported only when a record is invalid, so importing
  this module (every ``normalize`` run, every worker process) no longer pays its ~100 ms of start-up.

The two differ on a few strings, mostly as jsonschema-rs reads patterns as ECMA-262 regular expressions, as
JSON Schema specifies, and jsonschema with Python's ``re``.  Where jsonschema-rs rejects what jsonschema
accepts (``$`` before a final newline, a full-width digit for ``\\d``, U+FEFF for ``\\S``), the record is
invalid and, jsonschema finding nothing wrong, jsonschema-rs's own messages are reported: a record it
rejects is never reported valid.  The reverse (accepted by jsonschema-rs only: a leap second ``23:59:60``
on any day, the year 0000) cannot be seen without running
jsonschema on every record, which is what this design avoids.  tests/test_validate_equivalence.py pins
these differences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._resources import SCHEMA_BASE, SCHEMA_FILES, load_json

if TYPE_CHECKING:  # both imported on first use: see the module docstring
    import jsonschema_rs
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_MAX_MESSAGE = 200
# jsonschema's rule for writing a property as ``.name`` in a JSON path (else ``['name']``)
_PLAIN_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")


@cache
def _compiled() -> jsonschema_rs.Validator:
    """The compiled validator; the four schema files registered under their ``$id``, nothing fetched."""
    import jsonschema_rs

    registry = jsonschema_rs.Registry(
        [(SCHEMA_BASE + name, load_json(name)) for name in SCHEMA_FILES], draft=jsonschema_rs.Draft202012
    )
    return jsonschema_rs.Draft202012Validator(
        load_json("record.schema.json"), registry=registry, validate_formats=True, offline=True
    )


@cache
def _interpreted() -> Draft202012Validator:
    """jsonschema's validator, for the detailed messages of an invalid record."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = [(SCHEMA_BASE + name, Resource.from_contents(load_json(name))) for name in SCHEMA_FILES]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = load_json("record.schema.json")
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _leaf_errors(error: ValidationError) -> Iterator[ValidationError]:
    if error.context:
        for sub in error.context:
            yield from _leaf_errors(sub)
    else:
        yield error


def _line(where: str, msg: str) -> str:
    if len(msg) > _MAX_MESSAGE:
        msg = msg[:_MAX_MESSAGE] + "…"
    return f"{where}: {msg}"


def _json_path(path: Sequence[str | int]) -> str:
    """``$.author[0].name`` for a path, written as jsonschema's ``ValidationError.json_path`` writes it."""
    out = "$"
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        elif _PLAIN_NAME.match(elem):
            out += "." + elem
        else:
            out += "['" + elem.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def _detailed_messages(data: Any) -> list[str]:
    """jsonschema's leaf messages, one per distinct problem, in document order of the failing field."""
    messages: list[str] = []
    for error in sorted(_interpreted().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            line = _line(leaf.json_path, _explained(leaf))
            if line not in messages:
                messages.append(line)
    return messages


_SHOWN = 40
"""How much of a value a message quotes (the record is at hand: the message says where to look)."""


def _quoted(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")


def _explained(error: ValidationError) -> str:
    """The message of one failed rule: which rule, and where in the value it failed.

    jsonschema's own wording quotes the whole value and, for a forbidden pattern, only says that the
    value "should not be valid" under it; a user needs the rule's name (the schema's ``description``)
    and the offending line."""
    value = error.instance
    rule = error.validator
    if rule == "not" and isinstance(value, str) and isinstance(error.validator_value, dict):
        forbidden = error.validator_value
        what = str(forbidden.get("description") or "forbidden text")
        pattern = forbidden.get("pattern")
        m = re.search(pattern, value) if isinstance(pattern, str) else None
        if m is not None:
            hit = m.group().strip("\n")
            line = value.count("\n", 0, m.start() + (len(m.group()) - len(m.group().lstrip("\n")))) + 1
            return f"{what} {hit.strip()!r} at line {line} (the schema forbids /{pattern}/)"
        return f"{what}: matches {forbidden!r}"
    if rule == "pattern" and isinstance(value, str):
        allowed = re.compile(str(error.validator_value))
        bad = next((ch for ch in value if _control(ch) and not allowed.fullmatch(ch)), None)
        where = f" (control character U+{ord(bad):04X} at {value.index(bad)})" if bad else ""
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        rule_text = f"is not {str(described)[0].lower()}{str(described)[1:].rstrip('.')}" if described else ""
        return f"{_quoted(value)} {rule_text or f'does not match /{error.validator_value}/'}{where}"
    if rule == "maxLength" and isinstance(value, str):
        return f"is {len(value)} characters long, more than {error.validator_value} ({_quoted(value)})"
    message: str = error.message
    return message


def _control(ch: str) -> bool:
    return (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F


def _compiled_messages(data: Any) -> list[str]:
    """jsonschema-rs's own messages: used only where jsonschema sees nothing wrong with the record."""
    messages: list[str] = []
    for error in _compiled().iter_errors(data):
        line = _line(_json_path(error.instance_path), error.message)
        if line not in messages:
            messages.append(line)
    return messages or ["$: invalid record (the compiled validator gave no detail)"]


def validate_record(data: Any) -> list[str]:
    """Every problem with ``data`` (a record, as ``json.loads`` gives it), each naming the field; [] if valid.

    jsonschema-rs decides; jsonschema explains (see the module docstring for why, and what happens when
    they disagree).
    """
    if not isinstance(data, dict):
        return ["$: a record must be a JSON object"]
    try:
        if _compiled().is_valid(data):
            return []
    except ValueError:  # a value JSON has no type for (a date, bytes, a set): jsonschema decides alone
        return _detailed_messages(data)
    return _detailed_messages(data) or _compiled_messages(data)


def validate_file(path: Path) -> list[str]:
    """Validate one ``.jsonld`` file (or a ``.jsonl`` file of records, one per line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read: {exc}"]
    if path.suffix == ".jsonl":
        out: list[str] = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                out += [f"line {n}: {m}" for m in _validate_text(line)]
        return out
    return _validate_text(text)


def _validate_text(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc}"]
    return validate_record(data)
