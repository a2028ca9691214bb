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

``--before TREE`` (a copy of an older commit, e.g. ``git archive <commit> | tar -x -C /tmp/before``)
measures that tree's code too, by the same interpreter and in the same run, taking turns process by
process, so that both sides see the same load; its figures are printed beside the current tree's.
The older code runs in a throwaway virtual environment that sees this one's packages but imports
``reader`` from TREE (the editable install would win over ``PYTHONPATH``).
``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment: a user's command finds its
bytecode written.

    .venv/bin/python bench/startup.py [--runs 7] [--words 5000] [--backend piper] [--skip-edit | --only-edit]
                                      [--before TREE]

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


def before_interpreter(tree: Path, workdir: Path) -> str:
    """A Python that imports ``reader`` from ``tree`` and everything else from this environment's
    site-packages, added as plain path entries so that their ``.pth`` files (the editable install's
    finder among them) are not run."""
    import sysconfig
    import venv

    home = workdir / "before-venv"
    venv.create(home, with_pip=False, symlinks=True)
    python = home / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(site, "before.pth").write_text("\n".join([str(tree.resolve()), *ours]) + "\n")
    found = subprocess.run(
        [str(python), "-c", "import reader; print(reader.__file__)"], cwd=workdir, capture_output=True, text=True
    ).stdout.strip()
    if not found.startswith(str(tree.resolve())):
        raise SystemExit(f"--before {tree}: its interpreter imports reader from {found}")
    return str(python)


def figure(argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    return figures(argv, {"now": env}, runs)["now"]


def figures(argv: list[str], envs: dict[str, dict[str, str]], runs: int) -> dict[str, dict[str, float]]:
    """Medians of ``runs`` processes in each environment, taking turns so that each sees the same load.
    An environment's ``PYTHON`` (the ``--before`` interpreter) replaces ``sys.executable``."""
    argvs = {
        name: [env.get("PYTHON", sys.executable) if a == sys.executable else a for a in argv]
        for name, env in envs.items()
    }
    for name, env in envs.items():
        timed(argvs[name], env)  # warm: bytecode, the unpacked language model, the extract cache, the page cache
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in envs}
    for _ in range(runs):
        for name, env in envs.items():
            samples[name].append(timed(argvs[name], env))
    return {
        name: {
            "wall_s": round(statistics.median(s[0] for s in taken), 3),
            "cpu_s": round(statistics.median(s[1] for s in taken), 3),
        }
        for name, taken in samples.items()
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
    parser.add_argument("--before", type=Path, default=None, help="also measure this checkout's code (a-d)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="reader-startup-"))
    os.chdir(workdir)  # the children start here: a checkout in the current folder would shadow the installed code
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**inherited, "READER_CACHE_DIR": str(workdir / "cache")}
    envs = {"now": env}
    if args.before is not None:
        if not (args.before / "reader" / "__init__.py").is_file():
            raise SystemExit(f"--before {args.before}: not a checkout of the reader (no reader/__init__.py)")
        python = before_interpreter(args.before, workdir)
        envs["before"] = {**env, "READER_CACHE_DIR": str(workdir / "cache-before"), "PYTHON": python}
    chosen = ["--backend", args.backend] if args.backend else []
    load = os.getloadavg()[0]
    before: dict[str, dict[str, float]] = {}
    try:
        results: dict[str, object] = {"baseline": figure([sys.executable, "-c", "pass"], env, args.runs)}
        if not args.only_edit:
            commands = {
                "import": [sys.executable, "-c", "import reader"],
                "help": [*READER, "--help"],
                "script": [*READER, "script", str(SEED)],
                "speak_cached": [*READER, "speak", str(SEED), *chosen],  # the warm run renders
            }
            for key, argv in commands.items():
                measured = figures(argv, envs, args.runs)
                results[key] = measured["now"]
                if "before" in measured:
                    before[key] = measured["before"]
        if not args.skip_edit:
            results["edit"] = edit_figure(workdir, env, args.words, args.backend)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if before:
        results["before"] = {"tree": str(args.before), **before}

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
        if key in before:
            old = before[key]
            print(
                f"{'  before (' + args.before.name + ')':40} wall {old['wall_s']:.3f} s "
                f"({old['wall_s'] / base['wall_s']:.1f}x baseline)  cpu {old['cpu_s']:.3f} s  "
                f"now / before: wall {row['wall_s'] / old['wall_s']:.0%}, "
                f"cpu {row['cpu_s'] / max(old['cpu_s'], 1e-3):.0%}"
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
