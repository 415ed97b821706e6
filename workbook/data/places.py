"""Places: the 401 Kreise and the 10,799 Gemeinden under one key, and a Gemeinde's model inputs.

    load_places()              DataFrame[ags, level, name, label_de, kreis_ags, kreis_name, land_ags,
                               population_2019, bbsr_sgtyp_name]: 11,200 places sorted by ``ags``
    place_key(value)           the key of a Kreis (5 digits) or inhabited Gemeinde (8 digits) that
                               exists; a ``SelectionError`` naming the key and what was expected
    place_name(ags), place_label(ags)
    gemeinde_inputs(codes)     the Gemeinden as rows of the Kreis table (the models' inputs)
    input_origin(row)          {column: origin} of one row of ``gemeinde_inputs``

A Gemeinde's inputs (``docs/data.md``, "Gemeinden as places"): its own official figure where a
source publishes one per Gemeinde, the value of its Mittelbereich where INKAR publishes at that
level, and its Kreis's value otherwise; ``attrs["origin"]`` records which for every row and column.

- own (Destatis GV 31.12.2019): name, area, population (total, male, female), density, centre;
- own, derived: broadband (``gigabit_share``, ``share_100mbit``): the Gemeinde's Breitbandatlas
  share of mid 2019, moved to the end of 2020 by its Kreis's change in log-odds over the same
  time (the Kreis table's figures are end 2020; Gemeinde files stop in mid 2019);
- own, derived: ``rural_weight`` from the BBSR Stadt- und Gemeindetyp (:data:`GEMEINDE_TYPE_RURAL`);
- Mittelbereich (INKAR 2024, 2019): GPs per 10,000 inhabitants;
- Kreis: age structure, offline share, commuting, income, education, work from home, Kreistyp.
"""

from __future__ import annotations

import difflib
from collections import OrderedDict

import numpy as np
import pandas as pd

from .. import ags as ags_rule
from ..errors import SelectionError
from ..texts import ags as T
from ..texts import places as P
from .base import base_kreise, load_broadband_history, load_gemeinde_successors, load_gemeinden
from .files import GEMEINDEN_FILE, KREISE_FILE, SOURCES_FILE, cached, data_dir, signature

KREIS, GEMEINDE = ags_rule.KREIS, ags_rule.GEMEINDE

#: rural weight of a Gemeinde by its BBSR Stadt- und Gemeindetyp (an assumption of this workbook,
#: in the steps of the Kreistyp weights 0, 1/3, 2/3, 1 of ``base.RURAL_WEIGHT``: a Großstadt is as
#: urban as a kreisfreie Großstadt, a Landgemeinde as rural as a dünn besiedelter Kreis)
GEMEINDE_TYPE_RURAL: dict[str, float] = {
    "Großstadt": 0.0,
    "Mittelstadt": 1.0 / 3.0,
    "Größere Kleinstadt": 0.5,
    "Kleine Kleinstadt": 2.0 / 3.0,
    "Landgemeinde": 1.0,
}
#: Gemeinde columns that replace the Kreis's value one to one (GV 31.12.2019)
OWN_COLUMNS = ("name", "area_km2", "population_2019", "population_male_2019", "population_female_2019",
               "density_per_km2", "lon", "lat")
#: derived from the Gemeinde's own figures
DERIVED_COLUMNS = ("gigabit_share", "share_100mbit", "rural_weight")
#: Kreis columns with no Gemeinde figure that must not be read as one (a Kreis total): left empty
KREIS_TOTALS = ("population_2018", "population_male_2018", "population_female_2018")
#: at the level of the Mittelbereich (INKAR)
MITTELBEREICH_COLUMNS = ("gp_per_10k",)
#: broadband column of the Kreis-table row -> (Gemeinde column mid 2019, Breitbandatlas threshold)
_BROADBAND = {"gigabit_share": ("gigabit_share_2019", 1000), "share_100mbit": ("share_100mbit_2019", 100)}
#: Gemeinde-only columns carried along for reports and comparisons
EXTRA_COLUMNS = ("level", "kreis_ags", "kreis_name", "bbsr_sgtyp_name", "mittelbereich_key",
                 "mittelbereich_name", "verband_key", "verband_name")


def _signature() -> tuple:
    d = data_dir()
    return (signature(d / GEMEINDEN_FILE), signature(d / KREISE_FILE), signature(d / SOURCES_FILE))


