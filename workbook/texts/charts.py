"""German texts of the charts: titles, axis labels, legends, notes, help texts.

Builders in ``workbook.charts`` take every user-visible string from here, so
an English variant needs only a sibling module.
"""

from __future__ import annotations

# -- axes and legends --------------------------------------------------------
AXIS_YEAR = "Jahr"
AXIS_VALUE = "Wert"
LEGEND_SCENARIO = "Szenario"
LEGEND_LEVER = "Wer hat den Hebel?"
LEGEND_GROUP = "Gruppe"
LEGEND_SUBINDEX = "Teilindex"

TOOLTIP_SCENARIO = "Szenario"
TOOLTIP_YEAR = "Jahr"
TOOLTIP_MEDIAN = "Median"
TOOLTIP_BAND50 = "mittlere Hälfte der Rechnungen"
TOOLTIP_BAND90 = "90 von 100 Rechnungen"
TOOLTIP_VALUE = "Wert"
TOOLTIP_KREIS = "Kreis"
TOOLTIP_AGS = "Kreisschlüssel"
TOOLTIP_GEMEINDE = "Gemeinde"
TOOLTIP_GEMEINDE_AGS = "Gemeindeschlüssel"
TOOLTIP_STATUS = "Status"
TOOLTIP_PARAMETER = "Annahme"
TOOLTIP_LOW = "am unteren Rand"
TOOLTIP_HIGH = "am oberen Rand"
TOOLTIP_SWING = "Spannweite"

# -- lever groups (parameter records: lever) -----------------------------------
LEVER_LABELS = {
    "kommune": "Kommune (eigener Hebel)",
    "bund_land": "Bund/Land",
    "markt": "Bevölkerung/Markt",
}

# -- fan chart -----------------------------------------------------------------
FAN_TITLE = "{label}: Entwicklung {start}–{end}"
FAN_SUBTITLE = "Linien: mittlerer Wert je Szenario · Flächen: wo die Hälfte bzw. 90 von 100 Rechnungen liegen"
#: bands for one scenario only (the scenario picked above the chart), lines for the others
FAN_SUBTITLE_FOCUS = ("Linien: mittlerer Wert je Szenario · Flächen für {scenario}: wo die Hälfte bzw. "
                      "90 von 100 Rechnungen liegen")
FAN_SUBTITLE_MEDIAN_ONLY = "Linien: mittlerer Wert je Szenario aus vielen Rechnungen"
FAN_SUBTITLE_NO_BANDS = "Linien: Rechnung mit den Standardwerten (ohne Unsicherheitsband)"
FAN_HELP = (
    "Wie lese ich das? Jede Linie ist ein Szenario (Median aus vielen Rechnungen mit "
    "zufällig gezogenen Annahmen). Die dunklere Fläche enthält die mittlere Hälfte der "
    "Rechnungen, die hellere 90 % von ihnen. Überlappen sich die Flächen zweier Szenarien, "
    "ist der Unterschied kleiner als die Unsicherheit der Annahmen. Szenarien sind "
    "Geschichten, keine Vorhersagen: Sie haben keine Wahrscheinlichkeit."
)
FAN_LEGEND_ABOVE = "Farben und Linienmuster der Szenarien wie in der Legende des ersten Fächerdiagramms oben."
FAN_SELECT_HINT = "Klick auf die Legende hebt ein Szenario hervor (Umschalt-Klick: mehrere)."

# -- sub-indices -----------------------------------------------------------------
SUBINDEX_TITLE = "Teilindizes des Digitalisierungsgrads"
SUBINDEX_TITLE_ONE = "Teilindizes des Digitalisierungsgrads: {scenario}"
SUBINDEX_HELP = (
    "Wie lese ich das? Der Digitalisierungsgrad setzt sich aus sieben Teilindizes zusammen "
    "(Strategie, Verwaltung, Arbeit, Infrastruktur, Teilhabe, lokale Plattformen, Gesundheit), "
    "jeder ein Anteil zwischen 0 und 100 %. Ein Teilindex, der hinterherhinkt, bremst das "
    "Gesamtbild: Dort wirkt ein Hebel am meisten."
)

