"""Rendering: resumable, incremental, progressive, claimed, and loud about failures.

Real eSpeak NG through pyttsx3 in worker processes, on short generated
articles (the seed article has its own test). Crash tests run renders in
child processes and SIGKILL them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import audio_support as support
import pytest

from reader.article import Block
from reader.errors import BackendError
from reader.render import RenderOptions, article_id, plan, render, revision, start_render
from reader.render.running import RenderCancelled
from reader.store import open_store

CHILD = """
import json, pickle, sys
from reader.store import open_store
from reader.render import render, RenderOptions
article = pickle.load(open(sys.argv[1], "rb"))
result = render(article, RenderOptions(backend=sys.argv[3]), store=open_store(sys.argv[2]))
print(json.dumps({"rendered": result.rendered, "chunks": len(result.manifest.entries)}))
"""
PYTTSX3 = RenderOptions(backend="pyttsx3")  # eSpeak NG: these tests are about rendering, not the voice


def spawn(article, store_root: Path, tmp_path: Path, backend: str = "pyttsx3", **env) -> subprocess.Popen:
    import pickle

    path = tmp_path / f"article-{time.monotonic_ns()}.pickle"
    path.write_bytes(pickle.dumps(article))
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(store_root), backend],
        stdout=subprocess.PIPE,
        env={**os.environ, **env},
        start_new_session=True,
    )


def stored_keys(store) -> set[str]:
    return {key for key, _, _ in store.iter_chunks() if store.read_chunk(key) is not None}


def test_an_edited_paragraph_re_renders_only_its_chunks(tmp_path):
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=3, sentences=2)
    first = render(article, PYTTSX3, store=store)
    assert first.rendered == len(first.manifest.entries)
    blocks = list(article.blocks)
    index = next(i for i, b in enumerate(blocks) if b.kind == "paragraph")
    blocks[index] = Block("paragraph", "A corrected first sentence. " + blocks[index].text.split(". ", 1)[1])
    edited = dataclasses.replace(article, blocks=tuple(blocks))
    second = render(edited, PYTTSX3, store=store)
    assert second.article_id == first.article_id  # same URL: same id, new revision
    assert second.revision != first.revision
    assert second.rendered == 1
    assert second.audio_path.exists() and not first.audio_path.exists()
    changed = [e for e in second.manifest.entries if e.written == "A corrected first sentence."]
    assert len(changed) == 1


def test_ids_come_from_the_url_or_the_text_and_the_options():
    article = support.make_article()
    pasted = dataclasses.replace(article, url=None, identity_url=None)
    claiming = dataclasses.replace(article, identity_url=None)  # a paste that names the URL: not its identity
    assert article_id(claiming, RenderOptions()) != article_id(article, RenderOptions())
    assert article_id(article, RenderOptions()) != article_id(article, RenderOptions(rate=150))
    retitled = dataclasses.replace(article, title="New")
    assert article_id(article, RenderOptions()) == article_id(retitled, RenderOptions())
    assert article_id(pasted, RenderOptions()) != article_id(dataclasses.replace(pasted, title="New"), RenderOptions())
    assert revision(article) != revision(dataclasses.replace(article, title="New"))


def test_a_render_killed_midway_resumes_with_only_the_missing_chunks(tmp_path):
    root = tmp_path / "cache"
    store = open_store(root)
    article = support.make_article(paragraphs=8, sentences=4, seed=3)
    total = len(plan(article, PYTTSX3).chunks)
    child = spawn(article, root, tmp_path, READER_WORKERS="1")
    job_id = plan(article, PYTTSX3).article_id
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = store.read_progress(job_id)
        if progress is not None and progress.done >= 5:
            break
        time.sleep(0.02)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    survivors = stored_keys(store)
    assert 5 <= len(survivors) < total, "kill after some but not all chunks"
    for path in (root / "chunks").rglob("*.mp3"):
        if not path.name.startswith("."):  # every entry under its final name is whole
            assert path.stem in survivors or store.chunk_info(path.stem) is None
    result = render(article, PYTTSX3, store=store)
    assert result.rendered == total - len(survivors)
    assert result.manifest.status == "complete" and len(result.manifest.entries) == total


def test_two_processes_rendering_one_article_leave_one_intact_set(tmp_path):
    root = tmp_path / "cache"
    article = support.make_article(paragraphs=4, sentences=3, seed=5)
    children = [spawn(article, root, tmp_path) for _ in range(2)]
    outputs = [json.loads(child.communicate(timeout=120)[0]) for child in children]
    store = open_store(root)
    total = outputs[0]["chunks"]
    assert sum(o["rendered"] for o in outputs) == total  # one rendered everything, the other waited
    keys = stored_keys(store)
    assert len(keys) == total
    assert len(list((root / "chunks").rglob("*.mp3"))) == total
    assert not list(root.rglob(".tmp-*"))
    manifest = store.read_manifest(plan(article, PYTTSX3).article_id)
    assert manifest.status == "complete" and {e.key for e in manifest.entries} == keys


def test_start_render_returns_at_once_and_progress_is_readable_while_rendering(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_FAKE_DELAY", "0.05")
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=6, sentences=3)
    seen = []
    looked = threading.Event()

    def hold_while_partial(progress):
        """Once a manifest with some entries is on disk, hold the render (its thread) until the test has
        read it: however loaded the machine, the render cannot finish before the test looks."""
        seen.append(progress)
        manifest = store.read_manifest(progress.article_id)
        if progress.status == "rendering" and manifest is not None and 0 < len(manifest.entries) < progress.total:
            looked.wait(60)

    job = start_render(article, RenderOptions(backend="fake"), store=store, on_progress=hold_while_partial)
    assert job.article_id == plan(article, RenderOptions(backend="fake")).article_id
    assert start_render(article, RenderOptions(backend="fake"), store=store) is job  # one job per article
    partial = None
    deadline = time.monotonic() + 60
    while not job.done() and time.monotonic() < deadline:
        manifest = store.read_manifest(job.article_id)
        if manifest is not None and manifest.status == "rendering" and 0 < len(manifest.entries) < manifest.total:
            partial = manifest
            break
        time.sleep(0.01)
    looked.set()
    result = job.result(timeout=60)
    assert partial is not None, "a manifest with some entries was readable during the render"
    assert [e.key for e in partial.entries] == [e.key for e in result.manifest.entries[: len(partial.entries)]]
    assert all(store.read_chunk(e.key) for e in partial.entries)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].status == "complete" and seen[-1].done == job.total
    assert store.read_progress(job.article_id).status == "complete"
    assert store.assembled_path(job.article_id) == result.audio_path


def test_a_failed_chunk_fails_the_article_loudly(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=2, sentences=2)
    blocks = (*article.blocks, Block("paragraph", "This one failalways breaks."))
    broken = dataclasses.replace(article, blocks=blocks)
    with pytest.raises(BackendError) as caught:
        render(broken, RenderOptions(backend="fake"), store=store)
    assert "failalways" in str(caught.value) and "fake" in str(caught.value)
    job_id = plan(broken, RenderOptions(backend="fake")).article_id
    manifest = store.read_manifest(job_id)
    assert manifest.status == "failed" and "failalways" in manifest.error
    assert store.assembled_path(job_id) is None


def test_a_cancelled_background_render_stops_and_keeps_what_it_stored(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_FAKE_DELAY", "0.1")
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=8, sentences=3, seed=9)
    options = RenderOptions(backend="fake")
    reached, cancelled = threading.Event(), threading.Event()

    def hold_until_cancelled(progress):
        """Two chunks in, the render's thread waits for the cancel: a loaded machine cannot let it finish
        first (the cancel itself is not helped: the render must notice the stop and end)."""
        if progress.status == "rendering" and progress.done >= 2:
            reached.set()
            cancelled.wait(60)

    job = start_render(article, options, store=store, on_progress=hold_until_cancelled)
    assert reached.wait(60), "the render did not reach its second chunk"
    job.cancel()
    cancelled.set()
    with pytest.raises(RenderCancelled):
        job.result(timeout=60)
    manifest = store.read_manifest(job.article_id)
    assert manifest.status == "failed" and "cancelled" in manifest.error
    kept = stored_keys(store)
    total = len(plan(article, options).chunks)
    assert 2 <= len(kept) < total
    assert render(article, options, store=store).rendered <= total - len(kept) + 2  # in-flight chunks at most


def test_the_first_chunk_is_stored_before_a_long_article_is_fully_planned(tmp_path, monkeypatch):
    """start_render submits the head's chunks first; the full plan is held back here until they are stored."""
    import threading

    from reader.render import background as background

    support.fake_env(monkeypatch, tmp_path)
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=6, sentences=2, seed=11)
    options = RenderOptions(backend="fake")
    release = threading.Event()
    real_plan = background.plan

    def held_plan(source, opts=None):
        if len(source.blocks) > background.HEAD_BLOCKS:
            assert release.wait(60)
        return real_plan(source, opts)

    monkeypatch.setattr(background, "plan", held_plan)
    first_key = real_plan(dataclasses.replace(article, blocks=article.blocks[:1]), options).keys[0]
    job = start_render(article, options, store=store)
    try:
        deadline = time.monotonic() + 60
        while store.read_chunk(first_key) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.read_chunk(first_key) is not None
        assert job.total is None  # the rest of the article is not planned yet
    finally:
        release.set()
    result = job.result(timeout=60)
    assert result.manifest.entries[0].key == first_key
    assert job.total == len(result.manifest.entries)
