"""Validate records against the JSON Schemas in ``schemas/`` (draft 2020-12, formats checked)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from ._resources import SCHEMA_BASE, SCHEMA_FILES, load_json


@cache
def _validator() -> Draft202012Validator:
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


def validate_record(data: Any) -> list[str]:
    """Every problem with ``data`` as a record, each naming the field; empty when valid."""
    if not isinstance(data, dict):
        return ["$: a record must be a JSON object"]
    messages: list[str] = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            where = leaf.json_path
            msg = leaf.message
            if len(msg) > 200:
                msg = msg[:200] + "…"
            line = f"{where}: {msg}"
            if line not in messages:
                messages.append(line)
    return messages


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
