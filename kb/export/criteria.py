"""The payer criteria as files: Word (python-docx), Excel (openpyxl) and a standalone HTML page.

Each holds the criteria (with source, date and locator), per criterion the studies that bear on
it and the gaps, and the mapped claims with the machine's suggestion, its rules and the
analyst's mapping. Every row carries its provenance (the data file and line, the work and
locator of each study fact); nothing is concluded: whether a criterion is met is the analyst's.
"""

from __future__ import annotations

import io

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import one_line
from kb.export.tables import _sheet, _stable_zip, esc, page_html, rows_to_html_table
from kb.export.word import docx_table
from kb.model import KnowledgeBase
from kb.views.criteria import CriteriaView, criteria_view

CRITERIA_COLUMNS = (
    "criterion",
    "framework",
    "kind",
    "title",
    "text",
    "source",
    "date",
    "locator",
    "provenance",
)
EVIDENCE_COLUMNS = (
    "criterion",
    "study",
    "refs",
    "design",
    "setting",
    "comparator",
    "comparator class",
    "N",
    "follow-up",
    "facts",
    "rules",
    "provenance",
)
GAP_COLUMNS = ("criterion", "gap", "rule", "provenance")
CLAIM_COLUMNS = (
    "claim",
    "text",
    "machine",
    "rules",
    "analyst",
    "analyst_by",
    "status",
    "flags",
    "provenance",
)
NOTE = (
    "Facts and gaps only: what the knowledge base holds and does not hold for each criterion, "
    "each with where it was read. Whether a criterion is met is the analyst's conclusion."
)


def _view(kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None):
    return criteria_view(kb, graph, fc, document)


def _evidence(view: CriteriaView) -> list[dict]:
    return [r for c in view.criteria for r in view.evidence[c["criterion"]]]


def _gaps(view: CriteriaView) -> list[dict]:
    return [
        {"criterion": c["criterion"], **g} for c in view.criteria for g in view.gaps[c["criterion"]]
    ]


def _title(document: str | None) -> str:
    return f"Payer criteria: {document or 'every study'}"


def criteria_xlsx(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> bytes:
    """The criteria as a workbook: Criteria, Evidence, Gaps and Claims sheets."""
    from openpyxl import Workbook

    view = _view(kb, graph, fc, document)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "evidence-kb"
    wb.properties.title = _title(document)
    _sheet(wb, "Criteria", view.criteria, CRITERIA_COLUMNS)
    _sheet(wb, "Evidence", _evidence(view), EVIDENCE_COLUMNS)
    _sheet(wb, "Gaps", _gaps(view), GAP_COLUMNS)
    _sheet(wb, "Claims", view.claims, CLAIM_COLUMNS)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #dde4ee; }
.note { color: #555; }
"""


def criteria_html(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """The criteria as one self-contained HTML page: each criterion with its evidence and gaps,
    then the mapped claims."""
    view = _view(kb, graph, fc, document)
    body = [f"<h1>{esc(_title(document))}</h1>", f'<p class="note">{esc(NOTE)}</p>']
    for c in view.criteria:
        cid = c["criterion"]
        body.append(f'<h2 id="{esc(cid)}">{esc(cid)}: {esc(c["title"])}</h2>')
        body.append(
            f'<p>{esc(c["text"])}</p><p class="note">{esc(c["framework"])}, {esc(c["kind"])}. '
            f"Source: {esc(c['source'])} ({esc(c['date'])}; {esc(c['locator'])}) "
            f"[{esc(c['provenance'])}]</p>"
        )
        body.append("<h3>Evidence</h3>")
        body.append(rows_to_html_table(view.evidence[cid], EVIDENCE_COLUMNS[1:]))
        body.append("<h3>Gaps</h3>")
        body.append(rows_to_html_table(view.gaps[cid], GAP_COLUMNS[1:]))
    if view.claims:
        body.append("<h2>Claims mapped to criteria</h2>")
        body.append(rows_to_html_table(view.claims, CLAIM_COLUMNS))
    return page_html(_title(document), CSS, "\n".join(body) + "\n")


def _table(doc, headers: tuple[str, ...], rows: list[dict]) -> None:
    docx_table(doc, headers, [tuple(one_line(str(r.get(c, ""))) for c in headers) for r in rows])


def criteria_docx(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> bytes:
    """The criteria as a Word document: per criterion its text and source, the evidence table
    and the gaps, each row with its provenance; then the mapped claims."""
    from docx import Document as new_docx
    from docx.shared import Pt

    view = _view(kb, graph, fc, document)
    out = new_docx()
    out.styles["Normal"].font.size = Pt(9)
    props = out.core_properties
    props.author, props.title = "evidence-kb", _title(document)
    props.comments = "made by evidence-kb"
    props.last_modified_by, props.revision = "evidence-kb", 1
    out.add_heading(_title(document), level=0)
    out.add_paragraph(NOTE)
    for c in view.criteria:
        cid = c["criterion"]
        out.add_heading(f"{cid}: {c['title']}", level=1)
        out.add_paragraph(c["text"])
        out.add_paragraph(
            f"{c['framework']}, {c['kind']}. Source: {c['source']} ({c['date']}; "
            f"{c['locator']}) [{c['provenance']}]"
        )
        out.add_heading("Evidence", level=2)
        if view.evidence[cid]:
            _table(
                out,
                ("study", "design", "comparator", "N", "follow-up", "facts", "provenance"),
                view.evidence[cid],
            )
        else:
            out.add_paragraph("No cited study bears on it in the knowledge base.")
        out.add_heading("Gaps", level=2)
        if view.gaps[cid]:
            _table(out, ("gap", "rule", "provenance"), view.gaps[cid])
        else:
            out.add_paragraph("No gap found by the rules.")
    if view.claims:
        out.add_heading("Claims mapped to criteria", level=1)
        _table(
            out,
            ("claim", "text", "machine", "rules", "analyst", "status", "flags", "provenance"),
            view.claims,
        )
    buf = io.BytesIO()
    out.save(buf)
    return _stable_zip(buf.getvalue())
