"""The graph page: the evidence view of the graph, node captions, elements and a DOT chain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

from kb.views.common import clip, outcome_value, short_claim, work_ids


def evidence_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph without markers, entries and documents: claim → work → study → number.

    A claim is linked straight to each work its markers resolve to (edge `cites`, with the
    reference number), so two hops from a study reach every claim resting on its works.
    """
    import networkx as nx

    from kb.graph import trace

    keep = {"claim", "work", "study", "outcome"}
    eg = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        if d["kind"] in keep:
            eg.add_node(n, **d)
    for u, v, d in g.edges(data=True):
        if u in eg and v in eg:
            eg.add_edge(u, v, key=d["kind"], **d)
    for n, d in g.nodes(data=True):
        if d["kind"] != "claim":
            continue
        for r in trace(g, n).refs:
            if r.work is not None:
                eg.add_edge(
                    n, f"work:{r.work.citekey}", key=f"cites {r.number}", kind="cites", ref=r.number
                )
    return eg


def node_caption(kind: str, record: Any, nid: str) -> str:
    """A short caption for a graph node."""
    if kind == "claim":
        return short_claim(record.id)
    if kind == "outcome":
        return clip(" ".join(x for x in (record.measure, record.timepoint) if x) or record.id, 28)
    if kind == "entry":
        key = getattr(record, "key", None)  # an alphabetical list's entry: "Deer 2019"
        return key or f"ref {record.number}"
    if kind == "citation":
        return record.text
    if kind == "study":
        return clip(record.name, 32)
    if kind == "document":
        return record.id
    return nid.split(":", 1)[-1]


def graph_elements(sub: nx.MultiDiGraph, focus: str | None = None) -> dict:
    """Nodes and edges in the form st-link-analysis (cytoscape) takes; label = node kind."""
    nodes, edges = [], []
    for n, d in sub.nodes(data=True):
        kind = d["kind"]
        name = node_caption(kind, d.get("record"), n)
        nodes.append(
            {
                "data": {
                    "id": n,
                    "label": kind if n != focus else "focus",
                    "name": name,
                    "kind": kind,
                    "depth": d.get("depth", 0),
                }
            }
        )
    for i, (u, v, d) in enumerate(sub.edges(data=True)):
        kind = d.get("kind", "")
        caption = f"ref {d['ref']}" if kind in ("cites", "names") and d.get("ref") else ""
        edges.append(
            {"data": {"id": f"e{i}", "source": u, "target": v, "label": kind, "caption": caption}}
        )
    return {"nodes": nodes, "edges": edges}


def _dot(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def chain_dot(t: Any, max_outcomes: int = 6, prefer: Iterable[str] = ()) -> str:
    """A DOT string of one claim's chain: claim → refs → works → studies → numbers.

    Numbers in `prefer` (e.g. those the fact-check matched) come first, then those the cited
    work states, then the rest of the study's, at most `max_outcomes` per study.
    """
    prefer = list(prefer)
    lines = [
        "digraph chain {",
        (
            '  rankdir=LR; node [shape=box, style="rounded,filled", fontname="Helvetica", '
            'fontsize=10]; edge [fontsize=9, color="#777777"];'
        ),
        (
            f'  claim [label="{_dot(short_claim(t.claim.id))}\\n{_dot(clip(t.claim.text, 40))}", '
            'fillcolor="#ffe0b2"];'
        ),
    ]
    seen: set[str] = set()
    for r in t.refs:
        ref = f"ref{r.number}"
        if ref not in seen:
            seen.add(ref)
            raw = clip(r.entry.raw, 40) if r.entry else "not in the reference list"
            lines.append(f'  {ref} [label="ref {r.number}\\n{_dot(raw)}", fillcolor="#efebe9"];')
            lines.append(f"  claim -> {ref};")
        if r.work is None:
            lines.append(f'  {ref}none [label="no work", fillcolor="#eeeeee"]; {ref} -> {ref}none;')
            continue
        wid = "w_" + re.sub(r"\W", "_", r.work.citekey)
        if wid not in seen:
            seen.add(wid)
            flag = "verified" if r.work.verified else "cited-only"
            lines.append(
                f'  {wid} [label="{_dot(r.work.citekey)}\\n{_dot(work_ids(r.work))}\\n{flag}", '
                f'fillcolor="#bbdefb"];'
            )
        lines.append(f"  {ref} -> {wid};")
        for st in r.studies:
            sid = "s_" + re.sub(r"\W", "_", st.study.id)
            if sid not in seen:
                seen.add(sid)
                lines.append(
                    f'  {sid} [label="{_dot(clip(st.study.name, 36))}\\n{_dot(st.study.design)}", '
                    f'fillcolor="#c8e6c9"];'
                )
                stated = [o for o in r.work_outcomes if o.study == st.study.id]
                ranked = sorted(
                    st.outcomes,
                    key=lambda o: (
                        o.id not in prefer,
                        prefer.index(o.id) if o.id in prefer else 0,
                        o not in stated,
                    ),
                )
                for o in ranked[:max_outcomes]:
                    oid = "o_" + re.sub(r"\W", "_", o.id)
                    val = _dot(clip(f"{o.measure} {o.timepoint or ''}: {outcome_value(o)}", 40))
                    flag = "verified" if o.verified else "cited-only"
                    where = _dot(clip(f"{o.work}, {o.locator or 'locator unknown'}, {flag}", 48))
                    lines.append(
                        f'  {oid} [label="{val}\\n{where}", fillcolor="#e1bee7"]; {sid} -> {oid};'
                    )
                if len(st.outcomes) > max_outcomes:
                    more = len(st.outcomes) - max_outcomes
                    lines.append(
                        f'  {sid}_more [label="+{more} more numbers", fillcolor="#f3e5f5"]; '
                        f"{sid} -> {sid}_more;"
                    )
            lines.append(f"  {wid} -> {sid};")
    lines.append("}")
    return "\n".join(lines)


def full_chain(g: nx.MultiDiGraph, evidence_sub: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The evidence neighbourhood with the markers and reference entries between its claims
    and works put back: the same works, studies and numbers, and the chain that leads there.

    (A wider neighbourhood of the full graph would spend its steps on markers and entries and
    lose the studies and numbers.)
    """
    nodes = set(evidence_sub)
    for claim in [n for n in evidence_sub if g.nodes[n]["kind"] == "claim"]:
        for cit in g.successors(claim):
            if g.nodes[cit]["kind"] != "citation":
                continue
            for entry in g.successors(cit):
                if g.nodes[entry]["kind"] != "entry":
                    continue
                if any(w in nodes for w in g.successors(entry)):
                    nodes.update((cit, entry))
    sub = g.subgraph(nodes).copy()
    for n in sub:
        if n in evidence_sub:
            sub.nodes[n]["depth"] = evidence_sub.nodes[n].get("depth", 0)
    return sub
