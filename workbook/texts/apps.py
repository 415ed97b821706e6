"""German user-facing text of the notebook apps (widgets, pickers, notes).

Keep every string a user sees in the notebooks and dashboards here, so that
an English variant is one more module with the same names.
"""

from __future__ import annotations

# -- parameter validation (workbook.nbparams) -------------------------------
PARAM_AGS_UNKNOWN = (
    "Parameter 'ags': unbekannter Ort {value!r}; erwartet wird ein fünfstelliger "
    "Kreisschlüssel (AGS) eines der 401 Kreise, z. B. '05315' für Köln, oder ein achtstelliger "
    "Gemeindeschlüssel einer der 10.799 Gemeinden, z. B. '08416041' für Tübingen{hint}"
)
PARAM_AGS_TYPE = (
    "Parameter 'ags': {value!r} ist kein Kreis- oder Gemeindeschlüssel; erwartet wird Text mit "
    "fünf Ziffern (Kreis, z. B. '05315' für Köln) oder acht Ziffern (Gemeinde, z. B. '08416041')"
)
PARAM_SCENARIO_UNKNOWN = (
    "Parameter 'scenario': unbekanntes Szenario {value!r}; erwartet wird 'all', "
    "eine der Kennungen {known} (auch mehrere, durch Komma getrennt) oder eine "
    "Szenario-Datei (.yml)"
)
PARAM_SCENARIO_TYPE = (
    "Parameter 'scenario': {value!r} ist kein Text; erwartet wird 'all' oder z. B. 'S0,S1'"
)
PARAM_INT = (
    "Parameter '{name}': {value!r} ist keine ganze Zahl; erwartet wird eine ganze "
    "Zahl zwischen {lo} und {hi}"
)
PARAM_INT_RANGE = (
    "Parameter '{name}': {value!r} liegt außerhalb des erlaubten Bereichs; erwartet "
    "wird eine ganze Zahl zwischen {lo} und {hi}"
)
PARAM_FLOAT = (
    "Parameter '{name}': {value!r} ist keine endliche Zahl; erwartet wird eine Zahl "
    "zwischen {lo} und {hi}"
)
PARAM_FLOAT_RANGE = (
    "Parameter '{name}': {value!r} liegt außerhalb des erlaubten Bereichs; erwartet "
    "wird eine Zahl zwischen {lo} und {hi}"
)
PARAM_BOOL = (
    "Parameter '{name}': {value!r} ist kein Wahrheitswert; erwartet wird True oder False"
)
PARAM_CHOICE = (
    "Parameter '{name}': {value!r} ist nicht erlaubt; erwartet wird einer der Werte {known}"
)
PARAM_UNKNOWN_EXTRA = (
    "Unbekannter Notebook-Parameter '{name}'; dieses Notebook kennt: {known}"
)
QUERY_AGS_INVALID = (
    "Der Schlüssel {value!r} aus der Adresse (?ags=) ist unbekannt; "
    "angezeigt wird stattdessen {name} ({ags})."
)
#: appended to QUERY_AGS_INVALID in a dashboard: why the key names no place (workbook.data.places)
QUERY_AGS_REASON = "Grund: {reason}."

