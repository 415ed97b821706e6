"""The notebooks in JupyterLab, as a strategy team uses them, in Debian's chromium.

JupyterLab runs on loopback without a token (only in this test) with a copy of
the notebooks folder as its root (JupyterLab saves what it opens, and the
committed notebooks stay without outputs); the test opens a topic notebook,
runs all cells from the Run menu, and checks that the live chart is drawn, that
moving a lever redraws it, that no cell wrote to stderr, and that the page
asked nothing of any host but 127.0.0.1. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dashboard_helpers import ARTIFACTS, ROOT, PageWatch, chart_state, free_port, launch_browser, wait_for_chart_change

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("dashboard_places")]

CHART_DRAWN_JS = ("() => Array.from(document.querySelectorAll('.wb-app .vega-embed')).some(e => "
                  "e.querySelector('svg .mark-line, svg .mark-area, svg .mark-shape, svg .mark-rect'))")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"lab-{port}.log", "w", encoding="utf-8")  # noqa: SIM115 - JupyterLab's log while the fixture lives
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
           "--ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
           f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited ({proc.returncode}); see {log.name}")
        try:
            if requests.get(base + "lab", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    else:
        pytest.fail(f"JupyterLab did not answer; see {log.name}")
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)   # kernels left in the group
    except ProcessLookupError:
        pass
    log.close()


def test_scenario_notebook_runs_in_jupyterlab_and_its_levers_redraw_the_chart(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="de-DE").new_page()
            watch = PageWatch(page)
            page.goto(lab + "lab/tree/01_szenarien.ipynb", timeout=120000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
            page.wait_for_function("() => document.body.innerText.includes('Python 3 (ipykernel) | Idle')",
                                   timeout=120000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(CHART_DRAWN_JS, timeout=180000)
            page.locator(".wb-app").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "lab-01_szenarien.png"))
            before = chart_state(page)
            handle = page.locator(".wb-app .wb-param .noUi-handle").first
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
            wait_for_chart_change(page, before)
            page.screenshot(path=str(ARTIFACTS / "lab-01_szenarien-moved.png"))
            assert "Rechnungen je Szenario" in page.locator(".wb-app").first.inner_text()   # the status line
            assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
            assert watch.external == [], watch.external
            assert watch.page_errors == [], watch.page_errors
        finally:
            browser.close()
