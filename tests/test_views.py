"""kb.views: the tables, HTML and graph structures the pages show, on the tiny KB."""

from __future__ import annotations

import pytest

from kb import views
from kb.checks.factcheck import analyst_verdicts, fact_check
from kb.graph import build_graph, neighbourhood, trace
from kb.load import load_kb
from kb.model import Outcome
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def checks(tiny_kb, tiny_graph):
    """The engine's fact check of the tiny KB."""
    return fact_check(tiny_kb, tiny_graph)


@pytest.fixture(scope="module")
def analyst(tiny_kb):
    return analyst_verdicts(tiny_kb)


@pytest.fixture(scope="module")
def bad():
    """(kb, fact check) of the checks fixture."""
    kb = load_kb(ROOT / "tests" / "fixtures" / "checks")
    return kb, fact_check(kb, build_graph(kb))


@pytest.mark.parametrize(
    "label, symbol",
    [
        ("supported", "✓"),
        ("not supported", "✗"),
        ("partly supported", "◐"),
        ("cannot verify", "?"),
        ("source not available", "?"),
        ("needs reading", "☞"),
        (None, "○"),
        ("something new", "•"),
        ("contradicted", "‼"),
        ("cites a non-publication", "§"),
        ("no factual claim", "–"),
    ],
)
def test_verdict_badge_reads_without_colour(label, symbol):
    badge = views.verdict_badge(label)
    assert badge.startswith(symbol)
    assert (label or "not checked") in badge


def test_the_engines_verdicts_on_the_tiny_kb(checks):
    labels = {cid: v.label for cid, v in checks.verdicts.items()}
    assert labels == {
        "tiny:s01.c01": "no factual claim",
        "tiny:s01.c02": "no factual claim",
        "tiny:s02.c01": "supported",
        "tiny:s02.c02": "supported",
        "tiny:s02.c03": "source not available",
        "tiny:s02.c04": "cites a non-publication",
    }
    with pytest.raises(KeyError, match="claim:tiny:s02.c02"):  # ids are bare, none is guessed
        checks.verdict("claim:tiny:s02.c02")
    assert [f.code for f in checks.findings_of("tiny:s02.c02")] == ["NUM-MATCH"]
    assert checks.verdict_codes("tiny:s02.c02") == ("CIT-UNVERIFIED", "NUM-MATCH")
    # the note claim's finding is about its reference, not the claim itself
    assert checks.findings_of("tiny:s02.c04") == ()
    assert [f.code for f in checks.findings_behind("tiny:s02.c04")] == ["CIT-NON-PUBLICATION"]
    # the severity counts what the verdict rests on: the claim's own NUM-MATCH (info) and the
    # CIT-UNVERIFIED warning about ref 2 it cites; a note reference's warning likewise
    assert checks.worst_severity("tiny:s02.c02") == "warning"
    assert checks.worst_severity("tiny:s02.c04") == "warning"
    assert checks.worst_severity("tiny:s02.c01") == "info"
    assert checks.worst_severity("tiny:s01.c01") == ""
    assert [(m.number.text, m.status, m.outcome.id) for m in checks.matches_of("tiny:s02.c02")] == [
        ("3.0 points with the device versus 1.0 point", "matched", "alpha-1y-pain"),
        ("p < 0.001", "matched", "alpha-1y-pain"),
    ]
    assert [(m.number.text, m.outcome.id) for m in checks.matches_of("tiny:s02.c01")] == [
        ("100 patients", "alpha-n")
    ]


def test_analyst_judgments_are_anchored_to_claims(analyst):
    assert list(analyst) == ["tiny:s02.c03"]
    a = analyst["tiny:s02.c03"]
    assert (a.verdict, a.note, a.claim) == (
        "partly supported",
        "only two-year data",
        "tiny:s02.c03",
    )
    assert views.analyst_label(a) == "tester, 2026-01-06"