# -- parameter panel (workbook.widgets) -------------------------------------
LEVER_GROUPS = {
    "kommune": "Hebel der Kommune",
    "bund_land": "Bund und Land",
    "markt": "Markt und Bevölkerung",
}
LEVER_GROUP_OTHER = "Weitere Annahmen"
STATUS_BADGES = {
    "fact": ("Fakt", "veröffentlichte Zahl mit Quelle"),
    "derived": ("abgeleitet", "aus veröffentlichten Zahlen berechnet"),
    "assumption": ("Annahme", "Modellannahme: bitte prüfen und anpassen"),
}
LEVER_HELP = "Was bewirkt dieser Hebel? Quelle und Spanne"
#: the lever's name in the model (parameter key, as in the scenario files and MODELS.md)
LEVER_TECH_NAME = "Name im Modell: {key}"
RESET_ONE = "Standard"
RESET_ONE_SYMBOL = "↺"
RESET_ONE_TOOLTIP = "auf den Standardwert {default} zurücksetzen"
RESET_ALL = "Alle Annahmen zurücksetzen"
PANEL_TITLE = "Annahmen und Hebel"
PANEL_HINT = (
    "Jeder Regler ist eine Annahme mit Einheit, Spanne und Quelle. "
    "Geänderte Werte gelten für alle Szenarien dieser Ansicht; was die Szenarien selbst "
    "festlegen (Faktoren und Verschiebungen), steht in ihren Szenario-Dateien."
)
RANGE_NOTE = "Spanne {lo} bis {hi} · Standard {default}"
SOURCE_LINE = "Quelle: {source}"
VALUE_CLAMPED = "Wert {value} lag außerhalb der Spanne und wurde auf {clamped} begrenzt."
VALUE_REJECTED = "Wert {value!r} ist keine Zahl; verwendet wird der Standardwert {default}."

# -- pickers ------------------------------------------------------------------
KREIS_LABEL = "Kreis"
KREIS_PLACEHOLDER = "Name oder Kreisschlüssel eingeben, z. B. Köln oder 05315"
KREIS_UNKNOWN = "Kein Kreis passt zu {value!r}; es bleibt {name} ({ags})."
KREIS_CHOSEN = "{name} ({ags}) · {kreis_type} · {land}"
#: the place picker (workbook.widgets.PlacePicker): a Kreis or a Gemeinde, by name or key
PLACE_LABEL = "Ort"
PLACE_PLACEHOLDER = "Kreis oder Gemeinde: Name oder Schlüssel, z. B. Tübingen, 08416 oder 08416041"
PLACE_HINT = "Tippen Sie einen Namen oder Schlüssel und wählen Sie einen Treffer."
PLACE_UNKNOWN = "Kein Kreis und keine Gemeinde passt zu {value!r}; es bleibt {current}."
PLACE_HITS = "{count} Treffer"
PLACE_HITS_MORE = "{shown} von {count} Treffern; für weitere bitte genauer eingeben"
PLACE_AMBIGUOUS = "Mehrere Orte passen zu {value!r}: bitte einen Treffer anklicken."
#: one search hit (a button): a Kreis with its kind, a Gemeinde with its population
PLACE_HIT_KREIS = "{option} · {kind}"
PLACE_HIT_GEMEINDE = "{option} · Gemeinde, {population} Einw."
PLACE_CHOSEN_KREIS = "{label} ({ags}) · {kind} · {land}"
#: the area of a Gemeinde's map when its Kreis is the city alone (workbook.apps.area)
AREA_WITH_NEIGHBOURS = "{kreis} und Nachbarkreise"
PLACE_CHOSEN_GEMEINDE = "{label} · Gemeinde {ags} · {population} Einwohner (31.12.2019) · {land}"
SCENARIO_LABEL = "Szenario"
SCENARIO_ALL = "alle Szenarien"
SCENARIO_STORY = "{scenario} „{title}“: Worum geht es?"
SCENARIO_UNKNOWN = "Unbekanntes Szenario {value!r}; es bleibt {current}."
INDICATOR_LABEL = "Kennzahl"
YEAR_LABEL = "Jahr"

