"""A claim's numbers beside the source's, for the trace panel."""

from __future__ import annotations

import networkx as nx

from kb.checks.context import Support, base_context, borrowed_words, unmarked_words
from kb.checks.factcheck import FactCheck
from kb.model import Claim, KnowledgeBase, Work
from kb.views.common import NOT_CHECKED, UNKNOWN, match_label, provenance, source_says


def number_rows(claim: Claim, checks: FactCheck, works: dict[str, Work]) -> list[dict]:
    """The letter's numbers side by side with the source's, with status and provenance."""
    matches = checks.matches_of(claim.id)
    if not matches:  # letterhead, headings and the like: their numbers are not checked
        return [
            {
                "letter says": n.text,
                "status": match_label(NOT_CHECKED),
                "source says": "—",
                "measure": n.kind,
                "provenance": "",
                "why": "the fact check does not compare the numbers of this kind of line",
                "note": "",
            }
            for n in claim.numbers
        ]
    rows = []
    for m in matches:
        o = m.outcome
        rows.append(
            {
                "letter says": m.number.text,
                "status": match_label(m.status),
                "source says": source_says(o, m.number.kind) if o else UNKNOWN,
                "measure": " · ".join(x for x in (o.measure, o.arm, o.timepoint) if x) if o else "",
                "provenance": provenance(o, works) if o else "",
                "why": m.reason,
                "note": (o.note or "") if o else "",
            }
        )
    return rows


def claim_support(kb: KnowledgeBase, graph: nx.MultiDiGraph, claim_id: str) -> Support:
    """The references the fact check reads a claim with: its own markers, those it borrows from
    a later sentence of its paragraph, or none (computed for the claim's document only).

    >>> sup = claim_support(kb, g, "nysipp-2026:s11.c04")
    >>> sup.via, sup.numbers, borrowed_words(sup)
    ('paragraph', (19,), 'ref 19, borrowed from s11.c05 later in the paragraph')
    """
    document = claim_id.rpartition(":")[0]
    return base_context(kb, graph, documents=[document]).support[claim_id]


def support_line(sup: Support) -> str:
    """How `kb trace` says where a claim's support comes from, in the verdict's own words."""
    if sup.via == "paragraph":
        return f"no marker of its own; read with {borrowed_words(sup)}"
    if sup.via == "none":
        return f"cites no reference, {unmarked_words(sup)}"
    return ""
