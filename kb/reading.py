"""Take a letter apart: sections, claims, citation markers and its numbered reference list.

Everything here is a pure function of the text. Offsets always point into the original text:
``text[claim.start:claim.end] == claim.text`` for every claim, and likewise for citations,
sections and numbers. Each pass is a left-to-right scan, so reading is linear in text length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.model import Citation, Claim, Problem, ReferenceEntry, Section
from kb.numbers import find_numbers

# Claim kinds. Only the first three are factual statements of the letter; the rest are kept so
# that nothing of the text silently disappears, but a consumer should filter on FACTUAL_KINDS.
FACTUAL_KINDS = ("sentence", "list-item", "caption")
CLAIM_KINDS = FACTUAL_KINDS + ("letterhead", "salutation", "signature")
PREAMBLE_TITLE = "Preamble"
REFERENCES_TITLE = "References"


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
    style: str  # 'superscript' | 'caret' | 'html' | 'bracket' | 'paren'


@dataclass(frozen=True)
class ReferenceList:
    """Where a document's reference list is and how it splits into numbered entries."""

    start: int  # start of the heading line, or of the first entry when there is no heading
    end: int
    heading: str | None
    entries: tuple[tuple[int, int, int], ...]  # (number, start, end) of each entry after its label


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
_PAGE_RE = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-", re.I)
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
    return bool(_PROSE_END_RE.search(chunk))


def _heading_like(line: str) -> bool:
    """A short standalone line without a final period: a section heading."""
    if not line or len(line) > 200 or len(line.split()) > 30:
        return False
    if not any(c.isalpha() for c in line):
        return False
    if line[-1] in ".,;:!?" or _MARKERISH_RE.search(line):
        return False
    if re.search(r"[.!?]\s+[A-Z]", line):
        return False
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


# --- layout -------------------------------------------------------------------------------------
def layout(text: str) -> Layout:
    """Find headings, the preamble, paragraphs, list items, captions, signature and references."""
    refs = find_reference_list(text)
    body_end = refs.start if refs else len(text)
    blocks = _blocks(text, 0, body_end)
    items: list[_Item] = []
    headings: list[tuple[int, int]] = []
    zone = "preamble"  # letterhead lines until the first paragraph of running text
    open_item: _Item | None = None

    def body_lines(block: list[tuple[int, int]], cur: _Item | None) -> _Item | None:
        for s, e in block:
            b = _BULLET_RE.match(text, s, e)
            if (
                b
                and cur is not None
                and cur.kind == "prose"
                and _WEAK_BULLET_RE.match(text, s, e)
                and not _ends_terminal(text, cur.start, cur.end)
            ):
                b = None  # "...Determination\n(a) for ..." is a wrapped sentence, not a list
            if b:
                cur = _Item("list", b.end(), e)
                items.append(cur)
            elif cur is not None and cur.kind in ("prose", "list"):
                cur.end = e
            else:
                cur = _Item("prose", s, e)
                items.append(cur)
        return cur

    for bi, block in enumerate(blocks):
        s0, e0 = block[0]
        first = text[s0:e0]
        if open_item is not None and _is_continuation(text, open_item, s0, e0):
            open_item = body_lines(block, open_item)
            continue
        open_item = None
        if zone == "signature":
            items.extend(_Item("signature", s, e) for s, e in block)
            continue
        if _CLOSING_RE.fullmatch(first):
            zone = "signature"
            items.extend(_Item("signature", s, e) for s, e in block)
            continue
        if _CAPTION_RE.match(first):
            zone = "body"
            items.append(_Item("caption", s0, block[-1][1]))
            continue
        if len(block) == 1 and _MD_HEADING_RE.match(first):
            headings.append((s0, e0))  # "## Evidence": explicit, even inside the letterhead
            zone = "body"
            continue
        if zone == "preamble":
            if _is_prose(text, block) or _BULLET_RE.match(first):
                zone = "body"
            else:
                nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
                if (
                    len(block) == 1
                    and _heading_like(first)
                    and not _LETTERHEADISH_RE.search(first)
                    and nxt is not None
                    and _is_prose(text, nxt)
                ):
                    headings.append((s0, e0))
                    zone = "body"
                    continue
                for s, e in block:
                    kind = "salutation" if _SALUTATION_RE.match(text, s, e) else "letterhead"
                    items.append(_Item(kind, s, e))
                continue
        if len(block) == 1 and _SALUTATION_RE.match(first) and first[-1] in ",:":
            items.append(_Item("salutation", s0, e0))
            continue
        if len(block) == 1 and _heading_like(first):
            headings.append((s0, e0))
            continue
        open_item = body_lines(block, None)

    sections: list[tuple[str, int, int]] = []
    first_heading = headings[0][0] if headings else body_end
    if any(it.start < first_heading for it in items):
        sections.append((PREAMBLE_TITLE, 0, first_heading))
    for i, (s, e) in enumerate(headings):
        stop = headings[i + 1][0] if i + 1 < len(headings) else body_end
        sections.append((_heading_title(text, s, e), s, stop))
    if refs is not None:
        sections.append((refs.heading or REFERENCES_TITLE, refs.start, len(text)))
    if not sections:
        sections.append((PREAMBLE_TITLE, 0, len(text)))
    return Layout(
        tuple(sections),
        tuple((it.kind, it.start, it.end) for it in items),
        tuple(headings),
        refs,
    )


