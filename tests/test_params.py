"""Parameter records and scenario files: strict loading, resolve, save/load, hash, CLI."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.errors import ParameterError, ScenarioError
from workbook.params import (
    LEVERS,
    STATUSES,
    ParameterSet,
    load_parameters,
    load_scenario,
    parse_parameter_file,
    parse_scenario,
    save_scenario,
)

FIX = Path(__file__).parent / "fixtures" / "params"


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def test_every_record_names_unit_status_reference_and_a_consistent_range(params):
    assert len(params) > 0
    for key, rec in params.items():
        assert rec.unit.strip(), f"{key}: no unit"
        assert rec.status in STATUSES, f"{key}: status {rec.status!r}"
        assert rec.reference.title.strip() and rec.reference.publisher.strip(), f"{key}: no reference"
        assert 1900 <= rec.reference.year <= 2100, f"{key}: reference year"
        assert rec.lever in LEVERS, f"{key}: lever"
        assert rec.label_de.strip(), f"{key}: no label_de"
        assert rec.min <= rec.default <= rec.max, f"{key}: default outside range"
        if rec.distribution:
            assert rec.min < rec.max, f"{key}: sampled without a range"


def test_ddi_records_carry_the_models_md_defaults(params):
    assert params["ddi.verw.rate"].default == 0.35
    assert (params["ddi.verw.rate"].min, params["ddi.verw.rate"].max) == (0.15, 0.6)
    assert params["ddi.verw.rate"].distribution == "triangular"
    assert params["ddi.alpha"].default == 0.5
    assert params["ddi.strat.start"].default == 0.30
    assert params["ddi.verw.rate"].unit == "1/Jahr"
    assert params["ddi.verw.rate"].reference.publisher == "Bundesstadt Bonn"


# One broken file per error, each with its message (file, line where possible, key, expectation).
BROKEN_RECORDS = [
    ("unknown_field.yml", ["unknown_field.yml", "line 10", "'test.value'", "unknown field 'colour'", "allowed:"]),
    ("duplicate_key.yml", ["duplicate_key.yml", "line 10", "'test.value'", "duplicate key", "first defined on line 1"]),
    ("missing_unit.yml", ["missing_unit.yml", "'test.value'", "missing field 'unit'"]),
    ("missing_reference.yml", ["'test.value'", "missing field 'reference'"]),
    ("reference_without_year.yml", ["line 5", "missing field 'reference.year'"]),
    ("default_out_of_range.yml", ["line 6", "default 1.5 is outside [min, max] = [0, 1]"]),
    ("min_above_max.yml", ["line 7", "min 1 is greater than max 0"]),
    ("unknown_status.yml", ["line 4", "unknown status 'guess'", "fact, derived, assumption"]),
    ("unknown_lever.yml", ["line 9", "unknown lever 'buergermeister'", "kommune, bund_land, markt"]),
    ("unknown_distribution.yml", ["line 9", "unknown distribution 'normal'", "uniform, triangular, pert"]),
    ("value_not_a_number.yml", ["line 6", "field 'default' must be a finite number", "'viel'"]),
    ("syntax_error.yml", ["syntax_error.yml", "line 3", "YAML syntax error"]),
    ("tabs.yml", ["tabs.yml", "line 2", "tab character", "spaces"]),
]


@pytest.mark.parametrize("name,parts", BROKEN_RECORDS, ids=[b[0] for b in BROKEN_RECORDS])
def test_broken_parameter_file_is_refused_with_its_place(name, parts):
    with pytest.raises(ParameterError) as info:
        parse_parameter_file(FIX / name)
    message = str(info.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


BROKEN_SCENARIOS = [
    ("scenario_unknown_parameter.yml", ["line 5", "'ddi.verw.rat'", "does not exist", "did you mean 'ddi.verw.rate'"]),
    ("scenario_out_of_range.yml", ["line 4", "'ddi.verw.rate'", "value 0.9 is outside the range [0.15, 0.6] 1/Jahr"]),
    ("scenario_unknown_field.yml", ["line 3", "unknown field 'probability'"]),
    ("scenario_missing_title.yml", ["missing field 'title_de'"]),
    ("scenario_not_a_number.yml", ["line 4", "'ddi.alpha'", "expected a number in [0, 1], found 'hoch'"]),
]


@pytest.mark.parametrize("name,parts", BROKEN_SCENARIOS, ids=[b[0] for b in BROKEN_SCENARIOS])
def test_broken_scenario_file_is_refused_with_its_place(params, name, parts):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(FIX / name, params)
    message = str(info.value)
    assert name in message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def test_duplicate_key_across_files_is_refused(tmp_path):
    text = (FIX / "unknown_field.yml").read_text().replace("  colour: red\n", "")
    (tmp_path / "a.yml").write_text(text)
    (tmp_path / "b.yml").write_text(text)
    with pytest.raises(ParameterError, match=r"b.yml.*'test.value'.*already defined in .*a.yml"):
        load_parameters(tmp_path)


def test_resolve_applies_scenario_then_overrides(params):
    s1 = load_scenario("S1", params)
    values = params.resolve(s1, {"ddi.verw.rate": 0.4})
    assert values["ddi.alpha"] == 1.0  # from S1
    assert values["ddi.verw.rate"] == 0.4  # override
    assert values["ddi.gesund.rate"] == params["ddi.gesund.rate"].default
    assert params.resolve() == params.defaults()


@pytest.mark.parametrize("value,expected", [
    (float("nan"), "expected a finite number in [0.15, 0.6] 1/Jahr, found nan"),
    (math.inf, "found inf"),
    (0.61, "value 0.61 is outside the range [0.15, 0.6] 1/Jahr"),
    ("schnell", "expected a number"),
    (True, "expected a number"),
])
def test_resolve_refuses_bad_overrides_and_never_clamps(params, value, expected):
    with pytest.raises(ParameterError) as info:
        params.resolve(None, {"ddi.verw.rate": value})
    assert "ddi.verw.rate" in str(info.value) and expected in str(info.value)


def test_resolve_refuses_unknown_override_key(params):
    with pytest.raises(ParameterError, match=r"'ddi.verw.rat'.*did you mean 'ddi.verw.rate'"):
        params.resolve(None, {"ddi.verw.rat": 0.3})


def test_save_scenario_roundtrips_identically(params, tmp_path):
    values = params.resolve("S2", {"ddi.alpha": 0.8, "ddi.verw.rate": 0.42})
    path = tmp_path / "mein_szenario.yml"
    saved = save_scenario(path, values, "Unser Weg", id="Bonn_2030", based_on="S2", parameters=params)
    loaded = load_scenario(path, params)
    assert loaded.id == "Bonn_2030" and loaded.title_de == "Unser Weg" and loaded.based_on == "S2"
    assert loaded.changes == saved.changes
    assert loaded.changes["ddi.alpha"] == 0.8 and loaded.changes["ddi.arbeit.rate_factor"] == 1.6
    assert "ddi.gesund.rate" not in loaded.changes  # only keys that differ from the defaults
    assert params.resolve(loaded) == values
    assert [p.name for p in tmp_path.iterdir()] == ["mein_szenario.yml"]  # no temp file left


def test_save_scenario_refuses_reserved_id_and_bad_values(params, tmp_path):
    with pytest.raises(ScenarioError, match="reserved"):
        save_scenario(tmp_path / "x.yml", {}, "x", id="S1", parameters=params)
    with pytest.raises(ScenarioError, match="outside the range"):
        save_scenario(tmp_path / "y.yml", {"ddi.alpha": 3.0}, "y", parameters=params)
    assert list(tmp_path.iterdir()) == []


def test_hash_is_stable_and_sensitive(params, tmp_path):
    assert params.hash() == load_parameters().hash()
    assert len(params.hash()) == 64
    src = FIX / "unknown_field.yml"
    text = src.read_text().replace("  colour: red\n", "")
    (tmp_path / "t.yml").write_text(text)
    h1 = load_parameters(tmp_path).hash()
    (tmp_path / "t.yml").write_text("# comment only changes formatting\n" + text)
    assert load_parameters(tmp_path).hash() == h1
    (tmp_path / "t.yml").write_text(text.replace("default: 0.5", "default: 0.6"))
    assert load_parameters(tmp_path).hash() != h1


def test_parameter_set_refuses_unknown_key_with_hint(params):
    with pytest.raises(ParameterError, match=re.escape("did you mean 'ddi.alpha'")):
        params["ddi.alpah"]
    assert isinstance(params, ParameterSet)


def test_cli_list_show_validate(capsys):
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert "S0" in out and "Trend" in out and "S5" in out
    assert main(["scenarios", "show", "S1"]) == 0
    out = capsys.readouterr().out
    assert "ddi.alpha" in out and "0,50 -> 1,00" in out
    assert main(["scenarios", "validate", str(FIX / "scenario_out_of_range.yml")]) == 2
    err = capsys.readouterr().err
    assert "scenario_out_of_range.yml" in err and "Traceback" not in err
    assert main(["scenarios", "validate", str(FIX.parents[2] / "scenarios" / "parameters" / "ddi.yml")]) == 0
    assert main(["scenarios", "show", "S9"]) == 2
    assert "unknown scenario 'S9'" in capsys.readouterr().err


def test_numpy_numbers_are_accepted_as_values(params):
    import numpy as np

    values = params.resolve(None, {"ddi.verw.rate": np.float32(0.4), "ddi.alpha": np.int64(1)})
    assert values["ddi.verw.rate"] == pytest.approx(0.4) and values["ddi.alpha"] == 1.0
    with pytest.raises(ParameterError, match="expected a number"):
        params.resolve(None, {"ddi.alpha": np.bool_(True)})
