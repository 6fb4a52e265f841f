"""The graph: typed nodes and edges, trace, claims_resting_on, neighbourhood."""

from __future__ import annotations

import pytest

from kb.graph import (
    UnknownNodeError,
    build_graph,
    claims_resting_on,
    counts,
    neighbourhood,
    resolve_id,
    trace,
)


def claim_starting(kb, doc: str, prefix: str):
    (claim,) = [c for c in kb.claims(doc) if c.text.startswith(prefix)]
    return claim


def test_nodes_are_typed_and_ids_carry_their_kind(tiny_graph):
    for nid, kind in tiny_graph.nodes(data="kind"):
        assert nid.startswith(kind + ":"), nid
    c = counts(tiny_graph)
    assert (c["work"], c["study"], c["outcome"], c["document"], c["entry"]) == (3, 1, 3, 1, 3)


def test_edges_are_typed(tiny_graph):
    kinds = {k for _, _, k in tiny_graph.edges(data="kind")}
    assert kinds == {
        "contains",
        "lists",
        "has_marker",
        "names",
        "resolves_to",
        "reports",
        "has_outcome",
        "states",
    }
    assert tiny_graph.has_edge("work:doe2020alpha", "study:alpha")
    assert tiny_graph.has_edge("study:alpha", "outcome:alpha-1y-pain")
    assert tiny_graph.has_edge("entry:tiny:ref02", "work:poe2022alpha2y")


def test_trace_follows_claim_to_outcomes(tiny_kb, tiny_graph):
    claim = claim_starting(tiny_kb, "tiny", "At one year")
    t = trace(tiny_graph, claim.id)
    assert [r.number for r in t.refs] == [1, 2]
    assert [w.citekey for w in t.works] == ["doe2020alpha", "poe2022alpha2y"]
    assert [s.id for s in t.studies] == ["alpha"]
    first = t.refs[0]
    assert first.resolution.method == "curated"
    assert first.entry.raw.startswith("1. Doe J") or first.entry.raw.startswith("Doe J")
    (st,) = first.studies
    assert {o.id for o in st.outcomes} == {"alpha-n", "alpha-1y-pain", "alpha-2y-harms"}
    assert st.other_works == ("poe2022alpha2y",)
    assert {o.id for o in first.work_outcomes} == {"alpha-n", "alpha-1y-pain"}


def test_trace_accepts_prefixed_id_and_reports_non_publication(tiny_kb, tiny_graph):
    claim = claim_starting(tiny_kb, "tiny", "The device is small")
    t = trace(tiny_graph, f"claim:{claim.id}")
    (ref,) = t.refs
    assert ref.work.citekey == "tinynote" and not ref.work.is_publication
    assert ref.studies == ()


def test_trace_of_marker_without_entry(tiny_kb):
    # A marker naming a number the reference list lacks keeps the number, with no entry.
    from dataclasses import replace

    from kb.linking.analysis import analyse
    from kb.load import load_tables
    from tests.conftest import TINY

    kb = load_tables(TINY)
    doc = kb.documents["tiny"]
    kb.documents["tiny"] = replace(doc, text=doc.text.replace("small³.", "small⁴."))
    analyse(kb)
    g = build_graph(kb)
    claim = claim_starting(kb, "tiny", "The device is small")
    (ref,) = trace(g, claim.id).refs
    assert ref.number == 4 and ref.entry is None and ref.work is None
    assert any("reference 4" in p.message and p.field == "ref 4" for p in kb.problems)


def test_claims_resting_on_study_and_work(tiny_kb, tiny_graph):
    on_study = [c.text[:12] for c in claims_resting_on(tiny_graph, "study:alpha")]
    assert on_study == ["The Alpha tr", "At one year,", "Harms were r"]
    on_poe = [c.text[:12] for c in claims_resting_on(tiny_graph, "poe2022alpha2y")]
    assert on_poe == ["At one year,", "Harms were r"]
    assert claims_resting_on(tiny_graph, "work:tinynote")[0].text.startswith("The device")


def test_neighbourhood_depth_and_cap(tiny_graph):
    one = neighbourhood(tiny_graph, "study:alpha", depth=1)
    assert set(one) == {
        "study:alpha",
        "work:doe2020alpha",
        "work:poe2022alpha2y",
        "outcome:alpha-n",
        "outcome:alpha-1y-pain",
        "outcome:alpha-2y-harms",
    }
    assert one.nodes["study:alpha"]["depth"] == 0
    two = neighbourhood(tiny_graph, "study:alpha", depth=2)
    assert "entry:tiny:ref01" in two and len(two) > len(one)
    capped = neighbourhood(tiny_graph, "study:alpha", depth=2, max_nodes=4)
    assert len(capped) == 4 and "study:alpha" in capped


@pytest.mark.parametrize("query", [trace, claims_resting_on, neighbourhood])
def test_unknown_id_raises_naming_it(tiny_graph, query):
    with pytest.raises(UnknownNodeError, match="no node 'study:nope'"):
        query(tiny_graph, "study:nope")


def test_resolve_id_respects_kind(tiny_graph):
    assert resolve_id(tiny_graph, "alpha") == "study:alpha"
    with pytest.raises(UnknownNodeError):
        resolve_id(tiny_graph, "alpha", "work")
