"""The `kb` command: validate, info, trace, claims (run in-process and once as a real process)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from kb.cli import main
from tests.conftest import DATA, ROOT, TINY


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_tiny_passes(capsys):
    code, out, _ = run(capsys, "--data", str(TINY), "validate")
    assert code == 0
    assert out.strip() == f"0 error(s), 0 warning(s) in {TINY}"


def test_validate_reports_warnings_without_failing(capsys, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    letter = data / "letters" / "tiny.txt"
    letter.write_text(letter.read_text().replace("small³.", "small⁷."))
    code, out, _ = run(capsys, "--data", str(data), "validate")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[:2] == [
        "warning: letters/tiny.txt:7 [ref 7]: marker names reference 7 (1 time, first in "
        "tiny:s02.c04), but the reference list has no entry 7",
        "warning: letters/tiny.txt:13 [ref 3]: reference entry 3 is never cited in the text",
    ]
    assert lines[-1] == f"0 error(s), 2 warning(s) in {data}"


def test_validate_fails_on_errors_and_names_file_line_field(capsys, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    text = (data / "studies.csv").read_text().replace(",RCT,", ",coin toss,")
    (data / "studies.csv").write_text(text)
    code, out, _ = run(capsys, "--data", str(data), "validate")
    assert code == 1
    assert "error: studies.csv:2 [design]: 'coin toss' is not one of the allowed terms" in out


def test_structural_error_exits_2_with_message(capsys, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TINY, data)
    (data / "outcomes.csv").write_bytes(b"")
    code, _, err = run(capsys, "--data", str(data), "validate")
    assert code == 2 and "outcomes.csv: file is empty" in err


def test_info_counts(capsys):
    code, out, _ = run(capsys, "--data", str(TINY), "info")
    lines = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert code == 0
    assert (lines["work"], lines["study"], lines["outcome"], lines["document"]) == (
        "3",
        "1",
        "3",
        "1",
    )


def test_claims_json_contract(capsys):
    code, out, _ = run(capsys, "--data", str(TINY), "claims", "tiny", "--format", "json")
    claims = json.loads(out)
    assert code == 0
    by_text = {c["text"][:12]: c for c in claims}
    c = by_text["At one year,"]
    assert set(c) >= {"id", "document", "section", "text", "start", "end", "refs", "numbers"}
    assert c["refs"] == [1, 2] and c["document"] == "tiny"
    text = (TINY / "letters" / "tiny.txt").read_text()
    assert text[c["start"] : c["end"]] == c["text"]
    assert {"text", "value", "kind", "start", "end"} <= set(c["numbers"][0])


def test_claims_unknown_document(capsys):
    code, _, err = run(capsys, "--data", str(TINY), "claims", "nope")
    assert code == 2 and "no document 'nope'" in err and "tiny" in err


def test_trace_text_and_json(capsys):
    _, out, _ = run(capsys, "--data", str(TINY), "claims", "tiny", "--format", "json")
    cid = next(c["id"] for c in json.loads(out) if c["text"].startswith("At one year"))
    code, text, _ = run(capsys, "--data", str(TINY), "trace", cid)
    assert code == 0
    assert (
        "work: doe2020alpha (journal-article; PMID 11111111, "
        "doi:10.5555/example.2020.1; record read" in text
    )
    assert "study: alpha: Alpha trial [RCT]" in text
    assert "NPRS device 1 year = 3.0 points vs 1.0 p <0.001" in text  # as printed
    assert (
        "[not verified in the record]" in text
    )  # the two-year number comes from an unverified work
    code, js, _ = run(capsys, "--data", str(TINY), "trace", cid, "--format", "json")
    data = json.loads(js)
    assert [r["work"] for r in data["refs"]] == ["doe2020alpha", "poe2022alpha2y"]


def test_trace_unknown_claim(capsys):
    code, _, err = run(capsys, "--data", str(TINY), "trace", "tiny:s99.c99")
    assert code == 2 and "tiny:s99.c99" in err


def test_bundled_data_validates(capsys):
    code, out, _ = run(capsys, "--data", str(DATA), "validate")
    assert code == 0, out


def test_python_dash_m_kb_runs_as_a_process():
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "--data", str(TINY), "info"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "claim" in proc.stdout


def test_trace_of_a_motion_claim_shows_all_five_motion_works(capsys):
    _, out, _ = run(capsys, "claims", "nysipp-2026", "--format", "json")
    claim = next(c for c in json.loads(out) if c["text"].startswith("WTT demonstrated 274"))
    assert claim["refs"] == [16]
    code, text, _ = run(capsys, "trace", claim["id"])
    assert code == 0
    for key in (
        "deer2021motion6m",
        "deer2022motion1y",
        "deer2024motion2y",
        "costandi2025motion3y",
        "deer2026motion5y",
    ):
        assert key in text
    assert "WTT mild+CMM 3 years = 274 % vs baseline  (costandi2025motion3y, abstract)" in text
    assert "surgery mild+CMM through 3 years = 4 (5.6%)" in text
    # numbers from a source other than the article itself are flagged
    assert (
        "(deer2022motion1y, manufacturer press release (not the article)) "
        "[not verified in the record]" in text
    )


def test_trace_lists_a_studys_numbers_once_per_claim(capsys):
    _, out, _ = run(capsys, "claims", "nysipp-2026", "--format", "json")
    claim = next(c for c in json.loads(out) if c["refs"] == [3, 14, 15, 16])
    _, text, _ = run(capsys, "trace", claim["id"])
    assert text.count("study: motion: MOTION") == 1
    assert text.count("study: motion (its numbers are listed above)") == 3


def test_trace_and_check_name_a_borrowed_marker_in_the_same_words(capsys):
    """A sentence without a marker is read with the next cited sentence's references: `kb
    trace` shows them, its verdict and `kb check` name them in one wording."""
    words = "ref 19, borrowed from s11.c05 later in the paragraph"
    code, text, _ = run(capsys, "trace", "nysipp-2026:s11.c04")
    assert code == 0
    assert f"no marker of its own; read with {words}" in text
    assert f"(through {words})" in text.split("verdict: ", 1)[1].splitlines()[0]
    assert "[19] marker '¹⁹'" in text and "work: staats2023spacers" in text
    _, js, _ = run(capsys, "trace", "nysipp-2026:s11.c04", "--format", "json")
    data = json.loads(js)
    assert data["support"]["via"] == "paragraph" and data["support"]["refs"] == [19]
    assert [r["work"] for r in data["refs"]] == ["staats2023spacers"]
    assert words in data["verdict"]["reason"]
    _, checked, _ = run(capsys, "check", "nysipp-2026")
    line = next(x for x in checked.splitlines() if "nysipp-2026:s11.c04" in x)
    assert f"(through {words})" in line


def test_trace_says_a_footnote_is_not_lent(capsys):
    _, text, _ = run(capsys, "trace", "nysipp-2026:s03.c01")
    assert "the next marker of its paragraph (ref 2) is a footnote" in text
    assert "[2]" not in text
