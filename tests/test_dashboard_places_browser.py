"""Kreise and Gemeinden in a real browser (Debian's chromium through Playwright).

The overview dashboard served alone: the start page's search finds a Gemeinde and its links
carry ``?ags=08416041``; the dashboard opened for the Gemeinde names it and maps the Gemeinden
of its Kreis; typing "Tübingen" into the place picker lists the Kreis and the Gemeinde, and
choosing one redraws the page; a bad ``?ags=`` shows the German note with the place rule's
reason. No request leaves 127.0.0.1, no console error. Screenshots in test-artifacts/.
"""

from __future__ import annotations

import pytest
from dashboard_helpers import (
    ARTIFACTS,
    ROOT,
    DashboardServer,
    PageWatch,
    assert_clean,
    release_kernel,
    wait_for_chart,
    wait_for_chart_change,
    wait_for_stable_charts,
)

from workbook import dashboard as D

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("dashboard_places")]

STEM = "00_uebersicht"
GEMEINDE = "Tübingen, Universitätsstadt"
#: a visit right after another gets the refilled pool kernel, which may still be importing
VISIT_TIMEOUT_MS = 180000


@pytest.fixture(scope="module")
def overview_server():
    srv = DashboardServer(ROOT / "notebooks", D.default_config([STEM], max_sessions=3), name="dashboard-places")
    srv.start()
    srv.wait_pools(1, timeout=300)
    yield srv
    srv.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
    pg = context.new_page()
    watch = PageWatch(pg)
    yield pg, watch
    try:
        release_kernel(pg)
    finally:
        context.close()


def _open(pg, server, query: str) -> None:
    pg.set_default_timeout(VISIT_TIMEOUT_MS)
    pg.goto(server.url(f"voila/render/{STEM}.ipynb{query}"), timeout=VISIT_TIMEOUT_MS)
    pg.wait_for_selector("#rendered_cells", state="visible", timeout=VISIT_TIMEOUT_MS)
    assert pg.locator(".drehbuch-cell-error").count() == 0
    wait_for_chart(pg, VISIT_TIMEOUT_MS)


def _title(pg) -> str:
    return pg.locator(".wb-app h2").first.inner_text()


def test_start_page_search_finds_the_gemeinde(overview_server, page):
    pg, watch = page
    if D.kreis_choices() is None:
        pytest.skip("data layer unavailable")
    pg.goto(overview_server.base)
    pg.fill("input#q", "tubingen")
    with pg.expect_navigation():
        pg.press("input#q", "Enter")
    hits = pg.locator("#hits a")
    assert hits.count() == 2
    assert hits.nth(0).inner_text() == "Tübingen (08416)"
    assert hits.nth(1).inner_text() == f"{GEMEINDE} (Landkreis Tübingen, 08416041)"
    pg.screenshot(path=str(ARTIFACTS / "places-start-search.png"), full_page=True)
    with pg.expect_navigation():
        hits.nth(1).click()
    assert "ags=08416041" in pg.url
    assert GEMEINDE in pg.locator("#chosen").inner_text()
    link = pg.locator(f"li[data-dashboard='{STEM}'] a")
    assert link.get_attribute("href") == f"/voila/render/{STEM}.ipynb?ags=08416041"
    pg.screenshot(path=str(ARTIFACTS / "places-start-chosen.png"), full_page=True)
    assert_clean(watch, requests=False)


def test_overview_for_a_gemeinde_and_the_picker(overview_server, page):
    pg, watch = page
    _open(pg, overview_server, "?ags=08416041")
    first = wait_for_stable_charts(pg)
    assert GEMEINDE in _title(pg) and "08416041" in _title(pg)
    cells = pg.locator("#rendered_cells").inner_text()
    assert "nach Gemeinden" in cells and "Landkreis Tübingen" in cells
    pg.screenshot(path=str(ARTIFACTS / "places-overview-gemeinde.png"), full_page=True)

    box = pg.locator(".wb-place-picker input").first
    box.scroll_into_view_if_needed()
    box.fill("Tübingen")
    hits = pg.locator(".wb-place-hit")
    hits.nth(1).wait_for(state="visible", timeout=30000)
    texts = [hits.nth(i).inner_text() for i in range(hits.count())]
    assert texts[0].startswith("Tübingen (08416)") and texts[1].startswith(f"{GEMEINDE} (Landkreis Tübingen")
    pg.screenshot(path=str(ARTIFACTS / "places-picker-hits.png"), full_page=False)
    hits.nth(0).click()                                    # the Kreis: the map of all Kreise
    pg.wait_for_function("() => document.querySelector('.wb-app h2').innerText.includes('(08416)')",
                         timeout=90000)
    kreis = wait_for_chart_change(pg, first, timeout_ms=90000)
    assert pg.locator(".wb-place-hit").count() == 0        # the hit list closed
    pg.screenshot(path=str(ARTIFACTS / "places-overview-kreis.png"), full_page=True)

    box.fill("tubingen univ")                              # umlaut-free, two words
    pg.locator(".wb-place-hit").first.wait_for(state="visible", timeout=30000)
    assert pg.locator(".wb-place-hit").count() == 1
    box.press("Enter")                                     # one match: Enter chooses it
    pg.wait_for_function("() => document.querySelector('.wb-app h2').innerText.includes('08416041')",
                         timeout=90000)
    wait_for_chart_change(pg, kreis, timeout_ms=90000)
    assert GEMEINDE in _title(pg)
    pg.screenshot(path=str(ARTIFACTS / "places-overview-gemeinde-again.png"), full_page=True)
    assert_clean(watch, requests=False)


def test_a_bad_gemeinde_key_shows_the_german_reason(overview_server, page):
    pg, watch = page
    _open(pg, overview_server, "?ags=08416999")
    text = pg.locator("#rendered_cells").inner_text()
    assert "aus der Adresse (?ags=) ist unbekannt" in text
    assert "Gemeindeschlüssel '08416999' gibt es nicht" in text
    assert "Köln" in _title(pg)                            # the notebook's default place instead
    pg.screenshot(path=str(ARTIFACTS / "places-bad-key.png"), full_page=False)
    assert_clean(watch, requests=False)
