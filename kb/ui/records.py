"""Ingest page sections: upload records of cited works; promote machine numbers (one click each)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kb.importing import PromoteError, format_result, import_records, promote_number
from kb.schema import MEASURES, STUDY_DESIGNS
from kb.sources.records import ACCEPTED
from kb.store import StoreError
from kb.views.evidence import record_number_rows, record_sources
from kb.views.markup import md

_PREVIEW = "records_preview"
_DONE = "records_done"
_PROMOTED = "records_promoted"
SHOWN = 40  # machine numbers listed with a Promote button per work


def import_section(loaded) -> None:
    """Upload record files, preview what importing them would change, import on request."""
    st.subheader("Import records of cited works")
    st.caption(
        f"{ACCEPTED}. Each record becomes a work (or joins the work with its DOI/PMID/PMCID) and "
        "its numbers are extracted, marked 'not reviewed'. Nothing is written until you press "
        "Import."
    )
    files = st.file_uploader(
        "Record files", key="records_upload", accept_multiple_files=True, type=None
    )
    done = st.session_state.get(_DONE)
    if done:
        st.success(md(done))
    if not files:
        return
    sources = [(f.name, f.getvalue()) for f in files]
    key = tuple(hashlib.sha256(d).hexdigest() for _, d in sources), id(loaded.kb)
    cached = st.session_state.get(_PREVIEW)
    if cached and cached[0] == key:
        preview = cached[1]
    else:
        preview = import_records(sources, loaded.kb, dry_run=True)
        st.session_state[_PREVIEW] = (key, preview)
    rows = [
        {"record": c.record, "what importing does": c.action, "work": c.citekey or "",
         "details": c.message, "numbers": c.numbers}
        for c in preview.changes
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="records_table")
    for p in preview.problems:
        (st.error if p.severity == "error" else st.warning)(md(p))
    n = len(preview.imported)
    if st.button(f"Import {n} record{'s' if n != 1 else ''}", key="records_import",
                 type="primary", disabled=n == 0):  # fmt: skip
        try:
            result = import_records(sources, loaded.kb)
        except StoreError as exc:  # the data directory is busy, or a write failed (undone)
            st.error(md(exc.message))
            return
        st.cache_resource.clear()  # every page reloads the knowledge base with the records
        st.session_state.pop(_PREVIEW, None)
        st.session_state[_DONE] = format_result(result).splitlines()[-1]
        st.rerun()


def promote_section(loaded) -> None:
    """Machine numbers of one work, each with a Promote button that writes a curated row."""
    kb = loaded.kb
    keys = sorted(kb.records)
    if not keys:
        return
    st.subheader("Numbers extracted from records")
    st.caption(
        "Extracted from the record, not reviewed. Promote a number once you have read it in its "
        "sentence: it becomes a curated row of outcomes.csv with its locator filled in."
    )
    key = st.selectbox("Work", keys, key="records_work")
    for line in record_sources(kb, key):
        st.caption(f"Built from {md(line)}")
    own = [s.id for s in kb.studies_of(key)]
    studies = own + [s for s in sorted(kb.studies) if s not in set(own)]
    c1, c2, c3 = st.columns(3)
    study = c1.selectbox("Study", studies + ["(new study)"], key="records_study")
    new_id = design = None
    if study == "(new study)":
        new_id = c2.text_input("New study id", value=key, key=f"records_new_study:{key}")
        design = c3.selectbox("Design", STUDY_DESIGNS, key="records_design")
    measure = st.selectbox(
        "Measure", MEASURES, index=MEASURES.index("other"), key="records_measure"
    )
    done = st.session_state.get(_PROMOTED)
    if done:
        st.success(md(done))
    for row in record_number_rows(kb, {key})[:SHOWN]:
        a, b = st.columns([5, 1])
        where = " · ".join(x for x in (row["section"], row["arm"], row["timepoint"]) if x)
        a.markdown(
            f"**{md(row['number'])}** ({md(row['kind'])}; {md(where)}) — {md(row['sentence'])}"
        )
        if b.button("Promote", key=f"promote:{row['id']}"):
            try:
                written = promote_number(
                    kb,
                    row["id"],
                    study=new_id if study == "(new study)" else study,
                    measure=measure,
                    design=design,
                )
            except PromoteError as exc:
                st.error(md(exc))
                return
            except StoreError as exc:
                st.error(md(exc.message))
                return
            st.cache_resource.clear()
            st.session_state[_PROMOTED] = (
                f"Promoted {row['number']} to outcome {written['id']} ({written['locator']})."
            )
            st.rerun()
