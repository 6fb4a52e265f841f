"""AppTest: comparing the 2024 statement with the 2026 letter."""

from __future__ import annotations

from tests.conftest import DATA, TINY
from tests.ui_helpers import no_traceback, run_page, texts

PAGE = "kb/ui/compare_docs.py"


def test_compare_bundled_documents(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE)
    no_traceback(at)
    assert at.selectbox(key="cmp_a").value == "nysipp-2024"
    assert at.selectbox(key="cmp_b").value == "nysipp-2026"
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Claims paired"] > 0
    assert metrics["Only in nysipp-2026"] > metrics["Only in nysipp-2024"]
    page = texts(at)
    assert "Numbers that changed" in page and "Subjects both speak of" in page


def test_same_document_twice_is_refused(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE)
    at.selectbox(key="cmp_b").set_value("nysipp-2024").run()
    no_traceback(at)
    assert "Pick two different documents." in texts(at)


def test_one_document_is_an_empty_state(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert "Comparing needs two documents" in texts(at)


def test_a_figure_stated_differently_is_shown_even_when_sentences_differ(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE)
    no_traceback(at)
    tables = list(at.table) + list(at.dataframe)
    cells = [str(v) for el in tables for v in el.value.to_numpy().ravel()]
    (finding,) = [c for c in cells if c.startswith("nysipp-2026 says")]
    assert '"more than 200,000 individuals"' in finding and '"over two million' in finding
    assert any(c.startswith("Over two million LSS patients") for c in cells)
    assert int({m.label: m.value for m in at.metric}["Numbers that changed"]) >= 1


def test_letterhead_lines_are_not_compared(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE)
    no_traceback(at)
    tables = list(at.table) + list(at.dataframe)
    cells = {str(v) for el in tables for v in el.value.to_numpy().ravel()}
    assert "(516) 492-3100" not in cells and "NYSIPP POSITION STATEMENT" not in cells
