"""Run the web app under a production WSGI server: gunicorn with threaded workers, waitress on Windows.

Each gunicorn worker process builds its own app (no preload), so each has its own
in-process render workers; the claim in the cache keeps several processes from
rendering one article twice. Logging handlers are configured here, at the edge.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reader.errors import InputError
from web.requestlog import configure_logging

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 8


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def public_url(host: str, port: int, path: str = "/") -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}{path}"


def check_port_free(host: str, port: int) -> None:
    """Fail with one clear line when the address is taken, rather than gunicorn's retry loop."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            raise InputError(f"cannot listen on {bind_address(host, port)}: {error.strerror}") from error


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
    open_server: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve until interrupted. ``on_ready`` runs once the socket is bound (to print the URL).
    ``open_server`` (``--open``): anyone may make changes without the API token."""
    configure_logging(os.environ.get("READER_LOG_FORMAT") or "json", os.environ.get("READER_LOG_LEVEL") or "warning")
    os.environ["READER_SERVER_THREADS"] = str(threads)  # the app keeps threads free of live streams
    if open_server:
        os.environ["READER_OPEN"] = "true"
    # The feed's links when FEED_BASE_URL is unset: the address given here, never a request's Host.
    os.environ.setdefault("READER_SERVER_URL", public_url(host, port))
    # The server may read its own pages (the embed demo at /embed/demo sends its own URL), and only
    # them among loopback addresses: anyone can already read them directly.
    own = public_url(host, port).removeprefix("http://").rstrip("/")
    allowed = [entry for entry in os.environ.get("READER_FETCH_ALLOW", "").split(",") if entry.strip()]
    os.environ["READER_FETCH_ALLOW"] = ",".join([*allowed, own] if own not in allowed else allowed)
    if sys.platform == "win32":  # gunicorn needs fork; waitress is the threaded server that runs everywhere
        import waitress

        if on_ready:
            on_ready()
        waitress.serve(_app_with_warm_renderers(), host=host, port=port, threads=threads)
        return
    with _metrics_dir():
        _run_gunicorn(host, port, workers, threads, on_ready)


def _run_gunicorn(host: str, port: int, workers: int, threads: int, on_ready: Callable[[], None] | None) -> None:
    from web import slowclients

    slowclients.configure(threads, float(os.environ.get("READER_REQUEST_READ_SECONDS") or slowclients.READ_SECONDS))
    _gunicorn_app(
        {
            "bind": bind_address(host, port),
            "workers": workers,
            # gthread, with a deadline for reading each request (headers and body): see web/slowclients.py
            "worker_class": slowclients.guarded_worker_class(),
            "threads": threads,
            # What a request line and its headers may hold (gunicorn's defaults, stated): past them, 400.
            "limit_request_line": 4094,
            "limit_request_fields": 100,
            "limit_request_field_size": 8190,
            # Streams of renders in progress are long requests; gthread workers keep their heartbeat meanwhile.
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": os.environ.get("READER_ACCESS_LOG") or None,
            "errorlog": "-",
            "loglevel": "warning",
            "when_ready": (lambda server: on_ready()) if on_ready else (lambda server: None),
            "child_exit": _worker_exited,
        }
    ).run()


@contextlib.contextmanager
def _metrics_dir() -> Iterator[None]:
    """Prometheus' multiprocess mode for the workers' /metrics: a directory for their sample files,
    set before any worker imports prometheus_client; ours is made fresh and removed at exit, a given
    PROMETHEUS_MULTIPROC_DIR is emptied of the last run's files first (the client requires it)."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if "prometheus_client" in sys.modules and not given:
        log.warning("prometheus_client was imported before the server set up its metrics directory")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink(missing_ok=True)
        yield
        return
    made = tempfile.mkdtemp(prefix="reader-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    try:
        yield
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(made, ignore_errors=True)


def _worker_exited(server: Any, worker: Any) -> None:
    """A dead worker's gauges leave the sum (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _app_with_warm_renderers() -> Any:
    """The app, with this process's render workers starting in the background now, so the first
    listener's click does not wait for the speech engines to start."""
    from web import create_app
    from web.slowclients import read_body_first

    app = create_app()
    app.extensions["reader_library"].warm(app)
    if sys.platform == "win32":
        return app  # waitress buffers each request body before the app runs
    flask_app = app
    app.wsgi_app = read_body_first(app.wsgi_app, lambda: flask_app.config.get("MAX_CONTENT_LENGTH"))  # type: ignore[method-assign]
    return app


def _gunicorn_app(options: dict[str, Any]) -> Any:
    """A gunicorn application that builds the Flask app in each worker (imported here: not on Windows)."""
    from gunicorn.app.base import BaseApplication

    class ReaderServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return _app_with_warm_renderers()

    return ReaderServer()
