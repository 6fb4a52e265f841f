"""Graph: the neighbourhood of a claim, study or work, interactive; a claim's chain as a diagram."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from kb import views
from kb.checks.factcheck import FactCheck
from kb.graph import UnknownNodeError, neighbourhood, trace
from kb.model import KnowledgeBase
from kb.ui.common import PAGES, current_document, guarded, need_kb, param, set_params
from kb.ui.components import table
from kb.ui.state import checks as get_checks
from kb.ui.state import evidence_view
from kb.views.graph import full_chain
from kb.views.markup import code, md

MODES = {
    "evidence": "Evidence: claim → work → study → number",
    "chain": "Full chain: with citation markers and reference entries",
}
# cose without animation: the first frame is the final picture, fitted to the frame
LAYOUT = {
    "name": "cose",
    "animate": False,
    "fit": True,
    "padding": 30,
    "nodeDimensionsIncludeLabels": True,
    "nodeRepulsion": 6000,
    "idealEdgeLength": 70,
    "randomize": False,
}
EDGE_KINDS = (
    "cites",
    "contains",
    "lists",
    "has_marker",
    "names",
    "resolves_to",
    "reports",
    "has_outcome",
    "states",
)


def focus_from_url(kb) -> str | None:
    """The graph id the URL selects: node, else claim, study or work."""
    if param("node"):
        return param("node")
    for name in ("claim", "study", "work"):
        if param(name):
            return f"{name}:{param(name)}"
    return None


def open_node(nid: str) -> None:
    """Select a clicked node in the URL (claims, studies and works by their own names)."""
    kind, _, key = nid.partition(":")
    if kind == "claim":
        set_params(doc=key.split(":", 1)[0], claim=key)
    elif kind in ("study", "work"):
        set_params(**{kind: key})
    else:
        set_params(node=nid)


def _picked() -> None:
    nid = st.session_state.get("g_focus")
    if nid:
        open_node(nid)


def legend() -> None:
    """Node kinds, colour and name."""
    chips = []
    for kind, colour in views.NODE_COLOURS.items():
        chips.append(
            f'<span style="display:inline-block;margin:2px 8px 2px 0"><span style="display:'
            f"inline-block;width:12px;height:12px;border-radius:6px;background:{colour};"
            f'vertical-align:middle"></span> {views.NODE_KIND_LABELS[kind]}</span>'
        )
    chips.append(
        '<span style="display:inline-block"><span style="display:inline-block;'
        "width:12px;height:12px;border-radius:6px;background:#d50000;vertical-align:"
        'middle;outline:2px solid #000"></span> the node in focus</span>'
    )
    st.markdown("".join(chips), unsafe_allow_html=True)


def details(kb: KnowledgeBase, g: nx.MultiDiGraph, nid: str, checks: FactCheck) -> None:
    """What the focused node is, with a way to open it."""
    d = g.nodes[nid]
    kind, rec = d["kind"], d["record"]
    if kind == "claim":
        st.subheader(f"Chain of claim {md(views.short_claim(rec.id))}")
        st.markdown("> " + md(rec.text))
        prefer = [m.outcome.id for m in checks.matches_of(rec.id) if m.outcome]
        prefer += list(checks.verdict(rec.id).outcomes)
        st.graphviz_chart(views.chain_dot(trace(g, nid), prefer=prefer), width="stretch")
        st.caption(
            "Each number node names its work, where in the record it stands and whether "
            "the record was read (verified) or is only cited."
        )
        st.page_link(
            PAGES["reader"],
            label="Open this claim in the letter reader",
            icon="📄",
            query_params={"doc": rec.document, "claim": rec.id},
        )
    elif kind == "study":
        st.subheader(md(rec.name))
        st.caption(
            md(
                f"{rec.design or 'design unknown'} · {rec.enrolled or 'N unknown'} · "
                f"follow-up {rec.follow_up or 'unknown'} · sponsor {rec.sponsor or 'unknown'}"
            )
        )
        st.page_link(
            PAGES["evidence"],
            label=f"Open study {md(rec.id)}",
            icon="🔬",
            query_params={"study": rec.id},
        )
    elif kind == "work":
        st.subheader(md(rec.citekey))
        st.caption(md(views.work_links(rec)["citation"]))
        st.page_link(
            PAGES["evidence"],
            label=f"Open work {md(rec.citekey)}",
            icon="🔬",
            query_params={"work": rec.citekey},
        )
    elif kind == "outcome":
        st.subheader(f"Reported number {md(rec.id)}")
        table(views.outcome_rows([rec], kb.works), "")
    elif kind == "entry":
        st.subheader(f"{md(rec.document)}, reference {rec.number}")
        st.caption(md(rec.raw))
    else:
        st.subheader(md(f"{kind} {nid}"))
        st.caption(md(getattr(rec, "text", "") or ""))


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    st.title("🕸️ Graph")
    st.caption(
        "The neighbourhood of one claim, study or work (at most 2 steps, at most 200 "
        "nodes). Click a node to open it; drag to move, scroll to zoom."
    )
    doc_id = current_document(kb)
    focus = focus_from_url(kb)
    claims = list(kb.claims(doc_id)) if doc_id else []
    if focus is None:
        first = next((c for c in claims if views.claim_refs(c)), None)
        focus = (
            f"claim:{first.id}"
            if first
            else (f"study:{next(iter(kb.studies))}" if kb.studies else None)
        )
    if focus is None:
        st.info("Nothing to draw: the knowledge base holds no claim and no study.")
        return
    if focus not in g:
        st.warning(f"There is no node {code(focus)} in this knowledge base.")
        return

    options = (
        [f"claim:{c.id}" for c in claims]
        + [f"study:{s}" for s in kb.studies]
        + [f"work:{w}" for w in kb.works]
    )
    if focus not in options:
        options.insert(0, focus)

    def label(nid: str) -> str:
        kind, _, key = nid.partition(":")
        if kind == "claim":
            return f"claim {views.short_claim(key)} · {views.clip(g.nodes[nid]['record'].text, 60)}"
        if kind == "study":
            return f"study · {g.nodes[nid]['record'].name}"
        return f"{kind} · {key}"

    c1, c2, c3 = st.columns([3, 2, 1])
    st.session_state["g_focus"] = focus
    c1.selectbox("Centre on", options, key="g_focus", format_func=label, on_change=_picked)
    mode = c2.radio("Show", list(MODES), format_func=MODES.get, key="g_mode", horizontal=False)
    depth = c3.radio("Steps", [1, 2], index=1, key="g_depth", horizontal=True)

    ev = evidence_view()
    try:
        if ev is not None and focus in ev:
            sub = neighbourhood(ev, focus, depth=depth, max_nodes=200)
            if mode == "chain":  # the same works, studies and numbers, with the chain between
                sub = full_chain(g, sub)
        else:  # a marker, an entry or a document: only the full graph has it
            base = nx.subgraph_view(g, filter_node=lambda n: g.nodes[n]["kind"] != "document")
            sub = neighbourhood(base if focus in base else g, focus, depth=depth, max_nodes=200)
    except UnknownNodeError as exc:
        st.warning(md(exc))
        return
    st.caption(
        f"{sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges"
        + (" (cut at 200 nodes: the nearest are kept)" if sub.number_of_nodes() >= 200 else "")
    )
    legend()
    clicked = draw(sub, focus, view=f"{mode}-{depth}")
    if clicked and clicked != focus:
        open_node(clicked)
        st.rerun()
    st.divider()
    details(kb, g, focus, get_checks())


class Style:
    """A cytoscape style rule; st-link-analysis only calls .dump() on its styles."""

    def __init__(self, selector: str, style: dict):
        self.selector, self.style = selector, style

    def dump(self) -> dict:
        return {"selector": self.selector, "style": self.style}


def node_styles() -> list[Style]:
    """One rule per node kind: colour and a caption readable at the first zoom."""
    base = {
        "label": "data(name)",
        "font-size": 8,
        "min-zoomed-font-size": 0,
        "width": 22,
        "height": 22,
        "text-wrap": "ellipsis",
        "text-max-width": 110,
        "color": "#222",
    }
    rules = [
        Style(f"node[label='{k}']", {**base, "background-color": c})
        for k, c in views.NODE_COLOURS.items()
    ]
    rules.append(
        Style(
            "node[label='focus']",
            {
                **base,
                "background-color": "#d50000",
                "width": 32,
                "height": 32,
                "border-width": 3,
                "border-color": "#000",
                "font-weight": "bold",
            },
        )
    )
    return rules


def edge_styles() -> list[Style]:
    """Directed edges; a citation edge names its reference number."""
    return [
        Style(
            f"edge[label='{k}']",
            {
                "label": "data(caption)",
                "font-size": 6,
                "min-zoomed-font-size": 0,
                "target-arrow-shape": "triangle",
                "curve-style": "bezier",
                "color": "#444",
                "text-background-opacity": 0,
            },
        )
        for k in EDGE_KINDS
    ]


def draw(sub, focus: str, view: str = "") -> str | None:
    """The interactive graph; returns the id of a node clicked since the last run.

    The key names the view, so another mode or depth draws afresh and fits the frame.
    """
    from st_link_analysis import Event, st_link_analysis

    value = st_link_analysis(
        views.graph_elements(sub, focus),
        layout=LAYOUT,
        node_styles=node_styles(),
        edge_styles=edge_styles(),
        height=560,
        key=f"graph_{focus}_{view}",
        events=[Event("node_click", "click tap", "node")],
    )
    if not isinstance(value, dict) or value.get("action") != "node_click":
        return None
    stamp = value.get("timestamp")
    if stamp == st.session_state.get("_graph_click"):
        return None
    st.session_state["_graph_click"] = stamp
    return (value.get("data") or {}).get("target_id")


guarded("graph", main)
