"""`kb import`: records of cited works into the data directory, with their text and numbers.

Workflow only: sources (file bytes -> records) -> reading (record text -> numbers) -> linking
(record -> work by DOI/PMID/PMCID; conflicts) -> one write of `records/<citekey>.json` files
through `kb.store` (under the data directory's lock, each file replaced atomically; the record
files as they are under the lock are what a record is added to, so imports made at the same
time all survive).

Each record file of the data directory holds one work's records:
`{"citekey", "work" (the bibliographic fields, or null when the work is a curated entry of
references.bib), "records": [{"id", "format", "file", "index", "scope", "pmid", "doi",
"pmcid", "imported", "text", "parts", "numbers"}]}`. Nothing already in the data directory is
removed or changed except by adding a record to a work's list.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from kb import schema, store
from kb.linking.records import WorkIndex, conflicts, make_citekey
from kb.load import LoadError, parse_record_file, work_from_payload
from kb.model import KnowledgeBase, Problem, Record, RecordNumber
from kb.reading.records import extract_numbers
from kb.sources.records import ParsedRecord, RecordError, read_records

RECORDS_DIR = schema.RECORDS_DIR
GUIDELINE_TYPES = ("Practice Guideline", "Guideline", "Consensus Development Conference")


@dataclass
class Change:
    """What importing one record did (or would do, in a dry run)."""

    action: str  # "new work", "added to work", "duplicate", "conflict", "skipped"
    record: str  # how messages name the record: file, position, identifier
    citekey: str | None
    message: str
    numbers: int = 0
    scope: str | None = None


@dataclass
class ImportResult:
    """Every record's change, the problems found, and the files written."""

    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> list[Change]:
        """Changes that add a record."""
        return [c for c in self.changes if c.action in ("new work", "added to work")]

    def to_dict(self) -> dict:
        """Plain JSON-ready data."""
        return {
            "dry_run": self.dry_run,
            "changes": [c.__dict__ for c in self.changes],
            "problems": [str(p) for p in self.problems],
            "written": self.written,
        }


def _work_payload(rec: ParsedRecord, citekey: str) -> dict:
    kind = "guideline" if any(t in GUIDELINE_TYPES for t in rec.types) else "journal-article"
    return {
        "citekey": citekey,
        "kind": kind,
        "title": rec.title,
        "authors": list(rec.authors),
        "journal": rec.journal,
        "publisher": rec.publisher,
        "year": rec.year,
        "month": rec.month,
        "volume": rec.volume,
        "number": rec.issue,
        "pages": rec.pages,
        "doi": rec.doi,
        "pmid": rec.pmid,
        "pmcid": rec.pmcid,
    }


def number_payload(n: RecordNumber) -> dict:
    """A machine number as stored (the record id and work are implied by the file)."""
    return {
        "id": n.id,
        "text": n.text,
        "value": n.value,
        "kind": n.kind,
        "start": n.start,
        "end": n.end,
        "unit": n.unit,
        "extra": [[k, list(v) if isinstance(v, tuple) else v] for k, v in n.extra],
        "sentence": [n.sentence_start, n.sentence_end],
        "section": n.section,
        "arm": n.arm,
        "timepoint": n.timepoint,
        "outcome": n.outcome,
    }


def record_payload(rec: ParsedRecord, citekey: str, index: int, today: str) -> dict:
    """A parsed record with its extracted numbers, as stored."""
    rid = f"{citekey}:r{index}"
    numbers = extract_numbers(rec.text, rec.parts, citekey, rid)
    return {
        "id": rid,
        "format": rec.format,
        "file": Path(rec.file).name,
        "index": rec.index,
        "scope": rec.scope,
        "pmid": rec.pmid,
        "doi": rec.doi,
        "pmcid": rec.pmcid,
        "imported": today,
        "text": rec.text,
        "parts": [[p.kind, p.label, p.start, p.end, _meta(p.meta)] for p in rec.parts],
        "numbers": [number_payload(n) for n in numbers],
    }


def _meta(meta: tuple) -> dict:
    return {k: [list(c) for c in v] if k == "cells" else v for k, v in meta}


