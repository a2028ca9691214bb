"""What marking the spoken word costs the listener's browser: main-thread time while playing, on ÷ off.

Issue 17 item 3. Starts `reader serve --open` (pyttsx3, one render worker) on an empty cache, renders a
generated article, opens its page in headless Chromium (Debian's, through Playwright, as the browser
tests do) and plays it at 2× for ``--seconds`` with the word marked (a Range in CSS.highlights, looked
up every animation frame), then as long with it off (`W`: the sentence highlight only, on timeupdate as
before word times), from the same place, alternating for ``--rounds``. Chromium's own counters
(DevTools Performance.getMetrics: TaskDuration, ScriptDuration, LayoutDuration, RecalcStyleDuration)
give the main thread's busy time per second of audio. Prints each round, then the medians and their
ratio on ÷ off, with the load average (the machine is shared: compare ratios, not milliseconds).

    .venv/bin/python bench/readalong.py [--rounds 3] [--seconds 8] [--words 600]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
AUDIO = "document.querySelector('#player audio')"


def _helpers():
    """bench/web.py's HTTP helpers (loaded by path: its module name would shadow the ``web`` package)."""
    spec = importlib.util.spec_from_file_location("bench_web", HERE / "web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _metrics(cdp) -> dict[str, float]:
    found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: found.get(name, 0.0) for name in METRICS}


def _play(page, cdp, start: float, seconds: float) -> dict[str, float]:
    """Main-thread ms per second of audio while playing ``seconds`` of wall time from ``start``."""
    page.evaluate(f"{AUDIO}.pause(); document.getElementById('player').readerPlayer.seekTo({start})")
    page.wait_for_timeout(300)
    before, heard_from = _metrics(cdp), page.evaluate(f"{AUDIO}.currentTime")
    page.evaluate(f"{AUDIO}.play()")
    page.wait_for_timeout(int(seconds * 1000))
    after, heard_to = _metrics(cdp), page.evaluate(f"{AUDIO}.currentTime")
    page.evaluate(f"{AUDIO}.pause()")
    heard = max(heard_to - heard_from, 1e-6)
    return {name: round(1000 * (after[name] - before[name]) / heard, 3) for name in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="wall time played per measurement")
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    helpers = _helpers()
    root = Path(tempfile.mkdtemp(prefix="reader-bench-readalong-"))
    (root / "cache").mkdir()
    port = helpers.free_port()
    env = {
        **os.environ,
        "READER_CACHE_DIR": str(root / "cache"),
        "READER_RATE_LIMIT_PER_MINUTE": "0",
        "READER_WORKERS": "1",
        "READER_BACKEND": "pyttsx3",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--open", "--port", str(port), "--workers", "1"],
        cwd=root,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    load_before = os.getloadavg()[0]
    results: dict[str, list[dict]] = {"on": [], "off": []}
    try:
        helpers.wait_http(f"http://127.0.0.1:{port}/healthz", timeout=180)
        created = helpers.post_json(port, "/api/articles", {"text": helpers.article_text(args.words)})
        state = helpers.wait_complete(port, created["id"])
        timed = sum(1 for s in state["sentences"] if s.get("words"))
        print(f"article: {len(state['sentences'])} sentences, {timed} with word times, {state['duration']:.0f} s")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 850})
            page.goto(f"http://127.0.0.1:{port}{state['page_url']}")
            page.evaluate("localStorage.clear(); localStorage.setItem('reader:rate', '2')")
            page.reload()
            page.wait_for_selector("#player .p-play")
            page.click("#player .p-play")
            page.wait_for_timeout(500)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
            start = 2.0
            on = True
            for number in range(args.rounds):
                for mode in ("on", "off"):  # alternated, so load changes touch both alike
                    if (mode == "on") != on:
                        page.keyboard.press("w")
                        on = not on
                    figures = _play(page, cdp, start, args.seconds)
                    results[mode].append(figures)
                    print(f"round {number + 1} words {mode:3} ms per audio second: {figures}", flush=True)
            browser.close()
    finally:
        helpers.stop(server)
        shutil.rmtree(root, ignore_errors=True)
    print(f"load average {load_before:.2f} → {os.getloadavg()[0]:.2f} (1-minute averages, on a shared machine)")
    for name in METRICS:
        on_ms = statistics.median(r[name] for r in results["on"])
        off_ms = statistics.median(r[name] for r in results["off"])
        ratio = f"{on_ms / off_ms:.2f}" if off_ms else "n/a"
        print(f"{name:20} on {on_ms:8.2f}  off {off_ms:8.2f}  ms per audio second  on ÷ off {ratio}")


if __name__ == "__main__":
    main()
