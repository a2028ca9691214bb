"""Errors as JSON with the right status, never an HTML traceback.

API paths (and clients that ask for JSON) get ``{"error": {"status", "code",
"message"}}``; pages get a short HTML page. A ``ReaderError`` keeps its own
``http_status`` (bad input 400, no article 422, cache 503, ...).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from reader.errors import ReaderError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a handler raises on purpose: a status, a short code and a message for people."""

    def __init__(self, status: int, message: str, *, code: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            409: "conflict",
            413: "too_large",
            415: "unsupported_media_type",
            422: "unprocessable",
            429: "too_many_requests",
            503: "unavailable",
        }.get(status, "error")
        self.retry_after = retry_after


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/embed.js", "/metrics"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, retry_after: int | None = None) -> Response:
    g.error_code = code  # for the metrics' errors by kind
    if _wants_json():
        response = jsonify(error={"status": status, "code": code, "message": message})
    else:
        response = Response(render_template("error.html", status=status, message=message), mimetype="text/html")
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _api_error(error: ApiError) -> Response:
    response = error_response(error.status, error.code, error.message, error.retry_after)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="reader"'
    return response


def _reader_error(error: ReaderError) -> Response:
    status = error.http_status
    if status >= 500:
        log.warning("request failed: %s", error)
    retry = 30 if status == 503 else None
    return error_response(status, type(error).__name__, str(error), retry)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = error.description or error.name
    if status == 413:
        message = "the request body is too large"
    response = error_response(status, error.name.lower().replace(" ", "_"), message)
    for name, value in error.get_headers():  # what the status needs said: Content-Range of a 416, Allow of a 405
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(error: Exception) -> Response:
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, HTTPException) and not isinstance(original, InternalServerError):
        return _http_error(original)
    log.exception("unexpected error on %s %s", request.method, request.path, exc_info=original)
    return error_response(500, "internal_error", "the server failed to handle this request; it has been logged")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(ReaderError, _reader_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
