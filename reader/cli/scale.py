"""The ``reader worker`` command: render jobs from the queue (README "Deployment")."""

from __future__ import annotations

import logging

import click

__all__ = ["worker"]


@click.command()
@click.option("--queue-url", envvar="READER_QUEUE_URL", required=True, help="Redis URL (default: $READER_QUEUE_URL).")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty instead of waiting for more jobs.")
@click.option("--name", default=None, help="Worker name shown by `rq info` (default: host, pid and a random tag).")
def worker(queue_url: str, burst: bool, name: str | None) -> None:
    """Render articles queued by the web app or the CLI, on any machine that shares the store.

    Set READER_CACHE_URL=s3://bucket/prefix (or share one READER_CACHE_DIR) on
    every web node and worker. SIGTERM lets the current article finish; a
    worker that dies mid-article leaves it to another worker within a minute,
    which reuses the chunks already stored.

    \b
    Example:
      READER_QUEUE_URL=redis://127.0.0.1:6379/0 READER_CACHE_URL=s3://audio/reader reader worker
    """
    from reader.render import run_worker

    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger().setLevel(logging.INFO)  # a worker is a service: say what it does
    run_worker(queue_url, burst=burst, name=name)
