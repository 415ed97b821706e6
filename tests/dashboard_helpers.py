"""Shared harness of the dashboard tests and benchmark.

- :class:`DashboardServer` starts ``python -m workbook.dashboard serve`` on a
  free loopback port in its own process group, waits until the start page
  answers, and kills the server and every kernel at the end.
- :class:`KernelChannel` speaks the Jupyter websocket protocol to a kernel the
  way a (hostile) browser would: execute requests, widget comm messages.
- :func:`launch_browser` starts Debian's chromium through Playwright (never a
  downloaded browser); :class:`PageWatch` records every request, console
  error and page error, and aborts any request that would leave 127.0.0.1.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "dashboard"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
]
#: the server's log line when a dashboard's first preheated kernel is ready (workbook.dashboard.sessions)
READY_LINE = "is ready: a preheated kernel waits for visitors"
FIXTURE_TEXTS = {
    "fixture_dashboard": ["Testdashboard", "Ein kleines Dashboard für die Tests des Servers."],
    "fixture_broken": ["Fehlerhaftes Testdashboard", "Eine Zelle wirft einen Fehler."],
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture_config(max_sessions: int = 6, pool_size: int = 1, **kw) -> dict:
    from workbook.dashboard import default_config

    cfg = default_config(list(FIXTURE_TEXTS), max_sessions=max_sessions, pool_size=pool_size, **kw)
    cfg["DashboardApp"]["dashboard_texts"] = FIXTURE_TEXTS
    return cfg


class DashboardServer:
    """One Voila dashboard server in a subprocess (own process group)."""

    def __init__(self, notebooks: Path, config: dict | None = None, *, name: str = "dashboard",
                 port: int | None = None, ip: str | None = None):
        self.notebooks = Path(notebooks)
        self.config = config
        self.name = name
        self._own_port = port is None
        self.port = port or free_port()
        self.ip = ip
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        # the port in the names: two pytest-xdist workers may each start a server of this name
        self._name_files()

    def _name_files(self) -> None:
        self.log_path = ARTIFACTS / f"{self.name}-{self.port}-server.log"
        self.config_path = ARTIFACTS / f"{self.name}-{self.port}-voila.json"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def start(self, timeout: float = 60.0) -> DashboardServer:
        """Start the server and wait until its start page answers.

        A port this helper chose itself can be taken by another process (a kernel of a
        parallel test worker) between ``free_port()`` and the server's bind: then the
        server refuses it ("Address already in use") and a new free port is tried."""
        for _attempt in range(3):
            self.launch()
            try:
                return self.wait_answering(timeout)
            except RuntimeError:
                taken = "Address already in use" in self.log_path.read_text(encoding="utf-8", errors="replace")
                if not (self._own_port and taken):
                    raise
                self.stop()
                self.port = free_port()
                self._name_files()
        raise RuntimeError(f"dashboard server found no free port; see {self.log_path}")

    def launch(self) -> DashboardServer:
        """Start the server process without waiting (the cold-start benchmark times what follows)."""
        cmd = [sys.executable, "-m", "workbook.dashboard", "serve", "--notebooks", str(self.notebooks),
               "--port", str(self.port)]
        if self.config is not None:
            self.config_path.write_text(json.dumps(self.config, ensure_ascii=False, indent=1), encoding="utf-8")
            cmd += ["--config", str(self.config_path)]
        if self.ip:
            cmd += ["--ip", self.ip]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - the server's log, closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=str(ROOT), stdout=self._log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        return self

    def wait_answering(self, timeout: float = 60.0) -> DashboardServer:
        """Wait until the start page answers (200, or 400 for a bad query); stop the server on a timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dashboard server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                if requests.get(self.base, timeout=2).status_code in (200, 400):
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"dashboard server not ready after {timeout} s; see {self.log_path}")

    def wait_pools(self, n: int, timeout: float = 120.0) -> None:
        """Wait until the log says ``n`` dashboards are ready (a preheated kernel of each waits for
        its visitor; before that a dashboard answers with the "wird vorbereitet" page).

        Voila's "pool is filled" line is not enough: it comes when the kernel has started,
        before it ran the notebook."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log_text().count(READY_LINE) >= n:
                return
            time.sleep(0.25)

    def ready_dashboards(self) -> list[str]:
        """Notebooks the server has logged as ready, in order."""
        return re.findall(r"Dashboard (\S+) " + re.escape(READY_LINE), self.log_text())

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernel_pids(self) -> list[int]:
        """PIDs of the kernels (children of the server process)."""
        import psutil

        if self.proc is None:
            return []
        try:
            parent = psutil.Process(self.proc.pid)
            return [c.pid for c in parent.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # kernels left over in the group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        self._log.close()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -- HTTP helpers ---------------------------------------------------------------

def page_kernel_id(html: str) -> str:
    match = re.search(r'"kernelId":\s*"([0-9a-f\-]{36})"', html)
    if not match:
        raise AssertionError("no kernelId in the page")
    return match.group(1)


def open_session(server: DashboardServer, notebook: str, query: str = "") -> tuple[requests.Session, str, str]:
    """GET a dashboard like a visitor: (http session, page html, kernel id)."""
    s = requests.Session()
    r = s.get(server.url(f"voila/render/{notebook}.ipynb{query}"), timeout=120)
    r.raise_for_status()
    html = r.content.decode("utf-8")   # Voila sends text/html without a charset
    return s, html, page_kernel_id(html)


def shutdown_kernel(server: DashboardServer, session: requests.Session, kernel_id: str) -> int:
    """Shut a visitor kernel down the way the page does on unload (with the XSRF cookie)."""
    token = session.cookies.get("_xsrf")
    if token is None:
        session.get(server.base, timeout=10)
        token = session.cookies.get("_xsrf")
    r = session.post(server.url(f"voila/api/shutdown/{kernel_id}"), headers={"X-XSRFToken": token or ""},
                     timeout=30)
    return r.status_code


# -- the kernel websocket, as a client ----------------------------------------------

class KernelChannel:
    """A raw client of ``/api/kernels/<id>/channels`` (Jupyter message protocol, JSON)."""

    def __init__(self, server: DashboardServer, kernel_id: str, cookies: dict | None = None):
        import websocket

        self.session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={self.session}"
        cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        self.ws = websocket.create_connection(url, timeout=30, cookie=cookie or None)
        self.inbox: list[dict] = []

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "test", "session": self.session,
                       "date": _dt.datetime.now(_dt.UTC).isoformat(), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
        }))
        return msg_id

    def receive(self, seconds: float) -> list[dict]:
        """Collect messages for ``seconds`` (appended to ``inbox`` and returned)."""
        import websocket

        got = []
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.ws.settimeout(left)
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if isinstance(raw, bytes):
                continue  # binary messages carry buffers only
            got.append(json.loads(raw))
        self.inbox.extend(got)
        return got

    def wait_for(self, predicate, seconds: float) -> dict | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for msg in self.receive(min(0.5, max(0.05, deadline - time.monotonic()))):
                if predicate(msg):
                    return msg
        return None

    def collect_until(self, done, seconds: float) -> list[dict]:
        """Messages until ``done(messages_so_far)`` is true or ``seconds`` pass."""
        got: list[dict] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got.extend(self.receive(min(0.2, max(0.01, deadline - time.monotonic()))))
            if done(got):
                break
        return got

    def comm_ids(self) -> list[str]:
        req = self.send("comm_info_request", {"target_name": "jupyter.widget"})
        reply = self.wait_for(lambda m: m.get("parent_header", {}).get("msg_id") == req
                              and m["header"]["msg_type"] == "comm_info_reply", 20)
        assert reply is not None, "no comm_info_reply"
        return list(reply["content"]["comms"])

    def widget_states(self) -> dict[str, dict]:
        """comm id -> widget state, asked like the browser asks (request_state)."""
        ids = self.comm_ids()
        for comm_id in ids:
            self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        states: dict[str, dict] = {}
        deadline = time.monotonic() + 30
        while len(states) < len(ids) and time.monotonic() < deadline:
            for msg in self.receive(0.3):
                if msg["header"]["msg_type"] == "comm_msg":
                    data = msg["content"].get("data", {})
                    if data.get("method") == "update" and "_model_name" in data.get("state", {}):
                        states[msg["content"]["comm_id"]] = data["state"]
        return states

    def update(self, comm_id: str, state: dict) -> None:
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                            "buffer_paths": []}})

    def close(self) -> None:
        import websocket

        try:
            self.ws.close()
        except (websocket.WebSocketException, OSError):  # the server closed it first
            pass


# -- the browser ------------------------------------------------------------------------

def launch_browser(playwright):
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} missing: run `make browser` (Debian's chromium, no download)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class PageWatch:
    """Record every request of a page; abort anything not aimed at 127.0.0.1.

    ``passive=True`` (the benchmark) only listens: Playwright's request
    interception sends every request through this Python process and made the
    measured page load several seconds slower than a visitor's.
    """

    def __init__(self, page, passive: bool = False):
        self.page = page
        self.requests: list[str] = []
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        if passive:
            page.on("request", lambda request: self._check(request.url))
        else:
            page.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("websocket", lambda ws: self._check(ws.url))

    def _check(self, url: str) -> bool:
        self.requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about"):
            return True
        if parsed.hostname != "127.0.0.1":
            self.external.append(url)
            return False
        return True

    def _route(self, route):
        if self._check(route.request.url):
            route.continue_()
        else:
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            self.console_errors.append(msg.text)


RELEASE_KERNEL_JS = """
async () => {
  const cfg = document.getElementById('jupyter-config-data');
  const m = document.cookie.match(/\\b_xsrf=([^;]*)/);
  if (!cfg || !m) { return 0; }
  const kid = JSON.parse(cfg.textContent).kernelId;
  const body = new FormData();
  body.append('_xsrf', m[1]);
  const base = document.body.getAttribute('data-base-url') || '/voila/';
  const r = await fetch(base + 'api/shutdown/' + kid, {method: 'POST', body: body});
  return r.status;
}
"""


def release_kernel(page) -> int:
    """Shut the page's kernel down now (what the page's unload beacon does), awaiting the answer."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return page.evaluate(RELEASE_KERNEL_JS)
    except PlaywrightError:  # the page is already gone
        return 0


