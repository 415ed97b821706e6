"""``workbook dashboard [--port] [--ip] [--no-browser]``: serve the Voila dashboards."""

from __future__ import annotations


def run(args) -> int:
    from ..dashboard.server import serve
    from ..paths import NOTEBOOKS_DIR

    return serve(NOTEBOOKS_DIR, port=args.port, ip=args.ip, open_browser=not args.no_browser)
