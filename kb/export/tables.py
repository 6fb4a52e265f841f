"""The claim-to-source table as CSV, Excel CSV, XLSX, Markdown, HTML and JSON."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import (
    cited_of,
    json_text,
    neutralise,
    one_line,
    xml_safe,
)
from kb.export.rows import CLAIM_SOURCE_COLUMNS, WIDE_COLUMNS, claim_source_rows
from kb.model import KnowledgeBase, Work
from kb.views.cite import format_ama
from kb.views.findings import findings_about

FINDING_COLUMNS = ("document", "claim id", "severity", "code", "message", "refs", "works")
REFERENCE_COLUMNS = (
    "document",
    "reference number",
    "entry text",
    "citekey",
    "formatted citation",
    "DOI",
    "PMID",
    "kind",
    "record",
    "study",
    "design",
    "sponsor",
)

# A fixed time for everything a file format insists on stamping (zip entries, XLSX metadata).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_W3C_TIME = "2000-01-01T00:00:00Z"


def safe_url(prefix: str, ident: str | None) -> str | None:
    """A link built from our own prefix and a percent-quoted identifier."""
    if not ident:
        return None
    return prefix + quote(ident.strip(), safe="/:;()._-")


def doi_link(doi: str | None) -> str | None:
    """https://doi.org/ link of a DOI (quoted)."""
    return safe_url("https://doi.org/", doi)


def pmid_link(pmid: str | None) -> str | None:
    """PubMed link of a PMID (quoted)."""
    url = safe_url("https://pubmed.ncbi.nlm.nih.gov/", pmid)
    return url + "/" if url else None


def _scope(document: str | None) -> str:
    return document if document is not None else "all documents"


# ---------------------------------------------------------------------------------------
# further tables: findings and references


def finding_rows(kb: KnowledgeBase, fc: FactCheck, document: str | None) -> list[dict[str, str]]:
    """One row per finding of the fact check (for one document, or all), in check order."""
    return [
        {
            "document": f.document or "",
            "claim id": f.claim or "",
            "severity": f.severity,
            "code": f.code,
            "message": f.message,
            "refs": ", ".join(str(n) for n in f.refs),
            "works": ", ".join(f.works),
        }
        for f in findings_about(kb, fc, document)
    ]


def reference_rows(kb: KnowledgeBase, document: str | None) -> list[dict[str, str]]:
    """One row per reference-list entry: the letter's text beside the work it resolves to."""
    docs = [document] if document is not None else sorted(kb.readings)
    rows = []
    for doc in docs:
        for c in cited_of(kb, doc):
            w: Work | None = c.work
            studies = kb.studies_of(w.citekey) if w else []
            rows.append(
                {
                    "document": doc,
                    "reference number": str(c.number),
                    "entry text": one_line(c.entry.raw),
                    "citekey": w.citekey if w else "",
                    "formatted citation": format_ama(w) if w else "(not resolved)",
                    "DOI": (w.doi or "") if w else "",
                    "PMID": (w.pmid or "") if w else "",
                    "kind": w.kind if w else "",
                    "record": ("read" if w.verified else "cited only") if w else "",
                    "study": "; ".join(s.name for s in studies),
                    "design": "; ".join(dict.fromkeys(s.design for s in studies)),
                    "sponsor": "; ".join(dict.fromkeys(s.sponsor for s in studies if s.sponsor))
                    or ((w.sponsor or "") if w else ""),
                }
            )
    return rows


# ---------------------------------------------------------------------------------------
# CSV


def rows_to_csv(rows: list[dict[str, str]], columns: tuple[str, ...], excel: bool = False) -> bytes:
    """CSV bytes: UTF-8 with LF (or, for Excel, UTF-8 with a BOM and CRLF); formulas made inert."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n" if excel else "\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([neutralise(r.get(c, "")) for c in columns])
    data = buf.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


def claims_csv(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> bytes:
    """The claim-to-source table as CSV (UTF-8, LF)."""
    return rows_to_csv(claim_source_rows(kb, graph, fc, document, claim_ids), CLAIM_SOURCE_COLUMNS)


def claims_csv_excel(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> bytes:
    """The claim-to-source table as CSV for Excel (UTF-8 with BOM, CRLF)."""
    return rows_to_csv(
        claim_source_rows(kb, graph, fc, document, claim_ids), CLAIM_SOURCE_COLUMNS, True
    )


# ---------------------------------------------------------------------------------------
# XLSX

_LINK_COLUMNS = {"DOI": doi_link, "PMID": pmid_link}
_WIDTHS = {
    "claim text": 70,
    "formatted citation": 60,
    "entry text": 60,
    "analyst note": 40,
    "source value": 40,
    "message": 70,
    "study": 30,
    "sponsor": 30,
}


def _sheet(wb: Any, title: str, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(columns))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    link_font = Font(color="0563C1", underline="single")
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(columns, start=1):
            raw = row.get(col, "")
            cell = ws.cell(row=r, column=c, value=neutralise(xml_safe(raw)))
            cell.data_type = "s"
            cell.alignment = wrap if (col in WIDE_COLUMNS or col in _WIDTHS) else top
            link = _LINK_COLUMNS.get(col)
            if link is not None and raw:
                cell.hyperlink = link(raw)
                cell.font = link_font
    for c, col in enumerate(columns, start=1):
        longest = max([len(col)] + [len(row.get(col, "")) for row in rows])
        ws.column_dimensions[get_column_letter(c)].width = min(
            max(longest, 8) + 2, _WIDTHS.get(col, 24)
        )
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times and fixed document timestamps, so bytes repeat."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + FIXED_W3C_TIME.encode(),
                    body,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def claims_xlsx(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> bytes:
    """The claim-to-source table as an Excel workbook: Claims, Findings, References sheets."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "evidence-kb"
    wb.properties.title = f"Claims and sources: {_scope(document)}"
    _sheet(
        wb, "Claims", claim_source_rows(kb, graph, fc, document, claim_ids), CLAIM_SOURCE_COLUMNS
    )
    found = finding_rows(kb, fc, document)
    if claim_ids is not None:  # the claims on screen: their findings and the document's own
        wanted = set(claim_ids)
        found = [r for r in found if not r["claim id"] or r["claim id"] in wanted]
    _sheet(wb, "Findings", found, FINDING_COLUMNS)
    _sheet(wb, "References", reference_rows(kb, document), REFERENCE_COLUMNS)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


