"""Tie a document's reference entries to works, and report markers that name no entry.

Order of evidence: an identical DOI, then an identical PMID, then a fuzzy match.

The fuzzy score (0-100) is the mean of rapidfuzz ``token_set_ratio`` and ``token_sort_ratio`` on
normalised titles (lower case, accents, trademark signs and punctuation removed). The set ratio
forgives extra words (subtitles, "[Internet]"); the sort ratio stops a short title that is a subset
of a long one ("Lumbar Spinal Stenosis") from scoring 100 against every title containing it.
Agreement of the first author's surname adds 5, a different surname takes 15 off; the same year
adds 5, a year more than one apart takes 15 off (one year apart is the online-first/print gap and
counts as neither). Both checks apply only when both sides know the value.

RESOLVE_THRESHOLD = 85: an exact title (100) survives one disagreement (author or year: 85); a
reworded title (typically 75-85) needs author and year to agree; short titles that are mere
subsets of another work's title (about 60-75) stay unresolved.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from kb.model import Problem, ReferenceEntry, Resolution, Work
from kb.text import LineIndex, fold, surname

if TYPE_CHECKING:  # pragma: no cover
    from kb.reading import Reading

RESOLVE_THRESHOLD = 85.0
AUTHOR_BONUS, AUTHOR_PENALTY = 5.0, 15.0
YEAR_BONUS, YEAR_PENALTY = 5.0, 15.0
_CANDIDATES = 8  # fuzzy candidates re-scored with author and year


def normalise_title(title: str | None) -> str:
    """Lower case, no accents, no trademark signs or punctuation, single spaces."""
    if not title:
        return ""
    t = re.sub(r"\[(?:®|™)\]|\*", "", fold(title)).lower()
    t = re.sub(r"[^\w]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def normalise_doi(doi: str | None) -> str | None:
    """DOI without resolver prefix, lower case."""
    if not doi:
        return None
    d = doi.strip().lower()
    d = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", d)
    return d.rstrip(".,;") or None


def _score(
    entry: ReferenceEntry,
    title: str,
    work_title: str,
    work_surname: str | None,
    work_year: int | None,
) -> tuple[float, str]:
    """Fuzzy score of an entry against a work's title, first author and year; and how."""
    t = (fuzz.token_set_ratio(title, work_title) + fuzz.token_sort_ratio(title, work_title)) / 2
    score = t
    notes = [f"title {t:.0f}"]
    ea = surname(entry.authors[0]) if entry.authors else None
    if ea and work_surname:
        if ea == work_surname or fuzz.ratio(ea, work_surname) >= 85:
            score += AUTHOR_BONUS
            notes.append("author agrees")
        else:
            score -= AUTHOR_PENALTY
            notes.append(f"author differs ({ea} vs {work_surname})")
    if entry.year and work_year:
        gap = abs(entry.year - work_year)
        if gap == 0:
            score += YEAR_BONUS
            notes.append("year agrees")
        elif gap > 1:
            score -= YEAR_PENALTY
            notes.append(f"year differs ({entry.year} vs {work_year})")
    # not capped at 100: an exact title with author and year agreeing (110) must outrank one
    # with a year a little off (105), not tie with it; the score shown is capped (`_shown`)
    return max(0.0, score), ", ".join(notes)


def _shown(score: float) -> float:
    """A ranking score as reported (0-100)."""
    return round(min(100.0, score), 1)


@dataclass
class _Index:
    """Lookups over a set of works: DOI, PMID, and works grouped by normalised title."""

    doi: dict[str, str]
    pmid: dict[str, str]
    titles: list[str]  # distinct normalised titles
    # per title: (first-author surname, year) -> work keys; one score serves a whole group
    groups: list[dict[tuple[str | None, int | None], list[str]]]
    keep: tuple  # the works themselves, so the cache key (their ids) cannot be reused


