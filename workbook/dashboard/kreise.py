"""The places of the start page (the Kreis list, the search for a Gemeinde), and the one spot
where the dashboard server reads an AGS (:func:`query_key`, :func:`place_choice`).

Labels and order come from :mod:`workbook.texts.places`, shared with the
apps' place picker: Kreise with the same name are told apart ("Heilbronn,
Stadt" / "Heilbronn, Landkreis"), Länder and Kreise are sorted in German order.
The search over all 11,200 places is :mod:`workbook.place_search`, the same as the picker's:
the page lists the Kreise (401 options) and finds a Gemeinde on the server, so it never
carries 10,799 Gemeinden.
"""

from __future__ import annotations

import logging

from .. import ags as ags_rule
from ..texts import dashboard as T
from ..texts import places

log = logging.getLogger(__name__)


#: the longest ``?ags=`` a dashboard page passes on to its kernel (a Regionalschlüssel has 12 digits)
MAX_QUERY_DIGITS = 12
#: how many search hits the start page lists
SEARCH_LIMIT = 20


def query_key(text: str | None) -> str | None:
    """The ``?ags=`` of a dashboard page as ASCII digits (1 to 12 of them), or None: anything else is
    refused (HTTP 400) before a kernel starts. A key of digits that names no place reaches the
    notebook, which says why in German (the place rule's reason) and shows its default place."""
    if text is None:
        return None
    text = str(text).strip()
    if ags_rule.ascii_digits(text) != text or not 1 <= len(text) <= MAX_QUERY_DIGITS:
        return None
    return text


def place_choice(text: str) -> dict[str, str]:
    """{ags, name, label, option} of the Kreis or Gemeinde a query names; a ``SelectionError`` whose
    ``detail`` says why not (the place rule of :func:`workbook.data.places.place_key`)."""
    from ..data.places import place_key
    from ..place_search import place_index

    code = place_key(str(text).strip()[:40])
    place = place_index().get(code)
    return {"ags": place.ags, "name": place.name, "label": place.label, "option": place.option}


def search_places(text: str, limit: int = SEARCH_LIMIT) -> tuple[list[dict[str, str]], int]:
    """The start page's search: ([{ags, option, kind}], number of matches in all)."""
    from ..place_search import place_index
    from ..texts import fmt_int

    hits, total = place_index().search(text, limit=limit)
    rows = [{"ags": p.ags, "option": p.option,
             "kind": (T.SEARCH_GEMEINDE.format(population=fmt_int(p.population or 0)) if p.is_gemeinde
                      else p.kind)} for p in hits]
    return rows, total


def german_reason(detail: str) -> str:
    """The German part of a place rule's message (they end with an English gloss after " / ")."""
    return str(detail).split(" / ")[0].strip().rstrip(".")


def kreis_choices() -> list[dict[str, str]] | None:
    """[{ags, name, label, land_name}] of the 401 Kreise, by Land and label in German order,
    or None when the data layer is not available (the start page then says so)."""
    try:
        from ..data import load_kreise

        df = load_kreise()
    except Exception:  # the page still works without the picker
        log.exception("Kreisliste für die Startseite nicht verfügbar")
        return None
    labels = places.place_labels(df[["ags", "name", "kreis_type"]].itertuples(index=False))
    rows = [
        {"ags": str(r.ags), "name": str(r.name), "label": labels[str(r.ags)], "land_name": str(r.land_name)}
        for r in df[["ags", "name", "land_name"]].itertuples(index=False)
    ]
    return sorted(rows, key=lambda r: (places.german_sort_key(r["land_name"]),
                                       places.german_sort_key(r["label"]), r["ags"]))


def group_by_land(kreise: list[dict[str, str]] | None) -> dict[str, list[dict[str, str]]]:
    """Land name -> its Kreise, keeping the order of ``kreise``."""
    lands: dict[str, list[dict[str, str]]] = {}
    for k in kreise or []:
        lands.setdefault(k["land_name"], []).append(k)
    return lands
