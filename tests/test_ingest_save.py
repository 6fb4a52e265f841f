"""Saving an ingested letter: only on request, never overwriting, and it loads back the same."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import kb.ingest as ingest_mod
from kb import store
from kb.cli import main
from kb.ingest import SaveConflict, ingest, save
from kb.load import load_kb, parse_bib
from kb.model import ReferenceEntry
from kb.sources import IngestError
from kb.store import bibtex_text
from tests.conftest import DATA, ROOT, TINY
from tests.ingest_docs import make_docx, make_pdf

APP = str(ROOT / "app.py")
BRACKET = ROOT / "tests" / "fixtures" / "ingest" / "bracket-letter.txt"
LETTER = DATA / "letters" / "nysipp-2026-06-26-letter-mild.txt"


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def _bundled_data_is_never_written():
    before = _snapshot(DATA)
    yield
    assert _snapshot(DATA) == before


@pytest.fixture
def data(tmp_path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture
def tiny(tmp_path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


def _claims(reading_claims) -> list[tuple]:
    return [(c.id, c.section, c.kind, c.text, c.start, c.end, c.refs) for c in reading_claims]


def test_saved_pdf_letter_loads_back_identically(data):
    kb = load_kb(data)
    old = {
        n: (data / n).read_bytes() for n in ("documents.csv", "references.bib", "reference_map.csv")
    }
    result = ingest(
        make_pdf(LETTER.read_text(encoding="utf-8")), "l.pdf", kb, doc_id="nysipp-2026-pdf"
    )
    report = save(result)
    assert report.files[0] == "letters/nysipp-2026-pdf.txt"
    for name, before in old.items():
        assert (data / name).read_bytes().startswith(before)  # existing bytes kept
    again = load_kb(data)
    assert _claims(again.claims("nysipp-2026-pdf")) == _claims(result.claims)
    assert again.documents["nysipp-2026-pdf"].text == result.document.text
    assert again.documents["nysipp-2026-pdf"].date == "2026-06-26"
    for e in result.entries:
        assert again.resolutions[e.entry.id].work == e.work.citekey, e.entry.number
    assert len(again.errors) == len(kb.errors)
    # ref 9 is a code descriptor the curated map ties to a work: the same text reuses it
    ref9 = next(e for e in result.entries if e.entry.number == 9)
    assert ref9.work.citekey == "amacpt0275t" and not ref9.new
    assert "nysipp-2026-pdf,9,amacpt0275t," in (data / "reference_map.csv").read_text()
    assert not any(
        p.message.startswith("curated map says") for p in again.problems if p not in kb.problems
    )


def test_new_works_are_appended_and_resolve_after_reload(tiny):
    kb = load_kb(tiny)
    bib_before = (tiny / "references.bib").read_bytes()
    result = ingest(make_docx(BRACKET.read_text(encoding="utf-8")), "letter.docx", kb)
    report = save(result)
    assert set(report.works) == {"smith2023durable", "brown2021harms", "green2024costs"}
    bib = (tiny / "references.bib").read_bytes()
    assert bib.startswith(bib_before)
    works, problems = parse_bib(bib.decode())
    assert not problems
    w = works["smith2023durable"]
    assert w.verified is False and w.authors == ("Smith, A.", "Jones, B.") and w.year == 2023
    assert w.journal == "Spine Examples" and w.pages == "201-210"
    again = load_kb(tiny)
    assert not again.errors
    doc = result.document.id
    assert _claims(again.claims(doc)) == _claims(result.claims)
    got = {e.number: again.resolutions[e.id].work for e in again.readings[doc].entries}
    assert got == {
        1: "doe2020alpha",
        2: "poe2022alpha2y",
        3: "smith2023durable",
        4: "brown2021harms",
        5: "green2024costs",
    }


def test_bib_entry_round_trips_through_the_loader():
    result_work = ingest_mod.work_from_entry(
        ReferenceEntry(
            id="d:ref1",
            document="d",
            number=1,
            raw="x",
            authors=("Doe J",),
            title="A {braced title",
            journal="J Ex",
            year=2020,
            volume="1",
            issue="2",
            pages="3-4",
            doi="10.5555/x.1",
        ),
        "doe2020braced",
        "d",
    )
    # the one BibTeX writer (shared with the exports) escapes a lone brace, so it comes back
    works, problems = parse_bib(bibtex_text([result_work]))
    assert not problems
    w = works["doe2020braced"]
    assert (w.title, w.authors, w.number, w.doi, w.verified) == (
        "A {braced title",
        ("Doe, J.",),
        "2",
        "10.5555/x.1",
        False,
    )


def test_saving_twice_is_a_conflict_and_writes_nothing(tiny):
    kb = load_kb(tiny)
    save(ingest(BRACKET, None, kb))
    before = _snapshot(tiny)
    result = ingest(BRACKET, None, load_kb(tiny), doc_id="bracket-letter")
    assert any("already exists" in c for c in result.conflicts)
    with pytest.raises(SaveConflict) as info:
        save(result)
    assert info.value.code == "conflict" and "bracket-letter" in info.value.message
    assert _snapshot(tiny) == before


def test_a_citekey_taken_after_ingest_is_a_conflict(tiny):
    result = ingest(BRACKET, None, load_kb(tiny))
    bib = tiny / "references.bib"
    bib.write_bytes(
        bib.read_bytes() + b"\n@misc{green2024costs,\n  title = {x},\n"
        b"  kind = {note},\n  verified = {cited-only}\n}\n"
    )
    before = _snapshot(tiny)
    with pytest.raises(SaveConflict) as info:
        save(result)
    assert "green2024costs" in info.value.message
    assert _snapshot(tiny) == before


def test_an_existing_letter_file_is_never_overwritten(tiny):
    result = ingest(BRACKET, None, load_kb(tiny))
    (tiny / "letters" / "bracket-letter.txt").write_text("someone else's file")
    before = _snapshot(tiny)
    with pytest.raises(SaveConflict):
        save(result)
    assert _snapshot(tiny) == before


def test_a_letter_without_a_date_is_not_saved(tiny):
    text = BRACKET.read_text(encoding="utf-8").replace("March 3, 2025", "")
    result = ingest(text.encode(), "undated.txt", load_kb(tiny))
    assert result.document.date == ""
    before = _snapshot(tiny)
    with pytest.raises(IngestError) as info:
        save(result)
    assert info.value.code == "no-date"
    assert _snapshot(tiny) == before
    dated = ingest(text.encode(), "undated.txt", load_kb(tiny), date="2025-03-03")
    save(dated)
    assert load_kb(tiny).documents["undated"].date == "2025-03-03"


def test_crlf_files_and_missing_final_newlines_are_respected(tiny):
    docs = tiny / "documents.csv"
    crlf = docs.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n")
    docs.write_bytes(crlf)
    bib = tiny / "references.bib"
    bib_old = bib.read_bytes().rstrip(b"\n")
    bib.write_bytes(bib_old)
    save(ingest(BRACKET, None, load_kb(tiny)))
    new = docs.read_bytes()
    assert new.startswith(crlf + b"\r\n") and new.endswith(b"\r\n")
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert bib.read_bytes().startswith(bib_old + b"\n")
    assert "bracket-letter" in load_kb(tiny).documents


def test_a_failed_write_is_undone(tiny, monkeypatch):
    result = ingest(BRACKET, None, load_kb(tiny))
    before = _snapshot(tiny)
    real = store.atomic_write
    calls = []

    def flaky(path, data):
        calls.append(path.name)
        if path.name == "documents.csv":
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(store, "atomic_write", flaky)
    with pytest.raises(IngestError) as info:
        save(result)
    assert info.value.code == "write-failed" and "undone" in info.value.message
    monkeypatch.setattr(store, "atomic_write", real)
    assert calls[:2] == ["bracket-letter.txt", "references.bib"]
    assert _snapshot(tiny) == before
    assert not list(tiny.rglob("*.tmp"))


def test_cli_ingest_save_then_conflict(tiny, tmp_path, capsys):
    pdf = tmp_path / "Example Letter.pdf"
    pdf.write_bytes(make_pdf(BRACKET.read_text(encoding="utf-8")))
    before = _snapshot(tiny)
    assert main(["--data", str(tiny), "ingest", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "5 reference entries: 2 resolved, 3 new cited-only work(s)" in out
    assert "not saved" in out and _snapshot(tiny) == before
    assert main(["--data", str(tiny), "ingest", str(pdf), "--id", "example", "--save"]) == 0
    assert "saved example" in capsys.readouterr().out
    assert main(["--data", str(tiny), "claims", "example", "--format", "json"]) == 0
    claims = json.loads(capsys.readouterr().out)
    assert [c["refs"] for c in claims if c["refs"]] == [[1], [1, 2], [3], [2, 3, 4], [5]]
    assert main(["--data", str(tiny), "ingest", str(pdf), "--id", "example", "--save"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_json_output(tiny, capsys):
    assert (
        main(
            [
                "--data",
                str(tiny),
                "ingest",
                str(BRACKET),
                "--format",
                "json",
                "--title",
                "My title",
                "--date",
                "2025-01-02",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["title"] == "My title" and data["document"]["date"] == "2025-01-02"
    assert data["saved"] is None and len(data["entries"]) == 5
    assert all(set(c) >= {"id", "refs", "text", "pages"} for c in data["claims"])


def test_page_save_button_writes_and_reports(monkeypatch, tiny):
    monkeypatch.setenv("KB_DATA", str(tiny))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("kb/ui/upload.py")
    at.run()
    at.file_uploader(key="ingest_upload").upload(
        "bracket.pdf", make_pdf(BRACKET.read_text(encoding="utf-8")), "application/pdf"
    )
    at.run()
    assert not at.exception and not at.error
    assert not (tiny / "letters" / "bracket.txt").exists()  # nothing written before Save
    at.button(key="ingest_save").click()
    at.run()
    assert not at.exception
    assert any("Saved bracket" in s.value for s in at.success)
    assert (tiny / "letters" / "bracket.txt").exists()
    assert "bracket" in load_kb(tiny).documents
    at.run()  # the next run reloads the KB: the page still says it was saved, not "conflict"
    assert not at.exception and not at.warning
    assert any("Saved bracket" in s.value for s in at.success)
