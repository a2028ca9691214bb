"""Backend faults: each is retried, or fails with an error naming the chunk, or falls back; never a silent gap.

gTTS: there is no network here, so Google's HTTP is faked at the transport
level with ``responses`` (requests' adapter is replaced; gTTS building the
request, our retries, timeouts, MP3 checks and ffmpeg decoding run for real).
The fake answers per text: a sentence with "Lighthouse" in it gets the fault
under test. pyttsx3: the real eSpeak NG engine in real worker processes,
which the tests SIGKILL (an engine dying mid-chunk) or SIGSTOP (an engine
hanging) while they hold a chunk. The fallback renders with real pyttsx3.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import unquote_plus

import audio_support as support
import lameenc
import numpy as np
import pytest
import requests
import responses
from click.testing import CliRunner

from reader.article import Block
from reader.backends import get_backend
from reader.cli.commands import cli
from reader.errors import BackendError
from reader.render import RenderOptions, plan, render
from reader.render.workers import InlinePool, WorkerPool
from reader.store import open_store

URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
MARKER = "Lighthouse"


def tone_mp3(seconds: float, rate: int = 24000) -> bytes:
    """A real MP3 like the endpoint's (24 kHz mono), made locally."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * 330 * t) * 12000).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def endpoint_body(mp3: bytes) -> str:
    payload = base64.b64encode(mp3).decode()
    return ")]}'\n\n" + f'[["wrb.fr","jQ1olc","[\\"{payload}\\"]",null,null,null,"generic"]]\n'


def spoken_text(request) -> str:
    return unquote_plus(request.body if isinstance(request.body, str) else request.body.decode())


