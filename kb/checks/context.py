"""What every check needs, computed once: claims in order, paragraphs, traces, support, matches.

A claim without its own citation marker borrows the markers of the next cited sentence of the
same paragraph (letters often put one marker at the end of a run of sentences); such support is
marked `via="paragraph"` and every message built on it says so, in the same words
(`borrowed_words`). A footnote (a work of kind `note`) is never lent: it supports only the
sentence that carries its marker.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

from kb.checks.stats import NUMBER_RE, parse_ps
from kb.checks.text import Atom, atoms, event_statements, norm_unit, outcome_event_qualifiers
from kb.graph import RefTrace, Trace, trace
from kb.model import (
    Claim,
    Document,
    KnowledgeBase,
    NumberMention,
    Outcome,
    Record,
    RecordNumber,
    ReferenceEntry,
    Source,
    Work,
)
from kb.schema import STATUSES, MatchStatus

_BLANK_LINE = re.compile(r"\n[ \t\u00a0\u200b]*\n")
_PARTIAL = re.compile(r"abstract|opening|truncated|summary|press|snippet|excerpt", re.IGNORECASE)


@dataclass(frozen=True)
class NumberMatch:
    """A number a claim states, set against the numbers its cited sources report.

    outcome is the recorded number matched (or the nearest one for a near miss or a
    contradiction), None when there is none (not in source, not checked).
    """

    claim: str
    number: NumberMention
    status: MatchStatus
    outcome: Outcome | None
    reason: str


@dataclass(frozen=True)
class Support:
    """The references a claim rests on: its own markers, or the next cited sentence's."""

    refs: tuple[RefTrace, ...]
    via: str  # "own", "paragraph" or "none"
    carrier: str | None = None
    # footnote references of the next cited sentence, which are not lent to this one
    withheld: tuple[int, ...] = ()

    @property
    def numbers(self) -> tuple[int, ...]:
        """Reference numbers, in citation order, without repeats."""
        return tuple(dict.fromkeys(r.number for r in self.refs))

    @property
    def works(self) -> tuple[Work, ...]:
        """Distinct resolved works."""
        seen: dict[str, Work] = {}
        for r in self.refs:
            if r.work is not None:
                seen.setdefault(r.work.citekey, r.work)
        return tuple(seen.values())


@dataclass(frozen=True)
class SourceNumber:
    """One number a recorded outcome holds, typed like an Atom."""

    outcome: Outcome
    value: float
    cls: str
    field: str
    op: str | None = None


@dataclass(frozen=True)
class CheckContext:
    """Everything the checks read; built once by build_context, never changed after."""

    kb: KnowledgeBase
    graph: nx.MultiDiGraph
    claims: tuple[Claim, ...]
    by_id: Mapping[str, Claim]
    doc_claims: Mapping[str, tuple[Claim, ...]]
    paragraph_of: Mapping[str, tuple[str, int]]
    paragraphs: Mapping[tuple[str, int], tuple[Claim, ...]]
    traces: Mapping[str, Trace]
    support: Mapping[str, Support]
    entries: Mapping[str, tuple[ReferenceEntry, ...]]
    outcomes_by_work: Mapping[str, tuple[Outcome, ...]]
    numbers_of: Mapping[str, tuple[SourceNumber, ...]]
    matches: Mapping[str, tuple[NumberMatch, ...]] = field(default_factory=dict)
    # machine numbers of imported records, by work (kept apart from curated outcomes)
    extracted_by_work: Mapping[str, tuple[Outcome, ...]] = field(default_factory=dict)
    _index: tuple = ()
    # the documents checked (None: every document of the KB)
    scope: frozenset[str] | None = None

    def all_doc_claims(self) -> dict[str, tuple[Claim, ...]]:
        """Every document's claims in reading order, checked or not (for cross-document checks)."""
        if self.scope is None:
            return dict(self.doc_claims)
        return {
            d: tuple(sorted(r.claims, key=lambda c: c.start)) for d, r in self.kb.readings.items()
        }

    def document(self, doc_id: str) -> Document:
        """The document record."""
        return self.kb.documents[doc_id]

    def paragraph(self, claim: Claim) -> tuple[Claim, ...]:
        """The claims of the paragraph a claim stands in, in order."""
        return self.paragraphs[self.paragraph_of[claim.id]]

    def before_in_paragraph(self, claim: Claim) -> list[Claim]:
        """The claims of the same paragraph up to and including this one."""
        para = self.paragraph(claim)
        return [c for c in para if c.start <= claim.start]

    def cited_works(self, doc_id: str) -> dict[str, list[int]]:
        """Works a document's reference list resolves to, with their reference numbers."""
        out: dict[str, list[int]] = {}
        for e in self.entries.get(doc_id, ()):
            res = self.kb.resolutions.get(e.id)
            if res is not None and res.work in self.kb.works:
                out.setdefault(res.work, []).append(e.number)
        return out

    def near_values(self, lo: float, hi: float) -> list[SourceNumber]:
        """Recorded non-p numbers of the whole KB between lo and hi."""
        values, numbers = self._index
        i = bisect.bisect_left(values, lo - 1e-9)
        j = bisect.bisect_right(values, hi + 1e-9)
        return list(numbers[i:j])