# -- app frame ------------------------------------------------------------------
COMPUTING = "Berechne …"
COMPUTED = "Neu berechnet aus {draws} Rechnungen je Szenario mit gestreuten Annahmen."
#: apps that show base data only (no model run, no draws)
COMPUTED_BASE = "Angezeigt werden die Daten des gewählten Kreises."
COMPUTED_BASE_GEMEINDE = "Angezeigt werden die Daten der gewählten Gemeinde."
#: the technical figures of the status line, folded away (for analysts)
COMPUTED_DETAILS_TITLE = "Technische Angaben"
COMPUTED_DETAILS = "Rechenzeit {ms} ms · Startwert des Zufallsgenerators {seed} · {draws} Ziehungen je Szenario"
COMPUTED_BASE_DETAILS = "Rechenzeit {ms} ms"
ERROR_FRIENDLY = (
    "Diese Einstellung lässt sich nicht berechnen: {message}. "
    "Die Ansicht zeigt weiter das letzte gültige Ergebnis."
)
ERROR_UNEXPECTED = (
    "Diese Einstellung ließ sich wegen eines internen Fehlers nicht berechnen; die Ansicht zeigt "
    "weiter das letzte gültige Ergebnis. Bitte melden Sie die Einstellung der Betreuung des Workbooks."
)
EXPORT_TITLE = "Export"
EXPORT_CHART = "Diagramm"
EXPORT_PNG = "Diagramm als PNG"
EXPORT_SVG = "Diagramm als SVG"
EXPORT_PDF = "Diagramm als PDF"
EXPORT_CSV = "Ergebnisse als CSV"
EXPORT_XLSX = "Ergebnisse als Excel"
EXPORT_YAML = "Einstellungen als Szenario (YAML)"
EXPORT_READY = "Bereit zum Herunterladen: {links}"
EXPORT_SCENARIO_TITLE = "Eigene Einstellungen ({ags} {name})"
EXPORT_KIND = "unbekannte Exportart {kind!r}; erwartet: {known}"
STATUS_ESTIMATE = "Schätzung"
STATUS_FACT = "amtliche Zahl"
STATUS_LOCAL = "eigene Daten der Kommune"
STATUS_ASSUMPTION = "Annahme"
STATUS_DERIVED = "abgeleitet"
MODEL_RESULT = "Modellrechnung"
MODEL_NOTE = (
    "Modellrechnung (Schätzung) aus {n} Parametern: {assumption} Annahmen, {derived} abgeleitet, "
    "{fact} veröffentlichte Zahlen; jeder mit Einheit, Spanne und Quelle (Regler bzw. Liste der Annahmen)"
)
NOTE_SEP = " · "
HOW_TO_READ = "Wie lese ich das?"
ASSUMPTIONS_CHANGED = "Geänderte Annahmen: {items}"
ASSUMPTIONS_DEFAULT = "Alle Annahmen auf Standardwerten."

# -- topic apps ----------------------------------------------------------------------------
AGE_BLOCK = "Offliner nach Alter und Jahr"
AGE_TITLE = "Offliner nach Alter: {scenario}"
AGE_AXIS = "Offliner"
AGE_LEGEND = "Altersgruppe"
#: chart groups of the model's age groups (workbook.models.demography.GROUPS from 14-19): the
#: two youngest are merged (both around 1 % offline; the palette has eight colours)
AGE_GROUP_LABELS = {
    "14-19": "14 bis 29 Jahre", "20-29": "14 bis 29 Jahre", "30-39": "30 bis 39 Jahre",
    "40-49": "40 bis 49 Jahre", "50-59": "50 bis 59 Jahre", "60-64": "60 bis 64 Jahre",
    "65-69": "65 bis 69 Jahre", "70-79": "70 bis 79 Jahre", "80+": "80 Jahre und älter",
}
AGE_GROUPS = tuple(dict.fromkeys(AGE_GROUP_LABELS.values()))
AGE_ESTIMATE = "Modellrechnung mit den eingestellten Annahmen, ohne Streuung; Ausgangswerte 2021 je Kreis geschätzt (Initiative D21, D21-Digital-Index 2020/21)"
AGE_HELP = (
    "Wie lese ich das? Jede Fläche ist eine Altersgruppe; die Oberkante ist die Zahl aller Menschen "
    "ab 14 Jahren, die im gewählten Szenario offline sind (Rechnung mit den eingestellten Annahmen). "
    "Jahrgänge altern mit: Jüngere, meist schon digitale Menschen rücken in die älteren Gruppen nach, "
    "und Schulungen holen Menschen ab 65 ins Netz (ihr Erfolg ist anteilig auf die Gruppen ab 65 "
    "verteilt). Die Tabelle nennt die Zahlen je Jahr und Gruppe."
)

