"""How fast hostile and oversized inputs are refused, and what the checks cost (issue 8).

Figures (indicative: shared 2-core machines vary a lot; the tests never assert time):
- refusing a 200 MB import (sparse file), a 200 MB scenario YAML, a YAML alias bomb,
  5,000 nested brackets: milliseconds (median of 5) and traced Python memory peak;
- the validation cost of ``ParameterSet.resolve`` with every parameter overridden
  (microseconds per call) against ``resolve()`` without overrides;
- ``export.safe_filename`` on a 5,000-character hostile name (microseconds).

Run standalone: ``python benchmarks/bench_hardening.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB200 = 200 * 1024 * 1024


def _sparse(path: Path, head: bytes) -> Path:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(MB200)
    return path


def _refusal(call, repeat: int = 5) -> dict:
    """Median wall ms of a call that must raise a WorkbookError, and its traced peak."""
    from workbook.errors import WorkbookError

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            call()
        except WorkbookError:
            pass
        else:
            raise AssertionError("the input was accepted")
        times.append((time.perf_counter() - t0) * 1000)
    tracemalloc.start()
    try:
        try:
            call()
        except WorkbookError:
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"ms": round(statistics.median(times), 2), "peak_mb": round(peak / 2**20, 2)}


def _per_call_us(call, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        call()
    return round((time.perf_counter() - t0) / n * 1e6, 1)


def run() -> dict:
    from workbook import data as datasets
    from workbook import export, params
    from workbook.data.importer import import_file

    out: dict[str, object] = {"load_average": list(os.getloadavg())}
    P = params.load_parameters()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["WORKBOOK_LOCAL_DIR"] = str(tmp / "local")
        datasets.clear_cache()
        big_csv = _sparse(tmp / "riesig.csv", b"ags;population_2019\n")
        big_yml = _sparse(tmp / "riesig.yml", b"id: U1\ntitle_de: x\nchanges: {}\n#")
        nested = tmp / "tief.yml"
        nested.write_text("id: U1\ntitle_de: x\nchanges: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
        bomb = ROOT / "tests" / "fixtures" / "bad" / "scenario_alias_bomb.yml"
        out["refuse_200mb_import"] = _refusal(lambda: import_file(big_csv))
        out["refuse_200mb_scenario_yaml"] = _refusal(lambda: params.load_scenario(big_yml, P))
        out["refuse_nested_5000_yaml"] = _refusal(lambda: params.load_scenario(nested, P))
        out["refuse_alias_bomb_yaml"] = _refusal(lambda: params.load_scenario(bomb, P))
        datasets.clear_cache()
    overrides = {k: rec.default for k, rec in P.items()}
    out["resolve_defaults_us"] = _per_call_us(lambda: P.resolve(), 2000)
    out["resolve_all_overridden_us"] = _per_call_us(lambda: P.resolve(None, overrides), 2000)
    out["parameters"] = len(P)
    hostile = "../" * 1000 + "\x00" + "ä" * 2000
    out["safe_filename_5000_chars_us"] = _per_call_us(lambda: export.safe_filename(hostile), 2000)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