# --- citation markers ---------------------------------------------------------------------------
_LIST = r"\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*"
_MARKER_RE = re.compile(
    r"(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻‐‑–—-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)"
    r"|\^\{\s*(?P<caret>" + _LIST + r")\s*\}"
    r"|\^(?P<caret2>\d{1,3}(?:[,–—-]\d{1,3})*)(?![\d.])"
    r"|<sup>\s*(?P<html>" + _LIST + r")\s*</sup>"
    r"|\[\s*(?P<bracket>" + _LIST + r")\s*\]"
    r"|\(\s*(?P<paren>" + _LIST + r")\s*\)"
)
_EXPONENT_WORDS = {"m", "cm", "mm", "km", "ft", "in", "s", "µm", "μm", "kg", "mol"}
_NOT_PAREN_WORDS = re.compile(
    r"\b(?:figure|fig|table|grade|level|phase|stage|type|class|category|point|step|tier|version|"
    r"equation|eq|item|appendix|section|chapter|page|pages|p|pp|vol|no|n)\.?\s*$",
    re.IGNORECASE,
)
_PAREN_FOLLOW_RE = re.compile(
    r"(?:\s*(?:[.,;:!?)\]]|$)|\s+(?:and|or|but|while|whereas|which|that|with|as|although|though|"
    r"because|since|so|yet|in|for|to|of|on|at|by|compared|versus|vs)\b)"
)


def expand_refs(spec: str) -> tuple[int, ...] | None:
    """Reference numbers of a marker body: "11,12,13", "3-5", "¹⁻³" → sorted ints; None if bad."""
    spec = spec.translate(_SUP_DIGITS)
    out: set[int] = set()
    for part in re.split(r"[,;]", spec):
        part = part.strip()
        if not part:
            return None
        bounds = re.split(r"\s*[⁻‐‑–—-]\s*", part)
        if len(bounds) == 1 and bounds[0].isdigit():
            out.add(int(bounds[0]))
        elif len(bounds) == 2 and all(b.isdigit() for b in bounds):
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo > hi or hi - lo > 50:
                return None  # "12-3" or "1-900" are not marker ranges
            out.update(range(lo, hi + 1))
        else:
            return None
    if not out or min(out) < 1:
        return None
    return tuple(sorted(out))


