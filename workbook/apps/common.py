"""Helpers shared by the topic apps: source notes, result look-ups, formatted tables."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from ..charts.common import column_texts
from ..texts import apps as T
from ..texts import fmt_unit


def is_gemeinde(ags) -> bool:
    """True for an 8-digit Gemeinde key (a place the apps show with its own figures)."""
    from ..data.places import is_gemeinde as check

    return check(str(ags))


_PLACE_ROWS: dict[tuple, pd.Series] = {}


def place_row(ags: str) -> pd.Series:
    """The Kreis-table row the models read for a place: a Kreis's own row, or a Gemeinde's
    (``data.places.gemeinde_inputs``: its own figures, else its Kreis's) with ``attrs["origin"]``
    ({column: origin}) and the Gemeinde-only columns (kreis_ags, kreis_name, bbsr_sgtyp_name,
    mittelbereich_key, mittelbereich_name). Kept per key and data version (``data.kreise_version``:
    the shipped files and the user's overlay), so the dozens of look-ups of one report cost a
    dictionary hit each; shared, not copied: read it, do not change it."""
    from ..data import kreise_version
    from ..data.kreise import shared_kreise

    key = (str(ags), kreise_version())
    row = _PLACE_ROWS.get(key)
    if row is not None:
        return row
    kreise = shared_kreise()
    if not is_gemeinde(ags):
        row = kreise.loc[kreise["ags"] == ags].iloc[0]
        _keep_row(key, row)
    else:
        keep_gemeinde_rows([ags])
        row = _PLACE_ROWS[key]
    return row


def keep_gemeinde_rows(codes) -> None:
    """:func:`place_row` for several Gemeinden at once (one ``gemeinde_inputs`` call; the batch's
    next places, ``apps.runs``): each row as its own call would give it (the table's columns have
    one dtype whatever the Gemeinden; ``tests/test_engine_blocks.py``)."""
    from ..data import kreise_version
    from ..data.kreise import shared_kreise
    from ..data.places import gemeinde_inputs

    version = kreise_version()
    todo = [str(c) for c in dict.fromkeys(codes) if (str(c), version) not in _PLACE_ROWS]
    if not todo:
        return
    rows = gemeinde_inputs(todo, shared_kreise())
    # the table's marks stay (the models read the data layer's files only for a table marked
    # ``local``), the origin is each Gemeinde's alone
    marks = {k: v for k, v in rows.attrs.items() if k != "origin"}
    for i, code in enumerate(rows["ags"].astype(str)):
        row = rows.iloc[i].copy()
        row.name = 0                       # as the one row of its own table
        row.attrs = {**marks, "origin": dict(rows.attrs["origin"][code])}
        _keep_row((code, version), row)


def _keep_row(key: tuple, row: pd.Series) -> None:
    if len(_PLACE_ROWS) > 512:
        _PLACE_ROWS.clear()
    _PLACE_ROWS[key] = row


#: the apps' name for :func:`place_row` (a Kreis's row, or a Gemeinde's inputs row)
kreis_row = place_row


def kreis_label(kreis_ags: str) -> str:
    """A Kreis as a Gemeinde's comparison names it: "Landkreis Tübingen", a city by its name ("Köln, Stadt")."""
    from ..texts import places as P

    kreis = kreis_row(str(kreis_ags))
    if str(kreis["kreis_type"]) in ("Kreisfreie Stadt", "Stadtkreis"):
        return str(kreis["name"])
    return P.kreis_phrase(kreis["name"], kreis["kreis_type"])


def place_frame(ags: str) -> pd.DataFrame:
    """:func:`place_row` as a one-row table with the data layer's marks (``attrs``), as the models read it."""
    row = place_row(ags)
    frame = row.to_frame().T.reset_index(drop=True).infer_objects()
    frame.attrs = dict(row.attrs)
    return frame


def place_origin(ags: str) -> dict[str, str] | None:
    """{column: origin} of a Gemeinde's inputs (``texts.places.ORIGIN_LABELS``); None for a Kreis."""
    if not is_gemeinde(ags):
        return None
    return dict(place_row(ags).attrs["origin"])


def value_status(ags: str) -> dict[str, str]:
    """column -> fact | estimate | local for one Kreis (the data layer's view); for a Gemeinde its
    Kreis's status, with "fact" for its own and its Mittelbereich's figures and "derived" for
    figures moved from its own (broadband to the end of 2020)."""
    from .. import data as datasets
    from ..data import schema
    from ..data.places import is_gemeinde

    if is_gemeinde(ags):
        row = place_row(ags)
        status = value_status(str(row["kreis_ags"]))
        for name, origin in row.attrs["origin"].items():
            if origin in ("gemeinde", "mittelbereich"):
                status[name] = "fact"
            elif origin == "gemeinde_derived":
                status[name] = "derived"
        return status
    func = getattr(datasets, "value_status", None)
    if func is not None:
        return dict(func(ags[:5] if is_gemeinde(ags) else ags))
    return {name: col.status for name, col in schema.COLUMNS.items()}


#: Kreis-table column -> the Gemeinde registry column (``data.schema.GEMEINDE_COLUMNS``) that is the
#: source of a Gemeinde's own (or its Mittelbereich's) value
GEMEINDE_SOURCE_COLUMNS: dict[str, str] = {
    "name": "name", "area_km2": "area_km2", "population_2019": "population_2019",
    "population_male_2019": "population_male_2019", "population_female_2019": "population_female_2019",
    "density_per_km2": "density_per_km2", "lon": "lon", "lat": "lat",
    "gigabit_share": "gigabit_share_2019", "share_100mbit": "share_100mbit_2019",
    "gp_per_10k": "gp_per_10k_mittelbereich", "rural_weight": "bbsr_sgtyp_name",
}


def source_year(col) -> str:
    """The year of a column's figure: the registry's ``year`` where it has one, else the last
    four-digit year named in its source or description, else '–'."""
    import re

    year = getattr(col, "year", None)
    if year:
        return str(year)
    found = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", f"{col.source} {col.description_de}")
    return found[-1] if found else "–"


def input_source(ags: str, name: str, status: str | None = None) -> tuple[str, str, str | None]:
    """(source as a reader follows it, year, origin) of the input ``name`` of a place; origin is
    None for a Kreis, else the Gemeinde's ``texts.places.ORIGIN_LABELS`` key."""
    from ..data.schema import COLUMNS, GEMEINDE_COLUMNS
    from ..texts import report as R

    col = COLUMNS.get(name)
    st = status if status is not None else value_status(ags).get(name, col.status if col else "fact")
    origin = (place_origin(ags) or {}).get(name) if is_gemeinde(ags) else None
    if st == "local" or origin == "local":
        return T.STATUS_LOCAL, R.DATA_STATUS["local"], origin
    if origin in ("gemeinde", "gemeinde_derived", "mittelbereich") and name in GEMEINDE_SOURCE_COLUMNS:
        gcol = GEMEINDE_COLUMNS[GEMEINDE_SOURCE_COLUMNS[name]]
        if origin == "gemeinde_derived":
            year = source_year(col) if col is not None else source_year(gcol)   # the Kreis table's date
            return R.SOURCE_MOVED.format(source=gcol.source_de), year, origin
        return gcol.source_de, source_year(gcol), origin
    if col is None:
        return "–", "–", origin
    return col.source_de, source_year(col), origin


def status_text(status: str) -> str:
    return {"fact": T.STATUS_FACT, "estimate": T.STATUS_ESTIMATE, "local": T.STATUS_LOCAL,
            "assumption": T.STATUS_ASSUMPTION, "derived": T.STATUS_DERIVED}.get(status, status)


def reader_source(name: str) -> str:
    """The source of a data column as a reader can follow it: publisher, title and date
    (``Column.source_de``), never a package or file name."""
    from ..data.schema import COLUMNS

    return COLUMNS[name].source_de


def data_notes(ags: str, columns: Iterable[str]) -> list[str]:
    """'<Label>: Quelle: <publisher, title, date> · Schätzung' for each data column a block uses;
    for a Gemeinde with the source of its own figure and where the value comes from
    ('· Wert des Kreises')."""
    from ..data.schema import COLUMNS

    status = value_status(ags)
    gemeinde = is_gemeinde(ags)
    out = []
    for name in columns:
        col = COLUMNS[name]
        st = status.get(name, col.status)
        if gemeinde:
            from ..texts import places as P

            source, _year, origin = input_source(ags, name, st)
            # a moved figure says so in its source already
            tail = T.NOTE_SEP + P.ORIGIN_LABELS[origin] if origin and origin != "gemeinde_derived" else ""
            out.append(f"{col.label_de}: " + T.SOURCE_LINE.format(source=source) + T.NOTE_SEP
                       + status_text(st) + tail)
            continue
        source = reader_source(name) if st != "local" else T.STATUS_LOCAL
        out.append(f"{col.label_de}: " + T.SOURCE_LINE.format(source=source) + T.NOTE_SEP + status_text(st))
    return out


def assumption_note(keys: Iterable[str]) -> str:
    """One line naming how many of the parameters behind a block are assumptions."""
    from ..params import load_parameters

    params = load_parameters()
    keys = [k for k in keys if k in params]
    counts = {status: sum(1 for k in keys if params[k].status == status) for status in ("assumption", "derived", "fact")}
    return T.MODEL_NOTE.format(n=len(keys), assumption=counts["assumption"], derived=counts["derived"],
                               fact=counts["fact"])


def topic_keys(prefixes: Iterable[str]) -> list[str]:
    from ..params import load_parameters

    prefixes = tuple(prefixes)
    return [k for k in load_parameters() if k.startswith(prefixes)]


class _Lookup:
    """Values of one result table by (indicator, scenario, year, quantile), indexed per indicator on demand."""

    def __init__(self, results: pd.DataFrame):
        self.results = results
        self.positions = results.groupby("indicator", sort=False, observed=True).indices
        self.tables: dict[str, dict] = {}
        self.bands = bool((results["quantile"] == "p50").any())
        self.columns: tuple[list, list, list, list] | None = None
        self.units: dict[str, str] = {}

    def unit(self, indicator: str) -> str:
        unit = self.units.get(indicator)
        if unit is None:
            rows = self.positions.get(indicator)
            unit = str(self.results["unit"].iloc[rows[0]]) if rows is not None and len(rows) else "1"
            self.units[indicator] = unit
        return unit

    def get(self, indicator: str, scenario: str, year: int, quantile: str):
        table = self.tables.get(indicator)
        if table is None:
            rows = self.positions.get(indicator)
            if rows is None:
                return None
            if self.columns is None:   # the whole table as plain lists once (pandas row access is slow)
                r = self.results
                self.columns = (column_texts(r["scenario"]), r["year"].to_numpy().tolist(),
                                column_texts(r["quantile"]), r["value"].to_numpy(dtype=float).tolist())
            sc, yr, qu, va = self.columns
            table = self.tables[indicator] = {(sc[i], yr[i], qu[i]): va[i] for i in rows.tolist()}
        return table.get((scenario, int(year), quantile))



_LOOKUPS: dict[int, _Lookup] = {}


def _lookup(results: pd.DataFrame) -> _Lookup:
    entry = _LOOKUPS.get(id(results))
    if entry is not None and entry.results is results:
        return entry
    if len(_LOOKUPS) > 8:
        _LOOKUPS.clear()
    entry = _LOOKUPS[id(results)] = _Lookup(results)
    return entry


def pick(results: pd.DataFrame, indicator: str, scenario: str, year: int = 2030,
         quantile: str = "p50") -> float | None:
    """One value from the long table; the 'default' run stands in when there are no quantiles."""
    table = _lookup(results)
    value = table.get(indicator, scenario, year, quantile)
    if value is None:
        value = table.get(indicator, scenario, year, "default")
    if value is None or not math.isfinite(value):
        return None
    return value


def has_bands(results: pd.DataFrame) -> bool:
    return _lookup(results).bands


def unit_of(results: pd.DataFrame, indicator: str) -> str:
    return _lookup(results).unit(indicator)


#: units of whole things: shown without decimals
COUNT_UNITS = {"Personen", "Geräte", "Anzahl", "Fahrten", "Wege", "Kontakte", "Vorgänge", "Mitglieder", "km"}


def fmt(value: float | None, unit: str, percent: bool | None = None, decimals: int | None = None) -> str:
    if value is None:
        return "–"
    if unit == "1" and percent is None:
        percent = True
    return fmt_unit(value, unit, decimals, percent=percent)


def _strip(text: str, suffix: str) -> str:
    return text[: -len(suffix) - 1] if suffix and text.endswith(" " + suffix) else text


def banded(results: pd.DataFrame, indicator: str, scenario: str, year: int = 2030,
           percent: bool | None = None, unit_text: bool = True) -> str:
    """'63,0 % (57,1 bis 68,9 %)' (median, 90 % band) or, without draws, the default value.

    ``unit_text=False`` leaves the unit out of non-percent values (a table names it in the row label).
    """
    from ..texts import report as R

    unit = unit_of(results, indicator)
    mid = pick(results, indicator, scenario, year, "p50")
    lo = pick(results, indicator, scenario, year, "p5") if has_bands(results) else None
    hi = pick(results, indicator, scenario, year, "p95") if has_bands(results) else None
    decimals = 0 if unit.split("/")[0] in COUNT_UNITS else None
    mid_text = fmt(mid, unit, percent, decimals)
    suffix = unit_suffix_of(unit, percent)
    if not unit_text and suffix != "%":
        mid_text = _strip(mid_text, suffix)
    if lo is None or hi is None or not has_bands(results) or abs(hi - lo) <= 1e-9 * max(1.0, abs(hi)):
        return mid_text
    lo_text = _strip(fmt(lo, unit, percent, decimals), suffix)     # the unit once: '95,9 bis 97,9 %'
    hi_text = fmt(hi, unit, percent, decimals)
    if not unit_text and suffix != "%":
        hi_text = _strip(hi_text, suffix)
    return R.BAND.format(mid=mid_text, lo=lo_text, hi=hi_text)


def unit_suffix_of(unit: str, percent: bool | None = None) -> str:
    """What follows the number for this unit: '%' for shares, else the German unit text."""
    from ..texts import unit_suffix

    if (unit == "1" and percent is not False) or percent:
        return "%"
    return unit_suffix(unit)


def indicator_label(name: str) -> str:
    from ..charts import indicator_label as label

    return label(name)


def figures_table(results: pd.DataFrame, indicators: Iterable[str], scenarios: Iterable[str],
                  year: int = 2030, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Formatted table: one row per indicator ('label (unit)'), one column per scenario (median and band)."""
    from ..texts import report as R

    scenarios = list(scenarios)
    rows = []
    present = set(results["indicator"].unique())
    for ind in indicators:
        if ind not in present:
            continue
        label = (labels or {}).get(ind) or indicator_label(ind)
        suffix = unit_suffix_of(unit_of(results, ind))
        if suffix and suffix != "%" and suffix not in label and not label.endswith(")"):
            label = f"{label} ({suffix})"
        row = {R.COL_FIGURE: label}
        for sid in scenarios:
            row[sid] = banded(results, ind, sid, year, unit_text=False)
        rows.append(row)
    return pd.DataFrame(rows, columns=[R.COL_FIGURE, *scenarios])
