"""Reading a loaded KB: curated vs automatic resolution, orphaned assessments, line numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.linking.analysis import LineIndex
from kb.load import load_kb
from tests.conftest import TINY


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(TINY, dest)
    return dest


def test_curated_map_wins_and_is_recorded(tiny_kb):
    res = tiny_kb.resolutions["tiny:ref01"]
    assert (res.work, res.method) == ("doe2020alpha", "curated")


def test_without_curated_map_entries_resolve_automatically(tiny: Path):
    (tiny / "reference_map.csv").unlink()
    kb = load_kb(tiny)
    assert kb.resolutions["tiny:ref01"].work == "doe2020alpha"
    assert kb.resolutions["tiny:ref01"].method in {"doi", "pmid", "fuzzy"}
    assert kb.resolutions["tiny:ref02"].work == "poe2022alpha2y"


def test_curated_map_disagreeing_with_entry_text_warns(tiny: Path):
    path = tiny / "reference_map.csv"
    path.write_text(path.read_text().replace("tiny,2,poe2022alpha2y", "tiny,2,doe2020alpha"))
    kb = load_kb(tiny)
    (p,) = [p for p in kb.problems if p.field == "ref 2"]
    assert p.severity == "warning" and p.file == "letters/tiny.txt" and p.line == 12
    assert "curated map says 'doe2020alpha'" in p.message and "'poe2022alpha2y'" in p.message


def test_assessment_that_still_matches_is_not_reported(tiny_kb):
    assert not [p for p in tiny_kb.problems if "orphaned" in p.message]


def test_orphaned_assessment_is_reported_not_dropped(tiny: Path):
    path = tiny / "assessments.csv"
    path.write_text(path.read_text().replace("Harms were rare", "Harms were absent"))
    kb = load_kb(tiny)
    assert "a1" in kb.assessments
    (p,) = [p for p in kb.problems if "orphaned" in p.message]
    assert (p.file, p.line, p.field, p.severity) == ("assessments.csv", 2, "quote", "warning")


def test_unresolvable_markers_of_a_document_without_reference_list(tiny: Path):
    letter = tiny / "letters" / "tiny.txt"
    letter.write_text(letter.read_text().split("References")[0])
    kb = load_kb(tiny)
    markers = sorted(p.field for p in kb.problems if "no reference list" in p.message)
    assert markers == ["ref 1", "ref 2", "ref 3"]


@pytest.mark.parametrize(
    "text, offset, line",
    [("", 0, 1), ("a\nb\nc", 0, 1), ("a\nb\nc", 2, 2), ("a\nb\nc", 4, 3), ("a\n", 2, 2)],
)
def test_line_index(text, offset, line):
    assert LineIndex(text).line(offset) == line
