"""What an ingest gives back: the result, each entry's outcome, the save report, the conflict."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck, Verdict
from kb.model import (
    Document,
    Finding,
    KnowledgeBase,
    Problem,
    ReferenceEntry,
    Resolution,
    Work,
)
from kb.sources import (
    Extracted,
    IngestError,
    PageSpan,  # noqa: F401  (re-exported for callers)
)
from kb.views.records import claim_record

log = logging.getLogger("kb.ingest")


DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


NEW_METHOD = "new cited-only"


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
