"""What each number is: `kb trace` (text and JSON) and the trace panel give, per number the
letter states, the source number it is matched with (outcome, arm, analysis set, timepoint,
value and comparator as printed, count, denominator, p, the curator's note) and its provenance
(work, PMID/DOI, locator, curated or machine-extracted, verified or not). Numbers keep the
precision the source prints: 9.0 stays 9.0, `<8` keeps its unit."""

from __future__ import annotations

import csv
import json

import pytest

from kb.cli import main
from kb.export.rows import outcome_value as export_value
from kb.load import load_kb, parse_outcomes
from kb.model import Outcome
from kb.views.common import outcome_comparator, outcome_value, printed
from kb.views.trace import source_details, source_number
from tests.conftest import DATA, TINY
from tests.test_records_check import DOC, _claim, build
from tests.ui_helpers import no_traceback, number_lines, run_page

HEADER = (
    "id,study,work,measure,outcome,arm,timepoint,analysis_set,value,value_text,unit,count,"
    "denominator,comparator_value,comparator_text,p_value,locator,verified,note\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- precision: what the source prints is what is shown -------------------------------------
def test_printed_precision_round_trips_through_loading():
    text = HEADER + (
        "a,s,w,NPRS,pain,mild,1 year,treated,3.0,,points,,,1.50,,<0.001,abstract,true,\n"
        "b,s,w,surgery,later surgery,mild,2 years,,9.0,,%,9,100,12.10,,,abstract,true,\n"
        "c,s,w,subsequent intervention,later procedures,mild,1 year,,,<8,%,,,,,,summary,false,\n"
        'd,s,w,sample size,randomized,all,,randomized,"3,956",,patients,,,,,,abstract,true,\n'
    )
    outs, problems = parse_outcomes(text, {}, {})
    assert not [p for p in problems if "unknown" not in p.message]
    a, b, c, d = (outs[k] for k in "abcd")
    assert (a.value, a.printed_of("value"), a.printed_of("comparator_value")) == (
        3.0,
        "3.0",
        "1.50",
    )
    assert (outcome_value(a), outcome_comparator(a)) == ("3.0 points", "1.50 points")
    assert (outcome_value(b), printed(b, "count"), printed(b, "denominator")) == (
        "9.0%",
        "9",
        "100",
    )
    assert outcome_comparator(b) == "12.10%"
    assert outcome_value(c) == "<8%" and c.value is None  # text stays text, with its unit
    assert export_value(c).startswith("<8 %") and export_value(a).startswith("3.0 points; vs 1.50")
    assert outcome_value(d) == "3,956 patients"
    # without a printed form (a record built in code), the float is shown as a person writes it
    assert outcome_value(Outcome("x", "s", "w", "NPRS", value=3.0, unit="points")) == "3 points"


def test_every_bundled_number_is_shown_as_the_csv_prints_it():
    kb = load_kb(DATA)
    with (DATA / "outcomes.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    checked = 0
    for oid, o in kb.outcomes.items():
        for col in ("value", "count", "denominator", "comparator_value"):
            raw = rows[oid][col].strip()
            assert printed(o, col) == raw, (oid, col)
            checked += bool(raw)
        d = source_number(o, kb.works)
        if rows[oid]["value"] and not rows[oid]["value_text"]:
            assert d["value"].startswith(rows[oid]["value"]), oid
    assert checked > 80
    # the figures the letter quotes with a trailing zero keep it
    assert outcome_value(kb.outcomes["lam-2y-surgery"]).startswith("9.0")
    assert outcome_value(kb.outcomes["motion-3y-nprs-back"]) == "3.0 points"
    assert outcome_value(kb.outcomes["motion-1y-subsequent-press"]) == "<8%"


# --- kb trace, text and JSON ------------------------------------------------------------------
def test_trace_text_says_what_each_number_is(capsys):
    code, out, _ = run(capsys, "--data", str(DATA), "trace", "nysipp-2026:s08.c09")
    assert code == 0
    assert "NPRS mild+CMM 3 years = 3.0 points" in out  # not "= 3 points"
    assert "subsequent intervention mild+CMM 1 year = <8 %" in out
    assert "numbers the claim states, and what each is matched with:" in out
    block = out.split('"4 (5.6 %) patients": ≈ near miss; source: 4 (5.6%)', 1)[1]
    for line in (
        "outcome: patients who had received surgical intervention",
        "arm: mild+CMM",
        "analysis set: —",
        "timepoint: through 3 years",
        "value: 4 (5.6%)",
        "count: 4",
        "denominator: —",
        "curator's note: No denominator is printed.",
        "work: costandi2025motion3y, PMID 40161895 / DOI 10.1016/j.inpm.2025.100561",
        "locator: abstract",
        "status: curated, verified in the record",
    ):
        assert line in block, line


def test_trace_text_shows_the_printed_nine_point_zero(capsys):
    code, out, _ = run(capsys, "--data", str(DATA), "trace", "nysipp-2026:s12.c05")
    assert code == 0
    block = out.split('"9.0 %": ✓ matched', 1)[1]
    assert "value: 9.0%" in block.split('\n    "', 1)[0]


def test_trace_json_gives_each_number_with_its_provenance(capsys):
    code, out, _ = run(
        capsys, "--data", str(DATA), "trace", "nysipp-2026:s08.c09", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    near = next(n for n in data["numbers"] if n["text"] == "4 (5.6 %) patients")
    assert near["status"] == "near miss"
    src = near["source"]
    assert (src["id"], src["outcome"], src["arm"], src["timepoint"]) == (
        "motion-3y-surgery",
        "patients who had received surgical intervention",
        "mild+CMM",
        "through 3 years",
    )
    assert (src["value"], src["count"], src["denominator"], src["analysis_set"]) == (
        "4 (5.6%)",
        "4",
        None,
        None,
    )
    assert src["note"].startswith("No denominator is printed.")
    assert src["provenance"] == {
        "work": "costandi2025motion3y",
        "pmid": "40161895",
        "doi": "10.1016/j.inpm.2025.100561",
        "locator": "abstract",
        "origin": "curated",
        "verified": True,
    }
    outs = {o["id"]: o for r in data["refs"] for s in r["studies"] for o in s["outcomes"]}
    back = outs["motion-3y-nprs-back"]
    assert (back["value"], back["value_printed"], back["shown"]) == (3.0, "3.0", "3.0 points")
    press = outs["motion-1y-subsequent-press"]
    assert (press["shown"], press["provenance"]["verified"]) == ("<8%", False)
    # the 77 randomized to mild+CMM is the 6-month report's figure, with that report's ids
    assert outs["motion-3y-n-randomized"]["provenance"]["pmid"] == "34140805"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    d = tmp_path_factory.mktemp("records-trace")
    kb, fc = build(d)
    return d / "data", kb, fc


def test_trace_shows_machine_extracted_numbers_as_such(imported, capsys):
    data, kb, fc = imported
    claim = next(
        c
        for c in kb.claims(DOC)
        if any(
            m.outcome is not None and m.outcome.origin == "extracted" for m in fc.matches_of(c.id)
        )
    )
    code, out, _ = run(capsys, "--data", str(data), "trace", claim.id, "--format", "json")
    assert code == 0
    numbers = [n for n in json.loads(out)["numbers"] if n["source"]]
    extracted = [
        n["source"] for n in numbers if n["source"]["provenance"]["origin"] == "machine-extracted"
    ]
    assert extracted
    for src in extracted:
        assert src["provenance"]["verified"] is False and src["quote"]
        assert src["value"] == src["value_printed"]  # the record's own text, as printed
    code, text, _ = run(capsys, "--data", str(data), "trace", claim.id)
    assert "status: machine-extracted from the record, not reviewed" in text
    assert "record sentence: " in text
    m = next(m for m in fc.matches_of(claim.id) if m.outcome is not None)
    details = dict(source_details(m.outcome, kb.works))
    assert details["status"].startswith("machine-extracted")
    assert _claim(kb, claim.text[:20]).id == claim.id


# --- the app's trace panel --------------------------------------------------------------------
def test_trace_panel_shows_what_the_source_number_is(monkeypatch):
    at = run_page(monkeypatch, DATA, params={"doc": "nysipp-2026", "claim": "nysipp-2026:s12.c05"})
    no_traceback(at)
    line = next(x for x in number_lines(at) if x.startswith("Letter: **9.0 %**"))
    assert "source: **9.0%" in line
    for part in ("arm: ", "analysis set: ", "timepoint: ", "value: 9.0%", "comparator: ",
                 "denominator: ", "curator's note: ", "locator: abstract",
                 "status: curated, verified in the record"):  # fmt: skip
        assert part in line, part
    assert "PMID 39238588" in line


def test_trace_panel_of_the_tiny_kb_names_an_unverified_number(monkeypatch):
    at = run_page(monkeypatch, TINY, params={"doc": "tiny", "claim": "tiny:s02.c02"})
    no_traceback(at)
    lines = number_lines(at)
    assert "value: 3.0 points · comparator: 1.0 points" in lines[0]