CHART_SELECTOR = ".fixture-chart, .wb-chart, .vega-embed"

CHART_STATE_JS = """
(sel) => {
  const out = [];
  for (const root of document.querySelectorAll('.vega-embed')) {
    const svg = root.querySelector('svg.marks, svg');
    const canvas = root.querySelector('canvas');
    if (svg) {
      const marks = svg.querySelectorAll('.mark-line path, .mark-area path, .mark-rect path, .mark-symbol path, .mark-rule line, .mark-shape path, .mark-bar path, g.mark-text text, path');
      out.push({kind: 'svg', marks: marks.length, sig: svg.innerHTML.length + ':' + svg.innerHTML.slice(0, 200000)});
    } else if (canvas) {
      let ink = 0;
      try {
        const ctx = canvas.getContext('2d');
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 16) { if (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240) ink++; }
      } catch (e) { ink = -1; }
      out.push({kind: 'canvas', marks: ink, sig: canvas.toDataURL()});
    }
  }
  return out;
}
"""


def chart_state(page) -> list[dict]:
    """One entry per drawn chart: kind (svg/canvas), number of marks (or inked pixels), signature."""
    states = page.evaluate(CHART_STATE_JS, CHART_SELECTOR)
    for s in states:
        s["sig"] = hashlib.sha256(s["sig"].encode()).hexdigest()
    return states


