"""The analyst's review log: append-only events in an SQLite file (standard library sqlite3).

Every change an analyst makes (a claim's verdict or note, a decision on a machine finding, a
document's sign-off or reopening) is one row appended in its own transaction. Rows are never
updated or deleted (triggers refuse it), so the history of each judgement can be shown and an
earlier state restored by appending again. WAL mode and a busy timeout let several app sessions
write at once without losing an event; a damaged file raises ReviewLogError naming it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from kb import schema

ENV_VAR = "KB_REVIEW_DB"
"""Environment variable naming the log file (else `review.sqlite` in the data directory)."""

CRITERIA_FIELDS = ("criteria",)
"""Claim-level: the payer criteria a claim bears on, as the analyst maps them (';'-joined ids)."""
CLAIM_FIELDS = ("verdict", "note") + CRITERIA_FIELDS
FINDING_FIELDS = ("decision",)
DOCUMENT_FIELDS = ("signoff", "reopen")
# a summary-of-findings certainty domain: keyed by document and `finding` = "sof:<outcome>:<domain>"
SOF_FIELDS = ("certainty",)
FIELDS = CLAIM_FIELDS + FINDING_FIELDS + DOCUMENT_FIELDS + SOF_FIELDS

BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    analyst   TEXT NOT NULL,
    document  TEXT NOT NULL,
    claim     TEXT NOT NULL DEFAULT '',
    finding   TEXT NOT NULL DEFAULT '',
    field     TEXT NOT NULL,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    quote     TEXT NOT NULL DEFAULT '',
    prefix    TEXT NOT NULL DEFAULT '',
    suffix    TEXT NOT NULL DEFAULT '',
    pos_start INTEGER,
    pos_end   INTEGER
);
CREATE INDEX IF NOT EXISTS events_target ON events (document, claim, finding, field);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""


class ReviewError(ValueError):
    """A change the log refuses: no analyst name, a value off the vocabulary, a frozen review."""


class ReviewLogError(Exception):
    """The log file cannot be opened or read (damaged, not a database); names the file."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Anchor:
    """Where the judged text stands: W3C TextQuoteSelector (exact, prefix, suffix) and offsets."""

    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Event:
    """One change: who, when, which document, claim or finding, which field, before → after."""

    seq: int
    at: str
    analyst: str
    document: str
    claim: str
    finding: str
    field: str
    before: str
    after: str
    note: str = ""
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None

    @property
    def anchor(self) -> Anchor:
        """The selectors recorded with the event."""
        return Anchor(self.quote, self.prefix, self.suffix, self.start, self.end)


EVENT_COLUMNS = tuple(f.name for f in fields(Event))
_SQL_COLUMNS = tuple({"start": "pos_start", "end": "pos_end"}.get(c, c) for c in EVENT_COLUMNS)


def now() -> str:
    """The current UTC time as ISO 8601 to the second, e.g. 2026-11-29T22:51:07Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_path(data_dir: Path | str | None = None) -> Path:
    """$KB_REVIEW_DB, else review.sqlite in the data directory (the bundled one by default)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(data_dir or schema.DEFAULT_DATA_DIR) / schema.REVIEW_FILE


def sof_key(outcome: str, domain: str) -> str:
    """The `finding` key of a certainty rating: one per outcome group and domain.

    >>> sof_key("odi", "imprecision")
    'sof:odi:imprecision'
    """
    return f"sof:{outcome}:{domain}"


def sof_key_ok(key: str) -> bool:
    """True when `key` is sof:<outcome>:<one of the five GRADE domains>."""
    parts = key.split(":")
    domains = {k for k, _ in schema.CERTAINTY_DOMAINS}
    return len(parts) == 3 and parts[0] == "sof" and bool(parts[1]) and parts[2] in domains


def _check_value(field: str, after: str) -> None:
    if field not in FIELDS:
        raise ReviewError(f"unknown field {field!r} (expected one of {', '.join(FIELDS)})")
    if field == "verdict" and after and after not in schema.ASSESSMENT_VERDICTS:
        raise ReviewError(
            f"verdict {after!r} is not in the assessment vocabulary "
            f"({', '.join(schema.ASSESSMENT_VERDICTS)})"
        )
    if field in CRITERIA_FIELDS and after and after != "none":
        ids = [p.strip() for p in after.split(";")]
        bad = [i for i in ids if not re.match(schema.CRITERION_ID_RE, i)]
        if bad:
            raise ReviewError(
                f"{bad[0]!r} is not a criterion id (write ids joined by ';', or 'none')"
            )
    if field == "decision" and after and after not in schema.REVIEW_DECISIONS:
        raise ReviewError(f"decision {after!r} is not one of {', '.join(schema.REVIEW_DECISIONS)}")
    if field == "certainty" and after and after not in schema.CERTAINTY_LEVELS:
        raise ReviewError(f"certainty {after!r} is not one of {', '.join(schema.CERTAINTY_LEVELS)}")


