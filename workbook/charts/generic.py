"""Generic builders used by several topics: lines by group, stacked areas,
cost against cluster size, and a table drawn as a chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..errors import WorkbookError
from ..texts import charts as T
from . import theme
from .common import ValueForm, check_rows, clip, require_columns, source_note, title


def _group_scales(order: list[str]):
    n = len(order)
    if n > len(theme.CATEGORY_COLORS):
        raise WorkbookError(f"zu viele Gruppen für ein lesbares Diagramm ({n}, höchstens "
                            f"{len(theme.CATEGORY_COLORS)})", column="group")
    return (alt.Scale(domain=order, range=list(theme.CATEGORY_COLORS[:n])),
            alt.Scale(domain=order, range=[list(d) for d in theme.CATEGORY_DASHES[:n]]))


def _order(values, order) -> list[str]:
    present = list(dict.fromkeys(str(v) for v in values))
    if order is None:
        return present
    order = [str(o) for o in order]
    return [o for o in order if o in present] + [v for v in present if v not in order]


def line_by_group(df: pd.DataFrame, *, x: str = "year", y: str = "value", group: str = "group",
                  label: str = "Wert", unit: str | None = None, percent: bool | None = None,
                  order=None, group_title: str = T.LEGEND_GROUP, x_title: str = T.AXIS_YEAR,
                  chart_title: str = "", subtitle: str | None = None, estimate: str | None = None,
                  source: str | None = None, width: int = 560, height: int = 300):
    """One line per group over ``x`` (e.g. offliners by age group and year).

    Colour and dash pattern both separate the groups (greyscale print).
    """
    what = "Liniendiagramm"
    if isinstance(df, pd.DataFrame):
        check_rows(df, what, 500 if what == "Aufteilungstabelle" else 5000)
    require_columns(df, (x, y, group), what)
    data = df[[x, y, group]].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    form = ValueForm.for_values(unit, data[y], percent)
    order = _order(data[group], order)
    color, dash = _group_scales(order)
    out = pd.DataFrame({"x": data[x].to_numpy(), "Gruppe": data[group].astype(str).to_numpy(),
                        "wert": form.round(data[y]).to_numpy(), "Wert": data[y].map(form.text).to_numpy()})
    x_is_year = pd.api.types.is_integer_dtype(data[x]) or x == "year"
    x_enc = alt.X("x:Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1) if x_is_year else alt.Axis(),
                  scale=alt.Scale(nice=False, zero=False))
    base = alt.Chart(out).encode(x=x_enc, color=alt.Color(
        "Gruppe:N", scale=color, title=group_title,
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500)))
    tooltip = [alt.Tooltip("Gruppe:N", title=group_title),
               alt.Tooltip("x:Q", title=x_title, format="d" if x_is_year else ",.2~f"),
               alt.Tooltip("Wert:N", title=label)]
    chart = alt.layer(
        base.mark_line().encode(y=alt.Y("wert:Q", axis=form.axis(label)),
                                strokeDash=alt.StrokeDash("Gruppe:N", scale=dash, title=group_title)),
        base.mark_point(filled=True, size=30).encode(y="wert:Q", tooltip=tooltip),
    ).properties(width=width, height=height, title=title(chart_title, subtitle))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=width)
    return chart


def stacked_area(df: pd.DataFrame, *, x: str = "year", y: str = "value", group: str = "group",
                 label: str = "Wert", unit: str | None = None, percent: bool | None = None,
                 normalize: bool = False, order=None, group_title: str = T.LEGEND_GROUP,
                 x_title: str = T.AXIS_YEAR, chart_title: str = "", subtitle: str | None = None,
                 estimate: str | None = None, source: str | None = None, width: int = 560, height: int = 300):
    """Stacked areas per group (``normalize=True``: shares of the total)."""
    what = "Flächendiagramm"
    if isinstance(df, pd.DataFrame):
        check_rows(df, what, 500 if what == "Aufteilungstabelle" else 5000)
    require_columns(df, (x, y, group), what)
    data = df[[x, y, group]].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    if (data[y] < 0).any():
        row = int(data.index[data[y] < 0][0])
        raise WorkbookError(f"{what}: negative Werte lassen sich nicht stapeln", row=row, column=y)
    form = ValueForm.for_values(unit, data.groupby(x)[y].sum(), percent)
    order = _order(data[group], order)
    color, _ = _group_scales(order)
    rank = {g: i for i, g in enumerate(order)}
    out = pd.DataFrame({"x": data[x].to_numpy(), "Gruppe": data[group].astype(str).to_numpy(),
                        "wert": form.round(data[y]).to_numpy(), "Wert": data[y].map(form.text).to_numpy()})
    out["rang"] = out["Gruppe"].map(rank)
    x_is_year = pd.api.types.is_integer_dtype(data[x]) or x == "year"
    axis = (alt.Axis(title=f"{label} (Anteil in %)", format=",.0%", labelExpr="replace(datum.label, '%', ' %')")
            if normalize else form.axis(label))
    chart = alt.Chart(out).mark_area(line={"color": "#ffffff", "strokeWidth": 1}).encode(
        x=alt.X("x:Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1) if x_is_year else alt.Axis(),
                scale=alt.Scale(nice=False, zero=False)),
        y=alt.Y("wert:Q", stack="normalize" if normalize else "zero", axis=axis),
        color=alt.Color("Gruppe:N", scale=color, title=group_title, sort=order),
        order=alt.Order("rang:Q"),
        tooltip=[alt.Tooltip("Gruppe:N", title=group_title),
                 alt.Tooltip("x:Q", title=x_title, format="d" if x_is_year else ",.2~f"),
                 alt.Tooltip("Wert:N", title=label)],
    ).properties(width=width, height=height, title=title(chart_title, subtitle))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=width)
    return chart


def cost_curve(df: pd.DataFrame, *, x: str = "members", y: str = "cost_per_member_eur",
               group: str | None = None, alone: float | None = None, optimum: int | None = None,
               label: str = T.COST_AXIS_Y, unit: str = "EUR/Jahr", x_title: str = T.COST_AXIS_X,
               chart_title: str = T.COST_TITLE, estimate: str | None = None, source: str | None = None,
               width: int = 520, height: int = 300):
    """Cost per member against the number of members in a shared service.

    ``alone``: the cost of running it alone (horizontal rule); ``optimum``: the
    member count with the lowest cost (vertical rule, labelled).
    """
    what = "Kostenkurve"
    if isinstance(df, pd.DataFrame):
        check_rows(df, what, 500 if what == "Aufteilungstabelle" else 5000)
    cols = (x, y) + ((group,) if group else ())
    require_columns(df, cols, what)
    data = df[list(cols)].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    extra = [alone] if alone is not None else []
    form = ValueForm.for_values(unit, pd.concat([data[y], pd.Series(extra, dtype=float)]), False)
    out = pd.DataFrame({"n": pd.to_numeric(data[x], errors="coerce").to_numpy(),
                        "wert": form.round(data[y]).to_numpy(), "Kosten": data[y].map(form.text).to_numpy()})
    enc = {}
    if group:
        out["Gruppe"] = data[group].astype(str).to_numpy()
        order = _order(out["Gruppe"], None)
        color, dash = _group_scales(order)
        enc = {"color": alt.Color("Gruppe:N", scale=color, title=T.LEGEND_GROUP),
               "strokeDash": alt.StrokeDash("Gruppe:N", scale=dash, title=T.LEGEND_GROUP)}
    tooltip = [alt.Tooltip("n:Q", title=x_title, format="d"), alt.Tooltip("Kosten:N", title=label)]
    base = alt.Chart(out).encode(x=alt.X("n:Q", title=x_title, axis=alt.Axis(format="d", tickMinStep=1),
                                         scale=alt.Scale(nice=False, zero=False)))
    layers = [base.mark_line(color=theme.SCENARIO_COLORS["S1"]).encode(
                  y=alt.Y("wert:Q", axis=form.axis(label), scale=alt.Scale(zero=False)), **enc),
              base.mark_point(filled=True, size=40, color=theme.SCENARIO_COLORS["S1"]).encode(
                  y="wert:Q", tooltip=tooltip, **({"color": enc["color"]} if enc else {}))]
    if alone is not None:
        ref = pd.DataFrame({"wert": [float(form.round(pd.Series([alone]))[0])],
                            "text": [f"{T.COST_ALONE}: {form.text(alone)}"]})
        rule = alt.Chart(ref).encode(y="wert:Q")
        layers.append(rule.mark_rule(color=theme.TEXT_COLOR, strokeDash=[6, 4], strokeWidth=1.5).encode(
            tooltip=alt.Tooltip("text:N", title=T.COST_ALONE)))
        layers.append(rule.mark_text(align="right", baseline="bottom", dy=-4, x=width,
                                     color=theme.TEXT_COLOR).encode(text="text:N"))
    if optimum is not None:
        ref = pd.DataFrame({"n": [int(optimum)], "text": [T.COST_OPTIMUM.format(n=int(optimum))]})
        rule = alt.Chart(ref).encode(x="n:Q")
        layers.append(rule.mark_rule(color=theme.MUTED_COLOR, strokeWidth=1.5))
        layers.append(rule.mark_text(align="right", baseline="top", dx=-4, y=4,
                                     color=theme.MUTED_COLOR).encode(text="text:N"))
    chart = alt.layer(*layers).properties(width=width, height=height, title=title(chart_title))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=width)
    return chart


def split_table_chart(df: pd.DataFrame, *, member: str = "name", columns: dict | None = None,
                      flag: str | None = "pays_more_than_alone", chart_title: str = T.SPLIT_TITLE,
                      estimate: str | None = None, source: str | None = None, col_width: int = 150,
                      row_height: int = 26):
    """A table as a chart: one row per member, formatted cells, flagged rows in red.

    ``columns``: {column: (header, unit)} in display order; the unit decides
    the format (``fmt_unit``; 'share' prints as percent). ``flag``: a boolean
    column; flagged rows are marked red and get the note 'zahlt mehr als allein'.
    """
    from .. import texts

    what = "Aufteilungstabelle"
    if isinstance(df, pd.DataFrame):
        check_rows(df, what, 500 if what == "Aufteilungstabelle" else 5000)
    if not columns:
        raise WorkbookError(f"{what}: keine Spalten gewählt", key="columns")
    need = (member,) + tuple(columns) + ((flag,) if flag else ())
    require_columns(df, need, what)
    members = [str(m) for m in df[member]]
    flags = [bool(v) for v in df[flag]] if flag else [False] * len(df)
    cells = []
    headers = [T.TOOLTIP_KREIS] + [h for h, _ in columns.values()] + ([""] if flag else [])
    for i, (_, r) in enumerate(df.iterrows()):
        row_cells = [(headers[0], members[i])]
        for col, (head, unit) in columns.items():
            row_cells.append((head, texts.fmt_unit(r[col], unit)))
        if flag:
            row_cells.append(("", T.SPLIT_MORE_THAN_ALONE if flags[i] else T.SPLIT_OK))
        for head, txt in row_cells:
            cells.append({"Zeile": i, "Spalte": head, "text": clip(txt, int(col_width / 7)), "markiert": flags[i],
                          "links": head == headers[0] or head == ""})
    data = pd.DataFrame(cells)
    x = alt.X("Spalte:N", sort=headers, title=None,
              axis=alt.Axis(orient="top", ticks=False, domain=False, labelAngle=0, labelFontWeight="bold",
                            labelPadding=8))
    y = alt.Y("Zeile:O", title=None, axis=None)
    band = alt.Chart(pd.DataFrame({"Zeile": [i for i, f in enumerate(flags) if f]})).mark_rect(
        color="#D55E00", opacity=0.12).encode(y=y)
    cells_chart = alt.Chart(data).encode(x=x, y=y, text="text:N")
    plain = cells_chart.transform_filter("!datum.markiert").mark_text(
        fontSize=12, color=theme.TEXT_COLOR)
    marked = cells_chart.transform_filter("datum.markiert").mark_text(
        fontSize=12, color="#A63C00", fontWeight="bold")
    layers = ([band] if any(flags) else []) + [plain] + ([marked] if any(flags) else [])
    chart = alt.layer(*layers).properties(
        width=col_width * len(headers), height=row_height * len(members),
        title=title(chart_title, T.SPLIT_HELP.replace("Wie lese ich das? ", "") if any(flags) else None))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=col_width * len(headers))
    return chart
