"""The ``workbook`` command.

All argument parsing lives here; the handlers live in one module per command
group (``data``, ``imports``, ``scenarios``, ``project``, ``batch``,
``dashboard``) and stay thin: arguments -> the domain API -> print. They are
imported only for the command that runs, and import their layer lazily, so
``workbook --help`` is instant and a failure in one layer never breaks the
others. A user's mistake (any ``WorkbookError``) is printed as one message,
never as a traceback, and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..chart_modes import DEFAULT_MODE, STATIC_CHART_MODES
from ..errors import WorkbookError


def _group(sub, name: str, summary: str):
    """A command with actions (``workbook NAME ACTION``); one of the actions is required."""
    actions = sub.add_parser(name, help=summary).add_subparsers(dest=f"{name}_command", metavar="ACTION")
    actions.required = True
    return actions


def _action(actions, name: str, summary: str, handler: str) -> argparse.ArgumentParser:
    """One action of a group, run by ``handler`` ("module:function")."""
    parser = actions.add_parser(name, help=summary)
    parser.set_defaults(handler=handler)
    return parser


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="Drehbuch Digitale Kommune: scenarios, reports and dashboards for German Kreise.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    # -- data -------------------------------------------------------------
    data = _group(sub, "data", "inspect and validate the base data")
    _action(data, "check", "validate the shipped data and print a summary", "workbook.cli.data:check")
    _action(data, "dictionary", "print the data dictionary (Markdown)", "workbook.cli.data:dictionary")

    # -- import -----------------------------------------------------------
    p_imp = sub.add_parser("import", help="import a municipality's own figures (CSV, Excel, INKAR)")
    p_imp.add_argument("file", nargs="?", default=None, help="CSV, XLSX or INKAR export")
    p_imp.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    p_imp.add_argument("--map", action="append", default=[], metavar="HEADER=column",
                       help="map a header of the file onto a registry column (repeatable)")
    p_imp.add_argument("--sheet", default=None, help="Excel sheet name (default: the first)")
    p_imp.add_argument("--reset", action="store_true",
                       help="remove the local overlay instead of importing (FILE is ignored)")
    p_imp.set_defaults(handler="workbook.cli.imports:run")

    # -- scenarios --------------------------------------------------------
    scenarios = _group(sub, "scenarios", "list, show and validate scenarios")
    _action(scenarios, "list", "list the scenarios", "workbook.cli.scenarios:list_scenarios")
    p_show = _action(scenarios, "show", "show one scenario and what it changes", "workbook.cli.scenarios:show")
    p_show.add_argument("scenario", help="scenario id (S0..S5) or a YAML file")
    p_val = _action(scenarios, "validate", "validate a scenario or parameter YAML file",
                    "workbook.cli.scenarios:validate")
    p_val.add_argument("file")

    # -- project ----------------------------------------------------------
    p_proj = sub.add_parser("project", help="project all topics 2021-2030 with uncertainty bands")
    p_proj.add_argument("--ags", default="all", help="AGS list (comma-separated) or 'all'")
    p_proj.add_argument("--scenario", default="all", help="scenario ids (comma-separated), a YAML file, or 'all'")
    p_proj.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws per scenario (0 = defaults only)")
    p_proj.add_argument("--seed", type=int, default=20211, help="random seed (stored with the results)")
    p_proj.add_argument("--topics", default="all", help="topics (comma-separated) or 'all'")
    p_proj.add_argument("--out", default=None, help="output file (.csv, .xlsx or .parquet); default: stdout summary")
    p_proj.set_defaults(handler="workbook.cli.project:run")

    # -- batch ------------------------------------------------------------
    p_batch = sub.add_parser("batch", help="render one report per Kreis or Gemeinde (Papermill)")
    p_batch.add_argument("--level", default=None, choices=None, metavar="{kreis,gemeinde}",
                         help="kreis: every Kreis (default); gemeinde: every Gemeinde (narrowed by the options below)")
    p_batch.add_argument("--ags", default=None,
                         help="Kreis (5-digit) and Gemeinde (8-digit) keys, comma-separated, mixed; default: all of --level")
    p_batch.add_argument("--ags-file", default=None, help="file with one key per line (5 or 8 digits)")
    p_batch.add_argument("--land", default=None, help="Land AGS (2 digits) or name, comma-separated")
    p_batch.add_argument("--kreis", action="append", default=None, metavar="AGS",
                         help="Kreis keys (repeatable or comma-separated): the Kreise, or with --level gemeinde their Gemeinden")
    p_batch.add_argument("--kreis-type", default=None,
                         help="Kreis type(s), comma-separated; for Gemeinden also the BBSR type (e.g. Landgemeinde)")
    p_batch.add_argument("--min-population", default=None, metavar="N",
                         help="only places with at least N inhabitants (31.12.2019)")
    p_batch.add_argument("--scenario", default="all", help="scenario ids (comma-separated) or 'all'")
    p_batch.add_argument("--draws", type=int, default=1000)
    p_batch.add_argument("--seed", type=int, default=20211)
    p_batch.add_argument("--out", default="reports", help="output folder")
    p_batch.add_argument("--workers", type=int, default=None, help="local workers (default: CPU cores)")
    p_batch.add_argument("--scheduler", default=None, help="Dask scheduler address tcp://HOST:PORT")
    p_batch.add_argument("--resume", action="store_true", help="skip reports that are up to date")
    p_batch.add_argument("--timeout", type=float, default=300.0, help="seconds per report")
    p_batch.add_argument("--pdf", action="store_true", help="also print each report to PDF (chromium)")
    p_batch.add_argument("--charts", default=DEFAULT_MODE, metavar="|".join(STATIC_CHART_MODES),
                         help="svg (default): charts inside each report, no script; script: the browser draws "
                              "them from the folder's assets/wb-charts.js (a third less CPU a report; for "
                              "thousands of pages)")
    p_batch.add_argument("--notebook", default=None, help="report notebook (default: notebooks/bericht.ipynb)")
    p_batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_batch.set_defaults(handler="workbook.cli.batch:run")

    # -- dashboard --------------------------------------------------------
    p_dash = sub.add_parser("dashboard", help="serve the Voila dashboards")
    p_dash.add_argument("--port", type=int, default=8866)
    p_dash.add_argument("--ip", default="127.0.0.1", help="bind address (default: loopback only)")
    p_dash.add_argument("--no-browser", action="store_true")
    p_dash.set_defaults(handler="workbook.cli.dashboard:run")

    return parser


def _resolve(handler: str):
    module_name, func_name = handler.split(":")
    import importlib

    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        func = _resolve(args.handler)
        result = func(args)
    except WorkbookError as exc:
        print(f"Fehler / error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Abgebrochen / interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `workbook ... | head` closed the pipe: not an error of the user's.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
