"""German text of the one-Kreis report (bericht.ipynb) and of the key-figure tables."""

from __future__ import annotations

REPORT_TITLE = "Drehbuch Digitale Kommune: {name} ({ags})"
REPORT_SUBTITLE = (
    "{kreis_type} in {land} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "{draws} Monte-Carlo-Ziehungen je Szenario, Startwert {seed}"
)
REPORT_SUBTITLE_NO_DRAWS = (
    "{kreis_type} in {land} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "Rechnung mit den Standardwerten (ohne Unsicherheitsband)"
)

SECTION_SUMMARY = "Zusammenfassung"
SECTION_KEY_FIGURES = "Kennzahlen 2030 nach Szenario"
SECTION_SCENARIOS = "Digitalisierungsgrad in den Szenarien"
SECTION_DIVIDE = "Digitale Kluft"
SECTION_TELE = "Telemedizin"
SECTION_RESILIENCE = "Krisenfestigkeit"
SECTION_COOP = "Regionale Kooperation"
SECTION_ESTIMATES = "Welche Eingaben sind Schätzungen oder Annahmen?"
SECTION_METHOD = "Methode und Herkunft"

# -- key figure table -----------------------------------------------------------------
COL_FIGURE = "Kennzahl"
COL_UNIT = "Einheit"
COL_SOURCE = "Herkunft"
COL_VALUE = "Wert"
COL_STATUS = "Status"
COL_INPUT = "Eingabe"
COL_RANGE = "Spanne"
COL_METHOD = "Quelle / Methode"
COL_YEAR = "Stand"
COL_RANK_LAND = "Rang in {land}"
COL_RANK_TYPE = "Rang unter {kreistyp}"
RANK = "{rank} von {n}"
SECTION_WHERE = "Wo steht der Kreis?"
WHERE_INTRO = (
    "Die amtlichen Zahlen, mit denen die Modelle für diesen Kreis rechnen, mit Stand und Quelle. "
    "Der Rang zählt vom höchsten Wert an (1 = höchster Wert) unter den Kreisen desselben Landes "
    "und desselben Kreistyps. Geschätzte Werte stehen nicht hier, sondern in der Liste der Schätzungen."
)
BAND = "{mid} ({lo} bis {hi})"
KEY_FIGURES_NOTE = (
    "Median der Monte-Carlo-Rechnung, in Klammern das 90-%-Band (5. bis 95. Perzentil). "
    "Modellrechnung: Schätzung auf Grundlage der Annahmen unten, keine Vorhersage."
)
KEY_FIGURES_NOTE_DEFAULT = (
    "Rechnung mit den Standardwerten der Annahmen (ohne Unsicherheitsband). "
    "Modellrechnung: Schätzung auf Grundlage der Annahmen unten, keine Vorhersage."
)

# -- plain-German summary ------------------------------------------------------------
SUM_DDI_TREND = (
    "{Where} erreicht {name} im Jahr {year} einen Digitalisierungsgrad von "
    "{value} (2021: {start})."
)
WHERE_TREND = "im Trend"
WHERE_TREND_START = "Im Trend-Szenario (S0)"
WHERE_SCENARIO = "im Szenario „{title}“ ({sid})"
WHERE_SCENARIO_START = "Im Szenario „{title}“ ({sid})"
SUM_DDI_TREND_BAND = " Die Unsicherheit der Annahmen allein ergibt eine Spanne von {lo} bis {hi}."
SUM_DDI_RANGE = (
    "Am weitesten kommt der Kreis im Szenario „{best_title}“ ({best}), am wenigsten weit in "
    "„{worst_title}“ ({worst}); der Abstand beträgt {gap}."
)
SUM_DDI_GAP_SMALL = (
    "Der Abstand zwischen den Szenarien ist kleiner als die Unsicherheit innerhalb eines "
    "Szenarios: Welche Zukunft eintritt, ist weniger wichtig als gut gewählte Annahmen."
)
SUM_DDI_GAP_LARGE = (
    "Der Abstand zwischen den Szenarien ist größer als die Unsicherheit innerhalb eines "
    "Szenarios: Die Weichenstellung der Kommune macht einen deutlichen Unterschied."
)
SUM_WEAKEST = (
    "Der schwächste Baustein im Jahr {year} ist „{label}“ mit {value}: Dort wirkt ein Hebel am meisten."
)
SUM_DIVIDE = (
    "Von den Menschen ab 65 Jahren sind {where} {year} {value} online (2021: {start})."
)
SUM_DIVIDE_COST = " Jede zusätzlich gewonnene Person kostet durch Schulungen rund {value}."
SUM_TELE = (
    "Videosprechstunden ersparen {where} {year} rund {trips} Wege zur Hausarztpraxis und "
    "{km} Autokilometer im Jahr."
)
SUM_TELE_GAP = " Die Lücke in der hausärztlichen Versorgung liegt {year} bei {value}."
SUM_RES = (
    "Im Lockdown-Stresstest laufen {year} {where} {value} der Verwaltungsleistungen weiter."
)
SUM_COOP = (
    "Ein gemeinsamer IT-Dienst mit {partners} spart im Szenario „{scenario}“ "
    "allen Mitgliedern zusammen rund {saving} im Jahr; {losers}"
)
SUM_COOP_NONE_WORSE = "mit den Standardannahmen zahlt kein Mitglied mehr als allein."
SUM_COOP_RISK = (
    "Unter ungünstigen Annahmen (5-%-Quantil der Monte-Carlo-Rechnung) würde die Kooperation "
    "{name} aber rund {value} im Jahr mehr kosten als ein eigener Dienst."
)
SUM_COOP_SAFE = (
    "Auch unter ungünstigen Annahmen (5-%-Quantil der Monte-Carlo-Rechnung) spart {name} "
    "noch rund {value} im Jahr."
)
SUM_COOP_SOME_WORSE = "{names} würde(n) bei der einfachen Aufteilung mehr zahlen als allein."
SUM_COOP_NO_PARTNER = "Für {name} schlägt das Modell keinen Partner vor (keine Ersparnis mit den Nachbarn)."
SUM_ESTIMATES = (
    "Alle Zahlen sind Modellrechnungen. {n_data} Eingaben zum Kreis sind Schätzungen, "
    "{n_params} Modellparameter sind Annahmen; die Liste am Ende nennt sie mit Quelle."
)

ESTIMATES_INTRO = (
    "Schätzungen zum Kreis (keine amtliche Statistik verfügbar) und die Annahmen des Modells "
    "mit ihrem Standardwert und ihrer Spanne. Eigene Zahlen der Kommune lassen sich mit "
    "`workbook import` einlesen; sie ersetzen dann die Schätzungen."
)
DATA_STATUS = {"fact": "amtlich", "estimate": "Schätzung", "local": "eigene Daten"}
PARAM_STATUS = {"fact": "Fakt", "derived": "abgeleitet", "assumption": "Annahme"}
METHOD_TEXT = (
    "Berechnet mit Drehbuch Digitale Kommune {version} · Parameter-Hash {param_hash} · "
    "Daten-Hash {data_hash} · Startwert {seed}. Grunddaten: Destatis (Gemeindeverzeichnis, "
    "Stand 31.12.2018), RKI (Einwohner 31.12.2019), BKG VG250 (Grenzen)."
)
