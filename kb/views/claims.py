"""The claims table: one row per claim with its verdicts, findings, references and studies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.graph import UnknownNodeError, trace
from kb.model import Assessment, Claim, KnowledgeBase
from kb.reading import FACTUAL_KINDS
from kb.views.common import UNKNOWN, short_claim, verdict_badge


def claim_refs(c: Claim) -> tuple[int, ...]:
    """The reference numbers a claim cites, in order, without repeats."""
    nums = list(c.refs)
    for cit in c.citations:
        nums.extend(cit.refs)
    return tuple(dict.fromkeys(nums))


def claim_sources(g: nx.MultiDiGraph, claim_id: str) -> tuple[list[str], list[str]]:
    """Citekeys and study ids a claim rests on (through markers, entries, works)."""
    try:
        t = trace(g, claim_id)
    except UnknownNodeError:
        return [], []
    return [w.citekey for w in t.works], [s.id for s in t.studies]


def section_titles(kb: KnowledgeBase, document: str) -> dict[str, str]:
    """Section id -> title for a document (empty when the document was not read)."""
    reading = kb.readings.get(document)
    return {s.id: s.title or s.id for s in reading.sections} if reading else {}


def ref_labels(kb: KnowledgeBase, document: str, numbers: Iterable[int]) -> str:
    """Reference numbers as a document cites them: "3, 4", or "Deer 2019; Staats 2023" for
    the entries of an alphabetical list (numbered by position, named by author and year)."""
    reading = kb.readings.get(document)
    keys = {e.number: e.key for e in reading.entries if e.key} if reading else {}
    if not keys:
        return ", ".join(str(n) for n in numbers)
    return "; ".join(keys.get(n, str(n)) for n in numbers)


def claim_rows(
    kb: KnowledgeBase,
    g: nx.MultiDiGraph,
    checks: FactCheck,
    document: str,
    analyst: Mapping[str, Assessment],
) -> list[dict]:
    """Every claim of a document with its machine and analyst verdicts, finding codes,
    references and sources."""
    titles = section_titles(kb, document)
    rows = []
    for c in kb.claims(document):
        works, studies = claim_sources(g, c.id)
        v = checks.verdict(c.id)
        codes = sorted({f.code for f in checks.findings_of(c.id)} | set(v.codes))
        judged = analyst.get(c.id)
        rows.append(
            {
                "claim": c.id,
                "id": short_claim(c.id),
                "factual": c.kind in FACTUAL_KINDS,
                "section": titles.get(c.section, c.section) or UNKNOWN,
                "text": " ".join(c.text.split()),
                "verdict": verdict_badge(v.label),
                "verdict_label": v.label,
                "reason": v.reason,
                "analyst": judged.verdict if judged else "—",
                "severity": checks.worst_severity(c.id) or "—",
                "codes": ", ".join(codes),
                "refs": ref_labels(kb, document, claim_refs(c)) or "—",
                "works": ", ".join(works),
                "studies": ", ".join(studies),
            }
        )
    return rows


def filter_claims(
    rows: Sequence[dict],
    *,
    verdicts: Iterable[str] = (),
    severities: Iterable[str] = (),
    sections: Iterable[str] = (),
    codes: Iterable[str] = (),
    studies: Iterable[str] = (),
    query: str = "",
    factual_only: bool = False,
    unreviewed_only: bool = False,
) -> list[dict]:
    """Rows that pass every filter given (an empty filter passes everything); with
    `factual_only`, letterhead, salutation and signature lines are left out; with
    `unreviewed_only`, claims that carry an analyst verdict."""
    verdicts, severities, sections = set(verdicts), set(severities), set(sections)
    codes, studies = set(codes), set(studies)
    words = [w.casefold() for w in query.split()]
    out = []
    for r in rows:
        if factual_only and not r["factual"]:
            continue
        if unreviewed_only and r.get("reviewed"):
            continue
        if verdicts and r["verdict_label"] not in verdicts:
            continue
        if severities and r["severity"] not in severities:
            continue
        if sections and r["section"] not in sections:
            continue
        row_codes = set(filter(None, r["codes"].split(", ")))
        if codes and not codes & row_codes:
            continue
        if studies and not studies & set(filter(None, r["studies"].split(", "))):
            continue
        hay = " ".join(str(v) for v in r.values()).casefold()
        if words and not all(w in hay for w in words):
            continue
        out.append(r)
    return out
