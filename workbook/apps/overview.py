"""00_uebersicht: a Kreis at a glance: map, key figures with sources, comparison."""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd

from ..findings import where_it_stands
from ..nbparams import check_choice
from ..texts import apps as T
from ..texts import charts as TC
from ..texts import fmt_number, fmt_percent
from ..texts import report as R
from . import common as C
from .base import Block, TopicApp

#: columns the map may be coloured by (registry names)
MAP_COLUMNS = ("offline_share", "gigabit_share", "share_65plus", "gp_per_10k", "density_per_km2")
#: columns of the key-figure table, in order
FIGURE_COLUMNS = ("population_2019", "population_2018", "area_km2", "density_per_km2", "share_65plus",
                  "offline_share", "gigabit_share", "gp_per_10k", "settlement_type")
#: columns compared with the Kreis's groups
COMPARE_COLUMNS = ("share_65plus", "offline_share", "gigabit_share", "gp_per_10k", "density_per_km2")


def _format(column: str, value) -> str:
    from ..data.schema import COLUMNS

    col = COLUMNS[column]
    if col.dtype == "category" or isinstance(value, str):
        return TC.SETTLEMENT_TYPE_LABELS.get(str(value), str(value))
    if col.share:
        return fmt_percent(float(value), 1)
    if col.dtype == "int":
        return fmt_number(float(value), 0)
    return fmt_number(float(value), 1)


class OverviewApp(TopicApp):
    title = T.TITLE_OVERVIEW
    needs_results = False
    param_prefixes = ()
    extra_defaults: ClassVar[dict[str, Any]] = {"indicator": "offline_share"}

    @classmethod
    def extra_checks(cls):
        return {"indicator": lambda v: check_choice("indicator", v, MAP_COLUMNS)}

    def choices(self):
        from ..data.schema import COLUMNS

        return {"indicator": (T.INDICATOR_LABEL, [(COLUMNS[c].label_de, c) for c in MAP_COLUMNS])}

    # -- tables ---------------------------------------------------------------------
    def kreise(self) -> pd.DataFrame:
        """The Kreis table; for a Gemeinde with its row of inputs added (``apps.common.kreis_row``)."""
        from ..data import load_kreise
        from ..data.places import is_gemeinde

        k = load_kreise()
        if is_gemeinde(self.ags):
            k = pd.concat([k, C.kreis_row(self.ags).to_frame().T[k.columns]], ignore_index=True)
        return k

    def figures(self) -> pd.DataFrame:
        from ..data.schema import COLUMNS

        row = C.kreis_row(self.ags)
        status = C.value_status(self.ags)
        rows = []
        for name in FIGURE_COLUMNS:
            col = COLUMNS[name]
            st = status.get(name, col.status)
            rows.append({T.COL_INDICATOR: col.label_de, T.COL_VALUE: _format(name, row[name]),
                         T.COL_UNIT: "" if col.share or col.unit in ("", "1") else col.unit,
                         T.COL_SOURCE: C.reader_source(name) if st != "local" else T.STATUS_LOCAL,
                         T.COL_STATUS: C.status_text(st)})
        return pd.DataFrame(rows)

    def comparison(self) -> pd.DataFrame:
        """Kreis value against the medians of its settlement type, its Land and Germany."""
        from ..data.schema import COLUMNS

        k = self.kreise()
        me = k.loc[k["ags"] == self.ags].iloc[0]
        same_type = k[k["settlement_type"] == me["settlement_type"]]
        same_land = k[k["land_ags"] == me["land_ags"]]
        type_label = TC.SETTLEMENT_TYPE_LABELS.get(me["settlement_type"], me["settlement_type"])
        rows = []
        for name in COMPARE_COLUMNS:
            rows.append({
                T.COL_INDICATOR: COLUMNS[name].label_de,
                str(me["name"]): _format(name, me[name]),
                T.COL_MEDIAN.format(group=type_label, count=len(same_type)): _format(name, same_type[name].median()),
                T.COL_MEDIAN.format(group=me["land_name"], count=len(same_land)):
                    _format(name, same_land[name].median()),
                T.COL_MEDIAN.format(group=T.MEDIAN_GERMANY, count=len(k)): _format(name, k[name].median()),
                T.COL_STATUS: C.status_text(C.value_status(self.ags).get(name, COLUMNS[name].status)),
            })
        return pd.DataFrame(rows)

    def export_table(self) -> pd.DataFrame:
        k = self.kreise()
        return k.loc[k["ags"] == self.ags].reset_index(drop=True)

    def header_html(self) -> str:
        import html

        row = C.kreis_row(self.ags)
        if row.get("level") == "gemeinde":          # not its Kreis's kind: "Gemeinde · Landkreis Tübingen · …"
            from .area import area_name

            kind = T.GEMEINDE_HEADER.format(kreis=area_name(self.ags, [self.ags[:5]]), land=row["land_name"],
                                            type=row["bbsr_sgtyp_name"] or "–")
            return (f"<p>{html.escape(kind)} · {fmt_number(float(row['population_2019']), 0)} Einwohner "
                    f"(31.12.2019) · {fmt_number(float(row['area_km2']), 1)} km²</p>")
        return (f"<p>{html.escape(str(row['kreis_type']))} in {html.escape(str(row['land_name']))} · "
                f"{fmt_number(float(row['population_2019']), 0)} Einwohner (31.12.2019) · "
                f"{fmt_number(float(row['area_km2']), 1)} km²</p>")

    # -- blocks -----------------------------------------------------------------------
    def blocks(self, results) -> list[Block]:
        from ..charts.maps import compare_chart, kreis_map
        from ..data.places import is_gemeinde
        from ..data.schema import COLUMNS
        from .area import gemeinde_map_for

        col_name = self.extra["indicator"]
        col = COLUMNS[col_name]
        estimate = T.ESTIMATE_PER_KREIS if col.is_estimate else None
        source = C.reader_source(col_name)
        k = self.kreise()
        unit = None if col.share else col.unit
        out = [
            Block("map", (TC.MAP_BLOCK_GEMEINDEN if is_gemeinde(self.ags) else TC.MAP_TITLE).format(label=col.label_de),
                  help=TC.MAP_HELP_GEMEINDEN if is_gemeinde(self.ags) else TC.MAP_HELP,
                  chart=self.chart_for(None, [], lambda: gemeinde_map_for(
                      self.ags, col_name, label=col.label_de, unit=unit, percent=col.share, estimate=estimate,
                      source=source) if is_gemeinde(self.ags) else kreis_map(
                      k, col_name, highlight=self.ags, label=col.label_de, unit=unit, percent=col.share,
                      estimate=estimate, source=source), "map", col_name, self.ags),
                  notes=C.data_notes(self.ags, [col_name])),
            Block("compare", TC.COMPARE_TITLE.format(label=col.label_de, name=self.kreis_name),
                  help=TC.COMPARE_HELP,
                  chart=self.chart_for(None, [], lambda: compare_chart(
                      k, self.ags, col_name, label=col.label_de, unit=unit, percent=col.share,
                      points=self.p.interactive, estimate=estimate, source=source),
                      "compare", col_name, self.ags),
                  table=self.comparison(),
                  notes=C.data_notes(self.ags, COMPARE_COLUMNS)),
            Block("figures", T.FIGURES_TITLE, table=self.figures(), help=T.FIGURES_HELP,
                  notes=C.data_notes(self.ags, FIGURE_COLUMNS)),
            Block("where", R.SECTION_WHERE, table=where_it_stands(self.ags, k), help=R.WHERE_INTRO),
        ]
        return out
