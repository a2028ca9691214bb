"""Normalizer speed on a generated 5,000-word news article, and its fallback hits.

Prints a few human lines, then one JSON line: characters per second (median of
several runs), the same for a baseline that only cleans punctuation (measured in
the same run, so the ratio is comparable across machines), and the number of
fallback hits (digits or symbols spelled out one by one because no rule matched;
the target is 0). Target: >= 500 KB/s.

    .venv/bin/python bench/normalize.py [--runs 7] [--words 5000]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import time

from reader.normalize import PASS_THROUGH_RULES, normalize

TEMPLATES = [
    "The economy grew {pct} in the {ordinal} quarter, the {acr} said on {weekday}.",
    "Officials said {money} in aid would arrive by {date}, with a further {money} promised for {year}.",
    "{title} {name} told reporters at {time} that {count} people had been evacuated from {place}.",
    "Shares of {company} rose {pct} to {money} after the {acr} approved the deal, a {score} vote.",
    "Temperatures reached {temp} in {place} on {date}, the hottest day since the {decade}.",
    "The {count}-page report, published at {url}, found that {fraction} of voters backed the plan.",
    "{name} III, who served in World War II, was born in {year} and died on {date}.",
    "Call {phone} or write to {email} for details; follow {handle} and {hashtag} for updates.",
    "Inflation fell to {pct} from {pct} a year earlier, while {acr} data showed {count} new jobs.",
    "The {distance} route cost {money} & took {range} years to build, according to {acr} figures.",
    "In the {decade}, the company employed {count} workers at {address} and earned {money} a year.",
    "“We cannot accept {pct},” said {title} {name} — the talks, he added, would resume at {time}.",
    "NATO allies agreed to spend {pct} of GDP on defense by {year}, up from {pct} in {year}.",
    "The {ordinal} round ended {score} after {duration} minutes; attendance was {count}.",
    "Prices rose {range}% in {month}, and {money} was wiped off the {acr} index (approx. {pct}).",
    "Police were called to {street}, {city}, after a tip to {vanity} about a card ending in {digits}.",
    "Rents average {rate} in {quarter}, and the owner/operator said the {units} site at {path} opens {capdate}.",
]
FILL = {
    "pct": ["2%", "5.5%", "0.3%", "12%", "2.5 percent", "-1.2%"],
    "ordinal": ["1st", "2nd", "3rd", "4th", "21st"],
    "acr": ["FBI", "IMF", "ECB", "EU", "U.S.", "OECD", "CDC", "NASA", "WHO", "BBC"],
    "weekday": ["Monday", "Thu.", "Friday", "Wed."],
    "money": ["$3.5 billion", "€250bn", "£20m", "$1.2 trillion", "50p", "US$5", "$4.99", "¥100", "₹500", "$12,000"],
    "date": ["Feb. 13, 2025", "13 February 2025", "2025-02-13", "Sept. 11", "March 3", "Jan. 1, 2024"],
    "year": ["1984", "2001", "2010", "2025", "1900", "2030"],
    "title": ["Dr.", "Sen.", "Gov.", "Gen.", "Mr.", "Mrs.", "Prof.", "Rep."],
    "name": ["Smith", "Johnson", "Garcia", "Okafor", "Nguyen", "Charles"],
    "time": ["10:30 a.m.", "7 p.m.", "14:00 GMT", "noon", "9am"],
    "count": ["1,204", "9,000", "350", "12", "47,000", "1.5 million"],
    "place": ["St. Louis", "Elm St.", "Springfield, Ill.", "Kyiv", "Brussels"],
    "company": ["Apple Inc.", "Ford Motor Co.", "AT&T", "Microsoft Corp.", "Acme Ltd."],
    "score": ["3-2", "52-48", "6-3", "2-1"],
    "temp": ["25°C", "77°F", "-5°C", "40 degrees"],
    "decade": ["1990s", "'80s", "1960s", "2000s"],
    "url": ["https://www.example.com/news/2025/02/13/report", "www.bbc.co.uk", "example.org"],
    "fraction": ["1/2", "2/3", "3/4", "½"],
    "phone": ["(555) 123-4567", "202-555-0143", "+44 20 7946 0958"],
    "email": ["press@example.com", "jane.doe@news.org"],
    "handle": ["@POTUS", "@Reuters"],
    "hashtag": ["#MeToo", "#Election2024"],
    "distance": ["5 km", "60-mile", "100 km/h", "3,000 sq ft"],
    "range": ["10-15", "2024-25", "3-5"],
    "address": ["10 Downing St.", "1600 Pennsylvania Ave."],
    "duration": ["90", "120", "45"],
    "month": ["May", "Jan.", "Oct."],
    "street": ["2315 Oak Ave.", "418 S. Elm St.", "E 9th St", "1600 Pennsylvania Ave. NW", "Hwy 101"],
    "city": ["Austin, TX 78701", "Boise, ID", "Portland, OR", "St. Paul, MN"],
    "vanity": ["1-888-FLY-HOME", "(555)-123-4567", "03-2345 6789", "1-800-222-TIPS"],
    "digits": ["4821", "0912"],
    "rate": ["$15/mo.", "€8/wk", "£2/day", "$4.10/gal"],
    "quarter": ["1Q25", "Q4 2023", "H2 2026"],
    "units": ["2 billion lb", "3.4 million sq m", "6 million m³", "25KM"],
    "path": ["example.com/help", "www.gov.uk/apply-passport", "192.168.1.1"],
    "capdate": ["OCT. 9", "APRIL 17, 2025", "2021/11/05", "in the 1950s-70s"],
}


def generate_article(words: int, seed: int = 13) -> list[str]:
    """Sentences of a news-like article, about ``words`` words long, the same for a given seed."""
    rng = random.Random(seed)
    sentences: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(TEMPLATES)
        sentence = template.format_map({k: rng.choice(v) for k, v in FILL.items()})
        sentences.append(sentence)
        count += len(sentence.split())
    return sentences


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.hits.append(record.getMessage())


def _seconds(sentences: list[str], **options: object) -> tuple[float, float]:
    """Wall-clock and CPU seconds to normalize every sentence once."""
    start, cpu = time.perf_counter(), time.process_time()
    for sentence in sentences:
        normalize(sentence, **options)  # type: ignore[arg-type]
    return time.perf_counter() - start, time.process_time() - cpu


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()

    sentences = generate_article(args.words)
    chars = sum(len(s) for s in sentences)
    counter = _Counter()
    fallback = logging.getLogger("reader.normalize.fallback")
    fallback.addHandler(counter)
    fallback.setLevel(logging.DEBUG)
    _seconds(sentences)  # warm-up: loads tables, compiles rules, fills the number caches
    hits = list(counter.hits)
    fallback.removeHandler(counter)

    full, full_cpu = _median([_seconds(sentences) for _ in range(args.runs)])
    baseline, baseline_cpu = _median([_seconds(sentences, rules=PASS_THROUGH_RULES) for _ in range(args.runs)])
    result = {
        "words": sum(len(s.split()) for s in sentences),
        "chars": chars,
        "runs": args.runs,
        "chars_per_second": round(chars / full),
        "kb_per_second": round(chars / full / 1000, 1),
        # CPU time of this process: steadier than wall time on a machine shared with other jobs
        "cpu_kb_per_second": round(chars / full_cpu / 1000, 1),
        "target_kb_per_second": 500,
        "baseline_kb_per_second": round(chars / baseline / 1000, 1),
        "ratio_to_baseline": round(baseline / full, 3),
        "cpu_ratio_to_baseline": round(baseline_cpu / full_cpu, 3),
        "load_average": round(os.getloadavg()[0], 2),
        "fallback_hits": len(hits),
    }
    print(f"{result['words']} words, {chars} characters in {len(sentences)} sentences")
    print(f"normalize: {result['kb_per_second']} KB/s wall, {result['cpu_kb_per_second']} KB/s CPU "
          f"(median of {args.runs}); cleanup only: {result['baseline_kb_per_second']} KB/s wall")  # fmt: skip
    print(f"fallback hits: {len(hits)}" + (f" (first: {hits[:5]})" if hits else ""))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
