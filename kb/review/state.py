"""The review's current state, folded from the log's events and anchored to the letters.

Events name the claim they were made on and carry W3C selectors of its text. When a letter is
re-read (claim ids renumbered, small edits) each event is re-anchored with
`kb.linking.anchors.reanchor` to the claim that now holds its quote; an event whose quote is
gone is kept as an orphan and shown, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kb.linking.anchors import reanchor, selectors
from kb.model import Assessment, Claim, Finding, KnowledgeBase, Source
from kb.review.log import Anchor, Event


def bare(claim_id: str | None) -> str:
    """A claim id without its 'claim:' kind prefix ('' for None)."""
    return (claim_id or "").removeprefix("claim:")


def finding_key(f: Finding) -> str:
    """A finding's stable name within its claim: code, references and works it is about."""
    refs = ",".join(str(r) for r in f.refs)
    works = ",".join(f.works)
    return f"{f.code}|{refs}|{works}"


def claim_anchor(kb: KnowledgeBase, claim: Claim) -> Anchor:
    """The W3C selectors of a claim's text in its document."""
    doc = kb.documents[claim.document]
    sel = selectors(doc.text, claim.start, claim.end)
    q, p = sel["TextQuoteSelector"], sel["TextPositionSelector"]
    return Anchor(q["exact"], q["prefix"], q["suffix"], p["start"], p["end"])


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on one machine finding: accept, reject or amend, with a reason."""

    document: str
    claim: str
    finding: str
    decision: str
    reason: str
    analyst: str
    at: str
    seq: int


@dataclass
class Judgement:
    """An analyst's current verdict and note on one claim, with the events behind them."""

    document: str
    claim: str
    verdict: str = ""
    note: str = ""
    criteria: str = ""
    analyst: str = ""
    at: str = ""
    anchor: Anchor = field(default_factory=Anchor)
    orphaned: bool = False
    events: list[Event] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when no verdict, note or criteria mapping stands."""
        return not self.verdict and not self.note and not self.criteria


@dataclass(frozen=True)
class SignOff:
    """A document's signed-off review: who, when, a summary, and the log position it froze."""

    document: str
    analyst: str
    at: str
    summary: str
    seq: int


@dataclass(frozen=True)
class Certainty:
    """An analyst's rating of one GRADE certainty domain of one outcome, for one document."""

    document: str
    outcome: str
    domain: str
    level: str
    note: str
    analyst: str
    at: str
    seq: int


