"""Warm Jupyter kernels for the batch: one per worker thread, kept between reports.

Measured design (see ``../shared/STACK.md`` and ``docs/batch.md``): starting a
kernel and importing the scientific stack costs seconds, executing a report
in an already warm kernel a fraction of a second. So each worker (a local
process or a Dask worker thread) keeps one kernel, started once and warmed up
(``WARMUP_CODE``); before every report a hidden reset cell forgets the last
report's names. Kernels are restarted after ``recycle_after`` reports, after a
timeout and after a crash, so no state can pile up.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import nbformat

from ..chart_modes import DEFAULT_MODE, STATIC_CHARTS_ENV

KERNEL_NAME = "python3"

# Imported once per kernel so that reports do not pay for it. jsonschema (via
# altair) imports ``rfc3987_syntax``, which builds a grammar at import: 1.4 s
# measured here. Altair never validates IRI formats, so the kernel skips it.
WARMUP_CODE = """\
import sys as _sys
_sys.modules.setdefault("rfc3987_syntax", None)
import importlib as _il
for _m in ("numpy", "pandas", "altair", "vl_convert", "workbook", "workbook.texts",
           "workbook.data", "workbook.params", "workbook.engine", "workbook.charts",
           "workbook.nbparams", "workbook.apps.page", "workbook.batch.key_figures"):
    try:
        _il.import_module(_m)
    except Exception:
        pass
del _sys, _il, _m
_wb_keep = set(get_ipython().user_ns) | {"_wb_keep", "_wb_ip", "_wb_n"}
"""

# Between two reports: forget every name and cached output the last report
# left (``%reset -f`` does the same but also runs a full gc.collect(), which
# costs about 0.3 s a report in a kernel holding pandas and altair).
RESET_CODE = """\
_wb_ip = get_ipython()
for _wb_n in [n for n in _wb_ip.user_ns if n not in _wb_keep]:
    del _wb_ip.user_ns[_wb_n]
_wb_ip.user_ns["_oh"].clear()
del _wb_ip.user_ns["_ih"][1:]
_wb_ip.user_ns.update({"_": "", "__": "", "___": "", "_i": "", "_ii": "", "_iii": ""})
"""

# After the reset: the places this kernel renders next (``workbook.apps.runs.expect_places``), so
# that the first of them runs the engine for all. A notebook that does not use the workbook's
# apps ignores it; a kernel without the package skips it.
EXPECT_CODE = """\
try:
    import workbook.apps.runs as _wb_runs
    _wb_runs.expect_places({places!r})
    del _wb_runs
except ImportError:
    pass
