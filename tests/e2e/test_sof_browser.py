"""Real browser: the summary-of-findings page, an analyst rating a certainty domain (saved to
the review log, shown after a reload), and the Word download."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from kb.review import ReviewLog
from tests.e2e.conftest import ROOT, _start, _stop, settle, shot, type_name, wait_for_app


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    return tmp_path_factory.mktemp("sof") / "review.sqlite"


@pytest.fixture(scope="module")
def app(review_db):
    """The app on the bundled data with its review log in a temporary file."""
    proc, url = _start(ROOT / "app.py", {"KB_REVIEW_DB": str(review_db)})
    yield url
    _stop(proc)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.scroll_into_view_if_needed()
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click(timeout=10_000)


def test_rating_a_certainty_domain(app, page, review_db, tmp_path):
    page.goto(f"{app}/sof?doc=nysipp-2026")
    wait_for_app(page)
    page.get_by_text("Certainty of the evidence, domain by domain").wait_for(timeout=60_000)
    text = main_text(page)
    assert "Disability: Oswestry Disability Index (ODI)" in text
    assert "no study of this outcome has a sham control" in text
    assert "in the sidebar and type your name to rate" in text
    type_name(page, "Bea Browser")
    choose(page, "Imprecision: analyst's rating", "very serious")
    why = page.locator('input[aria-label="Imprecision: why"]')
    why.fill("no 95% CI held; N of 155 and 302")
    page.get_by_role("button", name=re.compile("Save ratings")).click()
    settle(page)
    page.get_by_text("Saved (1 rating(s) recorded as Bea Browser)").wait_for(timeout=30_000)
    shot(page, "sof-rated")
    events = ReviewLog(review_db).events()
    assert [(e.finding, e.after, e.note, e.analyst) for e in events] == [
        ("sof:odi:imprecision", "very serious", "no 95% CI held; N of 155 and 302", "Bea Browser")
    ]
    # a reload (a new session) shows the rating from the log
    page.reload()
    wait_for_app(page)
    page.get_by_text("Certainty of the evidence, domain by domain").wait_for(timeout=60_000)
    page.get_by_text("rated by Bea Browser").first.wait_for(timeout=30_000)
    # the script may still be drawing the form: wait for the field, not a fixed time
    expect(page.locator('input[aria-label="Imprecision: why"]')).to_have_value(
        "no 95% CI held; N of 155 and 302", timeout=30_000
    )
    # the Word download carries the rating
    choose(page, "Download the summary of findings as", "summary of findings with the "
           "analyst's certainty ratings, Word document (.docx)")  # fmt: skip
    settle(page)
    with page.expect_download() as d:
        page.locator('[data-testid="stDownloadButton"]').filter(has_text="docx").click()
    path = tmp_path / "sof.docx"
    d.value.save_as(path)
    from docx import Document

    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "very serious" in cells and "no 95% CI held; N of 155 and 302" in cells
