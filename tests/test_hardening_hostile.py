"""Hardening (issue 8): hostile values.

Municipality names and file names never escape an output folder (exports, batch
report names); spreadsheet cells that start like a formula are neutralised in
every table the workbook writes (export, ``workbook project --out``, the import
overlay, app downloads); YAML is loaded safely; nothing from user input is
pickled, evaluated or run through a shell (checked on the package's source).
"""

from __future__ import annotations

import ast
import json
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook import data as datasets
from workbook import export, results
from workbook.apps.base import neutralise_cells
from workbook.batch.naming import inside, report_stem, safe_slug
from workbook.cli import main
from workbook.data.importer import import_file
from workbook.errors import BatchError

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
NAMES = json.loads((HOSTILE / "names.json").read_text(encoding="utf-8"))["names"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ANY_NAME = st.one_of(st.sampled_from(NAMES), st.text(max_size=300),
                     st.text(alphabet="./\\\x00:~ -_aäK", max_size=40))


# ---------------------------------------------------------------------------
# Names never leave the output folder
# ---------------------------------------------------------------------------

def _assert_safe_component(name: str, max_bytes: int) -> None:
    assert name and name not in (".", "..")
    assert not any(c in name for c in "/\\\x00")
    assert not any(ord(c) < 32 for c in name)
    assert len(name.encode("utf-8")) <= max_bytes
    name.encode("utf-8").decode("utf-8")          # no broken multi-byte character


@SETTINGS
@given(name=ANY_NAME)
def test_export_file_names_are_safe_for_any_text(name):
    _assert_safe_component(export.safe_filename(name), export.MAX_NAME_BYTES)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_every_hostile_name_stays_in_the_folder(tmp_path, fmt):
    inner = tmp_path / "export"
    inner.mkdir()
    written = set()
    for name in NAMES:
        path = export.export_table(pd.DataFrame({"Kreis": [name[:50]], "Wert": [1.5]}), inner, name, fmt, meta=False)
        assert path.parent == inner and path.resolve().parent == inner.resolve()
        assert path.name.endswith("." + fmt) and path.exists()
        written.add(path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]            # nothing beside the folder
    assert {p.name for p in inner.iterdir()} == written                           # no temp files left
    assert not list(Path("/etc").glob("passwd.csv")) and not (Path.home() / ".bashrc.csv").exists()


@SETTINGS
@given(name=ANY_NAME, ags=st.sampled_from(["05315", "09162", "16077"]))
def test_batch_report_names_are_slugs_inside_the_output_folder(name, ags):
    stem = report_stem(ags, name)
    slug = stem.split("_", 1)[1]
    assert stem.startswith(ags + "_") and slug == safe_slug(name)
    assert slug and len(slug) <= 60 and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        for parts in ((f"{stem}.html",), ("notebooks", f"{stem}.ipynb"), ("meta", f"{stem}.json")):
            path = inside(root, *parts)
            assert root in path.parents


@pytest.mark.parametrize("part", ["..", ".", "", "a/b", "..\\x", "x\x00.html", "/etc/passwd"])
def test_batch_inside_refuses_path_parts(tmp_path, part):
    with pytest.raises(BatchError):
        inside(tmp_path, part)


@pytest.mark.parametrize("ags", ["../..", "0531", "05315/..", "05315\x00", "0531x", "5315"])
def test_batch_report_stem_refuses_a_hostile_ags(ags):
    with pytest.raises(BatchError, match="5-digit"):
        report_stem(ags, "Köln")


def test_batch_report_stem_refuses_unicode_digits():
    for ags in ("０５３１５", "٠٥٣١٥", "05３15"):
        with pytest.raises(BatchError, match="5-digit"):
            report_stem(ags, "Köln")


def test_user_scenario_id_cannot_name_a_path(tmp_path):
    from workbook.errors import ScenarioError
    from workbook.params import save_scenario

    for hostile in ("../../evil", "S0", "a/b", "=cmd", "x\x00"):
        with pytest.raises(ScenarioError, match="id"):
            save_scenario(tmp_path / "eigen.yml", {"ddi.alpha": 0.9}, "Eigen", id=hostile)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "sub").mkdir()
    sc = save_scenario(tmp_path / "sub" / ".." / "x.yml", {"ddi.alpha": 0.9}, "Eigen")   # id from the stem only
    assert sc.id == "x" and (tmp_path / "x.yml").is_file()


