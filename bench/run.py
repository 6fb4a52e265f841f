"""`make bench`: every speed goal of the project, each figure the median of several runs.

Every figure is the median of REPEAT (≥ 5) runs with its min and max (9 at least for the
processes and the app, whose figures vary most), and each speed figure is also given as a ratio
to a baseline measured in the same run:

- process: `python -m kb check/info/trace/claims` as whole processes (interpreter start,
  imports, load, work) against the import floor of their own third-party dependencies
  (`import networkx, bibtexparser, rapidfuzz`); app start-up (the modules app.py imports, and
  the KB loaded with its graph and fact check, as before the first page) against the import of
  every library the app imports itself (streamlit, pandas, pyarrow, networkx, bibtexparser,
  rapidfuzz, altair, st_link_analysis), and beside `import streamlit, pandas` alone. Peak RSS
  of each process.
- per document: synthetic corpora of 1, 10, 30, 100 and 300 letters (tests/synthetic.py:
  distinct titles, first authors, DOIs and PMIDs per copy of the works, so the resolver's fuzzy
  match has to tell copies apart); a one-document check against the single-letter corpus.
  Loading a corpus reads every letter (one run per corpus: it is the setup, reported as such).
- KB ×10, ×100: the works, studies and outcomes copied 10 and 100 times, two letters; load +
  graph + one-document check as whole processes against the bundled KB.
- ingest: a 30-page PDF and a 30-page DOCX against one letter of three pages.
- app: bench/bench_ui.py in headless chromium against a bare Streamlit page with the same rows
  (9 runs each at least: the browser figures vary the most).
- scale: networkx holding 10^4 and 10^5 nodes (time to build, peak RSS), for the README.
- records: bench/bench_records.py (250, 500 and 1,000 synthetic PubMed records imported with
  their numbers, wall and CPU, against reading the same XML without numbers or writing; a
  30-claim letter checked against 50 imported records).
- hostile input: bench/bench_hostile.py (numbers in one sentence, growing linearly; a 2 MB
  sentence; unpacking bombs), its lines printed and kept as they are.

Results go to bench/results.json (the README's table is made from it) and are printed as
Markdown tables. BENCH_QUICK=1 measures fewer sizes (1, 10, 30 letters; KB ×10; no 10^5 graph).
BENCH_ONLY=records (step names, comma-separated) measures those steps only and replaces just
their part of bench/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

QUICK = os.environ.get("BENCH_QUICK") == "1"
REPEAT = max(5, int(os.environ.get("BENCH_REPEAT", "5")))
# the browser figures vary most from run to run (a shared 2-core machine): more runs, so their
# medians hold still
UI_REPEAT = max(REPEAT, 9)
# the commands take a third of a second each: a busy moment of the machine moves one run by half
# of that, so they take 9 runs too (about 40 s more)
PROCESS_REPEAT = max(REPEAT, 9)
LETTERS = (1, 10, 30) if QUICK else (1, 10, 30, 100, 300)
KB_COPIES = (10,) if QUICK else (10, 100)
GRAPH_NODES = (10_000,) if QUICK else (10_000, 100_000)
PY = sys.executable
# a user's run has bytecode caches: let Python write them (some shells turn this off)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPATH"] = str(ROOT)
# the reading cache (kb/cache.py) of the bench's own: warm runs read it, never the user's
CACHE_DIR = tempfile.mkdtemp(prefix="kb-bench-cache-")
ENV["KB_CACHE_DIR"] = CACHE_DIR
ENV["KB_CACHE"] = "1"
COLD = {**ENV, "KB_CACHE": "0"}  # every file read, parsed and checked, as after any change


def spread(samples: list[float]) -> dict:
    """Median, min, max and the runs themselves."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
        "samples": samples,
    }


def run_process(args: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS (MiB), stdout and CPU seconds (user + system) of one child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env or ENV, cwd=ROOT,
        text=True,
    )  # fmt: skip
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stdout:
        proc.stdout.close()
    return wall, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


