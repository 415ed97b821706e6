"""The Voila dashboard server: configuration, start page, lock-down, session cap.

The server tests run one server (module scope) on the fixture dashboards in
tests/fixtures/dashboard/ and talk to it over HTTP and the kernel websocket,
the way a browser (or a hostile client) would.
"""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import pytest
from dashboard_helpers import (
    FIXTURE_DIR,
    FIXTURE_TEXTS,
    ROOT,
    DashboardServer,
    KernelChannel,
    fixture_config,
    open_session,
    shutdown_kernel,
)

from workbook import dashboard as D
from workbook.errors import WorkbookError
from workbook.texts import dashboard as T

EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1)""", re.I)


# ---------------------------------------------------------------------------
# Configuration (no server)
# ---------------------------------------------------------------------------

def test_committed_voila_json_is_the_generated_default():
    committed = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    assert committed == D.default_config(), "regenerate: python -m workbook.dashboard write-config"


def test_default_config_locks_voila_down():
    cfg = D.default_config()
    vc = cfg["VoilaConfiguration"]
    assert vc["strip_sources"] is True
    assert vc["show_tracebacks"] is False
    assert vc["extension_denylist"] == ["jupyterlab_pygments", "@voila-dashboards/jupyterlab-preview"]
    assert vc["allow_template_override"] == "NO"
    assert vc["allow_theme_override"] == "NO"
    assert vc["theme"] == "light"
    assert vc["preheat_kernel"] is True
    pools = cfg["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == {
        "00_uebersicht.ipynb": {"pool_size": 1},
        "01_szenarien.ipynb": {"pool_size": 1},
        "02_digitale_kluft.ipynb": {"pool_size": 1},
        "03_regionale_kooperation.ipynb": {"pool_size": 1},
        "04_telemedizin.ipynb": {"pool_size": 1},
        "default": {"pool_size": 0},   # bericht.ipynb (the batch report) gets no kernels
    }
    mkm = cfg["MappingKernelManager"]
    assert (mkm["cull_idle_timeout"], mkm["cull_interval"], mkm["cull_connected"]) == (1200, 60, True)
    assert cfg["Voila"]["ip"] == "127.0.0.1"
    assert cfg["DashboardApp"]["max_sessions"] == 20
    assert cfg["VoilaExecutor"]["cell_error_instruction"] == T.CELL_ERROR
    assert cfg["VoilaExecutor"]["timeout"] is None   # pooled kernels wait for visitors indefinitely
    csp = cfg["Voila"]["tornado_settings"]["headers"]["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp


@pytest.mark.parametrize("path, allowed", [
    ("karte.png", True),
    ("bilder/logo.svg", True),
    ("Foto.JPG", True),
    ("01_szenarien.ipynb", False),
    ("fixture_app.py", False),
    ("voila.json", False),
    ("daten/kreise.csv", False),
    ("../secret.png", False),
    ("bilder/../../x.png", False),
    (".hidden/x.png", False),
    ("/etc/x.png", False),
    ("scenario.yml", False),
])
def test_file_allowlist(path, allowed):
    assert D.file_allowed(path) is allowed


def test_default_config_refuses_bad_settings():
    with pytest.raises(WorkbookError, match="max_sessions"):
        D.default_config(max_sessions=0)
    with pytest.raises(WorkbookError, match="dashboards"):
        D.default_config(["../etc/passwd"])


@pytest.mark.parametrize("name, expected", [
    ("bad_trailing_comma.json", r"bad_trailing_comma\.json, row 4: invalid JSON at line 4, column 3"),
    ("bad_not_object.json", r"bad_not_object\.json: expected a JSON object of configuration sections"),
    ("bad_max_sessions.json", r"key 'DashboardApp\.max_sessions': expected a whole number >= 1, got 0"),
    ("bad_dashboards.json", r"key 'DashboardApp\.dashboards': expected a list of notebook names"),
    ("bad_section.json", r"bad_section\.json, key 'Voila': expected an object of settings"),
])
def test_load_config_names_file_and_problem(name, expected):
    with pytest.raises(WorkbookError, match=expected):
        D.load_config(FIXTURE_DIR / name)


def test_load_config_missing_file(tmp_path):
    with pytest.raises(WorkbookError, match=r"nope\.json: file not found"):
        D.load_config(tmp_path / "nope.json")


def test_write_config_is_atomic_and_round_trips(tmp_path):
    path = D.write_config(tmp_path / "voila.json", D.default_config(["a_b"], max_sessions=3))
    assert D.load_config(path)["DashboardApp"] == {"max_sessions": 3, "dashboards": ["a_b"]}
    assert [p.name for p in tmp_path.iterdir()] == ["voila.json"]   # no temp file left


@pytest.mark.parametrize("ip, expected", [
    ("127.0.0.1", True), ("::1", True), ("localhost", True), ("127.3.4.5", True),
    ("0.0.0.0", False), ("", False), ("192.168.1.10", False), ("::", False), ("example.org", False),
])
def test_is_loopback(ip, expected):
    assert D.is_loopback(ip) is expected


def test_cli_binds_loopback_unless_told():
    from workbook.cli import _build_parser

    args = _build_parser().parse_args(["dashboard"])
    assert (args.ip, args.port, args.handler) == ("127.0.0.1", 8866, "workbook.cli.dashboard:run")


def test_serve_refuses_a_busy_port_in_german():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(WorkbookError, match=rf"key '--port': Port {port} auf 127\.0\.0\.1 ist nicht verfügbar"):
            D.serve(FIXTURE_DIR, port=port)


def test_make_app_names_a_missing_folder(tmp_path):
    with pytest.raises(WorkbookError, match=r"nicht_da: folder not found"):
        D.make_app(tmp_path / "nicht_da")


def test_every_dashboard_has_a_notebook_and_german_texts():
    for stem, (title, sentence) in T.DASHBOARDS.items():
        assert (ROOT / "notebooks" / f"{stem}.ipynb").is_file(), stem
        assert title and sentence.endswith("."), stem
    assert "bericht" not in T.DASHBOARDS   # the batch report is not a dashboard


# ---------------------------------------------------------------------------
# A running server (fixture dashboards, session cap 3)
# ---------------------------------------------------------------------------

CAP = 2


@pytest.fixture(scope="module")
def server():
    srv = DashboardServer(FIXTURE_DIR, fixture_config(max_sessions=CAP), name="dashboard-http")
    srv.start()
    srv.wait_pools(2)
    yield srv
    srv.stop()


@pytest.fixture
def visitor(server):
    """Open the fixture dashboard like a visitor; shut its kernel down afterwards."""
    opened = []

    def _open(notebook="fixture_dashboard", query="?ags=09162"):
        s, html, kid = open_session(server, notebook, query)
        opened.append((s, kid))
        return s, html, kid

    yield _open
    for s, kid in opened:
        shutdown_kernel(server, s, kid)


def _get(server, path, **kw):
    import requests

    return requests.get(server.url(path), timeout=60, allow_redirects=False, **kw)


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_start_page_lists_dashboards_in_german(server):
    r = _get(server, "")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="de">' in html
    assert T.SITE_TITLE in html and T.START_INTRO in html
    for stem, (title, sentence) in FIXTURE_TEXTS.items():
        assert title in html and sentence in html
        assert f'href="/voila/render/{stem}.ipynb"' in html
    assert not EXTERNAL_URL.search(html)
    assert "Content-Security-Policy" in r.headers and "default-src 'self'" in r.headers["Content-Security-Policy"]


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_start_page_kreis_picker_puts_ags_into_the_links(server):
    kreise = D.kreis_choices()
    r = _get(server, "?ags=09162")
    html = r.text
    if kreise is None:   # data layer unavailable: the page says so and still links
        assert T.PICKER_UNAVAILABLE in html
    else:
        assert len(kreise) == 401
        assert html.count("<option value=\"") == 401
        muenchen = next(k for k in kreise if k["ags"] == "09162")
        assert T.PICKER_CURRENT.format(name=muenchen["name"], ags="09162") in html
    assert r.status_code == 200
    assert 'href="/voila/render/fixture_dashboard.ipynb?ags=09162"' in html


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
@pytest.mark.parametrize("query, reason", [
    ("?ags=123", "kein Kreis- oder Gemeindeschlüssel"),
    ("?ags=%3Cscript%3E", None),
    ("?ags=99999", "Kreisschlüssel '99999' gibt es nicht"),
    ("?ags=08416999", "Gemeindeschlüssel '08416999' gibt es nicht"),
    ("?ags=08", "Länderschlüssel"),
])
def test_start_page_refuses_an_unknown_ags_in_german(server, query, reason):
    r = _get(server, query)
    if reason is not None and D.kreis_choices() is None:
        pytest.skip("without the Kreis list a well-formed AGS cannot be checked")
    assert r.status_code == 400
    assert "ist unbekannt" in r.text and "Bitte wählen Sie einen Kreis aus der Liste" in r.text
    if reason is not None:                      # the place rule's reason, in German only
        import html

        notice = html.unescape(r.text.split('role="alert">')[1].split("</p>")[0])
        assert reason in notice and " / " not in notice
    assert "<script>" not in r.text.split("<main>")[1]   # escaped, not injected


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
@pytest.mark.parametrize("query", ["?ags=08416041", "?ags=8416041", "?ags=084165000041"])
def test_start_page_takes_a_gemeinde_key(server, query):
    r = _get(server, query)
    if D.kreis_choices() is None:
        pytest.skip("data layer unavailable")
    assert r.status_code == 200
    assert T.PICKER_CURRENT_GEMEINDE.format(option="Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)") \
        in r.text
    assert 'href="/voila/render/fixture_dashboard.ipynb?ags=08416041"' in r.text
    assert '<option value="" selected>' in r.text          # no Kreis of the list pretends to be chosen


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_start_page_finds_a_gemeinde_and_stays_small(server):
    if D.kreis_choices() is None:
        pytest.skip("data layer unavailable")
    plain = _get(server, "")
    r = _get(server, "?q=tubingen")
    assert r.status_code == 200
    assert T.SEARCH_HITS.format(count=2, query="tubingen") in r.text
    assert 'href="/?ags=08416"' in r.text and 'href="/?ags=08416041"' in r.text
    assert "Tübingen, Universitätsstadt (Landkreis Tübingen, 08416041)" in r.text
    # the page carries the 401 Kreise and at most 20 hits, never the 10,799 Gemeinden
    assert len(re.findall(r'<option value="[0-9]{5}"', r.text)) == 401
    many = _get(server, "?q=berg")
    assert many.text.count('data-ags="') == 20 and "20 von 582 Treffern" in many.text
    assert len(many.content) < len(plain.content) + 8_000
    one = _get(server, "?q=T%C3%BCbingen%2C%20Univ")                        # one match: chosen at once
    assert 'href="/voila/render/fixture_dashboard.ipynb?ags=08416041"' in one.text
    none = _get(server, "?q=%3Cb%3EAtlantis")
    assert T.SEARCH_NONE.format(query="<b>Atlantis").replace("<", "&lt;").replace(">", "&gt;") in none.text


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
@pytest.mark.parametrize("path", [
    "voila/files/fixture_app.py",
    "voila/files/fixture_dashboard.ipynb",
    "voila/files/bad_max_sessions.json",
    "voila/files/../fixture_app.py",
    "voila/files/%2e%2e/%2e%2e/pyproject.toml",
    "voila/files/../../../../etc/passwd",
    "voila/files/..%2f..%2fpyproject.toml",
    "voila/render/fixture_app.py",
    "voila/render/../../pyproject.toml",
    "voila/render/%2e%2e/%2e%2e/README.md",
    "voila/static/../../../../../etc/passwd",
    "voila/templates/lab/static/../../../../../../etc/passwd",
    "voila/api/contents",
    "voila/api/contents/fixture_dashboard.ipynb",
    "voila/tree/",
    "api/kernels",
    "api/sessions",
    "api/contents/fixture_app.py",
    "notebooks/01_szenarien.ipynb",
])
def test_sources_and_traversal_are_refused(server, path):
    import requests

    r = requests.get(server.url(path), timeout=30, allow_redirects=False)
    body = r.text
    assert r.status_code in (302, 400, 403, 404, 405), (path, r.status_code)
    if r.status_code == 302:
        assert r.headers["Location"] == "/"
    assert "import altair" not in body and "FixtureApp" not in body and "root:x:0" not in body
    assert "[build-system]" not in body and '"cells"' not in body


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_unknown_page_gives_a_german_404_without_cdn(server):
    r = _get(server, "gibt/es/nicht")
    assert r.status_code == 404
    assert T.ERROR_TEXTS[404] in r.text and '<html lang="de">' in r.text
    assert not EXTERNAL_URL.search(r.text)


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_bad_ags_on_a_dashboard_is_refused_before_a_kernel_starts(server):
    for query in ("../../x", "0841604x", "1234567890123", "%EF%BC%90%EF%BC%95"):
        r = _get(server, f"voila/render/fixture_dashboard.ipynb?ags={query}")
        assert r.status_code == 400, query
        assert T.ERROR_TEXTS[400] in r.text


def test_query_key_passes_digits_only():
    from workbook.dashboard.kreise import query_key

    assert query_key("08416041") == "08416041" and query_key(" 084165000041 ") == "084165000041"
    assert query_key("8416041") == "8416041"          # the notebook puts the zero back (workbook.ags)
    for bad in ("", "0841604x", "1234567890123", "\uff10\uff15\uff13\uff11\uff15", "05315;", None):
        assert query_key(bad) is None, bad


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_dashboard_page_is_german_offline_and_sourceless(server, visitor):
    _s, html, _kid = visitor()
    assert '<html lang="de">' in html
    assert T.NAV_HOME in html and T.NAV_PRINT in html and T.LOADING in html
    assert not EXTERNAL_URL.search(html), EXTERNAL_URL.search(html)
    assert "cdn.jsdelivr" not in html and "fontawesome" not in html.lower()
    assert "FixtureApp().show()" not in html      # sources stripped
    assert "application/vnd.jupyter.widget-view+json" in html
    assert "Ein kleines Dashboard für die Tests des Servers." in html
    assert "Nur für Analysten" not in html        # a cell tagged remove-in-dashboard


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_cell_error_shows_german_message_and_logs_details(server, visitor):
    _s, html, _kid = visitor("fixture_broken", "")
    assert T.CELL_ERROR in html
    assert "geheimes Detail" not in html and "Traceback" not in html and "RuntimeError" not in html
    time.sleep(0.5)
    assert "geheimes Detail nur fuer das Server-Protokoll" in server.log_text()


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_execute_request_over_the_websocket_is_ignored(server, visitor, tmp_path):
    s, _html, kid = visitor()
    target = tmp_path / "pwned.txt"
    ch = KernelChannel(server, kid, cookies=s.cookies.get_dict())
    try:
        msg_id = ch.send("execute_request", {
            "code": f"open({str(target)!r}, 'w').write('x')", "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        replies = ch.receive(4.0)
        # the kernel still answers allowed messages on the same connection
        info = ch.send("kernel_info_request", {})
        assert ch.wait_for(lambda m: m.get("parent_header", {}).get("msg_id") == info, 20) is not None
    finally:
        ch.close()
    assert not target.exists()
    assert not [m for m in replies if m.get("parent_header", {}).get("msg_id") == msg_id]


def expected_curve(rate: float, ags: str) -> list[float]:
    import sys

    sys.path.insert(0, str(FIXTURE_DIR))
    try:
        from fixture_app import KREISE, curve
    finally:
        sys.path.remove(str(FIXTURE_DIR))
    return curve(rate, KREISE[ags][1])["Anteil"].tolist()


def _find_slider(states: dict[str, dict]) -> str:
    for comm_id, st in states.items():
        if st.get("_model_name") == "FloatSliderModel" and "wb-param" in st.get("_dom_classes", []):
            return comm_id
    raise AssertionError(f"no parameter slider among {[s.get('_model_name') for s in states.values()]}")


def _chart_values(msgs: list[dict]) -> list[list[float]]:
    """'Anteil' values of every JupyterChart spec update among ``msgs``."""
    out = []
    for m in msgs:
        if m["header"]["msg_type"] != "comm_msg":
            continue
        state = m["content"].get("data", {}).get("state", {})
        spec = state.get("spec")
        if isinstance(spec, dict):
            datasets = spec.get("datasets", {})
            values = [row["Anteil"] for rows in datasets.values() for row in rows if "Anteil" in row]
            if not values and "data" in spec:
                values = [row["Anteil"] for row in spec["data"].get("values", []) if "Anteil" in row]
            out.append(values)
    return out


def _slider_echo(msgs: list[dict], comm_id: str) -> dict:
    state = {}
    for m in msgs:
        if m["header"]["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id:
            state.update(m["content"].get("data", {}).get("state", {}))
    return state


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_hostile_widget_values_are_clamped_in_python(server, visitor):
    s, _html, kid = visitor()
    ch = KernelChannel(server, kid, cookies=s.cookies.get_dict())
    try:
        slider = _find_slider(ch.widget_states())
        # 1. far out of range, with the slider's max raised too
        ch.update(slider, {"max": 1e9, "value": 1e9})
        msgs = ch.collect_until(lambda got: _chart_values(got), 20)
        echo = _slider_echo(msgs, slider)
        assert echo.get("max") == 0.6 and echo.get("value") == 0.6, echo
        charts = _chart_values(msgs)
        assert charts, "the chart was not redrawn"
        assert charts[-1] == pytest.approx(expected_curve(0.6, "09162"))
        # 2. wrong type: refused by the trait, the model keeps the last good value
        ch.update(slider, {"value": "1e9; import os"})
        msgs = ch.receive(2.0)
        assert all(v == pytest.approx(expected_curve(0.6, "09162")) for v in _chart_values(msgs))
        # 3. below range and NaN
        ch.update(slider, {"min": -1e9, "value": -5.0})
        msgs = ch.collect_until(lambda got: _chart_values(got), 20)
        echo = _slider_echo(msgs, slider)
        assert echo.get("value") == 0.15 and echo.get("min") == 0.15, echo
        assert _chart_values(msgs)[-1] == pytest.approx(expected_curve(0.15, "09162"))
        ch.ws.send(json.dumps({"header": {"msg_id": "nan1", "msg_type": "comm_msg", "username": "t",
                                          "session": ch.session, "date": "2024-01-01T00:00:00Z",
                                          "version": "5.3"},
                               "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                               "content": {"comm_id": slider, "data": {"method": "update",
                                           "state": {"value": float("nan")}, "buffer_paths": []}}}))
        msgs = ch.collect_until(lambda got: _chart_values(got), 3)
        for values in _chart_values(msgs):
            assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
    finally:
        ch.close()


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_session_cap_gives_a_german_busy_page_then_recovers(server):
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from dashboard_helpers import page_kernel_id

    def visit(_i):
        s = requests.Session()
        return s, s.get(server.url("voila/render/fixture_dashboard.ipynb?ags=05315"), timeout=300)

    with ThreadPoolExecutor(CAP + 3) as pool:   # a burst: more visitors at once than the cap
        results = list(pool.map(visit, range(CAP + 3)))
    served = [(s, r) for s, r in results if r.status_code == 200]
    busy = [r for _s, r in results if r.status_code == 503]
    try:
        assert (len(served), len(busy)) == (CAP, 3), [r.status_code for _s, r in results]
        r = busy[0]
        assert r.headers["Retry-After"] == str(D.BUSY_RETRY_AFTER)
        text = r.content.decode("utf-8")
        assert T.BUSY_TITLE in text
        assert T.BUSY_TEXT.format(active=CAP, limit=CAP) in text
        assert not EXTERNAL_URL.search(text)
        # another dashboard is refused as well: the cap counts all visitors
        assert requests.get(server.url("voila/render/fixture_broken.ipynb"), timeout=30).status_code == 503
    finally:
        for s, r in served:
            assert shutdown_kernel(server, s, page_kernel_id(r.content.decode("utf-8"))) in (200, 204)
    time.sleep(0.5)
    s, _html, kid = open_session(server, "fixture_dashboard", "")
    shutdown_kernel(server, s, kid)


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_server_listens_on_loopback_only(server):
    import psutil

    listening = [c.laddr for c in psutil.Process(server.proc.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening
    assert f"http://127.0.0.1:{server.port}/" in server.log_text()


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_workbook_dashboard_command_serves_the_start_page():
    """`workbook dashboard` (what `make dashboard` runs) on the real notebooks."""
    import os
    import signal
    import subprocess
    import sys

    import requests
    from dashboard_helpers import free_port

    port = free_port()
    exe = Path(sys.executable).with_name("workbook")
    proc = subprocess.Popen([str(exe), "dashboard", "--port", str(port), "--no-browser"], cwd="/",
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        html = None
        while time.monotonic() < deadline and html is None:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                html = r.content.decode("utf-8")
            except requests.RequestException:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.3)
        assert html is not None, "no start page within 60 s"
        for stem, (title, _sentence) in T.DASHBOARDS.items():
            assert title in html and f'href="/voila/render/{stem}.ipynb"' in html
        assert "bericht" not in html
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    assert f"Dashboards: http://127.0.0.1:{port}/" in out


# ---------------------------------------------------------------------------
# Place labels and German order (start page and the apps' Kreis picker)
# ---------------------------------------------------------------------------

def test_place_labels_tell_kreise_of_the_same_name_apart():
    from workbook.texts.places import place_labels

    labels = place_labels([("08121", "Heilbronn", "Stadtkreis"), ("08125", "Heilbronn", "Landkreis"),
                           ("09163", "Rosenheim", "Kreisfreie Stadt"), ("09187", "Rosenheim", "Landkreis"),
                           ("08115", "Böblingen", "Landkreis")])
    assert labels == {"08121": "Heilbronn, Stadt", "08125": "Heilbronn, Landkreis",
                      "09163": "Rosenheim, Stadt", "09187": "Rosenheim, Landkreis",
                      "08115": "Böblingen"}   # a unique name stays as it is


@pytest.mark.parametrize("names, expected", [
    (["Breisgau-Hochschwarzwald", "Böblingen"], ["Böblingen", "Breisgau-Hochschwarzwald"]),
    (["Zollernalbkreis", "Ulm", "Ötztal", "Oberallgäu"], ["Oberallgäu", "Ötztal", "Ulm", "Zollernalbkreis"]),
    (["bamberg", "Augsburg", "Ärzteland"], ["Ärzteland", "Augsburg", "bamberg"]),   # case-insensitive
    (["Straubing", "Straße"], ["Straße", "Straubing"]),                             # ß as ss
    (["Thüringen", "Sachsen", "Baden-Württemberg"], ["Baden-Württemberg", "Sachsen", "Thüringen"]),
])
def test_german_sort_key(names, expected):
    from workbook.texts.places import german_sort_key

    assert sorted(names, key=german_sort_key) == expected


def test_kreis_choices_have_labels_in_german_order():
    from workbook.texts.places import german_sort_key

    kreise = D.kreis_choices()
    if kreise is None:
        pytest.skip("data layer unavailable")
    by_ags = {k["ags"]: k for k in kreise}
    assert (by_ags["08121"]["label"], by_ags["08125"]["label"]) == ("Heilbronn, Stadt", "Heilbronn, Landkreis")
    assert by_ags["09162"]["label"] == by_ags["09162"]["name"]   # a unique name stays as it is
    assert len({k["label"] for k in kreise}) == 401          # every label names one Kreis
    bw = [k["label"] for k in kreise if k["land_name"] == "Baden-Württemberg"]
    assert bw.index("Böblingen") < bw.index("Breisgau-Hochschwarzwald")
    assert bw == sorted(bw, key=german_sort_key)
    lands = list(dict.fromkeys(k["land_name"] for k in kreise))
    assert lands == sorted(lands, key=german_sort_key) and lands[0] == "Baden-Württemberg"


def test_kreis_picker_uses_the_same_labels_and_order():
    import pandas as pd

    from workbook.widgets import KreisPicker

    kreise = pd.DataFrame({
        "ags": ["08125", "08121", "08315", "08115", "05315"],
        "name": ["Heilbronn", "Heilbronn", "Breisgau-Hochschwarzwald", "Böblingen", "Köln"],
        "kreis_type": ["Landkreis", "Stadtkreis", "Landkreis", "Landkreis", "Kreisfreie Stadt"],
        "land_name": ["Baden-Württemberg"] * 4 + ["Nordrhein-Westfalen"],
    })
    picker = KreisPicker("05315", kreise=kreise)
    assert [p.option for p in picker.index.places] == [
        "Böblingen (08115)", "Breisgau-Hochschwarzwald (08315)", "Heilbronn, Landkreis (08125)",
        "Heilbronn, Stadt (08121)", "Köln (05315)"]
    picker.combo.value = "b"                      # hits in the same German order: Böblingen, Breisgau
    assert [b.description.split(" · ")[0] for b in picker.hits.children][:2] == [
        "Böblingen (08115)", "Breisgau-Hochschwarzwald (08315)"]
    picker.combo.value = "Heilbronn, Stadt"      # the label typed without its key
    picker.submit()
    assert picker.ags == "08121"
    picker.combo.value = "Heilbronn"             # ambiguous: the last valid Kreis stays
    picker.submit()
    assert picker.ags == "08121"


def test_start_page_uses_the_place_labels(tmp_path):
    """The start page template renders the label (not the bare name) of each Kreis."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(D.TEMPLATE_DIR)), autoescape=True)
    kreise = [{"ags": "08125", "name": "Heilbronn", "label": "Heilbronn, Landkreis", "land_name": "BW"},
              {"ags": "08121", "name": "Heilbronn", "label": "Heilbronn, Stadt", "land_name": "BW"}]
    html = env.get_template("start.html.j2").render(
        base_url="/", t=T, dashboards={}, kreise=kreise, lands={"BW": kreise}, chosen=kreise[1],
        notice=None, default=None)
    assert '<option value="08125">Heilbronn, Landkreis (08125)</option>' in html
    assert '<option value="08121" selected>Heilbronn, Stadt (08121)</option>' in html
    assert T.PICKER_CURRENT.format(name="Heilbronn, Stadt", ags="08121") in html


