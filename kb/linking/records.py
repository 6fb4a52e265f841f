"""Tie an imported record to a work: by DOI, PMID or PMCID first; report conflicting fields.

A record that names the same identifier as a work but disagrees on the title (or on another
identifier) is a *conflict*: it is reported and not attached, since it may be another article.
Smaller differences (year, volume, pages) are reported and the work's value is kept; nothing is
ever overwritten silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from kb.linking.resolve import normalise_doi, normalise_title, surname
from kb.model import Work

TITLE_SAME = 90.0
_STOP = frozenset({"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "versus", "vs"})


@dataclass(frozen=True)
class Conflict:
    """A field on which a record and a work disagree; `blocking` ones stop the attachment."""

    field: str
    record_value: str
    work_value: str
    blocking: bool


class WorkIndex:
    """Works by DOI, PMID and PMCID; grows as records create new works."""

    def __init__(self, works: Mapping[str, Work]):
        self.doi: dict[str, str] = {}
        self.pmid: dict[str, str] = {}
        self.pmcid: dict[str, str] = {}
        self.works: dict[str, Work] = {}
        for key in sorted(works):
            self.add(works[key])

    def add(self, w: Work) -> None:
        """Index a work (the first work holding an identifier keeps it)."""
        self.works[w.citekey] = w
        if normalise_doi(w.doi):
            self.doi.setdefault(normalise_doi(w.doi), w.citekey)
        if w.pmid:
            self.pmid.setdefault(w.pmid.strip(), w.citekey)
        if w.pmcid:
            self.pmcid.setdefault(w.pmcid.strip().upper(), w.citekey)

    def match(self, doi: str | None, pmid: str | None, pmcid: str | None) -> tuple[str, str] | None:
        """(citekey, how) of the work with this DOI, PMID or PMCID, in that order."""
        if doi and normalise_doi(doi) in self.doi:
            return self.doi[normalise_doi(doi)], f"DOI {doi}"
        if pmid and pmid in self.pmid:
            return self.pmid[pmid], f"PMID {pmid}"
        if pmcid and pmcid.upper() in self.pmcid:
            return self.pmcid[pmcid.upper()], f"PMCID {pmcid}"
        return None


def _first_page(pages: str | None) -> str | None:
    m = re.match(r"\s*([A-Za-z]?\d+)", pages or "")
    return m.group(1) if m else None


def conflicts(rec, w: Work) -> list[Conflict]:
    """Fields on which a parsed record and a work disagree (only where both give a value)."""
    out: list[Conflict] = []
    ta, tb = normalise_title(rec.title), normalise_title(w.title)
    if ta and tb and fuzz.token_sort_ratio(ta, tb) < TITLE_SAME:
        out.append(Conflict("title", rec.title, w.title, True))
    for fld, a, b in (
        ("doi", normalise_doi(rec.doi), normalise_doi(w.doi)),
        ("pmid", rec.pmid, (w.pmid or "").strip() or None),
        ("pmcid", rec.pmcid, (w.pmcid or "").strip().upper() or None),
    ):
        if a and b and a != b:
            out.append(Conflict(fld, a, b, True))
    if rec.year and w.year and rec.year != w.year:
        out.append(Conflict("year", str(rec.year), str(w.year), False))
    if rec.volume and w.volume and str(rec.volume).strip() != str(w.volume).strip():
        out.append(Conflict("volume", str(rec.volume), str(w.volume), False))
    pa, pb = _first_page(rec.pages), _first_page(w.pages)
    if pa and pb and pa != pb:
        out.append(Conflict("pages", rec.pages or "", w.pages or "", False))
    if rec.authors and w.authors:
        sa, sb = surname(rec.authors[0]), surname(w.authors[0])
        if sa and sb and sa != sb and fuzz.ratio(sa, sb) < 85:
            out.append(Conflict("first author", rec.authors[0], w.authors[0], False))
    return out


def make_citekey(rec, taken: set[str], tried: dict[str, int] | None = None) -> str:
    """'halvorsen2027percutaneous': first author's surname, year, first content word of the
    title; a letter is added when the key is taken.

    `tried` (kept by the caller across calls whose `taken` only grows) remembers, per base
    key, how many letters were found taken already, so many records with one base key (one
    trial's papers) cost time in proportion to their number, not its square."""
    author = surname(rec.authors[0]) if rec.authors else None
    author = re.sub(r"[^a-z]", "", (author or "anon").lower()) or "anon"
    words = [w for w in normalise_title(rec.title).split() if w not in _STOP and w.isalpha()]
    base = f"{author}{rec.year or ''}{words[0] if words else 'record'}"
    n = tried.get(base, 0) if tried is not None else 0
    key = _suffixed(base, n)
    while key in taken:
        n += 1
        key = _suffixed(base, n)
    if tried is not None:
        tried[base] = n
    return key


def _suffixed(base: str, n: int) -> str:
    """The base key with its n-th letter suffix (none, a..z, aa..zz, ...)."""
    if n == 0:
        return base
    return base + "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
