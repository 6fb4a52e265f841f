"""The machine's facts beside each GRADE certainty domain of a summary-of-findings outcome.

Facts only, each read from a named place (studies.csv, outcomes.csv, a finding): open label,
no control, no sham, claims data, attrition, unverified or machine-read results, the number of
studies with a figure, populations and comparators, within-arm results, CIs held, N, event
counts, sponsors, EVID-SPONSOR findings, works with no result, registrations. Never a rating.
"""

from __future__ import annotations

import re
from typing import Any

from kb.model import KnowledgeBase, Study

NO_CI = "not reported in the KB"


def study_n(s: Study | None) -> tuple[int | None, str]:
    """A study's participants from studies.csv: (number, where it comes from).

    'total=302' gives 302; 'mild=2229; spacers=3401' gives their sum. The enrolled column
    is read first, then randomized, then analysed.

    >>> study_n(kb.studies["medicare-spacers"])
    (5630, 'enrolled: mild=2229; spacers=3401 (sum of the groups, derived)')
    """
    if s is None:
        return None, "study unknown"
    for column in ("enrolled", "randomized", "analysed"):
        text = getattr(s, column) or ""
        parts = re.findall(r"([^=;]+)=\s*(\d[\d,]*)", text)
        if not parts:
            continue
        named = {k.strip(): int(v.replace(",", "")) for k, v in parts}
        if "total" in named:
            return named["total"], f"{column}: {text}"
        if len(named) == 1:
            return next(iter(named.values())), f"{column}: {text}"
        if column == "analysed":
            continue  # timepoints, not groups: they cannot be added up
        return sum(named.values()), f"{column}: {text} (sum of the groups, derived)"
    return None, "no participant count in the study record"


def curated_facts(
    kb: KnowledgeBase, study: str, names: tuple[str, ...], unknown: bool = True
) -> list[str]:
    """A study's curated facts of the kinds named (study_facts.csv), each with where it was
    read; a kind with no row says 'unknown' (or is left out with `unknown=False`).

    >>> curated_facts(kb, "encore", ("blinding", "allocation_concealment"))[1]
    'encore: allocation concealment unknown (no row in study_facts.csv)'
    """
    out = []
    for name in names:
        words = name.replace("_", " ")
        rows = kb.facts_of(study, name)
        for f in rows:
            when = f" ({f.timepoint})" if f.timepoint else ""
            where = f"{f.source_ref}, {f.locator}" if f.locator else f.source_ref
            out.append(f"{study}: {words} {f.value}{when} [{where}; study_facts.csv]")
        if not rows and unknown:
            out.append(f"{study}: {words} unknown (no row in study_facts.csv)")
    return out


_OPEN = re.compile(r"open[- ]label|non-blinded|unblinded|not blinded", re.I)


