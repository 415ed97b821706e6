"""Generate the six thin notebooks in notebooks/ from one small spec.

Every notebook has the same shape: a German introduction (what the page
shows, how to read each chart), a how-to for JupyterLab and Voila tagged
``remove-in-report`` (left out of batch reports), a note for analysts tagged
also ``remove-in-dashboard`` (left out of the Voila dashboards), the cell tagged ``parameters`` (Papermill),
one cell that imports the topic app and one that builds and shows it. No
``def``/``class``, no outputs, fixed cell ids: the files are byte-stable, and
``--check`` fails when a committed notebook differs from the spec.

    .venv/bin/python scripts/make_notebooks.py          # write notebooks/*.ipynb
    .venv/bin/python scripts/make_notebooks.py --check  # verify only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

COMMON_PARAMS = [
    ("ags", "str", '"05315"', "Kreisschlüssel (AGS, fünf Ziffern), z. B. 05315 Köln, 16069 Hildburghausen"),
    ("scenario", "str", '"all"', '"all", eine Kennung S0 … S5, mehrere ("S0,S3") oder eine Szenario-Datei (.yml)'),
    ("draws", "int", "1000", "Monte-Carlo-Ziehungen je Szenario (0: nur Standardwerte, ohne Band)"),
    ("seed", "int", "20211", "Startwert des Zufallsgenerators (gleicher Wert, gleiches Ergebnis)"),
    ("interactive", "bool", "True", "False: statische Diagramme ohne Regler (Papermill, Bericht)"),
]

#: cells with this tag are dropped from static reports (workbook.batch.export.REMOVE_TAGS)
REPORT_TAG = "remove-in-report"

#: cells with this tag are left out of the Voila dashboards (workbook/templates/voila/index.html.j2):
#: council members do not need the analysts' note
DASHBOARD_TAG = "remove-in-dashboard"

HOW_TO_RUN = (
    "**So arbeiten Sie mit dieser Seite:** Wählen Sie oben Ihren Kreis (Name oder Kreisschlüssel) und "
    "verschieben Sie die Regler unter *Annahmen und Hebel*; alle Diagramme rechnen sofort neu. Unter jeder "
    "Zahl steht, woher sie kommt und ob sie eine amtliche Zahl, eine Schätzung oder eine Annahme ist. "
    "Über *Export* laden Sie Diagramme (PNG/SVG/PDF), Ergebnisse (CSV/Excel) und Ihre Einstellungen als "
    "eigenes Szenario (YAML) herunter."
)

#: the overview has no levers: a Kreis and the indicator of the map
HOW_TO_RUN_OVERVIEW = (
    "**So arbeiten Sie mit dieser Seite:** Wählen Sie oben Ihren Kreis (Name oder Kreisschlüssel) und die "
    "Kennzahl der Karte; Karte, Eckdaten und Vergleich zeigen sofort Ihren Kreis. Unter jeder Zahl steht, "
    "woher sie kommt und ob sie eine amtliche Zahl oder eine Schätzung ist. Über *Export* laden Sie "
    "Diagramme (PNG/SVG/PDF) und die Zahlen (CSV/Excel) herunter."
)

ANALYST_NOTE = (
    "Für Analysten (in JupyterLab): Die Zelle `parameters` lässt sich mit Papermill setzen, z. B. "
    "`papermill {name} out.ipynb -p ags 16069 -p interactive False`; Berichte für alle Kreise erzeugt "
    "`workbook batch` (siehe README)."
)

SPEC = [
    {
        "file": "00_uebersicht.ipynb",
        "module": "overview", "cls": "OverviewApp",
        "how_to_text": HOW_TO_RUN_OVERVIEW,
        "title": "Übersicht: Ihr Kreis im Vergleich",
        "intro": (
            "Diese Seite zeigt die Ausgangslage eines Kreises oder einer kreisfreien Stadt: "
            "Bevölkerung, Fläche, Altersstruktur, Internetnutzung, Gigabit-Versorgung und "
            "Hausarztdichte, jeweils mit Quelle. Amtliche Zahlen (Destatis, Stand 31.12.2018 und "
            "31.12.2019) und Schätzungen sind getrennt gekennzeichnet."
        ),
        "charts": [
            ("Karte", "Alle 401 Kreise, eingefärbt nach der gewählten Kennzahl; Ihr Kreis ist schwarz "
                      "umrandet. Hellere und dunklere Farben stehen für niedrige und hohe Werte; grau heißt "
                      "keine Angabe."),
            ("Eckdaten", "Die wichtigsten Zahlen Ihres Kreises mit Einheit, Quelle und Status "
                         "(amtlich, Schätzung oder eigene Daten)."),
            ("Vergleich", "Ihr Kreis neben dem Median und der Spanne (10.–90. Perzentil) der Kreise "
                          "desselben Siedlungstyps, desselben Landes und ganz Deutschlands."),
        ],
        "extra": [("indicator", "str", '"offline_share"',
                   "Kennzahl der Karte: offline_share, gigabit_share, share_65plus, gp_per_10k, "
                   "density_per_km2")],
    },
    {
        "file": "01_szenarien.ipynb",
        "module": "scenarios", "cls": "ScenarioApp",
        "title": "Fünf Zukünfte nach Corona: Szenarien des Digitalisierungsgrads",
        "intro": (
            "Fünf Zukunftsbilder der Smart City nach Corona und der Trend (S0) als Vergleich: "
            "strukturiert zur Smart City (S1), Vorreiter digitaler Arbeitsmodelle (S2), Lokales und "
            "Digitales verschmelzen (S3), Kooperation der Regionen (S4), Relevanz und Handlungsgrenzen "
            "wachsen (S5). Der Digitalisierungsgrad ist ein Index aus sieben Teilindizes zwischen 0 und "
            "100 %. Szenarien sind Geschichten, keine Vorhersagen: Sie haben keine Wahrscheinlichkeit."
        ),
        "charts": [
            ("Fächerdiagramm", "Je Szenario die mittlere Linie (Median) und die Bänder, in denen 50 % "
                               "und 90 % der Monte-Carlo-Rechnungen liegen."),
            ("Teilindizes", "Die sieben Bausteine des Index im gewählten Szenario."),
            ("Tornado", "Welche Annahme das Ergebnis 2030 am stärksten verschiebt, gefärbt nach dem, "
                        "der den Hebel in der Hand hat: Kommune, Bund/Land oder Markt."),
            ("Erzählungen", "Die Geschichte jedes Szenarios mit ihrer Quelle und den Annahmen, die es ändert."),
        ],
        "extra": [("focus", "str", '"S1"', "Szenario für Teilindizes und Tornado (S0 … S5)")],
    },
    {
        "file": "02_digitale_kluft.ipynb",
        "module": "divide", "cls": "DivideApp",
        "title": "Die digitale Kluft: Wer ist offline, und was hilft?",
        "intro": (
            "Wie viele Menschen sind in Ihrem Kreis offline, in welchen Altersgruppen, und wie ändert "
            "sich das bis 2030? Jahrgänge altern mit, eigene Lernschritte und Schulungsprogramme holen "
            "Menschen ins Netz. Dazu: was eine zusätzliche Person online kostet und wie viele "
            "Schülerinnen und Schüler ein eigenes Gerät brauchen. Grundlage ist der D21-Digital-Index; "
            "die Werte für einzelne Kreise sind Schätzungen."
        ),
        "charts": [
            ("Offliner nach Alter", "Anteil der Menschen ohne Internet je Altersgruppe und Jahr."),
            ("Online-Anteil 65+", "Entwicklung je Szenario mit Unsicherheitsband."),
            ("Kosten", "Euro je zusätzlicher Person online durch Schulungen und Geräte."),
            ("Geräte für Schüler", "Wie viele Geräte fehlen, damit jedes Kind eines hat."),
        ],
        "extra": [("focus", "str", '"S0"', "Szenario der Altersgruppen-Grafik (S0 … S5)")],
    },
    {
        "file": "03_regionale_kooperation.ipynb",
        "module": "cooperation", "cls": "CooperationApp",
        "title": "Regionale Kooperation: gemeinsam statt allein",
        "intro": (
            "Kleinere Kommunen teilen Smart-City-Lösungen, statt sie allein zu bauen. Diese Seite "
            "schlägt Partner unter den Nachbarkreisen im selben Land vor, zeigt die Kosten je Mitglied "
            "nach Größe des Verbunds, eine faire Aufteilung (Fixkosten gleich, Rest nach Einwohnern) "
            "mit dem Hinweis, wer mehr zahlen würde als allein, und die Ersparnis je Verwaltungsdienst. "
            "Die Kostenansätze sind Annahmen mit Spannen."
        ),
        "charts": [
            ("Partnerkarte", "Ihr Kreis und die vorgeschlagenen Partner (gemeinsame Grenze, gleiches Land)."),
            ("Kosten nach Verbundgröße", "Kosten je Mitglied für 1 bis N Mitglieder; das rechnerische "
                                         "Optimum ist markiert."),
            ("Faire Aufteilung", "Tabelle je Mitglied: allein, im Verbund, Ersparnis, und wer mehr zahlen "
                                 "würde als allein."),
            ("Ersparnis je Dienst", "Standesamt, IT, Beschaffung, Personal, Finanzen nach ihrer Teilbarkeit."),
        ],
        "extra": [("focus", "str", '"S4"', "Szenario für Karte und Tabellen (S0 … S5)")],
    },
    {
        "file": "04_telemedizin.ipynb",
        "module": "telemedicine", "cls": "TelemedicineApp",
        "title": "Telemedizin und Krisenfestigkeit",
        "intro": (
            "Videosprechstunden ersparen Wege: Fahrten, Autokilometer, CO₂ und Stunden der Patientinnen "
            "und Patienten. Die Hausarztversorgung wird knapper; die Lücke zwischen Bedarf und Kapazität "
            "wächst. Zwei Stresstests fragen, wie gut die Verwaltung im Lockdown und nach einem "
            "Cyberangriff weiterarbeitet."
        ),
        "charts": [
            ("Videosprechstunden", "Anteil der Hausarztkontakte per Video je Szenario (begrenzt auf 30 %)."),
            ("Vermiedene Wege", "Fahrten, Kilometer, CO₂ und Stunden pro Jahr."),
            ("Versorgungslücke", "Hausarztkontakte, die fehlen, weil Praxen schließen."),
            ("Stresstests", "Lockdown: Anteil der Leistungen, die weiterlaufen, und wöchentlicher Rückstau. "
                            "Cyberangriff: Verlauf der Arbeitsfähigkeit nach dem Ausfall der IT."),
        ],
        "extra": [("focus", "str", '"S0"', "Szenario für Stresstests und Kennzahlen (S0 … S5)")],
    },
    {
        "file": "bericht.ipynb",
        "module": "kreis_report", "cls": "ReportApp",
        "title": "Bericht: Drehbuch Digitale Kommune",
        "intro": (
            "Dieser Bericht fasst alle Themen für einen Kreis zusammen: Digitalisierungsgrad in den "
            "Szenarien, digitale Kluft, Telemedizin, Krisenfestigkeit und regionale Kooperation, mit "
            "einer Zusammenfassung in einfachem Deutsch und der Liste der Eingaben, die Schätzungen "
            "oder Annahmen sind. Alle Zahlen sind Modellrechnungen, keine Vorhersagen."
        ),
        "how_to": False,
        "charts": [],
        "extra": [],
    },
]


def _parameters_source(entry: dict) -> str:
    rows = list(COMMON_PARAMS)
    if "interactive_default" in entry:
        rows[-1] = ("interactive", "bool", entry["interactive_default"], rows[-1][3])
    rows += entry.get("extra", [])
    width = max(len(f"{n}: {t} = {v}") for n, t, v, _ in rows)
    return "\n".join(f"{f'{n}: {t} = {v}':<{width}}  # {c}" for n, t, v, c in rows)


def build(entry: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "title": entry["title"],
    }
    md = [f"# {entry['title']}", "", entry["intro"]]
    if entry["charts"]:
        md += ["", "**Was die Diagramme zeigen**", ""]
        md += [f"- **{name}:** {text}" for name, text in entry["charts"]]
    extras = ", ".join(f"{n}={n}" for n, *_ in entry.get("extra", []))
    call = (f"{entry['cls']}(ags=ags, scenario=scenario, draws=draws, seed=seed, interactive=interactive"
            + (f", {extras}" if extras else "") + ").show()")
    cells = [
        nbformat.v4.new_markdown_cell("\n".join(md)),
        nbformat.v4.new_code_cell(_parameters_source(entry)),
        nbformat.v4.new_code_cell(f"from workbook.apps.{entry['module']} import {entry['cls']}"),
        nbformat.v4.new_code_cell(call),
    ]
    cells[1].metadata["tags"] = ["parameters"]
    for cell, cid in zip(cells, ("intro", "parameters", "import", "app")):
        cell.id = cid
    if entry.get("how_to", True):
        # help for JupyterLab and Voila (Kreis picker, sliders, downloads) and a note for analysts:
        # their own cells, tagged so that static reports (``workbook batch``, REPORT_TAG) leave both
        # out and the dashboards (DASHBOARD_TAG) the analysts' note
        how_to = nbformat.v4.new_markdown_cell(entry.get("how_to_text", HOW_TO_RUN))
        how_to.id = "how-to"
        how_to.metadata["tags"] = [REPORT_TAG]
        analysts = nbformat.v4.new_markdown_cell(ANALYST_NOTE.format(name=f"notebooks/{entry['file']}"))
        analysts.id = "for-analysts"
        analysts.metadata["tags"] = [REPORT_TAG, DASHBOARD_TAG]
        cells[1:1] = [how_to, analysts]
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def render(entry: dict) -> str:
    return nbformat.writes(build(entry)) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = ap.parse_args(argv)
    stale = []
    for entry in SPEC:
        path = NOTEBOOKS / entry["file"]
        text = render(entry)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(entry["file"])
        if not args.check:
            NOTEBOOKS.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=NOTEBOOKS, prefix=f".{entry['file']}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
    if args.check and stale:
        print("notebooks differ from scripts/make_notebooks.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    if not args.check:
        print("written: " + (", ".join(stale) if stale else "nothing (up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
