"""The app every notebook page shares: parameters, state, computation, exports.

An app turns validated notebook parameters into a list of :class:`Block`
(title, "Wie lese ich das?", a chart and/or a table, source notes) and offers
its downloads (CSV, XLSX, scenario YAML). It knows nothing of how it is shown:
the views take an app,

- ``workbook.apps.static.StaticView(app)``: inline SVG and plain HTML tables
  (``interactive=False``: Papermill, batch reports), no widgets, no script;
- ``workbook.apps.live.LiveView(app)``: pickers + parameter panel + one tab per
  block (JupyterLab, Voila); a change recomputes and updates each chart in place;

and ``workbook.apps.page.show`` (the notebooks' one call) picks the view.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ..errors import WorkbookError
from ..nbparams import NotebookParameters, check_choice, validate_parameters
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
        # Voila's ?ags= is read after the app is built and shown (LiveView.apply_query): a
        # preheated kernel then has done all the work for the default Kreis before a visitor arrives
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
        self.last_ms: float | None = None

    # -- subclass API ---------------------------------------------------------------
    @classmethod
    def extra_checks(cls) -> ExtraChecks:
        return {}

    def blocks(self, results: pd.DataFrame) -> list[Block]:  # pragma: no cover - abstract
        raise NotImplementedError

    def header_html(self) -> str:
        return ""

    def heading(self) -> str:
        """The page title for the current Kreis or Gemeinde (German, not escaped); a Gemeinde is
        named with its Kreis: "...: Tübingen, Universitätsstadt (Landkreis Tübingen) · 08416041"."""
        if not self.title:
            return ""
        if len(self.ags) == 8:
            from ..texts import places as P

            return P.GEMEINDE_TITLE.format(page=self.title.split(":")[0], label=self.place_label, ags=self.ags)
        return self.title.format(name=self.kreis_name, ags=self.ags)

    def static_outputs(self) -> dict[str, Any]:
        """Machine-readable outputs a static run publishes beside the page: {MIME type: data}."""
        return {}

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

    def companions(self) -> list[str]:
        """Places computed in the same engine run as the current one, for comparisons (none by
        default; the report of a Gemeinde adds its Kreis)."""
        return []

    def results(self) -> pd.DataFrame:
        """The long result table for the current Kreis, scenarios and overrides (cached)."""
        return self.results_for(self.ags)

    def results_for(self, ags: str) -> pd.DataFrame:
        """The result rows of the current place or of one of its :meth:`companions`.

        Each place runs on its own with the same scenarios, overrides, draws and seed, so they
        share the parameter draws. A companion's run is kept per process
        (``apps.runs.companion_results``): the batch renders every Gemeinde of a Kreis one after
        the other and computes their Kreis once."""
        from ..engine import project
        from .runs import companion_results, expected_results

        if not self.needs_results:
            return None
        place = str(ags)
        if place != self.ags:
            if place not in self.companions():
                raise KeyError(place)
            return companion_results(place, self.scenario_arg(), self.topics, self.overrides,
                                     self.p.draws, self.p.seed)
        key = (self.ags, tuple(self.scenario_ids), tuple(sorted(self.overrides.items())),
               self.p.draws, self.p.seed)
        if key not in self._cache:
            t0 = time.perf_counter()
            # the batch's next places in one engine run (``apps.runs``), else this place alone
            table = expected_results(self.ags, self.scenario_arg(), self.topics, self.overrides,
                                     self.p.draws, self.p.seed)
            if table is None:
                table = project(ags=[self.ags], scenarios=self.scenario_arg(), draws=self.p.draws,
                                seed=self.p.seed, topics=self.topics, overrides=self.overrides or None)
            self.last_ms = (time.perf_counter() - t0) * 1000
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[key] = table
        return self._cache[key]

    @property
    def kreis_name(self) -> str:
        """The name of the current place (a Kreis, or a Gemeinde for an 8-digit key)."""
        from ..data.places import place_name

        return place_name(self.ags)

    @property
    def place_label(self) -> str:
        """The place as headings name it: a Kreis's name, a Gemeinde with its Kreis
        ("Tübingen, Universitätsstadt (Landkreis Tübingen)")."""
        if len(self.ags) == 8:
            from ..data.places import place_label

            return place_label(self.ags)
        return self.kreis_name

    @property
    def is_gemeinde(self) -> bool:
        return len(self.ags) == 8

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

    def download_stem(self) -> str:
        """The file name stem of this app's downloads: Kreis and page, never the class name."""
        from ..export import download_stem

        return download_stem(self.ags, self.kreis_name, self.title.split(":")[0] if self.title else "")

    def chart_file(self, block: Block, kind: str) -> tuple[str, bytes, str]:
        """(file name, bytes, MIME type) of a block's chart as PNG, SVG or PDF (vl-convert, offline),
        the Kreis named in its title."""
        from ..export import chart_bytes

        mime = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[kind]
        data = chart_bytes(resolve_chart(block.chart), kind, place=f"{self.kreis_name} ({self.ags})")
        return f"{self.download_stem()}_{block.key}.{kind}", data, mime

    def export_file(self, kind: str) -> tuple[str, bytes, str]:
        """(file name, bytes, MIME type) of the results as ``csv`` or ``xlsx``, or of the current
        settings as a scenario file (``yaml``)."""
        stem = self.download_stem()
        if kind == "csv":
            return f"{stem}_ergebnisse.csv", self.results_csv(), "text/csv"
        if kind == "xlsx":
            return (f"{stem}_ergebnisse.xlsx", self.results_xlsx(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if kind == "yaml":
            return f"eigenes_szenario_{self.ags}.yml", self.scenario_yaml(), "application/x-yaml"
        raise WorkbookError(T.EXPORT_KIND.format(kind=kind, known="png, svg, pdf, csv, xlsx, yaml"), key="kind")

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
