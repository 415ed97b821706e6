"""Find a place (one of the 401 Kreise or 10,799 Gemeinden) by name or key.

One index for the apps' place picker (``workbook.widgets.PlacePicker``) and the
dashboards' start page, so both find and order the same places:

- by key: any form :mod:`workbook.ags` accepts for a Kreis or Gemeinde (``8416``,
  ``08416``, ``8416041``, ``08416041``, the 12-digit Regionalschlüssel
  ``084165000041``); a key prefix (``08416``) also lists the Gemeinden under it;
- by name: umlaut-insensitive and case-insensitive (``tubingen``, ``Tuebingen`` and
  ``TÜBINGEN`` all find Tübingen; ß as ss), hyphens and commas count as blanks; several
  words must all appear in the place's label, which names a Gemeinde's Kreis
  (``neustadt marburg``).

Matches are ranked: the exact name, names that start with the text, names with a word that
starts with it, names that contain it, then labels with a word starting with each typed word; within each rank
Kreise before Gemeinden, then in German order of their labels
(:func:`workbook.texts.places.german_sort_key`).

An option label is what a picker shows and a user may paste back: ``"Köln, Stadt (05315)"``
for a Kreis, ``"Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)"`` for a Gemeinde.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import ags as ags_rule
from .texts import places as P

#: how many matches a search returns unless told otherwise
DEFAULT_LIMIT = 8
#: the longest text a search reads (anything longer is cut: a client may send megabytes)
MAX_QUERY = 100
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TRAILING_KEY = re.compile(r"[(,]\s*([0-9]{5}|[0-9]{8})\)\s*$")
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: object) -> str:
    """A name as the search compares it: base letters, lower case, ß as ss, the spelled-out
    umlauts ae/oe/ue as their vowel (so ``Tuebingen`` meets ``Tübingen``), words split by single
    blanks."""
    base = P.german_sort_key(str(text))[0]
    for pair, vowel in _DIGRAPHS:
        base = base.replace(pair, vowel)
    return _NON_WORD.sub(" ", base).strip()


def option_label(label: str, ags: str) -> str:
    """A place as a picker shows it: ``"Köln, Stadt (05315)"``, or a Gemeinde's label with its key
    inside its parentheses: ``"Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)"``."""
    label = str(label)
    if len(ags) == 8 and label.endswith(")") and "(" in label:
        return f"{label[:-1]}, {ags})"
    return P.option_label(label, ags)


@dataclass(frozen=True)
class Place:
    """One place of the index."""

    ags: str
    level: str                  # "kreis" or "gemeinde"
    name: str                   # official name ("Tübingen, Universitätsstadt")
    label: str                  # as users read it ("Tübingen, Universitätsstadt (Landkreis Tübingen)")
    kreis_ags: str
    kind: str                   # Kreis: its kreis_type; Gemeinde: its BBSR Stadt- und Gemeindetyp or ""
    land_name: str
    population: int | None

    @property
    def option(self) -> str:
        return option_label(self.label, self.ags)

    @property
    def is_gemeinde(self) -> bool:
        return self.level == ags_rule.GEMEINDE


class PlaceIndex:
    """The searchable places: built once (about 11,200 entries), then each search is one pass."""

    def __init__(self, places: list[Place]):
        ordered = sorted(places, key=lambda p: (p.level != ags_rule.KREIS, P.german_sort_key(p.label), p.ags))
        self.places = ordered
        self.by_ags = {p.ags: p for p in ordered}
        self.by_option = {p.option: p.ags for p in ordered}
        self._names = [fold(p.name) for p in ordered]
        self._padded = [f" {n}" for n in self._names]
        self._labels = [f" {fold(p.label)}" for p in ordered]
        self._label_exact: dict[str, list[str]] = {}
        for p in ordered:
            self._label_exact.setdefault(p.label.casefold(), []).append(p.ags)
        counts: dict[str, int] = {}
        for p in ordered:
            if p.is_gemeinde:
                counts[p.kreis_ags] = counts.get(p.kreis_ags, 0) + 1
        #: Gemeinden that are their whole Kreis (a kreisfreie Stadt): the Kreis stands for them in a name
        self._whole_kreis = {p.ags for p in ordered if p.is_gemeinde and counts[p.kreis_ags] == 1}

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def from_tables(cls, places: pd.DataFrame, kreise: pd.DataFrame | None = None) -> PlaceIndex:
        """From ``data.places.load_places()`` (with ``kreise`` for Kreis types and Land names), or
        from a Kreis table alone (``ags``, ``name``, optional ``kreis_type``, ``land_name``)."""
        kinfo = kreise.set_index(kreise["ags"].astype(str)) if kreise is not None else None
        if "level" not in places.columns:          # a Kreis table: 5-digit keys, labels from the names
            kinds = places["kreis_type"] if "kreis_type" in places.columns else pd.Series([""] * len(places))
            labels = P.place_labels(zip(places["ags"].astype(str), places["name"], kinds))
            rows = []
            for i, r in enumerate(places.itertuples(index=False)):
                a = str(r.ags)
                rows.append(Place(a, ags_rule.KREIS, str(r.name), labels[a], a, str(kinds.iloc[i] or ""),
                                  str(getattr(r, "land_name", "") or ""),
                                  _int_or_none(getattr(r, "population_2019", None))))
            return cls(rows)
        land_names: dict[str, str] = {}
        kinds_of: dict[str, str] = {}
        if kinfo is not None:
            if "land_name" in kinfo.columns and "land_ags" in kinfo.columns:
                land_names = dict(zip(kinfo["land_ags"].astype(str), kinfo["land_name"].astype(str)))
            if "kreis_type" in kinfo.columns:
                kinds_of = dict(zip(kinfo.index, kinfo["kreis_type"].astype(str)))
        rows = []
        for r in places.itertuples(index=False):
            a, level = str(r.ags), str(r.level)
            kind = kinds_of.get(a, "") if level == ags_rule.KREIS else str(getattr(r, "bbsr_sgtyp_name", "") or "")
            rows.append(Place(a, level, str(r.name), str(r.label_de), str(r.kreis_ags), kind,
                              land_names.get(str(r.land_ags), ""), _int_or_none(r.population_2019)))
        return cls(rows)

    # -- look-ups ------------------------------------------------------------------------------
    def __contains__(self, ags: object) -> bool:
        return isinstance(ags, str) and ags in self.by_ags

    def __len__(self) -> int:
        return len(self.places)

    def get(self, ags: str) -> Place:
        return self.by_ags[ags]

    def key_of(self, text: object) -> str | None:
        """The place a typed key names (any accepted form), or None."""
        parsed = ags_rule.parse(text)
        if parsed is None or parsed.level == ags_rule.LAND:
            return None
        code = parsed.code
        if len(code) == 12:              # Regionalschlüssel LL R KK VVVV GGG -> AGS LL R KK GGG
            code = code[:5] + code[-3:]
        return code if code in self.by_ags else None

    def resolve(self, text: object) -> str | None:
        """The one place ``text`` names: an option label, a key, a label or an official name; a
        name shared by a Kreis and the Gemeinde that is the whole Kreis (a kreisfreie Stadt) is the
        Kreis. None when nothing or more than one place fits."""
        if not isinstance(text, str):
            return None
        text = text.strip()[:MAX_QUERY]
        if not text:
            return None
        if text in self.by_option:
            return self.by_option[text]
        m = _TRAILING_KEY.search(text)
        if m and m.group(1) in self.by_ags:
            return m.group(1)
        key = self.key_of(text)
        if key is not None:
            return key
        exact = self._label_exact.get(text.casefold())
        if exact and len(exact) == 1:
            return exact[0]
        folded = fold(text)
        if not folded:
            return None
        same = self._one_place([self.places[i] for i, n in enumerate(self._names) if n == folded])
        if same is not None:
            return same
        hits, total = self.search(text, limit=3)
        return self._one_place(hits) if total <= 2 else None

    def _one_place(self, places: list[Place]) -> str | None:
        """The key when ``places`` is one place, or a Kreis with the Gemeinde that is all of it."""
        keys = {p.ags for p in places}
        kept = [p for p in places if not (p.ags in self._whole_kreis and p.kreis_ags in keys)]
        return kept[0].ags if len(kept) == 1 else None

    def search(self, text: object, limit: int = DEFAULT_LIMIT) -> tuple[list[Place], int]:
        """(the best ``limit`` matches, how many places match in all) for a typed text."""
        if not isinstance(text, str):
            return [], 0
        text = text.strip()[:MAX_QUERY]
        if not text:
            return [], 0
        digits = ags_rule.ascii_digits(text)
        if digits is not None:
            return self._search_key(digits, limit)
        folded = fold(text)
        if not folded:
            return [], 0
        words = [f" {w}" for w in folded.split(" ")]
        padded = " " + folded
        ranks: list[tuple[int, int]] = []
        for i, name in enumerate(self._names):
            if folded in name:
                if name == folded:
                    rank = 0
                elif name.startswith(folded):
                    rank = 1
                elif padded in self._padded[i]:
                    rank = 2
                else:
                    rank = 3
                ranks.append((rank, i))
            elif len(words) > 1 and all(w in self._labels[i] for w in words):
                ranks.append((4, i))
        ranks.sort()                  # within a rank the index order: Kreise first, then German order
        return [self.places[i] for _, i in ranks[:limit]], len(ranks)

    def _search_key(self, digits: str, limit: int) -> tuple[list[Place], int]:
        exact = self.key_of(digits)
        prefix = digits if len(digits) <= 8 else None
        hits = []
        if prefix is not None:
            hits = sorted((p for p in self.places if p.ags.startswith(prefix)), key=lambda p: (len(p.ags), p.ags))
        if exact is not None:
            hits = [self.by_ags[exact]] + [p for p in hits if p.ags != exact]
        return hits[:limit], len(hits)


def _int_or_none(value: object) -> int | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(number) if number == number else None


def place_index() -> PlaceIndex:
    """The index of every Kreis and Gemeinde (built once per process and version of the data files)."""
    from .data import load_kreise
    from .data.files import GEMEINDEN_FILE, KREISE_FILE, cached, data_dir, signature
    from .data.places import load_places

    sig = (signature(data_dir() / GEMEINDEN_FILE), signature(data_dir() / KREISE_FILE))
    return cached("place_index", sig, lambda: PlaceIndex.from_tables(load_places(), load_kreise()))
