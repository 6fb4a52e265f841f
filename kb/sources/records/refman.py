"""MEDLINE (.nbib, biopython's Bio.Medline), RIS (rispy), BibTeX (bibtexparser) and CSL-JSON."""

from __future__ import annotations

import io
import json
import re

import bibtexparser
import rispy
from Bio import Medline

from kb.sources.records.common import (
    ParsedRecord,
    RecordError,
    TextBuilder,
    add_abstract,
    clean,
    expand_pages,
    norm_doi,
    norm_pmcid,
    norm_pmid,
    year_of,
)


def _finish(rec: ParsedRecord, abstract: str | None) -> ParsedRecord:
    b = TextBuilder()
    b.add("title", "TITLE", rec.title)
    add_abstract(b, abstract or "")
    return rec.finish(b)


def _line_starts(text: str, pattern: str) -> list[int]:
    """1-based lines where each record starts (for messages)."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(pattern, text, re.MULTILINE)]


def read_medline(text: str, file: str) -> list[ParsedRecord]:
    """MEDLINE display format (PubMed 'Save as PubMed/MEDLINE', .nbib)."""
    out = []
    lines = _line_starts(text, r"^PMID-")
    for i, r in enumerate(Medline.parse(io.StringIO(text)), start=1):
        rec = ParsedRecord("medline", file, i, line=lines[i - 1] if i <= len(lines) else None)
        rec.pmid = norm_pmid(r.get("PMID"))
        rec.title = clean(r.get("TI")).rstrip(".")
        rec.authors = tuple(r.get("AU", ())) or tuple(r.get("CN", ()) if "CN" in r else ())
        rec.journal = clean(r.get("TA") or r.get("JT")) or None
        rec.year = year_of(r.get("DP"))
        parts = (r.get("DP") or "").split()
        rec.month = parts[1] if len(parts) > 1 else None
        rec.volume, rec.issue = r.get("VI"), r.get("IP")
        rec.pages = expand_pages(r.get("PG"))
        for aid in list(r.get("AID", ())) + [r.get("LID", "")]:
            if aid.endswith("[doi]"):
                rec.doi = rec.doi or norm_doi(aid)
        rec.pmcid = norm_pmcid(r.get("PMC")) if r.get("PMC") else None
        rec.types = tuple(r.get("PT", ()))
        out.append(_finish(rec, r.get("AB")))
    return out


def read_ris(text: str, file: str) -> list[ParsedRecord]:
    """RIS from a reference manager (rispy)."""
    try:
        entries = rispy.loads(text)
    except (OSError, ValueError) as exc:  # rispy's errors for a bad structure
        raise RecordError(file, f"not readable as RIS ({exc})") from None
    lines = _line_starts(text, r"^TY  -")
    out = []
    for i, e in enumerate(entries, start=1):
        rec = ParsedRecord("ris", file, i, line=lines[i - 1] if i <= len(lines) else None)
        rec.title = clean(e.get("title") or e.get("primary_title")).rstrip(".")
        rec.authors = tuple(_initials(a) for a in e.get("authors", []) + e.get("first_authors", []))
        rec.journal = (
            clean(e.get("journal_name") or e.get("alternate_title3") or e.get("secondary_title"))
            or None
        )
        rec.year = year_of(e.get("year") or e.get("publication_year") or e.get("date"))
        rec.volume, rec.issue = e.get("volume"), e.get("number")
        sp, ep = e.get("start_page"), e.get("end_page")
        rec.pages = f"{sp}-{ep}" if sp and ep else sp
        rec.doi = norm_doi(e.get("doi"))
        db = (e.get("name_of_database") or "").lower()
        an = e.get("accession_number")
        if an and ("pubmed" in db or "medline" in db):
            rec.pmid = norm_pmid(an)
        out.append(_finish(rec, e.get("abstract")))
    return out


def _initials(name: str) -> str:
    """'Farrow, Jonah L.' -> 'Farrow JL' (the MEDLINE form the resolver expects)."""
    if "," not in name:
        return clean(name)
    last, given = (clean(p) for p in name.split(",", 1))
    initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
    return f"{last} {initials}".strip()


def read_bibtex(text: str, file: str) -> list[ParsedRecord]:
    """BibTeX with abstracts (raw values kept; braces dropped for the text)."""
    lib = bibtexparser.parse_string(text)
    out = []
    for i, entry in enumerate(lib.entries, start=1):
        f = {fl.key.lower(): _unbrace(str(fl.value)) for fl in entry.fields}
        rec = ParsedRecord("bibtex", file, i, line=entry.start_line + 1)
        rec.extra["key"] = entry.key
        rec.title = clean(f.get("title")).rstrip(".")
        rec.authors = tuple(
            _initials(a) for a in re.split(r"\s+and\s+", f.get("author", "")) if a.strip()
        )
        rec.journal = f.get("journal") or None
        rec.year = year_of(f.get("year"))
        rec.month = f.get("month")
        rec.volume, rec.issue = f.get("volume"), f.get("number")
        rec.pages = f.get("pages", "").replace("--", "-") or None
        rec.doi, rec.pmid = norm_doi(f.get("doi")), norm_pmid(f.get("pmid"))
        rec.pmcid = norm_pmcid(f.get("pmcid")) if f.get("pmcid") else None
        out.append(_finish(rec, f.get("abstract")))
    for block in lib.failed_blocks:
        out.append(
            ParsedRecord("bibtex", file, len(out) + 1, line=block.start_line + 1, extra={
                "failed": f"malformed BibTeX entry ({type(block).__name__}): not read"
            })
        )  # fmt: skip
    return out


def _unbrace(value: str) -> str:
    """Outer and inner braces of a BibTeX value dropped; '$\\pm$' read as '±'."""
    v = value.replace("$\\pm$", "±").replace("\\pm", "±").replace("\\%", "%")
    return clean(v.replace("{", "").replace("}", ""))


def read_csl(text: str, file: str) -> list[ParsedRecord]:
    """CSL-JSON (a list of items, or one item) with abstracts."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(file, f"malformed JSON ({exc.msg})", exc.lineno) from None
    items = data if isinstance(data, list) else [data]
    out = []
    for i, it in enumerate(items, start=1):
        rec = ParsedRecord("csl-json", file, i)
        if not isinstance(it, dict):
            rec.extra["failed"] = "not a CSL item (expected an object)"
            out.append(rec)
            continue
        rec.extra["key"] = it.get("id")
        rec.title = clean(it.get("title")).rstrip(".")
        authors = []
        for a in it.get("author", []) or []:
            if a.get("literal"):
                authors.append(clean(a["literal"]))
            elif a.get("family"):
                authors.append(_initials(f"{a['family']}, {a.get('given', '')}"))
        rec.authors = tuple(authors)
        rec.journal = clean(it.get("container-title-short") or it.get("container-title")) or None
        parts = (it.get("issued") or {}).get("date-parts") or [[]]
        rec.year = int(parts[0][0]) if parts and parts[0] else None
        rec.volume, rec.issue = it.get("volume"), it.get("issue")
        rec.pages = it.get("page")
        rec.doi, rec.pmid = norm_doi(it.get("DOI")), norm_pmid(it.get("PMID"))
        rec.pmcid = norm_pmcid(it.get("PMCID")) if it.get("PMCID") else None
        out.append(_finish(rec, it.get("abstract")))
    return out
