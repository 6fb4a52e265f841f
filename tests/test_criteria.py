"""Payer criteria: the criteria and study-fact files, the per-criterion evidence and gaps, the
claims mapped to criteria (machine rules, the analyst's mapping in the review log), the NCD
check, `kb criteria` and the golden of the bundled letter."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from kb import review
from kb.checks.factcheck import fact_check
from kb.cli import main
from kb.graph import build_graph
from kb.load import LoadError, load_kb, parse_criteria, parse_study_facts, read_criteria
from kb.review.mapping import map_criteria
from kb.views.criteria import criteria_view
from kb.views.facts import between_arms, outcome_kind
from tests.conftest import DATA, ROOT, TINY

GOLDEN = ROOT / "tests" / "golden" / "criteria-nysipp-2026.json"
DOC = "nysipp-2026"
HEADER = "id,framework,kind,title,text,outcome_kinds,bears_on,source,date,locator\n"


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb(DATA)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    monkeypatch.setenv(review.ENV_VAR, str(path))
    return review.ReviewLog(path)


# --- the data files ------------------------------------------------------------------------


def test_bundled_criteria_are_the_five_tec_criteria_and_ncd_150_13(bundled):
    kb = bundled[0]
    assert [c for c in kb.criteria if c.startswith("tec-")] == [f"tec-{i}" for i in range(1, 6)]
    ncd = {c.id: c for c in kb.criteria.values() if "150.13" in c.framework}
    assert sorted(ncd) == ["ncd-c1", "ncd-c2", "ncd-c3", "ncd-ced", "ncd-q1", "ncd-q2", "ncd-q3"]
    assert [ncd[q].kind for q in ("ncd-q1", "ncd-q2", "ncd-q3")] == ["question"] * 3
    assert ncd["ncd-q2"].outcome_kinds == ("pain",)
    for c in kb.criteria.values():
        assert c.source_ref and c.date and c.source.line
    assert not [p for p in kb.problems if p.file in ("criteria.csv", "study_facts.csv")]


def test_study_facts_are_loaded_with_their_source_and_unknown_stays_absent(bundled):
    kb = bundled[0]
    (blind,) = kb.facts_of("motion", "blinding")
    assert (blind.value, blind.source_ref, blind.locator) == (
        "open label",
        "deer2021motion6m",
        "abstract (design)",
    )
    assert blind.source.file == "study_facts.csv" and blind.source.line > 1
    assert [f.timepoint for f in kb.facts_of("motion", "attrition")] == [
        "1 year",
        "2 years",
        "3 years",
    ]
    assert kb.facts_of("encore", "allocation_concealment") == []  # not stated: no row
    assert kb.facts_of("encore", "results_posted") == []


def test_a_malformed_criteria_file_names_file_line_and_field():
    text = HEADER + "ok-1,Plan,question,T,t,,,S,2026-01,x\nbad id,Plan,criterion,T,t,pain;mood,"
    text += "colour:red,S,January,\n"
    crit, problems = parse_criteria(text, "plan.csv")
    assert list(crit) == ["ok-1", "bad id"]
    assert [str(p) for p in problems] == [
        "error: plan.csv:3 [id]: not a criterion id: 'bad id' (letters, digits, '.', '_', '-')",
        "error: plan.csv:3 [outcome_kinds]: 'mood' is not one of the allowed terms",
        "error: plan.csv:3 [bears_on]: 'colour:red' is not a signal (one of design:…, "
        "comparator:…, setting:…, fact:…, registry:…, topic:…)",
        "error: plan.csv:3 [date]: not a date (YYYY-MM or YYYY-MM-DD): 'January'",
    ]


def test_a_criteria_file_without_its_columns_is_one_load_error(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("id,framework\nx,P\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        read_criteria(path)
    assert str(exc.value).startswith(f"{path}:1 [kind]: missing column(s): kind, title")
    with pytest.raises(LoadError, match="file not found"):
        read_criteria(tmp_path / "missing.csv")


def test_study_facts_validation(bundled):
    kb = bundled[0]
    text = "study,fact,value,timepoint,locator,source,note\n"
    text += "motion,comparator_class,placebo,,,w,\nnobody,blinding,open label,,,w,\n"
    text += "motion,colour,blue,,,w,\nmotion,blinding,,,,w,\n"
    facts, problems = parse_study_facts(text, kb.studies, "f.csv")
    assert [str(p) for p in problems] == [
        "error: f.csv:5 [value]: required value is empty",
        "error: f.csv:2 [value]: 'placebo' is not one of the allowed terms",
        "error: f.csv:3 [study]: unknown study 'nobody'",
        "error: f.csv:4 [fact]: 'colour' is not one of the allowed facts",
    ]
    assert len(facts) == 3


def test_a_data_directory_without_criteria_loads_with_none():
    kb = load_kb(TINY)
    assert kb.criteria == {} and kb.study_facts == ()


# --- evidence and gaps ---------------------------------------------------------------------


def _gaps(view, cid):
    return {g["rule"]: g for g in view.gaps[cid]}


def test_the_payer_gaps_of_the_bundled_letter(bundled):
    view = criteria_view(*bundled, DOC)
    tec4 = _gaps(view, "tec-4")
    assert tec4["GAP-SHAM"]["gap"].startswith("No sham-controlled trial among the cited studies")
    assert tec4["GAP-COMPARATOR"]["gap"] == (
        "No trial compares with surgery; the comparison with surgery is only in "
        "medicare-laminectomy: claims data, outpatient laminectomy."
    )
    assert "staats2024laminectomy" in tec4["GAP-COMPARATOR"]["provenance"]
    assert tec4["GAP-CROSSOVER"]["gap"].startswith(
        "No between-group comparison in motion after crossover"
    )
    assert "deer2024motion2y, abstract [study_facts.csv:" in tec4["GAP-CROSSOVER"]["provenance"]
    tec2 = _gaps(view, "tec-2")
    assert tec2["GAP-BLINDING"]["gap"] == (
        "No blinded trial among the cited studies: open label (motion, encore)."
    )
    assert _gaps(view, "ncd-q2")["GAP-BETWEEN-ARMS"]["gap"].startswith(
        "No between-arm result for pain outcomes is held"
    )
    assert _gaps(view, "ncd-c3")["GAP-UNKNOWN"]["gap"] == (
        "Results posted is not recorded for motion, medicare-spacers, encore (unknown)."
    )
    assert [e["study"] for e in view.evidence["ncd-ced"]] == ["medicare-spacers"]


def test_every_criterion_has_evidence_or_a_gap_and_every_row_its_provenance(bundled):
    view = criteria_view(*bundled, DOC)
    for c in view.criteria:
        cid = c["criterion"]
        assert view.evidence[cid] or view.gaps[cid], cid
        for row in view.evidence[cid]:
            assert row["provenance"].startswith("studies.csv:"), row
            assert row["rules"]
        for gap in view.gaps[cid]:
            assert gap["rule"].startswith("GAP-") and gap["gap"].endswith(".")
    # nothing concluded: no row says a criterion is met or not met
    text = json.dumps(view.as_json()).lower()
    assert "not met" not in text and "criterion is met" not in text


def test_unknown_facts_are_shown_as_unknown(bundled):
    view = criteria_view(*bundled, DOC)
    (enc,) = [e for e in view.evidence["tec-2"] if e["study"] == "encore"]
    assert "allocation concealment: unknown" in enc["facts"]
    assert "attrition: unknown" in enc["facts"]


def test_outcome_kinds_and_between_arm_results(bundled):
    kb = bundled[0]
    o = kb.outcomes
    assert outcome_kind(o["encore-6m-primary"]) == "function"  # a responder rate of the ODI
    assert outcome_kind(o["motion-1y-n-mild"]) is None
    assert between_arms(o["motion-6m-wtt"]) and between_arms(o["spacers-2y-harms"])
    assert not between_arms(o["ccfp-12m-vas"])  # 7.1 -> 3.6 is against baseline
    assert not between_arms(o["motion-3y-wtt"])


def test_a_plans_own_criteria_drive_the_view(bundled, tmp_path):
    text = HEADER + (
        "sham,My plan,criterion,Sham control,A sham-controlled trial,pain,"
        "comparator:sham;design:RCT,Plan manual,2026-01,p. 3\n"
    )
    crit, problems = parse_criteria(text, "plan.csv")
    assert problems == []
    view = criteria_view(*bundled, DOC, crit)
    assert [c["criterion"] for c in view.criteria] == ["sham"]
    assert {e["study"] for e in view.evidence["sham"]} >= {"encore", "motion"}
    assert "GAP-SHAM" in _gaps(view, "sham")
    assert all(set(r["machine"].split("; ")) <= {"sham", ""} for r in view.claims)


# --- claims mapped to criteria -------------------------------------------------------------


def test_machine_suggestions_say_the_rule(bundled):
    view = criteria_view(*bundled, DOC)
    rows = {r["claim"]: r for r in view.claims}
    fda = rows["nysipp-2026:s03.c01"]
    assert fda["machine"] == "tec-1"
    assert fda["rules"] == "tec-1 \u2190 R-TOPIC: speaks of regulatory (\u201cFDA\u201d)"
    spacers = rows["nysipp-2026:s11.c02"]
    assert "ncd-ced" in spacers["machine"].split("; ")
    assert "R-STUDY: cites medicare-spacers (registered as NCT03072927)" in spacers["rules"]
    assert "ncd-q3 \u2190 R-OUTCOME: speaks of management" in spacers["rules"]
    assert all(r["status"] == "not reviewed" for r in view.claims)


def test_the_analyst_confirms_or_changes_a_mapping_through_the_review_log(bundled, log):
    kb, g, fc = bundled
    claim = "nysipp-2026:s03.c01"
    with pytest.raises(review.ReviewError, match="unknown criterion 'tec-9'"):
        map_criteria(log, kb, claim, "Ann", ["tec-9"])
    with pytest.raises(review.ReviewError, match="not a criterion id"):
        log.append("Ann", DOC, "criteria", "tec 1", claim=claim)
    map_criteria(log, kb, claim, "Ann", ["tec-1"])
    state = review.state_of(log, kb)
    (row,) = [r for r in criteria_view(kb, g, fc, DOC, state=state).claims if r["claim"] == claim]
    assert (row["analyst"], row["status"], row["analyst_by"]) == ("tec-1", "confirmed", "Ann")
    map_criteria(log, kb, claim, "Bob", [], note="a clearance is not a trial")
    state = review.state_of(log, kb)
    (row,) = [r for r in criteria_view(kb, g, fc, DOC, state=state).claims if r["claim"] == claim]
    assert (row["analyst"], row["status"]) == ("none", "changed")
    assert [(e.before, e.after, e.analyst) for e in state.history(claim)] == [
        ("", "tec-1", "Ann"),
        ("tec-1", "none", "Bob"),
    ]
    # the review export carries it, and importing it back gives the same state
    text = review.export_assessments(kb, state)
    (exported,) = [r for r in csv.DictReader(io.StringIO(text)) if r["claim"] == claim]
    assert (exported["criteria"], exported["verdict"]) == ("none", "")
    other = review.ReviewLog(log.path.with_name("other.sqlite"))
    written, problems = review.import_assessments(other, kb, text, "Cy")
    assert problems == [] and [e.field for e in written] == ["criteria"]
    assert review.export_assessments(kb, review.state_of(other, kb)) == text
    # restoring the state after the first event brings the first mapping back
    first = state.history(claim)[0].seq
    review.restore(log, kb, claim, first, "Cy")
    assert review.state_of(log, kb).judgements[claim].criteria == "tec-1"
    # a signed-off review refuses a new mapping
    review.sign_off(log, DOC, "Ann", "done")
    with pytest.raises(review.ReviewError, match="signed off"):
        map_criteria(log, kb, claim, "Ann", ["tec-2"])


# --- the NCD check -------------------------------------------------------------------------


def test_ncd_without_ced_on_the_2024_statement_and_not_when_ced_is_said(bundled):
    kb, g, fc = bundled
    found = [f for f in fc.of_document("nysipp-2024") if f.code == "EVID-NCD-WITHOUT-CED"]
    assert [f.claim for f in found] == ["nysipp-2024:s01.c12", "nysipp-2024:s03.c01"]
    assert not [f for f in fc.of_document(DOC) if f.code == "EVID-NCD-WITHOUT-CED"]
    view = criteria_view(kb, g, fc, "nysipp-2024")
    assert [f["claim"] for f in view.flags] == ["nysipp-2024:s01.c12", "nysipp-2024:s03.c01"]


def test_ncd_with_its_ced_condition_is_not_flagged(tmp_path):
    import shutil

    from kb.checks.evidence import ncd_without_ced
    from kb.checks.matching import build_context

    data = tmp_path / "checks"
    shutil.copytree(ROOT / "tests" / "fixtures" / "checks", data)
    letter = data / "letters" / "bad.txt"
    text = letter.read_text(encoding="utf-8")
    said = "Medicare covers the device for patients with example pain\u2076."
    assert said in text
    ced = (
        "Medicare covers the device only under coverage with evidence development, for "
        "patients enrolled in an approved study\u2076."
    )
    letter.write_text(text.replace(said, ced), encoding="utf-8")
    kb = load_kb(data)
    assert ncd_without_ced(build_context(kb, build_graph(kb))) == []


# --- the command line ----------------------------------------------------------------------


def test_cli_criteria_json_and_table(capsys, log):
    assert main(["criteria", "--doc", DOC, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["criterion"] for c in data["criteria"]][:2] == ["tec-1", "tec-2"]
    assert main(["criteria", "--doc", DOC]) == 0
    out = capsys.readouterr().out
    assert "gap       No sham-controlled trial" in out
    assert out.rstrip().endswith("reviewed by an analyst")


def test_cli_criteria_reports_a_bad_plan_file_by_line_and_field(capsys, tmp_path, log):
    bad = tmp_path / "plan.csv"
    bad.write_text(HEADER + "x,P,rule,T,t,,,S,2026-01,\n", encoding="utf-8")
    assert main(["criteria", "--criteria", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"error: {bad}:2 [kind]: 'rule' is not one of the allowed terms" in err
    assert "Traceback" not in err
    assert main(["criteria", "--criteria", str(tmp_path / "none.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_cli_review_map(capsys, log):
    assert main(["review", "map", "nysipp-2026:s03.c01", "tec-1", "--analyst", "Ann"]) == 0
    assert main(["review", "map", "nysipp-2026:s03.c01", "tec-7", "--analyst", "Ann"]) == 1
    assert "unknown criterion 'tec-7'" in capsys.readouterr().err


# --- the golden of the bundled letter ------------------------------------------------------


def test_golden_criteria_of_the_bundled_letter(bundled):
    """Reviewed by hand: each criterion's evidence list and gaps with their provenance. Update
    with UPDATE_GOLDEN=1 only when the data or the rules change on purpose."""
    data = criteria_view(*bundled, DOC).as_json()
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.read_text(encoding="utf-8") == text