def wait_for_chart(page, timeout_ms: int = 120000) -> list[dict]:
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.vega-embed')).some("
        "e => e.querySelector('svg .mark-line, svg .mark-area, svg .mark-rect, svg .mark-symbol, "
        "svg .mark-shape, svg .mark-rule, canvas'))",
        timeout=timeout_ms)
    return chart_state(page)


def wait_for_stable_charts(page, settle_ms: int = 1500, timeout_ms: int = 60000) -> list[dict]:
    """The chart state once it stayed the same for ``settle_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    last = chart_state(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(settle_ms)
        now = chart_state(page)
        if [s["sig"] for s in now] == [s["sig"] for s in last]:
            return now
        last = now
    return last


def wait_for_chart_change(page, before: list[dict], timeout_ms: int = 60000) -> list[dict]:
    sigs = [s["sig"] for s in before]
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        now = chart_state(page)
        if [s["sig"] for s in now] != sigs and all(s["marks"] > 0 for s in now):
            return now
        page.wait_for_timeout(40)
    raise AssertionError("the chart did not change")


def table_order(page) -> list[str]:
    """The first column of a sortable table's body, as the page shows it now."""
    return page.eval_on_selector_all("tbody tr td:first-child", "els => els.map(e => e.textContent)")


def assert_clean(watch: PageWatch, *, requests: bool = True) -> None:
    """Nothing left 127.0.0.1, no page or console error (and, with ``requests``, a request was seen)."""
    assert watch.external == [], f"requests leaving 127.0.0.1: {watch.external}"
    assert watch.page_errors == [], watch.page_errors
    assert watch.console_errors == [], watch.console_errors
    if requests:
        assert watch.requests, "no request recorded"
