"""German texts of the scenario engine (``workbook scenarios ...``, ``workbook project``)."""

from __future__ import annotations

from . import fmt_int, fmt_number, fmt_percent

LIST_HEADER = "Szenarien (Id · Titel · geänderte Parameter)"

#: short names of the shipped scenarios for the scenario picker (a phone shows about 30
#: characters in a closed dropdown); keyed by the full title, so a user's scenario keeps its own
SHORT_TITLES = {
    "Trend": "Trend",
    "Städte entwickeln sich strukturiert zur Smart City": "Smart City",
    "Kommunen werden Vorreiter für digitale Arbeitsmodelle": "Digitale Arbeitsmodelle",
    "Der Widerspruch zwischen Lokalem und Digitalem löst sich": "Lokal und digital",
    "Die Kooperation von Regionen nimmt zu": "Kooperation der Regionen",
    "Relevanz und Handlungsgrenzen der Städte wachsen gleichzeitig": "Relevanz und Grenzen der Städte",
}

STATUS_DE = {"fact": "Fakt", "derived": "abgeleitet", "assumption": "Annahme"}
LEVER_DE = {"kommune": "Kommune (eigener Hebel)", "bund_land": "Bund/Land", "markt": "Bevölkerung/Markt"}
QUANTILE_DE = {"default": "Standardlauf", "p5": "5 %-Quantil", "p25": "25 %-Quantil", "p50": "Median",
               "p75": "75 %-Quantil", "p95": "95 %-Quantil"}


def list_line(sid: str, title: str, n_changes: int) -> str:
    what = "keine Änderung (Vergleichsszenario)" if n_changes == 0 else (
        "1 Parameter geändert" if n_changes == 1 else f"{fmt_int(n_changes)} Parameter geändert")
    return f"  {sid:<4} {title}  ({what})"


def value_de(value: float, unit: str) -> str:
    """A parameter value in de-DE form with its unit ('1' shows as a plain number)."""
    if unit == "Jahr":
        return f"{int(round(value))}"
    decimals = 0 if float(value).is_integer() and abs(value) >= 10 else 2
    text = fmt_number(value, decimals)
    return text if unit in ("1", "") else f"{text} {unit}"


def show_scenario(scenario, parameters) -> str:
    lines = [f"{scenario.id}: {scenario.title_de}"]
    if scenario.short_de:
        lines.append(scenario.short_de)
    if scenario.narrative_de:
        lines += ["", scenario.narrative_de]
    if scenario.source_de:
        lines += ["", f"Quelle: {scenario.source_de}"]
    lines += ["", "Geänderte Parameter (Voreinstellung -> Szenario):"]
    if not scenario.changes:
        lines.append("  keine: alle Parameter auf ihren Voreinstellungen")
    for key, value in scenario.changes.items():
        rec = parameters[key]
        lines.append(f"  {key}: {rec.label_de}: {value_de(rec.default, rec.unit)} -> {value_de(value, rec.unit)}"
                     f"  [{STATUS_DE.get(rec.status, rec.status)}]")
    return "\n".join(lines)


def valid_scenario(path: str, sid: str, n_changes: int) -> str:
    return f"{path}: gültiges Szenario {sid} mit {fmt_int(n_changes)} geänderten Parametern."


def valid_parameters(path: str, n_records: int) -> str:
    return f"{path}: gültige Parameterdatei mit {fmt_int(n_records)} Datensätzen."


def written(path: str, rows: int, attrs: dict) -> str:
    return (f"{path}: {fmt_int(rows)} Zeilen geschrieben (Seed {attrs.get('seed')}, "
            f"{fmt_int(attrs.get('draws', 0))} Ziehungen je Szenario; Metadaten in {path}.meta.json).")


def summary_2030(table) -> str:
    """Per Kreis and scenario: the index in 2030 (median and 90 % band, or the default run)."""
    sel = table[(table["indicator"] == "ddi.index") & (table["year"] == 2030)]
    if sel.empty:
        return "Keine Werte für den Digitalisierungsgrad-Index 2030 (Thema 'digitalisation' nicht gewählt?)."
    wide = sel.pivot_table(index=["ags", "scenario"], columns="quantile", values="value", observed=True,
                           aggfunc="first")
    lines = ["Digitalisierungsgrad-Index 2030 (Median, 90 %-Band; Schätzung aus Modellannahmen):"]
    for (ags, sid), row in wide.iterrows():
        if "p50" in row and row["p50"] == row["p50"]:
            lines.append(f"  {ags} {sid}: {fmt_percent(row['p50'])} "
                         f"({fmt_percent(row['p5'])} bis {fmt_percent(row['p95'])})")
        else:
            lines.append(f"  {ags} {sid}: {fmt_percent(row['default'])} (Standardlauf ohne Unsicherheit)")
    return "\n".join(lines)
