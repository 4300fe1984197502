"""Benchmark of kg: build time and memory, throughput per stage, named-query latency.

Not a test: it measures and prints markdown tables (and, with --readme, puts them in
README.md between `<!-- bench:start -->` and `<!-- bench:end -->`).

    python bench/run.py                      # sizes 1,10,100 of the bundled gazette, 2 workers
    python bench/run.py --sizes 1,10 --quick # fewer query repetitions, rdflib only up to 10×

Size 1 is the bundled gazette; size N is N files made by bench/synth.py (copy 0 = the
gazette, copies 1… with other 文号, counties and company names), so linking has real work.
Every build runs in a fresh subprocess (start-up included, as a user sees it); its peak
memory is the sum of proportional set sizes (PSS) of its process tree, sampled every 0.1 s,
and the largest single process's ru_maxrss. Queries run in a subprocess per graph and store.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
STAGES = ("read", "clean", "segment", "nlp", "map", "link", "relate", "rdf", "write")
EXTRACTION = ("clean", "segment", "nlp")
# The floor: one pass of a regex over the same text, for 〔…〕 clauses/文号 and organisation suffixes.
FLOOR_RE = re.compile(r"〔[^〔〕\n]{1,40}〕[^，。\n]{0,6}号|[\u4e00-\u9fff]{2,12}?(?:委员会|办公室|管理局|局|公司|中心)")
RDFLIB_MAX_TRIPLES = 2_000_000  # above this rdflib's memory store needs many GB and minutes to load
QUERY_BUDGET_S = 20.0  # per query and store: stop repeating once this much time was spent
QUERY_TIMEOUT_S = 15  # one run longer than this is recorded as a timeout
TARGETS = {
    "gazette_wall_s": 1.2,
    "cold_query_s": 0.5,
    "extraction_cps_per_core": 600_000,
    "big_wall_s": 180.0,
    "big_peak_gb": 3.0,
    "linearity": 1.2,
    "query_p50_ms": 50.0,
    "query_p95_ms": 200.0,
    "ranking_s": 1.0,
    "add_s": 10.0,
}
# Headline figures, kept in the README (a comment in the bench block) so the next run can show
# how each moved: name → (label, unit, higher is better).
FIGURES = {
    "gazette_wall_s": ("bundled gazette, `kg build` wall", "s", False),
    "query_cold_s": ("`kg query` from a cold process", "s", False),
    "ask_cold_s": ("`kg ask` from a cold process", "s", False),
    "extraction_cps": ("extraction per core", "chars/s", True),
    "big_wall_s": ("largest corpus, build wall", "s", False),
    "query_p50_median_ms": ("named queries, largest graph: median p50", "ms", False),
    "query_p50_worst_ms": ("named queries, largest graph: worst p50", "ms", False),
    "query_p95_worst_ms": ("named queries, largest graph: worst p95", "ms", False),
    "add_s": ("`kg add` one gazette to the largest store", "s", False),
}
FIGURES_MARK = "<!-- bench:figures "
RANKING_QUERY = "co_responsibility_pairs"

KG = "https://w3id.org/cn-policy-kg/ontology#"
# Parameter values for the named queries, found in each graph (not timed): the most
# mentioned entity of a class, the most cited document, … so that answers are not empty.
_PREFIXES = f"""PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
"""
_MOST_MENTIONED = _PREFIXES + """SELECT ?l (COUNT(?mn) AS ?n) WHERE {{ ?e a kg:{cls} ; skos:prefLabel ?l .
  OPTIONAL {{ ?mn itsrdf:taIdentRef ?e }} }} GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1"""
_MOST_LINKED = _PREFIXES + """SELECT ?l (COUNT(*) AS ?n) WHERE {{ ?s kg:{prop} ?o . ?o skos:prefLabel ?l }}
  GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1"""
# "query.param" first, then "param"; the first probe with an answer wins.
PROBES = {
    "unit": [_MOST_LINKED.format(prop="ledBy"), _MOST_MENTIONED.format(cls="Department")],
    "entity": [_MOST_MENTIONED.format(cls="Department")],
    "cooperates_with.entity": [_MOST_MENTIONED.format(cls="Enterprise"), _MOST_MENTIONED.format(cls="Institution")],
    "relies_on.entity": [_MOST_LINKED.format(prop="reliesOn"), _MOST_MENTIONED.format(cls="Institution")],
    "place": [_MOST_MENTIONED.format(cls="County"), _MOST_MENTIONED.format(cls="Place")],
    "enterprise": [_MOST_MENTIONED.format(cls="Enterprise"), _MOST_MENTIONED.format(cls="Institution")],
    "issuer": [_MOST_LINKED.format(prop="issuedBy")],
    "document": [_PREFIXES + "SELECT ?l (COUNT(?m) AS ?n) WHERE { ?m a kg:Measure ; kg:inDocument ?d . ?d kg:documentNumber ?l } "
                 "GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1",
                 _PREFIXES + "SELECT ?l WHERE { ?d a kg:Document ; dcterms:title ?l } ORDER BY ?l LIMIT 1"],
    "cited": [_PREFIXES + "SELECT ?l (COUNT(?d) AS ?n) WHERE { ?d kg:cites ?c . ?c skos:prefLabel|dcterms:identifier|dcterms:title ?l } "
              "GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1",
              _MOST_MENTIONED.format(cls="CitedDocument")],
    "measure": [_PREFIXES + "SELECT ?l WHERE { ?m a kg:Measure ; kg:ledBy ?u ; dcterms:title|skos:prefLabel ?l } ORDER BY ?l LIMIT 1"],
    "type": ["Department"],
    "types": ["Enterprise|Institution"],
    "name": [""],  # a regular expression on labels: "" = any
    "area": [""],  # a GB/T 2260 prefix: "" = none
    "project": [_MOST_LINKED.format(prop="builds"), _MOST_MENTIONED.format(cls="Project")],
    "organization": [_MOST_MENTIONED.format(cls="Enterprise"), _MOST_MENTIONED.format(cls="Institution")],
}


# --- corpora ---------------------------------------------------------------------------------

def corpus(size: int, work: Path) -> list[Path]:
    from kg.read import bundled_gazette

    if size == 1:
        return [bundled_gazette()]
    return _synth().make_corpus(bundled_gazette(), work / f"corpus-{size}", size)


def _synth():
    """bench/synth.py as a module (bench/ is a folder of scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kg_bench_synth", Path(__file__).resolve().parent / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def text_chars(paths) -> int:
    return sum(len(Path(p).read_text(encoding="utf-8")) for p in paths)


def regex_floor(paths, rounds: int = 3) -> float:
    """Characters per second of one FLOOR_RE pass (best of `rounds`)."""
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for text in texts:
            for _m in FLOOR_RE.finditer(text):
                pass
        best = min(best, time.perf_counter() - t)
    return chars / best


# --- measuring a subprocess ------------------------------------------------------------------

def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _tree(root: int) -> list[int]:
    """root and its descendants (from /proc/PID/task/TID/children: no scan of every process)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(_children(pid))
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """utime + stime of one process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(cmd: list[str], log: Path, timeout: float = 3600) -> dict:
    """Run cmd; wall seconds, CPU seconds and peak PSS of its process tree (sampled), largest ru_maxrss.

    Worker processes forked by a forkserver are not reaped by the build, so their CPU time is
    not in its rusage: it is sampled from /proc as well, and the larger of the two reported.
    """
    peak = [0]
    cpu: dict[int, float] = {}
    done = threading.Event()
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)

        def sample():
            while not done.wait(0.1):
                pids = _tree(proc.pid)
                peak[0] = max(peak[0], sum(_pss_kb(p) for p in pids))
                for p in pids:
                    cpu[p] = max(cpu.get(p, 0.0), _cpu_s(p))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}); see {log}:\n"
                         + log.read_text(encoding="utf-8", errors="replace")[-2000:])
    return {"wall_s": wall, "cpu_s": max(usage.ru_utime + usage.ru_stime, sum(cpu.values())), "peak_tree_mb": peak[0] / 1024,
            "max_rss_mb": usage.ru_maxrss / 1024}


