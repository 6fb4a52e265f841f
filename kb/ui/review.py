"""The analyst's review in the app: the name (sidebar popover), judging a claim, history, sign-off.

The review log is read fresh from its file on every run (never from st.cache_resource), so a
judgement saved in one session shows in every other at its next rerun, with no restart.
"""

from __future__ import annotations

import logging

import streamlit as st

from kb import review
from kb.review import ReviewError, ReviewLogError, ReviewState, finding_key
from kb.schema import ASSESSMENT_VERDICTS, REVIEW_DECISIONS
from kb.ui.state import data_dir
from kb.views.markup import md
from kb.views.review import decision_badge, history_line

log = logging.getLogger("kb.ui")

NAME_KEY = "analyst_name"
NAME_OPEN = "analyst_name_open"  # the session key of the sidebar's name popover (True: open)
NAME_LABEL = "Your name (analyst)"
# what a page says where a judgement needs the name
NAME_HINT = f"Open “👤 {NAME_LABEL}” in the sidebar and type your name"
NONE = "(no verdict)"
NO_DECISION = "(not decided)"


def analyst_name() -> str:
    """The analyst's name for this browser session ('' until set in the sidebar)."""
    return " ".join(str(st.session_state.get(NAME_KEY) or "").split())


def name_sidebar() -> None:
    """The sidebar popover where an analyst says who they are (once per browser session).

    Its label is the name given (or that none is); the field is drawn only while the popover is
    open (opening it reruns the page), so a first render draws no text field in the sidebar.
    """
    # Keep the value when a run does not draw the widget (Streamlit drops unused widget state).
    if NAME_KEY in st.session_state:
        st.session_state[NAME_KEY] = st.session_state[NAME_KEY]
    name = analyst_name()
    box = st.sidebar.popover(
        f"👤 {md(name)}" if name else f"👤 {NAME_LABEL}: not given yet",
        key=NAME_OPEN,
        on_change="rerun",
        width="stretch",
        help="Who records judgements in this browser session. There is no login: see the "
        "README on sharing the app behind single sign-on.",
    )
    if box.open:
        box.text_input(
            NAME_LABEL,
            key=NAME_KEY,
            placeholder="recorded on every judgement",
            help="Asked once per browser session and recorded on every change you make to the "
            "review.",
        )


def the_log() -> review.ReviewLog:
    """The review log of the data directory the app serves ($KB_REVIEW_DB to override)."""
    return review.open_log(data_dir())


def current_state(kb) -> tuple[ReviewState, str | None]:
    """The standing review, read fresh; an unreadable log is an error message, not a crash."""
    try:
        return review.state_of(the_log(), kb), None
    except ReviewLogError as exc:
        log.error("review log unreadable: %s", exc)
        return review.review_state(kb, []), str(exc)


# set when a judgement, decision or restore is written: a page part that reran alone (a
# fragment) then reruns the whole page, whose tables and counts show the review
REVIEW_CHANGED = "_review_changed"


def review_changed() -> bool:
    """Whether the review log was written since the page was last drawn whole (and forget it).

    app.py forgets it on every whole-page run; a fragment that finds it set reruns the page.
    """
    return bool(st.session_state.pop(REVIEW_CHANGED, False))


def _flash(key: str, message: str, kind: str = "success") -> None:
    """Keep a message for the next run; its document and analyst text is already md()."""
    st.session_state[f"_flash_{key}"] = (kind, message)


def _show_flash(key: str) -> None:
    kind, message = st.session_state.pop(f"_flash_{key}", (None, None))
    if message:
        getattr(st, kind)(message)


def _save(kb, claim_id: str, findings: list, key: str) -> None:
    """Form callback: write what changed as events (runs before the page is drawn again)."""
    name = analyst_name()
    ss = st.session_state
    verdict = ss.get(f"{key}_verdict")
    verdict = "" if verdict in (None, NONE) else verdict
    note = ss.get(f"{key}_note") or ""
    log_ = the_log()
    try:
        written = review.judge(log_, kb, claim_id, name, verdict=verdict, note=note)
        for i, f in enumerate(findings):
            decision = ss.get(f"{key}_f{i}")
            reason = (ss.get(f"{key}_r{i}") or "").strip()
            state = review.state_of(log_, kb)
            cur = state.decision(claim_id, finding_key(f))
            new = "" if decision in (None, NO_DECISION) else decision
            if (cur.decision if cur else "", cur.reason if cur else "") == (new, reason):
                continue
            if not new and cur is None:
                continue
            ev = review.decide(log_, kb, claim_id, finding_key(f), name, new, reason)
            written += [ev] if ev else []
    except (ReviewError, ReviewLogError) as exc:
        _flash(key, f"Not saved: {md(exc)}", "error")
        return
    st.session_state[REVIEW_CHANGED] = bool(written)
    _flash(
        key,
        f"Saved ({len(written)} change(s) recorded as {md(name)})."
        if written
        else "Nothing changed.",
        "success" if written else "info",
    )


