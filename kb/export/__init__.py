"""Exports: pure functions that return str or bytes (never write files), and one registry.

Every exporter has the signature `(kb, graph, fc, document=None) -> str | bytes`;
`FORMATS` maps a format name to (function, media type, file extension) and `render` gives the
bytes the CLI writes and the app's download button offers, so both get identical output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import slug
from kb.export.criteria import criteria_docx, criteria_html, criteria_xlsx
from kb.export.fhir import sof_fhir
from kb.export.graphs import graph_graphml, graph_node_link, scalar_graph
from kb.export.linked import (
    ANNO_MEDIA_TYPE,
    annotations_jsonld,
    claim_reviews,
    claimreview_jsonld,
    web_annotations,
)
from kb.export.refs import (
    references_ama_markdown,
    references_ama_text,
    references_bibtex,
    references_csl_json,
    references_ris,
)
from kb.export.report import factcheck_report_html
from kb.export.rows import CLAIM_SOURCE_COLUMNS, claim_source_rows
from kb.export.sof import sof_docx, sof_html, sof_json, sof_xlsx
from kb.export.tables import (
    claims_csv,
    claims_csv_excel,
    claims_html,
    claims_json,
    claims_markdown,
    claims_xlsx,
    finding_rows,
    record_numbers_csv,
    reference_rows,
)
from kb.export.word import factcheck_report_docx
from kb.model import KnowledgeBase

Exporter = Callable[..., "str | bytes"]


class ExportFormat(NamedTuple):
    """One door for an export: the function, its media type and its file extension."""

    function: Exporter
    media_type: str
    extension: str


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS: dict[str, ExportFormat] = {
    "claims-csv": ExportFormat(claims_csv, "text/csv; charset=utf-8", "csv"),
    "claims-csv-excel": ExportFormat(claims_csv_excel, "text/csv; charset=utf-8", "csv"),
    "claims-xlsx": ExportFormat(claims_xlsx, XLSX_TYPE, "xlsx"),
    "claims-md": ExportFormat(claims_markdown, "text/markdown; charset=utf-8", "md"),
    "claims-html": ExportFormat(claims_html, "text/html; charset=utf-8", "html"),
    "claims-json": ExportFormat(claims_json, "application/json", "json"),
    "report-html": ExportFormat(factcheck_report_html, "text/html; charset=utf-8", "html"),
    "report-docx": ExportFormat(factcheck_report_docx, DOCX_TYPE, "docx"),
    "bibtex": ExportFormat(references_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": ExportFormat(references_ris, "application/x-research-info-systems", "ris"),
    "csl-json": ExportFormat(
        references_csl_json, "application/vnd.citationstyles.csl+json", "json"
    ),
    "ama-txt": ExportFormat(references_ama_text, "text/plain; charset=utf-8", "txt"),
    "ama-md": ExportFormat(references_ama_markdown, "text/markdown; charset=utf-8", "md"),
    "claimreview": ExportFormat(claimreview_jsonld, "application/ld+json", "jsonld"),
    "annotations": ExportFormat(annotations_jsonld, ANNO_MEDIA_TYPE, "jsonld"),
    "graphml": ExportFormat(graph_graphml, "application/graphml+xml", "graphml"),
    "graph-json": ExportFormat(graph_node_link, "application/json", "json"),
    "record-numbers-csv": ExportFormat(record_numbers_csv, "text/csv; charset=utf-8", "csv"),
    "sof-json": ExportFormat(sof_json, "application/json", "json"),
    "sof-html": ExportFormat(sof_html, "text/html; charset=utf-8", "html"),
    "sof-xlsx": ExportFormat(sof_xlsx, XLSX_TYPE, "xlsx"),
    "sof-docx": ExportFormat(sof_docx, DOCX_TYPE, "docx"),
    "sof-fhir": ExportFormat(sof_fhir, "application/fhir+json", "json"),
    "criteria-docx": ExportFormat(criteria_docx, DOCX_TYPE, "docx"),
    "criteria-xlsx": ExportFormat(criteria_xlsx, XLSX_TYPE, "xlsx"),
    "criteria-html": ExportFormat(criteria_html, "text/html; charset=utf-8", "html"),
}

# Formats that only make sense for one document (the others take all documents without one).
DOCUMENT_FORMATS = frozenset({"report-html", "report-docx"})
# Formats whose output is binary and so cannot go to a terminal.
BINARY_FORMATS = frozenset(
    {"claims-xlsx", "report-docx", "sof-xlsx", "sof-docx", "criteria-docx", "criteria-xlsx"}
)

# What a person sees next to each format (the app's labels, the README table).
DESCRIPTIONS: dict[str, str] = {
    "claims-csv": "claim-to-source table, CSV (UTF-8)",
    "claims-csv-excel": "claim-to-source table, CSV for Excel (UTF-8 with BOM, CRLF)",
    "claims-xlsx": "claim-to-source table, Excel workbook (Claims, Findings, References sheets)",
    "claims-md": "claim-to-source table, Markdown",
    "claims-html": "claim-to-source table, HTML page",
    "claims-json": "claim-to-source table, JSON",
    "report-html": "fact-check report, one self-contained HTML page per document (prints to PDF)",
    "report-docx": "fact-check report with the analyst's review, Word document (.docx)",
    "bibtex": "cited works, BibTeX",
    "ris": "cited works, RIS",
    "csl-json": "cited works, CSL-JSON",
    "ama-txt": "reference list in AMA style, plain text",
    "ama-md": "reference list in AMA style, Markdown with links",
    "claimreview": "schema.org ClaimReview JSON-LD, one per claim with a verdict",
    "annotations": "W3C Web Annotation JSON-LD, one per claim",
    "graphml": "the graph (or a document's part), GraphML",
    "graph-json": "the graph (or a document's part), node-link JSON",
    "record-numbers-csv": "numbers extracted from imported records (not reviewed), CSV",
    "sof-json": "summary of findings per outcome with certainty domains and provenance, JSON",
    "sof-html": "summary of findings per outcome, one self-contained HTML page",
    "sof-xlsx": "summary of findings, Excel workbook (Outcomes, Results, Certainty, MCID sheets)",
    "sof-docx": "summary of findings with the analyst's certainty ratings, Word document (.docx)",
    "sof-fhir": "summary of findings as FHIR R5 EBM (Composition SummaryOfFindings + Evidence)",
    "criteria-docx": "payer criteria: evidence and gaps per criterion, mapped claims, Word (.docx)",
    "criteria-xlsx": "payer criteria: evidence and gaps per criterion, mapped claims, Excel",
    "criteria-html": "payer criteria: evidence and gaps per criterion, mapped claims, HTML page",
}


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown format, missing document)."""


