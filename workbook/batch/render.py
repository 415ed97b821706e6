"""Render one report in a warm kernel: the task every executor runs.

Measured design (see ``../shared/STACK.md`` and ``docs/batch.md``): starting a
kernel and importing the scientific stack costs seconds, executing a report
in an already warm kernel a fraction of a second. So each worker (a local
process or a Dask worker thread) keeps one kernel, started once, and per
report

1. injects the parameters with Papermill's ``parameterize_notebook``,
2. runs a reset cell (``%reset -f``) and then the notebook with nbclient in
   the warm kernel,
3. exports HTML in process with the lean ``bericht`` nbconvert template.

Kernels are restarted after ``recycle_after`` reports, after a timeout and
after a crash, so no state can pile up; a test checks that a report is
byte-identical whichever worker made it and in which order.

Nothing here writes into the output folder: the task returns bytes and the
coordinating process writes them atomically. That keeps Dask workers free of
any shared file system.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import nbformat

SUMMARY_MIME = "application/vnd.workbook.summary+json"
KERNEL_NAME = "python3"

# Imported once per kernel so that reports do not pay for it. jsonschema (via
# altair) imports ``rfc3987_syntax``, which builds a grammar at import: 1.4 s
# measured here. Altair never validates IRI formats, so the kernel skips it.
WARMUP_CODE = """\
import sys as _sys
_sys.modules.setdefault("rfc3987_syntax", None)
import importlib as _il
for _m in ("numpy", "pandas", "altair", "vl_convert", "workbook", "workbook.texts",
           "workbook.datasets", "workbook.params", "workbook.engine", "workbook.charts",
           "workbook.nbparams", "workbook.apps.page", "workbook.batch.summary"):
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

SUMMARY_CODE = """\
from IPython.display import display as _wb_display
try:
    from {module} import {func} as _wb_summary
    _wb_display({{"{mime}": _wb_summary(ags={ags!r}, scenario={scenario!r}, draws={draws!r}, seed={seed!r})}}, raw=True)
except Exception as _wb_exc:
    _wb_display({{"{mime}": {{"_error": f"{{type(_wb_exc).__name__}}: {{_wb_exc}}"}}}}, raw=True)
"""


@dataclass
class KernelConfig:
    cwd: str
    recycle_after: int = 50
    startup_timeout: float = 120.0


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
        self._run_code(WARMUP_CODE, timeout=self.config.startup_timeout)

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
        _kill_pid(pid)
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

    def _run_code(self, code: str, timeout: float = 60.0):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code, id="workbook-batch-hidden")]
        self._client(nb, timeout=timeout).execute()
        return nb.cells[0].get("outputs", [])

    def execute(self, nb, deadline: float, summary: str | None = None) -> list:
        """Run ``nb`` after a hidden reset cell (and before a hidden summary
        cell); the hidden cells are removed again and execution counts start
        at 1, so the notebook looks as if run alone in a fresh kernel.
        Returns the hidden summary cell's outputs."""
        self.reports += 1
        pre = nbformat.v4.new_code_cell(RESET_CODE, id="workbook-batch-reset")
        hidden = [pre]
        if summary:
            hidden.append(nbformat.v4.new_code_cell(summary, id="workbook-batch-summary"))
        cells = nb.cells
        nb.cells = [pre] + cells + hidden[1:]
        try:
            self._client(nb, deadline=deadline).execute()
        finally:
            hidden_ids = {"workbook-batch-reset", "workbook-batch-summary"}
            post = [c for c in nb.cells if c.get("id") == "workbook-batch-summary"]
            nb.cells = [c for c in nb.cells if c.get("id") not in hidden_ids]
            for cell in nb.cells:
                if cell.get("cell_type") == "code" and cell.get("execution_count"):
                    cell["execution_count"] -= 1
                    for out in cell.get("outputs", []):
                        if out.get("execution_count"):
                            out["execution_count"] -= 1
        return post[0].get("outputs", []) if post else []


