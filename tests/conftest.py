"""Shared fixtures: the tiny KB path, the bundled data path, Streamlit cache clearing."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"
DATA = ROOT / "data"


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_* persist across AppTest instances in one run: start each test clean."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(scope="session")
def tiny_kb():
    """The tiny hand-made KB, loaded and read."""
    from kb.load import load_kb

    return load_kb(TINY)


@pytest.fixture(scope="session")
def tiny_graph(tiny_kb):
    """The graph of the tiny KB."""
    from kb.graph import build_graph

    return build_graph(tiny_kb)
