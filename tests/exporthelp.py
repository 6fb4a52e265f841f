"""Export-test helpers: loading, a hostile copy of the tiny KB, a hand-made fact check."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kb.load import load_kb
from kb.model import Claim, Finding, KnowledgeBase
from tests.conftest import TINY

HOSTILE_FORMULA = '=HYPERLINK("http://x","y")'
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_SENTENCE = f"{HOSTILE_FORMULA} and {HOSTILE_SCRIPT} were both seen¹."


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


def fake_factcheck(kb: KnowledgeBase) -> Any:
    """A hand-made fact check for the tiny KB, shaped like kb.checks.factcheck.FactCheck."""
    pain = claim_with(kb, "pain scores improved")
    harms = claim_with(kb, "Harms were rare")
    small = claim_with(kb, "The device is small")
    three = next(n for n in pain.numbers if n.value == 3.0)
    p_value = next(n for n in pain.numbers if n.value == 0.001)
    o_pain = kb.outcomes["alpha-1y-pain"]
    findings = (
        Finding(
            "NUM-NOT-IN-SOURCE",
            "warning",
            pain.document,
            pain.id,
            "the p value is not reported by the cited work",
            ("doe2020alpha",),
            (1,),
        ),
        Finding(
            "REF-CITED-ONLY",
            "info",
            harms.document,
            harms.id,
            "the cited record was not read",
            ("poe2022alpha2y",),
            (2,),
        ),
        Finding(
            "REF-NOT-PUBLICATION",
            "warning",
            small.document,
            small.id,
            "reference 3 is a note, not a publication",
            ("tinynote",),
            (3,),
        ),
    )
    verdict = lambda label, reason, codes: SimpleNamespace(
        label=label, reason=reason, codes=codes, outcomes=()
    )
    verdicts = {
        pain.id: verdict(
            "partly supported",
            "the device figure matches; the comparator does not",
            ("NUM-NOT-IN-SOURCE",),
        ),
        harms.id: verdict("cannot verify", "the two-year paper was not read", ("REF-CITED-ONLY",)),
        small.id: verdict("non-publication", "rests on a note", ("REF-NOT-PUBLICATION",)),
    }
    hostile = [c for c in kb.claims() if HOSTILE_FORMULA in c.text]
    for c in hostile:
        verdicts[c.id] = verdict("not supported", f"quoted as {HOSTILE_SCRIPT}", ())
    match = lambda n, status, o, why: SimpleNamespace(
        claim=pain.id, number=n, status=status, outcome=o, reason=why
    )
    matches = {
        pain.id: (
            match(three, "matched", o_pain, "same value, same arm"),
            match(p_value, "not in source", None, "no such number recorded"),
        )
    }
    return SimpleNamespace(findings=findings, verdicts=verdicts, matches=matches)
