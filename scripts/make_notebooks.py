"""Generate the six thin notebooks in notebooks/ from one small spec (their German text: workbook/texts/notebooks.py).

Every notebook has the same shape: a German introduction (what the page
shows, how to read each chart), a how-to for JupyterLab and Voila tagged
``remove-in-report`` (left out of batch reports), a note for analysts tagged
also ``remove-in-dashboard`` (left out of the Voila dashboards), the cell tagged ``parameters`` (Papermill),
one cell that imports ``workbook.apps.page.show`` and one that calls it with the page's app
name and the parameters. No
``def``/``class``, no outputs, fixed cell ids: the files are byte-stable, and
``--check`` fails when a committed notebook differs from the spec.

    .venv/bin/python scripts/make_notebooks.py          # write notebooks/*.ipynb
    .venv/bin/python scripts/make_notebooks.py --check  # verify only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))

from workbook.texts import notebooks as TN  # noqa: E402  (after the path: this checkout's texts)

#: the common parameters of every notebook: name, type, default (help: ``texts.notebooks.PARAM_HELP``)
COMMON_PARAMS = [
    ("ags", "str", '"05315"'),
    ("scenario", "str", '"all"'),
    ("draws", "int", "1000"),
    ("seed", "int", "20211"),
    ("interactive", "bool", "True"),
]

#: cells with this tag are dropped from static reports (workbook.batch.export.REMOVE_TAGS)
REPORT_TAG = "remove-in-report"

#: cells with this tag are left out of the Voila dashboards (workbook/templates/voila/index.html.j2):
#: council members do not need the analysts' note
DASHBOARD_TAG = "remove-in-dashboard"

#: one entry per notebook: its file, the app ``workbook.apps.page.show`` builds, its extra parameters
#: (name, type, default); title, introduction, charts and parameter help are in ``texts.notebooks.PAGES``
SPEC = [
    {"file": "00_uebersicht.ipynb", "app": "overview", "how_to_text": TN.HOW_TO_RUN_OVERVIEW,
     "extra": [("indicator", "str", '"offline_share"')]},
    {"file": "01_szenarien.ipynb", "app": "scenarios", "extra": [("focus", "str", '"S1"')]},
    {"file": "02_digitale_kluft.ipynb", "app": "divide", "extra": [("focus", "str", '"S0"')]},
    {"file": "03_regionale_kooperation.ipynb", "app": "cooperation", "extra": [("focus", "str", '"S4"')]},
    {"file": "04_telemedizin.ipynb", "app": "telemedicine", "extra": [("focus", "str", '"S0"')]},
    {"file": "bericht.ipynb", "app": "report", "how_to": False, "extra": []},
]


def _parameters_source(entry: dict) -> str:
    page_help = TN.PAGES[entry["file"]]["param_help"]
    rows = [(n, t, v, TN.PARAM_HELP[n]) for n, t, v in COMMON_PARAMS]
    if "interactive_default" in entry:
        rows[-1] = ("interactive", "bool", entry["interactive_default"], rows[-1][3])
    rows += [(n, t, v, page_help[n]) for n, t, v in entry.get("extra", [])]
    width = max(len(f"{n}: {t} = {v}") for n, t, v, _ in rows)
    return "\n".join(f"{f'{n}: {t} = {v}':<{width}}  # {c}" for n, t, v, c in rows)


def build(entry: dict) -> nbformat.NotebookNode:
    page = TN.PAGES[entry["file"]]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "title": page["title"],
    }
    md = [f"# {page['title']}", "", page["intro"]]
    if page["charts"]:
        md += ["", TN.CHARTS_HEADING, ""]
        md += [f"- **{name}:** {text}" for name, text in page["charts"]]
    extras = ", ".join(f"{n}={n}" for n, *_ in entry.get("extra", []))
    call = (f'show("{entry["app"]}", ags=ags, scenario=scenario, draws=draws, seed=seed, '
            f'interactive=interactive{", " + extras if extras else ""})')
    cells = [
        nbformat.v4.new_markdown_cell("\n".join(md)),
        nbformat.v4.new_code_cell(_parameters_source(entry)),
        nbformat.v4.new_code_cell("from workbook.apps.page import show"),
        nbformat.v4.new_code_cell(call),
    ]
    cells[1].metadata["tags"] = ["parameters"]
    for cell, cid in zip(cells, ("intro", "parameters", "import", "app")):
        cell.id = cid
    if entry.get("how_to", True):
        # help for JupyterLab and Voila (Kreis picker, sliders, downloads) and a note for analysts:
        # their own cells, tagged so that static reports (``workbook batch``, REPORT_TAG) leave both
        # out and the dashboards (DASHBOARD_TAG) the analysts' note
        how_to = nbformat.v4.new_markdown_cell(entry.get("how_to_text", TN.HOW_TO_RUN))
        how_to.id = "how-to"
        how_to.metadata["tags"] = [REPORT_TAG]
        analysts = nbformat.v4.new_markdown_cell(TN.ANALYST_NOTE.format(name=f"notebooks/{entry['file']}"))
        analysts.id = "for-analysts"
        analysts.metadata["tags"] = [REPORT_TAG, DASHBOARD_TAG]
        cells[1:1] = [how_to, analysts]
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def render(entry: dict) -> str:
    return nbformat.writes(build(entry)) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = ap.parse_args(argv)
    stale = []
    for entry in SPEC:
        path = NOTEBOOKS / entry["file"]
        text = render(entry)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(entry["file"])
        if not args.check:
            NOTEBOOKS.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=NOTEBOOKS, prefix=f".{entry['file']}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, path)
    if args.check and stale:
        print("notebooks differ from scripts/make_notebooks.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    if not args.check:
        print("written: " + (", ".join(stale) if stale else "nothing (up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
