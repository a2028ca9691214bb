"""The content-addressed audio store: chunk MP3s by key, article manifests, progress, assembled files.

Layout under the root (``READER_CACHE_DIR``, default ``./audio_cache``)::

    chunks/ab/cd/<key>.mp3     chunk audio, house format, no tag frames
    chunks/ab/cd/<key>.json    its size, sha256, frames and samples (verified on read)
    chunks/ab/cd/<key>.words.json   when each of its words starts, where its backend says (``put_words``)
    articles/<id>/manifest.json, progress.json, <revision>.mp3, render.lock

Every write is a temp file in the same directory, then a rename, so a
partial file never appears under its final name. Chunk audio is published
first-writer-wins (``os.link``): when several processes render the same chunk
at once, exactly one file wins and every writer describes that file, so the
audio and its sidecar always agree. A chunk whose bytes do not match its
sidecar is treated as missing (and re-rendered), never served. ``Store`` is
the interface both this store and the S3 store implement (``reader.store.protocol``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reader.errors import CacheError
from reader.store.claims import Claim, claim_owner
from reader.store.files import read_file_range, remove_directory, remove_leftovers
from reader.store.keys import (
    ARTICLE_ID,
    ChunkInfo,
    audio_name,
    check_article_id,
    check_key,
    split_object,
)
from reader.store.manifest import Manifest, Progress, stored_or_missing
from reader.store.protocol import Store
from reader.store.writes import (
    atomic_write,
    durable,
    fsync_mode,
    make_directories,
    put_if_absent,
    storage_error,
    temp_prefix,
)

__all__ = [
    "ChunkInfo",
    "LocalStore",
    "Store",
    "atomic_write",
    "check_article_id",
    "check_key",
    "default_cache_dir",
    "storage_error",
    "temp_prefix",
]

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    return Path(os.environ.get("READER_CACHE_DIR") or "audio_cache")


class LocalStore:
    """The cache on local disk. Safe for several processes at once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._shards: set[Path] = set()  # shard directories known to exist
        fsync_mode()  # a bad READER_FSYNC is one clear error when the store opens, not at the first write
        try:
            (self.root / "chunks").mkdir(parents=True, exist_ok=True)
            (self.root / "articles").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CacheError(f"cannot use cache directory {self.root}: {error.strerror}", path=str(root)) from error

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    @property
    def location(self) -> str:
        return str(self.root)

    # Objects by name: the protocol's bytes, ranges and capabilities

    def _file(self, name: str) -> Path:
        return self.root.joinpath(*split_object(name))

    def get(self, name: str) -> bytes | None:
        """An object's bytes, or None when it does not exist."""
        try:
            return self._file(name).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as error:
            raise CacheError(f"could not read {name} in {self.root}: {error.strerror}") from error

    def put(self, name: str, data: bytes, *, kind: str = "record") -> None:
        """Write an object whole (``kind`` says how durable: see ``atomic_write``)."""
        atomic_write(self._file(name), data, kind=kind)

    def size(self, name: str) -> int | None:
        try:
            path = self._file(name)
            return path.stat().st_size if path.is_file() else None
        except OSError:
            return None

    def read_range(self, name: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive; None: to the end) of an object, in blocks."""
        return read_file_range(self._file(name), start, end, name=name)

    def list_objects(self, prefix: str) -> Iterator[tuple[str, int, float]]:
        """(name, bytes, last modified) of every object whose name starts with ``prefix``."""
        for path in sorted(self.root.rglob("*")):
            if path.name.startswith(".") or not path.is_file():
                continue
            name = path.relative_to(self.root).as_posix()
            if name.startswith(prefix):
                with contextlib.suppress(FileNotFoundError):
                    info = path.stat()
                    yield name, info.st_size, info.st_mtime

    def local_path(self, name: str) -> Path | None:
        """The object as a file on this machine (the local store has nothing else), or None when missing."""
        path = self._file(name)
        return path if path.is_file() else None

    def presigned_url(self, name: str, expires: int = 300, *, filename: str | None = None) -> str | None:
        """A local store has no URLs of its own: serve its files, or their bytes."""
        return None

    # Chunks

    def chunk_path(self, key: str) -> Path:
        """Where a chunk's MP3 lives (it may not exist): the web app serves it from here."""
        check_key(key)
        return self.root / "chunks" / key[:2] / key[2:4] / f"{key}.mp3"

    def chunk_info(self, key: str) -> ChunkInfo | None:
        """The chunk's sidecar, if both files exist and the audio has the recorded size."""
        path = self.chunk_path(key)
        try:
            meta = json.loads(path.with_suffix(".json").read_bytes())
            info = ChunkInfo(key=key, **{k: meta[k] for k in ("size", "sha256", "frames", "samples", "sample_rate")})
            if path.stat().st_size != info.size:
                log.warning("chunk %s has the wrong size; treating it as missing", key)
                return None
            return info
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("chunk %s sidecar unreadable (%s); treating it as missing", key, error)
            return None

    def chunk_infos(self, keys: Sequence[str]) -> list[ChunkInfo | None]:
        return [self.chunk_info(key) for key in keys]

    def has_chunk(self, key: str) -> bool:
        return self.chunk_info(key) is not None

    def read_chunk(self, key: str) -> bytes | None:
        """The chunk's MP3 bytes, verified against its checksum; None when missing or corrupt."""
        info = self.chunk_info(key)
        if info is None:
            return None
        try:
            data = self.chunk_path(key).read_bytes()
        except OSError:
            return None
        if len(data) != info.size or hashlib.sha256(data).hexdigest() != info.sha256:
            log.warning("chunk %s is corrupt; discarding it", key)
            self.discard_chunk(key)
            return None
        return data

    def put_chunk(
        self,
        key: str,
        data: bytes,
        *,
        frames: int,
        samples: int,
        sample_rate: int,
        count_frames: Callable[[bytes], int] | None = None,
    ) -> ChunkInfo:
        """Store a chunk; if another writer got there first, keep theirs and describe it.

        ``count_frames`` (the audio stage's MP3 frame counter) describes their audio: the store
        knows keys and bytes, not MP3. Without it theirs is taken to have our length (the same key
        is the same format, and a deterministic engine gives the same bytes).
        """
        path = self.chunk_path(key)
        sync = durable("chunk")
        try:
            if path.parent not in self._shards:
                make_directories(path.parent, sync=sync)
                self._shards.add(path.parent)
            if not put_if_absent(path, data, sync=sync, make_parents=False):  # first writer wins
                existing = path.read_bytes()
                if existing != data:
                    data = existing
                    frames, samples = (count_frames(existing) if count_frames else frames), -1
        except OSError as error:
            raise storage_error("store chunk", key, error, key=key) from error
        info = ChunkInfo(key, len(data), hashlib.sha256(data).hexdigest(), frames, samples, sample_rate)
        if samples < 0:  # a concurrent writer's audio won: take its sidecar when it has written one
            theirs = self.chunk_info(key)
            if theirs is not None and theirs.sha256 == info.sha256:
                return theirs
            info = ChunkInfo(key, info.size, info.sha256, frames, frames * _spf(sample_rate), sample_rate)
        meta = {
            "size": info.size,
            "sha256": info.sha256,
            "frames": info.frames,
            "samples": info.samples,
            "sample_rate": info.sample_rate,
            "stored": time.time(),
        }
        atomic_write(path.with_suffix(".json"), json.dumps(meta).encode(), kind="chunk")
        return info

    def sweep_temp_files(
        self, keys: list[str] | None = None, *, older_than: float = 300.0, articles: tuple[str, ...] = ()
    ) -> int:
        """Remove temp files a killed writer left (in the shards of ``keys`` and the directories of
        ``articles``, or everywhere when ``keys`` is None); returns the count.

        A temp file goes when its writer (named in it: host and pid) is gone from this host, or
        when it is older than ``older_than`` seconds; a claim a breaker left aside goes at once.
        """
        if keys is None:
            places = {p for p in self.root.rglob("*") if p.is_dir()} | {self.root}
        else:
            places = {self.chunk_path(k).parent for k in keys} | {self.article_dir(a) for a in articles}
        return remove_leftovers(places, older_than)

    def put_words(self, key: str, data: bytes) -> None:
        """Store a chunk's word times (``<key>.words.json`` beside its audio), first writer wins as for the
        audio: whole or not at all, never overwritten. The render puts them before the audio."""
        try:
            put_if_absent(self.chunk_path(key).with_suffix(".words.json"), data, sync=durable("chunk"))
        except OSError as error:
            raise storage_error("store word times", key, error, key=key) from error

    def read_words(self, key: str) -> bytes | None:
        """A chunk's word times as stored, or None: its backend gives none, or it was rendered before
        they were kept (the player then highlights its sentence only)."""
        try:
            return self.chunk_path(key).with_suffix(".words.json").read_bytes()
        except OSError:
            return None

    def discard_chunk(self, key: str) -> None:
        path = self.chunk_path(key)
        for victim in (path.with_suffix(".json"), path, path.with_suffix(".words.json")):
            try:
                victim.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                raise CacheError(f"could not remove {victim}: {error.strerror}") from error

    def touch_chunk(self, key: str) -> None:
        """Mark a chunk as used now (pruning drops the least recently used first)."""
        with contextlib.suppress(OSError):
            os.utime(self.chunk_path(key).with_suffix(".json"))

    def iter_chunks(self) -> Iterator[tuple[str, int, float]]:
        """(key, bytes on disk, last used) of every stored chunk."""
        for shard in sorted((self.root / "chunks").glob("??/??")):
            for entry in os.scandir(shard):
                if entry.name.endswith(".mp3") and not entry.name.startswith("."):
                    key = entry.name[:-4]
                    try:
                        size = entry.stat().st_size
                        meta = Path(shard, key + ".json").stat()
                        yield key, size + meta.st_size, meta.st_mtime
                    except FileNotFoundError:
                        yield key, entry.stat().st_size, 0.0

    # Articles

    def article_dir(self, article_id: str) -> Path:
        return self.root / "articles" / check_article_id(article_id)

    def read_manifest(self, article_id: str) -> Manifest | None:
        try:
            data = (self.article_dir(article_id) / "manifest.json").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CacheError(f"could not read manifest of {article_id}: {error.strerror}") from error
        return stored_or_missing(Manifest.from_json, data, f"manifest of {article_id}")

    def write_manifest(self, manifest: Manifest) -> None:
        kind = "progress" if manifest.status == "rendering" else "record"  # READER_FSYNC: the final one is a record
        path = self.article_dir(manifest.article_id) / "manifest.json"
        atomic_write(path, manifest.to_json().encode("utf-8"), kind=kind)
        if manifest.status == "complete" and manifest.audio:
            for old in path.parent.glob("*.mp3"):  # earlier revisions' files: the manifest no longer names them
                if old.name != manifest.audio and not old.name.startswith("."):
                    old.unlink(missing_ok=True)

    def read_progress(self, article_id: str) -> Progress | None:
        try:
            data = (self.article_dir(article_id) / "progress.json").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CacheError(f"could not read progress of {article_id}: {error.strerror}") from error
        return stored_or_missing(Progress.from_json, data, f"progress of {article_id}")

    def write_progress(self, progress: Progress) -> None:
        kind = "progress" if progress.status == "rendering" else "record"
        atomic_write(self.article_dir(progress.article_id) / "progress.json", progress.to_json().encode(), kind=kind)

    def audio_path(self, article_id: str, revision: str) -> Path:
        """Where the assembled MP3 of one revision of an article lives."""
        return self.article_dir(article_id) / audio_name(revision)

    def put_audio(self, article_id: str, revision: str, make: Callable[[Path], object]) -> str:
        """Keep the assembled MP3 of one revision: ``make(path)`` writes it (whole, atomically) where it
        belongs; returns its name for the manifest. Earlier revisions' files go with the complete manifest."""
        path = self.audio_path(article_id, revision)
        make(path)
        return path.name

    # Claims

    def claim(self, article_id: str) -> Claim:
        """The claim on rendering an article (try_acquire, then release)."""
        return Claim(self.article_dir(article_id) / "render.lock")

    def claim_held(self, article_id: str) -> bool:
        """Whether a claim exists (held, or left by a renderer that died: ``claim_owner`` tells)."""
        return (self.article_dir(article_id) / "render.lock").exists()

    def claim_holder(self, article_id: str) -> dict | None:
        return claim_owner(self.article_dir(article_id) / "render.lock")

    def assembled_path(self, article_id: str) -> Path | None:
        """The complete article's assembled MP3, or None while it is rendering or missing."""
        manifest = self.read_manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        path = self.article_dir(article_id) / manifest.audio
        return path if path.exists() else None

    def iter_manifests(self) -> Iterator[Manifest]:
        for directory in sorted((self.root / "articles").iterdir()):
            if directory.is_dir() and ARTICLE_ID.match(directory.name):
                try:
                    manifest = self.read_manifest(directory.name)
                except CacheError as error:
                    log.warning("skipping %s: %s", directory.name, error)
                    continue
                if manifest is not None:
                    yield manifest

    def delete_article(self, article_id: str) -> bool:
        """Remove an article's manifest and files; its chunks stay until pruned. True if it existed."""
        directory = self.article_dir(article_id)
        if not directory.exists():
            return False
        remove_directory(directory, f"article {article_id}")
        return True


def _spf(sample_rate: int) -> int:
    return 1152 if sample_rate >= 32000 else 576
