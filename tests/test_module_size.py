"""No module of kb/ over about 500 lines without the reason written at its top."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

MODULES = sorted((ROOT / "kb").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_long_module_says_why(path):
    text = path.read_text(encoding="utf-8")
    if len(text.splitlines()) <= 520:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert "over 500 lines" in doc, f"{path.name} is long: split it or say why at its top"
