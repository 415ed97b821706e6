"""Notebook apps: time of one lever move (recompute + in-place chart updates) and of one static report.

Figures (milliseconds, warm process; indicative on a shared 2-core machine):

- ``refresh_<app>_p50_ms`` / ``_p95_ms`` / ``_cpu_p50_ms``: a slider move in the live view
  until every chart of that app has its new spec (model run with 1,000 draws + chart
  builders + LiveChart updates), over ``MOVES`` moves (wall; process CPU);
- ``report_static_ms_<ags>`` / ``report_static_cpu_ms_<ags>``: ``StaticView(ReportApp(...,
  interactive=False)).html()`` for a new Kreis (model run, charts, inline SVG),
  the work behind one batch report (wall and process CPU time);
- ``report_warm_p50_ms`` / ``report_warm_cpu_p50_ms``: the same over ``REPORT_KREISE``
  (a warm process, as in the batch's reused kernels);
- ``report_same_land_cpu_p50_ms``: the same for Kreise of a Land already drawn (the
  common case in a batch worker);
- ``report_html_kb``: size of the largest of those HTML pages.

    .venv/bin/python benchmarks/bench_apps.py
"""

from __future__ import annotations

import json
import statistics
import time

MOVES = 8
DRAWS = 1000
#: Kreise of several Länder and types (a warm batch worker meets new Länder too)
REPORT_KREISE = ("16069", "09162", "03159", "01001", "08111", "14522", "05958", "12060")
#: further Kreise of Länder seen above (map outline and cluster plan already built)
SAME_LAND = ("05111", "05112", "05113", "05114", "05116", "05117")


def _refresh_times(app_cls, key: str, **kwargs) -> list[float]:
    app = app_cls("16069", draws=DRAWS, interactive=True, **kwargs)
    from workbook.apps.live import LiveView

    view = LiveView(app)
    view.panel._debouncer.delay = 0
    slider = view.panel.sliders[key]
    lo, hi = slider.min, slider.max
    times, cpu = [], []
    for i in range(MOVES):
        value = lo + (hi - lo) * (i + 1) / (MOVES + 1)
        c0, t0 = time.process_time(), time.perf_counter()
        slider.value = value
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    _CPU[key] = cpu
    return times


_CPU: dict[str, list[float]] = {}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def run() -> dict:
    from workbook.apps.divide import DivideApp
    from workbook.apps.kreis_report import ReportApp
    from workbook.apps.scenarios import ScenarioApp
    from workbook.apps.static import StaticView
    from workbook.apps.telemedicine import TelemedicineApp

    figures: dict = {"draws": DRAWS, "moves": MOVES}
    for name, cls, key in (("scenarios", ScenarioApp, "ddi.verw.rate"),
                           ("divide", DivideApp, "divide.training.conversion"),
                           ("telemedicine", TelemedicineApp, "tele.video_share_2030")):
        try:
            times = _refresh_times(cls, key)
        except Exception as exc:  # a renamed parameter must not hide the other figures
            figures[f"refresh_{name}_error"] = f"{type(exc).__name__}: {exc}"
            continue
        figures[f"refresh_{name}_p50_ms"] = round(statistics.median(times), 1)
        figures[f"refresh_{name}_p95_ms"] = _pct(times, 0.95)
        figures[f"refresh_{name}_cpu_p50_ms"] = round(statistics.median(_CPU[key]), 1)

    StaticView(ReportApp("05315", draws=DRAWS, interactive=False)).html()      # warm imports and caches
    walls, cpus = [], []
    for ags in REPORT_KREISE:
        c0, t0 = time.process_time(), time.perf_counter()
        html = StaticView(ReportApp(ags, draws=DRAWS, interactive=False)).html()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        if ags in ("16069", "09162"):
            figures[f"report_static_ms_{ags}"] = round(walls[-1], 1)
            figures[f"report_static_cpu_ms_{ags}"] = round(cpus[-1], 1)
        figures["report_html_kb"] = max(figures.get("report_html_kb", 0), round(len(html.encode("utf-8")) / 1024, 1))
    figures["report_warm_p50_ms"] = round(statistics.median(walls), 1)
    figures["report_warm_cpu_p50_ms"] = round(statistics.median(cpus), 1)
    figures["report_warm_cpu_max_ms"] = round(max(cpus), 1)
    # the common case of a batch: a Kreis of a Land this process has drawn before
    cpus = []
    for ags in SAME_LAND:
        c0 = time.process_time()
        StaticView(ReportApp(ags, draws=DRAWS, interactive=False)).html()
        cpus.append((time.process_time() - c0) * 1000)
    figures["report_same_land_cpu_p50_ms"] = round(statistics.median(cpus), 1)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
