"""Download buttons: the claim-to-source CSV of the claims shown, and every other export.

What the page shows is what is exported: every claim table (CSV, XLSX, Markdown, HTML, JSON)
holds exactly the claims listed under the filters, and each button says how many rows it
holds. Every export carries the analyst's review as the review log holds it at the click.
"""

from __future__ import annotations

import logging

import networkx as nx
import streamlit as st

from kb.checks.factcheck import FactCheck
from kb.export import (
    CLAIM_SOURCE_COLUMNS,
    CLAIM_TABLE_FORMATS,
    DESCRIPTIONS,
    FORMATS,
    claim_source_rows,
    filename,
    render,
)
from kb.export.tables import rows_to_csv
from kb.model import KnowledgeBase
from kb.review import with_review
from kb.ui.review import current_state

log = logging.getLogger("kb.ui")


def reviewed_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """The KB with the review log's standing judgements attached (read fresh at the click)."""
    state, error = current_state(kb)
    if error:
        raise RuntimeError(f"the review log cannot be read: {error}")
    return with_review(kb, state)


def claims_csv_bytes(
    kb: KnowledgeBase, g: nx.MultiDiGraph, fc: FactCheck, doc_id: str, claim_ids: list[str]
) -> bytes:
    """The claim-to-source table of these claims as CSV (kb.export's rows and writer), with
    the analyst's review."""
    rows = claim_source_rows(reviewed_kb(kb), g, fc, doc_id, claim_ids=claim_ids)
    return rows_to_csv(rows, CLAIM_SOURCE_COLUMNS)


@st.cache_resource(show_spinner=False, max_entries=64)
def _row_count(data_dir: str, doc_id: str, ids: tuple[str, ...], _kb, _g, _fc) -> int:
    """How many rows the claim-to-source table of these claims has (cached per selection)."""
    return len(claim_source_rows(_kb, _g, _fc, doc_id, claim_ids=list(ids)))


def row_count(
    kb: KnowledgeBase, g: nx.MultiDiGraph, fc: FactCheck, doc_id: str, ids: list[str]
) -> int | None:
    """Rows of the claim-to-source table for these claims, or None when it cannot be told."""
    try:
        return _row_count(str(kb.data_dir), doc_id, tuple(ids), kb, g, fc)
    except Exception:
        log.exception("cannot count the claim-to-source rows")
        return None


def download_buttons(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    doc_id: str,
    claim_ids: list[str],
    key: str,
) -> None:
    """The CSV of the claims listed (current document and filter), plus other formats, in a
    popover drawn only while it is open.

    Opening it reruns the page (the popover tracks its state), so the page's first render and
    every rerun that leaves it closed draw no download widget. The bytes are made when a button
    is clicked (a deferred callable), so opening it does not pay for them either.
    """
    ids = list(claim_ids)
    format_key = f"{key}_format"
    if format_key in st.session_state:  # the format picked is kept while the popover is shut
        st.session_state[format_key] = st.session_state[format_key]
    box = st.popover(
        f"⬇️ Download these {len(ids)} claims, or the whole document",
        key=open_key(key),
        on_change="rerun",
        help="The claim-to-source table of the claims listed (this document, these filters) "
        "as CSV, or any other export format.",
    )
    if not box.open:
        return
    rows = row_count(kb, g, fc, doc_id, ids) if ids else 0
    held = f"{len(ids)} claims" + ("" if rows is None else f", {rows} rows")

    def csv_bytes() -> bytes:
        try:
            return claims_csv_bytes(kb, g, fc, doc_id, ids)
        except Exception:
            log.exception("claim-to-source rows failed")
            raise

    with box:
        st.download_button(
            f"⬇️ Claim-to-source CSV ({held})",
            csv_bytes,
            file_name=f"{doc_id}-claims-sources.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            disabled=not ids,
            help="One row per claim, cited reference and matched source number, for the "
            "claims listed (this document, these filters), with the analyst's review.",
        )
        other_formats(kb, g, fc, doc_id, key, ids, held)


def open_key(key: str) -> str:
    """The session key of a download popover (True: open), from its key."""
    return f"{key}_downloads_open"


def other_formats(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    doc_id: str,
    key: str,
    ids: list[str],
    held: str,
) -> None:
    """Any other format of kb.export for this document: pick one, then download it. Claim
    tables hold the claims listed (`ids`, `held` says how many); the other formats hold the
    whole document."""
    names = list(FORMATS)
    name = st.selectbox(
        "Download format",
        names,
        key=f"{key}_format",
        format_func=lambda n: DESCRIPTIONS.get(n, n),
        help="Claim tables hold the claims listed; reports, reference lists and "
        "graphs hold the whole document.",
    )
    filtered = name in CLAIM_TABLE_FORMATS

    def make() -> bytes:
        return render(name, reviewed_kb(kb), g, fc, doc_id, ids if filtered else None)

    scope = held if filtered else "whole document"
    st.download_button(
        f"⬇️ {FORMATS[name].extension} ({scope})",
        make,
        file_name=filename(name, doc_id),
        mime=FORMATS[name].media_type,
        key=f"{key}_other",
        on_click="ignore",
        disabled=filtered and not ids,
    )