def _is_exponent(text: str, start: int) -> bool:
    """A superscript or caret number that is a power ("m²", "10⁶", "x²"), not a marker."""
    if start == 0:
        return False
    c = text[start - 1]
    if c in "⁻·/^×":
        return True
    if c.isdigit():
        j = start - 1
        while j > 0 and text[j - 1].isdigit():
            j -= 1
        return text[j:start] == "10" or (j > 0 and text[j - 1] in "×x*")
    if c.isalpha():
        j = start - 1
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        word = text[j:start]
        return len(word) == 1 or word in _EXPONENT_WORDS
    return False


def _paren_ok(text: str, m: re.Match, lo: int, hi: int) -> bool:
    """A "(n)" that closes a clause like a citation, not "(1) first ..." or "(516) 492"."""
    p = m.start() - 1
    if p >= lo and text[p] == " ":
        p -= 1
        if p < lo or not (text[p].isalnum() or text[p] in "%)]’'\"”®"):
            return False
    elif p < lo or text[p] not in ".,;)]”\"'":
        return False
    if _NOT_PAREN_WORDS.search(text[max(lo, p - 12) : p + 1]):
        return False
    return bool(_PAREN_FOLLOW_RE.match(text[m.end() : min(hi, m.end() + 24)]))


def find_markers(
    text: str, spans: Iterable[tuple[int, int]] | None = None, paren: bool | None = None
) -> list[Marker]:
    """Citation markers in the given spans (default: all text), sorted by position.

    Parenthesised numbers count only when the document uses no other marker style and either
    `paren` is True (the caller knows there is a reference list) or they look like a citation
    sequence (two or more, the first naming reference 1).
    """
    spans = [(0, len(text))] if spans is None else spans
    found: list[Marker] = []
    parens: list[Marker] = []
    for lo, hi in spans:
        for m in _MARKER_RE.finditer(text, lo, hi):
            kind = m.lastgroup
            body = m.group(kind)
            refs = expand_refs(body)
            if refs is None:
                continue
            if kind in ("sup", "caret", "caret2") and _is_exponent(text, m.start()):
                continue
            if kind in ("bracket", "paren") and max(refs) > 999:
                continue
            style = {"sup": "superscript", "caret2": "caret"}.get(kind, kind)
            marker = Marker(m.group(), m.start(), m.end(), refs, style)
            if kind == "paren":
                if _paren_ok(text, m, lo, hi) and max(refs) <= 300:
                    parens.append(marker)
            else:
                found.append(marker)
    if parens and not found and paren is not False:
        if paren or (len(parens) >= 2 and parens[0].refs[0] == 1):
            found = parens
    found.sort(key=lambda mk: mk.start)
    return found


# --- sentences ----------------------------------------------------------------------------------
_ALWAYS_ABBREV = {
    "al", "e.g", "eg", "i.e", "ie", "vs", "cf", "approx", "ca", "dr", "mr", "mrs", "ms", "prof",
    "st", "jr", "sr", "inc", "ltd", "corp", "co", "resp", "incl", "viz", "etc", "esp", "dept",
    "univ", "assoc", "est",
}  # fmt: skip
_DIGIT_ABBREV = {"no", "nos", "vol", "p", "pp", "fig", "figs", "ref", "refs", "eq", "ch", "sec"}
_LATEX_RE = re.compile(r"\$(?=[^$\n]{0,200}[<>=≤≥\\^_])(?![\d\s])[^$\n]{1,200}?\$")
_TRADEMARK_START_RE = re.compile(r"[a-z][\w-]*(?:®|™|\[®\]|\[™\]|\(R\)|\(TM\))")
_CLOSERS = "\"'”’)]*"


def _abbrev_before(text: str, dot: int, lo: int, nxt: str) -> bool:
    """True when the period at `dot` ends an abbreviation ("et al.", "e.g.", "Dr.", "Fig. 2")."""
    j = dot
    while j > lo and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word == "etc":
        return not nxt.isupper()  # "etc. The" ends a sentence, "etc.) may" does not
    if word in _ALWAYS_ABBREV or "." in word:
        return True
    if word in _DIGIT_ABBREV and nxt.isdigit():
        return True
    # an initial ("J. Smith"), but not the letter closing a code such as "0899T."
    return len(word) == 1 and text[j].isupper() and not (j > lo and text[j - 1].isdigit())


