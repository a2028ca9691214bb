"""``render``: the synchronous form of a render, here or on the queue when one is configured.

Apart from the plan and the run because it chooses between them and the queue (``jobs``), which
itself runs plans: keeping the choice here leaves no cycle between the three.
"""

from __future__ import annotations

import os
from typing import Any

from reader.article import Article
from reader.render.jobs import queue_url
from reader.render.planning import RenderOptions, plan
from reader.render.running import ProgressCallback, RenderResult, render_plan
from reader.store import Store, open_store

__all__ = ["render"]


def render(
    source: Article | str | bytes | os.PathLike[str],
    options: RenderOptions | None = None,
    *,
    store: Store | None = None,
    on_progress: ProgressCallback | None = None,
    pool: Any = None,
) -> RenderResult:
    """Render an article (or a URL, path, HTML or text to extract one from) to a tagged MP3.

    Synchronous, parallel inside (a pool of worker processes per backend),
    resumable (cached chunks are reused). ``on_progress`` receives a
    ``Progress`` as chunks complete. ``pool`` may be an ``InlinePool`` to
    synthesize in this thread (tests with faked HTTP). Raises ``BackendError``
    naming the failed chunk.
    """
    job = plan(source, options)
    if pool is None and queue_url() is not None:  # READER_QUEUE_URL: a queue worker renders it (reader.render.jobs)
        from reader.render.jobs import enqueue

        return enqueue(job, store=store or open_store(), on_progress=on_progress).result()
    return render_plan(job, store=store, on_progress=on_progress, pool=pool)