# -- cyber attack, day by day (04_telemedizin) ----------------------------------------------
CYBER_CURVE_BLOCK = "Cyberangriff Tag für Tag"
CYBER_CURVE_TITLE = "Leistung der Verwaltung nach einem Cyberangriff: {scenario}"
CYBER_CURVE_SUBTITLE = "Angriff im Jahr {years}: je digitaler ohne Notfallverfahren, desto tiefer der Einbruch"
CYBER_CURVE_GROUP = "Angriff im Jahr {year}"
CYBER_CURVE_LEGEND = "Zeitpunkt"
CYBER_CURVE_ESTIMATE = ("Modellrechnung mit den eingestellten Annahmen, ohne Streuung; Ausfalldauer nach "
                        "Anhalt-Bitterfeld 2021")
CYBER_CURVE_HELP = (
    "Wie lese ich das? Am Tag 0 fällt die IT aus. In der dunklen Zeit läuft nur weiter, was auf Papier "
    "geht: Leistungen, die noch nicht digital sind, und digitale Leistungen mit einem geübten "
    "Notfallverfahren. In der hellen Zeit läuft die IT schrittweise wieder an, bis 100 % erreicht sind. "
    "Die Fläche über der Linie ist die verlorene Arbeit; die Tabelle rechnet sie in Vorgänge um, die "
    "liegen bleiben (ohne Nacharbeit). Die Linien vergleichen einen Angriff im ersten Jahr der "
    "Rechnung mit einem Angriff im letzten, wenn mehr Leistungen digital sind."
)
CYBER_CURVE_COL_YEAR = "Angriff im Jahr"
CYBER_CURVE_COL_LOW = "Leistung im Ausfall"
CYBER_CURVE_COL_DAYS = "verlorene Leistungstage"
CYBER_CURVE_COL_BACKLOG = "liegen gebliebene Vorgänge"
CYBER_CURVE_COL_ONLINE = "Leistungen vollständig online"

#: short tab titles of the live view, by block key
TABS = {
    "figures": "Kennzahlen", "map": "Karte", "compare": "Vergleich",
    "fan": "Verlauf", "bars": "2030 je Szenario", "subindex": "Teilindizes", "tornado": "Was treibt 2030?",
    "narratives": "Erzählungen",
    "online65": "Online ab 65", "age": "Offliner nach Alter", "online": "Online ab 14", "cost": "Kosten",
    "pupils": "Geräte für Schüler",
    "partners": "Partner", "split": "Faire Aufteilung", "services": "Dienste", "saving": "Ersparnis",
    "video": "Videosprechstunden", "avoided": "Vermiedene Wege", "gap": "Versorgungslücke",
    "lockdown": "Lockdown", "cyber": "Cyberangriff", "cybercurve": "Cyberangriff Tag für Tag",
    "summary": "Zusammenfassung", "ddi": "Digitalisierung", "divide": "Digitale Kluft", "tele": "Telemedizin",
    "resilience": "Krisenfestigkeit", "coop": "Kooperation", "estimates": "Schätzungen", "method": "Methode",
}

FIGURES_TITLE = "Eckdaten"
FIGURES_HELP = (
    "Amtliche Zahlen stammen aus dem Gemeindeverzeichnis von Destatis und den Einwohnerzahlen des RKI; "
    "Schätzungen sind als solche markiert und lassen sich durch eigene Zahlen der Kommune ersetzen "
    "(workbook import)."
)

# -- readable sources -------------------------------------------------------------------------
#: the footnote of a map or comparison of an estimated column (its basis is the source line)
ESTIMATE_PER_KREIS = "Schätzung für jeden Kreis, keine amtliche Zahl"
NARRATIVES_SOURCE = "die fünf Post-Corona-Zukünfte und der Trend als Vergleich (je Szenario in der Spalte „Quelle“)"

