"""The finished audio through one code path from either store (issue 18 item 1).

The web app asks the store for a local file (the local store; the S3 store's copy on the node
that rendered) and otherwise streams the bytes from the store, a range at a time (another node
of an S3 deployment, with no copy). Every case must give the same bytes, Range/206/416, ETag,
304 and If-Range answers, and an MP3 that ffprobe reads whole. Real engine, real moto S3 server.
"""

from __future__ import annotations

import json
import subprocess
import time

import boto3
import pytest

from web import create_app

TEXT = (
    "A Short Story About Bridges\n\n"
    "The old bridge opened on Tuesday after two years of repairs. Crowds gathered early.\n\n"
    "Engineers said the new cables would last another century. The mayor cut a ribbon at noon."
)


def _app(cache, **extra):
    config = {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache), "RATE_LIMIT_PER_MINUTE": 0, **extra}
    return create_app(config)


def _get(client, url: str, **kwargs):
    response = client.get(url, **kwargs)
    response.body = response.get_data()
    response.close()
    return response


def _wait_complete(client, article_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering":
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"render of {article_id} did not finish: {data['progress']}")
        time.sleep(0.2)


def _ffprobe(data: bytes, tmp_path) -> dict:
    path = tmp_path / "served.mp3"
    path.write_bytes(data)
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=format_name,duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)["format"]


@pytest.fixture(params=["local", "s3-this-node", "s3-other-node"])
def where(request, tmp_path, monkeypatch):
    if request.param == "local":
        monkeypatch.delenv("READER_CACHE_URL", raising=False)
        return request.param, None
    return request.param, request.getfixturevalue("s3_bucket")


@pytest.mark.net
def test_finished_audio_is_served_through_one_path_from_either_store(where, tmp_path):
    kind, bucket = where
    client = _app(tmp_path / "node-a").test_client()
    created = client.post("/api/articles", json={"text": TEXT}).get_json()
    state = _wait_complete(client, created["id"])
    assert state["status"] == "complete", state.get("error")
    if kind == "s3-other-node":  # a second web node sharing the bucket, with nothing on its disk
        client = _app(tmp_path / "node-b").test_client()
    library = client.application.extensions["reader_library"]
    name = library.audio_object(created["id"])
    assert name == f"articles/{created['id']}/{state['revision']}.mp3"
    if bucket is None:
        expected = (tmp_path / "node-a" / name).read_bytes()
    else:
        s3 = boto3.client("s3", endpoint_url=bucket.endpoint, region_name="us-east-1")
        expected = s3.get_object(Bucket=bucket.name, Key=f"audio/{name}")["Body"].read()
    size = len(expected)
    assert (library.store.local_path(name) is None) == (kind == "s3-other-node")

    url = created["audio_url"]
    whole = _get(client, url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.body == expected
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["X-Reader-Status"] == "complete"
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    assert etag == f'"{state["revision"]}-{size}"'
    for header, (start, last) in {
        "bytes=0-1": (0, 1),  # Safari's probe
        "bytes=100-4195": (100, 4195),
        f"bytes={size - 1000}-": (size - 1000, size - 1),
        "bytes=-777": (size - 777, size - 1),
        f"bytes={size - 10}-{size + 500}": (size - 10, size - 1),  # an end past the file is cut to it
    }.items():
        part = _get(client, url, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.headers["Content-Range"] == f"bytes {start}-{last}/{size}", header
        assert part.body == expected[start : last + 1], header
        assert part.headers["ETag"] == etag
    beyond = _get(client, url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    assert _get(client, url, headers={"If-None-Match": etag}).status_code == 304
    assert _get(client, url, headers={"If-Modified-Since": modified}).status_code == 304
    stale = _get(client, url, headers={"Range": "bytes=0-9", "If-Range": '"an-older-revision"'})
    assert stale.status_code == 200 and stale.body == expected
    fresh = _get(client, url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and fresh.body == expected[:10]
    head = client.head(url)
    head.close()  # a file response holds its file open until closed
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size and head.get_data() == b""
    download = _get(client, created["audio_url"] + "&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=A-Short-Story-About-Bridges")
    assert download.body == expected

    probe = _ffprobe(whole.body, tmp_path)
    assert probe["format_name"] == "mp3"
    assert float(probe["duration"]) == pytest.approx(state["duration"], abs=0.15)
    if kind == "s3-other-node":  # served from the bucket's bytes: nothing was copied to this node's disk
        assert library.store.local_path(name) is None
