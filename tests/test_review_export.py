"""Every export carries the analyst's review beside the machine's; an empty log changes nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kb import review
from kb.checks.factcheck import fact_check
from kb.export import FORMATS, render
from kb.graph import build_graph
from kb.review import ReviewLog

PAIN = "tiny:s02.c02"
SMALL = "tiny:s02.c04"


@pytest.fixture(scope="module")
def base(tiny_kb):
    g = build_graph(tiny_kb)
    return tiny_kb, g, fact_check(tiny_kb, g)


@pytest.fixture
def judged(tmp_path, base):
    kb, _, fc = base
    log = ReviewLog(tmp_path / "review.sqlite")
    review.judge(log, kb, PAIN, "Ann Analyst", verdict="contradicted", note="table 2 says 1.0")
    review.judge(log, kb, SMALL, "Bo", verdict="supported", note="the insert says so")
    f = next(f for f in fc.findings if (f.claim or "").removeprefix("claim:") == PAIN)
    review.decide(log, kb, PAIN, review.finding_key(f), "Ann Analyst", "reject", "wrong arm")
    return log, f


def test_an_empty_log_leaves_every_export_byte_identical(tmp_path, base):
    kb, g, fc = base
    state = review.state_of(ReviewLog(tmp_path / "none.sqlite"), kb)
    assert review.with_review(kb, state) is kb
    for name in FORMATS:
        doc = "tiny"
        assert render(name, review.with_review(kb, state), g, fc, doc) == render(
            name, kb, g, fc, doc
        ), name


def test_claim_tables_carry_verdict_note_and_reviewer(judged, base):
    kb, g, fc = base
    log, _ = judged
    rkb = review.with_review(kb, review.state_of(log, kb))
    rows = list(csv.DictReader(io.StringIO(render("claims-csv", rkb, g, fc, "tiny").decode())))
    note = {r["claim id"]: r["analyst note"] for r in rows}
    assert note[PAIN].startswith("contradicted: table 2 says 1.0 (Ann Analyst, ")
    assert rows[0]["verdict"] != "" and "verdict" in rows[0]  # the machine's, beside it
    data = json.loads(render("claims-json", rkb, g, fc, "tiny"))
    assert any("contradicted: table 2 says 1.0" in r["analyst note"] for r in data["rows"])


def test_claim_tables_hold_only_the_claims_on_screen(base):
    kb, g, fc = base
    from openpyxl import load_workbook

    data = render("claims-xlsx", kb, g, fc, "tiny", [PAIN])
    wb = load_workbook(io.BytesIO(data))
    claims = {row[1] for row in wb["Claims"].iter_rows(min_row=2, values_only=True)}
    assert claims == {PAIN}
    found = {row[1] for row in wb["Findings"].iter_rows(min_row=2, values_only=True)}
    assert found <= {PAIN, None, ""}
    md = render("claims-md", kb, g, fc, "tiny", [SMALL]).decode()
    assert "s02.c04" in md and "s02.c02" not in md
    # a report is always the whole document
    assert render("report-html", kb, g, fc, "tiny", [PAIN]) == render(
        "report-html", kb, g, fc, "tiny"
    )


def test_report_html_has_the_review_and_finding_decisions(judged, base):
    kb, g, fc = base
    log, _ = judged
    rkb = review.with_review(kb, review.state_of(log, kb))
    html = render("report-html", rkb, g, fc, "tiny").decode()
    section = html.split("<h2>Analyst's review</h2>", 1)[1]
    assert "not signed off" in section
    assert "3 of 4 factual claims reviewed" in section  # with row a1 of assessments.csv
    assert "contradicted (disagrees)" in section and "Ann Analyst" in section
    decisions = section.split("Decisions on the machine's findings", 1)[1]
    assert "analyst: reject" in decisions and "wrong arm" in decisions


def test_claimreview_uses_the_signed_off_analyst_verdict(judged, base):
    kb, g, fc = base
    log, _ = judged

    def reviews():
        rkb = review.with_review(kb, review.state_of(log, kb))
        return {r["identifier"]: r for r in json.loads(render("claimreview", rkb, g, fc, "tiny"))}

    before = reviews()[PAIN]
    assert before["reviewRating"]["alternateName"] != "contradicted"  # the machine's
    assert before["review"][0]["reviewRating"]["alternateName"] == "contradicted"
    review.sign_off(log, "tiny", "Cy", "read against the records")
    after = reviews()[PAIN]
    assert after["reviewRating"]["alternateName"] == "contradicted"
    assert after["reviewRating"]["ratingValue"] == 1
    assert after["author"] == {"@type": "Person", "name": "Ann Analyst"}
    assert any(k.startswith("machine verdict: ") for k in after["keywords"])


def test_docx_report_has_both_verdicts_and_the_decisions(judged, base):
    from docx import Document

    kb, g, fc = base
    log, f = judged
    review.sign_off(log, "tiny", "Cy", "read against the records")
    rkb = review.with_review(kb, review.state_of(log, kb))
    data = render("report-docx", rkb, g, fc, "tiny")
    assert data == render("report-docx", rkb, g, fc, "tiny")  # the same bytes each time
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Review signed off by Cy" in text and "3 carry an analyst verdict" in text
    claims, findings = doc.tables
    row = next(r for r in claims.rows if r.cells[0].text == "s02.c02")
    cells = [c.text for c in row.cells]
    assert cells[4:6] == ["contradicted", "table 2 says 1.0"] and cells[2] != "contradicted"
    assert cells[6].startswith("Ann Analyst, ")
    decided = [
        [c.text for c in r.cells]
        for r in findings.rows
        if (r.cells[0].text, r.cells[2].text) == ("s02.c02", f.code)
    ]
    assert decided[0][4:] == ["reject", "wrong arm (Ann Analyst)"]
