"""Summary of findings (GRADE's table) per outcome, built from the KB's outcome rows.

Outcome rows (curated or extracted from imported records) are grouped into outcomes by a
synonym table over their measure and outcome text. Each outcome shows the results the KB
holds with their provenance, the participants and studies behind it, the design mix and the
comparators; beside each of GRADE's five certainty domains stand the machine's facts that bear
on it, and the analyst's rating from the review log. The machine never assigns a grade.

Nothing is computed and shown as if reported: a figure worked out from reported ones (a risk
difference, a change from baseline) carries `derived` and its formula. Minimal clinically
important differences come from data/mcid.csv, each with its source, and are used only to say
whether a reported change in the same unit exceeds one.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kb.checks.context import extracted_outcome
from kb.model import KnowledgeBase, Outcome, Study
from kb.schema import CERTAINTY_DOMAINS
from kb.views.common import outcome_comparator, outcome_value, work_ids
from kb.views.sof_facts import NO_CI, domain_facts, study_n

MCID_FILE = "mcid.csv"
MCID_COLUMNS = ("measure", "mcid", "unit", "population", "source", "locator", "note")


@dataclass(frozen=True)
class OutcomeGroup:
    """One outcome of the table: a key, a label and the patterns that put a row in it."""

    key: str
    label: str
    include: str
    exclude: str = ""

    def matches(self, text: str) -> bool:
        """True when the text names this outcome."""
        if not re.search(self.include, text, re.I):
            return False
        return not (self.exclude and re.search(self.exclude, text, re.I))


# The synonym table: measure names and wordings that stand for one outcome.
SYNONYMS: tuple[OutcomeGroup, ...] = (
    OutcomeGroup("odi", "Disability: Oswestry Disability Index (ODI)", r"\bODI\b|oswestry"),
    OutcomeGroup(
        "pain",
        "Pain intensity (NPRS, NRS or VAS)",
        r"\bNPRS\b|\bNRS\b|\bVAS\b|numeric pain|pain rating|visual analog",
    ),
    OutcomeGroup("zcq", "Zurich Claudication Questionnaire (ZCQ)", r"\bZCQ\b|zurich claudication"),
    OutcomeGroup(
        "walking",
        "Walking tolerance (walking tolerance test, walking distance)",
        r"\bWTT\b|walking",
    ),
    OutcomeGroup(
        "subsequent",
        "Subsequent interventions (surgery, other lumbar procedures, treatment failure)",
        r"subsequent|treatment failure|surg(ery|ical)|decompression at the same",
        exclude=r"harm",
    ),
    OutcomeGroup(
        "harms",
        "Harms and adverse events",
        r"adverse|\bAEs?\b|harm|complication|instability",
        exclude=r"subsequent",
    ),
    OutcomeGroup(
        "composite",
        "Harms or subsequent interventions (composite)",
        r"harm.*subsequent|subsequent.*harm",
    ),
    OutcomeGroup("opioids", "Opioid use (MME per day)", r"\bMME\b|opioid|morphine"),
    OutcomeGroup(
        "disability-other",
        "Other disability scores (Pain Disability Index, Roland-Morris)",
        r"\bPDI\b|\bRMDQ\b|pain disability|roland",
    ),
    OutcomeGroup("standing", "Standing time", r"standing time"),
)

# Measures that are not results about patients (counts of patients, study descriptions).
NOT_OUTCOMES = frozenset(
    {
        "sample size",
        "responsiveness",
        "consensus point",
        "prevalence",
        "age",
        "comorbidity",
        "cost per QALY",
        "resource use",
    }
)

DOMAIN_LABELS = dict(CERTAINTY_DOMAINS)
_CI = re.compile(r"95\s*%\s*CI[:,]?\s*\(?\s*(-?[\d.]+)\s*(?:to|–|—|-|,)\s*(-?[\d.]+)", re.I)
_CHANGE = re.compile(r"improv|change|reduc|increas|decreas", re.I)


def read_mcid(data_dir: Path | str) -> list[dict[str, str]]:
    """The sourced MCID table of a data directory ([] when it has none); read once per version
    of the file, not on every page rerun."""
    path = Path(data_dir) / MCID_FILE
    try:
        st = path.stat()
    except FileNotFoundError:
        return []
    return [dict(row) for row in _read_mcid(str(path), st.st_mtime_ns, st.st_size)]


@functools.lru_cache(maxsize=8)
def _read_mcid(path: str, _mtime_ns: int, _size: int) -> tuple[dict[str, str], ...]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return tuple(
            {c: (row.get(c) or "").strip() for c in MCID_COLUMNS} for row in csv.DictReader(fh)
        )


def groups_of(o: Outcome) -> list[OutcomeGroup]:
    """The outcomes of the synonym table an outcome row belongs to ([] for counts of patients).

    >>> [g.key for g in groups_of(kb.outcomes["motion-3y-nprs-leg"])]
    ['pain']
    """
    if o.measure in NOT_OUTCOMES:
        return []
    text = f"{o.measure} {o.outcome or ''}"
    return [g for g in SYNONYMS if g.matches(text)]


def cited_works(kb: KnowledgeBase, document: str | None) -> set[str]:
    """Works a document's reference list points to (reference map and resolutions)."""
    if document is None:
        return set()
    out = {w for (d, _), w in kb.reference_map.items() if d == document and w}
    reading = kb.readings.get(document)
    for e in getattr(reading, "entries", ()):
        res = kb.resolutions.get(e.id)
        if res is not None and res.work:
            out.add(res.work)
    return out


