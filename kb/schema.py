"""Column names, controlled vocabularies and id prefixes: defined once, used everywhere."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
"""The bundled knowledge base; `--data DIR` or `$KB_DATA` choose another."""

# Closed vocabularies are StrEnums: a member equals its string ("warning" == Severity.WARNING),
# hashes like it, and prints as it in f-strings, str(), json.dumps and CSV, so data files and
# outputs hold the plain words. The tuples next to them keep the members in their order.


class ClaimKind(StrEnum):
    """What a claim of a document is. Only the first three are factual statements of the letter;
    the rest are kept so that nothing of the text silently disappears, but a consumer should
    filter on FACTUAL_KINDS."""

    SENTENCE = "sentence"
    LIST_ITEM = "list-item"
    CAPTION = "caption"
    LETTERHEAD = "letterhead"
    SALUTATION = "salutation"
    SIGNATURE = "signature"


CLAIM_KINDS = tuple(ClaimKind)
FACTUAL_KINDS = (ClaimKind.SENTENCE, ClaimKind.LIST_ITEM, ClaimKind.CAPTION)


class NumberKind(StrEnum):
    """The type of a number a claim states (NumberMention.kind). Years, dates, codes, labels and
    ages are typed so that CPT codes, phone numbers, years, "Grade 3" and "age<65" are never
    counted as counts."""

    PERCENT = "percent"
    COUNT = "count"
    COUNT_PERCENT = "count_percent"
    MEAN = "mean"
    RANGE = "range"
    CHANGE = "change"
    COMPARISON = "comparison"
    P_VALUE = "p_value"
    SAMPLE_SIZE = "sample_size"
    WRITTEN = "written"
    RATIO_WORDS = "ratio_words"
    DURATION = "duration"
    MEASUREMENT = "measurement"
    MONEY = "money"
    RATIO = "ratio"  # odds/hazard/risk/rate ratio, with its CI when stated
    DIFFERENCE = "difference"  # a between-group difference with its CI
    ESTIMATE = "estimate"  # any other estimate followed by its CI
    MEDIAN = "median"  # a median with its interquartile range
    NUMBER = "number"
    AGE = "age"
    YEAR = "year"
    DATE = "date"
    CODE = "code"
    LABEL = "label"


NUMBER_KINDS = tuple(NumberKind)

# --- file names inside a data directory -------------------------------------------------
REFERENCES_FILE = "references.bib"
STUDIES_FILE = "studies.csv"
OUTCOMES_FILE = "outcomes.csv"
DOCUMENTS_FILE = "documents.csv"
REFERENCE_MAP_FILE = "reference_map.csv"
ASSESSMENTS_FILE = "assessments.csv"
LETTERS_DIR = "letters"
RECORDS_DIR = "records"  # imported records of cited works: records/<citekey>.json
RECORD_SCOPES = ("full text", "abstract", "title only")

# --- CSV columns (order is the order written and documented) ----------------------------
STUDY_COLUMNS = (
    "id",
    "name",
    "design",
    "comparator",
    "population",
    "enrolled",
    "randomized",
    "analysed",
    "follow_up",
    "sponsor",
    "registry",
    "works",
    "note",
)
STUDY_REQUIRED = ("id", "name", "design", "works")

OUTCOME_COLUMNS = (
    "id",
    "study",
    "work",
    "measure",
    "outcome",
    "arm",
    "timepoint",
    "analysis_set",
    "value",
    "value_text",
    "unit",
    "count",
    "denominator",
    "comparator_value",
    "comparator_text",
    "p_value",
    "locator",
    "verified",
    "note",
)
OUTCOME_REQUIRED = ("id", "study", "work", "measure", "locator", "verified")
OUTCOME_NUMERIC = ("value", "count", "denominator", "comparator_value")

DOCUMENT_COLUMNS = ("id", "title", "organisation", "date", "kind", "file", "officers")
DOCUMENT_REQUIRED = ("id", "title", "date", "file")

REFERENCE_MAP_COLUMNS = ("document", "ref", "work", "note")
REFERENCE_MAP_REQUIRED = ("document", "ref", "work")

ASSESSMENT_COLUMNS = (
    "id",
    "document",
    "claim",
    "quote",
    "prefix",
    "suffix",
    "start",
    "end",
    "verdict",
    "note",
    "analyst",
    "date",
    "finding",
    "decision",
    "criteria",
)
ASSESSMENT_REQUIRED = ("id", "document", "quote", "verdict")

# --- BibTeX fields that the project adds to the usual ones -------------------------------
BIB_REQUIRED = ("title", "kind", "verified")
BIB_EXTRA_FIELDS = ("kind", "sponsor", "verified", "unconfirmed", "pmid", "pmcid", "note", "url")

# --- controlled vocabularies -------------------------------------------------------------
DOCUMENT_KINDS = ("letter", "position-statement", "comment-letter", "press-release", "other")

WORK_KINDS = (
    "journal-article",
    "book-chapter",
    "guideline",
    "coding-document",
    "note",
    "report",
    "regulatory",
    "web-page",
    "press-release",
)
PUBLICATION_KINDS = ("journal-article", "book-chapter", "guideline")
VERIFIED_VALUES = ("record", "cited-only")

STUDY_DESIGNS = (
    "RCT",
    "RCT extension single-arm",
    "prospective case series",
    "retrospective case series",
    "retrospective cohort",
    "claims-database cohort",
    "pooled analysis",
    "secondary analysis",
    "consensus guideline",
    "decision model",
    "narrative review",
    "reference text",
)

MEASURES = (
    "ODI",
    "NPRS",
    "ZCQ",
    "ZCQ symptom severity",
    "ZCQ physical function",
    "ZCQ satisfaction",
    "WTT",
    "subsequent intervention",
    "surgery",
    "harms",
    "harms or subsequent intervention",
    "adverse events",
    "treatment failure",
    "PDI",
    "RMDQ",
    "VAS",
    "SF-12",
    "standing time",
    "walking distance",
    "MME",
    "opioid use",
    "cost",
    "cost per QALY",
    "QALY",
    "resource use",
    "sample size",
    "age",
    "comorbidity",
    "responder rate",
    "responsiveness",
    "consensus point",
    "prevalence",
    "other",
)

ASSESSMENT_VERDICTS = (
    "supported",
    "partly supported",
    "not supported",
    "contradicted",
    "uncited",
    "non-publication",
    "cannot verify",
)


class Severity(StrEnum):
    """How much a finding (or a loading problem) matters, from least to most."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


