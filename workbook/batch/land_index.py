"""``gemeinden/<land>/index.html``: a Land's Gemeinde reports on a map and in a sortable table.

Self-contained and offline like the national index (``workbook.batch.index``, whose CSS,
map drawing and sort script it shares): an inline SVG map of every Gemeinde of the Land
drawn from the Land's GeoJSON (reported ones link to their report, coloured by the
Digitalisierungsindex 2030), and one table row per report: key, name, Kreis, inhabitants
2019, BBSR Stadt- und Gemeindetyp and the report's key 2030 figures from the manifest.

Size (Bayern, 2,056 Gemeinden, measured in ``benchmarks/bench_gemeinden.py``): the table
holds each key figure for the map's scenario, plus the Digitalisierungsindex in every
scenario, not every figure in every scenario as the national Kreis table does; rows are
written without the optional ``</td>``/``</tr>`` end tags (valid HTML5).
"""

from __future__ import annotations

from ..texts import batch as T
from ..texts import fmt_number
from .index import (
    LINKABLE,
    SORT_JS,
    _esc,
    failed_section,
    figure_columns,
    format_value,
    map_legend,
    map_svg,
    page_head,
)

#: the index's map indicator, shown in every scenario in the Land table
MAP_INDICATOR = "ddi.index"


def table_columns(scenarios: list[str], indicators: list[str], map_scenario: str) -> list[tuple[str, str]]:
    """(indicator, scenario) columns: the map indicator in every scenario, the others in the map's."""
    cols = [(MAP_INDICATOR, sc) for sc in scenarios] if MAP_INDICATOR in indicators else []
    cols += [(ind, map_scenario) for ind in indicators if ind != MAP_INDICATOR]
    return cols


def build_land_index(land: str, land_name: str, records: list[dict], info: dict[str, dict], run: dict,
                     boundaries: dict | None, boundary_error: str | None = None,
                     map_scenario: str = "S0", home: str = "../../index.html") -> str:
    """The Land page as a string. ``records``: the Land's Gemeinde records (manifest form,
    ``html`` relative to the output folder); ``info``: per key name, kreis_name,
    population_2019, bbsr_sgtyp_name."""
    from ..data.schema import GEMEINDE_COLUMNS

    prefix = f"gemeinden/{land}/"
    ok = [r for r in records if r.get("status") in LINKABLE]
    failed = [r for r in records if r.get("status") == "failed"]
    scenarios, indicators = figure_columns(ok)
    if map_scenario not in scenarios and scenarios:
        map_scenario = scenarios[0]

    def href(rec: dict) -> str:
        link = str(rec["html"])
        return link[len(prefix):] if link.startswith(prefix) else link

    links = {r["ags"]: href(r) for r in ok}
    names = {a: str(i.get("name", a)) for a, i in info.items()}
    values = {r["ags"]: (r.get("figures") or {}).get("values", {}).get(map_scenario, {}).get(MAP_INDICATOR)
              for r in ok}
    title = T.LAND_INDEX_TITLE.format(land=land_name)

    out = [page_head(title), f'<p class="note"><a href="{_esc(home)}">{_esc(T.LAND_BACK)}</a></p>',
           f"<h1>{_esc(title)}</h1>",
           f"<p>{_esc(T.LAND_INDEX_INTRO.format(n=fmt_number(len(ok), 0), land=land_name))}</p>"]

    out.append(f"<h2>{_esc(T.LAND_MAP_TITLE.format(land=land_name))}</h2>")
    svg = ""
    if boundaries:
        svg, legend = map_svg(boundaries, links, values, names, label=T.LAND_MAP_TITLE.format(land=land_name))
    if svg:
        out.append(svg)
        out.append(map_legend(MAP_INDICATOR, map_scenario, legend))
    else:
        out.append(f'<p class="note">{_esc(T.LAND_MAP_MISSING.format(land=land_name, reason=boundary_error or "?"))}</p>')

    pop, kind = GEMEINDE_COLUMNS["population_2019"], GEMEINDE_COLUMNS["bbsr_sgtyp_name"]
    note = T.LAND_TABLE_NOTE.format(population=pop.label_de, population_source=pop.source_de,
                                    type=kind.label_de, type_source=kind.source_de, scenario=map_scenario)
    out.append(f"<h2>{_esc(T.LAND_TABLE_TITLE)}</h2><p class=\"note\">{_esc(note)}</p>")
    head = [(T.COL_AGS, False), (T.COL_GEMEINDE, False), (T.COL_KREIS, False), (pop.label_de, True),
            (kind.label_de, False)]
    cols = table_columns(scenarios, indicators, map_scenario)
    out.append('<div class="wrap"><table class="sortable gemeinden"><thead><tr>')
    out.append("".join(f'<th rowspan="2" data-col="{i}"{" data-num" if num else ""} scope="col">{_esc(h)}</th>'
                       for i, (h, num) in enumerate(head)))
    # two header rows: the map indicator over its scenarios, every other figure with its scenario
    second = []
    for j, (ind, sc) in enumerate(cols):
        col = len(head) + j
        if ind == MAP_INDICATOR:
            if sc == cols[0][1]:
                n = sum(1 for i, _ in cols if i == MAP_INDICATOR)
                out.append(f'<th colspan="{n}" scope="colgroup">{_esc(T.KEY_INDICATORS[ind][0])}</th>')
            second.append(f'<th data-col="{col}" data-num scope="col">{_esc(sc)}</th>')
        else:
            out.append(f'<th rowspan="2" data-col="{col}" data-num scope="col">'
                       f'{_esc(T.KEY_INDICATORS[ind][0])} ({_esc(sc)})</th>')
    out.append("</tr><tr>" + "".join(second) + "</tr></thead><tbody>")
    rows = []
    for r in sorted(ok, key=lambda r: r["ags"]):
        i = info.get(r["ags"], {})
        vals = (r.get("figures") or {}).get("values", {})
        population = i.get("population_2019")
        cells = [_esc(r["ags"]), f'<a href="{_esc(links[r["ags"]])}">{_esc(r["name"])}</a>',
                 _esc(i.get("kreis_name", "")),
                 _esc(fmt_number(population, 0) if population is not None else T.NO_VALUE),
                 _esc(i.get("bbsr_sgtyp_name", "") or T.NO_VALUE)]
        cells += [_esc(format_value(ind, vals.get(sc, {}).get(ind))) for ind, sc in cols]
        rows.append("<tr><td>" + "<td>".join(cells))     # end tags are optional in HTML5
    out.append("\n".join(rows))
    out.append("</tbody></table></div>")

    out.extend(failed_section(failed))
    run_note = T.LAND_RUN_NOTE.format(seed=run.get("seed", "?"), draws=run.get("draws", "?"),
                                      scenario=run.get("scenario", "?"), finished=run.get("finished", "?"))
    out.append(f'<p class="note">{_esc(run_note)} <a href="{_esc(home)}">{_esc(T.LAND_BACK)}</a></p></main>')
    out.append(f"<script>{SORT_JS}</script></body></html>")
    return "".join(out)
