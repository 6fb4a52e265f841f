"""The one cached knowledge base and graph the pages share."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import streamlit as st

from kb.graph import build_graph
from kb.load import LoadError, load_kb
from kb.model import KnowledgeBase
from kb.schema import DEFAULT_DATA_DIR
from kb.views import Checks, analyst_from_assessments, evidence_graph

log = logging.getLogger("kb.ui")


@dataclass(frozen=True)
class Loaded:
    """A loaded KB and its graph, or the error that stopped loading."""

    kb: KnowledgeBase | None
    graph: nx.MultiDiGraph | None
    error: str | None = None


def data_dir() -> Path:
    """The data directory the app serves ($KB_DATA or the bundled data/)."""
    return Path(os.environ.get("KB_DATA") or DEFAULT_DATA_DIR)


@st.cache_resource(show_spinner="Loading the knowledge base…")
def load(path: str) -> Loaded:
    """Load the KB and build its graph once per data directory."""
    try:
        kb = load_kb(Path(path))
        return Loaded(kb, build_graph(kb))
    except LoadError as exc:
        log.warning("cannot load %s: %s", path, exc)
        return Loaded(None, None, str(exc))
    except Exception as exc:  # the page must show a message, never a traceback
        log.exception("unexpected error loading %s", path)
        return Loaded(None, None, f"unexpected error while loading: {exc}")


def current() -> Loaded:
    """The KB for this session's data directory."""
    return load(str(data_dir()))


@st.cache_resource(show_spinner="Checking the claims against their sources…")
def check(path: str) -> Checks:
    """Run the fact-check engine once per data directory; its absence is a note, not a crash."""
    loaded = load(path)
    if loaded.error:
        return Checks.unavailable("the knowledge base did not load")
    try:
        analyst = analyst_from_assessments(loaded.kb)
    except Exception:  # an analyst fallback must not take the page down
        log.exception("cannot read analyst assessments")
        analyst = {}
    try:
        from kb.checks import factcheck
    except ImportError as exc:
        log.warning("fact-check engine not available: %s", exc)
        return Checks.unavailable(
            "the fact-check engine (kb.checks.factcheck) is not installed", analyst
        )
    try:
        fc = factcheck.fact_check(loaded.kb, loaded.graph)
        get_analyst = getattr(factcheck, "analyst_verdicts", None)
        return Checks.of(fc, get_analyst(loaded.kb) if get_analyst else analyst)
    except Exception as exc:
        log.exception("fact-check failed on %s", path)
        return Checks.unavailable(f"the fact-check engine failed: {exc}", analyst)


def checks() -> Checks:
    """The fact-check result for this session's data directory."""
    return check(str(data_dir()))


@st.cache_resource(show_spinner=False)
def evidence(path: str) -> nx.MultiDiGraph | None:
    """The claim → work → study → number graph (markers and entries folded away)."""
    loaded = load(path)
    return None if loaded.graph is None else evidence_graph(loaded.graph)


def evidence_view() -> nx.MultiDiGraph | None:
    """The folded evidence graph of this session's data directory."""
    return evidence(str(data_dir()))
