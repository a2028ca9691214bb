"""Render workers: a pool of processes, one engine each, with timeouts, replacement and retries.

Speech engines are isolated in worker processes (``reader.render.synth_worker``):
pyttsx3's run loop is not re-entrant and can hang, and a crash in an engine
must not take the web server or the CLI with it. Jobs run in submission order
(so the first chunk of an article is ready first), except that the chunks
listeners are about to hear go first (``reader.render.scheduling``). A worker that exceeds the
per-call timeout or dies is killed and replaced, and its job retried; after
``retries`` failures the job fails with a ``BackendError`` naming the chunk,
the backend and the cause. The pool is thread-safe: several renders may
submit to it at once.

Workers start as work arrives, up to ``size``: re-rendering an edited article that needs one new
chunk starts one engine, not one per core (a Piper worker costs seconds of CPU to load its model).
``wait_ready`` starts them all, for a server that warms its renderers before the first request.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait

from reader.audio import AudioSettings, EncodedChunk
from reader.backends import SpeechOptions, get_backend
from reader.errors import BackendError, ReaderError
from reader.render.chunk_render import render_chunk
from reader.render.scheduling import PLAYHEADS, ChunkQueue, playhead_first

__all__ = ["InlinePool", "Job", "WorkerPool"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """Synthesize ``text`` with ``backend`` and encode it in the house format."""

    key: str
    text: str
    backend: str
    options: SpeechOptions
    settings: AudioSettings
    index: int = 0  # chunk index in its article, for error messages and the playhead
    article: str = ""  # its article's id: the scheduler serves first the chunks listeners are about to hear


def _error_for(job: Job, kind: str, message: str, cause: str | None) -> ReaderError:
    import reader.errors as errors

    cls = getattr(errors, kind, None)
    if not (isinstance(cls, type) and issubclass(cls, ReaderError)):
        cls = BackendError
    return cls(
        f"chunk {job.index} ({job.text[:60]!r}) failed on backend {job.backend}: {message}",
        cause=cause,
        backend=job.backend,
        chunk=job.index,
        key=job.key,
    )


def _exit_status(worker: _Worker) -> str:
    """How a worker that closed its pipe ended: "killed by SIGKILL", "exit status 3"."""
    try:
        code = worker.process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        return "still running after closing its pipe"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class _Worker:
    def __init__(self, backend: str, pool_size: int = 1) -> None:
        parent_in, child_out = os.pipe()
        child_in, parent_out = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader.render.synth_worker", str(child_in), str(child_out), backend],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # pyttsx3's driver prints; the protocol has its own pipes
            pass_fds=(child_in, child_out),
            close_fds=True,
            # engines that run threads of their own (ONNX Runtime) size them so workers x threads fits the cores
            env={**os.environ, "READER_POOL_SIZE": str(pool_size)},
        )
        os.close(child_in)
        os.close(child_out)
        self.inbox = Connection(parent_in, writable=False)
        self.outbox = Connection(parent_out, readable=False)
        self.ready = False
        self.task: tuple[int, Job, Future[EncodedChunk], int] | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        for conn in (self.inbox, self.outbox):
            with contextlib.suppress(OSError):
                conn.close()
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("worker %s did not exit after SIGKILL", self.process.pid)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.outbox.close()  # EOF: the worker exits by itself
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.kill()


class WorkerPool:
    """``size`` worker processes for one backend; ``submit`` returns a Future of the encoded chunk."""

    def __init__(
        self,
        backend: str,
        size: int | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 2,
        queue: ChunkQueue | None = None,
    ) -> None:
        limit = get_backend(backend).concurrency
        self.backend = backend
        self.size = max(1, min(size or os.cpu_count() or 1, limit))
        self.timeout = timeout
        self.retries = retries
        self._queue = queue if queue is not None else ChunkQueue(PLAYHEADS if playhead_first() else None)
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._wake_r, self._wake_w = Pipe(duplex=False)
        self._closed = False
        self._fatal: ReaderError | None = None
        self._workers: list[_Worker] = []  # started by the dispatcher as jobs arrive (all of them: ``wait_ready``)
        self._eager = False
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"reader-pool-{backend}", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Start every worker and block until each has loaded its engine (benchmarks, eager start-up)."""
        self._eager = True
        with contextlib.suppress(OSError):
            self._wake_w.send_bytes(b"w")
        self._ready.wait(timeout)

    def submit(self, job: Job) -> Future[EncodedChunk]:
        future: Future[EncodedChunk] = Future()
        with self._lock:
            if self._closed:
                raise BackendError("the render worker pool is closed", backend=self.backend)
            if self._fatal is not None:
                future.set_exception(self._fatal)
                return future
            self._queue.append((next(self._ids), job, future, 0))
        self._wake_w.send_bytes(b"j")
        return future

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake_w.send_bytes(b"q")
        self._thread.join(timeout=10)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The dispatcher thread: the only code that talks to worker processes.

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed:
                        break
                self._dispatch()
                busy = [w.deadline for w in self._workers if w.task is not None]
                timeout = max(0.0, min(busy) - time.monotonic()) if busy else None
                ready = wait([self._wake_r] + [w.inbox for w in self._workers], timeout)
                for conn in ready:
                    if conn is self._wake_r:
                        while self._wake_r.poll():
                            self._wake_r.recv_bytes()
                    else:
                        worker = next(w for w in self._workers if w.inbox is conn)
                        self._receive(worker)
                now = time.monotonic()
                for worker in list(self._workers):
                    if worker.task is not None and now > worker.deadline:
                        self._replace(worker, f"no answer within {self.timeout:.0f} s (the engine hung)")
        except Exception:  # a bug here must not leave callers waiting forever
            log.exception("the %s render pool's dispatcher failed", self.backend)
        finally:
            with self._lock:
                self._closed = True
            pending = self._take_pending()
            for worker in self._workers:
                worker.stop()
            for _, job, future, _ in pending:
                if not future.done():
                    future.set_exception(BackendError("the render worker pool was closed", backend=job.backend))

    def _grow(self) -> None:
        """Start workers for queued jobs that no starting or idle worker will take (all, when eager)."""
        if self._fatal is not None:
            return
        with self._lock:
            queued = len(self._queue)
        spare = sum(1 for worker in self._workers if worker.task is None)  # idle, or still loading its engine
        wanted = self.size if self._eager else min(self.size, len(self._workers) + max(0, queued - spare))
        while len(self._workers) < wanted:
            self._workers.append(_Worker(self.backend, self.size))

    def _dispatch(self) -> None:
        self._grow()
        for worker in self._workers:
            if not worker.ready or worker.task is not None:
                continue
            with self._lock:
                task = None
                while self._queue:
                    candidate = self._queue.popleft()
                    future = candidate[2]
                    if future.running() or future.set_running_or_notify_cancel():
                        task = candidate
                        break
            if task is None:
                return
            try:
                worker.outbox.send((task[0], task[1]))
            except OSError:
                with self._lock:
                    self._queue.appendleft(task)
                self._replace(worker, "the worker's pipe broke", retry=False)
                continue
            worker.task = task
            worker.deadline = time.monotonic() + self.timeout

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.inbox.recv()
        except (EOFError, OSError):
            if self._fatal is not None:
                worker.kill()
                self._workers.remove(worker)
                return
            self._replace(worker, f"the worker process died ({_exit_status(worker)})")
            return
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            if len(self._workers) == self.size and all(w.ready for w in self._workers):
                self._ready.set()
        elif kind == "fatal":
            _, _, _error_kind, text, cause = message
            self._fail_all(BackendError(f"backend {self.backend} cannot start: {text}", cause=cause))
            worker.kill()
            self._workers.remove(worker)
        elif worker.task is not None and message[1] == worker.task[0]:
            _, job, future, _ = worker.task
            worker.task = None
            if kind == "ok":
                future.set_result(message[2])
            else:
                future.set_exception(_error_for(job, message[2], message[3], message[4]))

    def _replace(self, worker: _Worker, reason: str, *, retry: bool = True) -> None:
        log.warning("replacing %s worker %s: %s", self.backend, worker.process.pid, reason)
        task = worker.task
        worker.task = None
        worker.kill()
        self._workers[self._workers.index(worker)] = _Worker(self.backend, self.size)
        if task is None or not retry:
            return
        task_id, job, future, attempts = task
        if attempts < self.retries:
            with self._lock:
                self._queue.appendleft((task_id, job, future, attempts + 1))
        else:
            future.set_exception(_error_for(job, "BackendError", f"{reason}, {attempts + 1} attempts", None))

    def _take_pending(self) -> list:
        """Every task not yet answered, queued or in a worker's hands, taken off both."""
        with self._lock:
            pending = list(self._queue)
            self._queue.clear()
        for worker in self._workers:
            if worker.task is not None:
                pending.append(worker.task)
                worker.task = None
        return pending

    def _fail_all(self, error: ReaderError) -> None:
        with self._lock:
            self._fatal = error
        for _, _, future, _ in self._take_pending():
            if not future.done():
                future.set_exception(error)
        self._ready.set()


class InlinePool:
    """Synthesizes in the calling thread: for tests (faked HTTP) and backends safe in-process."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.size = 1

    def wait_ready(self, timeout: float = 30.0) -> None:
        get_backend(self.backend)

    def submit(self, job: Job) -> Future[EncodedChunk]:
        future: Future[EncodedChunk] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(render_chunk(get_backend(job.backend), job.text, job.options, job.settings))
        except ReaderError as error:
            future.set_exception(_error_for(job, type(error).__name__, error.message, error.cause))
        except Exception as error:
            future.set_exception(_error_for(job, "BackendError", f"{type(error).__name__}: {error}", None))
        return future

    def close(self) -> None:
        pass
