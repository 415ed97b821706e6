"""Showing charts without the internet: offline JupyterChart or inline SVG.

Altair's default renderer loads Vega from a CDN (blank on a council intranet)
and its ``mimetype`` output is rejected by nbformat under Papermill; neither
is used here.

- ``show(chart, interactive=True)``: an ``alt.JupyterChart`` widget in offline
  mode (anywidget; the Vega bundle comes from vl-convert, no CDN import).
- ``show(chart, interactive=False)``: an ``IPython.display.HTML`` object with
  the chart as inline SVG rendered by vl-convert: no script, no external URL,
  element ids prefixed per chart so several charts can share one page, and the
  same chart always gives the same bytes.
- static charts for a batch of many pages (``WORKBOOK_STATIC_CHARTS=script``, set by
  ``workbook batch --charts script`` in its kernels): the same figure, but the chart's
  compiled Vega spec in a JSON script element instead of the SVG; the page's one local copy
  of Vega (``workbook.batch.chart_assets``) draws it in the reader's browser.
- ``LiveChart(factory)``: a chart handle that widgets redraw in place with
  ``.update(data)``. When only the data change, only the changed datasets are
  sent to the open view (no re-embed, no flicker); otherwise the spec is
  replaced inside the same widget.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import altair as alt

from .chart_modes import DEFAULT_MODE, STATIC_CHART_MODES, STATIC_CHARTS_ENV
from .charts import _template
from .charts import theme as _theme
from .errors import WorkbookError
from .offline import external_urls

__all__ = [
    "show", "display_chart", "chart_spec", "to_svg", "svg_html", "static_html", "interactive_widget",
    "LiveChart", "external_urls", "enable_offline", "static_chart_mode", "vega_spec_json",
    "STATIC_CHARTS_ENV", "STATIC_CHART_MODES",
]

_SVG_CACHE_SIZE = 64
_svg_cache: OrderedDict[str, str] = OrderedDict()
_svg_lock = threading.Lock()


# ---------------------------------------------------------------------------
# specs
# ---------------------------------------------------------------------------

def chart_spec(chart, *, validate: bool = False) -> dict:
    """The Vega-Lite spec of ``chart`` (a chart object or a spec dict) with the
    workbook theme active (warm kernels may have switched it off).

    Schema validation is off by default (it costs about a third of
    ``to_dict``; the builders' specs are validated in the tests, and
    vl-convert still refuses a broken spec with a clear error).
    """
    _theme.ensure_theme()
    if isinstance(chart, dict):
        spec = copy.deepcopy(chart)
        cfg = spec.setdefault("config", {})
        cfg.setdefault("locale", _theme.locale())
        return spec
    if not hasattr(chart, "to_dict"):
        raise WorkbookError(f"kein Diagramm: {type(chart).__name__} (erwartet ein Altair-Diagramm)")
    if not validate:
        spec = _template.cached_spec(chart)   # a builder's chart: structure built once, rows swapped
        if spec is not None:
            return spec
    return chart.to_dict(validate=validate)


def _spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)




# ---------------------------------------------------------------------------
# static: inline SVG
# ---------------------------------------------------------------------------

_VEGA_CACHE_SIZE = 32
_vega_cache: OrderedDict[str, dict | None] = OrderedDict()


def _rows_apart(spec: dict) -> tuple[str, dict[str, list]] | None:
    """(JSON of the spec with every dataset emptied, the datasets), or None when a
    dataset is not a list of records (those charts are compiled whole)."""
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict) or not datasets:
        return None
    for rows in datasets.values():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return None
    return _spec_json({**spec, "datasets": {name: [] for name in datasets}}), datasets


def _compiled(skeleton_json: str, names) -> dict | None:
    """The Vega spec of a data-less Vega-Lite spec, compiled once per process (LRU).

    None unless every empty inline data source of the compiled spec is one of
    the datasets, each at most once (else rows could not be put back; such a
    chart is compiled whole, with its rows).
    """
    from .fonts import converter

    vlc = converter()
    with _svg_lock:
        if skeleton_json in _vega_cache:
            _vega_cache.move_to_end(skeleton_json)
            return _vega_cache[skeleton_json]
    vg = vlc.vegalite_to_vega(json.loads(skeleton_json))
    if isinstance(vg, str):
        vg = json.loads(vg)
    inline = [e for e in vg.get("data", []) if isinstance(e, dict) and "values" in e]
    swapped = [e.get("name") for e in inline if e.get("name") in names]
    ok = (len(swapped) == len(set(swapped))
          and all(e.get("values") == [] for e in inline if e.get("name") in names)
          and all(e.get("name") in names for e in inline if e.get("values") == []))
    out = vg if ok else None
    with _svg_lock:
        _vega_cache[skeleton_json] = out
        while len(_vega_cache) > _VEGA_CACHE_SIZE:
            _vega_cache.popitem(last=False)
    return out


def _vega_of(spec_json: str) -> dict:
    """The Vega spec of a Vega-Lite spec (its JSON, keys sorted), with its rows: the compiled
    skeleton (``_compiled``, once per process) with each dataset's rows put back, or the spec
    compiled whole when its rows cannot be put back."""
    from .fonts import converter

    spec = json.loads(spec_json)
    apart = _rows_apart(spec)
    vg = _compiled(apart[0], apart[1]) if apart is not None else None
    if vg is None:
        whole = converter().vegalite_to_vega(spec)
        return json.loads(whole) if isinstance(whole, str) else whole
    rows = apart[1]
    data = [{**e, "values": rows[e["name"]]} if "values" in e and e.get("name") in rows else e
            for e in vg["data"]]
    return {**vg, "data": data}


def static_chart_mode() -> str:
    """``svg`` or ``script``: how this process draws static charts (``WORKBOOK_STATIC_CHARTS``)."""
    mode = os.environ.get(STATIC_CHARTS_ENV) or DEFAULT_MODE
    if mode not in STATIC_CHART_MODES:
        raise WorkbookError(f"{STATIC_CHARTS_ENV}={mode!r}: erwartet / expected "
                            f"{' oder '.join(STATIC_CHART_MODES)}", key=STATIC_CHARTS_ENV)
    return mode


def vega_spec_json(spec: dict) -> str:
    """The compiled Vega spec of a finished Vega-Lite spec as JSON text that can stand inside
    ``<script type="application/json">``: keys sorted (same chart, same bytes), no ``$schema``
    URL, and ``<``, ``>``, ``&`` written as JSON escapes, so no text of a chart (a Kreis name
    from a user's file) can close the element or open a comment."""
    try:
        vg = _vega_of(_spec_json(spec))
    except Exception as exc:  # noqa: BLE001 - vl-convert raises plain ValueError/Exception
        raise WorkbookError(f"Diagramm konnte nicht übersetzt werden: {str(exc).splitlines()[0]}") from None
    vg = {k: v for k, v in vg.items() if k != "$schema"}
    text = json.dumps(vg, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _convert_svg(spec_json: str) -> str:
    """SVG of a Vega-Lite spec (its JSON, keys sorted), no data from URLs.

    Vega-Lite's compiler does not look at the rows of a dataset, and a builder's
    charts differ from Kreis to Kreis in their rows only: the spec without its
    rows is compiled to Vega once (``_compiled``) and each chart's rows are put
    into that Vega spec (the compile was about a fifth of a conversion; the SVG is the same).
    """
    from .fonts import converter

    vlc = converter()
    try:
        return vlc.vega_to_svg(_vega_of(spec_json), allowed_base_urls=[])
    except Exception as exc:  # noqa: BLE001 - vl-convert raises plain ValueError/Exception
        raise WorkbookError(f"Diagramm konnte nicht gezeichnet werden: {str(exc).splitlines()[0]}") from None


def to_svg(chart) -> str:
    """The chart as a standalone SVG document (vl-convert, no data from URLs).

    Results are cached by spec, so a re-run cell costs nothing.
    """
    return _svg_of_spec(chart_spec(chart))


def _svg_of_spec(spec: dict) -> str:
    """SVG of a finished spec (read only, not copied), cached by its JSON."""
    spec_json = _spec_json(spec)
    key = hashlib.sha256(spec_json.encode("utf-8")).hexdigest()
    with _svg_lock:
        if key in _svg_cache:
            _svg_cache.move_to_end(key)
            return _svg_cache[key]
    svg = _convert_svg(spec_json)
    with _svg_lock:
        _svg_cache[key] = svg
        while len(_svg_cache) > _SVG_CACHE_SIZE:
            _svg_cache.popitem(last=False)
    return svg


_ID_RE = re.compile(r'\bid="([^"]+)"')


def svg_html(svg: str) -> str:
    """Make a standalone SVG safe to inline in HTML.

    Drops the XML prolog and the namespace declarations (HTML parsers need
    neither), and prefixes every element id (clip paths, gradients) with a
    hash of the SVG, so two charts on one page never share an id.
    """
    out = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    out = out.replace(' xmlns="http://www.w3.org/2000/svg"', "")
    out = out.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    # both scans only where a match can be (a chart without clip paths has no id; every URL
    # has a '//'): the regexes cost about 1.5 ms per chart, the substring tests nothing
    ids = _ID_RE.findall(out) if 'id="' in out else []
    if ids:
        prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8] + "-"
        for ident in sorted(set(ids), key=len, reverse=True):
            esc = re.escape(ident)
            out = re.sub(rf'\bid="{esc}"', f'id="{prefix}{ident}"', out)
            out = re.sub(rf"url\(#{esc}\)", f"url(#{prefix}{ident})", out)
            out = re.sub(rf'href="#{esc}"', f'href="#{prefix}{ident}"', out)
    leftover = external_urls(out) if "//" in out else []
    if leftover:  # a chart must never point outside the page
        raise WorkbookError(f"Diagramm enthält eine externe Adresse ({leftover[0]}); statische Ausgabe verweigert")
    return out


def _chart_title(spec: dict) -> str:
    t = spec.get("title")
    if t is None:
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for sub in spec.get(key, []) or []:
                if isinstance(sub, dict) and sub.get("title") is not None:
                    t = sub["title"]
                    break
            if t is not None:
                break
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(map(str, t))
    return str(t) if t else "Diagramm"


#: the row keys of the footnote view that ``charts.source_note`` appends under a chart
NOTE_KEYS = frozenset(("zeile", "text", "art"))
#: optional keys of those rows: a wrapped line's continuation, the seed and draws of a model note
NOTE_OPTIONAL_KEYS = frozenset(("fortsetzung", "startwert", "ziehungen"))


def _title_lines(title) -> tuple[str, list[str]] | None:
    if isinstance(title, str):
        return title, []
    if isinstance(title, list):
        return " ".join(map(str, title)), []
    if isinstance(title, dict) and set(title) <= {"text", "subtitle"}:
        text = title.get("text", "")
        text = " ".join(map(str, text)) if isinstance(text, list) else str(text)
        sub = title.get("subtitle") or []
        return text, [str(x) for x in (sub if isinstance(sub, list) else [sub])]
    return None   # a styled title stays in the chart


def _static_parts(spec: dict) -> tuple[dict, tuple[str, list[str]] | None, list[tuple[str, bool]]]:
    """Split a spec for a static page: (spec to draw, (title, subtitle lines), footnote lines).

    Title, subtitle and the footnote of ``source_note`` are text that is the
    same for every Kreis; as HTML around the SVG they cost nothing, while
    vl-convert measures every SVG text with the font (a few ms each). A spec
    with top-level selection parameters is drawn whole.
    """
    plot, notes = spec, []
    parts = spec.get("vconcat")
    if (isinstance(parts, list) and len(parts) == 2 and isinstance(parts[1], dict) and "layer" in parts[1]
            and "params" not in spec and isinstance(parts[0], dict)):
        data = parts[1].get("data") or {}
        rows = data.get("values") if "values" in data else (spec.get("datasets") or {}).get(data.get("name"))
        if isinstance(rows, list) and rows and all(isinstance(r, dict) and NOTE_KEYS <= set(r) <= NOTE_KEYS
                                                   | NOTE_OPTIONAL_KEYS for r in rows):
            for r in rows:      # a line the chart wrapped is one line again in HTML (the page wraps it)
                if r.get("fortsetzung") and notes:
                    notes[-1] = (notes[-1][0] + " " + str(r["text"]), notes[-1][1])
                else:
                    notes.append((str(r["text"]), r.get("art") == "schaetzung"))
            plot = {k: v for k, v in spec.items() if k not in ("vconcat", "spacing", "resolve")}
            plot.update(parts[0])
    head = _title_lines(plot.get("title")) if "title" in plot else None
    if head is not None:
        plot = {k: v for k, v in plot.items() if k != "title"}
    return plot, head, notes


def static_html(chart) -> str:
    """A ``<figure>`` with the chart as inline SVG: no script, no external URL.

    With ``WORKBOOK_STATIC_CHARTS=script`` (``static_chart_mode``) the figure holds the
    chart's compiled Vega spec instead (``vega_spec_json``) and a short German text in its
    place; the batch's page script draws it from the report folder's local copy of Vega.

    The chart's title, subtitle and footnote are written as HTML around the
    SVG (same words, same place; see :func:`_static_parts`).
    """
    spec = chart_spec(chart)
    plot, head, notes = _static_parts(spec)
    if static_chart_mode() == "script":
        from .texts.charts import CHART_SCRIPT_PENDING

        drawing = (f'<div class="wb-vega">{html.escape(CHART_SCRIPT_PENDING, quote=False)}</div>'
                   f'<script type="application/json" class="wb-vega-spec">{vega_spec_json(plot)}</script>')
    else:
        drawing = svg_html(_svg_of_spec(plot))
    label = html.escape(_chart_title(spec), quote=True)
    parts = [f'<figure class="wb-chart" role="group" aria-label="{label}" style="margin:0">']
    if head is not None and head[0]:
        parts.append(f'<div class="wb-chart-title" style="font-weight:bold;font-size:1.1em;margin:0.3em 0 0 8px">'
                     f'{html.escape(head[0], quote=False)}</div>')
        for line in head[1]:
            parts.append(f'<div class="wb-chart-subtitle" style="color:#595959;font-size:0.9em;margin-left:8px">'
                         f'{html.escape(line, quote=False)}</div>')
    parts.append(drawing)
    for text, estimate in notes:
        style = "color:#595959;font-size:0.8em;margin-left:8px" + (";font-style:italic" if estimate else "")
        parts.append(f'<div class="wb-chart-note" style="{style}">{html.escape(text, quote=False)}</div>')
    parts.append("</figure>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# interactive: offline JupyterChart
# ---------------------------------------------------------------------------

_offline_lock = threading.Lock()


def enable_offline() -> None:
    """Switch ``alt.JupyterChart`` to its offline bundle (vl-convert), once per process."""
    with _offline_lock:
        if not getattr(alt.JupyterChart, "_is_offline", False):
            alt.JupyterChart.enable_offline()
        esm = getattr(alt.JupyterChart, "_esm", "") or ""
        if _CDN_IMPORT_RE.search(esm):
            raise WorkbookError("JupyterChart lädt weiterhin Skripte aus dem Internet; Offline-Modus fehlgeschlagen")


#: what a CDN load looks like in an ES module: an import of an absolute URL
_CDN_IMPORT_RE = re.compile(r"""(?:import\s*\(?\s*|from\s*)["'](?:https?:)?//""")


def interactive_widget(chart) -> alt.JupyterChart:
    """An offline ``alt.JupyterChart`` for the chart."""
    enable_offline()
    _theme.ensure_theme()
    return alt.JupyterChart(chart)


def show(chart, interactive: bool = True):
    """The display object for ``chart``: an offline JupyterChart widget
    (``interactive=True``) or an inline-SVG HTML object (``interactive=False``).

    Return it as the last expression of a cell, or put the widget in a layout.
    """
    if not isinstance(interactive, bool):
        raise WorkbookError(f"interactive muss True oder False sein, nicht {interactive!r}", key="interactive")
    if interactive:
        return interactive_widget(chart)
    from IPython.display import HTML

    return HTML(static_html(chart))


def display_chart(chart, interactive: bool = True):
    """Display the chart now (see ``show``) and return the display handle."""
    from IPython.display import display

    return display(show(chart, interactive), display_id=True)


# ---------------------------------------------------------------------------
# in-place updates
# ---------------------------------------------------------------------------

def _dataset_names_in_order(spec: dict) -> list[str]:
    return list((spec.get("datasets") or {}).keys())


def _replace_names(node, mapping: dict[str, str]):
    if isinstance(node, dict):
        return {k: _replace_names(v, mapping) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_names(v, mapping) for v in node]
    if isinstance(node, str) and node in mapping:
        return mapping[node]
    return node


def _skeleton(spec: dict) -> tuple[str, list[str]]:
    """(spec without data, dataset names by position): equal skeletons mean
    only the data differ."""
    names = _dataset_names_in_order(spec)
    mapping = {n: f"__data_{i}__" for i, n in enumerate(names)}
    body = {k: v for k, v in spec.items() if k != "datasets"}
    text = _spec_json(_replace_names(body, mapping))
    # Altair names views with a per-process counter/hash: not a difference
    views = list(dict.fromkeys(_VIEW_RE.findall(text)))
    for i, v in enumerate(views):
        text = re.sub(rf'"{re.escape(v)}"', f'"__view_{i}__"', text)
    return text, names


_VIEW_RE = re.compile(r'"(view_[0-9a-f]+_\d+|view_\d+)"')


@functools.lru_cache(maxsize=128)
def _vega_root_data(skeleton_json: str, names: tuple[str, ...]) -> frozenset[str]:
    """Names of the root-level Vega datasets the skeleton compiles to."""
    from .fonts import converter

    vlc = converter()
    spec = json.loads(skeleton_json)
    spec = _replace_names(spec, {f"__data_{i}__": n for i, n in enumerate(names)})
    spec = json.loads(re.sub(r'"__view_(\d+)__"', r'"view_\1"', json.dumps(spec)))
    spec["datasets"] = {n: [] for n in names}
    vg = vlc.vegalite_to_vega(spec)
    if isinstance(vg, str):
        vg = json.loads(vg)
    return frozenset(d.get("name") for d in vg.get("data", []))


class LiveChart:
    """A chart that widgets redraw in place.

    ``factory(*args, **kwargs) -> chart`` builds the chart (usually a builder
    from ``workbook.charts`` with its options bound). ``update(...)`` calls it
    again and brings the visible chart up to date:

    - interactive: if only the data changed, the changed datasets are pushed
      into the open Vega view (``"data"``); otherwise the widget gets the new
      spec (``"spec"``); ``"none"`` if nothing changed;
    - static (Papermill, ``interactive=False``): the inline SVG output is
      replaced through its display handle (``"static"``).
    """

    def __init__(self, factory: Callable[..., Any], *args, interactive: bool = True,
                 data_updates: bool = False, **kwargs):
        if not callable(factory):
            raise WorkbookError("LiveChart braucht eine Funktion, die ein Diagramm baut", key="factory")
        if not isinstance(interactive, bool):
            raise WorkbookError(f"interactive muss True oder False sein, nicht {interactive!r}", key="interactive")
        self._factory = factory
        self.interactive = interactive
        # Data-only pushes (``"data"``) reach a plain vega-embed view, but in Voila dashboards the
        # drawn chart stayed unchanged after a change of Kreis (tests/test_dashboard_browser.py),
        # so the apps send the full spec; data-only updates stay available on request.
        self.data_updates = bool(data_updates)
        self._widget: alt.JupyterChart | None = None
        self._handle = None
        self._shown_names: list[str] = []
        self._skel: str | None = None
        self._shown_key: tuple | None = None
        self._datasets: dict[str, Any] = {}
        self._stale = False
        self.chart = factory(*args, **kwargs)
        self.spec = chart_spec(self.chart)
        self.updates = 0

    # -- display --------------------------------------------------------
    @property
    def widget(self) -> alt.JupyterChart:
        """The JupyterChart behind an interactive LiveChart (created on first use)."""
        if not self.interactive:
            raise WorkbookError("statisches Diagramm (interactive=False) hat kein Widget", key="interactive")
        if self._widget is None:
            self._widget = interactive_widget(self.chart)
            self._remember_shown(self.spec, self.chart)
            self._stale = False
        return self._widget

    def refresh(self) -> None:
        """Give the widget the full current spec (after data-only updates its
        own copy is behind; a newly opened view would show the old data)."""
        if self._widget is not None and self._stale:
            self._widget.chart = self.chart
            self._remember_shown(self.spec, self.chart)
            self._stale = False

    def _remember_shown(self, spec: dict, chart: Any = None) -> None:
        self._skel, self._shown_names = _skeleton(spec)
        self._shown_key = _template.structure_key(chart)
        self._datasets = dict(spec.get("datasets") or {})

    def static(self):
        from IPython.display import HTML

        return HTML(static_html(self.spec))

    def _ipython_display_(self):
        from IPython.display import display

        if self.interactive:
            self.refresh()
            display(self.widget)
        else:
            self._handle = display(self.static(), display_id=True)

    # -- update ---------------------------------------------------------
    def update(self, *args, **kwargs) -> str:
        """Rebuild with the factory and update the view; returns how ("data",
        "spec", "static", "none"). A factory error leaves the chart unchanged."""
        chart = self._factory(*args, **kwargs)
        spec = chart_spec(chart)
        self.updates += 1
        if not self.interactive:
            self.chart, self.spec = chart, spec
            if self._handle is not None:
                self._handle.update(self.static())
            return "static"
        if self._widget is None:  # not shown yet: just keep the newest chart
            self.chart, self.spec = chart, spec
            return "spec"
        if not self.data_updates:
            if spec == self.spec:
                return "none"
            key = _template.structure_key(chart)
            self.chart, self.spec = chart, spec
            if key is not None and key == self._shown_key:
                # same template, other rows: the same params and selections, so the widget
                # only needs the new spec. Setting ``chart`` would make JupyterChart redo
                # ``to_dict()`` with schema validation (about half of a slider move's time).
                self._widget.spec = spec
            else:
                self._widget.chart = chart
            self._remember_shown(spec, chart)
            self._stale = False
            return "spec"
        key = _template.structure_key(chart)
        if key is not None and key == self._shown_key:   # same template: only the rows differ
            skel, names = self._skel, list(self._shown_names)
            if set(_dataset_names_in_order(spec)) != set(names):
                skel, names = _skeleton(spec)
        else:
            skel, names = _skeleton(spec)
        new_sets = spec.get("datasets") or {}
        if skel == self._skel and len(names) == len(self._shown_names):
            changes = []
            for old_name, new_name in zip(self._shown_names, names):
                old_val, new_val = self._datasets.get(old_name), new_sets[new_name]
                if old_val != new_val:
                    if not isinstance(new_val, list):  # string/object datasets: no row updates
                        changes = None
                        break
                    changes.append((old_name, new_val))
            if changes is not None and changes and not self._names_addressable(skel):
                changes = None
            if changes is not None:
                self.chart, self.spec = chart, spec
                if not changes:
                    return "none"
                self._widget._py_to_js_updates = [
                    {"namespace": "data", "name": name, "scope": [], "value": value} for name, value in changes]
                for name, value in changes:
                    self._datasets[name] = value
                # the widget's own spec still holds the old data: refresh it the
                # next time the chart is displayed again
                self._stale = True
                return "data"
        self.chart, self.spec = chart, spec
        self._widget.chart = chart
        self._remember_shown(spec, chart)
        self._stale = False
        return "spec"

    def _names_addressable(self, skel: str) -> bool:
        try:
            root = _vega_root_data(skel, tuple(self._shown_names))
        except Exception:  # noqa: BLE001 - unknown compile result: fall back to a full redraw
            return False
        return all(n in root for n in self._shown_names)
