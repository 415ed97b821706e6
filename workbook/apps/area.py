"""The area a Gemeinde's maps show, and the values of its Gemeinden.

A Kreis's map shows all Kreise; a Gemeinde's map shows the Gemeinden of its Kreis, so its
neighbours are visible at a size where they can be told apart. A Gemeinde that is its whole
Kreis (a kreisfreie Stadt: Köln 05315000) would be alone on its map: it is shown with the
Gemeinden of the Kreise that border its Kreis. The values are the models' inputs of each
Gemeinde (``data.places.gemeinde_inputs``: its own figure where a source publishes one, its
Kreis's otherwise; a column with Kreis values only colours the whole Kreis alike).
"""

from __future__ import annotations

import pandas as pd

from ..texts import apps as T
from ..texts import places as P


def _gemeinden_of(kreise: list[str]) -> list[str]:
    from ..data import load_gemeinden

    gem = load_gemeinden()
    return gem.loc[gem["kreis_ags"].isin(set(kreise)), "ags"].astype(str).tolist()


def map_kreise(ags: str) -> list[str]:
    """The Kreise (5-digit keys) whose Gemeinden the map of the Gemeinde ``ags`` shows."""
    from ..data import load_neighbours

    kreis = str(ags)[:5]
    if len(_gemeinden_of([kreis])) > 1:
        return [kreis]
    pairs = load_neighbours()
    around = set(pairs.loc[pairs["ags_a"] == kreis, "ags_b"]) | set(pairs.loc[pairs["ags_b"] == kreis, "ags_a"])
    return sorted({kreis} | {str(k) for k in around})


def area_name(ags: str, kreise: list[str] | None = None) -> str:
    """The area of the map in words: "Landkreis Tübingen", or "Köln, Stadt und Nachbarkreise"."""
    from ..data import load_kreise

    k = load_kreise().set_index("ags")
    kreis = str(ags)[:5]
    phrase = P.kreis_phrase(k.loc[kreis, "name"], k.loc[kreis, "kreis_type"])
    if str(k.loc[kreis, "kreis_type"]) in ("Kreisfreie Stadt", "Stadtkreis"):
        phrase = str(k.loc[kreis, "name"])
    kreise = kreise if kreise is not None else map_kreise(ags)
    return phrase if len(kreise) <= 1 else T.AREA_WITH_NEIGHBOURS.format(kreis=phrase)


def gemeinde_values(kreise: list[str]) -> pd.DataFrame:
    """The models' inputs of every Gemeinde of ``kreise`` (one row each, 8-digit ``ags``)."""
    from ..data.places import gemeinde_inputs

    return gemeinde_inputs(_gemeinden_of(kreise))


def gemeinde_map_for(ags: str, column: str, *, label: str, unit: str | None = None,
                     percent: bool | None = None, estimate: str | None = None, source: str | None = None,
                     width: int = 460, values: pd.DataFrame | None = None, **kwargs):
    """The map of the Gemeinde ``ags``: the Gemeinden of its area (:func:`map_kreise`) coloured by
    ``column`` (``values``: one row per Gemeinde; default :func:`gemeinde_values`), ``ags`` outlined."""
    from ..charts.maps import gemeinde_map

    kreise = map_kreise(ags)
    values = gemeinde_values(kreise) if values is None else values
    return gemeinde_map(values, column, kreise=kreise, highlight=ags, label=label,
                        area_name=area_name(ags, kreise), unit=unit, percent=percent, estimate=estimate,
                        source=source, width=width, **kwargs)
