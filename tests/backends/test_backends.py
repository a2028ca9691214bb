"""Backends: the registry, the real offline engines in worker processes, and the pool's fault handling."""

from __future__ import annotations

import struct
import threading
import wave
from io import BytesIO

import audio_support as support
import numpy as np
import pytest

import reader.backends as backends
from reader.audio import AudioSettings
from reader.backends import SpeechOptions, backend_names, get_backend, list_voices
from reader.backends.wavfile import probe_format, read_pcm
from reader.errors import BackendError, InputError
from reader.render.workers import Job, WorkerPool

KEY = "0" * 64


def job(text: str, backend: str, index: int = 0, **speech) -> Job:
    return Job(KEY, text, backend, SpeechOptions(**speech), AudioSettings(), index)


def test_builtins_register_through_the_entry_point_group():
    assert {"pyttsx3", "gtts", "espeak"} <= set(backend_names())
    backend = get_backend("pyttsx3")
    assert backend is get_backend()  # the default, instantiated once
    assert (backend.offline, get_backend("gtts").offline) == (True, False)
    assert get_backend("gtts").max_chars == 100


def test_unknown_backend_is_a_clear_input_error():
    with pytest.raises(InputError, match=r"unknown backend 'nope'.*pyttsx3"):
        get_backend("nope")


def test_voices_list_english_voices_for_each_offline_backend():
    voices = list_voices("pyttsx3", "en")
    assert any(v.id == "en-us" for v in voices)
    assert all(v.lang.startswith("en") and v.backend == "pyttsx3" for v in voices)
    assert any(v.id == "en@co.uk" for v in list_voices("gtts", "en"))


def test_an_unknown_voice_is_refused_before_any_audio_work():
    with pytest.raises(InputError, match="no voice 'klingon'"):
        get_backend("pyttsx3").check(SpeechOptions(voice="klingon"))


def test_pyttsx3_speaks_in_worker_processes_with_voice_and_rate():
    with WorkerPool("pyttsx3", 2) as pool:
        short = pool.submit(job("Hello there.", "pyttsx3")).result(30)
        long = pool.submit(job("Hello there, this sentence is a good deal longer than the first.", "pyttsx3"))
        slow = pool.submit(job("Hello there, this sentence is a good deal longer than the first.", "pyttsx3", rate=100))
        scottish = pool.submit(job("Hello there.", "pyttsx3", voice="en-gb-scotland"))
        long, slow, scottish = long.result(30), slow.result(30), scottish.result(30)
    assert 0.5 < short.duration < long.duration < slow.duration
    assert slow.duration > 1.5 * long.duration
    assert scottish.mp3 != short.mp3
    assert short.mp3[:2] == b"\xff\xf3"  # an MPEG-2 Layer III frame: no ID3 or Xing frame of its own


def test_pyttsx3_refuses_to_run_in_a_request_thread():
    errors = []

    def speak() -> None:
        try:
            backends.pyttsx3_backend.Pyttsx3Backend().synthesize("Hello.", SpeechOptions())
        except BackendError as error:
            errors.append(error)

    import reader.backends.pyttsx3_backend  # noqa: F401

    thread = threading.Thread(target=speak)
    thread.start()
    thread.join()
    assert errors and "worker process" in str(errors[0])


def test_espeak_direct_backend_speaks_the_same_engine():
    with WorkerPool("espeak", 1) as pool:
        chunk = pool.submit(job("The espeak backend speaks straight from the library.", "espeak")).result(30)
    assert chunk.duration > 1.5


def _wav(samples: np.ndarray, rate: int) -> bytes:
    out = BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.astype("<i2").tobytes())
    return out.getvalue()


def _aiff(samples: np.ndarray, rate: int) -> bytes:
    exponent = 16383 + 63
    mantissa = rate
    while mantissa < (1 << 63):
        mantissa <<= 1
        exponent -= 1
    comm = struct.pack(">hIh", 1, samples.size, 16) + struct.pack(">HQ", exponent, mantissa)
    ssnd = struct.pack(">II", 0, 0) + samples.astype(">i2").tobytes()
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm + b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    return b"FORM" + struct.pack(">I", len(body)) + body


def test_engine_output_is_probed_wav_or_aiff_whatever_its_name():
    samples = (np.sin(np.arange(2205) / 5) * 8000).astype(np.int16)
    for data, kind in ((_wav(samples, 22050), "wav"), (_aiff(samples, 22050), "aiff")):
        assert probe_format(data) == kind
        decoded, rate, whole = read_pcm(data)
        assert (rate, whole) == (22050, True)
        assert np.array_equal(decoded, samples)
    truncated = _wav(samples, 22050)[:-1000]
    assert read_pcm(truncated)[2] is False  # an incomplete file is noticed, not taken for the whole
    with pytest.raises(BackendError, match="neither WAV nor AIFF"):
        read_pcm(b"ID3\x04" + bytes(40))


@pytest.fixture
def fake(monkeypatch, tmp_path):
    support.fake_env(monkeypatch, tmp_path)


def test_a_hung_worker_is_replaced_and_its_chunk_retried(fake):
    with WorkerPool("fake", 1, timeout=5) as pool:
        first = pool.submit(job("river hangonce bridge", "fake"))
        after = pool.submit(job("market winter", "fake", 1))
        assert first.result(20).duration > 0.3
        assert after.result(20).duration > 0.2


def test_a_dead_worker_is_replaced_and_its_chunk_retried(fake):
    with WorkerPool("fake", 1, timeout=10) as pool:
        assert pool.submit(job("river dieonce bridge", "fake")).result(20).duration > 0.3
        assert pool.submit(job("garden", "fake")).result(20).duration > 0.05


def test_a_chunk_that_keeps_failing_names_the_chunk_backend_and_cause(fake):
    with WorkerPool("fake", 1) as pool, pytest.raises(BackendError) as caught:
        pool.submit(job("the failalways text", "fake", 7)).result(20)
    error = caught.value
    assert "chunk 7" in str(error) and "fake" in str(error) and "refuses" in str(error)
    assert error.context["chunk"] == 7 and error.context["backend"] == "fake"
