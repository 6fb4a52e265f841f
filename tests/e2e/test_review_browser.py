"""Real browser: an analyst's review in the app (judging, two sessions at once, the filtered
XLSX, the reader keeping its place, the claim panel at 1024 px)."""

from __future__ import annotations

import io
import re
import threading
import time

import pytest
from playwright.sync_api import expect

from kb.review import ReviewLog
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    _start,
    _stop,
    settle,
    shot,
    type_name,
    wait_for_app,
)

CLAIM = "nysipp-2026:s08.c09"  # the MOTION three-year claim
LATE = "nysipp-2026:s11.c03"  # a claim far down the letter


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    return tmp_path_factory.mktemp("review") / "review.sqlite"


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
    try:
        page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
    except Exception:  # keep a picture of what the page showed, then fail as before
        shot(page, "choose-failed")
        raise


def judge(page, verdict: str, note: str) -> None:
    form = page.locator('[data-testid="stForm"]').first
    form.scroll_into_view_if_needed()
    choose(page, "Analyst verdict", verdict)
    form.locator("textarea").first.fill(note)
    form.get_by_role("button", name=re.compile("Save judgement")).click()
    settle(page)


def open_review(page) -> None:
    """Open the claim's review form: a selection draws only its expander's header."""
    header = page.locator('[data-testid="stExpander"] summary').filter(has_text="Your review")
    header.first.wait_for(timeout=30_000)
    header.first.click()
    page.locator('[data-testid="stForm"]').first.wait_for(timeout=30_000)
    settle(page)


def open_claim(page, base: str, claim: str) -> None:
    page.goto(f"{base}/reader?doc=nysipp-2026&claim={claim}")
    wait_for_app(page)
    open_review(page)


def test_a_judgement_survives_a_reload_and_shows_in_a_fresh_browser(app, browser, page, review_db):
    open_claim(page, app, CLAIM)
    type_name(page, "Ann Analyst")
    judge(page, "partly supported", "the 274 % is the mean of a subgroup")
    page.get_by_text("Saved (2 change(s) recorded as Ann Analyst)").wait_for(timeout=15_000)
    assert "analyst: ◐ partly supported" in main_text(page)
    shot(page, "review-judged")
    page.reload()
    wait_for_app(page)
    open_review(page)
    text = main_text(page)
    assert "analyst: ◐ partly supported" in text and "machine: " in text
    assert "the 274 % is the mean of a subgroup · Ann Analyst" in text
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = fresh.new_page()
    try:
        open_claim(other, app, CLAIM)
        # the panel may still be drawing when "Your review" appears: wait for the chip itself
        expect(other.locator('[data-testid="stMain"]')).to_contain_text(
            "analyst: ◐ partly supported", timeout=30_000
        )
        # the name is per session
        assert "in the sidebar and type your name to record" in main_text(other)
    finally:
        fresh.close()
    events = [e for e in ReviewLog(review_db).events() if e.claim == CLAIM]
    assert [(e.analyst, e.field) for e in events] == [
        ("Ann Analyst", "verdict"),
        ("Ann Analyst", "note"),
    ]


