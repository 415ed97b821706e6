"""The Gemeinde batch: selection and its refusals, file layout, Land pages, national index,
resume after an interruption and after kill -9. Reports come from small fixture notebooks
(``place.ipynb`` shows the place's name and population from ``workbook.data.places``); the
project's own report for a Gemeinde is ``test_real_bericht_for_a_gemeinde``."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from dashboard_helpers import table_order
from test_batch_run import files

from workbook.batch import BatchOptions, run_batch
from workbook.batch import index as IX
from workbook.batch.export import external_references
from workbook.batch.land_index import build_land_index
from workbook.batch.naming import land_dir, report_dir, report_stem
from workbook.batch.selection import parse_min_population, select_places
from workbook.cli import main as cli_main
from workbook.data import load_kreise
from workbook.errors import BatchError, SelectionError

HERE = Path(__file__).parent
PLACE = HERE / "fixtures" / "batch" / "place.ipynb"
ROOT = HERE.parent

#: Landkreis Tübingen, Gemeinden with at least 10,000 inhabitants (GV 31.12.2019)
TUEBINGEN_10K = {"08416025": ("Mössingen, Stadt", "20.455"), "08416036": ("Rottenburg am Neckar, Stadt", "43.843"),
                 "08416041": ("Tübingen, Universitätsstadt", "91.506"), "08416048": ("Ammerbuch", "11.302")}
STEM = {a: report_stem(a, n) for a, (n, _) in TUEBINGEN_10K.items()}


@pytest.fixture(scope="module")
def kreise():
    return load_kreise()


# -- selection -----------------------------------------------------------------------------
def test_gemeinden_of_a_kreis_with_a_minimum_population(kreise):
    sel = select_places(kreise, level="gemeinde", kreis="08416", min_population="10000")
    assert list(sel["ags"]) == sorted(TUEBINGEN_10K)
    assert set(sel["level"]) == {"gemeinde"} and set(sel["kreis_ags"]) == {"08416"}
    row = sel.set_index("ags").loc["08416041"]
    assert (row["name"], int(row["population_2019"]), row["bbsr_sgtyp_name"], row["land_name"]) == \
        ("Tübingen, Universitätsstadt", 91506, "Mittelstadt", "Baden-Württemberg")
    # repeatable and comma lists, German thousands
    two = select_places(kreise, level="gemeinde", kreis=["08416", "08415,08416"], min_population="10.000")
    assert set(two["kreis_ags"]) == {"08415", "08416"} and len(two) == len(sel) + 6


def test_all_gemeinden_and_a_land(kreise):
    assert len(select_places(kreise, level="gemeinde")) == 10_799
    bayern = select_places(kreise, level="gemeinde", land="Bayern")
    assert len(bayern) == 2_056 and set(bayern["land_ags"]) == {"09"}
    big = select_places(kreise, level="gemeinde", land="09", min_population=5000)
    assert big["population_2019"].min() >= 5000 and 0 < len(big) < 2_056
    assert len(select_places(kreise)) == 401                     # without --level: the Kreise


def test_mixed_keys_say_their_level(kreise, tmp_path):
    sel = select_places(kreise, ags="5315,08416041")
    assert list(zip(sel["ags"], sel["level"])) == [("05315", "kreis"), ("08416041", "gemeinde")]
    f = tmp_path / "liste.csv"
    f.write_text("ags;name\n08416041;Tübingen\n16069;Hildburghausen\n# Kommentar\n8416048\n", encoding="utf-8")
    sel = select_places(kreise, ags_file=f, ags="05315")
    assert list(sel["ags"]) == ["05315", "08416041", "08416048", "16069"]
    # --kreis narrows both levels
    assert list(select_places(kreise, ags="05315,08416041,08416048", kreis="08416")["ags"]) == ["08416041", "08416048"]
    # --kreis-type also knows the BBSR type of a Gemeinde
    assert set(select_places(kreise, level="gemeinde", kreis="08416", kreis_type="Größere Kleinstadt")["ags"]) == \
        {"08416048"}


@pytest.mark.parametrize("kwargs, message", [
    (dict(level="gemeinde", ags="08416999"),
     r"key '--ags': Gemeindeschlüssel '08416999' gibt es nicht .*ähnlich: "),
    (dict(level="gemeinde", ags="084165001"),
     r"key '--ags': '084165001' ist der Schlüssel eines Gemeindeverbands \(GVV Steinlach-Wiesaz\)"),
    (dict(level="gemeinde", ags="08"), r"key '--ags': '08' ist ein Länderschlüssel"),
    (dict(ags="08"), r"key '--ags': '08' ist ein Länderschlüssel"),
    (dict(level="gemeinde", ags="08416041,08416"),
     r"key '--ags': '08416' ist ein Kreisschlüssel; hier wird ein Gemeindeschlüssel \(8 Ziffern\) erwartet, "
     r"z. B. 08416006 .*--level gemeinde --kreis 08416"),
    (dict(level="kreis", ags="08416041"), r"'08416041' ist ein Gemeindeschlüssel; mit --level kreis .* 08416"),
    (dict(level="gemeinde", min_population="5,5"), r"key '--min-population': --min-population '5,5': erwartet eine ganze"),
    (dict(level="gemeinde", min_population="viele"), r"--min-population 'viele'"),
    (dict(level="gemeinde", min_population="-1"), r"--min-population '-1'"),
    (dict(level="gemeinde", kreis="08416041"), r"key '--kreis': '08416041' ist ein Gemeindeschlüssel"),
    (dict(level="gemeinde", kreis="08"), r"key '--kreis': '08' ist ein Länderschlüssel"),
    (dict(level="gemeinde", kreis="08999"), r"key '--kreis': Kreisschlüssel '08999' gibt es nicht"),
    (dict(level="dorf"), r"key '--level': --level 'dorf': erwartet 'kreis' oder 'gemeinde'"),
    (dict(level="gemeinde", kreis="08416", min_population=10**7), r"die Auswahl trifft keine Gemeinde"),
])
def test_bad_selection_named(kreise, kwargs, message):
    with pytest.raises(SelectionError, match=message):
        select_places(kreise, **kwargs)


def test_bad_key_in_a_file_names_its_row(kreise, tmp_path):
    f = tmp_path / "liste.txt"
    f.write_text("08416041\n08416999\n", encoding="utf-8")
    with pytest.raises(SelectionError, match=r"liste.txt, row 2: Gemeindeschlüssel '08416999' gibt es nicht"):
        select_places(kreise, ags_file=f)


def test_merged_key_names_its_successor(kreise, monkeypatch):
    from workbook.data import base

    table = pd.DataFrame({"old_ags": ["06437002"], "old_name": ["Beerfelden, Stadt"],
                          "successor_ags": ["06437016"], "successor_name": ["Oberzent, Stadt"]})
    monkeypatch.setattr(base, "load_gemeinde_successors", lambda: table, raising=False)
    with pytest.raises(SelectionError, match=r"key '--ags': Gemeinde '06437002' \(Beerfelden, Stadt\) besteht seit "
                                             r"einer Gebietsreform nicht mehr; heute gehört sie zu Oberzent, Stadt"):
        select_places(kreise, level="gemeinde", ags="06437002")


def test_min_population_forms():
    assert parse_min_population("5000") == parse_min_population("5.000") == parse_min_population("5 000") == 5000
    assert parse_min_population(None) is None and parse_min_population(0) == 0
    for bad in ("5.00", "5e3", "5000.0", "\uff11\uff10", True, -3):
        with pytest.raises(SelectionError, match="--min-population"):
            parse_min_population(bad)


# -- bad input from the command line: exit status 2, nothing written ----------------------------
@pytest.mark.parametrize("args, message", [
    (["--level", "gemeinde", "--ags", "08416999"], "Gemeindeschlüssel '08416999' gibt es nicht"),
    (["--ags", "08416041,084165001"], "Schlüssel eines Gemeindeverbands"),
    (["--level", "gemeinde", "--ags", "08"], "Länderschlüssel"),
    (["--level", "gemeinde", "--ags", "08416"], "ist ein Kreisschlüssel; hier wird ein Gemeindeschlüssel"),
    (["--level", "gemeinde", "--kreis", "08416", "--min-population", "zehntausend"], "--min-population"),
    (["--level", "gemeinde", "--kreis", "08416041"], "--kreis erwartet Kreisschlüssel"),
    (["--ags", "08416041", "--charts", "png"], "--charts 'png': expected / erwartet svg or script"),
])
def test_cli_bad_input_exit_2_nothing_written(tmp_path, capsys, args, message):
    out = tmp_path / "reports"
    code = cli_main(["batch", "--out", str(out), "--notebook", str(PLACE), "--no-progress", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_merged_key_exit_2(tmp_path, capsys, monkeypatch):
    from workbook.data import base

    table = pd.DataFrame({"old_ags": ["06437002"], "old_name": ["Beerfelden, Stadt"],
                          "successor_ags": ["06437016"], "successor_name": ["Oberzent, Stadt"]})
    monkeypatch.setattr(base, "load_gemeinde_successors", lambda: table, raising=False)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    code = cli_main(["batch", "--out", str(out), "--notebook", str(PLACE), "--ags", "06437002"])
    assert code == 2
    assert "heute gehört sie zu Oberzent, Stadt (06437016)" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]     # an existing folder is untouched


def test_chart_mode_is_one_of_a_reports_inputs(kreise):
    """``--resume`` redoes a report whose charts were drawn the other way; reports of earlier runs
    (made before there was a choice, all SVG) stay up to date."""
    from workbook.batch.outputs import input_hash
    from workbook.batch.runner import DEFAULT_SUMMARY, FORMAT_VERSION, plan_tasks

    places = select_places(kreise, ags="08416041")
    text = PLACE.read_text(encoding="utf-8")
    hashes = {"data_hash": "d", "code_hash": "c", "notebook_hash": "n"}
    svg, script = (plan_tasks(BatchOptions(notebook=PLACE, charts=c), places, text, hashes)[0] for c in ("svg", "script"))
    assert (svg["charts"], script["charts"]) == ("svg", "script") and svg["input_hash"] != script["input_hash"]
    assert svg["input_hash"] == input_hash(parameters=svg["parameters"], name=svg["name"], data="d", code="c",
                                           notebook="n", pdf=False, summary=DEFAULT_SUMMARY, format=FORMAT_VERSION)


# -- names, Land pages, national index ---------------------------------------------------------------
def test_gemeinde_report_lives_in_its_land_folder():
    assert report_stem("08416041", "Tübingen, Universitätsstadt") == "08416041_tuebingen-universitaetsstadt"
    assert report_dir("08416041") == ("gemeinden", "08") and report_dir("05315") == ()
    assert land_dir("09") == ("gemeinden", "09")
    for bad in ("0841604", "08416041/..", "\uff10\uff18416041"):
        with pytest.raises(BatchError):
            report_dir(bad)
    with pytest.raises(BatchError):
        land_dir("../")


def _records(land="08"):
    recs = []
    for i, (a, (n, _)) in enumerate(sorted(TUEBINGEN_10K.items())):
        recs.append({"ags": a, "name": n, "status": "ok" if i else "skipped", "dir": f"gemeinden/{land}",
                     "html": f"gemeinden/{land}/{STEM[a]}.html",
                     "figures": {"values": {"S0": {"ddi.index": 0.5 + i / 10, "divide.online_share": 0.9},
                                            "S1": {"ddi.index": 0.6 + i / 10}}}})
    recs.append({"ags": "08416006", "name": "Bodelshausen", "status": "failed", "error": "ValueError: kaputt"})
    return recs


def test_land_page():
    from workbook.data import load_gemeinde_boundaries as gemeinde_boundaries

    info = {a: {"name": n, "kreis_name": "Tübingen", "population_2019": int(p.replace(".", "")),
                "bbsr_sgtyp_name": "Mittelstadt"} for a, (n, p) in TUEBINGEN_10K.items()}
    boundaries = gemeinde_boundaries("08")
    page = build_land_index("08", "Baden-Württemberg", _records(), info, {"seed": 7, "draws": 10}, boundaries)
    assert external_references(page, allow_links=False) == []
    assert "<title>Gemeindeberichte Baden-Württemberg</title>" in page
    for a, (name, population) in TUEBINGEN_10K.items():
        assert page.count(f'<a href="{STEM[a]}.html">') == 2               # map and table, relative to the page
        assert f">{name}</a><td>Tübingen<td>{population}<td>Mittelstadt" in page
    assert "<li>08416006 Bodelshausen: ValueError: kaputt</li>" in page
    assert 'href="08416006' not in page                                   # a failed report is not linked
    assert '<a href="../../index.html">' in page
    # every Gemeinde of the Land is drawn (the small ones too), reported ones link their report
    assert page.count("<path ") == len(boundaries["features"]) == 1101
    assert "<td>0,60<td>0,70<td>90,0 %" in page                              # DDI S0, S1, online share S0
    assert 'class="sortable gemeinden"' in page and "<script>" in page


@pytest.mark.browser
def test_land_page_sorts_by_population_and_name(tmp_path, browser):
    info = {a: {"name": n, "kreis_name": "Tübingen", "population_2019": int(p.replace(".", "")),
                "bbsr_sgtyp_name": "Mittelstadt"} for a, (n, p) in TUEBINGEN_10K.items()}
    f = tmp_path / "gemeinden" / "08" / "index.html"
    f.parent.mkdir(parents=True)
    f.write_text(build_land_index("08", "Baden-Württemberg", _records(), info, {}, None, boundary_error="x"),
                 encoding="utf-8")
    page = browser.new_page()
    page.goto(f.as_uri())

    def order():
        return table_order(page)

    assert order() == sorted(TUEBINGEN_10K)
    page.click("th[data-col='3']")                          # Einwohner, ascending
    assert order() == ["08416048", "08416025", "08416036", "08416041"]
    page.click("th[data-col='3']")
    assert order() == ["08416041", "08416036", "08416025", "08416048"]
    page.click("th[data-col='1']")                          # Gemeinde, German order
    assert order()[0] == "08416048"                         # Ammerbuch
    page.close()


def test_national_index_links_the_land_pages():
    lands = [{"land": "08", "land_name": "Baden-Württemberg", "ok": 4, "failed": 1,
              "href": "gemeinden/08/index.html"}]
    page = IX.build_index([], {"seed": 7}, None, {}, lands=lands)
    assert page.count('<a href="gemeinden/08/index.html">') == 2
    assert "<td>4</td><td>1</td>" in page
    assert "Karte der berichteten Kreise" not in page                     # no Kreis report: no Kreis map
    both = IX.build_index([{"ags": "05315", "name": "Köln", "status": "ok", "html": "05315_koeln.html",
                            "figures": {}}], {}, None, {}, boundary_error="x", lands=lands)
    assert '<a href="05315_koeln.html">' in both and '<a href="gemeinden/08/index.html">' in both


# -- end to end (fixture notebook) --------------------------------------------------------------------
def run(out, **kw):
    stream = io.StringIO()
    opts = dict(out=out, notebook=PLACE, summary=None, progress=False, draws=10, seed=7, workers=2, timeout=120,
                stream=stream, level="gemeinde", kreis="08416", min_population=10000)
    opts.update(kw)
    result = run_batch(BatchOptions(**opts))
    result.log = stream.getvalue()
    return result


@pytest.fixture(scope="module")
def gemeinde_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gemeinden") / "reports"
    return out, run(out)


@pytest.mark.slow
def test_reports_name_the_gemeinde_and_its_population(gemeinde_run):
    out, result = gemeinde_run
    assert (result.ok, result.failed, result.exit_code) == (4, 0, 0)
    names = files(out)
    for a, (name, population) in TUEBINGEN_10K.items():
        stem = STEM[a]
        for rel in (f"gemeinden/08/{stem}.html", f"gemeinden/08/notebooks/{stem}.ipynb", f"gemeinden/08/meta/{stem}.json"):
            assert rel in names, rel
        page = (out / "gemeinden" / "08" / f"{stem}.html").read_text(encoding="utf-8")
        assert f"<h2>{name}</h2>" in page and f"Einwohner am 31.12.2019: {population}" in page
        assert f"<title>Drehbuch Digitale Kommune: Bericht {name}</title>" in page
        assert external_references(page, allow_links=False) == []
    assert not any(".tmp-" in n for n in names)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["kreise"] == {} and sorted(man["gemeinden"]) == sorted(TUEBINGEN_10K)
    rec = man["gemeinden"]["08416041"]
    assert rec["html"] == f"gemeinden/08/{STEM['08416041']}.html" and rec["dir"] == "gemeinden/08"


@pytest.mark.slow
def test_land_index_lists_them_and_links_work(gemeinde_run):
    out, _ = gemeinde_run
    land = out / "gemeinden" / "08" / "index.html"
    page = land.read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', page))
    assert links == {f"{STEM[a]}.html" for a in TUEBINGEN_10K} | {"../../index.html"}
    for link in links:
        assert (land.parent / link).resolve().is_file(), link
    for name, population in TUEBINGEN_10K.values():
        assert f">{name}</a><td>Tübingen<td>{population}<td>" in page
    assert re.search(r"<td>0,\d\d<td>0,\d\d", page)                      # the reports' own key figures
    national = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="gemeinden/08/index.html">Baden-Württemberg</a>' in national
    assert (out / "gemeinden/08/index.html").is_file()
    assert external_references(national, allow_links=False) == []


@pytest.mark.slow
def test_resume_redoes_only_what_is_missing(tmp_path):
    out = tmp_path / "out"
    first = run(out)
    assert first.ok == 4
    land = out / "gemeinden" / "08"
    before = {n: (out / n).stat().st_mtime_ns for n in files(out) if n.endswith(".html") and "index" not in n}
    # an interrupted write left a temporary file; one report is gone, one truncated by hand
    (land / f".{STEM['08416041']}.html.tmp-999-dead").write_bytes(b"<html>half")
    (land / f"{STEM['08416041']}.html").unlink()
    (land / f"{STEM['08416025']}.html").write_bytes(b"<html>kaputt")
    again = run(out, resume=True)
    assert (again.ok, again.skipped, again.failed) == (2, 2, 0)
    assert not any(".tmp-" in n for n in files(out))
    for a in ("08416036", "08416048"):
        rel = f"gemeinden/08/{STEM[a]}.html"
        assert (out / rel).stat().st_mtime_ns == before[rel]
    assert "<h2>Tübingen, Universitätsstadt</h2>" in (land / f"{STEM['08416041']}.html").read_text(encoding="utf-8")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["gemeinden"]["08416036"]["status"] == "skipped"


@pytest.mark.slow
def test_runs_of_one_folder_add_up(tmp_path):
    """Kreis by Kreis with the same parameters: the Land page lists both; other parameters replace."""
    out = tmp_path / "out"
    run(out)
    second = run(out, kreis="08415", min_population=20000)
    assert second.ok == 2 and sorted(second.records) == ["08415050", "08415061"]
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(man["gemeinden"]) == 6
    assert {r["status"] for a, r in man["gemeinden"].items() if a.startswith("08416")} == {"earlier"}
    page = (out / "gemeinden" / "08" / "index.html").read_text(encoding="utf-8")
    assert page.count("<tr><td>084") == 6
    assert "<td>6</td><td>0</td>" in (out / "index.html").read_text(encoding="utf-8")
    # a report of the earlier run that was removed by hand is no longer listed
    (out / "gemeinden" / "08" / f"{STEM['08416048']}.html").unlink()
    third = run(out, kreis="08415", min_population=20000, resume=True)
    assert third.skipped == 2
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(man["gemeinden"]) == 5 and "08416048" not in man["gemeinden"]
    # another seed: this run alone
    other = run(out, kreis="08415", min_population=20000, seed=8)
    assert other.ok == 2
    assert sorted(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["gemeinden"]) == \
        ["08415050", "08415061"]


def _kernels_below(pid: int) -> list[psutil.Process]:
    try:
        procs = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return procs


@pytest.mark.slow
def test_kill_9_then_resume_loses_nothing(tmp_path):
    """SIGKILL of the coordinator while a report is still running: every finished report is
    complete and kept, the run's processes end on their own, and --resume (same parameters)
    renders only the missing one."""
    out = tmp_path / "out"
    wait = tmp_path / "wait"
    wait.write_text("x")
    extra = {"wait_ags": "08416041", "wait_file": str(wait)}
    code = (
        "from pathlib import Path; from workbook.batch import BatchOptions, run_batch; "
        f"run_batch(BatchOptions(out=Path({str(out)!r}), notebook=Path({str(PLACE)!r}), summary=None, "
        "progress=False, draws=10, seed=7, workers=2, timeout=600, level='gemeinde', kreis='08416', "
        f"min_population=10000, extra_parameters={extra!r}))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    meta = out / "gemeinden" / "08" / "meta"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(meta.glob("*.json")) if meta.is_dir() else []) < 3:
        time.sleep(0.2)
    assert len(list(meta.glob("*.json"))) == 3, "the three other reports did not finish"
    below = _kernels_below(proc.pid)
    assert below, "no worker or kernel found"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    _gone, alive = psutil.wait_procs(below, timeout=20)      # workers see their parent gone, kernels follow
    assert alive == [], [p.cmdline()[:3] for p in alive]
    assert not (out / "manifest.json").exists()              # killed before the end: meta/ is the record
    for name in files(out):
        if name.endswith(".html"):
            assert (out / name).read_text(encoding="utf-8").rstrip().endswith("</html>"), name
    wait.unlink()
    again = run(out, resume=True, extra_parameters=extra)
    assert (again.ok, again.skipped, again.failed) == (1, 3, 0)
    assert sorted(a for a, r in again.records.items() if r["status"] == "ok") == ["08416041"]
    assert not any(".tmp-" in n for n in files(out))


@pytest.mark.slow
def test_real_bericht_for_a_gemeinde(tmp_path, browser):
    """The project's report notebook for one Gemeinde through the CLI: it names the Gemeinde
    and its population (needs the Gemeinde report of workbook/apps, issue 14). With
    ``--charts script`` (the mode of the full Gemeinde batch, docs/batch.md) the charts are
    Vega specs drawn in chromium from the folder's one local copy of Vega, with no request
    beyond the folder; without that file the page says so in German; ``--pdf`` prints the page
    with Vega inside it."""
    out = tmp_path / "reports"
    r = subprocess.run([sys.executable, "-m", "workbook.cli", "batch", "--out", str(out), "--ags", "08416041",
                        "--draws", "100", "--workers", "1", "--no-progress", "--charts", "script", "--pdf"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rec = man["gemeinden"]["08416041"]
    page = (out / rec["html"]).read_text(encoding="utf-8")
    assert "Tübingen, Universitätsstadt" in page and "91.506" in page
    assert external_references(page, allow_links=False) == []
    assert 0 < rec["figures"]["values"]["S0"]["ddi.index"] < 1
    assert '<a href="gemeinden/08/index.html">' in (out / "index.html").read_text(encoding="utf-8")
    assert man["run"]["parameters"]["charts"] == "script"
    # the charts: specs in the page, the one copy of Vega in the folder
    specs = page.count('<script type="application/json" class="wb-vega-spec">')
    assert specs >= 4 and "<svg" not in page
    assert '<script src="../../assets/wb-charts.js"></script>' in page
    assert (out / "assets" / "wb-charts.js").stat().st_size > 500_000
    from pypdf import PdfReader

    printed = " ".join(pg.extract_text() for pg in PdfReader(out / rec["pdf"]).pages).replace("\n", " ")
    assert "Hausarztpraxis 2030 (in Wege pro Jahr)" in printed       # an axis title: drawn before printing
    assert "Diagramm: wird beim" not in printed and "Diagramm nicht verfügbar" not in printed
    report = (out / rec["html"]).resolve()
    pg = browser.new_page()
    try:
        requests: list[str] = []
        pg.on("request", lambda req: requests.append(req.url))
        pg.goto(report.as_uri())
        pg.wait_for_function(f"document.querySelectorAll('.wb-vega[data-drawn] svg').length >= {specs}", timeout=20_000)
        assert pg.locator(".wb-vega-missing").count() == 0
        assert pg.locator("figure.wb-chart svg text", has_text="2030").count() >= 1    # axes drawn, German labels
        assert all(u.startswith("file://") for u in requests), requests
        (out / "assets" / "wb-charts.js").unlink()              # a report copied without its folder
        pg.goto(report.as_uri())
        assert pg.locator(".wb-vega-missing").count() == specs
        assert "Datei assets/wb-charts.js des Berichtsordners fehlt" in pg.locator(".wb-vega-missing").first.inner_text()
    finally:
        pg.close()


def test_the_map_legend_shows_as_many_decimals_as_its_classes_need():
    from workbook.batch.index import _bound_texts

    assert _bound_texts([0.1, 0.3, 0.5]) == ["0,10", "0,30", "0,50"]
    close = _bound_texts([0.6312, 0.6701, 0.6712, 0.6788, 0.6841, 0.7123])
    assert len(set(close)) == 6 and close[1] == "0,670" and close[2] == "0,671"
