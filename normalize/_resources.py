"""Where the JSON Schemas and the JSON-LD context live (``schemas/`` in the repo)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTEXT_URL = "https://w3id.org/normalize/context/v1.jsonld"
SCHEMA_BASE = "https://w3id.org/normalize/schemas/"
SCHEMA_FILES = (
    "defs.schema.json",
    "news-article.schema.json",
    "legislation.schema.json",
    "record.schema.json",
)


@cache
def schema_dir() -> Path:
    """The schemas folder: the checkout's ``schemas/`` or the installed copy."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "schemas", package / "_schemas"):  # checkout, then installed copy
        if (candidate / "record.schema.json").is_file():
            return candidate
    raise FileNotFoundError(f"normalize's schemas are missing (looked in {package.parent / 'schemas'})")


@cache
def load_json(name: str) -> Any:
    return json.loads((schema_dir() / name).read_text(encoding="utf-8"))


def context() -> dict[str, Any]:
    doc: dict[str, Any] = load_json("context.jsonld")
    return doc


@cache
def installed_version(name: str) -> str:
    """The installed version of the package ``name``, or "" when it is not installed.  Asked once per
    process: a lookup scans the installed distributions (0.2-0.3 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""
