"""German text of the notebooks (scripts/make_notebooks.py writes it into notebooks/*.ipynb).

Per page: its title, the introduction, what each chart shows, and the help of
its extra parameters; for every page the help of the common parameters, the
how-to for JupyterLab and Voila, and the note for analysts.
"""

from __future__ import annotations

#: the help comment of each common parameter in the ``parameters`` cell
PARAM_HELP = {
    "ags": "Kreis- oder Gemeindeschlüssel (AGS, fünf oder acht Ziffern), z. B. 05315 Köln, 08416041 Tübingen",
    "scenario": '"all", eine Kennung S0 … S5, mehrere ("S0,S3") oder eine Szenario-Datei (.yml)',
    "draws": "Monte-Carlo-Ziehungen je Szenario (0: nur Standardwerte, ohne Band)",
    "seed": "Startwert des Zufallsgenerators (gleicher Wert, gleiches Ergebnis)",
    "interactive": "False: statische Diagramme ohne Regler (Papermill, Bericht)",
}

CHARTS_HEADING = "**Was die Diagramme zeigen**"

HOW_TO_RUN = (
    "**So arbeiten Sie mit dieser Seite:** Wählen Sie oben Ihren Kreis oder Ihre Gemeinde (Name "
    "oder Schlüssel) und verschieben Sie die Regler unter *Annahmen und Hebel*; alle "
    "Diagramme rechnen sofort neu. Unter jeder Zahl steht, woher sie kommt und ob sie eine "
    "amtliche Zahl, eine Schätzung oder eine Annahme ist. Über *Export* laden Sie Diagramme "
    "(PNG/SVG/PDF), Ergebnisse (CSV/Excel) und Ihre Einstellungen als eigenes Szenario (YAML) "
    "herunter."
)

HOW_TO_RUN_OVERVIEW = (
    "**So arbeiten Sie mit dieser Seite:** Wählen Sie oben Ihren Kreis oder Ihre Gemeinde (Name "
    "oder Schlüssel) und die Kennzahl der Karte; Karte, Eckdaten und Vergleich zeigen sofort "
    "Ihren Ort. Unter jeder Zahl steht, woher sie kommt und ob sie eine amtliche Zahl oder "
    "eine Schätzung ist. Über *Export* laden Sie Diagramme (PNG/SVG/PDF) und die Zahlen "
    "(CSV/Excel) herunter."
)

ANALYST_NOTE = (
    "Für Analysten (in JupyterLab): Die Zelle `parameters` lässt sich mit Papermill setzen, "
    "z. B. `papermill {name} out.ipynb -p ags 16069 -p interactive False`; Berichte für alle "
    "Kreise erzeugt `workbook batch`, für alle Gemeinden `workbook batch --level gemeinde` (siehe README)."
)