# ---------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md_cell(value: str) -> str:
    """Text made literal inside a Markdown table cell (HTML characters become entities)."""
    text = one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def rows_to_markdown(rows: list[dict[str, str]], columns: tuple[str, ...], title: str) -> str:
    """A Markdown document with a heading and a pipe table."""
    lines = [f"# {md_cell(title)}", ""]
    lines.append("| " + " | ".join(md_cell(c) for c in columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for r in rows:
        lines.append("| " + " | ".join(md_cell(r.get(c, "")) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def claims_markdown(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> str:
    """The claim-to-source table as Markdown."""
    rows = claim_source_rows(kb, graph, fc, document, claim_ids)
    return rows_to_markdown(rows, CLAIM_SOURCE_COLUMNS, f"Claims and sources: {_scope(document)}")


# ---------------------------------------------------------------------------------------
# HTML

TABLE_CSS = """
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em; }
h1 { font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #c8ced6; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #dde4ee; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f6f8fa; }
td.wide { min-width: 22em; }
@media print {
  body { margin: 0; font-size: 9pt; }
  th { position: static; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  a { color: inherit; }
}
"""


def esc(value: object) -> str:
    """HTML-escape anything (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def link_html(text: str, url: str | None) -> str:
    """An escaped link, or the escaped text when there is no URL."""
    if not url:
        return esc(text)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>'


def page_html(title: str, css: str, body: str) -> str:
    """A self-contained HTML page (inline CSS, no scripts, no outside resources)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}</body>\n"
        "</html>\n"
    )


def rows_to_html_table(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """An HTML table of rows; DOI and PMID cells link out."""
    out = [
        "<table>",
        "<thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in columns) + "</tr></thead>",
        "<tbody>",
    ]
    for r in rows:
        cells = []
        for c in columns:
            value = r.get(c, "")
            link = _LINK_COLUMNS.get(c)
            inner = link_html(value, link(value)) if link and value else esc(value)
            cls = ' class="wide"' if c in WIDE_COLUMNS else ""
            cells.append(f"<td{cls}>{inner}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out) + "\n"


def claims_html(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> str:
    """The claim-to-source table as a self-contained HTML page."""
    title = f"Claims and sources: {_scope(document)}"
    rows = claim_source_rows(kb, graph, fc, document, claim_ids)
    body = f"<h1>{esc(title)}</h1>\n" + rows_to_html_table(rows, CLAIM_SOURCE_COLUMNS)
    return page_html(title, TABLE_CSS, body)


# ---------------------------------------------------------------------------------------
# JSON


def claims_json(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: Iterable[str] | None = None,
) -> str:
    """The claim-to-source table as JSON: {columns, rows, document, fact_checked}."""
    rows = claim_source_rows(kb, graph, fc, document, claim_ids)
    return json_text(
        {
            "columns": list(CLAIM_SOURCE_COLUMNS),
            "rows": rows,
            "document": document,
            "fact_checked": True,  # kept for readers of earlier files
        }
    )


RECORD_NUMBER_COLUMNS = (
    "id", "work", "record", "scope", "section", "number", "kind", "value", "unit", "arm",
    "timepoint", "outcome", "sentence", "start", "end", "status",
)  # fmt: skip


def record_numbers_csv(
    kb: KnowledgeBase, graph: Any = None, fc: Any = None, document: str | None = None
) -> bytes:
    """Numbers machine-extracted from imported records (of the works a document cites, or all),
    each with record, section, sentence and offsets; marked 'not reviewed'."""
    from kb.views.evidence import record_number_rows

    keys = None
    if document is not None:
        keys = {
            res.work
            for e in (kb.readings[document].entries if document in kb.readings else ())
            if (res := kb.resolutions.get(e.id)) is not None and res.work
        }
    rows = [{k: str(v) for k, v in r.items()} for r in record_number_rows(kb, keys)]
    return rows_to_csv(rows, RECORD_NUMBER_COLUMNS)
