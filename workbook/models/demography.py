"""Age structure per Kreis: the models' ten age groups from the real age groups, national fallback.

The models need ten age groups (the D21 groups plus 0-13 and a split of 60-69
at 65: :data:`GROUPS`; :data:`WIDTHS` drive the cohort ageing of
workbook.models.divide, :data:`MIDPOINTS` the GP contact profile of
workbook.models.telemedicine).

Per Kreis they come from the real age groups: Regionalstatistik 12411
(``data/kreise_age.csv``, 21 groups, 31.12.2019, official figures).
:func:`weights_from_age_table` shares each data group out to the model groups
by the overlap of the age ranges (people spread evenly over the years inside a
data group, the open top group up to :data:`OPEN_GROUP_END`).

Only where the age table has no rows for a Kreis (a table without them, a model
run outside the data layer) does :func:`kreis_weights` stand in: the national
structure (``data/national_age_structure.csv``, Destatis 31.12.2019, rounded)
rescaled to the Kreis' ``share_65plus``:

    w[k, a] = s[a] * share_65plus[k] / S65            for the groups 65+
    w[k, a] = s[a] * (1 - share_65plus[k]) / (1 - S65) for the groups under 65

where ``s[a]`` is the national share of group a and ``S65`` the national 65+
share. The weights of each Kreis sum to 1 and reproduce its 65+ share
exactly; within "under 65" and within "65+" the national proportions hold.
That fallback is an estimate. Which Kreis gets which is decided in
workbook.models.divide (``_weights``).
"""

from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np

from .. import paths
from ..errors import DataError

AGE_FILE = "national_age_structure.csv"

#: The age groups, youngest first (labels as in the CSV).
GROUPS = ("0-13", "14-19", "20-29", "30-39", "40-49", "50-59", "60-64", "65-69", "70-79", "80+")
#: Index of the first group of people aged 14+ and 65+ in GROUPS.
FIRST_14PLUS = 1
FIRST_65PLUS = 7
#: Width of each group in years (80+ is open: its turnover comes from a parameter).
WIDTHS = np.array([14, 6, 10, 10, 10, 10, 5, 5, 10, np.nan])
#: Mid-point age of each group (80+: 85), used by the GP contact profile.
MIDPOINTS = np.array([7.0, 17.0, 25.0, 35.0, 45.0, 55.0, 62.5, 67.5, 75.0, 85.0])


@lru_cache(maxsize=1)
def _national_counts() -> tuple[float, ...]:
    path = paths.DATA_DIR / AGE_FILE
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise DataError("file not found; expected the national age structure (Destatis)",
                        file=f"data/{AGE_FILE}") from None
    labels = tuple(r.get("age_group") for r in rows)
    if labels != GROUPS:
        raise DataError(f"column 'age_group' must list the groups {', '.join(GROUPS)} in this order, "
                        f"found {', '.join(map(str, labels))}", file=f"data/{AGE_FILE}")
    counts = []
    for number, row in enumerate(rows, start=2):
        try:
            value = float(row["population_2019"])
        except (TypeError, ValueError):
            raise DataError(f"expected a population count, found {row.get('population_2019')!r}",
                            file=f"data/{AGE_FILE}", row=number, column="population_2019") from None
        if not value > 0:
            raise DataError("expected a positive population count", file=f"data/{AGE_FILE}",
                            row=number, column="population_2019")
        counts.append(value)
    return tuple(counts)


def national_shares() -> np.ndarray:
    """Shares of the ten age groups in the national population, shape (10,)."""
    counts = np.array(_national_counts())
    return counts / counts.sum()


def national_share_65plus() -> float:
    return float(national_shares()[FIRST_65PLUS:].sum())


def kreis_weights(share_65plus: np.ndarray | None) -> np.ndarray:
    """Age-group shares per Kreis, shape (K, 10), each row summing to 1.

    ``share_65plus`` (fractions, shape (K,)) may be None: national structure.
    Values outside (0, 1) are refused, never clipped silently.
    """
    s = national_shares()
    if share_65plus is None:
        return s.reshape(1, -1)
    share = np.asarray(share_65plus, dtype=float).reshape(-1)
    bad = ~np.isfinite(share) | (share <= 0.0) | (share >= 1.0)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise DataError(f"expected a share between 0 and 1 (exclusive), found {share[index]!r}",
                        row=index, column="share_65plus")
    s65 = s[FIRST_65PLUS:].sum()
    factor = np.where(np.arange(len(s)) >= FIRST_65PLUS,
                      share[:, None] / s65, (1.0 - share[:, None]) / (1.0 - s65))
    return s[None, :] * factor


#: Lower bounds of the ten model groups (upper bound: the next one; 80+ is open).
_LOWER = np.array([0, 14, 20, 30, 40, 50, 60, 65, 70, 80], dtype=float)
_UPPER = np.append(_LOWER[1:], np.inf)
#: An open top group of the data (e.g. "75 and over") is spread evenly up to this age.
OPEN_GROUP_END = 100.0


def weights_from_age_table(table, ags) -> np.ndarray:
    """Real age-group shares per Kreis, shape (K, 10), rows summing to 1; NaN rows for
    Kreise without any row in ``table``.

    ``table``: long table ``ags, age_from, age_to, population_2019`` (Destatis
    Regionalstatistik, any grouping; ``age_to`` exclusive, empty for the open top group).
    Each data group is shared out to the model groups by the overlap of the age ranges
    (people spread evenly over the years inside a data group; an open group up to age
    OPEN_GROUP_END). Negative or non-numeric counts are refused with the row named.
    """
    import pandas as pd
    ags = pd.Index(pd.Series(ags).astype(str))
    df = table[["ags", "age_from", "age_to", "population_2019"]].copy()
    lo = pd.to_numeric(df["age_from"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(df["age_to"], errors="coerce").to_numpy(dtype=float)
    pop = pd.to_numeric(df["population_2019"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(lo) | ~np.isfinite(pop) | (pop < 0) | (np.isfinite(hi) & (hi <= lo))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError("expected age_from < age_to (or an empty age_to for the open group) and a "
                        "population count >= 0", file="data/kreise_age.csv", row=row + 2,
                        column="age_from/age_to/population_2019")
    hi = np.where(np.isfinite(hi), hi, np.maximum(OPEN_GROUP_END, lo + 1.0))
    overlap = np.clip(np.minimum(hi[:, None], _UPPER[None, :]) - np.maximum(lo[:, None], _LOWER[None, :]),
                      0.0, None) / (hi - lo)[:, None]
    counts = pd.DataFrame(overlap * pop[:, None]).groupby(df["ags"].astype(str).to_numpy()).sum()
    counts = counts.reindex(ags)
    values = counts.to_numpy(dtype=float)
    total = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.ascontiguousarray(np.where(total > 0, values / total, np.nan))