# --- recorded numbers ---------------------------------------------------------------------------


def _outcome_cls(o: Outcome, unit: str | None) -> str:
    u = norm_unit(unit)
    if u == "%":
        return "pct"
    if o.measure == "sample size" or u == "patients":
        return "n"
    return f"unit:{u}" if u else "num"


def source_numbers(o: Outcome) -> tuple[SourceNumber, ...]:
    """Every number an outcome records: value, comparator, count, denominator, text, p."""
    out: list[SourceNumber] = []
    cls = _outcome_cls(o, o.unit)
    seen: set[tuple[float, str]] = set()

    def add(value: float, c: str, fld: str, op: str | None = None) -> None:
        if (value, c) not in seen:
            seen.add((value, c))
            out.append(SourceNumber(o, value, c, fld, op))

    if o.value is not None:
        add(o.value, cls, "value")
    if o.comparator_value is not None:
        add(o.comparator_value, cls, "comparator_value")
    if o.count is not None:
        add(o.count, "n", "count")
    if o.denominator is not None:
        add(o.denominator, "n", "denominator")
    for fld, text in (("value_text", o.value_text), ("comparator_text", o.comparator_text)):
        if not text:
            continue
        for m in NUMBER_RE.finditer(text):
            value = float(m.group().replace(",", ""))
            after = text[m.end() : m.end() + 2]
            c = "pct" if "%" in after else ("n" if "/" in text or "(" in text else cls)
            if c == "n" and cls == "pct" and "%" not in text:
                c = cls
            add(value, c, fld)
    if o.p_value:
        for op, value in parse_ps(o.p_value):
            out.append(SourceNumber(o, value, "p", "p_value", op))
    return tuple(out)


RECORD_FORMATS = {
    "pubmed-xml": "PubMed record",
    "medline": "MEDLINE record",
    "jats": "PMC full text",
    "ris": "RIS record",
    "bibtex": "BibTeX record",
    "csl-json": "CSL-JSON record",
}


def extracted_outcome(record: Record, n: RecordNumber) -> Outcome:
    """A machine number of an imported record seen as an outcome row (origin 'extracted')."""
    what = RECORD_FORMATS.get(record.format, record.format)
    return Outcome(
        id=n.id,
        study="",
        work=n.work,
        measure="other",
        outcome=n.outcome,
        arm=n.arm,
        timepoint=n.timepoint,
        value=n.value,
        value_text=n.text,
        unit=n.unit,
        locator=f"{what}, {n.section}"
        if record.format == "jats"
        else f"{what} ({record.scope}), {n.section}",
        verified=False,
        note="extracted from the record, not reviewed",
        source=Source(record.source.file, None, n.section),
        origin="extracted",
        quote=record.sentence(n),
    )


def extracted_numbers(o: Outcome, n: RecordNumber) -> tuple[SourceNumber, ...]:
    """The typed numbers of a machine number, read like a claim's (same atoms, same classes)."""
    mention = NumberMention(n.text, n.value, n.kind, n.start, n.end, n.unit, n.extra)
    out = [SourceNumber(o, a.value, a.cls, "record", a.op) for a in atoms(mention)]
    denominator = dict(n.extra).get("denominator")
    if isinstance(denominator, (int, float)):
        out.append(SourceNumber(o, float(denominator), "n", "denominator"))
    return tuple(out)


def has_record(kb: KnowledgeBase, work: Work) -> bool:
    """True when the work's record was read: curated as read, or imported."""
    return work.verified or bool(kb.records.get(work.citekey))


def imported_scope(kb: KnowledgeBase, work: Work) -> str | None:
    """'full text', 'abstract' or 'title only' for the widest imported record; None if none."""
    scopes = {r.scope for r in kb.records.get(work.citekey, ())}
    for s in ("full text", "abstract", "title only"):
        if s in scopes:
            return s
    return None


