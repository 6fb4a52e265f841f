"""AppTest: the Payer criteria page: criteria, per criterion the evidence and the gaps, the
mapped claims, a plan's own criteria file, the analyst's mapping saved to the review log."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kb import review
from kb.load import load_kb
from tests.conftest import DATA, TINY
from tests.ui_helpers import no_traceback, run_page, set_name, texts

PAGE = "kb/ui/criteria.py"
CLAIM = "nysipp-2026:s03.c01"  # "... an FDA-cleared, minimally invasive technique ..."


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    monkeypatch.setenv(review.ENV_VAR, str(path))
    return path


def test_criteria_evidence_and_gaps_with_provenance(monkeypatch, db):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    no_traceback(at)
    table = at.dataframe[0].value
    assert list(table["criterion"])[:5] == ["tec-1", "tec-2", "tec-3", "tec-4", "tec-5"]
    at.selectbox(key="cr_criterion").set_value("tec-4").run()
    no_traceback(at)
    page = texts(at)
    assert "tec-4: As beneficial as established alternatives" in page
    assert "No trial compares with surgery; the comparison with surgery is only in" in page
    assert "GAP-COMPARATOR" in page and "staats2024laminectomy" in page
    evidence = at.dataframe[1].value
    assert "medicare-laminectomy" in list(evidence["study"])
    assert all(p.startswith("studies.csv:") for p in evidence["provenance"])
    claims = at.dataframe[2].value
    assert len(claims) > 0 and set(claims["status"]) == {"not reviewed"}


def test_the_analyst_maps_a_claim_and_it_is_in_the_log(monkeypatch, db):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    at.selectbox(key="cr_claim").set_value(CLAIM).run()
    no_traceback(at)
    assert "R-TOPIC: speaks of regulatory" in texts(at)
    key = f"cr_map_{CLAIM}"
    assert at.multiselect(key=f"{key}_ids").value == ["tec-1"]  # the machine's suggestion
    submit = at.button(key=f"FormSubmitter:{key}-Save mapping")
    assert submit.disabled  # no analyst name yet
    set_name(at, "Ann")
    at.multiselect(key=f"{key}_ids").set_value(["tec-1", "tec-2"])
    at.text_input(key=f"{key}_note").set_value("clearance and the trials")
    at.button(key=f"FormSubmitter:{key}-Save mapping").click().run()
    no_traceback(at)
    assert "Saved: tec-1;tec-2 (recorded as Ann)." in texts(at)
    events = review.ReviewLog(db).events()
    assert [(e.field, e.after, e.analyst, e.note) for e in events] == [
        ("criteria", "tec-1;tec-2", "Ann", "clearance and the trials")
    ]
    # a new session sees it, as "changed" from the machine's suggestion
    fresh = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    fresh.selectbox(key="cr_claim").set_value(CLAIM).run()
    assert "Analyst's mapping: **tec-1;tec-2** (changed by Ann)." in texts(fresh)
    assert "criteria: (none) → tec-1;tec-2 — clearance and the trials" in texts(fresh)
    state = review.state_of(review.ReviewLog(db), load_kb(DATA))
    assert state.judgements[CLAIM].criteria == "tec-1;tec-2"


def test_a_plans_criteria_file_is_used_or_its_errors_named(monkeypatch, db, tmp_path):
    header = "id,framework,kind,title,text,outcome_kinds,bears_on,source,date,locator\n"
    bad = tmp_path / "bad-plan.csv"
    bad.write_text(header + "p1,Plan,rule,T,t,,,S,2026-01,\n", encoding="utf-8")
    good = tmp_path / "plan.csv"
    good.write_text(
        header + "sham,Plan,criterion,Sham control,A sham-controlled trial,pain,"
        "comparator:sham,Plan manual,2026-01,p. 3\n",
        encoding="utf-8",
    )
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    at.text_input(key="cr_path").set_value(str(bad)).run()
    no_traceback(at)
    page = texts(at)
    assert "bad-plan.csv:2 \\[kind\\]: 'rule' is not one of the allowed terms" in page
    assert "the bundled criteria are shown until it is fixed" in page
    assert list(at.dataframe[0].value["criterion"])[0] == "tec-1"
    at.text_input(key="cr_path").set_value(str(tmp_path / "missing.csv")).run()
    no_traceback(at)
    assert "file not found" in texts(at)
    at.text_input(key="cr_path").set_value(str(good)).run()
    no_traceback(at)
    assert list(at.dataframe[0].value["criterion"]) == ["sham"]
    assert "No sham-controlled trial among the cited studies" in texts(at)


def test_a_deep_link_opens_one_criterion(monkeypatch, db):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "criterion": "ncd-q2"})
    no_traceback(at)
    page = texts(at)
    assert "ncd-q2: Pain" in page
    assert "No between-arm result for pain outcomes is held" in page
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "criterion": "zz"})
    assert "There is no criterion zz" in texts(at) and "tec-1: Regulatory" in texts(at)


def test_a_kb_without_criteria_says_so(monkeypatch, db):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert "The knowledge base holds no criteria" in texts(at)


def test_the_page_is_in_the_navigation(monkeypatch, db):
    at = AppTest.from_file(str(DATA.parent / "app.py"), default_timeout=60)
    monkeypatch.setenv("KB_DATA", str(TINY))
    at.run()
    no_traceback(at)
    at.switch_page(PAGE)
    at.run()
    no_traceback(at)
    assert "🏛️ Payer criteria" in [t.value for t in at.title]
