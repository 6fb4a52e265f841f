"""Statements without numbers (kb.checks.statements), the two kinds of "cannot verify", factual
sentences without numbers and EVID-CODING-AS-EVIDENCE: on hand-made sentences, the checks
fixture, an imported (fictional) record and the bundled letters."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kb.checks.factcheck import fact_check
from kb.checks.matching import build_context
from kb.checks.statements import match_statement, read_statement, row_statement, timepoints
from kb.graph import build_graph
from kb.load import load_kb
from kb.model import Outcome
from kb.schema import VERDICT_LABELS, VerdictLabel
from kb.views.common import verdict_style
from tests.checkshelp import CHECKS_KB, CLEAN_KB
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb(DATA)
    return kb, fact_check(kb, build_graph(kb))


@pytest.fixture(scope="module")
def fixture_kb():
    kb = load_kb(CHECKS_KB)
    g = build_graph(kb)
    return kb, build_context(kb, g), fact_check(kb, g)


def _claim(kb, doc, prefix):
    (c,) = [c for c in kb.claims(doc) if c.text.startswith(prefix)]
    return c


# --- the reader ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, outcomes",
    [
        ("The Oswestry Disability Index improved", ("ODI",)),
        ("ODI scores improved", ("ODI",)),
        ("numeric pain rating scores fell", ("NPRS",)),
        ("NPRS improved", ("NPRS",)),
        ("pain relief was significant", ("pain",)),
        ("Zurich Claudication Questionnaire scores improved", ("ZCQ",)),
        ("walking tolerance increased", ("walking",)),
        ("standing time increased", ("standing",)),
        ("there were no major complications", ("adverse events",)),
        ("opioid utilization fell", ("opioid use",)),
        ("MME per day decreased", ("opioid use",)),
        ("fewer subsequent lumbar spine interventions", ("subsequent interventions",)),
        ("all outcome measures improved", ("all outcomes",)),
    ],
)
def test_reader_knows_the_synonyms(text, outcomes):
    assert read_statement(text).outcomes == outcomes


@pytest.mark.parametrize(
    "text, direction",
    [
        ("pain improved", "better"),
        ("pain was reduced", "better"),  # less pain is better
        ("walking tolerance increased", "better"),  # a longer walk is better
        ("walking tolerance decreased", "worse"),
        ("disability worsened", "worse"),
        ("harms were similar between groups", "same"),
        ("a lower rate of harms", "better"),
    ],
)
def test_reader_reads_the_direction_for_the_outcome(text, direction):
    assert read_statement(text).direction == direction


def test_reader_reads_significance_timepoints_and_the_comparison():
    s = read_statement(
        "All outcome measures demonstrated statistically significant improvement from "
        "baseline through 6-month, 1-year, and 2-year follow-ups"
    )
    assert (s.significance, s.comparison, s.timepoints) == ("significant", "within", (6, 12, 24))
    s = read_statement("Differences between the two age groups were not statistically significant")
    assert (s.significance, s.comparison) == ("not significant", "between")
    s = read_statement("a significantly lower rate of harms for mild compared to spacers")
    assert (s.significance, s.comparison, s.direction) == ("significant", "between", "better")
    assert timepoints("at 3, 6, and 12 months") == (3, 6, 12)
    assert timepoints("at 6- and 12-month follow-up") == (6, 12)
    assert timepoints("at five years") == (60,)
    assert timepoints("within 24 hours") == ()
    assert not read_statement("ODI, NPRS, and ZCQ were used to evaluate function and pain").asserts


def test_row_statement_reads_values_and_text():
    between = Outcome("h", "s", "w", "harms", "incidence of harms", "mild", "2 years", None, 5.6,
                      None, "%", None, None, 12.1, None, "<0.0001",
                      note="Comparator is the spacer cohort.")  # fmt: skip
    st = row_statement(between)
    assert (st.direction, st.significance, st.comparison) == ("better", "significant", "between")
    text = Outcome("t", "s", "w", "NPRS", "NRS pain", None, "3, 6 and 12 months",
                   value_text="significant reductions vs baseline")  # fmt: skip
    st = row_statement(text)
    assert (st.direction, st.significance, st.comparison, st.timepoints) == (
        "better", "significant", "within", (3, 6, 12))  # fmt: skip
    nonsig = Outcome("n", "s", "w", "subsequent intervention", None, None, None, None, 24.9,
                     p_value="0.7679")  # fmt: skip
    assert row_statement(nonsig).significance == "not significant"


# --- the matcher on the checks fixture ------------------------------------------------------------


def test_matcher_supports_from_a_text_row_of_the_fixture(fixture_kb):
    kb, ctx, fc = fixture_kb
    c = _claim(kb, "bad", "Walking distance improved significantly")
    m = match_statement(ctx, c)
    assert m.status == "supported" and m.rows[0].id == "cole-2y-walking"
    v = fc.verdict(c.id)
    assert v.label == VerdictLabel.SUPPORTED and "cole-2y-walking" in v.outcomes
    assert "cole2021followup" in v.reason and "curated" in v.reason


def test_matcher_names_what_is_missing_and_contradicts(fixture_kb):
    kb, ctx, _ = fixture_kb
    c = _claim(kb, "bad", "Walking distance improved significantly")
    m = match_statement(ctx, c, "Walking distance improved significantly at 6 months and 2 years")
    assert m.status == "partly" and m.missing == ("6 months",)
    m = match_statement(ctx, c, "Walking distance worsened from baseline at 2 years")
    assert m.status == "contradicted" and "cole-2y-walking" in m.contra
    m = match_statement(ctx, c, "Standing time improved at 2 years")
    assert m.status == "not found" and m.missing == ("standing",)


# --- an imported record (fictional, tests/fixtures/records) --------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "tests"))
    from test_records_check import DOC, build

    kb, fc = build(tmp_path_factory.mktemp("statements"))
    return kb, build_context(kb, build_graph(kb), [DOC]), DOC


def test_matcher_reads_the_sentences_of_an_imported_record(imported):
    kb, ctx, doc = imported
    follow_up = next(c for c in kb.claims(doc) if c.refs == (3,))
    m = match_statement(ctx, follow_up, "Pain relief with PFCA was sustained through 2 years")
    assert m.status == "supported"
    assert m.rows[0].work == "quintero2029two" and m.rows[0].origin == "extracted"
    assert "extracted from the record, not reviewed" in m.rows[0].cite()
    trial = next(c for c in kb.claims(doc) if c.refs == (2,))
    m = match_statement(ctx, trial, "Pain did not differ between PFCA and sham at 6 months")
    assert m.status == "contradicted" and "halvorsen2027percutaneous" in m.contra
    m = match_statement(ctx, trial, "PFCA significantly reduced pain compared with sham")
    assert m.status == "supported", m
    # a record's background or methods sentence is not a result
    assert all("BACKGROUND" not in r.locator and "METHODS" not in r.locator for r in m.rows)


# --- the two kinds of "cannot verify" -------------------------------------------------------------


def test_two_kinds_of_cannot_verify_have_their_own_labels_and_styles():
    assert "cannot verify" not in VERDICT_LABELS
    assert VerdictLabel.SOURCE_NOT_AVAILABLE == "source not available"
    assert VerdictLabel.NEEDS_READING == "needs reading"
    assert verdict_style("source not available") != verdict_style("needs reading")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for word in ("source not available", "needs reading"):
        assert f"| `{word}` |" in readme


def test_fixture_verdicts_split(fixture_kb):
    kb, _, fc = fixture_kb
    assert fc.verdict(_claim(kb, "bad", "Five-year results").id).label == "source not available"
    assert fc.verdict(_claim(kb, "bad", "Further details").id).label == "source not available"
    v = fc.verdict(_claim(kb, "bad", "The trial design has been described").id)
    assert v.label == "needs reading" and "able2020trial" in v.reason


def test_cli_reading_list(capsys):
    from kb.cli import main

    assert main(["--data", str(DATA), "claims", "nysipp-2026", "--reading-list"]) == 0
    out = capsys.readouterr().out
    assert "needs reading: " in out and "source not available" not in out
    assert main(["--data", str(DATA), "claims", "nysipp-2026", "--format", "json",
                 "--verdict", "needs reading"]) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["verdict"] for r in rows} == {"needs reading"}


def test_claims_page_reading_list(monkeypatch):
    from tests.ui_helpers import no_traceback, run_page

    at = run_page(monkeypatch, DATA, "kb/ui/claims.py")
    at.checkbox(key="f_reading").check().run()
    no_traceback(at)
    df = at.dataframe(key="claims_table").value
    assert len(df) > 10 and set(df["verdict"]) == {"☞ needs reading"}
    assert all("an analyst must read" in r for r in df["reason"])


# --- factual sentences without numbers, and EVID-CODING-AS-EVIDENCE ------------------------------


def test_regulatory_and_evidence_sentences_are_factual_claims(bundled):
    kb, fc = bundled
    for doc, prefix, word in [
        ("nysipp-2026", "Category I status affirms", "Category I"),
        ("nysipp-2026", "Our recommendation is grounded", "level 1"),
        ("nysipp-2024", "The mild Procedure is covered under", ""),  # states "150.13" too
    ]:
        c = _claim(kb, doc, prefix)
        v = fc.verdict(c.id)
        assert v.label == VerdictLabel.UNCITED and word in v.reason
        assert "CIT-UNCITED" in {f.code for f in fc.findings_of(c.id)}


def test_coding_document_as_evidence(bundled, fixture_kb):
    kb, fc = bundled
    flagged = [f for f in fc.findings if f.code == "EVID-CODING-AS-EVIDENCE"]
    assert [f.claim for f in flagged] == [
        "nysipp-2026:s05.c05", "nysipp-2026:s05.c06", "nysipp-2026:s05.c07"]  # fmt: skip
    assert all(f.severity == "warning" and f.refs == (9,) for f in flagged), flagged
    assert "amacpt0275t" in flagged[1].message and "investigational" in flagged[1].message
    # a coding document cited only by a coverage conclusion is reported once, by the new code
    _, _, ffc = fixture_kb
    codes = [(f.code, f.refs) for f in ffc.findings]
    assert ("EVID-CODING-AS-EVIDENCE", (10,)) in codes
    assert ("CIT-NON-PUBLICATION", (10,)) not in codes
    # the facts about the codes themselves stay non-publication findings of the letter
    assert {f.refs for f in fc.findings if f.code == "CIT-NON-PUBLICATION"} >= {(7,), (8,), (9,)}


def test_clean_fixture_stays_clean():
    kb = load_kb(CLEAN_KB)
    fc = fact_check(kb, build_graph(kb))
    assert not [f for f in fc.findings if f.severity != "info"]


# --- the bundled letters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, label, words",
    [
        ("All outcome measures demonstrated clinically meaningful", "partly supported",
         ("staats2018encore2y", "encore-2y-odi", "6 months", "1 year", "significant")),
        ("Patients experienced statistically significant pain relief", "supported",
         ("ccfr-12m-nprs", "ccfr-12m-mme", "mekhail2021durability")),
        ("The procedure showed excellent long-term durability", "supported",
         ("encore-2y-instability", "staats2018encore2y")),
        ("This comprehensive study of real-world Medicare claims", "supported",
         ("spacers-2y-harms",)),
        ("This study demonstrated significant functional improvement", "supported",
         ("mekhail2012prospective",)),
        ("In addition to clinical value, the mild procedure", "supported", ("cost-ranking",)),
        ("Patients in both age groups experienced significant", "partly supported",
         ("age-both-groups-improved", "exception")),
        ("Differences between the two age groups", "needs reading",
         ("not significant", "mekhail2020age")),
        ("ODI, NPRS, and ZCQ were used", "needs reading", ("an analyst must read",)),
        ("There were no major complications recorded", "source not available",
         ("full text",)),
    ],
)  # fmt: skip
def test_bundled_sentences_get_decided_verdicts_naming_the_record(bundled, prefix, label, words):
    kb, fc = bundled
    v = fc.verdict(_claim(kb, "nysipp-2026", prefix).id)
    assert v.label == label, v.reason
    for w in words:
        assert w in v.reason, (w, v.reason)


def test_every_claim_with_a_cited_study_is_decided_or_needs_reading(bundled):
    kb, fc = bundled
    ctx = build_context(kb, build_graph(kb))
    for doc in ("nysipp-2026", "nysipp-2024"):
        for c in kb.claims(doc):
            v = fc.verdict(c.id)
            assert v.reason.endswith(".")
            studied = [r for r in ctx.support[c.id].refs if r.studies and r.work.verified]
            if studied:
                assert v.label != "source not available" or "full text" in v.reason, v
                assert "It states no number the checks can compare" not in v.reason


def test_matcher_checks_the_group_a_sentence_names(fixture_kb):
    kb, ctx, _ = fixture_kb
    c = _claim(kb, "bad", "Walking distance improved significantly")
    said = "Walking distance {} improved significantly from baseline at two years"
    m = match_statement(ctx, c, said.format("with the device"))
    assert m.status == "supported" and "the group named" in m.found
    # usual care is a group of the study (another report names it), but the row is the device's
    m = match_statement(ctx, c, said.format("with usual care"))
    assert m.status == "partly" and m.missing == ("the group named (usual care)",)
