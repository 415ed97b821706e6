"""The batch run: select, plan, render (local pool or Dask), write, index.

``run_batch(options)`` is the Python API behind ``workbook batch``. It refuses
to start when the output folder is not writable or too full, removes the
temporary files of an interrupted run, skips up-to-date reports with
``resume``, renders the rest, writes each result atomically as it arrives
(one small ``meta/*.json`` per report is the commit mark: nothing grows with the
run's size while it runs), and ends with ``manifest.json``, ``index.html``, one
``gemeinden/<land>/index.html`` per Land with Gemeinde reports and a summary, also
after Ctrl-C, SIGTERM or a full disk. It never leaves a kernel running.

A folder collects the reports of several runs: a report of an earlier run that is
not part of this one stays listed on the index pages (status ``earlier``) when that
run had the same parameters, data, code and notebook and its files are intact.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat

from ..chart_modes import DEFAULT_MODE
from ..errors import BatchError, WorkbookError
from ..paths import DATA_DIR, NOTEBOOKS_DIR, PACKAGE_DIR, SCENARIOS_DIR
from ..texts import batch as T
from ..texts import fmt_number
from .chart_assets import check_mode, write_asset
from .naming import report_dir, report_stem
from .outputs import FATAL_ERRNOS, OutputError, OutputFolder, input_hash, sha256_bytes, tree_hash
from .progress import Progress

DEFAULT_SUMMARY = "workbook.batch.key_figures:key_figures"
FORMAT_VERSION = 1


@dataclass
class BatchOptions:
    out: Path = Path("reports")
    ags: str | list | None = None
    ags_file: str | None = None
    land: str | None = None
    kreis_type: str | None = None
    level: str | None = None          # "kreis" | "gemeinde"; None: the keys say (default: Kreise)
    kreis: str | list | None = None   # Kreis keys: the Kreise, or at level gemeinde their Gemeinden
    min_population: int | str | None = None
    scenario: str = "all"
    draws: int = 1000
    seed: int = 20211
    workers: int | None = None
    scheduler: object = None          # "tcp://HOST:PORT" or a distributed cluster / address
    resume: bool = False
    timeout: float = 300.0
    pdf: bool = False
    charts: str = DEFAULT_MODE        # "svg": inside each report; "script": drawn from assets/ (chart_assets)
    notebook: Path | None = None
    progress: bool = True
    recycle_after: int = 2000          # kernel memory is flat after ~50 reports (docs/batch.md)
    summary: str | None = DEFAULT_SUMMARY
    extra_parameters: dict = field(default_factory=dict)
    kreise: object = None             # a DataFrame replacing load_kreise() (tests, subsets)
    boundaries: object = None         # a GeoJSON dict replacing load_boundaries()
    stream: object = None             # where progress and summary go (default: stderr)


@dataclass
class BatchResult:
    out: Path
    total: int
    ok: int
    skipped: int
    failed: int
    interrupted: bool
    duration: float
    records: dict
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.error or self.failed:
            return 1
        return 0


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("workbook", "papermill", "nbclient", "nbconvert", "ipykernel", "altair",
                 "vl-convert-python", "pandas", "numpy", "dask", "distributed"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def _load_notebook(path: Path) -> str:
    if not path.is_file():
        raise BatchError(T.NOTEBOOK_MISSING.format(path=path), file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
    except (OSError, UnicodeDecodeError, ValueError, nbformat.reader.NotJSONError) as exc:
        raise BatchError(T.NOTEBOOK_BAD.format(path=path, error=exc), file=str(path)) from None
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        raise BatchError(T.NO_PARAMETERS_CELL.format(path=path), file=str(path))
    return text


def _check_parameters(opts: BatchOptions) -> None:
    if not isinstance(opts.draws, int) or opts.draws < 0 or opts.draws > 100_000:
        raise BatchError(f"--draws {opts.draws!r}: expected a whole number 0..100000 / "
                         "erwartet eine ganze Zahl 0 bis 100.000", key="--draws")
    if not isinstance(opts.seed, int) or opts.seed < 0:
        raise BatchError(f"--seed {opts.seed!r}: expected a whole number >= 0", key="--seed")
    if not (opts.timeout and opts.timeout > 0):
        raise BatchError(f"--timeout {opts.timeout!r}: expected seconds > 0", key="--timeout")
    if opts.workers is not None and opts.workers < 1:
        raise BatchError(f"--workers {opts.workers!r}: expected at least 1", key="--workers")


def _check_scenarios(scenario: str) -> None:
    """Unknown scenario ids are refused before anything runs."""
    if scenario in (None, "all") or str(scenario).endswith((".yml", ".yaml")):
        return
    try:
        from ..params import load_scenarios
    except ImportError:  # pragma: no cover
        return
    known = list(load_scenarios())
    unknown = [s.strip() for s in str(scenario).split(",") if s.strip() and s.strip() not in known]
    if unknown:
        from ..errors import SelectionError

        raise SelectionError(f"unknown scenario / unbekanntes Szenario: {', '.join(unknown)} "
                             f"(known / bekannt: {', '.join(known)})", key="--scenario")


def plan_tasks(opts: BatchOptions, places, notebook_text: str, hashes: dict) -> list[dict]:
    cwd = str(Path(opts.notebook).resolve().parent)
    tasks = []
    for row in places.itertuples(index=False):
        ags, name = str(row.ags), str(row.name)
        params = {"ags": ags, "scenario": opts.scenario, "draws": int(opts.draws), "seed": int(opts.seed),
                  "interactive": False, **opts.extra_parameters}
        task = {
            "ags": ags, "name": name, "stem": report_stem(ags, name), "dir": list(report_dir(ags)),
            "notebook": notebook_text,
            "parameters": params, "timeout": float(opts.timeout), "cwd": cwd,
            "recycle_after": int(opts.recycle_after), "summary": opts.summary, "pdf": bool(opts.pdf),
            "title": f"{T.REPORT_TITLE} {name}", "charts": opts.charts,
        }
        task["input_hash"] = input_hash(parameters=params, name=name, data=hashes["data_hash"],
                                        code=hashes["code_hash"], notebook=hashes["notebook_hash"],
                                        pdf=bool(opts.pdf), summary=opts.summary, format=FORMAT_VERSION,
                                        **({"charts": opts.charts} if opts.charts != DEFAULT_MODE else {}))
        tasks.append(task)
    return tasks


def run_batch(opts: BatchOptions) -> BatchResult:
    stream = opts.stream or sys.stderr
    started = time.monotonic()
    _check_parameters(opts)
    opts.charts = check_mode(opts.charts)
    opts.notebook = Path(opts.notebook or (NOTEBOOKS_DIR / "bericht.ipynb")).resolve()
    notebook_text = _load_notebook(opts.notebook)
    _check_scenarios(opts.scenario)

    from .selection import select_places

    kreise = opts.kreise
    if kreise is None:
        from ..data import load_kreise

        kreise = load_kreise()
    selected = select_places(kreise, level=opts.level, ags=opts.ags, ags_file=opts.ags_file, land=opts.land,
                             kreis=opts.kreis, kreis_type=opts.kreis_type, min_population=opts.min_population)
    wheres = {report_dir(a) for a in selected["ags"]}

    folder = OutputFolder(Path(opts.out))
    folder.prepare(wheres)                # refuse a read-only folder before starting
    folder.check_space(len(selected))
    folder.remove_leftovers()
    if opts.charts == "script":
        write_asset(folder.root)          # the one copy of Vega every report of this folder loads

    hashes = {
        "data_hash": tree_hash(DATA_DIR, ("*",)) if opts.kreise is None else
        sha256_bytes(kreise.to_csv(index=False).encode()),
        "scenarios_hash": tree_hash(SCENARIOS_DIR, ("*.yml", "*.yaml")),
        "code_hash": tree_hash(PACKAGE_DIR, ("*.py", "*.j2", "*.css", "*.json", "*.yml")),
        "notebook_hash": sha256_bytes(notebook_text.encode("utf-8")),
    }
    hashes["data_hash"] = sha256_bytes((hashes["data_hash"] + hashes["scenarios_hash"]).encode())
    tasks = plan_tasks(opts, selected, notebook_text, hashes)

    records: dict[str, dict] = {}
    todo = []
    for task in tasks:
        rec = (folder.up_to_date(task["stem"], task["input_hash"], opts.pdf, tuple(task["dir"]))
               if opts.resume else None)
        if rec is not None:
            rec = dict(rec, status="skipped")
            records[task["ags"]] = rec
        else:
            todo.append(task)
    skipped = len(tasks) - len(todo)

    workers = opts.workers or os.cpu_count() or 1
    if opts.scheduler is not None:
        from .executors import DaskExecutor

        executor = DaskExecutor(opts.scheduler)
        workers_label = "Dask"
    else:
        from .executors import LocalExecutor

        tmp_dir = tempfile.mkdtemp(prefix="workbook-batch-")
        executor = LocalExecutor(min(workers, max(1, len(todo))), tmp_dir=tmp_dir,
                                 cwd=str(opts.notebook.parent), recycle_after=opts.recycle_after)
        workers_label = str(executor.workers)

    progress = Progress(len(todo), stream=stream, enabled=opts.progress)
    if skipped:
        print(T.PROGRESS_RESUME.format(skipped=skipped), file=stream)
    by_ags = {t["ags"]: t for t in tasks}
    state = {"ok": 0, "failed": 0, "error": None}

    def on_result(result: dict) -> None:
        task = by_ags[result["ags"]]
        try:
            if result["status"] == "ok":
                rec = folder.write_success(task, result)
                state["ok"] += 1
            else:
                rec = folder.write_failure(task, result)
                state["failed"] += 1
        except OutputError as exc:
            if exc.errno in FATAL_ERRNOS:
                state["error"] = T.DISK_FULL.format(out=folder.root, error=exc.detail,
                                                    done=state["ok"] + skipped)
                executor.stop()
                return
            raise
        rec.update(attempts=result.get("attempts"), seconds=round(float(result.get("seconds") or 0), 3))
        records[task["ags"]] = rec
        progress.update(state["ok"] + state["failed"], state["failed"])

    interrupted = False
    previous = {}
    signals = {"n": 0, "closing": False}

    def on_signal(signum, frame):
        # Ctrl-C, SIGTERM, SIGHUP. The local executor notices stop() within 0.25 s, so the
        # handler only sets the flag: a KeyboardInterrupt raised at an arbitrary point could
        # land inside the executor's bookkeeping. Dask's loop blocks, and a second signal
        # means "now": those raise. While closing, workers and kernels are being ended in
        # bounded time (seconds); a further signal must not cut that short.
        signals["n"] += 1
        if signals["closing"]:
            return
        executor.stop()
        if signals["n"] > 1 or not executor.stops_quickly:
            raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, on_signal)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        if todo:
            if opts.progress:
                print(T.PROGRESS_START.format(workers=workers_label, total=len(todo),
                                              executor=executor.name), file=stream)
            executor.run(todo, on_result)
    except KeyboardInterrupt:
        interrupted = True
        executor.stop()
    finally:
        signals["closing"] = True
        try:
            executor.close()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if opts.scheduler is None:
                shutil.rmtree(executor.tmp_dir, ignore_errors=True)
            progress.finish()
    interrupted = interrupted or signals["n"] > 0

    duration = time.monotonic() - started
    for task in tasks:
        records.setdefault(task["ags"], {"ags": task["ags"], "name": task["name"], "stem": task["stem"],
                                         "status": "pending", "input_hash": task["input_hash"]})
    run = {
        "reports": len(tasks), "ok": state["ok"], "skipped": skipped, "failed": state["failed"],
        "scenario": opts.scenario, "draws": opts.draws, "seed": opts.seed,
        "notebook": opts.notebook.name, "executor": executor.name, "workers": workers_label,
        "duration": T.fmt_duration(duration),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "data_hash": hashes["data_hash"], "code_hash": hashes["code_hash"],
        "notebook_hash": hashes["notebook_hash"], "versions": _versions(),
    }
    result = BatchResult(out=folder.root, total=len(tasks), ok=state["ok"], skipped=skipped,
                         failed=state["failed"], interrupted=interrupted, duration=duration,
                         records=records, error=state["error"])
    try:
        _write_manifest_and_index(folder, run, dict(records), kreise, opts, duration)
    except OutputError as exc:
        if result.error is None:
            result.error = T.DISK_FULL.format(out=folder.root, error=exc.detail, done=state["ok"] + skipped)
    _print_summary(result, stream, folder)
    return result


def run_parameters(opts: BatchOptions) -> dict:
    out = {"scenario": opts.scenario, "draws": opts.draws, "seed": opts.seed, **opts.extra_parameters}
    if opts.charts != DEFAULT_MODE:       # a run with charts drawn by the page never mixes with one without
        out["charts"] = opts.charts
    return out


def _carry_over(folder: OutputFolder, run: dict, records: dict) -> int:
    """Add the records of an earlier run into this folder that this run did not cover, when that
    run had the same parameters, data, code and notebook and the report files are intact
    (``status`` ``earlier``; failed ones stay failed). Returns how many."""
    try:
        prev = json.loads((folder.root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(prev, dict) or prev.get("format") != FORMAT_VERSION:
        return 0
    prun = prev.get("run") or {}
    if any(prun.get(k) != run.get(k) for k in ("data_hash", "code_hash", "notebook_hash", "notebook", "parameters")):
        return 0
    n = 0
    for section in ("kreise", "gemeinden"):
        entries = prev.get(section)
        if not isinstance(entries, dict):
            continue
        for ags, rec in entries.items():
            if ags in records or not isinstance(rec, dict) or rec.get("ags") != ags:
                continue
            if rec.get("status") == "failed":
                records[ags] = dict(rec, earlier=True)
                n += 1
            elif folder.intact(rec):
                records[ags] = dict(rec, status="earlier")
                n += 1
    return n


def _land_names(kreise) -> dict[str, str]:
    if "land_name" not in kreise.columns:
        return {}
    first = kreise.drop_duplicates("land_ags")
    return {str(a): str(n) for a, n in zip(first["land_ags"], first["land_name"])}


def _write_manifest_and_index(folder: OutputFolder, run: dict, records: dict, kreise, opts,
                              duration: float) -> None:
    from .index import LINKABLE, build_index
    from .naming import land_dir

    run = dict(run, duration_s=round(duration, 3), parameters=run_parameters(opts))
    _carry_over(folder, run, records)
    kreis_recs = {a: r for a, r in records.items() if len(a) == 5}
    gem_recs = {a: r for a, r in records.items() if len(a) == 8}
    manifest = {"format": FORMAT_VERSION, "run": run,
                "kreise": {a: kreis_recs[a] for a in sorted(kreis_recs)},
                "gemeinden": {a: gem_recs[a] for a in sorted(gem_recs)}}
    folder.write_json("manifest.json", manifest)

    k = kreise.assign(ags=kreise["ags"].astype(str))
    land_names = _land_names(k)
    lands = []
    if gem_recs:
        from ..data import load_gemeinde_boundaries
        from .land_index import build_land_index
        from .selection import _gemeinde_frame

        frame = _gemeinde_frame(k, sorted(gem_recs))
        info = {str(r.ags): {"name": str(r.name), "kreis_name": str(r.kreis_label),
                             "population_2019": None if r.population_2019 != r.population_2019 else
                             int(r.population_2019), "bbsr_sgtyp_name": str(r.bbsr_sgtyp_name)}
                for r in frame.itertuples(index=False)}
        by_land: dict[str, list[dict]] = {}
        for ags, rec in gem_recs.items():
            by_land.setdefault(ags[:2], []).append(rec)
        for land in sorted(by_land):
            recs = by_land[land]
            land_name = land_names.get(land, land)
            try:
                boundaries, error = load_gemeinde_boundaries(land), None
            except (WorkbookError, OSError, ValueError) as exc:
                boundaries, error = None, str(exc)
            page = build_land_index(land, land_name, recs, info, run, boundaries, boundary_error=error)
            where = land_dir(land)
            folder.write_page(where, "index.html", page)
            lands.append({"land": land, "land_name": land_name, "href": "/".join((*where, "index.html")),
                          "ok": sum(r.get("status") in LINKABLE for r in recs),
                          "failed": sum(r.get("status") == "failed" for r in recs)})

    boundaries, boundary_error = opts.boundaries, None
    if boundaries is None and (kreis_recs or not lands):
        try:
            from ..data import load_boundaries

            boundaries = load_boundaries()
        except (WorkbookError, ImportError, OSError) as exc:
            boundaries, boundary_error = None, str(exc)
    info_k = {str(r.ags): {"name": str(r.name), "land_name": str(getattr(r, "land_name", ""))}
              for r in k.itertuples(index=False)}
    page = build_index(list(kreis_recs.values()), run, boundaries, info_k, boundary_error=boundary_error,
                       lands=lands)
    folder.write_page((), "index.html", page)


def _print_summary(result: BatchResult, stream, folder: OutputFolder) -> None:
    done = result.ok + result.failed
    rate = done / result.duration if result.duration > 0 else 0.0
    if result.interrupted:
        print(T.INTERRUPTED.format(done=result.ok + result.skipped, total=result.total), file=stream)
    if result.error:
        print(result.error, file=stream)
    print(T.SUMMARY_LINE.format(ok=result.ok, skipped=result.skipped, failed=result.failed,
                                total=result.total, duration=T.fmt_duration(result.duration),
                                rate=fmt_number(rate, 2), index=folder.root / "index.html"), file=stream)
    failed = [r for r in result.records.values() if r.get("status") == "failed"]
    for rec in failed[:10]:
        print(T.SUMMARY_FAILED.format(ags=rec["ags"], name=rec["name"], error=rec.get("error")), file=stream)
    if len(failed) > 10:
        print(T.SUMMARY_MORE.format(n=len(failed) - 10, manifest=folder.root / "manifest.json"), file=stream)


def manifest_of(out: Path) -> dict:
    return json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