def _build_index(works: Mapping[str, Work]) -> _Index:
    """Build the lookups; keys are taken in sorted order so ties resolve the same way."""
    doi: dict[str, str] = {}
    pmid: dict[str, str] = {}
    by_title: dict[str, dict[tuple[str | None, int | None], list[str]]] = {}
    for key in sorted(works):
        w = works[key]
        d = normalise_doi(w.doi)
        if d:
            doi.setdefault(d, key)
        if w.pmid and w.pmid.strip():
            pmid.setdefault(w.pmid.strip(), key)
        t = normalise_title(w.title)
        if t:
            author = surname(w.authors[0]) if w.authors else None
            by_title.setdefault(t, {}).setdefault((author, w.year), []).append(key)
    return _Index(doi, pmid, list(by_title), list(by_title.values()), tuple(works.values()))


_CACHE: OrderedDict[int, tuple[tuple, _Index]] = OrderedDict()


def _index_for(works: Mapping[str, Work]) -> _Index:
    """The index of these works, reused while the same Work objects sit under the same keys.

    Every document of a knowledge base is resolved against the same works: normalising all
    titles once instead of once per document keeps large knowledge bases fast.
    """
    fingerprint = tuple((k, id(w)) for k, w in works.items())
    h = hash(fingerprint)
    hit = _CACHE.get(h)
    if hit is not None and hit[0] == fingerprint:
        _CACHE.move_to_end(h)
        return hit[1]
    index = _build_index(works)
    _CACHE[h] = (fingerprint, index)
    while len(_CACHE) > 4:
        _CACHE.popitem(last=False)
    return index


def _resolve(entry: ReferenceEntry, index: _Index, threshold: float) -> Resolution:
    """Resolve one entry to a work (by DOI, PMID, then fuzzy title + author + year)."""
    doi = normalise_doi(entry.doi)
    if doi and doi in index.doi:
        return Resolution(entry.id, index.doi[doi], "doi", 100.0, f"DOI {doi}")
    pmid = entry.pmid.strip() if entry.pmid else None
    if pmid and pmid in index.pmid:
        return Resolution(entry.id, index.pmid[pmid], "pmid", 100.0, f"PMID {pmid}")
    title = normalise_title(entry.title or entry.raw)
    if not title or not index.titles:
        return Resolution(entry.id, None, "unresolved", None, "no title to match")
    # Cheap pre-selection in C over distinct titles, then a careful score on a few candidates.
    cands = process.extract(
        title, index.titles, scorer=fuzz.token_set_ratio, limit=_CANDIDATES, score_cutoff=40
    )
    scored = []
    titles: dict[str, str] = {}
    for work_title, _pre, i in cands:
        for (author, year), keys in index.groups[i].items():
            s, how = _score(entry, title, work_title, author, year)
            if len(keys) > 1:
                how += f"; {len(keys)} works share this title, author and year"
            for k in keys:  # works sharing title, author and year tie: none is picked
                scored.append((s, k, how))
                titles[k] = work_title
    if not scored:
        return Resolution(entry.id, None, "unresolved", None, "no work with a similar title")
    scored.sort(key=lambda x: (-x[0], x[1]))
    best, key, note = scored[0]
    if len(scored) > 1:
        note += f"; runner-up {scored[1][1]} ({_shown(scored[1][0]):.0f})"
    if best < threshold:
        msg = f"best {key} below threshold {threshold:.0f}: {note}"
        return Resolution(entry.id, None, "unresolved", _shown(best), msg)
    rivals = [(sc, k) for sc, k, _ in scored[1:] if k != key and sc >= best - AMBIGUOUS_MARGIN]
    if rivals:
        chosen = _settle(title, key, best, rivals, titles)
        if chosen is None:
            names = ", ".join(f"{k} ({_shown(sc):.0f})" for sc, k in [(best, key), *rivals])
            why = _variant_why(titles[key], [titles[k] for _, k in rivals])
            return Resolution(entry.id, None, "ambiguous", _shown(best), f"ambiguous: {names}{why}")
        if chosen != key:
            sc = next(sc for sc, k in rivals if k == chosen)
            return Resolution(
                entry.id, chosen, "fuzzy", _shown(sc),
                f"{note}; the entry's own words ({_variant_words(title)}) name {chosen}",
            )  # fmt: skip
    return Resolution(entry.id, key, "fuzzy", _shown(best), note)


