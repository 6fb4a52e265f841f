"""The review to and from assessments.csv (for sharing in git) and the raw event log as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kb import schema
from kb.load import parse_assessments
from kb.model import KnowledgeBase, Problem
from kb.review.log import EVENT_COLUMNS, Anchor, Event, ReviewError, ReviewLog
from kb.review.state import ReviewState, _Resolver, as_assessments, bare, fold


def _csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else r[c] for c in columns})
    return out.getvalue()


def export_assessments(kb: KnowledgeBase, state: ReviewState) -> str:
    """The standing review as assessments.csv text: one row per judged claim, one per finding
    decision, and orphaned judgements with their last known selectors."""
    rows = []
    for a in as_assessments(kb, state).values():
        rows.append({c: getattr(a, c) for c in schema.ASSESSMENT_COLUMNS})
    return _csv(rows, schema.ASSESSMENT_COLUMNS)


def save_export(data_dir: Path | str, path: Path, text: str) -> None:
    """Write an exported review to `path`, replacing it (the usual target is the data
    directory's own assessments.csv).

    A file inside the data directory is written by kb.store, the directory's one locked writer
    (so it never races a save of the app or of `kb ingest`); one elsewhere is written beside and
    renamed over. Either way a failure leaves the old file whole.
    """
    from kb.store import StoreError, atomic_write, transaction

    data = text.encode("utf-8")
    if path.is_dir():
        raise ReviewError(f"--out {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise ReviewError(f"cannot write {path}: the directory {path.parent} does not exist")
    target, root = path.resolve(), Path(data_dir).resolve()
    try:
        if target.is_relative_to(root):
            with transaction(root) as tx:
                tx.write(str(target.relative_to(root)), data)
        else:
            atomic_write(target, data)
    except StoreError as exc:
        raise ReviewError(exc.message) from None
    except OSError as exc:
        raise ReviewError(f"cannot write {path}: {exc.strerror or exc}") from None


def import_assessments(
    log: ReviewLog, kb: KnowledgeBase, text: str, analyst: str = ""
) -> tuple[list[Event], list[Problem]]:
    """Append the rows of an assessments.csv to the log as events (only what differs from the
    log's standing state). A row without an analyst is recorded under `analyst`; its date
    becomes the event's time. Rows with problems are reported and skipped."""
    rows, problems = parse_assessments(text, kb.documents)
    bad = {p.line for p in problems if p.severity == "error"}
    resolve = _Resolver(kb)
    state = fold(log.events(), kb)
    written: list[Event] = []
    for a in sorted(rows.values(), key=lambda a: (a.date or "", a.id)):
        if a.source.line in bad:
            continue
        who = a.analyst or analyst
        if not who:
            problems.append(
                Problem(a.source.file, a.source.line, "analyst", "no analyst named (give one)")
            )
            continue
        anchor = Anchor(a.quote, a.prefix or "", a.suffix or "", a.start, a.end)
        probe = Event(
            0,
            "",
            who,
            a.document,
            bare(a.claim),
            "",
            "verdict",
            "",
            "",
            "",
            anchor.quote,
            anchor.prefix,
            anchor.suffix,
            anchor.start,
            anchor.end,
        )
        claim = resolve(probe) if a.quote else bare(a.claim)
        claim = claim if claim is not None else bare(a.claim)
        if a.finding:
            current = state.decisions.get((claim, a.finding))
            if current and (current.decision, current.reason) == (a.decision, a.note or ""):
                continue
            changes = [
                (
                    who,
                    a.document,
                    "decision",
                    a.decision or "",
                    claim,
                    a.finding,
                    a.note or "",
                    anchor,
                    a.date,
                )
            ]
        else:
            j = state.judgements.get(claim)
            changes = []
            if (j.verdict if j else "") != a.verdict and (a.verdict or not a.criteria):
                changes.append(
                    (who, a.document, "verdict", a.verdict, claim, "", "", anchor, a.date)
                )
            if (j.note if j else "") != (a.note or ""):
                changes.append(
                    (who, a.document, "note", a.note or "", claim, "", "", anchor, a.date)
                )
            if (j.criteria if j else "") != (a.criteria or ""):
                changes.append(
                    (who, a.document, "criteria", a.criteria or "", claim, "", "", anchor, a.date)
                )
        for change in changes:
            written += [e for e in log.append_many([change]) if e is not None]
    return written, problems


def export_events(events: list[Event]) -> str:
    """The whole log as CSV, one row per event, oldest first (an audit trail)."""
    return _csv([vars(e) for e in events], EVENT_COLUMNS)
