"""The fact-check report: one self-contained HTML page per document that prints cleanly to PDF."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import (
    analyst_map,
    analyst_note,
    cited_of,
    claims_of,
    document_or_raise,
    one_line,
)
from kb.export.rows import outcome_measure, outcome_value
from kb.export.tables import doi_link, esc, link_html, page_html, pmid_link
from kb.graph import trace
from kb.model import Claim, Finding, KnowledgeBase
from kb.views.cite import format_ama

# Verdict labels that flag nothing by themselves: all is well, or the checks could not tell
# (a "source not available" or "needs reading" claim is flagged only when a finding about it
# warns; else it is listed).
CLEAR_VERDICTS = frozenset({"supported", "no factual claim"})
OPEN_VERDICTS = frozenset({"source not available", "needs reading", "cannot verify"})
FLAG_SEVERITIES = frozenset({"warning", "error"})

# Badge colour and symbol per verdict; the label is always printed, so colour is never needed.
VERDICT_BADGES = {
    "supported": ("#1b7f3b", "\u2713"),
    "partly supported": ("#8a5a00", "\u25d0"),
    "not supported": ("#b3261e", "\u2717"),
    "not supported by the cited source": ("#b3261e", "\u2717"),
    "contradicted": ("#8c1d18", "\u203c"),
    "uncited": ("#546e7a", "\u2205"),
    "non-publication": ("#6a3d9a", "\u00a7"),
    "cites a non-publication": ("#6a3d9a", "\u00a7"),
    "source not available": ("#2f5d8a", "?"),
    "needs reading": ("#00695c", "\u261e"),
    "cannot verify": ("#2f5d8a", "?"),
    "no factual claim": ("#757575", "\u00b7"),
}

REPORT_CSS = """
:root { --ink: #1d232b; --muted: #5b6573; --line: #c8ced6; --soft: #f4f6f9; }
body { font: 14px/1.45 Georgia, "Times New Roman", serif; color: var(--ink); margin: 2em auto;
       max-width: 58em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid var(--ink); padding-bottom: .2em;
     margin-top: 2em; }
h3 { font-size: 1.05em; margin: 0 0 .4em; font-family: system-ui, sans-serif; }
.meta, .muted { color: var(--muted); }
.notice { background: #fff6d6; border: 1px solid #e2c65b; padding: .6em .8em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0;
        font: 12.5px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.n { text-align: right; font-variant-numeric: tabular-nums; width: 5em; }
.counts { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.counts table { width: auto; min-width: 14em; }
.claim { border: 1px solid var(--line); border-left: 5px solid #b23b3b; padding: .7em 1em;
         margin: 1em 0; background: #fff; }
.claim blockquote { margin: .4em 0 .6em; padding: .3em .8em; background: var(--soft);
                    border-left: 3px solid var(--line); }
.badge { display: inline-block; padding: 0 .5em; border-radius: 3px; background: #b23b3b;
         color: #fff; font: bold 12px/1.6 system-ui, sans-serif; }
.badge.analyst { background: #2d5f8a; }
.sev-error { color: #9d1c1c; font-weight: bold; }
.sev-warning { color: #8a5a00; font-weight: bold; }
ol.sources li { margin-bottom: .4em; }
code { font-size: .95em; }
@media print {
  @page { margin: 16mm 14mm; }
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .claim, table, tr { break-inside: avoid; page-break-inside: avoid; }
  .claim { border-left-width: 3px; }
  .badge, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  a.out::after { content: " <" attr(href) ">"; font-size: .85em; color: var(--muted);
                 word-break: break-all; }
}
"""


def is_flagged(fc: FactCheck, claim: Claim) -> bool:
    """True when a claim's verdict finds fault or a finding about it warns or errs."""
    label = fc.verdict(claim.id).label
    if label and label not in CLEAR_VERDICTS | OPEN_VERDICTS:
        return True
    return any(f.severity in FLAG_SEVERITIES for f in fc.findings_of(claim.id))


def _count_table(title: str, counts: Counter | dict[str, int], ranked: bool = True) -> str:
    if not counts:
        return ""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if ranked else counts.items()
    rows = "".join(f'<tr><td>{esc(k)}</td><td class="n">{n}</td></tr>' for k, n in items)
    return f"<table><thead><tr><th>{esc(title)}</th><th>n</th></tr></thead>{rows}</table>"


def _summary(kb: KnowledgeBase, fc: FactCheck, document: str, claims: list[Claim]) -> str:
    cited = cited_of(kb, document)
    basics = {
        "claims": len(claims),
        "claims citing a reference": sum(1 for c in claims if c.refs),
        "numbers stated in claims": sum(len(c.numbers) for c in claims),
        "reference-list entries": len(cited),
        "entries tied to a work": sum(1 for c in cited if c.work is not None),
    }
    basics["flagged claims"] = sum(1 for c in claims if is_flagged(fc, c))
    parts = [_count_table("document", basics, ranked=False)]
    verdicts = Counter(fc.verdict(c.id).label or "no verdict" for c in claims)
    ids = {c.id for c in claims}
    found = [
        f for f in fc.findings if f.claim in ids or (f.claim is None and f.document == document)
    ]
    statuses = Counter(m.status for c in claims for m in fc.matches_of(c.id))
    parts += [
        _count_table("verdict", verdicts),
        _count_table("finding code", Counter(f.code for f in found)),
        _count_table("severity", Counter(f.severity for f in found)),
        _count_table("stated number", statuses),
    ]
    return '<div class="counts">' + "".join(parts) + "</div>\n"


def _decision(review: Any, claim_id: str | None, f: Finding) -> str:
    """' — analyst: rejected (reason; Ann)' for a finding the analyst decided on, else ''."""
    if review is None:
        return ""
    from kb.review import finding_key

    d = review.decision(claim_id or "", finding_key(f))
    if d is None:
        return ""
    why = f"{d.reason}; " if d.reason else ""
    return (
        f' <span class="badge analyst">analyst: {esc(d.decision)}</span>'
        f' <span class="muted">({esc(why)}{esc(d.analyst)})</span>'
    )


def _findings_list(found: list[Finding], review: Any = None, claim_id: str | None = None) -> str:
    if not found:
        return ""
    items = "".join(
        f'<li><span class="sev-{esc(f.severity)}">{esc(f.severity)}</span> '
        f"<code>{esc(f.code)}</code>: {esc(f.message)}{_decision(review, claim_id, f)}</li>"
        for f in sorted(found, key=lambda f: (f.severity != "error", f.code, f.message))
    )
    return f"<p><strong>Findings</strong></p><ul>{items}</ul>"


def _numbers_table(fc: FactCheck, claim: Claim) -> str:
    matches = fc.matches_of(claim.id)
    if not matches:
        return ""
    rows = []
    for m in matches:
        o = m.outcome
        source = (
            ""
            if o is None
            else (
                f"{esc(outcome_measure(o))}; {esc(o.arm or '')} {esc(o.timepoint or '')}: "
                f'{esc(outcome_value(o))} <span class="muted">({esc(o.work)})</span>'
            )
        )
        rows.append(
            f"<tr><td>{esc(m.number.text)}</td><td>{esc(m.status)}</td>"
            f"<td>{source}</td><td>{esc(getattr(m, 'reason', '') or '')}</td></tr>"
        )
    return (
        "<p><strong>Numbers</strong></p><table><thead><tr><th>stated</th><th>status</th>"
        "<th>source number</th><th>why</th></tr></thead>" + "".join(rows) + "</table>"
    )


def _sources_list(graph: nx.MultiDiGraph, claim: Claim) -> str:
    t = trace(graph, claim.id)
    if not t.refs:
        return "<p><strong>Sources</strong>: the claim carries no citation marker itself.</p>"
    items, seen = [], set()
    for r in t.refs:
        if r.number in seen:
            continue
        seen.add(r.number)
        if r.work is None:
            raw = r.entry.raw if r.entry else "no entry with this number in the reference list"
            items.append(
                f'<li value="{r.number}">{esc(one_line(raw))} '
                '<span class="muted">(not tied to a work)</span></li>'
            )
            continue
        w = r.work
        links = " ".join(
            f'<a class="out" href="{esc(u)}" rel="noopener noreferrer">{esc(t_)}</a>'
            for t_, u in (("DOI", doi_link(w.doi)), (f"PubMed {w.pmid}", pmid_link(w.pmid)))
            if u
        )
        studies = "; ".join(
            f"{st.study.name} [{st.study.design}]"
            + (f", sponsor: {st.study.sponsor}" if st.study.sponsor else "")
            for st in r.studies
        )
        record = "record read" if w.verified else "cited only, record not read"
        items.append(
            f'<li value="{r.number}">{esc(format_ama(w))} {links}<br>'
            f'<span class="muted">{esc(w.kind)}; {esc(record)}'
            + (f"; {esc(studies)}" if studies else "")
            + "</span></li>"
        )
    return '<p><strong>Sources</strong></p><ol class="sources">' + "".join(items) + "</ol>"


def _analyst(found: list) -> str:
    if not found:
        return ""
    items = "".join(
        f'<li><span class="badge analyst">{esc(a.verdict)}</span> {esc(a.note or "")} '
        f'<span class="muted">{esc(", ".join(x for x in (a.analyst, a.date) if x))}</span></li>'
        for a in found
    )
    return f"<p><strong>Analyst judgment</strong> (entered by hand)</p><ul>{items}</ul>"


def _badge(label: str) -> str:
    colour, symbol = VERDICT_BADGES.get(label, ("#555555", "\u2022"))
    return f'<span class="badge" style="background:{colour}">{symbol} {esc(label)}</span>'


def _claim_card(
    graph: nx.MultiDiGraph, fc: FactCheck, claim: Claim, analyst: list, review: Any = None
) -> str:
    label = fc.verdict(claim.id).label or "no verdict"
    reason = fc.verdict(claim.id).reason
    anchor = "claim-" + claim.id.replace(":", "-")
    return (
        f'<section class="claim" id="{esc(anchor)}">\n'
        f"<h3>{esc(claim.id)} {_badge(label)}</h3>\n"
        f"<blockquote>{esc(one_line(claim.text))}</blockquote>\n"
        + (f"<p>{esc(reason)}</p>\n" if reason else "")
        + _findings_list(list(fc.findings_of(claim.id)), review, claim.id)
        + _numbers_table(fc, claim)
        + _sources_list(graph, claim)
        + _analyst(analyst)
        + "\n</section>\n"
    )


def _open_table(fc: FactCheck, claims: list[Claim], analyst: dict[str, list]) -> str:
    rows = "".join(
        f"<tr><td>{esc(c.id)}</td><td>{esc(one_line(c.text))}</td>"
        f"<td>{esc(fc.verdict(c.id).reason)}</td>"
        f"<td>{esc(analyst_note(analyst.get(c.id, [])))}</td></tr>"
        for c in claims
    )
    return (
        f'<h2>Left for an analyst ({len(claims)})</h2>\n<p class="muted">The checks could '
        "not verify these claims and found nothing wrong with them.</p>\n<table><thead><tr>"
        "<th>claim</th><th>text</th><th>why</th><th>analyst judgment</th></tr></thead>"
        + rows
        + "</table>\n"
    )


def _review_section(kb: KnowledgeBase, fc: FactCheck, document: str, claims: list[Claim]) -> str:
    """The analyst's review: sign-off, progress, and every judged claim beside the machine."""
    from kb.review import disagrees
    from kb.schema import FACTUAL_KINDS

    state = kb.review
    signed = state.signed_off(document)
    factual = [c for c in claims if c.kind in FACTUAL_KINDS]
    judged = [c for c in claims if state.judgement(c.id) is not None]
    reviewed = [c for c in factual if state.judgement(c.id) and state.judgement(c.id).verdict]
    if signed is not None:
        status = (
            f"<p><strong>Signed off</strong> by {esc(signed.analyst)} on {esc(signed.at)}: "
            f"{esc(signed.summary)}</p>"
        )
    else:
        status = '<p class="notice">This review is not signed off: it may still change.</p>'
    rows = []
    for c in judged:
        j = state.judgement(c.id)
        machine = fc.verdict(c.id).label or "no verdict"
        flag = " (disagrees)" if disagrees(machine, j.verdict) else ""
        rows.append(
            f"<tr><td>{esc(c.id)}</td><td>{esc(one_line(c.text))}</td>"
            f"<td>{esc(machine)}</td><td>{esc(j.verdict or '—')}{esc(flag)}</td>"
            f"<td>{esc(j.note)}</td><td>{esc(j.analyst)}, {esc(j.at)}</td></tr>"
        )
    orphans = [j for j in state.orphans if j.document == document]
    table = (
        "<table><thead><tr><th>claim</th><th>text</th><th>machine verdict</th>"
        "<th>analyst verdict</th><th>analyst note</th><th>reviewer</th></tr></thead>"
        + "".join(rows)
        + "</table>\n"
        if rows
        else "<p>No claim has been judged yet.</p>\n"
    )
    orphan_note = (
        f'<p class="notice">{len(orphans)} judgement(s) could not be placed in the text as it '
        "is read now (orphaned): "
        + "; ".join(
            esc(f"{j.claim or '?'}: {j.verdict} “{one_line(j.anchor.quote)}”") for j in orphans
        )
        + "</p>\n"
        if orphans
        else ""
    )
    decided = [
        (cid, d) for (cid, _), d in sorted(state.decisions.items()) if d.document == document
    ]
    decisions = (
        "<p><strong>Decisions on the machine's findings</strong></p><ul>"
        + "".join(
            f"<li>{esc(cid or document)} <code>{esc(d.finding.split('|', 1)[0])}</code>: "
            f'<span class="badge analyst">analyst: {esc(d.decision)}</span> '
            f'{esc(d.reason)} <span class="muted">({esc(d.analyst)}, {esc(d.at)})</span></li>'
            for cid, d in decided
            if d.decision
        )
        + "</ul>\n"
        if any(d.decision for _, d in decided)
        else ""
    )
    return (
        "<h2>Analyst's review</h2>\n"
        + status
        + f"<p>{len(reviewed)} of {len(factual)} factual claims reviewed. The analyst's "
        "verdicts are shown beside the machine's, never merged.</p>\n"
        + table
        + decisions
        + orphan_note
    )


def _reference_appendix(kb: KnowledgeBase, document: str) -> str:
    rows = []
    for c in cited_of(kb, document):
        work = (
            link_html(c.work.citekey, doi_link(c.work.doi) or pmid_link(c.work.pmid))
            if c.work
            else '<span class="muted">not tied to a work</span>'
        )
        rows.append(
            f'<tr><td class="n">{c.number}</td><td>{esc(one_line(c.entry.raw))}</td>'
            f"<td>{work}</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<h2>Reference list</h2><table><thead><tr><th>#</th><th>as printed in the document"
        "</th><th>work</th></tr></thead>" + "".join(rows) + "</table>\n"
    )


def factcheck_report_html(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """The fact-check report of one document as a self-contained HTML page."""
    if document is None:
        raise ValueError("the fact-check report is made per document: name one")
    doc = document_or_raise(kb, document)
    claims = claims_of(kb, document)
    head = (
        f"<h1>Fact-check report: {esc(doc.title)}</h1>\n"
        f'<p class="meta">{esc(doc.organisation)}{", " if doc.organisation else ""}'
        f"{esc(doc.date)} &middot; document <code>{esc(doc.id)}</code> &middot; "
        "made by evidence-kb</p>\n"
    )
    body = [head, "<h2>Summary</h2>\n", _summary(kb, fc, document, claims)]
    flagged = [c for c in claims if is_flagged(fc, c)]
    body.append(f"<h2>Flagged claims ({len(flagged)})</h2>\n")
    if not flagged:
        body.append("<p>No claim is flagged.</p>\n")
    analyst = analyst_map(kb)
    body += [_claim_card(graph, fc, c, analyst.get(c.id, []), kb.review) for c in flagged]
    left = [c for c in claims if not is_flagged(fc, c) and fc.verdict(c.id).label in OPEN_VERDICTS]
    if left:
        body.append(_open_table(fc, left, analyst))
    if kb.review is not None:
        body.append(_review_section(kb, fc, document, claims))
    body.append(_reference_appendix(kb, document))
    return page_html(f"Fact-check report: {doc.title}", REPORT_CSS, "".join(body))
