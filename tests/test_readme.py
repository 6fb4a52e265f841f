"""Documented contracts: every column and vocabulary term of kb/schema.py is in the README."""

from __future__ import annotations

import pytest

from kb import schema
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

COLUMNS = sorted(
    {
        c
        for cols in (
            schema.STUDY_COLUMNS,
            schema.OUTCOME_COLUMNS,
            schema.DOCUMENT_COLUMNS,
            schema.REFERENCE_MAP_COLUMNS,
            schema.ASSESSMENT_COLUMNS,
            schema.BIB_EXTRA_FIELDS,
        )
        for c in cols
    }
)
TERMS = sorted(
    set(schema.WORK_KINDS)
    | set(schema.VERIFIED_VALUES)
    | set(schema.STUDY_DESIGNS)
    | set(schema.MEASURES)
    | set(schema.DOCUMENT_KINDS)
    | set(schema.ASSESSMENT_VERDICTS)
)


@pytest.mark.parametrize("column", COLUMNS)
def test_every_column_is_documented(column):
    assert f"`{column}`" in README, f"README's data dictionary lacks column `{column}`"


@pytest.mark.parametrize("term", TERMS)
def test_every_vocabulary_term_is_documented(term):
    assert f"`{term}`" in README, f"README lacks vocabulary term `{term}`"


@pytest.mark.parametrize(
    "name",
    [
        schema.REFERENCES_FILE,
        schema.STUDIES_FILE,
        schema.OUTCOMES_FILE,
        schema.DOCUMENTS_FILE,
        schema.REFERENCE_MAP_FILE,
        schema.ASSESSMENTS_FILE,
    ],
)
def test_every_data_file_has_a_section(name):
    assert f"### {name}" in README


def test_quick_start_shows_exactly_two_commands():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
