"""Exports: chart files, German CSV/XLSX round trips, formula injection, names, atomicity."""

from __future__ import annotations

import json
import os

import altair as alt
import openpyxl
import pandas as pd
import pytest

from workbook import export
from workbook.errors import InputFileError, SelectionError, WorkbookError


@pytest.fixture(scope="module")
def chart():
    df = pd.DataFrame({"Jahr": [2021, 2022, 2023], "wert": [1234.5, 2345.25, 3456.0]})
    return alt.Chart(df).mark_line().encode(x="Jahr:O", y=alt.Y("wert:Q", axis=alt.Axis(format=",.1f")))


def results():
    df = pd.DataFrame({
        "scenario": ["S1", "S1", "=HYPERLINK(\"http://evil\")"],
        "ags": ["05315", "05315", "05315"],
        "indicator": ["ddi.index", "ddi.index", "@SUM(A1:A9)"],
        "unit": ["1", "1", "+1"],
        "year": [2021, 2030, 2030],
        "value": [0.34, -0.5, 1234.5],
        "quantile": ["p50", "p50", "-p5"],
    })
    df.attrs.update(seed=20211, draws=1000, param_hash="abc", data_hash="def", workbook_version="0.1.0")
    return df


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_export_chart_formats(tmp_path, chart, fmt, magic):
    path = export.export_chart(chart, tmp_path, "Digitalisierungsgrad Köln", fmt)
    assert path == tmp_path / f"Digitalisierungsgrad Köln.{fmt}"
    data = path.read_bytes()
    assert data.lstrip()[: len(magic)] == magic or magic in data[:200]
    assert os.listdir(tmp_path) == [path.name]  # no temp file left
    if fmt == "svg":
        text = data.decode("utf-8")
        assert "1.234,5" in text or "2.000,0" in text  # de-DE axis labels
        urls = [u for u in __import__("workbook.display", fromlist=["x"]).external_urls(text, allow_namespaces=True)]
        assert urls == []


def test_export_chart_bad_format_and_scale(tmp_path, chart):
    with pytest.raises(SelectionError, match="Format 'gif'"):
        export.export_chart(chart, tmp_path, "x", "gif")
    with pytest.raises(SelectionError, match="Skalierung"):
        export.export_chart(chart, tmp_path, "x", "png", scale=100)
    assert os.listdir(tmp_path) == []


def test_german_csv_round_trip_with_bom_and_injection_neutralised(tmp_path):
    path = export.export_table(results(), tmp_path, "ergebnisse", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "scenario;ags;indicator;unit;year;value;quantile"
    assert "05315;ddi.index;1;2021;0,34;p50" in text
    assert ";-0,5;" in text  # a negative number stays a number
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"ags": str})
    assert back["ags"].tolist() == ["05315"] * 3
    assert back["value"].tolist() == [0.34, -0.5, 1234.5]
    assert back.loc[2, "scenario"] == "'=HYPERLINK(\"http://evil\")"
    assert back.loc[2, "indicator"] == "'@SUM(A1:A9)"
    assert back.loc[2, "unit"] == "'+1" and back.loc[2, "quantile"] == "'-p5"
    meta = json.loads((tmp_path / "ergebnisse.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 20211 and meta["draws"] == 1000


def test_machine_csv(tmp_path):
    path = export.export_table(results(), tmp_path, "maschine", "csv", german=False, meta=False)
    back = pd.read_csv(path, encoding="utf-8-sig", dtype={"ags": str})
    assert back["value"].tolist() == [0.34, -0.5, 1234.5]
    assert not (tmp_path / "maschine.csv.meta.json").exists()


def test_xlsx_round_trip_keeps_numbers_and_never_writes_formulas(tmp_path):
    df = results()
    df.columns = [*df.columns[:-1], "=quantile"]  # even a header
    path = export.export_table(df, tmp_path, "ergebnisse", "xlsx", sheet="Ergebnisse/2030")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.title == "Ergebnisse_2030"
    assert ws["G1"].value == "'=quantile"
    assert ws["F3"].value == -0.5 and ws["E2"].value == 2021
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert ws["A4"].value == "'=HYPERLINK(\"http://evil\")"
    back = pd.read_excel(path, dtype={"ags": str})
    assert back["ags"].tolist() == ["05315"] * 3


def test_neutralise_leaves_numbers_and_input_alone():
    df = pd.DataFrame({"a": ["=1", "ok", None], "b": [-1.0, 2.0, 3.0]})
    out = export.neutralise(df)
    assert out["a"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out.loc[2, "a"])
    assert out["b"].tolist() == [-1.0, 2.0, 3.0]
    assert df.loc[0, "a"] == "=1"


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "etc_passwd"),
    ("a/b\\c", "a_b_c"),
    ("x\x00y", "x_y"),
    ("CON", "CON_"),
    ("nul.txt", "nul_.txt"),
    ("", "export"),
    ("...", "export"),
    ("-rf", "rf"),
    ("Bericht Köln (2030).png", "Bericht Köln (2030).png"),
    ("a:b*c?d|e\"f<g>h", "a_b_c_d_e_f_g_h"),
])
def test_safe_filename(name, expected):
    assert export.safe_filename(name) == expected


