from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles.  "ci" (the default) is derandomized: the same examples every run, so a red run
# is a regression, never the luck of the draw; counterexamples found while exploring are pinned with
# @example next to the property.  "explore" (`nox -s fuzz`) draws fresh random examples, many more of
# them, and keeps a database of failures in .hypothesis/.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Compiled patterns are kept across the processes of a test run (normalize._recache), in a folder of
# the run's own rather than the user's cache: the suite starts cold and then exercises the cache.
_OWN_CACHE = "NORMALIZE_CACHE_DIR" not in os.environ
if _OWN_CACHE:
    os.environ["NORMALIZE_CACHE_DIR"] = tempfile.mkdtemp(prefix="normalize-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's own cache folder.  The cache is switched off first: this process saves its
    patterns at exit, which would make the folder again."""
    if _OWN_CACHE:
        folder = os.environ["NORMALIZE_CACHE_DIR"]
        os.environ["NORMALIZE_CACHE_DIR"] = "off"
        shutil.rmtree(folder, ignore_errors=True)


REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
EXTERNAL = REPO.parent / "shared" / "external"


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def external() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/external not present")
    return EXTERNAL
