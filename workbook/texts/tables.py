"""German texts of the table exports (``workbook.tables``): headers, labels, messages."""

from __future__ import annotations

#: headers of the long result table in the downloads for people (dashboards, notebooks)
RESULT_HEADERS_DE = {
    "scenario": "Szenario",
    "scenario_title": "Szenario (Titel)",
    "ags": "Kreisschlüssel (AGS)",
    "kreis": "Kreis",
    "indicator_label": "Kennzahl",
    "indicator": "Kennzahl (Schlüssel)",
    "unit": "Einheit",
    "year": "Jahr",
    "value": "Wert",
    "quantile": "Lauf / Quantil",
}
#: units as stored -> as shown in a download
UNIT_DE = {"1": "Index bzw. Anteil (0 bis 1)", "EUR": "Euro", "EUR/Jahr": "Euro je Jahr", "EUR/Person": "Euro je Person",
           "h/Jahr": "Stunden je Jahr", "km/Jahr": "Kilometer je Jahr", "t/Jahr": "Tonnen je Jahr"}
SHEET_RESULTS = "Ergebnisse"
SHEET_DATA = "Daten"
SHEET_META = "Metadaten"
META_HEADERS = ("Schlüssel", "Wert")

WRITE_FAILED = ("Datei konnte nicht geschrieben werden: {error}; nichts wurde geschrieben "
                "/ cannot be written, nothing was written")
EXCEL_TOO_MANY_ROWS = ("{rows} Zeilen passen nicht in ein Excel-Blatt (höchstens {limit} Zeilen mit Kopfzeile); "
                       "bitte weniger Kreise wählen oder als CSV exportieren / too many rows for one Excel sheet")
NOT_A_TABLE = "Export: erwartet eine Tabelle (pandas.DataFrame), erhalten {kind}"
INFINITE_VALUE = "unendlicher Wert kann nicht exportiert werden"
FORMAT_UNSUPPORTED = "Format {fmt!r} nicht unterstützt (erwartet: csv, xlsx)"