def _restore(kb, claim_id: str, seq: int, key: str) -> None:
    try:
        written = review.restore(the_log(), kb, claim_id, seq, analyst_name())
    except (ReviewError, ReviewLogError) as exc:
        _flash(key, f"Not restored: {md(exc)}", "error")
        return
    st.session_state[REVIEW_CHANGED] = True
    _flash(key, f"Restored to the state after event #{seq} ({len(written)} change(s)).")


def analyst_box(state: ReviewState, claim_id: str, error: str | None) -> tuple[str, str]:
    """The analyst's verdict of a claim for the verdict column: (label, caption)."""
    if error:
        return "no analyst verdict", f"The review log cannot be read: {error}"
    j = state.judgement(claim_id)
    if j is None and not state.history(claim_id):
        return "no analyst verdict", "No analyst has judged this claim."
    if j is None or not j.verdict:  # a note, decisions, or a verdict taken back: no verdict
        note = f"Note: {j.note} · " if j and j.note else ""
        return "no analyst verdict", note + "No analyst has judged this claim yet."
    bits = [j.note or "no note", f"{j.analyst}, {j.at}"]
    return j.verdict, " · ".join(bits)


def review_form(kb, claim, findings: list, key: str) -> None:
    """Your review of a claim: verdict, note, a decision on each finding, and the history."""
    key = f"{key}_rv_{claim.id}"
    _show_flash(key)
    # drawn only once opened (the expander reruns the page): a claim selection draws none of
    # the form's widgets (a select box and a text field per finding) nor the history
    box = st.expander(
        "✍️ **7 · Your review**: verdict, note, a decision on each finding, history "
        "(recorded in the review log, kept apart from the machine's)",
        key=open_key(key),
        on_change="rerun",
    )
    if not box.open:
        return
    with box:
        _review_form(kb, claim, findings, key)


def open_key(key: str) -> str:
    """The session key of a review form's expander (True: open), from the form's key."""
    return f"{key}_open"


def _review_form(kb, claim, findings: list, key: str) -> None:
    state, error = current_state(kb)
    if error:
        st.error(f"The review log cannot be read, so nothing can be recorded: {md(error)}")
        return
    signed = state.signed_off(claim.document)
    name = analyst_name()
    j = state.judgement(claim.id)
    if signed:
        st.info(
            f"The review of {md(claim.document)} was signed off by {md(signed.analyst)} on "
            f"{md(signed.at)} (“{md(signed.summary)}”). Reopen it on the Claims page to change "
            "a judgement."
        )
    elif not name:
        st.warning(f"{NAME_HINT} to record judgements.")
    frozen = bool(signed) or not name
    with st.form(key=f"{key}_form", border=True):
        options = [NONE, *ASSESSMENT_VERDICTS]
        current = j.verdict if j and j.verdict else NONE
        st.selectbox(
            "Analyst verdict",
            options,
            index=options.index(current),
            key=f"{key}_verdict",
            disabled=frozen,
        )
        st.text_area(
            "Note (your reasoning, in your own words)",
            value=(j.note if j else "") or "",
            key=f"{key}_note",
            height=80,
            disabled=frozen,
        )
        if findings:
            st.caption("The machine's findings: accept, reject or amend each (say why).")
        for i, f in enumerate(findings):
            d = state.decision(claim.id, finding_key(f))
            choices = [NO_DECISION, *REVIEW_DECISIONS]
            # one under the other: side by side they break words in a narrow panel
            st.selectbox(
                f"Finding {f.code} ({f.severity})",
                choices,
                index=choices.index(d.decision) if d else 0,
                key=f"{key}_f{i}",
                disabled=frozen,
                help=md(f.message),
            )
            st.text_input(
                "Reason",
                value=d.reason if d else "",
                key=f"{key}_r{i}",
                disabled=frozen,
                placeholder="why you reject or amend it",
                label_visibility="collapsed",
            )
        st.form_submit_button(
            "💾 Save judgement",
            disabled=frozen,
            on_click=_save,
            args=(kb, claim.id, list(findings), key),
        )
    history = state.history(claim.id)
    if history:
        st.markdown(f"**History of this judgement** ({len(history)} change(s))")
        for e in reversed(history):
            cols = st.columns([6, 1], vertical_alignment="center")
            cols[0].caption(
                md(history_line(e) if e.seq else history_line(e) + " (assessments.csv)")
            )
            if e.seq and not frozen:
                cols[1].button(
                    "Restore",
                    key=f"{key}_restore_{e.seq}",
                    on_click=_restore,
                    args=(kb, claim.id, e.seq, key),
                    help=f"Bring this claim back to how it stood after event #{e.seq} "
                    "(recorded as new events; nothing is deleted).",
                )


