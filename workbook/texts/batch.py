"""German text of the batch: progress line, end summary, index page."""

from __future__ import annotations

INDEX_TITLE = "Berichte Digitale Kommune"
INDEX_INTRO = ("Ein Bericht je Kreis und kreisfreier Stadt, und je Gemeinde auf einer Seite je Land. "
               "Karten und Tabellen verlinken jeden Bericht; ein Klick auf eine Spaltenüberschrift "
               "sortiert die Tabelle.")
MAP_TITLE = "Karte der berichteten Kreise"
MAP_NOTE = ("Farbe: {label} {year} im Szenario {scenario} (Median), in fünf gleich großen Gruppen; "
            "grau: kein Bericht oder kein Wert.")
MAP_MISSING = "Keine Karte: Kreisgrenzen nicht verfügbar ({reason})."
TABLE_TITLE = "Kennzahlen 2030 je Szenario"
TABLE_NOTE = ("Werte: Median (p50) der Monte-Carlo-Läufe im Jahr 2030, wie im jeweiligen Bericht. "
              "Geschätzte Eingangsdaten sind im Bericht gekennzeichnet.")
COL_AGS = "AGS"
COL_NAME = "Kreis"
COL_LAND = "Land"
COL_REPORT = "Bericht"
COL_GEMEINDE = "Gemeinde"
COL_KREIS = "Kreis"
LINK_REPORT = "öffnen"
NO_VALUE = "–"
SUMMARY_TITLE = "Lauf"
FAILED_TITLE = "Fehlgeschlagene Berichte"
FAILED_NONE = "Keine."
FAILED_HINT = ("Das teilweise ausgeführte Notebook liegt als notebooks/<Name>.failed.ipynb bei; "
               "ein erneuter Lauf mit --resume wiederholt nur fehlende und veraltete Berichte.")

RUN_LABELS = {
    "reports": "Berichte",
    "ok": "neu erstellt",
    "skipped": "aktuell, übersprungen",
    "failed": "fehlgeschlagen",
    "scenario": "Szenarien",
    "draws": "Monte-Carlo-Läufe",
    "seed": "Zufallsstartwert (seed)",
    "notebook": "Notebook",
    "executor": "Ausführung",
    "workers": "Arbeitsprozesse",
    "duration": "Dauer",
    "finished": "Beendet (UTC)",
    "data_hash": "Datenstand (SHA-256)",
    "code_hash": "Programmstand (SHA-256)",
    "notebook_hash": "Notebook (SHA-256)",
    "versions": "Versionen",
}

# Key indicators shown on the index page (label, number form), if the reports have them.
KEY_INDICATORS = {
    "ddi.index": ("Digitalisierungsindex (0–1)", "number"),
    "divide.online_share": ("Anteil online (14+)", "percent"),
    "divide.online_share_65plus": ("Anteil online (65+)", "percent"),
    "tele.co2_avoided_t": ("CO₂ vermieden durch Telemedizin (t/Jahr)", "int"),
    "resilience.cyber_continuity": ("Weiterbetrieb nach Cyberangriff", "percent"),
}

PROGRESS = "Berichte {done}/{total} ({percent}) · {rate} je s · noch {eta} · Fehler {failed}"
PROGRESS_START = "Starte {workers} Arbeitsprozess(e) für {total} Bericht(e) ({executor}) ..."
PROGRESS_RESUME = "{skipped} Bericht(e) aktuell, übersprungen (--resume)."
SUMMARY_LINE = ("Fertig: {ok} neu, {skipped} übersprungen, {failed} fehlgeschlagen von {total} "
                "in {duration} ({rate} Berichte je s). Übersicht: {index}")
SUMMARY_FAILED = "Fehlgeschlagen: {ags} {name}: {error}"
SUMMARY_MORE = "... und {n} weitere (siehe {manifest})."
INTERRUPTED = ("Abgebrochen nach {done} von {total} Berichten. Fertige Berichte sind vollständig; "
               "weiter mit --resume.")
DISK_FULL = ("Kein Speicherplatz mehr im Ausgabeordner {out} ({error}). Der Lauf wurde angehalten; "
             "{done} Bericht(e) sind vollständig, halbe Dateien gibt es keine. Platz schaffen, dann "
             "mit --resume fortsetzen.")
NOT_WRITABLE = "Der Ausgabeordner {out} ist nicht beschreibbar ({error}). Nichts wurde gestartet."
NOT_ENOUGH_SPACE = ("Im Ausgabeordner {out} sind nur {free} frei, gebraucht werden etwa {need}. "
                    "Nichts wurde gestartet.")
NOTEBOOK_MISSING = "Das Berichts-Notebook {path} fehlt (--notebook)."
NOTEBOOK_BAD = "Das Berichts-Notebook {path} ist kein lesbares Notebook: {error}"
NO_PARAMETERS_CELL = ("Das Notebook {path} hat keine Zelle mit dem Tag 'parameters' "
                      "(erwartet: ags, scenario, draws, seed, interactive).")


def fmt_duration(seconds: float) -> str:
    """72.4 -> '1:12 min'; 3725 -> '1:02:05 h'; 8.25 -> '8,3 s'."""
    s = max(0.0, float(seconds))
    if s < 60:
        return f"{s:.1f}".replace(".", ",") + " s"
    s = int(round(s))
    if s < 3600:
        return f"{s // 60}:{s % 60:02d} min"
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d} h"


