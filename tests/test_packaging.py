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
