"""Citation markers in running text: superscripts, carets, <sup>, brackets, parentheses."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from kb.reading.lines import _SUP_DIGITS, Marker
from kb.text import words

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


_ENUM_BEFORE_RE = re.compile(
    r"(?:\b(?:and|or|to|then|also|either|both|we|you|they|i|it|he|she|that|which|who|please|"
    r"will|would|should|must|shall|may|can|is|are|be|was|were|include|includes|including|"
    r"namely|first|second|third)|[:;])\s*$",
    re.IGNORECASE,
)


def _paren_ok(text: str, m: re.Match, lo: int, hi: int, listed: bool = False) -> bool:
    """A "(n)" that closes a clause like a citation, not "(1) first ..." or "(516) 492".

    With a numbered reference list (`listed`), a marker may also stand after a name and before
    the verb ("The registry (5) found"), unless it follows "and", "or", "to:" and the like,
    where it opens an enumeration ("and (2) cover ...").
    """
    p = m.start() - 1
    if p >= lo and text[p] in " \n":  # a wrapped line may begin with the marker
        p -= 1
        if p < lo or not (text[p].isalnum() or text[p] in "%)]’'\"”®" or listed and text[p] == "."):
            return False
    elif p < lo or text[p] not in ".,;)]”\"'":
        return False
    if _NOT_PAREN_WORDS.search(text[max(lo, p - 12) : p + 1]):
        return False
    after = text[m.end() : min(hi, m.end() + 24)]
    if _PAREN_FOLLOW_RE.match(after):
        return True
    if listed and re.match(r"\s+[a-z]", after) and (text[p].isalpha() or text[p] == "."):
        return not _ENUM_BEFORE_RE.search(text[max(lo, p - 12) : p + 1])
    return False


def find_markers(
    text: str,
    spans: Iterable[tuple[int, int]] | None = None,
    paren: bool | None = None,
    listed: int | None = None,
) -> list[Marker]:
    """Citation markers in the given spans (default: all text), sorted by position.

    Parenthesised numbers count when the document uses no other marker style and either
    `paren` is True (the caller knows there is a reference list) or they look like a citation
    sequence (two or more, the first naming reference 1). In a document that mixes styles, a
    parenthesised number counts when the list has `listed` entries, it names only entries up to
    that, and no other marker names them: it fills the gaps the other markers leave.
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
                if _paren_ok(text, m, lo, hi, paren is True) and max(refs) <= 300:
                    parens.append(marker)
            else:
                found.append(marker)
    if parens and not found and paren is not False:
        if paren or (len(parens) >= 2 and parens[0].refs[0] == 1):
            found = parens
    elif parens and found and paren and listed:
        named = {n for mk in found for n in mk.refs}
        found += [mk for mk in parens if max(mk.refs) <= listed and not named.intersection(mk.refs)]
    found.sort(key=lambda mk: mk.start)
    return found


# --- author-year citations ----------------------------------------------------------------------
_YEAR = r"(?:19|20)\d{2}[a-z]?"
_YEARS = _YEAR + r"(?:\s*,\s*" + _YEAR + r")*"
_PARTICLE = r"(?:(?:van|von|de|der|den|del|della|da|di|du|la|le)\s+)"
_SURNAME = _PARTICLE + r"*[A-Z][\w'’-]*[a-z][\w'’-]*"


_PAREN_GROUP_RE = re.compile(r"\(([^()]{4,400}?)\)")


_PART_RE = re.compile(
    r"\s*(?:(?:e\.g\.|i\.e\.|see also|see|cf\.|reviewed (?:in|by)|as in|for example),?\s+)?"
    r"(?P<name>[A-Z][^;]*?)\s*,?\s+(?P<years>" + _YEARS + r")"
    r"(?:\s*,\s*(?:p|pp|para|chap|ch)\.?\s*[\d–-]+)?\s*$"
)


_NARRATIVE_RE = re.compile(
    r"(?P<name>" + _SURNAME + r")"
    r"(?P<rest>\s+et\s+al\.?|\s+and\s+(?:colleagues|coworkers|co-workers|associates)"
    r"|\s+(?:and|&)\s+" + _SURNAME + r")?"
    r"(?:'s|’s)?\s*\((?P<years>" + _YEARS + r")\)"
)


_IBID_RE = re.compile(r"\(\s*(?:ibid|ibidem)\.?(?:,?\s*(?:p|pp)\.?\s*[\d–-]+)?\s*\)", re.IGNORECASE)


_NOT_NAMES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "in", "since", "from", "until", "by", "after", "before",
    "during", "fy", "cy", "the", "spring", "summer", "fall", "autumn", "winter", "year", "updated",
    "revised", "effective", "accessed", "published", "policy", "version", "table", "figure",
    "phase", "stage", "grade", "level", "type", "class", "volume", "section", "chapter",
    "appendix", "part", "cohort", "study", "trial", "group", "arm", "fig", "see", "approx",
}  # fmt: skip


_NAME_SMALL_WORDS = {
    "and", "et", "al", "of", "for", "the", "on", "in", "de", "van", "von", "der", "den", "del",
    "della", "da", "di", "du", "la", "le", "y", "e.g", "i.e", "see", "also", "cf", "&",
}  # fmt: skip