def fmt_bytes(n: float) -> str:
    """1536 -> '1,5 KB'; 3_500_000 -> '3,3 MB' (binary units)."""
    n = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            text = f"{n:.0f}" if unit == "B" else f"{n:.1f}"
            return text.replace(".", ",") + f" {unit}"
        n /= 1024
    return ""  # pragma: no cover

REPORT_TITLE = "Drehbuch Digitale Kommune: Bericht"

# Printed report (browser print and --pdf): the line at the foot of every page.
# {title} is the report's title (the Kreis's name); {page}/{pages} are filled in by the browser.
PRINT_FOOTER_LEFT = "{title}"
PRINT_FOOTER_RIGHT = "Seite {page} von {pages}"

# -- selection: Kreise and Gemeinden (workbook.batch.selection) ---------------------------------
LEVEL_BAD = ("--level {value!r}: erwartet 'kreis' oder 'gemeinde' / expected 'kreis' or 'gemeinde'")
MIN_POPULATION_BAD = ("--min-population {value!r}: erwartet eine ganze Einwohnerzahl ab 0, z. B. 5000 "
                      "/ expected a whole number of inhabitants >= 0")
KREIS_WHERE_GEMEINDE = ("'{value}' ist ein Kreisschlüssel; mit --level gemeinde wird ein Gemeindeschlüssel "
                        "(8 Ziffern) erwartet / a Kreis key where a Gemeinde key is expected")
KREIS_WHERE_GEMEINDE_HINT = ("; alle Gemeinden des Kreises: --level gemeinde --kreis {kreis}; der Kreisbericht: "
                             "ohne --level gemeinde")
GEMEINDE_WHERE_KREIS = ("'{value}' ist ein Gemeindeschlüssel; mit --level kreis wird ein Kreisschlüssel "
                        "(5 Ziffern) erwartet, ihr Kreis ist {kreis}; Gemeindeberichte: ohne --level kreis "
                        "/ a Gemeinde key where a Kreis key is expected (its Kreis: {kreis})")
KREIS_UNKNOWN = ("Kreisschlüssel '{value}' gibt es nicht (Gebietsstand 31.12.2019){hint} "
                 "/ unknown Kreis key")
GEMEINDE_IN_KREIS_OPTION = ("'{value}' ist ein Gemeindeschlüssel; --kreis erwartet Kreisschlüssel "
                            "(5 Ziffern), hier {kreis}; eine einzelne Gemeinde: --ags {value} "
                            "/ a Gemeinde key where a Kreis key is expected")
LAND_IN_KREIS_OPTION = ("'{value}' ist ein Länderschlüssel; --kreis erwartet Kreisschlüssel (5 Ziffern), "
                        "ein Land wählt --land {value} / a Land key where a Kreis key is expected")
KREIS_OPTION_BAD = ("'{value}' ist kein Kreisschlüssel (5 Ziffern 0-9 erwartet, z. B. 08416) "
                    "/ not a Kreis key: expected 5 ASCII digits")
GEMEINDE_KREIS_MISSING = ("Gemeinde '{value}': ihr Kreis {kreis} fehlt in der Kreistabelle dieses Laufs "
                          "/ the Gemeinde's Kreis is not in this run's Kreis table")
SELECTION_EMPTY = ("the selection matches no place / die Auswahl trifft keinen Kreis und keine Gemeinde")
SELECTION_EMPTY_GEMEINDE = ("the selection matches no Gemeinde / die Auswahl trifft keine Gemeinde "
                            "(--min-population zählt die Einwohner am 31.12.2019)")

# -- Gemeinde reports: the Land pages and the Länder on the national index -----------------------
LANDS_TITLE = "Gemeindeberichte nach Land"
LANDS_NOTE = ("Je Land eine Seite mit einer Karte seiner Gemeinden und einer sortierbaren Tabelle "
              "der Gemeindeberichte.")
COL_LAND_KEY = "Schlüssel"
COL_LAND_REPORTS = "Gemeindeberichte"
COL_LAND_FAILED = "fehlgeschlagen"
COL_LAND_PAGE = "Seite"
LINK_LAND = "Gemeinden ansehen"
LAND_INDEX_TITLE = "Gemeindeberichte {land}"
LAND_BACK = "Zur Übersicht aller Berichte"
LAND_INDEX_INTRO = ("{n} Gemeindeberichte in {land}. Die Karte und die Tabelle verlinken jeden Bericht; "
                    "ein Klick auf eine Spaltenüberschrift sortiert die Tabelle.")
LAND_MAP_TITLE = "Karte der Gemeinden in {land}"
LAND_MAP_MISSING = "Keine Karte: Gemeindegrenzen für {land} nicht verfügbar ({reason})."
LAND_TABLE_TITLE = "Gemeinden und Kennzahlen 2030"
LAND_TABLE_NOTE = ("{population}: {population_source}. {type}: {type_source}. Kennzahlen: Median (p50) der "
                   "Monte-Carlo-Läufe im Jahr 2030, wie im jeweiligen Bericht; der Digitalisierungsindex in "
                   "jedem Szenario, die übrigen Kennzahlen im Szenario {scenario} (alle Werte im Bericht und "
                   "in manifest.json).")
LAND_RUN_NOTE = "Lauf: Szenarien {scenario}, {draws} Monte-Carlo-Läufe, Zufallsstartwert {seed}, beendet {finished} (UTC)."
