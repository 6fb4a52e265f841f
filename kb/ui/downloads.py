"""Download buttons: the claim-to-source CSV of the claims shown, and every other export."""

from __future__ import annotations

import logging

import networkx as nx
import streamlit as st

from kb.checks.factcheck import FactCheck
from kb.export import (
    CLAIM_SOURCE_COLUMNS,
    DESCRIPTIONS,
    FORMATS,
    claim_source_rows,
    filename,
    render,
)
from kb.export.tables import rows_to_csv
from kb.model import KnowledgeBase

log = logging.getLogger("kb.ui")


def claims_csv_bytes(
    kb: KnowledgeBase, g: nx.MultiDiGraph, fc: FactCheck, doc_id: str, claim_ids: list[str]
) -> bytes:
    """The claim-to-source table of these claims as CSV (kb.export's rows and writer)."""
    rows = claim_source_rows(kb, g, fc, doc_id, claim_ids=claim_ids)
    return rows_to_csv(rows, CLAIM_SOURCE_COLUMNS)


def download_buttons(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    doc_id: str,
    claim_ids: list[str],
    key: str,
) -> None:
    """The CSV of the claims listed (current document and filter), plus other formats.

    The bytes are made when the button is clicked (a deferred callable), so a rerun that only
    selects a claim does not pay for them.
    """
    ids = list(claim_ids)

    def csv_bytes() -> bytes:
        try:
            return claims_csv_bytes(kb, g, fc, doc_id, ids)
        except Exception:
            log.exception("claim-to-source rows failed")
            raise

    cols = st.columns([2, 3, 2])
    cols[0].download_button(
        f"⬇️ Claim-to-source CSV ({len(ids)} claims)",
        csv_bytes,
        file_name=f"{doc_id}-claims-sources.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        disabled=not ids,
        help="One row per claim, cited reference and matched source number, for the claims "
        "listed above (this document, these filters).",
    )
    other_formats(kb, g, fc, doc_id, key, cols[1], cols[2])


def other_formats(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    doc_id: str,
    key: str,
    pick_col,
    button_col,
) -> None:
    """Any other format of kb.export for this document: pick one, then download it."""
    names = list(FORMATS)
    name = pick_col.selectbox(
        "Other export of this document",
        names,
        key=f"{key}_format",
        format_func=lambda n: DESCRIPTIONS.get(n, n),
        label_visibility="collapsed",
    )

    def make() -> bytes:
        return render(name, kb, g, fc, doc_id)

    button_col.download_button(
        f"⬇️ {FORMATS[name].extension}",
        make,
        file_name=filename(name, doc_id),
        mime=FORMATS[name].media_type,
        key=f"{key}_other",
        on_click="ignore",
    )
