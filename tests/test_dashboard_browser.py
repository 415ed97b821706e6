"""The dashboards in a real browser: Debian's chromium driven by Playwright.

For the fixture dashboard and every topic dashboard: the page loads, a chart
is drawn (SVG or canvas with marks), choosing another Kreis and moving a
slider change the chart, there is no console error, and no request leaves
127.0.0.1 (every request is routed through :class:`PageWatch`, which aborts
anything else). Screenshots go to test-artifacts/ (gitignored).

One server per module (a session of this module), killed with its kernels
at the end; chromium is /usr/bin/chromium (`make browser` installs it).
"""

from __future__ import annotations

import pytest
from dashboard_helpers import (
    ARTIFACTS,
    FIXTURE_DIR,
    ROOT,
    DashboardServer,
    PageWatch,
    assert_clean,
    chart_state,
    fixture_config,
    release_kernel,
    wait_for_chart,
    wait_for_chart_change,
    wait_for_stable_charts,
)

from workbook import dashboard as D
from workbook.texts import dashboard as T

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

#: a visit right after another gets the pool's refilled kernel, which may still run the notebook's
#: imports: measured 23-27 s per such page (main and this branch alike) on the shared 2-core machine
#: at load 10, so Playwright's default of 30 s for a navigation is too tight
POOL_REFILL_TIMEOUT_MS = 120000

DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def fixture_server():
    srv = DashboardServer(FIXTURE_DIR, fixture_config(max_sessions=4), name="dashboard-browser")
    srv.start()
    srv.wait_pools(2)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def real_server():
    srv = DashboardServer(ROOT / "notebooks", D.default_config(max_sessions=6), name="dashboard-real")
    srv.start()
    srv.wait_pools(len(T.DASHBOARDS))
    yield srv
    srv.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    pg = context.new_page()
    watch = PageWatch(pg)
    yield pg, watch
    try:  # free the visitor kernel for the next test (the session cap is small)
        release_kernel(pg)
    finally:
        context.close()


def move_slider(pg, selector: str, presses: int = 3) -> None:
    handle = pg.locator(f"{selector} .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")


# ---------------------------------------------------------------------------
# Start page and fixture dashboard
# ---------------------------------------------------------------------------

def test_start_page_picker_opens_a_dashboard_for_the_chosen_kreis(fixture_server, page):
    pg, watch = page
    pg.goto(fixture_server.base)
    assert pg.get_by_role("heading", name="Testdashboard", exact=True).is_visible()
    pg.screenshot(path=str(ARTIFACTS / "start.png"), full_page=True)
    if D.kreis_choices() is not None:
        with pg.expect_navigation():
            pg.select_option("select#ags", "09162")       # auto-submits
        assert "ags=09162" in pg.url
        assert "München" in pg.locator("#chosen").inner_text()
        pg.screenshot(path=str(ARTIFACTS / "start-muenchen.png"), full_page=True)
        link = pg.locator("li[data-dashboard=fixture_dashboard] a")
        assert link.get_attribute("href") == "/voila/render/fixture_dashboard.ipynb?ags=09162"
        link.click()
        wait_for_chart(pg)
        assert pg.locator(".fixture-kreis select").input_value() == "München (09162)"
    else:
        assert T.PICKER_UNAVAILABLE in pg.content()
    assert_clean(watch)


def test_fixture_dashboard_draws_and_follows_kreis_and_slider(fixture_server, page):
    pg, watch = page
    pg.goto(fixture_server.url("voila/render/fixture_dashboard.ipynb?ags=09162"), timeout=POOL_REFILL_TIMEOUT_MS)
    first = wait_for_chart(pg)
    assert first[0]["marks"] > 0
    assert pg.locator(".drehbuch-bar").inner_text().startswith("←")
    assert "Testkurve München" in pg.locator(".vega-embed").first.inner_html()
    pg.screenshot(path=str(ARTIFACTS / "fixture-dashboard.png"), full_page=True)

    pg.select_option(".fixture-kreis select", label="Altenburger Land (16077)")
    after_kreis = wait_for_chart_change(pg, first)
    assert "Testkurve Altenburger Land" in pg.locator(".vega-embed").first.inner_html()

    move_slider(pg, ".wb-param", presses=3)
    wait_for_chart_change(pg, after_kreis)
    value = float(pg.locator(".wb-param .noUi-handle").first.get_attribute("aria-valuenow"))
    assert 0.35 < value <= 0.6, value   # moved up from the default 0.35, within the record's range
    pg.screenshot(path=str(ARTIFACTS / "fixture-dashboard-moved.png"), full_page=True)
    assert_clean(watch)

    # leaving the page shuts its kernel down (unload beacon with the XSRF cookie)
    kernel_id = pg.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    pg.goto(fixture_server.base)
    for _ in range(100):
        if f"Kernel shutdown: {kernel_id}" in fixture_server.log_text():
            break
        pg.wait_for_timeout(100)
    assert f"Kernel shutdown: {kernel_id}" in fixture_server.log_text()