# -- scenario bars ---------------------------------------------------------------
BARS_TITLE = "{label} im Jahr {year} nach Szenario"
BARS_SUBTITLE = "Balken: mittlerer Wert · Strich: Bereich, in dem 90 von 100 Rechnungen liegen"
BARS_SUBTITLE_NO_BANDS = "Balken: Rechnung mit den Standardwerten"
BARS_HELP = (
    "Wie lese ich das? Jeder Balken zeigt den mittleren Wert eines Szenarios im Zieljahr, "
    "der Strich daneben, wo 90 % der Rechnungen landen. Reichen die Striche zweier "
    "Szenarien ineinander, lässt sich der Unterschied nicht sicher behaupten."
)

# -- tornado -------------------------------------------------------------------------
TORNADO_TITLE = "Was treibt {label} im Jahr {year}?"
TORNADO_SUBTITLE = "Jede Annahme einzeln auf ihren unteren und oberen Rand gesetzt, alle anderen auf Standard"
TORNADO_AXIS = "{label} im Jahr {year}"
TORNADO_BASE = "Standardrechnung"
TORNADO_HELP = (
    "Wie lese ich das? Jede Zeile ist eine Annahme. Der Balken zeigt, wie weit sich das "
    "Ergebnis bewegt, wenn nur diese Annahme von ihrem unteren zum oberen Rand wandert. "
    "Die längsten Balken stehen oben: Dort lohnt genaues Hinsehen. Die Farbe sagt, wer den "
    "Hebel in der Hand hat: die Kommune selbst, Bund und Land oder Bevölkerung und Markt."
)
TORNADO_SHADES = "Heller Balkenteil: Annahme am unteren Rand · kräftiger Teil: am oberen Rand"
TORNADO_SHARES = "Anteil an der gesamten Spannweite: {parts}"
TORNADO_SIDE_LOW = "Annahme am unteren Rand"
TORNADO_SIDE_HIGH = "Annahme am oberen Rand"

# -- map and comparison ------------------------------------------------------------
MAP_TITLE = "{label} nach Kreisen"
MAP_TITLE_LAND = "{label}: Kreise in {land}"
MAP_HIGHLIGHT = "Schwarz umrandet: {name}"
#: a map of Gemeinden (a Gemeinde's map: the Gemeinden of its Kreis, or of the Kreise around a city)
MAP_TITLE_GEMEINDEN = "{label} in den Gemeinden: {area}"
MAP_BLOCK_GEMEINDEN = "{label} nach Gemeinden"
MAP_HELP_GEMEINDEN = (
    "Wie lese ich das? Je dunkler die Fläche, desto niedriger der Wert; je heller (gelb), "
    "desto höher. Gezeigt sind die Gemeinden des Kreises (bei einer kreisfreien Stadt auch die "
    "der Nachbarkreise); die gewählte Gemeinde ist schwarz umrandet. Wo es für Gemeinden keinen "
    "eigenen Wert gibt, tragen alle Gemeinden den Wert ihres Kreises und die Fläche ist einfarbig."
)
MAP_NO_VALUE = "keine Angabe"
MAP_HELP = (
    "Wie lese ich das? Je dunkler die Fläche, desto niedriger der Wert; je heller (gelb), "
    "desto höher. Der gewählte Kreis ist schwarz umrandet. Grau: kein Wert vorhanden."
)
COMPARE_TITLE = "{label}: {name} im Vergleich"
COMPARE_GROUP_LAND = "Land {land}"
COMPARE_GROUP_TYPE = "Kreistyp: {kreis_type}"
COMPARE_GROUP_ALL = "Deutschland"
COMPARE_MEDIAN = "Median der Gruppe"
COMPARE_RANGE = "Spanne (10.–90. Perzentil)"
COMPARE_HELP = (
    "Wie lese ich das? Jede Zeile ist eine Vergleichsgruppe. Graue Striche sind die anderen "
    "Kreise der Gruppe, der senkrechte schwarze Strich ihr Median, der große Punkt der "
    "gewählte Kreis."
)
SETTLEMENT_TYPE_LABELS = {
    "kreisfreie_grossstadt": "kreisfreie Großstadt",
    "staedtischer_kreis": "städtischer Kreis",
    "laendlich_verdichtet": "ländlicher Kreis mit Verdichtungsansätzen",
    "duenn_besiedelt": "dünn besiedelter ländlicher Kreis",
}

