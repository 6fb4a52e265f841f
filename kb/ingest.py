"""Ingest a letter in one step: file -> text -> reading -> resolution -> checks; save on request.

`ingest` never writes: it builds a temporary knowledge base (the loaded one's dicts copied, the
new document added, unknown references made into cited-only works) and returns what an analyst
needs to see. `save` writes the document text, its documents.csv row and the new works, and
refuses (writing nothing) when an id, a citekey or a file already exists.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx

from kb import schema, store
from kb.checks.factcheck import FactCheck, Verdict, fact_check
from kb.model import (
    Document,
    Finding,
    KnowledgeBase,
    Problem,
    ReferenceEntry,
    Resolution,
    Source,
    Work,
)
from kb.sources import (
    Extracted,
    IngestError,
    PageSpan,  # noqa: F401  (re-exported for callers)
    extract,
)
from kb.text import fold, initials, split_name, surname
from kb.views.records import claim_record

log = logging.getLogger("kb.ingest")

DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
NEW_METHOD = "new cited-only"
_STOP = {
    "a",
    "an",
    "the",
    "of",
    "on",
    "in",
    "for",
    "and",
    "with",
    "to",
    "from",
    "at",
    "by",
    "is",
    "are",
    "its",
    "as",
    "or",
    "vs",
    "versus",
    "based",
    "into",
    "after",
    "using",
    "use",
    "how",
    "why",
    "what",
    "does",
    "do",
    "was",
    "were",
    "be",
    "not",
    "than",
    "their",
    "this",
    "that",
}


class SaveConflict(IngestError):
    """Saving would overwrite a document id, a citekey or a file: nothing was written."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = tuple(conflicts)
        super().__init__("conflict", "Not saved, nothing was written: " + "; ".join(conflicts))


@dataclass(frozen=True)
class EntryOutcome:
    """One reference entry of the new letter and the work it was tied to."""

    entry: ReferenceEntry
    resolution: Resolution
    work: Work | None
    new: bool = False
    pages: tuple[int, int] | None = None


@dataclass
class IngestResult:
    """Everything one ingest found; `kb` and `graph` hold the temporary knowledge base."""

    source_name: str
    document: Document
    extracted: Extracted
    reading: Any
    kb: KnowledgeBase
    graph: nx.MultiDiGraph
    entries: tuple[EntryOutcome, ...]
    new_works: dict[str, Work]
    claim_pages: dict[str, tuple[int, int]]
    traces: dict[str, Any]
    findings: tuple[Finding, ...] = ()
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    factcheck: FactCheck | None = None
    checks_note: str = ""
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    enrichment: tuple = ()
    # where the date came from: header, effective-line, dateline, signature, given or unknown
    date_source: str = "unknown"
    date_line: str = ""
    mappings: tuple[tuple[int, str, str], ...] = ()

    @property
    def claims(self) -> tuple:
        """The new letter's claims in reading order."""
        return tuple(self.reading.claims)

    @property
    def resolved(self) -> tuple[EntryOutcome, ...]:
        """Entries tied to a work the knowledge base already had."""
        return tuple(e for e in self.entries if e.work is not None and not e.new)

    @property
    def unresolved(self) -> tuple[EntryOutcome, ...]:
        """Entries that matched no known work (each now has a new cited-only work)."""
        return tuple(e for e in self.entries if e.work is None or e.new)

    def verdict(self, claim_id: str) -> str | None:
        """The machine verdict's label for a claim, when the checks gave one."""
        v = self.verdicts.get(claim_id)
        return v.label if v is not None else None

    def to_dict(self) -> dict:
        """Plain JSON-ready data: document, claims with pages, entries, findings, warnings."""
        d = self.document
        return {
            "source": self.source_name,
            "format": self.extracted.format,
            "pages": len(self.extracted.pages) or None,
            "markers_recovered": self.extracted.markers,
            "document": {
                "id": d.id,
                "title": d.title,
                "organisation": d.organisation,
                "date": d.date,
                "date_source": self.date_source,
                "kind": d.kind,
                "file": d.file,
            },
            "claims": [
                {
                    **claim_record(c),
                    "pages": list(self.claim_pages.get(c.id) or ()) or None,
                    "verdict": self.verdict(c.id),
                }
                for c in self.claims
            ],
            "entries": [
                {
                    "number": e.entry.number,
                    "raw": e.entry.raw,
                    "work": e.work.citekey if e.work else None,
                    "method": e.resolution.method,
                    "score": e.resolution.score,
                    "new": e.new,
                    "pages": list(e.pages) if e.pages else None,
                }
                for e in self.entries
            ],
            "new_works": [_work_record(w) for w in self.new_works.values()],
            "findings": [_finding_record(f) for f in self.findings],
            "checks_note": self.checks_note or None,
            "enrichment": [
                {
                    "entry": x.entry,
                    "status": x.status,
                    "doi": x.doi,
                    "pmid": x.pmid,
                    "source": x.source,
                    "message": x.message,
                }
                for x in self.enrichment
            ],
            "citation_style": getattr(self.reading, "style", None),
            "reading_notes": list(getattr(self.reading, "notes", ())),
            "problems": [str(p) for p in self.problems],
            "warnings": list(self.warnings),
            "conflicts": list(self.conflicts),
        }


