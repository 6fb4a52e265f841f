"""Claims table: every claim of a document with verdict, finding codes and references."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from kb import views
from kb.schema import VerdictLabel
from kb.ui.common import (
    claim_not_found,
    current_document,
    guarded,
    need_kb,
    open_claim,
    param,
    table_pick,
)
from kb.ui.components import trace_panel
from kb.ui.downloads import download_buttons
from kb.ui.review import current_state, review_changed, signoff_panel
from kb.ui.state import checks as get_checks
from kb.ui.state import claim_rows
from kb.views.markup import md
from kb.views.review import with_review

COLUMNS = [
    "text",
    "id",
    "verdict",
    "analyst",
    "analyst_note",
    "reviewer",
    "severity",
    "codes",
    "refs",
    "studies",
    "section",
]

# the pickers' session keys and labels
FILTER_KEYS = {
    "f_verdict": "Verdict",
    "f_severity": "Severity",
    "f_section": "Section",
    "f_code": "Finding code",
    "f_study": "Study",
}


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    checks = get_checks()
    st.title("📋 Claims")
    doc_id = current_document(kb)
    if doc_id is None:
        st.info("The knowledge base holds no document.")
        return
    st.caption(
        f"Every claim of **{md(doc_id)}** ({md(kb.documents[doc_id].title)}) with its verdict, "
        "finding codes and cited references. Select a row to open its trace."
    )
    state, review_error = current_state(kb)
    rows = with_review(claim_rows(doc_id), state)
    if not rows:
        st.info(f"{md(doc_id)} has no claims (the reading found none).")
        return
    if review_error:
        st.error(f"The review log cannot be read: {md(review_error)}")

    def options(col: str, split: bool = False) -> list[str]:
        vals = set()
        for r in rows:
            vals.update(filter(None, r[col].split(", ")) if split else [r[col]])
        return sorted(vals - {"—"})

    # The controls (sign-off, filters, search, toggles, downloads) stand above the table but are
    # drawn after it, into this container: the server sends the table's rows before the
    # widgets. Their values come from the session, where each widget keeps what the user set.
    controls = st.container()
    ss = st.session_state
    # the five pickers are drawn only while their expander is open (the expander reruns the
    # page): the first render and every claim selection skip five select widgets. Their choices
    # are kept in the session while it is closed, and named under the pickers.
    for k in FILTER_KEYS:  # Streamlit drops a widget's value on a run that does not draw it
        if k in ss:
            ss[k] = ss[k]
    chosen = {k: list(ss.get(k) or []) for k in FILTER_KEYS}
    verdicts, severities, sections, codes, studies = chosen.values()
    query = ss.get("f_query") or ""
    every_line, unreviewed, reading_list = (
        bool(ss.get(k)) for k in ("f_all_lines", "f_unreviewed", "f_reading")
    )
    shown = views.filter_claims(
        rows,
        verdicts=[VerdictLabel.NEEDS_READING] if reading_list else verdicts,
        severities=severities,
        sections=sections,
        codes=codes,
        studies=studies,
        query=query,
        factual_only=not every_line,
        unreviewed_only=unreviewed,
    )
    ids = [r["claim"] for r in shown]
    # the reading list shows why each claim needs reading and what to read
    columns = COLUMNS[:3] + ["reason"] + COLUMNS[3:] if reading_list else COLUMNS
    table_and_trace(kb, g, checks, doc_id, shown, columns)

    with controls:
        signoff_panel(kb, checks, state, doc_id, rows)
        box = st.expander(
            "🔎 Filter by verdict, severity, section, finding code, study",
            key="f_open",
            on_change="rerun",
        )
        if box.open:
            with box:
                f1, f2, f3, f4, f5 = st.columns(5)
                f1.multiselect("Verdict", options("verdict_label"), key="f_verdict")
                f2.multiselect("Severity", options("severity"), key="f_severity")
                f3.multiselect(
                    "Section", list(dict.fromkeys(r["section"] for r in rows)), key="f_section"
                )
                f4.multiselect("Finding code", options("codes", True), key="f_code")
                f5.multiselect("Study", options("studies", True), key="f_study")
        st.text_input("Search", key="f_query", placeholder="words in the claim, a work, a code…")
        # one row, one block (three columns would be four)
        toggles = st.container(horizontal=True, gap="large")
        toggles.checkbox(
            "Show letterhead lines",
            key="f_all_lines",
            help="lines that state no claim: letterhead, salutation, signature",
        )
        toggles.checkbox(
            "Not yet reviewed",
            key="f_unreviewed",
            help="only the claims that carry no analyst verdict yet",
        )
        toggles.checkbox(
            "Reading list",
            key="f_reading",
            help="only the claims that need reading: their source is there, but no automatic "
            "check can decide them (the reason says what to read)",
        )
        total = len(rows) if every_line else sum(r["factual"] for r in rows)
        hidden = (
            "" if every_line else f" ({len(rows) - total} letterhead or signature lines hidden)"
        )
        said = "; ".join(
            f"{FILTER_KEYS[k].lower()}: {', '.join(v)}" for k, v in chosen.items() if v
        )
        said = f" Filtered by {md(said)}." if said else ""
        st.caption(f"{len(shown)} of {total} claims shown.{hidden}{said}")
        # the downloads hold the claims listed, outside the part a selection reruns
        download_buttons(kb, g, checks, doc_id, ids, key="claims")


def table_of(shown: list[dict], columns: list[str]) -> pa.Table:
    """The rows as an Arrow table (what st.dataframe sends), made once per list of rows: the
    fragment's reruns (a claim selected) get the same list and reuse it."""
    memo = st.session_state.get("_claims_arrow")
    if memo is not None and memo[0] is shown and memo[1] == columns:
        return memo[2]
    table = pa.Table.from_pylist([{c: r[c] for c in columns} for r in shown])
    st.session_state["_claims_arrow"] = (shown, list(columns), table)
    return table


