"""Payer criteria: per criterion the studies that bear on it and the gaps, the claims mapped to
it (the machine's suggestion with its rule beside the analyst's mapping, saved to the review
log), the coverage findings, and the criteria exports."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from kb.export import DESCRIPTIONS, FORMATS, filename, render
from kb.load import LoadError, decode, parse_criteria, read_criteria
from kb.review import ReviewError, ReviewLogError
from kb.review.mapping import map_criteria
from kb.ui.common import current_document, guarded, need_kb, param
from kb.ui.downloads import reviewed_kb
from kb.ui.review import NAME_HINT, analyst_name, current_state, the_log
from kb.ui.state import checks as get_checks
from kb.views.criteria import COVERAGE_CODES, criteria_view, parse_mapping
from kb.views.markup import md
from kb.views.review import history_line

EXPORTS = ("criteria-docx", "criteria-xlsx", "criteria-html")
UPLOAD_KEY = "cr_upload"
PATH_KEY = "cr_path"


def plan_criteria(kb):
    """The criteria in force: a plan's uploaded file when it reads cleanly, else the KB's.
    Problems of an upload are shown with its file, line and field."""
    up = st.file_uploader(
        "A plan's own criteria file (CSV, same columns as data/criteria.csv)",
        type=["csv"],
        key=UPLOAD_KEY,
        help="Used for this session only; the bundled criteria.csv is not changed.",
    )
    path = st.text_input(
        "…or the path of a criteria file on this machine",
        key=PATH_KEY,
        placeholder="/plans/acme-criteria.csv",
        help="Read for this session only.",
    ).strip()
    if up is None and not path:
        return kb.criteria, None
    name = up.name if up is not None else path
    try:
        if up is not None:
            crit, problems = parse_criteria(decode(up.getvalue(), up.name), up.name)
        else:
            crit, problems = read_criteria(path)
    except LoadError as exc:  # a missing file or column, an empty file, bad bytes
        st.error(f"{md(exc)}. The bundled criteria are shown.")
        return kb.criteria, None
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        (st.error if p.severity == "error" else st.warning)(md(p))
    if errors:
        st.error(
            f"{md(name)} has {len(errors)} error(s) (listed above); the bundled criteria "
            "are shown until it is fixed."
        )
        return kb.criteria, None
    st.success(f"Using {len(crit)} criteria from {md(name)}.")
    return crit, name


def _save_mapping(kb, claim_id: str, key: str) -> None:
    """Form callback: record the analyst's mapping of one claim."""
    ids = st.session_state.get(f"{key}_ids") or []
    note = st.session_state.get(f"{key}_note") or ""
    try:
        ev = map_criteria(
            the_log(),
            kb,
            claim_id,
            analyst_name(),
            ids,
            known=st.session_state["_cr_known"],
            note=note,
        )
    except (ReviewError, ReviewLogError) as exc:
        st.session_state["_cr_flash"] = ("error", f"Not saved: {md(exc)}")
        return
    st.session_state["_cr_flash"] = (
        ("success", f"Saved: {md(ev.after)} (recorded as {md(ev.analyst)}).")
        if ev
        else ("info", "Nothing changed.")
    )


def mapping_form(kb, view, criteria, state) -> None:
    """Confirm or change one claim's mapping (written to the review log)."""
    st.subheader("Confirm or change a claim's criteria")
    if not view.claims:
        st.info("No claim of this document is mapped to a criterion.")
        return
    ids = [r["claim"] for r in view.claims]
    by_id = {r["claim"]: r for r in view.claims}
    claim_id = st.selectbox(
        "Claim",
        ids,
        key="cr_claim",
        format_func=lambda c: f"{c.split(':', 1)[-1]} · {by_id[c]['text'][:80]}",
    )
    row = by_id[claim_id]
    st.markdown(f"> {md(row['text'])}")
    st.caption(f"Machine suggestion: **{md(row['machine'] or 'none')}**")
    for rule in row["rules"].split("; "):
        if rule:
            st.caption(f"· {md(rule)}")
    if row["flags"]:
        st.warning(md(row["flags"]))
    current = (
        parse_mapping(row["analyst"])
        if row["analyst"]
        else tuple(c for c in row["machine"].split("; ") if c)
    )
    key = f"cr_map_{claim_id}"
    st.session_state["_cr_known"] = tuple(criteria)
    name = analyst_name()
    with st.form(key):
        st.multiselect(
            "Criteria this claim bears on (the analyst's mapping)",
            list(criteria),
            default=[c for c in current if c in criteria],
            key=f"{key}_ids",
            format_func=lambda c: f"{c}: {criteria[c].title}",
        )
        st.text_input("Note (why)", key=f"{key}_note")
        st.form_submit_button(
            "Save mapping",
            on_click=_save_mapping,
            args=(kb, claim_id, key),
            disabled=not name,
            help=None if name else f"{NAME_HINT} first.",
        )
    if not name:
        st.caption(f"{NAME_HINT} to record a mapping.")
    status = row["status"]
    who = f" by {md(row['analyst_by'])}" if row["analyst_by"] else ""
    st.caption(f"Analyst's mapping: **{md(row['analyst'] or '—')}** ({md(status)}{who}).")
    past = [e for e in state.history(claim_id) if e.field == "criteria"]
    if past:
        with st.expander(f"History of this mapping ({len(past)})"):
            for e in past:
                st.caption(md(history_line(e)))


