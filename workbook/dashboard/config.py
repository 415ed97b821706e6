"""Configuration of the dashboard server: the committed ``voila.json`` and its checks.

:func:`default_config` generates the Voila/traitlets configuration (``python -m
workbook.dashboard write-config`` writes it to ``voila.json``; a test keeps the
two equal); :func:`load_config` reads one back, checked for shape, and names
the file, line and key of what is wrong. No Voila import here: the CLI, the
tests and the benchmark use this module without starting a server.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from ..fsutil import atomic_write
from ..paths import PROJECT_ROOT, TEMPLATES_DIR
from ..texts import dashboard as T

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
CONFIG_FILE = PROJECT_ROOT / "voila.json"
TEMPLATE_DIR = TEMPLATES_DIR / "voila"

# Defaults of the committed configuration (see docs/dashboard.md).
MAX_SESSIONS = 20          # visitor kernels at once; the next one gets the busy page
POOL_SIZE = 1              # preheated kernels per dashboard
CULL_IDLE_TIMEOUT = 1200   # s without kernel activity before a visitor kernel is shut down
CULL_INTERVAL = 60         # s between checks
BUSY_RETRY_AFTER = 60      # s, sent as Retry-After with the busy page
DEFAULT_AGS = "05315"      # the notebooks' default Kreis (parameters contract)

# Files Voila may serve from the notebooks folder: pictures only, by plain names.
FILE_ALLOWLIST = [r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*\.(png|jpg|jpeg|gif|svg)$"]
# Refused even when allowed above: code, notebooks, data, config and hidden files.
FILE_DENYLIST = [
    r".*\.(ipynb|py|pyc|pyo|json|ya?ml|toml|cfg|ini|csv|xlsx|xls|parquet|txt|md|env|sh)$",
    r"(^|.*/)\..*",
    r".*\.\..*",
]

# Everything the browser loads comes from this server (the vega bundle of the
# offline JupyterChart is shipped by the kernel; anywidget imports it as a blob).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])

_NOTEBOOK_RE = re.compile(r"^[A-Za-z0-9_\-]+$")


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

#: JupyterLab front-end extensions installed with the stack that the dashboards do not need
#: (VoilaConfiguration.extension_denylist; widgets, anywidget and Voila's own stay)
UNUSED_FRONTEND_EXTENSIONS = ("jupyterlab_pygments", "@voila-dashboards/jupyterlab-preview")


def default_config(dashboards: Sequence[str] | None = None, *,
                   max_sessions: int = MAX_SESSIONS, pool_size: int = POOL_SIZE,
                   cull_idle_timeout: int = CULL_IDLE_TIMEOUT,
                   cull_interval: int = CULL_INTERVAL) -> dict[str, Any]:
    """The Voila/traitlets configuration of the dashboards, as JSON-ready dict.

    ``dashboards`` are notebook stems (default: the topic dashboards of
    ``workbook.texts.dashboard.DASHBOARDS``); each gets ``pool_size``
    preheated kernels, every other notebook none.
    """
    stems = list(T.DASHBOARDS) if dashboards is None else list(dashboards)
    for stem in stems:
        if not _NOTEBOOK_RE.match(stem):
            raise WorkbookError(f"dashboard name {stem!r} is not a plain notebook name "
                                "(letters, digits, '_' and '-')", key="dashboards")
    for name, value in (("max_sessions", max_sessions), ("pool_size", pool_size),
                        ("cull_idle_timeout", cull_idle_timeout), ("cull_interval", cull_interval)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "pool_size" else 1):
            raise WorkbookError(f"expected a positive whole number, got {value!r}", key=name)
    pools = {f"{stem}.ipynb": {"pool_size": pool_size} for stem in stems}
    pools["default"] = {"pool_size": 0}
    return {
        "VoilaConfiguration": {
            "template": "lab",
            "theme": "light",
            "strip_sources": True,
            "show_tracebacks": False,
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            "preheat_kernel": True,
            "default_pool_size": 0,
            "file_allowlist": FILE_ALLOWLIST,
            "file_denylist": FILE_DENYLIST,
            # front-end extensions the dashboards do not use (code highlighting, JupyterLab's
            # Voila preview): fewer scripts for the page to load
            "extension_denylist": list(UNUSED_FRONTEND_EXTENSIONS),
            "http_keep_alive_timeout": 10,
        },
        "VoilaExporter": {
            "language_code": "de",
        },
        "VoilaExecutor": {
            "cell_error_instruction": T.CELL_ERROR,
            "cell_timeout_instruction": T.CELL_TIMEOUT,
            # No cell timeout: a preheated kernel waits inside get_query_string()
            # until a visitor arrives, which may take hours; a timeout would break
            # the pooled dashboard (measured: "Cell execution timed out" after 300 s).
            "timeout": None,
        },
        "VoilaKernelManager": {
            "kernel_pools_config": pools,
            "fill_delay": 2,
        },
        "MappingKernelManager": {
            "cull_idle_timeout": cull_idle_timeout,
            "cull_interval": cull_interval,
            "cull_connected": True,
            "cull_busy": False,
        },
        "Voila": {
            "ip": DEFAULT_IP,
            "port": DEFAULT_PORT,
            "port_retries": 0,
            "open_browser": False,
            "tornado_settings": {
                "headers": {
                    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                    "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "SAMEORIGIN",
                },
            },
        },
        "DashboardApp": {
            "max_sessions": max_sessions,
            "dashboards": stems,
        },
    }


def load_config(path: str | os.PathLike = CONFIG_FILE) -> dict[str, Any]:
    """Read a dashboard configuration (``voila.json``), checked for shape.

    Raises WorkbookError naming the file (and line/column for broken JSON).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkbookError("file not found; expected the dashboard configuration "
                            "(create it with `python -m workbook.dashboard write-config`)",
                            file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbookError(f"cannot read the file as UTF-8 text ({exc.__class__.__name__})",
                            file=str(path)) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise WorkbookError("nested too deeply; expected a JSON object of configuration sections",
                            file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise WorkbookError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                            file=str(path), row=exc.lineno) from None
    if not isinstance(data, dict):
        raise WorkbookError("expected a JSON object of configuration sections", file=str(path))
    for section, body in data.items():
        if not isinstance(body, dict):
            raise WorkbookError("expected an object of settings", file=str(path), key=section)
    app = data.get("DashboardApp", {})
    if "max_sessions" in app:
        value = app["max_sessions"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise WorkbookError(f"expected a whole number >= 1, got {value!r}",
                                file=str(path), key="DashboardApp.max_sessions")
    if "dashboards" in app:
        stems = app["dashboards"]
        if not isinstance(stems, list) or not all(isinstance(s, str) and _NOTEBOOK_RE.match(s) for s in stems):
            raise WorkbookError("expected a list of notebook names (letters, digits, '_' and '-')",
                                file=str(path), key="DashboardApp.dashboards")
    ip = data.get("Voila", {}).get("ip")
    if ip is not None and not isinstance(ip, str):
        raise WorkbookError(f"expected an IP address as text, got {ip!r}", file=str(path), key="Voila.ip")
    return data


def write_config(path: str | os.PathLike = CONFIG_FILE, config: Mapping[str, Any] | None = None) -> Path:
    """Write ``config`` (default: :func:`default_config`) atomically as JSON."""
    path = Path(path)
    text = json.dumps(default_config() if config is None else config,
                      indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return atomic_write(path, text, prefix=".voila-")


def file_allowed(path: str, config: Mapping[str, Any] | None = None) -> bool:
    """Would Voila serve ``path`` (relative to the notebooks folder) under ``/voila/files/``?

    Same rule as Voila's AllowListFileHandler: one allowlist pattern matches the
    whole path and no denylist pattern does (case-insensitive).
    """
    vc = (default_config() if config is None else config).get("VoilaConfiguration", {})
    allow = vc.get("file_allowlist", [])
    deny = vc.get("file_denylist", [])
    return (any(re.fullmatch(p, path, re.IGNORECASE) for p in allow)
            and not any(re.fullmatch(p, path, re.IGNORECASE) for p in deny))


def is_loopback(ip: str) -> bool:
    """True for addresses only this machine can reach."""
    import ipaddress

    if ip in ("localhost", ""):
        return ip == "localhost"
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False
