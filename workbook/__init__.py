"""Drehbuch Digitale Kommune: a policy workbook for German municipalities.

The public API is small and imported lazily, so ``import workbook`` is fast:

    >>> import workbook
    >>> kreise = workbook.load_kreise()          # 401 Kreise with sources
    >>> gemeinden = workbook.load_gemeinden()    # 10,799 Gemeinden (Destatis GV 31.12.2019)
    >>> params = workbook.load_parameters()      # parameter records
    >>> table = workbook.project(ags=["05315"])  # long result table
"""

from __future__ import annotations

from .errors import (
    BatchError,
    DataError,
    InputFileError,
    ParameterError,
    ScenarioError,
    SelectionError,
    WorkbookError,
)

__version__ = "0.1.0"

_LAZY = {
    "load_kreise": "workbook.data",
    "load_gemeinden": "workbook.data",
    "load_boundaries": "workbook.data",
    "load_neighbours": "workbook.data",
    "find_kreis": "workbook.data",
    "import_file": "workbook.data",
    "load_parameters": "workbook.params",
    "load_scenarios": "workbook.params",
    "load_scenario": "workbook.params",
    "project": "workbook.engine",
}

__all__ = [
    "BatchError",
    "DataError",
    "InputFileError",
    "ParameterError",
    "ScenarioError",
    "SelectionError",
    "WorkbookError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")