def _build_places() -> pd.DataFrame:
    kreise = base_kreise()
    gem = load_gemeinden()
    k_labels = P.place_labels(zip(kreise["ags"], kreise["name"], kreise["kreis_type"]))
    k_rows = pd.DataFrame({
        "ags": kreise["ags"].astype(str), "level": KREIS, "name": kreise["name"].astype(str),
        "label_de": kreise["ags"].map(k_labels), "kreis_ags": kreise["ags"].astype(str),
        "kreis_name": kreise["name"].astype(str), "land_ags": kreise["land_ags"].astype(str),
        "population_2019": kreise["population_2019"].astype("int64"), "bbsr_sgtyp_name": "",
    })
    kinfo = kreise.set_index("ags")
    kname = gem["kreis_ags"].map(kinfo["name"])
    kkind = gem["kreis_ags"].map(kinfo["kreis_type"])
    labels = [P.gemeinde_label(n, kn, kk) for n, kn, kk in zip(gem["name"], kname, kkind)]
    g_rows = pd.DataFrame({
        "ags": gem["ags"], "level": GEMEINDE, "name": gem["name"], "label_de": labels,
        "kreis_ags": gem["kreis_ags"], "kreis_name": kname.astype(str), "land_ags": gem["ags"].str[:2],
        "population_2019": gem["population_2019"].astype("int64"),
        "bbsr_sgtyp_name": gem["bbsr_sgtyp_name"].fillna("").astype(str),
    })
    out = pd.concat([k_rows, g_rows], ignore_index=True)
    return out.sort_values("ags", kind="stable").reset_index(drop=True)


def load_places() -> pd.DataFrame:
    """Every Kreis and inhabited Gemeinde (11,200 rows), sorted by ``ags``; a fresh copy each call."""
    return cached("places", _signature(), _build_places).copy()


def places_of(codes) -> pd.DataFrame:
    """The rows of :func:`load_places` for these keys (as given, in that order; a fresh frame of
    just those rows, so a few look-ups do not copy the 11,200-row table)."""
    places = cached("places", _signature(), _build_places)
    index = _place_index()
    return places.iloc[[index[place_key(c)] for c in codes]].reset_index(drop=True)


def _place_index() -> dict[str, int]:
    def build():
        places = cached("places", _signature(), _build_places)
        return {a: i for i, a in enumerate(places["ags"])}
    return cached("places_index", _signature(), build)


def _successors() -> dict[str, tuple[str, str, str]]:
    """{old 8-digit key: (old name, successor key, successor name)} (``data/gemeinden_successors.csv``)."""
    def build():
        table = load_gemeinde_successors()
        return {str(o): (str(on), str(s), str(sn)) for o, on, s, sn in
                zip(table["old_ags"], table["old_name"], table["successor_ags"], table["successor_name"])}
    return cached("successors_map", _signature(), build)


def _verbaende() -> dict[str, tuple[str, str]]:
    """{9-digit Gemeindeverband key: (name, first member key)} of GV 2019."""
    def build():
        gem = load_gemeinden()
        first = gem.drop_duplicates("verband_key")
        return {str(k): (str(n), str(a)) for k, n, a in
                zip(first["verband_key"], first["verband_name"], first["ags"]) if isinstance(k, str) and k}
    return cached("verbaende", _signature(), build)


