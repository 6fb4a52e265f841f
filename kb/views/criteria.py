"""The payer's lens: each coverage criterion with the studies that bear on it and the gaps, and
each claim mapped to the criteria it bears on (the machine's suggestion with its rule, beside the
analyst's mapping from the review log).

Everything here is built from the KB's criteria (criteria.csv or a plan's own file), its study
facts (study_facts.csv), studies and outcomes, and the claims' traces; nothing is concluded. A
gap says what the knowledge base does not hold ("no sham-controlled trial among the cited
studies"), with the facts it rests on and where each was read; whether a criterion is met is the
analyst's call.

>>> v = criteria_view(kb, g, fc, "nysipp-2026")
>>> [r["criterion"] for r in v.criteria][:3]
['tec-1', 'tec-2', 'tec-3']
>>> next(x["gap"] for x in v.gaps["tec-2"] if x["rule"] == "GAP-SHAM")[:35]
'No sham-controlled trial among the '
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.graph import trace
from kb.model import Claim, Criterion, KnowledgeBase, Study, StudyFact
from kb.schema import FACTUAL_KINDS
from kb.views.facts import (
    OUTCOME_WORDS,
    STUDY_SIGNALS,
    UNKNOWN,
    between_arms,
    cited_studies,
    fact_provenance,
    fact_text,
    first_fact,
    is_primary,
    refs_of_study,
    registry_of,
    setting_of,
    signal_matches,
    study_outcomes,
    study_provenance,
)

COVERAGE_CODES = ("EVID-NCD-WITHOUT-CED", "EVID-CODING-AS-EVIDENCE")
"""Finding codes shown on the criteria page (EVID-CODING-AS-EVIDENCE when its check exists)."""
TOPIC_WORDS = {
    "regulatory": re.compile(r"\bFDA\b|\bclear(?:ed|ance)\b|\bregulatory\b", re.IGNORECASE),
    "coverage": re.compile(
        r"\bNCD\b|National Coverage Determination|\bMedicare\b|\bCMS\b|"
        r"coverage with evidence development|\bCED\b",
        re.IGNORECASE,
    ),
    "registry": re.compile(r"ClinicalTrials\.gov|\bNCT\d{8}\b|\bregist(?:ry|ered)\b", re.I),
    "coding": re.compile(r"\bCPT\b|\bCategory I{1,3}\b|\bcodes?\b", re.IGNORECASE),
}


# --- per criterion: evidence and gaps ------------------------------------------------------


def _n(s: Study) -> str:
    def named(word: str, value: str | None) -> str:
        # the studies.csv cell may already name its set ("enrolled and treated=78")
        if not value:
            return ""
        own = ("enrolled", "treated", "received", "reviewed", "randomized", "analysed")
        return value if any(w in value.lower() for w in own) else f"{word} {value}"

    parts = [named("enrolled", s.enrolled), named("randomized", s.randomized)]
    parts = [p for p in parts if p]
    return "; ".join(parts) or UNKNOWN


def evidence_rows(
    kb: KnowledgeBase, c: Criterion, studies: list[Study], document: str | None
) -> list[dict[str, Any]]:
    """The cited studies that bear on a criterion: how (design, comparator, N, follow-up), the
    facts the criterion needs (unknown when not recorded), the rules that tied them, and the
    provenance of each."""
    rows = []
    for s in studies:
        why = []
        by_kind = study_outcomes(kb, s.id)
        for kind in c.outcome_kinds:
            if by_kind.get(kind):
                measures = sorted({o.measure for o in by_kind[kind]})
                why.append(f"R-OUTCOME: reports {kind} outcomes ({', '.join(measures)})")
        facts_only = not c.outcome_kinds and not any(
            t.partition(":")[0] in STUDY_SIGNALS for t in c.bears_on
        )
        tied = bool(why)
        for term in c.bears_on:
            hit = signal_matches(kb, s, term)
            if hit:
                why.append(f"R-{term.partition(':')[0].upper()}: {hit}")
                tied = tied or facts_only or term.partition(":")[0] in STUDY_SIGNALS
        if not tied:
            continue
        facts, fact_sources = [], []
        for term in c.bears_on:
            prefix, _, name = term.partition(":")
            if prefix != "fact":
                continue
            found = kb.facts_of(s.id, name)
            label = name.replace("_", " ")
            if not found:
                facts.append(f"{label}: {UNKNOWN}")
            for f in found:
                facts.append(f"{label}: {fact_text(f)}")
                fact_sources.append(fact_provenance(f))
        comparator = first_fact(kb, s.id, "comparator_class")
        setting = first_fact(kb, s.id, "setting")
        for known in (comparator, setting):
            if known is not None and fact_provenance(known) not in fact_sources:
                fact_sources.append(fact_provenance(known))
        refs = refs_of_study(kb, document, s)
        rows.append(
            {
                "criterion": c.id,
                "study": s.id,
                "name": s.name,
                "refs": ", ".join(str(r) for r in refs),
                "design": s.design or UNKNOWN,
                "setting": setting.value if setting else UNKNOWN,
                "comparator": s.comparator or UNKNOWN,
                "comparator class": comparator.value if comparator else UNKNOWN,
                "N": _n(s),
                "follow-up": s.follow_up or UNKNOWN,
                "facts": "; ".join(facts),
                "rules": "; ".join(why),
                "provenance": "; ".join([study_provenance(s), *fact_sources]),
            }
        )
    return rows


def _gap(rule: str, text: str, provenance: list[str]) -> dict[str, str]:
    return {"rule": rule, "gap": text, "provenance": "; ".join(dict.fromkeys(provenance))}


def _named(items: Sequence[tuple[Study, StudyFact | None]]) -> str:
    """'open label (encore, motion); not blinded (midas1)': studies grouped by a fact's value."""
    groups: dict[str, list[str]] = {}
    for s, f in items:
        groups.setdefault(f.value if f else UNKNOWN, []).append(s.id)
    return "; ".join(f"{value} ({', '.join(ids)})" for value, ids in groups.items())