def _starts_sentence(text: str, n: int, end: int) -> bool:
    """Can a sentence start at n? Upper case, digits, quotes, or a lower-case trademark."""
    c = text[n]
    if c.isupper() or c.isdigit() or c in "\"'“‘([*$#¿¡":
        return True
    return c.islower() and bool(_TRADEMARK_START_RE.match(text, n, min(end, n + 60)))


def split_sentences(
    text: str, start: int = 0, end: int | None = None, markers: Sequence[Marker] = ()
) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; markers right after a period stay with its sentence."""
    end = len(text) if end is None else end
    marker_end = {m.start: m.end for m in markers if start <= m.start < end}
    latex = [(m.start(), m.end()) for m in _LATEX_RE.finditer(text, start, end)]
    li = 0
    spans: list[tuple[int, int]] = []
    cur = start
    for t in re.finditer(r"[.!?]+", text[start:end]):
        ts, te = start + t.start(), start + t.end()
        while li < len(latex) and latex[li][1] <= ts:
            li += 1
        if li < len(latex) and latex[li][0] <= ts < latex[li][1]:
            continue  # "$P < 0.001$" and the like are one token
        if ts < cur:
            continue
        j = te
        while j < end and text[j] in _CLOSERS:
            j += 1
        had_marker = False
        while True:
            k = j
            while k < end and text[k] in " \t":
                k += 1
            if k in marker_end:
                j = marker_end[k]
                had_marker = True
                continue
            break
        if j >= end:
            break
        if not text[j].isspace():
            continue  # "5.1mm", "i.e.,", "U.S.A"
        n = j
        while n < end and text[n].isspace():
            n += 1
        if n >= end:
            break
        if not _starts_sentence(text, n, end):
            continue
        if not had_marker and _abbrev_before(text, ts, start, text[n]):
            continue
        spans.append((cur, j))
        cur = n
    spans.append((cur, end))
    out = []
    for s, e in spans:
        s, e = _strip_span(text, s, e)
        if s < e:
            out.append((s, e))
    return out


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
    doc_id: str, text: str, lay: Layout, sections: Sequence[Section], paren: bool | None
) -> tuple[tuple[Claim, ...], list[Marker]]:
    """Claims with citations and numbers, plus every marker found."""
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


# --- reference list -----------------------------------------------------------------------------
def _entry_number(m: re.Match) -> int:
    """The number of an entry label match."""
    raw = m.group("a") or m.group("b") or m.group("c") or m.group("d")
    return int(raw.translate(_SUP_DIGITS))


def split_reference_entries(
    text: str, start: int, end: int | None = None
) -> list[tuple[int, int, int]]:
    """Numbered entries of a reference list: (number, start, end); unnumbered lines continue."""
    entries: list[list[int]] = []
    for s, e in _lines(text, start, end):
        if s == e:
            continue  # blank lines (page breaks) do not end an entry
        m = _ENTRY_START_RE.match(text, s, e)
        if m:
            n = _entry_number(m)
            last = entries[-1][0] if entries else None
            if last is None or n == last + 1 or last + 1 < n <= last + 5:
                entries.append([n, m.end(), e])
                continue
        if entries:
            entries[-1][2] = e
    out = []
    for n, s, e in entries:
        s, e = _strip_span(text, s, e)
        out.append((n, s, max(s, e)))
    return out


def find_reference_list(text: str) -> ReferenceList | None:
    """The reference list: after the last "References"-like heading followed by numbered
    entries, or else a trailing run of numbered lines starting at 1 that look like citations."""
    lines = [(s, e) for s, e in _lines(text) if s < e]
    heading_at = None
    for i, (s, e) in enumerate(lines):
        if _REF_HEADING_RE.fullmatch(text, s, e):
            nxt = lines[i + 1 : i + 4]
            if any(_ENTRY_START_RE.match(text, a, b) for a, b in nxt):
                heading_at = i
    if heading_at is not None:
        hs, he = lines[heading_at]
        entries = split_reference_entries(text, he)
        if entries:
            title = text[hs:he].strip().lstrip("#").strip().strip("*_:").strip()
            return ReferenceList(hs, len(text), title, tuple(entries))
    # No heading: a trailing run of numbered lines beginning at 1.
    first = None
    for s, e in lines:
        m = _ENTRY_START_RE.match(text, s, e)
        if m and m.group("d") is None and _entry_number(m) == 1:
            first = s
    if first is None:
        return None
    entries = split_reference_entries(text, first)
    if len(entries) < 2:
        return None
    span_lines = sum(1 for s, e in lines if s >= first)
    if span_lines > 4 * len(entries):
        return None  # too much unnumbered text after "1.": a numbered list, not references
    with_year = sum(1 for _, s, e in entries if re.search(r"\b(?:19|20)\d{2}\b", text[s:e]))
    if with_year * 2 < len(entries):
        return None
    return ReferenceList(first, len(text), None, tuple(entries))


_MONTHS = {
    "jan": "Jan", "january": "Jan", "feb": "Feb", "february": "Feb", "mar": "Mar",
    "march": "Mar", "apr": "Apr", "april": "Apr", "may": "May", "jun": "Jun", "june": "Jun",
    "jul": "Jul", "july": "Jul", "aug": "Aug", "august": "Aug", "sep": "Sep", "sept": "Sep",
    "september": "Sep", "oct": "Oct", "october": "Oct", "nov": "Nov", "november": "Nov",
    "dec": "Dec", "december": "Dec", "spring": "Spring", "summer": "Summer", "fall": "Fall",
    "autumn": "Autumn", "winter": "Winter",
}  # fmt: skip
_PUBDATE_RE = re.compile(
    r"(?<![\d(])(?P<year>(?:19|20)\d{2})[a-z]?(?![\d)])"
    r"(?:\s+(?P<month>[A-Z][a-z]{2,8})\.?(?:\s+(?P<day>\d{1,2})(?!\d))?)?"
    r"(?:\s*[-–/]\s*(?:[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?)?)?"
    r"(?:\s*;\s*(?P<vol>[A-Za-z]?\d+[A-Za-z]?)?\s*(?:\((?P<iss>[^()]{1,20})\))?"
    r"(?:\s*[:,]\s*(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*[-–]\s*[A-Za-z]?\d+[A-Za-z]?)?))?)?"
)
_MONTH_YEAR_RE = re.compile(r"\b(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<year>(?:19|20)\d{2})\b")
_APA_YEAR_RE = re.compile(r"\(\s*(?P<year>(?:19|20)\d{2})[a-z]?\s*\)")
_APA_TAIL_RE = re.compile(
    r"[,.]?\s*(?P<vol>\d+)\s*(?:\((?P<iss>[^()]{1,20})\))?\s*[,:]\s*"
    r"(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)"
)
_ETAL_RE = re.compile(r"\bet\.?\s*al\b\.?,?")
_DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID_RE = re.compile(r"\bPMID\s*:?\s*(\d{4,9})\b", re.IGNORECASE)
_NAME_RE = re.compile(
    r"(?:(?:van|von|de|der|den|del|della|da|di|du|la|le)\s+)*"
    r"(?=[A-Za-z'’-]*[a-z])[A-Z][A-Za-z'’-]+(?:\s+(?=[A-Za-z'’-]*[a-z])[A-Z][A-Za-z'’-]+)?"
    r",?\s+(?:[A-Z]{1,3}|(?:[A-Z]\.\s?-?){1,3})"
    r"|(?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3})\s+(?:(?:van|von|de|der|den|del|da|di|du|la|le)\s+)*"
    r"(?=[A-Za-z'’-]*[a-z])[A-Z][A-Za-z'’-]+"
)
_INITIALS_ONLY_RE = re.compile(r"(?:[A-Z]\.?\s?-?){1,4}")


def _split_authors(s: str) -> tuple[str, ...]:
    """Author names of an author string; "et al." dropped, "Chopko, B." pairs joined."""
    s = _ETAL_RE.sub("", s).strip(" ,;&")
    s = re.sub(r"(?<=[a-z])\.$", "", s)  # a final period after a surname, not after an initial
    if not s:
        return ()
    parts = [
        p.strip() for p in re.split(r"\s*[,;]\s*(?:&\s*|and\s+)?|\s+&\s+|\s+and\s+", s) if p.strip()
    ]
    out: list[str] = []
    for p in parts:
        if out and _INITIALS_ONLY_RE.fullmatch(p) and not _NAME_RE.fullmatch(out[-1]):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return tuple(out)


def _all_names(s: str) -> bool:
    """True when s is a comma-separated list of personal names ("Munakomi S, Cruz R")."""
    parts = [p.strip() for p in re.split(r"\s*,\s*|\s+&\s+|\s+and\s+", s.strip(" .")) if p.strip()]
    return bool(parts) and all(_NAME_RE.fullmatch(p) for p in parts)


def _plain_with_italics(s: str) -> tuple[str, list[tuple[int, int]]]:
    """Drop markdown emphasis (*x*, **x**, _x_), returning plain text and the emphasised spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    pos = 0
    for m in re.finditer(
        r"\*\*([^*]+)\*\*|\*([^*]+)\*|(?<![A-Za-z0-9])_([^_]+)_(?![A-Za-z0-9])", s
    ):
        before = s[pos : m.start()].replace("*", "")
        out.append(before)
        length += len(before)
        inner = (m.group(1) or m.group(2) or m.group(3)).replace("*", "")
        spans.append((length, length + len(inner)))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(s[pos:].replace("*", ""))
    return "".join(out), spans


