"""Evidence browser: studies and works, filterable; a study or work with its numbers and claims;
a reference entry of a letter (`?entry=<document>:ref<N>`) with its resolution and findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb import views
from kb.ui.common import PAGES, guarded, need_kb, param, set_params, table_pick
from kb.ui.components import resting_claims, study_panel, table, work_panel
from kb.ui.state import checks as get_checks
from kb.views.markup import code, md


def _open_claim_in_reader(claim_id: str) -> None:
    st.switch_page(
        PAGES["reader"], query_params={"doc": claim_id.split(":", 1)[0], "claim": claim_id}
    )


def entry_panel(kb, g, ident: str) -> str | None:
    """A reference entry as the letter lists it: raw text, parsed fields, resolution, work,
    the claims citing it (a picked claim's id is returned) and the findings about it."""
    entry = views.find_entry(kb, ident)
    if entry is None:
        st.warning(f"There is no reference entry {code(ident)} in this knowledge base.")
        return None
    v = views.entry_view(kb, g, get_checks(), entry)
    st.header(f"📑 Reference {md(v['number'])} of {md(v['document'])}")
    st.caption(f"{md(v['document_title'])} · entry {code(v['id'])}")
    st.markdown("**As listed in the letter:**")
    st.markdown("> " + md(v["raw"]))
    st.subheader("Fields read from it")
    table(v["fields"], "No field could be read from the entry's text.", static=True)
    st.subheader("Resolution")
    resolution = v["resolution"]
    if resolution["work"] is None:
        st.warning(md(v["resolution_line"]))
    else:
        st.markdown(md(v["resolution_line"]))
        st.page_link(
            PAGES["evidence"],
            label=f"Open work {md(resolution['work'])}",
            icon="📄",
            query_params={"work": resolution["work"]},
        )
    st.subheader(f"Findings about this entry ({len(v['findings'])})")
    table(v["findings"], "No finding is about this entry itself.", static=True)
    return resting_claims(g, f"entry:{v['id']}", "entry_claims")


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    st.title("🔬 Evidence")
    study_id, work_id, entry_id = param("study"), param("work"), param("entry")
    if entry_id:
        picked = entry_panel(kb, g, entry_id)
        if picked:
            _open_claim_in_reader(picked)
        st.divider()
    elif study_id and study_id not in kb.studies:
        st.warning(f"There is no study {code(study_id)} in this knowledge base.")
    elif study_id:
        picked = study_panel(kb, g, kb.studies[study_id], key="study_claims")
        if picked:
            _open_claim_in_reader(picked)
        st.divider()
    elif work_id and work_id not in kb.works:
        st.warning(f"There is no work {code(work_id)} in this knowledge base.")
    elif work_id:
        picked = work_panel(kb, g, kb.works[work_id], key="work_claims")
        if picked:
            _open_claim_in_reader(picked)
        st.divider()

    st.subheader("Browse studies and works")
    if not kb.studies and not kb.works:
        st.info("The knowledge base holds no study and no work.")
        return
    s_rows, w_rows = views.study_rows(kb), views.work_rows(kb)
    years = sorted({w.year for w in kb.works.values() if w.year})
    f1, f2, f3, f4 = st.columns(4)
    designs = f1.multiselect("Design", sorted({r["design"] for r in s_rows}), key="e_design")
    sponsors = f2.multiselect(
        "Sponsor",
        sorted({r["sponsor"] for r in s_rows} | {r["sponsor"] for r in w_rows}),
        key="e_sponsor",
    )
    measures = f3.multiselect(
        "Measure", sorted({o.measure for o in kb.outcomes.values() if o.measure}), key="e_measure"
    )
    span = None
    if len(years) > 1:
        span = f4.slider("Year", years[0], years[-1], (years[0], years[-1]), key="e_years")
        if span == (years[0], years[-1]):
            span = None
    else:
        f4.caption("Year: " + (str(years[0]) if years else "unknown"))
    filters = {"designs": designs, "sponsors": sponsors, "years": span, "measures": measures}
    s_shown = views.filter_studies(kb, s_rows, **filters)
    w_shown = views.filter_works(kb, w_rows, **filters)
    tab_s, tab_w = st.tabs([f"Studies ({len(s_shown)})", f"Works ({len(w_shown)})"])
    with tab_s:
        if s_shown:
            st.dataframe(
                pd.DataFrame(s_shown),
                hide_index=True,
                key="studies_table",
                on_select="rerun",
                selection_mode="single-row",
                width="stretch",
                height=min(40 + 35 * len(s_shown), 640),
            )
            st.caption(
                "Select a row to open the study. N is as enrolled; unknown where the "
                "record does not say."
            )
        else:
            st.info("No study matches these filters.")
    with tab_w:
        if w_shown:
            st.dataframe(
                pd.DataFrame(w_shown),
                hide_index=True,
                key="works_table",
                on_select="rerun",
                selection_mode="single-row",
                width="stretch",
                height=min(40 + 35 * len(w_shown), 640),
            )
            st.caption(
                "Select a row to open the work. “cited-only” means the record itself was "
                "not found: everything shown comes from the letter's citation."
            )
        else:
            st.info("No work matches these filters.")
    picked_s = table_pick("studies_table", [r["study"] for r in s_shown])
    picked_w = table_pick("works_table", [r["work"] for r in w_shown])
    if picked_s:
        set_params(study=picked_s)
        st.rerun()
    if picked_w:
        set_params(work=picked_w)
        st.rerun()


guarded("evidence", main)
