"""A finished article's MP3 over HTTP, from whichever store holds it, through one code path.

The store is asked for what it can offer, best first: a presigned URL (the S3 store, with
``AUDIO_OFFLOAD=presigned``: the bucket answers Range itself), a local file (the local store, or
the S3 store's copy on this machine: Flask's ``send_file`` or the front proxy's
``X-Accel-Redirect`` / ``X-Sendfile`` then serve it), else the bytes themselves, read from the
store a range at a time. All three give the same validators (``ETag`` from the revision and
size, ``Last-Modified`` from the manifest), and the bytes path answers ``Range`` (206, 416) and
``If-None-Match`` / ``If-Modified-Since`` / ``If-Range`` as ``send_file`` does.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Response as FlaskResponse
from flask import current_app, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from web.library import ArticleState, Library

__all__ = ["download_name", "finished_response"]


def download_name(title: str) -> str:
    """A file name from the title, safe on every file system."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-") or "article"
    return f"{stem}.mp3"


def finished_response(library: Library, state: ArticleState) -> Response | None:
    """The complete article's audio, or None when the store has no assembled file for it (yet)."""
    store = library.store
    name = library.audio_object(state.id)
    if name is None:
        return None
    download = request.args.get("download") not in (None, "", "0")
    offload = current_app.config.get("AUDIO_OFFLOAD") or ""
    if offload == "presigned":
        url = store.presigned_url(name, filename=download_name(state.title) if download else None)
        if url is not None:
            return _redirect(url)
    path = store.local_path(name)
    if path is not None:
        response = _file_response(path, name, state, download, offload)
    else:
        size = store.size(name)
        if size is None:
            return None
        response = _stored_response(store, name, size, state, download)
    return _finish(response, state, download)


def _redirect(url: str) -> Response:
    response = FlaskResponse(status=302, headers={"Location": url})
    response.headers["Cache-Control"] = "private, max-age=60"  # well inside the URL's lifetime
    response.headers["X-Reader-Status"] = "complete"
    return response


def _file_response(path: Path, name: str, state: ArticleState, download: bool, offload: str) -> Response:
    if offload == "x-accel":  # nginx serves the file from its location mapped to the cache (Range, validators)
        response = FlaskResponse(status=200, mimetype="audio/mpeg")
        response.headers["X-Accel-Redirect"] = current_app.config["ACCEL_PREFIX"].rstrip("/") + "/" + name
        return response
    size = path.stat().st_size
    return send_file(  # with AUDIO_OFFLOAD=x-sendfile Flask answers with X-Sendfile and no body
        path,
        mimetype="audio/mpeg",
        as_attachment=download,
        download_name=download_name(state.title),
        conditional=True,
        etag=f"{state.revision}-{size}",
        last_modified=path.stat().st_mtime,
        max_age=None,
    )


def _stored_response(store: Any, name: str, size: int, state: ArticleState, download: bool) -> Response:
    """The bytes from the store, with the validators and Range handling ``send_file`` would give a file."""
    etag = f"{state.revision}-{size}"
    modified = dt.datetime.fromtimestamp(int(state.updated), dt.UTC) if state.updated else None
    headers = {"Content-Type": "audio/mpeg"}
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response = FlaskResponse(status=304, headers=headers)
    else:
        span = _span(size, etag, modified)
        if span == "unsatisfiable":  # answered as send_file's is: 416 with Content-Range: bytes */size
            raise RequestedRangeNotSatisfiable(length=size)
        start, stop = span if span is not None else (0, size)
        head = request.method == "HEAD" or stop <= start
        body = () if head else store.read_range(name, start, stop - 1)
        response = FlaskResponse(body, status=206 if span is not None else 200, headers=headers)
        response.headers["Content-Length"] = str(stop - start)
        if span is not None:
            response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    return response


def _span(size: int, etag: str, modified: dt.datetime | None) -> tuple[int, int] | str | None:
    """(start, stop) of a single satisfiable byte range, "unsatisfiable", or None for the whole file
    (no Range, several ranges, or an If-Range that no longer matches)."""
    ranges = request.range
    if ranges is None or ranges.units != "bytes" or len(ranges.ranges) != 1:
        return None
    if_range = request.if_range
    if if_range.etag is not None and if_range.etag != etag:
        return None
    if if_range.date is not None and (modified is None or if_range.date < modified):
        return None
    span = ranges.range_for_length(size)
    return span if span is not None else "unsatisfiable"


def _finish(response: Response, state: ArticleState, download: bool) -> Response:
    immutable = request.args.get("rev") == state.revision
    if download and "Content-Disposition" not in response.headers:  # as send_file words it
        response.headers.set("Content-Disposition", "attachment", filename=download_name(state.title))
    response.headers["Accept-Ranges"] = "bytes"
    max_age = int(current_app.config["AUDIO_MAX_AGE"])
    response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable" if immutable else "public, no-cache"
    response.headers["X-Reader-Status"] = "complete"
    return response
