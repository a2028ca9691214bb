"""The README's recipes, run as written: the shell blocks are taken from README.md and pasted into bash.

Only what a fresh machine would differ in is changed: the `reader` on PATH is this environment's,
the cache is a temporary folder, and the try-it-locally embed recipe gets free ports instead of
8000 and 8792 (its text is otherwise run as it stands, in a real Chromium). The podcast comes out
with real audio and is read back by feedparser, podcastparser and ffprobe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import feedparser
import podcastparser
import pytest
from services import free_port

REPO = Path(__file__).resolve().parent.parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.slow  # each recipe renders real audio: 10-60 s apiece on a shared 2-core machine


def _section(title: str) -> str:
    """From the recipe's heading to the next heading of its level outside a code block."""
    lines, fenced = [], False
    for line in README[README.index(f"## Recipe: {title}") :].splitlines()[1:]:
        fenced ^= line.startswith("```")
        if line.startswith("## ") and not fenced:
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def _shell_blocks(section: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READER_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["READER_CACHE_DIR"] = str(tmp_path / "audio_cache")
    return env


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"recipe failed:\n{script}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    return result


def test_make_a_podcast_recipe_builds_a_feed_with_real_audio(tmp_path: Path) -> None:
    (block,) = _shell_blocks(_section("make a podcast"))
    _bash(block, tmp_path, _env(tmp_path))
    site = tmp_path / "harbour" / "site"
    parsed = feedparser.parse(site / "feed.xml")
    assert not parsed.bozo and parsed.feed.title == "Harbour Reads"
    (entry,) = parsed.entries
    assert entry.published.startswith("Mon, 02 Mar 2026")  # the Markdown file's date
    assert entry.summary.startswith("The highest tides of the year")  # the first paragraph, not the site
    with (site / "feed.xml").open("rb") as handle:
        (episode,) = podcastparser.parse("https://example.org/harbour/feed.xml", handle)["episodes"]
    assert episode["enclosures"][0]["url"].startswith("https://example.org/harbour/episodes/")
    mp3 = site / "episodes" / episode["enclosures"][0]["url"].rsplit("/", 1)[1]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(mp3)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(json.loads(probe.stdout)["format"]["duration"]) > 3
    assert "<audio" in (site / "index.html").read_text(encoding="utf-8")


def test_export_audio_recipe_writes_tagged_files_with_chapters(tmp_path: Path) -> None:
    (block,) = _shell_blocks(_section("export audio"))
    result = _bash(block, tmp_path, _env(tmp_path))
    names = sorted(p.name for p in (tmp_path / "audio").iterdir())
    stem = "Spring tides reach the old quay"
    assert names == [f"{stem}.m4b", f"{stem}.mp3", f"{stem}.vtt"]
    assert "TAG:title=The ferry" in result.stdout  # the recipe's own check prints the chapters


@pytest.mark.browser
def test_listen_button_recipe_tried_on_one_machine_shows_a_player(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    block = next(b for b in _shell_blocks(_section("add a listen button to your site")) if "try-embed" in b)
    server_port, page_port = free_port(), free_port()
    block = block.replace("8000", str(server_port)).replace("8792", str(page_port))
    log = (tmp_path / "recipe.log").open("wb")
    process = subprocess.Popen(
        ["bash", "-c", block], cwd=tmp_path, env=_env(tmp_path), stdout=log, stderr=log, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{server_port}/healthz", timeout=2):
                    break
            except OSError:
                started = time.monotonic() < deadline and process.poll() is None
                assert started, (tmp_path / "recipe.log").read_text(encoding="utf-8", errors="replace")
                time.sleep(0.3)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                messages: list[str] = []
                page.on("console", lambda message: messages.append(message.text))
                page.goto(f"http://127.0.0.1:{page_port}/story.html")
                page.locator("[data-reader-player]").wait_for(timeout=60_000)
                # The exact-origin rule, as the recipe says: localhost is another origin, so no player.
                other = browser.new_page()
                other_messages: list[str] = []
                other.on("console", lambda message: other_messages.append(message.text))
                other.goto(f"http://localhost:{page_port}/story.html")
                other.wait_for_timeout(3000)
                assert other.locator("[data-reader-player]").count() == 0
                assert any("reader" in text.lower() for text in other_messages), other_messages
                server_log = (tmp_path / "recipe.log").read_text(encoding="utf-8", errors="replace")
                refused = f"refused cross-origin requests from http://localhost:{page_port}"
                assert refused in server_log and "READER_CORS_ORIGINS" in server_log  # as the recipe says
            finally:
                browser.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_the_python_api_example_runs_as_written(tmp_path: Path) -> None:
    (block,) = re.findall(r"### Python API\n\n```python\n(.*?)```", README, flags=re.S)
    (tmp_path / "article.html").write_text(
        "<html lang='en'><head><title>Spring tides reach the old quay</title></head><body><article>"
        "<h1>Spring tides reach the old quay</h1><p>The highest tides of the year lapped at the steps of the old "
        "quay on Sunday morning.</p><p>Harbour staff closed the lower car park for two hours.</p></article></body>"
        "</html>",
        encoding="utf-8",
    )
    (tmp_path / "FEED.toml").write_text(
        '[show]\ntitle = "Harbour Reads"\ndescription = "Stories."\nauthor = "Desk"\nlanguage = "en"\n'
        'base_url = "https://example.org/h/"\nowner_email = "desk@example.org"\n\n'
        '[[episodes]]\nsource = "article.html"\n',
        encoding="utf-8",
    )
    check = "\nassert not report.failed and done.path.suffix == '.m4b' and result.audio_path.is_file()\n"
    result = subprocess.run(
        [sys.executable, "-c", block + check], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
