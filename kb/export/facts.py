"""Read a fact check (kb.checks.factcheck.FactCheck) for the exporters; None means 'not run'."""

from __future__ import annotations

from typing import Any

from kb.model import Finding, Outcome


def bare(claim_id: str | None) -> str | None:
    """A claim id without its 'claim:' graph prefix."""
    return claim_id.removeprefix("claim:") if claim_id else claim_id


def _keyed(mapping: Any, claim_id: str) -> Any:
    mapping = mapping or {}
    found = mapping.get(claim_id)
    return found if found is not None else mapping.get(f"claim:{claim_id}")


def verdict_of(fc: Any, claim_id: str) -> Any | None:
    """The machine verdict of a claim, or None when there is none (or no fact check)."""
    if fc is None:
        return None
    return _keyed(getattr(fc, "verdicts", None), claim_id)


def verdict_label(fc: Any, claim_id: str) -> str:
    """The verdict's label, or '' when there is none."""
    v = verdict_of(fc, claim_id)
    return "" if v is None else str(getattr(v, "label", "") or "")


def verdict_reason(fc: Any, claim_id: str) -> str:
    """The verdict's reason, or ''."""
    v = verdict_of(fc, claim_id)
    return "" if v is None else str(getattr(v, "reason", "") or "")


def matches_of(fc: Any, claim_id: str) -> tuple[Any, ...]:
    """The claim's number matches in the order of the numbers in the text."""
    if fc is None:
        return ()
    found = tuple(_keyed(getattr(fc, "matches", None), claim_id) or ())
    return tuple(sorted(found, key=lambda m: (getattr(m.number, "start", 0), m.status)))


def match_outcome(match: Any) -> Outcome | None:
    """The reported number a match points to, if any."""
    return getattr(match, "outcome", None)


def findings_all(fc: Any) -> tuple[Finding, ...]:
    """Every finding of the fact check."""
    return tuple(getattr(fc, "findings", ()) or ()) if fc is not None else ()


def findings_of_claim(fc: Any, claim_id: str) -> list[Finding]:
    """Findings about one claim."""
    return [f for f in findings_all(fc) if bare(f.claim) == claim_id]


def findings_for_ref(
    fc: Any, document: str, claim_id: str, number: int | None, citekey: str | None
) -> list[Finding]:
    """Findings that bear on one reference of a claim (claim-wide ones included)."""
    return [f for f in findings_all(fc) if _bears_on(f, document, claim_id, number, citekey)]


# Document-level findings about one reference carry this prefix (as kb.checks.factcheck reads them).
REFERENCE_FAMILY = "CIT-"


def _bears_on(
    f: Finding, document: str, claim_id: str, number: int | None, citekey: str | None
) -> bool:
    names_ref = number is not None and number in f.refs
    names_work = bool(citekey) and citekey in f.works
    if bare(f.claim) == claim_id:
        if not f.refs and not f.works:
            return True
        return names_work if (citekey and f.works) else names_ref
    if f.claim is None and f.document == document:
        return names_ref and f.code.startswith(REFERENCE_FAMILY)
    if f.claim is None and f.document is None:
        return names_work
    return False


def codes(findings: list[Finding]) -> str:
    """Distinct finding codes, sorted, joined by '; '."""
    return "; ".join(sorted({f.code for f in findings}))


def verdict_codes(fc: Any, claim_id: str) -> tuple[str, ...]:
    """Finding codes the verdict rests on (its own list when it has one)."""
    v = verdict_of(fc, claim_id)
    own = getattr(v, "codes", None) if v is not None else None
    if own:
        return tuple(sorted(set(own)))
    return tuple(sorted({f.code for f in findings_of_claim(fc, claim_id)}))
