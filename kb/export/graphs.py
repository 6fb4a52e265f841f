"""The graph as GraphML and node-link JSON: scalar attributes only, no records, no paths."""

from __future__ import annotations

from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import document_or_raise, json_text, one_line, xml_safe
from kb.model import KnowledgeBase
from kb.schema import node_id

# Scalar fields kept per node kind (the record object itself is dropped).
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("title", "organisation", "date", "kind"),
    "claim": ("document", "section", "kind", "text", "start", "end"),
    "citation": ("document", "claim", "text", "start", "end"),
    "entry": ("document", "number", "raw", "doi", "pmid", "year"),
    "work": ("citekey", "kind", "title", "journal", "year", "doi", "pmid", "sponsor", "verified"),
    "study": ("name", "design", "sponsor", "registry", "follow_up"),
    "outcome": (
        "study",
        "work",
        "measure",
        "outcome",
        "arm",
        "timepoint",
        "value",
        "value_text",
        "unit",
        "p_value",
        "locator",
        "verified",
    ),
}
EDGE_FIELDS = ("kind", "method", "score", "ref")


def _scalar(value: Any) -> str | int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value) or None
    return xml_safe(one_line(str(value))) or None


def _node_attrs(kind: str, label: str, record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "label": xml_safe(one_line(str(label)))}
    for name in NODE_FIELDS.get(kind, ()):
        value = _scalar(getattr(record, name, None))
        if value is not None:
            # a record's own `kind` (claim kind, work kind) must not hide the node kind
            key = f"{kind}_kind" if name == "kind" else name
            out[key] = float(value) if name in ("value", "score") else value
    if kind == "claim":
        out["refs"] = ", ".join(str(n) for n in getattr(record, "refs", ())) or ""
    return out


def scalar_graph(g: nx.MultiDiGraph, document: str | None = None) -> nx.MultiDiGraph:
    """A copy with string/number attributes only; with a document, only what it leads to."""
    nodes = list(g.nodes)
    if document is not None:
        did = node_id("document", document)
        keep = nx.descendants(g, did) | {did} if did in g else set()
        nodes = [n for n in g.nodes if n in keep]
    out = nx.MultiDiGraph()
    for n in nodes:
        data = g.nodes[n]
        out.add_node(n, **_node_attrs(data["kind"], data.get("label", n), data.get("record")))
    for u, v, key, data in g.edges(keys=True, data=True):
        if u in out and v in out:
            attrs = {}
            for name in EDGE_FIELDS:
                value = data.get(name)
                if value is None:
                    continue
                attrs[name] = float(value) if name == "score" else _scalar(value)
            out.add_edge(u, v, key=key, **attrs)
    return out


def graph_graphml(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """The graph (or a document's part of it) as GraphML."""
    if document is not None:
        document_or_raise(kb, document)
    lines = nx.generate_graphml(scalar_graph(graph, document), prettyprint=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"


def graph_node_link(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """The graph (or a document's part of it) as node-link JSON."""
    if document is not None:
        document_or_raise(kb, document)
    data = nx.node_link_data(scalar_graph(graph, document), edges="edges")
    return json_text(data)
