"""What every reading pass shares: the records of a reading, character classes, line patterns,
and lines and blocks of text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import Claim, Problem, ReferenceEntry, Section
from kb.schema import CLAIM_KINDS, FACTUAL_KINDS  # noqa: F401  (re-exported)

PREAMBLE_TITLE = "Preamble"


REFERENCES_TITLE = "References"


@dataclass(frozen=True)
class DocumentDate:
    """The document's own date (YYYY-MM-DD) and where it was read: header, effective-line,
    dateline or signature, with the line it came from."""

    value: str
    source: str
    text: str
    start: int


@dataclass(frozen=True)
class Reading:
    """Everything read from one document: sections, claims, reference entries, problems."""

    document: str
    sections: tuple[Section, ...]
    claims: tuple[Claim, ...]
    entries: tuple[ReferenceEntry, ...]
    problems: tuple[Problem, ...]
    file: str = "<text>"
    text: str = field(default="", repr=False)  # the text read, for line numbers and anchors
    date: DocumentDate | None = None
    style: str = "numeric"  # how markers name entries: 'numeric' | 'author-year'
    notes: tuple[str, ...] = ()  # which reading was chosen where the text was ambiguous, and why

    @property
    def factual_claims(self) -> tuple[Claim, ...]:
        """Claims that state something (sentences, list items, captions)."""
        return tuple(c for c in self.claims if c.kind in FACTUAL_KINDS)


@dataclass(frozen=True)
class Marker:
    """A citation marker found in the text: its span, the reference numbers, its style."""

    text: str
    start: int
    end: int
    refs: tuple[int, ...]
    style: str  # 'superscript' | 'caret' | 'html' | 'bracket' | 'paren' | 'author-year'
    unmatched: tuple[str, ...] = ()  # author-year names no entry fits ("Smith 2020")


@dataclass(frozen=True)
class ReferenceList:
    """Where a document's reference list is and how it splits into numbered entries."""

    start: int  # start of the heading line, or of the first entry when there is no heading
    end: int
    heading: str | None
    entries: tuple[tuple[int, int, int], ...]  # (number, start, end) of each entry after its label
    numbered: bool = True  # False: an alphabetical list; numbers are positions from 1


@dataclass
class _Item:
    """A laid-out piece of the body before sentence splitting."""

    kind: str  # 'prose' | 'list' | 'caption' | 'letterhead' | 'salutation' | 'signature'
    start: int
    end: int


@dataclass(frozen=True)
class Layout:
    """Sections (title, start, end) and items of a document, before sentences are split."""

    sections: tuple[tuple[str, int, int], ...]
    items: tuple[tuple[str, int, int], ...]
    headings: tuple[tuple[int, int], ...]
    references: ReferenceList | None


# --- character classes and line patterns ---------------------------------------------------
_SUPS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


_SUP_DIGITS = str.maketrans(_SUPS, "0123456789")


_EXTRA_WS = "\u200b\ufeff"


_TERMINALS = ".!?:"


_BULLET_RE = re.compile(
    r"(?:[-–—•·▪◦●○■□►»✓➢]|\*(?=\s)|o(?=\s)|\d{1,3}[.)](?=\s)|[a-z][.)](?=\s)"
    r"|\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)(?=\s))\s+"
)


# Bullets that may also begin a wrapped line of running text ("o", "(a)", "1.", "-").
_WEAK_BULLET_RE = re.compile(r"(?:[-–—*o]|\d{1,3}[.)]|[a-z][.)]|\([^)]*\))\s")


_CAPTION_RE = re.compile(
    r"(?:Figure|Fig\.?|Table|Chart|Exhibit|Graph|Box)\s+\d+[A-Za-z]?\s*[:.|–—-]", re.IGNORECASE
)


_CLOSING_RE = re.compile(
    r"(?:sincerely(?: yours)?|respectfully(?: submitted| yours)?|regards|best regards|kind regards|"
    r"warm regards|warmest regards|with regards|yours (?:truly|sincerely|faithfully)|cordially|"
    r"best wishes|best|thank you)\s*[,.]?",
    re.IGNORECASE,
)


_SALUTATION_RE = re.compile(r"(?:dear\b|to whom it may concern|greetings\b)", re.IGNORECASE)


_REF_HEADING_RE = re.compile(
    r"(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:references?(?: cited)?|bibliography|works cited|"
    r"literature cited|cited literature|citations|sources|endnotes|notes|footnotes|"
    r"reference list)\s*(?:\*\*|__)?\s*:?",
    re.IGNORECASE,
)


_PAGE_RE = re.compile(
    r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-", re.IGNORECASE
)


_LETTERHEADISH_RE = re.compile(
    r"\d|@|www\.|\.(?:org|com|net|gov|edu)\b|^(?:re|subject|to|from|date|cc|attn)\s*:|,$",
    re.IGNORECASE,
)