# --- children: one build, or the named queries on one graph with one store -------------------

def child_build(spec: dict) -> None:
    t = time.perf_counter()
    from kg.build import build_corpus, write_outputs

    imports = time.perf_counter() - t
    corpus = build_corpus(spec["inputs"], workers=spec["workers"], cache=None)
    rss_corpus = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_outputs(corpus, Path(spec["out"]), ["trig", "ttl", "nt", "csv"])
    rss_written = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"timings": corpus.timings, "imports_s": imports, "documents": len(corpus.documents),
              "rss_after_relate_mb": rss_corpus, "rss_after_write_mb": rss_written,
              "mentions": len(corpus.mentions), "entities": len(corpus.entities),
              "measures": len(corpus.measures), "relations": len(corpus.relations)}
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")


class QueryTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise QueryTimeout()


def _timed_run(graph, name, params, timeout=QUERY_TIMEOUT_S):
    """run() with a wall-clock limit (SIGALRM: rdflib's engine is Python, so it is interruptible)."""
    from kg.query import run

    from kg.errors import QueryError

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        return run(graph, name, params)
    except QueryError as err:  # kg.query wraps what the engine raised, the alarm included
        if isinstance(err.__cause__, QueryTimeout):
            raise err.__cause__ from None
        raise
    finally:
        signal.alarm(0)


