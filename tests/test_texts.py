"""de-DE formatting: expected strings written next to their inputs."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook import texts
from workbook.texts import (
    MISSING,
    fmt_compact,
    fmt_date,
    fmt_eur,
    fmt_hours,
    fmt_int,
    fmt_km,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_signed,
    fmt_tonnes,
    fmt_unit,
    fmt_year_range,
)


@pytest.mark.parametrize("value, decimals, expected", [
    (1234.5, 1, "1.234,5"),
    (1400000, 1, "1.400.000,0"),
    (0.5, 2, "0,50"),
    (-1234.5, 1, "\u22121.234,5"),
    (-0.04, 1, "0,0"),            # no negative zero
    (999.96, 1, "1.000,0"),
    (np.float64(12.25), 2, "12,25"),
    (np.int64(83019213), 0, "83.019.213"),
    (None, 1, MISSING),
    (float("nan"), 1, MISSING),
    (math.inf, 1, MISSING),
    (pd.NA, 1, MISSING),
])
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_fmt_number_refuses_booleans_and_bad_decimals():
    assert fmt_number(True) == MISSING
    with pytest.raises(ValueError, match="decimals"):
        fmt_number(1.0, -1)
    with pytest.raises(ValueError, match="decimals"):
        fmt_number(1.0, 1.5)


def test_fmt_number_without_grouping():
    assert fmt_number(1234.5, 1, grouping=False) == "1234,5"


@pytest.mark.parametrize("value, expected", [
    (0.125, "12,5 %"),
    (0.9, "90,0 %"),
    (1, "100,0 %"),
    (0.0004, "0,0 %"),
    (-0.05, "\u22125,0 %"),
    (None, MISSING),
])
def test_fmt_percent(value, expected):
    assert fmt_percent(value) == expected


def test_fmt_percent_decimals_and_points():
    assert fmt_percent(0.3333, 0) == "33 %"
    assert fmt_points(0.031) == "+3,1 Pp."
    assert fmt_points(-0.02) == "\u22122,0 Pp."
    assert fmt_signed(1.5) == "+1,5"
    assert fmt_signed(0) == "0,0"


def test_fmt_int_and_units():
    assert fmt_int(1234) == "1.234"
    assert fmt_int(1234.6) == "1.235"
    assert fmt_eur(1234567) == "1.234.567 €"
    assert fmt_eur(1234567, compact=True) == "1,2 Mio. €"
    assert fmt_eur(2.5e9, compact=True) == "2,5 Mrd. €"
    assert fmt_eur(40.0, 2) == "40,00 €"
    assert fmt_km(73012.4) == "73.012 km"
    assert fmt_tonnes(14.64) == "14,6 t"
    assert fmt_hours(5480.2) == "5.480 h"
    assert fmt_compact(12345) == "12.345"
    assert fmt_compact(6_300_000) == "6,3 Mio."
    assert fmt_eur(None) == MISSING


@pytest.mark.parametrize("value, unit, expected", [
    (0.34, "share", "34,0 %"),
    (0.34, "1", "0,34"),
    (73012.4, "km", "73.012 km"),
    (15.04, "t CO2", "15,0 t CO₂"),
    (200000, "EUR/Jahr", "200.000 € pro Jahr"),
    (0.35, "1/Jahr", "0,35 pro Jahr"),
    (12.0, "Ärzte je 100.000", "12,0 Ärzte je 100.000"),   # unknown unit shown as given
    (None, "km", MISSING),
    (7200.4, "Kontakte/Jahr", "7.200,4 Kontakte pro Jahr"),
    (15.0, "t CO2/Woche", "15,0 t CO₂ pro Woche"),
    (40.0, "EUR/Einwohner", "40,0 € je Einwohner"),
    (2025.0, "Jahr", "2025"),                               # a calendar year, not '2.025,0 Jahr'
    (2030, "Jahr", "2030"),
    (None, "Jahr", MISSING),
    (12.0, "Jahre", "12,0 Jahre"),                         # a duration keeps its unit
])
def test_fmt_unit(value, unit, expected):
    assert fmt_unit(value, unit) == expected


def test_fmt_unit_year_ignores_percent_and_decimals():
    assert fmt_unit(2022.0, "Jahr", 1, percent=False) == "2022"
    assert f"{fmt_unit(2022, 'Jahr', percent=False)} bis {fmt_unit(2030, 'Jahr', percent=False)}" == "2022 bis 2030"


def test_fmt_unit_percent_override():
    assert fmt_unit(0.34, "1", percent=True) == "34,0 %"
    assert fmt_unit(0.34, "1", 0, percent=True) == "34 %"


@pytest.mark.parametrize("value, expected", [
    (dt.date(2020, 12, 31), "31.12.2020"),
    (dt.datetime(2021, 1, 5, 13, 0), "05.01.2021"),
    ("2022-03-01", "01.03.2022"),
    (pd.Timestamp("2019-07-09"), "09.07.2019"),
    (pd.NaT, MISSING),
    (None, MISSING),
])
def test_fmt_date(value, expected):
    assert fmt_date(value) == expected


def test_fmt_date_rejects_garbage():
    with pytest.raises(ValueError, match="ISO date"):
        fmt_date("31.12.2020")
    with pytest.raises(ValueError, match="not a date"):
        fmt_date(12)


def test_year_range_and_exports():
    assert fmt_year_range(2021, 2030) == "2021–2030"
    for name in texts.__all__:
        assert hasattr(texts, name), name


def _parse_de(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".").replace("\u2212", "-").replace("+", ""))


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_fmt_number_reads_back(value, decimals):
    text = fmt_number(value, decimals)
    assert _parse_de(text) == pytest.approx(round(value, decimals), abs=10 ** -decimals)
    assert " " not in text and "e" not in text.lower()
    int_part = text.lstrip("\u2212").split(",")[0]
    groups = int_part.split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_fmt_percent_reads_back(share):
    text = fmt_percent(share)
    assert text.endswith(" %")
    assert _parse_de(text[:-2]) == pytest.approx(share * 100, abs=0.051)