def _baseline(o: Outcome) -> bool:
    text = f"{o.timepoint or ''} {o.note or ''} {o.comparator_text or ''}"
    return "->" in (o.timepoint or "") or "baseline" in text.lower()


def derived(o: Outcome) -> list[dict[str, str]]:
    """Figures worked out from the reported ones, each with its formula (never 'reported').

    >>> derived(kb.outcomes["spacers-2y-harms"])[0]["value"]
    '-6.5 percentage points'
    """
    out = []
    v, c = o.value, o.comparator_value
    if v is not None and c is not None:
        if _baseline(o):
            out.append(
                {
                    "what": "change from baseline",
                    "value": f"{v - c:+g} {o.unit or ''}".strip(),
                    "formula": f"follow-up value − baseline value = {v:g} − {c:g}",
                }
            )
        elif o.unit == "%":
            out.append(
                {
                    "what": "risk difference",
                    "value": f"{v - c:.3g} percentage points",
                    "formula": f"{o.arm or 'arm'} % − comparator % = {v:g} − {c:g}",
                }
            )
            if c:
                out.append(
                    {
                        "what": "risk ratio",
                        "value": f"{v / c:.2f}",
                        "formula": f"{o.arm or 'arm'} % ÷ comparator % = {v:g} ÷ {c:g}",
                    }
                )
    if v is None and o.count is not None and o.denominator:
        out.append(
            {
                "what": "proportion",
                "value": f"{100 * o.count / o.denominator:.1f}%",
                "formula": f"count ÷ denominator = {o.count:g} ÷ {o.denominator:g}",
            }
        )
    return out


def reported_ci(o: Outcome) -> str:
    """A 95% CI as the number's own text or note gives it, or NO_CI (no CI column)."""
    for text in (o.value_text, o.note):  # never the sentence: it may hold other numbers
        m = _CI.search(text or "")
        if m:
            return f"{m.group(1)} to {m.group(2)} (as the record states it)"
    return NO_CI


def mcid_statement(o: Outcome, group: OutcomeGroup, mcid: list[dict], kb: KnowledgeBase) -> str:
    """'The change of X exceeds the MCID of Y reported by Z' for a reported change in the same
    unit as a sourced MCID of the same measure; '' when no such MCID is held."""
    if o.value is None or not _CHANGE.search(o.outcome or "") or _baseline(o):
        return ""
    lines = []
    for m in mcid:
        if not group.matches(m["measure"]) or (m["unit"] or "") != (o.unit or ""):
            continue
        try:
            threshold = float(m["mcid"])
        except ValueError:
            continue
        verb = "exceeds" if abs(o.value) > threshold else "does not exceed"
        w = kb.works.get(m["source"])
        lines.append(
            f"the change of {o.value:g} {o.unit} {verb} the MCID of {threshold:g} {m['unit']} "
            f"reported by {m['source']} ({work_ids(w)}, {m['locator'] or 'locator unknown'})"
        )
    return "; ".join(lines)


