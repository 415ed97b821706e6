"""Charts drawn by the page (``workbook batch --charts script``): the report folder's one copy of
Vega and the few lines of script that draw a report's charts with it.

In this mode a report's charts are compiled Vega specs in JSON script elements
(``workbook.display.static_html``). The batch writes ``assets/wb-charts.js`` once into the
output folder (vl-convert's bundle of Vega, Vega-Lite and Vega-Embed: no network, the same
library versions vl-convert draws SVG with), and every report loads it by a relative path
(``../../assets/wb-charts.js`` from ``gemeinden/08/``). The page script draws each chart as SVG
in place of its German placeholder text, or says in German why it cannot: the file is missing
(a report copied without its folder), or Vega refused the chart.

For ``--pdf`` the bundle is put into the page itself before chromium prints it
(``inline_bundle``): the printed page needs no folder.
"""

from __future__ import annotations

import functools
import json
import threading

from ..chart_modes import DEFAULT_MODE, STATIC_CHART_MODES
from ..errors import BatchError
from ..fsutil import atomic_write
from .naming import inside
from .outputs import write_options

ASSET_PARTS = ("assets", "wb-charts.js")
ASSET_REL = "/".join(ASSET_PARTS)

_lock = threading.Lock()


def check_mode(mode) -> str:
    """The chart mode of a batch option; a clear message for anything else."""
    if mode is None:
        return DEFAULT_MODE
    if mode not in STATIC_CHART_MODES:
        raise BatchError(f"--charts {mode!r}: expected / erwartet {' or '.join(STATIC_CHART_MODES)} "
                         "(svg: charts inside each report; script: drawn by the browser from the folder's "
                         f"{ASSET_REL})", key="--charts")
    return mode


@functools.lru_cache(maxsize=1)
def _header() -> str:
    """The bundle's first lines: what it is and the versions it was built from (cheap to know, so a
    folder whose file starts with them keeps it without building the bundle again)."""
    from importlib import metadata

    from ..fonts import converter

    vlc = converter()
    versions = (f"vega {vlc.get_vega_version()}, vega-embed {vlc.get_vega_embed_version()}, "
                f"vl-convert-python {metadata.version('vl-convert-python')}")
    return ("/* Drehbuch Digitale Kommune: the charts of the reports in this folder are drawn with this file.\n"
            " * Vega, Vega-Lite and Vega-Embed (BSD-3-Clause, the Vega project, University of Washington\n"
            f" * Interactive Data Lab), bundled by vl-convert ({versions}). */\n")


@functools.lru_cache(maxsize=1)
def bundle() -> str:
    """The JavaScript the pages load: vl-convert's bundle behind ``_header`` (3 s to build, once
    per process). It holds no ``</script``, so it can also stand inside a page (``inline_bundle``)."""
    from ..fonts import converter

    with _lock:
        code = converter().javascript_bundle()
    if "</script" in code.lower():
        raise RuntimeError("the Vega bundle contains '</script' and cannot be inlined")
    return _header() + code


def write_asset(root) -> bool:
    """Write ``assets/wb-charts.js`` into the output folder ``root`` (atomically). A file that
    already starts with this bundle's header (the same versions; the bundle is built from them
    alone) is left alone, and the bundle is not built: a ``--resume`` starts 3 s sooner.
    Returns True when it was written."""
    path = inside(root, *ASSET_PARTS)
    head = _header().encode("utf-8")
    try:
        with open(path, "rb") as fh:
            if fh.read(len(head)) == head:
                return False
    except OSError:          # not there yet (or unreadable: written anew)
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, bundle().encode("utf-8"), **write_options(path))
    return True


def asset_prefix(where) -> str:
    """The relative way from a report's folder (``where``: its parts below the output folder) back
    to the output folder."""
    return "../" * len(tuple(where))


@functools.lru_cache(maxsize=1)
def _draw_js() -> str:
    from ..texts import charts as T

    missing = json.dumps(T.CHART_SCRIPT_MISSING, ensure_ascii=False)
    failed = json.dumps(T.CHART_SCRIPT_FAILED, ensure_ascii=False)
    # ES5, no template literals: any browser a council intranet has; one chart failing leaves the others
    return (
        "(function(){"
        f"var missing={missing},failed={failed};"
        "var specs=document.querySelectorAll('script.wb-vega-spec');"
        "function say(box,text){box.textContent=text;box.className='wb-vega wb-vega-missing';}"
        "for(var i=0;i<specs.length;i++){"
        "var el=specs[i],box=el.previousElementSibling;"
        "if(!box||box.className!=='wb-vega')continue;"
        "if(typeof window.vegaEmbed!=='function'){say(box,missing);continue;}"
        "try{(function(box,spec){box.textContent='';"
        "window.vegaEmbed(box,spec,{mode:'vega',renderer:'svg',actions:false})"
        ".then(function(){box.setAttribute('data-drawn','1');})"
        ".catch(function(e){say(box,failed.replace('{error}',String(e&&e.message||e)));});"
        "})(box,JSON.parse(el.textContent));}"
        "catch(e){say(box,failed.replace('{error}',String(e&&e.message||e)));}"
        "}})();"
    )


def _loader_tag(where) -> str:
    return f'<script src="{asset_prefix(where)}{ASSET_REL}"></script>'


def page_script(where) -> str:
    """The end of a report page in script mode: load the folder's Vega, then draw the charts."""
    return f"{_loader_tag(where)}\n<script>{_draw_js()}</script>"


def inline_bundle(html: bytes, where) -> bytes:
    """The page with the folder's Vega inside it (for printing a page on its own)."""
    tag = _loader_tag(where).encode()
    if tag not in html:
        return html
    return html.replace(tag, b"<script>" + bundle().encode("utf-8") + b"</script>", 1)
