"""``workbook batch``: one report per Kreis or Gemeinde (see docs/batch.md)."""

from __future__ import annotations

import os
from pathlib import Path


def run(args) -> int:
    from ..batch import BatchOptions, run_batch
    from ..errors import BatchError

    opts = BatchOptions(
        out=Path(args.out), ags=args.ags, ags_file=args.ags_file, land=args.land,
        kreis_type=args.kreis_type, level=args.level, kreis=args.kreis, min_population=args.min_population, scenario=args.scenario, draws=args.draws, seed=args.seed,
        workers=args.workers, scheduler=args.scheduler, resume=args.resume, timeout=args.timeout,
        pdf=args.pdf, charts=args.charts, notebook=Path(args.notebook) if args.notebook else None,
        progress=not args.no_progress,
    )
    if opts.pdf and not os.path.exists("/usr/bin/chromium"):
        raise BatchError("--pdf braucht /usr/bin/chromium (apt-get install chromium) / needs chromium",
                         key="--pdf")
    return run_batch(opts).exit_code
