"""Documented contracts: every column and vocabulary term of kb/schema.py is in the README."""

from __future__ import annotations

import re

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


def _layout_block() -> list[str]:
    section = README.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```")
    return next(b for b in blocks[1::2] if "kb/__init__.py" in b).strip("\n").splitlines()


def _layout() -> dict[str, set[str]]:
    """README layout entries: path -> module names listed for it in closing parentheses."""
    texts: dict[str, str] = {}
    current = ""
    for line in _layout_block():
        if line and not line.startswith(" "):
            current = line.split()[0]
            texts[current] = line
        elif current:
            texts[current] += " " + line.strip()
    entries = {}
    for path, text in texts.items():
        listed = re.search(r"\(([a-z_, ]+)\)$", text.strip())
        names = listed.group(1).split(",") if listed and path.endswith("/") else []
        entries[path] = {n.strip() for n in names if n.strip()}
    return entries


def test_readme_layout_matches_the_tree():
    """Every module of kb/ is in 'How it is built', and everything listed there exists."""
    entries = _layout()
    for path, names in entries.items():
        assert (ROOT / path).exists(), f"README lists {path}, which does not exist"
        if path.startswith("kb/") and path.endswith("/"):
            modules = {p.stem for p in (ROOT / path).glob("*.py") if p.name != "__init__.py"}
            assert names == modules, (
                f"{path}: README lists {sorted(names)}, tree has {sorted(modules)}"
            )
    top = {f"kb/{p.name}" for p in (ROOT / "kb").glob("*.py")}
    top |= {f"kb/{p.name}/" for p in (ROOT / "kb").iterdir() if (p / "__init__.py").exists()}
    assert top <= set(entries), f"missing from README's layout: {sorted(top - set(entries))}"


def test_python_api_example_runs():
    """The README's Python API block runs as written."""
    block = README.split("## Python API", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["fc"].verdicts and namespace["kb"].documents
