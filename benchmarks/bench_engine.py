"""Speed and memory of the scenario engine (indicative: shared 2-core machines vary a lot).

Figures:
- the slider budget: one Kreis x six scenarios x 1,000 draws x 10 years through
  ``project()`` (prepare + models + quantiles + long table), DDI only and all topics;
- all 401 Kreise x six scenarios x 1,000 draws, DDI only and all topics, wall and CPU
  seconds and peak resident memory, each in a fresh subprocess so the peak is its own.

Targets (issues 3 and 4): < 50 ms for the slider (all topics: aim < 100 ms); all Kreise
DDI < 3 s, all four topic models + DDI < 5 s, < 2 GB. On a loaded machine wall times are
inflated: CPU seconds and the labelled idle-2-core estimate are the steadier figures.
Run standalone: ``python benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, time
from workbook import engine
from workbook.data import load_kreise
kreise = load_kreise()
topics = sys.argv[1]
engine.project(["05315"], "S0", 10, topics=topics, kreise=kreise)   # imports, caches
t0, c0 = time.perf_counter(), time.process_time()
table = engine.project("all", "all", 1000, topics=topics, kreise=kreise)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# the same run on one worker thread: its CPU seconds do not include two threads competing
# for one core of a loaded machine; split into models + quantiles and the long table
plan = engine.prepare("all", "all", 1000, topics=topics, kreise=kreise)
c1 = time.process_time()
reduced = engine.simulate(plan, workers=1)
c2 = time.process_time()
engine.to_long(plan, reduced)
c3 = time.process_time()
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "rows": len(table), "peak_mb": peak,
                  "cpu_1worker_simulate_s": c2 - c1, "cpu_1worker_table_s": c3 - c2}))
"""


def _all_kreise(topics: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _CHILD, topics], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "child failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _slider(topics: str, repeats: int = 15) -> dict:
    from workbook import engine
    from workbook.data import load_kreise

    kreise = load_kreise()
    engine.project(["05315"], "all", 1000, topics=topics, kreise=kreise)  # warm caches
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        engine.project(["05315"], "all", 1000, topics=topics, kreise=kreise)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "cpu_median_ms": statistics.median(cpu)}


def run() -> dict:
    out: dict[str, float | str] = {}
    for label, topics in (("ddi", "digitalisation"), ("all_topics", "all")):
        try:
            s = _slider(topics)
            out[f"one_kreis_6x1000_{label}_median_ms"] = round(s["median_ms"], 1)
            out[f"one_kreis_6x1000_{label}_min_ms"] = round(s["min_ms"], 1)
            out[f"one_kreis_6x1000_{label}_cpu_median_ms"] = round(s["cpu_median_ms"], 1)
        except Exception as exc:  # report, do not hide
            out[f"one_kreis_6x1000_{label}_error"] = f"{type(exc).__name__}: {exc}"
        try:
            a = _all_kreise(topics)
            out[f"all_401x6x1000_{label}_wall_s"] = round(a["wall_s"], 2)
            out[f"all_401x6x1000_{label}_cpu_s"] = round(a["cpu_s"], 2)
            out[f"all_401x6x1000_{label}_peak_mb"] = round(a["peak_mb"], 0)
            out[f"all_401x6x1000_{label}_rows"] = a["rows"]
            one = a["cpu_1worker_simulate_s"] + a["cpu_1worker_table_s"]
            out[f"all_401x6x1000_{label}_cpu_1worker_s"] = round(one, 2)
            out[f"all_401x6x1000_{label}_cpu_1worker_table_s"] = round(a["cpu_1worker_table_s"], 2)
            # estimate for two idle cores: the models and quantiles split over 2 worker threads,
            # the long table on one (method stated, not a measurement)
            out[f"all_401x6x1000_{label}_idle_2core_estimate_s"] = round(
                a["cpu_1worker_simulate_s"] / 2 + a["cpu_1worker_table_s"], 2)
        except Exception as exc:
            out[f"all_401x6x1000_{label}_error"] = f"{type(exc).__name__}: {exc}"
    out["targets"] = ("slider < 50 ms (all topics: aim < 100 ms); all Kreise: DDI < 3 s, all topics < 5 s, "
                      "< 2048 MB (2 cores)")
    out["estimate_method"] = ("idle_2core_estimate_s = CPU-s of models + quantiles on one worker / 2 + CPU-s of "
                              "the long table; wall times on a loaded machine are inflated")
    out["load_average_1min"] = round(os.getloadavg()[0], 2)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
