"""Benchmark: wall time to export a batch of articles, cold (empty cache) and warm (every chunk cached).

Articles are generated (about 1,500 words each, with headings, different
sentences in each so the cold run shares nothing), written as Markdown files,
and exported with ``reader.export_batch`` through the default offline voice
(eSpeak NG via pyttsx3). Baseline, measured in the same run: the bare
``espeak-ng`` command speaking the same text to WAV in one process, which is
the engine's own speed with no chunking, caching, encoding or tagging.

    .venv/bin/python bench/export.py [--articles 10] [--words 1500] [--format mp3]

The last line printed is JSON: seconds cold and warm, audio seconds per wall
second for each, and the ratios cold/baseline and cold/warm.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import reader
from reader.audio import FORMATS
from reader.store import open_store

_WORDS = (
    "harbour council river bridge market winter school bakers lanterns tide engineers volunteers city museum "
    "library station garden orchard festival weather forecast budget transport cyclists neighbours valley "
    "village mountain coast island ferry workshop painters musicians students teachers doctors nurses "
    "farmers millers fishermen sailors builders planners residents visitors families children elders"
)
WORDS = tuple(_WORDS.split())
VERBS = ("said", "agreed", "warned", "hoped", "planned", "opened", "closed", "returned", "grew", "changed", "built")


def article_text(index: int, words: int) -> str:
    """A Markdown article of about ``words`` words; ``index`` seeds it, so articles share no sentences."""
    rng = random.Random(1000 + index)
    lines = [f"# Generated article {index}: the {rng.choice(WORDS)} and the {rng.choice(WORDS)}", ""]
    count = 0
    paragraph = 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(3, 5)):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18)))
            sentence = f"The {rng.choice(WORDS)} {rng.choice(VERBS)} that {body} in {1990 + rng.randint(0, 34)}."
            sentences.append(sentence)
        text = " ".join(sentences)
        count += len(text.split())
        lines += [text, ""]
        paragraph += 1
        if paragraph % 5 == 0:
            lines += [f"## Part {paragraph // 5}: {rng.choice(WORDS)} {rng.choice(WORDS)}", ""]
    return "\n".join(lines)


def baseline(texts: list[str], folder: Path) -> float:
    """Seconds for bare espeak-ng to speak all the text to WAV, one process per article."""
    started = time.perf_counter()
    for number, text in enumerate(texts):
        plain = text.replace("#", "")
        subprocess.run(["espeak-ng", "-w", str(folder / f"{number}.wav"), plain], check=True, capture_output=True)
    return time.perf_counter() - started


def run(sources: list[str], out: Path, store_dir: Path, fmt: str) -> tuple[float, float, int]:
    shutil.rmtree(out, ignore_errors=True)
    store = open_store(store_dir)
    started = time.perf_counter()
    report = reader.export_batch(sources, out, reader.ExportSettings(format=fmt), store=store)
    seconds = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"export failed: {report.failed}")
    audio = sum(item.duration for item in report.exported)
    rendered = sum(item.rendered_chunks for item in report.exported)
    return seconds, audio, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--format", default="mp3", choices=sorted(FORMATS))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        root = Path(tmp)
        texts = [article_text(i, args.words) for i in range(args.articles)]
        sources = []
        for number, text in enumerate(texts):
            path = root / "articles" / f"article-{number}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            sources.append(str(path))
        words = sum(len(t.split()) for t in texts)
        (root / "wav").mkdir()
        base = baseline(texts, root / "wav")
        print(f"baseline: espeak-ng alone speaks {words} words in {base:.1f} s", flush=True)
        cold, audio, rendered = run(sources, root / "out", root / "cache", args.format)
        print(f"cold: {cold:.1f} s for {audio:.0f} s of audio ({rendered} chunks synthesized)", flush=True)
        warm, audio_warm, rendered_warm = run(sources, root / "out", root / "cache", args.format)
        print(f"warm: {warm:.1f} s ({rendered_warm} chunks synthesized)", flush=True)

    result = {
        "bench": "export",
        "articles": args.articles,
        "words": words,
        "format": args.format,
        "audio_seconds": round(audio, 1),
        "baseline_espeak_seconds": round(base, 2),
        "cold_seconds": round(cold, 2),
        "warm_seconds": round(warm, 2),
        "cold_audio_per_wall_second": round(audio / cold, 1),
        "warm_audio_per_wall_second": round(audio_warm / warm, 1),
        "cold_vs_baseline": round(cold / base, 2),
        "cold_vs_warm": round(cold / warm, 1),
        "warm_chunks_synthesized": rendered_warm,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