def _probe(graph, query: str, name: str):
    for probe in PROBES.get(f"{query}.{name}", PROBES.get(name, [])):
        if "SELECT" not in probe:
            return probe
        try:
            rows = _timed_run(graph, probe, {}).rows
        except Exception:  # noqa: BLE001 — a probe that does not fit this graph (or too slow): try the next
            continue
        if rows and rows[0][0] is not None:
            return str(rows[0][0])
    return None


def child_queries(spec: dict) -> None:
    from kg.query import named_queries
    from kg.store import open_graph

    t = time.perf_counter()
    graph = open_graph(spec["graph"], engine=spec["engine"])
    load_s = time.perf_counter() - t
    values: dict[str, str | None] = {}
    out = {"load_s": load_s, "triples": len(graph), "queries": {}}
    for name, nq in named_queries().items():
        params = {}
        for p in nq.param_names:
            key = f"{name}.{p}" if f"{name}.{p}" in PROBES else p
            if key not in values:
                values[key] = _probe(graph, name, p)
            params[p] = values[key]
        if any(v is None for v in params.values()):
            out["queries"][name] = {"skipped": f"no value for {[k for k, v in params.items() if v is None]}"}
            continue
        times, spent, rows = [], 0.0, 0
        try:
            t = time.perf_counter()
            _timed_run(graph, name, params)  # warm-up: parse, caches
            spent = time.perf_counter() - t
            while len(times) < spec["repeat"] and spent < QUERY_BUDGET_S:
                t = time.perf_counter()
                rows = len(_timed_run(graph, name, params).rows)
                dt = time.perf_counter() - t
                times.append(dt)
                spent += dt
        except QueryTimeout:
            out["queries"][name] = {"timeout": QUERY_TIMEOUT_S, "params": params}
            print(f"{name}: timeout after {QUERY_TIMEOUT_S} s", file=sys.stderr, flush=True)
            continue
        print(f"{name}: {len(times)} runs, p50 {pct(times, 50) * 1000:.1f} ms, {rows} rows", file=sys.stderr, flush=True)
        out["queries"][name] = {"times": times, "rows": rows, "params": params}
    Path(spec["result"]).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def _child(kind: str, spec: dict, log: Path, timeout: float) -> tuple[dict, dict]:
    fd, result = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    spec = {**spec, "result": result}
    stats = measure([sys.executable, str(Path(__file__).resolve()), f"--child-{kind}", json.dumps(spec)], log, timeout)
    data = json.loads(Path(result).read_text(encoding="utf-8"))
    os.unlink(result)
    return stats, data


# --- statistics and tables -------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    """q-th percentile (0–100), linear interpolation."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def _rate(chars: int, seconds: float | None) -> str:
    if not seconds:
        return "–"
    r = chars / seconds
    return f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.0f}k"


def _mb(v) -> str:
    return "–" if v is None else f"{v:.0f} MB"


def _ms(s: float) -> str:
    return f"{s * 1000:.0f}" if s >= 0.01 else f"{s * 1000:.1f}"


