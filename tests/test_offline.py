"""One offline-URL checker (workbook/offline.py) for charts, reports and the batch's pages."""

from workbook import display, offline
from workbook.batch import export as batch_export


def test_one_checker_everywhere():
    assert display.external_urls is offline.external_urls
    assert batch_export.external_references is offline.external_references


def test_the_two_views_of_one_page():
    page = ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.org/i.png"/></svg>'
            '<a href="https://www.destatis.de">Quelle</a><p>siehe //cdn.example.com/vega.js</p>')
    # what a browser would fetch: the image, not the citation, not the text
    assert offline.external_references(page) == ["<image href=https://x.org/i.png>"]
    assert offline.external_references(page, allow_links=False) == [
        "<image href=https://x.org/i.png>", "<a href=https://www.destatis.de>"]
    # every address at all (content that should hold none), namespaces allowed on request
    assert offline.external_urls(page, allow_namespaces=True) == [
        "https://x.org/i.png", "https://www.destatis.de", "//cdn.example.com/vega.js"]
    assert offline.external_urls(page)[0] == "http://www.w3.org/2000/svg"