# ---------------------------------------------------------------------------
# Structure of the server code (issue 12)
# ---------------------------------------------------------------------------

def test_dashboard_package_defines_no_class_in_a_function_and_reads_no_private_voila_state():
    import ast

    package = ROOT / "workbook" / "dashboard"
    assert not (ROOT / "workbook" / "dashboard.py").exists()
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            inner = [n.name for n in ast.walk(func) if isinstance(n, ast.ClassDef)]
            assert not inner, f"{path.name}: class {inner} defined inside {func.name}()"
        private = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                   and n.attr in ("_pools", "_waiters", "_cache", "_kernels", "_activity_stream")}
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == "_pools"}
        assert not private and not strings, f"{path.name} reads Voila's private state: {private | strings}"


def test_importing_the_package_does_not_import_voila():
    import subprocess
    import sys

    code = "import sys, workbook.dashboard as D; D.default_config(); print('voila' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Restart on the same port (issue 16)
# ---------------------------------------------------------------------------

def _time_wait_on(port: int) -> bool:
    import psutil

    return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_TIME_WAIT
               for c in psutil.net_connections(kind="tcp"))


def test_port_check_allows_time_wait_but_refuses_a_listener():
    import socket

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as tornado binds
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _addr = listener.accept()
    served.close()            # the server side closes first: its end of the port goes to TIME-WAIT
    client.recv(1)
    client.close()
    listener.close()
    assert _time_wait_on(port)
    D.check_port_free("127.0.0.1", port)      # a stopped server's leftovers do not block a restart
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(WorkbookError, match=rf"Port {port} auf 127\.0\.0\.1 ist nicht verfügbar"):
            D.check_port_free("127.0.0.1", port)


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_server_restarts_on_the_same_port_right_after_a_stop():
    import requests

    first = DashboardServer(FIXTURE_DIR, fixture_config(pool_size=0), name="dashboard-restart")
    port = first.port
    first.start()
    held = requests.Session()
    try:
        assert held.get(first.base, timeout=30).status_code == 200   # a keep-alive connection stays open
    finally:
        first.stop()          # the server closes that connection: TIME-WAIT on its port
    held.close()
    assert _time_wait_on(port), "expected TIME-WAIT sockets on the port after the stop"
    second = DashboardServer(FIXTURE_DIR, fixture_config(pool_size=0), name="dashboard-restart", port=port)
    second.start(timeout=60)
    try:
        r = requests.get(second.base, timeout=30)
        assert r.status_code == 200 and T.SITE_TITLE in r.text
        assert "nicht verfügbar" not in second.log_text()
    finally:
        second.stop()


