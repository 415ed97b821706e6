"""Batch: file names, selection, external references, outputs, index page (fast unit tests)."""

from __future__ import annotations

import errno
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_helpers import table_order

from workbook.batch import index as IX
from workbook.batch import outputs as O
from workbook.batch.export import external_references
from workbook.batch.naming import inside, report_stem, safe_slug
from workbook.batch.progress import Progress
from workbook.batch.selection import read_ags_file, select_kreise
from workbook.errors import BatchError, SelectionError
from workbook.fsutil import atomic_write
from workbook.texts import batch as T

KREISE = pd.DataFrame({
    "ags": ["01001", "01002", "05315", "09162", "16069"],
    "name": ["Flensburg, Stadt", "Kiel, Landeshauptstadt", "Köln, Stadt", "München, Landeshauptstadt",
             "Hildburghausen"],
    "land_ags": ["01", "01", "05", "09", "16"],
    "land_name": ["Schleswig-Holstein", "Schleswig-Holstein", "Nordrhein-Westfalen", "Bayern", "Thüringen"],
    "kreis_type": ["Kreisfreie Stadt", "Kreisfreie Stadt", "Kreisfreie Stadt", "Kreisfreie Stadt", "Landkreis"],
    "settlement_type": ["staedtischer_kreis", "kreisfreie_grossstadt", "kreisfreie_grossstadt",
                        "kreisfreie_grossstadt", "duenn_besiedelt"],
})


# -- names ----------------------------------------------------------------------
@pytest.mark.parametrize("name, slug", [
    ("Köln, Stadt", "koeln-stadt"),
    ("Göttingen", "goettingen"),
    ("Straßburg  a.d. Weiß", "strassburg-a-d-weiss"),
    ("../../etc/passwd", "etc-passwd"),
    ("a/b\\c", "a-b-c"),
    ("x\x00y", "x-y"),
    ("..", "kreis"),
    ("", "kreis"),
    ("🙂🙂", "kreis"),
    ("Ærø Łódź", "aero-lodz"),
])
def test_safe_slug(name, slug):
    assert safe_slug(name) == slug


def test_slug_is_capped_and_never_a_path():
    slug = safe_slug("Ä" * 500 + "/../x")
    assert len(slug) <= 60
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


def test_report_stem_refuses_a_bad_ags():
    assert report_stem("05315", "Köln, Stadt") == "05315_koeln-stadt"
    with pytest.raises(BatchError, match=r"'\.\./1' is not a 5-digit Kreis key"):
        report_stem("../1", "x")


def test_inside_refuses_escapes(tmp_path):
    assert inside(tmp_path, "a.html") == tmp_path.resolve() / "a.html"
    for bad in ("..", "../x", "a/b", "x\x00", ""):
        with pytest.raises(BatchError, match="unsafe file name"):
            inside(tmp_path, bad)


# -- selection ------------------------------------------------------------------
def test_select_all_by_default():
    assert list(select_kreise(KREISE)["ags"]) == list(KREISE["ags"])


def test_select_ags_list_restores_leading_zero():
    assert list(select_kreise(KREISE, ags="5315, 16069")["ags"]) == ["05315", "16069"]


def test_unknown_ags_named():
    with pytest.raises(SelectionError, match=r"key '--ags': unknown AGS / unbekannte Kreisschlüssel: 05999, 99999"):
        select_kreise(KREISE, ags="05315,99999,05999")


def test_not_an_ags():
    with pytest.raises(SelectionError, match=r"key '--ags': 'Köln' ist kein Kreis- oder Gemeindeschlüssel"):
        select_kreise(KREISE, ags="Köln")


def test_select_land_by_code_and_name():
    assert list(select_kreise(KREISE, land="1")["ags"]) == ["01001", "01002"]
    assert list(select_kreise(KREISE, land="thüringen")["ags"]) == ["16069"]
    assert list(select_kreise(KREISE, land="05,Bayern")["ags"]) == ["05315", "09162"]


def test_unknown_land_suggests():
    with pytest.raises(SelectionError, match=r"unbekanntes Land: Bayren \(meinten Sie / did you mean: Bayern\?\)"):
        select_kreise(KREISE, land="Bayren")


