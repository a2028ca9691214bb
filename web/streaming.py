"""Audio over HTTP: the finished file with Range and validators, or a live stream while rendering.

Once an article is complete its assembled MP3 is served by ``web/finished_audio.py``, from a
file, a presigned URL or the store's bytes (Range, If-None-Match and If-Modified-Since in every
case), and the URL that names the revision (``?rev=``) is cached for a year. While it is still rendering, the
"live" representation is the article's chunk MP3s joined in order (the same
frames the assembled file holds, without its tag and Xing header), sent as each
chunk lands in the store. Range is honoured on it too: Safari and iOS probe
with ``bytes=0-1`` and play nothing without a 206, so a closed range waits for
its bytes and gets a 206 (``bytes a-b/*`` while the total is unknown).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flask import Response as FlaskResponse
from flask import current_app, request
from werkzeug.http import parse_range_header
from werkzeug.wrappers import Response

from reader.render import queue_url
from web.errors import ApiError
from web.finished_audio import finished_response
from web.sharedlimits import StreamSlots

if TYPE_CHECKING:
    from web.library import Library

log = logging.getLogger(__name__)

BLOCK = 64 * 1024
POLL_SECONDS = 0.05


def audio_response(library: Library, article_id: str) -> Response:
    state = library.get(article_id)
    if state is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    if state.status == "complete":
        response = finished_response(library, state)  # the file, its URL or its bytes: web/finished_audio.py
        if response is not None:
            return response
    if state.status == "failed":
        raise ApiError(422, f"the audio could not be made: {state.error or 'the render failed'}")
    return _live_response(library, article_id)


class _Live:
    """The live representation of an article being rendered: its frames joined in order, as they land."""

    def __init__(self, library: Library, article_id: str, wait_seconds: float) -> None:
        from reader.render import listening

        self.library = library
        self.article_id = article_id
        self.wait_seconds = wait_seconds
        self.listener = listening(article_id)  # its playhead: render pools serve this listener's next chunks first
        self.parts: list[bytes] = []  # one per manifest entry: its pause's silence, then its chunk's frames
        self.total = -1  # entries the finished article has; -1 until known
        self.status = "rendering"

    def _advance(self) -> None:
        parts, self.status, self.total = self.library.live_parts(self.article_id, len(self.parts))
        self.parts.extend(parts)

    @property
    def complete(self) -> bool:
        return len(self.parts) == self.total

    @property
    def available(self) -> int:
        return sum(len(part) for part in self.parts)

    def wait_for(self, needed: int) -> bool:
        """Wait until ``needed`` bytes exist (or every chunk does); False on failure or timeout."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            self._advance()
            self.listener.at(len(self.parts))  # bytes are sent in order: the first missing chunk is the next needed
            if self.available >= needed or self.complete:
                return True
            if self.status == "failed" or time.monotonic() > deadline:
                return False
            time.sleep(POLL_SECONDS)

    def stream(self, start: int, end: int | None) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive; None: to the end of the article) as they become available."""
        position = 0
        index = 0
        while end is None or position <= end:
            self.listener.at(index, _seconds(max(0, position - start), self.parts))
            if index >= len(self.parts):
                if self.complete:
                    return
                if not self.wait_for(self.available + 1):
                    log.warning("live stream of %s ended early (render failed or stalled)", self.article_id)
                    return
                continue
            part = self.parts[index]
            index += 1
            if position + len(part) > start:
                first = max(0, start - position)
                last = len(part) if end is None else min(len(part), end - position + 1)
                piece = part[first:last]
                for offset in range(0, len(piece), BLOCK):
                    yield piece[offset : offset + BLOCK]
            position += len(part)


def _seconds(size: int, parts: list[bytes]) -> float | None:
    """How long ``size`` bytes of the article's constant-bitrate MP3 play (None before any part is here)."""
    from reader.audio import iter_frames

    for _, header in iter_frames(parts[0]) if parts else ():
        return size / (header.bitrate_kbps * 125)
    return None


