"""Batch benchmark: naive Papermill/nbconvert CLI loop vs ``workbook batch``.

On N Kreise (default 20, spread over all Länder) it times

* the naive loop: ``papermill`` CLI then ``jupyter nbconvert --to html`` CLI,
  one Kreis after the other (what the batch replaces), on all N Kreise (about
  4 minutes for 20; BENCH_BATCH_NAIVE=k times only the first k and extrapolates
  the time per report to N, method printed in ``naive_method``), and
* ``workbook batch`` (CLI, cold start included) with ``--workers`` (default: cores)
  on all N,

prints the ratio per report (naive seconds per report / batch seconds per
report), then renders all 401 Kreise with ``workbook batch`` and
reports wall time, reports per second, HTML sizes and the peak memory of the
whole process tree (coordinator, workers, kernels; sampled every 0.2 s).

    python benchmarks/bench_batch.py                 # N=20, then all 401
    BENCH_BATCH_N=5 BENCH_BATCH_ALL=0 python benchmarks/bench_batch.py   # quick look

Environment: BENCH_BATCH_N, BENCH_BATCH_NAIVE, BENCH_BATCH_ALL (1/0), BENCH_BATCH_DRAWS (default
1000 as in ``make reports``), BENCH_BATCH_WORKERS. Timings on a shared machine
are indicative only; the load average before and after is recorded.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "bericht.ipynb"


def _spread(n: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from workbook.data import load_kreise

    ags = list(load_kreise()["ags"])
    step = max(1, len(ags) // n)
    return ags[::step][:n]


class PeakMemory:
    """Peak summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.2):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _run(cmd: list[str], cwd: Path = ROOT, timeout: float = 3600) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = PeakMemory(proc.pid)
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        peak = mem.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}): {err[-2000:]}")
    return time.perf_counter() - t0, peak, err


def naive_loop(ags_list: list[str], draws: int, work: Path) -> float:
    t0 = time.perf_counter()
    for ags in ags_list:
        nb_out = work / f"{ags}.ipynb"
        _run([str(BIN / "papermill"), str(NOTEBOOK), str(nb_out), "-p", "ags", ags, "-p", "interactive", "False",
              "-p", "draws", str(draws), "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)])
    return time.perf_counter() - t0


def batch(out: Path, draws: int, workers: int, ags: list[str] | None = None) -> dict:
    cmd = [str(BIN / "workbook"), "batch", "--out", str(out), "--draws", str(draws),
           "--workers", str(workers), "--no-progress"]
    if ags:
        cmd += ["--ags", ",".join(ags)]
    seconds, peak, _log = _run(cmd)
    sizes = [p.stat().st_size for p in out.glob("*.html") if p.name != "index.html"]
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    statuses = [r["status"] for r in man["kreise"].values()]
    per_report = [r.get("seconds") for r in man["kreise"].values() if r.get("seconds")]
    return {
        "seconds": round(seconds, 2), "reports": len(sizes), "failed": statuses.count("failed"),
        "reports_per_s": round(len(sizes) / seconds, 3), "peak_memory_mb": round(peak / 2**20),
        "html_kb_max": round(max(sizes) / 1024, 1) if sizes else None,
        "html_kb_mean": round(statistics.mean(sizes) / 1024, 1) if sizes else None,
        "index_kb": round((out / "index.html").stat().st_size / 1024, 1),
        "report_s_median": round(statistics.median(per_report), 3) if per_report else None,
    }


def run() -> dict:
    n = int(os.environ.get("BENCH_BATCH_N", "20"))
    draws = int(os.environ.get("BENCH_BATCH_DRAWS", "1000"))
    workers = int(os.environ.get("BENCH_BATCH_WORKERS", str(os.cpu_count() or 1)))
    do_all = os.environ.get("BENCH_BATCH_ALL", "1") != "0"
    figures: dict = {"n": n, "draws": draws, "workers": workers, "load_before": os.getloadavg()[0],
                     "note": "indicative: shared machine"}
    n_naive = max(1, min(n, int(os.environ.get("BENCH_BATCH_NAIVE", str(n)))))
    ags = _spread(n)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        (tmp / "naive").mkdir()
        naive = naive_loop(ags[:n_naive], draws, tmp / "naive")
        naive_per_report = naive / n_naive
        b = batch(tmp / "batch20", draws, workers, ags)
        batch_per_report = b["seconds"] / n
        figures.update(
            naive_n=n_naive, naive_s=round(naive, 2), naive_s_per_report=round(naive_per_report, 2),
            naive_s_for_n=round(naive_per_report * n, 1),
            naive_method=(f"naive loop timed on {n_naive} of the {n} Kreise, one after the other; "
                          f"seconds per report x {n} = naive_s_for_n"
                          + ("" if n_naive < n else " (measured, not extrapolated)")),
            batch_s=b["seconds"], batch_s_per_report=round(batch_per_report, 3),
            speedup=round(naive_per_report / batch_per_report, 1), batch_n=b)
        if do_all:
            figures["all"] = batch(tmp / "all", draws, workers)
    figures["load_after"] = os.getloadavg()[0]
    return figures


if __name__ == "__main__":
    result = run()
    print(json.dumps(result, indent=1))
    print(f"method: {result['naive_method']}; workbook batch (cold start included) on all {result['n']}",
          file=sys.stderr)
    print(f"naive {result['naive_s_per_report']} s a report ({result['naive_s_for_n']} s for {result['n']}) vs "
          f"workbook batch {result['batch_s_per_report']} s a report ({result['batch_s']} s for {result['n']}): "
          f"{result['speedup']}x faster", file=sys.stderr)
    if "all" in result:
        a = result["all"]
        print(f"all {a['reports']} reports: {a['seconds']} s, {a['failed']} failed, HTML max {a['html_kb_max']} KB, "
              f"peak memory {a['peak_memory_mb']} MB (load {result['load_before']:.1f} -> "
              f"{result['load_after']:.1f})", file=sys.stderr)
