"""Plan (ids, revisions, keys) and run (parallel synthesis, progress, fallback); background
renders, engine worker processes, the queue and its worker.

The door of this stage: what the other stages and web/ may use. Names are imported on first use (PEP 562):
a render worker process (``synth_worker``) lives in this stage but needs none of planning, the
queue or page text, and the engine's memory budget is tight.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Plan": "reader.render.planning",
    "Progress": "reader.render.running",
    "RenderJob": "reader.render.background",
    "RenderOptions": "reader.render.planning",
    "RenderResult": "reader.render.running",
    "article_id": "reader.render.planning",
    "get_pool": "reader.render.pools",
    "head_plan": "reader.render.background",
    "legacy_article_id": "reader.render.planning",
    "plan": "reader.render.planning",
    "queue_url": "reader.render.jobs",
    "render": "reader.render.blocking",
    "render_plan": "reader.render.running",
    "revision": "reader.render.planning",
    "run_worker": "reader.render.queue_worker",
    "start_render": "reader.render.background",
    "submit_plan": "reader.render.background",
}
__all__ = [
    "Plan",
    "Progress",
    "RenderJob",
    "RenderOptions",
    "RenderResult",
    "article_id",
    "get_pool",
    "head_plan",
    "legacy_article_id",
    "plan",
    "queue_url",
    "render",
    "render_plan",
    "revision",
    "run_worker",
    "start_render",
    "submit_plan",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'reader.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from reader.render.background import RenderJob, head_plan, start_render, submit_plan
    from reader.render.blocking import render
    from reader.render.jobs import queue_url
    from reader.render.planning import Plan, RenderOptions, article_id, legacy_article_id, plan, revision
    from reader.render.pools import get_pool
    from reader.render.queue_worker import run_worker
    from reader.render.running import Progress, RenderResult, render_plan
