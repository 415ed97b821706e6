"""In-process HTML export with the lean ``bericht`` template.

nbconvert's ``lab`` template embeds about 263 KB of CSS and loads require.js,
MathJax and the widget manager from a CDN; the ``bericht`` template
(``workbook/templates/bericht``) has no script and no external reference, one
small inlined stylesheet with a print and a phone layout, and hides code.
"""

from __future__ import annotations

import re

from ..paths import TEMPLATES_DIR

TEMPLATE_NAME = "bericht"

#: cells with one of these tags are left out of the batch report (e.g. help text
#: that only makes sense in JupyterLab or Voila: "move the sliders ...")
REMOVE_TAGS = ("remove-in-report", "remove_cell")


def make_exporter():
    from nbconvert import HTMLExporter

    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
        embed_images=False,
        skip_svg_encoding=True,  # SVG stays inline markup, not a base64 <img> (smaller, selectable text)
        language_code="de",
        # no CDN URLs even in resources nobody should use
        require_js_url="", jquery_url="", mathjax_url="", mermaid_js_url="",
        jupyter_widgets_base_url="", widget_renderer_url="",
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(REMOVE_TAGS)), enabled=True)
    return exporter


# Attributes and CSS that make a browser fetch something.
_ATTR = re.compile(
    r"""<(?P<tag>[a-zA-Z][\w:-]*)\b[^>]*?\s(?P<attr>src|href|xlink:href|data|action|srcset|poster|background|formaction)\s*=\s*(?P<q>["']?)(?P<url>[^"'\s>]*)""",
    re.IGNORECASE)
_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)(?P<url>[^"')\s]+)""", re.IGNORECASE)
_EXTERNAL = re.compile(r"^\s*(?:https?:|ftp:|//)", re.IGNORECASE)


def external_references(html: str, *, allow_links: bool = True) -> list[str]:
    """Every URL in ``html`` that a browser would fetch from the network.

    ``<a href>`` links to sources are citations the reader may follow, not
    something the page loads; they are allowed unless ``allow_links`` is False.
    SVG namespace declarations (``xmlns="http://www.w3.org/2000/svg"``) are
    names, not references, and are not reported.
    """
    found = []
    for m in _ATTR.finditer(html):
        if allow_links and m.group("tag").lower() == "a":
            continue
        if _EXTERNAL.match(m.group("url")):
            found.append(f"<{m.group('tag')} {m.group('attr')}={m.group('url')}>")
    for m in _CSS.finditer(html):
        if _EXTERNAL.match(m.group("url")):
            found.append(f"css {m.group('url')}")
    return found
