"""AppTest: the letter reader highlights claims by verdict and opens a claim's trace."""

from __future__ import annotations

from tests.conftest import DATA, TINY
from tests.ui_helpers import (
    hide_factcheck,
    install_fake_factcheck,
    no_traceback,
    number_lines,
    run_page,
    texts,
)

PAGE = "kb/ui/reader.py"


def reader_html(at) -> str:
    return next(m.value for m in at.markdown if 'class="kb-doc"' in m.value)


def test_reader_shows_the_document_with_verdict_labels(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    html = reader_html(at)
    assert "✗ not supported · s02.c02" in html and "✓ supported · s02.c01" in html
    assert "○ not checked · s01.c01" in html
    assert "Verdicts in this document" in texts(at)
    assert any("Pick a claim" in s.placeholder for s in at.selectbox if s.key == "reader_pick")


def test_a_deep_link_opens_the_claim_trace(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, params={"doc": "tiny", "claim": "tiny:s02.c02"})
    no_traceback(at)
    assert at.title[0].value == "📄 Letter reader"  # the home URL routed to the reader
    page = texts(at)
    assert "Claim s02.c02" in page
    assert "Doe J, Roe R. Alpha: a randomized trial" in page  # AMA citation
    assert "https://doi.org/10.5555/example.2020.1" in page
    assert "https://pubmed.ncbi.nlm.nih.gov/11111111/" in page
    assert "3 · Study:** Alpha trial" in page
    assert "NUM_MISMATCH" in page and "1.0 point is not what the source says" in page
    lines = number_lines(at)
    assert lines[0].startswith("Letter: **3.0 points** &nbsp;·&nbsp; ✓ matched")
    assert "source: **3 points vs 1 points** · NPRS · device · 1 year" in lines[0]
    assert "≈ near miss" in lines[1]
    assert (
        "doe2020alpha, PMID 11111111 / DOI 10.5555/example.2020.1, abstract, results, "
        "verified — same value"
    ) in page
    assert 'kb-selected" id="tiny:s02.c02"' in reader_html(at)


def test_machine_and_analyst_verdicts_side_by_side(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c03"})
    no_traceback(at)
    page = texts(at)
    assert "machine: ? cannot verify" in page
    assert "analyst: ◐ partly supported" in page and "tester" in page


def test_picking_a_claim_puts_it_in_the_url(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    at.selectbox(key="reader_pick").set_value("tiny:s02.c01").run()
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c01"
    assert "Claim s02.c01" in texts(at)


def test_without_factcheck_the_reader_says_so_and_lists_source_numbers(monkeypatch):
    hide_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c02"})
    no_traceback(at)
    page = texts(at)
    assert "Fact-check results not available" in page
    assert "○ not checked · s02.c02" in reader_html(at)
    lines = number_lines(at)
    assert lines and all("○ not checked" in line for line in lines)


def test_factcheck_that_raises_is_a_note(monkeypatch):
    install_fake_factcheck(monkeypatch, raise_error=True)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert "the fact-check engine failed: engine exploded" in texts(at)


def test_unknown_claim_in_url_opens_no_trace(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s99.c99"})
    no_traceback(at)
    assert "Select a claim" in texts(at)


def test_bundled_motion_three_year_claim(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026"})
    no_traceback(at)
    claim = next(o for o in at.selectbox(key="reader_pick").options if "274" in o)
    at.selectbox(key="reader_pick").select(claim).run()
    no_traceback(at)
    page = texts(at)
    assert "Costandi SJ" in page and "MOTION" in page


def test_without_a_selection_the_flagged_claims_are_offered(monkeypatch):
    install_fake_factcheck(monkeypatch)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    links = [p.proto.label for p in at.get("page_link")]
    assert any(label.startswith("s02.c02 · ✗ not supported") for label in links)
    assert not any(label.startswith("s02.c01") for label in links)  # supported: not flagged


def test_unknown_claim_or_document_in_the_url_is_said_not_dropped(monkeypatch):
    at = run_page(
        monkeypatch,
        DATA,
        "kb/ui/reader.py",
        params={"doc": "nysipp-2026", "claim": "nysipp-2026:s99.c99"},
    )
    no_traceback(at)
    assert any(
        "There is no claim `nysipp-2026:s99.c99` in nysipp-2026." in w.value for w in at.warning
    )
    at = run_page(monkeypatch, DATA, "kb/ui/reader.py", params={"doc": "nope"})
    no_traceback(at)
    assert any("There is no document `nope`" in w.value for w in at.warning)


def test_a_sentence_without_marker_shows_the_references_it_is_read_with(monkeypatch):
    # "The rate of harms with mild was less than half ... (5.6% vs. 12.1%; p < 0.0001)." has
    # no marker; ref 19 closes the next sentence of its paragraph
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "claim": "nysipp-2026:s11.c04"})
    no_traceback(at)
    page = texts(at)
    assert "none of its own; [19] by the paragraph" in page
    assert "Reference 19" in page and "This claim cites no reference." not in page
    assert "CIT-DUPLICATE-WORK" in page  # a finding about ref 19, behind the verdict


def test_findings_about_a_claims_references_are_listed_with_it(monkeypatch):
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "claim": "nysipp-2026:s08.c11"})
    no_traceback(at)
    page = texts(at)
    assert "No findings for this claim." not in page
    assert "CIT-UNVERIFIED" in page and "CIT-DATED-AFTER" in page