#: per notebook file: title, intro, charts [(name, what it shows)], help of its extra parameters
PAGES = {
    "00_uebersicht.ipynb": {
        "title": "Übersicht: Ihr Kreis oder Ihre Gemeinde im Vergleich",
        "intro": (
            "Diese Seite zeigt die Ausgangslage eines Kreises, einer kreisfreien Stadt oder einer Gemeinde: "
            "Bevölkerung, Fläche, Altersstruktur, Internetnutzung, Gigabit-Versorgung und "
            "Hausarztdichte, jeweils mit Quelle. Amtliche Zahlen (Destatis, Stand 31.12.2018 und "
            "31.12.2019) und Schätzungen sind getrennt gekennzeichnet."
        ),
        "charts": [
            ("Karte", (
                "Alle 401 Kreise, eingefärbt nach der gewählten Kennzahl; Ihr Kreis ist schwarz umrandet "
                "(für eine Gemeinde: die Gemeinden ihres Kreises, Ihre Gemeinde schwarz umrandet). "
                "Hellere und dunklere Farben stehen für niedrige und hohe Werte; grau heißt keine Angabe."
            )),
            ("Eckdaten", (
                "Die wichtigsten Zahlen Ihres Kreises oder Ihrer Gemeinde mit Einheit, Quelle und Status "
                "(amtlich, Schätzung oder eigene Daten)."
            )),
            ("Vergleich", (
                "Ihr Kreis neben dem Median und der Spanne (10.–90. Perzentil) der Kreise desselben "
                "Siedlungstyps, desselben Landes und ganz Deutschlands; eine Gemeinde neben ihrem Kreis "
                "und dem Median der Gemeinden ihres Typs in ihrem Land."
            )),
        ],
        "param_help": {
            "indicator": (
                "Kennzahl der Karte: offline_share, gigabit_share, share_65plus, gp_per_10k, "
                "density_per_km2"
            ),
        },
    },
    "01_szenarien.ipynb": {
        "title": "Fünf Zukünfte nach Corona: Szenarien des Digitalisierungsgrads",
        "intro": (
            "Fünf Zukunftsbilder der Smart City nach Corona und der Trend (S0) als Vergleich: "
            "strukturiert zur Smart City (S1), Vorreiter digitaler Arbeitsmodelle (S2), Lokales und "
            "Digitales verschmelzen (S3), Kooperation der Regionen (S4), Relevanz und "
            "Handlungsgrenzen wachsen (S5). Der Digitalisierungsgrad ist ein Index aus sieben "
            "Teilindizes zwischen 0 und 100 %. Szenarien sind Geschichten, keine Vorhersagen: Sie "
            "haben keine Wahrscheinlichkeit."
        ),
        "charts": [
            ("Fächerdiagramm", (
                "Je Szenario die mittlere Linie (Median) und die Bänder, in denen 50 % und 90 % der "
                "Monte-Carlo-Rechnungen liegen."
            )),
            ("Teilindizes", "Die sieben Bausteine des Index im gewählten Szenario."),
            ("Tornado", (
                "Welche Annahme das Ergebnis 2030 am stärksten verschiebt, gefärbt nach dem, der den "
                "Hebel in der Hand hat: Kommune, Bund/Land oder Markt."
            )),
            ("Erzählungen", "Die Geschichte jedes Szenarios mit ihrer Quelle und den Annahmen, die es ändert."),
        ],
        "param_help": {
            "focus": "Szenario für Teilindizes und Tornado (S0 … S5)",
        },
    },
    "02_digitale_kluft.ipynb": {
        "title": "Die digitale Kluft: Wer ist offline, und was hilft?",
        "intro": (
            "Wie viele Menschen sind in Ihrem Kreis oder Ihrer Gemeinde offline, in welchen Altersgruppen, und wie ändert "
            "sich das bis 2030? Jahrgänge altern mit, eigene Lernschritte und Schulungsprogramme "
            "holen Menschen ins Netz. Dazu: was eine zusätzliche Person online kostet und wie viele "
            "Schülerinnen und Schüler ein eigenes Gerät brauchen. Grundlage ist der "
            "D21-Digital-Index; die Werte für einzelne Kreise und Gemeinden sind Schätzungen."
        ),
        "charts": [
            ("Offliner nach Alter", "Anteil der Menschen ohne Internet je Altersgruppe und Jahr."),
            ("Online-Anteil 65+", "Entwicklung je Szenario mit Unsicherheitsband."),
            ("Kosten", "Euro je zusätzlicher Person online durch Schulungen und Geräte."),
            ("Geräte für Schüler", "Wie viele Geräte fehlen, damit jedes Kind eines hat."),
        ],
        "param_help": {
            "focus": "Szenario der Altersgruppen-Grafik (S0 … S5)",
        },
    },
    "03_regionale_kooperation.ipynb": {
        "title": "Regionale Kooperation: gemeinsam statt allein",
        "intro": (
            "Kleinere Kommunen teilen Smart-City-Lösungen, statt sie allein zu bauen. Diese Seite "
            "schlägt Partner unter den Nachbarkreisen im selben Land vor (für eine Gemeinde: unter "
            "den Nachbargemeinden in ihrem Mittelbereich), zeigt die Kosten je "
            "Mitglied nach Größe des Verbunds, eine faire Aufteilung (Fixkosten gleich, Rest nach "
            "Einwohnern) mit dem Hinweis, wer mehr zahlen würde als allein, und die Ersparnis je "
            "Verwaltungsdienst. Die Kostenansätze sind Annahmen mit Spannen."
        ),
        "charts": [
            ("Partnerkarte", (
                "Ihr Kreis oder Ihre Gemeinde und die vorgeschlagenen Partner (gemeinsame Grenze, gleiches "
                "Land; für eine Gemeinde derselbe Mittelbereich)."
            )),
            ("Kosten nach Verbundgröße", "Kosten je Mitglied für 1 bis N Mitglieder; das rechnerische Optimum ist markiert."),
            ("Faire Aufteilung", "Tabelle je Mitglied: allein, im Verbund, Ersparnis, und wer mehr zahlen würde als allein."),
            ("Ersparnis je Dienst", "Standesamt, IT, Beschaffung, Personal, Finanzen nach ihrer Teilbarkeit."),
        ],
        "param_help": {
            "focus": "Szenario für Karte und Tabellen (S0 … S5)",
        },
    },
    "04_telemedizin.ipynb": {
        "title": "Telemedizin und Krisenfestigkeit",
        "intro": (
            "Videosprechstunden ersparen Wege: Fahrten, Autokilometer, CO₂ und Stunden der "
            "Patientinnen und Patienten. Die Hausarztversorgung wird knapper; die Lücke zwischen "
            "Bedarf und Kapazität wächst. Zwei Stresstests fragen, wie gut die Verwaltung im Lockdown "
            "und nach einem Cyberangriff weiterarbeitet."
        ),
        "charts": [
            ("Videosprechstunden", "Anteil der Hausarztkontakte per Video je Szenario (begrenzt auf 30 %)."),
            ("Vermiedene Wege", "Fahrten, Kilometer, CO₂ und Stunden pro Jahr."),
            ("Versorgungslücke", "Hausarztkontakte, die fehlen, weil Praxen schließen."),
            ("Stresstests", (
                "Lockdown: Anteil der Leistungen, die weiterlaufen, und wöchentlicher Rückstau. "
                "Cyberangriff: Verlauf der Arbeitsfähigkeit nach dem Ausfall der IT."
            )),
        ],
        "param_help": {
            "focus": "Szenario für Stresstests und Kennzahlen (S0 … S5)",
        },
    },
    "bericht.ipynb": {
        "title": "Bericht: Drehbuch Digitale Kommune",
        "intro": (
            "Dieser Bericht fasst alle Themen für einen Kreis oder eine Gemeinde zusammen: Digitalisierungsgrad "
            "in den Szenarien, digitale Kluft, Telemedizin, Krisenfestigkeit und regionale Kooperation, mit "
            "einer Zusammenfassung in einfachem Deutsch und der Liste der Eingaben, die Schätzungen "
            "oder Annahmen sind. Alle Zahlen sind Modellrechnungen, keine Vorhersagen."
        ),
        "charts": [],
        "param_help": {},
    },
}
