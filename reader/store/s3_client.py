"""Talking to S3: the client as the store configures it, its URLs, and what its errors mean."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from reader.errors import CacheError, InputError
from reader.store.keys import ChunkInfo
from reader.store.writes import temp_prefix

__all__ = [
    "LOOKUP_THREADS",
    "BucketObjects",
    "RecentReads",
    "chunk_meta",
    "make_client",
    "parse_s3_url",
    "reason",
    "s3_error_code",
    "s3_missing",
    "s3_precondition_failed",
]

log = logging.getLogger(__name__)

LOOKUP_THREADS = 16  # parallel HEADs when a render checks which of its chunks exist


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix without slashes) of ``s3://bucket/prefix``."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise InputError(f"READER_CACHE_URL must look like s3://bucket/prefix, not {url!r}")
    return parsed.netloc, parsed.path.strip("/")


def make_client(endpoint_url: str | None) -> Any:
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


def chunk_meta(key: str, meta: dict[str, str], size: int | None) -> ChunkInfo | None:
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


def s3_error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def s3_missing(error: Exception) -> bool:
    return s3_error_code(error) in ("404", "NoSuchKey", "NotFound")


def s3_precondition_failed(error: Exception) -> bool:
    """A conditional write (``IfNoneMatch``, ``IfMatch``) lost to another writer."""
    return s3_error_code(error) in ("PreconditionFailed", "412", "ConditionalRequestConflict")


def reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response:
        return response.get("Error", {}).get("Message") or s3_error_code(error) or str(error)
    return str(error)


class BucketObjects:
    """Objects of one bucket by full name: None for a missing object, CacheError for anything else."""

    def __init__(self, client: Any, bucket: str, errors: tuple[type[Exception], ...]) -> None:
        self.client = client
        self.bucket = bucket
        self.errors = errors

    def get(self, name: str) -> tuple[bytes, dict[str, str]] | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
            return response["Body"].read(), response.get("Metadata") or {}
        except self.errors as error:
            if s3_missing(error):
                return None
            raise CacheError(f"could not read s3://{self.bucket}/{name}: {reason(error)}") from error

    def put(self, name: str, data: bytes, content_type: str, **extra: Any) -> bool:
        """Publish an object; False when ``IfNoneMatch`` found one already there."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type, **extra)
            return True
        except self.errors as error:
            if s3_precondition_failed(error):
                return False
            raise CacheError(f"could not write s3://{self.bucket}/{name}: {reason(error)}") from error

    def delete(self, name: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except self.errors as error:
            raise CacheError(f"could not delete s3://{self.bucket}/{name}: {reason(error)}") from error

    def list(self, prefix: str, delimiter: str | None = None) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        kwargs = {"Bucket": self.bucket, "Prefix": prefix, **({"Delimiter": delimiter} if delimiter else {})}
        try:
            for page in paginator.paginate(**kwargs):
                yield from page.get("Contents", [])
                yield from ({"Prefix": p["Prefix"]} for p in page.get("CommonPrefixes", []))
        except self.errors as error:
            raise CacheError(f"could not list s3://{self.bucket}/{prefix}: {reason(error)}") from error

    def download(self, name: str, path: Path) -> bool:
        """Fetch an object into ``path`` whole (a temp file beside it, then a rename); False when missing.
        boto3 fetches a large object in parts, in parallel."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(), suffix=path.suffix)
        os.close(handle)
        try:
            self.client.download_file(self.bucket, name, temp)
            os.replace(temp, path)
            return True
        except self.errors as error:
            if s3_missing(error):
                return False
            raise CacheError(f"could not fetch s3://{self.bucket}/{name}: {reason(error)}") from error
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)


class RecentReads:
    """Small, often-rewritten objects (manifests, progress) reused for ``ttl`` seconds and after our own
    writes: a live stream polls its manifest many times a second, and one GET each would be a flood."""

    def __init__(self, objects: BucketObjects, ttl: float) -> None:
        self.objects = objects
        self.ttl = ttl
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        found = self.objects.get(name)
        data = found[0] if found else None
        with self._lock:
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[name] = (now, data)
        return data

    def put(self, name: str, data: bytes, content_type: str = "application/json") -> None:
        self.objects.put(name, data, content_type)
        with self._lock:
            self._cache[name] = (time.monotonic(), data)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
