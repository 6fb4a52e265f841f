"""A new letter checked end to end against imported records only (no curated data).

The letter and its records are fictional (tests/fixtures/records); expected.json lists, per
sentence, which numbers are stated correctly and which were altered. The golden file holds every
verdict and finding; regenerate it with KB_UPDATE_GOLDEN=1 after an intended change.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.importing import import_records
from kb.load import load_kb

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "tests" / "fixtures" / "records"
GOLDEN = ROOT / "tests" / "golden" / "records-letter-check.json"
FILES = ["pubmed.xml", "jats.xml", "medline.nbib", "records.ris", "records.bib", "records.csl.json"]
DOC = "mwsisc-2031"


def build(tmp: Path, files: list[str] = FILES):
    """A data directory with the letter and nothing curated, then the records imported."""
    d = tmp / "data"
    shutil.copytree(RECORDS / "kb", d)
    kb = load_kb(d)
    import_records([(f, (RECORDS / f).read_bytes()) for f in files], kb, today="2031-09-20")
    kb = load_kb(d)
    graph = build_graph(kb)
    return kb, fact_check(kb, graph)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    return build(tmp_path_factory.mktemp("records"))


def _claim(kb, start: str):
    return next(c for c in kb.claims(DOC) if c.text.startswith(start))


def render(kb, fc) -> str:
    """Every verdict and finding of the letter, one JSON object per line."""
    lines = []
    for c in kb.claims(DOC):
        v = fc.verdicts[c.id]
        lines.append(json.dumps({"claim": c.id, "verdict": v.label, "reason": v.reason},
                                ensure_ascii=False))  # fmt: skip
    for f in fc.of_document(DOC):
        lines.append(json.dumps({"code": f.code, "severity": f.severity, "claim": f.claim,
                                 "message": f.message}, ensure_ascii=False))  # fmt: skip
    return "\n".join(lines) + "\n"


def test_nothing_comes_from_curation(checked):
    kb, _ = checked
    assert kb.outcomes == {} and kb.studies == {} and kb.reference_map == {}
    assert all(w.source.file.startswith("records/") for w in kb.works.values())
    assert kb.problems == []


def test_golden(checked):
    kb, fc = checked
    text = render(kb, fc)
    if os.environ.get("KB_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


SUPPORTED = [
    "The sham-controlled RELIEF-1 trial randomized 184 patients",
    "At 6 months, pain fell from 7.1 to 3.4 points with PFCA",
    "Responders were 52 of 92 (56.5%) with PFCA",
    "By 3 months, 48.9% of PFCA patients",  # in the full text's Table 2 only
    "In the extended follow-up of RELIEF-1, mean pain in the PFCA group was 3.9 points",
    "Only 11 of 92 PFCA patients (12.0%)",
    "The RELIEF-2 trial randomized 240 patients (121 PFCA, 119 conservative care)",
    "A meta-analysis of seven randomized trials with 1,032 patients",
    "PFCA is also good value",
]


@pytest.mark.parametrize("start", SUPPORTED)
def test_correct_numbers_are_supported_quoting_the_record(checked, start):
    kb, fc = checked
    v = fc.verdicts[_claim(kb, start).id]
    assert v.label == "supported", v.reason
    assert "whose record says" in v.reason and "not reviewed" in v.reason


@pytest.mark.parametrize(
    ("start", "stated", "why"),
    [
        ("Procedure-related adverse events", "3.3%", "arms swapped"),
        ("The responder rate at 2 years", "45.7%", "two digits swapped"),
        ("In routine practice, the FACET-REG", "116", "a digit dropped"),
    ],
)
def test_altered_numbers_are_near_misses(checked, start, stated, why):
    kb, fc = checked
    c = _claim(kb, start)
    ms = [m for m in fc.matches[c.id] if m.status == "near miss"]
    assert any(stated in m.number.text and why in m.reason for m in ms)
    assert any(f.code == "NUM-NEAR-MISS" for f in fc.findings_of(c.id))


def test_a_number_absent_from_an_abstract_is_not_called_false(checked):
    kb, fc = checked
    c = _claim(kb, "Moreover, 78% of treated patients")
    (f,) = [f for f in fc.findings_of(c.id) if f.code == "NUM-NOT-IN-SOURCE"]
    assert "abstract only" in f.message
    assert fc.verdicts[c.id].label == "source not available"


def test_abstract_only_leaves_the_table_number_unverified(tmp_path):
    kb, fc = build(tmp_path, ["pubmed.xml"])
    v = fc.verdicts[_claim(kb, "By 3 months, 48.9%").id]
    assert v.label == "source not available" and "full text" in v.reason


# --- honest provenance words -------------------------------------------------------------------


def test_no_record_imported_yet(tmp_path):
    kb, fc = build(tmp_path, [])
    assert kb.records == {}
    v = fc.verdicts[_claim(kb, "The sham-controlled RELIEF-1 trial").id]
    assert v.label == "source not available"
    assert "no record imported yet: import its PubMed/PMC record or run with --fetch" in v.reason
    assert "not found" not in v.reason


def test_not_found_only_after_records_were_imported(tmp_path):
    kb, fc = build(tmp_path, ["pubmed.xml"])
    v = fc.verdicts[_claim(kb, "A meta-analysis of seven").id]
    assert v.label == "source not available"
    assert "not found in any of the 4 imported records" in v.reason


def test_each_work_shows_the_records_it_was_built_from(checked, capsys):
    from kb.views.evidence import record_sources, work_rows

    kb, _ = checked
    key = next(k for k, w in kb.works.items() if w.pmid == "91234501")
    assert record_sources(kb, key) == [
        (
            "pubmed.xml record 1 (PubMed XML, abstract; 31 numbers extracted, not reviewed; "
            "imported 2031-09-20)"
        ),
        (
            "jats.xml record 1 (PMC/JATS full text, full text; 102 numbers extracted, "
            "not reviewed; imported 2031-09-20)"
        ),
    ]
    row = next(r for r in work_rows(kb) if r["work"] == key)
    assert row["record"].startswith("imported: pubmed.xml record 1")


def test_machine_numbers_export_with_provenance(checked):
    from kb.export import render

    kb, fc = checked
    data = render("record-numbers-csv", kb, None, fc, DOC).decode()
    header, *rows = data.splitlines()
    assert header.startswith("id,work,record,scope,section,number,kind,value")
    row = next(r for r in rows if "52 of 92 (56.5%)" in r and "pubmed.xml" in r)
    assert "RESULTS" in row and "extracted from the record, not reviewed" in row
