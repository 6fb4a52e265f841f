"""Exports: the claim-to-source table in every format, the registry, the CLI, safety rules."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile

import pytest

from kb.checks.context import NumberMatch
from kb.checks.factcheck import fact_check
from kb.export import (
    BINARY_FORMATS,
    CLAIM_SOURCE_COLUMNS,
    DESCRIPTIONS,
    DOCUMENT_FORMATS,
    FORMATS,
    ExportError,
    claim_source_rows,
    filename,
    render,
)
from kb.export.common import FORMULA_STARTS, json_text, neutralise
from kb.graph import build_graph
from kb.model import NumberMention
from tests.conftest import ROOT, TINY
from tests.exporthelp import checked, claim_with, load

CHECKS = ROOT / "tests" / "fixtures" / "checks"


@pytest.fixture(scope="module")
def tiny():
    """(kb, graph, the engine's fact check) of the tiny KB."""
    return checked(TINY)


@pytest.fixture(scope="module")
def bad():
    """(kb, graph, the engine's fact check) of the checks fixture (documents 'bad', 'prior')."""
    return checked(CHECKS)


def rows_by_claim(rows: list[dict[str, str]], claim_id: str) -> list[dict[str, str]]:
    return [r for r in rows if r["claim id"] == claim_id]


# ---------------------------------------------------------------------------------------
# rows


def test_rows_have_the_fixed_columns_in_order(tiny):
    kb, g, fc = tiny
    rows = claim_source_rows(kb, g, fc, "tiny")
    assert rows and all(list(r) == list(CLAIM_SOURCE_COLUMNS) for r in rows)
    assert all(isinstance(v, str) for r in rows for v in r.values())


def test_one_row_per_reference_and_matched_number(tiny):
    kb, g, fc = tiny
    pain = claim_with(kb, "pain scores improved")
    rows = rows_by_claim(claim_source_rows(kb, g, fc, "tiny"), pain.id)
    # ref 1 carries both matched numbers (one row each); ref 2, never read, still gets its row
    assert [(r["reference numbers"], r["stated numbers"], r["match status"]) for r in rows] == [
        ("1", "3.0 points with the device versus 1.0 point", "matched"),
        ("1", "p < 0.001", "matched"),
        ("2", "; ".join(n.text for n in pain.numbers), ""),
    ]
    assert (
        rows[2]["stated numbers"]
        == "one year; 3.0 points with the device versus 1.0 point; p < 0.001"
    )
    first = rows[0]
    assert first["source measure"] == "NPRS: mean improvement"
    assert (first["source arm"], first["source timepoint"]) == ("device", "1 year")
    # as the source prints them: 3.0 and 1.0 keep their decimal
    assert first["source value"] == "3.0 points; vs 1.0; p <0.001 [abstract, results]"
    assert first["citekey"] == "doe2020alpha" and first["PMID"] == "11111111"
    assert first["formatted citation"].startswith("Doe J, Roe R. Alpha")
    assert (first["study"], first["design"]) == ("Alpha trial", "RCT")
    assert {r["verdict"] for r in rows} == {"supported"}
    # the claim's own NUM-MATCH goes with ref 1; the document's CIT-UNVERIFIED with ref 2
    assert [r["finding codes"] for r in rows] == ["NUM-MATCH", "NUM-MATCH", "CIT-UNVERIFIED"]
    assert rows[2]["citekey"] == "poe2022alpha2y" and rows[2]["source value"] == ""
    assert rows[2]["DOI"] == "" and rows[2]["PMID"] == ""


def test_rows_of_the_other_claims(tiny):
    kb, g, fc = tiny
    rows = claim_source_rows(kb, g, fc, "tiny")
    got = {
        r["claim id"]: (r["reference numbers"], r["citekey"], r["match status"], r["verdict"])
        for r in rows
        if r["claim id"] != "tiny:s02.c02"
    }
    assert got == {
        "tiny:s02.c01": ("1", "doe2020alpha", "matched", "supported"),
        "tiny:s02.c03": ("2", "poe2022alpha2y", "", "source not available"),
        "tiny:s02.c04": ("3", "tinynote", "", "cites a non-publication"),
    }
    n = rows_by_claim(rows, "tiny:s02.c01")[0]
    assert (n["stated numbers"], n["source value"]) == (
        "100 patients",
        "100 patients [abstract, methods]",
    )
    assert rows_by_claim(rows, "tiny:s02.c04")[0]["finding codes"] == "CIT-NON-PUBLICATION"


def test_claim_without_references_still_gets_a_row(tiny):
    kb, _g, _fc = tiny
    pain = claim_with(kb, "pain scores improved")
    bare = type(pain)(pain.id, pain.document, pain.section, pain.text, pain.start, pain.end)
    reading = dataclasses.replace(kb.readings["tiny"], claims=[bare])
    kb2 = dataclasses.replace(kb, readings={"tiny": reading})
    g2 = build_graph(kb2)
    fc2 = fact_check(kb2, g2)
    rows = claim_source_rows(kb2, g2, fc2, "tiny")
    assert len(rows) == 1 and rows[0]["reference numbers"] == "" and rows[0]["citekey"] == ""
    # rebuilt without its numbers or markers, the sentence states nothing checkable
    assert rows[0]["verdict"] == fc2.verdict(pain.id).label == "no factual claim"
    assert rows[0]["match status"] == ""


def test_the_analyst_note_sits_beside_the_machine_verdict(tiny):
    kb, g, fc = tiny
    rows = claim_source_rows(kb, g, fc, "tiny")
    harms = claim_with(kb, "Harms were rare")
    (row,) = rows_by_claim(rows, harms.id)
    assert row["verdict"] == "source not available"  # the machine's, not merged with the analyst's
    assert row["analyst note"] == "partly supported: only two-year data (tester, 2026-01-06)"
    assert {r["analyst note"] for r in rows if r["claim id"] != harms.id} == {""}


def test_near_miss_and_elsewhere_rows_of_the_checks_fixture(bad):
    kb, g, fc = bad
    rows = claim_source_rows(kb, g, fc, "bad")
    (near,) = rows_by_claim(rows, "bad:s02.c04")
    assert (near["stated numbers"], near["match status"], near["source value"]) == (
        "16 patients",
        "near miss",
        "160 patients [abstract]",
    )
    assert near["finding codes"] == "NUM-NEAR-MISS"
    assert near["verdict"] == "contradicted"  # 16 for 160: an order-of-magnitude slip
    assert near["analyst note"] == "contradicted: the record says 160 (tester, 2026-03-20)"
    (other,) = rows_by_claim(rows, "bad:s02.c05")
    # 5.0% is in able2020trial, another report of the study cole2021followup (ref 2) reports
    assert (other["reference numbers"], other["citekey"], other["match status"]) == (
        "2",
        "cole2021followup",
        "elsewhere",
    )
    assert other["source measure"] == "harms: patients with a harm"
    contradicted = rows_by_claim(rows, "bad:s02.c02")
    assert {r["verdict"] for r in contradicted} == {"contradicted"}
    assert "contradicted" in {r["match status"] for r in contradicted}


def test_claim_ids_filter(tiny):
    kb, g, fc = tiny
    harms = claim_with(kb, "Harms were rare")
    rows = claim_source_rows(kb, g, fc, "tiny", claim_ids=[f"claim:{harms.id}"])
    assert {r["claim id"] for r in rows} == {harms.id}


def test_unknown_document_is_refused(tiny):
    kb, g, fc = tiny
    with pytest.raises(KeyError):
        claim_source_rows(kb, g, fc, "nope")
    with pytest.raises(ExportError, match="no document 'nope'"):
        render("claims-csv", kb, g, fc, "nope")


# ---------------------------------------------------------------------------------------
# CSV


def test_csv_is_utf8_lf_without_bom(tiny):
    data = render("claims-csv", *tiny, "tiny")
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert list(rows[0]) == list(CLAIM_SOURCE_COLUMNS)
    assert rows == claim_source_rows(*tiny, "tiny")


def test_excel_csv_has_bom_and_crlf(tiny):
    data = render("claims-csv-excel", *tiny, "tiny")
    assert data.startswith(b"\xef\xbb\xbf")
    body = data[3:]
    assert body.count(b"\r\n") == body.count(b"\n") > 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == claim_source_rows(*tiny, "tiny")


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_neutralise_prefixes_formula_starts(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise(f"a{start}") == f"a{start}"


# ---------------------------------------------------------------------------------------
# XLSX


def test_xlsx_sheets_header_freeze_filter_links(tiny):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render("claims-xlsx", *tiny, "tiny")))
    assert wb.sheetnames == ["Claims", "Findings", "References"]
    ws = wb["Claims"]
    assert [c.value for c in ws[1]] == list(CLAIM_SOURCE_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:U{ws.max_row}"
    assert ws.max_row == len(claim_source_rows(*tiny, "tiny")) + 1
    col = {c.value: c.column_letter for c in ws[1]}
    doi = ws[f"{col['DOI']}2"]
    assert doi.value == "10.5555/example.2020.1"
    assert doi.hyperlink.target == "https://doi.org/10.5555/example.2020.1"
    assert ws[f"{col['PMID']}2"].hyperlink.target == "https://pubmed.ncbi.nlm.nih.gov/11111111/"
    assert ws[f"{col['claim text']}2"].alignment.wrap_text
    assert 20 <= ws.column_dimensions[col["claim text"]].width <= 72
    findings = wb["Findings"]
    assert [c.value for c in findings[1]][:4] == ["document", "claim id", "severity", "code"]
    assert findings.max_row == 6 and findings.freeze_panes == "A2"
    # the engine's findings about tiny: three about its references, one per matched claim
    assert [(r[1].value, r[2].value, r[3].value) for r in findings.iter_rows(min_row=2)] == [
        (None, "warning", "CIT-NON-PUBLICATION"),
        (None, "warning", "CIT-UNVERIFIED"),
        (None, "info", "EVID-SPONSOR"),
        ("tiny:s02.c01", "info", "NUM-MATCH"),
        ("tiny:s02.c02", "info", "NUM-MATCH"),
    ]
    refs = wb["References"]
    assert [r[3].value for r in refs.iter_rows(min_row=2)] == [
        "doe2020alpha",
        "poe2022alpha2y",
        "tinynote",
    ]
    assert refs.auto_filter.ref


def test_xlsx_is_deterministic_and_undated(tiny):
    a, b = render("claims-xlsx", *tiny, "tiny"), render("claims-xlsx", *tiny, "tiny")
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


# ---------------------------------------------------------------------------------------
# Markdown, HTML, JSON


def test_markdown_table_shape(tiny):
    text = render("claims-md", *tiny, "tiny").decode()
    lines = text.splitlines()
    assert lines[0] == "# Claims and sources: tiny"
    table = [ln for ln in lines if ln.startswith("|")]
    assert len(table) == len(claim_source_rows(*tiny, "tiny")) + 2
    # every line has one cell per column (escaped pipes do not split)
    assert {ln.replace("\\|", "").count("|") for ln in table} == {len(CLAIM_SOURCE_COLUMNS) + 1}
    assert "p &lt; 0.001" in text


def test_html_table_links_and_escapes(tiny):
    text = render("claims-html", *tiny, "tiny").decode()
    assert text.startswith("<!DOCTYPE html>") and "@media print" in text
    assert '<a href="https://doi.org/10.5555/example.2020.1"' in text
    assert "p &lt; 0.001" in text and "<script" not in text


def test_json_table(tiny):
    data = json.loads(render("claims-json", *tiny, "tiny"))
    assert data["columns"] == list(CLAIM_SOURCE_COLUMNS)
    assert data["rows"] == claim_source_rows(*tiny, "tiny")
    assert data["fact_checked"] is True and data["document"] == "tiny"


def test_json_text_is_safe_inside_a_script_element():
    text = json_text({"a": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><b>&"}


# ---------------------------------------------------------------------------------------
# registry, report, determinism, paths


def test_registry_entries_are_function_media_type_extension():
    for name, entry in FORMATS.items():
        function, media_type, extension = entry
        assert callable(function) and "/" in media_type and extension.isalnum(), name
        assert name in DESCRIPTIONS
        assert filename(name, "nysipp-2026").startswith("nysipp-2026-")
        assert filename(name, "nysipp-2026").endswith("." + extension)
    names = [filename(n, "d") for n in FORMATS]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_deterministic_and_pathless(tiny, name):
    kb, g, fc = tiny
    a, b = render(name, kb, g, fc, "tiny"), render(name, kb, g, fc, "tiny")
    assert isinstance(a, bytes) and a == b
    texts = [a]
    if name in BINARY_FORMATS:
        with zipfile.ZipFile(io.BytesIO(a)) as z:
            texts = [z.read(n) for n in z.namelist()]
    for t in texts:
        for path in {str(kb.data_dir), str(kb.data_dir.resolve()), str(ROOT)}:
            assert path.encode() not in t, f"{name} leaks {path}"


@pytest.mark.parametrize("name", sorted(set(FORMATS) - DOCUMENT_FORMATS))
def test_every_format_works_without_a_document(tiny, name):
    kb, g, fc = tiny
    out = render(name, kb, g, fc, None)
    assert out and out == render(name, kb, g, fc, None)


REFERENCE_AND_GRAPH_FORMATS = [
    "ama-md",
    "ama-txt",
    "bibtex",
    "csl-json",
    "graph-json",
    "graphml",
    "ris",
]


@pytest.mark.parametrize("name", REFERENCE_AND_GRAPH_FORMATS)
def test_reference_and_graph_exports_need_no_fact_check(tiny, name):
    kb, g, fc = tiny
    assert render(name, kb, g, None, "tiny") == render(name, kb, g, fc, "tiny")


def test_claims_json_of_every_document(tiny):
    kb, g, fc = tiny
    data = json.loads(render("claims-json", kb, g, fc, None))
    assert data["document"] is None
    assert data["rows"] == claim_source_rows(kb, g, fc, None)
    assert {r["claim id"] for r in data["rows"]} == {
        "tiny:s02.c01",
        "tiny:s02.c02",
        "tiny:s02.c03",
        "tiny:s02.c04",
    }


def test_report_needs_a_document(tiny):
    with pytest.raises(ExportError, match="needs a document"):
        render("report-html", *tiny, None)


def test_report_lists_flagged_claims_with_evidence(tiny):
    kb, g, fc = tiny
    text = render("report-html", kb, g, fc, "tiny").decode()
    assert text.startswith("<!DOCTYPE html>") and "@media print" in text
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "")
    # only the claim resting on a note is flagged; the two supported claims are not
    assert "Flagged claims (1)" in text and text.count('<section class="claim"') == 1
    flagged = text.split("Flagged claims", 1)[1].split("Left for an analyst")[0]
    assert "The device is small" in flagged and "cites a non-publication" in flagged
    assert "Its only support is tinynote (note), not a publication." in flagged
    assert "cited only, record not read" in flagged
    for fragment in ("The Alpha trial randomized", "pain scores improved", "Harms were rare"):
        assert fragment not in flagged
    # "source not available" with no warning is listed for an analyst, with the analyst's judgment
    left = text.split("Left for an analyst (1)", 1)[1].split("Reference list")[0]
    assert "Harms were rare" in left
    assert "poe2022alpha2y is known only from the letter&#x27;s citation." in left
    assert "partly supported: only two-year data (tester, 2026-01-06)" in left
    assert 'href="https://doi.org/10.5555/example.2020.1"' in text


def test_report_summary_counts_the_engines_results(tiny):
    kb, g, fc = tiny
    text = render("report-html", kb, g, fc, "tiny").decode()
    summary = text.split("Summary", 1)[1].split("Flagged claims")[0]

    def count(label: str) -> str:
        return summary.split(f'<td>{label}</td><td class="n">', 1)[1].split("<", 1)[0]

    assert count("flagged claims") == "1"
    assert (
        count("supported"),
        count("source not available"),
        count("cites a non-publication"),
    ) == (
        "2",
        "1",
        "1",
    )
    assert (count("NUM-MATCH"), count("CIT-UNVERIFIED"), count("EVID-SPONSOR")) == ("2", "1", "1")
    assert (count("info"), count("warning"), count("matched")) == ("3", "2", "3")


def test_report_shows_the_numbers_of_a_flagged_claim(bad):
    kb, g, fc = bad
    text = render("report-html", kb, g, fc, "bad").decode()
    cards = {c.split('"', 1)[0]: c for c in text.split('<section class="claim" id="')[1:]}
    near = cards["claim-bad-s02.c04"]
    assert "contradicted" in near and "NUM-NEAR-MISS" in near
    assert "16 patients" in near and "near miss" in near and "160 patients" in near
    assert 'analyst">contradicted</span> the record says 160' in near  # beside the machine
    contradicted = cards["claim-bad-s02.c02"]
    assert "‼ contradicted" in contradicted
    assert "NUM-CONTRADICTED" in contradicted and "CONS-NEGATION" in contradicted
    # a wrong p value on a claim resting on a note: the verdict names the note, the finding stays
    flipped = cards["claim-bad-s03.c09"]
    assert "cites a non-publication" in flipped and "ARITH-P-VALUE-FLIP" in flipped
    # partly supported: its numbers match, but an RCT is given by its treated counts
    assert "NUM-TRIAL-SIZE" in cards["claim-bad-s02.c01"]
    assert "claim-bad-s02.c07" not in cards  # source not available, with only an info finding


# ---------------------------------------------------------------------------------------
# CLI


@pytest.fixture
def cli(monkeypatch):
    """The kb command, loading through the export-test loader."""
    import kb.cli

    monkeypatch.setattr(kb.cli, "load_kb", load)
    return kb.cli.main


def test_cli_export_stdout_matches_render(cli, capsysbinary):
    code = cli(["--data", str(TINY), "export", "--format", "claims-csv", "--doc", "tiny"])
    out = capsysbinary.readouterr().out
    assert code == 0 and out == render("claims-csv", *checked(TINY), "tiny")
    assert b"cites a non-publication" in out  # the engine ran: verdicts are filled in


def test_cli_export_to_file(cli, tmp_path):
    out = tmp_path / "claims.xlsx"
    code = cli(["--data", str(TINY), "export", "--format", "claims-xlsx", "--out", str(out)])
    assert code == 0 and out.read_bytes() == render("claims-xlsx", *checked(TINY))


def test_cli_binary_format_needs_out(cli, capsys):
    code = cli(["--data", str(TINY), "export", "--format", "claims-xlsx"])
    assert code == 2 and "--out" in capsys.readouterr().err


def test_cli_report_without_doc_fails_cleanly(cli, capsys):
    code = cli(["--data", str(TINY), "export", "--format", "report-html"])
    assert code == 2 and "needs a document" in capsys.readouterr().err


def test_cli_lists_every_format_in_help(capsys):
    from kb.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--help"])
    help_text = capsys.readouterr().out
    for name in FORMATS:
        assert name in help_text


# ---------------------------------------------------------------------------------------
# documented contract


def test_readme_documents_every_format_and_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exports", 1)[1].split("<!-- finding-codes -->", 1)[0]
    for name in FORMATS:
        assert f"| `{name}` |" in section, name
    for column in CLAIM_SOURCE_COLUMNS:
        assert f"`{column}`" in section, column


# ---------------------------------------------------------------------------------------
# with the real fact-check engine


def test_rows_carry_the_engines_verdicts_and_matches(tiny):
    kb, g, fc = tiny
    rows = claim_source_rows(kb, g, fc, "tiny")
    codes = {f.code for f in fc.findings}
    for r in rows:
        assert r["verdict"] == fc.verdicts[r["claim id"]].label
        assert set(filter(None, r["finding codes"].split("; "))) <= codes
    pain = claim_with(kb, "pain scores improved")
    matched = [r for r in rows_by_claim(rows, pain.id) if r["match status"] == "matched"]
    assert {r["stated numbers"] for r in matched} == {
        m.number.text for m in fc.matches[pain.id] if m.status == "matched"
    }
    assert all(r["reference numbers"] == "1" and r["source value"] for r in matched)


def test_report_flags_what_the_engine_flags(bad):
    from kb.export.report import is_flagged

    kb, g, fc = bad
    text = render("report-html", kb, g, fc, "bad").decode()
    flagged = [c for c in kb.claims("bad") if is_flagged(fc, c)]
    assert len(flagged) > 10
    assert f"Flagged claims ({len(flagged)})" in text
    for c in flagged:
        assert fc.verdicts[c.id].label in text


def test_number_found_in_an_uncited_work_gets_a_parenthesised_reference(tiny):
    # no fixture has such a match, so one is added to the engine's result for the note claim
    kb, g, fc = tiny
    small = claim_with(kb, "The device is small")
    number = NumberMention("100 patients", 100.0, "sample_size", small.start, small.start + 3)
    match = NumberMatch(small.id, number, "elsewhere", kb.outcomes["alpha-n"], "found elsewhere")
    fc2 = dataclasses.replace(fc, matches={**fc.matches, small.id: (match,)})
    rows = rows_by_claim(claim_source_rows(kb, g, fc2, "tiny"), small.id)
    assert [(r["reference numbers"], r["citekey"], r["match status"]) for r in rows] == [
        ("3", "tinynote", ""),
        ("(1)", "doe2020alpha", "elsewhere"),
    ]
    assert rows[1]["source measure"] == "sample size: randomized"
    assert rows[1]["study"] == "Alpha trial"
    assert rows[0]["finding codes"] == "CIT-NON-PUBLICATION"


def test_source_value_says_when_a_number_was_not_read_in_the_record():
    from kb.export.rows import outcome_value
    from kb.model import Outcome

    o = Outcome(
        "o",
        "s",
        "w",
        "ODI",
        value=16.0,
        unit="points",
        locator="manufacturer press release (not the article)",
        verified=False,
    )
    assert outcome_value(o) == (
        "16 points [manufacturer press release (not the article)] [not verified in the record]"
    )
    assert (
        outcome_value(
            Outcome(
                "o", "s", "w", "ODI", value=16.0, unit="points", locator="abstract", verified=True
            )
        )
        == "16 points [abstract]"
    )
