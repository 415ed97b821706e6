"""Benchmark of the four topic models (divide, telemedicine, resilience, cooperation).

Times the models alone (no quantile reduction) for all 401 Kreise x 6 scenarios x
1,000 draws, chunked over Kreise as the engine does, plus the cooperation plan
(``prepare``) and one Kreis (the slider budget). Reports wall-clock and process CPU
seconds of one full pass, and a "quiet machine" estimate: the best of three runs of one
chunk per topic times the number of chunks. On a shared 2-core machine every figure is
indicative only (fresh memory pages and other processes dominate the wall clock).

Run standalone: ``python benchmarks/bench_topics.py [--draws 1000]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

TOPICS = ("divide", "telemedicine", "resilience", "cooperation")


def _setup(draws: int):
    from workbook import engine
    plan = engine.prepare("all", "all", draws=draws, seed=20211, topics=",".join(TOPICS))
    return engine, plan


def _time_models(engine, plan, kreise, chunk: int | None = None, groups=None,
                 clock=time.perf_counter) -> dict[str, float]:
    """Models alone, as the engine runs them: scenarios sharing a cooperation plan stacked
    along the run axis, chunks of ``engine.chunk_size`` Kreise (or ``chunk``)."""
    from workbook.models.base import ModelContext
    per_topic = {t: 0.0 for t in TOPICS}
    for ids in groups or engine._groups(plan):
        p = engine._stacked_runs(plan, ids)
        size = chunk or engine.chunk_size((plan.draws + 1) * len(ids))
        extra = dict(plan.extra[ids[0]], scenarios=list(ids))
        for start in range(0, len(kreise), size):
            sub = kreise.iloc[start:start + size].reset_index(drop=True)
            ctx = ModelContext(sub, engine.YEARS, p, outputs={}, extra=dict(extra))
            for topic, module in plan.topics.items():
                t0 = clock()
                ctx.outputs.update(module.run(ctx))
                per_topic[topic] += clock() - t0
    return per_topic


def run(draws: int = 1000) -> dict:
    t0 = time.perf_counter()
    engine, plan = _setup(draws)
    prepare_s = time.perf_counter() - t0
    from workbook.data import load_kreise, load_neighbours
    from workbook.models import cooperation
    kreise_all, neighbours = load_kreise(), load_neighbours()
    values = plan.values[plan.scenarios[0].id]
    t0 = time.perf_counter()
    cooperation.prepare(kreise_all, neighbours, values)
    coop_prepare_s = time.perf_counter() - t0

    groups = engine._groups(plan)
    chunk = engine.chunk_size((1 + draws) * max(len(g) for g in groups))
    t0, c0 = time.perf_counter(), time.process_time()
    per_topic = _time_models(engine, plan, plan.kreise, groups=groups)
    all_s, all_cpu = time.perf_counter() - t0, time.process_time() - c0

    n_chunks = sum(-(-len(plan.kreise) // engine.chunk_size((1 + draws) * len(g))) for g in groups)
    first = plan.kreise.iloc[:chunk]
    big = [max(groups, key=len)]
    best = _time_models(engine, plan, first, groups=big, clock=time.process_time)
    for _ in range(2):
        again = _time_models(engine, plan, first, groups=big, clock=time.process_time)
        best = {t: min(best[t], again[t]) for t in TOPICS}
    # chunks of the largest group cost the most; others (fewer scenarios stacked) less
    quiet = sum(best.values()) * n_chunks

    one = plan.kreise[plan.kreise["ags"] == "05315"].reset_index(drop=True)
    t0 = time.perf_counter()
    _time_models(engine, plan, one, 1)
    one_s = time.perf_counter() - t0
    return {
        "kreise": int(len(plan.kreise)),
        "scenarios": len(plan.scenarios),
        "draws": draws,
        "chunk_kreise": int(chunk),
        "engine_prepare_s": round(prepare_s, 3),
        "coop_prepare_one_scenario_s": round(coop_prepare_s, 4),
        "topics_all_kreise_s": round(all_s, 3),
        "topics_all_kreise_cpu_s": round(all_cpu, 3),
        "topics_quiet_estimate_s": round(quiet, 3),
        **{f"topic_{t}_chunk_cpu_ms": round(v * 1000, 1) for t, v in best.items()},
        **{f"topic_{t}_s": round(v, 3) for t, v in per_topic.items()},
        "topics_one_kreise_6_scenarios_s": round(one_s, 4),
        "budget_all_kreise_s": 5.0,
        "within_budget_wall": bool(all_s < 5.0),
        "within_budget_quiet_estimate": bool(quiet < 5.0),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.draws), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
