"""The default backend: the system's own voices through pyttsx3 (eSpeak NG on Linux).

pyttsx3 keeps one global engine per process, its run loop is not re-entrant
and can hang, it swallows errors, prints from its driver, and ``save_to_file``
writes WAV or AIFF whatever the name says. So this backend only synthesizes
in a render worker process's main thread (``reader.render.workers``: one engine per
process, a timeout per call, a hung or dead worker replaced and its chunk
retried), one short text per call, waits for ``finished-utterance`` *and* a
complete file, and probes what was written. Voice listing runs in a
short-lived child process for the same reason.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from reader.backends.base import Audio, SpeechOptions, Voice
from reader.backends.espeak_lib import default_espeak_voice
from reader.backends.wavfile import read_pcm
from reader.errors import BackendError, InputError

__all__ = ["Pyttsx3Backend"]

log = logging.getLogger(__name__)

FILE_WAIT_SECONDS = 10.0
TEMP_PREFIX = "reader-pyttsx3-"  # + the worker's pid: a killed worker's file is swept by the next one
SPEAK_ATTEMPTS = 3  # pyttsx3 occasionally loses an utterance (an empty file): speak it again


def _pyttsx3_version() -> str:
    try:
        return version("pyttsx3")
    except PackageNotFoundError as error:
        raise BackendError("pyttsx3 is not installed", backend="pyttsx3", remedy="pip install pyttsx3") from error


@lru_cache(maxsize=1)
def _engine_version() -> str:
    if sys.platform.startswith("linux"):
        from reader.backends.espeak_lib import espeak_version

        return f"espeak-ng {espeak_version()}"
    return f"{platform.system()} {platform.release()}"


def _list_voices_here() -> list[dict[str, Any]]:
    """Runs in a child process: the engine's voices as plain dicts."""
    import pyttsx3

    engine = pyttsx3.init()
    voices = []
    for voice in engine.getProperty("voices"):
        languages = [lang.decode() if isinstance(lang, bytes) else str(lang) for lang in (voice.languages or [])]
        voices.append(
            {"id": voice.id, "name": voice.name, "lang": languages[0] if languages else "", "gender": voice.gender}
        )
    return voices


def _sweep_killed_workers_files() -> None:
    """Remove the audio files of workers killed mid-chunk (their pid is in the name and gone)."""
    from reader.store import pid_alive

    for path in glob.glob(os.path.join(tempfile.gettempdir(), f"{TEMP_PREFIX}*.audio")):
        pid = os.path.basename(path)[len(TEMP_PREFIX) :].split("-")[0]
        try:
            if (pid.isdigit() and not pid_alive(int(pid))) or time.time() - os.path.getmtime(path) > 3600:
                os.unlink(path)  # a killed worker's, or one older than any chunk takes (named before pids)
        except OSError:
            pass