def gap_rows(
    kb: KnowledgeBase, c: Criterion, studies: list[Study], evidence: list[dict]
) -> list[dict[str, str]]:
    """What the knowledge base does not hold for a criterion, each gap with its rule and the
    facts it rests on. Factual only: a gap is an absence, never a verdict."""
    gaps: list[dict[str, str]] = []
    primary = [s for s in studies if is_primary(kb, s)]
    addressing = {r["study"] for r in evidence}
    if not evidence:
        gaps.append(
            _gap(
                "GAP-NO-STUDY",
                "No cited study in the knowledge base bears on this criterion; the claims mapped "
                "to it are listed below.",
                [f"{c.source.file}:{c.source.line}"],
            )
        )
    comparators = [(s, first_fact(kb, s.id, "comparator_class")) for s in primary]
    terms = set(c.bears_on)
    if "comparator:sham" in terms and not any(f and f.value == "sham" for _, f in comparators):
        known = [(s, f) for s, f in comparators if f]
        gaps.append(
            _gap(
                "GAP-SHAM",
                "No sham-controlled trial among the cited studies (comparator classes recorded: "
                f"{_named(known) or 'none'}).",
                [fact_provenance(f) for _, f in known],
            )
        )
    for term in sorted(t for t in terms if t.startswith("comparator:") and t != "comparator:sham"):
        want = term.partition(":")[2]
        with_it = [(s, f) for s, f in comparators if f and f.value == want]
        in_trials = [s for s, _ in with_it if setting_of(kb, s) == "trial"]
        if in_trials:
            continue
        if with_it:
            where = "; ".join(
                f"{s.id}: {setting_of(kb, s) or UNKNOWN}, {s.comparator or want}"
                for s, _ in with_it
            )
            text = f"No trial compares with {want}; the comparison with {want} is only in {where}."
            prov = [fact_provenance(f) for _, f in with_it if f]
            prov += [
                fact_provenance(x) for s, _ in with_it if (x := first_fact(kb, s.id, "setting"))
            ]
        else:
            text = f"No cited study compares with {want}."
            prov = [fact_provenance(f) for _, f in comparators if f]
        gaps.append(_gap("GAP-COMPARATOR", text, prov))
    trials = [s for s in primary if setting_of(kb, s) == "trial" and s.id in addressing]
    if "fact:blinding" in terms and trials:
        blind = [(s, first_fact(kb, s.id, "blinding")) for s in trials]
        open_ = [(s, f) for s, f in blind if f and re.search(r"open|not blind", f.value, re.I)]
        if len(open_) == len(trials):
            gaps.append(
                _gap(
                    "GAP-BLINDING",
                    f"No blinded trial among the cited studies: {_named(open_)}.",
                    [fact_provenance(f) for _, f in open_ if f],
                )
            )
    for s in [x for x in primary if x.id in addressing]:
        if "fact:crossover" in terms:
            for f in kb.facts_of(s.id, "crossover"):
                gaps.append(
                    _gap(
                        "GAP-CROSSOVER",
                        f"No between-group comparison in {s.id} after crossover: {fact_text(f)}.",
                        [fact_provenance(f)],
                    )
                )
        if "fact:randomized_comparison_until" in terms:
            for f in kb.facts_of(s.id, "randomized_comparison_until"):
                gaps.append(
                    _gap(
                        "GAP-RANDOMIZED-UNTIL",
                        f"No randomized between-arm comparison in {s.id} beyond {f.value}; later "
                        "results are of one arm against its baseline.",
                        [fact_provenance(f)],
                    )
                )
    for kind in c.outcome_kinds:
        reporting = {s.id: study_outcomes(kb, s.id).get(kind, []) for s in primary}
        reporting = {k: v for k, v in reporting.items() if v}
        if not reporting:
            gaps.append(
                _gap(
                    "GAP-OUTCOME",
                    f"No cited study reports {kind} outcomes in the knowledge base.",
                    [f"outcomes.csv (no {kind} row for a cited study)"],
                )
            )
            continue
        between = {k: [o for o in v if between_arms(o)] for k, v in reporting.items()}
        held = [o for v in between.values() for o in v]
        if held:
            listed = "; ".join(
                f"{o.id} ({o.timepoint or 'timepoint not recorded'}"
                f"{'' if o.value is not None or o.value_text else ', figure not held'})"
                for o in held
            )
            gaps.append(
                _gap(
                    "GAP-BETWEEN-ARMS-HELD",
                    f"Between-arm results for {kind} outcomes are held only for: {listed}.",
                    [
                        f"outcomes.csv:{o.source.line} ({o.work}, {o.locator or 'no locator'})"
                        for o in held
                    ],
                )
            )
        if not held:
            gaps.append(
                _gap(
                    "GAP-BETWEEN-ARMS",
                    f"No between-arm result for {kind} outcomes is held; "
                    f"{', '.join(reporting)} report them for one arm or against baseline.",
                    [
                        f"outcomes.csv:{o.source.line} ({o.id})"
                        for v in reporting.values()
                        for o in v
                    ],
                )
            )
    for term in sorted(t for t in terms if t.startswith("registry:")):
        want = term.partition(":")[2]
        if not any(registry_of(kb, s) == want for s in studies):
            gaps.append(
                _gap("GAP-REGISTRY", f"No cited study is registered as {want}.", [c.source.file])
            )
    for term in sorted(t for t in terms if t.startswith("setting:")):
        want = term.partition(":")[2]
        if not any(setting_of(kb, s) == want for s in studies):
            gaps.append(
                _gap(
                    "GAP-SETTING",
                    f"No cited study is a {want} study.",
                    [f"study_facts.csv (no setting row '{want}' for a cited study)"],
                )
            )
    # the facts the criterion needs, where the knowledge base holds none
    scope = [s for s in primary if s.id in addressing]
    if not scope or not (set(c.outcome_kinds) or any(not t.startswith("fact:") for t in terms)):
        scope = primary
    for term in [t for t in c.bears_on if t.startswith("fact:")]:
        name = term.partition(":")[2]
        unknown = [s.id for s in scope if not kb.facts_of(s.id, name)]
        if not unknown:
            continue
        label = name.replace("_", " ")
        whom = (
            "any of the cited studies"
            if scope is primary and len(unknown) == len(scope)
            else ", ".join(unknown)
        )
        gaps.append(
            _gap(
                "GAP-UNKNOWN",
                f"{label[0].upper()}{label[1:]} is not recorded for {whom} (unknown).",
                [f"study_facts.csv (no {name} row)"],
            )
        )
    return gaps


