"""``/metrics`` in the Prometheus text format: renders, chunk cache hits and misses, render latency,
queue depth, and HTTP errors by status and kind.

Built on ``prometheus_client``. ``reader serve`` runs several gunicorn processes and a scrape reaches
only one of them, so the server runs the client's multiprocess mode: ``web.serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the workers start, each process writes
its samples to small memory-mapped files there, and ``/metrics`` sums them (the queue depth gauge
is summed over live processes only). Without that variable (the Flask test client, waitress on
Windows: one process) each app keeps its own registry. ``prometheus_client`` is imported only when
an app is built, so the environment variable is always set before the first import.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g

bp = Blueprint("metrics", __name__)

LATENCY_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """The server's counters; the library calls ``render_*`` from its render threads."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        disable_created_metrics()  # the *_created samples only double the output

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.renders_started = Counter(
            "reader_renders_started", "Renders this server started synthesizing (the article's claim taken)", registry=r
        )
        self.renders_completed = Counter("reader_renders_completed", "Renders that finished", registry=r)
        self.renders_failed = Counter("reader_renders_failed", "Renders that failed, by error", ["kind"], registry=r)
        self.renders_rejected = Counter(
            "reader_renders_rejected", "Render requests refused with 503 because the queue was full", registry=r
        )
        self.chunk_hits = Counter("reader_chunk_cache_hits", "Chunks a render found already cached", registry=r)
        self.chunk_misses = Counter("reader_chunk_cache_misses", "Chunks a render had to synthesize", registry=r)
        self.render_seconds = Histogram(
            "reader_render_seconds",
            "Wall time from accepting an article to its finished audio",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge(
            "reader_render_queue_depth", "Renders accepted and not finished", multiprocess_mode="livesum", registry=r
        )
        self.http_errors = Counter(
            "reader_http_errors", "Error responses, by status and kind", ["status", "kind"], registry=r
        )
        self._lock = threading.Lock()

    # --- renders (called from render threads: no Flask context) -------------------------------------

    def watch_render(self, total_chunks: int | None, depth: Callable[[], int]) -> tuple[Any, Callable[[Any], None]]:
        """An ``on_progress`` callback for one render, and ``attach(job)`` to call once it is submitted.

        The render counts as started when this process takes the article's claim (one that only
        waited for another process's claim is not a render); when it ends, its latency, outcome
        and chunk cache hits and misses are counted, and the queue depth is updated."""
        started = time.monotonic()
        ran = threading.Event()

        def on_progress(progress: Any) -> None:
            if progress.status == "rendering" and not ran.is_set():
                ran.set()
                self.renders_started.inc()

        def finished(future: Any) -> None:
            self.queue_depth.set(depth())
            error = future.exception() if not future.cancelled() else RuntimeError("cancelled")
            if error is not None:
                self.renders_failed.labels(kind=type(error).__name__).inc()
                return
            if not ran.is_set():
                return  # another process rendered it; this one waited for the result
            result = future.result()
            synthesized = int(getattr(result, "rendered", 0) or 0)
            total = total_chunks if total_chunks is not None else len(result.manifest.entries)
            self.chunk_misses.inc(synthesized)
            self.chunk_hits.inc(max(0, total - synthesized))
            self.renders_completed.inc()
            self.render_seconds.observe(time.monotonic() - started)

        def attach(job: Any) -> None:
            future = getattr(job, "future", None)  # a job on the queue (READER_QUEUE_URL) renders elsewhere
            if future is not None:
                future.add_done_callback(finished)

        return on_progress, attach

    def render_rejected(self) -> None:
        self.renders_rejected.inc()

    def set_queue_depth(self, depth: int) -> None:
        self.queue_depth.set(depth)

    # --- HTTP ------------------------------------------------------------------------------------------

    def http_error(self, status: int, kind: str) -> None:
        self.http_errors.labels(status=str(status), kind=kind).inc()

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

        if multiprocess_dir():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def get_metrics(app: Flask | None = None) -> Metrics | None:
    return (app or current_app).extensions.get("reader_metrics")


def _count_errors(response: Response) -> Response:
    if response.status_code >= 400:
        metrics = get_metrics()
        if metrics is not None:
            metrics.http_error(response.status_code, g.get("error_code") or "http_error")
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """The Prometheus exposition: the token (or --open) is needed, as it tells strangers about load."""
    from web.limits import check_token

    check_token("metrics")
    found = get_metrics()
    if found is None:
        return Response("metrics are off\n", status=404, mimetype="text/plain")
    body, content_type = found.exposition()
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Attach the metrics (before the library, which reports its renders to them) and ``/metrics``."""
    if not app.config.get("METRICS", True):
        return
    app.extensions["reader_metrics"] = Metrics()
    app.after_request(_count_errors)
    app.register_blueprint(bp)