# -- generic builders --------------------------------------------------------------
COST_TITLE = "Kosten je Mitglied nach Größe des Verbunds"
COST_AXIS_X = "Mitglieder im Verbund"
COST_AXIS_Y = "Kosten je Mitglied"
COST_OPTIMUM = "rechnerisches Optimum: {n} Mitglieder"
COST_ALONE = "allein"
COST_HELP = (
    "Wie lese ich das? Mit jedem weiteren Mitglied verteilen sich die festen Kosten auf "
    "mehr Schultern, aber die Abstimmung wird aufwendiger. Der tiefste Punkt der Kurve ist "
    "die rechnerisch günstigste Größe; die waagrechte Linie zeigt die Kosten, wenn die "
    "Kommune die Leistung allein betreibt."
)
SPLIT_TITLE = "Faire Kostenaufteilung im Verbund"
SPLIT_MORE_THAN_ALONE = "zahlt mehr als allein"
SPLIT_OK = "günstiger als allein"
SPLIT_HELP = (
    "Wie lese ich das? Jede Zeile ist ein Mitglied. Rot markierte Mitglieder würden im "
    "Verbund mehr zahlen als allein: Ohne Ausgleich treten sie nicht bei."
)
STACK_HELP = (
    "Wie lese ich das? Die Flächen liegen übereinander; die Oberkante ist die Summe aller "
    "Gruppen."
)
GROUP_LINES_HELP = (
    "Wie lese ich das? Jede Linie ist eine Gruppe; Farbe und Strichart unterscheiden sie "
    "auch im Schwarz-Weiß-Druck."
)

# -- outage curve (cyber attack, day by day) -------------------------------------------
OUTAGE_AXIS_DAY = "Tage nach dem Angriff"
OUTAGE_AXIS_CAPACITY = "Leistung der Verwaltung"
OUTAGE_WINDOW = "IT-Ausfall: {days} Tage"
OUTAGE_RECOVERY = "Wiederanlauf: {days} Tage"
OUTAGE_TOOLTIP_DAY = "Tag"
OUTAGE_TOOLTIP_BACKLOG = "liegen gebliebene Vorgänge bis dahin"

# -- notes ---------------------------------------------------------------------------
NOTE_SOURCE = "Quelle: {source}"
NOTE_ESTIMATE = "Schätzung: {text}"
NOTE_MODEL = "Modellrechnung (Schätzung): {draws} Rechnungen je Szenario mit gestreuten Annahmen (Quellen: Liste der Annahmen)"
NOTE_MODEL_DEFAULT = "Modellrechnung (Schätzung) mit den Standardannahmen (Quellen: Liste der Annahmen)"

# -- charts drawn by the page's own Vega (``workbook batch --charts script``) ------------------
#: shown where a chart will be drawn until the page's script has drawn it (and with scripts off)
CHART_SCRIPT_PENDING = ("Diagramm: wird beim Öffnen der Seite gezeichnet (dazu braucht der Browser "
                        "JavaScript und die Datei assets/wb-charts.js des Berichtsordners).")
#: shown instead when the page's copy of Vega is not there (a report copied without its folder)
CHART_SCRIPT_MISSING = ("Diagramm nicht verfügbar: Die Datei assets/wb-charts.js des Berichtsordners fehlt. "
                        "Öffnen Sie den Bericht im Ordner, in den er geschrieben wurde, oder erstellen Sie ihn "
                        "mit „workbook batch --charts svg“ (Diagramme im Bericht selbst).")
#: shown when Vega could not draw a chart
CHART_SCRIPT_FAILED = "Diagramm konnte nicht gezeichnet werden: {error}"
