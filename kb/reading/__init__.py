"""Take a letter apart: sections, claims, citation markers and its numbered reference list.

Everything here is a pure function of the text. Offsets always point into the original text:
``text[claim.start:claim.end] == claim.text`` for every claim, and likewise for citations,
sections and numbers. Each pass is a left-to-right scan, so reading is linear in text length.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from kb.model import Citation, Claim, Problem, ReferenceEntry, Section
from kb.reading.dates import document_date, parse_date
from kb.reading.entries import (
    author_year_key,
    entry_key,
    entry_kind,
    find_reference_list,
    first_surname,
    parse_reference_entry,
    split_reference_entries,
    split_unnumbered_entries,
    year_suffix,
)
from kb.reading.layout import layout
from kb.reading.lines import (
    CLAIM_KINDS,
    FACTUAL_KINDS,
    PREAMBLE_TITLE,
    REFERENCES_TITLE,
    DocumentDate,
    Layout,
    Marker,
    Reading,
    ReferenceList,
    _strip_span,
)
from kb.reading.markers import (
    AuthorYearEntry,
    AuthorYearIndex,
    expand_refs,
    find_author_year,
    find_markers,
)
from kb.reading.numbers import MAX_NUMBERS, count_numbers, find_numbers, written_value
from kb.reading.sentences import split_sentences
from kb.schema import NUMBER_KINDS
from kb.text import LineIndex, words


# --- sections and claims ------------------------------------------------------------------------
def _section_records(doc_id: str, lay: Layout) -> tuple[Section, ...]:
    """Section records numbered from 01 in document order."""
    return tuple(
        Section(f"{doc_id}:s{i:02d}", doc_id, title, s, e)
        for i, (title, s, e) in enumerate(lay.sections, 1)
    )


def split_sections(doc_id: str, text: str) -> tuple[Section, ...]:
    """The document's sections: a preamble (if any), one per heading, then the references."""
    return _section_records(doc_id, layout(text))


def _factual_spans(lay: Layout) -> list[tuple[int, int]]:
    """Spans of running text, list items and captions: where citation markers stand."""
    return [(s, e) for kind, s, e in lay.items if kind in ("prose", "list", "caption")]


def _claims(
    doc_id: str,
    text: str,
    lay: Layout,
    sections: Sequence[Section],
    paren: bool | None,
    markers: list[Marker] | None = None,
    crowded: list[tuple[int, int]] | None = None,
) -> tuple[tuple[Claim, ...], list[Marker]]:
    """Claims with citations and numbers, plus every marker found (or the markers given).

    A sentence with more than MAX_NUMBERS numbers is not searched for them; its (start, count)
    goes to `crowded` so the caller can say so.
    """
    if markers is None:
        markers = find_markers(text, _factual_spans(lay), paren=paren)
    pieces: list[tuple[str, int, int]] = []
    mi = 0
    for kind, s, e in lay.items:
        if kind == "prose":
            while mi < len(markers) and markers[mi].start < s:
                mi += 1
            mj = mi
            while mj < len(markers) and markers[mj].start < e:
                mj += 1
            pieces.extend(
                ("sentence", a, b) for a, b in split_sentences(text, s, e, markers[mi:mj])
            )
        else:
            kind = {"list": "list-item"}.get(kind, kind)
            a, b = _strip_span(text, s, e)
            if a < b:
                pieces.append((kind, a, b))
    pieces.sort(key=lambda p: p[1])
    starts = [sec.start for sec in sections]
    counters: dict[str, int] = {}
    claims: list[Claim] = []
    mi = 0
    for kind, s, e in pieces:
        sec = sections[max(0, bisect_right(starts, s) - 1)]
        counters[sec.id] = counters.get(sec.id, 0) + 1
        cid = f"{sec.id}.c{counters[sec.id]:02d}"
        cits: list[Citation] = []
        if kind in FACTUAL_KINDS:
            while mi < len(markers) and markers[mi].start < s:
                mi += 1
            k = mi
            while k < len(markers) and markers[k].end <= e:
                mk = markers[k]
                cits.append(
                    Citation(
                        f"{cid}.m{len(cits) + 1}",
                        doc_id,
                        cid,
                        mk.text,
                        mk.refs,
                        mk.start,
                        mk.end,
                        mk.unmatched,
                    )
                )
                k += 1
            mi = k
            count = count_numbers(text, s, e)
            if count > MAX_NUMBERS:
                numbers = ()
                if crowded is not None:
                    crowded.append((s, count))
            else:
                numbers = tuple(
                    find_numbers(text[s:e], offset=s, exclude=[(c.start, c.end) for c in cits])
                )
        else:
            numbers = ()
        refs = tuple(sorted({n for c in cits for n in c.refs}))
        claims.append(Claim(cid, doc_id, sec.id, text[s:e], s, e, kind, refs, tuple(cits), numbers))
    return tuple(claims), markers


