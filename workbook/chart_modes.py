"""How static charts are drawn: the two modes and the environment variable that selects one.

- ``svg`` (the default): each chart is inline SVG drawn by vl-convert; a page needs no
  script and stands on its own.
- ``script``: each chart is its compiled Vega spec in a JSON script element, drawn in the
  reader's browser by one local copy of Vega in the report folder
  (``workbook.batch.chart_assets``). vl-convert's SVG was about a third of the CPU time of a
  Gemeinde report (``docs/batch.md``, "Charts drawn by the page"), so a batch of thousands of
  pages chooses it with ``workbook batch --charts script``.

The batch sets the variable in its kernels; ``workbook.display`` reads it. This module imports
nothing, so the batch's worker processes need not import the chart stack to name a mode.
"""

from __future__ import annotations

STATIC_CHARTS_ENV = "WORKBOOK_STATIC_CHARTS"
STATIC_CHART_MODES = ("svg", "script")
DEFAULT_MODE = "svg"
