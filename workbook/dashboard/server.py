"""The dashboard server: Voila with the start page, the session cap and the German template.

:func:`make_app` builds a :class:`DashboardApp` for a notebooks folder and a
configuration (see :mod:`workbook.dashboard.config`); :func:`serve` runs it in
the foreground, after checking that the port is free; :func:`main` is
``python -m workbook.dashboard``. Importing this module imports Voila (about a
second), so :mod:`workbook.dashboard` loads it only when a server is made.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import tornado.ioloop
from jupyter_server.utils import url_path_join
from traitlets import Dict, Int, List, Unicode, default
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..errors import WorkbookError
from ..paths import NOTEBOOKS_DIR
from ..texts import dashboard as T
from .config import (
    CONFIG_FILE,
    DEFAULT_IP,
    DEFAULT_PORT,
    MAX_SESSIONS,
    TEMPLATE_DIR,
    default_config,
    is_loopback,
    load_config,
    write_config,
)
from .handlers import (
    DashboardPageHandler,
    NotFoundHandler,
    QueryWaitSocketHandler,
    RedirectHomeHandler,
    StartPageHandler,
)
from .kreise import kreis_choices
from .sessions import SessionCountingKernelManager

#: ms between readiness checks of the preheated kernels (until every dashboard is ready)
READY_CHECK_MS = 500


def template_resources(dashboards: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """German strings handed to the notebook page template (``resources.drehbuch``)."""
    return {
        "drehbuch": {
            "site_title": T.SITE_TITLE,
            "nav_home": T.NAV_HOME,
            "nav_print": T.NAV_PRINT,
            "loading": T.LOADING,
            "loading_step": T.LOADING_STEP,
            "print_note": T.PRINT_NOTE,
            "cell_error": T.CELL_ERROR,
            "disconnected": T.DISCONNECTED,
            "reload": T.RELOAD,
            "titles": {stem: title for stem, (title, _sentence) in dashboards.items()},
        }
    }


class DashboardApp(Voila):
    """Voila with the start page, the session cap and the German template."""

    #: Voila's template search path (declared here: voila ships no type information)
    template_paths: list[str]

    name = "workbook-dashboard"
    max_sessions = Int(MAX_SESSIONS, config=True,
                       help="Visitor kernels at once; the next visitor gets the busy page.")
    dashboards = List(Unicode(), list(T.DASHBOARDS), config=True,
                      help="Notebook stems served as dashboards (others are refused).")
    dashboard_texts = Dict(config=True, help="stem -> [title, sentence] for dashboards "
                           "not in workbook.texts.dashboard.DASHBOARDS (tests).")

    _kreise_cache = None
    _ready_check = None

    @default("config_file_paths")
    def _no_config_file_paths(self):
        # Never pick up a voila.json from the current directory by accident:
        # the configuration is passed explicitly (see serve()).
        return []

    def texts(self) -> dict[str, tuple[str, str]]:
        out = {}
        for stem in self.dashboards:
            if stem in T.DASHBOARDS:
                out[stem] = T.DASHBOARDS[stem]
            elif stem in self.dashboard_texts:
                title, sentence = self.dashboard_texts[stem]
                out[stem] = (str(title), str(sentence))
            else:
                out[stem] = (stem.replace("_", " "), "")
        return out

    def available_dashboards(self) -> dict[str, tuple[str, str]]:
        root = Path(self.root_dir)
        return {stem: text for stem, text in self.texts().items()
                if (root / f"{stem}.ipynb").is_file()}

    def kreise(self):
        if self._kreise_cache is None:
            self._kreise_cache = kreis_choices() or []
        return self._kreise_cache or None

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.template_paths = [str(TEMPLATE_DIR), *self.template_paths]

    def init_settings(self):
        self.voila_configuration.multi_kernel_manager_class = SessionCountingKernelManager
        resources = dict(self.voila_configuration.resources or {})
        resources.update(template_resources(self.texts()))
        self.voila_configuration.resources = resources
        self.config.VoilaConfiguration.resources = resources
        settings = super().init_settings()
        self.kernel_manager.track_handouts()
        self._start_ready_check()
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
        env.globals["t"] = T
        settings["drehbuch_jinja2_env"] = env
        settings["drehbuch_app"] = self
        # Error pages of Jupyter's own handlers: ours first, no CDN links.
        for key in ("jinja2_env", "voila_jinja2_env"):
            other = settings.get(key)
            if other is not None:
                other.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATE_DIR)), other.loader])
                other.globals.setdefault("t", T)
        settings["default_handler_class"] = NotFoundHandler
        return settings

    def _start_ready_check(self) -> None:
        """Log each dashboard once its first preheated kernel is ready (then stop checking)."""
        stems = {f"{stem}.ipynb" for stem in self.available_dashboards()}

        def check():
            warm = self.kernel_manager.check_ready()
            pooled = {nb for nb in stems if self.kernel_manager.get_pool_size(nb) > 0}
            if pooled <= warm and self._ready_check is not None:
                self._ready_check.stop()

        if hasattr(self.kernel_manager, "get_pool_size"):
            self._ready_check = tornado.ioloop.PeriodicCallback(check, READY_CHECK_MS)
            self._ready_check.start()

    def init_handlers(self):
        handlers = []
        for pattern, handler, *rest in super().init_handlers():
            if handler in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                continue  # no directory listing, no contents API
            if handler is TornadoVoilaHandler:
                handler = DashboardPageHandler
            elif handler is RequestInfoSocketHandler:
                handler = QueryWaitSocketHandler
            handlers.append((pattern, handler, *rest))
        conf = {"voila_configuration": self.voila_configuration}
        base = self.server_url
        handlers[:0] = [
            (base, StartPageHandler, conf),
            (url_path_join(base, r"/voila/tree(.*)"), RedirectHomeHandler),
            (url_path_join(base, r"/voila/api/contents(.*)"), NotFoundHandler),
        ]
        return handlers

    def launch_browser(self):
        import webbrowser

        try:
            webbrowser.open(self.connection_url, new=2)
        except webbrowser.Error as exc:  # no browser on a server: fine
            self.log.info("No browser opened: %s", exc)


def make_app(notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR, *,
             config: Mapping[str, Any] | None = None, port: int | None = None,
             ip: str | None = None, open_browser: bool | None = None) -> DashboardApp:
    """Build (not start) the dashboard server for ``notebooks_dir``."""
    from traitlets.config import Config

    notebooks_dir = Path(notebooks_dir).resolve()
    if not notebooks_dir.is_dir():
        raise WorkbookError("folder not found; expected the notebooks folder", file=str(notebooks_dir))
    cfg = json.loads(json.dumps(default_config() if config is None else config))
    cfg.setdefault("Voila", {})
    if port is not None:
        if not 0 < int(port) < 65536:
            raise WorkbookError(f"expected a port between 1 and 65535, got {port}", key="--port")
        cfg["Voila"]["port"] = int(port)
    if ip is not None:
        cfg["Voila"]["ip"] = ip
    if open_browser is not None:
        cfg["Voila"]["open_browser"] = bool(open_browser)
    cfg["Voila"]["root_dir"] = str(notebooks_dir)
    # As the singleton, so that Voila's renderers (no parent) log through the app:
    # a failing cell is logged with its traceback in the server log.
    app = DashboardApp.instance(config=Config(cfg))
    app.initialize(argv=[])
    return app


def check_port_free(ip: str, port: int) -> None:
    """Raise a WorkbookError naming the port when a listener holds it.

    Binds the way the server will (tornado sets ``SO_REUSEADDR``): sockets of
    a stopped server left in TIME-WAIT do not block a restart on the same
    port, but a socket listening on it does (Linux refuses that bind even
    with ``SO_REUSEADDR``).
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if os.name != "nt":   # on Windows SO_REUSEADDR would let two listeners share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as exc:
            reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
            raise WorkbookError(f"Port {port} auf {ip} ist nicht verfügbar ({reason}); "
                                "wählen Sie einen anderen mit --port", key="--port") from None


