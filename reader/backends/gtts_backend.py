"""Online speech from Google Translate's text-to-speech endpoint, through gTTS.

gTTS builds the requests (language, accent ``tld``, slow speech, its
100-character limit); this module sends them itself, because gTTS waits
forever by default and turns TLS verification off. Here: TLS verified,
explicit connect/read timeouts, and retries with exponential backoff and
jitter on 429 and 5xx (honouring ``Retry-After``), and on an MP3 whose frames
do not run whole to its end (a cut connection: ffmpeg would decode what came
and the chunk would silently lose its last words). No network gives a clear
BackendError. The MP3 that comes back is decoded whole by ffmpeg to PCM; the
house encode happens after, like every backend. The endpoint is unofficial:
it may change or rate-limit without notice.

Voice ids are ``<lang>`` or ``<lang>@<tld>`` (``en@co.uk`` is a British accent).
A rate under 130 words per minute selects gTTS's slow speech.
"""

from __future__ import annotations

import base64
import logging
import os
import random
import re
import time
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

from reader.backends.base import Audio, SpeechOptions, Voice
from reader.errors import BackendError, InputError

__all__ = ["GttsBackend"]

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000  # what the endpoint returns; decoded at this rate, resampled by the house encode
SLOW_BELOW_WPM = 130
_AUDIO = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')
ACCENTS: dict[str, tuple[str, ...]] = {
    "en": ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za"),
    "fr": ("fr", "ca"),
    "pt": ("com.br", "pt"),
    "es": ("es", "com.mx"),
    "zh-CN": ("com",),
}


def mp3_problem(data: bytes) -> str | None:
    """Why ``data`` is not a whole MP3 (a frame cut short, bytes that are not frames), or None.

    ID3 tags at either end are allowed; everything between must be back-to-back whole frames.
    """
    from reader.audio import iter_frames
    from reader.errors import AudioError

    body = memoryview(data)
    if body[:3] == b"ID3" and len(body) >= 10:
        size = (body[6] << 21) | (body[7] << 14) | (body[8] << 7) | body[9]
        body = body[10 + size + (10 if body[5] & 0x10 else 0) :]
    if len(body) >= 128 and body[-128:-125] == b"TAG":
        body = body[:-128]
    if not body:
        return "no MP3 frames"
    try:
        for _ in iter_frames(body):
            pass
    except AudioError as error:
        return error.message
    return None


def _retry_after(response: Any) -> float | None:
    try:
        return min(30.0, float(response.headers.get("Retry-After", "")))
    except (TypeError, ValueError):
        return None


