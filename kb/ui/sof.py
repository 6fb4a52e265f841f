"""Summary of findings: GRADE's table per outcome, and the analyst's five certainty domains.

Each domain is rated by the analyst (saved to the review log, one event per change) beside
the machine's facts that bear on it; the app never proposes a grade.
"""

from __future__ import annotations

import streamlit as st

from kb import review
from kb.export import DESCRIPTIONS, FORMATS, filename, render
from kb.export.sof import DERIVED_NOTE, RATING_NOTE, SOF_COLUMNS, outcome_rows
from kb.review import ReviewError, ReviewLogError
from kb.schema import CERTAINTY_DOMAINS, CERTAINTY_LEVELS
from kb.ui.common import current_document, guarded, need_kb
from kb.ui.components import table
from kb.ui.downloads import reviewed_kb
from kb.ui.review import NAME_HINT, analyst_name, current_state, the_log
from kb.ui.state import checks as get_checks
from kb.views.markup import code, md
from kb.views.review import history_line
from kb.views.sof import certainty_rows, sof_rows, sof_view

NOT_RATED = "(not rated)"
SOF_FORMATS = [n for n in FORMATS if n.startswith("sof-")]


def _wkey(doc: str, outcome: str, domain: str, part: str) -> str:
    return f"sof_{doc}_{outcome}_{domain}_{part}"


def _sync(view: dict, doc: str, outcome: dict) -> None:
    """Put the standing ratings into the form's widgets when the log changed since the last
    time they were set (a save here or in another session), keeping unsaved edits otherwise."""
    stamp = tuple(
        (c["level"], c["note"], c["at"])
        for c in (outcome["certainty"][k] for k, _ in CERTAINTY_DOMAINS)
    )
    sync_key = f"sof_sync_{doc}_{outcome['key']}"
    if st.session_state.get(sync_key) == stamp:
        return
    st.session_state[sync_key] = stamp
    for key, _label in CERTAINTY_DOMAINS:
        c = outcome["certainty"][key]
        st.session_state[_wkey(doc, outcome["key"], key, "level")] = c["level"] or NOT_RATED
        st.session_state[_wkey(doc, outcome["key"], key, "note")] = c["note"]


def _save(kb, doc: str, outcome: dict) -> None:
    """Form callback: one certainty event per domain whose level or note changed."""
    name = analyst_name()
    ss = st.session_state
    written = 0
    try:
        for key, _label in CERTAINTY_DOMAINS:
            level = ss.get(_wkey(doc, outcome["key"], key, "level")) or NOT_RATED
            level = "" if level == NOT_RATED else level
            note = (ss.get(_wkey(doc, outcome["key"], key, "note")) or "").strip()
            c = outcome["certainty"][key]
            if (level, note) == (c["level"], c["note"]):
                continue
            ev = review.rate_certainty(the_log(), kb, doc, outcome["key"], key, name, level, note)
            written += ev is not None
    except (ReviewError, ReviewLogError) as exc:
        ss["_sof_flash"] = ("error", f"Not saved: {md(exc)}")
        return
    ss["_sof_flash"] = (
        ("success", f"Saved ({written} rating(s) recorded as {md(name)}).")
        if written
        else ("info", "Nothing changed.")
    )


