"""The shipped base tables, validated and cached (without the user's overlay).

    base_kreise()             the 401 Kreise of kreise.csv (cached, not a copy)
    load_boundaries()         GeoJSON FeatureCollection of the Kreise (``ags``, ``name``)
    load_laender()            GeoJSON FeatureCollection of the 16 Länder
    load_neighbours()         DataFrame[ags_a, ags_b], ags_a < ags_b, shared borders
    load_kreise_age()         DataFrame[ags, age_from, age_to, population_2019]: 21 age groups per Kreis
    load_broadband_history()  DataFrame[ags, period, threshold_mbit, share]: Breitbandatlas 2018-2021
    load_gemeinden()          the 10,799 inhabited Gemeinden of 31.12.2019 (registry: GEMEINDE_COLUMNS)
    load_gemeinde_boundaries(land)  GeoJSON FeatureCollection of one Land's Gemeinden (``ags``, ``name``)
    load_gemeinde_neighbours()      DataFrame[ags_a, ags_b], ags_a < ags_b, Gemeinden sharing a border
    load_gemeinde_successors()      DataFrame[old_ags, old_name, successor_ags, successor_name, basis]
    rural_weight(df)          0 (kreisfreie Großstadt) .. 1 (dünn besiedelt)
    find_kreis(query)         AGS from an AGS or a name fragment
    norm(text)                casefolded, without accents, punctuation to spaces (name and header matching)
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata

import numpy as np
import pandas as pd

from .. import ags as ags_rule
from ..errors import DataError, SelectionError
from ..texts import data as T
from .files import (
    AGE_FILE,
    BOUNDARIES_FILE,
    BROADBAND_FILE,
    GEMEINDE_BOUNDARIES_DIR,
    GEMEINDE_NEIGHBOURS_FILE,
    GEMEINDE_SUCCESSORS_FILE,
    GEMEINDEN_FILE,
    KREISE_FILE,
    LAENDER_FILE,
    NEIGHBOURS_FILE,
    SOURCES_FILE,
    cached,
    data_dir,
    read_verified,
    rel,
    signature,
)
from .schema import COLUMNS, ESTIMATED, GEMEINDE_COLUMNS, KEY, SETTLEMENT_TYPES, pandas_dtypes, validate_frame

N_KREISE = 401
N_GEMEINDEN = 10_799
AGE_COLUMNS = ["ags", "age_from", "age_to", "population_2019"]
BROADBAND_COLUMNS = ["ags", "period", "threshold_mbit", "share"]
#: Lower bounds of the 21 age groups of Regionalstatistik 12411 (age_to = next lower bound, exclusive;
#: the last group 90+ is open, age_to missing).
AGE_GROUPS_FROM = (0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
BROADBAND_PERIODS = ("2018-06", "2018-12", "2019-06", "2019-12", "2020-06", "2020-12", "2021-06")
BROADBAND_THRESHOLDS = (50, 100, 1000)
SUCCESSOR_COLUMNS = ["old_ags", "old_name", "successor_ags", "successor_name", "basis"]
#: how a successor was found (docs/data.md): the Gemeinde that took the old key's BBSR row or its
#: Breitbandatlas row, or whose 2019 boundary took the old key's 2016 area (new key holding the old
#: area's centre point, or the area dissolved into a bordering Gemeinde by area fit)
SUCCESSOR_BASES = ("bbsr_from_ags", "broadband_from_ags", "centre_point", "dissolution")
_GEMEINDE_KEY = re.compile(r"[0-9]{8}")

RURAL_WEIGHT = {name: i / 3 for i, name in enumerate(SETTLEMENT_TYPES)}


# -- the Kreise table ------------------------------------------------------------------

def _parse_kreise() -> pd.DataFrame:
    path = data_dir() / KREISE_FILE
    raw = read_verified(KREISE_FILE)
    import io

    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=pandas_dtypes(), keep_default_na=False,
                         na_values={c: [""] for c in COLUMNS if COLUMNS[c].dtype in ("int", "float")})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=rel(path)) from None
    validate_frame(df, file=rel(path))
    if len(df) != N_KREISE:
        raise DataError(T.ROW_COUNT.format(n=len(df), expected=N_KREISE), file=rel(path))
    return df.sort_values(KEY, kind="stable").reset_index(drop=True)


def base_signature() -> tuple:
    """The signatures of the files behind :func:`base_kreise` (its cache key)."""
    return (signature(data_dir() / KREISE_FILE), signature(data_dir() / SOURCES_FILE))


def base_kreise() -> pd.DataFrame:
    return cached("kreise", base_signature(), _parse_kreise)


def estimated_columns() -> tuple[str, ...]:
    return ESTIMATED


def rural_weight(df: pd.DataFrame) -> np.ndarray:
    """0 (kreisfreie Großstadt), 1/3, 2/3, 1 (dünn besiedelt) from ``settlement_type``; a row's own
    ``rural_weight`` (a Gemeinde's, from its Stadt- und Gemeindetyp: ``places``) wins where given."""
    if "rural_weight" in df.columns:
        own = pd.to_numeric(df["rural_weight"], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(own).all() or "settlement_type" not in df.columns:
            return own
        return np.where(np.isfinite(own), own, rural_weight(df.drop(columns="rural_weight")))
    if "settlement_type" not in df.columns:
        raise DataError(T.MISSING_COLUMNS.format(columns="settlement_type"))
    weights = df["settlement_type"].map(RURAL_WEIGHT)
    if weights.isna().any():
        i = int(np.flatnonzero(weights.isna().to_numpy())[0])
        raise DataError(T.EXPECTED_CATEGORY.format(value=df["settlement_type"].iloc[i],
                                                   allowed=", ".join(SETTLEMENT_TYPES)),
                        column="settlement_type", key=str(df[KEY].iloc[i]) if KEY in df.columns else None)
    return weights.to_numpy(dtype=float)


# -- geometry ----------------------------------------------------------------------

def _geojson(name: str) -> dict:
    def build():
        raw = read_verified(name)
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise DataError(T.JSON_UNREADABLE.format(error=exc), file=rel(data_dir() / name)) from None
        if doc.get("type") != "FeatureCollection":
            raise DataError(T.JSON_UNREADABLE.format(error="no FeatureCollection"), file=rel(data_dir() / name))
        return raw

    sig = (signature(data_dir() / name), signature(data_dir() / SOURCES_FILE))
    return json.loads(cached(name, sig, build))


def load_boundaries() -> dict:
    """Simplified Kreis boundaries: GeoJSON FeatureCollection, properties ``ags`` and ``name``."""
    return _geojson(BOUNDARIES_FILE)


def load_laender() -> dict:
    """Simplified Länder boundaries: GeoJSON FeatureCollection, properties ``ags`` (2 digits), ``name``."""
    return _geojson(LAENDER_FILE)


def load_neighbours() -> pd.DataFrame:
    """Pairs of Kreise sharing a border: DataFrame[ags_a, ags_b] with ags_a < ags_b."""
    def build():
        import io

        raw = read_verified(NEIGHBOURS_FILE)
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
        if list(df.columns) != ["ags_a", "ags_b"] or not (df["ags_a"] < df["ags_b"]).all():
            raise DataError(T.NEIGHBOURS_BAD, file=rel(data_dir() / NEIGHBOURS_FILE))
        return df

    sig = (signature(data_dir() / NEIGHBOURS_FILE), signature(data_dir() / SOURCES_FILE))
    return cached("neighbours", sig, build).copy()


# -- long tables per Kreis ------------------------------------------------------------------

def _long_table(name: str, columns: list[str], dtypes: dict, check) -> pd.DataFrame:
    def build():
        import io

        path = data_dir() / name
        raw = read_verified(name)
        try:
            df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
        except (ValueError, pd.errors.ParserError) as exc:
            raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=rel(path)) from None
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise DataError(T.MISSING_COLUMNS.format(columns=", ".join(missing)), file=rel(path))
        unknown = [c for c in df.columns if c not in columns]
        if unknown:
            raise DataError(T.UNKNOWN_COLUMNS.format(columns=", ".join(unknown)), file=rel(path))
        known = set(base_kreise()[KEY])
        bad = np.flatnonzero(~df[KEY].isin(known).to_numpy())
        if len(bad):
            i = int(bad[0])
            raise DataError(T.UNKNOWN_AGS_SHORT, file=rel(path), row=i + 2, column=KEY, key=df[KEY].iloc[i])
        for column, kind in dtypes.items():
            text = df[column]
            optional = kind.endswith("?")
            number = pd.to_numeric(text.where(text != "", None) if optional else text, errors="coerce")
            bad = number.isna() & ~((text == "") if optional else False)
            if kind.startswith("int"):
                bad |= number.notna() & (number != number.round())
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                message = T.EXPECTED_INTEGER if kind.startswith("int") else T.EXPECTED_NUMBER
                raise DataError(message.format(value=text.iloc[i]), file=rel(path), row=i + 2, column=column,
                                key=df[KEY].iloc[i])
            df[column] = number.astype("Int64" if optional else "int64") if kind.startswith("int") else number
        check(df, rel(path), known)
        return df

    sig = (signature(data_dir() / name), signature(data_dir() / SOURCES_FILE), signature(data_dir() / KREISE_FILE))
    return cached(name, sig, build).copy()


def _check_age(df: pd.DataFrame, file: str, known: set[str]) -> None:
    if df.duplicated([KEY, "age_from"]).any():
        i = int(np.flatnonzero(df.duplicated([KEY, "age_from"]).to_numpy())[0])
        raise DataError(T.DUPLICATE_KEY, file=file, row=i + 2, column="age_from", key=df[KEY].iloc[i])
    if (df["population_2019"] < 0).any():
        i = int(np.flatnonzero((df["population_2019"] < 0).to_numpy())[0])
        raise DataError(T.OUT_OF_RANGE.format(value=df["population_2019"].iloc[i], min=0, max="", unit="Einwohner"),
                        file=file, row=i + 2, column="population_2019", key=df[KEY].iloc[i])
    expected_to = list(AGE_GROUPS_FROM[1:]) + [pd.NA]
    for code, group in df.groupby(KEY, sort=False):
        lows = group["age_from"].tolist()
        highs = group["age_to"].tolist()
        if lows != list(AGE_GROUPS_FROM) or [None if pd.isna(h) else h for h in highs] != \
                [None if h is pd.NA else h for h in expected_to]:
            row = int(group.index[0]) + 2
            raise DataError(T.AGE_GROUPS_BAD.format(groups=len(lows)), file=file, row=row, column="age_from",
                            key=str(code))
    if set(df[KEY]) != known:
        missing = sorted(known - set(df[KEY]))
        raise DataError(T.CHECK_JOIN.format(what=AGE_FILE, diff=missing[:5]), file=file)


def _check_broadband(df: pd.DataFrame, file: str, known: set[str]) -> None:
    for column, allowed in (("period", BROADBAND_PERIODS), ("threshold_mbit", BROADBAND_THRESHOLDS)):
        bad = np.flatnonzero(~df[column].isin(allowed).to_numpy())
        if len(bad):
            i = int(bad[0])
            raise DataError(T.EXPECTED_CATEGORY.format(value=df[column].iloc[i], allowed=", ".join(map(str, allowed))),
                            file=file, row=i + 2, column=column, key=df[KEY].iloc[i])
    bad = np.flatnonzero(((df["share"] < 0) | (df["share"] > 1)).to_numpy())
    if len(bad):
        i = int(bad[0])
        raise DataError(T.OUT_OF_RANGE.format(value=df["share"].iloc[i], min=0, max=1, unit=""), file=file,
                        row=i + 2, column="share", key=df[KEY].iloc[i])
    dup = df.duplicated([KEY, "period", "threshold_mbit"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(T.DUPLICATE_KEY, file=file, row=i + 2, key=df[KEY].iloc[i])
    for (period, mbit), group in df.groupby(["period", "threshold_mbit"]):
        if set(group[KEY]) != known:
            raise DataError(T.CHECK_JOIN.format(what=f"{BROADBAND_FILE} {period} {mbit} Mbit/s",
                                                diff=sorted(known - set(group[KEY]))[:5]), file=file)


def load_kreise_age() -> pd.DataFrame:
    """Population per Kreis in the 21 age groups of Regionalstatistik 12411 on 31.12.2019.

    Columns ``ags``, ``age_from``, ``age_to`` (exclusive upper bound, "bis unter"; <NA> for the open
    group 90+), ``population_2019``; sorted by ags and age_from. The groups of a Kreis sum to its
    ``population_2019`` in kreise.csv. A fresh copy each call.
    """
    return _long_table(AGE_FILE, AGE_COLUMNS, {"age_from": "int", "age_to": "int?", "population_2019": "int"},
                       _check_age)


def load_broadband_history() -> pd.DataFrame:
    """Breitbandatlas per Kreis and half-year: share (0..1) of private households with at least
    ``threshold_mbit`` (50, 100, 1000 Mbit/s, all technologies); ``period`` "YYYY-MM" (06 = mid-year,
    12 = end of year), 2018-06 .. 2021-06 (2018-06 publishes only 50 Mbit/s). A fresh copy each call.
    """
    return _long_table(BROADBAND_FILE, BROADBAND_COLUMNS, {"threshold_mbit": "int", "share": "float"},
                       _check_broadband)


def _parse_gemeinden() -> pd.DataFrame:
    import io

    path = data_dir() / GEMEINDEN_FILE
    raw = read_verified(GEMEINDEN_FILE)
    dtypes = {c.name: {"str": "str", "category": "str", "int": "int64", "float": "float64"}[c.dtype]
              for c in GEMEINDE_COLUMNS.values()}
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=dtypes, keep_default_na=False,
                         na_values={c: [""] for c, t in dtypes.items() if t != "str"})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=rel(path)) from None
    validate_frame(df, file=rel(path), columns=GEMEINDE_COLUMNS, key="ags")
    if len(df) != N_GEMEINDEN:
        raise DataError(T.ROW_COUNT.format(n=len(df), expected=N_GEMEINDEN), file=rel(path))
    kreise = base_kreise().set_index(KEY)["population_2019"]
    unknown = np.flatnonzero(~df["kreis_ags"].isin(kreise.index).to_numpy())
    if len(unknown):
        i = int(unknown[0])
        raise DataError(T.UNKNOWN_AGS_SHORT, file=rel(path), row=i + 2, column="kreis_ags", key=df["ags"].iloc[i])
    sums = df.groupby("kreis_ags")["population_2019"].sum()
    off = sums[sums != kreise.reindex(sums.index)]
    if len(off) or len(sums) != len(kreise):
        raise DataError(T.CHECK_JOIN.format(what=f"{GEMEINDEN_FILE} population_2019", diff=list(off.index[:5])),
                        file=rel(path))
    return df.sort_values("ags", kind="stable").reset_index(drop=True)


def load_gemeinden() -> pd.DataFrame:
    """The 10,799 inhabited Gemeinden on 31.12.2019 (Destatis GV-ISys) with BBSR types (31.12.2017).

    Columns and their sources: ``workbook.data.schema.GEMEINDE_COLUMNS``. Validated (keys, types, ranges;
    each Kreis's Gemeinden sum to its ``population_2019`` in kreise.csv), cached; a fresh copy each call.
    """
    sig = (signature(data_dir() / GEMEINDEN_FILE), signature(data_dir() / SOURCES_FILE),
           signature(data_dir() / KREISE_FILE))
    return cached("gemeinden", sig, _parse_gemeinden).copy()


# -- Gemeinde boundaries, neighbours and successors --------------------------------------

def _land_code(land) -> str:
    """The 2-digit key of one of the 16 Länder, or a SelectionError naming the value."""
    code = ags_rule.land_or_none(land)
    shown = str(land)[:40]
    if code is None:
        raise SelectionError(T.LAND_KEY_FORMAT.format(value=shown), key=shown)
    if code not in set(base_kreise()["land_ags"]):
        raise SelectionError(T.LAND_KEY_UNKNOWN.format(value=shown), key=shown)
    return code


def load_gemeinde_boundaries(land) -> dict:
    """The simplified boundaries of one Land's Gemeinden (``data/gemeinden/<land>.geojson``).

    ``land``: the 2-digit Land key ("05"; "5" and 5 get the leading zero back). A GeoJSON
    FeatureCollection, properties ``ags`` (8 digits) and ``name``; each feature is a Gemeinde of
    ``load_gemeinden()`` in that Land, once. A fresh copy each call (the checked file is cached).
    An unknown or malformed key is a ``SelectionError`` naming it.
    """
    code = _land_code(land)
    name = f"{GEMEINDE_BOUNDARIES_DIR}/{code}.geojson"

    def build():
        path = rel(data_dir() / name)
        raw = read_verified(name)
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise DataError(T.JSON_UNREADABLE.format(error=exc), file=path) from None
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
                or not isinstance(doc.get("features"), list):
            raise DataError(T.JSON_UNREADABLE.format(error="no FeatureCollection"), file=path)
        known = set(load_gemeinden()["ags"])
        seen: set[str] = set()
        for i, feature in enumerate(doc["features"]):
            props = feature.get("properties") if isinstance(feature, dict) else None
            ags = props.get("ags") if isinstance(props, dict) else None
            if not isinstance(ags, str) or ags[:2] != code or ags not in known:
                raise DataError(T.GEMEINDE_FEATURE_BAD.format(i=i + 1, land=code), file=path, key=str(ags))
            if ags in seen:
                raise DataError(T.DUPLICATE_KEY, file=path, key=ags)
            seen.add(ags)
        return raw

    sig = (signature(data_dir() / name), signature(data_dir() / SOURCES_FILE),
           signature(data_dir() / GEMEINDEN_FILE))
    return json.loads(cached(name, sig, build))


def _gemeinde_pairs(name: str, columns: list[str]) -> pd.DataFrame:
    """A shipped CSV of text columns, checked (sha256, exact columns), as a DataFrame."""
    import io

    path = rel(data_dir() / name)
    raw = read_verified(name)
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=path) from None
    if list(df.columns) != columns:
        raise DataError(T.EXPECTED_COLUMNS.format(columns=", ".join(columns)), file=path)
    return df