def _judge_at_the_signal(base: str, claim: str, name: str, go, out: dict) -> None:
    """One analyst in a browser of their own (its own Playwright, chromium, context and page,
    driven from this thread only): open the claim, fill the form, wait at the barrier with
    everyone else, click Save, wait for the app's answer. Times and errors go to `out`."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                ctx = b.new_context(viewport={"width": 1400, "height": 1000})
                pg = ctx.new_page()
                pg.set_default_timeout(60_000)
                open_claim(pg, base, claim)
                type_name(pg, name)
                choose(pg, "Analyst verdict", "contradicted")
                pg.locator('[data-testid="stForm"] textarea').first.fill(f"{name} was here")
                save = pg.locator('[data-testid="stForm"]').get_by_role(
                    "button", name=re.compile("Save")
                )
                save.scroll_into_view_if_needed()
                save.wait_for(state="visible")
                go.wait()  # both forms are filled: from here the two saves race
                out["clicked"] = time.monotonic()
                save.click(no_wait_after=True)
                pg.get_by_text(f"recorded as {name}").wait_for(timeout=60_000)
                out["answered"] = time.monotonic()
            finally:
                b.close()
    except BaseException as exc:  # reported by the main thread, which fails the test
        out["error"] = exc
        go.abort()  # never leave the other thread waiting at the barrier


def test_two_browsers_judging_at_once_lose_nothing(app, browser, review_db):
    """Two analysts, each in a browser of their own driven by its own thread, press Save at
    the same moment; both judgements reach the log and a third browser shows both."""
    claims = ("nysipp-2026:s08.c02", "nysipp-2026:s08.c03")
    names = ("Bo", "Cy")
    go = threading.Barrier(len(names), timeout=180)
    outs: list[dict] = [{} for _ in names]
    threads = [
        threading.Thread(target=_judge_at_the_signal, args=(app, c, n, go, o), daemon=True)
        for c, n, o in zip(claims, names, outs, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a browser thread did not finish in 5 min"
    for name, out in zip(names, outs, strict=True):
        if "error" in out:
            raise AssertionError(f"{name}'s browser failed") from out["error"]
    # truly at once: both clicks were sent before the app had answered either of them
    assert max(o["clicked"] for o in outs) < min(o["answered"] for o in outs)

    log = ReviewLog(review_db).events()
    for claim, name in zip(claims, names, strict=True):
        mine = [(e.analyst, e.field, e.after) for e in log if e.claim == claim]
        assert mine == [(name, "verdict", "contradicted"), (name, "note", f"{name} was here")]

    third = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = third.new_page()
        for claim, name in zip(claims, names, strict=True):
            open_claim(pg, app, claim)
            pg.reload()
            wait_for_app(pg)
            expect(pg.locator('[data-testid="stMain"]')).to_contain_text(
                "analyst: ‼ contradicted", timeout=30_000
            )
            text = main_text(pg)
            assert "analyst: ‼ contradicted" in text
            assert f"{name} was here · {name}" in text
    finally:
        third.close()


def test_the_xlsx_holds_the_filtered_claims(app, page, tmp_path):
    from openpyxl import load_workbook

    page.goto(f"{app}/claims?doc=nysipp-2026")
    wait_for_app(page)
    search = page.locator('input[aria-label="Search"]')
    search.fill("MOTION")
    search.press("Enter")
    settle(page)
    shown = int(re.search(r"(\d+) of \d+ claims shown", main_text(page)).group(1))
    # the downloads are drawn once their popover is opened; it names the claims it holds
    # (Streamlit keeps a hidden copy of a popover's button to measure it: the visible one)
    opener = page.locator('[data-testid="stPopoverButton"]:visible').filter(
        has_text="Download these"
    )
    assert f"Download these {shown} claims" in opener.inner_text()
    opener.click()
    settle(page)
    choose(
        page,
        "Download format",
        "claim-to-source table, Excel workbook (Claims, Findings, References sheets)",
    )
    settle(page)
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text="xlsx")
    label = button.inner_text()
    assert f"({shown} claims, " in label and " rows)" in label
    rows_said = int(re.search(r"(\d+) rows", label).group(1))
    with page.expect_download() as d:
        button.click()
    path = tmp_path / "claims.xlsx"
    d.value.save_as(path)
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(wb["Claims"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == rows_said
    assert len({r[1] for r in rows}) == shown
    # the analyst's judgement made above rides along in the analyst note
    notes = {r[1]: r[-1] for r in rows}
    assert (notes.get(CLAIM) or "").startswith("partly supported: the 274 % is the mean")


IN_VIEW = """(id) => { const el = document.getElementById(id);
    if (!el) return false;
    let box = el.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight + 1 &&
           /(auto|scroll)/.test(getComputedStyle(box).overflowY)))
        box = box.parentElement;
    if (!box) return false;
    const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    return box.scrollTop > 0 && r.top >= b.top && r.bottom <= b.bottom; }"""


def _in_view(page, claim: str, timeout: float = 8_000) -> bool:
    """True once the claim sits inside the visible part of the letter's scroll box."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(IN_VIEW, arg=claim, timeout=timeout)
    except PlaywrightTimeout:
        return False
    return True


def test_the_reader_keeps_its_place(app, page):
    page.goto(f"{app}/reader?doc=nysipp-2026&claim={LATE}")
    wait_for_app(page)
    page.wait_for_function(
        "(id) => { const el = document.getElementById(id); return !!el; }", arg=LATE
    )
    assert _in_view(page, LATE), "the chosen claim is not scrolled into view in the letter"
    # clicking another claim's label opens it in place: no page load, the page does not jump
    page.evaluate("window.__kbMarker = 'still here'")
    label = page.locator("a.kb-label").filter(has_text="s11.c05").first
    label.scroll_into_view_if_needed()
    y = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop")
    label.click()
    page.wait_for_function("() => location.search.includes('s11.c05')", timeout=15_000)
    settle(page)
    page.get_by_text("Claim s11.c05").first.wait_for(timeout=15_000)
    assert page.evaluate("window.__kbMarker") == "still here"  # the same page, not reloaded
    assert _in_view(page, "nysipp-2026:s11.c05")
    y2 = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop")
    assert abs(y2 - y) < 200, (y, y2)
    shot(page, "reader-kept-place")


def _overlap(a: list, b: list) -> bool:
    """Two [x, y, width, height, text] boxes share more than a pixel."""
    return (
        a[0] + 1 < b[0] + b[2]
        and b[0] + 1 < a[0] + a[2]
        and a[1] + 1 < b[1] + b[3]
        and b[1] + 1 < a[1] + a[3]
    )


PANEL_BOXES = """() => {
    const panel = Array.from(document.querySelectorAll('[data-testid="stColumn"]'))
        .find(c => c.innerText.includes('Your review') && !c.querySelector('.kb-doc'));
    const sel = '[data-testid="stWidgetLabel"], [data-testid="stMarkdownContainer"] span[style],'
        + ' [data-testid="stCaptionContainer"], h3, [data-testid="stButton"]';
    return Array.from(panel.querySelectorAll(sel))
        .map(e => { const r = e.getBoundingClientRect();
                    return [r.x, r.y, r.width, r.height, e.innerText]; })
        .filter(b => b[2] > 0 && b[3] > 0); }"""


def test_the_claim_panel_at_1024_px_has_no_overlap(app, browser):
    ctx = browser.new_context(viewport={"width": 1024, "height": 900})
    page = ctx.new_page()
    try:
        open_claim(page, app, CLAIM)
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        boxes = page.evaluate(PANEL_BOXES)
        overlaps = [
            (a[4][:40], b[4][:40])
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if _overlap(a, b) and not (a[4] in b[4] or b[4] in a[4])  # nested is fine
        ]
        shot(page, "claim-panel-1024")
        assert overlaps == []
        # no word of the panel is broken in the middle: chips and labels keep whole words
        broken = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                   '[data-testid="stMain"] [data-testid="stWidgetLabel"] p'))
                 .filter(p => getComputedStyle(p).wordBreak === 'break-all').length"""
        )
        assert broken == 0
    finally:
        ctx.close()
