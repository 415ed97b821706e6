"""Names of places as users read them: one label per Kreis and the German sort order.

The start page of the dashboards and the apps' Kreis picker both list the 401
Kreise; they use :func:`place_labels` and :func:`german_sort_key` from here so
the two lists read and sort the same.

- Kreise sharing a name (a city and the Landkreis around it, e.g. Heilbronn
  08121 and 08125) are told apart by their kind: "Heilbronn, Stadt" and
  "Heilbronn, Landkreis". A unique name stays as it is.
- German order: umlauts sort as their base letter (ä as a, ö as o, ü as u),
  ß as ss, case does not matter: Böblingen before Breisgau-Hochschwarzwald.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

#: kind of Kreis (column ``kreis_type``) -> word added to a shared name
KIND_SUFFIX: dict[str, str] = {
    "Kreisfreie Stadt": "Stadt",
    "Stadtkreis": "Stadt",
    "Landkreis": "Landkreis",
    "Kreis": "Kreis",
    "Regionalverband": "Regionalverband",
}
LABEL_WITH_KIND = "{name}, {kind}"
#: a Kreis as an option of a picker: label and key
OPTION = "{label} ({ags})"


def german_sort_key(text: str) -> tuple[str, str]:
    """Sort key for German names: base letters, case-insensitive; ties by the text itself."""
    text = str(text)
    base = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "SS"))
    base = "".join(ch for ch in base if not unicodedata.combining(ch)).casefold()
    return base, text


def place_label(name: str, kind: str, shared: bool) -> str:
    """A Kreis's label: its name, plus its kind when another Kreis has the same name."""
    if not shared:
        return str(name)
    return LABEL_WITH_KIND.format(name=name, kind=KIND_SUFFIX.get(str(kind), str(kind)))


