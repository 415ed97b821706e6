"""Gemeinde batch benchmark: ``workbook batch --level gemeinde`` on a sample, extrapolated to all 10,799.

What it measures (each figure is printed with how it was obtained):

* **sample run**: ``workbook batch`` (CLI, cold start included, ``--workers`` = cores) on about
  N Gemeinden spread over all Länder (all Gemeinden of every k-th Kreis, written to an ``--ags-file``):
  wall time, reports per second, mean/max report size, peak summed RSS of the whole process
  tree (coordinator, workers, kernels; psutil every 0.2 s), the completion time of every
  report (the mtime of its ``meta/*.json``, the commit mark) and from them the steady rate
  after the first tenth of the reports;
* **kernel start**: a warm kernel started and warmed up in this process (what each recycle
  after ``--recycle-after`` reports costs a worker);
* **end phase at full size**: ``manifest.json``, the 16 Land pages and ``index.html`` for
  10,799 records (the sample's own records repeated over every Gemeinde: sizes and times,
  not figures anyone reads), and the largest Land pages' size;
* **resume**: ``--resume`` over the finished sample (nothing to do): the cost per report of
  checking it (read its record, hash its HTML);
* **host speed** before and after (``host_speed_s``: CPU seconds of a fixed Python loop; this
  shared host's speed varies through the day, and every CPU figure with it);
* **Dask**: the same CLI with ``--scheduler`` on a ``distributed.LocalCluster`` with 1 and 2
  worker processes (one thread each) on the first M Gemeinden of the sample.

The prediction for all 10,799: cold start (first report done) + 10,798 / steady rate +
kernel restarts (10,799 / recycle_after / workers x kernel start, the sample has none) +
end phase at full size + the resume check when resuming.

    python benchmarks/bench_gemeinden.py                  # N=200, Dask on 40
    python benchmarks/bench_gemeinden.py --all            # all 10,799 (about half an hour or more)
    BENCH_GEMEINDEN_N=100 BENCH_GEMEINDEN_DASK=0 python benchmarks/bench_gemeinden.py

Environment: BENCH_GEMEINDEN_N (200), BENCH_GEMEINDEN_ALL (0/1, or ``--all``),
BENCH_GEMEINDEN_DASK (1/0), BENCH_GEMEINDEN_DASK_N (40), BENCH_GEMEINDEN_DRAWS (1000, as
``make reports``), BENCH_GEMEINDEN_WORKERS (cores), BENCH_GEMEINDEN_NOTEBOOK (default
``notebooks/bericht.ipynb``), BENCH_GEMEINDEN_OUT (keep the outputs in this folder),
BENCH_GEMEINDEN_CHARTS (``script``, as docs/batch.md's command for all Gemeinden; ``svg`` for charts
inside each report), BENCH_GEMEINDEN_STAND_IN=1: every Gemeinde task renders the *Kreis* report of its Kreis
(``bericht.ipynb`` with one cell after the parameters, ``ags = ags[:5]``): the batch's side
(Gemeinde keys, folders, Land pages, manifest) is the real one, the report content a stand-in
of about the same cost, for a tree whose Gemeinde report does not render yet. The figures
say which notebook ran.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
ALL_GEMEINDEN = 10_799
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))



class TreeSampler:
    """Peak summed RSS and the CPU seconds (user + system) of a process tree: every 0.2 s each
    live process's counters; a process's last reading counts (kernels and workers live for the
    whole run, so little is lost). CPU seconds do not depend on what else runs on the machine
    the way wall time does: on a shared machine they are the figure to extrapolate from."""

    def __init__(self, pid: int, interval: float = 0.2, skip_self: bool = False):
        import threading

        import psutil

        self.root = psutil.Process(pid)
        self.skip = {os.getpid()} if skip_self else set()
        self.interval = interval
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self.series: list[tuple[float, float]] = []     # (time.time(), CPU seconds so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                procs = []
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                    if p.pid not in self.skip:
                        t = p.cpu_times()
                        self.cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.series.append((time.time(), sum(self.cpu.values())))
            self._stop.wait(self.interval)

    def cpu_at(self, when: float) -> float:
        """CPU seconds of the tree at wall-clock time ``when`` (the last sample before it)."""
        before = [c for t, c in self.series if t <= when]
        return before[-1] if before else 0.0

    def stop(self) -> tuple[int, float]:
        self._stop.set()
        self._thread.join()
        return self.peak, sum(self.cpu.values())


def _run(cmd: list[str], timeout: float):
    import subprocess

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        peak, cpu = sampler.stop()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}): {err[-2000:]}")
    return time.perf_counter() - t0, peak, cpu, err, sampler


def stand_in_notebook(work: Path) -> Path:
    """``bericht.ipynb`` rendering the Kreis report of a Gemeinde's Kreis (see the module doc)."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "bericht.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("ags = ags[:5]  # stand-in: the Kreis report",
                                                      id="bench-stand-in"))
    path = work / "bericht_stand_in.ipynb"
    nbformat.write(nb, path)
    return path


