"""The reference-entry view's rows (kb.views.entry), on the checks fixture and the real engine."""

from __future__ import annotations

import pytest

from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.load import load_kb
from kb.views import entry as ev
from kb.views import finding_rows
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bad():
    kb = load_kb(ROOT / "tests" / "fixtures" / "checks")
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


@pytest.mark.parametrize("ident", ["bad:ref8", "bad:ref08", "entry:bad:ref8", " bad:ref008 "])
def test_find_entry_takes_the_number_padded_or_not(bad, ident):
    kb, _, _ = bad
    assert ev.find_entry(kb, ident).id == "bad:ref08"


@pytest.mark.parametrize("ident", ["bad:ref99", "nope:ref1", "bad", "bad:refx", ""])
def test_find_entry_unknown_is_none(bad, ident):
    assert ev.find_entry(bad[0], ident) is None


def test_an_unresolved_entry(bad):
    kb, g, fc = bad
    v = ev.entry_view(kb, g, fc, ev.find_entry(kb, "bad:ref8"))
    assert v["raw"].startswith("Zed Q. Quantum gardening for beginners.")
    fields = {r["field"]: r["value"] for r in v["fields"]}
    assert fields["authors"] == "Zed Q" and fields["year"] == "1999"
    assert "DOI" not in fields  # empty fields are left out
    assert v["resolution"]["work"] is None
    assert v["resolution_line"].startswith("Not resolved to any work in the knowledge base")
    assert [c["claim"] for c in v["claims"]] == ["bad:s02.c11"]
    assert [f["code"] for f in v["findings"]] == ["CIT-UNRESOLVED"]


def test_a_resolved_entry_names_its_work_and_keeps_claim_findings_apart(bad):
    kb, g, fc = bad
    v = ev.entry_view(kb, g, fc, ev.find_entry(kb, "bad:ref1"))
    assert v["resolution"] == {
        "method": "curated",
        "score": 100.0,
        "note": None,
        "work": "able2020trial",
    }
    assert v["resolution_line"] == "Resolved to able2020trial by curated, score 100."
    assert [c["claim"] for c in v["claims"]] == ["bad:s02.c01", "bad:s02.c02"]
    # only findings about the entry itself; a citing claim's findings are the claim's
    assert {f["code"] for f in v["findings"]} == {
        "CIT-DUPLICATE-WORK",
        "EVID-AUTHOR-OVERLAP",
        "EVID-SPONSOR",
    }
    assert v["findings"][0]["code"] == "CIT-DUPLICATE-WORK"  # warning before info


def test_what_a_finding_opens(bad):
    kb, _, fc = bad
    opens = {(r["code"], r["refs"]): r["opens"] for r in finding_rows(kb, fc, "bad")}
    assert opens[("CIT-UNRESOLVED", "8")] == "entry:bad:ref08"
    assert opens[("CIT-DUPLICATE-WORK", "1, 5")] == "entry:bad:ref01"
    assert opens[("CIT-DETAIL-MISMATCH", "5")] == "entry:bad:ref05"
    assert opens[("CIT-DATED-AFTER", "7")] == "entry:bad:ref07"
    assert opens[("EVID-SPONSOR", "1, 2, 5, 7")] == "work:able2020trial"  # about works
    assert all(
        r["opens"] == f"claim:{r['claim']}"
        for r in finding_rows(kb, fc, "bad")
        if r["claim"] != "—"
    )
