"""Shared helpers of the chart builders: selection, labels, number forms, notes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from .. import texts
from ..errors import SelectionError, WorkbookError
from ..texts import charts as T
from . import theme

#: the columns of a footnote's rows (a static page recognises it by them and writes it as HTML)
NOTE_COLUMNS = ("zeile", "text", "art")

RESULT_COLUMNS = ("scenario", "ags", "indicator", "unit", "year", "value", "quantile")
QUANTILES = ("p5", "p25", "p50", "p75", "p95")
SHARE_UNITS = {"share", "Anteil", "%"}


def require_columns(df, columns, what: str) -> None:
    """Refuse a frame that is not a DataFrame or lacks a column, naming it."""
    if not isinstance(df, pd.DataFrame):
        raise WorkbookError(f"{what}: erwartet eine Tabelle (pandas.DataFrame), erhalten {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise WorkbookError(
            f"{what}: Spalte fehlt (erwartet: {', '.join(columns)}; vorhanden: {', '.join(map(str, df.columns))})",
            column=missing[0],
        )


MAX_ROWS = 5000  # Altair's own limit for inline data; aggregate before charting


def check_rows(df: pd.DataFrame, what: str, limit: int = MAX_ROWS) -> None:
    """Refuse a table too large to draw (and to embed in a report)."""
    if len(df) > limit:
        raise WorkbookError(f"{what}: {len(df)} Zeilen sind zu viele für ein Diagramm (höchstens {limit}); "
                            "bitte vorher zusammenfassen")


def scenario_order(ids) -> list[str]:
    """S0..S5 first (in that order), then other ids in order of appearance."""
    seen = list(dict.fromkeys(str(i) for i in ids))
    fixed = [s for s in theme.SCENARIO_COLORS if s in seen]
    return fixed + [s for s in seen if s not in theme.SCENARIO_COLORS]


def scenario_labels(ids, labels: dict | None = None) -> dict[str, str]:
    """Legend label per scenario id: given labels, else 'S1 <title_de>' from the scenario files."""
    out = {}
    known = {}
    if labels is None:
        try:  # the scenario files are the one source of titles
            from ..params import load_scenarios

            for sid, sc in load_scenarios().items():
                # the headline (title_de); short_de is a whole sentence
                short = getattr(sc, "title_de", None) or getattr(sc, "short_de", None)
                if short:
                    known[sid] = f"{sid} {short}" if not str(short).startswith(sid) else str(short)
        except Exception:  # noqa: BLE001 - titles are decoration; ids still identify
            known = {}
    for sid in ids:
        sid = str(sid)
        if labels is not None and sid in labels:
            out[sid] = str(labels[sid])
        else:
            out[sid] = known.get(sid, sid)
    # two scenarios must never share a legend entry
    if len(set(out.values())) < len(out):
        out = {sid: (f"{sid}: {lab}" if not lab.startswith(sid) else lab) for sid, lab in out.items()}
    return out


def _indicator_registry() -> dict:
    """Every topic's indicators (``workbook.topics``: the one list of topics)."""
    from ..topics import indicators

    return indicators()


def indicator_label(name: str, labels: dict | None = None) -> str:
    """German label of an indicator: given labels, else the model registry, else the name."""
    if labels and name in labels:
        return str(labels[name])
    ind = _indicator_registry().get(name)
    label = getattr(ind, "label_de", None) if ind is not None else None
    return str(label) if label else str(name)


def _present(col: pd.Series) -> list[str]:
    """Distinct values of a column as text, in order of appearance (fast for categoricals)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        codes = pd.unique(col.cat.codes.to_numpy())
        return [str(cats[c]) for c in codes if c >= 0]
    return list(dict.fromkeys(str(v) for v in pd.unique(col.to_numpy())))


def column_texts(col: pd.Series) -> list[str]:
    """A column's values as text, one per row; a categorical one (the engine's tables) through its
    few categories instead of one conversion per row (a missing value reads "nan")."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        names = [str(c) for c in col.cat.categories]
        return [names[c] if c >= 0 else "nan" for c in col.cat.codes.to_numpy().tolist()]
    return [str(v) for v in col.tolist()]


