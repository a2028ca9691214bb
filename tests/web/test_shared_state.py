"""The pieces web servers share through a real redis-server (web/records.py, web/sharedlimits.py):
records written whole, a partial one failed only while partial, stream slots that a live server's
heartbeat keeps and a dead one's expiry frees."""

from __future__ import annotations

import time

import pytest
from redis import Redis

from reader.store import Manifest
from web.records import RedisRecords
from web.sharedlimits import RedisRateLimiter, StreamSlots

pytestmark = pytest.mark.net


@pytest.fixture
def redis(redis_url):
    client = Redis.from_url(redis_url)
    client.flushdb()
    return redis_url


def record(revision: str, *, partial: bool = False, updated: float | None = None) -> dict:
    return {
        "revision": revision,
        "title": "Tides",
        "partial": partial,
        "updated": time.time() if updated is None else updated,
        "sentences": [{"index": 0, "block": 0, "kind": "p", "written": "Hi.", "spoken": "Hi."}],
    }


def test_records_are_shared_and_resubmission_is_told_by_time(redis):
    one, other = RedisRecords(redis), RedisRecords(redis)  # two servers
    assert one.read("abcdef") is None
    one.write("abcdef", record("r1", updated=100.0))
    assert other.read("abcdef")["revision"] == "r1"
    older = Manifest(article_id="abcdef", revision="r0", status="complete", title="Tides", updated=50.0)
    newer = Manifest(article_id="abcdef", revision="r1", status="rendering", title="Tides", updated=150.0)
    assert other.resubmitted("abcdef", older) and not other.resubmitted("abcdef", newer)
    other.delete("abcdef")
    assert one.read("abcdef") is None and not one.resubmitted("abcdef", older)


def test_with_redis_down_reads_find_no_record_and_the_manifest_answers():
    import services

    records = RedisRecords(f"redis://127.0.0.1:{services.free_port()}/0")  # nothing listens there
    manifest = Manifest(article_id="abcdef", revision="r1", status="complete", title="Tides", updated=50.0)
    assert records.read("abcdef") is None and not records.resubmitted("abcdef", manifest)


def test_a_partial_record_is_failed_but_a_whole_one_never(redis):
    records = RedisRecords(redis)
    records.write("abcdef", record("r1", partial=True))
    records.fail_partial("abcdef", {"partial": False, "error": "could not plan"})
    assert records.read("abcdef")["error"] == "could not plan"
    records.write("ghijkl", record("r1"))  # the whole script arrived first
    records.fail_partial("ghijkl", {"partial": False, "error": "could not plan"})
    assert "error" not in records.read("ghijkl")


def test_the_rate_limit_is_one_window_for_every_limiter(redis):
    servers = [RedisRateLimiter(redis, "writes"), RedisRateLimiter(redis, "writes")]
    answers = [servers[i % 2].hit(3, "10.0.0.1") for i in range(5)]
    assert [allowed for allowed, _ in answers] == [True, True, True, False, False]
    assert 1 <= answers[-1][1] <= 61
    assert servers[0].hit(3, "10.0.0.2")[0]  # per client
    assert RedisRateLimiter(redis, "listens").hit(3, "10.0.0.1")[0]  # per kind of request


def test_stream_slots_are_held_by_heartbeats_and_freed_by_release_or_expiry(redis):
    one, other = StreamSlots(redis, 2, ttl=1.5), StreamSlots(redis, 2, ttl=1.5)
    first, second = one.acquire(), other.acquire()
    assert first and second and one.acquire() is None and other.acquire() is None
    time.sleep(3.5)  # more than twice the ttl: the heartbeats keep both
    assert other.open_streams() == 2 and other.acquire() is None
    first()
    third = other.acquire()
    assert third is not None
    one._held.clear()  # as if its server died: no heartbeat renews its slot any more
    other._held.discard(next(iter(other._held)))  # the same for one of the other's
    time.sleep(2.0)
    assert one.open_streams() == 1  # the dead slot expired; the renewed one remains
    assert one.acquire() is not None


def test_without_a_queue_an_s3_store_keeps_the_records_in_its_bucket(s3_bucket, tmp_path, monkeypatch):
    """Two servers on one bucket, no queue: a record written by one is read by the other; a partial one is
    failed only while partial (If-Match); resubmission is told by the write time; delete removes it."""
    monkeypatch.delenv("READER_QUEUE_URL", raising=False)
    from reader.store import open_store
    from web.records import S3Records, open_records

    one, other = (open_records(open_store(tmp_path / name), None) for name in ("one", "other"))
    assert isinstance(one, S3Records) and isinstance(other, S3Records)
    one.write("abcdef", record("r1", partial=True, updated=100.0))
    assert other.read("abcdef")["revision"] == "r1"
    older = Manifest(article_id="abcdef", revision="r0", status="complete", title="Tides", updated=50.0)
    assert other.resubmitted("abcdef", older)
    other.fail_partial("abcdef", {"partial": False, "error": "could not plan"})
    assert one.read("abcdef")["error"] == "could not plan"
    one.write("abcdef", record("r2"))
    other.fail_partial("abcdef", {"error": "late"})
    assert "error" not in one.read("abcdef")
    other.store.delete_article("abcdef")
    assert one.read("abcdef") is None and not one.resubmitted("abcdef", older)


def test_without_a_queue_a_post_on_one_server_is_read_on_another_before_any_manifest(s3_bucket, tmp_path, monkeypatch):
    """Two apps on one bucket, each rendering in its own process (no queue): the article posted on one is
    answered by the other, every sentence, while the first chunk is still synthesizing, then to the end."""
    import audio_support as support

    from reader.store import open_store
    from web import create_app

    monkeypatch.delenv("READER_QUEUE_URL", raising=False)
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_FAKE_DELAY", "1.0")
    apps = [
        create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(tmp_path / name), "RATE_LIMIT_PER_MINUTE": 0})
        for name in ("one", "other")
    ]
    one, other = (app.test_client() for app in apps)
    text = "A shared story\n\nIt is read elsewhere. The tide came in.\n\nThe ferry ran to time."
    response = one.post("/api/articles", json={"text": text, "backend": "fake"})
    assert response.status_code == 202
    article_id = response.get_json()["id"]
    # No manifest yet, or the render's first one naming no chunk: every sentence is only in the record.
    manifest = open_store(tmp_path / "observer").read_manifest(article_id)
    assert manifest is None or not manifest.entries
    state = other.get(f"/api/articles/{article_id}")
    assert state.status_code == 200 and state.get_json()["status"] == "rendering"
    assert [row["written"] for row in state.get_json()["sentences"]][1:] == [
        "It is read elsewhere.",
        "The tide came in.",
        "The ferry ran to time.",
    ]
    deadline = time.monotonic() + 60
    while other.get(f"/api/articles/{article_id}").get_json()["status"] != "complete":
        assert time.monotonic() < deadline, "the render did not complete"
        time.sleep(0.2)


def test_a_render_admission_turn_not_had_in_time_is_a_busy_renderer(redis):
    from web.errors import ApiError
    from web.sharedlimits import RenderAdmission

    one, other = RenderAdmission(redis), RenderAdmission(redis)
    with one.turn():
        started = time.monotonic()
        with pytest.raises(ApiError) as refused, other.turn():
            pass
        assert refused.value.status == 503 and 9 < time.monotonic() - started < 20
    with other.turn():  # released: the next server gets it at once
        pass
