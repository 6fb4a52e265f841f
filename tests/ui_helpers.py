"""Helpers for the AppTest page tests: run a page on a data directory, a fake fact-check."""

from __future__ import annotations

import sys
import types

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


class FakeFinding(types.SimpleNamespace):
    """A finding as kb.checks.factcheck makes them (attribute names per its documented interface)."""


def fake_factcheck_module(raise_error: bool = False) -> types.ModuleType:
    """A stand-in for kb.checks.factcheck with verdicts, findings and matches about the tiny KB."""
    mod = types.ModuleType("kb.checks.factcheck")
    NS = types.SimpleNamespace

    def fact_check(kb, graph):
        if raise_error:
            raise RuntimeError("engine exploded")
        findings = (
            FakeFinding(
                code="NUM_MISMATCH",
                severity="error",
                document="tiny",
                claim="tiny:s02.c02",
                message="1.0 point is not what the source says",
                works=("doe2020alpha",),
                refs=(1,),
                evidence=(("source", "1.0"),),
            ),
            FakeFinding(
                code="CITED_ONLY",
                severity="warning",
                document="tiny",
                claim="tiny:s02.c03",
                message="the cited work was not read",
                works=("poe2022alpha2y",),
                refs=(2,),
                evidence=(),
            ),
            FakeFinding(
                code="NON_PUBLICATION",
                severity="info",
                document="tiny",
                claim="tiny:s02.c04",
                message="cites a note",
                works=("tinynote",),
                refs=(3,),
                evidence=(),
            ),
        )
        verdicts = {
            "tiny:s02.c01": NS(
                label="supported", reason="100 randomized", codes=(), outcomes=("alpha-n",)
            ),
            "tiny:s02.c02": NS(
                label="not supported",
                reason="a number differs",
                codes=("NUM_MISMATCH",),
                outcomes=("alpha-1y-pain",),
            ),
            "tiny:s02.c03": NS(
                label="cannot verify", reason="cited only", codes=("CITED_ONLY",), outcomes=()
            ),
            "tiny:s02.c04": NS(label="non-publication", reason="a note", codes=(), outcomes=()),
        }
        matches = {
            "tiny:s02.c01": (
                NS(
                    number=NS(text="100 patients"),
                    status="matched",
                    outcome=kb.outcomes["alpha-n"],
                    reason="sample size 100",
                ),
            ),
            "tiny:s02.c02": (
                NS(
                    number=NS(text="3.0 points"),
                    status="matched",
                    outcome=kb.outcomes["alpha-1y-pain"],
                    reason="same value",
                ),
                NS(
                    number=NS(text="1.0 point"),
                    status="near miss",
                    outcome=kb.outcomes["alpha-1y-pain"],
                    reason="comparator differs",
                ),
            ),
        }
        return NS(findings=findings, verdicts=verdicts, matches=matches)

    def analyst_verdicts(kb):
        return {
            "tiny:s02.c03": NS(
                verdict="partly supported",
                note="only two-year data",
                analyst="tester",
                date="2026-01-06",
            )
        }

    mod.fact_check = fact_check
    mod.analyst_verdicts = analyst_verdicts
    return mod


def install_fake_factcheck(monkeypatch, raise_error: bool = False) -> None:
    """Make `from kb import factcheck` give the fake, whether or not the real one exists."""
    import kb
    import kb.checks

    mod = fake_factcheck_module(raise_error)
    monkeypatch.setitem(sys.modules, "kb.checks.factcheck", mod)
    monkeypatch.setattr(kb, "factcheck", mod, raising=False)
    # `from kb.checks import factcheck` reads the package attribute first, once the real
    # module has been imported by an earlier test
    monkeypatch.setattr(kb.checks, "factcheck", mod, raising=False)


def hide_factcheck(monkeypatch) -> None:
    """Make `from kb import factcheck` fail, as when the engine is not installed."""
    import kb
    import kb.checks

    monkeypatch.setitem(sys.modules, "kb.checks.factcheck", None)
    monkeypatch.delattr(kb, "factcheck", raising=False)
    monkeypatch.delattr(kb.checks, "factcheck", raising=False)


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
