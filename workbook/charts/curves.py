"""Curves over days: the capacity of the administration after a cyber attack,
with the outage and recovery windows marked."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from ..errors import WorkbookError
from ..texts import charts as T
from ..texts import fmt_int, fmt_number
from . import theme
from .common import ValueForm, check_rows, require_columns, source_note, title
from .generic import _group_scales, _order


def _days_text(days: float) -> str:
    return fmt_int(days) if float(days).is_integer() else fmt_number(days, 1)


def outage_curve(df: pd.DataFrame, *, outage_days: float, recovery_days: float, x: str = "day",
                 y: str = "capacity_share", group: str = "group", backlog: str | None = "backlog_cases",
                 label: str = T.OUTAGE_AXIS_CAPACITY, order=None, group_title: str = T.LEGEND_GROUP,
                 x_title: str = T.OUTAGE_AXIS_DAY, chart_title: str = "", subtitle: str | None = None,
                 estimate: str | None = None, source: str | None = None, width: int = 560,
                 height: int = 280):
    """Share of normal capacity per day after an attack, one line per group.

    Day d holds the average of the time from d - 1 to d; the lines start at 100 % on day 0.
    The outage (0..D) is shaded dark, the recovery (D..D + R) light, each labelled with its
    length (one label line each, so a short outage does not hide the recovery label). ``backlog``: an optional column of
    cases left undone by the end of the day, shown in the tooltip.
    """
    what = "Ausfallkurve"
    require_columns(df, (x, y, group) + ((backlog,) if backlog else ()), what)
    check_rows(df, what)
    for name, value in (("outage_days", outage_days), ("recovery_days", recovery_days)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise WorkbookError(f"{what}: erwartet eine Zahl von Tagen >= 0, erhalten {value!r}", key=name)
    data = df[[x, y, group] + ([backlog] if backlog else [])].copy()
    data[y] = pd.to_numeric(data[y], errors="coerce")
    if data[y].isna().any() or (data[y] < 0).any() or (data[y] > 1 + 1e-9).any():
        row = int(data.index[data[y].isna() | (data[y] < 0) | (data[y] > 1 + 1e-9)][0])
        raise WorkbookError(f"{what}: erwartet Anteile zwischen 0 und 1", row=row, column=y)
    form = ValueForm("1", True, 1)
    order = _order(data[group], order)
    color, dash = _group_scales(order)
    out = pd.DataFrame({"x": pd.to_numeric(data[x], errors="coerce").to_numpy(),
                        "Gruppe": data[group].astype(str).to_numpy(),
                        "wert": form.round(data[y]).to_numpy(), "Wert": data[y].map(form.text).to_numpy()})
    out["Rückstand"] = data[backlog].map(fmt_int).to_numpy() if backlog else ""
    start = pd.DataFrame({"x": 0, "Gruppe": order, "wert": 1.0, "Wert": form.text(1.0), "Rückstand": fmt_int(0)})
    out = pd.concat([start, out], ignore_index=True)
    end = max(float(out["x"].max()), outage_days + recovery_days)
    windows = pd.DataFrame({
        "von": [0.0, float(outage_days)], "bis": [float(outage_days), float(outage_days + recovery_days)],
        "text": [T.OUTAGE_WINDOW.format(days=_days_text(outage_days)),
                 T.OUTAGE_RECOVERY.format(days=_days_text(recovery_days))],
        "phase": ["outage", "recovery"], "zeile": [4, 20]})
    windows = windows[windows["bis"] > windows["von"]]
    x_scale = alt.Scale(domain=[0, end], nice=False, zero=True)
    shade = alt.Chart(windows).mark_rect(color=theme.MUTED_COLOR).encode(
        x=alt.X("von:Q", scale=x_scale), x2="bis:Q",
        opacity=alt.Opacity("phase:N", scale=alt.Scale(domain=["outage", "recovery"], range=[0.22, 0.08]),
                            legend=None),
        tooltip=alt.Tooltip("text:N", title=T.TOOLTIP_VALUE))
    marks = alt.Chart(windows).mark_text(align="left", baseline="top", dx=4, color=theme.TEXT_COLOR,
                                         fontSize=11).encode(x=alt.X("von:Q", scale=x_scale),
                                                             y=alt.Y("zeile:Q", scale=None), text="text:N")
    tooltip = [alt.Tooltip("Gruppe:N", title=group_title), alt.Tooltip("x:Q", title=T.OUTAGE_TOOLTIP_DAY, format="d"),
               alt.Tooltip("Wert:N", title=label)]
    if backlog:
        tooltip.append(alt.Tooltip("Rückstand:N", title=T.OUTAGE_TOOLTIP_BACKLOG))
    base = alt.Chart(out).encode(
        x=alt.X("x:Q", title=x_title, scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("Gruppe:N", scale=color, title=group_title,
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500)))
    line = base.mark_line(strokeWidth=2.5).encode(
        y=alt.Y("wert:Q", axis=form.axis(label), scale=alt.Scale(domain=[0, 1])),
        strokeDash=alt.StrokeDash("Gruppe:N", scale=dash, title=group_title), tooltip=tooltip)
    chart = alt.layer(shade, marks, line).properties(width=width, height=height,
                                                      title=title(chart_title, subtitle))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=width)
    return chart
