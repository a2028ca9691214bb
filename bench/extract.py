"""Benchmark: extraction and scripting time, per page and per 100 KB of HTML.

Pages: the seed article (the bundled demo page) and a generated 5,000-word
article page wrapped in typical furniture (navigation, share bar, ad slots,
related links, comment form). For each: the median of several runs of
``reader.extract`` (decode + furniture removal + trafilatura + cleanup) and of
``reader.make_script`` (sentence splitting + normalization), beside a baseline
measured in the same run: trafilatura's own ``bare_extraction`` (content and
metadata) on the same bytes, so the cost of the listener's cleanup shows as a ratio.

    .venv/bin/python bench/extract.py [--runs 7]

Real-page mode (``--real [DIR]``, default ``../shared/extract-dev``): on real news pages with the article
body marked by a person, token F1, precision, recall and "junk" (the share of read tokens in sentences
mostly absent from the marked body) of the speech script's written body sentences (title and subtitle
reported apart), beside trafilatura alone (default settings) in the same run; per page, then averaged for
the tuning pages and the 16 held-out pages (never used to tune rules).

    .venv/bin/python bench/extract.py --real [DIR] [--page ID_PREFIX] [--group tuning|heldout]
        [--summary-only] [--junk]

``--group tuning --junk`` lists the junk sentences of each tuning page (what to study when tuning); it never
lists them for held-out pages. ``--group heldout --summary-only`` gives the held-out figures without any
per-page line, so measuring the held-out group shows nothing to tune on.

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

import reader
import reader.text.extract_html
import reader.text.script
from reader.cli.demo import demo_article_path

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


# --- Real pages: how much of the human-marked article the speech script keeps -------------------------

REAL_PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "extract-dev"
# Held out from all tuning, chosen before any page was looked at: the 16 page ids that come first when
# sorted by sha256("reader-extract-heldout:" + id). The rule is fixed; the list is written out to be checked.
HELDOUT_SALT = "reader-extract-heldout:"
HELDOUT_COUNT = 16
HELDOUT = frozenset(
    {
        "291a8bf33ee49074f33dcff37544ac40506cae450db83b6cb63f02b9920b51c2",
        "33fe2471fd553c6570f93997f208b4f39bf30be5947c3cfa620ee8eff3355ab9",
        "34a7328535ad4e60b059f81d37eec5d25c2bc8de759ce9a7b5e47ac7dc6fd1b0",
        "374ac9a59a85196cdacc1679fb8993521a7b7d9d6533720f102300be1c7face4",
        "3cb22bfabed8de715c0813a7bb5052363c96bd71ccce3bb2dfb3ab9d1d7a9bbc",
        "5fa3154ec031ab35411a457d78eb5aa92c0e803c5329bd05c001e6d64009e206",
        "776a1c046798b474e410f6edf3225d6a27fecd0de6aac22aef7b7f64fe87caaf",
        "7a664e40d256470fdb12d10c3f8d1c6db0581e9b080c71765e55f273a3ac7d03",
        "87438a0dacbeb979e72522f42b9020048da13dc5a079477114190c8855701b7f",
        "94fbcc26772088646cb977cecf1abc4012847a1f6927d09505cbf0c3d417ba07",
        "9ebb3af65694a953005df5bd3869b2cefc263e1dea0471e3ef361c66a264cdd3",
        "ad826691a8a2f9c4ce50cf0b885af933c4b5119c1f6235cd7df1dfb83f255bcc",
        "aec5deeaada8b2fb81b55349da0229d5c77a4dc9605c1aaa31e5ce8b71358bc9",
        "d605bdef2cde7308a9f2fbd1484d4a9c3da0167177245d346da61e455f42208d",
        "db6b0816c612296c7f1f001c6df874214fcca0da0fc86fb3aea9358c7f681754",
        "f6ac15a4d98511396da23e4428deb5605422b1c8bbc8284e771f6896bdccf57f",
    }
)
# Letters of scripts written without spaces: each counts as one token (a word would be the whole sentence).
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+")
_JUNK_SENTENCE_SHARE = 0.5  # a sentence whose tokens are mostly absent from the marked body is junk


def heldout_ids(ids: list[str]) -> frozenset[str]:
    """The held-out rule applied to ``ids`` (checked against ``HELDOUT`` so the list cannot drift)."""
    ranked = sorted(ids, key=lambda i: hashlib.sha256((HELDOUT_SALT + i).encode()).hexdigest())
    return frozenset(ranked[:HELDOUT_COUNT])


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def junk_sentences(sentences: list[str], truth: str) -> list[str]:
    """The sentences whose tokens are mostly absent from the marked body."""
    want = Counter(tokens(truth))
    return [s for s in sentences if (w := tokens(s)) and sum(1 for t in w if want[t]) / len(w) < _JUNK_SENTENCE_SHARE]


def score(sentences: list[str], truth: str) -> dict[str, float]:
    """Token F1, precision, recall (multisets) and the share of read tokens in sentences not in the body."""
    want = Counter(tokens(truth))
    got = Counter(t for s in sentences for t in tokens(s))
    overlap = sum((want & got).values())
    precision = overlap / max(sum(got.values()), 1)
    recall = overlap / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    junk = 0
    for sentence in sentences:
        words = tokens(sentence)
        if words and sum(1 for w in words if want[w]) / len(words) < _JUNK_SENTENCE_SHARE:
            junk += len(words)
    return {"f1": f1, "precision": precision, "recall": recall, "junk": junk / max(sum(got.values()), 1)}


def _identity(text: str, lang: str) -> str:
    return text


def project_sentences(data: bytes) -> tuple[list[str], str, str | None, str]:
    """The speech script's written body sentences (title and subtitle apart), or the error it ended in."""
    try:
        article = reader.extract(data)
    except reader.ReaderError as error:
        return [], "", None, str(error).split(":")[0]
    script = reader.make_script(article, _identity)
    body = [s.written for s in script.sentences if s.kind not in ("title", "subtitle")]
    return body, article.title, article.subtitle, ""