def _first(mask) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def load_gemeinde_neighbours() -> pd.DataFrame:
    """Pairs of Gemeinden sharing a border (``data/gemeinden_neighbours.csv``): DataFrame[ags_a, ags_b],
    8-digit text, ``ags_a < ags_b``. Validated: both keys are Gemeinden of ``load_gemeinden()``, no
    Gemeinde paired with itself, no pair twice (in either order). Cached; a fresh copy each call.
    """
    def build():
        path = rel(data_dir() / GEMEINDE_NEIGHBOURS_FILE)
        df = _gemeinde_pairs(GEMEINDE_NEIGHBOURS_FILE, ["ags_a", "ags_b"])
        known = set(load_gemeinden()["ags"])
        for column in ("ags_a", "ags_b"):
            bad = ~df[column].isin(known)
            if bad.any():
                i = _first(bad)
                raise DataError(T.UNKNOWN_GEMEINDE, file=path, row=i + 2, column=column, key=df[column].iloc[i])
        same = df["ags_a"] == df["ags_b"]
        if same.any():
            i = _first(same)
            raise DataError(T.NEIGHBOURS_SELF, file=path, row=i + 2, key=df["ags_a"].iloc[i])
        first = (df["ags_a"] < df["ags_b"]).to_numpy()
        pairs = pd.DataFrame({"a": np.where(first, df["ags_a"], df["ags_b"]),
                              "b": np.where(first, df["ags_b"], df["ags_a"])})
        dup = pairs.duplicated()
        if dup.any():
            i = _first(dup)
            raise DataError(T.DUPLICATE_KEY, file=path, row=i + 2, key=f"{df['ags_a'].iloc[i]}/{df['ags_b'].iloc[i]}")
        order = df["ags_a"] > df["ags_b"]
        if order.any():
            i = _first(order)
            raise DataError(T.NEIGHBOURS_BAD, file=path, row=i + 2, key=f"{df['ags_a'].iloc[i]}/{df['ags_b'].iloc[i]}")
        return df

    sig = (signature(data_dir() / GEMEINDE_NEIGHBOURS_FILE), signature(data_dir() / SOURCES_FILE),
           signature(data_dir() / GEMEINDEN_FILE))
    return cached("gemeinde_neighbours", sig, build).copy()