def test_claim_rows_carry_verdict_codes_refs_and_sources(tiny_kb, tiny_graph, checks, analyst):
    rows = {r["claim"]: r for r in views.claim_rows(tiny_kb, tiny_graph, checks, "tiny", analyst)}
    assert len(rows) == len(list(tiny_kb.claims("tiny")))
    r = rows["tiny:s02.c02"]
    assert r["verdict"] == "✓ supported" and r["verdict_label"] == "supported"
    assert r["codes"] == "CIT-UNVERIFIED, NUM-MATCH" and r["severity"] == "warning"
    assert r["refs"] == "1, 2"
    assert r["works"] == "doe2020alpha, poe2022alpha2y" and r["studies"] == "alpha"
    assert r["section"] == "Overview" and r["id"] == "s02.c02" and r["analyst"] == "—"
    assert rows["tiny:s02.c03"]["analyst"] == "partly supported"
    assert rows["tiny:s02.c03"]["verdict"] == "? source not available"
    assert rows["tiny:s02.c04"]["verdict"] == "§ cites a non-publication"
    assert rows["tiny:s02.c04"]["codes"] == "CIT-NON-PUBLICATION"
    assert rows["tiny:s02.c04"]["studies"] == ""
    letterhead = rows["tiny:s01.c01"]
    assert letterhead["verdict"] == "– no factual claim" and not letterhead["factual"]
    assert letterhead["refs"] == "—" and letterhead["severity"] == "—" and letterhead["codes"] == ""


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, None),
        ({"verdicts": ["cites a non-publication"]}, ["tiny:s02.c04"]),
        (
            {"verdicts": ["supported", "source not available"]},
            ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03"],
        ),
        ({"severities": ["info"]}, ["tiny:s02.c01"]),
        ({"severities": ["warning"]}, ["tiny:s02.c02", "tiny:s02.c03", "tiny:s02.c04"]),
        ({"codes": ["CIT-NON-PUBLICATION"]}, ["tiny:s02.c04"]),
        ({"codes": ["CIT-UNVERIFIED"]}, ["tiny:s02.c02", "tiny:s02.c03"]),
        ({"studies": ["alpha"]}, ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03"]),
        ({"sections": ["Preamble"]}, ["tiny:s01.c01", "tiny:s01.c02"]),
        ({"query": "HARMS rare"}, ["tiny:s02.c03"]),
        ({"query": "poe2022alpha2y"}, ["tiny:s02.c02", "tiny:s02.c03"]),
        ({"verdicts": ["supported"], "query": "harms"}, []),
        ({"verdicts": ["supported"], "codes": ["CIT-UNVERIFIED"]}, ["tiny:s02.c02"]),
        ({"factual_only": True}, ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03", "tiny:s02.c04"]),
        ({"factual_only": True, "sections": ["Preamble"]}, []),
    ],
)
def test_filter_claims(tiny_kb, tiny_graph, checks, analyst, filters, expected):
    rows = views.claim_rows(tiny_kb, tiny_graph, checks, "tiny", analyst)
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
    assert "✓ supported · s02.c02" in out and "✓ supported · s02.c01" in out
    assert (
        "? source not available · s02.c03" in out and "§ cites a non-publication · s02.c04" in out
    )
    # letterhead lines are labelled quietly, not highlighted
    assert '<a class="kb-label kb-quiet" href="?claim=tiny:s01.c01"' in out
    assert 'data-verdict="no factual claim"' in out
    assert 'href="?claim=tiny:s02.c03"' in out
    assert "¹" in out and "^{1,2}" in out  # markers stay visible
    assert "<p>" in out and "References" in out  # text outside claims is kept


def test_reader_html_escapes_text(tiny_kb, checks):
    from dataclasses import replace

    text = "Risk <b>1</b> & more."
    claim = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c01")
    out = views.reader_html(text, [replace(claim, start=0, end=len(text))], checks)
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    assert "✓ supported · s02.c01" in out


def test_number_rows_side_by_side_with_provenance(tiny_kb, checks):
    claim = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c02")
    rows = views.number_rows(claim, checks, tiny_kb.works)
    assert [r["letter says"] for r in rows] == [
        "3.0 points with the device versus 1.0 point",
        "p < 0.001",
    ]
    assert [r["status"] for r in rows] == ["✓ matched", "✓ matched"]
    # each answered in the terms of the stated number: the comparison, then the p value
    # as the source prints them: 3.0 and 1.0 keep their decimal
    assert [r["source says"] for r in rows] == ["3.0 points vs 1.0 points", "p <0.001"]
    assert rows[0]["measure"] == "NPRS · device · 1 year"
    assert rows[0]["provenance"] == (
        "doe2020alpha, PMID 11111111 / DOI 10.5555/example.2020.1, abstract, results, verified"
    )
    assert rows[0]["why"].startswith('"3.0 points with the device versus 1.0 point" is in')
    sample = next(c for c in tiny_kb.claims("tiny") if c.id == "tiny:s02.c01")
    (row,) = views.number_rows(sample, checks, tiny_kb.works)
    assert (row["letter says"], row["source says"], row["measure"]) == (
        "100 patients",
        "100 patients",
        "sample size · both · baseline",
    )


def test_number_rows_of_a_claim_with_no_match_are_not_checked(bad):
    kb, fc = bad
    claim = next(c for c in kb.claims("bad") if c.id == "bad:s02.c10")  # "Five-year results…"
    assert fc.matches_of(claim.id) == ()
    rows = views.number_rows(claim, fc, kb.works)
    assert [(r["letter says"], r["status"], r["source says"]) for r in rows] == [
        ("Five-year", "○ not checked", "—")
    ]


def test_number_rows_of_the_checks_fixture_show_each_status(bad):
    kb, fc = bad
    claims = {c.id: c for c in kb.claims("bad")}
    near = views.number_rows(claims["bad:s02.c04"], fc, kb.works)
    assert [(r["letter says"], r["status"]) for r in near] == [("16 patients", "≈ near miss")]
    assert near[0]["source says"] == "160 patients"
    missing = views.number_rows(claims["bad:s02.c06"], fc, kb.works)
    assert [(r["status"], r["source says"], r["provenance"]) for r in missing] == [
        (views.match_label("not in source"), views.UNKNOWN, "")
    ]
    note = views.number_rows(claims["bad:s03.c04"], fc, kb.works)
    assert [r["status"] for r in note] == ["○ not checked", "○ not checked"]
    assert note[0]["why"] == "cites only a non-publication: datanote (note)"


