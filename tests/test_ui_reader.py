"""AppTest: the letter reader highlights claims by verdict and opens a claim's trace."""

from __future__ import annotations

from tests.conftest import DATA, ROOT, TINY
from tests.ui_helpers import no_traceback, number_lines, run_page, texts

PAGE = "kb/ui/reader.py"
CHECKS = ROOT / "tests" / "fixtures" / "checks"


def reader_html(at) -> str:
    return next(m.value for m in at.markdown if 'class="kb-doc"' in m.value)


def test_reader_shows_the_document_with_verdict_labels(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    html = reader_html(at)
    assert "✓ supported · s02.c02" in html and "✓ supported · s02.c01" in html
    assert (
        "? source not available · s02.c03" in html and "§ cites a non-publication · s02.c04" in html
    )
    assert "– no factual claim · s01.c01" in html
    legend = next(m.value for m in at.markdown if m.value.startswith("Verdicts in this document"))
    for chip in (
        "✓ supported · 2",
        "§ cites a non-publication · 1",
        "? source not available · 1",
        "– no factual claim · 2",
    ):
        assert chip in legend
    assert any("Pick a claim" in s.placeholder for s in at.selectbox if s.key == "reader_pick")


def test_a_deep_link_opens_the_claim_trace(monkeypatch):
    at = run_page(monkeypatch, TINY, params={"doc": "tiny", "claim": "tiny:s02.c02"})
    no_traceback(at)
    assert at.title[0].value == "📄 Letter reader"  # the home URL routed to the reader
    page = texts(at)
    assert "Claim s02.c02" in page
    assert "Doe J, Roe R. Alpha: a randomized trial" in page  # AMA citation
    assert "https://doi.org/10.5555/example.2020.1" in page
    assert "https://pubmed.ncbi.nlm.nih.gov/11111111/" in page
    assert "3 · Study:** Alpha trial" in page
    # its own finding and the one about ref 2 it rests on
    assert "`NUM-MATCH`" in page and "`CIT-UNVERIFIED` — Reference 2 (poe2022alpha2y)" in page
    assert "3.0 points with the device versus 1.0 point and p \\< 0.001 match doe2020alpha." in page
    assert "Codes: CIT-UNVERIFIED, NUM-MATCH" in page
    lines = number_lines(at)
    assert len(lines) == 2
    assert lines[0].startswith(
        "Letter: **3.0 points with the device versus 1.0 point** &nbsp;·&nbsp; ✓ matched"
    )
    assert "source: **3.0 points vs 1.0 points** · NPRS · device · 1 year" in lines[0]
    assert lines[1].startswith("Letter: **p \\< 0.001** &nbsp;·&nbsp; ✓ matched")
    assert "source: **p \\<0.001**" in lines[1]
    assert ':gray["3.0 points with the device versus 1.0 point" is in alpha-1y-pain' in page
    assert (
        "arm: device · analysis set: observed · timepoint: 1 year · value: 3.0 points · "
        "comparator: 1.0 points"
    ) in lines[0]
    assert (
        "work: doe2020alpha, PMID 11111111 / DOI 10.5555/example.2020.1 · locator: abstract, "
        "results · status: curated, verified in the record"
    ) in lines[0]
    assert 'kb-selected" id="tiny:s02.c02"' in reader_html(at)


def test_machine_and_analyst_verdicts_side_by_side(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c03"})
    no_traceback(at)
    page = texts(at)
    assert "machine: ? source not available" in page
    assert "poe2022alpha2y is known only from the letter's citation." in page
    assert "analyst: ◐ partly supported" in page and "only two-year data · tester" in page


def test_a_claim_without_an_analyst_says_so(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE, {"claim": "tiny:s02.c04"})
    no_traceback(at)
    page = texts(at)
    assert "machine: § cites a non-publication" in page
    assert "`CIT-NON-PUBLICATION`" in page  # the finding about ref 3, behind the verdict
    assert "No analyst has judged this claim." in page
    assert "The claim states no number." in page


def test_picking_a_claim_puts_it_in_the_url(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    at.selectbox(key="reader_pick").set_value("tiny:s02.c01").run()
    no_traceback(at)
    assert at.query_params["claim"] == "tiny:s02.c01"
    assert "Claim s02.c01" in texts(at)
    (line,) = number_lines(at)
    assert line.startswith("Letter: **100 patients** &nbsp;·&nbsp; ✓ matched")


def test_an_engine_failure_is_a_message(monkeypatch):
    import kb.ui.state

    def boom(kb, graph):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(kb.ui.state, "fact_check", boom)
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert (
        "The knowledge base could not be loaded: unexpected error while loading: engine exploded"
        in [e.value for e in at.error]
    )
    assert not [m for m in at.markdown if 'class="kb-doc"' in m.value]


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


def test_without_a_selection_the_claims_to_look_at_first_are_offered(monkeypatch):
    at = run_page(monkeypatch, CHECKS, PAGE, {"doc": "bad"})
    no_traceback(at)
    links = [p.proto.label for p in at.get("page_link")]
    assert [lab.split(" · ")[:2] for lab in links] == [
        ["s02.c01", "◐ partly supported"],  # an RCT given by its treated counts
        ["s02.c02", "‼ contradicted"],
        ["s02.c04", "‼ contradicted"],  # 16 for 160
        ["s02.c05", "✗ not supported by the cited source"],
        ["s02.c08", "◐ partly supported"],  # a claims study called prospective
        ["s02.c13", "✗ not supported by the cited source"],  # another comparator
    ]


def test_tiny_has_no_claim_to_look_at_first(monkeypatch):
    at = run_page(monkeypatch, TINY, PAGE)
    no_traceback(at)
    assert "Claims to look at first" not in texts(at)
    assert not at.get("page_link")


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


def test_a_borrowed_marker_is_named_as_the_verdict_and_kb_trace_name_it(monkeypatch):
    """s11.c04 has no marker of its own: the panel lists only the references it is read with
    and names them in the words of its verdict's reason and of `kb trace`."""
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "claim": "nysipp-2026:s11.c04"})
    no_traceback(at)
    page = texts(at)
    words = "ref 19, borrowed from s11.c05 later in the paragraph"
    assert f"the fact check reads it with {words}" in page
    assert "none of its own; [19] by the paragraph" in page


def test_a_footnote_is_not_listed_as_borrowed_support(monkeypatch):
    """s03.c01 sits before the footnote marker of s03.c02: the footnote is never lent, so the
    panel shows no borrowed reference for it."""
    at = run_page(monkeypatch, DATA, PAGE, {"doc": "nysipp-2026", "claim": "nysipp-2026:s03.c01"})
    no_traceback(at)
    page = texts(at)
    assert "by the paragraph" not in page
    assert "This claim cites no reference." in page
