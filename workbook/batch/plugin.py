"""Dask worker plugin: no kernel outlives its Dask worker."""

from __future__ import annotations

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - dask is a dependency
    WorkerPlugin = object


class KernelCleanup(WorkerPlugin):
    """Shuts down the worker's report kernels when the worker closes."""

    name = "workbook-kernel-cleanup"

    def teardown(self, worker):
        from .kernel import shutdown_kernels

        shutdown_kernels()
