"""Doctest set-up: the examples in kb's docstrings run against the bundled knowledge base
(`kb`, `g`, `fc`, `ctx`) and the hand-made checks fixture (`ctx_fixture`), loaded once."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# Streamlit pages run on import, and `python -m kb` runs the CLI: no doctests there.
collect_ignore = ["kb/ui", "kb/__main__.py", "app.py", "bench", "build"]


def pytest_configure(config):
    """The reading cache (kb/cache.py) is off in tests, and its directory is one of this run's,
    removed at the end: tests never read or fill the user's cache (child processes inherit
    both)."""
    config._kb_cache_dir = tempfile.mkdtemp(prefix="kb-test-cache-")
    os.environ["KB_CACHE_DIR"] = config._kb_cache_dir
    # Tests exercise the engine: it runs every time (tests/test_cache.py turns the cache on).
    os.environ["KB_CACHE"] = "0"


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_kb_cache_dir", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def _bundled():
    from kb.checks.factcheck import fact_check
    from kb.checks.matching import build_context
    from kb.graph import build_graph
    from kb.load import load_kb

    kb = load_kb(ROOT / "data")
    g = build_graph(kb)
    fixture = load_kb(ROOT / "tests" / "fixtures" / "checks")
    return {
        "kb": kb,
        "g": g,
        "fc": fact_check(kb, g),
        "ctx": build_context(kb, g),
        "ctx_fixture": build_context(fixture, build_graph(fixture)),
    }


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    if isinstance(request.node, pytest.DoctestItem):
        doctest_namespace.update(request.getfixturevalue("_bundled"))