def main() -> None:
    loaded = need_kb()
    kb, g = loaded.kb, loaded.graph
    fc = get_checks()
    st.title("🏛️ Payer criteria")
    doc_id = current_document(kb)
    with st.expander("Criteria file", expanded=not kb.criteria):
        criteria, plan = plan_criteria(kb)
    if not criteria:
        st.info(
            "The knowledge base holds no criteria: add criteria.csv to the data directory, or "
            "upload a plan's criteria file above."
        )
        return
    state, review_error = current_state(kb)
    if review_error:
        st.error(f"The review log cannot be read: {md(review_error)}")
    view = criteria_view(kb, g, fc, doc_id, criteria, state)
    st.caption(
        f"Each criterion{' of ' + md(plan) if plan else ''} with the studies "
        f"{md(doc_id) if doc_id else 'the knowledge base'} cites that bear on it, and what the "
        "knowledge base does not hold. Facts and gaps only, each with where it was read: "
        "whether a criterion is met is the analyst's conclusion."
    )
    flash = st.session_state.pop("_cr_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    st.dataframe(
        pd.DataFrame(view.criteria)[["criterion", "framework", "kind", "title", "source", "date"]],
        hide_index=True,
        key="criteria_table",
        width="stretch",
    )
    ids = [c["criterion"] for c in view.criteria]
    wanted = param("criterion")
    if wanted is not None and wanted not in ids:
        st.warning(f"There is no criterion {md(wanted)}; showing the first one.")
    pick = st.selectbox(
        "Criterion",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        key="cr_criterion",
        format_func=lambda c: f"{c}: {criteria[c].title}",
    )
    c = next(r for r in view.criteria if r["criterion"] == pick)
    st.header(f"{md(pick)}: {md(c['title'])}")
    st.markdown(md(c["text"]))
    st.caption(
        f"{md(c['framework'])} · {md(c['kind'])} · source: {md(c['source'])} ({md(c['date'])}"
        f"{'; ' + md(c['locator']) if c['locator'] else ''}) · {md(c['provenance'])}"
    )
    st.subheader(f"Evidence ({len(view.evidence[pick])} studies)")
    if view.evidence[pick]:
        st.dataframe(
            pd.DataFrame(view.evidence[pick]).drop(columns=["criterion"]),
            hide_index=True,
            key="cr_evidence",
            width="stretch",
            row_height=78,
        )
    else:
        st.info("No cited study bears on this criterion in the knowledge base.")
    st.subheader(f"Gaps ({len(view.gaps[pick])})")
    for gap in view.gaps[pick]:
        st.markdown(f"- {md(gap['gap'])}")
        st.caption(f"{md(gap['rule'])} · {md(gap['provenance'] or 'no fact behind it')}")
    if not view.gaps[pick]:
        st.caption("No gap found by the rules.")
    mapped = view.claims_for(pick)
    st.subheader(f"Claims mapped to {md(pick)} ({len(mapped)})")
    if mapped:
        st.dataframe(
            pd.DataFrame(mapped)[["claim", "text", "machine", "analyst", "status", "rules"]],
            hide_index=True,
            key="cr_claims",
            width="stretch",
        )
    st.subheader("Coverage findings")
    st.caption(
        "Claims that cite Medicare coverage without its CED condition, or draw a coverage or "
        f"evidence conclusion from a billing code ({', '.join(COVERAGE_CODES)})."
    )
    if view.flags:
        st.dataframe(pd.DataFrame(view.flags), hide_index=True, key="cr_flags", width="stretch")
    else:
        st.caption("None in this document.")
    if doc_id is not None:
        mapping_form(kb, view, criteria, state)
    st.subheader("Download")
    cols = st.columns(len(EXPORTS))
    for col, name in zip(cols, EXPORTS, strict=True):

        def make(name: str = name) -> bytes:
            return render(name, replace(reviewed_kb(kb), criteria=criteria), g, fc, doc_id)

        col.download_button(
            f"⬇️ {FORMATS[name].extension}",
            make,
            file_name=filename(name, doc_id),
            mime=FORMATS[name].media_type,
            key=f"cr_dl_{name}",
            on_click="ignore",
            help=DESCRIPTIONS[name],
        )


guarded("criteria", main)
