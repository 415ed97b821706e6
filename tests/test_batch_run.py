"""Batch end to end with small fixture notebooks: outputs, failures, timeout,
kernel death, resume, determinism, Dask, signals, read-only and full disks."""

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

from workbook.batch import BatchOptions, run_batch
from workbook.batch.export import external_references
from workbook.batch.key_figures import key_figures

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "batch" / "mini.ipynb"
SLOW = HERE / "fixtures" / "batch" / "slow.ipynb"
ROOT = HERE.parent

# Hostile names on purpose: they must not escape the output folder.
KREISE = pd.DataFrame({
    "ags": ["01001", "05315", "09162", "16069"],
    "name": ["Flensburg, Stadt", "../../etc/passwd", "München\x00/../x", "Hildburghausen" + "ä" * 200],
    "land_ags": ["01", "05", "09", "16"],
    "land_name": ["Schleswig-Holstein", "Nordrhein-Westfalen", "Bayern", "Thüringen"],
    "kreis_type": ["Kreisfreie Stadt", "Kreisfreie Stadt", "Kreisfreie Stadt", "Landkreis"],
})
STEMS = {"01001": "01001_flensburg-stadt", "05315": "05315_etc-passwd", "09162": "09162_muenchen-x",
         "16069": "16069_hildburghausen" + "ae" * 23}  # slug capped at 60
BOUNDARIES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"ags": a},
     "geometry": {"type": "Polygon", "coordinates": [[[6 + i, 50], [7 + i, 50], [7 + i, 51], [6 + i, 51], [6 + i, 50]]]}}
    for i, a in enumerate(KREISE["ags"])]}

pytestmark = pytest.mark.slow


def run(out, **kw):
    stream = io.StringIO()
    opts = dict(out=out, notebook=MINI, kreise=KREISE, boundaries=BOUNDARIES, summary=None, progress=False,
                draws=10, seed=7, workers=2, timeout=60, stream=stream)
    opts.update(kw)
    result = run_batch(BatchOptions(**opts))
    result.log = stream.getvalue()
    return result


def files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "reports"
    return out, run(out, ags="01001,05315,16069")


def test_three_kreise_end_to_end(first_run):
    out, result = first_run
    assert (result.ok, result.failed, result.skipped, result.exit_code) == (3, 0, 0, 0)
    names = files(out)
    for ags in ("01001", "05315", "16069"):
        stem = STEMS[ags]
        assert f"{stem}.html" in names and f"notebooks/{stem}.ipynb" in names and f"meta/{stem}.json" in names
    assert not any(n.startswith(".") or ".tmp-" in n for n in names)
    # hostile names stay inside the folder
    for p in out.rglob("*"):
        assert out.resolve() in p.resolve().parents
    for name in names:
        if name.endswith(".html"):
            page = (out / name).read_text(encoding="utf-8")
            assert external_references(page, allow_links=False) == [], name
            assert (out / name).stat().st_size < 500_000
    report = (out / f"{STEMS['05315']}.html").read_text(encoding="utf-8")
    assert "<svg" in report and "Testbericht" in report
    assert "import numpy" not in report           # code hidden
    assert "@media print" in report and 'name="viewport"' in report
    assert "<script" not in report
    assert "vnd.workbook.summary" not in report
    assert "<td>1</td>" in report                  # the leak counter: a fresh namespace


def test_index_links_resolve(first_run):
    out, _ = first_run
    page = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', page))
    assert links == {f"{STEMS[a]}.html" for a in ("01001", "05315", "16069")}
    for link in links:
        assert (out / link).is_file()
    assert re.search(r'<td>0,\d\d</td>', page)     # key figures from each report
    assert "S0" in page and "S1" in page


def test_manifest(first_run):
    out, _ = first_run
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(man["kreise"]) == ["01001", "05315", "16069"]
    rec = man["kreise"]["05315"]
    assert rec["status"] == "ok" and len(rec["input_hash"]) == 64 and rec["html"] == f"{STEMS['05315']}.html"
    assert set(rec["figures"]["values"]["S0"]) == {"ddi.index"}
    assert man["run"]["parameters"] == {"scenario": "all", "draws": 10, "seed": 7}
    assert man["run"]["seed"] == 7 and "papermill" in man["run"]["versions"]


def test_deterministic_whichever_worker_and_order(first_run, tmp_path):
    out, _ = first_run
    # one worker renders all three in one kernel, recycled never; then in reverse order, recycled each time
    other = run(tmp_path / "one", ags="01001,05315,16069", workers=1, recycle_after=1000)
    assert other.ok == 3
    for ags in ("01001", "05315", "16069"):
        for rel in (f"{STEMS[ags]}.html", f"notebooks/{STEMS[ags]}.ipynb"):
            assert (out / rel).read_bytes() == (tmp_path / "one" / rel).read_bytes(), rel


