"""Bound how long a client may take to send a request, so slow senders cannot hold every thread.

gunicorn's threaded worker gives each connection a thread from the moment its first byte arrives
until its request is read and answered; it puts no deadline on reading the headers, and the app
reads the body in that thread too. Twenty clients that send headers and ``Content-Length:
100000``, then one byte every two seconds, would hold a small server's every thread (and
``/healthz`` with them) for as long as they like. Here:

- ``ReadDeadlines`` watches the connections still being read: each has ``READ_SECONDS`` from its
  first byte for its headers and body, after which its socket is shut down (the blocked read
  returns, the thread is free). When readers would take all but ``reserve`` threads, the one
  reading longest is dropped at once: a client sending at a normal speed is read in
  milliseconds, so it is never the longest.
- ``GuardedThreadWorker`` (the gthread worker) registers each connection while gunicorn reads its
  headers, and waits for a new connection's first byte only briefly before handing it back to
  the poller (an idle connection holds no thread).
- ``read_body_first`` (WSGI middleware) reads the whole body (at most MAX_CONTENT_LENGTH) under
  that deadline before the app runs, then releases the connection from the watch, so a long
  response (a live audio stream) is never cut. A body cut short by the deadline gets 408.

Production still runs behind a buffering proxy (nginx buffers the whole request before it
reaches the app): see the README. This is the server's own floor for when it does not.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

READ_SECONDS = 15.0  # from a request's first byte to its last body byte
FIRST_BYTE_WAIT = 0.25  # how long a new connection may hold a thread before sending anything
RESERVE_THREADS = 2  # threads kept free of slow readers for quick requests (/healthz, pages)


class ReadDeadlines:
    """Sockets being read, each with a deadline; a watcher thread shuts down the late ones."""

    def __init__(self, seconds: float = READ_SECONDS, max_readers: int = 6) -> None:
        self.seconds = seconds
        self.max_readers = max(1, max_readers)
        self._reading: dict[int, tuple[float, socket.socket]] = {}  # by file descriptor (TLS wraps keep it)
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def start(self, sock: socket.socket) -> None:
        """``sock``'s request is being read from now on (its first byte arrived)."""
        now = time.monotonic()
        victim = None
        key = _key(sock)
        if key < 0:
            return
        with self._lock:
            if key in self._reading:
                return
            if len(self._reading) >= self.max_readers:
                oldest = min(self._reading, key=lambda key: self._reading[key][0])
                victim = self._reading.pop(oldest)[1]
            self._reading[key] = (now, sock)
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="reader-read-deadlines", daemon=True)
                self._watcher.start()
        if victim is not None:
            log.info("dropped the slowest of %d connections still sending their request", self.max_readers)
            _cut(victim)

    def done(self, sock: socket.socket | None) -> None:
        """``sock``'s request has been read (or its connection ended): no deadline any more."""
        if sock is None:
            return
        with self._lock:
            self._reading.pop(_key(sock), None)

    def reading(self) -> int:
        with self._lock:
            return len(self._reading)

    def _watch(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [key for key, (started, _) in self._reading.items() if now - started > self.seconds]
                victims = [self._reading.pop(key)[1] for key in late]
            for victim in victims:
                log.info("a client took over %.0f s to send its request: connection closed", self.seconds)
                _cut(victim)


def _key(sock: socket.socket) -> int:
    try:
        return sock.fileno()
    except (OSError, ValueError):
        return -1


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # the thread blocked reading it gets end-of-file now


DEADLINES = ReadDeadlines()


def configure(threads: int, seconds: float = READ_SECONDS) -> None:
    """Size the watch for this process: slow readers may hold all threads but RESERVE_THREADS."""
    DEADLINES.seconds = seconds
    DEADLINES.max_readers = max(1, threads - RESERVE_THREADS)


def read_body_first(app: Callable[..., Any], max_bytes: Callable[[], int | None]) -> Callable[..., Any]:
    """WSGI middleware: read the request body into memory under the read deadline, then let the app
    run with the connection released from the watch. Past ``max_bytes()`` the body is left for the
    app, which answers 413 without reading it."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        try:
            cut_short = _buffer_body(environ, max_bytes())
        finally:
            DEADLINES.done(sock)
        if cut_short:
            body = (
                b'{"error": {"status": 408, "code": "request_timeout", "message": "the request body came too slowly"}}'
            )
            start_response("408 Request Timeout", [("Content-Type", "application/json"), ("Connection", "close")])
            return [body]
        return app(environ, start_response)

    return middleware


def _buffer_body(environ: dict[str, Any], limit: int | None) -> bool:
    """Read the body into a BytesIO; True when the client stopped (or was cut) before its end."""
    length_header = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None:
        return False
    try:
        if length_header.strip():
            length = int(length_header)
            if length <= 0 or (limit and length > limit):
                return False
            data = _read(stream, length)
            environ["wsgi.input"] = io.BytesIO(data)
            return len(data) < length
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            data = _read(stream, (limit or 10 * 1024 * 1024) + 1)
            environ["wsgi.input"] = io.BytesIO(data)
            environ["wsgi.input_terminated"] = True
    except (OSError, ValueError):
        return True  # a torn or cut connection: nothing the app could read
    return False


def _read(stream: Any, length: int) -> bytes:
    parts, remaining = [], length
    while remaining > 0:
        piece = stream.read(min(remaining, 65536))
        if not piece:
            break
        parts.append(piece)
        remaining -= len(piece)
    return b"".join(parts)


def guarded_worker_class() -> type:
    """gunicorn's gthread worker, with the read deadlines (imported here: not on Windows)."""
    from gunicorn.workers import gthread

    class GuardedThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
        def handle(self, conn: Any) -> Any:
            if not conn.initialized and not conn.data_ready and not conn.wait_for_data(FIRST_BYTE_WAIT):
                return gthread._DEFER  # nothing sent yet: back to the poller, holding no thread
            DEADLINES.start(conn.sock)
            try:
                return super().handle(conn)
            finally:
                DEADLINES.done(conn.sock)

    return GuardedThreadWorker
