"""The JSON API through Flask's test client, with real renders (eSpeak NG through pyttsx3, real MP3s).

What a client notices: status codes, JSON error messages, ids, the manifest's
timings, the audio's bytes and headers.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from web import create_app


def _wait_complete(client, article_id: str, timeout: float = 120, revision: str | None = None) -> dict:
    """The article once its render has ended (of ``revision``, when given: a refresh's new one)."""
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering" and revision in (None, data["revision"]):
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"render of {article_id} did not finish: {data['progress']}")
        time.sleep(0.2)


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]["message"]


@pytest.fixture
def seed(client, seed_text) -> dict:
    """The seed article rendered to the end."""
    response = client.post("/api/articles", json={"text": seed_text.read_text(encoding="utf-8")})
    assert response.status_code == 202
    return _wait_complete(client, response.get_json()["id"])


def test_post_returns_202_with_an_id_and_a_status_url_and_the_render_completes(client, seed_text):
    response = client.post("/api/articles", json={"text": seed_text.read_text(encoding="utf-8")})
    assert response.status_code == 202
    body = response.get_json()
    assert body["status_url"] == f"/api/articles/{body['id']}"
    assert response.headers["Location"] == body["status_url"]
    data = _wait_complete(client, body["id"])
    assert data["status"] == "complete"
    assert data["title"].startswith("US Push for Ukraine Peace")
    assert data["progress"]["done"] == data["progress"]["total"] > 10
    assert data["duration"] > 60
    starts = [s["start"] for s in data["sentences"]]
    assert all(s is not None for s in starts)
    assert starts == sorted(starts) and starts[0] < 1.0
    assert data["sentences"][-1]["end"] == pytest.approx(data["duration"], abs=1.0)


def test_the_same_article_posted_again_keeps_its_id_and_is_served_from_the_cache(client, seed, seed_text):
    again = client.post("/api/articles", json={"text": seed_text.read_text(encoding="utf-8")})
    assert again.status_code == 202
    assert again.get_json()["id"] == seed["id"]
    assert again.get_json()["status"] == "complete"  # nothing to render: answered from the store


def test_many_clients_posting_one_article_at_once_get_one_id_and_one_render(app, make_article):
    text = make_article(300, "One article asked for by many listeners at once")
    ids, statuses = [], []

    def post() -> None:
        response = app.test_client().post("/api/articles", json={"text": text})
        statuses.append(response.status_code)
        ids.append(response.get_json().get("id"))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202] * 8
    assert len(set(ids)) == 1
    library = app.extensions["reader_library"]
    assert len(library.intake._jobs) <= 1  # one render job in this process
    data = _wait_complete(app.test_client(), ids[0])
    assert data["status"] == "complete"
    progress = library.store.read_progress(ids[0])
    assert progress.rendered == progress.total  # every chunk synthesized once, by one render


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"data": "url=https://example.com", "content_type": "application/x-www-form-urlencoded"}, 415, "JSON"),
        ({"data": "{not json", "content_type": "application/json"}, 400, "JSON object"),
        ({"json": ["https://example.com"]}, 400, "JSON object"),
        ({"json": {}}, 400, "exactly one of url, html or text"),
        ({"json": {"url": "https://example.com/a", "text": "Hello"}}, 400, "exactly one"),
        ({"json": {"text": "   \n  "}}, 400, "empty"),
        ({"json": {"text": 42}}, 400, "must be a string"),
        ({"json": {"url": "ftp://example.com/story"}}, 400, "http or https"),
        ({"json": {"url": "file:///etc/passwd"}}, 400, "http or https"),
        ({"json": {"text": "Title\n\nBody text here.", "colour": "red"}}, 400, "unknown field"),
        ({"json": {"text": "Title\n\nBody text here.", "rate": -5}}, 400, "rate"),
        ({"json": {"text": "Title\n\nBody text here.", "rate": "fast"}}, 400, "rate"),
        ({"json": {"text": "Title\n\nBody text here.", "voice": ""}}, 400, "voice"),
        ({"json": {"text": "Title\n\nBody text here.", "backend": "nonesuch"}}, 400, "unknown backend"),
    ],
)
def test_bad_requests_get_a_json_error_with_the_right_status(client, kwargs, status, fragment):
    message = _error(client.post("/api/articles", **kwargs), status)
    assert fragment.lower() in message.lower()


