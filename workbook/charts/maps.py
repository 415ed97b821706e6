"""Maps and comparisons of Kreise: choropleth and 'the Kreis among its peers'.

The choropleth draws Kreise (``kreis_map``) or Gemeinden (``gemeinde_map``: the Gemeinden of
some Kreise, from the per-Land Gemeinde boundaries read by :func:`gemeinde_boundaries`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math

import altair as alt
import numpy as np
import pandas as pd

from ..ags import ascii_digits, is_kreis
from ..errors import SelectionError, WorkbookError
from ..texts import charts as T
from . import theme
from ._template import templated
from .common import ValueForm, clip, require_columns, share_column, source_note, title


def _douglas_peucker(arr: np.ndarray, tol: float) -> np.ndarray:
    """Keep-mask of the Douglas-Peucker simplification of a polyline (iterative)."""
    n = len(arr)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        seg = arr[j] - arr[i]
        pts = arr[i + 1:j] - arr[i]
        norm = math.hypot(seg[0], seg[1])
        if norm == 0.0:  # noqa: SIM108 - two long array expressions read better apart
            dist = np.hypot(pts[:, 0], pts[:, 1])
        else:
            dist = np.abs(pts[:, 0] * seg[1] - pts[:, 1] * seg[0]) / norm
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack.append((i, m))
            stack.append((m, j))
    return keep


def _thin_ring(ring, grid: float):
    """Simplify a closed ring to about ``grid`` degrees (one pixel) and round it.

    Douglas-Peucker with tolerance ``grid`` and coordinates snapped to a grid
    of a tenth of that: invisible at the drawn size, a fraction of the bytes.
    """
    arr = np.asarray(ring, dtype=float)[:, :2]
    if len(arr) > 4:
        arr = arr[_douglas_peucker(arr, grid)]
    decimals = max(2, min(5, int(math.ceil(-math.log10(grid))) + 1))
    snapped = np.round(arr, decimals)
    keep = np.ones(len(snapped), dtype=bool)
    keep[1:] = np.any(snapped[1:] != snapped[:-1], axis=1)
    out = snapped[keep]
    if len(out) >= 2 and np.any(out[0] != out[-1]):
        out = np.vstack([out, out[:1]])
    return out.tolist()


def _signed_area(ring) -> float:
    arr = np.asarray(ring, dtype=float)
    x, y = arr[:, 0], arr[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _orient(ring, exterior: bool):
    """d3-geo (Vega) wants exterior rings clockwise and holes counter-clockwise
    (the reverse of RFC 7946); a wrongly wound ring fills the whole globe."""
    area = _signed_area(ring)
    if (exterior and area > 0) or (not exterior and area < 0):
        return ring[::-1]
    return ring


def _thin_geometry(geom: dict, grid: float) -> dict | None:
    """A lighter copy of a Polygon/MultiPolygon for a map ``grid`` degrees per pixel."""
    kind = geom.get("type")
    if kind == "Polygon":
        polys = [geom["coordinates"]]
    elif kind == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        raise WorkbookError(f"Kreisgrenzen: Geometrie-Typ {kind!r} (erwartet Polygon/MultiPolygon)",
                            key="geometry.type")
    kept = []
    for poly in polys:
        # a ring that collapses below a pixel (or onto a line) is dropped: a
        # zero-area ring has no orientation, and d3 would fill the globe with it
        min_area = 0.5 * grid * grid
        rings = [r for r in (_thin_ring(r, grid) for r in poly)]
        if rings and len(rings[0]) >= 4 and abs(_signed_area(rings[0])) >= min_area:
            kept.append([_orient(rings[0], True)] + [
                _orient(r, False) for r in rings[1:] if len(r) >= 4 and abs(_signed_area(r)) >= min_area])
    if not kept:  # a Kreis smaller than a pixel: keep it, coarsely
        kept = [[_orient(_thin_ring(polys[0][0], grid / 8), True)]]
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def _bbox(features) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for f in features:
        coords = np.asarray([pt for poly in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon"
                                             else [f["geometry"]["coordinates"]]) for ring in poly for pt in ring],
                            dtype=float)
        xs.append((coords[:, 0].min(), coords[:, 0].max()))
        ys.append((coords[:, 1].min(), coords[:, 1].max()))
    return (min(a for a, _ in xs), min(a for a, _ in ys), max(b for _, b in xs), max(b for _, b in ys))


def _is_gemeinde_key(ags) -> bool:
    return isinstance(ags, str) and len(ags) == 8 and ascii_digits(ags) == ags


def _features(boundaries, land: str | None, *, gemeinden: bool = False,
              kreise: tuple[str, ...] | None = None) -> list[dict]:
    """The features of ``boundaries`` in ``land`` (or, for Gemeinden, in ``kreise``), keys checked."""
    what = "Gemeindegrenzen" if gemeinden else "Kreisgrenzen"
    if not isinstance(boundaries, dict) or boundaries.get("type") != "FeatureCollection":
        raise WorkbookError(f"{what}: erwartet eine GeoJSON-FeatureCollection", key="type")
    valid, digits = (_is_gemeinde_key, 8) if gemeinden else (is_kreis, 5)
    feats = []
    for i, f in enumerate(boundaries.get("features", [])):
        props = f.get("properties") or {}
        ags = props.get("ags")
        if not valid(ags):                          # five (eight) ASCII digits (workbook.ags)
            raise WorkbookError(f"{what}: Feature {i} ohne gültige AGS ({digits} Ziffern): {ags!r}",
                                key="properties.ags")
        if (land is None or ags.startswith(land)) and (kreise is None or ags[:5] in kreise):
            feats.append(f)
    if not feats:
        if kreise is not None:
            raise SelectionError(f"Karte: keine Gemeinden in den Kreisen {', '.join(kreise)}", key="kreise")
        raise SelectionError(f"Karte: keine Kreise im Land {land!r}", key="land")
    return feats


def _geometry(boundaries: dict, land: str | None, width: int, *, gemeinden: bool = False,
              kreise: tuple[str, ...] | None = None) -> tuple[str, dict, tuple]:
    """(GeoJSON text thinned to ~1 px at ``width``, {ags: name}, bbox)."""
    feats = _features(boundaries, land, gemeinden=gemeinden, kreise=kreise)
    names = {f["properties"]["ags"]: str(f["properties"].get("name", f["properties"]["ags"])) for f in feats}
    bbox = _bbox(feats)
    grid = max((bbox[2] - bbox[0]) / max(width, 50), 1e-4)
    rows = [{"type": "Feature", "geometry": _thin_geometry(f["geometry"], grid),
             "properties": {"ags": f["properties"]["ags"], "name": names[f["properties"]["ags"]]}}
            for f in sorted(feats, key=lambda f: f["properties"]["ags"])]
    # one JSON string: Altair does not walk thousands of coordinate lists
    # (seconds), and Vega parses it once
    text = json.dumps({"type": "FeatureCollection", "features": rows}, separators=(",", ":"),
                      ensure_ascii=False, sort_keys=True)
    return text, names, bbox


@functools.lru_cache(maxsize=24)
def _default_geometry(land: str | None, width: int) -> tuple[str, dict, tuple]:
    from ..data import load_boundaries

    return _geometry(load_boundaries(), land, width)


def gemeinde_boundaries(land: str) -> dict:
    """The GeoJSON FeatureCollection of a Land's Gemeinden (``workbook.data.load_gemeinde_boundaries``:
    sha256-checked, validated, cached)."""
    from ..data import load_gemeinde_boundaries

    return load_gemeinde_boundaries(land)


@functools.lru_cache(maxsize=24)
def _gemeinde_geometry(kreise: tuple[str, ...], width: int) -> tuple[str, dict, tuple]:
    """The thinned geometry of the Gemeinden of ``kreise`` (sorted 5-digit keys)."""
    features = []
    for land in sorted({k[:2] for k in kreise}):
        features.extend(gemeinde_boundaries(land)["features"])
    return _geometry({"type": "FeatureCollection", "features": features}, None, width, gemeinden=True,
                     kreise=kreise)


def kreis_map(values: pd.DataFrame, column: str, *, boundaries: dict | None = None,
              highlight: str | None = None, land: str | None = None, label: str | None = None,
              unit: str | None = None, percent: bool | None = None, chart_title: str | None = None,
              estimate: str | None = None, source: str | None = None, width: int = 460,
              height: int | None = None, place_labels=None, gemeinden_of: list[str] | None = None):
    """Choropleth of Kreise coloured by ``values[column]`` (joined on ``ags``).

    ``gemeinden_of``: draw the Gemeinden of these Kreise (5-digit keys) instead, ``values``
    keyed by 8-digit Gemeinde keys (see :func:`gemeinde_map`).

    ``place_labels``: AGS whose names are written on the map (at their ``lon``/``lat``
    in ``values``); default: the highlighted Kreis. Every Kreis names itself in the tooltip.

    ``highlight``: AGS drawn with a black outline. ``land``: two-digit Land key
    to draw only that Land's Kreise (small enough for a report). Boundaries are
    thinned to about one pixel at the chosen width, so the spec stays lean.
    ``estimate`` / ``source`` become the footnote (say when the column is an
    estimate).
    """
    what = "Karte"
    require_columns(values, ("ags", column), what)
    if land is not None:
        land = str(land).zfill(2)
        if len(land) != 2 or not land.isdigit():
            raise SelectionError(f"{what}: Land-Schlüssel muss zwei Ziffern haben, nicht {land!r}", key="land")
    level_gemeinde = gemeinden_of is not None
    digits = 8 if level_gemeinde else 5
    area: tuple[str, ...] | None = None
    if level_gemeinde:
        area = tuple(sorted({str(k).zfill(5) for k in gemeinden_of or ()}))
        if not area or not all(is_kreis(k) for k in area):
            raise SelectionError(f"{what}: Kreise der Gemeinden als 5-stellige Schlüssel erwartet, "
                                 f"nicht {list(gemeinden_of or ())[:3]!r}", key="gemeinden_of")
    if boundaries is None:
        geo_text, names, (x0, y0, x1, y1) = (_gemeinde_geometry(area, int(width)) if area is not None
                                             else _default_geometry(land, int(width)))
    else:
        geo_text, names, (x0, y0, x1, y1) = _geometry(boundaries, land, int(width), gemeinden=level_gemeinde,
                                                      kreise=area)
    present_ags = set(names)
    vals = values.assign(ags=values["ags"].astype(str).str.zfill(digits)).drop_duplicates("ags").set_index("ags")
    nums = pd.to_numeric(vals[column], errors="coerce")
    if percent is None:
        percent = share_column(column, unit, nums)
    form = ValueForm.for_values(unit, nums[nums.index.isin(present_ags)], percent)
    if highlight is not None:
        highlight = str(highlight).zfill(digits)
        if highlight not in present_ags:
            raise SelectionError(f"{what}: Kreis {highlight!r} liegt nicht im gezeigten Gebiet", key="highlight")
    lat = math.radians((y0 + y1) / 2)
    shown = nums[nums.index.isin(present_ags)].dropna().sort_index()
    table = pd.DataFrame({"ags": shown.index.astype(str), "wert": form.round(shown).to_numpy(),
                          "text": [form.text(v) for v in shown.to_numpy()]})
    if highlight is not None:
        # the outline is drawn from the rows (hl = 1), so one template serves every Kreis of a Land
        if highlight not in set(table["ags"]):
            table = pd.concat([table, pd.DataFrame({"ags": [highlight], "wert": [np.nan],
                                                    "text": [form.text(np.nan)]})], ignore_index=True)
        table["hl"] = (table["ags"] == highlight).astype(int)
    if height is None:
        aspect = (y1 - y0) / max((x1 - x0) * math.cos(lat), 1e-9)
        height = int(round(width * aspect))
    label = label or column
    subtitle = T.MAP_HIGHLIGHT.format(name=names[highlight]) if highlight is not None else None
    if chart_title is None:
        land_name = None
        if land is not None and "land_name" in values.columns:
            ln = values.loc[values["ags"].astype(str).str.zfill(digits).str.startswith(land), "land_name"]
            land_name = str(ln.iloc[0]) if len(ln) else None
        chart_title = (T.MAP_TITLE_LAND.format(label=label, land=land_name or land) if land is not None
                       else T.MAP_TITLE.format(label=label))
    geo_id = (("custom", hashlib.sha1(geo_text.encode("utf-8")).hexdigest()) if boundaries is not None
              else ("gemeinden", area, int(width)) if area is not None else ("default", land, int(width)))
    if place_labels is None:
        place_labels = [highlight] if highlight is not None else []
    wanted = [str(a).zfill(digits) for a in place_labels if str(a).zfill(digits) in present_ags]
    has_labels = bool(wanted) and {"lon", "lat"} <= set(vals.columns)
    if has_labels:
        pos = vals.loc[wanted]
        place_table = pd.DataFrame({"ort": [names[a] for a in wanted],
                                    "lon": pd.to_numeric(pos["lon"], errors="coerce").to_numpy(),
                                    "lat": pd.to_numeric(pos["lat"], errors="coerce").to_numpy()}).dropna()
        has_labels = not place_table.empty
    key = ("map", geo_id, form, label, highlight is not None, width, height, estimate, source, has_labels)
    head = title(chart_title, subtitle)
    place_title, key_title = ((T.TOOLTIP_GEMEINDE, T.TOOLTIP_GEMEINDE_AGS) if level_gemeinde
                              else (T.TOOLTIP_KREIS, T.TOOLTIP_AGS))

    def build(refs):
        tooltip = [alt.Tooltip("properties.name:N", title=place_title),
                   alt.Tooltip("properties.ags:N", title=key_title),
                   alt.Tooltip("text:N", title=label)]
        legend_fmt = form.label_format()
        color = alt.condition(
            "isValid(datum.wert)",
            alt.Color("wert:Q", scale=alt.Scale(scheme=theme.SEQUENTIAL_SCHEME),
                      legend=alt.Legend(title=form.axis_title(label), orient="right", direction="vertical",
                                        gradientLength=max(120, min(height - 40, 260)), **legend_fmt)),
            alt.value(theme.NO_VALUE_COLOR))
        # geometry and values travel as two datasets joined in the chart: a redraw
        # with another indicator (LiveChart.update) resends only the values
        geo_data = alt.InlineData(values=geo_text, format=alt.DataFormat(type="json", property="features"))
        fields = ["wert", "text"] + (["hl"] if highlight is not None else [])
        geo = alt.Chart(geo_data).transform_lookup(
            lookup="properties.ags", from_=alt.LookupData(data=refs["values"], key="ags", fields=fields),
            default=None)
        layers = [geo.mark_geoshape(stroke="#ffffff", strokeWidth=0.4).encode(
            color=color, tooltip=tooltip).project(type="mercator")]
        if highlight is not None:
            layers.append(geo.transform_filter("datum.hl === 1").mark_geoshape(
                filled=False, stroke=theme.HIGHLIGHT_COLOR, strokeWidth=2.5).encode(tooltip=tooltip
                                                                                     ).project(type="mercator"))
        if has_labels:   # the places by name, on a white halo so they read on every colour
            places = alt.Chart(refs["places"]).encode(longitude="lon:Q", latitude="lat:Q", text="ort:N")
            layers.append(places.mark_text(fontSize=11, fontWeight="bold", stroke="#ffffff", strokeWidth=3,
                                           strokeOpacity=0.9, dy=-2).project(type="mercator"))
            layers.append(places.mark_text(fontSize=11, fontWeight="bold", color=theme.TEXT_COLOR,
                                           dy=-2).project(type="mercator"))
        chart = alt.layer(*layers).properties(width=width, height=height, title=head)
        if estimate or source:
            chart = source_note(chart, source=source, estimate=estimate, width=width)
        return chart

    return templated(key, build, {"values": table, **({"places": place_table} if has_labels else {})},
                     title=head)


def gemeinde_map(values: pd.DataFrame, column: str, *, kreise: list[str], highlight: str | None = None,
                 label: str | None = None, area_name: str | None = None, **kwargs):
    """Choropleth of the Gemeinden of ``kreise`` (5-digit keys) coloured by ``values[column]``
    (``values``: one row per Gemeinde, 8-digit ``ags``); ``highlight``: a Gemeinde drawn with a
    black outline. The title names ``area_name`` (the Kreis) unless ``chart_title`` is given."""
    if area_name is not None and "chart_title" not in kwargs:
        kwargs["chart_title"] = T.MAP_TITLE_GEMEINDEN.format(label=label or column, area=area_name)
    return kreis_map(values, column, highlight=highlight, label=label, gemeinden_of=list(kreise), **kwargs)


def compare_chart(kreise: pd.DataFrame, ags: str, column: str, *, label: str | None = None,
                  unit: str | None = None, percent: bool | None = None, points: bool = True,
                  type_column: str | None = None, chart_title: str | None = None,
                  estimate: str | None = None, source: str | None = None, width: int = 520):
    """The chosen Kreis against the Kreise of the same Land, the same type, and all of Germany.

    ``points=True`` draws every other Kreis as a grey tick (interactive use);
    ``points=False`` only the 10–90 % range and the median of each group (a
    few rows: for reports).
    """
    what = "Vergleich"
    type_column = type_column or ("settlement_type" if "settlement_type" in kreise.columns else "kreis_type")
    require_columns(kreise, ("ags", "name", "land_ags", column, type_column), what)
    df = kreise.assign(ags=kreise["ags"].astype(str).str.zfill(5))
    ags = str(ags).zfill(5)
    me = df[df["ags"] == ags]
    if me.empty:
        raise SelectionError(f"{what}: AGS {ags!r} nicht in der Kreistabelle", key="ags")
    me = me.iloc[0]
    df = df.assign(wert=pd.to_numeric(df[column], errors="coerce")).dropna(subset=["wert"])
    if pd.isna(pd.to_numeric(pd.Series([me[column]]), errors="coerce")[0]):
        raise WorkbookError(f"{what}: kein Wert für {me['name']} ({ags})", row=None, column=column)
    if percent is None:
        percent = share_column(column, unit, df["wert"])
    form = ValueForm.for_values(unit, df["wert"], percent)
    land_name = str(me["land_name"]) if "land_name" in df.columns else str(me["land_ags"])
    kt = str(me[type_column])
    groups = [
        (T.COMPARE_GROUP_LAND.format(land=land_name), df[df["land_ags"].astype(str) == str(me["land_ags"])]),
        (T.COMPARE_GROUP_TYPE.format(kreis_type=T.SETTLEMENT_TYPE_LABELS.get(kt, kt)),
         df[df[type_column].astype(str) == kt]),
        (T.COMPARE_GROUP_ALL, df),
    ]
    order = [g for g, _ in groups]
    summary, ticks = [], []
    for g, part in groups:
        q10, q50, q90 = np.percentile(part["wert"].to_numpy(), [10, 50, 90])
        g = clip(g, 52)
        summary.append({"Gruppe": f"{g} ({len(part)})", "p10": float(form.round(pd.Series([q10]))[0]),
                        "p50": float(form.round(pd.Series([q50]))[0]),
                        "p90": float(form.round(pd.Series([q90]))[0]),
                        "Median": form.text(q50), "Spanne": form.range_text(q10, q90)})
        if points:
            for _, r in part[part["ags"] != ags].iterrows():
                ticks.append({"Gruppe": f"{g} ({len(part)})", "wert": float(form.round(pd.Series([r["wert"]]))[0]),
                              "Kreis": str(r["name"]), "Wert": form.text(r["wert"])})
    order = [s["Gruppe"] for s in summary]
    mine = pd.DataFrame([{"Gruppe": s["Gruppe"], "wert": float(form.round(pd.Series([me[column]]))[0]),
                          "Kreis": str(me["name"]), "Wert": form.text(me[column])} for s in summary])
    y = alt.Y("Gruppe:N", sort=order, title=None)
    x_axis = form.axis(label or column)
    layers = []
    sum_df = pd.DataFrame(summary)
    layers.append(alt.Chart(sum_df).mark_rule(strokeWidth=10, opacity=0.25, color=theme.MUTED_COLOR).encode(
        y=y, x=alt.X("p10:Q", axis=x_axis), x2="p90:Q",
        tooltip=[alt.Tooltip("Gruppe:N"), alt.Tooltip("Spanne:N", title=T.COMPARE_RANGE),
                 alt.Tooltip("Median:N", title=T.COMPARE_MEDIAN)]))
    if points:
        layers.append(alt.Chart(pd.DataFrame(ticks)).mark_tick(color=theme.MUTED_COLOR, opacity=0.6,
                                                               thickness=1, size=16).encode(
            y=y, x=alt.X("wert:Q", axis=x_axis),
            tooltip=[alt.Tooltip("Kreis:N", title=T.TOOLTIP_KREIS), alt.Tooltip("Wert:N", title=label or column)]))
    layers.append(alt.Chart(sum_df).mark_tick(color=theme.TEXT_COLOR, thickness=3, size=26).encode(
        y=y, x=alt.X("p50:Q", axis=x_axis), tooltip=[alt.Tooltip("Median:N", title=T.COMPARE_MEDIAN)]))
    layers.append(alt.Chart(mine).mark_point(filled=True, size=180, color=theme.SCENARIO_COLORS["S1"],
                                             stroke=theme.TEXT_COLOR, strokeWidth=1, opacity=1).encode(
        y=y, x=alt.X("wert:Q", axis=x_axis),
        tooltip=[alt.Tooltip("Kreis:N", title=T.TOOLTIP_KREIS), alt.Tooltip("Wert:N", title=label or column)]))
    head = chart_title or T.COMPARE_TITLE.format(label=label or column, name=me["name"])
    chart = alt.layer(*layers).properties(width=width, height=46 * len(groups), title=title(head))
    if estimate or source:
        chart = source_note(chart, source=source, estimate=estimate, width=width)
    return chart
