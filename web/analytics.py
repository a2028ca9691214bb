"""Listening analytics for the publisher: plays and completion by quarter, per article and day.

The player sends ``navigator.sendBeacon("/api/articles/<id>/listens", '{"event": "50"}')`` (text/plain:
no CORS preflight) once per event and page view; this server validates it, ignores bots, rate-limits
each client address (in memory, never stored), and counts it in the listen store (web/listencounts.py),
which adds up across servers. ``GET /api/stats`` (the API token) and the ``/stats`` page read it back.
No cookie is read or set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from reader.render import queue_url
from web.errors import ApiError
from web.library import get_library, valid_id
from web.limits import RateLimiter, check_token, guard_form_write, is_open, rate_limiter, same_origin_form, token_holder
from web.listencounts import EVENTS, Counts, ListenStore, open_listen_store

__all__ = ["EVENTS", "init_app", "stats"]

bp = Blueprint("analytics", __name__)

MAX_BEACON_BYTES = 512
DEFAULT_DAYS, MAX_DAYS = 30, 366
# Crawlers, link previewers and scripts: their requests are answered and not counted.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl|wget|python|httpx|aiohttp|okhttp|"
    r"go-http-client|java/|libwww|headlesschrome.*lighthouse|monitor|uptime|scan",
    re.IGNORECASE,
)


def _store() -> ListenStore | None:
    return current_app.extensions.get("reader_listens")


def is_bot(user_agent: str | None) -> bool:
    """Whether a request comes from a program rather than a person's browser (no user agent: a program)."""
    return not user_agent or bool(_BOT.search(user_agent))


def _event() -> str:
    if request.mimetype not in ("text/plain", "application/json"):
        raise ApiError(415, 'send {"event": …} as text/plain (navigator.sendBeacon) or application/json')
    if (request.content_length or 0) > MAX_BEACON_BYTES:
        raise ApiError(413, f"a listen event is at most {MAX_BEACON_BYTES} bytes")
    raw = request.stream.read(MAX_BEACON_BYTES + 1)
    if len(raw) > MAX_BEACON_BYTES:
        raise ApiError(413, f"a listen event is at most {MAX_BEACON_BYTES} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, 'the body must be JSON like {"event": "play"}') from None
    event = body.get("event") if isinstance(body, dict) else None
    if event not in EVENTS:
        raise ApiError(400, f"event must be one of {', '.join(EVENTS)}")
    return str(event)


@bp.post("/api/articles/<article_id>/listens")
def listens(article_id: str) -> Response:
    """Count one listening event (204). Bots get 204 and are not counted; so does everything when
    analytics are off."""
    event = _event()
    library = get_library()
    if not valid_id(article_id) or (library.manifest(article_id) is None and library.get(article_id) is None):
        raise ApiError(404, f"no article with id {article_id!r}")
    store = _store()
    if store is not None and not is_bot(request.headers.get("User-Agent")):
        limiter: RateLimiter = current_app.extensions["reader_listen_limiter"]
        limiter.check(int(current_app.config.get("LISTENS_PER_MINUTE") or 0))
        store.add(article_id, event, dt.datetime.now(dt.UTC).date().isoformat())
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


def _days() -> int:
    raw = request.values.get("days") or str(DEFAULT_DAYS)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise ApiError(400, f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(raw)


def stats(counts: Counts, days: int, titles: dict[str, str]) -> dict[str, Any]:
    """The counts as the API and the page show them: per article (most played first) with its days,
    completion as a share of plays, and totals. ``titles``: article id -> title (deleted: None)."""
    today = dt.datetime.now(dt.UTC).date()
    since = (today - dt.timedelta(days=days - 1)).isoformat()
    per_article: dict[str, dict[str, Counter[str]]] = {}
    for (article_id, day), events in counts.items():
        if day >= since:
            per_article.setdefault(article_id, {})[day] = events
    articles, totals = [], Counter()
    for article_id, by_day in per_article.items():
        summed = sum(by_day.values(), Counter())
        totals.update(summed)
        plays = summed["play"]
        articles.append(
            {
                "id": article_id,
                "title": titles.get(article_id),
                "plays": plays,
                "reached": {event: summed[event] for event in EVENTS[1:]},
                "completion_rate": round(summed["complete"] / plays, 3) if plays else None,
                "days": {day: {e: by_day[day][e] for e in EVENTS} for day in sorted(by_day)},
            }
        )
    articles.sort(key=lambda item: (-item["plays"], item["title"] or "", item["id"]))
    return {
        "since": since,
        "until": today.isoformat(),
        "days": days,
        "articles": articles,
        "totals": {event: totals[event] for event in EVENTS},
    }


def _stats(days: int) -> dict[str, Any]:
    store = _store()
    if store is None:
        return {**stats({}, days, {}), "counting": False}
    today = dt.datetime.now(dt.UTC).date()
    counts = store.counts(since=(today - dt.timedelta(days=days - 1)).isoformat())
    library = get_library()
    titles = {}
    for article_id, _ in counts:
        manifest = library.manifest(article_id) if valid_id(article_id) else None
        titles[article_id] = manifest.title if manifest is not None else None
    return {**stats(counts, days, titles), "counting": True}


@bp.get("/api/stats")
def api_stats() -> Response:
    """The listening statistics (the API token; anyone on an --open server without one)."""
    check_token("listening statistics")
    response = jsonify(_stats(_days()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/stats", methods=["GET", "POST"])
def page() -> tuple[str, int]:
    """The publisher's page: with a token set, a form asks for it (POSTed from this page, never in a URL)."""
    needs_token = bool(current_app.config.get("API_TOKEN")) and not token_holder()
    error, status = None, 200
    if request.method == "POST":
        try:
            same_origin_form()
            guard_form_write("listening statistics")
            needs_token = False
        except ApiError as refused:
            error, status = refused.message, refused.status
    elif not needs_token:
        check_token("listening statistics")
    days = _days()
    data = None if needs_token or error else _stats(days)
    return render_template("stats.html", stats=data, token_required=needs_token, error=error, days=days), status


def stats_reachable() -> bool:
    """Whether this visitor can open ``/stats``: the page asks for the token when one is configured, an
    ``--open`` server shows it to anyone, and any other server refuses it (403). The site's navigation
    links to it only then, so nobody is sent to a page that refuses them."""
    return bool(current_app.config.get("API_TOKEN")) or is_open() or token_holder()


def init_app(app: Flask) -> None:
    app.extensions["reader_listens"] = open_listen_store(app.config, queue_url())
    app.extensions["reader_listen_limiter"] = rate_limiter("listens")
    app.register_blueprint(bp)
    app.context_processor(lambda: {"stats_reachable": stats_reachable()})
