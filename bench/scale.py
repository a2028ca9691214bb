"""Benchmark the distributed path: articles per minute with 1 and 2 `reader worker` processes.

    .venv/bin/python bench/scale.py [--articles 10] [--words 300]

Starts redis-server and moto's S3 server (`moto_server`, dev extra) on free loopback ports, then
for 1 and then 2 workers (each `reader worker` with READER_WORKERS=1: one eSpeak NG synthesis process,
so one worker is about one core) queues the same number of fresh generated articles (distinct text,
so nothing comes from the cache) through the one render API (`reader.render.start_render` with
READER_QUEUE_URL set) into the bucket, and times from the first enqueue until every manifest in the
bucket is complete. Each worker renders one untimed article first, so engine start-up is excluded.

Measured as well: chunks and audio seconds per article, bytes stored per article (chunk objects plus
the assembled MP3), the real-time factor (audio seconds rendered per wall second). The README's
capacity model is built from these figures. The 2-core machine is shared, so absolute numbers
move from run to run; the ratio of 2 workers to 1 (same run) is the figure to compare.

Prints a summary, then one final JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

WORDING = (
    "the council said new plans for the river would bring homes jobs and parks to the town over the next ten "
    "years while residents asked how the work would be paid for and who would decide which streets came first "
    "in a debate that ran late into the evening at the old library where teachers doctors and shop owners "
    "spoke about trains buses bridges schools markets gardens winter harbour mountain signal"
)
VOCABULARY = tuple(WORDING.split())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"bench: {name} exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"bench: {name} did not start")


def program(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"bench: {name} not found (redis-server: Debian package; moto_server: pip install 'moto[server]')")
    return found


def article_text(seed: int, words: int) -> str:
    rng = random.Random(seed)
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(3):
            length = rng.randint(8, 16)
            body = " ".join(rng.choice(VOCABULARY) for _ in range(length))
            sentences.append(f"Item {seed} {count}: {body[0].upper()}{body[1:]}.")
            count += length + 3
        paragraphs.append(" ".join(sentences))
    return f"Scale benchmark article {seed}\n\n" + "\n\n".join(paragraphs) + "\n"


def run_phase(workers: int, articles: int, words: int, base_seed: int, env: dict, work: Path) -> dict:
    from redis import Redis
    from rq import Queue, Worker

    from reader.render import start_render
    from reader.render.jobs import QUEUE_NAME
    from reader.store import open_store
    from reader.text import extract

    connection = Redis.from_url(env["READER_QUEUE_URL"])
    queue = Queue(QUEUE_NAME, connection=connection)
    processes = []
    for number in range(workers):
        log = (work / f"worker-{workers}-{number}.log").open("wb")
        worker_env = {**env, "READER_CACHE_DIR": str(work / f"local-{workers}-{number}"), "READER_WORKERS": "1"}
        argv = [sys.executable, "-m", "reader", "worker", "--name", f"bench-{workers}-{number}"]
        processes.append(subprocess.Popen(argv, env=worker_env, stdout=log, stderr=subprocess.STDOUT))
        log.close()
    try:
        while len(Worker.all(queue=queue)) < workers:
            time.sleep(0.1)
        store = open_store(work / f"client-{workers}")
        # Warm-up: one article per worker, untimed (engine processes start on the first job).
        warm = [article_text(base_seed - 1 - n, 60).encode() for n in range(workers)]
        warm = [start_render(extract(text), store=store) for text in warm]
        for handle in warm:
            handle.result(timeout=300)
        sources = [extract(article_text(base_seed + n, words).encode()) for n in range(articles)]
        started = time.monotonic()
        handles = [start_render(source, store=store) for source in sources]
        results = [handle.result(timeout=1800) for handle in handles]
        elapsed = time.monotonic() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    chunks = sum(len(r.manifest.entries) for r in results)
    audio = sum(r.manifest.duration for r in results)
    return {
        "workers": workers,
        "seconds": round(elapsed, 2),
        "articles_per_min": round(articles / elapsed * 60, 2),
        "chunks_per_article": round(chunks / articles, 1),
        "audio_seconds_per_article": round(audio / articles, 1),
        "realtime_factor": round(audio / elapsed, 1),
        "rendered": sum(r.rendered for r in results),
        "results": results,
    }


def storage_per_article(bucket: str, endpoint: str, results: list) -> int:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    sizes = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            sizes[item["Key"]] = item["Size"]
    total = 0
    for result in results:
        keys = {entry.key for entry in result.manifest.entries}
        total += sum(size for name, size in sizes.items() if name.rsplit("/", 1)[-1][:-4] in keys)
        total += sizes.get(f"bench/articles/{result.article_id}/{result.revision}.mp3", 0)
    return total // max(1, len(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10, help="articles per phase (default 10)")
    parser.add_argument("--words", type=int, default=300, help="words per article (default 300)")
    args = parser.parse_args()

    import boto3

    work = Path(tempfile.mkdtemp(prefix="reader-bench-scale-"))
    redis_port, s3_port = free_port(), free_port()
    redis = subprocess.Popen(
        [program("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    moto = subprocess.Popen(
        [program("moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(redis_port, redis, "redis-server")
        wait_port(s3_port, moto, "moto_server")
        endpoint = f"http://127.0.0.1:{s3_port}"
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        env = {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "READER_QUEUE_URL": f"redis://127.0.0.1:{redis_port}/0",
            "READER_CACHE_URL": f"s3://{bucket}/bench",
            "READER_S3_ENDPOINT_URL": endpoint,
        }
        os.environ.update(env)
        env = {**os.environ}
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
        one = run_phase(1, args.articles, args.words, 1000, env, work)
        two = run_phase(2, args.articles, args.words, 2000, env, work)
        stored = storage_per_article(bucket, endpoint, one["results"] + two["results"])
    finally:
        for process in (redis, moto):
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)

    for phase in (one, two):
        phase.pop("results")
        print(
            f"{phase['workers']} worker(s): {args.articles} articles in {phase['seconds']} s = "
            f"{phase['articles_per_min']} articles/min, {phase['realtime_factor']}x real time "
            f"({phase['chunks_per_article']} chunks, {phase['audio_seconds_per_article']} s of audio per article)"
        )
    per_core_hour = round(one["articles_per_min"] * 60, 1)
    print(f"stored per article: {stored / 1024:.0f} KiB (chunks + assembled MP3); one worker core: {per_core_hour}/h")
    print(
        json.dumps(
            {
                "bench": "scale",
                "articles": args.articles,
                "words": args.words,
                "cores": os.cpu_count(),
                "one_worker": one,
                "two_workers": two,
                "speedup_two_vs_one": round(two["articles_per_min"] / one["articles_per_min"], 2),
                "articles_per_hour_per_worker_core": per_core_hour,
                "stored_bytes_per_article": stored,
            }
        )
    )


if __name__ == "__main__":
    main()
