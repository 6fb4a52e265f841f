"""The document's own date: from its header, an effective/revised line, a press-release dateline
or the signature block; never from a date inside the argument ("On January 9, 2014, CMS ...")."""

from __future__ import annotations

import re

from kb.reading.lines import DocumentDate, Layout, _lines

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTH = r"(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\.?"


_DATE_RES = (
    re.compile(
        _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<mnum>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d{2})\b"),
)


_EFFECTIVE_RE = re.compile(
    r"(?<!next )(?<!planned )(?<!scheduled )"  # a next review is no date of this document
    r"(?:(?:policy\s+)?(?:original\s+)?effective(?:\s+date)?|(?:last\s+)?(?:revised|reviewed|review|"
    r"updated|revision)(?:\s+(?:date|on))?|date (?:of )?(?:issue|revised|reviewed)"
    r"|issued|approved|approval date)\b",
    re.IGNORECASE,
)


_DATE_LABEL_RE = re.compile(
    r"(?:date|dated|date of letter|sent|published|posted|publication date|released)\b\s*:?",
    re.IGNORECASE,
)


_NOT_THIS_DATE_RE = re.compile(
    r"\b(?:next|planned|scheduled|expir\w*|until|through|sunset|due|deadline|comments? due)\b", re.I
)


_SIGNED_RE = re.compile(r"(?:dated|signed|date)\s*:", re.IGNORECASE)


# "Approved by the Board of Directors ... on September 12, 2024."
_APPROVED_RE = re.compile(
    r"(?:approved|adopted|endorsed|ratified|signed)\b.{0,160}$", re.IGNORECASE | re.DOTALL
)


_MEMO_RE = re.compile(r"(to|from|subject|memo(?:randum)? (?:to|for))\s*:", re.IGNORECASE)


# "WASHINGTON, March 3, 2025 /PRNewswire/ --", "CHICAGO (March 3, 2025) --", "Boston — May 2, 2025"
_DATELINE_RE = re.compile(
    r"(?:FOR IMMEDIATE RELEASE\W*)?[A-Z][A-Za-z .'-]{1,40}(?:,\s*[A-Z][A-Za-z. ]{1,20})?"
    r"\s*(?:,|\(|[-–—]{1,2})\s*(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+(?:19|20)\d{2})\s*\)?"
    r"\s*(?:/[^/\n]{1,40}/)?\s*(?:[-–—]{1,2}|:)"
)


def parse_date(s: str) -> tuple[str, int, int] | None:
    """The first full date in s as (YYYY-MM-DD, start, end), or None."""
    best = None
    for rx in _DATE_RES:
        m = rx.search(s)
        if not m:
            continue
        if m.groupdict().get("month"):
            word = m.group("month").lower()
            month = next((v for k, v in _MONTHS.items() if k.startswith(word[:3])), 0)
        else:
            month = int(m.group("mnum"))
        day, year = int(m.group("day")), int(m.group("year"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if best is None or m.start() < best[1]:
            best = (f"{year:04d}-{month:02d}-{day:02d}", m.start(), m.end())
    return best


def _date_only(line: str) -> str | None:
    """A line that is a date and little else ("June 2, 2025", "Date: 2025-06-02")."""
    if _NOT_THIS_DATE_RE.search(line):
        return None  # "Next Review Date: 01/15/2026", "Expires June 1, 2026"
    m = _DATE_LABEL_RE.match(line)
    rest = line[m.end() :] if m else line
    hit = parse_date(rest)
    if hit is None:
        return None
    value, a, b = hit
    if m and a <= 2:
        return value  # "Posted May 20, 2025 by the Advocacy Committee"
    leftover = (rest[:a] + rest[b:]).strip(" ,.;:-–—")
    return value if len(leftover.split()) <= 3 and not re.search(r"\d", leftover) else None


def document_date(text: str, lay: Layout) -> DocumentDate | None:
    """The document's date and where it came from, or None (unknown).

    In order: a line of the header that is only a date (or "Date: ..."), an effective / revised /
    reviewed line of the header, a press-release dateline opening the first paragraph, a date
    line of the signature block. Dates inside sentences are never taken.
    """
    body_start = next((s for k, s, _ in lay.items if k == "prose"), len(text))
    head_end = min(body_start, len(text))
    head_lines = [(s, e) for s, e in _lines(text, 0, head_end) if s < e]
    for s, e in head_lines:
        line = text[s:e]
        m = _EFFECTIVE_RE.match(line)
        if m:
            hit = parse_date(line[m.end() :])
            if hit and len(line) < 120:
                return DocumentDate(hit[0], "effective-line", line, s)
        value = _date_only(line)
        if value:
            labels = {
                m.group(1).lower() for a, b in head_lines if (m := _MEMO_RE.match(text, a, b))
            }
            memo = {"to", "from"} <= labels
            return DocumentDate(value, "memo-header" if memo else "header", line, s)
    prose = [(s, e) for k, s, e in lay.items if k in ("prose", "list", "caption")]
    stop = lay.references.start if lay.references is not None else len(text)
    pi = 0
    for s, e in _lines(text, 0, stop):
        while pi < len(prose) and prose[pi][1] <= s:
            pi += 1
        if s == e or (pi < len(prose) and prose[pi][0] <= s < prose[pi][1]):
            continue  # dates inside running text are the argument's, not the document's
        line = text[s:e]
        m = _EFFECTIVE_RE.search(line)
        if m and m.start() < 30 and len(line) < 120:
            hit = parse_date(line[m.end() :])
            if hit:
                return DocumentDate(hit[0], "effective-line", line, s)
    for start in [s for k, s, _ in lay.items if k == "prose"][:3]:
        m = _DATELINE_RE.match(text, start, min(len(text), start + 160))
        if m:
            hit = parse_date(m.group("date"))
            if hit:
                return DocumentDate(hit[0], "dateline", m.group().strip(), start)
    for kind, s, e in lay.items:
        if kind == "signature":
            value = _date_only(text[s:e])
            if value:
                return DocumentDate(value, "signature", text[s:e], s)
    # a signature block the layout did not see: "Dated: April 4, 2025" under the names, or a
    # closing "Approved by the Board ... on September 12, 2024." just before the references
    for s, e in reversed([x for x in _lines(text, 0, stop) if x[0] < x[1]]):
        line = text[s:e]
        if _SIGNED_RE.match(line) and _date_only(line):
            return DocumentDate(_date_only(line) or "", "signature", line, s)
    last = [(k, s, e) for k, s, e in lay.items if k == "prose" and e <= stop]
    if last:
        _, s, e = last[-1]
        m = _APPROVED_RE.match(text, s, e)
        hit = parse_date(text[s:e]) if m and e - s < 250 else None
        if hit:
            return DocumentDate(hit[0], "signature", text[s:e], s)
    return None
