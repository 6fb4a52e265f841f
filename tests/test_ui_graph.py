"""AppTest: the graph page draws a neighbourhood, a chain diagram, and follows node clicks."""

from __future__ import annotations

from tests.conftest import DATA, TINY
from tests.ui_helpers import no_traceback, run_page, texts

PAGE = "kb/ui/network.py"


def test_claim_neighbourhood_and_chain(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c02"})
    no_traceback(at)
    page = texts(at)
    assert "Chain of claim s02.c02" in page
    assert "nodes" in page and "the node in focus" in page
    charts = at.get("graphviz_chart")
    assert charts and "doe2020alpha" in charts[0].proto.spec
    assert at.selectbox(key="g_focus").value == "claim:tiny:s02.c02"


def test_study_focus_and_full_chain_mode(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"study": "alpha"})
    no_traceback(at)
    assert "Open study alpha" in [p.proto.label for p in at.get("page_link")]
    at.radio(key="g_mode").set_value("chain").run()
    no_traceback(at)
    at.radio(key="g_depth").set_value(1).run()
    no_traceback(at)


def test_picking_a_focus_sets_the_url(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    at.selectbox(key="g_focus").set_value("work:doe2020alpha").run()
    no_traceback(at)
    assert at.query_params["work"] == "doe2020alpha"
    assert "Open work doe2020alpha" in [p.proto.label for p in at.get("page_link")]


def test_a_clicked_node_opens_it(monkeypatch):
    import st_link_analysis

    click = {"action": "node_click", "data": {"target_id": "study:alpha"}, "timestamp": 1}
    monkeypatch.setattr(st_link_analysis, "st_link_analysis", lambda *a, **k: click)
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c02"})
    no_traceback(at)
    assert at.query_params["study"] == "alpha"


def test_unknown_node_is_a_message(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"node": "outcome:nope"})
    no_traceback(at)
    assert "There is no node `outcome:nope`" in texts(at)


def test_bundled_motion_neighbourhood_is_capped(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE, {"study": "motion"})
    no_traceback(at)
    caption = next(c.value for c in at.caption if " nodes, " in c.value)
    assert int(caption.split(" nodes")[0]) <= 200
