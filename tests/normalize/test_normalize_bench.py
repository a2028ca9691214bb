"""The normalizer benchmark runs and reads its generated news article with no fallback hits.

Speed is never asserted here (it is the benchmark's job to report it); the
fallback count is a property of the rules, not of the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "normalize.py"


def test_bench_prints_a_json_line_and_no_rule_falls_back():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--words", "1500", "--runs", "1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["words"] >= 1500
    assert figures["chars_per_second"] > 0
    assert figures["fallback_hits"] == 0, result.stdout
