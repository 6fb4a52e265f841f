"""A claim's numbers beside the source's, for the trace panel and `kb trace`: per number the
letter states, what the source number it is set against is (outcome, arm, analysis set,
timepoint, value and comparator as printed, count, denominator, p, the curator's note) and
where it comes from (work, PMID/DOI, locator, curated or machine-extracted, verified or not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.checks.context import Support, base_context, borrowed_words, unmarked_words
from kb.checks.factcheck import FactCheck
from kb.model import Claim, KnowledgeBase, Outcome, Work
from kb.views.common import (
    NOT_CHECKED,
    UNKNOWN,
    match_label,
    outcome_comparator,
    outcome_value,
    printed,
    provenance,
    source_says,
)

if TYPE_CHECKING:  # networkx is imported only where a graph is built (a warm `kb trace`)
    import networkx as nx

NOT_COMPARED = "the fact check does not compare the numbers of this kind of line"


def number_rows(claim: Claim, checks: FactCheck, works: dict[str, Work]) -> list[dict]:
    """The letter's numbers side by side with the source's, with status and provenance;
    `details` holds what the source number is (see `source_details`)."""
    matches = checks.matches_of(claim.id)
    if not matches:  # letterhead, headings and the like: their numbers are not checked
        return [
            {
                "letter says": n.text,
                "status": match_label(NOT_CHECKED),
                "source says": "—",
                "measure": n.kind,
                "provenance": "",
                "why": NOT_COMPARED,
                "note": "",
                "details": [],
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
                "source says": _says(o, m.number.kind) if o else UNKNOWN,
                "measure": " · ".join(x for x in (o.measure, o.arm, o.timepoint) if x) if o else "",
                "provenance": provenance(o, works) if o else "",
                "why": m.reason,
                "note": (o.note or "") if o else "",
                "details": source_details(o, works) if o else [],
            }
        )
    return rows


def _says(o: Outcome, kind: str) -> str:
    said = source_says(o, kind)
    # a finding the record gives in words only: say so rather than "unknown"
    return "no figure recorded (see the curator's note)" if said == UNKNOWN and o.note else said


def origin_word(o: Outcome) -> str:
    """'curated' for a row of outcomes.csv, 'machine-extracted' for a number read by the
    machine from an imported record (not reviewed)."""
    return "machine-extracted" if o.origin == "extracted" else "curated"


def source_number(o: Outcome, works: dict[str, Work]) -> dict:
    """What one source number is, as JSON-ready data; every number as the source prints it.

    >>> from kb.model import Outcome
    >>> d = source_number(Outcome("x", "s", "w", "NPRS", value=3.0, unit="points",
    ...                           printed=(("value", "3.0"),)), {})
    >>> d["value"], d["provenance"]["origin"]
    ('3.0 points', 'curated')
    """
    w = works.get(o.work)
    has_value = o.value is not None or bool(o.value_text)
    return {
        "id": o.id,
        "outcome": o.outcome or o.measure or None,
        "measure": o.measure or None,
        "arm": o.arm,
        "analysis_set": o.analysis_set,
        "timepoint": o.timepoint,
        "value": outcome_value(o) if has_value else None,
        "value_printed": o.value_text or o.printed_of("value"),
        "unit": o.unit,
        "comparator": outcome_comparator(o) or None,
        "count": printed(o, "count") or None,
        "denominator": printed(o, "denominator") or None,
        "p_value": o.p_value,
        "note": o.note,
        "quote": o.quote,
        "provenance": {
            "work": o.work or None,
            "pmid": w.pmid if w else None,
            "doi": w.doi if w else None,
            "locator": o.locator,
            "origin": origin_word(o),
            "verified": o.verified,
        },
    }


def source_details(o: Outcome, works: dict[str, Work]) -> list[tuple[str, str]]:
    """(label, text) pairs saying what a source number is, in reading order; '—' where the
    record says nothing."""
    d = source_number(o, works)
    p = d["provenance"]
    if o.origin == "extracted":
        status = "machine-extracted from the record, not reviewed"
    else:
        status = "curated, " + (
            "verified in the record" if o.verified else "not verified in the record"
        )
    ids = " / ".join(
        x
        for x in (f"PMID {p['pmid']}" if p["pmid"] else "", f"DOI {p['doi']}" if p["doi"] else "")
        if x
    )
    pairs = [
        ("outcome", d["outcome"]),
        ("arm", d["arm"]),
        ("analysis set", d["analysis_set"]),
        ("timepoint", d["timepoint"]),
        ("value", d["value"]),
        ("comparator", d["comparator"]),
        ("count", d["count"]),
        ("denominator", d["denominator"]),
        ("p", d["p_value"]),
        ("curator's note" if o.origin != "extracted" else "note", d["note"]),
        ("record sentence", d["quote"]),
        ("work", ", ".join(x for x in (p["work"], ids) if x) or UNKNOWN),
        ("locator", p["locator"] or "locator unknown"),
        ("status", status),
    ]
    return [(k, v if v not in (None, "") else "—") for k, v in pairs if k != "record sentence" or v]


def number_details(claim: Claim, checks: FactCheck, works: dict[str, Work]) -> list[dict]:
    """Per number a claim states: its text, kind, match status, the reason, and the source
    number it is set against (`source_number`, None when there is none), as JSON-ready data."""
    matches = checks.matches_of(claim.id)
    if not matches:
        return [
            {
                "text": n.text,
                "kind": n.kind,
                "status": NOT_CHECKED,
                "reason": NOT_COMPARED,
                "source": None,
            }
            for n in claim.numbers
        ]
    return [
        {
            "text": m.number.text,
            "kind": m.number.kind,
            "status": str(m.status),
            "reason": m.reason,
            "source": source_number(m.outcome, works) if m.outcome else None,
        }
        for m in matches
    ]


def number_lines(claim: Claim, checks: FactCheck, works: dict[str, Work]) -> list[str]:
    """`number_details` as plain text lines (indented by two spaces for sub-lines)."""
    lines = []
    for row in number_rows(claim, checks, works):
        lines.append(f'"{row["letter says"]}": {row["status"]}; source: {row["source says"]}')
        lines.append(f"  why: {row['why']}")
        for label, text in row["details"]:
            lines.append(f"  {label}: {text}")
    return lines


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