@dataclass(frozen=True)
class SaveReport:
    """What `save` wrote, relative to the data directory."""

    document: str
    files: tuple[str, ...]
    works: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# small helpers


def slug(text: str) -> str:
    """A lowercase id from free text: letters, digits and single hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
    return s[:60].strip("-") or "letter"


def document_date(text: str) -> Any:
    """The document's own date (kb.reading.DocumentDate: value, source, line) or None."""
    from kb.reading import document_date as read_date
    from kb.reading import layout

    return read_date(text, layout(text))


def guess_date(text: str) -> str:
    """The document's date as YYYY-MM-DD from its header, an effective/revised line, a dateline
    or its signature; '' when there is none (a date inside the argument is never taken)."""
    found = document_date(text)
    return found.value if found is not None else ""


def guess_title(text: str, name: str) -> str:
    """A letter's subject line ('Re: …'), else its first substantial line, else the file name."""
    lines = [ln.strip() for ln in text.splitlines()[:80] if ln.strip()]
    for ln in lines:
        m = re.match(r"^(?:re|subject|subj)\s*:\s*(.+)$", ln, re.IGNORECASE)
        if m:
            return _clean_title(m.group(1))
    for ln in lines[:15]:
        if 3 <= len(ln.split()) <= 25 and not re.search(r"\d{3}", ln):
            return _clean_title(ln)
    return Path(name).stem.replace("_", " ").replace("-", " ").strip() or "Untitled letter"


def _clean_title(text: str) -> str:
    text = text.replace("[®]", "®").replace("[™]", "™")
    text = re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()[:300]


def bib_author(name: str) -> str:
    """A Vancouver-style name as BibTeX writes it: 'Staats PS' -> 'Staats, P. S.', 'B Chopko'
    -> 'Chopko, B.'. Other forms ('Peter S. Staats', 'Doe, Jane', an organisation) are kept as
    written: BibTeX reads them, and an organisation must not be split into first and last."""
    name = " ".join(name.split()).strip(",; ")
    parts = split_name(name) if name and "," not in name else None
    if parts is None or not parts[1] or not parts[1].replace(".", "").replace("-", "").isupper():
        return name
    return f"{parts[0]}, {initials(parts[1])}"


def make_citekey(entry: ReferenceEntry, taken: set[str]) -> str:
    """First author + year + first title word, e.g. 'staats2016midas'; never one in `taken`."""
    author = re.sub(r"[^a-z]", "", surname(entry.authors[0]) or "") if entry.authors else ""
    words = [
        w
        for w in re.findall(r"[a-z0-9]+", fold(entry.title or entry.raw).lower())
        if w not in _STOP and len(w) > 2 and not w.isdigit()
    ]
    year = str(entry.year) if entry.year else "nd"
    if author:
        base = f"{author[:20]}{year}{words[0][:15] if words else ''}"
    else:
        base = "".join(w[:12] for w in words[:2]) + year if words else f"ref{entry.number}{year}"
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + (chr(ord("a") + n) if n < 26 else str(n))
    return key