def split_claims(doc_id: str, text: str) -> tuple[Claim, ...]:
    """Every claim of the document (all kinds), with citations and numbers."""
    return read_document(doc_id, text).claims


# --- the whole document -------------------------------------------------------------------------
def is_note_entry(entry: ReferenceEntry) -> bool:
    """A short footnote such as "Based on trocar diameter.": no authors, journal, year or digits."""
    return (
        not entry.authors
        and not entry.journal
        and entry.year is None
        and len(entry.raw.split()) <= 15
        and not any(c.isdigit() for c in entry.raw)
    )


def _entry_problems(
    entry: ReferenceEntry, previous: int, file: str, line: int, numbered: bool = True
) -> list[Problem]:
    """Warnings for an entry: a gap in the numbering, or text that did not parse as a citation.

    A short footnote is a legitimate entry (its title is its text), not a parse failure: whether
    it names a work is for resolution to say.
    """
    fld = f"ref {entry.number}"
    out = []
    if numbered and entry.number != previous + 1:
        msg = f"reference list skips from {previous} to {entry.number}"
        out.append(Problem(file, line, fld, msg, "warning"))
    if entry.year is None and not is_note_entry(entry):
        msg = f"could not parse reference entry (no year found); raw text kept: {entry.raw[:80]!r}"
        out.append(Problem(file, line, fld, msg, "warning"))
    elif not entry.title:
        msg = f"could not parse reference entry (no title found); raw text kept: {entry.raw[:80]!r}"
        out.append(Problem(file, line, fld, msg, "warning"))
    return out


def _author_year_index(entries: Sequence[ReferenceEntry]) -> AuthorYearIndex:
    """The entries as author-year citations name them."""
    out = []
    for e in entries:
        first = first_surname(e)
        if not first or e.year is None:
            continue
        second = None
        if len(e.authors) > 1:
            other = replace(e, authors=e.authors[1:])
            second = words(first_surname(other) or "") or None
        out.append(
            AuthorYearEntry(e.number, entry_key(e), words(first), second, e.year, year_suffix(e))
        )
    return AuthorYearIndex(out)


