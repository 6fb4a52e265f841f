"""UI speed in a real browser, as a ratio to a bare Streamlit page with one table of the same size.

Measures, for the claims page of the bundled 2026 letter and for the bare page:
- first render: from navigation to the end of the first script run (KB already cached);
- claim selection: from a click on a row's selection box to the end of the rerun it causes.
Goals: first render ≤ 1.3×, selection ≤ 1.5× the bare page. `measure_ui` is what `make bench`
(bench/run.py) calls; run alone it prints a table. Asserts nothing.
Needs Debian's chromium (`make browser`); run: `.venv/bin/python bench/bench_ui.py`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _start, _stop  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
DOC = "nysipp-2026"

BARE = """
import json
from pathlib import Path

import pandas as pd
import streamlit as st

st.set_page_config(layout="wide")
rows = json.loads(Path(__file__).with_name("rows.json").read_text(encoding="utf-8"))
df = pd.DataFrame(rows)
st.title("Bare table")
st.dataframe(df, hide_index=True, key="t", on_select="rerun", selection_mode="single-row",
             width="stretch", height=min(38 + 35 * len(df), 460))
sel = st.session_state.get("t")
if sel and sel["selection"]["rows"]:
    st.write(rows[sel["selection"]["rows"][0]])
"""

WATCH = """() => {
  // the time of the last change to the page after the click: the rerun's result is drawn
  window.__last = null;
  if (window.__obs) window.__obs.disconnect();
  window.__obs = new MutationObserver(() => { window.__last = performance.now(); });
  window.__obs.observe(document.querySelector('[data-testid="stMain"]'),
                       {attributes: true, childList: true, subtree: true, characterData: true});
  return performance.now();
}"""
SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__last !== null && performance.now() - window.__last > 500
         && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def table_rows() -> list[dict]:
    """The claims table of the bundled letter, as the app shows it (same rows and columns)."""
    from kb.checks.factcheck import analyst_verdicts, fact_check
    from kb.graph import build_graph
    from kb.load import load_kb
    from kb.views import claim_rows

    kb = load_kb(ROOT / "data")
    g = build_graph(kb)
    # the app lists factual claims by default (letterhead lines hidden): so does the bare page
    rows = [
        r for r in claim_rows(kb, g, fact_check(kb, g), DOC, analyst_verdicts(kb)) if r["factual"]
    ]
    cols = ["id", "section", "verdict", "analyst", "severity", "codes", "refs", "studies", "text"]
    return [{c: r[c] for c in cols} for r in rows]


WAIT_MS = 180_000  # a machine shared with other jobs can take long over the first render


def wait_idle(page) -> None:
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=WAIT_MS
    )
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT_MS
    )
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=WAIT_MS)


def first_render(browser, url: str) -> float:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    wait_idle(page)
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed


def selection(browser, url: str, row: int) -> float:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(url)
    wait_idle(page)
    page.wait_for_timeout(800)  # let the grid become interactive
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    t0 = page.evaluate(WATCH)
    # the row-selection column is the first; header and rows are 35 px high
    page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)
    page.wait_for_function(SETTLED, timeout=WAIT_MS, polling=50)
    done = page.evaluate("() => window.__last")
    ctx.close()
    return (done - t0) / 1000


def measure_ui(repeat: int = REPEAT) -> dict:
    """App and bare page, each figure the median of `repeat` runs with min and max; {} when
    chromium is missing."""
    if not Path(CHROMIUM).exists():
        print("bench_ui: chromium not found (make browser); nothing measured")
        return {}
    from playwright.sync_api import sync_playwright

    def spread(xs: list[float]) -> dict:
        return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": len(xs)}

    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        # the rows as JSON beside the page (a repr pasted into the source breaks on a claim
        # text holding a line separator)
        (Path(tmp) / "rows.json").write_text(json.dumps(table_rows()), encoding="utf-8")
        bare.write_text(BARE, encoding="utf-8")
        app_proc, app_url = _start(ROOT / "app.py")
        bare_proc, bare_url = _start(bare)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                targets = {"app": f"{app_url}/claims?doc={DOC}", "bare": bare_url}
                for url in targets.values():  # warm the caches and the servers
                    first_render(browser, url)
                samples: dict[str, dict[str, list[float]]] = {
                    name: {"first_render_s": [], "selection_s": []} for name in targets
                }
                # app and bare page alternate, so a slow moment of the machine hits both
                for i in range(repeat):
                    for name, url in targets.items():
                        samples[name]["first_render_s"].append(first_render(browser, url))
                        samples[name]["selection_s"].append(selection(browser, url, 2 + i % 8))
                browser.close()
        finally:
            _stop(app_proc)
            _stop(bare_proc)
    results = {name: {k: spread(v) for k, v in got.items()} for name, got in samples.items()}
    ratios = {k: results["app"][k]["median"] / results["bare"][k]["median"] for k in results["app"]}
    return {**results, "ratios": ratios}


def main() -> int:
    """Print the app's figures against the bare page's."""
    got = measure_ui(REPEAT)
    if not got:
        return 0
    goals = {"first_render_s": 1.3, "selection_s": 1.5}
    print(f"{'measure':16} {'app (s)':>9} {'bare (s)':>9} {'ratio':>7}")
    for k, r in got["ratios"].items():
        flag = "ok" if r <= goals[k] else "SLOW"
        app, bare = got["app"][k], got["bare"][k]
        print(
            f"{k:16} {app['median']:9.3f} {bare['median']:9.3f} {r:7.2f}  goal ≤ {goals[k]} {flag}"
            f"  (app {app['min']:.3f}–{app['max']:.3f}, bare {bare['min']:.3f}–{bare['max']:.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
