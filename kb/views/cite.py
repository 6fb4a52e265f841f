"""Format works for people: AMA-style citations and links."""

from __future__ import annotations

import re

from kb.model import Work


def ama_author(name: str) -> str:
    """'Staats, Peter S.' -> 'Staats PS'; a name without a comma is kept as written."""
    if "," not in name:
        return name.strip()
    last, first = (p.strip() for p in name.split(",", 1))
    initials = "".join(part[0].upper() for part in re.split(r"[\s.\-]+", first) if part)
    return f"{last} {initials}".strip()


def ama_authors(authors: tuple[str, ...]) -> str:
    """AMA author list: all up to six, else the first three and 'et al'."""
    if not authors:
        return ""
    names = [ama_author(a) for a in authors]
    if len(names) > 6:
        names = names[:3] + ["et al"]
    return ", ".join(names)


# BibTeX field names of `unconfirmed` (fields taken from the letter's citation) in words
FIELD_WORDS = {
    "author": "author list",
    "number": "issue",
    "journal": "journal",
    "booktitle": "book title",
    "publisher": "publisher",
    "title": "title",
    "year": "year",
    "month": "month",
    "volume": "volume",
    "pages": "pages",
}
FROM_LETTER = "from the letter's citation, not the record"


def from_letter_words(fields: tuple[str, ...] | list[str]) -> list[str]:
    """BibTeX field names in words ('number' -> 'issue'), in the order given."""
    return [FIELD_WORDS.get(f, f) for f in fields]


def ama_fields(work: Work) -> list[str]:
    """The BibTeX fields `format_ama` prints for a work, in the order it prints them."""
    out = ["author"] if work.authors else []
    out.append("title")
    out += [f for f in ("journal", "booktitle", "publisher") if getattr(work, f)][:1]
    if work.year:
        out.append("year")
        if work.volume:
            out.append("volume")
            if work.number:
                out.append("number")
        if work.pages:
            out.append("pages")
    return out


def from_letter_shown(work: Work) -> list[str]:
    """The fields `format_ama` prints that come only from the letter's citation."""
    return [f for f in ama_fields(work) if f in work.unconfirmed]


def format_ama(work: Work) -> str:
    """One AMA-style citation; fields the record lacks are left out, never guessed, and those
    taken only from the letter's citation (the work's `unconfirmed` fields) are named after it:

    >>> from kb.model import Work
    >>> format_ama(Work("k", "journal-article", "A trial", journal="J", year=2016,
    ...                 volume="19", number="2", unconfirmed=("number",)))
    "A trial. J. 2016;19(2). [Issue from the letter's citation, not the record.]"
    """
    parts: list[str] = []
    authors = ama_authors(work.authors)
    if authors:
        parts.append(authors + ".")
    title = work.title.rstrip(".")
    parts.append(title + ".")
    container = work.journal or work.booktitle or work.publisher
    locator = ""
    if work.year:
        locator = str(work.year)
        if work.volume:
            locator += f";{work.volume}"
            if work.number:
                locator += f"({work.number})"
        if work.pages:
            locator += f":{work.pages}"
    if container and locator:
        parts.append(f"{container}. {locator}.")
    elif container:
        parts.append(container + ".")
    elif locator:
        parts.append(locator + ".")
    if work.doi:
        parts.append(f"doi:{work.doi}")
    remark = from_letter_remark(work)
    if remark:
        parts.append(f"[{remark}.]")
    return " ".join(parts)


def from_letter_remark(work: Work) -> str:
    """'Issue from the letter's citation, not the record' for the printed fields the record
    did not show ('' when there are none)."""
    shown = from_letter_shown(work)
    if not shown:
        return ""
    if not work.verified and set(shown) == set(ama_fields(work)):
        return "Every detail " + FROM_LETTER + " (no record found)"
    words = from_letter_words(shown)
    said = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return said[0].upper() + said[1:] + " " + FROM_LETTER


def doi_url(work: Work) -> str | None:
    """The resolver link for a work's DOI, if it has one."""
    return f"https://doi.org/{work.doi}" if work.doi else None


def pubmed_url(work: Work) -> str | None:
    """The PubMed link for a work's PMID, if it has one."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/" if work.pmid else None