_MD_HEADING_RE = re.compile(r"#{1,6}\s+\S")


_SUBJECT_RE = re.compile(r"(?:re|subject|to|from|date|cc|attn)\s*:", re.IGNORECASE)


_ENTRY_START_RE = re.compile(
    r"(?:\[(?P<a>\d{1,4})\]|(?P<b>\d{1,4})[.)](?=\s|$)|(?P<c>\d{1,4})(?=\s+[A-Z*\"“])"
    r"|(?P<d>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}))\s*"
)


_PROSE_END_RE = re.compile(
    r"[.!?][\"'”’)\]*]*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹,⁻]+|\^\{[^}\n]*\}|\[\d[^\]\n]*\])?(?=\s|$)"
)


_TRAILING_MARKS_RE = re.compile(
    r"(?:[\s⁰¹²³⁴⁵⁶⁷⁸⁹,⁻\"'”’)\]*]|\^\{[^}\n]*\}|\[\d[^\]\n]*\]|\(\d[\d,\s–-]*\))+$"
)


_MARKERISH_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]|\^\{?\d|<sup>|\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]")


# --- lines and blocks ---------------------------------------------------------------------------
def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Move a span's ends inward past whitespace (and zero-width spaces)."""
    while s < e and (text[s].isspace() or text[s] in _EXTRA_WS):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _EXTRA_WS):
        e -= 1
    return s, e


def _lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every line of text[start:end] as a stripped span; blank lines come out as (s, s)."""
    end = len(text) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        s, e = _strip_span(text, pos, stop)
        out.append((s, e) if s < e else (pos, pos))
        pos = stop + 1
    return out


def _blocks(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines separated by blank lines; lone page numbers count as blank."""
    blocks: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for s, e in _lines(text, start, end):
        if s == e or _PAGE_RE.fullmatch(text, s, e):
            if cur:
                blocks.append(cur)
                cur = []
            continue
        cur.append((s, e))
    if cur:
        blocks.append(cur)
    return blocks


def _ends_terminal(text: str, s: int, e: int) -> bool:
    """True when text[s:e] ends a sentence (., !, ?, :), ignoring trailing markers and quotes."""
    tail = text[max(s, e - 80) : e]
    m = _TRAILING_MARKS_RE.search(tail)
    if m:
        tail = tail[: m.start()]
    return bool(tail) and tail[-1] in _TERMINALS


# Contact details of a letterhead: a phone number, a US state and ZIP code, "Tel." or "Ave.".
_CONTACT_RE = re.compile(
    r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
    r"|\b(?:Tel|Fax|Phone|Ph|Ave|St|Rd|Blvd|Ste)\.(?=\s|$)"
)


def _is_prose(text: str, block: list[tuple[int, int]]) -> bool:
    """A paragraph of running text: six words or more with a sentence end."""
    s, e = block[0][0], block[-1][1]
    chunk = text[s:e]
    if _SUBJECT_RE.match(chunk):
        return False  # "Re: ..." subject lines belong to the letterhead
    if all(le - ls < 100 for ls, le in block) and _CONTACT_RE.search(chunk):
        return False  # short lines with an address or phone number: letterhead, not prose
    if len(chunk.split()) < 6:
        return False
    if all(le - ls < 60 and not _ends_terminal(text, ls, le) for ls, le in block):
        return False  # short lines none of which ends a sentence: a letterhead or a title block
    return bool(_PROSE_END_RE.search(chunk))


def _heading_like(line: str) -> bool:
    """A short standalone line without a final period: a section heading."""
    if not line or len(line) > 200 or len(line.split()) > 30:
        return False
    if not any(c.isalpha() for c in line):
        return False
    if line[-1] in ".,;:!" or _MARKERISH_RE.search(line):
        return False
    if line[-1] == "?" and (len(line.split()) > 12 or not line[0].isupper()):
        return False  # "What does the evidence show?" is a heading; a long question is not
    numbered = re.match(r"(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*|[A-H])\.\s+(?=[A-Z])", line)
    if re.search(r"[.!?]\s+[A-Z]", line[numbered.end() if numbered else 0 :]):
        return False  # two sentences; "II. Background" is a numbered heading
    return not (_BULLET_RE.match(line) or _CAPTION_RE.match(line))


def _is_continuation(text: str, item: _Item, s: int, e: int) -> bool:
    """A block that carries on the previous paragraph across a blank line or page break."""
    if item.kind not in ("prose", "list") or _ends_terminal(text, item.start, item.end):
        return False
    if _BULLET_RE.match(text, s, e):
        return False
    c = text[s]
    if c.islower():
        return True
    return c in "([" and s + 1 < e and text[s + 1].islower()


def _heading_title(text: str, s: int, e: int) -> str:
    """A heading's title without markdown decoration."""
    return text[s:e].strip().lstrip("#").strip().strip("*_").strip()
