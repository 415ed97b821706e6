"""User-facing German texts and de-DE number/date formatting.

Every number a user sees goes through one of the ``fmt_*`` functions below,
so dashboards, reports, chart tooltips and exports agree on one form:

    fmt_number(1234.5)      -> "1.234,5"
    fmt_percent(0.125)      -> "12,5 %"
    fmt_eur(1234567)        -> "1.234.567 €"
    fmt_eur(1234567, compact=True) -> "1,2 Mio. €"
    fmt_date(date(2020, 12, 31)) -> "31.12.2020"

Missing values (None, NaN) print as ``MISSING`` ("–"); infinities too, since
no figure of the workbook is infinite on purpose. Negative numbers use the
typographic minus sign (U+2212), as the Vega charts with the de-DE locale do.

Topic texts live in sibling modules (``texts.charts``, ``texts.scenarios``,
...); this module holds only the formatters and the d3 format strings that
produce the same forms inside charts.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re

__all__ = [
    "MISSING", "MINUS", "D3_INT", "D3_NUMBER", "D3_PERCENT",
    "to_float", "fmt_number", "fmt_int", "fmt_percent", "fmt_points", "fmt_signed",
    "fmt_eur", "fmt_km", "fmt_tonnes", "fmt_hours", "fmt_compact", "fmt_unit", "fmt_year", "fmt_date",
    "fmt_year_range", "unit_suffix", "drop_control",
]

MISSING = "–"          # en dash: "keine Angabe"
MINUS = "\u2212"       # typographic minus, as d3-format prints it

# d3-format strings that give the same output inside Vega charts once the
# theme's de-DE locale is active (grouping ".", decimal ",").
D3_INT = ",.0f"
D3_NUMBER = ",.1f"
D3_PERCENT = ".1%"      # d3 writes "12,5%"; charts add the space via labelExpr

# C0/C1 control characters other than tab and line breaks: no page or title may carry them
# (a NUL in a Kreis name from a user's file is a parse error in HTML).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def drop_control(text) -> str:
    """``text`` as a string without control characters (tab and line breaks kept)."""
    return CONTROL_CHARS.sub("", str(text))


_COMPACT_STEPS = (
    (1e12, "Bio."),
    (1e9, "Mrd."),
    (1e6, "Mio."),
)


def to_float(value) -> float | None:
    """``value`` as a finite float, or None for None/NaN/inf/non-numbers.

    Booleans are refused (``True`` is not a figure); numeric strings are not
    parsed here: parsing user input belongs to the importers.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        out = float(value)
    else:
        try:  # numpy scalars of odd kinds, pandas NA
            out = float(value)
        except (TypeError, ValueError):
            return None
    if math.isnan(out) or math.isinf(out):
        return None
    return out


def _group_de(text: str) -> str:
    """'1,234.5' (Python's grouping) -> '1.234,5'."""
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _check_decimals(decimals: int) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or not 0 <= decimals <= 12:
        raise ValueError(f"decimals must be an integer 0..12, got {decimals!r}")
    return int(decimals)


def fmt_number(value, decimals: int = 1, *, grouping: bool = True, sign: bool = False) -> str:
    """1234.5 -> '1.234,5'; -0.04 with 1 decimal -> '0,0' (no negative zero).

    ``sign=True`` prints '+' before positive values (for differences).
    """
    x = to_float(value)
    if x is None:
        return MISSING
    d = _check_decimals(decimals)
    body = f"{abs(x):,.{d}f}" if grouping else f"{abs(x):.{d}f}"
    body = _group_de(body)
    if set(body) <= set("0,."):  # rounds to zero: never "−0,0" or "+0,0"
        return body
    if x < 0:
        return MINUS + body
    return ("+" + body) if sign else body


def fmt_int(value, *, sign: bool = False) -> str:
    """1234 -> '1.234'; 1234.6 -> '1.235'."""
    return fmt_number(value, 0, sign=sign)


def fmt_signed(value, decimals: int = 1) -> str:
    """A difference with its sign: 1.5 -> '+1,5'; -2 -> '−2,0'; 0 -> '0,0'."""
    return fmt_number(value, decimals, sign=True)


def fmt_percent(share, decimals: int = 1, *, sign: bool = False) -> str:
    """A share given as a fraction: 0.125 -> '12,5 %'."""
    x = to_float(share)
    if x is None:
        return MISSING
    return fmt_number(x * 100.0, decimals, sign=sign) + " %"


def fmt_points(delta_share, decimals: int = 1) -> str:
    """A difference of two shares in percentage points: 0.031 -> '+3,1 Pp.'."""
    x = to_float(delta_share)
    if x is None:
        return MISSING
    return fmt_number(x * 100.0, decimals, sign=True) + " Pp."


def fmt_compact(value, decimals: int = 1) -> str:
    """Large figures shortened: 1_234_567 -> '1,2 Mio.'; below a million: '12.345'."""
    x = to_float(value)
    if x is None:
        return MISSING
    for step, word in _COMPACT_STEPS:
        if abs(x) >= step:
            return f"{fmt_number(x / step, decimals)} {word}"
    return fmt_number(x, 0)


