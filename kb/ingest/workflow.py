"""A letter in one step: extract, read, resolve, check on a temporary KB; save on request."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx

from kb import schema, store
from kb.checks.factcheck import FactCheck, Verdict, fact_check
from kb.ingest.naming import document_date, guess_title, make_citekey, slug, work_from_entry
from kb.ingest.records import (
    DOC_ID_RE,
    NEW_METHOD,
    EntryOutcome,
    IngestResult,
    SaveConflict,
    SaveReport,
    log,
)
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
    IngestError,
    PageSpan,  # noqa: F401  (re-exported for callers)
    extract,
)
from kb.text import fold


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
