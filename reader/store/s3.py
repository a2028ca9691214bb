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

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from reader.errors import CacheError, InputError
from reader.store.local import ChunkInfo, LocalStore, check_article_id, check_key
from reader.store.manifest import Manifest, Progress, stored_or_missing

__all__ = ["S3Store", "parse_s3_url"]

log = logging.getLogger(__name__)

PRESIGN_SECONDS = 300  # how long a presigned audio URL stays valid
LOOKUP_THREADS = 16  # parallel HEADs when a render checks which of its chunks exist
READ_TTL = 0.25  # seconds a manifest or progress read is reused (live streams poll them many times a second)


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix without slashes) of ``s3://bucket/prefix``."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise InputError(f"READER_CACHE_URL must look like s3://bucket/prefix, not {url!r}")
    return parsed.netloc, parsed.path.strip("/")


def _client(endpoint_url: str | None) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError as error:  # pragma: no cover - boto3 is a dependency
        raise CacheError("the S3 store needs boto3: pip install 'article-reader-tts[scale]'") from error
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=LOOKUP_THREADS + 8,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


class S3Store(LocalStore):
    """The store in a bucket; ``LocalStore`` methods work on the local read-through copy."""

    def __init__(self, bucket: str, prefix: str, local_dir: Path, *, endpoint_url: str | None = None) -> None:
        super().__init__(local_dir)
        from botocore.exceptions import BotoCoreError, ClientError

        self._errors = (BotoCoreError, ClientError)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.client = _client(endpoint_url)
        self._recent: dict[str, tuple[float, bytes | None]] = {}
        self._recent_lock = threading.Lock()
        try:
            self.client.head_bucket(Bucket=bucket)
        except self._errors as error:
            raise CacheError(f"cannot use bucket {bucket!r}{self._where()}: {_reason(error)}") from error

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

    def object_key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def _chunk_object(self, key: str) -> str:
        check_key(key)
        return self.object_key("chunks", key[:2], key[2:4], f"{key}.mp3")

    def _article_object(self, article_id: str, name: str) -> str:
        return self.object_key("articles", check_article_id(article_id), name)

    # Low-level object access: None for a missing object, CacheError for anything else.

    def _get(self, name: str) -> tuple[bytes, dict[str, str]] | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
            return response["Body"].read(), response.get("Metadata") or {}
        except self._errors as error:
            if _missing(error):
                return None
            raise CacheError(f"could not read s3://{self.bucket}/{name}: {_reason(error)}") from error

    def _put(self, name: str, data: bytes, content_type: str, **extra: Any) -> bool:
        """Publish an object; False when ``IfNoneMatch`` found one already there."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type, **extra)
            return True
        except self._errors as error:
            if _code(error) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise CacheError(f"could not write s3://{self.bucket}/{name}: {_reason(error)}") from error

    def _delete(self, name: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except self._errors as error:
            raise CacheError(f"could not delete s3://{self.bucket}/{name}: {_reason(error)}") from error

    def _list(self, prefix: str, delimiter: str | None = None) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        kwargs = {"Bucket": self.bucket, "Prefix": prefix, **({"Delimiter": delimiter} if delimiter else {})}
        try:
            for page in paginator.paginate(**kwargs):
                yield from page.get("Contents", [])
                yield from ({"Prefix": p["Prefix"]} for p in page.get("CommonPrefixes", []))
        except self._errors as error:
            raise CacheError(f"could not list s3://{self.bucket}/{prefix}: {_reason(error)}") from error

    # Chunks: immutable, so a local copy is good forever.

    def chunk_info(self, key: str) -> ChunkInfo | None:
        info = super().chunk_info(key)
        return info if info is not None else self._head_chunk(key)

    def chunk_infos(self, keys: Sequence[str]) -> list[ChunkInfo | None]:
        """``chunk_info`` of many keys: the local copy first, then the bucket, with the HEADs in parallel
        (a 5,000-word article has some 250 chunks, and one round trip each would delay its first sound)."""
        infos = [LocalStore.chunk_info(self, key) for key in keys]
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
            if _missing(error):
                return None
            raise CacheError(f"could not look up chunk {key}: {_reason(error)}", key=key) from error
        return _info(key, head.get("Metadata") or {}, head.get("ContentLength"))

    def read_chunk(self, key: str) -> bytes | None:
        data = super().read_chunk(key)
        if data is not None:
            return data
        found = self._get(self._chunk_object(key))
        if found is None:
            return None
        data, meta = found
        info = _info(key, meta, len(data))
        if info is None or hashlib.sha256(data).hexdigest() != info.sha256:
            log.warning("chunk %s in the bucket does not match its metadata; treating it as missing", key)
            return None
        super().put_chunk(key, data, frames=info.frames, samples=info.samples, sample_rate=info.sample_rate)
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
            theirs = _info(key, found[1], len(found[0])) if found else None
            if found is not None and theirs is not None:
                data, frames, samples = found[0], theirs.frames, theirs.samples
        return super().put_chunk(
            key, data, frames=frames, samples=samples, sample_rate=sample_rate, count_frames=count_frames
        )

    def put_words(self, key: str, data: bytes) -> None:
        """Publish a chunk's word times beside its audio (first writer wins); keep a copy of the winner's."""
        name = self._chunk_object(key)[:-4] + ".words.json"
        found = None if self._put(name, data, "application/json", IfNoneMatch="*") else self._get(name)
        super().put_words(key, found[0] if found else data)

    def read_words(self, key: str) -> bytes | None:
        local = super().read_words(key)
        found = self._get(self._chunk_object(key)[:-4] + ".words.json") if local is None else None
        if found is not None:
            super().put_words(key, found[0])
        return found[0] if found is not None else local

    def discard_chunk(self, key: str) -> None:
        super().discard_chunk(key)
        self._delete(self._chunk_object(key))
        self._delete(self._chunk_object(key)[:-4] + ".words.json")

    def iter_chunks(self) -> Iterator[tuple[str, int, float]]:
        """(key, bytes, last written) of every chunk in the bucket."""
        for item in self._list(self.object_key("chunks") + "/"):
            name = item.get("Key", "")
            if name.endswith(".mp3"):
                yield name.rsplit("/", 1)[-1][:-4], int(item["Size"]), item["LastModified"].timestamp()

    # Articles: manifests and progress are read from the bucket every time.

    def _get_recent(self, name: str) -> bytes | None:
        """A small, often-rewritten object, reused for ``READ_TTL`` seconds (and after our own writes)."""
        now = time.monotonic()
        with self._recent_lock:
            cached = self._recent.get(name)
        if cached is not None and now - cached[0] < READ_TTL:
            return cached[1]
        found = self._get(name)
        data = found[0] if found else None
        with self._recent_lock:
            if len(self._recent) > 1024:
                self._recent.clear()
            self._recent[name] = (now, data)
        return data

    def _put_recent(self, name: str, data: bytes) -> None:
        self._put(name, data, "application/json")
        with self._recent_lock:
            self._recent[name] = (time.monotonic(), data)

    def read_manifest(self, article_id: str) -> Manifest | None:
        data = self._get_recent(self._article_object(article_id, "manifest.json"))
        return stored_or_missing(Manifest.from_json, data, f"manifest of {article_id}")

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the manifest; a complete one's audio file is uploaded first, so it never names a missing file."""
        if manifest.status == "complete" and manifest.audio:
            self._publish_audio(manifest.article_id, manifest.audio)
        self._put_recent(self._article_object(manifest.article_id, "manifest.json"), manifest.to_json().encode())
        if manifest.status == "complete" and manifest.audio:
            for item in self._list(self._article_object(manifest.article_id, "")):
                name = item.get("Key", "")
                if name.endswith(".mp3") and not name.endswith("/" + manifest.audio):
                    self._delete(name)  # an earlier revision's file: nothing points at it any more

    def _publish_audio(self, article_id: str, name: str) -> None:
        path = self.article_dir(article_id) / name
        target = self._article_object(article_id, name)
        try:
            # upload_file switches to a multipart upload for large files; the object appears only when complete.
            self.client.upload_file(str(path), self.bucket, target, ExtraArgs={"ContentType": "audio/mpeg"})
        except FileNotFoundError as error:
            raise CacheError(f"assembled audio {path} is missing; cannot publish it") from error
        except self._errors as error:
            raise CacheError(f"could not upload {target}: {_reason(error)}") from error
        log.info("published %s to s3://%s/%s", path.name, self.bucket, target)

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
        path = self.article_dir(article_id) / manifest.audio
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".mp3")
        os.close(handle)
        try:
            self.client.download_file(self.bucket, self._article_object(article_id, manifest.audio), temp)
            os.replace(temp, path)
        except self._errors as error:
            if _missing(error):
                return None
            raise CacheError(f"could not fetch the audio of {article_id}: {_reason(error)}") from error
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        return path

    def audio_url(self, article_id: str, expires: int = PRESIGN_SECONDS, *, filename: str | None = None) -> str | None:
        """A short-lived presigned URL of the complete article's MP3 (for a redirect), or None.

        ``filename`` makes it a download (``Content-Disposition: attachment``)."""
        manifest = self.read_manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        params = {
            "Bucket": self.bucket,
            "Key": self._article_object(article_id, manifest.audio),
            "ResponseContentType": "audio/mpeg",
        }
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
        with self._recent_lock:
            self._recent.clear()
        local = super().delete_article(article_id) if self.article_dir(article_id).exists() else False
        return bool(names) or local


def _info(key: str, meta: dict[str, str], size: int | None) -> ChunkInfo | None:
    try:
        return ChunkInfo(
            key=key,
            size=int(size or 0),
            sha256=meta["sha256"],
            frames=int(meta["frames"]),
            samples=int(meta["samples"]),
            sample_rate=int(meta["sample-rate"]),
        )
    except (KeyError, ValueError):
        log.warning("chunk %s in the bucket has no usable metadata; treating it as missing", key)
        return None


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def _missing(error: Exception) -> bool:
    return _code(error) in ("404", "NoSuchKey", "NotFound")


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response:
        return response.get("Error", {}).get("Message") or _code(error) or str(error)
    return str(error)