def place_labels(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """{ags: label} for ``(ags, name, kreis_type)`` rows (names shared by several Kreise get their kind)."""
    rows = [(str(a), str(n), str(k)) for a, n, k in rows]
    counts = Counter(n for _a, n, _k in rows)
    return {a: place_label(n, k, counts[n] > 1) for a, n, k in rows}


def option_label(label: str, ags: str) -> str:
    """``"Heilbronn, Stadt (08121)"``: a Kreis as shown in a picker."""
    return OPTION.format(label=label, ags=ags)


def sorted_places(labels: Mapping[str, str]) -> list[str]:
    """The AGS of ``labels`` ({ags: label}) in German order of their labels."""
    return sorted(labels, key=lambda ags: (german_sort_key(labels[ags]), ags))


# -- Gemeinden -----------------------------------------------------------------------------
#: a Gemeinde in a picker or heading: "Tübingen (Landkreis Tübingen)"
GEMEINDE_LABEL = "{name} ({kreis})"
#: the kinds of Kreis as written before a Kreis name in a Gemeinde's label
KREIS_WORD: dict[str, str] = {
    "Landkreis": "Landkreis",
    "Kreis": "Kreis",
    "Regionalverband": "Regionalverband",
    "Kreisfreie Stadt": "kreisfreie Stadt",
    "Stadtkreis": "Stadtkreis",
}
#: where a Gemeinde's model input comes from (``workbook.data.places.input_origin``)
ORIGIN_LABELS: dict[str, str] = {
    "gemeinde": "Wert der Gemeinde",
    "gemeinde_derived": "Wert der Gemeinde, fortgeschrieben",
    "mittelbereich": "Wert des Mittelbereichs",
    "kreis": "Wert des Kreises",
    "local": "eigener Wert (Import)",
}
ORIGIN_NOTES: dict[str, str] = {
    "gemeinde": "amtlicher Wert dieser Gemeinde",
    "gemeinde_derived": ("Breitbandatlas-Wert der Gemeinde (Mitte 2019), mit der Veränderung ihres Kreises "
                         "bis Ende 2020 fortgeschrieben (Schätzung)"),
    "mittelbereich": "INKAR-Wert des Mittelbereichs, zu dem die Gemeinde gehört",
    "kreis": "für die Gemeinde nicht veröffentlicht: Wert ihres Kreises",
    "local": "von der Kommune importierter Wert",
}
def kreis_phrase(name: str, kind: str) -> str:
    """A Kreis as named inside a Gemeinde's label: "Landkreis Tübingen", "Wartburgkreis",
    "kreisfreie Stadt" (a city that is its own Kreis needs no second name)."""
    base = str(name).split(",")[0].strip()
    word = KREIS_WORD.get(str(kind), "")
    if str(kind) in ("Kreisfreie Stadt", "Stadtkreis"):
        return word
    if not word or "kreis" in base.lower() or base.lower().startswith(word.lower()):
        return base
    return f"{word} {base}"


def gemeinde_label(name: str, kreis_name: str, kreis_kind: str) -> str:
    """``"Tübingen, Universitätsstadt (Landkreis Tübingen)"``: a Gemeinde with its Kreis."""
    return GEMEINDE_LABEL.format(name=name, kreis=kreis_phrase(kreis_name, kreis_kind))


#: the BBSR Stadt- und Gemeindetyp in the plural, as a column heading: "Mittelstädte in Baden-Württemberg"
GEMEINDE_TYPE_PLURAL: dict[str, str] = {
    "Großstadt": "Großstädte",
    "Mittelstadt": "Mittelstädte",
    "Größere Kleinstadt": "größere Kleinstädte",
    "Kleine Kleinstadt": "kleine Kleinstädte",
    "Landgemeinde": "Landgemeinden",
}
#: ... and after "von": "Rang 12 von 259 Mittelstädten in Baden-Württemberg"
GEMEINDE_TYPE_DATIVE: dict[str, str] = {
    "Großstadt": "Großstädten",
    "Mittelstadt": "Mittelstädten",
    "Größere Kleinstadt": "größeren Kleinstädten",
    "Kleine Kleinstadt": "kleinen Kleinstädten",
    "Landgemeinde": "Landgemeinden",
}


def type_plural(type_name: str, dative: bool = False) -> str:
    """The plural of a BBSR Stadt- und Gemeindetyp (the name itself when it is not one of the five)."""
    table = GEMEINDE_TYPE_DATIVE if dative else GEMEINDE_TYPE_PLURAL
    return table.get(str(type_name), str(type_name))


def short_name(name: str) -> str:
    """A Gemeinde's name inside a sentence: its official name without the part after the comma
    ("Tübingen, Universitätsstadt" -> "Tübingen")."""
    return str(name).split(",")[0].strip() or str(name)

#: the type after an article: "eine Mittelstadt", "eine größere Kleinstadt"
GEMEINDE_TYPE_SINGULAR: dict[str, str] = {
    "Größere Kleinstadt": "größere Kleinstadt",
    "Kleine Kleinstadt": "kleine Kleinstadt",
}


def type_singular(type_name: str) -> str:
    """A BBSR Stadt- und Gemeindetyp inside a sentence ("eine größere Kleinstadt")."""
    return GEMEINDE_TYPE_SINGULAR.get(str(type_name), str(type_name))


#: a page's title for a Gemeinde: "Drehbuch Digitale Kommune: Tübingen, Universitätsstadt (Landkreis Tübingen) · 08416041"
GEMEINDE_TITLE = "{page}: {label} · {ags}"


#: Länder named with an article ("im Saarland")
LAND_WITH_ARTICLE: dict[str, str] = {"Saarland": "im Saarland"}


def in_land(land: str, capital: bool = False) -> str:
    """"in Baden-Württemberg", "im Saarland" (``capital``: at the start of a sentence)."""
    text = LAND_WITH_ARTICLE.get(str(land), f"in {land}")
    return text[0].upper() + text[1:] if capital else text
