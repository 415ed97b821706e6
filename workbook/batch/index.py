"""``index.html``: a static SVG map and a sortable table of the rendered
Kreis reports, each linking its report, the Länder with Gemeinde reports (each
linking its Land page, ``workbook.batch.land_index``), and the run summary.

Self-contained like the reports: inline SVG and CSS, a few lines of inline
JavaScript that sort the table when a header is clicked (without JavaScript the
table stays sorted by AGS), no external reference. The sort reads each row's
key once (decorate, sort, append in one fragment), so a Land page with 2,056
Gemeinden sorts at a click.
"""

from __future__ import annotations

import html
import itertools
import math

from ..texts import batch as T
from ..texts import drop_control, fmt_number, fmt_percent

SORT_JS = r"""
function de(t) { return t.indexOf('\u2013') >= 0 ? NaN
  : parseFloat(t.replace(/\./g, '').replace(',', '.').replace('\u2212', '-').replace(/[^0-9.+-]/g, '')); }
var collator = new Intl.Collator('de');
document.querySelectorAll('table.sortable th[data-col]').forEach(function (th) {
  th.tabIndex = 0;
  function sort() {
    var table = th.closest('table'), body = table.tBodies[0], col = +th.dataset.col, num = 'num' in th.dataset;
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th[aria-sort]').forEach(function (o) { o.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    // each row's key read once; German figures: 1.234,5 / 97,6 % / '–' for none (always last)
    var rows = Array.prototype.map.call(body.rows, function (r, i) {
      var t = r.cells[col] ? r.cells[col].textContent : '';
      return {row: r, key: num ? de(t) : t, i: i};
    });
    rows.sort(function (a, b) {
      var c;
      if (num) {
        if (isNaN(a.key) || isNaN(b.key)) return (isNaN(a.key) - isNaN(b.key)) || a.i - b.i;
        c = a.key - b.key;
      } else {
        c = collator.compare(a.key, b.key);
      }
      return (asc ? c : -c) || a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.row); });
    body.appendChild(frag);
  }
  th.addEventListener('click', sort);
  th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
});
"""

CSS = """
:root{--ink:#1d2433;--muted:#5b6475;--line:#d5d9e0;--accent:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:75rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
.note{color:var(--muted);font-size:.85rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;white-space:nowrap}
td:nth-child(n+5){text-align:right}
table.gemeinden td:nth-child(4){text-align:right}
table.gemeinden td:nth-child(5){text-align:left}
table.lands td:nth-child(n+3){text-align:right}
table.lands td:nth-child(5){text-align:left}
th[data-col]{cursor:pointer}
th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
thead th{border-bottom:2px solid var(--ink);position:sticky;top:0;background:#fff}
tbody td:nth-child(2),thead th[data-col="1"]{position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 var(--line)}
thead th[data-col="1"]{z-index:2}
@media (max-width:40rem){tbody td:nth-child(2){white-space:normal;min-width:8rem;max-width:45vw}}
svg.map{max-width:34rem;width:100%;height:auto}
svg.map path{stroke:#fff;stroke-width:.4}
svg.map a:hover path,svg.map a:focus path{stroke:#000;stroke-width:1.2}
.legend span{display:inline-block;width:1rem;height:.8rem;margin:0 .2rem 0 .6rem;vertical-align:middle}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.9rem}
dl.run dt{color:var(--muted)}
dl.run dd{margin:0;word-break:break-all}
.failed{color:#9b1c1c}
@media print{thead th,tbody td:nth-child(2){position:static;box-shadow:none}.wrap{overflow:visible}a{color:#000;text-decoration:none}}
"""

# five classes, light to dark, readable in greyscale (ColorBrewer-like blues)
CLASS_COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MISSING_COLOUR = "#e3e3e3"


def _esc(text) -> str:
    return html.escape(drop_control(text), quote=True)


