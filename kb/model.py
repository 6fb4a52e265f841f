"""Frozen records of the knowledge base; each one says where it came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.schema import Severity


@dataclass(frozen=True)
class Source:
    """Where a record was read: a file relative to the data directory, a line, a locator."""

    file: str
    line: int | None = None
    locator: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} ({self.locator})" if self.locator else where


@dataclass(frozen=True)
class Problem:
    """Something wrong in the input: file, line, field and what is wrong."""

    file: str
    line: int | None
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        fld = f" [{self.field}]" if self.field else ""
        return f"{self.severity}: {where}{fld}: {self.message}"


@dataclass(frozen=True)
class Document:
    """A letter or statement under analysis."""

    id: str
    title: str
    organisation: str
    date: str
    kind: str
    file: str
    officers: tuple[str, ...]
    text: str
    source: Source


@dataclass(frozen=True)
class Section:
    """A headed part of a document, by character offsets."""

    id: str
    document: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class NumberMention:
    """A number stated in a claim, typed, with its span in the document text."""

    text: str
    value: float | None
    kind: str
    start: int
    end: int
    unit: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Citation:
    """A citation marker in the text and the reference numbers it names."""

    id: str
    document: str
    claim: str
    text: str
    refs: tuple[int, ...]
    start: int
    end: int
    # Author-year citations name entries by author and year: refs hold the numbers of the entries
    # they were tied to; `unmatched` what they named that no entry fits ("Smith 2020").
    unmatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """A sentence, list item or figure caption of a document, with character offsets."""

    id: str
    document: str
    section: str
    text: str
    start: int
    end: int
    kind: str = "sentence"
    refs: tuple[int, ...] = ()
    citations: tuple[Citation, ...] = ()
    numbers: tuple[NumberMention, ...] = ()


@dataclass(frozen=True)
class ReferenceEntry:
    """An entry of a document's reference list; the raw text is kept.

    `number` is the entry's label in a numbered list, or its position (from 1) in an unnumbered,
    alphabetical one; then `key` is how the text cites it ("Deer 2019", "Lindqvist 2021a").
    """

    id: str
    document: str
    number: int
    raw: str
    start: int | None = None
    end: int | None = None
    authors: tuple[str, ...] = ()
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    month: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    key: str | None = None
    kind: str | None = None  # what it cites: journal-article, report, regulatory, web-page, ...
    url: str | None = None


@dataclass(frozen=True)
class Resolution:
    """How a reference entry was tied to a work (or why it was not)."""

    entry: str
    work: str | None
    method: str
    score: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Work:
    """A publication or other cited source (a footnote, a coding document)."""

    citekey: str
    kind: str
    title: str
    authors: tuple[str, ...] = ()
    journal: str | None = None
    booktitle: str | None = None
    publisher: str | None = None
    year: int | None = None
    month: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    sponsor: str | None = None
    verified: bool = False
    unconfirmed: tuple[str, ...] = ()
    note: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))

    @property
    def is_publication(self) -> bool:
        """True for articles, chapters and guidelines; False for notes and coding documents."""
        from kb.schema import PUBLICATION_KINDS

        return self.kind in PUBLICATION_KINDS


@dataclass(frozen=True)
class Study:
    """A trial, cohort, claims analysis, case series, guideline, model or review."""

    id: str
    name: str
    design: str
    works: tuple[str, ...]
    comparator: str | None = None
    population: str | None = None
    enrolled: str | None = None
    randomized: str | None = None
    analysed: str | None = None
    follow_up: str | None = None
    sponsor: str | None = None
    registry: str | None = None
    note: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))


@dataclass(frozen=True)
class Outcome:
    """One number a work reports about a study, with where in the record it stands."""

    id: str
    study: str
    work: str
    measure: str
    outcome: str | None = None
    arm: str | None = None
    timepoint: str | None = None
    analysis_set: str | None = None
    value: float | None = None
    value_text: str | None = None
    unit: str | None = None
    count: float | None = None
    denominator: float | None = None
    comparator_value: float | None = None
    comparator_text: str | None = None
    p_value: str | None = None
    locator: str | None = None
    verified: bool = False
    note: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))
    # "curated" (outcomes.csv) or "extracted" (machine-read from an imported record, not
    # reviewed); an extracted number keeps the record sentence it stands in
    origin: str = "curated"
    quote: str | None = None
    # The numeric cells as the source prints them (column -> text): a float forgets that the
    # record printed 3.0 rather than 3, so what is shown to people comes from here.
    printed: tuple[tuple[str, str], ...] = ()

    def printed_of(self, column: str) -> str | None:
        """A numeric column's value as printed in the source ('3.0'), or None."""
        for col, text in self.printed:
            if col == column:
                return text
        return None


