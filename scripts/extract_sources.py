#!/usr/bin/env python3
"""Regenerate the small extracts in data/raw/ from the original statistics files.

    python scripts/extract_sources.py                 # extract, compare with data/raw/
    python scripts/extract_sources.py --write         # ... and write the extracts into data/raw/
    python scripts/extract_sources.py --out DIR       # extract into DIR instead (for tests)
    python scripts/extract_sources.py --sources PATH  # originals elsewhere (default ../shared/sources,
                                                      # or $WORKBOOK_SOURCES)

The originals (official files of Destatis, BBSR, the Statistische Ämter, the
Breitbandatlas and the ifo study; provenance in SOURCES below and in
data/sources.yml) live outside the project, in ``../shared/sources`` relative to
the project root. Every original is checked against the sha256 in its
``SHA256SUMS`` and against the sha256 recorded here before anything is read.
The extracts are plain CSV (UTF-8, ``,``, ``\\n``, sorted rows, values exactly as
published: no rounding beyond the source's), so a re-extraction is
byte-identical. ``make data`` then builds data/ from data/raw/ and the registry
packages alone; nothing here runs at build or run time.

Needs pandas, openpyxl and pyarrow (INKAR Parquet tables).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data" / "raw"
# ../shared/sources from the project root (as in CI); WORKBOOK_SOURCES overrides it (a git worktree
# elsewhere, say).
DEFAULT_SOURCES = Path(os.environ.get("WORKBOOK_SOURCES") or ROOT.parent / "shared" / "sources")

BERLIN, HAMBURG = "11000", "02000"
GOETTINGEN_PARTS = ("03152", "03156")          # merged into 03159 on 1.11.2016
OFFICIAL_TOTAL_2019 = 83_166_711

# Where each original came from. `files` maps the path under ../shared/sources to its sha256
# (the same as in SHA256SUMS there). Keys are referenced from data/sources.yml and the column
# registry (workbook/data/schema.py, `source_key`).
SOURCES = {
    "regionalstatistik_12411": {
        "publisher": "Statistische Ämter des Bundes und der Länder, Regionaldatenbank Deutschland",
        "title": "12411-03-03-4: Bevölkerung nach Geschlecht, Nationalität und Altersgruppen (21) "
                 "- Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte",
        "reference_date": "2019-12-31",
        "repository": "patie97/Germany-Housing-Changes",
        "commit": "e5d6c98d0e2f587724331b06cf15ade980cc1c4b",
        "paths": ["datasets/Source/whole-germany/12411-03-03-4-2019-2022.xlsx",
                  "datasets/Source/whole-germany/12411-03-03-4-2019.xlsx"],
        "license": "dl-de/by-2-0",
        "credit": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2023 "
                  "(Regionaldatenbank Deutschland, Tabelle 12411-03-03-4); Datenlizenz Deutschland – "
                  "Namensnennung – Version 2.0",
        "files": {
            "regionalstatistik_12411/12411-03-03-4-2019-2022.xlsx":
                "6fa19de56d86af7bb982113cf98168dc16b34c600f398dd3f0ea85cb73949660",
            "regionalstatistik_12411/12411-03-03-4-2019.xlsx":
                "518b460c3aba28226d2d18a6189cee0d89d83005806728b2440964b90018b2ba",
        },
        "extracts": ["regionalstatistik_12411_2019.csv"],
    },
    "bbsr_kreistypen": {
        "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR) im BBR, Bonn",
        "title": "Laufende Raumbeobachtung, Raumabgrenzungen: Referenzdateien Kreise (Stand 31.12.2017), "
                 "siedlungsstruktureller Kreistyp, Kreisregion, Raumtyp nach Lage",
        "reference_date": "2017-12-31",
        "repository": "ruettenauer/COVID-19-maps",
        "commit": "96a3103d4d84081cb18aba09a5b3d95332e97065",
        "paths": ["02_Data/download-ref-xls.xlsx"],
        "license": "dl-de/by-2-0",
        "credit": "© BBSR Bonn 2019, Laufende Raumbeobachtung des BBSR; Datenlizenz Deutschland – "
                  "Namensnennung – Version 2.0",
        "files": {"bbsr_raumgliederung/download-ref-xls.xlsx":
                  "b7f8591b9197720397fefd0e71244c1dfd77ce48d6c5b85cef2561da93049f4f"},
        "extracts": ["bbsr_kreistypen_2017.csv"],
    },
    "bbsr_gemeinden": {
        "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR) im BBR, Bonn",
        "title": "Laufende Raumbeobachtung, Raumabgrenzungen: Referenz Gemeinden, Gemeindeverbände, Kreise, "
                 "NUTS (Stand 31.12.2017): Stadt- und Gemeindetyp, Raumtyp nach Lage, zentralörtliche "
                 "Einstufung, Mittelbereiche",
        "reference_date": "2017-12-31",
        "repository": "ruettenauer/COVID-19-maps",
        "commit": "421fa4bf3b23f40e01816d60095dba9b9cddc058",
        "paths": ["02_Data/Referenz Gemeinden-GVB-Kreise_NUTS.xlsx"],
        "license": "dl-de/by-2-0",
        "credit": "© BBSR Bonn 2019, Laufende Raumbeobachtung des BBSR; Datenlizenz Deutschland – "
                  "Namensnennung – Version 2.0",
        "files": {"bbsr_raumgliederung/Referenz_Gemeinden-GVB-Kreise_NUTS.xlsx":
                  "b1b4a96887e81300914bbf02aaa5d73a00821d8258ae9640c958a9d56cbcc1fe"},
        "extracts": ["bbsr_gemeinden_2017.csv"],
    },
    "inkar_2021": {
        "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR) im BBR, Bonn",
        "title": "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung, Ausgabe 2021 "
                 "(Gebietsstand 31.12.2019)",
        "reference_date": "2019-12-31",
        "repository": "RegioHub/inkr",
        "commit": "0bf62d245952cea70874c9dd41522289b16379ab",
        "paths": ["inst/db/_indikatoren.parquet", "inst/db/_regionen.parquet",
                  "inst/db/medizinische_und_soziale_versorgung.parquet",
                  "inst/db/verkehr_und_erreichbarkeit.parquet",
                  "inst/db/privateinkommen_private_schulden.parquet"],
        "license": "dl-de/by-2-0",
        "credit": "© BBSR Bonn 2021, INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung; "
                  "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "files": {
            "inkar_2021/_indikatoren.parquet": "723b0976c89a7887e549fa81caaaebd1de2a0465779559616c882fd9ad91ff8c",
            "inkar_2021/_regionen.parquet": "edcabda2d242e1729835210d087f40f3f2d2460eaec642b43b7fb69700679f3f",
            "inkar_2021/medizinische_und_soziale_versorgung.parquet":
                "cda04da61f1ee563883074eba419f2cf4b9c3fd651f36b00a3ee81e6466bbbe3",
            "inkar_2021/verkehr_und_erreichbarkeit.parquet":
                "5536814e74ba41aaadf67459167af727a783047dfcd3e591f16854f8e12ff172",
            "inkar_2021/privateinkommen_private_schulden.parquet":
                "3d1ad73ea90c41dcb792f25d79391b2a33d8630bde7959ca57b9100ac29a842b",
        },
        "extracts": ["inkar_2021_kreise.csv", "inkar_2021_indikatoren.csv"],
    },
    "inkar_2017_export": {
        "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR) im BBR, Bonn",
        "title": "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung, Export Kreise, "
                 "Thema Bildung (Stand 2017)",
        "reference_date": "2017-06-30",
        "repository": "ruettenauer/COVID-19-maps",
        "commit": "d56f4353d82e89291ffeb85f0da00b0a67cea400",
        "paths": ["02_Data/INKAR/INKAR4_educ.csv"],
        "license": "dl-de/by-2-0",
        "credit": "© BBSR Bonn, INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung; "
                  "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "files": {"inkar_2017/INKAR4_educ.csv": "32a528c2304805a68a7cbb74e563f425c014249832ac598cadc65bc9dc65d90b"},
        "extracts": ["inkar_2017_bildung.csv"],
    },
    "breitbandatlas": {
        "publisher": "Bundesministerium für Verkehr und digitale Infrastruktur (BMVI) / atene KOM, "
                     "heute Bundesnetzagentur",
        "title": "Breitbandatlas: Breitbandverfügbarkeit der privaten Haushalte je Landkreis, "
                 "Stand Mitte 2018 bis Mitte 2021",
        "reference_date": "2020-12-31",
        "repository": "hhilbig/broadband",
        "commit": "477bec2131efffc3b8ed1556831c997e4daff768",
        "paths": [f"data/Paket_3/landkreis_privat_{y}_{h}.csv"
                  for y, h in ((2018, 1), (2018, 2), (2019, 1), (2019, 2), (2020, 1), (2020, 2), (2021, 1))],
        "license": "frei nutzbar mit Quellenangabe",
        "credit": "Breitbandatlas | Gigabit-Grundbuch (BMVI / atene KOM, heute Bundesnetzagentur); "
                  "abgeleitete Werte (03159 Göttingen aus 03152 und 03156) sind als abgeleitet gekennzeichnet",
        "files": {
            "breitbandatlas/landkreis_privat_2018_1.csv": "52d9c1a439da1f4132c834a60c567611b0aae801c3df2fec00dab5f363662201",
            "breitbandatlas/landkreis_privat_2018_2.csv": "d00616e98ad1bb39528a7c0c7cd2184f665fc02ac7d12cf317dbae26d8be3c9f",
            "breitbandatlas/landkreis_privat_2019_1.csv": "242bc9a473be5584bf10ed9b8e146897874cae3d799ef2a5f1b1b8fb59bfe81e",
            "breitbandatlas/landkreis_privat_2019_2.csv": "9ff36d8178a37af1ac1365c242b8bd6c260e259f54e05647085a783ad45d41e4",
            "breitbandatlas/landkreis_privat_2020_1.csv": "f12b9f69c1049300d8e6e6444a28664155c43fb1d1ebdc0bf23282b125669e21",
            "breitbandatlas/landkreis_privat_2020_2.csv": "a79e531d916a68889442b61e45995d2a41a12be4b1b51e1a45bab858c0f261ac",
            "breitbandatlas/landkreis_privat_2021_1.csv": "c8a00a4045798fcf388ec61914dedcbd60aeabd5c03d213e888cdbfd563484d6",
        },
        "extracts": ["breitbandatlas_landkreise.csv"],
    },
    "ifo_wfh": {
        "publisher": "ifo Institut / Alipour, J.-V., O. Falck und S. Schüller",
        "title": "Germany's Capacity to Work from Home, CESifo Working Paper No. 8227 (2020): "
                 "WFH-Index je Kreis (NUTS-3)",
        "reference_date": "2019-06-30",
        "repository": "jvali1/Alipouretal_WFH_Germany",
        "commit": "65ac50b8436a5bc288ca08fe770fd798361f0b21",
        "paths": ["wfh_nuts3.csv"],
        "license": "frei verfügbar mit Zitierhinweis der Autoren",
        "credit": "Alipour, J.-V., O. Falck und S. Schüller (2020): Germany's Capacity to Work from Home. "
                  "CESifo Working Paper No. 8227 (Schätzung aus BIBB/BAuA-Erwerbstätigenbefragung 2018 "
                  "und BA-Beschäftigtenstatistik Juni 2019)",
        "files": {"ifo_wfh/wfh_nuts3.csv": "d37a9faed1ec27f64bc6241eab6924b76314d930853db163b7d2d1365ba21e1a"},
        "extracts": ["ifo_wfh_nuts3.csv"],
    },
    "destatis_gv": {
        "publisher": "Statistisches Bundesamt (Destatis)",
        "title": "Gemeindeverzeichnis-Informationssystem GV-ISys: Alle politisch selbständigen Gemeinden "
                 "mit ausgewählten Merkmalen am 31.12.2019 (Auszug GV)",
        "reference_date": "2019-12-31",
        "repository": "mariusgruenewald/pol_viol",
        "commit": "3c96955457e62eba939f544bf53eb16b8780252b",
        "paths": ["data/31122019_Auszug_GV.xlsx"],
        "license": "dl-de/by-2-0",
        "credit": "© Statistisches Bundesamt (Destatis), 2020; Vervielfältigung und Verbreitung, auch "
                  "auszugsweise, mit Quellenangabe gestattet (dl-de/by-2-0)",
        "files": {"destatis_gv/31122019_Auszug_GV.xlsx":
                  "f56b05b41954ad5cc27980995e6bfdbaf8d40e63b1e802ca0e5f2178cf2c370c"},
        "extracts": ["gv2019_gemeinden.csv"],
    },
    "breitbandatlas_gemeinden": {
        "publisher": "Bundesministerium für Verkehr und digitale Infrastruktur (BMVI) / atene KOM, "
                     "heute Bundesnetzagentur",
        "title": "Breitbandatlas: Breitbandverfügbarkeit der privaten Haushalte je Gemeinde, Stand Mitte 2019",
        "reference_date": "2019-06-30",
        "repository": "hhilbig/broadband",
        "commit": "477bec2131efffc3b8ed1556831c997e4daff768",
        "paths": ["data/Paket_3/gemeinde_privat_2019_mitte.csv"],
        "license": "frei nutzbar mit Quellenangabe",
        "credit": "Breitbandatlas | Gigabit-Grundbuch (BMVI / atene KOM, heute Bundesnetzagentur), Stand Mitte 2019; "
                  "Werte unter den Gemeindeschlüsseln der Quelle (Gebietsstand etwa 2016)",
        "files": {"breitbandatlas/gemeinde_privat_2019_mitte.csv":
                  "98e30128a3d3926e3c2d66c0645ac32653d211fcd9079745ad505d214a5aa766"},
        "extracts": ["breitbandatlas_gemeinden_2019.csv"],
    },
    "inkar_2024": {
        "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR) im BBR, Bonn",
        "title": "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung, Ausgabe 2024 "
                 "(Gebietsstand 31.12.2022): Hausärzte je 10.000 Einwohner je BBSR-Mittelbereich",
        "reference_date": "2019-12-31",
        "repository": "RegioHub/inkr",
        "commit": "31343b235667b432af70586714ec6183035d3a65",
        "paths": ["inst/db/_indikatoren.parquet", "inst/db/medizinische_und_soziale_versorgung.parquet"],
        "license": "dl-de/by-2-0",
        "credit": "© BBSR Bonn 2024, INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung; "
                  "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "files": {
            "inkar_2024/_indikatoren.parquet": "5c5c351eb5a5387a6beffbdec4e2489d5888f297d246a73e56888e05289b1148",
            "inkar_2024/medizinische_und_soziale_versorgung.parquet":
                "6939272ae5fd8f236e233b6963ac9942c212bb3627a28f11e06a90265d582d38",
        },
        "extracts": ["inkar_2024_mittelbereiche.csv", "inkar_2024_indikatoren.csv"],
    },
}

# INKAR 2021 indicators taken into data/raw (id -> (table, year)); see docs/data.md.
INKAR_2021 = {
    256: ("medizinische_und_soziale_versorgung.parquet", "2019"),   # Hausärzte je 10.000 Einwohner (KBV)
    354: ("verkehr_und_erreichbarkeit.parquet", "2019"),            # SV-Beschäftigte, Arbeitsweg >= 50 km, %
    337: ("verkehr_und_erreichbarkeit.parquet", "2020"),            # Pkw-Fahrzeit zum nächsten Oberzentrum, min
    229: ("privateinkommen_private_schulden.parquet", "2019"),     # Haushaltseinkommen € je Einwohner (monatlich)
}
INKAR_2017_EDUC_COLUMN = "Beschäftigte am Wohnort mit akademischem Abschluss"

BROADBAND_PERIODS = {"2018_1": "2018-06", "2018_2": "2018-12", "2019_1": "2019-06", "2019_2": "2019-12",
                     "2020_1": "2020-06", "2020_2": "2020-12", "2021_1": "2021-06"}
BROADBAND_THRESHOLDS = (50, 100, 1000)     # verf_300_<mbit>: all technologies, private households


class ExtractError(Exception):
    """An original is missing, altered, or does not have the expected shape."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_sums(sources: Path) -> dict[str, str]:
    path = sources / "SHA256SUMS"
    if not path.exists():
        raise ExtractError(f"{path}: missing (expected the originals' checksums)")
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip().removeprefix("./")] = digest
    return sums