def test_select_kreis_type_and_settlement_type():
    assert list(select_kreise(KREISE, kreis_type="landkreis")["ags"]) == ["16069"]
    assert list(select_kreise(KREISE, kreis_type="kreisfreie_grossstadt", land="01")["ags"]) == ["01002"]
    with pytest.raises(SelectionError, match=r"unbekannter Kreistyp: Gemeinde \(allowed / erlaubt: "):
        select_kreise(KREISE, kreis_type="Gemeinde")


def test_empty_selection_refused():
    with pytest.raises(SelectionError, match="die Auswahl trifft keinen Kreis"):
        select_kreise(KREISE, ags="16069", land="05")


def test_ags_file(tmp_path):
    f = tmp_path / "liste.csv"
    f.write_text("ags;name\n05315;Köln\n# Kommentar\n\n9162;München\n", encoding="utf-8-sig")
    assert read_ags_file(f) == ["05315", "09162"]
    assert list(select_kreise(KREISE, ags_file=f, ags="16069")["ags"]) == ["05315", "09162", "16069"]


def test_ags_file_bad_row_named(tmp_path):
    f = tmp_path / "liste.txt"
    f.write_text("05315\nKöln\n")
    with pytest.raises(SelectionError, match=r"liste.txt, row 2: 'Köln' is not an AGS"):
        read_ags_file(f)


def test_ags_file_unknown_ags_named(tmp_path):
    f = tmp_path / "liste.txt"
    f.write_text("05315\n05999\n")
    with pytest.raises(SelectionError, match=r"key '--ags-file': unknown AGS / unbekannte Kreisschlüssel: 05999"):
        select_kreise(KREISE, ags_file=f)


def test_ags_file_missing_or_binary(tmp_path):
    with pytest.raises(SelectionError, match=r"fehlt.txt: cannot read the AGS file"):
        read_ags_file(tmp_path / "fehlt.txt")
    b = tmp_path / "bin.txt"
    b.write_bytes(b"\x00\x01\x02")
    with pytest.raises(SelectionError, match=r"bin.txt: not a text file"):
        read_ags_file(b)


# -- external references -----------------------------------------------------------
def test_external_references_found():
    html = ('<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>'
            '<link rel="stylesheet" href="//fonts.example/x.css">'
            '<style>@import "http://x/y.css"; body{background:url(https://x/b.png)}</style>'
            '<img src="data:image/png;base64,AAAA"><svg xmlns="http://www.w3.org/2000/svg">'
            '<image xlink:href="https://x/i.png"/></svg><a href="https://www.destatis.de">Quelle</a>')
    found = external_references(html)
    assert found == ["<script src=https://cdn.jsdelivr.net/npm/vega@6>", "<link href=//fonts.example/x.css>",
                     "<image xlink:href=https://x/i.png>", "css http://x/y.css", "css https://x/b.png"]
    assert "<a href=https://www.destatis.de>" in external_references(html, allow_links=False)


def test_clean_page_has_none():
    assert external_references('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0"/></svg>'
                               '<a href="05315_koeln.html">x</a>', allow_links=False) == []


# -- outputs ----------------------------------------------------------------------
def test_write_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_bytes(b"old")

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(O.os, "replace", full_disk)
    with pytest.raises(O.OutputError) as info:
        atomic_write(target, b"new", **O.write_options(target))
    assert info.value.errno == errno.ENOSPC
    assert "r.html: No space left on device" in str(info.value)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_leftovers_removed(tmp_path):
    folder = O.OutputFolder(tmp_path)
    folder.prepare()
    (tmp_path / ".a.html.tmp-1-ab").write_text("half")
    (tmp_path / "notebooks" / ".a.ipynb.tmp-1-ab").write_text("half")
    (tmp_path / "keep.html").write_text("x")
    assert folder.remove_leftovers() == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["keep.html"]


def _task(stem="05315_koeln-stadt"):
    return {"ags": "05315", "name": "Köln, Stadt", "stem": stem, "input_hash": "h1"}