# --- claims mapped to criteria ------------------------------------------------------------


def _claim_studies(g: nx.MultiDiGraph, fc: FactCheck, claim: Claim) -> tuple[Study, ...]:
    t = trace(g, claim.id)
    if t.studies or not fc.carriers.get(claim.id):
        return t.studies
    return trace(g, fc.carriers[claim.id]).studies


def suggest(
    kb: KnowledgeBase, criteria: dict[str, Criterion], claim: Claim, studies: tuple[Study, ...]
) -> list[tuple[str, str]]:
    """The machine's suggestions for one claim: (criterion id, the rule that made it).

    R-OUTCOME: a claim resting on a study speaks of an outcome kind the criterion names;
    R-TOPIC: the claim's words touch a topic the criterion bears on (regulatory, coverage,
    registry, coding); R-STUDY: the claim cites a study whose design, comparator, setting or
    registry listing the criterion bears on.
    """
    out: list[tuple[str, str]] = []
    kinds = {}
    if studies:
        for kind, rx in OUTCOME_WORDS.items():
            m = rx.search(claim.text)
            if m:
                kinds[kind] = m.group()
    topics = {t: m.group() for t, rx in TOPIC_WORDS.items() if (m := rx.search(claim.text))}
    for c in criteria.values():
        for kind in c.outcome_kinds:
            if kind in kinds:
                out.append((c.id, f"R-OUTCOME: speaks of {kind} (\u201c{kinds[kind]}\u201d)"))
                break
        for term in c.bears_on:
            prefix, _, value = term.partition(":")
            if prefix == "topic" and value in topics:
                out.append((c.id, f"R-TOPIC: speaks of {value} (\u201c{topics[value]}\u201d)"))
            elif prefix in ("design", "comparator", "setting", "registry"):
                for s in studies:
                    hit = signal_matches(kb, s, term)
                    if hit:
                        out.append((c.id, f"R-STUDY: cites {s.id} ({hit})"))
                        break
    return out


