"""Names for a new letter and its new works: slug, title, date, citekey, BibTeX author, kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kb import schema
from kb.model import (
    ReferenceEntry,
    Source,
    Work,
)
from kb.sources import (
    PageSpan,  # noqa: F401  (re-exported for callers)
)
from kb.text import fold, initials, split_name, surname

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