@pytest.mark.slow
@pytest.mark.xdist_group("dashboard")
def test_first_visitor_after_a_start_gets_the_preparing_page_then_the_dashboard():
    """Right after a start the dashboard's preheated kernel still runs its 8 s first cell
    (tests/fixtures/dashboard/fixture_slow.ipynb): the German page that reloads itself, not a
    request that hangs on the kernel; once the kernel waits for its visitor, the dashboard."""
    import requests
    from dashboard_helpers import page_kernel_id

    texts = {"fixture_slow": ["Langsames Testdashboard", "Braucht acht Sekunden bis zur Bereitschaft."]}
    cfg = D.default_config(list(texts), max_sessions=2)
    cfg["DashboardApp"]["dashboard_texts"] = texts
    srv = DashboardServer(FIXTURE_DIR, cfg, name="dashboard-cold")
    srv.start()
    try:
        url = srv.url("voila/render/fixture_slow.ipynb?ags=16069")
        r = requests.get(url, timeout=30)
        assert r.status_code == 503, r.status_code
        assert r.headers["Retry-After"] == "2"
        text = r.content.decode("utf-8")
        assert T.PREPARING_TITLE in text and T.PREPARING_TEXT.format(title="Langsames Testdashboard") in text
        assert '<meta http-equiv="refresh" content="2">' in text and '<html lang="de">' in text
        assert not EXTERNAL_URL.search(text)
        assert "Kernel" not in text and "kernelId" not in text
        deadline = time.monotonic() + 120
        while r.status_code == 503 and time.monotonic() < deadline:
            time.sleep(1)
            r = requests.get(url, timeout=120)
        assert r.status_code == 200
        s = requests.Session()
        assert srv.ready_dashboards() == ["fixture_slow.ipynb"]
        assert "fixture_slow.ipynb is ready: a preheated kernel waits for visitors " \
               "(waits in get_query_string())" in srv.log_text()
        kid = page_kernel_id(r.content.decode("utf-8"))
        assert "Kreis 16069" in r.content.decode("utf-8")   # the preheated kernel got this visitor's ?ags=
        shutdown_kernel(srv, s, kid)
        # after the first ready kernel, visitors wait for the refilled pool as before (no preparing page)
        r2 = requests.get(url, timeout=120)
        assert r2.status_code == 200
        shutdown_kernel(srv, s, page_kernel_id(r2.content.decode("utf-8")))
    finally:
        srv.stop()