def test_up_to_date_needs_matching_hash_and_intact_html(tmp_path):
    folder = O.OutputFolder(tmp_path)
    folder.prepare()
    task = _task()
    folder.write_success(task, {"html": b"<html>1</html>", "ipynb": b"{}", "figures": {"a": 1}})
    assert folder.up_to_date(task["stem"], "h1", pdf=False)["figures"] == {"a": 1}
    assert folder.up_to_date(task["stem"], "h2", pdf=False) is None
    assert folder.up_to_date(task["stem"], "h1", pdf=True) is None  # no PDF yet
    (tmp_path / "05315_koeln-stadt.html").write_bytes(b"<html>1</ht")  # truncated by hand
    assert folder.up_to_date(task["stem"], "h1", pdf=False) is None


def test_failure_drops_the_old_report_and_keeps_the_partial_notebook(tmp_path):
    folder = O.OutputFolder(tmp_path)
    folder.prepare()
    task = _task()
    folder.write_success(task, {"html": b"<html>1</html>", "ipynb": b"{}", "figures": {}})
    rec = folder.write_failure(task, {"error": "ValueError: kaputt", "ipynb": b'{"partial": 1}'})
    assert rec["status"] == "failed" and rec["error"] == "ValueError: kaputt"
    assert not (tmp_path / "05315_koeln-stadt.html").exists()
    assert not (tmp_path / "meta" / "05315_koeln-stadt.json").exists()
    assert (tmp_path / "notebooks" / "05315_koeln-stadt.failed.ipynb").read_bytes() == b'{"partial": 1}'


def test_not_enough_space_refused(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9 - 2_000_000, 2_000_000))
    with pytest.raises(BatchError, match=r"sind nur 1,9 MB frei, gebraucht werden etwa 8,2 MB"):
        O.OutputFolder(tmp_path).check_space(3)


def test_tree_hash_changes_with_content(tmp_path):
    (tmp_path / "a.csv").write_text("1")
    h1 = O.tree_hash(tmp_path, ("*",))
    (tmp_path / "a.csv").write_text("2")
    assert O.tree_hash(tmp_path, ("*",)) != h1


# -- index page -------------------------------------------------------------------------
BOUNDARIES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"ags": a, "name": n},
     "geometry": {"type": "Polygon", "coordinates": [[[6 + i, 50], [7 + i, 50], [7 + i, 51], [6 + i, 51], [6 + i, 50]]]}}
    for i, (a, n) in enumerate(zip(KREISE["ags"], KREISE["name"]))]}


def test_index_page():
    recs = [
        {"ags": "05315", "name": "Köln, Stadt", "status": "ok", "html": "05315_koeln-stadt.html",
         "figures": {"values": {"S0": {"ddi.index": 0.691, "divide.online_share": 0.976},
                                "S1": {"ddi.index": 0.761, "divide.online_share": 0.976}}}},
        {"ags": "16069", "name": "Hildburghausen", "status": "skipped", "html": "16069_hildburghausen.html",
         "figures": {"values": {"S0": {"ddi.index": 0.648}}}},
        {"ags": "01001", "name": "Flensburg, Stadt", "status": "failed", "error": "ValueError: kaputt"},
    ]
    info = {r.ags: {"name": r.name, "land_name": r.land_name} for r in KREISE.itertuples()}
    page = IX.build_index(recs, {"seed": 20211, "draws": 1000, "versions": {"python": "3.11"}},
                          BOUNDARIES, info)
    assert external_references(page, allow_links=False) == []
    assert page.count('<a href="05315_koeln-stadt.html">') == 3  # map, name, "öffnen"
    assert "01001_" not in page.split("Fehlgeschlagene")[0]  # a failed Kreis is not linked
    assert "<li>01001 Flensburg, Stadt: ValueError: kaputt</li>" in page
    assert "<td>0,69</td>" in page
    assert "<td>97,6 %</td>" in page
    assert "<td>–</td>" in page                 # Hildburghausen has no S1 figure
    assert "<dt>Zufallsstartwert (seed)</dt><dd>20211</dd>" in page
    assert 'class="sortable"' in page and "<script>" in page