def processes(args: list[str], repeat: int = REPEAT, env: dict | None = None) -> dict:
    """A command run `repeat` times in fresh processes (after one warm-up run, which also
    fills the reading cache): wall and CPU seconds, peak RSS."""
    run_process(args, env)
    walls, cpus, rss = [], [], []
    for _ in range(repeat):
        w, r, _, c = run_process(args, env)
        walls.append(w)
        cpus.append(c)
        rss.append(r)
    return {"wall_s": spread(walls), "cpu_s": spread(cpus), "peak_rss_mib": max(rss)}


def paired(commands: dict[str, tuple[list[str], dict]], repeat: int = PROCESS_REPEAT) -> dict:
    """Several commands measured in turns (A B C, A B C, ...), so a busy moment of the machine
    hits each of them: the ratios between them are fair even when absolute figures are not."""
    got: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": [], "rss": []} for name in commands
    }
    for args, env in commands.values():
        run_process(args, env)  # warm-up (and the reading cache filled)
    for _ in range(repeat):
        for name, (args, env) in commands.items():
            w, r, _, c = run_process(args, env)
            got[name]["wall"].append(w)
            got[name]["cpu"].append(c)
            got[name]["rss"].append(r)
    return {
        name: {
            "wall_s": spread(v["wall"]),
            "cpu_s": spread(v["cpu"]),
            "peak_rss_mib": max(v["rss"]),
        }
        for name, v in got.items()
    }


def json_child(code: str, *argv: str) -> dict:
    """Run a measuring snippet in a fresh process; it prints one JSON line."""
    _w, rss, out, _c = run_process([PY, "-c", code, *argv])
    got = json.loads(out.strip().splitlines()[-1])
    got["peak_rss_mib"] = rss
    return got


def ratio(a: dict, b: dict) -> float:
    return a["median"] / b["median"]


# --- 1. whole processes ---------------------------------------------------------------------------

FLOOR = "floor: import networkx, bibtexparser, rapidfuzz"
# the app's floor, by the same rule as the commands': every third-party library it imports itself
# (the findings page's charts: altair; the graph page: st_link_analysis)
APP_LIBRARIES = (
    "streamlit, pandas, pyarrow, networkx, bibtexparser, rapidfuzz, altair, st_link_analysis"
)
APP_FLOOR = f"floor: import {APP_LIBRARIES}"
APP_BASE = "import streamlit, pandas"  # what no Streamlit app of ours starts without
# what a server does before it draws its first page: import the modules app.py imports and load
# the KB as the pages do (the reading cache warm), with its graph and fact check
APP_START = "app start-up (its modules imported, the KB loaded)"
APP_START_CODE = (
    "import streamlit, pandas, kb.ui.common, kb.ui.review, kb.ui.state as s\n"
    "assert s.current().error is None"
)
CLI = ("kb check nysipp-2026", "kb info", "kb trace nysipp-2026:s08.c09", "kb claims nysipp-2026")


def bench_processes() -> dict:
    """The commands with a warm reading cache (the normal case: the data files unchanged since
    the last command), and `kb check` with the cache off (every file read and checked, as the
    first command after a change), paired in turns with the import floors."""
    kb = [PY, "-m", "kb"]
    out = paired(
        {
            "python -c pass": ([PY, "-c", "pass"], ENV),
            FLOOR: ([PY, "-c", "import networkx, bibtexparser, rapidfuzz"], ENV),
            "kb check nysipp-2026": ([*kb, "check", "nysipp-2026"], ENV),
            "kb check nysipp-2026 (cache off)": ([*kb, "check", "nysipp-2026"], COLD),
            "kb info": ([*kb, "info"], ENV),
            "kb trace nysipp-2026:s08.c09": ([*kb, "trace", "nysipp-2026:s08.c09"], ENV),
            "kb claims nysipp-2026": ([*kb, "claims", "nysipp-2026"], ENV),
        }
    )
    out |= paired(
        {
            APP_BASE: ([PY, "-c", APP_BASE], ENV),
            APP_FLOOR: ([PY, "-c", f"import {APP_LIBRARIES}"], ENV),
            APP_START: ([PY, "-c", APP_START_CODE], ENV),
        }
    )
    for name in out:
        if name.startswith("kb "):
            out[name]["ratio_to_floor"] = ratio(out[name]["wall_s"], out[FLOOR]["wall_s"])
            out[name]["cpu_ratio_to_floor"] = ratio(out[name]["cpu_s"], out[FLOOR]["cpu_s"])
    app = out[APP_START]
    app["ratio_to_floor"] = ratio(app["wall_s"], out[APP_FLOOR]["wall_s"])
    app["cpu_ratio_to_floor"] = ratio(app["cpu_s"], out[APP_FLOOR]["cpu_s"])
    app["ratio_to_base"] = ratio(app["wall_s"], out[APP_BASE]["wall_s"])
    # which heavy libraries a check imports at all
    mods = json_child(
        "import io, json, sys, contextlib, kb.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    kb.cli.main(['check', 'nysipp-2026'])\n"
        "heavy = ('scipy', 'numpy', 'pandas', 'streamlit', 'docx', 'pypdf', 'openpyxl')\n"
        "print(json.dumps({'heavy_imported': [m for m in heavy if m in sys.modules]}))"
    )
    out["kb check nysipp-2026"]["heavy_imported"] = mods["heavy_imported"]
    return out


