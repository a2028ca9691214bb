"""Run the web app under a production WSGI server: gunicorn with threaded workers, waitress on Windows.

Each gunicorn worker process builds its own app (no preload), so each has its own
in-process render workers; the claim in the cache keeps several processes from
rendering one article twice. Logging handlers are configured here, at the edge.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

from reader.errors import InputError

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
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve until interrupted. ``on_ready`` runs once the socket is bound (to print the URL)."""
    if sys.platform == "win32":  # gunicorn needs fork; waitress is the threaded server that runs everywhere
        import waitress

        if on_ready:
            on_ready()
        waitress.serve(_app_with_warm_renderers(), host=host, port=port, threads=threads)
        return
    _gunicorn_app(
        {
            "bind": bind_address(host, port),
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            # Streams of renders in progress are long requests; gthread workers keep their heartbeat meanwhile.
            "timeout": 120,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": os.environ.get("READER_ACCESS_LOG") or None,
            "errorlog": "-",
            "loglevel": "warning",
            "when_ready": (lambda server: on_ready()) if on_ready else (lambda server: None),
        }
    ).run()


def _app_with_warm_renderers() -> Any:
    """The app, with this process's render workers starting in the background now, so the first
    listener's click does not wait for the speech engines to start."""
    from web import create_app

    app = create_app()
    app.extensions["reader_library"].warm()
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
