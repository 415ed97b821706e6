"""Shared pieces of the Model contract: ``Indicator`` and ``ModelContext``.

Shapes (see docs/architecture.md): N runs (scenario x draw), K Kreise, T years.
A parameter reaches a model as a float array of shape (N, 1, 1); a Kreis
column as (1, K, 1); a year axis as (1, 1, T); indicators are (N, K, T).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, ParameterError


@dataclass(frozen=True)
class Indicator:
    """One model output: ``name`` is ``<topic>.<name>``; ``unit`` as in parameter records."""

    name: str
    unit: str
    label_de: str
    topic: str
    higher_is_better: bool = True


def topic_indicator(topic: str, labels: dict, name: str, unit: str, higher_is_better: bool) -> Indicator:
    """The indicator ``<topic>.<name>`` with its German label from ``labels`` (a topic's texts module);
    models bind the first two arguments: ``_ind = partial(topic_indicator, TOPIC, texts.LABELS)``."""
    return Indicator(f"{topic}.{name}", unit, labels[f"{topic}.{name}"], topic, higher_is_better)


@dataclass
class ModelContext:
    """Everything a topic model's ``run(ctx)`` may read."""

    kreise: pd.DataFrame
    years: np.ndarray
    p: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the numbers of each Kreis column read so far (the table does not change during a run)
    _numbers: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_runs(self) -> int:
        return max((np.shape(v)[0] for v in self.p.values()), default=1)

    @property
    def n_kreise(self) -> int:
        return len(self.kreise)

    def param(self, key: str) -> np.ndarray:
        """The parameter ``key`` as an (N, 1, 1) array; a missing key names itself."""
        try:
            value = self.p[key]
        except KeyError:
            raise ParameterError("parameter missing in the model context; expected a record in "
                                 "scenarios/parameters/*.yml", key=key) from None
        arr = np.asarray(value)
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        return arr.reshape(-1, 1, 1)

    @property
    def dtype(self) -> np.dtype:
        """Float type of the parameter arrays (float32 on the engine's fast path)."""
        for value in self.p.values():
            arr = np.asarray(value)
            if np.issubdtype(arr.dtype, np.floating):
                return arr.dtype
        return np.dtype(np.float64)

    def column(self, name: str, default: float | None = None) -> np.ndarray | None:
        """The Kreis column ``name`` as a (1, K, 1) array of ``dtype``, or ``default`` broadcast, or None."""
        if name in self.kreise.columns:
            values = self._numbers.get(name)
            if values is None or len(values) != len(self.kreise):
                values = pd.to_numeric(self.kreise[name], errors="coerce").to_numpy(dtype=float)
                self._numbers[name] = values
            if default is not None:
                values = np.where(np.isfinite(values), values, default)
            return values.reshape(1, -1, 1).astype(self.dtype)     # a copy: callers may change it
        if default is None:
            return None
        return np.full((1, len(self.kreise), 1), float(default), dtype=self.dtype)

    def kreis_keys(self) -> np.ndarray:
        """(K,) the 5-digit Kreis key of every row: a Kreis's own, a Gemeinde's Kreis (column
        ``kreis_ags``). Tables published per Kreis (age groups, broadband series, the cooperation
        plan of the Kreise) are looked up by it."""
        ags = self.kreise["ags"].astype(str).to_numpy()
        if "kreis_ags" not in self.kreise.columns:
            return ags
        kreis = self.kreise["kreis_ags"].tolist()
        return np.array([k if isinstance(k, str) and k else a for k, a in zip(kreis, ags)], dtype=object)

    @property
    def from_data_layer(self) -> bool:
        """True when the Kreis table is the data layer's (``load_kreise()`` marks it with
        ``attrs['local']``): only then do the data layer's supplementary files (age groups,
        broadband history) apply; an inline frame gets them through ``extra``."""
        return "local" in self.kreise.attrs

    def year_axis(self) -> np.ndarray:
        return np.asarray(self.years, dtype=float).reshape(1, 1, -1)


# ---------------------------------------------------------------------------
# The data layer's supplementary files, loaded once per content
# ---------------------------------------------------------------------------

_DATA_FILES: dict[str, tuple] = {}


def data_layer_file(loader: str, file_attr: str):
    """The table of ``workbook.data.<loader>()``, loaded once per content of its file (the
    sha256 that ``data/sources.yml`` records and the loader verifies), or None when the data layer
    has no such loader or file. The same object is returned until the file changes: models treat
    it as read-only. Its content key is available through :func:`content_key`."""
    try:
        from .. import data as datasets
        from ..data import files
    except ImportError:
        return None
    load = getattr(datasets, loader, None)
    name = getattr(files, file_attr, None)
    if load is None or name is None:
        return None
    try:
        sha = (datasets.load_sources().get("files", {}).get(name) or {}).get("sha256")
    except (DataError, OSError):   # no or broken sources.yml: load without caching by content
        sha = None
    hit = _DATA_FILES.get(name)
    if hit is not None and sha is not None and hit[0] == sha:
        return hit[1]
    try:
        table = load()
    except FileNotFoundError:
        return None
    if sha is not None:
        _DATA_FILES[name] = (sha, table, ("file", name, sha))
    return table


def content_key(obj) -> tuple:
    """A key of a table's content: the file hash for a table from :func:`data_layer_file`,
    else a hash of the values (tables handed in through ``ModelContext.extra``)."""
    if obj is None:
        return (None,)
    for _sha, table, key in _DATA_FILES.values():
        if table is obj:
            return key
    return (len(obj), int(pd.util.hash_pandas_object(obj, index=True).sum()))
