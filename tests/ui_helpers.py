"""Helpers for the AppTest page tests: run a page on a data directory, read what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def run_page(monkeypatch, data, page: str | None = None, params: dict | None = None) -> AppTest:
    """Run the app on `data`, with query params, then switch to `page` (e.g. 'kb/ui/claims.py')."""
    monkeypatch.setenv("KB_DATA", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def select_row(at: AppTest, key: str, row: int) -> AppTest:
    """Select one dataframe row as a click would, and rerun."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    return at


def texts(at: AppTest) -> str:
    """Every markdown, caption, header and alert text of the page, joined."""
    parts = []
    for group in (
        at.title,
        at.header,
        at.subheader,
        at.markdown,
        at.caption,
        at.info,
        at.warning,
        at.error,
        at.success,
        at.text,
    ):
        parts.extend(str(e.value) for e in group)
    return "\n".join(parts)


def no_traceback(at: AppTest) -> None:
    """The page raised nothing and shows no exception element."""
    assert not at.exception, [e.value for e in at.exception]


def number_lines(at: AppTest) -> list[str]:
    """The trace's number comparisons, one line each ('Letter: **3.0 points** · ✓ matched …')."""
    return [m.value for m in at.markdown if m.value.startswith("Letter: **")]


def frame(at: AppTest, *columns: str):
    """The first dataframe (as pandas) that has all these columns."""
    for df in [*at.dataframe, *at.table]:
        value = df.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no dataframe with columns {columns}")


def set_name(at: AppTest, name: str) -> AppTest:
    """Type the analyst's name in the sidebar's popover (opened first: its field is drawn only
    while it is open), and rerun."""
    at.session_state["analyst_name_open"] = True
    at.run()
    at.sidebar.text_input(key="analyst_name").set_value(name).run()
    return at


def doc_picker(at: AppTest):
    """The sidebar's document selector (its popover opened first)."""
    at.session_state["doc_picker_open"] = True
    at.run()
    return at.sidebar.selectbox(key="doc_picker")