def _kill_pid(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


# -- one kernel per worker thread ---------------------------------------------
_KERNELS: dict[int, WarmKernel] = {}
_EXPORTERS: dict[int, object] = {}
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


def _exporter():
    key = threading.get_ident()
    exp = _EXPORTERS.get(key)
    if exp is None:
        from .export import make_exporter

        exp = _EXPORTERS[key] = make_exporter()
    return exp


# -- the task -----------------------------------------------------------------
def prepare_notebook(notebook_json: str, parameters: dict):
    """The notebook with parameters injected and deterministic cell ids."""
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.reads(notebook_json, as_version=4)
    nb.metadata["papermill"] = {}
    for cell in nb.cells:
        cell.setdefault("metadata", {}).setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL_NAME, language="python")
    for i, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        elif not cell.get("id"):
            cell["id"] = f"cell-{i}"
        if not cell.metadata.get("tags"):
            cell.metadata.pop("tags", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


# vl-convert (vega's SVG renderer) names gradients and clip paths with a counter
# that keeps counting inside a warm kernel, sometimes behind a random prefix
# ("gradient_0" in one report, "gradient_1" in the next; "c78439541-gradient_0"):
# renamed in order of first appearance so a report does not depend on what its
# kernel drew before. Only ids and references to them are touched (also inside
# the notebook's JSON, where quotes are escaped).
_SVG_ID = re.compile(r'(?P<pre>\bid=\\?"|url\(#|href=\\?"#)'
                     r'(?P<id>(?:c[0-9a-f]{5,16}-)?(?P<kind>gradient|clip|pattern|marker)_?\d+)\b')


def stable_svg_ids(text: str) -> str:
    names: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        key = m.group("id")
        if key not in names:
            names[key] = f"wbsvg{len(names) + 1}-{m.group('kind')}"
        return m.group("pre") + names[key]

    return _SVG_ID.sub(rename, text)


def _error_text(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".strip()
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}".strip()


def _pop_summary(nb) -> dict:
    """Take the summary output(s) a notebook displayed out of the notebook."""
    found: dict = {}
    for cell in nb.cells:
        outputs = cell.get("outputs")
        if not outputs:
            continue
        keep = []
        for out in outputs:
            data = out.get("data", {})
            if SUMMARY_MIME in data:
                found.update(data[SUMMARY_MIME])
                rest = {k: v for k, v in data.items() if k != SUMMARY_MIME and k != "text/plain"}
                if not rest:
                    continue
                out["data"] = rest
            keep.append(out)
        cell["outputs"] = keep
    return found


def render_report(task: dict) -> dict:
    """Run one report; never raises for a report's own failure.

    ``task`` keys: ``ags``, ``name``, ``stem``, ``notebook`` (JSON text),
    ``parameters``, ``timeout``, ``cwd``, ``recycle_after``, ``summary``
    ('module:function' or None), ``pdf`` (bool), ``title``.
    Returns ``status`` 'ok' or 'failed', ``html``/``ipynb``/``pdf`` bytes,
    ``figures``, ``error``, ``attempts``, ``seconds``, ``worker``.
    """
    started = time.monotonic()
    config = KernelConfig(cwd=task["cwd"], recycle_after=int(task.get("recycle_after", 50)))
    kernel = get_kernel(config)
    result = {"ags": task["ags"], "stem": task["stem"], "status": "failed", "error": None,
              "html": None, "ipynb": None, "pdf": None, "figures": {}, "figures_error": None,
              "attempts": 0, "worker": f"{os.uname().nodename}:{os.getpid()}:{threading.get_ident()}"}
    nb = None
    for attempt in (1, 2):
        result["attempts"] = attempt
        try:
            kernel.ensure()
        except Exception as exc:  # the kernel itself cannot start
            kernel.shutdown()
            result["error"] = f"Kernel startet nicht / kernel failed to start: {_error_text(exc)}"
            if attempt == 2:
                break
            continue
        nb = prepare_notebook(task["notebook"], task["parameters"])
        deadline = time.monotonic() + float(task["timeout"])
        summary_code = None
        if task.get("summary"):
            module, func = task["summary"].split(":")
            summary_code = SUMMARY_CODE.format(module=module, func=func, mime=SUMMARY_MIME, **{
                k: task["parameters"].get(k) for k in ("ags", "scenario", "draws", "seed")})
        try:
            kernel.execute(nb, deadline)
        except Exception as exc:
            from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

            if isinstance(exc, CellExecutionError):
                result["error"] = _error_text(exc)
                break
            if isinstance(exc, (CellTimeoutError, TimeoutError)) or time.monotonic() >= deadline:
                kernel.shutdown()
                result["error"] = (f"Zeitlimit von {float(task['timeout']):g} s überschritten / "
                                   f"timeout after {float(task['timeout']):g} s")
                break
            died = isinstance(exc, DeadKernelError) or not kernel.alive
            kernel.shutdown()
            result["error"] = (("Kernel abgestürzt / kernel died: " if died else "") + _error_text(exc))
            if attempt == 2:
                break
            continue  # retry once in a fresh kernel
        else:
            result["error"] = None
            break
    if nb is not None:
        result["ipynb"] = nbformat.writes(nb).encode("utf-8")
    if result["error"] is not None:
        result["seconds"] = time.monotonic() - started
        return result

    figures = _pop_summary(nb)
    if not figures and summary_code:
        # the notebook showed no figures of its own: ask the engine in the same kernel
        try:
            for out in kernel._run_code(summary_code, timeout=max(5.0, deadline - time.monotonic())):
                figures.update(out.get("data", {}).get(SUMMARY_MIME, {}))
        except Exception as exc:
            figures = {"_error": _error_text(exc)}
    result["figures_error"] = figures.pop("_error", None)
    result["figures"] = figures
    nb = nbformat.reads(stable_svg_ids(nbformat.writes(nb)), as_version=4)
    result["ipynb"] = nbformat.writes(nb).encode("utf-8")
    try:
        html = export_html(nb, task.get("title") or task["name"])
    except Exception as exc:
        result["error"] = f"HTML-Export fehlgeschlagen / HTML export failed: {_error_text(exc)}"
        result["seconds"] = time.monotonic() - started
        return result
    result["html"] = html
    if task.get("pdf"):
        try:
            result["pdf"] = print_pdf(html, timeout=min(120.0, float(task["timeout"])))
        except Exception as exc:
            result["error"] = f"PDF-Druck fehlgeschlagen / PDF failed: {_error_text(exc)}"
            result["html"] = html
            result["seconds"] = time.monotonic() - started
            return result
    result["status"] = "ok"
    result["seconds"] = time.monotonic() - started
    return result


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def export_html(nb, title: str) -> bytes:
    from .export import print_css

    # control characters (a NUL in a Kreis name from a user's file) are not text a page may carry
    title = _CONTROL.sub("", str(title))
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title}, "bericht": {"print_css": print_css(title)}})
    return body.encode("utf-8")


CHROMIUM = "/usr/bin/chromium"


def print_pdf(html: bytes, timeout: float = 120.0) -> bytes:
    """Print an HTML report to PDF with headless Debian chromium (no network)."""
    if not os.path.exists(CHROMIUM):
        raise FileNotFoundError(f"{CHROMIUM} fehlt / missing (apt-get install chromium)")
    tmp = tempfile.mkdtemp(prefix="workbook-pdf-")
    try:
        src = os.path.join(tmp, "report.html")
        dst = os.path.join(tmp, "report.pdf")
        with open(src, "wb") as fh:
            fh.write(html)
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--no-first-run",
               "--disable-dev-shm-usage", "--no-pdf-header-footer",
               f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={dst}",
               "file://" + src]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise TimeoutError(f"chromium took longer than {timeout:g} s") from None
        if not os.path.exists(dst) or os.path.getsize(dst) == 0:
            raise RuntimeError(f"chromium wrote no PDF (exit status {proc.returncode})")
        with open(dst, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def result_json(result: dict) -> str:
    """A result without its payload bytes (for logs)."""
    return json.dumps({k: v for k, v in result.items() if not isinstance(v, bytes)}, sort_keys=True)
