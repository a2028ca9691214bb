"""The chunk store: atomic, first writer wins, verified on read, pruned least recently used first."""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import audio_support as support
import numpy as np
import pytest
from click.testing import CliRunner

from reader.audio import AudioSettings, encode_chunk
from reader.cli.commands import cli
from reader.errors import InputError
from reader.render import render
from reader.store import Claim, cache_stats, claim_owner, open_store, prune_cache


def key_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def chunk(seconds: float = 0.5, pitch: float = 300):
    t = np.arange(int(seconds * 22050)) / 22050
    return encode_chunk(np.sin(2 * np.pi * pitch * t) * 0.3, 22050, AudioSettings())


def put(store, key, encoded):
    return store.put_chunk(key, encoded.mp3, frames=encoded.frames, samples=encoded.samples, sample_rate=22050)


def test_chunks_are_sharded_and_read_back_verified(tmp_path):
    store = open_store(tmp_path)
    key, encoded = key_of("a"), chunk()
    info = put(store, key, encoded)
    path = store.chunk_path(key)
    assert path.relative_to(tmp_path).parts[:3] == ("chunks", key[:2], key[2:4])
    assert store.read_chunk(key) == encoded.mp3
    assert (info.frames, info.size) == (encoded.frames, len(encoded.mp3))
    assert not list(tmp_path.rglob(".tmp-*"))


def test_a_corrupt_or_truncated_chunk_is_never_served(tmp_path):
    store = open_store(tmp_path)
    key = key_of("b")
    put(store, key, chunk())
    path = store.chunk_path(key)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert store.read_chunk(key) is None  # same size, wrong checksum
    assert not path.exists()  # discarded, so the next render makes it again
    put(store, key_of("c"), chunk())
    truncated = store.chunk_path(key_of("c"))
    truncated.write_bytes(truncated.read_bytes()[:-10])
    assert store.chunk_info(key_of("c")) is None and store.read_chunk(key_of("c")) is None


def test_concurrent_writers_of_one_key_leave_one_consistent_entry(tmp_path):
    store = open_store(tmp_path)
    key = key_of("same")
    versions = [chunk(0.4 + i * 0.05, 200 + 10 * i) for i in range(8)]  # different bytes, as engines may give
    with ThreadPoolExecutor(8) as pool:
        infos = list(pool.map(lambda e: put(store, key, e), versions))
    stored = store.read_chunk(key)
    assert stored in [v.mp3 for v in versions]
    assert {i.sha256 for i in infos} == {hashlib.sha256(stored).hexdigest()}
    assert len(list(tmp_path.rglob("*.mp3"))) == 1 and not list(tmp_path.rglob(".tmp-*"))


def test_bad_keys_and_ids_cannot_escape_the_cache(tmp_path):
    store = open_store(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, ""):
        with pytest.raises(InputError):
            store.chunk_path(bad)
    with pytest.raises(InputError):
        store.article_dir("../x")


def test_a_stale_claim_is_broken_and_a_live_one_respected(tmp_path):
    path = tmp_path / "render.lock"
    first = Claim(path, stale_after=0.5)
    assert first.try_acquire()
    assert claim_owner(path, 0.5)["pid"] == os.getpid()
    assert not Claim(path, stale_after=0.5).try_acquire()  # heartbeating: still held
    first._stop.set()  # the owner stops beating, as a SIGKILLed process would
    first._beat.join()
    time.sleep(0.7)
    second = Claim(path, stale_after=0.5)
    assert second.try_acquire()
    first.release()  # not first's any more: leaves second's claim alone
    assert path.exists()
    second.release()
    assert not path.exists()


def test_prune_drops_least_recently_used_and_keeps_what_manifests_use(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    from reader.render import RenderOptions

    store = open_store(tmp_path / "cache")
    result = render(support.make_article(paragraphs=2, sentences=2), RenderOptions(backend="fake"), store=store)
    used = {e.key for e in result.manifest.entries}
    loose = [key_of(f"loose {i}") for i in range(6)]
    for age, key in enumerate(loose):
        put(store, key, chunk())
        meta = store.chunk_path(key).with_suffix(".json")
        os.utime(meta, (time.time() - 1000 + age, time.time() - 1000 + age))
    before = cache_stats(store)
    assert before["chunks"] == len(used) + 6 and before["referenced_chunks"] == len(used)
    sizes = {key: size for key, size, _ in store.iter_chunks()}
    removed, freed, _ = prune_cache(store, before["total_bytes"] - sum(sizes[k] for k in loose[:3]))
    remaining = {key for key, _, _ in store.iter_chunks()}
    assert used <= remaining
    assert removed == 3 and freed == sum(sizes[k] for k in loose[:3])
    assert not set(loose[:3]) & remaining and set(loose[3:]) <= remaining
    removed, _, _ = prune_cache(store, 0)
    assert used <= {key for key, _, _ in store.iter_chunks()}  # never a chunk a current manifest uses
    prune_cache(store, 0, include_referenced=True)
    assert cache_stats(store)["chunks"] == 0


def test_cache_cli_stats_and_prune(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path))
    store = open_store(tmp_path)
    for i in range(3):
        put(store, key_of(f"cli {i}"), chunk())
    runner = CliRunner()
    stats = runner.invoke(cli, ["cache", "stats"])
    assert stats.exit_code == 0 and "chunks: 3" in stats.output
    pruned = runner.invoke(cli, ["cache", "prune", "--max-size", "0MB"])
    assert pruned.exit_code == 0 and "removed 3 chunks" in pruned.output
    bad = runner.invoke(cli, ["cache", "prune", "--max-size", "lots"])
    assert bad.exit_code == 2 and "not a size" in bad.output
    assert json.loads(json.dumps(cache_stats(store)))["chunks"] == 0
