"""The six notebooks: thin, parameterised, validated, and executable headless by Papermill."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbook.errors import ScenarioError, SelectionError, WorkbookError
from workbook.nbparams import validate_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ALL = ["00_uebersicht", "01_szenarien", "02_digitale_kluft", "03_regionale_kooperation", "04_telemedizin",
       "bericht"]
#: block ids each notebook must show, and how many inline SVG charts at least
EXPECTED = {
    "00_uebersicht": (["figures", "map", "compare"], 2),
    "01_szenarien": (["fan", "bars", "subindex", "tornado", "narratives"], 4),
    "02_digitale_kluft": (["online65", "age", "online", "cost", "pupils"], 5),
    "03_regionale_kooperation": (["partners", "cost", "split", "services", "saving"], 3),
    "04_telemedizin": (["video", "avoided", "gap", "lockdown", "cyber", "cybercurve"], 6),
    "bericht": (["summary", "figures", "ddi", "divide", "tele", "resilience", "coop", "estimates"], 5),
}
KREISE = {"05315": "Köln", "16069": "Hildburghausen"}


# -- structure --------------------------------------------------------------------------

@pytest.mark.parametrize("stem", ALL)
def test_notebook_is_thin_and_has_the_parameters_contract(stem):
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs committed"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    names = {node.target.id: ast.literal_eval(node.value) for node in ast.parse(tagged[0].source).body
             if isinstance(node, ast.AnnAssign)}
    assert names["ags"] == "05315" and names["scenario"] == "all"
    assert names["draws"] == 1000 and names["seed"] == 20211 and names["interactive"] is True
    assert len(code) == 3, "parameters, one import, one build-and-show cell"
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) for n in ast.walk(tree))
        assert "autoreload" not in cell.source and "%" not in cell.source.split("#")[0]
    assert code[1].source.startswith("from workbook.apps.")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_notebooks_match_their_generator():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# -- parameter validation -----------------------------------------------------------------

def test_validate_parameters_normalises():
    p = validate_parameters(5315, "s0, S3", 0, 7, False)
    assert (p.ags, p.name, p.scenarios, p.draws, p.seed, p.interactive) == ("05315", "Köln, Stadt", ("S0", "S3"), 0, 7,
                                                                             False)
    assert validate_parameters("Hildburghausen").ags == "16069"
    assert validate_parameters(scenario="all").scenarios == ("S0", "S1", "S2", "S3", "S4", "S5")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"ags": "99999"}, SelectionError, "Parameter 'ags': unbekannter Ort '99999'"),
    ({"ags": "Atlantis"}, SelectionError, "unbekannter Ort 'Atlantis'"),
    ({"ags": 12.5}, SelectionError, "12.5 ist kein Kreis- oder Gemeindeschlüssel"),
    ({"scenario": "S9"}, ScenarioError, "Parameter 'scenario': unbekanntes Szenario 'S9'"),
    ({"scenario": 3}, ScenarioError, "3 ist kein Text"),
    ({"draws": 12.5}, WorkbookError, "Parameter 'draws': 12.5 ist keine ganze Zahl"),
    ({"draws": -1}, WorkbookError, "Parameter 'draws': -1 liegt außerhalb"),
    ({"draws": True}, WorkbookError, "Parameter 'draws': True ist keine ganze Zahl"),
    ({"seed": "abc"}, WorkbookError, "Parameter 'seed': 'abc' ist keine ganze Zahl"),
    ({"interactive": "ja"}, WorkbookError, "Parameter 'interactive': 'ja' ist kein Wahrheitswert"),
])
def test_validate_parameters_refuses_with_a_clear_message(kwargs, error, message):
    with pytest.raises(error) as exc:
        validate_parameters(**kwargs)
    assert message in str(exc.value)


def test_unknown_topic_parameter_is_refused():
    from workbook.apps.scenarios import ScenarioApp

    with pytest.raises(WorkbookError, match="Unbekannter Notebook-Parameter 'fokus'"):
        ScenarioApp(fokus="S1")
    with pytest.raises(WorkbookError, match="Parameter 'focus': 'S7' ist nicht erlaubt"):
        ScenarioApp(focus="S7")


def test_voila_query_string_chooses_the_kreis(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")          # a Voila kernel started for one request
    monkeypatch.setenv("QUERY_STRING", "ags=16069&x=1")
    assert validate_parameters("05315").ags == "16069"
    monkeypatch.setenv("QUERY_STRING", "ags=../../etc/passwd")
    p = validate_parameters("05315")
    assert p.ags == "05315"                               # a visitor's typo falls back, with a note
    assert "aus der Adresse (?ags=) ist unbekannt" in p.notes[0]
    monkeypatch.delenv("VOILA_PREHEAT")
    monkeypatch.setenv("QUERY_STRING", "ags=16069")
    assert validate_parameters("05315").ags == "05315"    # outside Voila the parameter wins


# -- Papermill ------------------------------------------------------------------------------

def _execute(stem: str, tmp_path: Path, **parameters):
    import papermill as pm

    out = tmp_path / f"{stem}_out.ipynb"
    nb = pm.execute_notebook(str(NOTEBOOKS / f"{stem}.ipynb"), str(out), parameters=parameters,
                             kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS))
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    return nb, html


def assert_ran(stem: str, nb, html: str) -> int:
    """The executed notebook has no error and every block ``EXPECTED`` names; returns the number of
    charts (SVG) the page should hold at least."""
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors and not nb.metadata["papermill"].get("exception")
    blocks, n_svg = EXPECTED[stem]
    for block in blocks:
        assert f"id='wb-{block}'" in html, block
    return n_svg


@pytest.mark.slow
@pytest.mark.parametrize("ags", sorted(KREISE))
@pytest.mark.parametrize("stem", ALL)
def test_notebook_runs_headless_for_a_city_and_a_rural_kreis(stem, ags, tmp_path):
    nb, html = _execute(stem, tmp_path, ags=ags, interactive=False, draws=100)
    n_svg = assert_ran(stem, nb, html)
    if stem == "03_regionale_kooperation" and "wb-no-saving" in html:
        # no cluster saves for this Kreis: a sentence stands where the partner map would be
        assert "kein Verbund" in html
        n_svg -= 1
    assert html.count("<svg") >= n_svg
    assert KREISE[ags] in html
    assert "<script" not in html and "cdn.jsdelivr" not in html
    assert "application/vnd.jupyter.widget-view+json" not in str(nb.cells[-1].outputs)


@pytest.mark.slow
def test_unknown_ags_fails_the_run_with_a_clear_error(tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as exc:
        _execute("bericht", tmp_path, ags="99999", interactive=False, draws=0)
    assert "SelectionError" in str(exc.value) and "unbekannter Ort '99999'" in str(exc.value)
    with pytest.raises(pm.PapermillExecutionError) as exc:
        _execute("01_szenarien", tmp_path, scenario="S9", interactive=False, draws=0)
    assert "unbekanntes Szenario 'S9'" in str(exc.value)