def test_fixture_dashboard_on_a_tablet_and_in_print(fixture_server, browser):
    context = browser.new_context(viewport=TABLET, locale="de-DE", has_touch=True, is_mobile=True)
    pg = context.new_page()
    watch = PageWatch(pg)
    try:
        pg.goto(fixture_server.url("voila/render/fixture_dashboard.ipynb?ags=05315"), timeout=POOL_REFILL_TIMEOUT_MS)
        wait_for_chart(pg)
        # nothing wider than the screen except inside the scrollable chart area
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, overflow
        pg.screenshot(path=str(ARTIFACTS / "fixture-tablet.png"), full_page=True)
        pg.emulate_media(media="print")
        assert not pg.locator(".drehbuch-bar").is_visible()
        assert pg.locator(".drehbuch-print-note").is_visible()
        assert "Ausdruck aus dem Drehbuch Digitale Kommune" in pg.locator(".drehbuch-print-note").inner_text()
        pg.screenshot(path=str(ARTIFACTS / "fixture-print.png"), full_page=True)
        assert_clean(watch)
    finally:
        release_kernel(pg)
        context.close()


def test_broken_dashboard_shows_the_german_message(fixture_server, page):
    pg, watch = page
    pg.goto(fixture_server.url("voila/render/fixture_broken.ipynb"), timeout=POOL_REFILL_TIMEOUT_MS)
    pg.wait_for_selector(".drehbuch-cell-error", state="visible", timeout=60000)
    assert pg.locator(".drehbuch-cell-error").inner_text() == T.CELL_ERROR
    assert "RuntimeError" not in pg.content()
    pg.screenshot(path=str(ARTIFACTS / "fixture-broken.png"), full_page=True)
    assert_clean(watch)


def test_page_says_reload_when_its_kernel_is_gone(fixture_server, page):
    """What a visitor sees after the idle culler (or a restart) ended the kernel."""
    pg, _watch = page
    pg.goto(fixture_server.url("voila/render/fixture_dashboard.ipynb?ags=05315"), timeout=POOL_REFILL_TIMEOUT_MS)
    wait_for_chart(pg)
    banner = pg.locator("#drehbuch-disconnected")
    assert not banner.is_visible()
    kernel_id = pg.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    status = pg.evaluate("""async (kid) => {
        const xsrf = document.cookie.match(/\\b_xsrf=([^;]*)/)[1];
        const r = await fetch('/api/kernels/' + kid, {method: 'DELETE', headers: {'X-XSRFToken': xsrf}});
        return r.status; }""", kernel_id)
    assert status == 204
    banner.wait_for(state="visible", timeout=40000)   # checked on websocket close and every 15 s
    assert T.DISCONNECTED in banner.inner_text()
    pg.screenshot(path=str(ARTIFACTS / "fixture-disconnected.png"))


# ---------------------------------------------------------------------------
# The topic dashboards
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("stem", list(T.DASHBOARDS))
def test_topic_dashboard(real_server, page, stem):
    pg, watch = page
    pg.set_default_timeout(120000)
    pg.goto(real_server.url(f"voila/render/{stem}.ipynb?ags=16069"), timeout=180000)
    pg.wait_for_selector("#rendered_cells", state="visible", timeout=240000)
    errors = pg.locator(".drehbuch-cell-error")
    assert errors.count() == 0, f"{stem}: {errors.first.inner_text()}"
    wait_for_chart(pg, 240000)
    # the preheated kernel drew the default Kreis first and then the one of ?ags=: wait for the
    # charts to settle before taking the state the Kreis change must alter
    first = wait_for_stable_charts(pg)
    assert all(s["marks"] > 0 for s in first), first
    assert "Hildburghausen" in pg.locator("#rendered_cells").inner_text()
    pg.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)

    combo = pg.locator(".wb-kreis-picker input").first
    combo.scroll_into_view_if_needed()
    # not the notebooks' default Kreis (05315), and one with cooperation partners (03: its partner map
    # reacts to the levers only where there is a cluster)
    combo.fill("Cham (09372)")
    combo.press("Enter")
    after_kreis = wait_for_chart_change(pg, first, timeout_ms=90000)

    if pg.locator(".wb-param .noUi-handle").count():
        move_slider(pg, ".wb-param", presses=5)
    else:   # the overview has no levers: its control is the indicator choice
        select = pg.locator("[class*=wb-choice-] select").first
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        current = select.input_value()
        select.select_option(value=next(v for v in values if v != current))
    wait_for_chart_change(pg, after_kreis, timeout_ms=90000)
    pg.screenshot(path=str(ARTIFACTS / f"{stem}-moved.png"), full_page=True)
    assert chart_state(pg)
    assert_clean(watch)
