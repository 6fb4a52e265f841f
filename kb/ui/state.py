"""The one cached knowledge base and graph the pages share."""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import streamlit as st

from kb.cache import ReadCache
from kb.checks.factcheck import FactCheck, analyst_verdicts, fact_check
from kb.graph import build_graph
from kb.load import LoadError
from kb.model import Assessment, KnowledgeBase
from kb.schema import DEFAULT_DATA_DIR
from kb.views import claim_rows as _claim_rows_of
from kb.views import evidence_graph

log = logging.getLogger("kb.ui")


@dataclass(frozen=True)
class Loaded:
    """A loaded KB, its graph and its fact check, or the error that stopped loading."""

    kb: KnowledgeBase | None
    graph: nx.MultiDiGraph | None
    checks: FactCheck | None = None
    analyst: dict[str, Assessment] = field(default_factory=dict)
    error: str | None = None


def data_dir() -> Path:
    """The data directory the app serves ($KB_DATA or the bundled data/)."""
    return Path(os.environ.get("KB_DATA") or DEFAULT_DATA_DIR)


@st.cache_resource(show_spinner="Loading the knowledge base and checking its claims…")
def load(path: str) -> Loaded:
    """Load the KB, build its graph and fact-check it once per data directory (the KB and its
    fact check come from the reading cache, kb/cache.py, when the data files have not changed)."""
    gc.unfreeze()  # a KB this replaces (the cache was cleared) can be collected again
    try:
        read = ReadCache(Path(path))
        kb = read.knowledge_base()
        checked = read.fact_check(check=fact_check)
        loaded = Loaded(kb, build_graph(kb), checked, analyst_verdicts(kb))
    except LoadError as exc:
        log.warning("cannot load %s: %s", path, exc)
        return Loaded(None, None, error=str(exc))
    except Exception as exc:  # the page must show a message, never a traceback
        log.exception("unexpected error loading %s", path)
        return Loaded(None, None, error=f"unexpected error while loading: {exc}")
    settle()
    return loaded


def settle() -> None:
    """Keep what is loaded now out of every later garbage collection.

    The KB, its graph and fact check are hundreds of thousands of objects that live as long as
    the server; every full collection walked them all (70-110 ms here). Streamlit's own one
    after every script run is off (`runner.postScriptGC` in .streamlit/config.toml); Python's
    still runs, and now skips them. Frozen, they are still freed by reference counting; only
    cycles among them wait until `load` runs again and unfreezes them.
    """
    gc.collect()
    gc.freeze()


def current() -> Loaded:
    """The KB for this session's data directory."""
    return load(str(data_dir()))


def checks() -> FactCheck:
    """The fact check of this session's data directory (call after `need_kb`)."""
    fc = current().checks
    if fc is None:
        raise RuntimeError("the knowledge base is not loaded")
    return fc


def analyst() -> dict[str, Assessment]:
    """Analysts' judgments by claim id, re-anchored to the current reading."""
    return current().analyst


@st.cache_resource(show_spinner=False)
def evidence(path: str) -> nx.MultiDiGraph | None:
    """The claim → work → study → number graph (markers and entries folded away)."""
    loaded = load(path)
    return None if loaded.graph is None else evidence_graph(loaded.graph)


def evidence_view() -> nx.MultiDiGraph | None:
    """The folded evidence graph of this session's data directory."""
    return evidence(str(data_dir()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _claim_rows(path: str, doc_id: str, _loaded: Loaded) -> list[dict]:
    return _claim_rows_of(_loaded.kb, _loaded.graph, _loaded.checks, doc_id, _loaded.analyst)


def claim_rows(doc_id: str) -> list[dict]:
    """The claims table's rows of a document (machine verdicts, codes, references), made once
    per loaded KB (a reload clears it with the KB). Shared: add to copies, never change them
    (`with_review` copies)."""
    return _claim_rows(str(data_dir()), doc_id, current())
