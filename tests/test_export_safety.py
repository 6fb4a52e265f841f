"""A hostile letter (a spreadsheet formula, a script tag) comes out inert in every export."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import bibtexparser
import networkx as nx
import pytest
import rispy

from kb.export import BINARY_FORMATS, FORMATS, render
from kb.export.common import FORMULA_STARTS
from tests.conftest import ROOT
from tests.exporthelp import HOSTILE_FORMULA, HOSTILE_SCRIPT, checked, claim_with, hostile_copy

HOSTILE_TITLE = "=cmd|' /C calc'!A0 <img src=x onerror=alert(2)>"
PLAIN_TEXT_FORMATS = frozenset({"claims-csv", "claims-csv-excel", "bibtex", "ris", "ama-txt"})
LIVE_HTML = re.compile(r"<\s*(script|img)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(kb, graph, fact check, data dir) of the tiny KB with hostile text in letter and bib."""
    data = hostile_copy(tmp_path_factory.mktemp("kb"))
    return (*checked(data), data)


def outputs(hostile) -> dict[str, bytes]:
    kb, g, fc, _ = hostile
    return {name: render(name, kb, g, fc, "tiny") for name in FORMATS}


def test_the_hostile_claim_was_read(hostile):
    kb = hostile[0]
    claim = claim_with(kb, "=HYPERLINK")
    assert HOSTILE_SCRIPT in claim.text
    assert kb.works["tinynote"].title == HOSTILE_TITLE


@pytest.mark.parametrize("name", ["claims-csv", "claims-csv-excel"])
def test_csv_cells_cannot_start_a_formula(hostile, name):
    data = render(name, *hostile[:3], "tiny")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert any(c.startswith("'" + HOSTILE_FORMULA) for c in cells)


def test_xlsx_cells_are_strings_never_formulas(hostile):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render("claims-xlsx", *hostile[:3], "tiny")))
    seen = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (ws.title, cell.value)
                    seen = seen or cell.value.startswith("'" + HOSTILE_FORMULA)
    assert seen
    with zipfile.ZipFile(io.BytesIO(render("claims-xlsx", *hostile[:3], "tiny"))) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in z.read(n) for n in sheets)


@pytest.mark.parametrize("name", ["claims-html", "report-html", "claims-md", "ama-md"])
def test_html_and_markdown_carry_no_live_markup(hostile, name):
    text = render(name, *hostile[:3], "tiny").decode()
    assert not LIVE_HTML.search(text)
    assert "&lt;script&gt;" in text or name == "ama-md"
    assert "&lt;img" in text


def test_report_shows_the_hostile_claim_escaped(hostile):
    kb, g, fc, _ = hostile
    text = render("report-html", kb, g, fc, "tiny").decode()
    card = text.split('<section class="claim"')[1:]
    hostile = [c for c in card if "&lt;script&gt;alert(1)&lt;/script&gt;" in c]
    assert len(hostile) == 1
    assert "cites a non-publication" in hostile[0]  # the engine flagged it: it rests on the note
    assert "&lt;img src=x onerror=alert(2)&gt;" in hostile[0]  # the note's title, in its sources


def test_the_engine_judges_the_hostile_claim_like_any_other(hostile):
    kb, _g, fc, _ = hostile
    claim = claim_with(kb, "=HYPERLINK")
    v = fc.verdict(claim.id)
    assert (v.label, v.codes) == ("cites a non-publication", ("CIT-NON-PUBLICATION",))
    assert v.reason.startswith("Its only support is tinynote (note)")


@pytest.mark.parametrize(
    "name", ["claims-json", "csl-json", "claimreview", "annotations", "graph-json"]
)
def test_json_outputs_keep_the_text_but_not_raw_angle_brackets(hostile, name):
    raw = render(name, *hostile[:3], "tiny").decode()
    assert "<" not in raw and ">" not in raw
    data = json.loads(raw)
    flat = json.dumps(data, ensure_ascii=False)
    assert HOSTILE_SCRIPT in flat or HOSTILE_TITLE in flat


def test_annotations_quote_the_hostile_claim_exactly(hostile):
    kb, g, fc, _ = hostile
    claim = claim_with(kb, "=HYPERLINK")
    annos = json.loads(render("annotations", kb, g, fc, "tiny"))
    exact = [
        s["exact"]
        for a in annos
        for s in a["target"]["selector"]
        if s["type"] == "TextQuoteSelector"
    ]
    assert claim.text in exact


def test_reference_formats_keep_the_hostile_title_as_data(hostile):
    kb, g, fc, _ = hostile
    bib = bibtexparser.parse_string(render("bibtex", kb, g, fc, "tiny").decode())
    assert bib.entries_dict["tinynote"]["title"] == HOSTILE_TITLE
    ris = rispy.loads(render("ris", kb, g, fc, "tiny").decode())
    assert [r["title"] for r in ris if r["id"] == "tinynote"] == [HOSTILE_TITLE]
    assert HOSTILE_TITLE in render("ama-txt", kb, g, fc, "tiny").decode()


def test_graphml_escapes_and_reads_back(hostile):
    kb, g, fc, _ = hostile
    data = render("graphml", kb, g, fc, "tiny")
    assert not LIVE_HTML.search(data.decode())
    back = nx.read_graphml(io.BytesIO(data))
    texts = [d.get("text", "") for _, d in back.nodes(data=True)]
    assert any(HOSTILE_SCRIPT in t for t in texts)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_export_names_a_local_path(hostile, name):
    kb, g, fc, data = hostile
    out = render(name, kb, g, fc, "tiny")
    parts = [out]
    if name in BINARY_FORMATS:
        with zipfile.ZipFile(io.BytesIO(out)) as z:
            parts = [z.read(n) for n in z.namelist()]
    for part in parts:
        for path in {str(data), str(data.resolve()), str(ROOT), str(data.parent)}:
            assert path.encode() not in part, f"{name} contains {path}"


def test_every_format_stays_inert_with_the_real_fact_check(hostile):
    from kb.checks import factcheck

    kb, g, _, data = hostile
    fc = factcheck.fact_check(kb, g)
    for name in FORMATS:
        out = render(name, kb, g, fc, "tiny")
        if name in BINARY_FORMATS:
            with zipfile.ZipFile(io.BytesIO(out)) as z:
                assert all(
                    b"<f>" not in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")
                )
            continue
        text = out.decode("utf-8-sig")
        if name not in PLAIN_TEXT_FORMATS:  # these hold the text as data, never render it
            assert not LIVE_HTML.search(text), name
        assert str(data) not in text, name
        if name.startswith("claims-csv"):
            cells = [c for r in csv.reader(io.StringIO(text, newline="")) for c in r]
            assert not [c for c in cells if c.startswith(FORMULA_STARTS)], name
