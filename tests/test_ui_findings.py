"""AppTest: the findings dashboard: chart, table, jump to a claim; honest when there are none."""

from __future__ import annotations

import shutil

from tests.conftest import ROOT, TINY
from tests.ui_helpers import no_traceback, run_page, texts

PAGE = "kb/ui/findings.py"
CHECKS = ROOT / "tests" / "fixtures" / "checks"


def test_counts_table_and_jump(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert at.get("vega_lite_chart")
    assert {m.label: m.value for m in at.metric} == {"warning": "2", "info": "3"}
    df = at.dataframe(key="findings_table").value
    assert list(df["code"]) == [
        "CIT-NON-PUBLICATION",
        "CIT-UNVERIFIED",
        "EVID-SPONSOR",
        "NUM-MATCH",
        "NUM-MATCH",
    ]
    assert list(df["claim"]) == ["—", "—", "—", "tiny:s02.c01", "tiny:s02.c02"]
    at.session_state["findings_table"] = {"selection": {"rows": [4], "columns": [], "cells": []}}
    at.run()
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c02"
    assert "Claim s02.c02" in texts(at)
    assert "Open in the letter reader" in [p.proto.label for p in at.get("page_link")]


def test_a_finding_about_a_reference_opens_no_claim(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    at.session_state["findings_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    no_traceback(at)
    assert "claim" not in at.query_params
    assert "Open in the letter reader" not in [p.proto.label for p in at.get("page_link")]


def test_filter_by_severity(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    at.multiselect(key="fd_sev").select("warning").run()
    assert list(at.dataframe(key="findings_table").value["code"]) == [
        "CIT-NON-PUBLICATION",
        "CIT-UNVERIFIED",
    ]
    assert "Findings (2)" in texts(at)


def test_errors_come_first_and_scope_widens(monkeypatch):
    at = run_page(monkeypatch, CHECKS, PAGE, {"doc": "bad"})
    no_traceback(at)
    metrics = {m.label: int(m.value) for m in at.metric}
    assert list(metrics) == ["error", "warning", "info"] and metrics["error"] == 5
    df = at.dataframe(key="findings_table").value
    assert set(df["code"][:5]) == {
        "ARITH-P-VALUE-FLIP",
        "ARITH-SIGNIFICANCE",
        "CIT-NO-ENTRY",
        "CONS-NEGATION",
        "NUM-CONTRADICTED",
    }
    assert "CIT-UNCITED" not in set(df["code"])  # about the other document
    at.radio(key="fd_scope").set_value("every document").run()
    no_traceback(at)
    assert "CIT-UNCITED" in set(at.dataframe(key="findings_table").value["code"])


def test_no_findings_said_plainly(monkeypatch, tmp_path):
    data = tmp_path / "quiet"
    shutil.copytree(TINY, data)
    (data / "letters" / "tiny.txt").write_text(
        "Tiny Society of Examples\n\nJanuary 5, 2026\n\nOverview\n\nThe device is small.\n",
        encoding="utf-8",
    )
    at = run_page(monkeypatch, data, PAGE)
    no_traceback(at)
    assert [s.value for s in at.success] == [
        "No findings: the fact-check found nothing to report here."
    ]
    assert not at.dataframe


def _pick(at, code: str) -> None:
    df = at.dataframe(key="findings_table").value
    row = df.index[(df["code"] == code)][0]
    assert df.loc[row, "claim"] == "—"
    assert "opens" not in df.columns  # the row's target is not a column on screen
    at.session_state["findings_table"] = {
        "selection": {"rows": [int(row)], "columns": [], "cells": []}
    }
    at.run()
    no_traceback(at)


def test_a_finding_about_a_reference_entry_opens_that_entry(monkeypatch):
    # the real engine: CIT-UNVERIFIED is about reference 2 of the tiny letter, not a claim
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    _pick(at, "CIT-UNVERIFIED")
    assert at.query_params["entry"] == "tiny:ref02"
    assert "work" not in at.query_params
    assert at.header[0].value == "📑 Reference 2 of tiny"
    assert "Open work poe2022alpha2y" in [p.proto.label for p in at.get("page_link")]


def test_the_unresolved_reference_finding_opens_its_entry(monkeypatch):
    # reference 8 of the checks fixture resolves to no work: the row still leads somewhere
    at = run_page(monkeypatch, CHECKS, PAGE, {"doc": "bad"})
    no_traceback(at)
    _pick(at, "CIT-UNRESOLVED")
    assert at.query_params["entry"] == "bad:ref08"
    assert at.header[0].value == "📑 Reference 8 of bad"
    assert "Not resolved to any work" in texts(at)
