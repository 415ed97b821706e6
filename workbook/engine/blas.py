"""numpy's BLAS on one thread while the engine's own worker threads run."""

from __future__ import annotations

import threading
from contextlib import contextmanager

_BLAS_LOCK = threading.Lock()
_BLAS_STATE: dict = {"users": 0, "limiter": None, "controller": None}


@contextmanager
def blas_single_thread():
    """OpenBLAS (numpy's matrix products) on one thread while the engine runs.

    The models' matrix products are small ((runs x years, ages) @ (ages, Kreise)); with
    BLAS threads on top of the engine's own worker threads a 2-core machine spends more
    time waking and synchronising threads than multiplying (10x slower under load).
    Re-entrant across threads; the original limits come back when the last run ends.
    Without threadpoolctl the engine runs unchanged.
    """
    with _BLAS_LOCK:
        if _BLAS_STATE["controller"] is None:
            try:
                from threadpoolctl import ThreadpoolController
                _BLAS_STATE["controller"] = ThreadpoolController()
            except Exception:  # noqa: BLE001 - not installed or no BLAS found: run as is
                _BLAS_STATE["controller"] = False
        controller = _BLAS_STATE["controller"]
        if controller and _BLAS_STATE["users"] == 0:
            _BLAS_STATE["limiter"] = controller.limit(limits=1, user_api="blas")
        _BLAS_STATE["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_STATE["users"] -= 1
            if _BLAS_STATE["users"] == 0 and _BLAS_STATE["limiter"] is not None:
                _BLAS_STATE["limiter"].restore_original_limits()
                _BLAS_STATE["limiter"] = None
