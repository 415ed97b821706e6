"""The one offline check: which addresses in a page or an SVG would reach the network.

Static reports, the batch's pages and the charts' SVG must render on an intranet
without internet, so nothing in them may load from outside.

- ``external_references(html)``: every URL a browser would *fetch* (``src``,
  ``href`` of stylesheets and images, ``srcset``, CSS ``url()`` and ``@import``);
  ``<a href>`` links to sources are citations and allowed unless ``allow_links``
  is False.
- ``external_urls(text)``: every http(s) or protocol-relative URL anywhere in the
  text, for content that should hold none at all (a chart's SVG).
"""

from __future__ import annotations

import re

__all__ = ["external_references", "external_urls"]

_URL_RE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*""")
#: identifiers that are names, never fetched: SVG/XLink namespaces and the
#: Vega-Lite schema id in "$schema"
_NAMESPACE_URLS = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                   "http://www.w3.org/XML/1998/namespace")


def external_urls(text: str, *, allow_namespaces: bool = False) -> list[str]:
    """Every http(s) or protocol-relative URL in ``text`` (for offline checks).

    ``allow_namespaces`` ignores the SVG/XLink namespace identifiers, which
    browsers never fetch.
    """
    found = _URL_RE.findall(text)
    if allow_namespaces:
        found = [u for u in found if not any(u.startswith(ns) for ns in _NAMESPACE_URLS)]
    return found


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
