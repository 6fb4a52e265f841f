"""The reading cache (kb/cache.py): a warm start gives the same objects as reading the files,
any change to a data file or a damaged cache file is noticed, and a hit reads nothing."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cache import MAGIC, ReadCache, data_files, key_of
from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.load import load_kb
from tests.conftest import DATA, ROOT, TINY

DOC = "nysipp-2026"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


def _cache(data: Path, tmp_path: Path) -> ReadCache:
    return ReadCache(data, tmp_path / "cache", on=True)


def test_a_warm_start_gives_what_reading_the_files_gives(data, tmp_path):
    cold = _cache(data, tmp_path)
    first = cold.knowledge_base()
    fc_cold = cold.fact_check([DOC])
    warm = _cache(data, tmp_path)
    kb = warm.knowledge_base()
    assert (cold.hit, warm.hit) == (False, True)
    fresh = load_kb(data)
    assert kb.documents == fresh.documents == first.documents
    assert list(kb.claims()) == list(fresh.claims())
    assert kb.resolutions == fresh.resolutions and kb.problems == fresh.problems
    assert kb.works == fresh.works and kb.outcomes == fresh.outcomes
    assert kb.data_dir == data
    fc = warm.fact_check([DOC])
    expected = fact_check(fresh, build_graph(fresh), documents=[DOC])
    assert fc.findings == expected.findings == fc_cold.findings
    assert fc.verdicts == expected.verdicts


def test_any_change_to_a_data_file_is_a_miss(data, tmp_path):
    _cache(data, tmp_path).knowledge_base()
    letter = data / "letters" / "nysipp-2026-06-26-letter-mild.txt"
    text = letter.read_text(encoding="utf-8")
    # the same length, the same modification time: only the bytes differ
    st = letter.stat()
    changed = text.replace("2.5 mm", "2.6 mm", 1)
    assert changed != text and len(changed) == len(text)
    letter.write_text(changed, encoding="utf-8")
    os.utime(letter, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = _cache(data, tmp_path)
    kb = again.knowledge_base()
    assert not again.hit
    assert any("2.6 mm" in c.text for c in kb.claims(DOC))
    # a new file loading would read (here an orphan letter) changes the key too
    before = key_of(data)
    (data / "letters" / "extra.txt").write_text("x", encoding="utf-8")
    assert key_of(data) != before


def test_the_review_log_and_hidden_files_are_not_part_of_the_key(data):
    before = key_of(data)
    (data / "review.sqlite").write_bytes(b"not read by loading")
    (data / ".kb.lock").write_bytes(b"")
    (data / "cache" / "fetch").mkdir(parents=True)
    (data / "cache" / "fetch" / "x.json").write_text("{}")
    assert key_of(data) == before
    assert all(p.name != "review.sqlite" for p in data_files(data))


def test_a_damaged_or_foreign_cache_file_is_never_trusted(data, tmp_path):
    c = _cache(data, tmp_path)
    c.knowledge_base()
    path = c.path
    path.write_bytes(path.read_bytes()[:-200])  # truncated
    again = _cache(data, tmp_path)
    assert again.knowledge_base().documents.keys() == {"nysipp-2024", "nysipp-2026"}
    assert not again.hit  # recomputed, and the file replaced by a whole one
    assert _check_hit(data, tmp_path)
    # a file others may write is ignored (and replaced by one only we may write)
    os.chmod(path, 0o666)
    assert not _check_hit(data, tmp_path)
    assert _check_hit(data, tmp_path)
    # a file of the right key whose payload is not ours
    key = key_of(data)
    path.write_bytes(MAGIC + key + b"\n" + pickle.dumps({"something": "else"}))
    third = _cache(data, tmp_path)
    assert third.knowledge_base().documents and not third.hit


def _check_hit(data: Path, tmp_path: Path) -> bool:
    c = _cache(data, tmp_path)
    c.knowledge_base()
    return c.hit


def test_off_or_unwritable_cache_changes_nothing(data, tmp_path, monkeypatch):
    off = ReadCache(data, tmp_path / "off", on=False)
    assert off.knowledge_base().documents and not (tmp_path / "off").exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    c = ReadCache(data, blocked / "cache", on=True)
    assert c.knowledge_base().documents and not c.hit


def test_a_load_error_is_raised_as_without_the_cache(tmp_path):
    from kb.load import LoadError

    with pytest.raises(LoadError):
        ReadCache(tmp_path / "missing", tmp_path / "cache", on=True).knowledge_base()


def _kb(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KB_CACHE": "1", "KB_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_cli_says_the_same_warm_and_a_warm_check_reads_nothing(data, tmp_path):
    cache = tmp_path / "cache"
    for args in (
        ["check", DOC],
        ["check", DOC, "--format", "json"],
        ["info"],
        ["trace", "nysipp-2026:s08.c09"],
        ["claims", DOC, "--format", "json"],
    ):
        cold = _kb("--data", str(data), *args, cache=cache)
        warm = _kb("--data", str(data), *args, cache=cache)
        assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout), args
        assert cold.stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KB_CACHE": "1", "KB_CACHE_DIR": str(cache)}
    for command in (["check", DOC], ["trace", "nysipp-2026:s08.c09"]):
        probe = (
            "import contextlib, io, sys, kb.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    kb.cli.main(['--data', {str(data)!r}, *{command!r}])\n"
            "heavy = ('bibtexparser', 'networkx', 'rapidfuzz', 'kb.load', 'kb.linking')\n"
            "print(','.join(m for m in heavy if m in sys.modules))\n"
        )
        got = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300
        )
        assert got.returncode == 0, got.stderr
        assert got.stdout.strip() == "", command  # nothing parsed, no graph library imported


def test_an_unknown_claim_is_not_cached_as_a_trace(tmp_path):
    cache = tmp_path / "cache"
    for _ in range(2):
        got = _kb("--data", str(TINY), "trace", "tiny:nope", cache=cache)
        assert got.returncode == 2 and "tiny:nope" in got.stderr