def work_kind(entry: ReferenceEntry) -> str:
    """What an unknown entry cites: the kind reading gave it (report, regulatory document, web
    page, press release, guideline, ...), else journal article, chapter, coding text or note."""
    if entry.kind in schema.WORK_KINDS and entry.kind != "journal-article":
        return entry.kind
    raw = entry.raw or ""
    if re.search(r"\b(CPT|HCPCS|ICD-?1[01]|coding|code descriptor)\b", raw):
        return "coding-document"
    if not entry.authors and not entry.year and not entry.journal:
        return "note"
    if re.search(r"\bIn:\s", raw):
        return "book-chapter"
    return "journal-article"


def work_from_entry(entry: ReferenceEntry, key: str, doc_id: str) -> Work:
    """A cited-only Work holding the fields parsed from a reference entry."""
    title = entry.title or re.sub(r"^\s*\d+\.\s*", "", entry.raw).strip()
    title = re.sub(r"\s+", " ", title).strip().rstrip(".")
    parsed = [
        f
        for f, v in (
            ("author", entry.authors),
            ("title", entry.title),
            ("journal", entry.journal),
            ("year", entry.year),
            ("volume", entry.volume),
            ("number", entry.issue),
            ("pages", entry.pages),
        )
        if v
    ]
    return Work(
        citekey=key,
        kind=work_kind(entry),
        title=title or f"Reference {entry.number} of {doc_id}",
        authors=tuple(bib_author(a) for a in entry.authors),
        journal=entry.journal,
        year=entry.year,
        month=entry.month,
        volume=entry.volume,
        number=entry.issue,
        pages=entry.pages,
        doi=entry.doi,
        pmid=entry.pmid,
        verified=False,
        unconfirmed=tuple(parsed),
        note=f"Added by ingest from reference {entry.number}"
        + (f" ({entry.key})" if entry.key else "")
        + f" of {doc_id}; fields were parsed "
        "from the letter's entry and are not checked against the record.",
        source=Source(schema.REFERENCES_FILE),
    )


def _work_record(w: Work) -> dict:
    return {
        "citekey": w.citekey,
        "kind": w.kind,
        "title": w.title,
        "authors": list(w.authors),
        "journal": w.journal,
        "year": w.year,
        "doi": w.doi,
        "pmid": w.pmid,
        "verified": w.verified,
    }


def _finding_record(f: Finding) -> dict:
    return {
        "code": f.code,
        "severity": f.severity,
        "claim": f.claim,
        "message": f.message,
        "refs": list(f.refs),
        "works": list(f.works),
    }


# ---------------------------------------------------------------------------------------
# ingest


def _read_input(path_or_bytes: Path | str | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), name or "upload"
    path = Path(path_or_bytes)
    if not path.is_file():
        raise IngestError("not-found", f"{path} does not exist or is not a file.")
    size = path.stat().st_size
    from kb.sources import MAX_BYTES

    if size > MAX_BYTES:
        raise IngestError(
            "too-large",
            f"{path.name} is {size / 1048576:.1f} MB; files over "
            f"{MAX_BYTES // 1048576} MB are not accepted.",
        )
    return path.read_bytes(), name or path.name


def _doc_id(doc_id: str | None, name: str, kb: KnowledgeBase) -> str:
    if doc_id is not None:
        doc_id = doc_id.strip()
        if not DOC_ID_RE.match(doc_id):
            raise IngestError(
                "bad-id",
                f"{doc_id!r} is not a usable document id: use lowercase letters, "
                "digits, '-', '_' or '.', starting with a letter or digit (at most 80).",
            )
        return doc_id
    base = slug(Path(name).stem)
    key, n = base, 1
    while key in kb.documents:
        n += 1
        key = f"{base}-{n}"
    return key


