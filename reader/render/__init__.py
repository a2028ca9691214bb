"""Plan (ids, revisions, keys) and run (parallel synthesis, progress, fallback); background
renders, engine worker processes, the queue and its worker.

The door of this stage: what the other stages and web/ may use."""

from reader.render.background import RenderJob, head_plan, start_render, submit_plan
from reader.render.blocking import render
from reader.render.jobs import queue_url
from reader.render.planning import Plan, RenderOptions, article_id, legacy_article_id, plan, revision
from reader.render.pools import get_pool
from reader.render.queue_worker import run_worker
from reader.render.running import Progress, RenderResult, render_plan

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