class GttsBackend:
    """gTTS with timeouts, retries and a verified TLS connection."""

    name = "gtts"
    offline = False
    max_chars = 100
    concurrency = 2  # be gentle with an unofficial endpoint
    attempts = 4
    backoff_seconds = 0.5  # first retry waits about this long, then twice as long each time

    def __init__(self) -> None:
        try:
            import gtts  # noqa: F401
            import requests  # noqa: F401
        except ImportError as error:
            raise BackendError("gTTS is not installed", backend=self.name, remedy="pip install gTTS") from error
        self._version = version("gTTS")
        connect, _, read = os.environ.get("READER_GTTS_TIMEOUT", "5,20").partition(",")
        self.timeout = (float(connect), float(read or connect))
        self._session: Any = None

    def voices(self) -> tuple[Voice, ...]:
        from gtts.lang import tts_langs

        voices = []
        for lang, name in sorted(tts_langs().items()):
            voices.append(Voice(id=lang, name=name, lang=lang.lower(), backend=self.name))
            for tld in ACCENTS.get(lang, ())[1:]:
                voices.append(Voice(id=f"{lang}@{tld}", name=f"{name} ({tld})", lang=lang.lower(), backend=self.name))
        return tuple(voices)

    def _parse(self, options: SpeechOptions) -> tuple[str, str, bool]:
        from gtts.lang import tts_langs

        if options.voice:
            lang, _, tld = options.voice.partition("@")
        else:
            lang, tld = options.lang or "en", ""
        known = tts_langs()
        if lang not in known:
            base = lang.split("-")[0].lower()
            if base not in known:
                raise InputError(
                    f"gTTS does not speak {lang!r} (see `reader voices --backend gtts`)", backend=self.name
                )
            lang = base
        tld = tld or ACCENTS.get(lang, ("com",))[0]
        slow = options.rate is not None and options.rate < SLOW_BELOW_WPM
        return lang, tld, slow

    def check(self, options: SpeechOptions) -> None:
        self._parse(options)

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        lang, tld, slow = self._parse(options)
        return {"backend": self.name, "gtts": self._version, "lang": lang, "tld": tld, "slow": slow}

    def fetch_mp3(self, text: str, options: SpeechOptions) -> bytes:
        """The endpoint's MP3 for one chunk of at most 100 characters."""
        import requests
        from gtts import gTTS

        lang, tld, slow = self._parse(options)
        try:
            prepared = gTTS(text, lang=lang, tld=tld, slow=slow, lang_check=False)._prepare_requests()
        except (AttributeError, ValueError, AssertionError) as error:
            raise BackendError(f"gTTS could not prepare the request: {error}", backend=self.name) from error
        if self._session is None:
            self._session = requests.Session()
        pieces = [self._send(request, tld) for request in prepared]
        return b"".join(pieces)

    def _send(self, request: Any, tld: str) -> bytes:
        import requests

        host = f"translate.google.{tld}"
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff_seconds * 2 ** (attempt - 1)
            wait += random.uniform(0, wait)
            try:
                response = self._session.send(request, timeout=self.timeout, verify=True)
            except requests.exceptions.Timeout as error:
                if attempt == self.attempts:
                    raise BackendError(
                        f"{host} did not answer within {self.timeout[1]:.0f} s",
                        backend=self.name,
                        cause="the endpoint is slow or blocked",
                    ) from error
                log.info("gTTS timed out (attempt %d); retrying in %.1f s", attempt, wait)
            except requests.exceptions.ConnectionError as error:
                if attempt >= 2:
                    raise BackendError(
                        f"cannot reach {host}",
                        backend=self.name,
                        cause="no network connection, or a firewall or proxy blocks it",
                    ) from error
                log.info("gTTS connection failed (attempt %d); retrying in %.1f s", attempt, wait)
            except requests.exceptions.RequestException as error:
                raise BackendError(f"request to {host} failed: {error}", backend=self.name) from error
            else:
                status = response.status_code
                if status == 200:
                    data = self._audio(response.text, host)
                    problem = mp3_problem(data)
                    if problem is None:
                        return data
                    if attempt == self.attempts:
                        raise BackendError(
                            f"{host} sent a truncated or corrupt MP3 {attempt} times ({problem})",
                            backend=self.name,
                            cause="the connection was cut, or the endpoint failed mid-answer",
                        )
                    log.info("gTTS sent a broken MP3 (attempt %d: %s); retrying in %.1f s", attempt, problem, wait)
                elif status != 429 and status < 500:
                    cause = "bad token or an upstream API change" if status == 403 else None
                    raise BackendError(f"{host} answered {status} {response.reason}", backend=self.name, cause=cause)
                elif attempt == self.attempts:
                    cause = "rate-limited: wait and try again later" if status == 429 else "the endpoint is failing"
                    raise BackendError(
                        f"{host} answered {status} {response.reason} {attempt} times", backend=self.name, cause=cause
                    )
                else:
                    wait = max(wait, _retry_after(response) or 0.0)
                    log.info("gTTS answered %d (attempt %d); retrying in %.1f s", status, attempt, wait)
            time.sleep(wait)
        raise BackendError(f"{host} failed", backend=self.name)  # not reached: the loop returns or raises

    def _audio(self, body: str, host: str) -> bytes:
        found = _AUDIO.findall(body)
        if not found:
            raise BackendError(
                f"{host} answered without audio",
                backend=self.name,
                cause="unsupported language or an upstream API change",
            )
        try:
            return b"".join(base64.b64decode(piece) for piece in found)
        except ValueError as error:
            raise BackendError(f"{host} sent undecodable audio: {error}", backend=self.name) from error

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        from reader.audio import decode_to_pcm
        from reader.errors import AudioError

        data = self.fetch_mp3(text, options)
        try:
            samples = decode_to_pcm(data, SAMPLE_RATE)
        except AudioError as error:
            raise BackendError(
                f"gTTS sent audio ffmpeg cannot decode: {error.message}",
                backend=self.name,
                cause="a truncated or corrupt response",
            ) from error
        return Audio(samples=samples, sample_rate=SAMPLE_RATE)
