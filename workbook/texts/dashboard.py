"""German texts of the Voila dashboards: start page, busy page, error pages.

Kept apart from the server code (the ``workbook.dashboard`` package) so that an English
variant, or a municipality's own wording, is a change of this file only.
"""

from __future__ import annotations

# One entry per dashboard, in the order of the start page: notebook stem ->
# (title, one sentence saying what a council member finds there).
DASHBOARDS: dict[str, tuple[str, str]] = {
    "00_uebersicht": (
        "Überblick",
        "Ihr Kreis auf der Deutschlandkarte, Ihre Gemeinde unter den Gemeinden ihres Kreises: "
        "Kennzahlen mit Quellen und der Vergleich mit Orten gleichen Typs im selben Land.",
    ),
    "01_szenarien": (
        "Szenarien 2030",
        "Fünf Zukunftsbilder nach Corona im Vergleich: wie digital Ihr Kreis oder Ihre Gemeinde "
        "2030 sein kann, mit Unsicherheitsbändern und den wichtigsten Stellschrauben.",
    ),
    "02_digitale_kluft": (
        "Digitale Kluft",
        "Wer in Ihrem Kreis oder Ihrer Gemeinde noch offline ist, nach Alter und Jahr, und was "
        "Kurse und Geräte pro erreichter Person kosten.",
    ),
    "03_regionale_kooperation": (
        "Regionale Kooperation",
        "Mögliche Partner für gemeinsame Verwaltungsdienste, die Kosten je Mitglied und "
        "eine faire Aufteilung.",
    ),
    "04_telemedizin": (
        "Telemedizin und Krisenfestigkeit",
        "Videosprechstunden, vermiedene Wege, Kilometer und CO₂, die Lücke bei "
        "Hausärzten sowie Stresstests für Lockdown und Cyberangriff.",
    ),
}

SITE_TITLE = "Drehbuch Digitale Kommune"
SITE_SUBTITLE = "Dashboards für Rat und Verwaltung"

START_INTRO = (
    "Wählen Sie Ihren Kreis oder Ihre kreisfreie Stadt, oder suchen Sie Ihre Gemeinde, und öffnen "
    "Sie ein Dashboard. "
    "Mit den Reglern verändern Sie die Annahmen; die Grafiken rechnen sofort neu. "
    "Jede Zahl nennt ihre Quelle oder ist als Annahme gekennzeichnet."
)
PICKER_LABEL = "Kreis oder kreisfreie Stadt"
PICKER_BUTTON = "Übernehmen"
PICKER_CURRENT = "Gewählt: {name} ({ags})"
PICKER_CURRENT_GEMEINDE = "Gewählt: {option}"
PICKER_DEFAULT_NOTE = "Ohne Auswahl öffnen die Dashboards mit {name} ({ags})."
PICKER_UNAVAILABLE = (
    "Die Kreisliste ist gerade nicht verfügbar; die Dashboards öffnen mit ihrem "
    "voreingestellten Kreis, die Auswahl ist dort möglich."
)
PICKER_UNKNOWN = "Der Schlüssel „{ags}“ ist unbekannt. Bitte wählen Sie einen Kreis aus der Liste."
#: an ``?ags=`` of digits that names no place: the place rule's reason (workbook.data.places.place_key)
PICKER_UNKNOWN_REASON = (
    "Der Schlüssel „{ags}“ ist unbekannt: {reason}. Bitte wählen Sie einen Kreis aus der Liste "
    "oder suchen Sie die Gemeinde."
)
# The search for a Gemeinde (or Kreis) on the start page: answered by the server, so the page
# does not carry the 10,799 Gemeinden.
SEARCH_LABEL = "Gemeinde oder Kreis suchen"
SEARCH_PLACEHOLDER = "Name oder Schlüssel, z. B. Tübingen oder 08416041"
SEARCH_BUTTON = "Suchen"
SEARCH_GEMEINDE = "Gemeinde, {population} Einwohner"
SEARCH_HITS = "{count} Treffer für „{query}“:"
SEARCH_MORE = "{shown} von {count} Treffern für „{query}“; bitte genauer eingeben, um weitere zu sehen:"
SEARCH_NONE = "Kein Kreis und keine Gemeinde passt zu „{query}“."
SEARCH_CHOOSE = "auswählen"
OPEN_LINK = "Dashboard öffnen"
NO_DASHBOARDS = "Es sind noch keine Dashboards eingerichtet."
START_FOOTER = (
    "Die Dashboards rechnen auf diesem Server; es werden keine Daten an Dritte "
    "übertragen. Zum Drucken öffnen Sie ein Dashboard und wählen „Drucken“."
)

