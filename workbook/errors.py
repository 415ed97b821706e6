"""The workbook's own exceptions.

Every error a user can cause (a bad file, a bad parameter, an unknown Kreis)
is one of these, with a message that names the place (file, row, column or
key) and what was expected. The CLI prints the message, never a traceback.
"""

from __future__ import annotations


class WorkbookError(Exception):
    """Base class: a problem a user can fix, described in plain words."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, key: str | None = None):
        self.file = file
        self.row = row
        self.column = column
        self.key = key
        self.detail = message
        super().__init__(self._format(message))

    def _format(self, message: str) -> str:
        where = []
        if self.file is not None:
            where.append(f"{self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.key is not None:
            where.append(f"key '{self.key}'")
        return f"{', '.join(where)}: {message}" if where else message


class DataError(WorkbookError):
    """The shipped base data is missing, corrupt or does not match its hashes."""


class InputFileError(WorkbookError):
    """A user's file (CSV, Excel, INKAR export) cannot be imported as it is."""


class ParameterError(WorkbookError):
    """A parameter file or a parameter value is invalid."""


class ScenarioError(ParameterError):
    """A scenario file is invalid or names an unknown scenario."""


class SelectionError(WorkbookError):
    """An unknown AGS, Land, Kreis type or scenario was asked for."""


class BatchError(WorkbookError):
    """The batch could not run at all (not: one report failed)."""
