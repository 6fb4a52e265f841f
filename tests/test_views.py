"""kb.views: the tables, HTML and graph structures the pages show, on the tiny KB."""

from __future__ import annotations

import pytest

from kb import views
from kb.graph import neighbourhood, trace
from kb.model import Outcome
from tests.ui_helpers import fake_factcheck_module


@pytest.fixture(scope="module")
def checks(tiny_kb, tiny_graph):
    mod = fake_factcheck_module()
    return views.Checks.of(mod.fact_check(tiny_kb, tiny_graph), mod.analyst_verdicts(tiny_kb))


@pytest.fixture(scope="module")
def none_checks():
    return views.Checks.unavailable("engine missing")


@pytest.mark.parametrize(
    "label, symbol",
    [
        ("supported", "✓"),
        ("not supported", "✗"),
        ("partly supported", "◐"),
        ("cannot verify", "?"),
        (None, "○"),
        ("something new", "•"),
    ],
)
def test_verdict_badge_reads_without_colour(label, symbol):
    badge = views.verdict_badge(label)
    assert badge.startswith(symbol)
    assert (label or "not checked") in badge


def test_checks_read_the_engine_result(checks):
    assert checks.available
    assert checks.verdict("tiny:s02.c02").label == "not supported"
    assert checks.verdict("claim:tiny:s02.c02").label == "not checked"  # ids are bare
    assert checks.verdict("tiny:s01.c01").label == "not checked"
    assert [f.code for f in checks.findings_of("tiny:s02.c02")] == ["NUM_MISMATCH"]
    assert checks.worst_severity("tiny:s02.c02") == "error"
    assert checks.worst_severity("tiny:s01.c01") == ""
    assert [m.status for m in checks.matches["tiny:s02.c02"]] == ["matched", "near miss"]
    assert checks.analyst["tiny:s02.c03"][0].label == "partly supported"
    assert "tester" in checks.analyst["tiny:s02.c03"][0].who


def test_checks_tolerate_claim_prefixes_and_plain_labels():
    fc = {"verdicts": {"claim:d:s1.c1": "supported"}, "findings": [], "matches": {}}
    c = views.Checks.of(fc)
    assert c.verdict("d:s1.c1").label == "supported"


def test_unavailable_checks_say_not_checked(none_checks):
    assert not none_checks.available and none_checks.note == "engine missing"
    assert none_checks.verdict("tiny:s02.c01").label == "not checked"
    assert none_checks.findings_of("tiny:s02.c01") == []


def test_analyst_fallback_anchors_quotes_to_claims(tiny_kb):
    analyst = views.analyst_from_assessments(tiny_kb)
    assert [a.label for a in analyst["tiny:s02.c03"]] == ["partly supported"]
    assert "only two-year data" in analyst["tiny:s02.c03"][0].reason


def test_claim_rows_carry_verdict_codes_refs_and_sources(tiny_kb, tiny_graph, checks):
    rows = {r["claim"]: r for r in views.claim_rows(tiny_kb, tiny_graph, checks, "tiny")}
    assert len(rows) == len(list(tiny_kb.claims("tiny")))
    r = rows["tiny:s02.c02"]
    assert r["verdict"] == "✗ not supported" and r["verdict_label"] == "not supported"
    assert r["codes"] == "NUM_MISMATCH" and r["severity"] == "error"
    assert r["refs"] == "1, 2"
    assert r["works"] == "doe2020alpha, poe2022alpha2y" and r["studies"] == "alpha"
    assert r["section"] == "Overview" and r["id"] == "s02.c02"
    assert rows["tiny:s02.c03"]["analyst"] == "partly supported"
    assert rows["tiny:s01.c01"]["refs"] == "—" and rows["tiny:s01.c01"]["severity"] == "—"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, None),
        ({"verdicts": ["not supported"]}, ["tiny:s02.c02"]),
        ({"severities": ["warning"]}, ["tiny:s02.c03"]),
        ({"codes": ["NON_PUBLICATION"]}, ["tiny:s02.c04"]),
        ({"studies": ["alpha"]}, ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03"]),
        ({"sections": ["Preamble"]}, ["tiny:s01.c01", "tiny:s01.c02"]),
        ({"query": "HARMS rare"}, ["tiny:s02.c03"]),
        ({"query": "poe2022alpha2y"}, ["tiny:s02.c02", "tiny:s02.c03"]),
        ({"verdicts": ["supported"], "query": "harms"}, []),
        ({"factual_only": True}, ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03", "tiny:s02.c04"]),
        ({"factual_only": True, "sections": ["Preamble"]}, []),
    ],
)
def test_filter_claims(tiny_kb, tiny_graph, checks, filters, expected):
    rows = views.claim_rows(tiny_kb, tiny_graph, checks, "tiny")
    got = [r["claim"] for r in views.filter_claims(rows, **filters)]
    assert got == (expected if expected is not None else [r["claim"] for r in rows])