def _record_file(citekey: str) -> str:
    return f"{RECORDS_DIR}/{citekey}.json"


def _read_payload(data_dir: Path, citekey: str) -> dict | None:
    """A work's record file as it is now (read under the lock when writing)."""
    path = data_dir / _record_file(citekey)
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _catch_up(data_dir: Path, kb: KnowledgeBase, index: WorkIndex, seen_texts: dict) -> set[str]:
    """Record files another import wrote since `kb` was loaded join what this import matches
    against (their new works, their records as duplicates); returns the citekeys of every
    record file, which a new work never takes."""
    folder = data_dir / RECORDS_DIR
    if not folder.is_dir():
        return set()
    paths = sorted(folder.glob("*.json"))
    for path in paths:
        file = f"{RECORDS_DIR}/{path.name}"
        if path.stem in kb.records:
            continue
        try:
            key, work, records, _ = parse_record_file(path.read_text(encoding="utf-8"), file)
        except (LoadError, OSError, UnicodeDecodeError):
            continue  # reported by loading; never overwritten here (its key stays taken)
        if work is not None and key not in index.works:
            index.add(work_from_payload(work, file))
        for r in records:
            seen_texts.setdefault((key, r.text), r.id)
    return {p.stem for p in paths}


def import_records(
    sources: Iterable[tuple[str, bytes]],
    kb: KnowledgeBase,
    dry_run: bool = False,
    today: str | None = None,
) -> ImportResult:
    """Read record files (name, bytes) and add their records to kb.data_dir (unless dry_run).

    Every record is matched to a work by DOI, PMID or PMCID; a new work is made only when none
    matches. A file that cannot be read, a record without PMID or DOI, the same record twice
    and a record that contradicts its work each become a problem naming file and record.
    """
    today = today or _dt.date.today().isoformat()
    data_dir = Path(kb.data_dir)
    result = ImportResult(dry_run=dry_run)
    index = WorkIndex(kb.works)
    curated = {k for k, w in kb.works.items() if k not in kb.records or _is_curated(kb, k)}
    payloads: dict[str, dict] = {}
    seen_texts: dict[tuple[str, str], str] = {}
    for key, recs in kb.records.items():
        for r in recs:
            seen_texts[(key, r.text)] = r.id
    parsed_files = []
    for name, data in sources:
        try:
            parsed, problems = read_records(data, name)
        except RecordError as exc:
            result.problems.append(Problem(exc.file, exc.line, None, exc.message))
            result.changes.append(Change("skipped", name, None, exc.message))
            continue
        result.problems.extend(problems)
        parsed_files.append(parsed)
    # A dry run only reads; an import decides and writes under the data directory's lock,
    # against the record files as they are under it.
    with nullcontext(None) if dry_run else store.transaction(data_dir) as tx:
        # every citekey a new work cannot take: record files, works, and (as they are made)
        # the new works of this import; kept up to date rather than rebuilt for each record
        taken = _catch_up(data_dir, kb, index, seen_texts) | set(index.works)
        state = (index, curated, payloads, seen_texts, taken, {})
        for parsed in parsed_files:
            for rec in parsed:
                _import_one(rec, state, result, data_dir, today)
        if tx is not None and payloads:
            result.written = write_record_files(tx, payloads)
    return result


def _is_curated(kb: KnowledgeBase, key: str) -> bool:
    w = kb.works[key]
    return not w.source.file.startswith(RECORDS_DIR + "/")


def _problem(rec: ParsedRecord, message: str, severity: str = "error") -> Problem:
    return Problem(rec.file, rec.line, f"record {rec.index}", message, severity)


