"""The S3 store against a real S3-compatible server (moto's, on loopback) with boto3 over HTTP.

Renders use the real default engine (eSpeak NG through pyttsx3) and the real
audio path; only the object store is a stand-in for AWS, and it is a real server.
"""

from __future__ import annotations

import hashlib
import urllib.request

import audio_support as support
import boto3
import pytest
from mutagen.mp3 import MP3

from reader.article import Article, Block
from reader.errors import CacheError, InputError
from reader.render import RenderOptions, render
from reader.store import LocalStore, open_store
from reader.store.s3 import S3Store

pytestmark = pytest.mark.net


def _objects(bucket) -> dict[str, int]:
    client = boto3.client("s3", endpoint_url=bucket.endpoint, region_name="us-east-1")
    listing = client.list_objects_v2(Bucket=bucket.name)
    return {item["Key"]: item["Size"] for item in listing.get("Contents", [])}


def test_cache_url_takes_precedence_over_cache_dir(s3_bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "local"))
    store = open_store()
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.root) == (s3_bucket.name, "audio", tmp_path / "local")
    monkeypatch.delenv("READER_CACHE_URL")
    assert type(open_store()) is LocalStore


def test_bad_cache_urls_get_clear_errors(s3_bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_URL", "https://bucket/prefix")
    with pytest.raises(InputError, match="s3://bucket/prefix"):
        open_store(tmp_path)
    monkeypatch.setenv("READER_CACHE_URL", "s3://no-such-bucket-here/audio")
    with pytest.raises(CacheError, match="no-such-bucket-here"):
        open_store(tmp_path)


def test_render_publishes_chunks_audio_and_manifest_to_the_bucket(s3_bucket, tmp_path):
    article = support.make_article(paragraphs=2, sentences=2, url="https://news.example/s3-story")
    writer = open_store(tmp_path / "writer")
    result = render(article, RenderOptions(), store=writer)

    objects = _objects(s3_bucket)
    chunk_objects = [k for k in objects if k.startswith("audio/chunks/") and k.endswith(".mp3")]
    assert len(chunk_objects) == len(result.manifest.entries)
    audio_key = f"audio/articles/{result.article_id}/{result.revision}.mp3"
    assert objects[audio_key] == result.audio_path.stat().st_size
    assert f"audio/articles/{result.article_id}/manifest.json" in objects

    # Another machine: an empty local copy reads everything from the bucket.
    reader = open_store(tmp_path / "reader")
    manifest = reader.read_manifest(result.article_id)
    assert manifest is not None and manifest.status == "complete"
    assert [e.key for e in manifest.entries] == [e.key for e in result.manifest.entries]
    for entry in manifest.entries:
        data = reader.read_chunk(entry.key)
        assert data == writer.read_chunk(entry.key)
        assert reader.chunk_info(entry.key).frames == entry.frames
    path = reader.assembled_path(result.article_id)
    assert path is not None and path.read_bytes() == result.audio_path.read_bytes()
    assert MP3(path).info.length == pytest.approx(manifest.duration, abs=0.1)
    assert [m.article_id for m in reader.iter_manifests()] == [result.article_id]

    keys = [entry.key for entry in manifest.entries]
    looked_up = open_store(tmp_path / "lookup").chunk_infos([*keys, "f" * 64])  # parallel HEADs on an empty copy
    assert [info.sha256 for info in looked_up[:-1]] == [reader.chunk_info(key).sha256 for key in keys]
    assert looked_up[-1] is None

    # A second render elsewhere reuses every chunk from the bucket: nothing is synthesized again.
    again = render(article, RenderOptions(), store=open_store(tmp_path / "third"))
    assert again.rendered == 0
    assert again.audio_path.read_bytes() == result.audio_path.read_bytes()


def test_presigned_url_serves_the_audio_with_range(s3_bucket, tmp_path):
    article = support.make_article(paragraphs=1, sentences=1, url="https://news.example/presigned")
    store = open_store(tmp_path)
    result = render(article, RenderOptions(), store=store)
    url = store.audio_url(result.article_id, expires=60)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    request = urllib.request.Request(url, headers={"Range": "bytes=0-99"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206
        assert response.read() == result.audio_path.read_bytes()[:100]
    assert store.audio_url("0" * 24) is None


def test_first_chunk_writer_wins_and_corrupt_objects_are_never_served(s3_bucket, tmp_path):
    first, second = open_store(tmp_path / "a"), open_store(tmp_path / "b")
    key = hashlib.sha256(b"chunk").hexdigest()
    mine = first.put_chunk(key, b"\xff\xfb first", frames=1, samples=1152, sample_rate=22050)
    theirs = second.put_chunk(key, b"\xff\xfb second", frames=1, samples=1152, sample_rate=22050)
    assert theirs.sha256 == mine.sha256
    assert second.read_chunk(key) == b"\xff\xfb first"

    other = hashlib.sha256(b"other").hexdigest()
    client = boto3.client("s3", endpoint_url=s3_bucket.endpoint, region_name="us-east-1")
    meta = {"sha256": "0" * 64, "frames": "1", "samples": "1152", "sample-rate": "22050"}
    name = f"audio/chunks/{other[:2]}/{other[2:4]}/{other}.mp3"
    client.put_object(Bucket=s3_bucket.name, Key=name, Body=b"tampered", Metadata=meta)
    assert open_store(tmp_path / "c").read_chunk(other) is None


def test_deleting_an_article_removes_its_objects(s3_bucket, tmp_path):
    article = support.make_article(paragraphs=1, sentences=1, url="https://news.example/deleted")
    store = open_store(tmp_path)
    result = render(article, RenderOptions(), store=store)
    assert store.delete_article(result.article_id)
    assert not [k for k in _objects(s3_bucket) if "/articles/" in k]
    assert store.read_manifest(result.article_id) is None


def test_word_times_are_kept_in_the_bucket_beside_their_chunks(s3_bucket, tmp_path):
    """Issue 17: another machine, with an empty local copy, gets the same words from the bucket."""
    article = Article(
        title="Word times in a bucket",
        blocks=(Block("paragraph", "Northwind raised $3.5bn on 4 July 2025. Its shares rose."),),
        url="https://news.example/s3-words",
    )
    writer = open_store(tmp_path / "writer")
    result = render(article, RenderOptions(backend="pyttsx3"), store=writer)
    objects = _objects(s3_bucket)
    for entry in result.manifest.entries:
        assert entry.words  # eSpeak NG says when each word starts
        assert f"audio/chunks/{entry.key[:2]}/{entry.key[2:4]}/{entry.key}.words.json" in objects

    reader = open_store(tmp_path / "reader")
    assert [e.words for e in reader.read_manifest(result.article_id).entries] == [
        e.words for e in result.manifest.entries
    ]
    key = result.manifest.entries[1].key
    assert reader.read_words(key) == writer.read_words(key)  # fetched from the bucket, then kept locally
    # A render on a third machine takes every chunk and its times from the bucket.
    again = render(article, RenderOptions(backend="pyttsx3"), store=open_store(tmp_path / "third"))
    assert again.rendered == 0
    assert [e.words for e in again.manifest.entries] == [e.words for e in result.manifest.entries]
    deal = again.manifest.entries[1]
    spans = [deal.written[deal.words[i + 1] : deal.words[i + 2]] for i in range(0, len(deal.words), 3)]
    assert "$3.5bn" in spans and "4 July 2025" in spans


def test_cache_stats_counts_the_objects_in_the_bucket_not_this_machines_copy(s3_bucket, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from reader.cli.commands import cli

    article = support.make_article(paragraphs=1, sentences=2, url="https://news.example/stats")
    result = render(article, RenderOptions(), store=open_store(tmp_path / "writer"))
    objects = _objects(s3_bucket)
    audio = [k for k in objects if k.startswith("audio/chunks/") and k.endswith(".mp3")]

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "another-node"))  # nothing on this machine's disk
    out = CliRunner().invoke(cli, ["cache", "stats"])
    assert out.exit_code == 0, out.output
    figures = dict(line.split(": ", 1) for line in out.output.splitlines())
    assert figures["root"] == s3_bucket.url
    assert int(figures["chunks"]) == len(audio) == len({e.key for e in result.manifest.entries})
    assert int(figures["referenced_chunks"]) == len(audio)
    assert (int(figures["articles"]), int(figures["complete_articles"])) == (1, 1)
    article_bytes = sum(size for key, size in objects.items() if key.startswith("audio/articles/"))
    assert int(figures["article_bytes"]) == article_bytes > result.audio_path.stat().st_size
    assert int(figures["total_bytes"]) == sum(objects.values())
    assert not [p for p in (tmp_path / "another-node").rglob("*") if p.is_file()]
