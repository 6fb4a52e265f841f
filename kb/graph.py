"""One graph: documents → claims → citations → reference entries → works → studies → outcomes.

Nodes carry `kind`, `label` and `record` (the frozen record). Edges carry `kind`. Queries are
free functions named for their result; an unknown id raises UnknownNodeError naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a graph is built or walked: unpickling a cached KB or
    import networkx as nx  # fact check (kb/cache.py) must not pay for networkx

from kb.model import Claim, KnowledgeBase, Outcome, ReferenceEntry, Resolution, Study, Work
from kb.schema import node_id

EDGE_KINDS = {
    ("document", "claim"): "contains",
    ("document", "entry"): "lists",
    ("claim", "citation"): "has_marker",
    ("citation", "entry"): "names",
    ("entry", "work"): "resolves_to",
    ("work", "study"): "reports",
    ("study", "outcome"): "has_outcome",
    ("work", "outcome"): "states",
}


class UnknownNodeError(KeyError):
    """Raised when a query names an id that is not in the graph."""

    def __init__(self, node: str):
        self.node = node
        super().__init__(f"no node {node!r} in the graph")

    def __str__(self) -> str:
        return self.args[0]


def _add(g: nx.MultiDiGraph, kind: str, key: str, label: str, record: object) -> str:
    nid = node_id(kind, key)
    g.add_node(nid, kind=kind, label=label, record=record)
    return nid


def _link(g: nx.MultiDiGraph, u: str, v: str, **attrs: object) -> None:
    kind = EDGE_KINDS[(g.nodes[u]["kind"], g.nodes[v]["kind"])]
    g.add_edge(u, v, key=kind, kind=kind, **attrs)


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """Build the typed graph of a loaded knowledge base."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for w in kb.works.values():
        _add(g, "work", w.citekey, w.citekey, w)
    for s in kb.studies.values():
        sid = _add(g, "study", s.id, s.name, s)
        for key in s.works:
            if key in kb.works:
                _link(g, node_id("work", key), sid)
    for o in kb.outcomes.values():
        oid = _add(g, "outcome", o.id, o.id, o)
        if o.study in kb.studies:
            _link(g, node_id("study", o.study), oid)
        if o.work in kb.works:
            _link(g, node_id("work", o.work), oid)
    for doc in kb.documents.values():
        did = _add(g, "document", doc.id, doc.title, doc)
        reading = kb.readings.get(doc.id)
        if reading is None:
            continue
        by_number: dict[int, str] = {}
        for entry in reading.entries:
            eid = _add(g, "entry", entry.id, f"{doc.id} ref {entry.number}", entry)
            by_number[entry.number] = eid
            _link(g, did, eid)
            res = kb.resolutions.get(entry.id)
            if res is not None and res.work in kb.works:
                _link(g, eid, node_id("work", res.work), method=res.method, score=res.score)
        for claim in reading.claims:
            cid = _add(g, "claim", claim.id, claim.id, claim)
            _link(g, did, cid)
            for cit in claim.citations:
                mid = _add(g, "citation", cit.id, cit.text, cit)
                _link(g, cid, mid)
                for n in cit.refs:
                    if n in by_number:
                        _link(g, mid, by_number[n], ref=n)
    return g


def resolve_id(g: nx.MultiDiGraph, ident: str, kind: str | None = None) -> str:
    """Return the node id for `ident`, which may omit its kind prefix; raise if unknown."""
    if ident in g and (kind is None or g.nodes[ident]["kind"] == kind):
        return ident
    kinds = [kind] if kind else ["claim", "study", "work", "outcome", "document", "entry"]
    for k in kinds:
        candidate = node_id(k, ident)
        if candidate in g:
            return candidate
    raise UnknownNodeError(ident)


def _kind_of(g: nx.MultiDiGraph, nid: str) -> str:
    return g.nodes[nid]["kind"]


@dataclass(frozen=True)
class StudyTrace:
    """A study reached from a cited work, with its reported numbers."""

    study: Study
    outcomes: tuple[Outcome, ...]
    other_works: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefTrace:
    """One reference number of a claim, followed as far as the data goes."""

    number: int
    marker: str
    entry: ReferenceEntry | None
    resolution: Resolution | None
    work: Work | None
    work_outcomes: tuple[Outcome, ...] = ()
    studies: tuple[StudyTrace, ...] = ()


