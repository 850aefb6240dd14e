"""Build: the pipeline's hot modules compiled to C with mypyc when this machine can; plain Python otherwise.

Everything else about the package is declared in ``pyproject.toml``.  The modules in :data:`COMPILED` are
the ones a document's processing spends its time in (the mojibake search and its models, the text stage,
the plain-text and policy layouts, the records); compiled, the command runs about 15% faster
(``bench/RESULTS.md``) with byte-identical records (``tests/test_compiled.py``).

The compiled build is all or nothing, and never the reason an install fails: without mypy or a C
compiler, or if any module fails to compile, the package is installed as plain Python (same behaviour,
slower) with a warning.  ``NORMALIZE_COMPILE=0`` asks for plain Python.  An editable install
(``pip install -e``) is always plain Python, so that an edit to a module takes effect.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

COMPILED = [
    "normalize/_canonical.py",
    "normalize/_edits.py",
    "normalize/_extract.py",
    "normalize/_record.py",
    "normalize/_textstage.py",
    "normalize/encoding/_bigram.py",
    "normalize/encoding/_cjkscore.py",
    "normalize/encoding/_context.py",
    "normalize/encoding/_decode.py",
    "normalize/encoding/_detect.py",
    "normalize/encoding/_holes.py",
    "normalize/encoding/_incremental.py",
    "normalize/encoding/_insertion.py",
    "normalize/encoding/_mojibake.py",
    "normalize/encoding/_tablefile.py",
    "normalize/formats/_gongwen.py",
    "normalize/formats/_htmldom.py",
    "normalize/formats/_htmlmain.py",
    "normalize/formats/_htmlmeta.py",
    "normalize/formats/_newsbody.py",
    "normalize/formats/_newsmeta.py",
    "normalize/formats/_notdoc.py",
    "normalize/formats/_residue.py",
    "normalize/formats/_view.py",
    "normalize/formats/frontmatter.py",
    "normalize/formats/html.py",
    "normalize/formats/plaintext.py",
    "normalize/formats/policy.py",
    "normalize/text/__init__.py",
    "normalize/text/_chars.py",
    "normalize/text/_paragraphs.py",
    "normalize/text/_pinyin.py",
    "normalize/text/_punctuation.py",
    "normalize/text/_quotes.py",
    "normalize/text/_script.py",
    "normalize/text/_whitespace.py",
]
"""Paths of the compiled modules.  A module stays Python if it holds codecs (mypyc checks declared types at
run time, and a codec is handed a ``memoryview`` where ``bytes`` is declared), exceptions derived from a
built-in one other than ``Exception`` (mypyc: "inheriting from most builtin types is unimplemented"), or
classes whose objects are pickled to worker processes (``TextOptions``: a compiled frozen dataclass cannot
be unpickled)."""

MYPY_OPTIONS = [
    "--ignore-missing-imports",
    "--no-warn-unused-ignores",
    "--no-warn-return-any",
    "--allow-subclassing-any",
    "--allow-untyped-decorators",
]
"""The build environment holds mypy and the stubs of lxml and PyYAML (build requirements); whether mypy also
sees the other dependencies depends on the installing environment (it looks at its site-packages too).
Where it does not, their types are ``Any``; these options keep both cases compiling, and
``tests/test_compiled.py`` checks the result against the source either way."""


def _warn(message: str) -> None:
    print(f"normalize build: {message}; installing plain Python (same results, slower)", file=sys.stderr)


def _wanted() -> bool:
    """Whether this run of setup.py builds (not only reads metadata) and compiling is asked for."""
    if os.environ.get("NORMALIZE_COMPILE", "1") == "0":
        return False
    if any(cmd in sys.argv for cmd in ("editable_wheel", "develop")):
        return False
    return any(cmd in sys.argv for cmd in ("bdist_wheel", "build", "build_ext", "install"))


def _extensions() -> list[Any]:
    if not _wanted():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _warn(f"mypyc is not available ({exc})")
        return []
    try:
        return list(mypycify([*MYPY_OPTIONS, *COMPILED], opt_level="3", debug_level="0"))
    except BaseException as exc:  # mypyc exits through SystemExit on a type error
        _warn(f"mypyc could not translate the modules ({type(exc).__name__}: {exc})")
        return []


def _stale(build_lib: str, keep: set[str]) -> list[str]:
    """Compiled module files under ``build_lib`` (``normalize/**`` and mypyc's shared library) that this
    build does not make: left by an earlier build in the same tree (setuptools builds in ``build/``), they
    would be packed into the wheel and run code compiled from older sources."""
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX") or ".so")
    root = Path(build_lib)
    found = [*root.glob(f"normalize/**/*{suffix}"), *root.glob(f"*__mypyc{suffix}")]
    return [str(p) for p in found if str(p) not in keep]


class CleanBuildPy(build_py):
    """Copies the Python modules, and removes compiled modules an earlier build left in ``build/``."""

    def run(self) -> None:
        super().run()
        exts = self.distribution.ext_modules or []
        builder = self.get_finalized_command("build_ext")
        keep = {str(Path(builder.get_ext_fullpath(ext.name))) for ext in exts}
        for path in _stale(self.build_lib, keep):
            os.remove(path)


class OptionalBuildExt(build_ext):
    """Builds the compiled modules in parallel; if any fails to build, none is installed."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no C compiler, a compile error: the package stays importable
            _warn(f"the compiled modules could not be built ({type(exc).__name__}: {exc})")
            for ext in self.extensions:
                for path in (self.get_ext_fullpath(ext.name),):
                    if os.path.exists(path):
                        os.remove(path)
            self.extensions = []


setup(ext_modules=_extensions(), cmdclass={"build_py": CleanBuildPy, "build_ext": OptionalBuildExt})
