"""The check registry and fixture KBs: each check fires exactly once; a clean letter is clean."""

from __future__ import annotations

import doctest
import inspect
from collections import Counter

import pytest

from kb.checks import CHECKS, FAMILIES, check, emit, spec
from kb.schema import SEVERITIES
from tests.checkshelp import CHECKS_KB, CLEAN_KB, run
from tests.conftest import ROOT

CODES = [s.code for s in CHECKS]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bad_findings():
    from kb.load import load_kb

    return run(load_kb(CHECKS_KB))


@pytest.fixture(scope="module")
def clean_findings():
    from kb.load import load_kb

    return run(load_kb(CLEAN_KB))


def test_codes_are_unique_and_well_formed():
    assert len(CODES) == len(set(CODES))
    for s in CHECKS:
        assert s.severity in SEVERITIES and s.family in FAMILIES
        assert s.code.split("-")[0] in {"CIT", "NUM", "ARITH", "CONS", "EVID"}
        assert s.title and s.example.endswith(".")


def test_checks_are_ordered_by_family():
    families = [FAMILIES.index(s.family) for s in CHECKS]
    assert families == sorted(families)
    assert CODES[0] == "CIT-UNCITED"


@pytest.mark.parametrize("code", CODES)
def test_every_check_has_a_full_docstring_with_a_running_example(code):
    """Each check's docstring carries a doctest that calls the check itself (run by
    --doctest-modules on the fixture KB), not a comment dressed as an example."""
    fn = spec(code).fn
    doc = inspect.getdoc(fn) or ""
    examples = doctest.DocTestParser().get_examples(doc)
    assert len(doc.splitlines()) >= 3, code
    assert any(e.source.startswith(f"{fn.__name__}(ctx_fixture)") for e in examples), code
    assert all(e.want.strip() for e in examples), f"{code}: an example without its output"
    assert "doctest: +SKIP" not in doc, code


@pytest.mark.parametrize("code", CODES)
def test_every_check_is_in_the_readme_table(code):
    table = README.split("## Finding codes", 1)[1]
    row = next((line for line in table.splitlines() if line.startswith(f"| `{code}` |")), None)
    assert row is not None, f"README's finding-code table lacks {code}"
    assert f"| {spec(code).severity} |" in row


def test_readme_table_is_the_generated_one():
    from kb.checks import finding_codes_table

    assert finding_codes_table() in README, (
        "README's finding-code table is out of date: paste kb.checks.finding_codes_table()"
    )


def test_registering_a_code_twice_or_a_bad_severity_fails():
    with pytest.raises(ValueError, match="registered twice"):
        check(code="CIT-UNCITED", severity="warning", family="citations", title="t", example="e.")(
            lambda ctx: []
        )
    with pytest.raises(ValueError, match="severity"):
        check(code="X-NEW", severity="fatal", family="citations", title="t", example="e.")
    with pytest.raises(KeyError, match="no check registered"):
        spec("NOPE")


def test_emit_takes_the_severity_of_the_code():
    f = emit("CONS-NEGATION", "d", "d:c", "m.", refs=[3, 3, 1])
    assert f.severity == "error" and f.refs == (3, 1)


def test_each_check_fires_exactly_once_on_the_fixture(bad_findings):
    counts = Counter(f.code for f in bad_findings)
    assert counts == Counter({code: 1 for code in CODES})


def test_fixture_findings_sit_where_they_were_planted(bad_findings):
    from kb.load import load_kb

    kb = load_kb(CHECKS_KB)
    text = {c.id: c.text for c in kb.claims()}
    where = {f.code: (f.document, text.get(f.claim, ""), f.refs) for f in bad_findings}
    assert where["CIT-UNCITED"][0] == "prior"
    assert where["CONS-CROSS-DOCUMENT"][0] == "bad"  # reported on the later document
    assert where["NUM-CONTRADICTED"][1].startswith("Serious device-related")
    assert where["NUM-NEAR-MISS"][1].startswith("At two years, 16 patients")
    assert where["ARITH-P-VALUE-FLIP"][1].startswith("Readmission rates")
    assert where["ARITH-SIGNIFICANCE"][1].startswith("Revision surgery was significantly")
    assert where["CIT-DUPLICATE-WORK"][2] == (1, 5)
    assert where["CIT-DETAIL-MISMATCH"][2] == (5,)
    assert where["CIT-UNVERIFIED"][2] == where["CIT-DATED-AFTER"][2] == (7,)
    assert where["CIT-UNRESOLVED"][2] == (8,)


def test_messages_are_single_sentences_with_their_numbers(bad_findings):
    for f in bad_findings:
        assert "\n" not in f.message and f.message.endswith((".", ".”", '."')), f
    by = {f.code: f.message for f in bad_findings}
    assert "3/40 = 7.5%" in by["ARITH-PERCENT-DENOMINATOR"]
    assert "only of 43" in by["ARITH-PERCENT-DENOMINATOR"]
    assert "160" in by["NUM-NEAR-MISS"] and "a digit dropped" in by["NUM-NEAR-MISS"]
    assert "4.0% + 2.0% = 6.0%" in by["ARITH-COMPOSITE"]
    assert "50%" in by["ARITH-CHANGE"] and "60%" in by["ARITH-CHANGE"]
    assert "0.49" in by["ARITH-P-VALUE"] and "p = 0.90" in by["ARITH-P-VALUE"]
    assert "volume 11 in the letter, 10 in the record" in by["CIT-DETAIL-MISMATCH"]
    assert "tenfold" in by["CONS-CROSS-DOCUMENT"]
    assert "Ann Able (President)" in by["EVID-AUTHOR-OVERLAP"]


def test_clean_letter_has_no_warning_or_error(clean_findings):
    bad = [f for f in clean_findings if f.severity != "info"]
    assert bad == []
    assert {f.code for f in clean_findings} == {"NUM-MATCH"}


def test_findings_are_in_reading_order(bad_findings):
    from kb.load import load_kb

    kb = load_kb(CHECKS_KB)
    pos = {c.id: c.start for c in kb.claims()}
    keys = [(f.document, pos.get(f.claim, -1)) for f in bad_findings]
    assert keys == sorted(keys)
