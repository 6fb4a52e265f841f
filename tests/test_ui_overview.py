"""AppTest: the overview page, the sidebar document picker, routing of deep links."""

from __future__ import annotations

import re
import shutil

from tests.conftest import DATA, TINY
from tests.ui_helpers import doc_picker, no_traceback, run_page, set_name, texts


def test_overview_counts_and_links(monkeypatch):
    at = run_page(monkeypatch, DATA)
    no_traceback(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "2" and int(metrics["Claims"]) > 100
    labels = [p.proto.label for p in at.get("page_link")]
    assert "Read a letter, claim by claim" in labels
    line = next(c.value for c in at.caption if c.value.startswith("Fact-check: "))
    assert int(line.split()[1]) > 0  # findings about the bundled letters


def test_overview_states_the_fact_check_of_the_tiny_kb(monkeypatch):
    at = run_page(monkeypatch, TINY)
    no_traceback(at)
    assert "Fact-check: 5 finding(s) about 6 claim(s)." in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Documents"], metrics["Claims"]) == ("1", "6")


def test_sidebar_picks_the_document(monkeypatch):
    at = run_page(monkeypatch, DATA, "kb/ui/claims.py")
    picker = doc_picker(at)
    assert picker.value == "nysipp-2026"  # the newest by default
    picker.set_value("nysipp-2024").run()
    no_traceback(at)
    assert at.query_params["doc"] == "nysipp-2024"
    assert at.dataframe(key="claims_table").value["text"].str.contains("85,000").any()


def sidebar_popovers(at) -> list[str]:
    """The labels of the sidebar's popovers."""
    return [p.proto.popover.label for p in at.sidebar.get("popover")]


def test_sidebar_draws_its_fields_only_in_open_popovers(monkeypatch):
    at = run_page(monkeypatch, DATA, "kb/ui/claims.py")
    no_traceback(at)
    # a first render draws no select or text field in the sidebar: two popovers name the
    # document and the analyst instead
    assert not at.sidebar.selectbox and not at.sidebar.text_input
    labels = sidebar_popovers(at)
    assert any("nysipp-2026" in label for label in labels)
    assert "👤 Your name (analyst): not given yet" in labels
    picker = doc_picker(at)
    picker.set_value("nysipp-2024").run()
    assert not at.session_state["doc_picker_open"]  # a pick shuts the popover
    assert not at.sidebar.selectbox
    assert any("nysipp-2024" in label for label in sidebar_popovers(at))
    set_name(at, "  Ann   Analyst ")
    assert "👤 Ann Analyst" in sidebar_popovers(at)
    at.session_state["analyst_name_open"] = False
    at.run()
    assert not at.sidebar.text_input  # shut again, the name is kept
    assert "👤 Ann Analyst" in sidebar_popovers(at)


def test_document_popover_shows_an_id_as_written(monkeypatch, tmp_path):
    # a document id holding Markdown characters (ids are not restricted): the popover's label
    # is Markdown, so the id is escaped there, and the picker lists it as written
    data = tmp_path / "kb"
    shutil.copytree(TINY, data)
    odd = "tiny_*draft*"
    for name in ("documents.csv", "assessments.csv", "references.bib", "reference_map.csv"):
        f = data / name
        f.write_text(
            re.sub(r"\btiny\b(?![./])", odd, f.read_text(encoding="utf-8")), encoding="utf-8"
        )
    at = run_page(monkeypatch, data)
    no_traceback(at)
    assert "📄 2026-01-05 · tiny\\_\\*draft\\*" in sidebar_popovers(at)
    assert doc_picker(at).value == odd


def test_doc_param_selects_the_document(monkeypatch):
    at = run_page(monkeypatch, DATA, "kb/ui/reader.py", {"doc": "nysipp-2024"})
    no_traceback(at)
    assert doc_picker(at).value == "nysipp-2024"
    assert "NYSIPP Position Statement" in texts(at)


def test_unknown_doc_param_falls_back(monkeypatch):
    at = run_page(monkeypatch, TINY, "kb/ui/reader.py", {"doc": "nope"})
    no_traceback(at)
    assert doc_picker(at).value == "tiny"


def test_overview_says_what_the_tool_does_and_counts_errors_and_warnings(monkeypatch):
    at = run_page(monkeypatch, TINY)
    no_traceback(at)
    page = texts(at)
    assert "This tool takes apart letters that cite clinical evidence" in page
    assert "Start with the **Letter reader**" in page
    assert "Fact-check in tiny:" in page and "error(s) and" in page and "warning(s)" in page
