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
