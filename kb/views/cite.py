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


def format_ama(work: Work) -> str:
    """One AMA-style citation; fields the record lacks are left out, never guessed."""
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
    return " ".join(parts)


def doi_url(work: Work) -> str | None:
    """The resolver link for a work's DOI, if it has one."""
    return f"https://doi.org/{work.doi}" if work.doi else None


def pubmed_url(work: Work) -> str | None:
    """The PubMed link for a work's PMID, if it has one."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/" if work.pmid else None