def sample_keys(n: int) -> list[str]:
    """All Gemeinden of every k-th Kreis (all Länder, all sizes) until there are about ``n``: the
    batch renders a Kreis's Gemeinden in chunks that share one engine run, so a sample of single
    Gemeinden from 200 Kreise would cost more a report than the full run does."""
    from workbook.data.places import load_places

    places = load_places()
    keys = list(places.loc[places["level"] == "gemeinde", "ags"])
    if n >= len(keys):
        return keys
    by_kreis: dict[str, list[str]] = {}
    for key in keys:
        by_kreis.setdefault(key[:5], []).append(key)
    kreise = list(by_kreis)
    step = max(1, round(len(keys) / n))            # the mean Kreis holds 27 Gemeinden
    chosen: list[str] = []
    for offset in range(step):                     # Kreise 0, k, 2k, ..., then 1, 1 + k, ...
        for kreis in kreise[offset::step]:
            chosen += by_kreis[kreis]
            if len(chosen) >= n:
                return sorted(chosen)
    return sorted(chosen)


def _completions(out: Path) -> list[float]:
    return sorted(p.stat().st_mtime for p in out.glob("gemeinden/*/meta/*.json"))


def _sizes(out: Path) -> list[int]:
    return [p.stat().st_size for p in out.glob("gemeinden/*/*.html") if p.name != "index.html"]


def host_speed_s() -> float:
    """CPU seconds of a fixed Python loop (10 million additions): this shared host's speed varies
    through the day by up to half, and every CPU figure of a run grows with it (0.87 s fast,
    1.3-1.7 s slowed down); printed before and after a run so runs can be compared."""
    t0 = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - t0, 2)


