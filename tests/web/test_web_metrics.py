"""Operations (issue 7, item 7): /metrics in the Prometheus text format, request ids, structured logs.

Through the test client with the suite's fake backend (synthesis is not the point): a render shows
up as started, completed, chunk misses and a latency observation; a corrected article's second render
as cache hits; error responses by status and kind. A request's id is echoed and lands in its log
lines. The multiprocess form (several gunicorn workers) is tested in test_web_load.py.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time

import audio_support as support
import pytest
from prometheus_client.parser import text_string_to_metric_families

from web import create_app
from web.requestlog import JsonFormatter, KeyValueFormatter, RequestIdFilter


def samples(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _wait(client, article_id: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering" or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def _settled(client, name: str, value: float) -> dict:
    """Samples once ``name`` reaches ``value`` (the done-callback runs just after the status flips)."""
    deadline = time.monotonic() + 60
    while True:
        found = samples(client)
        if found.get((name, ())) == value or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


ARTICLE = "The river story\n\n" + "\n\n".join(
    f"Paragraph {n} says the council met at the library and the bridge was closed." for n in range(6)
)


@pytest.fixture
def client(cache_dir, monkeypatch, tmp_path):
    support.fake_env(monkeypatch, tmp_path)
    app = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0, "BACKEND": "fake"}
    )
    return app.test_client()


def test_renders_chunks_and_latency_are_counted(client):
    before = samples(client)
    assert before[("reader_renders_started_total", ())] == 0
    first = client.post("/api/articles", json={"text": ARTICLE}).get_json()
    data = _wait(client, first["id"])
    assert data["status"] == "complete"
    total = data["progress"]["total"]
    found = _settled(client, "reader_renders_completed_total", 1)
    assert found[("reader_renders_started_total", ())] == 1
    assert found[("reader_chunk_cache_misses_total", ())] == total
    assert found[("reader_chunk_cache_hits_total", ())] == 0
    assert found[("reader_render_seconds_count", ())] == 1
    assert found[("reader_render_seconds_sum", ())] > 0
    assert found[("reader_render_queue_depth", ())] == 0

    corrected = ARTICLE.replace("Paragraph 3 says", "Paragraph 3 now says")
    second = client.post("/api/articles", json={"text": corrected}).get_json()
    assert _wait(client, second["id"])["status"] == "complete"
    found = _settled(client, "reader_renders_completed_total", 2)
    assert found[("reader_chunk_cache_misses_total", ())] == total + 1  # only the changed sentence
    assert found[("reader_chunk_cache_hits_total", ())] == total - 1

    client.post("/api/articles", json={"text": ARTICLE})  # finished already: not a render
    assert samples(client)[("reader_renders_started_total", ())] == 2


def test_failed_renders_and_http_errors_are_counted_by_kind(client):
    failing = client.post("/api/articles", json={"text": "Failure story\n\nThis one says failalways loudly."})
    assert _wait(client, failing.get_json()["id"])["status"] == "failed"
    assert client.get("/api/articles/nosuchid99").status_code == 404
    assert client.post("/api/articles", data="x", content_type="text/plain").status_code == 415
    deadline = time.monotonic() + 60
    while (found := samples(client)).get(("reader_renders_failed_total", (("kind", "BackendError"),))) != 1:
        assert time.monotonic() < deadline, found
        time.sleep(0.02)
    assert found[("reader_http_errors_total", (("kind", "not_found"), ("status", "404")))] == 1
    assert found[("reader_http_errors_total", (("kind", "unsupported_media_type"), ("status", "415")))] == 1


def test_request_ids_are_echoed_or_made_and_logged(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    requests_log = logging.getLogger("web.requests")
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    try:
        given = client.get("/healthz", headers={"X-Request-ID": "edge-4f2a.17"})
        made = client.get("/api/articles/nosuchid99")
        forged = client.get("/healthz", headers={"X-Request-ID": 'bad id {"json": 1}' + "x" * 200})
    finally:
        requests_log.removeHandler(handler)
        requests_log.setLevel(logging.NOTSET)
    assert given.headers["X-Request-ID"] == "edge-4f2a.17"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])  # not echoed into headers or logs
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("edge-4f2a.17", "/healthz", 200),
        (made.headers["X-Request-ID"], "/api/articles/nosuchid99", 404),
        (forged.headers["X-Request-ID"], "/healthz", 200),
    ]
    assert all(line["level"] == "info" and line["ms"] >= 0 and line["method"] == "GET" for line in lines)


def test_key_value_lines_quote_values_with_spaces():
    record = logging.LogRecord("web.test", logging.WARNING, __file__, 1, "render of %s failed", ("abc",), None)
    record.request_id = "r1"
    line = KeyValueFormatter().format(record)
    assert 'level=warning logger=web.test message="render of abc failed" request_id=r1' in line


def test_metrics_can_be_turned_off(cache_dir):
    app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "METRICS": False})
    assert app.test_client().get("/metrics").status_code == 404