# --- 2. cost per document -------------------------------------------------------------------------

PER_DOC = r"""
import json, sys, time, statistics
from kb.load import load_kb
from kb.graph import build_graph
from kb.checks.factcheck import fact_check
repeat, whole_too = int(sys.argv[2]), sys.argv[3] == "1"
t0 = time.perf_counter()
kb = load_kb(sys.argv[1])
g = build_graph(kb)
load = time.perf_counter() - t0
doc = sorted(kb.documents)[-1]  # the latest letter: compared with every earlier one
one, whole = [], []
for _ in range(repeat):
    t = time.perf_counter()
    fc = fact_check(kb, g, documents=[doc])
    one.append(time.perf_counter() - t)
if whole_too:
    for _ in range(repeat):
        t = time.perf_counter()
        fc_all = fact_check(kb, g)
        whole.append(time.perf_counter() - t)
print(json.dumps({"letters": len(kb.documents), "works": len(kb.works),
                  "claims": sum(1 for _ in kb.claims()), "findings_of_doc": len(fc.findings),
                  "load_graph_s": load, "one_doc": one, "whole": whole}))
"""


# every corpus loaded in one process, then the one-document check timed in turns (1, 10, 30,
# 100, 300 letters, again and again): a busy moment of the machine hits every size alike
PAIRED_CHECKS = r"""
import json, sys, time
from kb.load import load_kb
from kb.graph import build_graph
from kb.checks.factcheck import fact_check
repeat, dirs = int(sys.argv[1]), sys.argv[2:]
loaded = []
for d in dirs:
    kb = load_kb(d)
    loaded.append((kb, build_graph(kb), sorted(kb.documents)[-1]))
for kb, g, doc in loaded:
    fact_check(kb, g, documents=[doc])  # warm
got = {d: [] for d in dirs}
for _ in range(repeat):
    for d, (kb, g, doc) in zip(dirs, loaded):
        t = time.perf_counter()
        fact_check(kb, g, documents=[doc])
        got[d].append(time.perf_counter() - t)
print(json.dumps(got))
"""


def bench_per_document(tmp: Path) -> dict:
    """Each corpus loaded and checked in a process of its own (load time, whole-KB check, peak
    RSS), then the one-document checks of all sizes timed in turns in one process: the ratio
    to the single letter is read from those paired figures."""
    from tests.synthetic import make_corpus

    out = {}
    dirs = {}
    for n in LETTERS:
        d = dirs[n] = make_corpus(tmp / f"letters-{n}", letters=n, kb_copies=10)
        got = json_child(PER_DOC, str(d), str(REPEAT), "1" if n <= 30 else "0")
        row = {
            "letters": got["letters"],
            "works": got["works"],
            "claims": got["claims"],
            "load_graph_s_one_run": got["load_graph_s"],
            "one_doc_check_s": spread(got["one_doc"]),
            "peak_rss_mib": got["peak_rss_mib"],
        }
        if got["whole"]:
            row["whole_kb_check_s"] = spread(got["whole"])
        out[f"{n} letters"] = row
    paired_runs = json_child(PAIRED_CHECKS, str(REPEAT), *map(str, dirs.values()))
    for n, d in dirs.items():
        out[f"{n} letters"]["one_doc_check_s_alone"] = out[f"{n} letters"]["one_doc_check_s"]
        out[f"{n} letters"]["one_doc_check_s"] = spread(paired_runs[str(d)])
    base = out["1 letters"]["one_doc_check_s"]
    for row in out.values():
        row["one_doc_ratio_to_1_letter"] = ratio(row["one_doc_check_s"], base)
    return out


