"""Scenario charts: fan chart, sub-indices, scenario bars, tornado.

All take the long result table of ``workbook.engine.project()`` (columns
scenario, ags, indicator, unit, year, value, quantile) except the tornado,
which takes a one-at-a-time sensitivity table. Data are reduced to what the
chart draws (one row per scenario and year), rounded, and tooltips carry
preformatted de-DE strings.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .. import texts
from ..errors import WorkbookError
from ..texts import charts as T
from . import theme
from ._template import templated
from .common import (
    QUANTILES,
    ValueForm,
    clip,
    column_texts,
    indicator_label,
    model_note,
    require_columns,
    scenario_labels,
    scenario_order,
    select_results,
    source_note,
    title,
    units_of,
    wrap,
    year_label,
)

#: the seven DDI sub-indices in display order (indicator names of the model contract)
SUBINDICES = ("ddi.strat", "ddi.verw", "ddi.arbeit", "ddi.infra", "ddi.teilhabe", "ddi.lokal", "ddi.gesund")


def _wide_lists(sel: pd.DataFrame, index: list[str]) -> tuple[list[tuple], dict[str, np.ndarray], bool]:
    """The rows of ``sel`` pivoted: the sorted ``index`` keys, and per quantile column (p5..p95,
    default, and 'mid' = p50 or else default) an array aligned with them; and whether all the
    band quantiles are there. The first non-missing value per key and quantile counts."""
    wanted = QUANTILES + ("default",)
    quantiles = column_texts(sel["quantile"])
    values = pd.to_numeric(sel["value"], errors="coerce").to_numpy(dtype=float).tolist()
    keys = list(zip(*(column_texts(sel[c]) if c != "year" else sel[c].tolist() for c in index)))
    # a pivot in plain Python: the selections are a few hundred rows, where pandas' pivot_table
    # costs milliseconds
    table: dict[tuple, dict[str, float]] = {}
    found = False
    wanted_set = set(wanted)
    for k, qname, v in zip(keys, quantiles, values):
        if qname not in wanted_set:
            continue
        found = True
        if v != v:
            continue
        table.setdefault(k, {}).setdefault(qname, float(v))
    if not found:
        raise WorkbookError("Ergebnistabelle: keine Zeile mit quantile in p5/p25/p50/p75/p95/default",
                            column="quantile")
    cols = [c for c in wanted if any(c in row for row in table.values())]
    ordered = sorted(table)
    out = {c: np.array([table[k].get(c, np.nan) for k in ordered], dtype=float) for c in cols}
    has_bands = all(c in out for c in QUANTILES)
    if "p50" in out:
        mid = out["p50"].copy()
        if "default" in out:
            mid = np.where(np.isnan(mid), out["default"], mid)
        out["mid"] = mid
    else:
        out["mid"] = out["default"]
    return ordered, out, has_bands


def _wide_quantiles(sel: pd.DataFrame, index: list[str]) -> tuple[pd.DataFrame, bool]:
    """One row per ``index`` with columns p5..p95 (and 'mid' = p50 or default).

    Returns (frame, has_bands).
    """
    ordered, cols, has_bands = _wide_lists(sel, index)
    wide = pd.DataFrame({**{c: [k[i] for k in ordered] for i, c in enumerate(index)}, **cols})
    return wide, has_bands


def _scenario_scales(ids: list[str], labels: dict[str, str]):
    domain = [labels[s] for s in ids]
    color = alt.Scale(domain=domain, range=theme.scenario_colors(ids))
    dash = alt.Scale(domain=domain, range=theme.scenario_dashes(ids))
    return color, dash


def fan_chart(results: pd.DataFrame, *, ags: str | None = None, indicator: str | None = None,
              scenarios=None, labels: dict | None = None, indicator_labels: dict | None = None,
              chart_title: str | None = None, percent: bool | None = None, bands: bool = True,
              selectable: bool = True, points: bool = True, source: str | None = None, note: bool = True,
              legend: bool = True, width: int = 560, height: int = 320, focus: str | None = None):
    """Median line, 50 % and 90 % bands per scenario, all scenarios on one axis.

    ``focus`` (a scenario id of the table): bands only for that scenario, lines
    for all, so that overlapping bands stay readable (the live apps pass their
    focus scenario).

    ``points=False`` drops the yearly markers that carry the tooltips (lighter
    static reports, where tooltips do nothing); ``legend=False`` leaves the
    scenario legend out (a report shows it once for several fan charts).

    Clicking a legend entry highlights that scenario (others fade); in static
    output all scenarios are drawn alike. Without quantile rows (draws=0) the
    'default' run is drawn as the line, without bands, and the subtitle says so.
    """
    what = "Fächerdiagramm"
    sel = select_results(results, ags=ags, indicator=indicator, scenarios=scenarios, what=what)
    unit = units_of(sel, what)
    name = str(sel["indicator"].iloc[0])
    label = indicator_label(name, indicator_labels)
    keys, wide, has_quantiles = _wide_lists(sel, ["scenario", "year"])
    has_bands = has_quantiles and bands
    ids = scenario_order(k[0] for k in keys)
    labs = scenario_labels(ids, labels)
    vals = np.concatenate([wide[c] for c in QUANTILES + ("mid",) if c in wide])
    form = ValueForm.for_values(unit, vals, percent)

    # the rows in the order of (legend label, year), each column built once as a list
    order = sorted(range(len(keys)), key=lambda i: (labs[str(keys[i][0])], int(keys[i][1])))
    years = [int(keys[i][1]) for i in order]

    def column(name: str) -> np.ndarray:
        return wide[name][order]

    mid = column("mid")
    data = {"Szenario": [labs[str(keys[i][0])] for i in order], "Jahr": np.array(years, dtype=np.int64),
            "mid": form.round_array(mid)}
    if points:  # the tooltip texts travel only with the markers that show them
        data["Median"] = [form.text(v) for v in mid.tolist()]
    if has_bands:
        for c in QUANTILES:
            data[c] = form.round_array(column(c))
        if points:
            data["b50"] = [form.range_text(a, b) for a, b in zip(column("p25").tolist(), column("p75").tolist())]
            data["b90"] = [form.range_text(a, b) for a, b in zip(column("p5").tolist(), column("p95").tolist())]
    data = pd.DataFrame(data)

    y0, y1 = int(data["Jahr"].min()), int(data["Jahr"].max())
    focus = str(focus) if focus is not None and str(focus) in ids and len(ids) > 1 else None
    subtitle = (T.FAN_SUBTITLE if has_bands else T.FAN_SUBTITLE_MEDIAN_ONLY if has_quantiles
                else T.FAN_SUBTITLE_NO_BANDS)
    if has_bands and focus is not None:
        subtitle = T.FAN_SUBTITLE_FOCUS.format(scenario=labs[focus])
    subtitle = [part for ln in subtitle.split(" · ") for part in wrap(ln.strip(), int(width / 6.6), max_lines=3)]
    if selectable and len(ids) > 1:
        subtitle = [*subtitle, T.FAN_SELECT_HINT]
    if len(subtitle) == 1:
        subtitle = subtitle[0]
    head = chart_title or T.FAN_TITLE.format(label=label, start=y0, end=y1)
    note_text = model_note(results, has_quantiles) if note else None
    key = ("fan", tuple(ids), tuple(labs[s] for s in ids), form, label, y0, y1, has_bands, bool(selectable),
           bool(points), bool(legend), width, height, head,
           tuple(subtitle) if isinstance(subtitle, list) else subtitle, note_text, source, focus)

    def build(refs):
        color_scale, dash_scale = _scenario_scales(ids, labs)
        x = alt.X("Jahr:Q", title=T.AXIS_YEAR, scale=alt.Scale(domain=[y0, y1], nice=False),
                  axis=alt.Axis(format="d", tickMinStep=1, tickCount=5))
        y_axis = form.axis(label)
        color = alt.Color("Szenario:N", scale=color_scale, title=T.LEGEND_SCENARIO,
                          legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500,
                                            symbolOpacity=1, columns=1) if legend else None)
        pick = alt.selection_point(fields=["Szenario"], bind="legend", name="szenario_wahl") if selectable else None

        def faded(on: float, off: float):
            return alt.condition(pick, alt.value(on), alt.value(off)) if pick is not None else alt.value(on)

        tooltip = [alt.Tooltip("Szenario:N", title=T.TOOLTIP_SCENARIO),
                   alt.Tooltip("Jahr:Q", title=T.TOOLTIP_YEAR, format="d"),
                   alt.Tooltip("Median:N", title=T.TOOLTIP_MEDIAN)]
        if has_bands:
            tooltip += [alt.Tooltip("b50:N", title=T.TOOLTIP_BAND50), alt.Tooltip("b90:N", title=T.TOOLTIP_BAND90)]

        base = alt.Chart(refs["main"]).encode(x=x, color=color)
        layers = []
        if has_bands:
            band = base if focus is None else base.transform_filter(
                alt.FieldEqualPredicate(field="Szenario", equal=labs[focus]))
            layers.append(band.mark_area(interpolate="monotone").encode(
                y=alt.Y("p5:Q", axis=y_axis, scale=alt.Scale(zero=False)), y2="p95:Q",
                opacity=faded(0.12, 0.02) if focus is None else alt.value(0.18)))
            layers.append(band.mark_area(interpolate="monotone").encode(
                y=alt.Y("p25:Q", axis=y_axis), y2="p75:Q",
                opacity=faded(0.28, 0.03) if focus is None else alt.value(0.32)))
        line_y = alt.Y("mid:Q", axis=y_axis, scale=alt.Scale(zero=False))
        line = base.mark_line(interpolate="monotone").encode(
            y=line_y,
            strokeDash=alt.StrokeDash("Szenario:N", scale=dash_scale, title=T.LEGEND_SCENARIO,
                                      legend=alt.Undefined if legend else None),
            opacity=faded(1.0, 0.2))
        if pick is not None:
            line = line.add_params(pick)
        layers.append(line)
        if points:
            layers.append(base.mark_point(filled=True, size=36).encode(
                y=alt.Y("mid:Q", axis=y_axis), opacity=faded(1.0, 0.15), tooltip=tooltip))
        chart = alt.layer(*layers).properties(width=width, height=height, title=title(head, subtitle))
        if note_text or source:
            chart = source_note(chart, source=source, estimate=note_text, width=width)
        return chart

    return templated(key, build, {"main": data})


def scenario_legend(ids, labels: dict | None = None, *, columns: int = 1):
    """The scenario legend of the fan charts alone (colour and dash pattern per scenario).

    A static report draws it once as its own small SVG: it is the same for
    every Kreis, so it is converted once per process and then comes from the
    SVG cache, while the fan charts are drawn with ``legend=False``.
    """
    ids = scenario_order(ids)
    if not ids:
        raise WorkbookError("Szenario-Legende: keine Szenarien", key="scenarios")
    labs = scenario_labels(ids, labels)
    data = pd.DataFrame({"Szenario": [labs[s] for s in ids], "x": [0] * len(ids), "y": [0] * len(ids)})
    color_scale, dash_scale = _scenario_scales(ids, labs)
    return alt.Chart(data).mark_line(opacity=0).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None),
        color=alt.Color("Szenario:N", scale=color_scale, title=T.LEGEND_SCENARIO,
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500,
                                          symbolOpacity=1, columns=columns, orient="left")),
        strokeDash=alt.StrokeDash("Szenario:N", scale=dash_scale, title=T.LEGEND_SCENARIO),
    ).properties(width=1, height=1)


def subindex_chart(results: pd.DataFrame, *, ags: str | None = None, scenarios=None, kind: str = "multiples",
                   indicators=SUBINDICES, labels: dict | None = None, indicator_labels: dict | None = None,
                   chart_title: str | None = None, source: str | None = None, note: bool = True,
                   points: bool = True, bands: bool = True, columns: int = 4, width: int | None = None,
                   height: int | None = None, focus: str | None = None):
    """The seven DDI sub-indices.

    ``kind="multiples"``: one small panel per sub-index, a line per scenario
    (median) with the 90 % band. ``kind="lines"``: one scenario, one line per
    sub-index (colour and dash per sub-index). ``points=False`` / ``bands=False``
    make a lighter static chart (no tooltip markers / no bands). ``focus``: bands of
    that scenario only (multiples), lines for all.
    """
    what = "Teilindizes"
    if kind not in ("multiples", "lines"):
        raise WorkbookError(f"{what}: kind muss 'multiples' oder 'lines' sein, nicht {kind!r}", key="kind")
    require_columns(results, ("scenario", "ags", "indicator", "unit", "year", "value", "quantile"), what)
    present = set(results["indicator"].astype(str))
    inds = [i for i in indicators if i in present]
    if not inds:
        raise WorkbookError(f"{what}: keiner der Teilindizes ({', '.join(indicators)}) in der Ergebnistabelle",
                            column="indicator")
    parts = [select_results(results[results["indicator"].astype(str) == i], ags=ags, indicator=i,
                            scenarios=scenarios, what=what) for i in inds]
    sel = pd.concat(parts, ignore_index=True)
    if kind == "lines":
        sids = list(dict.fromkeys(sel["scenario"].astype(str)))
        if len(sids) != 1:
            raise WorkbookError(f"{what}: kind='lines' zeigt genau ein Szenario, gewählt: {', '.join(sids)}",
                                key="scenarios")
    unit = units_of(sel, what)
    wide, has_quantiles = _wide_quantiles(sel, ["scenario", "indicator", "year"])
    has_bands = has_quantiles and bands
    form = ValueForm.for_values(unit, wide["mid"], None if unit != "1" else True)
    ind_labels = {i: indicator_label(i, indicator_labels) for i in inds}
    if kind == "multiples":  # panel headers: the name, not its definition in brackets
        ind_labels = {i: clip(lab.split(" (")[0], int((width or 170) / 6.5)) for i, lab in ind_labels.items()}
    ids = scenario_order(wide["scenario"])
    labs = scenario_labels(ids, labels)
    data = pd.DataFrame({
        "Szenario": wide["scenario"].astype(str).map(labs),
        "Teilindex": wide["indicator"].astype(str).map(ind_labels),
        "Jahr": wide["year"].astype(int),
        "mid": form.round(wide["mid"]),
        "Median": wide["mid"].map(form.text),
    })
    if has_bands:
        data["p5"] = form.round(wide["p5"])
        data["p95"] = form.round(wide["p95"])
        data["b90"] = [form.range_text(a, b) for a, b in zip(wide["p5"], wide["p95"])]
    x = alt.X("Jahr:Q", title=T.AXIS_YEAR, axis=alt.Axis(format="d", tickMinStep=1, tickCount=5),
              scale=alt.Scale(nice=False))
    tooltip = [alt.Tooltip("Teilindex:N", title=T.LEGEND_SUBINDEX), alt.Tooltip("Szenario:N"),
               alt.Tooltip("Jahr:Q", format="d"), alt.Tooltip("Median:N", title=T.TOOLTIP_MEDIAN)]
    if has_bands:
        tooltip.append(alt.Tooltip("b90:N", title=T.TOOLTIP_BAND90))
    order = [ind_labels[i] for i in inds]

    if kind == "multiples":
        color_scale, dash_scale = _scenario_scales(ids, labs)
        base = alt.Chart().encode(x=x, color=alt.Color(
            "Szenario:N", scale=color_scale, title=T.LEGEND_SCENARIO,
            legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500, symbolOpacity=1,
                              columns=1)))
        layers = []
        band_base = base
        if focus is not None and str(focus) in labs and len(ids) > 1:
            band_base = base.transform_filter(alt.FieldEqualPredicate(field="Szenario", equal=labs[str(focus)]))
        if has_bands:
            layers.append(band_base.mark_area(opacity=0.15 if band_base is base else 0.25).encode(y=alt.Y("p5:Q", axis=form.axis("Anteil" if
                                                                       form.percent else "Wert")),
                                                              y2="p95:Q"))
        layers.append(base.mark_line().encode(
            y=alt.Y("mid:Q", axis=form.axis("Anteil" if form.percent else "Wert")),
            strokeDash=alt.StrokeDash("Szenario:N", scale=dash_scale, title=T.LEGEND_SCENARIO)))
        if points:
            layers.append(base.mark_point(size=20, filled=True).encode(y="mid:Q", tooltip=tooltip))
        chart = alt.layer(*layers, data=data).properties(
            width=width or 170, height=height or 130).facet(
            facet=alt.Facet("Teilindex:N", sort=order, title=None,
                            header=alt.Header(labelFontSize=12,
                                              labelAnchor="start", labelAlign="left")),
            columns=columns)
        chart = chart.properties(title=title(chart_title or T.SUBINDEX_TITLE))
    else:
        color_scale = alt.Scale(domain=order, range=list(theme.CATEGORY_COLORS[:len(order)]))
        dash_scale = alt.Scale(domain=order, range=[list(d) for d in theme.CATEGORY_DASHES[:len(order)]])
        base = alt.Chart(data).encode(x=x, color=alt.Color(
            "Teilindex:N", scale=color_scale, title=T.LEGEND_SUBINDEX,
            legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=500, symbolOpacity=1)))
        layers = [base.mark_line().encode(y=alt.Y("mid:Q", axis=form.axis("Anteil" if form.percent else "Wert")),
                                          strokeDash=alt.StrokeDash("Teilindex:N", scale=dash_scale,
                                                                    title=T.LEGEND_SUBINDEX))]
        if points:
            layers.append(base.mark_point(size=30, filled=True).encode(y="mid:Q", tooltip=tooltip))
        chart = alt.layer(*layers).properties(width=width or 560, height=height or 320,
                     title=title(chart_title or T.SUBINDEX_TITLE_ONE.format(scenario=data["Szenario"].iloc[0])))
    if note or source:
        chart = source_note(chart, source=source, estimate=model_note(results, has_quantiles) if note else None,
                            width=(width or 170) * (columns if kind == "multiples" else 1))
    return chart


def scenario_bars_2030(results: pd.DataFrame, *, ags: str | None = None, indicator: str | None = None,
                       year: int = 2030, scenarios=None, labels: dict | None = None,
                       indicator_labels: dict | None = None, chart_title: str | None = None,
                       percent: bool | None = None, source: str | None = None, note: bool = True,
                       width: int = 440, height: int | None = None):
    """Value per scenario in one year (median bar), with p5–p95 whiskers."""
    what = "Szenario-Balken"
    sel = select_results(results, ags=ags, indicator=indicator, scenarios=scenarios, what=what)
    years = sorted(set(sel["year"].astype(int)))
    if int(year) not in years:
        raise WorkbookError(f"{what}: Jahr {year} nicht in der Ergebnistabelle (vorhanden: {years[0]}–{years[-1]})",
                            column="year")
    sel = sel[sel["year"].astype(int) == int(year)]
    unit = units_of(sel, what)
    name = str(sel["indicator"].iloc[0])
    label = indicator_label(name, indicator_labels)
    keys, wide, has_bands = _wide_lists(sel, ["scenario"])
    ids = scenario_order(k[0] for k in keys)
    # the whole scenario title, broken onto two lines (the axis splits at the line break)
    labs = {sid: "\n".join(wrap(lab, 34, max_lines=2)) for sid, lab in scenario_labels(ids, labels).items()}
    vals = np.concatenate([wide[c] for c in QUANTILES + ("mid",) if c in wide])
    form = ValueForm.for_values(unit, vals, percent)
    rows = {"Szenario": [labs[str(k[0])] for k in keys], "mid": form.round_array(wide["mid"]),
            "Median": [form.text(v) for v in wide["mid"].tolist()]}
    if has_bands:
        rows["p5"] = form.round_array(wide["p5"])
        rows["p95"] = form.round_array(wide["p95"])
        rows["b90"] = [form.range_text(a, b) for a, b in zip(wide["p5"].tolist(), wide["p95"].tolist())]
    data = pd.DataFrame(rows)
    domain = [labs[s] for s in ids]
    head = chart_title or T.BARS_TITLE.format(label=year_label(label), year=year)
    note_text = model_note(results, has_bands) if note else None
    key = ("bars", tuple(ids), tuple(domain), form, label, int(year), has_bands, width, height, head,
           note_text, source)

    def build(refs):
        y = alt.Y("Szenario:N", sort=domain, title=None,
                  axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLineHeight=14))
        tooltip = [alt.Tooltip("Szenario:N"), alt.Tooltip("Median:N", title=T.TOOLTIP_MEDIAN)]
        if has_bands:
            tooltip.append(alt.Tooltip("b90:N", title=T.TOOLTIP_BAND90))
        base = alt.Chart(refs["main"]).encode(y=y)
        bar = base.mark_bar(height={"band": 0.6}).encode(
            x=alt.X("mid:Q", axis=form.axis(f"{year_label(label)} {year}"), scale=alt.Scale(zero=True)),
            color=alt.Color("Szenario:N", scale=alt.Scale(domain=domain, range=theme.scenario_colors(ids)),
                            legend=None),
            tooltip=tooltip)
        layers = [bar]
        if has_bands:
            layers.append(base.mark_rule(strokeWidth=2, color=theme.TEXT_COLOR).encode(x="p5:Q", x2="p95:Q",
                                                                                       tooltip=tooltip))
            layers.append(base.mark_tick(thickness=2, size=14, color=theme.TEXT_COLOR).encode(x="p5:Q"))
            layers.append(base.mark_tick(thickness=2, size=14, color=theme.TEXT_COLOR).encode(x="p95:Q"))
        layers.append(base.mark_text(align="left", dx=6, dy=-12 if has_bands else 0, fontSize=12).encode(
            x="mid:Q", text="Median:N"))
        chart = alt.layer(*layers).properties(
            width=width, height=height or 44 * len(ids),
            title=title(head, T.BARS_SUBTITLE if has_bands else T.BARS_SUBTITLE_NO_BANDS))
        if note_text or source:
            chart = source_note(chart, source=source, estimate=note_text, width=width)
        return chart

    return templated(key, build, {"main": data})


#: column names of ``workbook.engine.tornado()`` mapped onto the builder's own
_TORNADO_ALIASES = {"label_de": "label", "outcome_low": "low", "outcome_high": "high",
                    "low_value": "low_param", "high_value": "high_param", "unit": "param_unit"}


def tornado_chart(sensitivity: pd.DataFrame, *, base: float | None = None, label: str | None = None,
                  indicator: str | None = None, unit: str = "1", year: int = 2030,
                  percent: bool | None = None, top: int = 12, chart_title: str | None = None,
                  source: str | None = None, note: bool = True, width: int = 480):
    """One-at-a-time swings: a bar per parameter from its low to its high outcome.

    ``sensitivity`` is the table of ``workbook.engine.tornado()`` (key, label_de,
    lever, unit, low_value, high_value, base, outcome_low, outcome_high) or the
    short form: ``key``, ``label``, ``lever`` (kommune | bund_land | markt),
    ``low`` / ``high`` (outcome with the parameter at its min / max, all others
    at default), optional ``base``, ``low_param`` / ``high_param`` /
    ``param_unit``. ``unit`` is the unit of the outcome; ``label`` its German
    name (default: the label of ``indicator``). Sorted by swing, largest on
    top; at most ``top`` rows. The subtitle says how the summed swing splits
    over the lever groups (``attrs['lever_shares']`` when present).
    """
    if isinstance(sensitivity, pd.DataFrame) and "outcome_low" in sensitivity.columns:
        attrs = dict(sensitivity.attrs)
        sensitivity = sensitivity.rename(columns=_TORNADO_ALIASES)
        sensitivity.attrs.update(attrs)
    if label is None:
        label = indicator_label(indicator) if indicator else "Ergebnis"
    what = "Tornado-Diagramm"
    require_columns(sensitivity, ("key", "label", "lever", "low", "high"), what)
    df = sensitivity.copy()
    bad = df[~df["lever"].isin(list(theme.LEVER_COLORS))]
    if len(bad):
        row = int(bad.index[0])
        raise WorkbookError(f"{what}: unbekannte Hebel-Gruppe {bad['lever'].iloc[0]!r} "
                            f"(erwartet: {', '.join(theme.LEVER_COLORS)})", row=row, column="lever")
    for col in ("low", "high"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
        if df[col].isna().any():
            row = int(df.index[df[col].isna()][0])
            raise WorkbookError(f"{what}: keine Zahl", row=row, column=col)
    if base is None:
        if "base" not in df.columns:
            raise WorkbookError(f"{what}: Standardwert fehlt (Spalte 'base' oder Argument base=)", column="base")
        base = float(pd.to_numeric(df["base"], errors="coerce").iloc[0])
    base = float(base)
    df["swing"] = (df["high"] - df["low"]).abs()
    total_swing = float(df["swing"].sum())
    own_shares = ((df.groupby("lever")["swing"].sum() / total_swing).to_dict() if total_swing > 0 else None)
    df = df.sort_values("swing", ascending=False).head(int(top)).reset_index(drop=True)
    form = ValueForm.for_values(unit, pd.concat([df["low"], df["high"], pd.Series([base])]), percent)
    # long lever names break onto a second line (the axis splits at "\n") instead of being cut
    df["label"] = ["\n".join(wrap(lab, 42, max_lines=3)) for lab in df["label"].astype(str)]
    order = list(dict.fromkeys(df["label"]))
    lever_names = [T.LEVER_LABELS[k] for k in theme.LEVER_COLORS]
    rows = []
    for _, r in df.iterrows():
        for side, col, side_label in (("low", "low", T.TORNADO_SIDE_LOW), ("high", "high", T.TORNADO_SIDE_HIGH)):
            param_txt = ""
            if f"{side}_param" in df.columns:
                param_txt = texts.fmt_unit(r[f"{side}_param"], r.get("param_unit", None))
            rows.append({
                "Annahme": str(r["label"]), "Hebel": T.LEVER_LABELS[r["lever"]], "Seite": side_label,
                "start": form.round(pd.Series([base]))[0], "end": form.round(pd.Series([r[col]]))[0],
                "Ergebnis": form.text(r[col]), "Parameterwert": param_txt or texts.MISSING,
                "Spannweite": form.text(abs(r["high"] - r["low"])) if not form.percent
                else texts.fmt_points(abs(r["high"] - r["low"])),
            })
    data = pd.DataFrame(rows)
    y = alt.Y("Annahme:N", sort=order, title=None, axis=alt.Axis(labelExpr="split(datum.label, '\\n')"))
    tooltip = [alt.Tooltip("Annahme:N", title=T.TOOLTIP_PARAMETER), alt.Tooltip("Hebel:N"),
               alt.Tooltip("Seite:N"), alt.Tooltip("Parameterwert:N"),
               alt.Tooltip("Ergebnis:N", title=T.TORNADO_AXIS.format(label=year_label(label), year=year)),
               alt.Tooltip("Spannweite:N", title=T.TOOLTIP_SWING)]
    bars = alt.Chart(data).mark_bar(height={"band": 0.7}, stroke=theme.TEXT_COLOR, strokeWidth=0.5).encode(
        y=y,
        x=alt.X("start:Q", axis=form.axis(T.TORNADO_AXIS.format(label=year_label(label), year=year)),
                scale=alt.Scale(zero=False)),
        x2="end:Q",
        color=alt.Color("Hebel:N", scale=alt.Scale(domain=lever_names, range=list(theme.LEVER_COLORS.values())),
                        title=T.LEGEND_LEVER),
        opacity=alt.Opacity("Seite:N", scale=alt.Scale(domain=[T.TORNADO_SIDE_LOW, T.TORNADO_SIDE_HIGH],
                                                        range=[0.45, 1.0]), legend=None),
        tooltip=tooltip)
    rule = alt.Chart(pd.DataFrame({"base": [form.round(pd.Series([base]))[0]],
                                   "txt": [f"{T.TORNADO_BASE}: {form.text(base)}"]})).mark_rule(
        color=theme.TEXT_COLOR, strokeWidth=1.5).encode(x="base:Q", tooltip=alt.Tooltip("txt:N", title=T.TORNADO_BASE))
    head = chart_title or T.TORNADO_TITLE.format(label=year_label(label), year=year)
    subtitle = [T.TORNADO_SUBTITLE, T.TORNADO_SHADES]
    shares = sensitivity.attrs.get("lever_shares") if hasattr(sensitivity, "attrs") else None
    shares = shares or own_shares
    if shares:
        subtitle.append(T.TORNADO_SHARES.format(parts=" · ".join(
            f"{T.LEVER_LABELS[k]} {texts.fmt_percent(shares.get(k, 0.0), 0)}" for k in theme.LEVER_COLORS)))
    chart = alt.layer(bars, rule).properties(width=width, height=30 * len(order),
                                             title=title(head, subtitle))
    if note or source:
        chart = source_note(chart, source=source,
                            estimate=T.NOTE_MODEL_DEFAULT if note else None, width=width)
    return chart