def batch_run(out: Path, args: list[str], extra_env: dict | None = None) -> dict:
    cmd = [str(BIN / "workbook"), "batch", "--out", str(out), "--no-progress", *args]
    t0 = time.time()
    env_before = dict(os.environ)
    os.environ.update(extra_env or {})
    try:
        seconds, peak, cpu, log, sampler = _run(cmd, timeout=6 * 3600)
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recs = list(man["gemeinden"].values())
    statuses = [r["status"] for r in recs]
    sizes = _sizes(out)
    done = _completions(out)
    in_kernel = [r["seconds"] for r in recs if r.get("seconds")]
    fig = {
        "command": " ".join(["workbook", *cmd[1:]]),
        "seconds": round(seconds, 2), "reports": len(recs), "ok": statuses.count("ok"),
        "skipped": statuses.count("skipped"), "failed": statuses.count("failed"),
        "reports_per_s": round(statuses.count("ok") / seconds, 3) if seconds else None,
        "peak_memory_mb": round(peak / 2**20),
        "cpu_s": round(cpu, 1), "cpu_s_per_report": round(cpu / max(1, statuses.count("ok")), 3),
        "load_during": round(os.getloadavg()[0], 2),
        "html_kb_mean": round(statistics.mean(sizes) / 1024, 1) if sizes else None,
        "html_kb_max": round(max(sizes) / 1024, 1) if sizes else None,
        "report_s_median": round(statistics.median(in_kernel), 3) if in_kernel else None,
        "report_s_mean": round(statistics.mean(in_kernel), 3) if in_kernel else None,
    }
    failed = [r for r in recs if r["status"] == "failed"]
    if failed:
        fig["first_error"] = f"{failed[0]['ags']}: {failed[0].get('error')}"[:300]
    if len(done) >= 10 and statuses.count("ok") == len(done):
        first = done[0] - t0
        k = max(1, len(done) // 10)
        steady = (len(done) - 1 - k) / (done[-1] - done[k]) if done[-1] > done[k] else None
        fig.update(first_report_s=round(first, 2), steady_reports_per_s=round(steady, 3) if steady else None,
                   end_phase_s=round(seconds - (done[-1] - t0), 2))
        # CPU per report once every process is warm: between the k-th and the last completion
        steady_cpu = sampler.cpu_at(done[-1]) - sampler.cpu_at(done[k])
        fig["steady_cpu_s_per_report"] = round(steady_cpu / (len(done) - 1 - k), 3)
        fig["cold_start_cpu_s"] = round(sampler.cpu_at(done[0]), 1)
    total = sum(p.stat().st_size for p in out.glob("gemeinden/*/**/*") if p.is_file() and p.name != "index.html")
    fig["disk_kb_per_report"] = round(total / 1024 / max(1, statuses.count("ok")), 1)
    fig["log_tail"] = log.strip().splitlines()[-1][:300] if log.strip() else ""
    return fig


def kernel_start_s() -> float:
    """Seconds to start and warm up one report kernel (a worker pays it at every recycle)."""
    from workbook.batch.kernel import KernelConfig, WarmKernel

    kernel = WarmKernel(KernelConfig(cwd=str(ROOT / "notebooks")))
    t0 = time.perf_counter()
    try:
        kernel.start()
        return time.perf_counter() - t0
    finally:
        kernel.shutdown()


def end_phase_at_full_size(sample_out: Path, work: Path) -> dict:
    """manifest.json, the Land pages and index.html for all 10,799 Gemeinden: the sample's
    records (figures, sizes) repeated over every key; time and page sizes only."""
    from workbook.batch import runner
    from workbook.batch.naming import report_dir, report_stem
    from workbook.batch.outputs import OutputFolder
    from workbook.data import load_kreise
    from workbook.data.places import load_places

    man = json.loads((sample_out / "manifest.json").read_text(encoding="utf-8"))
    samples = [r for r in man["gemeinden"].values() if r.get("status") in ("ok", "skipped")]
    if not samples:
        return {"error": "no report of the sample succeeded"}
    places = load_places()
    gem = places[places["level"] == "gemeinde"]
    records = {}
    for i, (ags, name) in enumerate(zip(gem["ags"], gem["name"])):
        src = samples[i % len(samples)]
        stem = report_stem(ags, name)
        records[ags] = dict(src, ags=ags, name=name, stem=stem, status="skipped",
                            dir="/".join(report_dir(ags)), html="/".join((*report_dir(ags), f"{stem}.html")))
    folder = OutputFolder(work / "full")
    folder.prepare({report_dir(a) for a in records})

    class Opts:   # the options the end phase reads
        scenario, draws, seed, extra_parameters, boundaries = "all", 1000, 20211, {}, None
        charts = man["run"].get("parameters", {}).get("charts", "svg")

    t0 = time.perf_counter()
    runner._write_manifest_and_index(folder, man["run"], records, load_kreise(), Opts, 0.0)
    seconds = time.perf_counter() - t0
    pages = {p.parent.name: p.stat().st_size for p in (work / "full" / "gemeinden").glob("*/index.html")}
    biggest = max(pages, key=pages.get)
    return {"records": len(records), "seconds": round(seconds, 2),
            "manifest_mb": round((work / "full" / "manifest.json").stat().st_size / 2**20, 1),
            "land_page_kb_max": round(pages[biggest] / 1024), "land_page_max_land": biggest,
            "land_page_kb_09": round(pages.get("09", 0) / 1024),
            "index_kb": round((work / "full" / "index.html").stat().st_size / 1024, 1)}


def resume_check_s(out: Path) -> float:
    """Seconds per report that ``--resume`` spends deciding a finished report is current
    (read its meta record, hash its HTML, find its notebook), over the sample's reports."""
    from workbook.batch.outputs import OutputFolder

    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recs = [r for r in man["gemeinden"].values() if r.get("status") in ("ok", "skipped")]
    folder = OutputFolder(out)
    t0 = time.perf_counter()
    for r in recs:
        folder.up_to_date(r["stem"], r["input_hash"], False, tuple(r["dir"].split("/")))
    return (time.perf_counter() - t0) / max(1, len(recs))


def dask_runs(keys: list[str], args: list[str], work: Path) -> dict:
    from distributed import LocalCluster

    out = {}
    ags_file = work / "dask.txt"
    ags_file.write_text("\n".join(keys) + "\n", encoding="utf-8")
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            # the cluster's worker processes (and their kernels) are children of this process
            tree = TreeSampler(os.getpid(), skip_self=True)
            try:
                fig = batch_run(work / f"dask{n}", ["--level", "gemeinde", "--ags-file", str(ags_file),
                                                     "--scheduler", cluster.scheduler_address, *args])
            finally:
                peak, cpu = tree.stop()
                fig["peak_memory_mb_with_cluster"] = round(peak / 2**20)
                fig["cpu_s_with_cluster"] = round(cpu, 1)
        fig["command"] = fig["command"].replace(cluster.scheduler_address, "tcp://SCHEDULER:PORT")
        out[f"workers_{n}"] = fig
    r1, r2 = out["workers_1"].get("reports_per_s"), out["workers_2"].get("reports_per_s")
    if r1 and r2:
        out["scaling_2_vs_1"] = round(r2 / r1, 2)
    return out


def run(do_all: bool = False) -> dict:
    """``do_all``: every Gemeinde (``--all``); BENCH_GEMEINDEN_ALL=1 asks for it too (``make bench``)."""
    n = int(os.environ.get("BENCH_GEMEINDEN_N", "200"))
    do_all = do_all or os.environ.get("BENCH_GEMEINDEN_ALL", "0") == "1"
    draws = int(os.environ.get("BENCH_GEMEINDEN_DRAWS", "1000"))
    workers = int(os.environ.get("BENCH_GEMEINDEN_WORKERS", str(os.cpu_count() or 1)))
    notebook = os.environ.get("BENCH_GEMEINDEN_NOTEBOOK")
    stand_in = os.environ.get("BENCH_GEMEINDEN_STAND_IN", "0") == "1"
    dask_n = int(os.environ.get("BENCH_GEMEINDEN_DASK_N", "40"))
    keep = os.environ.get("BENCH_GEMEINDEN_OUT")
    charts = os.environ.get("BENCH_GEMEINDEN_CHARTS", "script")
    args = ["--draws", str(draws), "--charts", charts] + (["--notebook", notebook] if notebook else [])
    figures: dict = {"draws": draws, "workers": workers, "charts": charts,
                     "notebook": notebook or "notebooks/bericht.ipynb",
                     "load_before": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
                     "host_speed_s_before": host_speed_s(),
                     "note": "indicative: shared machine; completion times from meta/*.json mtimes"}
    from workbook.batch.runner import BatchOptions

    recycle = BatchOptions().recycle_after
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-gemeinden-"))
    work.mkdir(parents=True, exist_ok=True)
    if stand_in and not notebook:
        notebook = str(stand_in_notebook(work))
        args += ["--notebook", notebook]
        figures["notebook"] = ("stand-in: bericht.ipynb with ags = ags[:5] after the parameters "
                               "(the Kreis report of each Gemeinde's Kreis)")
    try:
        keys = sample_keys(ALL_GEMEINDEN if do_all else n)
        ags_file = work / "sample.txt"
        ags_file.write_text("\n".join(keys) + "\n", encoding="utf-8")
        # all of them: the command an analyst types (every Gemeinde, no key list)
        chosen = ["--level", "gemeinde"] if do_all else ["--level", "gemeinde", "--ags-file", str(ags_file)]
        sample = batch_run(work / "sample", [*chosen, "--workers", str(workers), *args])
        sample["n"] = len(keys)
        figures["sample" if not do_all else "all"] = sample
        # the main figures at once (stderr), so a later step that fails cannot take them along
        print(json.dumps({"main_run": sample}, ensure_ascii=False), file=sys.stderr, flush=True)
        figures["kernel_start_s"] = round(kernel_start_s(), 2)
        resume = batch_run(work / "sample", [*chosen, "--workers", str(workers), "--resume", *args])
        figures["resume_nothing_to_do"] = {"seconds": resume["seconds"], "skipped": resume["skipped"],
                                           "check_ms_per_report": round(resume_check_s(work / "sample") * 1000, 2)}
        figures["end_phase_full"] = end_phase_at_full_size(work / "sample", work)
        steady = sample.get("steady_reports_per_s")
        if steady and not do_all:
            restarts = ALL_GEMEINDEN / recycle / workers * figures["kernel_start_s"]
            predicted = (sample["first_report_s"] + (ALL_GEMEINDEN - 1) / steady + restarts
                         + figures["end_phase_full"].get("seconds", 0))
            figures["prediction_all"] = {
                "seconds": round(predicted), "minutes": round(predicted / 60, 1),
                "reports_per_s": round(ALL_GEMEINDEN / predicted, 2),
                "method": (f"first report {sample['first_report_s']} s + {ALL_GEMEINDEN - 1} / steady "
                           f"{steady} reports/s + kernel restarts {round(restarts)} s "
                           f"({ALL_GEMEINDEN} / recycle_after {recycle} / {workers} workers x "
                           f"{figures['kernel_start_s']} s) + end phase {figures['end_phase_full'].get('seconds')} s"),
                "resume_check_s": round(figures["resume_nothing_to_do"]["check_ms_per_report"] * ALL_GEMEINDEN / 1000, 1),
                "disk_gb": round(sample["disk_kb_per_report"] * ALL_GEMEINDEN / 2**20, 1),
            }
        cpu_per = sample.get("steady_cpu_s_per_report")
        if cpu_per and not do_all:
            cores = os.cpu_count() or 1
            restarts = ALL_GEMEINDEN / recycle / workers * figures["kernel_start_s"]
            idle = (sample["first_report_s"] + ALL_GEMEINDEN * cpu_per / cores + restarts
                    + figures["end_phase_full"].get("seconds", 0))
            figures["prediction_all_idle"] = {
                "seconds": round(idle), "minutes": round(idle / 60, 1),
                "reports_per_s": round(cores / cpu_per, 2),
                "method": (f"CPU of the whole process tree per warm report {cpu_per} s (coordinator, workers, "
                           f"kernels; between the tenth and the last completion of the sample) x {ALL_GEMEINDEN} "
                           f"/ {cores} cores, as if the cores "
                           f"were free for the batch; + first report {sample['first_report_s']} s + kernel restarts "
                           f"{round(restarts)} s + end phase; "
                           "an upper bound on the rate (both cores always busy)"),
            }
        if os.environ.get("BENCH_GEMEINDEN_DASK", "1") != "0":
            figures["dask"] = dask_runs(keys[:dask_n], args, work)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    figures["host_speed_s_after"] = host_speed_s()
    return figures


def main(argv: list[str]) -> int:
    """``--all`` or nothing (the settings are environment variables, see the module docstring)."""
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    unknown = [a for a in argv if a != "--all"]
    if unknown:
        print(f"bench_gemeinden.py: unknown argument {unknown[0]!r}; expected nothing or --all "
              "(settings: BENCH_GEMEINDEN_* environment variables, see --help)", file=sys.stderr)
        return 2
    print(json.dumps(run(do_all="--all" in argv), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