# Formats that are the claim-to-source table: they can be limited to the claims on screen.
CLAIM_TABLE_FORMATS = frozenset(
    {"claims-csv", "claims-csv-excel", "claims-xlsx", "claims-md", "claims-html", "claims-json"}
)


def render(
    name: str,
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None = None,
    claim_ids: list[str] | None = None,
) -> bytes:
    """The bytes of one export: what the CLI writes and what the download button offers.

    `claim_ids` limits a claim table to those claims (the app's filters); other formats
    always hold the whole document.
    """
    if name not in FORMATS:
        raise ExportError(f"unknown format {name!r} (known: {', '.join(FORMATS)})")
    if name in DOCUMENT_FORMATS and document is None:
        raise ExportError(f"format {name!r} needs a document")
    if document is not None and document not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        raise ExportError(f"no document {document!r} (known: {known})")
    if claim_ids is not None and name in CLAIM_TABLE_FORMATS:
        out = FORMATS[name].function(kb, graph, fc, document, claim_ids=list(claim_ids))
    else:
        out = FORMATS[name].function(kb, graph, fc, document)
    return out if isinstance(out, bytes) else out.encode("utf-8")


def filename(name: str, document: str | None = None) -> str:
    """A download file name, e.g. 'nysipp-2026-claims.csv' or 'all-graph.graphml'."""
    fmt = FORMATS[name]
    stem = {
        "claims-csv-excel": "claims-excel",
        "ama-txt": "references-ama",
        "ama-md": "references-ama",
        "csl-json": "references-csl",
        "bibtex": "references",
        "ris": "references",
        "report-html": "factcheck-report",
        "report-docx": "factcheck-report",
        "graph-json": "graph",
        "graphml": "graph",
        "claims-json": "claims",
        "claims-csv": "claims",
        "claims-md": "claims",
        "claims-html": "claims",
        "claims-xlsx": "claims",
        "sof-json": "summary-of-findings",
        "sof-html": "summary-of-findings",
        "sof-xlsx": "summary-of-findings",
        "sof-docx": "summary-of-findings",
        "sof-fhir": "summary-of-findings-fhir",
        "criteria-docx": "criteria",
        "criteria-xlsx": "criteria",
        "criteria-html": "criteria",
    }.get(name, name)
    return f"{slug(document or 'all')}-{stem}.{fmt.extension}"


__all__ = [
    "BINARY_FORMATS",
    "CLAIM_SOURCE_COLUMNS",
    "CLAIM_TABLE_FORMATS",
    "DESCRIPTIONS",
    "DOCUMENT_FORMATS",
    "FORMATS",
    "ExportError",
    "ExportFormat",
    "claim_reviews",
    "claim_source_rows",
    "filename",
    "finding_rows",
    "reference_rows",
    "render",
    "scalar_graph",
    "web_annotations",
]