def _clean(s: str | None) -> str | None:
    """Trim a parsed field of whitespace and edge punctuation; None when nothing is left."""
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s).strip(" .,;:*")
    return s or None


def parse_reference_entry(
    raw: str,
    number: int = 0,
    doc_id: str = "doc",
    start: int | None = None,
    end: int | None = None,
) -> ReferenceEntry:
    """Parse one entry (label already removed) into authors, title, journal, year, volume, ...

    Tolerant: fields that cannot be found stay None; the raw text (whitespace normalised) is kept.
    """
    text = re.sub(r"\s+", " ", raw).strip()
    doi_m = _DOI_RE.search(text)
    doi = doi_m.group(1).rstrip(".,;)]") if doi_m else None
    pmid_m = _PMID_RE.search(text)
    pmid = pmid_m.group(1) if pmid_m else None
    work = re.sub(
        r"\b(?:doi|DOI)\s*:?\s*10\.\S+|https?://\S+|\bPMID\s*:?\s*\d+\.?"
        r"|\bPMCID\s*:?\s*PMC\d+\.?|\bAvailable (?:from|at):?",
        " ",
        text,
    )
    work = re.sub(r"\s*\[[^\]]{0,80}\]", "", work)  # "[Updated 2024 Jan 30]", "[Internet]"
    plain, italics = _plain_with_italics(work)
    plain = re.sub(r"\.{2,}", ".", plain) if not italics else plain

    # --- year, month, volume, issue, pages
    best = None
    best_score = 0.0
    for m in _PUBDATE_RE.finditer(plain):
        month = m.group("month")
        valid_month = bool(month and month.lower() in _MONTHS)
        score = 3.0 if m.group("vol") else 2.0 if valid_month else 1.0
        if score >= best_score:
            best, best_score = m, score
    apa = _APA_YEAR_RE.search(plain)
    year = month_out = volume = issue = pages = None
    if best is not None and best_score >= 2:
        year = int(best.group("year"))
        if best.group("month") and best.group("month").lower() in _MONTHS:
            month_out = _MONTHS[best.group("month").lower()]
        volume, issue, pages = best.group("vol"), best.group("iss"), best.group("pages")
    elif apa is not None:
        year = int(apa.group("year"))
    elif best is not None:
        year = int(best.group("year"))
    if year is not None and month_out is None:
        my = _MONTH_YEAR_RE.search(plain)
        if my and my.group("month").lower() in _MONTHS and int(my.group("year")) == year:
            month_out = _MONTHS[my.group("month").lower()]

    # --- authors
    rest_at = 0
    authors: tuple[str, ...] = ()
    etal = _ETAL_RE.search(plain)
    first_stop = plain.find(". ")
    if apa is not None and apa.start() <= 300 and (etal is None or etal.start() < apa.start()):
        authors = _split_authors(plain[: apa.start()])
        rest_at = apa.end()
    elif (
        etal is not None
        and etal.start() <= 200
        and (first_stop < 0 or etal.start() < first_stop or _all_names(plain[:first_stop]))
    ):
        authors = _split_authors(plain[: etal.start()])
        rest_at = etal.end()
    elif first_stop > 0 and _all_names(plain[:first_stop]):
        authors = _split_authors(plain[:first_stop])
        rest_at = first_stop + 1
    while rest_at < len(plain) and plain[rest_at] in " .,;:":
        rest_at += 1

    # --- title and journal
    title = journal = None
    tail_at = None
    jspan = None
    for a, b in reversed(italics):
        if a >= rest_at and re.match(r"\s*[.,;:]?\s*(?:\d|\(|$)", plain[b : b + 12]):
            jspan = (a, b)
            break
    if jspan is not None:
        pre = _clean(plain[rest_at : jspan[0]])
        if pre:
            title, journal = pre, _clean(plain[jspan[0] : jspan[1]])
        else:
            title = _clean(plain[jspan[0] : jspan[1]])
        tail_at = jspan[1]
    else:
        rest = plain[rest_at:]
        in_m = re.search(r"(?:^|\.\s+)In:\s*", rest)
        if in_m:
            title = _clean(rest[: in_m.start()])
            after = rest[in_m.end() :]
            journal = _clean(re.split(r"\.\s|;", after, maxsplit=1)[0])
            tail_at = rest_at + in_m.end()
        elif best is not None and best_score >= 2 and best.start() > rest_at:
            head = plain[rest_at : best.start()].strip(" .,;")
            pieces = [p for p in re.split(r"\.\s+", head) if p.strip()]
            if len(pieces) >= 2:
                title, journal = _clean(". ".join(pieces[:-1])), _clean(pieces[-1])
            else:
                title = _clean(head)
            tail_at = best.start()
        else:
            title = _clean(re.split(r"\.\s+(?=[A-Z])", rest, maxsplit=1)[0]) if rest else None
    if volume is None and tail_at is not None:
        t = _APA_TAIL_RE.match(plain, tail_at)
        if t:
            volume, issue, pages = t.group("vol"), t.group("iss"), t.group("pages")
    if title is None and not authors:
        title = _clean(plain)
    return ReferenceEntry(
        id=f"{doc_id}:ref{number:02d}",
        document=doc_id,
        number=number,
        raw=text,
        start=start,
        end=end,
        authors=authors,
        title=title,
        journal=journal,
        year=year,
        month=month_out,
        volume=volume,
        issue=_clean(issue),
        pages=_clean(pages),
        doi=doi,
        pmid=pmid,
    )


# --- the whole document -------------------------------------------------------------------------
class _LineIndex:
    """Offset → 1-based line number, by binary search over line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """The line holding `offset`."""
        return bisect_right(self.starts, offset)


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
    claims, _ = _claims(doc_id, text, lay, sections, paren)
    lines = _LineIndex(text)
    problems: list[Problem] = []
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
