"""The reference list: where it stands, how it splits into entries, and each entry parsed.

One module on purpose (over 500 lines): one entry parser for every citation style (Vancouver,
AMA, APA, MLA, numbered or alphabetical, non-article sources); the styles share their patterns.
"""

from __future__ import annotations

import re

from kb.model import ReferenceEntry
from kb.reading.lines import (
    _ENTRY_START_RE,
    _REF_HEADING_RE,
    _SUP_DIGITS,
    ReferenceList,
    _lines,
    _strip_span,
)
from kb.text import split_name


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


_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b")


# The start of an alphabetical entry: "Deer, T. R.", "Deer TR,", "van Zundert, J.", or an
# organisation followed by a period ("Centers for Medicare & Medicaid Services. (2014).").
_AUTHOR_START_RE = re.compile(
    r"(?:(?:van|von|de|der|den|del|della|da|di|du|la|le|St\.)\s+)*[A-Z][\w'’.-]*"
    r"(?:[ -][A-Z][\w'’-]+)*(?:,\s+(?:[A-Z]\.|[A-Z][a-z]+)|\s+[A-Z]{1,3}[,.]|\s+et al\b)"
    r"|[A-Z][\w.&'’ ,()-]{2,160}?\.\s+(?:\(\s*(?:19|20)\d{2}|(?:19|20)\d{2}\b|[A-Z0-9\"“])"
    r"|[A-Z][\w.&'’ ,-]{2,160}?\s\((?:19|20)\d{2}[a-z]?\)"  # "American Academy (2020)."
)


