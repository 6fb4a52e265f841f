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


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _batch(tiny: Path, n: int = 12) -> None:
    """One transaction planning `n` record files (a batch) and a change to documents.csv."""
    with store.transaction(tiny) as tx:
        for i in range(n):
            tx.write(f"records/w{i:02}.json", f'{{"i": {i}}}\n'.encode())
        tx.write("documents.csv", tx.read("documents.csv") + b"x1,,,,,,\n")


def test_a_transaction_of_many_files_writes_them_all_as_a_batch(tiny):
    assert store.BATCH_FILES <= 13
    before = (tiny / "documents.csv").read_bytes()
    _batch(tiny)
    assert (tiny / "documents.csv").read_bytes() == before + b"x1,,,,,,\n"
    for i in range(12):
        path = tiny / "records" / f"w{i:02}.json"
        assert path.read_bytes() == f'{{"i": {i}}}\n'.encode()
        assert path.stat().st_mode & 0o777 == 0o644
    assert not list(tiny.rglob("*.tmp")) and not (tiny / store.LOCK_NAME).exists()


def test_a_batch_that_fails_before_renaming_changes_nothing(tiny, monkeypatch):
    before = _files(tiny)
    real, calls = store._temp_beside, []

    def flaky(path, data):
        calls.append(path.name)
        if path.name == "w07.json":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(store, "_temp_beside", flaky)
    with pytest.raises(store.StoreError) as info:
        _batch(tiny)
    assert info.value.code == "write-failed" and "No space left" in info.value.message
    assert len(calls) == 13  # every file was tried; none was renamed
    assert _files(tiny) == before
    assert not list(tiny.rglob("*.tmp"))


def test_a_batch_that_fails_while_renaming_is_undone(tiny, monkeypatch):
    _batch(tiny, 3)  # three record files before (a batch of 4: written the old way)
    before = _files(tiny)
    real, calls = store.os.replace, []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if len(calls) == 9:  # after 8 of the 13 renames
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", flaky)
    with pytest.raises(store.StoreError) as info:
        _batch(tiny)
    monkeypatch.setattr(store.os, "replace", real)
    assert info.value.code == "write-failed" and "undone" in info.value.message
    assert _files(tiny) == before  # the replaced ones restored, the new ones removed
    assert not list(tiny.rglob("*.tmp"))


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
