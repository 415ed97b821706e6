"""Parameter records and scenario overlays, loaded strictly from YAML.

Every number that changes a result lives in ``scenarios/parameters/*.yml`` as a
record with unit, status and reference (see the Parameter contract in
``docs/architecture.md``). A scenario (``scenarios/S<n>_<slug>.yml`` or a
user's own file) changes absolute values of existing keys only.

Loading refuses, with file, line and key: YAML syntax errors, tab
indentation, duplicate keys, unknown fields, missing unit/reference, unknown
status/lever/distribution, inconsistent default/min/max, and scenarios that
change unknown parameters or leave a parameter's range.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import numbers
import os
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from . import paths
from .errors import ParameterError, ScenarioError
from .fsutil import atomic_write
from .snapshot import file_signature, memo

STATUSES = ("fact", "derived", "assumption")
LEVERS = ("kommune", "bund_land", "markt")
DISTRIBUTIONS = ("uniform", "triangular", "pert")

RECORD_FIELDS = {
    "label_de", "unit", "status", "reference", "default", "min", "max",
    "distribution", "lever", "step", "explain_de",
}
REQUIRED_FIELDS = ("label_de", "unit", "status", "reference", "default", "min", "max", "lever")
REFERENCE_FIELDS = {"title", "publisher", "year", "url"}
REQUIRED_REFERENCE_FIELDS = ("title", "publisher", "year")
DISTRIBUTION_FIELDS = {"type"}

SCENARIO_FIELDS = {"id", "title_de", "short_de", "narrative_de", "source_de", "changes", "based_on"}
REQUIRED_SCENARIO_FIELDS = ("id", "title_de", "changes")

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
SCENARIO_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
RESERVED_IDS = {f"S{i}" for i in range(6)}


# ---------------------------------------------------------------------------
# YAML loading with duplicate detection and line numbers
# ---------------------------------------------------------------------------

class LineDict(dict):
    """A dict that remembers the (1-based) line of each key."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.line: int | None = None

    def line_of(self, key) -> int | None:
        return self.lines.get(key, self.line)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and keeps line numbers."""

    source_name = "<yaml>"


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise ParameterError(f"line {line}: a key must be text, found {type(key).__name__}",
                                 file=loader.source_name) from None
        if key in result:
            raise ParameterError(
                f"line {line}: duplicate key (first defined on line {result.lines[key]}); "
                "each key may appear only once in a mapping",
                file=loader.source_name, key=str(key))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _display(path: Path | str) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


MAX_YAML_BYTES = 5_000_000
MAX_YAML_NESTING = 50


def _max_nesting(text: str) -> int:
    """Upper bound of the flow-collection nesting ('[' / '{' outside quotes and comments)."""
    deepest = depth = 0
    for line in text.splitlines():
        quote = None
        for ch in line:
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif ch in "]}":
                depth = max(0, depth - 1)
    return deepest


def read_yaml(path: Path | str, *, error: type[ParameterError] = ParameterError):
    """Parse one YAML file strictly; every problem is an ``error`` naming file and line."""
    path = Path(path)
    name = _display(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"file is {size / 1e6:.1f} MB; a parameter or scenario file is at most "
                        f"{MAX_YAML_BYTES // 1_000_000} MB of YAML text", file=name)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found; expected a YAML file", file=name) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", file=name) from None
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror})", file=name) from None
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise error(f"line {number}: tab character in the indentation; YAML expects spaces", file=name)
    depth = _max_nesting(text)
    if depth > MAX_YAML_NESTING:
        raise error(f"nested {depth} levels deep; expected at most {MAX_YAML_NESTING}", file=name)
    try:
        loader = _StrictLoader(text)
    except yaml.YAMLError as exc:  # the reader rejects control characters before parsing
        raise error(f"YAML syntax error ({exc})", file=name) from None
    loader.source_name = name
    try:
        return loader.get_single_data()
    except ParameterError as exc:
        raise error(exc.detail, file=name, key=exc.key) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"{where}YAML syntax error ({problem})", file=name) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML syntax error ({exc})", file=name) from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    title: str
    publisher: str
    year: int
    url: str | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "publisher": self.publisher, "year": self.year, "url": self.url}


@dataclass(frozen=True)
class Parameter:
    """One parameter record (see the Parameter contract)."""

    key: str
    label_de: str
    unit: str
    status: str
    reference: Reference
    default: float
    min: float
    max: float
    lever: str
    distribution: str | None = None
    step: float | None = None
    explain_de: str | None = None
    file: str = ""
    line: int | None = None

    @property
    def topic(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def sampled(self) -> bool:
        return self.distribution is not None

    def check_value(self, value, *, source: str, line: int | None = None,
                    error: type[ParameterError] = ParameterError) -> float:
        """Return ``value`` as float or raise ``error`` naming source, line and key."""
        where = f"line {line}: " if line else ""
        rng = f"[{_num(self.min)}, {_num(self.max)}]" + ("" if self.unit == "1" else f" {self.unit}")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            try:
                value = float(value) if isinstance(value, str) else value
            except ValueError:
                pass
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise error(f"{where}expected a number in {rng}, found {_short(value)}",
                            file=source, key=self.key)
        try:
            value = float(value)
        except OverflowError:
            raise error(f"{where}expected a number in {rng}, found a number too large to use",
                        file=source, key=self.key) from None
        if not math.isfinite(value):
            raise error(f"{where}expected a finite number in {rng}, found {value}", file=source, key=self.key)
        if value < self.min or value > self.max:
            raise error(f"{where}value {_num(value)} is outside the range {rng}", file=source, key=self.key)
        return value

    def to_dict(self) -> dict:
        out = {
            "label_de": self.label_de, "unit": self.unit, "status": self.status,
            "reference": self.reference.to_dict(), "default": self.default,
            "min": self.min, "max": self.max, "lever": self.lever,
        }
        if self.distribution:
            out["distribution"] = {"type": self.distribution}
        if self.step is not None:
            out["step"] = self.step
        if self.explain_de:
            out["explain_de"] = self.explain_de
        return out


_SHORT_REPR = reprlib.Repr()  # Python 3.11 takes no keyword arguments here
for _attr, _limit in {"maxlevel": 2, "maxlist": 4, "maxtuple": 4, "maxdict": 4, "maxset": 4,
                      "maxstring": 60, "maxother": 60, "maxlong": 40}.items():
    setattr(_SHORT_REPR, _attr, _limit)


def _short(value, limit: int = 80) -> str:
    """repr() for messages, cut so that a hostile value cannot blow up a message."""
    text = _SHORT_REPR.repr(value)  # bounded in depth and length, also for nested YAML aliases
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(value: float) -> str:
    return f"{value:g}"


def _parse_record(key, raw, *, file: str, line: int | None) -> Parameter:
    where = f"line {line}: " if line else ""
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise ParameterError(f"{where}invalid parameter key; expected dotted lowercase like 'ddi.verw.rate'",
                             file=file, key=str(key))
    if not isinstance(raw, Mapping):
        raise ParameterError(f"{where}expected a mapping with the fields {', '.join(REQUIRED_FIELDS)}, "
                             f"found {type(raw).__name__}", file=file, key=key)
    lines = getattr(raw, "lines", {})

    def at(name):
        n = lines.get(name, line)
        return f"line {n}: " if n else ""

    unknown = sorted(set(map(str, raw)) - RECORD_FIELDS)
    if unknown:
        bad = unknown[0]
        hint = difflib.get_close_matches(bad, sorted(RECORD_FIELDS), n=1)
        raise ParameterError(f"{at(bad)}unknown field '{bad}'"
                             + (f" (did you mean '{hint[0]}'?)" if hint else "")
                             + f"; allowed: {', '.join(sorted(RECORD_FIELDS))}", file=file, key=key)
    for name in REQUIRED_FIELDS:
        if name not in raw or raw[name] is None or (isinstance(raw[name], str) and not raw[name].strip()):
            raise ParameterError(f"{where}missing field '{name}'; every record needs "
                                 f"{', '.join(REQUIRED_FIELDS)}", file=file, key=key)
    for name in ("label_de", "unit"):
        if not isinstance(raw[name], str):
            raise ParameterError(f"{at(name)}field '{name}' must be text", file=file, key=key)
    if raw["status"] not in STATUSES:
        raise ParameterError(f"{at('status')}unknown status {_short(raw['status'])}; expected one of "
                             f"{', '.join(STATUSES)}", file=file, key=key)
    if raw["lever"] not in LEVERS:
        raise ParameterError(f"{at('lever')}unknown lever {_short(raw['lever'])}; expected one of "
                             f"{', '.join(LEVERS)}", file=file, key=key)
    ref = raw["reference"]
    if not isinstance(ref, Mapping):
        raise ParameterError(f"{at('reference')}field 'reference' must be a mapping with "
                             "title, publisher, year (and url)", file=file, key=key)
    ref_unknown = sorted(set(map(str, ref)) - REFERENCE_FIELDS)
    if ref_unknown:
        raise ParameterError(f"{at('reference')}unknown field 'reference.{ref_unknown[0]}'; allowed: "
                             f"{', '.join(sorted(REFERENCE_FIELDS))}", file=file, key=key)
    for name in REQUIRED_REFERENCE_FIELDS:
        if ref.get(name) in (None, ""):
            raise ParameterError(f"{at('reference')}missing field 'reference.{name}'; a reference needs "
                                 "title, publisher and year", file=file, key=key)
    if isinstance(ref["year"], bool) or not isinstance(ref["year"], int) or not 1900 <= ref["year"] <= 2100:
        raise ParameterError(f"{at('reference')}'reference.year' must be a year like 2021, "
                             f"found {_short(ref['year'])}", file=file, key=key)
    url = ref.get("url")
    if url is not None and not isinstance(url, str):
        raise ParameterError(f"{at('reference')}'reference.url' must be text or null", file=file, key=key)
    numbers = {}
    for name in ("default", "min", "max", "step"):
        if name not in raw or (name == "step" and raw[name] is None):
            continue
        value = raw[name]
        try:
            finite = (not isinstance(value, bool) and isinstance(value, (int, float))
                      and math.isfinite(float(value)))
        except OverflowError:
            finite = False
        if not finite:
            raise ParameterError(f"{at(name)}field '{name}' must be a finite number, found {_short(value)}",
                                 file=file, key=key)
        numbers[name] = float(value)
    lo, hi, default = numbers["min"], numbers["max"], numbers["default"]
    if lo > hi:
        raise ParameterError(f"{at('min')}min {_num(lo)} is greater than max {_num(hi)}; expected min <= max",
                             file=file, key=key)
    if not lo <= default <= hi:
        raise ParameterError(f"{at('default')}default {_num(default)} is outside [min, max] = "
                             f"[{_num(lo)}, {_num(hi)}]; expected min <= default <= max", file=file, key=key)
    if "step" in numbers and numbers["step"] <= 0:
        raise ParameterError(f"{at('step')}step must be positive", file=file, key=key)
    dist = raw.get("distribution")
    dist_type = None
    if dist is not None:
        if isinstance(dist, str):
            dist = {"type": dist}
        if not isinstance(dist, Mapping):
            raise ParameterError(f"{at('distribution')}field 'distribution' must be a mapping like "
                                 "{type: triangular}", file=file, key=key)
        d_unknown = sorted(set(map(str, dist)) - DISTRIBUTION_FIELDS)
        if d_unknown:
            raise ParameterError(f"{at('distribution')}unknown field 'distribution.{d_unknown[0]}'; "
                                 "allowed: type (the mode is the default value)", file=file, key=key)
        dist_type = dist.get("type")
        if dist_type not in DISTRIBUTIONS:
            raise ParameterError(f"{at('distribution')}unknown distribution {_short(dist_type)}; expected one of "
                                 f"{', '.join(DISTRIBUTIONS)}", file=file, key=key)
        if not lo < hi:
            raise ParameterError(f"{at('distribution')}a sampled parameter needs min < max, found "
                                 f"min = max = {_num(lo)}", file=file, key=key)
    explain = raw.get("explain_de")
    if explain is not None and not isinstance(explain, str):
        raise ParameterError(f"{at('explain_de')}field 'explain_de' must be text", file=file, key=key)
    return Parameter(
        key=key, label_de=raw["label_de"].strip(), unit=raw["unit"].strip(), status=raw["status"],
        reference=Reference(str(ref["title"]), str(ref["publisher"]), int(ref["year"]), url),
        default=default, min=lo, max=hi, lever=raw["lever"], distribution=dist_type,
        step=numbers.get("step"), explain_de=explain.strip() if explain else None, file=file, line=line,
    )


def parse_parameter_file(path: Path | str) -> list[Parameter]:
    """Parse and validate one parameter file; raise ``ParameterError`` on the first problem."""
    data = read_yaml(path)
    name = _display(path)
    if data is None:
        return []
    if not isinstance(data, LineDict):  # the strict loader builds every mapping as a LineDict
        raise ParameterError("expected a mapping of parameter keys to records at the top level", file=name)
    return [_parse_record(key, raw, file=name, line=data.line_of(key)) for key, raw in data.items()]


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """A named overlay: absolute values for existing parameter keys."""

    id: str
    title_de: str
    changes: dict[str, float] = field(default_factory=dict)
    short_de: str = ""
    narrative_de: str = ""
    source_de: str = ""
    based_on: str | None = None
    file: str | None = None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "title_de": self.title_de}
        for name in ("short_de", "narrative_de", "source_de"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.based_on:
            out["based_on"] = self.based_on
        out["changes"] = dict(self.changes)
        return out


def parse_scenario(path: Path | str, parameters: ParameterSet | None = None) -> Scenario:
    """Read one scenario file strictly, checking its changes against ``parameters``."""
    parameters = parameters if parameters is not None else load_parameters()
    data = read_yaml(path, error=ScenarioError)
    name = _display(path)
    return _scenario_from_mapping(data, name, parameters)


# Control characters other than tab and newline (ESC sequences would reach a terminal or a page).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _scenario_from_mapping(data, name: str, parameters: ParameterSet) -> Scenario:
    if not isinstance(data, Mapping):
        raise ScenarioError("expected a mapping with id, title_de and changes", file=name)
    lines = getattr(data, "lines", {})
    unknown = sorted(set(map(str, data)) - SCENARIO_FIELDS)
    if unknown:
        bad = unknown[0]
        raise ScenarioError(f"line {lines.get(bad, '?')}: unknown field '{bad}'; allowed: "
                            f"{', '.join(sorted(SCENARIO_FIELDS))}", file=name, key=bad)
    for req in REQUIRED_SCENARIO_FIELDS:
        value = data.get(req)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ScenarioError(f"missing field '{req}'; a scenario needs id, title_de and changes",
                                file=name, key=req)
    sid = data["id"]
    if not isinstance(sid, str) or not SCENARIO_ID_RE.match(sid):
        raise ScenarioError(f"line {lines.get('id', '?')}: invalid id {_short(sid)}; expected letters, digits, "
                            "'_' or '-' starting with a letter (at most 40)", file=name, key="id")
    for text_field in ("title_de", "short_de", "narrative_de", "source_de", "based_on"):
        if text_field in data and data[text_field] is not None and not isinstance(data[text_field], str):
            raise ScenarioError(f"line {lines.get(text_field, '?')}: field '{text_field}' must be text",
                                file=name, key=text_field)
        if isinstance(data.get(text_field), str) and _CONTROL_RE.search(data[text_field]):
            raise ScenarioError(f"line {lines.get(text_field, '?')}: field '{text_field}' contains a control "
                                "character; expected plain text", file=name, key=text_field)
    changes_raw = data["changes"]
    if not isinstance(changes_raw, Mapping):
        raise ScenarioError(f"line {lines.get('changes', '?')}: 'changes' must be a mapping of parameter "
                            "key to value", file=name, key="changes")
    changes: dict[str, float] = {}
    change_lines = getattr(changes_raw, "lines", {})
    for key, value in changes_raw.items():
        line = change_lines.get(key)
        if key not in parameters:
            hint = difflib.get_close_matches(str(key), list(parameters.keys()), n=1)
            raise ScenarioError(f"line {line}: changes a parameter that does not exist"
                                + (f" (did you mean '{hint[0]}'?)" if hint else "")
                                + "; expected a key from scenarios/parameters/*.yml", file=name, key=str(key))
        changes[key] = parameters[key].check_value(value, source=name, line=line, error=ScenarioError)
    return Scenario(
        id=sid, title_de=str(data["title_de"]).strip(), changes=changes,
        short_de=(data.get("short_de") or "").strip(), narrative_de=(data.get("narrative_de") or "").strip(),
        source_de=(data.get("source_de") or "").strip(), based_on=data.get("based_on"), file=name,
    )


# ---------------------------------------------------------------------------
# ParameterSet
# ---------------------------------------------------------------------------

class ParameterSet(Mapping):
    """All parameter records, keyed by dotted key."""

    def __init__(self, records: list[Parameter] | dict[str, Parameter]):
        if isinstance(records, dict):
            records = list(records.values())
        self._records: dict[str, Parameter] = {}
        for rec in records:
            if rec.key in self._records:
                first = self._records[rec.key]
                raise ParameterError(
                    f"line {rec.line}: duplicate parameter key (already defined in {first.file}, "
                    f"line {first.line})", file=rec.file, key=rec.key)
            self._records[rec.key] = rec

    def __getitem__(self, key: str) -> Parameter:
        try:
            return self._records[key]
        except KeyError:
            hint = difflib.get_close_matches(str(key), list(self._records), n=1)
            raise ParameterError("unknown parameter" + (f" (did you mean '{hint[0]}'?)" if hint else ""),
                                 key=str(key)) from None

    def __contains__(self, key) -> bool:
        return key in self._records

    def __iter__(self):
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def topic(self, prefix: str) -> list[Parameter]:
        return [p for k, p in self._records.items() if k.startswith(prefix + ".")]

    def defaults(self) -> dict[str, float]:
        return {k: p.default for k, p in self._records.items()}

    def sampled(self) -> list[Parameter]:
        """Records with a distribution, in key order (the Monte Carlo dimensions)."""
        return [self._records[k] for k in sorted(self._records) if self._records[k].sampled]

    def resolve(self, scenario: Scenario | str | None = None,
                overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Defaults, then the scenario's changes, then ``overrides``; each value validated, never clamped."""
        if isinstance(scenario, str):
            scenario = load_scenario(scenario, parameters=self)
        values = self.defaults()
        if scenario is not None:
            for key, value in scenario.changes.items():
                source = scenario.file or f"scenario {scenario.id}"
                if key not in self._records:
                    raise ScenarioError("changes a parameter that does not exist", file=source, key=key)
                values[key] = self._records[key].check_value(value, source=source, error=ScenarioError)
        for key, value in (overrides or {}).items():
            if key not in self._records:
                hint = difflib.get_close_matches(str(key), list(self._records), n=1)
                raise ParameterError("override of an unknown parameter"
                                     + (f" (did you mean '{hint[0]}'?)" if hint else ""), key=str(key))
            values[key] = self._records[key].check_value(value, source="overrides")
        return values

    def hash(self) -> str:
        """Stable sha256 of all records (independent of file order and formatting)."""
        cached = getattr(self, "_hash", None)
        if cached is not None:
            return cached
        payload = {k: self._records[k].to_dict() for k in sorted(self._records)}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        self._hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._hash