def test_reader_html_highlights_each_claim_with_its_label(tiny_kb, checks):
    doc = tiny_kb.documents["tiny"]
    claims = list(tiny_kb.claims("tiny"))
    out = views.reader_html(
        doc.text, claims, checks, "tiny:s02.c02", href=lambda cid: f"?claim={cid}"
    )
    assert out.count('class="kb-claim') == len(claims)
    assert 'kb-claim kb-selected" id="tiny:s02.c02"' in out
    assert "✗ not supported · s02.c02" in out
    assert 'href="?claim=tiny:s02.c03"' in out
    assert "¹" in out and "^{1,2}" in out  # markers stay visible
    assert "<p>" in out and "References" in out  # text outside claims is kept


def test_reader_html_escapes_text():
    from types import SimpleNamespace as NS

    text = "Risk <b>1</b> & more."
    c = NS(id="d:s1.c1", start=0, end=len(text))
    out = views.reader_html(text, [c], views.Checks.unavailable("x"))
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out


def test_number_rows_side_by_side_with_provenance(tiny_kb, checks):
    claim = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c02")
    rows = views.number_rows(claim, checks, tiny_kb.outcomes, tiny_kb.works)
    assert [r["letter says"] for r in rows] == ["3.0 points", "1.0 point"]
    assert [r["status"] for r in rows] == ["✓ matched", "≈ near miss"]
    assert rows[0]["source says"] == "3 points vs 1 points"  # the value with its comparator
    assert rows[0]["provenance"] == (
        "doe2020alpha, PMID 11111111 / DOI 10.5555/example.2020.1, abstract, results, verified"
    )


def test_number_rows_without_factcheck_are_not_checked(tiny_kb, none_checks):
    claim = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c02")
    rows = views.number_rows(claim, none_checks, tiny_kb.outcomes, tiny_kb.works)
    assert rows and {r["status"] for r in rows} == {"○ not checked"}
    assert [r["letter says"] for r in rows] == [n.text for n in claim.numbers]


def test_outcome_rows_show_locator_and_verified_flag(tiny_kb):
    rows = {r["id"]: r for r in views.outcome_rows(tiny_kb.outcomes.values(), tiny_kb.works)}
    assert rows["alpha-2y-harms"]["value"] == "2 (4.2%)"
    assert rows["alpha-2y-harms"]["verified"] == "cited-only"
    assert rows["alpha-2y-harms"]["PMID/DOI"] == "no PMID or DOI"
    assert rows["alpha-1y-pain"]["comparator"] == "1 points"
    assert rows["alpha-1y-pain"]["p"] == "<0.001"
    assert rows["alpha-n"]["locator"] == "abstract, methods"


def test_unknown_is_said(tiny_kb):
    from dataclasses import replace

    o = replace(tiny_kb.outcomes["alpha-n"], value=None, value_text=None, locator=None)
    assert views.outcome_value(o) == "unknown"
    assert "locator unknown" in views.provenance(o, tiny_kb.works)


def test_study_and_work_rows_and_filters(tiny_kb):
    s_rows = views.study_rows(tiny_kb)
    assert s_rows[0]["study"] == "alpha" and s_rows[0]["years"] == "2020–2022"
    assert "NPRS" in s_rows[0]["measures"]
    assert views.filter_studies(tiny_kb, s_rows, designs=["RCT"]) == s_rows
    assert views.filter_studies(tiny_kb, s_rows, designs=["decision model"]) == []
    assert views.filter_studies(tiny_kb, s_rows, years=(2021, 2023)) == s_rows
    assert views.filter_studies(tiny_kb, s_rows, measures=["cost"]) == []
    w_rows = views.work_rows(tiny_kb)
    keys = lambda rows: sorted(r["work"] for r in rows)
    assert keys(w_rows) == ["doe2020alpha", "poe2022alpha2y", "tinynote"]
    assert keys(views.filter_works(tiny_kb, w_rows, years=(2021, 2025))) == ["poe2022alpha2y"]
    assert keys(views.filter_works(tiny_kb, w_rows, measures=["harms"])) == ["poe2022alpha2y"]
    assert keys(views.filter_works(tiny_kb, w_rows, sponsors=["Example Devices Inc."])) == [
        "doe2020alpha",
        "poe2022alpha2y",
    ]
    note = next(r for r in w_rows if r["work"] == "tinynote")
    assert note["year"] == "unknown" and note["record"] == "cited-only"


def test_study_facts_say_unknown(tiny_kb):
    facts = dict(views.study_facts(tiny_kb.studies["alpha"]))
    assert facts["design"] == "RCT" and facts["sponsor"] == "Example Devices Inc."
    assert facts["arms (randomized)"] == "device=50; usual care=50"


def test_finding_rows_and_counts(checks):
    rows = views.finding_rows(checks, "tiny")
    assert [r["severity"] for r in rows] == ["error", "warning", "info"]
    assert views.finding_rows(checks, "other") == []
    counts = views.finding_counts(rows)
    assert {(c["code"], c["severity"], c["count"]) for c in counts} == {
        ("NUM_MISMATCH", "error", 1),
        ("CITED_ONLY", "warning", 1),
        ("NON_PUBLICATION", "info", 1),
    }


