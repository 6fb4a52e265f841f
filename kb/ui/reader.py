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
        keep_place(selected)


# Runs in a same-origin component frame: claim labels open their claim through the app's own
# history handling (no page load, the page keeps its scroll), and the chosen claim is scrolled
# to the middle of the letter's own scroll box (the page itself does not move).
KEEP_PLACE_JS = """
<script>
(function () {
  const win = window.parent, doc = win.document;
  if (win.__kbLabelClick) doc.removeEventListener("click", win.__kbLabelClick, true);
  win.__kbLabelClick = function (e) {
    const a = e.target && e.target.closest ? e.target.closest("a.kb-label") : null;
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    win.history.pushState({}, "", a.href);
    win.dispatchEvent(new win.PopStateEvent("popstate"));
  };
  doc.addEventListener("click", win.__kbLabelClick, true);
  const selected = __SELECTED__;
  function scrollBox(el) {
    let p = el.parentElement;
    while (p && !(p.scrollHeight > p.clientHeight + 1 &&
                  /(auto|scroll)/.test(win.getComputedStyle(p).overflowY))) p = p.parentElement;
    return p;
  }
  function go(tries) {
    const el = selected ? doc.getElementById(selected) : null;
    const box = el ? scrollBox(el) : null;
    if (!el || !box) { if (selected && tries > 0) setTimeout(() => go(tries - 1), 100); return; }
    const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    box.scrollTop += (r.top - b.top) - box.clientHeight / 2 + r.height / 2;
  }
  go(50);
})();
</script>
"""


def keep_place(selected: str | None) -> None:
    """Scroll the chosen claim into view and let claim labels open claims without a reload."""
    import json

    import streamlit.components.v1 as components

    # "<" escaped: a claim id from the URL can never close the script element
    selected_js = json.dumps(selected).replace("<", "\\u003c")
    components.html(KEEP_PLACE_JS.replace("__SELECTED__", selected_js), height=0)


guarded("reader", main)