# --- 3. KB x10, x100 ------------------------------------------------------------------------------

LOAD_CHECK = r"""
import json, sys, time
t0 = time.perf_counter()
from kb.load import load_kb
from kb.graph import build_graph
from kb.checks.factcheck import fact_check
t1 = time.perf_counter()
kb = load_kb(sys.argv[1]); g = build_graph(kb)
t2 = time.perf_counter()
fc = fact_check(kb, g, documents=[sorted(kb.documents)[-1]])
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_graph_s": t2 - t1, "check_s": t3 - t2,
                  "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}))
"""


def _load_check(d: Path) -> dict:
    runs = [json_child(LOAD_CHECK, str(d)) for _ in range(REPEAT)]
    return {
        "load_graph_s": spread([r["load_graph_s"] for r in runs]),
        "one_doc_check_s": spread([r["check_s"] for r in runs]),
        "nodes": runs[0]["nodes"],
        "edges": runs[0]["edges"],
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
    }


def bench_kb_size(tmp: Path) -> dict:
    from tests.synthetic import make_corpus

    out = {"bundled": _load_check(ROOT / "data")}
    for f in KB_COPIES:
        out[f"KB x{f}"] = _load_check(make_corpus(tmp / f"kb-{f}", letters=2, kb_copies=f))
    base = out["bundled"]["load_graph_s"]
    for row in out.values():
        row["load_ratio_to_bundled"] = ratio(row["load_graph_s"], base)
    return out


# --- 4. ingest ------------------------------------------------------------------------------------

INGEST = r"""
import json, sys, time
from pathlib import Path
import kb.checks.factcheck, kb.graph, kb.reading, kb.linking.resolve  # imports paid before
import kb.sources.docx, kb.sources.pdf, docx, pypdf, pypdfium2
from kb.ingest import ingest
from kb.load import load_kb
data = Path(sys.argv[1]).read_bytes(); name = Path(sys.argv[1]).name
kb = load_kb(sys.argv[2])
t0, c0 = time.perf_counter(), time.process_time()
r = ingest(data, name, kb, doc_id="bench-ingest")
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({"pages": len(r.extracted.pages), "chars": len(r.extracted.text),
                  "claims": len(r.claims),
                  "entries": len(r.entries), "ingest_s": t1 - t0, "cpu_s": c1 - c0}))
"""


def bench_ingest(tmp: Path) -> dict:
    from bench_ingest import letter_and_text, letter_of

    from tests.ingest_docs import make_docx

    pdf30, text30 = letter_and_text(30)
    files = {
        "3-page PDF": ("one.pdf", letter_of(3)),
        "30-page PDF": ("thirty.pdf", pdf30),
        "DOCX as long as the 30-page PDF": (
            "thirty.docx",
            make_docx(text30),
        ),
    }
    out: dict = {}
    for label, (name, data) in files.items():
        path = tmp / name
        path.write_bytes(data)
        runs = [json_child(INGEST, str(path), str(ROOT / "data")) for _ in range(REPEAT)]
        out[label] = {
            "pages": runs[0]["pages"],
            "chars": runs[0]["chars"],
            "claims": runs[0]["claims"],
            "ingest_s": spread([r["ingest_s"] for r in runs]),
            "cpu_s": spread([r["cpu_s"] for r in runs]),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        }
    base = out["3-page PDF"]["ingest_s"]
    for row in out.values():
        row["ratio_to_one_letter"] = ratio(row["ingest_s"], base)
    return out


# --- 5. scale: networkx ---------------------------------------------------------------------------

