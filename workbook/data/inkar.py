"""Header names: which header of an import file fills which registry column.

Key and informational headers, the registry's names and German labels
(``LABELS``), a trailing percent marker, and the INKAR (BBSR) indicator names
with their conversions (``inkar_match``).
"""

from __future__ import annotations

import re

from .base import norm
from .schema import COLUMNS

KEY_HEADERS = {"ags", "kennziffer", "kreisschlussel", "kreisschluessel", "kreisschlussel ags",
               "regionalschlussel", "regionalschluessel", "rs", "schlussel", "kreis ags", "ags kreis",
               "amtlicher gemeindeschlussel", "kreiskennziffer", "kreis id", "admunitid",
               "gemeindeschlussel", "gemeindeschluessel", "gemeinde ags", "ags gemeinde", "gemeindekennziffer",
               "gkz"}
INFO_HEADERS = {"name", "raumeinheit", "aggregat", "kreis", "kreisname", "land", "bundesland", "landkreis",
                "gebietseinheit", "kreis kreisfreie stadt", "kreisfreie stadt landkreis", "bezeichnung",
                "nr", "lfd nr", "objectid", "gemeinde", "gemeindename", "name der gemeinde", "gemeindeverband",
                "verbandsgemeinde", "amt"}
NAME_HEADERS = {"name", "raumeinheit", "kreisname", "kreis", "gebietseinheit", "bezeichnung"}
# Gemeinde files: a name column checked against the Gemeinde's name, a Kreis column against its Kreis's name
GEMEINDE_NAME_HEADERS = {"name", "raumeinheit", "gebietseinheit", "bezeichnung", "gemeinde", "gemeindename",
                         "name der gemeinde"}
KREIS_NAME_HEADERS = {"kreis", "kreisname"}

# INKAR indicators the workbook knows: normalised header regex -> (target, kind)
INKAR_AGE_PARTS = {
    r"^einwohner von 65 bis unter 75 jahren\b": "65_75",
    r"^einwohner von 75 bis unter 85 jahren\b": "75_85",
    r"^einwohner 85 jahre und alter\b": "85plus",
}
INKAR_DIRECT = [
    (r"^einwohner 65 jahre und alter\b", "share_65plus", "percent"),
    (r"^hausarzte( je 100\.?000 einwohner)?$", "gp_per_10k", "per_100k"),
    (r"^einwohner je hausarzt$", "gp_per_10k", "per_gp"),
    (r"^breitbandversorgung.*1\.?000 ?mbit", "gigabit_share", "percent"),
    (r"gigabit", "gigabit_share", "percent"),
    # INKAR names of the columns added with the official data (issue 13)
    (r"^pendler mit arbeitsweg 50 km und mehr\b", "commuters_50km_share", "percent"),
    (r"^erreichbarkeit von oberzentren\b", "time_to_oberzentrum_min", "plain"),
    (r"^beschaftigte (am wohnort )?mit akademischem (berufs)?abschluss\b", "academic_share", "percent"),
    (r"^haushaltseinkommen$", "household_income_eur_month", "plain"),
]


PERCENT_SUFFIX = re.compile(r"\s*(\(\s*%\s*\)|\[\s*%\s*\]|\bin\s*%|%)\s*$", re.IGNORECASE)

LABELS = {}
for _name, _col in COLUMNS.items():
    LABELS[norm(_name)] = _name
    LABELS[norm(_col.label_de)] = _name


def inkar_match(base_norm: str):
    for pattern, part in INKAR_AGE_PARTS.items():
        if re.search(pattern, base_norm):
            return "share_65plus", part
    for pattern, column, kind in INKAR_DIRECT:
        if re.search(pattern, base_norm):
            return column, kind
    return None
