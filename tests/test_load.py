"""Loader: good input loads; each kind of bad input names its file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.load import LoadError, load_tables, parse_bib, parse_csv, parse_outcomes, parse_studies
from kb.schema import OUTCOME_COLUMNS

TINY = Path(__file__).parent / "fixtures" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny hand-made KB."""
    dest = tmp_path / "data"
    shutil.copytree(TINY, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def only(problems, **want):
    """The problems whose attributes equal `want`."""
    return [p for p in problems if all(getattr(p, k) == v for k, v in want.items())]


def test_tiny_kb_loads_without_problems():
    kb = load_tables(TINY)
    assert kb.problems == []
    assert set(kb.works) == {"doe2020alpha", "poe2022alpha2y", "tinynote"}
    assert kb.studies["alpha"].works == ("doe2020alpha", "poe2022alpha2y")
    o = kb.outcomes["alpha-2y-harms"]
    assert (o.value, o.count, o.denominator, o.value_text) == (4.2, 2.0, 48.0, "2 (4.2%)")
    assert o.source.file == "outcomes.csv" and o.source.line == 4
    assert kb.works["doe2020alpha"].verified and not kb.works["poe2022alpha2y"].verified
    assert kb.works["poe2022alpha2y"].unconfirmed == ("pages",)
    assert kb.works["doe2020alpha"].authors == ("Doe, Jane", "Roe, Richard")
    assert kb.reference_map[("tiny", 2)] == "poe2022alpha2y"
    assert kb.documents["tiny"].officers == ("Ann Example (President)",)
    assert kb.documents["tiny"].text.startswith("Tiny Society of Examples")


def test_malformed_bib_entry_is_reported_with_its_line(tiny: Path):
    edit(tiny / "references.bib", "  pages = {5-9},\n", "  pages = {5-9,\n")
    kb = load_tables(tiny)
    bad = only(kb.problems, file="references.bib")
    assert bad and bad[0].line == 17  # the @article{poe2022alpha2y line
    assert "malformed" in bad[0].message
    assert "doe2020alpha" in kb.works  # the good entry before it still loads


def test_duplicate_citekey_is_reported(tiny: Path):
    with open(tiny / "references.bib", "a", encoding="utf-8") as fh:
        fh.write(
            "\n@misc{tinynote,\n  title = {Again},\n  kind = {note},\n"
            "  verified = {cited-only},\n}\n"
        )
    kb = load_tables(tiny)
    dup = only(kb.problems, file="references.bib")
    assert len(dup) == 1 and "duplicate citekey 'tinynote'" in dup[0].message
    assert dup[0].line == 36
    assert kb.works["tinynote"].title == "Based on the package insert"


def test_bib_field_values_are_checked(tiny: Path):
    edit(tiny / "references.bib", "pmid = {11111111}", "pmid = {PM111}")
    edit(tiny / "references.bib", "kind = {note}", "kind = {blog}")
    kb = load_tables(tiny)
    (pmid,) = only(kb.problems, field="pmid")
    assert (pmid.file, pmid.line) == ("references.bib", 11) and "PM111" in pmid.message
    (kind,) = only(kb.problems, field="kind")
    assert kind.line == 32 and "'blog'" in kind.message


def test_csv_missing_a_column_raises_a_named_error(tiny: Path):
    edit(tiny / "studies.csv", "id,name,design,", "id,name,")
    with pytest.raises(LoadError) as err:
        load_tables(tiny)
    assert err.value.file == "studies.csv" and err.value.field == "design"
    assert "studies.csv:1 [design]: missing column(s): design" in str(err.value)


def test_non_numeric_value_is_reported_and_row_kept(tiny: Path):
    edit(tiny / "outcomes.csv", ",3.0,,points,", ",three,,points,")
    kb = load_tables(tiny)
    (p,) = kb.problems
    assert (p.file, p.line, p.field) == ("outcomes.csv", 3, "value")
    assert "'three'" in p.message
    assert kb.outcomes["alpha-1y-pain"].value is None  # kept, value unknown


def test_dangling_study_and_work_are_reported_not_dropped(tiny: Path):
    edit(tiny / "outcomes.csv", "alpha-1y-pain,alpha,doe2020alpha", "alpha-1y-pain,beta,doe2099x")
    edit(tiny / "studies.csv", "doe2020alpha; poe2022alpha2y", "doe2020alpha; ghost2001")
    kb = load_tables(tiny)
    assert "alpha-1y-pain" in kb.outcomes
    msgs = {(p.file, p.line, p.field): p.message for p in kb.problems}
    assert msgs[("outcomes.csv", 3, "study")] == "unknown study 'beta'"
    assert msgs[("outcomes.csv", 3, "work")] == "unknown work 'doe2099x'"
    assert msgs[("studies.csv", 2, "works")] == "unknown work 'ghost2001'"


def test_non_utf8_file_raises_naming_file_and_line(tiny: Path):
    data = (
        (tiny / "studies.csv").read_bytes().replace(b"usual care,adults", b"usual care,adults \xe9")
    )
    (tiny / "studies.csv").write_bytes(data)
    with pytest.raises(LoadError) as err:
        load_tables(tiny)
    assert err.value.file == "studies.csv" and err.value.line == 2
    assert "not valid UTF-8" in str(err.value)


@pytest.mark.parametrize("name", ["references.bib", "studies.csv", "outcomes.csv", "documents.csv"])
def test_empty_file_raises_naming_it(tiny: Path, name: str):
    (tiny / name).write_text("", encoding="utf-8")
    with pytest.raises(LoadError, match=rf"^{name}: file is empty"):
        load_tables(tiny)


@pytest.mark.parametrize("name", ["references.bib", "studies.csv", "documents.csv"])
def test_missing_file_raises_naming_it(tiny: Path, name: str):
    (tiny / name).unlink()
    with pytest.raises(LoadError, match=rf"^{name}: file not found"):
        load_tables(tiny)


def test_optional_files_may_be_absent(tiny: Path):
    (tiny / "assessments.csv").unlink()
    (tiny / "reference_map.csv").unlink()
    kb = load_tables(tiny)
    assert kb.problems == [] and kb.assessments == {} and kb.reference_map == {}


def test_missing_document_file_is_reported(tiny: Path):
    (tiny / "letters" / "tiny.txt").unlink()
    kb = load_tables(tiny)
    (p,) = kb.problems
    assert (p.file, p.line, p.field) == ("documents.csv", 2, "file")


def test_bad_vocabulary_date_and_flag(tiny: Path):
    edit(tiny / "studies.csv", ",RCT,", ",randomised trial,")
    edit(tiny / "documents.csv", "2026-01-05", "5 Jan 2026")
    edit(tiny / "outcomes.csv", '"abstract, methods",true', '"abstract, methods",maybe')
    kb = load_tables(tiny)
    fields = {(p.file, p.line, p.field) for p in kb.problems}
    assert fields == {
        ("studies.csv", 2, "design"),
        ("documents.csv", 2, "date"),
        ("outcomes.csv", 2, "verified"),
    }


def test_outcome_cannot_be_verified_when_its_work_is_cited_only(tiny: Path):
    edit(tiny / "outcomes.csv", '"abstract, results",false', '"abstract, results",true')
    kb = load_tables(tiny)
    (p,) = kb.problems
    assert (p.line, p.field) == (4, "verified") and "cited-only" in p.message


def test_duplicate_ids_keep_first_and_report(tiny: Path):
    with open(tiny / "outcomes.csv", "a", encoding="utf-8") as fh:
        fh.write('alpha-n,alpha,doe2020alpha,sample size,,,,,99,,,,,,,,"abstract",true,\n')
    kb = load_tables(tiny)
    (p,) = kb.problems
    assert (p.line, p.field) == (5, "id")
    assert kb.outcomes["alpha-n"].value == 100


def test_ragged_row_is_reported(tiny: Path):
    with open(tiny / "studies.csv", "a", encoding="utf-8") as fh:
        fh.write("beta,Beta,RCT,only-three\n")
    kb = load_tables(tiny)
    assert any(p.line == 3 and "4 fields" in p.message for p in kb.problems)
    assert "beta" in kb.studies


def test_line_numbers_count_quoted_newlines():
    text = ",".join(OUTCOME_COLUMNS) + "\n" + 'a,s,w,ODI,"two\nlines",,,,1,,,,,,,,abs,true,\n'
    text += "b,s,w,ODI,,,,,x,,,,,,,,abs,true,\n"
    rows = parse_csv(text, "o.csv", OUTCOME_COLUMNS, ("id",))
    assert [line for line, _ in rows.rows] == [2, 4]
    outcomes, problems = parse_outcomes(text, {}, {}, "o.csv")
    assert any(p.line == 4 and p.field == "value" for p in problems)


def test_parse_functions_take_text_only():
    works, problems = parse_bib("@misc{k, title={T}, kind={note}, verified={record}}", "x.bib")
    assert problems == [] and works["k"].kind == "note" and works["k"].source.file == "x.bib"
    studies, problems = parse_studies("id,name,design,works\ns1,S,RCT,k\n", works, "s.csv")
    assert problems == [] and studies["s1"].works == ("k",)


def test_missing_data_dir_raises(tmp_path: Path):
    with pytest.raises(LoadError, match="data directory not found"):
        load_tables(tmp_path / "nope")


def test_braced_corporate_author_stays_one_author():
    bib = (
        "@misc{nass2020,\n"
        "  author = {{North American Spine and Pain Society} and Doe, Jane and Peter S. Staats},\n"
        "  title = {A statement},\n  year = {2020},\n  kind = {guideline},\n}\n"
    )
    works, problems = parse_bib(bib)
    # one author, its protective braces decoded away for display (kb.latex)
    assert works["nass2020"].authors == (
        "North American Spine and Pain Society",
        "Doe, Jane",
        "Peter S. Staats",
    )