class Pyttsx3Backend:
    """Offline speech through pyttsx3; see the module docstring for how it is kept safe."""

    name = "pyttsx3"
    offline = True
    max_chars = 400  # one sentence-sized text per call: long calls slow down quadratically, then crash
    concurrency = 8

    def __init__(self) -> None:
        self._version = _pyttsx3_version()
        self._engine: Any = None
        self._finished = threading.Event()
        self._voice: str | None = None
        self._rate: int | None = None
        self._voices: tuple[Voice, ...] | None = None

    def voices(self) -> tuple[Voice, ...]:
        if self._voices is None:
            if sys.platform.startswith("linux"):
                from reader.backends.espeak_lib import voices_for

                self._voices = voices_for(self.name)
            else:
                code = (
                    "import json; from reader.backends.pyttsx3_backend import _list_voices_here as f; "
                    "print(json.dumps(f()))"
                )
                try:
                    out = subprocess.run(
                        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
                    ).stdout
                    rows = json.loads(out.strip().splitlines()[-1])
                except (OSError, subprocess.SubprocessError, ValueError, IndexError) as error:
                    raise BackendError(f"could not list pyttsx3 voices: {error}", backend=self.name) from error
                self._voices = tuple(Voice(backend=self.name, **row) for row in rows)
        return self._voices

    def check(self, options: SpeechOptions) -> None:
        if options.rate is not None and not 40 <= options.rate <= 600:
            raise InputError(f"rate must be 40-600 words per minute, not {options.rate}", backend=self.name)
        if options.voice is not None and options.voice not in {v.id for v in self.voices()}:
            raise InputError(f"pyttsx3 has no voice {options.voice!r} (see `reader voices`)", backend=self.name)

    def _default_voice(self, options: SpeechOptions) -> str | None:
        if options.voice or not sys.platform.startswith("linux"):
            return options.voice
        return default_espeak_voice(options.lang, [v.id for v in self.voices()])

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        return {
            "backend": self.name,
            "pyttsx3": self._version,
            "engine": _engine_version(),
            "voice": self._default_voice(options),
            "rate": options.rate or 200,
        }

    def _init_engine(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            raise BackendError(
                "pyttsx3 synthesizes only in a worker process's main thread (its run loop is not re-entrant)",
                backend=self.name,
            )
        import pyttsx3

        try:
            engine = pyttsx3.init()
        except Exception as error:  # pyttsx3 raises bare RuntimeErrors and OSErrors from its drivers
            raise BackendError(f"pyttsx3 could not start its engine: {error}", backend=self.name) from error
        engine.connect("finished-utterance", lambda name, completed: self._finished.set())
        _sweep_killed_workers_files()
        return engine

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        if len(text) > self.max_chars:
            raise BackendError(f"text of {len(text)} characters is over pyttsx3's {self.max_chars}", backend=self.name)
        if self._engine is None:
            self._engine = self._init_engine()
        engine = self._engine
        voice = self._default_voice(options)
        rate = options.rate or 200
        if (voice and voice != self._voice) or rate != self._rate:
            if voice:
                self._set(engine, "voice", self._engine_voice(voice))
            self._set(engine, "rate", rate)
            self._voice, self._rate = voice, rate
        failure: BackendError | None = None
        for attempt in range(1, SPEAK_ATTEMPTS + 1):
            try:
                return self._speak_once(engine, text)
            except BackendError as error:  # an empty or missing file: the engine lost this utterance
                failure = error
                log.info("pyttsx3 attempt %d for %r failed: %s", attempt, text[:40], error.message)
        raise BackendError(
            f"pyttsx3 lost the utterance {SPEAK_ATTEMPTS} times: {failure.message if failure else ''}",
            backend=self.name,
            text=text,
            cause=failure.cause if failure else None,
        ) from failure

    def _speak_once(self, engine: Any, text: str) -> Audio:
        handle, path = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".audio")
        os.close(handle)
        os.unlink(path)  # the engine creates it; its appearance is part of how we know it finished
        try:
            self._finished.clear()
            engine.save_to_file(text, path)
            engine.runAndWait()
            return self._collect(path, text)
        finally:
            if os.path.exists(path):
                os.unlink(path)

    @staticmethod
    def _engine_voice(voice: str) -> str:
        """What the engine is told: on Linux the eSpeak NG voice file, which it always accepts."""
        if sys.platform.startswith("linux"):
            from reader.backends.espeak_lib import espeak_file

            return espeak_file(voice)
        return voice

    @staticmethod
    def _set(engine: Any, name: str, value: object) -> None:
        """Apply a property now.

        ``engine.setProperty`` only queues the change for the next run loop, and with eSpeak NG
        here the next utterance was often spoken before it applied (measured: a rate change lost
        in about half the runs). The driver's own ``setProperty`` applies it at once; with eSpeak
        NG its command queue is then drained, since a queued voice change resets the rate.
        """
        driver = getattr(getattr(engine, "proxy", None), "_driver", None)
        try:
            if driver is not None and hasattr(driver, "setProperty"):
                driver.setProperty(name, value)
                espeak = sys.modules.get("pyttsx3.drivers._espeak")
                if espeak is not None:
                    # eSpeak NG queues a voice change and applies it later, resetting the rate:
                    # wait for its queue so the next setting lands after it.
                    espeak.Synchronize()
            else:
                engine.setProperty(name, value)
                engine.runAndWait()
        except (ValueError, KeyError, RuntimeError) as error:
            raise BackendError(f"pyttsx3 refused {name}={value!r}: {error}", backend="pyttsx3") from error

    def _collect(self, path: str, text: str) -> Audio:
        """Wait for finished-utterance and a whole file, then read whatever format it is."""
        deadline = time.monotonic() + FILE_WAIT_SECONDS
        while True:
            if self._finished.is_set() and os.path.exists(path):
                with open(path, "rb") as handle:
                    data = handle.read()
                if len(data) >= 12:
                    samples, rate, whole = read_pcm(data)
                    if whole:
                        if samples.size == 0:
                            raise BackendError("pyttsx3 wrote no audio", backend=self.name, text=text)
                        return Audio(samples=samples, sample_rate=rate)
            if time.monotonic() > deadline:
                raise BackendError(
                    "pyttsx3 finished without writing a complete audio file",
                    backend=self.name,
                    text=text,
                    cause="the engine's run loop returned early or failed silently",
                )
            time.sleep(0.005)
