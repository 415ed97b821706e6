"""02_digitale_kluft: offliners by age and year, training and device levers, costs, pupils' devices."""

from __future__ import annotations

import pandas as pd

from ..texts import apps as T
from ..texts import charts as TC
from . import common as C
from .base import Block, FocusApp

DATA = ("offline_share", "share_65plus", "gigabit_share", "population_2019")
FIGURES = ("divide.online_share", "divide.online_share_65plus", "divide.offliners", "divide.offliners_65plus",
           "divide.new_onliners_training", "divide.training_cost_eur", "divide.cost_per_new_onliner_eur",
           "divide.pupil_devices_needed", "divide.pupil_devices_cost_eur")



class DivideApp(FocusApp):
    title = T.TITLE_DIVIDE
    topics = ("divide",)
    param_prefixes = ("divide.",)
    focus_default = "S0"

    def age_table(self, results: pd.DataFrame) -> pd.DataFrame:
        """Offliners by age group (chart groups of ``texts.apps.AGE_GROUP_LABELS``) and year for the
        focus scenario at its resolved values and the current levers (the engine's default run)."""
        from ..models.divide import offliners_by_age

        years = sorted(int(y) for y in results["year"].unique()) if results is not None and len(results) else None
        key = (self.ags, self.focus, tuple(sorted(self.overrides.items())), tuple(years or ()))
        memo = self.__dict__.setdefault("_age_tables", {})
        if key not in memo:
            # a Gemeinde: its row of inputs (own figures, its Kreis's otherwise), as the engine runs it
            place = C.kreis_row(self.ags) if len(self.ags) == 8 else self.ags
            prof = offliners_by_age(place, self.focus_values(), years=years)
            prof[T.AGE_COL_GROUP] = prof["age_group"].map(T.AGE_GROUP_LABELS)
            out = prof.groupby(["year", T.AGE_COL_GROUP], sort=False, as_index=False)["offliners"].sum()
            if len(memo) > 16:
                memo.clear()
            memo[key] = out.rename(columns={"year": T.AGE_COL_YEAR, "offliners": T.AGE_COL_PEOPLE})[
                [T.AGE_COL_YEAR, T.AGE_COL_GROUP, T.AGE_COL_PEOPLE]]
        return memo[key].copy()

    def age_chart(self, results: pd.DataFrame):
        from ..charts import stacked_area

        sc = self.scenarios.get(self.focus)
        return stacked_area(self.age_table(results), x=T.AGE_COL_YEAR, y=T.AGE_COL_PEOPLE, group=T.AGE_COL_GROUP,
                            label=T.AGE_AXIS, unit=T.AGE_UNIT, order=list(T.AGE_GROUPS),
                            group_title=T.AGE_LEGEND,
                            chart_title=T.AGE_TITLE.format(scenario=f"{self.focus} {getattr(sc, 'title_de', '')}"),
                            estimate=T.AGE_ESTIMATE)

    def blocks(self, results: pd.DataFrame) -> list[Block]:
        keys = C.topic_keys(("divide.",))
        model = C.assumption_note(keys)
        data = C.data_notes(self.ags, DATA)
        age_rows = self.age_table(results)
        pivot = age_rows.pivot(index=T.AGE_COL_YEAR, columns=T.AGE_COL_GROUP, values=T.AGE_COL_PEOPLE) \
            .reindex(columns=list(T.AGE_GROUPS)).reset_index() if not age_rows.empty else age_rows
        pivot.columns.name = None
        from ..texts import fmt_int

        for col in pivot.columns[1:]:
            pivot[col] = pivot[col].map(fmt_int)
        if T.AGE_COL_YEAR in pivot.columns:
            pivot[T.AGE_COL_YEAR] = pivot[T.AGE_COL_YEAR].astype(str)
        return [
            Block("online65", C.indicator_label("divide.online_share_65plus"), help=TC.FAN_HELP,
                  chart=self.fan(results, "divide.online_share_65plus",
                                         percent=True),
                  notes=[model, *data]),
            Block("age", T.AGE_BLOCK, help=T.AGE_HELP, chart=self.chart_for(
                results, ["divide.offliners", "divide.offliners_65plus"], lambda: self.age_chart(results),
                "age", self.ags, self.focus, tuple(sorted(self.overrides.items()))),
                  table=pivot, notes=[model, *data]),
            Block("online", C.indicator_label("divide.online_share"), help=TC.FAN_HELP,
                  chart=self.fan(results, "divide.online_share", percent=True),
                  notes=[model, *data]),
            Block("cost", C.indicator_label("divide.cost_per_new_onliner_eur"), help=TC.BARS_HELP,
                  chart=self.bars(results, "divide.cost_per_new_onliner_eur"),
                  notes=[model]),
            Block("pupils", C.indicator_label("divide.pupil_devices_needed"), help=TC.BARS_HELP,
                  chart=self.bars(results, "divide.pupil_devices_needed"),
                  notes=[model, *C.data_notes(self.ags, ["population_2019"])]),
            Block("figures", T.FIGURES_2030_BLOCK,
                  table=C.figures_table(results, FIGURES, self.scenario_ids),
                  help=T.FIGURES_2030_HELP,
                  notes=[model]),
        ]