def result_row(
    o: Outcome, group: OutcomeGroup, kb: KnowledgeBase, mcid: list[dict], cited: set[str]
) -> dict[str, Any]:
    """One result of an outcome: what was reported, what was derived, and where it stands."""
    s = kb.studies.get(o.study)
    n, n_source = study_n(s)
    w = kb.works.get(o.work)
    return {
        "id": o.id,
        "outcome": o.outcome or o.measure,
        "measure": o.measure,
        "timepoint": o.timepoint or "not stated",
        "study": o.study,
        "design": s.design if s else "unknown",
        "arm": o.arm or "",
        "comparator": (s.comparator if s and s.comparator else "none stated"),
        "participants": n,
        "participants_source": n_source,
        "result": outcome_value(o),
        "value": o.value,
        "count": o.count,
        "denominator": o.denominator,
        "comparator_result": (
            f"baseline {outcome_comparator(o)}"
            if _baseline(o) and outcome_comparator(o)
            else outcome_comparator(o)
        ),
        # a comparison of two groups: a comparator group's figure, or an arm named 'a vs b'
        "between_groups": (bool(outcome_comparator(o)) and not _baseline(o))
        or " vs " in (o.arm or ""),
        "p": o.p_value or "",
        "ci": reported_ci(o),
        "derived": derived(o),
        "mcid": mcid_statement(o, group, mcid, kb),
        "cited_by_document": o.work in cited,
        "provenance": {
            "work": o.work,
            "pmid": (w.pmid if w else None) or "",
            "doi": (w.doi if w else None) or "",
            "locator": o.locator or "locator unknown",
            "origin": o.origin,
            "verified": bool(o.verified),
            "note": o.note or "",
        },
    }


