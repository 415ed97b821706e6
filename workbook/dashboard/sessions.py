"""Visitor sessions of the dashboard server: who holds a kernel, and which dashboards are ready.

:class:`SessionCountingKernelManager` is the ``multi_kernel_manager_class`` Voila
wraps with its preheating pool. Everything it counts it tracks itself, from
the calls that pass through it and from public Voila API (``notebook_data``,
``get_pool_size``, ``get_rendered_notebook``); it never reads the pool's
private state.

- Pool kernels: a kernel started with ``VOILA_PREHEAT=True`` in its environment
  belongs to the pool until ``get_rendered_notebook`` hands it to a visitor.
- Visits: a request for a dashboard that passed the session cap opens a visit
  (:meth:`open_visit`), carried to the kernel calls through a context variable
  (the request's coroutine and everything it awaits share it). The visit counts
  as a session until it owns a kernel: the visitor's own (``start_kernel``) or a
  pool kernel (while ``get_rendered_notebook`` waits for it, under a burst
  possibly one that has not started yet).
- Readiness: a preheated kernel is ready when it opens Voila's query socket (the
  notebook waits in ``get_query_string()`` for a visitor; every import is done),
  or, for a notebook that never asks for the query, when it has executed
  something (activity after its start) and is idle for ``SETTLED_S``. A dashboard is *warm* once one of its pool kernels was ready;
  before that (only right after a server start) visitors get the German
  "wird vorbereitet" page instead of a spinner that waits for the kernel.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import uuid
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

#: seconds a preheated kernel must be idle after running cells to count as ready, for notebooks
#: that never call get_query_string(); long enough that the pause between two cells of a
#: notebook still starting (the server busy with other kernels) does not pass for the end
SETTLED_S = 10.0

#: the visit of the request being served (set by the dashboard page handler)
CURRENT_VISIT: contextvars.ContextVar[object | None] = contextvars.ContextVar("drehbuch_visit", default=None)


class SessionCountingKernelManager(AsyncMappingKernelManager):
    """Kernel manager that counts visitor sessions exactly and knows when a dashboard is ready."""

    #: notebook -> pool data ("kernel_ids", ...); set by the pooling subclass Voila builds of this class
    notebook_data: dict[str, dict[str, Any]]

    def __init__(self, **kwargs):
        self._pool_kernels: set[str] = set()   # preheated (starting or running), not handed to a visitor
        self._waiting: set[str] = set()        # pool kernels waiting in get_query_string()
        self._fresh_starting: set[str] = set() # visitor kernels being started
        self._pending: set[object] = set()     # visits past the cap check without a kernel yet
        self._claims: set[object] = set()      # visits waiting for their pool kernel
        self._warm: set[str] = set()           # notebooks whose pool has had a ready kernel
        self._start_activity: dict = {}        # pool kernel -> its last_activity right after the start
        super().__init__(**kwargs)

    # -- kernels -------------------------------------------------------------------

    # jupyter_client types MultiKernelManager.start_kernel as sync; the async managers' is a coroutine
    async def start_kernel(self, *args, kernel_id=None, **kwargs):  # type: ignore[override]
        env = kwargs.get("env") or {}
        preheat = str(env.get("VOILA_PREHEAT", "")) == "True"
        kernel_id = kernel_id or str(uuid.uuid4())
        if preheat:
            self._pool_kernels.add(kernel_id)
        else:   # a visitor's own kernel: the visit now owns it
            self._pending.discard(CURRENT_VISIT.get())
            self._fresh_starting.add(kernel_id)
        try:
            started = await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        except BaseException:
            self._pool_kernels.discard(kernel_id)
            raise
        finally:
            self._fresh_starting.discard(kernel_id)
        if preheat:   # a kernel that has not run a cell yet is idle too: remember where it began
            self._start_activity[started] = getattr(self.get_kernel(started), "last_activity", None)
        return started

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):  # type: ignore[override]  # as start_kernel
        self._pool_kernels.discard(kernel_id)
        self._waiting.discard(kernel_id)
        self._start_activity.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def track_handouts(self) -> None:
        """Count pool kernels handed to visitors (call once, after Voila built the pool).

        Wraps Voila's public ``get_rendered_notebook`` on this instance: while it
        waits, the visit counts as a claim; when it returns, the kernel it names
        leaves the pool and counts as the visitor's.
        """
        handout = getattr(self, "get_rendered_notebook", None)
        if handout is None:   # preheating off: every visitor starts a kernel
            return

        async def get_rendered_notebook(*args, **kwargs):
            visit = CURRENT_VISIT.get() or object()
            self._pending.discard(visit)
            self._claims.add(visit)
            try:
                result = await handout(*args, **kwargs)
                kernel_id = result[2]
                self._pool_kernels.discard(kernel_id)
                self._waiting.discard(kernel_id)
                return result
            finally:
                self._claims.discard(visit)

        self.get_rendered_notebook = get_rendered_notebook

    # -- visits --------------------------------------------------------------------

    def open_visit(self) -> object:
        """A visit passed the session cap: count it from now on; set it as the request's visit."""
        visit = object()
        self._pending.add(visit)
        CURRENT_VISIT.set(visit)
        return visit

    def close_visit(self, visit: object) -> None:
        """The request ended (with or without a kernel)."""
        self._pending.discard(visit)
        self._claims.discard(visit)

    def session_count(self) -> int:
        """Visitor kernels, running or starting, plus visits that will own one soon."""
        ids = set(self.list_kernel_ids()) | self._fresh_starting
        return len(ids - self._pool_kernels) + len(self._pending) + len(self._claims)

    # -- readiness -----------------------------------------------------------------

    def kernel_waiting(self, kernel_id: str) -> None:
        """A preheated kernel opened the query socket: it waits for its visitor."""
        if kernel_id in self._pool_kernels:
            self._waiting.add(kernel_id)
            self.check_ready()

    def _settled(self, kernel_id: str) -> bool:
        try:
            kernel = self.get_kernel(kernel_id)
        except KeyError:
            return False
        last = getattr(kernel, "last_activity", None)
        if getattr(kernel, "execution_state", None) != "idle" or last is None:
            return False
        began = self._start_activity.get(kernel_id)
        if began is None or last <= began:   # nothing executed yet (the renderer has not begun)
            return False
        return (_dt.datetime.now(_dt.UTC) - last).total_seconds() >= SETTLED_S

    def check_ready(self) -> set[str]:
        """Mark the dashboards with a ready pool kernel as warm (logged once each); the warm set."""
        for notebook, data in list(self.notebook_data.items()):
            if notebook in self._warm:
                continue
            for kernel_id in data.get("kernel_ids", ()):
                if kernel_id not in self._pool_kernels:
                    continue
                if kernel_id in self._waiting:
                    how = "waits in get_query_string()"
                elif self._settled(kernel_id):
                    how = f"idle for {SETTLED_S:.0f} s after running its cells"
                else:
                    continue
                self._warm.add(notebook)
                self.log.info("Dashboard %s is ready: a preheated kernel waits for visitors (%s)", notebook, how)
                break
        return set(self._warm)

    def is_preparing(self, notebook: str) -> bool:
        """True while the notebook's pool has never had a ready kernel (right after a server start)."""
        pool_size = getattr(self, "get_pool_size", lambda _nb: 0)
        if notebook in self._warm or pool_size(notebook) == 0:
            return False
        return notebook not in self.check_ready()
