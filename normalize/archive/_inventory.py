"""OCFL 1.1 inventories: build, serialize, parse, and check their sidecars.

Inventories use sha512 digests (the OCFL recommendation) and carry sha256 in the ``fixity`` block, because
records cite the sha256 of their source.  The inventory is the only place for version metadata (``created``,
``message``, ``user``): records and provenance files hold no timestamps, so identical input gives identical
content.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
OBJECT_NAMASTE = "0=ocfl_object_1.1"
OBJECT_NAMASTE_TEXT = "ocfl_object_1.1\n"
ROOT_NAMASTE = "0=ocfl_1.1"
ROOT_NAMASTE_TEXT = "ocfl_1.1\n"
DIGEST = "sha512"
FIXITY = "sha256"


class InventoryError(ValueError):
    """An inventory that cannot be read or does not match its sidecar."""


def vname(n: int) -> str:
    """Version directory name ``vN`` (no zero padding)."""
    return f"v{n}"


def vnum(name: str) -> int:
    """The number of a version name: ``v3`` → 3, ``3`` → 3.  Raises ValueError otherwise."""
    text = name[1:] if name[:1] in ("v", "V") else name
    if not text.isdigit() or text.startswith("0"):
        raise ValueError(f"not a version: {name!r} (use v1, v2, …)")
    return int(text)


def now() -> str:
    """The current time as RFC 3339 UTC, to the second (``2024-01-02T03:04:05Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Version:
    """One version block of an inventory."""

    number: int
    created: str
    message: str
    user: dict[str, str]
    state: dict[str, str]
    """Logical path → sha512 digest."""


class Inventory:
    """An OCFL inventory (a thin wrapper over its JSON dict)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def new(cls, object_id: str) -> Inventory:
        """An empty inventory for a new object (no versions yet)."""
        return cls(
            {
                "id": object_id,
                "type": INVENTORY_TYPE,
                "digestAlgorithm": DIGEST,
                "head": "v0",
                "manifest": {},
                "versions": {},
                "fixity": {FIXITY: {}},
            }
        )

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def head(self) -> int:
        """The head version number (0 for an inventory with no versions yet)."""
        return vnum(str(self.data["head"])) if self.data["versions"] else 0

    def version(self, n: int) -> Version:
        """Version ``n``; raises KeyError when it does not exist."""
        block = self.data["versions"][vname(n)]
        state: dict[str, str] = {}
        for digest, paths in block["state"].items():
            for p in paths:
                state[p] = digest
        return Version(
            number=n,
            created=str(block.get("created", "")),
            message=str(block.get("message", "")),
            user=dict(block.get("user", {})),
            state=state,
        )

    def versions(self) -> list[Version]:
        """All versions, oldest first."""
        return [self.version(n) for n in range(1, self.head + 1)]

    def content_path(self, digest: str) -> str:
        """The first content path holding ``digest``."""
        return str(self.data["manifest"][digest][0])

    def has_digest(self, digest: str) -> bool:
        return digest in self.data["manifest"]

    def add_version(
        self,
        state: dict[str, str],
        new_content: dict[str, tuple[str, str]],
        *,
        message: str,
        user: dict[str, str],
        created: str | None = None,
    ) -> Inventory:
        """A copy with one more version.

        ``state`` maps logical path → sha512; ``new_content`` maps sha512 → (content path, sha256) for the
        content this version adds (digests not yet in the manifest).
        """
        data = copy.deepcopy(self.data)
        for digest, (cpath, sha256) in new_content.items():
            data["manifest"].setdefault(digest, []).append(cpath)
            data.setdefault("fixity", {}).setdefault(FIXITY, {}).setdefault(sha256, []).append(cpath)
        by_digest: dict[str, list[str]] = {}
        for lpath in sorted(state):
            by_digest.setdefault(state[lpath], []).append(lpath)
        n = self.head + 1
        data["versions"][vname(n)] = {
            "created": created or now(),
            "message": message,
            "user": user,
            "state": by_digest,
        }
        data["head"] = vname(n)
        return Inventory(data)

    def to_bytes(self) -> bytes:
        """The serialized inventory (UTF-8 JSON, sorted keys, 1-space indent, trailing newline)."""
        return (json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Inventory:
        """Parse inventory bytes; raises :class:`InventoryError` if not a JSON object with versions."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InventoryError(f"inventory is not JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
            raise InventoryError("inventory is not an OCFL inventory object")
        return cls(data)


def sidecar_bytes(inventory_bytes: bytes) -> bytes:
    """The ``inventory.json.sha512`` content for these inventory bytes."""
    return f"{hashlib.sha512(inventory_bytes).hexdigest()} inventory.json\n".encode("ascii")


def sidecar_matches(inventory_bytes: bytes, sidecar: bytes) -> bool:
    """True when ``sidecar`` holds the sha512 of ``inventory_bytes``."""
    parts = sidecar.decode("ascii", "replace").split()
    return bool(parts) and parts[0].lower() == hashlib.sha512(inventory_bytes).hexdigest()