def _choose_markers(
    text: str, lay: Layout, entries: Sequence[ReferenceEntry]
) -> tuple[list[Marker], str, list[str]]:
    """The document's markers, its citation style and, where the text allowed two readings,
    which one was chosen and why."""
    refs = lay.references
    spans = _factual_spans(lay)
    notes: list[str] = []
    if refs is not None and not refs.numbered:
        found = find_author_year(text, spans, _author_year_index(entries))
        tied = sum(1 for m in found if m.refs)
        notes.append(
            f"citation style: author-year, because the reference list ({len(entries)} entries) "
            f"is unnumbered; {len(found)} author-year citation(s) read, {tied} tied to entries"
        )
        return found, "author-year", notes
    paren = True if refs and refs.entries else None
    numeric = find_markers(text, spans, paren=paren, listed=len(entries) if refs else None)
    if refs is not None and entries:
        author_year = find_author_year(text, spans, _author_year_index(entries))
        tied = [m for m in author_year if m.refs]
        if len(tied) > len(numeric):
            notes.append(
                f"citation style: author-year, although the reference list is numbered: "
                f"{len(tied)} author-year citation(s) name its entries and only {len(numeric)} "
                "numeric marker(s) were found"
            )
            return tied, "author-year", notes
    styles = sorted({m.style for m in numeric})
    if "paren" in styles and len(styles) > 1:
        shown = ", ".join(m.text for m in numeric if m.style == "paren")
        notes.append(
            f"citation style: mixed ({', '.join(styles)}); parenthesised numbers {shown} read as "
            "markers because they name entries of the numbered list that no other marker names"
        )
    elif "paren" in styles:
        why = (
            "the document has a numbered reference list"
            if paren
            else "they run as a citation sequence from (1)"
        )
        notes.append(
            f"citation style: parenthesised numbers such as {numeric[0].text} read as citation "
            f"markers ({len(numeric)} found), because the text uses no bracketed or superscript "
            f"markers and {why}; numbers after 'n =', 'Figure', 'p', a year, or opening a list "
            "item are not markers"
        )
    elif numeric:
        notes.append(f"citation style: numeric ({', '.join(styles)} markers)")
    return numeric, "numeric", notes


def read_document(doc_id: str, text: str, file: str = "<text>") -> Reading:
    """Read a document into sections, claims (with citations and numbers), entries, problems,
    its date and its citation style."""
    lay = layout(text)
    sections = _section_records(doc_id, lay)
    refs = lay.references
    lines = LineIndex(text)
    problems: list[Problem] = []
    entries: list[ReferenceEntry] = []
    previous = 0
    numbered = refs.numbered if refs else True
    keys: set[str] = set()
    # split_reference_entries only accepts rising numbers, so entry ids are unique.
    for number, s, e in refs.entries if refs else ():
        entry = parse_reference_entry(text[s:e], number, doc_id, s, e)
        if not numbered:
            key = author_year_key(entry)
            if key is not None and key not in keys:
                keys.add(key)
                entry = replace(entry, key=key)
        problems.extend(_entry_problems(entry, previous, file, lines.line(s), numbered))
        previous = number
        entries.append(entry)
    markers, style, notes = _choose_markers(text, lay, entries)
    crowded: list[tuple[int, int]] = []
    claims, _ = _claims(doc_id, text, lay, sections, None, markers, crowded)
    # sentences too crowded to read numbers in come first, as before entries were read first
    problems[:0] = [
        Problem(
            file,
            lines.line(start),
            "numbers",
            f"this sentence holds {count} numbers; its numbers are not read (at most "
            f"{MAX_NUMBERS} in one sentence)",
        )
        for start, count in crowded
    ]
    for hs, he in lay.headings:
        for mk in find_markers(text, [(hs, he)]):
            problems.append(
                Problem(
                    file,
                    lines.line(mk.start),
                    "marker",
                    f"citation marker {mk.text!r} in a heading belongs to no claim",
                    "info",
                )
            )
    date = document_date(text, lay)
    return Reading(
        doc_id,
        sections,
        claims,
        tuple(entries),
        tuple(problems),
        file,
        text,
        date,
        style,
        tuple(notes),
    )


__all__ = [
    "CLAIM_KINDS",
    "FACTUAL_KINDS",
    "MAX_NUMBERS",
    "NUMBER_KINDS",
    "PREAMBLE_TITLE",
    "REFERENCES_TITLE",
    "DocumentDate",
    "Layout",
    "Marker",
    "Reading",
    "ReferenceList",
    "author_year_key",
    "document_date",
    "entry_key",
    "entry_kind",
    "expand_refs",
    "find_author_year",
    "find_markers",
    "find_numbers",
    "find_reference_list",
    "is_note_entry",
    "layout",
    "parse_date",
    "parse_reference_entry",
    "read_document",
    "split_claims",
    "split_reference_entries",
    "split_sections",
    "split_sentences",
    "split_unnumbered_entries",
    "written_value",
]
