"""The compiled build (``setup.py``: the hot modules through mypyc) gives the same records as the Python
source, byte for byte.

Runs against the installed package: ``nox -s tests`` installs it the way ``pip install .`` does after the
main run and runs this file again with ``NORMALIZE_EXPECT_COMPILED=1`` when the machine has a C compiler
and Python's headers, so that a module mypyc stops accepting (the build then falls back to plain Python,
with only a warning) fails CI instead of silently slowing every user down.  Under an editable install
(plain Python) there is nothing to compare, and the test says so.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "external"
SETUP = (REPO / "setup.py").read_text(encoding="utf-8")


def _compiled_modules() -> list[str]:
    """Module names of ``setup.COMPILED`` (read from the file: setup.py runs setuptools when imported)."""
    start = SETUP.index("COMPILED = [")
    block = SETUP[start : SETUP.index("]", start)]
    paths = [line.strip().strip('",') for line in block.splitlines()[1:] if line.strip()]
    return [p.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for p in paths]


def _is_compiled(name: str) -> bool:
    return not str(importlib.import_module(name).__file__).endswith(".py")


def test_compiled_list_names_existing_modules() -> None:
    names = _compiled_modules()
    assert len(names) > 20
    for name in names:
        path = REPO / (name.replace(".", "/") + ".py")
        assert path.exists() or (REPO / name.replace(".", "/") / "__init__.py").exists(), name


def _installed_compiled() -> set[str]:
    """Modules of the installed package that are compiled files (``.so``), by name."""
    import normalize

    root = Path(str(normalize.__file__)).parent
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX"))
    paths = [str(p.relative_to(root.parent))[: -len(suffix)] for p in root.rglob(f"*{suffix}")]
    return {p.replace("/", ".").removesuffix(".__init__") for p in paths}


def _run(corpus: Path, out: Path, *, pure: bool, options: tuple[str, ...] = ()) -> tuple[int, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    code = (
        "import sys, normalize.text._script as m\n"
        f"assert m.__file__.endswith('.py') is {pure}, m.__file__\n"
        "from normalize.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    if pure:  # the source tree first on the path: the modules as Python
        env["PYTHONPATH"] = str(REPO)
    jobs = "1" if pure else "2"  # the compiled build through the process pool: its objects pickle
    args = [sys.executable, "-c", code, str(corpus), "-o", str(out), "--jobs", jobs, "-q", *options]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900, cwd=out.parent)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-3000:]
    return done.returncode, done.stderr


@pytest.mark.slow
def test_compiled_build_writes_the_records_the_source_writes(tmp_path: Path) -> None:
    compiled = [n for n in _compiled_modules() if _is_compiled(n)]
    if os.environ.get("NORMALIZE_EXPECT_COMPILED") == "1":
        missing = sorted(set(_compiled_modules()) - set(compiled))
        assert not missing, f"installed as Python, not compiled: {missing} (see the build's warning)"
    elif not compiled:
        pytest.skip("normalize is installed as Python (editable): nox -s tests checks the compiled build")
    # no compiled module but those listed: a file left by an earlier build would run older code
    assert _installed_compiled() == set(_compiled_modules())
    corpus = tmp_path / "corpus"
    gen = [sys.executable, str(REPO / "bench" / "corpus.py"), "240", str(corpus), "--seed", "11", "-q"]
    subprocess.run(gen, check=True, timeout=600)
    for seed in (REPO / "seeds").iterdir():
        (corpus / "seeds").mkdir(exist_ok=True)
        (corpus / "seeds" / seed.name).write_bytes(seed.read_bytes())
    assert _compare(corpus, tmp_path / "generated") > 240  # every document makes a record
    # a small search budget: the spans past it flagged, not searched (the limits reach compiled code)
    assert _compare(corpus, tmp_path / "budget", ("--repair-budget", "2000")) > 240
    if EXTERNAL.is_dir():  # real pages, feeds, WARC files and legacy encodings (754 records)
        assert _compare(EXTERNAL, tmp_path / "external") > 500


def _compare(corpus: Path, work: Path, options: tuple[str, ...] = ()) -> int:
    """How many records the compiled build and the source wrote from ``corpus``; fails unless the same."""
    work.mkdir()
    compiled = _run(corpus, work / "compiled", pure=False, options=options)
    # the same exit status, the same messages
    assert compiled == _run(corpus, work / "source", pure=True, options=options)
    a = {p.relative_to(work / "compiled"): p for p in (work / "compiled").rglob("*") if p.is_file()}
    b = {p.relative_to(work / "source"): p for p in (work / "source").rglob("*") if p.is_file()}
    assert sorted(a) == sorted(b)
    differ = [str(k) for k in sorted(a) if a[k].read_bytes() != b[k].read_bytes()]
    assert not differ, f"{corpus}: {len(differ)} records differ, first {differ[:5]}"
    return len(a)


def test_version_names_the_build(capsys: pytest.CaptureFixture[str]) -> None:
    from normalize._version import __version__, build
    from normalize.cli import main

    compiled = [n for n in _compiled_modules() if _is_compiled(n)]
    assert build() == ("compiled" if compiled else "plain Python")
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"normalize {__version__} ({build()})"


def test_the_installed_tables_share_their_objects() -> None:
    """The rows the installed package builds share their code points, and a group's entries of one count
    share its float: compiled, a read typed ``int`` or ``float`` unboxed the shared object and boxed a new
    one per entry (the peak RSS of the 1,000 bench documents went from 229 to 254 MB).  Runs against
    either build; ``nox -s tests`` runs it against the compiled one."""
    from normalize.encoding import _tablefile

    pairs = {1: {20013: 5, 22269: 1}, 2: {20013: 2}, 3: {22269: 4}}
    rows = _tablefile.RowTable(
        _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.row_sections(pairs)))
    )
    seconds = [next(k for k in rows.row(a)[0] if k == b) for a, b in ((1, 20013), (2, 20013), (3, 22269))]
    assert seconds[0] is seconds[1] and seconds[2] == 22269
    counts = {"中国": 7, "中华": 7, "中间": 9, "中文": 7}
    table = _tablefile.loads(_tablefile.dumps("t", {}, {}, _tablefile.grouped_sections(counts)))
    group = _tablefile.GroupedTable(table, lambda n: n / 2).group("中")
    assert group == {k: n / 2 for k, n in counts.items()}
    assert group["中国"] is group["中华"] is group["中文"]
