"""The fact-check report as a Word document (python-docx), for committees that work in Word."""

from __future__ import annotations

import io

import networkx as nx
from docx import Document as new_docx
from docx.shared import Pt

from kb.checks.factcheck import FactCheck
from kb.export.common import claims_of, document_or_raise, one_line
from kb.export.tables import _stable_zip
from kb.model import KnowledgeBase
from kb.schema import FACTUAL_KINDS

CLAIM_HEADERS = (
    "claim",
    "text",
    "machine verdict",
    "why",
    "analyst verdict",
    "analyst note",
    "reviewer",
)
FINDING_HEADERS = ("claim", "severity", "code", "message", "analyst decision", "reason")


def docx_table(doc, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A Word table with a bold header row: the one table writer of every .docx export."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def factcheck_report_docx(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> bytes:
    """One document's fact check and analyst review as a .docx: every factual claim with the
    machine's verdict beside the analyst's, then the findings with the analyst's decisions."""
    if document is None:
        raise ValueError("the Word report is made per document: name one")
    doc = document_or_raise(kb, document)
    claims = [c for c in claims_of(kb, document) if c.kind in FACTUAL_KINDS]
    state = kb.review
    out = new_docx()
    out.styles["Normal"].font.size = Pt(10)
    # fixed metadata: the same KB and review give the same file
    props = out.core_properties
    props.author, props.title = "evidence-kb", f"Fact-check report: {doc.title}"
    props.comments = "made by evidence-kb"
    props.last_modified_by, props.revision = "evidence-kb", 1
    out.add_heading(f"Fact-check report: {doc.title}", level=0)
    out.add_paragraph(
        f"{doc.organisation + ', ' if doc.organisation else ''}{doc.date} · document {doc.id}"
    )
    judged = [c for c in claims if state is not None and state.judgement(c.id)]
    reviewed = [c for c in judged if state.judgement(c.id).verdict]
    signed = state.signed_off(document) if state is not None else None
    out.add_heading("Summary", level=1)
    out.add_paragraph(
        f"{len(claims)} factual claims; {len(reviewed)} carry an analyst verdict. "
        + (
            f"Review signed off by {signed.analyst} on {signed.at}: {signed.summary}"
            if signed
            else "The review is not signed off: it may still change."
        )
    )
    out.add_heading("Claims: machine and analyst verdicts", level=1)
    rows = []
    for c in claims:
        j = state.judgement(c.id) if state is not None else None
        rows.append(
            (
                c.id.split(":", 1)[-1],
                one_line(c.text),
                fc.verdict(c.id).label or "no verdict",
                fc.verdict(c.id).reason,
                (j.verdict or "—") if j else "—",
                j.note if j else "",
                f"{j.analyst}, {j.at}" if j else "",
            )
        )
    docx_table(out, CLAIM_HEADERS, rows)
    found = []
    for c in claims:
        for f in fc.findings_of(c.id):
            d = None
            if state is not None:
                from kb.review import finding_key

                d = state.decision(c.id, finding_key(f))
            found.append(
                (
                    c.id.split(":", 1)[-1],
                    f.severity,
                    f.code,
                    f.message,
                    d.decision if d else "",
                    f"{d.reason} ({d.analyst})" if d else "",
                )
            )
    if found:
        out.add_heading("Findings and the analyst's decisions", level=1)
        docx_table(out, FINDING_HEADERS, found)
    buf = io.BytesIO()
    out.save(buf)
    return _stable_zip(buf.getvalue())