def _temp_kb(kb: KnowledgeBase, **changes: Any) -> KnowledgeBase:
    """A copy of `kb` whose dicts can be changed without touching the original."""
    base: dict[str, Any] = {
        "data_dir": kb.data_dir,
        "documents": dict(kb.documents),
        "works": dict(kb.works),
        "studies": dict(kb.studies),
        "outcomes": dict(kb.outcomes),
        "reference_map": dict(kb.reference_map),
        "assessments": dict(kb.assessments),
        "readings": dict(kb.readings),
        "resolutions": dict(kb.resolutions),
        "problems": list(kb.problems),
        "records": dict(kb.records),
    }
    base.update(changes)
    return KnowledgeBase(**base)


def _enrich(entries: list[ReferenceEntry], client: Any) -> tuple[tuple, list[ReferenceEntry]]:
    """Look up DOIs/PMIDs for entries; return the look-ups and the entries with them filled."""
    from kb.linking.enrich import EnrichClient

    client = client or EnrichClient()
    found = client.enrich(entries)
    by_id = {x.entry: x for x in found}
    out = []
    for e in entries:
        x = by_id.get(e.id)
        if x is not None and x.status == "found":
            e = replace(e, doi=e.doi or x.doi, pmid=e.pmid or x.pmid)
        out.append(e)
    return found, out


def _by_identifier(entry: ReferenceEntry, works: dict[str, Work]) -> Work | None:
    for w in works.values():
        if entry.doi and w.doi and entry.doi.lower() == w.doi.lower():
            return w
        if entry.pmid and w.pmid and entry.pmid == w.pmid:
            return w
    return None


def _entry_key(raw: str) -> str:
    text = re.sub(r"^\s*\[?\d{1,4}[.\])]?\s+", "", fold(raw).lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _known_entries(kb: KnowledgeBase) -> dict[str, tuple[str, str, int]]:
    """Normalised raw text of every resolved entry of the loaded documents -> (work, doc, n)."""
    out: dict[str, tuple[str, str, int]] = {}
    for doc_id, reading in kb.readings.items():
        for e in getattr(reading, "entries", ()):
            res = kb.resolutions.get(e.id)
            if res is not None and res.work in kb.works:
                out.setdefault(_entry_key(e.raw), (res.work, doc_id, e.number))
    return out


def _same_known_entry(
    entry: ReferenceEntry, known: dict[str, tuple[str, str, int]]
) -> tuple[str, str, int] | None:
    """The work another document's identical (or nearly identical) entry is tied to."""
    from rapidfuzz import fuzz, process

    key = _entry_key(entry.raw)
    if len(key) < 12 or not known:
        return None
    if key in known:
        return known[key]
    best = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=95)
    return known[best[0]] if best else None


def _same_new_work(entry: ReferenceEntry, new_works: dict[str, Work], resolve) -> Work | None:
    """A work already made from another entry of this letter for the same source, if any."""
    if not new_works:
        return None
    found = _by_identifier(entry, new_works)
    if found is None:
        for r in resolve([entry], new_works):
            if r.work in new_works:
                found = new_works[r.work]
    # "Lindqvist 2021a" and "Lindqvist 2021b": the list itself says they are two works
    if (
        found is not None
        and entry.key
        and found.note
        and f"({entry.key})" not in found.note
        and re.search(r"\([^()]+ \d{4}[a-z]?\)", found.note)
    ):
        return None
    return found


def _retell(
    problems: list[Problem], entries: tuple, resolutions: dict, new_entry: set[str]
) -> list[Problem]:
    """Loading's 'matches no work' warnings, told with what ingest did about each entry."""
    by_field = {f"ref {e.number}": e for e in entries}
    out = []
    for p in problems:
        e = by_field.get(p.field or "")
        if e is not None and "matches no work" in p.message and e.id in resolutions:
            r = resolutions[e.id]
            what = (
                f"it becomes the new cited-only work {r.work!r}"
                if e.id in new_entry
                else f"the online look-up tied it to {r.work!r}"
            )
            p = replace(p, message=f"{p.message}; {what}")
        out.append(p)
    return out


