"""The report of a Gemeinde against the report of a Kreis: per-report cost in a warm process.

A Gemeinde's report runs the engine for the Gemeinde and its Kreis in one call and ranks the
Gemeinde among the Gemeinden of its BBSR type in its Land (one engine run per Land and type,
kept for the process). Figures (milliseconds of process CPU unless named otherwise; indicative
on a shared 2-core machine, where wall time follows the other processes' load):

- ``kreis_cpu_p50_ms`` / ``gemeinde_cpu_p50_ms``: ``StaticView(ReportApp(ags, draws=1000,
  interactive=False)).html()`` plus its key figures, for ``len(KREISE)`` new Kreise and one
  Gemeinde of each (the middle one by population), alternating, after a warm-up; the peer
  groups of the measured Gemeinden already computed (as in a batch's warm kernels);
- ``gemeinde_over_kreis``: the ratio of the two medians (the budget: about 1.2);
- ``kreis_wall_p50_ms`` / ``gemeinde_wall_p50_ms``: the same as wall time;
- ``peers_all_groups_cpu_s``: ``findings.gemeinde_peers`` for every (Land, type) of Germany,
  the most a batch kernel ever spends on them;
- ``gemeinde_html_kb`` / ``kreis_html_kb``: mean size of the pages.

    .venv/bin/python benchmarks/bench_report_gemeinde.py
"""

from __future__ import annotations

import json
import statistics
import time

DRAWS = 1000
WARM = ("08416", "08416041", "05315", "05315000")
KREISE = ("08415", "08417", "08425", "08426", "08435", "09162", "03241", "16069", "12063", "06411")


def _render(ags: str) -> tuple[float, float, int]:
    from workbook.apps.kreis_report import ReportApp
    from workbook.apps.static import StaticView

    c0, t0 = time.process_time(), time.perf_counter()
    app = ReportApp(ags=ags, draws=DRAWS, interactive=False)
    page = StaticView(app).html()
    app.static_outputs()
    return (time.process_time() - c0) * 1000, (time.perf_counter() - t0) * 1000, len(page)


def run() -> dict:
    from workbook import findings as RP
    from workbook.data import load_gemeinden

    gem = load_gemeinden()
    middle = []
    for kreis in KREISE:
        rows = gem[gem["kreis_ags"] == kreis].sort_values("population_2019")
        middle.append(str(rows["ags"].iloc[len(rows) // 2]))
    for ags in WARM:
        _render(ags)
    types = gem.set_index("ags")["bbsr_sgtyp_name"]
    for ags in middle:
        RP.gemeinde_peers(ags[:2], str(types[ags]))
    k_cpu, k_wall, k_size, g_cpu, g_wall, g_size = [], [], [], [], [], []
    for kreis, gemeinde in zip(KREISE, middle):
        cpu, wall, size = _render(kreis)
        k_cpu.append(cpu)
        k_wall.append(wall)
        k_size.append(size)
        cpu, wall, size = _render(gemeinde)
        g_cpu.append(cpu)
        g_wall.append(wall)
        g_size.append(size)
    groups = sorted(set(zip(gem["ags"].str[:2], gem["bbsr_sgtyp_name"])))
    c0 = time.process_time()
    for land, type_name in groups:
        RP.gemeinde_peers(land, type_name)
    peers_s = time.process_time() - c0
    med = statistics.median
    return {
        "gemeinden": ",".join(middle),
        "kreis_cpu_p50_ms": round(med(k_cpu), 1),
        "gemeinde_cpu_p50_ms": round(med(g_cpu), 1),
        "gemeinde_over_kreis": round(med(g_cpu) / med(k_cpu), 3),
        "kreis_wall_p50_ms": round(med(k_wall), 1),
        "gemeinde_wall_p50_ms": round(med(g_wall), 1),
        "peers_groups": len(groups),
        "peers_all_groups_cpu_s": round(peers_s, 2),
        "kreis_html_kb": round(statistics.mean(k_size) / 1000, 1),
        "gemeinde_html_kb": round(statistics.mean(g_size) / 1000, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