def load_gemeinde_successors() -> pd.DataFrame:
    """Gemeinde keys of 2016/2017 that no longer exist on 31.12.2019 (``data/gemeinden_successors.csv``):
    DataFrame[old_ags, old_name, successor_ags, successor_name, basis], sorted by ``old_ags``.

    ``successor_ags`` is the inhabited Gemeinde of ``load_gemeinden()`` that took the old key's area;
    ``basis`` (``SUCCESSOR_BASES``) says how that was found (docs/data.md; ``dissolution`` is an
    assignment by area fit, not an official record). Validated: 8-digit keys, an old key is no 2019
    key and appears once, the successor's name is its name in gemeinden.csv. Cached; a fresh copy.
    """
    def build():
        path = rel(data_dir() / GEMEINDE_SUCCESSORS_FILE)
        df = _gemeinde_pairs(GEMEINDE_SUCCESSORS_FILE, SUCCESSOR_COLUMNS)
        names = load_gemeinden().set_index("ags")["name"]
        for column in ("old_ags", "successor_ags"):
            bad = ~df[column].map(lambda v: _GEMEINDE_KEY.fullmatch(v) is not None)
            if bad.any():
                i = _first(bad)
                raise DataError(T.EXPECTED_PATTERN.format(value=df[column].iloc[i], pattern=r"\d{8}"), file=path,
                                row=i + 2, column=column, key=df["old_ags"].iloc[i])
        checks = [(df["old_ags"].isin(names.index), "old_ags", T.SUCCESSOR_OLD_EXISTS),
                  (~df["successor_ags"].isin(names.index), "successor_ags", T.UNKNOWN_GEMEINDE),
                  (df["old_ags"].duplicated(), "old_ags", T.DUPLICATE_KEY),
                  (df["successor_name"] != names.reindex(df["successor_ags"]).fillna("").to_numpy(),
                   "successor_name", T.SUCCESSOR_NAME),
                  (df["old_name"] == "", "old_name", T.MISSING_VALUE),
                  (~df["basis"].isin(SUCCESSOR_BASES), "basis",
                   T.EXPECTED_CATEGORY.format(value="{value}", allowed=", ".join(SUCCESSOR_BASES)))]
        for bad, column, message in checks:
            if bad.any():
                i = _first(bad)
                raise DataError(message.replace("{value}", str(df[column].iloc[i])), file=path, row=i + 2,
                                column=column, key=df["old_ags"].iloc[i])
        return df.sort_values("old_ags", kind="stable").reset_index(drop=True)

    sig = (signature(data_dir() / GEMEINDE_SUCCESSORS_FILE), signature(data_dir() / SOURCES_FILE),
           signature(data_dir() / GEMEINDEN_FILE))
    return cached("gemeinde_successors", sig, build).copy()


