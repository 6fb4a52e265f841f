"""Read the data directory into records.

`parse_*` functions take text and return records plus problems; `read_*` and `load_kb` take
paths. A bad row or value becomes a Problem and loading goes on; a structural problem
(missing file or column, undecodable bytes, empty file) raises LoadError naming the file.
One module on purpose (over 500 lines): one parser per data file, all sharing the problem
helpers and the number validation, so every file is read under the same rules.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bibtexparser
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import Block

from kb import schema
from kb.latex import to_text
from kb.linking.analysis import analyse
from kb.model import (
    Assessment,
    Criterion,
    Document,
    KnowledgeBase,
    Outcome,
    Problem,
    Record,
    RecordNumber,
    RecordPart,
    Source,
    Study,
    StudyFact,
    Work,
)
from kb.store import orphan_files

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$", re.ASCII)
PMID_RE = re.compile(r"^\d{1,8}$", re.ASCII)
PMCID_RE = re.compile(r"^PMC\d+$", re.ASCII)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
TRUE_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class LoadError(Exception):
    """A structural problem: a missing file or column, undecodable bytes, an empty file."""

    def __init__(self, file: str, message: str, field: str | None = None, line: int | None = None):
        self.file, self.field, self.line = file, field, line
        where = file if line is None else f"{file}:{line}"
        fld = f" [{field}]" if field else ""
        super().__init__(f"{where}{fld}: {message}")


# ---------------------------------------------------------------------------------------
# text helpers


def decode(data: bytes, file: str) -> str:
    """Decode UTF-8 (a BOM is allowed) or raise LoadError naming the line of the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            file,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            None,
            line,
        ) from None


def read_text(path: Path, file: str) -> str:
    """Read a UTF-8 file, raising LoadError when it is missing or undecodable."""
    if not path.is_file():
        raise LoadError(file, "file not found")
    return decode(path.read_bytes(), file)


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@dataclass
class _Rows:
    """CSV rows with the line each starts on, and the problems found on the way."""

    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]


def parse_csv(
    text: str,
    file: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    values_required: tuple[str, ...] | None = None,
) -> _Rows:
    """Split CSV text into (line, row) pairs; check the header; report ragged rows.

    `required` columns must be in the header; `values_required` (by default the same) must
    also be filled in on every row.
    """
    if not text.strip():
        raise LoadError(file, "file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise LoadError(file, f"unreadable header: {exc}", line=1) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise LoadError(file, f"missing column(s): {', '.join(missing)}", field=missing[0], line=1)
    problems: list[Problem] = []
    unknown = [h for h in header if h not in columns]
    for h in unknown:
        problems.append(Problem(file, 1, h, "unknown column (ignored)", "warning"))
    rows: list[tuple[int, dict[str, str]]] = []
    start = 2
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, start, None, f"unreadable row: {exc}"))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        swallowed = _swallowed_rows(values, len(header))
        if swallowed:
            ids = ", ".join(repr(i) for i in swallowed)
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    f"unterminated quote: this row runs on to line {reader.line_num} and "
                    f"swallows {len(swallowed)} row(s) (ids {ids}); close the quote",
                )
            )
        if len(values) != len(header):
            problems.append(
                Problem(file, line, None, f"row has {len(values)} fields, header has {len(header)}")
            )
        row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}
        for col in required if values_required is None else values_required:
            if not row.get(col, "").strip():
                problems.append(Problem(file, line, col, "required value is empty"))
        rows.append((line, row))
    return _Rows(rows, problems)


