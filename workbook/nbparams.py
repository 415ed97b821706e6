"""Validation of notebook parameters (Papermill, JupyterLab, Voila).

Papermill injects parameters without checking their types (12.5 passes for an
``int``), and a Voila visitor chooses the Kreis through ``?ags=`` in the
address. Every topic app calls :func:`validate_parameters` first; a bad value
raises a :class:`~workbook.errors.WorkbookError` that names the parameter and
what was expected, before anything is computed.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from . import ags as ags_rule
from .errors import ScenarioError, SelectionError, WorkbookError
from .texts import apps as T

MAX_DRAWS = 20_000
MAX_SEED = 2**32 - 1



@dataclass(frozen=True)
class NotebookParameters:
    """Validated parameters of one notebook run."""

    ags: str
    name: str
    scenarios: tuple[str, ...]
    draws: int
    seed: int
    interactive: bool
    extra: dict[str, Any] = field(default_factory=dict)
    scenario_objects: tuple = ()
    notes: tuple[str, ...] = ()

    @property
    def scenario_arg(self):
        """What to pass to ``engine.project(scenarios=...)``."""
        if self.scenario_objects:
            return list(self.scenario_objects)
        return list(self.scenarios)


# -- Voila --------------------------------------------------------------------------

def running_under_voila() -> bool:
    """True inside a kernel that Voila started (preheated or per request)."""
    return "VOILA_PREHEAT" in os.environ or "VOILA_BASE_URL" in os.environ


def query_parameters() -> dict[str, str]:
    """The query string of the Voila request as a dict (first value per key).

    Outside Voila this returns an empty dict. In a preheated kernel the call
    waits until a visitor's request is attached to the kernel.
    """
    if not running_under_voila():
        return {}
    try:
        from voila.utils import get_query_string
    except ImportError:  # pragma: no cover - voila is a dependency
        return {}
    query = get_query_string() or ""
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=False).items() if v}


# -- single checks ----------------------------------------------------------------

def check_int(name: str, value: Any, lo: int, hi: int) -> int:
    """An int in [lo, hi]; bools and non-integral numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        else:
            raise WorkbookError(T.PARAM_INT.format(name=name, value=value, lo=lo, hi=hi), key=name)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise WorkbookError(T.PARAM_INT.format(name=name, value=value, lo=lo, hi=hi), key=name)
    number = int(value)
    if not lo <= number <= hi:
        raise WorkbookError(T.PARAM_INT_RANGE.format(name=name, value=value, lo=lo, hi=hi), key=name)
    return number


