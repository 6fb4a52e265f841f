"""Reference lists for reference managers: BibTeX, RIS, CSL-JSON and AMA text."""

from __future__ import annotations

from typing import Any

import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.export.common import cited_of, json_text, one_line, strip_braces, works_for
from kb.export.tables import doi_link, md_cell, pmid_link
from kb.model import KnowledgeBase, Work
from kb.store import bibtex_text
from kb.views.cite import format_ama, from_letter_remark, from_letter_words

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_number(month: str | None) -> int | None:
    """'Feb', 'february', '2' -> 2; anything else -> None."""
    if not month:
        return None
    m = month.strip().lower()
    if m.isdigit() and 1 <= int(m) <= 12:
        return int(m)
    return MONTHS.index(m[:3]) + 1 if m[:3] in MONTHS else None


def split_name(name: str) -> dict[str, str]:
    """'Doe, Jane' -> {family, given}; a name without a comma is kept whole as a literal."""
    name = one_line(strip_braces(name))
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    return {"literal": name}


# ---------------------------------------------------------------------------------------
# BibTeX


def references_bibtex(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph | None = None,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """Works (cited by a document, or all) as BibTeX written by bibtexparser 2."""
    return bibtex_text(works_for(kb, document))


# ---------------------------------------------------------------------------------------
# RIS

RIS_TYPES = {
    "journal-article": "JOUR",
    "book-chapter": "CHAP",
    "guideline": "RPRT",
    "coding-document": "GEN",
    "note": "GEN",
}


def ris_record(work: Work) -> dict[str, Any]:
    """A work as a rispy record (keys are rispy's field names)."""
    rtype = RIS_TYPES.get(work.kind, "GEN")
    if work.kind == "guideline" and work.journal:
        rtype = "JOUR"
    rec: dict[str, Any] = {"type_of_reference": rtype, "id": work.citekey}
    if work.authors:
        rec["authors"] = [one_line(strip_braces(a)) for a in work.authors]
    rec["title"] = one_line(work.title)
    container = work.journal or work.booktitle
    if container:
        rec["secondary_title"] = one_line(container)
    if work.journal:
        rec["journal_name"] = one_line(work.journal)
    if work.publisher:
        rec["publisher"] = one_line(work.publisher)
    if work.year:
        rec["year"] = str(work.year)
    if work.volume:
        rec["volume"] = work.volume
    if work.number:
        rec["number"] = work.number
    if work.pages:
        start, _, end = work.pages.replace("\u2013", "-").partition("-")
        rec["start_page"] = start.strip()
        if end.strip("- "):
            rec["end_page"] = end.strip("- ")
    if work.doi:
        rec["doi"] = work.doi
    if work.pmid:
        rec["accession_number"] = work.pmid
    urls = [u for u in (doi_link(work.doi), pmid_link(work.pmid), work.url) if u]
    if urls:
        rec["urls"] = urls
    notes = []
    if work.sponsor:
        notes.append(f"Sponsor: {one_line(work.sponsor)}")
    notes.append("Record read" if work.verified else "Cited only, record not read")
    remark = from_letter_remark(work)
    if remark:  # RIS cannot mark a field: the note says which ones the record did not show
        notes.append(remark)
    if work.note:
        notes.append(one_line(work.note))
    rec["notes"] = notes
    return rec


def references_ris(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph | None = None,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """Works (cited by a document, or all) as RIS, written by rispy (CRLF, no record numbers)."""
    import rispy

    class _Writer(rispy.RisWriter):
        NEWLINE = "\r\n"

        def set_header(self, count: int) -> str:
            """No '1.' line before each record: plain RIS starts with TY."""
            return ""

    records = [ris_record(w) for w in works_for(kb, document)]
    return rispy.dumps(records, implementation=_Writer) if records else ""


# ---------------------------------------------------------------------------------------
# CSL-JSON

CSL_TYPES = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "guideline": "report",
    "coding-document": "document",
    "note": "document",
}


def csl_item(work: Work) -> dict[str, Any]:
    """A work as a CSL-JSON item; project fields go under `custom`."""
    ctype = CSL_TYPES.get(work.kind, "document")
    if work.kind == "guideline" and work.journal:
        ctype = "article-journal"
    item: dict[str, Any] = {
        "id": work.citekey,
        "citation-key": work.citekey,
        "type": ctype,
        "title": one_line(strip_braces(work.title)),
    }
    if work.authors:
        item["author"] = [split_name(a) for a in work.authors]
    container = work.journal or work.booktitle
    if container:
        item["container-title"] = one_line(strip_braces(container))
    if work.publisher:
        item["publisher"] = one_line(strip_braces(work.publisher))
    if work.year:
        parts = [work.year]
        month = month_number(work.month)
        if month:
            parts.append(month)
        item["issued"] = {"date-parts": [parts]}
    for key, value in (
        ("volume", work.volume),
        ("issue", work.number),
        ("page", work.pages),
        ("DOI", work.doi),
        ("PMID", work.pmid),
        ("PMCID", work.pmcid),
        ("URL", work.url),
    ):
        if value:
            item[key] = one_line(value)
    remark = from_letter_remark(work)
    note = " ".join(x for x in (f"{remark}." if remark else "", one_line(work.note or "")) if x)
    if note:  # `note` is what reference managers show (Zotero's Extra): it names those fields
        item["note"] = note
    custom: dict[str, Any] = {"kind": work.kind, "verified": work.verified}
    if work.sponsor:
        custom["sponsor"] = one_line(work.sponsor)
    if work.unconfirmed:
        custom["unconfirmed"] = list(work.unconfirmed)
        custom["from_letter"] = from_letter_words(work.unconfirmed)
    item["custom"] = custom
    return item


def references_csl_json(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph | None = None,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """Works (cited by a document, or all) as a CSL-JSON array."""
    return json_text([csl_item(w) for w in works_for(kb, document)])


# ---------------------------------------------------------------------------------------
# AMA list


def ama_lines(kb: KnowledgeBase, document: str | None) -> list[tuple[str, str, str | None]]:
    """(number, citation, link) for a document's list (its own numbering) or all works."""
    if document is None:
        return [
            (str(i), format_ama(w), doi_link(w.doi) or pmid_link(w.pmid))
            for i, w in enumerate(works_for(kb, None), start=1)
        ]
    works_for(kb, document)
    out = []
    for c in cited_of(kb, document):
        if c.work is None:
            out.append(
                (str(c.number), f"(not in the knowledge base) {one_line(c.entry.raw)}", None)
            )
        else:
            out.append(
                (str(c.number), format_ama(c.work), doi_link(c.work.doi) or pmid_link(c.work.pmid))
            )
    return out


def references_ama_text(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph | None = None,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """A numbered AMA reference list as plain text."""
    return "".join(f"{n}. {one_line(text)}\n" for n, text, _ in ama_lines(kb, document))


def references_ama_markdown(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph | None = None,
    fc: FactCheck | None = None,
    document: str | None = None,
) -> str:
    """A numbered AMA reference list as Markdown, with DOI or PubMed links."""
    title = f"References: {document}" if document else "References"
    lines = [f"# {md_cell(title)}", ""]
    for n, text, link in ama_lines(kb, document):
        item = md_cell(text)
        if link:
            item += f" <{link}>"
        lines.append(f"{n}. {item}")
    return "\n".join(lines) + "\n"
