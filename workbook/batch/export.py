"""A report's export: in-process HTML with the lean ``bericht`` template, stable SVG ids, PDF.

nbconvert's ``lab`` template embeds about 263 KB of CSS and loads require.js,
MathJax and the widget manager from a CDN; the ``bericht`` template
(``workbook/templates/bericht``) has no script and no external reference, one
small inlined stylesheet with a print and a phone layout, and hides code; with
``--charts script`` it ends with the folder's local Vega and the lines that draw the
charts (``chart_assets.page_script``), still nothing from the network.
``export_html(nb, title)`` keeps one exporter per thread; ``print_pdf(html)``
prints with headless Debian chromium (no network).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

from ..offline import external_references  # noqa: F401 - the one offline check, used by the batch
from ..paths import TEMPLATES_DIR
from ..texts import drop_control

TEMPLATE_NAME = "bericht"

#: cells with one of these tags are left out of the batch report (e.g. help text
#: that only makes sense in JupyterLab or Voila: "move the sliders ...")
REMOVE_TAGS = ("remove-in-report", "remove_cell")


# an <img> without alt text gets an empty one (decorative) instead of nbconvert's English sentence
_IMG_NO_ALT = re.compile(r"<img\b(?![^>]*\balt\s*=)", re.IGNORECASE)


def _lean_exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class LeanHTMLExporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup pass.

        nbconvert parses the finished page with BeautifulSoup only to add an
        English alt text to images and ``tabindex`` to ``.jp-Notebook`` cells
        (classes the ``bericht`` template does not use), then serialises it
        again: measured 0.07-0.2 s of the 0.08-0.25 s an export takes (about
        9,000 tags of inline SVG per report). Here the page is the template's
        output as it is; images without alt text get ``alt=""``.
        """

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_NO_ALT.sub('<img alt=""', html), resources

    return LeanHTMLExporter


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped
    (a title can never close the ``<style>`` element or the string)."""
    out = []
    for ch in str(text):
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _css_content(template: str, **values: str) -> str:
    """A German text with ``{page}``/``{pages}`` as a CSS ``content`` value (strings and counters)."""
    counters = {"page": "counter(page)", "pages": "counter(pages)"}
    parts = re.split(r"(\{page\}|\{pages\})", template)
    out = []
    for part in parts:
        if part in ("{page}", "{pages}"):
            out.append(counters[part[1:-1]])
        elif part:
            out.append(css_string(part.format(**values)))
    return " ".join(out) or '""'


def print_css(title: str) -> str:
    """The page boxes of the printed report (browser print and ``--pdf``): the report's title
    at the foot of each page on the left, "Seite 3 von 9" on the right. No date: the same
    inputs give the same bytes."""
    from ..texts import batch as T

    left = _css_content(T.PRINT_FOOTER_LEFT, title=title)
    right = _css_content(T.PRINT_FOOTER_RIGHT, title=title)
    box = "font:8pt system-ui,Arial,sans-serif;color:#444"
    return (f"@page{{@bottom-left{{content:{left};{box}}}"
            f"@bottom-right{{content:{right};{box}}}}}")


def make_exporter():
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = _lean_exporter_class()(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # no "#" links on headings: nbconvert serialises an empty one as <a ... />, which a browser
        # keeps open, so every paragraph, table and chart after the heading became part of that link
        exclude_anchor_links=True,
        embed_images=False,
        skip_svg_encoding=True,  # SVG stays inline markup, not a base64 <img> (smaller, selectable text)
        language_code="de",
        # no CDN URLs even in resources nobody should use
        require_js_url="", jquery_url="", mathjax_url="", mermaid_js_url="",
        jupyter_widgets_base_url="", widget_renderer_url="",
        # the notebook is validated once after all preprocessors, not after each of the dozen
        # (our own notebook as nbclient ran it; 10 ms a report went into repeated validation)
        optimistic_validation=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(REMOVE_TAGS)), enabled=True)
    return exporter


# vl-convert (vega's SVG renderer) names gradients and clip paths with a counter
# that keeps counting inside a warm kernel, sometimes behind a random prefix
# ("gradient_0" in one report, "gradient_1" in the next; "c78439541-gradient_0"):
# renamed in order of first appearance so a report does not depend on what its
# kernel drew before. Only ids and references to them are touched (also inside
# the notebook's JSON, where quotes are escaped).
_SVG_ID = re.compile(r'(?P<pre>\bid=\\?"|url\(#|href=\\?"#)'
                     r'(?P<id>(?:c[0-9a-f]{5,16}-)?(?P<kind>gradient|clip|pattern|marker)_?\d+)\b')


#: a cheap first look: most reports hold no such id at all (a scan of 250 KB: 0.5 ms, the full pattern 5 ms)
_SVG_ID_KIND = re.compile(r"(?:gradient|clip|pattern|marker)_?\d")


def stable_svg_ids(text: str) -> str:
    # no SVG, no SVG id (a report whose charts the page draws: 0.1 ms instead of 2 ms)
    if "<svg" not in text or _SVG_ID_KIND.search(text) is None:
        return text
    names: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        key = m.group("id")
        if key not in names:
            names[key] = f"wbsvg{len(names) + 1}-{m.group('kind')}"
        return m.group("pre") + names[key]

    return _SVG_ID.sub(rename, text)


_EXPORTERS: dict[int, object] = {}


def _exporter():
    key = threading.get_ident()
    exp = _EXPORTERS.get(key)
    if exp is None:
        exp = _EXPORTERS[key] = make_exporter()
    return exp


def export_html(nb, title: str, chart_script: str | None = None) -> bytes:
    """The report page; ``chart_script`` (``chart_assets.page_script``) ends the page when its
    charts are drawn by the browser (``--charts script``)."""
    # control characters (a NUL in a Kreis name from a user's file) are not text a page may carry
    title = drop_control(title)
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title},
                       "bericht": {"print_css": print_css(title), "chart_script": chart_script}})
    return body.encode("utf-8")


CHROMIUM = "/usr/bin/chromium"


def print_pdf(html: bytes, timeout: float = 120.0) -> bytes:
    """Print an HTML report to PDF with headless Debian chromium (no network)."""
    if not os.path.exists(CHROMIUM):
        raise FileNotFoundError(f"{CHROMIUM} fehlt / missing (apt-get install chromium)")
    tmp = tempfile.mkdtemp(prefix="workbook-pdf-")
    try:
        src = os.path.join(tmp, "report.html")
        dst = os.path.join(tmp, "report.pdf")
        with open(src, "wb") as fh:
            fh.write(html)
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--no-first-run",
               "--disable-dev-shm-usage", "--no-pdf-header-footer",
               f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={dst}",
               "file://" + src]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise TimeoutError(f"chromium took longer than {timeout:g} s") from None
        if not os.path.exists(dst) or os.path.getsize(dst) == 0:
            raise RuntimeError(f"chromium wrote no PDF (exit status {proc.returncode})")
        with open(dst, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
