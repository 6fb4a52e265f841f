"""The analyst's review: judgements recorded in an append-only log, kept apart from findings.

Stage: above checks, below views and export. `ReviewLog` stores events in SQLite; `review_state`
folds them (after assessments.csv) into the standing judgements, anchored to the letters as
they are read now; the functions below are the actions the app and the CLI offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.model import KnowledgeBase
from kb.review.exchange import (
    export_assessments,
    export_events,
    import_assessments,
    save_export,
)
from kb.review.log import (
    CLAIM_FIELDS,
    ENV_VAR,
    Anchor,
    Event,
    ReviewError,
    ReviewLog,
    ReviewLogError,
    default_path,
    sof_key,
)
from kb.review.state import (
    Certainty,
    Decision,
    Judgement,
    ReviewState,
    SignOff,
    as_assessments,
    bare,
    claim_anchor,
    finding_key,
    fold,
    review_state,
    with_review,
)

__all__ = [
    "ENV_VAR",
    "Anchor",
    "Certainty",
    "Decision",
    "Event",
    "Judgement",
    "Progress",
    "ReviewError",
    "ReviewLog",
    "ReviewLogError",
    "ReviewState",
    "SignOff",
    "as_assessments",
    "bare",
    "claim_anchor",
    "decide",
    "default_path",
    "disagrees",
    "export_assessments",
    "export_events",
    "finding_key",
    "fold",
    "import_assessments",
    "judge",
    "open_log",
    "progress",
    "rate_certainty",
    "reopen",
    "restore",
    "review_state",
    "save_export",
    "sign_off",
    "sof_key",
    "state_of",
    "with_review",
]


def open_log(data_dir: Path | str | None = None, path: Path | str | None = None) -> ReviewLog:
    """The review log: `path`, else $KB_REVIEW_DB, else review.sqlite in the data directory."""
    return ReviewLog(Path(path) if path else default_path(data_dir))


def state_of(log: ReviewLog, kb: KnowledgeBase) -> ReviewState:
    """The standing review of a KB: assessments.csv, then the log, read fresh from the file."""
    return review_state(kb, log.events())


def _claim(kb: KnowledgeBase, claim_id: str):
    claim_id = bare(claim_id)
    for c in kb.claims(claim_id.split(":", 1)[0]):
        if c.id == claim_id:
            return c
    raise ReviewError(f"there is no claim {claim_id!r} in this knowledge base")


def judge(
    log: ReviewLog,
    kb: KnowledgeBase,
    claim_id: str,
    analyst: str,
    verdict: str | None = None,
    note: str | None = None,
) -> list[Event]:
    """Set a claim's analyst verdict and/or note (None leaves it); returns the events written."""
    c = _claim(kb, claim_id)
    anchor = claim_anchor(kb, c)
    out = []
    for field, value in (("verdict", verdict), ("note", note)):
        if value is None:
            continue
        ev = log.append(analyst, c.document, field, value.strip(), claim=c.id, anchor=anchor)
        if ev is not None:
            out.append(ev)
    return out


def rate_certainty(
    log: ReviewLog,
    kb: KnowledgeBase,
    document: str,
    outcome: str,
    domain: str,
    analyst: str,
    level: str,
    note: str = "",
) -> Event | None:
    """Set (or clear, with '') the analyst's rating of one certainty domain of one outcome."""
    if document not in kb.documents:
        raise ReviewError(f"there is no document {document!r} in this knowledge base")
    return log.append(
        analyst, document, "certainty", level, finding=sof_key(outcome, domain), note=note.strip()
    )


def decide(
    log: ReviewLog,
    kb: KnowledgeBase,
    claim_id: str,
    finding: str,
    analyst: str,
    decision: str,
    reason: str = "",
    document: str | None = None,
) -> Event | None:
    """Accept, reject or amend one machine finding of a claim ('' claim: of the document)."""
    if claim_id:
        c = _claim(kb, claim_id)
        anchor, doc, cid = claim_anchor(kb, c), c.document, c.id
    else:
        if not document:
            raise ReviewError("a decision on a document-wide finding must name the document")
        anchor, doc, cid = Anchor(), document, ""
    if decision in ("reject", "amend") and not reason.strip():
        raise ReviewError(f"say why (a reason is required to {decision} a finding)")
    return log.append(
        analyst,
        doc,
        "decision",
        decision,
        claim=cid,
        finding=finding,
        note=reason.strip(),
        anchor=anchor,
    )


