"""``reader worker``: an RQ worker for render jobs, tuned so a dead worker's job moves on within a minute.

Why a ``SimpleWorker``: RQ's default worker forks a fresh "work horse"
process per job, which would start a new pool of speech-engine processes
for every article. Here the job runs in the worker process, so its pool
(``reader.render.pools``) stays warm across jobs, and synthesis still happens in the
pool's own processes, one engine each.

Timings, all in seconds (RQ's defaults would take over eight minutes to
notice a dead worker):

* ``HEARTBEAT`` (``job_monitoring_interval``): how often a running job's
  heartbeat is renewed. A plain ``SimpleWorker`` never renews it while a job
  runs, so a thread here does.
* ``HEARTBEAT_TTL``: how long a heartbeat keeps a job alive. RQ adds a fixed
  60 s to it; this worker uses ``HEARTBEAT + GRACE`` instead.
* ``MAINTENANCE`` (``maintenance_interval``): how often an idle worker
  sweeps the started-jobs registry. A job whose heartbeat has expired is
  abandoned: with retries left (``Retry`` on enqueue) it goes back on the
  queue, where any worker takes it.
* ``WORKER_TTL``: an idle worker wakes every ``WORKER_TTL - 15`` s from its
  blocking wait, so the sweep is never delayed by a quiet queue.

A job whose worker is SIGKILLed is back on the queue at most
``HEARTBEAT_TTL + MAINTENANCE + (WORKER_TTL - 15)`` = 15 + 10 + 5 = 30 s
later, and starts at once if a worker is free.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from reader.errors import ReaderError
from reader.render.jobs import connect, get_queue, queue_url

__all__ = ["GRACE", "HEARTBEAT", "MAINTENANCE", "WORKER_TTL", "run_worker"]

log = logging.getLogger(__name__)

HEARTBEAT = 5
GRACE = 10
HEARTBEAT_TTL = HEARTBEAT + GRACE
MAINTENANCE = 10
WORKER_TTL = 20


def _worker_class() -> type:
    from rq.worker import SimpleWorker, WorkerStatus

    class ReaderWorker(SimpleWorker):
        """Runs jobs in-process with a heartbeat thread and a short heartbeat TTL."""

        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
            return self.job_monitoring_interval + GRACE

        def execute_job(self, job: Any, queue: Any) -> None:
            execution = self.prepare_execution(job)
            stop = threading.Event()
            beat = threading.Thread(
                target=self._beat, args=(job, execution, stop), name="reader-job-heartbeat", daemon=True
            )
            beat.start()
            try:
                self.perform_job(job, queue, execution)
            finally:
                stop.set()
                beat.join(timeout=5)
            self.set_state(WorkerStatus.IDLE)

        def _beat(self, job: Any, execution: Any, stop: threading.Event) -> None:
            while not stop.wait(self.job_monitoring_interval):
                try:
                    self.maintain_heartbeats(job, execution)
                except Exception:  # a blip in Redis: the next beat tries again within the grace period
                    log.warning("could not renew the heartbeat of job %s", job.id, exc_info=True)

    return ReaderWorker


def make_worker(url: str | None = None, *, name: str | None = None) -> Any:
    """A worker on the render queue at ``url`` (default ``READER_QUEUE_URL``)."""
    connection = connect(url)
    try:
        connection.ping()
    except Exception as error:  # refused, unknown host, auth: one clear line rather than a traceback
        raise ReaderError(f"cannot reach the job queue at {url or queue_url()}: {error}") from error
    worker_class = _worker_class()
    return worker_class(
        [get_queue(connection)],
        connection=connection,
        name=name or f"reader-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        worker_ttl=WORKER_TTL,
        job_monitoring_interval=HEARTBEAT,
        maintenance_interval=MAINTENANCE,
    )


def run_worker(url: str | None = None, *, burst: bool = False, name: str | None = None) -> bool:
    """Process render jobs until stopped (SIGINT/SIGTERM finish the current job first); with ``burst``,
    until the queue is empty. Returns whether any job was processed."""
    worker = make_worker(url, name=name)
    log.info("worker %s listening on %s", worker.name, get_queue(worker.connection).name)
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    return bool(worker.work(burst=burst, with_scheduler=False, logging_level=level))