def parse_mapping(value: str) -> tuple[str, ...]:
    """An analyst's mapping as stored in the review log: ';'-joined criterion ids, or 'none'."""
    return tuple(p.strip() for p in value.split(";") if p.strip() and p.strip() != "none")


def claim_rows(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    document: str,
    criteria: dict[str, Criterion],
    state: Any = None,
) -> list[dict[str, Any]]:
    """Each claim with a machine suggestion or an analyst mapping: the suggestion and its rules,
    the analyst's mapping (from the review state) and the coverage findings on it."""
    rows = []
    for c in kb.claims(document):
        if c.kind not in FACTUAL_KINDS:
            continue
        studies = _claim_studies(g, fc, c)
        found = suggest(kb, criteria, c, studies)
        machine = tuple(dict.fromkeys(cid for cid, _ in found))
        j = state.judgements.get(c.id) if state is not None else None
        analyst_raw = getattr(j, "criteria", "") if j is not None else ""
        flags = [f for f in fc.findings_of(c.id) if f.code in COVERAGE_CODES]
        if not machine and not analyst_raw and not flags:
            continue
        analyst = parse_mapping(analyst_raw)
        if not analyst_raw:
            status = "not reviewed"
        elif set(analyst) == set(machine):
            status = "confirmed"
        else:
            status = "changed"
        rows.append(
            {
                "claim": f"{c.id}",
                "text": c.text,
                "studies": ", ".join(s.id for s in studies),
                "machine": "; ".join(machine),
                "rules": "; ".join(f"{cid} \u2190 {rule}" for cid, rule in found),
                "analyst": analyst_raw,
                "analyst_by": getattr(j, "analyst", "") if analyst_raw else "",
                "status": status,
                "flags": "; ".join(f"{f.code}: {f.message}" for f in flags),
                "provenance": f"{kb.documents[document].file}, characters {c.start}-{c.end}; "
                + ("review log" if analyst_raw else "machine rules only"),
            }
        )
    return rows