def _swallowed_rows(values: list[str], width: int) -> list[str]:
    """Ids of whole CSV rows held inside a quoted value (the mark of an unterminated quote)."""
    ids = []
    for value in values:
        for text in value.splitlines()[1:]:
            fields = next(csv.reader([text]), [])
            if len(fields) >= max(3, width // 2):
                ids.append(fields[0].strip())
    return ids


def _unique_rows(
    parsed: _Rows, file: str, what: str, problems: list[Problem], seen: Container[str]
) -> Iterator[tuple[int, dict[str, str], str]]:
    """(line, row, id) of each row with a new, non-empty id; a repeated id is reported."""
    for line, row in parsed.rows:
        rid = row["id"].strip()
        if not rid:
            continue
        if rid in seen:
            problems.append(Problem(file, line, "id", f"duplicate {what} id {rid!r} (first kept)"))
            continue
        yield line, row, rid


# A number in a data file: digits with an optional decimal point; a comma only groups thousands.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?", re.ASCII)
_DECIMAL_COMMA_RE = re.compile(r"[+-]?[0-9]+,[0-9]{1,2}|[+-]?[0-9]+,[0-9]{4,}", re.ASCII)
MAX_DECIMALS = 4  # more digits after the point than any reported figure carries
MAX_MAGNITUDE = 1e12
# What each numeric column may hold: (whole numbers only, smallest allowed value or None).
NUMBER_KINDS = {
    "value": (False, None),
    "comparator_value": (False, None),
    "count": (True, 0),
    "denominator": (True, 1),
    "start": (True, 0),
    "end": (True, 0),
}


def parse_data_number(raw: str, col: str) -> tuple[float | None, str | None]:
    """A data file's number checked for its column: (value, None) or (None, what is wrong).

    Finite, plain decimal notation, a comma only as a thousands separator (`3,956`), at most
    four decimals, within range for the column. A decimal comma (`5,6`) is reported, never
    guessed.

    >>> parse_data_number("3,956", "value"), parse_data_number("5,6", "value")[1][:13]
    ((3956.0, None), 'decimal comma')
    """
    whole, low = NUMBER_KINDS.get(col, (False, None))
    if not _PLAIN_NUMBER_RE.fullmatch(raw):
        if _DECIMAL_COMMA_RE.fullmatch(raw):
            return None, (
                f"decimal comma in {raw!r}: write the decimal point ({raw.replace(',', '.')}); "
                "a comma may only separate thousands (3,956)"
            )
        try:
            special = not math.isfinite(float(raw))
        except ValueError:
            special = False
        if special:
            return None, f"not a finite number: {raw!r}"
        if "," in raw:
            return None, f"misplaced comma in {raw!r}: a comma may only separate thousands (3,956)"
        return None, f"not a number in plain decimal notation: {raw!r}"
    value = float(raw.replace(",", ""))
    decimals = len(raw.partition(".")[2])
    if decimals > MAX_DECIMALS:
        return None, (
            f"{raw!r} has {decimals} decimals (at most {MAX_DECIMALS}): "
            "write it in value_text, or check the unit"
        )
    if abs(value) > MAX_MAGNITUDE:
        return None, f"{raw!r} is out of range (at most {MAX_MAGNITUDE:g} in size)"
    if whole and decimals and not value.is_integer():
        return None, f"{raw!r} is not a whole number"
    if low is not None and value < low:
        return None, f"{raw!r} is below {low}, the least a {col} can be"
    return value, None


def _number(
    row: dict[str, str], col: str, file: str, line: int, problems: list[Problem]
) -> float | None:
    raw = _blank(row.get(col))
    if raw is None:
        return None
    value, wrong = parse_data_number(raw, col)
    if wrong:
        problems.append(Problem(file, line, col, wrong))
    return value


def _flag(row: dict[str, str], col: str, file: str, line: int, problems: list[Problem]) -> bool:
    raw = (row.get(col) or "").strip().lower()
    if raw in TRUE_WORDS:
        return TRUE_WORDS[raw]
    problems.append(Problem(file, line, col, f"expected true or false, got {raw!r}"))
    return False


def _vocab(
    value: str | None,
    allowed: tuple[str, ...],
    where: tuple[str, int | None, str],
    problems: list[Problem],
    severity: str = "error",
) -> None:
    if value is not None and value not in allowed:
        file, line, col = where
        problems.append(
            Problem(file, line, col, f"{value!r} is not one of the allowed terms", severity)
        )


def _split(value: str | None, sep: str = ";") -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(sep) if p.strip())


# ---------------------------------------------------------------------------------------
# references.bib


def _bib_line(lines: list[str], start_line: int, key: str) -> int:
    """1-based line of a field inside a block (falls back to the block's first line)."""
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=", re.IGNORECASE)
    for i in range(start_line, min(len(lines), start_line + 200)):
        if pat.match(lines[i]):
            return i + 1
        if i > start_line and lines[i].lstrip().startswith("@"):
            break
    return start_line + 1


