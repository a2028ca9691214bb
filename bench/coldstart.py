"""The first listener after `reader serve` starts, against the ones after: POST → first MP3 byte.

Issue 16 item 6. For each mode (warm-up on, the default; and READER_WARM_UP=false) and each round,
starts `reader serve --open` (one gunicorn worker, one render worker) on an empty cache, waits
until /healthz answers 200 (with warm-up: until the render workers and the normalizer are warm),
then times a first new article from POST to the first byte of its audio, and then ``--later``
more. Each article's words are new (no cached chunk). Prints each figure, then per mode the
ratio first ÷ median of the later ones (1.0: the first listener waits no longer than the rest),
so machines and load compare; the load average is printed with them.

    .venv/bin/python bench/coldstart.py [--rounds 2] [--later 3]
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _helpers():
    """bench/web.py's HTTP helpers (loaded by path: its module name would shadow the ``web`` package)."""
    spec = importlib.util.spec_from_file_location("bench_web", HERE / "web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _listener(helpers, port: int, words: int) -> tuple[float, float]:
    """(seconds to the POST's answer, seconds to the first audio byte), both from the POST's start."""
    started = time.perf_counter()
    created = helpers.post_json(port, "/api/articles", {"text": helpers.article_text(words)})
    answered = time.perf_counter() - started
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", created["audio_url"])
    response = connection.getresponse()
    first = response.read(1)
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200 or not first:
        raise SystemExit(f"bench: GET {created['audio_url']} answered {response.status}")
    helpers.wait_complete(port, created["id"])
    return answered, elapsed


def one_round(helpers, warm_up: bool, later: int, words: int) -> dict:
    root = Path(tempfile.mkdtemp(prefix="reader-bench-coldstart-"))
    (root / "cache").mkdir()
    port = helpers.free_port()
    env = {
        **os.environ,
        "READER_CACHE_DIR": str(root / "cache"),
        "READER_RATE_LIMIT_PER_MINUTE": "0",
        "READER_WORKERS": "1",
        "READER_WARM_UP": "true" if warm_up else "false",
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--open", "--port", str(port), "--workers", "1"],
        cwd=root,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        helpers.wait_http(f"http://127.0.0.1:{port}/healthz", timeout=180)  # 200 only: 503 while warming
        ready = time.perf_counter() - started
        first_post, first = _listener(helpers, port, words)
        rest = [_listener(helpers, port, words) for _ in range(later)]
    finally:
        helpers.stop(server)
    return {
        "ready_s": round(ready, 3),
        "first_post_s": round(first_post, 3),
        "first_byte_s": round(first, 3),
        "later_post_s": round(statistics.median(p for p, _ in rest), 3),
        "later_byte_s": round(statistics.median(b for _, b in rest), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--later", type=int, default=3, help="listeners after the first, per round")
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args()
    helpers = _helpers()
    results: dict[str, list[dict]] = {"on": [], "off": []}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):
        for mode in ("on", "off"):  # alternated, so load changes touch both alike
            figures = one_round(helpers, mode == "on", args.later, args.words)
            results[mode].append(figures)
            print(f"warm-up {mode:3}  {json.dumps(figures)}", flush=True)
    print(f"load average {load_before:.2f} → {os.getloadavg()[0]:.2f} (1-minute averages, on a shared machine)")
    summary = {}
    for mode, rounds in results.items():
        first = statistics.median(r["first_byte_s"] for r in rounds)
        later = statistics.median(r["later_byte_s"] for r in rounds)
        first_post = statistics.median(r["first_post_s"] for r in rounds)
        later_post = statistics.median(r["later_post_s"] for r in rounds)
        summary[mode] = {
            "ready_s": statistics.median(r["ready_s"] for r in rounds),
            "first_byte_s": first,
            "later_byte_s": later,
            "first_over_later_byte": round(first / later, 2),
            "first_over_later_post": round(first_post / later_post, 2),
        }
        print(
            f"warm-up {mode:3}: ready after {summary[mode]['ready_s']:.2f} s; first listener's first byte "
            f"{first:.3f} s, later {later:.3f} s: first ÷ later = {summary[mode]['first_over_later_byte']} "
            f"(POST alone {summary[mode]['first_over_later_post']})"
        )
    print(
        "first byte of the first listener, warm-up on ÷ off: "
        f"{summary['on']['first_byte_s'] / summary['off']['first_byte_s']:.2f}"
    )
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
