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

from kb.checks import run_context, stats
from kb.checks.context import (
    CheckContext,
    NumberMatch,
    borrowed_words,
    has_record,
    imported_scope,
    record_scope,
    unmarked_words,
    via_note,
)
from kb.checks.description import RESULT_WORDS, agreeing_words, describe_claim
from kb.checks.facts import regulatory_or_evidence
from kb.checks.matching import build_context, made_by_ingest, missing_record_words, slip
from kb.checks.statements import match_statement, statement_reason
from kb.checks.text import atoms, factual, is_heading, show, strip_markers
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
DOWNGRADING = frozenset(
    {
        "ARITH-PERCENT-DENOMINATOR",
        "ARITH-CHANGE",
        "ARITH-COMPOSITE",
        "ARITH-P-VALUE",
        "NUM-TRIAL-SIZE",
        "EVID-DESIGN-WORD",
        "EVID-STUDY-DESCRIPTION",
    }
)
# Findings that restate what the verdict reason already says in its own words (the matches).
MATCH_CODES = frozenset({"NUM-MATCH", "NUM-NEAR-MISS", "NUM-ELSEWHERE", "NUM-NOT-IN-SOURCE",
                         "NUM-CONTRADICTED"})  # fmt: skip
DESCRIPTION_CODES = frozenset({"EVID-DESIGN-WORD", "EVID-STUDY-DESCRIPTION"})


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
    # for such a claim: the reference numbers it is read with and the one wording of it
    # ('ref 19, borrowed from s11.c05 later in the paragraph'), as verdicts and `kb trace` say it
    borrowed: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)

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


def _capital(reason: str) -> str:
    """A match's reason as the start of a sentence: its first word capitalised, unless that
    word is a name as written (a citekey such as deer2026motion5y, a quoted figure).

    >>> _capital("deer2026motion5y is known only from the letter's citation")
    "deer2026motion5y is known only from the letter's citation"
    >>> _capital("the record says 160")
    'The record says 160'
    """
    first = reason.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        return reason[0].upper() + reason[1:]
    return reason


def _texts(ms: list[NumberMatch]) -> str:
    return _join([show(m.number.text) for m in ms])


def _match_verb(ms: list[NumberMatch]) -> str:
    return "matches" if len(ms) == 1 else "match"


def inherited(f: Finding) -> bool:
    """An arithmetic oddity of a figure the cited record itself prints as the letter copies it
    (the finding's evidence names the recorded row): the source's, not the letter's."""
    return "recorded" in dict(f.evidence)


def lowering(findings: list[Finding]) -> list[Finding]:
    """The findings that lower a verdict whose numbers all match: arithmetic the letter's own
    figures fail, an RCT presented with a subset, a description the study record does not bear
    out. An oddity inherited from the source does not count."""
    return [f for f in findings if f.code in DOWNGRADING and not inherited(f)]


def verdict_for(ctx: CheckContext, claim: Claim, findings: list[Finding]) -> Verdict:
    """The verdict on one claim given its findings (claim-level and those of its references).

    One rule: every finding at warning level or above about the claim shows in the reason
    (named by its code, with its message unless the reason already says it in other words).
    """
    v = _verdict(ctx, claim, findings)
    shown = [
        f
        for f in findings
        if f.claim == claim.id
        and SEVERITIES.index(f.severity) >= SEVERITIES.index("warning")
        and f.code not in v.reason
    ]
    ordered = sorted(shown, key=lambda f: (-SEVERITIES.index(f.severity), f.code))

    def said(f: Finding) -> bool:
        """The reason already says what the finding found, in its own words: named only."""
        return f.code in MATCH_CODES | {"CIT-UNCITED"} or f.message.rstrip(".") in v.reason

    named = list(dict.fromkeys(f.code for f in ordered if said(f)))
    extra = list(
        dict.fromkeys(f"{f.code} also applies: {f.message}" for f in ordered if not said(f))
    )
    if named:
        extra.append(f"Finding{'s' if len(named) > 1 else ''}: {', '.join(named)}.")
    if not extra:
        return v
    return replace(v, reason=" ".join([v.reason, *extra]))