GRAPH = r"""
import json, sys, time
import networkx as nx
n = int(sys.argv[1])
t0 = time.perf_counter()
g = nx.MultiDiGraph()
for i in range(n):
    g.add_node(f"claim:doc{i // 100}:c{i}", kind="claim", text="x" * 80, document=f"doc{i // 100}")
for i in range(n):
    g.add_edge(f"claim:doc{i // 100}:c{i}", f"claim:doc{(i * 7) // 100}:c{(i * 7) % n}",
               kind="names", method="fuzzy", score=90.0)
    g.add_edge(f"claim:doc{i // 100}:c{i}", f"claim:doc{(i * 13) // 100}:c{(i * 13) % n}",
               kind="resolves_to")
t1 = time.perf_counter()
reach = len(nx.descendants(g, "claim:doc0:c0"))
t2 = time.perf_counter()
print(json.dumps({"build_s": t1 - t0, "descendants_s": t2 - t1, "edges": g.number_of_edges()}))
"""


def bench_graph() -> dict:
    out = {}
    for n in GRAPH_NODES:
        runs = [json_child(GRAPH, str(n)) for _ in range(REPEAT)]
        out[f"{n} nodes"] = {
            "edges": runs[0]["edges"],
            "build_s": spread([r["build_s"] for r in runs]),
            "descendants_s": spread([r["descendants_s"] for r in runs]),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        }
    return out


def bench_records() -> dict:
    """bench/bench_records.py in a fresh process: its results (the JSON line it ends with)."""
    _w, _rss, out, _c = run_process([PY, str(ROOT / "bench" / "bench_records.py"), "--json"])
    lines = out.strip().splitlines()
    got = json.loads(lines[-1])
    got["lines"] = lines[:-1]
    return got


def bench_hostile() -> list[str]:
    """bench/bench_hostile.py in a fresh process: its lines, as printed."""
    _w, _rss, out, _c = run_process([PY, str(ROOT / "bench" / "bench_hostile.py")])
    return out.strip().splitlines()


# --- report --------------------------------------------------------------------------------------


def fig(s: dict) -> str:
    return f"{s['median']:.3f} ({s['min']:.3f}–{s['max']:.3f})"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_at_start": load,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": QUICK,
        "repeat": REPEAT,
        "process_repeat": PROCESS_REPEAT,
        "ui_repeat": UI_REPEAT,
    }


