"""Real browser: the app as an analyst uses it, in Debian's chromium (screenshots/ for review)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import settle, shot, wait_for_app

MOTION_CLAIM_TEXT = "274"
MOTION_WORKS = (
    "deer2021motion6m",
    "deer2022motion1y",
    "deer2024motion2y",
    "costandi2025motion3y",
    "deer2026motion5y",
)


def params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def pick(page, label: str, typed: str) -> None:
    """Choose a selectbox option by typing part of it."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    settle(page)


def test_every_page_renders_without_an_error(server, page):
    page.goto(server)
    wait_for_app(page)
    assert "Evidence knowledge base" in main_text(page)
    shot(page, "overview")
    for title, name in [
        ("Letter reader", "reader"),
        ("Claims", "claims"),
        ("Evidence", "evidence"),
        ("Graph", "graph"),
        ("Findings", "findings"),
        ("Compare documents", "compare"),
    ]:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        page.wait_for_url(re.compile(rf"/{name}(\?|$)"))
        wait_for_app(page)
        page.wait_for_timeout(1000)  # charts and iframes paint after the run ends
        text = main_text(page)
        assert "Traceback" not in text and "Something went wrong" not in text, name
        assert page.locator('[data-testid="stException"]').count() == 0, name
        shot(page, name)


def test_sidebar_popover_picks_another_document(server, page):
    page.goto(f"{server}/claims?doc=nysipp-2026")
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    opener = sidebar.locator('[data-testid="stPopoverButton"]:visible').filter(has_text="📄")
    assert "nysipp-2026" in opener.inner_text()
    assert page.locator('[data-testid="stSelectbox"]').count() == 0  # drawn only when open
    opener.click()
    settle(page)
    pick(page, "Document", "nysipp-2024")
    page.wait_for_url(re.compile(r"doc=nysipp-2024"))
    wait_for_app(page)
    assert "Every claim of nysipp-2024" in main_text(page)
    # the table lists the 2024 statement's claims (the grid keeps a hidden copy of its cells)
    page.locator("td", has_text="85,000 patients").first.wait_for(state="attached")
    assert "nysipp-2024" in opener.inner_text()
    assert page.locator('[data-testid="stSelectbox"]:visible').count() == 0  # shut once picked


def test_reader_motion_three_year_claim_shows_its_source_numbers(server, page):
    page.goto(f"{server}/reader?doc=nysipp-2026")
    wait_for_app(page)
    pick(page, "Claim", MOTION_CLAIM_TEXT)
    page.get_by_text("Reference 16").first.wait_for(timeout=30_000)
    claim = params(page)["claim"]
    assert claim.startswith("nysipp-2026:")
    text = main_text(page)
    assert "4 (5.6 %) patients" in text
    assert "Reference 16" in text and "Costandi SJ" in text
    assert "MOTION randomized trial" in text
    # the letter's numbers beside the source's, each with its provenance
    lines = [t for t in text.splitlines() if t.startswith("Letter: ")]
    assert any("274 %" in t for t in lines) and any("5.6" in t for t in lines)
    assert all(
        re.search(r"matched|near miss|elsewhere|not in source|contradicted|not checked", t)
        for t in lines
    )
    assert "costandi2025motion3y, PMID" in text
    toggle = page.locator('[data-testid="stCheckbox"]').filter(
        has_text="Show every number the knowledge base holds"
    )
    toggle.first.click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"] table').last.inner_text()
    assert "155 patients" in grid and "sample size" in grid  # MOTION's recorded numbers
    assert page.locator(".kb-claim.kb-selected").count() == 1
    page.locator(".kb-claim.kb-selected").scroll_into_view_if_needed()
    shot(page, "reader-motion-3y")
    page.get_by_text("The letter's numbers and the source's").scroll_into_view_if_needed()
    shot(page, "reader-motion-3y-numbers")


def test_back_button_returns_to_the_previous_claim(server, page):
    page.goto(f"{server}/reader?doc=nysipp-2026")
    wait_for_app(page)
    pick(page, "Claim", MOTION_CLAIM_TEXT)
    first = params(page)["claim"]
    pick(page, "Claim", "5.1mm")
    second = params(page)["claim"]
    assert first != second
    page.go_back()
    wait_for_app(page)
    assert params(page)["claim"] == first
    quote = page.locator("blockquote").first.inner_text()
    assert "4 (5.6 %) patients" in quote