# -- finding a Kreis -------------------------------------------------------------------

_PREFIXES = {"landkreis": "land", "lk": "land", "kreis": "land", "lkr": "land", "lkr.": "land",
             "stadt": "stadt", "sk": "stadt", "kreisfreie stadt": "stadt", "stadtkreis": "stadt"}


def norm(text) -> str:
    """Casefold, strip accents/umlauts (ä -> a), ß -> ss, punctuation to spaces: the one
    normaliser of names and headers (Kreis names here, import headers in cells/importer/inkar)."""
    text = str(text).replace("ß", "ss").replace("\ufeff", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w%.+]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def find_kreis(query, *, exact: bool = False) -> str:
    """The AGS of a Kreis from an AGS (leading zero restored) or a (part of a) name.

    ``exact=True`` accepts only a whole name (with or without the part after the
    comma, e.g. "Köln" for "Köln, Stadt"), never a fragment: for matching files.
    """
    df = base_kreise()
    codes = df[KEY].tolist()
    text = str(query).strip() if query is not None else ""
    if not text:
        raise SelectionError(T.KREIS_EMPTY, key="ags")
    if text.isdigit():                      # digits of any script: a key, never a name
        key = ags_rule.parse(text)          # ASCII digits only; 4 digits get the leading zero back
        if key is not None and key.level == ags_rule.GEMEINDE:
            raise SelectionError(T.GEMEINDE_AGS.format(kreis=key.kreis), key=text)
        if key is None or key.level != ags_rule.KREIS:
            raise SelectionError(T.AGS_FORMAT, key=text)
        text = key.code
        if text not in set(codes):
            close = difflib.get_close_matches(text, codes, n=3)
            raise SelectionError(T.AGS_UNKNOWN.format(close=", ".join(close) or "–"), key=text)
        return text
    names = df["name"].tolist()
    types = df["kreis_type"].tolist()
    q = norm(text)
    literal = text.casefold().split()     # the query as written (umlauts, brackets), case aside
    want_type = None
    for prefix, kind in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[0])):
        if q.startswith(prefix + " "):
            q, want_type = q[len(prefix) + 1:], kind
            literal = literal[len(prefix.split()):]
            break
    base = [norm(n.split(",")[0]) for n in names]
    full = [norm(n) for n in names]

    def type_of(t: str) -> str:
        return "stadt" if t in ("Kreisfreie Stadt", "Stadtkreis") else "land"

    hits = [i for i in range(len(codes)) if q in (base[i], full[i])]
    if not hits and not exact:
        hits = [i for i in range(len(codes)) if q in full[i]]
    if len(hits) > 1:   # a name spelt as written wins over one that matches only once normalised (ü as u)
        spelt = " ".join(literal)
        hits = [i for i in hits if spelt in " ".join(names[i].casefold().split())] or hits
    if want_type and len(hits) > 1:
        hits = [i for i in hits if type_of(types[i]) == want_type] or hits
    if len(hits) == 1:
        return codes[hits[0]]
    if len(hits) > 1:
        listed = "; ".join(f"{names[i]} ({codes[i]}, {types[i]})" for i in hits[:8])
        raise SelectionError(T.KREIS_AMBIGUOUS.format(matches=listed), key=str(query))
    close = difflib.get_close_matches(q, sorted(set(base)), n=3, cutoff=0.6)
    listed = "; ".join(f"{names[i]} ({codes[i]})" for c in close for i in range(len(codes)) if base[i] == c) or "–"
    raise SelectionError(T.KREIS_NOT_FOUND.format(close=listed), key=str(query))