_CACHE: dict[tuple, ParameterSet] = {}


def _dir_signature(directory: Path) -> tuple:
    files = sorted(directory.glob("*.yml")) if directory.is_dir() else []
    return tuple(file_signature(f) for f in files)


def _parameters_signature(directory: Path) -> tuple:
    if not directory.is_dir():
        raise ParameterError("parameter folder not found; expected scenarios/parameters/*.yml",
                             file=_display(directory))
    return (str(directory.resolve()), _dir_signature(directory))


def load_parameters(directory: Path | str | None = None) -> ParameterSet:
    """Load every ``*.yml`` record file of ``directory`` (default ``scenarios/parameters``).

    The result is cached while the files stay unchanged.
    """
    directory = Path(directory) if directory is not None else paths.PARAMETERS_DIR
    signature = memo(("parameters", str(directory)), lambda: _parameters_signature(directory))
    cached = _CACHE.get(signature)
    if cached is not None:
        return cached
    records: list[Parameter] = []
    for file in sorted(directory.glob("*.yml")):
        records.extend(parse_parameter_file(file))
    result = ParameterSet(records)
    _CACHE.clear()
    _CACHE[signature] = result
    return result


def scenario_files(directory: Path | str | None = None) -> list[Path]:
    directory = Path(directory) if directory is not None else paths.SCENARIOS_DIR
    files = [f for f in directory.glob("S*_*.yml") if re.match(r"^S\d+_", f.name)]
    # the filter above guarantees "S<digits>_": the number sorts S10 after S9
    return sorted(files, key=lambda f: int(f.name[1:].split("_", 1)[0]))


