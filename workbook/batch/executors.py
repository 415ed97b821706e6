"""Executors: where ``render_report`` runs.

* ``LocalExecutor``: ``--workers`` processes on this machine (spawned, each in
  its own session so that Ctrl-C reaches only the coordinator, which then
  stops them in order). Each worker starts one kernel before its first task and
  takes chunks of reports of one Kreis (``plan_chunks``). A worker that dies is
  replaced, its report retried once and the rest of its chunk handed back.
* ``DaskExecutor``: the same chunks on a Dask distributed cluster
  (``--scheduler tcp://HOST:PORT``), one Dask task each; each Dask worker thread keeps
  one kernel, and a worker plugin shuts the kernels down when the worker closes.

Both call ``on_result(result)`` in the coordinating process, which alone
writes files. ``stop()`` (from a signal handler or a full disk) makes ``run``
return early; ``close()`` leaves no worker and no kernel running.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time

from ..errors import BatchError
from .kernel import KernelConfig, get_kernel, kill_pid, shutdown_kernels
from .task import render_report


def _failed(task: dict, error: str, attempts: int = 1) -> dict:
    return {"ags": task["ags"], "stem": task["stem"], "status": "failed", "error": error,
            "html": None, "ipynb": None, "pdf": None, "figures": {}, "figures_error": None,
            "attempts": attempts, "seconds": 0.0, "worker": None}


def descendants(pid: int, include_self: bool = False) -> list:
    """The processes below ``pid`` (a worker's kernel), as psutil objects."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return ([proc] if include_self else []) + proc.children(recursive=True)
    except psutil.Error:
        return []


def kill_descendants(pid: int | None, known: list | None = None) -> int:
    """SIGKILL every process below ``pid`` and every one in ``known`` that is still
    running (a kernel whose worker is already gone is no longer below it). Returns how many."""
    import psutil

    procs = {p.pid: p for p in (known or [])}
    if pid is not None:
        procs.update({p.pid: p for p in descendants(pid)})
    killed = 0
    for proc in procs.values():
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                proc.kill()
                killed += 1
        except psutil.Error:
            pass
    if killed:
        psutil.wait_procs(list(procs.values()), timeout=2)
    return killed


# -- local processes ----------------------------------------------------------
#: at most this many reports go to a worker at once (one engine run for all of them: about 40 ms
#: a place instead of 95 ms; ``workbook.apps.runs``); a chunk of 16 Gemeinden holds about 0.2 GB
#: of engine arrays in its kernel
CHUNK_MAX = 16


def plan_chunks(tasks: list[dict], workers: int) -> list[list[dict]]:
    """The tasks in chunks a worker renders one after the other: the Gemeinden of one Kreis (the
    Kreise of one Land) together, split evenly into parts of at most ``CHUNK_MAX`` and small
    enough that every worker gets at least four chunks. Order kept."""
    from itertools import groupby

    limit = max(1, min(CHUNK_MAX, -(-len(tasks) // (max(1, workers) * 4))))
    chunks: list[list[dict]] = []
    for _, group in groupby(tasks, key=lambda t: str(t["ags"])[:5] if len(str(t["ags"])) == 8 else str(t["ags"])[:2]):
        members = list(group)
        parts = -(-len(members) // limit)
        size, extra = divmod(len(members), parts)
        start = 0
        for part in range(parts):
            stop = start + size + (1 if part < extra else 0)
            chunks.append(members[start:stop])
            start = stop
    return chunks


def in_chunk(chunk: list[dict], i: int) -> dict:
    """Task ``i`` of ``chunk`` with its ``block``: this place and the rest of the chunk, which
    the kernel computes in one engine run (``workbook.apps.runs``)."""
    task = chunk[i]
    return dict(task, block=[t["ags"] for t in chunk[i:]]) if len(chunk) > 1 else task


def _worker_main(worker_id: int, tasks, results, parent_pid: int, tmp_dir: str, cwd: str,
                 recycle_after: int) -> None:  # pragma: no cover - runs in a child process
    os.setsid()  # Ctrl-C in the terminal goes to the coordinator only
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # spawned with SIGINT blocked (see LocalExecutor._spawn): a Ctrl-C that reached us
    # before setsid() is dropped here instead of ending this worker with a traceback
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def on_term(signum, frame):
        # The coordinator stops us (or the system shuts down): end the kernel (also one
        # still starting, which render does not know yet) and leave at once. A SystemExit
        # raised into nbclient's event loop could be swallowed there or leave a kernel behind.
        try:   # leaving now: what nbclient's tasks would still print is noise to the user
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
        except OSError:
            pass
        kill_descendants(os.getpid())
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    os.environ["WORKBOOK_BATCH_TMP"] = tmp_dir

    def watch_parent():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                shutdown_kernels()
                kill_descendants(os.getpid())
                os._exit(3)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        kernel = get_kernel(KernelConfig(cwd=cwd, recycle_after=recycle_after))
        try:
            kernel.ensure()
            results.put(("ready", worker_id, os.getpid(), kernel.pid))
        except Exception as exc:  # reported; tasks then fail with the kernel's error
            results.put(("ready", worker_id, os.getpid(), None))
            results.put(("log", worker_id, f"Kernel startet nicht / kernel failed to start: {exc}"))
        while True:
            chunk = tasks.get()
            if chunk is None:
                break
            results.put(("take", worker_id, [t["ags"] for t in chunk]))
            for i, task in enumerate(chunk):
                results.put(("begin", worker_id, task["ags"]))
                task = in_chunk(chunk, i)
                try:
                    res = render_report(task)
                except Exception as exc:  # a bug in the batch itself, not in the report
                    res = _failed(task, f"interner Fehler / internal error: {type(exc).__name__}: {exc}")
                results.put(("done", worker_id, res))
                results.put(("kernel", worker_id, kernel.pid))
    finally:
        shutdown_kernels()


class LocalExecutor:
    name = "lokal"

    def __init__(self, workers: int, tmp_dir: str, cwd: str, recycle_after: int = 100):
        self.workers = max(1, int(workers))
        self.tmp_dir = tmp_dir
        self.cwd = cwd
        self.recycle_after = recycle_after
        self._ctx = mp.get_context("spawn")
        self._procs: dict[int, mp.Process] = {}
        self._kernel_pids: dict[int, int] = {}
        self._stop = threading.Event()
        self._tasks = None
        self._results = None

    def stop(self) -> None:
        self._stop.set()

    def _spawn(self, worker_id: int) -> None:
        proc = self._ctx.Process(
            target=_worker_main, name=f"workbook-batch-{worker_id}", daemon=True,
            args=(worker_id, self._tasks, self._results, os.getpid(), self.tmp_dir, self.cwd,
                  self.recycle_after))
        # until the worker has its own session, a terminal's Ctrl-C would reach it too: it
        # starts with SIGINT blocked (the mask is inherited); ours is unblocked right after,
        # and a Ctrl-C pressed meanwhile is delivered to us then, not lost
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self._procs[worker_id] = proc

    #: ``run`` notices ``stop()`` within a quarter of a second (the coordinator's signal
    #: handler then only sets the flag instead of raising KeyboardInterrupt anywhere)
    stops_quickly = True

    def run(self, tasks: list[dict], on_result) -> None:
        if self._stop.is_set():
            return
        self._tasks = self._ctx.Queue()
        self._results = self._ctx.Queue()
        by_ags = {t["ags"]: t for t in tasks}
        for chunk in plan_chunks(tasks, self.workers):
            self._tasks.put(chunk)
        n = min(self.workers, len(tasks))
        for worker_id in range(n):
            self._spawn(worker_id)
        current: dict[int, str | None] = {}
        held: dict[int, list[str]] = {}          # each worker's chunk, less what it has done
        retried: set[str] = set()
        pending = set(by_ags)
        next_id = n
        while pending and not self._stop.is_set():
            try:
                msg = self._results.get(timeout=0.25)
            except queue.Empty:
                msg = None
            if msg is not None:
                kind, worker_id = msg[0], msg[1]
                if kind == "ready":
                    if msg[3]:
                        self._kernel_pids[worker_id] = msg[3]
                elif kind == "kernel":
                    if msg[2]:
                        self._kernel_pids[worker_id] = msg[2]
                elif kind == "take":
                    held[worker_id] = list(msg[2])
                elif kind == "begin":
                    current[worker_id] = msg[2]
                elif kind == "done":
                    current[worker_id] = None
                    res = msg[2]
                    if res["ags"] in held.get(worker_id, ()):
                        held[worker_id].remove(res["ags"])
                    if res["ags"] in pending:
                        pending.discard(res["ags"])
                        on_result(res)
                continue
            # nothing arrived: did a worker die?
            for worker_id, proc in list(self._procs.items()):
                if proc.is_alive() or proc.exitcode is None:
                    continue
                del self._procs[worker_id]
                kill_pid(self._kernel_pids.pop(worker_id, None))
                ags = current.pop(worker_id, None)
                # the dead worker's chunk after its current report goes back as it was (not retried:
                # it never started)
                rest = [a for a in held.pop(worker_id, []) if a != ags and a in pending]
                if rest:
                    self._tasks.put([by_ags[a] for a in rest])
                if ags is not None and ags in pending:
                    if ags not in retried:
                        retried.add(ags)
                        self._tasks.put([by_ags[ags]])
                    else:
                        pending.discard(ags)
                        on_result(_failed(by_ags[ags], f"Arbeitsprozess beendet (Status {proc.exitcode}) / "
                                                      f"worker process died", attempts=2))
                if pending:
                    if next_id - n >= max(3, 2 * n):  # workers keep dying: give up, say why
                        raise BatchError(f"Arbeitsprozesse enden wiederholt (zuletzt Status {proc.exitcode}) / "
                                         f"worker processes keep dying; {len(pending)} reports not done")
                    self._spawn(next_id)
                    next_id += 1
            if pending and not self._procs:
                raise BatchError("alle Arbeitsprozesse sind beendet / all worker processes died")

    def close(self) -> None:
        """End this run's processes: after a complete run the workers finish on their own
        (and shut their kernels down); after ``stop()`` (Ctrl-C, SIGTERM, a full disk)
        workers and kernels are killed at once. Whatever is left of the run (its workers,
        the kernels they reported, every process found below them) is killed at the end."""
        # this run's workers and their kernels (not other children of this process: the
        # batch may run inside a larger program)
        started = [p for proc in self._procs.values() if proc.pid for p in descendants(proc.pid, True)]
        if not self._stop.is_set() and self._tasks is not None:
            for _ in self._procs:
                self._tasks.put(None)  # idle workers finish on their own
            deadline = time.monotonic() + 10
            for proc in self._procs.values():
                proc.join(max(0.1, deadline - time.monotonic()))
            for proc in self._procs.values():
                if proc.is_alive():
                    try:
                        os.kill(proc.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            deadline = time.monotonic() + 5
            for proc in self._procs.values():
                proc.join(max(0.1, deadline - time.monotonic()))
        # Stopped: a worker busy in a cell may not run its SIGTERM handler for seconds (its
        # main thread waits in the event loop while the signal lands in another thread), and a
        # dying kernel makes nbclient print tracebacks. Workers hold no file of the run (the
        # coordinator alone writes), so they go first and at once, their kernels right after.
        for proc in self._procs.values():
            if proc.is_alive():
                proc.kill()
        for proc in self._procs.values():
            proc.join(2)
        for pid in self._kernel_pids.values():
            kill_pid(pid)
        kill_descendants(None, started)
        self._procs.clear()
        self._kernel_pids.clear()
        for q in (self._tasks, self._results):
            if q is not None:
                q.cancel_join_thread()
                q.close()


# -- Dask -------------------------------------------------------------------------
def dask_render(task: dict) -> dict:
    """The Dask task: the same renderer, never raising for a report's failure."""
    try:
        return render_report(task)
    except Exception as exc:  # pragma: no cover - a bug in the batch itself
        return _failed(task, f"interner Fehler / internal error: {type(exc).__name__}: {exc}")


def dask_render_chunk(chunk: list[dict]) -> list[dict]:
    """A chunk as one Dask task: its reports one after the other in the worker thread's kernel."""
    return [dask_render(in_chunk(chunk, i)) for i in range(len(chunk))]


def dask_shutdown_kernels() -> int:
    return shutdown_kernels()


class DaskExecutor:
    name = "dask"
    #: ``run`` waits for the next finished report: a signal must interrupt it
    stops_quickly = False

    def __init__(self, scheduler, connect_timeout: float = 20.0):
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self._stop = threading.Event()
        self._client = None

    def stop(self) -> None:
        self._stop.set()

    def run(self, tasks: list[dict], on_result) -> None:
        from distributed import Client, as_completed

        from .plugin import KernelCleanup

        try:
            if isinstance(self.scheduler, str):
                self._client = Client(self.scheduler, timeout=self.connect_timeout)
            else:
                self._client = Client(self.scheduler)
        except (OSError, TimeoutError) as exc:
            raise BatchError(f"Dask-Scheduler nicht erreichbar / cannot reach the Dask scheduler: {exc}",
                             key="--scheduler") from None
        client = self._client
        try:
            client.register_plugin(KernelCleanup(), name="workbook-kernel-cleanup")
        except Exception:
            pass  # older schedulers: kernels are still shut down in close()
        try:
            threads = sum(client.nthreads().values()) or 1
        except Exception:
            threads = 1
        futures = {}
        # chunks of one Kreis as in the local pool (one engine run for a chunk's places); a chunk
        # comes back whole, so an interrupted run redoes at most the chunks under way
        for chunk in plan_chunks(tasks, threads):
            first, last = chunk[0], chunk[-1]
            fut = client.submit(dask_render_chunk, chunk, pure=False, retries=1,
                                key=f"workbook-reports-{first['ags']}-{last['ags']}-{first['input_hash'][:12]}")
            futures[fut.key] = (fut, chunk)
        ac = as_completed([f for f, _ in futures.values()])
        for fut in ac:
            _, chunk = futures[fut.key]
            try:
                results = fut.result()
            except Exception as exc:  # KilledWorker, lost scheduler ...
                results = [_failed(task, f"Dask: {type(exc).__name__}: {exc}", attempts=2) for task in chunk]
            for res in results:
                on_result(res)
            if self._stop.is_set():
                for other, _ in futures.values():
                    other.cancel()
                break

    def close(self) -> None:
        client = self._client
        self._client = None
        if client is None:
            return
        try:
            client.run(dask_shutdown_kernels)
        except Exception:
            pass
        try:
            client.close()
        except Exception:
            pass
