"""Where the workbook finds its files.

Paths are built from the package location, never from the current directory
or the user's home. ``WORKBOOK_HOME`` overrides the project root (for example
on Dask workers that installed the package without the source tree).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("WORKBOOK_HOME", PACKAGE_DIR.parent)).resolve()
DATA_DIR = PROJECT_ROOT / "data"
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
PARAMETERS_DIR = SCENARIOS_DIR / "parameters"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"
