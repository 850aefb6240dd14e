"""The peer pipeline: what a user would assemble from the popular libraries instead of ``normalize``.

    python bench/peer.py PATH... -o DIR [--jobs N]

For each file: ``chardet.detect`` → decode → ``ftfy.fix_encoding`` → OpenCC ``t2s`` → for a file with
YAML front matter, the metadata through python-frontmatter and the HTML body through
``trafilatura.extract`` → ``json.dumps``, one ``.json`` file per document in DIR (the same shape of output
as ``normalize -o``).  The order of the chain is the one the speed issue states; ftfy and OpenCC run over
the whole decoded text, front matter included, as such a script would.

It is written the way a careful user would write it, not as a straw man: every library is loaded once,
the converter is built once, a file that does not decode under chardet's guess falls back to UTF-8 with
replacement characters instead of stopping the batch, and a bad document is counted and skipped.  It does
no more than that chain (no boilerplate removal in plain text, no metadata, no validation, no provenance):
it is the floor that ``normalize`` is compared against for speed, not for quality.

``--jobs N`` (N > 1) runs the same function over the files in a ``multiprocessing`` pool of N processes
(forked once each, files handed out eight at a time, each worker writing its own outputs), the way such a
script is made parallel: it tells what two processes give on the machine for a pipeline that does no more
than this, beside ``normalize --jobs 2``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import chardet
import frontmatter
import ftfy
import opencc
import trafilatura
import yaml

_T2S = opencc.OpenCC("t2s")
_SKIP_SUFFIXES = {".json", ".jsonld", ".pyc"}


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Each file under ``paths`` with the root its name is relative to, sorted; hidden files are skipped
    (as ``normalize`` skips them, so both read the same documents)."""
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if (
                    p.is_file()
                    and not any(s.startswith(".") for s in rel.parts)
                    and p.suffix not in _SKIP_SUFFIXES
                ):
                    yield p, path
        else:
            yield path, path.parent


def decode(data: bytes) -> tuple[str, str]:
    """chardet's guess, then a forgiving decode: the text and the encoding used."""
    guess = chardet.detect(data).get("encoding") or "utf-8"
    try:
        return data.decode(guess), guess
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace"), f"utf-8 (chardet said {guess})"


def convert(data: bytes, name: str) -> dict[str, Any]:
    """One document's bytes to one JSON-ready record."""
    text, encoding = decode(data)
    text = _T2S.convert(ftfy.fix_encoding(text))
    record: dict[str, Any] = {"name": name, "encoding": encoding}
    if text.lstrip("\ufeff \r\n").startswith("---"):
        try:
            post = frontmatter.loads(text.lstrip("\ufeff"))
        except yaml.YAMLError:
            post = None
        if post is not None and post.metadata:
            record.update({k: _plain(v) for k, v in post.metadata.items()})
            record["format"] = "frontmatter"
            body = trafilatura.extract(post.content) if post.content.strip() else None
            record["text"] = body or ""
            return record
    record["format"] = "text"
    record["text"] = text
    return record


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def run(paths: list[Path], out: Path, jobs: int = 1) -> tuple[int, int]:
    """Convert every file (in ``jobs`` processes); (documents, failures)."""
    out.mkdir(parents=True, exist_ok=True)
    work = ((path, root, out) for path, root in iter_files(paths))
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            oks = list(pool.imap_unordered(_one, work, chunksize=8))
    else:
        oks = [_one(item) for item in work]
    return len(oks), oks.count(False)


def _one(item: tuple[Path, Path, Path]) -> bool:
    """Convert one file and write its record; False (and a line on stderr) if it failed."""
    path, root, out = item
    name = path.relative_to(root).as_posix()
    try:
        record = convert(path.read_bytes(), name)
    except Exception as exc:  # a batch script goes on after a bad document, as normalize does
        print(f"peer: {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return False
    target = out / (name.rsplit(".", 1)[0] + ".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ap.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    ap.add_argument("--jobs", type=int, default=1, metavar="N", help="processes (default 1)")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    docs, failures = run(args.paths, args.output, max(1, args.jobs))
    print(f"peer: {docs} documents, {failures} failed, {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
