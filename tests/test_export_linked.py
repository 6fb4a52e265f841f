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
from tests.conftest import ROOT, TINY
from tests.exporthelp import checked, claim_with

CHECKS = ROOT / "tests" / "fixtures" / "checks"


@pytest.fixture(scope="module")
def tiny():
    """(kb, graph, the engine's fact check) of the tiny KB."""
    return checked(TINY)


@pytest.fixture(scope="module")
def bad():
    """(kb, graph, the engine's fact check) of the checks fixture."""
    return checked(CHECKS)


def review_of(reviews: list[dict], claim_id: str) -> dict:
    return next(r for r in reviews if r["identifier"] == claim_id)


# ---------------------------------------------------------------------------------------
# ClaimReview


def test_claimreview_one_per_claim_with_a_verdict(tiny):
    kb, g, fc = tiny
    reviews = json.loads(render("claimreview", kb, g, fc, "tiny"))
    # the letterhead lines (no factual claim) get no review
    assert (
        [r["identifier"] for r in reviews]
        == [c.id for c in claims_of(kb, "tiny")]
        == [
            "tiny:s02.c01",
            "tiny:s02.c02",
            "tiny:s02.c03",
            "tiny:s02.c04",
        ]
    )
    for r in reviews:
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["claimReviewed"] and r["@id"].startswith("urn:uuid:")
        assert r["author"]["name"]
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] == fc.verdicts[r["identifier"]].label
        assert rating["ratingExplanation"] == fc.verdicts[r["identifier"]].reason
        item = r["itemReviewed"]
        assert item["@type"] == "Claim"
        appearance = item["appearance"]
        assert appearance["name"] == "Tiny example letter"
        assert appearance["datePublished"] == "2026-01-05"
        assert appearance["author"]["name"] == "Tiny Society of Examples"


def test_claimreview_rating_scale_and_sources(tiny):
    kb, g, fc = tiny
    pain = claim_with(kb, "pain scores improved")
    review = review_of(json.loads(render("claimreview", kb, g, fc, "tiny")), pain.id)
    rating = review["reviewRating"]
    assert rating["alternateName"] == "supported"
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (5, 1, 5)
    assert rating["ratingExplanation"] == (
        "3.0 points with the device versus 1.0 point and p < 0.001 match doe2020alpha."
    )
    assert [c["name"] for c in review["citation"]] == [
        kb.works["doe2020alpha"].title,
        kb.works["poe2022alpha2y"].title,
    ]
    assert "https://doi.org/10.5555/example.2020.1" in review["citation"][0]["sameAs"]
    assert review["keywords"] == ["CIT-UNVERIFIED", "NUM-MATCH"]


def test_claimreview_rates_the_faults_low(bad):
    kb, g, fc = bad
    reviews = json.loads(render("claimreview", kb, g, fc, "bad"))
    ratings = {
        cid: review_of(reviews, cid)["reviewRating"].get("ratingValue")
        for cid in ("bad:s02.c01", "bad:s02.c02", "bad:s02.c04", "bad:s02.c07")
    }
    # partly supported (an RCT given by its treated counts), contradicted, contradicted (16 for
    # 160), source not available (no value)
    assert ratings == {
        "bad:s02.c01": 3,
        "bad:s02.c02": 1,
        "bad:s02.c04": 1,
        "bad:s02.c07": None,
    }
    assert review_of(reviews, "bad:s02.c02")["keywords"] == [
        "CIT-DUPLICATE-WORK",
        "CONS-NEGATION",
        "NUM-CONTRADICTED",
    ]


def test_claimreview_keeps_the_analyst_apart(tiny):
    kb, g, fc = tiny
    harms = claim_with(kb, "Harms were rare")
    reviews = json.loads(render("claimreview", kb, g, fc, "tiny"))
    review = review_of(reviews, harms.id)
    assert review["reviewRating"]["alternateName"] == "source not available"
    assert "ratingValue" not in review["reviewRating"]
    analyst = review["review"][0]
    assert analyst["author"] == {"@type": "Person", "name": "tester"}
    assert analyst["reviewRating"]["alternateName"] == "partly supported"
    assert analyst["reviewBody"] == "only two-year data"
    assert all("review" not in r for r in reviews if r["identifier"] != harms.id)


# ---------------------------------------------------------------------------------------
# Web Annotation


def test_web_annotations_anchor_each_claim(tiny):
    kb, g, fc = tiny
    doc = kb.documents["tiny"]
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    claims = claims_of(kb, "tiny")
    assert len(annos) == len(claims) == 4
    for a, c in zip(annos, claims, strict=True):
        assert a["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert a["type"] == "Annotation" and a["id"].startswith("urn:uuid:")
        assert a["motivation"] == "assessing"
        target = a["target"]
        assert target["source"]["id"].startswith("urn:uuid:")
        sel = {s["type"]: s for s in target["selector"]}
        quote, pos = sel["TextQuoteSelector"], sel["TextPositionSelector"]
        assert quote["exact"] == c.text == doc.text[pos["start"] : pos["end"]]
        assert doc.text[pos["start"] - len(quote["prefix"]) : pos["start"]] == quote["prefix"]
        assert doc.text[pos["end"] : pos["end"] + len(quote["suffix"])] == quote["suffix"]
        assert a["body"][1] == {
            "purpose": "tagging",
            "type": "TextualBody",
            "value": fc.verdict(c.id).label,
        }
    assert len({a["id"] for a in annos}) == len(annos)


def test_web_annotation_body_has_verdict_and_sources(tiny):
    kb, g, fc = tiny
    pain = claim_with(kb, "pain scores improved")
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    a = annos[[c.id for c in claims_of(kb, "tiny")].index(pain.id)]
    assert a["motivation"] == "assessing"
    purposes = [b["purpose"] for b in a["body"]]
    assert purposes[:4] == ["assessing", "tagging", "classifying", "classifying"]
    assert a["body"][0]["value"] == (
        "supported: 3.0 points with the device versus 1.0 point and p < 0.001 match doe2020alpha."
    )
    assert a["body"][1]["value"] == "supported"
    assert [b["value"] for b in a["body"] if b["purpose"] == "classifying"] == [
        "CIT-UNVERIFIED",
        "NUM-MATCH",
    ]
    assert {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": "https://doi.org/10.5555/example.2020.1",
    } in a["body"]
    described = [b["value"] for b in a["body"] if b["purpose"] == "describing"]
    assert len(described) == 2 and described[1].startswith("Poe P.")


def test_web_annotation_carries_the_analyst_as_a_comment(tiny):
    kb, g, fc = tiny
    harms = claim_with(kb, "Harms were rare")
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    a = annos[[c.id for c in claims_of(kb, "tiny")].index(harms.id)]
    comments = [b["value"] for b in a["body"] if b["purpose"] == "commenting"]
    assert comments == ["analyst (tester): partly supported: only two-year data"]
    assert a["body"][1]["value"] == "source not available"


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
