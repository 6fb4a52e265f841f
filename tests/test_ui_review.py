"""AppTest: an analyst names themself, judges a claim in its panel, and sees it at once.

The real fact check runs (no stand-in): the machine verdicts beside the analyst's are its own.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kb import review
from tests.conftest import TINY
from tests.ui_helpers import APP, no_traceback, run_page, set_name, texts

PAGE = "kb/ui/reader.py"
CLAIM = "tiny:s02.c02"
KEY = f"reader_rv_{CLAIM}"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    monkeypatch.setenv(review.ENV_VAR, str(path))
    return path


def open_review(at: AppTest, key: str = KEY) -> AppTest:
    """Open the claim's review form (drawn only once its expander is opened)."""
    at.session_state[f"{key}_open"] = True
    at.run()
    return at


def _judge(at: AppTest, name: str, verdict: str, note: str) -> AppTest:
    set_name(at, name)
    open_review(at)
    at.selectbox(key=f"{KEY}_verdict").set_value(verdict)
    at.text_area(key=f"{KEY}_note").set_value(note)
    at.button(key=f"FormSubmitter:{KEY}_form-💾 Save judgement").click().run()
    return at


def test_without_a_name_nothing_can_be_recorded(monkeypatch, db):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": CLAIM})
    no_traceback(at)
    # a selection draws the panel but not the form: no select box until it is opened
    assert not [s for s in at.selectbox if s.key == f"{KEY}_verdict"]
    open_review(at)
    assert "in the sidebar and type your name to record" in texts(at)
    assert at.selectbox(key=f"{KEY}_verdict").disabled
    assert not db.exists()  # showing the panel writes nothing


def test_a_judgement_is_saved_at_once_and_seen_by_a_new_session(monkeypatch, db):
    # the real fact check: its verdict on this claim is "supported"
    at = run_page(monkeypatch, TINY, PAGE, {"claim": CLAIM})
    _judge(at, "Ann Analyst", "contradicted", "the record says 1.0, not 3.0")
    no_traceback(at)
    page = texts(at)
    assert "Saved (2 change(s) recorded as Ann Analyst)" in page
    assert "analyst: ‼ contradicted" in page and "machine: ✓ supported" in page
    assert "the record says 1.0, not 3.0 · Ann Analyst" in page
    # a second browser session (same server, same cached KB) sees it without a restart
    other = AppTest.from_file(APP, default_timeout=60)
    other.query_params["claim"] = CLAIM
    other.run()
    assert "analyst: ‼ contradicted" in texts(other)
    events = review.ReviewLog(db).events()
    assert [(e.analyst, e.field, e.after) for e in events] == [
        ("Ann Analyst", "verdict", "contradicted"),
        ("Ann Analyst", "note", "the record says 1.0, not 3.0"),
    ]


def test_finding_decisions_history_and_restore(monkeypatch, db):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": CLAIM})
    set_name(at, "Bo")
    open_review(at)
    at.selectbox(key=f"{KEY}_f0").set_value("reject")
    at.button(key=f"FormSubmitter:{KEY}_form-💾 Save judgement").click().run()
    assert "Not saved: say why" in texts(at)
    at.text_input(key=f"{KEY}_r0").set_value("the 1.0 is the sham arm")
    at.button(key=f"FormSubmitter:{KEY}_form-💾 Save judgement").click().run()
    no_traceback(at)
    assert "analyst: ✗ rejected — the 1.0 is the sham arm (Bo)" in texts(at)
    _judge(at, "Bo", "supported", "")
    first = review.ReviewLog(db).events()[0]
    _judge(at, "Bo", "not supported", "second look")
    assert "analyst: ✗ not supported" in texts(at)
    at.button(key=f"{KEY}_restore_{first.seq}").click().run()
    no_traceback(at)
    page = texts(at)
    assert f"Restored to the state after event #{first.seq}" in page
    assert "No analyst has judged this claim yet" in page  # event 1 set no verdict


def test_a_signed_off_review_cannot_be_changed_in_the_panel(monkeypatch, db):
    review.sign_off(review.ReviewLog(db), "tiny", "Cy", "done")
    at = run_page(monkeypatch, TINY, PAGE, {"claim": CLAIM})
    set_name(at, "Bo")
    open_review(at)
    assert "signed off by Cy" in texts(at)
    assert at.selectbox(key=f"{KEY}_verdict").disabled


def test_an_unreadable_log_is_a_message(monkeypatch, db):
    db.write_bytes(b"not a database at all " * 100)
    at = run_page(monkeypatch, TINY, PAGE, {"claim": CLAIM})
    no_traceback(at)
    assert "The review log cannot be read" in texts(at)


def test_claims_page_progress_not_yet_reviewed_filter_and_signoff(monkeypatch, db, tiny_kb):
    review.judge(review.ReviewLog(db), tiny_kb, CLAIM, "Ann", verdict="contradicted")
    at = run_page(monkeypatch, TINY, "kb/ui/claims.py")
    no_traceback(at)
    page = texts(at)
    # row a1 of the tiny assessments.csv and Ann's judgement
    assert "2 of 4 factual claims reviewed, 2 remain; 2 disagree with the machine." in page
    table = at.dataframe(key="claims_table").value
    assert set(table["analyst"]) >= {"contradicted", "partly supported", "—"}
    assert list(table.columns[:2]) == ["text", "id"]  # the claim's text comes first
    at.checkbox(key="f_unreviewed").check().run()
    assert sorted(at.dataframe(key="claims_table").value["id"]) == ["s02.c01", "s02.c04"]
    assert "2 of 4 claims shown" in texts(at)
    set_name(at, "Cy")
    assert not [t for t in at.text_area if t.key == "signoff_tiny_summary"]  # drawn when opened
    at.session_state["signoff_tiny_open"] = True
    at.run()
    at.text_area(key="signoff_tiny_summary").set_value("all four read against the records")
    at.button(key="signoff_tiny_sign").click().run()
    no_traceback(at)
    assert "Review ✅ signed off by Cy" in texts(at)
    assert review.fold(review.ReviewLog(db).events()).signed_off("tiny").summary == (
        "all four read against the records"
    )
    at.text_input(key="signoff_tiny_reason").set_value("an erratum")
    at.button(key="signoff_tiny_reopen").click().run()
    assert "Review not signed off" in texts(at)


def test_findings_page_shows_decisions_and_filters_the_undecided(monkeypatch, db, tiny_kb):
    # the real fact check: NUM-MATCH about claim s02.c02, references 1 and 2
    review.decide(
        review.ReviewLog(db),
        tiny_kb,
        CLAIM,
        "NUM-MATCH|1,2|doe2020alpha",
        "Ann",
        "amend",
        "a near miss, not a mismatch",
    )
    at = run_page(monkeypatch, TINY, "kb/ui/findings.py")
    no_traceback(at)
    table = at.dataframe(key="findings_table").value
    row = table[(table["code"] == "NUM-MATCH") & (table["claim"] == CLAIM)].iloc[0]
    assert (row["analyst"], row["analyst reason"]) == ("✎ amended", "a near miss, not a mismatch")
    n = len(table)
    at.checkbox(key="fd_unreviewed").check().run()
    left = at.dataframe(key="findings_table").value
    assert len(left) == n - 1 and CLAIM not in set(left["claim"])
