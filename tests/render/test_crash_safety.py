"""Crash safety: renders SIGKILLed at random moments, and a full disk, leave the cache whole.

The kill storm runs 50 renders in child processes and SIGKILLs each at a
random moment (before, during or after its chunks, during assembly), now
the whole process group (render process and engine workers), now only the
render process (its workers must go by themselves), now only a worker (the
render must recover). Most children are forked from a warm single-threaded
"zygote" process that has imported the package (a fresh interpreter per
render would make 50 kills take minutes on two cores) and render the test
suite's fake engine in-process or in real worker processes; every tenth is
the real `reader speak` command with eSpeak NG through pyttsx3. After each
kill the whole cache is audited: every chunk's bytes match its sidecar and
walk as whole MP3 frames, every manifest, progress record and claim is
whole JSON, every assembled file walks whole. Then the article is rendered
again, which must synthesize exactly the chunks that were missing and
sweep the killed writer's temp files.

The full disk is a real one: a small tmpfs (mounting needs root, as CI has).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import audio_support as support
import pytest
from cache_audit import CacheAudit, children, dead, group_alive

from reader.audio.mp3 import count_frames
from reader.render import RenderOptions, plan, render
from reader.render.workers import InlinePool
from reader.store import open_store, prune_cache

ZYGOTE = r"""
import json, os, pickle, sys
import numpy as np
from reader.audio import AudioSettings
from reader.store import open_store
from reader.audio import encode_chunk
from reader.render import RenderOptions, render
from reader.render.workers import InlinePool, WorkerPool

encode_chunk(np.sin(np.arange(16000) / 5.0) * 0.3, 16000, AudioSettings())  # load the audio stack and lameenc now
print("ready", flush=True)
for line in sys.stdin:
    with __import__("contextlib").suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        code = 0
        try:
            article = pickle.loads(bytes.fromhex(order["article"]))
            backend = order["backend"]
            pool = InlinePool(backend) if order["pool"] == "inline" else WorkerPool(backend, 1)
            render(article, RenderOptions(backend=backend), store=open_store(order["root"]), pool=pool)
            pool.close()
        except BaseException:
            code = 1
        os._exit(code)
    print(pid, flush=True)