def test_evidence_graph_links_claims_straight_to_works(tiny_graph):
    eg = views.evidence_graph(tiny_graph)
    assert {d["kind"] for _, d in eg.nodes(data=True)} == {"claim", "work", "study", "outcome"}
    cited = {v for _, v, k in eg.out_edges("claim:tiny:s02.c02", data="kind") if k == "cites"}
    assert cited == {"work:doe2020alpha", "work:poe2022alpha2y"}
    near = neighbourhood(eg, "study:alpha", depth=2)
    assert "claim:tiny:s02.c03" in near and near.number_of_nodes() <= 200


def test_graph_elements_for_the_link_analysis_widget(tiny_graph):
    sub = neighbourhood(tiny_graph, "study:alpha", depth=1)
    el = views.graph_elements(sub, "study:alpha")
    ids = {n["data"]["id"] for n in el["nodes"]}
    assert ids == set(sub.nodes)
    focus = next(n for n in el["nodes"] if n["data"]["id"] == "study:alpha")
    assert focus["data"]["label"] == "focus" and focus["data"]["kind"] == "study"
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in el["edges"])
    assert len(el["edges"]) == sub.number_of_edges()


def test_chain_dot_is_a_digraph_of_the_claim(tiny_graph):
    dot = views.chain_dot(trace(tiny_graph, "tiny:s02.c02"))
    assert dot.startswith("digraph chain {") and dot.rstrip().endswith("}")
    assert "doe2020alpha" in dot and "poe2022alpha2y" in dot and "Alpha trial" in dot
    assert "ref1 -> w_doe2020alpha" in dot
    assert dot.count("{") == dot.count("}")


def test_fallback_claim_source_rows(tiny_kb, tiny_graph, checks):
    rows = views.claim_source_rows_fallback(
        tiny_kb, tiny_graph, checks, "tiny", ["tiny:s02.c02", "tiny:s01.c01"]
    )
    assert [(r["claim"], r["ref"]) for r in rows] == [
        ("tiny:s01.c01", ""),
        ("tiny:s02.c02", 1),
        ("tiny:s02.c02", 2),
    ]


def test_chain_dot_puts_preferred_numbers_first_with_provenance(tiny_graph):
    dot = views.chain_dot(
        trace(tiny_graph, "tiny:s02.c03"), max_outcomes=1, prefer=["alpha-2y-harms"]
    )
    assert "o_alpha_2y_harms" in dot and "o_alpha_n " not in dot
    assert "poe2022alpha2y, abstract, results, cited-only" in dot
    assert "+2 more numbers" in dot


@pytest.mark.parametrize(
    "kind, outcome, says",
    [
        (
            "p_value",
            Outcome(
                "o",
                "s",
                "w",
                "harms",
                value=5.6,
                unit="%",
                comparator_value=12.1,
                p_value="<0.0001",
            ),
            "p <0.0001",
        ),
        (
            "p_value",
            Outcome("o", "s", "w", "harms", value=5.6, unit="%"),
            "no p-value recorded (5.6%)",
        ),
        (
            "comparison",
            Outcome("o", "s", "w", "harms", value=5.6, unit="%", comparator_value=12.1),
            "5.6% vs 12.1%",
        ),
        ("percent", Outcome("o", "s", "w", "harms", value=5.6, unit="%"), "5.6%"),
    ],
)
def test_source_says_answers_in_the_terms_of_the_stated_number(kind, outcome, says):
    assert views.source_says(outcome, kind) == says


def test_number_rows_carry_the_curators_note(tiny_kb):
    from dataclasses import replace

    from kb import views

    claim = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c02")
    outcomes = dict(tiny_kb.outcomes)
    outcomes["alpha-1y-pain"] = replace(outcomes["alpha-1y-pain"], note="read off figure 2")
    checks = views.Checks(
        True, matches={claim.id: (views.MatchView("3.0 points", "matched", "alpha-1y-pain", ""),)}
    )
    (row,) = views.number_rows(claim, checks, outcomes, tiny_kb.works)
    assert row["note"] == "read off figure 2"


def test_full_chain_keeps_the_works_studies_and_numbers_of_the_evidence_view():
    from kb.graph import build_graph, neighbourhood
    from kb.load import load_kb
    from kb.views.graph import evidence_graph, full_chain
    from tests.conftest import DATA

    g = build_graph(load_kb(DATA))
    ev = evidence_graph(g)
    claim = "claim:nysipp-2026:s08.c09"
    sub = neighbourhood(ev, claim, depth=2)
    chain = full_chain(g, sub)
    kinds = {g.nodes[n]["kind"] for n in chain}
    assert set(sub) <= set(chain)  # nothing of the evidence view is lost
    assert {"citation", "entry", "work", "study"} <= kinds
    # each added marker and entry lies on a path from a claim of the view to a work of it
    for n in set(chain) - set(sub):
        assert g.nodes[n]["kind"] in ("citation", "entry")
