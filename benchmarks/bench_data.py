"""Benchmark of the data layer: loading the base data (cold and warm) and importing.

    python benchmarks/bench_data.py      # prints the figures as JSON

``run()`` returns the figures for benchmarks/run.py. Timings depend on the
machine and its load; they are indicative, never asserted in tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "import"

COLD_SNIPPET = (
    "import time; t0 = time.perf_counter(); import pandas, yaml; t1 = time.perf_counter(); "
    "from workbook.data import load_kreise; df = load_kreise(local=False); t2 = time.perf_counter(); "
    "print(t1 - t0, t2 - t1, len(df))"
)


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run() -> dict:
    sys.path.insert(0, str(ROOT))
    from workbook import data as datasets
    from workbook.data.importer import import_file

    figures: dict[str, float | int | str] = {}
    colds = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD_SNIPPET], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout.split()
        colds.append((float(out[0]), float(out[1])))
    figures["cold_import_pandas_s"] = round(min(c[0] for c in colds), 4)
    figures["cold_load_kreise_s"] = round(min(c[1] for c in colds), 4)

    def cold_in_process():
        datasets.clear_cache()
        datasets.load_kreise(local=False)

    figures["cold_load_kreise_in_process_s"] = round(_best(cold_in_process, 5), 4)
    datasets.load_kreise()
    figures["warm_load_kreise_s"] = round(_best(lambda: datasets.load_kreise(), 50), 6)
    figures["warm_load_boundaries_s"] = round(_best(datasets.load_boundaries, 10), 4)
    figures["warm_load_neighbours_s"] = round(_best(datasets.load_neighbours, 20), 5)
    figures["verify_hashes_s"] = round(_best(datasets.verify_hashes, 5), 4)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKBOOK_LOCAL_DIR"] = tmp
        try:
            figures["import_inkar_dry_run_s"] = round(
                _best(lambda: import_file(FIXTURES / "inkar_export.csv", dry_run=True), 5), 4)
            figures["import_xlsx_dry_run_s"] = round(
                _best(lambda: import_file(FIXTURES / "kreise.xlsx", dry_run=True), 5), 4)
            # a full-size German CSV of all 401 Kreise
            df = datasets.load_kreise(local=False)
            big = Path(tmp) / "alle.csv"
            lines = ["AGS;Name;Einwohner 2019;Anteil Einwohner ab 65 Jahren (%)"]
            for rec in df.itertuples():
                lines.append(f"{rec.ags};{rec.name};{rec.population_2019:,};{rec.share_65plus * 100:.1f}"
                             .replace(",", "X").replace(".", ",").replace("X", "."))
            big.write_text("\n".join(lines) + "\n", encoding="utf-8")
            figures["import_401_rows_write_s"] = round(_best(lambda: import_file(big), 3), 4)
            datasets.clear_cache()
            figures["load_kreise_with_401_row_overlay_cold_s"] = round(
                _best(lambda: (datasets.clear_cache(), datasets.load_kreise()), 3), 4)
        finally:
            os.environ.pop("WORKBOOK_LOCAL_DIR", None)
            datasets.clear_cache()
    figures["note"] = "indicative: shared 2-core machine; best of several runs"
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