def _meaning_change(ctx: CheckContext, claim: Claim, m: NumberMatch) -> str:
    """Why a near miss changes what the sentence means ('' for a rounding-size slip): an
    order-of-magnitude slip, a share moved across one half, or an order between the
    sentence's own figures reversed (16 older adults beside 49 adults, where the record has
    160: the larger group becomes the smaller)."""
    if m.outcome is None:
        return ""
    for a in atoms(m.number):
        for sn in ctx.numbers_of.get(m.outcome.id, ()):
            if sn.cls != a.cls or not slip(a, sn.value):
                continue
            said, rec = a.value, sn.value
            why = []
            if said and rec and max(said, rec) / min(said, rec) >= 5:
                why.append(f"{show(a.text)} for {stats.fmt(rec)} is an order-of-magnitude slip")
            if a.cls == "pct" and (said - 50) * (rec - 50) < 0:
                why.append(f"{show(a.text)}% for {stats.fmt(rec)}% moves the share across one half")
            others = [
                b
                for o in ctx.matches.get(claim.id, ())
                if o is not m and o.status == MatchStatus.MATCHED
                for b in atoms(o.number)
                if b.cls == a.cls and (said - b.value) * (rec - b.value) < 0
            ]
            if others:
                b = others[0]
                side = "smaller" if said < b.value else "larger"
                why.append(
                    f"beside {show(b.text)} it makes its group the {side}, where the record's "
                    f"{stats.fmt(rec)} makes it the {'larger' if side == 'smaller' else 'smaller'}"
                )
            if why:
                return "; ".join(why) + ": the slip changes what the sentence says"
    return ""


