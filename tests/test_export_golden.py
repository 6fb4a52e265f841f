"""Golden files: every export of the bundled 2026 letter, byte for byte.

Regenerate after an intended change with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_export_golden.py`, then read the diff (`git diff tests/golden/export`) before
committing: the goldens move whenever the data, the reader or the fact check change.
"""

from __future__ import annotations

import difflib
import io
import os
import zipfile

import pytest

from kb.checks.factcheck import fact_check
from kb.export import BINARY_FORMATS, FORMATS, filename, render
from kb.graph import build_graph
from tests.conftest import DATA, ROOT

GOLDEN = ROOT / "tests" / "golden" / "export"
DOCUMENT = "nysipp-2026"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def bundled():
    """(kb, graph, fact check) of the bundled data."""
    from kb.load import load_kb

    kb = load_kb(DATA)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


def _xlsx_text(data: bytes) -> str:
    """Each sheet's cells as text, so a failing XLSX (or DOCX) comparison shows a readable diff."""
    if b"word/document.xml" in data:
        from docx import Document

        doc = Document(io.BytesIO(data))
        lines = [p.text for p in doc.paragraphs]
        for t in doc.tables:
            lines += ["\t".join(c.text for c in row.cells) for row in t.rows]
        return "\n".join(lines)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    lines = []
    for ws in wb.worksheets:
        lines.append(f"## {ws.title}")
        for row in ws.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_golden(bundled, name):
    path = GOLDEN / filename(name, DOCUMENT)
    data = render(name, *bundled, DOCUMENT)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if data == expected:
        return
    if name in BINARY_FORMATS:
        old, new = _xlsx_text(expected), _xlsx_text(data)
    else:
        old, new = expected.decode("utf-8-sig"), data.decode("utf-8-sig")
    diff = "\n".join(
        list(
            difflib.unified_diff(old.splitlines(), new.splitlines(), "golden", "now", lineterm="")
        )[:60]
    )
    pytest.fail(f"{path.name} differs from its golden file (UPDATE_GOLDEN=1 to accept):\n{diff}")


def test_golden_files_have_no_strays():
    expected = {filename(n, DOCUMENT) for n in FORMATS}
    assert {p.name for p in GOLDEN.iterdir()} <= expected


def test_bundled_exports_name_no_local_path(bundled):
    kb = bundled[0]
    for name in FORMATS:
        data = render(name, *bundled, DOCUMENT)
        parts = [data]
        if name in BINARY_FORMATS:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = [z.read(n) for n in z.namelist()]
        for part in parts:
            assert str(kb.data_dir).encode() not in part, name
            assert str(ROOT).encode() not in part, name


def test_bundled_reference_list_is_complete(bundled):
    kb, g, fc = bundled
    lines = render("ama-txt", kb, g, fc, DOCUMENT).decode().splitlines()
    assert [int(line.split(".", 1)[0]) for line in lines] == list(range(1, 27))
