"""Object ids: stable ASCII URIs derived from the document.

An id is ``urn:normalize:<kind>:<value>`` when the value is short and made only of ``[A-Za-z0-9._-/]``
with no segment starting with a dot (so the object directory name stays readable and ≤ 100 characters
once percent-encoded, and an id never reads as a relative path such as ``a/../../b``), and
``urn:normalize:<kind>-sha256:<first 32 hex digits of sha256(value)>`` otherwise (any non-ASCII path, any
URL).  The two forms cannot collide: the hashed form's kind ends in ``-sha256``.

Kinds (the ``key`` argument of :meth:`Archive.ingest`):

* ``path`` (default): the source path relative to the ingest root, POSIX separators.
* ``url``: the document's URL (``fields["url"]``), stripped of surrounding white space.
* ``field:NAME``: the front-matter field ``NAME`` (``fields[NAME]``), as a string.

The same value always yields the same id, on every machine and run; distinct values yield distinct ids.
Two *inputs* with the same value (the same relative path under two input folders, or the same url in
two documents) would share an object: the command refuses that (``normalize.cli.run``), it never lets
one overwrite the other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ._layout import percent_encode

PREFIX = "urn:normalize:"
_READABLE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
_FIELD = re.compile(r"[A-Za-z0-9_.-]+")
MAX_ENCODED = 100


class KeyError_(ValueError):
    """The document has no value for the requested id key."""


def make_id(kind: str, value: str) -> str:
    """The object id for a key ``kind`` (``path``, ``url``, ``field-NAME``) and its ``value``."""
    if _READABLE.fullmatch(value):
        candidate = f"{PREFIX}{kind}:{value}"
        if len(percent_encode(candidate)) <= MAX_ENCODED:
            return candidate
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"{PREFIX}{kind}-sha256:{digest}"


def derive_id(key: str, name: str, fields: Mapping[str, Any]) -> str:
    """The object id of a document by ``key`` (``path``, ``url`` or ``field:NAME``).

    ``name`` is the source path relative to the ingest root; ``fields`` the document-level fields.
    Raises :class:`ValueError` for an unknown key or a document without the keyed value.
    """
    if key == "path":
        value = name.replace("\\", "/").strip("/")
        if not value:
            raise KeyError_("empty source path")
        return make_id("path", value)
    if key == "url":
        url = fields.get("url")
        if not isinstance(url, str) or not url.strip():
            raise KeyError_("no url in the document (needed for --key url)")
        return make_id("url", url.strip())
    if key.startswith("field:"):
        field = key.removeprefix("field:")
        if not _FIELD.fullmatch(field):
            raise ValueError(f"bad field name in key {key!r}")
        raw = fields.get(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise KeyError_(f"no front-matter field {field!r} in the document (needed for --key {key})")
        return make_id(f"field-{field.lower()}", str(raw).strip())
    raise ValueError(f"unknown id key {key!r} (use path, url or field:NAME)")
