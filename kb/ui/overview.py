"""Overview page: what is loaded, and every loading problem."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.graph import counts
from kb.ui.common import PAGES, guarded, need_kb
from kb.ui.state import checks
from kb.views.markup import code, md


def main() -> None:
    st.title("Evidence knowledge base")
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    body(kb, g)


INTRO = (
    "This tool takes apart letters that cite clinical evidence: it follows each claim to the "
    "works and studies it cites, compares the letter's numbers with the source's, flags what "
    "does not hold, and lets an analyst record a judgement beside each machine verdict. "
    "Start with the **Letter reader** (📄), or the **Claims** page (📋) to work through a "
    "letter's claims one by one."
)


def body(kb, g) -> None:
    st.markdown(INTRO)
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
    doc = st.session_state.get("kb_doc")
    mine = [f for f in fc.findings if doc is None or f.document in (None, doc)]
    errors = sum(1 for f in mine if f.severity == "error")
    warnings = sum(1 for f in mine if f.severity == "warning")
    where = f"in {md(doc)}" if doc else "in every document"
    st.markdown(
        f"**Fact-check {where}: {errors} error(s) and {warnings} warning(s)** "
        f"({len(mine)} finding(s) in all, the rest informational); see the Findings page."
    )
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
