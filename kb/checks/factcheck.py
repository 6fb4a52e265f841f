"""One fact check of a loaded knowledge base: findings, number matches and a verdict per claim.

`fact_check(kb, graph)` runs every registered check once and returns a frozen FactCheck that the
UI and the exporters read. Verdicts are the machine's; analysts' assessments are kept apart
(`analyst_verdicts`) so both can be shown side by side, never merged.

>>> fc = fact_check(kb, g)
>>> fc.verdict("nysipp-2026:s09.c04").label
<VerdictLabel.CONTRADICTED: 'contradicted'>
>>> print(fc.verdict("nysipp-2026:s09.c04").label)
contradicted
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

from kb.checks import run_context
from kb.checks.context import (
    CheckContext,
    NumberMatch,
    has_record,
    imported_scope,
    record_scope,
)
from kb.checks.matching import build_context, made_by_ingest, missing_record_words
from kb.checks.text import factual, is_heading, show
from kb.model import Assessment, Claim, Finding, KnowledgeBase
from kb.schema import (
    SEVERITIES,
    VERDICT_LABELS,  # noqa: F401  (re-exported)
    MatchStatus,
    VerdictLabel,
)

CONTRADICTING = frozenset(
    {"NUM-CONTRADICTED", "ARITH-P-VALUE-FLIP", "ARITH-RATIO-WORDS", "ARITH-SIGNIFICANCE"}
)
DOWNGRADING = frozenset({"ARITH-PERCENT-DENOMINATOR", "ARITH-CHANGE", "ARITH-COMPOSITE"})


@dataclass(frozen=True)
class Verdict:
    """The machine's verdict on one claim, the reason, and the findings and outcomes behind it."""

    claim: str
    label: VerdictLabel
    reason: str
    codes: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class FactCheck:
    """Everything the checks found about a knowledge base; computed once, never changed."""

    findings: tuple[Finding, ...]
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    matches: dict[str, tuple[NumberMatch, ...]] = field(default_factory=dict)
    # the findings behind each verdict: the claim's own and those about the references it
    # rests on; and, for a claim with no marker of its own, the sentence whose markers it takes
    about: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    carriers: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _by_claim(self) -> dict[str, tuple[Finding, ...]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.claim is not None:
                out.setdefault(f.claim, []).append(f)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _by_doc(self) -> dict[str, tuple[Finding, ...]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.document is not None:
                out.setdefault(f.document, []).append(f)
        return {k: tuple(v) for k, v in out.items()}

    def verdict(self, claim_id: str) -> Verdict:
        """The machine verdict of a claim (KeyError naming the claim when it was not checked)."""
        try:
            return self.verdicts[claim_id]
        except KeyError:
            raise KeyError(f"no verdict for claim {claim_id!r}") from None

    def findings_of(self, claim_id: str) -> tuple[Finding, ...]:
        """Findings about one claim."""
        return self._by_claim.get(claim_id, ())

    def findings_behind(self, claim_id: str) -> tuple[Finding, ...]:
        """The findings behind a claim's verdict: its own and those about its references."""
        if claim_id in self.about:
            return self.about[claim_id]
        return self.findings_of(claim_id)

    def matches_of(self, claim_id: str) -> tuple[NumberMatch, ...]:
        """The claim's number matches in the order its numbers stand in the text."""
        found = self.matches.get(claim_id, ())
        return tuple(sorted(found, key=lambda m: (m.number.start, m.status)))

    def verdict_codes(self, claim_id: str) -> tuple[str, ...]:
        """Finding codes the verdict rests on (its own list when it has one), sorted."""
        own = self.verdict(claim_id).codes
        return tuple(sorted(set(own or (f.code for f in self.findings_of(claim_id)))))

    def worst_severity(self, claim_id: str) -> str:
        """The highest severity among the findings behind a claim's verdict, those about the
        references it rests on included ('' when there are none)."""
        ranks = [SEVERITIES.index(f.severity) for f in self.findings_behind(claim_id)]
        return SEVERITIES[max(ranks)] if ranks else ""

    def of_document(self, document: str) -> tuple[Finding, ...]:
        """Findings about one document (claim-level and document-level)."""
        return self._by_doc.get(document, ())


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _texts(ms: list[NumberMatch]) -> str:
    return _join([show(m.number.text) for m in ms])


def _match_verb(ms: list[NumberMatch]) -> str:
    return "matches" if len(ms) == 1 else "match"


def verdict_for(ctx: CheckContext, claim: Claim, findings: list[Finding]) -> Verdict:
    """The verdict on one claim given its findings (claim-level and those of its references)."""
    sup = ctx.support[claim.id]
    codes = tuple(sorted({f.code for f in findings}))
    ms = list(ctx.matches.get(claim.id, ()))
    outcome_ids = tuple(dict.fromkeys(m.outcome.id for m in ms if m.outcome is not None))

    def v(label: VerdictLabel, reason: str) -> Verdict:
        return Verdict(claim.id, label, reason, codes, outcome_ids)

    if is_heading(claim):
        return v(VerdictLabel.NO_FACTUAL_CLAIM, "A heading, not a statement.")
    if sup.via == "none":
        if factual(claim):
            stated = [m.number.text for m in ms if m.number.kind != "events"]
            what = f"states {_join(stated)}" if stated else "states a result"
            return v(
                VerdictLabel.UNCITED,
                f"It {what} but cites no reference, and no later sentence of "
                "its paragraph carries a marker.",
            )
        return v(
            VerdictLabel.NO_FACTUAL_CLAIM,
            "It states no number or checkable result and cites nothing.",
        )
    via = (
        f" (through ref{'s' if len(sup.numbers) > 1 else ''} "
        f"{', '.join(map(str, sup.numbers))}, cited later in the paragraph)"
        if sup.via == "paragraph"
        else ""
    )
    works = sup.works
    if not works:
        no_entry = list(dict.fromkeys(str(r.number) for r in sup.refs if r.entry is None))
        if no_entry:
            refs = (
                f"Refs {', '.join(no_entry)} are" if len(no_entry) > 1 else f"Ref {no_entry[0]} is"
            )
            return v(
                VerdictLabel.CANNOT_VERIFY, f"{refs} not in the document's reference list{via}."
            )
        ambiguous = [
            r.resolution
            for r in sup.refs
            if r.resolution is not None and r.resolution.method == "ambiguous"
        ]
        refs = ", ".join(map(str, sup.numbers))
        if ambiguous:
            return v(
                VerdictLabel.CANNOT_VERIFY,
                f"Ref {refs} is left unresolved, {ambiguous[0].note}{via}.",
            )
        return v(
            VerdictLabel.CANNOT_VERIFY,
            f"Ref {refs} matches no work in the knowledge base{missing_record_words(ctx.kb)}{via}.",
        )
    pubs = [w for w in works if w.is_publication]
    if not pubs:
        kinds = _join([f"{w.citekey} ({w.kind})" for w in works])
        return v(
            VerdictLabel.NON_PUBLICATION, f"Its only support is {kinds}, not a publication{via}."
        )
    contradictions = [m for m in ms if m.status == MatchStatus.CONTRADICTED]
    if contradictions or set(codes) & CONTRADICTING:
        if contradictions:
            m = contradictions[0]
            reason = f"The record says otherwise: {m.reason}."
        else:
            hit = next(f for f in findings if f.code in CONTRADICTING)
            reason = hit.message
        return v(VerdictLabel.CONTRADICTED, reason)
    checkable = [m for m in ms if m.status != MatchStatus.NOT_CHECKED]
    if not checkable:
        if ms:
            return v(VerdictLabel.CANNOT_VERIFY, f"{ms[0].reason[0].upper()}{ms[0].reason[1:]}.")
        verified = [w for w in pubs if has_record(ctx.kb, w)]
        if not verified:
            keys = _join([w.citekey for w in pubs])
            words = missing_record_words(ctx.kb) if any(made_by_ingest(w) for w in pubs) else ""
            return v(
                VerdictLabel.CANNOT_VERIFY,
                f"{keys} is known only from the letter's citation{words}{via}.",
            )
        keys = _join([w.citekey for w in verified])
        return v(
            VerdictLabel.CANNOT_VERIFY,
            f"It states no number the checks can compare; an analyst must read {keys}{via}.",
        )
    matched = [m for m in checkable if m.status == MatchStatus.MATCHED]
    near = [m for m in checkable if m.status == MatchStatus.NEAR_MISS]
    elsewhere = [m for m in checkable if m.status == MatchStatus.ELSEWHERE]
    missing = [m for m in checkable if m.status == MatchStatus.NOT_IN_SOURCE]
    where = _join(list(dict.fromkeys(m.outcome.work for m in matched if m.outcome)))
    found = f"{_texts(matched)} {_match_verb(matched)} {where}{via}"
    quotes = list(
        dict.fromkeys(
            m.outcome.quote
            for m in matched
            if m.outcome is not None and m.outcome.origin == "extracted" and m.outcome.quote
        )
    )
    if quotes:
        shown = " … ".join(f'"{q}"' for q in quotes[:2])
        found += f", whose record says {shown} (numbers extracted from the record, not reviewed)"
    if matched and not (near or elsewhere or missing):
        p_own = [
            f for f in findings if f.code == "ARITH-P-VALUE" and "recorded" not in dict(f.evidence)
        ]
        down = [f for f in findings if f.code in DOWNGRADING] + p_own
        if down:
            return v(
                VerdictLabel.PARTLY_SUPPORTED,
                f"{found}, but {down[0].code} applies: {down[0].message}",
            )
        also = sorted({f.code for f in findings if f.severity != "info" and f.claim})
        note = f" ({', '.join(also)} also applies)" if also else ""
        return v(VerdictLabel.SUPPORTED, f"{found}{note}.")
    if matched:
        off = near + elsewhere + missing
        return v(VerdictLabel.PARTLY_SUPPORTED, f"{found}; {off[0].reason}.")
    if near or elsewhere:
        m = (near or elsewhere)[0]
        return v(VerdictLabel.NOT_SUPPORTED, f"{m.reason[0].upper()}{m.reason[1:]}.")
    partial = all(
        (imported_scope(ctx.kb, w) or "") != "full text"
        and record_scope(w, ctx.outcomes_by_work.get(w.citekey, ())) != "record"
        for w in pubs
        if has_record(ctx.kb, w)
    )
    if partial:
        return v(
            VerdictLabel.CANNOT_VERIFY,
            f"{_texts(missing)}: not in the cited record as read (only "
            f"an abstract or part of it), so it may be in the full "
            f"text{via}.",
        )
    return v(VerdictLabel.NOT_SUPPORTED, f"{_texts(missing)}: not in the cited record{via}.")


def _findings_by_claim(ctx: CheckContext, findings: list[Finding]) -> dict[str, list[Finding]]:
    """Claim-level findings, plus those about a reference (or document) each claim cites."""
    out: dict[str, list[Finding]] = {c.id: [] for c in ctx.claims}
    loose: dict[str, list[Finding]] = {}
    for f in findings:
        if f.claim is not None and f.claim in out:
            out[f.claim].append(f)
        elif f.claim is None and f.document is not None:
            loose.setdefault(f.document, []).append(f)
    for c in ctx.claims:
        refs = set(ctx.support[c.id].numbers)
        if not refs:
            continue
        for f in loose.get(c.document, ()):
            if f.code.startswith("CIT-") and refs & set(f.refs):
                out[c.id].append(f)
    return out


def fact_check(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, documents: Iterable[str] | None = None
) -> FactCheck:
    """Run every check once; return findings, matches and a verdict for every claim.

    With `documents` (ids), only those documents are checked: the result holds exactly the
    findings, matches and verdicts the whole-KB check gives for them, at the cost of those
    documents (other documents are read only through the cross-document index).
    """
    ctx = build_context(kb, graph, documents)
    findings = run_context(ctx)
    per_claim = _findings_by_claim(ctx, findings)
    verdicts = {c.id: verdict_for(ctx, c, per_claim[c.id]) for c in ctx.claims}
    carriers = {
        c.id: carrier
        for c in ctx.claims
        if ctx.support[c.id].via == "paragraph" and (carrier := ctx.support[c.id].carrier)
    }
    about = {cid: tuple(fs) for cid, fs in per_claim.items()}
    return FactCheck(tuple(findings), verdicts, dict(ctx.matches), about, carriers)


def _span(found: Any) -> tuple[int, int] | None:
    if found is None:
        return None
    if isinstance(found, tuple) and len(found) >= 2:
        return int(found[0]), int(found[1])
    start, end = getattr(found, "start", None), getattr(found, "end", None)
    if start is None or end is None:
        return None
    return int(start), int(end)


def analyst_verdicts(kb: KnowledgeBase) -> dict[str, Assessment]:
    """Analysts' assessments, re-anchored to the claim that now contains each quote.

    An assessment whose quote can no longer be found is left out (loading reports it as
    orphaned). When two assessments land on one claim, the later-dated one is kept.
    """
    from kb.linking.anchors import reanchor

    out: dict[str, Assessment] = {}
    ordered = sorted(kb.assessments.values(), key=lambda a: (a.date or "", a.id))
    for a in ordered:
        doc = kb.documents.get(a.document)
        if doc is None or a.finding:  # a decision on a finding is not a verdict on the claim
            continue
        span = _span(reanchor(doc.text, a.quote, a.prefix, a.suffix, a.start, a.end))
        if span is None:
            continue
        s, e = span
        best, overlap = None, 0
        for c in kb.claims(a.document):
            o = min(e, c.end) - max(s, c.start)
            if o > overlap:
                best, overlap = c, o
        if best is None:
            continue
        out[best.id] = replace(a, claim=best.id, start=s, end=e)
    return out