@dataclass(frozen=True)
class AuthorYearEntry:
    """What an author-year citation can name an entry by."""

    number: int
    key: str  # "Deer 2019"
    first: str  # folded first surname or organisation
    second: str | None  # folded second author's surname
    year: int
    suffix: str


class AuthorYearIndex:
    """Entries by (first author, year): the lookups author-year citations are tied with."""

    def __init__(self, entries: Iterable[AuthorYearEntry]) -> None:
        self.entries = list(entries)
        self.by_year: dict[int, list[AuthorYearEntry]] = {}
        for e in self.entries:
            self.by_year.setdefault(e.year, []).append(e)

    def find(self, name: str, year: str) -> AuthorYearEntry | None:
        """The entry a name ("Deer et al.", "Oduya and Brandt", an organisation) and a year
        ("2021b") name, or None when none or several fit."""
        y, suffix = int(year[:4]), year[4:]
        cands = self.by_year.get(y, [])
        if suffix:
            cands = [e for e in cands if e.suffix == suffix]
        folded = words(re.sub(r"\bet\.?\s*al\b\.?", "", name))
        parts = re.split(r"\s+(?:and|&)\s+|\s*&\s*", folded)
        first = parts[0].strip()
        second = parts[1].strip() if len(parts) > 1 else None
        if second in ("colleagues", "coworkers", "co workers", "associates"):
            second = None
        hits = [
            e
            for e in cands
            if e.first == first
            or e.first == folded
            or (len(first) > 3 and (e.first.endswith(" " + first) or e.first.startswith(first)))
        ]
        if len(hits) > 1 and second:
            hits = [e for e in hits if e.second == second] or hits
        if len(hits) > 1 and not suffix:
            plain = [e for e in hits if not e.suffix]
            hits = plain if len(plain) == 1 else hits
        return hits[0] if len(hits) == 1 else None


def _looks_like_name(name: str) -> bool:
    """A capitalised author or organisation name, not "In", "March" or "FY"."""
    folded = words(name).split()
    if not folded or folded[0] in _NOT_NAMES or len(name) > 120:
        return False
    if any(c.isdigit() for c in name):
        return False
    for w in re.findall(r"[^\s,;]+", name):
        if w[0].islower() and w.rstrip(".").lower() not in _NAME_SMALL_WORDS:
            return False  # "FDA approval, 2019" is no author
    # a surname or organisation in words, or an organisation's acronym ("CMS", "NICE")
    return any(c.islower() for c in name) or bool(re.fullmatch(r"[A-Z]{2,8}", name.strip(" ,")))


def find_author_year(
    text: str, spans: Iterable[tuple[int, int]], index: AuthorYearIndex
) -> list[Marker]:
    """Author-year citations: "(Deer et al., 2019; Staats 2023)", "Mekhail and colleagues
    (2012)", "(Lindqvist 2021a, 2021b)", "(ibid.)". A parenthesis whose parts all read as
    author + year is a marker even when no entry fits (its keys then name no entry)."""
    found: list[Marker] = []
    ibids: list[re.Match] = []
    for lo, hi in spans:
        taken: list[tuple[int, int]] = []
        for m in _NARRATIVE_RE.finditer(text, lo, hi):
            if words(m.group("name")).split()[0] in _NOT_NAMES:
                continue
            name = m.group("name") + (m.group("rest") or "")
            refs = []
            for y in re.findall(_YEAR, m.group("years")):
                hit = index.find(name, y)
                if hit is None:
                    refs = []
                    break
                refs.append(hit.number)
            if refs:
                found.append(
                    Marker(m.group(), m.start(), m.end(), tuple(sorted(set(refs))), "author-year")
                )
                taken.append((m.start(), m.end()))
        for m in _PAREN_GROUP_RE.finditer(text, lo, hi):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            refs, unmatched = [], []
            ok = True
            for part in m.group(1).split(";"):
                pm = _PART_RE.match(part)
                if not pm or not _looks_like_name(pm.group("name")):
                    ok = False
                    break
                for y in re.findall(_YEAR, pm.group("years")):
                    hit = index.find(pm.group("name"), y)
                    if hit is None:
                        name = re.sub(r"\s*,\s*$", "", pm.group("name"))
                        name = re.split(r"\s+et\.?\s*al\b|\s+(?:and|&)\s+", name)[0]
                        unmatched.append(f"{name.strip()} {y}")
                    else:
                        refs.append(hit.number)
            if ok and (refs or unmatched):
                found.append(
                    Marker(
                        m.group(),
                        m.start(),
                        m.end(),
                        tuple(sorted(set(refs))),
                        "author-year",
                        tuple(unmatched),
                    )
                )
        ibids.extend(_IBID_RE.finditer(text, lo, hi))
    found.sort(key=lambda mk: mk.start)
    # "(ibid.)" names what the citation before it named
    ends = [mk.end for mk in found]  # found is sorted by start, and markers do not overlap
    for m in ibids:
        i = bisect_right(ends, m.start())
        if i:
            last = found[i - 1]
            found.append(
                Marker(m.group(), m.start(), m.end(), last.refs, "author-year", last.unmatched)
            )
    found.sort(key=lambda mk: mk.start)
    return found