def _workers(b: dict) -> str:
    """Workers asked for; flags a build that ran serially anyway (kg.build retries per file after a worker error)."""
    if b["workers"] > 1 and "map" not in b["timings"]:
        return f"{b['workers']} (ran serially†)"
    return str(b["workers"])


def tables(results: dict) -> str:
    builds, queries, targets = results["builds"], results["queries"], results["targets"]
    load = results.get("load", [])
    busy = (f" Load average (1 min) {load[0]:.1f} at the start, {load[-1]:.1f} at the end: other processes shared "
            f"the cores, so times are pessimistic." if load and max(load) > 1.5 else "")
    lines = [f"Machine: {results['machine']}.{busy} Corpus N = N files (the bundled gazette and N−1 perturbed copies, "
             f"bench/synth.py). Generated by `python bench/run.py {results['argv']}` on {results['date']}.", ""]
    lines += ["**Build** (fresh process each, start-up included; graph.trig/ttl/nt + CSV written)", "",
              "| corpus | files | characters | workers | wall s | CPU s (all processes) | chars/s (wall) | peak memory (PSS, all processes) | largest process RSS | main process peak: up to relate / rdf+write | documents | mentions | entities |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for b in builds:
        lines.append(f"| {b['label']} | {b['files']} | {b['chars']:,} | {_workers(b)} | {b['wall_s']:.2f} | {b['cpu_s']:.1f} | {_rate(b['chars'], b['wall_s'])} | "
                     f"{b['peak_tree_mb']:.0f} MB | {b['max_rss_mb']:.0f} MB | {_mb(b.get('rss_after_relate_mb'))} / {_mb(b.get('rss_after_write_mb'))} | {b['documents']} | {b['mentions']:,} | {b['entities']:,} |")
    lines += ["", "**Throughput per stage** (characters of input per second of that stage; `map` = clean+segment+nlp "
              "on the worker processes; floor = one regular-expression pass over the same text)", "",
              "| corpus | workers | " + " | ".join(STAGES) + " | extraction / core | regex floor |",
              "| --- | ---: | " + " | ".join("---:" for _ in STAGES) + " | ---: | ---: |"]
    for b in builds:
        t = b["timings"]
        extraction = sum(t.get(s, 0) for s in EXTRACTION)
        ext = _rate(b["chars"], extraction) if extraction else (_rate(b["chars"], t["map"] * b["workers"]) + "*" if t.get("map") else "–")
        lines.append(f"| {b['label']} | {_workers(b)} | " + " | ".join(_rate(b["chars"], t.get(s)) for s in STAGES)
                     + f" | {ext} | {_rate(b['chars'], b['chars'] / b['floor_cps'])} |")
    lines += ["", "\\* map time × workers: an upper bound on the time per core."]
    if any(_workers(b).endswith("†)") for b in builds):
        lines += ["† the parallel map raised, and kg.build rebuilt file by file in one process."]
    lines += [""]
    lines += ["**Named queries** (each .rq in queries/ with values found in the graph; warm, repeated; ms)", "",
              "| corpus | triples | store | load s | queries | p50 median | p50 worst (query) | p95 worst | co-responsibility ranking p50 |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for q in queries:
        if "skipped" in q:
            lines.append(f"| {q['label']} | {q.get('triples', 0):,} | {q['engine']} | – | – | – | {q['skipped']} | – | – |")
            continue
        timed = {n: r for n, r in q["queries"].items() if r.get("times")}
        slow = sorted(n for n, r in q["queries"].items() if "timeout" in r)
        p50 = {n: pct(r["times"], 50) for n, r in timed.items()}
        p95 = {n: pct(r["times"], 95) for n, r in timed.items()}
        worst = max(p50, key=p50.get)
        rank = p50.get(RANKING_QUERY)
        worst_cell = (f"> {QUERY_TIMEOUT_S * 1000:,} ({', '.join(slow)})" if slow else f"{_ms(p50[worst])} ({worst})")
        rank_cell = (_ms(rank) if rank is not None else (f"> {QUERY_TIMEOUT_S * 1000:,}" if RANKING_QUERY in slow else "–"))
        lines.append(f"| {q['label']} | {q['triples']:,} | {q['engine']} | {q['load_s']:.1f} | {len(timed)} + {len(slow)} timed out | "
                     f"{_ms(statistics.median(p50.values()))} | {worst_cell} | {_ms(max(p95.values()))} | {rank_cell} |")
    big = [q for q in queries if q["engine"] == "oxigraph" and "skipped" not in q]
    if big:
        q = max(big, key=lambda q: q["size"])
        lines += ["", f"Each named query on the {q['label']} graph (oxigraph; ms):", "",
                  "| query | rows | p50 | p95 |", "| --- | ---: | ---: | ---: |"]
        for name, r in sorted(q["queries"].items()):
            if r.get("times"):
                lines.append(f"| {name} | {r['rows']:,} | {_ms(pct(r['times'], 50))} | {_ms(pct(r['times'], 95))} |")
            else:
                lines.append(f"| {name} | – | {'timeout' if 'timeout' in r else r.get('skipped', '–')} | – |")
    lines += ["", "**Targets**", "", "| target | measured | met |", "| --- | --- | --- |"]
    for name, measured, met in targets:
        lines.append(f"| {name} | {measured} | {'yes' if met else ('no' if met is False else 'not measured')} |")
    return "\n".join(lines) + "\n"


def check_targets(results: dict, sizes: list[int], workers: int) -> list[tuple]:
    b = {(x["size"], x["workers"]): x for x in results["builds"]}
    out = []
    cli = results.get("cli")
    out.append((f"bundled gazette, `kg build` wall incl. start-up ≤ {TARGETS['gazette_wall_s']} s",
                f"{cli['wall_s']:.2f} s wall ({cli['cpu_s']:.2f} s CPU)" if cli else "–",
                cli["wall_s"] <= TARGETS["gazette_wall_s"] if cli else None))
    for name in ("query", "ask"):
        cold = results.get(f"cold_{name}")
        out.append((f"`kg {name}` on the bundled gazette's graph from a cold process ≤ {TARGETS['cold_query_s']} s",
                    f"{cold['wall_s']:.2f} s wall ({cold['cpu_s']:.2f} s CPU)" if cold else "not run",
                    cold["wall_s"] <= TARGETS["cold_query_s"] if cold else None))
    serial = b.get((1, 1))
    if serial and all(s in serial["timings"] for s in EXTRACTION):
        cps = serial["chars"] / sum(serial["timings"][s] for s in EXTRACTION)
        out.append((f"extraction (clean+segment+nlp) ≥ {TARGETS['extraction_cps_per_core'] // 1000}k chars/s per core",
                    f"{cps / 1000:.0f}k chars/s ({_stage_share(serial)})", cps >= TARGETS["extraction_cps_per_core"]))
    big, mid = b.get((100, workers)), b.get((10, workers))
    if big:
        out.append((f"100× corpus ≤ {TARGETS['big_wall_s']:.0f} s with {workers} workers", f"{big['wall_s']:.0f} s",
                    big["wall_s"] <= TARGETS["big_wall_s"]))
        out.append((f"100× peak memory ≤ {TARGETS['big_peak_gb']:.0f} GB", f"{big['peak_tree_mb'] / 1024:.2f} GB (PSS, all processes)",
                    big["peak_tree_mb"] / 1024 <= TARGETS["big_peak_gb"]))
        if mid:
            ratio = big["wall_s"] / (10 * mid["wall_s"])
            out.append((f"100× within {TARGETS['linearity']}× of linear from 10×", f"{ratio:.2f}× (t100 / 10·t10)",
                        ratio <= TARGETS["linearity"]))
    else:
        out.append(("100× corpus targets (time, memory, linearity)", "not run", None))
    big_q = [q for q in results["queries"] if q["size"] == max(sizes) and "skipped" not in q and q["engine"] == "oxigraph"]
    for q in big_q:
        p50 = {n: pct(r["times"], 50) for n, r in q["queries"].items() if r.get("times")}
        p95 = {n: pct(r["times"], 95) for n, r in q["queries"].items() if r.get("times")}
        for n, r in q["queries"].items():
            if "timeout" in r:
                p50[n] = p95[n] = float(QUERY_TIMEOUT_S)
        others = {n: v for n, v in p50.items() if n != RANKING_QUERY}
        worst = max(others, key=others.get)
        over = sorted(n for n, v in others.items() if v * 1000 > TARGETS["query_p50_ms"])
        out.append((f"every named query on the {q['label']} graph ({q['engine']}) p50 ≤ {TARGETS['query_p50_ms']:.0f} ms",
                    f"median {_ms(statistics.median(others.values()))} ms; worst {_ms(others[worst])} ms ({worst})"
                    + (f"; over: {', '.join(over)}" if over else ""), not over))
        worst95 = max((n for n in p95 if n != RANKING_QUERY), key=p95.get)
        out.append((f"worst p95 of the named queries on the {q['label']} graph ≤ {TARGETS['query_p95_ms']:.0f} ms",
                    f"{_ms(p95[worst95])} ms ({worst95})", p95[worst95] * 1000 <= TARGETS["query_p95_ms"]))
        if RANKING_QUERY in p50:
            out.append((f"co-responsibility ranking on the {q['label']} graph ≤ {TARGETS['ranking_s']:.0f} s",
                        f"{p50[RANKING_QUERY] * 1000:.0f} ms", p50[RANKING_QUERY] <= TARGETS["ranking_s"]))
    add = results.get("add")
    if add:
        out.append((f"`kg add` one gazette to the {add['label']} on-disk store ≤ {TARGETS['add_s']:.0f} s",
                    f"{add['wall_s']:.1f} s wall ({add['cpu_s']:.1f} s CPU; {add['summary']})", add["wall_s"] <= TARGETS["add_s"]))
    return out


def _stage_share(build: dict) -> str:
    t = build["timings"]
    total = sum(t[s] for s in EXTRACTION)
    return ", ".join(f"{s} {100 * t[s] / total:.0f}%" for s in EXTRACTION)


# --- figures against the floor and the previous README -----------------------------------------

def figures(results: dict, sizes: list[int], workers: int) -> dict:
    """The headline numbers of FIGURES found in these results (absent when not measured)."""
    out = {}
    if results.get("cli"):
        out["gazette_wall_s"] = results["cli"]["wall_s"]
    for name in ("query", "ask"):
        if results.get(f"cold_{name}"):
            out[f"{name}_cold_s"] = results[f"cold_{name}"]["wall_s"]
    b = {(x["size"], x["workers"]): x for x in results["builds"]}
    serial = b.get((1, 1))
    if serial and all(s in serial["timings"] for s in EXTRACTION):
        out["extraction_cps"] = serial["chars"] / sum(serial["timings"][s] for s in EXTRACTION)
        out["floor_cps"] = serial["floor_cps"]
    big = b.get((max(sizes), workers))
    if big and max(sizes) > 1:
        out["big_wall_s"] = big["wall_s"]
    for q in results["queries"]:
        if q["size"] == max(sizes) and q["engine"] == "oxigraph" and "skipped" not in q:
            p50 = [pct(r["times"], 50) for n, r in q["queries"].items() if r.get("times") and n != RANKING_QUERY]
            p95 = [pct(r["times"], 95) for n, r in q["queries"].items() if r.get("times") and n != RANKING_QUERY]
            if p50:
                out["query_p50_median_ms"] = 1000 * statistics.median(p50)
                out["query_p50_worst_ms"] = 1000 * max(p50)
                out["query_p95_worst_ms"] = 1000 * max(p95)
    if results.get("add"):
        out["add_s"] = results["add"]["wall_s"]
    return out


_LEGACY = [  # rows of the targets table before the figures comment existed
    ("gazette_wall_s", r"`kg build` wall incl\. start-up[^|]*\|\s*([\d.]+) s wall", 1),
    ("extraction_cps", r"extraction \(clean\+segment\+nlp\)[^|]*\|\s*([\d.]+)k chars/s", 1000),
    ("big_wall_s", r"100× corpus ≤[^|]*\|\s*([\d.]+) s", 1),
    ("query_p50_median_ms", r"named queries on the 100× graph \(oxigraph\)[^|]*\|\s*median ([\d.]+) ms", 1),
    ("query_p50_worst_ms", r"named queries on the 100× graph \(oxigraph\)[^|]*\|[^|]*worst ([\d.]+) ms", 1),
]


def previous_figures(readme: str) -> dict:
    """The figures the README's bench block holds: its figures comment, else its targets table."""
    start = readme.find(FIGURES_MARK)
    if start >= 0:
        end = readme.find("-->", start)
        return json.loads(readme[start + len(FIGURES_MARK):end])
    out = {}
    for name, pattern, scale in _LEGACY:
        m = re.search(pattern, readme)
        if m:
            out[name] = float(m.group(1)) * scale
    return out


def comparison(now: dict, before: dict) -> str:
    """Markdown: each figure now, before (README) and the ratio; extraction also against the floor."""
    lines = ["| figure | now | previous README | now / previous |", "| --- | ---: | ---: | ---: |"]
    for name, (label, unit, higher) in FIGURES.items():
        if name not in now:
            continue
        fmt = (lambda v: f"{v / 1000:.0f}k") if unit == "chars/s" else (lambda v: f"{v:.0f}" if v >= 10 else f"{v:.2f}")
        prev = before.get(name)
        ratio = f"{now[name] / prev:.2f}×" + (" ▲" if (now[name] > prev) == higher else " ▼") if prev else "–"
        lines.append(f"| {label} ({unit}) | {fmt(now[name])} | {fmt(prev) if prev else '–'} | {ratio} |")
    if "extraction_cps" in now and "floor_cps" in now:
        lines.append(f"| extraction / regular-expression floor | {now['extraction_cps'] / now['floor_cps']:.3f} "
                     f"({now['floor_cps'] / now['extraction_cps']:.0f}× slower) | – | – |")
    return "\n".join(lines) + "\n\n▲ better, ▼ worse than the previous README figure.\n"


def replace_between_markers(text: str, block: str) -> str:
    """README text with everything between the bench markers replaced by `block`."""
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {MARK_START} … {MARK_END} section")
    return text[: start + len(MARK_START)] + "\n" + block.rstrip("\n") + "\n" + text[end:]


# --- commands a user types: cold start, adding a gazette --------------------------------------

def _median_run(cmd: list[str], log: Path, runs: int = 3) -> dict:
    """measure() `runs` times (the first warms the file cache); the run of median wall time."""
    stats = sorted((measure(cmd, log) for _ in range(runs)), key=lambda r: r["wall_s"])
    return stats[len(stats) // 2]


def cold_commands(graph: Path, work: Path) -> dict:
    """`kg query` and `kg ask` on the gazette's graph.ttl, each from a fresh process."""
    from kg.store import open_graph

    unit = _probe(open_graph(graph), "measures_led_by", "unit") or "市市场监管局"
    kg = [sys.executable, "-m", "kg.cli"]
    return {"cold_query": _median_run(kg + ["query", "measures_led_by", "--param", f"unit={unit}", "--graph", str(graph)],
                                      work / "cold-query.log"),
            "cold_ask": _median_run(kg + ["ask", f"{unit}牵头哪些项目？", "--graph", str(graph)], work / "cold-ask.log")}


def add_one(size: int, out: Path, work: Path) -> dict:
    """Time `kg add` of a gazette of a city the corpus lacks (synth copy size+50) into the on-disk
    store of the size× build (made from its graph.trig first, untimed)."""
    from kg.read import bundled_gazette

    store = work / f"store-{size}"
    if not (store / "kg-source.json").exists():
        subprocess.run([sys.executable, "-c", "import sys; from kg.store import open_store; open_store(*sys.argv[1:])",
                        str(store), str(out / "graph.trig")], check=True, cwd=ROOT)
    new = work / "add" / f"new-gazette-{size + 50}.txt"
    new.parent.mkdir(exist_ok=True)
    new.write_text(_synth().perturb(bundled_gazette().read_text(encoding="utf-8"), size + 50), encoding="utf-8")
    log = work / f"add-{size}.log"
    stats = measure([sys.executable, "-m", "kg.cli", "add", str(new), "--store", str(store)], log)
    summary = log.read_text(encoding="utf-8").strip().splitlines()[-1]
    return {**stats, "label": f"{size}×", "summary": summary.removeprefix("added ")}


# --- main ------------------------------------------------------------------------------------

def _machine() -> str:
    import platform

    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        model = ""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores{' (' + model + ')' if model else ''}, {mem:.0f} GiB, Python {platform.python_version()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="kg benchmark (build, stages, queries)")
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes in gazettes (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="fewer query repetitions; rdflib only on graphs ≤ 10×")
    ap.add_argument("--readme", action="store_true", help="write the tables into README.md between the bench markers")
    ap.add_argument("--work", default=None, help="folder for corpora and graphs (default: a temporary folder)")
    ap.add_argument("--json", default=None, help="also write the raw measurements here")
    ap.add_argument("--skip-queries", action="store_true", help="measure builds only")
    ap.add_argument("--skip-add", action="store_true", help="do not time `kg add` on the largest store")
    ap.add_argument("--child-build", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child-queries", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_build:
        child_build(json.loads(args.child_build))
        return 0
    if args.child_queries:
        child_queries(json.loads(args.child_queries))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work or tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    repeat = 5 if args.quick else 21
    results = {"machine": _machine(), "argv": " ".join(sys.argv[1:] if argv is None else argv),
               "date": time.strftime("%Y-%m-%d"), "builds": [], "queries": [], "load": [os.getloadavg()[0]]}
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    if 1 in sizes:  # the headline: the command a user types, start-up included
        say("kg build (bundled gazette, CLI) …")
        results["cli"] = measure([sys.executable, "-m", "kg.cli", "build", "--no-cache", "--out", str(work / "cli-out")],
                                        work / "cli.log")
        say("kg query, kg ask (bundled gazette's graph, cold processes) …")
        results.update(cold_commands(work / "cli-out" / "graph.ttl", work))
    for size in sizes:
        paths = corpus(size, work)
        chars = text_chars(paths)
        floor = regex_floor(paths)
        label = "gazette" if size == 1 else f"{size}×"
        for w in ([1, args.workers] if size == 1 and args.workers > 1 else [args.workers]):
            say(f"build {label} with {w} worker(s) …")
            out = work / f"out-{size}-w{w}"
            stats, data = _child("build", {"inputs": [str(p) for p in paths], "out": str(out), "workers": w},
                                 work / f"build-{size}-w{w}.log", timeout=3600)
            results["builds"].append({"size": size, "label": label, "files": len(paths), "chars": chars, "workers": w,
                                      "floor_cps": floor, "out": str(out), **stats, **data})
        # N-Triples: both stores parse it fastest, and it avoids Turtle prefixed-name escapes
        # (id:section\/…\/1\.) that rdflib 7's Turtle parser rejects.
        graph = Path(results["builds"][-1]["out"]) / "graph.nt"
        triples = sum(1 for _ in open(graph, "rb"))
        for engine in () if args.skip_queries else ("rdflib", "oxigraph"):
            entry = {"size": size, "label": label, "engine": engine, "triples": triples}
            if engine == "rdflib" and (triples > RDFLIB_MAX_TRIPLES or (args.quick and size > 10)):
                entry["skipped"] = f"skipped (>{RDFLIB_MAX_TRIPLES // 1_000_000}M triples)" if triples > RDFLIB_MAX_TRIPLES else "skipped (--quick)"
                results["queries"].append(entry)
                continue
            say(f"named queries on {label} with {engine} …")
            _, data = _child("queries", {"graph": str(graph), "engine": engine, "repeat": repeat},
                             work / f"queries-{size}-{engine}.log", timeout=3600)
            results["queries"].append({**entry, **data})
    if max(sizes) > 1 and not args.skip_add:
        say(f"kg add: one new gazette into the {max(sizes)}× on-disk store …")
        results["add"] = add_one(max(sizes), Path(results["builds"][-1]["out"]), work)
    results["load"].append(os.getloadavg()[0])
    results["targets"] = check_targets(results, sizes, args.workers)
    readme = ROOT / "README.md"
    now = figures(results, sizes, args.workers)
    md = (tables(results) + "\n**Against the floor and the previous figures**\n\n"
          + comparison(now, previous_figures(readme.read_text(encoding="utf-8")))
          + f"\n{FIGURES_MARK}{json.dumps({k: round(v, 4) for k, v in now.items()})} -->\n")
    print(md)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.readme:
        readme.write_text(replace_between_markers(readme.read_text(encoding="utf-8"), md), encoding="utf-8")
        say(f"updated {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
