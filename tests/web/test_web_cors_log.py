"""Issue 16 item 7, the server half: each origin the CORS rule refuses is logged once, naming the setting."""

from __future__ import annotations

import logging
import uuid


def test_each_refused_origin_is_logged_once_with_the_setting_to_change(app, caplog):
    app.config["CORS_ORIGINS"] = ["https://news.example"]
    client = app.test_client()
    stranger = f"https://{uuid.uuid4().hex[:8]}.example"  # the log remembers origins per process
    other = f"http://{uuid.uuid4().hex[:8]}.example:8080"
    with caplog.at_level(logging.WARNING, logger="web.embed"):
        for origin in (stranger, stranger, other, stranger, "https://news.example", "http://localhost"):
            response = client.get("/api/voices", headers={"Origin": origin})
            allowed = response.headers.get("Access-Control-Allow-Origin")
            assert allowed == (origin if origin == "https://news.example" else None)
        client.options("/api/articles", headers={"Origin": other, "Access-Control-Request-Method": "POST"})
    refused = [r.getMessage() for r in caplog.records if r.name == "web.embed"]
    assert len(refused) == 2, refused  # the allowed origin and the server's own pages are no refusals
    assert stranger in refused[0] and "READER_CORS_ORIGINS" in refused[0]
    assert other in refused[1]
