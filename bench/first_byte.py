"""POST → first MP3 byte over HTTP, per backend: what a listener who presses play waits for.

Used by ``bench/render.py --first-byte``. Starts ``reader serve --open`` (one gunicorn worker) on a
free loopback port with an empty cache, warms each backend's render pool with two small articles,
then per trial POSTs a new article (its title carries the time in nanoseconds, so no chunk of it is
cached) and times the request until the first byte of its audio arrives. Each trial's render is
left to finish before the next starts: the figure is the first byte while nothing else renders.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS_S = {"default": 0.5, "piper": 0.5, "pyttsx3": 0.3, "espeak": 0.3}


def _web_bench():
    """bench/web.py's HTTP helpers (loaded by path: its module name would shadow the ``web`` package)."""
    spec = importlib.util.spec_from_file_location("bench_web", HERE / "web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _one(helpers, port: int, words: int, backend: str) -> tuple[float, str, str]:
    body: dict = {"text": helpers.article_text(words)}
    if backend != "default":
        body["backend"] = backend
    started = time.perf_counter()
    created = helpers.post_json(port, "/api/articles", body)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", created["audio_url"])
    response = connection.getresponse()
    first = response.read(1)
    elapsed = time.perf_counter() - started
    status = response.getheader("X-Reader-Status") or "?"
    connection.close()
    if response.status != 200 or not first:
        raise SystemExit(f"bench: GET {created['audio_url']} answered {response.status}")
    helpers.wait_complete(port, created["id"])
    return elapsed, status, created["id"]


def first_bytes(backends: list[str], trials: int, words: int = 300) -> dict:
    """The median first-byte time per backend over ``trials`` new articles, with the load average."""
    helpers = _web_bench()
    root = Path(tempfile.mkdtemp(prefix="reader-bench-first-byte-"))
    (root / "cache").mkdir()
    port = helpers.free_port()
    env = {**os.environ, "READER_CACHE_DIR": str(root / "cache"), "READER_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--open", "--port", str(port), "--workers", "1"],
        cwd=root,
        env=env,
    )
    results = []
    try:
        helpers.wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        for backend in backends:
            for _ in range(2):  # start the pool's engine processes and run each once
                _one(helpers, port, 30, backend)
            load = os.getloadavg()[0]
            times = []
            for _ in range(max(1, trials)):
                elapsed, status, _ = _one(helpers, port, words, backend)
                times.append(round(elapsed, 3))
                print(f"{backend:8} first byte {elapsed:.3f} s [{status}]", flush=True)
            median = statistics.median(times)
            target = TARGETS_S.get(backend, 0.5)
            results.append(
                {
                    "backend": backend,
                    "first_byte_s": median,
                    "all_s": times,
                    "target_s": target,
                    "meets": median <= target,
                    "load_1min_before": round(load, 2),
                    "load_1min_after": round(os.getloadavg()[0], 2),
                }
            )
            print(f"{backend:8} median {median:.3f} s (target <= {target} s), load {load:.2f}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"bench": "first-byte", "words": words, "trials": trials, "cores": os.cpu_count(), "results": results}