def sign_off(log: ReviewLog, document: str, analyst: str, summary: str) -> Event | None:
    """Sign off a document's review: later changes are refused until it is reopened."""
    if not summary.strip():
        raise ReviewError("a sign-off needs a summary")
    return log.append(analyst, document, "signoff", summary.strip())


def reopen(log: ReviewLog, document: str, analyst: str, reason: str) -> Event | None:
    """Reopen a signed-off review (the reason is recorded)."""
    if not reason.strip():
        raise ReviewError("say why the review is reopened")
    return log.append(analyst, document, "reopen", "", note=reason.strip())


def restore(
    log: ReviewLog, kb: KnowledgeBase, claim_id: str, seq: int, analyst: str
) -> list[Event]:
    """Bring a claim's verdict, note, criteria mapping and finding decisions back to what they
    were after event `seq`, by appending new events (the history keeps everything)."""
    c = _claim(kb, claim_id)
    events = log.events()
    then = review_state(kb, events, upto=seq)
    now_ = review_state(kb, events)
    anchor = claim_anchor(kb, c)
    note = f"restored to the state after event #{seq}"
    changes = []
    old = then.judgements.get(c.id)
    cur = now_.judgements.get(c.id)
    for field in CLAIM_FIELDS:  # verdict, note and the criteria mapping
        before = getattr(cur, field) if cur else ""
        after = getattr(old, field) if old else ""
        if before != after:
            changes.append((analyst, c.document, field, after, c.id, "", note, anchor, None))
    keys = {k for (cid, k) in then.decisions if cid == c.id}
    keys |= {k for (cid, k) in now_.decisions if cid == c.id}
    for k in sorted(keys):
        d_old, d_cur = then.decisions.get((c.id, k)), now_.decisions.get((c.id, k))
        old_v = (d_old.decision, d_old.reason) if d_old else ("", "")
        cur_v = (d_cur.decision, d_cur.reason) if d_cur else ("", "")
        if old_v != cur_v:
            reason = old_v[1] or note
            changes.append(
                (analyst, c.document, "decision", old_v[0], c.id, k, reason, anchor, None)
            )
    if not changes:
        return []
    return [e for e in log.append_many(changes) if e is not None]


# the machine's labels that say the same as an analyst's verdict in other words
_SAME = {
    "not supported by the cited source": "not supported",
    "cites a non-publication": "non-publication",
}


def disagrees(machine: str | None, analyst: str | None) -> bool:
    """True when an analyst verdict stands and says something other than the machine's."""
    if not analyst:
        return False
    return _SAME.get(machine or "", machine or "") != analyst


@dataclass(frozen=True)
class Progress:
    """How far a document's review is: claims judged and left, and where analyst and machine
    disagree."""

    document: str
    total: int
    reviewed: tuple[str, ...]
    remaining: tuple[str, ...]
    disagreements: tuple[tuple[str, str, str], ...]
    signoff: SignOff | None


def progress(
    kb: KnowledgeBase, state: ReviewState, document: str, machine: dict[str, str]
) -> Progress:
    """Review progress of a document's factual claims; `machine` maps claim id → machine label."""
    from kb.schema import FACTUAL_KINDS

    ids = [c.id for c in kb.claims(document) if c.kind in FACTUAL_KINDS]
    done = state.reviewed(ids)
    done_set = set(done)
    dis = []
    for cid in done:
        j = state.judgements[cid]
        if disagrees(machine.get(cid), j.verdict):
            dis.append((cid, machine.get(cid) or "not checked", j.verdict))
    return Progress(
        document,
        len(ids),
        tuple(done),
        tuple(c for c in ids if c not in done_set),
        tuple(dis),
        state.signed_off(document),
    )