# -- cooperation ------------------------------------------------------------------------------
COOP_PARTNERS = "Partner: {partners} · Einsparung des Verbunds: {saving} im Jahr"
COOP_NO_SAVING = (
    "Für {name} spart im Szenario {scenario} mit den eingestellten Annahmen kein Verbund mit den "
    "Nachbarkreisen Geld: Allein ist die Verwaltung hier am günstigsten. Ändern Sie die Kosten-Hebel "
    "rechts, um zu sehen, ab wann sich eine Zusammenarbeit lohnt."
)
COOP_NO_SAVING_GEMEINDE = (
    "Für {name} spart im Szenario {scenario} mit den eingestellten Annahmen kein Verbund mit den "
    "Nachbargemeinden im Mittelbereich Geld (oder die Gemeinde hat dort keine Nachbarn): Allein ist die "
    "Verwaltung hier am günstigsten. Ändern Sie die Kosten-Hebel rechts, um zu sehen, ab wann sich "
    "eine Zusammenarbeit lohnt."
)

# -- the notebooks' page call (workbook.apps.page) --------------------------
PAGE_UNKNOWN = "unbekannte Seite {name!r}; bekannt: {known}"
PAGE_PARAMETERS_TWICE = "Parameter gehören zur neuen App, nicht zu einer schon gebauten"

# -- the apps' page titles ({name} ({ags}): the Kreis) ----------------------
TITLE_OVERVIEW = "Übersicht: {name} ({ags})"
TITLE_SCENARIOS = "Szenarien des Digitalisierungsgrads: {name} ({ags})"
TITLE_DIVIDE = "Digitale Kluft: {name} ({ags})"
TITLE_COOPERATION = "Regionale Kooperation: {name} ({ags})"
TITLE_TELEMEDICINE = "Telemedizin und Krisenfestigkeit: {name} ({ags})"
TITLE_REPORT = "Drehbuch Digitale Kommune: {name} ({ags})"

# -- column headings of the apps' tables ------------------------------------
COL_INDICATOR = "Kennzahl"
COL_VALUE = "Wert"
COL_UNIT = "Einheit"
COL_SOURCE = "Quelle"
COL_STATUS = "Status"
COL_MEDIAN = "Median {group} ({count})"
MEDIAN_GERMANY = "Deutschland"
YES = "ja"
NO = "nein"
AND = " und "
TABLE_SCENARIO = "Tabelle: Szenario {scenario}"

# -- 01_szenarien -------------------------------------------------------------
NARRATIVE_COL_SCENARIO = "Szenario"
NARRATIVE_COL_TEXT = "Erzählung"
NARRATIVE_COL_SOURCE = "Quelle"
NARRATIVE_COL_CHANGES = "Geänderte Annahmen"
NARRATIVE_NO_CHANGES = "keine (Trend)"
NARRATIVES_BLOCK = "Die Szenarien und ihre Geschichten"
NARRATIVES_HELP = ("Szenarien sind Geschichten, keine Vorhersagen; sie werden nie gemittelt "
                   "und haben keine Wahrscheinlichkeit.")
TORNADO_SHARES = "Anteil an der Spannweite nach Hebel:"

# -- 02_digitale_kluft --------------------------------------------------------
AGE_COL_YEAR = "Jahr"
AGE_COL_GROUP = "Gruppe"
AGE_COL_PEOPLE = "Personen"
AGE_UNIT = "Personen"
FIGURES_2030_BLOCK = "Kennzahlen 2030 nach Szenario"
FIGURES_2030_HELP = "Median der Monte-Carlo-Rechnung, in Klammern das 90-%-Band."

