"""Benchmark: how much word-level read-along adds to an article's manifest and to the API's JSON (issue 17).

A ~5,000-word article of real prose (the English ground-truth texts of ../shared/extract-dev, in page-id
order, until 5,000 words) is rendered for real with a backend that gives word times (pyttsx3: eSpeak NG's
word events; ``--backend piper`` for Piper's). The baseline is the same manifest and the same API JSON with
the word times left out, measured in the same run: figures are printed as bytes and as ratios to it, raw
and gzipped (what a server sends with compression on).

    .venv/bin/python bench/manifest_words.py [--backend pyttsx3] [--words 5000] [--cache DIR]

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/web.py is not the web package
SHARED = HERE.parent.parent / "shared"
GROUND_TRUTH = SHARED / "extract-dev" / "ground-truth.json"
PAGES = SHARED / "extract-dev" / "pages.json"


def article_text(words: int) -> str:
    """Real English prose of about ``words`` words: extract-dev's ground-truth article bodies."""
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    pages = json.loads(PAGES.read_text(encoding="utf-8"))
    parts, count = [], 0
    for page_id in sorted(truth):
        if pages.get(page_id, {}).get("lang") != "en":
            continue
        body = truth[page_id].get("articleBody") or ""
        parts.append(body)
        count += len(body.split())
        if count >= words:
            break
    return "Word times, measured\n\n" + "\n\n".join(parts) + "\n"


def sizes(text: str) -> dict[str, int]:
    data = text.encode("utf-8")
    return {"bytes": len(data), "gzip": len(gzip.compress(data, 6))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="pyttsx3")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--cache", type=Path, help="a cache directory to reuse (default: a new temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        return measure(args, Path(scratch))


def measure(args: argparse.Namespace, scratch: Path) -> int:
    from reader.render import RenderOptions, render
    from reader.store import LocalStore

    source = scratch / "article.txt"
    text = article_text(args.words)
    source.write_text(text, encoding="utf-8")
    store = LocalStore(args.cache or scratch / "cache")
    started = time.perf_counter()
    result = render(str(source), RenderOptions(backend=args.backend), store=store)
    seconds = time.perf_counter() - started
    manifest = result.manifest
    plain = dataclasses.replace(manifest, entries=tuple(dataclasses.replace(e, words=None) for e in manifest.entries))
    timed = sum(1 for e in manifest.entries if e.words)
    triples = sum(len(e.words) // 3 for e in manifest.entries if e.words)

    from web import create_app
    from web.library import get_library
    from web.views import to_json

    app = create_app({"TESTING": True, "CACHE_DIR": str(store.root)})
    with app.test_request_context():
        api = to_json(get_library().get(manifest.article_id))
    api_plain = {**api, "sentences": [{**s, "words": None} for s in api["sentences"]]}

    figures = {
        "backend": args.backend,
        "words": len(text.split()),
        "chunks": len(manifest.entries),
        "chunks_with_times": timed,
        "triples": triples,
        "render_seconds": round(seconds, 1),
        "manifest": {"without": sizes(plain.to_json()), "with": sizes(manifest.to_json())},
        "api": {"without": sizes(app.json.dumps(api_plain)), "with": sizes(app.json.dumps(api))},  # as Flask sends it
    }
    for name in ("manifest", "api"):
        base, grown = figures[name]["without"], figures[name]["with"]
        for kind in ("bytes", "gzip"):
            print(
                f"{name:8} {kind:5}: {base[kind]:>8,} → {grown[kind]:>8,} "
                f"(+{grown[kind] - base[kind]:,}, ×{grown[kind] / base[kind]:.2f})"
            )
    print(f"{figures['words']:,} words, {figures['chunks']} chunks ({timed} timed), {triples:,} word spans")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
