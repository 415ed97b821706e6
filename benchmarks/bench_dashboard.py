"""Benchmark of the Voila dashboards, measured in Debian's chromium (Playwright).

Figures (all timings indicative: the machine has 2 shared cores):

- ``visible_s``: per topic dashboard, seconds from navigation until a chart
  with marks and the first control (lever slider, or the Kreis picker on the
  overview, which has no levers) are visible, with the preheated pool
  (before each load the bench waits until the server and its kernels use less
  than 5 % of a core, so the previous visit's pool refill is done); ``ROUNDS``
  loads per dashboard: ``visible_s`` (median per dashboard), ``visible_s_all``,
  ``visible_median_s`` and ``visible_p90_s`` over all loads.
- ``slider_ms``: on ``SLIDER_DASHBOARD`` (real model, the notebook's 1,000
  draws), 20 moves of the first lever slider (one keyboard step each); time
  from the key press until the chart shows the new result, both taken inside
  the page (``performance.now()`` of the keydown and of the last change to a
  chart's DOM, seen by a MutationObserver), so the figure does not include
  Playwright's polling; p50 and p95.

Requests are only listened to (``PageWatch(passive=True)``): intercepting them
through Playwright, as the browser tests do to block anything external, delays
every request of the page by a round trip through this Python process.
- ``kernel_rss_mb``: resident memory of each kernel process after the loads
  (pooled and visitor kernels), mean and max.
- ``concurrency``: 20 visitors at once on a server capped at ``CAP`` sessions
  (fixture dashboard, so the figure is about the server, not the model):
  how many got the page, how many the busy page (503), the number of kernels
  and their total RSS afterwards, against the bound (cap + pools) x max RSS.

- ``cold_start``: a new server on the real notebooks (chromium already open):
  seconds from the process start until the start page answers and until each
  dashboard is ready (the server's log line, polled every 0.1 s); then
  ``first_visitor``: a visitor who opens ``COLD_DASHBOARD`` as soon as the
  start page answers (German "wird vorbereitet" page, reloading itself, until
  the dashboard is ready): seconds from navigation to the first chart, and how
  many preparing pages were shown; ``visitor_once_ready``: a visitor who opens
  ``COLD_READY_DASHBOARD`` (not visited before) once the server says it is ready:
  seconds from navigation to the first chart (the goal of issue 16: < 5 s).

Run standalone: ``.venv/bin/python benchmarks/bench_dashboard.py`` (prints JSON);
``.venv/bin/python benchmarks/bench_dashboard.py cold`` runs only ``cold_start``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dashboard_helpers import (  # noqa: E402
    FIXTURE_DIR,
    DashboardServer,
    PageWatch,
    fixture_config,
    launch_browser,
    release_kernel,
    shutdown_kernel,
)

SLIDER_DASHBOARD = "01_szenarien"
COLD_DASHBOARD = "01_szenarien"
COLD_READY_DASHBOARD = "02_digitale_kluft"
SLIDER_MOVES = 20
#: page loads per dashboard (medians reported; every load after the pool is idle again)
ROUNDS = 3
CAP = 6
VISITORS = 20
AGS = "16069"
VISIBLE_JS = """
() => {
  const chart = Array.from(document.querySelectorAll('.vega-embed')).some(
      e => e.querySelector('svg .mark-line, svg .mark-area, svg .mark-rect, svg .mark-symbol, svg .mark-shape, canvas'));
  // the first control: a lever slider, or the Kreis picker (the overview has no levers)
  const control = document.querySelector('.wb-param .noUi-handle, .widget-slider .noUi-handle, .wb-kreis-picker input');
  return chart && !!control && control.getBoundingClientRect().width > 0;
}
"""


def _rss_mb(pids: list[int]) -> list[float]:
    import psutil

    out = []
    for pid in pids:
        try:
            out.append(psutil.Process(pid).memory_info().rss / 2**20)
        except psutil.Error:
            pass
    return out


def _idle_pools(server: DashboardServer, timeout: float = 120.0, quiet_s: float = 2.0) -> float:
    """Wait until the server and its kernels are idle (refilled pool kernels have finished
    executing their notebook): less than 5 % of one core over ``quiet_s``. Returns the wait."""
    import psutil

    t0 = time.perf_counter()
    time.sleep(1.0)
    while time.perf_counter() - t0 < timeout:
        try:
            root = psutil.Process(server.proc.pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            break
        before = {}
        for proc in procs:
            try:
                before[proc.pid] = (proc, sum(proc.cpu_times()[:2]))
            except psutil.Error:
                pass
        time.sleep(quiet_s)
        used = 0.0
        for proc, cpu in before.values():
            try:
                used += sum(proc.cpu_times()[:2]) - cpu
            except psutil.Error:
                pass
        if used / quiet_s < 0.05:
            break
    return time.perf_counter() - t0


def _time_to_visible(browser, server: DashboardServer, stem: str) -> tuple[float, PageWatch, object]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = context.new_page()
    watch = PageWatch(page, passive=True)
    t0 = time.perf_counter()
    page.goto(server.url(f"voila/render/{stem}.ipynb?ags={AGS}"), wait_until="commit", timeout=300000)
    page.wait_for_function(VISIBLE_JS, timeout=300000, polling=20)
    return time.perf_counter() - t0, watch, context


MOVE_PROBE_JS = """
() => {
  if (window.__wbProbe) { return; }
  window.__wbProbe = {key: null, last: null};
  document.addEventListener('keydown', () => {
    window.__wbProbe.key = performance.now(); window.__wbProbe.last = null;
  }, true);
  new MutationObserver(records => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && el.closest && el.closest('.vega-embed')) { window.__wbProbe.last = performance.now(); return; }
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}
"""


def _slider_moves(page, n: int) -> list[float]:
    page.evaluate(MOVE_PROBE_JS)
    handle = page.locator(".wb-param .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    times = []
    for i in range(n):
        key = "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft"   # stay inside the range
        handle.press(key)
        deadline = time.perf_counter() + 60
        # wait for the first change of a chart, then until charts stayed quiet for 400 ms
        page.wait_for_function("() => window.__wbProbe.last !== null", timeout=60000, polling=10)
        while time.perf_counter() < deadline:
            quiet = page.evaluate("() => performance.now() - window.__wbProbe.last")
            if quiet >= 400:
                break
            page.wait_for_timeout(50)
        probe = page.evaluate("() => window.__wbProbe")
        times.append(probe["last"] - probe["key"])
        page.wait_for_timeout(200)
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def bench_topics() -> dict:
    from playwright.sync_api import sync_playwright

    from workbook.dashboard import default_config
    from workbook.texts.dashboard import DASHBOARDS

    figures: dict = {"ags": AGS, "visible_s": {}, "external_requests": 0, "console_errors": 0}
    server = DashboardServer(ROOT / "notebooks", default_config(max_sessions=8), name="bench-dashboard")
    server.start()
    try:
        server.wait_pools(len(DASHBOARDS))
        _idle_pools(server)
        with sync_playwright() as p:
            browser = launch_browser(p)
            slider_page = None
            loads: dict[str, list] = {stem: [] for stem in DASHBOARDS}
            for round_ in range(ROUNDS):
                for stem in DASHBOARDS:
                    _idle_pools(server)       # the previous visit's pool refill has finished
                    try:
                        seconds, watch, context = _time_to_visible(browser, server, stem)
                        loads[stem].append(round(seconds, 2))
                        figures["external_requests"] += len(watch.external)
                        figures["console_errors"] += len(watch.console_errors) + len(watch.page_errors)
                        if stem == SLIDER_DASHBOARD and round_ == ROUNDS - 1:
                            slider_page = (context.pages[0], context)
                        else:
                            release_kernel(context.pages[0])   # as the page's unload beacon does
                            context.close()
                    except Exception as exc:  # a dashboard that does not render is a finding, not a crash
                        loads[stem].append(f"failed: {type(exc).__name__}")
            figures["visible_s_all"] = loads
            for stem, values in loads.items():
                ok = [v for v in values if isinstance(v, float)]
                figures["visible_s"][stem] = round(statistics.median(ok), 2) if ok else values[-1]
            ok = [v for values in loads.values() for v in values if isinstance(v, float)]
            figures["visible_median_s"] = round(statistics.median(ok), 2) if ok else None
            figures["visible_p90_s"] = round(_percentile(ok, 0.9), 2) if ok else None
            figures["kernel_rss_mb"] = _rss_summary(server)
            if slider_page is not None:
                _idle_pools(server)
                page, context = slider_page
                times = _slider_moves(page, SLIDER_MOVES)
                figures["slider_dashboard"] = SLIDER_DASHBOARD
                figures["slider_ms"] = {"p50": round(_percentile(times, 0.5)),
                                        "p95": round(_percentile(times, 0.95)),
                                        "max": round(max(times)), "n": len(times)}
                context.close()
            browser.close()
    finally:
        server.stop()
    return figures


def _rss_summary(server: DashboardServer) -> dict:
    rss = _rss_mb(server.kernel_pids())
    if not rss:
        return {"kernels": 0}
    return {"kernels": len(rss), "mean": round(statistics.mean(rss)), "max": round(max(rss))}


def bench_concurrency() -> dict:
    server = DashboardServer(FIXTURE_DIR, fixture_config(max_sessions=CAP), name="bench-dashboard-cap")
    server.start()
    try:
        server.wait_pools(2)
        _idle_pools(server)
        import requests

        def visit(_i):
            s = requests.Session()
            r = s.get(server.url("voila/render/fixture_dashboard.ipynb"), timeout=600)
            return s, r

        t0 = time.perf_counter()
        with ThreadPoolExecutor(VISITORS) as pool:
            results = list(pool.map(visit, range(VISITORS)))
        elapsed = time.perf_counter() - t0
        served = [(s, r) for s, r in results if r.status_code == 200]
        busy = [r for _s, r in results if r.status_code == 503]
        time.sleep(3)
        rss = _rss_mb(server.kernel_pids())
        pools = 2
        figures = {
            "visitors": VISITORS, "cap": CAP, "served": len(served), "busy_503": len(busy),
            "other_status": sorted({r.status_code for _s, r in results} - {200, 503}),
            "seconds_for_all": round(elapsed, 1),
            "kernels_after": len(rss),
            "kernel_rss_total_mb": round(sum(rss)),
            "bound_mb": round((CAP + pools + 1) * max(rss)) if rss else None,
        }
        from dashboard_helpers import page_kernel_id

        for s, r in served:
            shutdown_kernel(server, s, page_kernel_id(r.content.decode("utf-8")))
    finally:
        server.stop()
    return figures


def _visible_now(page) -> bool:
    try:   # the preparing page reloads itself: the document may be between two loads
        return bool(page.evaluate(VISIBLE_JS))
    except Exception:
        return False


def _first_chart(browser, server: DashboardServer, stem: str, timeout: float = 300.0) -> dict:
    """Open ``stem`` like a visitor; seconds until a chart and a control are visible, following
    the "wird vorbereitet" page's reloads; the number of preparing pages seen."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    page = context.new_page()
    PageWatch(page, passive=True)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/voila/render/" in r.url else None)
    t0 = time.perf_counter()
    page.goto(server.url(f"voila/render/{stem}.ipynb?ags={AGS}"), wait_until="commit", timeout=300000)
    seconds = None
    while time.perf_counter() - t0 < timeout:
        if _visible_now(page):
            seconds = time.perf_counter() - t0
            break
        time.sleep(0.02)
    release_kernel(page)
    context.close()
    return {"dashboard": stem, "seconds": round(seconds, 2) if seconds is not None else None,
            "preparing_pages": statuses.count(503), "served": statuses.count(200)}


