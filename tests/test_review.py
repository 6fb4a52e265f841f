"""The review log: append, history, restore, sign-off, anchoring, CSV round trip, concurrent
writers, and a damaged file."""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb import review
from kb.review import Anchor, ReviewError, ReviewLog, ReviewLogError
from tests.conftest import ROOT

HARMS = "tiny:s02.c03"
PAIN = "tiny:s02.c02"


@pytest.fixture
def log(tmp_path) -> ReviewLog:
    return ReviewLog(tmp_path / "review.sqlite")


def test_append_records_who_when_before_and_after(log, tiny_kb):
    first = review.judge(log, tiny_kb, HARMS, "Ann", verdict="supported", note="read table 2")
    assert [(e.field, e.before, e.after) for e in first] == [
        ("verdict", "", "supported"),
        ("note", "", "read table 2"),
    ]
    (second,) = review.judge(log, tiny_kb, HARMS, "Bob", verdict="not supported")
    assert (second.analyst, second.before, second.after) == ("Bob", "supported", "not supported")
    assert second.at.endswith("Z") and second.seq > first[-1].seq
    assert second.quote == "Harms were rare²." and second.start == 242
    # saving the same value again writes nothing
    assert review.judge(log, tiny_kb, HARMS, "Bob", verdict="not supported") == []
    j = review.fold(log.events(), tiny_kb).judgement(HARMS)
    assert (j.verdict, j.note, j.analyst) == ("not supported", "read table 2", "Bob")


def test_the_log_refuses_bad_changes(log, tiny_kb):
    with pytest.raises(ReviewError, match="analyst name"):
        review.judge(log, tiny_kb, HARMS, "  ", verdict="supported")
    with pytest.raises(ReviewError, match="vocabulary"):
        review.judge(log, tiny_kb, HARMS, "Ann", verdict="probably fine")
    with pytest.raises(ReviewError, match="no claim"):
        review.judge(log, tiny_kb, "tiny:s09.c09", "Ann", verdict="supported")
    with pytest.raises(ReviewError, match="reason"):
        review.decide(log, tiny_kb, HARMS, "C1|2|", "Ann", "reject")
    assert log.events() == []


def test_rows_cannot_be_edited_or_deleted(log, tiny_kb):
    review.judge(log, tiny_kb, HARMS, "Ann", verdict="supported")
    con = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE events SET after = 'contradicted'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM events")
    con.close()
    assert len(log.events()) == 1


def test_history_and_restore_append_new_events(log, tiny_kb):
    (v1,) = review.judge(log, tiny_kb, PAIN, "Ann", verdict="supported")
    review.decide(log, tiny_kb, PAIN, "C1|2|", "Ann", "accept")
    review.judge(log, tiny_kb, PAIN, "Bob", verdict="contradicted", note="table 3 says 9%")
    review.decide(log, tiny_kb, PAIN, "C1|2|", "Bob", "reject", "the record is the 2-year one")
    restored = review.restore(log, tiny_kb, PAIN, v1.seq, "Cy")
    assert {(e.field, e.after) for e in restored} == {
        ("verdict", "supported"),
        ("note", ""),
        ("decision", ""),  # the decision made after event v1 is undone too
    }
    assert all("restored" in e.note for e in restored)
    state = review.fold(log.events(), tiny_kb)
    j = state.judgement(PAIN)
    assert (j.verdict, j.note, j.analyst) == ("supported", "", "Cy")
    assert state.decision(PAIN, "C1|2|") is None
    # nothing is lost from the history
    history = state.history(PAIN)
    assert len(history) == len(log.events()) == 8
    assert [e.analyst for e in history] == ["Ann", "Ann", "Bob", "Bob", "Bob", "Cy", "Cy", "Cy"]


