"""Benchmark: intelligibility of each voice, as a speech recogniser trained on human speech hears it.

Renders the seed article (../shared/fixtures/seed_article.txt) with each
backend through the reader's own pipeline (48 kbps MP3 chunks, the house
format), then runs the audio sentence by sentence through PocketSphinx with
its bundled US English model and prints the word error rate per backend
against the words the reader meant to say (each sentence's spoken text).
A lower WER is a voice people understand more easily; the default voice must
score <= 0.35 (the eSpeak NG formant voice scores about 0.9).

Needs the bench-only packages ``pocketsphinx`` and ``jiwer`` (not part of the
install): ``.venv/bin/pip install pocketsphinx jiwer``.

    .venv/bin/python bench/voice.py [--backends default,piper,pyttsx3] [--source PATH]

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "seed_article.txt"
DEFAULT_WER_MAX = 0.35
_NOT_WORD = re.compile(r"[^a-z0-9']+")


def words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower().replace("-", " ")).split())


def recognise(decoder, pcm16k) -> str:  # type: ignore[no-untyped-def]
    decoder.start_utt()
    decoder.process_raw(pcm16k.tobytes(), full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr if hypothesis is not None else ""


def score(backend: str, source: Path, decoder) -> dict:  # type: ignore[no-untyped-def]
    """Render ``source`` with ``backend`` ("default": no --backend) and recognise it sentence by sentence."""
    import jiwer
    import numpy as np

    from reader.audio import decode_to_pcm
    from reader.render import RenderOptions, render
    from reader.store import open_store

    workdir = Path(tempfile.mkdtemp(prefix="reader-voice-"))
    try:
        store = open_store(workdir / "cache")
        started = time.perf_counter()
        result = render(source, RenderOptions(backend=None if backend == "default" else backend), store=store)
        wall = time.perf_counter() - started
        by_sentence: dict[int, list] = {}
        for entry in result.manifest.entries:
            by_sentence.setdefault(entry.sentence, []).append(entry)
        references, hypotheses = [], []
        for entries in by_sentence.values():
            reference = words(" ".join(e.spoken for e in entries))
            if not reference:
                continue
            pcm = np.concatenate([decode_to_pcm(store.read_chunk(e.key), 16000) for e in entries])
            references.append(reference)
            hypotheses.append(words(recognise(decoder, pcm)))
        used = sorted({e.backend for e in result.manifest.entries})
        return {
            "backend": backend,
            "rendered_by": used,
            "sentences": len(references),
            "wer": round(jiwer.wer(references, hypotheses), 3),
            "render_s": round(wall, 1),
            "audio_s": round(result.manifest.duration, 1),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="default,piper,pyttsx3", help="comma-separated; default = no --backend")
    parser.add_argument("--source", type=Path, default=SEED, help="the article to speak (default: the seed)")
    args = parser.parse_args()
    try:
        from pocketsphinx import Decoder
    except ImportError:
        raise SystemExit("bench/voice.py needs: .venv/bin/pip install pocketsphinx jiwer") from None
    decoder = Decoder(samprate=16000, logfn="/dev/null")
    rows = []
    for backend in args.backends.split(","):
        row = score(backend, args.source, decoder)
        rows.append(row)
        print(
            f"{backend:8} ({'/'.join(row['rendered_by'])}): WER {row['wer']:.2f} over {row['sentences']} sentences "
            f"({row['audio_s']:.0f} s of audio rendered in {row['render_s']:.1f} s)",
            flush=True,
        )
    default = next((r for r in rows if r["backend"] == "default"), None)
    verdict = None if default is None else default["wer"] <= DEFAULT_WER_MAX
    print(json.dumps({"bench": "voice", "default_wer_max": DEFAULT_WER_MAX, "default_ok": verdict, "results": rows}))
    if verdict is False:
        sys.exit(1)


if __name__ == "__main__":
    main()
