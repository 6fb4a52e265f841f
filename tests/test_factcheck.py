"""kb.checks.factcheck: one immutable fact check, verdicts, analyst verdicts kept apart, the
CLI, and the reviewed golden findings of the 2026 letter.

The golden file was checked entry by entry against the evidence (sources.json). When a change
is intended, rewrite it with `UPDATE_GOLDEN=1 pytest tests/test_factcheck.py` and review the
diff line by line before committing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil

import pytest

from kb.checks.factcheck import VERDICT_LABELS, FactCheck, analyst_verdicts, fact_check
from kb.cli import main
from tests.checkshelp import CHECKS_KB, CLEAN_KB, GOLDEN_2026, golden_rows
from tests.conftest import DATA


def _load(path):
    from kb.graph import build_graph
    from kb.load import load_kb

    kb = load_kb(path)
    return kb, build_graph(kb)


@pytest.fixture(scope="module")
def seed():
    kb, g = _load(DATA)
    return kb, fact_check(kb, g)


@pytest.fixture(scope="module")
def fixture_fc():
    kb, g = _load(CHECKS_KB)
    return kb, fact_check(kb, g)


def claim_starting(kb, prefix: str):
    (c,) = [c for c in kb.claims() if c.text.startswith(prefix)]
    return c


def test_fact_check_is_frozen_and_covers_every_claim(fixture_fc):
    kb, fc = fixture_fc
    assert isinstance(fc, FactCheck) and isinstance(fc.findings, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fc.findings = ()
    ids = {c.id for c in kb.claims()}
    assert set(fc.verdicts) == ids and set(fc.matches) == ids
    assert {v.label for v in fc.verdicts.values()} <= set(VERDICT_LABELS)
    for v in fc.verdicts.values():
        assert v.reason.endswith(".") and "\n" not in v.reason


@pytest.mark.parametrize(
    "prefix, label",
    [
        ("The randomized Alpha trial compared 90", "partly supported"),  # NUM-TRIAL-SIZE
        ("The Alpha trial compared the device with sham", "not supported by the cited source"),
        ("Serious device-related", "contradicted"),
        ("No serious device-related", "cites a non-publication"),
        ("At two years, 16 patients", "contradicted"),  # 16 for 160: order of magnitude
        ("Harms occurred in 5.0%", "not supported by the cited source"),
        ("Example pain is reported", "source not available"),
        ("Five-year results", "source not available"),
        ("Further details", "source not available"),
        ("The trial design has been described", "needs reading"),
        ("Walking distance improved significantly", "supported"),
        ("The new billing code shows", "cites a non-publication"),
        ("Over two million patients", "uncited"),
        ("January 1, 2024", "no factual claim"),
    ],
)
def test_fixture_verdicts(fixture_fc, prefix, label):
    kb, fc = fixture_fc
    v = fc.verdicts[claim_starting(kb, prefix).id]
    assert v.label == label, v.reason


def test_verdict_codes_include_the_findings_about_the_cited_reference(fixture_fc):
    kb, fc = fixture_fc
    v = fc.verdicts[claim_starting(kb, "Five-year results").id]
    assert {"CIT-UNVERIFIED", "CIT-DATED-AFTER"} <= set(v.codes)
    v = fc.verdicts[claim_starting(kb, "Serious device-related").id]
    assert {"NUM-CONTRADICTED", "CONS-NEGATION"} <= set(v.codes)
    assert v.outcomes == ("a-serious-aes",)


def test_clean_letter_is_supported_throughout():
    kb, g = _load(CLEAN_KB)
    fc = fact_check(kb, g)
    labels = {fc.verdicts[c.id].label for c in kb.claims() if c.numbers}
    assert labels == {"supported"}


def test_analyst_verdicts_are_reanchored_and_kept_apart(tmp_path):
    data = tmp_path / "d"
    shutil.copytree(CHECKS_KB, data)
    letter = data / "letters" / "bad.txt"
    letter.write_text(
        "Preface added later.\n\n" + letter.read_text(encoding="utf-8"), encoding="utf-8"
    )
    kb, g = _load(data)
    got = analyst_verdicts(kb)
    target = claim_starting(kb, "At two years, 16 patients")
    assert list(got) == [target.id]
    a = got[target.id]
    assert a.verdict == "contradicted" and a.claim == target.id
    assert kb.documents["bad"].text[a.start : a.end] == "16 patients remained in follow-up"
    # the machine keeps its own verdict (and reason)
    assert "a digit dropped" in fact_check(kb, g).verdicts[target.id].reason


def test_seed_letter_golden_findings(seed):
    _, fc = seed
    rows = golden_rows([f for f in fc.findings if f.document == "nysipp-2026"])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_2026.write_text(
            json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(GOLDEN_2026.read_text(encoding="utf-8"))
    assert rows == expected


@pytest.mark.parametrize(
    "prefix, label",
    [
        ("The MIDAS ENCORE prospective", "partly supported"),  # NUM-TRIAL-SIZE
        ("There were no serious device-/procedure-related AEs", "supported"),  # inherited
        ("WTT demonstrated 274 %", "partly supported"),
        ("Significant device- or procedure-related AEs", "contradicted"),
        ("No significant device- or procedure-related AEs", "supported"),
        ("The rate of harms with mild was less than half", "supported"),
        ("The rate of subsequent interventions was not significantly", "supported"),
        ("Overall composite rate", "supported"),
        ("Four studies met the inclusion criteria", "contradicted"),  # 16 for 160
        ("Objective outcomes also remained durable", "source not available"),
        ("While the lack of universal diagnostic criteria", "source not available"),
        ("This procedure is typically conducted on an outpatient basis", "cites a non-publication"),
        ("Analysis of the evidence found", "uncited"),
        ("Figure 4:", "uncited"),
    ],
)
def test_seed_letter_verdicts(seed, prefix, label):
    kb, fc = seed
    (c,) = [c for c in kb.claims("nysipp-2026") if c.text.startswith(prefix)]
    assert fc.verdicts[c.id].label == label, fc.verdicts[c.id].reason


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_check_json_contract_and_exit_code(capsys):
    code, out, _ = run_cli(capsys, "--data", str(CHECKS_KB), "check", "bad", "--format", "json")
    rows = json.loads(out)
    assert code == 1  # errors: a contradiction and a negation pair
    for r in rows:
        assert set(r) >= {
            "code",
            "severity",
            "document",
            "claim_id",
            "claim_text",
            "message",
            "refs",
            "evidence",
        }
    by = {r["code"]: r for r in rows}
    assert by["NUM-NEAR-MISS"]["claim_text"].startswith("At two years, 16 patients")
    assert by["CIT-DUPLICATE-WORK"]["claim_id"] is None
    assert by["CIT-DUPLICATE-WORK"]["refs"] == [1, 5]
    assert isinstance(by["ARITH-P-VALUE"]["evidence"], dict)


def test_cli_check_table_groups_by_severity_and_filters(capsys):
    code, out, _ = run_cli(
        capsys, "--data", str(CHECKS_KB), "check", "bad", "--min-severity", "error"
    )
    assert code == 1
    assert out.startswith("ERROR (5)") and "WARNING" not in out
    assert out.rstrip().endswith("5 error(s), 20 warning(s), 6 info in bad")


def test_cli_check_clean_letter_exits_0(capsys):
    code, out, _ = run_cli(capsys, "--data", str(CLEAN_KB), "check", "clean")
    assert code == 0 and "0 error(s), 0 warning(s)" in out


def test_cli_check_unknown_document(capsys):
    code, _, err = run_cli(capsys, "--data", str(CHECKS_KB), "check", "nope")
    assert code == 2 and "no document 'nope'" in err


def test_cli_claims_json_has_verdict_and_codes(capsys):
    code, out, _ = run_cli(capsys, "--data", str(CHECKS_KB), "claims", "bad", "--format", "json")
    rows = {r["text"][:22]: r for r in json.loads(out)}
    assert code == 0
    r = rows["Serious device-related"]
    assert r["verdict"] == "contradicted" and "NUM-CONTRADICTED" in r["finding_codes"]
    assert all("verdict" in r and "finding_codes" in r for r in rows.values())
