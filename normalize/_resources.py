"""Where the JSON Schemas and the JSON-LD context live (``schemas/`` in the repo)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
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
    here = Path(__file__).resolve().parent.parent / "schemas"
    if (here / "record.schema.json").is_file():
        return here
    installed = Path(str(resources.files("normalize._schemas")))
    return installed


@cache
def load_json(name: str) -> Any:
    return json.loads((schema_dir() / name).read_text(encoding="utf-8"))


def context() -> dict[str, Any]:
    doc: dict[str, Any] = load_json("context.jsonld")
    return doc
