"""Loading the shipped base data (validated, hash-checked, cached) and the local overlay.

    load_kreise(local=True)   401 Kreise sorted by ``ags``; a fresh copy each call
    load_boundaries()         GeoJSON FeatureCollection of the Kreise (``ags``, ``name``)
    load_laender()            GeoJSON FeatureCollection of the 16 Länder
    load_neighbours()         DataFrame[ags_a, ags_b], ags_a < ags_b, shared borders
    load_kreise_age()         DataFrame[ags, age_from, age_to, population_2019]: 21 age groups per Kreis
    load_broadband_history()  DataFrame[ags, period, threshold_mbit, share]: Breitbandatlas 2018-2021
    load_gemeinden()          the 10,799 inhabited Gemeinden of 31.12.2019 (registry: GEMEINDE_COLUMNS)
    rural_weight(df)          0 (kreisfreie Großstadt) .. 1 (dünn besiedelt)
    find_kreis(query)         AGS from an AGS or a name fragment
    value_status(ags)         {column: "fact" | "estimate" | "local"} for one Kreis
    column_status(df)         {column: status} for the Kreise of a table
    verify_hashes()           sha256 of every data file against data/sources.yml

A municipality's own figures (``workbook import``, see ``workbook.importers``)
live in an overlay file outside the shipped data; ``load_kreise(local=True)``
applies it and marks those values ``local``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import ags as ags_rule
from . import paths
from .errors import DataError, SelectionError
from .schema import (
    COLUMNS,
    ESTIMATED,
    GEMEINDE_COLUMNS,
    KEY,
    SETTLEMENT_TYPES,
    pandas_dtypes,
    validate_frame,
    validate_value,
)

N_KREISE = 401
KREISE_FILE = "kreise.csv"
BOUNDARIES_FILE = "kreise.geojson"
LAENDER_FILE = "laender.geojson"
NEIGHBOURS_FILE = "neighbours.csv"
AGE_FILE = "kreise_age.csv"
BROADBAND_FILE = "broadband_history.csv"
GEMEINDEN_FILE = "gemeinden.csv"
N_GEMEINDEN = 10_799
AGE_COLUMNS = ["ags", "age_from", "age_to", "population_2019"]
BROADBAND_COLUMNS = ["ags", "period", "threshold_mbit", "share"]
#: Lower bounds of the 21 age groups of Regionalstatistik 12411 (age_to = next lower bound, exclusive;
#: the last group 90+ is open, age_to missing).
AGE_GROUPS_FROM = (0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
BROADBAND_PERIODS = ("2018-06", "2018-12", "2019-06", "2019-12", "2020-06", "2020-12", "2021-06")
BROADBAND_THRESHOLDS = (50, 100, 1000)
SOURCES_FILE = "sources.yml"
OVERLAY_FILE = "overlay.csv"
OVERLAY_COLUMNS = ["ags", "column", "value", "source_file", "source_column", "imported_at"]

RURAL_WEIGHT = {name: i / 3 for i, name in enumerate(SETTLEMENT_TYPES)}

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, object]] = {}


# -- locations ----------------------------------------------------------------------

def data_dir() -> Path:
    return paths.DATA_DIR


def local_dir() -> Path:
    """Folder of the user's overlay: $WORKBOOK_LOCAL_DIR or data/local/."""
    env = os.environ.get("WORKBOOK_LOCAL_DIR")
    return Path(env).expanduser().resolve() if env else data_dir() / "local"


def overlay_path() -> Path:
    return local_dir() / OVERLAY_FILE


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _signature(path: Path) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st.st_mtime_ns, st.st_size)


def _cached(name: str, signature: tuple, build):
    with _lock:
        hit = _cache.get(name)
        if hit is not None and hit[0] == signature:
            return hit[1]
    value = build()
    with _lock:
        _cache[name] = (signature, value)
    return value


def clear_cache() -> None:
    """Forget every parsed file (tests; after replacing data files)."""
    with _lock:
        _cache.clear()


# -- provenance and hashes ---------------------------------------------------------------

def load_sources() -> dict:
    """data/sources.yml as a dict (packages, files)."""
    path = data_dir() / SOURCES_FILE

    def build():
        from .texts import data as T

        if not path.exists():
            raise DataError(T.FILE_MISSING, file=_rel(path))
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DataError(T.SOURCES_CORRUPT.format(error=str(exc).splitlines()[0]), file=_rel(path)) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
            raise DataError(T.SOURCES_CORRUPT.format(error="no 'files' mapping"), file=_rel(path))
        return doc

    return _cached("sources", _signature(path), build)


