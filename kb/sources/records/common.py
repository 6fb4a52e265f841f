"""What every record reader produces: bibliographic fields plus the record's text with structure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kb.model import RecordPart

SCOPES = ("full text", "abstract", "title only")

# Labels of structured abstracts written inline ("BACKGROUND: ...", "Results: ..."), as MEDLINE,
# RIS and CSL-JSON keep them.
_INLINE_LABEL = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]))\s*(?P<label>BACKGROUND|INTRODUCTION|OBJECTIVES?|PURPOSE|AIMS?|"
    r"METHODS?|DESIGN|SETTING|PARTICIPANTS|INTERVENTIONS?|MEASUREMENTS|MAIN OUTCOME MEASURES|"
    r"RESULTS|FINDINGS|CONCLUSIONS?|INTERPRETATION|LIMITATIONS|TRIAL REGISTRATION|FUNDING|"
    r"CONCLUSIONS AND RELEVANCE|IMPORTANCE|CONTEXT|MATERIALS AND METHODS|STUDY DESIGN|"
    r"SUMMARY OF BACKGROUND DATA)\s*:\s+",
    re.IGNORECASE,
)


class RecordError(Exception):
    """A record file that cannot be read at all (malformed XML, an unknown format)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.line, self.message = file, line, message
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {message}")


def clean(text: str | None) -> str:
    """Whitespace collapsed, NFC; an empty string for None."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


class TextBuilder:
    """Join a record's pieces into one text, remembering each piece's offsets and label."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.parts: list[RecordPart] = []
        self.pos = 0

    def add(self, kind: str, label: str, text: str, meta: tuple = ()) -> RecordPart | None:
        """Append a piece (separated by a blank line); return its part, None when empty."""
        text = clean(text)
        if not text:
            return None
        if self.chunks:
            self.chunks.append("\n\n")
            self.pos += 2
        start = self.pos
        self.chunks.append(text)
        self.pos += len(text)
        part = RecordPart(kind, label, start, self.pos, meta)
        self.parts.append(part)
        return part

    def add_row(self, label: str, headers: list[str], cells: list[str]) -> RecordPart | None:
        """A table row as 'header: cell; header: cell', each cell's span kept in meta."""
        pieces, spans, pos = [], [], 0
        for i, cell in enumerate(cells):
            cell = clean(cell)
            if not cell:
                continue
            head = clean(headers[i]) if i < len(headers) else ""
            prefix = f"{head}: " if head else ""
            if pieces:
                pos += 2
            start = pos + len(prefix)
            pieces.append(prefix + cell)
            pos += len(prefix) + len(cell)
            spans.append((head, cell, start, pos))
        if not pieces:
            return None
        text = "; ".join(pieces)
        base = self.pos + (2 if self.chunks else 0)
        meta = (("cells", tuple((h, c, base + s, base + e) for h, c, s, e in spans)),)
        return self.add("table", label, text, meta)

    @property
    def text(self) -> str:
        """The whole text so far."""
        return "".join(self.chunks)


def add_abstract(builder: TextBuilder, text: str, label: str = "ABSTRACT") -> None:
    """An abstract whose section labels are written inline ("METHODS: ..."): one part each."""
    text = clean(text)
    if not text:
        return
    hits = list(_INLINE_LABEL.finditer(text))
    if not hits or hits[0].start() > 0 and text[: hits[0].start()].strip():
        if not hits:
            builder.add("abstract", label, text)
            return
        builder.add("abstract", label, text[: hits[0].start()])
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        builder.add("abstract", m.group("label").upper(), text[m.end() : end])


@dataclass
class ParsedRecord:
    """One record read from a file, before it is tied to a work."""

    format: str
    file: str
    index: int  # 1-based position in the file
    title: str = ""
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    month: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    publisher: str | None = None
    types: tuple[str, ...] = ()
    text: str = ""
    parts: tuple[RecordPart, ...] = ()
    scope: str = "title only"
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """'pubmed.xml record 2 (PMID 91234502)': how messages name this record."""
        ids = [f"PMID {self.pmid}" if self.pmid else "", f"DOI {self.doi}" if self.doi else ""]
        ident = next((i for i in ids if i), "no PMID or DOI")
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} record {self.index} ({ident})"

    def finish(self, builder: TextBuilder) -> ParsedRecord:
        """Take the text and parts from a builder and set the scope."""
        self.text, self.parts = builder.text, tuple(builder.parts)
        kinds = {p.kind for p in self.parts}
        self.scope = (
            "full text"
            if kinds & {"body", "table"}
            else ("abstract" if "abstract" in kinds else "title only")
        )
        return self


def norm_doi(doi: str | None) -> str | None:
    """A DOI without resolver prefix or trailing '[doi]', lower case."""
    if not doi:
        return None
    d = re.sub(r"\s*\[doi\]\s*$", "", doi.strip(), flags=re.IGNORECASE)
    d = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", d, flags=re.IGNORECASE)
    d = d.rstrip(".,; ").lower()
    return d if d.startswith("10.") else None


def norm_pmid(pmid: str | None) -> str | None:
    """Digits of a PMID, or None."""
    m = re.search(r"\d{1,9}", pmid or "")
    return m.group() if m else None


def norm_pmcid(pmcid: str | None) -> str | None:
    """'PMC123' form of a PMCID, or None."""
    m = re.search(r"(?:PMC)?(\d+)", (pmcid or "").strip(), re.IGNORECASE)
    return f"PMC{m.group(1)}" if m and pmcid and pmcid.strip() else None


def expand_pages(pages: str | None) -> str | None:
    """'310-8' -> '310-318' (MEDLINE abbreviates the last page); others unchanged."""
    m = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", pages or "")
    if not m:
        return pages or None
    a, b = m.groups()
    if len(b) < len(a) and int(a[: len(a) - len(b)] + b) >= int(a):
        b = a[: len(a) - len(b)] + b
    return f"{a}-{b}"


def year_of(text: str | None) -> int | None:
    """The first four-digit year in a date string."""
    m = re.search(r"(?:19|20)\d{2}", text or "")
    return int(m.group()) if m else None
