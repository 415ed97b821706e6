"""The column registry and validation against it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from workbook.data import schema
from workbook.data.schema import COLUMNS, ESTIMATED, IMPORTABLE, validate_frame
from workbook.errors import DataError

ROOT = Path(__file__).resolve().parents[1]

CONTRACT_COLUMNS = [
    "ags", "name", "kreis_type", "land_ags", "land_name", "nuts3", "area_km2", "population_2018",
    "population_male_2018", "population_female_2018", "population_2019", "density_per_km2", "lon", "lat",
    "share_65plus", "offline_share", "gigabit_share", "gp_per_10k", "settlement_type",
    "share_50_64", "share_65_74", "share_75plus", "commuters_50km_share", "time_to_oberzentrum_min",
    "academic_share", "household_income_eur_month", "wfh_feas", "wfh_precovid",
]
FACT_SOURCE_KEYS = {   # issue 13: official figures per Kreis, with their data/raw source and year
    "share_65plus": ("regionalstatistik_12411", 2019), "share_50_64": ("regionalstatistik_12411", 2019),
    "share_65_74": ("regionalstatistik_12411", 2019), "share_75plus": ("regionalstatistik_12411", 2019),
    "gigabit_share": ("breitbandatlas", 2020), "gp_per_10k": ("inkar_2021", 2019),
    "settlement_type": ("bbsr_kreistypen", 2017), "commuters_50km_share": ("inkar_2021", 2019),
    "time_to_oberzentrum_min": ("inkar_2021", 2020), "household_income_eur_month": ("inkar_2021", 2019),
    "academic_share": ("inkar_2017_export", 2017),
}


def _frame(**changes) -> pd.DataFrame:
    row = {
        "ags": "05315", "name": "Köln, Stadt", "kreis_type": "Kreisfreie Stadt", "land_ags": "05",
        "land_name": "Nordrhein-Westfalen", "nuts3": "DEA23", "area_km2": 405.01,
        "population_2018": 1085664, "population_male_2018": 528653, "population_female_2018": 557011,
        "population_2019": 1087863, "density_per_km2": 2680.6, "lon": 6.95, "lat": 50.94,
        "share_65plus": 0.19, "offline_share": 0.11, "gigabit_share": 0.77, "gp_per_10k": 6.6,
        "settlement_type": "kreisfreie_grossstadt",
        "share_50_64": 0.2, "share_65_74": 0.09, "share_75plus": 0.1, "commuters_50km_share": 0.12,
        "time_to_oberzentrum_min": 0.0, "academic_share": 0.25, "household_income_eur_month": 1900.5,
        "wfh_feas": 0.6, "wfh_precovid": 0.28,
    }
    row.update(changes)
    return pd.DataFrame([row, {**row, "ags": "05314", "name": "Bonn, Stadt"}])


def test_registry_matches_the_data_contract():
    assert list(COLUMNS) == CONTRACT_COLUMNS
    for col in COLUMNS.values():
        assert col.status in {"fact", "estimate"}
        assert col.label_de and col.source and col.description_de
        assert col.dtype in {"str", "int", "float", "category"}
        # the reader's source line: publisher, title, date; never a package or file name
        assert col.source_de and not any(bad in col.source_de for bad in ("npm", "PyPI", "docs/", "data/", ".yml"))
        assert isinstance(col.year, int) and col.source_key


def test_official_columns_are_facts_with_source_and_year():
    import yaml

    sources = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    for name, (key, year) in FACT_SOURCE_KEYS.items():
        col = COLUMNS[name]
        assert (col.status, col.source_key, col.year) == ("fact", key, year), name
        assert key in sources["sources"], key
        assert str(year) in col.source_de or name.startswith("share_"), name
    for name in ("wfh_feas", "wfh_precovid"):      # a published estimate of its authors, cited as such
        assert COLUMNS[name].status == "estimate" and COLUMNS[name].source_key == "ifo_wfh"
        assert "CESifo WP 8227" in COLUMNS[name].source_de


def test_estimated_columns_are_exactly_the_modelled_ones():
    assert set(ESTIMATED) == {"offline_share", "wfh_feas", "wfh_precovid"}
    for name in ("share_65plus", "offline_share", "gigabit_share", "share_50_64", "share_65_74", "share_75plus",
                 "commuters_50km_share", "academic_share", "wfh_feas", "wfh_precovid"):
        assert COLUMNS[name].share and COLUMNS[name].min == 0 and COLUMNS[name].max == 1
    assert "ags" not in IMPORTABLE and "population_2018" in IMPORTABLE


def test_a_valid_frame_passes():
    validate_frame(_frame())


@pytest.mark.parametrize("changes, column, message", [
    ({"ags": "5315"}, "ags", "nicht die erwartete Form"),
    ({"share_65plus": 1.2}, "share_65plus", "außerhalb des Bereichs"),
    ({"population_2018": -1}, "population_2018", "außerhalb des Bereichs"),
    ({"population_2018": 10.5}, "population_2018", "ganze Zahl"),
    ({"settlement_type": "stadt"}, "settlement_type", "keiner der erlaubten Werte"),
    ({"gp_per_10k": float("nan")}, "gp_per_10k", "Wert fehlt"),
    ({"gp_per_10k": float("inf")}, "gp_per_10k", "endliche Zahl"),
])
def test_each_violation_names_row_column_and_expectation(changes, column, message):
    with pytest.raises(DataError) as err:
        validate_frame(_frame(**changes), file="x.csv")
    assert err.value.column == column
    assert err.value.file == "x.csv"
    assert err.value.row == 2
    assert message in str(err.value)


def test_missing_unknown_and_duplicate():
    with pytest.raises(DataError, match=r"missing column.*gp_per_10k"):
        validate_frame(_frame().drop(columns=["gp_per_10k"]))
    with pytest.raises(DataError, match=r"unknown column.*extra"):
        validate_frame(_frame().assign(extra=1))
    dup = _frame()
    dup.loc[1, "ags"] = "05315"
    with pytest.raises(DataError, match="doppelt") as err:
        validate_frame(dup)
    assert err.value.row == 3 and err.value.key == "05315"


def test_dictionary_lists_every_column_with_its_status():
    md = schema.dictionary_markdown()
    for name, col in COLUMNS.items():
        line = next(line for line in md.splitlines() if line.startswith(f"| `{name}` |"))
        assert ("Schätzung" if col.is_estimate else "Fakt") in line
        assert col.label_de in line
    assert "0 – 1" in next(line for line in md.splitlines() if line.startswith("| `share_65plus`"))


def test_docs_data_md_contains_the_current_dictionary():
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- dictionary:start -->\n(.*?)<!-- dictionary:end -->", text, re.S)
    assert match, "docs/data.md lacks the dictionary markers"
    assert match.group(1) == schema.dictionary_markdown(), (
        "docs/data.md is stale: paste the output of `workbook data dictionary` between the markers")


def test_cli_dictionary_prints_markdown(capsys):
    from workbook.cli import main

    assert main(["data", "dictionary"]) == 0
    assert capsys.readouterr().out == schema.dictionary_markdown()