def record_scope(work: Work, outcomes: tuple[Outcome, ...]) -> str:
    """How much of a work was read: 'abstract', 'partial record' or 'record'."""
    locs = [o.locator or "" for o in outcomes if o.verified]
    if not locs:
        return "abstract" if work.verified else "citation only"
    if all("abstract" in loc.lower() for loc in locs):
        return "abstract"
    if all(_PARTIAL.search(loc) for loc in locs):
        return "partial record"
    return "record"


# --- paragraphs and support ----------------------------------------------------------------------


def _paragraphs(doc: Document, claims: list[Claim]) -> list[list[Claim]]:
    """Group a document's claims into paragraphs: a blank line or a new section starts one."""
    out: list[list[Claim]] = []
    prev: Claim | None = None
    for c in claims:
        gap = doc.text[prev.end : c.start] if prev is not None else ""
        if prev is None or c.section != prev.section or _BLANK_LINE.search(gap):
            out.append([])
        out[-1].append(c)
        prev = c
    return out


def is_footnote(r: RefTrace) -> bool:
    """A reference that is a footnote of the letter (a note, not a publication)."""
    if r.work is not None:
        return r.work.kind == "note"
    return r.entry is not None and r.entry.kind == "note"


def _support(claim: Claim, para: list[Claim], traces: Mapping[str, Trace]) -> Support:
    own = traces[claim.id].refs
    if own:
        return Support(own, "own")
    later = [c for c in para if c.start > claim.start]
    for c in later:
        refs = traces[c.id].refs
        if refs:
            lent = tuple(r for r in refs if not is_footnote(r))
            notes = tuple(dict.fromkeys(r.number for r in refs if is_footnote(r)))
            if not lent:  # a footnote backs only the sentence it is attached to
                return Support((), "none", None, notes)
            return Support(lent, "paragraph", c.id, notes)
    return Support((), "none")


def borrowed_words(sup: Support) -> str:
    """The one wording of borrowed support, shared by verdict reasons, findings and `kb trace`:
    'ref 19, borrowed from s11.c03 later in the paragraph' ('' for a claim's own markers)."""
    if sup.via != "paragraph":
        return ""
    ns = sup.numbers
    refs = f"ref{'s' if len(ns) > 1 else ''} {', '.join(map(str, ns))}"
    carrier = (sup.carrier or "").rpartition(":")[2]
    return f"{refs}, borrowed from {carrier} later in the paragraph"


def via_note(sup: Support) -> str:
    """'' for a claim's own markers, else ' (through ref 19, borrowed from s11.c03 later in
    the paragraph)'."""
    words = borrowed_words(sup)
    return f" (through {words})" if words else ""


def unmarked_words(sup: Support) -> str:
    """Why an unmarked sentence has no support: no later marker, or only a footnote's."""
    if sup.withheld and sup.via == "none":
        ns = ", ".join(map(str, sup.withheld))
        return (
            f"and the next marker of its paragraph (ref {ns}) is a footnote, which supports only "
            "the sentence it is attached to"
        )
    return "and no later sentence of its paragraph carries a marker"


# --- built once per knowledge base ---------------------------------------------------------------

# id(kb) -> name -> (the parts of the KB a value was built from, the value)
_PER_KB: dict[int, dict[str, tuple[tuple, Any]]] = {}


def per_kb(kb: KnowledgeBase, name: str, parts: tuple, build: Callable[[], Any]) -> Any:
    """`build()`, computed once per knowledge base and kept while `kb` lives.

    `parts` are the collections of the KB the value is read from (e.g. its readings); the value
    is built again when any of them no longer holds the very same objects (a KB changed in
    place), so what is kept is never stale. Checks use it for what they read from every
    document or every work, so that checking one document costs that document alone.
    """
    parts = tuple(tuple(p) for p in parts)
    held = _PER_KB.get(id(kb))
    if held is None:
        held = _PER_KB[id(kb)] = {}
        weakref.finalize(kb, _PER_KB.pop, id(kb), None)
    got = held.get(name)
    if got is not None and _same(got[0], parts):
        return got[1]
    value = build()
    held[name] = (parts, value)
    return value


def _same(held: tuple, now: tuple) -> bool:
    """Each part holds the very same objects, in the same order."""
    return all(
        len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
        for a, b in zip(held, now, strict=True)
    )