def _read_verified(name: str) -> bytes:
    """The bytes of a data file whose sha256 matches data/sources.yml."""
    from .texts import data as T

    path = data_dir() / name
    sources = load_sources()
    entry = sources["files"].get(name)
    if entry is None:
        raise DataError(T.NOT_IN_SOURCES, file=_rel(data_dir() / SOURCES_FILE), key=name)
    if not path.exists():
        raise DataError(T.FILE_MISSING, file=_rel(path))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry.get("sha256"):
        raise DataError(T.HASH_MISMATCH.format(expected=entry.get("sha256"), actual=digest), file=_rel(path))
    return raw


def verify_hashes() -> dict[str, str]:
    """Check every file listed in sources.yml; return {file: sha256}. Raises DataError."""
    return {name: hashlib.sha256(_read_verified(name)).hexdigest() for name in sorted(load_sources()["files"])}


def data_hash() -> str:
    """sha256 of the shipped kreise.csv (goes into result metadata)."""
    return load_sources()["files"][KREISE_FILE]["sha256"]


# -- the Kreise table ------------------------------------------------------------------

def _parse_kreise() -> pd.DataFrame:
    from .texts import data as T

    path = data_dir() / KREISE_FILE
    raw = _read_verified(KREISE_FILE)
    import io

    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=pandas_dtypes(), keep_default_na=False,
                         na_values={c: [""] for c in COLUMNS if COLUMNS[c].dtype in ("int", "float")})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=_rel(path)) from None
    validate_frame(df, file=_rel(path))
    if len(df) != N_KREISE:
        raise DataError(T.ROW_COUNT.format(n=len(df), expected=N_KREISE), file=_rel(path))
    return df.sort_values(KEY, kind="stable").reset_index(drop=True)


def _base_kreise() -> pd.DataFrame:
    sig = (_signature(data_dir() / KREISE_FILE), _signature(data_dir() / SOURCES_FILE))
    return _cached("kreise", sig, _parse_kreise)


def load_overlay() -> pd.DataFrame:
    """The user's overlay as a long table (ags, column, value, ...); empty when none."""
    path = overlay_path()
    return _cached("overlay", _signature(path), lambda: _parse_overlay(path)).copy()


def _parse_overlay(path: Path) -> pd.DataFrame:
    from .texts import data as T

    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OVERLAY_COLUMNS})
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(T.OVERLAY_CORRUPT.format(error=str(exc).splitlines()[0]), file=str(path)) from None
    if list(df.columns) != OVERLAY_COLUMNS:
        raise DataError(T.OVERLAY_COLUMNS.format(expected=", ".join(OVERLAY_COLUMNS)), file=str(path))
    known = set(_base_kreise()[KEY])
    # read with dtype=str: every cell is text
    rows = zip(df["ags"].astype(str), df["column"].astype(str), df["value"].astype(str))
    for i, (ags, column, text) in enumerate(rows, start=2):
        if ags not in known:
            raise DataError(T.UNKNOWN_AGS_SHORT, file=str(path), row=i, column="ags", key=ags)
        col = COLUMNS.get(column)
        if col is None or not col.importable:
            raise DataError(T.OVERLAY_BAD_COLUMN, file=str(path), row=i, column="column", key=column)
        value = text if col.dtype == "category" else _to_number(text)
        validate_value(column, value, file=str(path), row=i, key=ags)
    if df.duplicated(["ags", "column"]).any():
        i = int(np.flatnonzero(df.duplicated(["ags", "column"]).to_numpy())[0])
        raise DataError(T.DUPLICATE_KEY, file=str(path), row=i + 2, key=f"{df.ags[i]}/{df.column[i]}")
    return df