def _start_line(block: Block) -> int:
    """The 0-based line a block starts on. The parser sets it on every block it reads; only a
    block built in code has none, and that is taken to start the file."""
    return block.start_line if block.start_line is not None else 0


_FAILED_MESSAGES = {
    "DuplicateBlockKeyBlock": "duplicate citekey {key!r}: this entry was not loaded",
    "DuplicateFieldKeyBlock": "an entry repeats a field: this entry was not loaded",
    "ParsingFailedBlock": "malformed entry (unbalanced braces or bad syntax): not loaded",
}


def parse_bib(
    text: str, file: str = schema.REFERENCES_FILE
) -> tuple[dict[str, Work], list[Problem]]:
    """Parse BibTeX text into works keyed by citekey, plus problems."""
    if not text.strip():
        raise LoadError(file, "file is empty (expected BibTeX entries)")
    lib = bibtexparser.parse_string(text)
    problems: list[Problem] = []
    for block in lib.failed_blocks:
        name = type(block).__name__
        template = _FAILED_MESSAGES.get(name, "entry could not be parsed: not loaded")
        problems.append(
            Problem(
                file, _start_line(block) + 1, None, template.format(key=getattr(block, "key", ""))
            )
        )
    works: dict[str, Work] = {}
    lines = text.splitlines()
    for entry in lib.entries:
        fields = {f.key.lower(): str(f.value).strip() for f in entry.fields}
        start = _start_line(entry)
        line = start + 1

        def where(key: str, _start: int = start) -> tuple[str, int, str]:
            return (file, _bib_line(lines, _start, key), key)

        for key in schema.BIB_REQUIRED:
            if not fields.get(key):
                problems.append(Problem(file, line, key, f"entry {entry.key!r} has no {key}"))
        kind = fields.get("kind") or "journal-article"
        _vocab(fields.get("kind"), schema.WORK_KINDS, where("kind"), problems)
        _vocab(fields.get("verified"), schema.VERIFIED_VALUES, where("verified"), problems)
        year = None
        if fields.get("year"):
            if re.fullmatch(r"[0-9]{4}", fields["year"]):
                year = int(fields["year"])
            else:
                problems.append(
                    Problem(*where("year")[:2], "year", f"not a year: {fields['year']!r}")
                )
        for key, pattern in (("doi", DOI_RE), ("pmid", PMID_RE), ("pmcid", PMCID_RE)):
            if fields.get(key) and not pattern.match(fields[key]):
                f, ln, _ = where(key)
                problems.append(Problem(f, ln, key, f"malformed {key}: {fields[key]!r}"))
        # bibtexparser's own splitter keeps a braced corporate author ("{A and B Society}") whole
        authors = tuple(
            to_text(a.strip())
            for a in split_multiple_persons_names(fields.get("author", ""))
            if a.strip()
        )
        works[entry.key] = Work(
            citekey=entry.key,
            kind=kind,
            title=to_text(fields.get("title", "")) or "",
            authors=authors,
            journal=to_text(fields.get("journal")),
            booktitle=to_text(fields.get("booktitle")),
            publisher=to_text(fields.get("publisher")),
            year=year,
            month=fields.get("month"),
            volume=fields.get("volume"),
            number=fields.get("number"),
            pages=fields.get("pages"),
            doi=fields.get("doi"),
            pmid=fields.get("pmid"),
            pmcid=fields.get("pmcid"),
            url=fields.get("url"),
            sponsor=to_text(fields.get("sponsor")),
            verified=fields.get("verified") == "record",
            unconfirmed=_split(fields.get("unconfirmed"), ","),
            note=to_text(fields.get("note")),
            source=Source(file, line),
        )
    return works, problems


# ---------------------------------------------------------------------------------------
# CSV tables