def check_originals(sources: Path) -> dict[str, Path]:
    """Check every original named in SOURCES against SHA256SUMS and the recorded sha256."""
    sums = read_sums(sources)
    paths = {}
    for key, spec in SOURCES.items():
        for rel, recorded in spec["files"].items():
            path = sources / rel
            if not path.exists():
                raise ExtractError(f"{path}: missing (source {key})")
            digest = sha256_bytes(path.read_bytes())
            if sums.get(rel) != digest:
                raise ExtractError(f"{path}: sha256 {digest} does not match SHA256SUMS ({sums.get(rel)})")
            if digest != recorded:
                raise ExtractError(f"{path}: sha256 {digest} does not match the recorded {recorded}")
            paths[rel] = path
    return paths


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """Rows as the project's CSV (UTF-8, ``,``, ``\\n``, minimal quoting); scripts/build_data.py writes with it too."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _num(text: str) -> str:
    """A published number as text, unchanged except for a decimal comma."""
    return str(text).strip().replace(",", ".")


# -- Regionalstatistik 12411 ----------------------------------------------------------

AGE_LABEL = re.compile(r"^(?:unter (\d+)|(\d+) bis unter (\d+)|(\d+) und mehr) Jahre$|^(\d+) Jahre und mehr$")


def age_bounds(label: str) -> tuple[int, int | None]:
    """'unter 3 Jahre' -> (0, 3); '3 bis unter 6 Jahre' -> (3, 6); '90 Jahre und mehr' -> (90, None)."""
    m = AGE_LABEL.match(label.strip())
    if not m:
        raise ExtractError(f"12411: unknown age group {label!r}")
    if m.group(1):
        return 0, int(m.group(1))
    if m.group(2):
        return int(m.group(2)), int(m.group(3))
    return int(m.group(4) or m.group(5)), None


# Berlin and Hamburg are Land and Kreis at once: the table lists them under the Land keys 11 and 02,
# and one row of each has a mistyped key (1100 for Berlin's total in the 2019 block, 2000 for
# Hamburg's in the 2020 block; see SOURCES.md).
CITY_STATE_KEYS = {"11": BERLIN, "1100": BERLIN, "02": HAMBURG, "2000": HAMBURG}


def _read_12411(path: Path) -> list[dict]:
    """The sheet as blocks: [{ags: {age label: total}}] in file order (one block per year)."""
    import pandas as pd

    df = pd.read_excel(path, header=None, dtype=str)
    if list(df.iloc[0, [0, 3, 4]]) != ["kid2019", "total", "foreigners"]:
        raise ExtractError(f"{path.name}: unexpected header {list(df.iloc[0])}")
    blocks: list[dict] = []
    current: dict | None = None
    key = None
    for row_no, (k, _, label, total) in enumerate(df.iloc[1:, :4].itertuples(index=False, name=None), start=2):
        if isinstance(k, str) and k.strip():
            key = k.strip()
        if not isinstance(label, str):
            continue
        if label == "unter 3 Jahre" and key == "01001":
            current = {}
            blocks.append(current)
        if current is None:
            raise ExtractError(f"{path.name} row {row_no}: data before the first block")
        kreis = CITY_STATE_KEYS.get(key, key)
        groups = current.setdefault(kreis, {})
        if label in groups:
            raise ExtractError(f"{path.name} row {row_no}: key {key}, {label!r} appears twice in a year block")
        groups[label] = total
    return blocks


def extract_12411(paths: dict[str, Path]) -> bytes:
    blocks = _read_12411(paths["regionalstatistik_12411/12411-03-03-4-2019-2022.xlsx"])
    if len(blocks) != 4:
        raise ExtractError(f"12411-03-03-4-2019-2022.xlsx: {len(blocks)} year blocks, expected 4 (2019-2022)")
    expected_totals = [83_166_711, 83_155_031, 83_237_124, 84_358_845]
    years = []
    for block, expected in zip(blocks, expected_totals):
        kreise = {}
        for key, groups in block.items():
            if len(key) != 5 or groups.get("Insgesamt") in (None, "-"):
                continue     # Länder, Regierungsbezirke, historical keys with '-' values
            values = {lab: int(v) for lab, v in groups.items()}
            parts = sum(v for lab, v in values.items() if lab != "Insgesamt")
            if parts != values["Insgesamt"]:
                raise ExtractError(f"12411: Kreis {key}: age groups sum to {parts}, total {values['Insgesamt']}")
            kreise[key] = values
        total = sum(v["Insgesamt"] for v in kreise.values())
        if total != expected:
            raise ExtractError(f"12411: a year block sums to {total}, expected {expected}")
        years.append(kreise)
    y2019 = years[0]
    if len(y2019) != 401 or BERLIN not in y2019 or HAMBURG not in y2019:
        raise ExtractError(f"12411 2019: {len(y2019)} Kreise, expected 401 with Berlin and Hamburg")
    # The -2019 file is the same table for 2019 alone: it confirms that block 1 is 2019.
    check = _read_12411(paths["regionalstatistik_12411/12411-03-03-4-2019.xlsx"])
    if len(check) != 1:
        raise ExtractError(f"12411-03-03-4-2019.xlsx: {len(check)} blocks, expected 1")
    for key, groups in y2019.items():
        other = check[0].get(key)
        if other is None or {lab: int(v) for lab, v in other.items()} != groups:
            raise ExtractError(f"12411: Kreis {key} of the 2019 block differs from 12411-03-03-4-2019.xlsx")
    rows = []
    for key in sorted(y2019):
        for label, value in y2019[key].items():
            if label == "Insgesamt":
                continue
            lo, hi = age_bounds(label)
            rows.append([key, lo, "" if hi is None else hi, label, value])
        rows.append([key, 0, "", "Insgesamt", y2019[key]["Insgesamt"]])
    rows.sort(key=lambda r: (r[0], r[3] == "Insgesamt", r[1]))
    return csv_bytes(["ags", "age_from", "age_to", "age_group", "population_2019"], rows)


# -- BBSR Kreistypen ------------------------------------------------------------------

def extract_bbsr(paths: dict[str, Path]) -> bytes:
    import pandas as pd

    df = pd.read_excel(paths["bbsr_raumgliederung/download-ref-xls.xlsx"], sheet_name="Kreise",
                       header=None, dtype=str)
    codes = [str(c).strip() for c in df.iloc[2]]
    want = {"krs17": 0, "krs17name": 1, "kreg17": 9, "kreg17name": 10, "st_kreg": 11, "ktyp4": 15,
            "raumt2010lage_kreis": 19}
    for code, col in want.items():
        if codes[col] != code:
            raise ExtractError(f"download-ref-xls.xlsx, sheet Kreise: column {col + 1} is {codes[col]!r}, "
                               f"expected {code!r}")
    rows = []
    for rec in df.iloc[3:].itertuples(index=False, name=None):
        if not isinstance(rec[0], str) or not rec[0].strip().isdigit():
            continue
        ags = rec[0].strip().zfill(8)[:5]
        kreg = rec[9].strip().zfill(8)[:5]
        rows.append([ags, rec[1].strip(), rec[15].strip(), rec[16].strip(), kreg, rec[10].strip(),
                     rec[11].strip(), rec[19].strip(), rec[20].strip()])
    rows.sort()
    counts = {t: sum(1 for r in rows if r[2] == t) for t in "1234"}
    if len(rows) != 401 or counts != {"1": 67, "2": 131, "3": 101, "4": 102}:
        raise ExtractError(f"BBSR Kreise 2017: {len(rows)} Kreise with types {counts}, "
                           f"expected 401 with 67/131/101/102")
    return csv_bytes(["ags", "name", "ktyp4", "ktyp4_name", "kreg17", "kreg17_name", "st_kreg",
                 "raumtyp_lage", "raumtyp_lage_name"], rows)


# -- INKAR 2021 -----------------------------------------------------------------------

def _two_decimals(value, where: str) -> str:
    """INKAR publishes two decimals; the Parquet floats carry binary noise (1588.6599999999999)."""
    text = f"{float(value):.2f}"
    if abs(float(text) - float(value)) > 1e-6:
        raise ExtractError(f"{where}: value {value!r} has more than two decimals")
    return text


def extract_inkar_2021(paths: dict[str, Path]) -> tuple[bytes, bytes]:
    import pandas as pd

    regions = pd.read_parquet(paths["inkar_2021/_regionen.parquet"])
    kreise = regions[regions["raumbezug"] == "Kreise"]
    key_of = {int(i): f"{int(k):05d}" for i, k in zip(kreise["id"], kreise["kennziffer"])}
    if len(key_of) != 401:
        raise ExtractError(f"INKAR 2021 _regionen: {len(key_of)} Kreise, expected 401")
    rows = []
    for ind, (table, year) in sorted(INKAR_2021.items()):
        t = pd.read_parquet(paths[f"inkar_2021/{table}"], columns=["region_id", "zeitbezug", f"x{ind}"])
        t = t[t["region_id"].isin(key_of) & (t["zeitbezug"] == year) & t[f"x{ind}"].notna()]
        if len(t) != 401 or t["region_id"].duplicated().any():
            raise ExtractError(f"INKAR 2021 {table}: indicator {ind} has {len(t)} Kreise in {year}, expected 401")
        rows += [[key_of[int(r)], ind, year, _two_decimals(v, f"INKAR 2021 indicator {ind}, region {r}")]
                 for r, v in zip(t["region_id"], t[f"x{ind}"])]
    rows.sort(key=lambda r: (r[0], r[1]))
    ind = pd.read_parquet(paths["inkar_2021/_indikatoren.parquet"]).set_index("id")
    defs = [[i, ind.loc[i, "kurzname"], ind.loc[i, "name"], ind.loc[i, "algorithmus"] or "",
             ind.loc[i, "anmerkungen"] or "", ind.loc[i, "statistische_grundlagen"] or ""]
            for i in sorted(INKAR_2021)]
    return (csv_bytes(["ags", "indicator_id", "year", "value"], rows),
            csv_bytes(["indicator_id", "kurzname", "name", "algorithmus", "anmerkungen", "statistische_grundlagen"],
                 defs))


def extract_inkar_2017(paths: dict[str, Path]) -> bytes:
    text = paths["inkar_2017/INKAR4_educ.csv"].read_text(encoding="utf-8-sig")
    reader = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, years = [h.strip() for h in reader[0]], reader[1]
    if header[:3] != ["Kennziffer", "Raumeinheit", "Aggregat"] or INKAR_2017_EDUC_COLUMN not in header:
        raise ExtractError(f"INKAR4_educ.csv: header {header}")
    col = header.index(INKAR_2017_EDUC_COLUMN)
    rows = [[r[0].strip().zfill(5), r[1].strip(), years[col].strip(), _num(r[col])] for r in reader[2:] if r]
    rows.sort()
    if len(rows) != 401 or any(not r[3] for r in rows):
        raise ExtractError(f"INKAR4_educ.csv: {len(rows)} Kreise with values, expected 401")
    return csv_bytes(["ags", "name", "year", "academic_share_residence_pct"], rows)


# -- Breitbandatlas -------------------------------------------------------------------

def extract_broadband(paths: dict[str, Path]) -> bytes:
    rows = []
    for suffix, period in BROADBAND_PERIODS.items():
        rel = f"breitbandatlas/landkreis_privat_{suffix}.csv"
        reader = list(csv.reader(io.StringIO(paths[rel].read_text(encoding="utf-8-sig")), delimiter=";"))
        header = reader[0]
        if header[0] != "ags":
            raise ExtractError(f"{rel}: first column {header[0]!r}, expected 'ags'")
        keys = [r[0] for r in reader[1:] if r]
        if len(keys) != 402 or len(set(keys)) != 402 or not set(GOETTINGEN_PARTS) <= set(keys):
            raise ExtractError(f"{rel}: {len(set(keys))} Landkreise, expected 402 (with 03152 and 03156)")
        for mbit in BROADBAND_THRESHOLDS:
            name = f"verf_300_{mbit}"
            if name not in header:
                continue        # mid-2018 publishes no >= 100 / >= 1000 Mbit/s column
            col = header.index(name)
            for r in reader[1:]:
                if r and r[col].strip():
                    rows.append([r[0], period, mbit, _num(r[col])])
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return csv_bytes(["ags_source", "period", "threshold_mbit", "share_pct"], rows)


# -- ifo WFH --------------------------------------------------------------------------

def extract_ifo(paths: dict[str, Path]) -> bytes:
    data = paths["ifo_wfh/wfh_nuts3.csv"].read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if rows[0][:2] != ["nuts3", "nuts3_lab"] or len(rows) - 1 != 401:
        raise ExtractError(f"wfh_nuts3.csv: header {rows[0][:3]}, {len(rows) - 1} rows, expected 401")
    return data             # small: the original as it is


# -- GV 2019: every Gemeinde (issue 14; also the weights to merge the Breitbandatlas's 03152/03156) --

GV_COLUMNS = ["ags", "name", "verband_key", "verband_name", "area_km2", "population_2019", "population_male_2019",
              "population_female_2019", "density_per_km2", "plz", "lon", "lat", "urbanisation_key",
              "urbanisation_name"]


def extract_gv(paths: dict[str, Path]) -> bytes:
    """Satzart 60 (Gemeinden, incl. uninhabited gemeindefreie Gebiete) with the name of their Verband
    (Satzart 50); numbers as published (decimal comma -> point)."""
    import pandas as pd

    df = pd.read_excel(paths["destatis_gv/31122019_Auszug_GV.xlsx"], sheet_name=1, header=None, dtype=str)
    head = [str(v).strip() for v in df.iloc[3]]
    if head[2:7] != ["Land", "RB", "Kreis", "VB", "Gem"] or head[9:13] != ["insgesamt", "männlich", "weiblich", "je km2"]:
        raise ExtractError(f"31122019_Auszug_GV.xlsx: unexpected header {head}")
    verbaende = {}
    rows = []
    for rec in df.iloc[6:].itertuples(index=False, name=None):
        rec = ["" if not isinstance(v, str) else v.strip() for v in rec]
        if rec[0] == "50":
            verbaende[f"{rec[2]}{rec[3]}{rec[4]}{rec[5]}"] = rec[7]
        elif rec[0] == "60":
            rows.append(rec)
    out = []
    total = 0
    for rec in rows:
        ags = f"{rec[2]}{rec[3]}{rec[4]}{rec[6]}"
        verband = f"{rec[2]}{rec[3]}{rec[4]}{rec[5]}"
        if len(ags) != 8 or verband not in verbaende:
            raise ExtractError(f"31122019_Auszug_GV.xlsx: Gemeinde {ags!r} without a Gemeindeverband {verband!r}")
        pop = int(rec[9]) if rec[9] else 0
        total += pop
        out.append([ags, rec[7], verband, verbaende[verband], _num(rec[8]), rec[9] or "0", rec[10] or "0",
                    rec[11] or "0", _num(rec[12]), rec[13], _num(rec[14]), _num(rec[15]), rec[18], rec[19]])
    inhabited = sum(1 for r in out if int(r[5]) > 0)
    kreise = len({r[0][:5] for r in out if int(r[5]) > 0})    # uninhabited areas also under 07000, 13000
    if (len(out), inhabited, kreise, total) != (11_010, 10_799, 401, OFFICIAL_TOTAL_2019):
        raise ExtractError(f"31122019_Auszug_GV.xlsx: {len(out)} records, {inhabited} inhabited, {kreise} Kreise, "
                           f"{total} inhabitants; expected 11,010 / 10,799 / 401 / {OFFICIAL_TOTAL_2019:,}")
    out.sort()
    return csv_bytes(GV_COLUMNS, out)


# -- BBSR Gemeinden 31.12.2017 (issue 14) ---------------------------------------------------

def extract_bbsr_gemeinden(paths: dict[str, Path]) -> bytes:
    """Per Gemeinde 2017: Stadt-/Gemeindetyp, Raumtyp nach Lage, zentralörtliche Einstufung, BBSR
    Gemeindeverband and its Mittelbereich (Referenz Gemeinden-GVB-Kreise_NUTS.xlsx)."""
    import pandas as pd

    path = paths["bbsr_raumgliederung/Referenz_Gemeinden-GVB-Kreise_NUTS.xlsx"]

    def sheet(name: str, codes: list[str]):
        df = pd.read_excel(path, sheet_name=name, header=None, dtype=str)
        got = [str(c).strip() for c in df.iloc[0]]
        for code in codes:
            if code not in got:
                raise ExtractError(f"{path.name}, sheet {name}: no column {code!r} ({got})")
        body = df.iloc[2:]
        body.columns = got
        body = body[body[codes[0]].fillna("").str.strip().str.isdigit()]
        return body[codes].apply(lambda col: col.fillna("").str.strip())

    gem = sheet("Gemeinden", ["gem17", "gem17name", "ZO4", "ZO4_bez", "ZOalle", "ZOalle_bez", "Raumtyp_Lage",
                              "Raumtyp_Lage_bez", "SGtyp17", "SGtyp17_bez"])
    gvb = sheet("Gemeinden-GVB", ["gem17", "vbgem17", "vbgnam17"])
    verb = sheet("Gemeindeverbände", ["gvb17", "mittelb17", "mittelb17name"])
    table = gem.merge(gvb, on="gem17", how="left", validate="one_to_one")
    table = table.merge(verb, left_on="vbgem17", right_on="gvb17", how="left", validate="many_to_one")
    if table[["vbgem17", "mittelb17"]].eq("").any().any() or table[["vbgem17", "mittelb17"]].isna().any().any():
        raise ExtractError(f"{path.name}: a Gemeinde without Gemeindeverband or Mittelbereich")
    rows = [[g.zfill(8), n, v.zfill(8), vn, m.zfill(6), mn, zo4, zo4b, zo, zob, lage, lageb, sg, sgb]
            for g, n, zo4, zo4b, zo, zob, lage, lageb, sg, sgb, v, vn, _, m, mn in table.itertuples(index=False)]
    rows.sort()
    if len(rows) != len({r[0] for r in rows}) or not 10_000 < len(rows) < 12_000:
        raise ExtractError(f"{path.name}: {len(rows)} Gemeinden")
    return csv_bytes(["ags", "name", "bbsr_verband_key", "bbsr_verband_name", "mittelbereich_key", "mittelbereich_name",
                 "zo4", "zo4_name", "zo", "zo_name", "raumtyp_lage", "raumtyp_lage_name", "sgtyp", "sgtyp_name"],
                rows)


# -- Breitbandatlas per Gemeinde, mid 2019 (issue 14) ------------------------------------

BROADBAND_GEMEINDE_COLUMNS = {50: "alle Technologien ≥ 50 Mbit/s", 100: "alle Technologien ≥ 100 Mbit/s",
                              1000: "alle Technologien ≥ 1000 Mbit/s"}
BROADBAND_GEMEINDE_ROWS = 11_330       # the source's own keys (territorial status about 2016)


def extract_broadband_gemeinden(paths: dict[str, Path]) -> bytes:
    """Private households with >= 50 / 100 / 1000 Mbit/s (all technologies, %) per Gemeinde, mid 2019,
    under the source's keys (compared with GV 2019 in scripts/build_data.py)."""
    rel = "breitbandatlas/gemeinde_privat_2019_mitte.csv"
    reader = list(csv.reader(io.StringIO(paths[rel].read_text(encoding="utf-8-sig")), delimiter=";"))
    header = [h.strip() for h in reader[0]]
    if header[0] != "AGS" or any(name not in header for name in BROADBAND_GEMEINDE_COLUMNS.values()):
        raise ExtractError(f"{rel}: header {header[:12]}, expected 'AGS' and {list(BROADBAND_GEMEINDE_COLUMNS.values())}")
    cols = [header.index(name) for name in BROADBAND_GEMEINDE_COLUMNS.values()]
    rows = []
    for line, r in enumerate(reader[1:], start=2):
        if not r:
            continue
        key = r[0].strip()
        values = [_num(r[c]) for c in cols]
        if not re.fullmatch(r"\d{8}", key):
            raise ExtractError(f"{rel}, row {line}: key {key!r}, expected 8 digits")
        for name, v in zip(BROADBAND_GEMEINDE_COLUMNS.values(), values):
            try:
                ok = 0.0 <= float(v) <= 100.0
            except ValueError:
                ok = False
            if not ok:
                raise ExtractError(f"{rel}, row {line}, column {name!r}, key {key}: {v!r} is not a percentage")
        rows.append([key] + values)
    keys = [r[0] for r in rows]
    if len(rows) != BROADBAND_GEMEINDE_ROWS or len(set(keys)) != len(keys):
        raise ExtractError(f"{rel}: {len(set(keys))} distinct keys in {len(rows)} rows, "
                           f"expected {BROADBAND_GEMEINDE_ROWS:,}")
    rows.sort()
    return csv_bytes(["ags_source", "share_50_pct", "share_100_pct", "share_1000_pct"], rows)