def _to_number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _apply_overlay(df: pd.DataFrame, overlay: pd.DataFrame) -> dict[str, set[str]]:
    """Write the overlay's values into df; return {column: set of ags} that are local."""
    local: dict[str, set[str]] = {}
    if overlay.empty:
        return local
    index = pd.Index(df[KEY])
    for name, group in overlay.groupby("column", sort=True):
        column = str(name)
        col = COLUMNS[column]
        rows = index.get_indexer(group["ags"])
        keep = rows >= 0
        rows, values = rows[keep], group["value"].to_numpy()[keep]
        if col.dtype == "category":
            df.loc[rows, column] = values
        else:
            numbers = values.astype(float)
            if col.dtype == "int":
                df.loc[rows, column] = numbers.round().astype("int64")
            else:
                df.loc[rows, column] = numbers
        local[column] = set(df.loc[rows, KEY])
    # density follows a local population or area unless it was imported itself
    touched = local.get("population_2018", set()) | local.get("area_km2", set())
    derived = touched - local.get("density_per_km2", set())
    if derived:
        mask = df[KEY].isin(derived).to_numpy()
        df.loc[mask, "density_per_km2"] = (df.loc[mask, "population_2018"] / df.loc[mask, "area_km2"]).round(1)
        local.setdefault("density_per_km2", set()).update(derived)
    return local


def load_kreise(local: bool = True) -> pd.DataFrame:
    """The 401 Kreise, validated, sorted by ``ags``; a fresh copy each call.

    With ``local=True`` the user's imported overlay replaces the values it
    covers; ``df.attrs["local"]`` then maps column -> sorted AGS list of local values.
    """
    df = _base_kreise().copy()
    local_cells: dict[str, set[str]] = {}
    if local:
        local_cells = _apply_overlay(df, load_overlay())
    df.attrs["data_hash"] = data_hash()
    df.attrs["local"] = {c: sorted(v) for c, v in sorted(local_cells.items())}
    return df


def value_status(ags: str, *, local: bool = True) -> dict[str, str]:
    """{column: "fact" | "estimate" | "local"} for one Kreis."""
    code = find_kreis(ags)
    status = {name: col.status for name, col in COLUMNS.items()}
    if local:
        df = _base_kreise().copy()
        cells = _apply_overlay(df, load_overlay())
        for column, codes in cells.items():
            if code in codes:
                status[column] = "local"
    return status


def column_status(df: pd.DataFrame) -> dict[str, str]:
    """{column: status} for the Kreise in df: "local" where any of them carries a local value."""
    local = df.attrs.get("local")
    if local is None:
        local = load_kreise(local=True).attrs["local"]
    present = set(df[KEY]) if KEY in df.columns else set()
    out = {}
    for name in df.columns:
        if name not in COLUMNS:
            continue
        out[name] = "local" if present & set(local.get(name, ())) else COLUMNS[name].status
    return out


def estimated_columns() -> tuple[str, ...]:
    return ESTIMATED


def rural_weight(df: pd.DataFrame) -> np.ndarray:
    """0 (kreisfreie Großstadt), 1/3, 2/3, 1 (dünn besiedelt) from ``settlement_type``."""
    from .texts import data as T

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
    from .texts import data as T

    def build():
        raw = _read_verified(name)
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise DataError(T.JSON_UNREADABLE.format(error=exc), file=_rel(data_dir() / name)) from None
        if doc.get("type") != "FeatureCollection":
            raise DataError(T.JSON_UNREADABLE.format(error="no FeatureCollection"), file=_rel(data_dir() / name))
        return raw

    sig = (_signature(data_dir() / name), _signature(data_dir() / SOURCES_FILE))
    return json.loads(_cached(name, sig, build))


def load_boundaries() -> dict:
    """Simplified Kreis boundaries: GeoJSON FeatureCollection, properties ``ags`` and ``name``."""
    return _geojson(BOUNDARIES_FILE)


def load_laender() -> dict:
    """Simplified Länder boundaries: GeoJSON FeatureCollection, properties ``ags`` (2 digits), ``name``."""
    return _geojson(LAENDER_FILE)


def load_neighbours() -> pd.DataFrame:
    """Pairs of Kreise sharing a border: DataFrame[ags_a, ags_b] with ags_a < ags_b."""
    from .texts import data as T

    def build():
        import io

        raw = _read_verified(NEIGHBOURS_FILE)
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
        if list(df.columns) != ["ags_a", "ags_b"] or not (df["ags_a"] < df["ags_b"]).all():
            raise DataError(T.NEIGHBOURS_BAD, file=_rel(data_dir() / NEIGHBOURS_FILE))
        return df

    sig = (_signature(data_dir() / NEIGHBOURS_FILE), _signature(data_dir() / SOURCES_FILE))
    return _cached("neighbours", sig, build).copy()


# -- long tables per Kreis ------------------------------------------------------------------

