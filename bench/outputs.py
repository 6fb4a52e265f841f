"""Every output of the records import and the number finder, written to a folder, so that a
speed change can be shown to change no result: run it before and after, then `diff -r`.

    mkdir /tmp/old && git archive OLD | tar -x -C /tmp/old && cp bench/outputs.py /tmp/old/bench/
    PYTHONPATH=/tmp/old python /tmp/old/bench/outputs.py /tmp/before
    PYTHONPATH=. python bench/outputs.py /tmp/after && diff -r /tmp/before /tmp/after

It writes: each fixture record file imported alone, all together, each bad file, and a dry
run (messages and the files written); a re-import (duplicates); the fixture letter checked
against its records; 1,000 synthetic records imported (a hash per file written); the 30-claim
letter checked against 50 records; the bundled letters' claims and findings; find_numbers on
every line and sentence of the data, the fixtures and 200 synthetic records. Not a test: the
golden tests pin results; this pins that a change kept them all.
"""

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_records import letter_of, pubmed_set  # noqa: E402

from kb.checks.factcheck import fact_check  # noqa: E402
from kb.graph import build_graph  # noqa: E402
from kb.importing import format_result, import_records  # noqa: E402
from kb.load import load_kb  # noqa: E402
from kb.reading.numbers import find_numbers  # noqa: E402
from kb.reading.sentences import split_sentences  # noqa: E402
from kb.sources.records import read_records  # noqa: E402

REC = ROOT / "tests" / "fixtures" / "records"


def dump_dir(d: Path) -> dict:
    return {
        p.relative_to(d).as_posix(): p.read_bytes().decode("utf-8", "replace")
        for p in sorted(d.rglob("*"))
        if p.is_file() and ".kb.lock" not in p.name
    }


def fresh(tmp):
    d = Path(tmp) / "data"
    shutil.copytree(REC / "kb", d)
    return d


files = sorted(
    p
    for p in REC.iterdir()
    if p.is_file()
    and p.suffix in (".xml", ".nbib", ".ris", ".bib", ".json")
    and p.name != "expected.json"
)
bad = sorted((REC / "bad").iterdir())
out = {}
# 1. each fixture alone, all together, each bad file, dry run
cases = [[f] for f in files] + [files] + [[b] for b in bad] + [files + bad]
for i, case in enumerate(cases):
    with tempfile.TemporaryDirectory() as tmp:
        d = fresh(tmp)
        res = import_records(
            [(f.name, f.read_bytes()) for f in case], load_kb(d), today="2031-01-01"
        )
        dry = import_records(
            [(f.name, f.read_bytes()) for f in case], load_kb(d), dry_run=True, today="2031-01-01"
        )
        out[f"case{i}:" + "+".join(f.name for f in case)] = {
            "result": format_result(res),
            "dict": res.to_dict(),
            "dry": format_result(dry),
            "files": dump_dir(d),
        }
        if case == files:
            # the fixture letter checked against imported records
            kb = load_kb(d)
            g = build_graph(kb)
            fc = fact_check(kb, g)
            out["fixture-check"] = sorted(repr(f) for f in fc.findings)
            out["fixture-kb-records"] = {
                k: [repr(r) for r in v] for k, v in sorted(kb.records.items())
            }
            # import the same again: duplicates
            res2 = import_records(
                [(f.name, f.read_bytes()) for f in case], load_kb(d), today="2031-01-02"
            )
            out["reimport"] = format_result(res2)
            out["reimport-files"] = dump_dir(d)
(OUT / "fixtures.json").write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False))
# 2. synthetic 1000 and a check of a 30-claim letter against 50 records
with tempfile.TemporaryDirectory() as tmp:
    d = fresh(tmp)
    res = import_records([("synthetic.xml", pubmed_set(1000))], load_kb(d), today="2031-01-01")
    files_ = dump_dir(d)
    h = {k: hashlib.sha256(v.encode()).hexdigest() for k, v in files_.items()}
    (OUT / "synthetic.json").write_text(
        json.dumps({"result": format_result(res), "hashes": h}, indent=1, sort_keys=True)
    )
    # also keep one full file of each source article for readable diffs
    (OUT / "synthetic-sample.json").write_text(
        json.dumps(
            {k: v for k, v in list(files_.items())[:12]},
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        )
    )
with tempfile.TemporaryDirectory() as tmp:
    d = fresh(tmp)
    (d / "letters" / "mwsisc-2031-09-14.txt").write_text(letter_of(30), encoding="utf-8")
    srcs = [(f.name, f.read_bytes()) for f in files] + [("more.xml", pubmed_set(38, first=100))]
    import_records(srcs, load_kb(d), today="2031-01-01")
    kb = load_kb(d)
    g = build_graph(kb)
    fc = fact_check(kb, g)
    (OUT / "check50.json").write_text(json.dumps(sorted(repr(f) for f in fc.findings), indent=1))
# 3. bundled data: every claim's numbers and the fact check
kb = load_kb(ROOT / "data")
g = build_graph(kb)
fc = fact_check(kb, g)
bundled = {
    "claims": [repr(c) for c in kb.claims()],
    "findings": sorted(repr(f) for f in fc.findings),
    "verdicts": sorted(repr(v) for v in fc.verdicts.items()) if hasattr(fc, "verdicts") else None,
}
(OUT / "bundled.json").write_text(json.dumps(bundled, indent=1, ensure_ascii=False))
# 4. find_numbers on a broad corpus: every sentence and line of letters, records, fixtures
texts = []
for p in sorted(
    list((ROOT / "data").rglob("*.txt")) + list((ROOT / "tests" / "fixtures").rglob("*"))
):
    if p.is_file() and p.suffix in (
        ".txt",
        ".md",
        ".csv",
        ".bib",
        ".ris",
        ".nbib",
        ".xml",
        ".json",
        ".tex",
    ):
        t = p.read_text(encoding="utf-8", errors="replace")
        texts.append(t[:200000])
        texts.extend(t.splitlines())
        texts.extend(t[s:e] for s, e in split_sentences(t, 0, len(t)))
recs, _ = read_records(pubmed_set(200), "s.xml")
for r in recs:
    texts.extend(r.text[s:e] for p in r.parts for s, e in split_sentences(r.text, p.start, p.end))
fn = [repr(find_numbers(t)) for t in texts] + [
    repr(find_numbers(t, offset=7, exclude=[(9, 12)])) for t in texts[:3000]
]
(OUT / "find_numbers.txt").write_text("\n".join(fn))
print(len(texts), "texts;", len(out), "cases")
