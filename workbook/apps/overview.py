"""00_uebersicht: a Kreis at a glance: map, key figures with sources, comparison."""

from __future__ import annotations

import html
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
        """Eckdaten with source and status; for a Gemeinde also the Bezugsgebiet of each value
        (its own, moved, its Mittelbereich's or its Kreis's) and no Kreis total (population 2018)."""
        from ..data.schema import COLUMNS
        from ..texts import places as P

        if self.is_gemeinde:
            row = C.place_row(self.ags)
            origin = row.attrs["origin"]
            status = C.value_status(self.ags)
            rows = []
            for name in FIGURE_COLUMNS:
                col = COLUMNS[name]
                if name not in origin or pd.isna(row[name]):
                    continue
                st = status.get(name, col.status)
                source, _year, where = C.input_source(self.ags, name, st)
                rows.append({T.COL_INDICATOR: col.label_de, T.COL_VALUE: _format(name, row[name]),
                             T.COL_UNIT: "" if col.share or col.unit in ("", "1") else col.unit,
                             R.COL_ORIGIN: P.ORIGIN_LABELS.get(str(where), str(where)),
                             T.COL_SOURCE: source, T.COL_STATUS: C.status_text(st)})
            return pd.DataFrame(rows)
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

    def gemeinde_comparison(self) -> pd.DataFrame:
        """A Gemeinde's value against its Kreis's and the median of the Gemeinden of its type in its Land."""
        from ..data.schema import COLUMNS
        from ..findings import RANKED_ORIGINS, gemeinde_peers
        from ..texts import places as P

        row = C.place_row(self.ags)
        origin = row.attrs["origin"]
        kreis = C.kreis_row(str(row["kreis_ags"]))
        type_name = str(row["bbsr_sgtyp_name"])
        peers = gemeinde_peers(self.ags[:2], type_name)
        status = C.value_status(self.ags)
        median_col = T.COL_MEDIAN.format(group=f"{P.type_plural(type_name)} {P.in_land(kreis['land_name'])}",
                                         count=len(peers))
        rows = []
        for name in COMPARE_COLUMNS:
            own = origin.get(name) in RANKED_ORIGINS and name in peers.columns
            values = pd.to_numeric(peers[name], errors="coerce").dropna() if own else pd.Series(dtype=float)
            rows.append({
                T.COL_INDICATOR: COLUMNS[name].label_de,
                self.kreis_name: _format(name, row[name]),
                R.COL_ORIGIN: P.ORIGIN_LABELS.get(origin.get(name, "kreis"), ""),
                C.kreis_label(str(row["kreis_ags"])): _format(name, kreis[name]),
                median_col: _format(name, values.median()) if len(values) else "–",
                T.COL_STATUS: C.status_text(status.get(name, COLUMNS[name].status)),
            })
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
        if self.is_gemeinde:
            return C.place_row(self.ags).to_frame().T.reset_index(drop=True)
        k = self.kreise()
        return k.loc[k["ags"] == self.ags].reset_index(drop=True)

    def header_html(self) -> str:
        if self.is_gemeinde:
            from ..texts import places as P

            row = C.place_row(self.ags)
            kreis = C.kreis_row(str(row["kreis_ags"]))
            text = R.OVERVIEW_SUBTITLE_GEMEINDE.format(
                gemeindetyp=row["bbsr_sgtyp_name"], in_land=P.in_land(kreis["land_name"]),
                kreis=P.kreis_phrase(kreis["name"], kreis["kreis_type"]),
                population=fmt_number(float(row["population_2019"]), 0), area=fmt_number(float(row["area_km2"]), 1))
            return f"<p>{html.escape(text, quote=False)}</p>"
        row = C.kreis_row(self.ags)
        return (f"<p>{html.escape(str(row['kreis_type']))} in {html.escape(str(row['land_name']))} · "
                f"{fmt_number(float(row['population_2019']), 0)} Einwohner (31.12.2019) · "
                f"{fmt_number(float(row['area_km2']), 1)} km²</p>")

    # -- blocks -----------------------------------------------------------------------
    def blocks(self, results) -> list[Block]:
        from ..charts.maps import compare_chart, kreis_map
        from ..data.schema import COLUMNS

        col_name = self.extra["indicator"]
        col = COLUMNS[col_name]
        estimate = T.ESTIMATE_PER_KREIS if col.is_estimate else None
        source = C.reader_source(col_name)
        k = self.kreise()
        unit = None if col.share else col.unit
        if self.is_gemeinde:
            return self.gemeinde_blocks(k, col_name, col, unit, estimate, source)
        out = [
            Block("map", TC.MAP_TITLE.format(label=col.label_de), help=TC.MAP_HELP,
                  chart=self.chart_for(None, [], lambda: kreis_map(
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

    def gemeinde_blocks(self, k, col_name: str, col, unit, estimate, source) -> list[Block]:
        """A Gemeinde's overview: the map of the Gemeinden around it, its comparison with its Kreis
        and its type, its Eckdaten and where it stands (each value with its Bezugsgebiet)."""
        from ..findings import type_comparison, where_gemeinde_stands
        from .area import gemeinde_map_for

        info = type_comparison(self.ags)[1]
        return [
            Block("map", TC.MAP_BLOCK_GEMEINDEN.format(label=col.label_de), help=TC.MAP_HELP_GEMEINDEN,
                  chart=self.chart_for(None, [], lambda: gemeinde_map_for(
                      self.ags, col_name, label=col.label_de, unit=unit, percent=col.share, estimate=estimate,
                      source=source), "map", col_name, self.ags),
                  notes=C.data_notes(self.ags, [col_name])),
            Block("compare", R.OVERVIEW_COMPARE_GEMEINDE.format(name=self.kreis_name), help=R.OVERVIEW_COMPARE_HELP,
                  table=self.gemeinde_comparison(), notes=C.data_notes(self.ags, COMPARE_COLUMNS)),
            Block("figures", T.FIGURES_TITLE, table=self.figures(), help=T.FIGURES_HELP,
                  notes=C.data_notes(self.ags, [c for c in FIGURE_COLUMNS if c != "population_2018"])),
            Block("where", R.SECTION_WHERE_GEMEINDE, table=where_gemeinde_stands(self.ags),
                  help=R.WHERE_INTRO_GEMEINDE.format(peers=info["peers"], in_land=info["in_land"])),
        ]
