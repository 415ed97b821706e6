"""Issue 15: every HTML page the workbook writes is read by a browser as written.

html5lib parses as browsers do (the WHATWG algorithm). A heading's empty
anchor serialised as ``<a class="anchor-link" href="#..." />`` used to stay
open, so every paragraph, table and chart after it was part of one link. The
suite-wide check in ``conftest.py`` parses every HTML document tests write;
here the report, the index page and the dashboards' own pages are checked by
name, and chromium shows that report text is plain text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from html_check import html_problems

CHROMIUM = Path("/usr/bin/chromium")
DOC = '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>x</title></head><body>{}</body></html>'


# -- the checker itself ---------------------------------------------------------------
def test_checker_catches_the_self_closed_heading_anchor():
    page = DOC.format('<h1 id="T">Titel<a class="anchor-link" href="#T" /></h1><p>Text</p>'
                      "<table><tr><td>1</td></tr></table><figure><svg></svg></figure>")
    problems = html_problems(page, "r.html")
    assert any("non-void-element-with-trailing-solidus" in p and "name=a" in p for p in problems), problems
    # the browser re-opens the link around the paragraph after the heading: its text is link text
    reopened = [p for p in problems if "re-opened" in p]
    assert reopened and "'#T'" in reopened[0] and "'Text'" in reopened[0], problems
    # a block written inside an open link is named too
    nested = html_problems(DOC.format('<h1>T<a href="#T" /></h1>\n<div>\n<table><tr><td>1</td></tr></table></div>'))
    assert any("<a href='#T'> contains div, table" in p for p in nested), nested


def test_checker_accepts_links_around_text_and_svg_links_around_shapes():
    page = DOC.format('<h2>Quellen</h2><p>Siehe <a href="https://www.destatis.de">Destatis</a>.</p>'
                      '<svg xmlns="http://www.w3.org/2000/svg"><a href="a.html"><path d="M0 0h1v1z"/>'
                      "</a></svg><br><img alt=\"\" src=\"data:,\">")
    assert html_problems(page) == []
    # an element left open where its parent ends, a stray end tag
    assert any("end-tag-too-early" in p for p in html_problems(DOC.format("<section><div>eins</section>")))
    assert any("unexpected-end-tag" in p for p in html_problems(DOC.format("<p>eins</p></span>")))
    assert html_problems("<p>kein doctype</p>") != []


# -- report export ---------------------------------------------------------------------
def _headings_notebook():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    code = new_code_cell("x", id="out")
    code.outputs = [new_output("display_data", data={"text/html": "<table><tr><td>1,5 %</td></tr></table>"})]
    nb = new_notebook(cells=[new_markdown_cell("# Bericht Köln\n\nEinleitung mit [Quelle](https://www.destatis.de).",
                                               id="t"),
                             new_markdown_cell("## Teil 2\n\nNoch ein Absatz.", id="u"), code])
    return nbformat.from_dict(nb)


def test_export_writes_headings_without_anchor_links_and_parses_cleanly():
    from workbook.batch.export import export_html

    page = export_html(_headings_notebook(), 'Bericht "Köln" </style>\x00').decode("utf-8")
    assert html_problems(page, "export") == []
    assert "<h1>Bericht Köln</h1>" in page and "<h2>Teil 2</h2>" in page
    assert "anchor-link" not in page
    assert '<a href="https://www.destatis.de">Quelle</a>' in page     # a real link stays a link
    assert page.count("<style") == 2 and "<style>\n<style" not in page   # the sheet, the page boxes
    assert "\x00" not in page and page.count("</style>") == 2


def test_print_css_escapes_the_title():
    from workbook.batch.export import print_css

    css = print_css('Köln "x" </style>\\')
    assert "</style>" not in css and '"x"' not in css
    assert 'content:"Köln \\22 x\\22  \\3c /style\\3e \\5c "' in css
    assert '"Seite " counter(page) " von " counter(pages)' in css


# -- real pages ------------------------------------------------------------------------
@pytest.mark.slow
def test_reports_and_index_page_of_a_batch_parse_cleanly(bericht_reports):
    pages = sorted(bericht_reports.glob("*.html"))
    assert [p.name for p in pages] == ["05315_koeln-stadt.html", "16069_hildburghausen.html", "index.html"]
    for path in pages:
        data = path.read_bytes()
        assert html_problems(data, path.name) == []
    index = (bericht_reports / "index.html").read_text(encoding="utf-8")
    assert "<svg class=\"map\"" in index and index.count("<a href=") >= 4      # map and table link the reports


def _start_page_env():
    import jinja2

    from workbook.dashboard import TEMPLATE_DIR
    from workbook.texts import dashboard as T

    # as DashboardApp.init_settings builds it for the start, busy and error pages
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    env.globals["t"] = T
    return env, T


def test_dashboard_start_busy_and_error_pages_parse_cleanly():
    from workbook.dashboard import DEFAULT_AGS, kreis_choices

    env, T = _start_page_env()
    kreise = kreis_choices()
    assert kreise and len(kreise) == 401
    lands: dict = {}
    for k in kreise:
        lands.setdefault(k["land_name"], []).append(k)
    default = next(k for k in kreise if k["ags"] == DEFAULT_AGS)
    chosen = next(k for k in kreise if k["ags"] == "16069")
    start = env.get_template("start.html.j2")
    pages = {
        "start": start.render(base_url="/", dashboards=dict(T.DASHBOARDS), kreise=kreise, lands=lands,
                              chosen=None, notice=None, default=default),
        "start?ags=16069": start.render(base_url="/", dashboards=dict(T.DASHBOARDS), kreise=kreise,
                                        lands=lands, chosen=chosen, notice=None, default=default),
        "start?ags=<x>": start.render(base_url="/", dashboards={}, kreise=None, lands={}, chosen=None,
                                      notice=T.PICKER_UNKNOWN.format(ags="<x>"), default=None),
        "busy": env.get_template("busy.html").render(base_url="/", active=6, limit=6, retry=10),
        "404": env.get_template("404.html").render(base_url="/", status_code=404,
                                                   text=T.ERROR_TEXTS.get(404, T.ERROR_DEFAULT)),
    }
    for name, page in pages.items():
        assert html_problems(page, name) == [], name
    assert "voila/render/" in pages["start"] and "?ags=16069" in pages["start?ags=16069"]


# -- in the browser ------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
def test_report_text_is_plain_text_in_chromium(bericht_reports):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium")
    report = bericht_reports / "05315_koeln-stadt.html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(report.as_uri())
        info = page.evaluate("""() => {
            const els = [...document.querySelectorAll('main p, main td, main th, main h1, main h2, main h3, figure')];
            return {
                n: els.length,
                underlined: els.filter(e => getComputedStyle(e).textDecorationLine.includes('underline'))
                               .map(e => e.tagName + ': ' + e.textContent.slice(0, 40)),
                inLink: els.filter(e => e.closest('a')).map(e => e.tagName + ': ' + e.textContent.slice(0, 40)),
                links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
                cursor: getComputedStyle(document.querySelector('#wb-summary p')).cursor,
            };
        }""")
        assert info["n"] > 100
        assert info["underlined"] == [] and info["inLink"] == []
        assert not any(h.startswith("#") for h in info["links"]), info["links"]
        assert info["cursor"] != "pointer"
        # a click on the text of the summary goes nowhere
        page.click("#wb-summary p")
        assert page.url == report.as_uri()
        browser.close()
