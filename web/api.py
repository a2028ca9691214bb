"""The JSON API (described by ``/api/openapi.json``).

Handlers validate, read the store, or hand work to the background renderer;
none synthesizes speech. Errors are JSON with the right status (see errors.py).
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from web.embed import check_embed_host, host_allowed
from web.errors import ApiError
from web.library import ArticleState, Submission, get_library, valid_id
from web.limits import guard_write, is_open, limit_costly, token_holder
from web.openapi import openapi_document
from web.streaming import audio_response
from web.views import to_json, webvtt

bp = Blueprint("api", __name__)

SOURCE_FIELDS = ("url", "html", "text")
OPTION_FIELDS = ("backend", "voice", "rate", "lang", "fallback_backend")


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "send a JSON body with Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, 'the body must be a JSON object, like {"url": "https://…"}')
    try:  # JSON may spell a lone surrogate ("\ud800"): text no file, page or feed can hold
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "the body holds a lone surrogate (like \\ud800): send valid Unicode text") from None
    return body


def _render_request(body: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(body) - set(SOURCE_FIELDS) - set(OPTION_FIELDS))
    if unknown:
        raise ApiError(400, f"unknown field(s): {', '.join(unknown)}")
    given = [name for name in SOURCE_FIELDS if body.get(name) not in (None, "")]
    if len(given) != 1:
        raise ApiError(400, "give exactly one of url, html or text")
    source = given[0]
    if not isinstance(body[source], str):
        raise ApiError(400, f"{source} must be a string")
    if not body[source].strip():
        raise ApiError(400, f"{source} is empty")
    if source == "url" and not body["url"].lower().startswith(("http://", "https://")):
        raise ApiError(400, "url must be an http or https address")
    request_args: dict[str, Any] = {source: body[source]}
    for name in ("backend", "voice", "lang", "fallback_backend"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > 200):
            raise ApiError(400, f"{name} must be a non-empty string")
        request_args[name] = value
    rate = body.get("rate")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate) or rate <= 0
    ):
        raise ApiError(400, "rate must be a positive number")
    request_args["rate"] = rate
    return request_args


def _state_or_404(article_id: str) -> ArticleState:
    state = get_library().get(article_id) if valid_id(article_id) else None
    if state is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return state


def _accepted(article_id: str, started: Submission | None = None) -> Response:
    """202 naming the article; for a render this request ``started``, without reading it back (its
    whole script is still being planned in the render's thread)."""
    if started is not None and started.started:
        current, status = started.revision, "rendering"
    else:
        state = _state_or_404(article_id)
        current, status = state.revision, state.status
    status_url = url_for("api.article", article_id=article_id)
    response = jsonify(
        id=article_id,
        revision=current,
        status=status,
        status_url=status_url,
        page_url=url_for("pages.article", article_id=article_id),
        audio_url=url_for("api.audio", article_id=article_id, rev=current),
    )
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


@bp.post("/api/articles")
def create() -> Response:
    """Start rendering an article (or find it already rendered): 202 with its id and status URL."""
    body = _json_body()
    trusted = token_holder()
    allowed = None
    embed = set(body) == {"url"} and isinstance(body["url"], str)
    anonymous_allowed = is_open() and not current_app.config.get("API_TOKEN")
    if trusted or anonymous_allowed or request.headers.get("Authorization") or not embed:
        guard_write()  # a token holder, an --open server, or else 401/403 saying how to enable changes
    else:  # the embed's anonymous render request: only a page on an allowed host, with the defaults
        check_embed_host(body["url"].strip())
        limit_costly()
        allowed = host_allowed
    args = _render_request(body)
    submission = get_library().submit(**args, trusted=trusted, allowed=allowed)
    return _accepted(submission.article_id, submission)


@bp.get("/api/articles")
def index() -> Response:
    """The library, newest first; with ``?url=`` only the article with that canonical URL (and the
    default or given options), so a page's embed finds its audio without sending the page again."""
    url = request.args.get("url")
    if url is None:
        return jsonify(articles=[to_json(state, sentences=False) for state in get_library().list()])
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2048:
        raise ApiError(400, "url must be an http or https address")
    options = {name: request.args.get(name) or None for name in ("backend", "voice", "lang")}
    rate = request.args.get("rate")
    try:
        options["rate"] = float(rate) if rate else None
    except ValueError:
        raise ApiError(400, "rate must be a positive number") from None
    if options["rate"] is not None and not (math.isfinite(options["rate"]) and options["rate"] > 0):
        raise ApiError(400, "rate must be a positive number")  # nan and inf made a 500
    state = get_library().lookup(url, **options)
    return jsonify(articles=[to_json(state, sentences=False)] if state else [])


@bp.get("/api/articles/<article_id>")
def article(article_id: str) -> Response:
    state = _state_or_404(article_id)
    response = jsonify(to_json(state))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/api/articles/<article_id>/refresh")
def refresh(article_id: str) -> Response:
    """Fetch the article's source again and re-render what changed (same id, maybe a new revision)."""
    guard_write()
    _state_or_404(article_id)
    get_library().refresh(article_id)
    return _accepted(article_id)


@bp.delete("/api/articles/<article_id>")
def delete(article_id: str) -> Response:
    guard_write()
    _state_or_404(article_id)
    get_library().delete(article_id)
    return Response(status=204)


@bp.get("/api/articles/<article_id>/audio.mp3")
def audio(article_id: str) -> Response:
    """The article's MP3: streamed as chunks complete while rendering, the finished file after."""
    _state_or_404(article_id)
    return audio_response(get_library(), article_id)


@bp.get("/api/articles/<article_id>/captions.vtt")
def captions(article_id: str) -> Response:
    state = _state_or_404(article_id)
    response = Response(webvtt(state), mimetype="text/vtt")
    response.headers["Cache-Control"] = "no-cache" if state.status != "complete" else "public, max-age=300"
    return response


@bp.get("/api/voices")
def voices() -> Response:
    backend = request.args.get("backend") or None
    lang = request.args.get("lang") or None
    preferred = [lang] if lang else []
    preferred += [tag for tag, _ in request.accept_languages if tag != "*"][:8]
    return jsonify(voices=get_library().voices(backend=backend, lang=lang, preferred=preferred))


@bp.get("/api/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(request.host_url.rstrip("/")))


@bp.get("/healthz")
def healthz() -> Response:
    ok, details = get_library().health()
    status = "ok" if ok else ("warming" if details["cache_writable"] else "unavailable")
    response = jsonify(status=status, **details)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
