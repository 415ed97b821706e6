"""Charts: build time, static SVG time and size per builder, a report's chart set, live updates.

Figures (warm process; indicative only on a shared 2-core machine, where other
work inflates every timing):

- ``calibration_line_svg_ms``: SVG of a 10-point line chart, to judge the machine's load;
- ``<chart>_build_ms``: builder + spec (``display.chart_spec``, median of ``REPEAT``);
- ``<chart>_svg_ms``: vl-convert SVG of the built spec, cache bypassed (median);
- ``*_cpu_ms``: the same as process CPU time (steadier than wall time under load);
- ``<chart>_html_kb``: inline-SVG HTML of the chart (what a static report embeds);
- ``report_set_ms`` / ``report_set_cpu_ms`` / ``report_set_html_kb``: the lean charts of one report
  (fan, scenario bars, sub-indices, tornado, Land map, comparison), build + SVG;
  against the budget of ~300 ms of work and < 500 KB HTML per report;
- ``static_<chart>_ms`` / ``static_report_set_*``: the report's static path, warm: the
  builder with its template already built (only the rows change) and
  ``display.static_html`` (title and footnote as HTML, the plot as SVG), SVG cache cleared;
- ``germany_map_*``: the map of all 401 Kreise (interactive overview only);
- ``jupyterchart_offline_ms``: bundling Vega for the offline JupyterChart (once per kernel);
- ``live_update_data_kb`` / ``live_update_spec_kb``: bytes sent for a data-only
  update versus a full spec.

    .venv/bin/python benchmarks/bench_charts.py
"""

from __future__ import annotations

import json
import statistics
import time

REPEAT = 3
YEARS = range(2021, 2031)
QUANTILES = {"p5": -0.06, "p25": -0.025, "p50": 0.0, "p75": 0.025, "p95": 0.06, "default": 0.004}
SUBINDICES = ("ddi.strat", "ddi.verw", "ddi.arbeit", "ddi.infra", "ddi.teilhabe", "ddi.lokal", "ddi.gesund")


def _results(scale: float = 1.0):
    """A result table shaped like engine.project() for one Kreis, six scenarios
    (synthetic values: this measures charts, not models)."""
    import pandas as pd

    rows = []
    for k, ind in enumerate(("ddi.index",) + SUBINDICES):
        for j in range(6):
            for y in YEARS:
                base = scale * (0.34 + (0.029 + 0.002 * j - 0.001 * k) * (y - 2021))
                for q, d in QUANTILES.items():
                    rows.append((f"S{j}", "05315", ind, "1", y, base + d * (y - 2021) / 9, q))
    df = pd.DataFrame(rows, columns=["scenario", "ags", "indicator", "unit", "year", "value", "quantile"])
    df.attrs.update(seed=20211, draws=1000)
    return df


def _tornado():
    import pandas as pd

    n = 12
    return pd.DataFrame({
        "key": [f"p.k{i}" for i in range(n)], "label": [f"Annahme {i}" for i in range(n)],
        "lever": [("kommune", "bund_land", "markt")[i % 3] for i in range(n)],
        "low": [0.63 - 0.005 * (n - i) for i in range(n)], "high": [0.63 + 0.006 * (n - i) for i in range(n)],
        "base": [0.63] * n,
    })


_CPU: dict[str, float] = {}


def _median_ms(fn, key: str | None = None) -> tuple[float, object]:
    """Median wall time of ``REPEAT`` calls; the median CPU time of the process
    (all threads, so vl-convert's too) goes to ``_CPU[key]``: on a loaded
    machine CPU time says more than wall time."""
    times, cpu, out = [], [], None
    for _ in range(REPEAT):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    if key:
        _CPU[key] = round(statistics.median(cpu), 1)
    return round(statistics.median(times), 1), out


def _measure(name: str, factory, figures: dict) -> tuple[float, int]:
    import vl_convert as vlc

    from workbook import display

    build_ms, chart = _median_ms(lambda: (lambda c: (c, display.chart_spec(c)))(factory()), "build")
    chart, spec = chart
    svg_ms, _svg = _median_ms(lambda: vlc.vegalite_to_svg(spec, allowed_base_urls=[]), "svg")
    html = display.static_html(chart)
    figures[f"{name}_build_ms"] = build_ms
    figures[f"{name}_build_cpu_ms"] = _CPU["build"]
    figures[f"{name}_svg_ms"] = svg_ms
    figures[f"{name}_svg_cpu_ms"] = _CPU["svg"]
    figures[f"{name}_spec_kb"] = round(len(json.dumps(spec)) / 1024, 1)
    figures[f"{name}_html_kb"] = round(len(html.encode("utf-8")) / 1024, 1)
    return build_ms + svg_ms, _CPU["build"] + _CPU["svg"], len(html.encode("utf-8"))


