"""The summary of findings as FHIR R5 Evidence-Based Medicine resources (JSON).

A document Bundle whose first entry is a `Composition` of the EBM implementation guide's
SummaryOfFindings profile, with one section per outcome. Each section points to one
`Evidence` for the outcome (its participants and studies, and the analyst's certainty ratings
with the machine's facts as notes) and one `Evidence` per result the KB holds. Every result
carries its provenance: the work cited as `relatedArtifact` (PMID, DOI), and notes with the
locator, whether it was curated or machine-extracted and whether it was verified. Figures
derived here are separate statistics whose description says `derived` and gives the formula.
The tests validate the Bundle with the `fhir.resources` models.
"""

from __future__ import annotations

import uuid
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import json_text
from kb.export.sof import DERIVED_NOTE, RATING_NOTE, view_for
from kb.model import KnowledgeBase

PROFILE = "http://hl7.org/fhir/uv/ebm/StructureDefinition/summary-of-findings"
EBM_CODES = "https://fevir.net/resources/CodeSystem/179423"
CERTAINTY_TYPE = "http://terminology.hl7.org/CodeSystem/certainty-type"
CERTAINTY_RATING = "http://terminology.hl7.org/CodeSystem/certainty-rating"
VARIABLE_ROLE = "http://hl7.org/fhir/variable-role"
DOMAIN_CODES = {
    "risk_of_bias": "RiskOfBias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "PublicationBias",
}
LEVEL_CODES = {
    "not serious": "no-concern",
    "serious": "serious-concern",
    "very serious": "very-serious-concern",
}