def _import_one(rec, state, result, data_dir, today) -> None:
    index, curated, payloads, seen_texts, taken, tried = state
    if rec.extra.get("failed"):
        result.problems.append(_problem(rec, rec.extra["failed"]))
        result.changes.append(Change("skipped", rec.name, None, rec.extra["failed"]))
        return
    if not (rec.pmid or rec.doi or rec.pmcid):
        msg = (
            f"{rec.name}: no PMID, DOI or PMCID, so it cannot be tied to a cited work "
            "safely: not imported"
        )
        result.problems.append(_problem(rec, msg))
        result.changes.append(Change("skipped", rec.name, None, msg.split(": ", 1)[1]))
        return
    if not rec.title:
        msg = f"{rec.name}: no title: not imported"
        result.problems.append(_problem(rec, msg))
        result.changes.append(Change("skipped", rec.name, None, "no title: not imported"))
        return
    hit = index.match(rec.doi, rec.pmid, rec.pmcid)
    if hit is None:
        key = make_citekey(rec, taken, tried)
        taken.add(key)
        payload = {"citekey": key, "work": _work_payload(rec, key), "records": []}
        payload["records"].append(record_payload(rec, key, 1, today))
        payloads[key] = payload
        index.add(work_from_payload(payload["work"], f"{RECORDS_DIR}/{key}.json"))
        seen_texts[(key, rec.text)] = payload["records"][0]["id"]
        n = len(payload["records"][0]["numbers"])
        result.changes.append(
            Change("new work", rec.name, key, f"new work {key} ({rec.scope})", n, rec.scope)
        )
        return
    key, how = hit
    work = index.works[key]
    found = conflicts(rec, work)
    blocking = [c for c in found if c.blocking]
    where = "curated work" if key in curated else "work"
    for c in found:
        verb = "contradicts" if c.blocking else "differs from"
        tail = ": not imported" if c.blocking else f"; the {where}'s value is kept"
        result.problems.append(
            _problem(
                rec,
                f"{rec.name}: {c.field} {c.record_value!r} {verb} {c.work_value!r} of {where} "
                f"{key} (matched by {how}){tail}",
                "error" if c.blocking else "warning",
            )
        )
    if blocking:
        fields = ", ".join(c.field for c in blocking)
        result.changes.append(
            Change("conflict", rec.name, key, f"contradicts {key} on {fields}: not imported")
        )
        return
    payload = payloads.get(key)
    if payload is None:
        # the work's record file as it is now (under the lock): records another import added
        # since loading are kept, and count as duplicates
        payload = _read_payload(data_dir, key) or {"citekey": key, "work": None, "records": []}
        for r in payload["records"]:
            seen_texts.setdefault((key, r.get("text")), r.get("id"))
    if (key, rec.text) in seen_texts:
        msg = f"{rec.name}: the same record is already held as {seen_texts[(key, rec.text)]}"
        result.problems.append(_problem(rec, msg + ": skipped", "warning"))
        result.changes.append(Change("duplicate", rec.name, key, msg.split(": ", 1)[1]))
        return
    i = len(payload["records"]) + 1
    payload["records"].append(record_payload(rec, key, i, today))
    payloads[key] = payload
    seen_texts[(key, rec.text)] = payload["records"][-1]["id"]
    n = len(payload["records"][-1]["numbers"])
    result.changes.append(
        Change(
            "added to work",
            rec.name,
            key,
            f"record added to {where} {key} (matched by {how}; {rec.scope})",
            n,
            rec.scope,
        )
    )


def write_record_files(tx: store.Transaction, payloads: dict[str, dict]) -> list[str]:
    """Plan each work's record file in a `kb.store` transaction; return the paths.

    The transaction writes each file to a temporary file and renames it over, under the data
    directory's lock; a failure undoes the files already replaced, so the data directory is
    left as it was.
    """
    written = []
    for key in sorted(payloads):
        text = json.dumps(payloads[key], ensure_ascii=False, separators=(",", ":")) + "\n"
        tx.write(_record_file(key), text.encode("utf-8"))
        written.append(_record_file(key))
    return written


def format_result(result: ImportResult) -> str:
    """The import as a reader sees it: one line per record, then the problems."""
    lines = []
    head = "would import" if result.dry_run else "imported"
    for c in result.changes:
        extra = f", {c.numbers} numbers extracted (not reviewed)" if c.action in (
            "new work", "added to work") else ""  # fmt: skip
        lines.append(f"{c.action:14} {c.record}: {c.message}{extra}")
    for p in result.problems:
        lines.append(str(p))
    n = len(result.imported)
    lines.append(
        f"{head} {n} record{'s' if n != 1 else ''}"
        + (f"; wrote {', '.join(result.written)}" if result.written else "")
        + ("; nothing written (dry run)" if result.dry_run else "")
    )
    return "\n".join(lines)


