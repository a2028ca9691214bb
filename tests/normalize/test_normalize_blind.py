"""The blind examiner: English news sentences written by someone who saw neither the code nor any case.

The cases live verbatim in ``normalize_blind_english.py`` (the examiner's file, unedited: its
``{a|b}`` notation expands to every reading a newsreader could use). They are judged like
``test_normalize_heldout.py``: a case passes when eSpeak NG (``espeak-ng -q -x -v en-us``) says
the normalizer's output with the same phonemes as one of the accepted readings.

The cases were committed unfixed first; the first pass (the English rules as they were) and the
final pass are in README.md, "How the normalizer is examined". A summary test prints the pass
rate per kind with its count and holds the rules to the bar: 95 % overall, 90 % in every kind.
Cases the rules still miss are listed in ``MISSES`` (xfail, not strict) with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import pytest
import test_normalize_cases as _judge
from normalize_blind_english import CASES

from reader.normalize import normalize

MARKER, _phoneme_key = _judge.MARKER, _judge._phoneme_key

Expected = str | tuple[str, ...]

ALL_CASES = [(kind, written, spoken) for kind, pairs in CASES.items() for written, spoken in pairs]

# Cases the rules still say wrong, each with why (xfail, not strict: a fix turns them green).
MISSES: dict[str, str] = {
    # The examiner accepts only "edu" said as a word; the rules say "E D U", as the tld table reads
    # every .edu address (both are heard on air; the examiner's reading is not wrong, just not ours).
    "Submit the form at apply.example.edu/aid-form.": "the tld table says .edu as letters",
}


def _acceptable(spoken: Expected) -> tuple[str, ...]:
    """The examiner's readings, its letters ("F B I", "a m") heard as letters (test_normalize_cases.as_letters)."""
    readings = (spoken,) if isinstance(spoken, str) else spoken
    return tuple(dict.fromkeys(_judge.as_letters(r) for r in readings))


def phonemes(texts: list[str], voice: str = "en-us") -> dict[str, str]:
    """What eSpeak NG says for each text (stress and pauses left out), from one process."""
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed (./quickstart.sh installs it)")
    texts = sorted(set(texts))
    script = f"\n\n{MARKER}\n\n".join(texts) + f"\n\n{MARKER}\n"
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", voice], input=script, capture_output=True, text=True, check=True, timeout=300
    ).stdout
    marker = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", voice], input=MARKER, capture_output=True, text=True, check=True
    ).stdout.strip()
    pieces = [chunk.strip() for chunk in out.split(marker)][: len(texts)]
    assert len(pieces) == len(texts), "eSpeak NG output did not line up with the texts"
    return {text: _phoneme_key(p) for text, p in zip(texts, pieces, strict=True)}


@pytest.fixture(scope="session")
def heard_blind() -> dict[str, str]:
    return phonemes([t for _, w, s in ALL_CASES for t in (normalize(w), *_acceptable(s))])


def _heard_right(written: str, spoken: Expected, heard: dict[str, str]) -> bool:
    said = heard[normalize(written)]
    return any(said == heard[s] for s in _acceptable(spoken))


def pass_rates(heard: dict[str, str]) -> tuple[dict[str, tuple[int, int]], float]:
    """(passed, total) per kind, and the overall rate."""
    total, passed = Counter(), Counter()
    for kind, written, spoken in ALL_CASES:
        total[kind] += 1
        passed[kind] += _heard_right(written, spoken, heard)
    return {k: (passed[k], total[k]) for k in total}, sum(passed.values()) / sum(total.values())


def test_the_blind_set_covers_every_kind_of_the_issue():
    assert len(ALL_CASES) >= 280
    assert all(len(pairs) >= 20 for pairs in CASES.values())


def _params():
    for kind, written, spoken in ALL_CASES:
        marks = [pytest.mark.xfail(reason=MISSES[written], strict=False)] if written in MISSES else []
        yield pytest.param(kind, written, spoken, id=f"{kind}:{written}", marks=marks)


@pytest.mark.parametrize(("kind", "written", "spoken"), list(_params()))
def test_a_listener_hears_the_blind_case_right(kind, written, spoken, heard_blind):
    said = normalize(written)
    assert _heard_right(written, spoken, heard_blind), f"{kind}: {written!r} → {said!r}, expected {spoken!r}"


def test_blind_pass_rates_per_kind(heard_blind, capsys):
    """Prints the per-kind table (run with -s to see it) and holds the acceptance bar."""
    rates, overall = pass_rates(heard_blind)
    with capsys.disabled():
        print("\nblind examiner, per kind:")
        for kind, (ok, n) in rates.items():
            print(f"  {kind:12s} {ok:3d}/{n:<3d} {ok / n:6.1%}")
        print(f"  {'overall':12s} {sum(o for o, _ in rates.values()):3d}/{len(ALL_CASES):<3d} {overall:6.1%}")
    low = {kind: f"{ok}/{n}" for kind, (ok, n) in rates.items() if ok / n < 0.90}
    assert overall >= 0.95, f"overall {overall:.1%} heard right"
    assert not low, f"kinds under 90%: {low}"