def _mix(studies: list[Study]) -> str:
    counts: dict[str, int] = {}
    for s in studies:
        counts[s.design] = counts.get(s.design, 0) + 1
    return ", ".join(f"{n} {d}" for d, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


# Machine numbers of imported records that can be a result (not p-values, Ns, durations).
RESULT_KINDS = frozenset(
    {"percent", "count", "count_percent", "mean", "change", "comparison", "ratio", "difference"}
)


def rows_of(kb: KnowledgeBase) -> list[Outcome]:
    """The curated outcome rows, then the result-like numbers machine-read from imported
    records (origin 'extracted', not reviewed), each tied to the study its work reports."""
    out = list(kb.outcomes.values())
    for key, records in sorted(kb.records.items()):
        studies = kb.studies_of(key)
        for rec in records:
            for n in rec.numbers:
                if n.kind not in RESULT_KINDS or not n.outcome:
                    continue
                o = extracted_outcome(rec, n)
                out.append(replace(o, study=studies[0].id) if studies else o)
    return out


def letter_mentions(kb: KnowledgeBase, document: str | None, group: OutcomeGroup) -> list[str]:
    """The claims of a document that name the outcome (by the synonym table)."""
    if document is None:
        return []
    return [c.id for c in kb.claims(document) if group.matches(c.text)]


def sof_view(
    kb: KnowledgeBase,
    fc: Any = None,
    document: str | None = None,
    state: Any = None,
    mcid: list[dict] | None = None,
) -> dict[str, Any]:
    """The summary of findings: one entry per outcome with its results, facts and ratings.

    Every outcome with a result in the KB is listed, across all its studies; with a document,
    each outcome says which of the document's claims name it and each result whether the
    document cites its work. `state` is the review state (kb.review.ReviewState) whose
    certainty ratings are shown; `mcid` defaults to the data directory's mcid.csv.

    >>> v = sof_view(kb, fc, "nysipp-2026")
    >>> [o["key"] for o in v["outcomes"]][:4]
    ['odi', 'pain', 'zcq', 'walking']
    """
    if mcid is None:
        mcid = read_mcid(kb.data_dir)
    state = state if state is not None else getattr(kb, "review", None)
    cited = cited_works(kb, document)
    outcomes = []
    for group in SYNONYMS:
        members = [o for o in rows_of(kb) if group in groups_of(o)]
        if not members:
            continue
        rows = [result_row(o, group, kb, mcid, cited) for o in members]
        ids = sorted({o.study for o in members})
        studies = [kb.studies[i] for i in ids if i in kb.studies]
        total, counted = 0, []
        for s in studies:
            n, _ = study_n(s)
            if n is not None:
                total += n
                counted.append(s.id)
        participants = (
            f"{total:,} ({len(studies)} stud{'y' if len(studies) == 1 else 'ies'})"
            if counted
            else f"unknown ({len(studies)} studies)"
        )
        note = "sum of each study's participant count from studies.csv (derived)"
        if len(counted) < len(studies):
            note += f"; no count for {', '.join(s.id for s in studies if s.id not in counted)}"
        pooled = [s.id for s in studies if "pooled" in (s.design or "").lower()]
        if pooled:
            note += (
                f"; {', '.join(pooled)} pools patients of other studies, who may be counted twice"
            )
        certainty = {}
        for domain, _label in CERTAINTY_DOMAINS:
            c = state.rating(document, group.key, domain) if state and document else None
            certainty[domain] = (
                {"level": c.level, "note": c.note, "analyst": c.analyst, "at": c.at}
                if c
                else {"level": "", "note": "", "analyst": "", "at": ""}
            )
        outcomes.append(
            {
                "key": group.key,
                "label": group.label,
                "timepoints": sorted({r["timepoint"] for r in rows}),
                "participants": participants,
                "participants_note": note,
                "studies": ids,
                "design_mix": _mix(studies),
                "comparators": sorted({s.comparator or "none stated" for s in studies}),
                "letter_mentions": letter_mentions(kb, document, group),
                "results": rows,
                "facts": domain_facts(kb, rows, studies, fc, document),
                "certainty": certainty,
            }
        )
    measures = {m["measure"] for m in mcid}
    without = [g.label for g in SYNONYMS if not any(g.matches(m) for m in measures)]
    return {
        "document": document,
        "outcomes": outcomes,
        "mcid": mcid,
        "mcid_missing": without,
        "domains": [{"key": k, "label": v} for k, v in CERTAINTY_DOMAINS],
    }


def sof_rows(view: dict[str, Any]) -> list[dict[str, str]]:
    """The table as flat rows (one per result), for the page and the spreadsheet exports."""
    out = []
    for o in view["outcomes"]:
        for r in o["results"]:
            p = r["provenance"]
            out.append(
                {
                    "outcome": o["label"],
                    "result": r["outcome"],
                    "timepoint": r["timepoint"],
                    "study": r["study"],
                    "design": r["design"],
                    "participants": "" if r["participants"] is None else str(r["participants"]),
                    "arm": r["arm"],
                    "comparator": r["comparator"],
                    "effect (reported)": r["result"],
                    "comparator result": r["comparator_result"],
                    "p": r["p"],
                    "95% CI": r["ci"],
                    "derived": "; ".join(
                        f"{d['what']} {d['value']} (derived: {d['formula']})" for d in r["derived"]
                    ),
                    "MCID": r["mcid"],
                    "work": p["work"],
                    "PMID/DOI": " / ".join(
                        x
                        for x in (
                            f"PMID {p['pmid']}" if p["pmid"] else "",
                            f"DOI {p['doi']}" if p["doi"] else "",
                        )
                        if x
                    )
                    or "no PMID or DOI",
                    "locator": p["locator"],
                    "origin": p["origin"],
                    "verified": "verified" if p["verified"] else "not verified",
                    "note": p["note"],
                    "id": r["id"],
                }
            )
    return out


def certainty_rows(view: dict[str, Any]) -> list[dict[str, str]]:
    """One row per outcome and domain: the analyst's level and note beside the machine's facts."""
    out = []
    for o in view["outcomes"]:
        for d in view["domains"]:
            c = o["certainty"][d["key"]]
            out.append(
                {
                    "outcome": o["label"],
                    "domain": d["label"],
                    "analyst's rating": c["level"] or "not rated",
                    "note": c["note"],
                    "rated by": ", ".join(x for x in (c["analyst"], c["at"]) if x),
                    "machine's facts": " | ".join(o["facts"][d["key"]]),
                }
            )
    return out
