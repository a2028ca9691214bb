"""Request ids and structured log lines.

Every request gets an id: the incoming ``X-Request-ID`` when it is a sane token (a proxy or
client that already has one keeps it), else a new one. It is echoed in the response's
``X-Request-ID`` header and added to every log record written while handling the request,
so one listener's trouble can be followed through the logs. ``reader serve`` logs JSON lines
(or ``key=value`` text) through ``configure_logging``; at level info it adds one line per
request with its method, path, status and time.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

__all__ = ["JsonFormatter", "KeyValueFormatter", "RequestIdFilter", "configure_logging", "init_app"]

log = logging.getLogger("web.requests")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return g.get("request_id", "-") if has_request_context() else "-"


def _begin() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    if log.isEnabledFor(logging.INFO):
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(elapsed * 1000, 1),
                "client": request.remote_addr,
            },
        )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record (``-`` outside a request, as in render threads)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": record.getMessage(),
        "request_id": getattr(record, "request_id", "-"),
    }
    fields.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
    if record.exc_info:
        fields["exception"] = logging.Formatter().formatException(record.exc_info)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False, default=str)


class KeyValueFormatter(logging.Formatter):
    """``key=value`` pairs, values with spaces quoted: readable, and still easy to grep and parse."""

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        for key, value in _fields(record).items():
            text = str(value)
            parts.append(f"{key}={json.dumps(text) if (not text or ' ' in text or '=' in text) else text}")
        return " ".join(parts)


def configure_logging(fmt: str = "json", level: str = "warning") -> None:
    """Route the root logger to stderr in ``fmt`` ("json" or "text") at ``level``; for entry points only."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt.lower() == "json" else KeyValueFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, str(level).upper(), logging.WARNING))
