"""Benchmark: how fast the reader starts, whole processes, beside ``python -c pass`` in the same run.

Figures (issue 18), each the median of ``--runs`` fresh processes, wall and CPU (user + system of
the child) time:

(a) ``python -c "import reader"``                      target <= 0.1 s
(b) ``reader --help``                                  target <= 0.2 s
(c) ``reader script`` of the seed page                 target <= 0.5 s
(d) ``reader speak`` of the seed, already cached       target <= 0.4 s
(e) ``reader speak`` of a 5,000-word article after a one-paragraph edit, as a fraction of the cold
    ``reader speak`` of the same article (one run each: the cold render takes minutes)   target <= 15 %

The baseline is the interpreter starting and stopping (``python -c pass``) in the same run, so a
loaded machine shows as a slower baseline: figures are printed as seconds and as that ratio. Each
command runs with its own empty cache folder (``READER_CACHE_DIR``); the first, untimed, run of
each warms what the machine keeps between runs (the unpacked language model, the voice digest,
Python's bytecode), as a user's second command would find it.

    .venv/bin/python bench/startup.py [--runs 7] [--words 5000] [--backend piper] [--skip-edit | --only-edit]

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "fixtures" / "seed_article.html"
READER = [sys.executable, "-m", "reader"]
TARGETS = {"import": 0.1, "help": 0.2, "script": 0.5, "speak_cached": 0.4, "edit_fraction": 0.15}


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (its output thrown away); fails loudly on an error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def figure(argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    timed(argv, env)  # warm: bytecode, the unpacked language model, the page cache
    samples = [timed(argv, env) for _ in range(runs)]
    return {
        "wall_s": round(statistics.median(s[0] for s in samples), 3),
        "cpu_s": round(statistics.median(s[1] for s in samples), 3),
    }


def edit_figure(workdir: Path, env: dict[str, str], words: int, backend: str | None) -> dict[str, float]:
    """Cold ``reader speak`` of a generated article, then of the same article with one paragraph edited."""
    sys.path.insert(0, str(ROOT / "bench"))
    import dataclasses

    from render import make_article, plain_text  # the render bench's generated news article

    from reader.article import Block

    article = make_article(words, seed=words)
    blocks = list(article.blocks)
    middle = len(blocks) // 2 if blocks[len(blocks) // 2].kind == "paragraph" else len(blocks) // 2 + 1
    blocks[middle] = Block("paragraph", "This paragraph was corrected after publication. " + blocks[middle].text)
    edited = dataclasses.replace(article, blocks=tuple(blocks))
    original_path, edited_path = workdir / "article.txt", workdir / "article-edited.txt"
    original_path.write_text(plain_text(article) + "\n", encoding="utf-8")
    edited_path.write_text(plain_text(edited) + "\n", encoding="utf-8")
    chosen = ["--backend", backend] if backend else []
    cold_wall, cold_cpu = timed([*READER, "speak", str(original_path), *chosen], env)
    edit_wall, edit_cpu = timed([*READER, "speak", str(edited_path), *chosen], env)
    return {
        "words": words,
        "cold_wall_s": round(cold_wall, 2),
        "cold_cpu_s": round(cold_cpu, 2),
        "edit_wall_s": round(edit_wall, 2),
        "edit_cpu_s": round(edit_cpu, 2),
        "fraction": round(edit_wall / cold_wall, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per figure (the median is kept)")
    parser.add_argument("--words", type=int, default=5000, help="size of the edited article")
    parser.add_argument("--backend", default=None, help="backend for the renders (default: the best installed)")
    parser.add_argument("--skip-edit", action="store_true", help="leave out (e), which takes minutes")
    parser.add_argument("--only-edit", action="store_true", help="only (e) (and the baseline)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="reader-startup-"))
    env = {**os.environ, "READER_CACHE_DIR": str(workdir / "cache")}
    chosen = ["--backend", args.backend] if args.backend else []
    load = os.getloadavg()[0]
    try:
        results: dict[str, object] = {"baseline": figure([sys.executable, "-c", "pass"], env, args.runs)}
        if not args.only_edit:
            results["import"] = figure([sys.executable, "-c", "import reader"], env, args.runs)
            results["help"] = figure([*READER, "--help"], env, args.runs)
            results["script"] = figure([*READER, "script", str(SEED)], env, args.runs)
            results["speak_cached"] = figure([*READER, "speak", str(SEED), *chosen], env, args.runs)  # warm run renders
        if not args.skip_edit:
            results["edit"] = edit_figure(workdir, env, args.words, args.backend)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    base = results["baseline"]
    print(f"load average at start {load:.1f} on {os.cpu_count()} cores; medians of {args.runs} processes")
    print(f"{'baseline: python -c pass':40} wall {base['wall_s']:.3f} s  cpu {base['cpu_s']:.3f} s")
    names = {
        "import": 'python -c "import reader"',
        "help": "reader --help",
        "script": "reader script SEED",
        "speak_cached": "reader speak SEED (cached)",
    }
    for key, label in names.items():
        if key not in results:
            continue
        row = results[key]
        verdict = "ok" if row["wall_s"] <= TARGETS[key] else "OVER"
        print(
            f"{label:40} wall {row['wall_s']:.3f} s ({row['wall_s'] / base['wall_s']:.1f}x baseline)  "
            f"cpu {row['cpu_s']:.3f} s ({row['cpu_s'] / max(base['cpu_s'], 1e-3):.1f}x)  "
            f"target <= {TARGETS[key]} s: {verdict}"
        )
    if "edit" in results:
        edit = results["edit"]
        verdict = "ok" if edit["fraction"] <= TARGETS["edit_fraction"] else "OVER"
        print(
            f"reader speak, {edit['words']} words, one paragraph edited: {edit['edit_wall_s']:.1f} s of a "
            f"{edit['cold_wall_s']:.1f} s cold render = {edit['fraction']:.1%} (cpu {edit['edit_cpu_s']:.1f} of "
            f"{edit['cold_cpu_s']:.1f} s)  target <= 15 %: {verdict}"
        )
    print(json.dumps({"load_average": round(load, 2), "runs": args.runs, "targets": TARGETS, **results}))


if __name__ == "__main__":
    main()