def place_key(value, *, key: str = "ags", level: str | None = None) -> str:
    """The normalised key of an existing Kreis (5 digits) or inhabited Gemeinde (8 digits).

    ``level="gemeinde"`` (or ``"kreis"``) accepts only that level. Every refusal is a
    ``SelectionError`` naming ``key``: not a key, a Land key, a Gemeindeverband key, a key
    merged away (naming its successor), an unknown key (with close keys), a Kreis where a
    Gemeinde is expected.
    """
    shown = str(value).strip()[:40]
    digits = ags_rule.ascii_digits(value)
    if digits is not None and len(digits) == 9:
        verband = _verbaende().get(digits)
        if verband is not None:
            raise SelectionError(T.PLACE_VERBAND.format(value=shown, name=verband[0], example=verband[1]), key=key)
    parsed = ags_rule.parse(value)
    if parsed is None:
        raise SelectionError(T.PLACE_NOT_A_KEY.format(value=shown), key=key)
    if parsed.level == ags_rule.LAND:
        raise SelectionError(T.PLACE_LAND.format(value=shown), key=key)
    code = parsed.code
    if len(code) == 12:                 # Regionalschlüssel LL R KK VVVV GGG -> AGS LL R KK GGG
        code = code[:5] + code[-3:]
    index = _place_index()
    if code in index:
        if level == GEMEINDE and len(code) == 5:
            example = next((a for a in index if a.startswith(code) and len(a) == 8), code + "000")
            raise SelectionError(T.PLACE_GEMEINDE_EXPECTED.format(value=shown, example=example), key=key)
        if level == KREIS and len(code) == 8:
            ags_rule.kreis_key(code, key=key)
        return code
    if len(code) == 5:
        close = difflib.get_close_matches(code, [a for a in index if len(a) == 5], n=3)
        hint = T.PLACE_CLOSE_HINT.format(close=", ".join(close)) if close else ""
        raise SelectionError(T.PLACE_UNKNOWN_KREIS.format(value=code, hint=hint), key=key)
    merged = _successors().get(code)
    if merged is not None:
        old_name, successor, successor_name = merged
        raise SelectionError(T.PLACE_MERGED.format(value=code, old_name=old_name, successor=successor,
                                                   successor_name=successor_name), key=key)
    kreis = code[:5]
    if kreis in index:
        same = [a for a in index if len(a) == 8 and a.startswith(kreis)]
        close = difflib.get_close_matches(code, same, n=3)
        hint = T.PLACE_CLOSE_HINT.format(close=", ".join(close)) if close else T.PLACE_KREIS_HINT.format(kreis=kreis)
    else:
        hint = ""
    raise SelectionError(T.PLACE_UNKNOWN_GEMEINDE.format(value=code, hint=hint), key=key)


def is_gemeinde(code: str) -> bool:
    """True for a normalised Gemeinde key (8 ASCII digits)."""
    return isinstance(code, str) and len(code) == 8 and ags_rule.ascii_digits(code) == code


def _place_row(ags: str) -> pd.Series:
    places = cached("places", _signature(), _build_places)
    return places.iloc[_place_index()[place_key(ags)]]


def place_name(ags: str) -> str:
    """The official name of a Kreis or Gemeinde ("Tübingen, Universitätsstadt")."""
    return str(_place_row(ags)["name"])


def place_label(ags: str) -> str:
    """The label users read: a Kreis's picker label, a Gemeinde with its Kreis."""
    return str(_place_row(ags)["label_de"])


# -- a Gemeinde's model inputs --------------------------------------------------------------------

def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _kreis_broadband_change(threshold: int) -> pd.Series:
    """Per Kreis: log-odds of the share at the end of 2020 minus that of mid 2019 (Breitbandatlas)."""
    hist = load_broadband_history()
    rows = hist[hist["threshold_mbit"] == threshold]
    wide = rows.pivot_table(index="ags", columns="period", values="share", aggfunc="first")
    return pd.Series(_logit(wide["2020-12"].to_numpy(float)) - _logit(wide["2019-06"].to_numpy(float)),
                     index=wide.index.astype(str))


def kreis_broadband(threshold: int, period: str = "2020-12") -> pd.Series:
    """Per Kreis: the Breitbandatlas share of households with ``threshold`` Mbit/s at ``period``."""
    hist = load_broadband_history()
    rows = hist[(hist["threshold_mbit"] == threshold) & (hist["period"] == period)]
    return pd.Series(rows["share"].to_numpy(dtype=float), index=rows["ags"].astype(str).to_numpy())


def _moved(own_2019: pd.Series, kreis_keys: pd.Series, change: pd.Series) -> np.ndarray:
    z = _logit(own_2019.to_numpy(dtype=float)) + kreis_keys.map(change).to_numpy(dtype=float)
    out = 1.0 / (1.0 + np.exp(-z))
    return np.where(np.isfinite(own_2019.to_numpy(dtype=float)), out, np.nan)