def test_finding_decisions_are_kept_apart_from_the_verdict(log, tiny_kb):
    review.decide(log, tiny_kb, HARMS, "C1|2|", "Ann", "amend", "a warning, not an error")
    review.decide(log, tiny_kb, "", "E9|3|", "Ann", "accept", document="tiny")
    state = review.fold(log.events(), tiny_kb)
    d = state.decision(HARMS, "C1|2|")
    assert (d.decision, d.reason, d.analyst) == ("amend", "a warning, not an error", "Ann")
    assert state.decision("", "E9|3|").decision == "accept"
    assert state.judgement(HARMS) is None  # no verdict was set
    assert state.reviewed([HARMS, PAIN]) == []


def test_signoff_freezes_until_reopened(log, tiny_kb):
    review.judge(log, tiny_kb, HARMS, "Ann", verdict="supported")
    s = review.sign_off(log, "tiny", "Ann", "all factual claims read against the records")
    with pytest.raises(ReviewError, match="signed off"):
        review.judge(log, tiny_kb, HARMS, "Bob", verdict="contradicted")
    with pytest.raises(ReviewError, match="signed off"):
        review.decide(log, tiny_kb, HARMS, "C1|2|", "Bob", "accept")
    state = review.fold(log.events(), tiny_kb)
    assert state.signed_off("tiny").seq == s.seq and state.signed_off("tiny").analyst == "Ann"
    with pytest.raises(ReviewError, match="say why"):
        review.reopen(log, "tiny", "Bob", "")
    review.reopen(log, "tiny", "Bob", "the source's erratum came out")
    review.judge(log, tiny_kb, HARMS, "Bob", verdict="contradicted")
    state = review.fold(log.events(), tiny_kb)
    assert state.signed_off("tiny") is None
    assert state.judgement(HARMS).verdict == "contradicted"


def test_judgements_follow_their_text_and_orphans_are_kept(log, tiny_kb):
    # written when the sentence was c09 at other offsets: re-anchored by its quote
    log.append(
        "Ann",
        "tiny",
        "verdict",
        "supported",
        claim="tiny:s02.c09",
        anchor=Anchor("Harms were rare", "", "", 5, 20),
    )
    # its sentence is gone from the letter: kept as an orphan
    log.append(
        "Ann",
        "tiny",
        "verdict",
        "contradicted",
        claim="tiny:s05.c01",
        anchor=Anchor("The device cured everyone.", "", "", 400, 426),
    )
    state = review.fold(log.events(), tiny_kb)
    assert state.judgement(HARMS).verdict == "supported"
    (orphan,) = state.orphans
    assert (orphan.claim, orphan.verdict, orphan.orphaned) == ("tiny:s05.c01", "contradicted", True)
    assert "orphan:tiny:s05.c01" in review.as_assessments(tiny_kb, state)


def test_assessments_csv_is_the_base_the_log_builds_on(log, tiny_kb):
    state = review.state_of(log, tiny_kb)
    assert state.judgement(HARMS).verdict == "partly supported"  # row a1 of the tiny KB
    review.judge(log, tiny_kb, HARMS, "Ann", verdict="supported")
    assert review.state_of(log, tiny_kb).judgement(HARMS).verdict == "supported"


def test_export_import_round_trip(tmp_path, log, tiny_kb):
    review.judge(log, tiny_kb, HARMS, "Ann", verdict="supported", note='says "rare", 2 of 50')
    review.judge(log, tiny_kb, PAIN, "Bob", verdict="partly supported")
    review.decide(log, tiny_kb, PAIN, "N2|1|", "Bob", "reject", "3.0 is the mean change")
    log.append(
        "Ann",
        "tiny",
        "verdict",
        "contradicted",
        claim="tiny:s05.c01",
        anchor=Anchor("The device cured everyone.", "", "", 400, 426),
    )
    text = review.export_assessments(tiny_kb, review.fold(log.events(), tiny_kb))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-3:] == ["finding", "decision", "criteria"]
    assert [(r["claim"], r["verdict"], r["decision"]) for r in rows] == [
        (PAIN, "partly supported", ""),
        (HARMS, "supported", ""),
        (PAIN, "", "reject"),
        ("tiny:s05.c01", "contradicted", ""),
    ]
    other = ReviewLog(tmp_path / "other.sqlite")
    written, problems = review.import_assessments(other, tiny_kb, text)
    assert problems == [] and len(written) == 5
    again = review.export_assessments(tiny_kb, review.fold(other.events(), tiny_kb))
    assert again == text
    # importing the same file again changes nothing
    assert review.import_assessments(other, tiny_kb, text)[0] == []


