"""Benchmark: a finished article's MP3 served from each store through the one code path (issue 18).

One article (generated, ``--words`` long, rendered once with pyttsx3) is served by the Flask app
(its test client: no sockets, so the figures are the app's and the store's cost) three ways:
``local`` (the local store: ``send_file`` of the file), ``s3-copy`` (the S3 store on the node that
rendered it: the same, from its local copy) and ``s3-bytes`` (another node of the same bucket, no
copy: the bytes streamed from the bucket, one ranged GET per request). moto's S3 server on loopback
stands in for the bucket, so ``s3-bytes`` measures the code path plus a loopback round trip, not a
real network. Each way answers the whole file and Safari's ``bytes=0-1`` probe, the ways
interleaved round by round; figures are medians as ratios against ``local`` in the same run, with
the load average. The last line is JSON.

    .venv/bin/python bench/store_serving.py [--words 1500] [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import free_port, program, wait_port  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import boto3
    from render import make_article, plain_text  # bench/render.py's generator

    work = Path(tempfile.mkdtemp(prefix="reader-bench-serving-"))
    port = free_port()
    moto = subprocess.Popen(
        [program("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, moto, "moto_server")
        endpoint, bucket = f"http://127.0.0.1:{port}", f"bench-{uuid.uuid4().hex[:8]}"
        os.environ.update(
            {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
        )
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
        text = plain_text(make_article(args.words, seed=18))
        clients = {}
        local = _client(work / "local", None)
        clients["local"] = (local, _render(local, text))
        s3 = {"READER_CACHE_URL": f"s3://{bucket}/bench", "READER_S3_ENDPOINT_URL": endpoint}
        copy = _client(work / "node-a", s3)
        clients["s3-copy"] = (copy, _render(copy, text))
        clients["s3-bytes"] = (_client(work / "node-b", s3), clients["s3-copy"][1])
        times: dict[str, dict[str, list[float]]] = {way: {"whole": [], "probe": []} for way in clients}
        calls = _count_s3_calls()
        size = 0
        for _ in range(args.rounds):
            for way, (client, url) in clients.items():
                for kind, headers in (("whole", {}), ("probe", {"Range": "bytes=0-1"})):
                    calls.way = way
                    start = time.perf_counter()
                    response = client.get(url, headers=headers)
                    body = response.get_data()
                    response.close()
                    times[way][kind].append(time.perf_counter() - start)
                    if kind == "whole":
                        size = len(body)
        load = os.getloadavg()[0]
        per_request = {way: {op: n / (2 * args.rounds) for op, n in ops.items()} for way, ops in calls.counts.items()}
    finally:
        moto.terminate()
        moto.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)

    medians = {way: {kind: statistics.median(v) for kind, v in kinds.items()} for way, kinds in times.items()}
    print(f"article MP3 {size / 1e6:.2f} MB, {args.rounds} rounds, load {load:.1f}")
    for way, kinds in medians.items():
        ratios = {kind: kinds[kind] / medians["local"][kind] for kind in kinds}
        print(
            f"{way:9} whole x{ratios['whole']:.2f} ({kinds['whole'] * 1000:.1f} ms)   "
            f"bytes=0-1 x{ratios['probe']:.2f} ({kinds['probe'] * 1000:.1f} ms)   (against local)"
        )
    for way, ops in per_request.items():
        print(f"{way:9} S3 calls per request: " + ", ".join(f"{op} {n:.2f}" for op, n in sorted(ops.items())))
    summary = {
        "s3_calls_per_request": per_request,
        "bytes": size,
        "load": round(load, 2),
        "ratios": {w: {k: round(v / medians["local"][k], 3) for k, v in kinds.items()} for w, kinds in medians.items()},
    }
    print(json.dumps(summary))


def _client(cache: Path, env: dict[str, str] | None):
    for key in ("READER_CACHE_URL", "READER_S3_ENDPOINT_URL"):
        os.environ.pop(key, None)
    os.environ.update(env or {})
    create_app = _web_app_factory()

    config = {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache), "RATE_LIMIT_PER_MINUTE": 0, "WARM_UP": False}
    return create_app(config).test_client()


def _count_s3_calls():
    """Count the S3 API calls made while each way is timed (botocore's one door for every call)."""
    from collections import Counter
    from types import SimpleNamespace

    from botocore.client import BaseClient

    tally = SimpleNamespace(way=None, counts={})
    real = BaseClient._make_api_call

    def counted(self, operation, params):
        if tally.way is not None:
            tally.counts.setdefault(tally.way, Counter())[operation] += 1
        return real(self, operation, params)

    BaseClient._make_api_call = counted
    return tally


def _web_app_factory():
    """The web package's ``create_app`` (bench/web.py, the web benchmark, would shadow it from here)."""
    here = [p for p in sys.path if Path(p or ".").resolve() == HERE]
    for entry in here:
        sys.path.remove(entry)
    try:
        from web import create_app
    finally:
        sys.path[:0] = here
    return create_app


def _render(client, text: str) -> str:
    created = client.post("/api/articles", json={"text": text, "backend": "pyttsx3"}).get_json()
    while client.get(created["status_url"]).get_json()["status"] == "rendering":
        time.sleep(0.2)
    return created["audio_url"]


if __name__ == "__main__":
    main()