class ReviewLog:
    """The append-only event log in one SQLite file. Each call opens its own connection, so
    one object may be shared by threads and the file by processes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"ReviewLog({str(self.path)!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise ReviewLogError(self.path, f"cannot open the review log ({exc})") from exc
        with closing(con):
            try:
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise ReviewLogError(self.path, f"cannot switch to WAL mode (got {mode})")
                con.execute("PRAGMA synchronous = FULL")
                if not con.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'"
                ).fetchone():
                    # one script: executescript commits whatever was open before it runs
                    con.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
                yield con
            except sqlite3.DatabaseError as exc:
                if con.in_transaction:
                    con.rollback()
                raise ReviewLogError(
                    self.path,
                    f"the review log is damaged or not a review log ({exc}). Nothing was "
                    "changed; restore it from a backup or from `kb review export`.",
                ) from exc

    def events(self, document: str | None = None) -> list[Event]:
        """Every event in order of writing (of one document when given); [] when no file yet."""
        if not self.path.exists():
            return []  # reading never creates the file: only a first change does
        cols = ", ".join(_SQL_COLUMNS)
        with self._connect() as con:
            if document is None:
                rows = con.execute(f"SELECT {cols} FROM events ORDER BY seq").fetchall()
            else:
                rows = con.execute(
                    f"SELECT {cols} FROM events WHERE document = ? ORDER BY seq", (document,)
                ).fetchall()
        return [Event(*r) for r in rows]

    def check(self) -> list[str]:
        """SQLite's integrity check of the file: [] when it is sound, else its complaints."""
        if not self.path.exists():
            return []
        with self._connect() as con:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def append(
        self,
        analyst: str,
        document: str,
        field: str,
        after: str,
        *,
        claim: str = "",
        finding: str = "",
        note: str = "",
        anchor: Anchor | None = None,
        at: str | None = None,
    ) -> Event | None:
        """Append one change in its own transaction; None when it would change nothing.

        `before` is read inside the same transaction, so two sessions writing at once each
        record what they really replaced. Claim and finding changes to a signed-off document
        are refused until a `reopen` event.
        """
        return self.append_many(
            [(analyst, document, field, after, claim, finding, note, anchor, at)]
        )[0]

    def append_many(self, changes: list[tuple]) -> list[Event | None]:
        """Append several changes atomically (a restore or an import of one row)."""
        prepared = []
        for analyst, document, field, after, claim, finding, note, anchor, at in changes:
            analyst = " ".join((analyst or "").split())
            if not analyst:
                raise ReviewError("an analyst name is required for every change")
            if not document:
                raise ReviewError("a change must name its document")
            _check_value(field, after or "")
            if field in CLAIM_FIELDS and not claim and not (anchor and anchor.quote):
                raise ReviewError(f"a {field} change must name a claim or quote its text")
            if field in FINDING_FIELDS and not finding:
                raise ReviewError("a decision must name its finding")
            if field in SOF_FIELDS and not sof_key_ok(finding):
                raise ReviewError(
                    "a certainty rating must name its outcome and domain (sof:<outcome>:<domain>)"
                )
            prepared.append(
                (
                    analyst,
                    document,
                    field,
                    after or "",
                    claim,
                    finding,
                    note or "",
                    anchor or Anchor(),
                    at or now(),
                )
            )
        out: list[Event | None] = []
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                for analyst, document, field, after, claim, finding, note, anchor, at in prepared:
                    out.append(
                        self._append(
                            con, analyst, document, field, after, claim, finding, note, anchor, at
                        )
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return out

    def _append(self, con, analyst, document, field, after, claim, finding, note, anchor, at):
        signed = con.execute(
            "SELECT field FROM events WHERE document = ? AND field IN ('signoff', 'reopen') "
            "ORDER BY seq DESC LIMIT 1",
            (document,),
        ).fetchone()
        is_signed = bool(signed and signed[0] == "signoff")
        if field in CLAIM_FIELDS + FINDING_FIELDS + SOF_FIELDS and is_signed:
            raise ReviewError(
                f"the review of {document} is signed off; reopen it (with a reason) to change it"
            )
        if field == "signoff" and is_signed:
            raise ReviewError(f"the review of {document} is already signed off")
        if field == "reopen" and not is_signed:
            raise ReviewError(f"the review of {document} is not signed off")
        if field in DOCUMENT_FIELDS:
            before = signed[0] if signed else ""
        else:
            # a judgement anchored only by its quote (an imported row) is known by the quote
            key_col, key = ("claim", claim) if claim else ("quote", anchor.quote)
            row = con.execute(
                f"SELECT after, note FROM events WHERE document = ? AND {key_col} = ? "
                "AND finding = ? AND field = ? ORDER BY seq DESC LIMIT 1",
                (document, key, finding, field),
            ).fetchone()
            before = row[0] if row else ""
            same_note = (row[1] if row else "") == note
            noted = field in ("decision", *SOF_FIELDS)  # a changed reason alone is a change
            if row is not None and before == after and (not noted or same_note):
                return None
            if row is None and not after and not note:
                return None
        values = (
            at,
            analyst,
            document,
            claim,
            finding,
            field,
            before,
            after,
            note,
            anchor.quote,
            anchor.prefix,
            anchor.suffix,
            anchor.start,
            anchor.end,
        )
        cur = con.execute(
            "INSERT INTO events (at, analyst, document, claim, finding, field, before, after, "
            "note, quote, prefix, suffix, pos_start, pos_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        return Event(cur.lastrowid, *values)
