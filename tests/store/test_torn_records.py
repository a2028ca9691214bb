"""A torn or truncated record (manifest, progress, claim) is read as missing, never as a crash.

Writes are atomic, so such a file only comes from outside (a full disk, a copy cut short, an edit).
Parsing it directly gives a clear ``CacheError``; reading it from the store gives None, as for a
chunk whose sidecar does not match, so the web app answers 404 instead of 500 and the next render
writes it again.
"""

from __future__ import annotations

import json

import pytest

from reader.errors import CacheError
from reader.store import Manifest, ManifestEntry, Progress, claim_owner, open_store

ARTICLE = "torn-article"


def manifest() -> Manifest:
    entry = ManifestEntry("a" * 64, 0, 0, 0, "title", "A title.", "A title.", 0.0, 1.0, words=(0, 0, 1))
    return Manifest(ARTICLE, "0123abcd", "complete", "A title", entries=(entry,), total=1, duration=1.0)


def progress() -> Progress:
    return Progress(ARTICLE, 1, 2, 1.0, "rendering", rendered=1, pid=1)


def damaged(whole: str) -> dict[str, str]:
    return {
        "truncated": whole[: len(whole) // 2],
        "cut at the last brace": whole[:-1],
        "empty": "",
        "not an object": "[1, 2, 3]",
        "a string": '"manifest"',
        "not UTF-8": "\udcff",
    }


@pytest.mark.parametrize("damage", list(damaged("{}")))
def test_a_torn_manifest_parses_as_a_clear_cache_error(damage):
    text = damaged(manifest().to_json())[damage]
    data = text.encode("utf-8", "surrogateescape")
    with pytest.raises(CacheError, match="manifest"):
        Manifest.from_json(data)


@pytest.mark.parametrize("damage", list(damaged("{}")))
def test_a_torn_progress_record_parses_as_a_clear_cache_error(damage):
    text = damaged(progress().to_json())[damage]
    with pytest.raises(CacheError, match="progress"):
        Progress.from_json(text.encode("utf-8", "surrogateescape"))


def test_malformed_entries_are_a_cache_error_too():
    data = json.loads(manifest().to_json())
    data["entries"][0].pop("key")
    with pytest.raises(CacheError, match="malformed manifest"):
        Manifest.from_json(json.dumps(data))
    data["entries"] = [{"key": "k", "words": 5}]
    with pytest.raises(CacheError, match="malformed manifest"):
        Manifest.from_json(json.dumps(data))


@pytest.mark.parametrize("damage", list(damaged("{}")))
def test_the_store_reads_a_torn_record_as_missing(tmp_path, damage, caplog):
    store = open_store(tmp_path)
    store.write_manifest(manifest())
    store.write_progress(progress())
    assert store.read_manifest(ARTICLE) == manifest() and store.read_progress(ARTICLE) == progress()
    folder = store.article_dir(ARTICLE)
    for name, record in (("manifest.json", manifest()), ("progress.json", progress())):
        (folder / name).write_bytes(damaged(record.to_json())[damage].encode("utf-8", "surrogateescape"))
    assert store.read_manifest(ARTICLE) is None
    assert store.read_progress(ARTICLE) is None
    assert list(store.iter_manifests()) == []
    assert f"manifest of {ARTICLE} unreadable" in caplog.text
    store.write_manifest(manifest())  # the next render writes it again
    assert store.read_manifest(ARTICLE) == manifest()


def test_the_web_app_answers_404_for_a_torn_manifest(client, cache_dir):
    store = open_store(cache_dir)
    store.write_manifest(manifest())
    assert client.get(f"/api/articles/{ARTICLE}").status_code == 200
    path = store.article_dir(ARTICLE) / "manifest.json"
    path.write_bytes(path.read_bytes()[:40])
    answer = client.get(f"/api/articles/{ARTICLE}")
    assert answer.status_code == 404 and answer.is_json
    assert client.get("/").status_code == 200  # the library lists what it can read


@pytest.mark.parametrize("content", ['{"pid": 1, "host": "x"', "[1, 2]", '"text"', ""])
def test_a_torn_claim_file_is_an_unknown_owner_not_a_crash(tmp_path, content):
    path = tmp_path / "render.lock"
    path.write_text(content)
    assert claim_owner(path) == {}  # fresh: someone holds it, who is unknown
    assert claim_owner(path, stale_after=-1) is None  # stale: free