def _urn(*parts: str) -> str:
    """A stable urn:uuid for one resource (the same KB gives the same ids)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "evidence-kb:" + ":".join(parts)))


def _ref(full_url: str, display: str) -> dict[str, str]:
    return {"reference": full_url, "display": display}


def _cite(p: dict[str, Any]) -> dict[str, Any]:
    ids = [f"PMID {p['pmid']}" if p["pmid"] else "", f"DOI {p['doi']}" if p["doi"] else ""]
    art: dict[str, Any] = {
        "type": "cite-as",
        "label": p["work"] or "unknown work",
        "citation": " / ".join(x for x in ids if x) or "no PMID or DOI",
    }
    if p["doi"]:
        art["resourceReference"] = {
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"https://doi.org/{p['doi']}"},
            "display": p["work"],
        }
    elif p["pmid"]:
        art["resourceReference"] = {
            "identifier": {"system": "https://pubmed.ncbi.nlm.nih.gov", "value": p["pmid"]},
            "display": p["work"],
        }
    return art


def _result_evidence(r: dict[str, Any], outcome_label: str) -> dict[str, Any]:
    p = r["provenance"]
    provenance = (
        f"provenance: work {p['work']}; locator {p['locator']}; {p['origin']}; "
        f"{'verified against the record' if p['verified'] else 'not verified'}"
    )
    reported = f"reported: {r['result']}"
    if r["comparator_result"]:
        reported += f" vs {r['comparator_result']} (comparator)"
    if r["p"]:
        reported += f"; p {r['p']}"
    statistic: list[dict[str, Any]] = [
        {
            "description": reported,
            "note": [{"text": provenance}, {"text": f"95% CI: {r['ci']}"}],
        }
    ]
    if r["participants"] is not None:
        statistic[0]["sampleSize"] = {
            "numberOfStudies": 1,
            "numberOfParticipants": r["participants"],
            "description": r["participants_source"],
        }
    for d in r["derived"]:
        statistic.append(
            {
                "description": f"derived {d['what']}: {d['value']}",
                "note": [{"text": f"derived, not reported: {d['formula']}"}, {"text": provenance}],
            }
        )
    notes = [{"text": provenance}]
    if p["note"]:
        notes.append({"text": p["note"]})
    if r["mcid"]:
        notes.append({"text": r["mcid"]})
    return {
        "resourceType": "Evidence",
        "id": r["id"],
        "status": "active",
        "title": f"{outcome_label}: {r['outcome']} ({r['study']}, {r['timepoint']})",
        "description": f"{r['outcome']}; arm {r['arm'] or 'not stated'}; study {r['study']}",
        "relatedArtifact": [_cite(p)],
        "studyDesign": [{"text": r["design"]}],
        "variableDefinition": [
            {"description": r["arm"] or "study population", "variableRole": _role("population")},
            {"description": r["comparator"], "variableRole": _role("referenceExposure")},
            {"description": r["outcome"], "variableRole": _role("measuredVariable")},
        ],
        "statistic": statistic,
        "note": notes,
    }


def _role(code: str) -> dict[str, Any]:
    return {"coding": [{"system": VARIABLE_ROLE, "code": code}]}


def _outcome_evidence(o: dict[str, Any], document: str | None) -> dict[str, Any]:
    certainty = []
    for key, code in DOMAIN_CODES.items():
        c = o["certainty"][key]
        item: dict[str, Any] = {
            "description": f"{key.replace('_', ' ')}: rated by the analyst",
            "type": {"coding": [{"system": CERTAINTY_TYPE, "code": code}]},
            "note": [{"text": f"machine's fact: {f}"} for f in o["facts"][key]],
        }
        if c["level"]:
            item["rating"] = {
                "coding": [{"system": CERTAINTY_RATING, "code": LEVEL_CODES[c["level"]]}],
                "text": c["level"],
            }
            item["rater"] = c["analyst"]
            if c["note"]:
                item["note"].insert(0, {"text": f"analyst's note: {c['note']}"})
        else:
            item["description"] = f"{key.replace('_', ' ')}: not rated by an analyst"
        certainty.append(item)
    return {
        "resourceType": "Evidence",
        "id": f"sof-{o['key']}",
        "status": "active",
        "title": o["label"],
        "description": (
            f"Participants (studies): {o['participants']} ({o['participants_note']}). "
            f"Design mix: {o['design_mix']}."
        ),
        "studyDesign": [{"text": d} for d in o["design_mix"].split(", ") if d],
        "variableDefinition": [
            {"description": c, "variableRole": _role("referenceExposure")} for c in o["comparators"]
        ]
        + [{"description": o["label"], "variableRole": _role("measuredVariable")}],
        "certainty": certainty,
        "note": [{"text": RATING_NOTE}]
        + (
            [{"text": f"{document} claims naming it: {', '.join(o['letter_mentions'])}"}]
            if document and o["letter_mentions"]
            else []
        ),  # fmt: skip
    }


def sof_fhir_bundle(kb: KnowledgeBase, fc: FactCheck, document: str | None = None) -> dict:
    """The Bundle as a dict (validated in the tests with fhir.resources)."""
    view = view_for(kb, fc, document)
    scope = document or "kb"
    doc = kb.documents.get(document) if document else None
    state = getattr(kb, "review", None)
    stamps = [e.at for e in getattr(state, "events", ()) if e.at]
    date = max(stamps) if stamps else f"{doc.date if doc and doc.date else '2000-01-01'}"
    if "T" not in date:
        date += "T00:00:00Z"
    comp_url = _urn(scope, "composition")
    sections, entries = [], []
    for o in view["outcomes"]:
        o_url = _urn(scope, "outcome", o["key"])
        entries.append({"fullUrl": o_url, "resource": _outcome_evidence(o, document)})
        refs = [_ref(o_url, o["label"])]
        for r in o["results"]:
            r_url = _urn(scope, "result", o["key"], r["id"])
            entries.append({"fullUrl": r_url, "resource": _result_evidence(r, o["label"])})
            refs.append(_ref(r_url, r["id"]))
        sections.append(
            {
                "title": o["label"],
                "code": {"text": o["key"]},
                "entry": refs,
            }
        )
    title = f"Summary of findings: {doc.title}" if doc else "Summary of findings: all studies"
    composition = {
        "resourceType": "Composition",
        "id": f"sof-{scope}",
        "meta": {"profile": [PROFILE]},
        "status": "preliminary",
        "type": {
            "coding": [
                {"system": EBM_CODES, "code": "SummaryOfFindings", "display": "SummaryOfFindings"}
            ],
            "text": "Summary of Findings",
        },
        "date": date,
        "author": [{"display": "evidence-kb (facts); analyst (certainty ratings)"}],
        "title": title,
        "note": [{"text": DERIVED_NOTE}, {"text": RATING_NOTE}],
        "section": sections,
    }
    return {
        "resourceType": "Bundle",
        "id": f"sof-{scope}-bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn(scope, "bundle")},
        "type": "document",
        "timestamp": date,
        "entry": [{"fullUrl": comp_url, "resource": composition}, *entries],
    }


def sof_fhir(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, fc: FactCheck, document: str | None = None
) -> str:
    """The summary of findings as a FHIR R5 EBM document Bundle, JSON."""
    return json_text(sof_fhir_bundle(kb, fc, document))