def certainty_panel(kb, view: dict, doc: str, outcome: dict, state) -> None:
    """The five domains: the machine's facts on the left, the analyst's rating on the right."""
    st.subheader("Certainty of the evidence, domain by domain")
    st.caption(RATING_NOTE)
    kind, message = st.session_state.pop("_sof_flash", (None, None))
    if message:
        getattr(st, kind)(message)
    name = analyst_name()
    if not name:
        st.info(f"{NAME_HINT} to rate the certainty domains.")
    _sync(view, doc, outcome)
    with st.form(f"sof_form_{doc}_{outcome['key']}", border=True):
        for key, label in CERTAINTY_DOMAINS:
            facts, rating = st.columns([3, 2])
            with facts:
                st.markdown(f"**{md(label)}**: the machine's facts")
                st.markdown("\n".join(f"- {md(f)}" for f in outcome["facts"][key]))
            with rating:
                st.selectbox(
                    f"{label}: analyst's rating",
                    [NOT_RATED, *CERTAINTY_LEVELS],
                    key=_wkey(doc, outcome["key"], key, "level"),
                    disabled=not name,
                )
                st.text_input(
                    f"{label}: why",
                    key=_wkey(doc, outcome["key"], key, "note"),
                    disabled=not name,
                )
                c = outcome["certainty"][key]
                if c["level"] or c["note"]:
                    st.caption(f"rated by {md(c['analyst'])}, {md(c['at'])}")
            st.divider()
        st.form_submit_button(
            "Save ratings",
            on_click=_save,
            args=(kb, doc, outcome),
            disabled=not name,
        )
    history = state.certainty_history(doc, outcome["key"]) if state else []
    with st.expander(f"History of these ratings ({len(history)})"):
        if not history:
            st.caption("No analyst has rated this outcome yet.")
        for e in history:
            st.markdown(md(history_line(e)))


def downloads(kb, g, fc, doc: str) -> None:
    """The summary of findings in any of its formats (with the review log as it stands)."""
    pick, button = st.columns([3, 2], vertical_alignment="bottom")
    name = pick.selectbox(
        "Download the summary of findings as",
        SOF_FORMATS,
        key="sof_format",
        format_func=lambda n: DESCRIPTIONS.get(n, n),
    )
    button.download_button(
        f"⬇️ {FORMATS[name].extension}",
        lambda: render(name, reviewed_kb(kb), g, fc, doc),
        file_name=filename(name, doc),
        mime=FORMATS[name].media_type,
        key="sof_download",
        on_click="ignore",
    )


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    fc = get_checks()
    st.title("🧾 Summary of findings")
    doc = current_document(kb)
    if doc is None:
        st.info("Load or ingest a document to see its summary of findings.")
        return
    state, error = current_state(kb)
    if error:
        st.error(f"The review log cannot be read, so no rating is shown: {md(error)}")
    view = sof_view(kb, fc, doc, state)
    st.caption(
        f"Every outcome the knowledge base holds a result for, across all its studies; the "
        f"claims of {code(doc)} that name each outcome are listed. {md(DERIVED_NOTE)}"
    )
    if not view["outcomes"]:
        st.info("The knowledge base holds no outcome results yet.")
        return
    st.subheader("Outcomes")
    table(outcome_rows(view), "No outcome.", key="sof_outcomes")
    labels = {o["key"]: o["label"] for o in view["outcomes"]}
    picked = st.selectbox(
        "Outcome", list(labels), key="sof_outcome", format_func=lambda k: labels[k]
    )
    outcome = next(o for o in view["outcomes"] if o["key"] == picked)
    st.header(md(outcome["label"]))
    st.markdown(
        f"**Participants (studies):** {md(outcome['participants'])} "
        f"({md(outcome['participants_note'])})  \n"
        f"**Design mix:** {md(outcome['design_mix'])}  \n"
        f"**Comparators:** {md('; '.join(outcome['comparators']))}  \n"
        f"**Claims of {code(doc)} naming it:** "
        + (", ".join(code(c) for c in outcome["letter_mentions"]) or "none")
    )
    rows = [r for r in sof_rows(view) if r["outcome"] == outcome["label"]]
    st.subheader(f"Results ({len(rows)})")
    table(
        [{c: r[c] for c in SOF_COLUMNS if c != "outcome"} for r in rows],
        "No result.",
        key="sof_results",
    )
    certainty_panel(kb, view, doc, outcome, state)
    st.subheader("Certainty across outcomes")
    table(certainty_rows(view), "No rating.", key="sof_certainty")
    st.subheader("Minimal clinically important differences (sourced)")
    table(view["mcid"], "No sourced MCID is held.", static=True)
    st.caption(
        "No sourced MCID is held for: "
        + md("; ".join(view["mcid_missing"]) or "none")
        + ". They are left out rather than guessed; data/mcid.csv takes more, each with its "
        "source."
    )
    downloads(kb, g, fc, doc)


guarded("sof", main)
