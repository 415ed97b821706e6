"""Notebook apps: time of one lever move (recompute + in-place chart updates) and of one static report.

Figures (milliseconds, warm process; indicative on a shared 2-core machine):

- ``refresh_<app>_p50_ms`` / ``_p95_ms``: a slider move in the live view until every
  chart of that app has its new spec (model run with 1,000 draws + chart builders
  + LiveChart updates), over ``MOVES`` moves;
- ``report_static_ms_<ags>``: ``ReportApp(..., interactive=False).render_static()``
  for a new Kreis (model run, charts, inline SVG), the work behind one batch report;
- ``report_html_kb``: size of that HTML.

    .venv/bin/python benchmarks/bench_apps.py
"""

from __future__ import annotations

import json
import statistics
import time

MOVES = 8
DRAWS = 1000


def _refresh_times(app_cls, key: str, **kwargs) -> list[float]:
    app = app_cls("16069", draws=DRAWS, interactive=True, **kwargs)
    app.widget()
    view = app._widget
    view.panel._debouncer.delay = 0
    slider = view.panel.sliders[key]
    lo, hi = slider.min, slider.max
    times = []
    for i in range(MOVES):
        value = lo + (hi - lo) * (i + 1) / (MOVES + 1)
        t0 = time.perf_counter()
        slider.value = value
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def run() -> dict:
    from workbook.apps.divide import DivideApp
    from workbook.apps.report import ReportApp
    from workbook.apps.scenarios import ScenarioApp
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

    ReportApp("05315", draws=DRAWS, interactive=False).render_static()      # warm imports and caches
    for ags in ("16069", "09162"):
        t0 = time.perf_counter()
        html = ReportApp(ags, draws=DRAWS, interactive=False).render_static()
        figures[f"report_static_ms_{ags}"] = round((time.perf_counter() - t0) * 1000, 1)
        figures["report_html_kb"] = round(len(html.encode("utf-8")) / 1024, 1)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