def test_import_reports_bad_rows_and_skips_them(log, tiny_kb):
    text = (
        "id,document,claim,quote,prefix,suffix,start,end,verdict,note,analyst,date\n"
        "x1,tiny,,Harms were rare,,,,,maybe,,Ann,2026-02-01\n"
        "x2,tiny,,The device is small,,,,,supported,,,2026-02-02\n"
    )
    written, problems = review.import_assessments(log, tiny_kb, text)
    assert [p.field for p in problems] == ["verdict", "analyst"]
    assert written == []
    written, _ = review.import_assessments(log, tiny_kb, text, analyst="Imp")
    assert [(e.claim, e.analyst, e.at) for e in written] == [("tiny:s02.c04", "Imp", "2026-02-02")]


def test_cli_review_export_import(tmp_path, capsys):
    from kb.cli import main

    tiny = str(ROOT / "tests/fixtures/tiny")

    def kb(*args: str) -> tuple[int, str]:
        code = main(["--data", tiny, "review", *args])
        return code, capsys.readouterr().out

    db, db2, out = tmp_path / "r.sqlite", tmp_path / "r2.sqlite", tmp_path / "a.csv"
    judged = kb(
        "--db",
        str(db),
        "judge",
        HARMS,
        "--analyst",
        "Ann",
        "--verdict",
        "contradicted",
        "--note",
        "9% in table 3",
    )
    assert judged[0] == 0 and "2 event(s)" in judged[1]
    assert kb("--db", str(db), "export", "--out", str(out))[0] == 0
    assert "contradicted,9% in table 3,Ann" in out.read_text()
    code, text = kb("--db", str(db2), "import", str(out))
    assert code == 0 and "2 event(s)" in text
    code, text = kb("--db", str(db2), "history", HARMS)
    assert "verdict: '' → 'contradicted'" in text
    assert kb("--db", str(db2), "signoff", "tiny", "--analyst", "Ann", "--summary", "done")[0] == 0
    code = main(
        [
            "--data",
            tiny,
            "review",
            "--db",
            str(db2),
            "judge",
            HARMS,
            "--analyst",
            "Bob",
            "--verdict",
            "supported",
        ]
    )
    assert code == 1 and "signed off" in capsys.readouterr().err
    code, text = kb("--db", str(db2), "check")
    assert code == 0 and "sound" in text


def test_cli_review_export_into_the_data_directory_goes_through_its_lock(tmp_path, capsys):
    import shutil
    import threading
    import time

    from kb.cli import main
    from kb.store import LOCK_NAME, lock

    data = tmp_path / "tiny"
    shutil.copytree(ROOT / "tests/fixtures/tiny", data)
    db, target = tmp_path / "r.sqlite", data / "assessments.csv"
    args = ["--data", str(data), "review", "--db", str(db)]
    assert main([*args, "judge", HARMS, "--analyst", "Ann", "--verdict", "contradicted"]) == 0
    capsys.readouterr()
    done: list[int] = []
    # another writer holds the data directory: the export waits for it, then replaces the file
    with lock(data):
        worker = threading.Thread(
            target=lambda: done.append(main([*args, "export", "--out", str(target)]))
        )
        worker.start()
        time.sleep(0.5)
        assert done == [] and "Ann" not in target.read_text(encoding="utf-8")
    worker.join(30)
    assert done == [0]
    text = target.read_text(encoding="utf-8")
    assert "contradicted" in text and "Ann" in text
    assert not (data / LOCK_NAME).exists()
    assert main([*args, "export", "--out", str(data)]) == 2
    assert "is a directory" in capsys.readouterr().err