def _is_heading_stop(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """A short title line after a blank line that ends the reference list ("Coding")."""
    s, e = lines[i]
    if s == e or i == 0 or lines[i - 1][0] != lines[i - 1][1]:
        return False
    line = text[s:e]
    if len(line.split()) > 6 or line[-1] in ".,;:" or any(c.isdigit() for c in line):
        return False
    if not line[0].isupper() or text[s - 1] not in "\n":
        return False  # indented: a wrapped entry line, not a heading
    nxt = next((j for j in range(i + 1, len(lines)) if lines[j][0] != lines[j][1]), None)
    return nxt is None or nxt > i + 1 or not _ENTRY_START_RE.match(text, *lines[nxt])


def _list_end(text: str, start: int) -> int:
    """Where a reference list that starts at `start` ends: a later heading or the text's end."""
    lines = _lines(text, start)
    for i in range(1, len(lines)):
        if _is_heading_stop(text, lines, i):
            return lines[i][0]
    return len(text)


def split_unnumbered_entries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Entries of an alphabetical list: by hanging indent, by blank lines, or one per line
    (a line that does not end an entry, or starts in lower case, carries the previous one on)."""
    lines = _lines(text, start, end)
    body = [(s, e) for s, e in lines if s < e]
    if not body:
        return []

    def indented(s: int) -> bool:
        return s > 0 and text[s - 1] in " \t"

    spans: list[list[int]] = []
    if any(indented(s) for s, _ in body) and not all(indented(s) for s, _ in body):
        for s, e in body:
            if indented(s) and spans:
                spans[-1][1] = e
            else:
                spans.append([s, e])
    else:
        blank_before = True
        for s, e in lines:
            if s == e:
                blank_before = True
                continue
            prev_ends = bool(spans) and (
                text[spans[-1][1] - 1] in ".)"
                or re.search(r"\S+://\S+$|10\.\d+/\S+$", text[spans[-1][0] : spans[-1][1]])
            )
            starts = bool(_AUTHOR_START_RE.match(text, s, e)) and not text[s].islower()
            # an entry goes on until it has its year ("...decompression.\n\nPain Proced Q. 2012")
            dated = bool(spans) and bool(_YEAR_RE.search(text, spans[-1][0], spans[-1][1]))
            if not spans or (starts and dated and (prev_ends or blank_before)):
                spans.append([s, e])
            else:
                spans[-1][1] = e
            blank_before = False
    out: list[tuple[int, int]] = []
    for s, e in spans:
        # two APA entries run together on one line (a PDF that joined them): split before the
        # second author list and its "(2019)."
        cuts = [m.end() for m in _APA_JOIN_RE.finditer(text, s, e)]
        for a, b in zip([s, *cuts], [*cuts, e], strict=True):
            a, b = _strip_span(text, a, b)
            if a < b and (_YEAR_RE.search(text, a, b) or b - a > 20):
                out.append((a, b))
    return out


_APA_JOIN_RE = re.compile(
    r"(?:(?<=[a-z0-9)\]]\.)|(?<=\d))\s+(?=(?:(?:[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*,\s+"
    r"(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)(?:,?\s*&\s*|,\s+|\s+and\s+)?)+|[A-Z][\w.&'’ ]{3,80}\.\s+)"
    r"\(\s*(?:19|20)\d{2}[a-z]?\s*\)\.)"
)


def _unnumbered_list(text: str, hs: int, he: int, title: str) -> ReferenceList | None:
    """An alphabetical list under a heading: at least two entries that begin with an author."""
    end = _list_end(text, he)
    spans = split_unnumbered_entries(text, he, end)
    if len(spans) < 2:
        return None
    authored = sum(1 for s, e in spans if _AUTHOR_START_RE.match(text, s, e))
    dated = sum(1 for s, e in spans if _YEAR_RE.search(text, s, e))
    if authored * 2 < len(spans) or dated * 2 < len(spans):
        return None
    entries = tuple((i, s, e) for i, (s, e) in enumerate(spans, 1))
    return ReferenceList(hs, end, title, entries, numbered=False)


def find_reference_list(text: str) -> ReferenceList | None:
    """The reference list: after the last "References"-like heading followed by numbered
    entries, or else a trailing run of numbered lines starting at 1 that look like citations,
    or else an alphabetical (author-year) list under such a heading. A short title line after
    the list ("Coding", "Policy History") ends it."""
    lines = [(s, e) for s, e in _lines(text) if s < e]
    heading_at = None
    unnumbered_at = None
    for i, (s, e) in enumerate(lines):
        if _REF_HEADING_RE.fullmatch(text, s, e):
            nxt = lines[i + 1 : i + 4]
            if any(_ENTRY_START_RE.match(text, a, b) for a, b in nxt):
                heading_at = i
            elif nxt and _AUTHOR_START_RE.match(text, *nxt[0]):
                unnumbered_at = i
    if heading_at is not None:
        hs, he = lines[heading_at]
        end = _list_end(text, he)
        entries = split_reference_entries(text, he, end)
        if entries:
            title = text[hs:he].strip().lstrip("#").strip().strip("*_:").strip()
            return ReferenceList(hs, end, title, tuple(entries))
    # No heading: a trailing run of numbered lines beginning at 1.
    first = None
    for s, e in lines:
        m = _ENTRY_START_RE.match(text, s, e)
        if m and m.group("d") is None and _entry_number(m) == 1:
            first = s
    found = None
    if first is not None:
        entries = split_reference_entries(text, first)
        span_lines = sum(1 for s, e in lines if s >= first)
        with_year = sum(1 for _, s, e in entries if re.search(r"\b(?:19|20)\d{2}\b", text[s:e]))
        # too much unnumbered text after "1." is a numbered list, not references
        if len(entries) >= 2 and span_lines <= 4 * len(entries) and with_year * 2 >= len(entries):
            found = ReferenceList(first, len(text), None, tuple(entries))
    if found is None and unnumbered_at is not None:
        hs, he = lines[unnumbered_at]
        title = text[hs:he].strip().lstrip("#").strip().strip("*_:").strip()
        found = _unnumbered_list(text, hs, he, title)
    return found


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


_URL_RE = re.compile(r"https?://[^\s<>\"]+|\bwww\.[^\s<>\"]+\.[a-z]{2,}[^\s<>\"]*")


_ORG_WORDS_RE = re.compile(
    r"\b(?:Centers?|Society|Association|Administration|Agency|Institute|Department|College|"
    r"Academy|Organi[sz]ation|Foundation|Panel|Council|Commission|Services|Group|Inc|LLC|Ltd|"
    r"Corporation|Medicare|Medicaid|CMS|FDA|Board|Committee|Office|University|Hospital|Coalition|"
    r"Alliance|Network|Federation|Consortium|Authority|Ministry|Bureau|Registry|Plan|Health|"
    r"Medical|Company|Blue Cross|Blue Shield|Collaborative|Task Force|Working Group|Technologies|"
    r"Therapeutics|Pharmaceuticals|Sciences|Systems|Devices|Laboratories|Labs)\b"
)


_ORG_HEAD_RE = re.compile(r"((?:U\.S\.|[^.])+?)\.\s+(?=[A-Z0-9\"“(])")


def _organisation(head: str) -> str | None:
    """An author that is an organisation ("Centers for Medicare & Medicaid Services."), or None
    when the head names people ("Deer, T. R., & Staats, P.") or holds digits."""
    head = head.strip().rstrip(".,").strip()
    if not head or any(c.isdigit() for c in head) or len(head.split()) > 14:
        return None
    if not _ORG_WORDS_RE.search(head) or re.search(r",\s*(?:[A-Z]\.\s*){1,3}(?:,|&|$)", head):
        return None
    return head


_KIND_RULES = (
    (
        "coding-document",
        r"\b(?:CPT|HCPCS|ICD-?1[01](?:-CM)?|code descriptors?|coding (?:guide|manual))\b",
    ),
    (
        "press-release",
        r"\b(?:press release|news release|PR ?Newswire|Business ?Wire|GlobeNewswire)\b",
    ),
    (
        "regulatory",
        (
            r"\b(?:Centers for Medicare|CMS\b|Food and Drug Administration|FDA\b|510\(k\)|"
            r"decision memo|Federal Register|National Coverage Determination|Local Coverage "
            r"Determination|premarket|Summary of Safety and Effectiveness|"
            r"Code of Federal Regulations|\d+ CFR\b|Social Security Act)"
        ),
    ),
    (
        "guideline",
        (
            r"\b(?:guidelines?|position statement|consensus statement|practice parameter|"
            r"recommendations? for|appropriate[- ]use criteria)\b"
        ),
    ),
    ("book-chapter", r"\bIn:?\s+(?:[A-Z][^.]{0,80}\((?:Eds?|eds?)\.?\)|[A-Z])|\(Eds?\.\)"),
    (
        "report",
        (
            r"\b(?:report to (?:the )?congress|technical report|issue brief|white paper|"
            r"evidence (?:review|report)|technology assessment|data brief|annual report|report|"
            r"comparative effectiveness review|evidence synthesis|review no\.)"
        ),
    ),
)


def entry_kind(
    raw: str,
    authors: tuple[str, ...],
    title: str | None,
    journal: str | None,
    year: int | None,
    volume: str | None,
    url: str | None,
) -> str:
    """What an entry cites: journal-article, book-chapter, guideline, report, regulatory,
    press-release, web-page, coding-document or note (a footnote: no author, journal or year)."""
    for kind, pat in _KIND_RULES:
        if kind == "coding-document" and (volume or authors and not _organisation(authors[0])):
            continue
        if kind == "guideline":
            if title and re.search(pat, title, re.IGNORECASE):
                return kind  # a consensus guideline is one even when a journal printed it
            continue
        if kind in ("report", "regulatory", "book-chapter") and volume:
            continue  # published in a journal: an article, whatever it is about
        if re.search(pat, raw, re.IGNORECASE if kind in ("report", "guideline") else 0):
            return kind
    if url and not volume:
        return "web-page"
    if not authors and not year and not journal:
        return "note"
    if authors and not volume and _organisation(authors[0]):
        return "report"  # an organisation's own publication, not in a journal
    return "journal-article"


# MLA: Author, First, and First Last. "Title." Container, vol. 3, no. 2, 2015, pp. 1-9.
_MLA_RE = re.compile(
    r"(?P<auth>[^\"“”]{2,200}?)\s*[“\"](?P<title>[^\"“”]{5,400}?)[.,]?[”\"]\s*(?P<rest>.*)"
)


def _mla_entry(
    mla: re.Match,
    plain: str,
    text: str,
    number: int,
    doc_id: str,
    start: int | None,
    end: int | None,
    doi: str | None,
    pmid: str | None,
) -> ReferenceEntry:
    """An MLA entry: authors before the quoted title, then container, volume, number, year."""
    head = mla.group("auth").strip().rstrip(".").strip()
    org = _organisation(head)
    if org:
        authors: tuple[str, ...] = (org,)
    else:
        head = _ETAL_RE.sub("", head).strip(" ,")
        parts = [p.strip() for p in re.split(r",\s*and\s+|\s+and\s+", head) if p.strip()]
        authors = tuple(parts)
    rest = mla.group("rest")
    journal = _clean(rest.split(",", 1)[0]) if rest else None
    year_m = re.search(
        r"(?:^|,\s*|\s)(?:[A-Z][a-z]{2,8}\.?\s+)?((?:19|20)\d{2})[a-z]?(?=[,.]|$)", rest
    )
    vol = re.search(r"\bvol\.\s*(\w+)", rest)
    iss = re.search(r"\bno\.\s*(\w+)", rest)
    pages = re.search(r"\bpp?\.\s*([\w-]+(?:[-–]\w+)?)", rest)
    url_m = _URL_RE.search(text)
    url = url_m.group(0).rstrip(".,;)]") if url_m else None
    year = int(year_m.group(1)) if year_m else None
    title = _clean(mla.group("title"))
    volume = vol.group(1) if vol else None
    kind = entry_kind(text, authors, title, journal, year, volume, url)
    return ReferenceEntry(
        id=f"{doc_id}:ref{number:02d}",
        document=doc_id,
        number=number,
        raw=text,
        start=start,
        end=end,
        authors=authors,
        title=title,
        journal=journal if journal and not _URL_RE.match(journal) else None,
        year=year,
        volume=volume,
        issue=iss.group(1) if iss else None,
        pages=pages.group(1) if pages else None,
        doi=doi,
        pmid=pmid,
        kind=kind,
        url=url,
    )


_APA_JOURNAL_RE = re.compile(
    r"(?P<title>.+?[^A-Z])[.?!]\s+(?P<journal>[A-Z][^.,;]{2,120}?),\s*(?P<vol>\d+)\s*"
    r"(?:\((?P<iss>[^()]{1,20})\))?\s*,\s*(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)"
)


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
        r"|\bPMCID\s*:?\s*PMC\d+\.?|\bAvailable (?:from|at):?"
        r"|\b(?:Last )?(?:[Aa]ccessed|[Rr]etrieved|[Cc]ited)(?: on)? [^.;\]]{3,30}\d{4}\.?",
        " ",
        text,
    )
    work = re.sub(r"\s*\[[^\]]{0,80}\]", "", work)  # "[Updated 2024 Jan 30]", "[Internet]"
    plain, italics = _plain_with_italics(work)
    plain = re.sub(r"\.{2,}", ".", plain) if not italics else plain

    mla = _MLA_RE.match(plain)
    if mla:
        return _mla_entry(mla, plain, text, number, doc_id, start, end, doi, pmid)

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
        head = plain[: apa.start()]
        org = _organisation(head)
        authors = (org,) if org else _split_authors(head)
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
    else:
        org_m = _ORG_HEAD_RE.match(plain)
        org = _organisation(org_m.group(1)) if org_m else None
        if org:
            authors = (org,)
            rest_at = org_m.end()
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
            apa_m = _APA_JOURNAL_RE.match(rest) if apa is not None else None
            if apa_m:  # APA: "Title. Journal Name, 14(3), 211-222."
                title, journal = _clean(apa_m.group("title")), _clean(apa_m.group("journal"))
                volume, issue, pages = apa_m.group("vol"), apa_m.group("iss"), apa_m.group("pages")
            else:
                title = _clean(re.split(r"\.\s+(?=[A-Z])", rest, maxsplit=1)[0]) if rest else None
    if volume is None and tail_at is not None:
        t = _APA_TAIL_RE.match(plain, tail_at)
        if t:
            volume, issue, pages = t.group("vol"), t.group("iss"), t.group("pages")
    if title is None and not authors:
        title = _clean(plain)
    if title:
        # "Practice guideline: .... 2024": a year closing a title with no journal is its date
        title = _clean(re.sub(r"[.,;]\s*(?:(?:19|20)\d{2}[a-z]?|n\.d)\.?$", "", title))
    url_m = _URL_RE.search(text)
    url = url_m.group(0).rstrip(".,;)]") if url_m else None
    kind = entry_kind(text, authors, title, journal, year, volume, url)
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
        kind=kind,
        url=url,
    )


def first_surname(entry: ReferenceEntry) -> str | None:
    """The surname of the entry's first author as printed ("Deer" of "Deer, T. R." or "Deer TR"),
    or the whole name of an organisation author."""
    if not entry.authors:
        return None
    a = entry.authors[0].strip()
    if _organisation(a):
        return a
    parts = split_name(a)
    return parts[0] if parts and parts[0] else None


def year_suffix(entry: ReferenceEntry) -> str:
    """The letter after the entry's year ("2021a" -> "a"), or ''."""
    if entry.year is None:
        return ""
    m = re.search(rf"\b{entry.year}([a-z])\b", entry.raw)
    return m.group(1) if m else ""


def author_year_key(entry: ReferenceEntry) -> str | None:
    """How an author-year text cites the entry: "Deer 2019", "Lindqvist 2021a"; None without
    an author or a year."""
    name = first_surname(entry)
    if not name or entry.year is None:
        return None
    return f"{name} {entry.year}{year_suffix(entry)}"


def entry_key(entry: ReferenceEntry) -> str:
    """The entry's label: its author-year key in an alphabetical list, else its number."""
    return entry.key or str(entry.number)
