"""Suite-wide checks and the fixtures several test modules share (``local``, ``browser``, ``bericht_reports``).

Every HTML document the test suite writes (a file ``*.html`` under pytest's
temporary folders that starts with ``<!DOCTYPE html>``: reports, index pages,
anything a test has the workbook write) is parsed the way a browser parses it
(html5lib) and must have no parse error and no block (paragraph, table,
figure, ...) inside an ``<a>``. Files a test writes by hand as fragments
(``b"<html>half"``, ``"x"``) have no doctype and are not documents the
workbook wrote. A test's own ``tmp_path`` is checked when the test ends (the
failure is that test's); folders of wider-scoped fixtures
(``tmp_path_factory``) are checked once at the end of the session.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from html_check import check_documents

_SEEN: dict = {}   # the documents checked so far (key: path, size, mtime) -> their problems


@pytest.fixture(autouse=True)
def _html_written_is_valid(request):
    """After each test that used ``tmp_path``: the HTML documents in it parse cleanly."""
    yield
    tmp = request.node.funcargs.get("tmp_path") if hasattr(request.node, "funcargs") else None
    if tmp is None or not Path(tmp).exists():
        return
    problems = check_documents(Path(tmp), _SEEN)
    if problems:
        pytest.fail("HTML a browser reads differently from what was written:\n  "
                    + "\n  ".join(problems[:30]), pytrace=False)


def pytest_configure(config):
    """``make test`` runs ``--dist loadgroup``: the tests of one ``xdist_group`` (the dashboard
    servers' tests) must stay on one worker, or each worker starts the group's servers again.
    pytest-xdist tags a grouped test by rewriting ``item._nodeid``; pytest 9.2 derives the nodeid
    from elsewhere, and the groups were lost without a word (pyproject.toml pins pytest below it).
    Stop at once where the tagging would not take."""
    if config.getoption("dist", "no") != "loadgroup" or hasattr(config, "workerinput"):
        return

    class Probe(pytest.Item):
        def runtest(self):
            pass

    probe = object.__new__(Probe)       # not collected: only the nodeid property is asked
    probe._nodeid = "probe@group"
    try:
        tagged = probe.nodeid == "probe@group"
    except AttributeError:
        tagged = False
    if not tagged:
        raise pytest.UsageError(
            f"--dist loadgroup: pytest {pytest.__version__} ignores pytest-xdist's xdist_group tags "
            "(the dashboard tests would start their servers on every worker); install pytest<9.2 "
            "(pyproject.toml's test extra)")


def pytest_sessionfinish(session, exitstatus):
    factory = getattr(session.config, "_tmp_path_factory", None)
    base = getattr(factory, "_basetemp", None) if factory is not None else None
    if base is None or not Path(base).exists():
        return
    problems = check_documents(Path(base), _SEEN)
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        text = ("HTML a browser reads differently from what was written (tmp_path_factory folders):\n  "
                + "\n  ".join(problems[:30]))
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(text, red=True)
        else:  # pragma: no cover
            print(text)
        if session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture()
def local_dir(monkeypatch, tmp_path):
    """An empty overlay folder of the user's (``WORKBOOK_LOCAL_DIR``) for one test, caches cleared."""
    from workbook import data as datasets

    folder = tmp_path / "local"
    monkeypatch.setenv("WORKBOOK_LOCAL_DIR", str(folder))
    datasets.clear_cache()
    yield folder
    datasets.clear_cache()


@pytest.fixture
def local(local_dir):
    """A user's overlay folder holding one import, the state a refused import must leave as it
    was: the folder."""
    from workbook.data.importer import import_file

    import_file(Path(__file__).resolve().parent / "fixtures" / "import" / "latin1_umlauts.csv")
    return local_dir


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (``dashboard_helpers.launch_browser``), one per module."""
    from dashboard_helpers import launch_browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def bericht_reports(tmp_path_factory):
    """The project's report notebook for Köln (a kreisfreie Stadt) and Hildburghausen (a rural
    Landkreis), rendered once per session by the batch as ``make reports`` does (fewer draws),
    with the index page: the output folder."""
    from workbook.batch import BatchOptions, run_batch

    out = tmp_path_factory.mktemp("bericht") / "reports"
    result = run_batch(BatchOptions(out=out, ags="05315,16069", draws=50, workers=2, timeout=300,
                                    progress=False, stream=io.StringIO()))
    assert result.ok == 2, result.records
    return out