def _live_slots() -> threading.BoundedSemaphore | None:
    """This process's slots for live streams: each holds a server thread until its render ends, so
    past LIVE_STREAM_LIMIT (default: the server's threads less two) a listener gets 503 rather than
    every thread waiting on renders while finished audio and /healthz wait for a thread. With a queue
    URL, LIVE_STREAM_LIMIT counts every server's streams instead (``_shared_slots``) and this
    process keeps the threads-less-two floor for its own threads."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _SLOTS_LOCK:
        if "reader_live_slots" not in app.extensions:
            limit = app.config.get("LIVE_STREAM_LIMIT")
            if limit is None or (queue_url() and int(limit) > 0):
                limit = max(1, int(os.environ.get("READER_SERVER_THREADS") or 8) - 2)
            app.extensions["reader_live_slots"] = threading.BoundedSemaphore(int(limit)) if int(limit) > 0 else None
        return app.extensions["reader_live_slots"]


def _shared_slots() -> StreamSlots | None:
    """With READER_QUEUE_URL and a LIVE_STREAM_LIMIT set, live streams counted over every server in
    Redis (web/sharedlimits.py): a slot lives while its stream plays and expires if its server dies."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _SLOTS_LOCK:
        if "reader_shared_live_slots" not in app.extensions:
            limit, url = app.config.get("LIVE_STREAM_LIMIT"), queue_url()
            shared = StreamSlots(url, int(limit)) if url and limit is not None and int(limit) > 0 else None
            app.extensions["reader_shared_live_slots"] = shared
        return app.extensions["reader_shared_live_slots"]


_SLOTS_LOCK = threading.Lock()
_BUSY = "too many listeners are waiting for audio still rendering; try again shortly"


def _live_response(library: Library, article_id: str) -> Response:
    slots, shared = _live_slots(), _shared_slots()
    if slots is not None and not slots.acquire(blocking=False):
        raise ApiError(503, _BUSY, retry_after=5)
    releases = [slots.release] if slots is not None else []
    try:
        if shared is not None:
            release = shared.acquire()
            if release is None:
                raise ApiError(503, _BUSY, retry_after=5)
            releases.append(release)
        response = _live_response_in_slot(library, article_id)
    except BaseException:
        for release in releases:
            release()
        raise
    for release in releases:
        response.call_on_close(release)
    return response


def _live_response_in_slot(library: Library, article_id: str) -> Response:
    wait_seconds = float(current_app.config["STREAM_WAIT_SECONDS"])
    live = _Live(library, article_id, wait_seconds)
    try:
        response = _live_stream(live)
    except BaseException:
        live.listener.close()
        raise
    response.call_on_close(live.listener.close)
    return response


def _live_stream(live: _Live) -> Response:
    headers = {
        "Cache-Control": "no-store",
        "Accept-Ranges": "bytes",
        "X-Reader-Status": "rendering",
        "X-Content-Type-Options": "nosniff",
    }
    ranges = parse_range_header(request.headers.get("Range"))
    byte_range = ranges.ranges[0] if ranges and ranges.units == "bytes" and len(ranges.ranges) == 1 else None
    if byte_range is None or byte_range[0] is None or (byte_range[0] == 0 and byte_range[1] is None):
        # No Range, a suffix range (the end is unknown yet) or bytes=0-: the whole stream, as it grows.
        if not live.wait_for(1):
            raise _not_ready(live)
        return FlaskResponse(live.stream(0, None), status=200, mimetype="audio/mpeg", headers=headers)

    start, stop = byte_range  # stop is exclusive, or None for "to the end"
    needed = start + 1 if stop is None else stop
    if not live.wait_for(needed):
        raise _not_ready(live)
    if live.complete:
        total = live.available
        if start >= total:
            response = FlaskResponse(status=416, headers={**headers, "Content-Range": f"bytes */{total}"})
            return response
        last = total - 1 if stop is None else min(stop, total) - 1
        content_range = f"bytes {start}-{last}/{total}"
    else:
        last = live.available - 1 if stop is None else stop - 1
        content_range = f"bytes {start}-{last}/*"
    headers["Content-Range"] = content_range
    headers["Content-Length"] = str(last - start + 1)
    return FlaskResponse(live.stream(start, last), status=206, mimetype="audio/mpeg", headers=headers)


def _not_ready(live: _Live) -> ApiError:
    if live.status == "failed":
        return ApiError(422, "the audio could not be made: the render failed")
    return ApiError(503, "the audio is not ready yet; try again shortly", retry_after=5)
