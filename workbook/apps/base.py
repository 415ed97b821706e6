"""The frame every topic app shares: parameters, computation, blocks, two renderings.

An app turns validated notebook parameters into a list of :class:`Block`
(title, "Wie lese ich das?", a chart and/or a table, source notes). The same
blocks are rendered

- statically (``interactive=False``: Papermill, batch reports): inline SVG and
  plain HTML tables, no widgets, no script, deterministic;
- interactively (JupyterLab, Voila): pickers + parameter panel + one output
  area per block; a change recomputes and updates each chart in place.
"""

from __future__ import annotations

import base64
import html
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ..errors import WorkbookError
from ..notebook import NotebookParameters, check_choice, validate_parameters
from ..texts import apps as T

ExtraChecks = dict[str, Callable[[Any], Any]]


class LazyChart:
    """A chart built on first use; the live view builds only the charts a visitor sees."""

    def __init__(self, build: Callable[[], Any]):
        self._build = build
        self._chart = None

    def get(self) -> Any:
        if self._chart is None:
            self._chart = self._build()
        return self._chart


def resolve_chart(chart: Any) -> Any:
    """The Altair chart behind ``chart`` (a chart or a :class:`LazyChart`)."""
    return chart.get() if isinstance(chart, LazyChart) else chart


@dataclass
class Block:
    """One section of an app: a chart and/or a table with its explanation and sources."""

    key: str
    title: str
    help: str = ""
    tab: str = ""                   # short title of the tab in the live view
    chart: Any = None               # an Altair chart
    table: pd.DataFrame | None = None   # already formatted (German strings)
    html: str = ""                  # extra HTML (key figures, narratives); escaped by the builder
    notes: list[str] = field(default_factory=list)


# -- rendering helpers ------------------------------------------------------------------

def chart_html(chart: Any) -> str:
    """A ``<figure>`` with the chart as inline SVG (static, no script, no URL)."""
    from ..render import static_html

    return static_html(chart)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return html.escape(str(value), quote=False)


#: a cell that reads as a number: '2021', '1.234,5', '−3,2 %', '12.345 € pro Jahr', with an
#: optional band in brackets ('63,0 % (57,1 bis 68,9 %)'); '65 bis 69 Jahre' is a label
_NUMBER_CELL = re.compile(r"^[−+\-]?\d[\d.,]*(?:%|\s(?P<unit>[^\d\s()][^\d()]{0,24}?))?\s*(?:\([^()]*\))?$")
_NOT_UNIT_WORDS = {"bis", "und", "oder", "älter", "jünger", "unter", "über", "ab", "von"}


def _number_like(text: str) -> bool:
    m = _NUMBER_CELL.match(text)
    if not m:
        return False
    unit = (m.group("unit") or "").split()
    return len(unit) <= 3 and not _NOT_UNIT_WORDS & {w.casefold() for w in unit}


def _numeric_column(values: list) -> bool:
    """True when every filled cell of a column reads as a number (a dash counts as empty)."""
    seen = False
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            seen = True
            continue
        text = str(v).strip()
        if text in ("", "–", "-"):
            continue
        if not _number_like(text):
            return False
        seen = True
    return seen


def table_html(df: pd.DataFrame, css_class: str = "wb-table") -> str:
    """A formatted frame as a plain HTML table (German strings expected).

    The markup of ``DataFrame.to_html(index=False, escape=True, border=0,
    na_rep="–")``, written directly (pandas' HTML writer costs ~30 ms a table).
    Each column's heading and cells are aligned alike: numbers (and years)
    right, text left (class ``wb-num`` / ``wb-text`` and an inline style, so no
    stylesheet of JupyterLab, Voila or a report can pull them apart).
    """
    if df is None or df.empty:
        return ""
    cls = html.escape(" ".join(["dataframe", *str(css_class).split()]), quote=True)
    columns = [df[c].tolist() for c in df.columns] if len(df.columns) else []
    forced = dict(getattr(df, "attrs", {}).get("align", {}) or {})      # column -> "right" | "left"
    attrs = [' class="wb-num" style="text-align: right;"'
             if forced.get(name, "right" if _numeric_column(col) else "left") == "right"
             else ' class="wb-text" style="text-align: left;"' for name, col in zip(df.columns, columns)]
    out = [f'<table class="{cls}">', "  <thead>", "    <tr>"]
    out.extend(f"      <th{a}>{_cell(c)}</th>" for c, a in zip(df.columns, attrs))
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in zip(*columns) if columns else []:
        out.append("    <tr>")
        out.extend(f"      <td{a}>{_cell(v)}</td>" for v, a in zip(row, attrs))
        out.append("    </tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)


def notes_html(notes: Iterable[str]) -> str:
    notes = [n for n in notes if n]
    if not notes:
        return ""
    return "<div class='wb-notes'>" + "".join(
        f"<div><small>{html.escape(n, quote=False)}</small></div>" for n in notes) + "</div>"


def block_static_html(block: Block) -> str:
    parts = [f"<section class='wb-block' id='wb-{html.escape(block.key)}'>",
             f"<h3>{html.escape(block.title, quote=False)}</h3>"]
    if block.chart is not None:
        parts.append(chart_html(resolve_chart(block.chart)))
    if block.html:
        parts.append(block.html)
    if block.table is not None:
        parts.append(table_html(block.table))
    if block.help:
        parts.append(f"<p class='wb-help'><small>{html.escape(block.help, quote=False)}</small></p>")
    parts.append(notes_html(block.notes))
    parts.append("</section>")
    return "\n".join(parts)


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An <a download> link carrying the file as a data URI (works offline and in Voila)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a download='{html.escape(filename)}' href='data:{mime};base64,{b64}' "
            f"style='margin-right:1em'>{html.escape(label)}</a>")


