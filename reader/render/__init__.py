"""Plan (ids, revisions, keys) and run (parallel synthesis, progress, fallback); background
renders, engine worker processes, the queue and its worker.

The door of this stage: what the other stages and web/ may use. Names are imported on first use
(``reader.lazy``): a render worker process (``synth_worker``) lives in this stage but needs none of
planning, the queue or page text, and the engine's memory budget is tight. The package is callable
as ``render()``, its public function of the same name."""

from reader.lazy import lazy_door

__all__ = [
    "Plan",
    "Progress",
    "RenderJob",
    "RenderOptions",
    "RenderResult",
    "active_renders",
    "article_id",
    "get_pool",
    "head_plan",
    "legacy_article_id",
    "listening",
    "plan",
    "queue_url",
    "render",
    "render_plan",
    "render_queued",
    "revision",
    "run_worker",
    "start_render",
    "submit_plan",
]

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.render.background": ("RenderJob", "head_plan", "start_render", "submit_plan"),
        "reader.render.blocking": ("render",),
        "reader.render.jobs": ("active_renders", "queue_url", "render_queued"),
        "reader.render.planning": ("Plan", "RenderOptions", "article_id", "legacy_article_id", "plan", "revision"),
        "reader.render.pools": ("get_pool",),
        "reader.render.queue_worker": ("run_worker",),
        "reader.render.running": ("Progress", "RenderResult", "render_plan"),
        "reader.render.scheduling": ("listening",),
    },
    call="reader.render.blocking:render",
)
