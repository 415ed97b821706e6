"""``workbook data check``'s content: verify every shipped file and summarise the data."""

from __future__ import annotations

from ..errors import DataError
from ..texts import data as T
from ..texts import fmt_int
from .base import load_boundaries, load_laender, load_neighbours
from .files import BOUNDARIES_FILE, NEIGHBOURS_FILE, data_dir, rel, verify_hashes
from .kreise import load_kreise
from .overlay import GEMEINDE, load_overlay, overlay_path
from .schema import COLUMNS, ESTIMATED, KEY


def check_summary() -> list[str]:
    """Verify hashes, validate every file and return the summary lines (German / English)."""
    lines = [T.CHECK_TITLE.format(folder=rel(data_dir()))]
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
                        file=rel(data_dir() / BOUNDARIES_FILE))
    nb = load_neighbours()
    nb_codes = set(nb["ags_a"]) | set(nb["ags_b"])
    if not nb_codes <= codes:
        raise DataError(T.CHECK_JOIN.format(what="neighbours.csv", diff=sorted(nb_codes - codes)[:5]),
                        file=rel(data_dir() / NEIGHBOURS_FILE))
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
    gemeinden = load_overlay(GEMEINDE)
    if gemeinden.empty:
        lines.append(T.CHECK_NO_GEMEINDE_OVERLAY.format(path=overlay_path(GEMEINDE)))
    else:
        lines.append(T.CHECK_GEMEINDE_OVERLAY.format(n=len(gemeinden), gemeinden=gemeinden["ags"].nunique(),
                                                     columns=", ".join(sorted(gemeinden["column"].unique())),
                                                     files=", ".join(sorted(gemeinden["source_file"].unique())),
                                                     path=overlay_path(GEMEINDE)))
    return lines