def test_index_without_boundaries_says_why():
    page = IX.build_index([], {}, None, {}, boundary_error="kreise.geojson fehlt")
    assert "Keine Karte: Kreisgrenzen nicht verfügbar (kreise.geojson fehlt)." in page


# -- progress and texts --------------------------------------------------------------------
def test_progress_line_is_german():
    p = Progress(400, stream=io.StringIO())
    p.start -= 10.0
    line = p.line(100, 2)
    assert re.fullmatch(r"Berichte 100/400 \(25 %\) · 10,\d\d je s · noch 3\d,\d s · Fehler 2", line), line


def test_progress_log_lines_every_tenth():
    out = io.StringIO()
    p = Progress(20, stream=out)
    for i in range(1, 21):
        p.update(i, 0)
    assert len(out.getvalue().splitlines()) == 11  # first report, then each tenth


@pytest.mark.parametrize("seconds, text", [(8.25, "8,2 s"), (72.4, "1:12 min"), (3725, "1:02:05 h")])
def test_fmt_duration(seconds, text):
    assert T.fmt_duration(seconds) == text


def test_manifest_json_is_plain(tmp_path):
    folder = O.OutputFolder(tmp_path)
    folder.prepare()
    folder.write_json("manifest.json", {"b": 1, "a": "ä"})
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == {"a": "ä", "b": 1}


# -- HTML export (no kernel needed) ---------------------------------------------------------
def _executed_notebook():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook()
    help_cell = new_markdown_cell("Verschieben Sie die Regler.", id="help")
    help_cell.metadata["tags"] = ["remove-in-report"]
    code = new_code_cell("print('geheim')", id="code")
    code.outputs = [
        new_output("display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
                                         "text/plain": "<SVG>"}),
        new_output("display_data", data={"text/html": "<table><tr><td>1,5 %</td></tr></table>"}),
        new_output("stream", name="stderr", text="eine Warnung\n"),
    ]
    nb.cells = [new_markdown_cell("# Bericht Köln", id="title"), help_cell, code]
    return nbformat.from_dict(nb)


def test_export_is_lean_inline_and_offline():
    from workbook.batch.export import export_html

    page = export_html(_executed_notebook(), "Bericht <Köln>").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
    assert "<title>Bericht &lt;Köln&gt;</title>" in page
    assert "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>" in page   # inline as drawn, not base64
    assert "<td>1,5 %</td>" in page
    assert "Regler" not in page                  # tagged remove-in-report
    assert "geheim" not in page and "eine Warnung" not in page   # no code, no stderr
    assert "<script" not in page and "@media print" in page
    assert external_references(page, allow_links=False) == []
    assert len(page) < 20_000


def test_unknown_scenario_and_bad_numbers_refused(tmp_path):
    from workbook.batch.runner import BatchOptions, run_batch

    mini = Path(__file__).parent / "fixtures" / "batch" / "mini.ipynb"
    cases = [
        (dict(scenario="S0,S9"), r"key '--scenario': unknown scenario / unbekanntes Szenario: S9 \(known / bekannt: S0"),
        (dict(draws=-1), r"key '--draws': --draws -1: expected a whole number 0..100000"),
        (dict(timeout=0), r"key '--timeout': --timeout 0: expected seconds > 0"),
        (dict(workers=0), r"key '--workers': --workers 0: expected at least 1"),
        (dict(notebook=tmp_path / "fehlt.ipynb"), r"fehlt.ipynb: Das Berichts-Notebook .* fehlt"),
    ]
    for kwargs, message in cases:
        opts = dict(out=tmp_path / "out", notebook=mini, kreise=KREISE, progress=False)
        opts.update(kwargs)
        with pytest.raises(BatchError, match=message) if "scenario" not in kwargs else \
                pytest.raises(SelectionError, match=message):
            run_batch(BatchOptions(**opts))
    assert not (tmp_path / "out").exists()       # nothing was started


