"""AppTest: the evidence browser, a study's and a work's view, deep links to both."""

from __future__ import annotations

from tests.conftest import DATA, ROOT, TINY
from tests.ui_helpers import frame, no_traceback, run_page, select_row, texts

PAGE = "kb/ui/evidence.py"
CHECKS = ROOT / "tests" / "fixtures" / "checks"


def test_browser_lists_studies_and_works(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert list(at.dataframe(key="studies_table").value["study"]) == ["alpha"]
    works = at.dataframe(key="works_table").value
    assert sorted(works["work"]) == ["doe2020alpha", "poe2022alpha2y", "tinynote"]
    assert set(works["record"]) == {"verified", "cited-only"}


def test_filters(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    at.multiselect(key="e_measure").select("harms").run()
    no_traceback(at)
    assert list(at.dataframe(key="works_table").value["work"]) == ["poe2022alpha2y"]
    at.multiselect(key="e_design").select("RCT").run()
    assert list(at.dataframe(key="studies_table").value["study"]) == ["alpha"]
    at.slider(key="e_years").set_value((2021, 2022)).run()
    assert list(at.dataframe(key="works_table").value["work"]) == ["poe2022alpha2y"]


def test_study_deep_link_shows_works_numbers_and_claims(monkeypatch):
    at = run_page(monkeypatch, TINY, params={"study": "alpha"})
    no_traceback(at)
    assert at.title[0].value == "🔬 Evidence"
    page = texts(at)
    assert "Alpha trial" in page and "Works reporting this study (2)" in page
    assert "Poe P. Two-year results of the Alpha trial" in page
    outs = frame(at, "measure", "locator", "verified")
    assert set(outs["id"]) == {"alpha-n", "alpha-1y-pain", "alpha-2y-harms"}
    assert set(outs["verified"]) == {"verified", "cited-only"}
    claims = at.dataframe(key="study_claims").value
    assert list(claims["claim"]) == ["tiny:s02.c01", "tiny:s02.c02", "tiny:s02.c03"]


def test_selecting_a_resting_claim_opens_the_reader(monkeypatch):
    at = run_page(monkeypatch, TINY, params={"study": "alpha"})
    select_row(at, "study_claims", 1)
    no_traceback(at)
    assert at.title[0].value == "📄 Letter reader"
    assert "Claim s02.c02" in texts(at)


def test_work_deep_link(monkeypatch):
    at = run_page(monkeypatch, TINY, params={"work": "poe2022alpha2y"})
    no_traceback(at)
    page = texts(at)
    assert "poe2022alpha2y" in page and "record not found: cited-only" in page
    assert "from the letter's citation, not the record: pages" in page
    assert "tiny ref 2" in page
    assert list(frame(at, "measure", "locator")["id"]) == ["alpha-2y-harms"]


def test_selecting_a_study_row_puts_it_in_the_url(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    select_row(at, "studies_table", 0)
    no_traceback(at)
    assert at.query_params["study"] == "alpha"
    assert "Works reporting this study (2)" in texts(at)


def test_unknown_study_is_a_message(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"study": "nope"})
    no_traceback(at)
    assert "There is no study `nope`" in texts(at)


def test_motion_shows_all_five_works(monkeypatch):
    at = run_page(monkeypatch, DATA, params={"study": "motion"})
    no_traceback(at)
    page = texts(at)
    assert "Works reporting this study (5)" in page
    for key in (
        "deer2021motion6m",
        "deer2022motion1y",
        "deer2024motion2y",
        "costandi2025motion3y",
        "deer2026motion5y",
    ):
        assert key in page


def test_entry_deep_link_shows_the_entry_its_work_claims_and_findings(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"entry": "tiny:ref2"})
    no_traceback(at)
    assert at.header[0].value == "📑 Reference 2 of tiny"
    page = texts(at)
    assert "As listed in the letter" in page and "Poe P" in page
    fields = frame(at, "field", "value")
    assert {"authors", "title", "year"} <= set(fields["field"])
    assert "Resolved to poe2022alpha2y by curated" in page
    assert "Open work poe2022alpha2y" in [p.proto.label for p in at.get("page_link")]
    findings = frame(at, "severity", "code", "message")
    assert list(findings["code"]) == ["CIT-UNVERIFIED", "EVID-SPONSOR"]  # worst first
    claims = at.dataframe(key="entry_claims").value
    assert list(claims["claim"]) and all(c.startswith("tiny:") for c in claims["claim"])
    select_row(at, "entry_claims", 0)
    no_traceback(at)


def test_an_unresolved_entry_still_opens(monkeypatch):
    at = run_page(monkeypatch, CHECKS, PAGE, {"entry": "bad:ref08"})
    no_traceback(at)
    assert at.header[0].value == "📑 Reference 8 of bad"
    page = texts(at)
    assert "Zed Q" in page and "Quantum gardening for beginners" in page
    assert "Not resolved to any work in the knowledge base" in [w.value for w in at.warning][0]
    assert not [p for p in at.get("page_link") if p.proto.label.startswith("Open work")]
    assert list(frame(at, "severity", "code", "message")["code"]) == ["CIT-UNRESOLVED"]
    assert list(at.dataframe(key="entry_claims").value["claim"]) == ["bad:s02.c11"]


def test_an_unknown_entry_is_said_plainly(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"entry": "tiny:ref99"})
    no_traceback(at)
    assert "There is no reference entry" in texts(at)
    assert at.dataframe(key="studies_table")  # the browser is still there
