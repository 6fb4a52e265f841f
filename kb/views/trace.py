"""A claim's numbers beside the source's, for the trace panel."""

from __future__ import annotations

from kb.model import Claim, Outcome, Work
from kb.views.common import NOT_CHECKED, UNKNOWN, Checks, match_label, provenance, source_says


def number_rows(
    claim: Claim, checks: Checks, outcomes: dict[str, Outcome], works: dict[str, Work]
) -> list[dict]:
    """The letter's numbers side by side with the source's, with status and provenance."""
    matches = checks.matches.get(claim.id)
    rows = []
    if matches:
        for m in matches:
            o = outcomes.get(m.outcome) if m.outcome else None
            rows.append(
                {
                    "letter says": m.number,
                    "status": match_label(m.status),
                    "source says": source_says(o, m.kind) if o else UNKNOWN,
                    "measure": " · ".join(x for x in (o.measure, o.arm, o.timepoint) if x)
                    if o
                    else "",
                    "provenance": provenance(o, works) if o else "",
                    "why": m.reason,
                    "note": (o.note or "") if o else "",
                }
            )
        return rows
    for n in claim.numbers:
        rows.append(
            {
                "letter says": n.text,
                "status": match_label(NOT_CHECKED),
                "source says": "—",
                "measure": n.kind,
                "provenance": "",
                "why": "no fact-check result for this number",
                "note": "",
            }
        )
    return rows
