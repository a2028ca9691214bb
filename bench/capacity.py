"""Capacity under many listeners: how many cold articles can render at once before a listener stalls.

    .venv/bin/python bench/capacity.py [--backends pyttsx3,piper] [--words 250] [--counts 1,2,4,8]
                                       [--orders fifo,playhead] [--budget 540]

For each backend and each render order (``READER_RENDER_ORDER``: ``fifo``, the order before playhead
scheduling, and ``playhead``), with N taking the values of ``--counts`` in turn (default: 1 to 16
for pyttsx3, 1 to 4 for Piper): start ``reader serve`` (one gunicorn process, so its live streams
and its render pool share the playheads) on an empty cache, post N distinct cold articles at once,
and give each two listeners from the moment its POST answers: one playing at 1x, one at 2x. A
listener reads the live stream as fast as the server sends it (as a browser buffers) and plays what
it has at its rate from its first byte on; a stall is a moment its next byte is not there when it
needs it (50 ms of slack for the client's own timing), counted once per gap, and "dry" the seconds
it waited. The figure, per backend and order, is the largest N with no stall at it or any smaller N
tried; a second figure tolerates a little: no listener dry for more than 2 s in all (a start-up
hiccup, not a starved article). An order stops after two values of N in a row past the tolerance.
Orders alternate at each N, so both see the same minute's load.

``--budget`` (seconds) stops starting new trials past it, so a run stays under about ten minutes;
an order cut short prints ">= N". The machine is shared: the load average is printed with every
trial, and the two orders' figures are to be compared within one run. Prints one line per trial, a
summary, then one final JSON line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TOKEN = "bench-capacity-token"
RATES = (1.0, 2.0)
SLACK_SECONDS = 0.05
DRY_TOLERANCE = 2.0  # seconds a listener may wait in all for the second figure
COUNTS = {"pyttsx3": "1,2,3,4,6,8,12,16", "piper": "1,2,3,4"}  # eSpeak NG renders about 6x faster than Piper
WORDING = (
    "the council said new plans for the river would bring homes jobs and parks to the town over the next ten "
    "years while residents asked how the work would be paid for and who would decide which streets came first "
    "in a debate that ran late into the evening at the old library where teachers doctors and shop owners "
    "spoke about trains buses bridges schools markets gardens winter harbour mountain signal"
)
VOCABULARY = tuple(WORDING.split())


def article_text(seed: int, words: int) -> str:
    """A plain-text article whose sentences no other seed shares (no chunk comes from another's cache)."""
    rng = random.Random(seed)
    paragraphs, count, number = [], 0, 0
    while count < words:
        sentences = []
        for _ in range(3):
            number += 1
            length = rng.randint(8, 16)
            body = " ".join(rng.choice(VOCABULARY) for _ in range(length))
            sentences.append(f"Item {seed} {number}: {body[0].upper()}{body[1:]}.")
            count += length + 3
        paragraphs.append(" ".join(sentences))
    return f"Capacity article {seed}\n\n" + "\n\n".join(paragraphs) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port: int, method: str, path: str, body: dict | None = None, timeout: float = 60) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Listener:
    """One simulated listener: what it got, when, and how often it ran dry."""

    rate: float
    first_byte: float | None = None  # seconds from the POST's answer
    stalls: int = 0
    stalled_seconds: float = 0.0
    first_stall_at: float | None = None  # seconds into the audio
    audio_seconds: float = 0.0
    error: str | None = None

    def run(self, port: int, path: str, started: float, bytes_per_second: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            if response.status not in (200, 206):
                self.error = f"HTTP {response.status}"
                return
            received, played, last = 0, 0.0, 0.0
            while True:
                data = response.read1(65536)
                now = time.monotonic()
                if not data:
                    break
                if self.first_byte is None:
                    self.first_byte = now - started
                else:  # it has been playing what it had since ``last``
                    buffered = received / bytes_per_second
                    wanted = played + (now - last) * self.rate
                    if wanted > buffered + SLACK_SECONDS * self.rate:
                        self.stalls += 1
                        if self.first_stall_at is None:
                            self.first_stall_at = buffered
                        self.stalled_seconds += (wanted - buffered) / self.rate
                    played = min(wanted, buffered)
                last = now
                received += len(data)
            self.audio_seconds = received / bytes_per_second
        except OSError as error:
            self.error = f"{type(error).__name__}: {error}"
        finally:
            connection.close()


@dataclass
class Trial:
    backend: str
    order: str
    count: int
    listeners: list[Listener] = field(default_factory=list)
    seconds: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and the end
    error: str | None = None

    @property
    def stalls(self) -> int:
        return sum(x.stalls for x in self.listeners)

    @property
    def most_dry(self) -> float:
        return max((x.stalled_seconds for x in self.listeners), default=0.0)

    @property
    def nearly_ok(self) -> bool:
        return self.error is None and self.most_dry <= DRY_TOLERANCE and not any(x.error for x in self.listeners)

    @property
    def ok(self) -> bool:
        return self.nearly_ok and self.stalls == 0

    def summary(self) -> dict:
        firsts = [x.first_byte for x in self.listeners if x.first_byte is not None]
        return {
            "backend": self.backend,
            "order": self.order,
            "n": self.count,
            "stalls": self.stalls,
            "most_dry_seconds": round(self.most_dry, 1),
            "dry_seconds": round(sum(x.stalled_seconds for x in self.listeners), 1),
            "first_byte_max": round(max(firsts), 2) if firsts else None,
            "seconds": round(self.seconds, 1),
            "load": [round(x, 1) for x in self.load],
        }

    def line(self) -> str:
        firsts = [x.first_byte for x in self.listeners if x.first_byte is not None]
        by_rate = {r: sum(x.stalls for x in self.listeners if x.rate == r) for r in RATES}
        errors = [x.error for x in self.listeners if x.error] + ([self.error] if self.error else [])
        stalled_at = [x.first_stall_at for x in self.listeners if x.first_stall_at is not None]
        dry = sum(x.stalled_seconds for x in self.listeners)
        where = f", first at {min(stalled_at):.0f} s of audio" if stalled_at else ""
        return (
            f"{self.backend:8} {self.order:8} N={self.count:<3} stalls {self.stalls:3} "
            f"(one dry {self.most_dry:.1f} s at most; 1x {by_rate[1.0]}, 2x {by_rate[2.0]}; {dry:.1f} s dry{where})  "
            f"first byte median {statistics.median(firsts) if firsts else float('nan'):5.2f} s "
            f"max {max(firsts) if firsts else float('nan'):5.2f} s  {self.seconds:5.1f} s  "
            f"load {self.load[0]:.1f}->{self.load[1]:.1f}" + (f"  errors: {errors[:2]}" if errors else "")
        )


def start_server(backend: str, order: str, count: int, cache: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "READER_CACHE_DIR": str(cache),
        "READER_BACKEND": backend,
        "READER_RENDER_ORDER": order,
        "READER_API_TOKEN": TOKEN,
        "READER_RATE_LIMIT_PER_MINUTE": "0",
        "READER_RENDER_QUEUE_LIMIT": "0",
        "READER_LIVE_STREAM_LIMIT": "0",
        "READER_LOG_LEVEL": "error",
    }
    threads = min(256, 2 * len(RATES) * count + 8)
    command = [
        sys.executable,
        "-m",
        "reader",
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--threads",
        str(threads),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: reader serve exited at start: {server.stderr.read()[-2000:] if server.stderr else ''}")
        try:
            if call(port, "GET", "/healthz", timeout=2)[0] == 200:  # ready: renderers warmed
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    sys.exit("bench: reader serve was not ready in 120 s")


def run_trial(backend: str, order: str, count: int, words: int, bytes_per_second: float) -> Trial:
    trial = Trial(backend, order, count)
    cache = Path(tempfile.mkdtemp(prefix="reader-capacity-"))
    server, port = start_server(backend, order, count, cache)
    threads: list[threading.Thread] = []
    try:
        trial.load = (os.getloadavg()[0], 0.0)
        began = time.monotonic()

        def article(seed: int) -> None:
            status, body = call(port, "POST", "/api/articles", {"text": article_text(seed, words)})
            answered = time.monotonic()
            if status not in (200, 201, 202):
                trial.error = f"POST answered {status}: {body[:200]!r}"
                return
            path = json.loads(body)["audio_url"]
            for rate in RATES:
                listener = Listener(rate)
                trial.listeners.append(listener)
                thread = threading.Thread(target=listener.run, args=(port, path, answered, bytes_per_second))
                thread.start()
                threads.append(thread)

        posts = [threading.Thread(target=article, args=(seed,)) for seed in range(count)]
        for thread in posts:
            thread.start()
        for thread in posts:
            thread.join()
        for thread in list(threads):
            thread.join()
        trial.seconds = time.monotonic() - began
        trial.load = (trial.load[0], os.getloadavg()[0])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(cache, ignore_errors=True)
    return trial


def figures(ran: list[Trial]) -> dict[str, dict]:
    """The largest N with no stall at it or any smaller N tried (and the same with ``DRY_TOLERANCE``);
    "at_least" when no value of N tried stalled but some were not tried (the budget, or the end)."""
    found = {}
    for what, good in (("any", lambda t: t.ok), ("tolerant", lambda t: t.nearly_ok)):
        n, clean = 0, True
        for trial in ran:
            if not good(trial):
                clean = False
                break
            n = trial.count
        found[what] = {"n": n, "at_least": clean}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="pyttsx3,piper")
    parser.add_argument("--orders", default="fifo,playhead")
    parser.add_argument("--counts", default=None, help="the values of N to try, in order (default: per backend)")
    parser.add_argument("--words", type=int, default=250, help="words per article (250: about 1.5 minutes)")
    parser.add_argument("--budget", type=float, default=540, help="start no trial after this many seconds")
    args = parser.parse_args()
    from reader.audio import AudioSettings

    bytes_per_second = AudioSettings().bitrate_kbps * 1000 / 8  # the live stream is constant-bitrate MP3
    orders = args.orders.split(",")
    start = time.monotonic()
    print(f"cores {os.cpu_count()}, load average at start {os.getloadavg()}, {args.words} words an article")
    results: dict[str, dict[str, dict]] = {}
    trials: list[dict] = []
    for backend in args.backends.split(","):
        counts = [int(n) for n in (args.counts or COUNTS.get(backend, COUNTS["piper"])).split(",")]
        ran: dict[str, list[Trial]] = {order: [] for order in orders}
        stopped: set[str] = set()  # two values of N in a row with a listener dry past the tolerance (or errors)
        for count in counts:
            for order in orders:
                if order in stopped or time.monotonic() - start > args.budget:
                    continue
                trial = run_trial(backend, order, count, args.words, bytes_per_second)
                print(trial.line(), flush=True)
                trials.append(trial.summary())
                ran[order].append(trial)
                if len(ran[order]) >= 2 and not any(t.nearly_ok for t in ran[order][-2:]):
                    stopped.add(order)
        results[backend] = {order: figures(ran[order]) for order in orders}
    print("\nlargest N of cold articles at once with no listener stalled (a 1x and a 2x listener on each):")
    for backend, by_order in results.items():
        for what, label in (("any", "no stall"), ("tolerant", f"none dry over {DRY_TOLERANCE:.0f} s in all")):
            shown = ", ".join(
                f"{order} {'>= ' if r[what]['at_least'] else ''}{r[what]['n']}" for order, r in by_order.items()
            )
            print(f"  {backend:8} {label:28} {shown}")
    print(f"load average at the end {os.getloadavg()}, {time.monotonic() - start:.0f} s in all")
    print(
        json.dumps(
            {"bench": "capacity", "words": args.words, "results": results, "trials": trials, "load": os.getloadavg()}
        )
    )


if __name__ == "__main__":
    main()
