"""Benchmark: extraction and scripting time, per page and per 100 KB of HTML.

Pages: the seed article (the bundled demo page) and a generated 5,000-word
article page wrapped in typical furniture (navigation, share bar, ad slots,
related links, comment form). For each: the median of several runs of
``reader.extract`` (decode + furniture removal + trafilatura + cleanup) and of
``reader.make_script`` (sentence splitting + normalization), beside a baseline
measured in the same run: trafilatura's own ``bare_extraction`` (content and
metadata) on the same bytes, so the cost of the listener's cleanup shows as a ratio.

    .venv/bin/python bench/extract.py [--runs 7]

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable

import trafilatura

import reader
from reader.demo import demo_article_path

TEXT = (
    "the council said on Tuesday that new rules would apply to every district from next year while residents "
    "asked whether the plan had been costed and officials replied that funding was agreed in principle but "
    "details would follow after a public consultation which opened in March and drew more than four thousand "
    "responses from people who live and work in the city centre and its suburbs"
)
WORDS = TEXT.split()


def generated_page(words: int = 5000, seed: int = 7) -> bytes:
    """An article page of about ``words`` words of body text inside common page furniture."""
    rng = random.Random(seed)
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 24)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        text = " ".join(sentences)
        count += len(text.split())
        paragraphs.append(f"<p>{text}</p>")
        if len(paragraphs) % 8 == 0:
            paragraphs.append(f"<h2>Section {len(paragraphs) // 8}: what happens next</h2>")
        if len(paragraphs) % 11 == 0:
            paragraphs.append("<div class='ad-slot'><span>Advertisement</span></div>")
    furniture_top = (
        "<header><nav><ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(20)) + "</ul></nav>"
        "</header><div class='share-bar'><a>Facebook</a><a>Twitter</a><a>Email</a></div>"
    )
    furniture_end = (
        "<div class='related-posts'><h3>Related articles</h3>"
        + "".join(f"<a href='/r{i}'>Related story number {i}</a>" for i in range(12))
        + "</div><div id='comments'><h3>Leave a Reply</h3><form><textarea></textarea>"
        "<p>Please enter your comment!</p></form></div><footer>© 2025 The Example Times</footer>"
    )
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A Long Report on the City Plan</title>"
        "<meta property='article:published_time' content='2025-03-02T08:00:00Z'>"
        "</head><body>"
        + furniture_top
        + "<article><h1>A Long Report on the City Plan</h1>"
        + "".join(paragraphs)
        + "</article>"
        + furniture_end
        + "</body></html>"
    )
    return html.encode("utf-8")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, compiled patterns, segmenter caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(name: str, data: bytes, runs: int) -> dict[str, float | int | str]:
    article = reader.extract(data)
    extract_s = median_seconds(lambda: reader.extract(data), runs)
    script_s = median_seconds(lambda: reader.make_script(article), runs)
    baseline_s = median_seconds(
        lambda: trafilatura.bare_extraction(data, include_formatting=True, with_metadata=True), runs
    )
    per_100kb = 100_000 / len(data)
    words = sum(len(block.text.split()) for block in article.blocks)
    return {
        "page": name,
        "html_kb": round(len(data) / 1000, 1),
        "words_read": words,
        "extract_ms": round(extract_s * 1000, 2),
        "script_ms": round(script_s * 1000, 2),
        "extract_ms_per_100kb": round(extract_s * 1000 * per_100kb, 2),
        "script_ms_per_100kb": round(script_s * 1000 * per_100kb, 2),
        "baseline_trafilatura_ms": round(baseline_s * 1000, 2),
        "extract_vs_baseline": round(extract_s / baseline_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (median reported)")
    args = parser.parse_args()
    results = [
        measure("seed_article.html", demo_article_path().read_bytes(), args.runs),
        measure("generated_5000_words.html", generated_page(), args.runs),
    ]
    for row in results:
        print(
            f"{row['page']:28} {row['html_kb']:7} KB  {row['words_read']:5} words  "
            f"extract {row['extract_ms']:8} ms ({row['extract_ms_per_100kb']} ms/100 KB, "
            f"{row['extract_vs_baseline']}x trafilatura alone)  script {row['script_ms']:8} ms "
            f"({row['script_ms_per_100kb']} ms/100 KB)"
        )
    print(json.dumps({"bench": "extract", "runs": args.runs, "pages": results}))


if __name__ == "__main__":
    main()