def _run_checks(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, doc_id: str
) -> tuple[tuple[Finding, ...], dict[str, Verdict], FactCheck | None, str]:
    """Fact-check the temporary KB; keep what concerns the new document.

    A failure is kept as a note on the result (and a log line) so the reading is not lost.
    """
    try:
        # the new document alone, at its own cost (other documents only through the
        # cross-document index); identical to its share of a whole-KB check
        fc = fact_check(kb, graph, documents=[doc_id])
    except Exception as exc:
        log.exception("fact checks failed on ingested document %s", doc_id)
        return (), {}, None, f"the fact checks failed: {type(exc).__name__}: {exc}"
    prefix = f"{doc_id}:"
    findings = tuple(
        f
        for f in fc.findings
        if f.document == doc_id or (f.claim is not None and f.claim.startswith(prefix))
    )
    verdicts = {k: v for k, v in fc.verdicts.items() if k.startswith(prefix)}
    return findings, verdicts, fc, ""


def ingest(
    path_or_bytes: Path | str | bytes,
    name: str | None,
    kb: KnowledgeBase,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    date: str | None = None,
    organisation: str | None = None,
    enrich: bool = False,
    enrich_client: Any = None,
) -> IngestResult:
    """Extract, read, resolve and check a letter against `kb` without writing or changing it."""
    from kb.graph import build_graph, trace
    from kb.linking.analysis import analyse
    from kb.linking.resolve import resolve_entries

    data, name = _read_input(path_or_bytes, name)
    extracted = extract(data, name)
    text = extracted.text
    found_date = None if (date or "").strip() else document_date(text)
    date = (date or "").strip() or (found_date.value if found_date is not None else "")
    if (date or "").strip() and found_date is None:
        date_source = "given"
    else:
        date_source = found_date.source if found_date is not None else "unknown"
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise IngestError("bad-date", f"{date!r} is not a date of the form YYYY-MM-DD.")
    doc_id = _doc_id(doc_id, name, kb)
    file = f"{schema.LETTERS_DIR}/{doc_id}.txt"
    document = Document(
        id=doc_id,
        title=(title or "").strip() or guess_title(text, name),
        organisation=(organisation or "").strip(),
        date=date,
        kind="letter",
        file=file,
        officers=(),
        text=text,
        source=Source(schema.DOCUMENTS_FILE),
    )
    # Read and resolve the new document alone, with the same rules as loading.
    alone = _temp_kb(
        kb,
        documents={doc_id: document},
        assessments={},
        readings={},
        resolutions={},
        problems=[],
        # The new letter has no curated map yet. When its id is one the KB already holds, the
        # map under that id belongs to the other document and must not tie this letter's
        # references (saving then refuses the id anyway).
        reference_map={},
    )
    analyse(alone)
    reading = alone.readings[doc_id]
    crowded = [p for p in reading.problems if p.field == "numbers"]
    if crowded:
        raise IngestError(
            "too-many-numbers",
            f"{name}: line {crowded[0].line}: {crowded[0].message}. A letter's sentence "
            "states a few numbers; split the text or check that this is a letter.",
        )
    if not reading.entries:
        raise IngestError(
            "no-references",
            f"No reference list was found in {name}. Ingest ties "
            "each claim to the references it cites, so it needs a list such as "
            "'References' followed by '1. Author. Title. Journal. Year.', or an "
            "alphabetical list ('Deer, T. R. (2019). Title. Journal.') for author-year "
            "citations.",
        )
    resolutions = dict(alone.resolutions)
    unresolved = [
        e
        for e in reading.entries
        if (resolutions.get(e.id) is None or resolutions[e.id].work is None)
    ]
    enrichment: tuple = ()
    if enrich and unresolved:
        enrichment, unresolved = _enrich(unresolved, enrich_client)
    works = dict(kb.works)
    new_works: dict[str, Work] = {}
    new_entry: set[str] = set()
    taken = set(works)
    known_entries = _known_entries(kb)
    mappings: list[tuple[int, str, str]] = []
    for entry in unresolved:
        res = resolutions.get(entry.id)
        if res is not None and res.method == "ambiguous":
            continue  # candidates are shown; no work is made up for it (never guessed)
        known = _by_identifier(entry, kb.works)
        if known is not None:
            resolutions[entry.id] = Resolution(
                entry.id,
                known.citekey,
                "looked-up identifier",
                100.0,
                "DOI or PMID found by the online look-up",
            )
            mappings.append(
                (
                    entry.number,
                    known.citekey,
                    "added by kb ingest: DOI or PMID found by online look-up",
                )
            )
            continue
        twin = _same_known_entry(entry, known_entries)
        if twin is not None:
            key, other, number = twin
            note = f"same entry text as {other} ref {number}"
            resolutions[entry.id] = Resolution(entry.id, key, "same entry", 100.0, note)
            mappings.append((entry.number, key, f"added by kb ingest: {note}"))
            continue
        same = _same_new_work(entry, new_works, resolve_entries)
        if same is None:
            key = make_citekey(entry, taken)
            taken.add(key)
            same = work_from_entry(entry, key, doc_id)
            new_works[key] = same
            works[key] = same
        resolutions[entry.id] = Resolution(
            entry.id,
            same.citekey,
            NEW_METHOD,
            None,
            "matched no work in the knowledge base; a cited-only work was made from the entry",
        )
        new_entry.add(entry.id)
    problems = _retell(alone.problems, reading.entries, resolutions, new_entry)
    temp = _temp_kb(
        kb,
        documents={**kb.documents, doc_id: document},
        works=works,
        readings={**kb.readings, doc_id: reading},
        resolutions={**kb.resolutions, **resolutions},
        problems=list(kb.problems) + problems,
    )
    graph = build_graph(temp)
    claim_pages = {}
    for c in reading.claims:
        span = extracted.pages_of(c.start, c.end)
        if span:
            claim_pages[c.id] = span
    traces = {c.id: trace(graph, f"claim:{c.id}") for c in reading.claims}
    entries = tuple(
        EntryOutcome(
            e,
            resolutions.get(e.id) or Resolution(e.id, None, "none"),
            works.get((resolutions.get(e.id) or Resolution(e.id, None, "none")).work or ""),
            e.id in new_entry,
            extracted.pages_of(e.start, e.end or e.start + 1) if e.start is not None else None,
        )
        for e in reading.entries
    )
    findings, verdicts, fc, note = _run_checks(temp, graph, doc_id)
    conflicts = tuple(store.letter_conflicts(kb.data_dir, document, new_works))
    return IngestResult(
        source_name=name,
        document=document,
        extracted=extracted,
        reading=reading,
        kb=temp,
        graph=graph,
        entries=entries,
        new_works=new_works,
        claim_pages=claim_pages,
        traces=traces,
        findings=findings,
        verdicts=verdicts,
        factcheck=fc,
        checks_note=note,
        problems=tuple(problems),
        warnings=extracted.warnings,
        conflicts=conflicts,
        enrichment=enrichment,
        mappings=tuple(mappings),
        date_source=date_source,
        date_line=found_date.text if found_date is not None else "",
    )