# --- promoting a machine number to a curated outcome row -------------------------------------


class PromoteError(ValueError):
    """A machine number that cannot be promoted as asked (unknown id, no study)."""


def promote_number(
    kb: KnowledgeBase,
    number_id: str,
    study: str | None = None,
    measure: str = "other",
    design: str | None = None,
    analyst: str | None = None,
) -> dict[str, str]:
    """Turn a machine number into a curated outcomes.csv row (verified: an analyst read it).

    The study is the one given, else the work's only study; a study not yet in studies.csv is
    added when its `design` is given. The locator names the record, section and offsets; the
    note keeps the record sentence. Returns the row written.
    """
    found = None
    for key, records in kb.records.items():
        for r in records:
            for n in r.numbers:
                if n.id == number_id:
                    found = (key, r, n)
    if found is None:
        raise PromoteError(f"no machine number {number_id!r}")
    key, rec, n = found
    if study is None:
        own = kb.studies_of(key)
        if len(own) != 1:
            raise PromoteError(
                f"{key} belongs to {len(own)} studies: say which study the number is about"
            )
        study = own[0].id
    # Decided and written under the data directory's lock, against studies.csv and outcomes.csv
    # as they are under it: promotions made at the same time all survive with distinct ids.
    with store.transaction(Path(kb.data_dir)) as tx:
        studies = tx.read(schema.STUDIES_FILE)
        if study not in kb.studies and study not in store.csv_column(studies, "id"):
            if design not in schema.STUDY_DESIGNS:
                raise PromoteError(f"study {study!r} is new: give its design (one of the designs)")
            w = kb.works[key]
            new_study = {"id": study, "name": w.title[:120], "design": design, "works": key,
                         "note": "added when a machine number was promoted"}  # fmt: skip
            tx.write(
                schema.STUDIES_FILE, store.csv_append(studies, schema.STUDY_COLUMNS, [new_study])
            )
        if measure not in schema.MEASURES:
            raise PromoteError(f"{measure!r} is not one of the measures")
        outcomes = tx.read(schema.OUTCOMES_FILE)
        row = _outcome_row(key, rec, n, study, measure, analyst)
        taken = set(kb.outcomes) | store.csv_column(outcomes, "id")
        base, i = row["id"], 1
        while row["id"] in taken:
            i += 1
            row["id"] = f"{base}-{i}"
        tx.write(schema.OUTCOMES_FILE, store.csv_append(outcomes, schema.OUTCOME_COLUMNS, [row]))
    return row


def _outcome_row(
    key: str, rec: Record, n: RecordNumber, study: str, measure: str, analyst: str | None
) -> dict[str, str]:
    """The curated outcomes.csv row a machine number becomes (its id before deduplication)."""
    ex = dict(n.extra)
    sentence = rec.sentence(n)
    row = {
        "id": f"{key}-{n.id.rsplit(':', 1)[-1]}",
        "study": study,
        "work": key,
        "measure": measure,
        "outcome": n.outcome or "",
        "arm": n.arm or "",
        "timepoint": n.timepoint or "",
        "value": "" if n.value is None else f"{n.value:g}",
        "value_text": n.text,
        "unit": n.unit or "",
        "denominator": f"{ex['denominator']:g}" if isinstance(ex.get("denominator"), float) else "",
        "locator": f"{rec.format} record ({rec.scope}), {n.section}, chars {n.start}-{n.end}",
        "verified": "true",
        "note": f"promoted from machine number {n.id}"
        + (f" by {analyst}" if analyst else "")
        + f'; record sentence: "{sentence}"',
    }
    if n.kind == "count_percent":
        row["count"] = row["value"]
        row["value"] = f"{ex['percent']:g}" if isinstance(ex.get("percent"), float) else ""
        row["unit"] = "%"
    if n.kind == "p_value":
        row["p_value"] = n.text.replace("p", "").replace("P", "").strip()
        row["value"] = ""
    return row