def fake_endpoint(fault: str | None, calls: list[str]):
    """Google's endpoint: a 1.2 s tone for every text, except the fault for texts with the marker."""

    def answer(request):
        text = spoken_text(request)
        calls.append(text)
        healthy = (200, {}, endpoint_body(tone_mp3(1.2)))
        if MARKER not in text or fault is None:
            return healthy
        if fault == "429":
            return (429, {"Retry-After": "0"}, "")
        if fault == "500":
            return (500, {}, "")
        if fault == "truncated":
            whole = tone_mp3(2.0)
            return (200, {}, endpoint_body(whole[: len(whole) // 2 + 7]))  # cut mid-frame
        if fault == "hang":  # what requests raises when the answer does not come within the read timeout
            raise requests.exceptions.ReadTimeout("read timed out")
        raise AssertionError(fault)

    return answer


@pytest.fixture
def gtts(monkeypatch):
    backend = get_backend("gtts")
    monkeypatch.setattr(backend, "backoff_seconds", 0.01)
    return backend


def faulty_article():
    article = support.make_article(paragraphs=2, sentences=2, headings=False, url="https://news.example/faults")
    blocks = list(article.blocks)
    blocks.insert(1, Block("paragraph", f"The {MARKER} keeper rang the bell at midnight."))
    return dataclasses.replace(article, blocks=tuple(blocks))


def assert_no_gaps(result) -> None:
    """The assembled file is as long as its manifest, and every entry's span holds sound."""
    manifest = result.manifest
    signal_ = support.decode(result.audio_path)
    assert abs(signal_.size / 22050 - manifest.duration) < 0.06, (signal_.size / 22050, manifest.duration)
    for entry in manifest.entries:
        span = signal_[int((entry.start + 0.05) * 22050) : int((entry.end - 0.05) * 22050)]
        assert span.size and np.sqrt(np.mean(span**2)) > 0.02, f"silence where {entry.written!r} should be"


@pytest.mark.parametrize("fault", ["429", "500", "truncated", "hang"])
@responses.activate
def test_a_gtts_fault_is_retried_then_fails_naming_the_chunk_backend_and_cause(gtts, tmp_path, fault):
    calls: list[str] = []
    responses.add_callback(responses.POST, URL, callback=fake_endpoint(fault, calls))
    store = open_store(tmp_path / "cache")
    article = faulty_article()
    job = plan(article, RenderOptions(backend="gtts"))
    index = next(i for i, c in enumerate(job.chunks) if MARKER in c.text)
    with pytest.raises(BackendError) as caught:
        render(article, RenderOptions(backend="gtts"), store=store, pool=InlinePool("gtts"))
    message = str(caught.value)
    assert f"chunk {index} " in message and MARKER in message and "backend gtts" in message
    assert "probable cause" in message
    expected = {"429": "429", "500": "500", "truncated": "truncated", "hang": "did not answer"}[fault]
    assert expected in message
    assert sum(MARKER in text for text in calls) == gtts.attempts  # retried, then given up
    if fault == "hang":
        assert all(call.request.req_kwargs["timeout"] == gtts.timeout for call in responses.calls)
    manifest = store.read_manifest(job.article_id)
    assert manifest.status == "failed" and MARKER in manifest.error
    assert store.assembled_path(job.article_id) is None  # no file with a hole in it


@responses.activate
def test_a_truncated_gtts_answer_is_fetched_again_not_decoded_short(gtts):
    whole = tone_mp3(2.0)
    responses.post(URL, body=endpoint_body(whole[: len(whole) // 2 + 7]))
    responses.post(URL, body=endpoint_body(whole))
    from reader.backends import SpeechOptions

    audio = gtts.synthesize("The whole sentence, please.", SpeechOptions())
    assert len(responses.calls) == 2
    assert audio.duration > 1.9  # ffmpeg would have decoded the cut answer to about 1 s


@responses.activate
def test_gtts_falls_back_to_pyttsx3_and_the_cache_keys_the_chunk_by_who_made_it(gtts, tmp_path):
    calls: list[str] = []
    responses.add_callback(responses.POST, URL, callback=fake_endpoint("500", calls))
    store = open_store(tmp_path / "cache")
    article = faulty_article()
    options = RenderOptions(backend="gtts", fallback_backend="pyttsx3")
    job = plan(article, options)
    index = next(i for i, c in enumerate(job.chunks) if MARKER in c.text)
    result = render(article, options, store=store, pool=InlinePool("gtts"))
    assert result.manifest.status == "complete"
    entries = result.manifest.entries
    assert [e.backend for e in entries] == ["pyttsx3" if i == index else "gtts" for i in range(len(entries))]
    assert entries[index].key == job.fallback_key(index) != job.keys[index]
    assert store.chunk_info(job.keys[index]) is None  # nothing stored as gTTS audio that gTTS did not make
    assert entries[index].duration > 1.5  # real speech of the whole sentence
    assert_no_gaps(result)
    assert result.article_id == plan(article, RenderOptions(backend="gtts")).article_id  # a policy, not an id

    responses.replace(responses.POST, URL, body=endpoint_body(tone_mp3(2.0)))  # the endpoint recovers
    again = render(article, options, store=store, pool=InlinePool("gtts"))
    assert again.rendered == 1  # only the chunk gTTS had not made
    assert again.manifest.entries[index].backend == "gtts" and again.manifest.entries[index].key == job.keys[index]
    assert_no_gaps(again)


@responses.activate
def test_a_fallback_that_also_fails_names_both(gtts, tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    responses.add_callback(responses.POST, URL, callback=fake_endpoint("500", []))
    article = support.make_article(paragraphs=1, sentences=1, headings=False)
    extra = Block("paragraph", f"The {MARKER} failalways bell.")  # gTTS answers 500; the fake engine refuses it
    article = dataclasses.replace(article, blocks=(*article.blocks, extra))
    options = RenderOptions(backend="gtts", fallback_backend="fake")
    with pytest.raises(BackendError) as caught:
        render(article, options, store=open_store(tmp_path / "c"), pool=InlinePool("gtts"))
    message = str(caught.value)
    assert MARKER in message and "backend gtts" in message and "500" in message
    assert "the fallback backend fake failed too" in message and "refuses" in message


def test_an_unusable_fallback_is_refused_before_any_audio_work(tmp_path):
    from reader.errors import InputError

    article = support.make_article(paragraphs=1, sentences=1)
    with pytest.raises(InputError, match="unknown backend 'nope'"):
        plan(article, RenderOptions(fallback_backend="nope"))
    with pytest.raises(InputError, match="must differ"):
        plan(article, RenderOptions(backend="pyttsx3", fallback_backend="pyttsx3"))


class Saboteur(threading.Thread):
    """Sends ``sig`` to the pool's worker while it holds chunk ``index`` (or, not ``exact``, any later
    chunk, should that one finish before it is seen): ``times`` times at most, each to another worker."""

    def __init__(self, pool: WorkerPool, index: int, sig: int, times: int, *, exact: bool = False) -> None:
        super().__init__(daemon=True)
        self.pool, self.index, self.sig, self.times, self.exact = pool, index, sig, times, exact
        self.hits: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and len(self.hits) < self.times:
            for worker in list(self.pool._workers):
                task = worker.task
                chosen = task is not None and (task[1].index == self.index or (task[1].index > self.index > -1))
                if chosen and self.exact and task[1].index != self.index:
                    chosen = False
                if chosen and worker.process.pid not in self.hits:
                    os.kill(worker.process.pid, self.sig)
                    self.hits.append(worker.process.pid)
            time.sleep(0.002)


def test_pyttsx3_dying_or_hanging_mid_chunk_is_retried_and_the_audio_is_whole(tmp_path):
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=2, sentences=2, headings=False, seed=11)
    with WorkerPool("pyttsx3", 1, timeout=3, retries=2) as pool:
        pool.wait_ready()
        killer = Saboteur(pool, 1, signal.SIGKILL, 1)  # the engine dies mid-chunk
        hanger = Saboteur(pool, 3, signal.SIGSTOP, 1)  # the engine hangs mid-chunk
        killer.start()
        hanger.start()
        result = render(article, RenderOptions(backend="pyttsx3"), store=store, pool=pool)
        killer.stop.set()
        hanger.stop.set()
    assert killer.hits and hanger.hits, "both faults struck"
    tmp = Path(__import__("tempfile").gettempdir())
    assert not [p for pid in killer.hits + hanger.hits for p in tmp.glob(f"reader-pyttsx3-{pid}-*")]
    assert result.manifest.status == "complete" and result.rendered == len(result.manifest.entries)
    assert_no_gaps(result)


def test_pyttsx3_dying_on_every_attempt_fails_naming_the_chunk(tmp_path):
    store = open_store(tmp_path / "cache")
    article = support.make_article(paragraphs=1, sentences=1, headings=False, seed=12)
    long = " ".join(support.WORDS[i % 24] for i in range(0, 42 * 5, 5)).capitalize() + "."  # slow to speak
    article = dataclasses.replace(article, blocks=(*article.blocks, Block("paragraph", long)))
    job = plan(article, RenderOptions(backend="pyttsx3"))
    assert len(job.chunks) == 3 and job.chunks[2].text == long
    with WorkerPool("pyttsx3", 1, timeout=10, retries=1) as pool:
        killer = Saboteur(pool, 2, signal.SIGKILL, 2, exact=True)
        killer.start()
        with pytest.raises(BackendError) as caught:
            render(article, RenderOptions(backend="pyttsx3"), store=store, pool=pool)
        killer.stop.set()
    message = str(caught.value)
    assert len(killer.hits) == 2
    assert f"chunk 2 ({job.chunks[2].text[:20]!r}"[:-1] in message and "backend pyttsx3" in message
    assert "died" in message and "2 attempts" in message
    assert store.read_manifest(job.article_id).status == "failed"


def test_cli_fallback_backend_option_and_environment(tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("READER_FALLBACK_BACKEND", raising=False)
    source = tmp_path / "story.txt"
    source.write_text("The Story\n\nA river bridge opened. Then a failalways signal broke. The market stayed open.\n")
    runner = CliRunner()
    failed = runner.invoke(cli, ["speak", str(source), "--backend", "fake"])
    assert failed.exit_code == 5, failed.output
    assert failed.output.count("\n") == 1 and "failalways" in failed.output and "backend fake" in failed.output
    rescued = runner.invoke(cli, ["speak", str(source), "--backend", "fake", "--fallback-backend", "pyttsx3"])
    assert rescued.exit_code == 0, rescued.output
    assert "1 by the fallback pyttsx3" in rescued.output
    monkeypatch.setenv("READER_FALLBACK_BACKEND", "pyttsx3")
    again = runner.invoke(cli, ["speak", str(source), "--backend", "fake"])
    assert again.exit_code == 0 and "chunks cached;" in again.output and "1 by the fallback pyttsx3" in again.output


def test_api_takes_a_fallback_backend(client, monkeypatch, tmp_path):
    support.fake_env(monkeypatch, tmp_path)
    text = "The Story\n\nA river bridge opened. Then a failalways signal broke. The market stayed open.\n"
    bad = client.post("/api/articles", json={"text": text, "backend": "fake", "fallback_backend": "nope"})
    assert bad.status_code == 400 and "unknown backend 'nope'" in bad.get_json()["error"]["message"]
    posted = client.post("/api/articles", json={"text": text, "backend": "fake", "fallback_backend": "pyttsx3"})
    assert posted.status_code == 202, posted.get_data(as_text=True)
    article_id = posted.get_json()["id"]
    deadline = time.monotonic() + 90
    while (data := client.get(f"/api/articles/{article_id}").get_json())["status"] == "rendering":
        assert time.monotonic() < deadline, data
        time.sleep(0.2)
    assert data["status"] == "complete", data
    assert any("failalways" in s["written"] for s in data["sentences"])