# -- INKAR 2024: GPs per 10,000 inhabitants per BBSR Mittelbereich (issue 14) ---------------

INKAR_2024_GP = ("q_hausarzt_bev", "2019", "BBSR-Mittelbereiche", 878)   # column, year, level, regions


def extract_inkar_2024_gp(paths: dict[str, Path]) -> tuple[bytes, bytes]:
    """Hausärzte je 10.000 Einwohner per BBSR Mittelbereich (Gebietsstand 31.12.2022), 2019, as published;
    and the definitions INKAR 2024 gives for that indicator column."""
    import pandas as pd

    column, year, level, expected = INKAR_2024_GP
    t = pd.read_parquet(paths["inkar_2024/medizinische_und_soziale_versorgung.parquet"],
                        columns=["raumbezug", "kennziffer", "name", "zeitbezug", column])
    t = t[(t["raumbezug"] == level) & (t["zeitbezug"] == year) & t[column].notna()]
    keys = t["kennziffer"].astype(str).str.strip()
    if len(t) != expected or keys.duplicated().any() or not keys.str.fullmatch(r"\d{6}").all():
        raise ExtractError(f"INKAR 2024 {level}: {len(t)} regions with {column} in {year}, expected {expected} "
                           f"distinct 6-digit keys")
    rows = sorted([k, n.strip(), year, _two_decimals(v, f"INKAR 2024 {column}, Mittelbereich {k}")]
                  for k, n, v in zip(keys, t["name"], t[column]))
    defs = pd.read_parquet(paths["inkar_2024/_indikatoren.parquet"])
    defs = defs[defs["kuerzel"] == column].sort_values("m_id")
    if defs.empty:
        raise ExtractError(f"INKAR 2024 _indikatoren: no definition of {column}")
    drows = [[int(r.m_id), r.kuerzel, r.bereich, r.kurzname, r.name, r.algorithmus or "", r.anmerkungen or "",
              r.statistische_grundlagen or ""] for r in defs.itertuples()]
    return (csv_bytes(["mittelbereich_key", "name", "year", "gp_per_10k"], rows),
            csv_bytes(["m_id", "kuerzel", "bereich", "kurzname", "name", "algorithmus", "anmerkungen",
                  "statistische_grundlagen"], drows))