def trafilatura_sentences(data: bytes) -> list[str]:
    """Trafilatura alone, default settings, its text split the same way (lines, then sentences)."""
    text = trafilatura.extract(data) or ""
    return [s for line in text.splitlines() for s in reader.text.script.split_sentences(line) if s.strip()]


def _mean(rows: list[dict], key: str) -> float:
    return round(statistics.fmean(r[key] for r in rows), 4) if rows else 0.0


def real_pages(
    directory: Path,
    only: str | None = None,
    *,
    group: str = "all",
    summary_only: bool = False,
    show_junk: bool = False,
) -> dict:
    """Score every page of ``directory`` (the extract-dev layout); print per page, then per group."""
    truth = json.loads((directory / "ground-truth.json").read_text())
    ids = sorted(truth)
    held = heldout_ids(ids)
    if held != HELDOUT:
        raise SystemExit("the held-out rule no longer gives the written list: pages changed?")
    rows = []
    for page_id in ids:
        if only and not page_id.startswith(only):
            continue
        if group != "all" and group != ("heldout" if page_id in held else "tuning"):
            continue
        data = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
        body = truth[page_id]["articleBody"]
        ours, title, subtitle, error = project_sentences(data)
        mine, theirs = score(ours, body), score(trafilatura_sentences(data), body)
        body_tokens = set(tokens(body))
        row = {
            "page": page_id[:8],
            "group": "heldout" if page_id in held else "tuning",
            **{k: round(v, 4) for k, v in mine.items()},
            **{f"traf_{k}": round(v, 4) for k, v in theirs.items()},
            "error": error,
            "title": title,
            "title_in_body": round(_share_in(title, body_tokens), 2),
            "subtitle": subtitle,
            "subtitle_in_body": round(_share_in(subtitle or "", body_tokens), 2) if subtitle else None,
        }
        rows.append(row)
        if summary_only:
            continue
        flag = " !" + error if error else (" <half" if mine["recall"] < 0.5 else "")
        print(
            f"{row['page']} {row['group']:7}  F1 {mine['f1']:.3f} P {mine['precision']:.3f} R {mine['recall']:.3f} "
            f"junk {mine['junk']:.3f} | trafilatura F1 {theirs['f1']:.3f} P {theirs['precision']:.3f} "
            f"R {theirs['recall']:.3f} junk {theirs['junk']:.3f}{flag}"
        )
        print(f"           title: {title[:90]!r}  subtitle: {(subtitle or '')[:70]!r}")
        if show_junk and page_id not in held:
            for sentence in junk_sentences(ours, body):
                print(f"           junk: {sentence[:160]!r}")
    summary = {}
    for name in ("tuning", "heldout", "all"):
        chosen = [r for r in rows if name in ("all", r["group"])]
        if not chosen:
            continue
        summary[name] = {
            "pages": len(chosen),
            **{k: _mean(chosen, k) for k in ("f1", "precision", "recall", "junk")},
            **{f"traf_{k}": _mean(chosen, f"traf_{k}") for k in ("f1", "precision", "recall", "junk")},
            "no_article": sum(1 for r in chosen if r["error"]),
            "under_half_recall": sum(1 for r in chosen if r["recall"] < 0.5),
        }
        s = summary[name]
        print(
            f"{name:8} {s['pages']:2} pages  F1 {s['f1']:.4f} P {s['precision']:.4f} R {s['recall']:.4f} "
            f"junk {s['junk']:.4f} | trafilatura F1 {s['traf_f1']:.4f} P {s['traf_precision']:.4f} "
            f"R {s['traf_recall']:.4f} junk {s['traf_junk']:.4f} | no article {s['no_article']}, "
            f"recall < 0.5 {s['under_half_recall']}"
        )
    shown = [] if summary_only else rows
    return {"bench": "extract-real", "directory": str(directory), "summary": summary, "pages": shown}


def _share_in(text: str, body_tokens: set[str]) -> float:
    words = tokens(text)
    return sum(1 for w in words if w in body_tokens) / len(words) if words else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (median reported)")
    parser.add_argument("--real", nargs="?", const=REAL_PAGES, type=Path, help="score real pages in DIR")
    parser.add_argument("--page", help="with --real: only pages whose id starts so")
    parser.add_argument("--mode", choices=["recall", "balanced", "precision"], help="trafilatura's leaning (--real)")
    parser.add_argument("--group", choices=["all", "tuning", "heldout"], default="all", help="with --real: one group")
    parser.add_argument("--summary-only", action="store_true", help="with --real: group figures only, no page lines")
    parser.add_argument("--junk", action="store_true", help="with --real: list junk sentences (tuning pages only)")
    args = parser.parse_args()
    if args.mode:
        reader.text.extract_html.TRAFILATURA_MODE = args.mode
    if args.real:
        result = real_pages(args.real, args.page, group=args.group, summary_only=args.summary_only, show_junk=args.junk)
        print(json.dumps(result))
        return
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