def parse_studies(
    text: str, works: dict[str, Work], file: str = schema.STUDIES_FILE
) -> tuple[dict[str, Study], list[Problem]]:
    """Parse studies.csv; a study naming an unknown work is kept and reported."""
    parsed = parse_csv(text, file, schema.STUDY_COLUMNS, schema.STUDY_REQUIRED)
    problems = parsed.problems
    studies: dict[str, Study] = {}
    for line, row, sid in _unique_rows(parsed, file, "study", problems, studies):
        design = _blank(row.get("design"))
        _vocab(design, schema.STUDY_DESIGNS, (file, line, "design"), problems)
        work_keys = _split(row.get("works"))
        for key in work_keys:
            if key not in works:
                problems.append(Problem(file, line, "works", f"unknown work {key!r}"))
        studies[sid] = Study(
            id=sid,
            name=row["name"].strip(),
            design=design or "",
            works=work_keys,
            comparator=_blank(row.get("comparator")),
            population=_blank(row.get("population")),
            enrolled=_blank(row.get("enrolled")),
            randomized=_blank(row.get("randomized")),
            analysed=_blank(row.get("analysed")),
            follow_up=_blank(row.get("follow_up")),
            sponsor=_blank(row.get("sponsor")),
            registry=_blank(row.get("registry")),
            note=_blank(row.get("note")),
            source=Source(file, line),
        )
    return studies, problems


def parse_outcomes(
    text: str,
    studies: dict[str, Study],
    works: dict[str, Work],
    file: str = schema.OUTCOMES_FILE,
) -> tuple[dict[str, Outcome], list[Problem]]:
    """Parse outcomes.csv; rows naming unknown studies or works are kept and reported."""
    parsed = parse_csv(text, file, schema.OUTCOME_COLUMNS, schema.OUTCOME_REQUIRED)
    problems = parsed.problems
    outcomes: dict[str, Outcome] = {}
    for line, row, oid in _unique_rows(parsed, file, "outcome", problems, outcomes):
        study, work = row["study"].strip(), row["work"].strip()
        if study and study not in studies:
            problems.append(Problem(file, line, "study", f"unknown study {study!r}"))
        if work and work not in works:
            problems.append(Problem(file, line, "work", f"unknown work {work!r}"))
        if study in studies and work in works and work not in studies[study].works:
            problems.append(
                Problem(
                    file,
                    line,
                    "work",
                    f"work {work!r} is not listed among study {study!r}'s works",
                    "warning",
                )
            )
        measure = _blank(row.get("measure"))
        _vocab(measure, schema.MEASURES, (file, line, "measure"), problems)
        nums = {c: _number(row, c, file, line, problems) for c in schema.OUTCOME_NUMERIC}
        # kept as written: 3.0 and 3 are the same float but not the same printed precision
        printed = tuple(
            (c, " ".join(row[c].split())) for c in schema.OUTCOME_NUMERIC if nums[c] is not None
        )
        count, denominator = nums["count"], nums["denominator"]
        if count is not None and denominator is not None and count > denominator:
            problems.append(Problem(file, line, "count", "count is larger than its denominator"))
        verified = _flag(row, "verified", file, line, problems)
        if verified and work in works and not works[work].verified:
            problems.append(
                Problem(file, line, "verified", f"marked verified but work {work!r} is cited-only")
            )
        outcomes[oid] = Outcome(
            id=oid,
            study=study,
            work=work,
            measure=measure or "",
            outcome=_blank(row.get("outcome")),
            arm=_blank(row.get("arm")),
            timepoint=_blank(row.get("timepoint")),
            analysis_set=_blank(row.get("analysis_set")),
            value=nums["value"],
            value_text=_blank(row.get("value_text")),
            unit=_blank(row.get("unit")),
            count=nums["count"],
            denominator=nums["denominator"],
            comparator_value=nums["comparator_value"],
            comparator_text=_blank(row.get("comparator_text")),
            p_value=_blank(row.get("p_value")),
            locator=_blank(row.get("locator")),
            verified=verified,
            note=_blank(row.get("note")),
            source=Source(file, line, _blank(row.get("locator"))),
            printed=printed,
        )
    return outcomes, problems


def _outside(data_dir: Path, rel: str) -> str | None:
    """Why a documents.csv path leaves the data directory, or None when it stays inside."""
    if not rel:
        return None
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        return "an absolute path; give a path relative to the data directory"
    if ".." in pure.parts:
        return "a path that climbs out of the data directory with '..'"
    if not (data_dir / rel).resolve().is_relative_to(data_dir.resolve()):
        return "a path that leads outside the data directory (through a link)"
    return None


