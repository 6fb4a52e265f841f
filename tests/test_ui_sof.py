"""AppTest: the summary-of-findings page: outcomes, results with provenance, the five certainty
domains rated by the analyst (saved to the review log) beside the machine's facts."""

from __future__ import annotations

import pytest

from kb import review
from tests.conftest import ROOT, TINY
from tests.ui_helpers import no_traceback, run_page, set_name, texts

PAGE = "kb/ui/sof.py"
DATA = ROOT / "data"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    monkeypatch.setenv(review.ENV_VAR, str(path))
    return path


def _frame(at, column):
    """The page's dataframe that has this column (outcomes, results or certainty)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) == 1, column
    return frames[0]


def _key(doc, outcome, domain, part):
    return f"sof_{doc}_{outcome}_{domain}_{part}"


def test_bundled_letter_lists_every_outcome_it_cites(monkeypatch, db):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    no_traceback(at)
    outcomes = list(_frame(at, "design mix")["outcome"])
    for word in ("ODI", "NPRS", "ZCQ", "Walking tolerance", "Subsequent interventions", "Harms"):
        assert any(word in o for o in outcomes), word
    results = _frame(at, "effect (reported)")  # the first outcome: ODI
    assert "encore-2y-odi" in list(results["id"])
    row = results[results["id"] == "encore-2y-odi"].iloc[0]
    assert row["effect (reported)"] == "22.7 points"
    assert row["PMID/DOI"].startswith("PMID 30199512")
    assert row["95% CI"] == "not reported in the KB"
    assert "exceeds the MCID of 10 points reported by encore2016rct6m" in row["MCID"]
    page = texts(at)
    assert "no study of this outcome has a sham control" in page
    assert "in the sidebar and type your name to rate" in page
    assert at.selectbox(key=_key("nysipp-2026", "odi", "risk_of_bias", "level")).disabled
    assert not db.exists()  # showing the page writes nothing


def test_derived_figures_say_so(monkeypatch, db):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    at.selectbox(key="sof_outcome").set_value("harms").run()
    no_traceback(at)
    results = _frame(at, "effect (reported)")
    row = results[results["id"] == "spacers-2y-harms"].iloc[0]
    assert row["effect (reported)"] == "5.6%" and row["comparator result"] == "12.1%"
    assert row["derived"].startswith("risk difference -6.5 percentage points (derived: ")


def test_setting_a_certainty_domain(monkeypatch, db):
    doc = "nysipp-2026"
    at = run_page(monkeypatch, DATA, PAGE, {"doc": doc})
    set_name(at, "Ann Analyst")
    at.selectbox(key=_key(doc, "odi", "risk_of_bias", "level")).set_value("serious")
    at.text_input(key=_key(doc, "odi", "risk_of_bias", "note")).set_value("open label, no sham")
    at.button(key=f"FormSubmitter:sof_form_{doc}_odi-Save ratings").click().run()
    no_traceback(at)
    assert "Saved (1 rating(s) recorded as Ann Analyst)" in texts(at)
    events = review.ReviewLog(db).events()
    assert [(e.document, e.finding, e.field, e.after, e.note) for e in events] == [
        (doc, "sof:odi:risk_of_bias", "certainty", "serious", "open label, no sham")
    ]
    certainty = _frame(at, "machine's facts")
    rob = certainty[
        (certainty["domain"] == "Risk of bias") & certainty["outcome"].str.contains("ODI")
    ].iloc[0]
    assert rob["analyst's rating"] == "serious" and "Ann Analyst" in rob["rated by"]
    other = certainty[certainty["domain"] == "Imprecision"].iloc[0]
    assert other["analyst's rating"] == "not rated"
    # clearing it is a change too; saving again unchanged writes nothing
    at.selectbox(key=_key(doc, "odi", "risk_of_bias", "level")).set_value("(not rated)")
    at.button(key=f"FormSubmitter:sof_form_{doc}_odi-Save ratings").click().run()
    assert [e.after for e in review.ReviewLog(db).events()] == ["serious", ""]
    at.button(key=f"FormSubmitter:sof_form_{doc}_odi-Save ratings").click().run()
    assert len(review.ReviewLog(db).events()) == 2
    assert "Nothing changed." in texts(at)


def test_signed_off_review_refuses_a_rating(monkeypatch, db):
    review.ReviewLog(db).append("Lead", "tiny", "signoff", "done")
    at = run_page(monkeypatch, TINY, PAGE, {"doc": "tiny"})
    set_name(at, "Ann")
    at.selectbox(key=_key("tiny", "pain", "imprecision", "level")).set_value("very serious")
    at.button(key="FormSubmitter:sof_form_tiny_pain-Save ratings").click().run()
    no_traceback(at)
    assert "Not saved" in texts(at) and "signed off" in texts(at)
    assert [e.field for e in review.ReviewLog(db).events()] == ["signoff"]
