"""Benchmark: what sharing records and limits through Redis costs a request (issue 19 items 1, 2).

With READER_QUEUE_URL set, the web app reads an accepted article's record from Redis instead of a
file, and counts the write rate limit in Redis (the ``limits`` package's moving window) instead of
in memory. This measures two requests through the real Flask app, each mode in a fresh app over a
fresh cache, the modes interleaved round by round so a change in the machine's load falls on both:

- ``GET /api/articles/<id>`` of an article accepted but not rendered yet (its state from the record);
- ``DELETE /api/articles/<unknown id>`` from an ``--open`` server (the rate limit, then a 404 after
  looking for a manifest and a record).

It starts its own redis-server on a free loopback port (the Debian package). Figures are the
median time per request and the ratio ``redis`` ÷ ``local`` in the same run, with the load
average; the last line is JSON.

    .venv/bin/python bench/shared_state.py [--requests 500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]  # bench/web.py is not web
MODES = ("local", "redis")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit("bench/shared_state.py: redis-server not found (Debian package redis-server)")
    port = free_port()
    argv = [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*argv, "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("bench/shared_state.py: redis-server did not start")


def record() -> dict:
    rows = [
        {"index": i, "block": i // 3, "kind": "paragraph", "written": f"Sentence {i}.", "spoken": f"Sentence {i}."}
        for i in range(200)
    ]
    return {
        "revision": "r1",
        "title": "Bench",
        "partial": False,
        "total": 200,
        "updated": time.time(),
        "sentences": rows,
    }


def timed(client, method: str, path: str, count: int, status: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.open(path, method=method)
        if response.status_code != status:
            raise SystemExit(f"{method} {path} answered {response.status_code}, not {status}")
    return (time.perf_counter() - started) / count


def run(mode: str, url: str, workdir: Path, count: int) -> dict[str, float]:
    from web import create_app

    if mode == "redis":
        os.environ["READER_QUEUE_URL"] = url
    else:
        os.environ.pop("READER_QUEUE_URL", None)
    cache = Path(tempfile.mkdtemp(dir=workdir))
    app = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache), "RATE_LIMIT_PER_MINUTE": 10**9, "WARM_UP": False}
    )
    library = app.extensions["reader_library"]
    article_id = "benchaccepted01"
    library.catalog.records.write(article_id, record())
    client = app.test_client()
    timed(client, "GET", f"/api/articles/{article_id}", 20, 200)  # warm
    return {
        "get_accepted": timed(client, "GET", f"/api/articles/{article_id}", count, 200),
        "delete_unknown": timed(client, "DELETE", "/api/articles/nosuchthing01", count, 404),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-shared-"))
    redis, url = start_redis(workdir)
    try:
        results: dict[str, dict[str, list[float]]] = {mode: {} for mode in MODES}
        for _ in range(args.rounds):
            for mode in MODES:
                for name, seconds in run(mode, url, workdir, args.requests).items():
                    results[mode].setdefault(name, []).append(seconds)
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    load = os.getloadavg()[0]
    summary: dict[str, object] = {"requests": args.requests, "rounds": args.rounds, "load": round(load, 2)}
    for name in results["local"]:
        local = statistics.median(results["local"][name])
        shared = statistics.median(results["redis"][name])
        ratio = shared / local
        print(f"{name:15s} local {local * 1000:7.3f} ms  redis {shared * 1000:7.3f} ms  redis/local {ratio:5.2f}x")
        summary[name] = {
            "local_ms": round(local * 1000, 3),
            "redis_ms": round(shared * 1000, 3),
            "ratio": round(ratio, 2),
        }
    print(f"load average {load:.2f}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
