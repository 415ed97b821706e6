"""Issue 16 in a real browser: the five topic dashboards read right for a council member.

For each dashboard, at 1366x900 and then on a phone (390x844), every tab is opened and

- every table's heading sits over its column: heading and cells aligned the same
  way (numbers right, text left), their right (or left) edges within 2 px;
- nothing is cut off: tab titles, the reset buttons of the levers, the dropdowns
  (the chosen option fits), tables fit their block on a wide screen, and no
  chart text ends in an ellipsis;
- the visible text has no model symbols (Greek letters, "1/Jahr", "p5", the
  seed), no package or file names as sources, no category codes, no doubled
  "im Jahr im Jahr" and no year written as a number ("2.025,0 Jahr");
- a chart is on the first screen.

Chromium is Debian's (/usr/bin/chromium), never a downloaded browser; every
request must stay on 127.0.0.1.
"""

from __future__ import annotations

import re

import pytest
from dashboard_helpers import (
    ARTIFACTS,
    ROOT,
    DashboardServer,
    PageWatch,
    release_kernel,
    wait_for_chart,
    wait_for_stable_charts,
)

from workbook import dashboard as D
from workbook.texts import dashboard as T

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

#: per table and column: alignment, edges and classes of the heading and of each cell
TABLES_JS = """
() => {
  const out = [];
  for (const table of document.querySelectorAll('.wb-app table.wb-table')) {
    if (!table.offsetParent) continue;                      // a hidden tab
    const heads = Array.from(table.querySelectorAll('thead th'));
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    heads.forEach((th, i) => {
      const h = th.getBoundingClientRect();
      const cells = rows.map(r => r.children[i]).filter(Boolean).map(td => {
        const c = td.getBoundingClientRect();
        // the text's own box (not the cell's): where a reader sees the value
        const range = document.createRange(); range.selectNodeContents(td);
        const t = range.getBoundingClientRect();
        return {align: getComputedStyle(td).textAlign, text: td.textContent.trim(),
                left: t.left, right: t.right, cellLeft: c.left, cellRight: c.right};
      });
      const range = document.createRange(); range.selectNodeContents(th);
      const t = range.getBoundingClientRect();
      out.push({head: th.textContent.trim(), align: getComputedStyle(th).textAlign,
                left: t.left, right: t.right, cellLeft: h.left, cellRight: h.right, cells: cells});
    });
  }
  return out;
}
"""

#: elements whose text does not fit their box
CUT_JS = """
() => {
  const cut = [];
  const check = (el, what) => {
    if (!el.offsetParent) return;
    if (el.scrollWidth > el.clientWidth + 1) cut.push(what + ': ' + el.textContent.trim());
  };
  document.querySelectorAll('.wb-blocks .lm-TabBar-tabLabel').forEach(el => check(el, 'Reiter'));
  document.querySelectorAll('.wb-app .wb-reset').forEach(el => check(el, 'Zurücksetzen'));
  const ctx = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('.wb-app select').forEach(sel => {
    if (!sel.offsetParent || sel.selectedIndex < 0) return;
    const cs = getComputedStyle(sel);
    ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const text = sel.options[sel.selectedIndex].text;
    const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 18;
    if (ctx.measureText(text).width > room) cut.push('Auswahl: ' + text);
  });
  document.querySelectorAll('.wb-app input').forEach(inp => {
    if (!inp.offsetParent || !inp.value) return;
    const cs = getComputedStyle(inp);
    ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const room = inp.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(inp.value).width > room) cut.push('Eingabe: ' + inp.value);
  });
  // on a wide screen a table fits its block (on a phone it may scroll sideways in its box)
  if (window.innerWidth >= 1000) {
    document.querySelectorAll('.wb-app .wb-table-wrap').forEach(el => {
      if (el.offsetParent && el.scrollWidth > el.clientWidth + 1) cut.push('Tabelle: ' + el.querySelector('th').textContent.trim());
    });
  }
  document.querySelectorAll('.wb-blocks .vega-embed svg text').forEach(t => {
    if (t.textContent.trim().endsWith('…')) cut.push('Diagramm: ' + t.textContent.trim());
  });
  return cut;
}
"""