def _verdict(ctx: CheckContext, claim: Claim, findings: list[Finding]) -> Verdict:
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
            fact = regulatory_or_evidence(claim)
            what = (
                f"states {_join(stated)}"
                if stated
                else f'states a regulatory or evidence-level fact ("{fact}")'
                if fact
                else "states a result"
            )
            return v(
                VerdictLabel.UNCITED,
                f"It {what} but cites no reference, {unmarked_words(sup)}.",
            )
        footnote = f"; {unmarked_words(sup)[4:]}" if sup.withheld else ""
        return v(
            VerdictLabel.NO_FACTUAL_CLAIM,
            f"It states no number or checkable result and cites nothing{footnote}.",
        )
    via = via_note(sup)
    works = sup.works
    if not works:
        no_entry = list(dict.fromkeys(str(r.number) for r in sup.refs if r.entry is None))
        if no_entry:
            refs = (
                f"Refs {', '.join(no_entry)} are" if len(no_entry) > 1 else f"Ref {no_entry[0]} is"
            )
            return v(
                VerdictLabel.SOURCE_NOT_AVAILABLE,
                f"{refs} not in the document's reference list{via}.",
            )
        ambiguous = [
            r.resolution
            for r in sup.refs
            if r.resolution is not None and r.resolution.method == "ambiguous"
        ]
        refs = ", ".join(map(str, sup.numbers))
        if ambiguous:
            return v(
                VerdictLabel.SOURCE_NOT_AVAILABLE,
                f"Ref {refs} is left unresolved, {ambiguous[0].note}{via}.",
            )
        return v(
            VerdictLabel.SOURCE_NOT_AVAILABLE,
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
    for m in ms:
        if m.status == MatchStatus.NEAR_MISS and (why := _meaning_change(ctx, claim, m)):
            return v(VerdictLabel.CONTRADICTED, f"The record says otherwise: {m.reason}; {why}.")
    aspects = describe_claim(ctx, claim)
    agreed = agreeing_words(aspects)
    said_of = f"; the study record bears out {agreed}" if agreed else ""
    checkable = [m for m in ms if m.status != MatchStatus.NOT_CHECKED]
    if not checkable:
        if ms:
            return v(VerdictLabel.SOURCE_NOT_AVAILABLE, f"{_capital(ms[0].reason)}.")
        verified = [w for w in pubs if has_record(ctx.kb, w)]
        if not verified:
            keys = _join([w.citekey for w in pubs])
            words = missing_record_words(ctx.kb) if any(made_by_ingest(w) for w in pubs) else ""
            return v(
                VerdictLabel.SOURCE_NOT_AVAILABLE,
                f"{keys} is known only from the letter's citation{words}{via}.",
            )
        keys = _join([w.citekey for w in verified])
        unborne = [f for f in findings if f.code in DESCRIPTION_CODES and f.claim == claim.id]
        if unborne:
            label = VerdictLabel.PARTLY_SUPPORTED if agreed else VerdictLabel.NOT_SUPPORTED
            head = f"The study record bears out {agreed}, but" if agreed else "But"
            return v(label, f"{head} {unborne[0].code} applies: {unborne[0].message}")
        statement = _statement_verdict(ctx, claim, keys, via, codes)
        if statement.label != VerdictLabel.NEEDS_READING:
            # the asserted finding is decided by the records; a description that matches
            # is said beside it
            return replace(statement, reason=f"{statement.reason.rstrip('.')}{said_of}.")
        if agreed and not RESULT_WORDS.search(claim.text):
            return v(
                VerdictLabel.SUPPORTED,
                f"The description of the study matches its record: {agreed}{via}.",
            )
        return replace(statement, reason=f"{statement.reason.rstrip('.')}{said_of}.")
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
        down = lowering(findings)
        if down:
            return v(
                VerdictLabel.PARTLY_SUPPORTED,
                f"{found}{said_of}, but {down[0].code} applies: {down[0].message}",
            )
        return v(VerdictLabel.SUPPORTED, f"{found}{said_of}.")
    if matched:
        off = near + elsewhere + missing
        return v(VerdictLabel.PARTLY_SUPPORTED, f"{found}; {off[0].reason}.")
    if near or elsewhere:
        m = (near or elsewhere)[0]
        return v(VerdictLabel.NOT_SUPPORTED, f"{_capital(m.reason)}.")
    partial = all(
        (imported_scope(ctx.kb, w) or "") != "full text"
        and record_scope(w, ctx.outcomes_by_work.get(w.citekey, ())) != "record"
        for w in pubs
        if has_record(ctx.kb, w)
    )
    if partial:
        return v(
            VerdictLabel.SOURCE_NOT_AVAILABLE,
            f"{_texts(missing)}: not in the cited record as read (only "
            f"an abstract or part of it), so it may be in the full "
            f"text{via}.",
        )
    return v(VerdictLabel.NOT_SUPPORTED, f"{_texts(missing)}: not in the cited record{via}.")


STATEMENT_LABELS = {
    "supported": VerdictLabel.SUPPORTED,
    "partly": VerdictLabel.PARTLY_SUPPORTED,
    "contradicted": VerdictLabel.CONTRADICTED,
}


def _statement_verdict(
    ctx: CheckContext, claim: Claim, keys: str, via: str, codes: tuple[str, ...]
) -> Verdict:
    """The verdict on a claim that states no number: its asserted finding (outcome, direction,
    significance, timepoint, comparison) matched against the cited records; "needs reading"
    naming what is missing when the records do not decide it."""
    m = match_statement(ctx, claim, strip_markers(claim))
    label = STATEMENT_LABELS.get(m.status, VerdictLabel.NEEDS_READING)
    return Verdict(claim.id, label, statement_reason(m, keys, via), codes, m.outcome_ids)


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
    borrowed = {
        cid: (ctx.support[cid].numbers, borrowed_words(ctx.support[cid])) for cid in carriers
    }
    about = {cid: tuple(fs) for cid, fs in per_claim.items()}
    return FactCheck(tuple(findings), verdicts, dict(ctx.matches), about, carriers, borrowed)


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