def finding_decision_caption(state: ReviewState, claim_id: str, f) -> str:
    """'analyst: ✗ rejected — reason (Ann)' for a finding, or ''."""
    d = state.decision(claim_id, finding_key(f))
    if d is None:
        return ""
    reason = f" — {d.reason}" if d.reason else ""
    return f"analyst: {decision_badge(d.decision)}{reason} ({d.analyst})"


def _sign(document: str, key: str) -> None:
    summary = st.session_state.get(f"{key}_summary") or ""
    try:
        review.sign_off(the_log(), document, analyst_name(), summary)
    except (ReviewError, ReviewLogError) as exc:
        _flash(key, f"Not signed off: {md(exc)}", "error")
        return
    _flash(key, f"The review of {md(document)} is signed off.")


def _reopen(document: str, key: str) -> None:
    reason = st.session_state.get(f"{key}_reason") or ""
    try:
        review.reopen(the_log(), document, analyst_name(), reason)
    except (ReviewError, ReviewLogError) as exc:
        _flash(key, f"Not reopened: {md(exc)}", "error")
        return
    _flash(key, f"The review of {md(document)} is reopened.")


def signoff_panel(kb, checks, state: ReviewState, document: str, rows: list[dict]) -> None:
    """Review progress of a document, its disagreements and orphans, and the sign-off."""
    from kb.views.review import progress_line

    key = f"signoff_{document}"
    machine = {r["claim"]: r.get("verdict_label", "") for r in rows}
    p = review.progress(kb, state, document, machine)
    signed = p.signoff
    status = f"✅ signed off by {signed.analyst} on {signed.at}" if signed else "not signed off"
    st.markdown(f"**Analyst's review:** {md(progress_line(p))} Review {md(status)}.")
    _show_flash(key)
    orphans = [j for j in state.orphans if j.document == document]
    if orphans:
        st.warning(
            f"{len(orphans)} judgement(s) no longer match the text as it is read now "
            "(orphaned; kept, not dropped): "
            + md(
                "; ".join(f"{j.claim or '?'} {j.verdict} “{j.anchor.quote[:60]}”" for j in orphans)
            )
        )
    # drawn only once opened (the expander reruns the page): the page's first render and
    # every claim selection skip its table and fields
    box = st.expander(
        f"Disagreements ({len(p.disagreements)}) and sign-off",
        key=f"{key}_open",
        on_change="rerun",
    )
    if not box.open:
        return
    with box:
        if p.disagreements:
            st.table(
                [
                    # st.table reads every cell as Markdown
                    {
                        "claim": md(c.split(":", 1)[-1]),
                        "machine verdict": md(m),
                        "analyst verdict": md(a),
                    }
                    for c, m, a in p.disagreements
                ]
            )
        else:
            st.caption("The analyst and the machine disagree on no judged claim.")
        name = analyst_name()
        if signed:
            st.caption(f"Summary: {md(signed.summary)}")
            st.text_input("Why reopen it?", key=f"{key}_reason")
            st.button(
                "Reopen the review",
                key=f"{key}_reopen",
                on_click=_reopen,
                args=(document, key),
                disabled=not name,
            )
        else:
            st.text_area(
                "Sign-off summary",
                key=f"{key}_summary",
                placeholder="what was reviewed, what stands out, what is left",
                height=80,
            )
            st.button(
                "✍️ Sign off this review",
                key=f"{key}_sign",
                on_click=_sign,
                args=(document, key),
                disabled=not name,
                help="Freezes the review: changes need a reopen, with a reason.",
            )
        if not name:
            st.caption(f"{NAME_HINT} to sign off or reopen.")