# ---------------------------------------------------------------------------
# Formula injection: every table the workbook writes
# ---------------------------------------------------------------------------

RISKY = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_START), st.text(max_size=30))
CELL = st.one_of(RISKY, st.text(max_size=20), st.sampled_from(NAMES))


def _xlsx_cells(path: Path, sheet: str | None = None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    return [(c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value is not None]


def _check_neutral(value) -> None:
    if isinstance(value, str):
        assert not value.startswith(FORMULA_START), repr(value)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cells=st.lists(CELL, min_size=1, max_size=6), header=RISKY)
def test_export_table_neutralises_every_formula_like_cell(cells, header):
    df = pd.DataFrame({header: cells, "Kategorie": pd.Categorical(cells), "Wert": np.linspace(-1, 1, len(cells))})
    with tempfile.TemporaryDirectory() as tmp:
        path = export.export_table(df, tmp, "tabelle", "csv", meta=False)
        back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for value in [*back.columns, *back.iloc[:, 0], *back.iloc[:, 1]]:
            _check_neutral(value)
        assert back["Wert"].str.replace(",", ".").astype(float).round(6).tolist() == \
            np.linspace(-1, 1, len(cells)).round(6).tolist()                 # negative numbers stay numbers
        path = export.export_table(df, tmp, "tabelle", "xlsx", meta=False)
        for value, kind in _xlsx_cells(path):
            assert kind != "f", f"formula cell {value!r}"
            _check_neutral(value)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(cells=st.lists(CELL, min_size=1, max_size=5))
def test_app_download_neutralises_formula_like_cells(cells):
    df = pd.DataFrame({"Kreis": cells, "Name": pd.array(cells, dtype="string"), "Wert": [-1.0] * len(cells)})
    out = neutralise_cells(df)
    for column in ("Kreis", "Name"):
        for value in out[column]:
            _check_neutral(str(value))
    assert out["Wert"].tolist() == [-1.0] * len(cells)


def test_app_download_neutralises_categorical_cells():
    out = neutralise_cells(pd.DataFrame({"Kat": pd.Categorical(["=1+1", "ok"])}))
    assert list(map(str, out["Kat"])) == ["'=1+1", "ok"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_cleans_control_characters_in_cells_and_headers(tmp_path, fmt):
    """Formerly open (openpyxl IllegalCharacterError); control characters now become U+FFFD."""
    df = pd.DataFrame({"Kreis\x01": ["Köln\x00", "=\x1f", "ok"]})
    path = export.export_table(df, tmp_path, "k", fmt, meta=False)
    if fmt == "xlsx":
        cells = [v for v, kind in _xlsx_cells(path) if kind != "f"]
        assert len(cells) == 4
    else:
        cells = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").strip("\n").split("\n")
    for value in cells:
        assert not any(ord(c) < 32 and c not in "\t" for c in str(value)), repr(value)
        _check_neutral(value)
    assert list(tmp_path.iterdir()) == [path]


@pytest.fixture(scope="module")
def table():
    from workbook.engine import project

    return project(ags="05315", scenarios="S0", draws=0, topics="divide")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_result_table_export_neutralises_every_text_column(tmp_path, table, suffix):
    evil = table.copy()
    for column, value in (("scenario", "=HYPERLINK(\"http://evil\")"), ("indicator", "@SUM(1)"), ("unit", "+1"),
                          ("quantile", "-1+2")):
        evil[column] = evil[column].astype(str).where(evil.index % 2 == 0, value)
    evil.attrs = dict(table.attrs)
    path = results.write(evil, tmp_path / f"r{suffix}")
    if suffix == ".csv":
        back = pd.read_csv(path, dtype=str, keep_default_na=False)
        cells = back[list(results.TEXT_COLUMNS)].to_numpy().ravel()
    else:
        found = _xlsx_cells(path, "Ergebnisse")
        assert all(kind != "f" for _, kind in found)
        cells = [v for v, _ in found]
    for value in cells:
        _check_neutral(value)
    assert "'=HYPERLINK(\"http://evil\")" in set(map(str, cells))


def test_cli_project_out_refuses_a_formula_id_and_writes_a_neutral_file(tmp_path, capsys):
    bad = Path(__file__).resolve().parent / "fixtures" / "bad" / "scenario_formula_id.yml"
    out = tmp_path / "ergebnis.csv"
    assert main(["project", "--ags", "05315", "--scenario", str(bad), "--draws", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "invalid id '=HYPERLINK(1)'" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert main(["project", "--ags", "05315", "--scenario", "S0", "--draws", "0", "--topics", "divide",
                 "--out", str(out)]) == 0
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    for value in back[list(results.TEXT_COLUMNS)].to_numpy().ravel():
        _check_neutral(value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ergebnis.csv", "ergebnis.csv.meta.json"]


def test_cli_project_out_into_a_missing_folder_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "fehlt" / "x.csv"
    assert main(["project", "--ags", "05315", "--scenario", "S0", "--draws", "0", "--topics", "divide",
                 "--out", str(out)]) == 2
    assert "output folder does not exist" in capsys.readouterr().err
    assert not (tmp_path / "fehlt").exists()


def test_import_overlay_neutralises_formula_like_headers_and_file_names(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(tmp_path / "local"))
    datasets.clear_cache()
    try:
        for start in ("=", "+", "-", "@"):
            path = tmp_path / f"{start}liste.csv"
            path.write_bytes((HOSTILE / "formula_headers.csv").read_bytes())
            result = import_file(path, mapping={"=cmd|' /C calc'!A0": "population_2019"})
            assert result.values()["value"].tolist() == [1_087_863]
        raw = (tmp_path / "local" / "overlay.csv").read_text(encoding="utf-8")
        overlay = datasets.load_overlay()
        for value in overlay[["ags", "column", "value", "source_file", "source_column", "imported_at"]].to_numpy().ravel():
            _check_neutral(str(value))
        assert "'=cmd|' /C calc'!A0" in set(overlay["source_column"])
        assert ",=" not in raw and ",@" not in raw and ",+" not in raw
        assert datasets.load_kreise().set_index("ags").loc["05315", "population_2019"] == 1_087_863
        local = sorted(p.name for p in (tmp_path / "local").iterdir() if not p.name.startswith(".overlay.lock"))
        assert local == ["overlay.csv"]                   # the user's file name never picks the path
    finally:
        datasets.clear_cache()


# ---------------------------------------------------------------------------
# Nothing is evaluated: parameters injected by the batch stay data
# ---------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, derandomize=True)
@given(value=st.one_of(st.sampled_from(['x"; import os; os.system("id"); "y.yml', "a\\\"; __import__('os')#.yml",
                                         "'''\nimport os\n'''.yml", "\\n\\\"\n#.yml", "${HOME}.yml"]),
                       st.text(max_size=60)))
def test_papermill_parameters_from_the_batch_stay_literal_strings(value):
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('scenario = "all"')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["papermill"] = {}                 # as workbook.batch.task.prepare_notebook does
    out = parameterize_notebook(nb, {"scenario": value, "ags": "05315"}, kernel_name="python3", language="python")
    injected = next(c for c in out.cells if "injected-parameters" in c.metadata.get("tags", []))
    tree = ast.parse(injected.source)
    assigned = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == {"scenario": value, "ags": "05315"}


# ---------------------------------------------------------------------------
# Source scan: no pickle, eval, exec, unsafe YAML or shell in the package
# ---------------------------------------------------------------------------

PACKAGE = ROOT / "workbook"
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "input"}
FORBIDDEN_ATTRS = {
    ("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"), ("marshal", "loads"), ("marshal", "load"),
    ("shelve", "open"), ("yaml", "load"), ("yaml", "load_all"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
    ("yaml", "UnsafeLoader"), ("yaml", "FullLoader"), ("yaml", "Loader"), ("os", "system"), ("os", "popen"),
    ("pd", "read_pickle"), ("pandas", "read_pickle"), ("dill", "loads"), ("cloudpickle", "loads"),
}
FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}


def _package_sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_package_never_pickles_evaluates_or_uses_a_shell():
    problems = []
    for path in _package_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    if name.split(".")[0] in FORBIDDEN_MODULES:
                        problems.append(f"{rel}:{node.lineno} imports {name}")
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                    problems.append(f"{rel}:{node.lineno} calls {func.id}()")
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                        and (func.value.id, func.attr) in FORBIDDEN_ATTRS:
                    problems.append(f"{rel}:{node.lineno} calls {func.value.id}.{func.attr}()")
                if isinstance(func, ast.Attribute) and func.attr in ("load", "load_all") and any(
                        kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
                        for kw in node.keywords):
                    problems.append(f"{rel}:{node.lineno} allow_pickle")
                for kw in node.keywords:
                    if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                        problems.append(f"{rel}:{node.lineno} shell={ast.unparse(kw.value)}")
            if isinstance(node, ast.Attribute) and node.attr in ("UnsafeLoader", "FullLoader") \
                    and isinstance(node.value, ast.Name) and node.value.id == "yaml":
                problems.append(f"{rel}:{node.lineno} yaml.{node.attr}")
    assert problems == []


def test_dynamic_imports_only_take_constant_module_names():
    """importlib.import_module appears only with names from the package's own tables, never user text."""
    allowed = {
        "workbook/cli/__init__.py": "argparse handler strings set in _build_parser",
        "workbook/__init__.py": "_LAZY table of the package",
        "workbook/topics.py": "module names of the topic registry, looked up by registered name",
    }
    found = set()
    for path in _package_sources():
        text = path.read_text(encoding="utf-8")
        if "import_module(" in text.replace("_il.import_module(", ""):
            found.add(str(path.relative_to(ROOT)))
    assert found <= set(allowed), sorted(found - set(allowed))


def test_yaml_in_the_package_goes_through_safe_loaders():
    """Every yaml.* call in the package is safe_load/safe_dump or the strict SafeLoader subclass."""
    unsafe = []
    for path in _package_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":  # noqa: SIM102 - one condition per line reads better
                if node.attr not in {"safe_load", "safe_dump", "SafeLoader", "MappingNode", "resolver", "YAMLError",
                                     "MarkedYAMLError", "safe_load_all", "SafeDumper", "dump_all"} \
                        and not node.attr.endswith("Error"):
                    unsafe.append(f"{path.relative_to(ROOT)}:{node.lineno} yaml.{node.attr}")
    assert unsafe == []
    import yaml

    from workbook.params import _StrictLoader

    assert issubclass(_StrictLoader, yaml.SafeLoader)


# ---------------------------------------------------------------------------
# HTML written by the workbook escapes names and error texts
# ---------------------------------------------------------------------------

def test_batch_index_escapes_hostile_names_and_errors():
    from workbook.batch import index as IX

    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    recs = [{"ags": "05315", "name": evil, "status": "ok", "html": "05315_script.html",
             "figures": {"values": {"S0": {"ddi.index": 0.5}}}},
            {"ags": "01001", "name": "Flensburg", "status": "failed", "error": f"ValueError: {evil}"}]
    info = {"05315": {"name": evil, "land_name": evil}, "01001": {"name": "Flensburg", "land_name": "SH"}}
    plain = IX.build_index([{**recs[0], "name": "Köln"}, recs[1] | {"error": "ValueError: x"}],
                           {"seed": 1, "draws": 0, "versions": {}}, None,
                           {"05315": {"name": "Köln", "land_name": "NRW"}, "01001": info["01001"]})
    page = IX.build_index(recs, {"seed": 1, "draws": 0, "versions": {}}, None, info)
    assert 'alert("x")</script>' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert page.count("<script") == plain.count("<script")          # only the page's own sort script
