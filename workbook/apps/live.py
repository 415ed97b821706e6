"""The live view of an app (JupyterLab and Voila): ``LiveView(app)``.

Layout: title, Kreis picker (+ scenario focus), the blocks (chart, table,
notes) beside the parameter panel, an export row and a status line. A change
of Kreis, focus scenario or any lever recomputes the app's result table and
updates every chart in place (the chart widgets stay; only their spec
changes), so the page does not flicker or jump. Under Voila the view reads
``?ags=`` (:meth:`LiveView.apply_query`) after it is shown. The view owns only
widgets; state, computation and the files of the downloads belong to the app.
"""

from __future__ import annotations

import base64
import html
import logging
import time
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_string import HTMLStyle

from ..display import LiveChart
from ..errors import WorkbookError
from ..nbparams import check_ags, query_parameters, running_under_voila
from ..texts import apps as T
from ..texts import fmt_int
from ..widgets import ParameterPanel, PlacePicker, ScenarioPicker
from .base import Block, TopicApp, resolve_chart
from .static import notes_html, table_html

#: the app's own CSS, shipped with the widgets so JupyterLab and Voila look alike: text in
#: widgets (lever labels, hints, notes) gets normal line spacing instead of the control
#: height that ipywidgets uses as line height, which spreads wrapped text far apart
#: Nothing is cut off: tab titles take the width they need and wrap onto a second row of
#: tabs; the lever rows shrink their slider, not the reset button (whose symbol the
#: dashboard's 16 px button padding used to push out); dropdowns get the page width they
#: need, up to the column; tables scroll sideways inside their block on a phone.
APP_CSS = """<style>
.wb-app .widget-html-content { line-height: 1.45; }
.wb-app .wb-lever-row { align-items: center; flex-wrap: nowrap; max-width: 100%; }
.wb-app .wb-lever-row .wb-param { flex: 1 1 auto; min-width: 110px; }
.wb-app .wb-reset.jupyter-button, .wb-app .wb-reset { flex: 0 0 44px; width: 44px; min-width: 44px;
  padding: 0 !important; overflow: visible; text-overflow: clip; }
.wb-app .wb-blocks > .lm-TabBar { min-height: fit-content; overflow: visible; }
.wb-app .wb-blocks > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.wb-app .wb-blocks > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto !important; width: auto !important;
  max-width: none !important; min-width: 0; }
.wb-app .wb-blocks > .lm-TabBar .lm-TabBar-tabLabel { overflow: visible; text-overflow: clip; white-space: nowrap; }
.wb-app .wb-picker select, .wb-app .wb-picker input { text-overflow: clip; }
/* the place picker's hits: whole labels, left-aligned, wrapped on a phone (never cut off) */
.wb-app .wb-place-hits { margin-left: var(--jp-widgets-inline-label-width, 80px); max-width: 100%; }
.wb-app .wb-place-hit.jupyter-button { white-space: normal; text-align: left; height: auto; min-height: 32px;
  line-height: 1.3; padding: 4px 10px; overflow: visible; text-overflow: clip; }
@media (max-width: 900px) { .wb-app .wb-place-hits { margin-left: 0; } }
.wb-app .wb-table-wrap { overflow-x: auto; max-width: 100%; }
.wb-app table.wb-table { border-collapse: collapse; }
.wb-app table.wb-table th, .wb-app table.wb-table td { padding: 3px 8px; vertical-align: top; }
.wb-app table.wb-table td.wb-num { font-variant-numeric: tabular-nums; }
.wb-app .wb-tech summary { cursor: pointer; color: #595959; }
/* charts fit their column (JupyterLab with the file browser open, a phone): scaled, not cut */
.wb-app .wb-blocks .vega-embed { max-width: 100%; }
.wb-app .wb-blocks .vega-embed svg, .wb-app .wb-blocks .vega-embed canvas { max-width: 100%; height: auto; }
/* Voila: the app (title, pickers, first chart) opens the page; the introduction follows it */
body.drehbuch #rendered_cells > div { display: flex; flex-direction: column; }
body.drehbuch #rendered_cells > div > :has(.wb-app) { order: -1; }
</style>"""


def _same(chart: Any) -> Any:
    return chart


def _live_chart(chart: Any):
    """A chart widget that later specs update in place (data-only changes go straight to the view)."""
    return LiveChart(_same, chart, interactive=True)


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An <a download> link carrying the file as a data URI (works offline and in Voila)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a download='{html.escape(filename)}' href='data:{mime};base64,{b64}' "
            f"style='margin-right:1em'>{html.escape(label)}</a>")


