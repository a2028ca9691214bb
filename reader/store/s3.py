"""The audio store in S3-compatible object storage, read through a small local cache.

``READER_CACHE_URL=s3://bucket/prefix`` selects it (see ``open_store``). The
bucket is the truth, shared by every web node and worker; the local
directory only keeps copies of what this machine has read or written, so a
chunk is fetched over the network once. Layout under the prefix, as on disk::

    chunks/ab/cd/<key>.mp3           chunk audio; its sidecar is the object's metadata
    chunks/ab/cd/<key>.words.json    when each of its words starts (backends that say)
    articles/<id>/manifest.json      read fresh every time (it changes while rendering)
    articles/<id>/progress.json
    articles/<id>/<revision>.mp3     the assembled article

Atomicity: an S3 PUT (and a multipart upload, at its completion) publishes a
whole object or nothing, so no reader ever sees a partial one. A chunk and
its sidecar are one object (audio body, counts in metadata), so they cannot
disagree; the chunk is put with ``If-None-Match: *`` so the first writer
wins, as with ``os.link`` on disk. The assembled file is uploaded before the
manifest that names it, so a complete manifest always points at a whole file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reader.errors import CacheError, InputError
from reader.store.claims import Claim
from reader.store.files import BLOCK, read_file_range
from reader.store.keys import ChunkInfo, article_object, chunk_object, split_object
from reader.store.local import LocalStore
from reader.store.manifest import Manifest, Progress, stored_or_missing
from reader.store.s3_client import (
    LOOKUP_THREADS,
    BucketObjects,
    RecentReads,
    chunk_meta,
    make_client,
    parse_s3_url,
    reason,
    s3_missing,
)

__all__ = ["S3Store", "parse_s3_url"]

log = logging.getLogger(__name__)

PRESIGN_SECONDS = 300  # how long a presigned audio URL stays valid
READ_TTL = 0.25  # seconds a manifest or progress read is reused (live streams poll them many times a second)


_IMMUTABLE = ("chunks/", "feed/")  # names whose bytes never change: a local copy of them is good forever


class S3Store:
    """The store in a bucket, with a ``LocalStore`` of what this machine has read or written (``mirror``).

    A sibling of ``LocalStore``, not a kind of it: both implement ``reader.store.protocol.Store``.
    Claims and temp files are this machine's business and live in the mirror."""

    def __init__(self, bucket: str, prefix: str, local_dir: Path, *, endpoint_url: str | None = None) -> None:
        self.mirror = LocalStore(local_dir)
        from botocore.exceptions import BotoCoreError, ClientError

        self._errors = (BotoCoreError, ClientError)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.client = make_client(endpoint_url)
        self._published: set[str] = set()  # assembled files this process has uploaded
        self._objects = objects = BucketObjects(self.client, bucket, self._errors)
        self._get, self._put, self._delete, self._list = objects.get, objects.put, objects.delete, objects.list
        self._recent = RecentReads(objects, READ_TTL)
        self._get_recent, self._put_recent = self._recent.get, self._recent.put
        try:
            self.client.head_bucket(Bucket=bucket)
        except self._errors as error:
            raise CacheError(f"cannot use bucket {bucket!r}{self._where()}: {reason(error)}") from error

    @classmethod
    def from_url(cls, url: str, local_dir: Path) -> S3Store:
        """The store at ``s3://bucket/prefix``; the endpoint from ``READER_S3_ENDPOINT_URL`` or AWS settings."""
        bucket, prefix = parse_s3_url(url)
        endpoint = os.environ.get("READER_S3_ENDPOINT_URL") or None  # else boto3 reads AWS_ENDPOINT_URL(_S3)
        return cls(bucket, prefix, local_dir, endpoint_url=endpoint)

    def __repr__(self) -> str:
        return f"S3Store(s3://{self.bucket}/{self.prefix}{self._where()}, local={self.root})"

    def _where(self) -> str:
        return f" at {self.endpoint_url}" if self.endpoint_url else ""

    @property
    def root(self) -> Path:
        """The local copy's directory."""
        return self.mirror.root

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def object_key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def _chunk_object(self, key: str) -> str:
        return self.object_key(chunk_object(key))

    def _article_object(self, article_id: str, name: str) -> str:
        if not name:  # the article's "directory": a prefix to list
            return self.object_key(article_object(article_id, "x")[:-1])
        return self.object_key(article_object(article_id, name))

    # Chunks: immutable, so a local copy is good forever.

    def chunk_info(self, key: str) -> ChunkInfo | None:
        info = self.mirror.chunk_info(key)
        return info if info is not None else self._head_chunk(key)

    def chunk_infos(self, keys: Sequence[str]) -> list[ChunkInfo | None]:
        """``chunk_info`` of many keys: the local copy first, then the bucket, with the HEADs in parallel
        (a 5,000-word article has some 250 chunks, and one round trip each would delay its first sound)."""
        infos = [self.mirror.chunk_info(key) for key in keys]
        missing = [index for index, info in enumerate(infos) if info is None]
        if missing:
            with ThreadPoolExecutor(max_workers=min(LOOKUP_THREADS, len(missing))) as pool:
                for index, info in zip(missing, pool.map(self._head_chunk, [keys[i] for i in missing]), strict=True):
                    infos[index] = info
        return infos

    def _head_chunk(self, key: str) -> ChunkInfo | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._chunk_object(key))
        except self._errors as error:
            if s3_missing(error):
                return None
            raise CacheError(f"could not look up chunk {key}: {reason(error)}", key=key) from error
        return chunk_meta(key, head.get("Metadata") or {}, head.get("ContentLength"))

    def read_chunk(self, key: str) -> bytes | None:
        data = self.mirror.read_chunk(key)
        if data is not None:
            return data
        found = self._get(self._chunk_object(key))
        if found is None:
            return None
        data, meta = found
        info = chunk_meta(key, meta, len(data))
        if info is None or hashlib.sha256(data).hexdigest() != info.sha256:
            log.warning("chunk %s in the bucket does not match its metadata; treating it as missing", key)
            return None
        self.mirror.put_chunk(key, data, frames=info.frames, samples=info.samples, sample_rate=info.sample_rate)
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
        """Publish a chunk (first writer wins) and keep a local copy of whichever audio won."""
        meta = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "frames": str(frames),
            "samples": str(samples),
            "sample-rate": str(sample_rate),
        }
        if self._put(self._chunk_object(key), data, "audio/mpeg", Metadata=meta, IfNoneMatch="*"):
            log.info("stored chunk %s (%d bytes)", key, len(data))
        else:
            log.info("chunk %s was already stored by another writer; keeping theirs", key)
            found = self._get(self._chunk_object(key))
            theirs = chunk_meta(key, found[1], len(found[0])) if found else None
            if found is not None and theirs is not None:
                data, frames, samples = found[0], theirs.frames, theirs.samples
        return self.mirror.put_chunk(
            key, data, frames=frames, samples=samples, sample_rate=sample_rate, count_frames=count_frames
        )

    def put_words(self, key: str, data: bytes) -> None:
        """Publish a chunk's word times beside its audio (first writer wins); keep a copy of the winner's."""
        name = self._chunk_object(key)[:-4] + ".words.json"
        found = None if self._put(name, data, "application/json", IfNoneMatch="*") else self._get(name)
        self.mirror.put_words(key, found[0] if found else data)

    def read_words(self, key: str) -> bytes | None:
        local = self.mirror.read_words(key)
        found = self._get(self._chunk_object(key)[:-4] + ".words.json") if local is None else None
        if found is not None:
            self.mirror.put_words(key, found[0])
        return found[0] if found is not None else local

    def discard_chunk(self, key: str) -> None:
        self.mirror.discard_chunk(key)
        self._delete(self._chunk_object(key))
        self._delete(self._chunk_object(key)[:-4] + ".words.json")

    def iter_chunks(self) -> Iterator[tuple[str, int, float]]:
        """(key, bytes with its word times, last written) of every chunk in the bucket (one listing)."""
        chunks: dict[str, list[float]] = {}
        for item in self._list(self.object_key("chunks") + "/"):
            key, _, kind = item.get("Key", "").rsplit("/", 1)[-1].partition(".")
            if kind in ("mp3", "words.json"):
                found = chunks.setdefault(key, [0, 0.0, 0])
                found[0] += int(item["Size"])
                found[2] += kind == "mp3"
                if kind == "mp3":
                    found[1] = item["LastModified"].timestamp()
        for key, (size, written, audio) in chunks.items():
            if audio:  # word times without audio (a put the audio never followed) are not a chunk
                yield key, int(size), written

    # Articles: manifests and progress are read from the bucket every time.

    def read_manifest(self, article_id: str) -> Manifest | None:
        data = self._get_recent(self._article_object(article_id, "manifest.json"))
        return stored_or_missing(Manifest.from_json, data, f"manifest of {article_id}")

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the manifest; a complete one's audio file is uploaded first, so it never names a missing file."""
        audio = self._article_object(manifest.article_id, manifest.audio) if manifest.audio else None
        if manifest.status == "complete" and audio is not None and audio not in self._published:
            self._publish_audio(manifest.article_id, manifest.audio)
        self._put_recent(self._article_object(manifest.article_id, "manifest.json"), manifest.to_json().encode())
        if manifest.status == "complete" and manifest.audio:
            for item in self._list(self._article_object(manifest.article_id, "")):
                name = item.get("Key", "")
                if name.endswith(".mp3") and not name.endswith("/" + manifest.audio):
                    self._delete(name)  # an earlier revision's file: nothing points at it any more

    def _publish_audio(self, article_id: str, name: str) -> None:
        path = self.mirror.article_dir(article_id) / name
        target = self._article_object(article_id, name)
        try:
            # upload_file switches to a multipart upload for large files; the object appears only when complete.
            self.client.upload_file(str(path), self.bucket, target, ExtraArgs={"ContentType": "audio/mpeg"})
        except FileNotFoundError as error:
            raise CacheError(f"assembled audio {path} is missing; cannot publish it") from error
        except self._errors as error:
            raise CacheError(f"could not upload {target}: {reason(error)}") from error
        self._published.add(target)
        log.info("published %s to s3://%s/%s", path.name, self.bucket, target)

    def put_audio(self, article_id: str, revision: str, make: Callable[[Path], object]) -> str:
        """Make the assembled MP3 in the local copy and upload it (before any manifest names it)."""
        name = self.mirror.put_audio(article_id, revision, make)
        self._publish_audio(article_id, name)
        return name

    def read_progress(self, article_id: str) -> Progress | None:
        data = self._get_recent(self._article_object(article_id, "progress.json"))
        return stored_or_missing(Progress.from_json, data, f"progress of {article_id}")

    def write_progress(self, progress: Progress) -> None:
        self._put_recent(self._article_object(progress.article_id, "progress.json"), progress.to_json().encode())

    def assembled_path(self, article_id: str) -> Path | None:
        """The complete article's MP3 as a local file, downloaded into the local copy on first use."""
        manifest = self.read_manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        path = self.mirror.article_dir(article_id) / manifest.audio
        if path.exists():
            return path
        found = self._objects.download(self._article_object(article_id, manifest.audio), path)
        return path if found else None

    def audio_url(self, article_id: str, expires: int = PRESIGN_SECONDS, *, filename: str | None = None) -> str | None:
        """A presigned URL of the complete article's MP3, or None (``presigned_url`` of its object)."""
        manifest = self.read_manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        return self.presigned_url(article_object(article_id, manifest.audio), expires, filename=filename)

    def presigned_url(self, name: str, expires: int = PRESIGN_SECONDS, *, filename: str | None = None) -> str | None:
        """A short-lived presigned GET URL of an object (the bucket answers Range itself).

        ``filename`` makes it a download (``Content-Disposition: attachment``)."""
        split_object(name)
        params = {"Bucket": self.bucket, "Key": self.object_key(name)}
        if name.endswith(".mp3"):
            params["ResponseContentType"] = "audio/mpeg"
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)

    def iter_manifests(self) -> Iterator[Manifest]:
        for item in self._list(self.object_key("articles") + "/", delimiter="/"):
            article_id = item.get("Prefix", "").rstrip("/").rsplit("/", 1)[-1]
            if not article_id:
                continue
            try:
                manifest = self.read_manifest(article_id)
            except (CacheError, InputError) as error:
                log.warning("skipping %s: %s", article_id, error)
                continue
            if manifest is not None:
                yield manifest

    def delete_article(self, article_id: str) -> bool:
        names = [item["Key"] for item in self._list(self._article_object(article_id, "")) if "Key" in item]
        for name in names:
            self._delete(name)
        self._recent.clear()
        local = self.mirror.delete_article(article_id)
        return bool(names) or local

    # Objects by name: bytes, ranges, listings and the local copy as a capability.

    def get(self, name: str) -> bytes | None:
        split_object(name)
        if name.startswith(_IMMUTABLE):
            data = self.mirror.get(name)
            if data is not None:
                return data
        return self._get_recent(self.object_key(name))

    def put(self, name: str, data: bytes, *, kind: str = "record") -> None:
        split_object(name)
        content_type = "application/json" if name.endswith(".json") else "application/octet-stream"
        self._put_recent(self.object_key(name), data, content_type)
        if name.startswith(_IMMUTABLE):
            self.mirror.put(name, data, kind=kind)

    def _immutable_copy(self, name: str) -> Path | None:
        immutable = name.startswith(_IMMUTABLE) or (name.startswith("articles/") and name.endswith(".mp3"))
        return self.mirror.local_path(name) if immutable else None

    def size(self, name: str) -> int | None:
        split_object(name)
        copy = self._immutable_copy(name)
        if copy is not None:
            return copy.stat().st_size
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self.object_key(name))["ContentLength"])
        except self._errors as error:
            if s3_missing(error):
                return None
            raise CacheError(
                f"could not look up s3://{self.bucket}/{self.object_key(name)}: {reason(error)}"
            ) from error

    def read_range(self, name: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive) of an object: from the local copy when there is one,
        else one ranged GET streamed in blocks (never the whole object in memory)."""
        copy = self._immutable_copy(name)
        if copy is not None:
            return read_file_range(copy, start, end, name=name)
        span = f"bytes={start}-{'' if end is None else end}"
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(name), Range=span)
        except self._errors as error:
            raise CacheError(f"could not read s3://{self.bucket}/{self.object_key(name)}: {reason(error)}") from error
        return response["Body"].iter_chunks(BLOCK)

    def list_objects(self, prefix: str) -> Iterator[tuple[str, int, float]]:
        """(name, bytes, last modified) of every object in the bucket whose name starts with ``prefix``."""
        base = f"{self.prefix}/" if self.prefix else ""
        for item in self._list(base + prefix):
            if "Key" in item:
                yield item["Key"][len(base) :], int(item["Size"]), item["LastModified"].timestamp()

    def local_path(self, name: str) -> Path | None:
        """The local copy of an object whose bytes never change (chunks, assembled audio), when this
        machine has one; None otherwise (manifests and records are read from the bucket)."""
        split_object(name)
        return self._immutable_copy(name)

    # This machine's business: claims, leftovers, recency.

    def has_chunk(self, key: str) -> bool:
        return self.chunk_info(key) is not None

    def touch_chunk(self, key: str) -> None:
        self.mirror.touch_chunk(key)

    def claim(self, article_id: str) -> Claim:
        return self.mirror.claim(article_id)

    def claim_held(self, article_id: str) -> bool:
        return self.mirror.claim_held(article_id)

    def claim_holder(self, article_id: str) -> dict | None:
        return self.mirror.claim_holder(article_id)

    def sweep_temp_files(
        self, keys: list[str] | None = None, *, older_than: float = 300.0, articles: tuple[str, ...] = ()
    ) -> int:
        return self.mirror.sweep_temp_files(keys, older_than=older_than, articles=articles)
