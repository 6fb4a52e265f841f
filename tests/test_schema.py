"""The closed vocabularies of kb/schema.py: what the README documents, and plain words on output."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, replace
from enum import StrEnum

import pytest

from kb import schema
from kb.checks import emit, spec
from kb.checks.context import STATUSES as CONTEXT_STATUSES
from kb.checks.factcheck import VERDICT_LABELS as FACTCHECK_LABELS
from kb.reading import CLAIM_KINDS as READING_CLAIM_KINDS
from kb.reading import FACTUAL_KINDS as READING_FACTUAL_KINDS
from kb.reading.numbers import NUMBER_KINDS as READING_NUMBER_KINDS
from kb.schema import (
    ClaimKind,
    MatchStatus,
    NumberKind,
    Severity,
    VerdictLabel,
)
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ENUMS = (Severity, MatchStatus, VerdictLabel, ClaimKind, NumberKind)


def _backticked_after(lead: str) -> list[str]:
    """The `terms` of the README sentence that starts with `lead`, in the order written."""
    found = re.search(re.escape(lead) + r"((?:\s*`[^`]+`,?)+)", README)
    assert found, f"README has no sentence starting {lead!r}"
    return re.findall(r"`([^`]+)`", found.group(1))


def test_match_statuses_are_the_readme_s():
    listed = _backticked_after("Each stated number of a claim gets a match status:")
    assert listed == [s.value for s in MatchStatus]


def test_verdict_labels_are_the_readme_s():
    listed = _backticked_after("Each claim then gets a machine verdict:")
    assert listed == [v.value for v in VerdictLabel]


def test_severities_are_the_readme_s():
    found = re.search(r"a severity \(((?:`[a-z]+`(?:, )?)+)\)", README)
    assert found, "README does not list the severities"
    assert re.findall(r"`([a-z]+)`", found.group(1)) == [s.value for s in Severity]


def test_old_tuple_names_still_name_the_vocabularies():
    assert schema.SEVERITIES == ("info", "warning", "error")
    assert schema.STATUSES == CONTEXT_STATUSES == tuple(MatchStatus)
    assert schema.VERDICT_LABELS == FACTCHECK_LABELS == tuple(VerdictLabel)
    assert schema.NUMBER_KINDS == READING_NUMBER_KINDS == tuple(NumberKind)
    assert schema.CLAIM_KINDS == READING_CLAIM_KINDS == tuple(ClaimKind)
    assert schema.FACTUAL_KINDS == READING_FACTUAL_KINDS == ("sentence", "list-item", "caption")
    assert set(schema.FACTUAL_KINDS) < set(schema.CLAIM_KINDS)


@pytest.mark.parametrize("member", [m for e in ENUMS for m in e], ids=str)
def test_member_is_its_string(member: StrEnum):
    word = member.value
    assert isinstance(member, str) and member == word and word == member
    assert hash(member) == hash(word) and {word: 1}[member] == 1
    assert str(member) == f"{member}" == format(member, "") == word
    assert f"{member:>30}" == f"{word:>30}"
    assert type(member)(word) is member


def test_unknown_word_is_not_a_member():
    with pytest.raises(ValueError):
        Severity("fatal")
    assert "fatal" not in schema.SEVERITIES
    assert "near-miss" not in schema.STATUSES


def test_registered_severity_is_a_severity():
    s = spec("NUM-CONTRADICTED")
    assert s.severity is Severity.ERROR


def test_finding_severity_round_trips_as_the_plain_word():
    f = emit("CIT-UNCITED", "doc", "doc:s01.c01", "States 42% but cites no reference.")
    assert f.severity is Severity.WARNING
    text = json.dumps({"severity": f.severity, "finding": asdict(f)})
    assert json.loads(text)["severity"] == "warning"
    assert '"severity": "warning"' in text and "Severity" not in text
    read = json.loads(text)["finding"]["severity"]
    assert type(read) is str and replace(f, severity=read) == f  # the word read back is equal
    out = io.StringIO()
    csv.writer(out).writerow([f.code, f.severity])
    assert out.getvalue() == "CIT-UNCITED,warning\r\n"


def test_match_status_and_verdict_print_as_words():
    row = {"status": MatchStatus.NEAR_MISS, "verdict": VerdictLabel.NOT_SUPPORTED}
    assert json.dumps(row) == (
        '{"status": "near miss", "verdict": "not supported by the cited source"}'
    )
    assert f"{row['status']} / {row['verdict']}" == "near miss / not supported by the cited source"
