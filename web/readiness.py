"""Warm-up at server start, and the readiness ``/healthz`` reports.

The first listener after ``reader serve`` starts should get the same first byte as the
hundredth. What the first request would otherwise pay for: the render workers starting
their engine (loading a Piper voice, its first ONNX run), and in this process the
normalizer's first use (the page parser, the language detector, CLDR data, the voice
model's digest for chunk keys): seconds, against ~0.1 s later. So ``reader serve``
warms both in a background thread, and ``/healthz`` answers 503 ``{"ready": false}``
until they are done, so that a load balancer (or a deploy script) sends no listener
before. An app made without ``warm()`` (tests, a WSGI server of the operator's own) is
ready at once, as is one with ``WARM_UP`` off. A warm-up that fails or times out is
logged and the server becomes ready anyway: a render then reports its own error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["SAMPLE", "WARM_UP_TIMEOUT", "Readiness", "flag"]

log = logging.getLogger(__name__)

WARM_UP_TIMEOUT = 120.0
# Exercises what the first article would: HTML extraction, numbers, dates, money, abbreviations, the
# language detector, chunking and the chunk keys (the voice model's digest).
SAMPLE = (
    "<html><head><title>The ferry returns</title></head><body><article><h1>The ferry returns</h1>"
    "<p>On 3 May 2024 about 1,200 people met the ferry at 10:30, paying £4.50 each.</p>"
    "<p>Dr. Smith said the crossing was 25% faster than in the 1990s.</p></article></body></html>"
)


def flag(value: Any) -> bool:
    """A boolean setting, as the environment spells it ("false", "0", "off") or as JSON parsed it."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


class Readiness:
    def __init__(self) -> None:
        self._ready = threading.Event()
        self._ready.set()  # until ``start``: nothing to wait for
        self.steps: dict[str, str] = {}
        self.started = 0.0
        self.seconds: float | None = None

    def is_ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def start(self, steps: dict[str, Callable[[], Any]]) -> threading.Thread:
        """Run each named step in a background thread, in order; ready when all have ended."""
        self._ready.clear()
        self.steps = dict.fromkeys(steps, "waiting")
        self.started = time.monotonic()

        def run() -> None:
            try:
                for name, step in steps.items():
                    self.steps[name] = "warming"
                    began = time.monotonic()
                    try:
                        step()
                    except Exception as error:
                        log.warning("warm-up of %s failed: %s", name, error)
                        self.steps[name] = f"failed: {str(error)[:200]}"
                    else:
                        self.steps[name] = "ready"
                        log.info("warmed %s in %.2f s", name, time.monotonic() - began)
            finally:
                self.seconds = round(time.monotonic() - self.started, 3)
                self._ready.set()

        thread = threading.Thread(target=run, name="reader-warm-up", daemon=True)
        thread.start()
        return thread

    def details(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ready": self.is_ready()}
        if self.steps:
            data["warm_up"] = dict(self.steps)
            data["warm_up_seconds"] = (
                self.seconds if self.seconds is not None else round(time.monotonic() - self.started, 3)
            )
        return data
