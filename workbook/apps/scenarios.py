"""01_szenarien: the five post-Corona futures and S0, the digitalisation index per Kreis."""

from __future__ import annotations

import html

import pandas as pd

from ..texts import apps as T
from ..texts import charts as TC
from . import common as C
from .base import Block, FocusApp

INDEX = "ddi.index"
SUBINDEX_DATA = ("gigabit_share", "offline_share", "settlement_type")


class ScenarioApp(FocusApp):
    title = T.TITLE_SCENARIOS
    topics = "all"          # TEILHABE reads the divide model; VERW the cooperation cluster size
    param_prefixes = ("ddi.",)
    focus_default = "S1"

    # -- blocks ---------------------------------------------------------------------
    def tornado_table(self) -> pd.DataFrame:
        from ..engine import tornado

        key = ("tornado", self.ags, self.focus, tuple(sorted(self.overrides.items())))
        if key not in self._cache:
            self._cache[key] = tornado(self.ags, indicator=INDEX, year=2030, scenario=self.scenario_object(self.focus),
                                       overrides=self.overrides or None)
        return self._cache[key]

    def narratives(self) -> tuple[pd.DataFrame, str]:
        from ..widgets import _step, value_text

        params = self.parameters
        rows = []
        for sid in self.scenario_ids:
            sc = self.scenarios.get(sid) or next(s for s in self.p.scenario_objects if s.id == sid)
            changes = []
            for key, value in sc.changes.items():
                rec = params[key]
                # as the lever shows it: decimals of its step, years as years, '8 Mitglieder'
                changes.append(f"{rec.label_de}: {value_text(value, _step(rec), rec.unit)}")
            rows.append({T.NARRATIVE_COL_SCENARIO: f"{sid} {sc.title_de}",
                         T.NARRATIVE_COL_TEXT: sc.narrative_de or sc.short_de,
                         T.NARRATIVE_COL_SOURCE: sc.source_de or "–",
                         T.NARRATIVE_COL_CHANGES: "; ".join(changes) or T.NARRATIVE_NO_CHANGES})
        return pd.DataFrame(rows), ""

    def blocks(self, results: pd.DataFrame) -> list[Block]:
        from .. import charts

        ddi_keys = C.topic_keys(("ddi.",))
        model = C.assumption_note(ddi_keys)
        data = C.data_notes(self.ags, SUBINDEX_DATA)
        out = [
            Block("fan", C.indicator_label(INDEX),
                  help=TC.FAN_HELP, chart=self.fan(results, INDEX, percent=True),
                  notes=[model, *data]),
            Block("bars", TC.BARS_TITLE.format(label=C.indicator_label(INDEX), year=2030),
                  help=TC.BARS_HELP,
                  chart=self.bars(results, INDEX, percent=True),
                  table=C.figures_table(results, [INDEX, "ddi.index_geo"], self.scenario_ids),
                  notes=[model]),
            Block("subindex", TC.SUBINDEX_TITLE, help=TC.SUBINDEX_HELP,
                  chart=self.chart_for(results, charts.SUBINDICES,
                                       lambda: charts.subindex_chart(
                                           results, ags=self.ags,
                                           focus=self.focus if self.p.interactive else None),
                                       "sub", self.ags, self.focus if self.p.interactive else None),
                  notes=[model, *data]),
        ]
        sens = self.tornado_table()
        base = C.pick(results, INDEX, self.focus, 2030, "default")
        shares = sens.attrs.get("lever_shares", {}) or {}
        share_txt = " · ".join(f"{TC.LEVER_LABELS.get(k, k)}: {C.fmt(v, '1', percent=True)}"
                               for k, v in shares.items())
        sc = self.scenarios.get(self.focus) or self.scenario_object(self.focus)
        out.append(Block(
            "tornado", TC.TORNADO_TITLE.format(label=C.indicator_label(INDEX), year=2030)
            + f" ({self.focus} {getattr(sc, 'title_de', '')})",
            help=TC.TORNADO_HELP,
            chart=self.chart_for(results, [INDEX], lambda: charts.tornado_chart(
                sens, base=base, label=C.indicator_label(INDEX), unit="1", percent=True),
                "tornado", self.ags, self.focus, tuple(sorted(self.overrides.items()))),
            html=(f"<p><b>{html.escape(T.TORNADO_SHARES)}</b> {html.escape(share_txt)}</p>"
                  if share_txt else ""),
            notes=[model]))
        table, _ = self.narratives()
        out.append(Block("narratives", T.NARRATIVES_BLOCK, table=table, help=T.NARRATIVES_HELP,
                         notes=[T.SOURCE_LINE.format(source=T.NARRATIVES_SOURCE)]))
        return out
