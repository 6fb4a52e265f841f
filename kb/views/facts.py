"""Study facts as the payer criteria read them: what kind of outcome a measure reports, whether
a result compares arms, a study's setting, registry listing and the `bears_on` terms it meets, and
the studies a document cites. Shared by the criteria view (kb/views/criteria.py).

>>> outcome_kind(kb.outcomes["encore-6m-primary"]), between_arms(kb.outcomes["ccfp-12m-vas"])
('function', False)
"""

from __future__ import annotations

import re

from kb import schema
from kb.model import KnowledgeBase, Outcome, Study, StudyFact

UNKNOWN = "unknown"
NO_KIND_MEASURES = frozenset(
    {
        "sample size",
        "age",
        "comorbidity",
        "prevalence",
        "other",
        "responsiveness",
        "consensus point",
        "cost",
        "cost per QALY",
        "QALY",
    }
)
"""Measures that say nothing of an outcome kind (a psychometric or cost figure, a count)."""
STUDY_SIGNALS = ("design", "comparator", "setting", "registry")
"""The `bears_on` prefixes a study meets by itself (a `fact:` is what the criterion needs)."""
PRIMARY_SETTINGS = ("trial", "registry", "claims data", "case series", "pooled analysis")

OUTCOME_WORDS = {
    "function": re.compile(
        r"\bODI\b|Oswestry|\bfunction\w*|disabilit\w*|\bwalk\w*|\bstanding\b|quality of life|"
        r"\bQoL\b|mobility|\bWTT\b|Roland|\bRMDQ\b|\bPDI\b",
        re.IGNORECASE,
    ),
    "pain": re.compile(
        r"\bpain\b|\bNPRS\b|\bVAS\b|analges\w*|opioid\w*|\bMME\b|symptom severity", re.IGNORECASE
    ),
    "management": re.compile(
        r"\bsubsequent\b|\bsurg\w*|re-?operation|\binterventions?\b|\bSLSIs?\b|resource use|"
        r"treatment failure|\bdischarged\b",
        re.IGNORECASE,
    ),
    "harm": re.compile(
        r"\badverse\b|\bAEs?\b|\bharms?\b|complication\w*|\bsafety\b|\bsafe\b|instability",
        re.IGNORECASE,
    ),
}
# --- study facts ---------------------------------------------------------------------------


def fact_provenance(f: StudyFact) -> str:
    """Where a study fact was read: the work and locator, and the data file's line."""
    where = f.source_ref + (f", {f.locator}" if f.locator else "")
    return f"{where} [{f.source.file}:{f.source.line}]"


def study_provenance(s: Study) -> str:
    """The studies.csv line a study's design, comparator, N and follow-up come from."""
    return f"{s.source.file}:{s.source.line}" if s.source.line else s.source.file


def fact_text(f: StudyFact) -> str:
    """A fact's value with its timepoint ('followed 64 of 77 ... (2 years)')."""
    return f.value + (f" ({f.timepoint})" if f.timepoint else "")


def first_fact(kb: KnowledgeBase, study: str, fact: str) -> StudyFact | None:
    """The first recorded fact of a kind for a study, or None (unknown)."""
    found = kb.facts_of(study, fact)
    return found[0] if found else None


def outcome_kind(o: Outcome) -> str | None:
    """What an outcome measures (function, pain, management, harm), from its measure or, when
    the measure says nothing (a responder rate, 'other'), from the outcome's words."""
    kind = schema.MEASURE_KINDS.get(o.measure)
    if kind is not None:
        return kind
    if o.measure in NO_KIND_MEASURES:
        return None
    words = o.outcome or ""
    return next((k for k, rx in OUTCOME_WORDS.items() if rx.search(words)), None)


def between_arms(o: Outcome) -> bool:
    """True when the outcome compares two arms (not an arm against its own baseline)."""
    arm = (o.arm or "").lower()
    text = (o.outcome or "").lower()
    against_baseline = any(
        "baseline" in (x or "").lower() for x in (o.timepoint, o.unit, o.comparator_text, o.arm)
    )
    if against_baseline:
        return False
    return (
        o.comparator_value is not None
        or bool(o.comparator_text)
        or " vs " in arm
        or "between arms" in text
    )


def study_outcomes(kb: KnowledgeBase, study: str) -> dict[str, list[Outcome]]:
    """A study's curated outcomes by outcome kind."""
    out: dict[str, list[Outcome]] = {}
    for o in kb.outcomes.values():
        if o.study == study:
            kind = outcome_kind(o)
            if kind is not None:
                out.setdefault(kind, []).append(o)
    return out


def setting_of(kb: KnowledgeBase, s: Study) -> str | None:
    """The study's setting fact, or None (unknown)."""
    f = first_fact(kb, s.id, "setting")
    return f.value if f else None


def is_primary(kb: KnowledgeBase, s: Study) -> bool:
    """A study that observed patients (trial, registry, claims data, case series, pooling)."""
    return setting_of(kb, s) in PRIMARY_SETTINGS


def registry_of(kb: KnowledgeBase, s: Study) -> str | None:
    """The study's registry listing (a study fact, else studies.csv's registry column)."""
    f = first_fact(kb, s.id, "registry")
    return f.value if f else s.registry


def signal_matches(kb: KnowledgeBase, s: Study, term: str) -> str | None:
    """Why a study meets one `bears_on` term, or None. `fact:` terms are met by any recorded
    value (the fact is what the criterion needs, whatever it says)."""
    prefix, _, want = term.partition(":")
    if prefix == "design":
        return f"design {s.design}" if s.design.lower().startswith(want.lower()) else None
    if prefix == "comparator":
        f = first_fact(kb, s.id, "comparator_class")
        return f"comparator class {want}" if f and f.value == want else None
    if prefix == "setting":
        return f"setting {want}" if setting_of(kb, s) == want else None
    if prefix == "registry":
        return f"registered as {want}" if registry_of(kb, s) == want else None
    if prefix == "fact":
        f = first_fact(kb, s.id, want)
        return f"{want.replace('_', ' ')} recorded" if f else None
    return None


# --- the document's studies ----------------------------------------------------------------


def cited_studies(kb: KnowledgeBase, document: str | None) -> list[Study]:
    """Studies the document's reference list reaches (first citation order), or every study."""
    if document is None:
        return list(kb.studies.values())
    reading = kb.readings.get(document)
    entries = sorted(getattr(reading, "entries", ()) or (), key=lambda e: e.number)
    seen: dict[str, Study] = {}
    for e in entries:
        res = kb.resolutions.get(e.id)
        if res is None or res.work is None:
            continue
        for s in kb.studies_of(res.work):
            seen.setdefault(s.id, s)
    return list(seen.values())


def refs_of_study(kb: KnowledgeBase, document: str | None, s: Study) -> list[int]:
    """The document's reference numbers that reach a study."""
    if document is None:
        return []
    reading = kb.readings.get(document)
    out = []
    for e in getattr(reading, "entries", ()) or ():
        res = kb.resolutions.get(e.id)
        if res is not None and res.work in s.works:
            out.append(e.number)
    return sorted(out)
