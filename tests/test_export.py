"""Exports: the claim-to-source table in every format, the registry, the CLI, safety rules."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from types import SimpleNamespace

import pytest

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
from tests.exporthelp import claim_with, fake_factcheck, load


@pytest.fixture(scope="module")
def tiny():
    """(kb, graph, fact check) of the tiny KB."""
    kb = load(TINY)
    return kb, build_graph(kb), fake_factcheck(kb)


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
    three = next(n for n in pain.numbers if n.value == 3.0)
    p_value = next(n for n in pain.numbers if n.value == 0.001)
    # ref 1 carries the matched 3.0; ref 2 has no matched number but still gets its row
    assert [(r["reference numbers"], r["match status"]) for r in rows] == [
        ("1", "matched"),
        ("2", f"{p_value.text}: not in source"),
    ]
    first = rows[0]
    assert first["stated numbers"] == three.text
    assert rows[1]["stated numbers"] == "; ".join(n.text for n in pain.numbers)
    assert first["source measure"] == "NPRS: mean improvement"
    assert (first["source arm"], first["source timepoint"]) == ("device", "1 year")
    assert first["source value"].startswith("3 points; vs 1; p <0.001 [abstract, results]")
    assert first["citekey"] == "doe2020alpha" and first["PMID"] == "11111111"
    assert first["formatted citation"].startswith("Doe J, Roe R. Alpha")
    assert (first["study"], first["design"]) == ("Alpha trial", "RCT")
    assert first["verdict"] == "partly supported"
    assert first["finding codes"] == "NUM-NOT-IN-SOURCE"
    assert rows[1]["citekey"] == "poe2022alpha2y" and rows[1]["source value"] == ""


def test_claim_without_references_still_gets_a_row(tiny):
    kb, _g, _fc = tiny
    pain = claim_with(kb, "pain scores improved")
    bare = type(pain)(pain.id, pain.document, pain.section, pain.text, pain.start, pain.end)
    reading = kb.readings["tiny"]
    if dataclasses.is_dataclass(reading):
        reading = dataclasses.replace(reading, claims=[bare])
    else:
        reading = SimpleNamespace(**{**vars(reading), "claims": [bare]})
    kb2 = dataclasses.replace(kb, readings={"tiny": reading})
    g2 = build_graph(kb2)
    rows = claim_source_rows(kb2, g2, None, "tiny")
    assert len(rows) == 1 and rows[0]["reference numbers"] == "" and rows[0]["citekey"] == ""


def test_without_fact_check_verdict_and_match_cells_are_empty(tiny):
    kb, g, _ = tiny
    rows = claim_source_rows(kb, g, None, "tiny")
    for col in ("match status", "finding codes", "verdict", "source value"):
        assert {r[col] for r in rows} == {""}, col
    # analyst judgments come from the KB, not from the fact check
    harms = claim_with(kb, "Harms were rare")
    assert rows_by_claim(rows, harms.id)[0]["analyst note"] == (
        "partly supported: only two-year data (tester, 2026-01-06)"
    )


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
    assert findings.max_row == 4 and findings.freeze_panes == "A2"
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
def test_every_format_works_without_a_fact_check_or_a_document(tiny, name):
    kb, g, _ = tiny
    assert render(name, kb, g, None, None) is not None


def test_report_needs_a_document(tiny):
    with pytest.raises(ExportError, match="needs a document"):
        render("report-html", *tiny, None)


def test_report_lists_flagged_claims_with_evidence(tiny):
    kb, g, fc = tiny
    text = render("report-html", kb, g, fc, "tiny").decode()
    assert text.startswith("<!DOCTYPE html>") and "@media print" in text
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "")
    flagged = text.split("Flagged claims", 1)[1].split("Left for an analyst")[0]
    assert text.count('<section class="claim"') == 2
    for fragment in ("pain scores improved", "The device is small"):
        assert fragment in flagged
    assert "The Alpha trial randomized" not in flagged and "Harms were rare" not in flagged
    # "cannot verify" with no warning is listed for an analyst, with the analyst's judgment
    left = text.split("Left for an analyst (1)", 1)[1].split("Reference list")[0]
    assert "Harms were rare" in left and "the two-year paper was not read" in left
    assert "only two-year data" in left
    assert "NUM-NOT-IN-SOURCE" in text and "same value, same arm" in text
    assert 'href="https://doi.org/10.5555/example.2020.1"' in text
    assert "cited only, record not read" in text


def test_report_without_fact_check_says_so(tiny):
    kb, g, _ = tiny
    text = render("report-html", kb, g, None, "tiny").decode()
    assert "No fact check was run" in text and "Flagged claims" not in text


# ---------------------------------------------------------------------------------------
# CLI


@pytest.fixture
def cli(monkeypatch):
    """The kb command, loading through the export-test loader and without a fact-check engine."""
    import kb.cli
    import kb.export

    monkeypatch.setattr(kb.cli, "load_kb", load)
    monkeypatch.setattr(kb.export, "fact_check_or_none", lambda kb_, g_: None)
    return kb.cli.main


def test_cli_export_stdout_matches_render(cli, capsysbinary):
    code = cli(["--data", str(TINY), "export", "--format", "claims-csv", "--doc", "tiny"])
    out = capsysbinary.readouterr().out
    kb = load(TINY)
    assert code == 0 and out == render("claims-csv", kb, build_graph(kb), None, "tiny")


def test_cli_export_to_file(cli, tmp_path):
    out = tmp_path / "claims.xlsx"
    code = cli(["--data", str(TINY), "export", "--format", "claims-xlsx", "--out", str(out)])
    kb = load(TINY)
    assert code == 0 and out.read_bytes() == render("claims-xlsx", kb, build_graph(kb))


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


@pytest.fixture(scope="module")
def checked():
    """(kb, graph, real fact check) of the tiny KB."""
    from kb.checks import factcheck

    kb = load(TINY)
    g = build_graph(kb)
    return kb, g, factcheck.fact_check(kb, g)


def test_rows_carry_the_engines_verdicts_and_matches(checked):
    kb, g, fc = checked
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


def test_report_flags_what_the_engine_flags(checked):
    from kb.export.report import is_flagged

    kb, g, fc = checked
    text = render("report-html", kb, g, fc, "tiny").decode()
    flagged = [c for c in kb.claims("tiny") if is_flagged(fc, c)]
    assert f"Flagged claims ({len(flagged)})" in text
    for c in flagged:
        assert fc.verdicts[c.id].label in text


def test_number_found_in_an_uncited_work_gets_a_parenthesised_reference(tiny):
    kb, g, fc = tiny
    small = claim_with(kb, "The device is small")
    number = NumberMention("100 patients", 100.0, "sample_size", small.start, small.start + 3)
    match = SimpleNamespace(
        claim=small.id,
        number=number,
        status="elsewhere",
        outcome=kb.outcomes["alpha-n"],
        reason="found in another work",
    )
    fc2 = SimpleNamespace(
        findings=fc.findings, verdicts=fc.verdicts, matches={**fc.matches, small.id: (match,)}
    )
    rows = rows_by_claim(claim_source_rows(kb, g, fc2, "tiny"), small.id)
    assert [(r["reference numbers"], r["citekey"], r["match status"]) for r in rows] == [
        ("3", "tinynote", ""),
        ("(1)", "doe2020alpha", "elsewhere"),
    ]
    assert rows[1]["source measure"] == "sample size: randomized"
    assert rows[1]["study"] == "Alpha trial"


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