def serve(notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR, *, config_file: str | os.PathLike | None = None,
          port: int | None = None, ip: str | None = None, open_browser: bool = False) -> int:
    """Run the dashboard server in the foreground until Ctrl+C."""
    config = load_config(config_file if config_file is not None else CONFIG_FILE) \
        if (config_file is not None or CONFIG_FILE.exists()) else default_config()
    voila = config.get("Voila", {})
    check_port_free(ip or voila.get("ip", DEFAULT_IP), int(port or voila.get("port", DEFAULT_PORT)))
    app = make_app(notebooks_dir, config=config, port=port, ip=ip, open_browser=open_browser)
    if not is_loopback(app.ip):
        print(T.CLI_NOT_LOOPBACK.format(ip=app.ip), file=sys.stderr)
    print(T.CLI_SERVING.format(url=f"http://{app.ip}:{app.port}{app.base_url}"), flush=True)
    app.start()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m workbook.dashboard``: serve with a chosen folder/config, or write voila.json."""
    parser = argparse.ArgumentParser(prog="python -m workbook.dashboard",
                                     description="Voila dashboards of the workbook (advanced options).")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="serve a notebooks folder")
    p_serve.add_argument("--notebooks", default=str(NOTEBOOKS_DIR), help="notebooks folder")
    p_serve.add_argument("--config", default=None, help="configuration JSON (default: voila.json)")
    p_serve.add_argument("--port", type=int, default=None)
    p_serve.add_argument("--ip", default=None)
    p_serve.add_argument("--open-browser", action="store_true")
    p_write = sub.add_parser("write-config", help="write the default configuration (voila.json)")
    p_write.add_argument("--out", default=str(CONFIG_FILE))
    args = parser.parse_args(argv)
    try:
        if args.command == "write-config":
            print(write_config(args.out))
            return 0
        return serve(args.notebooks, config_file=args.config, port=args.port, ip=args.ip,
                     open_browser=args.open_browser)
    except WorkbookError as exc:
        print(f"Fehler / error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
