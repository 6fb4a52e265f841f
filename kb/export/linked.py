"""Linked data for fact-check sites: schema.org ClaimReview and W3C Web Annotation JSON-LD."""

from __future__ import annotations

import uuid
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import analyst_map, claims_of, document_or_raise, json_text, one_line
from kb.export.tables import doi_link, pmid_link
from kb.graph import trace
from kb.linking.anchors import selectors
from kb.model import Claim, Document, KnowledgeBase, Work
from kb.views.cite import format_ama

SCHEMA_CONTEXT = "https://schema.org"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
REVIEWER = "evidence-kb"

# Where a verdict label sits on a 1 (worst) to 5 (best) scale; unknown labels get no value.
RATING_VALUES = {
    "supported": 5,
    "partly supported": 3,
    "not supported": 2,
    "not supported by the cited source": 2,
    "contradicted": 1,
}
# Verdicts that say there is nothing to review: no ClaimReview is made for them.
NOT_REVIEWED = frozenset({"no factual claim"})

# A fixed namespace so the same claim always gets the same urn:uuid.
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:evidence-kb")


def stable_iri(*parts: str) -> str:
    """A urn:uuid IRI derived from the parts (same parts, same IRI)."""
    return f"urn:uuid:{uuid.uuid5(_NS, '/'.join(parts))}"


def text_selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """TextQuoteSelector then TextPositionSelector for text[start:end] (from kb.linking.anchors)."""
    found = selectors(text, start, end)
    return [found["TextQuoteSelector"], found["TextPositionSelector"]]


def _work_ld(work: Work) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@type": "ScholarlyArticle" if work.is_publication else "CreativeWork",
        "name": one_line(work.title),
        "description": format_ama(work),
    }
    ids = []
    if work.doi:
        ids.append({"@type": "PropertyValue", "propertyID": "DOI", "value": work.doi})
    if work.pmid:
        ids.append({"@type": "PropertyValue", "propertyID": "PMID", "value": work.pmid})
    if ids:
        out["identifier"] = ids
    links = [u for u in (doi_link(work.doi), pmid_link(work.pmid)) if u]
    if links:
        out["sameAs"] = links
    if work.year and "year" not in work.unconfirmed:
        # a structured field cannot say where it came from: a year only the letter's citation
        # gives stays out (the description names it)
        out["datePublished"] = str(work.year)
    return out


def _claim_works(graph: nx.MultiDiGraph, claim: Claim) -> list[Work]:
    return list(trace(graph, claim.id).works)


def _appearance(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "CreativeWork", "name": doc.title, "identifier": doc.id}
    if doc.date:
        out["datePublished"] = doc.date
    if doc.organisation:
        out["author"] = {"@type": "Organization", "name": doc.organisation}
    return out


def signed_verdict(kb: KnowledgeBase, claim: Claim) -> Any | None:
    """The analyst's judgement of a claim when its document's review is signed off, else None."""
    state = kb.review
    if state is None or state.signed_off(claim.document) is None:
        return None
    j = state.judgement(claim.id)
    return j if j is not None and j.verdict else None


