"""The static view of an app: one HTML page part (Papermill, batch reports).

Inline SVG charts (``workbook.display.static_html``) and plain HTML tables, no
widgets, no script, no external URL; the same app state always gives the same
bytes. ``StaticView(app).html()`` is the whole app; the helpers (tables, notes,
one block) are shared with the live view, which shows the same tables and notes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..display import static_html
from .base import Block, TopicApp, resolve_chart


def chart_html(chart: Any) -> str:
    """A ``<figure>`` with the chart as inline SVG (static, no script, no URL)."""
    return static_html(chart)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return html.escape(str(value), quote=False)


#: a cell that reads as a number: '2021', '1.234,5', '−3,2 %', '12.345 € pro Jahr', with an
#: optional band in brackets ('63,0 % (57,1 bis 68,9 %)'); '65 bis 69 Jahre' is a label
_NUMBER_CELL = re.compile(r"^[−+\-]?\d[\d.,]*(?:%|\s(?P<unit>[^\d\s()][^\d()]{0,24}?))?\s*(?:\([^()]*\))?$")
_NOT_UNIT_WORDS = {"bis", "und", "oder", "älter", "jünger", "unter", "über", "ab", "von"}


def _number_like(text: str) -> bool:
    m = _NUMBER_CELL.match(text)
    if not m:
        return False
    unit = (m.group("unit") or "").split()
    return len(unit) <= 3 and not _NOT_UNIT_WORDS & {w.casefold() for w in unit}


def _numeric_column(values: list) -> bool:
    """True when every filled cell of a column reads as a number (a dash counts as empty)."""
    seen = False
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            seen = True
            continue
        text = str(v).strip()
        if text in ("", "–", "-"):
            continue
        if not _number_like(text):
            return False
        seen = True
    return seen


def table_html(df: pd.DataFrame, css_class: str = "wb-table") -> str:
    """A formatted frame as a plain HTML table (German strings expected).

    The markup of ``DataFrame.to_html(index=False, escape=True, border=0,
    na_rep="–")``, written directly (pandas' HTML writer costs ~30 ms a table).
    Each column's heading and cells are aligned alike: numbers (and years)
    right, text left (class ``wb-num`` / ``wb-text`` and an inline style, so no
    stylesheet of JupyterLab, Voila or a report can pull them apart).
    """
    if df is None or df.empty:
        return ""
    cls = html.escape(" ".join(["dataframe", *str(css_class).split()]), quote=True)
    # by position: two columns may share a heading
    columns = [df.iloc[:, i].tolist() for i in range(len(df.columns))]
    forced = dict(getattr(df, "attrs", {}).get("align", {}) or {})      # column -> "right" | "left"
    attrs = [' class="wb-num" style="text-align: right;"'
             if forced.get(name, "right" if _numeric_column(col) else "left") == "right"
             else ' class="wb-text" style="text-align: left;"' for name, col in zip(df.columns, columns)]
    out = [f'<table class="{cls}">', "  <thead>", "    <tr>"]
    out.extend(f"      <th{a}>{_cell(c)}</th>" for c, a in zip(df.columns, attrs))
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in zip(*columns) if columns else []:
        out.append("    <tr>")
        out.extend(f"      <td{a}>{_cell(v)}</td>" for v, a in zip(row, attrs))
        out.append("    </tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)


def notes_html(notes: Iterable[str]) -> str:
    notes = [n for n in notes if n]
    if not notes:
        return ""
    return "<div class='wb-notes'>" + "".join(
        f"<div><small>{html.escape(n, quote=False)}</small></div>" for n in notes) + "</div>"


def block_static_html(block: Block) -> str:
    parts = [f"<section class='wb-block' id='wb-{html.escape(block.key)}'>",
             f"<h3>{html.escape(block.title, quote=False)}</h3>"]
    if block.chart is not None:
        parts.append(chart_html(resolve_chart(block.chart)))
    if block.html:
        parts.append(block.html)
    if block.table is not None:
        parts.append(table_html(block.table))
    if block.help:
        parts.append(f"<p class='wb-help'><small>{html.escape(block.help, quote=False)}</small></p>")
    parts.append(notes_html(block.notes))
    parts.append("</section>")
    return "\n".join(parts)


class StaticView:
    """A :class:`~workbook.apps.base.TopicApp` as static HTML: title, notes, header, every block."""

    def __init__(self, app: TopicApp):
        self.app = app

    def html(self) -> str:
        """The whole app as static HTML (inline SVG, plain tables), from one look at the files."""
        from ..snapshot import files_unchanged

        with files_unchanged():
            return self._html()

    def _html(self) -> str:
        app = self.app
        results = app.results()
        parts = ["<div class='wb-app wb-static'>"]
        if app.title:
            parts.append(f"<h2>{html.escape(app.heading(), quote=False)}</h2>")
        for note in app.p.notes:
            parts.append(f"<p class='wb-warning'>{html.escape(note, quote=False)}</p>")
        head = app.header_html()
        if head:
            parts.append(head)
        for block in app.build_blocks(results):
            parts.append(block_static_html(block))
        parts.append("</div>")
        return "\n".join(parts)
