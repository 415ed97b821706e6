"""What a run covers: topics, Kreise, scenarios and whole-number options, all validated.

Every bad selection raises a ``SelectionError`` (or ``DataError`` for a caller's
Kreis table) naming the key and what was expected.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from .. import ags as ags_rule
from .. import topics as topic_registry
from ..errors import DataError, SelectionError
from ..params import ParameterSet, Scenario, load_scenario, load_scenarios

YEARS = np.arange(2021, 2031)
#: topic names in run order (``workbook.topics`` is the registry)
TOPICS = topic_registry.NAMES
MAX_DRAWS = 100_000
DEFAULT_SEED = 20211


def available_topics() -> dict[str, ModuleType]:
    """Every registered topic's module, in run order (a missing module raises ``ImportError``)."""
    return topic_registry.modules()


def _as_list(value, key: str) -> list:
    """A list from a list-like selection; anything else is a SelectionError naming ``key``."""
    if isinstance(value, (list, tuple, set, frozenset, pd.Series, pd.Index, np.ndarray)):
        return list(value)
    raise SelectionError(f"expected text (comma-separated) or a list, found {type(value).__name__} "
                         f"{str(value)[:40]!r}", key=key)


def select_topics(topics) -> dict[str, ModuleType]:
    """The selected topics' modules in run order ("all", comma-separated names or a list)."""
    modules = available_topics()
    if topics is None or (isinstance(topics, str) and topics.strip().lower() == "all"):
        return modules
    wanted = [t.strip() for t in topics.split(",")] if isinstance(topics, str) else _as_list(topics, "topics")
    for topic in wanted:
        if not isinstance(topic, str):
            raise SelectionError(f"unknown topic {topic!r}; expected one of {', '.join(TOPICS)} or 'all'",
                                 key="topics")
        if topic not in TOPICS:
            hint = difflib.get_close_matches(topic, TOPICS, n=1)
            raise SelectionError(f"unknown topic {topic!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                                 + f"; expected one of {', '.join(TOPICS)} or 'all'", key="topics")
    # Models read earlier outputs, so keep the contract's order.
    return {t: modules[t] for t in TOPICS if t in wanted}


def validate_given_kreise(kreise) -> None:
    """A caller's Kreis table passes the registry's range checks before it reaches a formula."""
    if not isinstance(kreise, pd.DataFrame):
        raise SelectionError(f"kreise must be a table (DataFrame), found {type(kreise).__name__}", key="kreise")
    from ..data.schema import COLUMNS, validate_frame

    known = [c for c in kreise.columns if c in COLUMNS]
    if set(COLUMNS) <= set(kreise.columns):
        validate_frame(kreise[list(COLUMNS)], file="kreise (given table)")
        return
    # A partial table (tests, custom regions): check the registered columns it has.
    for name in known:
        col = COLUMNS[name]
        lo, hi = getattr(col, "min", None), getattr(col, "max", None)
        values = pd.to_numeric(kreise[name], errors="coerce") if (lo is not None or hi is not None) else None
        if values is None:
            continue
        bad = ~np.isfinite(values.to_numpy(dtype=float)) & kreise[name].notna().to_numpy()
        if lo is not None:
            bad |= (values < lo).to_numpy()
        if hi is not None:
            bad |= (values > hi).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(f"value {kreise[name].iloc[row]!r} is outside [{lo}, {hi}]", file="kreise (given table)",
                            row=row + 2, column=name)


def load_kreise_table() -> pd.DataFrame:
    try:
        from ..data import load_kreise
    except ModuleNotFoundError as exc:
        if exc.name != "workbook.data":
            raise
        raise DataError("the data layer (workbook/data/) is not installed; expected load_kreise()",
                        file="workbook/data/__init__.py") from None
    return load_kreise()


def shared_kreise_table() -> pd.DataFrame:
    """The data layer's own Kreis table, not a copy (``data.kreise.shared_kreise``): read only.
    The engine selects from it so that ``gemeinde_inputs`` can reuse a Gemeinde's row.
    Without a data layer, :func:`load_kreise_table` says what is missing."""
    try:
        from ..data.kreise import shared_kreise
    except ImportError:
        return load_kreise_table()
    return shared_kreise()


def normalise_ags(value) -> str:
    """A Kreis or Gemeinde key with its leading zero back ('5315' -> '05315', '8416041' ->
    '08416041'); other text stripped, unchanged (``select_kreise`` reports it). The rule is ``workbook.ags``."""
    parsed = ags_rule.parse(value)
    if parsed is not None and parsed.level in (ags_rule.KREIS, ags_rule.GEMEINDE) and len(parsed.code) in (5, 8):
        return parsed.code
    return str(value).strip()


def _unknown(raw, code: str, known: set[str]) -> SelectionError:
    """The error for a key that is not a row of the Kreis table: the place rule's message for a
    key the data layer does not know (a Gemeinde, Land or 9-digit Gemeindeverband key), else (a
    caller's own table) the keys it has."""
    parsed = ags_rule.parse(raw)
    digits = ags_rule.ascii_digits(raw)
    if (digits is not None and len(digits) == 9) or (parsed is not None and parsed.level != ags_rule.KREIS):
        from ..data.places import place_key
        try:
            place_key(raw, key="ags")
        except SelectionError as exc:
            return exc
    hint = difflib.get_close_matches(code, sorted(known), n=3)
    return SelectionError(f"unknown AGS {code!r}" + (f"; close: {', '.join(hint)}" if hint else "")
                          + "; expected a 5-digit key of one of the 401 Kreise or an 8-digit Gemeinde key",
                          key="ags")


def select_kreise(kreise: pd.DataFrame, ags) -> pd.DataFrame:
    """Rows of ``kreise`` for ``ags`` ("all", a list, or a comma-separated text), in AGS order.

    "all" means the Kreise. An 8-digit Gemeinde key becomes a row built by
    ``workbook.data.places.gemeinde_inputs`` from ``kreise`` (its own figures, else its Kreis's);
    ``attrs["origin"]`` then says for each Gemeinde where each input comes from.
    """
    if ags is None or (isinstance(ags, str) and ags.strip().lower() == "all"):
        return kreise.sort_values("ags").reset_index(drop=True)
    wanted = ags.split(",") if isinstance(ags, str) else _as_list(ags, "ags")
    given = [a for a in wanted if str(a).strip()]
    wanted = [normalise_ags(a) for a in given]
    if not wanted:
        raise SelectionError("no AGS given; expected 5-digit Kreis keys like 05315, 8-digit Gemeinde keys "
                             "like 08416041 or 'all'", key="ags")
    known = set(kreise["ags"].astype(str))
    for raw, code in zip(given, wanted):
        if code not in known and len(code) != 8:
            raise _unknown(raw, code, known)
    order = list(dict.fromkeys(wanted))
    kreis_codes = [c for c in order if c in known]
    gemeinde_codes = [c for c in order if c not in known]
    out = kreise.set_index(kreise["ags"].astype(str)).loc[kreis_codes].reset_index(drop=True)
    if gemeinde_codes:
        from ..data.places import gemeinde_inputs

        rows = gemeinde_inputs(gemeinde_codes, kreise)
        attrs = dict(rows.attrs)
        # Kreis rows leave the Gemeinde-only columns empty: the models fall back to the Kreis's own
        # (kreis_keys, rural_weight, broadband_share, gemeinde_catch_up)
        out = pd.concat([out, rows], ignore_index=True) if len(out) else rows
        out.attrs = attrs
    attrs = dict(out.attrs)
    out = out.sort_values("ags").reset_index(drop=True)
    out.attrs = attrs
    return out


def select_scenarios(scenarios, parameters: ParameterSet) -> list[Scenario]:
    """Scenarios from "all", ids, YAML paths, or Scenario objects (validated)."""
    shipped = load_scenarios(parameters=parameters)
    if scenarios is None or (isinstance(scenarios, str) and scenarios.strip().lower() == "all"):
        return list(shipped.values())
    items: list
    if isinstance(scenarios, Scenario):
        items = [scenarios]
    elif isinstance(scenarios, (str, Path)):
        text = str(scenarios)
        items = [text] if text.lower().endswith((".yml", ".yaml")) else [s.strip() for s in text.split(",")]
    else:
        items = _as_list(scenarios, "scenarios")
    out: list[Scenario] = []
    for item in items:
        if isinstance(item, Scenario):
            out.append(item)
            continue
        text = str(item).strip()
        if text.lower().endswith((".yml", ".yaml")) or "/" in text:
            out.append(load_scenario(text, parameters=parameters))
        elif text.upper() in shipped:
            out.append(shipped[text.upper()])
        else:
            raise SelectionError(f"unknown scenario {text!r}; expected one of {', '.join(shipped)}, 'all' "
                                 "or a YAML file", key="scenario")
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise SelectionError(f"scenario {dup!r} selected twice", key="scenario")
    return out


def check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or (not isinstance(value, (int, np.integer)) and not (
            isinstance(value, float) and value.is_integer())):
        raise SelectionError(f"expected a whole number in [{lo}, {hi}], found {value!r}", key=name)
    value = int(value)
    if not lo <= value <= hi:
        raise SelectionError(f"expected a whole number in [{lo}, {hi}], found {value}", key=name)
    return value
