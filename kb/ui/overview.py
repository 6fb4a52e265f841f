"""Overview page: what is loaded, and every loading problem."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.graph import counts
from kb.ui.common import PAGES, guarded, need_kb
from kb.ui.state import checks
from kb.views.markup import code


def main() -> None:
    st.title("Evidence knowledge base")
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    body(kb, g)


def body(kb, g) -> None:
    st.caption(f"Data directory: {code(kb.data_dir.name + '/')}")
    n = counts(g)
    cols = st.columns(6)
    for col, (label, kind) in zip(
        cols,
        [
            ("Documents", "document"),
            ("Claims", "claim"),
            ("Reference entries", "entry"),
            ("Works", "work"),
            ("Studies", "study"),
            ("Reported numbers", "outcome"),
        ],
        strict=False,
    ):
        col.metric(label, n.get(kind, 0))

    fc = checks()
    st.caption(f"Fact-check: {len(fc.findings)} finding(s) about {len(fc.verdicts)} claim(s).")

    st.subheader("Where to go")
    links = st.columns(3)
    links[0].page_link(PAGES["reader"], label="Read a letter, claim by claim", icon="📄")
    links[0].page_link(PAGES["claims"], label="All claims, filtered and downloadable", icon="📋")
    links[1].page_link(PAGES["evidence"], label="Studies and works", icon="🔬")
    links[1].page_link(PAGES["graph"], label="The graph around a claim or study", icon="🕸️")
    links[2].page_link(PAGES["findings"], label="Findings by code and severity", icon="🚩")
    links[2].page_link(PAGES["compare"], label="Compare the 2024 and 2026 documents", icon="⚖️")

    st.subheader("Documents")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "id": d.id,
                    "title": d.title,
                    "organisation": d.organisation,
                    "date": d.date,
                    "claims": sum(1 for _ in kb.claims(d.id)),
                    "reference entries": len(kb.readings[d.id].entries)
                    if d.id in kb.readings
                    else 0,
                }
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
                [
                    {
                        "severity": p.severity,
                        "file": p.file,
                        "line": p.line,
                        "field": p.field,
                        "message": p.message,
                    }
                    for p in kb.problems
                ]
            ),
            hide_index=True,
            key="problems",
        )


guarded("overview", main)