def parse_documents(
    text: str, data_dir: Path, file: str = schema.DOCUMENTS_FILE
) -> tuple[dict[str, Document], list[Problem]]:
    """Parse documents.csv and read each document's text file."""
    parsed = parse_csv(text, file, schema.DOCUMENT_COLUMNS, schema.DOCUMENT_REQUIRED)
    problems = parsed.problems
    documents: dict[str, Document] = {}
    for line, row, did in _unique_rows(parsed, file, "document", problems, documents):
        date = row["date"].strip()
        if date and not ISO_DATE_RE.match(date):
            problems.append(Problem(file, line, "date", f"not an ISO date (YYYY-MM-DD): {date!r}"))
        kind = _blank(row.get("kind"))
        _vocab(kind, schema.DOCUMENT_KINDS, (file, line, "kind"), problems, "warning")
        rel = row["file"].strip()
        path = data_dir / rel
        outside = _outside(data_dir, rel)
        if outside:
            problems.append(Problem(file, line, "file", f"{outside}: {rel!r} (not read)"))
            body = ""
        elif not rel or not path.is_file():
            problems.append(Problem(file, line, "file", f"document file not found: {rel!r}"))
            body = ""
        else:
            body = read_text(path, rel)
        documents[did] = Document(
            id=did,
            title=row["title"].strip(),
            organisation=(row.get("organisation") or "").strip(),
            date=date,
            kind=(row.get("kind") or "").strip(),
            file=rel,
            officers=_split(row.get("officers")),
            text=body,
            source=Source(file, line),
        )
    return documents, problems


def parse_reference_map(
    text: str,
    documents: dict[str, Document],
    works: dict[str, Work],
    file: str = schema.REFERENCE_MAP_FILE,
) -> tuple[dict[tuple[str, int], str], list[Problem]]:
    """Parse reference_map.csv: (document, reference number) -> citekey, curated by hand."""
    parsed = parse_csv(text, file, schema.REFERENCE_MAP_COLUMNS, schema.REFERENCE_MAP_REQUIRED)
    problems = parsed.problems
    mapping: dict[tuple[str, int], str] = {}
    for line, row in parsed.rows:
        doc, raw_ref, work = row["document"].strip(), row["ref"].strip(), row["work"].strip()
        if doc and doc not in documents:
            problems.append(Problem(file, line, "document", f"unknown document {doc!r}"))
        if work and work not in works:
            problems.append(Problem(file, line, "work", f"unknown work {work!r}"))
        if not re.fullmatch(r"[0-9]{1,5}", raw_ref):
            problems.append(Problem(file, line, "ref", f"not a reference number: {raw_ref!r}"))
            continue
        key = (doc, int(raw_ref))
        if key in mapping:
            problems.append(
                Problem(file, line, "ref", f"reference {raw_ref} of {doc} mapped twice")
            )
            continue
        mapping[key] = work
    return mapping, problems


def parse_assessments(
    text: str, documents: dict[str, Document], file: str = schema.ASSESSMENTS_FILE
) -> tuple[dict[str, Assessment], list[Problem]]:
    """Parse assessments.csv: analysts' judgments, anchored by quote.

    A row with a `finding` is a decision on one machine finding (`decision`, reason in `note`);
    it needs no verdict, and no quote when the finding is about the document as a whole.
    """
    parsed = parse_csv(
        text, file, schema.ASSESSMENT_COLUMNS, schema.ASSESSMENT_REQUIRED, ("id", "document")
    )
    problems = parsed.problems
    out: dict[str, Assessment] = {}
    for line, row, aid in _unique_rows(parsed, file, "assessment", problems, out):
        doc = row["document"].strip()
        if doc and doc not in documents:
            problems.append(Problem(file, line, "document", f"unknown document {doc!r}"))
        verdict = _blank(row.get("verdict"))
        finding, decision = _blank(row.get("finding")), _blank(row.get("decision"))
        criteria = _blank(row.get("criteria"))
        needed = ("decision",) if finding else ("quote",) if criteria else ("quote", "verdict")
        for col in needed:
            if not (row.get(col) or "").strip():
                problems.append(Problem(file, line, col, "required value is empty"))
        _vocab(verdict, schema.ASSESSMENT_VERDICTS, (file, line, "verdict"), problems)
        _vocab(decision, schema.REVIEW_DECISIONS, (file, line, "decision"), problems)
        bad_ids = [c for c in _split(criteria) if not _CRITERION_ID.match(c)]
        if bad_ids:
            problems.append(Problem(file, line, "criteria", f"not a criterion id: {bad_ids[0]!r}"))
        pos: dict[str, int | None] = {}
        for col in ("start", "end"):
            num = _number(row, col, file, line, problems)
            pos[col] = int(num) if num is not None else None
        out[aid] = Assessment(
            id=aid,
            document=doc,
            quote=row["quote"],
            verdict=verdict or "",
            claim=_blank(row.get("claim")),
            prefix=row.get("prefix") or None,
            suffix=row.get("suffix") or None,
            start=pos["start"],
            end=pos["end"],
            note=_blank(row.get("note")),
            analyst=_blank(row.get("analyst")),
            date=_blank(row.get("date")),
            finding=finding,
            decision=decision,
            source=Source(file, line),
            criteria=criteria,
        )
    return out, problems


