"""Ingest a letter in one step: file -> text -> reading -> resolution -> checks; save on request.

`ingest` never writes: it builds a temporary knowledge base (the loaded one's dicts copied, the
new document added, unknown references made into cited-only works) and returns what an analyst
needs to see. `save` writes the document text, its documents.csv row and the new works, and
refuses (writing nothing) when an id, a citekey or a file already exists.

records (what an ingest returns), naming (ids, titles, dates, citekeys), workflow (ingest,
save) and report (the command line's text) hold the parts; this module is the front door.
"""

from __future__ import annotations

from kb.ingest.naming import (
    bib_author,
    document_date,
    guess_date,
    guess_title,
    make_citekey,
    slug,
    work_from_entry,
    work_kind,
)
from kb.ingest.records import (
    DOC_ID_RE,
    NEW_METHOD,
    EntryOutcome,
    IngestResult,
    SaveConflict,
    SaveReport,
)
from kb.ingest.report import (
    date_provenance,
    format_result,
)
from kb.ingest.workflow import (
    ingest,
    save,
)
from kb.sources import IngestError

__all__ = [
    "DOC_ID_RE",
    "EntryOutcome",
    "IngestError",
    "IngestResult",
    "NEW_METHOD",
    "SaveConflict",
    "SaveReport",
    "bib_author",
    "date_provenance",
    "document_date",
    "format_result",
    "guess_date",
    "guess_title",
    "ingest",
    "make_citekey",
    "save",
    "slug",
    "work_from_entry",
    "work_kind",
]