def _long_table(name: str, columns: list[str], dtypes: dict, check) -> pd.DataFrame:
    from .texts import data as T

    def build():
        import io

        path = data_dir() / name
        raw = _read_verified(name)
        try:
            df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
        except (ValueError, pd.errors.ParserError) as exc:
            raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=_rel(path)) from None
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise DataError(T.MISSING_COLUMNS.format(columns=", ".join(missing)), file=_rel(path))
        unknown = [c for c in df.columns if c not in columns]
        if unknown:
            raise DataError(T.UNKNOWN_COLUMNS.format(columns=", ".join(unknown)), file=_rel(path))
        known = set(_base_kreise()[KEY])
        bad = np.flatnonzero(~df[KEY].isin(known).to_numpy())
        if len(bad):
            i = int(bad[0])
            raise DataError(T.UNKNOWN_AGS_SHORT, file=_rel(path), row=i + 2, column=KEY, key=df[KEY].iloc[i])
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
                raise DataError(message.format(value=text.iloc[i]), file=_rel(path), row=i + 2, column=column,
                                key=df[KEY].iloc[i])
            df[column] = number.astype("Int64" if optional else "int64") if kind.startswith("int") else number
        check(df, _rel(path), known)
        return df

    sig = (_signature(data_dir() / name), _signature(data_dir() / SOURCES_FILE), _signature(data_dir() / KREISE_FILE))
    return _cached(name, sig, build).copy()


def _check_age(df: pd.DataFrame, file: str, known: set[str]) -> None:
    from .texts import data as T

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
    from .texts import data as T

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

    from .texts import data as T

    path = data_dir() / GEMEINDEN_FILE
    raw = _read_verified(GEMEINDEN_FILE)
    dtypes = {c.name: {"str": "str", "category": "str", "int": "int64", "float": "float64"}[c.dtype]
              for c in GEMEINDE_COLUMNS.values()}
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=dtypes, keep_default_na=False,
                         na_values={c: [""] for c, t in dtypes.items() if t != "str"})
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(T.CSV_UNREADABLE.format(error=str(exc).splitlines()[0]), file=_rel(path)) from None
    validate_frame(df, file=_rel(path), columns=GEMEINDE_COLUMNS, key="ags")
    if len(df) != N_GEMEINDEN:
        raise DataError(T.ROW_COUNT.format(n=len(df), expected=N_GEMEINDEN), file=_rel(path))
    kreise = _base_kreise().set_index(KEY)["population_2019"]
    unknown = np.flatnonzero(~df["kreis_ags"].isin(kreise.index).to_numpy())
    if len(unknown):
        i = int(unknown[0])
        raise DataError(T.UNKNOWN_AGS_SHORT, file=_rel(path), row=i + 2, column="kreis_ags", key=df["ags"].iloc[i])
    sums = df.groupby("kreis_ags")["population_2019"].sum()
    off = sums[sums != kreise.reindex(sums.index)]
    if len(off) or len(sums) != len(kreise):
        raise DataError(T.CHECK_JOIN.format(what=f"{GEMEINDEN_FILE} population_2019", diff=list(off.index[:5])),
                        file=_rel(path))
    return df.sort_values("ags", kind="stable").reset_index(drop=True)


def load_gemeinden() -> pd.DataFrame:
    """The 10,799 inhabited Gemeinden on 31.12.2019 (Destatis GV-ISys) with BBSR types (31.12.2017).

    Columns and their sources: ``workbook.schema.GEMEINDE_COLUMNS``. Validated (keys, types, ranges;
    each Kreis's Gemeinden sum to its ``population_2019`` in kreise.csv), cached; a fresh copy each call.
    """
    sig = (_signature(data_dir() / GEMEINDEN_FILE), _signature(data_dir() / SOURCES_FILE),
           _signature(data_dir() / KREISE_FILE))
    return _cached("gemeinden", sig, _parse_gemeinden).copy()


# -- finding a Kreis -------------------------------------------------------------------

_PREFIXES = {"landkreis": "land", "lk": "land", "kreis": "land", "lkr": "land", "lkr.": "land",
             "stadt": "stadt", "sk": "stadt", "kreisfreie stadt": "stadt", "stadtkreis": "stadt"}


def _norm(text: str) -> str:
    text = text.casefold().replace("ß", "ss").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