# ---------------------------------------------------------------------------------------
# records/<citekey>.json: imported records of cited works


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def parse_record_file(
    text: str, file: str
) -> tuple[str, dict | None, tuple[Record, ...], list[Problem]]:
    """Parse one record file: (citekey, work fields or None, records, problems)."""
    import json

    problems: list[Problem] = []
    try:
        data = json.loads(text)
        key = data["citekey"]
        raw_records = data["records"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise LoadError(file, f"not a record file ({exc})") from None
    records = []
    for i, r in enumerate(raw_records, start=1):
        try:
            parts = tuple(
                RecordPart(
                    k, label, s, e, tuple((mk, _tuples(mv)) for mk, mv in (meta or {}).items())
                )
                for k, label, s, e, meta in r["parts"]
            )
            numbers = tuple(
                RecordNumber(
                    id=n["id"],
                    work=key,
                    record=r["id"],
                    text=n["text"],
                    value=n["value"],
                    kind=n["kind"],
                    start=n["start"],
                    end=n["end"],
                    unit=n.get("unit"),
                    extra=tuple((k, _tuples(v)) for k, v in n.get("extra", ())),
                    sentence_start=n["sentence"][0],
                    sentence_end=n["sentence"][1],
                    section=n.get("section") or "",
                    arm=n.get("arm"),
                    timepoint=n.get("timepoint"),
                    outcome=n.get("outcome"),
                )
                for n in r.get("numbers", ())
            )
            scope = r.get("scope") or "title only"
            if scope not in schema.RECORD_SCOPES:
                problems.append(Problem(file, None, "scope", f"unknown scope {scope!r}"))
            records.append(
                Record(
                    id=r["id"],
                    work=key,
                    format=r["format"],
                    file=r.get("file") or "",
                    index=r.get("index") or i,
                    scope=scope,
                    text=r["text"],
                    parts=parts,
                    numbers=numbers,
                    pmid=r.get("pmid"),
                    doi=r.get("doi"),
                    pmcid=r.get("pmcid"),
                    imported=r.get("imported"),
                    source=Source(file, None, f"record {i}"),
                )
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            problems.append(Problem(file, None, f"record {i}", f"unreadable record ({exc!r})"))
    return key, data.get("work"), tuple(records), problems


def work_from_payload(p: dict, file: str) -> Work:
    """The Work a record file's "work" object describes (built from its record)."""
    return Work(
        citekey=p["citekey"],
        kind=p.get("kind") or "journal-article",
        title=p.get("title") or "",
        authors=tuple(p.get("authors") or ()),
        journal=p.get("journal"),
        publisher=p.get("publisher"),
        year=p.get("year"),
        month=p.get("month"),
        volume=p.get("volume"),
        number=p.get("number"),
        pages=p.get("pages"),
        doi=p.get("doi"),
        pmid=p.get("pmid"),
        pmcid=p.get("pmcid"),
        verified=True,
        note="built from its imported record",
        source=Source(file),
    )


def read_records_dir(
    data_dir: Path, works: dict[str, Work]
) -> tuple[dict[str, tuple[Record, ...]], list[Problem]]:
    """Read records/*.json; works built from records are added to `works`."""
    folder = data_dir / schema.RECORDS_DIR
    out: dict[str, tuple[Record, ...]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return out, problems
    for path in sorted(folder.glob("*.json")):
        file = f"{schema.RECORDS_DIR}/{path.name}"
        try:
            key, work, records, p = parse_record_file(read_text(path, file), file)
        except LoadError as exc:
            problems.append(Problem(file, exc.line, exc.field, str(exc).split(": ", 1)[-1]))
            continue
        problems += p
        if work is not None:
            if key in works:
                problems.append(
                    Problem(file, None, "citekey", f"work {key!r} is already defined in "
                            f"{works[key].source.file}: the record file's work is not loaded")
                )  # fmt: skip
                continue
            works[key] = work_from_payload(work, file)
        elif key not in works:
            problems.append(Problem(file, None, "citekey", f"records of unknown work {key!r}"))
            continue
        out[key] = records
    return out, problems


# ---------------------------------------------------------------------------------------
# payer criteria and the study facts they need


_CRITERION_ID = re.compile(schema.CRITERION_ID_RE, re.ASCII)
_YEAR_MONTH_RE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$", re.ASCII)


def parse_criteria(
    text: str, file: str = schema.CRITERIA_FILE
) -> tuple[dict[str, Criterion], list[Problem]]:
    """Parse a criteria file (the bundled criteria.csv or a plan's own); bad rows are reported.

    >>> crit, probs = parse_criteria(
    ...     "id,framework,kind,title,text,source,date\\nx 1,P,rule,T,t,S,2026\\n", "plan.csv")
    >>> print(*probs, sep=chr(10))
    error: plan.csv:2 [id]: not a criterion id: 'x 1' (letters, digits, '.', '_', '-')
    error: plan.csv:2 [kind]: 'rule' is not one of the allowed terms
    error: plan.csv:2 [date]: not a date (YYYY-MM or YYYY-MM-DD): '2026'
    """
    parsed = parse_csv(text, file, schema.CRITERIA_COLUMNS, schema.CRITERIA_REQUIRED)
    problems = parsed.problems
    out: dict[str, Criterion] = {}
    for line, row, cid in _unique_rows(parsed, file, "criterion", problems, out):
        if not _CRITERION_ID.match(cid):
            problems.append(
                Problem(
                    file,
                    line,
                    "id",
                    f"not a criterion id: {cid!r} (letters, digits, '.', '_', '-')",
                )
            )
        kind = row["kind"].strip()
        _vocab(kind, schema.CRITERION_KINDS, (file, line, "kind"), problems)
        kinds = _split(row.get("outcome_kinds"))
        for k in kinds:
            _vocab(k, schema.OUTCOME_KINDS, (file, line, "outcome_kinds"), problems)
        bears = _split(row.get("bears_on"))
        for term in bears:
            prefix, _, value = term.partition(":")
            if prefix not in schema.CRITERION_SIGNALS or not value.strip():
                problems.append(
                    Problem(
                        file,
                        line,
                        "bears_on",
                        f"{term!r} is not a signal (one of "
                        f"{', '.join(p + ':…' for p in schema.CRITERION_SIGNALS)})",
                    )
                )
        date = row["date"].strip()
        if not _YEAR_MONTH_RE.match(date):
            problems.append(
                Problem(file, line, "date", f"not a date (YYYY-MM or YYYY-MM-DD): {date!r}")
            )
        out[cid] = Criterion(
            id=cid,
            framework=row["framework"].strip(),
            kind=kind,
            title=row["title"].strip(),
            text=row["text"].strip(),
            source_ref=row["source"].strip(),
            date=date,
            outcome_kinds=kinds,
            bears_on=bears,
            locator=_blank(row.get("locator")),
            source=Source(file, line, _blank(row.get("locator"))),
        )
    return out, problems


def read_criteria(path: Path | str) -> tuple[dict[str, Criterion], list[Problem]]:
    """A plan's criteria file by path; LoadError when it cannot be read at all."""
    path = Path(path)
    if path.is_dir():
        raise LoadError(str(path), "is a directory, not a criteria file")
    return parse_criteria(read_text(path, str(path)), str(path))


def parse_study_facts(
    text: str, studies: dict[str, Study], file: str = schema.STUDY_FACTS_FILE
) -> tuple[tuple[StudyFact, ...], list[Problem]]:
    """Parse study_facts.csv (long form: one fact of one study a row); bad rows are reported."""
    parsed = parse_csv(text, file, schema.STUDY_FACT_COLUMNS, schema.STUDY_FACT_REQUIRED)
    problems = parsed.problems
    out: list[StudyFact] = []
    for line, row in parsed.rows:
        study, fact, value = row["study"].strip(), row["fact"].strip(), row["value"].strip()
        if not (study and fact and value):
            continue  # parse_csv reported the empty required value
        if study not in studies:
            problems.append(Problem(file, line, "study", f"unknown study {study!r}"))
        if fact not in schema.STUDY_FACTS:
            problems.append(
                Problem(file, line, "fact", f"{fact!r} is not one of the allowed facts")
            )
        vocabulary = schema.FACT_VOCABULARIES.get(fact)
        if vocabulary is not None:
            _vocab(value, vocabulary, (file, line, "value"), problems)
        out.append(
            StudyFact(
                study=study,
                fact=fact,
                value=value,
                source_ref=row["source"].strip(),
                timepoint=_blank(row.get("timepoint")),
                locator=_blank(row.get("locator")),
                note=_blank(row.get("note")),
                source=Source(file, line, _blank(row.get("locator"))),
            )
        )
    return tuple(out), problems


# ---------------------------------------------------------------------------------------
# the whole knowledge base


def _optional(data_dir: Path, name: str) -> str | None:
    path = data_dir / name
    return read_text(path, name) if path.exists() else None


def load_tables(data_dir: Path) -> KnowledgeBase:
    """Read every data file (no document reading yet); problems are collected, not raised."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise LoadError(str(data_dir), "data directory not found")
    problems: list[Problem] = []
    works, p = parse_bib(read_text(data_dir / schema.REFERENCES_FILE, schema.REFERENCES_FILE))
    problems += p
    records, p = read_records_dir(data_dir, works)
    problems += p
    studies, p = parse_studies(
        read_text(data_dir / schema.STUDIES_FILE, schema.STUDIES_FILE), works
    )
    problems += p
    outcomes, p = parse_outcomes(
        read_text(data_dir / schema.OUTCOMES_FILE, schema.OUTCOMES_FILE), studies, works
    )
    problems += p
    documents, p = parse_documents(
        read_text(data_dir / schema.DOCUMENTS_FILE, schema.DOCUMENTS_FILE), data_dir
    )
    problems += p
    for rel in orphan_files(data_dir, {d.file for d in documents.values()}):
        problems.append(
            Problem(
                rel,
                None,
                None,
                f"not named by any row of {schema.DOCUMENTS_FILE} (left by an interrupted "
                "save?): add its row or remove the file",
                "warning",
            )
        )
    mapping: dict[tuple[str, int], str] = {}
    text = _optional(data_dir, schema.REFERENCE_MAP_FILE)
    if text is not None:
        mapping, p = parse_reference_map(text, documents, works)
        problems += p
    assessments: dict[str, Assessment] = {}
    text = _optional(data_dir, schema.ASSESSMENTS_FILE)
    if text is not None:
        assessments, p = parse_assessments(text, documents)
        problems += p
    criteria: dict[str, Criterion] = {}
    text = _optional(data_dir, schema.CRITERIA_FILE)
    if text is not None:
        criteria, p = parse_criteria(text)
        problems += p
    facts: tuple[StudyFact, ...] = ()
    text = _optional(data_dir, schema.STUDY_FACTS_FILE)
    if text is not None:
        facts, p = parse_study_facts(text, studies)
        problems += p
    return KnowledgeBase(
        data_dir=data_dir,
        documents=documents,
        works=works,
        studies=studies,
        outcomes=outcomes,
        reference_map=mapping,
        assessments=assessments,
        problems=problems,
        records=records,
        criteria=criteria,
        study_facts=facts,
    )


def load_kb(data_dir: Path | str = schema.DEFAULT_DATA_DIR) -> KnowledgeBase:
    """Load a data directory (the bundled one by default) and read and link its documents."""
    kb = load_tables(Path(data_dir))
    analyse(kb)
    return kb
