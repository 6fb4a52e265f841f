"""Claims and findings as plain JSON-ready data: what `kb claims`, `kb check` and ingest print."""

from __future__ import annotations

from collections.abc import Mapping

from kb.model import Claim, Finding, KnowledgeBase


def claim_record(c: Claim) -> dict:
    """A claim as plain JSON-ready data."""
    return {
        "id": c.id,
        "document": c.document,
        "section": c.section,
        "kind": c.kind,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "refs": list(c.refs),
        "numbers": [
            {"text": n.text, "value": n.value, "kind": n.kind, "start": n.start, "end": n.end}
            for n in c.numbers
        ],
    }


def finding_record(
    kb: KnowledgeBase, f: Finding, claims: Mapping[str, Claim] | None = None
) -> dict:
    """A finding as plain JSON-ready data (claim text included); `claims` maps id -> claim
    (built from the finding's document when not given)."""
    if claims is None:
        claims = {c.id: c for c in kb.claims(f.document)} if f.claim else {}
    claim = claims.get(f.claim) if f.claim else None
    return {
        "code": f.code,
        "severity": f.severity,
        "document": f.document,
        "claim_id": f.claim,
        "claim_text": claim.text if claim else None,
        "message": f.message,
        "refs": list(f.refs),
        "works": list(f.works),
        "evidence": {k: v for k, v in f.evidence},
    }