# --- the whole view -----------------------------------------------------------------------


@dataclass
class CriteriaView:
    """What the Payer criteria page, `kb criteria` and the criteria exports show."""

    document: str | None
    criteria: list[dict[str, str]] = field(default_factory=list)
    evidence: dict[str, list[dict]] = field(default_factory=dict)
    gaps: dict[str, list[dict]] = field(default_factory=dict)
    claims: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)

    def claims_for(self, criterion: str) -> list[dict]:
        """Claims the machine or the analyst ties to one criterion."""
        return [
            r
            for r in self.claims
            if criterion in r["machine"].split("; ") or criterion in parse_mapping(r["analyst"])
        ]

    def as_json(self) -> dict[str, Any]:
        """Plain data (the CLI's JSON and the golden file)."""
        return {
            "document": self.document,
            "criteria": [
                {
                    **c,
                    "evidence": self.evidence[c["criterion"]],
                    "gaps": self.gaps[c["criterion"]],
                    "claims": [r["claim"] for r in self.claims_for(c["criterion"])],
                }
                for c in self.criteria
            ],
            "claims": self.claims,
            "flags": self.flags,
        }


def criterion_row(c: Criterion) -> dict[str, str]:
    """One criterion as a row, with its source, date and where it was read."""
    return {
        "criterion": c.id,
        "framework": c.framework,
        "kind": c.kind,
        "title": c.title,
        "text": c.text,
        "outcome kinds": ", ".join(c.outcome_kinds),
        "bears on": ", ".join(c.bears_on),
        "source": c.source_ref,
        "date": c.date,
        "locator": c.locator or "",
        "provenance": f"{c.source.file}:{c.source.line}",
    }


def criteria_view(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None,
    criteria: dict[str, Criterion] | None = None,
    state: Any = None,
) -> CriteriaView:
    """Criteria (the KB's, or a plan's), per criterion the evidence and the gaps, the mapped
    claims of a document, and the coverage findings. `state` is the review state (else
    `kb.review` when an export attached it)."""
    crit = kb.criteria if criteria is None else criteria
    state = state if state is not None else kb.review
    studies = cited_studies(kb, document)
    view = CriteriaView(document)
    for c in crit.values():
        view.criteria.append(criterion_row(c))
        view.evidence[c.id] = evidence_rows(kb, c, studies, document)
        view.gaps[c.id] = gap_rows(kb, c, studies, view.evidence[c.id])
    if document is not None:
        view.claims = claim_rows(kb, g, fc, document, crit, state)
        view.flags = [
            {
                "claim": f.claim or "",
                "code": f.code,
                "severity": str(f.severity),
                "message": f.message,
            }
            for f in fc.of_document(document)
            if f.code in COVERAGE_CODES
        ]
    return view