# --- many writers, and damage ------------------------------------------------------------------


def _writer(path: str, who: str, n: int) -> None:
    log = ReviewLog(path)
    for i in range(n):
        log.append(
            who,
            "tiny",
            "verdict",
            ("supported", "contradicted")[i % 2],
            claim=f"tiny:s02.c0{i % 4 + 1}",
        )
        log.append(who, "tiny", "note", f"{who} {i}", claim="tiny:s02.c03")


def test_eight_concurrent_writers_lose_nothing(tmp_path):
    path = str(tmp_path / "review.sqlite")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, f"w{k}", 40)) for k in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 8
    events = ReviewLog(path).events()
    notes = [e for e in events if e.field == "note"]
    assert len(notes) == 8 * 40
    assert {e.after for e in notes} == {f"w{k} {i}" for k in range(8) for i in range(40)}
    # each write saw the one before it: `before` chains through the whole shared field
    for prev, cur in itertools.pairwise(notes):
        assert cur.before == prev.after
    assert [e.seq for e in events] == sorted({e.seq for e in events})


CRASH = """
import os, sqlite3, sys
from kb.review import ReviewLog
path = sys.argv[1]
log = ReviewLog(path)
log.append("Ann", "tiny", "note", "note 0", claim="tiny:s02.c03")
hold = sqlite3.connect(path)          # keeps the WAL from being folded back on close
hold.execute("SELECT count(*) FROM events").fetchall()
for i in range(1, 20):
    log.append("Ann", "tiny", "note", f"note {i}", claim="tiny:s02.c03")
hold.execute("SELECT count(*) FROM events").fetchall()
con = sqlite3.connect(path, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO events (at, analyst, document, field) VALUES ('x', 'y', 'tiny', 'note')")
os._exit(0)                            # crash mid-write: no commit, no close
"""


def test_crash_mid_write_and_a_truncated_wal_leave_the_log_readable(tmp_path):
    path = tmp_path / "review.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True, env=env)
    wal = Path(str(path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    with open(wal, "r+b") as fh:  # the last frame is cut short, as by a power cut
        fh.truncate(wal.stat().st_size - 100)
    events = ReviewLog(path).events()
    notes = [e.after for e in events]
    # every intact commit is there, in order; at most the last one (cut short) is missing
    assert notes == [f"note {i}" for i in range(len(notes))]
    assert len(notes) >= 19
    assert ReviewLog(path).check() == []


def test_a_truncated_database_gives_a_clear_error(tmp_path, tiny_kb):
    path = tmp_path / "review.sqlite"
    log = ReviewLog(path)
    for i in range(300):
        log.append("Ann", "tiny", "note", f"a long note number {i} " * 5, claim=HARMS)
    size = path.stat().st_size
    assert not Path(str(path) + "-wal").exists()  # folded back on close
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    with pytest.raises(ReviewLogError) as exc:
        ReviewLog(path).events()
    assert str(path) in str(exc.value) and "damaged" in str(exc.value)
    with pytest.raises(ReviewLogError):
        ReviewLog(path).append("Ann", "tiny", "note", "more", claim=HARMS)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "review.sqlite"
    path.write_bytes(b"id,document\nthis is a CSV file, not a database\n" * 50)
    with pytest.raises(ReviewLogError, match="not a review log"):
        ReviewLog(path).events()
    assert path.read_bytes().startswith(b"id,document")  # left as it was


def test_default_path_is_in_the_data_directory_or_the_env_var(tmp_path, monkeypatch):
    monkeypatch.delenv(review.ENV_VAR, raising=False)
    assert review.open_log(tmp_path).path == tmp_path / "review.sqlite"
    monkeypatch.setenv(review.ENV_VAR, str(tmp_path / "elsewhere.db"))
    assert review.open_log(tmp_path).path == tmp_path / "elsewhere.db"
    assert review.open_log(tmp_path, tmp_path / "x.db").path == tmp_path / "x.db"
