"""The analyst's review as pages show it: table columns, history lines, progress. No Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

from kb.review import Event, Progress, ReviewState, disagrees

DECISION_BADGES = {"accept": "✓ accepted", "reject": "✗ rejected", "amend": "✎ amended"}
NO_ANALYST = "—"


def decision_badge(decision: str | None) -> str:
    """An analyst's decision on a finding as text with a symbol ('' when none)."""
    return DECISION_BADGES.get(decision or "", "")


def with_review(rows: Sequence[dict], state: ReviewState) -> list[dict]:
    """Claim rows with the analyst's verdict, note and reviewer from the review log, and
    whether the claim is reviewed and disagrees with the machine."""
    out = []
    for r in rows:
        j = state.judgement(r["claim"])
        verdict = j.verdict if j else ""
        out.append(
            {
                **r,
                "analyst": verdict or NO_ANALYST,
                "analyst_note": j.note if j else "",
                "reviewer": j.analyst if j else "",
                "reviewed": bool(verdict),
                "disagrees": disagrees(r.get("verdict_label"), verdict),
            }
        )
    return out


def history_line(e: Event) -> str:
    """One event as a line: '#12 2026-11-29T22:51Z Ann — verdict: supported → contradicted'."""
    what = e.field if not e.finding else f"finding {e.finding.split('|', 1)[0]}"
    before = e.before or "(none)"
    after = e.after or "(none)"
    if e.field == "note":
        before, after = f"“{before}”", f"“{after}”"
    note = f" — {e.note}" if e.note else ""
    return f"#{e.seq} · {e.at} · {e.analyst} · {what}: {before} → {after}{note}"


def progress_line(p: Progress) -> str:
    """'12 of 40 factual claims reviewed, 28 remain; 3 disagree with the machine.'"""
    dis = len(p.disagreements)
    return (
        f"{len(p.reviewed)} of {p.total} factual claims reviewed, {len(p.remaining)} remain; "
        f"{dis} disagree{'s' if dis == 1 else ''} with the machine."
    )


def finding_row_key(row: dict) -> str:
    """The review key of a findings-table row (as `kb.review.finding_key` names the finding)."""
    refs = ",".join(x.strip() for x in row.get("refs", "").split(",") if x.strip())
    works = ",".join(x.strip() for x in row.get("works", "").split(",") if x.strip())
    return f"{row['code']}|{refs}|{works}"


def findings_with_review(rows: Sequence[dict], state: ReviewState) -> list[dict]:
    """Findings rows with the analyst's decision and reason beside each (never merged)."""
    out = []
    for r in rows:
        claim = "" if r.get("claim") in (None, "—") else r["claim"]
        d = state.decision(claim, finding_row_key(r))
        out.append(
            {
                **r,
                "analyst": decision_badge(d.decision) if d else NO_ANALYST,
                "analyst reason": d.reason if d else "",
                "reviewed": d is not None,
            }
        )
    return out
