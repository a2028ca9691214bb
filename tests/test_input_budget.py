"""The input budget (issue 11): any input of up to 5 MB is read or refused within 500 MB and 10 s.

Each shape of ``tests/adversarial_inputs.py`` (repeated inline tags, deep nesting, huge attributes,
many tiny blocks, unpunctuated runs, long words, many paragraphs, huge tables, many comments, as HTML,
text, Markdown and raw bytes) goes through the plan path (extract, script, chunk) in a fresh interpreter,
which reports its peak RSS (VmHWM) and its CPU time. CPU time, not wall time: the budget is about the
work an input costs, and wall time on a shared machine also counts the neighbours. A refusal must be a
``ReaderError`` with a 4xx status (422 for what is over a cap). ``bench/adversarial.py`` prints the same
figures as a table.
"""

from __future__ import annotations

import pytest
from adversarial_inputs import BASELINE, BUDGET_MB, BUDGET_SECONDS, MAX_INPUT_BYTES, SHAPES, measure

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("shape", [name for name in SHAPES if name != BASELINE])
def test_every_hostile_shape_is_read_or_refused_within_the_budget(shape: str) -> None:
    result = measure(shape)
    assert result["bytes"] <= MAX_INPUT_BYTES + 1000
    assert result["peak_mb"] <= BUDGET_MB, result
    assert result["cpu_seconds"] <= BUDGET_SECONDS, result
    if str(result["outcome"]).startswith("refused"):
        assert 400 <= int(result["status"]) < 500, result
