"""04_telemedizin: video consultations, avoided trips/km/CO2/hours, GP gap; lockdown and cyber stress tests."""

from __future__ import annotations

import html

import pandas as pd

from ..texts import apps as T
from ..texts import charts as TC
from . import common as C
from .base import Block, FocusApp

DATA = ("gp_per_10k", "share_65plus", "offline_share", "settlement_type", "population_2019")
AVOIDED = ("tele.video_consults", "tele.trips_avoided", "tele.car_km_avoided", "tele.co2_avoided_t",
           "tele.patient_hours_saved", "tele.gp_hours_freed")
LOCKDOWN = ("resilience.lockdown_continuity", "resilience.lockdown_backlog_weekly")
CYBER = ("resilience.cyber_continuity", "resilience.cyber_service_days_lost", "resilience.cyber_cases_lost")


class TelemedicineApp(FocusApp):
    title = T.TITLE_TELEMEDICINE
    topics = ("divide", "digitalisation", "telemedicine", "resilience")
    param_prefixes = ("tele.", "resilience.")
    focus_default = "S0"

    def focus_table(self, results: pd.DataFrame, indicators) -> pd.DataFrame:
        """One scenario, the indicators over the years 2021, 2025 and 2030 (median and band)."""
        present = set(results["indicator"])
        rows = []
        for ind in indicators:
            if ind not in present:
                continue
            row = {T.COL_INDICATOR: C.indicator_label(ind)}
            for year in (2021, 2025, 2030):
                row[str(year)] = C.banded(results, ind, self.focus, year)
            rows.append(row)
        return pd.DataFrame(rows)

    def cyber_years(self, results: pd.DataFrame) -> list[int]:
        """The years whose attack the day-by-day chart compares: the first and the last of the table."""
        years = sorted(int(y) for y in results["year"].unique())
        return sorted({years[0], years[-1]}) if years else []

    def cyber_curves(self, results: pd.DataFrame) -> pd.DataFrame:
        """Day-by-day capacity and backlog after an attack in the first and in the last year, focus
        scenario at its resolved values and the current levers; ``ddi.verw`` of the engine's default run."""
        from ..errors import WorkbookError
        from ..models.resilience import cyber_curve

        values = self.focus_values()
        population = float(C.place_row(self.ags)["population_2019"])
        frames = []
        for year in self.cyber_years(results):
            online = C.pick(results, "ddi.verw", self.focus, year, "default")
            if online is None:
                raise WorkbookError(T.CYBER_NO_VERW.format(year=year, scenario=self.focus),
                                    key="ddi.verw")
            curve = cyber_curve(values, min(max(online, 0.0), 1.0), population)
            curve["year"] = year
            curve["group"] = T.CYBER_CURVE_GROUP.format(year=year)
            curve["verw_share"] = online
            frames.append(curve)
        out = pd.concat(frames, ignore_index=True)
        out.attrs.update({"outage_days": values["resilience.cyber.outage_days"],
                          "recovery_days": values["resilience.cyber.recovery_days"]})
        return out

    def cyber_curve_chart(self, curves: pd.DataFrame):
        from ..charts import outage_curve

        sc = self.scenarios.get(self.focus)
        years = T.AND.join(str(y) for y in sorted(curves["year"].unique()))
        return outage_curve(curves, outage_days=float(curves.attrs["outage_days"]),
                            recovery_days=float(curves.attrs["recovery_days"]), group="group",
                            group_title=T.CYBER_CURVE_LEGEND,
                            chart_title=T.CYBER_CURVE_TITLE.format(
                                scenario=f"{self.focus} {getattr(sc, 'title_de', '')}".strip()),
                            subtitle=T.CYBER_CURVE_SUBTITLE.format(years=years),
                            estimate=T.CYBER_CURVE_ESTIMATE)

    def cyber_curve_table(self, curves: pd.DataFrame) -> pd.DataFrame:
        """Per year of attack: services online, capacity during the outage, service-days and cases lost."""
        from ..texts import fmt_int, fmt_number, fmt_percent

        rows = []
        for year, curve in curves.groupby("year", sort=True):
            rows.append({T.CYBER_CURVE_COL_YEAR: str(year),
                         T.CYBER_CURVE_COL_ONLINE: fmt_percent(float(curve["verw_share"].iloc[0])),
                         T.CYBER_CURVE_COL_LOW: fmt_percent(float(curve["capacity_share"].min())),
                         T.CYBER_CURVE_COL_DAYS: fmt_number(float((1.0 - curve["capacity_share"]).sum()), 1),
                         T.CYBER_CURVE_COL_BACKLOG: fmt_int(float(curve["backlog_cases"].iloc[-1]))})
        return pd.DataFrame(rows)

    def blocks(self, results: pd.DataFrame) -> list[Block]:
        prefixes = ("tele.",)
        model_tele = C.assumption_note(C.topic_keys(prefixes))
        model_res = C.assumption_note(C.topic_keys(("resilience.",)))
        data = C.data_notes(self.ags, DATA)
        sc = self.scenarios.get(self.focus)
        focus_title = f"{self.focus} {getattr(sc, 'title_de', '')}".strip()
        table_note = f"<p><small>{html.escape(T.TABLE_SCENARIO.format(scenario=focus_title), quote=False)}</small></p>"
        curves = self.cyber_curves(results)
        return [
            Block("video", C.indicator_label("tele.video_share_effective"), help=TC.FAN_HELP,
                  chart=self.fan(results, "tele.video_share_effective",
                                         percent=True),
                  notes=[model_tele, *data]),
            Block("avoided", C.indicator_label("tele.trips_avoided"), help=TC.BARS_HELP,
                  chart=self.bars(results, "tele.trips_avoided"),
                  table=C.figures_table(results, AVOIDED, self.scenario_ids),
                  notes=[model_tele, *data]),
            Block("gap", C.indicator_label("tele.gp_capacity_gap_share"), help=TC.FAN_HELP,
                  chart=self.fan(results, "tele.gp_capacity_gap_share",
                                         percent=True),
                  notes=[model_tele, *C.data_notes(self.ags, ["gp_per_10k"])]),
            Block("lockdown", T.LOCKDOWN_BLOCK, help=T.LOCKDOWN_HELP,
                  chart=self.fan(results, "resilience.lockdown_continuity",
                                         percent=True),
                  table=self.focus_table(results, LOCKDOWN),
                  html=table_note,
                  notes=[model_res]),
            Block("cyber", T.CYBER_BLOCK, help=T.CYBER_HELP,
                  chart=self.bars(results, "resilience.cyber_continuity",
                                                  percent=True),
                  table=self.focus_table(results, CYBER),
                  html=table_note,
                  notes=[model_res]),
            Block("cybercurve", T.CYBER_CURVE_BLOCK, help=T.CYBER_CURVE_HELP,
                  chart=self.chart_for(results, ["ddi.verw"], lambda: self.cyber_curve_chart(curves), "cybercurve",
                                       self.ags, self.focus, tuple(sorted(self.overrides.items()))),
                  table=self.cyber_curve_table(curves),
                  html=table_note,
                  notes=[model_res, *C.data_notes(self.ags, ["population_2019"])]),
        ]