"""


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.003)
    return False


class Storm:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.root = tmp_path / "cache"
        self.store = open_store(self.root)
        self.audit = CacheAudit(self.root)
        self.log = (tmp_path / "zygote.log").open("w")
        self.zygote = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env={**os.environ, "READER_FAKE_DELAY": "0.01"},
            cwd=tmp_path,  # outside the checkout: the installed package runs when testing the wheel
        )
        assert self.zygote.stdout.readline().strip() == "ready"
        self.groups: list[int] = []
        self.kinds: dict[str, int] = {}
        self.leftovers = 0  # temp files seen right after kills (swept by the next render)

    def close(self) -> None:
        self.zygote.stdin.close()
        self.zygote.wait(timeout=30)
        self.zygote.stdout.close()
        self.log.close()

    def start(self, article, backend: str, pool: str) -> int:
        order = {"article": pickle.dumps(article).hex(), "backend": backend, "pool": pool, "root": str(self.root)}
        self.zygote.stdin.write(json.dumps(order) + "\n")
        self.zygote.stdin.flush()
        return int(self.zygote.stdout.readline())

    def start_cli(self, text: str, index: int) -> tuple[int, Path]:
        source = self.tmp / f"story-{index}.txt"
        source.write_text(text)
        env = {**os.environ, "READER_CACHE_DIR": str(self.root), "READER_WORKERS": "1"}
        child = subprocess.Popen(
            [sys.executable, "-m", "reader", "speak", str(source)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.tmp,
        )
        self.cli_children = [*getattr(self, "cli_children", []), child]
        return child.pid, source

    def kill_at_random(self, rng: random.Random, pid: int, article_id: str, total: int, workers: bool) -> str:
        """Wait for a random moment of the render, then SIGKILL something; returns what was done."""
        moment = rng.choice(["time", "chunks", "chunks", "end"])
        if moment == "time":
            time.sleep(rng.uniform(0.0, 1.0))
        else:
            target = total if moment == "end" else rng.randint(1, max(1, total - 1))

            def reached() -> bool:
                progress = self.store.read_progress(article_id)
                return dead(pid) or (progress is not None and progress.done >= target)

            wait_for(reached, 30)
            time.sleep(rng.uniform(0.0, 0.03))
        target = rng.choice(["group"] * 6 + ["parent"] * 2 + (["worker"] * 2 if workers else []))
        if target == "worker":
            wait_for(lambda: dead(pid) or bool(children(pid)), 10)
            helpers = children(pid)
            if helpers and not dead(pid):
                os.kill(helpers[0], signal.SIGKILL)
                assert wait_for(lambda: dead(pid), 60), "the render recovers from a killed worker and ends"
                return "worker"
            target = "group"
        with contextlib.suppress(ProcessLookupError):
            if target == "group":
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        self.groups.append(pid)
        assert wait_for(lambda: dead(pid), 10)
        return f"{target}@{moment}"


@pytest.mark.slow
def test_fifty_sigkills_at_random_moments_leave_a_whole_cache_and_resume_with_only_the_missing(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    rng = random.Random(int(os.environ.get("READER_STORM_SEED", "7")))
    storm = Storm(tmp_path)
    fake = RenderOptions(backend="fake")
    inline = InlinePool("fake")
    try:
        for index in range(50):
            if index % 10 == 5:  # the real command and the real engine
                words = [rng.choice(support.WORDS) for _ in range(12)]
                text = f"Storm {index}\n\n{' '.join(words[:6]).capitalize()}. {' '.join(words[6:]).capitalize()}.\n"
                pid, source = storm.start_cli(text, index)
                job = plan(source, RenderOptions())
                what = storm.kill_at_random(rng, pid, job.article_id, len(job.chunks), workers=True)
                subject, options, pool = source, RenderOptions(), None
            else:
                article = support.make_article(
                    paragraphs=2, sentences=2, seed=1000 + index, url=f"https://news.example/storm/{index}"
                )
                workers = index % 4 == 0
                job = plan(article, fake)
                pid = storm.start(article, "fake", "workers" if workers else "inline")
                what = storm.kill_at_random(rng, pid, job.article_id, len(job.chunks), workers)
                subject, options, pool = article, fake, inline
            storm.kinds[what.split("@")[0]] = storm.kinds.get(what.split("@")[0], 0) + 1
            storm.audit.check()
            storm.leftovers += len(storm.audit.temp_files())
            unique = set(job.keys)
            present = {key for key in unique if storm.store.read_chunk(key) is not None}
            result = render(subject, options, store=storm.store, pool=pool)
            assert result.manifest.status == "complete", what
            assert result.rendered == len(unique - present), (index, what, result.rendered, len(unique - present))
            shards = {storm.store.chunk_path(key).parent for key in unique}
            left = [p for p in storm.audit.temp_files() if p.parent in shards or p.parent.name == job.article_id]
            assert not left, f"iteration {index} ({what}) left {left}"
            frames, _ = count_frames(result.audio_path.read_bytes()[_id3_size(result.audio_path) :])
            # the frames after the Info frame hold the manifest's audio plus the encoder's delay and padding
            assert 0 <= (frames - 1) * 576 / 22050 - result.manifest.duration < 0.11, what
            storm.audit.check()
    finally:
        storm.close()
        for child in getattr(storm, "cli_children", []):
            child.wait(timeout=30)
    print(f"kills: {storm.kinds}; temp files seen after kills: {storm.leftovers}; orphans: {storm.audit.orphans}")
    assert storm.kinds.get("group", 0) >= 20 and storm.kinds.get("parent", 0) >= 5, storm.kinds
    assert wait_for(lambda: not any(group_alive(g) for g in storm.groups), 15), "a killed render's workers lingered"
    prune_cache(storm.store, 10**12)  # the housekeeping pass sweeps whatever a killed writer left elsewhere
    assert not storm.audit.temp_files()


def _id3_size(path: Path) -> int:
    head = path.read_bytes()[:10]
    if head[:3] != b"ID3":
        return 0
    return 10 + ((head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9])


# --- a full disk -------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def speak(source: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "READER_CACHE_DIR": str(cache), "READER_WORKERS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "reader", "speak", str(source), "--backend", "fake"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=source.parent,
    )


def test_a_full_disk_fails_the_render_clearly_and_corrupts_nothing(small_disk, tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    source = tmp_path / "story.txt"
    paragraphs = []
    for p in range(6):
        sentences = [" ".join(random.Random(p * 10 + s).choices(support.WORDS, k=10)) for s in range(3)]
        paragraphs.append(" ".join(s.capitalize() + "." for s in sentences))
    source.write_text("A story too long for the disk\n\n" + "\n\n".join(paragraphs) + "\n")
    audit = CacheAudit(small_disk)

    first = speak(source, small_disk)  # room for some chunks, not all
    assert first.returncode == 7, first.stderr
    assert first.stderr.count("\n") == 1 and first.stderr.startswith("reader: error: disk full"), first.stderr
    audit.check()
    assert not audit.temp_files()

    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)
    second = speak(source, small_disk)  # not a byte free
    assert second.returncode == 7, second.stderr
    assert second.stderr.count("\n") == 1 and "disk full" in second.stderr and "internal" not in second.stderr
    audit.check()
    assert not audit.temp_files()

    filler.unlink()
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    store = open_store(small_disk)
    job = plan(source, RenderOptions(backend="fake"))
    present = {key for key in set(job.keys) if store.read_chunk(key) is not None}
    assert present, "the chunks stored before the disk filled are kept"
    third = speak(source, small_disk)
    assert third.returncode == 0, third.stderr
    assert f"({len(set(job.keys) - present)} of {len(job.chunks)} chunks rendered" in third.stdout
    audit.check()
    assert store.read_manifest(job.article_id).status == "complete"
