"""Chart templates: build a chart's structure once, swap only its data.

Building an Altair chart (layers, encodings, scales, the footnote) and turning
it into a spec costs tens of milliseconds, most of it deep copies inside
Altair; in a batch of 401 reports, or on every slider move, the structure of a
chart (titles, scales, axis formats, scenario labels) stays the same and only
its rows change. A builder therefore splits its work:

- it computes the rows to draw (a DataFrame) and a *key* of everything else
  that shapes the chart (labels, number form, sizes, notes);
- :func:`templated` builds the Altair chart once per key, with the rows as a
  named dataset (``alt.NamedData``), and keeps that chart and its spec;
- each call returns a shallow copy of the template chart with the rows set as
  its top-level ``datasets``. The copy carries the finished spec, so
  ``workbook.display.chart_spec`` needs no ``to_dict`` walk.

The dataset name comes from a hash of the key, so it is the same in every
process (reports stay byte-identical whichever worker rendered them) and the
same for every update of one chart (a live view receives the new rows under
the name it already knows).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from . import theme

_MAX_TEMPLATES = 96
_templates: OrderedDict[tuple, tuple[Any, dict]] = OrderedDict()
_lock = threading.Lock()

#: attribute (outside Altair's own keywords) that carries the finished spec
SPEC_ATTR = "_wb_spec"
KEY_ATTR = "_wb_structure"


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe records, the way Altair inlines a DataFrame (NaN -> null).

    The builders' frames hold numbers and text only; those are converted
    directly (Altair's general sanitiser costs milliseconds per frame), any
    other column type goes through Altair's own sanitiser.
    """
    columns = []
    for name in df.columns:
        col = df[name]
        kind = col.dtype.kind
        if kind == "f":
            values = [None if v != v or v in (math.inf, -math.inf) else v for v in col.tolist()]
        elif kind in "iub":
            values = col.tolist()
        elif kind in "OU" or pd.api.types.is_string_dtype(col.dtype):
            values = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in col.tolist()]
        else:
            from altair.utils.core import sanitize_pandas_dataframe

            return sanitize_pandas_dataframe(df).to_dict(orient="records")
        columns.append(values)
    names = [str(c) for c in df.columns]
    return [dict(zip(names, row)) for row in zip(*columns)] if columns else [{} for _ in range(len(df))]


def dataset_name(key: tuple, role: str) -> str:
    """A stable dataset name for one chart structure and one role ("main", "lookup")."""
    digest = hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:12]
    return f"wb-{role}-{digest}"


def _shallow(obj: Any, **changes: Any) -> Any:
    """A copy of an Altair object with some keywords changed, without Altair's constructor
    (which would merge and deep-copy layers again)."""
    out = object.__new__(type(obj))
    for attr, value in obj.__dict__.items():
        object.__setattr__(out, attr, value)
    object.__setattr__(out, "_kwds", {**obj._kwds, **changes})
    return out


def templated(key: tuple, build: Callable[[dict[str, alt.NamedData]], Any],
              data: dict[str, pd.DataFrame], title: alt.TitleParams | None = None) -> Any:
    """The chart for ``key`` with ``data`` (role -> rows).

    ``build(refs)`` makes the Altair chart from references to the datasets
    (role -> ``alt.NamedData``); it may use nothing of the rows themselves, only
    what ``key`` holds. Called once per key (and theme); later calls reuse it.
    ``title``: the chart's title, set on each copy (so a title naming the Kreis
    does not need a template per Kreis); ``build`` must set a title too (any).
    """
    theme.ensure_theme()
    full_key = (alt.theme.active, key)
    names = {role: dataset_name(full_key, role) for role in data}
    with _lock:
        entry = _templates.get(full_key)
        if entry is not None:
            _templates.move_to_end(full_key)
    if entry is None:
        from altair.utils.schemapi import debug_mode

        with debug_mode(False):
            chart = build({role: alt.NamedData(name=name) for role, name in names.items()})
            spec = chart.to_dict(validate=False)
        # the names of the swapped datasets must not survive from the first rows
        spec_datasets = {k: v for k, v in (spec.get("datasets") or {}).items() if k not in names.values()}
        spec["datasets"] = spec_datasets
        entry = (chart, spec)
        with _lock:
            _templates[full_key] = entry
            while len(_templates) > _MAX_TEMPLATES:
                _templates.popitem(last=False)
    chart, spec = entry
    values = {names[role]: records(df) for role, df in data.items()}
    out = _shallow(chart, datasets=values)
    full = dict(spec)
    full["datasets"] = {**spec["datasets"], **values}
    if title is not None:
        title_spec = title.to_dict(validate=False)
        if "vconcat" in spec and "title" in spec["vconcat"][0]:   # a chart with its footnote under it
            first = out._kwds["vconcat"][0]
            out._kwds["vconcat"] = [_shallow(first, title=title), *out._kwds["vconcat"][1:]]
            full["vconcat"] = [{**spec["vconcat"][0], "title": title_spec}, *spec["vconcat"][1:]]
        else:
            out._kwds["title"] = title
            full["title"] = title_spec
    object.__setattr__(out, SPEC_ATTR, full)
    # charts with equal keys differ in their rows only (LiveChart sends just those)
    object.__setattr__(out, KEY_ATTR, (full_key, repr(full.get("title") or full.get("vconcat", [{}])[0].get("title"))
                                       if title is not None else None))
    return out


def structure_key(chart: Any) -> tuple | None:
    """A key equal for two templated charts exactly when their specs differ in dataset rows only."""
    return getattr(chart, "__dict__", {}).get(KEY_ATTR)


def cached_spec(chart: Any) -> dict | None:
    """The finished spec a templated chart carries (a fresh top level, shared leaves), else None."""
    spec = getattr(chart, "__dict__", {}).get(SPEC_ATTR)
    if spec is None:
        return None
    out = dict(spec)
    out["datasets"] = dict(spec["datasets"])
    return out


def clear() -> None:
    """Forget every template (tests; a changed theme is already part of the key)."""
    with _lock:
        _templates.clear()
