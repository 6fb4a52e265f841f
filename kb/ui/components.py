"""Panels shared by pages: a claim's trace, a study, a work. Rendering only."""

from __future__ import annotations

import re
from urllib.parse import quote

import networkx as nx
import pandas as pd
import streamlit as st

from kb import views
from kb.checks.factcheck import FactCheck
from kb.graph import UnknownNodeError, claims_resting_on, trace
from kb.model import KnowledgeBase
from kb.ui.common import PAGES
from kb.views.markup import code, md

SEVERITY_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def verdict_chip(label: str | None, prefix: str = "", suffix: str = "") -> str:
    """A coloured chip with symbol and label (readable without colour)."""
    bg, fg, _ = views.verdict_style(label)
    # Markdown is read inside the span too: md() keeps an analyst's label from being markup
    text = md(prefix + views.verdict_badge(label) + suffix)
    return (
        f'<span style="background:{bg};color:{fg};border:1px solid {fg};border-radius:10px;'
        f"padding:2px 9px;font-weight:600;font-size:0.9rem;white-space:normal;"
        f"word-break:normal;overflow-wrap:normal;max-width:100%;"
        f'display:inline-block;margin:2px 0">{text}</span>'
    )


def verdict_badge_md(label: str | None, prefix: str = "") -> str:
    """A verdict as Streamlit's own Markdown badge: symbol, label and colour, no raw HTML."""
    return f":{views.verdict_badge_colour(label)}-badge[{md(prefix + views.verdict_badge(label))}]"


