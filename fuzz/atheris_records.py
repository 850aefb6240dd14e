"""Coverage-guided fuzzing of bytes -> records with atheris (libFuzzer), ``nox -s atheris``.

Why besides the hypothesis properties (tests/test_hostile_fuzz.py): those draw documents from
grammars written by hand; libFuzzer mutates real documents (the seeds, the test data) byte by byte
and keeps whatever reaches new code, so it finds the inputs nobody thought to write.

Each input goes through :func:`normalize.process_bytes` under the watchdog (the CLI's per-document
limits, tighter here: inputs are at most ``-max_len`` bytes) and must keep the properties of
tests/test_hostile_fuzz.py: no exception escapes, no ``internal error``, every record validates or
is quarantined with its reasons, canonical bytes are stable.  A small input that hits the time limit
is a finding too (a superlinear path).

Unlike plain libFuzzer, a finding does not stop the run: each distinct one (by the place it happens)
is written once to ``--findings DIR`` (default ``fuzz/findings/``) with the input that shows it, and
the run goes on, so one long run lists every distinct bug.  ``--strict`` stops at the first one
instead (libFuzzer then saves the input as ``crash-*``).  Known bugs of tests/test_hostile_fuzz.py
(``KNOWN_BUGS``) are counted, not reported again.

    python fuzz/atheris_records.py [--findings DIR] [--strict] [libFuzzer options] [CORPUS_DIR ...]

e.g. ``python fuzz/atheris_records.py -atheris_runs=1000000 -max_len=4096 fuzz/corpus``.  At the
end (and every 100,000 inputs) it prints the inputs run, executions per second and what it found.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import atheris  # type: ignore[import-untyped]

UNINSTRUMENTED = [
    f"normalize.encoding.{m}" for m in ("_holes", "_incremental", "_cjkscore", "_bigram", "_context")
]
"""The lost-byte search and its models: arithmetic over tables, where new inputs find no new branches
worth keeping but instrumentation costs the most (most mutated inputs look damaged and are searched)."""

with atheris.instrument_imports(include=["normalize"], exclude=UNINSTRUMENTED):
    import pkgutil

    import normalize.formats
    from normalize import _watchdog
    from normalize._canonical import canonical_bytes
    from normalize._limits import Limits
    from normalize.pipeline import Options, process_bytes
    from normalize.validate import validate_record

    # the format plug-ins are imported when first used: import them here, or they are not instrumented
    for _mod in pkgutil.iter_modules(normalize.formats.__path__):
        importlib.import_module(f"normalize.formats.{_mod.name}")

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "test_hostile_fuzz", HERE.parent / "tests" / "test_hostile_fuzz.py"
)
assert _spec is not None and _spec.loader is not None
_properties = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_properties)
KNOWN_BUGS: dict[str, tuple[str, ...]] = _properties.KNOWN_BUGS
known_bug: Callable[[str], str | None] = _properties.known_bug

LIMITS = Limits(
    repair_budget=5_000, line_chars=20_000, html_chars=200_000, cpu_seconds=10.0, memory_bytes=1 << 30
)
"""The command's limits, scaled to inputs of a few KB (a 4 KB input taking 10 s is a finding); the
mojibake budget is lower, as most mutated inputs look damaged and the search is the slowest stage."""
SHORT_BUDGET = 1_000
"""Seven inputs in eight get this mojibake budget instead: the search is stopped early and what is
left flagged, which is a path of its own, and the run is 2-3x faster (the search is most of the cost
of a mutated input; its modules are not instrumented anyway).  One in eight searches deeper."""
_SHORT = dataclasses.replace(LIMITS, repair_budget=SHORT_BUDGET)
OPTIONS = [
    Options(format=f, limits=limits)
    for limits in (LIMITS, _SHORT)
    for f in (None, "frontmatter", "plaintext", "policy", "html")
]

findings_dir = HERE / "findings"
strict = False
stats: Counter[str] = Counter()
seen: set[str] = set()
start = time.monotonic()


class Finding(Exception):
    """A property broken (only raised with --strict)."""


def _signature(kind: str, trace: str) -> str:
    """Where it happened: the kind and the last frame inside normalize/ (the line, not the input)."""
    frames = [
        ln.strip() for ln in trace.splitlines() if "/normalize/" in ln and ln.strip().startswith("File")
    ]
    return f"{kind}: {frames[-1] if frames else trace.strip().splitlines()[-1] if trace.strip() else '?'}"


def _found(kind: str, detail: str, trace: str, data: bytes) -> None:
    known = known_bug(trace)
    if known:
        stats[f"known: {known}"] += 1
        return
    sig = _signature(kind, trace or detail)
    stats[f"finding: {kind}"] += 1
    if sig in seen:
        return
    seen.add(sig)
    findings_dir.mkdir(parents=True, exist_ok=True)
    stem = hashlib.sha256(sig.encode()).hexdigest()[:12]
    (findings_dir / f"{stem}.input").write_bytes(data)
    entry = {"kind": kind, "signature": sig, "detail": detail[:2000], "traceback": trace[-4000:]}
    (findings_dir / f"{stem}.json").write_text(
        json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"\n#### NEW FINDING {stem}: {sig}\n{detail[:300]}", file=sys.stderr, flush=True)
    if strict:
        raise Finding(sig)


def _options(data: bytes) -> Options:
    """The format forced (or sniffed) by the last byte, the budget by the one before it."""
    if not data:
        return OPTIONS[0]
    deep = len(data) > 1 and data[-2] % 8 == 0
    return OPTIONS[(0 if deep else 5) + data[-1] % 5]


def test_one_input(data: bytes) -> None:
    stats["inputs"] += 1
    options = _options(data)
    try:
        with _watchdog.guard(options.limits):
            result = process_bytes(data, "fuzz.txt", options)
    except BaseException as exc:  # nothing may escape process_bytes
        if isinstance(exc, KeyboardInterrupt):
            raise
        _found("escaped", f"{type(exc).__name__}: {exc}", traceback.format_exc(), data)
        return
    stats[result.outcome] += 1
    if result.limit:
        stats[f"limit: {result.limit}"] += 1
        if result.limit == "cpu_seconds":
            _found("slow", f"{len(data)} bytes took more than {LIMITS.cpu_seconds} s of CPU", "", data)
    if result.error and result.error.startswith("internal error"):
        _found("internal error", result.error, result.traceback or "", data)
    for rec in result.records:
        problems = validate_record(rec.data)
        if problems or rec.errors:
            _found("invalid record passed as valid", "; ".join(problems), "", data)
        if canonical_bytes(json.loads(rec.bytes)) != rec.bytes:
            _found("canonical bytes unstable", rec.id, "", data)
    for rec in result.quarantined:
        stats["quarantined"] += 1
        if not rec.errors:
            _found("quarantined without a reason", rec.id, "", data)
    if stats["inputs"] % 100_000 == 0:
        report()


def report() -> None:
    elapsed = time.monotonic() - start
    n = stats["inputs"]
    print(
        f"\n#### {n:,} inputs in {elapsed:,.0f} s ({n / max(elapsed, 1e-9):,.1f} exec/s); "
        + json.dumps(dict(sorted(stats.items())), ensure_ascii=False),
        file=sys.stderr,
        flush=True,
    )


def seed_corpus(where: Path) -> Path:
    """``where``, first filled (when empty) with the small documents of the repository: the seeds and
    the test data, which libFuzzer mutates from."""
    where.mkdir(parents=True, exist_ok=True)
    if not any(where.iterdir()):
        repo = HERE.parent
        for folder in ("seeds", "tests/data/news", "tests/data/policy", "tests/data/hostile"):
            for path in sorted((repo / folder).glob("*")):
                if path.is_file() and path.stat().st_size <= 64 * 1024 and path.suffix != ".py":
                    data = path.read_bytes()
                    (where / hashlib.sha1(data).hexdigest()).write_bytes(data)
    return where


def main(argv: list[str]) -> None:
    global findings_dir, strict
    args = [argv[0]]
    it = iter(argv[1:])
    for arg in it:
        if arg == "--strict":
            strict = True
        elif arg == "--findings":
            findings_dir = Path(next(it))
        elif arg.startswith("--findings="):
            findings_dir = Path(arg.split("=", 1)[1])
        else:
            args.append(arg)
    if not any(not a.startswith("-") for a in args[1:]):  # no corpus folder given: the default one
        args.append(str(seed_corpus(HERE / "corpus")))
    if not any(a.startswith("-artifact_prefix=") for a in args):  # libFuzzer's crash-*, slow-unit-*
        findings_dir.mkdir(parents=True, exist_ok=True)
        args.insert(1, f"-artifact_prefix={findings_dir}/")
    print(f"known bugs set aside: {', '.join(KNOWN_BUGS)}", file=sys.stderr)
    import atexit

    atexit.register(report)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    main(sys.argv)
