"""One verdict rule (issue 13, items 2 and 5): study descriptions against the study record,
figures the record itself prints, near misses that change the meaning, an RCT given by its
treated counts, footnotes never lent, warnings always in the reason, bare numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.checks.description import describe_claim
from kb.checks.factcheck import fact_check
from kb.checks.matching import build_context
from kb.export.rows import claim_source_rows
from kb.graph import build_graph
from kb.load import load_kb
from kb.schema import SEVERITIES
from tests.checkshelp import CHECKS_KB
from tests.conftest import DATA, TINY

OUTCOME_HEAD = (
    "id,study,work,measure,outcome,arm,timepoint,analysis_set,value,value_text,unit,count,"
    "denominator,comparator_value,comparator_text,p_value,locator,verified,note\n"
)


def tiny_with(tmp: Path, paragraph: str, rows: str = "", before: str | None = None):
    """The tiny KB with a paragraph added (after the Overview paragraph, or put in front of the
    sentence `before` inside it) and outcome rows appended; (kb, graph, fact check)."""
    data = tmp / "tiny"
    shutil.copytree(TINY, data)
    letter = data / "letters" / "tiny.txt"
    text = letter.read_text(encoding="utf-8")
    if before is not None:
        assert before in text
        text = text.replace(before, f"{paragraph} {before}", 1)
    else:
        text = text.replace("The device is small³.", f"The device is small³.\n\n{paragraph}", 1)
    letter.write_text(text, encoding="utf-8")
    if rows:
        with (data / "outcomes.csv").open("a", encoding="utf-8") as fh:
            fh.write(rows)
    kb = load_kb(data)
    assert not kb.errors, kb.errors
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


def claim_of(kb, prefix: str):
    (c,) = [c for c in kb.claims() if c.text.startswith(prefix)]
    return c


@pytest.fixture(scope="module")
def seed():
    kb = load_kb(DATA)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


@pytest.fixture(scope="module")
def bad():
    kb = load_kb(CHECKS_KB)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


# --- a finding at warning level or above always shows in the reason -----------------------


@pytest.mark.parametrize("which", ["seed", "bad"])
def test_every_warning_about_a_claim_shows_in_its_verdict(which, request):
    kb, _, fc = request.getfixturevalue(which)
    checked = 0
    for c in kb.claims():
        v = fc.verdict(c.id)
        for f in fc.findings_of(c.id):
            if SEVERITIES.index(f.severity) >= SEVERITIES.index("warning"):
                assert f.code in v.reason, (c.id, f.code, v.reason)
                checked += 1
    assert checked > 10


def test_a_copied_p_keeps_its_verdict_and_is_named(seed):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "The rate of subsequent interventions was not").id)
    assert v.label == "supported"
    assert "ARITH-P-VALUE also applies" in v.reason and "prints the same p" in v.reason


# --- a figure the record itself prints ----------------------------------------------------

AE_ROWS = (
    "alpha-n-treated,alpha,doe2020alpha,sample size,number of patients (treated),device,,"
    "treated,143,,patients,,,,,,abstract,true,\n"
    "alpha-aes,alpha,doe2020alpha,adverse events,device-related adverse events,device,1 year,,"
    "1.3,,%,,,,,,abstract,true,\n"
)


def test_a_percentage_the_record_prints_with_the_same_n_is_not_held_against_the_letter(tmp_path):
    kb, _, fc = tiny_with(
        tmp_path,
        "The trial treated 143 patients with the device¹. Device-related adverse events "
        "occurred in 1.3% of them¹.",
        AE_ROWS,
    )
    c = claim_of(kb, "Device-related adverse events occurred")
    (f,) = [f for f in fc.findings_of(c.id) if f.code == "ARITH-PERCENT-DENOMINATOR"]
    assert dict(f.evidence)["recorded"] == "alpha-aes"
    assert "the cited record itself prints the same percentage and the same N" in f.message
    v = fc.verdict(c.id)
    assert v.label == "supported", v.reason
    assert "ARITH-PERCENT-DENOMINATOR also applies" in v.reason


def test_a_percentage_set_against_an_n_the_record_does_not_print_is_downgraded(tmp_path):
    # 143 is printed only by the two-year report (ref 2), not by the record of the 1.3% (ref 1)
    rows = AE_ROWS.replace("alpha,doe2020alpha,sample size", "alpha,poe2022alpha2y,sample size")
    rows = rows.replace("patients,,,,,,abstract,true", "patients,,,,,,abstract,false")
    kb, _, fc = tiny_with(
        tmp_path,
        "The trial treated 143 patients with the device^{1,2}. Device-related adverse events "
        "occurred in 1.3% of them¹.",
        rows,
    )
    c = claim_of(kb, "Device-related adverse events occurred")
    (f,) = [f for f in fc.findings_of(c.id) if f.code == "ARITH-PERCENT-DENOMINATOR"]
    assert "recorded" not in dict(f.evidence)
    v = fc.verdict(c.id)
    assert v.label == "partly supported" and "but ARITH-PERCENT-DENOMINATOR applies" in v.reason


def test_the_bundled_letters_copied_percentage_is_supported(seed):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "There were no serious device-/procedure-related AEs").id)
    assert v.label == "supported"
    assert "encore-2y-device-aes" in v.reason and "ARITH-PERCENT-DENOMINATOR" in v.reason


# --- near misses: a slip that changes the meaning contradicts, a rounding slip does not ---------


def test_an_order_of_magnitude_slip_contradicts(seed, bad):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "Four studies met the inclusion criteria").id)
    assert v.label == "contradicted"
    assert "16 for 160 is an order-of-magnitude slip" in v.reason
    assert "beside 49 it makes its group the smaller" in v.reason
    kb, _, fc = bad
    assert fc.verdict(claim_of(kb, "At two years, 16 patients").id).label == "contradicted"


def test_a_rounding_slip_does_not_contradict(tmp_path):
    kb, _, fc = tiny_with(tmp_path, "Pain scores improved by 3.1 points with the device¹.")
    c = claim_of(kb, "Pain scores improved by 3.1")
    (m,) = fc.matches_of(c.id)
    assert m.status == "near miss" and m.outcome.id == "alpha-1y-pain"
    v = fc.verdict(c.id)
    assert v.label == "not supported by the cited source" and "changes" not in v.reason


def test_a_slip_that_moves_a_share_across_one_half_contradicts(tmp_path):
    rows = (
        "alpha-resp,alpha,doe2020alpha,responder rate,responders,device,1 year,,84,,%,,,,,,"
        "abstract,true,\n"
    )
    kb, _, fc = tiny_with(tmp_path, "Responders were 48% with the device¹.", rows)
    v = fc.verdict(claim_of(kb, "Responders were 48%").id)
    assert v.label == "contradicted" and "moves the share across one half" in v.reason


# --- the analysis set of an RCT ----------------------------------------------------------------


def test_an_rct_given_by_its_treated_counts_is_a_warning(seed):
    kb, _, fc = seed
    c = claim_of(kb, "The MIDAS ENCORE prospective")
    (f,) = [f for f in fc.findings_of(c.id) if f.code == "NUM-TRIAL-SIZE"]
    assert f.severity == "warning"
    assert "143 and 131 patients treated" in f.message and "149 and 153 (302 in all)" in f.message
    v = fc.verdict(c.id)
    assert v.label == "partly supported" and "NUM-TRIAL-SIZE" in v.reason


def test_treated_counts_of_a_trial_not_called_randomized_stay_info(tmp_path):
    data = tmp_path / "d"
    shutil.copytree(CHECKS_KB, data)
    letter = data / "letters" / "bad.txt"
    text = letter.read_text(encoding="utf-8").replace("The randomized Alpha", "The Alpha", 1)
    letter.write_text(text, encoding="utf-8")
    kb = load_kb(data)
    g = build_graph(kb)
    fc = fact_check(kb, g)
    c = claim_of(kb, "The Alpha trial compared 90")
    codes = {f.code for f in fc.findings_of(c.id)}
    assert "NUM-ANALYSIS-SET" in codes and "NUM-TRIAL-SIZE" not in codes
    assert fc.verdict(c.id).label == "supported"


# --- a footnote supports only its own sentence ------------------------------------------------


def test_a_footnote_is_never_borrowed_by_its_neighbours(seed):
    kb, _, fc = seed
    before = claim_of(kb, "The mild procedure, sometimes referred to")
    own = claim_of(kb, "This procedure is typically conducted")
    assert fc.verdict(own.id).label == "cites a non-publication"
    v = fc.verdict(before.id)
    assert v.label != "cites a non-publication"
    assert "the next marker of its paragraph (ref 2) is a footnote" in v.reason
    assert before.id not in fc.carriers


# --- a bare number ------------------------------------------------------------------------------


def test_a_bare_1_does_not_match_a_recorded_comparator_value(tmp_path):
    # the sentence borrows refs 1 and 2, whose record holds a comparator value of 1.0
    kb, _, fc = tiny_with(
        tmp_path, "A reader saw <script>alert(1)</script> here.", before="At one year"
    )
    c = claim_of(kb, "A reader saw")
    assert fc.matches_of(c.id) == ()
    assert fc.verdict(c.id).label != "supported"


def test_a_bare_number_is_not_matched_to_a_comparator(tmp_path):
    kb, _, fc = tiny_with(tmp_path, "The score was 1.0 in that group¹.")
    c = claim_of(kb, "The score was 1.0")
    assert [m.status for m in fc.matches_of(c.id)] == ["not in source"]


# --- descriptions of a study ---------------------------------------------------------------------


def test_a_claims_cohort_called_prospective_is_partly_supported_naming_both(seed):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "A 2-year prospective longitudinal Medicare").id)
    assert v.label == "partly supported"
    assert 'population "Medicare"' in v.reason and 'comparator "interspinous spacers"' in v.reason
    assert 'follow-up "2-year"' in v.reason and "EVID-DESIGN-WORD applies" in v.reason


def test_a_description_the_record_bears_out_is_supported(seed):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "The MOTION prospective, multicenter RCT").id)
    assert v.label == "supported"
    assert 'design "RCT", "prospective", "multicenter"' in v.reason
    assert 'comparator "conventional medical management"' in v.reason


def test_a_description_with_a_result_is_not_decided_by_the_description(seed):
    kb, _, fc = seed
    v = fc.verdict(claim_of(kb, "A retrospective longitudinal study conducted").id)
    assert v.label == "needs reading"
    assert 'the study record bears out design "retrospective"; follow-up "5-year"' in v.reason


def test_another_comparator_is_a_warning_and_not_supported(bad):
    kb, _, fc = bad
    c = claim_of(kb, "The Alpha trial compared the device with sham")
    (f,) = fc.findings_of(c.id)
    assert f.code == "EVID-STUDY-DESCRIPTION" and f.severity == "warning"
    assert "comparator: usual care" in f.message
    v = fc.verdict(c.id)
    assert v.label == "not supported by the cited source" and "EVID-STUDY-DESCRIPTION" in v.reason


@pytest.mark.parametrize(
    "sentence, aspect, agrees",
    [
        ("The Alpha trial enrolled Medicare beneficiaries¹.", "population", False),
        ("In a 5-year follow-up of the Alpha trial, patients were seen yearly¹.", "follow-up",
         False),
        ("In a 2-year follow-up of the Alpha trial, patients were seen yearly¹.", "follow-up",
         True),
        ("The Alpha trial was an independently funded study¹.", "sponsor", False),
        ("The Alpha trial was sponsored by Example Devices¹.", "sponsor", True),
        ("The Alpha trial compared the device with usual care¹.", "comparator", True),
        ("The Alpha trial compared the device with a sham procedure¹.", "comparator", False),
    ],
)  # fmt: skip
def test_each_aspect_of_a_description(tmp_path, sentence, aspect, agrees):
    kb, g, _ = tiny_with(tmp_path, sentence)
    ctx = build_context(kb, g)
    got = [(a.aspect, a.agrees) for a in describe_claim(ctx, claim_of(kb, sentence[:20]))]
    assert (aspect, agrees) in got, got


def test_a_borrowed_marker_counts_for_a_description_only_when_the_sentence_names_the_study(seed):
    kb, g, _ = seed
    ctx = build_context(kb, g)
    named = claim_of(kb, "The MIDAS ENCORE prospective")  # borrows refs 11-13, names ENCORE
    assert ctx.support[named.id].via == "paragraph" and describe_claim(ctx, named)
    unnamed = claim_of(kb, "A growing body of clinical evidence")  # borrows ref 10
    assert ctx.support[unnamed.id].via == "paragraph" and not describe_claim(ctx, unnamed)


# --- the claim table shows every finding of the claim -------------------------------------------


def test_num_elsewhere_shows_on_the_claim_table_row(bad):
    kb, g, fc = bad
    (row,) = [r for r in claim_source_rows(kb, g, fc, "bad") if r["claim text"].startswith("Harms")]
    assert row["match status"] == "elsewhere" and row["finding codes"] == "NUM-ELSEWHERE"


def test_a_borrowing_claims_rows_carry_its_own_findings(seed):
    kb, g, fc = seed
    c = claim_of(kb, "There were no serious device-/procedure-related AEs")
    rows = claim_source_rows(kb, g, fc, "nysipp-2026", [c.id])
    assert rows and all("ARITH-PERCENT-DENOMINATOR" in r["finding codes"] for r in rows)
