"""Hostile inputs of up to 5 MB through the plan path (extract, script, chunk): time and memory per shape.

    .venv/bin/python bench/adversarial.py [--only SUBSTRING] [--jobs 2]

Each shape of ``tests/adversarial_inputs.py`` runs in a fresh interpreter (so its peak RSS is its own);
a baseline, a real 5,000-word article, runs first in the same way, and each shape is printed with its
ratio to it. The budget (README "Input budgets"): every shape read or refused within 500 MB of peak
memory and 10 s. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from adversarial_inputs import BASELINE, BUDGET_MB, BUDGET_SECONDS, SHAPES, measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the shapes whose name contains this")
    parser.add_argument("--jobs", type=int, default=2, help="shapes measured at once (each in its own process)")
    args = parser.parse_args()
    baseline = measure(BASELINE)
    names = [name for name in SHAPES if args.only in name and name != BASELINE]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(measure, names))
    print(f"{'shape':34s} {'MB in':>6s} {'s':>6s} {'cpu s':>6s} {'peak MB':>8s} {'x time':>7s} {'x mem':>6s}  outcome")
    for row in [baseline, *rows]:
        print(
            f"{row['shape']:34s} {row['bytes'] / 1e6:6.2f} {row['seconds']:6.2f} {row['cpu_seconds']:6.2f} "
            f"{row['peak_mb']:8d} {row['cpu_seconds'] / max(baseline['cpu_seconds'], 0.01):7.1f} "
            f"{row['peak_mb'] / baseline['peak_mb']:6.1f}  {str(row['outcome'])[:70]}"
        )
    over = [r["shape"] for r in rows if r["peak_mb"] > BUDGET_MB or r["cpu_seconds"] > BUDGET_SECONDS]
    print(json.dumps({"baseline": baseline, "shapes": rows, "over_budget": over}))


if __name__ == "__main__":
    main()
