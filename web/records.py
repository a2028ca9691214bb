"""Where the accepted-article records live, so that every web server behind one address sees them.

A record (web/accepted.py) is written the moment a server accepts an article, before any worker
writes a manifest. Kept beside the manifest in the cache directory it is seen only by servers that
share that directory: behind a load balancer with an S3 store, a POST on one server and a GET on
another would answer 404 until the first manifest. So with a queue URL (READER_QUEUE_URL) the
records live in Redis, which every server and worker already shares; without one but with an S3
store (READER_CACHE_URL), as an object beside the manifest in the bucket; else in the article's
directory as before (one machine, or servers sharing one cache directory).

Every place writes a record whole or not at all: a file by atomic rename, Redis by one ``HSET`` of
every field, S3 by one PUT. Marking a partial record failed is a read-check-write: a Redis
transaction (``WATCH``), or a PUT with ``If-Match`` the ETag read, so a whole record written meanwhile
by another thread or server is never overwritten.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from reader.errors import CacheError
from reader.store import Manifest, article_object, s3_missing, s3_precondition_failed

__all__ = ["RECORD_FILE", "DirectoryRecords", "RecordStore", "RedisRecords", "S3Records", "open_records"]

log = logging.getLogger(__name__)

RECORD_FILE = "web-script.json"
REDIS_PREFIX = "reader:record:"


class RecordStore(Protocol):
    def read(self, article_id: str) -> dict[str, Any] | None: ...

    def write(self, article_id: str, record: dict[str, Any]) -> None: ...

    def fail_partial(self, article_id: str, changes: dict[str, Any]) -> None:
        """Apply ``changes`` to the record only while it is still partial."""
        ...

    def resubmitted(self, article_id: str, manifest: Manifest) -> bool:
        """Whether the record was written after the manifest: a new revision was accepted (cheap)."""
        ...

    def delete(self, article_id: str) -> None: ...


def _parse(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        record = json.loads(data)
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("sentences"), list) else None


def _encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


class DirectoryRecords:
    """A file beside the manifest, in the store's directory for the article (its local copy with S3)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def read(self, article_id: str) -> dict[str, Any] | None:
        try:
            return _parse(self.store.get(article_object(article_id, RECORD_FILE)))
        except OSError:
            return None

    def write(self, article_id: str, record: dict[str, Any]) -> None:
        self.store.put(article_object(article_id, RECORD_FILE), _encode(record))

    def fail_partial(self, article_id: str, changes: dict[str, Any]) -> None:
        record = self.read(article_id)
        if record is not None and record.get("partial"):
            self.write(article_id, {**record, **changes})

    def resubmitted(self, article_id: str, manifest: Manifest) -> bool:
        """Two stats: the record's file is newer than the manifest's (both files of the local store)."""
        record, current = (self.store.local_path(article_object(article_id, n)) for n in (RECORD_FILE, "manifest.json"))
        try:
            return record is not None and current is not None and record.stat().st_mtime_ns > current.stat().st_mtime_ns
        except OSError:
            return False

    def delete(self, article_id: str) -> None:
        """The store's ``delete_article`` removes the directory, the record with it."""


class RedisRecords:
    """One hash per article (``reader:record:<id>``): the record's JSON and the time it was written,
    set together by one ``HSET``; ``resubmitted`` reads only the time. Reads survive Redis being
    down (logged; no record, so a rendered article's manifest still answers): only accepting needs it."""

    def __init__(self, url: str, prefix: str = REDIS_PREFIX) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self._down = (redis.ConnectionError, redis.TimeoutError)

    def _key(self, article_id: str) -> str:
        return f"{self.prefix}{article_id}"

    def read(self, article_id: str) -> dict[str, Any] | None:
        try:
            return _parse(self.client.hget(self._key(article_id), "record"))
        except self._down as error:
            log.warning("could not read the record of %s from Redis: %s", article_id, error)
            return None

    def write(self, article_id: str, record: dict[str, Any]) -> None:
        fields = {"record": _encode(record), "updated": repr(float(record.get("updated") or 0))}
        self.client.hset(self._key(article_id), mapping=fields)

    def fail_partial(self, article_id: str, changes: dict[str, Any]) -> None:
        key = self._key(article_id)

        def update(pipe: Any) -> None:
            record = _parse(pipe.hget(key, "record"))
            if record is None or not record.get("partial"):
                return
            record.update(changes)
            pipe.multi()
            pipe.hset(key, mapping={"record": _encode(record), "updated": repr(float(record.get("updated") or 0))})

        self.client.transaction(update, key)

    def resubmitted(self, article_id: str, manifest: Manifest) -> bool:
        """The record's write time is later than the manifest's (both ``time.time()`` of the writer)."""
        try:
            updated = self.client.hget(self._key(article_id), "updated")
            return updated is not None and float(updated) > float(manifest.updated)
        except ValueError:
            return False
        except self._down as error:
            log.warning("could not read the record of %s from Redis: %s", article_id, error)
            return False

    def delete(self, article_id: str) -> None:
        self.client.delete(self._key(article_id))


class S3Records:
    """An object beside the manifest in the S3 store's bucket (``articles/<id>/web-script.json``), its
    write time in the object's metadata so ``resubmitted`` is one HEAD. ``delete_article`` removes it
    with the rest of the article's objects."""

    def __init__(self, store: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        self.store = store
        self._errors = (BotoCoreError, ClientError)

    def _key(self, article_id: str) -> str:
        return str(self.store.object_key("articles", article_id, RECORD_FILE))

    def _get(self, article_id: str) -> tuple[bytes, str] | None:
        try:
            response = self.store.client.get_object(Bucket=self.store.bucket, Key=self._key(article_id))
        except self._errors as error:
            if s3_missing(error):
                return None
            raise CacheError(f"could not read the record of {article_id} from the bucket: {error}") from error
        return response["Body"].read(), str(response.get("ETag") or "")

    def read(self, article_id: str) -> dict[str, Any] | None:
        found = self._get(article_id)
        return _parse(found[0]) if found else None

    def write(self, article_id: str, record: dict[str, Any], **condition: str) -> None:
        self.store.client.put_object(
            Bucket=self.store.bucket,
            Key=self._key(article_id),
            Body=_encode(record),
            ContentType="application/json",
            Metadata={"updated": repr(float(record.get("updated") or 0))},
            **condition,
        )

    def fail_partial(self, article_id: str, changes: dict[str, Any]) -> None:
        for _ in range(5):  # another writer between our read and write: read again
            found = self._get(article_id)
            record = _parse(found[0]) if found else None
            if found is None or record is None or not record.get("partial"):
                return
            try:
                self.write(article_id, {**record, **changes}, IfMatch=found[1])
                return
            except self._errors as error:
                if not s3_precondition_failed(error):
                    raise

    def resubmitted(self, article_id: str, manifest: Manifest) -> bool:
        try:
            head = self.store.client.head_object(Bucket=self.store.bucket, Key=self._key(article_id))
            return float((head.get("Metadata") or {}).get("updated") or 0) > float(manifest.updated)
        except self._errors:
            return False  # no record (404), or the bucket unreachable: the manifest answers
        except ValueError:
            return False

    def delete(self, article_id: str) -> None:
        """The store's ``delete_article`` removes every object of the article, the record with them."""


def open_records(store: Any, queue_url: str | None) -> RecordStore:
    """Redis when the servers share a queue (``queue_url``), else the bucket of an S3 store, else the
    article's directory."""
    if queue_url:
        return RedisRecords(queue_url)
    if getattr(store, "bucket", None) and getattr(store, "client", None) is not None:
        return S3Records(store)
    return DirectoryRecords(store)
