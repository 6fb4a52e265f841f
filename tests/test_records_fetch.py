"""Opt-in fetch of records (PubMed efetch, Europe PMC, Crossref), replayed from recorded
responses."""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pytest

from kb.importing import import_records
from kb.linking.enrich import LookupFailed, Offline
from kb.linking.fetch import CROSSREF, EFETCH, ESEARCH, EUROPEPMC, RecordFetcher, kind_of
from kb.load import load_kb

ROOT = Path(__file__).resolve().parents[1]
FETCH = ROOT / "tests" / "fixtures" / "fetch"
TINY = ROOT / "tests" / "fixtures" / "tiny"


def _q(params: dict) -> str:
    return urllib.parse.urlencode(params)


RECORDED = {
    f"{EFETCH}?{_q({'db': 'pubmed', 'id': '91234501', 'retmode': 'xml', 'tool': 'evidence-kb'})}": (
        "efetch-91234501.xml"
    ),
    f"{EFETCH}?{_q({'db': 'pubmed', 'id': '91234503', 'retmode': 'xml', 'tool': 'evidence-kb'})}": (
        "efetch-91234503.xml"
    ),
    f"{EUROPEPMC}/PMC9900101/fullTextXML": "europepmc-PMC9900101.xml",
    f"{ESEARCH}?"
    + _q(
        {
            "db": "pubmed",
            "term": "10.5555/afim.2028.0021[doi]",
            "retmode": "json",
            "tool": "evidence-kb",
        }
    ): "esearch-doi-afim.json",
    f"{ESEARCH}?"
    + _q(
        {
            "db": "pubmed",
            "term": "10.5555/wpr.2031.0007[doi]",
            "retmode": "json",
            "tool": "evidence-kb",
        }
    ): "esearch-doi-none.json",
    f"{ESEARCH}?"
    + _q(
        {
            "db": "pubmed",
            "term": "10.5555/jisr.2027.0142[doi]",
            "retmode": "json",
            "tool": "evidence-kb",
        }
    ): "esearch-doi-jisr.json",
    f"{CROSSREF}/10.5555/wpr.2031.0007": "crossref-wpr.json",
}


class Replay:
    """A transport that answers from recorded files and counts the calls."""

    def __init__(self):
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.urls.append(url)
        if url not in RECORDED:
            raise LookupFailed("HTTP 404 from the recorded service")
        return (FETCH / RECORDED[url]).read_bytes()


def offline(url: str, timeout: float) -> bytes:
    raise Offline("the network is not reachable (no route)")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


def test_kind_of():
    assert [kind_of(x) for x in ("91234501", "PMC9900101", "10.5555/x.1", "doi:10.5/x", "abc")] == [
        "pmid",
        "pmcid",
        "doi",
        None,
        None,
    ]


def test_pmid_brings_the_pubmed_record_and_the_pmc_full_text(data_dir):
    replay = Replay()
    sleeps: list[float] = []
    f = RecordFetcher(data_dir, replay, sleep=sleeps.append, clock=lambda: 0.0)
    got = f.fetch("91234501")
    assert [name for name, _ in got.files] == ["pubmed-91234501.xml", "PMC9900101.jats.xml"]
    assert len(replay.urls) == 2 and sleeps == [pytest.approx(0.34)]  # spaced politely
    result = import_records(got.files, load_kb(data_dir), today="2031-09-20")
    assert [c.action for c in result.changes] == ["new work", "added to work"]
    kb = load_kb(data_dir)
    (key,) = kb.records
    assert [r.scope for r in kb.records[key]] == ["abstract", "full text"]


def test_responses_are_cached_in_the_data_directory(data_dir):
    RecordFetcher(data_dir, Replay(), sleep=lambda s: None).fetch("91234503")
    assert list((data_dir / "cache" / "fetch").glob("*.json"))
    again = RecordFetcher(data_dir, offline, sleep=lambda s: None)
    got = again.fetch("91234503")  # no network needed the second time
    assert again.calls == 0 and [n for n, _ in got.files] == ["pubmed-91234503.xml"]


def test_doi_goes_through_pubmed_then_crossref(data_dir):
    f = RecordFetcher(data_dir, Replay(), sleep=lambda s: None)
    got = f.fetch("10.5555/afim.2028.0021")
    assert [n for n, _ in got.files] == ["pubmed-91234503.xml"]
    got = f.fetch("https://doi.org/10.5555/wpr.2031.0007")
    assert got.notes == [
        (
            "DOI https://doi.org/10.5555/wpr.2031.0007: no PubMed record has it; using Crossref's "
            "metadata"
        )
    ]
    result = import_records(got.files, load_kb(data_dir), today="2031-09-20")
    (change,) = result.changes
    assert change.action == "new work" and change.scope == "abstract"
    kb = load_kb(data_dir)
    work = kb.works[change.citekey]
    assert work.doi == "10.5555/wpr.2031.0007" and work.authors[0] == "Oyelaran-Berg I"
    assert any(n.text.startswith("40 (65.6%)") for n in kb.records[work.citekey][0].numbers)


def test_a_failed_look_up_is_a_note_not_a_traceback(data_dir):
    got = RecordFetcher(data_dir, Replay(), sleep=lambda s: None).fetch("99999999")
    assert got.files == [] and "look-up failed" in got.notes[0]


def test_cli_fetch_offline_gives_a_clear_message(data_dir, capsys, monkeypatch):
    from kb.cli import main
    from kb.linking import fetch

    monkeypatch.setattr(fetch, "urllib_transport", offline)
    assert main(["--data", str(data_dir), "import", "--fetch", "91234501"]) == 2
    err = capsys.readouterr().err
    assert "online fetch is unavailable: the network is not reachable" in err
    assert "kb import FILE" in err and "Traceback" not in err
    assert not (data_dir / "records").exists()


def test_cli_fetch_imports(data_dir, capsys, monkeypatch):
    from kb.cli import main
    from kb.linking import fetch

    monkeypatch.setattr(fetch, "urllib_transport", Replay())
    assert main(["--data", str(data_dir), "import", "--fetch", "91234503"]) == 0
    assert "new work" in capsys.readouterr().out
    assert len(list((data_dir / "records").glob("*.json"))) == 1


def test_cli_ingest_fetch_imports_the_cited_records_then_checks(data_dir, capsys, monkeypatch):
    from kb.cli import main
    from kb.linking import fetch

    monkeypatch.setattr(fetch, "urllib_transport", Replay())
    letter = ROOT / "tests" / "fixtures" / "records" / "letter.txt"
    code = main(["--data", str(data_dir), "ingest", str(letter), "--fetch"])
    out = capsys.readouterr().out
    assert code == 0
    # refs 2 and 4 give a DOI the recorded PubMed search knows; the rest are notes
    assert "new work" in out and "halvorsen2027percutaneous (doi)" in out
    assert "NUM-MATCH" in out