def goals(res: dict) -> list[tuple[str, bool, str]]:
    p, g = res["processes"], []
    chk = p["kb check nysipp-2026"]
    g.append(
        (
            "kb check (bundled, reading cache warm) ≤ 0.5 s as a process",
            chk["wall_s"]["median"] <= 0.5,
            f"wall {fig(chk['wall_s'])} s, CPU {fig(chk['cpu_s'])} s",
        )
    )
    for name in CLI:
        r = p[name]
        g.append(
            (
                f"`{name}` ≤ the import floor of its libraries (CPU; wall ratio beside)",
                r["cpu_ratio_to_floor"] <= 1.0,
                f"{r['cpu_ratio_to_floor']:.2f}× CPU, {r['ratio_to_floor']:.2f}× wall",
            )
        )
    app = p.get(APP_START)
    if app:  # results.json written before this row was measured have none
        g.append(
            (
                "app start-up ≤ the import floor of its libraries (CPU; wall ratio beside)",
                app["cpu_ratio_to_floor"] <= 1.0,
                f"{app['cpu_ratio_to_floor']:.2f}× CPU, {app['ratio_to_floor']:.2f}× wall; "
                f"{app['ratio_to_base']:.2f}× `{APP_BASE}` alone (wall)",
            )
        )
    g.append(
        (
            "no scipy/numpy/pandas/streamlit on the check path",
            not chk["heavy_imported"],
            ", ".join(chk["heavy_imported"]) or "none imported",
        )
    )
    per = res["per_document"]
    for n in (100, 300):
        row = per.get(f"{n} letters")
        if row:
            r = row["one_doc_ratio_to_1_letter"]
            g.append(
                (
                    f"one-document check at {n} letters ≤ 1.5× one letter",
                    r <= 1.5,
                    f"{r:.2f}× ({fig(row['one_doc_check_s'])} s)",
                )
            )
    for label in ("30-page PDF", "DOCX as long as the 30-page PDF"):
        row = res["ingest"][label]
        g.append(
            (
                f"{label} ingested ≤ 2 s (CPU; wall beside, which load on the machine inflates)",
                row["cpu_s"]["median"] <= 2.0,
                f"CPU {fig(row['cpu_s'])} s, wall {fig(row['ingest_s'])} s",
            )
        )
    rec = res.get("records") or {}
    if rec:
        r = rec["import"]["1000 records"]
        g.append(
            (
                "1,000 PubMed records imported with their numbers ≤ 10 s",
                r["import_wall_s"]["median"] <= 10.0,
                f"{fig(r['import_wall_s'])} s wall, {fig(r['import_cpu_s'])} s CPU "
                f"({r['cpu_ratio_to_parse']:.1f}× reading the XML alone)",
            )
        )
        c = rec["check"]
        g.append(
            (
                "30-claim letter checked against 50 imported records ≤ 1 s",
                c["fact_check_s"] <= 1.0,
                f"{c['fact_check_s']:.3f} s ({c['cited_claims']} cited claims, 1 run)",
            )
        )
    ui = res.get("ui") or {}
    if ui.get("error"):
        g.append(("app measured in headless chromium", False, ui["error"]))
    if ui.get("ratios"):
        for key, goal in (("first_render_s", 1.3), ("selection_s", 1.5)):
            r = ui["ratios"][key]
            g.append(
                (
                    f"app {key[:-2].replace('_', ' ')} ≤ {goal}× a bare page",
                    r <= goal,
                    f"{r:.2f}× (app {fig(ui['app'][key])} s, bare {fig(ui['bare'][key])} s)",
                )
            )
    return g  # fmt: skip