def table(rows: list[dict], empty: str, static: bool = False, **kwargs) -> None:
    """A dataframe of rows (or a static, wrapping table), or the empty state said in words."""
    if not rows:
        st.caption(empty)
        return
    if static:
        # st.table reads every cell as Markdown: the cells hold document text
        safe = [{md(k): md(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
        st.table(pd.DataFrame(safe), hide_index=True)
        return
    # rows tall enough that Streamlit wraps long values (reported values, locators) in place
    kwargs.setdefault("row_height", 78)
    st.dataframe(pd.DataFrame(rows), hide_index=True, **kwargs)


def work_lines(w) -> list[str]:
    """A work as Markdown lines, its text escaped: the AMA citation; the DOI and PubMed links,
    key, kind and record status; the note, when there is one."""
    links = views.work_links(w)
    bits = []
    if links["doi"]:
        bits.append(f"[DOI](<{_url(links['doi'])}>)")
    if links["pubmed"]:
        bits.append(f"[PubMed](<{_url(links['pubmed'])}>)")
    record = "record read (verified)" if w.verified else "record not found: cited-only"
    extra = ""
    if w.unconfirmed:
        taken = ", ".join(views.from_letter_words(w.unconfirmed))
        extra = f" · from the letter's citation, not the record: {md(taken)}"
    lines = [
        md(links["citation"]),
        " · ".join(bits + [code(w.citekey), md(w.kind), record]) + extra,
    ]
    if w.note:
        lines.append(f"Note: {md(w.note)}")
    return lines


def work_block(w, heading: str | None = None) -> None:
    """A work: AMA citation, DOI and PubMed links, record status."""
    lines = work_lines(w)
    if heading:
        st.markdown(heading)
    st.markdown(lines[0])
    for line in lines[1:]:
        st.caption(line)


def _url(url: str) -> str:
    """A link target that no character of a DOI or PMID can end early."""
    return quote(url, safe=":/?=&%#")


# a bracket no backslash escapes: it would end a :gray[...] span early
_BARE_BRACKET = re.compile(r"(?<!\\)(?:\\\\)*[\[\]]")


def _grey(line: str) -> str:
    """An escaped Markdown line in grey (a caption's look inside one markdown element). A line
    with an unescaped bracket (a link, or one a code span keeps) stays as it is: the bracket
    would end the span early."""
    if _BARE_BRACKET.search(line):
        return line
    return f":gray[{line}]"


def study_facts_table(s) -> None:
    """Design, arms, N, follow-up, sponsor of a study."""
    df = pd.DataFrame([(k, md(v)) for k, v in views.study_facts(s)], columns=["", "value"])
    st.table(df, hide_index=True, hide_header=True)


def trace_panel(
    kb: KnowledgeBase, g: nx.MultiDiGraph, checks: FactCheck, claim_id: str, key: str
) -> None:
    """A claim followed to its sources, its numbers against theirs, findings and verdicts."""
    try:
        t = trace(g, claim_id)
    except UnknownNodeError:
        st.warning(f"There is no claim {code(claim_id)} in this knowledge base.")
        return
    c = t.claim
    v = checks.verdict(c.id)
    titles = views.section_titles(kb, c.document)
    st.subheader(f"Claim {views.short_claim(c.id)}")
    # the chip, the claim's words and where they stand: one element
    st.markdown(
        verdict_badge_md(v.label, "machine: ")
        + f" &nbsp; section: *{md(titles.get(c.section, c.section))}*\n\n"
        + "> "
        + md(c.text)
        + "\n\n"
        + _grey(f"{code(c.id)} · {md(c.document)}, characters {c.start}–{c.end}")
    )

    refs = views.claim_refs(c)
    carrier = checks.carriers.get(c.id)
    ref_traces = t.refs
    if not t.refs and carrier:
        # the references the fact check reads it with (a footnote is never lent), named in the
        # words of its verdict and of `kb trace`
        numbers, words = checks.borrowed.get(c.id, ((), ""))
        ref_traces = [r for r in trace(g, carrier).refs if r.number in numbers]
        borrowed = ", ".join(f"[{n}]" for n in numbers)
        st.markdown(f"**1 · Cited references:** none of its own; {borrowed} by the paragraph")
        st.caption(f"This sentence has no marker; the fact check reads it with {md(words)}.")
    else:
        st.markdown("**1 · Cited references:** " + (", ".join(f"[{n}]" for n in refs) or "none"))
    if not ref_traces:
        st.caption("This claim cites no reference.")
    seen_studies: dict[str, object] = {}
    # one markdown element per reference (its entry, work, link and study names together) and
    # the study facts on demand: a trace of many references draws a fraction of the elements
    for r in ref_traces:
        with st.container(border=True):
            head = f"**Reference {r.number}** · marker {code(r.marker)}"
            if r.entry is None:
                st.markdown(head)
                st.warning(f"The letter's reference list has no entry {r.number}.")
                continue
            entry = _grey("As listed in the letter: " + md(r.entry.raw))
            if r.work is None:
                st.markdown(f"{head}  \n{entry}")
                st.warning("This entry is not tied to any work in the knowledge base.")
                continue
            lines = [head, entry, "**2 · Citation (AMA)**"]
            citation, *grey = work_lines(r.work)
            lines.append(citation)
            lines += [_grey(g) for g in grey]
            if r.resolution is not None:
                score = "" if r.resolution.score is None else f", score {r.resolution.score:g}"
                lines.append(_grey(f"Tied to the work by: {md(r.resolution.method)}{score}"))
            if not r.studies:
                lines.append(
                    ":gray[Study: unknown (this work reports no study in the knowledge base).]"
                )
            for s in r.studies:
                seen_studies[s.study.id] = s
                lines.append(f"**3 · Study:** {md(s.study.name)}")
            st.markdown("  \n".join(lines))
            for s in r.studies:
                # drawn only once opened (the expander reruns the page): a selection draws
                # no study table
                facts = st.expander(
                    f"Study facts: {md(s.study.name)}",
                    key=f"{key}_facts_{r.number}_{s.study.id}",
                    on_change="rerun",
                )
                if facts.open:
                    with facts:
                        study_facts_table(s.study)
                        st.caption(
                            f"From {md(s.study.source)}; “unknown” where the record does not say."
                        )
                st.page_link(
                    PAGES["evidence"],
                    label=f"Open study {md(s.study.id)}",
                    icon="🔬",
                    query_params={"study": s.study.id},
                )

    st.markdown("**4 · The letter's numbers and the source's**")
    rows = views.number_rows(c, checks, kb.works)
    if not rows:
        st.caption("The claim states no number.")
    # one element per number (not a bordered box of two): a long trace draws much faster
    for r in rows:
        measure = f" · {md(r['measure'])}" if r["measure"] else ""
        # what the source number is (outcome, arm, analysis set, timepoint, value and
        # comparator as printed, count, denominator, p, curator's note) and where it comes from
        details = " · ".join(f"{label}: {text}" for label, text in r.get("details", []))
        grey = [x for x in (r["why"], details or r["provenance"]) if x]
        st.markdown(
            f"Letter: **{md(r['letter says'])}** &nbsp;·&nbsp; {md(r['status'])} "
            f"&nbsp;·&nbsp; source: **{md(r['source says'])}**{measure}"
            + "".join(f"  \n:gray[{md(x)}]" for x in grey)
        )
    # drawn only on demand: a big grid would slow every claim selection
    if seen_studies and st.toggle(
        "Show every number the knowledge base holds for these studies",
        value=False,
        key=f"{key}_all_numbers",
    ):
        outs = [o for s in seen_studies.values() for o in s.outcomes]
        table(
            views.outcome_rows(outs, kb.works),
            "The knowledge base holds no number for these studies.",
        )

    from kb.ui.review import analyst_box, current_state, finding_decision_caption, review_form

    state, review_error = current_state(kb)
    st.markdown("**5 · Findings**")
    findings = checks.findings_behind(c.id)
    if not findings:
        st.caption("No findings for this claim.")
    for f in findings:
        # one element per finding: the message, then its evidence in grey (no JSON viewer)
        line = (
            f"{SEVERITY_ICON.get(f.severity, '⚪')} **{f.severity}** · {code(f.code)} — "
            f"{md(f.message)}"
        )
        if f.evidence:
            ev = "; ".join(f"{k} = {views.evidence_text(val)}" for k, val in f.evidence)
            line += "  \n" + _grey("Evidence: " + md(ev))
        decided = finding_decision_caption(state, c.id, f)
        if decided:  # the analyst's decision in the same element, in grey
            line += "  \n" + _grey(md(decided))
        st.markdown(line)

    st.markdown("**6 · Verdict** (machine and analyst are kept apart)")
    # one above the other: side by side they overlap in a narrow panel (a 1024 px screen)
    # each box one element: the chip, then its reason (and codes) in grey
    machine = [md(v.reason) if v.reason else "No reason given."]
    if v.codes:
        machine.append("Codes: " + md(", ".join(v.codes)))
    label, caption = analyst_box(state, c.id, review_error)
    for chip, grey in (
        (verdict_badge_md(v.label, "machine: "), machine),
        (verdict_badge_md(label, "analyst: "), [md(caption)]),
    ):
        with st.container(border=True):
            st.markdown(chip + "".join("  \n" + _grey(x) for x in grey))
    review_form(kb, c, findings, key)


def study_panel(kb, g, s, key: str) -> str | None:
    """A study: facts, works, numbers and the claims resting on it. Returns a picked claim."""
    st.header(f"🔬 {md(s.name)}")
    st.caption(f"{code('study:' + s.id)} · {md(s.source)}")
    left, right = st.columns([2, 3])
    with left:
        study_facts_table(s)
        if s.note:
            st.caption(f"Note: {md(s.note)}")
    with right:
        st.markdown(f"**Works reporting this study ({len(s.works)})**")
        for key_ in s.works:
            w = kb.works.get(key_)
            if w is None:
                st.warning(f"{code(key_)} is named by the study but is not in references.bib.")
                continue
            with st.container(border=True):
                work_block(w)
    st.subheader("Reported numbers")
    outs = [o for o in kb.outcomes.values() if o.study == s.id]
    table(
        views.outcome_rows(outs, kb.works),
        "The knowledge base holds no number for this study.",
        key=f"{key}_outcomes",
    )
    return resting_claims(g, f"study:{s.id}", key)


def resting_claims(g, node: str, key: str) -> str | None:
    """Claims whose citations lead to a node; selecting a row returns its claim id."""
    from kb.ui.common import table_pick

    st.subheader("Claims resting on it")
    claims = claims_resting_on(g, node)
    if not claims:
        st.caption("No claim of any document rests on it.")
        return None
    ids = [c.id for c in claims]
    rows = [
        {"claim": c.id, "document": c.document, "text": views.clip(c.text, 160)} for c in claims
    ]
    st.caption(f"{len(rows)} claim(s). Select a row to open it in the letter reader.")
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
    )
    return table_pick(key, ids)


def work_panel(kb, g, w, key: str) -> str | None:
    """A work: citation, links, studies, numbers it states, entries citing it, claims."""
    st.header(f"📄 {md(w.citekey)}")
    work_block(w)
    st.caption(
        f"Sponsor: {md(w.sponsor or 'unknown')} · year {w.year or 'unknown'} · {md(w.source)}"
    )
    studies = kb.studies_of(w.citekey)
    st.markdown("**Studies:** " + (md(", ".join(s.name for s in studies)) or "none"))
    for s in studies:
        st.page_link(
            PAGES["evidence"],
            label=f"Open study {md(s.id)}",
            icon="🔬",
            query_params={"study": s.id},
        )
    wid = f"work:{w.citekey}"
    entries = [
        g.nodes[e]["record"]
        for e in (g.predecessors(wid) if wid in g else ())
        if g.nodes[e]["kind"] == "entry"
    ]
    cited = sorted(f"{e.document} ref {e.number}" for e in entries)
    st.caption("Cited as: " + (md(", ".join(cited)) or "no document cites it"))
    st.subheader("Numbers this work reports")
    outs = [o for o in kb.outcomes.values() if o.work == w.citekey]
    table(
        views.outcome_rows(outs, kb.works),
        "The knowledge base holds no number from this work.",
        key=f"{key}_outcomes",
    )
    return resting_claims(g, f"work:{w.citekey}", key)