def extract(sources: Path) -> dict[str, bytes]:
    paths = check_originals(sources)
    files = {"regionalstatistik_12411_2019.csv": extract_12411(paths),
             "bbsr_kreistypen_2017.csv": extract_bbsr(paths)}
    files["inkar_2021_kreise.csv"], files["inkar_2021_indikatoren.csv"] = extract_inkar_2021(paths)
    files["inkar_2017_bildung.csv"] = extract_inkar_2017(paths)
    files["breitbandatlas_landkreise.csv"] = extract_broadband(paths)
    files["ifo_wfh_nuts3.csv"] = extract_ifo(paths)
    files["gv2019_gemeinden.csv"] = extract_gv(paths)
    files["bbsr_gemeinden_2017.csv"] = extract_bbsr_gemeinden(paths)
    files["breitbandatlas_gemeinden_2019.csv"] = extract_broadband_gemeinden(paths)
    files["inkar_2024_mittelbereiche.csv"], files["inkar_2024_indikatoren.csv"] = extract_inkar_2024_gp(paths)
    declared = sorted(x for spec in SOURCES.values() for x in spec["extracts"])
    if sorted(files) != declared:
        raise ExtractError(f"extracts {sorted(files)} do not match SOURCES {declared}")
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the extracts into data/raw/")
    parser.add_argument("--out", type=Path, default=None, help="write the extracts into this folder")
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="folder of the originals")
    args = parser.parse_args(argv)
    try:
        files = extract(args.sources)
    except ExtractError as exc:
        print(f"extract_sources: {exc}", file=sys.stderr)
        return 1
    target = args.out if args.out is not None else RAW_DIR
    differ = []
    for name, data in sorted(files.items()):
        current = (target / name).read_bytes() if (target / name).exists() else None
        if current != data:
            differ.append(name)
        print(f"{'DIFFERS' if current != data else 'identical'}: {name} sha256 {sha256_bytes(data)}",
              file=sys.stderr)
    if args.write or args.out is not None:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from workbook.fsutil import atomic_write

        for name in differ:
            atomic_write(target / name, files[name], mkdir=True)
        print(f"wrote {differ or 'nothing (all identical)'} to {target}", file=sys.stderr)
        return 0
    if differ:
        print(f"extract_sources: {len(differ)} extract(s) differ from data/raw; run with --write",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