def find_kreis(query, *, exact: bool = False) -> str:
    """The AGS of a Kreis from an AGS (leading zero restored) or a (part of a) name.

    ``exact=True`` accepts only a whole name (with or without the part after the
    comma, e.g. "Köln" for "Köln, Stadt"), never a fragment: for matching files.
    """
    from .texts import data as T

    df = _base_kreise()
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
    q = _norm(text)
    want_type = None
    for prefix, prefix_kind in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[0])):
        if q.startswith(prefix + " "):
            q, want_type = q[len(prefix) + 1:], prefix_kind
            break
    base = [_norm(n.split(",")[0]) for n in names]
    full = [_norm(n) for n in names]

    def kind(t: str) -> str:
        return "stadt" if t in ("Kreisfreie Stadt", "Stadtkreis") else "land"

    hits = [i for i in range(len(codes)) if q in (base[i], full[i])]
    if not hits and not exact:
        hits = [i for i in range(len(codes)) if q in full[i]]
    if want_type and len(hits) > 1:
        hits = [i for i in hits if kind(types[i]) == want_type] or hits
    if len(hits) == 1:
        return codes[hits[0]]
    if len(hits) > 1:
        listed = "; ".join(f"{names[i]} ({codes[i]}, {types[i]})" for i in hits[:8])
        raise SelectionError(T.KREIS_AMBIGUOUS.format(matches=listed), key=str(query))
    close = difflib.get_close_matches(q, sorted(set(base)), n=3, cutoff=0.6)
    listed = "; ".join(f"{names[i]} ({codes[i]})" for c in close for i in range(len(codes)) if base[i] == c) or "–"
    raise SelectionError(T.KREIS_NOT_FOUND.format(close=listed), key=str(query))


# -- CLI ---------------------------------------------------------------------------

def check_summary() -> list[str]:
    """Verify hashes, validate every file and return the summary lines (German / English)."""
    from .texts import data as T
    from .texts import fmt_int

    lines = [T.CHECK_TITLE.format(folder=_rel(data_dir()))]
    hashes = verify_hashes()
    for name, digest in hashes.items():
        lines.append(T.CHECK_HASH_OK.format(file=name, sha=digest[:12]))
    df = load_kreise(local=False)
    lines.append(T.CHECK_KREISE.format(n=len(df), pop2018=fmt_int(df["population_2018"].sum()),
                                       pop2019=fmt_int(df["population_2019"].sum()),
                                       laender=df["land_ags"].nunique()))
    codes = set(df[KEY])
    feats = load_boundaries()["features"]
    geo_codes = {f["properties"].get("ags") for f in feats}
    if geo_codes != codes:
        raise DataError(T.CHECK_JOIN.format(what="kreise.geojson", diff=sorted(geo_codes ^ codes)[:5]),
                        file=_rel(data_dir() / BOUNDARIES_FILE))
    nb = load_neighbours()
    nb_codes = set(nb["ags_a"]) | set(nb["ags_b"])
    if not nb_codes <= codes:
        raise DataError(T.CHECK_JOIN.format(what="neighbours.csv", diff=sorted(nb_codes - codes)[:5]),
                        file=_rel(data_dir() / NEIGHBOURS_FILE))
    lines.append(T.CHECK_GEO.format(n=len(feats), laender=len(load_laender()["features"]), pairs=len(nb),
                                    isolated=len(codes - nb_codes)))
    lines.append(T.CHECK_ESTIMATES)
    for name in ESTIMATED:
        lines.append(f"  - {name}: {COLUMNS[name].label_de}")
    overlay = load_overlay()
    if overlay.empty:
        lines.append(T.CHECK_NO_OVERLAY.format(path=overlay_path()))
    else:
        lines.append(T.CHECK_OVERLAY.format(n=len(overlay), kreise=overlay["ags"].nunique(),
                                            columns=", ".join(sorted(overlay["column"].unique())),
                                            files=", ".join(sorted(overlay["source_file"].unique())),
                                            path=overlay_path()))
    return lines


def cli_check(args) -> int:
    """``workbook data check``: verify hashes, validate, print a summary."""
    for line in check_summary():
        print(line)
    return 0


def cli_import(args) -> int:
    """``workbook import FILE [--dry-run] [--map H=col] [--sheet S] [--reset]``."""
    from .importers import cli_import as _cli_import

    return _cli_import(args)


def import_file(path, *, mapping=None, sheet=None, dry_run: bool = False):
    """Import a municipality's own figures (CSV, XLSX, INKAR export) into the local overlay.

    See ``workbook.importers.import_file``.
    """
    from .importers import import_file as _import_file

    return _import_file(path, mapping=mapping, sheet=sheet, dry_run=dry_run)


def reset_local() -> bool:
    """Remove the local overlay; True when there was one."""
    from .importers import reset_overlay

    return reset_overlay()
