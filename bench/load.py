"""Load and abuse on loopback: cached audio under many listeners, a same-article stampede, a cold-render flood.

    .venv/bin/python bench/load.py [--seconds 30] [--listeners 64] [--stampede 50] [--flood 40]

Starts `reader serve` (gunicorn, 2 threaded workers, the default engine) on a free port of 127.0.0.1
with an empty temporary cache, renders one article, then, in one run of about 80 s by default:

- listeners: ``--listeners`` concurrent clients GET the finished article's MP3 for ``--seconds``
  (wrk when installed, else a Python thread load generator): requests per second and errors;
- stampede: ``--stampede`` clients POST the same new article at the same moment; how many renders
  the server started (its /metrics, summed over its processes) and how many ids it gave;
- flood: ``--flood`` distinct cold articles posted at once by 16 clients: accepted (202), rejected
  with 503 + Retry-After (the render queue's limit), other errors; cached audio fetched meanwhile;
- adversarial (issue 11): ``--adversarial`` clients post the input budget's hostile shapes
  (``tests/adversarial_inputs.py``: inline tags, unpunctuated runs, empty elements, ...) to
  ``POST /api/articles`` and ``POST /preview`` for ``--adversarial-seconds``: their statuses, the
  slowest answer, ``/healthz`` failures during that phase and the workers' peak memory (VmHWM);
- throughout: ``/healthz`` every 0.5 s; failures and the slowest answer.

The server runs with ``READER_API_TOKEN`` set and every write carries it, so the bench measures the
same whether or not the server's defaults require a token.

The rate limit is turned off for the run (every client here is 127.0.0.1). Prints a summary, then
one final JSON line. Targets (issue 7): 0 errors among accepted requests, 1 render for the
stampede, /healthz answering throughout; (issue 11) no 5xx for a hostile input, /healthz answering
during the adversarial phase, hostile inputs adding under 500 MB to a worker's peak.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
TOKEN = "bench-load-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def article_text(words: int, title: str) -> str:
    from conftest import generated_article  # the tests' deterministic generator

    return generated_article(words, title)


def call(port: int, method: str, path: str, body: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **AUTH} if body is not None else dict(AUTH)
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_complete(port: int, article_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _status, body = call(port, "GET", f"/api/articles/{article_id}")
        data = json.loads(body)
        if data.get("status") != "rendering":
            return data
        time.sleep(0.2)
    raise SystemExit(f"bench: article {article_id} did not finish in {timeout:.0f} s")


def metric(port: int, name: str) -> float:
    _, body = call(port, "GET", "/metrics")
    found = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", body.decode(), re.MULTILINE)
    return float(found.group(1)) if found else 0.0


class HealthWatch(threading.Thread):
    """GET /healthz every ``every`` seconds until stopped: answers, failures, the slowest answer."""

    def __init__(self, port: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.checks = self.failures = 0
        self.slowest = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            try:
                ok = call(self.port, "GET", "/healthz", timeout=5)[0] == 200
            except OSError:
                ok = False
            took = time.monotonic() - started
            self.checks += 1
            self.failures += 0 if ok else 1
            self.slowest = max(self.slowest, took)
            self.stopped.wait(max(0.0, self.every - took))


def listen_wrk(url: str, seconds: int, listeners: int) -> dict:
    command = ["wrk", "-t2", f"-c{listeners}", f"-d{seconds}s", "--timeout", "10s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "tool": "wrk",
        "requests": int(requests.group(1)) if requests else 0,
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def listen_python(port: int, path: str, seconds: int, listeners: int, size: int) -> dict:
    """Threads with keep-alive connections, each reading whole files; an error is a failed or short answer."""
    deadline = time.monotonic() + seconds
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()

    def listener() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        done = errors = 0
        while time.monotonic() < deadline:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and len(body) == size
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            done += 1
            errors += 0 if ok else 1
        connection.close()
        with lock:
            counts["requests"] += done
            counts["errors"] += errors

    threads = [threading.Thread(target=listener) for _ in range(listeners)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"tool": "python", **counts, "rps": round(counts["requests"] / elapsed, 1)}


def stampede(port: int, clients: int) -> dict:
    text = article_text(300, f"The stampede article {time.time_ns()}")
    before = metric(port, "reader_renders_started_total")
    barrier = threading.Barrier(clients)

    def post() -> tuple[int, bytes]:
        barrier.wait()
        return call(port, "POST", "/api/articles", {"text": text}, timeout=60)

    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda _: post(), range(clients)))
    accepted = [json.loads(body)["id"] for status, body in answers if status == 202]
    ids = set(accepted)
    for article_id in ids:
        wait_complete(port, article_id)
    time.sleep(0.5)  # the render's done-callback counts just after the status flips
    return {
        "clients": clients,
        "accepted": len(accepted),
        "errors": clients - len(accepted),
        "ids": len(ids),
        "renders": int(metric(port, "reader_renders_started_total") - before),
    }


def flood(port: int, articles: int, audio_path: str, size: int) -> dict:
    texts = [article_text(200, f"Flood article {n} {time.time_ns()}") for n in range(articles)]
    statuses: list[int] = []
    retry_after_ok = True
    audio = {"requests": 0, "errors": 0}
    stop = threading.Event()

    def post(text: str) -> None:
        nonlocal retry_after_ok
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            headers = {"Content-Type": "application/json", **AUTH}
            connection.request("POST", "/api/articles", json.dumps({"text": text}), headers)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            if response.status == 503 and not (response.getheader("Retry-After") or "").isdigit():
                retry_after_ok = False
        except OSError:
            statuses.append(0)
        finally:
            connection.close()

    def fetch_cached() -> None:
        while not stop.is_set():
            try:
                status, body = call(port, "GET", audio_path)
                ok = status == 200 and len(body) == size
            except OSError:
                ok = False
            audio["requests"] += 1
            audio["errors"] += 0 if ok else 1

    fetcher = threading.Thread(target=fetch_cached, daemon=True)
    fetcher.start()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(post, texts))
    time.sleep(2)  # cached audio keeps playing while the accepted renders run
    stop.set()
    fetcher.join()
    return {
        "posted": articles,
        "accepted": statuses.count(202),
        "rejected_503": statuses.count(503),
        "errors": len([s for s in statuses if s not in (202, 503)]),
        "retry_after_on_503": retry_after_ok,
        "cached_audio_during_flood": audio,
    }


ADVERSARIAL_SHAPES = (
    "html-inline-b-under-cap", "html-inline-words", "html-links", "html-many-empty-elements", "html-unpunctuated",
    "html-many-paragraphs", "html-nested-inline", "html-huge-attribute", "text-unpunctuated-under-cap",
    "text-a-dots", "markdown-emphasis-under-mark-cap", "bytes-binary-like",
)  # fmt: skip


BODY_LIMIT = 5 * 1024 * 1024 - 1024  # the server's default MAX_CONTENT_LENGTH, less headroom


def _worker_peak_mb(server_pid: int) -> dict[int, int]:
    """VmHWM (peak resident memory) of each child process of the server, in MB (Linux /proc)."""
    peaks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server_pid) and "VmHWM" in fields:
            peaks[int(entry.name)] = int(fields["VmHWM"].split()[0]) // 1024
    return peaks


def adversarial(port: int, server_pid: int, health: HealthWatch, clients: int, seconds: float) -> dict:
    """Hostile bodies, JSON and form, from ``clients`` threads for ``seconds``: statuses and /healthz."""
    from urllib.parse import urlencode

    from adversarial_inputs import SHAPES

    bodies = []
    for name in ADVERSARIAL_SHAPES:
        kind, build = SHAPES[name]
        data = build()
        field = "html" if kind == "html" else "text"
        for path, body, kind in (
            ("/api/articles", json.dumps({field: data}).encode(), "application/json"),
            ("/preview", urlencode({"content": data}).encode(), "application/x-www-form-urlencoded"),
        ):
            if len(body) < BODY_LIMIT:  # a larger body is refused by size before it is read (413), elsewhere
                bodies.append((name, path, body, kind))
    statuses: dict[str, int] = {}
    slowest = [0.0, ""]
    failures_before = health.failures
    peak_before = _worker_peak_mb(server_pid)
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        index = offset
        while time.monotonic() < stop:
            name, path, body, kind = bodies[index % len(bodies)]
            index += clients
            started = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                headers = {"Content-Type": kind, "Origin": f"http://127.0.0.1:{port}", **AUTH}
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
            except OSError as error:
                status = type(error).__name__
            finally:
                connection.close()
            took = time.monotonic() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if took > slowest[0]:
                    slowest[:] = [took, f"{name} {path}"]

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return {
        "clients": clients,
        "seconds": seconds,
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for status, n in statuses.items() if not status.isdigit() or status.startswith("5")),
        "slowest_s": round(slowest[0], 2),
        "slowest": slowest[1],
        "healthz_failures": health.failures - failures_before,
        "worker_peak_mb_before": peak_before,
        "worker_peak_mb": _worker_peak_mb(server_pid),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="duration of the listeners' run")
    parser.add_argument("--listeners", type=int, default=64)
    parser.add_argument("--stampede", type=int, default=50, help="clients posting the same new article")
    parser.add_argument("--flood", type=int, default=40, help="distinct cold articles posted at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--python", action="store_true", help="use the Python load generator even if wrk exists")
    parser.add_argument("--adversarial", type=int, default=4, help="clients posting hostile inputs (0: skip)")
    parser.add_argument("--adversarial-seconds", type=float, default=60, help="duration of the adversarial phase")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="reader-bench-load-"))
    cache = root / "cache"
    cache.mkdir()
    port = free_port()
    env = {**os.environ, "READER_CACHE_DIR": str(cache), "READER_RATE_LIMIT_PER_MINUTE": "0", "READER_API_TOKEN": TOKEN}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_path = root / "server.log"
    started = time.monotonic()
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", str(args.workers)],
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    health = HealthWatch(port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if call(port, "GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"bench: the server did not start; see {log_path}")
            time.sleep(0.1)
        health.start()

        _status, body = call(port, "POST", "/api/articles", {"text": article_text(250, "The cached article")})
        cached = json.loads(body)
        wait_complete(port, cached["id"])
        audio_path = cached["audio_url"]
        size = len(call(port, "GET", audio_path)[1])
        print(f"cached article: {size} bytes of MP3")

        if shutil.which("wrk") and not args.python:
            listening = listen_wrk(f"http://127.0.0.1:{port}{audio_path}", args.seconds, args.listeners)
        else:
            listening = listen_python(port, audio_path, args.seconds, args.listeners, size)
        print(f"listeners: {args.listeners} for {args.seconds} s ({listening['tool']}): {listening['rps']} req/s, "
              f"{listening['errors']} errors")  # fmt: skip

        stamp = stampede(port, args.stampede)
        print(f"stampede: {stamp['clients']} clients, {stamp['ids']} id(s), {stamp['renders']} render(s) started")

        flooded = flood(port, args.flood, audio_path, size)
        print(f"flood: {flooded['posted']} cold articles: {flooded['accepted']} accepted, "
              f"{flooded['rejected_503']} refused with 503, {flooded['errors']} errors; cached audio meanwhile: "
              f"{flooded['cached_audio_during_flood']}")  # fmt: skip

        hostile = {"clients": 0}
        if args.adversarial > 0:
            hostile = adversarial(port, server.pid, health, args.adversarial, args.adversarial_seconds)
            print(f"adversarial: {hostile['clients']} clients for {hostile['seconds']:.0f} s: {hostile['statuses']}; "
                  f"slowest {hostile['slowest_s']} s ({hostile['slowest']}); /healthz failures "
                  f"{hostile['healthz_failures']}; worker peak MB {hostile['worker_peak_mb_before']} before, "
                  f"{hostile['worker_peak_mb']} after")  # fmt: skip
    finally:
        health.stopped.set()
        if health.is_alive():
            health.join()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(root, ignore_errors=True)
    print(f"healthz: {health.checks} checks, {health.failures} failed, slowest {health.slowest:.3f} s")
    errors_accepted = listening["errors"] + stamp["errors"] + flooded["errors"]
    errors_accepted += flooded["cached_audio_during_flood"]["errors"]
    result = {
        "bench": "load",
        "seconds_total": round(time.monotonic() - started, 1),
        "cached_audio": {"listeners": args.listeners, "seconds": args.seconds, "bytes": size, **listening},
        "stampede": stamp,
        "flood": flooded,
        "adversarial": hostile,
        "healthz": {
            "checks": health.checks,
            "failures": health.failures,
            "slowest_s": round(health.slowest, 3),
        },
        "targets": {
            "zero_errors_among_accepted": errors_accepted == 0,
            "one_render_for_stampede": stamp["renders"] == 1 and stamp["ids"] == 1,
            "healthz_throughout": health.failures == 0 and health.checks > 0,
            "no_5xx_for_hostile_input": hostile.get("server_errors", 0) == 0,
            "hostile_inputs_add_under_500_mb": all(
                mb - hostile.get("worker_peak_mb_before", {}).get(pid, 0) <= 500
                for pid, mb in hostile.get("worker_peak_mb", {}).items()
            ),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