def check_float(name: str, value: Any, lo: float, hi: float) -> float:
    """A finite float in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise WorkbookError(T.PARAM_FLOAT.format(name=name, value=value, lo=lo, hi=hi), key=name)
    number = float(value)
    if not math.isfinite(number):
        raise WorkbookError(T.PARAM_FLOAT.format(name=name, value=value, lo=lo, hi=hi), key=name)
    if not lo <= number <= hi:
        raise WorkbookError(T.PARAM_FLOAT_RANGE.format(name=name, value=value, lo=lo, hi=hi), key=name)
    return number


def check_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise WorkbookError(T.PARAM_BOOL.format(name=name, value=value), key=name)


def check_choice(name: str, value: Any, choices) -> str:
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise WorkbookError(
            T.PARAM_CHOICE.format(name=name, value=value, known=", ".join(map(str, choices))), key=name)
    return value


def check_ags(value: Any) -> tuple[str, str]:
    """(ags, name) of a Kreis or Gemeinde given by its key (int or text, leading zero optional), or
    of a Kreis given by its name."""
    from .data import load_kreise

    if isinstance(value, bool) or not isinstance(value, (str, numbers.Integral)):
        raise SelectionError(T.PARAM_AGS_TYPE.format(value=value), key="ags")
    text = str(value).strip()
    kreise = load_kreise()
    names = dict(zip(kreise["ags"], kreise["name"]))
    key = ags_rule.parse(value)
    if key is not None and key.level == ags_rule.KREIS:
        if key.code in names:
            return key.code, names[key.code]
        raise SelectionError(T.PARAM_AGS_UNKNOWN.format(value=value, hint=""), key="ags")
    if key is not None:                 # a Gemeinde (8 digits, or a 12-digit Regionalschlüssel) or Land key
        from .data.places import place_key, place_name

        try:
            code = place_key(value)
        except SelectionError as exc:
            raise SelectionError(T.PARAM_AGS_UNKNOWN.format(value=value, hint=f" ({exc.detail})"),
                                 key="ags") from None
        return code, place_name(code)
    if isinstance(value, str) and text:
        # a name ("Köln") is accepted when it names exactly one Kreis
        from .data import find_kreis

        try:
            ags = find_kreis(text)
        except SelectionError as exc:
            raise SelectionError(
                T.PARAM_AGS_UNKNOWN.format(value=value, hint=f" ({exc.detail})"), key="ags") from None
        return ags, names[ags]
    raise SelectionError(T.PARAM_AGS_UNKNOWN.format(value=value, hint=""), key="ags")


def check_scenarios(value: Any) -> tuple[tuple[str, ...], tuple]:
    """Scenario ids (and loaded objects for a YAML file) from 'all', 'S0,S1' or a path."""
    from .params import load_scenario, load_scenarios

    if not isinstance(value, str):
        raise ScenarioError(T.PARAM_SCENARIO_TYPE.format(value=value), key="scenario")
    known = list(load_scenarios())
    text = value.strip()
    if text.lower() in {"all", "alle", ""}:
        return tuple(known), ()
    if text.lower().endswith((".yml", ".yaml")):
        path = Path(text)
        if not path.is_file():
            raise ScenarioError(T.PARAM_SCENARIO_UNKNOWN.format(value=value, known=", ".join(known)),
                                key="scenario")
        scenario = load_scenario(path)
        return (scenario.id,), (scenario,)
    ids = []
    for part in text.split(","):
        sid = part.strip().upper()
        if sid not in known:
            raise ScenarioError(T.PARAM_SCENARIO_UNKNOWN.format(value=part.strip() or value,
                                                                 known=", ".join(known)),
                                key="scenario")
        if sid not in ids:
            ids.append(sid)
    return tuple(ids), ()


# -- the notebook's parameters cell --------------------------------------------------

def validate_parameters(ags: Any = "05315", scenario: Any = "all", draws: Any = 1000,
                        seed: Any = 20211, interactive: Any = True, *,
                        extra: dict[str, Any] | None = None,
                        extra_checks: dict[str, Any] | None = None,
                        use_query: bool = True) -> NotebookParameters:
    """Check the parameters of a notebook and return them normalised.

    ``extra`` holds the topic-specific parameters, ``extra_checks`` maps each
    allowed name to a function ``value -> normalised value`` that raises a
    WorkbookError. Under Voila, ``?ags=`` in the address replaces ``ags``; an
    unknown AGS there falls back to the parameter with a German note (a
    visitor's typo must not break the page).
    """
    notes: list[str] = []
    interactive = check_bool("interactive", interactive)
    draws = check_int("draws", draws, 0, MAX_DRAWS)
    seed = check_int("seed", seed, 0, MAX_SEED)
    ags_value, name = check_ags(ags)
    if use_query:
        query = query_parameters()
        if query.get("ags"):
            try:
                ags_value, name = check_ags(query["ags"])
            except WorkbookError:
                notes.append(T.QUERY_AGS_INVALID.format(value=query["ags"][:20], name=name, ags=ags_value))
    scenarios, objects = check_scenarios(scenario)
    checked: dict[str, Any] = {}
    extra = dict(extra or {})
    extra_checks = dict(extra_checks or {})
    for key, value in extra.items():
        if key not in extra_checks:
            raise WorkbookError(T.PARAM_UNKNOWN_EXTRA.format(name=key, known=", ".join(sorted(extra_checks))),
                                key=key)
        checked[key] = extra_checks[key](value)
    return NotebookParameters(ags=ags_value, name=name, scenarios=scenarios, draws=draws, seed=seed,
                              interactive=interactive, extra=checked, scenario_objects=objects,
                              notes=tuple(notes))