# ---------------------------------------------------------------------------------------
# save


def save(result: IngestResult, data_dir: Path | str | None = None) -> SaveReport:
    """Write the letter text, its documents.csv row and new works; never overwrite anything.

    The writing is `kb.store.save_letter`: under the data directory's lock, against the files
    as they are then, so concurrent saves (CLI or app) all survive.
    """
    data_dir = Path(data_dir or result.kb.data_dir)
    doc = result.document
    if not doc.date:
        raise IngestError(
            "no-date",
            "The letter's date was not found in its text; give it (YYYY-MM-DD) before saving.",
        )
    if not doc.title.strip():
        raise IngestError("no-title", "The letter has no title; give one before saving.")
    try:
        written = store.save_letter(data_dir, doc, result.new_works, result.mappings)
    except store.StoreConflict as exc:
        raise SaveConflict(list(exc.conflicts)) from None
    except store.StoreError as exc:
        raise IngestError(exc.code, exc.message) from None
    return SaveReport(doc.id, written, tuple(result.new_works))


# ---------------------------------------------------------------------------------------
# text report for the command line


def date_provenance(result: IngestResult) -> str:
    """Where the document's date came from, in words."""
    d = result.document
    if result.date_source == "given":
        return f"{d.date}, given on the command line"
    if not d.date:
        return (
            "unknown: no date in the header, an effective/revised line, a dateline or the "
            "signature (dates inside the text are not the document's)"
        )
    where = {
        "header": "the header",
        "effective-line": "the effective/revised line",
        "dateline": "the dateline",
        "signature": "the signature block",
    }.get(result.date_source, result.date_source)
    return f"{d.date}, from {where}: {result.date_line.strip()!r}"


