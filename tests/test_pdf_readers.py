"""PDFium (the glyph reader in use) and pdfminer.six (the reference it replaced for speed) give
the same extraction -- text, page spans, markers and warnings -- on every test PDF."""

from __future__ import annotations

import pytest

import kb.sources.pdf as pdf
from tests.conftest import ROOT
from tests.ingest_docs import encrypt_pdf, make_pdf

DOCS = ROOT / "tests" / "fixtures" / "documents"
LETTER = ROOT / "data" / "letters" / "nysipp-2026-06-26-letter-mild.txt"
BRACKET = ROOT / "tests" / "fixtures" / "ingest" / "bracket-letter.txt"


def _made() -> dict[str, bytes]:
    letter = LETTER.read_text(encoding="utf-8")
    return {
        "letter (markers raised by text rise)": make_pdf(letter),
        "letter (markers as smaller glyphs placed higher)": make_pdf(letter, raised_by_rise=False),
        "bracket markers": make_pdf(BRACKET.read_text(encoding="utf-8")),
        "ligatures and a soft hyphen": make_pdf("The ﬁrst ﬂow was spe\u00adcial.\n"),
        "12 pt, no page numbers": make_pdf(letter, size=12.0, page_numbers=False),
        "empty-password encryption": encrypt_pdf(make_pdf("Dear Director,\n\nIt works.\n"), ""),
    }


CASES = {p.name: p.read_bytes() for p in sorted(DOCS.glob("*.pdf"))} | _made()


def _with(reader: str, data: bytes, monkeypatch) -> object:
    monkeypatch.setattr(pdf, "_READER", reader)
    return pdf.extract_pdf(data, "x.pdf")


@pytest.mark.parametrize("name", list(CASES))
def test_pdfium_reads_what_pdfminer_reads(name, monkeypatch):
    data = CASES[name]
    theirs = _with("pdfminer", data, monkeypatch)
    mine = _with("pdfium", data, monkeypatch)
    assert mine == theirs


def test_pdfium_is_the_reader_in_use():
    assert pdf._READER == "pdfium"


def test_a_damaged_pdf_is_refused_by_both(monkeypatch):
    from kb.sources.common import IngestError

    data = make_pdf("Dear Director,\n\nThe device works well.\n")
    broken = data[: len(data) // 2]
    for reader in ("pdfium", "pdfminer"):
        with pytest.raises(IngestError) as err:
            _with(reader, broken, monkeypatch)
        assert err.value.code == "corrupt"
