"""AppTest: the app renders on the bundled data and on broken data without a traceback."""

from __future__ import annotations

import shutil

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, TINY

APP = str(ROOT / "app.py")


def run_app(monkeypatch, data) -> AppTest:
    monkeypatch.setenv("KB_DATA", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def test_overview_shows_counts_on_tiny_kb(monkeypatch):
    at = run_app(monkeypatch, TINY)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Works"] == "3" and metrics["Studies"] == "1" and metrics["Documents"] == "1"
    assert not at.error
    assert any("No loading problems" in s.value for s in at.success)


def test_overview_lists_loading_problems(monkeypatch, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    (data / "studies.csv").write_text(
        (data / "studies.csv").read_text().replace(",RCT,", ",coin toss,")
    )
    at = run_app(monkeypatch, data)
    assert not at.exception
    assert any("1 error(s)" in e.value for e in at.error)
    # a display-only dataframe has no key in AppTest: find the problems table by its columns
    df = next(d.value for d in at.dataframe if "severity" in d.value.columns)
    errors = df[df["severity"] == "error"]
    assert list(errors["file"]) == ["studies.csv"] and list(errors["field"]) == ["design"]


def test_structural_error_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    (data / "documents.csv").write_text("")
    at = run_app(monkeypatch, data)
    assert not at.exception
    assert "documents.csv: file is empty" in at.error[0].value
