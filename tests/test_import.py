"""Importing a municipality's own figures: every format, every refusal, state unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbook import data as datasets
from workbook.cli import main
from workbook.data.importer import import_file, parse_map, read_import
from workbook.data.readers import MAX_IMPORT_BYTES
from workbook.errors import InputFileError

FIX = Path(__file__).resolve().parent / "fixtures"
GOOD = FIX / "import"
BAD = FIX / "bad"


#: every test gets an empty overlay folder of its own (conftest.py ``local_dir``)
pytestmark = pytest.mark.usefixtures("local_dir")


def _values(result) -> dict[tuple[str, str], object]:
    return {(r.ags, r.column): r.value for r in result.values().itertuples()}


def test_excel_csv_with_bom_semicolon_decimal_comma_and_thousands_dots():
    result = read_import(GOOD / "excel_de_bom.csv")
    assert result.encoding == "UTF-8 mit BOM" and result.delimiter == ";"
    v = _values(result)
    assert v[("05315", "population_2019")] == 1_087_863
    assert v[("05315", "population_2018")] == 1_085_664
    assert v[("05315", "share_65plus")] == pytest.approx(0.182)      # header "(%)" -> fraction
    assert v[("05314", "share_65plus")] == pytest.approx(0.189)      # "18,9 %"
    assert v[("05315", "gigabit_share")] == pytest.approx(0.81)      # German label, fraction
    assert ("05314", "gigabit_share") not in v                      # empty cell skipped
    assert result.skipped_empty == 1
    assert result.informational == ["Name"]


def test_latin1_file_with_umlaut_headers_and_ags_without_leading_zero():
    result = read_import(GOOD / "latin1_umlauts.csv")
    assert result.encoding == "Latin-1/Windows-1252"
    v = _values(result)
    assert v[("03159", "population_male_2018")] == 158_000            # "3159" -> 03159
    assert v[("09184", "gp_per_10k")] == pytest.approx(7.25)
    assert v[("16077", "population_female_2018")] == 45_980


def test_english_csv_with_comma_separator():
    result = read_import(GOOD / "english.csv")
    v = _values(result)
    assert result.delimiter == ","
    assert v[("01001", "population_2019")] == 90_164                  # quoted "90,164"
    assert v[("11000", "share_65plus")] == pytest.approx(0.191)
    assert v[("01001", "settlement_type")] == "staedtischer_kreis"    # BBSR code 2
    assert v[("11000", "settlement_type")] == "kreisfreie_grossstadt"


def test_inkar_export():
    result = read_import(GOOD / "inkar_export.csv")
    assert result.format.startswith("INKAR")
    v = _values(result)
    assert v[("01001", "share_65plus")] == pytest.approx((9.7 + 8.1 + 2.5) / 100)
    assert v[("03159", "share_65plus")] == pytest.approx((10.4 + 9.0 + 3.1) / 100)
    assert v[("01001", "gp_per_10k")] == pytest.approx(6.42)          # 2019 column (latest), per 100,000
    assert v[("16077", "gp_per_10k")] == pytest.approx(5.5)
    assert v[("01001", "gigabit_share")] == pytest.approx(0.553)
    assert ("16077", "gigabit_share") not in v                        # "." = no value
    assert "Arbeitslosenquote (2019)" in result.unused
    assert "Hausärzte (2017, älter)" in result.unused
    assert {"Raumeinheit", "Aggregat"} <= set(result.informational)


def test_xlsx_first_sheet_and_named_sheet():
    v = _values(read_import(GOOD / "kreise.xlsx"))
    assert v[("01001", "population_2018")] == 89_504                  # numeric AGS 1001 -> 01001
    assert v[("05315", "area_km2")] == pytest.approx(405.02)
    assert v[("05315", "offline_share")] == pytest.approx(0.105)
    v2 = _values(read_import(GOOD / "kreise.xlsx", sheet="Zweites Blatt"))
    assert v2 == {("05315", "gp_per_10k"): pytest.approx(6.9)}
    with pytest.raises(InputFileError, match="Tabellenblatt nicht gefunden; vorhanden: Daten, Zweites Blatt"):
        read_import(GOOD / "kreise.xlsx", sheet="Tabelle1")


def test_file_without_ags_is_matched_by_whole_names():
    result = read_import(GOOD / "by_name.csv")
    assert result.by_name and result.key == "Name"
    v = _values(result)
    assert v == {("05315", "population_2019"): 1_087_863, ("03159", "population_2019"): 328_074,
                 ("06611", "population_2019"): 201_048}


@pytest.mark.parametrize("name, title_rows", [("title_rows.xlsx", [1, 2]), ("genesis_title_rows.csv", [1, 2])])
def test_title_rows_above_the_header_are_skipped(name, title_rows):
    result = read_import(GOOD / name)
    assert result.title_rows == title_rows
    assert result.delimiter in (None, ";")
    assert _values(result) == {("05315", "population_2019"): 1_087_863, ("05314", "population_2019"): 327_258}


def test_map_option():
    with pytest.raises(InputFileError, match="keine bekannte Datenspalte"):
        read_import(GOOD / "needs_map.csv")
    mapping = parse_map(["EW 31.12.2019=population_2019", "Ü65-Quote=share_65plus"])
    v = _values(read_import(GOOD / "needs_map.csv", mapping=mapping))
    assert v[("05314", "population_2019")] == 327_258
    assert v[("05315", "share_65plus")] == pytest.approx(0.182)
    with pytest.raises(InputFileError, match="Überschrift nicht in der Datei") as err:
        read_import(GOOD / "needs_map.csv", mapping={"EW 2019": "population_2019"})
    assert err.value.column == "EW 2019"
    with pytest.raises(InputFileError, match="keine importierbare Spalte") as err:
        read_import(GOOD / "needs_map.csv", mapping={"EW 31.12.2019": "einwohner"})
    with pytest.raises(InputFileError, match="HEADER=column"):
        parse_map(["population_2019"])


def test_import_writes_overlay_applied_by_load_kreise_and_reset_removes_it(local_dir):
    base = datasets.load_kreise().set_index("ags")
    result = import_file(GOOD / "excel_de_bom.csv")
    assert result.written == local_dir / "overlay.csv" and result.written.exists()
    df = datasets.load_kreise().set_index("ags")
    assert df.loc["05315", "population_2019"] == 1_087_863
    assert df.loc["05315", "share_65plus"] == pytest.approx(0.182)
    assert df.loc["05315", "density_per_km2"] == pytest.approx(round(1_085_664 / base.loc["05315", "area_km2"], 1))
    assert df.loc["05315", "gp_per_10k"] == base.loc["05315", "gp_per_10k"]   # not imported: unchanged
    assert datasets.value_status("05315")["share_65plus"] == "local"
    assert datasets.value_status("05315")["offline_share"] == "estimate"
    assert datasets.value_status("05315")["density_per_km2"] == "local"     # follows the local population
    assert datasets.column_status(df.reset_index())["population_2019"] == "local"
    assert datasets.load_kreise(local=False).set_index("ags").loc["05315", "share_65plus"] == \
        base.loc["05315", "share_65plus"]
    # a second import replaces the cells it covers and keeps the rest
    second = import_file(GOOD / "inkar_export.csv")
    assert second.replaced == 0
    df = datasets.load_kreise().set_index("ags")
    assert df.loc["05315", "share_65plus"] == pytest.approx(0.182)
    assert df.loc["01001", "share_65plus"] == pytest.approx(0.203)
    assert main(["import", "--reset"]) == 0
    assert not (local_dir / "overlay.csv").exists()
    assert datasets.load_kreise().equals(datasets.load_kreise(local=False))


def test_reimport_replaces_earlier_local_values():
    import_file(GOOD / "excel_de_bom.csv")
    again = import_file(GOOD / "excel_de_bom.csv")
    assert again.replaced == 11
    assert len(datasets.load_overlay()) == 11


def test_dry_run_changes_nothing(local_dir):
    result = import_file(GOOD / "inkar_export.csv", dry_run=True)
    assert result.written is None and result.dry_run
    assert not (local_dir / "overlay.csv").exists()


def test_cli_import_prints_what_it_took(capsys, local_dir):
    assert main(["import", str(GOOD / "inkar_export.csv"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Summe der INKAR-Altersgruppen" in out and "nicht verwendet / not used: Arbeitslosenquote (2019)" in out
    assert "Probelauf" in out


BAD_CASES = [
    ("unknown_ags.csv", 3, "ags", "unbekannter Kreisschlüssel '05399'"),
    ("duplicate_ags.csv", 4, "ags", "Kreisschlüssel 05315 doppelt (auch Zeile 2)"),
    ("non_numeric.csv", 2, "population_2019", "keine Zahl: 'ca. 1 Mio.'"),
    ("negative_population.csv", 2, "population_2019", "negativer Wert '-1.087.863'"),
    ("non_integer_population.csv", 2, "population_2019", "ganze Zahl erwartet, gefunden '1.087.863,5'"),
    ("share_above_100.csv", 3, "Anteil Einwohner ab 65 Jahren (%)", "Anteil über 100 %: '118,9'"),
    ("share_without_percent.csv", 2, "share_65plus", "Anteil über 100 %: '18,2'"),
    ("missing_key.csv", 1, None, "keine Schlüsselspalte"),
    ("name_ambiguous.csv", 3, "Name", "Kreis 'Kassel' ohne Kreisschlüssel nicht eindeutig zuzuordnen: mehrdeutig"),
    ("name_unknown.csv", 2, "Kreis", "Kreis 'Gotham City' ohne Kreisschlüssel nicht eindeutig zuzuordnen"),
    ("no_known_column.csv", 1, None, "keine bekannte Datenspalte"),
    ("empty.csv", None, None, "Datei ist leer"),
    ("header_only.csv", 1, None, "keine Datenzeilen"),
    ("wrong_encoding.csv", 2, None, "Byte 0x81 ist weder UTF-8 noch Latin-1"),
    ("binary.csv", 3, None, "Binärdatei"),
    ("utf16.csv", None, None, "UTF-16"),
    ("land_key.csv", 2, "AGS", "'05' ist ein Länderschlüssel"),
    ("total_row.csv", 4, "AGS", "Summen- oder Fußzeile ('Summe')"),
    ("footnote_row.csv", 3, "AGS", "Summen- oder Fußzeile ('Quelle: IT.NRW"),
    ("name_mismatch.csv", 2, "Name", "Name 'Bonn, Stadt' passt nicht zu 05315 (Köln, Stadt)"),
    ("inkar_mixed_years.csv", 1, None, "verschiedene Jahre"),
    ("inkar_gemeinden.csv", 3, "Aggregat", "Gemeindeebene"),
    ("merged_header.xlsx", 1, None, "verbundene Zellen B1:C1"),
    ("old_excel.xls", None, None, "altes Excel-Format (.xls)"),
    ("not_really.xlsx", None, None, "keine Excel-Datei"),
]


@pytest.mark.parametrize("name, row, column, message", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_each_bad_file_is_refused_with_its_message_and_changes_nothing(name, row, column, message, local_dir):
    import_file(GOOD / "latin1_umlauts.csv")                       # an existing overlay must survive
    before = (local_dir / "overlay.csv").read_bytes()
    table_before = datasets.load_kreise()
    with pytest.raises(InputFileError) as err:
        import_file(BAD / name)
    assert message in str(err.value)
    assert err.value.file == str(BAD / name)
    assert err.value.row == row
    assert err.value.column == column
    assert (local_dir / "overlay.csv").read_bytes() == before
    assert datasets.load_kreise().equals(table_before)
    assert sorted(p.name for p in local_dir.iterdir() if p.name != ".overlay.lock") == ["overlay.csv"]


@pytest.mark.parametrize("name", ["unknown_ags.csv", "empty.csv", "merged_header.xlsx"])
def test_cli_exits_non_zero_when_refused(name, capsys, local_dir):
    assert main(["import", str(BAD / name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler / error: ") and "Traceback" not in err
    assert not (local_dir / "overlay.csv").exists()


def test_file_above_the_size_limit_is_refused_without_reading(tmp_path):
    big = tmp_path / "riesig.csv"
    with open(big, "wb") as fh:                      # sparse: 200 MB apparent size, no disk use
        fh.write(b"ags;population_2019\n")
        fh.truncate(200 * 1024 * 1024)
    assert big.stat().st_size > MAX_IMPORT_BYTES
    with pytest.raises(InputFileError, match=r"200,0 MB groß, höchstens 50 MB"):
        import_file(big)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputFileError, match="nicht gefunden"):
        import_file(tmp_path / "fehlt.csv")
    with pytest.raises(InputFileError, match="keine Datei"):
        import_file(tmp_path)


def test_hostile_file_name_is_shown_without_control_characters(tmp_path):
    path = tmp_path / "a\x1b[31mb.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError) as err:
        import_file(path)
    assert "\x1b" not in str(err.value)


def test_corrupt_overlay_is_reported_and_reset_recovers(local_dir, capsys):
    local_dir.mkdir(parents=True)
    (local_dir / "overlay.csv").write_text("ags,column,value,source_file,source_column,imported_at\n"
                                           "05315,population_2019,-3,x.csv,x,2021\n", encoding="utf-8")
    from workbook.errors import DataError

    with pytest.raises(DataError, match="außerhalb des Bereichs") as err:
        datasets.load_kreise()
    assert err.value.row == 2
    assert main(["import", "--reset"]) == 0
    assert len(datasets.load_kreise()) == 401


def test_import_without_file_argument(capsys):
    assert main(["import"]) == 2
    assert "Dateiname fehlt" in capsys.readouterr().err


def test_overlay_goes_to_workbook_local_dir(tmp_path, monkeypatch):
    elsewhere = tmp_path / "anderswo"
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(elsewhere))
    import_file(GOOD / "english.csv")
    assert (elsewhere / "overlay.csv").exists()
    assert os.path.getsize(elsewhere / "overlay.csv") > 0


def test_overlay_neutralises_formula_like_headers_and_file_names(tmp_path, local_dir):
    path = tmp_path / "=HYPERLINK.csv"
    path.write_text("ags;=cmd|' /C calc'!A0\n05315;1.087.863\n", encoding="utf-8")
    import_file(path, mapping={"=cmd|' /C calc'!A0": "population_2019"})
    overlay = datasets.load_overlay()
    assert overlay.loc[0, "source_file"] == "'=HYPERLINK.csv"
    assert overlay.loc[0, "source_column"].startswith("'=")
    assert datasets.load_kreise().set_index("ags").loc["05315", "population_2019"] == 1_087_863


def test_full_disk_leaves_no_partial_file_and_keeps_the_old_overlay(local_dir, monkeypatch):
    import_file(GOOD / "english.csv")
    before = (local_dir / "overlay.csv").read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    from workbook.errors import DataError

    with pytest.raises(DataError, match=r"nicht schreibbar.*No space left on device"):
        import_file(GOOD / "excel_de_bom.csv")
    monkeypatch.undo()
    assert (local_dir / "overlay.csv").read_bytes() == before
    assert sorted(p.name for p in local_dir.iterdir() if not p.name.startswith(".overlay.lock")) == ["overlay.csv"]


def test_unwritable_local_dir_is_a_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(blocker / "local"))    # parent is a file
    from workbook.errors import DataError

    with pytest.raises(DataError, match="nicht schreibbar"):
        import_file(GOOD / "english.csv")
    assert main(["import", str(GOOD / "english.csv")]) == 2


def test_concurrent_imports_keep_each_others_values(local_dir):
    import threading

    errors = []

    def run(name):
        try:
            for _ in range(3):
                import_file(GOOD / name)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("english.csv", "latin1_umlauts.csv")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    overlay = datasets.load_overlay()
    assert set(overlay["source_file"]) == {"english.csv", "latin1_umlauts.csv"}
    assert len(overlay) == 8 + 9


@pytest.mark.parametrize("footer", ["__________", "© Statistisches Bundesamt (Destatis), 2021", "----------"])
def test_genesis_footer_lines_are_refused_as_footer_rows(tmp_path, footer):
    path = tmp_path / "genesis.csv"
    path.write_text(f"AGS;Einwohner 2019\n05315;1.087.863\n{footer}\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="Summen- oder Fußzeile") as err:
        import_file(path)
    assert err.value.row == 3


def test_inkar_export_of_the_columns_added_with_the_official_data():
    """INKAR names of commuting, accessibility, education and income map onto the new columns (issue 13);
    the fixture repeats the official values of data/raw for three Kreise."""
    result = read_import(GOOD / "inkar_new_columns.csv")
    assert result.format.startswith("INKAR")
    v = _values(result)
    assert v[("01001", "commuters_50km_share")] == pytest.approx(0.1433)
    assert v[("16077", "time_to_oberzentrum_min")] == pytest.approx(31.49)
    assert v[("05315", "academic_share")] == pytest.approx(0.269)
    assert v[("05315", "household_income_eur_month")] == pytest.approx(1942.91)
    assert not result.unused
    base = datasets.load_kreise(local=False).set_index("ags")
    for (ags, column), value in v.items():
        assert base.loc[ags, column] == pytest.approx(value)


def test_a_users_figures_replace_new_official_columns_as_local(local_dir, tmp_path):
    source = tmp_path / "eigene.csv"
    source.write_text("AGS;Anteil Einwohner ab 75 Jahren (%);wfh_precovid;gigabit_share (%)\n"
                      "05315;10,5;0,31;82,0\n", encoding="utf-8")
    import_file(source)
    df = datasets.load_kreise().set_index("ags")
    assert df.loc["05315", "share_75plus"] == pytest.approx(0.105)
    assert df.loc["05315", "wfh_precovid"] == pytest.approx(0.31)
    assert df.loc["05315", "gigabit_share"] == pytest.approx(0.82)
    status = datasets.value_status("05315")
    assert status["share_75plus"] == status["wfh_precovid"] == status["gigabit_share"] == "local"
    assert status["share_65_74"] == "fact" and status["wfh_feas"] == "estimate"


def test_the_engines_kept_tables_follow_an_import(local_dir):
    """The engine keeps the pooling groups, the cooperation plan's hash and a Gemeinde's inputs
    per the data layer's table: after an import the same call reads the new values."""
    from workbook.engine import project

    def ddi_2030(ags: str) -> float:
        r = project(ags=[ags], scenarios="S0", draws=0)
        row = r[(r["indicator"] == "ddi.index") & (r["year"] == 2030)]
        return float(row["value"].iloc[0])

    before_kreis, before_gemeinde = ddi_2030("05315"), ddi_2030("05315000")
    import_file(GOOD / "excel_de_bom.csv")            # Köln's population, age and more
    assert datasets.value_status("05315")["share_65plus"] == "local"
    after_kreis, after_gemeinde = ddi_2030("05315"), ddi_2030("05315000")
    assert after_kreis != before_kreis
    assert after_gemeinde != before_gemeinde
    assert main(["import", "--reset"]) == 0
    assert ddi_2030("05315") == before_kreis and ddi_2030("05315000") == before_gemeinde
