"""``workbook project``: the long table to a file (machine-readable) or a 2030 summary."""

from __future__ import annotations

from pathlib import Path


def run(args) -> int:
    from .. import results
    from ..engine import project
    from ..errors import SelectionError
    from ..texts import scenarios as T

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise SelectionError(f"unsupported output type {out.suffix or '(none)'!r}; expected .csv, .xlsx or "
                             ".parquet", file=str(out))
    table = project(ags=args.ags, scenarios=args.scenario, draws=args.draws, seed=args.seed,
                    topics=args.topics)
    if out is not None:
        results.write(table, out)
        print(T.written(str(out), len(table), table.attrs))
    else:
        print(T.summary_2030(table))
    return 0
