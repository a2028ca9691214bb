"""Benchmark the web app on loopback: first byte after POST, and cached audio throughput beside nginx.

    .venv/bin/python bench/web.py [--seconds 10] [--connections 32] [--words 5000]
    .venv/bin/python bench/web.py --only first-byte --trials 7   # first byte only (median of 7 articles)

Needs `wrk` and `nginx` (Debian: `apt-get install wrk nginx-light`). Starts `reader serve`
(gunicorn, 2 threaded workers) with an empty cache on a free port, and nginx (sendfile and
tcp_nodelay on) serving the same assembled MP3, both on 127.0.0.1, and measures in one run:

- first_byte_s: from POST /api/articles of a generated cold 5,000-word article to the first MP3
  byte of GET audio.mp3 (the server already running, its render workers warm);
- whole-file GETs and 64 KB Range GETs of the finished file with 32 concurrent clients:
  requests per second, p50 and p99 latency, for the app and for nginx, and their ratio.

Prints a human summary, then one final JSON line. Targets (issue 5): first byte <= 0.3 s,
whole-file throughput >= 0.6 of nginx's, Range p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_ARTICLES = iter(range(1_000_000))


def article_text(words: int) -> str:
    """A new article each call, cold to the cache in every sentence: the generator is seeded by its
    word count, so each call asks for a slightly different length (5,000, 5,001, ... words)."""
    from conftest import generated_article  # the tests' deterministic generator

    words += next(_ARTICLES)
    return generated_article(words, f"A cold article of {words} words for the web benchmark {time.time_ns()}")


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench: {url} did not answer")


def post_json(port: int, path: str, body: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    if response.status != 202:
        raise SystemExit(f"bench: POST failed: {response.status} {data}")
    return data


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.loads(response.read())


def first_byte(port: int, words: int) -> tuple[float, str, dict]:
    text = article_text(words)
    started = time.perf_counter()
    created = post_json(port, "/api/articles", {"text": text})
    created["post_s"] = round(time.perf_counter() - started, 3)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", created["audio_url"])
    response = connection.getresponse()
    response.read(1)
    elapsed = time.perf_counter() - started
    status = response.getheader("X-Reader-Status") or "?"
    connection.close()
    return elapsed, status, created


def wait_complete(port: int, article_id: str) -> dict:
    while True:
        data = get_json(port, f"/api/articles/{article_id}")
        if data["status"] != "rendering":
            return data
        time.sleep(0.25)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str] | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        latency[percent] = round(float(match.group(1)) * _UNITS[match.group(2)], 2)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


NGINX_CONF = """
daemon off;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 100000;
    types {{ audio/mpeg mp3; }}
    client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location / {{ }}
    }}
}}
"""


def start_nginx(root: Path, audio: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    (root / "www").mkdir(parents=True)
    (root / "tmp").mkdir()
    shutil.copyfile(audio, root / "www" / "audio.mp3")
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    for path in (root, *root.parents):  # nginx's workers run as nobody: let them reach the file
        if path == Path(tempfile.gettempdir()):
            break
        path.chmod(0o755)
    (root / "www" / "audio.mp3").chmod(0o644)
    command = ["nginx", "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/audio.mp3")
    return process, port


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each load run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--only", choices=["first-byte"], help="measure only this part (no wrk or nginx)")
    parser.add_argument("--trials", type=int, default=1, help="cold articles for first byte; the median is kept")
    args = parser.parse_args()
    for tool in () if args.only else ("wrk", "nginx"):
        if not shutil.which(tool) and not Path("/usr/sbin/nginx").exists():
            raise SystemExit(f"bench: {tool} not found; on Debian: apt-get install wrk nginx-light")

    root = Path(tempfile.mkdtemp(prefix="reader-bench-web-"))
    cache = root / "cache"
    cache.mkdir()
    port = free_port()
    env = {**os.environ, "READER_CACHE_DIR": str(cache), "READER_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", str(args.workers)],
        cwd=root,
        env=env,
    )
    nginx = None
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        # Warm each worker's render pool with a small article, so the cold article measures rendering,
        # not the start of the engine processes.
        for _ in range(args.workers * 2):
            warm = post_json(port, "/api/articles", {"text": article_text(30)})
            wait_complete(port, warm["id"])

        trials = []
        for _ in range(max(1, args.trials)):  # each a new cold article, measured once its render has ended
            elapsed, stream_status, created = first_byte(port, args.words)
            done = wait_complete(port, created["id"])
            trials.append((elapsed, created["post_s"]))
            print(f"first byte after POST ({args.words} words, cold): {elapsed:.3f} s [{stream_status}]")
            print(f"  of which the POST (extract, script, plan, start): {created['post_s']:.3f} s")
            print(f"  render finished: {done['duration']:.0f} s of audio in {done['progress']['total']} chunks")
        elapsed = statistics.median(t[0] for t in trials)
        created["post_s"] = round(statistics.median(t[1] for t in trials), 3)
        if args.only == "first-byte":
            summary = {
                "bench": "web-first-byte",
                "words": args.words,
                "trials": len(trials),
                "first_byte_s": round(elapsed, 3),
                "first_byte_s_all": [round(t[0], 3) for t in trials],
                "post_s": created["post_s"],
                "post_s_all": [t[1] for t in trials],
                "targets": {"first_byte_s_max": 0.3},
                "meets": {"first_byte": elapsed <= 0.3},
            }
            print(json.dumps(summary))
            return

        audio_url = f"http://127.0.0.1:{port}{created['audio_url']}"
        size = int(urllib.request.urlopen(audio_url).headers["Content-Length"])
        audio_path = cache / "articles" / created["id"]
        audio_file = next(p for p in audio_path.glob("*.mp3") if not p.name.startswith("."))
        nginx, nginx_port = start_nginx(root / "nginx", audio_file)
        nginx_url = f"http://127.0.0.1:{nginx_port}/audio.mp3"
        range_header = {"Range": "bytes=0-65535"}

        results = {}
        for name, url, headers in [
            ("app_whole", audio_url, None),
            ("nginx_whole", nginx_url, None),
            ("app_range", audio_url, range_header),
            ("nginx_range", nginx_url, range_header),
        ]:
            results[name] = wrk(url, args.seconds, args.connections, headers)
            r = results[name]
            print(f"{name:12s} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:8.2f} ms  p99 {r['p99_ms']:8.2f} ms")
        summary = {
            "bench": "web",
            "file_bytes": size,
            "connections": args.connections,
            "seconds": args.seconds,
            "gunicorn_workers": args.workers,
            "first_byte_s": round(elapsed, 3),
            "first_byte_while": stream_status,
            "post_s": created["post_s"],
            **results,
            "whole_rps_ratio_vs_nginx": round(results["app_whole"]["rps"] / results["nginx_whole"]["rps"], 3),
            "range_rps_ratio_vs_nginx": round(results["app_range"]["rps"] / results["nginx_range"]["rps"], 3),
            "targets": {
                "first_byte_s_max": 0.3,
                "whole_rps_ratio_min": 0.6,
                "range_p99_ms_max": 100,
            },
        }
        summary["meets"] = {
            "first_byte": summary["first_byte_s"] <= 0.3,
            "whole_ratio": summary["whole_rps_ratio_vs_nginx"] >= 0.6,
            "range_p99": results["app_range"]["p99_ms"] <= 100,
        }
        print(json.dumps(summary))
    finally:
        if nginx is not None:
            stop(nginx)
        stop(server)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