def fmt_eur(value, decimals: int = 0, *, compact: bool = False) -> str:
    """1234567 -> '1.234.567 €'; compact -> '1,2 Mio. €'."""
    x = to_float(value)
    if x is None:
        return MISSING
    if compact:
        return f"{fmt_compact(x, 1 if decimals == 0 else decimals)} €"
    return f"{fmt_number(x, decimals)} €"


def fmt_km(value, decimals: int = 0) -> str:
    """73012.4 -> '73.012 km'."""
    x = to_float(value)
    return MISSING if x is None else f"{fmt_number(x, decimals)} km"


def fmt_tonnes(value, decimals: int = 1) -> str:
    """14.6 -> '14,6 t'."""
    x = to_float(value)
    return MISSING if x is None else f"{fmt_number(x, decimals)} t"


def fmt_hours(value, decimals: int = 0) -> str:
    """5480.2 -> '5.480 h'."""
    x = to_float(value)
    return MISSING if x is None else f"{fmt_number(x, decimals)} h"


# How a unit string of the parameter records / result table is shown.
# The key is the unit as stored; the value (suffix, default decimals, kind).
_UNIT_FORMS: dict[str, tuple[str, int, str]] = {
    "1": ("", 2, "number"),
    "share": ("", 1, "percent"),
    "Anteil": ("", 1, "percent"),
    "%": ("", 1, "percent"),
    "EUR": ("€", 0, "number"),
    "€": ("€", 0, "number"),
    "EUR/Jahr": ("€ pro Jahr", 0, "number"),
    "EUR/a": ("€ pro Jahr", 0, "number"),
    "EUR/Person": ("€ je Person", 0, "number"),
    "km": ("km", 0, "number"),
    "km/Jahr": ("km pro Jahr", 0, "number"),
    "t": ("t", 1, "number"),
    "t CO2": ("t CO₂", 1, "number"),
    "t CO2/Jahr": ("t CO₂ pro Jahr", 1, "number"),
    "kg": ("kg", 1, "number"),
    "h": ("h", 0, "number"),
    "h/Jahr": ("Stunden pro Jahr", 0, "number"),
    "1/Jahr": ("pro Jahr", 2, "number"),
    "Jahre": ("Jahre", 1, "number"),
    "Tage": ("Tage", 0, "number"),
    "Personen": ("Personen", 0, "number"),
    "Anzahl": ("", 0, "number"),
    # a calendar year is shown as a year: 2025, not '2.025,0 Jahr'
    "Jahr": ("", 0, "year"),
    "year": ("", 0, "year"),
}


def unit_suffix(unit: str | None) -> str:
    """The German suffix shown after a number of this unit ('' for none).

    Known units have a fixed form; others are shown as given, with 'EUR' as
    '€' and '/Jahr', '/Woche', '/Person' written out ('pro Jahr', ...).
    """
    if unit is None:
        return ""
    form = _UNIT_FORMS.get(str(unit))
    if form is not None:
        return form[0]
    text = str(unit)
    text = re.sub(r"\bEUR\b", "€", text)
    text = re.sub(r"\s*/\s*(Jahr|Woche|Monat|Tag)$", r" pro \1", text)
    text = re.sub(r"\s*/\s*(Person|Einwohner|Kopf)$", r" je \1", text)
    return text.replace("CO2", "CO₂")


def fmt_unit(value, unit: str | None, decimals: int | None = None, *, percent: bool | None = None) -> str:
    """A value with its unit: (0.34, 'share') -> '34,0 %'; (73012, 'km') -> '73.012 km'.

    ``percent=True`` shows a dimensionless fraction (unit '1') as a percentage;
    by default only the share units ('share', 'Anteil', '%') do.
    """
    unit_s = None if unit is None else str(unit)
    suffix, default_dec, kind = _UNIT_FORMS.get(unit_s or "", (unit_suffix(unit_s), 1, "number"))
    if kind == "year":
        return fmt_year(value)
    if percent is True or (percent is None and kind == "percent"):
        return fmt_percent(value, 1 if decimals is None else decimals)
    text = fmt_number(value, default_dec if decimals is None else decimals)
    if text == MISSING or not suffix:
        return text
    return f"{text} {suffix}"


def fmt_date(value) -> str:
    """date/datetime/ISO string -> '31.12.2020'."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        if value != value:  # NaT
            return MISSING
        value = value.to_pydatetime()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    raise ValueError(f"not a date: {value!r}")


def fmt_year(value) -> str:
    """2025.0 -> '2025' (a calendar year: no thousands separator, no decimals, no unit)."""
    x = to_float(value)
    return MISSING if x is None else str(int(round(x)))


def fmt_year_range(start: int, end: int) -> str:
    """(2021, 2030) -> '2021–2030'."""
    return f"{int(start)}–{int(end)}"