def _rows(step: dict) -> list[tuple[str, dict]]:
    """A step's rows, without the "machine" a BENCH_ONLY run adds to the step it measured."""
    return [(name, r) for name, r in step.items() if name != "machine"]


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [
        (
            f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, load average "
            f"{m['load_average_at_start']:.2f} at the start), Python {m['python']}, {m['system']}; "
            f"every figure the median of {m['repeat']} runs (min–max), the processes and the "
            f"app of {m.get('process_repeat', m['repeat'])} and {m.get('ui_repeat', m['repeat'])}."
        ),
        "",
        "| process | wall s | CPU s | × baseline (wall, CPU) | peak RSS MiB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in _rows(res["processes"]):
        x = (
            f"{r['ratio_to_floor']:.2f}, {r['cpu_ratio_to_floor']:.2f}"
            if "ratio_to_floor" in r
            else "baseline"
        )
        lines.append(
            f"| `{name}` | {fig(r['wall_s'])} | {fig(r['cpu_s'])} | {x} | {r['peak_rss_mib']:.0f} |"
        )
    lines += [
        "",
        (
            "| corpus (works ×10) | works | claims | load+graph s (1 run) | one-document check s "
            "| × 1 letter | whole-KB check s | peak RSS MiB |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in _rows(res["per_document"]):
        whole = fig(r["whole_kb_check_s"]) if "whole_kb_check_s" in r else "—"
        lines.append(
            f"| {name} | {r['works']} | {r['claims']} | {r['load_graph_s_one_run']:.1f} | "
            f"{fig(r['one_doc_check_s'])} | {r['one_doc_ratio_to_1_letter']:.2f} | {whole} | "
            f"{r['peak_rss_mib']:.0f} |"
        )
    lines += [
        "",
        (
            "| knowledge base | nodes | edges | load+graph s | × bundled | one-document check s "
            "| peak RSS MiB |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in _rows(res["kb_size"]):
        lines.append(
            f"| {name} | {r['nodes']} | {r['edges']} | {fig(r['load_graph_s'])} | "
            f"{r['load_ratio_to_bundled']:.2f} | {fig(r['one_doc_check_s'])} | "
            f"{r['peak_rss_mib']:.0f} |"
        )
    lines += [
        "",
        (
            "| ingest (extraction included) | pages | characters | ingest s (wall) | CPU s "
            "| × one letter | peak RSS MiB |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in _rows(res["ingest"]):
        lines.append(
            f"| {name} | {r['pages'] or '—'} | {r['chars']} | {fig(r['ingest_s'])} | "
            f"{fig(r['cpu_s'])} | {r['ratio_to_one_letter']:.2f} | {r['peak_rss_mib']:.0f} |"
        )
    lines += records_table(res.get("records"))
    ui = res.get("ui") or {}
    if ui.get("ratios"):
        lines += [
            "",
            "| app (headless chromium) | app s | bare page s | ratio |",
            "| --- | --- | --- | --- |",
        ]
        for key in ("first_render_s", "selection_s"):
            lines.append(
                f"| {key[:-2].replace('_', ' ')} | {fig(ui['app'][key])} | "
                f"{fig(ui['bare'][key])} | {ui['ratios'][key]:.2f} |"
            )
    lines += [
        "",
        "| networkx MultiDiGraph | edges | build s | descendants s | peak RSS MiB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in _rows(res["graph"]):
        lines.append(
            f"| {name} | {r['edges']} | {fig(r['build_s'])} | {fig(r['descendants_s'])} | "
            f"{r['peak_rss_mib']:.0f} |"
        )
    lines += ["", "| goal | met | measured |", "| --- | --- | --- |"]
    for label, ok, what in res["goals"]:
        lines.append(f"| {label} | {'yes' if ok else 'NO'} | {what} |")
    return "\n".join(lines)  # fmt: skip


def records_table(rec: dict | None) -> list[str]:
    """The records-import rows of the report (none when the step was not run)."""
    if not rec:
        return []
    lines = [
        "",
        (
            "| import (PubMed XML, numbers extracted, files written) | numbers | wall s | CPU s "
            "| baseline: reading the XML, CPU s | × baseline (CPU) |"
        ),
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in rec["import"].items():
        lines.append(
            f"| {name} | {r['numbers']} | {fig(r['import_wall_s'])} | {fig(r['import_cpu_s'])} "
            f"| {fig(r['parse_cpu_s'])} | {r['cpu_ratio_to_parse']:.1f} |"
        )
    return lines


def main() -> int:
    """Run every benchmark, write bench/results.json and print the tables."""
    started = time.perf_counter()
    res: dict = {"machine": machine()}
    steps = [("processes", lambda tmp: bench_processes())]
    steps += [("per_document", bench_per_document), ("kb_size", bench_kb_size)]
    steps += [("ingest", bench_ingest), ("graph", lambda tmp: bench_graph())]
    steps += [("records", lambda tmp: bench_records())]
    steps += [("hostile", lambda tmp: bench_hostile())]
    only = [n for n in os.environ.get("BENCH_ONLY", "").split(",") if n]
    if only:  # the other steps (and "machine") keep their last results
        res = json.loads((ROOT / "bench" / "results.json").read_text())
        steps = [(name, step) for name, step in steps if name in only]
    with tempfile.TemporaryDirectory() as tmp:
        for name, step in steps:
            t, at = time.perf_counter(), machine()
            res[name] = step(Path(tmp))
            if only and isinstance(res[name], dict):
                res[name]["machine"] = at  # when, and under what load, this step was measured
            print(f"[bench] {name}: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    if not only or "ui" in only:
        from bench_ui import measure_ui

        try:
            res["ui"] = measure_ui(UI_REPEAT)
        except Exception as exc:  # noqa: BLE001 - a browser that never settles: say so
            res["ui"] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
        print(f"[bench] ui: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    res["goals"] = goals(res)
    if not only:
        res["machine"]["total_s"] = time.perf_counter() - started
    (ROOT / "bench" / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(markdown(res))
    if res.get("records"):
        print("\nRecords (bench/bench_records.py):\n" + "\n".join(res["records"]["lines"]))
    if res.get("hostile"):
        print("\nHostile input (bench/bench_hostile.py):\n" + "\n".join(res["hostile"]))
    print(f"\n{time.perf_counter() - started:.0f} s in all; written to bench/results.json")
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