@dataclass
class ReviewState:
    """The review as it stands: judgements by claim, finding decisions, sign-offs, orphans."""

    judgements: dict[str, Judgement] = field(default_factory=dict)
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)
    signoffs: dict[str, SignOff] = field(default_factory=dict)
    orphans: list[Judgement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # (document, outcome group, domain) -> the standing rating, set or cleared
    certainty: dict[tuple[str, str, str], Certainty] = field(default_factory=dict)

    def rating(self, document: str, outcome: str, domain: str) -> Certainty | None:
        """The standing certainty rating (level or note set) of a domain, or None."""
        c = self.certainty.get((document, outcome, domain))
        return c if c is not None and (c.level or c.note) else None

    def certainty_history(self, document: str, outcome: str) -> list[Event]:
        """Every certainty event of one outcome of a document, oldest first."""
        prefix = f"sof:{outcome}:"
        return [
            e
            for e in self.events
            if e.field == "certainty" and e.document == document and e.finding.startswith(prefix)
        ]

    def judgement(self, claim_id: str) -> Judgement | None:
        """The standing judgement of a claim, or None."""
        j = self.judgements.get(bare(claim_id))
        return None if j is None or j.empty else j

    def decision(self, claim_id: str, key: str) -> Decision | None:
        """The standing decision on one finding of a claim ('' claim: about the document)."""
        d = self.decisions.get((bare(claim_id), key))
        return d if d is not None and d.decision else None

    def history(self, claim_id: str) -> list[Event]:
        """Every event on a claim and its findings, oldest first."""
        j = self.judgements.get(bare(claim_id))
        return list(j.events) if j else []

    def signed_off(self, document: str) -> SignOff | None:
        """The standing sign-off of a document, or None (never signed, or reopened)."""
        return self.signoffs.get(document)

    def reviewed(self, claim_ids: Iterable[str]) -> list[str]:
        """Those of the claims that carry an analyst verdict."""
        return [c for c in claim_ids if self.judgement(c) and self.judgements[bare(c)].verdict]


class _Resolver:
    """Maps an event's claim and selectors to a claim of the KB as it is read now."""

    def __init__(self, kb: KnowledgeBase | None):
        self.kb = kb
        self.cache: dict[tuple, str | None] = {}
        self.claims: dict[str, dict[str, Claim]] = {}

    def _claims(self, document: str) -> dict[str, Claim]:
        if document not in self.claims:
            self.claims[document] = {c.id: c for c in self.kb.claims(document)} if self.kb else {}
        return self.claims[document]

    def __call__(self, ev: Event) -> str | None:
        """The current claim id, or None when the event's text cannot be found (orphan)."""
        claim = bare(ev.claim)
        if self.kb is None:
            return claim or None
        key = (ev.document, claim, ev.quote, ev.start, ev.end)
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = found = self._resolve(ev, claim)
        return found

    def _resolve(self, ev: Event, claim: str) -> str | None:
        doc = self.kb.documents.get(ev.document)
        claims = self._claims(ev.document)
        if doc is None:
            return None
        c = claims.get(claim)
        if not ev.quote:
            return claim if c is not None else None
        if c is not None and " ".join(ev.quote.split()) == " ".join(
            doc.text[c.start : c.end].split()
        ):
            return claim
        span = reanchor(doc.text, ev.quote, ev.prefix, ev.suffix, ev.start, ev.end)
        if span is None:
            return None
        s, e = span
        best, overlap = None, 0
        for c in claims.values():
            o = min(e, c.end) - max(s, c.start)
            if o > overlap:
                best, overlap = c, o
        return best.id if best is not None else None


def assessment_events(kb: KnowledgeBase) -> list[Event]:
    """The rows of assessments.csv as events (seq 0) that the log's own events build on."""
    out = []
    for a in sorted(kb.assessments.values(), key=lambda a: (a.date or "", a.id)):
        common = {
            "seq": 0,
            "at": a.date or "",
            "analyst": a.analyst or "",
            "document": a.document,
            "claim": bare(a.claim),
            "quote": a.quote,
            "prefix": a.prefix or "",
            "suffix": a.suffix or "",
            "start": a.start,
            "end": a.end,
            "before": "",
        }
        if a.finding:
            out.append(
                Event(
                    finding=a.finding,
                    field="decision",
                    after=a.decision or "",
                    note=a.note or "",
                    **common,
                )
            )
            continue
        if a.verdict or not a.criteria:
            out.append(Event(finding="", field="verdict", after=a.verdict, note="", **common))
        if a.criteria:
            out.append(Event(finding="", field="criteria", after=a.criteria, note="", **common))
        if a.note:
            out.append(Event(finding="", field="note", after=a.note, note="", **common))
    return out


def fold(
    events: Iterable[Event], kb: KnowledgeBase | None = None, upto: int | None = None
) -> ReviewState:
    """The state the events leave (those with seq ≤ upto when given), anchored to the KB."""
    resolve = _Resolver(kb)
    state = ReviewState()
    orphans: dict[tuple[str, str], Judgement] = {}
    for ev in events:
        if upto is not None and ev.seq > upto:
            break
        state.events.append(ev)
        if ev.field == "signoff":
            state.signoffs[ev.document] = SignOff(ev.document, ev.analyst, ev.at, ev.after, ev.seq)
            continue
        if ev.field == "reopen":
            state.signoffs.pop(ev.document, None)
            continue
        if ev.field == "certainty":
            _, outcome, domain = ev.finding.split(":", 2)
            state.certainty[(ev.document, outcome, domain)] = Certainty(
                ev.document, outcome, domain, ev.after, ev.note, ev.analyst, ev.at, ev.seq
            )
            continue
        claim = resolve(ev)
        if claim is None and not ev.claim and not ev.quote:
            claim = ""  # a finding about the document itself (a reference entry, a work)
        if claim is None:
            key = (ev.document, bare(ev.claim) or ev.quote)
            j = orphans.setdefault(key, Judgement(ev.document, bare(ev.claim), orphaned=True))
        else:
            j = state.judgements.setdefault(claim, Judgement(ev.document, claim))
        j.events.append(ev)
        if ev.quote:
            j.anchor = ev.anchor
        if ev.field == "decision":
            cid = j.claim if claim is None else claim
            state.decisions[(cid, ev.finding)] = Decision(
                ev.document, cid, ev.finding, ev.after, ev.note, ev.analyst, ev.at, ev.seq
            )
            continue
        setattr(j, ev.field, ev.after)
        j.analyst, j.at = ev.analyst, ev.at
    state.orphans = [j for j in orphans.values() if not j.empty]
    return state


def review_state(
    kb: KnowledgeBase | None, events: Iterable[Event], upto: int | None = None
) -> ReviewState:
    """assessments.csv (when a KB is given) and then the log's events, folded and anchored."""
    base = assessment_events(kb) if kb is not None else []
    return fold([*base, *events], kb, upto)


def as_assessments(kb: KnowledgeBase, state: ReviewState) -> dict[str, Assessment]:
    """The standing judgements and decisions as assessment records (the CSV's rows)."""
    out: dict[str, Assessment] = {}
    claims = {c.id: c for c in kb.claims()}
    for cid, j in sorted(state.judgements.items()):
        if j.empty:
            continue
        anchor = claim_anchor(kb, claims[cid]) if cid in claims else j.anchor
        out[cid] = Assessment(
            id=cid,
            document=j.document,
            quote=anchor.quote,
            verdict=j.verdict,
            claim=cid,
            prefix=anchor.prefix or None,
            suffix=anchor.suffix or None,
            start=anchor.start,
            end=anchor.end,
            note=j.note or None,
            analyst=j.analyst or None,
            date=j.at or None,
            source=Source("review log"),
            criteria=j.criteria or None,
        )
    for (cid, key), d in sorted(state.decisions.items()):
        if not d.decision:
            continue
        anchor = claim_anchor(kb, claims[cid]) if cid in claims else Anchor()
        aid = f"{cid or d.document}#{key}"
        out[aid] = Assessment(
            id=aid,
            document=d.document,
            quote=anchor.quote,
            verdict="",
            claim=cid or None,
            prefix=anchor.prefix or None,
            suffix=anchor.suffix or None,
            start=anchor.start,
            end=anchor.end,
            note=d.reason or None,
            analyst=d.analyst or None,
            date=d.at or None,
            finding=key,
            decision=d.decision,
            source=Source("review log"),
        )
    for j in state.orphans:
        aid = f"orphan:{j.claim or j.anchor.quote[:40]}"
        out[aid] = Assessment(
            id=aid,
            document=j.document,
            quote=j.anchor.quote,
            verdict=j.verdict,
            claim=j.claim or None,
            prefix=j.anchor.prefix or None,
            suffix=j.anchor.suffix or None,
            start=j.anchor.start,
            end=j.anchor.end,
            note=j.note or None,
            analyst=j.analyst or None,
            date=j.at or None,
            source=Source("review log (orphaned)"),
        )
    return out


def with_review(kb: KnowledgeBase, state: ReviewState) -> KnowledgeBase:
    """A copy of the KB whose assessments are the review's standing claim verdicts, with the
    review state attached as `kb.review` (sign-offs, finding decisions) for the exporters.

    Exporters read analysts' verdicts from `kb.assessments`; this hands them the review log's.
    Finding decisions and orphans are left out of the assessments (no claim verdict to show).
    Without events in the log the KB is returned as it is, so exports stay byte-identical.
    """
    judged = {
        k: a
        for k, a in as_assessments(kb, state).items()
        if not a.finding and not k.startswith("orphan:")
    }
    if not any(e.seq > 0 for e in state.events):
        return kb  # nothing beyond assessments.csv: the KB already says it
    return replace(kb, assessments=judged, review=state)