def format_result(result: IngestResult, saved: SaveReport | None = None) -> str:
    """A plain-text report of an ingest: document, claims, entries, findings, warnings."""
    ex, d = result.extracted, result.document
    pages = f", {len(ex.pages)} page(s)" if ex.pages else ""
    lines = [
        f"{result.source_name}: {ex.format}{pages}, {ex.markers} superscript marker(s) recovered",
        f"document {d.id}: {d.title!r}, dated {d.date or 'unknown'} -> {d.file}",
        f"date: {date_provenance(result)}",
        *(f"reading: {n}" for n in getattr(result.reading, "notes", ())),
        "",
        f"{len(result.claims)} claim(s)",
    ]
    for c in result.claims:
        refs = ",".join(map(str, c.refs)) or "-"
        pg = result.claim_pages.get(c.id)
        where = "" if not pg else (f"p{pg[0]}" if pg[0] == pg[1] else f"p{pg[0]}-{pg[1]}")
        text = c.text if len(c.text) <= 80 else c.text[:77] + "..."
        lines.append(f"  {c.id:22} {where:6} {refs:12} {text}")
    res, unres = result.resolved, result.unresolved
    lines += [
        "",
        (
            f"{len(result.entries)} reference entries: {len(res)} resolved, "
            f"{len(unres)} new cited-only work(s)"
        ),
    ]
    for e in result.entries:
        raw = e.entry.raw if len(e.entry.raw) <= 70 else e.entry.raw[:67] + "..."
        if e.new:
            status = f"NEW {e.work.citekey if e.work else '?'}"
        else:
            status = f"{e.work.citekey} ({e.resolution.method})" if e.work else "unresolved"
        lines.append(f"  [{e.entry.number:>2}] {status:40} {raw}")
    if result.enrichment:
        lines += ["", "online look-up:"]
        for x in result.enrichment:
            ids = ", ".join(
                v
                for v in (f"doi:{x.doi}" if x.doi else "", f"PMID {x.pmid}" if x.pmid else "")
                if v
            )
            lines.append(f"  {x.entry}: {x.status} {ids} {x.message}".rstrip())
    lines += [
        "",
        f"{len(result.findings)} finding(s)"
        + (f" ({result.checks_note})" if result.checks_note else ""),
    ]
    for f in result.findings:
        lines.append(f"  {f.severity:8} {f.code:24} {f.claim or '-':22} {f.message}")
    for w in result.warnings:
        lines.append(f"warning: {w}")
    for p in result.problems:
        lines.append(str(p))
    lines.append("")
    if saved:
        lines.append(
            f"saved {saved.document}: wrote {', '.join(saved.files)}"
            + (f"; new works {', '.join(saved.works)}" if saved.works else "")
        )
    else:
        for c in result.conflicts:
            lines.append(f"conflict: {c}")
        lines.append("not saved (pass --save to write it to the data directory)")
    return "\n".join(lines)
