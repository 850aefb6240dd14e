"""Instructions the pipeline executes, counted by valgrind's callgrind: an A/B of revisions that the
machine's noise cannot blur.

    python bench/instructions.py HEAD~1 HEAD                 # the first 100 bench documents
    python bench/instructions.py c77ce08 HEAD --docs 300 --cache ~/.cache/normalize-bench
    python bench/instructions.py HEAD --files a.txt b.md     # given files instead

Wall and CPU time on a shared machine move by ±20% within minutes (bench/RESULTS.md): a change worth
5% cannot be seen by timing, however often the runs alternate.  The number of instructions a process
executes is the same in every run.  For each revision this script extracts the tree (``git archive``,
into a temporary directory; the working tree is not touched), byte-compiles it, and runs it twice under
``valgrind --tool=callgrind``: once to start and warm up (:func:`normalize._worker.warm`) and once to
also normalize the documents, in one process, each once.  The difference is the documents' own count.
The revisions run side by side, one per core: the counts do not depend on the load.

What a count does not show: time spent waiting (I/O, page faults), and the different price of
instructions (a cache miss costs more than an addition).  It suits changes to the Python code paths of
the stages.  Confirm a change that touches memory or I/O by timing it.  Under callgrind a process
runs some 40 times slower: 100 documents take about two minutes.

The documents are the first ``--docs`` files of the bench corpus (``bench/corpus.py``, seed 0, 1,000
documents; generated into ``--cache`` or a temporary directory) in their sorted order, or ``--files``.
Needs ``valgrind`` (a system package: ``apt install valgrind``); without it, the script says so and
exits 2.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")

_RUN = """
import sys
tree, listing = sys.argv[1], sys.argv[2]
sys.path.insert(0, tree)
import normalize
if not normalize.__file__.startswith(tree):
    sys.exit(f"imported {normalize.__file__}, not the tree {tree}")
from pathlib import Path
from normalize import _worker
from normalize.pipeline import Options
_worker.warm()
paths = [Path(name) for name in open(listing, encoding="utf-8").read().splitlines()]
for batch in _worker.batches(_worker.PathItem(p, p.parent) for p in paths):
    _worker.run_batch(batch, Options())
"""
"""The measured process: warm up, then normalize the listed files, each once, in batches through
:func:`normalize._worker.run_batch` as every way of running the pipeline does (the command's own
process, a pool's workers, a Dask worker)."""


@dataclass
class Count:
    rev: str
    commit: str
    warm: int
    total: int
    docs: int

    @property
    def own(self) -> int:
        return self.total - self.warm


def commit_of(rev: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"bench/instructions.py: no such revision: {rev}")
    return out.stdout.strip()


def extract(commit: str, into: Path) -> Path:
    """The tree of ``commit`` in ``into``, its modules byte-compiled (so that no run compiles them)."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "normalize", "schemas"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)  # schemas/ beside it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "normalize")], env=env, check=True)
    return into


def instructions(tree: Path, listing: Path) -> int:
    """Instructions executed by :data:`_RUN` over the files of ``listing`` with ``tree``'s package (string
    hashing fixed: a random seed changes dicts' collisions, and the count by some 0.1-0.5%)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _RUN,
            str(tree),
            str(listing),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    m = _COLLECTED.search(out.stderr)
    if out.returncode or m is None:
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench/instructions.py: the run with {tree} failed:\n{tail}")
    return int(m.group(1))


def documents(args: argparse.Namespace, work: Path) -> list[Path]:
    """``--files``, or the first ``--docs`` documents of the 1,000-document bench corpus (generated or
    reused as ``bench/pipeline.py`` does), in the order the command reads them."""
    if args.files:
        return [p.resolve() for p in args.files]
    import pipeline
    from rich.console import Console

    root = pipeline.ensure_corpus(1000, args.seed, args.cache or work / "corpora", Console(stderr=True))
    return [path for path, _ in pipeline.corpus_files(root)][: args.docs]


def measure(k: int, rev: str, commit: str, work: Path, listing: Path, empty: Path, docs: int) -> Count:
    tree = extract(commit, work / f"tree-{k}-{commit}")
    return Count(rev, commit, instructions(tree, empty), instructions(tree, listing), docs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("revs", nargs="+", help="git revisions to count (the first is the base of the ratios)")
    ap.add_argument("--docs", type=int, default=100, help="the first N bench documents (default 100)")
    ap.add_argument("--files", type=Path, nargs="+", help="count these files instead of bench documents")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--cache", type=Path, help="keep the generated corpus in DIR and reuse it")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("bench/instructions.py: valgrind is not installed (apt install valgrind)", file=sys.stderr)
        return 2
    commits = [commit_of(r) for r in args.revs]
    with tempfile.TemporaryDirectory(prefix="normalize-instr-") as tmp:
        work = Path(tmp)
        files = documents(args, work)
        listing, empty = work / "files.txt", work / "none.txt"
        listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
        empty.write_text("", encoding="utf-8")
        print(
            f"counting {len(args.revs)} revision(s) on {len(files)} documents …", file=sys.stderr, flush=True
        )
        with ThreadPoolExecutor(max_workers=max(1, min(len(commits), os.cpu_count() or 1))) as ex:
            counts = list(
                ex.map(
                    lambda k: measure(k, args.revs[k], commits[k], work, listing, empty, len(files)),
                    range(len(commits)),
                )
            )
    base = counts[0]
    print(f"\n{len(files)} documents; instructions counted by callgrind (start-up and warm-up apart)\n")
    print("| revision | commit | start-up and warm-up | documents | per document | vs first |")
    print("|---|---|---:|---:|---:|---:|")
    for c in counts:
        ratio = f"{c.own / base.own - 1:+.2%}" if c is not base and base.own else ""
        per = c.own / c.docs / 1e6 if c.docs else 0.0
        print(
            f"| {c.rev} | {c.commit} | {c.warm / 1e9:.2f} G | {c.own / 1e9:.2f} G | {per:.1f} M | {ratio} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