def bench_cold_start() -> dict:
    """Time to first chart after a cold start of the server (see the module docstring)."""
    import requests
    from playwright.sync_api import sync_playwright

    from workbook.dashboard import default_config
    from workbook.texts.dashboard import DASHBOARDS

    with sync_playwright() as p:
        browser = launch_browser(p)
        server = DashboardServer(ROOT / "notebooks", default_config(max_sessions=8), name="bench-cold")
        t0 = time.perf_counter()
        server.launch()
        ready: dict[str, float] = {}
        stop = threading.Event()

        def watch_ready():   # the server's "is ready" lines, timed while the first visitor waits
            while not stop.is_set() and len(ready) < len(DASHBOARDS):
                for notebook in server.ready_dashboards():
                    ready.setdefault(notebook, round(time.perf_counter() - t0, 1))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch_ready, daemon=True)
        watcher.start()
        try:
            answered = None
            while answered is None and time.perf_counter() - t0 < 120:
                try:
                    if requests.get(server.base, timeout=2).status_code == 200:
                        answered = time.perf_counter() - t0
                except requests.RequestException:
                    time.sleep(0.05)
            first = _first_chart(browser, server, COLD_DASHBOARD)
            first["navigated_at_s"] = round(answered, 2) if answered is not None else None
            watcher.join(timeout=max(0.0, 300 - (time.perf_counter() - t0)))
            once_ready = _first_chart(browser, server, COLD_READY_DASHBOARD)
            figures = {
                "start_page_answers_s": round(answered, 2) if answered is not None else None,
                "ready_s": ready,
                "first_visitor": first,
                "visitor_once_ready": once_ready,
            }
        finally:
            stop.set()
            server.stop()
            browser.close()
    return figures


def run(parts: tuple[str, ...] = ("topics", "concurrency", "cold")) -> dict:
    out: dict = {"note": "timings indicative (2 shared cores); load average at start: "
                         + ", ".join(f"{x:.1f}" for x in os.getloadavg())}
    if "topics" in parts:
        out["topics"] = bench_topics()
    if "concurrency" in parts:
        out["concurrency"] = bench_concurrency()
    if "cold" in parts:
        out["cold_start"] = bench_cold_start()
    return out


if __name__ == "__main__":
    print(json.dumps(run(tuple(sys.argv[1:]) or ("topics", "concurrency", "cold")), indent=2, ensure_ascii=False))
