"""Take a letter apart: sections, claims, citation markers and its numbered reference list.

Everything here is a pure function of the text. Offsets always point into the original text:
``text[claim.start:claim.end] == claim.text`` for every claim, and likewise for citations,
sections and numbers. Each pass is a left-to-right scan, so reading is linear in text length.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from kb.model import Citation, Claim, Problem, ReferenceEntry, Section
from kb.reading.entries import (
    find_reference_list,
    parse_reference_entry,
    split_reference_entries,
)
from kb.reading.layout import layout
from kb.reading.lines import (
    CLAIM_KINDS,
    FACTUAL_KINDS,
    PREAMBLE_TITLE,
    REFERENCES_TITLE,
    Layout,
    Marker,
    Reading,
    ReferenceList,
    _strip_span,
)
from kb.reading.markers import expand_refs, find_markers
from kb.reading.numbers import MAX_NUMBERS, count_numbers, find_numbers, written_value
from kb.reading.sentences import split_sentences
from kb.schema import NUMBER_KINDS
from kb.text import LineIndex


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


def _claims(
    doc_id: str,
    text: str,
    lay: Layout,
    sections: Sequence[Section],
    paren: bool | None,
    crowded: list[tuple[int, int]] | None = None,
) -> tuple[tuple[Claim, ...], list[Marker]]:
    """Claims with citations and numbers, plus every marker found.

    A sentence with more than MAX_NUMBERS numbers is not searched for them; its (start, count)
    goes to `crowded` so the caller can say so.
    """
    factual_spans = [(s, e) for kind, s, e in lay.items if kind in ("prose", "list", "caption")]
    markers = find_markers(text, factual_spans, paren=paren)
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
                        f"{cid}.m{len(cits) + 1}", doc_id, cid, mk.text, mk.refs, mk.start, mk.end
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
    lay = layout(text)
    paren = True if lay.references and lay.references.entries else None
    return _claims(doc_id, text, lay, _section_records(doc_id, lay), paren)[0]


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


def _entry_problems(entry: ReferenceEntry, previous: int, file: str, line: int) -> list[Problem]:
    """Warnings for an entry: a gap in the numbering, or text that did not parse as a citation.

    A short footnote is a legitimate entry (its title is its text), not a parse failure: whether
    it names a work is for resolution to say.
    """
    fld = f"ref {entry.number}"
    out = []
    if entry.number != previous + 1:
        msg = f"reference list skips from {previous} to {entry.number}"
        out.append(Problem(file, line, fld, msg, "warning"))
    if entry.year is None and not is_note_entry(entry):
        msg = f"could not parse reference entry (no year found); raw text kept: {entry.raw[:80]!r}"
        out.append(Problem(file, line, fld, msg, "warning"))
    elif not entry.title:
        msg = f"could not parse reference entry (no title found); raw text kept: {entry.raw[:80]!r}"
        out.append(Problem(file, line, fld, msg, "warning"))
    return out


def read_document(doc_id: str, text: str, file: str = "<text>") -> Reading:
    """Read a document into sections, claims (with citations and numbers), entries, problems."""
    lay = layout(text)
    sections = _section_records(doc_id, lay)
    refs = lay.references
    paren = True if refs and refs.entries else None
    crowded: list[tuple[int, int]] = []
    claims, _ = _claims(doc_id, text, lay, sections, paren, crowded)
    lines = LineIndex(text)
    problems: list[Problem] = [
        Problem(
            file,
            lines.line(start),
            "numbers",
            f"this sentence holds {count} numbers; its numbers are not read (at most "
            f"{MAX_NUMBERS} in one sentence)",
        )
        for start, count in crowded
    ]
    entries: list[ReferenceEntry] = []
    previous = 0
    # split_reference_entries only accepts rising numbers, so entry ids are unique.
    for number, s, e in refs.entries if refs else ():
        entry = parse_reference_entry(text[s:e], number, doc_id, s, e)
        problems.extend(_entry_problems(entry, previous, file, lines.line(s)))
        previous = number
        entries.append(entry)
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
    return Reading(doc_id, sections, claims, tuple(entries), tuple(problems), file, text)


__all__ = [
    "CLAIM_KINDS",
    "FACTUAL_KINDS",
    "MAX_NUMBERS",
    "NUMBER_KINDS",
    "PREAMBLE_TITLE",
    "REFERENCES_TITLE",
    "Layout",
    "Marker",
    "Reading",
    "ReferenceList",
    "expand_refs",
    "find_markers",
    "find_numbers",
    "find_reference_list",
    "is_note_entry",
    "layout",
    "parse_reference_entry",
    "read_document",
    "split_claims",
    "split_reference_entries",
    "split_sections",
    "split_sentences",
    "written_value",
]
