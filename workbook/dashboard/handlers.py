"""HTTP handlers of the dashboard server: start page, dashboard pages, German error pages.

- :class:`StartPageHandler`: the dashboards (one sentence each) and the Kreis
  picker whose links carry ``?ags=``;
- :class:`DashboardPageHandler`: Voila's page handler, for the configured
  dashboards only, refusing a malformed ``?ags=`` before a kernel starts, with
  the German "wird vorbereitet" page while a dashboard's first preheated kernel
  is not ready and the busy page (HTTP 503) at the session cap;
- :class:`QueryWaitSocketHandler`: Voila's query socket, telling the kernel
  manager when a preheated kernel waits for its visitor;
- :class:`RedirectHomeHandler`, :class:`NotFoundHandler` and
  :class:`GermanErrorsMixin` for everything else.

The handlers find the application (:class:`workbook.dashboard.server.DashboardApp`)
in ``settings["drehbuch_app"]`` and the Jinja environment of this project's
templates in ``settings["drehbuch_jinja2_env"]``.
"""

from __future__ import annotations

from typing import Any, cast

import tornado.web
from voila.handler import BaseVoilaHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

from ..errors import WorkbookError
from ..texts import dashboard as T
from .config import BUSY_RETRY_AFTER, DEFAULT_AGS
from .kreise import MAX_QUERY_DIGITS, german_reason, group_by_land, place_choice, query_key, search_places

#: seconds after which the "wird vorbereitet" page reloads itself (also sent as Retry-After)
PREPARING_RETRY_AFTER = 2


def render_page(handler: tornado.web.RequestHandler, template: str, status: int, **ns: Any) -> None:
    """Finish ``handler`` with one of this project's German pages."""
    env = handler.settings["drehbuch_jinja2_env"]
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
    html = env.get_template(template).render(base_url=handler.settings.get("base_url", "/"), t=T, **ns)
    handler.finish(html)


class GermanErrorsMixin:
    """Error pages in German, from this project's templates (no CDN links)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # cast: the mixin is only mixed into RequestHandler subclasses
        render_page(cast(tornado.web.RequestHandler, self), "error.html", status_code, status_code=status_code,
                    text=T.ERROR_TEXTS.get(status_code, T.ERROR_DEFAULT))


class StartPageHandler(GermanErrorsMixin, BaseVoilaHandler):
    """German start page: the dashboards, a Kreis picker and a search for a Gemeinde (``?q=``)."""

    @tornado.web.authenticated
    def get(self, path=None):
        app = self.settings["drehbuch_app"]
        _ = self.xsrf_token  # sets the _xsrf cookie the dashboard pages send back
        kreise = app.kreise()
        known = {k["ags"]: k for k in kreise} if kreise is not None else {}
        query = self.get_query_argument("ags", "").strip()
        text = self.get_query_argument("q", "").strip()[:100]
        notice = None
        chosen = None
        if query:
            chosen, notice = self._choose(query, kreise is not None)
            if chosen is None:
                self.set_status(400)
        search = None
        if text and kreise is not None:
            hits, total = search_places(text)
            search = {"query": text, "hits": hits, "total": total}
            if total == 1 and chosen is None and not query:
                chosen = place_choice(hits[0]["ags"])      # one match: chosen at once
        default = known.get(DEFAULT_AGS)
        render_page(self, "start.html.j2", self.get_status(), dashboards=app.available_dashboards(),
                    kreise=kreise, lands=group_by_land(kreise), chosen=chosen, notice=notice,
                    default=default, search=search)

    @staticmethod
    def _choose(query: str, checked: bool) -> tuple[dict[str, str] | None, str | None]:
        """(the place of ``?ags=``, None) or (None, the German notice why not)."""
        key = query_key(query)
        if key is None:
            return None, T.PICKER_UNKNOWN.format(ags=query[:20])
        if not checked:          # no data layer: a well-formed key passes, the dashboard checks it
            return {"ags": key, "name": key, "label": key, "option": key}, None
        try:
            return place_choice(key), None
        except WorkbookError as exc:
            return None, T.PICKER_UNKNOWN_REASON.format(ags=key[:MAX_QUERY_DIGITS], reason=german_reason(exc.detail))


class RedirectHomeHandler(tornado.web.RequestHandler):
    """``/voila/tree``: no directory listing, back to the start page."""

    def get(self, *args):
        self.redirect(self.settings["base_url"])


class NotFoundHandler(GermanErrorsMixin, tornado.web.RequestHandler):
    """Everything not served on purpose: a German 404."""

    def prepare(self):
        raise tornado.web.HTTPError(404)


class DashboardPageHandler(GermanErrorsMixin, TornadoVoilaHandler):
    """Renders only the configured dashboards, only once they are ready, and only below the session cap."""

    @tornado.web.authenticated
    async def get(self, path=None):
        app = self.settings["drehbuch_app"]
        stem = path[:-len(".ipynb")] if path and path.endswith(".ipynb") else None
        if stem is None or stem not in app.available_dashboards():
            raise tornado.web.HTTPError(404)
        ags = self.get_query_argument("ags", None)
        if ags is not None and query_key(ags) is None:
            raise tornado.web.HTTPError(400)
        km = self.kernel_manager
        title = app.texts().get(stem, (stem, ""))[0]
        if km.is_preparing(path):
            # right after a server start: say so, instead of a spinner waiting for the kernel
            self.set_header("Retry-After", str(PREPARING_RETRY_AFTER))
            render_page(self, "preparing.html", 503, title=title, retry=PREPARING_RETRY_AFTER)
            return
        active = km.session_count()
        if active >= app.max_sessions:
            self.log.warning("Session cap reached (%d of %d): busy page for %s",
                             active, app.max_sessions, path)
            self.set_header("Retry-After", str(BUSY_RETRY_AFTER))
            render_page(self, "busy.html", 503, active=active, limit=app.max_sessions,
                        retry=BUSY_RETRY_AFTER)
            return
        # The page's JavaScript sends this cookie back as X-XSRFToken when it
        # shuts its kernel down on unload; without it the kernel would linger.
        _ = self.xsrf_token
        visit = km.open_visit()   # counted until its kernel exists (see sessions.py)
        try:
            await super().get(path)
        finally:
            km.close_visit(visit)


class QueryWaitSocketHandler(RequestInfoSocketHandler):
    """Voila's query socket; a preheated kernel opening it is ready for a visitor."""

    def open(self, kernel_id: str) -> None:
        self.settings["kernel_manager"].kernel_waiting(kernel_id)
        super().open(kernel_id)
