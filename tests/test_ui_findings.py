"""AppTest: the findings dashboard: chart, table, jump to a claim; honest when there are none."""

from __future__ import annotations

from tests.conftest import TINY
from tests.ui_helpers import hide_factcheck, install_fake_factcheck, no_traceback, run_page, texts

PAGE = "kb/ui/findings.py"


def test_counts_table_and_jump(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert at.get("vega_lite_chart")
    assert {m.label: m.value for m in at.metric} == {"error": "1", "warning": "1", "info": "1"}
    df = at.dataframe(key="findings_table").value
    assert list(df["code"]) == ["NUM_MISMATCH", "CITED_ONLY", "NON_PUBLICATION"]
    at.session_state["findings_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c03"
    assert "Claim s02.c03" in texts(at)
    assert "Open in the letter reader" in [p.proto.label for p in at.get("page_link")]


def test_filter_by_severity(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    at.multiselect(key="fd_sev").select("warning").run()
    assert list(at.dataframe(key="findings_table").value["code"]) == ["CITED_ONLY"]


def test_no_engine_no_findings_said_plainly(monkeypatch):
    hide_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    page = texts(at)
    assert "Fact-check results not available" in page
    assert "There are no findings to show" in page


def test_a_finding_about_a_reference_entry_opens_its_work(monkeypatch):
    # the real engine: CIT-UNVERIFIED is about reference 2 of the tiny letter, not a claim
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    df = at.dataframe(key="findings_table").value
    row = df.index[(df["code"] == "CIT-UNVERIFIED")][0]
    assert df.loc[row, "claim"] == "—"
    at.session_state["findings_table"] = {
        "selection": {"rows": [int(row)], "columns": [], "cells": []}
    }
    at.run()
    no_traceback(at)
    assert at.query_params["work"] == "poe2022alpha2y"
    assert "poe2022alpha2y" in texts(at)