class BlockView:
    """The widgets of one block; :meth:`update` swaps contents without rebuilding.

    The chart is built and sent only while the block is visible (its tab is
    selected); a hidden block keeps the newest block and catches up when shown.
    """

    def __init__(self, block: Block, shared: dict[str, W.Widget], visible: bool = False):
        self.key = block.key
        self.has_chart = block.chart is not None
        self.visible = False
        self.chart = None                 # display.LiveChart, created when first shown
        self._shown = None
        self._block = block
        # the six text parts share one layout and one style model with the other blocks'
        # (``shared``: fewer widgets to load)
        def part(value: str = "") -> W.HTML:
            return W.HTML(value, layout=shared["layout"], style=shared["style"])

        self.title = part()
        self.placeholder = part(f"<p><small>{html.escape(T.COMPUTING)}</small></p>" if self.has_chart else "")
        self.extra = part()
        self.table = part()
        self.help = part()
        self.notes = part()
        self.box = W.VBox([self.title, self.placeholder, self.extra, self.table, self.help, self.notes],
                          layout=W.Layout(margin="0 0 18px 0"))
        self.box.add_class("wb-block")
        self.box.add_class(f"wb-block-{block.key}")
        self.update(block)
        if visible:
            self.show()

    def fits(self, block: Block) -> bool:
        return block.key == self.key and (block.chart is not None) == self.has_chart

    def show(self) -> None:
        self.visible = True
        self._sync_chart()

    def _sync_chart(self) -> None:
        block = self._block
        if not self.has_chart or block.chart is self._shown:
            return                                   # an unchanged chart is not built or sent again
        chart = resolve_chart(block.chart)
        if self.chart is None:
            self.chart = _live_chart(chart)
            children = list(self.box.children)
            children[1] = self.chart.widget
            self.box.children = children
        else:
            self.chart.update(chart)
        self._shown = block.chart

    def update(self, block: Block) -> None:
        self._block = block
        self.title.value = f"<h3 style='margin:4px 0'>{html.escape(block.title, quote=False)}</h3>"
        if self.visible:
            self._sync_chart()
        self.extra.value = block.html or ""
        self.table.value = (f"<div class='wb-table-wrap'>{table_html(block.table)}</div>"
                            if block.table is not None else "")
        self.help.value = (f"<details><summary><small>{html.escape(T.HOW_TO_READ)}</small></summary>"
                           f"<small>{html.escape(block.help, quote=False)}</small></details>"
                           if block.help else "")
        self.notes.value = notes_html(block.notes)


def query_reason(value: str, exc: WorkbookError) -> str:
    """Why ``?ags=value`` names no place, in German: the place rule's reason for a key
    (``data.places.place_key``: unknown, merged away, a Verband or Land key ...), else the check's."""
    from ..ags import ascii_digits
    from ..data.places import place_key

    detail = exc.detail
    if ascii_digits(value) is not None:
        try:
            place_key(value)
        except WorkbookError as rule:
            detail = rule.detail
    # the place rule's messages end with an English gloss after " / "
    return detail.split(" / ")[0].strip().rstrip(".")


