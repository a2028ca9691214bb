"""Issue 16 item 8: listening analytics counted from the player's beacons, across several servers.

Two real ``reader serve`` processes on one cache add up their event files (and a restarted server
still sees them); two servers with a queue URL add up in Redis; the beacon is validated, bots are
ignored, clients are rate-limited, and the statistics need the API token."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveServer

from web import create_app
from web.listencounts import EventFiles

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
BEACON = {"Content-Type": "text/plain;charset=UTF-8", "User-Agent": BROWSER}
TODAY = time.strftime("%Y-%m-%d", time.gmtime())


def _request(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw


def _beacon(base: str, article_id: str, event: str, user_agent: str = BROWSER) -> int:
    body = json.dumps({"event": event}).encode()
    headers = {**BEACON, "User-Agent": user_agent}
    return _request(f"{base}/api/articles/{article_id}/listens", "POST", body, headers)[0]


def _render(base: str, text: str) -> str:
    status, created = _request(
        f"{base}/api/articles", "POST", json.dumps({"text": text}).encode(), {"Content-Type": "application/json"}
    )
    assert status == 202, created
    deadline = time.monotonic() + 120
    while _request(f"{base}/api/articles/{created['id']}")[1]["status"] == "rendering":
        assert time.monotonic() < deadline, "the render did not finish"
        time.sleep(0.2)
    return created["id"]


def _totals(base: str, article_id: str) -> dict[str, int]:
    status, data = _request(f"{base}/api/stats?days=2")
    assert status == 200, data
    found = [a for a in data["articles"] if a["id"] == article_id]
    return {"play": found[0]["plays"], **found[0]["reached"]} if found else {}


def _send(base: str, article_id: str, plays: int) -> None:
    """``plays`` listeners start; half reach 50 %, one finishes."""
    for n in range(plays):
        assert _beacon(base, article_id, "play") == 204
        if n % 2 == 0:
            assert _beacon(base, article_id, "50") == 204
    assert _beacon(base, article_id, "complete") == 204


def test_two_servers_on_one_cache_add_up_and_survive_a_restart(tmp_path, make_article):
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"READER_LISTENS_PER_MINUTE": "1000"}
    first = LiveServer(cache, tmp_path, workers=2, env=env)  # two processes in this server too
    second = LiveServer(cache, tmp_path, workers=1, env=env)
    try:
        article_id = _render(first.url, make_article(25, "The ferry timetable changes"))
        _send(first.url, article_id, 7)
        _send(second.url, article_id, 4)
        assert _beacon(second.url, article_id, "play", "Googlebot/2.1 (+http://www.google.com/bot.html)") == 204
        assert _beacon(second.url, article_id, "play", "python-requests/2.32") == 204  # neither counted
        expected = {"play": 11, "25": 0, "50": 6, "75": 0, "complete": 2}
        assert _totals(first.url, article_id) == expected
        assert _totals(second.url, article_id) == expected
        files = list((cache / "listens").glob("*.events"))
        assert len(files) >= 2  # one append-only file per server process that counted
        second.stop()
        third = LiveServer(cache, tmp_path, workers=1, env=env)
        try:
            assert _totals(third.url, article_id) == expected  # kept across a restart
            _send(third.url, article_id, 1)
            assert _totals(first.url, article_id)["play"] == 12
        finally:
            third.stop()
    finally:
        first.stop()
        second.stop()


@pytest.mark.net
def test_servers_with_a_queue_url_count_in_redis(tmp_path, make_article, redis_url):
    import redis

    cache = tmp_path / "cache"
    app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache), "RATE_LIMIT_PER_MINUTE": 0})
    client = app.test_client()
    article_id = client.post("/api/articles", json={"text": make_article(20, "A quay for the ferries")}).get_json()[
        "id"
    ]
    while client.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering":
        time.sleep(0.1)
    env = {"READER_QUEUE_URL": redis_url, "READER_LISTENS_PER_MINUTE": "1000"}
    servers = [LiveServer(cache, tmp_path, workers=1, env=env) for _ in range(2)]
    try:
        _send(servers[0].url, article_id, 3)
        _send(servers[1].url, article_id, 2)
        expected = {"play": 5, "25": 0, "50": 3, "75": 0, "complete": 2}
        assert _totals(servers[0].url, article_id) == expected == _totals(servers[1].url, article_id)
        stored = redis.Redis.from_url(redis_url).hgetall(f"reader:listens:{TODAY}")
        assert stored[f"{article_id}|play".encode()] == b"5"
        assert not (cache / "listens").exists()  # no event files when Redis counts
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def article(client, make_article) -> str:
    article_id = client.post("/api/articles", json={"text": make_article(20, "The pier is rebuilt")}).get_json()["id"]
    while client.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering":
        time.sleep(0.1)
    return article_id


def test_the_beacon_is_validated(client, article):
    url = f"/api/articles/{article}/listens"

    def post(data: Any, content_type: str = "text/plain", path: str = url) -> int:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        return client.post(path, data=body, content_type=content_type, headers={"User-Agent": BROWSER}).status_code

    assert post({"event": "play"}) == 204
    assert post({"event": "complete"}, "application/json") == 204
    assert post({"event": "play"}, "application/x-www-form-urlencoded") == 415
    assert post({"event": "33"}) == 400
    assert post({"event": ["play"]}) == 400
    assert post(b"{not json") == 400
    assert post({"event": "play", "pad": "x" * 600}) == 413
    assert post({"event": "play"}, path="/api/articles/nosucharticle1/listens") == 404
    assert post({"event": "play"}, path="/api/articles/..%2F..%2Fetc/listens") == 404
    data = client.get("/api/stats").get_json()
    assert data["totals"] == {"play": 1, "25": 0, "50": 0, "75": 0, "complete": 1} and data["counting"] is True
    assert data["articles"][0]["title"] == "The pier is rebuilt" and data["articles"][0]["completion_rate"] == 1.0
    assert client.get("/api/stats?days=0").status_code == 400


def test_a_client_is_rate_limited(app, client, article):
    app.config["LISTENS_PER_MINUTE"] = 3
    statuses = [
        client.post(
            f"/api/articles/{article}/listens",
            data='{"event":"play"}',
            content_type="text/plain",
            headers={"User-Agent": BROWSER},
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [204, 204, 204, 429, 429]
    assert client.get("/api/stats").get_json()["totals"]["play"] == 3


def test_statistics_need_the_api_token(cache_dir, article):
    app = create_app({"TESTING": True, "API_TOKEN": "s3cret", "CACHE_DIR": str(cache_dir)})
    client = app.test_client()
    beacon = client.post(
        f"/api/articles/{article}/listens",
        data='{"event":"play"}',
        content_type="text/plain",
        headers={"User-Agent": BROWSER},
    )
    assert beacon.status_code == 204  # listeners need no token
    assert client.get("/api/stats").status_code == 401
    assert client.get("/api/stats", headers={"Authorization": "Bearer s3cret"}).get_json()["totals"]["play"] == 1
    form = client.get("/stats").get_data(as_text=True)
    assert 'name="token"' in form and "The pier is rebuilt" not in form
    wrong = client.post("/stats", data={"token": "nope"}, headers={"Origin": "http://localhost"})
    assert wrong.status_code == 401 and "The pier is rebuilt" not in wrong.get_data(as_text=True)
    shown = client.post("/stats", data={"token": "s3cret", "days": "7"}, headers={"Origin": "http://localhost"})
    assert shown.status_code == 200 and "The pier is rebuilt" in shown.get_data(as_text=True)
    assert (
        client.post("/stats", data={"token": "s3cret"}, headers={"Origin": "https://evil.example"}).status_code == 403
    )


def test_event_files_sum_whole_lines_of_every_process(tmp_path):
    one, two = EventFiles(tmp_path), EventFiles(tmp_path)  # as two server processes would
    one.add("article-1", "play", "2026-12-01")
    two.add("article-1", "play", "2026-12-01")
    two.add("article-1", "50", "2026-12-02")
    assert len(list(tmp_path.glob("*.events"))) == 2
    assert one.counts()[("article-1", "2026-12-01")]["play"] == 2
    assert one.counts(since="2026-12-02") == {("article-1", "2026-12-02"): {"50": 1}}
    torn = tmp_path / "other-host-1-x.events"
    torn.write_bytes(b"2026-12-01 article-1 play\n2026-12-01 artic")  # a line being written
    assert one.counts()[("article-1", "2026-12-01")]["play"] == 3
    with torn.open("ab") as handle:
        handle.write(b"le-1 complete\n")
    assert one.counts()[("article-1", "2026-12-01")] == {"play": 3, "complete": 1}
    pid = os.fork()
    if pid == 0:  # a forked worker writes its own file
        one.add("article-1", "75", "2026-12-01")
        os._exit(0)
    os.waitpid(pid, 0)
    assert len(list(Path(tmp_path).glob("*.events"))) == 4
    assert two.counts()[("article-1", "2026-12-01")]["75"] == 1


@pytest.mark.parametrize(
    ("config", "linked", "status"),
    [
        ({"OPEN": True}, True, 200),  # anyone may read the statistics
        ({"API_TOKEN": "s3cret"}, True, 200),  # the page asks for the token
        ({}, False, 403),  # read-only to strangers, no token: the page refuses everyone
    ],
)
def test_the_site_links_the_stats_page_only_where_it_opens(cache_dir, config, linked, status):
    app = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir), **config})
    client = app.test_client()
    library = client.get("/").get_data(as_text=True)
    nav = library.split('<nav aria-label="Site">', 1)[1].split("</nav>", 1)[0]
    assert ('href="/stats"' in nav) is linked
    assert client.get("/stats").status_code == status
