"""The library page's rows: one per source, newest first, filtered by a search.

One article can be stored under several ids: the id depends on the render
options (another voice is another id), a page fetched by URL and the same page
pasted with its canonical link share the URL, and an article rendered before the
default voice changed keeps its old id. A reader thinks of the *source*, so the
library shows one row per source: its URL when it has an http(s) one, else its
content (the revision hashes what is spoken and shown). Pure functions over
``ArticleState``: no store, no Flask.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from web.views import ArticleState

__all__ = ["MAX_QUERY_CHARS", "library_rows", "published_date", "same_source", "source_key"]

MAX_QUERY_CHARS = 200
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def source_key(state: ArticleState) -> str:
    """What makes two stored articles the same source: the URL without its fragment, scheme and host in
    lower case, no trailing slash; else (pasted text without a URL) the content's revision."""
    url = (state.url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme.lower() in ("http", "https") and parts.netloc:
        path = parts.path.rstrip("/")
        return "url:" + urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return "rev:" + state.revision


def _better(candidate: ArticleState, current: ArticleState) -> bool:
    """Which of two versions of one source the row shows: one that did not fail, then the newest."""
    if (candidate.status == "failed") != (current.status == "failed"):
        return current.status == "failed"
    return candidate.updated > current.updated


def same_source(states: Iterable[ArticleState], article_id: str) -> list[str]:
    """The ids of every stored version of the source ``article_id`` is one of (itself first)."""
    states = list(states)
    chosen = next((state for state in states if state.id == article_id), None)
    if chosen is None:
        return []
    key = source_key(chosen)
    return [article_id, *(state.id for state in states if state.id != article_id and source_key(state) == key)]


def published_date(value: str | None) -> str | None:
    """The page's publication date as an ISO date (``2024-05-01``), or None when it is not one."""
    match = _ISO_DATE.match((value or "").strip())
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _matches(state: ArticleState, words: list[str]) -> bool:
    haystack = " ".join(filter(None, (state.title, state.site_name, state.byline, state.url))).casefold()
    return all(word in haystack for word in words)


def _row(state: ArticleState, newest: float) -> dict[str, Any]:
    return {
        "id": state.id,
        "title": state.title,
        "site_name": state.site_name,
        "published": published_date(state.date),
        "added": dt.datetime.fromtimestamp(newest, dt.UTC).isoformat(timespec="seconds"),
        "duration": state.duration if state.status == "complete" else None,
        "status": state.status,
        "listen_url": f"/articles/{state.id}?play=1",
    }


def library_rows(states: Iterable[ArticleState], query: str = "") -> list[dict[str, Any]]:
    """One row per source (its best version: not failed, then newest), newest first, keeping those whose
    title, site, byline or URL hold every word of ``query`` (case-insensitive)."""
    best: dict[str, ArticleState] = {}
    newest: dict[str, float] = {}
    for state in states:
        key = source_key(state)
        if key not in best or _better(state, best[key]):
            best[key] = state
        newest[key] = max(newest.get(key, 0.0), state.updated)
    words = query[:MAX_QUERY_CHARS].casefold().split()
    chosen = [(newest[key], state) for key, state in best.items() if _matches(state, words)]
    chosen.sort(key=lambda pair: pair[0], reverse=True)
    return [_row(state, when) for when, state in chosen]