def test_failure_timeout_and_kernel_death(tmp_path):
    marker = tmp_path / "died-once"
    result = run(tmp_path / "out", timeout=8, extra_parameters={
        "fail_ags": "05315", "hang_ags": "09162", "die_marker": str(marker)})
    recs = result.records
    assert (result.ok, result.failed, result.exit_code) == (2, 2, 1)
    assert recs["05315"]["status"] == "failed"
    assert recs["05315"]["error"] == "ValueError: injected failure for 05315"
    assert recs["09162"]["error"] == "Zeitlimit von 8 s überschritten / timeout after 8 s"
    assert marker.exists()                       # one kernel was killed ...
    assert sorted(r.get("attempts") for r in recs.values() if r["status"] == "ok") in ([1, 2], [2, 1], [1, 1])
    assert any(r.get("attempts") == 2 for r in recs.values())  # ... and its report retried
    out = tmp_path / "out"
    assert (out / "notebooks" / f"{STEMS['05315']}.failed.ipynb").is_file()
    assert not (out / f"{STEMS['05315']}.html").exists()
    assert "Fehlgeschlagen: 05315" in result.log
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["kreise"]["09162"]["status"] == "failed"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "ValueError: injected failure for 05315" in page


def test_a_worker_dying_inside_its_chunk_loses_no_report(tmp_path):
    # ten Kreise of one Land on one worker go out in chunks of three or two; the worker is killed
    # at the first report of its first chunk: that report is retried, the rest of the chunk
    # goes back to the queue as it was (never started, so not counted as a retry)
    kreise = pd.DataFrame({"ags": [f"01{i:03d}" for i in range(1, 11)], "name": [f"Ort {i}" for i in range(1, 11)],
                           "land_ags": "01", "land_name": "Schleswig-Holstein", "kreis_type": "Landkreis"})
    import threading

    marker = tmp_path / "worker-died"
    done: dict = {}
    # a lost report would leave the coordinator waiting for ever: run it where the test can give up
    thread = threading.Thread(daemon=True, target=lambda: done.update(result=run(
        tmp_path / "out", kreise=kreise, boundaries=None, workers=1,
        extra_parameters={"worker_marker": str(marker)})))
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the batch still waits for reports that no worker holds"
    result = done["result"]
    assert (result.ok, result.failed, result.exit_code) == (10, 0, 0)
    assert marker.read_text() == "01001"                     # the first report of the first chunk
    assert len(list((tmp_path / "out").glob("01*.html"))) == 10


def test_resume_after_a_simulated_kill(tmp_path):
    out = tmp_path / "out"
    first = run(out, ags="01001,05315,16069")
    assert first.ok == 3
    before = {n: (out / n).stat().st_mtime_ns for n in files(out) if n.endswith(".html")}
    # a kill mid-write leaves a temp file; a report missing entirely
    (out / f".{STEMS['16069']}.html.tmp-999-dead").write_bytes(b"<html>half")
    (out / f"{STEMS['16069']}.html").unlink()
    again = run(out, ags="01001,05315,16069", resume=True)
    assert (again.ok, again.skipped, again.failed) == (1, 2, 0)
    assert not any(".tmp-" in n for n in files(out))
    assert (out / f"{STEMS['01001']}.html").stat().st_mtime_ns == before[f"{STEMS['01001']}.html"]
    assert (out / f"{STEMS['16069']}.html").is_file()
    # other parameters: nothing is up to date
    third = run(out, ags="01001,05315,16069", resume=True, seed=8)
    assert (third.ok, third.skipped) == (3, 0)


def test_dask_local_cluster(first_run, tmp_path):
    from distributed import LocalCluster

    out, _ = first_run
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = run(tmp_path / "dask", ags="01001,05315", scheduler=cluster.scheduler_address)
    assert (result.ok, result.failed) == (2, 0)
    for ags in ("01001", "05315"):
        assert (tmp_path / "dask" / f"{STEMS[ags]}.html").read_bytes() == (out / f"{STEMS[ags]}.html").read_bytes()
    from workbook.batch import kernel

    assert kernel.kernel_pids() == []


def _descendant_kernels(pid: int) -> list[psutil.Process]:
    try:
        procs = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in procs if "ipykernel_launcher" in " ".join(p.cmdline())]


@pytest.mark.parametrize("sig, wait", [(signal.SIGINT, 1.0), (signal.SIGTERM, 1.0),
                                       # as soon as the kernel processes exist: they are still
                                       # starting up, the coordinator does not know them yet
                                       (signal.SIGINT, 0.0)])
