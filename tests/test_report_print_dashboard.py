"""Issue 16: "Drucken" in a dashboard gives the page as shown (print CSS of the Voila template).

The Szenarien dashboard in chromium, printed as the top bar's button does (``window.print()``
is the browser's print; ``page.pdf`` is the same layout): the chart is scaled to the page, not
cut; the lever panel prints below the chart at its full width, not beside it and cut; no page
is nearly empty (a box that must not break used to jump to the next page whole).
"""

from __future__ import annotations

import io

import pytest
from dashboard_helpers import (
    ARTIFACTS,
    ROOT,
    DashboardServer,
    launch_browser,
    release_kernel,
    wait_for_chart,
    wait_for_stable_charts,
)

STEM = "01_szenarien"
# A4 landscape, 12 mm margins (drehbuch.css): the width a printed page lays out in, in CSS px
PRINT_WIDTH_PX = round((297 - 24) / 25.4 * 96)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def server():
    from workbook import dashboard as D

    srv = DashboardServer(ROOT / "notebooks", D.default_config([STEM], max_sessions=2, pool_size=1),
                          name="dashboard-print")
    srv.start()
    srv.wait_pools(1)
    yield srv
    srv.stop()


def test_printed_dashboard_is_the_page_as_shown(server):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    with sync_playwright() as p:
        browser = launch_browser(p)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="de-DE")
        pg = context.new_page()
        pg.set_default_timeout(120000)
        pg.goto(server.url(f"voila/render/{STEM}.ipynb?ags=16069"), timeout=180000)
        pg.wait_for_selector("#rendered_cells", state="visible", timeout=240000)
        wait_for_chart(pg, 240000)
        wait_for_stable_charts(pg)
        pg.emulate_media(media="print")
        pg.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 900})
        layout = pg.evaluate("""() => {
            const box = e => e.getBoundingClientRect();
            const blocks = document.querySelector('.wb-blocks');
            const row = blocks.parentElement, side = [...row.children].find(c => c !== blocks);
            const charts = [...document.querySelectorAll('.vega-embed svg')].filter(s => box(s).width > 0);
            return {
                width: document.documentElement.clientWidth,
                blocks: [box(blocks).left, box(blocks).right, box(blocks).bottom],
                side: side ? [box(side).left, box(side).right, box(side).top] : null,
                levers: document.querySelectorAll('.wb-lever-row').length,
                charts: charts.map(s => [box(s).left, box(s).right, box(s).height,
                                         box(s.closest('.wb-block') || blocks).right]),
                bar: getComputedStyle(document.querySelector('.drehbuch-bar')).display,
                exportShown: [...document.querySelectorAll('.wb-app .jupyter-button')]
                               .some(b => b.getBoundingClientRect().width > 0),
            };
        }""")
        pdf = pg.pdf(prefer_css_page_size=True, print_background=True)
        (ARTIFACTS / f"{STEM}-print.pdf").write_bytes(pdf)
        release_kernel(pg)
        context.close()
        browser.close()
    assert layout["bar"] == "none" and not layout["exportShown"], layout
    assert layout["charts"], layout
    for _left, right, height, container_right in layout["charts"]:
        assert right <= container_right + 1 and right <= layout["width"] + 1, layout   # not cut at the right
        assert height <= 95 / 25.4 * 96 + 1, layout                                    # fits a page with its title
    # the lever panel below the chart, as wide as the chart's column
    assert layout["levers"] > 0 and layout["side"] is not None, layout
    side_left, side_right, side_top = layout["side"]
    blocks_left, blocks_right, blocks_bottom = layout["blocks"]
    assert side_top >= blocks_bottom - 1 and abs(side_left - blocks_left) <= 4 and abs(side_right - blocks_right) <= 4, layout
    pages = [" ".join((pg_.extract_text() or "").split()) for pg_ in PdfReader(io.BytesIO(pdf)).pages]
    assert 2 <= len(pages) <= 5, len(pages)
    assert "Hildburghausen (16069)" in " ".join(pages)
    # no nearly empty page (before: the intro alone, the tab bar alone, the export box alone)
    for i, text in enumerate(pages[:-1], start=1):
        assert len(text) > 300, (i, text)