def claim_review(
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    doc: Document,
    claim: Claim,
    analyst: list | None = None,
    signed: Any = None,
) -> dict[str, Any] | None:
    """A schema.org ClaimReview of one claim, or None when it has no verdict to publish.

    With `signed` (the analyst's judgement of a signed-off review) the rating is the analyst's
    and the review is authored by the analyst; the machine's verdict stays in `keywords`.
    """
    label = fc.verdict(claim.id).label
    if signed is not None:
        label = signed.verdict
    elif not label or label in NOT_REVIEWED:
        return None
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label}
    if label in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[label], bestRating=5, worstRating=1)
    reason = signed.note if signed is not None else fc.verdict(claim.id).reason
    if reason:
        rating["ratingExplanation"] = reason
    item: dict[str, Any] = {"@type": "Claim", "appearance": _appearance(doc)}
    if doc.organisation:
        item["author"] = {"@type": "Organization", "name": doc.organisation}
    if doc.date:
        item["datePublished"] = doc.date
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "@id": stable_iri("claimreview", claim.id),
        "identifier": claim.id,
        "claimReviewed": one_line(claim.text),
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {"@type": "Organization", "name": REVIEWER},
    }
    if signed is not None:
        review["author"] = {"@type": "Person", "name": signed.analyst}
        review["datePublished"] = signed.at
        machine = fc.verdict(claim.id).label
        if machine:
            review["keywords"] = [f"machine verdict: {machine}"]
    works = _claim_works(graph, claim)
    if works:
        review["citation"] = [_work_ld(w) for w in works]
    codes = fc.verdict_codes(claim.id)
    if codes:
        review["keywords"] = review.get("keywords", []) + list(codes)
    judged = [
        {
            "@type": "Review",
            "author": {"@type": "Person", "name": a.analyst or "analyst"},
            "reviewRating": {"@type": "Rating", "alternateName": a.verdict},
            **({"reviewBody": a.note} if a.note else {}),
            **({"datePublished": a.date} if a.date else {}),
        }
        for a in analyst or ()
    ]
    if judged:
        review["review"] = judged
    return review


def claim_reviews(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> list[dict[str, Any]]:
    """ClaimReview objects, one per claim with a machine verdict (or a signed-off analyst
    verdict, which then takes its place), in reading order."""
    out = []
    analyst = analyst_map(kb)
    for claim in claims_of(kb, document):
        doc = document_or_raise(kb, claim.document)
        signed = signed_verdict(kb, claim)
        review = claim_review(graph, fc, doc, claim, analyst.get(claim.id), signed)
        if review is not None:
            out.append(review)
    return out


def claimreview_jsonld(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """ClaimReview JSON-LD: an array of ClaimReview objects (empty without a fact check)."""
    return json_text(claim_reviews(kb, graph, fc, document))


def web_annotation(
    graph: nx.MultiDiGraph, fc: FactCheck, doc: Document, claim: Claim, analyst: list | None = None
) -> dict[str, Any]:
    """A W3C Web Annotation anchoring one claim, with its verdict and sources as bodies."""
    bodies: list[dict[str, Any]] = []
    label = fc.verdict(claim.id).label
    if label:
        reason = fc.verdict(claim.id).reason
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "format": "text/plain",
                "value": f"{label}: {reason}" if reason else label,
            }
        )
        bodies.append({"type": "TextualBody", "purpose": "tagging", "value": label})
        for code in fc.verdict_codes(claim.id):
            bodies.append({"type": "TextualBody", "purpose": "classifying", "value": code})
    for a in analyst or ():
        text = f"analyst ({a.analyst or 'unnamed'}): {a.verdict}"
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "format": "text/plain",
                "value": text + (f": {a.note}" if a.note else ""),
            }
        )
    for w in _claim_works(graph, claim):
        link = doi_link(w.doi) or pmid_link(w.pmid)
        if link:
            bodies.append({"type": "SpecificResource", "purpose": "linking", "source": link})
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "value": format_ama(w),
            }
        )
    anno: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": stable_iri("annotation", claim.id),
        "type": "Annotation",
        "motivation": "assessing" if label else "linking",
        "creator": {"type": "Software", "name": REVIEWER},
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": stable_iri("document", doc.id),
                "type": "Text",
                "format": "text/plain",
                "title": doc.title,
            },
            "selector": text_selectors(doc.text, claim.start, claim.end),
        },
    }
    if bodies:
        anno["body"] = bodies
    return anno


def web_annotations(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> list[dict[str, Any]]:
    """Web Annotations, one per claim, in reading order."""
    analyst = analyst_map(kb)
    return [
        web_annotation(graph, fc, document_or_raise(kb, c.document), c, analyst.get(c.id))
        for c in claims_of(kb, document)
    ]


def annotations_jsonld(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """W3C Web Annotation JSON-LD: an array of annotations, one per claim."""
    return json_text(web_annotations(kb, graph, fc, document))
