"""Ingest: PDF/DOCX/HTML/TXT -> text with markers and pages -> claims, entries and works."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from kb.ingest import bib_author, guess_date, guess_title, ingest, make_citekey, slug
from kb.model import ReferenceEntry
from kb.reading import read_document
from kb.sources import extract, marker_text
from tests.conftest import DATA, ROOT
from tests.ingest_docs import make_docx, make_pdf

LETTER = DATA / "letters" / "nysipp-2026-06-26-letter-mild.txt"
BRACKET = ROOT / "tests" / "fixtures" / "ingest" / "bracket-letter.txt"
MARKER_RE = re.compile(r"\^\{[^}]*\}|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def norm(text: str) -> str:
    """Claim text with markers removed and white space collapsed."""
    return re.sub(r"\s+", " ", MARKER_RE.sub("", text)).strip()


def shape(reading) -> list[tuple[str, tuple[int, ...], str]]:
    """What must agree between two readings: normalised text, reference numbers, kind."""
    return [(norm(c.text), c.refs, c.kind) for c in reading.claims]


@pytest.fixture(scope="module")
def letter_text() -> str:
    return LETTER.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def text_reading(letter_text):
    return read_document("nysipp-2026", letter_text, file="letter.txt")


@pytest.fixture(scope="module")
def letter_pdf(letter_text) -> bytes:
    return make_pdf(letter_text)


# --- markers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13", "¹³"),
        ("1", "¹"),
        ("11,12,13", "^{11,12,13}"),
        ("11, 12, 13", "^{11,12,13}"),
        ("4-6", "^{4-6}"),
        ("4–6", "^{4–6}"),
        ("®", None),
        ("th", None),
        ("a", None),
        ("", None),
    ],
)
def test_marker_text(raw, expected):
    assert marker_text(raw) == expected


def test_pdf_superscript_is_a_marker_not_digits():
    data = make_pdf("Results\n\nPatients improved at follow-up¹³ and again later^{4,5}.\n")
    text = extract(data, "x.pdf").text
    assert "follow-up¹³ and" in text and "later^{4,5}." in text
    assert "follow-up13" not in text


def test_pdf_superscript_drawn_at_a_raised_position_too():
    data = make_pdf("Patients improved at follow-up¹³ and later^{4,5}.\n", raised_by_rise=False)
    assert "follow-up¹³ and later^{4,5}." in extract(data, "x.pdf").text


def test_pdf_registered_sign_superscript_stays_text():
    import io

    from reportlab.pdfgen import canvas

    from tests.ingest_docs import _fonts

    regular, _ = _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    t = c.beginText(72, 700)
    t.setFont(regular, 10)
    t.textOut("The mild")
    t.setFont(regular, 6.5)
    t.setRise(3.5)
    t.textOut("®")
    t.setRise(0)
    t.setFont(regular, 10)
    t.textOut(" procedure.")
    c.drawText(t)
    c.save()
    assert extract(buf.getvalue(), "x.pdf").text.strip() == "The mild® procedure."


# --- the 2026 letter as PDF and DOCX reads like the text --------------------------------------


def test_pdf_of_the_2026_letter_reads_like_its_text(letter_pdf, text_reading):
    ex = extract(letter_pdf, "letter.pdf")
    assert ex.format == "pdf" and len(ex.pages) >= 5
    assert ex.markers == len(MARKER_RE.findall(LETTER.read_text(encoding="utf-8")))
    assert shape(read_document("nysipp-2026", ex.text)) == shape(text_reading)


def test_pdf_with_markers_drawn_by_position_reads_like_its_text(letter_text, text_reading):
    ex = extract(make_pdf(letter_text, raised_by_rise=False), "letter.pdf")
    assert shape(read_document("nysipp-2026", ex.text)) == shape(text_reading)


def test_docx_of_the_2026_letter_reads_like_its_text(letter_text, text_reading):
    ex = extract(make_docx(letter_text), "letter.docx")
    assert ex.format == "docx" and ex.markers == 53
    assert shape(read_document("nysipp-2026", ex.text)) == shape(text_reading)


def test_docx_numbered_reference_list_keeps_its_numbers(letter_text, text_reading):
    ex = extract(make_docx(letter_text, numbered_references=True), "letter.docx")
    reading = read_document("nysipp-2026", ex.text)
    assert [e.number for e in reading.entries] == list(range(1, 27))
    assert [norm(e.raw) for e in reading.entries] == [norm(e.raw) for e in text_reading.entries]


def test_reference_entries_agree_between_pdf_and_text(letter_pdf, text_reading):
    reading = read_document("nysipp-2026", extract(letter_pdf, "l.pdf").text)
    assert [(e.number, norm(e.raw)) for e in reading.entries] == [
        (e.number, norm(e.raw)) for e in text_reading.entries
    ]


def test_page_locators_cover_the_text_in_order(letter_pdf):
    ex = extract(letter_pdf, "letter.pdf")
    assert [p.page for p in ex.pages] == list(range(1, len(ex.pages) + 1))
    assert ex.pages[0].start == 0 and ex.pages[-1].end == len(ex.text)
    for a, b in itertools.pairwise(ex.pages):
        assert a.start <= a.end <= b.start
    assert "Page 2" not in ex.text and "Page 1" not in ex.text  # running footers are dropped
    assert ex.page_of(ex.text.index("New York Society")) == 1
    assert ex.page_of(ex.text.index("26. Deer TR")) == len(ex.pages)
    assert ex.pages_of(0, len(ex.text)) == (1, len(ex.pages))


def test_every_claim_gets_its_page(letter_pdf, tiny_kb):
    result = ingest(letter_pdf, "nysipp-2026-letter.pdf", tiny_kb)
    factual = [c for c in result.claims if c.kind == "sentence"]
    assert all(c.id in result.claim_pages for c in result.claims)
    assert result.claim_pages[result.claims[0].id] == (1, 1)
    pages = [result.claim_pages[c.id][0] for c in factual]
    assert pages == sorted(pages) and pages[-1] > 1
    five_year = next(c for c in factual if "387%" in c.text)
    first, last = result.claim_pages[five_year.id]
    ex = result.extracted
    assert ex.pages[first - 1].start <= five_year.start < ex.pages[last - 1].end


def test_pdf_ingest_resolves_against_the_bundled_kb(letter_pdf):
    from kb.load import load_kb

    kb = load_kb(DATA)
    before = (dict(kb.documents), dict(kb.works), dict(kb.resolutions), dict(kb.readings))
    result = ingest(letter_pdf, "letter.pdf", kb, doc_id="nysipp-2026-pdf")
    assert (dict(kb.documents), dict(kb.works), dict(kb.resolutions), dict(kb.readings)) == before
    assert len(result.entries) == 26
    assert len(result.resolved) >= 20
    by_number = {e.entry.number: e for e in result.entries}
    assert by_number[16].work.citekey == "costandi2025motion3y"
    assert by_number[6].work.citekey == by_number[19].work.citekey  # one paper cited twice
    assert result.document.date == "2026-06-26"
    assert result.document.title.startswith("Coverage Consideration for the mild® Procedure")
    claim = next(c for c in result.claims if "274 % improvement" in c.text)
    assert claim.refs == (16,)
    t = result.traces[claim.id]
    assert [r.work.citekey for r in t.refs] == ["costandi2025motion3y"]
    assert "motion" in {s.id for s in t.studies}
    assert "nysipp-2026-pdf" in result.kb.documents and "nysipp-2026-pdf" not in kb.documents


# --- a made-up [n]-style letter in every format ------------------------------------------------


def _bracket_files() -> dict[str, bytes]:
    text = BRACKET.read_text(encoding="utf-8")
    html = (
        "<html><body>"
        + "".join(f"<p>{'<br>'.join(block)}</p>" for block in _html_blocks(text))
        + "</body></html>"
    )
    return {
        "bracket.txt": text.encode(),
        "bracket.md": text.encode(),
        "bracket.pdf": make_pdf(text),
        "bracket.docx": make_docx(text),
        "bracket.html": html.encode(),
    }


def _html_blocks(text: str) -> list[list[str]]:
    from tests.ingest_docs import blocks

    return blocks(text)


@pytest.mark.parametrize(
    "name", ["bracket.txt", "bracket.md", "bracket.pdf", "bracket.docx", "bracket.html"]
)
def test_bracket_letter_in_every_format(name, tiny_kb):
    works_before = dict(tiny_kb.works)
    expected = shape(read_document("bracket", BRACKET.read_text(encoding="utf-8")))
    result = ingest(_bracket_files()[name], name, tiny_kb, doc_id="bracket")
    assert shape(result.reading) == expected
    refs = {c.text.split()[0] + " " + c.text.split()[1]: c.refs for c in result.claims if c.refs}
    assert refs["In a"] == (1, 2) and refs["Serious adverse"] == (2, 3, 4)
    status = {e.entry.number: (e.work.citekey, e.new) for e in result.entries}
    assert status[1] == ("doe2020alpha", False) and status[2] == ("poe2022alpha2y", False)
    assert status[3] == ("smith2023durable", True)
    assert status[4] == ("brown2021harms", True)
    assert status[5] == ("green2024costs", True)
    assert all(not w.verified for w in result.new_works.values())
    assert result.new_works["smith2023durable"].authors == ("Smith, A.", "Jones, B.")
    assert result.new_works["smith2023durable"].journal == "Spine Examples"
    assert dict(tiny_kb.works) == works_before  # the loaded KB is never changed
    assert result.document.date == "2025-03-03"
    assert result.document.title == "Coverage of the Example Stimulator for Chronic Back Pain"


def test_text_ingest_matches_reading_the_text_directly(tiny_kb):
    text = LETTER.read_text(encoding="utf-8")
    result = ingest(LETTER, None, tiny_kb, doc_id="nysipp-2026")
    direct = read_document("nysipp-2026", text, file="letters/nysipp-2026.txt")
    assert result.claims == direct.claims
    assert result.document.text == text
    assert result.extracted.pages == () and result.claim_pages == {}


def test_result_is_json_ready(tiny_kb):
    result = ingest(BRACKET, None, tiny_kb)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["document"]["id"] == "bracket-letter"
    assert {e["number"]: e["new"] for e in data["entries"]} == {
        1: False,
        2: False,
        3: True,
        4: True,
        5: True,
    }
    assert [w["citekey"] for w in data["new_works"]] == [
        "smith2023durable",
        "brown2021harms",
        "green2024costs",
    ]


def test_checks_run_or_say_they_are_missing(tiny_kb):
    result = ingest(BRACKET, None, tiny_kb)
    try:
        import kb.checks.factcheck  # noqa: F401
    except ImportError:
        assert "not available" in result.checks_note and result.findings == ()
    else:
        assert result.checks_note == "" or "failed" in result.checks_note
        assert all(
            (getattr(f, "document", None) == result.document.id)
            or str(getattr(f, "claim", "")).split("claim:")[-1].startswith("bracket-letter:")
            for f in result.findings
        )


# --- ids, keys, dates, titles ------------------------------------------------------------------


def _entry(**kw) -> ReferenceEntry:
    base = {"id": "d:ref3", "document": "d", "number": 3, "raw": "x"}
    base.update(kw)
    return ReferenceEntry(**base)


def test_citekey_is_stable_and_never_collides():
    e = _entry(authors=("Staats PS",), year=2016, title="MiDAS ENCORE: a randomized trial")
    assert make_citekey(e, set()) == "staats2016midas"
    assert make_citekey(e, set()) == make_citekey(e, set())
    assert make_citekey(e, {"staats2016midas"}) == "staats2016midasb"
    assert make_citekey(e, {"staats2016midas", "staats2016midasb"}) == "staats2016midasc"
    note = _entry(title=None, raw="Based on trocar diameter.")
    assert make_citekey(note, set()) == "trocardiameternd"
    accented = _entry(authors=("Müller-Lüdenscheidt K",), year=2020, title="The example")
    assert make_citekey(accented, set()) == "mullerludenscheidt2020example"


def test_derived_document_id_does_not_collide(tiny_kb):
    result = ingest(BRACKET.read_bytes(), "Tiny.txt", tiny_kb)
    assert result.document.id == "tiny-2"
    assert slug("NYSIPP Letter (final) 2026.pdf") == "nysipp-letter-final-2026-pdf"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Society\n\nJune 26, 2026\n\nDear all", "2026-06-26"),
        ("Society\n\n3 March 2025\n", "2025-03-03"),
        ("Date: 2024-01-31\n", "2024-01-31"),
        ("Sent 1/31/2024 by mail", "2024-01-31"),
        ("Sept. 9, 2023", "2023-09-09"),
        ("No date here at all", ""),
    ],
)
def test_guess_date(text, expected):
    assert guess_date(text) == expected


def test_guess_title():
    assert guess_title("Org\n\nRe: Coverage of the mild[®] Procedure\n\nDear", "x.pdf") == (
        "Coverage of the mild® Procedure"
    )
    assert guess_title("", "my_letter-2024.pdf") == "my letter 2024"


def test_bib_author_forms():
    assert bib_author("Staats PS") == "Staats, P. S."
    assert bib_author("B Chopko") == "Chopko, B."
    assert bib_author("Doe, Jane") == "Doe, Jane"
    assert bib_author("World Health Organization") == "World Health Organization"


def test_html_markers_lists_and_hidden_parts():
    html = (
        b"<!doctype html><html><head><title>T</title><style>p{}</style></head><body>"
        b"<p>Pain fell by half<sup>1</sup>. It was safe<sup><a href='#r'>2,3</a></sup> and "
        b"mild<sup>&reg;</sup> worked in   many centres<sup>4-6</sup>.</p>"
        b"<script>var x = 1;</script><ul><li>Point<sup>1</sup></li><li>Two</li></ul>"
        b"<h2>References</h2><ol start='1'><li>Doe J. A trial. J Ex. 2020;1:1-2.</li>"
        b"<li>Roe R. Another. J Ex. 2021;2:3-4.</li></ol></body></html>"
    )
    ex = extract(html, "letter.html")
    assert (
        "Pain fell by half¹. It was safe^{2,3} and mild® worked in many centres^{4-6}." in ex.text
    )
    assert "- Point¹\n- Two" in ex.text and "var x" not in ex.text
    assert "1. Doe J. A trial." in ex.text and "\n2. Roe R. Another." in ex.text
    assert ex.markers == 4


def test_markdown_sup_tags_become_markers():
    ex = extract(b"A claim<sup>12</sup>. Another<sup>1, 2</sup>.\n", "letter.md")
    assert ex.text == "A claim¹². Another^{1,2}.\n" and ex.markers == 2


def test_windows_1252_text_is_read_with_a_warning():
    ex = extract("Caf\u00e9 \u2013 letter\n".encode("cp1252"), "letter.txt")
    assert ex.text == "Caf\u00e9 \u2013 letter\n" and ex.warnings


def test_docx_page_breaks_give_claims_their_pages(tiny_kb):
    import io

    import docx
    from docx.enum.text import WD_BREAK

    text = BRACKET.read_text(encoding="utf-8")
    document = docx.Document(io.BytesIO(make_docx(text)))
    cost = next(p for p in document.paragraphs if p.text == "Cost")
    cost.insert_paragraph_before().add_run().add_break(WD_BREAK.PAGE)
    refs = next(p for p in document.paragraphs if p.text == "References")
    refs.runs[0].add_break(WD_BREAK.PAGE)  # a break after the heading's text
    buf = io.BytesIO()
    document.save(buf)
    result = ingest(buf.getvalue(), "letter.docx", tiny_kb)
    ex = result.extracted
    assert [p.page for p in ex.pages] == [1, 2, 3]
    assert ex.text[ex.pages[1].start :].startswith("Cost")
    assert ex.text[ex.pages[2].start :].lstrip().startswith("1. Doe J")
    pages = {c.text.split()[1]: result.claim_pages[c.id] for c in result.claims if c.refs}
    assert pages["write"] == (1, 1) and pages["device"] == (2, 2)
    entry = next(e for e in result.entries if e.entry.number == 1)
    assert entry.pages == (3, 3)


def test_pdf_ligatures_and_soft_hyphens_become_plain_letters():
    data = make_pdf("The ﬁrst ﬂow was spe\u00adcial.\n")
    assert "The first flow was special." in extract(data, "x.pdf").text


def test_an_existing_id_never_lends_its_curated_reference_map(tiny_kb):
    # "tiny" is taken, and reference_map.csv ties tiny's refs 1-3 to doe2020alpha, poe2022alpha2y
    # and tinynote: none of that may be applied to another letter previewed under the same id
    result = ingest(BRACKET, None, tiny_kb, doc_id="tiny")
    data = result.to_dict()
    methods = {e["number"]: e["method"] for e in data["entries"]}
    assert "curated" not in methods.values(), methods
    works = {e["number"]: e.get("work") for e in data["entries"]}
    assert works.get(3) != "tinynote"
