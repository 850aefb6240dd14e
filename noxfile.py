"""Developer tasks: ``nox -s tests lint typecheck`` (CI), ``nox -s eval``, ``nox -s bench``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (uses ../shared/external when present, skips those tests cleanly otherwise).
    The dask extra is installed so that the cluster tests run (tests/test_dask.py)."""
    session.install("-e", ".[test,dask]")
    session.run("pytest", "-n", "2", "-q", *session.posargs)
    if session.posargs:
        return
    # What `pip install .` gives users: the hot modules compiled by mypyc (setup.py).  Its records must be
    # the source's, byte for byte; where this machine can compile, the build must not have fallen back.
    session.install("--no-deps", "--force-reinstall", ".")
    expect = "1" if _can_compile(session) else "0"
    env = {"NORMALIZE_EXPECT_COMPILED": expect}
    session.run("pytest", "-q", "-p", "no:cacheprovider", "tests/test_compiled.py", env=env)


def _can_compile(session: nox.Session) -> bool:
    """A C compiler and the session's Python headers: what setup.py's compiled build needs."""
    import shutil

    code = "import os, sysconfig as s; print(os.path.isfile(s.get_paths()['include'] + '/Python.h'))"
    headers = session.run("python", "-c", code, silent=True)
    return bool(shutil.which("cc") or shutil.which("gcc")) and str(headers).strip() == "True"


@nox.session(python=PYTHON)
def soak(session: nox.Session) -> None:
    """The whole suite again and again on unchanged code (default 30 times), stopping at the first
    failure: a check for tests that fail at random.  ``nox -s soak -- 10`` for ten runs; further
    arguments go to pytest.  Prints each run's result and time."""
    import time

    session.install("-e", ".[test,dask]")
    args = list(session.posargs)
    runs = int(args.pop(0)) if args and args[0].isdigit() else 30
    for n in range(1, runs + 1):
        start = time.monotonic()
        session.run("pytest", "-n", "2", "-q", "-p", "no:cacheprovider", *args)
        session.log(f"run {n}/{runs} passed in {time.monotonic() - start:.0f} s")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[dev,test,dask]")
    session.run("mypy")


@nox.session(python=PYTHON)
def eval(session: nox.Session) -> None:
    """Accuracy harnesses: encoding detection/repair vs peers, policy metadata on real gov.cn documents,
    main text/dates/authors of web pages vs peers (with a sweep of every file of ../shared/external for
    records holding markup)."""
    session.install("-e", ".[eval]")
    for script in ("eval/encoding.py", "eval/policy.py"):
        session.run("python", script, *session.posargs)
    session.run("python", "eval/extraction.py", "--sweep", *session.posargs)


@nox.session(python=PYTHON)
def mutation(session: nox.Session) -> None:
    """Mutation testing, not in CI: mutmut over normalize/text/, encoding/_mojibake.py, archive/_writer.py.

    Targets and the test files run against them: ``[tool.mutmut]`` in pyproject.toml.  Arguments narrow the
    run to mutant names, e.g. ``nox -s mutation -- "normalize.archive._writer*"``.  Results are kept in
    ``mutants/`` (git-ignored; delete it for a fresh run): see ``mutmut results`` / ``mutmut show NAME``.
    """
    session.install("-e", ".[test]", "mutmut==3.8.1")
    session.run("mutmut", "run", "--max-children", "2", *session.posargs)
    # the score (killed / survived / timeout / total) goes to mutants/mutmut-cicd-stats.json
    session.run("mutmut", "export-cicd-stats")
    session.run("python", "-c", "print(open('mutants/mutmut-cicd-stats.json').read())")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Throughput against the peer pipeline on a generated corpus, then the archive benchmark (tables).

    Arguments are routed: ``--sizes`` goes to both scripts; ``--no-fsync``, ``--dir``, ``--keep`` to
    bench/archive.py; the rest (``--quick``, ``--repeat``, ``--cache``, ``--out`` …) to bench/pipeline.py.
    ``--quick`` also limits the archive benchmark to 1,000 documents.
    """
    session.install(".[eval,dask]")  # not editable: the compiled build users get from `pip install .`
    pipeline_args: list[str] = []
    archive_args: list[str] = []
    args = iter(session.posargs)
    for arg in args:
        name = arg.split("=", 1)[0]
        takes_value = "=" not in arg and name in ("--sizes", "--dir")
        given = [arg, next(args)] if takes_value else [arg]
        if name == "--sizes":
            pipeline_args += given
            archive_args += given
        elif name in ("--no-fsync", "--dir", "--keep"):
            archive_args += given
        else:
            pipeline_args += given
    if "--quick" in pipeline_args and not any(a.startswith("--sizes") for a in archive_args):
        archive_args += ["--sizes", "1000"]
    session.run("python", "bench/pipeline.py", *pipeline_args)
    session.run("python", "bench/archive.py", *archive_args)
    quick = ["--docs", "100", "--repeat", "1"] if "--quick" in pipeline_args else []
    session.run("python", "bench/dask.py", *quick)


@nox.session(python=PYTHON)
def atheris(session: nox.Session) -> None:
    """Coverage-guided fuzzing of bytes -> records with atheris (fuzz/atheris_records.py), not in CI.

    Mutates the seeds and the test data (copied into fuzz/corpus/, which grows with what reaches new
    code); each distinct finding is written once to fuzz/findings/ and the run goes on.  Arguments go
    to the harness and libFuzzer, default ``-atheris_runs=1000000 -max_len=4096``; e.g.
    ``nox -s atheris -- -max_total_time=3600`` (an hour), ``nox -s atheris -- --strict`` (stop at the
    first finding).
    """
    session.install("-e", ".[test]", "atheris")
    args = session.posargs or ["-atheris_runs=1000000", "-max_len=4096"]
    session.run("python", "fuzz/atheris_records.py", *args)


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """Explore with hypothesis: fresh random examples, 2,000 a property ("explore" profile of
    tests/conftest.py), failures kept in .hypothesis/.  Pin what it finds with @example."""
    session.install("-e", ".[test]")
    session.env["HYPOTHESIS_PROFILE"] = "explore"
    session.run(
        "pytest", "-n", "2", "-q", "-k", "idempotent or fixed_point or overlap or propert", *session.posargs
    )