def format_value(indicator: str, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return T.NO_VALUE
    spec = T.KEY_INDICATORS.get(indicator)
    kind = spec[1] if spec else "number"
    if kind == "percent":
        return fmt_percent(value, 1)
    if kind == "int":
        return fmt_number(value, 0)
    return fmt_number(value, 2)


def _rings(geometry: dict):
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def _ring_path(pts: list[tuple[int, int]], keep_small: bool = False) -> str | None:
    """One ring as relative moves; points closer than 2 units (Manhattan) to the last kept one
    are dropped (below a pixel on a phone); a ring left with fewer than 3 points is dropped.
    ``keep_small`` (a place that would vanish, e.g. a small Gemeinde on a Land map): its
    distinct points, or a 2-unit square at its first point."""
    kept = [pts[0]]
    for pt in pts[1:-1]:
        if abs(pt[0] - kept[-1][0]) + abs(pt[1] - kept[-1][1]) >= 2:
            kept.append(pt)
    if len(kept) < 3:
        if not keep_small:
            return None
        kept = list(dict.fromkeys(pts))
        if len(kept) < 3:
            x, y = pts[0]
            return f"M{x} {y}h2v2h-2z"
    moves = [f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in itertools.pairwise(kept)]
    # a minus sign separates numbers on its own (SVG path grammar): "2 -1" -> "2-1"
    return (f"M{kept[0][0]} {kept[0][1]}l" + " ".join(moves) + "z").replace(" -", "-")


def map_svg(boundaries: dict, links: dict[str, str], values: dict[str, float], names: dict[str, str],
            width: int = 600, label: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """An SVG of all features (Kreise, or a Land's Gemeinden); rendered ones link to their
    report, coloured by quintile of ``values``. Returns (svg, legend entries)."""
    feats = [f for f in boundaries.get("features", []) if f.get("geometry")]
    pts = [pt for f in feats for ring in _rings(f["geometry"]) for pt in ring]
    if not pts:
        return "", []
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = width / ((lon1 - lon0) * kx)
    height = (lat1 - lat0) * scale

    finite = sorted(v for v in values.values() if v is not None and math.isfinite(v))
    cuts = [finite[min(len(finite) - 1, int(len(finite) * q / 5))] for q in range(1, 5)] if finite else []

    def colour(v):
        if v is None or not math.isfinite(v) or not cuts:
            return MISSING_COLOUR
        return CLASS_COLOURS[sum(v >= c for c in cuts)]

    parts = [f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
             f'role="img" aria-label="{_esc(label or T.MAP_TITLE)}">']
    for f in sorted(feats, key=lambda f: str(f.get("properties", {}).get("ags", ""))):
        ags = str(f.get("properties", {}).get("ags", ""))
        # whole units of a 600-unit-wide picture, relative moves
        rings = [[(round((x - lon0) * kx * scale), round((lat1 - y) * scale)) for x, y, *_ in ring]
                 for ring in _rings(f["geometry"])]
        rings = [r for r in rings if r]
        d = [p for p in (_ring_path(r) for r in rings) if p]
        if not d and rings:   # too small to draw: still shown (and clickable), as a dot
            d = [p for p in [_ring_path(max(rings, key=len), keep_small=True)] if p]
        if not d:
            continue
        label = names.get(ags, f.get("properties", {}).get("name", ags))
        value = values.get(ags)
        path = (f'<path d="{"".join(d)}" fill="{colour(value) if ags in links else MISSING_COLOUR}">'
                f'<title>{_esc(ags)} {_esc(label)}</title></path>')
        if ags in links:
            parts.append(f'<a href="{_esc(links[ags])}">{path}</a>')
        else:
            parts.append(path)
    parts.append("</svg>")
    legend = []
    if cuts:
        bounds = [finite[0]] + cuts + [finite[-1]]
        text = _bound_texts(bounds)
        for i, col in enumerate(CLASS_COLOURS):
            legend.append((col, f"{text[i]} – {text[i + 1]}"))
    return "".join(parts), legend


def _bound_texts(bounds: list[float]) -> list[str]:
    """The class bounds of the map legend in de-DE form, with as many decimals (2 to 4) as it takes
    for different bounds to read differently (the index of a Land's Gemeinden spans a few hundredths,
    where two decimals made two classes read "0,67 – 0,67")."""
    distinct = len(set(bounds))
    for digits in (2, 3, 4):
        texts = [fmt_number(b, digits) for b in bounds]
        if len(set(texts)) >= distinct:
            return texts
    return texts


LINKABLE = ("ok", "skipped", "earlier")


def figure_columns(ok: list[dict]) -> tuple[list[str], list[str]]:
    """The scenarios (sorted) and key indicators (in ``T.KEY_INDICATORS`` order) the records hold."""
    scenarios: list[str] = []
    found: set[str] = set()
    for r in ok:
        vals = (r.get("figures") or {}).get("values", {})
        for sc, per in vals.items():
            if sc not in scenarios:
                scenarios.append(sc)
            found.update(per)
    scenarios.sort()
    return scenarios, [i for i in T.KEY_INDICATORS if i in found]


def page_head(title: str) -> str:
    return ('<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title><style>{CSS}</style></head><body><main>")


def map_legend(map_indicator: str, map_scenario: str, legend) -> str:
    label = T.KEY_INDICATORS.get(map_indicator, (map_indicator,))[0]
    return ('<p class="note legend">' + _esc(T.MAP_NOTE.format(label=label, year=2030, scenario=map_scenario))
            + "<br>" + "".join(f'<span style="background:{c}"></span>{_esc(t)}' for c, t in legend) + "</p>")


def run_summary(run: dict) -> str:
    out = [f"<h2>{_esc(T.SUMMARY_TITLE)}</h2><dl class=\"run\">"]
    for key, label in T.RUN_LABELS.items():
        if key not in run:
            continue
        value = run[key]
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        out.append(f"<dt>{_esc(label)}</dt><dd>{_esc(value)}</dd>")
    out.append("</dl>")
    return "".join(out)


def lands_section(lands: list[dict]) -> str:
    """The Länder with Gemeinde reports, each linking its Land page."""
    out = [f"<h2>{_esc(T.LANDS_TITLE)}</h2><p class=\"note\">{_esc(T.LANDS_NOTE)}</p>",
           '<div class="wrap"><table class="sortable lands"><thead><tr>']
    head = [(T.COL_LAND_KEY, False), (T.COL_LAND, False), (T.COL_LAND_REPORTS, True),
            (T.COL_LAND_FAILED, True), (T.COL_LAND_PAGE, False)]
    out.append("".join(f'<th data-col="{i}"{" data-num" if num else ""} scope="col">{_esc(h)}</th>'
                       for i, (h, num) in enumerate(head)))
    out.append("</tr></thead><tbody>")
    for land in sorted(lands, key=lambda x: x["land"]):
        out.append(f'<tr><td>{_esc(land["land"])}</td>'
                   f'<td><a href="{_esc(land["href"])}">{_esc(land["land_name"])}</a></td>'
                   f'<td>{_esc(fmt_number(land["ok"], 0))}</td><td>{_esc(fmt_number(land["failed"], 0))}</td>'
                   f'<td><a href="{_esc(land["href"])}">{_esc(T.LINK_LAND)}</a></td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def build_index(records: list[dict], run: dict, boundaries: dict | None, kreise_info: dict[str, dict],
                map_indicator: str = "ddi.index", map_scenario: str = "S0",
                boundary_error: str | None = None, lands: list[dict] | None = None) -> str:
    """The whole index page as a string: Kreis reports (``records``) on a map and in a table,
    the Länder with Gemeinde reports (``lands``: land, land_name, ok, failed, href), the run."""
    ok = [r for r in records if r.get("status") in LINKABLE]
    failed = [r for r in records if r.get("status") == "failed"]
    scenarios, indicators = figure_columns(ok)
    if map_scenario not in scenarios and scenarios:
        map_scenario = scenarios[0]

    links = {r["ags"]: r["html"] for r in ok}
    names = {a: i.get("name", a) for a, i in kreise_info.items()}
    values = {r["ags"]: (r.get("figures") or {}).get("values", {}).get(map_scenario, {}).get(map_indicator)
              for r in ok}

    out = [page_head(T.INDEX_TITLE), f"<h1>{_esc(T.INDEX_TITLE)}</h1><p>{_esc(T.INDEX_INTRO)}</p>"]
    kreis_part = bool(records) or not lands

    if lands:
        out.append(lands_section(lands))

    if kreis_part:
        # map
        out.append(f"<h2>{_esc(T.MAP_TITLE)}</h2>")
        if boundaries:
            svg, legend = map_svg(boundaries, links, values, names)
            out.append(svg)
            out.append(map_legend(map_indicator, map_scenario, legend))
        else:
            out.append(f'<p class="note">{_esc(T.MAP_MISSING.format(reason=boundary_error or "?"))}</p>')

        # table
        out.append(f"<h2>{_esc(T.TABLE_TITLE)}</h2><p class=\"note\">{_esc(T.TABLE_NOTE)}</p>")
        out.append('<div class="wrap"><table class="sortable"><thead><tr>')
        head = [T.COL_AGS, T.COL_NAME, T.COL_LAND, T.COL_REPORT]
        cols = [(ind, sc) for ind in indicators for sc in scenarios]
        out.append("".join(f'<th rowspan="2" data-col="{i}" scope="col">{_esc(h)}</th>' for i, h in enumerate(head)))
        out.append("".join(f'<th colspan="{len(scenarios)}" scope="colgroup">{_esc(T.KEY_INDICATORS[ind][0])}</th>'
                           for ind in indicators))
        out.append("</tr><tr>")
        out.append("".join(f'<th data-col="{len(head) + j}" data-num scope="col">{_esc(sc)}</th>'
                           for j, (_, sc) in enumerate(cols)))
        out.append("</tr></thead><tbody>")
        for r in sorted(ok, key=lambda r: r["ags"]):
            info = kreise_info.get(r["ags"], {})
            vals = (r.get("figures") or {}).get("values", {})
            cells = [f'<td>{_esc(r["ags"])}</td>',
                     f'<td><a href="{_esc(r["html"])}">{_esc(r["name"])}</a></td>',
                     f'<td>{_esc(info.get("land_name", ""))}</td>',
                     f'<td><a href="{_esc(r["html"])}">{_esc(T.LINK_REPORT)}</a></td>']
            for ind, sc in cols:
                v = vals.get(sc, {}).get(ind)
                cells.append(f"<td>{_esc(format_value(ind, v))}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")

        out.extend(failed_section(failed))

    out.append(run_summary(run) + "</main>")
    out.append(f"<script>{SORT_JS}</script></body></html>")
    return "".join(out)


def failed_section(failed: list[dict]) -> list[str]:
    """The index pages' list of failed reports (heading, one line each with its error, the hint)."""
    out = [f"<h2>{_esc(T.FAILED_TITLE)}</h2>"]
    if failed:
        out.append('<ul class="failed">' + "".join(
            f"<li>{_esc(r['ags'])} {_esc(r['name'])}: {_esc(r.get('error') or '')}</li>" for r in failed) + "</ul>")
        out.append(f'<p class="note">{_esc(T.FAILED_HINT)}</p>')
    else:
        out.append(f"<p>{_esc(T.FAILED_NONE)}</p>")
    return out