# -- the app ----------------------------------------------------------------------------

class TopicApp:
    """Base class of the notebook apps; subclasses define :meth:`blocks`."""

    title: str = ""
    intro: str = ""
    topics: tuple[str, ...] | str = "all"
    #: parameter key prefixes of the panel (None: every parameter)
    param_prefixes: tuple[str, ...] | None = None
    #: show a scenario picker (single scenario) in the interactive view
    scenario_picker: bool = False
    #: does the app need the engine's result table (False: base data only)
    needs_results: bool = True
    extra_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, ags: Any = "05315", scenario: Any = "all", draws: Any = 1000,
                 seed: Any = 20211, interactive: Any = True, **extra: Any):
        # Voila's ?ags= is read after the app is built and shown (see show()): a preheated
        # kernel then has done all the work for the default Kreis before a visitor arrives
        self.p: NotebookParameters = validate_parameters(
            ags, scenario, draws, seed, interactive, extra=extra, extra_checks=self.extra_checks(),
            use_query=False)
        self.extra = {**self.extra_defaults, **self.p.extra}
        self.ags = self.p.ags
        self.overrides: dict[str, float] = {}
        self.scenario_ids: list[str] = list(self.p.scenarios)
        #: the scenario a single-scenario chart shows (scenario picker)
        self.focus: str = self.scenario_ids[0]
        self._cache: dict[tuple, pd.DataFrame] = {}
        self._widget = None
        self.last_ms: float | None = None

    # -- subclass API ---------------------------------------------------------------
    @classmethod
    def extra_checks(cls) -> ExtraChecks:
        return {}

    def blocks(self, results: pd.DataFrame) -> list[Block]:  # pragma: no cover - abstract
        raise NotImplementedError

    def header_html(self) -> str:
        return ""

    def panel_keys(self) -> list[str]:
        """Parameters with a slider: the app's prefixes, without the keys the scenarios set.

        A scenario is defined by the keys it changes (rate factors, ceiling shifts);
        overriding one of them would apply to every scenario alike and erase the
        difference between them, so those stay with the scenario files.
        """
        scenario_keys = set()
        for sc in self.scenarios.values():
            scenario_keys |= set(sc.changes)
        keys = [k for k in self.parameters if k not in scenario_keys]
        if self.param_prefixes is None:
            return keys
        # in the order of the prefixes: the app's own topic first (its levers open the panel)
        return [k for prefix in self.param_prefixes for k in keys if k.startswith(prefix)]

    def chart_for(self, results: pd.DataFrame, indicators, build: Callable[[], Any], *key: Any) -> LazyChart:
        """A lazily built chart, the same object while the rows of ``indicators`` (and ``key``)
        are unchanged: a lever that does not touch a chart costs nothing there."""
        import hashlib

        if not self.p.interactive:   # a static page draws each chart once: nothing to reuse
            return LazyChart(build)
        sel = results[results["indicator"].isin(list(indicators))] if results is not None else None
        digest = ("" if sel is None else
                  hashlib.sha1(pd.util.hash_pandas_object(sel, index=False).to_numpy().tobytes()).hexdigest())
        sig = (tuple(indicators), digest, key)
        charts = self.__dict__.setdefault("_charts", {})
        if sig not in charts:
            if len(charts) > 64:
                charts.clear()
            charts[sig] = LazyChart(build)
        return charts[sig]

    def fan(self, results: pd.DataFrame, indicator: str, **kwargs):
        """``charts.fan_chart`` for the current Kreis, reused while its rows are unchanged."""
        from .. import charts

        if self.p.interactive and self.scenario_picker and len(self.scenario_ids) > 1:
            kwargs.setdefault("focus", self.focus)    # bands for the picked scenario, lines for the others
        return self.chart_for(results, [indicator],
                              lambda: charts.fan_chart(results, ags=self.ags, indicator=indicator, **kwargs),
                              "fan", self.ags, tuple(sorted(kwargs.items())))

    def bars(self, results: pd.DataFrame, indicator: str, **kwargs):
        """``charts.scenario_bars_2030`` for the current Kreis, reused while its rows are unchanged."""
        from .. import charts

        return self.chart_for(results, [indicator],
                              lambda: charts.scenario_bars_2030(results, ags=self.ags, indicator=indicator,
                                                                **kwargs),
                              "bars", self.ags, tuple(sorted(kwargs.items())))

    def build_blocks(self, results: pd.DataFrame) -> list[Block]:
        """:meth:`blocks` without Altair's validation at construction time.

        The builders' specs are validated once anyway when they are converted
        (``to_dict`` in the renderer); validating every sub-object while it is
        built costs about a quarter of a chart's build time.
        """
        from altair.utils.schemapi import debug_mode

        with debug_mode(False):
            return self.blocks(results)

    def choices(self) -> dict[str, tuple[str, list[tuple[str, Any]]]]:
        """Extra dropdowns of the interactive view: name -> (German label, [(label, value)])."""
        return {}

    def set_choice(self, name: str, value: Any) -> None:
        """Apply a dropdown value; anything not offered is refused (a client may send any value)."""
        _label, options = self.choices()[name]
        allowed = [v for _, v in options]
        if value not in allowed:
            raise WorkbookError(T.PARAM_CHOICE.format(name=name, value=value, known=", ".join(map(str, allowed))),
                                key=name)
        self.extra[name] = value

    # -- data -------------------------------------------------------------------------
    @property
    def parameters(self):
        from ..params import load_parameters

        return load_parameters()

    @property
    def scenarios(self):
        from ..params import load_scenarios

        return load_scenarios()

    def scenario_object(self, sid: str):
        """The Scenario for an id: a user's YAML scenario of this run, else the shipped id itself."""
        return {sc.id: sc for sc in self.p.scenario_objects}.get(sid, sid)

    def scenario_arg(self):
        if self.p.scenario_objects and set(self.scenario_ids) == set(self.p.scenarios):
            return list(self.p.scenario_objects)
        return list(self.scenario_ids)

    def results(self) -> pd.DataFrame:
        """The long result table for the current Kreis, scenarios and overrides (cached)."""
        from ..engine import project

        if not self.needs_results:
            return None
        key = (self.ags, tuple(self.scenario_ids), tuple(sorted(self.overrides.items())),
               self.p.draws, self.p.seed)
        if key not in self._cache:
            t0 = time.perf_counter()
            table = project(ags=[self.ags], scenarios=self.scenario_arg(), draws=self.p.draws,
                            seed=self.p.seed, topics=self.topics, overrides=self.overrides or None)
            self.last_ms = (time.perf_counter() - t0) * 1000
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[key] = table
        return self._cache[key]

    @property
    def kreis_name(self) -> str:
        from ..datasets import load_kreise

        k = load_kreise()
        return str(k.loc[k["ags"] == self.ags, "name"].iloc[0])

    # -- static -----------------------------------------------------------------------
    def render_static(self) -> str:
        """The whole app as static HTML (inline SVG, plain tables)."""
        results = self.results()
        parts = ["<div class='wb-app wb-static'>"]
        if self.title:
            parts.append(f"<h2>{html.escape(self.title.format(name=self.kreis_name, ags=self.ags), quote=False)}</h2>")
        for note in self.p.notes:
            parts.append(f"<p class='wb-warning'>{html.escape(note, quote=False)}</p>")
        head = self.header_html()
        if head:
            parts.append(head)
        for block in self.build_blocks(results):
            parts.append(block_static_html(block))
        parts.append("</div>")
        return "\n".join(parts)

    def show(self):
        """Display the app in the notebook (static HTML or live widgets)."""
        from IPython.display import HTML, display

        if self.p.interactive:
            display(self.widget())
            self.apply_query()
        else:
            display(HTML(self.render_static()))
        return None

    def apply_query(self) -> str | None:
        """Under Voila, switch to the Kreis of ``?ags=`` (waits for the visitor in a preheated
        kernel). An unknown AGS keeps the current Kreis and shows a German note. Returns the AGS used."""
        from ..notebook import check_ags, query_parameters, running_under_voila

        if not running_under_voila():
            return None
        wanted = query_parameters().get("ags")
        if not wanted:
            return self.ags
        try:
            ags, _name = check_ags(wanted)
        except WorkbookError:
            note = T.QUERY_AGS_INVALID.format(value=str(wanted)[:20], name=self.kreis_name, ags=self.ags)
            if self._widget is not None:
                self._widget.warn(note)
            return self.ags
        if self._widget is not None:
            self._widget.kreis.ags = ags          # recomputes and updates the charts in place
        else:
            self.ags = ags
        return ags

    # -- interactive ------------------------------------------------------------------
    def widget(self):
        if self._widget is None:
            from .live import LiveView

            self._widget = LiveView(self)
        return self._widget.root

    # -- exports ----------------------------------------------------------------------
    def export_table(self) -> pd.DataFrame:
        """The table behind the CSV/Excel export (the long result table by default)."""
        return self.results()

    def _export(self, suffix: str) -> bytes:
        """A download for council and strategy users: German headers and labels, German Excel CSV
        (``;``, decimal comma) or XLSX with the run's metadata (``workbook.tables``)."""
        from .. import tables

        titles = {sid: sc.title_de for sid, sc in self.scenarios.items()}
        titles.update({sc.id: sc.title_de for sc in self.p.scenario_objects})
        table = tables.for_people(self.export_table(), kreis_names={self.ags: self.kreis_name},
                                  scenario_titles=titles)
        return tables.table_bytes(table, suffix.lstrip("."))

    def results_csv(self) -> bytes:
        return self._export(".csv")

    def results_xlsx(self) -> bytes:
        return self._export(".xlsx")

    def scenario_yaml(self, base: str | None = None) -> bytes:
        """The current settings (base scenario + changed levers) as a scenario YAML file."""
        from ..export import step_value
        from ..params import save_scenario

        base = base or self.focus
        params = self.parameters
        # lever values as the sliders show them (0.23, not 0.22999999999999998)
        overrides = {key: step_value(params[key], value) for key, value in self.overrides.items()}
        values = params.resolve(scenario=self.scenario_object(base), overrides=overrides)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"eigenes_szenario_{self.ags}.yml"
            save_scenario(path, values, T.EXPORT_SCENARIO_TITLE.format(ags=self.ags, name=self.kreis_name),
                          id=f"U_{self.ags}", based_on=base)
            return path.read_bytes()

    def set_overrides(self, overrides: dict[str, float]) -> None:
        """Apply changed levers (validated against their records; refused when out of range)."""
        params = self.parameters
        checked = {}
        for key, value in overrides.items():
            checked[key] = params[key].check_value(value, source="Regler")
        self.overrides = checked