"""


def expect_code(places) -> str:
    """The hidden code that tells the kernel which places it renders next (none: forget them)."""
    return EXPECT_CODE.format(places=[str(p) for p in places or ()])


@dataclass
class KernelConfig:
    cwd: str
    recycle_after: int = 50
    startup_timeout: float = 120.0
    charts: str = DEFAULT_MODE        # how the kernel draws static charts (workbook.chart_modes)


class WarmKernel:
    """One Jupyter kernel kept warm between reports."""

    def __init__(self, config: KernelConfig):
        self.config = config
        self.km = None
        self.kc = None
        self.reports = 0
        self.starts = 0
        self._ipc_dir = None

    # -- life cycle ---------------------------------------------------------
    @property
    def pid(self) -> int | None:
        try:
            return self.km.provisioner.pid if self.km is not None else None
        except AttributeError:
            return None

    @property
    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        if self.km is None:
            return False
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        cwd = self.config.cwd if os.path.isdir(self.config.cwd) else tempfile.gettempdir()
        env = dict(os.environ)
        env.update({
            "PYTHONHASHSEED": "0",           # set and dict orders equal in every kernel
            "MPLBACKEND": "Agg",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "WORKBOOK_BATCH": "1",
            STATIC_CHARTS_ENV: self.config.charts,
        })
        # ipc sockets in the runtime folder: no TCP ports to race for
        self._ipc_dir = tempfile.mkdtemp(prefix="wb-kernel-", dir=os.environ.get("WORKBOOK_BATCH_TMP"))
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                     ip=os.path.join(self._ipc_dir, "k"))
        self.km.connection_file = os.path.join(self._ipc_dir, "kernel.json")
        run_sync(self.km.start_kernel)(
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            extra_arguments=["--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"])
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=self.config.startup_timeout)
        self.kc.allow_stdin = False
        self.reports = 0
        self.starts += 1
        self.run_code(WARMUP_CODE, timeout=self.config.startup_timeout)

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        pid = self.pid
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:
                pass
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:
                pass
        kill_pid(pid)
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    def ensure(self) -> None:
        """A running kernel, recycled after ``recycle_after`` reports."""
        if self.km is not None and self.reports >= self.config.recycle_after:
            self.shutdown()
        if self.km is None or not self.alive:
            if self.km is not None:
                self.shutdown()
            self.start()

    # -- execution ------------------------------------------------------------
    def _client(self, nb, timeout: float | None = None, deadline: float | None = None):
        from nbclient import NotebookClient

        def timeout_func(cell):
            if deadline is None:
                return None if timeout is None else max(1, int(timeout + 0.999))
            return max(1, int(deadline - time.monotonic() + 0.999))

        client = NotebookClient(
            nb, km=self.km, kernel_name=KERNEL_NAME,
            timeout_func=timeout_func, timeout=None if timeout is None else max(1, int(timeout + 0.999)), record_timing=False,
            store_widget_state=False, allow_errors=False, interrupt_on_timeout=False,
            resources={"metadata": {"path": self.config.cwd}},
        )
        # NotebookClient.__init__ drops a given client and would open new
        # channels and wait 0.2 s for IOPub to settle on every call: reuse ours.
        client.kc = self.kc
        return client

    def run_code(self, code: str, timeout: float = 60.0):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code, id="workbook-batch-hidden")]
        self._client(nb, timeout=timeout).execute()
        return nb.cells[0].get("outputs", [])

    def execute(self, nb, deadline: float, summary: str | None = None, expect=()) -> list:
        """Run ``nb`` after the reset code (and before a hidden summary cell), so the notebook
        looks as if run alone in a fresh kernel: execution counts start at 1 and the hidden
        cells are removed again. The reset runs in front of the injected parameters cell, in
        the same request (each request costs the kernel and nbclient about 7 ms), or as a
        hidden cell of its own when the notebook has no injected parameters first. ``expect``:
        the places this kernel renders next (:func:`expect_code`), told with the reset.
        Returns the hidden summary cell's outputs."""
        self.reports += 1
        cells = nb.cells
        first = next((c for c in cells if c.get("cell_type") == "code"), None)
        merged = first is not None and first.get("id") == "injected-parameters"
        hidden = RESET_CODE + expect_code(expect)
        pre = [] if merged else [nbformat.v4.new_code_cell(hidden, id="workbook-batch-reset")]
        post_cells = [nbformat.v4.new_code_cell(summary, id="workbook-batch-summary")] if summary else []
        nb.cells = pre + cells + post_cells
        source = first.source if merged else None
        if merged:
            first.source = hidden + source
        try:
            self._client(nb, deadline=deadline).execute()
        finally:
            if merged:
                first.source = source
            post = [c for c in nb.cells if c.get("id") == "workbook-batch-summary"]
            hidden_ids = {"workbook-batch-reset", "workbook-batch-summary"}
            nb.cells = [c for c in nb.cells if c.get("id") not in hidden_ids]
            if pre:                # nbclient counted the hidden reset cell as 1
                _count_from_one(nb.cells)
        return post[0].get("outputs", []) if post else []


def _count_from_one(cells) -> None:
    for cell in cells:
        if cell.get("cell_type") == "code" and cell.get("execution_count"):
            cell["execution_count"] -= 1
            for out in cell.get("outputs", []):
                if out.get("execution_count"):
                    out["execution_count"] -= 1


def kill_pid(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


# -- one kernel per worker thread ---------------------------------------------
_KERNELS: dict[int, WarmKernel] = {}
_LOCK = threading.Lock()


def get_kernel(config: KernelConfig) -> WarmKernel:
    key = threading.get_ident()
    with _LOCK:
        kernel = _KERNELS.get(key)
        if kernel is None or kernel.config != config:
            if kernel is not None:
                kernel.shutdown()
            kernel = _KERNELS[key] = WarmKernel(config)
    return kernel


def kernel_pids() -> list[int]:
    with _LOCK:
        return [k.pid for k in _KERNELS.values() if k.pid]


def shutdown_kernels() -> int:
    """Shut down every kernel of this process; returns how many were running."""
    with _LOCK:
        kernels = list(_KERNELS.values())
        _KERNELS.clear()
    count = 0
    for kernel in kernels:
        if kernel.km is not None:
            count += 1
        kernel.shutdown()
    return count


atexit.register(shutdown_kernels)