def _equals(col: pd.Series, wanted: str) -> pd.Series:
    """Mask of rows whose value, as text, is ``wanted`` (compares codes for categoricals)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = [i for i, c in enumerate(col.cat.categories) if str(c) == wanted]
        return pd.Series(np.isin(col.cat.codes.to_numpy(), cats), index=col.index)
    return col.astype(str) == wanted


def select_results(df, *, ags=None, indicator=None, scenarios=None, what: str) -> pd.DataFrame:
    """Rows of a long result table for one Kreis and one indicator (and chosen scenarios).

    ``ags`` / ``indicator`` may be None when the table holds only one of them.
    """
    require_columns(df, RESULT_COLUMNS, what)
    out = df
    for col, wanted in (("ags", ags), ("indicator", indicator)):
        present = _present(out[col])
        if wanted is None:
            if len(present) != 1:
                raise SelectionError(
                    f"{what}: die Tabelle enthält {len(present)} Werte in '{col}' "
                    f"({', '.join(present[:8])}{' …' if len(present) > 8 else ''}); bitte einen wählen",
                    column=col)
            continue
        wanted = str(wanted)
        if wanted not in present:
            raise SelectionError(
                f"{what}: '{wanted}' nicht in der Ergebnistabelle (vorhanden: "
                f"{', '.join(present[:8])}{' …' if len(present) > 8 else ''})", column=col)
        out = out[_equals(out[col], wanted)]
    present = _present(out["scenario"])
    if scenarios is not None and scenarios != "all":
        wanted_ids = [scenarios] if isinstance(scenarios, str) else [str(s) for s in scenarios]
        for sid in wanted_ids:
            if sid not in present:
                raise SelectionError(
                    f"{what}: Szenario '{sid}' nicht in der Ergebnistabelle (vorhanden: {', '.join(present)})",
                    column="scenario")
        out = out[out["scenario"].astype(str).isin(wanted_ids)]
    if out.empty:
        raise SelectionError(f"{what}: keine Werte für diese Auswahl", column="value")
    return out


def units_of(df: pd.DataFrame, what: str) -> str:
    units = _present(df["unit"])
    if len(units) != 1:
        raise WorkbookError(f"{what}: gemischte Einheiten ({', '.join(units)}) in einem Diagramm",
                            column="unit")
    return units[0]


@dataclass(frozen=True)
class ValueForm:
    """How the values of one chart are written: as percent or as number with unit."""

    unit: str
    percent: bool
    decimals: int

    @classmethod
    def for_values(cls, unit, values, percent: bool | None = None) -> ValueForm:
        unit = "" if unit is None else str(unit)
        arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
        arr = arr[np.isfinite(arr)]
        if percent is None:
            percent = unit in SHARE_UNITS or (
                unit == "1" and arr.size > 0 and float(arr.min()) >= 0.0 and float(arr.max()) <= 1.0)
        if percent:
            return cls(unit, True, 1)
        top = float(np.abs(arr).max()) if arr.size else 0.0
        decimals = 0 if top >= 100 else (1 if top >= 1 else 2)
        return cls(unit, False, decimals)

    def text(self, value) -> str:
        if self.percent:
            return texts.fmt_percent(value, self.decimals)
        return texts.fmt_unit(value, self.unit or None, self.decimals)

    def range_text(self, low, high) -> str:
        if low is None or high is None or pd.isna(low) or pd.isna(high):
            return texts.MISSING
        return f"{self.text(low)} bis {self.text(high)}"

    @property
    def suffix(self) -> str:
        return "%" if self.percent else texts.unit_suffix(self.unit or None)

    def axis_title(self, label: str) -> str:
        suffix = "in %" if self.percent else (f"in {self.suffix}" if self.suffix else "")
        return f"{label} ({suffix})" if suffix else label

    def label_format(self) -> dict:
        """d3 format (and label expression) for axis and legend labels, de-DE via the theme."""
        if self.percent:
            return {"format": ",.0%", "labelExpr": "replace(datum.label, '%', ' %')"}
        return {"format": {0: ",.0f", 1: ",.1~f"}.get(self.decimals, ",.2~f")}

    def axis(self, label: str, **kwargs) -> alt.Axis:
        return alt.Axis(title=self.axis_title(label), **self.label_format(), **kwargs)

    def round(self, series: pd.Series) -> pd.Series:
        """Round for the spec: enough digits for the axes, no noise in the JSON."""
        s = pd.to_numeric(series, errors="coerce").astype(float)
        if self.percent:
            return s.round(4)
        return s.map(lambda v: _round_sig(v, 4))

    def round_array(self, values: np.ndarray) -> np.ndarray:
        """:meth:`round` for a float array (the same numbers)."""
        arr = np.asarray(values, dtype=float)
        if self.percent:
            return np.round(arr, 4)
        return np.array([_round_sig(v, 4) for v in arr.tolist()], dtype=float)


def clip(text, max_chars: int) -> str:
    """Shorten a label to ``max_chars`` characters with an ellipsis.

    Done in Python because Vega's pixel limits measure the text repeatedly
    (slow in vl-convert); the theme sets no pixel limits.
    """
    text = str(text)
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def year_label(label: str) -> str:
    """A label to be followed by 'im Jahr 2030': without its own trailing 'im Jahr'
    ('Kosten des Schulungsprogramms im Jahr' -> '... Schulungsprogramms'), so no word doubles."""
    import re

    return re.sub(r"\s+im Jahr$", "", str(label))


def wrap(text, max_chars: int, max_lines: int = 3) -> list[str]:
    """Break a label into lines of at most ``max_chars`` characters at spaces (nothing is cut
    off; a single word longer than a line stays whole). More than ``max_lines`` lines: the
    last one is shortened with an ellipsis."""
    import textwrap

    lines = textwrap.wrap(str(text), width=max(8, int(max_chars)), break_long_words=False,
                          break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [clip(" ".join(lines[max_lines - 1:]), max_chars)]
    return lines


def share_column(column: str, unit, values) -> bool | None:
    """True for a column named like a share (``*_share``, ``share_*``) without
    a unit whose values lie in 0..1; otherwise None (let the unit decide)."""
    if unit is not None or "share" not in str(column).split("_"):
        return None
    arr = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return True if len(arr) and arr.min() >= 0 and arr.max() <= 1 else None


def _round_sig(value: float, digits: int) -> float:
    if value is None or not math.isfinite(value) or value == 0:
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    if subtitle:
        return alt.TitleParams(text=text, subtitle=subtitle)
    return alt.TitleParams(text=text)


class NoteText(str):
    """A note's printed text plus data that travels with it unprinted (``meta``: the seed of
    the draws), so that a chart stays reproducible without a model symbol in its footnote."""

    def __new__(cls, text: str, **meta):
        obj = super().__new__(cls, text)
        obj.meta = dict(meta)
        return obj

    def __eq__(self, other):
        return str.__eq__(self, other) and getattr(other, "meta", {}) == self.meta

    def __hash__(self):
        return hash((str(self), tuple(sorted(self.meta.items()))))


def model_note(df: pd.DataFrame, bands: bool = True) -> str:
    """The estimate note of a model result, from the table's attrs (draws; the seed goes
    into the note's data as ``startwert``, not into its text)."""
    attrs = getattr(df, "attrs", {}) or {}
    draws, seed = attrs.get("draws"), attrs.get("seed")
    if bands and draws and seed is not None:
        return NoteText(T.NOTE_MODEL.format(draws=texts.fmt_int(draws)), startwert=int(seed), ziehungen=int(draws))
    return T.NOTE_MODEL_DEFAULT