def test_long_names_are_cut_by_bytes_keeping_the_extension():
    name = export.safe_filename("ä" * 200 + ".csv")
    assert name.endswith(".csv") and len(name.encode("utf-8")) <= 120
    name.encode("utf-8").decode("utf-8")  # no broken umlaut


def test_hostile_names_never_leave_the_folder(tmp_path):
    inner = tmp_path / "out"
    inner.mkdir()
    for hostile in ("../escape", "/etc/passwd", "..\\..\\x", "\x00", "a/../../b"):
        path = export.export_table(pd.DataFrame({"a": [1]}), inner, hostile, "csv")
        assert path.parent == inner
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_missing_folder_and_infinite_values(tmp_path):
    with pytest.raises(SelectionError, match="Exportordner existiert nicht"):
        export.export_table(pd.DataFrame({"a": [1]}), tmp_path / "nope", "x", "csv")
    with pytest.raises(InputFileError, match="row 1, column 'v'"):
        export.export_table(pd.DataFrame({"v": [1.0, float("inf")]}), tmp_path, "x", "csv")
    assert os.listdir(tmp_path) == []


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = export.export_table(pd.DataFrame({"a": [1]}), tmp_path, "stand", "csv", meta=False)
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WorkbookError, match="No space left on device"):
        export.export_table(pd.DataFrame({"a": [2, 3]}), tmp_path, "stand", "csv", meta=False)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["stand.csv"]


