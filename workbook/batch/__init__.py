"""Batch reports for every Kreis with Papermill: warm kernels, in-process HTML
export, index page, manifest, resume, local process pool or Dask cluster.

Public API: ``run_batch(BatchOptions(...)) -> BatchResult``; the CLI handler is
``cli_batch`` (``workbook batch``). See ``docs/batch.md``.
"""

from __future__ import annotations

from .runner import BatchOptions, BatchResult, cli_batch, run_batch

__all__ = ["BatchOptions", "BatchResult", "cli_batch", "run_batch"]
