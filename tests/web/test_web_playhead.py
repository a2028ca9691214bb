"""The live stream tells this process's render pools where its listener is (reader.render.scheduling)."""

from __future__ import annotations

import time

from reader.render.scheduling import PLAYHEADS
from web import create_app


def test_a_live_stream_holds_a_playhead_at_its_next_chunk_until_it_closes(cache_dir, make_article):
    app = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0, "BACKEND": "pyttsx3"}
    )
    client = app.test_client()
    created = client.post("/api/articles", json={"text": make_article(2500, "A story with a listener")}).get_json()
    response = client.get(created["audio_url"], buffered=False)
    assert response.status_code == 200 and response.headers["X-Reader-Status"] == "rendering"
    body = iter(response.response)
    next(body)  # the first chunk's frames are on their way to the listener
    playhead = PLAYHEADS.snapshot().get(created["id"])
    assert playhead is not None and playhead >= 0
    for _ in range(20):  # it moves on as the stream sends what renders
        next(body)
    assert PLAYHEADS.snapshot()[created["id"]] > playhead
    response.close()
    assert created["id"] not in PLAYHEADS.snapshot()  # a listener who left no longer steers the pool
    deadline = time.monotonic() + 120
    while client.get(f"/api/articles/{created['id']}").get_json()["status"] == "rendering":
        assert time.monotonic() < deadline
        time.sleep(0.2)
