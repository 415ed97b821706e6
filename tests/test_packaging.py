"""The project's promises about its own set-up."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge splits dask[distributed] into two packages.
CONDA_EQUIVALENT = {"dask[distributed]": {"dask", "distributed"}}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = set()
    for req in pyproject["project"]["dependencies"]:
        wanted |= CONDA_EQUIVALENT.get(_name(req), {_name(req)})
    for extra in pyproject["project"]["optional-dependencies"].values():
        for req in extra:
            wanted |= CONDA_EQUIVALENT.get(_name(req), {_name(req)})
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(dep) for dep in env["dependencies"] if isinstance(dep, str)}
    conda -= {"python", "pip"}
    assert wanted - conda == set(), f"missing in environment.yml: {sorted(wanted - conda)}"
    assert conda - wanted == set(), f"missing in pyproject.toml: {sorted(conda - wanted)}"


def test_versions_agree_between_pyproject_and_environment_yml():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(pyproject["project"]["dependencies"])
    for extra in pyproject["project"]["optional-dependencies"].values():
        reqs += extra
    pins = {}
    for req in reqs:
        name = _name(req)
        spec = req[len(name):].strip()
        for conda_name in CONDA_EQUIVALENT.get(name, {name}):
            pins[conda_name] = spec
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    for dep in env["dependencies"]:
        if not isinstance(dep, str) or _name(dep) in {"python", "pip"}:
            continue
        name = _name(dep)
        assert dep[len(name):].strip() == pins[name], f"{name}: {dep!r} vs pyproject {pins[name]!r}"


def test_ci_runs_make_test_and_readme_starts_with_the_two_commands():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = readme.split("```", 2)[1]
    assert "make reports" in first_code and "make test" in first_code


def test_notebooks_are_committed_without_outputs_or_definitions():
    import json

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs"
            assert not cell.get("execution_count"), f"{path.name} cell {i} has an execution count"
            src = "".join(cell["source"])
            for line in src.splitlines():
                assert not line.lstrip().startswith(("def ", "class ")), f"{path.name} cell {i}: {line}"
            assert "autoreload" not in src, f"{path.name} cell {i} uses autoreload"


def _make_dry_run(target: str) -> list[str]:
    """The commands `make -n TARGET` would run, with the install stamps taken as up to date."""
    import shutil
    import subprocess

    make = shutil.which("make")
    assert make, "make is needed to check the Makefile wiring"
    # -o marks the venv stamps as old-but-fine, so the dry run shows no pip install.
    out = subprocess.run(
        [make, "--no-print-directory", "-n", "-o", ".venv/.installed", "-o", ".venv/.installed-test", target],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def test_make_test_runs_the_lint_gate_before_the_suite():
    commands = _make_dry_run("test")
    ruff = next(i for i, c in enumerate(commands) if c.endswith("/ruff check ."))
    mypy = next(i for i, c in enumerate(commands) if c.split()[0].endswith("/mypy"))
    pytest = next(i for i, c in enumerate(commands) if "-m pytest" in c)
    assert ruff < pytest and mypy < pytest, commands
    assert _make_dry_run("lint") == [commands[ruff], commands[mypy]]


def test_test_extras_install_the_lint_gate_and_its_configuration_is_in_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    test_extra = {_name(req) for req in pyproject["project"]["optional-dependencies"]["test"]}
    assert {"ruff", "mypy", "pandas-stubs", "types-pyyaml"} <= test_extra, sorted(test_extra)
    ruff = pyproject["tool"]["ruff"]
    assert ruff["target-version"] == "py311"
    assert {"E", "F", "W", "I", "B"} <= set(ruff["lint"]["select"])
    mypy = pyproject["tool"]["mypy"]
    assert mypy["python_version"] == "3.11"
    files = set(mypy["files"])
    for module in ("workbook/models", "workbook/engine", "workbook/params.py", "workbook/results.py",
                   "workbook/tables.py", "workbook/ags.py", "workbook/topics.py"):
        assert module in files, f"mypy does not check {module}"
    for path in files:
        assert (ROOT / path).exists(), f"mypy is pointed at {path}, which does not exist"
    # Missing imports are ignored only module by module, never globally.
    assert "ignore_missing_imports" not in mypy