def recorded_numbers(kb: KnowledgeBase) -> tuple:
    """Outcomes by work, the typed numbers of every outcome (curated and extracted), the
    extracted outcomes by work, and every non-p number sorted by value: the whole KB's
    records, built once per KB (`per_kb`), not once per check."""
    parts = (kb.outcomes.values(), kb.records, kb.records.values())
    return per_kb(kb, "recorded_numbers", parts, lambda: _recorded_numbers(kb))


def _recorded_numbers(kb: KnowledgeBase) -> tuple:
    outcomes_by_work: dict[str, list[Outcome]] = defaultdict(list)
    numbers_of: dict[str, tuple[SourceNumber, ...]] = {}
    flat: list[SourceNumber] = []
    for o in kb.outcomes.values():
        outcomes_by_work[o.work].append(o)
        numbers_of[o.id] = source_numbers(o)
        flat.extend(n for n in numbers_of[o.id] if n.cls != "p")
    extracted: dict[str, list[Outcome]] = defaultdict(list)
    for key, records in kb.records.items():
        for rec in records:
            for n in rec.numbers:
                o = extracted_outcome(rec, n)
                extracted[key].append(o)
                numbers_of[o.id] = extracted_numbers(o, n)
                flat.extend(x for x in numbers_of[o.id] if x.cls != "p")
    flat.sort(key=lambda n: n.value)
    return (
        MappingProxyType({k: tuple(v) for k, v in outcomes_by_work.items()}),
        MappingProxyType(numbers_of),
        MappingProxyType({k: tuple(v) for k, v in extracted.items()}),
        (tuple(n.value for n in flat), tuple(flat)),
    )


def base_context(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, documents: Iterable[str] | None = None
) -> CheckContext:
    """The shared, read-only inputs of every check, before number matching
    (`kb.checks.matching.build_context` adds the matches).

    With `documents`, only those documents' claims, paragraphs, traces and support are
    computed (the checks then report on them alone); the records (works, outcomes) stay
    whole, and a check that compares documents reads the others through `all_doc_claims`.
    """
    scope = None if documents is None else frozenset(documents)
    if scope is not None and not scope <= kb.readings.keys():
        raise KeyError(f"unknown document(s): {', '.join(sorted(scope - kb.readings.keys()))}")
    doc_claims: dict[str, tuple[Claim, ...]] = {}
    for doc_id, reading in kb.readings.items():
        if scope is None or doc_id in scope:
            doc_claims[doc_id] = tuple(sorted(reading.claims, key=lambda c: c.start))
    claims = tuple(c for d in doc_claims.values() for c in d)
    by_id = {c.id: c for c in claims}
    traces: dict[str, Trace] = {}
    for c in claims:
        node = f"claim:{c.id}"
        traces[c.id] = trace(graph, node) if c.citations and node in graph else Trace(c, ())
    paragraph_of: dict[str, tuple[str, int]] = {}
    paragraphs: dict[tuple[str, int], tuple[Claim, ...]] = {}
    support: dict[str, Support] = {}
    for doc_id, cs in doc_claims.items():
        doc = kb.documents[doc_id]
        for i, para in enumerate(_paragraphs(doc, list(cs))):
            paragraphs[(doc_id, i)] = tuple(para)
            for c in para:
                paragraph_of[c.id] = (doc_id, i)
                support[c.id] = _support(c, para, traces)
    outcomes_by_work, numbers_of, extracted, index = recorded_numbers(kb)
    entries = {d: tuple(r.entries) for d, r in kb.readings.items() if d in doc_claims}
    return CheckContext(
        kb=kb,
        graph=graph,
        claims=claims,
        by_id=MappingProxyType(by_id),
        doc_claims=MappingProxyType(doc_claims),
        paragraph_of=MappingProxyType(paragraph_of),
        paragraphs=MappingProxyType(paragraphs),
        traces=MappingProxyType(traces),
        support=MappingProxyType(support),
        entries=MappingProxyType(entries),
        outcomes_by_work=outcomes_by_work,
        numbers_of=numbers_of,
        extracted_by_work=extracted,
        _index=index,
        scope=scope,
    )


__all__ = [
    "STATUSES",
    "MatchStatus",
    "Atom",
    "CheckContext",
    "NumberMatch",
    "SourceNumber",
    "Support",
    "atoms",
    "base_context",
    "borrowed_words",
    "event_statements",
    "extracted_outcome",
    "has_record",
    "imported_scope",
    "is_footnote",
    "outcome_event_qualifiers",
    "per_kb",
    "record_scope",
    "recorded_numbers",
    "source_numbers",
    "unmarked_words",
    "via_note",
]
