"""Overview page: what is loaded, and every loading problem."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.graph import counts
from kb.ui.state import current

loaded = current()
st.title("Evidence knowledge base")
if loaded.error:
    st.error(f"The knowledge base could not be loaded: {loaded.error}")
    st.stop()

kb, g = loaded.kb, loaded.graph
st.caption(f"Data directory: `{kb.data_dir.name}/`")
n = counts(g)
cols = st.columns(6)
for col, (label, kind) in zip(
    cols,
    [("Documents", "document"), ("Claims", "claim"), ("Reference entries", "entry"),
     ("Works", "work"), ("Studies", "study"), ("Reported numbers", "outcome")],
):
    col.metric(label, n.get(kind, 0))

st.subheader("Documents")
st.dataframe(
    pd.DataFrame(
        [
            {"id": d.id, "title": d.title, "organisation": d.organisation, "date": d.date,
             "claims": sum(1 for _ in kb.claims(d.id)),
             "reference entries": len(kb.readings[d.id].entries) if d.id in kb.readings else 0}
            for d in kb.documents.values()
        ]
    ),
    hide_index=True,
)

st.subheader("Loading problems")
if not kb.problems:
    st.success("No loading problems.")
else:
    errors = len(kb.errors)
    msg = f"{errors} error(s) and {len(kb.problems) - errors} warning(s) while loading."
    (st.error if errors else st.warning)(msg)
    st.dataframe(
        pd.DataFrame(
            [{"severity": p.severity, "file": p.file, "line": p.line, "field": p.field,
              "message": p.message} for p in kb.problems]
        ),
        hide_index=True,
        key="problems",
    )