def domain_facts(
    kb: KnowledgeBase, rows: list[dict], studies: list[Study], fc: Any, doc: str | None
) -> dict[str, list[str]]:
    """The machine's facts bearing on each certainty domain (facts only, never a rating)."""
    rob: list[str] = []
    for s in studies:
        bits = [s.design]
        text = f"{s.design} {s.note or ''}"
        if _OPEN.search(text):
            bits.append("open label (study record)")
        if (s.comparator or "").lower().startswith("none") or not s.comparator:
            bits.append("no control group")
        if "claims" in s.design:
            bits.append("claims data, not a trial")
        if "retrospective" in s.design:
            bits.append("retrospective")
        rob.append(f"{s.id}: " + "; ".join(bits))
        if s.randomized and s.analysed:
            rob.append(f"{s.id}: randomized {s.randomized}; analysed {s.analysed}")
        randomized = "rct" in s.design.lower() or "random" in s.design.lower()
        kinds = ("blinding", "allocation_concealment") + (("crossover",) if randomized else ())
        rob.extend(curated_facts(kb, s.id, kinds))
        rob.extend(curated_facts(kb, s.id, ("attrition",), unknown=False))
    if not any("sham" in (s.comparator or "").lower() for s in studies):
        rob.append("no study of this outcome has a sham control")
    unverified = [r["id"] for r in rows if not r["provenance"]["verified"]]
    if unverified:
        rob.append(
            f"{len(unverified)} of {len(rows)} results not verified against the article: "
            + ", ".join(unverified)
        )
    extracted = [r["id"] for r in rows if r["provenance"]["origin"] == "extracted"]
    if extracted:
        rob.append(f"{len(extracted)} results machine-read from imported records, not reviewed")

    numeric = [r for r in rows if r["value"] is not None]
    with_figure = sorted({r["study"] for r in numeric})
    inc = [
        f"{len(studies)} stud{'y' if len(studies) == 1 else 'ies'}; "
        f"{len(with_figure)} with a figure ({', '.join(with_figure) or 'none'})"
    ]
    if not with_figure:
        inc.append("no study gives a figure: consistency across studies cannot be judged")
    elif len(with_figure) == 1:
        inc.append("single study with a figure: consistency across studies cannot be judged")
    for r in numeric:
        inc.append(f"{r['study']}, {r['timepoint']}: {r['outcome']} {r['result']}")

    ind = [f"{s.id} population: {s.population or 'not stated'}" for s in studies]
    for s in studies:
        ind.extend(curated_facts(kb, s.id, ("medicare_age_share",), unknown=False))
    comparators = sorted({s.comparator or "none stated" for s in studies})
    ind.append("comparators: " + "; ".join(comparators))
    within = [r["id"] for r in rows if not r["between_groups"]]
    if within:
        ind.append(
            f"{len(within)} of {len(rows)} results give no between-group comparison (one arm, "
            "both arms together, or change from baseline): " + ", ".join(within)
        )

    imp = []
    cis = [r for r in rows if r["ci"] != NO_CI]
    imp.append(
        f"95% CI held for {len(cis)} of {len(rows)} results"
        + ("" if cis else " (the KB records none)")
    )
    for r in cis:
        m = re.match(r"(-?[\d.]+) to (-?[\d.]+)", r["ci"])
        if m:
            lo, hi = float(m.group(1)), float(m.group(2))
            crosses = " (includes 0)" if lo <= 0 <= hi else ""
            imp.append(f"{r['id']}: 95% CI {lo:g} to {hi:g}, width {abs(hi - lo):.3g}{crosses}")
    for s in studies:
        n, src = study_n(s)
        imp.append(f"{s.id}: N = {n if n is not None else 'unknown'} ({src})")
    for r in rows:
        if r["count"] is not None:
            den = r["denominator"]
            den = f" of {den:g}" if den is not None else " (no denominator)"
            imp.append(f"{r['id']}: {r['count']:g} events{den}")
    nofig = [r["id"] for r in rows if r["value"] is None]
    if nofig:
        imp.append(
            f"{len(nofig)} result{'s have' if len(nofig) > 1 else ' has'} no figure in the KB: "
            + ", ".join(nofig)
        )

    pub = []
    sponsored = [s for s in studies if s.sponsor]
    pub.append(
        f"{len(sponsored)} of {len(studies)} studies name a sponsor"
        + (": " + "; ".join(f"{s.id} ({s.sponsor})" for s in sponsored) if sponsored else "")
    )
    works = {w for s in studies for w in s.works}
    for f in getattr(fc, "findings", ()):
        if f.code == "EVID-SPONSOR" and (doc is None or f.document == doc) and works & set(f.works):
            pub.append(f"{f.code} ({f.document}): {f.message}")
    with_rows = {o.work for o in kb.outcomes.values()}
    silent = sorted(w for w in works if w not in with_rows)
    if silent:
        pub.append("works of these studies with no result in the KB: " + ", ".join(silent))
    registered = [f"{s.id} ({s.registry})" for s in studies if s.registry]
    pub.append("registered: " + (", ".join(registered) if registered else "none recorded"))
    return {
        "risk_of_bias": rob,
        "inconsistency": inc,
        "indirectness": ind,
        "imprecision": imp,
        "publication_bias": pub,
    }
