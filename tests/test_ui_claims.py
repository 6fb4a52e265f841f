"""AppTest: the claims table, its filters, row selection and the download."""

from __future__ import annotations

import csv
import io

from tests.conftest import DATA, ROOT, TINY
from tests.ui_helpers import no_traceback, number_lines, run_page, select_row, texts

CHECKS = ROOT / "tests" / "fixtures" / "checks"

PAGE = "kb/ui/claims.py"


def table(at):
    return at.dataframe(key="claims_table").value


def test_every_claim_with_verdict_codes_and_refs(tiny_kb, monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    df = table(at)
    # the letterhead lines (s01.c01, s01.c02) are hidden until asked for
    assert list(df["id"]) == ["s02.c01", "s02.c02", "s02.c03", "s02.c04"]
    assert list(df["verdict"]) == [
        "✓ supported",
        "✓ supported",
        "? source not available",
        "§ cites a non-publication",
    ]
    row = df[df["id"] == "s02.c02"].iloc[0]
    assert row["codes"] == "CIT-UNVERIFIED, NUM-MATCH" and row["severity"] == "warning"
    assert row["refs"] == "1, 2" and row["studies"] == "alpha"
    assert list(df["analyst"]) == ["—", "—", "partly supported", "—"]
    assert "4 of 4 claims shown. (2 letterhead or signature lines hidden)" in texts(at)
    at.checkbox(key="f_all_lines").check().run()
    assert len(table(at)) == len(list(tiny_kb.claims("tiny")))
    assert set(table(at)[table(at)["id"].str.startswith("s01")]["verdict"]) == {
        "– no factual claim"
    }
    assert "6 of 6 claims shown." in texts(at)


def open_filters(at):
    """Open the filter pickers (drawn only once their expander is opened)."""
    at.session_state["f_open"] = True
    at.run()
    return at


def test_filters_and_search(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    assert not at.multiselect  # the first render draws no picker
    open_filters(at)
    assert at.multiselect(key="f_verdict").options == [
        "cites a non-publication",
        "no factual claim",
        "source not available",
        "supported",
    ]
    at.multiselect(key="f_verdict").select("cites a non-publication").run()
    assert list(table(at)["id"]) == ["s02.c04"]
    # closed again, the choice stays in force and is named above the table
    at.session_state["f_open"] = False
    at.run()
    assert not at.multiselect and list(table(at)["id"]) == ["s02.c04"]
    assert "Filtered by verdict: cites a non-publication." in texts(at)
    open_filters(at)
    at.multiselect(key="f_verdict").unselect("cites a non-publication").run()
    at.multiselect(key="f_code").select("CIT-UNVERIFIED").run()
    assert list(table(at)["id"]) == ["s02.c02", "s02.c03"]
    at.multiselect(key="f_code").unselect("CIT-UNVERIFIED").run()
    at.multiselect(key="f_severity").select("info").run()
    assert list(table(at)["id"]) == ["s02.c01"]
    at.multiselect(key="f_severity").unselect("info").run()
    at.multiselect(key="f_severity").select("warning").run()
    assert list(table(at)["id"]) == ["s02.c02", "s02.c03", "s02.c04"]
    at.multiselect(key="f_severity").unselect("warning").run()
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
    at = run_page(monkeypatch, TINY, PAGE)
    ids = list(table(at)["id"])
    select_row(at, "claims_table", ids.index("s02.c02"))
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c02"
    page = texts(at)
    assert "Claim s02.c02" in page and "NUM-MATCH" in page and "CIT-UNVERIFIED" in page
    lines = number_lines(at)
    assert len(lines) == 2 and all("✓ matched" in line for line in lines)
    assert lines[0].startswith("Letter: **3.0 points with the device versus 1.0 point**")
    assert lines[1].startswith("Letter: **p \\< 0.001**")  # document text is escaped
    # the verdicts are Streamlit's own badges: the panel draws no raw HTML (no HTML parser to
    # load in the browser on a selection)
    assert not any(m.proto.allow_html for m in at.markdown)
    assert any(m.value.startswith(":green-badge[machine: ✓ supported]") for m in at.markdown)


def test_a_review_written_in_the_fragment_reruns_the_whole_page(monkeypatch):
    # the table and trace are a fragment; a saved judgement sets a flag that makes the
    # fragment rerun the page (so the table's analyst column and the sign-off counts follow)
    from kb.ui import review

    at = run_page(monkeypatch, TINY, PAGE)
    at.session_state[review.REVIEW_CHANGED] = True
    at.run()
    no_traceback(at)
    assert review.REVIEW_CHANGED not in at.session_state
    assert list(table(at)["id"])  # the page was drawn whole after the rerun


def test_a_claim_whose_numbers_were_not_compared_says_not_checked(monkeypatch):
    # "Five-year results are expected…": its one number is a time span, matched to nothing
    at = run_page(monkeypatch, CHECKS, PAGE, {"doc": "bad"})
    ids = list(table(at)["id"])
    select_row(at, "claims_table", ids.index("s02.c10"))
    no_traceback(at)
    (line,) = number_lines(at)
    assert line.startswith("Letter: **Five-year**") and "○ not checked" in line


def test_download_button_offers_the_filtered_csv(monkeypatch):
    at = open_filters(run_page(monkeypatch, TINY, PAGE))
    at.multiselect(key="f_study").select("alpha").run()
    # drawn only once the popover is opened (it names the claims it holds)
    assert not at.get("download_button")
    assert any("Download these 3 claims" in p.proto.popover.label for p in at.get("popover"))
    at.session_state["claims_downloads_open"] = True
    at.run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("Claim-to-source CSV (3 claims, " in lab for lab in labels)


def test_claims_csv_bytes_are_the_filtered_claims(tiny_kb, tiny_graph):
    from kb.checks.factcheck import fact_check
    from kb.ui.downloads import claims_csv_bytes

    fc = fact_check(tiny_kb, tiny_graph)
    data = claims_csv_bytes(tiny_kb, tiny_graph, fc, "tiny", ["tiny:s02.c02"])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [(r["claim id"], r["reference numbers"], r["match status"]) for r in rows] == [
        ("tiny:s02.c02", "1", "matched"),
        ("tiny:s02.c02", "1", "matched"),
        ("tiny:s02.c02", "2", ""),
    ]
    assert {r["verdict"] for r in rows} == {"supported"}


def test_an_engine_failure_is_a_message_not_a_traceback(monkeypatch):
    import kb.ui.state

    def boom(kb, graph):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(kb.ui.state, "fact_check", boom)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert [e.value for e in at.error] == [
        "The knowledge base could not be loaded: unexpected error while loading: engine exploded"
    ]
    assert not at.dataframe


def test_bundled_letter_has_its_claims(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    no_traceback(at)
    df = table(at)
    assert len(df) > 50 and df["text"].str.contains("274").any()
