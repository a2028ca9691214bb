"""Benchmark: what durable writes (READER_FSYNC) cost on a cold 5,000-word render.

The same generated article (bench/render.py's generator) is rendered cold, into a fresh cache
each time, with READER_FSYNC=off (atomic renames only), records (the default: manifests,
progress and records synced) and all (chunk audio and sidecars too), the modes interleaved
round by round so a change in the machine's load falls on all of them alike. The pool is
started once and warmed first. Figures are wall-time ratios against ``off`` in the same run,
the number of fsync calls each mode made, the time spent inside them (the cost measured
directly, which other processes' CPU load blurs less than it blurs wall times) as a share of
the render, and the load average.

    .venv/bin/python bench/durable.py [--words 5000] [--backend pyttsx3] [--rounds 2]

pyttsx3 (eSpeak NG) is the default backend here because it is the fastest engine: the smaller
the render time, the larger the share fsync takes, so its ratio is the upper bound; with Piper
(about 10x slower per chunk) the same fsyncs are a smaller share still. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MODES = ("off", "records", "all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--backend", default="pyttsx3")
    parser.add_argument("--rounds", type=int, default=2, help="renders per mode (interleaved); medians kept")
    args = parser.parse_args()

    from render import make_article  # bench/render.py's article generator

    from reader.render import RenderOptions, get_pool, render
    from reader.render.pools import shutdown_pools
    from reader.store import open_store

    counter = {"fsync": 0, "seconds": 0.0}
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        counter["fsync"] += 1
        started = time.perf_counter()
        real_fsync(fd)
        counter["seconds"] += time.perf_counter() - started

    os.fsync = counting_fsync
    options = RenderOptions(backend=args.backend)
    get_pool(args.backend).wait_ready(120)
    workdir = Path(tempfile.mkdtemp(prefix="reader-bench-durable-"))
    walls: dict[str, list[float]] = {mode: [] for mode in MODES}
    syncs: dict[str, int] = {}
    sync_seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    chunks = 0
    load_before = os.getloadavg()[0]
    try:
        os.environ["READER_FSYNC"] = "off"
        render(make_article(300, seed=1), options, store=open_store(workdir / "warm"))  # engines warm
        for round_number in range(args.rounds):
            for mode in MODES:
                os.environ["READER_FSYNC"] = mode
                article = make_article(args.words, seed=args.words + round_number)  # the same text per round
                store = open_store(workdir / f"{mode}-{round_number}")
                counter["fsync"], counter["seconds"] = 0, 0.0
                started = time.perf_counter()
                result = render(article, options, store=store)
                walls[mode].append(time.perf_counter() - started)
                syncs[mode] = counter["fsync"]
                sync_seconds[mode].append(counter["seconds"])
                chunks = len(result.manifest.entries)
                print(
                    f"round {round_number + 1} {mode:8} {walls[mode][-1]:7.2f} s, {counter['fsync']} fsyncs "
                    f"taking {counter['seconds']:.3f} s, "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        shutdown_pools()
        shutil.rmtree(workdir, ignore_errors=True)
    medians = {mode: statistics.median(values) for mode, values in walls.items()}
    summary = {
        "bench": "durable",
        "words": args.words,
        "backend": args.backend,
        "chunks": chunks,
        "rounds": args.rounds,
        "wall_s": {mode: round(value, 2) for mode, value in medians.items()},
        "ratio_to_off": {mode: round(value / medians["off"], 3) for mode, value in medians.items()},
        "fsyncs": syncs,
        # Time inside fsync over the render's wall time: the cost measured directly, which the machine's
        # CPU load (other processes) does not blur the way it blurs the wall-time ratios.
        "fsync_s": {mode: round(statistics.median(values), 3) for mode, values in sync_seconds.items()},
        "fsync_share_of_wall": {
            mode: round(statistics.median(sync_seconds[mode]) / medians[mode], 4) for mode in MODES
        },
        "load_1min_before": round(load_before, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
    }
    for mode in MODES:
        print(
            f"{mode:8} median {medians[mode]:.2f} s = {summary['ratio_to_off'][mode]:.3f}x off, {syncs[mode]} fsyncs "
            f"taking {summary['fsync_s'][mode]:.3f} s ({summary['fsync_share_of_wall'][mode]:.2%} of the render)"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
