"""Record files (PubMed XML, MEDLINE, JATS, RIS, BibTeX, CSL-JSON) -> works + record text;
kb import."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb.cli import main
from kb.importing import import_records
from kb.load import load_kb
from kb.reading.numbers import find_numbers
from kb.reading.records import extract_numbers
from kb.sources.records import RecordError, read_records

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "tests" / "fixtures" / "records"
TINY = ROOT / "tests" / "fixtures" / "tiny"
GOOD = ["pubmed.xml", "jats.xml", "medline.nbib", "records.ris", "records.bib", "records.csl.json"]


def _read(name: str):
    return read_records((RECORDS / name).read_bytes(), name)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


def _snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


# --- readers -------------------------------------------------------------------------------------


def test_pubmed_xml_fields_and_labelled_abstract():
    recs, problems = _read("pubmed.xml")
    assert problems == [] and [r.pmid for r in recs] == [
        "91234501",
        "91234502",
        "91234503",
        "91234504",
    ]
    r = recs[0]
    assert r.doi == "10.5555/jisr.2027.0142" and r.pmcid == "PMC9900101"
    assert r.authors[0] == "Halvorsen KT" and r.authors[-1] == "RELIEF-1 Investigators"
    assert (r.year, r.volume, r.pages, r.scope) == (2027, "14", "201-212", "abstract")
    assert [p.label for p in r.parts] == [
        "TITLE",
        "BACKGROUND",
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]
    results = next(p for p in r.parts if p.label == "RESULTS")
    assert r.text[results.start : results.start + 22] == "Of 312 patients screen"
    # the DOI only in ArticleIdList, a MedlineDate, an abbreviated page range, inline markup
    reg = recs[3]
    assert reg.doi == "10.5555/pjpo.2029.0310" and reg.year == 2029 and reg.pages == "310-318"
    assert "kg/m2" in reg.text and "<sup>" not in reg.text and "(p < 0.001)" in reg.text


def test_jats_full_text_sections_and_tables():
    (r,), _ = _read("jats.xml")
    assert (r.pmid, r.pmcid, r.doi, r.scope) == (
        "91234501",
        "PMC9900101",
        "10.5555/jisr.2027.0142",
        "full text",
    )
    labels = [p.label for p in r.parts]
    assert "RESULTS" in labels and "Results / Patients" in labels
    tables = [p for p in r.parts if p.kind == "table"]
    assert {p.label.split(":")[0] for p in tables} == {"Table 2", "Table 3"}  # floats-group too
    row = tables[0]
    cells = dict(row.meta)["cells"]
    assert all(r.text[s:e] == cell for _, cell, s, e in cells)
    # bibliographic cross-references are dropped so their digits are not numbers
    intro = next(p for p in r.parts if p.label == "Introduction")
    assert "medial branches that supply the joint." in r.text[intro.start : intro.end]


@pytest.mark.parametrize(
    ("name", "fmt", "pmids"),
    [
        ("medline.nbib", "medline", ["91234502", "91234505"]),
        ("records.ris", "ris", ["91234506", "91234507"]),
        ("records.bib", "bibtex", ["91234508", "91234509"]),
        ("records.csl.json", "csl-json", ["91234510", "91234511"]),
    ],
)
def test_reference_manager_formats(name, fmt, pmids):
    recs, _ = _read(name)
    assert [r.format for r in recs] == [fmt] * len(pmids)
    assert [r.pmid for r in recs] == pmids
    assert all(r.doi and r.doi.startswith("10.5555/") for r in recs)
    assert all(r.scope == "abstract" for r in recs)


def test_inline_abstract_labels_become_sections():
    (r, _), _ = _read("medline.nbib")
    assert [p.label for p in r.parts][1:] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]


def test_bibtex_corporate_author_and_math():
    recs, _ = _read("records.bib")
    assert recs[0].authors == ("North American Spine Consortium",)
    assert "9.4 ± 1.1 mm" in recs[1].text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("truncated.xml", "malformed XML"),
        ("empty-set.xml", "holds no article"),
        ("not-xml.xml", "named .xml but its content is MEDLINE text"),
    ],
)
def test_unreadable_files_raise_naming_the_file(name, words):
    with pytest.raises(RecordError) as exc:
        read_records((RECORDS / "bad" / name).read_bytes(), name)
    assert name in str(exc.value) and words in str(exc.value)


def test_truncated_xml_names_the_line():
    with pytest.raises(RecordError) as exc:
        read_records((RECORDS / "bad" / "truncated.xml").read_bytes(), "truncated.xml")
    assert exc.value.line == 40


def test_no_network_for_an_unknown_dtd_version():
    data = (RECORDS / "pubmed.xml").read_bytes().replace(b"pubmed_250101", b"pubmed_990101")
    recs, _ = read_records(data, "future.xml")
    assert len(recs) == 4


# --- numbers from record text ------------------------------------------------------------------


def test_ratio_bound_to_its_ci_and_difference():
    t = (
        "(odds ratio 3.90, 95% CI 2.08 to 7.30; p < 0.001) and "
        "(difference -2.3 points, 95% CI -2.9 to -1.7)"
    )
    got = [(n.kind, n.value, dict(n.extra).get("ci_low"), dict(n.extra).get("ci_high")) for n in
           find_numbers(t) if n.kind in ("ratio", "difference")]  # fmt: skip
    assert got == [("ratio", 3.9, 2.08, 7.3), ("difference", -2.3, -2.9, -1.7)]
    hr = find_numbers("hazard ratio 0.72 (95% CI 0.40-1.30)")[0]
    assert (hr.kind, dict(hr.extra)["measure"]) == ("ratio", "hazard ratio")


def test_k_of_n_with_percent_is_one_number():
    (n,) = [m for m in find_numbers("Responders were 52 of 92 (56.5%) with PFCA.")]
    assert (n.kind, n.value, dict(n.extra)) == (
        "count_percent",
        52.0,
        {"percent": 56.5, "denominator": 92.0},
    )


def test_record_numbers_carry_section_sentence_arm_timepoint():
    (r, *_), _ = _read("pubmed.xml")
    nums = extract_numbers(r.text, r.parts, "w", "w:r1")
    resp = next(n for n in nums if n.text == "52 of 92 (56.5%)")
    assert (resp.section, resp.arm, resp.outcome) == ("RESULTS", "PFCA", "responders")
    sentence = r.text[resp.sentence_start : resp.sentence_end]
    assert sentence.startswith("Responders were 52 of 92")
    sham = next(n for n in nums if n.text.startswith("5.6 ± 2.2"))
    assert (sham.arm, sham.timepoint) == ("sham", "6 months")
    assert all(r.text[n.start : n.end] == n.text for n in nums)


def test_table_cells_give_arm_timepoint_and_outcome():
    (r,), _ = _read("jats.xml")
    nums = extract_numbers(r.text, r.parts, "w", "w:r1")
    cell = next(n for n in nums if n.section.startswith("Table 2") and n.value == 45)
    assert (cell.kind, cell.arm, cell.timepoint) == ("count_percent", "PFCA", "3 months")
    assert cell.outcome.startswith("Responders")
    diff = next(n for n in nums if n.section.startswith("Table 2") and n.kind == "difference")
    assert dict(diff.extra)["ci_low"] == -1.6


# --- kb import -----------------------------------------------------------------------------------


def _import(data_dir: Path, names: list[str], dry_run: bool = False):
    kb = load_kb(data_dir)
    sources = [(Path(n).name, (RECORDS / n).read_bytes()) for n in names]
    return import_records(sources, kb, dry_run=dry_run, today="2031-09-20")


def test_import_makes_works_and_merges_by_identifier(data_dir):
    result = _import(data_dir, GOOD)
    assert len(result.imported) == 12
    kb = load_kb(data_dir)
    assert kb.errors == []
    key = next(k for k, w in kb.works.items() if w.pmid == "91234501")
    recs = kb.records[key]
    assert [(r.format, r.scope) for r in recs] == [
        ("pubmed-xml", "abstract"),
        ("jats", "full text"),
    ]
    assert recs[0].numbers and recs[0].numbers[0].work == key
    assert kb.works[key].source.file == f"records/{key}.json"
    # the MEDLINE copy of a PubMed record is a duplicate, reported and not stored twice
    dup = [c for c in result.changes if c.action == "duplicate"]
    assert [c.record for c in dup] == ["medline.nbib:2 record 1 (PMID 91234502)"]
    stored = json.loads((data_dir / "records" / f"{key}.json").read_text())
    assert stored["work"]["title"].startswith("Percutaneous facet capsule ablation versus sham")


def test_dry_run_writes_nothing(data_dir):
    before = _snapshot(data_dir)
    result = _import(data_dir, GOOD, dry_run=True)
    assert result.imported and result.written == []
    assert _snapshot(data_dir) == before


def test_second_import_adds_nothing(data_dir):
    _import(data_dir, ["pubmed.xml"])
    before = _snapshot(data_dir)
    result = _import(data_dir, ["pubmed.xml"])
    assert result.imported == [] and {c.action for c in result.changes} == {"duplicate"}
    assert _snapshot(data_dir) == before


@pytest.mark.parametrize(
    ("name", "action", "words"),
    [
        ("bad/truncated.xml", "skipped", "malformed XML"),
        ("bad/empty-set.xml", "skipped", "holds no article"),
        ("bad/no-ids.xml", "skipped", "no PMID, DOI or PMCID"),
        ("bad/not-xml.xml", "skipped", "named .xml"),
        ("bad/conflict.xml", "conflict", "contradicts"),
    ],
)
def test_bad_input_is_named_and_nothing_is_lost(data_dir, name, action, words):
    _import(data_dir, ["pubmed.xml"])
    before = _snapshot(data_dir)
    result = _import(data_dir, [name])
    assert [c.action for c in result.changes] == [action]
    assert any(words in c.message for c in result.changes)
    base = Path(name).name
    assert all(p.file == base for p in result.problems)
    assert _snapshot(data_dir) == before


def test_conflict_reports_title_and_year_and_keeps_the_work(data_dir):
    _import(data_dir, ["pubmed.xml"])
    result = _import(data_dir, ["bad/conflict.xml"])
    fields = sorted(p.message.split(": ")[1].split(" ")[0] for p in result.problems)
    assert fields == ["title", "year"]
    assert all("conflict.xml:4 record 1 (PMID 91234501)" in p.message for p in result.problems)


def test_duplicate_in_one_file(data_dir):
    result = _import(data_dir, ["bad/duplicate.xml"])
    assert [c.action for c in result.changes] == ["new work", "duplicate"]
    assert "PMID 91234503" in result.changes[1].record


def test_record_matching_a_curated_work_is_attached_not_copied(data_dir):
    bib = (data_dir / "references.bib").read_text()
    bib += (
        "\n@article{relief1curated,\n  title = {Percutaneous facet capsule ablation versus sham "
        "for chronic lumbar facet joint pain: the RELIEF-1 randomized clinical trial},\n"
        "  author = {Halvorsen, K. T.},\n  year = {2027},\n  doi = {10.5555/jisr.2027.0142},\n"
        "  kind = {journal-article},\n  verified = {cited-only}\n}\n"
    )
    (data_dir / "references.bib").write_text(bib)
    result = _import(data_dir, ["pubmed.xml"])
    first = result.changes[0]
    assert first.action == "added to work" and first.citekey == "relief1curated"
    kb = load_kb(data_dir)
    assert kb.works["relief1curated"].source.file == "references.bib"
    assert [r.format for r in kb.records["relief1curated"]] == ["pubmed-xml"]
    assert (data_dir / "references.bib").read_text() == bib


def test_cli_import_and_dry_run(data_dir, capsys):
    files = [str(RECORDS / "pubmed.xml")]
    assert main(["--data", str(data_dir), "import", "--dry-run", *files]) == 0
    out = capsys.readouterr().out
    assert "new work" in out and "nothing written (dry run)" in out
    assert not (data_dir / "records").exists()
    assert main(["--data", str(data_dir), "import", *files]) == 0
    assert "wrote records/" in capsys.readouterr().out
    assert main(["--data", str(data_dir), "import", str(RECORDS / "bad" / "truncated.xml")]) == 1
    out = capsys.readouterr().out
    assert "error: truncated.xml:40: malformed XML" in out


def test_a_damaged_record_file_is_a_problem_not_a_crash(data_dir):
    _import(data_dir, ["pubmed.xml"])
    (data_dir / "records" / "broken.json").write_text('{"citekey": "x", "records": [', "utf-8")
    (data_dir / "records" / "ghost.json").write_text(
        '{"citekey": "ghost", "work": null, "records": []}', "utf-8"
    )
    kb = load_kb(data_dir)
    msgs = sorted(str(p) for p in kb.errors)
    assert msgs[0].startswith("error: records/broken.json: not a record file")
    assert msgs[1] == "error: records/ghost.json [citekey]: records of unknown work 'ghost'"
    assert len(kb.records) == 4  # the good ones still load


# --- writing through kb.store: the lock, re-reads under it ---------------------------------------


def test_imports_from_one_stale_knowledge_base_all_survive(data_dir):
    """Two imports (two app users, two `kb import` runs) made with a knowledge base loaded
    before either wrote: the second sees the first's record files under the lock, so both
    records survive, a record the first added is a duplicate, and no work is made twice."""
    stale = load_kb(data_dir)

    def run(name: str):
        return import_records([(name, (RECORDS / name).read_bytes())], stale, today="2031-09-20")

    first = run("pubmed.xml")
    second = run("jats.xml")
    assert first.written and second.written
    again = run("pubmed.xml")
    assert again.imported == [] and {c.action for c in again.changes} == {"duplicate"}
    kb = load_kb(data_dir)
    assert kb.errors == []
    key = next(k for k, w in kb.works.items() if w.pmid == "91234501")
    assert [r.format for r in kb.records[key]] == ["pubmed-xml", "jats"]
    assert len({w.pmid for w in kb.works.values() if w.pmid}) == len(
        [w for w in kb.works.values() if w.pmid]
    )
    assert not (data_dir / ".kb.lock").exists()


def test_an_import_waits_for_the_data_directory_lock(data_dir):
    import threading
    import time

    from kb import store

    kb = load_kb(data_dir)
    done: list = []
    source = [("pubmed.xml", (RECORDS / "pubmed.xml").read_bytes())]
    with store.lock(data_dir):
        t = threading.Thread(target=lambda: done.append(import_records(source, kb)))
        t.start()
        time.sleep(0.3)
        assert t.is_alive() and not (data_dir / "records").exists()  # waiting, nothing written
    t.join(60)
    assert done and done[0].written and (data_dir / "records").is_dir()
