"""ClaimReview and Web Annotation JSON-LD, GraphML and node-link JSON exports."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from kb.export import render
from kb.export.common import claims_of
from kb.export.graphs import scalar_graph
from kb.export.linked import text_selectors
from kb.graph import build_graph
from tests.conftest import TINY
from tests.exporthelp import claim_with, fake_factcheck, load


@pytest.fixture(scope="module")
def tiny():
    """(kb, graph, fact check) of the tiny KB."""
    kb = load(TINY)
    return kb, build_graph(kb), fake_factcheck(kb)


# ---------------------------------------------------------------------------------------
# ClaimReview


def test_claimreview_one_per_claim_with_a_verdict(tiny):
    kb, g, fc = tiny
    reviews = json.loads(render("claimreview", kb, g, fc, "tiny"))
    assert [r["identifier"] for r in reviews] == [
        c.id for c in claims_of(kb, "tiny") if c.id in fc.verdicts
    ]
    for r in reviews:
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["claimReviewed"] and r["@id"].startswith("urn:uuid:")
        assert r["author"]["name"]
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] == fc.verdicts[r["identifier"]].label
        item = r["itemReviewed"]
        assert item["@type"] == "Claim"
        appearance = item["appearance"]
        assert appearance["name"] == "Tiny example letter"
        assert appearance["datePublished"] == "2026-01-05"
        assert appearance["author"]["name"] == "Tiny Society of Examples"


def test_claimreview_rating_scale_and_sources(tiny):
    kb, g, fc = tiny
    pain = claim_with(kb, "pain scores improved")
    review = next(
        r
        for r in json.loads(render("claimreview", kb, g, fc, "tiny"))
        if r["identifier"] == pain.id
    )
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (3, 1, 5)
    assert rating["ratingExplanation"].startswith("the device figure matches")
    assert [c["name"] for c in review["citation"]] == [
        kb.works["doe2020alpha"].title,
        kb.works["poe2022alpha2y"].title,
    ]
    assert "https://doi.org/10.5555/example.2020.1" in review["citation"][0]["sameAs"]
    assert review["keywords"] == ["NUM-NOT-IN-SOURCE"]


def test_claimreview_keeps_the_analyst_apart(tiny):
    kb, g, fc = tiny
    harms = claim_with(kb, "Harms were rare")
    review = next(
        r
        for r in json.loads(render("claimreview", kb, g, fc, "tiny"))
        if r["identifier"] == harms.id
    )
    assert review["reviewRating"]["alternateName"] == "cannot verify"
    assert "ratingValue" not in review["reviewRating"]
    analyst = review["review"][0]
    assert analyst["author"] == {"@type": "Person", "name": "tester"}
    assert analyst["reviewRating"]["alternateName"] == "partly supported"


def test_claimreview_without_fact_check_is_empty(tiny):
    kb, g, _ = tiny
    assert json.loads(render("claimreview", kb, g, None, "tiny")) == []


# ---------------------------------------------------------------------------------------
# Web Annotation


def test_web_annotations_anchor_each_claim(tiny):
    kb, g, fc = tiny
    doc = kb.documents["tiny"]
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    claims = claims_of(kb, "tiny")
    assert len(annos) == len(claims)
    for a, c in zip(annos, claims, strict=True):
        assert a["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert a["type"] == "Annotation" and a["id"].startswith("urn:uuid:")
        assert a["motivation"] in ("assessing", "linking")
        target = a["target"]
        assert target["source"]["id"].startswith("urn:uuid:")
        sel = {s["type"]: s for s in target["selector"]}
        quote, pos = sel["TextQuoteSelector"], sel["TextPositionSelector"]
        assert quote["exact"] == c.text == doc.text[pos["start"] : pos["end"]]
        assert doc.text[pos["start"] - len(quote["prefix"]) : pos["start"]] == quote["prefix"]
        assert doc.text[pos["end"] : pos["end"] + len(quote["suffix"])] == quote["suffix"]
    assert len({a["id"] for a in annos}) == len(annos)


def test_web_annotation_body_has_verdict_and_sources(tiny):
    kb, g, fc = tiny
    pain = claim_with(kb, "pain scores improved")
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    a = annos[[c.id for c in claims_of(kb, "tiny")].index(pain.id)]
    assert a["motivation"] == "assessing"
    purposes = [b["purpose"] for b in a["body"]]
    assert purposes[:2] == ["assessing", "tagging"]
    assert a["body"][1]["value"] == "partly supported"
    assert {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": "https://doi.org/10.5555/example.2020.1",
    } in a["body"]
    described = [b["value"] for b in a["body"] if b["purpose"] == "describing"]
    assert len(described) == 2 and described[1].startswith("Poe P.")


def test_text_selectors_at_the_edges():
    text = "abc"
    sel = {s["type"]: s for s in text_selectors(text, 0, 3)}
    assert sel["TextQuoteSelector"]["exact"] == "abc"
    assert sel["TextQuoteSelector"]["prefix"] == "" and sel["TextQuoteSelector"]["suffix"] == ""
    assert (sel["TextPositionSelector"]["start"], sel["TextPositionSelector"]["end"]) == (0, 3)


# ---------------------------------------------------------------------------------------
# graph


def _attrs_are_scalar(g: nx.MultiDiGraph) -> None:
    for _, data in g.nodes(data=True):
        assert "record" not in data and {"kind", "label"} <= set(data)
        assert all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in data.values()
        )
    for _, _, data in g.edges(data=True):
        assert all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in data.values()
        )


def test_scalar_graph_drops_records(tiny):
    _kb, g, _ = tiny
    s = scalar_graph(g)
    _attrs_are_scalar(s)
    assert set(s.nodes) == set(g.nodes) and s.number_of_edges() == g.number_of_edges()
    work = s.nodes["work:doe2020alpha"]
    assert (work["kind"], work["work_kind"], work["doi"], work["year"], work["verified"]) == (
        "work",
        "journal-article",
        "10.5555/example.2020.1",
        2020,
        "true",
    )


def test_graphml_reads_back(tiny):
    kb, g, _ = tiny
    text = render("graphml", kb, g, None, None)
    assert text.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    back = nx.read_graphml(io.BytesIO(text))
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["outcome:alpha-1y-pain"]["value"] == 3.0
    assert back.nodes["study:alpha"]["design"] == "RCT"


def test_graph_for_a_document_keeps_what_it_leads_to(tiny):
    _kb, g, _ = tiny
    sub = scalar_graph(g, "tiny")
    assert "document:tiny" in sub and "study:alpha" in sub and "outcome:alpha-2y-harms" in sub
    assert {d["kind"] for _, d in sub.nodes(data=True)} == {
        "document",
        "claim",
        "citation",
        "entry",
        "work",
        "study",
        "outcome",
    }


def test_node_link_json(tiny):
    kb, g, _ = tiny
    data = json.loads(render("graph-json", kb, g, None, "tiny"))
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.nodes) == set(scalar_graph(g, "tiny").nodes)
    kinds = {e["kind"] for e in data["edges"]}
    assert {"contains", "has_marker", "names", "resolves_to", "reports"} <= kinds