# Words that tell apart reports of one study: follow-up length, report part, protocol/results.
AMBIGUOUS_MARGIN = 10.0
TIE_MARGIN = 2.0  # a lead of less than this is no clear win
_NUMWORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|"
    r"twenty four|thirty six|\d+"
)
_VARIANT = re.compile(
    rf"\b(?:(?:{_NUMWORD})\s(?:years?|months?|weeks?|yr|mo)\b|part\s(?:i{{1,3}}|iv|\d)\b|"
    r"protocol|rationale|design|interim|final|primary|secondary|long\sterm|short\sterm|"
    r"extended|extension|results?|outcomes?)"
)


def _variant_words(title: str) -> str:
    """The words of a normalised title that tell reports apart ("three year", "protocol")."""
    return " ".join(sorted(m.group() for m in _VARIANT.finditer(title)))


def _base(title: str) -> str:
    return re.sub(r"\s+", " ", _VARIANT.sub(" ", title)).strip()


def _settle(
    title: str, key: str, best: float, rivals: list[tuple[float, str]], titles: dict[str, str]
) -> str | None:
    """The one work the entry names when candidates are close; None when it is not clear.

    Two candidates whose titles differ only in follow-up length, report part or protocol vs
    results are told apart only by the entry's own words; a tie of any other kind is never
    broken by the order of the keys.
    """
    group = [key] + [k for _, k in rivals]
    bases = {k: _base(titles[k]) for k in group}
    variants = {k: _variant_words(titles[k]) for k in group}
    same_base = (
        all(fuzz.token_sort_ratio(bases[key], bases[k]) >= 95 for k in group[1:])
        and len(set(variants.values())) > 1
    )
    if same_base:
        said = _variant_words(title)
        named = [k for k in group if variants[k] == said]
        return named[0] if said and len(named) == 1 else None
    if any(abs(best - sc) < TIE_MARGIN for sc, _ in rivals):
        return None  # a tie: two works fit equally well
    return key


def _variant_why(title: str, others: list[str]) -> str:
    sets = [{m.group() for m in _VARIANT.finditer(t)} for t in [title, *others]]
    common = set.intersection(*sets)
    words = [" ".join(sorted(s - common)) for s in sets]
    if len(set(words)) > 1:
        shown = " / ".join(dict.fromkeys(w or "none" for w in words))
        return f"; titles differ only in {shown}, and the entry does not say which"
    return "; equally good matches"


def resolve_entries(
    entries: Iterable[ReferenceEntry],
    works: Mapping[str, Work],
    threshold: float = RESOLVE_THRESHOLD,
) -> tuple[Resolution, ...]:
    """One Resolution per entry, in order; below the threshold the work is None ('unresolved')."""
    index = _index_for(works)  # once per call: fingerprinting the works costs O(len(works))
    return tuple(_resolve(e, index, threshold) for e in entries)


