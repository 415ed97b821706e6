"""One report, the task every executor runs: parameters, warm kernel, figures, export.

Per report:

1. inject the parameters with Papermill's ``parameterize_notebook``
   (``prepare_notebook``),
2. run the notebook after a hidden reset cell with nbclient in the worker's
   warm kernel (``workbook.batch.kernel``),
3. take the key figures the report published (``SUMMARY_MIME``) out of the
   notebook, or ask the fallback (``workbook.batch.key_figures``) in the same kernel,
4. serialise the notebook once and export HTML (and PDF) in process
   (``workbook.batch.export``); SVG ids renamed in each (``stable_svg_ids``).

A test checks that a report is byte-identical whichever worker made it and in
which order. Nothing here writes into the output folder: the task returns bytes
and the coordinating process writes them atomically. That keeps Dask workers
free of any shared file system.
"""

from __future__ import annotations

import json
import os
import threading
import time

import nbformat

from ..chart_modes import DEFAULT_MODE
from .chart_assets import inline_bundle, page_script
from .export import export_html, print_pdf, stable_svg_ids
from .kernel import KERNEL_NAME, KernelConfig, get_kernel

SUMMARY_MIME = "application/vnd.workbook.summary+json"

SUMMARY_CODE = """\
from IPython.display import display as _wb_display
try:
    from {module} import {func} as _wb_summary
    _wb_display({{"{mime}": _wb_summary(ags={ags!r}, scenario={scenario!r}, draws={draws!r}, seed={seed!r})}}, raw=True)
except Exception as _wb_exc:
    _wb_display({{"{mime}": {{"_error": f"{{type(_wb_exc).__name__}}: {{_wb_exc}}"}}}}, raw=True)
"""


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


def write_notebook(nb) -> str:
    """The notebook as ``nbformat.writes`` gives it, without its schema validation (which only
    logs, and costs a few milliseconds a report on the batch's own, always valid notebooks)."""
    return nbformat.versions[nb.nbformat].writes_json(nb)


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
    ('module:function' or None), ``pdf`` (bool), ``title``; optional ``dir`` (the report's
    folder below the output folder), ``charts`` ('svg' or 'script', ``workbook.chart_modes``) and
    ``block`` (this place and the ones this worker renders after it, ``workbook.apps.runs``).
    Returns ``status`` 'ok' or 'failed', ``html``/``ipynb``/``pdf`` bytes,
    ``figures``, ``error``, ``attempts``, ``seconds``, ``worker``.
    """
    started = time.monotonic()
    charts = task.get("charts") or DEFAULT_MODE
    config = KernelConfig(cwd=task["cwd"], recycle_after=int(task.get("recycle_after", 50)), charts=charts)
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
            kernel.execute(nb, deadline, expect=task.get("block") or ())
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
    if result["error"] is not None:
        if nb is not None:
            result["ipynb"] = write_notebook(nb).encode("utf-8")
        result["seconds"] = time.monotonic() - started
        return result

    figures = _pop_summary(nb)
    if not figures and summary_code:
        # the notebook showed no figures of its own: ask the engine in the same kernel
        try:
            for out in kernel.run_code(summary_code, timeout=max(5.0, deadline - time.monotonic())):
                figures.update(out.get("data", {}).get(SUMMARY_MIME, {}))
        except Exception as exc:
            figures = {"_error": _error_text(exc)}
    result["figures_error"] = figures.pop("_error", None)
    result["figures"] = figures
    # one serialisation of the notebook, and the SVG ids made independent of the kernel's
    # history in each document on its own (same rule, same order of first appearance)
    result["ipynb"] = stable_svg_ids(write_notebook(nb)).encode("utf-8")
    where = tuple(task.get("dir") or ())
    chart_script = page_script(where) if charts == "script" else None
    try:
        html = stable_svg_ids(export_html(nb, task.get("title") or task["name"], chart_script)
                              .decode("utf-8")).encode("utf-8")
    except Exception as exc:
        result["error"] = f"HTML-Export fehlgeschlagen / HTML export failed: {_error_text(exc)}"
        result["seconds"] = time.monotonic() - started
        return result
    result["html"] = html
    if task.get("pdf"):
        try:
            page = inline_bundle(html, where) if chart_script else html    # printed on its own
            result["pdf"] = print_pdf(page, timeout=min(120.0, float(task["timeout"])))
        except Exception as exc:
            result["error"] = f"PDF-Druck fehlgeschlagen / PDF failed: {_error_text(exc)}"
            result["html"] = html
            result["seconds"] = time.monotonic() - started
            return result
    result["status"] = "ok"
    result["seconds"] = time.monotonic() - started
    return result


def result_json(result: dict) -> str:
    """A result without its payload bytes (for logs)."""
    return json.dumps({k: v for k, v in result.items() if not isinstance(v, bytes)}, sort_keys=True)