def test_notebook_without_parameters_cell_refused(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from workbook.batch.runner import BatchOptions, run_batch

    nb = new_notebook()
    nb.cells = [new_code_cell("ags = '05315'")]
    path = tmp_path / "ohne.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(BatchError, match=r"ohne.ipynb: Das Notebook .* hat keine Zelle mit dem Tag 'parameters'"):
        run_batch(BatchOptions(out=tmp_path / "out", notebook=path, kreise=KREISE, progress=False))
    broken = tmp_path / "kaputt.ipynb"
    broken.write_text("{not json")
    with pytest.raises(BatchError, match=r"kaputt.ipynb: Das Berichts-Notebook .* ist kein lesbares Notebook"):
        run_batch(BatchOptions(out=tmp_path / "out", notebook=broken, kreise=KREISE, progress=False))


@pytest.mark.browser
def test_index_table_sorts_german_numbers(tmp_path, browser):
    """Clicking a figure's header sorts by value (1.234,5 and 97,6 % read as numbers, '–' last)."""
    vals = {"01001": 0.5, "01002": None, "05315": 0.061, "09162": 1.25, "16069": 0.7}
    recs = [{"ags": a, "name": n, "status": "ok", "html": f"{a}.html",
             "figures": {"values": {"S0": {} if vals[a] is None else {"ddi.index": vals[a]}}}}
            for a, n in zip(KREISE["ags"], KREISE["name"])]
    page_html = IX.build_index(recs, {}, None, {}, boundary_error="x")
    f = tmp_path / "index.html"
    f.write_text(page_html, encoding="utf-8")
    page = browser.new_page()
    page.goto(f.as_uri())

    def order():
        return table_order(page)

    assert order() == ["01001", "01002", "05315", "09162", "16069"]
    page.click("th[data-num]")
    assert order() == ["05315", "01001", "16069", "09162", "01002"]
    page.click("th[data-num]")
    assert order() == ["09162", "16069", "01001", "05315", "01002"]
    page.click("th[data-col='1']")
    assert order()[0] == "01001"          # Flensburg first by name
    page.close()


def test_svg_ids_renamed_in_order_of_appearance():
    from workbook.batch.export import stable_svg_ids

    a = '<svg><rect fill="url(#c78439541-gradient_0)"/><linearGradient id="c78439541-gradient_0"/><clipPath id="cab12ef-clip_3"/>'
    b = '<svg><rect fill="url(#c9748d5c8-gradient_1)"/><linearGradient id="c9748d5c8-gradient_1"/><clipPath id="c0a1b2c3-clip_7"/>'
    assert stable_svg_ids(a) == stable_svg_ids(b) == (
        '<svg><rect fill="url(#wbsvg1-gradient)"/><linearGradient id="wbsvg1-gradient"/><clipPath id="wbsvg2-clip"/>')
    assert stable_svg_ids('<svg/><p>gradient_2 bleibt</p>') == '<svg/><p>gradient_2 bleibt</p>'
    # inside notebook JSON (escaped quotes), without the random prefix
    assert stable_svg_ids('"<svg><g id=\\"gradient_3\\"/><use href=\\"#gradient_3\\"/>"') == \
        '"<svg><g id=\\"wbsvg1-gradient\\"/><use href=\\"#wbsvg1-gradient\\"/>"'
    # a page without SVG (its charts drawn by the browser) is left as it is, unread
    assert stable_svg_ids('<div id="gradient_4"></div>') == '<div id="gradient_4"></div>'


# -- notebooks in reports ----------------------------------------------------------------
def test_lab_help_cells_are_tagged_and_left_out_of_reports():
    import nbformat

    from workbook.batch.export import export_html
    from workbook.batch.task import prepare_notebook
    from workbook.paths import NOTEBOOKS_DIR

    checked = analyst_notes = 0
    for path in sorted(Path(NOTEBOOKS_DIR).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and ("So arbeiten Sie" in cell.source or "Regler" in cell.source):
                assert "remove-in-report" in cell.metadata.get("tags", []), (path.name, cell.id)
                assert "# " not in cell.source.split("\n", 1)[0]       # the title stays in its own cell
                checked += 1
            if cell.cell_type == "markdown" and ("Analysten" in cell.source or "papermill" in cell.source):
                # council members see the notebooks as dashboards: the note for analysts is not theirs
                assert {"remove-in-report", "remove-in-dashboard"} <= set(cell.metadata.get("tags", [])), \
                    (path.name, cell.id)
                analyst_notes += 1
        page = export_html(prepare_notebook(path.read_text(encoding="utf-8"), {"ags": "16069"}),
                           path.stem).decode("utf-8")
        assert "So arbeiten Sie" not in page and "Regler" not in page and "Analysten" not in page, path.name
        assert "<h1" in page                                            # the introduction is kept
    assert checked == 5 and analyst_notes == 5                           # every Lab notebook but bericht


def test_export_gives_images_an_empty_alt_and_keeps_the_page_as_rendered():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from workbook.batch.export import export_html

    cell = new_code_cell("x", id="png", execution_count=1)
    cell.outputs = [new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
                    new_output("display_data", data={"text/html": '<p>Karte <img src="data:," alt="Karte"></p>'})]
    page = export_html(nbformat.from_dict(new_notebook(cells=[cell])), "x").decode("utf-8")
    assert '<img alt="" src="data:image/png;base64,iVBORw0KGgo="' in page
    assert '<img src="data:," alt="Karte">' in page                # an existing alt untouched
    assert "No description" not in page and "tabindex" not in page


def test_the_folders_vega_is_written_once_and_rebuilt_only_for_other_versions(tmp_path, monkeypatch):
    """``write_asset`` keeps a file that starts with this bundle's header without building the
    bundle (3 s) again, and replaces one of other versions."""
    from workbook.batch import chart_assets as CA

    head = CA._header()
    built = []
    monkeypatch.setattr(CA, "bundle", lambda: built.append(1) or head + "window.vegaEmbed=1;")
    path = tmp_path / "assets" / "wb-charts.js"
    assert CA.write_asset(tmp_path) is True and path.read_text(encoding="utf-8").startswith(head)
    assert CA.write_asset(tmp_path) is False and len(built) == 1          # kept, nothing built
    path.write_text(head.replace("vega ", "vega 0.0.1-old ", 1) + "old", encoding="utf-8")
    assert CA.write_asset(tmp_path) is True and len(built) == 2
    assert path.read_text(encoding="utf-8") == head + "window.vegaEmbed=1;"


def test_chunks_keep_a_kreis_together_and_give_every_worker_work():
    from workbook.batch.executors import CHUNK_MAX, plan_chunks

    heilbronn = [f"08125{i:03d}" for i in range(46)]
    tasks = [{"ags": a} for a in ["01001", "01002", "02000"] + heilbronn + ["08126001"]]
    chunks = plan_chunks(tasks, workers=2)
    assert [t for c in chunks for t in c] == tasks                  # every task once, order kept
    assert [len(c) for c in chunks] == [2, 1, 7, 7, 7, 7, 6, 6, 6, 1]
    for chunk in chunks:                                             # one Kreis (Kreise: one Land)
        assert len({t["ags"][:5] if len(t["ags"]) == 8 else t["ags"][:2] for t in chunk}) == 1
    big = [{"ags": f"07235{i:03d}"} for i in range(104)] * 10        # a full run: 16 at most
    assert max(len(c) for c in plan_chunks(big, workers=2)) == CHUNK_MAX
    assert [len(c) for c in plan_chunks(tasks[:3], workers=2)] == [1, 1, 1]
    assert plan_chunks([], workers=2) == []


def test_a_dask_chunk_tells_each_report_the_places_after_it(monkeypatch):
    from workbook.batch import executors

    seen = []
    monkeypatch.setattr(executors, "dask_render", lambda task: seen.append(task.get("block")) or {"ags": task["ags"]})
    chunk = [{"ags": a} for a in ("08125001", "08125002", "08125003")]
    assert executors.dask_render_chunk(chunk) == [{"ags": "08125001"}, {"ags": "08125002"}, {"ags": "08125003"}]
    assert seen == [["08125001", "08125002", "08125003"], ["08125002", "08125003"], ["08125003"]]
    assert "block" not in chunk[0]                                   # the planned tasks stay as they were
    executors.dask_render_chunk([{"ags": "05315"}])
    assert seen[-1] is None                                          # a chunk of one: no block