def test_deep_link_to_motion_shows_all_five_works(server, page):
    page.goto(f"{server}/?study=motion")
    page.wait_for_url("**/evidence?**", timeout=30_000)
    wait_for_app(page)
    text = main_text(page)
    assert "Works reporting this study (5)" in text
    for key in MOTION_WORKS:
        assert key in text
    shot(page, "evidence-motion")


def test_deep_link_to_a_work_and_a_claim(server, page):
    # the app moves a deep link to its page in a second script run: wait for that move
    page.goto(f"{server}/?work=costandi2025motion3y")
    page.wait_for_url("**/evidence?**", timeout=30_000)
    wait_for_app(page)
    assert "costandi2025motion3y" in main_text(page)
    page.goto(f"{server}/?doc=nysipp-2026&claim=nysipp-2026:s08.c09")
    page.wait_for_url("**/reader?**", timeout=30_000)
    wait_for_app(page)
    assert "Claim s08.c09" in main_text(page)


def _graph_frame(page):
    page.wait_for_selector('iframe[title*="st_link_analysis"]', timeout=30_000)
    for _ in range(50):
        frame = next((f for f in page.frames if "st_link_analysis" in f.url), None)
        if frame is not None:
            return frame
        page.wait_for_timeout(200)
    raise AssertionError("graph frame not found")


def _node_position(frame, nid: str):
    return frame.evaluate(
        """(nid) => { const el = document.getElementById('cy');
                     const cy = el && el._cyreg && el._cyreg.cy;
                     if (!cy) return null;
                     const n = cy.getElementById(nid);
                     if (!n || n.empty()) return null;
                     const p = n.renderedPosition(); return [p.x, p.y, cy.nodes().length]; }""",
        nid,
    )


def test_graph_renders_and_a_click_opens_the_node(server, page):
    page.goto(f"{server}/graph?doc=nysipp-2026&claim=nysipp-2026:s08.c09")
    wait_for_app(page)
    frame = _graph_frame(page)
    pos, last = None, None
    for _ in range(40):  # wait for the layout to settle
        pos = _node_position(frame, "study:motion")
        if pos is not None and pos == last:
            break
        last = pos
        page.wait_for_timeout(250)
    assert pos is not None, "the study node is not drawn"
    assert pos[2] > 3
    assert page.locator('[data-testid="stGraphVizChart"]').count() == 1
    shot(page, "graph-claim")
    box = page.locator('iframe[title*="st_link_analysis"]').bounding_box()
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    page.wait_for_function("() => location.search.includes('study=motion')", timeout=15_000)
    page.get_by_text("Open study motion").wait_for(timeout=15_000)
    wait_for_app(page)
    assert "Claims resting on it" not in main_text(page)  # the graph page, not the study page
    assert page.locator('iframe[title*="st_link_analysis"]').count() == 1
    shot(page, "graph-study")


def test_download_csv_of_the_filtered_claims(server, page, tmp_path):
    page.goto(f"{server}/claims?doc=nysipp-2026")
    wait_for_app(page)
    search = page.locator('input[aria-label="Search"]')
    search.fill("MOTION")
    search.press("Enter")
    settle(page)
    shown = re.search(r"(\d+) of (\d+) claims shown", main_text(page))
    assert shown and 0 < int(shown.group(1)) < int(shown.group(2))
    # the downloads open from a popover that names the claims it holds (a hidden copy of its
    # button is kept by Streamlit to measure it: the visible one)
    opener = page.locator('[data-testid="stPopoverButton"]:visible').filter(
        has_text="Download these"
    )
    assert f"Download these {shown.group(1)} claims" in opener.inner_text()
    opener.click()
    settle(page)
    with page.expect_download() as d:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    path = tmp_path / "claims.csv"
    d.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows
    claim_col = "claim id" if "claim id" in rows[0] else "claim"
    claims = {r[claim_col].removeprefix("claim:") for r in rows}
    assert len(claims) == int(shown.group(1))
    assert all(c.startswith("nysipp-2026:") for c in claims)
    shot(page, "claims-filtered")


@pytest.mark.parametrize("path", ["/findings", "/compare"])
def test_other_pages_have_content(server, page, path):
    page.goto(server + path)
    wait_for_app(page)
    text = main_text(page)
    assert "Something went wrong" not in text
    assert ("Findings" in text) or ("Compare documents" in text)