def test_a_url_that_points_inside_the_network_is_refused_with_422(client):
    message = _error(client.post("/api/articles", json={"url": "http://127.0.0.1:9/story"}), 422)
    assert "127.0.0.1" in message or "private" in message or "refus" in message


def test_binary_content_is_refused_clearly(client):
    response = client.post("/api/articles", json={"text": "\u0000\u0001\u0002" * 50})
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["message"]


def test_a_body_over_the_limit_gets_413(cache_dir):
    client = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "MAX_CONTENT_LENGTH": 1000}
    ).test_client()
    _error(client.post("/api/articles", json={"text": "word " * 1000}), 413)


def test_write_requests_past_the_rate_limit_get_429_with_retry_after(cache_dir):
    client = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 2}
    ).test_client()
    for _ in range(2):
        _error(client.post("/api/articles", json={}), 400)
    response = client.post("/api/articles", json={})
    _error(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200  # reads are not limited


def test_a_full_render_queue_gets_503_with_retry_after(cache_dir, make_article):
    app = create_app(
        {
            "TESTING": True,
            "OPEN": True,
            "CACHE_DIR": str(cache_dir),
            "RENDER_QUEUE_LIMIT": 1,
            "RATE_LIMIT_PER_MINUTE": 0,
        }
    )
    client = app.test_client()
    first = client.post("/api/articles", json={"text": make_article(600, "The first long article")})
    assert first.status_code == 202
    if first.get_json()["status"] == "rendering":
        response = client.post("/api/articles", json={"text": make_article(50, "A second article")})
        _error(response, 503)
        assert response.headers["Retry-After"]
    _wait_complete(client, first.get_json()["id"])


@pytest.mark.parametrize("article_id", ["nope", "0123456789abcdef01234567", "..%2F..%2Fetc", "a" * 200])
def test_unknown_or_malformed_ids_are_404_json(client, article_id):
    for path in ("", "/audio.mp3", "/captions.vtt"):
        _error(client.get(f"/api/articles/{article_id}{path}"), 404)
    _error(client.delete(f"/api/articles/{article_id}"), 404)
    _error(client.post(f"/api/articles/{article_id}/refresh"), 404)


def test_an_unexpected_failure_is_a_json_500_without_a_traceback(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(client.application.extensions["reader_library"], "get", broken)
    message = _error(client.get("/api/articles/0123456789abcdef01234567"), 500)
    assert "disk on fire" not in message


def _get(client, url: str, **kwargs):
    """GET, read the body and close the response (file responses hold an open file until closed)."""
    response = client.get(url, **kwargs)
    response.body = response.get_data()
    response.close()
    return response


def test_the_finished_audio_is_served_with_range_etag_last_modified_and_caching(client, seed):
    url = seed["audio_url"]
    whole = _get(client, url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    body = whole.body
    assert body[:3] == b"ID3"
    assert "immutable" in whole.headers["Cache-Control"] and "max-age=31536000" in whole.headers["Cache-Control"]
    assert whole.headers["Last-Modified"] and whole.headers["ETag"]
    probe = _get(client, url, headers={"Range": "bytes=0-1"})
    assert probe.status_code == 206
    assert probe.headers["Content-Range"] == f"bytes 0-1/{len(body)}"
    assert probe.body == body[:2]
    tail = _get(client, url, headers={"Range": "bytes=-1000"})
    assert tail.status_code == 206 and tail.body == body[-1000:]
    assert _get(client, url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304
    assert _get(client, url, headers={"Range": f"bytes={len(body) + 10}-"}).status_code == 416
    unversioned = _get(client, f"/api/articles/{seed['id']}/audio.mp3")
    assert "no-cache" in unversioned.headers["Cache-Control"]
    download = _get(client, seed["download_url"])
    assert download.headers["Content-Disposition"].startswith("attachment; filename=US-Push-for-Ukraine")


def test_captions_are_webvtt_with_one_cue_per_sentence(client, seed):
    response = client.get(seed["captions_url"])
    assert response.status_code == 200 and response.mimetype == "text/vtt"
    text = response.get_data(as_text=True)
    assert text.startswith("WEBVTT")
    cues = [line for line in text.splitlines() if "-->" in line]
    assert len(cues) == len(seed["sentences"])
    assert seed["sentences"][3]["written"] in re.sub(r"<[0-9:.]+>", "", text)  # word timestamp tags aside


def test_delete_removes_the_article(client, seed):
    assert client.delete(f"/api/articles/{seed['id']}").status_code == 204
    _error(client.get(f"/api/articles/{seed['id']}"), 404)
    assert seed["id"] not in [a["id"] for a in client.get("/api/articles").get_json()["articles"]]


def test_refresh_of_a_pasted_article_says_why_it_cannot(client, seed):
    message = _error(client.post(f"/api/articles/{seed['id']}/refresh"), 409)
    assert "pasted" in message


def test_voices_lists_the_offline_engines_voices(client):
    voices = client.get("/api/voices?lang=en").get_json()["voices"]
    assert voices and all(v["lang"].startswith("en") for v in voices)
    _error(client.get("/api/voices?backend=nonesuch"), 400)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_openapi_describes_every_endpoint(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path, method in [
        ("/api/articles", "post"),
        ("/api/articles/{article_id}", "get"),
        ("/api/articles/{article_id}", "delete"),
        ("/api/articles/{article_id}/refresh", "post"),
        ("/api/articles/{article_id}/audio.mp3", "get"),
        ("/api/articles/{article_id}/captions.vtt", "get"),
        ("/api/voices", "get"),
        ("/healthz", "get"),
        ("/api/articles/{article_id}/listens", "post"),
        ("/api/stats", "get"),
        ("/stats", "get"),
        ("/articles/{article_id}/delete", "post"),
        ("/articles/{article_id}/artwork", "get"),
    ]:
        assert method in paths[path], path
    for rule in client.application.url_map.iter_rules():  # every JSON endpoint, new ones included
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths.get(path, {}), f"{method} {path} is not in /api/openapi.json"
    json.dumps(document)  # serializable as served
    for status in ("400", "413", "415", "422", "429", "503"):
        assert status in paths["/api/articles"]["post"]["responses"]


def test_finished_audio_can_be_handed_to_nginx_with_x_accel_redirect(cache_dir, seed_text):
    config = {
        "TESTING": True,
        "OPEN": True,
        "CACHE_DIR": str(cache_dir),
        "AUDIO_OFFLOAD": "x-accel",
        "RATE_LIMIT_PER_MINUTE": 0,
    }
    client = create_app(config).test_client()
    created = client.post("/api/articles", json={"text": seed_text.read_text(encoding="utf-8")}).get_json()
    _wait_complete(client, created["id"])
    response = _get(client, created["audio_url"])
    assert response.status_code == 200 and response.body == b""
    redirect = response.headers["X-Accel-Redirect"]
    assert redirect.startswith(f"/_reader_cache/articles/{created['id']}/") and redirect.endswith(".mp3")
    assert (cache_dir / redirect.removeprefix("/_reader_cache/")).is_file()
    assert "immutable" in response.headers["Cache-Control"]


def test_refresh_refetches_a_corrected_article_keeping_its_id_and_rendering_only_what_changed(
    client, seed_html, tmp_path, monkeypatch
):
    import functools
    import http.server

    site = tmp_path / "site"
    site.mkdir()
    page = site / "story.html"
    original = seed_html.read_text(encoding="utf-8")
    page.write_text(original, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        monkeypatch.setenv("READER_FETCH_ALLOW", f"127.0.0.1:{port}")  # the test's allowlist for its own server
        created = client.post("/api/articles", json={"url": f"http://127.0.0.1:{port}/story.html"}).get_json()
        first = _wait_complete(client, created["id"])
        assert first["status"] == "complete"
        sentence = next(s["written"] for s in first["sentences"][5:] if s["written"] in original)
        page.write_text(original.replace(sentence, "Hegseth later corrected the record on this point."), "utf-8")
        refreshed = client.post(f"/api/articles/{created['id']}/refresh")
        assert refreshed.status_code == 202, refreshed.get_json()
        assert refreshed.get_json()["id"] == created["id"]
        assert refreshed.get_json()["revision"] != first["revision"]  # the refresh accepted the corrected text
        second = _wait_complete(client, created["id"], revision=refreshed.get_json()["revision"])
        assert second["revision"] != first["revision"]
        assert "Hegseth later corrected the record on this point." in [s["written"] for s in second["sentences"]]
        progress = client.application.extensions["reader_library"].store.read_progress(created["id"])
        assert progress.total > 20 and progress.rendered <= 2  # only the changed sentence was synthesized
    finally:
        server.shutdown()
        server.server_close()


def test_an_article_can_be_found_by_its_canonical_url_without_sending_it_again(cache_dir, seed_html):
    """A token holder publishes the page's HTML: its canonical URL is then its identity (a stranger's
    paste is not: tests/web/test_security_web.py)."""
    config = {"TESTING": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0, "API_TOKEN": "s3cret"}
    client = create_app(config).test_client()
    publisher = {"Authorization": "Bearer s3cret"}
    html = seed_html.read_text(encoding="utf-8")
    created = client.post("/api/articles", json={"html": html}, headers=publisher).get_json()
    data = _wait_complete(client, created["id"])
    assert data["url"]
    found = client.get("/api/articles", query_string={"url": data["url"]}).get_json()["articles"]
    assert [a["id"] for a in found] == [created["id"]]
    other_voice = client.get("/api/articles", query_string={"url": data["url"], "rate": "220"}).get_json()
    assert other_voice["articles"] == []  # other options, another article
    assert client.get("/api/articles", query_string={"url": "https://example.org/never"}).get_json()["articles"] == []
    _error(client.get("/api/articles", query_string={"url": "javascript:alert(1)"}), 400)


def test_behind_a_trusted_proxy_the_rate_limit_counts_each_listener(cache_dir):
    config = {
        "TESTING": True,
        "OPEN": True,
        "CACHE_DIR": str(cache_dir),
        "RATE_LIMIT_PER_MINUTE": 1,
        "TRUSTED_PROXIES": 1,
    }
    client = create_app(config).test_client()
    for address in ("203.0.113.1", "203.0.113.2"):
        _error(client.post("/api/articles", json={}, headers={"X-Forwarded-For": address}), 400)
    _error(client.post("/api/articles", json={}, headers={"X-Forwarded-For": "203.0.113.1"}), 429)


def test_a_relative_cache_dir_serves_audio_from_the_working_directory(tmp_path, monkeypatch, make_article):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("READER_CACHE_DIR", raising=False)
    app = create_app({"TESTING": True, "OPEN": True, "RATE_LIMIT_PER_MINUTE": 0})  # the default: ./audio_cache
    assert app.config["CACHE_DIR"] == str(tmp_path / "audio_cache")
    client = app.test_client()
    created = client.post("/api/articles", json={"text": make_article(30, "Relative cache")}).get_json()
    _wait_complete(client, created["id"])
    response = _get(client, created["audio_url"], headers={"Range": "bytes=0-1"})
    assert response.status_code == 206 and response.body == b"ID"


def test_post_answers_before_a_long_article_is_scripted_and_the_article_then_shows_every_sentence(
    client, make_article, monkeypatch
):
    """The POST plans only the article's head (the first chunk starts at once); the rest is scripted in
    the render's thread, held here until the POST has answered. Readers then see the whole script."""
    from reader.render import background as background
    from reader.text import extract, make_script

    release = threading.Event()
    real_plan = background.plan

    def held_plan(source, options=None):
        if len(source.blocks) > background.HEAD_BLOCKS:
            assert release.wait(60), "the POST waited for the whole article's script"
        return real_plan(source, options)

    monkeypatch.setattr(background, "plan", held_plan)
    monkeypatch.setattr("web.intake.plan", held_plan)  # the POST's own planning is held the same way
    text = make_article(600, "A story held back")
    try:
        response = client.post("/api/articles", json={"text": text})
        assert response.status_code == 202 and response.get_json()["status"] == "rendering"
    finally:
        release.set()
    expected = [s.written for s in make_script(extract(text.encode())).sentences]
    article_id = response.get_json()["id"]
    during = client.get(f"/api/articles/{article_id}").get_json()
    assert [s["written"] for s in during["sentences"]] == expected
    assert during["revision"] == response.get_json()["revision"]
    data = _wait_complete(client, article_id)
    assert data["status"] == "complete" and [s["written"] for s in data["sentences"]] == expected
