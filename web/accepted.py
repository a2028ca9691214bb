"""The record of an article accepted for rendering, kept beside its manifest.

It holds the whole speech script and the metadata: so the article exists for
the API from the moment the web app accepts it (the render writes its first
manifest a moment later), the page shows every sentence while only some are
rendered, and refresh knows which URL was fetched (the canonical URL the page
names may differ). A long article is accepted with a *partial* record (the
script of its first blocks, whose first chunks are already synthesizing) and
the whole script replaces it when the render's thread has planned the rest,
before the render writes any manifest; readers wait for that (``whole_record``). Where the
records are kept (a file beside the manifest, or Redis shared by every server): web/records.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reader.render import Plan
from web.records import RecordStore
from web.views import ArticleState, SentenceTiming

STALLED_SECONDS = 120.0  # an accepted article whose render wrote nothing for this long has failed
STALLED_MESSAGE = "the render stopped; post the article again to resume it"
WHOLE_WAIT_SECONDS = 10.0  # how long a reader waits for a partial record to get the whole script


def write_record(
    records: RecordStore,
    article_id: str,
    job: Plan,
    source_url: str | None,
    *,
    revision: str | None = None,
    partial: bool = False,
) -> None:
    """Write the record of ``job``; a ``partial`` one is the plan of the article's head, so it gets
    the whole article's ``revision`` and no total."""
    rows = [
        {"index": s.index, "block": s.block, "kind": s.kind, "written": s.written, "spoken": s.spoken}
        for s in job.script.sentences
    ]
    article = job.article
    record = {
        "revision": revision or job.revision,
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "date": article.date,
        "url": article.url,
        "source_url": source_url,
        "image": article.image,
        "lang": job.speech.lang,
        "options": job.options.to_dict(),
        "total": 0 if partial else len(job.chunks),
        "partial": partial,
        "updated": time.time(),
        "sentences": rows,
    }
    records.write(article_id, record)


def fail_record(records: RecordStore, article_id: str, message: str) -> None:
    """Mark a partial record failed: the render's thread could not plan the rest of the article."""
    records.fail_partial(article_id, {"partial": False, "error": message, "updated": time.time()})


def whole_record(
    records: RecordStore, article_id: str, planning: Callable[[], bool], wait_seconds: float = WHOLE_WAIT_SECONDS
) -> Any:
    """The record, once it holds the whole script: a partial one is replaced a fraction of a second
    after the POST. Waits while ``planning()`` (False once this process's render of it has ended) and
    the partial record is younger than ``wait_seconds`` (a render that died leaves it partial)."""
    record = records.read(article_id)
    while (
        record is not None
        and record.get("partial")
        and time.time() - float(record.get("updated") or 0) < wait_seconds
        and planning()
    ):
        time.sleep(0.01)
        record = records.read(article_id)
    return record


def accepted_state(article_id: str, record: dict[str, Any], *, waiting: bool = False) -> ArticleState:
    """The article as accepted, before its render has written a manifest: rendering, or failed if stalled
    (``waiting``: this server knows its job is still queued, however long the queue)."""
    stalled = time.time() - float(record.get("updated") or 0) > STALLED_SECONDS and not waiting
    error = record.get("error") or (STALLED_MESSAGE if stalled else None)
    return ArticleState(
        id=article_id,
        revision=record["revision"],
        status="failed" if error else "rendering",
        title=record["title"],
        sentences=tuple(SentenceTiming(**row, start=None, end=None) for row in record["sentences"]),
        total=int(record.get("total") or 0),
        error=error,
        byline=record.get("byline"),
        site_name=record.get("site_name"),
        date=record.get("date"),
        url=record.get("url"),
        image=record.get("image"),
        lang=record.get("lang") or "en",
        options=record.get("options") or {},
        updated=float(record.get("updated") or 0),
    )