def run() -> dict:
    from workbook import charts, display

    figures: dict = {"repeat": REPEAT}
    res = _results()
    kreise = None
    try:
        from workbook.data import load_kreise

        kreise = load_kreise()
    except Exception as exc:
        figures["map_error"] = f"{type(exc).__name__}: {exc}"

    # warm vl-convert (its first call starts the JS engine), then a calibration:
    # a 10-point line chart; STACK.md measured ~60 ms per SVG chart on a quiet
    # machine, so the ratio below shows how loaded this run was
    display.to_svg(charts.scenario_bars_2030(res, indicator="ddi.index", note=False))
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    tiny = alt.Chart(pd.DataFrame({"x": range(10), "y": range(10)})).mark_line().encode(x="x:Q", y="y:Q").to_dict()
    figures["calibration_line_svg_ms"], _ = _median_ms(lambda: vlc.vegalite_to_svg(tiny), "calib")
    figures["calibration_line_svg_cpu_ms"] = _CPU["calib"]

    report = {
        "fan": lambda: charts.fan_chart(res, indicator="ddi.index", points=False, selectable=False),
        "bars": lambda: charts.scenario_bars_2030(res, indicator="ddi.index"),
        "subindex": lambda: charts.subindex_chart(res, points=False, bands=False),
        "tornado": lambda: charts.tornado_chart(_tornado(), label="Digitalisierungsgrad", percent=True),
    }
    if kreise is not None:
        report["map_land"] = lambda: charts.kreis_map(kreise, "offline_share", land="05", highlight="05315",
                                                      label="Offliner-Anteil", estimate="geschätzt")
        report["compare"] = lambda: charts.compare_chart(kreise, "05315", "gigabit_share", points=False,
                                                         label="Gigabit-Anteil")
    total_ms, total_cpu, total_bytes = 0.0, 0.0, 0
    for name, factory in report.items():
        ms, cpu, size = _measure(name, factory, figures)
        total_ms += ms
        total_cpu += cpu
        total_bytes += size
    figures["report_set_charts"] = len(report)
    figures["report_set_ms"] = round(total_ms, 1)
    figures["report_set_cpu_ms"] = round(total_cpu, 1)
    figures["report_set_html_kb"] = round(total_bytes / 1024, 1)

    # the static path of a batch report: builder (template reused, rows swapped) + static
    # figure (title and footnote as HTML, the plot as SVG), SVG cache cleared each time
    static_set = {
        "fan": lambda r: charts.fan_chart(r, indicator="ddi.index", points=False, selectable=False),
        "fan_no_legend": lambda r: charts.fan_chart(r, indicator="ddi.teilhabe", points=False, selectable=False,
                                                    legend=False),
        "bars": lambda r: charts.scenario_bars_2030(r, indicator="ddi.index"),
    }
    if kreise is not None:
        static_set["map_land"] = lambda r: charts.kreis_map(kreise, "offline_share", land="05", highlight="05315",
                                                            label="Offliner-Anteil", estimate="geschätzt")
    for r in (res, _results(scale=1.02)):      # first call builds the templates
        for build in static_set.values():
            display.static_html(build(r))
    total_ms, total_cpu, total_bytes = 0.0, 0.0, 0
    for name, build in static_set.items():
        data = _results(scale=1.03)

        def once(build=build, data=data):
            display._svg_cache.clear()
            return display.static_html(build(data))

        ms, html = _median_ms(once, "static")
        figures[f"static_{name}_ms"] = ms
        figures[f"static_{name}_cpu_ms"] = _CPU["static"]
        total_ms += ms
        total_cpu += _CPU["static"]
        total_bytes += len(html.encode("utf-8"))
    figures["static_report_set_ms"] = round(total_ms, 1)
    figures["static_report_set_cpu_ms"] = round(total_cpu, 1)
    figures["static_report_set_html_kb"] = round(total_bytes / 1024, 1)

    _measure("fan_interactive", lambda: charts.fan_chart(res, indicator="ddi.index"), figures)
    if kreise is not None:
        _measure("germany_map", lambda: charts.kreis_map(kreise, "offline_share", highlight="05315",
                                                         label="Offliner-Anteil"), figures)

    t0 = time.perf_counter()
    display.enable_offline()
    figures["jupyterchart_offline_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    figures["jupyterchart_bundle_kb"] = round(len(alt.JupyterChart._esm) / 1024, 1)

    live = display.LiveChart(lambda d: charts.fan_chart(d, indicator="ddi.index"), res)
    widget = live.widget
    t0 = time.perf_counter()
    how = live.update(_results(scale=1.05))
    figures["live_update_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    figures["live_update_kind"] = how
    if how == "data":
        figures["live_update_data_kb"] = round(len(json.dumps(widget._py_to_js_updates)) / 1024, 1)
    figures["live_update_spec_kb"] = round(len(json.dumps(live.spec)) / 1024, 1)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