#: what a council member must not read
FORBIDDEN = [
    (re.compile(r"[α-ωΑ-Ω]"), "griechischer Buchstabe"),  # noqa: RUF001 - Greek letters on purpose
    (re.compile(r"1/Jahr"), "Einheit 1/Jahr"),
    (re.compile(r"\bp(5|25|50|75|95)\b"), "Quantil-Symbol"),
    (re.compile(r"Startwert 20211|\b20211\b"), "Startwert des Zufallsgenerators"),
    (re.compile(r"\bZiehungen\b"), "Ziehungen"),
    (re.compile(r"Bass [pq]\b"), "Modellname"),
    (re.compile(r"\bin \d+ ms\b"), "Rechenzeit"),
    (re.compile(r"docs/|\.yml\b|\.md\b|\bnpm\b|PyPI"), "Datei- oder Paketname als Quelle"),
    (re.compile(r"kreisfreie_grossstadt|staedtischer_kreis|laendlich_verdichtet|duenn_besiedelt"),
     "Kategorie-Code"),
    (re.compile(r"\bim Jahr im Jahr\b"), "doppeltes 'im Jahr'"),
    (re.compile(r"\b\d\.\d{3},\d Jahr\b"), "Jahr als Zahl"),
]


@pytest.fixture(scope="module")
def server():
    # no preheated kernels: the machine is shared; every page starts its own
    srv = DashboardServer(ROOT / "notebooks", D.default_config(max_sessions=4, pool_size=0),
                          name="dashboard-readability")
    srv.start()
    yield srv
    srv.stop()


def open_dashboard(browser, server, stem: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="de-DE")
    pg = context.new_page()
    watch = PageWatch(pg)
    pg.set_default_timeout(300000)
    pg.goto(server.url(f"voila/render/{stem}.ipynb?ags=16069"), timeout=600000)
    pg.wait_for_selector("#rendered_cells", state="visible", timeout=600000)
    assert pg.locator(".drehbuch-cell-error").count() == 0
    wait_for_chart(pg, 600000)
    wait_for_stable_charts(pg, settle_ms=800)
    return context, pg, watch


def tabs(pg):
    return pg.locator(".wb-blocks > .lm-TabBar .lm-TabBar-tab")


def show_tab(pg, i: int) -> None:
    from playwright.sync_api import Error as PlaywrightError

    tab = tabs(pg).nth(i)
    tab.scroll_into_view_if_needed()
    tab.click()
    pg.wait_for_timeout(300)
    try:
        wait_for_stable_charts(pg, settle_ms=500, timeout_ms=30000)
    except PlaywrightError:   # a tab without a chart
        pass


def alignment_problems(columns: list[dict]) -> list[str]:
    bad = []
    for col in columns:
        for cell in col["cells"]:
            if not cell["text"] or cell["text"] == "–":
                continue
            where = f"{col['head']!r} / {cell['text']!r}"
            if cell["align"] != col["align"]:
                bad.append(f"{where}: Kopf {col['align']}, Zelle {cell['align']}")
            elif col["align"] == "right" and abs(cell["right"] - col["right"]) > 2:
                bad.append(f"{where}: rechte Kanten {col['right']:.0f} / {cell['right']:.0f}")
            elif col["align"] in ("left", "start") and abs(cell["left"] - col["left"]) > 2:
                bad.append(f"{where}: linke Kanten {col['left']:.0f} / {cell['left']:.0f}")
            # the value lies under its own heading's column, not the one beside it
            if not (col["cellLeft"] - 1 <= cell["left"] and cell["right"] <= col["cellRight"] + 1):
                bad.append(f"{where}: Wert außerhalb der Spalte")
        if re.fullmatch(r"[\d.,\s%–()bis€−+-]+", " ".join(c["text"] for c in col["cells"]) or "x") \
                and col["align"] != "right":
            bad.append(f"{col['head']!r}: Zahlenspalte nicht rechtsbündig")
    return bad