def _scenario_signature(directory: Path | str | None) -> tuple[list[Path], tuple]:
    files = scenario_files(directory)
    return files, tuple(file_signature(f) for f in files)


def load_scenarios(directory: Path | str | None = None,
                   parameters: ParameterSet | None = None) -> dict[str, Scenario]:
    """The shipped scenarios S0..S5 (ordered), validated against the parameters.

    Cached while the files and the parameter set stay the same; treat the returned
    Scenario objects as read-only.
    """
    parameters = parameters if parameters is not None else load_parameters()
    files, stats = memo(("scenarios", str(directory)), lambda: _scenario_signature(directory))
    signature = (stats, id(parameters))
    cached = _SCENARIO_CACHE.get(signature)
    if cached is not None and cached[0] is parameters:
        return dict(cached[1])
    out: dict[str, Scenario] = {}
    for file in files:
        sc = parse_scenario(file, parameters)
        expected = file.name.split("_", 1)[0]
        if sc.id != expected:
            raise ScenarioError(f"id {sc.id!r} does not match the file name; expected {expected!r}",
                                file=_display(file), key="id")
        if sc.id in out:
            raise ScenarioError(f"duplicate scenario id (also in {out[sc.id].file})", file=_display(file),
                                key="id")
        out[sc.id] = sc
    _SCENARIO_CACHE.clear()
    _SCENARIO_CACHE[signature] = (parameters, out)
    return dict(out)


