"""Pages for people: the library, the reader view with its player, the speech-script preview."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from reader.errors import ReaderError
from reader.text import is_http_url
from web.errors import ApiError
from web.library import get_library, valid_id
from web.limits import guard_form_write, guard_write, is_open, same_origin_form
from web.listing import MAX_QUERY_CHARS, library_rows
from web.views import clock, page_blocks, to_json

bp = Blueprint("pages", __name__)

# The pages run no inline code: the player reads its data from data- attributes. They load nothing from
# another host: Media Session artwork is served from this origin (web/artwork.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; media-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.app_template_filter("clock")
def _clock(seconds: float | None) -> str:
    return clock(seconds)


def _library_page(error: str | None = None, form: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    library = get_library()
    query = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    anonymous_changes = is_open() and not current_app.config.get("API_TOKEN")
    return render_template(
        "library.html",
        articles=library_rows(library.list(), query),
        query=query,
        error=error,
        form=form or {},
        voices=library.voices_for_form(),
        voice_groups=library.voice_groups(reader_languages()),
        anonymous_changes=anonymous_changes,
        delete_token_required=bool(current_app.config.get("API_TOKEN")),
    ), status


def reader_languages() -> list[str]:
    """The languages the reader's browser asks for (Accept-Language), best first: their voices lead the menu."""
    return [tag for tag, _ in request.accept_languages if tag != "*"][:8]


@bp.get("/")
def library() -> tuple[str, int]:
    return _library_page()


def _form_source() -> dict[str, str]:
    url = (request.form.get("url") or "").strip()
    content = request.form.get("content") or ""
    if url and content.strip():
        raise ApiError(400, "give either an address or pasted content, not both")
    if url:
        return {"url": url}
    if not content.strip():
        raise ApiError(400, "give an article's address, or paste its HTML or text")
    kind = "html" if content.lstrip()[:1] == "<" else "text"
    return {kind: content}


@bp.post("/articles")
def add() -> Response | tuple[str, int]:
    """The library form: start a render and go to the article's page, where the player waits."""
    form = {key: request.form.get(key, "") for key in ("url", "content", "voice")}
    try:
        same_origin_form()
        guard_write()
        source = _form_source()
        submission = get_library().submit(**source, voice=form["voice"] or None)
    except ApiError as error:
        return _library_page(error.message, form, error.status)
    except ReaderError as error:
        return _library_page(str(error), form, error.http_status if error.http_status < 500 else 400)
    return redirect(url_for("pages.article", article_id=submission.article_id, play=1), code=303)


@bp.post("/articles/<article_id>/delete")
def delete(article_id: str) -> Response | tuple[str, int]:
    """The library's delete button: removes the row, i.e. every stored version of that source."""
    try:
        same_origin_form()
        guard_form_write("deleting articles")
        if not valid_id(article_id) or not get_library().delete_source(article_id):
            raise ApiError(404, "no article with this id")
    except ApiError as error:
        return _library_page(error.message, None, error.status)
    return redirect(url_for("pages.library"), code=303)


@bp.post("/preview")
def preview() -> tuple[str, int] | str:
    """The speech script of pasted content or a URL, beside the written text, without rendering audio."""
    form = {key: request.form.get(key, "") for key in ("url", "content", "voice")}
    try:
        same_origin_form()
        guard_write("previews")  # a preview parses (or fetches) what it is sent: the same guard as a POST
        script = get_library().preview(**_form_source())
    except ApiError as error:
        return _library_page(error.message, form, error.status)
    except ReaderError as error:
        return _library_page(str(error), form, error.http_status if error.http_status < 500 else 400)
    # the hidden fields of the preview's Listen button: the same source, posted to /articles
    source = {"url": form["url"].strip()} if form["url"].strip() else {"content": form["content"]}
    listen_form = {**source, "voice": form["voice"]}
    return render_template(
        "preview.html",
        title=script.title,
        lang=script.lang,
        sentences=script.sentences,
        article_id=None,
        listen_form=listen_form,
    )


@bp.get("/articles/<article_id>")
def article(article_id: str) -> str:
    state = get_library().get(article_id) if valid_id(article_id) else None
    if state is None:
        abort(404, description="no article with this id")
    view = to_json(state, sentences=False)
    view["estimated_duration"] = state.estimated_duration
    view["original_url"] = state.url if is_http_url(state.url) else None  # never a javascript: link
    # never the publisher's image URL: the player must not call a third-party host (web/artwork.py)
    has_artwork = get_library().artwork.available(state.id, state.image)
    view["artwork_url"] = url_for("pages.artwork", article_id=state.id) if has_artwork else None
    view["image"] = view["artwork_url"]
    return render_template("article.html", a=view, blocks=page_blocks(state))


@bp.get("/articles/<article_id>/script")
def script(article_id: str) -> str:
    state = get_library().get(article_id) if valid_id(article_id) else None
    if state is None:
        abort(404, description="no article with this id")
    return render_template(
        "preview.html",
        title=state.title,
        lang=state.lang,
        sentences=state.sentences,
        article_id=state.id,
        listen_form=None,
        listen_url=url_for("pages.article", article_id=state.id, play=1),
    )


@bp.get("/articles/<article_id>/artwork")
def artwork(article_id: str) -> Response:
    """The article's lead image, fetched once by this server (waits a moment for a fetch under way)."""
    library = get_library()
    state = library.get(article_id) if valid_id(article_id) else None
    found = library.artwork.get(state.id, state.image) if state is not None else None
    if found is None:
        abort(404, description="no artwork for this article")
    data, kind = found
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.add_etag()
    return response.make_conditional(request)
