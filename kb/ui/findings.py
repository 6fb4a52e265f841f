"""Findings dashboard: counts by code and severity, the findings table, a jump to each claim."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb import views
from kb.ui.common import (
    PAGES,
    current_document,
    guarded,
    need_kb,
    open_claim,
    param,
    table_pick,
)
from kb.ui.components import trace_panel
from kb.ui.review import current_state
from kb.ui.state import checks as get_checks
from kb.views.markup import md
from kb.views.review import findings_with_review

SEVERITY_COLOURS = {"error": "#c62828", "warning": "#f9a825", "info": "#64b5f6"}


def severity_chart(counts: pd.DataFrame):
    """Horizontal stacked bars: findings per code, coloured (and named) by severity."""
    import altair as alt

    order = [s for s in SEVERITY_COLOURS if s in set(counts["severity"])]
    order += sorted(set(counts["severity"]) - set(order))
    colours = [SEVERITY_COLOURS.get(s, "#9e9e9e") for s in order]
    # errors first, then warnings, then the rest; within a severity the most frequent first
    rank = {s: views.SEVERITY_ORDER.get(s, -1) for s in order}
    worst = counts.groupby("code")["severity"].agg(lambda s: max(rank[x] for x in s))
    total = counts.groupby("code")["count"].sum()
    codes = sorted(worst.index, key=lambda c: (-worst[c], -total[c], c))
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y(
                "code:N", sort=codes, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)
            ),
            x=alt.X("sum(count):Q", title="findings"),
            color=alt.Color(
                "severity:N",
                scale=alt.Scale(domain=order, range=colours),
                sort=order,
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("severity_rank:Q"),
            tooltip=["code", "severity", "count"],
        )
        .transform_calculate(severity_rank=f"indexof({order!r}, datum.severity)")
        .properties(height=max(220, 30 * counts["code"].nunique()))
    )


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    checks = get_checks()
    st.title("🚩 Findings")
    doc_id = current_document(kb)
    scope = st.radio("Scope", ["this document", "every document"], horizontal=True, key="fd_scope")
    state, _ = current_state(kb)
    rows = findings_with_review(
        views.finding_rows(kb, checks, doc_id if scope == "this document" else None), state
    )
    st.caption(
        f"Machine findings about {md(doc_id) if scope == 'this document' else 'every document'}"
        ". Analysts' verdicts are kept apart (see each claim's trace)."
    )
    if not rows:
        st.success("No findings: the fact-check found nothing to report here.")
        return
    counts = pd.DataFrame(views.finding_counts(rows))
    left, right = st.columns([3, 2])
    with left:
        st.subheader("By code and severity")
        st.altair_chart(severity_chart(counts), width="stretch")
    with right:
        st.subheader("Totals")
        sev = counts.groupby("severity")["count"].sum().to_dict()
        for name in sorted(sev, key=lambda s: -views.SEVERITY_ORDER.get(s, -1)):
            st.metric(name, int(sev[name]))
    f1, f2, f3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    sevs = f1.multiselect("Severity", sorted({r["severity"] for r in rows}), key="fd_sev")
    codes = f2.multiselect("Code", sorted({r["code"] for r in rows}), key="fd_code")
    todo = f3.checkbox(
        "Not yet reviewed", key="fd_unreviewed", help="only findings no analyst has decided on"
    )
    shown = [
        r
        for r in rows
        if (not sevs or r["severity"] in sevs)
        and (not codes or r["code"] in codes)
        and not (todo and r["reviewed"])
    ]
    st.subheader(f"Findings ({len(shown)})")
    st.caption("Select a row to open what it is about: its claim, or the reference entry or work.")
    st.dataframe(
        pd.DataFrame(shown).drop(columns=["reviewed", "opens"], errors="ignore"),
        hide_index=True,
        row_height=78,  # above 4rem Streamlit wraps text: messages readable in the table
        column_config={
            "message": st.column_config.TextColumn("message", width="large"),
            "analyst reason": st.column_config.TextColumn("analyst reason", width="medium"),
        },
        key="findings_table",
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
    )
    picked = table_pick("findings_table", [r["opens"] for r in shown])
    if picked and picked.startswith("entry:"):
        # a finding about a reference entry (no claim): open that entry
        st.switch_page(PAGES["evidence"], query_params={"entry": picked.removeprefix("entry:")})
    elif picked and picked.startswith("work:"):
        st.switch_page(PAGES["evidence"], query_params={"work": picked.removeprefix("work:")})
    elif picked and picked.startswith("claim:"):
        open_claim(picked.removeprefix("claim:"))
    selected = param("claim")
    if selected and any(r["claim"] == selected for r in rows):
        st.divider()
        st.page_link(
            PAGES["reader"],
            label="Open in the letter reader",
            icon="📄",
            query_params={"doc": selected.split(":", 1)[0], "claim": selected},
        )
        trace_panel(kb, g, checks, selected, key="findings")


guarded("findings", main)
