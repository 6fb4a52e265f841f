"""The claim-to-source table: one row per claim, cited reference and matched source number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import (
    analyst_map,
    analyst_note,
    cited_of,
    claims_of,
    finding_codes,
    findings_for_ref,
    section_titles,
)
from kb.graph import RefTrace, trace
from kb.model import Claim, KnowledgeBase, Outcome, Study, Work
from kb.views.cite import format_ama
from kb.views.common import BARE_TEXT, printed

CLAIM_SOURCE_COLUMNS: tuple[str, ...] = (
    "document",
    "claim id",
    "section",
    "claim text",
    "stated numbers",
    "reference numbers",
    "citekey",
    "formatted citation",
    "DOI",
    "PMID",
    "study",
    "design",
    "sponsor",
    "source measure",
    "source arm",
    "source timepoint",
    "source value",
    "match status",
    "finding codes",
    "verdict",
    "analyst note",
)

# Columns that hold long prose (wrapped and given room in spreadsheets and tables).
WIDE_COLUMNS = ("claim text", "formatted citation", "analyst note", "source value", "study")


def outcome_measure(o: Outcome) -> str:
    """'NPRS: mean improvement' (the measure, then what exactly was measured)."""
    return f"{o.measure}: {o.outcome}" if o.outcome else o.measure


def outcome_value(o: Outcome) -> str:
    """A reported number with comparator, p value, where it stands and whether it was read."""
    # every number as the source prints it: 3.0 stays 3.0, "<8" keeps its unit ("<8 %")
    value = o.value_text or printed(o, "value")
    bare = bool(o.value_text) and BARE_TEXT.fullmatch(o.value_text.strip()) is not None
    if o.unit and (bare or not o.value_text) and value:
        value += f" {o.unit}"
    bits = [value or "value not recorded"]
    if o.comparator_text or o.comparator_value is not None:
        bits.append(f"vs {o.comparator_text or printed(o, 'comparator_value')}")
    if o.p_value:
        bits.append(f"p {o.p_value}")
    text = "; ".join(bits)
    text += f" [{o.locator or 'locator unknown'}]"
    return text if o.verified else text + " [not verified in the record]"


def _studies_of_ref(r: RefTrace) -> list[Study]:
    return [st.study for st in r.studies]


def _join(values: Iterable[str | None]) -> str:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return "; ".join(seen)


def _unique_refs(refs: tuple[RefTrace, ...]) -> list[RefTrace]:
    seen: dict[int, RefTrace] = {}
    for r in refs:
        seen.setdefault(r.number, r)
    return list(seen.values())


def _attach(refs: list[RefTrace], matches: tuple[Any, ...]) -> tuple[dict[int, list], list, list]:
    """Give each match with a source number to the cited reference it came from."""
    by_ref: dict[int, list] = {r.number: [] for r in refs}
    elsewhere: list = []
    loose: list = []
    for m in matches:
        o = m.outcome
        if o is None:
            loose.append(m)
            continue
        home = next((r for r in refs if r.work is not None and r.work.citekey == o.work), None)
        if home is None:
            home = next((r for r in refs if o.study in {s.id for s in _studies_of_ref(r)}), None)
        if home is None:
            elsewhere.append(m)
        else:
            by_ref[home.number].append(m)
    return by_ref, elsewhere, loose


def _work_cells(work: Work | None) -> dict[str, str]:
    if work is None:
        return {"citekey": "", "formatted citation": "", "DOI": "", "PMID": ""}
    return {
        "citekey": work.citekey,
        "formatted citation": format_ama(work),
        "DOI": work.doi or "",
        "PMID": work.pmid or "",
    }


def _study_cells(studies: list[Study], work: Work | None) -> dict[str, str]:
    sponsor = _join(s.sponsor for s in studies) or (work.sponsor if work else "") or ""
    return {
        "study": _join(s.name for s in studies),
        "design": _join(s.design for s in studies),
        "sponsor": sponsor,
    }


def _source_cells(o: Outcome | None) -> dict[str, str]:
    if o is None:
        return {"source measure": "", "source arm": "", "source timepoint": "", "source value": ""}
    return {
        "source measure": outcome_measure(o),
        "source arm": o.arm or "",
        "source timepoint": o.timepoint or "",
        "source value": outcome_value(o),
    }


def _loose_status(matches: list) -> str:
    return "; ".join(f"{m.number.text}: {m.status}" for m in matches)


def _claim_rows(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    claim: Claim,
    sections: dict[str, str],
    analyst: dict[str, list],
) -> list[dict[str, str]]:
    t = trace(graph, claim.id)
    refs = _unique_refs(t.refs)
    matches = fc.matches_of(claim.id)
    by_ref, elsewhere, loose = _attach(refs, matches)
    base = {
        "document": claim.document,
        "claim id": claim.id,
        "section": sections.get(claim.section, claim.section),
        "claim text": claim.text,
        "verdict": fc.verdict(claim.id).label,
        "analyst note": analyst_note(analyst.get(claim.id, [])),
    }
    all_numbers = "; ".join(n.text for n in claim.numbers)

    def row(**cells: str) -> dict[str, str]:
        """A full row: the claim's cells, then these."""
        out = dict.fromkeys(CLAIM_SOURCE_COLUMNS, "")
        out.update(base)
        out.update(cells)
        return out

    def codes(number: int | None, work: Work | None, shown: Iterable[str] = ()) -> str:
        """Finding codes that bear on this reference of the claim."""
        found = findings_for_ref(
            fc, claim.document, claim.id, number, work.citekey if work else None, shown
        )
        return finding_codes(found)

    numbers_of_work: dict[str, list[int]] = {}
    if elsewhere:
        for c in cited_of(kb, claim.document):
            if c.work is not None:
                numbers_of_work.setdefault(c.work.citekey, []).append(c.number)
    rows: list[dict[str, str]] = []
    if not refs and (loose or not elsewhere):
        rows.append(
            row(
                **{
                    "stated numbers": all_numbers,
                    "match status": _loose_status(loose),
                    "finding codes": codes(None, None),
                }
            )
        )
    for r in refs:
        studies = _studies_of_ref(r)
        cells = {"reference numbers": str(r.number), **_work_cells(r.work)}
        if r.work is None:
            cells["formatted citation"] = (
                f"(not resolved) {r.entry.raw}"
                if r.entry is not None
                else f"(no entry {r.number} in the reference list)"
            )
        attached = by_ref.get(r.number, [])
        shown = {m.outcome.work for m in attached if m.outcome is not None}
        cells["finding codes"] = codes(r.number, r.work, shown)
        if not attached:
            rows.append(
                row(
                    **cells,
                    **_study_cells(studies, r.work),
                    **{"stated numbers": all_numbers, "match status": _loose_status(loose)},
                )
            )
        for m in attached:
            o = m.outcome
            own = [s for s in studies if s.id == o.study] or studies
            rows.append(
                row(
                    **cells,
                    **_study_cells(own, r.work),
                    **_source_cells(o),
                    **{"stated numbers": m.number.text, "match status": m.status},
                )
            )
    for m in elsewhere:
        o = m.outcome
        work = kb.works.get(o.work)
        study = kb.studies.get(o.study)
        listed = ", ".join(str(n) for n in numbers_of_work.get(o.work, ()))
        rows.append(
            row(
                **_work_cells(work),
                **_study_cells([study] if study else [], work),
                **{"reference numbers": f"({listed})" if listed else ""},
                **_source_cells(o),
                **{
                    "stated numbers": m.number.text,
                    "match status": m.status,
                    "finding codes": codes(None, work),
                },
            )
        )
    return rows


def claim_source_rows(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    fc: FactCheck,
    document: str | None,
    claim_ids: Iterable[str] | None = None,
) -> list[dict[str, str]]:
    """One row per (claim, cited reference, matched source number); every cell is a string."""
    # A claim citing nothing gets a row with empty reference cells (or, when every number it
    # states was found in some work, those numbers' rows); a reference with no matched number
    # gets a row with empty source cells; a number found only in a work the claim does not
    # cite gets a row whose reference number, in parentheses, is that work's number in the
    # document's list.
    rows: list[dict[str, str]] = []
    sections: dict[str, dict[str, str]] = {}
    analyst = analyst_map(kb)
    for claim in claims_of(kb, document, claim_ids):
        if claim.document not in sections:
            sections[claim.document] = section_titles(kb, claim.document)
        rows.extend(_claim_rows(kb, graph, fc, claim, sections[claim.document], analyst))
    return rows
