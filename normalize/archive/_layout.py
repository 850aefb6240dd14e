"""The storage layout: OCFL extension 0003 (hash-and-id n-tuple), sha256, tupleSize 3, numberOfTuples 1.

An object with id ``urn:normalize:path:a/b.txt`` lives at
``<root>/<first 3 hex of sha256(id)>/urn%3anormalize%3apath%3aa%2fb%2etxt``: 4,096 buckets, and the last
directory is the id itself (percent-encoded as the extension specifies), so the tree stays browsable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXTENSION = "0003-hash-and-id-n-tuple-storage-layout"
DESCRIPTION = (
    "OCFL object identifiers are hashed and encoded as lowercase hex strings. These digests are then "
    "divided into N n-tuple segments, which are used to create nested paths under the OCFL storage root. "
    "Finally, the OCFL object identifier is percent-encoded to create a directory name for the OCFL object "
    "root."
)
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class Layout:
    """Parameters of the 0003 layout (as stored in ``extensions/<EXTENSION>/config.json``)."""

    digest_algorithm: str = "sha256"
    tuple_size: int = 3
    number_of_tuples: int = 1

    def config(self) -> dict[str, Any]:
        """The extension's ``config.json`` content."""
        return {
            "extensionName": EXTENSION,
            "digestAlgorithm": self.digest_algorithm,
            "tupleSize": self.tuple_size,
            "numberOfTuples": self.number_of_tuples,
        }

    @classmethod
    def from_config(cls, data: dict[str, Any]) -> Layout:
        """Read a ``config.json``; missing keys take the extension's defaults (sha256, 3, 3)."""
        return cls(
            digest_algorithm=str(data.get("digestAlgorithm", "sha256")),
            tuple_size=int(data.get("tupleSize", 3)),
            number_of_tuples=int(data.get("numberOfTuples", 3)),
        )

    @classmethod
    def load(cls, root: Path) -> Layout:
        """The layout a storage root declares (defaults when the config file is absent)."""
        cfg = root / "extensions" / EXTENSION / "config.json"
        try:
            data = json.loads(cfg.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(number_of_tuples=3)
        if not isinstance(data, dict):
            raise ValueError(f"{cfg}: not a JSON object")
        return cls.from_config(data)

    def object_path(self, object_id: str) -> str:
        """The object root of ``object_id``, relative to the storage root (POSIX)."""
        digest = hashlib.new(self.digest_algorithm, object_id.encode("utf-8")).hexdigest()
        parts = [
            digest[i * self.tuple_size : (i + 1) * self.tuple_size] for i in range(self.number_of_tuples)
        ]
        parts.append(encapsulation_dir(object_id, digest))
        return "/".join(parts)


def percent_encode(object_id: str) -> str:
    """Percent-encode every character except ``[A-Za-z0-9_-]`` (lowercase hex of the UTF-8 bytes)."""
    out: list[str] = []
    for ch in object_id:
        if ch in _SAFE:
            out.append(ch)
        else:
            out.extend(f"%{b:02x}" for b in ch.encode("utf-8"))
    return "".join(out)


def encapsulation_dir(object_id: str, digest: str) -> str:
    """The object directory name: the encoded id, truncated to 100 characters plus ``-<digest>`` if longer."""
    encoded = percent_encode(object_id)
    return f"{encoded[:100]}-{digest}" if len(encoded) > 100 else encoded
