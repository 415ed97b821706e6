"""Run every ``benchmarks/bench_*.py`` and collect its figures.

Each bench module exposes ``run() -> dict`` of figures. This script imports each
in turn, calls ``run()``, prints one table, and writes
``benchmarks/results/<name>.json`` per bench (name without ``bench_``) plus
``benchmarks/results/summary.json``. A failing bench is reported and does not stop
the others; the exit status is 1 if any failed.

    python benchmarks/run.py               # all benches
    python benchmarks/run.py engine batch  # only bench_engine.py and bench_batch.py

Timings on shared machines are indicative; the machine's load average is recorded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def discover(names: list[str] | None = None) -> list[Path]:
    files = sorted(HERE.glob("bench_*.py"))
    if names:
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in names}
        unknown = wanted - {f.stem.removeprefix("bench_") for f in files}
        if unknown:
            raise SystemExit(f"unknown bench(es): {', '.join(sorted(unknown))}; available: "
                             + ", ".join(f.stem.removeprefix("bench_") for f in files))
        files = [f for f in files if f.stem.removeprefix("bench_") in wanted]
    return files


def run_one(path: Path) -> dict:
    name = path.stem.removeprefix("bench_")
    started = time.perf_counter()
    record: dict = {"bench": name, "file": path.name}
    try:
        spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        figures = module.run()
        if not isinstance(figures, dict):
            raise TypeError(f"run() returned {type(figures).__name__}, expected dict")
        record.update(status="ok", figures=figures)
    except Exception as exc:  # one failing bench does not stop the others
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}",
                      traceback=traceback.format_exc(limit=5))
    record["seconds"] = round(time.perf_counter() - started, 2)
    return record


def environment() -> dict:
    try:
        import numpy
        numpy_version = numpy.__version__
    except ImportError:  # pragma: no cover
        numpy_version = None
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "numpy": numpy_version, "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)


def print_table(records: list[dict]) -> None:
    rows = []
    for rec in records:
        if rec["status"] != "ok":
            rows.append((rec["bench"], "FAILED", rec["error"]))
            continue
        for key, value in rec["figures"].items():
            rows.append((rec["bench"], key, str(value)))
    w1 = max([len(r[0]) for r in rows] + [5])
    w2 = max([len(r[1]) for r in rows] + [6])
    print(f"{'bench':<{w1}}  {'figure':<{w2}}  value")
    print(f"{'-' * w1}  {'-' * w2}  -----")
    for bench, key, value in rows:
        print(f"{bench:<{w1}}  {key:<{w2}}  {value}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(HERE.parent))
    records = []
    for path in discover(argv or None):
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        rec = run_one(path)
        rec["environment"] = environment()
        _write_json(RESULTS / f"{rec['bench']}.json", rec)
        records.append(rec)
    _write_json(RESULTS / "summary.json", {"environment": environment(), "benches": records})
    print_table(records)
    return 1 if any(r["status"] != "ok" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