def _gemeinde_table() -> pd.DataFrame:
    """Every Gemeinde's own and derived inputs (cached): the columns that replace the Kreis's."""
    def build():
        gem = load_gemeinden()
        out = pd.DataFrame({"ags": gem["ags"], "kreis_ags": gem["kreis_ags"]})
        for col in OWN_COLUMNS:
            out[col] = gem[col]
        for col, (source, threshold) in _BROADBAND.items():
            out[col] = _moved(gem[source], gem["kreis_ags"], _kreis_broadband_change(threshold))
        # the Kreis's own figure at the end of 2020, for Gemeinden without a 2019 row (mergers)
        out["kreis_share_100mbit"] = gem["kreis_ags"].map(kreis_broadband(100)).to_numpy(dtype=float)
        out["rural_weight"] = gem["bbsr_sgtyp_name"].map(GEMEINDE_TYPE_RURAL).astype(float)
        out["gp_per_10k"] = gem["gp_per_10k_mittelbereich"].astype(float)
        for col in ("bbsr_sgtyp_name", "mittelbereich_key", "mittelbereich_name", "verband_key", "verband_name"):
            out[col] = gem[col]
        return out.set_index("ags", drop=False)
    return cached("gemeinde_inputs", _signature(), build)


#: the last few small ``gemeinde_inputs`` of the data layer's own Kreis table, by keys and data
#: version: a report asks for its Gemeinde's row in its header and again in the engine
_INPUTS: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_INPUTS_SIZE = 32
_INPUTS_MAX_CODES = 16


