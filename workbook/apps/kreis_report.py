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
from ..texts import fmt_int, fmt_percent
from ..texts import places as P
from ..texts import report as R
from . import common as C
from .base import Block, TopicApp

#: the static report's scenario legend per scenario set, labels and theme (``legend_html``)
_LEGENDS: dict[tuple, str] = {}


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
        place: built once per process for each set of scenarios, their legend labels and the theme)."""
        import altair as alt

        from ..charts import scenario_legend
        from ..charts.common import scenario_labels, scenario_order
        from ..display import static_html

        ids = scenario_order(self.scenario_ids)
        key = (tuple(ids), tuple(scenario_labels(ids).items()), alt.theme.active)
        html = _LEGENDS.get(key)
        if html is None:
            html = static_html(scenario_legend(self.scenario_ids))
            if len(_LEGENDS) >= 16:
                _LEGENDS.clear()
            _LEGENDS[key] = html
        return html

    def companions(self) -> list[str]:
        """A Gemeinde's report computes its Kreis in the same engine run (the comparison)."""
        return [self.kreis_ags] if self.is_gemeinde else []

    @property
    def kreis_ags(self) -> str:
        """The Kreis of the current place (the place itself for a Kreis)."""
        return str(C.place_row(self.ags)["kreis_ags"]) if self.is_gemeinde else self.ags

    def sentence_name(self) -> str:
        """The place inside a sentence: a Kreis's name, a Gemeinde's name without its suffix."""
        return P.short_name(self.kreis_name) if self.is_gemeinde else self.kreis_name

    def trend(self) -> str:
        return "S0" if "S0" in self.scenario_ids else self.scenario_ids[0]

    def header_html(self) -> str:
        row = C.place_row(self.ags)
        if self.is_gemeinde:
            kreis = C.kreis_row(self.kreis_ags)
            fmt = R.REPORT_SUBTITLE_GEMEINDE if self.p.draws else R.REPORT_SUBTITLE_GEMEINDE_NO_DRAWS
            text = fmt.format(gemeindetyp=row["bbsr_sgtyp_name"], in_land=P.in_land(kreis["land_name"]),
                              kreis=P.kreis_phrase(kreis["name"], kreis["kreis_type"]),
                              population=fmt_int(float(row["population_2019"])),
                              scenarios=", ".join(self.scenario_ids), draws=fmt_int(self.p.draws),
                              seed=self.p.seed)
            note = R.GEMEINDE_INPUTS_NOTE.format(kreis=self._kreis_label())
            return (f"<p class='wb-subtitle'>{html.escape(text, quote=False)}</p>"
                    f"<p class='wb-origin'><small>{html.escape(note, quote=False)}</small></p>")
        fmt = R.REPORT_SUBTITLE if self.p.draws else R.REPORT_SUBTITLE_NO_DRAWS
        text = fmt.format(kreis_type=row["kreis_type"], land=row["land_name"],
                          population=fmt_int(float(row["population_2019"])),
                          scenarios=", ".join(self.scenario_ids), draws=fmt_int(self.p.draws), seed=self.p.seed)
        return f"<p class='wb-subtitle'>{html.escape(text, quote=False)}</p>"

    def _kreis_label(self) -> str:
        """The Gemeinde's Kreis as the comparison names it ("Landkreis Tübingen", "Köln, Stadt")."""
        return C.kreis_label(self.kreis_ags)

    def type_comparison(self) -> tuple[pd.DataFrame, dict]:
        """The Gemeinde among the Gemeinden of its type in its Land (kept per Gemeinde)."""
        if getattr(self, "_types", (None,))[0] != self.ags:
            self._types = (self.ags, RP.type_comparison(self.ags))
        return self._types[1]

    def comparison_sentence(self, results: pd.DataFrame) -> str:
        """The summary's sentence comparing the Gemeinde with its Kreis and its peers."""
        trend = self.trend()
        theirs = C.pick(self.results_for(self.kreis_ags), "ddi.index", trend)
        if theirs is None:
            return ""
        where = R.WHERE_TREND if trend == "S0" else R.WHERE_SCENARIO.format(
            title=getattr(self.scenarios.get(trend), "title_de", trend), sid=trend)
        if self.same_area():
            text = R.SUM_COMPARE_SAME_AREA.format(name=self.sentence_name(), where=where, year=RP.YEAR,
                                                  kreis_value=fmt_percent(theirs, 0))
        else:
            text = R.SUM_COMPARE_GEMEINDE.format(kreis=self._kreis_label(), where=where, year=RP.YEAR,
                                                 kreis_value=fmt_percent(theirs, 0))
        _table, info = self.type_comparison()
        if info["rank"] is not None:
            text += R.SUM_RANK_GEMEINDE.format(name=info["name"], n=fmt_int(info["n_ranked"]),
                                               peers=info["peers"], in_land=info["in_land"],
                                               rank=fmt_int(info["rank"]))
        elif info["n"] <= 1:
            text += R.SUM_ALONE_GEMEINDE.format(In_land=info["In_land"], name=info["name"],
                                                gemeindetyp=info["singular"])
        elif not info["enough"]:
            text += R.SUM_TOO_FEW_GEMEINDE.format(In_land=info["In_land"], n=fmt_int(info["n"]),
                                                  peers=info["plural"])
        return text

    def same_area(self) -> bool:
        """A Gemeinde that is its Kreis's whole area (a kreisfreie Stadt: the same population)."""
        return self.is_gemeinde and int(C.place_row(self.ags)["population_2019"]) == int(
            C.kreis_row(self.kreis_ags)["population_2019"])

    def summary(self, results: pd.DataFrame) -> list[str]:
        coop = self.coop_app().summary()
        estimates = self.estimates()
        n_data = int((estimates[R.COL_STATUS].isin(list(R.DATA_STATUS.values()))).sum())
        n_params = int((estimates[R.COL_STATUS] == R.PARAM_STATUS["assumption"]).sum())
        titles = {sid: getattr(sc, "title_de", sid) for sid, sc in self.scenarios.items()}
        if self.is_gemeinde:
            return RP.summary_de(results, self.sentence_name(), titles, coop=coop, n_data_estimates=n_data,
                                 n_assumptions=n_params, gemeinde=True,
                                 comparison=self.comparison_sentence(results))
        return RP.summary_de(results, self.kreis_name, titles, coop=coop, n_data_estimates=n_data,
                             n_assumptions=n_params)

    def method_html(self, results: pd.DataFrame) -> str:
        import workbook

        attrs = results.attrs
        text = R.METHOD_TEXT.format(version=workbook.__version__, param_hash=str(attrs.get("param_hash", ""))[:12],
                                    data_hash=str(attrs.get("data_hash", ""))[:12], seed=attrs.get("seed", ""))
        if self.is_gemeinde:
            text += R.METHOD_GEMEINDE
        return f"<p><small>{html.escape(text, quote=False)}</small></p>"

    def static_outputs(self) -> dict:
        """Statically (Papermill, batch) the report also publishes its key figures as an
        ``application/vnd.workbook.summary+json`` output (no text form: nothing shows on the page),
        computed from the result table the report has drawn, for the batch's index page."""
        return {RP.SUMMARY_MIME: RP.summary_figures(self.results())}

    def comparison_blocks(self, results: pd.DataFrame) -> list[Block]:
        """A Gemeinde's two comparisons: with its Kreis (same run) and with its type in its Land."""
        trend = self.trend()
        title = getattr(self.scenarios.get(trend), "title_de", trend)
        kreis_results = self.results_for(self.kreis_ags)
        name, kreis = self.sentence_name(), self._kreis_label()
        table = RP.kreis_comparison(results, kreis_results, name, kreis, trend)
        sentence = RP.kreis_comparison_sentence(results, kreis_results, name, kreis, trend, title,
                                                same_area=self.same_area())
        note = R.COMPARE_KREIS_NOTE_BANDS if C.has_bands(results) else R.COMPARE_KREIS_NOTE_DEFAULT
        peers, info = self.type_comparison()
        type_html = "".join(f"<p>{html.escape(t, quote=False)}</p>" for t in (info["text"],) if t)
        return [
            Block("kreis", R.SECTION_COMPARE_KREIS, table=table, help=R.COMPARE_KREIS_INTRO.format(note=note),
                  html=f"<p>{html.escape(sentence, quote=False)}</p>" if sentence else ""),
            Block("peers", R.SECTION_COMPARE_TYPE, table=peers, help=info["intro"], html=type_html,
                  notes=C.data_notes(self.ags, ["population_2019", "gigabit_share", "gp_per_10k"])),
        ]

    # -- blocks ---------------------------------------------------------------------------
    def blocks(self, results: pd.DataFrame) -> list[Block]:
        all_keys = list(self.parameters)
        model = C.assumption_note(all_keys)
        static = not self.p.interactive
        coop = self.coop_app()
        members = "; ".join(coop.partner_names()) or T.REPORT_NO_PARTNERS
        summary = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.summary(results))
        key_table = RP.key_figures(results, self.scenario_ids)
        note = R.KEY_FIGURES_NOTE if C.has_bands(results) else R.KEY_FIGURES_NOTE_DEFAULT
        coop_html = f"<p>{html.escape(T.REPORT_PARTNERS.format(partners=members), quote=False)}</p>"
        if self.is_gemeinde:
            info = self.type_comparison()[1]
            where = Block("where", R.SECTION_WHERE_GEMEINDE, table=RP.where_gemeinde_stands(self.ags),
                          help=R.WHERE_INTRO_GEMEINDE.format(peers=info["peers"], in_land=info["in_land"]))
            coop_html += f"<p><small>{html.escape(coop.rule_text(), quote=False)}</small></p>"
            compare = self.comparison_blocks(results)
        else:
            where = Block("where", R.SECTION_WHERE, table=RP.where_it_stands(self.ags), help=R.WHERE_INTRO)
            compare = []
        return [
            # key figures first: with the Kreis's name they make page 1 of the printed report
            Block("figures", R.SECTION_KEY_FIGURES, table=key_table, help=note, notes=[model]),
            Block("summary", R.SECTION_SUMMARY, html=summary, notes=[model]),
            where,
            *compare,
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
                  chart=None if self.is_gemeinde else coop.partner_map(),
                  html=coop_html,
                  table=coop.split_table(), notes=[model, *C.data_notes(self.ags, ["population_2019"])]),
            Block("method", R.SECTION_METHOD, html=self.method_html(results)),
            # last: the long list of inputs is the printed report's appendix (small type, own pages)
            Block("estimates", R.SECTION_ESTIMATES, help=R.ESTIMATES_INTRO,
                  table=self.estimates(), html=""),
        ]
