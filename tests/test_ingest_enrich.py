"""Online look-up of DOIs and PMIDs, against recorded responses only (never the network)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

import kb.linking.enrich as enrich_mod
from kb.ingest import ingest
from kb.linking.enrich import EnrichClient, Offline, first_family, title_score
from kb.model import ReferenceEntry
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "enrich"
BRACKET = ROOT / "tests" / "fixtures" / "ingest" / "bracket-letter.txt"


class Recorded:
    """A transport that answers from the recorded responses and counts the calls."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.urls.append(url)
        parts = urllib.parse.urlsplit(url)
        q = dict(urllib.parse.parse_qsl(parts.query))
        if parts.path.endswith("/works"):
            words = q["query.bibliographic"].lower()
            name = (
                "crossref_smith"
                if "durable" in words
                else "crossref_brown"
                if "harms" in words
                else "crossref_empty"
            )
        elif parts.path.endswith("esearch.fcgi"):
            term = q["term"].lower()
            name = (
                "esearch_doi_smith"
                if term == "10.5555/spine.2023.201[doi]"
                else "esearch_title_green"
                if "costs" in term and "[title]" in term
                else "esearch_empty"
            )
        elif parts.path.endswith("esummary.fcgi"):
            name = "esummary_green" if q["id"] == "99990005" else None
        else:
            name = None
        if name is None:
            raise AssertionError(f"no recorded response for {url}")
        return (FIXTURES / f"{name}.json").read_bytes()


class NoNetwork:
    """A transport that behaves like a machine without a network."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls += 1
        raise Offline("the network is not reachable (no route to host)")


def _entry(number: int, **kw) -> ReferenceEntry:
    return ReferenceEntry(id=f"d:ref{number}", document="d", number=number, raw="x", **kw)


SMITH = _entry(
    3,
    authors=("Smith A", "Jones B"),
    year=2023,
    journal="Spine Examples",
    title="Durable relief with an example stimulator: a cohort study",
)
BROWN = _entry(
    4, authors=("Brown C",), year=2021, title="Harms of implanted stimulators: a registry analysis"
)
GREEN = _entry(5, authors=("Green D",), year=2024, title="Costs of stimulation versus reoperation")


def test_fixtures_have_the_documented_shapes():
    cr = json.loads((FIXTURES / "crossref_smith.json").read_text())
    assert cr["message-type"] == "work-list" and cr["message"]["items"][0]["DOI"]
    es = json.loads((FIXTURES / "esearch_doi_smith.json").read_text())
    assert es["esearchresult"]["idlist"] == ["99990003"]
    sm = json.loads((FIXTURES / "esummary_green.json").read_text())
    assert sm["result"]["uids"] == ["99990005"]


def test_crossref_then_pubmed_by_doi(tmp_path):
    client = EnrichClient(Recorded(), cache_dir=tmp_path)
    found = client.enrich_entry(SMITH)
    assert (found.status, found.doi, found.pmid) == ("found", "10.5555/spine.2023.201", "99990003")
    assert found.source == "crossref+pubmed" and found.score >= 90


def test_a_crossref_record_with_another_title_is_not_taken(tmp_path):
    found = EnrichClient(Recorded(), cache_dir=tmp_path).enrich_entry(BROWN)
    assert found.status == "not found" and found.doi is None and found.pmid is None


def test_pubmed_title_search_when_crossref_has_nothing(tmp_path):
    found = EnrichClient(Recorded(), cache_dir=tmp_path).enrich_entry(GREEN)
    assert (found.status, found.pmid, found.doi) == ("found", "99990005", "10.5555/econ.2024.1")


def test_responses_are_cached_on_disk(tmp_path):
    first = Recorded()
    EnrichClient(first, cache_dir=tmp_path).enrich((SMITH, GREEN))
    assert first.urls and len(list(tmp_path.glob("*.json"))) == len(set(first.urls))
    cached = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert set(cached) == {"url", "response"}
    offline = NoNetwork()
    again = EnrichClient(offline, cache_dir=tmp_path).enrich((SMITH, GREEN))
    assert offline.calls == 0
    assert [x.status for x in again] == ["found", "found"]


def test_without_a_network_it_says_so_and_stops(tmp_path):
    transport = NoNetwork()
    out = EnrichClient(transport, cache_dir=tmp_path).enrich((SMITH, BROWN, GREEN))
    assert [x.status for x in out] == ["offline"] * 3
    assert "network" in out[0].message and "Everything else still works" in out[0].message
    assert transport.calls == 1  # no waiting on a time-out per entry


def test_a_broken_response_is_an_error_not_a_crash(tmp_path):
    client = EnrichClient(lambda url, timeout: b"<html>busy</html>", cache_dir=tmp_path)
    found = client.enrich_entry(SMITH)
    assert found.status == "error" and "not JSON" in found.message
    assert not list(tmp_path.glob("*.json"))


def test_ingest_with_enrichment_fills_the_new_works(tiny_kb, tmp_path):
    result = ingest(
        BRACKET,
        None,
        tiny_kb,
        enrich=True,
        enrich_client=EnrichClient(Recorded(), cache_dir=tmp_path),
    )
    status = {int(x.entry.split(":ref")[-1]): x.status for x in result.enrichment}
    assert status == {3: "found", 4: "not found", 5: "found"}
    works = result.new_works
    assert (works["smith2023durable"].doi, works["smith2023durable"].pmid) == (
        "10.5555/spine.2023.201",
        "99990003",
    )
    assert works["green2024costs"].pmid == "99990005"
    assert works["brown2021harms"].doi is None
    assert all(not w.verified for w in works.values())
    assert len(result.to_dict()["enrichment"]) == 3


def test_ingest_offline_still_works(tiny_kb, tmp_path):
    result = ingest(
        BRACKET,
        None,
        tiny_kb,
        enrich=True,
        enrich_client=EnrichClient(NoNetwork(), cache_dir=tmp_path),
    )
    assert {x.status for x in result.enrichment} == {"offline"}
    assert len(result.claims) > 5 and len(result.new_works) == 3


def test_no_lookup_unless_asked(tiny_kb, monkeypatch):
    def boom(url: str, timeout: float) -> bytes:
        raise AssertionError("the network must not be used")

    monkeypatch.setattr(enrich_mod, "urllib_transport", boom)
    result = ingest(BRACKET, None, tiny_kb)
    assert result.enrichment == ()


def test_default_transport_reports_offline_for_an_unreachable_host(monkeypatch):
    import urllib.error
    import urllib.request

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network here")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(Offline):
        enrich_mod.urllib_transport("https://api.crossref.org/works?rows=1", 1.0)


def test_default_cache_is_git_ignored():
    assert enrich_mod.DEFAULT_CACHE == ROOT / ".cache" / "enrich"
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".cache/" in ignored


@pytest.mark.parametrize(
    "authors, expected",
    [(("Staats PS",), "staats"), (("Doe, Jane",), "doe"), (("B Chopko",), "chopko"), ((), "")],
)
def test_first_family(authors, expected):
    assert first_family(authors) == expected


def test_title_score_ignores_case_and_punctuation():
    assert (
        title_score(
            "Costs of stimulation versus reoperation.", "costs of stimulation versus reoperation"
        )
        == 100.0
    )
    assert title_score("A", None) == 0.0


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_ENRICH_CACHE", str(tmp_path / "c"))
    assert EnrichClient(NoNetwork()).cache_dir == Path(tmp_path / "c")