_INSIDE_RE = re.compile(
    r"\b(?:see(?:\s+also)?|refs?\.?|references?|cf\.)\s+(?:refs?\.?\s+|references?\s+)?"
    r"(\d{1,3}(?:\s*(?:,|and|&|[-–])\s*\d{1,3})*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CitationReport:
    """How a document's markers and entries meet: what is cited, from where, and what is not.

    `dangling` holds what markers name that no entry is: numbers as text ("27") and author-year
    names ("Smith 2020"), each with how often and where first (offset, claim id).
    """

    cited: dict[int, tuple[int, int, str]]  # entry number -> (times, first offset, claim id)
    dangling: dict[str, tuple[int, int, str]]
    uncited: tuple[int, ...]  # entries named by no marker and no other entry
    cited_only_inside: dict[int, tuple[int, ...]]  # entry -> the entries whose text names it


def citation_report(reading: Reading) -> CitationReport:
    """Which entries the markers cite, which names match no entry, which entries are never
    cited, and which are named only inside other entries ("See also ref 3.")."""
    numbers = {e.number for e in reading.entries}
    cited: dict[int, tuple[int, int, str]] = {}
    dangling: dict[str, tuple[int, int, str]] = {}
    for claim in reading.claims:
        for cit in claim.citations:
            names = [(n in numbers, n, str(n)) for n in cit.refs]
            names += [(False, None, k) for k in cit.unmatched]
            for known, n, label in names:
                table, key = (cited, n) if known else (dangling, label)
                times, at, cid = table.get(key, (0, cit.start, claim.id))
                table[key] = (times + 1, at, cid)
    inside: dict[int, set[int]] = {}
    if reading.style == "numeric":
        for e in reading.entries:
            for m in _INSIDE_RE.finditer(e.raw):
                for n in re.findall(r"\d+", m.group(1)):
                    if int(n) in numbers and int(n) != e.number:
                        inside.setdefault(int(n), set()).add(e.number)
    else:  # "See also Lindqvist 2021a." inside another entry of an alphabetical list
        for other in reading.entries:
            if not other.key:
                continue
            name, year = other.key.rsplit(" ", 1)
            cue = re.compile(
                rf"\b(?:see(?:\s+also)?|cf\.|update of|erratum (?:to|in)|reprinted in)\s+"
                rf"{re.escape(name)}(?:\s+et al\.?)?,?\s*\(?{re.escape(year)}\b",
                re.IGNORECASE,
            )
            for e in reading.entries:
                if e.number != other.number and cue.search(e.raw):
                    inside.setdefault(other.number, set()).add(e.number)
    uncited = tuple(
        e.number for e in reading.entries if e.number not in cited and e.number not in inside
    )
    only_inside = {n: tuple(sorted(by)) for n, by in sorted(inside.items()) if n not in cited}
    return CitationReport(cited, dangling, uncited, only_inside)


def marker_problems(reading: Reading, file: str | None = None) -> list[Problem]:
    """Markers naming no reference entry, entries no marker names, and entries named only inside
    other entries: the one rule `kb validate` and the ingest report share.

    With no reference list at all, every cited number is reported (one problem per number),
    never dropped.
    """
    file = file or reading.file
    lines = LineIndex(reading.text) if reading.text else None
    rep = citation_report(reading)
    problems: list[Problem] = []

    def order(label: str) -> tuple[int, int | str]:
        return (0, int(label)) if label.isdigit() else (1, label)

    for label in sorted(rep.dangling, key=order):
        times_n, offset, claim_id = rep.dangling[label]
        line = lines.line(offset) if lines else None
        times = f"{times_n} time{'s' if times_n != 1 else ''}"
        what = f"reference {label}" if label.isdigit() else label
        # a warning either way, as `kb validate` always reported it: the document is as it
        # came, and the fact check's CIT-NO-ENTRY finding is where it counts as an error
        if reading.entries:
            msg = (
                f"marker names {what} ({times}, first in {claim_id}), "
                f"but the reference list has no entry {'for it' if not label.isdigit() else label}"
            )
        else:
            msg = (
                f"marker names {what} ({times}, first in {claim_id}), but the "
                "document has no reference list: the citation cannot be resolved"
            )
        fld = f"ref {label}" if label.isdigit() else "marker"
        problems.append(Problem(file, line, fld, msg, "warning"))
    for e in reading.entries:
        line = lines.line(e.start) if lines and e.start is not None else None
        name = f"{e.number}" + (f" ({e.key})" if e.key else "")
        if e.number in rep.cited_only_inside:
            by = ", ".join(str(n) for n in rep.cited_only_inside[e.number])
            msg = (
                f"reference entry {name} is cited only inside reference entry {by}, "
                "never in the text"
            )
            problems.append(Problem(file, line, f"ref {e.number}", msg, "warning"))
        elif e.number in rep.uncited:
            msg = f"reference entry {name} is never cited in the text"
            problems.append(Problem(file, line, f"ref {e.number}", msg, "warning"))
    return problems