def test_categorical_columns_are_neutralised_too(tmp_path):
    df = pd.DataFrame({"scenario": pd.Categorical(["S1", "=cmd|' /C calc'!A0"]), "value": [1.0, 2.0]})
    out = export.neutralise(df)
    assert out["scenario"].tolist() == ["S1", "'=cmd|' /C calc'!A0"]
    path = export.export_table(df, tmp_path, "kat", "xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws["A3"].value == "'=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"


def test_real_engine_table_exports(tmp_path):
    from workbook import engine

    # the engine and the data layer are part of the package: an error here is a failure, never a skip
    res = engine.project(ags=["05315"], scenarios=["S0"], draws=20, seed=1, topics=["divide"])
    path = export.export_table(res, tmp_path, "köln", "csv")
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"ags": str})
    assert len(back) == len(res) and back["ags"].unique().tolist() == ["05315"]
    assert back["value"].to_numpy() == pytest.approx(res["value"].to_numpy())
    meta = json.loads((tmp_path / "köln.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 1 and meta["draws"] == 20


def test_xlsx_control_characters_become_visible_replacements(tmp_path):
    df = pd.DataFrame({"Kreis\x01": ["Köln\x00", "=\x1f", "ok\ttab"]})
    path = export.export_table(df, tmp_path, "k", "xlsx", meta=False)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws["A"]] == ["Kreis\ufffd", "Köln\ufffd", "'=\ufffd", "ok\ttab"]
    csv = export.export_table(df, tmp_path, "k", "csv", meta=False)
    text = csv.read_text(encoding="utf-8-sig")
    assert "Köln\ufffd" in text and "\x00" not in text and "ok\ttab" in text


def test_excel_row_limit_counts_the_header(tmp_path, monkeypatch):
    """Excel's limit is 1,048,576 rows with the header: one sheet holds 1,048,575 data rows."""
    from workbook import results, tables

    monkeypatch.setattr(tables, "EXCEL_MAX_ROWS", 4)          # same rule, a small sheet
    export.export_table(pd.DataFrame({"a": [1, 2, 3]}), tmp_path, "passt", "xlsx", meta=False)
    for write in (lambda df: export.export_table(df, tmp_path, "zu_gross", "xlsx", meta=False),
                  lambda df: results.write(df, tmp_path / "zu_gross.xlsx"),
                  lambda df: tables.table_bytes(df, "xlsx")):
        with pytest.raises(SelectionError, match=r"4 Zeilen passen nicht in ein Excel-Blatt.*höchstens 4 Zeilen"):
            write(pd.DataFrame({"a": [1, 2, 3, 4]}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["passt.xlsx"]
    assert tables.EXCEL_MAX_ROWS == 4 and export.EXCEL_MAX_ROWS == 1_048_576


def test_german_download_form_of_the_result_table():
    from workbook import tables

    df = results()
    df.loc[0, "indicator"] = "ddi.index"
    out = tables.for_people(df, kreis_names={"05315": "Köln, Stadt"}, scenario_titles={"S1": "Digitaler Sprung"})
    assert list(out.columns) == ["Szenario", "Szenario (Titel)", "Kreisschlüssel (AGS)", "Kreis", "Kennzahl",
                                 "Kennzahl (Schlüssel)", "Einheit", "Jahr", "Wert", "Lauf / Quantil"]
    assert out.loc[0, "Kennzahl"].startswith("Digitalisierungsgrad") and out.loc[0, "Lauf / Quantil"] == "Median"
    assert out.loc[0, "Szenario (Titel)"] == "Digitaler Sprung" and out.loc[0, "Kreis"] == "Köln, Stadt"
    assert out.attrs["seed"] == 20211
    text = tables.table_bytes(out, "csv").decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Szenario;Szenario (Titel);Kreisschlüssel (AGS)")
    assert ";2021;0,34;Median" in text and "'=HYPERLINK" in text and "'@SUM(A1:A9)" in text
    kreis = tables.for_people(pd.DataFrame({"ags": ["05315"], "population_2019": [1087353]}))
    assert next(iter(kreis.columns)) != "ags" and "Einwohner" in " ".join(kreis.columns)


def test_exported_chart_names_the_place_and_drops_the_legend_hint():
    from workbook.texts import charts as TC

    spec = {"title": {"text": "Digitalisierungsgrad 2021–2030", "subtitle": ["Median und Bänder", TC.FAN_SELECT_HINT]},
            "mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    out = export.for_file(spec, "Köln, Stadt (05315)")
    assert out["title"] == {"text": "Digitalisierungsgrad 2021–2030 – Köln, Stadt (05315)",
                            "subtitle": "Median und Bänder"}
    assert spec["title"]["subtitle"][1] == TC.FAN_SELECT_HINT            # the chart's own spec is unchanged
    assert export.for_file({"title": "X", "mark": "point"}, None)["title"] == {"text": "X"}
    assert export.for_file({"title": {"text": "Köln, Stadt (05315): X"}}, "Köln, Stadt (05315)")["title"]["text"] \
        == "Köln, Stadt (05315): X"                                        # never named twice
    svg = export.chart_bytes(spec, "svg", place="Köln, Stadt (05315)").decode("utf-8")
    assert "Köln, Stadt (05315)" in svg and "Klick auf die Legende" not in svg


def test_download_names_hold_no_class_names():
    assert export.download_stem("05315", "Köln, Stadt", "Szenarien des Digitalisierungsgrads") == \
        "05315_koeln-stadt_szenarien-des-digitalisierungsgrads"


def test_scenario_values_are_rounded_to_the_slider_step():
    from workbook import widgets
    from workbook.params import load_parameters

    params = load_parameters()
    rec = params["ddi.strat.rate"]
    assert export.step_value(rec, 0.22999999999999998) == 0.23
    assert export.step_value(rec, rec.min + 7 * export.slider_step(rec)) == 0.12
    assert export.step_value(rec, rec.max) == rec.max and export.step_value(rec, rec.default) == rec.default
    for key in params:                       # the same step as the widget's slider
        assert export.slider_step(params[key]) == widgets._step(params[key]), key