# Top bar of every dashboard page.
NAV_HOME = "Zur Übersicht"
NAV_PRINT = "Drucken"
LOADING = "Das Dashboard wird vorbereitet …"
LOADING_STEP = "Schritt {i} von {n} …"
PRINT_NOTE = "Ausdruck aus dem Drehbuch Digitale Kommune, Stand: {date}"
DISCONNECTED = (
    "Die Verbindung zum Server ist beendet (zum Beispiel nach längerer Pause). "
    "Laden Sie die Seite neu, um weiterzuarbeiten."
)
RELOAD = "Neu laden"

# Right after a server start: the dashboard's preheated kernel is not ready yet
# (shown with HTTP 503 and Retry-After; the page reloads itself every few seconds).
PREPARING_TITLE = "Das Dashboard wird vorbereitet"
PREPARING_TEXT = (
    "„{title}“ wird nach dem Start des Servers gerade vorbereitet. Diese Seite "
    "lädt von selbst neu und zeigt das Dashboard, sobald es bereit ist."
)

# The kernel cap is reached: shown with HTTP 503 and Retry-After.
BUSY_TITLE = "Bitte versuchen Sie es später erneut"
BUSY_TEXT = (
    "Gerade nutzen sehr viele Personen die Dashboards ({active} von {limit} möglichen "
    "Sitzungen). Bitte versuchen Sie es in ein bis zwei Minuten erneut; die Seite "
    "lädt dann von selbst neu."
)

# Error pages (details go to the server log only).
ERROR_TITLE = "Das hat leider nicht geklappt"
ERROR_TEXTS: dict[int, str] = {
    400: "Die Adresse enthält einen ungültigen Wert.",
    403: "Diese Datei wird nicht bereitgestellt.",
    404: "Diese Seite gibt es hier nicht.",
    405: "Diese Aktion ist hier nicht erlaubt.",
    503: "Der Dienst ist gerade ausgelastet. Bitte versuchen Sie es später erneut.",
}
ERROR_DEFAULT = (
    "Auf dem Server ist ein Fehler aufgetreten. Die Einzelheiten stehen im "
    "Server-Protokoll; bitte wenden Sie sich an die Betreuung der Dashboards."
)
ERROR_BACK = "Zur Übersicht"

# A notebook cell failed while the dashboard was built (tracebacks hidden).
CELL_ERROR = (
    "Dieser Teil des Dashboards konnte nicht berechnet werden. Die Einzelheiten "
    "stehen im Server-Protokoll. Bitte laden Sie die Seite neu oder wählen Sie "
    "andere Werte."
)
CELL_TIMEOUT = (
    "Die Berechnung hat zu lange gedauert und wurde abgebrochen. Bitte laden Sie "
    "die Seite später neu."
)
SERVER_EXCEPTION = "Auf dem Server ist ein Fehler aufgetreten (Einzelheiten im Server-Protokoll)."

# Console messages of ``workbook dashboard``.
CLI_SERVING = "Dashboards: {url}  (Beenden mit Strg+C)"
CLI_NOT_LOOPBACK = (
    "Achtung: Der Server lauscht auf {ip}, also nicht nur auf diesem Rechner. "
    "Betreiben Sie ihn so nur hinter einem Reverse Proxy mit Anmeldung (siehe docs/dashboard.md)."
)
