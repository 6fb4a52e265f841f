"""AppTest: the claims table, its filters, row selection and the download."""

from __future__ import annotations

import csv
import io

from tests.conftest import DATA, TINY
from tests.ui_helpers import (
    hide_factcheck,
    install_fake_factcheck,
    no_traceback,
    number_lines,
    run_page,
    select_row,
    texts,
)

PAGE = "kb/ui/claims.py"


def table(at):
    return at.dataframe(key="claims_table").value


def test_every_claim_with_verdict_codes_and_refs(tiny_kb, monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    df = table(at)
    # the letterhead lines (s01.c01, s01.c02) are hidden until asked for
    assert list(df["id"]) == ["s02.c01", "s02.c02", "s02.c03", "s02.c04"]
    row = df[df["id"] == "s02.c02"].iloc[0]
    assert row["verdict"] == "✗ not supported" and row["codes"] == "NUM_MISMATCH"
    assert row["refs"] == "1, 2" and row["studies"] == "alpha" and row["severity"] == "error"
    assert "4 of 4 claims shown. (2 letterhead or signature lines hidden)" in texts(at)
    at.checkbox(key="f_all_lines").check().run()
    assert len(table(at)) == len(list(tiny_kb.claims("tiny")))
    assert "6 of 6 claims shown." in texts(at)


def test_filters_and_search(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    at.multiselect(key="f_verdict").select("not supported").run()
    assert list(table(at)["id"]) == ["s02.c02"]
    at.multiselect(key="f_verdict").unselect("not supported").run()
    at.multiselect(key="f_code").select("CITED_ONLY").run()
    assert list(table(at)["id"]) == ["s02.c03"]
    at.multiselect(key="f_code").unselect("CITED_ONLY").run()
    at.checkbox(key="f_all_lines").check().run()
    at.multiselect(key="f_section").select("Preamble").run()
    assert list(table(at)["id"]) == ["s01.c01", "s01.c02"]
    at.multiselect(key="f_section").unselect("Preamble").run()
    at.multiselect(key="f_study").select("alpha").run()
    at.text_input(key="f_query").input("harms").run()
    no_traceback(at)
    assert list(table(at)["id"]) == ["s02.c03"]
    at.text_input(key="f_query").input("no such words").run()
    assert "No claim matches these filters." in texts(at)


def test_selecting_a_row_opens_its_trace_and_sets_the_url(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    ids = list(table(at)["id"])
    select_row(at, "claims_table", ids.index("s02.c02"))
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c02"
    page = texts(at)
    assert "Claim s02.c02" in page and "NUM_MISMATCH" in page
    lines = number_lines(at)
    assert ["✓ matched" in lines[0], "≈ near miss" in lines[1]] == [True, True]


def test_download_button_offers_the_filtered_csv(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    at.multiselect(key="f_study").select("alpha").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("Claim-to-source CSV (3 claims, " in lab for lab in labels)


def test_claims_csv_bytes_are_the_filtered_claims(tiny_kb, tiny_graph):
    from kb import views
    from kb.ui.downloads import claims_csv_bytes

    checks = views.Checks.unavailable("none")
    data = claims_csv_bytes(tiny_kb, tiny_graph, checks, "tiny", ["tiny:s02.c02"])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows and {r.get("claim id") or r.get("claim") for r in rows} <= {
        "tiny:s02.c02",
        "claim:tiny:s02.c02",
    }


def test_without_factcheck_the_table_says_not_checked(monkeypatch):
    hide_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert set(table(at)["verdict"]) == {"○ not checked"}
    assert "Fact-check results not available" in texts(at)


def test_bundled_letter_has_its_claims(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    no_traceback(at)
    df = table(at)
    assert len(df) > 50 and df["text"].str.contains("274").any()
