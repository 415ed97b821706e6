"""Batch reports for every Kreis with Papermill: warm kernels, in-process HTML
export, index page, manifest, resume, local process pool or Dask cluster.

Public API: ``run_batch(BatchOptions(...)) -> BatchResult``; the command
``workbook batch`` is ``workbook.cli.batch``. See ``docs/batch.md``.
"""

from __future__ import annotations

import sys as _sys

# nbformat imports jsonschema, whose format checker imports ``rfc3987_syntax``: that
# builds Lark grammars at import, 1.4-3.4 s measured, paid by the coordinator and by
# every spawned worker before the first report. Notebooks are never validated for IRI
# formats, so the batch's processes skip it as its kernels do (kernel.WARMUP_CODE);
# a process that imported it already keeps it.
_sys.modules.setdefault("rfc3987_syntax", None)

from .runner import BatchOptions, BatchResult, run_batch  # noqa: E402 - after the stub above

__all__ = ["BatchOptions", "BatchResult", "run_batch"]
