"""bericht: the one-Kreis report of the batch (all topics, plain-German summary, estimates).

Static by design (``interactive=False`` in the batch): a few inline SVG charts,
plain HTML tables, no timestamps and no timings, so two runs with the same
inputs give the same bytes. Interactive use (JupyterLab) shows the same
blocks with a Kreis picker and every lever of the workbook.
"""

from __future__ import annotations

import html

import pandas as pd

from .. import findings as RP
from ..texts import apps as T
from ..texts import charts as TC
from ..texts import fmt_int
from ..texts import report as R
from . import common as C
from .base import Block, TopicApp


class ReportApp(TopicApp):
    title = T.TITLE_REPORT
    topics = "all"
    param_prefixes = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._coop = None
        self._estimates: dict[str, pd.DataFrame] = {}

    def estimates(self) -> pd.DataFrame:
        """The report's estimated inputs of the current Kreis (once per Kreis: summary and table use it)."""
        if self.ags not in self._estimates:
            self._estimates = {self.ags: RP.estimated_inputs(self.ags)}
        return self._estimates[self.ags]

    # -- pieces --------------------------------------------------------------------------
    def coop_app(self):
        from .cooperation import CooperationApp

        if self._coop is None:
            self._coop = CooperationApp(ags=self.ags, scenario=",".join(self.scenario_ids), draws=0,
                                        seed=self.p.seed, interactive=False)
        self._coop.ags = self.ags
        self._coop.overrides = dict(self.overrides)
        self._coop.focus = "S4" if "S4" in self.scenario_ids else self.scenario_ids[0]
        return self._coop

    def legend_html(self) -> str:
        """The scenario legend of the static report's fan charts as one small SVG (the same for every
        Kreis: converted once per process, then served from the SVG cache)."""
        from ..charts import scenario_legend
        from ..display import static_html

        return static_html(scenario_legend(self.scenario_ids))

    def header_html(self) -> str:
        row = C.kreis_row(self.ags)
        fmt = R.REPORT_SUBTITLE if self.p.draws else R.REPORT_SUBTITLE_NO_DRAWS
        text = fmt.format(kreis_type=row["kreis_type"], land=row["land_name"],
                          population=fmt_int(float(row["population_2019"])),
                          scenarios=", ".join(self.scenario_ids), draws=fmt_int(self.p.draws), seed=self.p.seed)
        return f"<p class='wb-subtitle'>{html.escape(text, quote=False)}</p>"

    def summary(self, results: pd.DataFrame) -> list[str]:
        coop = self.coop_app().summary()
        estimates = self.estimates()
        n_data = int((estimates[R.COL_STATUS].isin(list(R.DATA_STATUS.values()))).sum())
        n_params = int((estimates[R.COL_STATUS] == R.PARAM_STATUS["assumption"]).sum())
        titles = {sid: getattr(sc, "title_de", sid) for sid, sc in self.scenarios.items()}
        return RP.summary_de(results, self.kreis_name, titles, coop=coop, n_data_estimates=n_data,
                             n_assumptions=n_params)

    def method_html(self, results: pd.DataFrame) -> str:
        import workbook

        attrs = results.attrs
        text = R.METHOD_TEXT.format(version=workbook.__version__, param_hash=str(attrs.get("param_hash", ""))[:12],
                                    data_hash=str(attrs.get("data_hash", ""))[:12], seed=attrs.get("seed", ""))
        return f"<p><small>{html.escape(text, quote=False)}</small></p>"

    def static_outputs(self) -> dict:
        """Statically (Papermill, batch) the report also publishes its key figures as an
        ``application/vnd.workbook.summary+json`` output (no text form: nothing shows on the page),
        computed from the result table the report has drawn, for the batch's index page."""
        return {RP.SUMMARY_MIME: RP.summary_figures(self.results())}

    # -- blocks ---------------------------------------------------------------------------
    def blocks(self, results: pd.DataFrame) -> list[Block]:
        all_keys = list(self.parameters)
        model = C.assumption_note(all_keys)
        static = not self.p.interactive
        coop = self.coop_app()
        partners = coop.partners()
        members = "; ".join(n for a, n in zip(partners["ags"], partners["name"]) if a != self.ags) or T.REPORT_NO_PARTNERS
        summary = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.summary(results))
        key_table = RP.key_figures(results, self.scenario_ids)
        note = R.KEY_FIGURES_NOTE if C.has_bands(results) else R.KEY_FIGURES_NOTE_DEFAULT
        return [
            # key figures first: with the Kreis's name they make page 1 of the printed report
            Block("figures", R.SECTION_KEY_FIGURES, table=key_table, help=note, notes=[model]),
            Block("summary", R.SECTION_SUMMARY, html=summary, notes=[model]),
            Block("where", R.SECTION_WHERE, table=RP.where_it_stands(self.ags), help=R.WHERE_INTRO),
            Block("ddi", R.SECTION_SCENARIOS, help=TC.FAN_HELP,
                  chart=self.fan(results, "ddi.index", percent=True, selectable=not static,
                                 points=not static, legend=not static),
                  html=self.legend_html() if static else "",
                  notes=[model, *C.data_notes(self.ags, ["gigabit_share", "offline_share"])]),
            Block("divide", R.SECTION_DIVIDE + ": " + C.indicator_label("divide.online_share_65plus"),
                  help=TC.FAN_HELP + (" " + TC.FAN_LEGEND_ABOVE if static else ""),
                  chart=self.fan(results, "divide.online_share_65plus", percent=True,
                                 selectable=not static, points=not static, legend=not static),
                  notes=[model, *C.data_notes(self.ags, ["offline_share", "share_65plus"])]),
            Block("tele", R.SECTION_TELE + ": " + C.indicator_label("tele.trips_avoided"), help=TC.BARS_HELP,
                  chart=self.bars(results, "tele.trips_avoided"),
                  notes=[model, *C.data_notes(self.ags, ["gp_per_10k", "settlement_type"])]),
            Block("resilience", R.SECTION_RESILIENCE + ": " + C.indicator_label("resilience.lockdown_continuity"),
                  help=TC.FAN_HELP + (" " + TC.FAN_LEGEND_ABOVE if static else ""),
                  chart=self.fan(results, "resilience.lockdown_continuity", percent=True,
                                 selectable=not static, points=not static, legend=not static),
                  notes=[model]),
            Block("coop", R.SECTION_COOP, help=TC.SPLIT_HELP,
                  chart=coop.partner_map(),
                  html=f"<p>{html.escape(T.REPORT_PARTNERS.format(partners=members), quote=False)}</p>",
                  table=coop.split_table(), notes=[model, *C.data_notes(self.ags, ["population_2019"])]),
            Block("method", R.SECTION_METHOD, html=self.method_html(results)),
            # last: the long list of inputs is the printed report's appendix (small type, own pages)
            Block("estimates", R.SECTION_ESTIMATES, help=R.ESTIMATES_INTRO,
                  table=self.estimates(), html=""),
        ]
