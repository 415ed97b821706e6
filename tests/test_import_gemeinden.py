"""Importing a Gemeinde's own figures (8-digit keys) into the Gemeinde overlay (issue 14): same rules and
messages as the Kreis import, its own file, nothing written on a refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbook import data as datasets
from workbook.cli import main
from workbook.data.importer import import_file, read_import
from workbook.data.schema import IMPORTABLE
from workbook.errors import DataError, InputFileError

FIX = Path(__file__).resolve().parent / "fixtures" / "import"


#: every test gets an empty overlay folder of its own (conftest.py ``local_dir``)
pytestmark = pytest.mark.usefixtures("local_dir")


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _values(result) -> dict[tuple[str, str], object]:
    return {(r.ags, r.column): r.value for r in result.values().itertuples()}


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


# -- a clean file -----------------------------------------------------------------------------

def test_a_csv_with_gemeinde_keys_goes_into_the_gemeinde_overlay(tmp_path, local_dir):
    path = _write(tmp_path, "gemeinden.csv",
                  "AGS;Gemeinde;Einwohner 2019;Anteil Einwohner ab 65 Jahren (%);Fläche\n"
                  "08416041;Tübingen, Universitätsstadt;91.506;17,1;108,12\n"
                  "7133062;Martinstein;220;;0,39\n"                     # 7 digits: the zero comes back
                  "064370016016;Oberzent;10.000;30,5;\n")               # 12-digit Regionalschlüssel
    result = import_file(path)
    assert result.level == "gemeinde" and result.places == ["06437016", "07133062", "08416041"]
    assert result.written == local_dir / "gemeinden_overlay.csv"
    assert not (local_dir / "overlay.csv").exists()                       # the Kreis overlay is untouched
    lines = result.summary_lines()
    assert "3 Datenzeilen, 3 Gemeinden" in lines[1] and "Gemeindeschlüssel aus Spalte 'AGS'" in lines[2]
    assert result.informational == ["Gemeinde"]
    wide = datasets.load_gemeinde_overlay()
    assert list(wide.columns) == ["ags", *IMPORTABLE] and list(wide["ags"]) == result.places
    row = wide.set_index("ags").loc["08416041"]
    assert (row["population_2019"], row["share_65plus"], row["area_km2"]) == (91_506, pytest.approx(0.171), 108.12)
    assert np.isnan(row["gp_per_10k"])                                    # not given: NaN
    martinstein = wide.set_index("ags").loc["07133062"]
    assert martinstein["area_km2"] == 0.39 and np.isnan(martinstein["share_65plus"])   # below the Kreis minimum
    assert wide.attrs["local"]["population_2019"] == result.places
    assert wide.attrs["sources"][("06437016", "share_65plus")] == ("gemeinden.csv", "Anteil Einwohner ab 65 "
                                                                                     "Jahren (%)")
    # the Kreise table does not change
    assert datasets.load_kreise().equals(datasets.load_kreise(local=False))
    # a second import replaces the cells it covers and keeps the others
    again = import_file(_write(tmp_path, "zwei.csv", "ags,population_2019\n08416041,91600\n"))
    assert again.replaced == 1
    wide = datasets.load_gemeinde_overlay().set_index("ags")
    assert wide.loc["08416041", "population_2019"] == 91_600
    assert wide.loc["08416041", "share_65plus"] == pytest.approx(0.171)


def test_no_gemeinde_overlay_is_an_empty_frame_with_the_columns():
    wide = datasets.load_gemeinde_overlay()
    assert wide.empty and list(wide.columns) == ["ags", *IMPORTABLE]


def test_the_former_bad_fixtures_with_gemeinde_keys_now_import(local_dir):
    v = _values(read_import(FIX / "gemeinde_ags.csv"))
    assert v == {("05315000", "population_2019"): 1_087_863}
    # Latin-1, CRLF, 7 digits; the column 'Kreis' is checked against the Gemeinde's Kreis (Köln, Stadt)
    result = read_import(FIX / "latin1_gemeinde_ags_without_zero.csv")
    assert result.level == "gemeinde" and _values(result) == {("05315000", "population_2019"): 1_087_863}


def test_an_inkar_export_at_gemeinde_level_imports(tmp_path):
    path = _write(tmp_path, "inkar.csv", 'Kennziffer;Raumeinheit;Aggregat;Hausärzte;Einwohner 65 Jahre und älter\n'
                                         ';;;2019;2019\n'
                                         '"1001000";"Flensburg, Stadt";"Gemeinden";"64,2";"21,1"\n'
                                         '"8416041";"Tübingen, Universitätsstadt";"Gemeinden";"70,5";"17,0"\n')
    result = read_import(path)
    assert result.format.startswith("INKAR") and result.level == "gemeinde"
    v = _values(result)
    assert v[("01001000", "gp_per_10k")] == pytest.approx(6.42)          # per 100,000 -> per 10,000
    assert v[("08416041", "share_65plus")] == pytest.approx(0.17)


def test_an_xlsx_with_numeric_gemeinde_keys_imports(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["AGS", "Name", "Einwohner 2019", "gigabit_share"])
    sheet.append([8416041, "Tübingen", 91506, 0.62])                     # a number: leading zero lost
    sheet.append([5315000, "Köln", 1087863, 0.81])
    book.save(tmp_path / "gemeinden.xlsx")
    result = read_import(tmp_path / "gemeinden.xlsx")
    assert result.level == "gemeinde"
    assert _values(result) == {("08416041", "population_2019"): 91_506, ("08416041", "gigabit_share"): 0.62,
                               ("05315000", "population_2019"): 1_087_863, ("05315000", "gigabit_share"): 0.81}


def test_dry_run_writes_nothing(tmp_path, local_dir):
    result = import_file(_write(tmp_path, "g.csv", "ags;population_2019\n08416041;91506\n"), dry_run=True)
    assert result.dry_run and result.written is None and _state(local_dir) == {}


# -- refusals: message, row, column; nothing written -------------------------------------------------

BAD = [
    ("mixed Kreis after Gemeinde", "ags;population_2019\n08416041;91506\n08416;228000\n", 3, "ags",
     "'08416' ist ein Kreisschlüssel (5 Stellen), die Datei beginnt aber mit Gemeindeschlüssel (8 Stellen) "
     "(Zeile 2: '08416041')"),
    ("mixed Gemeinde after Kreis", "ags;population_2019\n05315;1087863\n05314;327258\n8416041;91506\n", 4, "ags",
     "'8416041' ist ein Gemeindeschlüssel (8 Stellen), die Datei beginnt aber mit Kreisschlüssel (5 Stellen) "
     "(Zeile 2: '05315')"),
    ("unknown key", "ags;population_2019\n08416041;91506\n08416999;100\n", 3, "ags",
     "unbekannter Gemeindeschlüssel '08416999'"),
    ("merged key", "ags;population_2019\n06437002;5000\n", 2, "ags",
     "'06437002' ist der Schlüssel von Beerfelden, Stadt, einer Gemeinde, die es am 31.12.2019 nicht mehr gibt; "
     "ihr Gebiet gehört zu Oberzent, Stadt (06437016). Bitte die Werte für 06437016 angeben"),
    ("merged key by area", "ags;population_2019\n06437008;500\n", 2, "ags",
     "gehört zu Oberzent, Stadt (06437016) (zugeordnet über den Flächenabgleich"),
    ("duplicate (7 and 8 digits)", "ags;population_2019\n08416041;91506\n8416041;91506\n", 3, "ags",
     "Gemeindeschlüssel 08416041 doppelt (auch Zeile 2)"),
    ("verband key", "ags;population_2019\n084165002;91506\n", 2, "ags", "9 Ziffern wie ein Gemeindeverbandsschlüssel"),
    ("name mismatch", "ags;Name;population_2019\n08416041;Reutlingen;91506\n", 2, "Name",
     "Name 'Reutlingen' passt nicht zu 08416041 (Tübingen, Universitätsstadt)"),
    ("kreis name mismatch", "ags;Kreis;population_2019\n08416041;Landkreis Reutlingen;91506\n", 2, "Kreis",
     "Name 'Landkreis Reutlingen' passt nicht zu 08416 (Tübingen)"),
    ("range (Gemeinde registry)", "ags;area_km2\n08416041;0,001\n", 2, "area_km2", "außerhalb 0,01 … 1.000 km²"),
    ("range (Kreis registry)", "ags;gp_per_10k\n08416041;45\n", 2, "gp_per_10k", "außerhalb 0 … 30"),
    ("implausible share", "ags;share_65plus (%)\n08416041;0,171\n", 2, "share_65plus (%)", "unplausibler Wert"),
    ("inkar level", 'Kennziffer;Raumeinheit;Aggregat;Hausärzte\n;;;2019\n"8416041";"Tübingen";"Kreise";"70,5"\n',
     3, "Aggregat", "INKAR-Aggregat 'Kreise' zu einem Gemeindeschlüssel"),
]


@pytest.mark.parametrize("text, row, column, message", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_gemeinde_file_is_refused_and_nothing_is_written(tmp_path, local_dir, text, row, column, message):
    import_file(FIX / "latin1_umlauts.csv")                               # both overlays exist and must survive
    import_file(FIX / "gemeinde_ags.csv")
    before = _state(local_dir)
    assert {"overlay.csv", "gemeinden_overlay.csv"} <= set(before)
    path = _write(tmp_path, "eigene.csv", text)
    with pytest.raises(InputFileError) as err:
        import_file(path)
    assert message in str(err.value)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), row, column)
    assert _state(local_dir) == before                                    # file bytes unchanged, no leftovers
    assert main(["import", str(path)]) == 2
    assert _state(local_dir) == before


def test_the_cli_imports_and_reset_removes_both_overlays(tmp_path, local_dir, capsys):
    assert main(["import", str(FIX / "english.csv")]) == 0
    path = _write(tmp_path, "g.csv", "ags;Einwohner 2019\n08416041;91.506\n")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 Datenzeilen, 1 Gemeinden" in out and str(local_dir / "gemeinden_overlay.csv") in out
    check = "\n".join(datasets.check_summary())
    assert "Eigene Daten der Gemeinden / local Gemeinde overlay: 1 Werte in 1 Gemeinden" in check
    assert main(["import", "--reset"]) == 0
    out = capsys.readouterr().out
    assert "local overlay removed" in out and "local Gemeinde overlay removed" in out
    assert not (local_dir / "overlay.csv").exists() and not (local_dir / "gemeinden_overlay.csv").exists()
    assert datasets.load_gemeinde_overlay().empty
    assert main(["import", "--reset"]) == 0
    assert "no local Gemeinde overlay" in capsys.readouterr().out


def test_a_corrupt_gemeinde_overlay_is_reported_and_stops_the_next_import(tmp_path, local_dir):
    local_dir.mkdir(parents=True)
    bad = ("ags,column,value,source_file,source_column,imported_at\n"
           "06437002,population_2019,5000,x.csv,x,2021\n")                   # a key merged away
    (local_dir / "gemeinden_overlay.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(DataError, match=r"kein Gemeindeschlüssel von data/gemeinden\.csv") as err:
        datasets.load_gemeinde_overlay()
    assert (err.value.row, err.value.key) == (2, "06437002")
    with pytest.raises(DataError):
        import_file(FIX / "gemeinde_ags.csv")
    assert (local_dir / "gemeinden_overlay.csv").read_text(encoding="utf-8") == bad
    (local_dir / "gemeinden_overlay.csv").write_text(bad.replace("06437002,population_2019,5000",
                                                                 "07133062,area_km2,0.39"), encoding="utf-8")
    datasets.clear_cache()
    assert datasets.load_gemeinde_overlay().set_index("ags").loc["07133062", "area_km2"] == 0.39
