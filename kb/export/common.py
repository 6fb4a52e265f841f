"""Shared pieces of the exporters: cell safety, JSON text, claims and cited works of a document."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.checks.factcheck import FactCheck, analyst_verdicts
from kb.model import Assessment, Claim, Document, Finding, KnowledgeBase, ReferenceEntry, Work
from kb.schema import FACTUAL_KINDS

# Characters a spreadsheet reads as the start of a formula (or that hide one behind them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 (and so XLSX, GraphML) cannot carry.
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def neutralise(value: str) -> str:
    """Prefix a single quote to a cell a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def xml_safe(value: str) -> str:
    """Drop the control characters XML cannot hold."""
    return XML_ILLEGAL_RE.sub("", value)


def one_line(value: str | None) -> str:
    """Collapse runs of whitespace (newlines included) to single spaces."""
    return " ".join((value or "").split())


def json_text(data: Any) -> str:
    """Deterministic, pretty JSON whose text is safe inside an HTML <script> element."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group()], text) + "\n"


def strip_braces(value: str) -> str:
    """Remove BibTeX protective braces for display ('{North American} Spine' -> 'North ...')."""
    return value.replace("{", "").replace("}", "")


def fmt_number(value: float | None) -> str:
    """A float as written by a person: 3.0 -> '3', 0.25 -> '0.25'."""
    return "" if value is None else f"{value:g}"


def document_or_raise(kb: KnowledgeBase, document: str) -> Document:
    """The document with this id, or a KeyError naming the known ones."""
    if document not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        raise KeyError(f"no document {document!r} (known: {known})")
    return kb.documents[document]


def claims_of(
    kb: KnowledgeBase, document: str | None, claim_ids: Iterable[str] | None = None
) -> list[Claim]:
    """Factual claims of one document (or all), in reading order, optionally only those ids."""
    if document is not None:
        document_or_raise(kb, document)
    claims = [c for c in kb.claims(document) if c.kind in FACTUAL_KINDS]
    if claim_ids is None:
        return claims
    wanted = {c.removeprefix("claim:") for c in claim_ids}
    return [c for c in claims if c.id in wanted]


def entries_of(kb: KnowledgeBase, document: str) -> list[ReferenceEntry]:
    """A document's reference-list entries in number order."""
    reading = kb.readings.get(document)
    entries = list(getattr(reading, "entries", ()) or ())
    return sorted(entries, key=lambda e: e.number)


def work_of_entry(kb: KnowledgeBase, entry: ReferenceEntry) -> Work | None:
    """The work a reference entry resolves to, if any."""
    res = kb.resolutions.get(entry.id)
    if res is None or res.work is None:
        return None
    return kb.works.get(res.work)


@dataclass(frozen=True)
class Cited:
    """One numbered entry of a reference list and the work it resolves to."""

    number: int
    entry: ReferenceEntry
    work: Work | None


def cited_of(kb: KnowledgeBase, document: str) -> list[Cited]:
    """Every entry of a document's reference list with its work, in number order."""
    return [Cited(e.number, e, work_of_entry(kb, e)) for e in entries_of(kb, document)]


def works_for(kb: KnowledgeBase, document: str | None) -> list[Work]:
    """Works cited by a document (first citation order), or every work of the KB by citekey."""
    if document is None:
        return [kb.works[k] for k in sorted(kb.works)]
    document_or_raise(kb, document)
    seen: dict[str, Work] = {}
    for c in cited_of(kb, document):
        if c.work is not None:
            seen.setdefault(c.work.citekey, c.work)
    return list(seen.values())


def section_titles(kb: KnowledgeBase, document: str) -> dict[str, str]:
    """Section id -> title for a document, when its reading lists sections."""
    reading = kb.readings.get(document)
    out: dict[str, str] = {}
    for s in getattr(reading, "sections", ()) or ():
        title = getattr(s, "title", None)
        if title:
            out[s.id] = title
    return out


def analyst_map(kb: KnowledgeBase) -> dict[str, list[Assessment]]:
    """Analyst judgments by claim id, re-anchored as the fact check does (one per claim)."""
    return {k: [a] for k, a in analyst_verdicts(kb).items()}


def analyst_note(assessments: list[Assessment]) -> str:
    """Analyst judgments of a claim as one line: 'verdict: note (analyst, date)'."""
    parts = []
    for a in assessments:
        who = ", ".join(x for x in (a.analyst, a.date) if x)
        text = a.verdict + (f": {a.note}" if a.note else "")
        parts.append(text + (f" ({who})" if who else ""))
    return "; ".join(parts)


def slug(value: str) -> str:
    """A file-name-safe form of an id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-") or "export"


# Document-level findings about one reference carry this prefix.
REFERENCE_FAMILY = "CIT-"


def findings_for_ref(
    fc: FactCheck,
    document: str,
    claim_id: str,
    number: int | None,
    citekey: str | None,
    shown: Iterable[str] = (),
) -> list[Finding]:
    """Findings that bear on one reference of a claim (claim-wide ones included); `shown`
    names the works whose numbers the row shows (a number found in another report of the same
    study sits on the cited reference's row, and so does the NUM-ELSEWHERE naming that
    report)."""
    also = frozenset(shown)
    return [f for f in fc.findings if _bears_on(f, document, claim_id, number, citekey, also)]


def _bears_on(
    f: Finding,
    document: str,
    claim_id: str,
    number: int | None,
    citekey: str | None,
    shown: frozenset[str] = frozenset(),
) -> bool:
    names_ref = number is not None and number in f.refs
    names_work = (bool(citekey) and citekey in f.works) or bool(shown & set(f.works))
    if f.claim == claim_id:
        if not f.refs and not f.works:
            return True
        if number is None and not f.works:
            return True  # a claim read with borrowed markers: its rows have no reference number
        return names_work if (citekey and f.works) else names_ref
    if f.claim is None and f.document == document:
        return names_ref and f.code.startswith(REFERENCE_FAMILY)
    if f.claim is None and f.document is None:
        return names_work
    return False


def finding_codes(findings: Iterable[Finding]) -> str:
    """Distinct finding codes, sorted, joined by '; '."""
    return "; ".join(sorted({f.code for f in findings}))