@dataclass(frozen=True)
class Trace:
    """A claim's chain: its citations, entries, works, studies and numbers."""

    claim: Claim
    refs: tuple[RefTrace, ...] = field(default_factory=tuple)

    @property
    def works(self) -> tuple[Work, ...]:
        """Distinct works the claim rests on, in citation order."""
        seen: dict[str, Work] = {}
        for r in self.refs:
            if r.work is not None:
                seen.setdefault(r.work.citekey, r.work)
        return tuple(seen.values())

    @property
    def studies(self) -> tuple[Study, ...]:
        """Distinct studies the claim rests on."""
        seen: dict[str, Study] = {}
        for r in self.refs:
            for st in r.studies:
                seen.setdefault(st.study.id, st.study)
        return tuple(seen.values())


def _successors(g: nx.MultiDiGraph, nid: str, kind: str) -> list[str]:
    return [v for v in g.successors(nid) if g.nodes[v]["kind"] == kind]


def trace(g: nx.MultiDiGraph, claim: str) -> Trace:
    """Follow a claim to its citations, entries, works, studies and outcomes.

    >>> t = trace(g, "nysipp-2026:s08.c09")
    >>> [r.number for r in t.refs], [s.id for s in t.studies]
    ([16], ['motion'])
    """
    cid = resolve_id(g, claim, "claim")
    rec: Claim = g.nodes[cid]["record"]
    refs: list[RefTrace] = []
    for mid in _successors(g, cid, "citation"):
        cit = g.nodes[mid]["record"]
        entries = {g.nodes[e]["record"].number: e for e in _successors(g, mid, "entry")}
        for n in cit.refs:
            eid = entries.get(n)
            if eid is None:
                refs.append(RefTrace(n, cit.text, None, None, None))
                continue
            entry = g.nodes[eid]["record"]
            wids = _successors(g, eid, "work")
            if not wids:
                refs.append(RefTrace(n, cit.text, entry, None, None))
                continue
            wid = wids[0]
            res_attrs = next(iter(g.get_edge_data(eid, wid).values()))
            resolution = Resolution(
                entry.id,
                g.nodes[wid]["record"].citekey,
                res_attrs.get("method", "?"),
                res_attrs.get("score"),
            )
            studies = []
            for sid in _successors(g, wid, "study"):
                outs = tuple(g.nodes[o]["record"] for o in _successors(g, sid, "outcome"))
                others = tuple(
                    g.nodes[w]["record"].citekey for w in g.predecessors(sid) if w != wid
                )
                studies.append(StudyTrace(g.nodes[sid]["record"], outs, others))
            work_outs = tuple(g.nodes[o]["record"] for o in _successors(g, wid, "outcome"))
            refs.append(
                RefTrace(
                    n,
                    cit.text,
                    entry,
                    resolution,
                    g.nodes[wid]["record"],
                    work_outs,
                    tuple(studies),
                )
            )
    return Trace(rec, tuple(refs))


def claims_resting_on(g: nx.MultiDiGraph, node: str) -> list[Claim]:
    """Claims whose citations lead to a work or study (or entry, outcome), in document order.

    >>> [c.id for c in claims_resting_on(g, "study:motion")][:2]
    ['nysipp-2026:s03.c05', 'nysipp-2026:s04.c07']
    """
    import networkx as nx

    nid = resolve_id(g, node)
    kind = _kind_of(g, nid)
    starts = [p for p in g.predecessors(nid)] if kind == "outcome" else [nid]
    found: dict[str, Claim] = {}
    for start in starts:
        for a in nx.ancestors(g, start) | {start}:
            if _kind_of(g, a) == "claim":
                found[a] = g.nodes[a]["record"]
    return sorted(found.values(), key=lambda c: (c.document, c.start))


def neighbourhood(
    g: nx.MultiDiGraph, node: str, depth: int = 2, max_nodes: int = 200
) -> nx.MultiDiGraph:
    """The subgraph within `depth` steps of a node (either direction), at most max_nodes.

    Nodes are taken breadth-first, so the nearest are kept when the cap cuts.
    >>> sub = neighbourhood(g, "study:motion", depth=1)
    >>> sorted({d["kind"] for _, d in sub.nodes(data=True)})
    ['outcome', 'study', 'work']
    """
    nid = resolve_id(g, node)
    seen = {nid: 0}
    frontier = [nid]
    for level in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in sorted(set(g.successors(u)) | set(g.predecessors(u))):
                if v not in seen and len(seen) < max_nodes:
                    seen[v] = level
                    nxt.append(v)
        frontier = nxt
    sub = g.subgraph(seen).copy()
    for v, level in seen.items():
        sub.nodes[v]["depth"] = level
    return sub


def counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """Number of nodes of each kind."""
    out: dict[str, int] = {}
    for _, kind in g.nodes(data="kind"):
        out[kind] = out.get(kind, 0) + 1
    return out
