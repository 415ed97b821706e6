"""Issue 16: the printed report (``--pdf`` and the browser's print) and the report and index
page on a phone.

Page 1 names the Kreis and holds its key figures, every page carries the title and
"Seite i von n" at its foot, the list of inputs (estimates and assumptions) is an appendix
in small type on its own pages; on a phone the key figures' label column stays in view while
the values scroll sideways, and so does the Kreis column of index.html.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
KOELN = "05315_koeln-stadt"
APPENDIX = "Welche Eingaben sind Schätzungen oder Annahmen?"
METHOD = "Methode und Herkunft"
TITLE = "Drehbuch Digitale Kommune: Bericht Köln, Stadt"     # the batch's title of the report, in the foot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def sync_api():
    api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium")
    return api


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _check_printed(pages: list[str], html: str):
    n = len(pages)
    first = pages[0]
    assert "Köln, Stadt (05315)" in first                       # the place, not only the generic title
    assert "Kennzahlen 2030 nach Szenario" in first
    # the whole key-figures table is on page 1: its first and last rows, a value of the table
    rows = re.findall(r"<td[^>]*>([^<]*)</td>", html.split("id='wb-figures'", 1)[1].split("</table>", 1)[0])
    assert rows and rows[0] in first and rows[1] in first
    assert "Einsparung durch Kooperation" in first
    for i, text in enumerate(pages, start=1):
        assert f"Seite {i} von {n}" in text, (i, text[-120:])
        assert TITLE in text
    # the appendix starts a page of its own after the method, and is the end of the report
    start = next(i for i, t in enumerate(pages) if APPENDIX in t)
    assert METHOD not in pages[start] and any(METHOD in t for t in pages[:start])
    body = pages[start].replace(f"Seite {start + 1} von {n}", "").replace(TITLE, "").strip()
    assert body.startswith(APPENDIX), body[:100]
    assert all(APPENDIX not in t for t in pages[:start])
    # Köln printed 21 pages, 14 of them the assumptions, and page 1 had only the generic title
    assert n <= 12 and n - start <= 6, n


def test_pdf_of_the_batch_names_the_kreis_on_page_1(bericht_reports):
    from workbook.batch.export import print_pdf

    html = (bericht_reports / f"{KOELN}.html").read_bytes()
    pdf = print_pdf(html, timeout=120)
    _check_printed(_pages(pdf), html.decode("utf-8"))
    (bericht_reports / f"{KOELN}.test.pdf").write_bytes(pdf)   # for a look (pdftoppm) when it fails


def test_browser_print_gives_the_same_layout(bericht_reports, sync_api):
    html = (bericht_reports / f"{KOELN}.html").read_text(encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto((bericht_reports / f"{KOELN}.html").as_uri())
        page.emulate_media(media="print")
        sizes = page.evaluate("""() => {
            const px = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
            return {body: px('#wb-summary p'), appendix: px('#wb-estimates td'),
                    breakBefore: getComputedStyle(document.querySelector('#wb-estimates')).breakBefore};
        }""")
        assert sizes["appendix"] < 0.8 * sizes["body"], sizes       # small type
        assert sizes["breakBefore"] == "page"
        pdf = page.pdf(format="A4", prefer_css_page_size=True)      # what "Drucken" / Ctrl+P gives
        browser.close()
    _check_printed(_pages(pdf), html)


def test_on_a_phone_key_figures_and_index_keep_their_label_column(bericht_reports, sync_api):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True)
        page.goto((bericht_reports / f"{KOELN}.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390    # the page itself does not scroll
        probe = """([table, cell, last]) => {
            const t = document.querySelector(table);
            const scroller = t.closest('.wrap') || t;
            scroller.scrollLeft = scroller.scrollWidth;
            const c = document.querySelector(cell);
            window.scrollBy(0, c.getBoundingClientRect().top - 100);     // the row in view, vertically only
            const lc = c.getBoundingClientRect();
            const l = document.querySelector(last).getBoundingClientRect();
            const y = lc.top + lc.height / 2;
            const hit = document.elementFromPoint(lc.left + 4, y);
            return {scrolls: scroller.scrollWidth > scroller.clientWidth, scrolled: scroller.scrollLeft,
                    cellLeft: lc.left, tableLeft: scroller.getBoundingClientRect().left, visible: c.contains(hit),
                    lastInView: l.right <= window.innerWidth + 1 && l.left >= lc.right - 1,
                    text: c.textContent.trim()};
        }"""
        key = page.evaluate(probe, ["#wb-figures table", "#wb-figures tbody tr:first-child td:first-child",
                                    "#wb-figures tbody tr:first-child td:last-child"])
        assert key["scrolls"] and key["scrolled"] > 0, key
        assert abs(key["cellLeft"] - key["tableLeft"]) < 2 and key["visible"], key   # label stays put
        assert key["lastInView"] and key["text"].startswith("Digitalisierungsgrad"), key
        page.screenshot(path=str(bericht_reports / "phone-report.png"))

        page.goto((bericht_reports / "index.html").as_uri())
        idx = page.evaluate(probe, ["table.sortable", "tbody tr:first-child td:nth-child(2)",
                                    "tbody tr:first-child td:last-child"])
        assert idx["scrolls"] and idx["scrolled"] > 0, idx
        assert idx["visible"] and idx["text"] == "Köln, Stadt", idx
        assert idx["lastInView"], idx
        page.screenshot(path=str(bericht_reports / "phone-index.png"))
        browser.close()
