"""The summary of findings as files: JSON, an HTML page, an Excel workbook and a Word document.

All four are made from one `kb.views.sof.sof_view`, so they hold the same rows: per outcome the
participants (studies), design mix and comparators, every result with its provenance (work,
PMID/DOI, locator, curated or extracted, verified or not), what was derived and how, and the
five certainty domains as the analyst rated them beside the machine's facts.
"""

from __future__ import annotations

import html
import io
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import document_or_raise, json_text, neutralise, xml_safe
from kb.export.tables import _stable_zip
from kb.export.word import docx_table
from kb.model import KnowledgeBase
from kb.views.sof import certainty_rows, sof_rows, sof_view

SOF_COLUMNS = (
    "outcome",
    "result",
    "timepoint",
    "study",
    "design",
    "participants",
    "arm",
    "comparator",
    "effect (reported)",
    "comparator result",
    "p",
    "95% CI",
    "derived",
    "MCID",
    "work",
    "PMID/DOI",
    "locator",
    "origin",
    "verified",
    "note",
    "id",
)
OUTCOME_COLUMNS = (
    "outcome",
    "timepoints",
    "participants (studies)",
    "design mix",
    "comparators",
    "claims naming it",
)
CERTAINTY_COLUMNS = ("outcome", "domain", "analyst's rating", "note", "rated by", "machine's facts")
MCID_COLUMNS = ("measure", "mcid", "unit", "population", "source", "locator", "note")

DERIVED_NOTE = (
    "Figures marked derived were worked out here from the reported ones with the formula shown; "
    "they are not reported by the source. No 95% CI is shown unless the KB holds one."
)
RATING_NOTE = (
    "Certainty domains are rated by the analyst; the facts beside each are the machine's and "
    "carry no grade."
)


def view_for(kb: KnowledgeBase, fc: FactCheck, document: str | None) -> dict[str, Any]:
    """The summary of findings of one document (or of the whole KB), with the attached review."""
    if document is not None:
        document_or_raise(kb, document)
    return sof_view(kb, fc, document, getattr(kb, "review", None))


def outcome_rows(view: dict[str, Any]) -> list[dict[str, str]]:
    """One row per outcome: GRADE's outcome-level columns."""
    return [
        {
            "outcome": o["label"],
            "timepoints": "; ".join(o["timepoints"]),
            "participants (studies)": o["participants"],
            "design mix": o["design_mix"],
            "comparators": "; ".join(o["comparators"]),
            "claims naming it": ", ".join(o["letter_mentions"]),
        }
        for o in view["outcomes"]
    ]


def _title(kb: KnowledgeBase, document: str | None) -> str:
    if document is None:
        return "Summary of findings: all studies of the knowledge base"
    return f"Summary of findings: {kb.documents[document].title}"


def sof_json(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """The summary of findings as JSON (what `kb sof --format json` prints)."""
    return json_text(view_for(kb, fc, document))


def _html_table(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(r.get(c, ''))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sof_html(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """The summary of findings as one self-contained HTML page (no scripts, no remote files)."""
    view = view_for(kb, fc, document)
    title = html.escape(_title(kb, document))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;"
        "margin-bottom:1.5em}th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top;"
        "font-size:13px}th{background:#dde4ee}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{html.escape(DERIVED_NOTE)} {html.escape(RATING_NOTE)}</p>",
        "<h2>Outcomes</h2>",
        _html_table(outcome_rows(view), OUTCOME_COLUMNS),
        "<h2>Results with their provenance</h2>",
        _html_table(sof_rows(view), SOF_COLUMNS),
        "<h2>Certainty domains</h2>",
        _html_table(certainty_rows(view), CERTAINTY_COLUMNS),
        "<h2>Minimal clinically important differences (sourced)</h2>",
        _html_table(view["mcid"], MCID_COLUMNS),
        "<p>No sourced MCID is held for: "
        + html.escape("; ".join(view["mcid_missing"]) or "none")
        + ".</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def sof_xlsx(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> bytes:
    """The summary of findings as a workbook: Outcomes, Results, Certainty and MCID sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    view = view_for(kb, fc, document)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "evidence-kb"
    wb.properties.title = _title(kb, document)
    sheets = (
        ("Outcomes", outcome_rows(view), OUTCOME_COLUMNS),
        ("Results", sof_rows(view), SOF_COLUMNS),
        ("Certainty", certainty_rows(view), CERTAINTY_COLUMNS),
        ("MCID", view["mcid"], MCID_COLUMNS),
    )
    for name, rows, columns in sheets:
        ws = wb.create_sheet(name)
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise(xml_safe(str(row.get(c, "")))) for c in columns])
        for line in ws.iter_rows(min_row=2):
            for cell in line:
                cell.data_type = "s"
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = "A2"
    notes = wb.create_sheet("Notes")
    for line in (DERIVED_NOTE, RATING_NOTE):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def _docx_table(doc: Any, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    docx_table(doc, columns, [tuple(xml_safe(str(r.get(c, ""))) for c in columns) for r in rows])


def sof_docx(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> bytes:
    """The summary of findings as a Word document: per outcome its GRADE row, its results
    with provenance, and its certainty domains (analyst's rating beside the machine's facts)."""
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    view = view_for(kb, fc, document)
    out = new_docx()
    out.styles["Normal"].font.size = Pt(8)
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    props = out.core_properties
    props.author, props.title = "evidence-kb", _title(kb, document)
    props.comments = "made by evidence-kb"
    props.last_modified_by, props.revision = "evidence-kb", 1
    out.add_heading(_title(kb, document), level=0)
    out.add_paragraph(f"{DERIVED_NOTE} {RATING_NOTE}")
    out.add_heading("Outcomes", level=1)
    _docx_table(out, outcome_rows(view), OUTCOME_COLUMNS)
    results = sof_rows(view)
    certainty = certainty_rows(view)
    short = ("result", "timepoint", "study", "participants", "effect (reported)",
             "comparator result", "p", "95% CI", "derived", "MCID", "work", "PMID/DOI",
             "locator", "origin", "verified", "note")  # fmt: skip
    for o in view["outcomes"]:
        out.add_heading(o["label"], level=1)
        out.add_paragraph(
            f"Participants (studies): {o['participants']} ({o['participants_note']}). "
            f"Design mix: {o['design_mix']}. Comparators: {'; '.join(o['comparators'])}."
        )
        _docx_table(out, [r for r in results if r["outcome"] == o["label"]], short)
        out.add_paragraph("")
        _docx_table(
            out,
            [r for r in certainty if r["outcome"] == o["label"]],
            CERTAINTY_COLUMNS[1:],
        )
    out.add_heading("Minimal clinically important differences", level=1)
    _docx_table(out, view["mcid"], MCID_COLUMNS)
    out.add_paragraph("No sourced MCID is held for: " + ("; ".join(view["mcid_missing"]) or "none"))
    buf = io.BytesIO()
    out.save(buf)
    return _stable_zip(buf.getvalue())