@st.fragment
def table_and_trace(kb, g, checks, doc_id: str, shown: list[dict], columns: list[str]) -> None:
    """The claims table and the trace of the selected claim.

    A fragment: selecting a row, opening a study's facts or the review form reruns this part
    only, so the page above it (filters, sign-off, downloads, sidebar) is neither recomputed
    nor sent again. A saved judgement changes the table and the sign-off counts: it reruns the
    whole page.
    """
    if review_changed():
        st.rerun()
    ids = [r["claim"] for r in shown]
    if not shown:
        st.info("No claim matches these filters.")
    else:
        df = table_of(shown, columns)
        st.dataframe(
            df,
            hide_index=True,
            key="claims_table",
            on_select="rerun",
            selection_mode="single-row",
            width="stretch",
            height=min(38 + 78 * df.num_rows, 600),
            row_height=78,  # above 4rem Streamlit wraps text: three lines of the claim
            column_config={
                "text": st.column_config.TextColumn("claim text", width="large"),
                "id": st.column_config.TextColumn("claim", width="small"),
                "verdict": st.column_config.TextColumn("machine verdict", width="medium"),
                "reason": st.column_config.TextColumn("why, and what to read", width="large"),
                "analyst": st.column_config.TextColumn("analyst verdict", width="medium"),
                "analyst_note": st.column_config.TextColumn("analyst note", width="medium"),
                "reviewer": st.column_config.TextColumn("reviewer", width="small"),
            },
        )
    picked = table_pick("claims_table", ids)
    if picked:
        open_claim(picked)

    selected = param("claim")
    claim_not_found(selected, doc_id, {c.id for c in kb.claims(doc_id)})
    if selected and selected.split(":", 1)[0] == doc_id:
        st.divider()
        trace_panel(kb, g, checks, selected, key="claims")


guarded("claims", main)