def test_outcome_rows_show_locator_and_verified_flag(tiny_kb):
    rows = {r["id"]: r for r in views.outcome_rows(tiny_kb.outcomes.values(), tiny_kb.works)}
    assert rows["alpha-2y-harms"]["value"] == "2 (4.2%)"
    assert rows["alpha-2y-harms"]["verified"] == "cited-only"
    assert rows["alpha-2y-harms"]["PMID/DOI"] == "no PMID or DOI"
    assert rows["alpha-1y-pain"]["comparator"] == "1.0 points"
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

    def keys(rows):
        return sorted(r["work"] for r in rows)

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


def test_finding_rows_and_counts(tiny_kb, checks):
    rows = views.finding_rows(tiny_kb, checks, "tiny")
    assert [(r["severity"], r["code"], r["claim"]) for r in rows] == [
        ("warning", "CIT-NON-PUBLICATION", "—"),
        ("warning", "CIT-UNVERIFIED", "—"),
        ("info", "EVID-SPONSOR", "—"),
        ("info", "NUM-MATCH", "tiny:s02.c01"),
        ("info", "NUM-MATCH", "tiny:s02.c02"),
    ]
    assert rows[1]["works"] == "poe2022alpha2y" and rows[1]["refs"] == "2"
    assert views.finding_rows(tiny_kb, checks, "other") == []
    assert views.finding_rows(tiny_kb, checks) == rows  # one document: all findings are its own
    counts = views.finding_counts(rows)
    assert {(c["code"], c["severity"], c["count"]) for c in counts} == {
        ("CIT-NON-PUBLICATION", "warning", 1),
        ("CIT-UNVERIFIED", "warning", 1),
        ("EVID-SPONSOR", "info", 1),
        ("NUM-MATCH", "info", 2),
    }


def test_finding_rows_keep_documents_apart(bad):
    kb, fc = bad
    prior = views.finding_rows(kb, fc, "prior")
    assert [(r["severity"], r["code"], r["claim"]) for r in prior] == [
        ("warning", "CIT-UNCITED", "prior:s01.c03")
    ]
    rows = views.finding_rows(kb, fc, "bad")
    assert [r["severity"] for r in rows[:5]] == ["error"] * 5
    assert rows[5]["severity"] != "error"
    assert {r["code"] for r in rows[:5]} == {
        "ARITH-P-VALUE-FLIP",
        "ARITH-SIGNIFICANCE",
        "CIT-NO-ENTRY",
        "CONS-NEGATION",
        "NUM-CONTRADICTED",
    }
    assert len(rows) + len(prior) == len(fc.findings)


def test_the_findings_page_and_the_exports_share_one_rule(bad):
    """Which findings belong to a document is decided once (views.findings_about)."""
    from kb.export.tables import finding_rows as export_rows

    kb, fc = bad
    for doc in ("bad", "prior"):
        page = sorted((r["code"], r["message"]) for r in views.finding_rows(kb, fc, doc))
        sheet = sorted((r["code"], r["message"]) for r in export_rows(kb, fc, doc))
        assert page == sheet and page


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


def test_number_rows_carry_the_curators_note(tmp_path):
    import shutil

    from kb import views
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph
    from kb.load import load_kb
    from tests.conftest import TINY

    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    path = data / "outcomes.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("alpha-1y-pain,"))
    assert row.endswith(",true,")
    path.write_text(text.replace(row, row + "read off figure 2"), encoding="utf-8")
    kb = load_kb(data)
    fc = fact_check(kb, build_graph(kb))
    claim = next(c for c in kb.claims("tiny") if c.id == "tiny:s02.c02")
    rows = views.number_rows(claim, fc, kb.works)
    # both numbers of the claim (the change and its p-value) are found in alpha-1y-pain
    assert [r["status"] for r in rows] == ["✓ matched", "✓ matched"]
    assert [r["note"] for r in rows] == ["read off figure 2", "read off figure 2"]


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


def test_every_verdict_has_a_streamlit_badge_colour():
    from kb.views.common import (
        BADGE_COLOURS,
        VERDICT_BADGE_COLOURS,
        VERDICT_STYLES,
        verdict_badge_colour,
    )

    assert set(VERDICT_BADGE_COLOURS) == set(VERDICT_STYLES)
    assert set(VERDICT_BADGE_COLOURS.values()) <= BADGE_COLOURS
    # the two undecided verdicts and the decided ones read apart by colour as well as symbol
    assert verdict_badge_colour("source not available") != verdict_badge_colour("needs reading")
    assert verdict_badge_colour("Supported") == "green"  # labels are matched without case
    assert verdict_badge_colour("an analyst's own word") == "gray"
    assert verdict_badge_colour(None) == "gray"
