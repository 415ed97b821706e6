"""The Kreis list of the start page, and the one spot where the dashboard server reads an AGS.

Labels and order come from :mod:`workbook.texts.places`, shared with the
apps' Kreis picker: Kreise with the same name are told apart ("Heilbronn,
Stadt" / "Heilbronn, Landkreis"), Länder and Kreise are sorted in German order.
"""

from __future__ import annotations

import logging

from .. import ags as ags_rule
from ..texts import places

log = logging.getLogger(__name__)


def clean_ags(text: str, *, pad: bool = True) -> str | None:
    """A query's ``ags`` as a 5-digit Kreis key, or None when it is not one.

    With ``pad``, a 4-digit key gets its leading zero back (spreadsheets drop
    it: 5315 -> 05315). This is the only place the dashboard server parses an AGS;
    the rule itself (ASCII digits only) is :mod:`workbook.ags`.
    """
    text = str(text).strip()
    if pad:
        return ags_rule.kreis_or_none(text)
    return text if ags_rule.is_kreis(text) else None


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
