"""The summary of findings: grouping, derived figures, MCID sentences, the machine's facts,
the analyst's certainty ratings in the review log, the CLI, the exports and the FHIR Bundle.

The bundled letter's table is kept as a golden file (tests/golden/nysipp-2026-sof.txt),
reviewed row by row against data/outcomes.csv and data/studies.csv.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from kb import review
from kb.checks.factcheck import fact_check
from kb.cli import main, sof_table
from kb.export import render
from kb.graph import build_graph
from kb.load import load_kb
from kb.model import Outcome, Study
from kb.views.sof import SYNONYMS, derived, groups_of, mcid_statement, sof_view, study_n
from tests.conftest import ROOT, TINY

DATA = ROOT / "data"
CHECKS_CLEAN = ROOT / "tests" / "fixtures" / "checks_clean"
DOC = "nysipp-2026"
GOLDEN = ROOT / "tests" / "golden" / "nysipp-2026-sof.txt"
GROUP = {g.key: g for g in SYNONYMS}


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb(DATA)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


@pytest.fixture
def log(tmp_path):
    return review.ReviewLog(tmp_path / "review.sqlite")


def _o(measure, outcome="", **kw) -> Outcome:
    return Outcome(id="x", study="s", work="w", measure=measure, outcome=outcome, **kw)


@pytest.mark.parametrize(
    "measure, outcome, groups",
    [
        ("ODI", "ODI improvement", ["odi"]),
        ("responder rate", "share of ODI responders", ["odi"]),
        ("NPRS", "NPRS leg pain improvement", ["pain"]),
        ("VAS", "VAS pain", ["pain"]),
        ("PDI", "Pain Disability Index improvement", ["disability-other"]),
        ("ZCQ physical function", "ZCQ physical function improvement", ["zcq"]),
        ("WTT", "walking tolerance test improvement", ["walking"]),
        ("walking distance", "walking distance", ["walking"]),
        ("treatment failure", "subsequent disallowed procedure", ["subsequent"]),
        ("surgery", "open lumbar decompression at the same level(s)", ["subsequent"]),
        ("adverse events", "device- or procedure-related adverse events", ["harms"]),
        ("harms", "incidence of harms", ["harms"]),
        ("harms or subsequent intervention", "harms plus subsequent interventions", ["composite"]),
        ("MME", "opioid dose (MME per day)", ["opioids"]),
        ("other", "VAS, ODI, ZCQ and SF-12v2", ["odi", "pain", "zcq"]),
        ("sample size", "number of patients with ODI", []),
        ("responsiveness", "responsiveness of ODI and ZCQ", []),
    ],
)
def test_synonym_table(measure, outcome, groups):
    assert [g.key for g in groups_of(_o(measure, outcome))] == groups


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"enrolled": "total=302", "randomized": "mild=149; ESI=153"}, 302),
        ({"enrolled": "mild=2229; spacers=3401"}, 5630),
        ({"enrolled": "treated=40"}, 40),
        ({"analysed": "1y a=69; 2y a=64"}, None),  # timepoints are not added up
        ({}, None),
    ],
)
def test_study_n(fields, expected):
    assert study_n(Study(id="s", name="s", design="RCT", works=(), **fields))[0] == expected


def test_derived_figures_carry_their_formula():
    rd, rr = derived(_o("harms", "harms", arm="mild", value=1.9, comparator_value=5.8, unit="%"))
    assert rd == {
        "what": "risk difference",
        "value": "-3.9 percentage points",
        "formula": "mild % − comparator % = 1.9 − 5.8",
    }
    assert rr["what"] == "risk ratio" and rr["value"] == "0.33"
    change = derived(
        _o("VAS", "VAS pain", timepoint="baseline -> 12 months", value=3.6, comparator_value=7.1)
    )
    assert change == [
        {
            "what": "change from baseline",
            "value": "-3.5",
            "formula": "follow-up value − baseline value = 3.6 − 7.1",
        }
    ]
    share = derived(_o("surgery", "surgery", count=9, denominator=75))
    assert share[0]["value"] == "12.0%" and "9 ÷ 75" in share[0]["formula"]
    assert derived(_o("ODI", "ODI improvement", value=16.9, unit="points")) == []


def test_mcid_sentence_only_for_a_change_in_the_same_unit(bundled):
    kb = bundled[0]
    mcid = [
        {"measure": "ODI", "mcid": "10", "unit": "points", "source": "encore2016rct6m",
         "locator": "abstract", "population": "", "note": ""},
    ]  # fmt: skip
    odi = GROUP["odi"]
    up = _o("ODI", "ODI improvement", value=16.9, unit="points")
    assert mcid_statement(up, odi, mcid, kb).startswith(
        "the change of 16.9 points exceeds the MCID of 10 points reported by encore2016rct6m "
        "(PMID 26815247, abstract)"
    )
    small = _o("ODI", "ODI improvement", value=8, unit="points")
    assert "does not exceed the MCID of 10 points" in mcid_statement(small, odi, mcid, kb)
    assert mcid_statement(_o("ODI", "ODI improvement", value=30, unit="%"), odi, mcid, kb) == ""
    assert mcid_statement(_o("ODI", "ODI at 1 year", value=30, unit="points"), odi, mcid, kb) == ""
    nprs = _o("NPRS", "NPRS improvement", value=3.6, unit="points")
    assert mcid_statement(nprs, GROUP["pain"], mcid, kb) == ""


def test_mcid_table_is_sourced_from_the_kbs_own_works(bundled):
    kb = bundled[0]
    view = sof_view(kb, bundled[2], DOC)
    assert view["mcid"], "data/mcid.csv is read"
    for row in view["mcid"]:
        assert row["source"] in kb.works and row["locator"]
    # no source is held for these: they are left out, and the view says so
    assert "Pain intensity (NPRS, NRS or VAS)" in view["mcid_missing"]
    assert "Zurich Claudication Questionnaire (ZCQ)" in view["mcid_missing"]


def test_the_letter_s_outcomes_are_all_covered(bundled):
    kb, _, fc = bundled
    view = sof_view(kb, fc, DOC)
    by_key = {o["key"]: o for o in view["outcomes"]}
    for key in ("odi", "pain", "zcq", "walking", "subsequent", "harms"):
        o = by_key[key]
        assert o["letter_mentions"], key  # the letter names it
        assert o["results"], key  # and the KB holds results for it
    # across every study the KB holds, not only those with a figure
    assert by_key["odi"]["studies"] == ["age-pooled", "encore", "midas1", "motion"]
    assert by_key["harms"]["studies"] == [
        "ccf-prospective", "encore", "medicare-laminectomy", "medicare-spacers", "midas1",
        "motion",
    ]  # fmt: skip


def test_no_grade_without_an_analyst(bundled):
    kb, _, fc = bundled
    view = sof_view(kb, fc, DOC)
    for o in view["outcomes"]:
        assert {c["level"] for c in o["certainty"].values()} == {""}
        assert all(o["facts"][d] for d in o["certainty"])  # facts for every domain


def test_facts_bear_on_their_domains(bundled):
    kb, _, fc = bundled
    o = next(o for o in sof_view(kb, fc, DOC)["outcomes"] if o["key"] == "walking")
    assert "motion: RCT; open label (study record)" in o["facts"]["risk_of_bias"]
    assert "no study of this outcome has a sham control" in o["facts"]["risk_of_bias"]
    assert o["facts"]["imprecision"][0] == "95% CI held for 0 of 5 results (the KB records none)"
    assert any(f.startswith("EVID-SPONSOR (nysipp-2026)") for f in o["facts"]["publication_bias"])
    outcomes = {o["key"]: o for o in sof_view(kb, fc, DOC)["outcomes"]}
    assert "no study gives a figure" in " ".join(outcomes["opioids"]["facts"]["inconsistency"])
    standing = " ".join(outcomes["standing"]["facts"]["inconsistency"])
    assert "single study with a figure" in standing
    # a baseline figure of the same patients is no comparison with a control
    assert outcomes["standing"]["results"][0]["comparator_result"] == "baseline 8 minutes"
    assert "ccfp-12m-standing" in outcomes["standing"]["facts"]["indirectness"][-1]
    # both arms' events counted together are no between-group comparison either
    assert "motion-6m-device-aes" in outcomes["harms"]["facts"]["indirectness"][-1]
    assert "motion-6m-wtt" not in outcomes["walking"]["facts"]["indirectness"][-1]


def test_certainty_events_are_keyed_per_document_outcome_and_domain(bundled, log):
    kb = bundled[0]
    rate = review.rate_certainty
    assert rate(log, kb, DOC, "odi", "risk_of_bias", "Ann", "serious", "open label")
    assert rate(log, kb, DOC, "odi", "imprecision", "Ann", "very serious", "no CI")
    assert rate(log, kb, "nysipp-2024", "odi", "risk_of_bias", "Bo", "not serious")
    assert rate(log, kb, DOC, "odi", "risk_of_bias", "Ann", "serious", "open label") is None
    assert rate(log, kb, DOC, "odi", "risk_of_bias", "Cy", "serious", "open label; no sham")
    state = review.state_of(log, kb)
    c = state.rating(DOC, "odi", "risk_of_bias")
    assert (c.level, c.note, c.analyst) == ("serious", "open label; no sham", "Cy")
    assert state.rating("nysipp-2024", "odi", "risk_of_bias").analyst == "Bo"
    assert state.rating(DOC, "pain", "risk_of_bias") is None
    assert [e.seq for e in state.certainty_history(DOC, "odi")] == [1, 2, 4]
    assert not state.judgements  # ratings are not claim judgements
    csv_text = review.export_events(log.events())
    assert "sof:odi:imprecision,certainty,,very serious,no CI" in csv_text
    view = sof_view(kb, bundled[2], DOC, state)
    odi = next(o for o in view["outcomes"] if o["key"] == "odi")
    assert odi["certainty"]["imprecision"]["level"] == "very serious"


@pytest.mark.parametrize(
    "outcome, domain, level, message",
    [
        ("odi", "bias", "serious", "must name its outcome and domain"),
        ("", "imprecision", "serious", "must name its outcome and domain"),
        ("odi", "imprecision", "low", "is not one of not serious, serious, very serious"),
    ],
)
def test_certainty_refuses_what_is_off_the_vocabulary(
    bundled, log, outcome, domain, level, message
):
    with pytest.raises(review.ReviewError, match=message):
        review.rate_certainty(log, bundled[0], DOC, outcome, domain, "Ann", level)


def test_a_signed_off_review_freezes_the_ratings(bundled, log):
    kb = bundled[0]
    review.sign_off(log, DOC, "Lead", "done")
    with pytest.raises(review.ReviewError, match="signed off"):
        review.rate_certainty(log, kb, DOC, "odi", "imprecision", "Ann", "serious")
    with pytest.raises(review.ReviewError, match="an analyst name is required"):
        review.rate_certainty(log, kb, "nysipp-2024", "odi", "imprecision", " ", "serious")


def test_golden_table(bundled):
    kb, _, fc = bundled
    text = sof_table(sof_view(kb, fc, DOC, review.review_state(kb, [])))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_cli_json_and_rating(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite")
    base = ("--data", str(TINY), "sof", "--doc", "tiny", "--review-db", db)
    assert main([*base, "--rate", "pain", "imprecision", "serious", "--analyst", "Ann"]) == 0
    assert "1 event written" in capsys.readouterr().out
    assert main([*base, "--format", "json"]) == 0
    view = json.loads(capsys.readouterr().out)
    pain = next(o for o in view["outcomes"] if o["key"] == "pain")
    assert pain["certainty"]["imprecision"]["level"] == "serious"
    assert main([*base, "--rate", "pain", "vibes", "serious", "--analyst", "Ann"]) == 2
    assert "must name its outcome and domain" in capsys.readouterr().err
    assert main(["--data", str(TINY), "sof", "--doc", "nope"]) == 2
    assert main(["--data", str(TINY), "sof"]) == 0
    assert "Imprecision: not rated" in capsys.readouterr().out


def test_fhir_bundle_validates_with_fhir_resources(bundled, log):
    from fhir.resources.bundle import Bundle

    kb, g, fc = bundled
    review.rate_certainty(log, kb, DOC, "odi", "risk_of_bias", "Ann", "serious", "open label")
    rkb = review.with_review(kb, review.state_of(log, kb))
    data = json.loads(render("sof-fhir", rkb, g, fc, DOC))
    bundle = Bundle.model_validate(data)
    comp = bundle.entry[0].resource
    assert comp.__resource_type__ == "Composition"
    assert comp.meta.profile == [
        "http://hl7.org/fhir/uv/ebm/StructureDefinition/summary-of-findings"
    ]
    assert comp.type.coding[0].code == "SummaryOfFindings"
    urls = {e.fullUrl for e in bundle.entry}
    for section in comp.section:  # every section points into the Bundle
        assert all(ref.reference in urls for ref in section.entry)
    evidence = {e.resource.id: e.resource for e in bundle.entry[1:]}
    odi = evidence["sof-odi"]
    rob = next(c for c in odi.certainty if c.type.coding[0].code == "RiskOfBias")
    assert rob.rating.coding[0].code == "serious-concern" and rob.rater == "Ann"
    imp = next(c for c in odi.certainty if c.type.coding[0].code == "Imprecision")
    assert imp.rating is None and "not rated" in imp.description
    result = evidence["encore-2y-odi"]
    assert result.relatedArtifact[0].type == "cite-as"
    assert "PMID 30199512" in result.relatedArtifact[0].citation
    prov = result.note[0].text
    assert "staats2018encore2y" in prov and "abstract" in prov and "curated" in prov
    assert "verified against the record" in prov
    harms = evidence["spacers-2y-harms"]
    assert [s.description for s in harms.statistic][1:] == [
        "derived risk difference: -6.5 percentage points",
        "derived risk ratio: 0.46",
    ]
    # the models refuse a resource that breaks the structure
    broken = json.loads(json.dumps(data))
    del broken["entry"][1]["resource"]["status"]
    with pytest.raises(ValueError):
        Bundle.model_validate(broken)


def test_office_exports_hold_the_table(bundled, log):
    from docx import Document
    from openpyxl import load_workbook

    kb, g, fc = bundled
    review.rate_certainty(log, kb, DOC, "harms", "indirectness", "Ann", "serious", "claims <b>")
    rkb = review.with_review(kb, review.state_of(log, kb))
    wb = load_workbook(io.BytesIO(render("sof-xlsx", rkb, g, fc, DOC)))
    assert wb.sheetnames == ["Outcomes", "Results", "Certainty", "MCID", "Notes"]
    rows = [[c.value for c in r] for r in wb["Certainty"].iter_rows()]
    assert ["Harms and adverse events", "Indirectness", "serious", "claims <b>"] in [
        r[:4] for r in rows
    ]
    doc = Document(io.BytesIO(render("sof-docx", rkb, g, fc, DOC)))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "serious" in cells and "encore-2y-odi" not in cells  # results list their wording
    assert "ODI improvement" in cells
    page = render("sof-html", rkb, g, fc, DOC).decode()
    assert "claims &lt;b&gt;" in page and "<script" not in page
    assert zipfile.is_zipfile(io.BytesIO(render("sof-docx", rkb, g, fc, DOC)))


def test_numbers_read_from_imported_records_join_their_outcomes(tmp_path):
    import shutil

    from kb.importing import import_records

    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    xml = ROOT / "tests" / "fixtures" / "records" / "pubmed.xml"
    import_records([("pubmed.xml", xml.read_bytes())], load_kb(data), today="2031-09-20")
    kb = load_kb(data)
    g = build_graph(kb)
    view = sof_view(kb, fact_check(kb, g), "tiny")
    extracted = [
        (o["key"], r)
        for o in view["outcomes"]
        for r in o["results"]
        if r["provenance"]["origin"] == "extracted"
    ]
    assert extracted, "the record's numbers are in the table"
    for key, r in extracted:
        p = r["provenance"]
        assert not p["verified"] and p["note"] == "extracted from the record, not reviewed"
        assert p["locator"].startswith("PubMed record") and (p["pmid"] or p["doi"])
        assert key in {grp.key for grp in groups_of(_o("other", r["outcome"]))}
    # a CI the record states is shown as stated, never computed
    cis = [r["ci"] for _, r in extracted if r["ci"] != "not reported in the KB"]
    assert cis and all(c.endswith("(as the record states it)") for c in cis)
    # ... and only on the number that carries it, not on others of the same sentence
    by_result = {r["result"]: r["ci"] for _, r in extracted}
    assert by_result["-2.3 points, 95% CI -2.9 to -1.7"] == "-2.9 to -1.7 (as the record states it)"
    assert by_result["7.1 ± 1.3"] == "not reported in the KB"
    facts = next(o for o in view["outcomes"] if o["key"] == extracted[0][0])["facts"]
    assert any("machine-read from imported records" in f for f in facts["risk_of_bias"])
    pain = next(o for o in view["outcomes"] if o["key"] == "pain")["facts"]["imprecision"]
    assert any(f.endswith(": 95% CI -2.9 to -1.7, width 1.2") for f in pain), pain


def test_fhir_bundle_of_the_whole_kb_and_of_another_kb(bundled):
    from fhir.resources.bundle import Bundle

    from kb.export.fhir import sof_fhir_bundle

    kb, _, fc = bundled
    whole = Bundle.model_validate(sof_fhir_bundle(kb, fc, None))
    assert whole.entry[0].resource.title == "Summary of findings: all studies"
    assert len(whole.entry[0].resource.section) == len(sof_view(kb, fc)["outcomes"])
    other = load_kb(CHECKS_CLEAN)
    bundle = Bundle.model_validate(sof_fhir_bundle(other, fact_check(other, build_graph(other))))
    assert bundle.entry[0].resource.__resource_type__ == "Composition"


def test_curated_study_facts_stand_beside_the_domains(bundled):
    """The payer criteria's study facts (study_facts.csv) show where they bear: blinding,
    allocation concealment, crossover and attrition beside risk of bias, the Medicare-age share
    beside indirectness; each with the work and locator it was read from; unknown said so."""
    kb, _, fc = bundled
    o = next(o for o in sof_view(kb, fc, DOC)["outcomes"] if o["key"] == "odi")
    rob = o["facts"]["risk_of_bias"]
    assert any(f.startswith("motion: blinding open label [deer2021motion6m, abstract") for f in rob)
    assert "motion: allocation concealment unknown (no row in study_facts.csv)" in rob
    assert any(f.startswith("motion: attrition 48 of 77") and "(3 years)" in f for f in rob)
    assert not any(f.startswith("midas1: crossover") for f in rob)  # a single-arm series
    assert any(f.startswith("encore: medicare age share all") for f in o["facts"]["indirectness"])
