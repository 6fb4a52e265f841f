"""Real browser: the Payer criteria page: a criterion's evidence and gaps, an analyst's
mapping of a claim saved to the review log, and the HTML export downloaded."""

from __future__ import annotations

import re

import pytest

from kb.review import ReviewLog
from tests.e2e.conftest import ROOT, _start, _stop, settle, shot, type_name, wait_for_app

CLAIM = "nysipp-2026:s03.c01"  # "... an FDA-cleared, minimally invasive technique ..."


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    return tmp_path_factory.mktemp("criteria-review") / "review.sqlite"


@pytest.fixture(scope="module")
def app(review_db):
    """The app on the bundled data with its review log in a temporary file."""
    proc, url = _start(ROOT / "app.py", {"KB_REVIEW_DB": str(review_db)})
    yield url
    _stop(proc)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def choose(page, label: str, option: re.Pattern) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.scroll_into_view_if_needed()
    box.locator("input").click()
    try:
        page.get_by_role("option", name=option).first.click(timeout=10_000)
    except Exception:  # keep a picture of what the page showed, then fail as before
        shot(page, "criteria-choose-failed")
        raise
    settle(page)


def test_criteria_page_gaps_mapping_and_export(app, page, review_db, tmp_path):
    page.goto(f"{app}/criteria?doc=nysipp-2026")
    wait_for_app(page)
    page.get_by_text("Payer criteria").first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Payer criteria").count()
    choose(page, "Criterion", re.compile(r"^tec-4: As beneficial"))
    text = main_text(page)
    assert "tec-4: As beneficial as established alternatives" in text
    assert "No trial compares with surgery; the comparison with surgery is only in" in text
    assert "No sham-controlled trial among the cited studies" in text
    shot(page, "criteria-tec-4")

    # the analyst confirms the machine's suggestion for the FDA sentence
    type_name(page, "Ann")
    choose(page, "Claim", re.compile(r"^s03\.c01 "))
    assert "R-TOPIC: speaks of regulatory" in main_text(page)
    form = page.locator('[data-testid="stForm"]').first
    form.scroll_into_view_if_needed()
    form.get_by_role("button", name=re.compile("Save mapping")).click()
    settle(page)
    page.get_by_text("Saved: tec-1 (recorded as Ann).").wait_for(timeout=15_000)
    events = ReviewLog(review_db).events()
    assert [(e.claim, e.field, e.after, e.analyst) for e in events] == [
        (CLAIM, "criteria", "tec-1", "Ann")
    ]
    assert "(confirmed by Ann)" in main_text(page)
    shot(page, "criteria-mapped")

    # the HTML export carries the gaps with their provenance and the analyst's mapping
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="html")
    button.scroll_into_view_if_needed()
    with page.expect_download() as dl:
        button.click()
    target = tmp_path / dl.value.suggested_filename
    dl.value.save_as(target)
    assert target.name == "nysipp-2026-criteria.html"
    html = target.read_text(encoding="utf-8")
    assert "GAP-COMPARATOR" in html and "study_facts.csv:" in html
    assert "confirmed" in html
