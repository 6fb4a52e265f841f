"""The data-directory writer: one lock, re-reads under it, atomic writes, escaped BibTeX.

The eight-process save and the orphaned-file cases are in tests/test_hostile.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb import store
from kb.latex import to_latex, to_text
from kb.load import parse_bib
from tests.conftest import TINY


@pytest.fixture
def tiny(tmp_path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


def test_the_lock_excludes_a_second_writer(tiny):
    with store.lock(tiny), pytest.raises(store.StoreError) as info, store.lock(tiny, 0.05):
        pass
    assert info.value.code == "busy" and "another process" in info.value.message
    with store.lock(tiny, timeout=0.05):  # released: free again
        pass
    assert not (tiny / store.LOCK_NAME).exists()


def test_a_transaction_rereads_under_the_lock(tiny):
    """A writer appends to the file as it is when it holds the lock, not as it was earlier."""
    before = (tiny / "documents.csv").read_bytes()
    with store.transaction(tiny) as tx:
        tx.write("documents.csv", tx.read("documents.csv") + b"x1,,,,,,\n")
    with store.transaction(tiny) as tx:
        tx.write("documents.csv", tx.read("documents.csv") + b"x2,,,,,,\n")
    assert (tiny / "documents.csv").read_bytes() == before + b"x1,,,,,,\nx2,,,,,,\n"


def test_a_transaction_refuses_a_path_outside_the_data_directory(tiny):
    with pytest.raises(store.StoreError) as info, store.transaction(tiny) as tx:
        tx.write("../escape.txt", b"x")
    assert info.value.code == "outside"
    assert not (tiny.parent / "escape.txt").exists()


def test_an_orphaned_letter_file_is_reported_by_validate(tiny, capsys):
    from kb.cli import main

    (tiny / "letters" / "half-saved.txt").write_text("Dear payer,\n", encoding="utf-8")
    assert main(["--data", str(tiny), "validate"]) == 0
    out = capsys.readouterr().out
    assert "warning: letters/half-saved.txt: not named by any row of documents.csv" in out


@pytest.mark.parametrize(
    "title",
    [
        "A {braced title",
        "Braces {kept} and a backslash \\ kept",
        r"\textbf{not a macro here}",
        "50% of $5 & #1 a_b ~ ^ -- ``q''",
    ],
)
def test_bib_values_round_trip_through_the_loader(title):
    from kb.model import Source, Work

    work = Work(
        citekey="doe2020x",
        kind="journal-article",
        title=title,
        authors=('M{\\"u}ller, A.',),
        source=Source("x"),
    )
    works, problems = parse_bib(store.bib_entry(work))
    assert not problems
    assert works["doe2020x"].title == title
    assert works["doe2020x"].authors == ('M{\\"u}ller, A.',)


def test_latex_in_references_is_decoded_for_display():
    assert to_text(r"M{\"u}ller and G{\'o}mez") == "Müller and Gómez"
    assert to_text("{COVID}-19 in {W}ales") == "COVID-19 in Wales"
    assert to_text(r"Risk \& benefit, 50\% of 1--2") == "Risk & benefit, 50% of 1--2"
    assert to_text("plain 50% -- as written") == "plain 50% -- as written"
    assert to_text(to_latex("a {b} \\ c")) == "a {b} \\ c"
