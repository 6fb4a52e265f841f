"""The analyst's mapping of a claim to payer criteria, recorded in the review log.

The mapping is a claim-level field (`criteria`: criterion ids joined by ';', or 'none' for a
claim the analyst ties to no criterion); it has its history, is refused on a signed-off review,
and rides along in `kb review export` (the `criteria` column of assessments.csv).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from kb.model import KnowledgeBase
from kb.review.log import Event, ReviewError, ReviewLog
from kb.review.state import bare, claim_anchor


def mapping_value(criteria: Iterable[str]) -> str:
    """The stored form of a mapping: ids in the given order, without repeats; 'none' if empty.

    >>> mapping_value(["tec-2", "ncd-q1", "tec-2"]), mapping_value([])
    ('tec-2;ncd-q1', 'none')
    """
    ids = [c.strip() for c in criteria if c.strip()]
    return ";".join(dict.fromkeys(ids)) or "none"


def map_criteria(
    log: ReviewLog,
    kb: KnowledgeBase,
    claim_id: str,
    analyst: str,
    criteria: Iterable[str],
    known: Collection[str] | None = None,
    note: str = "",
) -> Event | None:
    """Record the criteria an analyst ties a claim to (None when nothing changes).

    `known` (by default the KB's criteria) is the vocabulary: an id outside it is refused,
    naming it, so a mapping always points at criteria that exist.
    """
    claim_id = bare(claim_id)
    claim = next((c for c in kb.claims(claim_id.split(":", 1)[0]) if c.id == claim_id), None)
    if claim is None:
        raise ReviewError(f"there is no claim {claim_id!r} in this knowledge base")
    vocabulary = set(kb.criteria if known is None else known)
    ids = list(criteria)
    unknown = [c for c in ids if c.strip() and c.strip() not in vocabulary]
    if unknown:
        raise ReviewError(
            f"unknown criterion {unknown[0]!r} (known: {', '.join(sorted(vocabulary))})"
        )
    return log.append(
        analyst,
        claim.document,
        "criteria",
        mapping_value(ids),
        claim=claim.id,
        note=note,
        anchor=claim_anchor(kb, claim),
    )