def footer_lines(source: str | None = None, estimate: str | None = None,
                 extra: list[str] | None = None) -> list[str]:
    lines = []
    if estimate:
        lines.append(estimate if estimate.startswith("Schätzung") or estimate.startswith("Modellrechnung")
                     else T.NOTE_ESTIMATE.format(text=estimate))
    if source:
        lines.append(source if source.startswith("Quelle") else T.NOTE_SOURCE.format(source=source))
    lines.extend(extra or [])
    return lines


def source_note(chart, source: str | None = None, estimate: str | None = None, *,
                extra: list[str] | None = None, width: int | None = None):
    """Attach a footnote under ``chart``: 'Schätzung: ...' (italic) and 'Quelle: ...'.

    Returns a vertical concatenation; the footnote is a text mark, so it is part
    of the SVG/PNG export and of the interactive chart alike.
    """
    meta = dict(getattr(estimate, "meta", {}) or {})
    lines = footer_lines(source, estimate, extra)
    if not lines:
        return chart
    # a long note wraps onto further lines instead of being cut off at the chart's edge
    arts, wrapped, more = [], [], []
    for ln in lines:
        art = "schaetzung" if ln.startswith(("Schätzung", "Modellrechnung")) else "quelle"
        for i, part in enumerate(wrap(ln, int(((width or 560) + 60) / 6.2), max_lines=8)):
            wrapped.append(part)
            arts.append(art)
            more.append(int(i > 0))
    lines = wrapped
    data = pd.DataFrame({
        NOTE_COLUMNS[0]: list(range(len(lines))),
        "text": lines,
        "art": arts,
        **({"fortsetzung": more} if any(more) else {}),
        **{k: [v] * len(lines) for k, v in meta.items()},
    })
    base = alt.Chart(data).encode(
        x=alt.value(0),
        y=alt.Y("zeile:O", axis=None, scale=alt.Scale(domain=list(range(len(lines))))),
        text="text:N",
    )
    foot = alt.layer(
        base.transform_filter(alt.datum.art == "schaetzung").mark_text(
            align="left", baseline="middle", fontSize=11, fontStyle="italic", color=theme.MUTED_COLOR),
        base.transform_filter(alt.datum.art == "quelle").mark_text(
            align="left", baseline="middle", fontSize=11, color=theme.MUTED_COLOR),
    ).properties(height=16 * len(lines), width=width or 560)
    return alt.vconcat(chart, foot, spacing=6).resolve_scale(color="independent",
                                                              strokeDash="independent")