def tab_title(block: Block, width: int = 32) -> str:
    text = block.tab or T.TABS.get(block.key) or block.title
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class LiveView:
    """Pickers + parameter panel + block widgets, wired to a :class:`TopicApp`."""

    def __init__(self, app: TopicApp):
        self.app = app
        self.kreis = PlacePicker(app.ags)
        self.focus = None
        controls: list[W.Widget] = [self.kreis]
        if app.scenario_picker:
            known = {**app.scenarios, **{sc.id: sc for sc in app.p.scenario_objects}}   # + a user's YAML
            scenarios = {sid: known[sid] for sid in app.scenario_ids if sid in known}
            self.focus = ScenarioPicker(scenarios, value=app.focus)
            controls.append(self.focus)
        self.dropdowns: dict[str, W.Dropdown] = {}
        for name, (label, options) in app.choices().items():
            dd = W.Dropdown(options=options, value=app.extra[name], description=label,
                            layout=W.Layout(width="auto"), style={"description_width": "initial"})
            dd.add_class("wb-picker")
            dd.add_class(f"wb-choice-{name}")
            dd.observe(lambda ch, n=name: self._on_choice(n, ch), names="value")
            self.dropdowns[name] = dd
            controls.append(dd)
        for control in controls:     # side by side on a wide screen, one below the other on a phone
            control.layout.flex = "1 1 420px"
            control.layout.max_width = "640px"
            control.layout.min_width = "0"
        params = app.parameters
        keys = app.panel_keys()
        self.panel = ParameterPanel(params, keys=keys) if keys else None
        self.error = W.HTML()
        self.status = W.HTML()
        self.changed = W.HTML()
        self.views: list[BlockView] = []
        # one tab per block: only the chart in view is built and updated on a change
        self.blocks_box = W.Tab(layout=W.Layout(flex="3 1 0%", min_width="min(480px, 100%)"))
        self.blocks_box.add_class("wb-blocks")
        self.blocks_box.observe(self._on_tab, names="selected_index")
        title = W.HTML(f"<h2>{html.escape(app.heading(), quote=False)}</h2>")
        self.title = title
        self.header = W.HTML()
        warnings = W.HTML("".join(f"<p style='color:#8a4b00'>{html.escape(n)}</p>" for n in app.p.notes))
        self.warnings = warnings
        self.export = self._export_box(settings=self.panel is not None)
        side = W.VBox([self.panel.widget] if self.panel else [],
                      layout=W.Layout(flex="1 1 0%", min_width="min(340px, 100%)" if self.panel else "0"))
        self.root = W.VBox([
            W.HTML(APP_CSS), title, warnings, W.HBox(controls, layout=W.Layout(flex_flow="row wrap")), self.header,
            self.error, W.HBox([self.blocks_box, side], layout=W.Layout(flex_flow="row wrap")),
            self.changed, self.export, self.status,
        ])
        self.root.add_class("wb-app")
        self.kreis.observe(self._on_kreis, names="ags")
        if self.focus is not None:
            self.focus.observe(self._on_focus, names="scenario")
        if self.panel is not None:
            self.panel.observe(self._on_panel)
        self.refresh()

    def warn(self, text: str) -> None:
        """Show a German note above the controls."""
        self.warnings.value += f"<p style='color:#8a4b00'>{html.escape(text, quote=False)}</p>"

    # -- events ---------------------------------------------------------------------
    def _on_kreis(self, change: Any) -> None:
        self.app.ags = change["new"]
        self.refresh()

    def _on_focus(self, change: Any) -> None:
        self.app.focus = change["new"]
        self.refresh()

    def _on_tab(self, change: Any) -> None:
        index = change["new"]
        if not isinstance(index, int) or not 0 <= index < len(self.views):
            return
        for i, view in enumerate(self.views):
            if i != index:
                view.visible = False
        self.views[index].show()

    def _on_panel(self, _values: dict[str, float]) -> None:
        self.refresh()

    def _on_choice(self, name: str, change: Any) -> None:
        try:
            self.app.set_choice(name, change["new"])
        except WorkbookError:
            self.dropdowns[name].value = change["old"]
            return
        self.refresh()

    # -- work -----------------------------------------------------------------------
    def refresh(self) -> None:
        t0 = time.perf_counter()
        previous = dict(self.app.overrides)
        try:
            self.app.set_overrides(self.panel.overrides() if self.panel is not None else {})
            results = self.app.results()
            blocks = self.app.build_blocks(results)
        except WorkbookError as exc:
            self.app.overrides = previous
            self.error.value = ("<p style='color:#b00020'>" + html.escape(
                T.ERROR_FRIENDLY.format(message=str(exc)), quote=False) + "</p>")
            return
        except Exception:  # a visitor sees a German note, the log gets the traceback
            logging.getLogger("workbook.apps").exception("refresh failed (%s, %s)", type(self.app).__name__,
                                                         self.app.ags)
            self.app.overrides = previous
            self.error.value = f"<p style='color:#b00020'>{html.escape(T.ERROR_UNEXPECTED)}</p>"
            return
        self.error.value = ""
        self.title.value = "<h2>" + html.escape(self.app.heading(), quote=False) + "</h2>"
        self.header.value = self.app.header_html()
        if len(blocks) == len(self.views) and all(v.fits(b) for v, b in zip(self.views, blocks)):
            for view, block in zip(self.views, blocks):
                view.update(block)
        else:
            shared = {"layout": W.Layout(), "style": HTMLStyle()}
            self.views = [BlockView(b, shared, visible=(i == 0)) for i, b in enumerate(blocks)]
            self.blocks_box.children = [v.box for v in self.views]
            self.blocks_box.titles = tuple(tab_title(b) for b in blocks)
            self.blocks_box.selected_index = 0
        self._blocks = blocks
        options = [(tab_title(b, 60), i) for i, b in enumerate(blocks) if b.chart is not None]
        if list(self.chart_choice.options) != options:
            current = self.chart_choice.value
            self.chart_choice.options = options
            if options and current not in [v for _, v in options]:
                self.chart_choice.value = options[0][1]
        if self.panel is not None:
            self.changed.value = f"<small>{html.escape(self.panel.changed_text(), quote=False)}</small>"
        ms = (time.perf_counter() - t0) * 1000
        self.last_refresh_ms = ms
        if self.app.needs_results:
            text = T.COMPUTED.format(draws=fmt_int(self.app.p.draws))
            details = T.COMPUTED_DETAILS.format(ms=round(ms), seed=self.app.p.seed, draws=self.app.p.draws)
        else:
            text = T.COMPUTED_BASE_GEMEINDE if self.app.is_gemeinde else T.COMPUTED_BASE
            details = T.COMPUTED_BASE_DETAILS.format(ms=round(ms))
        self.status.value = (f"<small style='color:#595959'>{html.escape(text)}</small>"
                             f"<details class='wb-tech'><summary><small>{html.escape(T.COMPUTED_DETAILS_TITLE)}"
                             f"</small></summary><small style='color:#595959'>{html.escape(details)}</small>"
                             "</details>")

    # -- exports ----------------------------------------------------------------------
    def _export_box(self, settings: bool = True) -> W.Widget:
        """Chart picker and download buttons; ``settings``: offer the levers as a scenario
        file (not on a page without levers)."""
        self.chart_choice = W.Dropdown(options=[], description=T.EXPORT_CHART, layout=W.Layout(width="420px"))
        buttons = []
        layout, style = W.Layout(width="auto"), W.ButtonStyle()      # shared by the six buttons
        kinds = [(T.EXPORT_PNG, "png"), (T.EXPORT_SVG, "svg"), (T.EXPORT_PDF, "pdf"), (T.EXPORT_CSV, "csv"),
                 (T.EXPORT_XLSX, "xlsx")] + ([(T.EXPORT_YAML, "yaml")] if settings else [])
        for label, kind in kinds:
            b = W.Button(description=label, layout=layout, style=style)
            b.on_click(lambda _b, k=kind: self.export_file(k))
            buttons.append(b)
        self.links = W.HTML()
        return W.VBox([W.HTML(f"<b>{html.escape(T.EXPORT_TITLE)}</b>"), self.chart_choice,
                       W.HBox(buttons, layout=W.Layout(flex_flow="row wrap")), self.links])

    def export_file(self, kind: str) -> tuple[str, bytes]:
        """Build one export (the app makes the file) and offer it as a download link; returns
        (filename, bytes). A chart export takes the chart picked in the export row."""
        app = self.app
        if kind in ("png", "svg", "pdf"):
            index = self.chart_choice.value
            blocks = getattr(self, "_blocks", [])
            if not isinstance(index, int) or not 0 <= index < len(blocks) or blocks[index].chart is None:
                index = next(i for i, b in enumerate(blocks) if b.chart is not None)
            name, data, mime = app.chart_file(blocks[index], kind)
        else:
            name, data, mime = app.export_file(kind)
        self.links.value = T.EXPORT_READY.format(links=download_link(data, name, mime, name))
        return name, data

    # -- Voila ------------------------------------------------------------------------
    def apply_query(self) -> str | None:
        """Under Voila, switch to the Kreis of ``?ags=`` (waits for the visitor in a preheated
        kernel). An unknown AGS keeps the current Kreis and shows a German note. Returns the AGS used."""
        if not running_under_voila():
            return None
        wanted = query_parameters().get("ags")
        if not wanted:
            return self.app.ags
        try:
            ags, _name = check_ags(wanted)
        except WorkbookError as exc:
            self.warn(T.QUERY_AGS_INVALID.format(value=str(wanted)[:20], name=self.app.kreis_name,
                                                 ags=self.app.ags) + " " +
                      T.QUERY_AGS_REASON.format(reason=query_reason(wanted, exc)))
            return self.app.ags
        self.kreis.ags = ags          # recomputes and updates the charts in place
        return ags
