"""Export-test helpers: loading and fact-checking, a hostile copy of the tiny KB."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx

from kb.checks.factcheck import FactCheck, fact_check
from kb.graph import build_graph
from kb.load import load_kb
from kb.model import Claim, KnowledgeBase
from tests.conftest import TINY

HOSTILE_FORMULA = '=HYPERLINK("http://x","y")'
HOSTILE_SCRIPT = "<script>alert(1)</script>"
# it cites the note (ref 3), so the engine flags it and the report shows it in full
HOSTILE_SENTENCE = f"{HOSTILE_FORMULA} and {HOSTILE_SCRIPT} were both seen³."


def load(data_dir: Path) -> KnowledgeBase:
    """Load and read a data directory (the loader every export test goes through)."""
    return load_kb(data_dir)


def hostile_copy(tmp_path: Path) -> Path:
    """The tiny KB copied into tmp_path with a letter sentence carrying a formula and a script."""
    data = tmp_path / "hostile"
    shutil.copytree(TINY, data)
    letter = data / "letters" / "tiny.txt"
    text = letter.read_text(encoding="utf-8")
    text = text.replace("The device is small³.", f"The device is small³.\n\n{HOSTILE_SENTENCE}")
    letter.write_text(text, encoding="utf-8")
    bib = data / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "Based on the package insert", "=cmd|' /C calc'!A0 <img src=x onerror=alert(2)>"
        ),
        encoding="utf-8",
    )
    return data


def claim_with(kb: KnowledgeBase, fragment: str) -> Claim:
    """The first claim whose text contains fragment."""
    for c in kb.claims():
        if fragment in c.text:
            return c
    raise LookupError(fragment)


def checked(data_dir: Path) -> tuple[KnowledgeBase, nx.MultiDiGraph, FactCheck]:
    """(kb, graph, the engine's fact check) of a data directory."""
    kb = load(data_dir)
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)
