"""The notebooks' one call: ``show(name, **parameters)`` builds the page's app and shows its view.

``interactive=True`` (JupyterLab, Voila): the live view (``LiveView``), then
Voila's ``?ags=``; ``interactive=False`` (Papermill, batch): the static view
(``StaticView``) and the app's machine-readable outputs (the report's key
figures for the batch's index page). The app never shows itself.
"""

from __future__ import annotations

from typing import Any

from ..errors import WorkbookError
from ..texts import apps as T
from .base import TopicApp
from .cooperation import CooperationApp
from .divide import DivideApp
from .kreis_report import ReportApp
from .overview import OverviewApp
from .scenarios import ScenarioApp
from .static import StaticView
from .telemedicine import TelemedicineApp

#: the app of each page, by the name its notebook passes to :func:`show`
APPS: dict[str, type[TopicApp]] = {
    "overview": OverviewApp,
    "scenarios": ScenarioApp,
    "divide": DivideApp,
    "cooperation": CooperationApp,
    "telemedicine": TelemedicineApp,
    "report": ReportApp,
}


def make_app(name: str, **parameters: Any) -> TopicApp:
    """The app ``name`` (a key of :data:`APPS`) built from the notebook's parameters (validated)."""
    if name not in APPS:
        raise WorkbookError(T.PAGE_UNKNOWN.format(name=name, known=", ".join(APPS)), key="app")
    return APPS[name](**parameters)


def show(app: str | TopicApp, **parameters: Any) -> None:
    """Build the app (``app``: a name of :data:`APPS`, or an app already built) and display it:
    live widgets when its ``interactive`` parameter is true, else static HTML."""
    from IPython.display import HTML, display

    from ..snapshot import files_unchanged

    with files_unchanged():   # the page is computed from one look at the data and parameter files
        if not isinstance(app, TopicApp):
            app = make_app(app, **parameters)
        elif parameters:
            raise WorkbookError(T.PAGE_PARAMETERS_TWICE, key="parameters")
        if app.p.interactive:
            from .live import LiveView  # ipywidgets: not imported by a static run (batch kernels)

            view = LiveView(app)
            display(view.root)
            view.apply_query()
        else:
            display(HTML(StaticView(app).html()))
            for mime, data in app.static_outputs().items():
                display({mime: data}, raw=True)
    return None
