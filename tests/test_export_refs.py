"""Reference exports: BibTeX, RIS, CSL-JSON and AMA lists, read back by the tools that use them."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy

from kb.export import render
from kb.export.refs import csl_item, month_number, ris_record, split_name
from kb.graph import build_graph
from kb.model import Work
from kb.views.cite import format_ama
from tests.conftest import ROOT, TINY
from tests.exporthelp import load

SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "csl-data.schema.json").read_text())


@pytest.fixture(scope="module")
def tiny():
    """(kb, graph) of the tiny KB."""
    kb = load(TINY)
    return kb, build_graph(kb)


def works(kb) -> dict[str, Work]:
    return dict(sorted(kb.works.items()))


def test_bibtex_round_trip(tiny):
    kb, g = tiny
    text = render("bibtex", kb, g, None, None).decode()
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    back = {e.key: e for e in lib.entries}
    assert list(back) == list(works(kb))
    for key, w in works(kb).items():
        e = back[key]
        assert e["title"] == w.title
        assert e.fields_dict.get("doi") is None if not w.doi else e["doi"] == w.doi
        assert (e["pmid"] if "pmid" in e.fields_dict else None) == w.pmid
        assert (int(e["year"]) if "year" in e.fields_dict else None) == w.year
        authors = e["author"].split(" and ") if "author" in e.fields_dict else []
        assert tuple(authors) == w.authors
        assert e["kind"] == w.kind
        assert e["verified"] == ("record" if w.verified else "cited-only")
    assert back["doe2020alpha"].entry_type == "article"
    assert back["tinynote"].entry_type == "misc"


def test_bibtex_reloads_into_the_same_works(tiny):
    from kb.load import parse_bib

    kb, g = tiny
    again, problems = parse_bib(render("bibtex", kb, g, None, None).decode())
    assert not problems
    for key, w in works(kb).items():
        a = again[key]
        for field in (
            "title",
            "authors",
            "journal",
            "year",
            "month",
            "volume",
            "number",
            "pages",
            "doi",
            "pmid",
            "kind",
            "sponsor",
            "verified",
            "unconfirmed",
            "note",
        ):
            assert getattr(a, field) == getattr(w, field), (key, field)


def test_bibtex_for_a_document_lists_its_cited_works_once(tiny):
    kb, g = tiny
    lib = bibtexparser.parse_string(render("bibtex", kb, g, None, "tiny").decode())
    assert [e.key for e in lib.entries] == ["doe2020alpha", "poe2022alpha2y", "tinynote"]


def test_bibtex_unbalanced_braces_cannot_break_the_file():
    from kb.load import parse_bib
    from kb.store import bib_fields, bibtex_text

    w = Work("odd", "journal-article", "Half {open title", authors=("Doe, J",), year=2020)
    title = dict(bib_fields(w))["title"]
    assert title.count("{") == title.count("}")  # the value's own braces stay balanced
    works, problems = parse_bib(bibtex_text([w]))
    assert not problems and works["odd"].title == "Half {open title"


def test_ris_round_trip(tiny):
    kb, g = tiny
    text = render("ris", kb, g, None, None).decode()
    assert text.startswith("TY  - ") and "\r\n" in text and "1." not in text.split("\r\n")[0]
    back = rispy.loads(text)
    assert [r["id"] for r in back] == list(works(kb))
    for r, w in zip(back, works(kb).values(), strict=True):
        assert r["title"] == w.title
        assert r.get("doi") == w.doi
        assert r.get("accession_number") == w.pmid
        assert (int(r["year"]) if "year" in r else None) == w.year
        assert tuple(r.get("authors", ())) == w.authors
    alpha = back[0]
    assert alpha["type_of_reference"] == "JOUR"
    assert (alpha["start_page"], alpha["end_page"]) == ("10", "20")
    assert "https://pubmed.ncbi.nlm.nih.gov/11111111/" in alpha["urls"]
    assert back[2]["type_of_reference"] == "GEN"


def test_ris_values_are_single_lines():
    w = Work("x", "journal-article", "Two\nlines", note="a\n\nnote", pages="3\u20139")
    rec = ris_record(w)
    assert rec["title"] == "Two lines" and "a note" in rec["notes"]
    assert (rec["start_page"], rec["end_page"]) == ("3", "9")


def test_csl_json_validates_and_round_trips(tiny):
    import jsonschema

    kb, g = tiny
    items = json.loads(render("csl-json", kb, g, None, None))
    jsonschema.validate(items, SCHEMA)
    by_id = {i["id"]: i for i in items}
    assert list(by_id) == list(works(kb))
    for key, w in works(kb).items():
        item = by_id[key]
        assert item["title"] == w.title
        assert item.get("DOI") == w.doi and item.get("PMID") == w.pmid
        year = item["issued"]["date-parts"][0][0] if "issued" in item else None
        assert year == w.year
        names = tuple(f"{a['family']}, {a['given']}" for a in item.get("author", ()))
        assert names == w.authors
    assert by_id["doe2020alpha"]["issued"] == {"date-parts": [[2020, 2]]}
    assert by_id["doe2020alpha"]["type"] == "article-journal"
    assert by_id["tinynote"]["type"] == "document"
    assert by_id["poe2022alpha2y"]["custom"]["verified"] is False


def test_csl_schema_rejects_what_it_should():
    import jsonschema

    bad = [
        [{"type": "article-journal"}],
        [{"id": "a", "type": "journal"}],
        [{"id": "a", "type": "book", "author": [{"given": "Jane"}]}],
        [{"id": "a", "type": "book", "issued": {"date-parts": [2020]}}],
    ]
    for doc in bad:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Doe, Jane", {"family": "Doe", "given": "Jane"}),
        ("Doe,", {"family": "Doe"}),
        ("{North American Spine Society}", {"literal": "North American Spine Society"}),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


@pytest.mark.parametrize(
    ("month", "n"), [("Feb", 2), ("february", 2), ("11", 11), ("x", None), (None, None)]
)
def test_month_number(month, n):
    assert month_number(month) == n


def test_guideline_in_a_journal_is_an_article():
    w = Work("g", "guideline", "Best practice", journal="J Pain Res", year=2019)
    assert csl_item(w)["type"] == "article-journal"
    assert ris_record(w)["type_of_reference"] == "JOUR"


def test_ama_text_keeps_the_document_numbering(tiny):
    kb, g = tiny
    lines = render("ama-txt", kb, g, None, "tiny").decode().splitlines()
    assert lines == [
        f"{n}. {format_ama(kb.works[k])}"
        for n, k in ((1, "doe2020alpha"), (2, "poe2022alpha2y"), (3, "tinynote"))
    ]


def test_ama_markdown_links(tiny):
    kb, g = tiny
    text = render("ama-md", kb, g, None, "tiny").decode()
    assert text.startswith("# References: tiny\n")
    assert "<https://doi.org/10.5555/example.2020.1>" in text
    assert "\n3. Based on the package insert." in text


def test_ama_without_document_lists_every_work(tiny):
    kb, g = tiny
    lines = render("ama-txt", kb, g, None, None).decode().splitlines()
    assert len(lines) == len(kb.works)