# -- 03_regionale_kooperation -------------------------------------------------
COOP_PARTNERS_BLOCK = "Vorgeschlagene Partner ({scenario})"
COOP_PARTNER_HELP = (
    "Wie lese ich das? Farbig sind die Kreise des vorgeschlagenen Verbunds, eingefärbt nach ihrer "
    "Einsparung (Anteil an den Alleinkosten); Ihr Kreis ist schwarz umrandet. Partner sind Nachbarn "
    "mit gemeinsamer Grenze im selben Land, zusammengefügt nach der größten Ersparnis."
)
#: a Gemeinde's partners (workbook.apps.cooperation.gemeinde_partners)
COOP_PARTNER_HELP_GEMEINDE = (
    "Wie lese ich das? Farbig sind die Gemeinden des vorgeschlagenen Verbunds, eingefärbt nach ihrer "
    "Einsparung (Anteil an den Alleinkosten); Ihre Gemeinde ist schwarz umrandet. Partner sind "
    "Nachbargemeinden mit gemeinsamer Grenze im selben Mittelbereich (BBSR): dem Gebiet, das ein "
    "Mittelzentrum mit Diensten versorgt und dessen Gemeinden Schulen, Ämter und Praxen schon teilen; "
    "zusammengefügt nach der größten Ersparnis."
)
COOP_READER_NEIGHBOURS_GEMEINDE = (
    "Nachbarschaft der Gemeinden: Bundesamt für Kartographie und Geodäsie, Verwaltungsgebiete VG250, "
    "Stand 2016, auf den Gebietsstand 31.12.2019 gebracht; Mittelbereiche: BBSR"
)
COOP_SPLIT_HELP = (
    "Wie lese ich das? Je Mitglied: Kosten allein, Anteil bei einfacher Aufteilung (Fixkosten zu "
    "gleichen Teilen, der Rest nach Einwohnern) und Anteil mit Ausgleich, bei dem niemand mehr zahlt "
    "als allein. Markiert ist, wer ohne Ausgleich mehr zahlen würde als allein."
)
COOP_SERVICES_BLOCK = "Ersparnis je Verwaltungsdienst"
COOP_SERVICE_HELP = (
    "Wie lese ich das? Die Ersparnis des Verbunds für einen Dienst, gewichtet mit dem veröffentlichten "
    "Anteil der Kommunen, die diesen Dienst für teilbar halten (Schätzung, IWH/Uni Kassel 2016)."
)
COOP_MAP_LABEL = "Einsparung im Verbund"
COOP_MAP_ESTIMATE = "Modellrechnung mit Kostenannahmen (Schätzung)"
COOP_MAP_SOURCE = "{neighbours}; Einwohner: {population}"
COOP_COST_ESTIMATE = "Modellrechnung für gleich große Mitglieder; Kostenansätze sind Annahmen"

# -- 04_telemedizin -------------------------------------------------------------
LOCKDOWN_BLOCK = "Stresstest Lockdown"
LOCKDOWN_HELP = (
    "Wie lese ich das? Angenommen, morgen käme ein Lockdown: Welcher Anteil der Verwaltungsleistungen "
    "liefe weiter? Es zählt, was online angeboten wird, wer online erreichbar ist und wer aus der "
    "Verwaltung von zu Hause arbeiten kann. Der Rückstau zeigt die Vorgänge, die je Woche liegen bleiben."
)
CYBER_BLOCK = "Stresstest Cyberangriff"
CYBER_HELP = (
    "Wie lese ich das? Nach einem Cyberangriff fällt die IT für einige Tage aus (Anhalt-Bitterfeld 2021: "
    "Notbetrieb nach etwa zwei Wochen) und läuft danach schrittweise wieder an. Weiter geht nur, was ein "
    "Notfallverfahren auf Papier hat: Je digitaler die Verwaltung ohne Notfallplanung, desto tiefer der Einbruch."
)
CYBER_NO_VERW = "keine Werte für ddi.verw im Jahr {year} (Szenario {scenario})"

# -- bericht --------------------------------------------------------------------
REPORT_PARTNERS = "Vorgeschlagene Partner: {partners}"
REPORT_NO_PARTNERS = "keine"