SEVERITIES = tuple(Severity)


class MatchStatus(StrEnum):
    """How a number a claim states stands against the numbers its cited sources report."""

    MATCHED = "matched"
    NEAR_MISS = "near miss"
    ELSEWHERE = "elsewhere"
    NOT_IN_SOURCE = "not in source"
    CONTRADICTED = "contradicted"
    NOT_CHECKED = "not checked"


STATUSES = tuple(MatchStatus)


class VerdictLabel(StrEnum):
    """The machine's verdict on a claim (analysts' verdicts are ASSESSMENT_VERDICTS)."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly supported"
    NOT_SUPPORTED = "not supported by the cited source"
    CONTRADICTED = "contradicted"
    UNCITED = "uncited"
    NON_PUBLICATION = "cites a non-publication"
    # two kinds of "cannot verify": the source is missing or unreadable where it would say it,
    # or the source is there but no automatic check can decide the claim (a reading list)
    SOURCE_NOT_AVAILABLE = "source not available"
    NEEDS_READING = "needs reading"
    NO_FACTUAL_CLAIM = "no factual claim"


VERDICT_LABELS = tuple(VerdictLabel)

# --- node kinds in the graph (also the id prefixes) --------------------------------------
NODE_KINDS = ("document", "claim", "citation", "entry", "work", "study", "outcome")


def node_id(kind: str, key: str) -> str:
    """Return the graph id of a record: its kind, a colon, its own key."""
    if kind not in NODE_KINDS:
        raise ValueError(f"unknown node kind {kind!r}")
    return f"{kind}:{key}"


# --- the analyst's review log -----------------------------------------------------------
REVIEW_FILE = "review.sqlite"
"""The review log inside the data directory (git-ignored; share it with `kb review export`)."""

REVIEW_DECISIONS = ("accept", "reject", "amend")
"""What an analyst says of one machine finding."""

CERTAINTY_DOMAINS = (
    ("risk_of_bias", "Risk of bias"),
    ("inconsistency", "Inconsistency"),
    ("indirectness", "Indirectness"),
    ("imprecision", "Imprecision"),
    ("publication_bias", "Publication bias"),
)
"""GRADE's five domains for rating down the certainty of an outcome's evidence (key, label)."""

CERTAINTY_LEVELS = ("not serious", "serious", "very serious")
"""The analyst's rating of one certainty domain (set by the analyst, never by the machine)."""
# --- payer criteria and the study facts they need (issue 18) -------------------------------
CRITERIA_FILE = "criteria.csv"
CRITERIA_COLUMNS = (
    "id",
    "framework",
    "kind",
    "title",
    "text",
    "outcome_kinds",
    "bears_on",
    "source",
    "date",
    "locator",
)
CRITERIA_REQUIRED = ("id", "framework", "kind", "title", "text", "source", "date")
CRITERION_KINDS = ("criterion", "question", "condition")
OUTCOME_KINDS = ("function", "pain", "management", "harm")
"""What an outcome measures, as coverage criteria name it."""
CRITERION_SIGNALS = ("design", "comparator", "setting", "fact", "registry", "topic")
"""The prefixes of a criterion's `bears_on` terms (`comparator:sham`, `fact:blinding`, ...)."""
CRITERION_TOPICS = ("regulatory", "coverage", "registry", "coding")
CRITERION_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

STUDY_FACTS_FILE = "study_facts.csv"
STUDY_FACT_COLUMNS = ("study", "fact", "value", "timepoint", "locator", "source", "note")
STUDY_FACT_REQUIRED = ("study", "fact", "value", "source")
STUDY_FACTS = (
    "setting",
    "blinding",
    "allocation_concealment",
    "comparator_class",
    "crossover",
    "randomized_comparison_until",
    "attrition",
    "primary_outcome",
    "secondary_outcome",
    "age_eligibility",
    "medicare_population",
    "medicare_age_share",
    "registry",
    "results_posted",
)
COMPARATOR_CLASSES = ("active treatment", "usual care", "sham", "surgery", "none")
SETTINGS = (
    "trial",
    "registry",
    "claims data",
    "case series",
    "pooled analysis",
    "model",
    "consensus",
    "review",
)
FACT_VOCABULARIES = {"comparator_class": COMPARATOR_CLASSES, "setting": SETTINGS}
MEASURE_KINDS = {
    "ODI": "function",
    "ZCQ physical function": "function",
    "WTT": "function",
    "PDI": "function",
    "RMDQ": "function",
    "SF-12": "function",
    "standing time": "function",
    "walking distance": "function",
    "NPRS": "pain",
    "VAS": "pain",
    "ZCQ symptom severity": "pain",
    "MME": "pain",
    "opioid use": "pain",
    "subsequent intervention": "management",
    "surgery": "management",
    "treatment failure": "management",
    "resource use": "management",
    "harms or subsequent intervention": "management",
    "harms": "harm",
    "adverse events": "harm",
}
"""The outcome kind each measure of outcomes.csv reports (measures not named here: none)."""