def check_viewport(pg, watch, stem: str, viewport: str) -> None:
    """Every check of the module docstring on the page as it is laid out now."""
    # a chart on the first screen (below the top bar, above the fold)
    first = pg.evaluate("""() => Array.from(document.querySelectorAll('.wb-blocks .vega-embed'))
        .filter(e => e.offsetParent).map(e => e.getBoundingClientRect().top)""")
    pg.screenshot(path=str(ARTIFACTS / f"readability-{stem}-{viewport}.png"))
    assert first and min(first) < VIEWPORTS[viewport]["height"] - 120, (stem, viewport, first)

    problems, cut, texts = [], [], []
    for i in range(tabs(pg).count()):
        show_tab(pg, i)
        columns = pg.evaluate(TABLES_JS)
        problems += alignment_problems(columns)
        cut += pg.evaluate(CUT_JS)
        texts.append(pg.locator(".wb-app").first.inner_text())
        texts.append(" ".join(pg.locator(".wb-blocks .vega-embed svg text").all_text_contents()))
    text = "\n".join(texts)
    assert problems == [], f"{stem} ({viewport}): " + "; ".join(problems[:8])
    assert cut == [], f"{stem} ({viewport}) abgeschnitten: " + "; ".join(cut[:8])
    found = [f"{what}: {m.group(0)!r}" for rx, what in FORBIDDEN for m in [rx.search(text)] if m]
    assert found == [], f"{stem} ({viewport}): " + "; ".join(found)
    assert watch.external == [], watch.external
    assert watch.page_errors == [], watch.page_errors


@pytest.mark.parametrize("stem", list(T.DASHBOARDS))
def test_dashboard_reads_right(browser, server, stem):
    """Desktop first, then the same page turned into a phone (one kernel start for both: the
    layout follows the width, as on a tablet turned upright)."""
    context, pg, watch = open_dashboard(browser, server, stem, VIEWPORTS["desktop"])
    try:
        check_viewport(pg, watch, stem, "desktop")
        pg.set_viewport_size(VIEWPORTS["phone"])
        show_tab(pg, 0)
        pg.evaluate("() => window.scrollTo(0, 0)")
        wait_for_stable_charts(pg, settle_ms=800)
        check_viewport(pg, watch, stem, "phone")
    finally:
        release_kernel(pg)
        context.close()


def test_a_year_lever_reads_2025_and_tables_show_headings_over_values(browser, server):
    context, pg, watch = open_dashboard(browser, server, "01_szenarien", VIEWPORTS["desktop"])
    try:
        # the lever group 'Bund und Land' holds the year from which federal solutions exist
        group = pg.locator(".wb-app .jupyter-widget-Collapse-header, .wb-app .lm-AccordionPanel-title, "
                           ".wb-app .p-Collapse-header").filter(has_text="Bund und Land").first
        group.click()
        row = pg.locator(".wb-app .widget-vbox").filter(
            has_text="Jahr, ab dem Bundes-/Landeslösungen verfügbar sind").last
        row.wait_for(state="visible", timeout=60000)
        readout = row.locator(".wb-lever-row").first.inner_text()
        assert re.search(r"\b2025\b", readout), readout
        assert "2.025" not in readout and "Jahr" not in readout
        row.locator("summary").first.click()
        details = row.inner_text()
        assert "Spanne 2024 bis 2026 · Standard 2025" in details, details
        assert "Name im Modell: ddi.verw.federal_year" in details
        page_text = pg.locator(".wb-app").first.inner_text()
        assert not re.search(r"\d\.\d{3},\d Jahr", page_text)
        # the narratives table lists changed assumptions; the Jahr column of Digitale Kluft-like
        # tables: every heading's column holds its values (checked on the bars tab's table here)
        show_tab(pg, 1)
        columns = pg.evaluate(TABLES_JS)
        assert columns, "no table on the second tab"
        assert alignment_problems(columns) == []
        assert next(c["align"] for c in columns) in ("left", "start")          # 'Kennzahl': text
        assert all(c["align"] == "right" for c in columns[1:])                # S0 … S5: numbers
        assert watch.external == []
    finally:
        release_kernel(pg)
        context.close()