@dataclass(frozen=True)
class Finding:
    """A machine-made observation about a claim, entry or work."""

    code: str
    severity: Severity
    document: str | None
    claim: str | None
    message: str
    works: tuple[str, ...] = ()
    refs: tuple[int, ...] = ()
    evidence: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Assessment:
    """An analyst's judgment of a claim, anchored by quote; kept apart from findings."""

    id: str
    document: str
    quote: str
    verdict: str
    claim: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    note: str | None = None
    analyst: str | None = None
    date: str | None = None
    finding: str | None = None
    decision: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))
    # the criteria the analyst maps the claim to (';'-joined ids, 'none' for none)
    criteria: str | None = None


@dataclass(frozen=True)
class RecordPart:
    """A stretch of a record's text: its title, an abstract section, a body section or a table
    row, by character offsets; `label` is the locator a reader understands ("RESULTS",
    "Results / Patients", "Table 2"). Table rows keep their cells in `meta`."""

    kind: str
    label: str
    start: int
    end: int
    meta: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class RecordNumber:
    """A number machine-extracted from a record's text: not reviewed by an analyst.

    Kept apart from curated outcomes; `start`/`end` and the sentence offsets point into the
    record's text, `section` is the label of the part it stands in.
    """

    id: str
    work: str
    record: str
    text: str
    value: float | None
    kind: str
    start: int
    end: int
    unit: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    sentence_start: int = 0
    sentence_end: int = 0
    section: str = ""
    arm: str | None = None
    timepoint: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Record:
    """A cited work's record as imported (PubMed, MEDLINE, JATS, RIS, BibTeX, CSL-JSON): its
    text with structure, and the numbers extracted from it."""

    id: str
    work: str
    format: str
    file: str
    index: int
    scope: str  # "full text", "abstract" or "title only"
    text: str
    parts: tuple[RecordPart, ...] = ()
    numbers: tuple[RecordNumber, ...] = ()
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    imported: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))

    def sentence(self, n: RecordNumber) -> str:
        """The sentence of the record a number stands in."""
        return self.text[n.sentence_start : n.sentence_end]

    def part_at(self, offset: int) -> RecordPart | None:
        """The part holding a character offset."""
        for p in self.parts:
            if p.start <= offset < p.end:
                return p
        return None


@dataclass
class KnowledgeBase:
    """Everything loaded from one data directory, plus what reading the documents found."""

    data_dir: Path
    documents: dict[str, Document]
    works: dict[str, Work]
    studies: dict[str, Study]
    outcomes: dict[str, Outcome]
    reference_map: dict[tuple[str, int], str]
    assessments: dict[str, Assessment]
    readings: dict = field(default_factory=dict)
    resolutions: dict[str, Resolution] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # imported records of cited works, by work citekey (kept apart from curated outcomes)
    records: dict[str, tuple[Record, ...]] = field(default_factory=dict)
    review: Any = None
    """The analyst's review state (kb.review.ReviewState) when attached for an export."""
    # payer criteria (criteria.csv, or a plan's own file) and the study facts they need
    criteria: dict[str, Criterion] = field(default_factory=dict)
    study_facts: tuple[StudyFact, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity error."""
        return [p for p in self.problems if p.severity == Severity.ERROR]

    def claims(self, document: str | None = None) -> Iterator[Claim]:
        """All claims, or those of one document, in reading order."""
        for doc_id, reading in self.readings.items():
            if document is None or doc_id == document:
                yield from reading.claims

    def studies_of(self, citekey: str) -> list[Study]:
        """The studies a work reports."""
        return [s for s in self.studies.values() if citekey in s.works]

    def facts_of(self, study: str, fact: str | None = None) -> list[StudyFact]:
        """The curated facts of a study (of one kind when named), in file order."""
        return [
            f for f in self.study_facts if f.study == study and (fact is None or f.fact == fact)
        ]


@dataclass(frozen=True)
class Criterion:
    """One coverage criterion, study question or condition of a payer's framework, in our
    own words, with the source and date it was read from."""

    id: str
    framework: str
    kind: str
    title: str
    text: str
    source_ref: str
    date: str
    outcome_kinds: tuple[str, ...] = ()
    bears_on: tuple[str, ...] = ()
    locator: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))


@dataclass(frozen=True)
class StudyFact:
    """A fact about a study that coverage criteria need (blinding, comparator class, ...),
    curated from the record with where it stands; a fact not recorded is unknown."""

    study: str
    fact: str
    value: str
    source_ref: str
    timepoint: str | None = None
    locator: str | None = None
    note: str | None = None
    source: Source = field(default_factory=lambda: Source("?"))
