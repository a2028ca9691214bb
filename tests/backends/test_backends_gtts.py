"""The gTTS backend against a faked Google endpoint.

There is no network here, so Google's HTTP is faked at the transport level
with ``responses`` (requests' adapter is replaced; everything above it, gTTS
building the request, our retries, timeouts and parsing, runs for real). The
fake serves real MP3 bytes made locally with lameenc, in the endpoint's
batchexecute response format; ffmpeg decodes them as it would Google's.
"""

from __future__ import annotations

import base64

import audio_support as support
import lameenc
import numpy as np
import pytest
import requests
import responses

from reader.backends import SpeechOptions, get_backend
from reader.errors import BackendError
from reader.render import RenderOptions, render
from reader.render.workers import InlinePool
from reader.store import open_store

URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
UK_URL = "https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute"


def tone_mp3(seconds: float = 1.0, rate: int = 24000) -> bytes:
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


@pytest.fixture
def gtts(monkeypatch):
    backend = get_backend("gtts")
    monkeypatch.setattr(backend, "backoff_seconds", 0.01)
    return backend


@responses.activate
def test_speaks_a_chunk_from_the_endpoint_and_decodes_it(gtts):
    responses.post(URL, body=endpoint_body(tone_mp3(1.0)))
    audio = gtts.synthesize("Hello from the fake endpoint.", SpeechOptions(lang="en"))
    assert audio.sample_rate == 24000
    assert 0.95 < audio.duration < 1.2
    request = responses.calls[0].request
    assert "Hello" in requests.utils.unquote(request.body)


@responses.activate
def test_a_429_is_retried_with_backoff_then_succeeds(gtts):
    responses.post(URL, status=429, headers={"Retry-After": "0"})
    responses.post(URL, body=endpoint_body(tone_mp3(0.5)))
    audio = gtts.synthesize("Rate limited once.", SpeechOptions())
    assert len(responses.calls) == 2
    assert 0.45 < audio.duration < 0.7


@responses.activate
def test_server_errors_are_retried_then_fail_clearly(gtts):
    responses.post(URL, status=503)
    with pytest.raises(BackendError, match="503") as caught:
        gtts.synthesize("Always failing.", SpeechOptions())
    assert len(responses.calls) == gtts.attempts
    assert "failing" in str(caught.value)


@responses.activate
def test_a_timeout_is_retried(gtts):
    responses.post(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    responses.post(URL, body=endpoint_body(tone_mp3(0.5)))
    assert gtts.synthesize("Slow once.", SpeechOptions()).duration > 0.4
    assert len(responses.calls) == 2


@responses.activate
def test_no_network_is_a_clear_error(gtts):
    responses.post(URL, body=requests.exceptions.ConnectionError("Name or service not known"))
    with pytest.raises(BackendError, match=r"cannot reach translate\.google\.com") as caught:
        gtts.synthesize("Offline.", SpeechOptions())
    assert "no network" in str(caught.value)


@responses.activate
def test_a_truncated_or_empty_answer_is_an_error_not_silence(gtts):
    responses.post(URL, body=")]}'\n\n[]")
    with pytest.raises(BackendError, match="without audio"):
        gtts.synthesize("Nothing back.", SpeechOptions())


@responses.activate
def test_accent_picks_the_regional_host_and_slow_speech_is_a_low_rate(gtts):
    responses.post(UK_URL, body=endpoint_body(tone_mp3(0.5)))
    gtts.synthesize("Cheerio.", SpeechOptions(voice="en@co.uk", rate=100))
    assert responses.calls[0].request.url.startswith("https://translate.google.co.uk/")
    assert gtts.identity(SpeechOptions(voice="en@co.uk", rate=100))["slow"] is True


@responses.activate
def test_an_article_renders_through_gtts_end_to_end(gtts, tmp_path):
    responses.post(URL, body=endpoint_body(tone_mp3(0.8)))
    article = support.make_article(paragraphs=2, sentences=2)
    result = render(article, RenderOptions(backend="gtts"), store=open_store(tmp_path), pool=InlinePool("gtts"))
    assert result.manifest.status == "complete"
    assert all(len(e.spoken) <= 100 for e in result.manifest.entries)
    assert len(responses.calls) == len(result.manifest.entries)
    assert result.manifest.duration > 0.8 * len(result.manifest.entries)