_SCENARIO_CACHE: dict[tuple, tuple] = {}


def load_scenario(id_or_path: str | Path, parameters: ParameterSet | None = None) -> Scenario:
    """One scenario by id (``S0``..``S5``) or from a YAML file path."""
    parameters = parameters if parameters is not None else load_parameters()
    text = str(id_or_path)
    if text.lower().endswith((".yml", ".yaml")) or os.sep in text or "/" in text:
        return parse_scenario(Path(text), parameters)
    scenarios = load_scenarios(parameters=parameters)
    key = text.strip().upper()
    if key in scenarios:
        return scenarios[key]
    raise ScenarioError(f"unknown scenario {_short(text)}; expected one of {', '.join(scenarios)} or a YAML file",
                        key="scenario")


def save_scenario(path: Path | str, values: Mapping[str, float], title_de: str, *,
                  id: str | None = None, short_de: str = "", narrative_de: str = "",
                  based_on: str | None = None, parameters: ParameterSet | None = None) -> Scenario:
    """Save the current settings as a user scenario holding only the keys that differ from the defaults.

    ``values`` may be a full resolved dict or only changed keys. The file is written atomically and
    reads back (``load_scenario(path)``) to the same changes.
    """
    parameters = parameters if parameters is not None else load_parameters()
    path = Path(path)
    if path.suffix.lower() not in (".yml", ".yaml"):
        raise ScenarioError("expected a file name ending in .yml", file=str(path))
    sid = id or re.sub(r"[^A-Za-z0-9_-]", "_", path.stem)[:40]
    if not sid or not sid[0].isalpha():
        sid = "U_" + sid
    sid = sid[:40]
    if not SCENARIO_ID_RE.match(sid):
        raise ScenarioError(f"invalid id {_short(sid)}; expected letters, digits, '_' or '-'", key="id")
    if sid.upper() in RESERVED_IDS:
        raise ScenarioError(f"id {_short(sid)} is reserved for the shipped scenarios; choose another", key="id")
    if not isinstance(title_de, str) or not title_de.strip():
        raise ScenarioError("a title (title_de) is required", key="title_de")
    changes: dict[str, float] = {}
    for key in sorted(values):
        if key not in parameters:
            raise ScenarioError("changes a parameter that does not exist", key=str(key))
        value = parameters[key].check_value(values[key], source="values", error=ScenarioError)
        if value != parameters[key].default:
            changes[key] = value
    scenario = Scenario(id=sid, title_de=title_de.strip(), changes=changes, short_de=short_de.strip(),
                        narrative_de=narrative_de.strip(), based_on=based_on, file=_display(path))
    text = "# Eigenes Szenario (Drehbuch Digitale Kommune)\n" + yaml.safe_dump(
        scenario.to_dict(), allow_unicode=True, sort_keys=False, width=100)
    atomic_write(path, text, mkdir=True, on_error=lambda exc: ScenarioError(
        f"cannot be written ({exc.strerror or type(exc).__name__}); nothing was saved", file=str(path)))
    return scenario


@dataclass(frozen=True)
class CheckedFile:
    """A validated YAML file: a scenario, or parameter records (``workbook scenarios validate``)."""

    file: str                          # the name as messages show it
    scenario: Scenario | None = None
    records: tuple = ()


def validate_file(path) -> CheckedFile:
    """Validate a parameter file (records) or a scenario file (has 'changes').

    Parameter records must not redefine a key of another file of the baseline.
    Raises ``ParameterError`` / ``ScenarioError`` naming the file, line and key.
    """
    path = Path(path)
    data = read_yaml(path)
    if not data:
        raise ParameterError("the file is empty; expected parameter records or a scenario "
                             "(id, title_de, changes)", file=_display(path))
    if isinstance(data, Mapping) and "changes" in data:
        return CheckedFile(_display(path), scenario=parse_scenario(path))
    records = parse_parameter_file(path)
    base = load_parameters()
    for rec in records:
        if rec.key in base and Path(base[rec.key].file).name != path.name:
            raise ParameterError(f"line {rec.line}: key already defined in {base[rec.key].file}",
                                 file=_display(path), key=rec.key)
    return CheckedFile(_display(path), records=tuple(records))
