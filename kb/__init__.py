"""evidence-kb: take apart advocacy letters that cite clinical evidence.

The pipeline, one stage per folder, each importing only from the stages before it:

    sources/   file bytes (PDF, Word, HTML, text) -> text with citation markers and pages
    reading/   text -> sections, claims, citation markers, stated numbers, reference entries
    linking/   reference entries -> works (resolve, enrich); analyst quotes -> claims (anchors)
    load.py    data/ -> KnowledgeBase (records + problems; documents read and linked)
    graph.py   KnowledgeBase -> one typed graph; trace, claims_resting_on, neighbourhood
    checks/    graph -> findings, number matches and one verdict per claim (fact_check)
    views/     rows and HTML the pages show (no Streamlit)
    export/    files people take away, behind one registry (render)
    ingest.py  a new letter in one step: sources -> reading -> linking -> checks
    importing.py  records of cited works -> works, record files, machine numbers (kb import)
    cli.py     the `kb` command;  ui/  the Streamlit pages (render only)

`model.py` (frozen records and the KnowledgeBase) and `schema.py` (column names, vocabularies,
ids) sit under every stage. The public API is importable from here:

>>> from kb import load_kb, build_graph, fact_check
>>> kb = load_kb()
>>> result = fact_check(kb, build_graph(kb))
>>> result.verdicts["nysipp-2026:s08.c09"].label in {"supported", "partly supported",
...     "not supported by the cited source", "contradicted", "needs reading"}
True

Names are imported on first use, so `import kb.model` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "DEFAULT_DATA_DIR": "kb.schema",
    "KnowledgeBase": "kb.model",
    "load_kb": "kb.load",
    "LoadError": "kb.load",
    "build_graph": "kb.graph",
    "trace": "kb.graph",
    "fact_check": "kb.checks.factcheck",
    "FactCheck": "kb.checks.factcheck",
    "ingest": "kb.ingest",
    "render": "kb.export",
}
__all__ = [
    "DEFAULT_DATA_DIR",
    "FactCheck",
    "KnowledgeBase",
    "LoadError",
    "build_graph",
    "fact_check",
    "ingest",
    "load_kb",
    "render",
    "trace",
]

if TYPE_CHECKING:
    from kb.checks.factcheck import FactCheck, fact_check
    from kb.export import render
    from kb.graph import build_graph, trace
    from kb.ingest import ingest
    from kb.load import LoadError, load_kb
    from kb.model import KnowledgeBase
    from kb.schema import DEFAULT_DATA_DIR


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
