"""Letter reader: the document with every claim highlighted by verdict; a claim's full trace."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

import streamlit as st

from kb import views
from kb.ui.common import (
    PAGES,
    claim_not_found,
    current_document,
    guarded,
    need_kb,
    open_claim,
    param,
)
from kb.ui.components import trace_panel, verdict_chip
from kb.ui.state import checks as get_checks
from kb.views.markup import code, md

LOOK_FIRST = (
    "contradicted",
    "not supported by the cited source",
    "not supported",
    "partly supported",
    "uncited",
)


def _picked() -> None:
    claim = st.session_state.get("reader_pick")
    if claim:
        open_claim(claim)


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    checks = get_checks()
    st.title("📄 Letter reader")
    doc_id = current_document(kb)
    if doc_id is None:
        st.info("The knowledge base holds no document.")
        return
    doc = kb.documents[doc_id]
    st.caption(
        f"{md(doc.title)} · {md(doc.organisation or 'organisation unknown')} · {md(doc.date)} · "
        f"file {code(doc.file)}"
    )
    claims = list(kb.claims(doc_id))
    if not doc.text.strip():
        st.warning(f"The text of {md(doc_id)} is empty or missing ({code(doc.file)}).")
        return
    if not claims:
        st.info(
            "No claims were found in this document (the reading found none, or it has not "
            "been read)."
        )

    labels: Counter[str] = Counter(checks.verdict(c.id).label for c in claims)
    legend = " ".join(
        verdict_chip(lab, suffix=f" · {labels[lab]}") for lab, _, _ in views.legend_rows(labels)
    )
    if legend:
        st.markdown("Verdicts in this document: " + legend, unsafe_allow_html=True)

    selected = param("claim")
    ids = [c.id for c in claims]
    claim_not_found(selected, doc_id, set(ids))
    if selected not in ids:
        selected = None
    left, right = st.columns([5, 4], gap="large")
    with right:
        st.session_state["reader_pick"] = selected
        by_id = {c.id: c for c in claims}
        st.selectbox(
            "Claim",
            ids,
            key="reader_pick",
            index=None,
            placeholder="Pick a claim, or click a claim's label in the text",
            format_func=lambda i: (
                f"{views.short_claim(i)} · "
                f"{views.verdict_badge(checks.verdict(i).label)} · {views.clip(by_id[i].text, 70)}"
            ),
            on_change=_picked,
        )
        if selected is None:
            st.caption("Select a claim to follow it to its references, studies and numbers.")
            first = [c for c in claims if checks.verdict(c.id).label in LOOK_FIRST]
            if first:
                st.markdown("**Claims to look at first**")
            for c in first[:15]:
                st.page_link(
                    PAGES["reader"],
                    query_params={"doc": doc_id, "claim": c.id},
                    label=f"{md(views.short_claim(c.id))} · "
                    f"{views.verdict_badge(checks.verdict(c.id).label)} · "
                    f"{md(views.clip(c.text, 60))}",
                )
        else:
            trace_panel(kb, g, checks, selected, key="reader")
    with left:
        st.subheader("The document")
        st.caption(
            "Each claim is highlighted by its machine verdict; the label after it names "
            "the verdict and the claim and opens its trace. Citation markers are kept as "
            "printed."
        )
        body = views.reader_html(
            doc.text,
            claims,
            checks,
            selected,
            href=lambda cid: "?" + urlencode({"doc": doc_id, "claim": cid}),
        )
        with st.container(height=900, key="reader_text"):
            st.markdown(
                views.READER_CSS + f'<div class="kb-doc">{body}</div>', unsafe_allow_html=True
            )


guarded("reader", main)
