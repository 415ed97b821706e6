"""Altair chart builders of the workbook: DataFrame in, chart out.

Importing this package registers and enables the one theme ("drehbuch",
de-DE locale, colour-blind-safe colours, dash patterns for greyscale). Render
charts with ``workbook.display.show`` (offline JupyterChart or inline SVG) and
export them with ``workbook.export``; never with Altair's default renderer,
which loads Vega from a CDN.

Builders:

- ``fan_chart``: median, 50 % and 90 % bands per scenario on one axis
- ``scenario_legend``: the fan charts' scenario legend alone (static reports draw it once)
- ``subindex_chart``: the seven DDI sub-indices (small multiples or lines)
- ``scenario_bars_2030``: value per scenario in a target year with p5–p95 whiskers
- ``tornado_chart``: one-at-a-time swings coloured by lever group
- ``kreis_map``: choropleth of Kreise, chosen Kreis outlined, optional Land only
- ``compare_chart``: a Kreis among the Kreise of its Land, its type, Germany
- ``line_by_group``, ``stacked_area``, ``cost_curve``, ``split_table_chart``
- ``outage_curve``: capacity per day after a cyber attack, outage and recovery shaded
- ``source_note``: footnote with 'Schätzung: …' and 'Quelle: …' under any chart
"""

from __future__ import annotations

from . import theme
from .common import ValueForm, indicator_label, scenario_labels, select_results, source_note
from .curves import outage_curve
from .generic import cost_curve, line_by_group, split_table_chart, stacked_area
from .maps import compare_chart, kreis_map
from .scenarios import SUBINDICES, fan_chart, scenario_bars_2030, scenario_legend, subindex_chart, tornado_chart
from .theme import SCENARIO_COLORS, SCENARIO_DASHES, THEME_NAME, ensure_theme, locale, scenario_colors

__all__ = [
    "theme", "THEME_NAME", "SCENARIO_COLORS", "SCENARIO_DASHES", "SUBINDICES", "ValueForm",
    "ensure_theme", "locale", "scenario_colors", "indicator_label", "scenario_labels", "select_results",
    "source_note", "fan_chart", "scenario_legend", "subindex_chart", "scenario_bars_2030", "tornado_chart",
    "kreis_map", "compare_chart", "line_by_group", "stacked_area", "cost_curve", "split_table_chart",
    "outage_curve",
]
