"""Studies and works: rows, filters and the facts of one study."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kb.model import Study, Work
from kb.views.cite import doi_url, format_ama, pubmed_url
from kb.views.common import UNKNOWN, work_ids


def study_rows(kb: Any) -> list[dict]:
    """Every study with its design, size, follow-up, sponsor and measures."""
    measures: dict[str, set[str]] = {}
    for o in kb.outcomes.values():
        measures.setdefault(o.study, set()).add(o.measure)
    rows = []
    for s in kb.studies.values():
        years = [kb.works[w].year for w in s.works if w in kb.works and kb.works[w].year]
        rows.append(
            {
                "study": s.id,
                "name": s.name,
                "design": s.design or UNKNOWN,
                "N": s.enrolled or UNKNOWN,
                "follow-up": s.follow_up or UNKNOWN,
                "sponsor": s.sponsor or UNKNOWN,
                "years": f"{min(years)}–{max(years)}" if years else UNKNOWN,
                "works": len(s.works),
                "measures": ", ".join(sorted(measures.get(s.id, ()))),
            }
        )
    return rows


RECORD_FORMAT_NAMES = {
    "pubmed-xml": "PubMed XML",
    "medline": "MEDLINE",
    "jats": "PMC/JATS full text",
    "ris": "RIS",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
}


def record_sources(kb: Any, citekey: str) -> list[str]:
    """The records a work was built from or holds: 'pubmed.xml record 1 (PubMed XML, abstract;
    31 numbers extracted, not reviewed; imported 2031-09-20)'."""
    out = []
    for r in getattr(kb, "records", {}).get(citekey, ()):
        fmt = RECORD_FORMAT_NAMES.get(r.format, r.format)
        when = f"; imported {r.imported}" if r.imported else ""
        out.append(
            f"{r.file} record {r.index} ({fmt}, {r.scope}; {len(r.numbers)} numbers extracted, "
            f"not reviewed{when})"
        )
    return out


def record_number_rows(kb: Any, citekeys: Any = None) -> list[dict]:
    """Machine numbers of imported records (all, or of some works), each with its provenance."""
    rows = []
    for key, records in getattr(kb, "records", {}).items():
        if citekeys is not None and key not in citekeys:
            continue
        for r in records:
            for n in r.numbers:
                rows.append(
                    {
                        "id": n.id,
                        "work": key,
                        "record": f"{r.file} record {r.index}",
                        "scope": r.scope,
                        "section": n.section,
                        "number": n.text,
                        "kind": n.kind,
                        "value": "" if n.value is None else f"{n.value:g}",
                        "unit": n.unit or "",
                        "arm": n.arm or "",
                        "timepoint": n.timepoint or "",
                        "outcome": n.outcome or "",
                        "sentence": r.sentence(n),
                        "start": n.start,
                        "end": n.end,
                        "status": "extracted from the record, not reviewed",
                    }
                )
    return rows


def work_rows(kb: Any) -> list[dict]:
    """Every work with its kind, year, ids, sponsor and study."""
    rows = []
    for w in kb.works.values():
        studies = [s.id for s in kb.studies_of(w.citekey)]
        rows.append(
            {
                "work": w.citekey,
                "title": w.title,
                "kind": w.kind,
                "year": str(w.year) if w.year else UNKNOWN,
                "journal": w.journal or w.booktitle or w.publisher or UNKNOWN,
                "PMID/DOI": work_ids(w),
                "sponsor": w.sponsor or UNKNOWN,
                "studies": ", ".join(studies) or "—",
                "record": _record_word(kb, w),
            }
        )
    return rows


def _record_word(kb: Any, w: Work) -> str:
    held = record_sources(kb, w.citekey)
    if held:
        return "imported: " + "; ".join(held)
    return "verified" if w.verified else "cited-only"


def filter_studies(
    kb: Any, rows: Sequence[dict], *, designs=(), sponsors=(), years=None, measures=()
) -> list[dict]:
    """Study rows filtered by design, sponsor, year range (of their works) and measure."""
    out = []
    for r in rows:
        s: Study = kb.studies[r["study"]]
        if designs and r["design"] not in designs:
            continue
        if sponsors and r["sponsor"] not in sponsors:
            continue
        if measures and not set(measures) & set(filter(None, r["measures"].split(", "))):
            continue
        if years:
            ys = [kb.works[w].year for w in s.works if w in kb.works and kb.works[w].year]
            if not any(years[0] <= y <= years[1] for y in ys):
                continue
        out.append(r)
    return out


def filter_works(
    kb: Any, rows: Sequence[dict], *, designs=(), sponsors=(), years=None, measures=()
) -> list[dict]:
    """Work rows filtered by their studies' design, sponsor, year and measures they report."""
    reported: dict[str, set[str]] = {}
    for o in kb.outcomes.values():
        reported.setdefault(o.work, set()).add(o.measure)
    out = []
    for r in rows:
        w: Work = kb.works[r["work"]]
        study_designs = {s.design for s in kb.studies_of(w.citekey)}
        if designs and not set(designs) & study_designs:
            continue
        study_sponsors = {s.sponsor or UNKNOWN for s in kb.studies_of(w.citekey)}
        if sponsors and not set(sponsors) & (study_sponsors | {r["sponsor"]}):
            continue
        if years and not (w.year and years[0] <= w.year <= years[1]):
            continue
        if measures and not set(measures) & reported.get(w.citekey, set()):
            continue
        out.append(r)
    return out


def work_links(w: Work) -> dict[str, str]:
    """Citation (AMA) and DOI / PubMed links of a work."""
    return {"citation": format_ama(w), "doi": doi_url(w) or "", "pubmed": pubmed_url(w) or ""}


def study_facts(s: Study) -> list[tuple[str, str]]:
    """Design, arms, N, follow-up, sponsor (and more) of a study; 'unknown' where missing."""
    return [
        ("design", s.design or UNKNOWN),
        ("comparator", s.comparator or UNKNOWN),
        ("population", s.population or UNKNOWN),
        ("enrolled", s.enrolled or UNKNOWN),
        ("arms (randomized)", s.randomized or UNKNOWN),
        ("analysed", s.analysed or UNKNOWN),
        ("follow-up", s.follow_up or UNKNOWN),
        ("sponsor", s.sponsor or UNKNOWN),
        ("registry", s.registry or UNKNOWN),
    ]
