"""How much the 401 Kreise differ: spread of the 2030 trend values (issue 13).

For the trend scenario S0 and the ``default`` run (every parameter at its resolved
value, no Monte Carlo), prints for ``ddi.index``, every ``ddi.*`` sub-index and every
topic indicator the 10th, 50th and 90th percentile over the Kreise of the 2030 value,
the p90 - p10 range and that range relative to the median. A range near zero means the
models give every place the same figure: the difference between places then does not
come from the data. ``--draws N`` adds the median half-width of one Kreis' 90 % band
(p95 - p5) / 2 for comparison (Monte Carlo, slower).

    python benchmarks/bench_spread.py               # table on stdout
    python benchmarks/bench_spread.py --json out.json
    python benchmarks/run.py spread                 # through the bench runner

Not a timing benchmark: the figures depend only on data, parameters and code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

YEAR = 2030
SCENARIO = "S0"
#: units that are not counts of a Kreis' population, so no "per 1,000 inhabitants" figure
PER_CAPITA_EXEMPT = {"1", "EUR/Person", "Mitglieder", "Tage"}


def spread(draws: int = 0, year: int = YEAR, scenario: str = SCENARIO) -> dict[str, dict]:
    """{indicator: {unit, p10, p50, p90, range, range_rel[, band_half_width]}} over all Kreise."""
    from workbook import engine
    table = engine.project("all", scenario, draws=draws, topics="all")
    from workbook.data import load_kreise
    kreise = load_kreise()
    population = kreise.set_index(kreise["ags"].astype(str))["population_2019"].astype(float)
    table = table[table["year"] == year]
    out: dict[str, dict] = {}
    wide = table.pivot_table(index=["indicator", "ags"], columns="quantile", values="value",
                             observed=True)
    units = table.drop_duplicates("indicator").set_index("indicator")["unit"].astype(str)
    names = list(dict.fromkeys(table["indicator"].astype(str)))
    order = sorted(names, key=lambda n: (not n.startswith("ddi."), n != "ddi.index", n))
    for name in order:
        rows = wide.loc[name]
        v = rows["default"].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            continue
        p10, p50, p90 = (float(x) for x in np.percentile(v, [10, 50, 90]))
        rec = {"unit": units.get(name, ""), "kreise": int(v.size), "p10": p10, "p50": p50, "p90": p90,
               "range": p90 - p10, "range_rel": (p90 - p10) / abs(p50) if p50 else float("nan")}
        if rec["unit"] not in PER_CAPITA_EXEMPT:
            per = (rows["default"] / population.reindex(rows.index.astype(str)).to_numpy() * 1000.0).to_numpy()
            per = per[np.isfinite(per)]
            q10, q50, q90 = (float(x) for x in np.percentile(per, [10, 50, 90]))
            rec.update(per_1000_p10=q10, per_1000_p50=q50, per_1000_p90=q90,
                       per_1000_range_rel=(q90 - q10) / abs(q50) if q50 else float("nan"))
        if draws > 0 and {"p5", "p95"} <= set(rows.columns):
            rec["band_half_width"] = float(np.median((rows["p95"] - rows["p5"]).to_numpy() / 2))
        out[name] = rec
    return out


def calibration() -> dict:
    """The calibrations the docs claim, re-checked on the current data and code.

    - D21: online share 14+ of all 401 Kreise together in 2021 (D21 2021/22: 91 %) and the
      offliners 14+ (about 6.3 million), from the divide model's default run;
    - scenario means: mean over the 401 Kreise of ddi.index in 2021 and 2030 per scenario
      (default run), with alpha at its value and with alpha = 0 (docs/scenarios.md);
    - telemedicine example: the MODELS.md rural Kreis of 15,000 through ``run()`` is a unit
      test (tests/test_telemedicine.py); here the same figures for the mean dünn besiedelt
      Kreis of the data per 15,000 inhabitants.
    """
    from workbook import engine
    from workbook.models import demography as demo
    from workbook.models import divide

    out: dict = {}
    div = engine.project("all", "S0", draws=0, topics="divide")
    plan = engine.prepare("all", "S0", draws=0, topics="divide")
    kreise = plan.kreise
    from workbook.models.base import ModelContext
    ctx = ModelContext(kreise.reset_index(drop=True), engine.YEARS, plan.runs["S0"], extra={})
    w = divide._weights(ctx)
    pop = divide._population(ctx)
    pop14 = float((w[:, demo.FIRST_14PLUS:].sum(axis=1) * pop).sum())
    off = div[(div["indicator"] == "divide.offliners") & (div["year"] == 2021)]["value"].sum()
    out["d21_online_14plus_2021"] = 1.0 - float(off) / pop14
    out["d21_offliners_14plus_2021_million"] = float(off) / 1e6
    pop65 = float((w[:, demo.FIRST_65PLUS:].sum(axis=1) * pop).sum())
    off65 = div[(div["indicator"] == "divide.offliners_65plus") & (div["year"] == 2021)]["value"].sum()
    out["online_65plus_2021"] = 1.0 - float(off65) / pop65
    out["share_65plus_all_kreise"] = pop65 / float(pop.sum())
    for alpha in (None, 0.0):
        over = None if alpha is None else {"ddi.alpha": alpha}
        t = engine.project("all", "all", draws=0, topics="divide,digitalisation", overrides=over)
        t = t[t["indicator"] == "ddi.index"]
        tag = "alpha_default" if alpha is None else "alpha_0"
        for sid in dict.fromkeys(t["scenario"].astype(str)):
            one = t[t["scenario"] == sid]
            out[f"ddi_mean_{sid}_2030_{tag}"] = float(one[one["year"] == 2030]["value"].mean())
        out[f"ddi_mean_2021_{tag}"] = float(t[(t["year"] == 2021) & (t["scenario"] == "S0")]["value"].mean())
    tele = engine.project("all", "S0", draws=0, topics="divide,telemedicine")
    tele = tele[tele["year"] == 2030]
    rural = kreise.loc[kreise["settlement_type"] == "duenn_besiedelt", "ags"].astype(str)
    popr = kreise.set_index(kreise["ags"].astype(str))["population_2019"].astype(float)
    for ind in ("tele.video_share_effective", "tele.trips_avoided", "tele.car_km_avoided",
                "tele.co2_avoided_t", "tele.patient_hours_saved"):
        one = tele[(tele["indicator"] == ind) & (tele["ags"].astype(str).isin(rural))]
        vals = one.set_index(one["ags"].astype(str))["value"]
        if ind == "tele.video_share_effective":
            out[f"rural_{ind}"] = float(np.average(vals, weights=popr[vals.index]))
        else:
            out[f"rural_{ind}_per_15000"] = float(vals.sum() / popr[vals.index].sum() * 15_000)
    return out


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "nan"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def format_table(figures: dict[str, dict]) -> str:
    has_band = any("band_half_width" in r for r in figures.values())
    head = f"{'indicator':<42} {'unit':<10} {'p10':>12} {'p50':>12} {'p90':>12} {'p90-p10':>12} {'rel':>7}"
    if has_band:
        head += f" {'band±':>10}"
    lines = [f"S0 default, {YEAR}, spread over the Kreise (counts also per 1,000 inhabitants below)",
             head, "-" * len(head)]
    for name, r in figures.items():
        line = (f"{name:<42} {r['unit']:<10} {_fmt(r['p10']):>12} {_fmt(r['p50']):>12} "
                f"{_fmt(r['p90']):>12} {_fmt(r['range']):>12} {r['range_rel'] * 100:>6.1f}%")
        if has_band:
            line += f" {_fmt(r.get('band_half_width', float('nan'))):>10}"
        lines.append(line)
    per = {n: r for n, r in figures.items() if "per_1000_p10" in r}
    if per:
        lines += ["", f"{'per 1,000 inhabitants':<53} {'p10':>12} {'p50':>12} {'p90':>12} {'':>12} {'rel':>7}"]
        for name, r in per.items():
            lines.append(f"{name:<42} {r['unit']:<10} {_fmt(r['per_1000_p10']):>12} {_fmt(r['per_1000_p50']):>12} "
                         f"{_fmt(r['per_1000_p90']):>12} {'':>12} {r['per_1000_range_rel'] * 100:>6.1f}%")
    return "\n".join(lines)


def run(draws: int = 0) -> dict:
    """Figures for benchmarks/run.py: p10/p90 per indicator (flat keys)."""
    figures = spread(draws)
    flat: dict = {}
    for name, r in figures.items():
        flat[f"{name}.p10"] = round(r["p10"], 4)
        flat[f"{name}.p90"] = round(r["p90"], 4)
    print(format_table(figures), file=sys.stderr)
    return flat


def compare_markdown(before: dict, after: dict) -> str:
    """Markdown table of p10-p90 before and after (and per 1,000 inhabitants for counts)."""
    def cell(r, prefix=""):
        if r is None or f"{prefix}p10" not in r:
            return "–"
        return f"{_fmt(r[prefix + 'p10'])} – {_fmt(r[prefix + 'p90'])}"
    lines = ["| indicator (S0, 2030, default run) | before p10 – p90 | after p10 – p90 | "
             "per 1,000 inh. before | per 1,000 inh. after |",
             "|---|---|---|---|---|"]
    for name in dict.fromkeys([*before, *after]):
        b, a = before.get(name), after.get(name)
        lines.append(f"| `{name}` | {cell(b)} | {cell(a)} | {cell(b, 'per_1000_')} | {cell(a, 'per_1000_')} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=0, help="Monte Carlo draws for the band column")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--calibration", action="store_true",
                        help="print the re-checked calibrations (D21, scenario means, telemedicine) instead")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                        help="print a Markdown table of two --json outputs side by side")
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(Path(f).read_text(encoding="utf-8")) for f in args.compare)
        print(compare_markdown(before, after))
        return 0
    if args.calibration:
        cal = calibration()
        for key, value in cal.items():
            print(f"{key:<48} {value:.4f}")
        if args.json:
            from pathlib import Path

            from workbook.fsutil import atomic_write
            atomic_write(Path(args.json), json.dumps(cal, indent=2) + "\n")
        return 0
    figures = spread(args.draws)
    print(format_table(figures))
    if args.json:
        from pathlib import Path

        from workbook.fsutil import atomic_write
        text = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
        atomic_write(Path(args.json), text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    sys.exit(main())
