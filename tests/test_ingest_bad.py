"""Bad input to ingest: each case is a named IngestError with a message; nothing is written."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.cli import main
from kb.ingest import ingest
from kb.load import load_kb
from kb.sources import MAX_BYTES, IngestError
from tests.conftest import ROOT, TINY
from tests.ingest_docs import encrypt_pdf, make_docx, make_image_pdf, make_pdf

APP = str(ROOT / "app.py")
BRACKET = ROOT / "tests" / "fixtures" / "ingest" / "bracket-letter.txt"
NO_REFS = "Example Society\n\nMarch 3, 2025\n\nDear Director,\n\nThe device works well.\n"


def _zip(**files: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _cases() -> dict[str, tuple[str, bytes, str, str]]:
    """id -> (file name, bytes, error code, a phrase the message must hold)."""
    good = make_pdf("Dear Director,\n\nThe device works well.\n")
    return {
        "encrypted-pdf": ("letter.pdf", encrypt_pdf(good), "encrypted", "password-protected"),
        "image-only-pdf": ("scan.pdf", make_image_pdf(), "no-text", "no text layer"),
        "empty-file": ("letter.pdf", b"", "empty", "empty"),
        "blank-text": ("letter.txt", b"  \n\n \t\n", "empty", "no text"),
        "empty-docx": ("letter.docx", make_docx(""), "empty", "no text"),
        "corrupt-pdf": ("letter.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt", "damaged"),
        "truncated-pdf": ("letter.pdf", good[: len(good) // 2], "corrupt", "damaged"),
        "corrupt-docx": ("letter.docx", b"PK\x03\x04" + b"\x00" * 64, "corrupt", "damaged"),
        "zip-as-docx": ("letter.docx", _zip(**{"a.txt": "x"}), "corrupt", "Word document"),
        "text-named-pdf": (
            "letter.pdf",
            b"Dear Director, this is text.\n",
            "wrong-extension",
            "Rename it to .txt",
        ),
        "pdf-named-txt": ("letter.txt", good, "wrong-extension", "Rename it to .pdf"),
        "old-word-as-docx": (
            "letter.docx",
            b"\xd0\xcf\x11\xe0" + b"\x00" * 64,
            "wrong-extension",
            "save it as .docx",
        ),
        "image-named-pdf": (
            "letter.pdf",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
            "wrong-extension",
            "an image",
        ),
        "binary-named-txt": ("letter.txt", b"\x00\x01\x02abc", "wrong-extension", "binary"),
        "exe": ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "unsupported-type", "not accepted"),
        "old-word-doc": (
            "letter.doc",
            b"\xd0\xcf\x11\xe0" + b"\x00" * 64,
            "unsupported-type",
            "save it as .docx",
        ),
        "no-extension": ("letter", b"hello", "unsupported-type", "not accepted"),
        "too-large": ("letter.txt", b"a" * (MAX_BYTES + 1), "too-large", "20 MB"),
        "no-reference-list": (
            "letter.txt",
            NO_REFS.encode(),
            "no-references",
            "No reference list",
        ),
    }


CASES = _cases()


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(TINY, dest)
    return dest


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_a_clear_error_and_writes_nothing(case, data):
    name, blob, code, phrase = CASES[case]
    kb = load_kb(data)
    before = _snapshot(data)
    with pytest.raises(IngestError) as info:
        ingest(blob, name, kb)
    assert info.value.code == code
    assert phrase.lower() in info.value.message.lower()
    assert name in info.value.message or code == "no-references"
    assert _snapshot(data) == before


def test_too_large_file_on_disk_is_refused_before_reading(tmp_path, tiny_kb):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as fh:
        fh.seek(MAX_BYTES)
        fh.write(b"\0")
    with pytest.raises(IngestError) as info:
        ingest(big, None, tiny_kb)
    assert info.value.code == "too-large"


def test_missing_file(tmp_path, tiny_kb):
    with pytest.raises(IngestError) as info:
        ingest(tmp_path / "nope.pdf", None, tiny_kb)
    assert info.value.code == "not-found"


def test_pdf_with_an_empty_user_password_is_read(tiny_kb):
    data = encrypt_pdf(make_pdf(BRACKET.read_text(encoding="utf-8")), password="")
    result = ingest(data, "letter.pdf", tiny_kb)
    assert len(result.entries) == 5


@pytest.mark.parametrize("bad", ["Bad Id", "x:y", "", "-lead", "a" * 81])
def test_bad_document_id(bad, tiny_kb):
    with pytest.raises(IngestError) as info:
        ingest(BRACKET, None, tiny_kb, doc_id=bad)
    assert info.value.code == "bad-id"


def test_bad_date(tiny_kb):
    with pytest.raises(IngestError) as info:
        ingest(BRACKET, None, tiny_kb, date="3 March 2025")
    assert info.value.code == "bad-date"


@pytest.mark.parametrize("case", ["encrypted-pdf", "exe", "no-reference-list"])
def test_cli_reports_bad_input(case, data, tmp_path, capsys):
    name, blob, _code, phrase = CASES[case]
    path = tmp_path / name
    path.write_bytes(blob)
    before = _snapshot(data)
    assert main(["--data", str(data), "ingest", str(path), "--save"]) == 2
    err = capsys.readouterr().err
    assert "cannot ingest" in err and phrase.lower() in err.lower()
    assert _snapshot(data) == before


# --- the app page ---------------------------------------------------------------------------


def table(at: AppTest, column: str):
    """The first dataframe on the page that has `column`."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _page(monkeypatch, data: Path) -> AppTest:
    monkeypatch.setenv("KB_DATA", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("kb/ui/upload.py")
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize(
    "case", ["exe", "encrypted-pdf", "image-only-pdf", "empty-file", "no-reference-list"]
)
def test_page_shows_a_bad_upload_as_a_message_and_keeps_working(case, monkeypatch, data):
    name, blob, _code, phrase = CASES[case]
    before = _snapshot(data)
    at = _page(monkeypatch, data)
    at.file_uploader(key="ingest_upload").upload(name, blob)
    at.run()
    assert not at.exception
    assert any(phrase.lower() in e.value.lower() for e in at.error)
    assert not at.button  # nothing to save
    at.file_uploader(key="ingest_upload").clear()
    at.file_uploader(key="ingest_upload").upload("bracket.txt", BRACKET.read_bytes())
    at.run()
    assert not at.exception and not at.error
    assert table(at, "ref")["ref"].tolist() == [1, 2, 3, 4, 5]
    assert _snapshot(data) == before
