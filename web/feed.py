"""The library's podcast feed at ``/feed.xml``.

A stub until the podcast issue's ``reader.podcast`` lands: it answers 501 with
a JSON message rather than a feed with missing required elements.
"""

from __future__ import annotations

from flask import Blueprint, Response

from web.errors import ApiError

bp = Blueprint("feed", __name__)


@bp.get("/feed.xml")
def feed() -> Response:
    raise ApiError(501, "the library's podcast feed is not available yet", code="not_implemented")
