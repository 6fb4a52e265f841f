"""AppTest: every page shows a message, never a traceback, on broken or odd data."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import TINY
from tests.ui_helpers import no_traceback, run_page, texts

PAGES = [
    None,
    "kb/ui/reader.py",
    "kb/ui/claims.py",
    "kb/ui/evidence.py",
    "kb/ui/network.py",
    "kb/ui/findings.py",
    "kb/ui/compare_docs.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_broken_data_dir_is_a_message(monkeypatch, tmp_path, page):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    (data / "documents.csv").write_text("")
    at = run_page(monkeypatch, data, page)
    no_traceback(at)
    assert "documents.csv: file is empty" in at.error[0].value


@pytest.mark.parametrize("page", PAGES)
def test_missing_data_dir_is_a_message(monkeypatch, tmp_path, page):
    at = run_page(monkeypatch, tmp_path / "nothing-here", page)
    no_traceback(at)
    assert "data directory not found" in at.error[0].value


@pytest.mark.parametrize("page", PAGES)
def test_a_document_without_text_is_an_empty_state(monkeypatch, tmp_path, page):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    (data / "letters" / "tiny.txt").write_text("")
    at = run_page(monkeypatch, data, page)
    no_traceback(at)
    assert at.title


@pytest.mark.parametrize("page", PAGES)
def test_a_failing_fact_check_is_a_message_on_every_page(monkeypatch, caplog, page):
    import kb.ui.state

    def boom(kb, graph):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(kb.ui.state, "fact_check", boom)
    at = run_page(monkeypatch, TINY, page)
    no_traceback(at)
    assert at.error[0].value == (
        "The knowledge base could not be loaded: unexpected error while loading: engine exploded"
    )
    assert any("unexpected error loading" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "page, module, name",
    [
        ("kb/ui/reader.py", "kb.views", "reader_html"),
        ("kb/ui/claims.py", "kb.views", "filter_claims"),
        ("kb/ui/evidence.py", "kb.views", "study_rows"),
        ("kb/ui/network.py", "kb.views", "graph_elements"),
        ("kb/ui/findings.py", "kb.views", "finding_rows"),
        ("kb/ui/compare_docs.py", "kb.views.compare", "compare_claims"),
    ],
)
def test_a_bug_in_a_page_is_a_message_and_a_log_line(monkeypatch, caplog, page, module, name):
    import importlib

    from tests.conftest import DATA

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(importlib.import_module(module), name, boom)
    at = run_page(monkeypatch, DATA if "compare" in page else TINY, page)
    no_traceback(at)
    assert "Something went wrong while showing this page (RuntimeError: kaboom)" in texts(at)
    assert any("failed" in r.getMessage() for r in caplog.records)
