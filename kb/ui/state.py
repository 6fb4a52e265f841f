"""The one cached knowledge base and graph the pages share."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import streamlit as st

from kb import DEFAULT_DATA_DIR
from kb.graph import build_graph
from kb.load import KnowledgeBase, LoadError, load_kb

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