def gemeinde_inputs(codes, kreise: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Gemeinden ``codes`` (8-digit keys, checked) as rows of the Kreis table.

    Every column of ``kreise`` (default: ``load_kreise()``, the user's overlay applied) is the
    Kreis's value unless the Gemeinde has its own (see the module docstring); ``attrs["origin"]``
    maps each key to {column: "gemeinde" | "gemeinde_derived" | "mittelbereich" | "kreis" | "local"}.
    A fresh table each call; for a few keys of the data layer's own table (None or
    ``data.kreise.shared_kreise()``) it is a copy of the rows kept per keys and data version.
    """
    from .kreise import kreise_version, shared_kreise
    from .overlay import overlay_path

    codes = [place_key(c, level=GEMEINDE) for c in codes]
    if kreise is None:
        kreise = shared_kreise()
    if len(codes) > _INPUTS_MAX_CODES or kreise is not shared_kreise():
        return _gemeinde_inputs(codes, kreise)
    key = (tuple(codes), kreise_version(), _signature(), signature(overlay_path(GEMEINDE)))
    rows = _INPUTS.get(key)
    if rows is None:
        rows = _gemeinde_inputs(codes, kreise)
        _INPUTS[key] = rows
        while len(_INPUTS) > _INPUTS_SIZE:
            _INPUTS.popitem(last=False)
    else:
        _INPUTS.move_to_end(key)
    out = rows.copy()
    out.attrs = {**rows.attrs, "local": dict(rows.attrs.get("local") or {}),
                 "origin": {c: dict(o) for c, o in rows.attrs["origin"].items()}}
    return out


def _gemeinde_inputs(codes: list[str], kreise: pd.DataFrame) -> pd.DataFrame:
    gem = _gemeinde_table()
    table = gem.iloc[gem.index.get_indexer(pd.Index(codes))]     # the keys are checked: all present
    kreis_of = [str(k) for k in table["kreis_ags"].tolist()]
    keys = pd.Index(kreise["ags"].astype(str))
    if not keys.is_unique:
        dup = sorted(set(keys[keys.duplicated()]))[0]
        raise SelectionError(f"the Kreis table holds the key {dup!r} twice; expected one row per Kreis", key="kreise")
    positions = keys.get_indexer(pd.Index(kreis_of))
    missing = sorted({k for k, p in zip(kreis_of, positions) if p < 0})
    if missing:
        raise SelectionError(T.PLACE_UNKNOWN_KREIS.format(value=missing[0], hint=""), key="kreise")
    base = kreise.iloc[positions].reset_index(drop=True)
    # the row's columns in the Kreis table's order (its key first), each built once; pandas
    # would copy the frame's blocks on every single column assignment
    cols: dict[str, object] = {"ags": list(codes)}
    cols.update((c, base[c]) for c in base.columns if c != "ags")
    local = {c: set(v) for c, v in (kreise.attrs.get("local") or {}).items()}
    columns = [c for c in cols if c != "ags"]
    origin = {code: {c: ("local" if kreis in local.get(c, ()) else "kreis") for c in columns}
              for code, kreis in zip(codes, kreis_of)}
    for col in OWN_COLUMNS:
        cols[col] = table[col].to_numpy()
        for code in codes:
            origin[code][col] = "gemeinde"
    if "gigabit_share" in cols:      # the Kreis's start, for the Gemeinde's catch-up (INFRA)
        cols["kreis_gigabit_share"] = pd.to_numeric(base["gigabit_share"], errors="coerce").to_numpy(dtype=float)
    for col in DERIVED_COLUMNS + MITTELBEREICH_COLUMNS:
        values = table[col].to_numpy(dtype=float)
        kind = "mittelbereich" if col in MITTELBEREICH_COLUMNS else "gemeinde_derived"
        present = col in cols
        if present:
            kreis_values = pd.to_numeric(pd.Series(cols[col]), errors="coerce").to_numpy(dtype=float)
        elif col == "share_100mbit":
            kreis_values = table["kreis_share_100mbit"].to_numpy(dtype=float)
        else:
            kreis_values = np.full(len(codes), np.nan)
        own = np.isfinite(values)
        if present:
            # a local import of the Kreis wins over a derived Gemeinde figure: the user said so
            is_local = np.array([origin[c].get(col) == "local" for c in codes], dtype=bool)
            own &= ~is_local
        cols[col] = np.where(own, values, kreis_values)
        for code, flag, fallback in zip(codes, own, kreis_values):
            if flag:
                origin[code][col] = kind
            elif not np.isfinite(fallback):
                origin[code].pop(col, None)
            else:
                origin[code].setdefault(col, "kreis")
    from .overlay import load_gemeinde_overlay

    overlay = load_gemeinde_overlay()
    rows = None
    if len(overlay):
        rows = pd.DataFrame(cols)
        _apply_gemeinde_overlay(rows, codes, origin, overlay)
    for code in codes:
        origin[code].pop("kreis_gigabit_share", None)
    tail: dict[str, object] = {}
    for col in KREIS_TOTALS:
        if col in (cols if rows is None else rows.columns):
            tail[col] = np.full(len(codes), np.nan)
            for code in codes:
                origin[code].pop(col, None)
    names = _place_index()
    places = cached("places", _signature(), _build_places)
    place_names = places["name"]
    tail["level"] = [GEMEINDE] * len(codes)
    tail["kreis_ags"] = table["kreis_ags"].to_numpy()
    tail["kreis_name"] = [place_names.iloc[names[k]] for k in kreis_of]
    for col in ("bbsr_sgtyp_name", "mittelbereich_key", "mittelbereich_name", "verband_key", "verband_name"):
        tail[col] = table[col].to_numpy()
    rows = pd.DataFrame({**cols, **tail}) if rows is None else _with_columns(rows, tail)
    rows.attrs = dict(kreise.attrs)
    rows.attrs["origin"] = origin
    return rows


def _with_columns(rows: pd.DataFrame, new: dict[str, object]) -> pd.DataFrame:
    """``rows`` with the columns ``new`` set (replaced in place of the old, else appended in order),
    as one construction."""
    cols: dict[str, object] = {c: rows[c] for c in rows.columns}
    for name, values in new.items():
        cols[name] = values
    return pd.DataFrame(cols)


def _apply_gemeinde_overlay(rows: pd.DataFrame, codes: list[str], origin: dict[str, dict[str, str]],
                            overlay: pd.DataFrame) -> None:
    """The user's own Gemeinde figures (``workbook import`` of an 8-digit file; ``overlay``, the
    wide table of ``load_gemeinde_overlay``) replace every other value of those cells; their
    origin is ``local``."""
    if not len(overlay):
        return
    mine = overlay.set_index("ags").reindex(codes)
    for col in mine.columns:
        values = mine[col]
        given = values.notna().to_numpy()
        if not given.any():
            continue
        if col in rows.columns and rows[col].dtype != object and values.dtype != object:
            rows[col] = np.where(given, values.to_numpy(), rows[col].to_numpy())
        else:
            rows[col] = [v if g else r for v, g, r in zip(values, given, rows[col] if col in rows.columns
                                                         else [np.nan] * len(rows))]
        for code, flag in zip(codes, given):
            if flag:
                origin[code][col] = "local"


def input_origin(rows: pd.DataFrame, ags: str) -> dict[str, str]:
    """{column: origin} of the place ``ags`` in a table from :func:`gemeinde_inputs` (a Kreis's
    rows have no ``origin``: every column is then the Kreis's own, or ``local`` where imported)."""
    origin = rows.attrs.get("origin", {}).get(str(ags))
    if origin is not None:
        return dict(origin)
    local = rows.attrs.get("local") or {}
    return {c: ("local" if str(ags) in set(local.get(c, ())) else "kreis") for c in rows.columns if c != "ags"}
