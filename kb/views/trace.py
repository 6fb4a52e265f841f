"""A claim's numbers beside the source's, for the trace panel."""

from __future__ import annotations

from kb.checks.factcheck import FactCheck
from kb.model import Claim, Work
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
