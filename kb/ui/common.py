"""Streamlit pieces every page uses: the error guard, the KB gate, the URL as selection state.

The URL's query parameters are the selection (`doc`, `claim`, `study`, `work`). Widgets write
them when the user picks something (Streamlit then pushes a browser-history entry, so the back
button works) and every run reads them, so a deep link or a step back shows the same view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from kb.ui.state import Loaded, current
from kb.views.markup import code, md

log = logging.getLogger("kb.ui")

PAGES = {
    "overview": "kb/ui/overview.py",
    "reader": "kb/ui/reader.py",
    "claims": "kb/ui/claims.py",
    "evidence": "kb/ui/evidence.py",
    "graph": "kb/ui/network.py",
    "findings": "kb/ui/findings.py",
    "compare": "kb/ui/compare_docs.py",
    "sof": "kb/ui/sof.py",
    "criteria": "kb/ui/criteria.py",
}
SELECTION_KEYS = ("claim", "study", "work", "node", "entry")


def guarded(name: str, body: Callable[[], None]) -> None:
    """Run a page body; an unexpected error becomes a message on the page and a log line."""
    try:
        body()
    except Exception as exc:  # st.stop / st.rerun / switch_page are BaseException: they pass
        log.exception("page %s failed", name)
        st.error(
            f"Something went wrong while showing this page ({type(exc).__name__}: {md(exc)}). "
            "The rest of the app still works; the details are in the server log."
        )


def need_kb() -> Loaded:
    """The loaded KB, or an error message on the page and a stop."""
    loaded = current()
    if loaded.error:
        st.error(f"The knowledge base could not be loaded: {md(loaded.error)}")
        st.caption("Fix the file named above (`kb validate` lists every problem) and reload.")
        st.stop()
    return loaded


def param(name: str) -> str | None:
    """One query parameter ('' counts as absent)."""
    value = st.query_params.get(name)
    return value or None


def set_params(**values: str | None) -> None:
    """Replace the selection in the URL in one step (one history entry).

    The selected object (claim, study, work, node) is replaced as a whole; `doc` is kept
    unless given; a value of None drops its key.
    """
    qp = {k: v for k, v in st.query_params.to_dict().items() if k not in SELECTION_KEYS}
    qp.update({k: v for k, v in values.items() if v})
    for k, v in values.items():
        if not v:
            qp.pop(k, None)
    if qp != st.query_params.to_dict():
        st.query_params.from_dict(qp)


def current_document(kb) -> str | None:
    """The document the sidebar shows: from the URL, else the claim's, else the session's."""
    docs = kb.documents
    if not docs:
        return None
    doc = param("doc")
    if doc is not None and doc not in docs:
        st.warning(f"There is no document {code(doc)} in the knowledge base; showing another one.")
    if doc not in docs:
        claim = param("claim")
        doc = claim.split(":", 1)[0] if claim and ":" in claim else None
    if doc not in docs:
        doc = st.session_state.get("kb_doc")
    if doc not in docs:
        doc = max(docs.values(), key=lambda d: (d.date, d.id)).id
    st.session_state["kb_doc"] = doc
    return doc


# the session key of the sidebar's document popover (True: open)
PICKER_OPEN = "doc_picker_open"


def _doc_picked() -> None:
    set_params(doc=st.session_state["doc_picker"])
    st.session_state[PICKER_OPEN] = False  # picked: the popover shuts


def document_picker() -> None:
    """The sidebar's document: its name, and a popover to pick another (kept in step with the URL).

    The selector is drawn only while the popover is open (opening it reruns the page): a select
    widget is the heaviest part of a first render in the browser, and most visits never change
    the document.
    """
    loaded = current()
    if loaded.error or not loaded.kb.documents:
        st.sidebar.caption("No document loaded.")
        return
    kb = loaded.kb
    doc = current_document(kb)
    d = kb.documents[doc]
    box = st.sidebar.popover(
        f"📄 {md(d.date)} · {md(doc)}",  # a label is Markdown: the id is shown as written
        key=PICKER_OPEN,
        on_change="rerun",
        width="stretch",
        help="The letter or statement the reader, claims, findings and graph pages show: "
        f"{len(kb.documents)} in the knowledge base. Open to pick another.",
    )
    if box.open:
        ids = sorted(kb.documents, key=lambda i: (kb.documents[i].date, i), reverse=True)
        st.session_state["doc_picker"] = doc
        box.selectbox(
            "Document",
            ids,
            key="doc_picker",
            format_func=lambda i: f"{kb.documents[i].date} · {i}",
            on_change=_doc_picked,
        )
    lines = [f"{md(d.title)} — {md(d.organisation or 'organisation unknown')}"]
    if kb.problems:
        errors = len(kb.errors)
        lines.append(
            f"⚠️ {errors} error(s) and {len(kb.problems) - errors} warning(s) "
            "while loading: see the Overview page."
        )
    st.sidebar.caption("\n\n".join(lines))  # one element


def open_claim(claim_id: str) -> None:
    """Select a claim (and its document) in the URL."""
    set_params(doc=claim_id.split(":", 1)[0], claim=claim_id)


def table_pick(key: str, ids: list[str]) -> str | None:
    """The id a user just picked in a single-row dataframe, or None when nothing changed.

    The dataframe keeps its selection across reruns; only a change counts as a pick, so the
    URL (and the back button) stay the source of truth.
    """
    state = st.session_state.get(key)
    rows = []
    if state is not None:
        sel = state.get("selection", {}) if isinstance(state, dict) else state.selection
        rows = list(sel.get("rows", []) if isinstance(sel, dict) else sel.rows)
    picked = ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else None
    last_key = f"_last_{key}"
    if picked == st.session_state.get(last_key):
        return None
    st.session_state[last_key] = picked
    return picked


def claim_not_found(claim: str | None, doc_id: str, known: set[str]) -> None:
    """Say so when the URL names a claim this document does not have (never drop it silently)."""
    if claim and claim not in known:
        st.warning(f"There is no claim {code(claim)} in {md(doc_id)}.")
