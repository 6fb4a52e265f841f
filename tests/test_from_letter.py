"""Bibliographic fields that come only from the letter's citation (a work's `unconfirmed`
fields) are never printed as if the record showed them: the AMA citation (app, `kb trace`,
claim tables, reports, reference lists), RIS, CSL-JSON, JSON-LD and `kb trace --format json`
each name them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kb.cli import main
from kb.export.linked import _work_ld
from kb.export.refs import csl_item, ris_record
from kb.load import load_kb
from kb.model import Work
from kb.views.cite import FIELD_WORDS, FROM_LETTER, ama_fields, format_ama
from tests.conftest import DATA, TINY

BUNDLED = load_kb(DATA)
SYNTHETIC = Work(
    citekey="roe2019trial",
    kind="journal-article",
    title="A made-up trial",
    authors=("Roe, Rita",),
    journal="Journal of Examples",
    year=2019,
    volume="7",
    number="3",
    pages="11-19",
    verified=True,
    unconfirmed=("author", "volume"),
)
WORKS = [*BUNDLED.works.values(), *load_kb(TINY).works.values(), SYNTHETIC]
MARKED = [w for w in WORKS if w.unconfirmed]


def _named(remark: str, work: Work, field: str) -> bool:
    return FIELD_WORDS.get(field, field) in remark.lower() or remark.startswith("Every detail")


def test_bundled_data_has_letter_only_fields_to_check():
    keys = {w.citekey for w in MARKED}
    assert {"encore2016rct6m", "wang2013resource", "deer2026motion5y"} <= keys


@pytest.mark.parametrize("work", MARKED, ids=lambda w: w.citekey)
def test_no_field_from_the_letter_is_printed_as_record_sourced(work):
    """Every field the citation prints that only the letter's citation gives is named next to
    it; in RIS and CSL-JSON the same words travel in the note; JSON-LD leaves such a year out."""
    citation = format_ama(work)
    printed = [f for f in ama_fields(work) if f in work.unconfirmed]
    if printed:
        assert citation.endswith(".]") and FROM_LETTER in citation, citation
        remark = citation[citation.rindex("[") + 1 :]
        for field in printed:
            assert _named(remark, work, field), (work.citekey, field, citation)
        notes = ris_record(work)["notes"]
        assert any(FROM_LETTER in n for n in notes), notes
        item = csl_item(work)
        assert FROM_LETTER in item["note"]
        assert item["custom"]["unconfirmed"] == list(work.unconfirmed)
    else:
        assert FROM_LETTER not in citation
    if "year" in work.unconfirmed:
        assert "datePublished" not in _work_ld(work)


@pytest.mark.parametrize("work", [w for w in WORKS if not w.unconfirmed][:8], ids=str)
def test_record_sourced_works_carry_no_remark(work):
    assert FROM_LETTER not in format_ama(work)
    assert not any(FROM_LETTER in n for n in ris_record(work)["notes"])


def test_the_corrected_fields_are_named():
    encore = format_ama(BUNDLED.works["encore2016rct6m"])
    assert encore.endswith(
        "2016;19(2):25-38. [Issue and pages from the letter's citation, not the record.]"
    )
    va = format_ama(BUNDLED.works["wang2013resource"])
    assert va.startswith("Wang JJ.")
    assert va.endswith(
        "[Author list, volume, issue and pages from the letter's citation, not the record.]"
    )
    synthetic = format_ama(SYNTHETIC)
    assert synthetic.endswith(
        "[Author list and volume from the letter's citation, not the record.]"
    )
    # the same work without the marker prints no remark: the marker alone decides
    assert FROM_LETTER not in format_ama(replace(SYNTHETIC, unconfirmed=()))


def test_trace_names_the_fields_from_the_letter(capsys):
    claim = next(c.id for c in BUNDLED.claims("nysipp-2026") if 11 in c.refs)
    assert main(["--data", str(DATA), "trace", claim]) == 0
    text = capsys.readouterr().out
    assert "from the letter's citation, not the record: month, issue, pages" in text
    assert main(["--data", str(DATA), "trace", claim, "--format", "json"]) == 0
    refs = {r["work"]: r for r in json.loads(capsys.readouterr().out)["refs"]}
    assert refs["encore2016rct6m"]["from_letter"] == ["month", "issue", "pages"]
    assert refs["staats2018encore2y"]["from_letter"] == []
    assert FROM_LETTER in refs["encore2016rct6m"]["citation"]
