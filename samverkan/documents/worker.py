"""Filling templates in worker processes, so that a slow or greedy template costs one worker and
not the service: each filling has a time limit (the worker is killed and replaced when it runs
over), each worker a memory limit (RLIMIT_AS), and the request only awaits the answer, so the
event loop goes on serving others meanwhile.

A pool of ``SAMVERKAN_RENDER_WORKERS`` threads each drives one worker process of its own; a job
waits in the threads' queue, and one that waited longer than the time limit is turned away as
busy rather than run late. The processes come from a fork server that has imported the
rendering code once, so a replacement starts in milliseconds. No web or database imports.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import resource
import signal
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

from samverkan.documents import render as rendering
from samverkan.errors import ServiceError
from samverkan.settings import Settings, get_settings

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])  # docxtpl, lxml and Jinja imported once, not per worker
_JOBS = {"render": rendering.render, "check": rendering.check}


class RenderBusy(ServiceError):
    status_code = 503


class RenderLimit(rendering.TemplateProblem):
    """The filling took longer or more memory than allowed; the message says which."""


@dataclass(frozen=True)
class Limits:
    workers: int
    seconds: int
    memory_mb: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.render_workers, settings.render_timeout_seconds, settings.render_memory_mb)


def _serve(conn: Connection, memory_bytes: int) -> None:
    """A worker: fill what it is sent until the pipe closes (the service has gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the server decides
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            name, args = conn.recv()
        except EOFError:
            return
        try:
            answer = ("ok", _JOBS[name](*args))
        except rendering.TemplateProblem as exc:
            answer = ("problem", str(exc))
        except MemoryError:
            answer = ("memory", "")
        except Exception:  # a fault of ours: reported to the service, which logs it as one
            answer = ("error", traceback.format_exc())
        conn.send(answer)


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child, memory_mb * 2**20), name="samverkan-render", daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join()
        self.process.close()


class Pool:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._threads = ThreadPoolExecutor(limits.workers, thread_name_prefix="samverkan-render")
        self._own = threading.local()  # each thread's worker
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()

    def _worker(self) -> _Worker:
        worker = getattr(self._own, "worker", None)
        if worker is None:
            worker = self._own.worker = _Worker(self.limits.memory_mb)
            with self._lock:
                self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        self._own.worker = None
        with self._lock:
            ours = worker in self._workers  # not when close() has stopped it already
            self._workers.discard(worker)
        if ours:
            worker.stop()

    def _run(self, job: tuple[str, tuple], queued_at: float):
        seconds = self.limits.seconds
        if time.monotonic() - queued_at > seconds:
            raise RenderBusy("Dokumenttjänsten är upptagen; försök igen om en stund.")
        worker = self._worker()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(seconds):
                self._replace(worker)
                raise RenderLimit(f"Att fylla i mallen tog längre än {seconds} sekunder och avbröts.")
            status, value = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: the memory limit hit inside C code, most likely
            self._replace(worker)
            raise RenderLimit(f"Att fylla i mallen avbröts; den behövde troligen mer än {self.limits.memory_mb} MB minne.") from None
        if status == "ok":
            return value
        if status == "problem":
            raise rendering.TemplateProblem(value)
        self._replace(worker)  # after MemoryError or a fault its state is not to be trusted
        if status == "memory":
            raise RenderLimit(f"Att fylla i mallen behövde mer än {self.limits.memory_mb} MB minne och avbröts.")
        raise RuntimeError(f"the render worker failed:\n{value}")

    def warm(self) -> None:
        """Start a worker (and the fork server) in the background, for callers that know
        fillings are coming: the first start imports the rendering code, about a second."""
        self._threads.submit(self._worker)

    def run_sync(self, name: str, *args):
        return self._threads.submit(self._run, (name, args), time.monotonic()).result()

    async def run(self, name: str, *args):
        return await asyncio.wrap_future(self._threads.submit(self._run, (name, args), time.monotonic()))

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.stop()


_pool: Pool | None = None
_pool_lock = threading.Lock()


def configure(settings: Settings) -> Pool:
    """The pool for these settings' limits (a new one if they changed)."""
    global _pool
    limits = Limits.of(settings)
    with _pool_lock:
        if _pool is None or _pool.limits != limits:
            if _pool is not None:
                _pool.close()
            _pool = Pool(limits)
        return _pool


def _current() -> Pool:
    return _pool or configure(get_settings())


@atexit.register
def _close() -> None:
    if _pool is not None:
        _pool.close()


async def render(template: bytes, context: dict, logo: bytes | None, properties: rendering.Properties) -> bytes:
    """render.render in a worker; TemplateProblem (RenderLimit over a limit), RenderBusy."""
    return await _current().run("render", template, context, logo, properties)


async def check(template: bytes, context: dict, logo: bytes | None) -> None:
    """render.check in a worker."""
    await _current().run("check", template, context, logo)