def test_signal_leaves_no_kernel(tmp_path, sig, wait):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbook.cli", "batch", "--out", str(out), "--notebook", str(SLOW),
         "--ags", "01001,05315,16069", "--workers", "2", "--no-progress"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kernels: list[psutil.Process] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(kernels) < 2:
        time.sleep(0.5 if wait else 0.02)
        kernels = _descendant_kernels(proc.pid)
    assert len(kernels) == 2, "kernels did not start"
    time.sleep(wait)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Abgebrochen nach 0 von 3 Berichten" in err
    _gone, alive = psutil.wait_procs(kernels, timeout=10)
    assert alive == []
    assert "Traceback" not in err, err
    assert not any(".tmp-" in n for n in files(out))
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in man["kreise"].values()} == {"pending"}


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return r.returncode == 0


@pytest.fixture
def mounted(tmp_path):
    mounts = []

    def mount(name, options):
        path = tmp_path / name
        if os.geteuid() != 0 or not _mount_tmpfs(path, options):
            pytest.skip("needs root and tmpfs mounts for a real read-only / full file system")
        mounts.append(path)
        return path

    yield mount
    for path in mounts:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_folder_refused_before_start(mounted):
    ro = mounted("ro", "ro,size=1m")
    r = subprocess.run([sys.executable, "-m", "workbook.cli", "batch", "--out", str(ro / "reports"),
                        "--notebook", str(MINI), "--ags", "05315"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert "ist nicht beschreibbar (Read-only file system). Nichts wurde gestartet." in r.stderr
    assert "Traceback" not in r.stderr
    assert list(ro.iterdir()) == []


def test_full_disk_mid_run_then_resume(mounted, monkeypatch):
    from workbook.batch.outputs import OutputFolder

    disk = mounted("small", "size=400k")
    monkeypatch.setattr(OutputFolder, "check_space", lambda self, n, per_report=0: None)
    filler = disk / "filler.bin"
    filler.write_bytes(b"\0" * (400 * 1024 - 60 * 1024))   # about 60 KB left: one report fits
    out = disk / "reports"
    result = run(out, ags="01001,05315,16069", workers=1)
    assert result.exit_code == 1
    assert result.ok < 3
    assert "Kein Speicherplatz mehr im Ausgabeordner" in result.log
    assert not any(".tmp-" in n for n in files(out))
    for name in files(out):                         # every report on disk is complete
        if name.endswith(".html"):
            assert (out / name).read_text(encoding="utf-8").rstrip().endswith("</html>")
    filler.unlink()
    again = run(out, ags="01001,05315,16069", workers=1, resume=True)
    assert again.exit_code == 0 and again.ok + again.skipped == 3 and again.skipped == result.ok


def test_cli_refuses_unknown_selection():
    r = subprocess.run([sys.executable, "-m", "workbook.cli", "batch", "--ags", "05315,99999", "--out", "/tmp/x-never",
                        "--notebook", str(MINI)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert "unknown AGS / unbekannte Kreisschlüssel: 99999" in r.stderr
    assert not Path("/tmp/x-never").exists()


def test_real_bericht_for_two_kreise(tmp_path):
    """The project's report notebook through the CLI: a kreisfreie Stadt and a rural Landkreis."""
    out = tmp_path / "reports"
    r = subprocess.run([sys.executable, "-m", "workbook.cli", "batch", "--out", str(out), "--ags", "05315,16069",
                        "--draws", "100", "--workers", "2", "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [k["status"] for k in man["kreise"].values()] == ["ok", "ok"]
    for rec in man["kreise"].values():
        page = (out / rec["html"]).read_text(encoding="utf-8")
        assert external_references(page, allow_links=False) == []
        assert "<svg" in page and "<script" not in page
        assert len(page.encode()) < 500_000
        values = rec["figures"]["values"]
        assert sorted(values) == ["S0", "S1", "S2", "S3", "S4", "S5"]
        assert 0 < values["S0"]["ddi.index"] < 1
        # published by the report itself (no second engine run): equal to the engine's own figures
        assert rec.get("figures_error") is None
        assert rec["figures"] == key_figures(rec["ags"], draws=100)
        assert "So arbeiten Sie" not in page and "vnd.workbook.summary" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="05315_koeln-stadt.html">' in index and '<a href="16069_hildburghausen.html">' in index
    assert external_references(index, allow_links=False) == []


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium")
def test_pdf(tmp_path):
    result = run(tmp_path / "out", ags="05315", pdf=True, workers=1)
    assert result.ok == 1, result.records
    pdf = tmp_path / "out" / f"{STEMS['05315']}.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert result.records["05315"]["pdf"] == pdf.name
    # resume wants the PDF too
    pdf.unlink()
    again = run(tmp_path / "out", ags="05315", pdf=True, workers=1, resume=True)
    assert (again.ok, again.skipped) == (1, 0) and pdf.is_file()
