"""Benchmark: how close the engines' word start times are to when the words are heard.

Each chunk of an article (the seed, ../shared/fixtures/seed_article.txt, and
an article the project has never been tuned on: the text of one
../shared/extract-dev page) is synthesized with its word times
(reader.backends.piper_words / espeak_words), encoded as the reader encodes
chunks, decoded as a player decodes them, and aligned independently by
PocketSphinx (bench/forced_align.py: its own acoustic model and dictionary).
Printed per backend and article: the median and 90th percentile absolute
error of word starts against that alignment, for the engine's times and for
two baselines measured on the same chunks in the same run: the chunk's time
(as the manifest gives it) split by character count, and the chunk's speech
(first to last loud sample) split by character count. Goal: median <= 100 ms, p90 <= 250 ms.

Chunks whose words are not all in PocketSphinx's dictionary (names, foreign
words) cannot be aligned and are counted as skipped. Needs the dev extra
(pocketsphinx).

    .venv/bin/python bench/word_times.py [--backends piper,pyttsx3] [--chunks 40] [--unseen PAGE_ID]

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHARED = HERE.parent.parent / "shared"
SEED = SHARED / "fixtures" / "seed_article.txt"
EXTRACT_DEV = SHARED / "extract-dev"
UNSEEN = "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574"  # an AP news story (hosted.ap.org)
GOAL_MEDIAN, GOAL_P90 = 0.100, 0.250


def unseen_text(page_id: str) -> str:
    """The extract-dev page's text: its own HTML through the reader's extractor."""
    from reader.text import extract

    html = gzip.decompress((EXTRACT_DEV / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
    article = extract(html)
    return article.title + "\n\n" + "\n\n".join(block.text for block in article.blocks)


def chunks_of(text: str, max_chars: int, limit: int) -> list[str]:
    from reader.text import chunk_script, extract, make_script

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    try:
        script = make_script(extract(handle.name, allow_paths=True))
    finally:
        os.unlink(handle.name)
    return [chunk.text for chunk in chunk_script(script, max_chars)][:limit]


def by_characters(words: tuple[str, ...], start: float, end: float) -> list[float]:
    """A baseline: the time from ``start`` to ``end`` shared out among the words by their characters."""
    lengths = [len(w) + 1 for w in words]
    before = np.concatenate([[0], np.cumsum(lengths)[:-1]]) / sum(lengths)
    return list(start + before * (end - start))


def timed_backend(name: str):  # type: ignore[no-untyped-def]
    """The backend as it renders chunks, with ``synthesize_with_times``."""
    if name == "piper":
        from reader.backends.piper_words import PiperWords

        return PiperWords()
    if name == "pyttsx3":
        from reader.backends.espeak_words import Pyttsx3Words

        return Pyttsx3Words()
    raise SystemExit(f"no word times for backend {name!r} (piper, pyttsx3)")


def measure(backend, texts: list[str]) -> dict:  # type: ignore[no-untyped-def]
    from forced_align import align

    from reader.audio import AudioSettings, decode_to_pcm, encode_chunk
    from reader.backends.base import SpeechOptions
    from reader.backends.word_times import MP3_DELAY_SAMPLES, in_chunk

    settings = AudioSettings()
    engine_errors: list[float] = []
    baseline_errors: list[float] = []
    chunk_errors: list[float] = []
    skipped = 0
    started = time.perf_counter()
    for text in texts:
        audio, times = backend.synthesize_with_times(text, SpeechOptions())
        heard = in_chunk(times, audio, settings)
        encoded = encode_chunk(audio.samples, audio.sample_rate, settings)
        pcm = decode_to_pcm(encoded.mp3, 16000)
        reference = align(pcm, heard.words)
        if reference is None:
            skipped += 1
            continue
        delay = MP3_DELAY_SAMPLES / settings.sample_rate
        pad = settings.trim_pad_ms / 1000
        baseline = by_characters(heard.words, pad + delay, encoded.duration - pad + delay)
        whole = by_characters(heard.words, 0.0, encoded.duration)
        for engine, split, naive, ref in zip(heard.starts, baseline, whole, reference, strict=True):
            if ref is not None:
                engine_errors.append(abs(engine - ref))
                baseline_errors.append(abs(split - ref))
                chunk_errors.append(abs(naive - ref))
    return {
        "chunks": len(texts) - skipped,
        "skipped": skipped,
        "words": len(engine_errors),
        "engine_median_ms": round(1000 * float(np.median(engine_errors))) if engine_errors else None,
        "engine_p90_ms": round(1000 * float(np.percentile(engine_errors, 90))) if engine_errors else None,
        "chars_median_ms": round(1000 * float(np.median(baseline_errors))) if baseline_errors else None,
        "chars_p90_ms": round(1000 * float(np.percentile(baseline_errors, 90))) if baseline_errors else None,
        "chunk_chars_median_ms": round(1000 * float(np.median(chunk_errors))) if chunk_errors else None,
        "chunk_chars_p90_ms": round(1000 * float(np.percentile(chunk_errors, 90))) if chunk_errors else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="piper,pyttsx3", help="comma-separated: piper, pyttsx3")
    parser.add_argument("--chunks", type=int, default=40, help="chunks per article (default 40)")
    parser.add_argument("--unseen", default=UNSEEN, help="extract-dev page id of the unseen article")
    args = parser.parse_args()
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        raise SystemExit("bench/word_times.py needs the dev extra: .venv/bin/pip install -e '.[dev]'") from None
    articles = {"seed": SEED.read_text(encoding="utf-8"), "unseen": unseen_text(args.unseen)}
    rows = []
    for name in args.backends.split(","):
        backend = timed_backend(name)
        for article, text in articles.items():
            row = {
                "backend": name,
                "article": article,
                **measure(backend, chunks_of(text, backend.max_chars, args.chunks)),
            }
            row["ok"] = bool(
                row["engine_median_ms"] is not None
                and row["engine_median_ms"] <= GOAL_MEDIAN * 1000
                and row["engine_p90_ms"] <= GOAL_P90 * 1000
            )
            rows.append(row)
            print(
                f"{name:8} {article:7} {row['words']:4} words in {row['chunks']} chunks ({row['skipped']} skipped): "
                f"engine median {row['engine_median_ms']} ms, p90 {row['engine_p90_ms']} ms; "
                f"speech by characters median {row['chars_median_ms']} ms, p90 {row['chars_p90_ms']} ms; "
                f"chunk by characters median {row['chunk_chars_median_ms']} ms, p90 {row['chunk_chars_p90_ms']} ms "
                f"(ratio {row['chars_median_ms'] / max(1, row['engine_median_ms'] or 1):.1f}x) "
                f"[{row['seconds']} s]",
                flush=True,
            )
    print(json.dumps({"bench": "word_times", "goal_ms": [100, 250], "results": rows}))


if __name__ == "__main__":
    main()