class FocusApp(TopicApp):
    """A topic app whose single-scenario charts follow one *focus* scenario (Papermill parameter
    ``focus``; the scenario picker in the live view)."""

    scenario_picker = True
    #: the focus scenario when the notebook does not set one
    focus_default: str = "S0"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.extra_defaults = {**cls.extra_defaults, "focus": cls.focus_default}

    @classmethod
    def extra_checks(cls) -> ExtraChecks:
        from ..params import load_scenarios

        return {"focus": lambda v: check_choice("focus", v, list(load_scenarios()))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        focus = self.extra["focus"]
        self.focus = focus if focus in self.scenario_ids else self.scenario_ids[0]

    def focus_values(self) -> dict[str, float]:
        """The focus scenario's resolved parameters with the current levers."""
        return self.parameters.resolve(scenario=self.scenario_object(self.focus), overrides=self.overrides)


def neutralise_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would read as a formula (= + - @) get a leading apostrophe.

    One rule for every download: :func:`workbook.tables.neutralise` (categorical columns included).
    """
    from ..tables import neutralise

    return neutralise(df)


def run_guarded(func: Callable[[], Any], on_error: Callable[[str], None]) -> Any:
    """Run ``func``; a WorkbookError becomes a friendly German message instead of a traceback."""
    try:
        return func()
    except WorkbookError as exc:
        on_error(T.ERROR_FRIENDLY.format(message=str(exc)))
        return None
